//! The workers: each takes a chunk of whole lines and, line by line, checks the bytes (J003,
//! J004, J008), parses the JSON (J001, J002, J010), normalises the record through its input
//! format (the S rules), runs the registry's record rules on it, and feeds the facts the
//! dataset rules declared.

use crossbeam_channel::{Receiver, Sender};

use super::Job;
use crate::context::{FileContext, RecordContext};
use crate::dataset::{FactKind, FileFacts, RecordView};
use crate::diagnostic::{Diagnostic, FileId, RecordStart};
use crate::format;
use crate::json::Parser;
use crate::rules::Code;
use crate::rules::jsonl::{
    blank_line, duplicate_key, invalid_json, invalid_utf8, line_too_large, not_an_object,
};
use crate::settings::FormatChoice;
use crate::source;

/// One unit of the reader's output, numbered in input order.
pub(super) struct Work {
    pub seq: u64,
    pub file: FileId,
    pub kind: WorkKind,
}

pub(super) enum WorkKind {
    Lines {
        buf: Vec<u8>,
        first_line: u64,
        offset: u64,
        format: FormatChoice,
        /// Findings of the file's head, sorted in with the first chunk's.
        pre: Vec<Diagnostic>,
    },
    /// Records of a `.json` array: each is `buf[start..end]`, starting at `at` in the file.
    Records {
        buf: Vec<u8>,
        records: Vec<(usize, usize, RecordStart)>,
        format: FormatChoice,
        /// Findings of the file's head and of the array's punctuation, sorted in with the
        /// records'.
        pre: Vec<Diagnostic>,
    },
    /// A piece of a `.json` array's text, split into records by the worker.
    Piece(super::pieces::Piece),
    /// Findings the reader made itself, and figures to add to the file's summary.
    Findings {
        diagnostics: Vec<Diagnostic>,
        bytes: u64,
        io_error: Option<String>,
        format: Option<FormatChoice>,
    },
    /// A line too long to read (J008): an example, invalid when J008 is an error.
    TooLong {
        diagnostics: Vec<Diagnostic>,
        valid: bool,
    },
}

/// A processed chunk.
#[derive(Default)]
pub(super) struct Done {
    pub seq: u64,
    pub file: FileId,
    pub diagnostics: Vec<Diagnostic>,
    /// Blank lines before the chunk's first data line (all of its lines when it has none):
    /// they may continue the run that ended the chunk before.
    pub leading_blank: Option<blank_line::Run>,
    /// Blank lines after the chunk's last data line: J003 only if a later chunk has data.
    pub trailing_blank: Option<blank_line::Run>,
    pub has_data: bool,
    pub examples: u64,
    pub valid: u64,
    pub bytes: u64,
    pub io_error: Option<String>,
    pub format: Option<FormatChoice>,
    /// What the dataset rules need of each record, in line order.
    pub facts: Option<FileFacts>,
    /// Token figures of the chunk's examples, when token statistics are on.
    pub tokens: crate::tokens::TokenStats,
}

pub(super) fn worker(
    jobs: &[Job],
    kinds: &Option<Vec<&'static FactKind>>,
    defer_hashes: bool,
    work: Receiver<Work>,
    done: Sender<Done>,
    pool: Sender<Vec<u8>>,
) {
    let mut parser = Parser::new();
    for item in work.iter() {
        let mut result = Done {
            seq: item.seq,
            file: item.file,
            ..Default::default()
        };
        match item.kind {
            WorkKind::Lines {
                buf,
                first_line,
                offset,
                format,
                pre,
            } => {
                let job = &jobs[item.file as usize];
                let facts = (kinds, defer_hashes);
                Chunk::new(job, item.file, format, &mut parser, facts, pre, &mut result)
                    .lint(&buf, first_line, offset);
                let _ = pool.send(buf);
            }
            WorkKind::Records {
                buf,
                records,
                format,
                pre,
            } => {
                let job = &jobs[item.file as usize];
                let facts = (kinds, defer_hashes);
                Chunk::new(job, item.file, format, &mut parser, facts, pre, &mut result)
                    .lint_records(&buf, &records);
                let _ = pool.send(buf);
            }
            WorkKind::Piece(piece) => {
                let job = &jobs[item.file as usize];
                lint_piece(job, &mut parser, (kinds, defer_hashes), &piece, &mut result);
                let _ = pool.send(piece.buf);
            }
            WorkKind::Findings {
                diagnostics,
                bytes,
                io_error,
                format,
            } => {
                result.diagnostics = diagnostics;
                result.bytes = bytes;
                result.io_error = io_error;
                result.format = format;
            }
            WorkKind::TooLong { diagnostics, valid } => {
                result.examples = 1;
                result.has_data = true;
                result.valid = u64::from(valid);
                result.diagnostics = diagnostics;
            }
        }
        if done.send(result).is_err() {
            return;
        }
    }
}

