//! An exact port of Python's `difflib.SequenceMatcher(None, a, b)` similarity for `str`
//! inputs, i.e. sequences of Unicode code points (one `char` per element, emoji included).
//!
//! Exact means: the same matching blocks as CPython's `get_matching_blocks()` and the same
//! `ratio()`, `quick_ratio()` and `real_quick_ratio()` bits. Three details of difflib decide
//! the result and are reproduced as-is:
//!
//! * the *autojunk* heuristic: when `len(b) >= 200`, every element occurring more than
//!   `len(b) // 100 + 1` times in `b` is "popular" and dropped from the `b2j` index, so
//!   `find_longest_match` never starts or continues a run on it. Popular elements are not
//!   junk (`isjunk=None` makes `bjunk` empty), so the extension loops that grow the best run
//!   on both sides still step over them. One consequence: `ratio("y" + "x"*250, "x"*250)` is
//!   `0.0`, because no run is ever found and the extension from `(0, 0)` stops at `y != x`;
//! * `find_longest_match` tie-breaking: the longest run that starts earliest in `a`, then
//!   earliest in `b`, as CPython's loop order (`i` ascending, `j` ascending, strict `>`)
//!   yields; the extension happens only once, on that winner;
//! * `ratio = 2.0 * M / (len(a) + len(b))`, `1.0` when both are empty.
//!
//! The `difflib` crate (0.4.0) inverts the popular-element filter and disagrees with Python
//! on strings of 200+ characters, which is why this is a port rather than a dependency.
//!
//! `b2j` is a compact index (positions of each distinct character of `b`, grouped by
//! character, ascending) with a direct table for ASCII; `find_longest_match` keeps its
//! `j2len` rows in one array indexed by `j`, validated by a generation stamp instead of a
//! dictionary per row. All buffers live in [`Matcher`] and are reused between calls.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One matching block: `a[a..a + size] == b[b..b + size]` (character indices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Match {
    pub a: usize,
    pub b: usize,
    pub size: usize,
}

/// Reusable matcher: keeps its buffers between calls (the dedup phase calls it millions of
/// times). Argument order matters, as in difflib: the index is built on `b`.
pub struct Matcher {
    a_buf: Vec<char>,
    b_buf: Vec<char>,
    core: Core,
    /// The bit-parallel LCS table of the `a` of the last [`Matcher::set_a`].
    lcs: Lcs,
    /// The q-gram and character counts of long texts, for [`Matcher::block_bound`].
    long: LongPair,
}

/// Pairs whose lengths multiply to at least this (two texts of 1,024 characters) try the
/// block bound ([`Matcher::block_bound`]) before the LCS: below it, the LCS costs less than
/// hashing and sorting the q-grams.
const BLOCK_BOUND_FROM: u64 = 1 << 20;
/// The q of the block bound's q-grams.
const Q: usize = 8;
/// Pairs whose lengths multiply to more than this (two texts of 131,072 characters) skip the
/// LCS bound, whose cost grows with the product (`len(a) · len(b) / 64` word steps).
const LCS_MAX_PRODUCT: u64 = 1 << 34;
/// The most steps the exact matching blocks of one pair may take (a step: one entry of a
/// `b2j` list visited, or one row of `find_longest_match`). About a second at worst; only
/// pathological pairs reach it (long texts with no popular character and thousands of
/// small common blocks), and such a pair is then not reported: a pair is reported only when
/// its exact ratio is known to exceed the threshold.
pub const EXACT_STEP_BUDGET: u64 = 1 << 30;
/// When the block bound has not settled a long pair, the exact search goes before the LCS
/// bound if its first pass costs at most this fraction of the LCS's word steps, with half of
/// them as its budget: near copies, which pass every bound, need a few passes over ever
/// smaller ranges.
const EXACT_FIRST_FACTOR: u64 = 8;
/// A pass of the exact search that costs at most this many steps per character of the two
/// texts is about a scan of them: the exact search then goes before the block bound...
const SCAN_LIKE: u64 = 2;
/// ... with a budget of this many passes (near copies need one per difference, over ever
/// smaller ranges, and sorting the q-grams costs about as much).
const SCAN_PASSES: u64 = 8;

/// How an exact search with a bound and a budget ended.
enum Search {
    /// It finished: the total size of the matching blocks.
    Done(usize),
    /// The ratio cannot exceed the threshold.
    AtMostThreshold,
    /// It took more steps than its budget.
    OverBudget,
}

/// Per-text data of the block bound, the `a` side computed once per [`Matcher::set_a`] and
/// only when a long pair needs it.
#[derive(Default)]
struct LongPair {
    a_ready: bool,
    a_grams_ready: bool,
    a_counts: CharCounts,
    a_grams: Vec<u32>,
    b_counts: CharCounts,
    b_grams: Vec<u32>,
    /// The characters of `a` and of `b` that are not popular in `b`, and the LCS of the two.
    rare_a: Vec<char>,
    rare_b: Vec<char>,
    rare_lcs: Lcs,
}

/// Occurrences of each character of a text.
struct CharCounts {
    ascii: [u32; 128],
    other: CharMap<u32>,
}

impl Default for CharCounts {
    fn default() -> Self {
        CharCounts {
            ascii: [0; 128],
            other: CharMap::default(),
        }
    }
}

impl CharCounts {
    fn count(&mut self, text: &[char]) {
        self.ascii = [0; 128];
        self.other.clear();
        for &c in text {
            if c.is_ascii() {
                self.ascii[c as usize] += 1;
            } else {
                *self.other.entry(c).or_insert(0) += 1;
            }
        }
    }

    fn get(&self, c: char) -> u32 {
        if c.is_ascii() {
            self.ascii[c as usize]
        } else {
            self.other.get(&c).copied().unwrap_or(0)
        }
    }

    /// Each distinct character and its count.
    fn iter(&self) -> impl Iterator<Item = (char, u32)> + '_ {
        (0u8..128)
            .filter(|&c| self.ascii[c as usize] > 0)
            .map(|c| (char::from(c), self.ascii[c as usize]))
            .chain(self.other.iter().map(|(&c, &n)| (c, n)))
    }
}

