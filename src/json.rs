//! The JSON parser behind every line: strict RFC 8259, with a byte span on every value.
//!
//! This module owns turning one JSONL line into a [`Document`]: a flat arena of nodes that
//! lives inside the [`Parser`] and is cleared, not freed, between lines, because the parser is
//! most of the linter's cost. It also owns the findings only a parser can make: precise
//! syntax errors ([`ParseError`]) and repeated object keys ([`DuplicateKey`], rule J010),
//! which every ordinary loader silently collapses.
//!
//! Layout: node 0 is the root; a container's first child is at its own index + 1 and the
//! following children are chained by `next`. An object's children are its keys (string
//! nodes); a key's value is always at key index + 1, since a key has no children itself.
//!
//! Deliberate differences from `serde_json`: numbers out of the `f64` range are accepted
//! (they are valid JSON; [`Document::number`] gives ±infinity); nesting is limited to
//! [`MAX_DEPTH`] levels where `serde_json` stops at 127. Like `serde_json` (and unlike Python's
//! `json`, which reads it but cannot write the result as UTF-8), a lone UTF-16 surrogate in a
//! `\u` escape is an error, so every later reader of a string sees only whole characters.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::{Entry, RandomState};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::diagnostic::Span;

/// Deepest nesting accepted; deeper input is a parse error, never a stack overflow.
pub const MAX_DEPTH: usize = 128;

/// Most objects and arrays one line may hold. Each becomes a message, a content part or a
/// tool call in the formats' records (about 200 bytes apiece), so without a limit a 60 MB
/// line of `{}` took 3.6 GB; no training example needs a million.
pub const MAX_CONTAINERS: usize = 1 << 20;

/// Most values and object keys one line may hold: 20 bytes of parser arena each, 320 MiB at the limit (a
/// pre-tokenized example of five million tokens in three columns fits).
pub const MAX_VALUES: usize = 1 << 24;

/// Objects with more keys than this get a hash set for the duplicate-key check; below it a
/// pairwise scan is cheaper than hashing (most records have 2 to 5 keys per object).
const SMALL_OBJECT: u32 = 16;

/// Duplicate-key reports keep at most this many characters of the key: the message quotes
/// 40 of them, masked first, and a secret must be whole to be recognised and masked.
const KEY_QUOTE_CHARS: usize = 1024;

const NONE: u32 = u32::MAX;

/// Scratch capacity (in elements) kept between lines; anything larger came from an
/// outlandish line and is given back.
const RETAINED: usize = 1 << 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// A node of one [`Document`]; meaningless for any other document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId(pub u32);

/// Why a line is not JSON. `offset` is the byte in the line a human should look at; `message`
/// is lowercase with no trailing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
    /// The text may be valid JSON beyond one of the parser's limits: not read, rather than
    /// known to be wrong.
    pub limit: Option<Limit>,
}

/// Which of the parser's limits a line went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Nested deeper than [`MAX_DEPTH`].
    Depth,
    /// More than [`MAX_CONTAINERS`] objects and arrays, or [`MAX_VALUES`] values and keys.
    Size,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// A key that repeats an earlier key of the same object (compared after decoding escapes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The decoded key, cut to 1,024 characters.
    pub key: String,
    /// The repeated key literal, quotes included.
    pub span: Span,
    /// The first occurrence's key literal, quotes included.
    pub first: Span,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    start: u32,
    end: u32,
    /// Next sibling (array element or object key), or `NONE`.
    next: u32,
    /// Children of a container: elements, or members of an object.
    len: u32,
    kind: Kind,
    /// Strings: contains a backslash escape. Booleans: the value.
    flag: bool,
}

const ABSENT: Node = Node {
    start: 0,
    end: 0,
    next: NONE,
    len: 0,
    kind: Kind::Null,
    flag: false,
};

#[derive(Clone, Copy, Debug)]
struct Frame {
    node: u32,
    /// Last linked child (element or key), or `NONE`.
    last: u32,
    count: u32,
    object: bool,
}

/// A hasher for keys that are already hashes (the duplicate-key set's keyed SipHash outputs,
/// S013's path hashes): hashing them again would only cost time.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Scratch state of the duplicate-key check, kept across lines so it never allocates on the
/// common path.
#[derive(Default)]
struct DupCheck {
    keys: Vec<u32>,
    /// Hash of a decoded key -> index of its first key node, for large objects only.
    seen: HashMap<u64, u32, BuildHasherDefault<IdentityHasher>>,
    /// Randomly keyed so that crafted keys cannot force hash collisions.
    hasher: RandomState,
    found: Vec<DuplicateKey>,
}

impl fmt::Debug for DupCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DupCheck")
            .field("found", &self.found)
            .finish_non_exhaustive()
    }
}

/// Parses lines one at a time into an arena it reuses; create one per thread.
#[derive(Default, Debug)]
pub struct Parser {
    nodes: Vec<Node>,
    stack: Vec<Frame>,
    dups: DupCheck,
    notes: Notes,
}

/// What the parser notes of a line besides its values: the shapes of valid JSON that
/// Arrow-based loaders (`datasets`) refuse, for J001 to judge.
#[derive(Default, Debug)]
struct Notes {
    deepest: Deepest,
    /// Numbers with a positive exponent above 308, in line order.
    large_exponents: Vec<Span>,
    /// `NaN`, `Infinity` and `-Infinity`, in line order: not JSON, but Python's `json` writes
    /// and reads them, and so does Arrow's reader.
    non_finite: Vec<Span>,
}

/// The most deeply nested value of a line, counted as Arrow nests the types it infers: the
/// root is level 1, each object or array one more, a value (a scalar, or the `null` type of an
/// empty array's elements) one more again; an empty object adds nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deepest {
    /// Arrow's level of the deepest value: `{"a": [1]}` is 3.
    pub level: usize,
    /// The byte of the line where the first value at that level starts.
    pub offset: usize,
}

impl Notes {
    #[inline]
    fn value_at(&mut self, level: usize, offset: usize) {
        if level > self.deepest.level {
            self.deepest = Deepest { level, offset };
        }
    }
}

/// One parsed line: borrowed from the [`Parser`] (until its next `parse`) and from the line.
///
/// Accessors never panic: asked about a [`NodeId`] of another document they answer as for an
/// empty `null`, and the kind-specific ones (`str`, `number`, ...) give `None` for other kinds.
#[derive(Clone, Copy)]
pub struct Document<'p, 's> {
    src: &'s str,
    nodes: &'p [Node],
    dups: &'p [DuplicateKey],
    notes: &'p Notes,
}

impl Parser {
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Parses one JSON value, with optional JSON whitespace around it.
    pub fn parse<'p, 's>(&'p mut self, src: &'s str) -> Result<Document<'p, 's>, ParseError> {
        self.parse_as(src, false)
    }

    /// Parses the JSON value `src` starts with (no white space before it), ignoring what
    /// follows it: the document's text is the value's own, which ends where the text of
    /// the next element of an array begins. Spans are those of the value alone.
    /// [`Parser::parse`] under RFC 8259 alone: a `NaN`, `Infinity` or `-Infinity` is an error,
    /// for JSON held in a string (a tool call's arguments, tool definitions) that a
    /// provider decodes with a strict parser.
    pub fn parse_strict<'p, 's>(
        &'p mut self,
        src: &'s str,
    ) -> Result<Document<'p, 's>, ParseError> {
        let doc = self.parse(src)?;
        if let Some(&span) = doc.non_finite().first() {
            let raw = doc.raw_at(span);
            return Err(error(
                span.start as usize,
                format!("{raw} is not valid JSON"),
            ));
        }
        Ok(doc)
    }

    pub fn parse_prefix<'p, 's>(
        &'p mut self,
        src: &'s str,
    ) -> Result<Document<'p, 's>, ParseError> {
        self.parse_as(src, true)
    }

    fn parse_as<'p, 's>(
        &'p mut self,
        src: &'s str,
        prefix: bool,
    ) -> Result<Document<'p, 's>, ParseError> {
        self.nodes.clear();
        self.stack.clear();
        self.dups.found.clear();
        self.notes.deepest = Deepest::default();
        self.notes.large_exponents.clear();
        self.notes.non_finite.clear();
        // One pathological line (a 32 MiB array of zeros needs 335 MB of nodes) must not pin
        // its memory in every worker for the rest of the run. A value takes at least two
        // bytes of the line, which bounds what this line can need.
        let needed = (src.len() / 2 + 2).max(RETAINED);
        if self.nodes.capacity() > needed {
            self.nodes.shrink_to(needed);
        }
        if self.dups.found.capacity() > RETAINED {
            self.dups.found.shrink_to(RETAINED);
        }
        if self.dups.keys.capacity() > RETAINED {
            self.dups.keys.shrink_to(RETAINED);
        }
        if src.len() >= NONE as usize {
            return Err(error(0, "line longer than 4 GiB"));
        }
        let end = parse_into(
            src,
            &mut self.nodes,
            &mut self.stack,
            &mut self.dups,
            &mut self.notes,
            prefix,
        )?;
        let src = &src[..end];
        if self.dups.found.len() > 1 {
            // Objects are checked when they close, inner ones first; report in line order.
            self.dups.found.sort_by_key(|d| d.span.start);
        }
        Ok(Document {
            src,
            nodes: &self.nodes,
            dups: &self.dups.found,
            notes: &self.notes,
        })
    }
}

