#!/usr/bin/env bash
# The README's "time from nothing to the first result" figures, rerun:
#
#   bench/first_result.sh [--runs N]   # linting examples/ with the release binary, median of N (default 11)
#   bench/first_result.sh --install    # ... and pip install, uvx and pre-commit try-repo, by
#                                      # running .ci/wheel-check.sh and .ci/precommit-check.sh
#                                      # (as CI does) and printing the timings they report
#   bench/first_result.sh --cargo      # ... and `cargo install --locked --path .` into a scratch
#                                      # root with an empty target directory (dependencies are
#                                      # compiled from scratch; their sources come from cargo's
#                                      # download cache when it has them)
#
# Run from the repository root. Prints one line per figure.
set -euo pipefail

runs=11
install=0
cargo_build=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --install) install=1; shift ;;
        --cargo) cargo_build=1; shift ;;
        *) echo "usage: bench/first_result.sh [--runs N] [--install] [--cargo]" >&2; exit 2 ;;
    esac
done

cargo build --release --quiet
bin=target/release/tunelint
times=()
for _ in $(seq "$runs"); do
    start=$EPOCHREALTIME
    # examples/ holds a dataset with findings on purpose: exit status 1 is expected.
    "$bin" --quiet examples/ > /dev/null || true
    times+=("$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.4f", e - s }')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "tunelint examples/: median ${median} s of ${runs} runs"

if [ "$install" = 1 ]; then
    log=$(mktemp)
    bash .ci/wheel-check.sh > "$log" 2>&1 || { cat "$log"; exit 1; }
    bash .ci/precommit-check.sh >> "$log" 2>&1 || { cat "$log"; exit 1; }
    grep -E '^(maturin build|pip install|uvx, first run|pre-commit try-repo)[^:]*:' "$log"
    rm -f "$log"
    # What a user downloads: the wheel, and the release binary as a gzip archive holds it.
    mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
    for wheel in target/ci-wheels/tunelint-*.whl; do
        echo "wheel $(basename "$wheel"): $(mb "$(wc -c < "$wheel")")"
    done
    echo "release binary, gzipped: $(mb "$(gzip -c target/release/tunelint | wc -c)")"
fi

if [ "$cargo_build" = 1 ]; then
    scratch=$(mktemp -d)
    start=$EPOCHREALTIME
    CARGO_TARGET_DIR="$scratch/target" cargo install --quiet --locked --path . --root "$scratch/root"
    echo "cargo install --locked --path .: $(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }') s"
    rm -rf "$scratch"
fi
