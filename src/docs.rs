//! The rule reference, `docs/rules.md`, generated from the rules' own doc comments.
//!
//! It also owns reading the `jsonl,invalid` / `jsonl,valid` example blocks of a rule's
//! documentation ([`examples`]), so the page and the test that runs every example
//! (`tests/docs.rs`, which describes the convention) read them the same way.
//!
//! An example block's info string is `jsonl,invalid` or `jsonl,valid`, optionally followed by
//! modifiers for what a doc comment cannot show literally:
//! - `bytes`: `\xHH` in the block stands for the single byte `HH` (invalid UTF-8, a BOM);
//! - `no-final-newline`: the last line of the block ends the file without a newline;
//! - `also-d002`: an invalid example whose near-duplicates D002 reports too (D005's);
//! - `split`: the lines before a line `---` are a `train.jsonl`, the lines after it a
//!   `valid.jsonl` in the same directory (for the split-leak rule);
//! - `benchmark`: the lines before a line `---` are a benchmark file `evals.jsonl`, set as
//!   `[contamination] benchmarks = ["evals.jsonl"]`, the lines after it the file linted
//!   (for the benchmark-contamination rule);
//! - `OPTION=VALUE`: the example runs with that option of the rule set, as in
//!   `[rules] CODE = { OPTION = VALUE }`;
//! - `target=NAME`: the example runs with `target = "NAME"` (S014 and the target limits).
//! - `SECTION.KEY=VALUE`: with `KEY = VALUE` in `[SECTION]`, for the settings of the
//!   dataset-wide rules that are not rule options ([`SECTION_MODIFIERS`]).

use std::fmt::Write as _;

use crate::rule::{Category, RuleMeta};
use crate::rules::RULES;

/// The modifiers an example block may carry besides `OPTION=VALUE`.
pub const MODIFIERS: &[&str] = &[
    "bytes",
    "no-final-newline",
    "split",
    "also-d002",
    "benchmark",
];

/// The config keys outside `[rules]` an example block may set, as `SECTION.KEY=VALUE`.
pub const SECTION_MODIFIERS: &[&str] = &[
    "dataset.goal",
    "composition.min_examples",
    "composition.label_key",
];

/// One `jsonl,invalid` or `jsonl,valid` block of a rule's documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// True for `jsonl,valid`: the block must produce no diagnostic at all.
    pub valid: bool,
    /// What follows `jsonl,invalid` / `jsonl,valid` in the info string.
    pub modifiers: Vec<String>,
    /// The lines of the block, each followed by `\n`.
    pub text: String,
    /// The 1-based line of the opening fence in the documentation.
    pub line: usize,
}

