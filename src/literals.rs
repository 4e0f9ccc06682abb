//! Finding a few short literals in text fast: the prefilter every content rule and secret
//! detector runs before it looks closer.
//!
//! aho-corasick picks its own prefilter, and for literals that share a first byte (`" u "`,
//! `" r "`) or are two bytes long it picks one that stops at every space or at every common
//! pair of letters. A packed (Teddy) searcher over literals of three bytes or more compares
//! three bytes per position with SIMD and stops almost only at real matches, so the rules
//! build theirs here, with literals chosen so their first three bytes are rare in prose
//! (and one searcher per group whose fingerprints would blur each other). Literals that start
//! with a byte rare in prose (`{{`, `<`, `` ``` ``) are found with `memchr` instead.

use aho_corasick::packed::{Config, MatchKind, Searcher};

/// A leftmost-first Teddy searcher for `literals`, each at least three bytes long.
pub fn searcher<'a>(literals: impl IntoIterator<Item = &'a str>) -> Searcher {
    let mut builder = Config::new().match_kind(MatchKind::LeftmostFirst).builder();
    for literal in literals {
        debug_assert!(
            literal.len() >= 3,
            "{literal:?} is too short for a precise prefilter"
        );
        builder.add(literal);
    }
    builder
        .build()
        .expect("Teddy takes up to 64 short literals")
}

/// Where the two-byte literal `pair` starts in `bytes`: a SIMD search for its first byte,
/// which is rare in prose for the pairs the rules look for (`{{`, `<|`, `!!`). Cheaper than
/// building a `memmem` searcher for every text.
pub fn pairs(bytes: &[u8], pair: [u8; 2]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(pair[0], bytes).filter(move |&i| bytes.get(i + 1) == Some(&pair[1]))
}

/// True when `bytes` has three backticks or three tildes in a row: a code fence, maybe.
pub fn has_fence(bytes: &[u8]) -> bool {
    memchr::memchr2_iter(b'`', b'~', bytes)
        .any(|i| bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&bytes[i]))
}
