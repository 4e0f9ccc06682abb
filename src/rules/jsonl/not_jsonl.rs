//! J007 not-jsonl.

use crate::context::FileContext;
use crate::declare_rule;
use crate::json::{Kind, Parser};
use crate::registry::Code;
use crate::source;
use crate::wording::quote;

declare_rule! {
    /// ## What it does
    /// Reports a file that is not JSON Lines at all:
    ///
    /// - a pretty-printed JSON document (its first data line is a lone `{` or `[`, unless
    ///   the next one is a whole record and the file is no JSON document: then the lone
    ///   bracket is a stray line, J001, and the records are linted), a JSON array or object
    ///   spread over several lines, or a file whose only line is one JSON array;
    /// - text in UTF-16 or UTF-32, told by its byte-order mark or by the NUL bytes with
    ///   which those encodings spell ASCII; the message names the encoding and the `iconv`
    ///   command that converts it;
    /// - a file with classic Mac line ends: `\r` between records and no `\n` in its first
    ///   8 KiB;
    /// - a binary file: a NUL byte in its first 8 KiB, unless those bytes are UTF-8 text with
    ///   at most one NUL per 512 bytes (a stray NUL in a record is J001 on its line, and the
    ///   other records are linted); a Parquet table given through a pipe
    ///   (`<(cat train.parquet)`) is told so: a table is read from its end, so a file or
    ///   standard input holding one is read as a table, never reaching this rule.
    ///
    /// It is reported once, at the first data line, and the rest of the file is not linted
    /// (nor read: a device such as `/dev/zero` ends at once); with the rule off, every line
    /// of a regular file is linted as JSONL.
    ///
    /// It also reports, on line 1, a file whose name says it is compressed while its bytes
    /// are not, or are compressed the other way: plain text named `.jsonl.gz` or `.json.zst`,
    /// zstd data named `.gz`. tunelint reads what the bytes are and lints the lines as
    /// usual; the finding says to compress the file or fix its name. (Compressed data named
    /// `.jsonl` is fine: `datasets` tells it by its bytes too; so is an upper-case `.GZ`,
    /// which `datasets` does not take for gzip.) A Parquet table named `.jsonl` or `.json`
    /// is reported too: its rows are linted, but the JSON loaders fail on it. And, on row 0, a Parquet
    /// table with a map column, or a map inside one (`list<map<string, string>>` for
    /// `messages`): its rows are linted, each map read as an object, as pyarrow reads it.
    ///
    /// ## Why is this bad?
    /// JSONL loaders read one example per line: a pretty-printed file fails on its first line
    /// (OpenAI rejects it), and a one-line array is read as a single record that is not an
    /// example. A `.json` export renamed to `.jsonl` is the usual cause; convert an array
    /// with `jq -c '.[]' data.json > data.jsonl`, an object with `jq -c .`. Loaders read
    /// UTF-8 only: a UTF-16 export from a Windows tool is unreadable to them. A file with
    /// `\r` line ends loads in Python's text mode (`for line in open(path)`, universal
    /// newlines) and in `datasets`, which split on a lone `\r` too; everything that splits on
    /// `\n` sees one line holding every record: a script that reads the file in binary mode
    /// (`f.read().split(b"\n")`), `wc -l`, `split -l` and `head -n`, Go's `bufio.Scanner` and
    /// Rust's `lines()`. The file works with some readers and breaks others (a split into
    /// train and validation files by lines, say), which is why it is an error. A file named
    /// `.gz` or `.zst` is opened by the decompressor its name says: `load_dataset("json",
    /// data_files="train.jsonl.gz")` fails with `BadGzipFile: Not a gzipped file` on plain
    /// text, and with `ZstdError` on a `.zst` that is not zstd. `datasets` refuses a Parquet
    /// table with a map anywhere in a column: `ValueError: Arrow type map<string, string>
    /// does not have a datasets dtype equivalent`.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {
    ///   "messages": [
    ///     {"role": "user", "content": "How do I cancel my plan?"},
    ///     {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}
    ///   ]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static NOT_JSONL = {
        code: "J007",
        name: "not-jsonl",
        level: Error,
        summary: "whole file is not what loaders read: one JSON document, binary, UTF-16/32, CR line ends, a wrong .gz/.zst name, a Parquet map",
    };
}

/// Reports a file whose first bytes show it is not UTF-8 text split into lines by `\n`
/// (binary data, UTF-16 or UTF-32, classic Mac line ends). `None` when the head looks like
/// JSON Lines; otherwise whether the finding was made (the rule may be off).
pub fn check_head(head: &[u8], ctx: &mut FileContext<'_>) -> Option<bool> {
    let message = not_utf8_lines(head)?;
    Some(ctx.report_line(Code::J007, 1, 0, message))
}

