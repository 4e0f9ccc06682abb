//! J rules: the file and its lines. Emitted by the reader (`crate::source`) and the
//! record parser (`crate::engine`), which are where these facts are known.

use serde::{Deserialize, Deserializer};

use crate::declare_rule;
use crate::registry::Code;
use crate::rule::{RuleOption, RuleOptions, integer_option};
use crate::settings::Settings;

declare_rule! {
    /// ## What it does
    /// Checks that every line that is not blank is one JSON value under the strict rules of
    /// RFC 8259, and reports the first syntax error of a line at the column where the parser
    /// stopped, with what it expected: a trailing comma, single quotes, an unquoted key, a
    /// comment, Python's `True`/`False`/`None`, `NaN`, a raw tab or newline inside a string,
    /// a lone UTF-16 surrogate escape (`\ud83d` without the `\ude00` that completes it, or a
    /// low surrogate alone), reported at the escape. A line that is not JSON is not checked
    /// any further.
    ///
    /// ## Why is this bad?
    /// Every fine-tuning pipeline parses the file one line at a time with a strict JSON
    /// parser: OpenAI's upload validation rejects the whole file, and a training script's
    /// `json.loads(line)` or `datasets.load_dataset("json", ...)` raises at the first broken
    /// line, so one bad line stops the whole run. Such lines usually come from a hand edit,
    /// or from a script that wrote Python's `repr()` of a dict instead of `json.dumps()`.
    /// A lone surrogate is half of a character, usually an emoji cut by a limit counted in
    /// UTF-16 units: Python's `json.loads` reads it, but the string cannot be encoded as
    /// UTF-8 (`UnicodeEncodeError` when the record is written out), and Arrow-based loaders
    /// such as `datasets` reject the line.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Where is my order #4821?"}, {"role": "assistant", "content": "It shipped yesterday and arrives by Friday."},]}
    /// {'messages': [{'role': 'user', 'content': 'Can I change my delivery address?'}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Where is my order #4821?"}, {"role": "assistant", "content": "It shipped yesterday and arrives by Friday."}]}
    /// {"messages": [{"role": "user", "content": "Can I change my delivery address?"}, {"role": "assistant", "content": "Yes, until the order ships: open Orders and choose Edit address."}]}
    /// ```
    pub static INVALID_JSON = {
        code: "J001",
        name: "invalid-json",
        level: Error,
        summary: "line is not valid JSON",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a line that is valid JSON but whose value is not an object: an array (often a
    /// conversation's message list without its `{"messages": ...}` wrapper), a string (a
    /// record encoded as JSON twice), a number, `true`, `false` or `null`. The message names
    /// what the line holds. A file that is one JSON array as a whole is J007's.
    ///
    /// ## Why is this bad?
    /// Every supported format stores one example as one JSON object, and loaders look its
    /// keys up: OpenAI rejects the file, a training script's `example["messages"]` raises
    /// `TypeError`, and `datasets` cannot build a table from lines of mixed types. A string
    /// line means the writer called `json.dumps` on text that was already JSON.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]
    /// "{\"messages\": [{\"role\": \"user\", \"content\": \"How do I cancel my plan?\"}]}"
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static NOT_AN_OBJECT = {
        code: "J002",
        name: "not-an-object",
        level: Error,
        summary: "line is JSON but not an object",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports an empty line, or one of only spaces, tabs and carriage returns, that comes
    /// before a data line. Blank lines at the end of the file, after the last data line, are
    /// not reported: editors add them and loaders skip trailing whitespace. A blank line is
    /// not an example and does not count in the valid percentage.
    ///
    /// ## Why is this bad?
    /// The loop most training scripts use, `for line in f: json.loads(line)`, fails on a
    /// blank line with `JSONDecodeError: Expecting value`; other loaders turn it into an
    /// empty record, or reject the file. A blank line inside a file usually means two files
    /// were concatenated carelessly or a record was deleted by hand.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    ///
    /// {"messages": [{"role": "user", "content": "Can I pause my plan instead?"}, {"role": "assistant", "content": "Yes, for up to three months: open Billing and choose Pause plan."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// {"messages": [{"role": "user", "content": "Can I pause my plan instead?"}, {"role": "assistant", "content": "Yes, for up to three months: open Billing and choose Pause plan."}]}
    /// ```
    pub static BLANK_LINE = {
        code: "J003",
        name: "blank-line",
        level: Warning,
        summary: "empty or whitespace-only line before the last data line",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a line that is not valid UTF-8, at its first invalid byte, naming the byte and
    /// its offset. Typical causes: a file saved as Latin-1 or Windows-1252 (`é` as the single
    /// byte `E9`), a multi-byte character cut in half by a byte-based truncation, or binary
    /// data. The line is not checked any further.
    ///
    /// ## Why is this bad?
    /// JSON exchanged between systems must be UTF-8 (RFC 8259, section 8.1). Python's
    /// `open(path, encoding="utf-8")` raises `UnicodeDecodeError` and the whole load fails;
    /// read with `errors="replace"`, the model trains on U+FFFD replacement characters
    /// instead of the text. OpenAI rejects files that are not UTF-8.
    ///
    /// ## Example
    /// ```jsonl,invalid,bytes
    /// {"messages": [{"role": "user", "content": "Do you ship to M\xFCnchen?"}, {"role": "assistant", "content": "Yes, orders to Munich arrive within three working days."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Do you ship to München?"}, {"role": "assistant", "content": "Yes, orders to Munich arrive within three working days."}]}
    /// ```
    pub static INVALID_UTF8 = {
        code: "J004",
        name: "invalid-utf8",
        level: Error,
        summary: "line is not valid UTF-8",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a file that starts with the UTF-8 byte-order mark, the bytes `EF BB BF` that
    /// Windows editors and spreadsheet exports write as "UTF-8 with BOM". It is reported once,
    /// on line 1; the mark is then skipped and the file is linted as usual.
    ///
    /// ## Why is this bad?
    /// JSON text must not start with a byte-order mark (RFC 8259, section 8.1). Python's
    /// `json.loads` raises `JSONDecodeError: Unexpected UTF-8 BOM` on the first line, so the
    /// first example is lost or the whole load fails, and most JSONL loaders and fine-tuning
    /// uploads reject the file. Save the file as plain UTF-8, or strip the mark with
    /// `sed -i '1s/^\xEF\xBB\xBF//' data.jsonl`.
    ///
    /// ## Example
    /// ```jsonl,invalid,bytes
    /// \xEF\xBB\xBF{"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static BYTE_ORDER_MARK = {
        code: "J005",
        name: "byte-order-mark",
        level: Error,
        summary: "file starts with a UTF-8 byte-order mark",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a file that is a Git LFS pointer, the small text file that starts with
    /// `version https://git-lfs.github.com/spec/`, instead of the data it points to. Nothing
    /// else in the file is checked.
    ///
    /// ## Why is this bad?
    /// The repository was cloned or checked out without fetching LFS objects, so every tool
    /// that reads the file sees three lines of text instead of the dataset: a linter would
    /// pass it with zero examples, and a training job fails on it or trains on nothing. Run
    /// `git lfs pull`; in GitHub Actions, check out with `actions/checkout` and `lfs: true`.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// version https://git-lfs.github.com/spec/v1
    /// oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
    /// size 48213
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static LFS_POINTER = {
        code: "J006",
        name: "lfs-pointer",
        level: Error,
        summary: "file is a Git LFS pointer, not data",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a file that is not JSON Lines at all:
    ///
    /// - a pretty-printed JSON document (its first data line is a lone `{` or `[`), a JSON
    ///   array or object spread over several lines, or a file whose only line is one JSON
    ///   array;
    /// - text in UTF-16 or UTF-32, told by its byte-order mark or by the NUL bytes with
    ///   which those encodings spell ASCII; the message names the encoding and the `iconv`
    ///   command that converts it;
    /// - a file with classic Mac line ends: `\r` between records and no `\n` in its first
    ///   8 KiB;
    /// - a binary file (a NUL byte in its first 8 KiB).
    ///
    /// It is reported once, at the first data line, and the rest of the file is not linted
    /// (nor read: a device such as `/dev/zero` ends at once); with the rule off, every line
    /// of a regular file is linted as JSONL.
    ///
    /// ## Why is this bad?
    /// JSONL loaders read one example per line: a pretty-printed file fails on its first line
    /// (OpenAI rejects it), and a one-line array is read as a single record that is not an
    /// example. A `.json` export renamed to `.jsonl` is the usual cause; convert an array
    /// with `jq -c '.[]' data.json > data.jsonl`, an object with `jq -c .`. Loaders read
    /// UTF-8 only and split lines on `\n` only: a UTF-16 export from a Windows tool, or a
    /// file with `\r` line ends, is one unreadable record to them.
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
        summary: "whole file is not JSON Lines: one JSON document, binary, UTF-16/32 or CR line ends",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a line longer than `max_line_bytes` bytes (its newline not counted). The line
    /// is skipped without being parsed, and never held in memory whole; it counts as an
    /// example, invalid while the rule is an error.
    ///
    /// ## Why is this bad?
    /// A line of many megabytes is not a conversation anyone meant to train on: a pasted log
    /// or base64 file, or thousands of records that lost their newlines. It is far beyond any
    /// model's context window, so training truncates it or the upload rejects it, and a loader
    /// that reads it whole can run out of memory. Lower the limit to catch oversized examples
    /// early.
    ///
    /// ## Example
    /// ```jsonl,invalid,max_line_bytes=300
    /// {"messages": [{"role": "user", "content": "The export fails. Log: 2024-05-02T10:14:03Z ERROR export job 8812 failed: timeout after 30s; 2024-05-02T10:14:33Z ERROR export job 8812 failed: timeout after 30s; 2024-05-02T10:15:03Z ERROR export job 8812 failed: timeout after 30s"}, {"role": "assistant", "content": "The export timed out. Export one month at a time instead."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,max_line_bytes=300
    /// {"messages": [{"role": "user", "content": "The export fails with: ERROR export job 8812 failed: timeout after 30s"}, {"role": "assistant", "content": "The export timed out. Export one month at a time instead."}]}
    /// ```
    ///
    /// ## Options
    /// - `max_line_bytes` (default `67108864`, 64 MiB): the longest line read, in bytes.
    ///
    /// ```toml
    /// [rules]
    /// line-too-large = { max_line_bytes = 1048576 }
    /// ```
    pub static LINE_TOO_LARGE = {
        code: "J008",
        name: "line-too-large",
        level: Error,
        summary: "line longer than `max_line_bytes` (64 MiB by default); skipped unread",
        options: [RuleOption {
            name: "max_line_bytes",
            default: "67108864",
            doc: "longest line read, in bytes (64 MiB); longer lines are skipped",
        }],
        config: LineTooLargeOptions,
    };
}

/// J008's options: `[rules] line-too-large = { max_line_bytes = 1048576 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LineTooLargeOptions {
    /// The longest line read, in bytes; longer lines are skipped.
    #[serde(deserialize_with = "max_line_bytes")]
    pub max_line_bytes: u64,
}

impl RuleOptions for LineTooLargeOptions {
    const DEFAULT: LineTooLargeOptions = LineTooLargeOptions {
        max_line_bytes: 64 * 1024 * 1024,
    };
}

impl Default for LineTooLargeOptions {
    fn default() -> Self {
        LineTooLargeOptions::DEFAULT
    }
}

fn max_line_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    integer_option(d, 1, "a positive integer (bytes)")
}

impl Settings {
    /// J008's `max_line_bytes`: the reader skips longer lines unread.
    pub fn max_line_bytes(&self) -> u64 {
        self.options::<LineTooLargeOptions>(Code::J008)
            .max_line_bytes
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a file whose last line does not end with a newline, at the end of that line.
    /// An empty file is not reported.
    ///
    /// ## Why is this bad?
    /// A line without its newline is not a complete line to line-based tools:
    /// `cat train_a.jsonl train_b.jsonl > train.jsonl` glues the last record of the first
    /// file to the first record of the second into one invalid line, `wc -l` counts one
    /// example too few, and some readers drop the unterminated line. It is an info-level
    /// finding because most JSONL loaders read the file correctly.
    ///
    /// ## Example
    /// ```jsonl,invalid,no-final-newline
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static MISSING_FINAL_NEWLINE = {
        code: "J009",
        name: "missing-final-newline",
        level: Info,
        summary: "last line has no newline",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same JSON object, at any depth: the record, a
    /// message, a tool call. Keys are compared after decoding escapes, so `"role"` and
    /// `"\u0072ole"` are the same key. The later key is reported, and the message gives the
    /// column of the earlier one.
    ///
    /// ## Why is this bad?
    /// Loaders do not agree on which value a repeated key keeps, and none of them says so:
    /// Python's `json` and JavaScript's `JSON.parse` keep the last one silently, other parsers
    /// keep the first or fail. In `{"content": "draft", "content": "final"}` the model trains on
    /// one text and the other vanishes; it usually comes from a merge script that appended a
    /// key instead of replacing it.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I change my billing date?"}, {"role": "assistant", "content": "Yes, once per month.", "content": "Yes. Open Billing, choose Change date and pick a day from 1 to 28."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I change my billing date?"}, {"role": "assistant", "content": "Yes. Open Billing, choose Change date and pick a day from 1 to 28."}]}
    /// ```
    pub static DUPLICATE_KEY = {
        code: "J010",
        name: "duplicate-key",
        level: Error,
        summary: "a JSON object repeats a key",
    };
}
