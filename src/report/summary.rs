//! The run summary as plain text: per-file table, rule counts, gate lines.

use std::io::{self, Write};

use super::RunSummary;
use crate::gates::valid_pct;
use crate::rule::Level;
use crate::wording::{format_pct, plural};

/// Rules listed in the summary without `--statistics` (past it, those with errors first: see
/// `report::top_rules`).
const TOP_RULES: usize = 8;

/// One line: `3 errors, 2 warnings, 1 info in 7,473 examples of 1 file; 70.0% valid`.
pub fn one_line(summary: &RunSummary<'_>) -> String {
    let t = &summary.total;
    // `--diff-base` with no record added or changed: the files hold examples, so nothing new
    // needs judging and the run passes (the gate line says the same), which is not an empty
    // dataset's failure.
    let unchanged = summary
        .diff
        .as_ref()
        .filter(|d| d.judged == 0 && d.context > 0);
    let valid = if let (0, Some(d)) = (t.examples, unchanged) {
        format!("no example added or changed since {}", d.base)
    } else if t.examples == 0 {
        "nothing to train on".to_string()
    } else {
        format!("{} valid", format_pct(valid_pct(t)))
    };
    format!(
        "{}, {}, {} in {} of {}; {valid}",
        plural(t.count(Level::Error), "error"),
        plural(t.count(Level::Warning), "warning"),
        plural(t.count(Level::Info), "info"),
        plural(t.examples, "example"),
        plural(summary.files.len() as u64, "file"),
    )
}

/// What the run read besides the files it judged and what its baseline held back, one
/// sentence each: `also read 98,000 examples of 3 files as context (the rest of their
/// datasets: duplicates and leaks judged against them, nothing reported on them)`.
pub fn notes(summary: &RunSummary<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    // Nothing besides the named files (a dataset of one file): nothing to say.
    if let Some(c) = summary.context
        && c.files > 0
    {
        notes.push(format!(
            "also read {} of {} as context (the rest of their datasets: duplicates and leaks judged against them, nothing reported on them)",
            plural(c.examples, "example"),
            plural(c.files, "file"),
        ));
    }
    if let Some(b) = summary.baseline {
        notes.push(format!(
            "baseline: {} not reported (recorded in the baseline), {} no longer found",
            plural(b.suppressed, "finding"),
            if b.stale == 1 {
                "1 entry".to_string()
            } else {
                format!("{} entries", crate::wording::thousands(b.stale))
            },
        ));
    }
    notes
}

/// The full text summary: files table, rules, gates.
/// One line per rule: its code, its name and its findings by level (`S005 unknown-role  2
/// errors`), names padded to one width.
pub fn rule_lines(by_rule: &[(crate::registry::Code, [u64; 3])]) -> Vec<String> {
    let name_w = by_rule
        .iter()
        .map(|(c, _)| c.meta().name.len())
        .max()
        .unwrap_or(0);
    by_rule
        .iter()
        .map(|(code, n)| {
            let parts: Vec<String> = [(2, "error"), (1, "warning"), (0, "info")]
                .iter()
                .filter(|(i, _)| n[*i] > 0)
                .map(|(i, w)| plural(n[*i], w))
                .collect();
            format!(
                "{} {:<name_w$}  {}",
                code.as_str(),
                code.meta().name,
                parts.join(", ")
            )
        })
        .collect()
}

