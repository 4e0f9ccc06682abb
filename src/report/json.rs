//! `json`: one JSON document with the files, the summary, the gates and every diagnostic,
//! documented field by field in `docs/json-output.md`.
//!
//! The diagnostics come last in the document but first in the run, so their text is kept
//! until the summary is known: in memory up to a budget, in a temporary file beyond it, so
//! millions of findings take no more memory than a few. Keys are written in the
//! declaration order of these structs, which is the documented order.

use std::io::{self, Seek, Write};

use serde::{Deserialize, Serialize};

use super::{FileInfo, Renderer, RunSummary};
use crate::diagnostic::Diagnostic as Finding;
use crate::gates::{GateOutcome, valid_pct};
use crate::rule::Level;
use crate::summary::FileSummary;

/// The whole document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The tunelint version that wrote the document.
    pub version: String,
    pub files: Vec<File>,
    pub summary: Summary,
    pub gates: Vec<Gate>,
    pub diagnostics: Vec<Diagnostic>,
}

/// One linted file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct File {
    pub path: String,
    /// The input format it was read as (`openai-chat`, ...), `null` when it was not read.
    pub format: Option<String>,
    pub bytes: u64,
    pub examples: u64,
    pub valid: u64,
    pub valid_pct: f64,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    pub duplicates: u64,
    /// Token statistics, `null` unless they were counted (`--token-stats`, `stats`).
    pub tokens: Option<Tokens>,
    /// Why the file could not be read, `null` when it was.
    pub read_error: Option<String>,
}

/// Token statistics of a file or of the whole run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// `o200k_base` or `cl100k_base`.
    pub encoding: String,
    /// The open-weight model's tokenizer (`[tokens] tokenizer`) the counts were made with,
    /// `null` for OpenAI's encoding.
    pub tokenizer: Option<String>,
    /// Examples counted (those read as conversations).
    pub examples: u64,
    pub total: u64,
    pub p50: u64,
    pub p95: u64,
    pub max: u64,
    /// Tokens of assistant content and tool calls.
    pub assistant: u64,
    /// Assistant tokens of messages without `weight: 0`: what training learns from (with a
    /// model's chat template, its trained tokens).
    pub trainable: u64,
    /// The limit examples are judged by: `tokens.max_length` when set, else
    /// `tokens.max_per_example`.
    pub limit: u64,
    /// `tokens.max_length`, `null` when not set.
    pub max_length: Option<u64>,
    /// Examples over the limit.
    pub over_limit: u64,
    /// Tokens the trainer loses to the limit (past it, or whole dropped examples).
    pub truncated: u64,
    /// The trained tokens among them.
    pub truncated_trained: u64,
    /// OpenAI's default epochs for this many examples; `null` for a total over files and for
    /// an evaluation split.
    pub epochs: Option<u64>,
    /// Estimated billed tokens: each example capped at `tokens.max_per_example`, times the
    /// epochs (for a total: the sum over the training files; for an evaluation split: 0).
    pub billed: u64,
    /// The file is an evaluation split, not trained on and not billed.
    pub evaluation_split: bool,
}

fn tokens_entry(t: &crate::tokens::TokenStats) -> Tokens {
    Tokens {
        encoding: t.encoding.as_str().to_string(),
        tokenizer: t.tokenizer.clone(),
        examples: t.examples(),
        total: t.total,
        p50: t.percentile(50),
        p95: t.percentile(95),
        max: t.max(),
        assistant: t.assistant,
        trainable: t.trainable,
        limit: t.limit,
        max_length: t.max_length,
        over_limit: t.over_limit,
        truncated: t.lost,
        truncated_trained: t.trained_lost,
        epochs: t.epochs(),
        billed: t.billed(),
        evaluation_split: t.evaluation_split,
    }
}

/// The totals over every file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub examples: u64,
    pub valid: u64,
    pub valid_pct: f64,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    pub duplicates: u64,
    /// Token statistics over every file, `null` unless they were counted.
    pub tokens: Option<Tokens>,
    /// Whether every gate passed.
    pub passed: bool,
    /// Every rule that fired, most findings first.
    pub rules: Vec<RuleCount>,
    /// The dataset's charts (`stats`); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charts: Vec<super::chart::Chart>,
    /// The dataset's tables (`stats`); absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<super::chart::Table>,
    /// With `--diff-base`: what was judged and what read as context; absent without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_base: Option<DiffBase>,
    /// What was read as context, not judged (`--context dataset`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// What the baseline did (`--baseline`); absent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
}

