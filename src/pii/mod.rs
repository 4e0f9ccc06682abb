//! What personal data and secrets look like: found in text, masked in output.
//!
//! Every text handed to [`scan`] is passed over once by cheap prefilters — an `@` for email
//! addresses, runs of digits for phone, card, SSN and IPv4 numbers, colons between hex
//! digits for IPv6, one Aho-Corasick pass for key prefixes — and only the candidates they
//! find meet a regular expression and the detector's own checks. One detector per kind,
//! each behind the P rule that reports it (`crate::rules::privacy`), which also decides
//! what `[pii] allow` lets through. Whatever shows a match shows it masked: its first 4
//! characters, then one `*` per character (see [`mask`]); [`mask_matches`] masks every match
//! in a line, for messages and the lines under them.
//!
//! Below the rules: only base modules are imported here, so wording, context and report
//! mask with it without depending on the rules.

mod card;
mod email;
mod ip;
mod national_id;
mod phone;
mod secret;

use std::ops::Range;

use crate::registry::Code;

/// Where `text` holds something every mask hides: the matches of every P rule, a key glued
/// to what comes before it too, `[pii] allow` not applied.
fn to_hide(text: &str) -> Vec<Range<usize>> {
    matches_of(text, &|_| true)
}

/// The matches in `text` of the P rules `enabled` names, as a mask finds them.
fn matches_of(text: &str, enabled: &dyn Fn(Code) -> bool) -> Vec<Range<usize>> {
    coded_matches_of(text, enabled)
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// [`matches_of`], each match with the rule that finds it.
fn coded_matches_of(text: &str, enabled: &dyn Fn(Code) -> bool) -> Vec<(Code, Range<usize>)> {
    let mut ranges = Vec::new();
    scan(
        text,
        &mut Found {
            enabled,
            sink: &mut |m: Match<'_>| ranges.push((m.code, m.range)),
            masking: true,
        },
    );
    ranges
}

/// `text` with every match of the P rules masked as their messages mask it: the first 4
/// characters of each stay, the others become `*` one for one, so columns still line up.
/// Every rule runs and `[pii] allow` does not apply. For the line under a message (the
/// `full` output), where a secret must not show either.
pub(crate) fn mask_matches(text: &str) -> String {
    mask_ranges(text, &to_hide(text))
}

/// The text parts `parts` joined as a trainer joins them, with what the privacy rules find
/// masked as [`mask_matches`] masks it: in each part on its own (a phone number that ends one
/// part runs on into the next part's text once joined, and is found only in its part) and
/// in the joined text (a key split between parts).
pub(crate) fn mask_joined(parts: &[&str]) -> String {
    let joined = parts.concat();
    let mut ranges = to_hide(&joined);
    let mut at = 0;
    for part in parts {
        ranges.extend(to_hide(part).into_iter().map(|r| r.start + at..r.end + at));
        at += part.len();
    }
    mask_ranges(&joined, &ranges)
}

/// `text` with every secret (P006's keys, tokens, private keys and URL passwords) masked
/// as [`mask_matches`] masks it, and nothing else: for what is not data (an error message
/// quoting a configuration value or a path), where an address or a number is meant to show.
pub(crate) fn mask_secrets(text: &str) -> String {
    mask_ranges(text, &matches_of(text, &|code| code == Code::P006))
}

/// `text` with `ranges` masked: the first 4 characters of each stay.
fn mask_ranges(text: &str, ranges: &[Range<usize>]) -> String {
    if ranges.is_empty() {
        return text.to_owned();
    }
    // Each byte that starts a hidden character, marked once per match: linear in the text
    // and the matches, however many a long text holds.
    let mut hidden = vec![false; text.len()];
    for r in ranges {
        for (at, _) in text[r.clone()].char_indices().skip(SHOWN) {
            hidden[r.start + at] = true;
        }
    }
    text.char_indices()
        .map(|(at, c)| if hidden[at] { '*' } else { c })
        .collect()
}

/// [`mask_matches`] for raw JSON text (a line as written, or a window of one): a secret
/// written with escapes (`\u0041KIA...`, a PEM key's `\n` line breaks, `\/`) is found in
/// the decoded characters and masked in the raw ones, each escape of it whole. The text keeps
/// its length in characters, so columns still line up.
pub(crate) fn mask_raw(text: &str) -> String {
    let raw: Vec<char> = text.chars().collect();
    // The decoded text, and for each of its characters: its byte offset there and the raw
    // characters it comes from.
    let mut decoded = String::with_capacity(text.len());
    let mut origin: Vec<(usize, std::ops::Range<usize>)> = Vec::with_capacity(raw.len());
    let hex = |at: usize| -> Option<u32> {
        let digits: String = raw.get(at..at + 4)?.iter().collect();
        u32::from_str_radix(&digits, 16).ok()
    };
    let mut i = 0;
    while i < raw.len() {
        let (c, len) = match (raw[i], raw.get(i + 1)) {
            ('\\', Some('u')) => match hex(i + 2) {
                Some(high @ 0xD800..=0xDBFF)
                    if raw.get(i + 6) == Some(&'\\') && raw.get(i + 7) == Some(&'u') =>
                {
                    match hex(i + 8) {
                        Some(low @ 0xDC00..=0xDFFF) => {
                            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            (char::from_u32(code).unwrap_or('\u{FFFD}'), 12)
                        }
                        _ => ('\u{FFFD}', 6),
                    }
                }
                Some(code) => (char::from_u32(code).unwrap_or('\u{FFFD}'), 6),
                None => ('\\', 1),
            },
            ('\\', Some(&e)) => match e {
                'n' => ('\n', 2),
                'r' => ('\r', 2),
                't' => ('\t', 2),
                'b' => ('\u{8}', 2),
                'f' => ('\u{c}', 2),
                '"' | '\\' | '/' => (e, 2),
                _ => ('\\', 1),
            },
            (c, _) => (c, 1),
        };
        origin.push((decoded.len(), i..i + len));
        decoded.push(c);
        i += len;
    }
    let mut hidden = vec![false; raw.len()];
    // The raw characters of a match found in the text as written, whatever its rule.
    let mut matched = vec![false; raw.len()];
    let mut any = false;
    // `joined`: the text parts read as one text, where a match that lengthens one found as
    // written is left alone.
    let mut hide = |decoded: &str, origin: &[(usize, Range<usize>)], joined: bool| {
        for (code, r) in coded_matches_of(decoded, &|_| true) {
            // `origin` is in the order of the decoded text: the match's characters are found
            // by a binary search, not a scan per match.
            let first = origin.partition_point(|(at, _)| *at < r.start);
            let inside = || origin[first..].iter().take_while(|(at, _)| *at < r.end);
            // An address that ends one part, run on into the next part's first word
            // (`jane@mail.com` + `As an AI` read as `jane@mail.comAs`), is the address
            // already hidden: the word stays. A key stays hidden whole however it ends, as
            // the half of a key split between parts may be a key on its own.
            if joined
                && code != Code::P006
                && inside().any(|(_, from)| matched[from.clone()].contains(&true))
            {
                continue;
            }
            any = true;
            for (_, from) in inside() {
                if !joined {
                    matched[from.clone()].iter_mut().for_each(|m| *m = true);
                }
            }
            for (_, from) in inside().skip(SHOWN) {
                hidden[from.clone()].iter_mut().for_each(|h| *h = true);
            }
        }
    };
    hide(&decoded, &origin, false);
    // A content's text parts are joined by the trainer, and by the P rules: a key split
    // between two parts is found in the values of the `"text"` keys read as one text.
    let values = text_values(&raw);
    if values.len() > 1 {
        let mut joined = String::new();
        let mut joined_origin = Vec::new();
        let mut next = 0;
        for (at, from) in &origin {
            while values.get(next).is_some_and(|v| v.end <= from.start) {
                next += 1;
            }
            if values.get(next).is_some_and(|v| v.start <= from.start) {
                let c = decoded[*at..].chars().next().unwrap_or('\u{FFFD}');
                joined_origin.push((joined.len(), from.clone()));
                joined.push(c);
            }
        }
        hide(&joined, &joined_origin, true);
    }
    if !any {
        return text.to_owned();
    }
    raw.iter()
        .zip(&hidden)
        .map(|(&c, &h)| if h { '*' } else { c })
        .collect()
}

/// The characters (between the quotes) of each string value of a `"text"` key in the raw
/// JSON `raw`, in order: the text parts of a content. Found by the key's own characters,
/// `"text"`, a colon and a quote, not by pairing quotes from the start, so a window of a line
/// that starts inside a string finds them too; a `"text"` inside a string is written
/// `\"text\"` there, and a backslash before its quote rules it out.
fn text_values(raw: &[char]) -> Vec<Range<usize>> {
    const KEY: [char; 6] = ['"', 't', 'e', 'x', 't', '"'];
    let mut values = Vec::new();
    let mut i = 0;
    while i + KEY.len() <= raw.len() {
        if raw[i..i + KEY.len()] != KEY || (i > 0 && raw[i - 1] == '\\') {
            i += 1;
            continue;
        }
        let mut j = i + KEY.len();
        let blanks = |j: &mut usize| {
            while raw.get(*j).is_some_and(|c| c.is_whitespace()) {
                *j += 1;
            }
        };
        blanks(&mut j);
        if raw.get(j) != Some(&':') {
            i += 1;
            continue;
        }
        j += 1;
        blanks(&mut j);
        if raw.get(j) != Some(&'"') {
            i += 1;
            continue;
        }
        let start = j + 1;
        let mut end = start;
        while end < raw.len() && raw[end] != '"' {
            end += if raw[end] == '\\' { 2 } else { 1 };
        }
        let end = end.min(raw.len());
        values.push(start..end);
        i = end + 1;
    }
    values
}

/// In the raw JSON `raw`, the runs of key-like characters (`A-Za-z0-9_-+/=`, with 8 or more
/// letters and digits) of each text part (a `"text"` key's value) that could be a piece of a
/// key split between two parts: for a snippet, which sees one window of one line and so may hold one piece only.
/// A piece that starts or ends a part is hidden unless it is a plain word (lower case, or
/// capitalised, `-` allowed); one inside a part (a JWT's or a PEM body's after a `.` or a
/// `\n`) when it mixes letters and digits.
pub(crate) fn part_pieces(raw: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for value in text_values(raw) {
        pieces_in(raw, value, &mut out);
    }
    out
}

/// [`part_pieces`] of a line that is not JSON, taken as one text: a record broken by raw
/// line breaks puts a PEM body's lines, or the halves of a key, on lines of their own, where
/// no detector can recognise them.
pub(crate) fn line_pieces(raw: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    pieces_in(raw, 0..raw.len(), &mut out);
    out
}

/// The key-like runs of `raw[value]` that [`part_pieces`] hides, pushed onto `out`.
fn pieces_in(raw: &[char], value: Range<usize>, out: &mut Vec<Range<usize>>) {
    let key_like = |c: &char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=');
    let mixed = |run: &[char]| {
        run.iter().any(char::is_ascii_digit) && run.iter().any(char::is_ascii_alphabetic)
    };
    let plain_word = |run: &[char]| {
        run.iter()
            .skip(1)
            .all(|c| c.is_ascii_lowercase() || *c == '-')
            && run.first().is_some_and(char::is_ascii_alphabetic)
    };
    let mut at = value.start;
    while at < value.end {
        // An escape (`\n`, `\u00a0`) is no part of a run: its letters are not the text's.
        if raw[at] == '\\' {
            at += if raw.get(at + 1) == Some(&'u') { 6 } else { 2 };
            continue;
        }
        if !key_like(&raw[at]) {
            at += 1;
            continue;
        }
        let len = raw[at..value.end]
            .iter()
            .take_while(|c| key_like(c))
            .count();
        let run = &raw[at..at + len];
        let edge = at == value.start || at + len == value.end;
        // Punctuation around letters and digits (a PEM header's `-----BEGIN`) makes no piece.
        let core = run.iter().filter(|c| c.is_ascii_alphanumeric()).count();
        if core >= 8 && (if edge { !plain_word(run) } else { mixed(run) }) {
            out.push(at..at + len);
        }
        at += len;
    }
}

/// Runs the detectors of the P rules `found` enables on one text.
pub(crate) fn scan(value: &str, found: &mut Found<'_>) {
    if memchr::memchr(b'@', value.as_bytes()).is_some() {
        email::check(value, found);
    }
    let ascii = value.is_ascii();
    // The numbers are found in their ASCII view, the keys in the text without the
    // invisible characters inside them, and both reported where they are written.
    match (!ascii).then(|| ascii_digits(value)).flatten() {
        None => check_numbers(value, found),
        Some(view) => view.check(found, |text, _, found| check_numbers(text, found)),
    }
    ip::check_v6(value, found);
    match (!ascii).then(|| without_ignorables(value)).flatten() {
        None => secret::check(value, &[], found),
        Some(view) => {
            // The text as written is read too, for a key the view reads otherwise (the
            // view runs a key of no fixed length on into the word after it, which can fail
            // its randomness test); a key found in both is reported once, as the view
            // found it.
            let mut in_view: Vec<Range<usize>> = Vec::new();
            {
                let outer = &mut *found.sink;
                let mut sink = |m: Match<'_>| {
                    in_view.push(m.range.clone());
                    outer(m);
                };
                view.check(
                    &mut Found {
                        enabled: found.enabled,
                        sink: &mut sink,
                        masking: found.masking,
                    },
                    secret::check,
                );
            }
            let in_view = Claimed::new(in_view);
            let outer = &mut *found.sink;
            let mut sink = |m: Match<'_>| {
                if !in_view.overlaps(&m.range) {
                    outer(m);
                }
            };
            secret::check(
                value,
                &[],
                &mut Found {
                    enabled: found.enabled,
                    sink: &mut sink,
                    masking: found.masking,
                },
            );
        }
    }
}

