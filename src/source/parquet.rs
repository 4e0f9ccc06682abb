//! Parquet tables (`.parquet`, as the Hugging Face Hub serves datasets): read row group by row
//! group and given to the linter as JSON Lines text, one row per line, so every rule reads a
//! row as it reads a record. Line N of that text is the table's row N-1 (rows are numbered
//! from 0, as `datasets` and pandas index them); the text is spooled as a compressed input's
//! is, so a finding's snippet shows the row as JSON.
//!
//! Values become JSON as `datasets` gives them to a trainer: strings, numbers, booleans and
//! nulls as themselves; lists (`messages` as a list of structs) as arrays; structs and maps as
//! objects (a map's keys as strings); dates, times, timestamps and decimals as strings; a
//! non-finite float as null. Binary data that is text (UTF-8 without control characters: a
//! `content` column written as `binary`, not `string`) is written as that text, so the content and privacy rules read it;
//! other binary data (an image's bytes) is not text to lint: it is written as a short
//! placeholder naming its length, so a row holding an image stays a short line. What the JSON
//! does not show, the table's schema does ([`TableShape`]): which columns are bytes, which
//! are maps; the linter reports them.
//!
//! Memory holds one row group's pages, never the whole table; the reader runs the rows on a
//! thread of their own ([`super::ReadAhead`]), so decoding overlaps with linting. Every codec
//! pyarrow writes is read (snappy, gzip, lz4, brotli, zstd, uncompressed); LZO, which no Parquet
//! reader in Rust decodes, is a clear error naming it.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parquet::basic::{Compression as Codec, ConvertedType, Repetition, Type as PhysicalType};
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::{Field, Row, reader::RowIter};
use parquet::schema::types::Type;

/// The bytes a Parquet file starts (and ends) with.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// Whether `head` is the start of a Parquet file.
pub fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Whether `path` is named as a Parquet table (`*.parquet`, in any case).
pub fn named_parquet(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Why a file named `*.parquet` that does not start with [`MAGIC`] is not read: `datasets`
/// and the Hub read it as a table and fail, so linting it as JSON Lines would pass a file no
/// trainer loads. A Git LFS pointer is read as text (J006 says what it is), and compressed
/// data as compressed.
fn not_a_table(path: &std::path::Path) -> Option<io::Error> {
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .ok()?;
    not_a_table_head(&head)
}

/// [`not_a_table`] from the first bytes of an input named `*.parquet` (standard input with
/// `--stdin-filename`, say): the error when they are neither a table, a pointer nor
/// compressed data.
pub fn not_a_table_head(head: &[u8]) -> Option<io::Error> {
    if is_parquet(head) {
        return None;
    }
    // A pointer is J006's; a compressed file is read as one, which says what it holds (a
    // compressed table is told to be decompressed).
    if crate::rules::jsonl::lfs_pointer::is_pointer(head)
        || super::Compression::sniff(head).is_some()
    {
        return None;
    }
    let looks = match head.iter().find(|b| !b.is_ascii_whitespace()) {
        None => "it is empty".to_owned(),
        Some(b'{' | b'[') => "it starts like JSON: rename it to .jsonl or .json, or convert it (pandas: `pd.read_json(path, lines=True).to_parquet(...)`)".to_owned(),
        Some(b'<') => "it starts like HTML or XML: a download that saved an error page?".to_owned(),
        Some(_) => "it starts with other bytes".to_owned(),
    };
    Some(io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "not a Parquet table: a Parquet file starts with the bytes PAR1 and this one does not ({looks})"
        ),
    ))
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
        format!("not a readable Parquet table ({})", library_error(&e)),
    )
}

/// Where a value sits in a row's JSON: under a key, or an element of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Element,
}

/// What a table's schema says of its columns that their values written as JSON do not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableShape {
    /// Columns of bytes (Parquet binary without the UTF-8 annotation, pyarrow's
    /// `pa.binary()`): `datasets` gives their values to the trainer as Python `bytes`.
    pub binary: Vec<Vec<Step>>,
    /// Columns (or fields of one) that are Parquet maps, which `datasets` refuses to load
    /// ("does not have a datasets dtype equivalent"); written as JSON objects all the same.
    pub maps: Vec<Vec<Step>>,
}

impl TableShape {
    /// The shape of the table whose schema is `root`.
    fn of(root: &Type) -> TableShape {
        let mut shape = TableShape::default();
        let mut path = Vec::new();
        if root.is_group() {
            for field in root.get_fields() {
                path.push(Step::Key(field.name().to_string()));
                shape.field(field, &mut path);
                path.pop();
            }
        }
        shape
    }

