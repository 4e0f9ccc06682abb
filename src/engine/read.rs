//! The reader thread: opens each input, checks its head (is it UTF-8 JSON Lines at all?),
//! splits it into newline-aligned chunks for the workers, and checks its end; a `.json`
//! array goes to the workers in pieces (`pieces`) or record by record. An input that
//! cannot be read twice is copied to its spool as it is read.

use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crossbeam_channel::{Receiver, Sender};

use super::pieces;
use super::work::{Work, WorkKind};
use super::{Job, SpoolError};
use crate::context::FileContext;
use crate::diagnostic::{Diagnostic, FileId, RecordStart};
use crate::format;
use crate::json::Parser;
use crate::registry::Code;
use crate::rules::jsonl::{
    byte_order_mark, empty_file, invalid_json, lfs_pointer, line_too_large, missing_final_newline,
    not_jsonl,
};
use crate::settings::FormatChoice;
use crate::source::{
    self, ArrayEvent, ArrayReader, ChunkReader, InputSource, Piece, io_error_text,
};

/// What the reader thread is given besides its inputs.
pub(super) struct Reading<'a> {
    /// Bytes read so far, for a progress display.
    pub progress: Option<&'a AtomicU64>,
    /// See `RunOptions::array_piece_bytes`.
    pub piece_bytes: usize,
    /// Worker threads still running.
    pub workers: &'a AtomicUsize,
    /// A token per chunk sent and not yet taken by the collector: the reader waits when
    /// the window is full, so chunks done out of order, or faster than their findings are
    /// written, never pile up (see `engine::run_with_facts`).
    pub window: &'a Sender<()>,
    /// Set when writing a spool fails: the run ends with that error (see
    /// [`super::SpoolError`]).
    pub spool_failed: &'a Arc<OnceLock<SpoolError>>,
}

