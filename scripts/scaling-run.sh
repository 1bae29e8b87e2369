#!/usr/bin/env bash
# CPU scaling of the emulator on another machine (the lent GPU machine's
# 16 cores; no GPU is used): runs the prebuilt benchmark host program
# against the prebuilt softcuda at 1 thread and at each count given, with
# OpenMP's native C loops at the same thread count (so the native scaling
# of that CPU is recorded beside ours). Prints `host_threads=N` lines that
# `scripts/bench.py --scaling FILE` reads, after `#` lines describing the CPU.
#
# Build here first (the GPU machine has no Rust):
#   cargo build --release && mkdir -p target/gpu &&
#   strip -o target/gpu/libcuda.so target/release/libcuda.so &&
#   ln -sf libcuda.so target/gpu/libcuda.so.1 &&
#   gcc -O3 -march=x86-64-v2 -fopenmp -std=c11 -Iinclude benches/host.c \
#       -o target/gpu/bench-host -Ltarget/release -lcuda -lm
# then, there (carry target/gpu): scripts/scaling-run.sh [THREADS...] > FILE
# With SCALING_COPIES=N it also runs N single-thread processes at once and
# prints their times as `copies=N` lines: how much one core slows down when
# all are busy (clock, shared caches, memory), the ceiling any parallel
# efficiency on that machine is measured against.
# SCALING_NAMES="a b": only these benchmarks.
# Usage: scripts/scaling-run.sh [THREADS...]   (default: the core count)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${SOFTCUDA_GPU_BIN:-$here/target/gpu}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=("$(nproc)")
echo "# softcuda CPU scaling: bench-host with SOFTCUDA_THREADS=N and OMP_NUM_THREADS=N (native_s is OpenMP at N threads)"
lscpu | grep -E '^(CPU\(s\)|Model name|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|L2 cache|L3 cache):' | sed 's/^/# /'
echo "# build: commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d)"
for t in 1 "${counts[@]}"; do
    SOFTCUDA_THREADS=$t OMP_NUM_THREADS=$t SOFTCUDA_LOG=0 LD_LIBRARY_PATH="$bin" \
        "$bin/bench-host" "$here/benches/kernels.ptx" ${SCALING_NAMES:-} | grep '^BENCH ' | sed "s/^BENCH /host_threads=$t /"
done
if [ -n "${SCALING_COPIES:-}" ]; then
    tmp=$(mktemp -d)
    for c in $(seq "$SCALING_COPIES"); do
        SOFTCUDA_THREADS=1 OMP_NUM_THREADS=1 SOFTCUDA_LOG=0 LD_LIBRARY_PATH="$bin" \
            "$bin/bench-host" "$here/benches/kernels.ptx" ${SCALING_NAMES:-} >"$tmp/$c.txt" 2>/dev/null &
    done
    wait
    for c in $(seq "$SCALING_COPIES"); do
        grep '^BENCH ' "$tmp/$c.txt" | sed "s/^BENCH /copies=$SCALING_COPIES copy=$c /"
    done
    rm -rf "$tmp"
fi
