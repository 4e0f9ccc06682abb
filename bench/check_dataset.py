#!/usr/bin/env python3
"""Sanity check of a gen_dataset file (Python 3 standard library only).

    python3 bench/check_dataset.py FILE [--labels LABELS.tsv] [--dedup-safe] [--reference PATH]

Every line without a label must be a valid OpenAI chat fine-tuning example (PRODUCT.md §3,
checked strictly here) that the lesson's validate_example() also accepts when it can process
it; every labelled line must really show its defect. Prints a summary and exits 1 on any
mismatch. With --dedup-safe, also checks that the lesson's deduplicate() can load every line.
"""
import argparse
import importlib.util
import json
import os
import re
import sys
from collections import Counter
from difflib import SequenceMatcher

ROLES = {"system", "user", "assistant", "tool"}
TOP_KEYS = {"messages", "tools", "parallel_tool_calls"}
MSG_KEYS = {
    "system": {"role", "content", "name"},
    "user": {"role", "content", "name"},
    "assistant": {"role", "content", "name", "weight", "refusal", "tool_calls"},
    "tool": {"role", "content", "tool_call_id"},
}
NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


class DupKey(Exception):
    pass


def no_dup_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise DupKey(keys)
    return dict(pairs)


def load_reference(path):
    spec = importlib.util.spec_from_file_location("lesson_reference", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def text_of(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return None


def schema_problems(ex):
    """Strict OpenAI chat checks; returns a list of problems (empty = valid)."""
    p = []
    if not isinstance(ex, dict):
        return ["not an object"]
    if set(ex) - TOP_KEYS:
        p.append(f"unknown top-level keys {set(ex) - TOP_KEYS}")
    msgs = ex.get("messages")
    if not isinstance(msgs, list) or not msgs:
        return p + ["messages missing or empty"]
    calls_open = {}
    users = []
    prev = None
    trainable = 0
    for i, m in enumerate(msgs):
        if not isinstance(m, dict):
            p.append(f"message {i} not an object")
            continue
        role = m.get("role")
        if role not in ROLES:
            p.append(f"message {i}: role {role!r}")
            continue
        if set(m) - MSG_KEYS[role]:
            p.append(f"message {i}: unknown keys {set(m) - MSG_KEYS[role]}")
        if role == "system" and i != 0:
            p.append("system not first")
        c = m.get("content", "<missing>")
        if c == "<missing>":
            p.append(f"message {i}: no content")
        elif c is None:
            if not (role == "assistant" and m.get("tool_calls")):
                p.append(f"message {i}: null content without tool_calls")
        elif isinstance(c, list):
            if role != "user":
                p.append(f"message {i}: content parts outside a user message")
            images = 0
            for part in c:
                t = part.get("type")
                if t == "text":
                    if not isinstance(part.get("text"), str) or set(part) != {"type", "text"}:
                        p.append("bad text part")
                elif t == "image_url":
                    iu = part.get("image_url")
                    images += 1
                    if not isinstance(iu, dict) or not str(iu.get("url", "")).startswith(("https://", "data:image/")):
                        p.append("bad image part")
                    if set(iu) - {"url", "detail"} or iu.get("detail", "auto") not in ("low", "high", "auto"):
                        p.append("bad image_url keys")
                else:
                    p.append(f"unknown part type {t!r}")
            if images > 10:
                p.append("more than 10 images")
        elif isinstance(c, str):
            s = c.strip()
            if len(s) < 10:
                p.append(f"message {i}: content too short ({len(s)})")
            if len(c) > 10000:
                p.append(f"message {i}: content too long")
        else:
            p.append(f"message {i}: content type {type(c).__name__}")
        txt = text_of(c)
        if role == "user":
            if txt in users:
                p.append("repeated user message")
            users.append(txt)
        if role == "assistant":
            if "weight" in m and m["weight"] not in (0, 1):
                p.append("bad weight")
            if m.get("weight", 1) == 1 and c is not None:
                trainable += 1
            if txt and txt.startswith("As an AI"):
                p.append("As an AI")
            if txt and "I cannot" in txt and "help" not in txt.lower():
                p.append("refusal without help")
            for call in m.get("tool_calls") or []:
                f = call.get("function", {})
                if set(call) != {"id", "type", "function"} or call.get("type") != "function":
                    p.append("bad tool call")
                if not NAME_RE.match(f.get("name", "")):
                    p.append("bad function name")
                try:
                    if not isinstance(json.loads(f.get("arguments")), dict):
                        p.append("arguments not an object")
                except Exception:
                    p.append("arguments not JSON")
                calls_open[call.get("id")] = f.get("name")
        if role == "tool":
            if m.get("tool_call_id") not in calls_open:
                p.append("orphan tool message")
            calls_open.pop(m.get("tool_call_id"), None)
        # order: user/assistant alternate; tool only after a tool call or another tool message
        if prev is not None:
            if role == "tool" and prev not in ("assistant_call", "tool"):
                p.append("tool message not after a tool call")
            if role == "user" and prev not in ("system", "assistant", "tool"):
                p.append(f"user after {prev}")
            if role == "assistant" and prev not in ("user", "tool"):
                p.append(f"assistant after {prev}")
        prev = "assistant_call" if role == "assistant" and m.get("tool_calls") else role
    if calls_open:
        p.append("tool call never answered")
    roles = [m.get("role") for m in msgs if isinstance(m, dict)]
    if roles[-1] != "assistant":
        p.append("last not assistant")
    if "user" not in roles:
        p.append("no user message")
    if trainable == 0:
        p.append("nothing to train on")
    tools = ex.get("tools")
    if tools is not None:
        names = {t["function"]["name"] for t in tools}
        for m in msgs:
            for call in m.get("tool_calls") or []:
                if call["function"]["name"] not in names:
                    p.append("call to an undeclared tool")
    return p


def first_user(ex):
    for m in ex["messages"]:
        if m.get("role") == "user":
            return m.get("content")
    return ""


def shows_defect(kind, line, ex, lines):
    """True when a labelled line really has its defect."""
    if kind in ("truncated_line", "trailing_comma"):
        return ex is None and line.strip() != ""
    if kind == "blank_line":
        return line.strip() == ""
    if ex is None:
        return False
    msgs = ex.get("messages", [])
    texts = [m.get("content") for m in msgs]
    if kind == "unknown_role":
        return any(m.get("role") not in ROLES for m in msgs)
    if kind == "missing_content":
        return any("content" not in m and not m.get("tool_calls") for m in msgs)
    if kind == "short_content":
        return any(isinstance(t, str) and 0 < len(t.strip()) < 10 for t in texts)
    if kind == "empty_content":
        return any(isinstance(t, str) and not t.strip() for t in texts)
    if kind == "last_not_assistant":
        return msgs[-1].get("role") != "assistant"
    if kind == "as_an_ai":
        return any(m.get("role") == "assistant" and isinstance(m.get("content"), str) and m["content"].startswith("As an AI") for m in msgs)
    if kind == "refusal_without_help":
        return any(m.get("role") == "assistant" and isinstance(m.get("content"), str) and "I cannot" in m["content"] and "help" not in m["content"].lower() for m in msgs)
    if kind == "repeated_key":
        try:
            json.loads(line, object_pairs_hook=no_dup_keys)
            return False
        except DupKey:
            return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--labels")
    ap.add_argument("--dedup-safe", action="store_true")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--reference", default=os.path.join(here, "..", "..", "shared", "reference", "lesson_reference.py"))
    ap.add_argument("--show", type=int, default=5, help="problems to print per kind")
    ap.add_argument("--near-dups", type=int, default=0, metavar="N",
                    help="also run the lesson's greedy near-duplicate search on the first N examples")
    a = ap.parse_args()

    ref = load_reference(a.reference) if os.path.exists(a.reference) else None
    labels = {}
    if a.labels:
        with open(a.labels) as f:
            next(f)
            for row in f:
                ln, kind, src = row.rstrip("\n").split("\t")
                labels[int(ln)] = (kind, int(src) if src else None)

    with open(a.file, "rb") as f:
        raw = f.read()
    assert b"\r" not in raw, "CR in file"
    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == "", "no final newline"
    lines = lines[:-1]

    bad = Counter()
    shown = Counter()
    stats = Counter()
    seen = {}

    def fail(kind, ln, msg):
        bad[kind] += 1
        if shown[kind] < a.show:
            shown[kind] += 1
            print(f"  line {ln}: {kind}: {msg}", file=sys.stderr)

    parsed = {}
    for ln, line in enumerate(lines, 1):
        try:
            ex = json.loads(line)
        except Exception:
            ex = None
        parsed[ln] = ex
        label = labels.get(ln)
        if line.strip():
            stats["example_lines"] += 1
            stats["example_bytes"] += len(line.encode()) + 1
        if label:
            kind, src = label
            stats["labelled"] += 1
            if kind == "exact_duplicate":
                if line != lines[src - 1]:
                    fail(kind, ln, f"differs from line {src}")
            elif kind == "near_duplicate":
                a_, b_ = text_of(first_user(ex)), text_of(first_user(parsed[src]))
                # the edit is small (ratio without autojunk > 0.85); the lesson's ratio (with
                # difflib's autojunk on strings of 200+ characters) can still fall below
                r_plain = SequenceMatcher(None, a_, b_, autojunk=False).ratio()
                r = SequenceMatcher(None, a_, b_).ratio()
                if not (0.85 < r_plain < 1.0):
                    fail(kind, ln, f"ratio {r_plain:.3f} to line {src}")
                stats["near_dup_lesson_ratio_above_0.85" if r > 0.85 else "near_dup_lesson_ratio_at_most_0.85"] += 1
            elif not shows_defect(kind, line, ex, lines):
                fail(kind, ln, "defect not visible")
        else:
            if ex is None:
                fail("unlabelled_invalid_json", ln, line[:80])
                continue
            try:
                json.loads(line, object_pairs_hook=no_dup_keys)
            except DupKey:
                fail("unlabelled_duplicate_key", ln, "")
            probs = schema_problems(ex)
            if probs:
                fail("unlabelled_schema", ln, "; ".join(probs))
            if line in seen:
                stats["unlabelled_exact_dups"] += 1
            msgs = ex["messages"]
            stats["valid"] += 1
            stats["messages"] += len(msgs)
            stats[f"turns_{sum(m['role'] == 'user' for m in msgs)}"] += 1
            if ex.get("tools"):
                stats["with_tools"] += 1
            if any(isinstance(m.get("content"), list) for m in msgs):
                stats["with_image_parts"] += 1
            if any(m.get("weight") == 0 for m in msgs):
                stats["with_weight_0"] += 1
            if msgs[0]["role"] == "system":
                stats["sys:" + msgs[0]["content"][:40]] += 1
            else:
                stats["no_system_prompt"] += 1
            if "\\u" in line:
                stats["with_u_escapes"] += 1
            if not line.isascii():
                stats["with_raw_non_ascii"] += 1
            if ref is not None:
                try:
                    res = ref.validate_example(ex, ln - 1)
                    stats["reference_valid" if res.valid else "reference_invalid"] += 1
                    if not res.valid:
                        fail("reference_rejects_clean_line", ln, "; ".join(res.issues))
                except Exception as e:  # null content, content parts: the reference crashes
                    stats[f"reference_crash_{type(e).__name__}"] += 1
        seen.setdefault(line, ln)
        if a.dedup_safe:
            if ex is None or not all("role" in m and "content" in m for m in ex["messages"]) or not isinstance(first_user(ex), str):
                fail("not_dedup_safe", ln, line[:80])

    if a.near_dups:
        # the lesson's greedy dedup on the first N examples, with difflib's cheap upper
        # bounds first (same result as deduplicate(), much faster)
        t = 0.85
        kept, flagged, labelled_hits = [], Counter(), 0
        count = 0
        for ln in range(1, len(lines) + 1):
            ex = parsed[ln]
            if ex is None or not lines[ln - 1].strip():
                continue
            count += 1
            if count > a.near_dups:
                break
            u = text_of(first_user(ex)) or ""
            sm = SequenceMatcher(None)
            sm.set_seq2(u)
            dup = False
            for k in kept:
                sm.set_seq1(k)
                if sm.real_quick_ratio() > t and sm.quick_ratio() > t and sm.ratio() > t:
                    dup = True
                    break
            if dup:
                kind = labels.get(ln, ("clean", None))[0]
                flagged[kind] += 1
            else:
                kept.append(u)
        n_dup = sum(flagged.values())
        print(f"  lesson dedup on the first {min(count, a.near_dups)} examples: {n_dup} removed "
              f"({', '.join(f'{k} {v}' for k, v in flagged.most_common())})")

    if a.dedup_safe and ref is not None and not bad["not_dedup_safe"]:
        # the real thing, on a small prefix: deduplicate() must not raise
        ref.deduplicate([parsed[i] for i in range(1, min(len(lines), 300) + 1)])

    n = stats["example_lines"]
    print(f"{a.file}: {len(lines)} lines, {n} example lines, {stats['example_bytes'] / max(n, 1):.0f} B/example, "
          f"{stats['labelled']} labelled defects, {stats['valid']} clean lines")
    for k in sorted(stats):
        if k not in ("example_lines", "example_bytes", "labelled", "valid"):
            print(f"  {k}: {stats[k]}")
    if bad:
        print("PROBLEMS: " + ", ".join(f"{k} {v}" for k, v in sorted(bad.items())))
        return 1
    print("OK: every clean line is a valid OpenAI chat example; every labelled defect is present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
