#!/usr/bin/env bash
# Runs C tests against a ThreadSanitizer build of the driver and reports
# the data races TSan finds in it.
#
# Usage: scripts/tsan-check.sh [test ...]   (default: concurrency streams
#        ctx_threads lifecycle launch)
#
# Needs the nightly toolchain with rust-src (`rustup component add rust-src
# --toolchain nightly`): -Zsanitizer=thread wants the standard library
# instrumented too (-Zbuild-std). The first build takes ~7 minutes on 2
# cores (target/tsan). The C programs are not instrumented; they are linked
# statically (-no-pie, exported with -rdynamic) with the TSan runtime that
# ships with the nightly toolchain, which the instrumented libcuda.so calls
# into (gcc's own libtsan is too old for the current LLVM's
# instrumentation: it lacks __tsan_memcpy and friends). TSan sees the
# programs' pthread synchronisation through its interceptors.
#
# Environment: TSAN_OPTIONS is passed on (default halt_on_error=0).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(concurrency streams ctx_threads lifecycle launch)
host=x86_64-unknown-linux-gnu
sysroot="$(rustc +nightly --print sysroot)"
rt="$sysroot/lib/rustlib/$host/lib/librustc-nightly_rt.tsan.a"
[ -d "$sysroot/lib/rustlib/src/rust/library" ] ||
  { echo "tsan-check: nightly has no rust-src (rustup component add rust-src --toolchain nightly)" >&2; exit 2; }
[ -f "$rt" ] || { echo "tsan-check: no TSan runtime at $rt" >&2; exit 2; }
RUSTFLAGS="-Zsanitizer=thread" cargo +nightly build -Zbuild-std --target "$host" --lib --release \
  --target-dir target/tsan --quiet
lib="$root/target/tsan/$host/release"
[ -e "$lib/libcuda.so.1" ] || ln -sf libcuda.so "$lib/libcuda.so.1"
mkdir -p "$lib/ctests"
failed=0
printf '%-14s %5s %9s  %s\n' test exit races result
for t in "${tests[@]}"; do
  exe="$lib/ctests/$t"
  "${CC:-cc}" -g -pthread -no-pie -rdynamic -Iinclude "ctests/$t.c" -o "$exe" \
    -Wl,--whole-archive "$rt" -Wl,--no-whole-archive -L"$lib" -lcuda -ldl -lm -lrt
  set +e
  env -u SOFTCUDA_DEVICES -u CUDA_VISIBLE_DEVICES -u CUDA_LAUNCH_BLOCKING \
    LIFECYCLE_WARMUP=2 LIFECYCLE_ITERS=3 LIFECYCLE_SLACK=100000000 CONCURRENCY_EXCLUSION_ROUNDS=200 \
    TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0}" LD_LIBRARY_PATH="$lib" \
    timeout 600 "$exe" ctests/kernels.ptx >"$exe.out" 2>&1
  rc=$?
  set -e
  races=$(grep -c 'WARNING: ThreadSanitizer' "$exe.out" || true)
  result=PASS
  if [ "$rc" != 0 ]; then result="FAIL(exit $rc)"; elif [ "$races" != 0 ]; then result="FAIL(races)"; fi
  [ "$result" = PASS ] || failed=1
  printf '%-14s %5s %9s  %s\n' "$t" "$rc" "$races" "$result"
done
[ $failed = 0 ] || echo "reports: $lib/ctests/<test>.out"
exit $failed
