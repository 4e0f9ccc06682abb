#!/usr/bin/env python3
"""Scaffolds a new tunelint rule: everything it needs to be listed, documented and tested.

    python3 scripts/new_rule.py CODE NAME CATEGORY [--runs-on KIND] [--level LEVEL]
                                [--option NAME=DEFAULT ...] [--dry-run] [--root DIR]

    python3 scripts/new_rule.py C013 too-formal content --runs-on message
    python3 scripts/new_rule.py B001 too-few-examples balance --runs-on dataset \
        --option min_examples=10

It creates the rule file `src/rules/<category>/<snake_name>.rs` (a `declare_rule!` with the
house documentation sections and a check of the right signature that reports nothing yet),
the `pub mod` line in the category's module (and the category's module itself, for a letter
without rules yet), the code in `src/registry.rs`'s `codes!` list and the rule's line in the
`registry!` table of `src/rules/mod.rs`, both in code order, and the fixtures
`tests/fixtures/rules/<name>/{invalid,valid}.jsonl`. Then it prints the next steps.

The generated rule compiles and passes the registry meta-tests; until its logic is written it
reports nothing, so its invalid example (tests/docs.rs) and invalid fixture (tests/rules.rs)
fail, and so does tests/registry.rs while its `TODO(new_rule)` placeholders remain: those
failures are the to-do list. `.ci/scaffold-check.sh` checks all of this on a scratch copy.
Python 3 standard library only.

Exit status: 0 on success, 2 when the request is refused (nothing is written), 1 when the
tree does not look as expected.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# What a rule may run on, per category letter; the first is the default. J rules are called
# by the engine's reading stages and S rules by the input formats while they normalise a
# record, so those two categories have one kind each.
RUNS_ON_BY_LETTER = {"J": ["reader"], "S": ["format"]}
RUNS_ON_DEFAULT = ["record", "conversation", "message", "dataset"]
LEVELS = {"error": "Error", "warning": "Warning", "info": "Info"}
PLACEHOLDER = "TODO(new_rule)"
MAX_WIDTH = 100

RUST_KEYWORDS = set(
    "as async await break const continue crate dyn else enum extern false fn for if impl in "
    "let loop match mod move mut pub ref return self static struct super trait true type "
    "unsafe use where while abstract become box do final gen macro override priv try typeof "
    "unsized virtual yield".split()
)

# One clean conversation (O001's valid example): no rule fires on it with the default settings.
EXAMPLE = (
    '{"messages": [{"role": "user", "content": "How do I rotate my API key?"}, '
    '{"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. '
    'The old key stops working after 24 hours."}]}'
)


def q(value: str) -> str:
    """A value as messages quote it: in double quotes, JSON-escaped."""
    return json.dumps(value, ensure_ascii=False)


class Refused(Exception):
    """The request cannot be honoured: exit 2, nothing written."""


class Layout(Exception):
    """The tree does not look as this script expects: exit 1."""


@dataclass
class Category:
    variant: str  # Balance
    letter: str  # B
    title: str  # Balance and size
    index: int  # position in Category::ALL

    @property
    def folder(self) -> str:
        return self.variant.lower()


@dataclass
class Plan:
    root: Path
    creates: dict[Path, str] = field(default_factory=dict)
    edits: dict[Path, tuple[str, str]] = field(default_factory=dict)

    def create(self, path: Path, text: str) -> None:
        if path.exists() or path in self.creates:
            raise Refused(f"{self.rel(path)} exists already")
        self.creates[path] = text

    def edit(self, path: Path, old: str, new: str) -> None:
        self.edits[path] = (old, new)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise Layout(f"cannot read {path}: {e.strerror}") from e


def categories(root: Path) -> list[Category]:
    """The categories of src/rule.rs, in the order of `Category::ALL`."""
    text = read(root / "src/rule.rs")
    all_ = re.search(r"pub const ALL: &'static \[Category\] = &\[(.*?)\];", text, re.S)
    letters = dict(re.findall(r"Category::(\w+) => '([A-Z])'", text))
    titles = dict(re.findall(r'Category::(\w+) => "([^"]*)"', text))
    if not all_ or not letters:
        raise Layout("cannot find `Category::ALL` and `Category::letter` in src/rule.rs")
    variants = re.findall(r"Category::(\w+)", all_.group(1))
    return [
        Category(v, letters[v], titles.get(v, v), i)
        for i, v in enumerate(variants)
        if v in letters
    ]


def block(text: str, opening: str, path: str) -> tuple[int, int]:
    """The lines inside the macro call `opening {` ... `}` at the start of a line: the index
    of the first one and of the closing `}`."""
    lines = text.split("\n")
    try:
        start = lines.index(opening + " {")
        end = lines.index("}", start)
    except ValueError:
        raise Layout(
            f"cannot find `{opening} {{ ... }}` in {path}: has its layout changed? "
            "update scripts/new_rule.py"
        ) from None
    return start + 1, end


def declared_rules(root: Path) -> dict[str, tuple[str, str]]:
    """code -> (name, file) of every `declare_rule!` under src/rules."""
    found = {}
    for path in sorted((root / "src/rules").rglob("*.rs")):
        text = read(path)
        for code, name in re.findall(r'code:\s*"([A-Z]\d{3})",\s*name:\s*"([^"]+)"', text):
            found[code] = (name, path.relative_to(root).as_posix())
    return found


def sort_key(code: str, cats: list[Category]) -> tuple[int, str]:
    index = next((c.index for c in cats if c.letter == code[0]), len(cats))
    return (index, code)


def wrap_codes(codes: list[str]) -> list[str]:
    """One category's codes as lines of the `codes!` list, at most MAX_WIDTH wide."""
    lines, line = [], "   "
    for code in codes:
        if len(line) + len(code) + 2 > MAX_WIDTH:
            lines.append(line)
            line = "   "
        line += f" {code},"
    lines.append(line)
    return lines


