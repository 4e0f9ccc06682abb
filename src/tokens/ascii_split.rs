//! o200k_base's pre-tokenizer for ASCII text, by hand.
//!
//! Before byte-pair encoding, o200k_base splits text with a regular expression
//! (alternatives tried in order at each position, each greedy):
//!
//! ```text
//! A1  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//! A2  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//! A3  \p{N}{1,3}
//! A4   ?[^\s\p{L}\p{N}]+[\r\n/]*
//! A5  \s*[\r\n]+
//! A6  \s+(?!\S)
//! A7  \s+
//! ```
//!
//! Running that regular expression is most of the cost of counting tokens. On ASCII text the
//! classes are simple (letters `A-Z` and `a-z`, digits, the six White_Space characters
//! `\t \n \x0b \x0c \r` and space, everything else punctuation), and this module walks the
//! same alternatives with plain byte tests. Its pieces are the regular expression's, piece
//! for piece: a test compares the two on random and real text.

/// `text` cut before every space that follows a non-blank character: no piece of o200k_base
/// spans such a cut (letters, digits and punctuation runs all stop at a space, and a space
/// after them starts the next piece), so each part can be split on its own — the ASCII ones
/// by hand, the others by the regular expression.
pub fn segments(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut spaces = memchr::memchr_iter(b' ', bytes);
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        for p in spaces.by_ref() {
            if p <= start {
                continue;
            }
            let before = text[..p].chars().next_back();
            if before.is_some_and(|c| !c.is_whitespace()) {
                let part = &text[start..p];
                start = p;
                return Some(part);
            }
        }
        let part = &text[start..];
        start = text.len();
        Some(part)
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Upper,
    Lower,
    Digit,
    /// `\r` or `\n`.
    Newline,
    /// Other White_Space: tab, vertical tab, form feed, space.
    Blank,
    Punct,
}

fn class(b: u8) -> Class {
    match b {
        b'A'..=b'Z' => Class::Upper,
        b'a'..=b'z' => Class::Lower,
        b'0'..=b'9' => Class::Digit,
        b'\r' | b'\n' => Class::Newline,
        b'\t' | 0x0b | 0x0c | b' ' => Class::Blank,
        _ => Class::Punct,
    }
}

fn is_space(b: u8) -> bool {
    matches!(class(b), Class::Newline | Class::Blank)
}

/// The pieces of `text`, which must be ASCII.
pub fn split(text: &str) -> impl Iterator<Item = &str> {
    debug_assert!(text.is_ascii());
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let end = piece_end(text.as_bytes(), at);
        let piece = &text[at..end];
        at = end;
        Some(piece)
    })
}

/// The end of the piece that starts at `i` (< `s.len()`).
fn piece_end(s: &[u8], i: usize) -> usize {
    let n = s.len();
    let run = |from: usize, keep: &dyn Fn(u8) -> bool| {
        let mut j = from;
        while j < n && keep(s[j]) {
            j += 1;
        }
        j
    };
    let first = class(s[i]);
    // A1 and A2: an optional non-letter, non-digit, non-newline character, then letters.
    let letters_from = match first {
        Class::Upper | Class::Lower => Some(i),
        Class::Blank | Class::Punct
            if i + 1 < n && matches!(class(s[i + 1]), Class::Upper | Class::Lower) =>
        {
            Some(i + 1)
        }
        _ => None,
    };
    if let Some(j) = letters_from {
        let k = run(j, &|b| b.is_ascii_uppercase());
        // A1 needs a lowercase letter after the capitals; A2 takes capitals then lowercase
        // letters; either way the lowercase run follows the capitals.
        let m = run(k, &|b| b.is_ascii_lowercase());
        return contraction(s, m);
    }
    match first {
        // A3: one to three digits (looking no further: a long run of digits is read three at
        // a time, not scanned to its end for each piece).
        Class::Digit => {
            let end = n.min(i + 3);
            i + s[i..end].iter().take_while(|b| b.is_ascii_digit()).count()
        }
        // A4: an optional space, punctuation, then newlines and slashes.
        Class::Punct => run(run(i, &|b| class(b) == Class::Punct), &|b| {
            matches!(b, b'\r' | b'\n' | b'/')
        }),
        Class::Blank if s[i] == b' ' && i + 1 < n && class(s[i + 1]) == Class::Punct => {
            run(run(i + 1, &|b| class(b) == Class::Punct), &|b| {
                matches!(b, b'\r' | b'\n' | b'/')
            })
        }
        _ => {
            // Blanks and newlines.
            let end = run(i, &is_space);
            // A5: up to the last newline of the run.
            if let Some(last) = s[i..end].iter().rposition(|&b| b == b'\r' || b == b'\n') {
                return i + last + 1;
            }
            // A6 (a run reaching the end, or leaving its last character to the next piece)
            // and A7 (a single character).
            if end == n || end - i == 1 {
                end
            } else {
                end - 1
            }
        }
    }
}

