//! `.json` files holding one array of records (LLaMA-Factory's and many exporters' default
//! container), read as a stream: the array's elements are found by their brackets, strings
//! and escapes without parsing them, and each is handed on with where it starts in the file,
//! so a 2 GB array needs one read window and one batch of records in memory, never the
//! whole text. The records are then parsed and linted like JSONL lines.
//!
//! The engine reads most arrays without this scan, in pieces its workers split by parsing
//! (`engine::pieces`); the scan reads the arrays whose records do not start lines, and
//! any piece that is not whole records, going on from where the piece before it ended
//! ([`ArrayReader::pause`], [`Paused::resume`]), so that its findings are always the
//! scan's.
//!
//! The scan is forgiving so that one broken record does not hide the rest: a closing bracket
//! that does not match closes up to its opener, a raw newline ends a string (JSON strings
//! cannot hold one), a missing comma between records is reported and the next record read.

use std::io::{self, Read};

use crate::diagnostic::RecordStart;

/// Bytes read from the input at a time.
const WINDOW: usize = 256 << 10;

/// What the scan of an array found next.
#[derive(Debug, PartialEq, Eq)]
pub enum ArrayEvent {
    /// One element of the array: its text is `batch[start..end]`.
    Record {
        at: RecordStart,
        start: usize,
        end: usize,
    },
    /// An element longer than the limit, skipped without being buffered; `len` in bytes.
    TooLong { at: RecordStart, len: u64 },
    /// The array's punctuation is wrong at `at`.
    Problem { at: RecordStart, problem: Problem },
    /// The text is not an array: it starts with `found` at `at`; nothing more is read.
    NotArray { at: RecordStart, found: u8 },
}

/// A fault in the array's own punctuation (the records' insides are the parser's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `,` after the last record, before `]`.
    TrailingComma,
    /// `,` where a record should be (`[,` or `,,`).
    EmptyElement,
    /// Two records without a `,` between them.
    MissingComma,
    /// A closing bracket where a record or a `,` should be.
    StrayCloser(u8),
    /// The input ends before the array's `]`.
    Unclosed,
    /// Something other than white space after the array's `]`.
    TextAfter,
}

