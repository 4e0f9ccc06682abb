//! Benchmark contamination (D004): evaluation benchmark items indexed by the hashes of their
//! word n-grams, and the search that finds which item a training text contains.
//!
//! A benchmark is a list of items, each the text of its question (the first user turn of
//! its record, see [`load`]) or, for the built-in benchmarks, only the hashes of that text's
//! word 8-grams: tunelint never ships benchmark text. A training text is looked up by its own
//! 8-gram hashes; an item sharing one is a candidate, confirmed
//!
//! - by the share of the item's distinct 8-grams that the training text has
//!   ([`HASH_THRESHOLD`]): the only measure for a built-in benchmark (hash-only, and the
//!   finding says so);
//! - when the item's text is at hand (a `[contamination] benchmarks` file), also by the
//!   lesson's exact measure: the characters of the item that `SequenceMatcher`'s matching
//!   blocks match in the training text, as a share of the item ([`TEXT_THRESHOLD`]), which
//!   forgives renamed people and changed numbers; the finding gives the ratio of the two.
//!
//! Why 8 words: long enough that unrelated questions seldom share one, short enough that a
//! lightly reworded question keeps some. GPT-3's decontamination used 13-grams over whole
//! documents; Tulu 3's used 8-grams over prompts, which is what is compared here; a 45-word
//! GSM8K question reworded every dozen words keeps no 13-gram at all. On GSM8K's own 7,473
//! training questions the built-in check reports 2, both the test set's template with other
//! numbers (docs/real-data.md).
//!
//! This module is below the rules (only hashing and the index); [`load`] reads benchmark files
//! through the input formats and is called by the configuration.

pub mod load;

use std::sync::{Arc, LazyLock};

/// Words per n-gram.
pub const NGRAM: usize = 8;

/// Share of a text item's characters the training text must match (the lesson's matching
/// blocks, `M / len(item)`), as cosmopedia's decontamination confirms its 10-gram candidates
/// with `SequenceMatcher` (at 0.5 there; higher here, because a linter warns where a
/// pipeline would only drop).
pub const TEXT_THRESHOLD: f64 = 0.8;

/// Share of a built-in item's distinct 8-grams the training text must have.
pub const HASH_THRESHOLD: f64 = 0.5;

/// Candidates confirmed per training text, most shared 8-grams first: keeps a templated
/// benchmark (every item opening with one long instruction) from costing an exact comparison
/// with each of its items.
const MAX_CANDIDATES: usize = 8;

/// One benchmark: where its items come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// How a finding names it: `GSM8K test`, or the file's path as shown.
    pub name: String,
    /// True for a built-in benchmark, whose items are fingerprints only.
    pub builtin: bool,
}

/// One item of a benchmark.
#[derive(Clone, Debug)]
pub struct Item {
    /// Index of its benchmark in [`Benchmarks::sources`].
    pub source: u32,
    /// 1-based position of the item in its benchmark.
    pub number: u32,
    /// Line of the benchmark file the item starts on.
    pub line: u64,
    /// How many distinct n-gram fingerprints the item has.
    pub grams: u32,
    /// The item's text, `None` for a built-in item.
    pub text: Option<Box<str>>,
}

/// The benchmarks a file is checked against, indexed together.
#[derive(Default)]
pub struct Benchmarks {
    sources: Vec<Source>,
    items: Vec<Item>,
    /// (fingerprint, item) pairs as `fingerprint << 32 | item`, in no order.
    postings: Vec<u64>,
    /// Built from `postings` by the first search, so that a run without D004 (or without a
    /// record) does not index the built-in benchmarks.
    index: std::sync::OnceLock<Index>,
    /// The benchmark files read (not the built-in ones): inputs of the run, which no output
    /// may overwrite.
    files: Vec<std::path::PathBuf>,
}

const FILTER_BITS: u32 = 1 << 22;

/// What [`Benchmarks::find`] searches.
struct Index {
    /// [`Benchmarks::postings`] sorted, without repeats: integers sort several times faster
    /// than pairs.
    postings: Vec<u64>,
    /// One bit per `fingerprint % FILTER_BITS`: most n-grams of a training text are in no
    /// benchmark, and the filter says so with one memory access instead of a binary search.
    filter: Vec<u64>,
}

impl Index {
    fn new(postings: &[u64]) -> Index {
        let mut sorted = postings.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut filter = vec![0u64; (FILTER_BITS / 64) as usize];
        for &k in &sorted {
            let g = (k >> 32) as u32;
            filter[(g % FILTER_BITS / 64) as usize] |= 1 << (g % 64);
        }
        Index {
            postings: sorted,
            filter,
        }
    }
}

