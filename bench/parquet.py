#!/usr/bin/env python3
"""Parquet: the records of bench-data/chat-<N>.records.jsonl (bench/containers.py makes it)
whose messages are all plain text, as a Parquet table the way the Hugging Face Hub stores a
chat dataset (`messages` a list of structs of `role` and `content`, snappy, pyarrow's default
row groups), and the same rows as compact JSON Lines, the table's baseline.

    python3 bench/parquet.py [--examples 100000]     # needs pyarrow

Writes bench-data/chat-<N>.parquet and bench-data/chat-<N>.table.jsonl and prints the two
commands to time against each other:

    tunelint check --isolated --format concise --quiet --exit-zero --select J,S,O FILE
"""
import argparse
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

parser = argparse.ArgumentParser()
parser.add_argument("--examples", type=int, default=100000)
args = parser.parse_args()
stem = os.path.join(ROOT, "bench-data", f"chat-{args.examples}")
message = pa.struct([("role", pa.string()), ("content", pa.string())])
rows = []
with open(stem + ".records.jsonl", encoding="utf-8") as f:
    for line in f:
        messages = json.loads(line).get("messages")
        if (
            isinstance(messages, list)
            and messages
            and all(
                isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                for m in messages
            )
        ):
            rows.append([{"role": m["role"], "content": m["content"]} for m in messages])
pq.write_table(pa.table({"messages": pa.array(rows, type=pa.list_(message))}), stem + ".parquet")
with open(stem + ".table.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps({"messages": r}, ensure_ascii=False, separators=(",", ":")) + "\n")
print(f"{len(rows)} rows")
for path in (stem + ".parquet", stem + ".table.jsonl"):
    print(f"tunelint check --isolated --format concise --quiet --exit-zero --select J,S,O {os.path.relpath(path, ROOT)}")