/// The hashes of the q-grams of `text`, sorted (equal hashes for equal q-grams; a collision
/// only makes two q-grams look equal).
fn sorted_grams(text: &[char], out: &mut Vec<u32>) {
    out.clear();
    if text.len() >= Q {
        out.extend(text.windows(Q).map(|w| {
            let mut h = 0u64;
            for &c in w {
                h = (h ^ u64::from(c)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                h ^= h >> 29;
            }
            (h >> 32) as u32
        }));
    }
    out.sort_unstable();
}

/// The size of the multiset intersection of two sorted lists.
fn common_sorted(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl Default for Matcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Matcher {
    pub fn new() -> Self {
        Matcher {
            a_buf: Vec::new(),
            b_buf: Vec::new(),
            core: Core::new(),
            lcs: Lcs::new(),
            long: LongPair::default(),
        }
    }

    /// `SequenceMatcher(None, a, b).ratio()`
    pub fn ratio(&mut self, a: &str, b: &str) -> f64 {
        self.load(a, b);
        self.core.ratio(&self.a_buf, &self.b_buf)
    }

    /// Cheap upper bound, as difflib's `real_quick_ratio()` (same value as Python).
    pub fn real_quick_ratio(a_len_chars: usize, b_len_chars: usize) -> f64 {
        calculate_ratio(a_len_chars.min(b_len_chars), a_len_chars + b_len_chars)
    }

    /// Upper bound, as difflib's `quick_ratio()` (same value as Python): the size of the
    /// multiset intersection of the characters.
    pub fn quick_ratio(&mut self, a: &str, b: &str) -> f64 {
        self.load(a, b);
        self.core.quick_ratio(&self.a_buf, &self.b_buf)
    }

    /// `Some(ratio(a, b))` when it is `> threshold`, else `None`; exact. The cheap bounds
    /// are tried first: `ratio <= quick_ratio <= real_quick_ratio` holds for the floats too
    /// (same denominator, numerators `M <= Q <= min(la, lb)`), so a bound at or below the
    /// threshold proves the answer without the full computation.
    pub fn exceeds(&mut self, a: &str, b: &str, threshold: f64) -> Option<f64> {
        self.load(a, b);
        self.core.exceeds(&self.a_buf, &self.b_buf, threshold)
    }

    /// Decodes `a` once for several [`Matcher::exceeds_against`] calls.
    pub fn set_a(&mut self, a: &str) {
        decode_into(a, &mut self.a_buf);
        self.lcs.set(&self.a_buf);
        self.long.a_ready = false;
        self.long.a_grams_ready = false;
    }

    /// [`Matcher::exceeds`] with the `a` of the last [`Matcher::set_a`]; the length bound is
    /// tried before `b` is even decoded.
    ///
    /// Then, for long pairs, the block bound (`Matcher::block_bound`): linear in the
    /// lengths (plus a sort), it rules out long texts that share words but not passages.
    ///
    /// The bound tried next is the longest common subsequence: the matching blocks are
    /// disjoint and in order in both texts, so together they are a common subsequence and
    /// `M <= LCS <= Q` (`Q` the `quick_ratio` count). On templated texts, where characters
    /// are shared but their order is not, it rules out almost every pair that passes
    /// `quick_ratio`, at a fraction of the cost of the matching blocks. Its cost grows with
    /// the product of the lengths, so it is skipped beyond `LCS_MAX_PRODUCT`.
    ///
    /// The exact matching blocks come last, stopped after [`EXACT_STEP_BUDGET`] steps: a
    /// pair stopped there is not reported (`None`), since its ratio was not confirmed.
    ///
    /// Except where they cost little: in long texts in which almost every character is
    /// popular, `b2j` is nearly empty and one pass of `find_longest_match` is a plain scan
    /// (`Matcher::long_counts` gives its cost before it runs). Near copies of such texts
    /// pass every bound, and the LCS would cost far more than the answer. So when a pass
    /// costs about a scan of the texts, the exact search goes first, on a budget of a few
    /// passes; and when the block bound has not settled the pair and a pass costs at most
    /// an eighth of the LCS, it goes before the LCS, on half the LCS's budget. Out of
    /// budget, the order above resumes.
    pub fn exceeds_against(&mut self, b: &str, threshold: f64) -> Option<f64> {
        let lb = if b.is_ascii() {
            b.len()
        } else {
            b.chars().count()
        };
        let la = self.a_buf.len();
        if Matcher::real_quick_ratio(la, lb) <= threshold {
            return None;
        }
        decode_into(b, &mut self.b_buf);
        if self.a_buf == self.b_buf {
            return (1.0 > threshold).then_some(1.0);
        }
        let product = la as u64 * lb as u64;
        let lcs = product <= LCS_MAX_PRODUCT;
        if let Some(limit) = max_failing_matches(la + lb, threshold) {
            if product >= BLOCK_BOUND_FROM && lb >= 200 {
                let (rare, scan) = self.long_counts();
                let lcs_words = lb as u64 * la.div_ceil(64) as u64;
                if scan <= SCAN_LIKE * (la + lb) as u64
                    && let Some(found) = self.exact(threshold, SCAN_PASSES * scan)
                {
                    return found;
                }
                if self.block_bound(rare, limit) <= limit {
                    return None;
                }
                if lcs
                    && scan.saturating_mul(EXACT_FIRST_FACTOR) <= lcs_words
                    && let Some(found) = self.exact(threshold, lcs_words / 2)
                {
                    return found;
                }
            }
            if lcs && self.lcs.run(&self.b_buf, limit) <= limit {
                return None;
            }
        }
        self.exact(threshold, EXACT_STEP_BUDGET).flatten()
    }

    /// The exact ratio of the `a` of the last [`Matcher::set_a`] and the last decoded `b`
    /// when it exceeds `threshold`: `Some(Some(ratio))`, `Some(None)` when it provably does
    /// not, `None` when the search took more than `budget` steps.
    fn exact(&mut self, threshold: f64, budget: u64) -> Option<Option<f64>> {
        let length = self.a_buf.len() + self.b_buf.len();
        match self
            .core
            .match_count_bounded(&self.a_buf, &self.b_buf, threshold, budget)
        {
            Search::Done(matches) => {
                let ratio = calculate_ratio(matches, length);
                Some((ratio > threshold).then_some(ratio))
            }
            Search::AtMostThreshold => Some(None),
            Search::OverBudget => None,
        }
    }

    /// An upper bound of difflib's `M` for the `a` of the last [`Matcher::set_a`] and the
    /// last decoded `b`, from the autojunk heuristic, or `usize::MAX` when it cannot be at
    /// most `limit`. Only for `b` of 200 characters or more, with `rare` (`R` below) from
    /// [`Matcher::long_counts`].
    ///
    /// Every matching block `find_longest_match` returns either contains a run of its `j2len`
    /// table, that is a position where `a` and `b` hold the same character that is not
    /// popular in `b`, or was found with no run at all and is then the forward extension from
    /// the start of its range. That start is `(0, 0)` or just after an earlier block, where
    /// the extension had stopped on a mismatch; so there is at most one block of the second
    /// kind. The blocks are disjoint in `a` and in `b`, so at most
    /// `R = Σ min(count_a(c), count_b(c))` over the characters `c` not popular in `b` are of
    /// the first kind, and `B <= R + 1` blocks in all. A block of `k` characters holds
    /// `k - q + 1` of the texts' common q-grams when `k >= q`: so `M <= G + (q - 1) · B`,
    /// with `G` the size of the multiset intersection of the q-grams of `a` and `b`.
    ///
    /// The blocks are also in the same order in both texts, so one shared non-popular
    /// character picked in each block of the first kind makes a common subsequence of the
    /// non-popular characters of `a` and of `b`: `B <= LCS(rare a, rare b) + 1`, computed
    /// when `R` alone is not enough (texts with many capitals or digits), on subsequences a
    /// fraction of the texts' length.
    ///
    /// Long natural texts make almost every letter popular (more than 1% of `b`), so `R` is
    /// small (capitals, digits, rare punctuation), and two different documents share few
    /// 8-grams: the bound settles them in linear time where the LCS is quadratic.
    fn block_bound(&mut self, rare: usize, limit: usize) -> usize {
        if Q - 1 > limit {
            return usize::MAX;
        }
        let long = &mut self.long;
        if !long.a_grams_ready {
            sorted_grams(&self.a_buf, &mut long.a_grams);
            long.a_grams_ready = true;
        }
        sorted_grams(&self.b_buf, &mut long.b_grams);
        let grams = common_sorted(&long.a_grams, &long.b_grams);
        let bound = |blocks: usize| grams.saturating_add((Q - 1).saturating_mul(blocks));
        if bound(rare + 1) <= limit || bound(1) > limit {
            return bound(rare + 1);
        }
        // The blocks of the first kind, one shared non-popular character picked in each,
        // are a common subsequence of the texts' non-popular characters.
        let most = (limit - grams) / (Q - 1) - 1;
        let popular = (self.b_buf.len() / 100 + 1) as u32;
        let b_counts = &long.b_counts;
        let is_rare = |c: &&char| (1..=popular).contains(&b_counts.get(**c));
        long.rare_a.clear();
        long.rare_a.extend(self.a_buf.iter().filter(is_rare));
        long.rare_b.clear();
        long.rare_b.extend(self.b_buf.iter().filter(is_rare));
        long.rare_lcs.set(&long.rare_a);
        bound(long.rare_lcs.run(&long.rare_b, most).min(rare) + 1)
    }

    /// For a `b` of 200 characters or more: `R` of [`Matcher::block_bound`], and what one
    /// pass of `find_longest_match` over the whole texts costs in steps (`len(a)` rows plus
    /// `Σ count_a(c) · count_b(c)` over the characters not popular in `b`), the first and
    /// largest pass of the exact search. Linear in the lengths.
    fn long_counts(&mut self) -> (usize, u64) {
        let lb = self.b_buf.len();
        let long = &mut self.long;
        if !long.a_ready {
            long.a_counts.count(&self.a_buf);
            long.a_ready = true;
        }
        long.b_counts.count(&self.b_buf);
        let popular = (lb / 100 + 1) as u32;
        let (mut rare, mut scan) = (0usize, self.a_buf.len() as u64);
        for (c, n) in long.b_counts.iter().filter(|&(_, n)| n <= popular) {
            let in_a = long.a_counts.get(c);
            rare += n.min(in_a) as usize;
            scan += u64::from(n) * u64::from(in_a);
        }
        (rare, scan)
    }

    /// [`Matcher::block_bound`] of `a` and `b` with `limit` (tests).
    #[cfg(test)]
    fn block_bound_of(&mut self, a: &str, b: &str, limit: usize) -> usize {
        self.set_a(a);
        decode_into(b, &mut self.b_buf);
        if self.b_buf.len() < 200 {
            return usize::MAX;
        }
        let (rare, _) = self.long_counts();
        self.block_bound(rare, limit)
    }

    /// The length of the longest common subsequence of the `a` of the last
    /// [`Matcher::set_a`] and `b`: an upper bound of the matches `ratio()` counts.
    pub fn lcs_len(&mut self, b: &str) -> usize {
        decode_into(b, &mut self.b_buf);
        self.lcs.len(&self.b_buf)
    }

    /// `SequenceMatcher(None, a, b).get_matching_blocks()`, with the final dummy
    /// `(len(a), len(b), 0)`.
    pub fn matching_blocks(&mut self, a: &str, b: &str) -> Vec<Match> {
        self.load(a, b);
        self.core.matching_blocks(&self.a_buf, &self.b_buf)
    }

    fn load(&mut self, a: &str, b: &str) {
        decode_into(a, &mut self.a_buf);
        decode_into(b, &mut self.b_buf);
    }
}

fn decode_into(s: &str, buf: &mut Vec<char>) {
    buf.clear();
    if s.is_ascii() {
        buf.extend(s.bytes().map(char::from));
    } else {
        buf.extend(s.chars());
    }
}

/// A text's length in characters and its characters counted into 64 buckets: enough for an
/// upper bound of the matches of two texts (`quick_ratio`'s count, coarsened) without
/// reading either text. 68 bytes, kept per example next to its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    chars: u32,
    /// Characters per bucket, saturating at 255.
    buckets: [u8; 64],
}

impl Profile {
    pub fn of(text: &str) -> Profile {
        let mut buckets = [0u8; 64];
        let mut chars = 0u32;
        for c in text.chars() {
            let bucket = if c.is_ascii() {
                c as usize % 64
            } else {
                ((c as u32).wrapping_mul(0x9E37_79B9) >> 26) as usize
            };
            buckets[bucket] = buckets[bucket].saturating_add(1);
            chars += 1;
        }
        Profile { chars, buckets }
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        self.chars as usize
    }

    pub fn is_empty(&self) -> bool {
        self.chars == 0
    }

    /// An upper bound of the matching characters of the two texts, hence of `M`: each
    /// bucket shares at most the smaller of its two counts, whatever characters fell in it,
    /// so the sum is at least the multiset intersection. A saturated count is a lower bound
    /// of the true one, so the minimum is still exact when one side saturates; when both
    /// do, the bound falls back to the shorter length.
    pub fn match_bound(&self, other: &Profile) -> usize {
        let mut sum = 0usize;
        let mut both_full = false;
        for (&x, &y) in self.buckets.iter().zip(&other.buckets) {
            sum += usize::from(x.min(y));
            both_full |= x == u8::MAX && y == u8::MAX;
        }
        let shorter = self.len().min(other.len());
        if both_full { shorter } else { sum.min(shorter) }
    }

    /// Whether `ratio()` of the two texts can exceed `threshold`, judging by the profiles
    /// alone; `false` is exact (the ratio is then at most `threshold`).
    pub fn may_exceed(&self, other: &Profile, threshold: f64) -> bool {
        calculate_ratio(self.match_bound(other), self.len() + other.len()) > threshold
    }
}

/// Bit-parallel LCS length (Allison–Dix, as in Hyyrö's formulation): one bit per character
/// of `a`; each character of `b` updates the bit vector `V` with an addition, so a pair
/// costs `len(b) · ⌈len(a) / 64⌉` word steps. The match masks of `a` are built once for
/// all the `b`s it is compared with.
struct Lcs {
    words: usize,
    len: usize,
    /// Row of each ASCII character of `a` in `masks`, else `NONE`.
    ascii_row: [u32; 128],
    other_row: CharMap<u32>,
    /// `masks[row * words..][..words]`: bit `i` set where `a[i]` is the row's character.
    masks: Vec<u64>,
    v: Vec<u64>,
}

impl Default for Lcs {
    fn default() -> Self {
        Lcs::new()
    }
}

impl Lcs {
    fn new() -> Self {
        Lcs {
            words: 0,
            len: 0,
            ascii_row: [NONE; 128],
            other_row: CharMap::default(),
            masks: Vec::new(),
            v: Vec::new(),
        }
    }

    fn set(&mut self, a: &[char]) {
        self.ascii_row = [NONE; 128];
        self.other_row.clear();
        self.masks.clear();
        self.len = a.len();
        self.words = a.len().div_ceil(64);
        let words = self.words;
        for (i, &c) in a.iter().enumerate() {
            let slot = if c.is_ascii() {
                &mut self.ascii_row[c as usize]
            } else {
                self.other_row.entry(c).or_insert(NONE)
            };
            if *slot == NONE {
                *slot = (self.masks.len() / words) as u32;
                self.masks.resize(self.masks.len() + words, 0);
            }
            self.masks[*slot as usize * words + i / 64] |= 1 << (i % 64);
        }
    }

    /// LCS length of the last `set` text and `b`.
    fn len(&mut self, b: &[char]) -> usize {
        self.run(b, usize::MAX)
    }

    /// The LCS length of the last `set` text and `b` when it exceeds `limit`; otherwise some
    /// value at most `limit`, found as soon as the characters of `b` read so far prove it.
    ///
    /// The proof: after `j` characters of `b`, the zero bits among the first `i` of `V` are
    /// `Z(i) = LCS(a[..i], b[..j])`, and an alignment of the whole texts matches `b[..j]`
    /// within some `a[..i]` and the rest of `b` at most `min(len(a) - i, len(b) - j)` times,
    /// so `LCS ≤ max_i Z(i) + min(len(a) - i, len(b) - j)`. `Z` grows by at most one per
    /// bit, so the maximum is at `i = len(a) - (len(b) - j)`. On a pair that is not alike,
    /// `Z` there falls behind `j` from the start (it counts what `b[..j]` shares with the
    /// same stretch of `a`, not with the whole of it), and the search stops a third of the
    /// way through `b` rather than at its end.
    fn run(&mut self, b: &[char], limit: usize) -> usize {
        let words = self.words;
        if words == 0 {
            return 0;
        }
        self.v.clear();
        self.v.resize(words, !0);
        let v = &mut self.v[..];
        let tail = self.len - (words - 1) * 64;
        let top_mask = if tail == 64 { !0 } else { (1u64 << tail) - 1 };
        let zeros = |v: &[u64]| -> usize {
            let (last, rest) = v.split_last().expect("words > 0");
            let ones: u32 =
                rest.iter().map(|x| x.count_ones()).sum::<u32>() + (last & top_mask).count_ones();
            self.len - ones as usize
        };
        // Z(i): the zero bits among the first `i` of `v` (i ≤ len(a)).
        let zeros_below = |v: &[u64], i: usize| -> usize {
            let (full, part) = (i / 64, i % 64);
            let mut ones: u32 = v[..full].iter().map(|x| x.count_ones()).sum();
            if part > 0 {
                ones += (v[full] & ((1u64 << part) - 1)).count_ones();
            }
            i - ones as usize
        };
        for (j, &c) in b.iter().enumerate() {
            if j % 16 == 0 && limit != usize::MAX {
                let rest = b.len() - j;
                let bound = match self.len.checked_sub(rest) {
                    Some(i) => zeros_below(v, i) + rest,
                    None => self.len,
                };
                if bound <= limit {
                    return limit;
                }
            }
            let row = if c.is_ascii() {
                self.ascii_row[c as usize]
            } else {
                self.other_row.get(&c).copied().unwrap_or(NONE)
            };
            if row == NONE {
                // No match bits: V' = (V + 0) | V = V.
                continue;
            }
            let mask = &self.masks[row as usize * words..][..words];
            // V' = (V + (V & M)) | (V & !M), the addition carrying across words.
            let mut carry = false;
            for (w, &m) in v.iter_mut().zip(mask) {
                let u = *w & m;
                let (sum, c1) = w.overflowing_add(u);
                let (sum, c2) = sum.overflowing_add(u64::from(carry));
                carry = c1 | c2;
                *w = sum | (*w & !m);
            }
        }
        // The zero bits among the first len(a) are the LCS.
        zeros(v)
    }
}

/// The most matches for which `2·M / length` is still at most `threshold`, by the same
/// float computation as the ratio (`None` when even 0 matches exceed it).
fn max_failing_matches(length: usize, threshold: f64) -> Option<usize> {
    if calculate_ratio(0, length) > threshold {
        return None;
    }
    // An estimate, then corrected against the exact computation (monotone in M).
    let mut m = ((threshold * length as f64 / 2.0).max(0.0) as usize).min(length);
    while m > 0 && calculate_ratio(m, length) > threshold {
        m -= 1;
    }
    while m < length && calculate_ratio(m + 1, length) <= threshold {
        m += 1;
    }
    Some(m)
}

/// difflib's `_calculate_ratio`.
fn calculate_ratio(matches: usize, length: usize) -> f64 {
    if length > 0 {
        2.0 * matches as f64 / length as f64
    } else {
        1.0
    }
}

/// Symbol id meaning "not in `b2j`" (absent from `b`, or popular).
const NONE: u32 = u32::MAX;

/// Multiplicative hasher for `char` keys (Fx-style); the keys are not attacker-chosen in a
/// way that matters here, and SipHash would dominate the non-ASCII path.
#[derive(Default, Clone, Copy)]
struct CharHasher(u64);

impl Hasher for CharHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u32(u32::from(byte));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type CharMap<V> = HashMap<char, V, BuildHasherDefault<CharHasher>>;

struct Core {
    // ---- b2j: symbol ids for the distinct characters of b ----
    /// Symbol of each ASCII character present in the current `b`, else `NONE`.
    ascii_sym: [u32; 128],
    /// Symbol of each non-ASCII character present in the current `b`.
    other_sym: CharMap<u32>,
    /// Character of each symbol (to reset `ascii_sym`).
    sym_char: Vec<char>,
    /// Occurrences of each symbol in `b`; then reused as fill cursors.
    sym_count: Vec<u32>,
    /// `positions[sym_start[s]..sym_start[s + 1]]`: ascending indices of symbol `s` in `b`;
    /// empty for popular symbols.
    sym_start: Vec<u32>,
    positions: Vec<u32>,
    /// Symbol of each element of `b`, then of `a` (`NONE` when not in `b2j`).
    bsym: Vec<u32>,
    asym: Vec<u32>,
    // ---- find_longest_match ----
    /// `j2len[j + 1] = (stamp, k)`: a run of length `k` ends at `b[j]` in the row stamped
    /// `stamp`. Stamps only grow (until a wrap resets everything to `(0, 0)`), so stale
    /// entries never look current; a `(0, 0)` entry reads as "no run" whatever its stamp.
    j2len: Vec<(u32, u32)>,
    generation: u32,
    /// Steps taken by the current `match_count_bounded`: rows plus `b2j` entries visited.
    steps: u64,
    // ---- get_matching_blocks ----
    queue: Vec<(usize, usize, usize, usize)>,
    blocks: Vec<Match>,
    // ---- quick_ratio ----
    ascii_count: [i32; 128],
    other_count: CharMap<i32>,
}

impl Core {
    fn new() -> Self {
        Core {
            ascii_sym: [NONE; 128],
            other_sym: CharMap::default(),
            sym_char: Vec::new(),
            sym_count: Vec::new(),
            sym_start: Vec::new(),
            positions: Vec::new(),
            bsym: Vec::new(),
            asym: Vec::new(),
            j2len: Vec::new(),
            generation: 0,
            steps: 0,
            queue: Vec::new(),
            blocks: Vec::new(),
            ascii_count: [0; 128],
            other_count: CharMap::default(),
        }
    }

    fn ratio(&mut self, a: &[char], b: &[char]) -> f64 {
        // Identical inputs always match in full, popular elements or not: the longest run
        // is then on the diagonal (a run at (i, j) with j < i would also exist at (j, j)),
        // and with no run at all the forward extension from (alo, blo) covers the range.
        if a == b {
            return 1.0;
        }
        let matches = self.match_count(a, b);
        calculate_ratio(matches, a.len() + b.len())
    }

    fn exceeds(&mut self, a: &[char], b: &[char], threshold: f64) -> Option<f64> {
        if Matcher::real_quick_ratio(a.len(), b.len()) <= threshold {
            return None;
        }
        if self.quick_ratio(a, b) <= threshold {
            return None;
        }
        if a == b {
            return (1.0 > threshold).then_some(1.0);
        }
        let Search::Done(matches) = self.match_count_bounded(a, b, threshold, u64::MAX) else {
            return None;
        };
        let ratio = calculate_ratio(matches, a.len() + b.len());
        (ratio > threshold).then_some(ratio)
    }

    fn quick_ratio(&mut self, a: &[char], b: &[char]) -> f64 {
        // difflib's `avail` bookkeeping amounts to: each element of `a` counts as a match
        // while copies of it remain unclaimed in `b`.
        self.ascii_count = [0; 128];
        self.other_count.clear();
        for &c in b {
            if c.is_ascii() {
                self.ascii_count[c as usize] += 1;
            } else {
                *self.other_count.entry(c).or_insert(0) += 1;
            }
        }
        let mut matches = 0;
        for &c in a {
            let avail = if c.is_ascii() {
                &mut self.ascii_count[c as usize]
            } else {
                match self.other_count.get_mut(&c) {
                    Some(n) => n,
                    None => continue,
                }
            };
            if *avail > 0 {
                matches += 1;
            }
            *avail -= 1;
        }
        calculate_ratio(matches, a.len() + b.len())
    }

    fn matching_blocks(&mut self, a: &[char], b: &[char]) -> Vec<Match> {
        self.match_count(a, b);
        self.blocks.sort_unstable();
        let mut out = Vec::with_capacity(self.blocks.len() + 1);
        let (mut i1, mut j1, mut k1) = (0, 0, 0);
        for &Match {
            a: i2,
            b: j2,
            size: k2,
        } in &self.blocks
        {
            if i1 + k1 == i2 && j1 + k1 == j2 {
                k1 += k2;
            } else {
                if k1 > 0 {
                    out.push(Match {
                        a: i1,
                        b: j1,
                        size: k1,
                    });
                }
                (i1, j1, k1) = (i2, j2, k2);
            }
        }
        if k1 > 0 {
            out.push(Match {
                a: i1,
                b: j1,
                size: k1,
            });
        }
        out.push(Match {
            a: a.len(),
            b: b.len(),
            size: 0,
        });
        out
    }

    /// `get_matching_blocks()` before its sort and merge (which keep the sum): fills
    /// `self.blocks` in discovery order and returns the total size `M`.
    fn match_count(&mut self, a: &[char], b: &[char]) -> usize {
        // No ratio is at or below -inf: the search runs to the end.
        match self.match_count_bounded(a, b, f64::NEG_INFINITY, u64::MAX) {
            Search::Done(matches) => matches,
            Search::AtMostThreshold | Search::OverBudget => 0,
        }
    }

    /// [`Core::match_count`], or [`Search::AtMostThreshold`] as soon as the ratio provably
    /// cannot exceed `threshold`. The blocks are found independently per sub-range, so the
    /// matches still to come are at most the shorter side of every queued range; once the
    /// matches found plus that bound give a ratio at or below the threshold (the same float
    /// computation as the final ratio, monotone in the match count), the true ratio is too.
    /// [`Search::OverBudget`] once the search has taken more than `budget` steps (see
    /// [`EXACT_STEP_BUDGET`]).
    fn match_count_bounded(
        &mut self,
        a: &[char],
        b: &[char],
        threshold: f64,
        budget: u64,
    ) -> Search {
        let length = a.len() + b.len();
        self.steps = 0;
        self.chain_b(b);
        self.index_a(a);
        self.blocks.clear();
        self.queue.clear();
        self.queue.push((0, a.len(), 0, b.len()));
        let mut matches = 0;
        let mut pending = a.len().min(b.len());
        // Python's list.pop() takes the last entry: a depth-first order, right part first.
        while let Some((alo, ahi, blo, bhi)) = self.queue.pop() {
            pending -= (ahi - alo).min(bhi - blo);
            let m = self.find_longest_match(a, b, alo, ahi, blo, bhi);
            let (i, j, k) = (m.a, m.b, m.size);
            if k > 0 {
                self.blocks.push(m);
                matches += k;
                if alo < i && blo < j {
                    self.queue.push((alo, i, blo, j));
                    pending += (i - alo).min(j - blo);
                }
                if i + k < ahi && j + k < bhi {
                    self.queue.push((i + k, ahi, j + k, bhi));
                    pending += (ahi - i - k).min(bhi - j - k);
                }
            }
            if calculate_ratio(matches + pending, length) <= threshold {
                return Search::AtMostThreshold;
            }
            if self.steps > budget {
                return Search::OverBudget;
            }
        }
        Search::Done(matches)
    }

    /// difflib's `__chain_b` with `isjunk=None` and `autojunk=True`.
    fn chain_b(&mut self, b: &[char]) {
        // Forget the previous b's symbols.
        for &c in &self.sym_char {
            if c.is_ascii() {
                self.ascii_sym[c as usize] = NONE;
            }
        }
        if !self.other_sym.is_empty() {
            self.other_sym.clear();
        }
        self.sym_char.clear();
        self.sym_count.clear();
        self.bsym.clear();

        for &c in b {
            let slot = if c.is_ascii() {
                &mut self.ascii_sym[c as usize]
            } else {
                self.other_sym.entry(c).or_insert(NONE)
            };
            if *slot == NONE {
                *slot = self.sym_char.len() as u32;
                self.sym_char.push(c);
                self.sym_count.push(0);
            }
            let s = *slot;
            self.sym_count[s as usize] += 1;
            self.bsym.push(s);
        }

        // The popular-element heuristic: drop elements occurring more than
        // len(b) // 100 + 1 times, for len(b) >= 200.
        if b.len() >= 200 {
            let ntest = (b.len() / 100 + 1) as u32;
            for count in &mut self.sym_count {
                if *count > ntest {
                    *count = 0;
                }
            }
        }

        // Group the positions by symbol; `sym_count` becomes each group's fill cursor.
        self.sym_start.clear();
        let mut total = 0u32;
        for count in &mut self.sym_count {
            self.sym_start.push(total);
            let n = *count;
            *count = total;
            total += n;
        }
        self.sym_start.push(total);
        self.positions.clear();
        self.positions.resize(total as usize, 0);
        for (j, &s) in self.bsym.iter().enumerate() {
            let s = s as usize;
            if self.sym_start[s] < self.sym_start[s + 1] {
                let cursor = &mut self.sym_count[s];
                self.positions[*cursor as usize] = j as u32;
                *cursor += 1;
            }
        }

        if self.j2len.len() < b.len() + 1 {
            self.j2len.resize(b.len() + 1, (0, 0));
        }
    }

    /// The `b2j` symbol of each element of `a` (`NONE` when `b2j` has no entry for it).
    fn index_a(&mut self, a: &[char]) {
        self.asym.clear();
        for &c in a {
            let s = if c.is_ascii() {
                self.ascii_sym[c as usize]
            } else {
                self.other_sym.get(&c).copied().unwrap_or(NONE)
            };
            let live = s != NONE && {
                let s = s as usize;
                self.sym_start[s] < self.sym_start[s + 1]
            };
            self.asym.push(if live { s } else { NONE });
        }
    }

    /// difflib's `find_longest_match(alo, ahi, blo, bhi)` with an empty `bjunk`.
    fn find_longest_match(
        &mut self,
        a: &[char],
        b: &[char],
        alo: usize,
        ahi: usize,
        blo: usize,
        bhi: usize,
    ) -> Match {
        let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0usize);

        // Rows alo..ahi get stamps base+1..=base+(ahi-alo); nothing carries stamp `base`.
        let rows = (ahi - alo) as u32;
        if u32::MAX - self.generation <= rows + 1 {
            self.j2len.iter_mut().for_each(|e| *e = (0, 0));
            self.generation = 0;
        }
        let base = self.generation;
        self.generation = base + rows + 1;

        // Plain locals keep the hot loop in registers.
        let asym = &self.asym[alo..ahi];
        let sym_start = &self.sym_start[..];
        let positions = &self.positions[..];
        let j2len = &mut self.j2len[..=bhi];
        let mut steps = (ahi - alo) as u64;

        for (row, &s) in asym.iter().enumerate() {
            if s == NONE {
                // Python's row dict is then empty: chains break, which the stamps give.
                continue;
            }
            let i = alo + row;
            let stamp = base + row as u32 + 1;
            let list =
                &positions[sym_start[s as usize] as usize..sym_start[s as usize + 1] as usize];
            // Bounds checks on the ends first: most lists are short and lie inside.
            let (Some(&first), Some(&last)) = (list.first(), list.last()) else {
                continue;
            };
            let lo = if first as usize >= blo {
                0
            } else {
                list.partition_point(|&j| (j as usize) < blo)
            };
            let hi = if (last as usize) < bhi {
                list.len()
            } else {
                list.partition_point(|&j| (j as usize) < bhi)
            };
            steps += (hi - lo) as u64;
            // Descending j lets one array serve as both the previous row (read at j) and
            // the current one (written at j + 1). CPython scans ascending with a strict `>`,
            // so within a row it keeps the smallest j of the row's longest run; going
            // downwards, an equal run found in this same row must therefore replace it.
            for &j in list[lo..hi].iter().rev() {
                let j = j as usize;
                let (prev_stamp, prev_k) = j2len[j];
                // Branch-free: whether a run continues is data-dependent and unpredictable.
                let k = (prev_k * u32::from(prev_stamp == stamp - 1) + 1) as usize;
                j2len[j + 1] = (stamp, k as u32);
                if k > bestsize || (k == bestsize && besti + k == i + 1) {
                    besti = i + 1 - k;
                    bestj = j + 1 - k;
                    bestsize = k;
                }
            }
        }

        self.steps += steps;

        // Extend over equal elements on both sides (popular ones included: they are not
        // junk). The two junk-only extension loops of CPython never run with bjunk empty.
        while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] {
            besti -= 1;
            bestj -= 1;
            bestsize += 1;
        }
        while besti + bestsize < ahi
            && bestj + bestsize < bhi
            && a[besti + bestsize] == b[bestj + bestsize]
        {
            bestsize += 1;
        }
        Match {
            a: besti,
            b: bestj,
            size: bestsize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;
    use std::process::Command;

    fn m(a: usize, b: usize, size: usize) -> Match {
        Match { a, b, size }
    }

    #[test]
    fn empty_strings() {
        let mut sm = Matcher::new();
        assert_eq!(sm.ratio("", ""), 1.0);
        assert_eq!(sm.quick_ratio("", ""), 1.0);
        assert_eq!(Matcher::real_quick_ratio(0, 0), 1.0);
        assert_eq!(sm.ratio("abc", ""), 0.0);
        assert_eq!(sm.ratio("", "abc"), 0.0);
        assert_eq!(sm.quick_ratio("", "abc"), 0.0);
        assert_eq!(Matcher::real_quick_ratio(3, 0), 0.0);
        assert_eq!(sm.matching_blocks("", ""), vec![m(0, 0, 0)]);
    }

    #[test]
    fn identical_and_disjoint() {
        let mut sm = Matcher::new();
        assert_eq!(sm.ratio("hello world", "hello world"), 1.0);
        assert_eq!(sm.ratio("abc", "xyz"), 0.0);
        assert_eq!(sm.quick_ratio("abc", "xyz"), 0.0);
        assert_eq!(sm.matching_blocks("abc", "xyz"), vec![m(3, 3, 0)]);
        // Identical long strings made of one popular character still match in full.
        let x = "x".repeat(300);
        assert_eq!(
            sm.matching_blocks(&x, &x),
            vec![m(0, 0, 300), m(300, 300, 0)]
        );
    }

    #[test]
    fn python_doc_examples() {
        let mut sm = Matcher::new();
        assert_eq!(sm.ratio("abcd", "bcde"), 0.75);
        assert_eq!(sm.quick_ratio("abcd", "bcde"), 0.75);
        assert_eq!(Matcher::real_quick_ratio(4, 4), 1.0);
        assert_eq!(
            sm.matching_blocks("abxcd", "abcd"),
            vec![m(0, 0, 2), m(3, 2, 2), m(5, 4, 0)]
        );
        // find_longest_match(" abcd", "abcd abcd") = (0, 4, 5): earliest i wins.
        assert_eq!(
            sm.matching_blocks(" abcd", "abcd abcd"),
            vec![m(0, 4, 5), m(5, 9, 0)]
        );
        assert_eq!(
            sm.matching_blocks("qabxcd", "abycdf"),
            vec![m(1, 0, 2), m(4, 3, 2), m(6, 6, 0)]
        );
    }

    #[test]
    fn popular_filter_changes_the_result() {
        let mut sm = Matcher::new();
        // len(b) = 200 and 'x' occurs 197 > 200 // 100 + 1 times: 'x' is popular, so the
        // ten x's of a can't be found; "abc" is matched instead (Python: 0.028169014084507043;
        // without autojunk it would be 20 / 213).
        let a = format!("{}abc", "x".repeat(10));
        let b = format!("abc{}", "x".repeat(197));
        assert_eq!(sm.matching_blocks(&a, &b), vec![m(10, 0, 3), m(13, 200, 0)]);
        assert_eq!(sm.ratio(&a, &b).to_bits(), (6.0f64 / 213.0).to_bits());
        assert_eq!(sm.ratio(&a, &b), 0.028169014084507043);
        // One character shorter, b is under 200 and nothing is popular.
        let b = format!("abc{}", "x".repeat(196));
        assert_eq!(sm.matching_blocks(&a, &b), vec![m(0, 3, 10), m(13, 199, 0)]);
        // No run at all, and the extension from (0, 0) stops at once: 0.0 (Python agrees).
        let a = format!("y{}", "x".repeat(250));
        let b = "x".repeat(250);
        assert_eq!(sm.ratio(&a, &b), 0.0);
        // ... but popular elements are not junk: the run "q" found at (0, 0) extends over
        // the x's, then "r" is matched in the right remainder (Python agrees).
        let a = format!("q{}r", "x".repeat(250));
        let b = format!("q{}r", "x".repeat(251));
        assert_eq!(
            sm.matching_blocks(&a, &b),
            vec![m(0, 0, 251), m(251, 252, 1), m(252, 253, 0)]
        );
    }

    #[test]
    fn non_ascii_and_emoji_count_as_one_element() {
        let mut sm = Matcher::new();
        let (a, b) = ("héllo wörld 🎉👍", "hello world 🎉");
        assert_eq!(
            sm.matching_blocks(a, b),
            vec![m(0, 0, 1), m(2, 2, 5), m(8, 8, 5), m(14, 13, 0)]
        );
        assert_eq!(sm.ratio(a, b), 0.8148148148148148);
        assert_eq!(sm.quick_ratio(a, b), 0.8148148148148148);
        assert_eq!(sm.ratio("日本語", "日本"), 0.8);
        assert_eq!(sm.ratio("🎉", "🎊"), 0.0);
    }

    #[test]
    fn exceeds_uses_bounds_and_is_exact() {
        let mut sm = Matcher::new();
        assert_eq!(sm.exceeds("abcd", "bcde", 0.7), Some(0.75));
        assert_eq!(sm.exceeds("abcd", "bcde", 0.75), None);
        assert_eq!(sm.exceeds("a", "abcdefgh", 0.5), None); // real_quick_ratio 2/9
        assert_eq!(sm.exceeds("abcd", "dcba", 0.5), None); // ratio 0.25, quick 1.0
        assert_eq!(sm.exceeds("", "", 0.99), Some(1.0));
    }

    #[test]
    fn generation_wraparound_keeps_results() {
        let pairs = [
            ("the quick brown fox jumps", "the quick brown dog jumps"),
            ("abcabcabcabc", "cbacbacbacba"),
            ("ab ab ab ab ab ab", "ab ab ab ab ab"),
        ];
        let mut fresh = Matcher::new();
        let mut worn = Matcher::new();
        for start in [u32::MAX - 40, u32::MAX - 3, u32::MAX] {
            for (a, b) in pairs {
                worn.core.generation = start;
                assert_eq!(worn.matching_blocks(a, b), fresh.matching_blocks(a, b));
                worn.core.generation = start;
                assert_eq!(worn.ratio(a, b).to_bits(), fresh.ratio(a, b).to_bits());
            }
        }
    }

    /// Deterministic generator (splitmix64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    const ALPHABETS: &[&str] = &[
        "a",
        "ab",
        "abc",
        "abcd",
        "ab ",
        "xyzw ",
        "abcdefghij",
        "abcdefghijklmnopqrstuvwxyz ",
        "aé日🎉",
        "ab🎉",
        "αβγδ ",
    ];

    const WORDS: &[&str] = &[
        "the",
        "a",
        "of",
        "and",
        "to",
        "in",
        "is",
        "you",
        "that",
        "it",
        "for",
        "write",
        "please",
        "explain",
        "how",
        "what",
        "why",
        "function",
        "python",
        "list",
        "data",
        "model",
        "story",
        "summary",
        "about",
        "with",
        "user",
        "question",
        "answer",
        "give",
        "me",
        "three",
        "examples",
        "describe",
        "difference",
        "between",
        "café",
        "naïve",
        "東京",
        "🙂",
    ];

    fn random_string(rng: &mut Rng, alphabet: &[char], len: usize) -> String {
        (0..len).map(|_| *rng.pick(alphabet)).collect()
    }

    fn sentence(rng: &mut Rng, max_chars: usize) -> String {
        let mut s = String::new();
        while s.chars().count() < max_chars {
            if !s.is_empty() {
                s.push_str(if rng.below(12) == 0 { ", " } else { " " });
            }
            let word: &&str = rng.pick(WORDS);
            s.push_str(word);
        }
        s.chars().take(max_chars).collect()
    }

    /// Typos, word swaps, insertions and deletions, 1..=4 of them.
    fn mutate(rng: &mut Rng, s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let n = chars.len();
            match rng.below(5) {
                0 if n > 0 => {
                    let i = rng.below(n);
                    chars[i] = *rng.pick(&['x', 'e', ' ', 'q', 'é', '🎉']);
                }
                1 => {
                    // Swap two words.
                    let text: String = chars.iter().collect();
                    let mut words: Vec<&str> = text.split(' ').collect();
                    if words.len() > 1 {
                        let i = rng.below(words.len());
                        let j = rng.below(words.len());
                        words.swap(i, j);
                    }
                    chars = words.join(" ").chars().collect();
                }
                2 => {
                    let i = rng.below(n + 1);
                    let ins: Vec<char> = rng.pick(WORDS).chars().chain([' ']).collect();
                    chars.splice(i..i, ins);
                }
                3 if n > 0 => {
                    let i = rng.below(n);
                    let len = 1 + rng.below(12.min(n - i));
                    chars.drain(i..i + len);
                }
                _ => {
                    // Duplicate a slice elsewhere (creates repeated runs for tie-breaking).
                    if n > 2 {
                        let i = rng.below(n - 1);
                        let len = 1 + rng.below(20.min(n - i));
                        let piece: Vec<char> = chars[i..i + len].to_vec();
                        let at = rng.below(n + 1);
                        chars.splice(at..at, piece);
                    }
                }
            }
        }
        chars.into_iter().collect()
    }

    fn truncate_chars(s: &str, n: usize) -> String {
        s.chars().take(n).collect()
    }

    /// First user message of each of the first lines of every `*.jsonl` file there.
    fn real_messages(dir: &Path, per_file: usize) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let mut taken = 0;
            for line in text.lines() {
                if taken == per_file {
                    break;
                }
                let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let first_user = value["messages"].as_array().and_then(|msgs| {
                    msgs.iter()
                        .find(|m| m["role"] == "user")
                        .and_then(|m| m["content"].as_str())
                });
                if let Some(content) = first_user {
                    out.push(content.to_owned());
                    taken += 1;
                }
            }
        }
        out
    }

    fn generate_pairs() -> Vec<(String, String)> {
        let mut rng = Rng(0x7475_6e65_6c69_6e74);
        let mut pairs = Vec::new();
        // Random strings over small alphabets: long runs, popular characters, ties.
        for n in 0..3000 {
            let alphabet: Vec<char> = rng.pick(ALPHABETS).chars().collect();
            let la = match n % 4 {
                0 => rng.below(40),
                1 => rng.below(200),
                2 => 180 + rng.below(60), // around the 200 threshold
                _ => rng.below(600),
            };
            let a = random_string(&mut rng, &alphabet, la);
            let b = if rng.below(2) == 0 {
                let lb = if rng.below(2) == 0 {
                    la
                } else {
                    rng.below(600)
                };
                random_string(&mut rng, &alphabet, lb)
            } else {
                mutate(&mut rng, &a)
            };
            pairs.push((a, b));
        }
        // English-like sentences and their mutations.
        for _ in 0..2000 {
            let max_chars = 10 + rng.below(500);
            let base = sentence(&mut rng, max_chars);
            let other = mutate(&mut rng, &base);
            if rng.below(2) == 0 {
                pairs.push((base, other));
            } else {
                pairs.push((other, base));
            }
        }
        // Real first user messages: mutated, and against their neighbours.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chat");
        let real: Vec<String> = real_messages(&dir, 60)
            .iter()
            .map(|s| truncate_chars(s, 700))
            .collect();
        for (idx, msg) in real.iter().enumerate() {
            pairs.push((msg.clone(), mutate(&mut rng, msg)));
            if let Some(next) = real.get(idx + 1) {
                pairs.push((msg.clone(), next.clone()));
            }
        }
        // Fixed edge cases.
        for (a, b) in [("", ""), ("", "a"), ("a", ""), ("abc", "abc")] {
            pairs.push((a.to_owned(), b.to_owned()));
        }
        pairs
    }

    fn lcs_dp(a: &[char], b: &[char]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for &x in a {
            let mut diag = 0;
            for (j, &y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
                diag = up;
            }
        }
        row[b.len()]
    }

    #[test]
    fn bit_parallel_lcs_equals_the_textbook_one() {
        let mut sm = Matcher::new();
        let mut checked = 0;
        for (a, b) in generate_pairs() {
            let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            if ca.len() * cb.len() > 40_000 {
                continue;
            }
            sm.set_a(&a);
            assert_eq!(sm.lcs_len(&b), lcs_dp(&ca, &cb), "a = {a:?}\n b = {b:?}");
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
    }

    /// `run(b, limit)` is the LCS when it exceeds `limit`, and at most `limit` otherwise,
    /// for limits on both sides of it: the early stop never cuts off a pair above its limit.
    #[test]
    fn a_bounded_lcs_stops_only_at_or_under_its_limit() {
        let mut lcs = Lcs::new();
        let mut checked = 0;
        for (a, b) in generate_pairs() {
            let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            if ca.len() * cb.len() > 40_000 {
                continue;
            }
            let want = lcs_dp(&ca, &cb);
            lcs.set(&ca);
            let near = want.saturating_sub(3)..want + 3;
            for limit in near.chain([0, want / 2, (ca.len() + cb.len()) * 2 / 5]) {
                let got = lcs.run(&cb, limit);
                if want > limit {
                    assert_eq!(got, want, "limit {limit}\n a = {a:?}\n b = {b:?}");
                } else {
                    assert!(got <= limit, "limit {limit}: {got}\n a = {a:?}\n b = {b:?}");
                }
                checked += 1;
            }
        }
        assert!(checked > 5000, "{checked}");
    }

    #[test]
    fn profiles_bound_the_multiset_intersection() {
        let long_a = "a".repeat(300) + "xyz";
        let long_b = "a".repeat(280) + "b";
        let mut sm = Matcher::new();
        for (a, b) in [
            ("", ""),
            ("abc", ""),
            ("hello world", "world hello"),
            ("Aa0p", "aA0q"),
            ("é🎉x", "🎉éy"),
            (long_a.as_str(), long_b.as_str()),
        ] {
            let (pa, pb) = (Profile::of(a), Profile::of(b));
            assert_eq!(pa.len(), a.chars().count());
            let q = sm.quick_ratio(a, b);
            let bound = pa.match_bound(&pb);
            assert!(
                calculate_ratio(bound, pa.len() + pb.len()) >= q,
                "{a:?} {b:?}"
            );
        }
        // Both saturated: falls back to the shorter length.
        let (pa, pb) = (Profile::of(&long_a), Profile::of(&long_b));
        assert_eq!(pa.match_bound(&pb), 281);
    }

    /// The block bound is an upper bound of `M` on every pair with a `b` of 200 characters
    /// or more, and long pairs, near-duplicate or not, get the same answer from
    /// `exceeds_against` (bounds, then the exact blocks) as from the full `ratio()`.
    #[test]
    fn block_bound_bounds_the_matches_and_long_pairs_stay_exact() {
        let mut sm = Matcher::new();
        let mut bounded = 0;
        for (a, b) in generate_pairs() {
            if b.chars().count() < 200 {
                continue;
            }
            let m: usize = sm.matching_blocks(&a, &b).iter().map(|x| x.size).sum();
            assert_bounds(&mut sm, &a, &b, m);
            bounded += 1;
        }
        assert!(bounded > 500, "{bounded}");
        let mut rng = Rng(0x6c6f_6e67);
        let mut settled = 0;
        for n in 0..60 {
            let len = 1500 + rng.below(3000);
            let base = sentence(&mut rng, len);
            let other = if n % 3 == 0 {
                let len = 1500 + rng.below(3000);
                sentence(&mut rng, len)
            } else {
                let mut t = base.clone();
                for _ in 0..n % 7 {
                    t = mutate(&mut rng, &t);
                }
                t
            };
            let m: usize = sm
                .matching_blocks(&base, &other)
                .iter()
                .map(|x| x.size)
                .sum();
            let bound = sm.block_bound_of(&base, &other, usize::MAX - 1);
            assert_bounds(&mut sm, &base, &other, m);
            let r = sm.ratio(&base, &other);
            sm.set_a(&base);
            for t in [0.5, 0.85, 0.95] {
                assert_eq!(
                    sm.exceeds_against(&other, t),
                    (r > t).then_some(r),
                    "#{n} at {t}"
                );
            }
            let limit = max_failing_matches(base.chars().count() + other.chars().count(), 0.85);
            settled += usize::from(limit.is_some_and(|l| bound <= l));
        }
        assert!(settled > 0, "the block bound settled no pair");
    }

    /// The block bound never settles a pair whose `M` exceeds the limit: with the limit just
    /// under `M` it stays above it, and with any limit it settles, `M` is at most the limit.
    fn assert_bounds(sm: &mut Matcher, a: &str, b: &str, m: usize) {
        for limit in [m.saturating_sub(1), m, m + 7, m + m / 4, usize::MAX - 1] {
            let bound = sm.block_bound_of(a, b, limit);
            assert!(
                bound > limit || m <= limit,
                "bound {bound} <= limit {limit} under M {m}\n a = {a:?}\n b = {b:?}"
            );
            if limit >= m {
                continue;
            }
            assert!(bound >= m, "bound {bound} under M {m}");
        }
    }

    /// Long texts of three kinds the bounds treat differently: prose in a small alphabet
    /// (every character popular, so the exact search goes first), text full of capitals and
    /// digits (many characters not popular, so the block bound takes the LCS of those), and
    /// Chinese (most characters not popular). Near copies and unrelated texts alike get
    /// the same answer from `exceeds_against` as from the full ratio, and the block bound
    /// holds on all of them.
    #[test]
    fn long_texts_of_every_kind_get_the_exact_answer() {
        let mut rng = Rng(0x6b69_6e64);
        let lower = |rng: &mut Rng, len: usize| -> String {
            let mut s = String::new();
            while s.len() < len {
                for _ in 0..2 + rng.below(6) {
                    s.push(char::from(b'a' + rng.below(26) as u8));
                }
                s.push(' ');
            }
            s
        };
        let codes = |rng: &mut Rng, len: usize| -> String {
            let mut s = String::new();
            while s.len() < len {
                let word: &&str = rng.pick(WORDS);
                s.push_str(word);
                match rng.below(4) {
                    0 => s.push_str(&format!(" #{}-{} ", rng.below(100_000), rng.below(90))),
                    1 => s.push_str(&format!(
                        " {}{} ",
                        char::from(b'A' + rng.below(26) as u8),
                        rng.below(1000)
                    )),
                    _ => s.push(' '),
                }
            }
            s
        };
        let chinese = |rng: &mut Rng, len: usize| -> String {
            (0..len / 3)
                .map(|_| char::from_u32(0x4E00 + rng.below(600) as u32).unwrap_or('中'))
                .collect()
        };
        type Make<'a> = &'a dyn Fn(&mut Rng, usize) -> String;
        let kinds: [Make; 3] = [&lower, &codes, &chinese];
        let mut checked = 0;
        for (k, make) in kinds.iter().enumerate() {
            for n in 0..24 {
                let len = 1500 + rng.below(4000);
                let base = make(&mut rng, len);
                let other = match n % 4 {
                    0 => make(&mut rng, len),
                    1 => {
                        // Same words, another order: shares characters and q-grams.
                        let mut words: Vec<&str> = base.split(' ').collect();
                        words.reverse();
                        words.join(" ")
                    }
                    _ => {
                        let mut t = base.clone();
                        for _ in 0..1 + n % 9 {
                            t = mutate(&mut rng, &t);
                        }
                        t
                    }
                };
                let m: usize = sm_blocks(&base, &other);
                let mut sm = Matcher::new();
                assert_bounds(&mut sm, &base, &other, m);
                let r = sm.ratio(&base, &other);
                sm.set_a(&base);
                for t in [0.3, 0.6, 0.85, 0.95] {
                    assert_eq!(
                        sm.exceeds_against(&other, t),
                        (r > t).then_some(r),
                        "kind {k} #{n} at {t}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 3 * 24 * 4);
    }

    fn sm_blocks(a: &str, b: &str) -> usize {
        Matcher::new()
            .matching_blocks(a, b)
            .iter()
            .map(|x| x.size)
            .sum()
    }

    const PYTHON: &str = r#"
import json, struct, sys
from difflib import SequenceMatcher
bits = lambda x: struct.unpack('<Q', struct.pack('<d', x))[0]
out = []
for a, b in json.load(open(sys.argv[1], encoding='utf-8')):
    s = SequenceMatcher(None, a, b)
    out.append([bits(s.ratio()), bits(s.quick_ratio()), bits(s.real_quick_ratio()),
                [list(m) for m in s.get_matching_blocks()]])
json.dump(out, sys.stdout)
"#;

    #[test]
    fn differential_against_python_difflib() {
        if Command::new("python3").arg("--version").output().is_err() {
            eprintln!("note: python3 not found on PATH; skipping the difflib differential test");
            return;
        }
        let pairs = generate_pairs();
        assert!(pairs.len() >= 5000, "only {} pairs", pairs.len());
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(serde_json::to_string(&pairs).unwrap().as_bytes())
            .unwrap();
        file.flush().unwrap();
        let output = Command::new("python3")
            .arg("-c")
            .arg(PYTHON)
            .arg(file.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "python3 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        // Floats travel as their IEEE bits: exact whatever the JSON float parser does.
        type Expected = (u64, u64, u64, Vec<(usize, usize, usize)>);
        let expected: Vec<Expected> = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(expected.len(), pairs.len());

        let mut sm = Matcher::new();
        for (n, ((a, b), (ratio, quick, real_quick, blocks))) in
            pairs.iter().zip(&expected).enumerate()
        {
            let (la, lb) = (a.chars().count(), b.chars().count());
            let got = (
                sm.ratio(a, b).to_bits(),
                sm.quick_ratio(a, b).to_bits(),
                Matcher::real_quick_ratio(la, lb).to_bits(),
                sm.matching_blocks(a, b)
                    .iter()
                    .map(|m| (m.a, m.b, m.size))
                    .collect::<Vec<_>>(),
            );
            let want = (*ratio, *quick, *real_quick, blocks.clone());
            assert!(
                got == want,
                "pair #{n} differs from Python\n a = {a:?}\n b = {b:?}\n len = ({la}, {lb})\n \
                 rust   ratio={} quick={} real_quick={} blocks={:?}\n \
                 python ratio={} quick={} real_quick={} blocks={:?}",
                f64::from_bits(got.0),
                f64::from_bits(got.1),
                f64::from_bits(got.2),
                got.3,
                f64::from_bits(want.0),
                f64::from_bits(want.1),
                f64::from_bits(want.2),
                want.3,
            );
            // exceeds() agrees with ratio() around the actual value.
            let r = f64::from_bits(*ratio);
            assert_eq!(sm.exceeds(a, b, r), None, "pair #{n}");
            let below = if r > 0.0 { r - 1e-9 } else { -1.0 };
            assert_eq!(sm.exceeds(a, b, below), Some(r), "pair #{n}");
            // The early exit inside the match count never changes an answer.
            sm.set_a(a);
            let m: usize = blocks.iter().map(|&(_, _, k)| k).sum();
            assert!(sm.lcs_len(b) >= m, "pair #{n}: LCS under M");
            let (pa, pb) = (Profile::of(a), Profile::of(b));
            assert!(pa.match_bound(&pb) >= m, "pair #{n}: profile bound under M");
            for t in [0.3, 0.5, 0.7, 0.85, 0.9, 0.95] {
                let want = (r > t).then_some(r);
                assert_eq!(sm.exceeds(a, b, t), want, "pair #{n} at {t}");
                assert_eq!(sm.exceeds_against(b, t), want, "pair #{n} at {t}");
            }
        }
        eprintln!(
            "difflib differential: {} pairs match Python bit for bit",
            pairs.len()
        );
    }
}
