//! What a rule may touch: where it is (a file, or one record of it), the settings, and a
//! sink for findings. [`diagnostic`] is the one constructor of a diagnostic: the level
//! comes from the file's settings, and a rule that is off makes nothing.
//!
//! Every finding of a record passes through [`RecordContext`], which shows at most
//! [`MAX_PER_RULE`] findings of one rule for one record and counts the rest into one summary
//! finding per rule ([`RecordContext::finish`]): a line with five million malformed messages
//! needs fixing once, and a diagnostic per element would make the report (and its memory and
//! time) as big as the data.

use crate::diagnostic::{ColumnMark, Diagnostic, FileId, Location, RecordStart, Span};
use crate::registry::Code;
use crate::rule::Level;
use crate::settings::Settings;

/// Findings per rule (indexed by [`Code::index`]).
pub type Counts = [u32; Code::ALL.len()];
/// A diagnostic of `code` at `location`, at the rule's level in `settings` (at most `cap`);
/// `None` when the rule is off. Every finding is made here.
pub fn diagnostic(
    settings: &Settings,
    code: Code,
    cap: Level,
    location: Location,
    message: String,
) -> Option<Diagnostic> {
    let level = settings.level(code).min(cap);
    (level != Level::Off).then(|| diagnostic_at(code, level, location, message))
}

/// A diagnostic of `code` at `level` whatever the rule's level: for a finding that a named
/// target makes an error (see [`RecordContext::report_error`]); the caller has checked that
/// the rule is on.
pub fn diagnostic_at(code: Code, level: Level, location: Location, message: String) -> Diagnostic {
    Diagnostic {
        code,
        level,
        location,
        message,
        related: Vec::new(),
        fingerprint: 0,
        about_file: false,
        occurrence: 0,
    }
}

/// The context of the file-level checks (J rules on the head, the lines and the end of a
/// file): its settings and where its findings go.
pub struct FileContext<'a> {
    pub settings: &'a Settings,
    pub file: FileId,
    pub out: &'a mut Vec<Diagnostic>,
    /// Set when an error-level diagnostic was reported (a line that is then not valid).
    pub has_error: bool,
}

impl<'a> FileContext<'a> {
    pub fn new(settings: &'a Settings, file: FileId, out: &'a mut Vec<Diagnostic>) -> Self {
        FileContext {
            settings,
            file,
            out,
            has_error: false,
        }
    }

    pub fn enabled(&self, code: Code) -> bool {
        self.settings.enabled(code)
    }

    /// Reports `code` at `location`, unless the rule is off; returns whether it did.
    pub fn report(&mut self, code: Code, location: Location, message: impl Into<String>) -> bool {
        match diagnostic(self.settings, code, Level::Error, location, message.into()) {
            Some(d) => {
                self.has_error |= d.level == Level::Error;
                self.out.push(d);
                true
            }
            None => false,
        }
    }

    /// Reports `code` at the start of `line` (file-level findings).
    pub fn report_line(
        &mut self,
        code: Code,
        line: u64,
        offset: u64,
        message: impl Into<String>,
    ) -> bool {
        self.report(code, Location::line_start(self.file, line, offset), message)
    }

    /// Reports `code` about the whole file (empty, a table's schema): it points at line 1,
    /// which holds no row of a Parquet table, so the outputs name no row for it.
    pub fn report_file(&mut self, code: Code, message: impl Into<String>) -> bool {
        let location = Location::line_start(self.file, 1, 0);
        match diagnostic(self.settings, code, Level::Error, location, message.into()) {
            Some(mut d) => {
                d.about_file = true;
                self.has_error |= d.level == Level::Error;
                self.out.push(d);
                true
            }
            None => false,
        }
    }
}

