//! P rules: personal data and secrets in the text of an example.
//!
//! Every text of every message (content and tool-call arguments) is scanned once by cheap
//! prefilters — an `@` for email addresses, runs of digits for phone, card, SSN and IPv4
//! numbers, colons between hex digits for IPv6, one Aho-Corasick pass for key prefixes —
//! and only the candidates they find meet a regular expression and the rule's own checks.
//! A match that a `[pii] allow` pattern finds is not reported. Messages quote the match
//! masked: its first 4 characters, then one `*` per character (see [`mask`]).

pub mod credit_card_number;
pub mod email_address;
pub mod ip_address;
pub mod national_id;
pub mod phone_number;
pub mod secret;

use std::ops::Range;

use crate::context::RecordContext;
use crate::record::{Conversation, Role, Text};
use crate::rules::Code;

const CODES: &[Code] = &[
    Code::P001,
    Code::P002,
    Code::P003,
    Code::P004,
    Code::P005,
    Code::P006,
];

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    if !CODES.iter().any(|&c| ctx.enabled(c)) {
        return;
    }
    for message in &conv.messages {
        let place = match message.role {
            Role::System => "system content",
            Role::Developer => "developer content",
            Role::User => "user content",
            Role::Assistant => "assistant content",
            Role::Tool => "tool content",
            Role::Function => "function content",
            Role::Unknown => "content",
        };
        for text in message.content.texts() {
            check_text(text, place, ctx);
        }
        for call in &message.tool_calls {
            if let Some(arguments) = &call.arguments {
                check_text(arguments, "tool call arguments", ctx);
            }
        }
    }
}

/// Runs every enabled P rule on one text of the record and reports what `[pii] allow` does
/// not allow: `{what} "{masked}"{detail} in {place}; {hint}`. A pasted mailing list of
/// 100,000 addresses is reported by the record's limit (`context::MAX_PER_RULE`): the span
/// and message of the matches not shown one by one are never worked out.
fn check_text(text: &Text<'_>, place: &str, ctx: &mut RecordContext<'_>) {
    let settings = ctx.settings;
    let enabled = |code: Code| settings.enabled(code);
    let mut report = |m: Match<'_>| {
        if settings.pii_allow.allows(&text.value[m.range.clone()]) {
            return;
        }
        let line = ctx.text;
        ctx.report_with(m.code, || {
            let span = text.sub_span(line, m.range);
            let message = format!(
                "{} \"{}\"{} in {place}; {}",
                m.what,
                mask(&text.value[m.quote]),
                m.detail,
                m.hint
            );
            (span, message)
        });
    };
    scan(
        &text.value,
        &mut Found {
            enabled: &enabled,
            sink: &mut report,
        },
    );
}

/// `text` with every match of the P rules masked as their messages mask it: the first 4
/// characters of each stay, the others become `*` one for one, so columns still line up.
/// Every rule runs and `[pii] allow` does not apply. For the line under a message (the
/// `full` output), where a secret must not show either.
pub fn mask_matches(text: &str) -> String {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    scan(
        text,
        &mut Found {
            enabled: &|_| true,
            sink: &mut |m: Match<'_>| ranges.push(m.range),
        },
    );
    if ranges.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let hidden = ranges
            .iter()
            .any(|r| r.contains(&at) && text[r.start..at].chars().count() >= SHOWN);
        out.push(if hidden { '*' } else { c });
    }
    out
}

/// Runs the P rules `found` enables on one text.
fn scan(value: &str, found: &mut Found<'_>) {
    if memchr::memchr(b'@', value.as_bytes()).is_some() {
        email_address::check(value, found);
    }
    let runs = digit_runs(value);
    if !runs.is_empty() {
        phone_number::check(value, &runs, found);
        credit_card_number::check(value, &runs, found);
        national_id::check(value, &runs, found);
        ip_address::check_v4(value, &runs, found);
    }
    ip_address::check_v6(value, found);
    secret::check(value, found);
}

/// One match of a P rule: where it is, what part of it a message quotes (masked), and the
/// words of the message.
pub struct Match<'a> {
    code: Code,
    range: Range<usize>,
    quote: Range<usize>,
    what: &'a str,
    detail: &'a str,
    hint: &'a str,
}

/// Which rules run on a text, and where their matches go.
pub struct Found<'a> {
    enabled: &'a dyn Fn(Code) -> bool,
    sink: &'a mut dyn FnMut(Match<'_>),
}

impl Found<'_> {
    fn enabled(&self, code: Code) -> bool {
        (self.enabled)(code)
    }

    /// A match of `code` at `range`, quoted whole (masked) in the message.
    fn report(&mut self, code: Code, range: Range<usize>, what: &str, detail: &str, hint: &str) {
        self.report_quoting(code, range.clone(), range, what, detail, hint);
    }

    /// [`Found::report`], quoting (masked) the part `quote` of the match: the body of a PEM
    /// key rather than its header.
    fn report_quoting(
        &mut self,
        code: Code,
        range: Range<usize>,
        quote: Range<usize>,
        what: &str,
        detail: &str,
        hint: &str,
    ) {
        if (self.enabled)(code) {
            (self.sink)(Match {
                code,
                range,
                quote,
                what,
                detail,
                hint,
            });
        }
    }
}