    /// A field of a group: a repeated one (an old-style list, no LIST annotation) is a list.
    fn field(&mut self, ty: &Type, path: &mut Vec<Step>) {
        let info = ty.get_basic_info();
        if info.has_repetition() && info.repetition() == Repetition::REPEATED {
            path.push(Step::Element);
            self.value(ty, path);
            path.pop();
        } else {
            self.value(ty, path);
        }
    }

    fn value(&mut self, ty: &Type, path: &mut Vec<Step>) {
        let converted = ty.get_basic_info().converted_type();
        if !ty.is_group() {
            let bytes = matches!(
                ty.get_physical_type(),
                PhysicalType::BYTE_ARRAY | PhysicalType::FIXED_LEN_BYTE_ARRAY
            );
            if bytes
                && converted == ConvertedType::NONE
                && ty.get_basic_info().logical_type_ref().is_none()
            {
                self.binary.push(path.clone());
            }
            return;
        }
        match converted {
            ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE => self.maps.push(path.clone()),
            ConvertedType::LIST => {
                // `group (LIST) { repeated group list { element } }`, or the older
                // two-level form whose repeated field is the element itself.
                let [repeated] = ty.get_fields() else {
                    return;
                };
                let element = match repeated.get_fields() {
                    [only]
                        if repeated.is_group()
                            && repeated.name() != "array"
                            && !repeated.name().ends_with("_tuple") =>
                    {
                        only
                    }
                    _ => repeated,
                };
                path.push(Step::Element);
                self.value(element, path);
                path.pop();
            }
            _ => {
                for field in ty.get_fields() {
                    path.push(Step::Key(field.name().to_string()));
                    self.field(field, path);
                    path.pop();
                }
            }
        }
    }
}

/// A column's place in a row's JSON, as a user reads it: `messages[].content`.
pub fn path_words(path: &[Step]) -> String {
    let mut words = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !words.is_empty() {
                    words.push('.');
                }
                words.push_str(key);
            }
            Step::Element => words.push_str("[]"),
        }
    }
    words
}

/// Binary data as the text it holds: UTF-8, not empty, no control character but tab and
/// line ends. Image or audio bytes are not text (a real image is not even UTF-8, and small
/// synthetic ones are runs of control bytes).
fn bytes_as_text(data: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(data).ok()?;
    let control = |b: &u8| b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r');
    (!text.is_empty() && !data.iter().any(control)).then_some(text)
}

/// Whether `text` is the placeholder a binary value that is not UTF-8 text is written as.
pub fn is_bytes_placeholder(text: &str) -> bool {
    text.starts_with('<') && text.ends_with('>') && text.contains(" bytes of binary data, xxh3 ")
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
    shape: TableShape,
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
        let shape = TableShape::of(meta.file_metadata().schema_descr().root_schema());
        Ok(RowsAsLines {
            rows: RowIter::from_file_into(Box::new(file)),
            written: 0,
            buf: Vec::new(),
            pos: 0,
            group_sizes,
            progress: None,
            failed: None,
            shape,
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
            InputSource::File(path) if named_parquet(path) && source.is_regular() => {
                not_a_table(path).map_or(Ok(None), Err)
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

    /// What the table's schema says of its columns.
    pub fn shape(&self) -> &TableShape {
        &self.shape
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
                    "the Parquet table cannot be read from row {} on ({})",
                    self.written,
                    library_error(&e)
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
        // Text stored as bytes: the text, for the rules that read it (the linter reports that
        // the column is bytes, from the table's schema).
        Field::Bytes(b) => match bytes_as_text(b.data()) {
            Some(text) => write_str(text, out),
            None => {
                let data = b.data();
                let _ = write!(
                    out,
                    "\"<{} bytes of binary data, xxh3 {:016x}>\"",
                    data.len(),
                    xxhash_rust::xxh3::xxh3_64(data)
                );
            }
        },
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

/// The Parquet library's reason in the report's words: a string value that is not UTF-8 is
/// said so, without the bytes the library lists (the whole value, twice: a cell of megabytes,
/// or a key the data holds, would be printed); any other list of bytes is cut off.
fn library_error(e: impl std::fmt::Display) -> String {
    let text = e.to_string();
    if text.contains("as String. Bytes: [") {
        return "a string value is not valid UTF-8".into();
    }
    match text.find(" Bytes: [") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
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