/// Ranges of a text already claimed by matches, asked whether a range overlaps one of them
/// in logarithmic time: a text of many keys costs time in proportion to its keys, not to
/// their square. The ranges may come in any order and overlap one another.
pub(crate) struct Claimed {
    /// The ranges, sorted by start.
    ranges: Vec<Range<usize>>,
    /// For each range in `ranges`, the furthest end of it and the ranges before it.
    reach: Vec<usize>,
}

impl Claimed {
    pub(crate) fn new(mut ranges: Vec<Range<usize>>) -> Claimed {
        ranges.sort_unstable_by_key(|r| (r.start, r.end));
        let reach = ranges
            .iter()
            .scan(0, |furthest, r| {
                *furthest = r.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        Claimed { ranges, reach }
    }

    /// Whether `range` overlaps one of the ranges: one starts before it ends and ends after
    /// it starts.
    pub(crate) fn overlaps(&self, range: &Range<usize>) -> bool {
        let before_end = self.ranges.partition_point(|r| r.start < range.end);
        before_end > 0 && self.reach[before_end - 1] > range.start
    }
}

/// The detectors of numbers (phone, card, SSN, IPv4) on one text.
fn check_numbers(value: &str, found: &mut Found<'_>) {
    let runs = digit_runs(value);
    if !runs.is_empty() {
        phone::check(value, &runs, found);
        card::check(value, &runs, found);
        national_id::check(value, &runs, found);
        ip::check_v4(value, &runs, found);
    }
}

/// A text as some detectors read it, with characters changed or left out
/// ([`ascii_digits`], [`without_ignorables`]), and the way back: a match found in the view
/// is reported where it is written, over every character of the text it covers.
struct View<'t> {
    written: &'t str,
    text: String,
    /// For each byte of `text`, and one past its end, the byte offset in `written`.
    offsets: Vec<usize>,
    /// The byte offsets in `text` where characters of `written` were left out, in order:
    /// where the view joins what the text keeps apart.
    gaps: Vec<usize>,
}

/// What a [`View`] makes of one character of the text.
enum Read {
    Kept,
    /// Read as this ASCII character, one byte.
    As(u8),
    /// Left out.
    Skipped,
}

impl<'t> View<'t> {
    fn new(written: &'t str, read: impl Fn(char) -> Read) -> View<'t> {
        let mut text = String::with_capacity(written.len());
        let mut offsets = Vec::with_capacity(written.len() + 1);
        let mut gaps = Vec::new();
        for (at, c) in written.char_indices() {
            match read(c) {
                Read::Kept => {
                    text.push(c);
                    offsets.extend(at..at + c.len_utf8());
                }
                Read::As(b) => {
                    text.push(char::from(b));
                    offsets.push(at);
                }
                Read::Skipped => {
                    if gaps.last() != Some(&text.len()) {
                        gaps.push(text.len());
                    }
                }
            }
        }
        offsets.push(written.len());
        View {
            written,
            text,
            offsets,
            gaps,
        }
    }

    /// The byte offset in the text of the byte offset `at` of the view, where a match
    /// starts: characters left out before it are not part of it.
    fn start(&self, at: usize) -> usize {
        self.offsets
            .get(at)
            .copied()
            .unwrap_or(self.offsets[self.offsets.len() - 1])
    }

    /// [`View::start`] for where a match ends: just past the character of the view's byte
    /// before `at`, so characters left out after a match are not part of it either.
    fn end(&self, at: usize) -> usize {
        let Some(last) = at.checked_sub(1).filter(|&i| i < self.text.len()) else {
            return self.start(at);
        };
        let from = self.offsets[last];
        let changed =
            self.text.as_bytes()[last].is_ascii() && !self.written.as_bytes()[from].is_ascii();
        if changed {
            from + self.written[from..]
                .chars()
                .next()
                .map_or(1, char::len_utf8)
        } else {
            from + 1
        }
    }

    /// Runs `detectors` on the view and its [`View::gaps`], their matches reported to
    /// `found` where they are written.
    fn check(&self, found: &mut Found<'_>, detectors: fn(&str, &[usize], &mut Found<'_>)) {
        let outer = &mut *found.sink;
        let mut sink = |m: Match<'_>| {
            outer(Match {
                range: self.start(m.range.start)..self.end(m.range.end),
                quote: self.start(m.quote.start)..self.end(m.quote.end),
                evidence_end: self.end(m.evidence_end),
                ..m
            });
        };
        detectors(
            &self.text,
            &self.gaps,
            &mut Found {
                enabled: found.enabled,
                sink: &mut sink,
                masking: found.masking,
            },
        );
    }
}

