//! The linting pipeline: one reader thread splits every input into newline-aligned chunks,
//! worker threads run the record rules on them, and the results come back in input order.
//!
//! Diagnostics reach the caller's sink sorted by (file, line, column, code) while the run
//! goes on, so memory holds only the chunks in flight, never a whole file or all findings.
//! File-level findings (byte-order mark, LFS pointer, not JSONL, over-long lines, missing
//! final newline) travel through the same ordered stream as the chunks they belong to.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

use crate::canonical;
use crate::context::RecordContext;
use crate::dataset;
use crate::diagnostic::{Diagnostic, FileId, Location, Span};
use crate::format;
use crate::json::{Kind, Parser};
use crate::rule::Level;
use crate::rules::{self, Code};
use crate::settings::{FormatChoice, Settings};
use crate::source::{self, ChunkReader, Piece};

/// Where a file's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSource {
    File(PathBuf),
    Stdin,
    /// Bytes in memory (tests, fuzzing, editor integrations).
    Memory(std::sync::Arc<[u8]>),
}

impl InputSource {
    /// Whether a renderer can read a line again by its offset: a regular file can, a pipe
    /// or a device (`<(cat data.jsonl)`, a named pipe) cannot: opening it again would wait
    /// for a writer or read other bytes.
    pub fn rereadable(&self) -> bool {
        match self {
            InputSource::File(path) => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
            _ => false,
        }
    }
}

/// One input to lint, with its resolved settings.
#[derive(Clone, Debug)]
pub struct Job {
    /// The path as shown to the user (`-` for stdin).
    pub display: String,
    pub source: InputSource,
    pub settings: Settings,
}

/// What the run learned about one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileSummary {
    pub examples: u64,
    pub valid: u64,
    pub bytes: u64,
    /// Format the file was read as.
    pub format: Option<FormatChoice>,
    /// Diagnostics per rule, split by level: `[info, warning, error]`, indexed by `Code`.
    pub counts: Vec<[u64; 3]>,
    /// The file could not be read (the reason), so its figures are incomplete.
    pub io_error: Option<String>,
    /// Token statistics, when they were asked for (`--token-stats`, `stats`).
    pub tokens: Option<crate::tokens::TokenStats>,
}

impl FileSummary {
    fn new() -> Self {
        FileSummary {
            counts: vec![[0; 3]; rules::RULES.len()],
            ..Default::default()
        }
    }

    pub fn count(&self, level: Level) -> u64 {
        let i = level_slot(level);
        i.map_or(0, |i| self.counts.iter().map(|c| c[i]).sum())
    }

    /// Findings of the duplicate rules (D001–D003), what the duplicates gate counts.
    pub fn duplicates(&self) -> u64 {
        rules::RULES
            .iter()
            .zip(&self.counts)
            .filter(|(r, _)| r.category == crate::rule::Category::Duplicates)
            .map(|(_, n)| n.iter().sum::<u64>())
            .sum()
    }

    pub fn count_code(&self, code: Code) -> u64 {
        self.counts[code.index()].iter().sum()
    }

    pub fn add(&mut self, other: &FileSummary) {
        self.examples += other.examples;
        self.valid += other.valid;
        self.bytes += other.bytes;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            for k in 0..3 {
                a[k] += b[k];
            }
        }
        if let Some(t) = &other.tokens {
            self.tokens.get_or_insert_with(Default::default).add_file(t);
        }
    }
}

fn level_slot(level: Level) -> Option<usize> {
    match level {
        Level::Off => None,
        Level::Info => Some(0),
        Level::Warning => Some(1),
        Level::Error => Some(2),
    }
}

/// A diagnostic on its way to a renderer, with the text of its line when the input cannot
/// be read again (stdin).
pub struct Finding<'a> {
    pub diagnostic: Diagnostic,
    pub line_text: Option<&'a str>,
}

/// Lints bytes held in memory with `settings`, returning the diagnostics in order and the
/// summary: the whole pipeline, for tests and fuzzing.
pub fn lint_bytes(bytes: &[u8], settings: &Settings) -> (Vec<Diagnostic>, FileSummary) {
    let job = Job {
        display: "<memory>".into(),
        source: InputSource::Memory(bytes.into()),
        settings: settings.clone(),
    };
    let mut out = Vec::new();
    let mut summaries = run(std::slice::from_ref(&job), 2, &mut |f| {
        out.push(f.diagnostic)
    });
    (out, summaries.pop().unwrap_or_default())
}

