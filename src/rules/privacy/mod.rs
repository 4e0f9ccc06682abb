//! P rules: personal data and secrets in the text of an example.
//!
//! Every text the format reads into a message — its content, its tool calls' arguments, its
//! tool results, its reasoning and its refusal — and every string value of the tool
//! definitions, goes once through `crate::pii::scan`, which finds what these rules report,
//! and so does the joined text of a content of several text parts, for the matches that run
//! across parts; their files hold the rules' declarations. JSON (arguments, results) is read
//! with its strings' escapes decoded ([`Unescaped`]). What the format does not read is left to
//! P006, which looks at every other string of the record. A match that a `[pii] allow`
//! pattern finds is not reported. Messages quote the match masked: its first 4 characters,
//! then one `*` per character (`crate::pii::mask`).

pub mod credit_card_number;
pub mod email_address;
pub mod ip_address;
pub mod national_id;
pub mod phone_number;
pub mod secret;

use crate::context::RecordContext;
use crate::diagnostic::Span;
use crate::json::Unescaped;
use crate::pii::{Found, Match, mask, scan};
use crate::record::{Conversation, Role, Shape, Text};
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
    let settings = ctx.settings;
    // The raw bytes of the line the texts below cover: P006 looks at every other string.
    let mut covered: Vec<std::ops::Range<usize>> = Vec::new();
    // The answers set aside as meant to be bad are data all the same: a key in a rejected
    // answer is trained on, and leaks, as any other.
    for message in conv.messages.iter().chain(&conv.set_aside) {
        let place = match message.role {
            // Plain text (the `text` format) is nobody's turn.
            _ if conv.shape == Shape::Text => "text",
            Role::System => "system content",
            Role::Developer => "developer content",
            Role::User => "user content",
            Role::Assistant => "assistant content",
            Role::Tool => "tool content",
            Role::Function => "function content",
            Role::Unknown => "content",
        };
        // The matches found in each text part, by the byte offsets of the parts joined.
        let mut found: Vec<(Code, std::ops::Range<usize>)> = Vec::new();
        let mut joined_len = 0;
        for text in message.content.texts() {
            covered.push(text.span.range());
            let base = joined_len;
            check_with(
                text,
                place,
                ctx,
                &|code| settings.enabled(code),
                &mut |code, r| {
                    found.push((code, base + r.start..base + r.end));
                },
            );
            joined_len += text.value.len();
        }
        let parts: Vec<&Text<'_>> = message.content.texts().collect();
        check_joined(&parts, &found, place, ctx, &|code| settings.enabled(code));
        for arguments in message
            .tool_calls
            .iter()
            .filter_map(|c| c.arguments.as_ref())
        {
            covered.push(arguments.span.range());
            check_json(arguments, "tool call arguments", ctx);
        }
        for result in &message.tool_results {
            covered.push(result.span.range());
            check_json(result, "tool result", ctx);
        }
        for (texts, place) in [
            (&message.reasoning, "reasoning"),
            (&message.reasoning_unread, "reasoning"),
            (&message.refusals, "refusal"),
        ] {
            for text in texts {
                covered.push(text.span.range());
                // A chain of thought axolotl takes as a list is JSON kept as written.
                if text.as_written(ctx.text) {
                    check_json(text, place, ctx);
                } else {
                    check_text(text, place, ctx);
                }
            }
        }
    }
    // Tool definitions are rendered into every prompt by the chat template: their
    // descriptions, defaults and examples are trained on as the messages are.
    for tools in conv.tools.into_iter().chain(conv.tools_text) {
        for range in string_values(ctx.text.as_bytes(), tools.range()) {
            let Some(Ok(value)) = ctx
                .text
                .get(range.clone())
                .map(serde_json::from_str::<String>)
            else {
                continue;
            };
            covered.push(range.clone());
            let text = Text {
                value: std::borrow::Cow::Owned(value),
                span: Span::from_usize(range.start, range.end),
            };
            check_text(&text, "tool definitions", ctx);
        }
    }
    if ctx.enabled(Code::P006) {
        check_rest(&covered, "the record, outside its messages' text", ctx);
    }
}

/// Just past the closing quote of the JSON string that opens at `open` in `bytes`: the first
/// quote no backslash escapes; `None` when the string does not close (a line that ends in a
/// backslash, not JSON, leaves the search past its end).
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while let Some(j) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        .map(|j| i + j)
    {
        if bytes[j] == b'\\' {
            i = j + 2;
            continue;
        }
        return Some(j + 1);
    }
    None
}

/// The JSON string values (not keys) in `range` of `bytes`, each with its quotes: the whole
/// range when it is one string (LLaMA-Factory's `tools` is a JSON text in a string).
fn string_values(bytes: &[u8], range: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
    let mut values = Vec::new();
    let end_of_range = range.end.min(bytes.len());
    let mut at = range.start;
    while let Some(open) = bytes
        .get(at..end_of_range)
        .and_then(|rest| memchr::memchr(b'"', rest))
        .map(|i| at + i)
    {
        let Some(end) = string_end(&bytes[..end_of_range], open) else {
            break;
        };
        at = end;
        let is_key = bytes[end..end_of_range]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b':');
        if !is_key {
            values.push(open..end);
        }
    }
    values
}

