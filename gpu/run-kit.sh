#!/usr/bin/env bash
# Runs the GPU device kit (packed by gpu/pack-kit.sh into kit/) on a bare Linux x86-64 machine with
# an NVIDIA GPU and its driver: no JDK, Maven or network needed. From the repository root:
#
#   bash gpu/run-kit.sh OUT_DIR              the full run, at most KIT_BUDGET_S (420 s); see gpu/README.md
#   bash gpu/run-kit.sh OUT_DIR --quick      the same stages, fewer iterations: a second device call
#   bash gpu/run-kit.sh OUT_DIR --dry-run    --quick on any OpenCL device (PoCL on this CPU), the GPU
#                                            GEMM family forced, small shapes: the whole path in 3 minutes
#
# Stages, GPU first, each under `timeout` with its cap and within one overall deadline:
#   env          machine, glibc, nvidia-smi, the OpenCL driver found, `java -version` of the kit's runtime
#   devices      Marquee's `devices`. No GPU listed (and no --dry-run): the diagnosis (the ICD loader's
#                search with OCL_ICD_DEBUG, the driver library and what it links, nvidia-smi) and stop
#   tune         `devices --tune` on the batched shapes a training step runs; the cache the JMH forks read
#   model        ModelBenchmark forward and trainingStep on the GPU (two JMH runs)
#   torch        gpu/torch_anchor.py: the same model and the same GEMM shapes in PyTorch, TF32 off then on
#   conv         ConvLayerBenchmark on the GPU, one JMH run per layer
#   gemm         GemmBenchmark on the GPU, one JMH run per shape (conv2 and conv3 batched, ...)
#   checks       the OpenCL conformance and parity tests on the GPU (MARQUEE_REQUIRE_OPENCL=1)
#   report       gpu/kit_report.py: every JMH result in one CSV and one table against the targets
# The CPU backend's JMH figures are not taken here: they are measured on the CPU machine.
#
# What comes back: a device call returns at most 8 files from its output folder, so OUT_DIR gets
# three: kit-results.tgz (every stage's output, JMH JSON, logs, tuning cache), summary.txt (each
# stage's status, seconds and cap) and report.txt (the figures against the targets). All three are
# rewritten after every stage, and each JMH run writes its JSON when it ends, so a run cut short
# keeps everything measured before the cut.
#
# Environment: KIT_DIR (default kit), KIT_BUDGET_S (default 420), KIT_DEVICE (an OpenCL device
# selector for the benchmarks: an index of the `devices` listing or part of a name; default: the
# backend's own choice, the first GPU or accelerator), KIT_NVIDIA_OPENCL (the driver's OpenCL
# library when it is not libnvidia-opencl.so.1 under /usr/lib*, /usr/local/nvidia or in ldconfig's
# cache), KIT_CUDA_CACHE (the driver's kernel cache folder; default a folder of the run).
set -uo pipefail

usage() { echo "usage: bash gpu/run-kit.sh OUT_DIR [--quick | --dry-run]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 && $1 != -* ]] || usage
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=$(cd "${KIT_DIR:-$ROOT/kit}" 2>/dev/null && pwd) || { echo "no kit folder (${KIT_DIR:-$ROOT/kit}): run gpu/pack-kit.sh first" >&2; exit 2; }
mkdir -p "$1" && OUT=$(cd "$1" && pwd) || exit 2
MODE=full
case ${2:-} in
    "") ;;
    --quick) MODE=quick ;;
    --dry-run) MODE=dry-run ;;
    *) usage ;;
esac
BUDGET=${KIT_BUDGET_S:-420}
T0=$(date +%s)
DEADLINE=$((T0 + BUDGET))
WORK=$(mktemp -d "${TMPDIR:-/tmp}/marquee-kit.XXXXXX")
RES=$WORK/results                       # everything the run writes; packed into OUT/kit-results.tgz
mkdir -p "$RES"
exec > >(tee -a "$RES/run-kit.log") 2>&1

