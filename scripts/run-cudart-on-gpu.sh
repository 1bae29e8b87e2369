#!/usr/bin/env bash
# Builds and runs the tests/cudart programs on a machine with a real NVIDIA
# GPU and driver (the lent H100), to prove the programs themselves right.
# Uses that machine's nvcc (default: nvcc on PATH, else /usr/local/cuda).
# Prints one "ok NAME" / "FAILED NAME" line per build variant and a summary;
# exits 1 if any failed. Usage: scripts/run-cudart-on-gpu.sh [OUTDIR]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/tests/cudart"
out=${1:-/tmp/cudart-gpu}
mkdir -p "$out"
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
"$nvcc" --version | tail -2

# name | program (the PASS word) | sources | flags
variants=()
for f in "$src"/*.cu; do
    p=$(basename "$f" .cu)
    case "$p" in rdc_lib) continue ;; rdc_main) continue ;; esac
    variants+=("$p|$p|$p.cu|")
done
variants+=(
    "rdc_two_units|rdc|rdc_main.cu rdc_lib.cu|-rdc=true"
    "vector_add_rdc|vector_add|vector_add.cu|-rdc=true"
    "vector_add_shared|vector_add|vector_add.cu|-cudart shared"
    "symbols_shared|symbols|symbols.cu|-cudart shared"
    "vector_add_lz4|vector_add|vector_add.cu|--compress-mode=speed"
    "vector_add_no_compress|vector_add|vector_add.cu|--no-compress"
    "vector_add_compute_80|vector_add|vector_add.cu|-gencode arch=compute_80,code=compute_80"
    "shared_stream_multi_gencode|shared_stream|shared_stream.cu|-gencode arch=compute_75,code=sm_75 -gencode arch=compute_80,code=compute_80 -gencode arch=compute_90,code=[sm_90,compute_90]"
    "templates_debug|templates|templates.cu|-G"
)

one() {
    IFS='|' read -r name prog srcs flags <<<"$1"
    local files=()
    for s in $srcs; do files+=("$src/$s"); done
    # shellcheck disable=SC2086
    if ! "$nvcc" -I "$src" $flags -o "$out/$name" "${files[@]}" >"$out/$name.build" 2>&1; then
        echo "FAILED $name (build)"; return
    fi
    local start end
    start=$(date +%s.%N)
    timeout 120 "$out/$name" >"$out/$name.out" 2>"$out/$name.err"
    local rc=$?
    end=$(date +%s.%N)
    if [ $rc -eq 0 ] && grep -q "^PASS $prog" "$out/$name.out"; then
        awk -v n="$name" -v a="$start" -v b="$end" 'BEGIN { printf "ok %s (%.2fs)\n", n, b - a }'
    else
        echo "FAILED $name (rc $rc): $(tail -3 "$out/$name.err" | tr '\n' ' ')"
    fi
}
export -f one
export src out nvcc
printf '%s\n' "${variants[@]}" | xargs -P "$(nproc)" -I{} bash -c 'one "$@"' _ {} | sort >"$out/summary.txt"
cat "$out/summary.txt"
pass=$(grep -c '^ok ' "$out/summary.txt")
total=$(wc -l <"$out/summary.txt")
echo "cudart programs on the GPU: $pass of $total variants passed"
[ "$pass" -eq "$total" ]
