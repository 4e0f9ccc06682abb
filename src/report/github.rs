//! `github`: GitHub Actions workflow commands, one annotation per diagnostic as it arrives,
//! `::error file=PATH,line=L,col=C,endColumn=E,title=CODE name::message`.
//!
//! A file that could not be read and each failed gate are annotations too, written when the
//! run ends. GitHub shows only the first few annotations of each level per step, so error
//! findings after the first [`ERRORS_FIRST`] are held back and written after those: why the
//! run failed is among the errors a pull request shows, however many findings there are.
//! Warnings and notices past [`WRITTEN_MAX`] of each are counted, not written: GitHub shows
//! none of them, and a log of hundreds of megabytes helps nobody. The output ends with a
//! plain line saying how many annotations there were (every `::` line above), how many
//! findings were not written, and where the full list is.

use std::io::{self, Write};

use super::{FileInfo, RenderOptions, Renderer, RunSummary};
use crate::diagnostic::Diagnostic;
use crate::rule::Level;

/// How many annotations of one level GitHub shows for a step.
pub const SHOWN_PER_LEVEL: u64 = 10;
/// Error findings written as they arrive; the rest wait for the unreadable files and failed
/// gates, so that those are among the errors GitHub shows.
pub const ERRORS_FIRST: u64 = SHOWN_PER_LEVEL / 2;
/// Annotations of each level written at most (errors: the first ones and those held back, a
/// few MB); more are counted, not written: GitHub shows none of them, and the last line says
/// where the full list is.
pub const WRITTEN_MAX: u64 = 10_000;
/// Error findings held back at most: with the first ones, [`WRITTEN_MAX`].
const HELD_MAX: usize = (WRITTEN_MAX - ERRORS_FIRST) as usize;

