//! `markdown`: the run summary as GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY`:
//! the verdict first, a table per file, the top rules linked to their documentation.
//!
//! It is read on phones too: no line of data, no table wider than a few short columns, long
//! paths cropped in the middle (as long as two files still read differently). A table that
//! folds rows lists the files with something to fix first, so the folded row never hides one
//! that failed.

use std::io::{self, Write};

use super::chart::{Chart, Table};
use super::{FileInfo, Renderer, RunSummary};
use crate::diagnostic::Diagnostic;
use crate::gates::valid_pct;
use crate::rule::Level;
use crate::rules::RULES;
use crate::summary::FileSummary;
use crate::wording::{format_pct, thousands};

/// Files listed in the table; the rest are summed up in one row.
const MAX_FILES: usize = 20;
/// Rules listed under "Top rules".
const TOP_RULES: usize = 10;
/// The longest path shown, in characters, unless two paths would then read alike; longer
/// ones keep their start and their end.
const MAX_PATH_CHARS: usize = 40;
/// Characters a cropped path gains at a time while it reads like another.
const PATH_CHARS_STEP: usize = 10;

#[derive(Default)]
pub struct Markdown {
    /// Every rule under "Findings by rule", not the top ones: `stats`, and `check
    /// --statistics`.
    all_rules: bool,
}

impl Markdown {
    pub fn new(all_rules: bool) -> Self {
        Markdown { all_rules }
    }
}

