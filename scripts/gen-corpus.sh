#!/usr/bin/env bash
# Regenerates the PTX corpus (tests/corpus/*.sm75.ptx, *.sm80.ptx) and the
# examples' PTX (examples/*/*.ptx, compute_75) from the .cu sources with the
# pinned nvcc (found through scripts/install-toolkit.sh). Deterministic: the
# same toolkit yields byte-identical files. No GPU is needed.
#
# Usage: scripts/gen-corpus.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tk="$("$root/scripts/install-toolkit.sh")"
nvcc="$tk/bin/nvcc"
[ -x "$nvcc" ] || { echo "gen-corpus: no nvcc at $nvcc" >&2; exit 1; }

gen() { # gen <src.cu> <arch number> <out.ptx>
  "$nvcc" -ptx -arch="compute_$2" -O3 -o "$3" "$1"
  echo "  $3" >&2
}

cd "$root"
echo "gen-corpus: $("$nvcc" --version | tail -1)" >&2
shopt -s nullglob
for cu in tests/corpus/*.cu; do
  base="${cu%.cu}"
  for arch in 75 80; do
    gen "$cu" "$arch" "$base.sm$arch.ptx"
  done
done
for cu in examples/*/*.cu; do
  gen "$cu" 75 "${cu%.cu}.ptx"
done
