#!/usr/bin/env bash
# Differential check of the emulator against the real GPU (issue 6): on a
# machine with an NVIDIA GPU, runs
#
#   * the PTX corpus (tests/ptx/runner.c over every variant in tests/ptx/gen),
#   * the C tests (ctests/*.c, built against that machine's cuda.h),
#   * the nvcc program suite (tests/cudart/*.cu, built with its nvcc),
#
# once on softcuda's emulator and once with SOFTCUDA_BACKEND=forward (every
# call forwarded to NVIDIA's driver through softcuda), and prints one table
# row per test: result on each backend and whether the outputs agree. For the
# corpus, a case agrees when its status and output words are identical
# (files with approximate instructions, marked STEM~, may differ within the
# tolerance tests/ptx_corpus.rs allows; only other differences count as
# disagreement).
#
# Build here first (no Rust on the GPU machine):
#   cargo build --release
#   cc -O2 -std=c11 -Iinclude tests/ptx/runner.c -o target/release/ptx-runner -Ltarget/release -lcuda
# then on the GPU machine, from the checkout with target/release carried
# (SOFTCUDA_LIB names another directory holding libcuda.so.1 and ptx-runner):
#   scripts/differential.sh [OUTDIR]
# Exit status 0 when every test agrees.
set -u
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/softcuda-differential}
lib=${SOFTCUDA_LIB:-$root/target/release}
runner="$lib/ptx-runner"
cuda=${CUDA_HOME:-/usr/local/cuda}
nvcc=$(command -v nvcc || echo "$cuda/bin/nvcc")
ptxv=${SOFTCUDA_GPU_PTX_VERSION:-9.0}
rm -rf "$out"
mkdir -p "$out"
[ -e "$lib/libcuda.so.1" ] || { echo "differential: $lib/libcuda.so.1 is missing (cargo build --release)" >&2; exit 2; }
# backend NAME → environment for it
envfor() {
    if [ "$1" = forward ]; then echo "SOFTCUDA_BACKEND=forward"; else echo "SOFTCUDA_BACKEND=emulator"; fi
}
rows=()
row() { rows+=("$(printf '%-34s %-10s %-10s %s' "$1" "$2" "$3" "$4")"); }
disagree=0

# ---- PTX corpus ----
if [ -x "$runner" ]; then
    for gen in "$root"/tests/ptx/gen/*/; do
        v=$(basename "$gen")
        for b in emulator forward; do
            mkdir -p "$out/ptx/$b/$v"
            env LD_LIBRARY_PATH="$lib" $(envfor $b) SOFTCUDA_LOG=0 timeout -k 10 600 \
                "$runner" "$root/tests/ptx/manifest.tsv" "$gen" "$out/ptx/$b/$v" --max-ptx-version "$ptxv" --resume \
                >"$out/ptx/$b/$v.stdout" 2>"$out/ptx/$b/$v.stderr"
            echo $? >"$out/ptx/$b/$v.rc"
        done
        n=0 same=0 diff=()
        for s in "$out/ptx/forward/$v"/*.status; do
            stem=$(basename "$s" .status)
            n=$((n + 1))
            e="$out/ptx/emulator/$v/$stem"
            if cmp -s "$s" "$e.status" && cmp -s "$out/ptx/forward/$v/$stem.bin" "$e.bin"; then
                same=$((same + 1))
            elif awk -F'\t' -v s="$stem" '$1 == s && $11 != "exact" { found = 1 } END { exit !found }' \
                "$root/tests/ptx/manifest.tsv"; then
                # Approximate instructions: bit differences are expected;
                # tests/ptx_corpus.rs compares these with their tolerance.
                diff+=("$stem~")
            else
                diff+=("$stem")
                disagree=1
            fi
        done
        row "ptx corpus $v" "$(cat "$out/ptx/emulator/$v.rc")" "$(cat "$out/ptx/forward/$v.rc")" \
            "$same/$n identical${diff[*]:+; differ: ${diff[*]}}"
    done
else
    row "ptx corpus" "-" "-" "skipped: $runner not built"
fi

# ---- C tests ----
sed "s/^\.version .*/.version $ptxv/" "$root/ctests/kernels.ptx" >"$out/kernels.ptx"
for src in "$root"/ctests/*.c; do
    n=$(basename "$src" .c)
    if ! gcc -Wall -g -pthread -I "$cuda/include" "$src" -o "$out/$n" -L "$cuda/lib64/stubs" -lcuda >"$out/$n.build" 2>&1; then
        row "ctest $n" "build" "build" "does not build against this toolkit's cuda.h"
        continue
    fi
    r=()
    for b in emulator forward; do
        env LD_LIBRARY_PATH="$lib" $(envfor $b) timeout 300 "$out/$n" "$out/kernels.ptx" >"$out/$n.$b.out" 2>"$out/$n.$b.err"
        if [ $? -eq 0 ]; then r+=(pass); else r+=(FAIL); fi
    done
    note=""
    if [ "${r[0]}" != "${r[1]}" ]; then
        disagree=1
        note="emulator: $(grep -m1 -E 'assert|returned|expected' "$out/$n.emulator.err" | head -c 120) | forward: $(grep -m1 -E 'assert|returned|expected' "$out/$n.forward.err" | head -c 120)"
    fi
    row "ctest $n" "${r[0]}" "${r[1]}" "$note"
done

# ---- nvcc programs ----
for src in "$root"/tests/cudart/*.cu; do
    n=$(basename "$src" .cu)
    case "$n" in rdc_lib) continue ;; esac
    extra=()
    [ "$n" = rdc_main ] && extra=(-rdc=true "$root/tests/cudart/rdc_lib.cu")
    if ! "$nvcc" -I "$root/tests/cudart" "${extra[@]}" -o "$out/$n" "$src" >"$out/$n.build" 2>&1; then
        row "nvcc $n" "build" "build" "$(tail -1 "$out/$n.build" | head -c 100)"
        continue
    fi
    r=()
    for b in emulator forward; do
        env LD_LIBRARY_PATH="$lib" $(envfor $b) SOFTCUDA_LOG=0 timeout 300 "$out/$n" >"$out/$n.$b.out" 2>"$out/$n.$b.err"
        if [ $? -eq 0 ] && grep -q '^PASS' "$out/$n.$b.out"; then r+=(pass); else r+=(FAIL); fi
    done
    note=""
    if ! cmp -s "$out/$n.emulator.out" "$out/$n.forward.out"; then note="stdout differs"; fi
    [ "${r[0]}" = "${r[1]}" ] || disagree=1
    row "nvcc $n" "${r[0]}" "${r[1]}" "$note"
done

printf '%-34s %-10s %-10s %s\n' "test" "emulator" "forward" "agreement"
printf '%s\n' "${rows[@]}"
echo "(ptx: counts are per source file; STEM~ has approximate kernels, whose bits may differ within tolerance)"
exit $disagree
