//! How messages say things: every value taken from the data and put in a message goes
//! through [`quote`] (or [`describe`], which uses it), so that a secret or a person's details
//! in a key, a role or a type name is masked in every output format, and a megabyte string
//! is cut to a readable length.

use crate::json::{Document, Kind, NodeId};

/// Characters of a data value a message shows at most.
const QUOTED_CHARS: usize = 40;

/// Characters of a value scanned for secrets before it is cut for a message: a secret that
/// starts among the shown characters is found whole as long as it is shorter than this.
const SCANNED_CHARS: usize = 4096;

/// A value quoted for a message: secrets and personal details masked as the P rules mask
/// them (first 4 characters, then `*`), cut to 40 characters, JSON-escaped.
pub fn quote(s: &str) -> String {
    quote_cut(s, QUOTED_CHARS)
}

/// [`quote`] cut to `max_chars` characters (at most 40) instead: masked first, since a key
/// cut short no longer looks like one.
pub fn quote_cut(s: &str, max_chars: usize) -> String {
    let masked = masked_prefix(s);
    let short = shorten(&masked, max_chars.min(QUOTED_CHARS));
    let quoted = serde_json::to_string(&short).unwrap_or_else(|_| format!("\"{short}\""));
    // JSON leaves invisible and reordering characters as they are: a right-to-left override
    // in a role name would turn the rest of the message around.
    escape_invisible(&quoted)
}

/// `text` with every secret in it masked (its first 4 characters shown): for an error
/// message, which may quote a configuration value or a file name a key was pasted into.
pub fn mask_secrets(text: &str) -> String {
    crate::pii::mask_secrets(text)
}

/// Why a file could not be read, as every output shows it: a library's reason may quote
/// the data (a cell, a column's name), so secrets and personal details are masked, unseen
/// characters escaped, and it is cut to 300 characters.
pub fn unread_reason(text: &str) -> String {
    escape_invisible(&shorten(&masked_prefix(text), 300))
}

/// Zero-width, reordering (bidi: the overrides, isolates and marks, Arabic's letter mark),
/// line- and paragraph-separator and byte-order-mark characters, the joiners ([`joiner`]),
/// and the other format characters and fillers Unicode says to show as nothing
/// ([`format_char`]): shown as `\u` escapes wherever a message quotes data, so a quoted
/// value reads as what it is (`"assistant\u00ad"` is not `"assistant"`). The variation
/// selectors (an emoji's U+FE0F) are not among them.
pub fn invisible(c: char) -> bool {
    reordering(c) || joiner(c) || format_char(c)
}

