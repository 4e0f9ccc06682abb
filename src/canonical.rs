//! A record's canonical hash: equal for records that parse to the same JSON, whatever their
//! key order, whitespace, escape spelling or number spelling (`100`, `1e2`, `100.0`; numbers
//! compare by exact decimal value, never rounded to `f64`). It identifies a record for CI
//! fingerprints (alerts survive lines moving) and for exact-duplicate detection (D001, D003
//! and `dedupe`, which confirm equal hashes with [`to_string`]).

use xxhash_rust::xxh3::Xxh3;

use crate::diagnostic::Span;
use crate::json::{Document, Kind, NodeId};

/// The canonical hash of the whole document: equal for documents whose canonical texts
/// ([`to_string`]) are equal. Computed bottom-up without allocating: an object's members are
/// combined with an order-independent sum, so key order costs no sorting; a repeated key
/// (rare, and then the last value wins) falls back to the sorted members.
pub fn hash(doc: &Document<'_, '_>) -> u64 {
    node_hash(doc, doc.root(), &Decoded::default())
}

/// [`hash`], taking the decoded value of a string literal with escapes from `decoded` when it
/// holds one for the literal's span (a conversation's texts, which the format decoded
/// already) rather than decoding it again. The same value as [`hash`] whenever each of
/// `decoded`'s strings is the decoded literal at its span.
pub fn hash_with(doc: &Document<'_, '_>, decoded: &Decoded<'_>) -> u64 {
    node_hash(doc, doc.root(), decoded)
}

/// Strings already decoded, by the span of their literal in the line: at most
/// [`Decoded::CAPACITY`] of them, on the stack (the rest are decoded again).
#[derive(Default)]
pub struct Decoded<'t> {
    spans: [Span; Decoded::CAPACITY],
    texts: [&'t str; Decoded::CAPACITY],
    len: usize,
}

impl<'t> Decoded<'t> {
    pub const CAPACITY: usize = 16;

    /// Notes that the literal at `span` decodes to `text`; ignored once full.
    pub fn push(&mut self, span: Span, text: &'t str) {
        if self.len < Self::CAPACITY {
            self.spans[self.len] = span;
            self.texts[self.len] = text;
            self.len += 1;
        }
    }

    fn get(&self, span: Span) -> Option<&'t str> {
        let at = self.spans[..self.len].iter().position(|&s| s == span)?;
        Some(self.texts[at])
    }
}

/// Elements of an array hashed in one call from the stack (the hash of their hashes is the
/// same however it is fed to xxh3); longer arrays are streamed.
const ARRAY_ON_STACK: usize = 32;