def insert_code(text: str, code: str, cats: list[Category]) -> str:
    """`text` (src/registry.rs) with `code` in the `codes!` list, in order."""
    start, end = block(text, "codes!", "src/registry.rs")
    lines = text.split("\n")
    body = lines[start:end]
    by_line = [re.findall(r"\b[A-Z]\d{3}\b", line) for line in body]
    letter = code[0]
    mine = [i for i, codes in enumerate(by_line) if codes and codes[0][0] == letter]
    if mine:
        first, last = mine[0], mine[-1]
        codes = sorted([c for i in mine for c in by_line[i]] + [code])
        body[first : last + 1] = wrap_codes(codes)
    else:
        # A new category: after the lines of the categories that come before it.
        before = [
            i
            for i, codes in enumerate(by_line)
            if codes and sort_key(codes[0], cats) < sort_key(code, cats)
        ]
        at = before[-1] + 1 if before else 0
        body[at:at] = wrap_codes([code])
    lines[start:end] = body
    return "\n".join(lines)


def insert_registry_line(text: str, code: str, entry: str, cats: list[Category]) -> str:
    """`text` (src/rules/mod.rs) with `entry` in the `registry!` table, in code order."""
    start, end = block(text, "registry!", "src/rules/mod.rs")
    lines = text.split("\n")
    at = start
    for i in range(start, end):
        m = re.match(r"    ([A-Z]\d{3}) =>", lines[i])
        if m and sort_key(m.group(1), cats) < sort_key(code, cats):
            # After the whole entry, which may span lines: up to its closing `;`.
            j = i
            while j < end and not lines[j].rstrip().endswith(";"):
                j += 1
            at = j + 1
    lines.insert(at, entry)
    return "\n".join(lines)


