#!/usr/bin/env bash
# Records the expected results of the PTX corpus on a real NVIDIA GPU: runs
# the corpus runner (tests/ptx/runner.c, built beforehand) against NVIDIA's
# libcuda for every variant in tests/ptx/gen/ and writes
#
#   tests/ptx/expected/<variant>/<stem>.bin     out words of each case
#   tests/ptx/expected/<variant>/<stem>.status  `<kernel> <CUresult name>`
#   tests/ptx/expected/<variant>/stdout.txt     `== stem.kernel` + printf output
#   tests/ptx/expected/<variant>/stderr.txt     the runner's diagnostics (JIT logs)
#   tests/ptx/expected/<variant>/ptx.cksum      `cksum` of the PTX files run
#   tests/ptx/expected/DEVICE.txt               GPU, driver, toolkit, date
#
# Run it from a checkout on the GPU machine (no Rust or C compiler needed
# there); tests/ptx/README.md has the exact commands, including how to build
# the runner on the development machine. The PTX `.version` is lowered to
# 9.0 (what driver 580 accepts; nvcc 13.5 writes 9.5).
#
# Each variant runs in one runner process (one driver initialization) when
# nothing goes wrong. After a sticky error (the driver refuses all further
# work in that process; the runner exits with status 5), a crash or a hang
# (PTX_RECORD_TIMEOUT seconds per process, default 300) the runner is started
# again with --resume and goes on after the last recorded case (a case the
# runner died on is recorded as RUNNER_DIED), so nothing else is lost.
#
# Usage: scripts/record-ptx-expected.sh RUNNER [VARIANT...]
set -euo pipefail
export LC_ALL=C
[ $# -ge 1 ] || { echo "usage: $0 RUNNER [VARIANT...]" >&2; exit 2; }
runner="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ||
  { echo "record-ptx-expected: no such runner: $1" >&2; exit 2; }
shift
[ -x "$runner" ] || { echo "record-ptx-expected: $runner is not an executable" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
manifest=tests/ptx/manifest.tsv
[ -f "$manifest" ] || { echo "record-ptx-expected: $manifest is missing (scripts/gen-ptx-corpus.sh)" >&2; exit 1; }
limit="${PTX_RECORD_TIMEOUT:-300}"
if [ $# -gt 0 ]; then
  variants=("$@")
else
  variants=()
  for d in tests/ptx/gen/*/; do variants+=("$(basename "$d")"); done
fi
[ ${#variants[@]} -gt 0 ] || { echo "record-ptx-expected: no variants in tests/ptx/gen" >&2; exit 1; }

mkdir -p tests/ptx/expected
{
  echo "# Where tests/ptx/expected was recorded (scripts/record-ptx-expected.sh)"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi -L | sed 's/ (UUID:.*)//' | sed 's/^/gpu: /'
    nvidia-smi --query-gpu=driver_version,compute_cap --format=csv,noheader | head -1 |
      sed 's/^\([^,]*\), *\(.*\)$/driver: \1\ncompute capability: \2/'
  else
    echo "gpu: (nvidia-smi not found)"
  fi
  echo "ptx: $(sed -n 's#^// Cuda compilation tools, ##p' "$(ls tests/ptx/gen/*/*.ptx | head -1)" | head -1), .version lowered to 9.0"
  echo "variants: ${variants[*]}"
} >tests/ptx/expected/DEVICE.txt
cat tests/ptx/expected/DEVICE.txt >&2

ncases="$(grep -vc '^#' "$manifest")"
start=$SECONDS
for v in "${variants[@]}"; do
  gen="tests/ptx/gen/$v"
  out="tests/ptx/expected/$v"
  [ -d "$gen" ] || { echo "record-ptx-expected: no $gen" >&2; exit 1; }
  rm -rf "$out"
  mkdir -p "$out"
  t0=$SECONDS
  # One process normally; after a sticky error (exit 5), a crash or a hang
  # the runner continues in a new process (--resume), at most once per case.
  for ((attempt = 1; ; attempt++)); do
    rc=0
    timeout -k 10 "$limit" "$runner" "$manifest" "$gen" "$out" --max-ptx-version 9.0 --resume \
      >>"$out/stdout.txt" 2>>"$out/stderr.txt" || rc=$?
    case $rc in
      0) break ;;
      2|3|4) echo "record-ptx-expected: $v: the runner failed (status $rc), see $out/stderr.txt" >&2; exit 1 ;;
    esac
    if [ "$attempt" -gt "$ncases" ]; then
      echo "record-ptx-expected: $v: giving up after $attempt runs" >&2; exit 1
    fi
    echo "# record-ptx-expected: the runner stopped with status $rc; resuming" >>"$out/stderr.txt"
  done
  rm -f "$out/.inflight"
  # POSIX cksum of the PTX that was run: the test checks that the committed
  # PTX is still the one these results belong to.
  (cd "$gen" && cksum -- *.ptx) >"$out/ptx.cksum"
  n="$(cat "$out"/*.status 2>/dev/null | wc -l)"
  bad="$(cat "$out"/*.status 2>/dev/null | awk '$2 != "CUDA_SUCCESS"' | wc -l)"
  echo "record-ptx-expected: $v: $n cases ($bad not CUDA_SUCCESS) in $((SECONDS - t0)) s, $attempt runner process(es)" >&2
done
echo "record-ptx-expected: done in $((SECONDS - start)) s; results in tests/ptx/expected/" >&2