impl Example {
    /// The file the example stands for: `\xHH` escapes decoded when the block has `bytes`,
    /// the final newline dropped when it has `no-final-newline`. An error for a malformed
    /// escape.
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(self.text.len());
        if self.has("bytes") {
            let mut rest = self.text.as_str();
            while let Some(at) = rest.find("\\x") {
                out.extend_from_slice(&rest.as_bytes()[..at]);
                let hex = rest
                    .get(at + 2..at + 4)
                    .ok_or("`\\x` needs two hex digits")?;
                let byte = u8::from_str_radix(hex, 16)
                    .map_err(|_| format!("`\\x{hex}` is not a hex byte"))?;
                out.push(byte);
                rest = &rest[at + 4..];
            }
            out.extend_from_slice(rest.as_bytes());
        } else {
            out.extend_from_slice(self.text.as_bytes());
        }
        if self.has("no-final-newline") && out.last() == Some(&b'\n') {
            out.pop();
        }
        Ok(out)
    }

    /// For a `split` example, the training file and the validation file; for a `benchmark`
    /// example, the benchmark file and the file linted.
    pub fn split_files(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        let bytes = self.bytes()?;
        let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        let (train, valid) = text
            .split_once("---\n")
            .ok_or("a `split` or `benchmark` example needs a `---` line")?;
        Ok((train.as_bytes().to_vec(), valid.as_bytes().to_vec()))
    }

    /// The `OPTION=VALUE` modifiers.
    pub fn options(&self) -> impl Iterator<Item = (&str, &str)> {
        self.modifiers.iter().filter_map(|m| m.split_once('='))
    }

    pub fn has(&self, modifier: &str) -> bool {
        self.modifiers.iter().any(|m| m == modifier)
    }

    /// What the modifiers mean, for a reader of the rendered page.
    fn note(&self) -> Option<String> {
        let mut parts: Vec<String> = self
            .options()
            .map(|(k, v)| match (k, k.split_once('.')) {
                ("target", _) => format!("with `target = \"{v}\"`"),
                (_, Some((section, key))) => format!("with `[{section}] {key} = {v}`"),
                (_, None) => format!("with `{k} = {v}`"),
            })
            .collect();
        if self.has("bytes") {
            parts.push("`\\xHH` stands for the single byte `HH`".into());
        }
        if self.has("no-final-newline") {
            parts.push("the file ends without a newline".into());
        }
        if self.has("split") {
            parts.push(
                "the lines above `---` are `train.jsonl`, the lines below it `valid.jsonl`".into(),
            );
        }
        if self.has("benchmark") {
            parts.push(
                "the lines above `---` are the benchmark `evals.jsonl`, set as `[contamination] benchmarks = [\"evals.jsonl\"]`; the lines below it the file linted".into(),
            );
        }
        if self.has("also-d002") {
            parts.push("D002 reports the near-duplicates too".into());
        }
        if parts.is_empty() {
            return None;
        }
        let mut s = parts.join("; ");
        if let Some(first) = s.get(..1) {
            s = first.to_uppercase() + &s[1..];
        }
        Some(format!("*{s}:*"))
    }
}

/// The info string of an example fence: `Some((valid, modifiers))` for `jsonl,valid...` and
/// `jsonl,invalid...`, `None` for any other fence.
fn example_info(info: &str) -> Option<(bool, Vec<String>)> {
    let mut words = info.split(',').map(str::trim);
    if words.next() != Some("jsonl") {
        return None;
    }
    let valid = match words.next() {
        Some("valid") => true,
        Some("invalid") => false,
        _ => return None,
    };
    Some((valid, words.map(str::to_owned).collect()))
}

/// Every example block of a rule's documentation (as [`RuleMeta::documentation`] gives it),
/// in order.
pub fn examples(documentation: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut current: Option<Example> = None;
    let mut in_other_fence = false;
    for (i, line) in documentation.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut current, fence) {
            (Some(_), Some(_)) => out.extend(current.take()),
            (Some(example), None) => {
                example.text.push_str(line);
                example.text.push('\n');
            }
            (None, Some(info)) if !in_other_fence => match example_info(info) {
                Some((valid, modifiers)) => {
                    current = Some(Example {
                        valid,
                        modifiers,
                        text: String::new(),
                        line: i + 1,
                    })
                }
                None => in_other_fence = true,
            },
            (None, Some(_)) => in_other_fence = false,
            (None, None) => {}
        }
    }
    out
}

/// The `#fragment` of a rule's section in `docs/rules.md`: what GitHub makes of its heading
/// `## J001 invalid-json`.
pub fn anchor(meta: &RuleMeta) -> String {
    meta.anchor()
}

/// `docs/rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::new();
    out.push_str(INTRO);
    out.push_str("\n## Index\n");
    for &category in Category::ALL {
        let rules: Vec<&RuleMeta> = RULES
            .iter()
            .map(|r| r.meta)
            .filter(|r| r.category == category)
            .collect();
        if rules.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n### {} — {}\n\n",
            category.letter(),
            category.title()
        );
        out.push_str("| Code | Name | Default level | Summary |\n|---|---|---|---|\n");
        for r in &rules {
            let _ = writeln!(
                out,
                "| [{}](#{}) | {} | {} | {} |",
                r.code,
                anchor(r),
                r.name,
                r.default_level,
                table_cell(r.summary)
            );
        }
    }
    for r in RULES {
        out.push('\n');
        rule_section(r, &mut out);
    }
    out
}