/// The characters that hide text or turn it around ("Trojan Source"): the zero-width space
/// and word joiner, the bidi overrides, isolates and marks, Arabic's letter mark, the line
/// and paragraph separators and the byte-order mark. No output writes them as they are to a
/// terminal, a log or a page, not even in a path or a quoted line of the file.
pub fn reordering(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The zero-width non-joiner and joiner: invisible, but part of ordinary words (Persian,
/// Urdu, the Indic scripts) and of emoji sequences, and unable to reorder or hide text.
pub fn joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// The other format characters and fillers shown as nothing (Default_Ignorable): the soft
/// hyphen, the combining grapheme joiner, the Hangul fillers, Khmer's inherent vowels,
/// Mongolian's selectors, the deprecated format controls, the interlinear annotation marks,
/// shorthand and musical format controls, and the tag characters of "ASCII smuggling".
/// Escaped where a message quotes a value; a path keeps them, so it names its file.
pub fn format_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A character no output writes as it is: a control character (C0, DEL and C1: U+009B is
/// a terminal's escape sequence introducer on its own) or an [`invisible`] one.
pub fn unseen(c: char) -> bool {
    c.is_control() || invisible(c)
}

/// What a path, a quoted line of the file or a page's text escapes: control characters and
/// the [`reordering`] ones, which could hide or turn text around. The joiners and the other
/// format characters are part of what is written there (a Persian folder's name, a word
/// with a soft hyphen) and are kept, so a path names its file.
pub fn unseen_in_text(c: char) -> bool {
    c.is_control() || reordering(c)
}

/// `text` with [`unseen`] characters written as `\u` escapes.
fn escape_invisible(text: &str) -> String {
    if !text.chars().any(unseen) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unseen(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A word taken from the data and shown as it is written (`it ends with "and"`): masked like
/// [`quote`], cut to 40 characters, but not JSON-escaped.
pub fn word(s: &str) -> String {
    escape_invisible(&shorten(&masked_prefix(s), QUOTED_CHARS))
}

/// The first [`SCANNED_CHARS`] characters of `s` with every secret and personal detail masked.
fn masked_prefix(s: &str) -> String {
    let prefix = match s.char_indices().nth(SCANNED_CHARS) {
        Some((at, _)) => &s[..at],
        None => s,
    };
    crate::pii::mask_matches(prefix)
}

/// `s` cut to `max_chars` characters, the last of them `…` when it was cut.
pub fn shorten(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        None => s.to_string(),
        Some(_) => {
            let mut out: String = s.chars().take(max_chars.saturating_sub(1)).collect();
            out.push('…');
            out
        }
    }
}

/// `3 errors`, `1 warning`, `7,473 examples` (every count a reader sees is grouped in
/// thousands, as the summary writes it); `info` has no plural.
pub fn plural(n: u64, word: &str) -> String {
    let n_shown = thousands(n);
    if n == 1 || word == "info" {
        format!("{n_shown} {word}")
    } else {
        format!("{n_shown} {word}s")
    }
}

/// `65536` as `65,536`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A percentage floored to one decimal, as every output shows it: 99.96 is 99.9, never a
/// failing run rounded up to 100, and an 85.04% similarity never a misleading 85.1%.
pub fn floor_pct(pct: f64) -> f64 {
    (pct * 10.0).floor() / 10.0
}

/// [`floor_pct`] written with one decimal and `%`: `99.9%`.
pub fn format_pct(pct: f64) -> String {
    format!("{:.1}%", floor_pct(pct))
}

/// "a user", "an assistant".
pub fn with_article(word: &str) -> String {
    // By sound, not letter: "a user" but "an unknown".
    let vowel = word.starts_with(['a', 'e', 'i', 'o'])
        || (word.starts_with('u') && !word.starts_with("us"));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// A JSON value's type as a message says it: `a number (42)`, `null`, `an object`.
pub fn describe(doc: &Document<'_, '_>, node: NodeId) -> String {
    match doc.kind(node) {
        Kind::Null => "null".into(),
        Kind::Bool => doc.raw(node).to_string(),
        // A number can be a card number: masked like any other value.
        Kind::Number => format!("a number ({})", shorten(&masked_prefix(doc.raw(node)), 20)),
        Kind::String => format!("a string ({})", quote(&doc.str(node).unwrap_or_default())),
        Kind::Array => "an array".into(),
        Kind::Object => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A library's reason for an unreadable file may quote the data: a key in it is masked
    /// and a long reason cut.
    #[test]
    fn unread_reasons_are_masked_and_cut() {
        let reason = unread_reason(
            "column `sk-proj-Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eU7iW4` is compressed with lzo",
        );
        assert!(reason.starts_with("column `sk-p****"), "{reason}");
        assert!(!reason.contains("Q7vX2mK9"), "{reason}");
        assert_eq!(unread_reason(&"x".repeat(1000)).chars().count(), 300);
    }

    #[test]
    fn counted_separates_thousands() {
        assert_eq!(plural(7473, "example"), "7,473 examples");
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(1_000_000, "info"), "1,000,000 info");
    }

    #[test]
    fn quote_masks_before_cutting() {
        // 47 characters: cut first, the key would no longer match and would show in clear.
        let key = "sk-proj-Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eU7i";
        let q = quote(key);
        assert!(q.starts_with("\"sk-p***"), "{q}");
        assert!(!q.contains("Q7vX2mK9"), "{q}");
    }

    #[test]
    fn quote_cuts_and_escapes() {
        assert_eq!(quote("bot"), "\"bot\"");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        let long = "x".repeat(100);
        assert_eq!(quote(&long), format!("\"{}…\"", "x".repeat(39)));
    }

    #[test]
    fn quote_of_a_huge_value_scans_a_prefix() {
        let huge = format!(
            "ghp_{} {}",
            "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6",
            "y".repeat(1 << 20)
        );
        let q = quote(&huge);
        assert!(q.starts_with("\"ghp_***"), "{q}");
        assert_eq!(q.chars().count(), 42);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(2, "error"), "2 errors");
        assert_eq!(plural(2, "info"), "2 info");
        assert_eq!(thousands(65536), "65,536");
        assert_eq!(thousands(999), "999");
        assert_eq!(format_pct(99.96), "99.9%");
        assert_eq!(format_pct(100.0), "100.0%");
    }

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(with_article("user"), "a user");
        assert_eq!(with_article("assistant"), "an assistant");
        assert_eq!(with_article("unknown"), "an unknown");
    }
}

/// `text` made safe to write where it reaches a terminal or a CI log (standard error, the
/// text `sample` prints): a
/// file name or a value from the data may hold escape sequences (ESC, BEL: a terminal obeys
/// them), invisible or reordering characters (a right-to-left override), or a line break
/// followed by `::`, which GitHub Actions reads as a workflow command from standard error as
/// from standard output. Those characters are written as JSON escapes (`\u001b`), and a line
/// that would start with `::` starts with `\u003a:` instead. Line breaks and tabs stay.
pub fn for_log(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| (c.is_control() && c != '\n' && c != '\t') || invisible(c);
    let command = |line: &str| line.trim_start().starts_with("::");
    if !text.chars().any(hidden) && !text.split('\n').any(command) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut rest = line;
        if command(line) {
            let at = line.len() - line.trim_start().len();
            out.push_str(&line[..at]);
            out.push_str("\\u003a");
            rest = &line[at + 1..];
        }
        for c in rest.chars() {
            if hidden(c) {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `eprintln!` through [`for_log`], except that standard error closed early (`2>&1 | head`)
/// is not a panic: what could not be said is dropped, and the exit status still tells.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}",
            $crate::wording::for_log(&format!($($arg)*))
        );
    }};
}

#[cfg(test)]
mod stderr_tests {
    use super::for_log;

    #[test]
    fn nothing_from_the_data_drives_a_terminal_or_a_ci_log() {
        assert_eq!(for_log("plain\n  indented\ttab"), "plain\n  indented\ttab");
        assert_eq!(
            for_log("d\n::warning file=z.py::FORGED\n.jsonl.gz: could not be read"),
            "d\n\\u003a:warning file=z.py::FORGED\n.jsonl.gz: could not be read"
        );
        assert_eq!(for_log("  ::error::x"), "  \\u003a:error::x");
        assert_eq!(
            for_log("e\u{1b}]0;PWN\u{7}\u{1b}[2J\r.jsonl"),
            "e\\u001b]0;PWN\\u0007\\u001b[2J\\u000d.jsonl"
        );
        assert_eq!(for_log("\u{202e}evil"), "\\u202eevil");
        assert_eq!(
            super::quote("\u{202e}evil\u{200b}"),
            "\"\\u202eevil\\u200b\""
        );
        assert_eq!(
            super::quote("assistant\u{ad}\u{e0041}"),
            "\"assistant\\u00ad\\ue0041\""
        );
        // C1 controls (U+009B starts an escape sequence on its own), line separators and the
        // Arabic letter mark: JSON leaves them as they are, messages do not.
        assert_eq!(
            super::quote("us\u{9b}31mer\u{2028}\u{61c}"),
            "\"us\\u009b31mer\\u2028\\u061c\""
        );
        assert_eq!(super::word("a\u{1b}[2Jb\u{2066}"), "a\\u001b[2Jb\\u2066");
        assert_eq!(for_log("x\u{9b}2J"), "x\\u009b2J");
        // Colons elsewhere are ours: `tunelint: error: a: b`.
        assert_eq!(for_log("tunelint: error: a: b"), "tunelint: error: a: b");
    }
}

/// The `candidates` name closest to `input` (case aside), when it is close enough to be what
/// was meant: Jaro-Winkler similarity 0.8 or more (below that the suggestion is more
/// confusing than helpful).
pub fn closest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let input = input.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&input, &candidate.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(_, b)| score > b) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// `did you mean "x"?` for a name that is none of `candidates`: the few names it is the start
/// of (`openai` → `openai-chat`, `openai-preference`, `openai-rft`), or else the closest one;
/// `None` when nothing is close.
pub fn did_you_mean<'c>(
    input: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let start = input.to_lowercase();
    let started: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| start.len() >= 2 && c.to_lowercase().starts_with(&start))
        .collect();
    if (2..=6).contains(&started.len()) {
        let names: Vec<String> = started.iter().map(|c| format!("\"{c}\"")).collect();
        return Some(format!("did you mean one of {}?", names.join(", ")));
    }
    closest(input, candidates).map(|c| format!("did you mean \"{c}\"?"))
}