/// Characters of a match shown before the mask.
pub const SHOWN: usize = 4;
/// Most `*` in a masked match, so a 3 KB private key does not fill the screen.
const MAX_STARS: usize = 32;

/// `s` with all but its first 4 characters replaced by `*` (at most 32 of them): a
/// secret or personal detail is never printed whole.
pub fn mask(s: &str) -> String {
    let shown: String = s.chars().take(SHOWN).collect();
    let hidden = s.chars().count().saturating_sub(SHOWN).min(MAX_STARS);
    shown + &"*".repeat(hidden)
}

/// A run of digits and the separators between them, as phone, card, SSN and IPv4 numbers
/// are written: digit groups joined by one or two of ` -.()/+`, with a `+` or `(` just
/// before the first digit included. Only runs of 4 or more digits are kept.
#[derive(Clone, Debug, PartialEq)]
pub struct DigitRun {
    pub range: Range<usize>,
    pub digits: usize,
}

fn digit_runs(text: &str) -> Vec<DigitRun> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = next_digit(bytes, from) {
        let mut start = i;
        let mut digits = 0;
        let mut j = i;
        let end = loop {
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
                digits += 1;
            }
            // One or two separators and then a digit continue the run.
            let mut k = j;
            while k < bytes.len() && k - j < 2 && is_separator(bytes[k]) {
                k += 1;
            }
            if k > j && k < bytes.len() && bytes[k].is_ascii_digit() {
                j = k;
            } else {
                break j;
            }
        };
        while start > 0 && matches!(bytes[start - 1], b'+' | b'(') {
            start -= 1;
        }
        if digits >= 4 {
            out.push(DigitRun {
                range: start..end,
                digits,
            });
        }
        from = end;
    }
    out
}

/// The first ASCII digit at or after `from`. Chunks without a digit, most of them in prose,
/// are passed over by a branch-free test the compiler vectorises.
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    for chunk in bytes.get(from..)?.chunks(32) {
        if chunk.iter().fold(false, |any, b| any | b.is_ascii_digit()) {
            return chunk.iter().position(u8::is_ascii_digit).map(|i| at + i);
        }
        at += chunk.len();
    }
    None
}

fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'(' | b')' | b'/' | b'+')
}

/// True when the match at `range` stands alone: not glued to letters, digits or `_`, nor to
/// a `.` or `-` that continues the number (`1.2.3.4.5`, `123-45-6789-0`).
pub fn stands_alone(text: &str, range: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let glued = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let before_ok = match range.start.checked_sub(1).map(|i| bytes[i]) {
        None => true,
        Some(b) if glued(b) => false,
        Some(b'.' | b'-') => !range
            .start
            .checked_sub(2)
            .is_some_and(|i| bytes[i].is_ascii_digit()),
        Some(_) => true,
    };
    let after_ok = match bytes.get(range.end) {
        None => true,
        Some(&b) if glued(b) => false,
        Some(b'.' | b'-') => !bytes.get(range.end + 1).is_some_and(u8::is_ascii_digit),
        Some(_) => true,
    };
    before_ok && after_ok
}

/// The digits of `s`.
pub fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The one scan of a record's texts that every P rule shares (`RunsOn::Shared`): it runs
/// once when any of them is enabled, and each detector runs only for its enabled rule.
pub static SCAN: crate::rules::Shared = crate::rules::Shared { check };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_four_characters() {
        assert_eq!(mask("jane.doe@gmail.com"), "jane**************");
        assert_eq!(mask("abc"), "abc");
        assert_eq!(mask(&"x".repeat(100)), format!("xxxx{}", "*".repeat(32)));
        assert_eq!(mask("Ünïcödé"), "Ünïc***");
    }

    #[test]
    fn mask_matches_masks_every_match_in_place() {
        let line = r#"{"content": "key AKIA4QW7ZR2KXNB5TG3M, mail maria@gmail.com, ok"}"#;
        assert_eq!(
            mask_matches(line),
            r#"{"content": "key AKIA****************, mail mari***********, ok"}"#
        );
        assert_eq!(mask_matches("nothing here"), "nothing here");
    }

    #[test]
    fn findings_past_the_limit_are_counted_in_one() {
        let list = (0..25)
            .map(|i| format!("user{i}@corp.io"))
            .collect::<Vec<_>>()
            .join(", ");
        let line = serde_json::json!({"messages": [
            {"role": "user", "content": format!("Mail these: {list}")},
            {"role": "assistant", "content": "Done, I have mailed all of them."},
        ]})
        .to_string();
        let (diagnostics, _) = crate::engine::lint_bytes(
            format!("{line}\n").as_bytes(),
            &crate::settings::Settings::default(),
        );
        let p001: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.code == Code::P001)
            .map(|d| d.message.as_str())
            .collect();
        let max = crate::context::MAX_PER_RULE;
        assert_eq!(p001.len(), max + 1, "{p001:?}");
        assert_eq!(
            p001[max],
            "15 more email-address findings in this record not shown one by one (at most 10 per rule and record)"
        );
    }

    #[test]
    fn digit_runs_join_separated_groups() {
        let text = "Call (555) 123-4567 or 12 cats; ip 192.0.2.1 and 7.8.15";
        let runs: Vec<&str> = digit_runs(text)
            .iter()
            .map(|r| &text[r.range.clone()])
            .collect();
        assert_eq!(runs, ["(555) 123-4567", "192.0.2.1", "7.8.15"]);
    }
}