def insert_mod(text: str, module: str, path: str) -> str:
    """`text`, a module file, with `pub mod <module>;` among its `mod` lines, in order."""
    lines = text.split("\n")
    mod_re = re.compile(r"^(?:pub(?:\([a-z]+\))? )?mod (\w+);$")
    mods = [i for i, line in enumerate(lines) if mod_re.match(line)]
    new = f"pub mod {module};"
    if mods:
        # The first group of consecutive `mod` lines.
        group = [mods[0]]
        for i in mods[1:]:
            if i != group[-1] + 1:
                break
            group.append(i)
        at = group[-1] + 1
        for i in group:
            if mod_re.match(lines[i]).group(1) > module:
                at = i
                break
        lines.insert(at, new)
        return "\n".join(lines)
    # No `mod` line yet: after the `//!` header, before the `use` lines.
    at = 0
    while at < len(lines) and lines[at].startswith("//!"):
        at += 1
    if at == 0:
        raise Layout(f"{path} does not start with a `//!` line saying what it owns")
    lines[at:at] = ["", new]
    return "\n".join(lines)


@dataclass
class Options:
    names: list[str]
    defaults: list[str]


def parse_options(specs: list[str]) -> Options:
    names, defaults = [], []
    for spec in specs:
        name, sep, default = spec.partition("=")
        if not sep or not re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", name):
            raise Refused(
                f"option {q(spec)} is not NAME=DEFAULT with a snake_case name, as in TOML: "
                "min_examples=10"
            )
        if not re.fullmatch(r"0|[1-9][0-9]*", default):
            raise Refused(
                f"option {name}'s default {q(default)} is not a non-negative integer; the "
                "scaffold makes integer options (see src/rule.rs for others)"
            )
        if name in names:
            raise Refused(f"option {name} is given twice")
        if name in RUST_KEYWORDS or name in ("check", "report"):
            raise Refused(f"option name {q(name)} would clash with Rust or the rule's function")
        names.append(name)
        defaults.append(default)
    return Options(names, defaults)


def rule_file(code: str, name: str, const: str, runs_on: str, level: str, opts: Options) -> str:
    """The rule's source file."""
    record = ["crate::context::RecordContext", "crate::rules::Code"]
    imports = {
        "record": record + ["crate::record::Conversation"],
        "conversation": record + ["crate::record::Conversation"],
        "message": record + ["crate::record::Message"],
        "dataset": [
            "crate::dataset::DatasetContext",
            "crate::diagnostic::FileId",
            "crate::rules::{Code, RunsOn}",
        ],
        "reader": ["crate::context::FileContext", "crate::registry::Code"],
        "format": [],
    }[runs_on] + ["crate::declare_rule"]
    if opts.names:
        imports.append("crate::rule::{RuleOption, RuleOptions, integer_option}")
    uses = "\n".join(f"use {u};" for u in sorted(imports))
    if opts.names:
        uses = "use serde::{Deserialize, Deserializer};\n\n" + uses

    doc = [
        "## What it does",
        f"{PLACEHOLDER}: what the rule reports and where its finding points; what it leaves to",
        "other rules (which of them suppress it: `suppressed_by` in the registry).",
        "",
        "## Why is this bad?",
        f"{PLACEHOLDER}: what a model trained on such examples learns, or how training or the",
        "upload fails on them; and the usual cause in a real dataset.",
        "",
        "## Example",
        "```jsonl,invalid",
        EXAMPLE,
        "```",
        "",
        "Use instead:",
        "```jsonl,valid",
        EXAMPLE,
        "```",
    ]
    if opts.names:
        doc += ["", "## Options"]
        for o, d in zip(opts.names, opts.defaults):
            doc.append(f"- `{o}` (default `{d}`): {PLACEHOLDER}: what it sets.")
        pairs = ", ".join(f"{o} = {d}" for o, d in zip(opts.names, opts.defaults))
        doc += ["", "```toml", "[rules]", f"{name} = {{ {pairs} }}", "```"]
    out = [
        f"//! {code} {name}.",
        "",
        uses,
        "",
        f"// {PLACEHOLDER}: the documentation below is what `tunelint explain {code}` and",
        "// docs/rules.md show. Both examples run (tests/docs.rs): the invalid one must fire",
        f"// {code} and nothing else, the valid one nothing at all. The fixtures in",
        f"// tests/fixtures/rules/{name}/ follow the same two rules (tests/rules.rs).",
        "declare_rule! {",
    ]
    out += [f"    /// {line}".rstrip() for line in doc]
    out += [
        f"    pub static {const} = {{",
        f'        code: "{code}",',
        f'        name: "{name}",',
        f"        level: {level},",
        f'        summary: "todo(new_rule): what the rule fires on, in one lowercase line",',
    ]
    if opts.names:
        out.append("        options: [")
        for o, d in zip(opts.names, opts.defaults):
            out += [
                "            RuleOption {",
                f'                name: "{o}",',
                f'                default: "{d}",',
                f'                doc: "todo(new_rule): what it sets",',
                "            },",
            ]
        out += ["        ],", "        config: Options,"]
    out += ["    };", "}", ""]
    if opts.names:
        out += options_code(code, name, opts)
    out += check_code(code, runs_on, opts)
    return "\n".join(out)


