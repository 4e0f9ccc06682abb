//! `concise`: one line per diagnostic, `PATH:LINE:COL: CODE message`, for editors and grep;
//! then the summary line, the token totals (`--token-stats`) and the failed gates.

use std::io::{self, Write};

use super::{FileInfo, RenderOptions, Renderer, RunSummary};
use crate::diagnostic::Diagnostic;

pub struct Concise {
    pub options: RenderOptions,
}

impl Renderer for Concise {
    fn diagnostic(
        &mut self,
        out: &mut dyn Write,
        d: &Diagnostic,
        files: &[FileInfo],
    ) -> io::Result<()> {
        let info = &files[d.location.file as usize];
        // `--color`: the place in bold, the code in its level's colour (as `full` shows them).
        let (bold, code_colour, reset) = if self.options.color {
            let colour = match d.level {
                crate::rule::Level::Error => "\x1b[1;31m",
                crate::rule::Level::Warning => "\x1b[1;33m",
                _ => "\x1b[1;36m",
            };
            ("\x1b[1m", colour, "\x1b[0m")
        } else {
            ("", "", "")
        };
        let code = d.code.as_str();
        if info.rows {
            // A table's row has no line and column a reader could go to.
            return writeln!(
                out,
                "{bold}{}:{reset} {code_colour}{code}{reset} {}",
                info.at_table(d),
                d.message
            );
        }
        let path = super::shown_path(&info.display);
        writeln!(
            out,
            "{bold}{}:{}:{}:{reset} {code_colour}{code}{reset} {}",
            path, d.location.line, d.location.column, d.message
        )
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        if self.options.quiet {
            return Ok(());
        }
        // `--statistics`: every rule's findings, as `full` lists them.
        if self.options.statistics {
            for line in super::summary::rule_lines(&summary.total.by_rule()) {
                writeln!(out, "{line}")?;
            }
        }
        writeln!(out, "{}", super::summary::one_line(summary))?;
        // What was read as context and what the baseline held back: a pre-commit hook's
        // output is concise, and its context is what makes its duplicate verdict whole.
        for note in super::summary::notes(summary) {
            writeln!(out, "{note}")?;
        }
        if let Some(t) = &summary.total.tokens {
            let n = crate::wording::thousands;
            writeln!(
                out,
                "tokens: {} total, p50 {}, p95 {}, max {} ({})",
                n(t.total),
                n(t.percentile(50)),
                n(t.percentile(95)),
                n(t.max()),
                t.tokenizer_name()
            )?;
        }
        for gate in summary.gates.iter().filter(|g| !g.passed) {
            writeln!(out, "{}", gate.line())?;
        }
        Ok(())
    }
}