fn node_hash(doc: &Document<'_, '_>, node: NodeId, decoded: &Decoded<'_>) -> u64 {
    use xxhash_rust::xxh3::xxh3_64_with_seed;
    thread_local! {
        /// The decoded text of a string with escapes, hashed and dropped: one buffer per
        /// thread rather than an allocation per string.
        static DECODED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    match doc.kind(node) {
        Kind::Null => 0x6E75_6C6C,
        Kind::Bool => {
            if doc.bool(node) == Some(true) {
                0x7472_7565
            } else {
                0x6661_6C73
            }
        }
        Kind::Number => number_hash(doc.raw(node)),
        Kind::String if doc.has_escapes(node) => match decoded.get(doc.span(node)) {
            Some(text) => xxh3_64_with_seed(text.as_bytes(), 2),
            None => DECODED.with_borrow_mut(|buf| {
                xxh3_64_with_seed(doc.str_in(node, buf).unwrap_or_default().as_bytes(), 2)
            }),
        },
        // Without escapes the string is the literal's inside, borrowed.
        Kind::String => xxh3_64_with_seed(doc.str(node).unwrap_or_default().as_bytes(), 2),
        Kind::Array => {
            let mut stack = [0u8; 8 * ARRAY_ON_STACK];
            let mut len = 0;
            let mut elements = doc.elements(node);
            for e in elements.by_ref() {
                stack[len..len + 8].copy_from_slice(&node_hash(doc, e, decoded).to_le_bytes());
                len += 8;
                if len == stack.len() {
                    break;
                }
            }
            if len < stack.len() {
                return xxh3_64_with_seed(&stack[..len], 3);
            }
            let mut h = Xxh3::with_seed(3);
            h.update(&stack);
            for e in elements {
                h.update(&node_hash(doc, e, decoded).to_le_bytes());
            }
            h.digest()
        }
        Kind::Object => {
            let mut sum = 0u64;
            let mut n = 0u64;
            let mut add = |key: &str, v: NodeId| {
                let key = xxh3_64_with_seed(key.as_bytes(), 4);
                sum = sum.wrapping_add(mix(key ^ node_hash(doc, v, decoded).rotate_left(29)));
                n += 1;
            };
            if doc.duplicate_keys().is_empty() {
                for (k, v) in doc.members(node) {
                    add(&doc.str(k).unwrap_or_default(), v);
                }
            } else {
                // A repeated key: only its last value counts, as in loaders.
                for (k, v) in sorted_members(doc, node) {
                    add(&k, v);
                }
            }
            mix(sum ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x6F62_6A65_6374)
        }
    }
}

/// A 64-bit finaliser, so that the sum of member hashes does not cancel out.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

/// The hash of a number, a function of its exact value. A number written as the shortest
/// decimal that reads back as its `f64` (all that Python, JavaScript and serde_json write)
/// hashes as that `f64`, which is what every number hashed as when numbers compared as
/// `f64`s, so the fingerprints of such records stay where they were (but `-0` now hashes as
/// `0`); any other number (more digits than an `f64` holds, beyond its range) hashes its
/// normal form.
fn number_hash(raw: &str) -> u64 {
    let as_f64 = |f: f64| xxhash_rust::xxh3::xxh3_64_with_seed(&f.to_bits().to_le_bytes(), 1);
    if let Some(f) = non_finite(raw) {
        return as_f64(f);
    }
    if let Some(f) = short_f64(raw) {
        return as_f64(f);
    }
    let d = Decimal::of(raw);
    if let Some(f) = d.shortest_f64(raw) {
        return as_f64(f);
    }
    let mut h = Xxh3::with_seed(5);
    h.update(&[u8::from(d.negative)]);
    h.update(d.digits[0].as_bytes());
    h.update(d.digits[1].as_bytes());
    h.update(b"e");
    match &d.exponent {
        Exponent::Small(e) => h.update(&e.to_le_bytes()),
        Exponent::Big(e) => h.update(e.as_bytes()),
    }
    h.digest()
}

/// A JSON number's exact value in normal form, `±digits × 10^exponent`: `digits` without
/// leading or trailing zeros, so `100`, `1e2`, `1E+2` and `100.0` are all `1 × 10^2`. Zero
/// has no digits and no sign: `-0` and `0.0` are `0`, as Python, whose `json` reads `-0` as the
/// integer 0 and `-0.0 == 0`, sees them.
///
/// Built from the number's text without allocating, except for an exponent written with more
/// than 18 digits; nothing costs more than the length of the text, whatever the exponent
/// (`1e999999999999` is as cheap as `1e9`).
#[derive(Debug)]
struct Decimal<'s> {
    negative: bool,
    /// The significant digits, in two pieces of the text: before and after the decimal point.
    digits: [&'s str; 2],
    exponent: Exponent,
}

/// Equal values: the digits compare whole, wherever the decimal point split them.
impl PartialEq for Decimal<'_> {
    fn eq(&self, other: &Self) -> bool {
        let digits = |d: &Self| d.digits[0].bytes().chain(d.digits[1].bytes());
        self.negative == other.negative
            && self.exponent == other.exponent
            && digits(self).eq(digits(other))
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Exponent {
    Small(i64),
    /// Beyond `i64`: the exponent in decimal, `-` and digits without leading zeros.
    Big(String),
}

impl<'s> Decimal<'s> {
    /// The value of `raw`, a number the parser accepted (other text gives some value, never
    /// a panic).
    fn of(raw: &'s str) -> Decimal<'s> {
        let (negative, rest) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (mantissa, exp) = rest.split_once(['e', 'E']).unwrap_or((rest, ""));
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let frac_trimmed = frac.trim_end_matches('0');
        let int_lead = int.trim_start_matches('0');
        // Zeros after the last significant digit, which move into the exponent.
        let (digits, trailing) = if int_lead.is_empty() {
            let first = frac_trimmed.trim_start_matches('0');
            (["", first], frac.len() - frac_trimmed.len())
        } else if frac_trimmed.is_empty() {
            let int_trimmed = int_lead.trim_end_matches('0');
            (
                [int_trimmed, ""],
                frac.len() + int_lead.len() - int_trimmed.len(),
            )
        } else {
            ([int_lead, frac_trimmed], frac.len() - frac_trimmed.len())
        };
        if digits[0].is_empty() && digits[1].is_empty() {
            return Decimal {
                negative: false,
                digits,
                exponent: Exponent::Small(0),
            };
        }
        // Both under 2^32, the longest line.
        let shift = trailing as i64 - frac.len() as i64;
        let (exp_negative, exp_digits) = match exp.as_bytes().first() {
            Some(b'-') => (true, &exp[1..]),
            Some(b'+') => (false, &exp[1..]),
            _ => (false, exp),
        };
        let exp_digits = exp_digits.trim_start_matches('0');
        let exponent = if exp_digits.len() <= 18 {
            let written = exp_digits.parse::<i64>().unwrap_or(0);
            Exponent::Small(if exp_negative {
                shift - written
            } else {
                shift + written
            })
        } else {
            // |written| >= 10^18 > |shift|: the sum keeps the written exponent's sign.
            let magnitude = add_small(exp_digits, if exp_negative { -shift } else { shift });
            let sign = if exp_negative { "-" } else { "" };
            let text = format!("{sign}{magnitude}");
            match text.parse::<i64>() {
                Ok(e) => Exponent::Small(e),
                Err(_) => Exponent::Big(text),
            }
        };
        Decimal {
            negative,
            digits,
            exponent,
        }
    }

    fn is_zero(&self) -> bool {
        self.digits[0].is_empty() && self.digits[1].is_empty()
    }

    /// The `f64` of `raw` (this number's text) when this number is the shortest decimal that
    /// reads back as that `f64`; so two different numbers never give the same `f64`.
    fn shortest_f64(&self, raw: &str) -> Option<f64> {
        if self.is_zero() {
            return Some(0.0);
        }
        let Exponent::Small(exponent) = self.exponent else {
            return None;
        };
        let len = self.digits[0].len() + self.digits[1].len();
        // No `f64` needs more than 17 digits, and none is 10^400 or 10^-400.
        if len > 17 || !(-400..=400).contains(&exponent) {
            return None;
        }
        let f: f64 = raw.parse().ok()?;
        if !f.is_finite() || f == 0.0 {
            return None;
        }
        // Between 10^-306 and 10^308 (normal `f64`s), a decimal of at most 15 digits reads
        // back as itself after a round trip through `f64` (DBL_DIG), so no other decimal of
        // 15 digits or fewer reads as the same `f64`: this one is its shortest.
        let magnitude = exponent + len as i64;
        if len <= 15 && (-305..=308).contains(&magnitude) {
            return Some(f);
        }
        let mut buf = StackText::default();
        std::fmt::Write::write_fmt(&mut buf, format_args!("{:e}", f.abs())).ok()?;
        let (mantissa, exp) = buf.as_str().split_once('e')?;
        let exp: i64 = exp.parse().ok()?;
        let (first, rest) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let shortest_exponent = exp - rest.len() as i64;
        let shortest = Decimal {
            negative: self.negative,
            digits: [first, rest],
            exponent: Exponent::Small(shortest_exponent),
        };
        (shortest == *self).then_some(f)
    }
}

/// The `f64` of the common number, at most 15 significant digits and at most 22 decimal
/// places or zeros after them: exact arithmetic gives it correctly rounded (Clinger's fast
/// path), and such a number is its `f64`'s shortest form (see [`Decimal::shortest_f64`]).
/// `None` for any other number, which takes the general path. One pass, no allocation.
/// The value of a number the parser read as `NaN`, `Infinity` or `-Infinity` (Python's
/// literals; [`crate::json::Document::non_finite`]), which have no digits to normalise.
fn non_finite(raw: &str) -> Option<f64> {
    match raw.as_bytes().last() {
        Some(b'N' | b'y') => raw.parse().ok(),
        _ => None,
    }
}

fn short_f64(raw: &str) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let b = raw.as_bytes();
    let negative = b.first() == Some(&b'-');
    let mut i = usize::from(negative);
    let (mut mantissa, mut digits, mut scale, mut point) = (0u64, 0u32, 0i64, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                if mantissa != 0 || c != b'0' {
                    digits += 1;
                    if digits > 15 {
                        return None;
                    }
                }
                mantissa = mantissa * 10 + u64::from(c - b'0');
                scale -= i64::from(point);
            }
            b'.' => point = true,
            b'e' | b'E' => break,
            _ => return None,
        }
        i += 1;
    }
    if let Some(exp) = b.get(i + 1..) {
        let (sign, exp) = match exp.first() {
            Some(b'-') => (-1, &exp[1..]),
            Some(b'+') => (1, &exp[1..]),
            _ => (1, exp),
        };
        if exp.is_empty() || exp.len() > 4 {
            return None;
        }
        let mut e = 0i64;
        for &c in exp {
            if !c.is_ascii_digit() {
                return None;
            }
            e = e * 10 + i64::from(c - b'0');
        }
        scale += sign * e;
    }
    if mantissa == 0 {
        return Some(0.0);
    }
    let m = mantissa as f64;
    let f = match scale {
        0..=22 => m * POW10[scale as usize],
        -22..=-1 => m / POW10[(-scale) as usize],
        _ => return None,
    };
    Some(if negative { -f } else { f })
}

