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

/// Pieces longer than this are merged every time rather than remembered (as the crate does).
const CACHED_PIECE: usize = 256;
/// Remembered pieces per worker thread before the memory is given back and filling restarts.
const CACHE_ENTRIES: usize = 1 << 17;

/// A byte-level BPE tokenizer, as far as counting and locating tokens needs.
pub struct ByteLevelBpe {
    /// Each piece is checked to be in NFC (the `NFC` normaliser), else the crate encodes.
    nfc: bool,
    split: fancy_regex::Regex,
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

/// A piece's bytes → the byte lengths of its tokens.
type Pieces = FxHashMap<Box<[u8]>, Box<[u32]>>;

thread_local! {
    /// Each model's remembered pieces, by [`ByteLevelBpe::id`].
    static CACHE: RefCell<FxHashMap<usize, Pieces>> = RefCell::new(FxHashMap::default());
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
    /// - added tokens without `single_word`, `lstrip` or `rstrip`, each text once;
    /// - no truncation or padding, and a post-processor that leaves the offsets of a text
    ///   encoded without special tokens as they are (none, `TemplateProcessing`, `ByteLevel`
    ///   without `trim_offsets`, or a sequence of those).
    ///
    /// `None` for anything else: then the `tokenizers` crate does the work.
    pub fn from_json(doc: &Value) -> Option<ByteLevelBpe> {
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
        let chars: FxHashMap<char, u8> = (0..=255u8).map(|b| (byte_char(b), b)).collect();
        let mut byte_ids = [0u32; 256];
        for b in 0..=255u8 {
            let id = vocab.get(byte_char(b).to_string().as_str())?.as_u64()?;
            byte_ids[usize::from(b)] = u32::try_from(id).ok()?;
        }
        let id_of =
            |token: &str| -> Option<u32> { u32::try_from(vocab.get(token)?.as_u64()?).ok() };
        let mut merges = FxHashMap::default();
        for (rank, merge) in model.get("merges")?.as_array()?.iter().enumerate() {
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
            let merged = id_of(&format!("{a}{b}"))?;
            merges.insert((id_of(a)?, id_of(b)?), (u32::try_from(rank).ok()?, merged));
        }
        let ignore_merges = model.get("ignore_merges").and_then(Value::as_bool) == Some(true);
        let whole = if ignore_merges {
            let mut whole = FxHashMap::default();
            for (token, id) in vocab {
                if let Some(bytes) = token_bytes(token, &chars) {
                    whole.insert(bytes, u32::try_from(id.as_u64()?).ok()?);
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
            let pieces = cache.entry(self.id).or_default();
            let mut run = Run {
                bpe: self,
                text,
                cache: pieces,
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
    cache: &'a mut Pieces,
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

    /// Splits `text[start..end]` with the pre-tokenizer's pattern and tokenizes each piece.
    fn split(&mut self, start: usize, end: usize) -> bool {
        let part = &self.text[start..end];
        let mut at = 0;
        for m in self.bpe.split.find_iter(part) {
            let Ok(m) = m else {
                return false;
            };
            if at < m.start() {
                self.piece(start + at, start + m.start());
            }
            if m.start() < m.end() {
                self.piece(start + m.start(), start + m.end());
            }
            at = m.end();
        }
        if at < part.len() {
            self.piece(start + at, end);
        }
        true
    }

    /// The tokens of one piece, `text[start..end]`.
    fn piece(&mut self, start: usize, end: usize) {
        let bytes = &self.text.as_bytes()[start..end];
        let text = self.text;
        // A token's offsets cover the characters its bytes belong to.
        let push = |out: &mut Vec<(usize, usize)>, from: usize, to: usize| {
            let mut s = start + from;
            while !text.is_char_boundary(s) {
                s -= 1;
            }
            let mut e = start + to;
            while !text.is_char_boundary(e) {
                e += 1;
            }
            out.push((s, e));
        };
        let merged;
        let lengths: &[u32] = match self.cache.get(bytes) {
            Some(lengths) => lengths,
            None => {
                merged = match &self.bpe.whole {
                    // `ignore_merges`: a piece in the vocabulary is one token.
                    Some(whole) if whole.contains_key(bytes) => vec![bytes.len() as u32],
                    _ => merge(self.bpe, bytes),
                };
                if bytes.len() < CACHED_PIECE {
                    if self.cache.len() >= CACHE_ENTRIES {
                        self.cache.clear();
                        self.cache.shrink_to_fit();
                    }
                    self.cache
                        .insert(bytes.into(), merged.clone().into_boxed_slice());
                }
                &merged
            }
        };
        let mut at = 0;
        for &len in lengths {
            let len = len as usize;
            push(self.out, at, at + len);
            at += len;
        }
    }
}

/// Whether NFC leaves `text` as it is (ASCII always).
fn is_nfc(text: &str) -> bool {
    text.is_ascii() || unicode_normalization::is_nfc(text)
}

/// BPE on the bytes of one piece: the pair of adjacent tokens with the lowest merge rank
/// (the leftmost of equals) is merged until none is in the merges list, as `tokenizers`'
/// `Word::merge_all` does. The byte length of each resulting token, in order.
fn merge(bpe: &ByteLevelBpe, bytes: &[u8]) -> Vec<u32> {
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
    symbols
        .iter()
        .filter(|s| s.len > 0)
        .map(|s| s.len)
        .collect()
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