const INTRO: &str = "\
# Rules

<!-- Generated from the rules' doc comments in src/rules/ by
     `TUNELINT_UPDATE_DOCS=1 cargo test --test docs`. Do not edit by hand. -->

Every rule has a code (its category letter and a number), a kebab-case name and a default
level:

- **error**: the example is invalid. The run fails unless enough examples are valid
  (`gates.min_valid_pct`, 100% by default).
- **warning**: reported; fails the run only past `gates.max_warnings`.
- **info**: reported, never fails the run.
- **off**: not checked.

Set levels and options under `[rules]` in `tunelint.toml` (or `[tool.tunelint.rules]` in
`pyproject.toml`) by code, name, code prefix or `ALL`; the most specific selector wins:

```toml
[rules]
S008 = \"off\"
as-an-ai = \"error\"
C = \"warning\"
content-too-short = { level = \"warning\", min_chars = 20 }
```

On the command line, `--select`, `--ignore` and `--warn` take the same selectors.
`tunelint rules` lists every rule; `tunelint explain <CODE|NAME>` prints one rule's
documentation, the same text as its section below.

One example shows at most 10 findings of each rule. When a rule finds more, one more finding
of that rule, where the first one not shown is, counts them: `4,990 more invalid-message
findings in this record not shown one by one (at most 10 per rule and record)`. It has the
level of the most severe of them, and a hidden error still makes the example invalid; the
counts by rule and the warnings gate count the summary as one finding.

In the examples, each line is one line of a JSONL file. The first example of a rule fires
that rule and no other; the example after \"Use instead\" fires nothing. A test runs every one,
with B001 off in the examples run with a target (a line or two is fewer examples than some
targets take in a training file, which B001 reports of any file that small).
";

/// One rule's documentation as `tunelint explain` prints it: the section of `docs/rules.md`.
pub fn rule_text(meta: &RuleMeta) -> String {
    let mut out = String::new();
    rule_section(meta, &mut out);
    out
}

/// One rule's section: heading, metadata, then its documentation with the headings one level
/// down and the example fences made plain `jsonl`.
fn rule_section(meta: &RuleMeta, out: &mut String) {
    let _ = writeln!(out, "## {} {}\n", meta.code, meta.name);
    let _ = write!(
        out,
        "Default level: **{}** · Category: {} — {}",
        meta.default_level,
        meta.category.letter(),
        meta.category.title()
    );
    if !meta.options.is_empty() {
        let options: Vec<String> = meta
            .options
            .iter()
            .map(|o| format!("`{}` (default `{}`)", o.name, o.default))
            .collect();
        let _ = write!(out, " · Options: {}", options.join(", "));
    }
    out.push_str("\n\n");
    let doc = meta.documentation();
    let mut fenced = false;
    for line in doc.trim_end().lines() {
        if let Some(info) = line.strip_prefix("```") {
            if !fenced && let Some((valid, modifiers)) = example_info(info) {
                let example = Example {
                    valid,
                    modifiers,
                    text: String::new(),
                    line: 0,
                };
                if let Some(note) = example.note() {
                    let _ = writeln!(out, "{note}");
                }
                out.push_str("```jsonl\n");
            } else {
                let _ = writeln!(out, "{line}");
            }
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            let _ = writeln!(out, "#{line}");
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    // What each target changes in the rule, generated from the target data with its sources.
    if let Some(section) = crate::target::rule_section(meta.code) {
        out.push('\n');
        for line in section.lines() {
            if line.starts_with('#') {
                let _ = writeln!(out, "#{line}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
}

/// Text safe inside a Markdown table cell.
fn table_cell(s: &str) -> String {
    s.replace('|', "\\|")
}