/// After letters ending at `m`: an optional `'s 't 're 've 'm 'll 'd` (any case).
fn contraction(s: &[u8], m: usize) -> usize {
    if s.get(m) != Some(&b'\'') {
        return m;
    }
    let lower = |k: usize| s.get(k).map(u8::to_ascii_lowercase);
    match (lower(m + 1), lower(m + 2)) {
        (Some(b's' | b't' | b'm' | b'd'), _) => m + 2,
        (Some(b'r'), Some(b'e')) | (Some(b'v'), Some(b'e')) | (Some(b'l'), Some(b'l')) => m + 3,
        _ => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn regex_pieces(text: &str) -> Vec<&str> {
        bpe_openai::o200k_base().split(text).collect()
    }

    fn ours(text: &str) -> Vec<&str> {
        split(text).collect()
    }

    #[test]
    fn splits_like_the_regular_expression() {
        for text in [
            "Hello world",
            "  hello",
            "don't DON'T we're They'LL I'd",
            "ABC def ABCdef aBC",
            "$100 1234567 3.14",
            "!!hello 'hello \"quoted\"",
            "line\n\nnext\r\n  indented\n",
            "trailing   ",
            "a  \n  b",
            " \t\x0b\x0c x",
            "\x00\x01\x7f ok",
            "path/to/file.rs:12\n/x",
            " !!\n\n//",
            "'s 'S 'x 're 'v 'll 'l",
            "",
            " ",
            "\n",
            "x",
        ] {
            assert_eq!(ours(text), regex_pieces(text), "{text:?}");
        }
        // A long run of digits, three at a time (each piece once looked to the run's end).
        let digits = format!("{}7x", "1234".repeat(25_000));
        assert_eq!(ours(&digits), regex_pieces(&digits));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn random_ascii_splits_like_the_regular_expression(
            text in "[ a-zA-Z0-9'\t\n\r\x0b\x0c!.,/:$\"\x00\x7f-]{0,40}"
        ) {
            prop_assert_eq!(ours(&text), regex_pieces(&text));
        }

        #[test]
        fn any_ascii_splits_like_the_regular_expression(bytes in proptest::collection::vec(0u8..128, 0..60)) {
            let text = String::from_utf8(bytes).expect("ascii");
            prop_assert_eq!(ours(&text), regex_pieces(&text));
        }
    }

    /// Splitting part by part (by hand where ASCII) gives the regular expression's pieces.
    fn by_parts(text: &str) -> Vec<&str> {
        segments(text)
            .flat_map(|part| -> Box<dyn Iterator<Item = &str>> {
                if part.is_ascii() {
                    Box::new(split(part))
                } else {
                    Box::new(bpe_openai::o200k_base().split(part))
                }
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn mixed_text_splits_like_the_regular_expression_part_by_part(
            text in "[ a-zA-Z0-9'\t\n!./ éÖß東京😀\u{a0}\u{3000}\u{2028}\u{301}ǅ٣-]{0,40}"
        ) {
            prop_assert_eq!(by_parts(&text), regex_pieces(&text));
        }
    }

    #[test]
    fn real_text_splits_like_the_regular_expression() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chat");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut checked = 0;
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for line in text.lines().take(300) {
                if line.is_ascii() {
                    assert_eq!(ours(line), regex_pieces(line), "{line}");
                }
                assert_eq!(by_parts(line), regex_pieces(line), "{line}");
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked} lines");
    }
}