impl std::fmt::Debug for Benchmarks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Benchmarks")
            .field("sources", &self.sources)
            .field("items", &self.items.len())
            .finish()
    }
}

impl PartialEq for Benchmarks {
    /// Equal when made of the same benchmarks with as many items (what settings compare).
    fn eq(&self, other: &Self) -> bool {
        self.sources == other.sources && self.items.len() == other.items.len()
    }
}

/// One benchmark read: its source and items, with each item's fingerprints.
#[derive(Clone, Debug)]
pub struct Benchmark {
    pub source: Source,
    pub items: Vec<(Item, Vec<u32>)>,
}

impl Benchmark {
    /// An empty benchmark called `name`.
    pub fn new(name: impl Into<String>, builtin: bool) -> Benchmark {
        Benchmark {
            source: Source {
                name: name.into(),
                builtin,
            },
            items: Vec::new(),
        }
    }

    /// Adds the item at `line` whose question is `text`; a text without words adds nothing.
    pub fn push(&mut self, line: u64, text: &str) {
        let grams = fingerprints(text);
        if grams.is_empty() {
            return;
        }
        let item = Item {
            source: 0,
            number: self.items.len() as u32 + 1,
            line,
            grams: grams.len() as u32,
            text: (!self.source.builtin).then(|| text.into()),
        };
        self.items.push((item, grams));
    }

    /// The items' lines and fingerprints, without their text, in the compact form the
    /// built-in benchmarks are stored in (`include_bytes!`): `TLFP`, the n, the item count,
    /// then per item its line (u32), its fingerprint count (u16) and its fingerprints (u32,
    /// ascending); little-endian.
    pub fn to_fingerprint_bytes(&self) -> Vec<u8> {
        let mut out = b"TLFP".to_vec();
        out.extend_from_slice(&(NGRAM as u32).to_le_bytes());
        out.extend_from_slice(&(self.items.len() as u32).to_le_bytes());
        for (item, grams) in &self.items {
            out.extend_from_slice(&(item.line as u32).to_le_bytes());
            out.extend_from_slice(&(grams.len() as u16).to_le_bytes());
            for g in grams {
                out.extend_from_slice(&g.to_le_bytes());
            }
        }
        out
    }

    /// Reads what [`Benchmark::to_fingerprint_bytes`] wrote; `None` when it is malformed.
    pub fn from_fingerprint_bytes(name: &str, bytes: &[u8]) -> Option<Benchmark> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Option<&[u8]> {
            let s = bytes.get(at..at + n)?;
            at += n;
            Some(s)
        };
        if take(4)? != b"TLFP" {
            return None;
        }
        let u32_of = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        if u32_of(take(4)?) as usize != NGRAM {
            return None;
        }
        let count = u32_of(take(4)?);
        let mut bench = Benchmark::new(name, true);
        for number in 1..=count {
            let line = u64::from(u32_of(take(4)?));
            let n = take(2)?;
            let n = u16::from_le_bytes([n[0], n[1]]) as usize;
            let grams: Vec<u32> = take(4 * n)?.chunks_exact(4).map(u32_of).collect();
            let item = Item {
                source: 0,
                number,
                line,
                grams: n as u32,
                text: None,
            };
            bench.items.push((item, grams));
        }
        Some(bench)
    }
}

/// The built-in benchmarks: their names, and fingerprint files generated from the benchmark
/// by `tests/contamination.rs` (which fails when they drift).
pub const BUILTINS: &[(&str, &[u8])] = &[(
    // openai/grade-school-math, grade_school_math/data/test.jsonl (MIT): the 1,319
    // questions of the test split, as ../shared/datasets/chat/gsm8k_test.jsonl holds them.
    "GSM8K test",
    include_bytes!("gsm8k_test.fp"),
)];

/// The built-in benchmarks, read once.
static BUILTIN: LazyLock<Vec<Benchmark>> = LazyLock::new(|| {
    BUILTINS
        .iter()
        .filter_map(|(name, bytes)| Benchmark::from_fingerprint_bytes(name, bytes))
        .collect()
});

/// The built-in benchmarks indexed alone: what every file is checked against by default.
static BUILTIN_ONLY: LazyLock<Arc<Benchmarks>> =
    LazyLock::new(|| Arc::new(Benchmarks::new(BUILTIN.iter().cloned().collect())));