/// A text's numbers spelled in ASCII, for the detectors of numbers, which read ASCII digits
/// and separators: full-width digits (`１３８`) and Arabic-Indic digits (`٥٠`, and the
/// Persian and Urdu `۵۰`) become `0`–`9`; the spaces that keep digit groups together
/// (U+00A0 no-break space, U+202F narrow no-break space, U+2007 figure space, U+2009 thin
/// space, U+3000 ideographic space: French typography, word processors and CLDR's number
/// formats put them between groups) become a space; the no-break hyphen U+2011 a `-`;
/// full-width `＋－（）．／` their ASCII forms. Every other character stays as it is.
/// `None` for a text the detectors read as it is (no such character near a number).
fn ascii_digits(text: &str) -> Option<View<'_>> {
    AsciiDigits::needed(text).then(|| {
        View::new(text, |c| match ascii_form(c) {
            Some(b) => Read::As(b),
            None => Read::Kept,
        })
    })
}

/// The test of whether a text needs its [`ascii_digits`] view.
struct AsciiDigits;

impl AsciiDigits {
    /// The text has a digit other than ASCII, or a character to change next to an ASCII
    /// digit. Only the first bytes of the characters [`ascii_form`] changes are looked at
    /// (C2 for U+00A0, D9 and DB for the Arabic-Indic digits, E2 for U+2007 to U+202F, E3
    /// for U+3000, EF for the full-width forms), found with memchr: most texts beyond ASCII
    /// are decoded nowhere.
    fn needed(text: &str) -> bool {
        let bytes = text.as_bytes();
        let digit_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
        // A first byte of a character of more than one byte is always a char boundary.
        let changes_a_number = |at: usize| {
            let Some(c) = text[at..].chars().next() else {
                return false;
            };
            ascii_form(c).is_some_and(|b| {
                b.is_ascii_digit() || (at > 0 && digit_at(at - 1)) || digit_at(at + c.len_utf8())
            })
        };
        memchr::memchr3_iter(0xD9, 0xDB, 0xEF, bytes).any(changes_a_number)
            || memchr::memchr3_iter(0xC2, 0xE2, 0xE3, bytes).any(changes_a_number)
    }
}