/// Reads one input to its end (or until its head shows it is not JSON Lines), sending its
/// chunks and file-level findings to the workers in order.
pub(super) fn read_job(
    file: FileId,
    job: &Job,
    work: &Sender<Work>,
    pool: &Receiver<Vec<u8>>,
    seq: &mut u64,
    reading: &Reading<'_>,
) {
    let progress = reading.progress;
    let mut send = |kind: WorkKind| {
        // Fails only when the collector is gone (it stopped early): then nothing waits.
        let _ = reading.window.send(());
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
    let settings = &job.settings;
    let not_opened = |e: &io::Error| {
        let mut reason = io_error_text(e);
        // A file a dataset_info.json names: the error points at the entry naming it.
        if let Some(declared) = &settings.declared {
            reason = format!("{reason}; named by {}", declared.described());
        }
        reason
    };
    // What is spooled is the text: offsets are those of the decompressed lines. A thread that
    // makes the text writes the spool too.
    let mut spool = match &job.spool {
        Some(path) => {
            let copy = Spool {
                file: None,
                path: path.clone(),
                input: match job.source {
                    InputSource::Stdin if job.display == "-" => "standard input".into(),
                    _ => job.display.clone(),
                },
                failed: reading.spool_failed.clone(),
            };
            match File::create(path) {
                Ok(file) => Some(Spool {
                    file: Some(file),
                    ..copy
                }),
                Err(e) => {
                    copy.fail(&e);
                    send(findings(Vec::new(), 0, Some(io_error_text(&e)), None));
                    return;
                }
            }
        }
        None => None,
    };
    // Progress counts the bytes of the file, compressed or not, as its size does.
    let raw_read = Arc::new(AtomicU64::new(0));
    // `size`: the length of a regular file (or of bytes in memory), known without reading;
    // `None` for a Parquet table, whose text is made as it is read.
    let opened = match source::RowsAsLines::of(&job.source) {
        // A table's rows are decoded on a thread of their own.
        Ok(Some(rows)) => {
            // Set before a row is sent: the workers read it for every row.
            let _ = job.table.set(rows.shape().clone());
            let rows = rows.with_progress(raw_read.clone());
            let copy = spool.take();
            let make = move || Ok(teed(Box::new(rows), copy));
            source::ReadAhead::spawn(make, raw_read.clone(), progress)
                .map(|ahead| (Box::new(ahead) as Box<dyn Read>, None, None))
        }
        Ok(None) => open(job).and_then(|(raw, size)| {
            let raw = Counted {
                inner: raw,
                read: raw_read.clone(),
            };
            // Looking at a pipe's first bytes would consume them: only a regular file (or
            // bytes in memory) is told compressed before it is read.
            let compression = job.source.is_regular().then(|| job.source.compression());
            match compression.flatten() {
                // A compressed file (or bytes in memory) is decompressed on a thread of its
                // own; standard input and pipes, told only as they are read, here.
                Some(compression) => {
                    let copy = spool.take();
                    let make = move || {
                        source::decompressed(Box::new(raw)).map(|(text, _)| teed(text, copy))
                    };
                    source::ReadAhead::spawn(make, raw_read.clone(), progress)
                        .map(|ahead| (Box::new(ahead) as Box<dyn Read>, Some(compression), size))
                }
                None => {
                    let raw = Progress {
                        inner: raw,
                        progress,
                    };
                    source::decompressed(Box::new(raw))
                        .map(|(text, compression)| (text, compression, size))
                }
            }
        }),
        Err(e) => Err(e),
    };
    let (src, compression, size) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            send(findings(Vec::new(), 0, Some(not_opened(&e)), None));
            return;
        }
    };
    let mut src = teed(src, spool);
    // The head decides whether the input is UTF-8 text with lines at all before a line is
    // read: /dev/zero has no line end to wait for, /dev/urandom no end at all. A compressed
    // stream or a table that fails within it fails again when its lines are read.
    let mut head = Vec::new();
    if let Err(e) = src
        .by_ref()
        .take(source::HEAD_BYTES as u64)
        .read_to_end(&mut head)
        && source::corrupt_data(&e).is_none()
        && !source::unreadable_rows(&e)
    {
        send(findings(Vec::new(), 0, Some(io_error_text(&e)), None));
        return;
    }
    // Standard input named as a table (`--stdin-filename train.parquet`) that is none: as a
    // file of that name is.
    if matches!(job.source, InputSource::Stdin)
        && job.table.get().is_none()
        && compression.is_none()
        && source::named_parquet(std::path::Path::new(&job.display))
        && let Some(e) = source::not_a_table_head(&head)
    {
        send(findings(Vec::new(), 0, Some(io_error_text(&e)), None));
        return;
    }
    // Bytes of text when the file stops being read early: a plain file's size, or what was
    // decompressed.
    let text_bytes = |read: u64| match (compression, size) {
        (None, Some(size)) => size,
        _ => read,
    };
    let mut out = Vec::new();
    let mut ctx = FileContext::new(settings, file, &mut out);
    if let Some(reported) = not_jsonl::check_head(&head, &mut ctx) {
        // With J007 off, a regular file is linted all the same; an endless device never is.
        if reported || size.is_none() {
            stop_reading(progress, raw_read.load(Ordering::Relaxed), size);
            send(findings(out, text_bytes(head.len() as u64), None, None));
            return;
        }
    }
    // A name that says compressed on bytes that are not, a table `datasets` refuses: line
    // 1, then the lines as usual.
    let mut named = Vec::new();
    if let Some(table) = job.table.get() {
        let mut ctx = FileContext::new(settings, file, &mut named);
        match &job.source {
            InputSource::File(path) => {
                not_jsonl::check_table_name(path, &mut ctx);
            }
            InputSource::Stdin => {
                not_jsonl::check_table_name(std::path::Path::new(&job.display), &mut ctx);
            }
            InputSource::Memory(_) => {}
        }
        for map in &table.maps {
            not_jsonl::report_map(&source::path_words(map), &mut ctx);
        }
    } else if let InputSource::File(path) = &job.source
        && let Some(compression_named) = source::Compression::named(path)
        && !head.is_empty()
    {
        let mut ctx = FileContext::new(settings, file, &mut named);
        not_jsonl::check_name(compression_named, compression, &mut ctx);
    }
    if is_array(job, &head) {
        read_array(file, job, (head, named), src, pool, reading, &mut send);
        return;
    }
    let src = io::Cursor::new(head).chain(src);
    let mut reader = ChunkReader::new(src, settings.max_line_bytes());
    let mut first = true;
    let mut first_findings = Vec::new();
    let mut format = settings.format;
    // (line, offset, chars, bytes) of the last line when it has no newline.
    let mut last_line: Option<(u64, u64, u32, u32)> = None;
    // Whether some line has anything but white space on it (J011 otherwise), and the bytes
    // of a byte-order mark before the first line.
    let mut written = false;
    let mut bom_bytes = 0;
    loop {
        let mut buf = pool.try_recv().unwrap_or_default();
        let piece = match reader.next_piece(&mut buf) {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                let reason = match source::corrupt_data(&e) {
                    Some(corrupt) => corrupt_text(corrupt, reader.next_line() - 1),
                    None => io_error_text(&e),
                };
                // The lines before the error were read and linted: their bytes count.
                send(findings(
                    Vec::new(),
                    text_bytes(reader.total_bytes()),
                    Some(reason),
                    None,
                ));
                return;
            }
        };
        match piece {
            Piece::TooLong {
                line,
                offset,
                len,
                chars,
            } => {
                // The line is not kept, but J009 may point at its end.
                let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
                last_line = Some((line, offset, clamp(chars), clamp(len)));
                written = true;
                let mut out = Vec::new();
                let mut ctx = FileContext::new(settings, file, &mut out);
                line_too_large::report(&mut ctx, line, offset, len);
                let valid = !ctx.has_error;
                send(WorkKind::TooLong {
                    diagnostics: out,
                    valid,
                });
            }
            Piece::Lines {
                first_line,
                mut offset,
            } => {
                if first {
                    first = false;
                    let pre = match check_first_chunk(&mut buf, file, job) {
                        Ok((bom, found)) => {
                            if bom {
                                offset += 3;
                                bom_bytes = 3;
                            }
                            found
                        }
                        Err(found) => {
                            // Not read to its end: the size of a regular file is known
                            // without, and a pipe or device may never end.
                            stop_reading(progress, raw_read.load(Ordering::Relaxed), size);
                            let bytes = text_bytes(reader.total_bytes());
                            send(findings(found, bytes, None, None));
                            return;
                        }
                    };
                    let mut told = format;
                    if format == FormatChoice::Auto {
                        let detected = detect_format(&buf, settings.target);
                        format = format::resolve(detected, settings.target);
                        told = undecided_as_auto(detected, format);
                    }
                    // Findings on line 1 go with the first chunk, to be sorted with its own.
                    send(findings(Vec::new(), 0, None, Some(told)));
                    first_findings = pre;
                    first_findings.append(&mut named);
                }
                last_line = last_line_of(&buf, first_line, offset);
                written = written || buf.iter().any(|b| !b.is_ascii_whitespace());
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
    if !written {
        // Nothing to read: J011 says so, and of a last line without a newline there is none.
        let mut ctx = FileContext::new(settings, file, &mut end);
        empty_file::report(&mut ctx, reader.total_bytes() > bom_bytes);
    } else if !reader.ends_with_newline()
        && let Some((line, offset, chars, bytes)) = last_line
    {
        let mut ctx = FileContext::new(settings, file, &mut end);
        missing_final_newline::report(&mut ctx, line, offset, chars, bytes);
    }
    send(findings(
        end,
        reader.total_bytes(),
        None,
        if first { Some(format) } else { None },
    ));
}

/// The input's bytes, and its length when it is known without reading it.
fn open(job: &Job) -> io::Result<(Box<dyn Read + Send>, Option<u64>)> {
    Ok(match &job.source {
        InputSource::Stdin => (Box::new(io::stdin()), None),
        InputSource::Memory(bytes) => (
            Box::new(io::Cursor::new(bytes.clone())),
            Some(bytes.len() as u64),
        ),
        InputSource::File(path) => {
            let f = File::open(path)?;
            let meta = f.metadata()?;
            if meta.is_dir() {
                return Err(io::Error::other("is a directory"));
            }
            let size = meta.is_file().then_some(meta.len());
            (Box::new(f), size)
        }
    })
}

/// Counts the bytes read from an input, for the progress display (given to it as a read-ahead
/// thread's blocks are read, or by [`Progress`]) and for the rest of a file left unread.
struct Counted {
    inner: Box<dyn Read + Send>,
    read: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Adds the bytes read to the progress display as they are read.
struct Progress<'a> {
    inner: Counted,
    progress: Option<&'a AtomicU64>,
}

impl Read for Progress<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = self.progress {
            p.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// A compressed stream's failure, with the last line decompressed whole before it.
fn corrupt_text(corrupt: &source::CorruptData, last_line: u64) -> String {
    let name = corrupt.compression.name();
    let reason = &corrupt.reason;
    if last_line == 0 {
        format!(
            "corrupt or truncated {name} data before the first line of the decompressed text: {reason}"
        )
    } else {
        format!(
            "corrupt or truncated {name} data after line {last_line} of the decompressed text: {reason}"
        )
    }
}

/// `src`, copying what is read from it to `copy` when there is one.
fn teed<'a>(src: Box<dyn Read + 'a>, copy: Option<Spool>) -> Box<dyn Read + 'a> {
    match copy {
        Some(copy) => Box::new(Tee { src, copy }),
        None => src,
    }
}

