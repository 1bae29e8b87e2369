#!/usr/bin/env bash
# Builds the C tests in ctests/ against the CUDA toolkit of a machine with a
# real NVIDIA GPU (the lent H100) and runs them on NVIDIA's own driver, to
# check that what they expect is what the hardware does. The PTX's .version
# is lowered to what that driver accepts (SOFTCUDA_GPU_PTX_VERSION, default
# 9.0). Prints "ok NAME" / "FAILED NAME" per program and a summary.
# Usage: scripts/run-ctests-on-gpu.sh [OUTDIR] [NAME...]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/ctests-gpu}
shift || true
mkdir -p "$out"
cuda=${CUDA_HOME:-/usr/local/cuda}
sed "s/^\.version .*/.version ${SOFTCUDA_GPU_PTX_VERSION:-9.0}/" "$here/ctests/kernels.ptx" >"$out/kernels.ptx"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$here"/ctests/*.c; do names+=("$(basename "$f" .c)"); done
fi
pass=0 failed=0
run_one() { # label, exe, env...
    local label=$1 exe=$2; shift 2
    if env "$@" timeout 300 "$exe" "$out/kernels.ptx" >"$out/$label.log" 2>&1; then
        echo "ok $label"; pass=$((pass + 1))
    else
        echo "FAILED $label"; sed 's/^/    /' "$out/$label.log" | tail -8; failed=$((failed + 1))
    fi
}
for n in "${names[@]}"; do
    if ! gcc -Wall -Wextra -g -pthread -I "$cuda/include" "$here/ctests/$n.c" -o "$out/$n" \
        -L "$cuda/lib64/stubs" -lcuda >"$out/$n.build" 2>&1; then
        echo "FAILED $n (build)"; sed 's/^/    /' "$out/$n.build" | tail -8; failed=$((failed + 1)); continue
    fi
    run_one "$n" "$out/$n" CUDA_LAUNCH_BLOCKING=0
    if [ "$n" = streams ]; then run_one streams_launch_blocking "$out/$n" CUDA_LAUNCH_BLOCKING=1; fi
done
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
