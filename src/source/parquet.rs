//! Parquet tables (`.parquet`, as the Hugging Face Hub serves datasets): read row group by row
//! group and given to the linter as JSON Lines text, one row per line, so every rule reads a
//! row as it reads a record. Line N of that text is the table's row N-1 (rows are numbered
//! from 0, as `datasets` and pandas index them); the text is spooled as a compressed input's
//! is, so a finding's snippet shows the row as JSON.
//!
//! Values become JSON as `datasets` gives them to a trainer: strings, numbers, booleans and
//! nulls as themselves; lists (`messages` as a list of structs) as arrays; structs and maps as
//! objects (a map's keys as strings); dates, times, timestamps and decimals as strings; a
//! non-finite float as null. Binary data (an image's bytes) is not text to lint: it is written
//! as a short placeholder naming its length, so a row holding an image stays a short line.
//!
//! Memory holds one row group's pages, never the whole table; the reader runs the rows on a
//! thread of their own ([`super::ReadAhead`]), so decoding overlaps with linting. Every codec
//! pyarrow writes is read (snappy, gzip, lz4, brotli, zstd, uncompressed); LZO, which no Parquet
//! reader in Rust decodes, is a clear error naming it.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parquet::basic::Compression as Codec;
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::{Field, Row, reader::RowIter};

/// The bytes a Parquet file starts (and ends) with.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// Whether `head` is the start of a Parquet file.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Why the rows of a table stopped part-way (a corrupt page): the rows before it are linted.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UnreadableRows(String);

/// Whether an I/O error is a table's rows stopping part-way.
pub fn unreadable_rows(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<UnreadableRows>())
}

/// Why a Parquet table cannot be read, in words for the user.
fn unreadable(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("not a readable Parquet table ({e})"),
    )
}

/// A Parquet table's rows as JSON Lines text.
pub struct RowsAsLines {
    rows: RowIter<'static>,
    /// Rows written so far.
    written: u64,
    /// Text of rows not yet read, from `pos`.
    buf: Vec<u8>,
    pos: usize,
    /// Compressed bytes of each row group, counted as read when its first row is.
    group_sizes: Vec<(u64, u64)>,
    progress: Option<Arc<AtomicU64>>,
    /// A failure, repeated by every later read.
    failed: Option<String>,
}

impl RowsAsLines {
    /// Opens the table in `reader` (a file, or bytes in memory). Fails when it is not a Parquet
    /// file or its footer cannot be read, and when a column is compressed with a codec this
    /// build does not read.
    pub fn open<R: ChunkReader + 'static>(reader: R) -> io::Result<RowsAsLines> {
        let file = crate::guard::guarded(|| SerializedFileReader::new(reader))
            .map_err(unreadable)?
            .map_err(unreadable)?;
        let meta = file.metadata();
        let mut group_sizes = Vec::with_capacity(meta.num_row_groups());
        let mut first_row = 0u64;
        for group in meta.row_groups() {
            for column in group.columns() {
                let codec = column.compression();
                if !readable(codec) {
                    return Err(io::Error::new(
                        io::ErrorKind::Unsupported,
                        format!(
                            "column `{}` of this Parquet table is compressed with {}, which tunelint does not read (it reads uncompressed, snappy, gzip, lz4, brotli and zstd columns); rewrite the table with another compression (pyarrow: `pq.write_table(table, path, compression=\"snappy\")`) or convert it to JSON Lines",
                            column.column_path().string(),
                            codec_name(codec)
                        ),
                    ));
                }
            }
            group_sizes.push((first_row, group.compressed_size().max(0) as u64));
            first_row += group.num_rows().max(0) as u64;
        }
        group_sizes.reverse();
        Ok(RowsAsLines {
            rows: RowIter::from_file_into(Box::new(file)),
            written: 0,
            buf: Vec::new(),
            pos: 0,
            group_sizes,
            progress: None,
            failed: None,
        })
    }

    /// The rows of `source` when it is a Parquet table; `None` for any other input. Standard
    /// input is told by its first bytes, left unread; a table read from it is copied to a
    /// temporary file first, since a table is read from its end (the footer) back.
    pub fn of(source: &super::InputSource) -> io::Result<Option<RowsAsLines>> {
        use super::InputSource;
        match source {
            InputSource::File(path) if source.is_parquet() => {
                RowsAsLines::open(std::fs::File::open(path)?).map(Some)
            }
            InputSource::Memory(bytes) if source.is_parquet() => {
                RowsAsLines::open(bytes::Bytes::copy_from_slice(bytes)).map(Some)
            }
            InputSource::Stdin => {
                use io::BufRead;
                let mut stdin = io::stdin().lock();
                if !is_parquet(stdin.fill_buf()?) {
                    return Ok(None);
                }
                let mut copy = tempfile::tempfile()?;
                io::copy(&mut stdin, &mut copy)?;
                RowsAsLines::open(copy).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Counts each row group's compressed bytes into `progress` as its first row is read.
    pub fn with_progress(mut self, progress: Arc<AtomicU64>) -> RowsAsLines {
        self.progress = Some(progress);
        self
    }

    /// Writes the next row's line into `buf`; false at the end of the table.
    fn next_line(&mut self) -> io::Result<bool> {
        if let Some(reason) = &self.failed {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                UnreadableRows(reason.clone()),
            ));
        }
        let rows = &mut self.rows;
        let next = match crate::guard::guarded(|| rows.next()) {
            Ok(next) => next,
            Err(why) => Some(Err(parquet::errors::ParquetError::General(why))),
        };
        match next {
            None => Ok(false),
            Some(Ok(row)) => {
                while self
                    .group_sizes
                    .last()
                    .is_some_and(|&(first, _)| first <= self.written)
                {
                    let (_, size) = self.group_sizes.pop().unwrap_or_default();
                    if let Some(p) = &self.progress {
                        p.fetch_add(size, Ordering::Relaxed);
                    }
                }
                self.buf.clear();
                self.pos = 0;
                write_row(&row, &mut self.buf);
                self.buf.push(b'\n');
                self.written += 1;
                Ok(true)
            }
            Some(Err(e)) => {
                let reason = format!(
                    "the Parquet table cannot be read from row {} on ({e})",
                    self.written
                );
                self.failed = Some(reason.clone());
                Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    UnreadableRows(reason),
                ))
            }
        }
    }
}

