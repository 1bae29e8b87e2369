#!/usr/bin/env bash
# Regenerates benches/kernels.ptx from benches/kernels.cu with the pinned nvcc
# (installed on demand by scripts/install-toolkit.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tk="$("$root/scripts/install-toolkit.sh")"
cd "$root"
"$tk/bin/nvcc" -ptx -O3 -arch=compute_80 benches/kernels.cu -o benches/kernels.ptx
echo "wrote benches/kernels.ptx" >&2
