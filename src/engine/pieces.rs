//! A `.json` array read in pieces that the workers split into records, as lines of JSON
//! Lines are: scanning every byte on the reader thread for the records' ends would cost
//! half as much again as linting them.
//!
//! The reader cuts the text where a record most likely starts: after a `,` and a newline,
//! at the indent every record of the array's head starts at (`,` newline two spaces `{` in
//! a pretty-printed array). Finding that is a vectorised search, and counting the piece's
//! newlines gives the line it starts on. A worker reads each record of its piece as the
//! JSON value it starts with, which is where the record ends: that is the whole of the
//! work when the piece is whole records, `,` between them.
//!
//! A cut can be wrong (a nested object at the records' indent, a record left open). So
//! each worker tells the next piece's worker how its piece ended ([`Chain`]): between two
//! records, which a piece read the fast way does; or inside a record, in the state of the
//! byte-by-byte scan (`source::ArrayReader`) the next piece then goes on with. A piece
//! whose fast reading meets anything but whole records and commas (an error, a record too
//! long, text that is not UTF-8), or whose start is not where a record starts, is read
//! by that scan, so every finding is the one the scan of the whole text would give.

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use crate::diagnostic::{Diagnostic, RecordStart};
use crate::settings::{FormatChoice, Settings};
use crate::source::{ArrayEvent, ArrayReader, Paused};

/// Bytes of text in a piece, at least (a piece ends where a record starts).
pub(super) const PIECE_BYTES: usize = crate::source::CHUNK_SIZE;

/// Pieces longer than this many times [`PIECE_BYTES`] without a place to cut (records that
/// long, or an array whose records do not start lines after all): the rest of the text is
/// read by the scan on the reader thread, in bounded memory.
const LONGEST_PIECE: usize = 4;

/// A piece of a `.json` array's text, for a worker to lint.
pub(super) struct Piece {
    /// The piece's text is `buf[..len]`.
    pub buf: Vec<u8>,
    pub len: usize,
    /// The piece's place in the file's pieces, from 0.
    pub index: u64,
    /// File offset and line of the piece's first byte, which starts a line.
    pub offset: u64,
    pub line: u64,
    /// Whether the text goes on in another piece.
    pub more: bool,
    pub format: FormatChoice,
    /// Findings of the file's head, sorted in with the first piece's.
    pub pre: Vec<Diagnostic>,
    pub chain: std::sync::Arc<Chain>,
}

/// How a piece ended, told to the next piece's worker.
pub(super) enum Ending {
    /// Between records, after a `,`: the next piece starts where a record starts.
    Between,
    /// Elsewhere: the scan goes on from there.
    Inside(Box<Paused>),
    /// The piece was not read (its worker panicked).
    Failed,
}

/// How each piece of one file ended, handed from the worker of a piece to the next.
#[derive(Default)]
pub(super) struct Chain {
    endings: Mutex<HashMap<u64, Ending>>,
    told: Condvar,
}

impl Chain {
    fn tell(&self, index: u64, ending: Ending) {
        let mut endings = self.endings.lock().unwrap_or_else(|e| e.into_inner());
        endings.insert(index, ending);
        self.told.notify_all();
    }

