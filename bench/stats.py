#!/usr/bin/env python3
"""`tunelint stats` against `tunelint check`, side by side in one run (from the repository root):

    python3 bench/stats.py [--examples 1000000] [--runs 3] [--default-examples 100000]

Issue 14 asks for `stats` on 1M examples, without token statistics (`--no-tokens`), within
1.5x of `check`'s validation time. Two pairs, each timed in alternating order (A B A B ...)
after one warm-up round, medians and min-max (peak memory: the largest), ratios taken pair by
pair then their median:

1. validation: `check --select J,S,O` against `stats --no-tokens --select J,S,O` on
   bench-data/chat-<examples>.jsonl: the cost of the report itself (its collector, the record
   hashes of the duplicate clusters, the charts) over the validation pass;
2. every rule (the default): `check` against `stats --no-tokens` on
   bench-data/chat-<default-examples>.jsonl (`--default-examples 0` skips it): what a user
   running `stats` with the default configuration waits for, near-duplicate search included.

Uses bench/run.py's generator and data (bench-data/chat-N.jsonl, made when missing, 2.2 GB for
1M examples) and target/release/tunelint (or BENCH_TUNELINT; `cargo build --release` first).
Prints Markdown.
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (bench/run.py: generator, timing)


def pair(a, b, runs):
    """Times `a` and `b` alternately after a warm-up: (median, min, max, cpu) of each and the
    median of the per-pair ratios b/a."""
    bench.measure(a, (0, 1))
    bench.measure(b, (0, 1))
    walls = ([], [])
    cpus = ([], [])
    peaks = ([], [])
    ratios = []
    for r in range(runs):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        got = {}
        for i in order:
            wall, peak, _, _, cpu = bench.measure((a, b)[i], (0, 1))
            walls[i].append(wall)
            cpus[i].append(cpu)
            peaks[i].append(peak)
            got[i] = wall
        ratios.append(got[1] / got[0])
        bench.log(f"round {r + 1}: {got[0]:.2f} s vs {got[1]:.2f} s")
    stat = lambda i: (statistics.median(walls[i]), min(walls[i]), max(walls[i]), statistics.median(cpus[i]),
                      max(peaks[i]))
    return stat(0), stat(1), statistics.median(ratios)


def table(title, path, rows, ratio, limit=None):
    mb = os.path.getsize(path) / 1e6
    print(f"### {title}: {os.path.relpath(path, bench.ROOT)} ({mb:,.0f} MB)\n")
    print("| command | seconds (median, min–max) | MB/s | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|")
    for name, (med, lo, hi, cpu, peak) in rows:
        print(f"| `{name}` | {med:.2f} ({lo:.2f}–{hi:.2f}) | {mb / med:.0f} | {cpu:.2f} | {peak:.0f} |")
    verdict = "" if limit is None else (" (within the 1.5× limit)" if ratio <= limit else " (**over the 1.5× limit**)")
    print(f"\nstats / check: **{ratio:.2f}×**{verdict}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=1_000_000)
    ap.add_argument("--default-examples", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tunelint = os.environ.get("BENCH_TUNELINT", os.path.join(bench.target_dir(), "release", "tunelint"))
    if not os.access(tunelint, os.X_OK):
        bench.die(f"no tunelint at {tunelint}: run cargo build --release (or set BENCH_TUNELINT)")
    print(f"{bench.machine()}; load average {os.getloadavg()[0]:.1f} at the start\n")

    path, _ = bench.dataset(args.examples)
    bench.warm(path)
    check = [tunelint, "check", "--isolated", "--quiet", "--exit-zero", "--format", "concise"]
    stats = [tunelint, "stats", "--isolated", "--no-tokens", "--format", "json"]
    sel = ["--select", "J,S,O"]
    a, b, ratio = pair(check + sel + [path], stats + sel + [path], args.runs)
    table(f"Validation, {args.examples:,} examples", path,
          [("check --select J,S,O", a), ("stats --no-tokens --select J,S,O", b)], ratio, 1.5)

    if args.default_examples:
        path, _ = bench.dataset(args.default_examples)
        bench.warm(path)
        a, b, ratio = pair(check + [path], stats + [path], args.runs)
        table(f"Every rule (the default), {args.default_examples:,} examples", path,
              [("check", a), ("stats --no-tokens", b)], ratio)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
