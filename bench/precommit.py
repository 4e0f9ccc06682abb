#!/usr/bin/env python3
"""The pre-commit hook's time: one staged 2,000-line shard of a 100,000-example dataset.

    python3 bench/precommit.py [--runs 7] [--examples 100000] [--staged 2000] [--jobs N] [--no-build]
    BENCH_TUNELINT=path/to/tunelint BENCH_GEN=path/to/gen_dataset python3 bench/precommit.py

The dataset is the generator's `bench-data/chat-<N>.dedupsafe.jsonl` (seed 42, 3% defects,
the same file as `run.sh --dedup`), cut into Hugging Face shards of `--staged` lines each in
`bench-data/precommit-<N>/data/train-0000K-of-000NN.jsonl`; the last shard is the staged one.
Three commands are timed in turn, in alternating order after one warm-up round, as pre-commit
runs the hook (the file named, `--force-exclude`, concise output to a pipe):

- hook: `tunelint --force-exclude --context dataset STAGED`, what .pre-commit-hooks.yaml runs
  (the staged shard judged against the other shards, read as context);
- staged file alone: `tunelint --force-exclude STAGED`, the hook without the context (what it
  ran before `--context`, and what a hand-written hook without it runs);
- whole dataset: `tunelint --force-exclude data/`, every shard judged (what CI runs).

The table gives median wall time (min-max), CPU seconds and peak RSS, and the hook's time over
the staged file alone's, round by round, then the median. Run from the repository root.
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (bench/run.py: the generator, measure(), machine())


def shards(source, examples, staged):
    """Cuts `source` into shards of `staged` lines; returns (data dir, staged shard path)."""
    count = (examples + staged - 1) // staged
    root = os.path.join(bench.DATA, f"precommit-{examples}-{staged}")
    data = os.path.join(root, "data")
    names = [f"train-{k:05d}-of-{count:05d}.jsonl" for k in range(count)]
    stamp = os.path.join(root, ".made-from")
    want = f"{source} {os.path.getmtime(source)}"
    if not (os.path.exists(stamp) and open(stamp).read() == want):
        bench.log(f"writing {count} shards of {staged} lines to {os.path.relpath(data, bench.ROOT)}")
        os.makedirs(data, exist_ok=True)
        for old in os.listdir(data):
            os.remove(os.path.join(data, old))
        with open(source, "rb") as src:
            lines = src.readlines()
        for k, name in enumerate(names):
            with open(os.path.join(data, name), "wb") as out:
                out.writelines(lines[k * staged:(k + 1) * staged])
        with open(stamp, "w") as f:
            f.write(want)
    return root, data, os.path.join(data, names[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--examples", type=int, default=100_000)
    p.add_argument("--staged", type=int, default=2_000)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--no-build", action="store_true")
    args = p.parse_args()

    tunelint = bench.build_tunelint(args)
    if os.environ.get("BENCH_GEN"):
        bench._generator = os.path.abspath(os.environ["BENCH_GEN"])
    source, _ = bench.dataset(args.examples, dedup_safe=True)
    root, data, staged = shards(source, args.examples, args.staged)
    rel = os.path.relpath(staged, root)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    base = [tunelint, "--isolated", "--format", "concise", "--force-exclude"] + jobs
    commands = [
        ("hook (`--context dataset`)", base + ["--context", "dataset", rel]),
        ("staged file alone", base + [rel]),
        ("whole dataset (`data/`)", base + ["data"]),
    ]
    os.chdir(root)
    for path in [os.path.join(data, f) for f in os.listdir(data)]:
        bench.warm(path)
    walls = {name: [] for name, _ in commands}
    cpus = {name: [] for name, _ in commands}
    rss = {name: [] for name, _ in commands}
    started = bench.machine()
    for r in range(args.runs + 1):
        order = commands if r % 2 == 0 else list(reversed(commands))
        for name, cmd in order:
            wall, peak, _, _, cpu = bench.measure(cmd, ok_codes=(0, 1))
            if r > 0:
                walls[name].append(wall)
                cpus[name].append(cpu)
                rss[name].append(peak)
    hook, alone = commands[0][0], commands[1][0]
    ratios = [h / a for h, a in zip(walls[hook], walls[alone])]

    print(f"- Machine: {started}; load average {os.getloadavg()[0]:.2f} at the end")
    print(f"- tunelint: {bench.version(tunelint)}")
    print(f"- Data: `{os.path.relpath(source, bench.ROOT)}` cut into shards of {args.staged:,} lines; "
          f"staged: `{rel}`; {args.runs} rounds after one warm-up, alternating order")
    print()
    print("| command | seconds (min–max) | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for name, _ in commands:
        w = walls[name]
        print(f"| {name} | {statistics.median(w):.3f} ({min(w):.3f}–{max(w):.3f}) | "
              f"{statistics.median(cpus[name]):.2f} | {statistics.median(rss[name]):.1f} |")
    print()
    print(f"Hook over staged file alone, median of the per-round ratios: {statistics.median(ratios):.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
