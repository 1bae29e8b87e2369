#!/usr/bin/env bash
# Runs every test of the project: installs the pinned CUDA toolkit wheels into
# target/cuda-venv when missing (the header check and the NVIDIA-header ctest
# need them) and valgrind when missing (the leak check needs it), then
# `cargo test` (unit tests, PTX corpus, C tests, leak check, CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-toolkit.sh >/dev/null
# tests/leaks.rs runs C tests under valgrind (installed from Debian's
# packages when missing).
if ! command -v valgrind >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq valgrind >/dev/null
fi
cargo test "$@"
