//! A record's canonical hash: equal for records that parse to the same JSON, whatever their
//! key order, whitespace or escape spelling. It identifies a record for CI fingerprints
//! (alerts survive lines moving) and for exact-duplicate detection.

use xxhash_rust::xxh3::Xxh3;

use crate::json::{Document, Kind, NodeId};

/// The canonical hash of the whole document: equal for documents whose canonical texts
/// ([`to_string`]) are equal. Computed bottom-up without allocating: an object's members are
/// combined with an order-independent sum, so key order costs no sorting; a repeated key
/// (rare, and then the last value wins) falls back to the sorted members.
pub fn hash(doc: &Document<'_, '_>) -> u64 {
    node_hash(doc, doc.root())
}

fn node_hash(doc: &Document<'_, '_>, node: NodeId) -> u64 {
    use xxhash_rust::xxh3::xxh3_64_with_seed;
    match doc.kind(node) {
        Kind::Null => 0x6E75_6C6C,
        Kind::Bool => {
            if doc.bool(node) == Some(true) {
                0x7472_7565
            } else {
                0x6661_6C73
            }
        }
        Kind::Number => xxh3_64_with_seed(
            &doc.number(node).unwrap_or(f64::NAN).to_bits().to_le_bytes(),
            1,
        ),
        Kind::String => xxh3_64_with_seed(doc.str(node).unwrap_or_default().as_bytes(), 2),
        Kind::Array => {
            let mut h = Xxh3::with_seed(3);
            for e in doc.elements(node) {
                h.update(&node_hash(doc, e).to_le_bytes());
            }
            h.digest()
        }
        Kind::Object => {
            let mut sum = 0u64;
            let mut n = 0u64;
            let mut add = |key: &str, v: NodeId| {
                let key = xxh3_64_with_seed(key.as_bytes(), 4);
                sum = sum.wrapping_add(mix(key ^ node_hash(doc, v).rotate_left(29)));
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

/// The hash of a line that does not parse: its bytes, without surrounding whitespace.
pub fn hash_raw(line: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(line.trim_ascii())
}

/// The canonical text of a document: keys sorted (the last of a repeated key wins), no
/// whitespace, strings re-escaped one way, numbers by value. Two records are the same
/// example exactly when these are equal; [`hash`] is a fingerprint of this.
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
        Kind::Number => {
            let _ = write!(out, "{:?}", doc.number(node).unwrap_or(f64::NAN));
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
}
