#!/usr/bin/env bash
# Runs the GPU device kit (packed by gpu/pack-kit.sh into kit/) on a bare Linux x86-64 machine with
# an NVIDIA GPU and its driver: no JDK, Maven or network needed. From the repository root:
#
#   bash gpu/run-kit.sh OUT_DIR            the full set, about 5 to 7 minutes, never past KIT_BUDGET_S
#   bash gpu/run-kit.sh OUT_DIR --quick    small shapes and short JMH runs: a dry run on any OpenCL (PoCL)
#
# Stages, in order, each under `timeout` and within one overall deadline (KIT_BUDGET_S, default 450 s):
#   env          machine, glibc, nvidia-smi, the OpenCL driver found, `java -version` of the kit's runtime
#   devices      Marquee's `devices`: the backends and every OpenCL device with its kind
#   checks       the OpenCL conformance and parity tests (JUnit console launcher, MARQUEE_REQUIRE_OPENCL=1:
#                no device is a failure); the parity test must have compared the opencl backend
#   torch        gpu/torch_anchor.py: the same model in PyTorch on the same GPU, TF32 off and on
#   jmh-model-opencl, jmh-model-cpu, jmh-conv, jmh-gemm
#                ModelBenchmark forward and trainingStep, ConvLayerBenchmark, GemmBenchmark, cpu and opencl
#   report       gpu/kit_report.py: every JMH result in one CSV and one table
# Every figure lands in OUT_DIR; OUT_DIR/summary.txt lists each stage's status and seconds and is
# rewritten after every stage, so it exists even when the run is cut short.
#
# Environment: KIT_DIR (default kit), KIT_BUDGET_S (default 450), KIT_DEVICE (an OpenCL device
# selector for the benchmarks: an index of the `devices` listing or part of a name; default: the
# backend's own choice, the first GPU or accelerator), KIT_QUICK=1 (same as --quick),
# KIT_NVIDIA_OPENCL (the driver's OpenCL library when it is not libnvidia-opencl.so.1 under
# /usr/lib*, /usr/local/nvidia or in ldconfig's cache).
set -uo pipefail

