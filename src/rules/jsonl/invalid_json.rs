//! J001 invalid-json.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::diagnostic::Span;
use crate::json::{Document, Limit, ParseError};
use crate::registry::Code;
use crate::rule::Level;
use crate::target::Loader;
use crate::wording::quote_cut;

declare_rule! {
    /// ## What it does
    /// Checks that every line that is not blank is one JSON value under the strict rules of
    /// RFC 8259, and reports the first syntax error of a line at the column where the parser
    /// stopped, with what it expected: a trailing comma, single quotes, an unquoted key, a
    /// comment, Python's `True`/`False`/`None`, a raw tab or newline inside a string,
    /// a lone UTF-16 surrogate escape (`\ud83d` without the `\ude00` that completes it, or a
    /// low surrogate alone), reported at the escape. A line that is not JSON is not checked
    /// any further. A line nested deeper than 128 levels, or holding more than 1,048,576
    /// objects and arrays or 16,777,216 values and keys, is reported as not read (it may be
    /// valid JSON; no dataset format nests so deep or needs so many, and the limits keep the
    /// checks' stack and memory bounded: a message of the record costs about 200 bytes,
    /// a value 20). Two lines of valid JSON are reported too, because Hugging Face `datasets`
    /// fails to load a file holding them while Python's `json` reads them: a value nested 64
    /// or more levels deep, counted as Arrow nests types (the record is level 1, each object
    /// or array one more; an innermost empty object does not count), at the first value so
    /// deep; and in JSON Lines a number too large for Arrow's JSON reader (`1e309`,
    /// `-1e400`: a positive exponent above 308 plus the fraction's digits), at the number (a
    /// `.json` array is read by Python's `json` when Arrow's reader fails, and loads). Such a
    /// record is still linted, since every other reader gets its values. These two are
    /// errors under a target that loads with `datasets` (TRL, axolotl, LLaMA-Factory,
    /// Unsloth), warnings without a target, and not reported under a provider that reads
    /// each record with its own JSON parser. `NaN`, `Infinity` and `-Infinity`, which are not
    /// JSON but which Python's `json.dumps` writes for a float that is not finite (pandas and
    /// notebook exports carry them), and which Python's `json` and `datasets` read back, are
    /// read as numbers: the record is linted, and J001 at the first of them is a warning under
    /// a target that loads with `datasets` and an error otherwise (strict JSON readers, a
    /// provider's upload among them, reject the line); `nan`, `Inf` and `+Infinity`, which
    /// Python refuses too, are syntax errors. Two records split
    /// by a lone carriage return (`\r`, no `\n`) are one line with text after its JSON
    /// value, and the message says where the `\r` is (a file split by `\r` only is J007).
    /// In a file that is one JSON array of records, the array's own punctuation is checked
    /// too (a missing or trailing `,`, no closing `]`): such a finding belongs to no record,
    /// and it fails the file-level errors gate, since no JSON reader loads any of the file.
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
    /// such as `datasets` reject the line. `datasets` reads a number beyond 1.8e308 and a
    /// deeply nested value into Arrow, which refuses them: `ArrowInvalid: JSON parse error:
    /// Number too big to be stored in double`, `ArrowInvalid: Recursion level in ArrowSchema
    /// struct exceeded`, and no row of the file loads.
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

/// Reports the parser's error at the character where it stopped.
pub fn report(text: &str, error: &ParseError, ctx: &mut RecordContext<'_>) {
    let at = error.offset.min(text.len());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    ctx.report(
        Code::J001,
        Span::from_usize(at, end),
        match error.limit {
            // Python's json reads up to about 1,000 levels: the line may well be JSON.
            Some(Limit::Depth) => format!(
                "JSON {}, which tunelint does not read (no dataset format nests so deep: store the deep value as a string, or flatten it)",
                error.message
            ),
            Some(Limit::Size) => format!(
                "JSON with {}, which tunelint does not read (no training example needs so many: split the record, or store the bulky value as a string)",
                error.message
            ),
            // A lone `\r` between two records: Python's text mode and `datasets` split there,
            // a reader that splits on `\n` sees both records on one line.
            None if error.message == TRAILING && after_lone_cr(text, at) => format!(
                "invalid JSON: {TRAILING}: a lone carriage return (\\r) ends the record before it, with no \\n; Python's text mode and `datasets` split the line there, readers that split on \\n see two records on one line; end each record with \\n"
            ),
            None => format!("invalid JSON: {}", error.message),
        },
    );
}

/// Arrow's deepest level of nested types: `pa.schema()` refuses a deeper one ("Recursion
/// level in ArrowSchema struct exceeded"), and `datasets` calls it on the features it infers.
pub const ARROW_MAX_LEVEL: usize = 64;

/// Reports valid JSON that Hugging Face `datasets` cannot load, though Python's `json` reads
/// it: a value nested past Arrow's [`ARROW_MAX_LEVEL`], and, in JSON Lines (`lines`; a `.json`
/// array is read by Python's `json` when Arrow's reader fails), a number Arrow's JSON reader
/// refuses. The record is linted on: every other reader gets its values.
pub fn check_loadable(doc: &Document<'_, '_>, lines: bool, ctx: &mut RecordContext<'_>) {
    // Only `datasets` refuses these: an error for a trainer that loads with it, a warning
    // without a target (the file may yet go to one), nothing for a provider that reads each
    // record with its own JSON parser.
    let level = match ctx.settings.target.map(|t| t.loader.value) {
        Some(Loader::Own) => return,
        Some(Loader::Datasets { .. }) => Level::Error,
        None => Level::Warning,
    };
    let deepest = doc.deepest();
    if deepest.level > ARROW_MAX_LEVEL {
        let at = deepest.offset;
        let end = doc.src()[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        ctx.report_capped(
            Code::J001,
            level,
            Span::from_usize(at, end),
            format!(
                "value nested {} levels deep (the record is level 1); Python's `json` reads it, but `datasets` fails to load the file from {ARROW_MAX_LEVEL} levels (pyarrow: \"Recursion level in ArrowSchema struct exceeded\"); store the deep value as a JSON string, or flatten it",
                deepest.level - 1
            ),
        );
    }
    if !lines {
        return;
    }
    let Some(&span) = doc
        .large_exponents()
        .iter()
        .find(|s| arrow_refuses_number(doc.raw_at(**s)))
    else {
        return;
    };
    let raw = doc.raw_at(span);
    let python = match raw.parse::<f64>() {
        Ok(x) if x.is_infinite() && x > 0.0 => "infinity".to_string(),
        Ok(x) if x.is_infinite() => "-infinity".to_string(),
        Ok(x) => x.to_string(),
        Err(_) => "a float".to_string(),
    };
    ctx.report_capped(
        Code::J001,
        level,
        span,
        format!(
            "number {} is too large for pyarrow's JSON reader: `datasets` fails to load the file (\"Number too big to be stored in double\"), though Python's `json` reads it as {python}; write it as a string, or within the range of a 64-bit float (±1.8e308)",
            quote_cut(raw, 40)
        ),
    );
}

/// Reports the first `NaN`, `Infinity` or `-Infinity` of a record. RFC 8259 has none of them,
/// but Python's `json.dumps` writes them by default (`allow_nan=True`) for a float that is not
/// finite, and Python's `json` and Arrow's JSON reader (`datasets`) read them back: the record
/// is read with them as numbers and linted. A warning under a target that loads with
/// `datasets`, which loads the file; an error otherwise, since strict JSON readers (a
/// provider's upload, JavaScript, Go, Rust) reject the line.
pub fn check_non_finite(doc: &Document<'_, '_>, ctx: &mut RecordContext<'_>) {
    let Some(&span) = doc.non_finite().first() else {
        return;
    };
    let raw = doc.raw_at(span);
    let (level, readers) = match ctx.settings.target.map(|t| t.loader.value) {
        Some(Loader::Datasets { .. }) => (
            Level::Warning,
            "`datasets` loads the file (the value as a float in JSON Lines, as null in a `.json` array), but strict JSON readers (JavaScript, Go, Rust, most upload validators) reject the line",
        ),
        Some(Loader::Own) => (
            Level::Error,
            "Python's `json` reads it, but the provider's upload validation reads strict JSON and rejects the line",
        ),
        None => (
            Level::Error,
            "Python's `json` and `datasets` read it, but strict JSON readers (JavaScript, Go, Rust, most upload validators) reject the line",
        ),
    };
    ctx.report_capped(
        Code::J001,
        level,
        span,
        format!(
            "{raw} is not valid JSON: Python's `json.dumps` writes it for a float that is not finite, and {readers}; write null, or a number (`json.dumps(..., allow_nan=False)` catches it)"
        ),
    );
}

/// Whether Arrow's JSON reader (RapidJSON, numbers read as strings) refuses the number `raw`
/// with "Number too big to be stored in double". Not by its value: by its positive exponent
/// against 308 plus the fraction digits RapidJSON counts into the significand, which this
/// follows step by step (`10e308` and `1.8e308` load as infinity; `1e309` and `0.1e310` fail).
/// Checked against pyarrow 26 on 20,000 generated numbers.
pub fn arrow_refuses_number(raw: &str) -> bool {
    let s = raw.as_bytes();
    let digit = |i: usize| s.get(i).filter(|b| b.is_ascii_digit()).map(|b| b - b'0');
    let mut i = 0;
    let minus = s.first() == Some(&b'-');
    if minus {
        i += 1;
    }
    // The integer part: 32 bits, then 64, then a double (RapidJSON's three stages).
    let (mut small, mut wide, mut double) = (0u64, 0u64, 0f64);
    let (mut use_wide, mut use_double) = (false, false);
    let mut significant = 0u32;
    if s.get(i) == Some(&b'0') {
        i += 1;
    } else {
        let Some(first) = digit(i) else {
            return false;
        };
        small = u64::from(first);
        i += 1;
        let (limit, last) = if minus {
            (214_748_364, 8)
        } else {
            (429_496_729, 5)
        };
        while let Some(d) = digit(i) {
            if small >= limit && (small != limit || d > last) {
                wide = small;
                use_wide = true;
                break;
            }
            small = small * 10 + u64::from(d);
            i += 1;
            significant += 1;
        }
    }
    if use_wide {
        let (limit, last) = if minus {
            (0x0CCC_CCCC_CCCC_CCCC, 8)
        } else {
            (0x1999_9999_9999_9999, 5)
        };
        while let Some(d) = digit(i) {
            if wide >= limit && (wide != limit || d > last) {
                double = wide as f64;
                use_double = true;
                break;
            }
            wide = wide * 10 + u64::from(d);
            i += 1;
            significant += 1;
        }
    }
    if use_double {
        while digit(i).is_some() {
            i += 1;
        }
    }
    // The fraction: the digits taken into the significand lower the exponent's limit.
    let mut fraction = 0i64;
    if s.get(i) == Some(&b'.') {
        i += 1;
        if !use_double {
            if !use_wide {
                wide = small;
            }
            while let Some(d) = digit(i) {
                if wide > (1 << 53) - 1 {
                    break;
                }
                wide = wide * 10 + u64::from(d);
                i += 1;
                fraction += 1;
                if wide != 0 {
                    significant += 1;
                }
            }
            double = wide as f64;
        }
        while let Some(d) = digit(i) {
            if significant < 17 {
                double = double * 10.0 + f64::from(d);
                fraction += 1;
                if double > 0.0 {
                    significant += 1;
                }
            }
            i += 1;
        }
    }
    if !matches!(s.get(i), Some(b'e' | b'E')) {
        return false;
    }
    i += 1;
    match s.get(i) {
        Some(b'-') => return false,
        Some(b'+') => i += 1,
        _ => {}
    }
    let max = 308 + fraction;
    let mut exponent = 0i64;
    while let Some(d) = digit(i) {
        exponent = exponent * 10 + i64::from(d);
        if exponent > max {
            return true;
        }
        i += 1;
    }
    false
}

/// The parser's message for text after a whole JSON value.
const TRAILING: &str = "trailing characters after the JSON value";

/// Whether the white space just before `at` holds a carriage return: what ended a record in
/// a file whose records are split by a lone `\r` (JSON reads `\r` as white space).
fn after_lone_cr(text: &str, at: usize) -> bool {
    text.as_bytes()[..at]
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .any(|&b| b == b'\r')
}

/// Reports invalid JSON outside any record: the punctuation of a `.json` array (a missing
/// `,`, a trailing one, the file ending before the `]`).
pub fn report_at(
    ctx: &mut crate::context::FileContext<'_>,
    location: crate::diagnostic::Location,
    message: String,
) {
    ctx.report(Code::J001, location, message);
}

#[cfg(test)]
mod tests {
    use super::arrow_refuses_number;

    /// Numbers pyarrow 26's JSON reader refuses or loads (as `datasets` 5.2.0 does), around
    /// each stage of RapidJSON's number parser: the exponent against 308, the fraction's
    /// digits that raise the limit (leading zeros count, digits past 17 significant ones do
    /// not), integers of 32, 64 and more bits before the fraction.
    #[test]
    fn arrow_refuses_numbers_as_pyarrow_does() {
        for (number, refused) in [
            ("1e309", true),
            ("-1e309", true),
            ("1e0309", true),
            ("1E+309", true),
            ("0.1e310", true),
            ("1.0e309", false),
            ("1.00e310", false),
            ("10e308", false),
            ("1.7976931348623159e308", false),
            ("2e308", false),
            ("1e-400", false),
            ("0.0e400", true),
            ("0.00000000001e318", false),
            ("0.00000000001e320", true),
            ("12345678901234567890.5e300", false),
            ("12345678901234567890.5e309", true),
            ("4294967296.5e309", false),
            ("4294967296.5e310", true),
            ("0.12345678901234567890123e325", false),
            ("0.12345678901234567890123e326", true),
            ("1e99999999999", true),
            ("123", false),
            ("-0", false),
        ] {
            assert_eq!(arrow_refuses_number(number), refused, "{number}");
        }
    }
}