def options_code(code: str, name: str, opts: Options) -> list[str]:
    pairs = zip(opts.names, opts.defaults)
    example = ", ".join(f"{o} = {d}" for o, d in zip(opts.names, opts.defaults))
    out = [
        f"/// {code}'s options: `[rules] {name} = {{ {example} }}`.",
        "#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]",
        "#[serde(deny_unknown_fields, default)]",
        "pub struct Options {",
    ]
    for i, o in enumerate(opts.names):
        if i:
            out.append("")
        out += [
            f"    /// {PLACEHOLDER}: what it sets.",
            f'    #[serde(deserialize_with = "{o}")]',
            f"    pub {o}: usize,",
        ]
    out.append("}")
    fields = ", ".join(f"{o}: {d}" for o, d in pairs)
    out += [
        "",
        "impl RuleOptions for Options {",
        f"    const DEFAULT: Options = Options {{ {fields} }};",
        "}",
        "",
        "impl Default for Options {",
        "    fn default() -> Self {",
        "        Options::DEFAULT",
        "    }",
        "}",
        "",
    ]
    for o in opts.names:
        out += [
            f"fn {o}<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {{",
            '    integer_option(d, 0, "a non-negative integer")',
            "}",
            "",
        ]
    return out


def report_call(receiver: str, args: list[str], indent: int) -> list[str]:
    """`receiver(args);`, one argument per line (rustfmt joins them when they fit)."""
    pad = " " * indent
    return [f"{pad}{receiver}("] + [f"{pad}    {a}," for a in args] + [f"{pad});"]


def message_arg(opts: Options, what: str, values: list[tuple[str, str]] = ()) -> str:
    """The placeholder message: a string, or a `format!` showing `values` (label, expression)
    and the options' values."""
    values = list(values) + [(f"{o} is", f"options.{o}") for o in opts.names]
    if not values:
        return f'"todo(new_rule): {what}"'
    shown = ", ".join(f"{label} {{}}" for label, _ in values)
    args = ", ".join(expr for _, expr in values)
    return f'format!("todo(new_rule): {what} ({shown})", {args})'


