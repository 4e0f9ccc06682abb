//! `html`: the run summary as one self-contained page a data lead opens before paying for a
//! training run: the verdict and gates, the per-file table, token figures, every chart and
//! table of the summary drawn as inline SVG and HTML, and the findings by rule with a few
//! examples each.
//!
//! Self-contained means offline: the CSS, the SVG and the small script are inline, and the page
//! refers to no URL (no font, image, stylesheet or link to fetch). Everything taken from the
//! run (paths, messages, labels, cells) is escaped, and no dataset text is shown beyond what
//! the diagnostics' messages already quote (masked by `wording::quote`).
//!
//! The page stays small whatever the dataset's size: the findings are kept per rule with at
//! most [`EXAMPLES_PER_RULE`] examples (the rest counted), and files, bars and table rows are
//! capped, each cap saying how many were left out. A files table that folds rows lists the
//! files with something to fix first (`report::files_in_table_order`), so a failing file is
//! never among the folded ones.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::chart::{Bar, Chart, Table};
use super::{FileInfo, Renderer, RunSummary};
use crate::diagnostic::Diagnostic;
use crate::gates::valid_pct;
use crate::rule::Level;
use crate::rules::Code;
use crate::summary::FileSummary;
use crate::wording::{format_pct, plural, thousands};

/// Examples kept and shown per rule; the other findings of the rule are counted.
pub const EXAMPLES_PER_RULE: usize = 3;
/// Files listed in the per-file table; the rest are summed up in one row.
pub const MAX_FILES: usize = 200;
/// Bars drawn per chart; the rest are counted under it.
pub const MAX_BARS: usize = 100;
/// Rows shown per table; the rest are counted under it.
pub const MAX_ROWS: usize = 200;

/// Characters of a bar's label drawn beside it (the whole label is its tooltip).
const LABEL_CHARS: usize = 34;
/// The narrowest bar drawn for a value above zero, in SVG units.
const MIN_BAR: f64 = 1.0;

/// Geometry of a chart, in SVG units (the SVG scales to the page's width).
const LABEL_WIDTH: f64 = 250.0;
const BAR_AREA: f64 = 380.0;
const VALUE_WIDTH: f64 = 110.0;
const ROW_HEIGHT: f64 = 22.0;
const BAR_HEIGHT: f64 = 14.0;

/// One finding kept as an example of its rule.
struct Example {
    /// `PATH:LINE:COL`, or `PATH: row N` in a Parquet table.
    at: String,
    level: Level,
    message: String,
}

/// The findings of one rule seen in this run.
#[derive(Default)]
struct RuleFindings {
    seen: u64,
    examples: Vec<Example>,
}

/// Keeps a few examples per rule while diagnostics stream by; writes the page at the end.
pub struct Html {
    by_rule: Vec<RuleFindings>,
}

impl Default for Html {
    fn default() -> Self {
        Html {
            by_rule: Code::ALL.iter().map(|_| RuleFindings::default()).collect(),
        }
    }
}