/// The token figures of one record line, counted on the calling thread, whose tokenizer
/// later calls reuse; `None` when the line is not a record of a known format.
pub fn count_tokens(line: &str, settings: &Settings) -> Option<crate::tokens::ExampleTokens> {
    let mut parser = Parser::new();
    let doc = parser.parse(line).ok()?;
    let format = match settings.format {
        FormatChoice::Auto => format::detect(&doc)?,
        chosen => chosen,
    };
    let mut scratch = Vec::new();
    let mut ctx = RecordContext::new(settings, 0, 1, 0, line, &mut scratch);
    let conv = format::normalize(format, &doc, &mut ctx)?;
    Some(crate::tokens::count(&conv, line, settings.encoding))
}

/// Lints every job on `threads` workers, calling `sink` with each diagnostic in order.
pub fn run(jobs: &[Job], threads: usize, sink: &mut dyn FnMut(Finding<'_>)) -> Vec<FileSummary> {
    run_with(
        jobs,
        &RunOptions {
            threads,
            ..RunOptions::default()
        },
        sink,
    )
}

/// What a run needs besides its jobs.
#[derive(Default)]
pub struct RunOptions<'a> {
    pub threads: usize,
    /// Bytes read so far, for a progress display.
    pub progress: Option<&'a AtomicU64>,
    /// Train/evaluation groups checked against each other for leakage (D003).
    pub splits: Vec<dataset::SplitGroup>,
}

/// [`run`] with every option.
pub fn run_with(
    jobs: &[Job],
    options: &RunOptions<'_>,
    sink: &mut dyn FnMut(Finding<'_>),
) -> Vec<FileSummary> {
    let threads = options.threads.max(1);
    let progress = options.progress;
    let (work_tx, work_rx) = bounded::<Work>(threads * 2);
    let (done_tx, done_rx) = unbounded::<Done>();
    let (pool_tx, pool_rx) = unbounded::<Vec<u8>>();
    let mut summaries: Vec<FileSummary> = jobs.iter().map(|_| FileSummary::new()).collect();
    let mut collected = Collected::new(jobs.len());

    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (work_rx, done_tx, pool_tx) = (work_rx.clone(), done_tx.clone(), pool_tx.clone());
            scope.spawn(move || worker(jobs, work_rx, done_tx, pool_tx));
        }
        drop(done_tx);
        let reader = scope.spawn(move || {
            let mut seq = 0u64;
            for (id, job) in jobs.iter().enumerate() {
                read_job(id as FileId, job, &work_tx, &pool_rx, &mut seq, progress);
            }
        });
        collect(&done_rx, &mut summaries, &mut collected);
        // The reader only fails by panicking, which scope() re-raises.
        let _ = reader.join();
    });

    // Dataset-wide rules: folds over the facts of every record, once all are in.
    let lines = LineSource { jobs };
    let mut dataset_findings = Vec::new();
    dataset::check(
        jobs,
        &collected.facts,
        &options.splits,
        &lines,
        threads,
        &mut dataset_findings,
    );
    for d in &dataset_findings {
        // A record invalid only because of a dataset finding stops counting as valid.
        if d.level == Level::Error
            && let Some(item) =
                collected.facts[d.location.file as usize].item_at_mut(d.location.line)
            && item.valid
        {
            item.valid = false;
            summaries[d.location.file as usize].valid -= 1;
        }
    }
    collected.diagnostics.extend(dataset_findings);
    collected.diagnostics.sort_by_key(|d| d.sort_key());
    for d in collected.diagnostics {
        if let Some(slot) = level_slot(d.level) {
            summaries[d.location.file as usize].counts[d.code.index()][slot] += 1;
        }
        let line_text = collected
            .texts
            .get(&(d.location.file, d.location.line))
            .map(String::as_str);
        sink(Finding {
            diagnostic: d,
            line_text,
        });
    }
    summaries
}

/// A temporary copy of standard input, removed when dropped.
pub struct Spool {
    path: PathBuf,
}

impl Spool {
    /// Copies standard input to a new file in the temporary directory.
    pub fn stdin() -> io::Result<Spool> {
        let dir = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = dir.join(format!(
            "tunelint-stdin-{}-{nanos}.jsonl",
            std::process::id()
        ));
        let spool = Spool { path };
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&spool.path)?;
        let mut input = io::stdin().lock();
        let mut head = Vec::new();
        read_head(&mut input, &mut head)?;
        io::Write::write_all(&mut file, &head)?;
        // Binary data or another encoding is reported from its head alone (J007); the rest,
        // perhaps endless (`tunelint - < /dev/zero`), is not copied.
        if not_utf8_lines(&head).is_none() {
            io::copy(&mut input, &mut file)?;
        }
        Ok(spool)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads single lines of the inputs again, by byte offset: dataset rules confirm what the
/// fingerprints suggest against the real records.
pub struct LineSource<'a> {
    jobs: &'a [Job],
}