def check_code(code: str, runs_on: str, opts: Options) -> list[str]:
    todo = [
        f"// {PLACEHOLDER}: the logic. Until it reports, the invalid example and fixture fail",
        "// their tests. A message starts lowercase, has no final period, quotes values from the",
        "// data with `crate::wording::quote`, and says the fix when there is an obvious one.",
    ]
    indent = lambda n, lines: [" " * n + line for line in lines]  # noqa: E731
    if runs_on in ("record", "conversation", "message"):
        param, ty, span = {
            "record": ("conv", "Conversation", "conv.span"),
            "conversation": ("conv", "Conversation", "conv.span"),
            "message": ("message", "Message", "message.span"),
        }[runs_on]
        what = {
            "record": [
                "Runs on every normalised record, whatever its state (`Record` in the registry).",
            ],
            "conversation": [
                "Runs on a normalised record whose shape is complete (`Conversation` in the",
                "registry): not on one the schema (S) rules already tore apart.",
            ],
            "message": [
                "Runs on each message of a normalised record (`Message` in the registry).",
            ],
        }[runs_on]
        options = (
            [f"    let options = ctx.settings.options::<Options>(Code::{code});"]
            if opts.names
            else []
        )
        return [
            *[f"/// {line}" for line in what],
            f"pub fn check({param}: &{ty}<'_>, ctx: &mut RecordContext<'_>) {{",
            *indent(4, todo),
            "    // Point at the narrowest span that shows the problem: a message's `span`, its",
            "    // `content.span()`, a value's.",
            *options,
            "    let wrong = false;",
            "    if wrong {",
            *report_call(
                "ctx.report",
                [f"Code::{code}", span, message_arg(opts, "what is wrong, and the fix")],
                8,
            ),
            "    }",
            "}",
            "",
        ]
    if runs_on == "dataset":
        options = (
            [f"        let options = ctx.settings(file).options::<Options>(Code::{code});"]
            if opts.names
            else []
        )
        message = message_arg(opts, "what is wrong", [("examples:", "items.len()")])
        return [
            "/// Runs on the dataset once every record is read. It needs nothing of a record but",
            "/// what every dataset rule gets (`crate::dataset::Item`: line, offset, canonical hash,",
            "/// validity); a rule that needs more declares the facts it collects of each record",
            "/// (see `crate::rules::content::inconsistent_system_prompt`).",
            "pub const RUNS_ON: RunsOn = RunsOn::Dataset { check, facts: &[] };",
            "",
            "fn check(ctx: &mut DatasetContext<'_>) {",
            "    let all = ctx.facts;",
            f"    let files: Vec<FileId> = ctx.files_enabling(Code::{code}).map(|(f, _)| f).collect();",
            "    for file in files {",
            "        let items = &all[file as usize].items;",
            *indent(8, todo),
            "        // Report on the record `index` of `items`; `Some(Related { .. })` points at",
            "        // another record when the finding is about a pair.",
            *options,
            "        let wrong: Option<usize> = None;",
            "        if let Some(index) = wrong {",
            *report_call("ctx.report", [f"Code::{code}", "file", "index", message, "None"], 12),
            "        }",
            "    }",
            "}",
            "",
        ]
    if runs_on == "reader":
        options = (
            [f"    let options = ctx.settings.options::<Options>(Code::{code});"]
            if opts.names
            else []
        )
        return [
            f"/// Reports {code} on the line `line`, at byte `offset` of the file.",
            f"/// {PLACEHOLDER}: the engine's reading stages (`crate::engine`) call the J rules",
            "/// where what they check is known (the head of a file, each line's bytes or JSON, the",
            "/// end of the file): call this, or a check that calls it, from there.",
            "pub fn report(ctx: &mut FileContext<'_>, line: u64, offset: u64) {",
            *options,
            *report_call(
                "ctx.report_line",
                [
                    f"Code::{code}",
                    "line",
                    "offset",
                    message_arg(opts, "what is wrong, and the fix"),
                ],
                4,
            ),
            "}",
            "",
        ]
    # format: the input formats report S rules while they normalise a record.
    return [
        f"// {PLACEHOLDER}: the input formats (`crate::format`) report {code} while they",
        f"// normalise a record: `ctx.report(Code::{code}, span, message)`, with the span of the",
        "// offending value.",
        "",
    ]