impl Problem {
    /// The finding's message (J001), lowercase, without a trailing period.
    pub fn message(self) -> String {
        match self {
            Problem::TrailingComma => {
                "invalid JSON: trailing comma after the last record of the array".into()
            }
            Problem::EmptyElement => "invalid JSON: a `,` where a record should be".into(),
            Problem::MissingComma => "invalid JSON: no `,` between two records of the array".into(),
            Problem::StrayCloser(b) => format!(
                "invalid JSON: unexpected `{}` between records of the array",
                char::from(b)
            ),
            Problem::Unclosed => {
                "invalid JSON: the file ends before the array's closing `]` (truncated?)".into()
            }
            Problem::TextAfter => {
                "invalid JSON: text after the array's closing `]`; a .json file holds one array"
                    .into()
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the `[`.
    Start,
    /// Where a record (or the `]`) is expected; the position of the `,` just read, if any.
    Value { comma: Option<RecordStart> },
    /// Inside a record.
    Record,
    /// After a record closed by its bracket, before its `,` or the `]`.
    AfterRecord,
    /// After the `]`.
    End,
    /// Nothing more to read.
    Done,
}

/// Splits a JSON array read from `src` into its elements.
pub struct ArrayReader<R> {
    src: R,
    win: Vec<u8>,
    pos: usize,
    /// File offset of `win[0]`.
    win_offset: u64,
    eof: bool,
    line: u64,
    /// File offset of the current line's first byte.
    line_offset: u64,
    /// Characters of the current line before `win` (when the line started before it).
    line_chars_before: u64,
    /// The file offset and column in characters of the last position worked out: the next
    /// one on the same line is counted from there, so a minified array on one line costs
    /// one pass over it, not one from the line's start per record.
    col_mark: (u64, u64),
    state: State,
    /// Openers of the current record not yet closed.
    stack: Vec<u8>,
    in_string: bool,
    escape: bool,
    /// The current record: where it starts, where its text starts in the batch, the window
    /// position its not yet copied bytes start at, its length so far, and whether it is
    /// being skipped as too long.
    rec_at: RecordStart,
    rec_batch_start: usize,
    rec_seg: usize,
    rec_len: u64,
    rec_skipping: bool,
    max_record_bytes: u64,
    total_bytes: u64,
    /// The last character of the array's text read so far that is not white space (its
    /// `[`, a `,`, a record's closing bracket or last character), when known: where an
    /// array the input ends inside of is reported, not the end of the input, which may be on
    /// a line after the last.
    last_char: Option<RecordStart>,
    /// Bytes read at a time ([`WINDOW`]; smaller in tests, to cross windows everywhere).
    window: usize,
    /// Whether the end of `src` is only the end of a piece of the input, after which the
    /// scan is [paused](Self::pause) to go on over the next piece.
    pause_at_eof: bool,
}

/// A scan stopped at the end of one piece of an array's text, to go on where the next piece
/// starts (see [`ArrayReader::pause`]).
pub struct Paused {
    reader: ArrayReader<io::Empty>,
    /// The bytes of the record the piece ended in, when it is kept.
    partial: Vec<u8>,
}

impl Paused {
    /// Whether the scan stopped between records, after a `,`: where a record starts next,
    /// as it does where a piece of pretty-printed array is cut (`,` newline indent `{`).
    pub fn between_records(&self) -> bool {
        matches!(self.reader.state, State::Value { comma: Some(_) })
    }

    /// The scan, going on over `src`, the text that follows the piece; the record it
    /// stopped in goes on in `batch` (cleared first).
    /// `more`: whether the text goes on after `src` too (see [`ArrayReader::at_piece`]).
    pub fn resume<S: Read>(self, src: S, more: bool, batch: &mut Vec<u8>) -> ArrayReader<S> {
        batch.clear();
        batch.extend_from_slice(&self.partial);
        let mut reader = self.reader.with_src(src);
        reader.rec_batch_start = 0;
        reader.eof = false;
        reader.total_bytes = 0;
        reader.pause_at_eof = more;
        reader
    }
}

impl<R: Read> ArrayReader<R> {
    /// A reader of `src`, whose first byte is at file offset `offset` (3 after a byte-order
    /// mark), on line 1.
    pub fn new(src: R, offset: u64, max_record_bytes: u64) -> Self {
        ArrayReader {
            src,
            win: Vec::new(),
            pos: 0,
            win_offset: offset,
            eof: false,
            line: 1,
            line_offset: offset,
            line_chars_before: 0,
            col_mark: (offset, 0),
            state: State::Start,
            stack: Vec::new(),
            in_string: false,
            escape: false,
            rec_at: RecordStart::default(),
            rec_batch_start: 0,
            rec_seg: 0,
            rec_len: 0,
            rec_skipping: false,
            max_record_bytes: max_record_bytes.max(1),
            total_bytes: 0,
            last_char: None,
            window: WINDOW,
            pause_at_eof: false,
        }
    }

    /// A reader of `src`, a piece of an array's text that starts at the start of line
    /// `line`, at file offset `offset`: the head of the text (`[` comes first) or where a
    /// record (or white space before one) starts, as if a `,` had just been read. At the
    /// end of `src` it pauses when `more` (the text goes on in another piece) and reports
    /// the end of the array's text otherwise.
    pub fn at_piece(src: R, (offset, line): (u64, u64), head: bool, more: bool, max: u64) -> Self {
        let mut reader = ArrayReader::new(src, offset, max);
        reader.line = line;
        reader.pause_at_eof = more;
        if !head {
            // No `[` to read first. (The `,` before the piece only matters when a `,` or
            // `]` follows it, and a piece starts with a record.)
            reader.state = State::Value { comma: None };
        }
        reader
    }

    /// The same scan, reading from `src`.
    fn with_src<S>(self, src: S) -> ArrayReader<S> {
        ArrayReader {
            src,
            win: self.win,
            pos: self.pos,
            win_offset: self.win_offset,
            eof: self.eof,
            line: self.line,
            line_offset: self.line_offset,
            line_chars_before: self.line_chars_before,
            col_mark: self.col_mark,
            state: self.state,
            stack: self.stack,
            in_string: self.in_string,
            escape: self.escape,
            rec_at: self.rec_at,
            rec_batch_start: self.rec_batch_start,
            rec_seg: self.rec_seg,
            rec_len: self.rec_len,
            rec_skipping: self.rec_skipping,
            max_record_bytes: self.max_record_bytes,
            total_bytes: self.total_bytes,
            last_char: self.last_char,
            window: self.window,
            pause_at_eof: self.pause_at_eof,
        }
    }

    /// Stops a scan that [`next_event`](Self::next_event) ended at the end of a piece
    /// (see [`at_piece`](Self::at_piece)), to go on over the next piece with
    /// [`Paused::resume`]; `batch` holds the records read so far.
    pub fn pause(mut self, batch: &mut Vec<u8>) -> Paused {
        self.advance(batch);
        self.win.clear();
        self.pos = 0;
        let partial = if self.state == State::Record && !self.rec_skipping {
            batch[self.rec_batch_start.min(batch.len())..].to_vec()
        } else {
            Vec::new()
        };
        Paused {
            reader: self.with_src(io::empty()),
            partial,
        }
    }

    /// A reader of the one record that starts at file offset `offset` of `src` (read again
    /// by the dataset rules, which find a record by its offset).
    pub fn at_record(src: R, offset: u64, max_record_bytes: u64) -> Self {
        let mut reader = ArrayReader::new(src, offset, max_record_bytes);
        reader.state = State::Value { comma: None };
        reader
    }

    /// Bytes read so far.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Reads the rest of the input without scanning it (text after the array's end, which
    /// is reported once), so that [`total_bytes`](Self::total_bytes) is all of it.
    pub fn read_rest(&mut self) -> io::Result<()> {
        self.total_bytes += io::copy(&mut self.src, &mut io::sink())?;
        Ok(())
    }

    /// Where `win[p]` is: line, line offset, and column in bytes and in characters.
    fn position(&mut self, p: usize) -> RecordStart {
        let here = self.win_offset + p as u64;
        let (mark, mark_chars) = self.col_mark;
        let (from, before) = if mark >= self.line_offset && mark >= self.win_offset && mark <= here
        {
            ((mark - self.win_offset) as usize, mark_chars)
        } else if self.line_offset >= self.win_offset {
            ((self.line_offset - self.win_offset) as usize, 0)
        } else {
            (0, self.line_chars_before)
        };
        let chars = before + count_chars(&self.win[from.min(p)..p]);
        self.col_mark = (here, chars);
        RecordStart {
            line: self.line,
            line_offset: self.line_offset,
            column_bytes: u32::try_from(here - self.line_offset).unwrap_or(u32::MAX),
            column_chars: u32::try_from(chars).unwrap_or(u32::MAX),
        }
    }

    fn newline_at(&mut self, p: usize) {
        self.line += 1;
        self.line_offset = self.win_offset + p as u64 + 1;
    }

    /// Reads the next window, copying the current record's bytes of this one to `batch`.
    fn refill(&mut self, batch: &mut Vec<u8>) -> io::Result<()> {
        self.advance(batch);
        self.win.resize(self.window, 0);
        let n = loop {
            match self.src.read(&mut self.win) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.win.clear();
                    self.pos = 0;
                    return Err(e);
                }
            }
        };
        self.win.truncate(n);
        self.pos = 0;
        self.total_bytes += n as u64;
        if n == 0 {
            self.eof = true;
        }
        Ok(())
    }

    /// Leaves the current window, copying the current record's bytes of it to `batch`.
    fn advance(&mut self, batch: &mut Vec<u8>) {
        if self.state == State::Record {
            self.keep(batch, self.win.len());
            self.rec_seg = 0;
        }
        // The characters of the current line in this window, for columns in the next.
        if self.line_offset >= self.win_offset {
            let from = ((self.line_offset - self.win_offset) as usize).min(self.win.len());
            self.line_chars_before = count_chars(&self.win[from..]);
        } else {
            self.line_chars_before += count_chars(&self.win);
        }
        self.win_offset += self.win.len() as u64;
        // Left as it is, not cleared: the next read overwrites it without zeroing it first.
        self.pos = self.win.len();
    }

    /// Copies the current record's bytes up to window position `end` to `batch`, or counts
    /// them when the record is too long to keep.
    fn keep(&mut self, batch: &mut Vec<u8>, end: usize) {
        let seg = &self.win[self.rec_seg.min(end)..end];
        self.rec_len += seg.len() as u64;
        if !self.rec_skipping {
            if self.rec_len > self.max_record_bytes {
                self.rec_skipping = true;
                batch.truncate(self.rec_batch_start);
            } else {
                batch.extend_from_slice(seg);
            }
        }
        self.rec_seg = end;
    }

    /// Ends the current record at window position `end` (exclusive).
    fn end_record(&mut self, batch: &mut Vec<u8>, end: usize) -> ArrayEvent {
        self.keep(batch, end);
        if self.rec_skipping {
            return ArrayEvent::TooLong {
                at: self.rec_at,
                len: self.rec_len,
            };
        }
        // White space after a scalar element, before its `,`.
        while batch.len() > self.rec_batch_start
            && batch.last().is_some_and(|b| b.is_ascii_whitespace())
        {
            batch.pop();
        }
        ArrayEvent::Record {
            at: self.rec_at,
            start: self.rec_batch_start,
            end: batch.len(),
        }
    }

    /// The next element or problem; records' text is appended to `batch`. `None` at the end.
    pub fn next_event(&mut self, batch: &mut Vec<u8>) -> io::Result<Option<ArrayEvent>> {
        loop {
            if self.state == State::Done {
                return Ok(None);
            }
            if self.pos >= self.win.len() {
                if self.eof {
                    if self.pause_at_eof {
                        return Ok(None);
                    }
                    return Ok(self.at_eof(batch));
                }
                self.refill(batch)?;
                continue;
            }
            if self.state == State::Record {
                if let Some(event) = self.scan_record(batch) {
                    return Ok(Some(event));
                }
                continue;
            }
            let p = self.pos;
            let b = self.win[p];
            if b == b'\n' {
                self.newline_at(p);
                self.pos += 1;
                continue;
            }
            if b.is_ascii_whitespace() {
                self.pos += 1;
                continue;
            }
            match self.state {
                State::Start => {
                    self.pos += 1;
                    if b == b'[' {
                        self.last_char = Some(self.position(p));
                        self.state = State::Value { comma: None };
                    } else {
                        self.state = State::Done;
                        return Ok(Some(ArrayEvent::NotArray {
                            at: self.position(p),
                            found: b,
                        }));
                    }
                }
                State::Value { comma } => match b {
                    b']' => {
                        self.pos += 1;
                        self.state = State::End;
                        if let Some(at) = comma {
                            let problem = Problem::TrailingComma;
                            return Ok(Some(ArrayEvent::Problem { at, problem }));
                        }
                    }
                    b',' => {
                        let at = self.position(p);
                        self.last_char = Some(at);
                        self.pos += 1;
                        self.state = State::Value { comma: Some(at) };
                        let problem = Problem::EmptyElement;
                        return Ok(Some(ArrayEvent::Problem { at, problem }));
                    }
                    b'}' => {
                        let at = self.position(p);
                        self.pos += 1;
                        let problem = Problem::StrayCloser(b);
                        return Ok(Some(ArrayEvent::Problem { at, problem }));
                    }
                    _ => self.start_record(&*batch, p),
                },
                State::AfterRecord => match b {
                    b',' => {
                        let at = self.position(p);
                        self.last_char = Some(at);
                        self.pos += 1;
                        self.state = State::Value { comma: Some(at) };
                    }
                    b']' => {
                        self.pos += 1;
                        self.state = State::End;
                    }
                    b'}' => {
                        let at = self.position(p);
                        self.pos += 1;
                        let problem = Problem::StrayCloser(b);
                        return Ok(Some(ArrayEvent::Problem { at, problem }));
                    }
                    _ => {
                        let at = self.position(p);
                        self.start_record(&*batch, p);
                        let problem = Problem::MissingComma;
                        return Ok(Some(ArrayEvent::Problem { at, problem }));
                    }
                },
                State::End => {
                    self.state = State::Done;
                    let at = self.position(p);
                    let problem = Problem::TextAfter;
                    return Ok(Some(ArrayEvent::Problem { at, problem }));
                }
                State::Record | State::Done => unreachable!("handled above"),
            }
        }
    }

    fn start_record(&mut self, batch: &[u8], p: usize) {
        self.state = State::Record;
        self.rec_at = self.position(p);
        self.rec_batch_start = batch.len();
        self.rec_seg = p;
        self.rec_len = 0;
        self.rec_skipping = false;
        self.stack.clear();
        self.in_string = false;
        self.escape = false;
    }

    /// Scans the current record from `pos` to its end or the end of the window.
    fn scan_record(&mut self, batch: &mut Vec<u8>) -> Option<ArrayEvent> {
        let len = self.win.len();
        let mut p = self.pos;
        while p < len {
            if self.in_string {
                if self.escape {
                    // The byte after a backslash that ended the last window.
                    self.escape = false;
                    if self.win[p] == b'\n' {
                        self.newline_at(p);
                        self.in_string = false;
                    }
                    p += 1;
                    continue;
                }
                let q = string_stop(&self.win, p);
                if q == len {
                    p = len;
                    break;
                }
                p = q + 1;
                match self.win[q] {
                    b'"' => self.in_string = false,
                    b'\\' => match self.win.get(p) {
                        None => self.escape = true,
                        Some(&escaped) => {
                            if escaped == b'\n' {
                                self.newline_at(p);
                                self.in_string = false;
                            }
                            p += 1;
                        }
                    },
                    _ => {
                        // A raw newline: the string was not closed on its line.
                        self.newline_at(q);
                        self.in_string = false;
                    }
                }
                continue;
            }
            let b = self.win[p];
            p += 1;
            match b {
                b' ' => p = crate::json::skip_spaces(&self.win, p),
                b'"' => self.in_string = true,
                b'\n' => self.newline_at(p - 1),
                b'{' | b'[' => self.stack.push(b),
                b'}' | b']' => {
                    let p = p - 1;
                    if self.stack.is_empty() {
                        if b == b']' {
                            // The array's own `]`: the record (a scalar) ends before it.
                            self.pos = p;
                            self.state = State::Value { comma: None };
                            return Some(self.end_record(batch, p));
                        }
                        continue;
                    }
                    let opener = if b == b'}' { b'{' } else { b'[' };
                    // A closer that does not match closes up to its opener, if there is one.
                    if let Some(i) = self.stack.iter().rposition(|&o| o == opener) {
                        self.stack.truncate(i);
                    }
                    if self.stack.is_empty() {
                        // Counted from the record's start, as the next record's start is
                        // counted from here: the line is still read once.
                        self.last_char = Some(self.position(p));
                        self.pos = p + 1;
                        self.state = State::AfterRecord;
                        return Some(self.end_record(batch, p + 1));
                    }
                }
                b',' if self.stack.is_empty() => {
                    let p = p - 1;
                    self.pos = p;
                    self.state = State::AfterRecord;
                    return Some(self.end_record(batch, p));
                }
                _ => {}
            }
        }
        self.pos = p;
        None
    }

    /// The end of the input in the current state.
    fn at_eof(&mut self, batch: &mut Vec<u8>) -> Option<ArrayEvent> {
        let state = std::mem::replace(&mut self.state, State::Done);
        match state {
            // A record cut short: the parser reports where it ends; then the array is
            // unclosed too (the next call), which no loader reads, whatever the records say.
            State::Record => {
                let event = self.end_record(batch, self.win.len());
                self.last_char = match event {
                    ArrayEvent::Record { at, start, end } => last_char_of(&at, &batch[start..end]),
                    _ => None,
                };
                self.state = State::AfterRecord;
                Some(event)
            }
            State::Value { .. } | State::AfterRecord => Some(ArrayEvent::Problem {
                at: match self.last_char {
                    Some(at) => at,
                    None => self.position(self.win.len()),
                },
                problem: Problem::Unclosed,
            }),
            State::Start | State::End | State::Done => None,
        }
    }
}

/// Index of the first `"`, `\\` or newline in `win` at or after `p`, or `win.len()`. Most
/// strings of a record are short (keys, roles): eight bytes at a time in a word first, then,
/// for a long text, the vectorised search.
#[inline]
fn string_stop(win: &[u8], mut p: usize) -> usize {
    use crate::json::bytes_equal;
    for _ in 0..4 {
        let Some(word) = win.get(p..).and_then(|r| r.first_chunk::<8>()) else {
            break;
        };
        let w = u64::from_le_bytes(*word);
        // The lowest flagged byte is exact.
        let found = bytes_equal(w, b'"') | bytes_equal(w, b'\\') | bytes_equal(w, b'\n');
        if found != 0 {
            return p + (found.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    memchr::memchr3(b'"', b'\\', b'\n', &win[p.min(win.len())..]).map_or(win.len(), |i| p + i)
}

/// Where the last character of `text`, the text of a record that starts at `at`, is: `None`
/// when the text is empty.
fn last_char_of(at: &RecordStart, text: &[u8]) -> Option<RecordStart> {
    let last = text.iter().rposition(|&b| (b & 0xC0) != 0x80)?;
    let before = &text[..last];
    Some(match memchr::memrchr(b'\n', before) {
        None => RecordStart {
            line: at.line,
            line_offset: at.line_offset,
            column_bytes: at
                .column_bytes
                .saturating_add(u32::try_from(last).unwrap_or(u32::MAX)),
            column_chars: at
                .column_chars
                .saturating_add(u32::try_from(count_chars(before)).unwrap_or(u32::MAX)),
        },
        Some(nl) => RecordStart {
            line: at.line + memchr::memchr_iter(b'\n', before).count() as u64,
            line_offset: at.line_offset + u64::from(at.column_bytes) + nl as u64 + 1,
            column_bytes: u32::try_from(last - nl - 1).unwrap_or(u32::MAX),
            column_chars: u32::try_from(count_chars(&before[nl + 1..])).unwrap_or(u32::MAX),
        },
    })
}

/// Characters in UTF-8 `bytes` (bytes that are not continuation bytes).
pub fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

/// Whether `name` is a `.json` file, plain or compressed (`.json.gz`, `.json.zst`), in any
/// case: one whose text is read as an array of records when it starts with `[`.
pub fn is_json_name(name: &std::path::Path) -> bool {
    let ext =
        |p: &std::path::Path, e: &str| p.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
    if ext(name, "gz") || ext(name, "zst") {
        name.file_stem()
            .is_some_and(|stem| ext(std::path::Path::new(stem), "json"))
    } else {
        ext(name, "json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, column in characters + 1, text or what was found).
    type Found = Vec<(u64, u32, String)>;

    /// The records, and the problems.
    fn scan(text: &str, max: u64) -> (Found, Found) {
        let mut r = ArrayReader::new(text.as_bytes(), 0, max);
        let mut batch = Vec::new();
        let (mut records, mut other) = (Vec::new(), Vec::new());
        while let Some(e) = r.next_event(&mut batch).unwrap() {
            match e {
                ArrayEvent::Record { at, start, end } => records.push((
                    at.line,
                    at.column_chars + 1,
                    String::from_utf8(batch[start..end].to_vec()).unwrap(),
                )),
                ArrayEvent::TooLong { at, len } => {
                    other.push((at.line, at.column_chars + 1, format!("too long {len}")))
                }
                ArrayEvent::Problem { at, problem } => {
                    other.push((at.line, at.column_chars + 1, format!("{problem:?}")))
                }
                ArrayEvent::NotArray { at, found } => other.push((
                    at.line,
                    at.column_chars + 1,
                    format!("not {}", found as char),
                )),
            }
        }
        (records, other)
    }

    /// Every event of a scan with windows of `window` bytes, in order, as text.
    fn events(text: &[u8], window: usize, max: u64) -> Vec<String> {
        let mut r = ArrayReader::new(text, 0, max);
        r.window = window;
        let mut batch = Vec::new();
        let mut out = Vec::new();
        while let Some(e) = r.next_event(&mut batch).unwrap() {
            out.push(match e {
                ArrayEvent::Record { at, start, end } => {
                    format!("{at:?} {:?}", String::from_utf8_lossy(&batch[start..end]))
                }
                other => format!("{other:?}"),
            });
        }
        out
    }

    proptest::proptest! {
        /// Where the windows end changes nothing: records, problems and places are the same
        /// read a byte at a time, a few bytes or a whole window at a time, whatever the text
        /// (strings, escapes, raw newlines, runs of spaces, brackets that do not match).
        #[test]
        fn windows_change_nothing(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "[", "]", "{", "}", ",", "\"", "\\", "\\\"", "\n", "\r\n", " ", "        ",
                "\"role\": \"user\"", "\"long text without stops, é ü 🙂\"", "1", "x", "é",
            ]), 0..80),
            max in proptest::sample::select(vec![4u64, 40, 1000]),
        ) {
            let text = format!("[{}", parts.concat());
            let whole = events(text.as_bytes(), WINDOW, max);
            for window in [1, 2, 3, 7, 8, 9, 33] {
                proptest::prop_assert_eq!(&events(text.as_bytes(), window, max), &whole, "window {}", window);
            }
        }
    }

    fn rec(line: u64, col: u32, text: &str) -> (u64, u32, String) {
        (line, col, text.to_string())
    }

    #[test]
    fn pretty_printed_records_with_their_positions() {
        let text = "[\r\n  {\r\n    \"a\": \"x]}{[\\\"\"\r\n  },\r\n  {\"é\": [1, [2]]}, 3 , \"s\"\r\n]\r\n";
        let (records, other) = scan(text, 1000);
        assert_eq!(
            records,
            vec![
                rec(2, 3, "{\r\n    \"a\": \"x]}{[\\\"\"\r\n  }"),
                rec(5, 3, "{\"é\": [1, [2]]}"),
                rec(5, 20, "3"),
                rec(5, 24, "\"s\""),
            ]
        );
        assert!(other.is_empty(), "{other:?}");
    }

    #[test]
    fn punctuation_problems_are_located_and_the_scan_goes_on() {
        let (records, other) = scan("[{\"a\":1} {\"b\":2},, {\"c\":3},]x", 1000);
        assert_eq!(records.len(), 3);
        assert_eq!(
            other,
            vec![
                rec(1, 10, "MissingComma"),
                rec(1, 18, "EmptyElement"),
                rec(1, 27, "TrailingComma"),
                rec(1, 29, "TextAfter"),
            ]
        );
        // A mismatched bracket ends the record at its opener's closer.
        let (records, _) = scan("[{\"a\": [1}, {\"b\": 2}]", 1000);
        assert_eq!(
            records,
            vec![rec(1, 2, "{\"a\": [1}"), rec(1, 13, "{\"b\": 2}")]
        );
    }

    #[test]
    fn columns_on_one_long_line_count_characters_across_windows() {
        let one = "{\"é\":\"ü\"}";
        let n = WINDOW / 8;
        let text = format!("[{}]", vec![one; n].join(","));
        let (records, other) = scan(&text, 1000);
        assert!(other.is_empty());
        assert_eq!(records.len(), n);
        for (i, (line, col, t)) in records.iter().enumerate() {
            assert_eq!(
                (*line, *col, t.as_str()),
                (1, 2 + 10 * i as u32, one),
                "record {i}"
            );
        }
    }

    #[test]
    fn empty_truncated_and_non_arrays() {
        assert_eq!(scan(" [ \n ] \n", 10), (vec![], vec![]));
        assert_eq!(scan("", 10), (vec![], vec![]));
        let (records, other) = scan("[\n {\"a\": 1},\n {\"b\": ", 100);
        assert_eq!(records, vec![rec(2, 2, "{\"a\": 1}"), rec(3, 2, "{\"b\":")]);
        // The missing `]` at the text's last character: the record's `:`, the `,`, the
        // `}` of a record on a line before the end, the `[`.
        assert_eq!(other, vec![rec(3, 6, "Unclosed")]);
        assert_eq!(scan("[{}, ", 10).1, vec![rec(1, 4, "Unclosed")]);
        assert_eq!(
            scan("[\n {\"é\": 1}\n\n", 100).1,
            vec![rec(2, 9, "Unclosed")]
        );
        assert_eq!(scan("[\n \"ü\n x", 100).1, vec![rec(3, 2, "Unclosed")]);
        assert_eq!(scan("[ \n ", 10).1, vec![rec(1, 1, "Unclosed")]);
        assert_eq!(scan("\n {\"a\": 1}", 10).1, vec![rec(2, 2, "not {")]);
    }

    #[test]
    fn a_record_over_the_limit_is_skipped_across_windows() {
        let big = "x".repeat(3 * WINDOW);
        let text = format!("[{{\"a\":\"{big}\"}},\n{{\"b\":1}}]");
        let (records, other) = scan(&text, 1000);
        assert_eq!(records, vec![rec(2, 1, "{\"b\":1}")]);
        assert_eq!(other, vec![(1, 2, format!("too long {}", big.len() + 8))]);
        // Under the limit, it is kept whole.
        let (records, _) = scan(&text, 10 * WINDOW as u64);
        assert_eq!(records[0].2.len(), big.len() + 8);
    }

    #[test]
    fn json_names() {
        for name in ["a.json", "A.JSON", "d/a.json.gz", "a.Json.zst"] {
            assert!(is_json_name(std::path::Path::new(name)), "{name}");
        }
        for name in ["a.jsonl", "json", "a.json.bz2", "a.gz"] {
            assert!(!is_json_name(std::path::Path::new(name)), "{name}");
        }
    }
}
