//! Byte-level BPE without the `tokenizers` crate's bookkeeping.
//!
//! Most open-weight models (Qwen, Llama 3, Mistral NeMo, GPT-2's descendants) tokenize with a
//! byte-level BPE: added tokens are cut out of the text, the rest is split with a regular
//! expression, each piece's bytes are mapped one to one onto characters and merged pair by pair
//! in the order of the merges list. `tokenizers::Tokenizer::encode` does that through a chain of
//! general stages that allocate a string and an alignment table per piece and a string per
//! token; under a profile most of the time counting an example went to `malloc` and `free`.
//! Here the same stages run on byte slices, and each piece's tokens are remembered per worker
//! thread, so a piece seen before costs one hash lookup.
//!
//! [`ByteLevelBpe::from_json`] takes a `tokenizer.json` only in the shapes whose behaviour it
//! repeats exactly (listed there); any other tokenizer, and any text it cannot vouch for (text
//! that NFC normalisation would change, a regular expression that gives up), goes through the
//! crate. A test compares the two token for token on every tokenizer the tests have.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap;
use serde_json::Value;

/// GPT-2's pattern, which `ByteLevel` with `use_regex` splits with (as the crate writes it).
const GPT2_PATTERN: &str =
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

/// Pre-tokenizer patterns no match of which holds a character that is not White_Space
/// followed by a space (a space only ever starts a match or sits in a run of white space), and
/// without look-behind: a text cut before each such space splits into the same pieces part by
/// part as whole ([`super::ascii_split::segments`]), so each part's tokens can be remembered.
/// GPT-2's; Qwen2's; Llama 3's (cl100k_base's); Mistral NeMo's (tekken); o200k_base's.
const SEGMENTABLE: [&str; 5] = [
    GPT2_PATTERN,
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+",
];

/// Pieces longer than this are merged every time rather than remembered (as the crate does).
const CACHED_PIECE: usize = 256;
/// Remembered pieces per worker thread before the memory is given back and filling restarts.
const CACHE_ENTRIES: usize = 1 << 17;

/// A byte-level BPE tokenizer, as far as counting and locating tokens needs.
pub struct ByteLevelBpe {
    /// Each piece is checked to be in NFC (the `NFC` normaliser), else the crate encodes.
    nfc: bool,
    split: fancy_regex::Regex,
    /// Whether the pattern is one of [`SEGMENTABLE`].
    segmentable: bool,
    /// Added tokens matched on the raw text, then those matched on the normalised pieces.
    raw_added: Option<AhoCorasick>,
    normalized_added: Option<AhoCorasick>,
    byte_ids: [u32; 256],
    /// The vocabulary by bytes, consulted for a whole piece with `ignore_merges`.
    whole: Option<FxHashMap<Box<[u8]>, u32>>,
    /// `(left, right)` → `(rank, merged)`.
    merges: FxHashMap<(u32, u32), (u32, u32)>,
    /// Which model a worker's remembered pieces belong to.
    id: usize,
}

/// A text's bytes → the byte lengths of its tokens.
type Pieces = FxHashMap<Box<[u8]>, Box<[u32]>>;

/// What a worker remembers for one model: the tokens of pieces, and of segments (parts of a
/// text between cuts, [`SEGMENTABLE`]).
#[derive(Default)]
struct Cache {
    pieces: Pieces,
    segments: Pieces,
    /// Scratch: the token lengths of a segment.
    lengths: Vec<u32>,
}

thread_local! {
    /// Each model's remembered tokens, by [`ByteLevelBpe::id`].
    static CACHE: RefCell<FxHashMap<usize, Cache>> = RefCell::new(FxHashMap::default());
}

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// The character GPT-2's byte-level alphabet writes each byte as.
fn byte_char(b: u8) -> char {
    let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
    if printable {
        return char::from(b);
    }
    // The others get the code points from 256 up, in byte order.
    let shifted = (0..b)
        .filter(|&c| !matches!(c, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF))
        .count() as u32;
    char::from_u32(256 + shifted).expect("below 512")
}