pub fn write(out: &mut dyn Write, summary: &RunSummary<'_>, statistics: bool) -> io::Result<()> {
    let rows: Vec<[String; 7]> = summary
        .files
        .iter()
        .zip(summary.summaries)
        .map(|(f, s)| row(&super::shown_path(&f.display), s))
        .chain(std::iter::once(row("total", &summary.total)))
        .collect();
    writeln!(out, "Summary")?;
    let header = [
        "file",
        "examples",
        "valid",
        "valid %",
        "errors",
        "warnings",
        "duplicates",
    ];
    write_table(out, header, &rows)?;
    for note in notes(summary) {
        writeln!(out, "  {note}")?;
    }
    for (f, s) in summary.files.iter().zip(summary.summaries) {
        if let Some(e) = &s.io_error {
            writeln!(
                out,
                "  {}: could not be read: {e}",
                super::shown_path(&f.display)
            )?;
        }
    }
    if let Some((tokenizer, rows)) = token_table(summary) {
        writeln!(out)?;
        writeln!(out, "Tokens ({tokenizer})")?;
        write_table(out, TOKEN_HEADER, &rows)?;
        if let Some(note) = limit_note(summary) {
            writeln!(out, "  {note}")?;
        }
        for i in evaluation_splits(summary) {
            writeln!(
                out,
                "  {}: not billed (an evaluation split, not trained on)",
                super::shown_path(&summary.files[i].display)
            )?;
        }
    }

    let by_rule = summary.total.by_rule();
    if !by_rule.is_empty() {
        writeln!(out)?;
        let shown = if statistics {
            by_rule.len()
        } else {
            by_rule.len().min(TOP_RULES)
        };
        if statistics || shown == by_rule.len() {
            writeln!(out, "Findings by rule")?;
        } else {
            writeln!(
                out,
                "Findings by rule (top {shown} of {}; --statistics for all)",
                by_rule.len()
            )?;
        }
        for line in rule_lines(&super::top_rules(&by_rule, shown)) {
            writeln!(out, "  {line}")?;
        }
    }
    // `stats`: the dataset's charts and tables (findings by rule are listed above). `check`:
    // the composition against its target (PRODUCT.md §7); the token lengths are in the
    // tokens table above, and the rest of the charts are `stats`'.
    if !summary.gates.is_empty() {
        for chart in summary.charts.iter().filter(|c| c.id == "composition") {
            writeln!(out)?;
            super::text_charts::write_chart(out, chart)?;
        }
    } else {
        super::text_charts::write_all(
            out,
            &summary.charts,
            &summary.tables,
            &["findings-by-rule"],
        )?;
    }
    writeln!(out)?;
    if let Some(diff) = &summary.diff {
        writeln!(out, "{}", diff.records_line())?;
        writeln!(out, "{}", diff.findings_line())?;
        writeln!(out)?;
    }
    for gate in &summary.gates {
        writeln!(out, "{}", gate.line())?;
    }
    Ok(())
}