    /// How piece `index` ended, waiting until its worker tells. Pieces are taken from the
    /// work queue in order, so the piece waited for is being read by another worker (or
    /// has been): the first piece of those in hand never waits.
    pub(super) fn ending(&self, index: u64) -> Ending {
        let mut endings = self.endings.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(ending) = endings.remove(&index) {
                return ending;
            }
            endings = self.told.wait(endings).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Chain {
    /// [`ending`](Self::ending) for the reader, which sent the piece: it may still be
    /// queued when no worker is left to read it (they all panicked), and then it ends
    /// [`Ending::Failed`].
    fn ending_unless_gone(&self, index: u64, workers: &AtomicUsize) -> Ending {
        let mut endings = self.endings.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(ending) = endings.remove(&index) {
                return ending;
            }
            if workers.load(Ordering::Acquire) == 0 {
                return Ending::Failed;
            }
            let wait = std::time::Duration::from_millis(50);
            endings = match self.told.wait_timeout(endings, wait) {
                Ok((endings, _)) => endings,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

/// Tells how a piece ended when dropped: [`Ending::Failed`] unless told otherwise, so that
/// a panic on one piece does not leave the next one's worker waiting.
pub(super) struct Teller<'a> {
    chain: &'a Chain,
    index: u64,
    ending: Option<Ending>,
}

impl<'a> Teller<'a> {
    pub(super) fn new(chain: &'a Chain, index: u64) -> Self {
        Teller {
            chain,
            index,
            ending: None,
        }
    }

    pub(super) fn set(&mut self, ending: Ending) {
        self.ending = Some(ending);
    }
}

impl Drop for Teller<'_> {
    fn drop(&mut self) {
        let ending = self.ending.take().unwrap_or(Ending::Failed);
        self.chain.tell(self.index, ending);
    }
}

/// Whether (and how) an array is read in pieces: the indent its records start lines at,
/// and its format.
pub(super) struct Plan {
    indent: Vec<u8>,
    /// The format the records are read in.
    pub format: FormatChoice,
    /// The format reported for the file: `format`, or `auto` when no record decided it.
    pub told: FormatChoice,
}

/// The plan for an array whose text starts with `head` (from file offset `offset`, after
/// any byte-order mark): `None` unless the records after the first all start a line at
/// the same indent, the first few hundred of them at least (or all, in a shorter text).
pub(super) fn plan(head: &[u8], offset: u64, settings: &Settings) -> Option<Plan> {
    let mut reader = ArrayReader::at_piece(head, (offset, 1), true, true, u64::MAX);
    let mut batch = Vec::new();
    let mut records = Vec::new();
    while let Ok(Some(event)) = reader.next_event(&mut batch) {
        if let ArrayEvent::Record { at, start, end } = event {
            records.push((start, end, at));
            if records.len() >= 1000 {
                break;
            }
        }
    }
    let mut indent: Option<&[u8]> = None;
    for (start, _, at) in records.iter().skip(1) {
        let from = usize::try_from(at.line_offset.checked_sub(offset)?).ok()?;
        let space = head.get(from..from + at.column_bytes as usize)?;
        if batch.get(*start) != Some(&b'{') || !space.iter().all(|b| matches!(b, b' ' | b'\t')) {
            return None;
        }
        match indent {
            Some(seen) if seen != space => return None,
            _ => indent = Some(space),
        }
    }
    let (format, told) = match settings.format {
        FormatChoice::Auto => {
            let detected = super::read::detect_array_format(&batch, &records, settings.target);
            let format = crate::format::resolve(detected, settings.target);
            (format, super::read::undecided_as_auto(detected, format))
        }
        chosen => (chosen, chosen),
    };
    Some(Plan {
        indent: indent?.to_vec(),
        format,
        told,
    })
}

/// How the reading of pieces ended.
pub(super) enum End {
    /// At the end of the text, `bytes` long (from the file's start).
    Read { bytes: u64 },
    /// Where the rest is read by the scan: the text from file offset `offset` (at the
    /// start of `line`) is `pending` and then what is left of the input, or the read
    /// `error` after `pending`; the scan starts the way the last piece sent ended
    /// (`None`: at the head, no piece was sent).
    Scan {
        from: Option<Ending>,
        pending: Vec<u8>,
        offset: u64,
        line: u64,
        error: Option<io::Error>,
    },
}

/// The reader's side: cuts the array's text into pieces and sends them; `pending` is the
/// text read so far (from file offset `offset`, the start of line 1), `eof` whether that is
/// all of it. `piece_bytes` is [`PIECE_BYTES`] but in tests.
#[allow(clippy::too_many_arguments)]
pub(super) fn read(
    plan: &Plan,
    (mut pending, mut eof): (Vec<u8>, bool),
    offset: u64,
    src: &mut dyn Read,
    (piece_bytes, workers): (usize, &AtomicUsize),
    pool: &crossbeam_channel::Receiver<Vec<u8>>,
    mut pre: Vec<Diagnostic>,
    send: &mut dyn FnMut(Piece),
) -> End {
    let chain = std::sync::Arc::new(Chain::default());
    let needle = [b"\n".as_slice(), &plan.indent, b"{"].concat();
    let finder = memchr::memmem::FinderRev::new(&needle);
    let (mut at, mut line, mut index) = (offset, 1u64, 0u64);
    // The text is `pending[..len]`; the bytes after it were written before and are read
    // over, so that a buffer is zeroed only the first time it grows.
    let mut len = pending.len();
    let mut piece = |buf: Vec<u8>, len: usize, index: u64, at: u64, line: u64, more: bool| Piece {
        buf,
        len,
        index,
        offset: at,
        line,
        more,
        format: plan.format,
        pre: std::mem::take(&mut pre),
        chain: chain.clone(),
    };
    // The rest is scanned on this thread from where the last piece sent ended.
    let scan_rest = |mut pending: Vec<u8>,
                     (len, index, at, line): (usize, u64, u64, u64),
                     error: Option<io::Error>| {
        pending.truncate(len);
        End::Scan {
            from: index
                .checked_sub(1)
                .map(|last| chain.ending_unless_gone(last, workers)),
            pending,
            offset: at,
            line,
            error,
        }
    };
    let mut want;
    loop {
        if eof {
            let bytes = at + len as u64;
            send(piece(pending, len, index, at, line, false));
            return End::Read { bytes };
        }
        match cut(&finder, needle.len(), &pending[..len]) {
            Some(p) => {
                let mut next = pool.try_recv().unwrap_or_default();
                let rest = len - p;
                if next.len() < rest {
                    next.resize(rest, 0);
                }
                next[..rest].copy_from_slice(&pending[p..len]);
                let lines = memchr::memchr_iter(b'\n', &pending[..p]).count() as u64;
                send(piece(
                    std::mem::replace(&mut pending, next),
                    p,
                    index,
                    at,
                    line,
                    true,
                ));
                (at, line, index, len) = (at + p as u64, line + lines, index + 1, rest);
                want = piece_bytes;
            }
            None if len >= piece_bytes.saturating_mul(LONGEST_PIECE) => {
                return scan_rest(pending, (len, index, at, line), None);
            }
            None => want = len + piece_bytes,
        }
        match fill(&mut pending, &mut len, want, src) {
            Ok(end) => eof = end,
            Err(error) => return scan_rest(pending, (len, index, at, line), Some(error)),
        }
    }
}

/// Reads from `src` until `buf[..*len]` holds `want` bytes (the bytes of `buf` after
/// `*len` are read over); whether the input ended first.
pub(super) fn fill(
    buf: &mut Vec<u8>,
    len: &mut usize,
    want: usize,
    src: &mut dyn Read,
) -> io::Result<bool> {
    if buf.len() < want {
        buf.resize(want, 0);
    }
    while *len < want {
        match src.read(&mut buf[*len..want]) {
            Ok(0) => return Ok(true),
            Ok(n) => *len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Where to cut `text`: after the last newline followed by the records' indent and `{` that
/// a `,` ends the line before (`needle` is newline, indent, `{`, `needle_len` long).
fn cut(finder: &memchr::memmem::FinderRev<'_>, needle_len: usize, text: &[u8]) -> Option<usize> {
    let mut end = text.len();
    while let Some(q) = finder.rfind(&text[..end]) {
        let before = text[..q]
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r'));
        if before.is_some_and(|i| text[i] == b',') {
            return Some(q + 1);
        }
        end = q + needle_len - 1;
    }
    None
}

/// Reads a piece the fast way, calling `record` on the text of each record from where it
/// starts (it lints the record the JSON value the text starts with, and returns the
/// record's length, or `None` to give up); whether the piece was whole records, each
/// followed by a `,` (or by the array's `]` at the end of the text).
pub(super) fn read_fast(
    piece: &Piece,
    record: &mut dyn FnMut(&str, RecordStart) -> Option<usize>,
) -> bool {
    let Ok(text) = std::str::from_utf8(&piece.buf[..piece.len]) else {
        return false;
    };
    let b = text.as_bytes();
    let (mut i, mut line, mut line_start) = (0usize, piece.line, 0usize);
    let skip = |i: &mut usize, line: &mut u64, line_start: &mut usize| {
        while let Some(&c) = b.get(*i) {
            match c {
                b'\n' => {
                    *line += 1;
                    *line_start = *i + 1;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            *i += 1;
        }
    };
    let mut after_comma = false;
    if piece.index == 0 {
        skip(&mut i, &mut line, &mut line_start);
        if b.get(i) != Some(&b'[') {
            return false;
        }
        i += 1;
    }
    loop {
        skip(&mut i, &mut line, &mut line_start);
        if i == b.len() {
            return piece.more && after_comma;
        }
        if b[i] != b'{' {
            return false;
        }
        let at = RecordStart {
            line,
            line_offset: piece.offset + line_start as u64,
            column_bytes: u32::try_from(i - line_start).unwrap_or(u32::MAX),
            column_chars: u32::try_from(crate::source::count_chars(&b[line_start..i]))
                .unwrap_or(u32::MAX),
        };
        let Some(len) = record(&text[i..], at) else {
            return false;
        };
        let end = i + len;
        let inside = &b[i..end];
        if let Some(last) = memchr::memrchr(b'\n', inside) {
            line += memchr::memchr_iter(b'\n', inside).count() as u64;
            line_start = i + last + 1;
        }
        i = end;
        skip(&mut i, &mut line, &mut line_start);
        match b.get(i) {
            Some(b',') => {
                i += 1;
                after_comma = true;
            }
            Some(b']') => {
                i += 1;
                skip(&mut i, &mut line, &mut line_start);
                return !piece.more && i == b.len();
            }
            _ => return false,
        }
    }
}

/// What the scan of a piece found: its records (in `batch`) and the findings on the
/// array's punctuation and on records too long to read, in `pre`; how the piece ended.
pub(super) struct Scanned {
    pub batch: Vec<u8>,
    pub records: Vec<(usize, usize, RecordStart)>,
    pub pre: Vec<Diagnostic>,
    /// Records too long to read, and how many of them are valid (J008 not an error).
    pub too_long: (u64, u64),
    pub ending: Ending,
}

/// Reads a piece by the scan, from where the piece before ended (`from`; `None` for the
/// first piece).
pub(super) fn scan(
    piece: &Piece,
    from: Option<Ending>,
    settings: &Settings,
    file: crate::diagnostic::FileId,
) -> Scanned {
    let mut batch = Vec::new();
    let max = settings.max_line_bytes();
    let mut reader = match from {
        Some(Ending::Inside(paused)) => {
            paused.resume(&piece.buf[..piece.len], piece.more, &mut batch)
        }
        _ => ArrayReader::at_piece(
            &piece.buf[..piece.len],
            (piece.offset, piece.line),
            piece.index == 0,
            piece.more,
            max,
        ),
    };
    let mut records = Vec::new();
    let mut pre = piece.pre.clone();
    let mut too_long = (0, 0);
    // Reading bytes in memory does not fail.
    while let Ok(Some(event)) = reader.next_event(&mut batch) {
        match event {
            ArrayEvent::Record { at, start, end } => records.push((start, end, at)),
            ArrayEvent::TooLong { at, len } => {
                let mut ctx = crate::context::FileContext::new(settings, file, &mut pre);
                crate::rules::jsonl::line_too_large::report_record(&mut ctx, &at, len);
                too_long.0 += 1;
                too_long.1 += u64::from(!ctx.has_error);
            }
            event => super::read::report_array_event(settings, file, event, &mut pre),
        }
    }
    let ending = if piece.more {
        let paused = reader.pause(&mut batch);
        if paused.between_records() {
            Ending::Between
        } else {
            Ending::Inside(Box::new(paused))
        }
    } else {
        Ending::Between
    };
    Scanned {
        batch,
        records,
        pre,
        too_long,
        ending,
    }
}
