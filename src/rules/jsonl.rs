//! J rules: the file and its lines. Emitted by the reader (`crate::source`) and the
//! record parser (`crate::engine`), which are where these facts are known.

use crate::declare_rule;
use crate::rule::RuleOption;

declare_rule! {
    /// ## What it does
    /// Reports a line is not valid JSON.
    pub static INVALID_JSON = {
        code: "J001",
        name: "invalid-json",
        level: Error,
        summary: "line is not valid JSON",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a line is JSON but not an object.
    pub static NOT_AN_OBJECT = {
        code: "J002",
        name: "not-an-object",
        level: Error,
        summary: "line is JSON but not an object",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a empty or whitespace-only line before the last data line.
    pub static BLANK_LINE = {
        code: "J003",
        name: "blank-line",
        level: Warning,
        summary: "empty or whitespace-only line before the last data line",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a line is not valid UTF-8.
    pub static INVALID_UTF8 = {
        code: "J004",
        name: "invalid-utf8",
        level: Error,
        summary: "line is not valid UTF-8",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a file starts with a UTF-8 byte-order mark.
    pub static BYTE_ORDER_MARK = {
        code: "J005",
        name: "byte-order-mark",
        level: Error,
        summary: "file starts with a UTF-8 byte-order mark",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a file is a Git LFS pointer, not data.
    pub static LFS_POINTER = {
        code: "J006",
        name: "lfs-pointer",
        level: Error,
        summary: "file is a Git LFS pointer, not data",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a whole file is one JSON array or pretty-printed JSON.
    pub static NOT_JSONL = {
        code: "J007",
        name: "not-jsonl",
        level: Error,
        summary: "whole file is one JSON array or pretty-printed JSON",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a line longer than `max_line_bytes`; skipped.
    pub static LINE_TOO_LARGE = {
        code: "J008",
        name: "line-too-large",
        level: Error,
        summary: "line longer than `max_line_bytes`; skipped",
        options: [RuleOption {
            name: "max_line_bytes",
            default: "67108864",
            doc: "longest line read, in bytes (64 MiB); longer lines are skipped",
        }],
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a last line has no newline.
    pub static MISSING_FINAL_NEWLINE = {
        code: "J009",
        name: "missing-final-newline",
        level: Info,
        summary: "last line has no newline",
    };
}

declare_rule! {
    /// ## What it does
    /// Reports a a JSON object repeats a key.
    pub static DUPLICATE_KEY = {
        code: "J010",
        name: "duplicate-key",
        level: Error,
        summary: "a JSON object repeats a key",
    };
}