/// `digits` (a decimal without leading zeros, larger than `|delta|`) plus `delta`, without
/// leading zeros.
fn add_small(digits: &str, delta: i64) -> String {
    let mut out: Vec<u8> = digits.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    let mut carry = delta.unsigned_abs();
    if delta >= 0 {
        for d in out.iter_mut().rev() {
            if carry == 0 {
                break;
            }
            let sum = u64::from(*d) + carry % 10;
            carry = carry / 10 + sum / 10;
            *d = (sum % 10) as u8;
        }
        while carry > 0 {
            out.insert(0, (carry % 10) as u8);
            carry /= 10;
        }
    } else {
        for d in out.iter_mut().rev() {
            if carry == 0 {
                break;
            }
            let sub = (carry % 10) as u8;
            carry /= 10;
            if *d >= sub {
                *d -= sub;
            } else {
                *d = *d + 10 - sub;
                carry += 1;
            }
        }
    }
    let first = out.iter().position(|&d| d != 0).unwrap_or(out.len());
    out[first..].iter().map(|&d| char::from(b'0' + d)).collect()
}

/// A few bytes of formatted text on the stack (a formatted `f64` takes at most 24).
#[derive(Default)]
struct StackText {
    buf: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The hash of a line that does not parse: its bytes, without surrounding whitespace.
pub fn hash_raw(line: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(line.trim_ascii())
}

/// The canonical text of a document: keys sorted (the last of a repeated key wins), no
/// whitespace, strings re-escaped one way, numbers by exact value as `digits` `e` `exponent`
/// (`1e2`, `-15e-1`, `0`; not JSON). Two records are the same example exactly when these are
/// equal; [`hash`] is a fingerprint of this.
pub fn to_string(doc: &Document<'_, '_>) -> String {
    let mut out = String::new();
    write(doc, doc.root(), &mut out);
    out
}

fn write(doc: &Document<'_, '_>, node: NodeId, out: &mut String) {
    use std::fmt::Write;
    match doc.kind(node) {
        Kind::Null => out.push_str("null"),
        Kind::Bool => out.push_str(if doc.bool(node) == Some(true) {
            "true"
        } else {
            "false"
        }),
        Kind::Number if non_finite(doc.raw(node)).is_some() => out.push_str(doc.raw(node)),
        Kind::Number => {
            let d = Decimal::of(doc.raw(node));
            if d.is_zero() {
                out.push('0');
            } else {
                if d.negative {
                    out.push('-');
                }
                out.push_str(d.digits[0]);
                out.push_str(d.digits[1]);
                let _ = match &d.exponent {
                    Exponent::Small(e) => write!(out, "e{e}"),
                    Exponent::Big(e) => write!(out, "e{e}"),
                };
            }
        }
        Kind::String => write_str(&doc.str(node).unwrap_or_default(), out),
        Kind::Array => {
            out.push('[');
            for (i, e) in doc.elements(node).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(doc, e, out);
            }
            out.push(']');
        }
        Kind::Object => {
            out.push('{');
            for (i, (k, v)) in sorted_members(doc, node).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(&k, out);
                out.push(':');
                write(doc, v, out);
            }
            out.push('}');
        }
    }
}