/// P006 on every string of a record that is not read as an example (its format could not
/// read it, it is not a JSON object, or not JSON at all); `place` says which.
pub fn check_unread(ctx: &mut RecordContext<'_>, place: &str) {
    if ctx.enabled(Code::P006) {
        check_rest(&[], place, ctx);
    }
}

/// P006 on every other string of the record, key or value: a key in an image's URL, in a
/// key the format does not read or in a metadata column leaks as any other.
fn check_rest(covered: &[std::ops::Range<usize>], place: &str, ctx: &mut RecordContext<'_>) {
    let line = ctx.text;
    let bytes = line.as_bytes();
    let mut covered = covered.to_vec();
    covered.sort_unstable_by_key(|c| c.start);
    let mut next_covered = 0;
    let mut at = 0;
    // The values of `"text"` keys outside the texts scanned, in order (the segments of a
    // template-free record, which axolotl joins as written; the parts of a content a format
    // keeps as data), and the P006 matches in each, by the offsets of the values joined.
    let mut parts: Vec<Text<'_>> = Vec::new();
    let mut found: Vec<(Code, std::ops::Range<usize>)> = Vec::new();
    let mut joined_len = 0;
    let settings = ctx.settings;
    let p006 = |code: Code| code == Code::P006 && settings.enabled(code);
    while let Some(open) = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr(b'"', rest))
        .map(|i| at + i)
    {
        // A text already scanned: skip it whole rather than look for its end.
        while covered.get(next_covered).is_some_and(|c| c.end <= open) {
            next_covered += 1;
        }
        if let Some(c) = covered.get(next_covered)
            && c.start <= open
        {
            at = c.end.max(open + 1);
            continue;
        }
        let end = string_end(bytes, open).unwrap_or(bytes.len());
        at = end;
        let text_value = is_text_value(&bytes[..open]);
        // No secret is shorter than `MIN_SECRET` characters, and no escape is shorter than
        // the character it stands for (a text value may hold a part of one all the same).
        if end - open < MIN_SECRET + 2 && !text_value {
            continue;
        }
        let Some(literal) = line.get(open..end) else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<String>(literal) else {
            continue;
        };
        let text = Text {
            value: std::borrow::Cow::Owned(value),
            span: crate::diagnostic::Span::from_usize(open, end),
        };
        if text_value {
            let base = joined_len;
            check_with(&text, place, ctx, &p006, &mut |code, r| {
                found.push((code, base + r.start..base + r.end));
            });
            joined_len += text.value.len();
            parts.push(text);
        } else {
            check_secrets(&text, place, ctx);
        }
    }
    let parts: Vec<&Text<'_>> = parts.iter().collect();
    check_joined(&parts, &found, place, ctx, &p006);
}

/// Whether the string that follows `before` (the line up to its opening quote) is the value
/// of a `"text"` key.
fn is_text_value(before: &[u8]) -> bool {
    before
        .trim_ascii_end()
        .strip_suffix(b":")
        .map(<[u8]>::trim_ascii_end)
        .and_then(|b| b.strip_suffix(b"\"text\""))
        .is_some_and(|b| !b.ends_with(b"\\"))
}

/// The shortest secret P006 finds, in characters: a password in a URL, `://u:pw1@h` (keys
/// are 20 or more).
const MIN_SECRET: usize = 10;

/// Runs every enabled P rule on one text of the record and reports what `[pii] allow` does
/// not allow: `{what} "{masked}"{detail} in {place}; {hint}`. A pasted mailing list of
/// 100,000 addresses is reported by the record's limit (`context::MAX_PER_RULE`): the span
/// and message of the matches not shown one by one are never worked out.
fn check_text(text: &Text<'_>, place: &str, ctx: &mut RecordContext<'_>) {
    let settings = ctx.settings;
    check_with(
        text,
        place,
        ctx,
        &|code: Code| settings.enabled(code),
        &mut |_, _| {},
    );
}

/// [`check_text`] for P006 alone.
fn check_secrets(text: &Text<'_>, place: &str, ctx: &mut RecordContext<'_>) {
    let settings = ctx.settings;
    check_with(
        text,
        place,
        ctx,
        &|code: Code| code == Code::P006 && settings.enabled(code),
        &mut |_, _| {},
    );
}

/// [`check_text`] with the rules `enabled` names; `found` is told of every match reported
/// (not those `[pii] allow` lets through).
fn check_with(
    text: &Text<'_>,
    place: &str,
    ctx: &mut RecordContext<'_>,
    enabled: &dyn Fn(Code) -> bool,
    found: &mut dyn FnMut(Code, std::ops::Range<usize>),
) {
    check_reading(text, None, place, ctx, enabled, found);
}

