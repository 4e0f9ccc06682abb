//! Which Unicode script a letter is written in, by the blocks of the scripts fine-tuning data
//! is usually written in; everything else is "other". Coarse on purpose: `stats` asks which
//! writing systems a dataset holds, not which language each example is in.

/// The scripts told apart, in the order of [`NAMES`].
pub(crate) const COUNT: usize = 30;

pub(crate) const NAMES: [&str; COUNT] = [
    "Latin",
    "Greek",
    "Cyrillic",
    "Armenian",
    "Hebrew",
    "Arabic",
    "Devanagari",
    "Bengali",
    "Gurmukhi",
    "Gujarati",
    "Oriya",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
    "Sinhala",
    "Thai",
    "Lao",
    "Tibetan",
    "Myanmar",
    "Georgian",
    "Hangul",
    "Ethiopic",
    "Khmer",
    "Hiragana",
    "Katakana",
    "Han",
    "Syriac",
    "Thaana",
    "other",
];

/// Index of "other" in [`NAMES`].
pub(crate) const OTHER: usize = COUNT - 1;

/// Blocks by first code point: (first, last, script index). Sorted, not overlapping.
const BLOCKS: &[(u32, u32, u8)] = &[
    (0x00C0, 0x024F, 0),
    (0x0250, 0x02AF, 0),
    (0x0370, 0x03FF, 1),
    (0x0400, 0x052F, 2),
    (0x0530, 0x058F, 3),
    (0x0590, 0x05FF, 4),
    (0x0600, 0x06FF, 5),
    (0x0700, 0x074F, 27),
    (0x0750, 0x077F, 5),
    (0x0780, 0x07BF, 28),
    (0x08A0, 0x08FF, 5),
    (0x0900, 0x097F, 6),
    (0x0980, 0x09FF, 7),
    (0x0A00, 0x0A7F, 8),
    (0x0A80, 0x0AFF, 9),
    (0x0B00, 0x0B7F, 10),
    (0x0B80, 0x0BFF, 11),
    (0x0C00, 0x0C7F, 12),
    (0x0C80, 0x0CFF, 13),
    (0x0D00, 0x0D7F, 14),
    (0x0D80, 0x0DFF, 15),
    (0x0E00, 0x0E7F, 16),
    (0x0E80, 0x0EFF, 17),
    (0x0F00, 0x0FFF, 18),
    (0x1000, 0x109F, 19),
    (0x10A0, 0x10FF, 20),
    (0x1100, 0x11FF, 21),
    (0x1200, 0x139F, 22),
    (0x1780, 0x17FF, 23),
    (0x1C80, 0x1C8F, 2),
    (0x1C90, 0x1CBF, 20),
    (0x1E00, 0x1EFF, 0),
    (0x1F00, 0x1FFF, 1),
    (0x2C60, 0x2C7F, 0),
    (0x2DE0, 0x2DFF, 2),
    (0x2E80, 0x2FDF, 26),
    (0x3005, 0x3007, 26),
    (0x3040, 0x309F, 24),
    (0x30A0, 0x30FF, 25),
    (0x3130, 0x318F, 21),
    (0x31F0, 0x31FF, 25),
    (0x3400, 0x4DBF, 26),
    (0x4E00, 0x9FFF, 26),
    (0xA640, 0xA69F, 2),
    (0xA720, 0xA7FF, 0),
    (0xAB30, 0xAB6F, 0),
    (0xAC00, 0xD7AF, 21),
    (0xF900, 0xFAFF, 26),
    (0xFB00, 0xFB06, 0),
    (0xFB1D, 0xFB4F, 4),
    (0xFB50, 0xFDFF, 5),
    (0xFE70, 0xFEFF, 5),
    (0xFF21, 0xFF3A, 0),
    (0xFF41, 0xFF5A, 0),
    (0xFF66, 0xFF9F, 25),
    (0xFFA0, 0xFFDC, 21),
    (0x20000, 0x3134F, 26),
];

/// The script of a letter that is not ASCII (ASCII letters are Latin; callers count them
/// without asking).
pub(crate) fn of(c: char) -> usize {
    let c = u32::from(c);
    let at = BLOCKS.partition_point(|&(first, _, _)| first <= c);
    match at.checked_sub(1).map(|i| BLOCKS[i]) {
        Some((_, last, script)) if c <= last => usize::from(script),
        _ => OTHER,
    }
}

/// Bytes [`count`] looks at together for characters beyond ASCII.
const BLOCK: usize = 64;
/// Bytes [`count`] counts letters of at a time, one sum per byte position.
const LANES: usize = 32;
/// Rows of [`LANES`] bytes summed per byte position before the sums are added up: each
/// position adds at most one a row, so a byte holds the sums of this many.
const ROWS: usize = u8::MAX as usize;

