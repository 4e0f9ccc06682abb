#!/usr/bin/env python3
"""Token statistics the OpenAI cookbook's way: json + tiktoken, one example at a time.

    python3 bench/cookbook_tokens.py FILE [--encoding o200k_base|cl100k_base]

The approach of the cookbook notebook "Data preparation and analysis for chat model
fine-tuning" (load each line with json.loads, count each message with tiktoken by the chat
formula, collect per-example totals and assistant tokens, print the distribution and the
billed-token estimate for the default epochs), extended only as far as tunelint's formula
goes (text parts, tool calls and tool definitions as compact JSON, weight 0), so both tools
produce the same numbers and can be compared for speed and for equality. Prints one JSON
line with the figures and the seconds spent.

tiktoken downloads its encodings on first use; with no network, point it at the files the
bpe-openai crate bundles (see tests/fixtures/tokens/make_expected.py, which this reuses).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "tokens"))
import make_expected  # noqa: E402  (offline cache + the formula, written independently of tunelint)

MAX_TOKENS_PER_EXAMPLE = 65536
TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES = 3, 100, 25000
MIN_DEFAULT_EPOCHS, MAX_DEFAULT_EPOCHS = 1, 25


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--encoding", default="o200k_base")
    args = ap.parse_args()
    make_expected.offline_cache()
    import tiktoken

    enc = tiktoken.get_encoding(args.encoding)
    t0 = time.perf_counter()
    lengths, assistant, trainable, skipped = [], 0, 0, 0
    with open(args.file, encoding="utf-8", newline="\n") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                ex = json.loads(line)
                total, a, t = make_expected.count(ex, enc)
            except (ValueError, KeyError, TypeError, AttributeError):
                skipped += 1  # the cookbook reports format errors and skips such examples
                continue
            lengths.append(total)
            assistant += a
            trainable += t
    n = len(lengths)
    n_epochs = TARGET_EPOCHS
    if n and n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        n_epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n)
    elif n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        n_epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n)
    billed = sum(min(MAX_TOKENS_PER_EXAMPLE, x) for x in lengths) * n_epochs
    ordered = sorted(lengths)
    rank = lambda p: ordered[max(1, -(-p * n // 100)) - 1] if n else 0
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "encoding": args.encoding, "examples": n, "skipped": skipped, "total": sum(lengths),
        "p50": rank(50), "p95": rank(95), "max": max(lengths, default=0),
        "assistant": assistant, "trainable": trainable, "epochs": n_epochs, "billed": billed,
        "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
