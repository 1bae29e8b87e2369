#!/usr/bin/env bash
# Builds softcuda (target/release/libcuda.so) and runs one of the CUDA C
# driver-API programs under examples/ against it.
#
# Usage: scripts/run-example.sh [name]     (default: vector_add; also: matmul)
# The program is built as target/examples/<name> from examples/<name>/main.c
# with include/cuda.h, linked with -lcuda against target/release, and given
# examples/<name>/<name>.ptx.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
name="${1:-vector_add}"
src="examples/$name/main.c"
ptx="examples/$name/$name.ptx"
[ -f "$src" ] || { echo "run-example: no example '$name' (expected $src)" >&2; exit 2; }
[ -f "$ptx" ] || { echo "run-example: missing $ptx (run scripts/gen-corpus.sh)" >&2; exit 2; }

cargo build --release --quiet
lib="$root/target/release"
# The linker resolves -lcuda through libcuda.so; the program loads the SONAME
# libcuda.so.1. Make sure both names exist.
[ -e "$lib/libcuda.so" ] || { echo "run-example: cargo build left no $lib/libcuda.so" >&2; exit 1; }
[ -e "$lib/libcuda.so.1" ] || ln -sf libcuda.so "$lib/libcuda.so.1"

mkdir -p target/examples
"${CC:-cc}" -O2 -Wall -Wextra -Werror -Iinclude -o "target/examples/$name" "$src" \
  -L"$lib" -lcuda -lm
LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "target/examples/$name" "$ptx"