impl Read for RowsAsLines {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if self.pos == self.buf.len() {
                // A failure after some bytes were given is reported by the next read.
                match self.next_line() {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) if n == 0 => return Err(e),
                    Err(_) => break,
                }
            }
            let take = (self.buf.len() - self.pos).min(out.len() - n);
            out[n..n + take].copy_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
            n += take;
        }
        Ok(n)
    }
}

/// A codec as pyarrow's `compression=` names it.
fn codec_name(codec: Codec) -> &'static str {
    match codec {
        Codec::UNCOMPRESSED => "none",
        Codec::SNAPPY => "snappy",
        Codec::GZIP(_) => "gzip",
        Codec::LZO => "lzo",
        Codec::BROTLI(_) => "brotli",
        Codec::LZ4 | Codec::LZ4_RAW => "lz4",
        Codec::ZSTD(_) => "zstd",
    }
}

/// Whether this build reads columns compressed with `codec`.
fn readable(codec: Codec) -> bool {
    matches!(
        codec,
        Codec::UNCOMPRESSED
            | Codec::SNAPPY
            | Codec::GZIP(_)
            | Codec::LZ4
            | Codec::LZ4_RAW
            | Codec::BROTLI(_)
            | Codec::ZSTD(_)
    )
}

/// A row as one JSON object, its columns in the table's order.
fn write_row(row: &Row, out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (name, field)) in row.get_column_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(name, out);
        out.push(b':');
        write_field(field, out);
    }
    out.push(b'}');
}

fn write_field(field: &Field, out: &mut Vec<u8>) {
    use std::io::Write;
    match field {
        Field::Null => out.extend_from_slice(b"null"),
        Field::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Field::Byte(n) => write_display(n, out),
        Field::Short(n) => write_display(n, out),
        Field::Int(n) => write_display(n, out),
        Field::Long(n) => write_display(n, out),
        Field::UByte(n) => write_display(n, out),
        Field::UShort(n) => write_display(n, out),
        Field::UInt(n) => write_display(n, out),
        Field::ULong(n) => write_display(n, out),
        Field::Float16(x) => write_float(f64::from(*x), out),
        Field::Float(x) if x.is_finite() => {
            // serde_json writes an f32 with the digits of an f32 (0.1, not 0.10000000149).
            let _ = serde_json::to_writer(&mut *out, x);
        }
        Field::Float(_) => out.extend_from_slice(b"null"),
        Field::Double(x) => write_float(*x, out),
        Field::Str(s) => write_str(s, out),
        // Named by length and content hash: rows whose images differ must not read as
        // duplicates (D001 hashes the record, D002 tells records apart by their media), and
        // the same bytes must read alike.
        Field::Bytes(b) => {
            let data = b.data();
            let _ = write!(
                out,
                "\"<{} bytes of binary data, xxh3 {:016x}>\"",
                data.len(),
                xxhash_rust::xxh3::xxh3_64(data)
            );
        }
        Field::Decimal(_)
        | Field::Date(_)
        | Field::TimeMillis(_)
        | Field::TimeMicros(_)
        | Field::TimestampMillis(_)
        | Field::TimestampMicros(_) => write_str(&field.to_string(), out),
        Field::Group(row) => write_row(row, out),
        Field::ListInternal(list) => {
            out.push(b'[');
            for (i, element) in list.elements().iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_field(element, out);
            }
            out.push(b']');
        }
        Field::MapInternal(map) => {
            out.push(b'{');
            for (i, (key, value)) in map.entries().iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                match key {
                    Field::Str(s) => write_str(s, out),
                    other => write_str(&other.to_string(), out),
                }
                out.push(b':');
                write_field(value, out);
            }
            out.push(b'}');
        }
    }
}