/// Adds the letters of `text` to `counts`, by script, and returns its length in
/// characters. Digits, punctuation, spaces and symbols belong to no script and are not
/// counted.
///
/// A first pass counts the ASCII letters (no byte of a longer character is one) and the
/// bytes that continue a character, per byte position of rows the compiler vectorises, with
/// no call in the loop to spill the sums; the characters are the bytes that continue none.
/// Only when some byte continues a character, a second pass finds the characters of more
/// than one byte in the blocks beyond ASCII (eight bytes at a time) and decodes each from its
/// first byte, so a curly apostrophe costs one decoding, not its block's.
pub(crate) fn count(text: &str, counts: &mut [u64; COUNT], seen: &mut Seen) -> u64 {
    let bytes = text.as_bytes();
    let (letters, continuing) = ascii_letters_and_continuing(bytes);
    counts[0] += letters;
    if continuing > 0 {
        let mut start = 0;
        // Each whole block with the byte after it: a block is read only when some character
        // in it can be a letter, told without a branch per byte (English text has a curly
        // quote or a dash in block after block, at random, and a branch on "has a byte
        // beyond ASCII" was mispredicted every other time).
        while let Some(window) = bytes.get(start..start + BLOCK + 1) {
            let window: &[u8; BLOCK + 1] = window.try_into().expect("a block and a byte");
            if may_hold_letters(window) {
                others(text, start, &window[..BLOCK], counts, seen);
            }
            start += BLOCK;
        }
        let rest = &bytes[start..];
        if !rest.is_ascii() {
            others(text, start, rest, counts, seen);
        }
    }
    bytes.len() as u64 - continuing
}

/// Whether a character of more than one byte that can be a letter starts in the first
/// [`BLOCK`] bytes of `window`: one that starts with a byte from 0xC0 up, unless it is in
/// U+2000..U+203F (E2 80 xx: the spaces, dashes, quotes, bullets and ellipsis of general
/// punctuation, none a letter). Byte by byte with no branch, which the compiler vectorises.
#[inline(always)]
fn may_hold_letters(window: &[u8; BLOCK + 1]) -> bool {
    let mut any = 0u8;
    for pair in window.windows(2) {
        let (b, next) = (pair[0], pair[1]);
        let lead = u8::from(b >= 0xC0);
        let punctuation = u8::from(b == 0xE2) & u8::from(next == 0x80);
        any |= lead & !punctuation;
    }
    any != 0
}

/// The ASCII letters of `bytes` and the bytes that continue a character.
fn ascii_letters_and_continuing(bytes: &[u8]) -> (u64, u64) {
    let (mut letters, mut continuing) = (0, 0);
    for group in bytes.chunks(LANES * ROWS) {
        let mut letter_lanes = [0u8; LANES];
        let mut continuing_lanes = [0u8; LANES];
        let mut rows = group.chunks_exact(LANES);
        for row in rows.by_ref() {
            add_row(row, &mut letter_lanes, &mut continuing_lanes);
        }
        // The rest as a whole row, padded with zeros (no letter, continuing nothing).
        let rest = rows.remainder();
        if !rest.is_empty() {
            let mut padded = [0u8; LANES];
            padded[..rest.len()].copy_from_slice(rest);
            add_row(&padded, &mut letter_lanes, &mut continuing_lanes);
        }
        letters += sum_lanes(&letter_lanes);
        continuing += sum_lanes(&continuing_lanes);
    }
    (letters, continuing)
}

#[inline(always)]
fn add_row(row: &[u8], letters: &mut [u8; LANES], continuing: &mut [u8; LANES]) {
    for ((letter, cont), &b) in letters.iter_mut().zip(continuing.iter_mut()).zip(row) {
        *letter += u8::from((b | 0x20).wrapping_sub(b'a') < 26);
        *cont += u8::from((b as i8) < -0x40);
    }
}

/// The sum of the lanes, eight at a time in a word: neighbouring bytes added into 16-bit
/// sums (at most 510 each, 2,040 over the four words), which a multiplication adds up.
fn sum_lanes(lanes: &[u8; LANES]) -> u64 {
    const BYTES: u64 = 0x00FF_00FF_00FF_00FF;
    let mut pairs = 0u64;
    for word in lanes.chunks_exact(8) {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        pairs += (w & BYTES) + ((w >> 8) & BYTES);
    }
    pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48
}