/// An input's spool being written, and where to say that writing it failed.
struct Spool {
    /// `None` only until it is created.
    file: Option<File>,
    path: std::path::PathBuf,
    /// The input, as shown to the user.
    input: String,
    failed: Arc<OnceLock<SpoolError>>,
}

impl Spool {
    /// Records that the spool could not be made or written: the run ends with that, not
    /// with the input reported unreadable.
    fn fail(&self, e: &io::Error) {
        let _ = self.failed.set(SpoolError {
            input: self.input.clone(),
            path: self.path.clone(),
            reason: io_error_text(e),
        });
    }
}

/// Copies every byte read from `src` to `copy`, where lines can be read again.
struct Tee<'a> {
    src: Box<dyn Read + 'a>,
    copy: Spool,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.src.read(buf)?;
        if let Some(file) = &mut self.copy.file
            && let Err(e) = file.write_all(&buf[..n])
        {
            self.copy.fail(&e);
            return Err(e);
        }
        Ok(n)
    }
}

/// Counts the unread rest of a file that linting stopped on as done, for the progress display.
fn stop_reading(progress: Option<&AtomicU64>, read: u64, size: Option<u64>) {
    if let (Some(p), Some(size)) = (progress, size) {
        p.fetch_add(size.saturating_sub(read), Ordering::Relaxed);
    }
}

