#!/usr/bin/env python3
"""A file where every line has findings: time to the first finding, whole time and peak RSS.

    python3 bench/findings.py [--lines 1000000] [--runs 3] BINARY [BINARY ...]

Writes bench-data/findings-<N>.jsonl once (seed 7): every line a two-turn chat whose answer
has no final punctuation problem but whose record carries an unknown top-level key (S008)
and random words (C008 fires on each), so every line has two findings and no line is a
duplicate of another. Each binary runs `check --isolated --format concise --exit-zero FILE`
with `--select S` (no dataset-wide rule: findings stream) and with every rule (dataset rules
on: findings wait in the store, spilled to disk beyond its budget), in turn, order reversed
every other round; the table gives medians of the time to the first line of output, the
whole run, and the peak RSS (`/usr/bin/time -f %M`).
"""
import argparse, os, random, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make(lines):
    path = os.path.join(ROOT, "bench-data", f"findings-{lines}.jsonl")
    if os.path.exists(path):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = random.Random(7)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
             for _ in range(5000)]
    with open(path + ".tmp", "w") as f:
        for i in range(lines):
            q = " ".join(rng.choice(vocab) for _ in range(8))
            a = " ".join(rng.choice(vocab) for _ in range(12))
            f.write('{"messages": [{"role": "user", "content": "%s?"}, {"role": "assistant", '
                    '"content": "%s."}], "extra": %d}\n' % (q, a, i))
    os.replace(path + ".tmp", path)
    return path


def one(cmd):
    """(seconds to the first line of stdout, seconds in all, peak RSS in MB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    first = time.monotonic() - t0
    while p.stdout.read(1 << 20):
        pass
    err = p.stderr.read().decode()
    p.wait()
    return first, time.monotonic() - t0, int(err.strip().splitlines()[-1]) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    path = make(args.lines)
    cmds = []
    for b in args.binaries:
        for mode, extra in (("--select S (streams)", ["--select", "S"]), ("every rule (store)", [])):
            cmds.append((b, mode, [b, "check", "--isolated", "--format", "concise", "--exit-zero"] + extra + [path]))
    res = [[] for _ in cmds]
    for r in range(args.runs):
        order = list(range(len(cmds)))
        for i in (order if r % 2 == 0 else order[::-1]):
            res[i].append(one(cmds[i][2]))
            print(f"round {r + 1}: {cmds[i][0]} {cmds[i][1]}: {res[i][-1][1]:.1f} s", file=sys.stderr)
    print(f"{args.lines:,} lines, {os.path.getsize(path) / 1e6:.0f} MB, medians of {args.runs}\n")
    print("| binary | rules | first finding s | whole run s | peak RSS MB |")
    print("|---|---|---:|---:|---:|")
    for (b, mode, _), rs in zip(cmds, res):
        med = lambda k: statistics.median(x[k] for x in rs)
        print(f"| `{b}` | {mode} | {med(0):.2f} | {med(1):.1f} | {med(2):.0f} |")


if __name__ == "__main__":
    main()
