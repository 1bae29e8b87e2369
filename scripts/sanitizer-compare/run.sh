#!/usr/bin/env bash
# On the GPU machine: builds cases.cu with its nvcc (-lineinfo) and runs each
# case under NVIDIA's compute-sanitizer (the tool that checks that kind of
# error) and under softcuda with SOFTCUDA_MEMCHECK=1 (SOFTCUDA_LIB: the
# directory with softcuda's libcuda.so.1, default target/gpu).
# Usage: scripts/sanitizer-compare/run.sh [OUTDIR]
# h100-2026-11-22.txt is its output there (host backtraces left out).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/sanitizer-compare}
lib=${SOFTCUDA_LIB:-$(cd "$here/../.." && pwd)/target/gpu}
cuda=${CUDA_HOME:-/usr/local/cuda}
mkdir -p "$out"
"$cuda/bin/nvcc" -lineinfo -gencode arch=compute_80,code=compute_80 -gencode arch=compute_90,code=sm_90 "$here/cases.cu" -o "$out/cases" || exit 1
for c in oob:memcheck uaf:memcheck uninit:initcheck race:racecheck clean:racecheck; do
    name=${c%%:*} tool=${c##*:}
    echo "===== $name: compute-sanitizer --tool $tool"
    "$cuda/bin/compute-sanitizer" --tool "$tool" "$out/cases" "$name" 2>&1 | head -30
    echo "===== $name: softcuda SOFTCUDA_MEMCHECK=1"
    SOFTCUDA_MEMCHECK=1 LD_LIBRARY_PATH="$lib" "$out/cases" "$name" 2>&1 | head -30
done