/// The file-level checks of the first chunk: a byte-order mark (stripped, then linted), an
/// LFS pointer, a whole-file JSON document (the last two stop linting the file).
/// `Ok((bom, findings))` to lint the lines, `Err(findings)` to stop.
fn check_first_chunk(
    buf: &mut Vec<u8>,
    file: FileId,
    job: &Job,
) -> Result<(bool, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut ctx = FileContext::new(&job.settings, file, &mut out);
    let bom = byte_order_mark::check(buf, &mut ctx);
    if lfs_pointer::check(buf, &mut ctx) {
        return Err(out);
    }
    let regular = job.source.is_regular();
    let whole = || whole_file_is_json(job);
    // Offsets are the file's: after a byte-order mark taken off, lines start 3 bytes later.
    let start = if bom { 3 } else { 0 };
    if not_jsonl::check_document(buf, start, regular, &whole, &mut ctx) {
        return Err(out);
    }
    Ok((bom, out))
}

/// Whether the whole input parses as one JSON value. Streams the file (no buffering of the
/// whole document); stdin, a pipe or a device cannot be read twice (and may never end), so
/// it answers by the first lines alone.
fn whole_file_is_json(job: &Job) -> bool {
    whole_source_is_json(&job.source)
}

/// [`whole_file_is_json`] of any input (`sample` has no job).
pub(crate) fn whole_source_is_json(source: &InputSource) -> bool {
    use io::BufRead;
    use serde::Deserialize;
    let raw: Box<dyn Read> = match source {
        InputSource::File(path) if source.is_regular() => match File::open(path) {
            Ok(file) => Box::new(file),
            Err(_) => return false,
        },
        InputSource::Memory(bytes) if source.compression().is_none() => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            return serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok();
        }
        InputSource::Memory(bytes) => Box::new(io::Cursor::new(bytes.clone())),
        _ => return true,
    };
    let Ok((text, _)) = source::decompressed(raw) else {
        return false;
    };
    let mut reader = io::BufReader::new(text);
    if reader
        .fill_buf()
        .is_ok_and(|b| b.starts_with(b"\xEF\xBB\xBF"))
    {
        reader.consume(3);
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    serde::de::IgnoredAny::deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// The format a file read with `read` (detected as `detected`) is reported in: `auto` when no
/// record decided it. Its records were then read in the fallback format, which is not theirs:
/// each fits no format (S001), and reporting the fallback would name a format none is in.
pub(super) fn undecided_as_auto(
    detected: Option<FormatChoice>,
    read: FormatChoice,
) -> FormatChoice {
    match detected {
        Some(_) => read,
        None => FormatChoice::Auto,
    }
}

/// The format of the first record of the chunk that fits a known shape. A first record
/// that reads as a reinforcement prompt (openai-rft) is weighed against the rest of the
/// chunk: when more of its records hold an answer than read as prompts for a grader, the file
/// is supervised data whose first example lacks its answer, and the first answered record's
/// format is the file's.
fn detect_format(buf: &[u8], target: Option<&crate::target::Target>) -> Option<FormatChoice> {
    let mut parser = Parser::new();
    let mut prompts = 0usize;
    let mut answered: (usize, Option<FormatChoice>) = (0, None);
    for (_, _, text) in source::lines(buf, 1, 0).take(1000) {
        let Ok(s) = std::str::from_utf8(text) else {
            continue;
        };
        let Ok(doc) = parser.parse(s) else {
            continue;
        };
        let detected = format::detect_for(&doc, target);
        if prompts == 0 {
            match detected {
                Some(FormatChoice::OpenAiRft) => prompts = 1,
                Some(f) => return Some(f),
                None => {}
            }
        } else if detected == Some(FormatChoice::OpenAiRft) {
            prompts += 1;
        } else if format::answered(&doc) {
            answered.0 += 1;
            answered.1 = answered.1.or(detected);
        }
    }
    match answered {
        (n, Some(f)) if n > prompts => Some(f),
        _ => (prompts > 0).then_some(FormatChoice::OpenAiRft),
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

/// Whether a `.json` input is read as an array of records: it starts with `[`, or with `{`
/// and is one JSON object rather than JSON Lines (then J007 says it is not an array). A
/// `.json` file of JSON Lines, which `datasets.load_dataset("json")` reads too, is linted
/// as JSON Lines.
fn is_array(job: &Job, head: &[u8]) -> bool {
    if !job.is_json_file() {
        return false;
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => true,
        Some(b'{') => {
            let first = source::lines(body, 1, 0)
                .map(|(_, _, t)| t.trim_ascii())
                .find(|t| !t.is_empty())
                .unwrap_or_default();
            let one_line_record = std::str::from_utf8(first)
                .ok()
                .is_some_and(|t| Parser::new().parse(t).is_ok());
            !one_line_record && whole_file_is_json(job)
        }
        _ => false,
    }
}

/// Reads a `.json` array: in pieces the workers split into records when its records start
/// lines at one indent (`pieces`), record by record on this thread otherwise ([`scan_array`]).
/// J rules that are about lines (blank lines, the final newline, J007's "not JSON Lines")
/// do not apply; the array's punctuation is checked (J001), and a text that is not an
/// array is J007.
fn read_array(
    file: FileId,
    job: &Job,
    (mut head, named): (Vec<u8>, Vec<Diagnostic>),
    mut src: Box<dyn Read + '_>,
    pool: &Receiver<Vec<u8>>,
    reading: &Reading<'_>,
    send: &mut dyn FnMut(WorkKind),
) {
    let piece_bytes = reading.piece_bytes;
    let settings = &job.settings;
    let mut pre = named;
    let bom = byte_order_mark::check(&mut head, &mut FileContext::new(settings, file, &mut pre));
    let offset = if bom { 3 } else { 0 };
    let max = settings.max_line_bytes();
    let sequential = |reader: ArrayReader<Box<dyn Read + '_>>,
                      batch: Vec<u8>,
                      format: Option<FormatChoice>,
                      pre: Vec<Diagnostic>,
                      before: u64,
                      send: &mut dyn FnMut(WorkKind)| {
        scan_array(file, job, reader, batch, (format, pre, before), pool, send)
    };
    let head_read = if piece_bytes > 0 {
        let mut len = head.len();
        let read = pieces::fill(&mut head, &mut len, piece_bytes, &mut src);
        head.truncate(len);
        read
    } else {
        Ok(false)
    };
    let plan = match head_read {
        Ok(eof) => (piece_bytes > 0)
            .then(|| pieces::plan(&head, offset, settings))
            .flatten()
            .map(|plan| (plan, eof)),
        Err(e) => {
            // What was read is scanned, then the error reported where it happened.
            src = Box::new(FailOnce(Some(e)));
            None
        }
    };
    let Some((plan, eof)) = plan else {
        let text: Box<dyn Read> = Box::new(io::Cursor::new(head).chain(src));
        let reader = ArrayReader::new(text, offset, max);
        sequential(reader, Vec::new(), None, pre, offset, send);
        return;
    };
    send(WorkKind::Findings {
        diagnostics: Vec::new(),
        bytes: 0,
        io_error: None,
        format: Some(plan.told),
    });
    let end = pieces::read(
        &plan,
        (head, eof),
        offset,
        &mut src,
        (piece_bytes, reading.workers),
        pool,
        pre,
        &mut |piece| send(WorkKind::Piece(piece)),
    );
    match end {
        pieces::End::Read { bytes } => send(WorkKind::Findings {
            diagnostics: Vec::new(),
            bytes,
            io_error: None,
            format: None,
        }),
        pieces::End::Scan {
            from,
            pending,
            offset: at,
            line,
            error,
        } => {
            let rest: Box<dyn Read> = match error {
                Some(e) => Box::new(FailOnce(Some(e))),
                None => src,
            };
            let text: Box<dyn Read> = Box::new(io::Cursor::new(pending).chain(rest));
            let mut batch = Vec::new();
            let reader = match from {
                None => ArrayReader::new(text, offset, max),
                Some(pieces::Ending::Inside(paused)) => paused.resume(text, false, &mut batch),
                Some(pieces::Ending::Between) => {
                    ArrayReader::at_piece(text, (at, line), false, false, max)
                }
                // A worker panicked; the run ends with its panic.
                Some(pieces::Ending::Failed) => return,
            };
            sequential(reader, batch, Some(plan.format), Vec::new(), at, send);
        }
    }
}

/// What is said of an error reading an array's text.
fn array_read_error(e: &io::Error) -> String {
    match source::corrupt_data(e) {
        Some(corrupt) => format!(
            "corrupt or truncated {} data ({})",
            corrupt.compression.name(),
            corrupt.reason
        ),
        None => io_error_text(e),
    }
}

/// A reader that fails with one error (and then ends).
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

/// Reads an array record by record with `reader`, sending batches of records to the
/// workers as chunks of lines are sent. `batch` holds the start of the record the reader
/// is in, if any; `format` is the format already told to the collector (`None`: detected
/// from the first batch and told here); `before` is the file offset `reader` starts at,
/// so its bytes and those before make the file's.
fn scan_array(
    file: FileId,
    job: &Job,
    mut reader: ArrayReader<Box<dyn Read + '_>>,
    mut batch: Vec<u8>,
    (told, mut pre, before): (Option<FormatChoice>, Vec<Diagnostic>, u64),
    pool: &Receiver<Vec<u8>>,
    send: &mut dyn FnMut(WorkKind),
) {
    let settings = &job.settings;
    let mut format = told.unwrap_or(settings.format);
    let mut sent_format = told.is_some();
    let mut records: Vec<(usize, usize, RecordStart)> = Vec::new();
    // Whether the array has an element, or is not one (J007 then): else it is empty (J011).
    let mut seen = told.is_some();
    // Sends the batch (and, before the first that holds a record, the format detected from
    // it; with `end`, the format of a file that has none). A batch cut short by a record too
    // long to read may hold none: the format waits for one that does.
    let flush = |batch: &mut Vec<u8>,
                 records: &mut Vec<(usize, usize, RecordStart)>,
                 pre: &mut Vec<Diagnostic>,
                 format: &mut FormatChoice,
                 sent_format: &mut bool,
                 end: bool,
                 send: &mut dyn FnMut(WorkKind)| {
        if !*sent_format && (end || !records.is_empty()) {
            *sent_format = true;
            let mut told = *format;
            if *format == FormatChoice::Auto {
                let detected = detect_array_format(batch, records, settings.target);
                *format = format::resolve(detected, settings.target);
                told = undecided_as_auto(detected, *format);
            }
            send(WorkKind::Findings {
                diagnostics: Vec::new(),
                bytes: 0,
                io_error: None,
                format: Some(told),
            });
        }
        if records.is_empty() && pre.is_empty() {
            return;
        }
        // The workers give the buffers back: reuse them, as chunks of lines do.
        let mut next = pool.try_recv().unwrap_or_default();
        next.clear();
        send(WorkKind::Records {
            buf: std::mem::replace(batch, next),
            records: std::mem::take(records),
            format: *format,
            pre: std::mem::take(pre),
        });
    };
    loop {
        let event = match reader.next_event(&mut batch) {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(e) => {
                flush(
                    &mut batch,
                    &mut records,
                    &mut pre,
                    &mut format,
                    &mut sent_format,
                    true,
                    send,
                );
                let reason = array_read_error(&e);
                send(WorkKind::Findings {
                    diagnostics: Vec::new(),
                    bytes: 0,
                    io_error: Some(reason),
                    format: None,
                });
                return;
            }
        };
        seen = seen || !matches!(event, ArrayEvent::Problem { .. });
        match event {
            ArrayEvent::Record { at, start, end } => {
                records.push((start, end, at));
                if batch.len() >= source::CHUNK_SIZE {
                    flush(
                        &mut batch,
                        &mut records,
                        &mut pre,
                        &mut format,
                        &mut sent_format,
                        false,
                        send,
                    );
                }
            }
            ArrayEvent::TooLong { at, len } => {
                flush(
                    &mut batch,
                    &mut records,
                    &mut pre,
                    &mut format,
                    &mut sent_format,
                    false,
                    send,
                );
                let mut out = Vec::new();
                let mut ctx = FileContext::new(settings, file, &mut out);
                line_too_large::report_record(&mut ctx, &at, len);
                let valid = !ctx.has_error;
                send(WorkKind::TooLong {
                    diagnostics: out,
                    valid,
                });
            }
            event => report_array_event(settings, file, event, &mut pre),
        }
    }
    flush(
        &mut batch,
        &mut records,
        &mut pre,
        &mut format,
        &mut sent_format,
        true,
        send,
    );
    if !seen {
        empty_file::report_array(&mut FileContext::new(settings, file, &mut pre));
    }
    // The size of the text, also when it goes on after the array's end.
    let io_error = reader.read_rest().err().map(|e| array_read_error(&e));
    send(WorkKind::Findings {
        diagnostics: pre,
        bytes: reader.total_bytes() + before,
        io_error,
        format: None,
    });
}

/// Reports an event of an array's scan that is a finding (J001 on its punctuation, J007 on
/// a text that is not an array) into `pre`.
pub(super) fn report_array_event(
    settings: &crate::settings::Settings,
    file: FileId,
    event: ArrayEvent,
    pre: &mut Vec<Diagnostic>,
) {
    match event {
        ArrayEvent::Problem { at, problem } => {
            let mut ctx = FileContext::new(settings, file, pre);
            invalid_json::report_at(&mut ctx, at.location(file), problem.message());
        }
        ArrayEvent::NotArray { at, found } => {
            let what = if found == b'{' {
                "one JSON object"
            } else {
                "not a JSON array"
            };
            let mut ctx = FileContext::new(settings, file, pre);
            ctx.report(
                Code::J007,
                at.location(file),
                format!(
                    "file is {what}, not an array of records; a .json dataset holds one array of records (`[{{...}}, {{...}}]`) or one record per line"
                ),
            );
        }
        ArrayEvent::Record { .. } | ArrayEvent::TooLong { .. } => {}
    }
}

/// The format of the first record of an array's first batch that fits a known shape.
pub(super) fn detect_array_format(
    buf: &[u8],
    records: &[(usize, usize, RecordStart)],
    target: Option<&crate::target::Target>,
) -> Option<FormatChoice> {
    let mut parser = Parser::new();
    for (start, end, _) in records.iter().take(1000) {
        let Ok(s) = std::str::from_utf8(&buf[*start..*end]) else {
            continue;
        };
        if let Ok(doc) = parser.parse(s)
            && let Some(f) = format::detect_for(&doc, target)
        {
            return Some(f);
        }
    }
    None
}