usage() { echo "usage: bash gpu/run-kit.sh OUT_DIR [--quick]" >&2; exit 2; }
[[ $# -ge 1 && $1 != -* ]] || usage
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=$(cd "${KIT_DIR:-$ROOT/kit}" 2>/dev/null && pwd) || { echo "no kit folder (${KIT_DIR:-$ROOT/kit}): run gpu/pack-kit.sh first" >&2; exit 2; }
mkdir -p "$1" && OUT=$(cd "$1" && pwd) || exit 2
QUICK=${KIT_QUICK:-0}
[[ ${2:-} == --quick ]] && QUICK=1
[[ $# -le 2 && ( -z ${2:-} || ${2:-} == --quick ) ]] || usage
BUDGET=${KIT_BUDGET_S:-450}
T0=$(date +%s)
DEADLINE=$((T0 + BUDGET))
WORK=$(mktemp -d "${TMPDIR:-/tmp}/marquee-kit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
exec > >(tee -a "$OUT/run-kit.log") 2>&1

say() { printf '[run-kit %4ds] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

# ---- the summary: one line per stage, rewritten after each -----------------------------------
NAMES=(); STATUS=(); SECS=(); NOTES=()
ALL_STAGES="env devices checks torch tune jmh-model-opencl jmh-model-cpu jmh-conv jmh-gemm report"
write_summary() {
    local final=${1:-}
    {
        echo "Marquee GPU kit run: $(date -u +%Y-%m-%dT%H:%M:%SZ), mode $([[ $QUICK == 1 ]] && echo quick || echo full), budget ${BUDGET}s, elapsed $(( $(date +%s) - T0 ))s${final:+, finished}"
        echo "OpenCL: ${OPENCL_NOTE:-?}"
        printf '%-18s %-12s %6s  %s\n' stage status seconds note
        local i s done
        for s in $ALL_STAGES; do
            done=""
            for i in "${!NAMES[@]}"; do
                if [[ ${NAMES[$i]} == "$s" ]]; then
                    printf '%-18s %-12s %6s  %s\n' "$s" "${STATUS[$i]}" "${SECS[$i]}" "${NOTES[$i]}"; done=1
                fi
            done
            [[ -n $done ]] || printf '%-18s %-12s %6s  %s\n' "$s" "${final:+NOT-RUN}" "" ""
        done
    } > "$OUT/summary.txt"
}
record() { NAMES+=("$1"); STATUS+=("$2"); SECS+=("$3"); NOTES+=("${4:-}"); write_summary; say "$1: $2 (${3}s)${4:+ - $4}"; }

# stage NAME CAP_S COMMAND...: runs COMMAND under timeout (the smaller of CAP_S and the time left),
# its output in OUT/NAME.txt; sets RC and SECONDS_TAKEN. Returns 1 when skipped for lack of time.
stage() {
    local name=$1 cap=$2; shift 2
    local left=$(( DEADLINE - $(date +%s) ))
    local limit=$(( cap < left ? cap : left ))
    if (( limit < 10 )); then record "$name" SKIPPED 0 "out of time (${left}s left of ${BUDGET}s)"; return 1; fi
    say "$name: start (limit ${limit}s)"
    local s=$(date +%s)
    timeout -k 10 "$limit" "$@" > "$OUT/$name.txt" 2>&1 < /dev/null
    RC=$?
    SECONDS_TAKEN=$(( $(date +%s) - s ))
    LIMIT=$limit
    return 0
}
verdict() {   # verdict NAME [NOTE]: from RC
    local name=$1 note=${2:-}
    case $RC in
        0) record "$name" OK "$SECONDS_TAKEN" "$note" ;;
        124|137) record "$name" TIMEOUT "$SECONDS_TAKEN" "killed after ${LIMIT}s${note:+; $note}" ;;
        *) record "$name" "FAIL($RC)" "$SECONDS_TAKEN" "$note" ;;
    esac
}

write_summary
say "kit: $KIT; output: $OUT; mode: $([[ $QUICK == 1 ]] && echo quick || echo full); budget ${BUDGET}s"

# ---- the runtime: unpack the kit's jlinked JDK ------------------------------------------------
[[ -f $KIT/runtime.tgz && -f $KIT/benchmarks.jar ]] || { say "the kit is incomplete: run gpu/pack-kit.sh"; exit 2; }
tar -xzf "$KIT/runtime.tgz" -C "$WORK" || { say "cannot unpack $KIT/runtime.tgz"; exit 2; }
JAVA=$WORK/runtime/bin/java
JOPTS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
# Signal chaining: an OpenCL driver built on LLVM (PoCL is) installs its own SIGSEGV handler over
# the JVM's, which uses SIGSEGV itself, and the JVM then dies at random (exit 139, no hs_err).
# With libjsig preloaded the JVM keeps its handlers and chains to the driver's. JMH's forks
# inherit the variable.
JSIG=$WORK/runtime/lib/libjsig.so
RUNJ=(env "LD_PRELOAD=$JSIG${LD_PRELOAD:+:$LD_PRELOAD}" "$JAVA")
[[ -f $JSIG ]] || RUNJ=("$JAVA")

# ---- OpenCL: the ICD loader (JOCL dlopens libOpenCL.so) and the driver's ICD ------------------
mkdir -p "$WORK/ocl"
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
need=$(sed -n 's/.*needs GLIBC_\([0-9.]*\).*/\1/p' "$KIT/KIT.txt" 2>/dev/null | head -1)
host_loader=""
for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib /usr/local/nvidia/lib64; do
    [[ -e $d/libOpenCL.so.1 ]] && { host_loader=$d/libOpenCL.so.1; break; }
done
if [[ -n $glibc && -n $need && $(printf '%s\n%s\n' "$need" "$glibc" | sort -V | head -1) != "$need" && -n $host_loader ]]; then
    LOADER=$host_loader; loader_note="the host's $host_loader (glibc $glibc is older than the kit loader's $need)"
else
    LOADER=$KIT/lib/libOpenCL.so.1; loader_note="the kit's ocl-icd loader"
fi
ln -s "$LOADER" "$WORK/ocl/libOpenCL.so"
ln -s "$LOADER" "$WORK/ocl/libOpenCL.so.1"
export LD_LIBRARY_PATH=$WORK/ocl${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

NVIDIA_LIB=${KIT_NVIDIA_OPENCL:-}
[[ -z $NVIDIA_LIB || -e $NVIDIA_LIB ]] || { say "KIT_NVIDIA_OPENCL=$NVIDIA_LIB does not exist"; NVIDIA_LIB=""; }
[[ -n $NVIDIA_LIB ]] || for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    [[ -e $d/libnvidia-opencl.so.1 ]] && { NVIDIA_LIB=$d/libnvidia-opencl.so.1; break; }
done
if [[ -z $NVIDIA_LIB ]]; then
    NVIDIA_LIB=$(find /usr/lib* /usr/local/nvidia -maxdepth 3 -name 'libnvidia-opencl.so.1' 2>/dev/null | head -1)
fi
if [[ -z $NVIDIA_LIB ]] && command -v ldconfig >/dev/null; then
    NVIDIA_LIB=$(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl\.so\.1 /{print $NF; exit}')
fi
if [[ -n $NVIDIA_LIB ]]; then
    mkdir -p "$WORK/vendors"
    echo "$NVIDIA_LIB" > "$WORK/vendors/nvidia.icd"
    export OCL_ICD_VENDORS=$WORK/vendors
    OPENCL_NOTE="NVIDIA driver $NVIDIA_LIB through OCL_ICD_VENDORS=$WORK/vendors (nvidia.icd only); loader: $loader_note"
else
    OPENCL_NOTE="no libnvidia-opencl.so.1 under /usr/lib*, /usr/local/nvidia or in ldconfig: falling back to the system's ICDs ($(ls /etc/OpenCL/vendors/*.icd 2>/dev/null | xargs -r -n1 basename | paste -sd' ' -)); loader: $loader_note"
fi
say "OpenCL: $OPENCL_NOTE"

# ---- env -------------------------------------------------------------------------------------
env_info() {
    echo "== kit"; cat "$KIT/KIT.txt"
    echo "== java -version (the kit's runtime: $JAVA; run as: ${RUNJ[*]})"; "$JAVA" -version 2>&1
    echo "== modules"; "$JAVA" --list-modules
    echo "== host"; uname -a; echo "glibc $glibc"; echo "processors: $(nproc)"
    grep -m1 'model name' /proc/cpuinfo; grep MemTotal /proc/meminfo
    echo "== OpenCL"; echo "$OPENCL_NOTE"; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; echo "OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-}"
    ls -l /etc/OpenCL/vendors 2>&1
    echo "== nvidia-smi"
    if command -v nvidia-smi >/dev/null; then timeout 20 nvidia-smi 2>&1; timeout 10 nvidia-smi -L 2>&1; else echo "no nvidia-smi"; fi
    echo "== python3"; python3 --version 2>&1 || true
}
env_start=$(date +%s)
env_info > "$OUT/env.txt" 2>&1
record env OK $(( $(date +%s) - env_start ))
"$JAVA" -version > "$OUT/java-version.txt" 2>&1
say "runtime: $(head -1 "$OUT/java-version.txt") at $JAVA"

# ---- devices ---------------------------------------------------------------------------------
if stage devices 60 "${RUNJ[@]}" "${JOPTS[@]}" -cp "$KIT/benchmarks.jar" org.marquee.app.Main devices; then
    grep -v '^WARNING' "$OUT/devices.txt"
    note=""
    if [[ $RC == 0 && -n $NVIDIA_LIB ]] && ! grep -q '(GPU,' "$OUT/devices.txt"; then RC=1; note="the NVIDIA driver was found but no GPU is listed"; fi
    verdict devices "$note"
fi

# ---- checks: conformance and parity on the default device (the first GPU or accelerator) -----
TESTS="org.marquee.opencl.OpenClConformanceTest org.marquee.opencl.OpenClPrimitivesTest org.marquee.opencl.GemmKernelTest
       org.marquee.opencl.GemmGpuKernelTest org.marquee.opencl.KernelLaunchesTest
       org.marquee.opencl.HostTransfersTest org.marquee.engine.nn.OpenClParityTest org.marquee.app.OpenClPosterModelTest"
select=(); for t in $TESTS; do select+=(--select-class "$t"); done
CP=$KIT/tests/junit-platform-console-standalone.jar:$KIT/benchmarks.jar:$KIT/tests/engine-tests.jar:$KIT/tests/opencl-tests.jar:$KIT/tests/app-tests.jar
if stage checks 150 env MARQUEE_REQUIRE_OPENCL=1 "${RUNJ[@]}" "${JOPTS[@]}" -Xmx6g -cp "$CP" org.junit.platform.console.ConsoleLauncher \
        execute --disable-banner --disable-ansi-colors --details=tree "${select[@]}" --reports-dir "$OUT/checks-reports"; then
    note=$(sed -n 's/^\[ *\([0-9]*\) tests \(successful\|failed\|skipped\|aborted\) *\]$/\1 \2/p' "$OUT/checks.txt" | paste -sd, - | sed 's/,/, /g')
    if [[ $RC == 0 ]] && ! grep -qE '─ opencl ✔' "$OUT/checks.txt"; then RC=1; note="$note; the parity test did not compare the opencl backend"; fi
    if [[ $RC == 0 ]] && grep -qE '[1-9][0-9]* tests (skipped|aborted)' "$OUT/checks.txt"; then RC=1; note="$note; tests were skipped"; fi
    verdict checks "$note"
fi

# ---- torch: the same model in PyTorch on the same GPU ------------------------------------------
if [[ $QUICK == 1 ]]; then TORCH_ARGS=(--warmup 3 --iters 10 --gemm-warmup 2 --gemm-iters 5); else TORCH_ARGS=(--warmup 10 --iters 50); fi
if command -v python3 >/dev/null; then
    if stage torch 150 python3 "$ROOT/gpu/torch_anchor.py" --out "$OUT" "${TORCH_ARGS[@]}"; then
        cat "$OUT/torch.txt" | tail -20
        if [[ $RC == 3 ]]; then record torch UNAVAILABLE "$SECONDS_TAKEN" "$(tail -2 "$OUT/torch.txt" | head -1)"; else verdict torch; fi
    fi
else
    record torch UNAVAILABLE 0 "no python3"
fi

# ---- tune: the GPU GEMM variants timed on the model's shapes, the winners cached in OUT ----------
# The JMH forks below read that cache (-Dmarquee.opencl.tuneCache) instead of tuning again each.
TUNE_CACHE=$OUT/tune-cache
TUNE_ARGS=(); [[ -n ${KIT_DEVICE:-} ]] && TUNE_ARGS=(--device "$KIT_DEVICE")
[[ $QUICK == 1 ]] && TUNE_ARGS+=(--family gpu --image-size 40 --batch 2)
if stage tune 90 "${RUNJ[@]}" "${JOPTS[@]}" "-Dmarquee.opencl.tuneCache=$TUNE_CACHE" -cp "$KIT/benchmarks.jar" \
        org.marquee.app.Main devices --tune "${TUNE_ARGS[@]}"; then
    grep -v '^WARNING' "$OUT/tune.txt" | tail -20
    verdict tune
fi

# ---- JMH: CPU against GPU ----------------------------------------------------------------------
DEV=(-jvmArgsPrepend "-Dmarquee.opencl.tuneCache=$TUNE_CACHE"); [[ -n ${KIT_DEVICE:-} ]] && DEV+=(-p "device=$KIT_DEVICE")
if [[ $QUICK == 1 ]]; then
    MODEL_OCL=(-p batch=2 -f 1 -wi 0 -i 1 -r 1s)
    MODEL_CPU=(-p batch=2 -f 1 -wi 0 -i 1 -r 1s)
    CONV=(-p batch=2 -p layer=1,3 -f 1 -wi 0 -i 1 -r 1s)
    GEMM=(-p shape=CONV3_FWD,DENSE1_FWD -p threads=0 -f 1 -wi 0 -i 1 -r 1s)
else
    MODEL_OCL=(-f 1 -wi 2 -w 2s -i 5 -r 2s)
    MODEL_CPU=(-f 1 -wi 1 -w 3s -i 3 -r 3s)
    CONV=(-f 1 -wi 1 -w 1s -i 3 -r 1s)
    GEMM=(-p threads=0 -f 1 -wi 1 -w 500ms -i 3 -r 500ms)
fi
jmh() {   # jmh NAME CAP BENCHMARK ARGS...: one JMH run, JSON results in OUT/NAME.json
    local name=$1 cap=$2; shift 2
    if stage "$name" "$cap" "${RUNJ[@]}" -jar "$KIT/benchmarks.jar" "$@" -rf json -rff "$OUT/$name.json"; then
        local note=""
        grep -q '<failure>' "$OUT/$name.txt" && { [[ $RC == 0 ]] && RC=1; note="a benchmark failed (see $name.txt)"; }
        [[ -s $OUT/$name.json ]] || note="${note:+$note; }no JSON results"
        sed -n '/^Benchmark .*Units$/,$p' "$OUT/$name.txt" | grep -v '^$' | head -40
        verdict "$name" "$note"
    fi
}
jmh jmh-model-opencl 100 'ModelBenchmark\.(forward|trainingStep)' -p backendName=opencl "${DEV[@]}" "${MODEL_OCL[@]}"
jmh jmh-model-cpu 90 'ModelBenchmark\.(forward|trainingStep)' -p backendName=cpu "${MODEL_CPU[@]}"
jmh jmh-conv 150 'ConvLayerBenchmark' -p backendName=cpu,opencl "${DEV[@]}" "${CONV[@]}"
jmh jmh-gemm 150 'GemmBenchmark\.gemm' -p backendName=cpu,opencl "${DEV[@]}" "${GEMM[@]}"

# ---- report ------------------------------------------------------------------------------------
if command -v python3 >/dev/null; then
    if stage report 30 python3 "$ROOT/gpu/kit_report.py" "$OUT"; then cat "$OUT/report.txt"; verdict report; fi
else
    record report UNAVAILABLE 0 "no python3: the JMH JSON and text files are all there is"
fi

write_summary finished
echo
cat "$OUT/summary.txt"
say "done in $(( $(date +%s) - T0 ))s; files in $OUT:"
ls -l "$OUT"
grep -qE '^(env|devices|checks|jmh-[a-z-]+) +(FAIL|TIMEOUT|SKIPPED)' "$OUT/summary.txt" && exit 1
exit 0
