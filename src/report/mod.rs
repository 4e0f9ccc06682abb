//! Output formats: each file renders the one stream of diagnostics plus one run summary.

pub mod chart;
pub(crate) mod concise;
pub(crate) mod full;
pub mod github;
pub mod html;
pub mod json;
pub(crate) mod markdown;
pub(crate) mod progress;
pub mod sarif;
pub(crate) mod summary;
pub(crate) mod text_charts;

use std::io::{self, Write};

use crate::diagnostic::Diagnostic;
use crate::gates::GateOutcome;
use crate::source::{InputSource, Reread};
use crate::summary::FileSummary;

/// The inputs, as renderers see them.
pub struct FileInfo {
    pub display: String,
    pub source: InputSource,
    /// Where a line can be read again for a snippet.
    pub reread: Option<Reread>,
    /// The input is a Parquet table: line N of its text is row N-1 (see [`row_of`]), and
    /// findings point at rows, not at lines of the file.
    pub rows: bool,
}

impl FileInfo {
    /// An input as it is read, told whether it is a Parquet table.
    pub fn new(display: String, source: InputSource, reread: Option<Reread>) -> FileInfo {
        FileInfo {
            rows: source.is_parquet(),
            display,
            source,
            reread,
        }
    }

    /// Line `line` of this input as text formats point at it: `PATH:LINE`, or `PATH: row N`
    /// for a Parquet table's row.
    pub fn at(&self, line: u64) -> String {
        let path = shown_path(&self.display);
        if self.rows {
            format!("{path}: row {}", row_of(line))
        } else {
            format!("{path}:{line}")
        }
    }

    /// The row of a Parquet table that finding `d` is about: `None` for an input that is not
    /// a table, and for a finding about the whole table (it is empty, a column is a map, its
    /// composition), which no row holds.
    pub fn row(&self, d: &Diagnostic) -> Option<u64> {
        (self.rows && !d.about_file).then(|| row_of(d.location.line))
    }

    /// Where finding `d` is, as text formats point at it in a Parquet table: `PATH: row N`,
    /// or `PATH` alone for a finding about the whole table.
    pub fn at_table(&self, d: &Diagnostic) -> String {
        match self.row(d) {
            Some(_) => self.at(d.location.line),
            None => shown_path(&self.display).into_owned(),
        }
    }
}

/// The row of a Parquet table that line `line` of its text holds: rows are numbered from 0,
/// as `datasets` and pandas index them.
pub fn row_of(line: u64) -> u64 {
    line.saturating_sub(1)
}

/// `d`'s message with the other files it names (its related locations' files, which the
/// dataset rules name as `PATH:LINE` or `PATH row N`, as typed on the command line and shown
/// by [`shown_path`]) named by `path(file)` instead: SARIF and annotations name every file
/// by its path from the project root, in the text as in the location fields, however it was
/// spelt.
pub fn message_with_paths(
    d: &crate::diagnostic::Diagnostic,
    files: &[FileInfo],
    path: impl Fn(crate::diagnostic::FileId) -> String,
) -> String {
    let mut message = d.message.clone();
    let mut done: Vec<crate::diagnostic::FileId> = Vec::new();
    for r in &d.related {
        if r.file == d.location.file || done.contains(&r.file) {
            continue;
        }
        done.push(r.file);
        let Some(typed) = files.get(r.file as usize).map(|f| shown_path(&f.display)) else {
            continue;
        };
        let wanted = path(r.file);
        if typed == wanted {
            continue;
        }
        for after in [":", " row "] {
            let from = format!(" {typed}{after}");
            if message.contains(&from) {
                message = message.replacen(&from, &format!(" {wanted}{after}"), 1);
                break;
            }
        }
    }
    message
}

