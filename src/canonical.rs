//! A record's canonical hash: equal for records that parse to the same JSON, whatever their
//! key order, whitespace or escape spelling. It identifies a record for CI fingerprints
//! (alerts survive lines moving) and for exact-duplicate detection.

use xxhash_rust::xxh3::Xxh3;

use crate::json::{Document, Kind, NodeId};

/// The canonical hash of the whole document.
pub fn hash(doc: &Document<'_, '_>) -> u64 {
    let mut h = Xxh3::new();
    feed(doc, doc.root(), &mut h);
    h.digest()
}

/// The hash of a line that does not parse: its bytes, without surrounding whitespace.
pub fn hash_raw(line: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(line.trim_ascii())
}

fn feed(doc: &Document<'_, '_>, node: NodeId, h: &mut Xxh3) {
    match doc.kind(node) {
        Kind::Null => h.update(b"n"),
        Kind::Bool => h.update(if doc.bool(node) == Some(true) {
            b"t"
        } else {
            b"f"
        }),
        Kind::Number => {
            // 1, 1.0 and 1e0 are one number to every loader.
            h.update(b"#");
            h.update(&doc.number(node).unwrap_or(f64::NAN).to_bits().to_le_bytes());
        }
        Kind::String => feed_str(&doc.str(node).unwrap_or_default(), b'"', h),
        Kind::Array => {
            h.update(b"[");
            h.update(&(doc.len(node) as u64).to_le_bytes());
            for e in doc.elements(node) {
                feed(doc, e, h);
            }
        }
        Kind::Object => {
            // Key order does not matter; with a repeated key the last value wins, as in loaders.
            let mut members: Vec<(std::borrow::Cow<'_, str>, NodeId)> = doc
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
            h.update(b"{");
            h.update(&(members.len() as u64).to_le_bytes());
            for (k, v) in members {
                feed_str(&k, b':', h);
                feed(doc, v, h);
            }
        }
    }
}

fn feed_str(s: &str, tag: u8, h: &mut Xxh3) {
    h.update(&[tag]);
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
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
    }
}
