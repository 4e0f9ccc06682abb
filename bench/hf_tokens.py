#!/usr/bin/env python3
"""Token counts with an open-weight model's tokenizer and chat template, side by side in one
run (run from the repository root):

    python3 bench/hf_tokens.py [--file bench-data/chat-100000.refsafe.jsonl] [--runs 3]
        [--warmup 1] [--python PY] [--tokenizer DIR] [--template FILE]

tunelint (`tunelint stats` with `[tokens] tokenizer` and `chat_template`, every example
rendered and tokenized on all cores, beside every other rule; and the count alone, `tunelint
check --select T --token-stats`) against the loop a user would write in Python: for each
line, `json.loads`, then `AutoTokenizer.apply_chat_template(messages, tools=tools,
chat_template=template, tokenize=True)`, one example at a time. Both must give the same number
of examples, total tokens, p50, p95 and max, or the script fails.

By default the tokenizer is Mistral NeMo's byte-level BPE ("tekken", 131,072 tokens), which
the mistral-common package ships, converted to tokenizer.json by transformers
(tests/fixtures/hf/oracle.py convert; written once to bench-data/hf/), and the template is
tests/fixtures/hf/templates/chatml_qwen.jinja (ChatML as Qwen2.5 writes it). PY must import
transformers and mistral_common (CI's .ci/.venv does). The file is bench/run.sh's data
(examples the Python reference can read). Medians of --runs runs after --warmup rounds.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

REFERENCE = r'''
import json, sys
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained(sys.argv[1])
template = open(sys.argv[2], encoding="utf-8").read()
totals = []
refused = 0
with open(sys.argv[3], encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        ex = json.loads(line)
        try:
            ids = tok.apply_chat_template(ex["messages"], tools=ex.get("tools"),
                                          chat_template=template, tokenize=True)
        except Exception:
            refused += 1
            continue
        if not isinstance(ids, list):
            ids = ids["input_ids"]
        totals.append(len(ids))
s = sorted(totals)
rank = lambda p: s[max(1, -(-p * len(s) // 100)) - 1] if s else 0
print(json.dumps({"examples": len(totals), "total": sum(totals), "p50": rank(50),
                  "p95": rank(95), "max": max(totals, default=0), "refused": refused}))
'''


def timed(cmd, env=None):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr}")
    return wall, out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=os.path.join(ROOT, "bench-data/chat-100000.refsafe.jsonl"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1, help="warm-up rounds before the timed ones")
    ap.add_argument("--python", default=os.path.join(ROOT, ".ci/.venv/bin/python"))
    ap.add_argument("--tokenizer")
    ap.add_argument("--template", default=os.path.join(ROOT, "tests/fixtures/hf/templates/chatml_qwen.jinja"))
    args = ap.parse_args()
    binary = os.environ.get("BENCH_TUNELINT", os.path.join(ROOT, "target/release/tunelint"))
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    tokenizer = args.tokenizer
    if tokenizer is None:
        hf = os.path.join(ROOT, "bench-data/hf")
        tokenizer = os.path.join(hf, "mistral-nemo")
        if not os.path.exists(os.path.join(tokenizer, "tokenizer.json")):
            subprocess.run([args.python, os.path.join(ROOT, "tests/fixtures/hf/oracle.py"), "convert", hf],
                           check=True, env=env)
    tokenizer = os.path.abspath(tokenizer)
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "tunelint.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"[tokens]\ntokenizer = {json.dumps(tokenizer)}\n"
                    f"chat_template = {json.dumps(os.path.abspath(args.template))}\n")
        script = os.path.join(tmp, "reference.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(REFERENCE)
        counted = os.path.join(tmp, "count.json")
        cmds = [
            ("tunelint stats", [binary, "stats", "--config", config, "--format", "json", args.file]),
            ("tunelint check --select T --token-stats",
             [binary, "check", "--config", config, "--select", "T", "--token-stats", "--exit-zero",
              "--quiet", "--format", "json", "-o", counted, args.file]),
            ("Python apply_chat_template loop", [args.python, script, tokenizer, args.template, args.file]),
        ]
        for _ in range(args.warmup):
            for _, c in cmds:
                timed(c, env)
        walls = [[] for _ in cmds]
        outs = [None] * len(cmds)
        for r in range(args.runs):
            order = list(range(len(cmds)))
            if r % 2:
                order.reverse()
            for i in order:
                w, o = timed(cmds[i][1], env)
                walls[i].append(w)
                outs[i] = o
                if i == 1:
                    with open(counted, encoding="utf-8") as f:
                        outs[i] = f.read()
    keys = ("examples", "total", "p50", "p95", "max")
    ref = json.loads(outs[2])
    theirs = {k: ref[k] for k in keys}
    for name, out in zip(("stats", "check --select T"), outs[:2]):
        t = json.loads(out)["summary"]["tokens"]
        ours = {k: t[k] for k in keys}
        if ours != theirs:
            sys.exit(f"counts differ: tunelint {name} {ours}, transformers {theirs}")
    size = os.path.getsize(args.file)
    print(f"Tokens of {ours['examples']:,} examples ({size / 1e6:.1f} MB, {os.path.basename(args.file)}) "
          f"with {os.path.relpath(tokenizer, ROOT)} and {os.path.relpath(args.template, ROOT)}; "
          f"{ref['refused']} refused by the template in both; {args.runs} runs, {os.cpu_count()} cores\n")
    print("| tool | median wall (min–max) | examples/s | total tokens | p50 | p95 | max |")
    print("|:--|--:|--:|--:|--:|--:|--:|")
    med = [statistics.median(w) for w in walls]
    for (name, _), m, w in zip(cmds, med, walls):
        print(f"| {name} | {m:.2f} s ({min(w):.2f}–{max(w):.2f}) | {ours['examples'] / m:,.0f} | "
              f"{ours['total']:,} | {ours['p50']} | {ours['p95']} | {ours['max']} |")
    print(f"\ntunelint stats is {med[2] / med[0]:.1f}× faster than the Python loop, the count alone "
          f"{med[2] / med[1]:.1f}×, with equal counts ({os.getloadavg()[0]:.1f} load average at the end).")


if __name__ == "__main__":
    main()
