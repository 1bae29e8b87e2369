#!/usr/bin/env bash
# Runs every test of the project: installs the pinned CUDA toolkit wheels into
# target/cuda-venv when missing (the header check and the NVIDIA-header ctest
# need them), then `cargo test` (unit tests, PTX corpus, C tests, CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-toolkit.sh >/dev/null
cargo test "$@"