/// Lints a piece of a `.json` array (see `pieces`): the fast way when it is whole records
/// and starts where a record starts, by the scan from where the piece before ended
/// otherwise; then tells the next piece's worker how it ended.
fn lint_piece(
    job: &Job,
    parser: &mut Parser,
    facts: (&Option<Vec<&'static FactKind>>, bool),
    piece: &super::pieces::Piece,
    out: &mut Done,
) {
    use super::pieces::{self, Ending};
    let mut teller = pieces::Teller::new(&piece.chain, piece.index);
    let file = out.file;
    let mut fast = Done {
        seq: out.seq,
        file,
        ..Default::default()
    };
    let whole = {
        let mut chunk = Chunk::new(
            job,
            file,
            piece.format,
            parser,
            facts,
            piece.pre.clone(),
            &mut fast,
        );
        let whole = pieces::read_fast(piece, &mut |text, at| {
            chunk.out.has_data = true;
            chunk.out.examples += 1;
            let (valid, len) = chunk.record_as(text, at.line, at.line_offset, Some(at), true)?;
            chunk.out.valid += u64::from(valid);
            Some(len)
        });
        chunk.out.diagnostics.sort_by_key(|d| d.sort_key());
        chunk.finish();
        whole
    };
    let before = piece.index.checked_sub(1).map(|i| piece.chain.ending(i));
    match before {
        Some(Ending::Failed) => teller.set(Ending::Failed),
        None | Some(Ending::Between) if whole => {
            *out = fast;
            teller.set(Ending::Between);
        }
        before => {
            let scanned = pieces::scan(piece, before, &job.settings, file);
            teller.set(scanned.ending);
            Chunk::new(job, file, piece.format, parser, facts, scanned.pre, out)
                .lint_records(&scanned.batch, &scanned.records);
            let (long, valid) = scanned.too_long;
            out.examples += long;
            out.valid += valid;
            out.has_data |= long > 0;
        }
    }
}

/// The state of one chunk being linted.
struct Chunk<'a> {
    file: FileId,
    job: &'a Job,
    format: FormatChoice,
    parser: &'a mut Parser,
    facts: Option<FileFacts>,
    /// The file's tokenizer and limits, when token statistics are on.
    counting: Option<crate::tokens::Counting>,
    out: &'a mut Done,
}