/// Reports a file whose name says it is compressed (`.gz`, `.zst`) while its bytes are not,
/// or are compressed the other way (`found`, told by its first bytes). Loaders pick the
/// decompressor by the name and fail on the file; tunelint reads what the bytes are, so its
/// lines are linted all the same. Returns whether the finding was made.
pub fn check_name(
    named: source::Compression,
    found: Option<source::Compression>,
    ctx: &mut FileContext<'_>,
) -> bool {
    if found == Some(named) {
        return false;
    }
    let (suffix, name) = (named.suffix(), named.name());
    let message = match found {
        None => format!(
            "file is named {suffix} but is not {name}-compressed: it is plain text, and loaders that pick the decompressor by the name (`datasets`, Python's `{module}.open`) fail on it; compress it with {name}, or drop {suffix} from its name",
            module = match named {
                source::Compression::Gzip => "gzip",
                source::Compression::Zstd => "zstandard",
            }
        ),
        Some(other) => format!(
            "file is named {suffix} but is {}-compressed, and loaders that pick the decompressor by the name (`datasets`) fail on it; rename it to {}, or recompress it with {name}",
            other.name(),
            other.suffix()
        ),
    };
    ctx.report_line(Code::J007, 1, 0, message)
}

/// Reports a Parquet table named as JSON text (`train.jsonl`, `data.json`, `x.jsonl.gz`):
/// tunelint tells a table by its bytes, but the loaders pick their reader by the name
/// (`datasets.load_dataset("json")`, pandas' `read_json`) and fail on it. Its rows are
/// linted all the same.
pub fn check_table_name(path: &std::path::Path, ctx: &mut FileContext<'_>) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(&name);
    let Some(suffix) = [".jsonl", ".ndjson", ".json"]
        .into_iter()
        .find(|s| stem.ends_with(s))
    else {
        return false;
    };
    ctx.report_file(
        Code::J007,
        format!(
            "file is a Parquet table but is named {suffix}, and loaders that pick the reader by the name (`datasets.load_dataset(\"json\")`, pandas' `read_json`) fail on it; rename it to .parquet, or convert it to JSON Lines"
        ),
    )
}

/// Reports a column (or a field of one, `path`) of a Parquet table that is a map: `datasets`
/// refuses the whole table. Its rows are linted all the same, the map read as an object.
pub fn report_map(path: &str, ctx: &mut FileContext<'_>) -> bool {
    ctx.report_file(
        Code::J007,
        format!(
            "column {} of this Parquet table is a map, and `datasets` refuses the whole table (\"does not have a datasets dtype equivalent\"); write it as a struct, or a list of structs (pyarrow: `pa.list_(pa.struct([(\"role\", pa.string()), (\"content\", pa.string())]))`)",
            quote(path)
        ),
    )
}

/// Reports a file that is one JSON document (an array or an object, on one line or
/// pretty-printed) rather than one record per line, from its first chunk `buf`;
/// `whole_file_is_json` reads the whole input to be sure when the first lines cannot tell,
/// and `regular` says whether the input can be read again for that. `start` is the offset
/// in the file of `buf`'s first byte (3 after a byte-order mark the reader took off).
/// Returns whether the file is reported and the rule is on: then nothing more of it is
/// linted.
pub fn check_document(
    buf: &[u8],
    start: u64,
    regular: bool,
    whole_file_is_json: &dyn Fn() -> bool,
    ctx: &mut FileContext<'_>,
) -> bool {
    let is_blank = super::blank_line::is_blank;
    // The first data line.
    let Some((line, offset, text)) = source::lines(buf, 1, start).find(|(_, _, t)| !is_blank(t))
    else {
        return false;
    };
    let trimmed = text.trim_ascii();
    let data_lines = source::lines(buf, 1, start)
        .filter(|(_, _, t)| !is_blank(t))
        .take(2)
        .count();
    let mut parser = Parser::new();
    let parsed_kind = std::str::from_utf8(trimmed)
        .ok()
        .and_then(|s| parser.parse(s).ok().map(|d| d.kind(d.root())));
    // A lone `[` or `{` before a line that is a whole record on its own is a stray line in
    // JSON Lines (J001 on it, the records linted), unless the file read whole is one JSON
    // document (an array of one record).
    let stray = (trimmed == b"[" || trimmed == b"{")
        && source::lines(buf, 1, start)
            .filter(|(_, _, t)| !is_blank(t))
            .nth(1)
            .and_then(|(_, _, t)| std::str::from_utf8(t.trim_ascii()).ok())
            .and_then(|s| parser.parse(s).ok().map(|d| d.kind(d.root())))
            == Some(Kind::Object)
        && !(regular && whole_file_is_json());
    let message = match parsed_kind {
        None if stray => None,
        // A lone `[` or `{` on the first line: a pretty-printed document.
        // `jq -c '.[]'` writes an array's elements one per line; `jq -c .` an object on one.
        None if trimmed == b"[" => Some(format!(
            "file is one pretty-printed JSON array, not JSON Lines; write one example per line (e.g. {JQ_ARRAY})"
        )),
        None if trimmed == b"{" => Some(format!(
            "file is one pretty-printed JSON object, not JSON Lines; write it on one line (e.g. {JQ_OBJECT})"
        )),
        // (Only with more lines: one line that fails to parse is J001, e.g. nested too deep.)
        None if trimmed.starts_with(b"[") && data_lines > 1 && whole_file_is_json() => {
            Some(format!(
                "file is one JSON array spread over several lines, not JSON Lines; write one example per line (e.g. {JQ_ARRAY})"
            ))
        }
        // Every JSONL line starts with `{`: only a file read whole can tell a broken first
        // record from an object spread over lines.
        None if trimmed.starts_with(b"{") && data_lines > 1 && regular && whole_file_is_json() => {
            Some(format!(
                "file is one JSON object spread over several lines, not JSON Lines; write it on one line (e.g. {JQ_OBJECT})"
            ))
        }
        Some(Kind::Array) if data_lines == 1 && whole_file_is_json() => Some(format!(
            "file is one JSON array on one line, not JSON Lines; write one example per line (e.g. {JQ_ARRAY})"
        )),
        _ => None,
    };
    match message {
        Some(m) => ctx.report_line(Code::J007, line, offset, m),
        None => false,
    }
}

