#!/usr/bin/env bash
# Coverage-guided fuzzing of the untrusted-input parsers (issue 8): runs each
# cargo-fuzz target of fuzz/ for SECONDS (default 600), one after another,
# and prints libFuzzer's final statistics. Needs a nightly toolchain;
# installs cargo-fuzz if missing. The working corpus grows in
# fuzz/corpus/<target>/ (ignored by git), starting from fuzz/seeds/<target>/;
# a crash lands in fuzz/artifacts/<target>/: fix it, then copy the input to
# tests/fuzz-regressions/<target>/ (run by `cargo test --test fuzz_regressions`).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (targets: ptx image params)
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ptx image params)

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

status=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    echo "== fuzz target $t for ${secs}s"
    log="fuzz/$t.log"
    # -a: debug assertions and overflow checks, as in `cargo test` (a release
    # build would wrap an overflow the tests panic on);
    # -rss_limit_mb: a module load may map large (lazily zeroed) variables;
    # -timeout: an input taking 10 s is a hang finding.
    if ! (cd fuzz && cargo +nightly fuzz run -a "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=4096 -timeout=10) >"$log" 2>&1; then
        echo "!! $t stopped with a finding (see $log and fuzz/artifacts/$t/)"
        status=1
    fi
    grep -E '^(#[0-9]+.*(DONE|pulse|NEW)|stat::|Done [0-9]+ runs|==[0-9]+== ERROR|SUMMARY|thread .* panicked)' "$log" | tail -n 15
done
exit $status