/// [`check_text`] for JSON: a tool call's arguments or a tool's result, as written in the
/// record or inside a string (OpenAI's `arguments`, where the JSON's own escapes are written
/// out: `\\n`). Its strings are read with their escapes decoded ([`Unescaped`]), as the data
/// they hold, and a match is reported where it is written, escapes and all.
fn check_json(text: &Text<'_>, place: &str, ctx: &mut RecordContext<'_>) {
    let settings = ctx.settings;
    check_reading(
        text,
        Unescaped::of(&text.value).as_ref(),
        place,
        ctx,
        &|code: Code| settings.enabled(code),
        &mut |_, _| {},
    );
}

/// [`check_with`] on `reading` of the text when there is one (its JSON's escapes decoded), on
/// its value otherwise; `found` is told of the matches by the offsets of the text's value.
fn check_reading(
    text: &Text<'_>,
    reading: Option<&Unescaped>,
    place: &str,
    ctx: &mut RecordContext<'_>,
    enabled: &dyn Fn(Code) -> bool,
    found: &mut dyn FnMut(Code, std::ops::Range<usize>),
) {
    let settings = ctx.settings;
    let read = reading.map_or(text.value.as_ref(), |r| r.text.as_str());
    let mut report = |m: Match<'_>| {
        if settings.pii_allow.allows(&read[m.range.clone()]) {
            return;
        }
        let in_value = reading.map_or(m.range.clone(), |r| r.source(m.range.clone()));
        found(m.code, in_value.clone());
        let line = ctx.text;
        ctx.report_with(m.code, || {
            let message = describe(&m, read, place);
            (text.sub_span(line, in_value), message)
        });
    };
    scan(
        read,
        &mut Found {
            enabled,
            sink: &mut report,
            masking: false,
        },
    );
}

/// `{what} "{masked}"{detail} in {place}; {hint}` for the match `m` in `value`.
fn describe(m: &Match<'_>, value: &str, place: &str) -> String {
    format!(
        "{} \"{}\"{} in {place}; {}",
        m.what,
        mask(&value[m.quote.clone()]),
        m.detail,
        m.hint
    )
}

/// The matches that run across the text parts of one content: a trainer joins the parts
/// (`[{"type": "text", "text": "my key is sk-proj-Ab3d"}, {"type": "text", "text":
/// "Ef6h…"}]` is trained on as one text), so a key split between two is trained on, and
/// leaks, whole. A match inside one part was reported with that part; one across parts is
/// reported from its start in the first part to its end in the last, unless it overlaps a
/// match of its rule in one part (`found`, by the joined text's offsets): an address or a
/// key that the next part's first letters lengthen is the one already reported.
fn check_joined(
    parts: &[&Text<'_>],
    found: &[(Code, std::ops::Range<usize>)],
    place: &str,
    ctx: &mut RecordContext<'_>,
    enabled: &dyn Fn(Code) -> bool,
) {
    if parts.len() < 2 {
        return;
    }
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(parts.len());
    for part in parts {
        starts.push(joined.len());
        joined.push_str(&part.value);
    }
    // The part holding byte `at` of the joined text (an empty part holds none).
    let part_of = |at: usize| starts.partition_point(|&s| s <= at).saturating_sub(1);
    // The matches in one part by rule and start, and the furthest end of each rule's
    // matches so far: whether one overlaps a range is two binary searches, not a scan (a
    // content of 100,000 parts has as many matches).
    let mut found = found.to_vec();
    found.sort_unstable_by_key(|(code, r)| (code.index(), r.start));
    let mut reach = Vec::with_capacity(found.len());
    for (i, (code, r)) in found.iter().enumerate() {
        let before = match i.checked_sub(1) {
            Some(p) if found[p].0 == *code => reach[p],
            _ => 0,
        };
        reach.push(r.end.max(before));
    }
    let overlaps = |code: Code, range: &std::ops::Range<usize>| {
        let first = found.partition_point(|(c, _)| c.index() < code.index());
        let past = found.partition_point(|(c, r)| (c.index(), r.start) < (code.index(), range.end));
        past > first && reach[past - 1] > range.start
    };
    let settings = ctx.settings;
    let mut report = |m: Match<'_>| {
        let (Some(last_byte), Some(evidence_last)) =
            (m.range.end.checked_sub(1), m.evidence_end.checked_sub(1))
        else {
            return;
        };
        let (first, last) = (part_of(m.range.start), part_of(last_byte));
        if first == part_of(evidence_last.max(last_byte))
            || overlaps(m.code, &m.range)
            || settings.pii_allow.allows(&joined[m.range.clone()])
        {
            return;
        }
        let line = ctx.text;
        ctx.report_with(m.code, || {
            let (a, b) = (parts[first], parts[last]);
            let start = a.sub_span(line, m.range.start - starts[first]..a.value.len());
            let end = b.sub_span(line, 0..m.range.end - starts[last]);
            let message = describe(&m, &joined, place);
            (Span::new(start.start, end.end), message)
        });
    };
    scan(
        &joined,
        &mut Found {
            enabled,
            sink: &mut report,
            masking: false,
        },
    );
}

/// The one scan of a record's texts that every P rule shares (`RunsOn::Shared`): it runs
/// once when any of them is enabled, and each detector runs only for its enabled rule.
pub static SCAN: crate::rules::Shared = crate::rules::Shared { check };
