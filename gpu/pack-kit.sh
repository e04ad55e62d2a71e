#!/usr/bin/env bash
# Packs the GPU device kit into kit/ (git-ignored, under 50 MiB): everything gpu/run-kit.sh needs
# on a bare Linux x86-64 machine that has a GPU driver but no JDK, no Maven and no network.
#
#   bash gpu/pack-kit.sh
#
#   kit/runtime.tgz      a jlinked Java runtime (JDK 25 by default; modules below), packed as a .tgz so
#                        that file modes and links survive any copy; run-kit.sh unpacks it to a temp dir
#   kit/benchmarks.jar   bench/target/benchmarks.jar (JMH, the engine, opencl, app; also runs `devices`)
#   kit/tests/           the test classes of engine, opencl and app (the OpenCL conformance and parity
#                        checks) and the JUnit Platform Console Standalone launcher that runs them
#   kit/lib/             the ocl-icd loader libOpenCL.so.1 (JOCL dlopens "libOpenCL.so": run-kit.sh links it)
#   kit/KIT.txt          what was packed: commit, JDK, modules, files and their SHA-256
#
# Environment: KIT_JDK (default /usr/lib/jvm/temurin-25-jdk-amd64), KIT_DIR (default kit),
# MARQUEE_BUILD_LOCK (default /tmp/marquee-build.lock; every Maven command runs under flock on it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

JDK=${KIT_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
KIT=${KIT_DIR:-$ROOT/kit}
LOCK=${MARQUEE_BUILD_LOCK:-/tmp/marquee-build.lock}
LIMIT_MIB=50
# What the benchmarks, `devices` and the console launcher load (found by running them on the
# packed runtime): the Vector API (cpu backend), java.logging (JOCL, JUnit), java.management
# (JMH), jdk.unsupported (JMH's sun.misc.Unsafe), java.xml (the launcher's XML reports). Not
# java.desktop: only the app's PNG reports and the dataset's image decoding use it.
MODULES=java.base,java.logging,java.management,java.xml,jdk.incubator.vector,jdk.unsupported

say() { printf '[pack-kit] %s\n' "$*"; }
die() { printf '[pack-kit] error: %s\n' "$*" >&2; exit 1; }
mvn_locked() { flock "$LOCK" mvn -B -q -Dstyle.color=never "$@"; }

[[ -x $JDK/bin/jlink ]] || die "no jlink in $JDK (set KIT_JDK to a JDK 17+ home; JDK 25 is what the kit was tried with)"
command -v mvn >/dev/null || die "mvn not found"
command -v flock >/dev/null || die "flock not found (util-linux)"

# JUnit: the poms' junit.version is the Jupiter version; the platform's is 1.x.y for Jupiter 5.x.y.
JUNIT=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml | head -1)
[[ -n $JUNIT ]] || die "no <junit.version> in pom.xml"
if [[ $JUNIT == 5.* ]]; then PLATFORM=1.${JUNIT#5.}; else PLATFORM=$JUNIT; fi
CONSOLE=junit-platform-console-standalone-$PLATFORM.jar

say "building bench/target/benchmarks.jar and the test jars (reactor: -pl bench -am package -DskipTests)"
mvn_locked -pl bench -am package -DskipTests
for f in bench/target/benchmarks.jar engine/target/marquee-engine-*-tests.jar opencl/target/marquee-opencl-*-tests.jar \
         app/target/test-classes/org/marquee/app/OpenClPosterModelTest.class; do
    compgen -G "$f" >/dev/null || die "the build did not produce $f"
done

say "fetching org.junit.platform:junit-platform-console-standalone:$PLATFORM"
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/marquee-pack.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mvn_locked org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=org.junit.platform:junit-platform-console-standalone:$PLATFORM -DoutputDirectory="$STAGE/console"
[[ -f $STAGE/console/$CONSOLE ]] || die "dependency:copy did not produce $CONSOLE"

say "jlink: $MODULES"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress zip-9 \
    --output "$STAGE/runtime" 2> >(grep -v 'incubator modules' >&2)
"$STAGE/runtime/bin/java" -version 2>"$STAGE/java-version.txt" || die "the jlinked runtime does not start"

say "writing $KIT"
rm -rf "$KIT"
mkdir -p "$KIT/tests" "$KIT/lib"
tar -czf "$KIT/runtime.tgz" -C "$STAGE" runtime
cp bench/target/benchmarks.jar "$KIT/"
cp "$STAGE/console/$CONSOLE" "$KIT/tests/junit-platform-console-standalone.jar"
cp engine/target/marquee-engine-*-tests.jar "$KIT/tests/engine-tests.jar"
cp opencl/target/marquee-opencl-*-tests.jar "$KIT/tests/opencl-tests.jar"
"$JDK/bin/jar" --create --file "$KIT/tests/app-tests.jar" -C app/target/test-classes .

# The ocl-icd loader (Debian's ocl-icd-libopencl1 here): the real file, not the distribution's link.
ICD_LOADER=""
for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
    if [[ -e $d/libOpenCL.so.1 ]]; then ICD_LOADER=$(readlink -f "$d/libOpenCL.so.1"); break; fi
done
[[ -n $ICD_LOADER ]] || die "no libOpenCL.so.1 found (install ocl-icd-libopencl1)"
cp "$ICD_LOADER" "$KIT/lib/libOpenCL.so.1"
ln -s libOpenCL.so.1 "$KIT/lib/libOpenCL.so"
LOADER_PKG=$(dpkg -S "$ICD_LOADER" 2>/dev/null | cut -d: -f1 | head -1 || true)
LOADER_VERSION=$( [[ -n $LOADER_PKG ]] && dpkg-query -W -f '${Version}' "$LOADER_PKG" 2>/dev/null || true)
LOADER_GLIBC=$(objdump -T "$ICD_LOADER" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 || true)

COMMIT=$(git rev-parse HEAD 2>/dev/null || echo unknown)
DIRTY=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
    echo "Marquee GPU device kit, packed $(date -u +%Y-%m-%dT%H:%M:%SZ) by gpu/pack-kit.sh"
    echo "commit: $COMMIT$DIRTY"
    echo "runtime: jlink of $JDK (--strip-debug --no-header-files --no-man-pages --compress zip-9)"
    sed 's/^/  /' "$STAGE/java-version.txt"
    echo "modules: $MODULES"
    echo "runtime unpacked: $(du -sh "$STAGE/runtime" | cut -f1)"
    echo "junit: jupiter $JUNIT, console launcher $CONSOLE"
    echo "OpenCL ICD loader: $ICD_LOADER${LOADER_PKG:+ ($LOADER_PKG $LOADER_VERSION)}${LOADER_GLIBC:+, needs $LOADER_GLIBC}"
    echo "files:"
    (cd "$KIT" && find . -type f ! -name KIT.txt | sort | while read -r f; do
        printf '  %-48s %10s  %s\n' "${f#./}" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -c1-64)"
    done)
} > "$KIT/KIT.txt"

SIZE_KIB=$(du -sk "$KIT" | cut -f1)
echo "total: $((SIZE_KIB / 1024)) MiB ($SIZE_KIB KiB)" >> "$KIT/KIT.txt"
cat "$KIT/KIT.txt"
(( SIZE_KIB < LIMIT_MIB * 1024 )) || die "the kit is $((SIZE_KIB / 1024)) MiB, over the $LIMIT_MIB MiB limit"
say "done: $KIT ($((SIZE_KIB / 1024)) MiB). On a GPU machine: bash gpu/run-kit.sh OUT_DIR"