#[cfg(test)]
mod suggestion_tests {
    use super::did_you_mean;

    #[test]
    fn did_you_mean_names_the_few_a_start_begins_or_the_closest() {
        let formats = ["openai-chat", "openai-preference", "openai-rft", "alpaca"];
        assert_eq!(
            did_you_mean("openai", formats).as_deref(),
            Some(r#"did you mean one of "openai-chat", "openai-preference", "openai-rft"?"#)
        );
        assert_eq!(
            did_you_mean("alpacca", formats).as_deref(),
            Some(r#"did you mean "alpaca"?"#)
        );
        assert_eq!(
            did_you_mean("OPENAI-CHAT2", formats).as_deref(),
            Some(r#"did you mean "openai-chat"?"#)
        );
        assert_eq!(did_you_mean("parquet", formats), None);
        // One letter starts too much to be a guess.
        assert_eq!(did_you_mean("o", formats), None);
    }
}

/// How many terminal cells `text` takes: two for a wide (CJK) character, none for a
/// combining mark. Tables of text output pad by this, so a column after a name in Chinese
/// stays aligned.
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` padded with spaces after it to `width` cells.
pub fn pad_end(text: &str, width: usize) -> String {
    format!(
        "{text}{}",
        " ".repeat(width.saturating_sub(display_width(text)))
    )
}

/// `text` padded with spaces before it to `width` cells.
pub fn pad_start(text: &str, width: usize) -> String {
    format!(
        "{}{text}",
        " ".repeat(width.saturating_sub(display_width(text)))
    )
}