/// A path as a line of text output shows it. A path is shown as it is (Windows separators
/// included: a backslash there is a separator to read, not an escape), unless it holds a
/// control or reordering character (a newline would split a `PATH:LINE:COL: CODE message`
/// line in two) or starts with a double quote. Such a path is written between double quotes
/// with escapes, `\n`, `\r`, `\t`, `\u{1b}`, `\"` and `\\`, as git quotes an unusual
/// name: a path without quotes is the name letter for letter, and one in quotes reads one
/// way, so two files with UTF-8 names never print alike (`lit<LF>.jsonl` is `"lit\n.jsonl"`,
/// `lit\n.jsonl` is itself). The `json` format keeps the exact path.
pub fn shown_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.starts_with('"') && !path.chars().any(crate::wording::unseen_in_text) {
        return path.into();
    }
    let mut out = String::with_capacity(path.len() + 8);
    out.push('"');
    for c in path.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if crate::wording::unseen_in_text(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out.into()
}

/// The order of the files in a table that lists some and folds the rest into one row
/// (`markdown`, `html`): indices into `summaries`. Up to `shown` files, path order, as every
/// other list. More: the files a reviewer has to look at come first, so that a failing file
/// sorted last is never hidden in the folded row: files with errors (or that could not be
/// read), then files with warnings, then the rest; within each, the lowest valid % first,
/// then path order.
pub fn files_in_table_order(summaries: &[FileSummary], shown: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..summaries.len()).collect();
    if summaries.len() <= shown {
        return order;
    }
    let group = |s: &FileSummary| {
        if s.count(crate::rule::Level::Error) > 0 || s.io_error.is_some() {
            0
        } else if s.count(crate::rule::Level::Warning) > 0 {
            1
        } else {
            2
        }
    };
    order.sort_by(|&a, &b| {
        let (x, y) = (&summaries[a], &summaries[b]);
        group(x)
            .cmp(&group(y))
            .then(crate::gates::valid_pct(x).total_cmp(&crate::gates::valid_pct(y)))
            .then(a.cmp(&b))
    });
    order
}

/// The rules a summary lists when it shows only `shown` of them (`by_rule`: most findings
/// first). Up to `shown`, all in that order. More: rules with errors first, then with
/// warnings, then the rest, each most findings first, so a rule whose three errors fail the
/// run is not left out for info notes that number thousands.
pub fn top_rules(
    by_rule: &[(crate::registry::Code, [u64; 3])],
    shown: usize,
) -> Vec<(crate::registry::Code, [u64; 3])> {
    let mut rules = by_rule.to_vec();
    if rules.len() > shown {
        // `[info, warning, error]`: a stable sort keeps the most findings first in a group.
        rules.sort_by_key(|(_, n)| match n {
            [_, _, e] if *e > 0 => 0,
            [_, w, _] if *w > 0 => 1,
            _ => 2,
        });
        rules.truncate(shown);
    }
    rules
}

/// Everything known at the end of a run.
pub struct RunSummary<'a> {
    pub files: &'a [FileInfo],
    pub summaries: &'a [FileSummary],
    pub total: FileSummary,
    pub gates: Vec<GateOutcome>,
    /// With `--diff-base`: what was judged and what was read as context.
    pub diff: Option<DiffSummary>,
    /// Charts of the dataset (`stats`), drawn by every format that draws; empty when none.
    pub charts: Vec<chart::Chart>,
    /// Tables of the dataset (`stats`), drawn by every format that draws; empty when none.
    pub tables: Vec<chart::Table>,
    /// Examples read only as context (`--context dataset`: the rest of the named files'
    /// datasets), in files not listed in `files`; `None` when no context was asked for.
    pub context: Option<ContextRead>,
    /// What `--baseline` did; `None` without one.
    pub baseline: Option<BaselineCounts>,
    /// What the html page shows beside the rest: the sections of the other command.
    pub page: PageExtras,
}

/// The sections only the html page shows: it is the one report that carries both commands'
/// sections (`check`'s verdict and gates, `stats`'s figures of the dataset), where every
/// other format keeps to its own command's. Empty for the other formats' runs.
#[derive(Clone, Debug, Default)]
pub struct PageExtras {
    /// Under `check`: the charts of the dataset `stats` draws (lengths and tokens per role,
    /// turns, scripts, ...), gathered only when the page is written.
    pub charts: Vec<chart::Chart>,
    /// Under `check`: the tables of the dataset `stats` draws (system-prompt variants, the
    /// largest duplicate clusters, ...).
    pub tables: Vec<chart::Table>,
    /// Under `stats`: what `check`'s gates would decide on the same data, shown as
    /// information (`stats` fails no gate). The json document carries them too, so that
    /// its `passed` agrees with the page.
    pub gates: Vec<GateOutcome>,
}

