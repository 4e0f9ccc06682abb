//! Streaming input: a file (or stdin) read as newline-aligned chunks of whole lines.
//!
//! One reader per input keeps at most one chunk plus the unfinished line in memory; a line
//! longer than `max_line_bytes` is never buffered whole: it is skipped to the next newline
//! and reported as a [`Piece::TooLong`]. Line numbers are 1-based, offsets are bytes from the
//! start of the file. A gzip or zstd input is decompressed as it is read (`compressed`):
//! its lines, numbers and offsets are those of the decompressed text. A `.json` file holding
//! one array of records is read record by record instead (`array`).

mod ahead;
mod array;
mod compressed;
mod parquet;

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;

pub use ahead::ReadAhead;
pub use array::{ArrayEvent, ArrayReader, Paused, count_chars, is_json_name};
pub use compressed::{Compression, CorruptData, corrupt_data, decompressed};
pub use parquet::{
    RowsAsLines, Step, TableShape, is_bytes_placeholder, is_parquet, named_parquet,
    not_a_table_head, path_words, unreadable_rows,
};

/// Where an input's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSource {
    File(PathBuf),
    Stdin,
    /// Bytes in memory (tests, fuzzing, editor integrations).
    Memory(Arc<[u8]>),
}

impl InputSource {
    /// Whether this is a regular file (or bytes in memory): something that can be read
    /// again from the start. A pipe or a device (`<(cat data.jsonl)`, a named pipe) cannot:
    /// opening it again would wait for a writer or read other bytes.
    pub fn is_regular(&self) -> bool {
        match self {
            InputSource::File(path) => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
            InputSource::Memory(_) => true,
            InputSource::Stdin => false,
        }
    }

    /// Whether this is a Parquet table, told by its first bytes: its rows are read as lines
    /// of JSON (`parquet`). Standard input's first bytes are looked at and left to be read
    /// (this waits for them); a pipe or device given by name is never a table, since looking
    /// would consume what it reads.
    pub fn is_parquet(&self) -> bool {
        match self {
            InputSource::File(path) if self.is_regular() => {
                let mut head = Vec::with_capacity(4);
                std::fs::File::open(path)
                    .and_then(|f| f.take(4).read_to_end(&mut head))
                    .is_ok_and(|_| is_parquet(&head))
            }
            InputSource::File(_) => false,
            InputSource::Memory(bytes) => is_parquet(bytes),
            InputSource::Stdin => {
                use std::io::BufRead;
                io::stdin().lock().fill_buf().is_ok_and(is_parquet)
            }
        }
    }

    /// The compression of a file or of bytes in memory, told by their first bytes; `None`
    /// for plain text, a file that cannot be read, and standard input or a pipe or device
    /// given by name (told once it is read: looking would consume what it reads, and wait
    /// for a writer).
    pub fn compression(&self) -> Option<Compression> {
        match self {
            InputSource::File(_) if !self.is_regular() => None,
            InputSource::File(path) => {
                let mut head = Vec::with_capacity(compressed::MAGIC_BYTES);
                std::fs::File::open(path)
                    .ok()?
                    .take(compressed::MAGIC_BYTES as u64)
                    .read_to_end(&mut head)
                    .ok()?;
                Compression::sniff(&head)
            }
            InputSource::Memory(bytes) => Compression::sniff(bytes),
            InputSource::Stdin => None,
        }
    }
}

/// Where the lines of an input can be read again by their offsets: the file itself, the
/// copy of what was read from a pipe or standard input, or the bytes in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reread {
    File(PathBuf),
    Memory(Arc<[u8]>),
}

impl Reread {
    /// The line starting at `offset`, without its terminator (`\n`, `\r\n`), at most
    /// `max` bytes of it; `None` when it cannot be read.
    pub fn line(&self, offset: u64, max: u64) -> Option<Vec<u8>> {
        self.open()?.line(offset, max)
    }

    /// The input opened for reading lines again, one after another: a file is opened once
    /// for all of them.
    pub fn open(&self) -> Option<Reopened> {
        Some(match self {
            Reread::Memory(data) => Reopened::Memory(Arc::clone(data)),
            Reread::File(path) => {
                Reopened::File(io::BufReader::new(std::fs::File::open(path).ok()?))
            }
        })
    }
}

/// An input opened by [`Reread::open`].
pub enum Reopened {
    File(io::BufReader<std::fs::File>),
    Memory(Arc<[u8]>),
}

