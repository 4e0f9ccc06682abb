#!/usr/bin/env python3
"""tunelint vs the lesson's validator, side by side (Python 3 standard library only).

    bench/run.sh [--examples 100000] [--runs 5] [--jobs N] [--big] [--no-build]
                 [--dedup [--dedup-sizes 1000,2000] [--ref-runs 1] [--big-runs 1]] [--no-validate]
    bench/run.sh --groups [--file PATH] [--runs 5] [--jobs N]
    bench/run.sh --hostile [--runs 5] [--timeout 60] [--baseline PATH [--baseline-runs 1]]
    bench/run.sh --long [--runs 5] [--timeout 60]

Run from anywhere; paths are relative to the repository root. Builds tunelint
(`cargo build --release`) and the data generator (`bench/gen_dataset.rs`), generates
`bench-data/chat-<N>.jsonl` (fixed seed; reused when present), then times, in alternating
order:

  (a) tunelint check --format concise --quiet --exit-zero FILE > /dev/null
  (b) python3 ../shared/reference/lesson_reference.py validate REFSAFE
  (c) tunelint on REFSAFE too, so there is one like-for-like pair

REFSAFE is FILE without the lines the reference crashes on (it raises on malformed JSON and
blank lines, and with a TypeError on null content and content parts): a one-off filter that
keeps every line on which json.loads and the lesson's validate_example() both succeed.

With --dedup, the same run also reports duplicates:

  (d) tunelint dedupe --isolated --exhaustive HEAD -o OUT vs python3 lesson_reference.py dedup HEAD n PAIRS,
      on the first n examples (--dedup-sizes) of a --dedup-safe generated file: median wall
      time, ratio, and whether both keep the same examples (the lesson's kept flags from
      PAIRS, tunelint's from OUT). The lesson's search is quadratic (minutes for 1,000
      examples), so it runs --ref-runs times (default 1).
  (e) tunelint alone on FILE (and with --big on the 1M file): check --select D001,D002 and
      check with every rule, both --format json: wall time, CPU, peak RSS, and recall on
      the generator's labels: the share of labelled exact duplicates, and of labelled near
      duplicates whose first user messages the lesson's SequenceMatcher rates > 0.85, that
      tunelint flags with D001 or D002.

With --groups, instead: where the time goes, per rule group, side by side in one run on one
file (the generated one, or --file PATH such as a real dataset):

  (g) tunelint check --isolated --format concise --quiet --exit-zero --select GROUP FILE for
      validation (J,S,O), content (C,P), duplicates (D), T001 (T) and token statistics
      (T --token-stats), the default check (every rule), and the lesson's validate_dataset
      (on the refsafe copy of a generated file; on --file as it is): all in turn each round,
      order reversed every other round; medians, MB/s, and per-round ratios (each group's time
      over validation's in the same round, each group's MB/s over the lesson's), median.

With --hostile, instead: one hostile line per file (a 5M-element messages array, 100k
repeated keys, 150k tool calls and answers, ...; see HOSTILE), written by this script to
`bench-data/hostile-<case>.jsonl`, and
  (f) tunelint check --isolated --format concise --quiet --exit-zero FILE: median wall time,
      CPU, peak RSS and the number of findings printed, each run stopped after --timeout
      seconds, beside one run of the lesson's validate_dataset (or the exception it raises);
      with --baseline PATH, another tunelint binary (an older build, say) side by
      side, --baseline-runs times (default 1: a build that hangs costs --timeout per run).

Prints Markdown tables of medians to stdout (progress goes to stderr).
BENCH_TUNELINT=path overrides the tunelint binary (and skips building it).
"""
import argparse
import hashlib
import importlib.util
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.normpath(os.path.join(ROOT, "..", "shared", "reference", "lesson_reference.py"))
GEN_SRC = os.path.join(ROOT, "bench", "gen_dataset.rs")
DATA = os.path.join(ROOT, "bench-data")
SEED = 42
DEFECTS = 3
TIME = "/usr/bin/time"


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def die(msg):
    log(f"error: {msg}")
    sys.exit(2)


def target_dir():
    t = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return t if os.path.isabs(t) else os.path.join(ROOT, t)


def build_tunelint(args):
    override = os.environ.get("BENCH_TUNELINT")
    if override:
        path = shutil.which(override) or os.path.abspath(override)
        if not os.access(path, os.X_OK):
            die(f"BENCH_TUNELINT={override} is not an executable")
        log(f"tunelint: {path} (BENCH_TUNELINT)")
        return path
    path = os.path.join(target_dir(), "release", "tunelint")
    if not args.no_build:
        log("cargo build --release")
        if subprocess.run(["cargo", "build", "--release"], cwd=ROOT).returncode != 0:
            die("cargo build --release failed")
    if not os.access(path, os.X_OK):
        die(f"no tunelint binary at {path}")
    return path


_generator = None