impl<'a> Chunk<'a> {
    /// A chunk of `job`'s records to lint into `out`, after the reader's findings on it
    /// (`pre`), collecting the facts of `kinds` (with their hashes deferred, see
    /// [`FileFacts::new`]).
    fn new(
        job: &'a Job,
        file: FileId,
        format: FormatChoice,
        parser: &'a mut Parser,
        (kinds, defer_hashes): (&Option<Vec<&'static FactKind>>, bool),
        pre: Vec<Diagnostic>,
        out: &'a mut Done,
    ) -> Self {
        out.diagnostics = pre;
        Chunk {
            file,
            job,
            format,
            parser,
            facts: kinds
                .as_ref()
                .map(|k| FileFacts::new(k, &job.settings, defer_hashes)),
            counting: job.settings.token_stats.then(|| job.settings.counting()),
            out,
        }
    }

    /// Puts the facts collected into the result.
    fn finish(mut self) {
        self.out.facts = self.facts.take();
    }
    /// Lints the lines of `buf` (the first is `first_line`, at byte `offset` of the file),
    /// then finishes.
    fn lint(mut self, buf: &[u8], first_line: u64, offset: u64) {
        let settings = &self.job.settings;
        let max_line = settings.max_line_bytes();
        let mut blank: Option<blank_line::Run> = None;
        for (line, line_offset, bytes) in source::lines(buf, first_line, offset) {
            if blank_line::is_blank(bytes) {
                blank = Some(blank_line::Run::extend(blank, line, line_offset));
                continue;
            }
            // Blank lines are reported only when data follows them; those before the chunk's
            // first data line by the collector, which knows whether the chunk before ended
            // with blank lines too.
            if let Some(run) = blank.take() {
                if self.out.has_data {
                    let mut ctx = FileContext::new(settings, self.file, &mut self.out.diagnostics);
                    blank_line::report(&mut ctx, run);
                } else {
                    self.out.leading_blank = Some(run);
                }
            }
            self.out.has_data = true;
            self.out.examples += 1;
            let first = self.out.diagnostics.len();
            let valid = if bytes.len() as u64 > max_line {
                let mut ctx = FileContext::new(settings, self.file, &mut self.out.diagnostics);
                line_too_large::report(&mut ctx, line, line_offset, bytes.len() as u64);
                let valid = !ctx.has_error;
                name_unread_record(&mut self.out.diagnostics[first..], None, bytes.len());
                valid
            } else {
                let mut ctx = FileContext::new(settings, self.file, &mut self.out.diagnostics);
                match invalid_utf8::check(bytes, line, line_offset, &mut ctx) {
                    Some(text) => self.record(text, line, line_offset, None),
                    None => {
                        let valid = !ctx.has_error;
                        name_unread_record(&mut self.out.diagnostics[first..], Some(bytes), 0);
                        valid
                    }
                }
            };
            if valid {
                self.out.valid += 1;
            }
        }
        if self.out.has_data {
            self.out.trailing_blank = blank;
        } else {
            self.out.leading_blank = blank;
        }
        self.out.diagnostics.sort_by_key(|d| d.sort_key());
        self.finish();
    }

    /// Lints the records of a `.json` array as [`lint`](Self::lint) lints lines: the
    /// same checks, located from where each record starts; then finishes.
    fn lint_records(mut self, buf: &[u8], records: &[(usize, usize, RecordStart)]) {
        let settings = &self.job.settings;
        for (start, end, at) in records {
            let bytes = &buf[*start..*end];
            self.out.has_data = true;
            self.out.examples += 1;
            let first = self.out.diagnostics.len();
            let mut ctx = FileContext::new(settings, self.file, &mut self.out.diagnostics);
            let valid = match invalid_utf8::check_record(bytes, at, &mut ctx) {
                Some(text) => self.record(text, at.line, at.line_offset, Some(*at)),
                None => {
                    let valid = !ctx.has_error;
                    name_unread_record(&mut self.out.diagnostics[first..], Some(bytes), 0);
                    valid
                }
            };
            if valid {
                self.out.valid += 1;
            }
        }
        self.out.diagnostics.sort_by_key(|d| d.sort_key());
        self.finish();
    }

    /// Lints one record's text (a line, or from `start` an element of a `.json` array);
    /// returns whether the example is valid (no error-level finding), and adds what the
    /// dataset rules need of a record that parsed.
    fn record(
        &mut self,
        text: &str,
        line: u64,
        line_offset: u64,
        start: Option<RecordStart>,
    ) -> bool {
        self.record_as(text, line, line_offset, start, false)
            .is_some_and(|(valid, _)| valid)
    }

    /// [`record`](Self::record) for the record `text` starts with (`prefix`: an element of
    /// an array, followed by the rest of the array): also returns the record's length.
    /// `None`, with nothing linted, when it is not a whole JSON value or is too long to
    /// read (the caller reads it again the careful way).
    pub(super) fn record_as(
        &mut self,
        text: &str,
        line: u64,
        line_offset: u64,
        start: Option<RecordStart>,
        prefix: bool,
    ) -> Option<(bool, usize)> {
        let settings = &self.job.settings;
        if panic_at_line() == Some(line) {
            panic!("TUNELINT_PANIC_AT_LINE={line}: a forced internal error, for the tests");
        }
        let first = self.out.diagnostics.len();
        let mut fingerprint = None;
        let parsed = if prefix {
            match self.parser.parse_prefix(text) {
                Ok(doc) if doc.src().len() as u64 <= settings.max_line_bytes() => Ok(doc),
                _ => return None,
            }
        } else {
            self.parser.parse(text)
        };
        let text = parsed.as_ref().map_or(text, |doc| doc.src());
        let mut ctx = RecordContext::new(
            settings,
            self.file,
            line,
            line_offset,
            text,
            &mut self.out.diagnostics,
        );
        ctx.start = start;
        match parsed {
            Err(e) => {
                invalid_json::report(text, &e, &mut ctx);
                // Not JSON, but committed all the same: a key in it leaks as any other.
                crate::rules::privacy::check_unread(
                    &mut ctx,
                    "the record, which is not valid JSON",
                );
            }
            Ok(doc) => {
                duplicate_key::check(&doc, &mut ctx);
                invalid_json::check_loadable(&doc, start.is_none(), &mut ctx);
                invalid_json::check_non_finite(&doc, &mut ctx);
                if let Some(table) = self.job.table.get()
                    && !table.binary.is_empty()
                {
                    crate::rules::schema::check_bytes(&doc, table, &mut ctx);
                }
                if !not_an_object::check(&doc, &mut ctx) {
                    let conv = format::normalize(self.format, &doc, &mut ctx);
                    if let Some(conv) = &conv {
                        if settings.token_stats && self.job.role == crate::dataset::Role::Judged {
                            // A template that cannot render the example leaves it uncounted;
                            // T003 reports why.
                            match crate::tokens::count_example(
                                &conv.as_trained(),
                                text,
                                settings.model.as_deref(),
                                settings.encoding,
                                crate::tokens::hf::Trainer::of(settings.target),
                            ) {
                                Ok(counted) => ctx.tokens = Some(counted),
                                Err(e) => ctx.render_error = Some(e),
                            }
                        }
                        self.job.plan.check_record(conv, &mut ctx);
                        if let (Some(counted), Some(counting)) = (&ctx.tokens, &self.counting) {
                            self.out.tokens.add_example(counted, counting);
                        }
                    } else {
                        // Not read as a conversation, but committed (and, template-free,
                        // trained on) all the same: a key in it leaks as any other.
                        let place = if self.format == FormatChoice::AxolotlSegments {
                            "the template-free record"
                        } else {
                            "the record, which is not read as an example"
                        };
                        crate::rules::privacy::check_unread(&mut ctx, place);
                    }
                    let record_start = start.unwrap_or(RecordStart {
                        line,
                        line_offset,
                        column_bytes: 0,
                        column_chars: 0,
                    });
                    let mut view = RecordView::new(&doc, conv.as_ref(), settings, record_start);
                    view.valid = !ctx.has_error;
                    view.format = self.format;
                    if ctx.reported() > 0 {
                        fingerprint = Some(view.hash());
                    }
                    if let Some(facts) = &mut self.facts {
                        // Every dataset finding is about a record, which its hash names.
                        // A record of an array is found again by its own offset.
                        let offset = start
                            .map_or(line_offset, |s| s.line_offset + u64::from(s.column_bytes));
                        facts.add(line, offset, &view);
                    }
                } else {
                    crate::rules::privacy::check_unread(
                        &mut ctx,
                        "the record, which is not a JSON object",
                    );
                    if ctx.reported() > 0 {
                        fingerprint = Some(crate::canonical::hash(&doc));
                    }
                }
            }
        }
        ctx.finish(|code: Code| code.meta().name);
        let valid = !ctx.has_error;
        let out = &mut self.out.diagnostics;
        if out.len() > first {
            let fingerprint =
                fingerprint.unwrap_or_else(|| crate::canonical::hash_raw(text.as_bytes()));
            for d in &mut out[first..] {
                d.fingerprint = fingerprint;
            }
        }
        Some((valid, text.len()))
    }
}

/// Gives the findings on a record that was not read (not UTF-8, or too long to read) the
/// fingerprint a record has: a hash of its bytes, or of its length when they were never held.
/// A baseline then accepts them as the same finding wherever the line moves, and an example
/// whose errors it all accepts counts as valid again, as any other example does.
fn name_unread_record(found: &mut [Diagnostic], bytes: Option<&[u8]>, len: usize) {
    let fingerprint = match bytes {
        Some(bytes) => crate::canonical::hash_raw(bytes),
        None => crate::canonical::hash_raw(format!("line of {len} bytes").as_bytes()),
    };
    for d in found {
        d.fingerprint = fingerprint;
    }
}

/// `TUNELINT_PANIC_AT_LINE=N`: the worker that lints line N panics, so the tests can hold a
/// run to ending (exit 101) rather than hanging when a bug panics in a worker.
fn panic_at_line() -> Option<u64> {
    static AT: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *AT.get_or_init(|| {
        std::env::var("TUNELINT_PANIC_AT_LINE")
            .ok()
            .and_then(|v| v.parse().ok())
    })
}