impl Reopened {
    /// [`Reread::line`].
    pub fn line(&mut self, offset: u64, max: u64) -> Option<Vec<u8>> {
        let mut bytes = match self {
            Reopened::Memory(data) => {
                let rest = data.get(usize::try_from(offset).ok()?..)?;
                let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                rest[..end.min(usize::try_from(max).unwrap_or(usize::MAX))].to_vec()
            }
            Reopened::File(f) => {
                use std::io::{BufRead, Seek, SeekFrom};
                // Seeking a buffered reader drops its buffer: lines read in order of their
                // offsets cost one read each, as when the file was opened for each.
                f.seek(SeekFrom::Start(offset)).ok()?;
                let mut line = Vec::new();
                f.by_ref()
                    .take(max.saturating_add(2))
                    .read_until(b'\n', &mut line)
                    .ok()?;
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                line
            }
        };
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        Some(bytes)
    }
}

impl Reopened {
    /// The record of a `.json` array starting at `offset` (it may span lines), at most
    /// `max` bytes of it; `None` when it cannot be read.
    pub fn record(&mut self, offset: u64, max: u64) -> Option<Vec<u8>> {
        fn first<R: Read>(src: R, offset: u64, max: u64) -> Option<Vec<u8>> {
            let mut reader = ArrayReader::at_record(src, offset, max);
            let mut batch = Vec::new();
            match reader.next_event(&mut batch).ok()?? {
                ArrayEvent::Record { start, end, .. } => Some(batch[start..end].to_vec()),
                _ => None,
            }
        }
        match self {
            Reopened::Memory(data) => {
                first(data.get(usize::try_from(offset).ok()?..)?, offset, max)
            }
            Reopened::File(f) => {
                use std::io::{Seek, SeekFrom};
                f.seek(SeekFrom::Start(offset)).ok()?;
                first(f, offset, max)
            }
        }
    }
}

/// Target size of one chunk: large enough that the per-chunk overhead vanishes, small enough
/// that one file of a few hundred MB splits into hundreds of chunks for all cores.
pub const CHUNK_SIZE: usize = 1 << 20;

/// Bytes of an input looked at before its lines are read: enough to tell text split into
/// lines from binary data, a wider Unicode encoding or a compressed container.
pub const HEAD_BYTES: usize = 8192;

/// What [`ChunkReader::next_piece`] produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// The caller's buffer now holds whole lines: every one ends in `\n` except, at the end of
    /// the input, possibly the last.
    Lines { first_line: u64, offset: u64 },
    /// A line longer than the limit was skipped; `len` counts its bytes (without newline),
    /// `chars` its characters (code points; bytes of broken UTF-8 count as they start one).
    TooLong {
        line: u64,
        offset: u64,
        len: u64,
        chars: u64,
    },
}

/// The bytes of `bytes` that start a character: all but UTF-8's continuation bytes.
fn starts_of_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

/// Splits a byte stream into chunks of whole lines.
pub struct ChunkReader<R> {
    src: R,
    /// Bytes read past the last emitted chunk: the start of the next line.
    carry: Vec<u8>,
    line: u64,
    offset: u64,
    eof: bool,
    max_line_bytes: u64,
    /// Whether the last byte of the input was `\n` (known once the input is exhausted).
    ends_with_newline: bool,
    total_bytes: u64,
}

impl<R: Read> ChunkReader<R> {
    pub fn new(src: R, max_line_bytes: u64) -> Self {
        ChunkReader {
            src,
            carry: Vec::new(),
            line: 1,
            offset: 0,
            eof: false,
            max_line_bytes: max_line_bytes.max(1),
            ends_with_newline: true,
            total_bytes: 0,
        }
    }

    /// Whether the input ended with a newline; meaningful once `next_piece` returned `None`.
    pub fn ends_with_newline(&self) -> bool {
        self.ends_with_newline
    }

    /// Bytes read so far.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// The number of the next line to read: the lines before it were read whole.
    pub fn next_line(&self) -> u64 {
        self.line
    }

    /// Fills `out` (its old bytes replaced) with the next chunk of whole lines.
    pub fn next_piece(&mut self, out: &mut Vec<u8>) -> io::Result<Option<Piece>> {
        // A buffer used before keeps its length while it is filled, so that reading into it
        // does not first write zeros over a megabyte: `Filling` counts the bytes in use, and
        // `out` is cut to them at the end.
        let mut chunk = Filling {
            buf: std::mem::take(out),
            len: 0,
        };
        let result = self.next_piece_in(&mut chunk);
        chunk.buf.truncate(chunk.len);
        *out = chunk.buf;
        result
    }

