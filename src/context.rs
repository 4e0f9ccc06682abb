//! What a record rule may touch: the record's location, its settings and a sink for findings.

use crate::diagnostic::{Diagnostic, FileId, Location, Span};
use crate::rule::Level;
use crate::rules::Code;
use crate::settings::Settings;

/// The context of one record (one line of one file) while its rules run.
pub struct RecordContext<'a> {
    pub settings: &'a Settings,
    pub file: FileId,
    /// 1-based line number.
    pub line: u64,
    /// Byte offset of the line in the file.
    pub line_offset: u64,
    /// The line's text (without its line terminator).
    pub text: &'a str,
    pub fingerprint: u64,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Set when an error-level diagnostic was reported: the example is then not valid.
    pub has_error: bool,
    reported: usize,
}

impl<'a> RecordContext<'a> {
    pub fn new(
        settings: &'a Settings,
        file: FileId,
        line: u64,
        line_offset: u64,
        text: &'a str,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        RecordContext {
            settings,
            file,
            line,
            line_offset,
            text,
            fingerprint: 0,
            diagnostics,
            has_error: false,
            reported: 0,
        }
    }

    /// How many diagnostics this context has reported so far.
    pub fn reported(&self) -> usize {
        self.reported
    }

    pub fn enabled(&self, code: Code) -> bool {
        self.settings.enabled(code)
    }

    /// Reports `code` at `span` of this line, unless the rule is off.
    pub fn report(&mut self, code: Code, span: Span, message: impl Into<String>) {
        let level = self.settings.level(code);
        self.push(code, level, span, message.into());
    }

    /// Reports at most at `cap`: for the milder cases of a rule (S005 on `developer` is a
    /// warning while S005 is an error).
    pub fn report_capped(
        &mut self,
        code: Code,
        cap: Level,
        span: Span,
        message: impl Into<String>,
    ) {
        let level = self.settings.level(code).min(cap);
        self.push(code, level, span, message.into());
    }

    fn push(&mut self, code: Code, level: Level, span: Span, message: String) {
        if level == Level::Off {
            return;
        }
        if level == Level::Error {
            self.has_error = true;
        }
        self.reported += 1;
        // Values from the data reach messages through `wording::quote`, which masks them;
        // this catches any that do not, so no message ever prints a secret whole.
        let message = crate::rules::privacy::mask_matches(&message);
        let location = Location::in_line(self.file, self.line, self.line_offset, self.text, span);
        self.diagnostics.push(Diagnostic {
            code,
            level,
            location,
            message,
            related: Vec::new(),
            fingerprint: self.fingerprint,
        });
    }
}