fn parse_into(
    src: &str,
    nodes: &mut Vec<Node>,
    stack: &mut Vec<Frame>,
    dups: &mut DupCheck,
    notes: &mut Notes,
    prefix: bool,
) -> Result<usize, ParseError> {
    let b = src.as_bytes();
    let mut i = skip_ws(b, 0);
    if i == b.len() {
        return Err(error(i, "empty line; expected a JSON value"));
    }
    let mut containers = 0usize;
    // One iteration per value; containers push a frame and come back here for their first
    // child, so nesting costs a 16-byte frame, not a stack frame.
    'value: loop {
        let Some(&c) = b.get(i) else {
            return Err(value_error(src, i));
        };
        match c {
            b'"' => {
                let (end, escaped) = scan_string(b, i)?;
                let id = push(nodes, Kind::String, i, end, escaped);
                link_element(nodes, stack, id);
                notes.value_at(stack.len() + 1, i);
                i = end;
            }
            b'{' | b'[' => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError {
                        limit: Some(Limit::Depth),
                        ..error(i, format!("nesting deeper than {MAX_DEPTH} levels"))
                    });
                }
                containers += 1;
                if containers > MAX_CONTAINERS {
                    return Err(too_large(i, "objects and arrays", MAX_CONTAINERS));
                }
                let object = c == b'{';
                let kind = if object { Kind::Object } else { Kind::Array };
                let id = push(nodes, kind, i, i, false);
                link_element(nodes, stack, id);
                stack.push(Frame {
                    node: id,
                    last: NONE,
                    count: 0,
                    object,
                });
                i = skip_ws(b, i + 1);
                let close = if object { b'}' } else { b']' };
                if b.get(i) == Some(&close) {
                    // An empty array's elements are of Arrow's null type, one level down;
                    // an empty object is a struct without fields.
                    let level = if object { stack.len() } else { stack.len() + 1 };
                    notes.value_at(level, nodes[id as usize].start as usize);
                    close_container(src, nodes, stack, dups, i);
                    i += 1;
                } else if object {
                    i = parse_key(src, nodes, stack, i)?;
                    continue 'value;
                } else {
                    continue 'value;
                }
            }
            b'-' | b'0'..=b'9' => {
                let (end, large_exponent) = match scan_number(src, i) {
                    Ok(scanned) => scanned,
                    Err(e) => match non_finite_len(&b[i..]) {
                        Some(len) => {
                            notes.non_finite.push(Span::from_usize(i, i + len));
                            (i + len, false)
                        }
                        None => return Err(e),
                    },
                };
                let id = push(nodes, Kind::Number, i, end, false);
                link_element(nodes, stack, id);
                notes.value_at(stack.len() + 1, i);
                if large_exponent {
                    notes.large_exponents.push(Span::from_usize(i, end));
                }
                i = end;
            }
            b'N' | b'I' if non_finite_len(&b[i..]).is_some() => {
                let end = i + non_finite_len(&b[i..]).unwrap_or(0);
                notes.non_finite.push(Span::from_usize(i, end));
                let id = push(nodes, Kind::Number, i, end, false);
                link_element(nodes, stack, id);
                notes.value_at(stack.len() + 1, i);
                i = end;
            }
            b't' | b'f' | b'n' => {
                let (word, kind, value): (&[u8], _, _) = match c {
                    b't' => (b"true", Kind::Bool, true),
                    b'f' => (b"false", Kind::Bool, false),
                    _ => (b"null", Kind::Null, false),
                };
                if !b[i..].starts_with(word) {
                    return Err(value_error(src, i));
                }
                let end = i + word.len();
                let id = push(nodes, kind, i, end, value);
                link_element(nodes, stack, id);
                notes.value_at(stack.len() + 1, i);
                i = end;
            }
            _ => return Err(value_error(src, i)),
        }
        // A value is complete: close containers until one wants another child.
        loop {
            let Some(top) = stack.last() else {
                if prefix {
                    return Ok(i);
                }
                i = skip_ws(b, i);
                if i < b.len() {
                    return Err(error(i, "trailing characters after the JSON value"));
                }
                return Ok(b.len());
            };
            i = skip_ws(b, i);
            let (object, close) = if top.object {
                (true, b'}')
            } else {
                (false, b']')
            };
            match b.get(i) {
                Some(b',') => {
                    if nodes.len() >= MAX_VALUES {
                        return Err(too_large(i, "values and keys", MAX_VALUES));
                    }
                    let comma = i;
                    i = skip_ws(b, i + 1);
                    if b.get(i) == Some(&close) {
                        let message = format!("trailing comma before '{}'", close as char);
                        return Err(error(comma, message));
                    }
                    if object {
                        i = parse_key(src, nodes, stack, i)?;
                    }
                    continue 'value;
                }
                Some(&x) if x == close => {
                    close_container(src, nodes, stack, dups, i);
                    i += 1;
                }
                _ => return Err(after_child_error(src, i, object)),
            }
        }
    }
}

#[inline]
fn push(nodes: &mut Vec<Node>, kind: Kind, start: usize, end: usize, flag: bool) -> u32 {
    let id = nodes.len() as u32;
    nodes.push(Node {
        start: start as u32,
        end: end as u32,
        next: NONE,
        len: 0,
        kind,
        flag,
    });
    id
}

/// Chains a new value into an enclosing array. Values of object members are not chained:
/// they sit right after their key.
#[inline]
fn link_element(nodes: &mut [Node], stack: &mut [Frame], id: u32) {
    if let Some(top) = stack.last_mut()
        && !top.object
    {
        link(nodes, top, id);
    }
}

#[inline]
fn link(nodes: &mut [Node], top: &mut Frame, id: u32) {
    if let Some(prev) = nodes.get_mut(top.last as usize) {
        prev.next = id;
    }
    top.last = id;
    top.count += 1;
}

/// Parses `"key"` and the `:` after it (at `i`, whitespace already skipped); returns where
/// the member's value starts.
#[inline]
fn parse_key(
    src: &str,
    nodes: &mut Vec<Node>,
    stack: &mut [Frame],
    i: usize,
) -> Result<usize, ParseError> {
    let b = src.as_bytes();
    if b.get(i) != Some(&b'"') {
        return Err(key_error(src, i));
    }
    let (end, escaped) = scan_string(b, i)?;
    let id = push(nodes, Kind::String, i, end, escaped);
    if let Some(top) = stack.last_mut() {
        link(nodes, top, id);
    }
    let i = skip_ws(b, end);
    if b.get(i) != Some(&b':') {
        return Err(expected(src, i, "expected ':' after an object key"));
    }
    Ok(skip_ws(b, i + 1))
}

fn close_container(
    src: &str,
    nodes: &mut [Node],
    stack: &mut Vec<Frame>,
    dups: &mut DupCheck,
    i: usize,
) {
    let Some(frame) = stack.pop() else {
        return;
    };
    if let Some(node) = nodes.get_mut(frame.node as usize) {
        node.end = i as u32 + 1;
        node.len = frame.count;
    }
    if frame.object && frame.count > 1 {
        dups.check(src, nodes, frame.node);
    }
}

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\r' | b'\t' => i += 1,
            // The indent of pretty-printed JSON, eight spaces at a time.
            b'\n' => i = skip_spaces(b, i + 1),
            _ => break,
        }
    }
    i
}