    fn next_piece_in(&mut self, out: &mut Filling) -> io::Result<Option<Piece>> {
        out.len = 0;
        out.extend(&self.carry);
        self.carry.clear();
        // Search for newlines only in bytes not searched before.
        let mut searched = 0;
        loop {
            while out.len < CHUNK_SIZE && !self.eof {
                if let Err(e) = self.fill(out, CHUNK_SIZE - out.len) {
                    // The whole lines read before a failure (a corrupt compressed stream
                    // fails part-way) are linted; the error comes with the next call.
                    return match memchr::memrchr(b'\n', out.bytes()) {
                        Some(last_nl) => {
                            self.carry.extend_from_slice(&out.bytes()[last_nl + 1..]);
                            out.len = last_nl + 1;
                            Ok(Some(self.emit_lines(out.bytes())))
                        }
                        None => Err(e),
                    };
                }
            }
            if let Some(last_nl) =
                memchr::memrchr(b'\n', &out.bytes()[searched..]).map(|i| i + searched)
            {
                self.carry.extend_from_slice(&out.bytes()[last_nl + 1..]);
                out.len = last_nl + 1;
                return Ok(Some(self.emit_lines(out.bytes())));
            }
            if self.eof {
                if out.len == 0 {
                    return Ok(None);
                }
                return Ok(Some(self.emit_lines(out.bytes())));
            }
            // No newline in the whole buffer: one line longer than a chunk.
            if out.len as u64 > self.max_line_bytes {
                return self.skip_long_line(out).map(Some);
            }
            searched = out.len;
            let want = out.len.clamp(CHUNK_SIZE, 64 << 20);
            self.fill(out, want)?;
        }
    }

    fn emit_lines(&mut self, out: &[u8]) -> Piece {
        let piece = Piece::Lines {
            first_line: self.line,
            offset: self.offset,
        };
        let newlines = memchr::memchr_iter(b'\n', out).count() as u64;
        self.line += newlines;
        if out.last() != Some(&b'\n') {
            // The final line, without newline: it is a line all the same.
            self.line += 1;
        }
        self.offset += out.len() as u64;
        piece
    }

    /// Reads and discards the rest of an over-long line, keeping what follows its newline.
    fn skip_long_line(&mut self, out: &mut Filling) -> io::Result<Piece> {
        let (line, offset) = (self.line, self.offset);
        let mut len = out.len as u64;
        // The characters, for J009 at the end of a last line with no newline.
        let mut chars = starts_of_chars(out.bytes());
        loop {
            out.len = 0;
            if self.eof {
                break;
            }
            self.fill(out, CHUNK_SIZE)?;
            if let Some(nl) = memchr::memchr(b'\n', out.bytes()) {
                len += nl as u64;
                chars += starts_of_chars(&out.bytes()[..nl]);
                self.carry.extend_from_slice(&out.bytes()[nl + 1..]);
                self.offset += len + 1;
                self.line += 1;
                out.len = 0;
                return Ok(Piece::TooLong {
                    line,
                    offset,
                    len,
                    chars,
                });
            }
            len += out.len as u64;
            chars += starts_of_chars(out.bytes());
        }
        self.offset += len;
        self.line += 1;
        Ok(Piece::TooLong {
            line,
            offset,
            len,
            chars,
        })
    }

    /// Appends up to `want` bytes from the source to `out`.
    fn fill(&mut self, out: &mut Filling, want: usize) -> io::Result<()> {
        let start = out.len;
        if out.buf.len() < start + want {
            out.buf.resize(start + want, 0);
        }
        let n = loop {
            match self.src.read(&mut out.buf[start..start + want]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        out.len = start + n;
        if n == 0 {
            self.eof = true;
        } else {
            self.total_bytes += n as u64;
            self.ends_with_newline = out.buf[start + n - 1] == b'\n';
        }
        Ok(())
    }
}

/// A buffer being filled: its first `len` bytes are the chunk, the rest are old bytes that
/// will be read over.
struct Filling {
    buf: Vec<u8>,
    len: usize,
}

impl Filling {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn extend(&mut self, more: &[u8]) {
        let end = self.len + more.len();
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        self.buf[self.len..end].copy_from_slice(more);
        self.len = end;
    }
}

/// Reads all of a file a setting names (a configuration, a baseline, a tokenizer), at most
/// `limit` bytes: a device or a pipe that never ends (`/dev/zero`) is an error, not a read
/// that fills the memory.
pub fn read_capped(path: &std::path::Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    // What is not a regular file (a pipe, a device) has no size to trust: the lower limit.
    let limit = if file.metadata()?.is_file() {
        limit
    } else {
        limit.min(SETTINGS_FILE_LIMIT)
    };
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("more than {} MiB, too large for this file", limit >> 20),
        ));
    }
    Ok(bytes)
}