impl Html {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Renderer for Html {
    fn diagnostic(
        &mut self,
        _out: &mut dyn Write,
        d: &Diagnostic,
        files: &[FileInfo],
    ) -> io::Result<()> {
        let Some(rule) = self.by_rule.get_mut(d.code.index()) else {
            return Ok(());
        };
        rule.seen += 1;
        if rule.examples.len() < EXAMPLES_PER_RULE {
            let at = match files.get(d.location.file as usize) {
                Some(f) if f.rows => f.at_table(d),
                Some(f) => format!("{}:{}", f.at(d.location.line), d.location.column),
                None => "-".to_string(),
            };
            rule.examples.push(Example {
                at,
                level: d.level,
                message: d.message.clone(),
            });
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        let page = page(summary, &self.by_rule);
        out.write_all(page.as_bytes())
    }

    fn lists_findings_in_report(&self) -> bool {
        true
    }
}

/// `text` safe in HTML text and in a quoted attribute value. Control characters (which HTML
/// does not allow) and the invisible ones but the joiners are written as `\u{..}` escapes,
/// as `shown_path` writes them.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if crate::wording::unseen_in_text(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A number as a bar's label shows it: `1,234`, `12.5`.
fn shown_number(value: f64) -> String {
    if !value.is_finite() {
        return "-".to_string();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let n = value.abs() as u64;
        let sign = if value < 0.0 { "-" } else { "" };
        format!("{sign}{}", thousands(n))
    } else {
        let s = format!("{value:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A number exactly as the JSON output holds it (shortest round-trip form), for `data-*`
/// attributes a test or a script compares with the JSON.
fn exact_number(value: f64) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        "null".to_string()
    }
}

/// `value unit` as a reader sees it: `12.5%`, `1,204 tokens`.
fn with_unit(value: f64, unit: &str) -> String {
    let n = shown_number(value);
    match unit {
        "" => n,
        "%" => format!("{n}%"),
        // `1 finding`, not `1 findings`.
        unit if value == 1.0 => format!("{n} {}", unit.strip_suffix('s').unwrap_or(unit)),
        unit => format!("{n} {unit}"),
    }
}

/// The whole page.
fn page(summary: &RunSummary<'_>, by_rule: &[RuleFindings]) -> String {
    let mut p = String::with_capacity(64 * 1024);
    let report = summary.gates.is_empty();
    let passed = summary.gates.iter().all(|g| g.passed);
    let (verdict, verdict_class) = if report {
        ("dataset report", "report")
    } else if passed {
        ("passed", "passed")
    } else {
        ("failed", "failed")
    };
    // A report (`stats`) judges nothing; what `check` would decide is said as information.
    let check_gates = &summary.page.gates;
    let check_verdict = (report && !check_gates.is_empty()).then(|| {
        if check_gates.iter().all(|g| g.passed) {
            "passed"
        } else {
            "failed"
        }
    });
    let _ = write!(
        p,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"tunelint {version}\">\n\
         <title>tunelint: {verdict}</title>\n<style>{STYLE}</style>\n</head>\n\
         <body data-verdict=\"{verdict_class}\"{check_attr}>\n<main>\n\
         <header class=\"verdict {verdict_class}\">\n<h1>tunelint: {verdict}</h1>\n\
         <p class=\"one-line\">{line}</p>\n",
        version = env!("CARGO_PKG_VERSION"),
        check_attr = check_verdict
            .map(|v| format!(" data-check-verdict=\"{v}\""))
            .unwrap_or_default(),
        line = escape(&super::summary::one_line(summary)),
    );
    if let Some(v) = check_verdict {
        let _ = writeln!(
            p,
            "<p class=\"check-verdict {v}\"><code>tunelint check</code> would say {v}: \
             see the gates below</p>"
        );
    }
    // What --diff-base judged, and the notes every summary gives (context, baseline).
    if let Some(diff) = &summary.diff {
        let _ = writeln!(
            p,
            "<p class=\"diff-base\">{}; {}</p>",
            escape(&diff.findings_line()),
            escape(&diff.records_line())
        );
    }
    for note in super::summary::notes(summary) {
        let _ = writeln!(p, "<p class=\"note\">{}</p>", escape(&note));
    }
    p.push_str("</header>\n");
    gates_section(&mut p, summary);
    files_section(&mut p, summary);
    tokens_section(&mut p, summary);
    charts_section(&mut p, summary);
    tables_section(&mut p, summary);
    findings_section(&mut p, summary, by_rule);
    let _ = write!(
        p,
        "<footer>written by tunelint {} · a self-contained page: no network, nothing to fetch</footer>\n\
         </main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    p
}

/// The gates `check` judged by; under `stats`, the gates `check` would judge by, said to be
/// information (`data-advisory`).
fn gates_section(p: &mut String, summary: &RunSummary<'_>) {
    let (gates, advisory) = if summary.gates.is_empty() {
        (&summary.page.gates, true)
    } else {
        (&summary.gates, false)
    };
    if gates.is_empty() {
        return;
    }
    if advisory {
        p.push_str(
            "<section id=\"gates\" data-advisory=\"true\">\n<h2>Gates <small>(what \
             <code>tunelint check</code> would decide)</small></h2>\n<p class=\"note\">\
             <code>tunelint stats</code> is a report: it fails no gate and exits 0; \
             <code>tunelint check</code> judges the same data by these</p>\n",
        );
    } else {
        p.push_str("<section id=\"gates\">\n<h2>Gates</h2>\n");
    }
    p.push_str(
        "<table class=\"gates\" data-table-id=\"gates\">\n\
         <thead><tr><th>gate</th><th>result</th><th>measured</th><th>threshold</th><th>set by</th></tr></thead>\n<tbody>\n",
    );
    for g in gates {
        let (class, word) = if g.passed {
            ("passed", "passed")
        } else {
            ("failed", "failed")
        };
        let key = match g.gate.key() {
            "" => "always on".to_string(),
            key => format!("<code>{}</code>", escape(key)),
        };
        let _ = writeln!(
            p,
            "<tr class=\"{class}\" data-gate=\"{}\"><td>{}</td><td class=\"mark\">{word}</td><td>{}</td><td>{}</td><td>{key}</td></tr>",
            g.gate.rule_name(),
            escape(g.gate.name()),
            escape(&g.measured),
            escape(&g.threshold),
        );
    }
    p.push_str("</tbody>\n</table>\n</section>\n");
}

fn file_cells(name: &str, format: &str, s: &FileSummary) -> String {
    format!(
        "<td class=\"path\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        escape(name),
        escape(format),
        thousands(s.examples),
        thousands(s.valid),
        format_pct(valid_pct(s)),
        thousands(s.count(Level::Error)),
        thousands(s.count(Level::Warning)),
        thousands(s.count(Level::Info)),
        thousands(s.duplicates()),
        thousands(s.bytes),
    )
}

fn files_section(p: &mut String, summary: &RunSummary<'_>) {
    if summary.files.is_empty() {
        return;
    }
    p.push_str(
        "<section id=\"files\">\n<h2>Files</h2>\n<table class=\"sortable\" data-table-id=\"files\">\n<thead><tr>\
         <th>file</th><th>format</th><th>examples</th><th>valid</th><th>valid %</th><th>errors</th>\
         <th>warnings</th><th>infos</th><th>duplicates</th><th>bytes</th></tr></thead>\n<tbody>\n",
    );
    let order = super::files_in_table_order(summary.summaries, MAX_FILES);
    for &i in order.iter().take(MAX_FILES) {
        let (f, s) = (&summary.files[i], &summary.summaries[i]);
        let format = s.format.map_or("-", |f| f.as_str());
        let _ = writeln!(
            p,
            "<tr data-path=\"{}\">{}</tr>",
            escape(&f.display),
            file_cells(&super::shown_path(&f.display), format, s)
        );
    }
    p.push_str("</tbody>\n");
    let footed = summary.files.len() > 1;
    if footed {
        p.push_str("<tfoot>\n");
    }
    if summary.files.len() > MAX_FILES {
        let mut rest = FileSummary::default();
        for &i in &order[MAX_FILES..] {
            rest.add(&summary.summaries[i]);
        }
        let more = summary.files.len() - MAX_FILES;
        let _ = writeln!(
            p,
            "<tr class=\"more\" data-more=\"{more}\">{}</tr>",
            file_cells(&format!("{} more files", thousands(more as u64)), "", &rest)
        );
    }
    if summary.files.len() > 1 {
        let _ = writeln!(
            p,
            "<tr class=\"total\">{}</tr>",
            file_cells("total", "", &summary.total)
        );
    }
    if footed {
        p.push_str("</tfoot>\n");
    }
    p.push_str("</table>\n");
    for (f, s) in summary.files.iter().zip(summary.summaries) {
        if let Some(e) = &s.io_error {
            let _ = writeln!(
                p,
                "<p class=\"failed\"><code>{}</code> could not be read: {}</p>",
                escape(&super::shown_path(&f.display)),
                escape(e)
            );
        }
    }
    p.push_str("</section>\n");
}

fn tokens_section(p: &mut String, summary: &RunSummary<'_>) {
    let Some((tokenizer, rows)) = super::summary::token_table(summary) else {
        return;
    };
    let _ = write!(
        p,
        "<section id=\"tokens\">\n<h2>Tokens <small>({})</small></h2>\n\
         <table class=\"sortable\" data-table-id=\"tokens\">\n<thead><tr>",
        escape(&tokenizer)
    );
    for h in super::summary::TOKEN_HEADER {
        let _ = write!(p, "<th>{}</th>", escape(h));
    }
    p.push_str("</tr></thead>\n<tbody>\n");
    // The last row is the total; below one file it repeats that file.
    let (total, files) = rows
        .split_last()
        .map_or((None, &rows[..0]), |(t, f)| (Some(t), f));
    let token_row = |p: &mut String, class: &str, r: &[String]| {
        let _ = write!(p, "<tr{class}>");
        for (k, cell) in r.iter().enumerate() {
            let class = if k == 0 { "path" } else { "num" };
            let _ = write!(p, "<td class=\"{class}\">{}</td>", escape(cell));
        }
        p.push_str("</tr>\n");
    };
    for i in super::summary::token_rows_in_table_order(summary, MAX_FILES)
        .into_iter()
        .take(MAX_FILES)
    {
        token_row(p, "", &files[i]);
    }
    p.push_str("</tbody>\n");
    if let Some(t) = total.filter(|_| files.len() > 1) {
        p.push_str("<tfoot>\n");
        token_row(p, " class=\"total\"", t);
        p.push_str("</tfoot>\n");
    }
    p.push_str("</table>\n");
    if files.len() > MAX_FILES {
        let _ = writeln!(
            p,
            "<p class=\"note\">{} more files not listed</p>",
            thousands((files.len() - MAX_FILES) as u64)
        );
    }
    if let Some(note) = super::summary::limit_note(summary) {
        let _ = writeln!(p, "<p class=\"note\">{}</p>", escape(&note));
    }
    for i in super::summary::evaluation_splits(summary) {
        let _ = writeln!(
            p,
            "<p class=\"note\"><code>{}</code> is not billed: an evaluation split, not trained on</p>",
            escape(&super::shown_path(&summary.files[i].display))
        );
    }
    p.push_str("</section>\n");
}

/// The charts the page draws from the run's own figures, beside the summary's charts: the
/// findings by rule, and token lengths when they were counted (p50, p95, max: the limit, often
/// far above them, would flatten their bars; the token table's note says it). A summary or
/// report chart with the same id replaces one of these.
pub fn built_in_charts(summary: &RunSummary<'_>) -> Vec<Chart> {
    let mut charts = Vec::new();
    let by_rule = summary.total.by_rule();
    if !by_rule.is_empty() {
        charts.push(Chart {
            id: "findings-by-rule".into(),
            title: "Findings by rule".into(),
            unit: "findings".into(),
            bars: by_rule
                .iter()
                .map(|(c, n)| Bar {
                    label: format!("{} {}", c.as_str(), c.meta().name),
                    value: n.iter().sum::<u64>() as f64,
                    target: None,
                })
                .collect(),
        });
    }
    if let Some(t) = &summary.total.tokens {
        let bar = |label: &str, value: u64| Bar {
            label: label.into(),
            value: value as f64,
            target: None,
        };
        charts.push(Chart {
            id: "tokens-per-example".into(),
            title: format!("Tokens per example ({})", t.tokenizer_name()),
            unit: "tokens".into(),
            bars: vec![
                bar("p50", t.percentile(50)),
                bar("p95", t.percentile(95)),
                bar("max", t.max()),
            ],
        });
    }
    charts
}

/// The summary's charts (`data-source="summary"`), then the dataset's charts `check`'s page
/// adds (`report`: `stats`'s, which `stats` has in its summary), then the page's own
/// (`run`); a chart is drawn once, from the first of them that has its id.
fn charts_section(p: &mut String, summary: &RunSummary<'_>) {
    let mut charts: Vec<(&str, Chart)> = Vec::new();
    let sources = [
        ("summary", summary.charts.clone()),
        ("report", summary.page.charts.clone()),
        ("run", built_in_charts(summary)),
    ];
    for (source, list) in sources {
        for c in list {
            if !charts.iter().any(|(_, drawn)| drawn.id == c.id) {
                charts.push((source, c));
            }
        }
    }
    if charts.is_empty() {
        return;
    }
    p.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    report_scope_note(p, summary);
    for (source, chart) in &charts {
        draw_chart(p, chart, source);
    }
    p.push_str("</section>\n");
}

/// One chart as a figure: its title, an SVG of horizontal bars (a target drawn as a mark
/// across its bar), each bar's label and value in the DOM (`data-label`, `data-value`,
/// `data-target`) as well as drawn.
pub fn draw_chart(p: &mut String, chart: &Chart, source: &str) {
    let bars = &chart.bars[..chart.bars.len().min(MAX_BARS)];
    let more = chart.bars.len() - bars.len();
    let finite = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
    let scale = bars
        .iter()
        .flat_map(|b| [finite(b.value), b.target.map_or(0.0, finite)])
        .fold(0.0_f64, f64::max);
    let width = |v: f64| {
        if scale > 0.0 {
            finite(v) / scale * BAR_AREA
        } else {
            0.0
        }
    };
    let height = (bars.len().max(1) as f64) * ROW_HEIGHT + 6.0;
    let total_width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH;
    let id = escape(&chart.id);
    let _ = write!(
        p,
        "<figure class=\"chart\" id=\"chart-{id}\">\n<figcaption>{title}{unit}</figcaption>\n\
         <svg data-chart-id=\"{id}\" data-source=\"{source}\" data-unit=\"{unit_attr}\" data-bars=\"{n}\" \
         viewBox=\"0 0 {total_width} {height}\" width=\"{total_width}\" height=\"{height}\" role=\"img\" \
         aria-label=\"{title}\">\n",
        title = escape(&chart.title),
        unit = if chart.unit.is_empty() {
            String::new()
        } else {
            format!(" <small>({})</small>", escape(&chart.unit))
        },
        unit_attr = escape(&chart.unit),
        n = bars.len(),
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i as f64 * ROW_HEIGHT + 4.0;
        let mid = y + BAR_HEIGHT / 2.0 + 4.0;
        let label = escape(&bar.label);
        let short = escape(&crate::wording::shorten(&bar.label, LABEL_CHARS));
        let target_attr = bar
            .target
            .map(|t| format!(" data-target=\"{}\"", exact_number(t)))
            .unwrap_or_default();
        let target_words = bar
            .target
            .map(|t| format!(", target {}", with_unit(t, &chart.unit)))
            .unwrap_or_default();
        let value_text = escape(&with_unit(bar.value, &chart.unit));
        let _ = write!(
            p,
            "<g class=\"bar\" data-label=\"{label}\" data-value=\"{value}\"{target_attr}>\
             <title>{label}: {value_text}{target_words}</title>\
             <text class=\"label\" x=\"{lx}\" y=\"{mid}\" text-anchor=\"end\">{short}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR_HEIGHT}\" rx=\"2\"></rect>",
            value = exact_number(bar.value),
            lx = LABEL_WIDTH - 8.0,
            // A value too small for its scale (0.01% of the text in Greek) is still drawn,
            // a sliver wide, so a bar is there whenever its value is not zero.
            w = if finite(bar.value) > 0.0 {
                width(bar.value).max(MIN_BAR)
            } else {
                0.0
            },
        );
        if let Some(t) = bar.target {
            let x = LABEL_WIDTH + width(t);
            let _ = write!(
                p,
                "<line class=\"target\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{}\" y2=\"{}\"></line>",
                y - 3.0,
                y + BAR_HEIGHT + 3.0
            );
        }
        let _ = writeln!(
            p,
            "<text class=\"value\" x=\"{:.1}\" y=\"{mid}\">{}</text></g>",
            LABEL_WIDTH + width(bar.value).max(width(bar.target.unwrap_or(0.0))) + 6.0,
            escape(&if chart.unit == "%" {
                with_unit(bar.value, "%")
            } else {
                shown_number(bar.value)
            }),
        );
    }
    p.push_str("</svg>\n");
    if bars.iter().any(|b| b.target.is_some()) {
        p.push_str("<p class=\"note\">the dark mark across a bar is its target</p>\n");
    }
    if more > 0 {
        let _ = writeln!(
            p,
            "<p class=\"note more\" data-more=\"{more}\">{} not drawn</p>",
            plural(more as u64, "more bar")
        );
    }
    p.push_str("</figure>\n");
}

/// Under `--diff-base`, the dataset's figures `check`'s page adds are of every record of the
/// files read, where the rest of the page judges the changed ones: said once, above them.
fn report_scope_note(p: &mut String, summary: &RunSummary<'_>) {
    let added = !summary.page.charts.is_empty() || !summary.page.tables.is_empty();
    if summary.diff.is_some() && added {
        p.push_str(
            "<p class=\"note\" data-scope=\"files\">the dataset's figures (lengths, turns, \
             system prompts, duplicate clusters, ...) are of every record of the files read, \
             not only of those changed</p>\n",
        );
    }
}

/// The summary's tables, then the dataset's tables `check`'s page adds (`stats`'s); a table
/// is drawn once.
fn tables_section(p: &mut String, summary: &RunSummary<'_>) {
    let mut tables: Vec<&Table> = Vec::new();
    for t in summary.tables.iter().chain(&summary.page.tables) {
        if !tables.iter().any(|drawn| drawn.id == t.id) {
            tables.push(t);
        }
    }
    if tables.is_empty() {
        return;
    }
    p.push_str("<section id=\"tables\">\n<h2>Tables</h2>\n");
    if summary.charts.is_empty() && summary.page.charts.is_empty() {
        report_scope_note(p, summary);
    }
    for t in tables {
        draw_table(p, t);
    }
    p.push_str("</section>\n");
}

/// One table of the summary, its cells as they are worded, numbers aligned right.
pub fn draw_table(p: &mut String, table: &Table) {
    let rows = &table.rows[..table.rows.len().min(MAX_ROWS)];
    let more = table.rows.len() - rows.len();
    let id = escape(&table.id);
    let _ = write!(
        p,
        "<figure class=\"table\" id=\"table-{id}\">\n<figcaption>{}</figcaption>\n\
         <table class=\"sortable\" data-table-id=\"{id}\" data-rows=\"{}\">\n<thead><tr>",
        escape(&table.title),
        rows.len()
    );
    for c in &table.columns {
        let _ = write!(p, "<th>{}</th>", escape(c));
    }
    p.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        p.push_str("<tr>");
        for cell in r {
            let numeric = !cell.is_empty()
                && cell
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '%' | '-'));
            let class = if numeric { " class=\"num\"" } else { "" };
            let _ = write!(p, "<td{class}>{}</td>", escape(cell));
        }
        p.push_str("</tr>\n");
    }
    p.push_str("</tbody>\n</table>\n");
    if more > 0 {
        let _ = writeln!(
            p,
            "<p class=\"note more\" data-more=\"{more}\">{} not shown</p>",
            plural(more as u64, "more row")
        );
    }
    p.push_str("</figure>\n");
}

fn findings_section(p: &mut String, summary: &RunSummary<'_>, by_rule: &[RuleFindings]) {
    let counts = summary.total.by_rule();
    if counts.is_empty() {
        return;
    }
    // `stats` counts the findings but lists none: no examples to show.
    let listed = by_rule.iter().any(|r| r.seen > 0);
    p.push_str("<section id=\"findings\">\n<h2>Findings by rule</h2>\n<p class=\"note\">");
    p.push_str(if listed {
        "one example or a few of each rule"
    } else {
        "counts only: <code>tunelint check</code> lists each finding"
    });
    p.push_str("; <code>tunelint explain CODE</code> documents a rule</p>\n");
    for (code, n) in &counts {
        let meta = code.meta();
        let total: u64 = n.iter().sum();
        let levels: Vec<String> = [(2, "error"), (1, "warning"), (0, "info")]
            .iter()
            .filter(|(i, _)| n[*i] > 0)
            .map(|(i, w)| plural(n[*i], w))
            .collect();
        let worst = [(2, "error"), (1, "warning"), (0, "info")]
            .iter()
            .find(|(i, _)| n[*i] > 0)
            .map_or("info", |(_, w)| *w);
        let _ = write!(
            p,
            "<details class=\"rule {worst}\" data-rule=\"{code}\" data-count=\"{total}\" open>\n\
             <summary><code>{code}</code> {name} <span class=\"count\">{levels}</span></summary>\n\
             <p class=\"doc\">{doc}</p>\n<ul class=\"examples\">\n",
            code = code.as_str(),
            name = escape(meta.name),
            levels = escape(&levels.join(", ")),
            doc = escape(meta.summary),
        );
        let kept = by_rule.get(code.index());
        for e in kept.map_or(&[][..], |r| &r.examples[..]) {
            let _ = writeln!(
                p,
                "<li class=\"{level}\"><code class=\"where\">{at}</code> \
                 <span class=\"level\">{level}</span> <span class=\"message\">{message}</span></li>",
                level = e.level.as_str(),
                at = escape(&e.at),
                message = escape(&e.message),
            );
        }
        p.push_str("</ul>\n");
        let shown = kept.map_or(0, |r| r.examples.len() as u64);
        if listed && total > shown {
            let _ = writeln!(
                p,
                "<p class=\"more\" data-more=\"{}\">and {} more</p>",
                total - shown,
                thousands(total - shown)
            );
        }
        p.push_str("</details>\n");
    }
    p.push_str("</section>\n");
}

/// The page's style: readable on a laptop and on paper, light or dark.
const STYLE: &str = r#"
:root{--fg:#1d2230;--muted:#5b6275;--bg:#fbfbfd;--card:#fff;--line:#dfe2ea;--bar:#4a72c4;--target:#1d2230;--ok:#1f7a3f;--bad:#b42318;--warn:#a15c00;--info:#3c5a99}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8ef;--muted:#a3a9ba;--bg:#14161c;--card:#1c1f27;--line:#323746;--bar:#6f95e3;--target:#f2f3f7;--ok:#5fc27e;--bad:#ff7a6e;--warn:#f0b35b;--info:#8fb0f0}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}
h1{margin:0 0 4px;font-size:26px}
h2{margin:32px 0 10px;font-size:19px;border-bottom:1px solid var(--line);padding-bottom:4px}
small{color:var(--muted);font-weight:normal}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.verdict{padding:16px 20px;border-radius:8px;background:var(--card);border:1px solid var(--line);border-left:8px solid var(--info)}
.verdict.passed{border-left-color:var(--ok)}
.verdict.failed{border-left-color:var(--bad)}
.verdict.passed h1{color:var(--ok)}
.verdict.failed h1{color:var(--bad)}
.one-line{margin:0;color:var(--muted)}
.check-verdict{margin:6px 0 0;font-weight:600}
.check-verdict.passed{color:var(--ok)}
.check-verdict.failed{color:var(--bad)}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:14px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);white-space:nowrap}
table.sortable th{cursor:pointer}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.path{word-break:break-all;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
tfoot tr{font-weight:600}
tr.failed .mark,p.failed{color:var(--bad);font-weight:600}
tr.passed .mark{color:var(--ok);font-weight:600}
.note,.more{color:var(--muted);font-size:13px;margin:6px 0}
figure{margin:16px 0 24px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px;overflow-x:auto}
figcaption{font-weight:600;margin-bottom:8px}
svg{max-width:100%;height:auto;font-size:12px}
svg text{fill:var(--fg)}
svg text.value{fill:var(--muted)}
svg rect{fill:var(--bar)}
svg line.target{stroke:var(--target);stroke-width:3}
g.bar:hover rect{opacity:.8}
details.rule{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--info);border-radius:6px;margin:8px 0;padding:6px 12px}
details.rule.error{border-left-color:var(--bad)}
details.rule.warning{border-left-color:var(--warn)}
details.rule summary{cursor:pointer;font-weight:600}
.count{color:var(--muted);font-weight:normal;margin-left:8px}
.doc{margin:4px 0;color:var(--muted)}
ul.examples{margin:4px 0;padding-left:18px}
ul.examples li{margin:3px 0;word-break:break-word}
.level{font-size:12px;text-transform:uppercase;letter-spacing:.03em}
li.error .level{color:var(--bad)}
li.warning .level{color:var(--warn)}
li.info .level{color:var(--info)}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{details.rule{break-inside:avoid}figure{break-inside:avoid}}
"#;