fn write_display(n: impl std::fmt::Display, out: &mut Vec<u8>) {
    use std::io::Write;
    let _ = write!(out, "{n}");
}

fn write_float(x: f64, out: &mut Vec<u8>) {
    if x.is_finite() {
        let _ = serde_json::to_writer(&mut *out, &x);
    } else {
        out.extend_from_slice(b"null");
    }
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, s);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/parquet")
            .join(name);
        let mut text = String::new();
        RowsAsLines::open(std::fs::File::open(path).expect("fixture"))
            .expect("a table")
            .read_to_string(&mut text)
            .expect("rows");
        text
    }

    #[test]
    fn every_column_type_becomes_json_as_datasets_gives_it() {
        let text = lines_of("alpaca_types.parquet");
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows,
            [
                r#"{"instruction":"Add the numbers.","input":"2 and 3","output":"5","id":1,"score":0.5,"checked":true,"tags":["math"],"created":"1970-01-01 00:00:00.000 +00:00","image":"<108 bytes of binary data, xxh3 83370a4ecf87155c>","meta":{"source":"web"}}"#,
                r#"{"instruction":"Translate to French.","input":null,"output":"Bonjour","id":2,"score":1.25,"checked":false,"tags":[],"created":"1970-01-02 00:00:00.000 +00:00","image":null,"meta":null}"#,
                r#"{"instruction":"Summarise.","input":"A long story about a cat.","output":"A cat.","id":3,"score":null,"checked":null,"tags":null,"created":"2023-11-14 22:13:20.000 +00:00","image":"<0 bytes of binary data, xxh3 2d06800538d394c2>","meta":{}}"#,
            ]
        );
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn row_groups_read_in_order_and_nested_lists_of_structs_are_arrays() {
        let whole = lines_of("chat.parquet");
        assert_eq!(lines_of("chat_groups.parquet"), whole);
        let first = whole.lines().next().expect("a row");
        assert_eq!(
            first,
            r#"{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}"#
        );
        assert!(whole.contains(r#""content":"Four — vier, quatre.""#));
        assert_eq!(whole.lines().count(), 5);
    }

    #[test]
    fn an_empty_table_has_no_lines() {
        assert_eq!(lines_of("empty.parquet"), "");
    }

    #[test]
    fn unreadable_tables_are_errors_that_say_why() {
        let open = |name: &str| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/parquet")
                .join(name);
            RowsAsLines::open(std::fs::File::open(path).expect("fixture")).err()
        };
        let lzo = open("chat_lzo.parquet").expect("LZO is refused");
        assert!(
            lzo.to_string().starts_with(
                "column `messages.list.element.role` of this Parquet table is compressed with lzo"
            ),
            "{lzo}"
        );
        let cut = open("truncated.parquet").expect("a cut table is refused");
        assert!(
            cut.to_string().starts_with("not a readable Parquet table"),
            "{cut}"
        );
        let not = RowsAsLines::open(bytes::Bytes::from_static(b"PAR1 but nothing else")).err();
        assert!(not.is_some());
    }

    /// The Parquet reader panics on some corrupt tables (three bytes changed in a column's
    /// definition levels here) instead of returning an error: the rows read so far are
    /// given, then an error that says why, and no panic reaches the caller.
    #[test]
    fn a_table_the_reader_panics_on_is_an_error() {
        use std::io::Read;
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/parquet/chat.parquet");
        let mut bytes = std::fs::read(path).expect("fixture");
        for (at, value) in [(342, 0o121), (344, 0o213), (378, 0o260)] {
            bytes[at] = value;
        }
        let mut rows = RowsAsLines::open(bytes::Bytes::from(bytes)).expect("the footer is intact");
        let mut text = Vec::new();
        let error = rows.read_to_end(&mut text).expect_err("a corrupt column");
        assert!(unreadable_rows(&error), "{error}");
        assert!(
            error.to_string().contains("cannot be read from row"),
            "{error}"
        );
    }
}