fn write_str(s: &str, out: &mut String) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Members sorted by key, a repeated key keeping its last value.
fn sorted_members<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
) -> Vec<(std::borrow::Cow<'s, str>, NodeId)> {
    let mut members: Vec<(std::borrow::Cow<'s, str>, NodeId)> = doc
        .members(node)
        .map(|(k, v)| (doc.str(k).unwrap_or_default(), v))
        .collect();
    members.sort_by(|a, b| a.0.cmp(&b.0));
    members.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = later.1;
            true
        } else {
            false
        }
    });
    members
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Parser;

    fn h(s: &str) -> u64 {
        let mut p = Parser::new();
        hash(&p.parse(s).expect("valid test JSON"))
    }

    #[test]
    fn arrays_hash_as_the_stream_of_their_element_hashes() {
        // Fingerprints must not move: an array's hash is xxh3 (seed 3) of its elements'
        // hashes however many there are, on the stack or streamed.
        for n in 0..(3 * ARRAY_ON_STACK) {
            let items: Vec<String> = (0..n).map(|i| format!("\"x{i}\"")).collect();
            let array = format!("[{}]", items.join(","));
            let mut streamed = Xxh3::with_seed(3);
            for item in &items {
                streamed.update(&h(item).to_le_bytes());
            }
            assert_eq!(h(&array), streamed.digest(), "{n} elements");
        }
    }

    #[test]
    fn decoded_texts_stand_for_their_literals() {
        let line = r#"{"a":"x\ny","b":["\u00e9"]}"#;
        let mut p = Parser::new();
        let doc = p.parse(line).expect("valid test JSON");
        let a = doc.get(doc.root(), "a").expect("a");
        let mut decoded = Decoded::default();
        decoded.push(doc.span(a), "x\ny");
        assert_eq!(hash_with(&doc, &decoded), hash(&doc));
        // Only a literal's own span counts: another value there would change the hash.
        let mut wrong = Decoded::default();
        wrong.push(doc.span(a), "other");
        assert_ne!(hash_with(&doc, &wrong), hash(&doc));
    }

    #[test]
    fn key_order_whitespace_and_escapes_do_not_matter() {
        let a = h(r#"{"messages":[{"role":"user","content":"héllo"}],"x":1}"#);
        assert_eq!(
            a,
            h(r#"{ "x" : 1.0, "messages" : [ { "content" : "h\u00e9llo", "role" : "user" } ] }"#)
        );
        assert_ne!(
            a,
            h(r#"{"messages":[{"role":"user","content":"hello"}],"x":1}"#)
        );
        assert_ne!(h(r#"["a","b"]"#), h(r#"["ab"]"#));
        assert_ne!(h(r#"{"a":"b"}"#), h(r#"["a","b"]"#));
        // A repeated key: the last value wins, as in loaders.
        assert_eq!(h(r#"{"a":1,"a":2}"#), h(r#"{"a":2}"#));
        assert_ne!(h(r#"{"a":1,"b":2}"#), h(r#"{"a":2,"b":1}"#));
    }

    fn text(s: &str) -> String {
        let mut p = Parser::new();
        to_string(&p.parse(s).expect("valid test JSON"))
    }

    /// Equal numbers have one canonical text and one hash.
    fn assert_same(a: &str, b: &str) {
        assert_eq!(text(a), text(b), "{a} and {b}");
        assert_eq!(h(a), h(b), "{a} and {b}");
        assert_eq!(h(&format!("[{a}]")), h(&format!("[{b}]")), "{a} and {b}");
    }

    fn assert_different(a: &str, b: &str) {
        assert_ne!(text(a), text(b), "{a} and {b}");
        assert_ne!(h(a), h(b), "{a} and {b}");
    }

    #[test]
    fn numbers_compare_by_exact_decimal_value() {
        for (a, b) in [
            ("1e2", "100"),
            ("100.0", "100"),
            ("1E+2", "100"),
            ("0.1e1", "1"),
            ("1000e-1", "100"),
            ("0.00120", "12e-4"),
            ("1e0002", "100"),
            ("-2.50", "-25e-1"),
            ("0.1", "1e-1"),
            // Zero has no sign: Python reads `-0` as the integer 0, and `-0.0 == 0`.
            ("-0", "0"),
            ("-0.0e5", "0"),
            ("0e-99999999999999999999999", "0"),
            ("1e999999999999", "10e999999999998"),
            ("1e99", &format!("1{}", "0".repeat(99))),
            // The same exponent through its i64 form and through its long form.
            ("1000e-1000000000000000000", "1e-999999999999999997"),
            ("1e9223372036854775807", "0.1e9223372036854775808"),
            ("10e99999999999999999999999", "1e100000000000000000000000"),
            (
                "0.01e-99999999999999999999998",
                "1e-100000000000000000000000",
            ),
        ] {
            assert_same(a, b);
        }
        for (a, b) in [
            ("9007199254740993", "9007199254740992"),
            ("1e99", &format!("1{}1", "0".repeat(98))),
            ("1e999", "1e998"),
            ("-1e999", "1e999"),
            ("1e-999", "0"),
            ("0.10000000000000001", "0.1"),
            ("1", "-1"),
            ("1e9223372036854775807", "1e9223372036854775808"),
            ("1e100000000000000000000000", "1e100000000000000000000001"),
            ("1e-100000000000000000000000", "1e100000000000000000000000"),
        ] {
            assert_different(a, b);
        }
        assert_eq!(
            text("[-0.0, 1.50, 1E+2, 9007199254740993]"),
            "[0,15e-1,1e2,9007199254740993e0]"
        );
        assert_eq!(text("1e999999999999"), "1e999999999999");
        assert_eq!(text("10e9223372036854775807"), "1e9223372036854775808");
        assert_eq!(text("-1e-9223372036854775809"), "-1e-9223372036854775809");
    }

    #[test]
    fn huge_exponents_cost_their_length_not_their_value() {
        let long = format!("1e{}", "9".repeat(100_000));
        let longer = format!("10e{}", "9".repeat(100_000));
        assert_eq!(text(&longer), format!("1e1{}", "0".repeat(100_000)));
        assert_different(&long, &longer);
        assert_same(&longer, &format!("1e1{}", "0".repeat(100_000)));
    }

    #[test]
    fn add_small_carries_and_borrows() {
        assert_eq!(add_small("9999999999999999999", 1), "10000000000000000000");
        assert_eq!(add_small("10000000000000000000", -1), "9999999999999999999");
        assert_eq!(
            add_small("10000000000000000000", -4294967296),
            "9999999995705032704"
        );
        assert_eq!(add_small("12345678901234567890", 0), "12345678901234567890");
        assert_eq!(
            add_small("12345678901234567890", 4294967296),
            "12345678905529535186"
        );
    }

    /// Records with numbers as Python, JavaScript and serde_json write them keep the hash
    /// they had when numbers were compared as `f64`: CI fingerprints do not move.
    #[test]
    fn shortest_numbers_hash_as_their_f64() {
        let as_f64 = |f: f64| xxhash_rust::xxh3::xxh3_64_with_seed(&f.to_bits().to_le_bytes(), 1);
        for n in [
            "0",
            "0.0",
            "1",
            "-1",
            "1.0",
            "0.1",
            "2.5",
            "-1.5e-7",
            "1e100",
            "0.30000000000000004",
            "3.141592653589793",
            "123456789",
            "9007199254740992",
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "5e-324",
            "1e-310",
        ] {
            let f: f64 = n.parse().unwrap();
            assert_eq!(number_hash(n), as_f64(f), "{n}");
        }
        // Numbers no f64 holds exactly as written hash their exact value.
        for n in [
            "9007199254740993",
            "0.10000000000000001",
            "1e999",
            "1e-400",
            "-0",
        ] {
            let f: f64 = n.parse().unwrap();
            assert_ne!(number_hash(n), as_f64(f), "{n}");
        }
    }

    #[test]
    fn short_f64_takes_only_what_it_can_do_exactly() {
        for (raw, want) in [
            ("0", Some(0.0)),
            ("-0.000", Some(0.0)),
            ("0e5", Some(0.0)),
            ("12", Some(12.0)),
            ("-2.50", Some(-2.5)),
            ("0.000123", Some(0.000123)),
            ("1.5e-7", Some(1.5e-7)),
            ("1E+2", Some(100.0)),
            ("123456789012345", Some(123456789012345.0)),
            ("1234567890123456", None),
            ("0.30000000000000004", None),
            ("1e23", None),
            ("1e-23", None),
            ("1e00001", None),
            ("9007199254740993", None),
        ] {
            assert_eq!(
                short_f64(raw).map(f64::to_bits),
                want.map(f64::to_bits),
                "{raw}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// `shortest_f64`, with its shortcut (up to 15 digits, no formatting), agrees with
        /// formatting the `f64` back to its shortest decimal.
        #[test]
        fn shortest_f64_agrees_with_formatting_the_f64(
            mantissa in 1u64..100_000_000_000_000_000,
            exponent in -330i64..300,
        ) {
            let raw = format!("{mantissa}e{exponent}");
            let f: f64 = raw.parse().unwrap();
            proptest::prop_assume!(f.is_finite());
            let shortest = format!("{f:e}");
            let exact = Decimal::of(&raw) == Decimal::of(&shortest);
            proptest::prop_assert_eq!(exact, text(&raw) == text(&shortest));
            proptest::prop_assert_eq!(Decimal::of(&raw).shortest_f64(&raw).is_some(), exact, "{} {}", raw, shortest);
        }

        /// The fast path gives what the general one gives.
        #[test]
        fn short_f64_agrees_with_the_general_path(
            mantissa in 0u64..10_000_000_000_000_000,
            point in 0usize..20,
            exponent in proptest::option::of(-40i64..40),
            negative in proptest::bool::ANY,
        ) {
            let digits = mantissa.to_string();
            let point = point.min(digits.len() - 1);
            let (int, frac) = digits.split_at(digits.len() - point);
            let mut raw = format!("{}{int}", if negative { "-" } else { "" });
            if !frac.is_empty() {
                raw = format!("{raw}.{frac}");
            }
            if let Some(e) = exponent {
                raw = format!("{raw}e{e}");
            }
            if let Some(f) = short_f64(&raw) {
                let general = Decimal::of(&raw).shortest_f64(&raw);
                proptest::prop_assert_eq!(Some(f.to_bits()), general.map(f64::to_bits), "{}", raw);
            }
        }

        #[test]
        fn equal_values_written_differently_are_equal(
            mantissa in 0u64..u64::MAX,
            exponent in -400i64..400,
            zeros in 0usize..4,
            point in 0usize..25,
        ) {
            // mantissa × 10^exponent, written with trailing zeros and a moved decimal point.
            let digits = format!("{mantissa}{}", "0".repeat(zeros));
            let point = point.min(digits.len());
            let (int, frac) = digits.split_at(digits.len() - point);
            let int = if int.is_empty() { "0" } else { int };
            let other = if frac.is_empty() {
                format!("{int}e{}", exponent - zeros as i64)
            } else {
                format!("{int}.{frac}E{:+}", exponent - zeros as i64 + point as i64)
            };
            let raw = format!("{mantissa}e{exponent}");
            proptest::prop_assert_eq!(text(&raw), text(&other), "{} {}", raw, other);
            proptest::prop_assert_eq!(h(&raw), h(&other), "{} {}", raw, other);
        }
    }
}
