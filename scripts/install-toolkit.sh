#!/usr/bin/env bash
# Installs the pinned CUDA toolkit wheels (nvcc, NVVM, CRT headers, cudart,
# NVRTC, CCCL) into a virtual environment under target/, for building the PTX
# corpus and CUDA test programs. No GPU is needed. Idempotent: re-running with
# everything present does nothing.
#
# Usage: scripts/install-toolkit.sh        (prints the toolkit root on success)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/cuda-venv"
ver=13.5.37
stamp="$venv/.softcuda-toolkit-$ver"
py="${PYTHON:-python3}"
if [ ! -f "$stamp" ]; then
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "nvidia-cuda-nvcc==$ver" "nvidia-nvvm==$ver" "nvidia-cuda-crt==$ver" \
    "nvidia-cuda-runtime==$ver" "nvidia-cuda-nvrtc==$ver" \
    "nvidia-cuda-cccl==13.3.5.0.6" >&2
  touch "$stamp"
fi
tk=$("$venv/bin/python" -c 'import nvidia, os; print(os.path.join(list(nvidia.__path__)[0], "cu13"))')
# nvcc looks for its own pieces (nvvm, crt headers) relative to bin/; the wheels
# put them side by side under cu13/, which is the layout it expects.
[ -x "$tk/bin/nvcc" ] || { echo "install-toolkit: nvcc missing under $tk" >&2; exit 1; }
echo "$tk"