/// `text` with its first letter in upper case: a sentence of its own.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `text` as a code span that is safe inside a table cell: `|` escaped, and fenced with one
/// backtick more than its longest run of them, so that no run in the data (a system prompt
/// holding ``` `` ```) closes the span early and lets the rest render as Markdown.
fn code_span(text: &str) -> String {
    let text = text.replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// `path` in at most `max` characters: its start (the folder of the dataset, often what
/// tells it from its siblings) and its end (the file's name), the middle cut to `…`.
fn crop_path(path: &str, max: usize) -> String {
    let n = path.chars().count();
    if n <= max {
        return path.to_string();
    }
    let kept = max.saturating_sub(1);
    let head = kept * 2 / 5;
    let tail = kept - head;
    let start: String = path.chars().take(head).collect();
    let end: String = path.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// Every path as the tables show it: cropped to [`MAX_PATH_CHARS`], and longer where two
/// different paths would read alike that way (`data/english-…/train.jsonl` and
/// `data/french-…/train.jsonl` keep what tells them apart), up to the whole path.
fn cropped_paths(paths: &[String]) -> Vec<String> {
    let mut max = vec![MAX_PATH_CHARS; paths.len()];
    loop {
        let shown: Vec<String> = paths
            .iter()
            .zip(&max)
            .map(|(p, &m)| crop_path(p, m))
            .collect();
        let mut alike: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, text) in shown.iter().enumerate() {
            alike.entry(text.as_str()).or_default().push(i);
        }
        let mut grown = false;
        for same in alike.values().filter(|same| same.len() > 1) {
            // Those still cropped grow; the whole path of one of them cannot.
            for &i in same.iter().filter(|&&i| shown[i] != paths[i]) {
                max[i] += PATH_CHARS_STEP;
                grown = true;
            }
        }
        if !grown {
            return shown;
        }
    }
}

fn row(name: &str, s: &FileSummary) -> String {
    format!(
        "| {name} | {} | {} | {} | {} | {} |",
        thousands(s.examples),
        format_pct(valid_pct(s)),
        thousands(s.count(Level::Error)),
        thousands(s.count(Level::Warning)),
        thousands(s.duplicates())
    )
}

/// Writes the summary.
pub fn write(out: &mut dyn Write, summary: &RunSummary<'_>, all_rules: bool) -> io::Result<()> {
    let failed: Vec<_> = summary.gates.iter().filter(|g| !g.passed).collect();
    if summary.gates.is_empty() {
        // `stats`: a report, not a verdict.
        writeln!(out, "## tunelint: dataset report\n")?;
    } else if failed.is_empty() {
        writeln!(out, "## ✅ tunelint: passed\n")?;
    } else {
        writeln!(out, "## ❌ tunelint: failed\n")?;
        for g in &failed {
            let key = if g.gate.key().is_empty() {
                String::new()
            } else {
                format!(" ({})", code_span(g.gate.key()))
            };
            writeln!(
                out,
                "- **{}**: {}, {}{key}",
                g.gate.name(),
                g.measured,
                g.threshold
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{}\n", super::summary::one_line(summary))?;
    if let Some(diff) = &summary.diff {
        writeln!(
            out,
            "**{}**; {}\n",
            diff.findings_line(),
            diff.records_line()
        )?;
    }
    for note in super::summary::notes(summary) {
        writeln!(out, "{}\n", upper_first(&note))?;
    }

    let paths = cropped_paths(
        &summary
            .files
            .iter()
            .map(|f| super::shown_path(&f.display).into_owned())
            .collect::<Vec<_>>(),
    );
    if !summary.files.is_empty() {
        let order = super::files_in_table_order(summary.summaries, MAX_FILES);
        if summary.files.len() > MAX_FILES {
            writeln!(
                out,
                "Files with errors first, then with warnings, then the rest; the lowest valid % first in each:\n"
            )?;
        }
        writeln!(
            out,
            "| file | examples | valid % | errors | warnings | duplicates |"
        )?;
        writeln!(out, "|:--|--:|--:|--:|--:|--:|")?;
        for &i in order.iter().take(MAX_FILES) {
            writeln!(out, "{}", row(&code_span(&paths[i]), &summary.summaries[i]))?;
        }
        if summary.files.len() > MAX_FILES {
            let mut rest = FileSummary {
                counts: vec![[0; 3]; RULES.len()],
                ..Default::default()
            };
            for &i in &order[MAX_FILES..] {
                rest.add(&summary.summaries[i]);
            }
            writeln!(
                out,
                "{}",
                row(
                    &format!(
                        "{} more files",
                        thousands((summary.files.len() - MAX_FILES) as u64)
                    ),
                    &rest
                )
            )?;
        }
        if summary.files.len() > 1 {
            writeln!(out, "{}", row("**total**", &summary.total))?;
        }
        writeln!(out)?;
        for (i, s) in summary.summaries.iter().enumerate() {
            if let Some(e) = &s.io_error {
                writeln!(out, "- {} could not be read: {e}", code_span(&paths[i]))?;
            }
        }
    }

    if let Some((tokenizer, mut rows)) = super::summary::token_table(summary) {
        writeln!(out, "### Tokens ({tokenizer})\n")?;
        writeln!(out, "| {} |", super::summary::TOKEN_HEADER.join(" | "))?;
        writeln!(
            out,
            "|:--|{}",
            "--:|".repeat(super::summary::TOKEN_COLUMNS - 1)
        )?;
        // The last row is the total; below one file it repeats that file.
        let total = rows.pop().filter(|_| rows.len() > 1);
        let more = rows.len().saturating_sub(MAX_FILES);
        let files = super::summary::token_files(summary);
        for i in super::summary::token_rows_in_table_order(summary, MAX_FILES)
            .into_iter()
            .take(MAX_FILES)
        {
            let mut r = rows[i].clone();
            r[0] = code_span(&paths[files[i]]);
            writeln!(out, "| {} |", r.join(" | "))?;
        }
        if more > 0 {
            writeln!(
                out,
                "| {} more files (in the total below) |{}",
                thousands(more as u64),
                " |".repeat(super::summary::TOKEN_COLUMNS - 1)
            )?;
        }
        if let Some(mut r) = total {
            r[0] = "**total**".into();
            writeln!(out, "| {} |", r.join(" | "))?;
        }
        writeln!(out)?;
        if let Some(note) = super::summary::limit_note(summary) {
            writeln!(out, "{}\n", upper_first(&note))?;
        }
        let mut unbilled = super::summary::evaluation_splits(summary).peekable();
        if unbilled.peek().is_some() {
            for i in unbilled {
                writeln!(
                    out,
                    "- {} is not billed: an evaluation split, not trained on",
                    code_span(&paths[i])
                )?;
            }
            writeln!(out)?;
        }
    }

    let by_rule = summary.total.by_rule();
    if !by_rule.is_empty() {
        let shown = if all_rules {
            by_rule.len()
        } else {
            by_rule.len().min(TOP_RULES)
        };
        if shown == by_rule.len() {
            writeln!(out, "### Findings by rule\n")?;
        } else {
            writeln!(out, "### Top {shown} of {} rules\n", by_rule.len())?;
        }
        writeln!(out, "| rule | findings | level |")?;
        writeln!(out, "|:--|--:|:--|")?;
        for (code, n) in &super::top_rules(&by_rule, shown) {
            let meta = code.meta();
            let level = [(2, "error"), (1, "warning"), (0, "info")]
                .iter()
                .filter(|(i, _)| n[*i] > 0)
                .map(|(_, w)| *w)
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(
                out,
                "| [{} {}]({}) | {} | {level} |",
                meta.code,
                meta.name,
                meta.help_uri(),
                thousands(n.iter().sum::<u64>())
            )?;
        }
        writeln!(out)?;
    }

    for chart in &summary.charts {
        write_chart(out, chart)?;
    }
    // Findings by rule are listed above, linked to their documentation.
    for table in summary.tables.iter().filter(|t| t.id != "findings-by-rule") {
        write_table(out, table)?;
    }

    if summary.gates.is_empty() {
        return Ok(());
    }
    writeln!(out, "<details><summary>Gates</summary>\n")?;
    for g in &summary.gates {
        let mark = if g.passed { "✅" } else { "❌" };
        writeln!(
            out,
            "- {mark} {}: {}, {}",
            g.gate.name(),
            g.measured,
            g.threshold
        )?;
    }
    writeln!(out, "\n</details>\n")
}

/// Text for a Mermaid string: its labels and titles are tunelint's own words, but a double
/// quote would end the string, and a newline the statement.
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A chart as a Mermaid `xychart-beta` bar chart, which GitHub renders: a bar per value,
/// and the targets (composition's 60/20/10/10) as a line over the bars.
pub(crate) fn mermaid(chart: &Chart) -> String {
    let labels: Vec<String> = chart
        .bars
        .iter()
        .map(|b| format!("\"{}\"", mermaid_text(&b.label)))
        .collect();
    let number = |v: f64| {
        if chart.unit == "%" {
            format!("{v:.1}")
        } else {
            format!("{}", v.max(0.0).round() as u64)
        }
    };
    let values: Vec<String> = chart.bars.iter().map(|b| number(b.value)).collect();
    let top = chart
        .bars
        .iter()
        .flat_map(|b| [b.value, b.target.unwrap_or(0.0)])
        .fold(0.0f64, f64::max);
    let mut text = format!(
        "xychart-beta\n    title \"{}\"\n    x-axis [{}]\n",
        mermaid_text(&chart.title),
        labels.join(", ")
    );
    if chart.unit == "%" {
        text.push_str(&format!("    y-axis \"%\" 0 --> {}\n", top.max(1.0).ceil()));
    } else {
        text.push_str(&format!("    y-axis \"{}\"\n", mermaid_text(&chart.unit)));
    }
    text.push_str(&format!("    bar [{}]\n", values.join(", ")));
    if chart.bars.iter().any(|b| b.target.is_some()) {
        let targets: Vec<String> = chart
            .bars
            .iter()
            .map(|b| number(b.target.unwrap_or(0.0)))
            .collect();
        text.push_str(&format!("    line [{}]\n", targets.join(", ")));
    }
    text
}

fn write_chart(out: &mut dyn Write, chart: &Chart) -> io::Result<()> {
    if chart.bars.is_empty() {
        return Ok(());
    }
    writeln!(out, "### {}\n", chart.title)?;
    writeln!(out, "```mermaid\n{}```\n", mermaid(chart))?;
    if chart.bars.iter().any(|b| b.target.is_some()) {
        // The line is the target; in figures, for readers without the chart.
        let figures: Vec<String> = chart
            .bars
            .iter()
            .map(|b| {
                let value = super::text_charts::value_text(b.value, &chart.unit);
                match b.target {
                    Some(t) => format!(
                        "{} {value} (target {})",
                        b.label,
                        super::text_charts::value_text(t, &chart.unit)
                    ),
                    None => format!("{} {value}", b.label),
                }
            })
            .collect();
        writeln!(
            out,
            "Bars: the dataset; line: the target. {}\n",
            figures.join(", ")
        )?;
    }
    Ok(())
}

/// A table of the dataset: figures as they are, everything else (prompts, role sequences,
/// paths) as code spans, so data cannot break the table or turn into Markdown.
fn write_table(out: &mut dyn Write, table: &Table) -> io::Result<()> {
    writeln!(out, "### {}\n", table.title)?;
    writeln!(out, "| {} |", table.columns.join(" | "))?;
    writeln!(out, "|{}", ":--|".repeat(table.columns.len()))?;
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.is_empty() || c.chars().all(|c| c.is_ascii_digit() || ",.%-".contains(c)) {
                    c.clone()
                } else {
                    code_span(c)
                }
            })
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out)
}

impl Renderer for Markdown {
    fn diagnostic(
        &mut self,
        _out: &mut dyn Write,
        _diagnostic: &Diagnostic,
        _files: &[FileInfo],
    ) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        write(out, summary, self.all_rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_keep_their_start_and_end() {
        let p = format!("data/{}/train.jsonl", "very-long-directory-name".repeat(4));
        let c = crop_path(&p, MAX_PATH_CHARS);
        assert_eq!(c.chars().count(), MAX_PATH_CHARS);
        assert_eq!(c, "data/very-long-…rectory-name/train.jsonl");
        assert_eq!(
            crop_path("data/train.jsonl", MAX_PATH_CHARS),
            "data/train.jsonl"
        );
    }

    /// Paths that crop alike grow until they differ; a path that is whole already, or two
    /// identical ones, stop the growth.
    #[test]
    fn cropped_paths_stay_distinct() {
        let long = |middle: &str| {
            format!(
                "data/{}-{middle}-{}/train.jsonl",
                "x".repeat(30),
                "y".repeat(30)
            )
        };
        let paths = vec![
            long("a"),
            long("b"),
            long("a"),
            "short.jsonl".to_string(),
            "short.jsonl".to_string(),
        ];
        let shown = cropped_paths(&paths);
        assert_ne!(shown[0], shown[1]);
        assert_eq!(shown[0], paths[0], "the difference is the middle: whole");
        assert_eq!(shown[0], shown[2], "the same path");
        assert_eq!(shown[3], "short.jsonl");
    }

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        // A run of two in the data: the fence is three long.
        assert_eq!(
            code_span("x `` ![t](https://evil.example/p.png) ``"),
            "``` x `` ![t](https://evil.example/p.png) `` ```"
        );
    }
}
