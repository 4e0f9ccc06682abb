//! What a record rule may touch: the record's location, its settings and a sink for findings.
//!
//! Every finding of a record passes through [`RecordContext`], which shows at most
//! [`MAX_PER_RULE`] findings of one rule for one record and counts the rest into one summary
//! finding per rule ([`RecordContext::finish`]): a line with five million malformed messages
//! needs fixing once, and a diagnostic per element would make the report (and its memory and
//! time) as big as the data.

use crate::diagnostic::{ColumnMark, Diagnostic, FileId, Location, Span};
use crate::rule::Level;
use crate::rules::Code;
use crate::settings::{RuleOptions, Settings};

/// Most findings of one rule shown for one record. The others are counted, and one more
/// finding of the rule, at the first one not shown, says how many: `4990 more invalid-message
/// findings in this record not shown one by one`. Validity counts them all: a record with a
/// hidden error is invalid. The figure is documented in the README (output) and in the
/// introduction of `docs/rules.md` (`crate::docs`): change them with it.
pub const MAX_PER_RULE: usize = 10;

/// The findings of one rule that were counted but not shown.
struct Hidden {
    code: Code,
    count: usize,
    /// The most severe level among them.
    level: Level,
    /// Where the first of them was.
    location: Location,
}

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
    /// Findings shown so far, per rule (indexed by `Code`).
    shown: [u32; Code::ALL.len()],
    hidden: Vec<Hidden>,
    /// Where the last location's column was counted, to count the next one from there.
    mark: ColumnMark,
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
            shown: [0; Code::ALL.len()],
            hidden: Vec::new(),
            mark: ColumnMark::default(),
        }
    }

    /// How many diagnostics this context has reported so far, shown or not.
    pub fn reported(&self) -> usize {
        self.reported
    }

    pub fn enabled(&self, code: Code) -> bool {
        self.settings.enabled(code)
    }

    pub fn options(&self) -> &RuleOptions {
        &self.settings.options
    }

    /// Reports `code` at `span` of this line, unless the rule is off.
    pub fn report(&mut self, code: Code, span: Span, message: impl Into<String>) {
        let level = self.settings.level(code);
        self.push(code, level, || (span, message.into()));
    }

    /// [`report`](Self::report) for a rule whose span or message costs time to work out
    /// (a column counted from the start of a long line, say): `finding` is called only for a
    /// finding that is shown, and for the first one that is not (the summary's location).
    pub fn report_with(&mut self, code: Code, finding: impl FnOnce() -> (Span, String)) {
        let level = self.settings.level(code);
        self.push(code, level, finding);
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
        self.push(code, level, || (span, message.into()));
    }

    fn push(&mut self, code: Code, level: Level, finding: impl FnOnce() -> (Span, String)) {
        if level == Level::Off {
            return;
        }
        if level == Level::Error {
            self.has_error = true;
        }
        self.reported += 1;
        let shown = &mut self.shown[code.index()];
        if (*shown as usize) >= MAX_PER_RULE {
            match self.hidden.iter_mut().find(|h| h.code == code) {
                Some(h) => {
                    h.count += 1;
                    h.level = h.level.max(level);
                }
                None => {
                    let (span, _) = finding();
                    let location = self.locate(span);
                    self.hidden.push(Hidden {
                        code,
                        count: 1,
                        level,
                        location,
                    });
                }
            }
            return;
        }
        *shown += 1;
        let (span, message) = finding();
        // Values from the data reach messages through `wording::quote`, which masks them;
        // this catches any that do not, so no message ever prints a secret whole.
        let message = crate::pii::mask_matches(&message);
        let location = self.locate(span);
        self.diagnostics.push(Diagnostic {
            code,
            level,
            location,
            message,
            related: Vec::new(),
            fingerprint: self.fingerprint,
        });
    }

    fn locate(&mut self, span: Span) -> Location {
        Location::in_line_from(
            self.file,
            self.line,
            self.line_offset,
            self.text,
            span,
            &mut self.mark,
        )
    }

    /// Adds one finding per rule that had more than [`MAX_PER_RULE`] findings in this
    /// record, saying how many were not shown. Call it once, after the record's last rule.
    pub fn finish(&mut self) {
        for h in std::mem::take(&mut self.hidden) {
            let name = h.code.meta().name;
            let findings = if h.count == 1 { "finding" } else { "findings" };
            self.diagnostics.push(Diagnostic {
                code: h.code,
                level: h.level,
                location: h.location,
                message: format!(
                    "{} more {name} {findings} in this record not shown one by one (at most {MAX_PER_RULE} per rule and record)",
                    h.count
                ),
                related: Vec::new(),
                fingerprint: self.fingerprint,
            });
        }
    }
}