/// Counts the letters of more than one byte that start in `block`, which starts at byte
/// `start` of `text` (a character that starts in it may end in the next). Their first bytes
/// are found eight at a time.
fn others(text: &str, start: usize, block: &[u8], counts: &mut [u64; COUNT], seen: &mut Seen) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const EACH: u64 = 0x0101_0101_0101_0101;
    // The top bit of each byte of `w` equal to `b` (no byte carries into the next).
    let equal = |w: u64, b: u8| {
        let x = w ^ (u64::from(b) * EACH);
        !(((x & !HIGH) + !HIGH) | x) & HIGH
    };
    let mut words = block.chunks_exact(8);
    let mut at = start;
    for word in words.by_ref() {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        let w = u64::from_le_bytes(bytes);
        // The top bit of each byte that starts a longer character (0b11xx_xxxx), but for
        // general punctuation (E2 80 xx, see `may_hold_letters`): the byte after each is
        // the next one of the word, or of the text after it.
        let after = text.as_bytes().get(at + 8).copied().unwrap_or(0);
        let next = (w >> 8) | (u64::from(after) << 56);
        let punctuation = equal(w, 0xE2) & equal(next, 0x80);
        let mut firsts = w & (w << 1) & HIGH & !punctuation;
        while firsts != 0 {
            letter(
                text,
                at + firsts.trailing_zeros() as usize / 8,
                counts,
                seen,
            );
            firsts &= firsts - 1;
        }
        at += 8;
    }
    for (j, &b) in words.remainder().iter().enumerate() {
        if b >= 0xC0 {
            letter(text, at + j, counts, seen);
        }
    }
}

/// Counts the character that starts at byte `at` of `text` if it is a letter (the general
/// punctuation block, curly quotes and dashes, is skipped without a lookup).
fn letter(text: &str, at: usize, counts: &mut [u64; COUNT], seen: &mut Seen) {
    let Some(c) = text[at..].chars().next() else {
        return;
    };
    let code = u32::from(c);
    let slot = code as usize % SEEN;
    let script = if seen.chars[slot] == code {
        seen.scripts[slot]
    } else {
        let script = if !(0x2000..=0x206F).contains(&code) && c.is_alphabetic() {
            of(c) as u8
        } else {
            NO_SCRIPT
        };
        seen.chars[slot] = code;
        seen.scripts[slot] = script;
        script
    };
    if script != NO_SCRIPT {
        counts[usize::from(script)] += 1;
    }
}

/// Characters [`Seen`] remembers.
const SEEN: usize = 64;
/// What [`Seen`] remembers of a character that is no letter.
const NO_SCRIPT: u8 = u8::MAX;

/// The script of the characters of more than one byte met last, by code point modulo
/// [`SEEN`]: a dataset repeats a few of them (curly quotes, arrows, accented letters,
/// emoji) millions of times, and the Unicode lookups take longer than this one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seen {
    /// Code points (0, never looked up here, for none).
    chars: [u32; SEEN],
    scripts: [u8; SEEN],
}

impl Default for Seen {
    fn default() -> Seen {
        Seen {
            chars: [0; SEEN],
            scripts: [NO_SCRIPT; SEEN],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_sorted_into_their_scripts() {
        let mut counts = [0; COUNT];
        let text = "Hé, Привет! 你好 こんにちは カナ مرحبا שלום नमस्ते 안녕 123 🙂";
        assert_eq!(
            count(text, &mut counts, &mut Seen::default()),
            text.chars().count() as u64
        );
        let name = |n: &str| counts[NAMES.iter().position(|x| *x == n).unwrap()];
        assert_eq!(name("Latin"), 2);
        assert_eq!(name("Cyrillic"), 6);
        assert_eq!(name("Han"), 2);
        assert_eq!(name("Hiragana"), 5);
        assert_eq!(name("Katakana"), 2);
        assert_eq!(name("Arabic"), 5);
        assert_eq!(name("Hebrew"), 4);
        assert!(name("Devanagari") >= 4);
        assert_eq!(name("Hangul"), 2);
        assert_eq!(name("other"), 0);
    }

    /// The block-wise count against the plain one, on texts whose non-ASCII characters
    /// fall on every side of a block boundary.
    #[test]
    fn the_block_count_is_the_plain_count() {
        let plain = |text: &str| {
            let mut counts = [0u64; COUNT];
            for c in text.chars() {
                if c.is_ascii_alphabetic() {
                    counts[0] += 1;
                } else if !c.is_ascii() && c.is_alphabetic() {
                    counts[of(c)] += 1;
                }
            }
            (counts, text.chars().count() as u64)
        };
        let pieces = [
            "a", "Z", "1", " ", "’", "é", "Я", "你", "🙂", "—", "ß", "\n", "…", "\u{2071}",
            "\u{2040}", "\u{2000}", "\u{203F}", "\u{207F}", "\u{2080}",
        ];
        let mut random = crate::testing::Lcg(7);
        // One for every text, as a collector keeps one.
        let mut seen = Seen::default();
        // Past 255 blocks too, where the sums by byte position are flushed.
        for len in [
            0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 16_400, 40_000,
        ] {
            for _ in 0..if len > 1_000 { 3 } else { 20 } {
                let text = random.text(&pieces, len);
                let mut counts = [0u64; COUNT];
                let chars = count(&text, &mut counts, &mut seen);
                assert_eq!((counts, chars), plain(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn blocks_are_sorted_and_disjoint() {
        for w in BLOCKS.windows(2) {
            assert!(w[0].1 < w[1].0, "{:x?} overlaps {:x?}", w[0], w[1]);
        }
        assert!(
            BLOCKS
                .iter()
                .all(|b| b.0 <= b.1 && usize::from(b.2) < COUNT)
        );
    }
}
