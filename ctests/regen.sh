#!/usr/bin/env bash
# Regenerates ctests/kernels.ptx from ctests/kernels.cu with the pinned nvcc
# (installed on demand by scripts/install-toolkit.sh), with line information
# (`.loc`) so that fault and memcheck reports name lines of kernels.cu.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tk="$("$root/scripts/install-toolkit.sh")"
cd "$root/ctests"
"$tk/bin/nvcc" -ptx -lineinfo -arch=compute_75 kernels.cu -o kernels.ptx
# nvcc records the absolute path; keep the file name only.
sed -i "s|\"$root/ctests/|\"|" kernels.ptx
echo "wrote ctests/kernels.ptx" >&2
