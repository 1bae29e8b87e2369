#!/usr/bin/env bash
# Runs the C tests (ctests/*.c) under valgrind's memcheck and prints, per
# test, the bytes and blocks valgrind found "definitely lost" (summed over
# the test's processes: misuse.c forks a child per case), the memcheck
# errors that are not leaks, and a verdict. Exits 1 when any test leaks,
# fails, has memcheck errors or times out.
#
# Usage: scripts/leak-check.sh [--debug] [--keep] [test ...]
#   test      names as in tests/ctests.rs (default: all of them), e.g.
#             context launch streams streams_launch_blocking memcap
#   --debug   use the dev profile (target/debug) instead of release
#   --keep    keep the valgrind logs (printed at the end) even on success
# Environment: CC (default cc); LEAK_CHECK_TIMEOUT per test in seconds
# (default 900); VALGRIND_ARGS extra valgrind arguments.
#
# "Still reachable" and "possibly lost" memory (global driver state, the
# stream threads still parked at exit, Rust's thread-locals) is listed but
# does not fail the check: only definite leaks and memcheck errors do.
#
# The environments match tests/ctests.rs: each test runs with
# SOFTCUDA_DEVICES and CUDA_VISIBLE_DEVICES unset unless the entry sets
# them, and gets ctests/kernels.ptx as argv[1].
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

profile=release
keep=0
want=()
for a in "$@"; do
  case "$a" in
    --debug) profile=debug ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) echo "leak-check: unknown option $a" >&2; exit 2 ;;
    *) want+=("$a") ;;
  esac
done

command -v valgrind >/dev/null || { echo "leak-check: valgrind is not installed" >&2; exit 2; }

# Test name | program | environment (space-separated K=V), as tests/ctests.rs runs them.
tests=(
  "context|context|"
  "ctx_features|ctx_features|"
  "ctx_threads|ctx_threads|"
  "device_query|device_query|"
  "devices|devices|"
  "devices_three|devices|SOFTCUDA_DEVICES=3 CT_EXPECT_BUS=0,1,2"
  "devices_visible|devices|SOFTCUDA_DEVICES=3 CUDA_VISIBLE_DEVICES=2,0 CT_EXPECT_INIT=0 CT_EXPECT_BUS=2,0"
  "launch|launch|"
  "library|library|"
  "lifecycle|lifecycle|LIFECYCLE_WARMUP=2 LIFECYCLE_ITERS=3"
  "mem_copy|mem_copy|"
  "mem_host|mem_host|"
  "mem_pointer|mem_pointer|"
  "mem_pool|mem_pool|"
  "memcap|memcap|SOFTCUDA_DEVICE_MEMORY=64M"
  "memory|memory|"
  "misuse|misuse|"
  "nvidia_header|nvidia_header|"
  "proc_address|proc_address|"
  "streams|streams|"
  "streams_launch_blocking|streams|CUDA_LAUNCH_BLOCKING=1"
  "watchdog|watchdog|SOFTCUDA_WATCHDOG_MS=300"
  "concurrency|concurrency|CONCURRENCY_ROUNDS=3 CONCURRENCY_EXCLUSION_ROUNDS=50 CONCURRENCY_WATCHDOG=800"
)

if [ "$profile" = release ]; then cargo build --release --lib --quiet; else cargo build --lib --quiet; fi
lib="$root/target/$profile"
[ -e "$lib/libcuda.so" ] || { echo "leak-check: no $lib/libcuda.so" >&2; exit 1; }
[ -e "$lib/libcuda.so.1" ] || ln -sf libcuda.so "$lib/libcuda.so.1"
bin="$lib/ctests"
logs="$root/target/leak-check"
rm -rf "$logs"
mkdir -p "$bin" "$logs"
ptx="$root/ctests/kernels.ptx"
timeout_s="${LEAK_CHECK_TIMEOUT:-900}"