impl LineSource<'_> {
    /// The line of `file` starting at `offset`, without its terminator.
    pub fn line(&self, file: FileId, offset: u64) -> Option<Vec<u8>> {
        let job = self.jobs.get(file as usize)?;
        let mut bytes = match &job.source {
            InputSource::Memory(data) => {
                let rest = data.get(offset as usize..)?;
                let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                rest[..end].to_vec()
            }
            InputSource::File(_) if !job.source.rereadable() => return None,
            InputSource::File(path) => {
                use std::io::{BufRead, Seek, SeekFrom};
                let mut f = io::BufReader::new(File::open(path).ok()?);
                f.seek(SeekFrom::Start(offset)).ok()?;
                let mut line = Vec::new();
                f.take(job.settings.max_line_bytes() + 2)
                    .read_until(b'\n', &mut line)
                    .ok()?;
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                line
            }
            InputSource::Stdin => return None,
        };
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        Some(bytes)
    }
}

struct Work {
    seq: u64,
    file: FileId,
    kind: WorkKind,
}

enum WorkKind {
    Lines {
        buf: Vec<u8>,
        first_line: u64,
        offset: u64,
        format: FormatChoice,
        pre: Vec<Diagnostic>,
    },
    /// Findings the reader made itself, and figures to add to the file's summary.
    Findings {
        diagnostics: Vec<Diagnostic>,
        bytes: u64,
        io_error: Option<String>,
        format: Option<FormatChoice>,
    },
    /// A line too long to read: an example, invalid when J008 is an error.
    TooLong(Diagnostic),
}

/// A processed chunk.
#[derive(Default)]
struct Done {
    seq: u64,
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    /// Blank lines after the chunk's last data line: J003 only if a later chunk has data.
    trailing_blank: Vec<Diagnostic>,
    has_data: bool,
    examples: u64,
    valid: u64,
    bytes: u64,
    io_error: Option<String>,
    format: Option<FormatChoice>,
    /// Line texts for inputs that cannot be re-read, keyed by line number.
    texts: BTreeMap<u64, String>,
    /// What the dataset rules need of each record, in line order.
    facts: dataset::FileFacts,
    /// Token figures of the chunk's examples, when token statistics are on.
    tokens: crate::tokens::TokenStats,
}