/// A text without the invisible characters inside its runs of key characters, for the
/// detectors of keys: web pages, CMSs and chat apps put a zero-width space, a soft hyphen or
/// another of the format characters shown as nothing ([`ignorable`]) into a long token so
/// that it can wrap, and a key copied from there carries them. Such a key is read as if they
/// were absent, and reported and masked whole as written. Key characters are those of every
/// kind of key the view is read for ([`key_char`]): a JSON Web Token's `.`, an AWS secret's
/// `/`, `+` and `=`, a URL's `:` and `@` too, so that a token wrapped at its dots is read
/// whatever else the text holds. Where the view joins a key to the word before or after it
/// (`word\u{200B}sk-proj-...`), its gaps ([`View::gaps`]) part them again for the
/// detectors. `None` for a text with no such character between two key characters, found by
/// their first bytes with memchr (C2, CD, D8, E1, E2, E3, EF, F0 and F3): most texts beyond
/// ASCII are decoded nowhere. Every invisible character of the text is left out of the view,
/// which only the detectors of keys read.
fn without_ignorables(text: &str) -> Option<View<'_>> {
    let bytes = text.as_bytes();
    // A first byte of a character of more than one byte is always a char boundary.
    let inside_a_word = |at: usize| {
        if at == 0 || !key_char(bytes[at - 1]) {
            return false;
        }
        let after = text[at..]
            .char_indices()
            .find(|&(_, c)| !ignorable(c))
            .map(|(i, _)| at + i);
        after.is_some_and(|i| i > at && key_char(bytes[i]))
    };
    let needed = memchr::memchr3_iter(0xC2, 0xE2, 0xEF, bytes).any(inside_a_word)
        || memchr::memchr3_iter(0xCD, 0xD8, 0xE1, bytes).any(inside_a_word)
        || memchr::memchr3_iter(0xE3, 0xF0, 0xF3, bytes).any(inside_a_word);
    needed.then(|| {
        View::new(text, |c| {
            if ignorable(c) {
                Read::Skipped
            } else {
                Read::Kept
            }
        })
    })
}