# Sums "<label>: N bytes in M blocks" over the logs: prints "bytes blocks".
sum_kind() {
  local label="$1"; shift
  cat "$@" | sed -n "s/.*$label: \([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\1 \2/p" | tr -d , |
    awk '{b += $1; n += $2} END {printf "%d %d\n", b, n}'
}

declare -A built=()
failed=0
printf '%-24s %6s %20s %20s %20s %7s %6s  %s\n' test exit "definite(B/blocks)" "possibly(B/blocks)" \
  "reachable(B/blocks)" errors time result
for entry in "${tests[@]}"; do
  IFS='|' read -r name prog envs <<<"$entry"
  if [ ${#want[@]} -gt 0 ]; then
    match=0
    for w in "${want[@]}"; do [ "$w" = "$name" ] && match=1; done
    [ $match = 1 ] || continue
  fi
  [ -f "ctests/$prog.c" ] || { printf '%-24s %s\n' "$name" "(no ctests/$prog.c)"; continue; }
  if [ -z "${built[$prog]:-}" ]; then
    "${CC:-cc}" -Wall -Wextra -Werror -g -pthread -Iinclude "ctests/$prog.c" -o "$bin/$prog" -L"$lib" -lcuda
    built[$prog]=1
  fi
  envargs=(-u SOFTCUDA_DEVICES -u CUDA_VISIBLE_DEVICES -u CUDA_LAUNCH_BLOCKING)
  for kv in $envs; do envargs+=("$kv"); done
  start=$(date +%s)
  set +e
  # Forked children (misuse.c) are followed by memcheck anyway; each process
  # writes its own log (%p), and each runs its own leak check at exit.
  env "${envargs[@]}" LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    timeout -k 10 "$timeout_s" valgrind --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --num-callers=40 --trace-children=yes \
    --log-file="$logs/$name.%p.log" ${VALGRIND_ARGS:-} "$bin/$prog" "$ptx" \
    >"$logs/$name.stdout" 2>"$logs/$name.stderr"
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  shopt -s nullglob
  files=("$logs/$name".*.log)
  shopt -u nullglob
  read -r db dn < <(sum_kind "definitely lost" "${files[@]}" /dev/null)
  read -r pb pn < <(sum_kind "possibly lost" "${files[@]}" /dev/null)
  read -r rb rn < <(sum_kind "still reachable" "${files[@]}" /dev/null)
  # ERROR SUMMARY counts definite leaks too (--errors-for-leak-kinds); the
  # rest are memcheck errors proper (invalid reads, uninitialised values).
  errs=$(cat "${files[@]}" /dev/null | sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' | tr -d , |
    awk '{s += $1} END {print s + 0}')
  leakrecs=$(cat "${files[@]}" /dev/null | grep -c 'are definitely lost in loss record' || true)
  other=$(( errs - leakrecs ))
  result=PASS
  if [ $rc = 124 ] || [ $rc = 137 ]; then result="FAIL(timeout ${timeout_s}s)"
  elif [ $rc != 0 ]; then result="FAIL(exit $rc)"
  elif ! grep -q "PASS $prog" "$logs/$name.stdout"; then result="FAIL(no PASS line)"
  elif [ "$db" != 0 ] || [ "$dn" != 0 ]; then result="FAIL(definite leak)"
  elif [ "$other" -gt 0 ]; then result="FAIL(memcheck errors)"
  fi
  [ "$result" = PASS ] || failed=1
  printf '%-24s %6s %20s %20s %20s %7s %5ss  %s\n' "$name" "$rc" "$db/$dn" "$pb/$pn" "$rb/$rn" "$other" \
    "$secs" "$result"
done
if [ $failed = 1 ] || [ $keep = 1 ]; then
  echo "valgrind logs: $logs/<test>.<pid>.log (program output: <test>.stdout/.stderr)"
else
  rm -rf "$logs"
fi
exit $failed