/// Most findings of one rule shown for one record. The others are counted, and one more
/// finding of the rule, at the first one not shown, says how many: `4,990 more invalid-message
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
    /// Findings reported so far, shown or not, per rule.
    counts: Counts,
    /// The example's tokens, once counted (by T001, or for the token statistics).
    pub tokens: Option<crate::tokens::ExampleTokens>,
    /// Why the model's chat template could not render the example for the token statistics:
    /// T003 reports it without rendering again (a stopped render costs a second, and counts
    /// towards giving the template up).
    pub render_error: Option<crate::tokens::hf::RenderError>,
    /// The format the record is read as (set by `format::normalize`): what a shared reader
    /// such as the OpenAI message reader accepts may depend on it.
    pub format: crate::settings::FormatChoice,
    hidden: Vec<Hidden>,
    /// Where the last location's column was counted, to count the next one from there.
    mark: ColumnMark,
    /// Set for a record that is not a whole line (an element of a `.json` array): spans are
    /// located from where it starts, over its lines.
    pub start: Option<RecordStart>,
    /// Set for a record whose messages the target converts for its vision collator
    /// ([`crate::target::Target::vision_messages`]): a role that conversion refuses has
    /// been reported as an error, which the role checks do not repeat.
    pub vision: bool,
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
            counts: [0; Code::ALL.len()],
            tokens: None,
            render_error: None,
            format: crate::settings::FormatChoice::Auto,
            hidden: Vec::new(),
            mark: ColumnMark::default(),
            start: None,
            vision: false,
        }
    }

    /// How many diagnostics this context has reported so far, shown or not.
    pub fn reported(&self) -> usize {
        self.reported
    }

    /// How many findings of each rule this record has had so far, shown or not.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// How many findings of `code` this record has had so far, shown or not.
    pub fn count(&self, code: Code) -> usize {
        self.counts[code.index()] as usize
    }

    pub fn enabled(&self, code: Code) -> bool {
        self.settings.enabled(code)
    }

    /// Reports `code` at `span` of this line, unless the rule is off.
    pub fn report(&mut self, code: Code, span: Span, message: impl Into<String>) {
        self.push(code, Level::Error, || (span, message.into()));
    }

    /// [`report`](Self::report) for a rule whose span or message costs time to work out
    /// (a column counted from the start of a long line, say): `finding` is called only for a
    /// finding that is shown, and for the first one that is not (the summary's location).
    pub fn report_with(&mut self, code: Code, finding: impl FnOnce() -> (Span, String)) {
        self.push(code, Level::Error, finding);
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
        self.push(code, cap, || (span, message.into()));
    }

    /// Reports an error whatever the rule's default level, unless the rule is off: for the
    /// case of a rule that a named target turns into a rejected upload (two user messages in
    /// a row are an O006 warning, and an error where Together or Bedrock validates the file).
    /// A level the user chose (`--warn O006`) is kept.
    pub fn report_error(&mut self, code: Code, span: Span, message: impl Into<String>) {
        if self.settings.chosen_levels[code.index()] {
            self.push(code, Level::Error, || (span, message.into()));
        } else if self.enabled(code) {
            self.push_at(code, Level::Error, || (span, message.into()));
        }
    }

    /// Counts a finding of `code` at the rule's level (at most `cap`); makes it when it is
    /// among the first [`MAX_PER_RULE`] of its rule in this record.
    fn push(&mut self, code: Code, cap: Level, finding: impl FnOnce() -> (Span, String)) {
        let level = self.settings.level(code).min(cap);
        self.push_at(code, level, finding);
    }

    /// [`push`](Self::push) at `level`.
    fn push_at(&mut self, code: Code, level: Level, finding: impl FnOnce() -> (Span, String)) {
        if level == Level::Off {
            return;
        }
        if level == Level::Error {
            self.has_error = true;
        }
        self.reported += 1;
        self.counts[code.index()] += 1;
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
        let mut d = diagnostic_at(code, level, location, message);
        d.fingerprint = self.fingerprint;
        self.diagnostics.push(d);
    }

    fn locate(&mut self, span: Span) -> Location {
        if let Some(start) = &self.start {
            return Location::in_record(self.file, start, self.text, span);
        }
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
    /// record, saying how many were not shown (`name` gives a rule's name). Call it once,
    /// after the record's last rule.
    pub fn finish(&mut self, name: fn(Code) -> &'static str) {
        for h in std::mem::take(&mut self.hidden) {
            let name = name(h.code);
            let findings = if h.count == 1 { "finding" } else { "findings" };
            let message = format!(
                "{} more {name} {findings} in this record not shown one by one (at most {MAX_PER_RULE} per rule and record)",
                crate::wording::thousands(h.count as u64)
            );
            if let Some(mut d) = diagnostic(self.settings, h.code, h.level, h.location, message) {
                d.fingerprint = self.fingerprint;
                self.diagnostics.push(d);
            }
        }
    }
}