fn read_job(
    file: FileId,
    job: &Job,
    work: &Sender<Work>,
    pool: &Receiver<Vec<u8>>,
    seq: &mut u64,
    progress: Option<&AtomicU64>,
) {
    let mut send = |kind: WorkKind| {
        let _ = work.send(Work {
            seq: *seq,
            file,
            kind,
        });
        *seq += 1;
    };
    let findings = |diagnostics, bytes, io_error: Option<String>, format| WorkKind::Findings {
        diagnostics,
        bytes,
        io_error,
        format,
    };
    // `size`: the length of a regular file (or of bytes in memory), known without reading.
    let (mut src, size): (Box<dyn Read>, Option<u64>) = match &job.source {
        InputSource::Stdin => (Box::new(io::stdin().lock()), None),
        InputSource::Memory(bytes) => (
            Box::new(io::Cursor::new(bytes.clone())),
            Some(bytes.len() as u64),
        ),
        InputSource::File(path) => match File::open(path).and_then(|f| {
            let meta = f.metadata()?;
            if meta.is_dir() {
                Err(io::Error::other("is a directory"))
            } else {
                Ok((f, meta.is_file().then_some(meta.len())))
            }
        }) {
            Ok((f, size)) => (Box::new(f), size),
            Err(e) => {
                send(findings(Vec::new(), 0, Some(io_error_text(&e)), None));
                return;
            }
        },
    };
    let settings = &job.settings;
    // The head decides whether the input is UTF-8 text with lines at all before a line is
    // read: /dev/zero has no line end to wait for, /dev/urandom no end at all.
    let mut head = Vec::new();
    if let Err(e) = read_head(&mut src, &mut head) {
        send(findings(Vec::new(), 0, Some(io_error_text(&e)), None));
        return;
    }
    if let Some(message) = not_utf8_lines(&head) {
        let mut out = Vec::new();
        push_file_finding(&mut out, settings, Code::J007, file, 1, 0, message);
        // With J007 off, a regular file is linted all the same; an endless device never is.
        if !out.is_empty() || size.is_none() {
            stop_reading(progress, head.len() as u64, size);
            send(findings(out, size.unwrap_or(head.len() as u64), None, None));
            return;
        }
    }
    let src = io::Cursor::new(head).chain(src);
    let mut reader = ChunkReader::new(src, settings.max_line_bytes());
    let mut first = true;
    let mut first_findings = Vec::new();
    let mut format = settings.format;
    let mut last_line: Option<(u64, u64, u32, u32)> = None; // (line, offset, chars, bytes) of the last line
    loop {
        let mut buf = pool.try_recv().unwrap_or_default();
        let read_before = reader.total_bytes();
        let piece = reader.next_piece(&mut buf);
        if let Some(p) = progress {
            p.fetch_add(reader.total_bytes() - read_before, Ordering::Relaxed);
        }
        let piece = match piece {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                send(findings(Vec::new(), 0, Some(io_error_text(&e)), None));
                return;
            }
        };
        match piece {
            Piece::TooLong { line, offset, len } => {
                last_line = None;
                let loc = Location::line_start(file, line, offset);
                let message = too_long_message(len, settings.max_line_bytes());
                let level = settings.level(Code::J008);
                send(WorkKind::TooLong(Diagnostic {
                    code: Code::J008,
                    level,
                    location: loc,
                    message,
                    related: Vec::new(),
                    fingerprint: 0,
                }));
            }
            Piece::Lines {
                first_line,
                mut offset,
            } => {
                let mut pre = Vec::new();
                if first {
                    first = false;
                    match inspect_head(&mut buf, file, job, &mut pre) {
                        Head::Lint { bom } => {
                            if bom {
                                offset += 3;
                            }
                        }
                        Head::Stop => {
                            // Not read to its end: the size of a regular file is known
                            // without, and a pipe or device may never end.
                            stop_reading(progress, reader.total_bytes(), size);
                            send(findings(
                                pre,
                                size.unwrap_or(reader.total_bytes()),
                                None,
                                None,
                            ));
                            return;
                        }
                    }
                    if format == FormatChoice::Auto {
                        format = detect_format(&buf).unwrap_or(FormatChoice::OpenAiChat);
                    }
                    // Findings on line 1 go with the first chunk, to be sorted with its own.
                    send(findings(Vec::new(), 0, None, Some(format)));
                    first_findings = pre;
                }
                last_line = last_line_of(&buf, first_line, offset);
                let pre = std::mem::take(&mut first_findings);
                send(WorkKind::Lines {
                    buf,
                    first_line,
                    offset,
                    format,
                    pre,
                });
            }
        }
    }
    let mut end = Vec::new();
    if !reader.ends_with_newline()
        && let Some((line, offset, chars, bytes)) = last_line
    {
        let mut loc = Location::line_start(file, line, offset);
        loc.column = chars + 1;
        loc.end_column = chars + 1;
        // An empty span at the end of the line, so snippets point there, not at column 1.
        loc.span = Some(Span::new(bytes, bytes));
        push_finding_at(
            &mut end,
            settings,
            Code::J009,
            loc,
            "file does not end with a newline; some tools drop or merge the last line".into(),
        );
    }
    send(findings(
        end,
        reader.total_bytes(),
        None,
        if first { Some(format) } else { None },
    ));
}

/// Counts the unread rest of a file that linting stopped on as done, for the progress display.
fn stop_reading(progress: Option<&AtomicU64>, read: u64, size: Option<u64>) {
    if let (Some(p), Some(size)) = (progress, size) {
        p.fetch_add(size.saturating_sub(read), Ordering::Relaxed);
    }
}

/// Bytes of an input looked at before its lines are read.
const HEAD_BYTES: usize = 8192;

/// Reads the first [`HEAD_BYTES`] of `src` (fewer at its end) into `head`.
fn read_head(src: &mut dyn Read, head: &mut Vec<u8>) -> io::Result<()> {
    src.take(HEAD_BYTES as u64).read_to_end(head).map(drop)
}