/// Index of the first byte at or after `i` that is not a space, or `b.len()`.
#[inline]
pub fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while let Some(word) = b.get(i..).and_then(|r| r.first_chunk::<8>()) {
        let other = u64::from_le_bytes(*word) ^ 0x2020_2020_2020_2020;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` (little-endian) that is `"`, `\` or below 0x20. Bits
/// above the lowest set one may be false positives (borrows propagate upwards), so only the
/// lowest is to be trusted.
#[inline(always)]
fn special_bytes(w: u64) -> u64 {
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    bytes_equal(w, b'"') | bytes_equal(w, b'\\') | control
}

/// High bit set in each byte of `w` (eight bytes read little-endian) that equals `b`. Bits
/// above the lowest set one may be false positives (borrows carry upwards), so only the
/// lowest is to be trusted; an OR of such masks keeps that property.
#[inline(always)]
pub(crate) fn bytes_equal(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Index of the first `"`, `\` or control byte at or after `i`, or `b.len()`.
#[inline(always)]
fn find_special(b: &[u8], mut i: usize) -> usize {
    // Two words per step: long message contents dominate the input.
    while let Some(chunk) = b.get(i..).and_then(|r| r.first_chunk::<16>()) {
        let w = u128::from_le_bytes(*chunk);
        let lo = special_bytes(w as u64);
        let hi = special_bytes((w >> 64) as u64);
        if lo != 0 {
            return i + (lo.trailing_zeros() / 8) as usize;
        }
        if hi != 0 {
            return i + 8 + (hi.trailing_zeros() / 8) as usize;
        }
        i += 16;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    b.len()
}

/// Validates the string literal starting at the quote `b[start]`; returns the index just
/// past its closing quote and whether it contains escapes.
#[inline]
fn scan_string(b: &[u8], start: usize) -> Result<(usize, bool), ParseError> {
    let mut i = start + 1;
    let mut escaped = false;
    loop {
        i = find_special(b, i);
        match b.get(i) {
            Some(b'"') => return Ok((i + 1, escaped)),
            Some(b'\\') => {
                escaped = true;
                i += escape_len(b, i)?;
            }
            Some(&c) => return Err(control_error(i, c)),
            None => return Err(error(i, "unexpected end of line inside a string")),
        }
    }
}

/// Length of the valid escape at the backslash `b[i]`: a surrogate pair is one escape.
#[inline]
fn escape_len(b: &[u8], i: usize) -> Result<usize, ParseError> {
    match b.get(i + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(2),
        Some(b'u') => match hex4(b, i + 2) {
            Some(0xD800..=0xDBFF) => match (b.get(i + 6..i + 8), hex4(b, i + 8)) {
                (Some(br"\u"), Some(0xDC00..=0xDFFF)) => Ok(12),
                _ => Err(lone_surrogate_error(b, i, true)),
            },
            Some(0xDC00..=0xDFFF) => Err(lone_surrogate_error(b, i, false)),
            Some(_) => Ok(6),
            None => Err(error(
                i,
                "invalid \\u escape; expected 4 hex digits after \\u",
            )),
        },
        Some(_) => Err(escape_error(b, i)),
        None => Err(error(i + 1, "unexpected end of line inside a string")),
    }
}

#[inline]
fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let digits = b.get(i..i + 4)?;
    let mut v = 0;
    for &d in digits {
        v = v << 4 | (d as char).to_digit(16)?;
    }
    Some(v)
}

/// Decodes the escape at the backslash `b[i]`: the character and how many bytes it spans.
/// Never consumes a non-ASCII byte, so the caller stays on character boundaries even if the
/// input was not validated (only then can it meet a lone surrogate, which gives U+FFFD).
fn decode_escape(b: &[u8], i: usize) -> (char, usize) {
    let c = match b.get(i + 1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            return match hex4(b, i + 2) {
                Some(hi @ 0xD800..=0xDBFF) => {
                    let low = match b.get(i + 6..i + 8) {
                        Some(br"\u") => hex4(b, i + 8),
                        _ => None,
                    };
                    match low {
                        Some(lo @ 0xDC00..=0xDFFF) => {
                            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            (char::from_u32(cp).unwrap_or('\u{FFFD}'), 12)
                        }
                        _ => ('\u{FFFD}', 6),
                    }
                }
                Some(cp) => (char::from_u32(cp).unwrap_or('\u{FFFD}'), 6),
                None => ('\u{FFFD}', 1),
            };
        }
        _ => return ('\u{FFFD}', 1),
    };
    (c, 2)
}

fn decode(raw: &str) -> Cow<'_, str> {
    let b = raw.as_bytes();
    let Some(first) = memchr::memchr(b'\\', b) else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(raw.len());
    decode_into(raw, first, &mut out);
    Cow::Owned(out)
}

/// Appends the decoded `raw` to `out`; `first` is where its first backslash is.
fn decode_into(raw: &str, first: usize, out: &mut String) {
    let b = raw.as_bytes();
    let mut i = 0;
    let mut next = Some(first);
    while let Some(at) = next {
        out.push_str(raw.get(i..at).unwrap_or(""));
        let (c, n) = decode_escape(b, at);
        out.push(c);
        i = at + n;
        next = b
            .get(i..)
            .and_then(|rest| memchr::memchr(b'\\', rest))
            .map(|p| i + p);
    }
    out.push_str(raw.get(i..).unwrap_or(""));
}

/// Validates the number at `start`; returns the index just past it, and whether it has a
/// positive exponent above 308 (one that may put it beyond the `f64` range).
fn scan_number(src: &str, start: usize) -> Result<(usize, bool), ParseError> {
    let b = src.as_bytes();
    let digits = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = start;
    if b[i] == b'-' {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => {
            if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                return Err(error(i, "number with a leading zero"));
            }
            i += 1;
        }
        Some(b'1'..=b'9') => i = digits(i + 1),
        // `-Infinity` is read as a number (`non_finite_len`); Python's `json` refuses `-Inf`.
        _ if b[i..].starts_with(b"Inf") => {
            return Err(error(start, "-Inf is not valid JSON"));
        }
        _ => return Err(expected(src, i, "expected a digit after '-'")),
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(expected(src, i, "expected a digit after the decimal point"));
        }
        i = digits(i + 1);
    }
    let mut large_exponent = false;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let negative = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(expected(src, i, "expected a digit in the exponent"));
        }
        let from = i;
        i = digits(i + 1);
        if !negative {
            let exponent = b[from..i].iter().fold(0u32, |e, d| {
                e.saturating_mul(10).saturating_add(u32::from(d - b'0'))
            });
            large_exponent = exponent > 308;
        }
    }
    Ok((i, large_exponent))
}

#[cold]
fn error(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        offset,
        message: message.into(),
        limit: None,
    }
}

#[cold]
fn too_large(offset: usize, what: &str, limit: usize) -> ParseError {
    ParseError {
        limit: Some(Limit::Size),
        ..error(
            offset,
            format!(
                "more than {} {what} in one line",
                crate::wording::thousands(limit as u64)
            ),
        )
    }
}

/// `message`, or the same prefixed with the end of the line when that is what was found.
#[cold]
fn expected(src: &str, i: usize, message: &str) -> ParseError {
    let rest = src.get(i..).unwrap_or("");
    if rest.is_empty() {
        error(i, format!("unexpected end of line; {message}"))
    } else if rest.starts_with('/') {
        error(i, "comments are not allowed in JSON")
    } else {
        error(i, message)
    }
}

/// The length of the `NaN`, `Infinity` or `-Infinity` that `b` starts with: the literals that
/// Python's `json` and Arrow's JSON reader both take for the float values (`nan`, `Inf` and
/// `+Infinity` are errors to Python).
fn non_finite_len(b: &[u8]) -> Option<usize> {
    [&b"NaN"[..], b"Infinity", b"-Infinity"]
        .into_iter()
        .find(|word| b.starts_with(word))
        .map(<[u8]>::len)
}

#[cold]
fn value_error(src: &str, i: usize) -> ParseError {
    let rest = src.get(i..).unwrap_or("");
    let starts = |word: &str| rest.starts_with(word);
    let message = if starts("'") {
        "single-quoted string; JSON strings use double quotes"
    } else if starts("Inf") {
        // `NaN`, `Infinity` and `-Infinity` are read as numbers (`non_finite_len`).
        "Inf is not valid JSON"
    } else if starts("nan") {
        "nan is not valid JSON"
    } else if starts("+") {
        "number with a leading '+'"
    } else if starts(".") {
        "number without a digit before the decimal point"
    } else if starts("True") {
        "Python literal True; JSON uses true"
    } else if starts("False") {
        "Python literal False; JSON uses false"
    } else if starts("None") {
        "Python literal None; JSON uses null"
    } else if starts("t") {
        "invalid literal; expected true"
    } else if starts("f") {
        "invalid literal; expected false"
    } else if starts("n") {
        "invalid literal; expected null"
    } else if starts("\u{FEFF}") {
        "byte order mark (U+FEFF) before the JSON value"
    } else {
        "expected a JSON value"
    };
    expected(src, i, message)
}

#[cold]
fn key_error(src: &str, i: usize) -> ParseError {
    let message = match src.as_bytes().get(i) {
        Some(b'\'') => "single-quoted key; JSON strings use double quotes",
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' || *c == b'$' => {
            "unquoted key; JSON keys must be double-quoted strings"
        }
        _ => "expected a string key",
    };
    expected(src, i, message)
}

#[cold]
fn after_child_error(src: &str, i: usize, object: bool) -> ParseError {
    let message = if object {
        "expected ',' or '}' after an object member"
    } else {
        "expected ',' or ']' after an array element"
    };
    expected(src, i, message)
}

#[cold]
fn control_error(i: usize, c: u8) -> ParseError {
    let escape = match c {
        b'\n' => "\\n".to_string(),
        b'\r' => "\\r".to_string(),
        b'\t' => "\\t".to_string(),
        0x08 => "\\b".to_string(),
        0x0c => "\\f".to_string(),
        _ => format!("\\u{c:04X}"),
    };
    error(
        i,
        format!("control character U+{c:04X} in a string; escape it as {escape}"),
    )
}

/// A `\u` escape of a UTF-16 surrogate at `b[i]` that is not half of a pair: it stands for
/// no character, so no UTF-8 text can hold it.
#[cold]
fn lone_surrogate_error(b: &[u8], i: usize, high: bool) -> ParseError {
    let escape = String::from_utf8_lossy(b.get(i..i + 6).unwrap_or(&[]));
    let pairing = if high {
        "a high surrogate must be followed by a low one, \\udc00 to \\udfff"
    } else {
        "a low surrogate must follow a high one, \\ud800 to \\udbff"
    };
    error(
        i,
        format!(
            "lone surrogate {escape} in a string ({pairing}); the record cannot be encoded as UTF-8 and strict loaders such as Arrow reject it: restore the character or remove the escape"
        ),
    )
}

#[cold]
fn escape_error(b: &[u8], i: usize) -> ParseError {
    // The escaped character may be non-ASCII: show it whole.
    let rest = b.get(i + 1..).unwrap_or(&[]);
    let shown = match std::str::from_utf8(rest.get(..4.min(rest.len())).unwrap_or(&[])) {
        Ok(s) => s.chars().next(),
        Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()])
            .ok()
            .and_then(|s| s.chars().next()),
    };
    match shown {
        Some(c) if c.is_control() => error(
            i,
            format!(
                "invalid escape: backslash followed by control character U+{:04X}",
                c as u32
            ),
        ),
        Some(c) => error(i, format!("invalid escape '\\{c}'")),
        None => error(i, "invalid escape"),
    }
}

impl DupCheck {
    /// Records the repeated keys of the object node `obj`, whose members are complete.
    fn check(&mut self, src: &str, nodes: &[Node], obj: u32) {
        self.keys.clear();
        let mut k = obj.wrapping_add(1);
        while let Some(node) = nodes.get(k as usize) {
            self.keys.push(k);
            k = node.next;
        }
        if self.keys.len() <= SMALL_OBJECT as usize {
            for j in 1..self.keys.len() {
                let key = self.keys[j];
                if let Some(&first) = self.keys[..j]
                    .iter()
                    .find(|&&p| keys_equal(src, nodes, p, key))
                {
                    self.report(src, nodes, first, key);
                }
            }
            return;
        }
        self.seen.clear();
        for j in 0..self.keys.len() {
            let key = self.keys[j];
            let decoded = key_text(src, nodes, key);
            match self.seen.entry(self.hasher.hash_one(&*decoded)) {
                Entry::Vacant(slot) => {
                    slot.insert(key);
                }
                Entry::Occupied(slot) => {
                    let candidate = *slot.get();
                    let first = if key_text(src, nodes, candidate) == decoded {
                        Some(candidate)
                    } else {
                        // A genuine 64-bit hash collision: settle it by comparing.
                        self.keys[..j]
                            .iter()
                            .copied()
                            .find(|&p| keys_equal(src, nodes, p, key))
                    };
                    if let Some(first) = first {
                        self.report(src, nodes, first, key);
                    }
                }
            }
        }
        if self.seen.capacity() > RETAINED {
            // One huge object should not pin its table for the rest of the file.
            self.seen = HashMap::default();
        }
    }

    #[cold]
    fn report(&mut self, src: &str, nodes: &[Node], first: u32, key: u32) {
        let text = key_text(src, nodes, key);
        let span = |id: u32| nodes.get(id as usize).map_or(Span::default(), node_span);
        self.found.push(DuplicateKey {
            key: text.chars().take(KEY_QUOTE_CHARS).collect(),
            span: span(key),
            first: span(first),
        });
    }
}

fn node_span(n: &Node) -> Span {
    Span::new(n.start, n.end)
}

/// The text between the quotes of a string node, escapes not decoded.
fn inner<'s>(src: &'s str, n: &Node) -> &'s str {
    if n.kind != Kind::String || n.end < n.start + 2 {
        return "";
    }
    src.get(n.start as usize + 1..n.end as usize - 1)
        .unwrap_or("")
}

fn key_text<'s>(src: &'s str, nodes: &[Node], id: u32) -> Cow<'s, str> {
    match nodes.get(id as usize) {
        Some(n) if n.flag => decode(inner(src, n)),
        Some(n) => Cow::Borrowed(inner(src, n)),
        None => Cow::Borrowed(""),
    }
}

fn keys_equal(src: &str, nodes: &[Node], a: u32, b: u32) -> bool {
    let (Some(na), Some(nb)) = (nodes.get(a as usize), nodes.get(b as usize)) else {
        return false;
    };
    if !na.flag && !nb.flag {
        return inner(src, na) == inner(src, nb);
    }
    key_text(src, nodes, a) == key_text(src, nodes, b)
}

/// Children of a container in source order.
struct Siblings<'p> {
    nodes: &'p [Node],
    cur: u32,
}

impl Iterator for Siblings<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        let node = self.nodes.get(self.cur as usize)?;
        let id = NodeId(self.cur);
        self.cur = node.next;
        Some(id)
    }
}

impl fmt::Debug for Document<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The line may be megabytes long: summarise it.
        f.debug_struct("Document")
            .field("src_len", &self.src.len())
            .field("nodes", &self.nodes.len())
            .field("duplicate_keys", &self.dups)
            .finish()
    }
}

impl<'p, 's> Document<'p, 's> {
    pub fn src(&self) -> &'s str {
        self.src
    }

    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    fn node(&self, id: NodeId) -> &'p Node {
        self.nodes.get(id.0 as usize).unwrap_or(&ABSENT)
    }

    pub fn kind(&self, id: NodeId) -> Kind {
        self.node(id).kind
    }

    /// The value's bytes in the line; for strings, quotes included.
    pub fn span(&self, id: NodeId) -> Span {
        node_span(self.node(id))
    }

    /// Every key that repeats an earlier key of its object, in line order.
    pub fn duplicate_keys(&self) -> &'p [DuplicateKey] {
        self.dups
    }

    /// The most deeply nested value, as Arrow counts levels ([`Deepest`]).
    pub fn deepest(&self) -> Deepest {
        self.notes.deepest
    }

    /// The numbers with a positive exponent above 308 (`1e309`), in line order: Python reads
    /// them (as infinity, mostly), Arrow's JSON reader refuses some.
    pub fn large_exponents(&self) -> &'p [Span] {
        &self.notes.large_exponents
    }

    /// The `NaN`, `Infinity` and `-Infinity` read as numbers, in line order. RFC 8259 has no
    /// such literals, but Python's `json` writes them by default (`allow_nan=True`) and reads
    /// them, and so does Arrow's JSON reader (`datasets`): such a line is read, and J001 says
    /// which readers fail on it.
    pub fn non_finite(&self) -> &'p [Span] {
        &self.notes.non_finite
    }

    /// `(key, value)` pairs in source order, repeated keys included; empty if `obj` is not
    /// an object.
    pub fn members(&self, obj: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.children(obj, Kind::Object)
            .map(|k| (k, NodeId(k.0 + 1)))
    }

    /// The value of `key` in the object `obj`, comparing decoded keys. When a key repeats,
    /// the LAST occurrence wins, as in Python's `json` and `serde_json`.
    pub fn get(&self, obj: NodeId, key: &str) -> Option<NodeId> {
        self.member(obj, key).map(|(_, v)| v)
    }

    /// [`Document::get`] with the key's node too (for its span), the last occurrence again.
    pub fn member(&self, obj: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        let mut found = None;
        for (k, v) in self.members(obj) {
            let n = self.node(k);
            let raw = inner(self.src, n);
            let same = if n.flag {
                // Decoding only shortens: a longer wanted key cannot match.
                key.len() <= raw.len() && decode(raw) == key
            } else {
                raw == key
            };
            if same {
                found = Some((k, v));
            }
        }
        found
    }

    /// Every node of the document (keys included) in source order, the root first.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + use<> {
        (0..self.nodes.len() as u32).map(NodeId)
    }

    /// Elements in source order; empty if `arr` is not an array.
    pub fn elements(&self, arr: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(arr, Kind::Array)
    }

    fn children(&self, id: NodeId, kind: Kind) -> Siblings<'p> {
        let n = self.node(id);
        let cur = if n.kind == kind && n.len > 0 {
            id.0 + 1
        } else {
            NONE
        };
        Siblings {
            nodes: self.nodes,
            cur,
        }
    }

    /// Members of an object or elements of an array (repeated keys counted); 0 for scalars.
    pub fn len(&self, id: NodeId) -> usize {
        self.node(id).len as usize
    }

    /// The decoded string; borrowed from the line unless it has escapes.
    pub fn str(&self, id: NodeId) -> Option<Cow<'s, str>> {
        let n = self.node(id);
        if n.kind != Kind::String {
            return None;
        }
        let raw = inner(self.src, n);
        Some(if n.flag {
            decode(raw)
        } else {
            Cow::Borrowed(raw)
        })
    }

    /// The decoded string [`str`](Self::str) gives, written into `buf` (cleared first) only
    /// when it has escapes: for a caller that decodes many strings one after the other
    /// without keeping them, one buffer instead of an allocation for each.
    pub fn str_in<'b>(&self, id: NodeId, buf: &'b mut String) -> Option<&'b str>
    where
        's: 'b,
    {
        let n = self.node(id);
        if n.kind != Kind::String {
            return None;
        }
        let raw = inner(self.src, n);
        if !n.flag {
            return Some(raw);
        }
        let Some(first) = memchr::memchr(b'\\', raw.as_bytes()) else {
            return Some(raw);
        };
        buf.clear();
        decode_into(raw, first, buf);
        Some(buf)
    }

    /// Whether the string literal contains backslash escapes (`str` then allocates).
    pub fn has_escapes(&self, id: NodeId) -> bool {
        let n = self.node(id);
        n.kind == Kind::String && n.flag
    }

    /// The value's text exactly as in the line.
    pub fn raw(&self, id: NodeId) -> &'s str {
        self.raw_at(self.span(id))
    }

    /// The text of the line at `span` (a span of this document's).
    pub fn raw_at(&self, span: Span) -> &'s str {
        self.src.get(span.range()).unwrap_or("")
    }

    pub fn bool(&self, id: NodeId) -> Option<bool> {
        let n = self.node(id);
        (n.kind == Kind::Bool).then_some(n.flag)
    }

    /// The number as `f64` (correctly rounded; ±infinity beyond the `f64` range).
    pub fn number(&self, id: NodeId) -> Option<f64> {
        if self.kind(id) != Kind::Number {
            return None;
        }
        self.raw(id).parse().ok()
    }
}

/// Maps a byte range of a DECODED string to the bytes of its literal (`"a\nb"`, quotes
/// included) that produce it, so a finding inside an escaped string underlines the right
/// text: the one place besides the parser that reads JSON escapes. An endpoint inside an
/// escape's output widens to the whole escape; out-of-range input is clamped.
pub fn literal_range_of(literal: &str, decoded: Range<usize>) -> Range<usize> {
    let inside = literal
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(literal);
    let base = usize::from(inside.len() < literal.len());
    let (start, end) = map_decoded(inside.as_bytes(), decoded.start, decoded.end);
    base + start..base + end
}

/// A JSON text as a reader of its strings sees them: every escape read as the character it
/// stands for (`\n` a line break, `\u00e9` an `é`, `\"` a quote), everything else as
/// written, with the way back from the reading to the text ([`Unescaped::source`]). For JSON
/// that a record keeps as data, or writes inside a string (a tool call's arguments), where
/// what a detector looks for is in the strings: an address after a line break written out
/// (`\njane@…`) begins at its `j`, not at the `n` of the escape. A backslash that starts no
/// escape stays as written (the text need not be JSON).
pub struct Unescaped {
    /// The reading.
    pub text: String,
    /// Each escape read, in order: where its character starts in `text`, and the escape's
    /// bytes in the source. Between two escapes, a byte is read as itself: its place in the
    /// source follows from the escape before it, so the way back costs memory per escape,
    /// not per byte of a long tool result.
    escapes: Vec<(usize, Range<usize>)>,
    source_len: usize,
}

impl Unescaped {
    /// `json` read with its escapes decoded; `None` when it has none (it reads as written).
    pub fn of(json: &str) -> Option<Unescaped> {
        let b = json.as_bytes();
        memchr::memchr(b'\\', b)?;
        let mut text = String::with_capacity(json.len());
        let mut escapes = Vec::new();
        let mut at = 0;
        while at < b.len() {
            let next = memchr::memchr(b'\\', &b[at..]).map_or(b.len(), |i| at + i);
            // A run without a backslash ends before a backslash or at the end: both are
            // character boundaries.
            text.push_str(&json[at..next]);
            if next == b.len() {
                break;
            }
            let (c, len) = decode_escape(b, next);
            if len == 1 {
                // No escape: the backslash is read as itself, as any other byte.
                text.push('\\');
            } else {
                escapes.push((text.len(), next..next + len));
                text.push(c);
            }
            at = next + len;
        }
        Some(Unescaped {
            text,
            escapes,
            source_len: json.len(),
        })
    }

    /// The bytes of the source that byte `at` of the reading is read from: an escape's
    /// character is read from the whole escape.
    fn unit(&self, at: usize) -> Range<usize> {
        let before = self.escapes.partition_point(|(start, _)| *start <= at);
        let Some((start, escape)) = before.checked_sub(1).map(|i| &self.escapes[i]) else {
            return at..at + 1;
        };
        let char_end = start + self.text[*start..].chars().next().map_or(1, char::len_utf8);
        if at < char_end {
            return escape.clone();
        }
        let source = escape.end + (at - char_end);
        source..source + 1
    }

    /// The bytes of the source that the bytes `range` of the reading are read from: an
    /// endpoint inside an escape's character widens to the whole escape.
    pub fn source(&self, range: Range<usize>) -> Range<usize> {
        let start = if range.start < self.text.len() {
            self.unit(range.start).start
        } else {
            self.source_len
        };
        let end = match range.end.min(self.text.len()).checked_sub(1) {
            Some(last) if range.end > range.start && range.start < self.text.len() => {
                self.unit(last).end
            }
            _ => start,
        };
        start..end.max(start)
    }
}

/// Raw positions in `b` (a string's inside) of the decoded byte offsets `start..end`.
fn map_decoded(b: &[u8], start: usize, end: usize) -> (usize, usize) {
    let end = end.max(start);
    let mut raw_start = None;
    let mut raw = 0;
    let mut out = 0;
    while raw < b.len() {
        // One unit: a run of plain bytes up to the next backslash, or one escape.
        let (raw_len, out_len, plain) = if b[raw] == b'\\' {
            let (c, n) = decode_escape(b, raw);
            (n, c.len_utf8(), false)
        } else {
            let n = memchr::memchr(b'\\', &b[raw..]).unwrap_or(b.len() - raw);
            (n, n, true)
        };
        if raw_start.is_none() && start < out + out_len {
            raw_start = Some(if plain { raw + (start - out) } else { raw });
        }
        if end <= out {
            return (raw_start.unwrap_or(raw), raw);
        }
        if end < out + out_len {
            let raw_end = if plain {
                raw + (end - out)
            } else {
                raw + raw_len
            };
            return (raw_start.unwrap_or(raw), raw_end);
        }
        raw += raw_len;
        out += out_len;
    }
    (raw_start.unwrap_or(b.len()), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn parse(src: &str) -> Result<Document<'static, '_>, ParseError> {
        // Each test document gets its own parser; leaking keeps the test code short.
        let parser: &'static mut Parser = Box::leak(Box::new(Parser::new()));
        parser.parse(src)
    }

    /// How exactly numbers must match: serde_json's default float parsing can be a few ULPs
    /// off (ours is correctly rounded), so only values built in memory compare exactly.
    #[derive(Clone, Copy)]
    enum Numbers {
        Exact,
        Close,
    }

    fn close(a: f64, b: f64, numbers: Numbers) -> bool {
        match numbers {
            Numbers::Exact => a == b,
            Numbers::Close => a == b || (a - b).abs() <= 1e-14 * a.abs().max(b.abs()),
        }
    }

    /// Whether node `id` holds the same JSON as `v` (objects: last repeated key wins).
    fn same(doc: &Document, id: NodeId, v: &Value, numbers: Numbers) -> bool {
        match v {
            Value::Null => doc.kind(id) == Kind::Null,
            Value::Bool(b) => doc.bool(id) == Some(*b),
            Value::Number(n) => match (doc.number(id), n.as_f64()) {
                (Some(a), Some(b)) => close(a, b, numbers),
                _ => false,
            },
            Value::String(s) => doc.str(id).as_deref() == Some(s.as_str()),
            Value::Array(items) => {
                doc.kind(id) == Kind::Array
                    && doc.len(id) == items.len()
                    && doc
                        .elements(id)
                        .zip(items)
                        .all(|(e, v)| same(doc, e, v, numbers))
            }
            Value::Object(map) => {
                doc.kind(id) == Kind::Object
                    && doc
                        .members(id)
                        .all(|(k, _)| doc.str(k).is_some_and(|k| map.contains_key(k.as_ref())))
                    && map.iter().all(|(k, v)| {
                        doc.get(id, k)
                            .is_some_and(|found| same(doc, found, v, numbers))
                    })
            }
        }
    }

    /// Errors where we knowingly differ from serde_json (see the module docs).
    fn serde_only_error(e: &serde_json::Error) -> bool {
        let m = e.to_string();
        m.contains("out of range") || m.contains("recursion limit")
    }

    /// Checks `src` against serde_json: same verdict, same values.
    fn agrees(src: &str) -> Result<(), String> {
        let ours = parse(src);
        let theirs = serde_json::from_str::<Value>(src);
        match (&ours, &theirs) {
            (Ok(doc), Ok(v)) if same(doc, doc.root(), v, Numbers::Close) => Ok(()),
            (Ok(_), Ok(v)) => Err(format!("{src:?}: values differ from {v:?}")),
            (Err(_), Err(_)) => Ok(()),
            (Ok(_), Err(e)) if serde_only_error(e) => Ok(()),
            // Python's `NaN`, `Infinity` and `-Infinity`, which serde_json refuses, are read
            // as numbers and noted for J001.
            (Ok(doc), Err(_)) if !doc.non_finite().is_empty() => Ok(()),
            (Ok(_), Err(e)) => Err(format!("{src:?}: accepted, serde_json says {e}")),
            (Err(e), Ok(_)) => Err(format!("{src:?}: rejected ({e}), serde_json accepts")),
        }
    }

    const CORPUS: &[&str] = &[
        // valid
        "0",
        "-0",
        "1",
        "-1",
        "12.5",
        "1e5",
        "1E+5",
        "1e-5",
        "-0.0e0",
        "123456789012345678901234567890",
        "1.7976931348623157e308",
        "5e-324",
        "0.1",
        "true",
        "false",
        "null",
        "\"\"",
        "\"abc\"",
        " \t\r\n\"x\" \t\r\n",
        r#""\"\\\/\b\f\n\r\t""#,
        r#""\u0041\u00e9\u4e2d\ud83d\ude00""#,
        "\"é中😀\"",
        "\"\u{7f}\"",
        "[]",
        "{}",
        "[ ]",
        "{ }",
        "[1,2,3]",
        "[[[]]]",
        r#"{"a":1}"#,
        r#"{"a":{"b":[1,{"c":null}]}}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"a":1,"\u0061":2}"#,
        r#" { "a" : [ 1 , true , "x" ] } "#,
        r#"{"messages":[{"role":"user","content":"hi\nthere"}]}"#,
        r#"{"":""}"#,
        // invalid
        "",
        " ",
        "[1,]",
        "[1,,2]",
        "[,1]",
        r#"{"a":1,}"#,
        r#"{,}"#,
        "{'a':1}",
        "'a'",
        "{a:1}",
        "[1] // comment",
        "/* c */ 1",
        "NaN",
        "Infinity",
        "-Infinity",
        "01",
        "-01",
        "00",
        "+1",
        ".5",
        "1.",
        "1.e5",
        "1e",
        "1e+",
        "-",
        "0x10",
        "tru",
        "truex",
        "nul",
        "True",
        "None",
        "\"abc",
        "\"a\nb\"",
        "\"a\tb\"",
        "\"\u{0}\"",
        r#""\q""#,
        r#""\u12""#,
        r#""\u12g4""#,
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\ud800""#,
        r#""\ud800\u0041""#,
        r#"{"\udfff":1}"#,
        r#""\"#,
        r#""\u"#,
        "[1 2]",
        r#"{"a" 1}"#,
        r#"{"a":1 "b":2}"#,
        r#"{"a":}"#,
        r#"{"a"}"#,
        "[1}",
        "{\"a\":1]",
        "[",
        "{",
        "]",
        "}",
        "1 2",
        "{} {}",
        "\u{feff}{}",
        "[\"a\"\u{a0}]",
        "1\u{0}",
    ];

    #[test]
    fn corpus_agrees_with_serde_json() {
        for src in CORPUS {
            agrees(src).unwrap();
        }
    }

    #[test]
    fn lone_surrogates_are_errors_at_their_escape() {
        for (src, offset, escape, high) in [
            (r#""\ud800""#, 1, r"\ud800", true),
            (r#""ab\udc00x""#, 3, r"\udc00", false),
            (r#""\ud800\u0041""#, 1, r"\ud800", true),
            // A high surrogate followed by another high one: the first is alone.
            (r#""\ud800\ud800\udc00""#, 1, r"\ud800", true),
            // A low one after a complete pair.
            (r#""\ud83d\ude00\uDE00""#, 13, r"\uDE00", false),
            (r#""\ud83d""#, 1, r"\ud83d", true),
            (r#""\ud83d\n""#, 1, r"\ud83d", true),
            (r#"{"k\udc00":1}"#, 3, r"\udc00", false),
            (r#"{"\ud800k":1}"#, 2, r"\ud800", true),
            (r#"{"k":["x", "\uD800"]}"#, 12, r"\uD800", true),
        ] {
            let e = parse(src).err().unwrap_or_else(|| panic!("{src} parsed"));
            assert_eq!(e.offset, offset, "{src}");
            let pairing = if high {
                "(a high surrogate must be followed by a low one, \\udc00 to \\udfff)"
            } else {
                "(a low surrogate must follow a high one, \\ud800 to \\udbff)"
            };
            assert!(
                e.message
                    .starts_with(&format!("lone surrogate {escape} in a string {pairing}; ")),
                "{src}: {}",
                e.message
            );
        }
        for (src, want) in [
            (r#""\ud83d\ude00""#, "😀"),
            (r#""\uD83D\uDE00""#, "😀"),
            (r#""\udbff\udfff""#, "\u{10FFFF}"),
            (r#""\ud7ff\ue000""#, "\u{D7FF}\u{E000}"),
        ] {
            let doc = parse(src).unwrap();
            assert_eq!(doc.str(doc.root()).unwrap(), want, "{src}");
        }
    }

    #[test]
    fn error_offsets_and_messages() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "empty line; expected a JSON value"),
            ("  ", 2, "empty line; expected a JSON value"),
            (
                r#"{"a":1 "b":2}"#,
                7,
                "expected ',' or '}' after an object member",
            ),
            ("[1 2]", 3, "expected ',' or ']' after an array element"),
            ("{1:2}", 1, "expected a string key"),
            (
                "{a:2}",
                1,
                "unquoted key; JSON keys must be double-quoted strings",
            ),
            (
                "{'a':2}",
                1,
                "single-quoted key; JSON strings use double quotes",
            ),
            (r#"{"a" 1}"#, 5, "expected ':' after an object key"),
            (r#"{"a":"x"#, 7, "unexpected end of line inside a string"),
            (
                "\"a\nb\"",
                2,
                "control character U+000A in a string; escape it as \\n",
            ),
            (
                "\"a\u{1f}\"",
                2,
                "control character U+001F in a string; escape it as \\u001F",
            ),
            (r#""ab\q""#, 3, "invalid escape '\\q'"),
            ("\"\\é\"", 1, "invalid escape '\\é'"),
            (
                r#""\u12x4""#,
                1,
                "invalid \\u escape; expected 4 hex digits after \\u",
            ),
            ("[1] x", 4, "trailing characters after the JSON value"),
            ("[1,]", 2, "trailing comma before ']'"),
            (r#"{"a":1 , }"#, 7, "trailing comma before '}'"),
            ("[}", 1, "expected a JSON value"),
            (r#"{"a":}"#, 5, "expected a JSON value"),
            (
                r#"{"a":"#,
                5,
                "unexpected end of line; expected a JSON value",
            ),
            (
                r#"{"a":1"#,
                6,
                "unexpected end of line; expected ',' or '}' after an object member",
            ),
            (
                "[1,2",
                4,
                "unexpected end of line; expected ',' or ']' after an array element",
            ),
            ("01", 0, "number with a leading zero"),
            ("[-012]", 2, "number with a leading zero"),
            ("+1", 0, "number with a leading '+'"),
            (
                "1.",
                2,
                "unexpected end of line; expected a digit after the decimal point",
            ),
            ("1ex", 2, "expected a digit in the exponent"),
            ("-x", 1, "expected a digit after '-'"),
            ("[-Inf]", 1, "-Inf is not valid JSON"),
            ("Inf", 0, "Inf is not valid JSON"),
            ("[nan]", 1, "nan is not valid JSON"),
            ("NaNa", 3, "trailing characters after the JSON value"),
            (
                "'x'",
                0,
                "single-quoted string; JSON strings use double quotes",
            ),
            ("[1, // c\n 2]", 4, "comments are not allowed in JSON"),
            ("{\"a\": True}", 6, "Python literal True; JSON uses true"),
            ("nul", 0, "invalid literal; expected null"),
        ];
        for &(src, offset, message) in cases {
            let e = parse(src).err().unwrap_or_else(|| panic!("{src:?} parsed"));
            assert_eq!((e.offset, e.message.as_str()), (offset, message), "{src:?}");
        }
    }

    #[test]
    fn python_s_non_finite_floats_are_read_as_numbers_and_noted() {
        let mut parser = Parser::new();
        let src = r#"{"a": NaN, "b": [Infinity, -Infinity, -1]}"#;
        let doc = parser.parse(src).expect("Python's json reads it");
        let noted: Vec<&str> = doc.non_finite().iter().map(|s| doc.raw_at(*s)).collect();
        assert_eq!(noted, ["NaN", "Infinity", "-Infinity"]);
        let root = doc.root();
        let a = doc.get(root, "a").expect("a");
        assert_eq!(doc.kind(a), Kind::Number);
        assert!(doc.number(a).is_some_and(f64::is_nan));
        let b: Vec<f64> = doc
            .elements(doc.get(root, "b").expect("b"))
            .filter_map(|v| doc.number(v))
            .collect();
        assert_eq!(b, [f64::INFINITY, f64::NEG_INFINITY, -1.0]);
        // A parser reused on an ordinary line forgets them.
        assert!(parser.parse("[1]").expect("json").non_finite().is_empty());
    }

    #[test]
    fn spans_slice_exactly_the_value_text() {
        let src = r#" {"a": [1, -2.5e3, "x\ny", true, null, {}, []], "b" : {"c":false}} "#;
        let doc = parse(src).unwrap();
        let root = doc.root();
        assert_eq!(doc.kind(root), Kind::Object);
        assert_eq!(doc.raw(root), src.trim());
        let (k, a) = doc.members(root).next().unwrap();
        assert_eq!(doc.raw(k), r#""a""#);
        let texts: Vec<&str> = doc.elements(a).map(|e| doc.raw(e)).collect();
        assert_eq!(
            texts,
            ["1", "-2.5e3", r#""x\ny""#, "true", "null", "{}", "[]"]
        );
        let b = doc.get(root, "b").unwrap();
        assert_eq!(doc.raw(b), r#"{"c":false}"#);
        assert_eq!(doc.len(root), 2);
        assert_eq!(doc.len(a), 7);
        assert_eq!(doc.len(b), 1);
        assert_eq!(doc.len(k), 0);
        let items: Vec<NodeId> = doc.elements(a).collect();
        assert_eq!(doc.number(items[1]), Some(-2500.0));
        assert_eq!(doc.str(items[2]).unwrap(), "x\ny");
        assert!(matches!(doc.str(k), Some(Cow::Borrowed("a"))));
        assert!(doc.has_escapes(items[2]) && !doc.has_escapes(k));
        assert_eq!(doc.bool(items[3]), Some(true));
        assert_eq!(doc.bool(doc.get(b, "c").unwrap()), Some(false));
        assert_eq!(doc.kind(items[4]), Kind::Null);
        assert_eq!(doc.str(items[1]), None);
        assert_eq!(doc.number(items[2]), None);
        assert_eq!(doc.members(a).count(), 0);
        assert_eq!(doc.elements(root).count(), 0);
        assert_eq!(doc.get(a, "a"), None);
        // A foreign id answers like an empty null instead of panicking.
        let foreign = NodeId(10_000);
        assert_eq!(
            (doc.kind(foreign), doc.raw(foreign), doc.len(foreign)),
            (Kind::Null, "", 0)
        );
    }

    /// The span in `doc`'s line of the decoded bytes `decoded` of the string `id`.
    fn string_span_of(doc: &Document<'_, '_>, id: NodeId, decoded: Range<usize>) -> Span {
        let span = doc.span(id);
        let literal = &doc.src[span.range()];
        let found = literal_range_of(literal, decoded);
        Span::from_usize(
            span.start as usize + found.start,
            span.start as usize + found.end,
        )
    }

    /// A JSON text read with its strings' escapes decoded maps each range of the reading
    /// back to the text as written: an escape whole, a plain byte as itself, a backslash
    /// that starts no escape as itself.
    #[test]
    fn unescaped_reads_escapes_and_maps_back_to_them() {
        let src = r#"{"to": "a\nb\u00e9@x\u0040y\q"}"#;
        let reading = Unescaped::of(src).expect("has escapes");
        assert_eq!(reading.text, "{\"to\": \"a\nbé@x@y\\q\"}");
        let back = |needle: &str| {
            let at = reading.text.find(needle).expect("in the reading");
            &src[reading.source(at..at + needle.len())]
        };
        assert_eq!(back("\n"), "\\n");
        assert_eq!(back("b"), "b");
        assert_eq!(back("é"), r"\u00e9");
        assert_eq!(back("x@y"), r"x\u0040y");
        assert_eq!(back("\\q"), r"\q");
        // Inside an escape's character, a range widens to the escape; past the end, it is
        // the end.
        let e = reading.text.find('é').expect("é");
        assert_eq!(&src[reading.source(e + 1..e + 2)], r"\u00e9");
        assert_eq!(reading.source(999..1000), src.len()..src.len());
        assert!(Unescaped::of("no escape at all").is_none());
    }

    #[test]
    fn string_span_of_maps_decoded_ranges_to_raw_bytes() {
        let src = r#"["a\nb\u00e9c", "plain é text"]"#;
        let doc = parse(src).unwrap();
        let items: Vec<NodeId> = doc.elements(doc.root()).collect();
        let (esc, plain) = (items[0], items[1]);
        assert_eq!(doc.str(esc).unwrap(), "a\nbéc");
        let at = |id, r: Range<usize>| &src[string_span_of(&doc, id, r).range()];
        assert_eq!(at(esc, 5..6), "c");
        assert_eq!(at(esc, 0..1), "a");
        assert_eq!(at(esc, 1..2), r"\n");
        assert_eq!(at(esc, 3..5), r"\u00e9");
        assert_eq!(at(esc, 2..6), r"b\u00e9c");
        // An endpoint inside an escape's output widens to the whole escape.
        assert_eq!(at(esc, 4..5), r"\u00e9");
        assert_eq!(at(esc, 3..4), r"\u00e9");
        assert_eq!(at(esc, 0..6), r"a\nb\u00e9c");
        assert_eq!(at(esc, 6..6), "");
        assert_eq!(
            string_span_of(&doc, esc, 6..6).start as usize,
            src.find("c\"").unwrap() + 1
        );
        // Clamped, never panicking.
        assert_eq!(at(esc, 0..100), r"a\nb\u00e9c");
        assert_eq!(at(esc, 100..200), "");
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 5..2;
        assert_eq!(at(esc, reversed), "");
        assert_eq!(at(plain, 9..13), "text");
        assert_eq!(at(plain, 0..50), "plain é text");

        let src = r#""x\ud83d\ude00y\u20acz""#;
        let doc = parse(src).unwrap();
        assert_eq!(doc.str(doc.root()).unwrap(), "x😀y€z");
        let at = |r: Range<usize>| &src[string_span_of(&doc, doc.root(), r).range()];
        assert_eq!(at(1..5), r"\ud83d\ude00");
        assert_eq!(at(5..6), "y");
        assert_eq!(at(6..9), r"\u20ac");
        assert_eq!(at(9..10), "z");
    }

    #[test]
    fn string_span_of_agrees_with_decoding_everywhere() {
        let src = r#""a\"b\\c\/d\be\ff\ng\rh\ti\u0041j\u00e9k\u4e2dl\ud83d\ude00m é中😀""#;
        let doc = parse(src).unwrap();
        let id = doc.root();
        let decoded = doc.str(id).unwrap();
        let boundaries: Vec<usize> = decoded
            .char_indices()
            .map(|(i, _)| i)
            .chain([decoded.len()])
            .collect();
        for (n, &s) in boundaries.iter().enumerate() {
            for &e in &boundaries[n..] {
                let raw = &src[string_span_of(&doc, id, s..e).range()];
                assert_eq!(decode(raw), &decoded[s..e], "{s}..{e}");
            }
        }
    }

    #[test]
    fn nesting_limit_is_an_error_not_a_crash() {
        let nest = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(parse(&nest(MAX_DEPTH)).is_ok());
        let e = parse(&nest(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (128, "nesting deeper than 128 levels")
        );
        let objects = r#"{"a":"#.repeat(129) + "1" + &"}".repeat(129);
        assert!(parse(&objects).is_err());
        assert!(parse(&"[".repeat(100_000)).is_err());
        assert!(parse(&"{\"a\":[".repeat(50_000)).is_err());
        let big = "[".repeat(64 << 20);
        assert_eq!(parse(&big).unwrap_err().offset, 128);
    }

    #[test]
    fn size_limits_are_an_error_not_gigabytes() {
        // Exactly at the limit is read; one more object is not, and the error says so.
        let objects = |n: usize| format!("[{}{{}}]", "{},".repeat(n - 2));
        let at_limit = objects(MAX_CONTAINERS);
        let doc = parse(&at_limit).unwrap();
        assert_eq!(doc.len(doc.root()), MAX_CONTAINERS - 1);
        let e = parse(&objects(MAX_CONTAINERS + 1)).unwrap_err();
        assert_eq!(e.limit, Some(Limit::Size));
        assert_eq!(
            e.message,
            "more than 1,048,576 objects and arrays in one line"
        );
        assert_eq!(e.offset, 1 + 3 * (MAX_CONTAINERS - 1));
        // Scalars count as values, not containers: the root array and its elements.
        let zeros = |n: usize| format!("[{}0]", "0,".repeat(n - 2));
        assert!(parse(&zeros(MAX_VALUES)).is_ok());
        let e = parse(&zeros(MAX_VALUES + 1)).unwrap_err();
        assert_eq!(e.limit, Some(Limit::Size));
        assert_eq!(
            e.message,
            "more than 16,777,216 values and keys in one line"
        );
        // Ordinary syntax errors are not limits.
        assert_eq!(parse("[1,]").unwrap_err().limit, None);
        assert_eq!(
            parse(&"[".repeat(200)).unwrap_err().limit,
            Some(Limit::Depth)
        );
    }

    #[test]
    fn duplicate_keys_in_small_objects() {
        let src = r#"{"a":1,"b":{"x":1,"x":2},"\u0061":3,"a":4,"c":5}"#;
        let doc = parse(src).unwrap();
        let root = doc.root();
        let dups: Vec<(&str, &str, &str)> = doc
            .duplicate_keys()
            .iter()
            .map(|d| (d.key.as_str(), &src[d.span.range()], &src[d.first.range()]))
            .collect();
        assert_eq!(
            dups,
            [
                ("x", r#""x""#, r#""x""#),
                ("a", r#""\u0061""#, r#""a""#),
                ("a", r#""a""#, r#""a""#),
            ]
        );
        assert_eq!(doc.duplicate_keys()[2].first.start, 1);
        assert_eq!(doc.get(root, "a").map(|v| doc.raw(v)), Some("4"));
        assert_eq!(doc.len(root), 5);
        assert_eq!(doc.members(root).count(), 5);
        // Reset per parse.
        let mut parser = Parser::new();
        assert_eq!(parser.parse(src).unwrap().duplicate_keys().len(), 3);
        assert!(
            parser
                .parse(r#"{"a":1}"#)
                .unwrap()
                .duplicate_keys()
                .is_empty()
        );
        // An escaped key that is NOT a repeat.
        assert!(
            parse(r#"{"a\n":1,"a":2,"a\t":3}"#)
                .unwrap()
                .duplicate_keys()
                .is_empty()
        );
    }

    #[test]
    fn duplicate_keys_in_large_objects() {
        let mut src = String::from("{");
        for i in 0..100 {
            src += &format!("\"k{i}\":{i},");
        }
        src += r#""\u006b7":1,"k99":2,"new":3,"k7":4,"#;
        src += &format!(
            "\"{}\":5,\"{}\":6}}",
            "é".repeat(1100),
            r"\u00e9".repeat(1100)
        );
        let doc = parse(&src).unwrap();
        let dups = doc.duplicate_keys();
        let keys: Vec<&str> = dups.iter().map(|d| d.key.as_str()).collect();
        let long = "é".repeat(KEY_QUOTE_CHARS);
        assert_eq!(keys, ["k7", "k99", "k7", long.as_str()]);
        assert_eq!(&src[dups[0].span.range()], r#""\u006b7""#);
        assert_eq!(&src[dups[0].first.range()], r#""k7""#);
        assert_eq!(dups[2].first, dups[0].first);
        assert_eq!(doc.get(doc.root(), "k7").map(|v| doc.raw(v)), Some("4"));
        assert_eq!(doc.len(doc.root()), 106);
    }

    #[test]
    fn huge_objects_stay_linear() {
        let n = 200_000;
        let mut distinct = String::from("{");
        let mut repeated = String::from("{");
        for i in 0..n {
            distinct += &format!("\"key{i}\":{i},");
            repeated += "\"a\":0,";
        }
        distinct += "\"end\":0}";
        repeated += "\"a\":1}";
        let mut parser = Parser::new();
        let doc = parser.parse(&distinct).unwrap();
        assert!(doc.duplicate_keys().is_empty());
        assert_eq!(doc.len(doc.root()), n + 1);
        let doc = parser.parse(&repeated).unwrap();
        assert_eq!(doc.duplicate_keys().len(), n);
        assert_eq!(doc.get(doc.root(), "a").map(|v| doc.raw(v)), Some("1"));
    }

    #[test]
    fn parser_reuse_gives_independent_results() {
        let mut parser = Parser::new();
        for src in [r#"{"a":[1,2]}"#, "[]", "\"x\"", r#"{"b":{"c":{}}}"#] {
            let doc = parser.parse(src).unwrap();
            assert_eq!(doc.raw(doc.root()), src);
            assert!(parser.parse("[1,").is_err());
        }
        let doc = parser.parse(r#"{"a":[1,"x"]}"#).unwrap();
        let texts: Vec<&str> = doc.nodes().map(|id| doc.raw(id)).collect();
        assert_eq!(
            texts,
            [r#"{"a":[1,"x"]}"#, r#""a""#, r#"[1,"x"]"#, "1", r#""x""#]
        );
        // A huge line's arena is given back on the next, ordinary line.
        let huge = format!("[{}0]", "0,".repeat(1 << 20));
        assert!(parser.parse(&huge).is_ok());
        assert!(parser.nodes.capacity() > 1 << 20);
        assert!(parser.parse("[]").is_ok());
        assert!(parser.nodes.capacity() <= RETAINED);
    }

    #[test]
    fn long_strings_around_the_word_scanner() {
        // Every position of every special byte relative to the 16-byte steps.
        for len in 0..40 {
            for at in 0..len {
                for special in ["\\n", "\\u00e9", "é", "\u{1}", "\"", "\\"] {
                    let mut s = "x".repeat(len);
                    s.replace_range(at..at + 1, special);
                    agrees(&format!("[\"{s}\",1]")).unwrap();
                }
            }
        }
    }

    /// Rewrites every non-ASCII character as `\u` escapes (surrogate pairs beyond the BMP).
    fn ascii_only(json: &str) -> String {
        let mut out = String::new();
        for c in json.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut units = [0; 2];
                for u in c.encode_utf16(&mut units) {
                    out += &format!("\\u{u:04x}");
                }
            }
        }
        out
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[a-c\"\\\\/\n\t\u{1}é中😀 ]{0,24}".prop_map(Value::String),
        ];
        leaf.prop_recursive(8, 96, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map("[a-c\"\\\\é\n]{0,3}", inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        // No regression files: this module's tests must not write into the source tree.
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn generated_json_round_trips(v in arb_json()) {
            for text in [
                serde_json::to_string(&v).unwrap(),
                serde_json::to_string_pretty(&v).unwrap(),
                ascii_only(&serde_json::to_string(&v).unwrap()),
            ] {
                let doc = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
                prop_assert!(same(&doc, doc.root(), &v, Numbers::Exact), "{}", text);
                prop_assert_eq!(doc.raw(doc.root()), text.trim());
                prop_assert!(doc.duplicate_keys().is_empty());
            }
        }

        #[test]
        fn mutated_json_never_panics_and_agrees(
            v in arb_json(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4, any::<u8>()), 1..4),
        ) {
            let mut bytes = serde_json::to_string(&v).unwrap().into_bytes();
            const STRUCTURAL: &[u8] = b"{}[],:\"\\ 0-.eE+tn'/u";
            for (at, op, byte) in edits {
                let at = at.index(bytes.len() + 1);
                let replacement = STRUCTURAL[byte as usize % STRUCTURAL.len()];
                match op {
                    0 if at < bytes.len() => { bytes.remove(at); }
                    1 if at < bytes.len() => bytes[at] = replacement,
                    2 => bytes.insert(at, replacement),
                    _ => bytes.insert(at, byte),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            agrees(&text).map_err(TestCaseError::fail)?;
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let text = String::from_utf8_lossy(&bytes);
            agrees(&text).map_err(TestCaseError::fail)?;
            if let Ok(doc) = parse(&text) {
                for i in 0..bytes.len() as u32 {
                    let id = NodeId(i);
                    let _ = (doc.str(id), doc.number(id), doc.raw(id), doc.len(id));
                    let _ = string_span_of(&doc, id, 0..usize::MAX);
                }
            }
        }

        #[test]
        fn numbers_agree(text in "-?[0-9.eE+-]{1,10}") {
            agrees(&text).map_err(TestCaseError::fail)?;
        }

        /// What serde writes, escapes and all, reads back as what it wrote, and every range
        /// of the reading maps back into the text written.
        #[test]
        fn unescaped_reads_what_serde_writes(s in any::<String>(), a in 0usize..64, b in 0usize..64) {
            let text = ascii_only(&serde_json::to_string(&s).unwrap());
            let quoted = format!("\"{s}\"");
            match Unescaped::of(&text) {
                Some(reading) => {
                    let back = reading.source(a..b);
                    prop_assert!(back.start <= back.end && back.end <= text.len());
                    prop_assert_eq!(reading.text, quoted);
                }
                None => prop_assert_eq!(text, quoted),
            }
        }

        #[test]
        fn string_span_of_never_panics(s in any::<String>(), a in 0usize..64, b in 0usize..64) {
            let text = ascii_only(&serde_json::to_string(&s).unwrap());
            let doc = parse(&text).unwrap();
            let span = string_span_of(&doc, doc.root(), a..b);
            prop_assert!(span.start <= span.end && (span.end as usize) < text.len());
            prop_assert!(span.start >= 1);
        }
    }
}