/// Writes a table: the first column left-aligned, the others right-aligned. Its last row is
/// the total: set off by a rule below several rows, and left out below one (that row is the
/// total).
fn write_table<const N: usize>(
    out: &mut dyn Write,
    header: [&str; N],
    rows: &[[String; N]],
) -> io::Result<()> {
    let header = header.map(String::from);
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|r| crate::wording::display_width(&r[i]))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (k, r) in std::iter::once(&header).chain(rows).enumerate() {
        if k == rows.len() && rows.len() > 2 {
            let width = widths.iter().sum::<usize>() + 2 * (N - 1);
            writeln!(out, "  {}", "-".repeat(width))?;
        }
        if k == rows.len() && rows.len() == 2 {
            continue; // one file: its row is the total
        }
        write!(out, "  {}", crate::wording::pad_end(&r[0], widths[0]))?;
        for i in 1..N {
            write!(out, "  {}", crate::wording::pad_start(&r[i], widths[i]))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The columns of the token table.
pub const TOKEN_HEADER: [&str; TOKEN_COLUMNS] = [
    "file",
    "examples",
    "tokens",
    "p50",
    "p95",
    "max",
    "trained",
    "over limit",
    "cut",
    "epochs",
    "billed",
];

pub const TOKEN_COLUMNS: usize = 11;

/// What "over limit" and "cut" mean for this run: `limit 2,048 (tokens.max_length): 3
/// examples over it, 1,234 tokens cut (56 of them trained)`.
pub fn limit_note(summary: &RunSummary<'_>) -> Option<String> {
    let t = summary.total.tokens.as_ref()?;
    let key = match (t.max_length, t.limit_name.as_str()) {
        (_, name) if !name.is_empty() => name,
        (Some(_), _) => "tokens.max_length",
        (None, _) => "tokens.max_per_example",
    };
    Some(format!(
        "limit {} ({key}): {} over it, {} cut ({} of them trained)",
        thousands(t.limit),
        crate::wording::plural(t.over_limit, "example"),
        crate::wording::plural(t.lost, "token"),
        thousands(t.trained_lost),
    ))
}

/// The token table, when token statistics were counted: one row per file that has them,
/// then the total. The total's billed figure is the sum of the files' (each trained on its
/// own), so it shows no epochs when there are several.
pub fn token_table(summary: &RunSummary<'_>) -> Option<(String, Vec<[String; TOKEN_COLUMNS]>)> {
    let total = summary.total.tokens.as_ref()?;
    let token_row = |name: &str, t: &crate::tokens::TokenStats| {
        let dash = || "-".to_string();
        [
            name.to_string(),
            thousands(t.examples()),
            thousands(t.total),
            thousands(t.percentile(50)),
            thousands(t.percentile(95)),
            thousands(t.max()),
            thousands(t.trainable),
            thousands(t.over_limit),
            thousands(t.lost),
            t.epochs().map_or_else(dash, |e| e.to_string()),
            if t.evaluation_split || t.tokenizer.is_some() {
                dash()
            } else {
                thousands(t.billed())
            },
        ]
    };
    let mut rows: Vec<[String; TOKEN_COLUMNS]> = token_files(summary)
        .into_iter()
        .filter_map(|i| {
            let t = summary.summaries[i].tokens.as_ref()?;
            Some(token_row(&super::shown_path(&summary.files[i].display), t))
        })
        .collect();
    rows.push(token_row("total", total));
    Some((total.tokenizer_name().to_string(), rows))
}

/// The order of the token table's file rows (indices into [`token_table`]'s rows, the
/// total left out) in a table that lists `shown` of them and folds the rest: up to `shown`,
/// path order; more, the files with examples over the token limit first (those are what a
/// trainer cuts or drops), the most tokens cut first, then path order.
pub fn token_rows_in_table_order(summary: &RunSummary<'_>, shown: usize) -> Vec<usize> {
    let stats: Vec<&crate::tokens::TokenStats> = summary
        .summaries
        .iter()
        .filter_map(|s| s.tokens.as_ref())
        .collect();
    let mut order: Vec<usize> = (0..stats.len()).collect();
    if stats.len() > shown {
        order.sort_by_key(|&i| {
            (
                stats[i].over_limit == 0,
                std::cmp::Reverse(stats[i].lost),
                i,
            )
        });
    }
    order
}

use crate::wording::thousands;

/// The files of the token table's rows, by index into `summary.files`: those whose tokens
/// were counted.
pub fn token_files(summary: &RunSummary<'_>) -> Vec<usize> {
    (0..summary.summaries.len())
        .filter(|&i| summary.summaries[i].tokens.is_some())
        .collect()
}

/// The files whose tokens are not billed (evaluation splits), by index into `summary.files`.
pub fn evaluation_splits<'a>(summary: &'a RunSummary<'_>) -> impl Iterator<Item = usize> + 'a {
    (0..summary.summaries.len()).filter(|&i| {
        summary.summaries[i]
            .tokens
            .as_ref()
            .is_some_and(|t| t.evaluation_split)
    })
}

fn row(name: &str, s: &crate::summary::FileSummary) -> [String; 7] {
    [
        name.to_string(),
        thousands(s.examples),
        thousands(s.valid),
        format_pct(valid_pct(s)),
        thousands(s.count(Level::Error)),
        thousands(s.count(Level::Warning)),
        thousands(s.duplicates()),
    ]
}