/// Escapes the message of a workflow command, as GitHub's toolkit does (`escapeData`), and
/// writes other control characters but the tab, and the invisible ones but the joiners, as
/// `\u{1b}` (a file name's escape sequence would otherwise reach the log as it is, as the
/// other text formats never let it; a Persian folder's zero-width non-joiner is part of its
/// name, which `file=` must give as it is).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '\t' => out.push(c),
            c if crate::wording::unseen_in_text(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value of a workflow command (`escapeProperty`): also `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Where a level's figures are in `counts` and `left_out`.
fn level_index(level: Level) -> usize {
    match level {
        Level::Error => 2,
        Level::Warning => 1,
        Level::Info | Level::Off => 0,
    }
}

fn command(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info | Level::Off => "notice",
    }
}

pub struct Github {
    pub options: RenderOptions,
    /// Each input's path relative to the repository root, by file id.
    paths: Vec<String>,
    /// Where the full list of findings is (a SARIF or JSON file written in the same run).
    full_list: Option<String>,
    /// Annotations written, by level: `[notice, warning, error]`.
    counts: [u64; 3],
    /// Error annotations held back until the gates are written.
    held: Vec<String>,
    /// Findings not written, by level as `counts`: errors past [`HELD_MAX`] held back,
    /// warnings and notices past [`WRITTEN_MAX`].
    left_out: [u64; 3],
}

impl Github {
    pub fn new(options: RenderOptions, paths: Vec<String>, full_list: Option<String>) -> Self {
        Github {
            options,
            paths,
            full_list,
            counts: [0; 3],
            held: Vec::new(),
            left_out: [0; 3],
        }
    }
}

impl Renderer for Github {
    fn diagnostic(
        &mut self,
        out: &mut dyn Write,
        d: &Diagnostic,
        files: &[FileInfo],
    ) -> io::Result<()> {
        let loc = &d.location;
        let path = |file: u32| {
            self.paths
                .get(file as usize)
                .or_else(|| files.get(file as usize).map(|f| &f.display))
                .map_or("-", String::as_str)
        };
        let rows = |file: u32| files.get(file as usize).is_some_and(|f| f.rows);
        let mut props = format!("file={}", escape_property(path(loc.file)));
        let mut message = String::new();
        if rows(loc.file) {
            // A Parquet table's row: the annotation is on the file, the row in its message
            // (none for a finding about the whole table).
            if !d.about_file {
                message.push_str(&format!("row {}: ", super::row_of(loc.line)));
            }
        } else {
            props.push_str(&format!(",line={}", loc.line));
            // Columns only for a real span; a finding about a whole line points at the line.
            if loc.end_column > loc.column {
                props.push_str(&format!(",col={},endColumn={}", loc.column, loc.end_column));
            }
        }
        let meta = d.code.meta();
        props.push_str(&format!(
            ",title={}",
            escape_property(&format!("{} {}", meta.code, meta.name))
        ));
        message.push_str(&super::message_with_paths(d, files, |f| path(f).to_owned()));
        for r in &d.related {
            let shown = super::shown_path(path(r.file));
            if rows(r.file) {
                message.push_str(&format!(
                    "\n{shown}: row {}: {}",
                    super::row_of(r.line),
                    r.message
                ));
            } else {
                message.push_str(&format!("\n{shown}:{}: {}", r.line, r.message));
            }
        }
        message.push_str(&format!(
            "\nrun `tunelint explain {}` for details",
            meta.code
        ));
        let level = level_index(d.level);
        if level != 2 && self.counts[level] >= WRITTEN_MAX {
            self.left_out[level] += 1;
            return Ok(());
        }
        let line = format!("::{} {props}::{}", command(d.level), escape_data(&message));
        if level == 2 && self.counts[2] >= ERRORS_FIRST {
            if self.held.len() < HELD_MAX {
                self.held.push(line);
                self.counts[2] += 1;
            } else {
                self.left_out[2] += 1;
            }
            return Ok(());
        }
        self.counts[level] += 1;
        writeln!(out, "{line}")
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        // A file that could not be read has no findings, or those of the examples read
        // before the error: its own annotation says why, and which.
        for (i, (f, s)) in summary.files.iter().zip(summary.summaries).enumerate() {
            if let Some(reason) = &s.io_error {
                let path = self.paths.get(i).unwrap_or(&f.display);
                let linted = match s.examples {
                    0 => "it was not linted".to_owned(),
                    n => format!(
                        "the {} before the error {} linted, the rest not",
                        crate::wording::plural(n, "example"),
                        if n == 1 { "was" } else { "were" }
                    ),
                };
                writeln!(
                    out,
                    "::error file={},title=unreadable file::{}",
                    escape_property(path),
                    escape_data(&format!("could not be read: {reason}; {linted}"))
                )?;
                self.counts[2] += 1;
            }
        }
        for gate in summary.gates.iter().filter(|g| !g.passed) {
            writeln!(
                out,
                "::error title=tunelint gate::{}",
                escape_data(&gate.line())
            )?;
            self.counts[2] += 1;
        }
        for line in std::mem::take(&mut self.held) {
            writeln!(out, "{line}")?;
        }
        if !self.options.quiet {
            writeln!(out, "{}", super::summary::one_line(summary))?;
            for note in super::summary::notes(summary) {
                writeln!(out, "{note}")?;
            }
        }
        let [notices, warnings, errors] = self.counts;
        let total = notices + warnings + errors;
        let plural = crate::wording::plural;
        let mut line = format!(
            "tunelint: {} ({}, {}, {})",
            plural(total, "annotation"),
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(notices, "notice"),
        );
        let limits = [WRITTEN_MAX; 3];
        for (level, name) in [(2, "error"), (1, "warning"), (0, "notice")] {
            if self.left_out[level] > 0 {
                line.push_str(&format!(
                    "; {} not written (past {})",
                    plural(self.left_out[level], &format!("more {name} finding")),
                    crate::wording::thousands(limits[level])
                ));
            }
        }
        if self.counts.iter().any(|&n| n > SHOWN_PER_LEVEL) {
            line.push_str(&format!(
                "; GitHub shows the first {SHOWN_PER_LEVEL} of each level per step"
            ));
        }
        match &self.full_list {
            Some(file) => line.push_str(&format!("; the full list is in {file}")),
            None if total > 0 => {
                line.push_str("; run tunelint locally (`tunelint --format full`) for the full list")
            }
            None => {}
        }
        writeln!(out, "{line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a, b"),
            "100%25 sure%0D%0Anext: a, b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // Other control characters never reach the log as they are; a tab does.
        assert_eq!(
            escape_property("ansi\u{1b}[31mred\u{1b}[0m\t.jsonl"),
            "ansi\\u{1b}[31mred\\u{1b}[0m\t.jsonl"
        );
        assert_eq!(escape_data("x\u{9b}2J\u{202e}"), "x\\u{9b}2J\\u{202e}");
    }
}
