//! Output formats: each file renders the one stream of diagnostics plus one run summary.

pub mod concise;
pub mod full;
pub mod github;
pub mod json;
pub mod markdown;
pub mod progress;
pub mod sarif;
pub mod snippet;
pub mod summary;

use std::io::{self, Write};

use crate::engine::{FileSummary, Finding, InputSource};
use crate::gates::GateOutcome;

/// The inputs, as renderers see them.
pub struct FileInfo {
    pub display: String,
    pub source: InputSource,
}

/// Everything known at the end of a run.
pub struct RunSummary<'a> {
    pub files: &'a [FileInfo],
    pub summaries: &'a [FileSummary],
    pub total: FileSummary,
    pub gates: Vec<GateOutcome>,
}

/// How a format writes: diagnostics as they arrive (in order), then the summary.
pub trait Renderer {
    fn diagnostic(
        &mut self,
        out: &mut dyn Write,
        finding: &Finding<'_>,
        files: &[FileInfo],
    ) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()>;
}

/// Options every human-facing renderer honours.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
    pub statistics: bool,
}