/// Why the head of an input shows that it is not UTF-8 text split into lines by `\n`, for
/// J007: text in a wider Unicode encoding, classic Mac line ends, or binary data.
fn not_utf8_lines(head: &[u8]) -> Option<String> {
    if let Some((name, order, bom)) = wide_encoding(head) {
        let (endian, iconv) = match order {
            ByteOrder::Little => ("little-endian", "LE"),
            ByteOrder::Big => ("big-endian", "BE"),
        };
        // iconv's plain UTF-16/UTF-32 read the byte-order mark and drop it; with LE or BE
        // named it would stay, as a UTF-8 byte-order mark.
        let (with_bom, from) = if bom {
            (", with a byte-order mark", name.to_string())
        } else {
            ("", format!("{name}{iconv}"))
        };
        return Some(format!(
            "file is {name} ({endian}{with_bom}) text, not UTF-8; convert it with `iconv -f {from} -t UTF-8`"
        ));
    }
    if let Some(nul) = memchr::memchr(0, head) {
        return Some(format!(
            "file is binary (NUL byte at offset {nul}), not JSON Lines"
        ));
    }
    // No `\n` at all, but `\r` between data: every record would be one line.
    let cr_between = head
        .windows(2)
        .any(|w| w[0] == b'\r' && !w[1].is_ascii_whitespace());
    if cr_between && memchr::memchr(b'\n', head).is_none() {
        return Some(
            "file uses CR-only line endings (\\r), which JSONL loaders do not split on; convert them to \\n (e.g. `tr '\\r' '\\n'`)"
                .into(),
        );
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ByteOrder {
    Little,
    Big,
}

/// `("UTF-16" or "UTF-32", byte order, has a byte-order mark)` when `head` is text in one of
/// them: by its byte-order mark, or else by the NUL bytes with which they spell ASCII (JSON
/// starts with `{`, `[` or white space, and its keys and punctuation are ASCII).
fn wide_encoding(head: &[u8]) -> Option<(&'static str, ByteOrder, bool)> {
    use ByteOrder::{Big, Little};
    // UTF-32's marks first: `FF FE 00 00` also starts with UTF-16's little-endian one.
    for (mark, name, order) in [
        (&b"\xFF\xFE\0\0"[..], "UTF-32", Little),
        (b"\0\0\xFE\xFF", "UTF-32", Big),
        (b"\xFF\xFE", "UTF-16", Little),
        (b"\xFE\xFF", "UTF-16", Big),
    ] {
        if head.starts_with(mark) {
            return Some((name, order, true));
        }
    }
    // Every UTF-32 unit is at most 0x10FFFF: one byte is always 0, the next at most 0x10.
    let units: Vec<&[u8]> = head.chunks_exact(4).collect();
    if let Some(first) = units.first() {
        if first[0] != 0
            && first[1..] == [0, 0, 0]
            && units.iter().all(|u| u[3] == 0 && u[2] <= 0x10)
        {
            return Some(("UTF-32", Little, false));
        }
        if first[..3] == [0, 0, 0]
            && first[3] != 0
            && units.iter().all(|u| u[0] == 0 && u[1] <= 0x10)
        {
            return Some(("UTF-32", Big, false));
        }
    }
    // UTF-16 spells ASCII with a NUL in every other byte: the high bytes are mostly 0, the
    // low ones almost never are.
    let zeros = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    match head {
        [a, 0, ..] if *a != 0 && even * 8 < odd => Some(("UTF-16", Little, false)),
        [0, b, ..] if *b != 0 && odd * 8 < even => Some(("UTF-16", Big, false)),
        _ => None,
    }
}

/// The line number, offset and length in characters and in bytes of the last line of a chunk
/// that does not end with a newline (the file's final line), for J009.
fn last_line_of(buf: &[u8], first_line: u64, offset: u64) -> Option<(u64, u64, u32, u32)> {
    if buf.last() == Some(&b'\n') {
        return None;
    }
    let start = memchr::memrchr(b'\n', buf).map_or(0, |i| i + 1);
    let line = first_line + memchr::memchr_iter(b'\n', buf).count() as u64;
    let text = String::from_utf8_lossy(&buf[start..]);
    Some((
        line,
        offset + start as u64,
        text.chars().count() as u32,
        (buf.len() - start) as u32,
    ))
}

enum Head {
    /// Lint the lines; `bom` when a byte-order mark was stripped from the buffer.
    Lint {
        bom: bool,
    },
    Stop,
}

const LFS_HEADER: &[u8] = b"version https://git-lfs.github.com/spec/";

/// The commands J007 suggests for a JSON array and for a JSON object.
const JQ_ARRAY: &str = "`jq -c '.[]'`";
const JQ_OBJECT: &str = "`jq -c .`";

/// File-level checks on the first chunk: BOM (stripped, then linted), LFS pointer, a
/// whole-file JSON document (the last two stop linting the file). Binary data and other
/// encodings were ruled out on the raw head before ([`not_utf8_lines`]).
fn inspect_head(buf: &mut Vec<u8>, file: FileId, job: &Job, out: &mut Vec<Diagnostic>) -> Head {
    let settings = &job.settings;
    let bom = buf.starts_with(b"\xEF\xBB\xBF");
    if bom {
        buf.drain(..3);
        push_file_finding(
            out,
            settings,
            Code::J005,
            file,
            1,
            0,
            "file starts with a UTF-8 byte-order mark; most JSONL loaders fail on it".into(),
        );
    }
    if buf.starts_with(LFS_HEADER) {
        push_file_finding(
            out,
            settings,
            Code::J006,
            file,
            1,
            0,
            "file is a Git LFS pointer, not the data; run `git lfs pull` to fetch the content"
                .into(),
        );
        return Head::Stop;
    }
    // The first data line.
    let Some((line, offset, text)) = source::lines(buf, 1, 0).find(|(_, _, t)| !is_blank(t)) else {
        return Head::Lint { bom };
    };
    let trimmed = trim_ascii(text);
    let data_lines = source::lines(buf, 1, 0)
        .filter(|(_, _, t)| !is_blank(t))
        .take(2)
        .count();
    let mut parser = Parser::new();
    let parsed_kind = std::str::from_utf8(trimmed)
        .ok()
        .and_then(|s| parser.parse(s).ok().map(|d| d.kind(d.root())));
    let message = match parsed_kind {
        // A lone `[` or `{` on the first line: a pretty-printed document.
        // `jq -c '.[]'` writes an array's elements one per line; `jq -c .` an object on one.
        None if trimmed == b"[" => Some(format!(
            "file is one pretty-printed JSON array, not JSON Lines; write one example per line (e.g. {JQ_ARRAY})"
        )),
        None if trimmed == b"{" => Some(format!(
            "file is one pretty-printed JSON object, not JSON Lines; write it on one line (e.g. {JQ_OBJECT})"
        )),
        // (Only with more lines: one line that fails to parse is J001, e.g. nested too deep.)
        None if trimmed.starts_with(b"[") && data_lines > 1 && whole_file_is_json(job) => {
            Some(format!(
                "file is one JSON array spread over several lines, not JSON Lines; write one example per line (e.g. {JQ_ARRAY})"
            ))
        }
        // Every JSONL line starts with `{`: only a file read whole can tell a broken first
        // record from an object spread over lines.
        None if trimmed.starts_with(b"{")
            && data_lines > 1
            && is_regular(job)
            && whole_file_is_json(job) =>
        {
            Some(format!(
                "file is one JSON object spread over several lines, not JSON Lines; write it on one line (e.g. {JQ_OBJECT})"
            ))
        }
        Some(Kind::Array) if data_lines == 1 && whole_file_is_json(job) => Some(format!(
            "file is one JSON array on one line, not JSON Lines; write one example per line (e.g. {JQ_ARRAY})"
        )),
        _ => None,
    };
    match message {
        Some(m) => {
            push_file_finding(out, settings, Code::J007, file, line, offset, m);
            if settings.enabled(Code::J007) {
                Head::Stop
            } else {
                Head::Lint { bom }
            }
        }
        None => Head::Lint { bom },
    }
}

/// Whether the input can be read again from the start: bytes in memory or a regular file.
fn is_regular(job: &Job) -> bool {
    matches!(job.source, InputSource::Memory(_)) || job.source.rereadable()
}

/// Whether the whole input parses as one JSON value. Streams the file (no buffering of the
/// whole document); stdin, a pipe or a device cannot be read twice (and may never end), so
/// it answers by the first lines alone.
fn whole_file_is_json(job: &Job) -> bool {
    use io::BufRead;
    use serde::Deserialize;
    let path = match &job.source {
        InputSource::File(path) => path,
        InputSource::Memory(bytes) => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            return serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok();
        }
        InputSource::Stdin => return true,
    };
    if !is_regular(job) {
        return true;
    }
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut reader = io::BufReader::new(file);
    if reader
        .fill_buf()
        .is_ok_and(|b| b.starts_with(b"\xEF\xBB\xBF"))
    {
        reader.consume(3);
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    serde::de::IgnoredAny::deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// The format of the first record of the chunk that fits a known shape.
fn detect_format(buf: &[u8]) -> Option<FormatChoice> {
    let mut parser = Parser::new();
    for (_, _, text) in source::lines(buf, 1, 0).take(1000) {
        let Ok(s) = std::str::from_utf8(text) else {
            continue;
        };
        if let Ok(doc) = parser.parse(s)
            && let Some(f) = format::detect(&doc)
        {
            return Some(f);
        }
    }
    None
}

fn push_file_finding(
    out: &mut Vec<Diagnostic>,
    settings: &Settings,
    code: Code,
    file: FileId,
    line: u64,
    offset: u64,
    message: String,
) {
    push_finding_at(
        out,
        settings,
        code,
        Location::line_start(file, line, offset),
        message,
    );
}

fn push_finding_at(
    out: &mut Vec<Diagnostic>,
    settings: &Settings,
    code: Code,
    location: Location,
    message: String,
) {
    let level = settings.level(code);
    if level == Level::Off {
        return;
    }
    out.push(Diagnostic {
        code,
        level,
        location,
        message,
        related: Vec::new(),
        fingerprint: 0,
    });
}

fn too_long_message(len: u64, max: u64) -> String {
    format!("line is {len} bytes, over the limit of {max} (max_line_bytes); it was skipped")
}

fn io_error_text(e: &io::Error) -> String {
    source::io_error_text(e)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

fn trim_ascii(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

fn worker(jobs: &[Job], work: Receiver<Work>, done: Sender<Done>, pool: Sender<Vec<u8>>) {
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
                result.diagnostics = pre;
                lint_chunk(
                    &buf,
                    first_line,
                    offset,
                    format,
                    item.file,
                    job,
                    &mut parser,
                    &mut result,
                );
                let _ = pool.send(buf);
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
            WorkKind::TooLong(d) => {
                result.examples = 1;
                result.has_data = true;
                if d.level != Level::Error {
                    result.valid = 1;
                }
                if d.level != Level::Off {
                    result.diagnostics.push(d);
                }
            }
        }
        if done.send(result).is_err() {
            return;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn lint_chunk(
    buf: &[u8],
    first_line: u64,
    offset: u64,
    format: FormatChoice,
    file: FileId,
    job: &Job,
    parser: &mut Parser,
    out: &mut Done,
) {
    let settings = &job.settings;
    let keep_text = !job.source.rereadable();
    let max_line = settings.max_line_bytes();
    let mut blank = Vec::new();
    for (line, line_offset, bytes) in source::lines(buf, first_line, offset) {
        if is_blank(bytes) {
            if settings.enabled(Code::J003) {
                blank.push(Diagnostic {
                    code: Code::J003,
                    level: settings.level(Code::J003),
                    location: Location::line_start(file, line, line_offset),
                    message: "blank line; JSONL loaders treat it as an empty record or an error"
                        .into(),
                    related: Vec::new(),
                    fingerprint: 0,
                });
            }
            continue;
        }
        // Blank lines are reported only when data follows them.
        out.diagnostics.append(&mut blank);
        out.has_data = true;
        out.examples += 1;
        let before = out.diagnostics.len();
        let valid = if bytes.len() as u64 > max_line {
            let mut d = Vec::new();
            push_file_finding(
                &mut d,
                settings,
                Code::J008,
                file,
                line,
                line_offset,
                too_long_message(bytes.len() as u64, max_line),
            );
            let is_error = d.iter().any(|d| d.level == Level::Error);
            out.diagnostics.append(&mut d);
            !is_error
        } else {
            match std::str::from_utf8(bytes) {
                Err(e) => {
                    let prefix = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
                    let mut loc = Location::in_line(
                        file,
                        line,
                        line_offset,
                        prefix,
                        Span::from_usize(prefix.len(), prefix.len()),
                    );
                    loc.end_column = loc.column + 1;
                    loc.span = None;
                    let mut d = Vec::new();
                    push_finding_at(
                        &mut d,
                        settings,
                        Code::J004,
                        loc,
                        format!(
                            "line is not valid UTF-8 (byte 0x{:02X} at byte offset {})",
                            bytes[e.valid_up_to()],
                            e.valid_up_to()
                        ),
                    );
                    let is_error = d.iter().any(|d| d.level == Level::Error);
                    out.diagnostics.append(&mut d);
                    !is_error
                }
                Ok(text) => {
                    let (valid, facts) = lint_record(
                        text,
                        line,
                        line_offset,
                        format,
                        file,
                        settings,
                        parser,
                        &mut out.diagnostics,
                        &mut out.tokens,
                    );
                    if let Some(facts) = facts {
                        out.facts.push(line, line_offset, valid, facts);
                    }
                    valid
                }
            }
        };
        if valid {
            out.valid += 1;
        }
        if keep_text && out.diagnostics.len() > before {
            out.texts
                .insert(line, String::from_utf8_lossy(bytes).into_owned());
        }
    }
    out.trailing_blank = blank;
    out.diagnostics.sort_by_key(|d| d.sort_key());
}

/// Lints one line of text; returns whether the example is valid (no error-level finding)
/// and, for a record that parsed, the facts the dataset rules need of it.
#[allow(clippy::too_many_arguments)]
fn lint_record(
    text: &str,
    line: u64,
    line_offset: u64,
    format: FormatChoice,
    file: FileId,
    settings: &Settings,
    parser: &mut Parser,
    out: &mut Vec<Diagnostic>,
    tokens: &mut crate::tokens::TokenStats,
) -> (bool, Option<dataset::RecordFacts>) {
    let first = out.len();
    let mut fingerprint = None;
    let mut facts = None;
    let mut ctx = RecordContext::new(settings, file, line, line_offset, text, out);
    match parser.parse(text) {
        Err(e) => {
            let at = e.offset.min(text.len());
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            ctx.report(
                Code::J001,
                Span::from_usize(at, end),
                format!("invalid JSON: {}", e.message),
            );
        }
        Ok(doc) => {
            for dup in doc.duplicate_keys() {
                // Counting the column is linear in the line: only for findings shown.
                ctx.report_with(Code::J010, || {
                    let first_col = text[..(dup.first.start as usize).min(text.len())]
                        .chars()
                        .count()
                        + 1;
                    (
                        dup.span,
                        format!("duplicate key {}; the value at column {first_col} is silently replaced by this one", format::openai_chat::quote(&dup.key)),
                    )
                });
            }
            let root = doc.root();
            // The canonical hash identifies exact duplicates; otherwise only records with
            // findings need it (as their fingerprint), so clean data does not pay for it.
            let needs_hash = settings.enabled(Code::D001) || settings.enabled(Code::D003);
            let hash = if needs_hash { canonical::hash(&doc) } else { 0 };
            if doc.kind(root) != Kind::Object {
                let what = format::openai_chat::describe(&doc, root);
                ctx.report(
                    Code::J002,
                    doc.span(root),
                    format!("line is {what}; expected a JSON object, one example per line"),
                );
            } else if let Some(conv) = format::normalize(format, &doc, &mut ctx) {
                rules::check_record(&conv, &mut ctx);
                if let Some(counted) = rules::tokens::check(&conv, &mut ctx)
                    && settings.token_stats
                {
                    tokens.add_example(&counted, settings.encoding, settings.max_tokens());
                }
                facts = Some(dataset::RecordFacts::of(hash, &conv, settings));
            } else {
                facts = Some(dataset::RecordFacts::hash_only(hash));
            }
            if ctx.reported() > 0 {
                fingerprint = Some(if needs_hash {
                    hash
                } else {
                    canonical::hash(&doc)
                });
            }
        }
    }
    ctx.finish();
    let valid = !ctx.has_error;
    if out.len() > first {
        let fingerprint = fingerprint.unwrap_or_else(|| canonical::hash_raw(text.as_bytes()));
        for d in &mut out[first..] {
            d.fingerprint = fingerprint;
        }
    }
    (valid, facts)
}

/// Everything the collector keeps until the dataset rules have run.
struct Collected {
    diagnostics: Vec<Diagnostic>,
    texts: std::collections::HashMap<(FileId, u64), String>,
    facts: Vec<dataset::FileFacts>,
}

impl Collected {
    fn new(files: usize) -> Self {
        Collected {
            diagnostics: Vec::new(),
            texts: Default::default(),
            facts: (0..files).map(|_| dataset::FileFacts::default()).collect(),
        }
    }
}

/// Puts the processed chunks back in input order, keeping their diagnostics and facts.
fn collect(done: &Receiver<Done>, summaries: &mut [FileSummary], collected: &mut Collected) {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    // Blank lines at the end of the chunks seen so far of the current file.
    let mut held_blank: Vec<Diagnostic> = Vec::new();
    let mut held_file: Option<FileId> = None;
    for item in done.iter() {
        pending.insert(item.seq, item);
        while let Some(mut item) = pending.remove(&next) {
            next += 1;
            if held_file != Some(item.file) {
                held_blank.clear();
                held_file = Some(item.file);
            }
            let summary = &mut summaries[item.file as usize];
            summary.examples += item.examples;
            summary.valid += item.valid;
            summary.bytes += item.bytes;
            if item.format.is_some() {
                summary.format = item.format;
            }
            if item.io_error.is_some() {
                summary.io_error = item.io_error.clone();
            }
            if item.has_data {
                collected.diagnostics.append(&mut held_blank);
            }
            collected.diagnostics.append(&mut item.diagnostics);
            held_blank.extend(item.trailing_blank);
            for (line, text) in item.texts {
                collected.texts.insert((item.file, line), text);
            }
            collected.facts[item.file as usize].append(item.facts);
            if item.tokens.examples() > 0 {
                summary
                    .tokens
                    .get_or_insert_with(Default::default)
                    .merge(&item.tokens);
            }
        }
    }
}