/// The bytes a token of the byte-level alphabet stands for; `None` when it has another character.
fn token_bytes(token: &str, chars: &FxHashMap<char, u8>) -> Option<Box<[u8]>> {
    token.chars().map(|c| chars.get(&c).copied()).collect()
}

impl ByteLevelBpe {
    /// The fast path for the tokenizer `doc` (a parsed `tokenizer.json`), when it has this
    /// shape:
    /// - normaliser none (or an empty sequence) or `NFC`;
    /// - pre-tokenizer `ByteLevel` (GPT-2's pattern, no prefix space), or a sequence of one
    ///   `Split` on a regular expression (`Isolated`, not inverted) and `ByteLevel` without
    ///   its pattern and prefix space;
    /// - model `BPE` without dropout, subword prefix or word suffix, with every byte in its
    ///   vocabulary;
    /// - added tokens without `single_word`, `lstrip` or `rstrip`, each text once (the
    ///   special ones are not cut out when `split_special`, transformers'
    ///   `split_special_tokens`: they are encoded as ordinary text);
    /// - no truncation or padding, and a post-processor that leaves the offsets of a text
    ///   encoded without special tokens as they are (none, `TemplateProcessing`, `ByteLevel`
    ///   without `trim_offsets`, or a sequence of those).
    ///
    /// `None` for anything else: then the `tokenizers` crate does the work.
    pub fn from_json(doc: &Value, split_special: bool) -> Option<ByteLevelBpe> {
        if !doc.get("truncation").is_none_or(Value::is_null)
            || !doc.get("padding").is_none_or(Value::is_null)
            || !post_processor_keeps_offsets(doc.get("post_processor").unwrap_or(&Value::Null))
        {
            return None;
        }
        let nfc = match doc.get("normalizer").unwrap_or(&Value::Null) {
            Value::Null => false,
            n if n["type"] == "NFC" => true,
            n if n["type"] == "Sequence"
                && n["normalizers"].as_array().is_some_and(Vec::is_empty) =>
            {
                false
            }
            _ => return None,
        };
        let split = split_pattern(doc.get("pre_tokenizer")?)?;
        let segmentable = SEGMENTABLE.contains(&split.as_str());
        let split = fancy_regex::Regex::new(&split).ok()?;

        let model = doc.get("model")?;
        let empty = |key: &str| match model.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            _ => false,
        };
        let no_dropout = match model.get("dropout") {
            None | Some(Value::Null) => true,
            Some(d) => d.as_f64() == Some(0.0),
        };
        if model["type"] != "BPE"
            || !no_dropout
            || !empty("continuing_subword_prefix")
            || !empty("end_of_word_suffix")
        {
            return None;
        }
        let vocab = model.get("vocab")?.as_object()?;
        let ids: FxHashMap<&str, u32> = vocab
            .iter()
            .map(|(token, id)| Some((token.as_str(), u32::try_from(id.as_u64()?).ok()?)))
            .collect::<Option<_>>()?;
        let chars: FxHashMap<char, u8> = (0..=255u8).map(|b| (byte_char(b), b)).collect();
        let mut byte_ids = [0u32; 256];
        for b in 0..=255u8 {
            byte_ids[usize::from(b)] = *ids.get(byte_char(b).to_string().as_str())?;
        }
        let merges_list = model.get("merges")?.as_array()?;
        let mut merges = FxHashMap::default();
        merges.reserve(merges_list.len());
        let mut joined = String::new();
        // Legacy "a b" lines: a "#version" line is no merge (and takes no rank).
        let pairs = merges_list
            .iter()
            .filter(|m| !m.as_str().is_some_and(|line| line.starts_with("#version")));
        for (rank, merge) in pairs.enumerate() {
            let (a, b) = match merge {
                Value::Array(pair) if pair.len() == 2 => (pair[0].as_str()?, pair[1].as_str()?),
                Value::String(line) => {
                    let mut parts = line.split(' ');
                    match (parts.next(), parts.next(), parts.next()) {
                        (Some(a), Some(b), None) => (a, b),
                        _ => return None,
                    }
                }
                _ => return None,
            };
            joined.clear();
            joined.push_str(a);
            joined.push_str(b);
            let merged = *ids.get(joined.as_str())?;
            merges.insert(
                (*ids.get(a)?, *ids.get(b)?),
                (u32::try_from(rank).ok()?, merged),
            );
        }
        let ignore_merges = model.get("ignore_merges").and_then(Value::as_bool) == Some(true);
        let whole = if ignore_merges {
            let mut whole = FxHashMap::default();
            for (&token, &id) in &ids {
                if let Some(bytes) = token_bytes(token, &chars) {
                    whole.insert(bytes, id);
                }
            }
            Some(whole)
        } else {
            None
        };

