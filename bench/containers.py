#!/usr/bin/env python3
"""Compressed inputs: tunelint on a JSONL file vs the same file as .jsonl.zst and .jsonl.gz.

    bench/containers.py [--examples 100000] [--runs 5] [--jobs N] [--no-build]

Builds tunelint and reuses or generates bench-data/chat-<N>.jsonl as bench/run.py does,
compresses it once with the `zstd` and `gzip` command-line tools (default levels; reused
while newer than the JSONL), then times

    tunelint check --isolated --format concise --quiet --exit-zero --select J,S,O FILE

on the three files in turn each round (order reversed every other round, one warm-up round
first). Prints a Markdown table: median wall time (min-max), CPU seconds, peak RSS and the
per-round ratio to the plain JSONL's time, median. The target: .zst within 1.5x of plain.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: building, data, timing)


def compressed(path, tool, suffix):
    out = path + suffix
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(path):
        run.log(f"reusing {os.path.relpath(out, run.ROOT)}")
        return out
    if not shutil.which(tool):
        run.die(f"`{tool}` is not installed (apt-get install {tool})")
    run.log(f"{tool} {os.path.relpath(path, run.ROOT)}")
    with open(out + ".tmp", "wb") as f:
        if subprocess.run([tool, "-c", path], stdout=f).returncode != 0:
            run.die(f"{tool} failed")
    os.replace(out + ".tmp", out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, help="passed to tunelint as --jobs N")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    tunelint = run.build_tunelint(args)
    plain, _ = run.dataset(args.examples)
    files = [("JSONL", plain),
             ("zstd", compressed(plain, "zstd", ".zst")),
             ("gzip", compressed(plain, "gzip", ".gz"))]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []

    def cmd(path):
        return [tunelint, "check", "--isolated", "--format", "concise", "--quiet", "--exit-zero",
                "--select", "J,S,O", *jobs, path]

    # The three must report the same findings: compare once.
    outputs = {}
    for name, path in files:
        out = run.measure(cmd(path), {0}, stdout=None)[3]
        outputs[name] = [line.split(":", 1)[1] for line in out.splitlines() if ":" in line]
    for name in ("zstd", "gzip"):
        if outputs[name] != outputs["JSONL"]:
            run.die(f"the {name} file's findings differ from the JSONL's")
    run.log(f"same {len(outputs['JSONL'])} findings on all three")

    for _, path in files:
        run.warm(path)
    walls = {name: [] for name, _ in files}
    cpus = {name: [] for name, _ in files}
    rss = {name: [] for name, _ in files}
    for r in range(args.runs + 1):
        order = files if r % 2 == 0 else files[::-1]
        for name, path in order:
            wall, mb, _, _, cpu = run.measure(cmd(path), {0})
            if r > 0:  # round 0 warms up
                walls[name].append(wall)
                cpus[name].append(cpu)
                rss[name].append(mb)
        run.log(f"round {r}/{args.runs}")

    print(f"Machine: {run.machine()}; tunelint {run.version(tunelint)}\n")
    print("| input | MB | seconds (min-max) | CPU s | peak RSS MB | time / JSONL |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, path in files:
        w = walls[name]
        ratios = [a / b for a, b in zip(w, walls["JSONL"])]
        print(f"| {os.path.relpath(path, run.ROOT)} | {os.path.getsize(path) / 1e6:.1f} | "
              f"{statistics.median(w):.2f} ({min(w):.2f}-{max(w):.2f}) | {statistics.median(cpus[name]):.2f} | "
              f"{statistics.median(rss[name]):.0f} | {statistics.median(ratios):.2f}x |")


if __name__ == "__main__":
    main()