impl Benchmarks {
    /// The built-in benchmarks alone, shared.
    pub fn builtin() -> Arc<Benchmarks> {
        Arc::clone(&BUILTIN_ONLY)
    }

    /// `files` (read by [`load`]), after the built-in benchmarks when `builtins`.
    pub fn with_files(builtins: bool, files: Vec<Benchmark>) -> Benchmarks {
        let mut all: Vec<Benchmark> = Vec::new();
        if builtins {
            all.extend(BUILTIN.iter().cloned());
        }
        all.extend(files);
        Benchmarks::new(all)
    }

    /// Indexes `benchmarks`.
    pub fn new(benchmarks: Vec<Benchmark>) -> Benchmarks {
        let mut out = Benchmarks::default();
        for (s, bench) in benchmarks.into_iter().enumerate() {
            out.sources.push(bench.source);
            for (mut item, grams) in bench.items {
                item.source = s as u32;
                let id = out.items.len() as u32;
                for g in grams {
                    out.postings.push(u64::from(g) << 32 | u64::from(id));
                }
                out.items.push(item);
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Records the files the benchmarks were read from.
    pub fn read_from(mut self, files: Vec<std::path::PathBuf>) -> Benchmarks {
        self.files = files;
        self
    }

    /// The benchmark files read.
    pub fn files(&self) -> &[std::path::PathBuf] {
        &self.files
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn item(&self, id: u32) -> &Item {
        &self.items[id as usize]
    }

    /// The benchmark item `text` contains best, if any is confirmed.
    pub fn find(&self, text: &str, scratch: &mut Scratch) -> Option<Hit> {
        if self.items.is_empty() {
            return None;
        }
        scratch.words.clear();
        words(text, &mut scratch.words);
        scratch.hits.clear();
        let index = self.index.get_or_init(|| Index::new(&self.postings));
        let look = |g: u32, hits: &mut Vec<(u32, u32)>| {
            if index.filter[(g % FILTER_BITS / 64) as usize] & (1 << (g % 64)) == 0 {
                return;
            }
            let start = index
                .postings
                .partition_point(|&k| (k >> 32) < u64::from(g));
            for &k in &index.postings[start..] {
                if (k >> 32) as u32 != g {
                    break;
                }
                hits.push((k as u32, g));
            }
        };
        let words = &scratch.words;
        if words.len() >= NGRAM {
            for w in words.windows(NGRAM) {
                look(gram(w), &mut scratch.hits);
            }
        } else if !words.is_empty() {
            look(gram(words), &mut scratch.hits);
        }
        if scratch.hits.is_empty() {
            return None;
        }
        // Distinct fingerprints per item.
        let hits = &mut scratch.hits;
        hits.sort_unstable();
        hits.dedup();
        let mut candidates: Vec<(u32, u32)> = Vec::new();
        for chunk in hits.chunk_by(|a, b| a.0 == b.0) {
            candidates.push((chunk[0].0, chunk.len() as u32));
        }
        candidates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut best: Option<Hit> = None;
        for &(id, shared) in candidates.iter().take(MAX_CANDIDATES) {
            let item = &self.items[id as usize];
            let contained = (f64::from(shared) / f64::from(item.grams.max(1))).min(1.0);
            let exact = item.text.as_ref().map(|question| {
                let q_chars = question.chars().count();
                let t_chars = text.chars().count();
                let ratio = scratch.matcher.ratio(text, question);
                // ratio = 2·M / (|a| + |b|): the matched characters back from it.
                let matched = (ratio * (q_chars + t_chars) as f64 / 2.0).round();
                ((matched / q_chars.max(1) as f64).min(1.0), ratio)
            });
            // A text item is confirmed by the exact measure, or by the hash measure when the
            // exact one misses what the 8-grams ignore (case and punctuation).
            let confirmed = contained >= HASH_THRESHOLD
                || exact.is_some_and(|(covered, _)| covered >= TEXT_THRESHOLD);
            if !confirmed {
                continue;
            }
            let hit = Hit {
                item: id,
                contained,
                covered: exact.map(|e| e.0),
                ratio: exact.map(|e| e.1),
            };
            let key = |h: &Hit| h.covered.unwrap_or(0.0).max(h.contained);
            if best.as_ref().is_none_or(|b| key(&hit) > key(b)) {
                best = Some(hit);
            }
        }
        best
    }
}

/// A benchmark item a training text contains.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub item: u32,
    /// The share of the item's distinct 8-grams the training text has.
    pub contained: f64,
    /// The share of the item's characters the lesson's matching blocks match in the
    /// training text, when the item's text is at hand.
    pub covered: Option<f64>,
    /// The lesson's ratio between the training text and the item, when its text is at hand.
    pub ratio: Option<f64>,
}

/// Buffers [`Benchmarks::find`] reuses from one text to the next.
#[derive(Default)]
pub struct Scratch {
    words: Vec<u64>,
    hits: Vec<(u32, u32)>,
    matcher: crate::dedup::similarity::Matcher,
}

/// The distinct n-gram fingerprints of `text`, ascending: of each run of [`NGRAM`] words,
/// or of all its words when it has fewer (such an item is found only in a text of the same
/// words).
pub fn fingerprints(text: &str) -> Vec<u32> {
    let mut w = Vec::new();
    words(text, &mut w);
    let mut out: Vec<u32> = if w.len() >= NGRAM {
        w.windows(NGRAM).map(gram).collect()
    } else if !w.is_empty() {
        vec![gram(&w)]
    } else {
        Vec::new()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// The hash of each word of `text`: a word is a run of letters and digits, lower-cased
/// (punctuation, spacing and case never decide a match); a Han, kana or Hangul character is a
/// word of its own, since those scripts put no spaces between words.
fn words(text: &str, out: &mut Vec<u64>) {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = FNV_OFFSET;
    let mut in_word = false;
    let feed = |h: &mut u64, c: char| {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            *h = (*h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()) {
            if !c.is_ascii() && is_cjk(c) {
                if in_word {
                    out.push(h);
                }
                h = FNV_OFFSET;
                for l in c.to_lowercase() {
                    feed(&mut h, l);
                }
                out.push(h);
                h = FNV_OFFSET;
                in_word = false;
                continue;
            }
            in_word = true;
            if c.is_ascii() {
                feed(&mut h, c.to_ascii_lowercase());
            } else {
                for l in c.to_lowercase() {
                    feed(&mut h, l);
                }
            }
        } else if in_word {
            out.push(h);
            h = FNV_OFFSET;
            in_word = false;
        }
    }
    if in_word {
        out.push(h);
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FFFF) // CJK extensions B and on
}

/// The fingerprint of a run of word hashes: stable across platforms and versions, since
/// the built-in files store it.
fn gram(words: &[u64]) -> u32 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ words.len() as u64;
    for &w in words {
        h = (h.rotate_left(23) ^ w).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
    // splitmix64's finaliser, then the high half.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bench(builtin: bool, items: &[&str]) -> Benchmarks {
        let mut b = Benchmark::new("evals", builtin);
        for (i, t) in items.iter().enumerate() {
            b.push(i as u64 + 1, t);
        }
        Benchmarks::new(vec![b])
    }

    const Q: &str = "Janet has 3 apples and buys 5 more at the market, then gives 2 to her brother. How many apples does Janet have now?";

    #[test]
    fn words_ignore_case_and_punctuation() {
        assert_eq!(fingerprints("Hello, WORLD!"), fingerprints("hello world"));
        assert_ne!(fingerprints("hello world"), fingerprints("hello there"));
        let mut w = Vec::new();
        words("日本語 text", &mut w);
        assert_eq!(w.len(), 4);
    }

    #[test]
    fn finds_a_contained_item_by_text_and_by_hash() {
        for builtin in [false, true] {
            let b = bench(
                builtin,
                &[Q, "What is the capital of France and why is it there?"],
            );
            let mut s = Scratch::default();
            let text = format!("Solve step by step. {Q} Answer with a number.");
            let hit = b.find(&text, &mut s).unwrap();
            assert_eq!(hit.item, 0);
            assert!(hit.contained > 0.99, "{hit:?}");
            assert_eq!(hit.ratio.is_some(), !builtin);
            assert_eq!(
                b.find("Write a poem about the sea and the sky at night.", &mut s),
                None
            );
        }
    }

    #[test]
    fn fingerprints_round_trip() {
        let mut b = Benchmark::new("x", true);
        b.push(3, Q);
        b.push(4, "short one");
        let back = Benchmark::from_fingerprint_bytes("x", &b.to_fingerprint_bytes()).unwrap();
        assert_eq!(back.items.len(), 2);
        assert_eq!(back.items[0].1, b.items[0].1);
        assert_eq!(back.items[1].0.line, 4);
        assert!(Benchmark::from_fingerprint_bytes("x", b"TLFP").is_none());
    }
}