        let mut raw = Vec::new();
        let mut normalized = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for token in doc.get("added_tokens")?.as_array()? {
            let content = token.get("content")?.as_str()?;
            let flag = |key: &str| token.get(key).and_then(Value::as_bool) == Some(true);
            if split_special && flag("special") {
                continue;
            }
            if content.is_empty()
                || flag("single_word")
                || flag("lstrip")
                || flag("rstrip")
                || !seen.insert(content)
            {
                return None;
            }
            if flag("normalized") {
                // Matched against normalised text in its normalised form.
                if nfc && !is_nfc(content) {
                    return None;
                }
                normalized.push(content);
            } else {
                raw.push(content);
            }
        }
        let automaton = |patterns: &[&str]| -> Option<Option<AhoCorasick>> {
            if patterns.is_empty() {
                return Some(None);
            }
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(patterns)
                .ok()
                .map(Some)
        };
        Some(ByteLevelBpe {
            nfc,
            split,
            segmentable,
            raw_added: automaton(&raw)?,
            normalized_added: automaton(&normalized)?,
            byte_ids,
            whole,
            merges,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The byte offsets of the tokens of `text` encoded without special tokens, as
    /// `tokenizers` gives them, into `out`; `false` (and `out` unspecified) when this text must
    /// go through the crate.
    pub fn offsets(&self, text: &str, out: &mut Vec<(usize, usize)>) -> bool {
        out.clear();
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let cache = cache.entry(self.id).or_default();
            let mut run = Run {
                bpe: self,
                text,
                cache,
                out,
            };
            run.added(
                0,
                text.len(),
                self.raw_added.as_ref(),
                &mut |run, start, end| {
                    if run.bpe.nfc && !is_nfc(&run.text[start..end]) {
                        return false;
                    }
                    run.added(
                        start,
                        end,
                        run.bpe.normalized_added.as_ref(),
                        &mut Run::split,
                    )
                },
            )
        })
    }
}

/// One text being encoded.
struct Run<'a> {
    bpe: &'a ByteLevelBpe,
    text: &'a str,
    cache: &'a mut Cache,
    out: &'a mut Vec<(usize, usize)>,
}

