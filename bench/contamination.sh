#!/usr/bin/env bash
# What D004 (benchmark contamination against the built-in GSM8K fingerprints) adds to
# `check`: the same file linted with and without D004, side by side in one run (alternating
# order, one warm-up round), medians of wall time. Two pairs: the default check (every
# default rule) with and without `--ignore D004`, and validation alone (`--select J,S,O`)
# with and without D004, which shows D004's own cost without the duplicate search around it.
#
#   bench/contamination.sh FILE [RUNS]      # RUNS defaults to 5
#   BENCH_TUNELINT=target/release/tunelint bench/contamination.sh bench-data/chat-1000000.jsonl 3
#
# Prints one Markdown row per pair and the 1-minute load average before and after: on a
# shared machine, quote the ratios, not the absolute figures.
set -euo pipefail
file=${1:?usage: bench/contamination.sh FILE [RUNS]}
runs=${2:-5}
bin=${BENCH_TUNELINT:-target/release/tunelint}
if [[ -z "${BENCH_TUNELINT:-}" ]]; then
    cargo build --release --quiet
fi
common=(check --isolated --format concise --quiet --exit-zero)
declare -A args=(
    [default]=""
    [default_no_d004]="--ignore D004"
    [validation]="--select J,S,O"
    [validation_d004]="--select J,S,O,D004"
)
order=(default default_no_d004 validation validation_d004)
declare -A times
one() {
    local name=$1 start end
    # shellcheck disable=SC2086
    start=$(date +%s.%N)
    "$bin" "${common[@]}" ${args[$name]} "$file" > /dev/null
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
load_before=$(cut -d' ' -f1 /proc/loadavg)
for name in "${order[@]}"; do one "$name" > /dev/null; done   # warm-up
for ((r = 0; r < runs; r++)); do
    if ((r % 2)); then seq=(validation_d004 validation default_no_d004 default); else seq=("${order[@]}"); fi
    for name in "${seq[@]}"; do
        t=$(one "$name")
        times[$name]="${times[$name]:-} $t"
        echo "round $((r + 1)) $name ${t}s" >&2
    done
done
load_after=$(cut -d' ' -f1 /proc/loadavg)
median() { tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
examples=$(wc -l < "$file")
echo "file: $file ($examples lines), $runs rounds, load average $load_before before, $load_after after"
echo
echo "| check | with D004 (s) | without D004 (s) | added |"
echo "|---|---:|---:|---:|"
for pair in "default default_no_d004 default check (every default rule)" "validation_d004 validation validation (J,S,O)"; do
    read -r with without label <<< "$pair"
    w=$(median "${times[$with]}")
    wo=$(median "${times[$without]}")
    added=$(echo "scale=1; 100 * ($w - $wo) / $wo" | bc)
    echo "| $label | $w | $wo | ${added}% |"
done