/// The files and examples read as context, not judged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContextRead {
    pub files: u64,
    pub examples: u64,
}

/// What a baseline did in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BaselineCounts {
    /// Findings not reported because the baseline records them.
    pub suppressed: u64,
    /// Entries of the baseline that matched no finding (fixed or deleted records).
    pub stale: u64,
}

/// What a `--diff-base` run judged: the records added or changed since the base, and the
/// findings on them; the rest was read as context (duplicates, leaks) and not reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffSummary {
    /// The base revision, as given.
    pub base: String,
    /// Records added or changed since the base.
    pub judged: u64,
    /// Records read as context only.
    pub context: u64,
    /// Findings reported (on or involving a changed record).
    pub new_findings: u64,
    /// Findings on the context only, not reported.
    pub preexisting: u64,
    /// The gates judged every record (`--gate-scope all`), not only the changed ones.
    pub gates_all: bool,
}

impl DiffSummary {
    /// `judged 3 records added or changed since main; read 120 more as context`.
    pub fn records_line(&self) -> String {
        format!(
            "judged {} added or changed since {}; read {} more as context{}",
            crate::wording::plural(self.judged, "record"),
            self.base,
            crate::wording::thousands(self.context),
            if self.gates_all {
                " (the gates judge all of them)"
            } else {
                ""
            }
        )
    }

    /// `2 new findings in this pull request, 40 pre-existing (not shown)`.
    pub fn findings_line(&self) -> String {
        format!(
            "{} in this pull request, {} pre-existing (not shown)",
            crate::wording::plural(self.new_findings, "new finding"),
            crate::wording::thousands(self.preexisting)
        )
    }
}

/// How a format writes: diagnostics as they arrive (in order), then the summary.
pub trait Renderer {
    fn diagnostic(
        &mut self,
        out: &mut dyn Write,
        diagnostic: &Diagnostic,
        files: &[FileInfo],
    ) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()>;
    /// A finding `--diff-base` does not report (on a record the change did not touch): only
    /// counted, except in SARIF, which code scanning compares with the base branch's own
    /// analysis and which must therefore hold every finding.
    fn preexisting(
        &mut self,
        _out: &mut dyn Write,
        _diagnostic: &Diagnostic,
        _files: &[FileInfo],
    ) -> io::Result<()> {
        Ok(())
    }
    /// Whether it reads [`Diagnostic::occurrence`] (SARIF's partial fingerprints), which the
    /// engine then numbers; the other outputs spare it the count.
    fn wants_occurrences(&self) -> bool {
        false
    }
    /// Whether it takes the findings of a `stats` run too, which the other formats only
    /// count: the html page shows an example or a few of each rule under either command.
    fn lists_findings_in_report(&self) -> bool {
        false
    }
}

/// Options every human-facing renderer honours.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
}

#[cfg(test)]
mod tests {
    use super::{files_in_table_order, shown_path, top_rules};
    use crate::registry::Code;
    use crate::rule::Level;
    use crate::summary::FileSummary;

    /// A file of `examples`, `valid` of them valid, with `errors` and `warnings` findings.
    fn file(examples: u64, valid: u64, errors: u64, warnings: u64) -> FileSummary {
        let mut s = FileSummary {
            examples,
            valid,
            ..Default::default()
        };
        for _ in 0..errors {
            s.tally(Code::S005, Level::Error);
        }
        for _ in 0..warnings {
            s.tally(Code::C005, Level::Warning);
        }
        s
    }