type Between<'a, 'r> = dyn FnMut(&mut Run<'a>, usize, usize) -> bool + 'r;

impl<'a> Run<'a> {
    /// Cuts the added tokens of `automaton` out of `text[start..end]`; each is one token, and
    /// each stretch between them goes to `between`.
    fn added(
        &mut self,
        start: usize,
        end: usize,
        automaton: Option<&AhoCorasick>,
        between: &mut Between<'a, '_>,
    ) -> bool {
        let Some(automaton) = automaton else {
            return start == end || between(self, start, end);
        };
        let mut at = start;
        for m in automaton.find_iter(&self.text[start..end]) {
            let (s, e) = (start + m.start(), start + m.end());
            if at < s && !between(self, at, s) {
                return false;
            }
            self.out.push((s, e));
            at = e;
        }
        at == end || between(self, at, end)
    }

    /// Splits `text[start..end]` with the pre-tokenizer's pattern and tokenizes each piece;
    /// with a [`SEGMENTABLE`] pattern, segment by segment, each remembered.
    fn split(&mut self, start: usize, end: usize) -> bool {
        let mut lengths = std::mem::take(&mut self.cache.lengths);
        let mut ok = true;
        if self.bpe.segmentable {
            let mut at = start;
            for segment in super::ascii_split::segments(&self.text[start..end]) {
                let bytes = segment.as_bytes();
                lengths.clear();
                if let Some(known) = self.cache.segments.get(bytes) {
                    lengths.extend_from_slice(known);
                } else {
                    if !self.pieces(at, at + bytes.len(), &mut lengths) {
                        ok = false;
                        break;
                    }
                    if bytes.len() < CACHED_PIECE {
                        remember(&mut self.cache.segments, bytes, &lengths);
                    }
                }
                self.emit(at, &lengths);
                at += bytes.len();
            }
        } else {
            lengths.clear();
            ok = self.pieces(start, end, &mut lengths);
            if ok {
                self.emit(start, &lengths);
            }
        }
        self.cache.lengths = lengths;
        ok
    }

    /// Appends to `lengths` the byte lengths of the tokens of `text[start..end]`, split with
    /// the pre-tokenizer's pattern; `false` when the regular expression gives up.
    fn pieces(&mut self, start: usize, end: usize, lengths: &mut Vec<u32>) -> bool {
        let part = &self.text.as_bytes()[start..end];
        let text = self.text;
        split_ranges(&self.bpe.split, &text[start..end], |s, e| {
            self.piece(&part[s..e], lengths);
        })
    }

    /// Appends to `lengths` the byte lengths of the tokens of one piece.
    fn piece(&mut self, bytes: &[u8], lengths: &mut Vec<u32>) {
        if let Some(known) = self.cache.pieces.get(bytes) {
            lengths.extend_from_slice(known);
            return;
        }
        let from = lengths.len();
        match &self.bpe.whole {
            // `ignore_merges`: a piece in the vocabulary is one token.
            Some(whole) if whole.contains_key(bytes) => lengths.push(bytes.len() as u32),
            _ => merge(self.bpe, bytes, lengths),
        }
        if bytes.len() < CACHED_PIECE {
            remember(&mut self.cache.pieces, bytes, &lengths[from..]);
        }
    }

    /// The offsets of tokens of the byte `lengths` that follow each other from `start`: each
    /// covers the characters its bytes belong to.
    fn emit(&mut self, start: usize, lengths: &[u32]) {
        let mut at = start;
        for &len in lengths {
            let mut s = at;
            while !self.text.is_char_boundary(s) {
                s -= 1;
            }
            at += len as usize;
            let mut e = at;
            while !self.text.is_char_boundary(e) {
                e += 1;
            }
            self.out.push((s, e));
        }
    }
}

/// Calls `f` with the byte range of each piece of `text` in order, as an `Isolated` split does:
/// the matches of `regex` and the stretches between them, none empty. `false` when the
/// regular expression gives up (then the crate, which stops there, must encode the text).
fn split_ranges(regex: &fancy_regex::Regex, text: &str, mut f: impl FnMut(usize, usize)) -> bool {
    let mut at = 0;
    for m in regex.find_iter(text) {
        let Ok(m) = m else {
            return false;
        };
        if at < m.start() {
            f(at, m.start());
        }
        if m.start() < m.end() {
            f(m.start(), m.end());
        }
        at = m.end();
    }
    if at < text.len() {
        f(at, text.len());
    }
    true
}

/// Remembers the token lengths of `bytes`, making room when the cache is full.
fn remember(cache: &mut Pieces, bytes: &[u8], lengths: &[u32]) {
    if cache.len() >= CACHE_ENTRIES {
        cache.clear();
        cache.shrink_to_fit();
    }
    cache.insert(bytes.into(), lengths.into());
}

/// Whether NFC leaves `text` as it is (ASCII always).
fn is_nfc(text: &str) -> bool {
    text.is_ascii() || unicode_normalization::is_nfc(text)
}

/// BPE on the bytes of one piece: the pair of adjacent tokens with the lowest merge rank
/// (the leftmost of equals) is merged until none is in the merges list, as `tokenizers`'
/// `Word::merge_all` does. Appends the byte length of each resulting token, in order.
fn merge(bpe: &ByteLevelBpe, bytes: &[u8], lengths: &mut Vec<u32>) {
    struct Symbol {
        id: u32,
        len: u32,
        prev: usize,
        next: usize,
    }
    const NONE: usize = usize::MAX;
    let n = bytes.len();
    let mut symbols: Vec<Symbol> = bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| Symbol {
            id: bpe.byte_ids[usize::from(b)],
            len: 1,
            prev: if i == 0 { NONE } else { i - 1 },
            next: if i + 1 == n { NONE } else { i + 1 },
        })
        .collect();
    let mut queue = BinaryHeap::new();
    for i in 1..n {
        if let Some(&(rank, merged)) = bpe.merges.get(&(symbols[i - 1].id, symbols[i].id)) {
            queue.push(Reverse((rank, i - 1, merged)));
        }
    }
    while let Some(Reverse((_, pos, merged))) = queue.pop() {
        let next = symbols[pos].next;
        // A stale entry: this symbol was absorbed, or its pair is another one now.
        if symbols[pos].len == 0 || next == NONE {
            continue;
        }
        let pair = (symbols[pos].id, symbols[next].id);
        if bpe.merges.get(&pair).is_none_or(|&(_, m)| m != merged) {
            continue;
        }
        let after = symbols[next].next;
        symbols[pos].id = merged;
        symbols[pos].len += symbols[next].len;
        symbols[pos].next = after;
        symbols[next].len = 0;
        if after != NONE {
            symbols[after].prev = pos;
        }
        let prev = symbols[pos].prev;
        if prev != NONE
            && let Some(&(rank, m)) = bpe.merges.get(&(symbols[prev].id, merged))
        {
            queue.push(Reverse((rank, prev, m)));
        }
        if after != NONE
            && let Some(&(rank, m)) = bpe.merges.get(&(merged, symbols[after].id))
        {
            queue.push(Reverse((rank, pos, m)));
        }
    }
    lengths.extend(symbols.iter().filter(|s| s.len > 0).map(|s| s.len));
}