/// A character of a key of some kind, but a PEM key's blanks and line breaks: a key's
/// letters and digits and `_` `-`, a JSON Web Token's and a Slack webhook's `.` and `/`, an
/// AWS secret's and an Azure account key's `+` `/` `=`, a bearer token's `~`, and the `:`
/// and `@` around a password in a URL.
fn key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'-' | b'.' | b'/' | b'+' | b'=' | b'~' | b':' | b'@'
        )
}

/// The format characters and fillers shown as nothing (Default_Ignorable), as
/// [`crate::wording::invisible`] classes them for output, but the line and paragraph
/// separators, which break a line: the soft hyphen, the zero-width space, non-joiner,
/// joiner and word joiner, the bidi marks, embeddings, overrides and isolates, the
/// byte-order mark, and the rarer ones.
fn ignorable(c: char) -> bool {
    crate::wording::invisible(c) && !matches!(c, '\u{2028}' | '\u{2029}')
}

/// The ASCII character a number's character stands for ([`AsciiDigits`]); `None` for
/// one that stays.
fn ascii_form(c: char) -> Option<u8> {
    let digit = |zero: char| {
        u8::try_from(u32::from(c) - u32::from(zero))
            .ok()
            .map(|d| b'0' + d)
    };
    match c {
        '\u{FF10}'..='\u{FF19}' => digit('\u{FF10}'),
        '\u{660}'..='\u{669}' => digit('\u{660}'),
        '\u{6F0}'..='\u{6F9}' => digit('\u{6F0}'),
        '\u{A0}' | '\u{202F}' | '\u{2007}' | '\u{2009}' | '\u{3000}' => Some(b' '),
        '\u{2011}' | '\u{FF0D}' => Some(b'-'),
        '\u{FF0B}' => Some(b'+'),
        '\u{FF08}' => Some(b'('),
        '\u{FF09}' => Some(b')'),
        '\u{FF0E}' => Some(b'.'),
        '\u{FF0F}' => Some(b'/'),
        _ => None,
    }
}

/// One match of a P rule: where it is, what part of it a message quotes (masked), and the
/// words of the message.
pub(crate) struct Match<'a> {
    pub(crate) code: Code,
    pub(crate) range: Range<usize>,
    pub(crate) quote: Range<usize>,
    /// Where the text that makes it a match ends: `range.end`, but for a password in a URL
    /// the host after the `@` (split from the password between two text parts, the match
    /// still runs across them).
    pub(crate) evidence_end: usize,
    pub(crate) what: &'a str,
    pub(crate) detail: &'a str,
    pub(crate) hint: &'a str,
}

/// Which rules run on a text, and where their matches go.
pub(crate) struct Found<'a> {
    pub(crate) enabled: &'a dyn Fn(Code) -> bool,
    pub(crate) sink: &'a mut dyn FnMut(Match<'_>),
    /// Finding what to hide in raw text (a snippet of the line, a record as written) rather
    /// than what to report: a key glued to the letters or digits before it counts too, as
    /// escapes and broken JSON glue it there (`\ude00ghp_...`, `1eghp_...`).
    pub(crate) masking: bool,
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
        let evidence_end = range.end;
        self.report_evidence(code, range, quote, evidence_end, what, detail, hint);
    }

    /// [`Found::report_quoting`], for a match whose evidence runs on past its range to
    /// `evidence_end`.
    #[allow(clippy::too_many_arguments)]
    fn report_evidence(
        &mut self,
        code: Code,
        range: Range<usize>,
        quote: Range<usize>,
        evidence_end: usize,
        what: &str,
        detail: &str,
        hint: &str,
    ) {
        if (self.enabled)(code) {
            (self.sink)(Match {
                code,
                range,
                quote,
                evidence_end,
                what,
                detail,
                hint,
            });
        }
    }
}

/// Characters of a match shown before the mask.
pub(crate) const SHOWN: usize = 4;
/// Most `*` in a masked match, so a 3 KB private key does not fill the screen.
const MAX_STARS: usize = 32;

/// `s` with all but its first 4 characters replaced by `*` (at most 32 of them): a
/// secret or personal detail is never printed whole.
pub(crate) fn mask(s: &str) -> String {
    let shown: String = s.chars().take(SHOWN).collect();
    let hidden = s.chars().count().saturating_sub(SHOWN).min(MAX_STARS);
    shown + &"*".repeat(hidden)
}

/// A run of digits and the separators between them, as phone, card, SSN and IPv4 numbers
/// are written: digit groups joined by one or two of ` -.()/+`, with a `+` or `(` just
/// before the first digit included. Only runs of 4 or more digits are kept.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DigitRun {
    pub(crate) range: Range<usize>,
    pub(crate) digits: usize,
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
pub(crate) fn stands_alone(text: &str, range: &Range<usize>) -> bool {
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

/// Operators of arithmetic that never join the parts of a phone or card number. (`-` and
/// `/` do: `415-867-2309`, `24/7`.)
const OPERATORS: &[char] = &['+', '*', '\u{D7}', '\u{F7}', '=', '\u{2212}'];

/// The number at `range` is a term of arithmetic, not a phone or card number: an operator
/// stands between it and another number on its line (`256626720691 + 3956256292305 =
/// 4212883012996`), or it is a line of its own in a column of numbers ruled off by a line
/// of `-`, `=` or `_` (a sum written out). A `+` that starts the match counts as an
/// operator when a number stands before it.
pub(crate) fn in_arithmetic(text: &str, range: &Range<usize>) -> bool {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    let number_before = |s: &str| {
        s.trim_end()
            .ends_with(|c: char| c.is_ascii_digit() || c == ')')
    };
    let number_after = |s: &str| {
        s.trim_start()
            .starts_with(|c: char| c.is_ascii_digit() || c == '(')
    };
    let before = text[line_start..range.start].trim_end();
    let operator_before = match text[range.clone()].strip_prefix('+') {
        Some(_) => number_before(before),
        None => before.strip_suffix(OPERATORS).is_some_and(number_before),
    };
    let after = text[range.end..line_end].trim_start();
    let operator_after = after.strip_prefix(OPERATORS).is_some_and(number_after);
    operator_before || operator_after || in_ruled_column(text, line_start, line_end)
}

/// The line `start..end` holds only a number (with an operator before it), and belongs to
/// a block of such lines with a rule line (`-------`) in it.
fn in_ruled_column(text: &str, start: usize, end: usize) -> bool {
    let numeric = |line: &str| {
        let line = line.trim();
        let body = line.strip_prefix(OPERATORS).unwrap_or(line);
        let body = body.strip_prefix('-').unwrap_or(body);
        body.bytes().any(|b| b.is_ascii_digit())
            && body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b',' | b'.'))
    };
    let rule = |line: &str| {
        let line = line.trim();
        line.len() >= 3 && line.bytes().all(|b| matches!(b, b'-' | b'=' | b'_'))
    };
    if !numeric(&text[start..end]) {
        return false;
    }
    let (mut numbers, mut rules) = (1, 0);
    let mut count = |line: &str| {
        if numeric(line) {
            numbers += 1;
        } else if rule(line) {
            rules += 1;
        } else {
            return false;
        }
        true
    };
    for line in text[..start.saturating_sub(1)].rsplit('\n').take(16) {
        if start == 0 || !count(line) {
            break;
        }
    }
    for line in text.get(end + 1..).unwrap_or_default().split('\n').take(16) {
        if end == text.len() || !count(line) {
            break;
        }
    }
    numbers >= 2 && rules >= 1
}