/// The commands J007 suggests for a JSON array and for a JSON object.
const JQ_ARRAY: &str = "`jq -c '.[]'`";
const JQ_OBJECT: &str = "`jq -c .`";

/// Why the head of an input shows that it is not UTF-8 text split into lines by `\n`, for
/// J007: text in a wider Unicode encoding, classic Mac line ends, or binary data.
pub(crate) fn not_utf8_lines(head: &[u8]) -> Option<String> {
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
    if crate::source::is_parquet(head) {
        // Only a table read as a stream gets here: through a pipe, or inside gzip or zstd
        // compression (a plain file or standard input is read as a table).
        return Some(
            "file is a Parquet table read as a stream (from a pipe, or compressed with gzip or zstd); tunelint reads a table from its end, so name the uncompressed .parquet file itself (or pass it on standard input)"
                .into(),
        );
    }
    // Containers tunelint does not open (it reads gzip and zstd): say which, not "binary".
    for (magic, name, command) in [
        (&b"BZh"[..], "bzip2", "bunzip2 -k FILE"),
        (&b"\xFD7zXZ\x00"[..], "xz", "unxz -k FILE"),
        (&b"PK\x03\x04"[..], "a zip archive", "unzip FILE"),
        (&b"7z\xBC\xAF\x27\x1C"[..], "a 7-Zip archive", "7z x FILE"),
    ] {
        let bzip2_block = magic != b"BZh" || head.get(3).is_some_and(u8::is_ascii_digit);
        if head.starts_with(magic) && bzip2_block {
            let what = if name.starts_with('a') {
                name.to_string()
            } else {
                format!("{name}-compressed")
            };
            return Some(format!(
                "file is {what}, which tunelint does not read (it reads .gz and .zst); decompress it first (`{command}`) or recompress it with gzip or zstd"
            ));
        }
    }
    if let Some(nul) = memchr::memchr(0, head)
        && !text_with_stray_nul(head)
    {
        return Some(format!(
            "file is binary (NUL byte at offset {nul}), not JSON Lines"
        ));
    }
    // No `\n` at all, but `\r` between data: every record would be one line. (Not for a JSON
    // array, `.json`'s layout, where `\r` is whitespace like any other.)
    let starts_an_array = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'[');
    let cr_between = !starts_an_array
        && head
            .windows(2)
            .any(|w| w[0] == b'\r' && !w[1].is_ascii_whitespace());
    if cr_between && memchr::memchr(b'\n', head).is_none() {
        return Some(
            "file uses CR-only line endings (\\r): Python's text mode and `datasets` split on them, but readers that split on \\n (binary-mode reads, `wc -l`, `split -l`) see one line; convert them to \\n (e.g. `tr '\\r' '\\n'`)"
                .into(),
        );
    }
    None
}

/// Whether a head holding NUL bytes is text all the same: UTF-8 (a character cut by the end
/// of the head aside) with at most one NUL per 512 bytes. A NUL typed into one record (a raw
/// `\0` an export left in a string) is J001 on that line, where it is, as it is later in the
/// file; binary data (an image, an archive, `/dev/zero`, `/dev/urandom`) is neither UTF-8 nor
/// so sparse in NULs, and is still told from its first bytes.
fn text_with_stray_nul(head: &[u8]) -> bool {
    let nuls = memchr::memchr_iter(0, head).count();
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // Cut by the end of the head, not broken.
        Err(e) => e.error_len().is_none(),
    };
    utf8 && nuls <= (head.len() / 512).max(1)
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
    // At least half of the high bytes: one stray NUL near the start of a UTF-8 line is J001
    // on that line, not an encoding.
    let half = head.len() / 2;
    match head {
        [a, 0, ..] if *a != 0 && even * 8 < odd && odd * 2 >= half => {
            Some(("UTF-16", Little, false))
        }
        [0, b, ..] if *b != 0 && odd * 8 < even && even * 2 >= half => Some(("UTF-16", Big, false)),
        _ => None,
    }
}
