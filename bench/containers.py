#!/usr/bin/env python3
"""Containers: tunelint on a JSONL file vs the same records as .jsonl.zst, .jsonl.gz and a
pretty-printed .json array.

    bench/containers.py [--examples 100000] [--runs 5] [--jobs N] [--no-build]

Builds tunelint and reuses or generates bench-data/chat-<N>.jsonl as bench/run.py does,
compresses it once with the `zstd` and `gzip` command-line tools (default levels; reused
while newer than the JSONL) and writes its records as one .json array the way LLaMA-Factory's
files are written (`json.dump(records, f, indent=2, ensure_ascii=False)`, record by record),
then times

    tunelint check --isolated --format concise --quiet --exit-zero --select J,S,O FILE

on the four files in turn each round (order reversed every other round, one warm-up round
first). Prints a Markdown table: median wall time (min-max), CPU seconds, peak RSS and the
per-round ratio to the plain JSONL's time, median (the array's to the JSONL of the same
records). The targets: .zst within 1.5x of plain, the .json array within 1.2x.
"""
import argparse
import json
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


def json_array(path):
    """The records of the JSONL file `path` that are JSON objects without duplicate keys, as
    one pretty-printed array (`<stem>.json`) and as JSONL, the lines as they were
    (`<stem>.records.jsonl`, the array's baseline: the same records). The generated file's
    broken lines (invalid JSON or UTF-8) have no array form."""
    stem = path[: -len(".jsonl")]
    out, records = stem + ".json", stem + ".records.jsonl"
    if all(os.path.exists(p) and os.path.getmtime(p) >= os.path.getmtime(path) for p in (out, records)):
        run.log(f"reusing {os.path.relpath(out, run.ROOT)}")
        return records, out

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(pairs)

    run.log(f"array {os.path.relpath(out, run.ROOT)}")
    with open(path, "rb") as src, open(out + ".tmp", "w", encoding="utf-8") as f, \
            open(records + ".tmp", "wb") as kept:
        f.write("[")
        first = True
        for raw in src:
            try:
                record = json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates)
            except ValueError:
                continue
            if not isinstance(record, dict):
                continue
            kept.write(raw if raw.endswith(b"\n") else raw + b"\n")
            text = json.dumps(record, indent=2, ensure_ascii=False)
            f.write(("\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
            first = False
        f.write("\n]")
    os.replace(records + ".tmp", records)
    os.replace(out + ".tmp", out)
    return records, out


def findings(out):
    """A concise report's findings without their places: `CODE message`, sorted."""
    return sorted(line.split(": ", 1)[1] for line in out.splitlines() if ": " in line)


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
    records, array = json_array(plain)
    files += [("JSONL records", records), ("JSON array", array)]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []

    def cmd(path):
        return [tunelint, "check", "--isolated", "--format", "concise", "--quiet", "--exit-zero",
                "--select", "J,S,O", *jobs, path]

    # All must report the same findings (the array's on other lines): compare once.
    outputs = {}
    for name, path in files:
        out = run.measure(cmd(path), {0}, stdout=None)[3]
        outputs[name] = [line.split(":", 1)[1] for line in out.splitlines() if ":" in line]
        if name == "JSON array":
            outputs[name] = findings(out)
    for name in ("zstd", "gzip"):
        if outputs[name] != outputs["JSONL"]:
            run.die(f"the {name} file's findings differ from the JSONL's")
    run.log(f"same {len(outputs['JSONL'])} findings on JSONL, zstd and gzip")
    # The array against the same records as JSONL: json.dumps writes some values otherwise
    # (`1e5` as `100000.0`, escapes as characters), which a few content rules may see.
    same_records = sorted(f.split(": ", 1)[1] for f in outputs["JSONL records"])
    differ = len(set(outputs["JSON array"]) ^ set(same_records))
    run.log(f"JSON array: {len(outputs['JSON array'])} findings, JSONL records: "
            f"{len(same_records)}; {differ} distinct findings differ")

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
        base = walls["JSONL records" if name == "JSON array" else "JSONL"]
        ratios = [a / b for a, b in zip(w, base)]
        print(f"| {os.path.relpath(path, run.ROOT)} | {os.path.getsize(path) / 1e6:.1f} | "
              f"{statistics.median(w):.2f} ({min(w):.2f}-{max(w):.2f}) | {statistics.median(cpus[name]):.2f} | "
              f"{statistics.median(rss[name]):.0f} | {statistics.median(ratios):.2f}x |")


if __name__ == "__main__":
    main()