def generator():
    """The gen_dataset binary: the cargo example, or (when the crate does not build right
    now, since an example links the library) the same file compiled alone with rustc."""
    global _generator
    if _generator:
        return _generator
    path = os.path.join(target_dir(), "release", "examples", "gen_dataset")
    log("cargo build --release --example gen_dataset")
    r = subprocess.run(["cargo", "build", "--release", "--example", "gen_dataset"], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or not os.access(path, os.X_OK):
        log("the example did not build (does the library compile?); compiling bench/gen_dataset.rs with rustc")
        path = os.path.join(target_dir(), "bench", "gen_dataset")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        r2 = subprocess.run(["rustc", "--edition", "2024", "-O", GEN_SRC, "-o", path], cwd=ROOT)
        if r2.returncode != 0:
            sys.stderr.write(r.stderr[-3000:])
            die("could not build the generator")
    _generator = path
    return path


def gen_hash():
    with open(GEN_SRC, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def dataset(n, dedup_safe=False):
    """bench-data/chat-<n>.jsonl (+ .labels.tsv, .meta.json); reused when present and made
    by the current generator (a file without .meta.json is reused as is)."""
    os.makedirs(DATA, exist_ok=True)
    stem = os.path.join(DATA, f"chat-{n}" + (".dedupsafe" if dedup_safe else ""))
    path, labels, meta_path = stem + ".jsonl", stem + ".labels.tsv", stem + ".meta.json"
    want = {"examples": n, "seed": SEED, "defects": DEFECTS, "dedup_safe": dedup_safe, "generator": gen_hash()}
    if os.path.exists(path):
        meta = None
        if os.path.exists(meta_path):
            with open(meta_path) as f:
                meta = json.load(f)
        if meta is None or meta.get("args") == want:
            log(f"reusing {os.path.relpath(path, ROOT)}")
            return path, (meta or {}).get("stderr", "")
        log(f"{os.path.relpath(path, ROOT)} was made by another generator version or arguments: regenerating")
    need = int(n * 2300 * 1.1)
    free = shutil.disk_usage(DATA).free
    if free < need:
        die(f"{need / 1e9:.1f} GB needed for {path}, {free / 1e9:.1f} GB free")
    cmd = [generator(), "--examples", str(n), "--seed", str(SEED), "--defects", str(DEFECTS),
           "--labels", labels, "-o", path + ".tmp"] + (["--dedup-safe"] if dedup_safe else [])
    log(" ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd))
    r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        die("generator failed")
    os.replace(path + ".tmp", path)
    with open(meta_path, "w") as f:
        json.dump({"args": want, "stderr": r.stderr}, f, indent=1)
    return path, r.stderr


def refsafe(path):
    """A copy of `path` with only the lines the reference's validate_example() can take."""
    out = path[: -len(".jsonl")] + ".refsafe.jsonl"
    info = out + ".info.json"
    if os.path.exists(out) and os.path.exists(info) and os.path.getmtime(out) >= os.path.getmtime(path):
        with open(info) as f:
            return out, json.load(f)
    spec = importlib.util.spec_from_file_location("lesson_reference", REFERENCE)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    dropped = {}
    kept = 0
    log(f"writing {os.path.relpath(out, ROOT)}: the lines the reference does not crash on")
    with open(path, encoding="utf-8") as src, open(out + ".tmp", "w", encoding="utf-8", newline="\n") as dst:
        for idx, line in enumerate(src):
            try:
                ref.validate_example(json.loads(line), idx)
            except json.JSONDecodeError:
                why = "blank line" if not line.strip() else "malformed JSON"
            except Exception as e:
                why = f"{type(e).__name__} in validate_example"
            else:
                dst.write(line)
                kept += 1
                continue
            dropped[why] = dropped.get(why, 0) + 1
    os.replace(out + ".tmp", out)
    meta = {"kept": kept, "dropped": dropped}
    with open(info, "w") as f:
        json.dump(meta, f, indent=1)
    return out, meta


def count_examples(path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                n += 1
    return n


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def measure(cmd, ok_codes, stdout=subprocess.DEVNULL):
    """Run once: (wall seconds, peak RSS in MB, exit code, captured stdout, CPU seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        tfile, efile = os.path.join(tmp, "time"), os.path.join(tmp, "err")
        use_time = os.access(TIME, os.X_OK)
        full = ([TIME, "-f", "%e %M %U %S", "-o", tfile] if use_time else []) + cmd
        with open(efile, "w") as err:
            out = subprocess.PIPE if stdout is None else stdout
            t0 = time.perf_counter()
            p = subprocess.Popen(full, stdout=out, stderr=err, text=True)
            captured = p.stdout.read() if out == subprocess.PIPE else ""
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
        rss_kb = usage.ru_maxrss
        cpu = usage.ru_utime + usage.ru_stime
        if use_time:
            with open(tfile) as f:
                last = f.read().strip().splitlines()[-1].split()
            rss_kb = int(last[1])
            cpu = float(last[2]) + float(last[3])
        with open(efile) as f:
            err_tail = f.read()[-2000:]
    if p.returncode not in ok_codes:
        sys.stderr.write(err_tail)
        die(f"exit status {p.returncode} from: {' '.join(cmd)}")
    return wall, rss_kb / 1024, p.returncode, captured, cpu


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GB RAM, "
    except OSError:
        pass
    return f"{model}, nproc {os.cpu_count()}, {mem}Linux {platform.release()}, load average {load:.2f} at start"


def version(tunelint):
    try:
        r = subprocess.run([tunelint, "--version"], capture_output=True, text=True, timeout=10)
        v = (r.stdout or r.stderr).strip().splitlines()
        v = v[0] if v and r.returncode == 0 else "version unknown"
    except Exception:
        v = "version unknown"
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        if rev:
            v += f" (git {rev}{', uncommitted changes' if dirty else ''})"
    except Exception:
        pass
    return v


def fmt_int(x):
    return f"{x:,.0f}"


HEADER = ("| tool | input | MB | examples | seconds | MB/s | examples/s | CPU s | peak RSS MB |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|")


def row(name, path, mb, examples, walls, rss, cpus):
    med = statistics.median(walls)
    rel = os.path.relpath(path, ROOT)
    d = 3 if med < 1 else 2
    return (f"| {name} | `{rel}` | {mb:.1f} | {fmt_int(examples)} | {med:.{d}f} ({min(walls):.{d}f}–{max(walls):.{d}f}) "
            f"| {mb / med:,.0f} | {fmt_int(examples / med)} | {statistics.median(cpus):.{d}f} | {statistics.median(rss):.1f} |")


# ------------------------------------------------------------------ duplicates ---

def head_file(path, n):
    """The first n lines of `path` (a dedup-safe file: no blank lines) as bench-data/<stem>.head<n>.jsonl."""
    out = path[: -len(".jsonl")] + f".head{n}.jsonl"
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(path):
        return out
    got = 0
    with open(path, "rb") as src, open(out + ".tmp", "wb") as dst:
        for line in src:
            if got == n:
                break
            if not line.strip():
                die(f"{path} has a blank line; the lesson's deduplicate() cannot load it")
            dst.write(line)
            got += 1
    if got < n:
        die(f"{path} has only {got} examples, {n} wanted")
    os.replace(out + ".tmp", out)
    return out


def kept_from_output(inp, out):
    """Kept flags per input line from `tunelint dedupe` output, which is the input without
    the removed lines, in order. Matching greedily is exact here: of identical lines the
    first is always kept."""
    with open(inp, "rb") as f:
        lines = f.read().splitlines()
    with open(out, "rb") as f:
        kept_lines = f.read().splitlines()
    flags, k = [], 0
    for line in lines:
        hit = k < len(kept_lines) and kept_lines[k] == line
        flags.append(hit)
        k += hit
    if k != len(kept_lines):
        die(f"{out} is not a subsequence of {inp}")
    return flags


def kept_from_pairs(pairs):
    with open(pairs) as f:
        return [l.rstrip("\n").split("\t")[1] == "1" for l in f if l.strip()]


def dedup_vs_lesson(tunelint, args):
    """(d): tunelint dedupe vs the lesson's deduplicate() on the first n examples."""
    sizes = args.dedup_sizes
    src, _ = dataset(max(sizes), dedup_safe=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            inp = head_file(src, n)
            out, pairs = os.path.join(tmp, f"out{n}.jsonl"), os.path.join(tmp, f"pairs{n}.tsv")
            tl = [tunelint, "dedupe", "--isolated", "--exhaustive", inp, "-o", out]
            ref = [sys.executable, REFERENCE, "dedup", inp, str(n), pairs]
            measure(tl, (0,))  # warm-up
            t_wall, t_rss, r_wall, r_rss, r_inner = [], [], [], [], []
            for r in range(max(args.runs, args.ref_runs)):
                if r < args.runs:
                    wall, rss, _, _, _ = measure(tl, (0,))
                    t_wall.append(wall)
                    t_rss.append(rss)
                if r < args.ref_runs:
                    log(f"lesson deduplicate() on {n:,} examples (quadratic: minutes)")
                    wall, rss, _, captured, _ = measure(ref, (0,), stdout=None)
                    r_wall.append(wall)
                    r_rss.append(rss)
                    r_inner.append(json.loads(captured.strip().splitlines()[-1])["seconds"])
                    log(f"lesson deduplicate() on {n:,} examples: {wall:.1f} s")
            ours, theirs = kept_from_output(inp, out), kept_from_pairs(pairs)
            if len(theirs) != n or len(ours) != n:
                die(f"kept flags for {len(ours)} (tunelint) and {len(theirs)} (lesson) examples, {n} expected")
            differ = [i + 1 for i in range(n) if ours[i] != theirs[i]]
            rows.append({"n": n, "path": inp, "mb": os.path.getsize(inp) / 1e6, "t_wall": t_wall, "t_rss": t_rss,
                         "r_wall": r_wall, "r_rss": r_rss, "r_inner": r_inner,
                         "t_kept": sum(ours), "r_kept": sum(theirs), "differ": differ})
            log(f"dedupe {n:,}: tunelint {statistics.median(t_wall):.3f} s, lesson {statistics.median(r_wall):.1f} s, "
                f"kept {sum(ours)} / {sum(theirs)}, {'same' if not differ else f'{len(differ)} differ'}")

    print(f"\n### `tunelint dedupe` vs the lesson's `deduplicate()`\n")
    print(f"- Data: the first N lines of `bench/gen_dataset.rs --examples {max(sizes)} --seed {SEED} --defects {DEFECTS} "
          f"--dedup-safe` (`{os.path.relpath(src, ROOT)}`; every line loads in the lesson's `deduplicate()`).")
    print(f"- Commands: `tunelint dedupe --isolated --exhaustive HEAD -o OUT` ({args.runs} runs after a warm-up) and "
          f"`python3 lesson_reference.py dedup HEAD N PAIRS` ({args.ref_runs} run{'s' if args.ref_runs > 1 else ''}; "
          f"whole process, JSON loading included; in brackets its own timer around `deduplicate()`). "
          f"Kept sets compared example by example: tunelint's from OUT, the lesson's from PAIRS.\n")
    print("| examples | MB | tunelint dedupe s | lesson deduplicate s | ratio | kept (tunelint / lesson) | same kept set |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for x in rows:
        t, r = statistics.median(x["t_wall"]), statistics.median(x["r_wall"])
        same = "yes" if not x["differ"] else f"**no**: lines {x['differ'][:10]}{' …' if len(x['differ']) > 10 else ''}"
        print(f"| {fmt_int(x['n'])} | {x['mb']:.1f} | {t:.3f} ({min(x['t_wall']):.3f}–{max(x['t_wall']):.3f}) "
              f"| {r:.1f} ({statistics.median(x['r_inner']):.1f}) | **{r / t:,.0f}×** | {x['t_kept']:,} / {x['r_kept']:,} | {same} |")
    return all(not x["differ"] for x in rows)


def first_user(line):
    """The lesson's user_content: the first user message's content, "" when there is none."""
    try:
        ex = json.loads(line)
        return next((m["content"] for m in ex["messages"] if m["role"] == "user"), "")
    except (ValueError, KeyError, TypeError):
        return None


def recall_truth(path, labels):
    """Which labelled lines a duplicate detector with the lesson's semantics must flag:
    every exact_duplicate, and every near_duplicate whose first user message and its
    source's are > 0.85 similar by the lesson's SequenceMatcher (computed here, for the
    labelled pairs only)."""
    from difflib import SequenceMatcher
    pairs = {}
    with open(labels) as f:
        for row in f:
            parts = row.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] in ("exact_duplicate", "near_duplicate"):
                pairs[int(parts[0])] = (parts[1], int(parts[2]))
    want = set(pairs) | {s for _, s in pairs.values()}
    text = {}
    with open(path, "rb") as f:
        for no, line in enumerate(f, 1):
            if no in want:
                text[no] = first_user(line)
    truth = {"exact_duplicate": set(), "near_duplicate": set(), "near_at_or_under": set(), "not_comparable": set()}
    for line, (kind, src) in pairs.items():
        a, b = text.get(line), text.get(src)
        if kind == "exact_duplicate":
            truth["exact_duplicate"].add(line)
        elif not isinstance(a, str) or not isinstance(b, str):
            truth["not_comparable"].add(line)
        elif SequenceMatcher(None, a, b).ratio() > 0.85:
            truth["near_duplicate"].add(line)
        else:
            truth["near_at_or_under"].add(line)
    return truth


def flagged_lines(json_path, path):
    """{line: code} of the D001/D002 diagnostics on `path` in a tunelint JSON document."""
    with open(json_path) as f:
        doc = json.load(f)
    out = {}
    for d in doc["diagnostics"]:
        if d["code"] in ("D001", "D002") and os.path.realpath(d["path"]) == os.path.realpath(path):
            out[d["line"]] = d["code"]
    return out


DUP_HEADER = ("| run | examples | MB | seconds | CPU s | peak RSS MB | D001 | D002 | recall exact | recall near | recall |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def duplicates_alone(tunelint, path, labels, runs, warmup, jobs):
    """(e): tunelint alone, duplicate rules and every rule, with recall on the labels."""
    n = count_examples(path)
    mb = os.path.getsize(path) / 1e6
    log(f"recall truth for {os.path.relpath(path, ROOT)} (lesson's SequenceMatcher on the labelled near-duplicate pairs)")
    truth = recall_truth(path, labels)
    warm(path)
    base = [tunelint, "check", "--isolated", "--format", "json", "--quiet", "--exit-zero"]
    if jobs:
        base += ["--jobs", str(jobs)]
    variants = [("`check --select D001,D002`", ["--select", "D001,D002"]), ("`check` (every rule)", [])]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "out.json")
        cmds = [(name, base + extra + ["-o", doc, path]) for name, extra in variants]
        if warmup:
            for _, cmd in cmds:
                measure(cmd, (0, 1))
        res = {name: {"wall": [], "rss": [], "cpu": [], "flags": None} for name, _ in cmds}
        for r in range(runs):
            for name, cmd in (cmds if r % 2 == 0 else cmds[::-1]):
                wall, rss, _, _, cpu = measure(cmd, (0, 1))
                res[name]["wall"].append(wall)
                res[name]["rss"].append(rss)
                res[name]["cpu"].append(cpu)
                flags = flagged_lines(doc, path)
                if res[name]["flags"] is not None and res[name]["flags"] != flags:
                    log(f"warning: {name} flagged different lines in run {r + 1}")
                res[name]["flags"] = flags
                log(f"{os.path.basename(path)} {name} run {r + 1}/{runs}: {wall:.2f} s, {rss:.0f} MB")
    for name, _ in cmds:
        x = res[name]
        flags = x["flags"]
        ex, near = truth["exact_duplicate"], truth["near_duplicate"]
        hit_ex, hit_near = len(ex & flags.keys()), len(near & flags.keys())
        rows.append({"name": name, "wall": x["wall"], "rss": x["rss"], "cpu": x["cpu"],
                     "d001": sum(1 for c in flags.values() if c == "D001"),
                     "d002": sum(1 for c in flags.values() if c == "D002"),
                     "ex": (hit_ex, len(ex)), "near": (hit_near, len(near)),
                     "all": (hit_ex + hit_near, len(ex) + len(near)),
                     "missed": sorted((ex | near) - flags.keys()),
                     "under_flagged": len(truth["near_at_or_under"] & flags.keys()),
                     "unlabelled": len(flags.keys() - ex - near - truth["near_at_or_under"] - truth["not_comparable"])})

    def pct(hit_total):
        h, t = hit_total
        return f"{h / t * 100:.1f}% ({h}/{t})" if t else "–"

    print(f"\n#### Duplicates: tunelint alone, {n:,} examples (`{os.path.relpath(path, ROOT)}`, {mb:,.0f} MB)\n")
    print(DUP_HEADER)
    for x in rows:
        med = statistics.median(x["wall"])
        d = 3 if med < 1 else 2
        print(f"| {x['name']} | {fmt_int(n)} | {mb:,.1f} | {med:.{d}f} ({min(x['wall']):.{d}f}–{max(x['wall']):.{d}f}) "
              f"| {statistics.median(x['cpu']):.{d}f} | {statistics.median(x['rss']):.1f} | {x['d001']:,} | {x['d002']:,} "
              f"| {pct(x['ex'])} | {pct(x['near'])} | **{pct(x['all'])}** |")
    first = rows[0]
    print(f"\n{len(first['wall'])} run{'s' if len(first['wall']) > 1 else ''} each{' after a warm-up round' if warmup else ''}, "
          f"`--format json --quiet --exit-zero -o FILE`, order alternating; recall counts labelled lines flagged "
          f"D001 or D002. Labelled near-duplicates the lesson itself rates ≤ 0.85 are left out: "
          f"{len(truth['near_at_or_under'])} (tunelint flags {first['under_flagged']} of them anyway)"
          + (f"; {len(truth['not_comparable'])} whose first user message is not a string are left out too" if truth["not_comparable"] else "")
          + f". Flags on unlabelled lines (chance near-duplicates among the templated clean examples, or copies "
          f"of labelled lines; not checked against the lesson at this size): {first['unlabelled']:,}."
          + (f" Missed: lines {first['missed'][:20]}{' …' if len(first['missed']) > 20 else ''}." if first["missed"] else ""))
    return rows


def _tool_calls(n):
    call = '{"id":"call_%d","type":"function","function":{"name":"lookup","arguments":"{}"}}'
    answer = '{"role":"tool","tool_call_id":"call_%d","content":"found it"}'
    return ('{"messages":[{"role":"user","content":"Look these up for me, please."},'
            '{"role":"assistant","content":null,"tool_calls":['
            + ",".join(call % i for i in range(n)) + "]},"
            + ",".join(answer % i for i in range(n))
            + ',{"role":"assistant","content":"Here is what the lookups found."}]}')


def _user_turns(n):
    turn = ('{"role":"user","content":"Question %d: what does the %d-th step do?"},'
            '{"role":"assistant","content":"It checks the input and moves on."}')
    return '{"messages":[' + ",".join(turn % (i, i) for i in range(n)) + "]}"


# One record per file, each of which once took tunelint minutes (a finding per element with a
# column counted from the line's start, or a scan of every earlier message per message).
HOSTILE = [
    ("array-5m-numbers", "`{\"messages\":[1,1,…]}`, 5,000,000 elements",
     lambda: '{"messages":[' + ",".join(["1"] * 5_000_000) + "]}"),
    ("array-2.5m-objects", "`{\"messages\":[{},{},…]}`, 2,500,000 elements",
     lambda: '{"messages":[' + ",".join(["{}"] * 2_500_000) + "]}"),
    ("keys-100k", "`{\"messages\":[],\"messages\":[],…}`, 100,000 keys",
     lambda: "{" + ",".join(['"messages":[]'] * 100_000) + "}"),
    ("tool-calls-50k", "one assistant turn with 50,000 tool calls, 50,000 tool answers",
     lambda: _tool_calls(50_000)),
    ("tool-calls-150k", "one assistant turn with 150,000 tool calls, 150,000 tool answers",
     lambda: _tool_calls(150_000)),
    ("user-turns-150k", "150,000 distinct user turns, each answered",
     lambda: _user_turns(150_000)),
]


LONG_KINDS = (
    ("prose", "distinct documents of English-looking prose"),
    ("figures", "distinct documents of prose with names, amounts and codes in it (many characters "
                "that are not popular: capitals, digits)"),
    ("near", "prose in which every fourth document is a near copy of an earlier one (a dozen word edits)"),
)


def long_documents(n=200, chars=42_000, seed=7, kind="prose"):
    """Writes bench-data/long-<n>[-<kind>].jsonl: n documents of `chars` characters each, as
    the first user message (English-looking prose: words of one to four syllables from a
    5,000-word vocabulary, Zipf-distributed, in sentences and paragraphs). `figures` puts a
    capitalised name, an amount or a code in about one word of six; `near` makes every fourth
    document a near copy of an earlier one. Deterministic."""
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"long-{n}.jsonl" if kind == "prose" else f"long-{n}-{kind}.jsonl")
    rng = random.Random(seed)
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["th", "ch", "sh", "qu", "x", "y"]
    words = set()
    while len(words) < 5000:
        words.add("".join(rng.choice(syllables) for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4]))))
    words = sorted(words)
    cum, total = [], 0.0
    for i in range(len(words)):
        total += 1 / (i + 1)
        cum.append(total)

    def figure():
        r = rng.random()
        if r < 0.4:
            return rng.choice(words).capitalize() + rng.choice(["", " " + rng.choice(words).capitalize()])
        if r < 0.7:
            return f"${rng.randint(1, 99_999):,}.{rng.randint(0, 99):02d}"
        return f"{rng.choice('ABCDEFGHKLMNPRSTXZ')}{rng.choice('ABCDEFGHKLMNPRSTXZ')}-{rng.randint(100, 99_999)}"

    docs = []
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        for i in range(n):
            if kind == "near" and i % 4 == 3:
                ws = rng.choice(docs).split(" ")
                for _ in range(12):
                    ws[rng.randrange(len(ws))] = rng.choice(words)
                doc = " ".join(ws)
            else:
                paragraphs, size = [], 0
                while size < chars:
                    sentences = []
                    for _ in range(rng.randint(3, 8)):
                        s = rng.choices(words, cum_weights=cum, k=rng.randint(6, 22))
                        if kind == "figures":
                            s = [figure() if rng.random() < 1 / 6 else w for w in s]
                        sentences.append(" ".join([s[0][:1].upper() + s[0][1:]] + s[1:]) + rng.choice(".....?!"))
                    paragraphs.append(" ".join(sentences))
                    size += len(paragraphs[-1]) + 2
                doc = "\n\n".join(paragraphs)[:chars]
            docs.append(doc)
            f.write(json.dumps({"messages": [{"role": "user", "content": doc},
                                             {"role": "assistant", "content": f"Summary {i}."}]}) + "\n")
    os.replace(path + ".tmp", path)
    return path


def long_section(tunelint, args):
    """Long documents: D002 and dedupe on 200 ~42 KB documents of each kind."""
    print("### Long documents: 200 documents of 42,000 characters\n")
    print(f"- Machine: {machine()}.")
    print(f"- tunelint: {version(tunelint)}; {args.runs} run(s) after one warm-up, each stopped after "
          f"{args.timeout:g} s.\n")
    print("| documents | command | seconds | CPU s | peak RSS MB | D002 findings |")
    print("|---|---|---:|---:|---:|---:|")
    for kind, what in LONG_KINDS:
        path = long_documents(kind=kind)
        warm(path)
        out = os.path.join(DATA, f"long-200-{kind}.out.jsonl")
        cmds = [
            ("check --select D002", [tunelint, "check", "--isolated", "--select", "D002", "--format", "concise",
                                     "--exit-zero", path]),
            ("dedupe", [tunelint, "dedupe", "--isolated", "--force", path, "-o", out]),
        ]
        for name, cmd in cmds:
            measure_limited(cmd, args.timeout)
            got = [measure_limited(cmd, args.timeout) for _ in range(args.runs)]
            done = [g for g in got if g is not None]
            if not done:
                print(f"| {kind} | `{name}` | > {args.timeout:g} (stopped) | – | – | – |", flush=True)
                continue
            walls = [d[0] for d in done]
            found = sum(" D002 " in line for line in done[0][3].splitlines()) if name.startswith("check") else "–"
            print(f"| {kind} | `{name}` | {statistics.median(walls):.2f} ({min(walls):.2f}–{max(walls):.2f}) | "
                  f"{statistics.median(d[2] for d in done):.2f} | {max(d[1] for d in done):.0f} | {found} |",
                  flush=True)
    print()
    for kind, what in LONG_KINDS:
        print(f"- {kind}: {what}.")


def hostile_files():
    """Writes bench-data/hostile-<case>.jsonl (deterministic, rewritten each run: seconds)."""
    os.makedirs(DATA, exist_ok=True)
    files = []
    for name, what, make in HOSTILE:
        path = os.path.join(DATA, f"hostile-{name}.jsonl")
        with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
            f.write(make() + "\n")
        os.replace(path + ".tmp", path)
        files.append((name, what, path))
    return files


def measure_limited(cmd, timeout, failure_ok=False):
    """Run once, stopped after `timeout` s: (wall s, peak RSS MB, CPU s, stdout) or None
    when it timed out. The command runs in its own process group, which is what is stopped.
    With `failure_ok`, a failing command gives the last line of its stderr as stdout."""
    with tempfile.TemporaryDirectory() as tmp:
        tfile = os.path.join(tmp, "time")
        use_time = os.access(TIME, os.X_OK)
        full = ([TIME, "-f", "%e %M %U %S", "-o", tfile] if use_time else []) + cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.communicate()
            return None
        wall = time.perf_counter() - t0
        if failure_ok and p.returncode != 0:
            last = [line for line in err.splitlines() if line.strip() and not line.startswith("Command exited")]
            return wall, float("nan"), float("nan"), "raises " + (last[-1].split(":")[0] if last else f"exit {p.returncode}")
        if p.returncode not in (0, 1):
            sys.stderr.write(err[-2000:])
            die(f"exit status {p.returncode} from: {' '.join(cmd)}")
        rss, cpu = float("nan"), float("nan")
        if use_time:
            with open(tfile) as f:
                last = f.read().strip().splitlines()[-1].split()
            rss, cpu = int(last[1]) / 1024, float(last[2]) + float(last[3])
    return wall, rss, cpu, out


def hostile_section(tunelint, args):
    files = hostile_files()
    cmd = [tunelint, "check", "--isolated", "--format", "concise", "--quiet", "--exit-zero"]
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    baseline = None
    if args.baseline:
        baseline = shutil.which(args.baseline) or os.path.abspath(args.baseline)
        if not os.access(baseline, os.X_OK):
            die(f"--baseline {args.baseline} is not an executable")

    def runs(binary, path, n, warm_up):
        if warm_up:
            measure_limited([binary] + cmd[1:] + [path], args.timeout)
        got = [measure_limited([binary] + cmd[1:] + [path], args.timeout) for _ in range(n)]
        done = [g for g in got if g is not None]
        return done, len(got) - len(done)

    def seconds(done, stopped, n):
        if stopped == n:
            return f"> {args.timeout:g} (stopped)"
        walls = [d[0] for d in done]
        text = f"{statistics.median(walls):.2f}"
        if len(walls) > 1:
            text += f" ({min(walls):.2f}–{max(walls):.2f})"
        if stopped:
            text += f", {stopped} of {n} stopped at {args.timeout:g} s"
        return text

    print("### Hostile lines: one record each\n")
    print(f"- Machine: {machine()}.")
    print(f"- tunelint: {version(tunelint)}"
          + (f"; baseline: `{args.baseline}`" if baseline else "") + ".")
    print(f"- Command: `tunelint check --isolated --format concise --quiet --exit-zero FILE` (every rule); "
          f"{args.runs} run(s) after one warm-up, median wall time (min–max), CPU s = user + system "
          f"(median), peak RSS (max); a run is stopped after {args.timeout:g} s"
          + (f"; the baseline {args.baseline_runs} run(s) each, no warm-up." if baseline else "."))
    print("- Reference: `python3 lesson_reference.py validate FILE` (the lesson's `validate_dataset`), "
          "one run per case, whole process.\n")
    head = "| case | line | MB | findings shown | seconds | CPU s | peak RSS MB | lesson seconds |"
    rule = "|---|---|---:|---:|---:|---:|---:|---:|"
    if baseline:
        head += " baseline seconds |"
        rule += "---:|"
    print(head)
    print(rule)
    for name, what, path in files:
        warm(path)
        done, stopped = runs(tunelint, path, args.runs, True)
        findings = len(done[0][3].splitlines()) if done else "–"
        cpu = f"{statistics.median(d[2] for d in done):.2f}" if done else "–"
        rss = f"{max(d[1] for d in done):.0f}" if done else "–"
        line = (f"| `{name}` | {what} | {os.path.getsize(path) / 1e6:.1f} | {findings} | "
                f"{seconds(done, stopped, args.runs)} | {cpu} | {rss} |")
        log(f"{name}: {seconds(done, stopped, args.runs)} s")
        ref = measure_limited([sys.executable, REFERENCE, "validate", path], args.timeout, failure_ok=True)
        if ref is None:
            line += f" > {args.timeout:g} (stopped) |"
        elif ref[3].startswith("raises "):
            line += f" {ref[3]} |"
        else:
            line += f" {ref[0]:.2f} |"
        if baseline:
            b_done, b_stopped = runs(baseline, path, args.baseline_runs, False)
            line += f" {seconds(b_done, b_stopped, args.baseline_runs)} |"
            log(f"{name} (baseline): {seconds(b_done, b_stopped, args.baseline_runs)} s")
        print(line, flush=True)


# ------------------------------------------------------------------ rule groups ---

# (name, what, extra arguments of `tunelint check`); the first is the base of the ratios.
GROUPS = [
    ("validation", "J, S, O", ["--select", "J,S,O"]),
    ("content", "C, P", ["--select", "C,P"]),
    ("duplicates", "D", ["--select", "D"]),
    ("T001", "T", ["--select", "T"]),
    ("token statistics", "T + `--token-stats`", ["--select", "T", "--token-stats"]),
    ("default check", "every rule", []),
]


def groups_section(tunelint, args):
    """(g): each rule group alone, the default check and the lesson's validator, in turn."""
    if args.file:
        path = os.path.abspath(args.file)
        if not os.path.isfile(path):
            die(f"--file {args.file}: no such file")
        ref_input = path
        probe = subprocess.run([sys.executable, REFERENCE, "validate", path], capture_output=True, text=True)
        if probe.returncode != 0:
            log(f"the lesson's validate_dataset fails on {path}; timing tunelint alone")
            log(probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else f"exit {probe.returncode}")
            ref_input = None
    else:
        path, _ = dataset(args.examples)
        ref_input, _ = refsafe(path)
    mb, n = os.path.getsize(path) / 1e6, count_examples(path)
    base = [tunelint, "check", "--isolated", "--format", "concise", "--quiet", "--exit-zero"]
    if args.jobs:
        base += ["--jobs", str(args.jobs)]
    cmds = [(name, base + extra + [path]) for name, _, extra in GROUPS]
    if ref_input:
        cmds.append(("lesson", [sys.executable, REFERENCE, "validate", ref_input]))
        ref_mb = os.path.getsize(ref_input) / 1e6
    res = {name: {"wall": [], "cpu": [], "rss": []} for name, _ in cmds}
    warm(path)
    if ref_input:
        warm(ref_input)
    where_run = machine()
    log("warm-up round")
    for _, cmd in cmds:
        measure(cmd, (0, 1))
    for r in range(args.runs):
        for name, cmd in (cmds if r % 2 == 0 else cmds[::-1]):
            wall, rss, _, _, cpu = measure(cmd, (0, 1))
            res[name]["wall"].append(wall)
            res[name]["cpu"].append(cpu)
            res[name]["rss"].append(rss)
        log(f"round {r + 1}/{args.runs}: " + ", ".join(f"{k} {v['wall'][-1]:.2f} s" for k, v in res.items()))
    load_end = os.getloadavg()[0]

    def ratio_to_base(name):
        return statistics.median(w / b for w, b in zip(res[name]["wall"], res["validation"]["wall"]))

    def vs_lesson(name):
        return statistics.median((mb / w) / (ref_mb / ref) for w, ref in zip(res[name]["wall"], res["lesson"]["wall"]))

    where = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
    print(f"### Where the time goes, per rule group: `{where}`\n")
    print(f"- Machine: {where_run}, {load_end:.2f} at the end (1-minute figures).")
    print(f"- tunelint: {version(tunelint)}; Python {platform.python_version()}.")
    print(f"- Data: `{where}`, {mb:.1f} MB, {n:,} examples"
          + (f"; the lesson reads `{os.path.relpath(ref_input, ROOT)}` ({ref_mb:.1f} MB), the lines it does not crash on."
             if ref_input and ref_input != path else "."))
    print(f"- Commands: `tunelint check --isolated --format concise --quiet --exit-zero"
          f"{' --jobs ' + str(args.jobs) if args.jobs else ''} [--select GROUP] FILE`"
          + (" and `python3 lesson_reference.py validate FILE`" if ref_input else "")
          + f"; {args.runs} rounds after a warm-up round, every command once a round, order reversed every "
          f"other round. Ratios are medians of the per-round ratios.\n")
    print("| group | rules | seconds | MB/s | CPU s | peak RSS MB | time / validation |"
          + (" MB/s / lesson's |" if ref_input else ""))
    print("|---|---|---:|---:|---:|---:|---:|" + ("---:|" if ref_input else ""))
    for name, what, _ in GROUPS + ([("lesson", "`validate_dataset` (Python)", None)] if ref_input else []):
        x = res[name]
        med = statistics.median(x["wall"])
        d = 3 if med < 1 else 2
        size = ref_mb if name == "lesson" else mb
        line = (f"| {name} | {what} | {med:.{d}f} ({min(x['wall']):.{d}f}–{max(x['wall']):.{d}f}) | {size / med:,.0f} "
                f"| {statistics.median(x['cpu']):.{d}f} | {statistics.median(x['rss']):.1f} "
                f"| {'' if name == 'lesson' else f'{ratio_to_base(name):.2f}×'} |")
        if ref_input:
            line += " 1× |" if name == "lesson" else f" {vs_lesson(name):.1f}× |"
        print(line, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, help="passed to tunelint as --jobs N")
    ap.add_argument("--big", action="store_true",
                    help="also time tunelint alone on a ~2.2 GB file (1M examples; target < 100 MB peak RSS)")
    ap.add_argument("--big-examples", type=int, default=1_000_000, help=argparse.SUPPRESS)
    ap.add_argument("--no-build", action="store_true", help="use the tunelint binary already built")
    ap.add_argument("--select", default="J,S,O,C001,C002,C003,C004,C005,C006",
                    help="rules tunelint runs; the default matches what the reference checks "
                         "(structure and the lesson's content checks); 'all' runs every rule")
    ap.add_argument("--dedup", action="store_true",
                    help="also: tunelint dedupe vs the lesson's deduplicate() (--dedup-sizes), and the "
                         "duplicate rules alone on --examples (and with --big the 1M file): time, peak RSS, recall")
    ap.add_argument("--dedup-sizes", default="1000,2000",
                    help="comma-separated example counts for dedupe vs the lesson ('none' skips it; "
                         "the lesson takes minutes per thousand)")
    ap.add_argument("--ref-runs", type=int, default=1, help="runs of the lesson's deduplicate() per size")
    ap.add_argument("--big-runs", type=int, default=1, help="runs of each duplicate command on the --big file")
    ap.add_argument("--no-validate", action="store_true",
                    help="skip tunelint vs the lesson's validate_dataset (for --dedup alone)")
    ap.add_argument("--hostile", action="store_true",
                    help="instead: tunelint on single hostile lines (huge arrays, repeated keys, "
                         "150k tool calls), each run stopped after --timeout seconds")
    ap.add_argument("--long", action="store_true",
                    help="instead: D002 and dedupe on 200 distinct ~42 KB documents, each run stopped after --timeout seconds")
    ap.add_argument("--groups", action="store_true",
                    help="instead: each rule group alone, the default check and the lesson's validator, in turn")
    ap.add_argument("--file", help="--groups: time this file (a real dataset, say) instead of a generated one")
    ap.add_argument("--timeout", type=float, default=60, help="--hostile: seconds before a run is stopped")
    ap.add_argument("--baseline", help="--hostile: another tunelint binary, timed side by side")
    ap.add_argument("--baseline-runs", type=int, default=1, help="--hostile: runs of the --baseline binary per case")
    args = ap.parse_args()
    if args.long:
        long_section(build_tunelint(args), args)
        return 0
    if args.hostile:
        if not os.path.exists(REFERENCE):
            die(f"reference not found: {REFERENCE}")
        if args.runs < 1 or args.baseline_runs < 1 or args.timeout <= 0:
            die("--runs and --baseline-runs must be at least 1, --timeout positive")
        hostile_section(build_tunelint(args), args)
        return 0
    if args.runs < 1 or args.examples < 1 or args.ref_runs < 1 or args.big_runs < 1:
        die("--runs, --ref-runs, --big-runs and --examples must be at least 1")
    if args.file and not args.groups:
        die("--file goes with --groups")
    if args.groups:
        if not os.path.exists(REFERENCE):
            die(f"reference not found: {REFERENCE}")
        groups_section(build_tunelint(args), args)
        return 0
    try:
        args.dedup_sizes = [] if args.dedup_sizes == "none" else sorted({int(x) for x in args.dedup_sizes.split(",")})
    except ValueError:
        die("--dedup-sizes takes comma-separated numbers or 'none'")
    if any(x < 1 for x in args.dedup_sizes):
        die("--dedup-sizes must be at least 1")
    if not os.path.exists(REFERENCE):
        die(f"reference not found: {REFERENCE}")

    tunelint = build_tunelint(args)
    if args.no_validate and not args.dedup:
        die("--no-validate leaves nothing to run without --dedup")
    if not args.no_validate:
        validate_section(tunelint, args)
    if args.dedup:
        print(f"\n### Duplicates\n")
        print(f"- Machine: {machine()}.")
        print(f"- tunelint: {version(tunelint)}; Python {platform.python_version()}.")
        same = dedup_vs_lesson(tunelint, args) if args.dedup_sizes else True
        path, _ = dataset(args.examples)
        duplicates_alone(tunelint, path, labels_of(path), args.runs, True, args.jobs)
        if args.big:
            big, _ = dataset(args.big_examples)
            rows = duplicates_alone(tunelint, big, labels_of(big), args.big_runs, False, args.jobs)
            print()
            for x in rows:
                wall, rss = statistics.median(x["wall"]), max(x["rss"])
                ok = wall < 60 and rss < 1024
                print(f"- {x['name']} on {args.big_examples:,} examples: {wall:.0f} s, {rss:,.0f} MB peak: "
                      f"{'meets' if ok else '**misses**'} the target (< 60 s, < 1 GB).")
        if not same:
            log("the kept sets of tunelint dedupe and the lesson's deduplicate() differ")
            return 1
    return 0


def labels_of(path):
    labels = path[: -len(".jsonl")] + ".labels.tsv"
    if not os.path.exists(labels):
        die(f"{labels} is missing (regenerate: delete {path})")
    return labels


def validate_section(tunelint, args):
    path, gen_stderr = dataset(args.examples)
    safe, safe_info = refsafe(path)
    mb = os.path.getsize(path) / 1e6
    safe_mb = os.path.getsize(safe) / 1e6
    n_full, n_safe = count_examples(path), safe_info["kept"]

    tl = [tunelint, "check", "--format", "concise", "--quiet", "--exit-zero"]
    if args.select != "all":
        tl += ["--select", args.select]
    if args.jobs:
        tl += ["--jobs", str(args.jobs)]
    runs = {
        "tunelint": lambda: measure(tl + [path], (0, 1)),
        "tunelint_safe": lambda: measure(tl + [safe], (0, 1)),
        "reference": lambda: measure([sys.executable, REFERENCE, "validate", safe], (0,), stdout=None),
    }
    warm(path)
    warm(safe)
    # one untimed round, so the first timed run of each does not pay for cold caches
    log("warm-up round")
    for f in runs.values():
        f()
    results = {k: {"wall": [], "rss": [], "cpu": [], "codes": set(), "inner": []} for k in runs}
    order = list(runs)
    for r in range(args.runs):
        seq = order if r % 2 == 0 else order[::-1]
        for k in seq:
            wall, rss, code, out, cpu = runs[k]()
            results[k]["cpu"].append(cpu)
            results[k]["wall"].append(wall)
            results[k]["rss"].append(rss)
            results[k]["codes"].add(code)
            if k == "reference":
                res = json.loads(out.strip().splitlines()[-1])
                results[k]["inner"].append(res["seconds"])
                results[k]["valid_pct"] = res["valid_pct"]
        log(f"round {r + 1}/{args.runs}: " + ", ".join(f"{k} {results[k]['wall'][-1]:.2f} s" for k in order))

    t, ts, ref = results["tunelint"], results["tunelint_safe"], results["reference"]
    med = {k: statistics.median(v["wall"]) for k, v in results.items()}
    same_input = (safe_mb / med["tunelint_safe"]) / (safe_mb / med["reference"])
    full_vs_ref = (mb / med["tunelint"]) / (safe_mb / med["reference"])
    dropped = ", ".join(f"{v:,} {k}" for k, v in sorted(safe_info["dropped"].items(), key=lambda kv: -kv[1]))
    jobs = f" --jobs {args.jobs}" if args.jobs else ""

    print(f"### tunelint vs the lesson's `validate_dataset`, {args.examples:,} examples\n")
    print(f"- Machine: {machine()}.")
    print(f"- tunelint: {version(tunelint)}; Python {platform.python_version()}.")
    print(f"- Data: `bench/gen_dataset.rs --examples {args.examples} --seed {SEED} --defects {DEFECTS}` → "
          f"`{os.path.relpath(path, ROOT)}` ({mb:.1f} MB, {n_full:,} non-blank lines). The reference crashes on "
          f"some of them, so it reads `{os.path.relpath(safe, ROOT)}`: the same file filtered once, keeping every "
          f"line on which `json.loads` and the lesson's `validate_example` succeed ({safe_mb:.1f} MB, "
          f"{n_safe:,} lines; dropped: {dropped}).")
    print(f"- Commands: `tunelint check --format concise --quiet --exit-zero{jobs} FILE > /dev/null` "
          f"(exit status seen: {sorted(t['codes'] | ts['codes'])}) and "
          f"`python3 lesson_reference.py validate FILE` (whole process, interpreter start included; "
          f"its own timer says {statistics.median(ref['inner']):.2f} s; it reports {ref.get('valid_pct')}% valid).")
    print(f"- {args.runs} runs each after one warm-up round, order alternating every round, file in page cache; "
          f"wall time median (min–max), MB/s and examples/s from that median; CPU s = user + system, median; peak RSS from {'`/usr/bin/time -f %M`' if os.access(TIME, os.X_OK) else 'wait4() ru_maxrss'}. "
          f"MB = 10^6 bytes.\n")
    print(HEADER)
    print(row("tunelint", path, mb, n_full, t["wall"], t["rss"], t["cpu"]))
    print(row("tunelint", safe, safe_mb, n_safe, ts["wall"], ts["rss"], ts["cpu"]))
    print(row("lesson `validate_dataset` (Python)", safe, safe_mb, n_safe, ref["wall"], ref["rss"], ref["cpu"]))
    print(f"\ntunelint / reference throughput (MB/s): **{same_input:.1f}×** on the same input; "
          f"{full_vs_ref:.1f}× with tunelint on the full file.")

    if args.big:
        big, _ = dataset(args.big_examples)
        big_mb = os.path.getsize(big) / 1e6
        n_big = count_examples(big)
        warm(big)
        walls, rss, cpus = [], [], []
        for r in range(min(args.runs, 3)):
            wall, peak, _, _, cpu = measure(tl + [big], (0, 1))
            walls.append(wall)
            rss.append(peak)
            cpus.append(cpu)
            log(f"big run {r + 1}: {wall:.2f} s, {peak:.1f} MB")
        verdict = "meets" if max(rss) < 100 else "**misses**"
        print(f"\n#### Large file: tunelint alone, {n_big:,} examples\n")
        print(HEADER)
        print(row("tunelint", big, big_mb, n_big, walls, rss, cpus))
        print(f"\nPeak RSS {max(rss):.1f} MB (worst of {len(rss)} runs) {verdict} the < 100 MB target.")


if __name__ == "__main__":
    sys.exit(main())
