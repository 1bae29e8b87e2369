#!/usr/bin/env bash
# Regenerates ctests/kernels.ptx from ctests/kernels.cu with the pinned nvcc
# (installed on demand by scripts/install-toolkit.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tk="$("$root/scripts/install-toolkit.sh")"
cd "$root"
"$tk/bin/nvcc" -ptx -arch=compute_75 ctests/kernels.cu -o ctests/kernels.ptx
echo "wrote ctests/kernels.ptx" >&2