say() { printf '[run-kit %4ds] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

# ---- what comes back: OUT holds three files, refreshed after every stage ----------------------
publish() {
    [[ -f $RES/summary.txt ]] && cp "$RES/summary.txt" "$OUT/summary.txt.tmp" && mv "$OUT/summary.txt.tmp" "$OUT/summary.txt"
    [[ -f $RES/report.txt ]] && cp "$RES/report.txt" "$OUT/report.txt.tmp" && mv "$OUT/report.txt.tmp" "$OUT/report.txt"
    tar -czf "$OUT/kit-results.tgz.tmp" -C "$WORK" results 2>/dev/null && mv "$OUT/kit-results.tgz.tmp" "$OUT/kit-results.tgz"
}
cleanup() { publish; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'say "stopped by a signal"; exit 143' TERM INT

# ---- the summary: one line per stage, rewritten after each -----------------------------------
NAMES=(); STATUS=(); SECS=(); NOTES=(); CAPS=()
ALL_STAGES="env devices tune model torch conv gemm checks report"
write_summary() {
    local final=${1:-}
    {
        echo "Marquee GPU kit run: $(date -u +%Y-%m-%dT%H:%M:%SZ), mode $MODE, budget ${BUDGET}s, elapsed $(( $(date +%s) - T0 ))s${final:+, $final}"
        echo "OpenCL: ${OPENCL_NOTE:-?}"
        printf '%-20s %-12s %7s %5s  %s\n' stage status seconds cap note
        local i s done
        for s in $ALL_STAGES; do
            done=""
            for i in "${!NAMES[@]}"; do
                if [[ ${NAMES[$i]} == "$s" || ${NAMES[$i]} == "$s"-* ]]; then
                    printf '%-20s %-12s %7s %5s  %s\n' "${NAMES[$i]}" "${STATUS[$i]}" "${SECS[$i]}" "${CAPS[$i]}" "${NOTES[$i]}"; done=1
                fi
            done
            [[ -n $done ]] || printf '%-20s %-12s %7s %5s  %s\n' "$s" "${final:+NOT-RUN}" "" "" ""
        done
    } > "$RES/summary.txt"
}
record() {   # record NAME STATUS SECONDS [NOTE]
    NAMES+=("$1"); STATUS+=("$2"); SECS+=("$3"); NOTES+=("${4:-}"); CAPS+=("${LIMIT:-}")
    LIMIT=""
    write_summary; publish; say "$1: $2 (${3}s)${4:+ - $4}"
}

# stage NAME CAP_S COMMAND...: runs COMMAND under timeout (the smaller of CAP_S and the time left),
# its output in RES/NAME.txt; sets RC and SECONDS_TAKEN. Returns 1 when skipped for lack of time.
stage() {
    local name=$1 cap=$2; shift 2
    local left=$(( DEADLINE - $(date +%s) ))
    LIMIT=$(( cap < left ? cap : left ))
    if (( LIMIT < 5 )); then record "$name" SKIPPED 0 "out of time (${left}s left of ${BUDGET}s)"; return 1; fi
    say "$name: start (cap ${LIMIT}s)"
    local s=$(date +%s)
    timeout -k 5 "$LIMIT" "$@" > "$RES/$name.txt" 2>&1 < /dev/null
    RC=$?
    SECONDS_TAKEN=$(( $(date +%s) - s ))
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
finish() {   # finish EXIT_CODE WHY: the report, the summary's last line, and out
    local code=$1 why=$2
    if command -v python3 >/dev/null && ls "$RES"/jmh-*.json >/dev/null 2>&1; then
        python3 "$ROOT/gpu/kit_report.py" "$RES" > "$RES/report-run.txt" 2>&1 || true
    fi
    write_summary "$why"
    echo; cat "$RES/summary.txt"
    [[ -f $RES/report.txt ]] && { echo; cat "$RES/report.txt"; }
    publish
    say "done in $(( $(date +%s) - T0 ))s ($why); in $OUT: $(cd "$OUT" && ls | paste -sd' ' -)"
    exit "$code"
}

write_summary
say "kit: $KIT; output: $OUT; mode: $MODE; budget ${BUDGET}s"

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

# The driver compiles each OpenCL program to machine code once and keeps it here, so the tuner,
# every JMH fork and the checks do not compile the same kernels again.
export CUDA_CACHE_PATH=${KIT_CUDA_CACHE:-$WORK/cuda-cache}
export CUDA_CACHE_MAXSIZE=1073741824
mkdir -p "$CUDA_CACHE_PATH"

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
    # the driver loads its sibling libraries (libnvidia-ptxjitcompiler, libcuda, ...) by name
    NVIDIA_DIR=$(dirname "$NVIDIA_LIB")
    export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:$NVIDIA_DIR
    mkdir -p "$WORK/vendors"
    echo "$NVIDIA_LIB" > "$WORK/vendors/nvidia.icd"
    export OCL_ICD_VENDORS=$WORK/vendors
    OPENCL_NOTE="NVIDIA driver $NVIDIA_LIB through OCL_ICD_VENDORS=$WORK/vendors (nvidia.icd only), $NVIDIA_DIR on LD_LIBRARY_PATH; loader: $loader_note"
else
    OPENCL_NOTE="no libnvidia-opencl.so.1 under /usr/lib*, /usr/local/nvidia or in ldconfig: falling back to the system's ICDs ($(ls /etc/OpenCL/vendors/*.icd 2>/dev/null | xargs -r -n1 basename | paste -sd' ' -)); loader: $loader_note"
fi
say "OpenCL: $OPENCL_NOTE"

# ---- env -------------------------------------------------------------------------------------
env_info() {
    echo "== kit"; cat "$KIT/KIT.txt"
    echo "== java -version (the kit's runtime: $JAVA; run as: ${RUNJ[*]})"; "$JAVA" -version 2>&1
    echo "== host"; uname -a; echo "glibc $glibc"; echo "processors: $(nproc)"
    grep -m1 'model name' /proc/cpuinfo; grep MemTotal /proc/meminfo
    echo "== OpenCL"; echo "$OPENCL_NOTE"; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; echo "OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-}"
    echo "CUDA_CACHE_PATH=$CUDA_CACHE_PATH"
    ls -l /etc/OpenCL/vendors 2>&1
    echo "== nvidia-smi"
    if command -v nvidia-smi >/dev/null; then timeout 20 nvidia-smi 2>&1; else echo "no nvidia-smi"; fi
    echo "== python3"; python3 --version 2>&1 || true
}
env_start=$(date +%s)
env_info > "$RES/env.txt" 2>&1
record env OK $(( $(date +%s) - env_start ))
say "runtime: $("$JAVA" -version 2>&1 | head -1) at $JAVA"

# ---- mode: iterations, shapes and the device family -------------------------------------------
FAMILY=()          # the dry run forces the GPU GEMM family on PoCL's CPU device
UNTUNED=()
TUNE_ARGS=(); [[ -n ${KIT_DEVICE:-} ]] && TUNE_ARGS=(--device "$KIT_DEVICE")
GEMM_SHAPES="CONV2_FWD_B32 CONV3_FWD_B32 CONV2_DW_B32 CONV3_DW_B32 CONV2_DX_B32 CONV3_DX_B32 CONV1_FWD_B32 DENSE1_FWD"
CONV_LAYERS="1 2 3"
CHECKS="org.marquee.opencl.OpenClConformanceTest org.marquee.opencl.OpenClPrimitivesTest org.marquee.opencl.GemmGpuKernelTest
        org.marquee.opencl.LaunchSizesTest org.marquee.opencl.KernelLaunchesTest org.marquee.opencl.HostTransfersTest
        org.marquee.engine.nn.OpenClParityTest org.marquee.app.OpenClPosterModelTest"
case $MODE in
    full)
        MODEL=(-f 1 -wi 2 -w 1s -i 5 -r 1s); CONV=(-f 1 -wi 1 -w 1s -i 3 -r 1s); GEMM=(-f 1 -wi 1 -w 500ms -i 3 -r 500ms)
        TORCH_ARGS=(--warmup 10 --iters 50)
        CAP_DEVICES=20; CAP_TUNE=45; CAP_MODEL=35; CAP_TORCH=60; CAP_CONV=15; CAP_GEMM=12; CAP_CHECKS=64 ;;
    quick)
        MODEL=(-f 1 -wi 1 -w 1s -i 2 -r 1s); CONV=(-f 1 -wi 1 -w 500ms -i 2 -r 500ms); GEMM=(-f 1 -wi 1 -w 300ms -i 2 -r 300ms)
        TORCH_ARGS=(--warmup 3 --iters 10 --gemm-warmup 2 --gemm-iters 5)
        CHECKS="org.marquee.opencl.OpenClConformanceTest org.marquee.opencl.LaunchSizesTest org.marquee.app.OpenClPosterModelTest"
        CAP_DEVICES=20; CAP_TUNE=45; CAP_MODEL=25; CAP_TORCH=40; CAP_CONV=10; CAP_GEMM=8; CAP_CHECKS=45 ;;
    dry-run)
        FAMILY=(-Dmarquee.opencl.family=gpu)
        # the tuner runs on 40-pixel shapes; the benchmarks take the first variant (tuning them on
        # PoCL would cost minutes)
        UNTUNED=(-Dmarquee.opencl.tune=off)
        TUNE_ARGS+=(--image-size 40 --batch 2)
        MODEL=(-p batch=2 -f 1 -wi 0 -i 1 -r 1s); CONV=(-p batch=2 -f 1 -wi 0 -i 1 -r 1s); GEMM=(-f 1 -wi 0 -i 1 -r 1s)
        GEMM_SHAPES="CONV3_FWD DENSE1_FWD"; CONV_LAYERS="3"
        TORCH_ARGS=(--device cpu --batch 2 --warmup 1 --iters 2 --gemm-warmup 1 --gemm-iters 2 --shapes CONV3_FWD_B32,DENSE1_FWD)
        CHECKS="org.marquee.opencl.OpenClGpuFamilyConformanceTest org.marquee.opencl.LaunchSizesTest org.marquee.opencl.KernelLaunchesTest
                org.marquee.app.OpenClPosterModelTest"
        CAP_DEVICES=30; CAP_TUNE=40; CAP_MODEL=30; CAP_TORCH=30; CAP_CONV=25; CAP_GEMM=20; CAP_CHECKS=70 ;;