/// The digits of `s`.
pub(crate) fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `AsciiDigits::needed` finds first bytes, not characters: it answers as one pass over
    /// the characters does, for every character the view changes and others that share
    /// their first bytes (curly quotes, dashes, CJK, Arabic letters), before, after or
    /// between digits, at either end of the text.
    #[test]
    fn the_view_is_needed_where_a_character_pass_says_so() {
        let by_chars = |text: &str| {
            let mut previous = ' ';
            for c in text.chars() {
                if let Some(b) = ascii_form(c) {
                    if b.is_ascii_digit() || previous.is_ascii_digit() {
                        return true;
                    }
                } else if c.is_ascii_digit() && ascii_form(previous).is_some() {
                    return true;
                }
                previous = c;
            }
            false
        };
        let mut pieces: Vec<String> = (0xA0..=0xFFu32)
            .chain(0x600..=0x6FF)
            .chain(0x2000..=0x2030)
            .chain([0x3000, 0x3001, 0x4E2D])
            .chain(0xFF00..=0xFF20)
            .filter_map(char::from_u32)
            .map(String::from)
            .collect();
        pieces.extend(["7", "12", "a", " ", ""].map(String::from));
        for a in &pieces {
            for b in ["", "5", "x", "\u{2019}"] {
                for c in ["", "3", " ", "\u{A0}"] {
                    for text in [
                        format!("{b}{a}{c}"),
                        format!("{a}{b}{c}"),
                        format!("{c}{b}{a}"),
                    ] {
                        assert_eq!(AsciiDigits::needed(&text), by_chars(&text), "{text:?}");
                    }
                }
            }
        }
    }

    /// A key with invisible characters inside it is masked whole as written, those
    /// characters too; one between words and a key, or around a key, does not lengthen it.
    #[test]
    fn a_key_is_read_through_invisible_characters() {
        for text in [
            "key sk-proj-Q7vX2mR9kL4pT8wN\u{200b}1zB6cY3hJ5fD0gS2aE7uI9oPqXw4Lm8Nv2Rt6Yb fails",
            "key gh\u{ad}p_1a2B3c4D5e6F7g8H9i0J\u{ad}1k2L3m4N5o6P7q8R fails",
            "key AKIA4QW7\u{200b}\u{2060}ZR2KXNB5TG3M fails",
        ] {
            let masked = mask_matches(text);
            let kept: String = masked.chars().filter(|&c| c != '*').collect();
            let shown: String = text.chars().take(8).collect();
            assert_eq!(kept, format!("{shown} fails"), "{masked:?}");
            assert_eq!(masked.chars().count(), text.chars().count(), "{masked:?}");
        }
        assert_eq!(
            mask_matches("\u{200b}key AKIA4QW7ZR2KXNB5TG3M\u{200b} ok\u{ad}ay"),
            "\u{200b}key AKIA****************\u{200b} ok\u{ad}ay"
        );
    }

    /// A key wrapped at its dots or joined to a word by an invisible character, with another
    /// inside it, is found as the rule reports it and masked whole, the word left alone.
    #[test]
    fn a_key_is_parted_from_a_word_at_an_invisible_character() {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\u{200b}eyJzdWIiOiI5ODc2NTQzMjEiLCJyb2xlIjoiYWRtaW4ifQ.\u{200b}Q3vT9xKp2LmZ8wRbN4cYd7FhJ1sGa6EuVo0iXq5TnWk";
        for (text, key) in [
            (format!("token {jwt} fails"), jwt),
            (
                "word\u{200b}sk-proj-Q7vX\u{200b}2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7 ok"
                    .to_owned(),
                "sk-proj-Q7vX\u{200b}2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7",
            ),
            (
                "x\u{200b}AKIA4QW7\u{200b}ZR2KXNB5TG3M ok".to_owned(),
                "AKIA4QW7\u{200b}ZR2KXNB5TG3M",
            ),
            (
                "AKIA4QW7\u{200b}ZR2KXNB5TG3M\u{200b}foo ok".to_owned(),
                "AKIA4QW7\u{200b}ZR2KXNB5TG3M",
            ),
            // A key of no fixed length run on into a stand-in word is cut at the gap.
            (
                "use sk-proj-Q7vX2mK9pL4n\u{200b}R8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7\u{200b}example here"
                    .to_owned(),
                "sk-proj-Q7vX2mK9pL4n\u{200b}R8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7",
            ),
            (
                "use sk-proj-Q7vX2mK9pL4n\u{200b}R8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7\u{200b}xxxx"
                    .to_owned(),
                "sk-proj-Q7vX2mK9pL4n\u{200b}R8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7",
            ),
        ] {
            let start = text.find(key).unwrap();
            let whole = start..start + key.len();
            let reported = matches_of(&text, &|_| true);
            let mut found = Vec::new();
            scan(
                &text,
                &mut Found {
                    enabled: &|_| true,
                    sink: &mut |m: Match<'_>| found.push(m.range),
                    masking: false,
                },
            );
            assert_eq!(found, std::slice::from_ref(&whole), "{text:?}");
            assert_eq!(reported, std::slice::from_ref(&whole), "{text:?}");
            assert_eq!(
                mask_matches(&text),
                mask_ranges(&text, &[whole]),
                "{text:?}"
            );
        }
    }

    /// [`Claimed::overlaps`] answers as a walk over every range does, for ranges in any
    /// order, nested, overlapping one another, empty, and touching the range asked about.
    #[test]
    fn claimed_ranges_overlap_as_a_walk_over_all_of_them_says() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound).unwrap()
        };
        for _ in 0..300 {
            let count = next(12);
            let ranges: Vec<Range<usize>> = (0..count)
                .map(|_| {
                    let start = next(40);
                    start..start + next(10)
                })
                .collect();
            let claimed = Claimed::new(ranges.clone());
            for start in 0..50 {
                for len in 0..6 {
                    let asked = start..start + len;
                    let walk = ranges
                        .iter()
                        .any(|r| r.start < asked.end && asked.start < r.end);
                    assert_eq!(claimed.overlaps(&asked), walk, "{ranges:?} {asked:?}");
                }
            }
        }
        assert!(!Claimed::new(Vec::new()).overlaps(&(0..10)));
        // A long range before short ones still reaches past them.
        let claimed = Claimed::new(vec![30..32, 0..100, 5..6]);
        assert!(claimed.overlaps(&(50..51)));
        assert!(!claimed.overlaps(&(100..120)));
    }

    /// A key split between two text parts is found in the parts' text joined, and each
    /// half masked where it is written; the JSON between them stays.
    #[test]
    fn mask_raw_masks_a_key_split_between_text_parts() {
        let line = r#"{"content": [{"type": "text", "text": "key AKIAZ7QX3"}, {"type": "text", "text": "M9KV2LR8TWB ok"}]}"#;
        assert_eq!(
            mask_raw(line),
            r#"{"content": [{"type": "text", "text": "key AKIA*****"}, {"type": "text", "text": "*********** ok"}]}"#
        );
        // Other strings between the parts are not joined to them.
        let apart = r#"{"text": "key AKIAZ7QX3", "note": "M9KV2LR8TWB"}"#;
        assert_eq!(mask_raw(apart), apart);
    }

    /// An address that ends one text part is not run on into the next part's first word,
    /// in the next message either: the snippet shows that word as written. A key that ends
    /// a part and goes on in the next is hidden whole.
    #[test]
    fn mask_raw_does_not_run_an_address_into_the_next_part() {
        let gemini = r#"{"contents": [{"role": "user", "parts": [{"text": "email john.smith@gmail.com"}]}, {"role": "model", "parts": [{"text": "As an AI, ok then friend."}]}]}"#;
        assert_eq!(
            mask_raw(gemini),
            r#"{"contents": [{"role": "user", "parts": [{"text": "email john****************"}]}, {"role": "model", "parts": [{"text": "As an AI, ok then friend."}]}]}"#
        );
        let parts = r#"{"content": [{"type": "text", "text": "write to john.smith@gmail.com"}, {"type": "text", "text": "Absolutely nothing else."}]}"#;
        assert_eq!(
            mask_raw(parts),
            r#"{"content": [{"type": "text", "text": "write to john****************"}, {"type": "text", "text": "Absolutely nothing else."}]}"#
        );
        // An address split between two parts is still hidden in both.
        let split = r#"{"content": [{"type": "text", "text": "mail jane.doe@gma"}, {"type": "text", "text": "il.com ok"}]}"#;
        assert_eq!(
            mask_raw(split),
            r#"{"content": [{"type": "text", "text": "mail jane********"}, {"type": "text", "text": "****** ok"}]}"#
        );
        // A key whose first half is a key on its own: the second half is hidden too.
        let key = "ghp_Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9e";
        let (head, tail) = key.split_at(24);
        let line = format!(
            r#"{{"content": [{{"type": "text", "text": "key {head}"}}, {{"type": "text", "text": "{tail} ok"}}]}}"#
        );
        let masked = mask_raw(&line);
        assert!(!masked.contains(&tail[..4]), "{masked}");
        assert!(!masked.contains(&head[4..12]), "{masked}");
    }

    /// The pieces of text parts that could be part of a split key: found also in a window
    /// that starts inside a string; words stay.
    #[test]
    fn part_pieces_are_key_like_runs_of_text_parts() {
        let edges = |raw: &str| -> Vec<String> {
            let chars: Vec<char> = raw.chars().collect();
            part_pieces(&chars)
                .into_iter()
                .map(|r| chars[r].iter().collect())
                .collect()
        };
        let window = r#"GgoiVBORw0K"}}, {"type": "text", "text": "M9KV2LR8TWB mail me"}, {"text": "see AKIAZ7QX3"}"#;
        assert_eq!(edges(window), ["M9KV2LR8TWB", "AKIAZ7QX3"]);
        // Letters only at an edge (an AWS key's tail), and pieces of a JWT and of a PEM
        // body after a `.` or a `\n`.
        let pieces = r#"{"text": "XNBQTGHM, mail"}, {"text": "J9.eyJzdWIiOiI5ODc2NTQzMjEwIn0.Qx7vKp2LmN9sR4 ok"}, {"text": "C7VJTUt\nMzEfYyjiWA4R4/M2bS ok"}"#;
        assert_eq!(
            edges(pieces),
            [
                "XNBQTGHM",
                "eyJzdWIiOiI5ODc2NTQzMjEwIn0",
                "Qx7vKp2LmN9sR4",
                "MzEfYyjiWA4R4/M2bS"
            ]
        );
        let words = r#"{"text": "Hello there"}, {"text": "Thanksgiving state-of-the-art and abcdefghijk the\u00a0population"}, {"note": "\"text\": \"M9KV2LR8TWB"}"#;
        assert!(edges(words).is_empty(), "{:?}", edges(words));
    }

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

    /// Terms of arithmetic are not phone or card numbers; the same numbers outside it are.
    #[test]
    fn arithmetic_is_not_a_phone_or_card_number() {
        for text in [
            "Add column by column:\n\n  472547338\n+960397912423686\n-----------------\n 960398384971024",
            "472547338\n+960397912423686\n-------\n1007411131329104\n\nSo the sum is large.",
            "256626720691 + 3956256292305 = 4212883012996",
            "4212883012996 = 256626720691 + 3956256292305",
            "3956256292305 \u{D7} 1 = 4212883012996 - 256626720691",
        ] {
            assert_eq!(mask_matches(text), text);
        }
        for text in [
            "The result is: 4212883012996",
            "card 4539148803436467 = mine",
            "x = 4539148803436467",
            "Call +960 397 9124 or +44 20 7946 0958 today.",
            "Phones:\n+960397912423686\n+44 20 7946 0958",
            "Call 415-867-2309 - 24 hours a day.",
        ] {
            assert_ne!(mask_matches(text), text, "{text}");
        }
    }

    /// A run of one character glued after a key fails the randomness test; the key before it
    /// is still hidden (and the run with it).
    #[test]
    fn a_key_with_a_run_glued_after_it_is_masked() {
        let key = "sk-proj-Q3vT9xLm2Pw8Rk4ZbN7cYh1JdF6sGa0E";
        for run in ["AAAAAA", "000000", "zzzzzzzzzzzz"] {
            let masked = mask_matches(&format!("key {key}{run} here"));
            assert!(!masked.contains("Q3vT9x"), "{masked}");
            assert!(
                masked.starts_with("key sk-p***") && masked.ends_with(" here"),
                "{masked}"
            );
        }
        // Not a key at all: the run alone after the prefix stays as written.
        assert_eq!(
            mask_matches("sk-aaaaaaaaaaaaaaaaaaaaaaaa"),
            "sk-aaaaaaaaaaaaaaaaaaaaaaaa"
        );
    }

    /// A PEM key's every body line is masked however its lines end: with blanks before
    /// the line feed, indented, written out as `\n` inside JSON text (a service account's
    /// key file pasted as a string), or with a character no key has inside it: the mask
    /// runs to the `-----END` line.
    #[test]
    fn a_pem_key_is_masked_to_its_end_line() {
        let body = [
            "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
            "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
            "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
            "9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre",
        ];
        let wrap = |sep: &str| {
            format!(
                "key:\n-----BEGIN RSA PRIVATE KEY-----{sep}{}{sep}-----END RSA PRIVATE KEY-----\nbye",
                body.join(sep)
            )
        };
        let broken = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n{}\u{fffd}{}\n-----END PRIVATE KEY-----",
            body[0], body[1], body[2]
        );
        for text in [
            wrap(" \n"),
            wrap("\t\r\n"),
            wrap("\n    "),
            wrap("\\n"),
            wrap("\\r\\n"),
            broken,
        ] {
            let masked = mask_matches(&text);
            for line in body {
                for piece in line.as_bytes().chunks(12).filter(|p| p.len() >= 8) {
                    let piece = std::str::from_utf8(piece).expect("ascii");
                    assert!(
                        !masked.contains(piece),
                        "{piece} shows in {masked:?} (from {text:?})"
                    );
                }
            }
            assert!(masked.contains("-----END"), "{masked}");
            assert!(
                masked.ends_with("-----") || masked.ends_with("bye"),
                "{masked}"
            );
        }
        // The stand-in of documentation is no key, END line or not.
        assert_eq!(
            mask_matches("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"
        );
    }

    /// Numbers written with no-break spaces between their groups, or in full-width or
    /// Arabic-Indic digits, are found and masked where they are written.
    #[test]
    fn numbers_in_other_digits_and_spaces_are_masked_in_place() {
        for (text, masked) in [
            (
                "Mon numéro : +33\u{a0}1\u{a0}42\u{a0}68\u{a0}53\u{a0}00, merci",
                "Mon numéro : +33\u{a0}*************, merci",
            ),
            (
                "carte 4539\u{202f}5787\u{202f}6362\u{202f}1486.",
                "carte 4539***************.",
            ),
            (
                "电话＋８６ １３８ １２３４ ５６７８。",
                "电话＋８６ *************。",
            ),
            ("رقمي +٩٦٦ ٥٠ ١٢٣ ٤٥٦٧ شكرا", "رقمي +٩٦٦************ شكرا"),
        ] {
            assert_eq!(mask_matches(text), masked, "{text}");
        }
        // No-break spaces in prose, and numbers too short to be anything, stay.
        for text in [
            "Prix\u{a0}: 12\u{a0}500\u{a0}€ le 3\u{a0}mai",
            "第１２章、２０２４年",
            "ص ١٢٣ و ٤٥",
        ] {
            assert_eq!(mask_matches(text), text);
        }
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
