#!/usr/bin/env bash
# Create target/numba-venv with pinned numba/numpy for the CUDA-simulator
# comparison benchmark (benches/numba_sim.py). Idempotent: the pip install is
# skipped when the pinned versions are already present.
# Last line on stdout: path of the venv's python.
set -euo pipefail

NUMBA_VERSION="0.60.0"
NUMPY_VERSION="2.0.2"   # numba 0.60 supports numpy >=1.22,<2.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/target/numba-venv"
PY="$VENV/bin/python"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$PY" ]; then
    echo "creating venv $VENV" >&2
    mkdir -p "$ROOT/target"
    "$PYTHON" -m venv "$VENV" >&2
fi

have_pins() {
    "$PY" - "$NUMBA_VERSION" "$NUMPY_VERSION" <<'EOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
sys.exit(0 if (version("numba"), version("numpy")) == (sys.argv[1], sys.argv[2]) else 1)
EOF
}

if have_pins; then
    echo "numba==$NUMBA_VERSION numpy==$NUMPY_VERSION already installed" >&2
else
    echo "installing numba==$NUMBA_VERSION numpy==$NUMPY_VERSION" >&2
    "$PY" -m pip install --disable-pip-version-check -q \
        "numba==$NUMBA_VERSION" "numpy==$NUMPY_VERSION" >&2
    have_pins || { echo "error: pinned versions not importable after install" >&2; exit 1; }
fi

echo "$PY"