esac
TUNE_CACHE=$RES/tune-cache
PROPS=("-Dmarquee.opencl.tuneCache=$TUNE_CACHE" "${FAMILY[@]}")     # the tune stage's
RPROPS=("${PROPS[@]}" "${UNTUNED[@]}")                              # the benchmarks' and the checks'


# ---- devices: no GPU, no run -------------------------------------------------------------------
diagnose() {   # why no GPU: the ICD loader's search, the driver library and what it links, nvidia-smi
    {
        echo "== the ICD loader's search (OCL_ICD_DEBUG=7) while Marquee lists the devices"
        OCL_ICD_DEBUG=7 timeout 30 "${RUNJ[@]}" "${JOPTS[@]}" -cp "$KIT/benchmarks.jar" org.marquee.app.Main devices 2>&1 | grep -v '^WARNING' | head -150
        echo "== the driver's OpenCL library"
        if [[ -n $NVIDIA_LIB ]]; then
            ls -l "$NVIDIA_LIB"; echo "-- ldd (a 'not found' sibling stops the driver loading):"; ldd "$NVIDIA_LIB" 2>&1
        else
            echo "no libnvidia-opencl.so.1 found; NVIDIA libraries present:"
            find /usr/lib* /usr/local/nvidia /usr/local/cuda* -maxdepth 3 \( -name 'libnvidia-opencl*' -o -name 'libcuda.so*' -o -name 'libnvidia-ptxjit*' \) 2>/dev/null | head -20
        fi
        echo "== ICD files"; ls -l /etc/OpenCL/vendors 2>&1
        [[ -n ${OCL_ICD_VENDORS:-} ]] && { ls -l "$OCL_ICD_VENDORS"; cat "$OCL_ICD_VENDORS"/*.icd; } 2>&1
        echo "== nvidia-smi"; if command -v nvidia-smi >/dev/null; then timeout 20 nvidia-smi 2>&1; timeout 10 nvidia-smi -L 2>&1; else echo "no nvidia-smi"; fi
        echo "== /dev/nvidia*"; ls -l /dev/nvidia* 2>&1
    } > "$RES/diagnosis.txt" 2>&1
    cat "$RES/diagnosis.txt"
}
if stage devices "$CAP_DEVICES" "${RUNJ[@]}" "${JOPTS[@]}" -cp "$KIT/benchmarks.jar" org.marquee.app.Main devices; then
    grep -v '^WARNING' "$RES/devices.txt"
    if [[ $RC == 0 ]] && ! grep -q '(GPU,' "$RES/devices.txt" && [[ $MODE != dry-run ]]; then
        RC=1; verdict devices "no GPU among the OpenCL devices: see diagnosis.txt"
        diagnose
        finish 1 "stopped: no GPU"
    fi
    verdict devices "$([[ $MODE == dry-run ]] && echo "dry run: any device")"
    [[ $RC == 0 ]] || { diagnose; finish 1 "stopped: devices failed"; }
else
    finish 1 "stopped: no time"
fi

# ---- tune: the GPU GEMM variants on the batched shapes; the JMH forks read this cache ------------
if stage tune "$CAP_TUNE" "${RUNJ[@]}" "${JOPTS[@]}" "${PROPS[@]}" -cp "$KIT/benchmarks.jar" \
        org.marquee.app.Main devices --tune --family gpu "${TUNE_ARGS[@]}"; then
    grep -v '^WARNING' "$RES/tune.txt" | tail -24
    verdict tune
fi

# ---- JMH on the GPU: one run per benchmark, its JSON written when it ends ----------------------
DEV=(-jvmArgsPrepend "${RPROPS[*]}" -p backendName=opencl); [[ -n ${KIT_DEVICE:-} ]] && DEV+=(-p "device=$KIT_DEVICE")
jmh() {   # jmh NAME CAP BENCHMARK ARGS...: one JMH run, JSON results in RES/NAME.json
    local name=$1 cap=$2; shift 2
    if stage "$name" "$cap" "${RUNJ[@]}" -jar "$KIT/benchmarks.jar" "$@" -rf json -rff "$RES/$name.json"; then
        local note=""
        grep -q '<failure>' "$RES/$name.txt" && { [[ $RC == 0 ]] && RC=1; note="a benchmark failed (see $name.txt)"; }
        [[ -s $RES/$name.json ]] || note="${note:+$note; }no JSON results"
        sed -n '/^Benchmark .*Units$/,$p' "$RES/$name.txt" | grep -v '^$' | head -12
        verdict "$name" "$note"
    fi
}
jmh model-forward "$CAP_MODEL" 'ModelBenchmark\.forward$' "${DEV[@]}" "${MODEL[@]}"
jmh model-step "$CAP_MODEL" 'ModelBenchmark\.trainingStep$' "${DEV[@]}" "${MODEL[@]}"

# ---- torch: the same model and GEMM shapes in PyTorch on the same GPU ---------------------------
if command -v python3 >/dev/null; then
    if stage torch "$CAP_TORCH" python3 "$ROOT/gpu/torch_anchor.py" --out "$RES" "${TORCH_ARGS[@]}"; then
        tail -24 "$RES/torch.txt"
        if [[ $RC == 3 ]]; then record torch UNAVAILABLE "$SECONDS_TAKEN" "$(tail -2 "$RES/torch.txt" | head -1)"; else verdict torch; fi
    fi
else
    record torch UNAVAILABLE 0 "no python3"
fi

for layer in $CONV_LAYERS; do
    jmh "conv-$layer" "$CAP_CONV" 'ConvLayerBenchmark' -p "layer=$layer" "${DEV[@]}" "${CONV[@]}"
done
for shape in $GEMM_SHAPES; do
    jmh "gemm-$(echo "$shape" | tr 'A-Z_' 'a-z-')" "$CAP_GEMM" 'GemmBenchmark\.gemm$' -p "shape=$shape" -p threads=0 "${DEV[@]}" "${GEMM[@]}"
done

# ---- checks: conformance and parity on the default device (the first GPU or accelerator) -------
select=(); for t in $CHECKS; do select+=(--select-class "$t"); done
CP=$KIT/tests/junit-platform-console-standalone.jar:$KIT/benchmarks.jar:$KIT/tests/engine-tests.jar:$KIT/tests/opencl-tests.jar:$KIT/tests/app-tests.jar
if stage checks "$CAP_CHECKS" env MARQUEE_REQUIRE_OPENCL=1 "${RUNJ[@]}" "${JOPTS[@]}" "${RPROPS[@]}" -Xmx6g -cp "$CP" \
        org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=summary \
        "${select[@]}" --reports-dir "$RES/checks-reports"; then
    note=$(sed -n 's/^\[ *\([0-9]*\) tests \(successful\|failed\|skipped\|aborted\) *\]$/\1 \2/p' "$RES/checks.txt" | paste -sd, - | sed 's/,/, /g')
    if [[ $RC == 0 ]] && grep -qE '[1-9][0-9]* tests (skipped|aborted)' "$RES/checks.txt"; then RC=1; note="$note; tests were skipped"; fi
    grep -E 'tests (successful|failed|skipped|aborted)|✘|MethodSource' "$RES/checks.txt" | head -20
    verdict checks "$note"
fi

# ---- report --------------------------------------------------------------------------------------
if command -v python3 >/dev/null; then
    if stage report 10 python3 "$ROOT/gpu/kit_report.py" "$RES"; then verdict report; fi
else
    record report UNAVAILABLE 0 "no python3: the JMH JSON and text files are all there is"
fi
if grep -qE '^(env|devices|model-[a-z]+|gemm-[a-z0-9-]+|checks) +(FAIL|TIMEOUT|SKIPPED)' "$RES/summary.txt"; then
    finish 1 "finished, with failures"
fi
finish 0 finished
