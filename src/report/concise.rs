//! `concise`: one line per diagnostic, `PATH:LINE:COL: CODE message`, for editors and grep.

use std::io::{self, Write};

use super::{FileInfo, RenderOptions, Renderer, RunSummary};
use crate::engine::Finding;

pub struct Concise {
    pub options: RenderOptions,
}

impl Renderer for Concise {
    fn diagnostic(
        &mut self,
        out: &mut dyn Write,
        finding: &Finding<'_>,
        files: &[FileInfo],
    ) -> io::Result<()> {
        let d = &finding.diagnostic;
        let path = super::shown_path(&files[d.location.file as usize].display);
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            path,
            d.location.line,
            d.location.column,
            d.code.as_str(),
            d.message
        )
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        if self.options.quiet {
            return Ok(());
        }
        writeln!(out, "{}", super::summary::one_line(summary))?;
        for gate in summary.gates.iter().filter(|g| !g.passed) {
            writeln!(out, "{}", gate.line())?;
        }
        Ok(())
    }
}