def rustfmt(text: str) -> tuple[str, bool]:
    """`text` formatted by rustfmt (edition 2024), when rustfmt is installed and accepts it."""
    exe = shutil.which("rustfmt")
    if not exe:
        return text, False
    try:
        done = subprocess.run(
            [exe, "--edition", "2024", "--emit", "stdout"],
            input=text,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return text, False
    if done.returncode != 0 or not done.stdout.strip():
        return text, False
    return done.stdout, True


def plan(args: argparse.Namespace) -> tuple[Plan, list[str]]:
    root = Path(args.root).resolve()
    code, name = args.code, args.name
    if not re.fullmatch(r"[A-Z]\d{3}", code):
        raise Refused(f"code {q(code)} is not a capital letter and three digits, such as C013")
    if code[1:] == "000":
        raise Refused(f"code {q(code)}: rule numbers start at 001")
    if not re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", name):
        raise Refused(
            f"name {q(name)} is not kebab-case: lowercase words of letters and digits joined "
            "by single hyphens, starting with a letter, such as too-few-examples"
        )
    module = name.replace("-", "_")
    const = module.upper()
    if module in RUST_KEYWORDS:
        raise Refused(f"name {q(name)} would make the module `{module}`, a Rust keyword")

    cats = categories(root)
    known = ", ".join(f"{c.folder} ({c.letter})" for c in cats)
    cat = next((c for c in cats if c.folder == args.category.lower()), None)
    if cat is None:
        raise Refused(f"unknown category {q(args.category)}; expected one of {known}")
    if code[0] != cat.letter:
        owner = next((c for c in cats if c.letter == code[0]), None)
        where = f"the letter of {owner.folder}" if owner else "no category's letter"
        raise Refused(
            f"code {code} does not match category {cat.folder}: its codes start with "
            f"{cat.letter} ({code[0]} is {where})"
        )
    kinds = RUNS_ON_BY_LETTER.get(cat.letter, RUNS_ON_DEFAULT)
    runs_on = args.runs_on or kinds[0]
    if runs_on not in kinds:
        raise Refused(
            f"a {cat.folder} ({cat.letter}) rule cannot run on {q(runs_on)}; expected "
            + " or ".join(q(k) for k in kinds)
        )
    opts = parse_options(args.option or [])

    registry_path = root / "src/registry.rs"
    rules_path = root / "src/rules/mod.rs"
    registry = read(registry_path)
    rules_mod = read(rules_path)
    start, end = block(registry, "codes!", "src/registry.rs")
    listed = re.findall(r"\b[A-Z]\d{3}\b", "\n".join(registry.split("\n")[start:end]))
    declared = declared_rules(root)
    if code in listed or code in declared:
        who = declared.get(code)
        detail = f": {who[0]} ({who[1]})" if who else " in src/registry.rs"
        raise Refused(f"code {code} exists{detail}")
    for other, (other_name, file) in sorted(declared.items()):
        if other_name == name:
            raise Refused(f"name {q(name)} exists: {other} ({file})")
    fixtures = root / "tests/fixtures/rules" / name
    if fixtures.exists():
        raise Refused(f"tests/fixtures/rules/{name} exists already (a rule renamed or removed?)")

    p = Plan(root)
    rules_dir = root / "src/rules"
    folder_mod = rules_dir / cat.folder / "mod.rs"
    file_mod = rules_dir / f"{cat.folder}.rs"
    new_category = not folder_mod.exists() and not file_mod.exists()
    if new_category:
        title = cat.title[:1].lower() + cat.title[1:]
        p.create(folder_mod, f"//! {cat.letter} rules: {title}.\n\npub mod {module};\n")
        rules_mod = insert_mod(rules_mod, cat.folder, "src/rules/mod.rs")
    else:
        parent = folder_mod if folder_mod.exists() else file_mod
        p.edit(parent, read(parent), insert_mod(read(parent), module, p.rel(parent)))
    source, formatted = rustfmt(rule_file(code, name, const, runs_on, LEVELS[args.level], opts))
    p.create(rules_dir / cat.folder / f"{module}.rs", source)
    path = f"{cat.folder}::{module}"
    runs = {
        "record": f"Record({path}::check)",
        "conversation": f"Conv({path}::check)",
        "message": f"Msg({path}::check)",
        "dataset": f"{path}::RUNS_ON",
        "reader": "Reader",
        "format": "Format",
    }[runs_on]
    entry = f"    {code} => {path}::{const}, {runs};"
    p.edit(registry_path, registry, insert_code(registry, code, cats))
    p.edit(rules_path, read(rules_path), insert_registry_line(rules_mod, code, entry, cats))
    for kind in ("invalid", "valid"):
        p.create(fixtures / f"{kind}.jsonl", EXAMPLE + "\n")

    rule_rs = p.rel(rules_dir / cat.folder / f"{module}.rs")
    steps = [
        f"write the logic: the `{PLACEHOLDER}` marks in {rule_rs}"
        + {
            "reader": ", then call `report` from the engine's reading stages "
            "(src/engine/read.rs, work.rs)",
            "format": f", then report Code::{code} from the input formats (src/format/)",
        }.get(runs_on, ""),
        "write the documentation (What it does, Why is this bad?, the summary) and two real "
        "examples: the invalid one fires only this rule, the valid one nothing",
        f"fill the fixtures tests/fixtures/rules/{name}/invalid.jsonl and valid.jsonl "
        "(a tunelint.toml beside them sets options, see tests/rules.rs)",
        "if a more specific rule should silence it, add `, suppressed_by [CODE]` to its line "
        "in src/rules/mod.rs",
        "cargo test --test rules --test docs --test registry",
        f"review the new snapshot tests/snapshots/rules/{code}-{name}.snap: cargo insta review "
        "(or read the .snap.new and rename it)",
        "regenerate docs/rules.md: TUNELINT_UPDATE_DOCS=1 cargo test --test docs",
        "cargo fmt; cargo clippy --all-targets -- -D warnings; cargo test",
    ]
    if not formatted:
        steps.insert(0, f"rustfmt was not found or failed: run cargo fmt on {rule_rs}")
    return p, steps


def show(p: Plan) -> None:
    for path, text in p.creates.items():
        rel = p.rel(path)
        sys.stdout.writelines(
            difflib.unified_diff([], text.splitlines(True), "/dev/null", f"b/{rel}")
        )
    for path, (old, new) in p.edits.items():
        rel = p.rel(path)
        sys.stdout.writelines(
            difflib.unified_diff(
                old.splitlines(True), new.splitlines(True), f"a/{rel}", f"b/{rel}"
            )
        )


def write(p: Plan) -> None:
    for path, text in p.creates.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    for path, (_, new) in p.edits.items():
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(new)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="new_rule.py",
        description="Scaffold a new tunelint rule: its file, module line, registry entries "
        "and fixtures.",
    )
    parser.add_argument(
        "code", help="the rule's code: its category's letter and three digits, C013"
    )
    parser.add_argument("name", help="the rule's name, kebab-case: too-few-examples")
    parser.add_argument(
        "category",
        help="the category, as in src/rule.rs: jsonl, schema, order, content, privacy, tokens, "
        "duplicates, balance",
    )
    parser.add_argument(
        "--runs-on",
        choices=RUNS_ON_DEFAULT + ["reader", "format"],
        help="what the rule runs on (default: record; reader for J rules, format for S rules)",
    )
    parser.add_argument("--level", choices=list(LEVELS), default="warning", help="default level")
    parser.add_argument(
        "--option",
        action="append",
        metavar="NAME=DEFAULT",
        help="an integer option with its default, as in TOML: min_examples=10 (repeatable)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be created and edited, as a diff"
    )
    parser.add_argument(
        "--root",
        default=str(Path(__file__).resolve().parent.parent),
        help="the repository (default: the one this script is in)",
    )
    args = parser.parse_args(argv)
    try:
        p, steps = plan(args)
    except Refused as e:
        print(f"new_rule.py: refused: {e}; nothing was written", file=sys.stderr)
        return 2
    except Layout as e:
        print(f"new_rule.py: error: {e}", file=sys.stderr)
        return 1
    if args.dry_run:
        show(p)
        print(f"\n(dry run: nothing written; {len(p.creates)} files to create, "
              f"{len(p.edits)} to edit)")
        return 0
    write(p)
    print(f"new rule {args.code} {args.name}")
    for path in p.creates:
        print(f"  created {p.rel(path)}")
    for path in p.edits:
        print(f"  edited  {p.rel(path)}")
    print("\nnext steps:")
    for i, step in enumerate(steps, 1):
        print(f"  {i}. {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