/// The regular expression the pre-tokenizer splits with, when it is one of the two shapes
/// [`ByteLevelBpe::from_json`] takes.
fn split_pattern(pre: &Value) -> Option<String> {
    let byte_level = |p: &Value, regex: bool| {
        p["type"] == "ByteLevel"
            && p.get("add_prefix_space").and_then(Value::as_bool) != Some(true)
            && p.get("use_regex").and_then(Value::as_bool).unwrap_or(true) == regex
    };
    if byte_level(pre, true) {
        return Some(GPT2_PATTERN.to_string());
    }
    let steps = pre
        .get("pretokenizers")
        .filter(|_| pre["type"] == "Sequence")?
        .as_array()?;
    let [split, last] = steps.as_slice() else {
        return None;
    };
    if split["type"] != "Split"
        || split["behavior"] != "Isolated"
        || split.get("invert").and_then(Value::as_bool) == Some(true)
        || !byte_level(last, false)
    {
        return None;
    }
    Some(split.get("pattern")?.get("Regex")?.as_str()?.to_string())
}

/// Whether the post-processor leaves a text encoded without special tokens as the model gave it.
fn post_processor_keeps_offsets(p: &Value) -> bool {
    match p {
        Value::Null => true,
        p if p["type"] == "TemplateProcessing" => true,
        p if p["type"] == "ByteLevel" => {
            p.get("trim_offsets").and_then(Value::as_bool) == Some(false)
        }
        p if p["type"] == "Sequence" => p["processors"]
            .as_array()
            .is_some_and(|ps| ps.iter().all(post_processor_keeps_offsets)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pieces of `text` by `regex`, as byte ranges.
    fn pieces(regex: &fancy_regex::Regex, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        assert!(split_ranges(regex, text, |s, e| out.push((s, e))));
        out
    }

    /// Texts dense in what the patterns treat specially: white space of every kind before
    /// letters, digits and punctuation, contractions in both cases, marks, letters of every
    /// case class.
    fn tricky_text() -> impl Strategy<Value = String> {
        const ATOMS: &[&str] = &[
            " ", "  ", "\t", "\n", "\r\n", "\u{a0}", "\u{3000}", "\u{2028}", "\u{85}", "\u{b}",
            "a", "Z", "é", "É", "ǅ", "ʰ", "中", "\u{301}", "7", "٣", "123456", "'s", "'LL", "'",
            ".", "...", "/", "-", "😀", "_", "\"", "<|x|>",
        ];
        proptest::collection::vec(proptest::sample::select(ATOMS), 0..24)
            .prop_map(|atoms| atoms.concat())
    }

    /// [`SEGMENTABLE`] compiled once for all cases.
    static COMPILED: std::sync::LazyLock<Vec<fancy_regex::Regex>> =
        std::sync::LazyLock::new(|| {
            SEGMENTABLE
                .iter()
                .map(|p| fancy_regex::Regex::new(p).expect("compiles"))
                .collect()
        });

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// What makes remembering segments right: each [`SEGMENTABLE`] pattern splits a text
        /// into the same pieces whole as segment by segment.
        #[test]
        fn segmentable_patterns_split_alike_whole_and_by_segment(text in tricky_text()) {
            for (pattern, regex) in SEGMENTABLE.iter().zip(COMPILED.iter()) {
                let mut by_segment = Vec::new();
                let mut at = 0;
                for segment in super::super::ascii_split::segments(&text) {
                    by_segment.extend(pieces(regex, segment).into_iter().map(|(s, e)| (at + s, at + e)));
                    at += segment.len();
                }
                prop_assert_eq!(at, text.len());
                prop_assert_eq!(by_segment, pieces(regex, &text), "{}", pattern);
            }
        }
    }

    /// The test tokenizers' patterns are among [`SEGMENTABLE`] (so the tests exercise it).
    #[test]
    fn the_test_tokenizers_patterns_are_segmentable() {
        for name in ["bpe-chatml", "bpe-llama3"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/hf/tokenizers")
                .join(name)
                .join("tokenizer.json");
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
            let pattern = split_pattern(&doc["pre_tokenizer"]).expect("a split pattern");
            assert!(SEGMENTABLE.contains(&pattern.as_str()), "{name}");
            assert!(
                ByteLevelBpe::from_json(&doc, false)
                    .expect("fast")
                    .segmentable
            );
        }
    }

    #[test]
    fn the_byte_alphabet_is_gpt2s() {
        // Printable bytes stand for themselves, the others from U+0100 on: space is "Ġ",
        // newline "Ċ", 0xAD "ł" (the last of them).
        assert_eq!(byte_char(b'a'), 'a');
        assert_eq!(byte_char(b' '), 'Ġ');
        assert_eq!(byte_char(b'\n'), 'Ċ');
        assert_eq!(byte_char(0), '\u{100}');
        assert_eq!(byte_char(0xAD), 'Ń');
        let all: std::collections::HashSet<char> = (0..=255u8).map(byte_char).collect();
        assert_eq!(all.len(), 256);
    }
}