    #[test]
    fn a_folded_table_lists_the_files_to_fix_first() {
        let files = [
            file(10, 10, 0, 0),
            file(10, 10, 0, 3),
            file(10, 9, 1, 0),
            file(10, 10, 0, 0),
            file(10, 2, 8, 0),
            FileSummary {
                io_error: Some("no such file".into()),
                ..Default::default()
            },
            file(10, 10, 0, 1),
        ];
        // Errors (the lowest valid % first; an unreadable file counts no example, so 100%),
        // then warnings, then the rest, path order within a share.
        assert_eq!(files_in_table_order(&files, 3), [4, 2, 5, 1, 6, 0, 3]);
        // All of them shown: path order.
        assert_eq!(files_in_table_order(&files, 7), [0, 1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_cut_list_of_rules_keeps_the_rules_with_errors() {
        let by_rule = [
            (Code::C001, [900, 0, 0]),
            (Code::C005, [0, 500, 0]),
            (Code::C007, [40, 0, 0]),
            (Code::S005, [0, 0, 3]),
            (Code::J001, [0, 1, 2]),
        ];
        let codes = |rules: Vec<(Code, [u64; 3])>| -> Vec<Code> {
            rules.into_iter().map(|(c, _)| c).collect()
        };
        assert_eq!(
            codes(top_rules(&by_rule, 3)),
            [Code::S005, Code::J001, Code::C005]
        );
        assert_eq!(
            codes(top_rules(&by_rule, 5)),
            by_rule.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            "all of them: as given, most findings first"
        );
    }

    #[test]
    fn control_characters_in_paths_are_escaped() {
        assert_eq!(shown_path("data/train.jsonl"), "data/train.jsonl");
        assert_eq!(shown_path(r"data\train.jsonl"), r"data\train.jsonl");
        assert_eq!(shown_path("a\nb.jsonl"), r#""a\nb.jsonl""#);
        assert_eq!(
            shown_path("a\\b\r\t\u{1b}[31m.jsonl"),
            r#""a\\b\r\t\u{1b}[31m.jsonl""#
        );
        // A right-to-left override would show `b<RLO>lsonj.txt` as `btxt.jsonl`.
        assert_eq!(
            shown_path("b\u{202e}lsonj.txt\u{9b}"),
            r#""b\u{202e}lsonj.txt\u{9b}""#
        );
    }

    /// A name with a newline and a name with a backslash and an `n` would both print as
    /// `lit\n.jsonl` if escaping were all: the quotes tell them apart, and a name that
    /// starts with a quote is quoted itself, so no plain name looks like a quoted one.
    #[test]
    fn distinct_paths_are_shown_distinctly() {
        let names = [
            "lit\n.jsonl",
            r"lit\n.jsonl",
            r#""lit\n.jsonl""#,
            r#""lit"#,
            "\"lit\n.jsonl\"",
            r"C:\data\new\train.jsonl",
        ];
        let shown: Vec<String> = names.iter().map(|n| shown_path(n).into_owned()).collect();
        assert_eq!(
            shown,
            [
                r#""lit\n.jsonl""#,
                r"lit\n.jsonl",
                r#""\"lit\\n.jsonl\"""#,
                r#""\"lit""#,
                r#""\"lit\n.jsonl\"""#,
                r"C:\data\new\train.jsonl",
            ]
        );
        let unique: std::collections::BTreeSet<&String> = shown.iter().collect();
        assert_eq!(unique.len(), names.len());
    }

    /// A Persian folder's zero-width non-joiner is part of its name, as a soft hyphen or a
    /// tag character is of another: the path must name the file. What reorders text is
    /// escaped.
    #[test]
    fn joiners_and_format_characters_in_paths_are_kept() {
        assert_eq!(
            shown_path("داده\u{200c}ها/train.jsonl"),
            "داده\u{200c}ها/train.jsonl"
        );
        assert_eq!(shown_path("a\u{200d}b.jsonl"), "a\u{200d}b.jsonl");
        assert_eq!(
            shown_path("a\u{ad}b\u{e0041}.jsonl"),
            "a\u{ad}b\u{e0041}.jsonl"
        );
        assert_eq!(shown_path("a\u{200b}b.jsonl"), r#""a\u{200b}b.jsonl""#);
    }
}
