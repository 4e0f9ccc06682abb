//! `full`: every diagnostic rendered by codespan-reporting with the offending JSON value
//! underlined in its line (cropped around the span), then the run summary.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, termcolor};

use super::{FileInfo, RenderOptions, Renderer, RunSummary};
use crate::diagnostic::Diagnostic;
use crate::registry::Code;
use crate::rule::{Category, Level};
use crate::snippet::{Snippet, SnippetReader};

pub struct Full {
    pub options: RenderOptions,
    snippets: SnippetReader,
    config: Config,
}

impl Full {
    pub fn new(options: RenderOptions) -> Self {
        Full {
            options,
            snippets: SnippetReader::default(),
            config: Config::default(),
        }
    }
}

/// One cropped line posing as a whole file, so codespan prints the real line and column
/// numbers of a window into a line that may be megabytes long.
struct LineView<'a> {
    name: &'a str,
    line: u64,
    snippet: Snippet,
}

impl<'a> Files<'a> for LineView<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, _: ()) -> Result<&'a str, FilesError> {
        Ok(&self.snippet.text)
    }

    fn line_index(&'a self, _: (), _: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, _: (), _: usize) -> Result<usize, FilesError> {
        Ok(self.line as usize)
    }

    fn column_number(&'a self, _: (), _: usize, byte_index: usize) -> Result<usize, FilesError> {
        let upto = byte_index.min(self.snippet.text.len());
        let chars = self
            .snippet
            .text
            .get(..upto)
            .map_or(0, |s| s.chars().count());
        Ok(self.snippet.first_column as usize + chars)
    }

    fn line_range(&'a self, _: (), _: usize) -> Result<Range<usize>, FilesError> {
        Ok(0..self.snippet.text.len())
    }
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Info | Level::Off => Severity::Note,
    }
}

impl Renderer for Full {
    fn diagnostic(
        &mut self,
        out: &mut dyn Write,
        d: &Diagnostic,
        files: &[FileInfo],
    ) -> io::Result<()> {
        let info = &files[d.location.file as usize];
        // A finding about a whole Parquet table shows none of its rows.
        let about_table = info.rows && info.row(d).is_none();
        let snippet = info
            .reread
            .as_ref()
            .filter(|_| !about_table)
            .and_then(|r| self.snippets.read(r, &d.location));
        let mut snippet = snippet.unwrap_or_else(|| Snippet {
            text: String::new(),
            label: 0..0,
            first_column: d.location.column,
        });
        // The snippet comes masked (secrets and personal details, as the P messages quote
        // them); a P rule's own span is hidden too.
        if d.code.meta().category == Category::Privacy {
            snippet.redact();
        }
        // A line that is not JSON may be a piece of a record broken by raw line breaks: a
        // key's lines or halves, which no detector can tell from one line.
        if matches!(d.code, Code::J001 | Code::J002 | Code::J004) {
            snippet.hide_key_pieces();
        }
        let label = snippet.label.clone();
        // A Parquet table's row is shown as the one line of JSON it was read as.
        let (name, line) = if info.rows {
            (info.at_table(d), 1)
        } else {
            (
                super::shown_path(&info.display).into_owned(),
                d.location.line,
            )
        };
        let view = LineView {
            name: &name,
            line,
            snippet,
        };
        let meta = d.code.meta();
        let mut notes: Vec<String> = d
            .related
            .iter()
            .map(|r| format!("{}: {}", files[r.file as usize].at(r.line), r.message))
            .collect();
        notes.push(format!("run `tunelint explain {}` for details", meta.code));
        let diagnostic = CsDiagnostic::new(severity(d.level))
            .with_code(meta.code)
            .with_message(&d.message)
            .with_labels(vec![Label::primary((), label).with_message(meta.name)])
            .with_notes(notes);
        let mut buffer = if self.options.color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        term::emit_to_write_style(&mut buffer, &self.config, &view, &diagnostic).map_err(|e| {
            match e {
                FilesError::Io(e) => e,
                other => io::Error::other(other.to_string()),
            }
        })?;
        out.write_all(buffer.as_slice())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        if self.options.quiet {
            return Ok(());
        }
        super::summary::write(out, summary, self.options.statistics)
    }
}