/// The page's script: tables sort by a click on a column's header. The page reads the same
/// without it; `data-script` on `<body>` says it ran.
const SCRIPT: &str = r#"
(function(){
  function key(cell){
    var t=cell.textContent.trim(), n=t.replace(/[,%]/g,'');
    return (n!=='' && !isNaN(n)) ? [0, parseFloat(n)] : [1, t.toLowerCase()];
  }
  document.querySelectorAll('table.sortable').forEach(function(table){
    var body=table.tBodies[0];
    if(!body){return;}
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, col){
      th.title='sort by '+th.textContent;
      th.addEventListener('click', function(){
        var down=th.getAttribute('data-sorted')!=='down';
        Array.prototype.forEach.call(table.tHead.rows[0].cells,function(h){h.removeAttribute('data-sorted');});
        th.setAttribute('data-sorted', down?'down':'up');
        var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){
          var x=key(a.cells[col]||a), y=key(b.cells[col]||b);
          var c=x[0]-y[0] || (x[1]<y[1]?-1:x[1]>y[1]?1:0);
          return down?-c:c;
        });
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.body.setAttribute('data-script','ran');
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_quotes_and_controls() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}"), "a\\u{0}b\\u{1b}");
        assert_eq!(escape("b\u{202e}lsonj.txt"), "b\\u{202e}lsonj.txt");
    }

    fn bar(label: &str, value: f64, target: Option<f64>) -> Bar {
        Bar {
            label: label.into(),
            value,
            target,
        }
    }

    /// Composition against its target, as `stats` will build it: every bar drawn with its
    /// value and target in the DOM and a mark where the target is.
    #[test]
    fn a_chart_with_targets_draws_every_bar_and_mark() {
        let chart = Chart {
            id: "composition".into(),
            title: "Composition against the target".into(),
            unit: "%".into(),
            bars: vec![
                bar("common", 72.5, Some(60.0)),
                bar("edge cases", 12.0, Some(20.0)),
                bar("clarification", 0.0, Some(10.0)),
                bar("refusals", 15.5, Some(10.0)),
            ],
        };
        let mut p = String::new();
        draw_chart(&mut p, &chart, "summary");
        assert_eq!(p.matches("<g class=\"bar\"").count(), 4);
        assert_eq!(p.matches("<line class=\"target\"").count(), 4);
        assert!(p.contains("data-label=\"clarification\" data-value=\"0\" data-target=\"10\""));
        // 72.5 is the largest figure: its bar takes the whole bar area.
        assert!(p.contains(&format!("width=\"{BAR_AREA:.1}\"")), "{p}");
        insta::assert_snapshot!("chart_composition", p);
    }

    #[test]
    fn a_chart_escapes_its_labels_and_survives_odd_values() {
        let chart = Chart {
            id: "a\"b".into(),
            title: "<b>lengths</b>".into(),
            unit: "tokens".into(),
            bars: vec![
                bar("<script>x</script>", f64::NAN, None),
                bar("negative", -3.0, Some(f64::INFINITY)),
                bar("zero", 0.0, None),
            ],
        };
        let mut p = String::new();
        draw_chart(&mut p, &chart, "summary");
        assert!(!p.contains("<script>") && !p.contains("<b>"), "{p}");
        assert!(p.contains("data-chart-id=\"a&quot;b\""), "{p}");
        assert!(p.contains("data-value=\"null\""), "{p}");
        assert!(!p.contains("NaN") && !p.contains("inf"), "{p}");
        assert_eq!(p.matches("width=\"0.0\"").count(), 3, "{p}");
    }

    #[test]
    fn long_charts_and_tables_are_cut_and_say_how_much_is_left_out() {
        let chart = Chart {
            id: "turns".into(),
            title: "Turns per example".into(),
            unit: "examples".into(),
            bars: (0..MAX_BARS + 25)
                .map(|i| bar(&i.to_string(), i as f64, None))
                .collect(),
        };
        let mut p = String::new();
        draw_chart(&mut p, &chart, "summary");
        assert_eq!(p.matches("<g class=\"bar\"").count(), MAX_BARS);
        assert!(p.contains("data-more=\"25\">25 more bars not drawn"), "{p}");

        let table = Table {
            id: "duplicate-clusters".into(),
            title: "Largest duplicate clusters".into(),
            columns: vec!["lines".into(), "examples".into()],
            rows: (0..MAX_ROWS + 1)
                .map(|i| vec![format!("<i>{i}</i>"), "1,204".into()])
                .collect(),
        };
        let mut p = String::new();
        draw_table(&mut p, &table);
        assert_eq!(p.matches("<tr>").count(), MAX_ROWS + 1, "header and rows");
        assert!(p.contains(&format!("data-rows=\"{MAX_ROWS}\"")));
        assert!(p.contains("data-more=\"1\">1 more row not shown"), "{p}");
        assert!(p.contains("<td class=\"num\">1,204</td>") && !p.contains("<i>"));
    }

    #[test]
    fn numbers_read_well_and_stay_exact_in_attributes() {
        assert_eq!(shown_number(1234.0), "1,234");
        assert_eq!(shown_number(12.5), "12.5");
        assert_eq!(shown_number(f64::NAN), "-");
        assert_eq!(exact_number(0.1), "0.1");
        assert_eq!(with_unit(60.0, "%"), "60%");
        assert_eq!(with_unit(3.0, "tokens"), "3 tokens");
        assert_eq!(with_unit(1.0, "findings"), "1 finding");
    }
}