/// `summary.diff_base`: the records judged (added or changed since `base`) and read as
/// context, the findings reported and those left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffBase {
    pub base: String,
    pub judged_records: u64,
    pub context_records: u64,
    pub new_findings: u64,
    pub preexisting_findings: u64,
    /// `changed` or `all`: what the gates judged.
    pub gate_scope: String,
}

/// `summary.context`: files and examples read as context (not in `files`, not counted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Context {
    pub files: u64,
    pub examples: u64,
}

/// `summary.baseline`: findings the baseline kept from the report, and its entries that
/// matched nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub suppressed: u64,
    pub stale: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleCount {
    pub code: String,
    pub name: String,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gate {
    pub name: String,
    /// The configuration key that sets the threshold, `null` when it cannot be changed.
    pub key: Option<String>,
    pub passed: bool,
    pub measured: String,
    pub threshold: String,
    /// The gate's line as the other formats print it.
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub name: String,
    /// `error`, `warning` or `info`.
    pub level: String,
    pub path: String,
    pub line: u64,
    pub column: u32,
    pub end_line: u64,
    pub end_column: u32,
    /// For a Parquet table: the row (from 0); `line` and the columns are then those of the
    /// row read as one line of JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub message: String,
    pub related: Vec<Related>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Related {
    pub path: String,
    pub line: u64,
    /// For a Parquet table: the row (from 0), as in [`Diagnostic::row`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub message: String,
}

/// The valid share as every output shows it (see [`crate::wording::floor_pct`]).
fn pct(s: &FileSummary) -> f64 {
    crate::wording::floor_pct(valid_pct(s))
}

fn file_entry(info: &FileInfo, s: &FileSummary) -> File {
    File {
        path: info.display.clone(),
        format: s.format.map(|f| f.as_str().to_string()),
        bytes: s.bytes,
        examples: s.examples,
        valid: s.valid,
        valid_pct: pct(s),
        errors: s.count(Level::Error),
        warnings: s.count(Level::Warning),
        infos: s.count(Level::Info),
        duplicates: s.duplicates(),
        tokens: s.tokens.as_ref().map(tokens_entry),
        read_error: s.io_error.clone(),
    }
}

fn gate_entry(g: &GateOutcome) -> Gate {
    Gate {
        name: g.gate.name().to_string(),
        key: (!g.gate.key().is_empty()).then(|| g.gate.key().to_string()),
        passed: g.passed,
        measured: g.measured.clone(),
        threshold: g.threshold.clone(),
        message: g.line(),
    }
}

/// The gates the document gives: the run's (`check`), or under `stats`, which fails none,
/// what `check` would decide on the same data (as its html page shows).
fn gates_of<'a>(summary: &'a RunSummary<'_>) -> &'a [GateOutcome] {
    if summary.gates.is_empty() {
        &summary.page.gates
    } else {
        &summary.gates
    }
}

/// The summary part of the document.
pub fn summary_entry(summary: &RunSummary<'_>) -> Summary {
    let t = &summary.total;
    let rules = t.by_rule();
    Summary {
        files: summary.files.len() as u64,
        bytes: t.bytes,
        examples: t.examples,
        valid: t.valid,
        valid_pct: pct(t),
        errors: t.count(Level::Error),
        warnings: t.count(Level::Warning),
        infos: t.count(Level::Info),
        duplicates: t.duplicates(),
        tokens: t.tokens.as_ref().map(tokens_entry),
        passed: gates_of(summary).iter().all(|g| g.passed),
        rules: rules
            .into_iter()
            .map(|(c, n)| RuleCount {
                code: c.as_str().to_string(),
                name: c.meta().name.to_string(),
                errors: n[2],
                warnings: n[1],
                infos: n[0],
            })
            .collect(),
        charts: summary.charts.clone(),
        tables: summary.tables.clone(),
        diff_base: summary.diff.as_ref().map(|d| DiffBase {
            base: d.base.clone(),
            judged_records: d.judged,
            context_records: d.context,
            new_findings: d.new_findings,
            preexisting_findings: d.preexisting,
            gate_scope: if d.gates_all { "all" } else { "changed" }.to_string(),
        }),
        context: summary.context.map(|c| Context {
            files: c.files,
            examples: c.examples,
        }),
        baseline: summary.baseline.map(|b| Baseline {
            suppressed: b.suppressed,
            stale: b.stale,
        }),
    }
}

/// `--json-summary-file`: the document's `version`, `summary` and `gates`, without `files`
/// and `diagnostics`. What a script reads for the totals (the GitHub Action's outputs
/// `valid-pct`, `examples` and `duplicates`) without parsing a document that holds every
/// finding: at 400,000 records of six findings each that is 842 MB, which `jq` needs 4 GB to
/// read. Its size does not grow with the files or the findings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryDocument {
    /// The tunelint version that wrote the document.
    pub version: String,
    pub summary: Summary,
    pub gates: Vec<Gate>,
}

/// Writes a [`SummaryDocument`] at the end of the run; the diagnostics are only counted (in
/// the run's summary), never held.
#[derive(Default)]
pub struct JsonSummary;

impl Renderer for JsonSummary {
    fn diagnostic(
        &mut self,
        _out: &mut dyn Write,
        _d: &Finding,
        _files: &[FileInfo],
    ) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        let document = SummaryDocument {
            version: env!("CARGO_PKG_VERSION").to_string(),
            summary: summary_entry(summary),
            gates: gates_of(summary).iter().map(gate_entry).collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
        writeln!(out)
    }
}

/// Bytes of the diagnostics' text held in memory; more are written to a temporary file.
const HELD_BYTES: usize = 8 << 20;

/// Writes each diagnostic's text as it comes, the document around them at the end.
pub struct Json {
    /// The diagnostics so far as they appear in the document (indented, separated by commas),
    /// the latest of them; those before are in `spill`.
    held: Vec<u8>,
    spill: Option<io::BufWriter<std::fs::File>>,
    count: u64,
    budget: usize,
}

impl Default for Json {
    fn default() -> Self {
        Json::with_budget(HELD_BYTES)
    }
}

impl Json {
    pub fn new() -> Self {
        Self::default()
    }

    /// A renderer holding at most about `budget` bytes of diagnostics in memory.
    pub fn with_budget(budget: usize) -> Self {
        Json {
            held: Vec::new(),
            spill: None,
            count: 0,
            budget,
        }
    }

    /// The document for `summary`, without its diagnostics (they are text already).
    pub fn document(&self, summary: &RunSummary<'_>) -> Document {
        Document {
            version: env!("CARGO_PKG_VERSION").to_string(),
            files: summary
                .files
                .iter()
                .zip(summary.summaries)
                .map(|(f, s)| file_entry(f, s))
                .collect(),
            summary: summary_entry(summary),
            gates: gates_of(summary).iter().map(gate_entry).collect(),
            diagnostics: Vec::new(),
        }
    }

    /// Adds one diagnostic's text, as `serde_json`'s pretty printer writes it at the depth of
    /// the document's `diagnostics` array.
    fn add(&mut self, d: &Diagnostic) -> io::Result<()> {
        let text = serde_json::to_vec_pretty(d).map_err(io::Error::from)?;
        if self.count > 0 {
            self.held.extend_from_slice(b",\n");
        }
        self.count += 1;
        // A string in JSON holds no raw newline: every newline starts a line to indent.
        self.held.extend_from_slice(b"    ");
        for &b in &text {
            self.held.push(b);
            if b == b'\n' {
                self.held.extend_from_slice(b"    ");
            }
        }
        if self.held.len() > self.budget {
            let spill = match &mut self.spill {
                Some(spill) => spill,
                None => self.spill.insert(io::BufWriter::new(tempfile::tempfile()?)),
            };
            spill.write_all(&self.held)?;
            self.held.clear();
        }
        Ok(())
    }

    /// Writes `document` (whose `diagnostics` are empty) with the diagnostics added so far,
    /// byte for byte as `serde_json::to_writer_pretty` writes the whole document.
    pub fn write(&mut self, out: &mut dyn Write, document: &Document) -> io::Result<()> {
        let text = serde_json::to_vec_pretty(document).map_err(io::Error::from)?;
        match text.strip_suffix(b"[]\n}") {
            Some(head) if self.count > 0 => {
                out.write_all(head)?;
                out.write_all(b"[\n")?;
                if let Some(spill) = self.spill.take() {
                    let mut file = spill.into_inner().map_err(|e| e.into_error())?;
                    file.seek(io::SeekFrom::Start(0))?;
                    io::copy(&mut file, out)?;
                }
                out.write_all(&self.held)?;
                out.write_all(b"\n  ]\n}")?;
            }
            _ => out.write_all(&text)?,
        }
        writeln!(out)
    }
}

/// A finding as the document shows it.
fn entry(d: &Finding, files: &[FileInfo]) -> Diagnostic {
    let path = |file: u32| {
        files
            .get(file as usize)
            .map_or_else(|| "-".to_string(), |f| f.display.clone())
    };
    let row = |file: u32, line: u64| {
        files
            .get(file as usize)
            .is_some_and(|f| f.rows)
            .then(|| super::row_of(line))
    };
    Diagnostic {
        code: d.code.as_str().to_string(),
        name: d.code.meta().name.to_string(),
        level: d.level.as_str().to_string(),
        path: path(d.location.file),
        line: d.location.line,
        column: d.location.column,
        end_line: d.location.line,
        end_column: d.location.end_column,
        // A finding about a whole table is about no row of it.
        row: row(d.location.file, d.location.line).filter(|_| !d.about_file),
        message: d.message.clone(),
        related: d
            .related
            .iter()
            .map(|r| Related {
                path: path(r.file),
                line: r.line,
                row: row(r.file, r.line),
                message: r.message.clone(),
            })
            .collect(),
    }
}

impl Renderer for Json {
    fn diagnostic(
        &mut self,
        _out: &mut dyn Write,
        d: &Finding,
        files: &[FileInfo],
    ) -> io::Result<()> {
        self.add(&entry(d, files))
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        let document = self.document(summary);
        self.write(out, &document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document with `n` diagnostics (some with related locations), read from its JSON.
    fn document(n: usize) -> Document {
        let diagnostics: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                serde_json::json!({
                    "code": "J001", "name": "invalid-json", "level": "error",
                    "path": "a \"quoted\"\nname.jsonl", "line": i + 1, "column": 2,
                    "end_line": i + 1, "end_column": 9,
                    "message": format!("finding {i}: ünïcödé \\ \u{1}"),
                    "related": if i % 3 == 0 {
                        serde_json::json!([{"path": "b.jsonl", "line": 7, "message": "first"}])
                    } else {
                        serde_json::json!([])
                    },
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "version": "0", "files": [], "gates": [],
            "summary": {
                "files": 1, "bytes": 2, "examples": 3, "valid": 3, "valid_pct": 100.0,
                "errors": 0, "warnings": 0, "infos": 0, "duplicates": 0, "tokens": null,
                "passed": true, "rules": [],
            },
            "diagnostics": diagnostics,
        }))
        .expect("a document")
    }

    #[test]
    fn the_document_is_serde_json_s_pretty_print_however_many_findings_spill() {
        for (n, budget) in [
            (0, 1),
            (1, 1 << 20),
            (2, 1),
            (50, 1 << 20),
            (50, 1000),
            (50, 1),
        ] {
            let whole = document(n);
            let mut json = Json::with_budget(budget);
            for d in &whole.diagnostics {
                json.add(d).expect("added");
            }
            assert_eq!(
                json.spill.is_some(),
                n > 0 && budget < 20_000,
                "{n} {budget}"
            );
            let mut head = whole.clone();
            head.diagnostics.clear();
            let mut out = Vec::new();
            json.write(&mut out, &head).expect("written");
            let mut expected = serde_json::to_vec_pretty(&whole).expect("serialized");
            expected.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&expected),
                "{n} findings, budget {budget}"
            );
        }
    }
}