/// [`read_capped`], as text.
pub fn read_string_capped(path: &std::path::Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_capped(path, limit)?).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// Most bytes of a configuration file, a chat template or a tokenizer's configuration.
pub const SETTINGS_FILE_LIMIT: u64 = 64 << 20;
/// Most bytes of a baseline, a tokenizer's vocabulary or a benchmark file.
pub const DATA_FILE_LIMIT: u64 = 1 << 30;

/// Why a file could not be opened or read, in the house style: lowercase, without the
/// operating system's error number (`too many levels of symbolic links (a symlink loop)`).
pub fn io_error_text(e: &io::Error) -> String {
    // The error number of a symlink loop (ELOOP); `ErrorKind::FilesystemLoop` is unstable.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const ELOOP: Option<i32> = Some(40);
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))]
    const ELOOP: Option<i32> = Some(62);
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )))]
    const ELOOP: Option<i32> = None;
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ if ELOOP.is_some() && e.raw_os_error() == ELOOP => {
            "too many levels of symbolic links (a symlink loop)".into()
        }
        _ => {
            let s = e.to_string();
            // "Is a directory (os error 21)" → "is a directory".
            let s = s.split(" (os error").next().unwrap_or(&s);
            let mut chars = s.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_lowercase().chain(chars).collect::<String>()
            })
        }
    }
}

/// Iterates the lines of a chunk: `(line number, byte offset in file, line without its
/// terminator)`. A trailing `\r` is removed (CRLF files are fine).
pub fn lines(
    chunk: &[u8],
    first_line: u64,
    offset: u64,
) -> impl Iterator<Item = (u64, u64, &[u8])> {
    let mut pos = 0usize;
    let mut line = first_line;
    std::iter::from_fn(move || {
        if pos >= chunk.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &chunk[pos..]).map_or(chunk.len(), |i| pos + i);
        let mut text = &chunk[pos..end];
        if let Some(stripped) = text.strip_suffix(b"\r") {
            text = stripped;
        }
        let item = (line, offset + pos as u64, text);
        pos = end + 1;
        line += 1;
        Some(item)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One opened file reads every line again, in any order, as the bytes in memory do and
    /// as opening the file for each line did: terminators dropped, a line longer than `max`
    /// cut (the engine never reads one again: it skipped it).
    #[test]
    fn an_opened_input_reads_lines_in_any_order() {
        let data: &[u8] = b"{\"a\": 1}\r\n\n{\"b\": \"long line here\"}\nlast without newline";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.jsonl");
        std::fs::write(&path, data).unwrap();
        let starts: Vec<u64> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', data).map(|i| i as u64 + 1))
            .collect();
        let file = Reread::File(path);
        let memory = Reread::Memory(Arc::from(data));
        let mut opened = file.open().unwrap();
        for max in [4, 1000] {
            for &offset in starts.iter().rev().chain(&starts) {
                let rest = &data[offset as usize..];
                let mut want = rest.split(|&b| b == b'\n').next().unwrap().to_vec();
                if want.last() == Some(&b'\r') {
                    want.pop();
                }
                let got = opened.line(offset, max).unwrap();
                if want.len() <= max as usize {
                    assert_eq!(got, want, "{offset} {max}");
                    assert_eq!(memory.line(offset, max), Some(want), "{offset} {max}");
                } else {
                    assert!(want.starts_with(&got) && got.len() as u64 <= max + 2);
                }
                assert_eq!(file.line(offset, max), Some(got));
            }
        }
    }

    /// The records of a `.json` array, read again by their offsets in any order through one
    /// opened file and from memory, are the records' own bytes (across lines too).
    #[test]
    fn an_opened_input_reads_array_records_in_any_order() {
        let data: &[u8] = b"[\n  {\"a\": 1},\n  {\"b\": [1,\n    2]},\n  {\"c\": \"}\"}\n]\n";
        let records: [&[u8]; 3] = [b"{\"a\": 1}", b"{\"b\": [1,\n    2]}", b"{\"c\": \"}\"}"];
        let starts: Vec<u64> = memchr::memchr_iter(b'{', data)
            .filter(|&i| data[i - 2..i] == *b"  ")
            .map(|i| i as u64)
            .collect();
        assert_eq!(starts.len(), 3);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.json");
        std::fs::write(&path, data).unwrap();
        let mut file = Reread::File(path).open().unwrap();
        let mut memory = Reread::Memory(Arc::from(data)).open().unwrap();
        for i in [2, 0, 1, 1, 2, 0] {
            assert_eq!(file.record(starts[i], 1000).as_deref(), Some(records[i]));
            assert_eq!(memory.record(starts[i], 1000).as_deref(), Some(records[i]));
        }
    }

    fn pieces(data: &[u8], max: u64) -> Vec<(Piece, Vec<u8>)> {
        let mut r = ChunkReader::new(data, max);
        let mut out = Vec::new();
        let mut all = Vec::new();
        while let Some(p) = r.next_piece(&mut out).unwrap() {
            all.push((p, out.clone()));
        }
        all
    }

    #[test]
    fn splits_whole_lines_and_numbers_them() {
        let got = pieces(b"a\nb\r\nc", 100);
        let mut all = Vec::new();
        for (piece, bytes) in &got {
            let Piece::Lines { first_line, offset } = *piece else {
                panic!("unexpected {piece:?}")
            };
            all.extend(lines(bytes, first_line, offset).map(|(l, o, t)| (l, o, t.to_vec())));
        }
        let want: Vec<(u64, u64, Vec<u8>)> = vec![
            (1, 0, b"a".to_vec()),
            (2, 2, b"b".to_vec()),
            (3, 5, b"c".to_vec()),
        ];
        assert_eq!(all, want);
    }

    #[test]
    fn skips_a_line_over_the_limit_without_buffering_it() {
        let mut data = b"{}\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 * CHUNK_SIZE));
        data.extend_from_slice(b"\n{\"a\":1}\n");
        let got = pieces(&data, CHUNK_SIZE as u64);
        let kinds: Vec<_> = got.iter().map(|(p, _)| p).collect();
        assert_eq!(
            kinds[0],
            &Piece::Lines {
                first_line: 1,
                offset: 0
            }
        );
        assert_eq!(
            kinds[1],
            &Piece::TooLong {
                line: 2,
                offset: 3,
                len: 3 * CHUNK_SIZE as u64,
                chars: 3 * CHUNK_SIZE as u64
            }
        );
        assert_eq!(
            kinds[2],
            &Piece::Lines {
                first_line: 3,
                offset: 4 + 3 * CHUNK_SIZE as u64
            }
        );
        assert_eq!(got[2].1, b"{\"a\":1}\n");
    }

    #[test]
    fn long_line_under_the_limit_is_kept_whole() {
        let mut data = vec![b'y'; 2 * CHUNK_SIZE + 7];
        data.push(b'\n');
        let got = pieces(&data, 10 * CHUNK_SIZE as u64);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1.len(), 2 * CHUNK_SIZE + 8);
    }

    /// Gives at most `step` bytes per read, as a pipe or a decompressor may.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(out.len()).min(self.step);
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_buffer_used_before_holds_only_the_new_chunk() {
        let data: Vec<u8> = (0..3 * CHUNK_SIZE / 10)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .chain(*b"last")
            .collect();
        for (step, stale) in [
            (1 << 20, 0),
            (7, 10),
            (4096, 3 * CHUNK_SIZE),
            (1000, CHUNK_SIZE),
        ] {
            let mut r = ChunkReader::new(Trickle { data: &data, step }, 100);
            let mut out = vec![b'#'; stale];
            let mut joined = Vec::new();
            let mut next_offset = 0;
            while let Some(piece) = r.next_piece(&mut out).unwrap() {
                let Piece::Lines { offset, .. } = piece else {
                    panic!("unexpected {piece:?}")
                };
                assert_eq!(offset, next_offset, "step {step}");
                assert!(
                    !out.contains(&b'#'),
                    "step {step}: an old byte in the chunk"
                );
                next_offset += out.len() as u64;
                joined.extend_from_slice(&out);
                // The next call gets the buffer back with something else in it.
                out.iter_mut().for_each(|b| *b = b'#');
                out.extend_from_slice(b"####");
            }
            assert_eq!(joined, data, "step {step}");
        }
    }

    #[test]
    fn reports_missing_final_newline() {
        let mut r = ChunkReader::new(&b"a\nb"[..], 100);
        let mut out = Vec::new();
        while r.next_piece(&mut out).unwrap().is_some() {}
        assert!(!r.ends_with_newline());
        let mut r = ChunkReader::new(&b"a\n"[..], 100);
        while r.next_piece(&mut out).unwrap().is_some() {}
        assert!(r.ends_with_newline());
    }
}
