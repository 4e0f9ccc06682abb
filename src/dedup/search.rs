//! The near-duplicate search, the one D002, D003 and `dedupe` use: candidates from the
//! MinHash index (or, exhaustively, every text), ranked by their estimated similarity,
//! screened by the texts' profiles, confirmed by the exact similarity, in parallel; and on
//! top, the lesson's greedy semantics for the texts of one file ([`within`]).

use std::cell::OnceCell;

use super::index::{self, Index, Sketch};
use super::similarity::Matcher;
use super::template;
use super::texts::CompareTexts;
use crate::settings::DedupConfig;

/// Candidates worth an exact check: estimated 3-gram similarity at least this.
pub const MIN_ESTIMATE: f64 = 0.25;
/// Exact checks per example, at most (best estimates first): bounds the work on data where
/// many examples look alike.
pub const MAX_CHECKS: usize = 32;
/// How a search compares texts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Similarity above which two texts are near duplicates: just under the configured
    /// one, which a pair reaches "at or above" ([`Options::new`]).
    pub threshold: f64,
    /// Compare with every text instead of the index's candidates: the lesson's loop, whose
    /// answer is exact, in quadratic time.
    pub exhaustive: bool,
    pub threads: usize,
    /// Take a prompt template most texts of the file share out of them first
    /// (`[dedup] ignore_template`, [`template`]): compare what differs.
    pub ignore_template: bool,
}

impl Options {
    pub fn new(dedup: &DedupConfig, threads: usize) -> Options {
        Options {
            // Pairs at or above `dedup.threshold` are near duplicates. The comparisons below
            // are strict (`ratio > threshold`, and their bounds alike): against the largest
            // float under the threshold, a ratio exactly at it passes, and only it.
            threshold: dedup.threshold.next_down(),
            exhaustive: dedup.exhaustive,
            threads: threads.max(1),
            ignore_template: dedup.ignore_template,
        }
    }
}

/// A near duplicate: text `text` is more similar than the threshold to text `of`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found {
    pub text: u32,
    pub of: u32,
    pub similarity: f64,
}

/// The near duplicates among the texts of one file, with the lesson's greedy semantics:
/// going down the file, a text is a near duplicate when it is more similar than the
/// threshold to an earlier text that is kept, and it is kept otherwise. Texts for which
/// `skip` is true (exact duplicates) are neither checked nor kept. Each finding names the
/// kept text it repeats; findings come in text order. Texts of preference records match
/// only when their records are alike as wholes too ([`CompareTexts::wholes_alike`]).
///
/// With the index, a text is checked against its best `MAX_CHECKS` earlier candidates that
/// are not skipped, best estimate first, and repeats the first of them that is kept and
/// similar enough; exhaustively, against every earlier kept text in order, as the lesson.
/// Both in two phases: in parallel, the first similar earlier text of each text whether it
/// is kept or not ([`first_matches`]); then in text order, that text when it is kept, or
/// else the text's further candidates that are kept, checked then (only chains of near
/// duplicates need it).
///
/// With `ignore_template`, the texts compared are those with the file's shared template
/// taken out ([`template::Template::strip`]), and the similarities are theirs.
pub fn within(
    texts: &CompareTexts,
    options: &Options,
    skip: impl Fn(usize) -> bool + Sync,
) -> Vec<Found> {
    if let Some(stripped) = without_template(texts, options) {
        return within_texts(&stripped, options, skip, None);
    }
    within_texts(texts, options, skip, None)
}

/// [`within`]'s findings on the texts `wanted` names, exactly as [`within`] over all of
/// `texts` finds them, searching only as far as they need: the wanted texts' matches, and
/// those of the earlier texts whose being kept or not decides them, and so on down. The
/// pre-commit hook (`--context dataset`) judges a staged shard as a run over the whole
/// dataset does without searching the whole dataset. Findings on other texts may come too.
pub fn within_some(
    texts: &CompareTexts,
    options: &Options,
    skip: impl Fn(usize) -> bool + Sync,
    wanted: &(dyn Fn(usize) -> bool + Sync),
) -> Vec<Found> {
    if let Some(stripped) = without_template(texts, options) {
        return within_texts(&stripped, options, skip, Some(wanted));
    }
    within_texts(texts, options, skip, Some(wanted))
}

/// The texts with their shared template taken out, when `ignore_template` is on and there
/// is one.
fn without_template(texts: &CompareTexts, options: &Options) -> Option<CompareTexts> {
    if !options.ignore_template {
        return None;
    }
    template::find(texts).map(|t| t.strip(texts))
}

fn within_texts(
    texts: &CompareTexts,
    options: &Options,
    skip: impl Fn(usize) -> bool + Sync,
    wanted: Option<&(dyn Fn(usize) -> bool + Sync)>,
) -> Vec<Found> {
    let earlier = Earlier::new(texts, options, Alike::Records);
    let skipped = Bits::of(texts.len(), skip);
    let skip = |t: usize| skipped.get(t);
    let first = match wanted {
        // Exhaustively, a text whose first match was dropped is checked against every
        // earlier kept text: every text's match is needed.
        Some(wanted) if earlier.index.is_some() => {
            let mut needed = Bits::of(texts.len(), |t| wanted(t) && !skip(t));
            let mut next: Vec<u32> = (0..texts.len() as u32)
                .filter(|&t| needed.get(t as usize))
                .collect();
            let mut first = Vec::new();
            while !next.is_empty() {
                let found = earlier.first_matches_of(&next, options, &skip);
                next.clear();
                // Whether a text is kept, and which kept text a dropped one repeats, is
                // decided by its own first match and further candidates.
                for (f, rest) in &found {
                    for c in std::iter::once(f.of).chain(rest.iter().copied()) {
                        if needed.insert(c as usize) {
                            next.push(c);
                        }
                    }
                }
                first.extend(found);
            }
            first.sort_unstable_by_key(|(f, _)| f.text);
            first
        }
        _ => earlier.first_matches(options, &skip),
    };
    let mut kept: Vec<bool> = (0..texts.len()).map(|t| !skipped.get(t)).collect();
    // The kept text each dropped text repeats.
    let mut repeats: Vec<u32> = vec![u32::MAX; texts.len()];
    let mut matcher = Matcher::new();
    let mut out = Vec::with_capacity(first.len());
    let mut tried = Vec::new();
    for (f, rest) in first {
        let t = f.text as usize;
        let found = if kept[f.of as usize] {
            Some(f)
        } else {
            tried.clear();
            if earlier.index.is_none() {
                // Every earlier kept text after the first match, in the lesson's order.
                tried.extend((f.of + 1..f.text).filter(|&c| kept[c as usize]));
            } else {
                // In a cluster of near copies most candidates are dropped copies: the kept
                // text each of them repeats is then the likeliest match, the first match's
                // first. At most `MAX_CHECKS` of them.
                let kept_for = |c: u32| {
                    if kept[c as usize] {
                        c
                    } else {
                        repeats[c as usize]
                    }
                };
                for c in
                    std::iter::once(repeats[f.of as usize]).chain(rest.into_iter().map(kept_for))
                {
                    if c != u32::MAX && !tried.contains(&c) {
                        tried.push(c);
                    }
                }
            }
            let order = tried.iter().copied();
            let threshold = options.threshold;
            first_passing(
                texts,
                t,
                texts,
                order,
                threshold,
                Alike::Records,
                &mut matcher,
            )
        };
        if let Some(found) = found {
            kept[t] = false;
            repeats[t] = found.of;
            out.push(found);
        }
    }
    out
}

/// For each text of one file that is not skipped, the first earlier text more similar than
/// the threshold, kept or not, in the order [`within`] checks them: what the index finds,
/// before the greedy semantics (the recall of the index is measured on it).
pub fn first_matches(
    texts: &CompareTexts,
    options: &Options,
    skip: impl Fn(usize) -> bool + Sync,
) -> Vec<Found> {
    let skipped = Bits::of(texts.len(), skip);
    let first = |texts: &CompareTexts| {
        let earlier = Earlier::new(texts, options, Alike::Texts);
        let matches = earlier.first_matches(options, &|t| skipped.get(t));
        matches.into_iter().map(|(found, _)| found).collect()
    };
    match without_template(texts, options) {
        Some(stripped) => first(&stripped),
        None => first(texts),
    }
}

/// The texts of another file searched for near duplicates of a file's texts (D003: the
/// training split's, for each evaluation split), indexed once for every file searched.
pub struct Against<'a> {
    texts: &'a CompareTexts,
    index: OnceCell<Index>,
}

impl<'a> Against<'a> {
    pub fn new(texts: &'a CompareTexts) -> Self {
        Against {
            texts,
            index: OnceCell::new(),
        }
    }

    /// For each text of `queries` for which `skip` is false, the first of these texts more
    /// similar than the threshold: of its best `MAX_CHECKS` candidates by estimate, or of
    /// every text in order when exhaustive. Nothing is dropped here, so no greedy pass.
    pub fn find(
        &self,
        queries: &CompareTexts,
        options: &Options,
        skip: impl Fn(usize) -> bool + Sync,
    ) -> Vec<Found> {
        let against = self.texts;
        if against.is_empty() {
            return Vec::new();
        }
        let index = (!options.exhaustive).then(|| {
            self.index
                .get_or_init(|| Index::build(&against.sigs, options.threads))
        });
        parallel_map(queries.len(), options.threads, |t, scratch| {
            if skip(t) {
                return None;
            }
            let threshold = options.threshold;
            match index {
                Some(index) => {
                    let mut candidates = Vec::new();
                    index.candidates(&queries.sigs[t], u32::MAX, &mut candidates);
                    let sketch = Sketch::of(&queries.sigs[t]);
                    let ranked = &mut scratch.ranked;
                    ranked.clear();
                    ranked.extend(
                        candidates
                            .iter()
                            .filter_map(|&c| rank_key(&sketch, index.sketch(c), c)),
                    );
                    keep_best(ranked, &mut candidates);
                    let matcher = &mut scratch.matcher;
                    first_passing(
                        queries,
                        t,
                        against,
                        candidates.into_iter(),
                        threshold,
                        Alike::Texts,
                        matcher,
                    )
                }
                None => {
                    let all = 0..against.len() as u32;
                    let matcher = &mut scratch.matcher;
                    first_passing(queries, t, against, all, threshold, Alike::Texts, matcher)
                }
            }
        })
    }
}

/// What makes a candidate whose text is similar enough a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alike {
    /// The texts alone.
    Texts,
    /// The texts, and their records as wholes ([`CompareTexts::wholes_alike`]: every answer
    /// of two preference records): D002's near-duplicates. Asked during the search, not of
    /// its findings, so a preference record whose first match by prompt is another pair of
    /// answers goes on to its next candidates, and is kept when none is alike.
    Records,
}

/// The earlier texts each text of a file is checked against.
struct Earlier<'a> {
    texts: &'a CompareTexts,
    /// `None` when exhaustive: every earlier text.
    index: Option<Index>,
    alike: Alike,
}

impl<'a> Earlier<'a> {
    fn new(texts: &'a CompareTexts, options: &Options, alike: Alike) -> Self {
        Earlier {
            texts,
            index: (!options.exhaustive)
                .then(|| Index::with_positions(&texts.sigs, options.threads)),
            alike,
        }
    }

    /// Text `t`'s earlier candidates to check with the index, in order, skipped ones left
    /// out: the best [`MAX_CHECKS`] by estimate among the ids that share a bucket with it.
    /// One pass over the buckets' ids: an id several buckets hold is ranked once (the
    /// thread's `seen` marks it until the text is done), and whether it is skipped is asked
    /// only when its estimate is high enough to count.
    fn ranked(
        &self,
        index: &Index,
        t: usize,
        skip: &(impl Fn(usize) -> bool + Sync),
        scratch: &mut Scratch,
    ) -> Vec<u32> {
        let Scratch {
            seen,
            visited,
            ranked,
            ..
        } = scratch;
        seen.grow(self.texts.len());
        let (sketch, sketches) = (index.sketch(t as u32), index.sketches());
        ranked.clear();
        index.each_earlier(t as u32, |c| {
            if seen.insert(c as usize) {
                visited.push(c);
                if let Some(key) = rank_key(sketch, &sketches[c as usize], c)
                    && !skip(c as usize)
                {
                    ranked.push(key);
                }
            }
        });
        for c in visited.drain(..) {
            seen.remove(c as usize);
        }
        let mut out = Vec::with_capacity(ranked.len().min(MAX_CHECKS));
        keep_best(ranked, &mut out);
        out
    }

    /// For each text that is not skipped and has one, its first match, in parallel, with
    /// (when searching with the index) its candidates after that match in checking order,
    /// for the greedy pass of [`within`].
    fn first_matches(
        &self,
        options: &Options,
        skip: &(impl Fn(usize) -> bool + Sync),
    ) -> Vec<(Found, Vec<u32>)> {
        self.first_matches_where(self.texts.len(), |i| i, options, skip)
    }

    /// [`Earlier::first_matches`] of the texts `ids` only, in their order.
    fn first_matches_of(
        &self,
        ids: &[u32],
        options: &Options,
        skip: &(impl Fn(usize) -> bool + Sync),
    ) -> Vec<(Found, Vec<u32>)> {
        self.first_matches_where(ids.len(), |i| ids[i] as usize, options, skip)
    }

    /// [`Earlier::first_matches`] of texts `id(0..n)`.
    fn first_matches_where(
        &self,
        n: usize,
        id: impl Fn(usize) -> usize + Sync,
        options: &Options,
        skip: &(impl Fn(usize) -> bool + Sync),
    ) -> Vec<(Found, Vec<u32>)> {
        let texts = self.texts;
        parallel_map(n, options.threads, |i, scratch| {
            let t = id(i);
            if skip(t) {
                return None;
            }
            let Some(index) = &self.index else {
                // Not collected: every earlier text is a candidate.
                let earlier = (0..t as u32).filter(|&c| !skip(c as usize));
                let matcher = &mut scratch.matcher;
                let threshold = options.threshold;
                let found = first_passing(texts, t, texts, earlier, threshold, self.alike, matcher);
                return found.map(|f| (f, Vec::new()));
            };
            let mut candidates = self.ranked(index, t, skip, scratch);
            let order = candidates.iter().copied();
            let matcher = &mut scratch.matcher;
            let threshold = options.threshold;
            let found = first_passing(texts, t, texts, order, threshold, self.alike, matcher)?;
            let at = candidates
                .iter()
                .position(|&c| c == found.of)
                .map_or(0, |p| p + 1);
            // Kept for a hundred thousand texts at a million: only what is needed.
            Some((found, candidates.split_off(at)))
        })
    }
}

/// The ranking key of candidate `id`, whose sketch is `other`, for a text whose sketch is
/// `sketch`, when its estimate is at least [`MIN_ESTIMATE`]: equal sketch bytes
/// ([`Sketch::equal`]) and id packed into one integer, smaller for a better estimate, then
/// an earlier id; the order of the estimates, which are those counts divided by a power of
/// two, exactly.
#[inline]
fn rank_key(sketch: &Sketch, other: &Sketch, id: u32) -> Option<u64> {
    let hashes = index::HASHES;
    let min_equal = (MIN_ESTIMATE * hashes as f64).ceil() as usize;
    let equal = sketch.equal(other);
    (equal >= min_equal).then_some((((hashes - equal) as u64) << 32) | u64::from(id))
}

/// Keeps the candidates worth an exact check in `out`: of the ranking keys of
/// [`rank_key`], the best [`MAX_CHECKS`], in order of estimate (descending), then id.
fn keep_best(ranked: &mut Vec<u64>, out: &mut Vec<u32>) {
    if ranked.len() > MAX_CHECKS {
        ranked.select_nth_unstable(MAX_CHECKS - 1);
        ranked.truncate(MAX_CHECKS);
    }
    ranked.sort_unstable();
    out.clear();
    out.extend(ranked.iter().map(|&key| key as u32));
}

/// The first of `candidates` (texts of `against`) to which text `t` of `queries` is more
/// similar than `threshold`. Every candidate counts as checked, whichever bound settles it:
/// the profiles (lengths, then character buckets) rule out most pairs without reading the
/// other text, and [`Matcher::exceeds_against`] the rest exactly. With [`Alike::Records`],
/// a candidate whose record is not alike as a whole is passed over before its text is read.
fn first_passing(
    queries: &CompareTexts,
    t: usize,
    against: &CompareTexts,
    candidates: impl Iterator<Item = u32>,
    threshold: f64,
    alike: Alike,
    matcher: &mut Matcher,
) -> Option<Found> {
    let profile = &queries.profiles[t];
    let mut a_set = false;
    for c in candidates {
        if !profile.may_exceed(&against.profiles[c as usize], threshold) {
            continue;
        }
        if alike == Alike::Records && !queries.wholes_alike(t as u32, against, c) {
            continue;
        }
        if !a_set {
            matcher.set_a(queries.text(t as u32));
            a_set = true;
        }
        if let Some(similarity) = matcher.exceeds_against(against.text(c), threshold) {
            return Some(Found {
                text: t as u32,
                of: c,
                similarity,
            });
        }
    }
    None
}

/// What a searching thread reuses from one text to the next.
#[derive(Default)]
struct Scratch {
    matcher: Matcher,
    /// The ids already among the candidates of the text being ranked ...
    seen: Bits,
    /// ... listed, to clear them after it.
    visited: Vec<u32>,
    /// Ranking keys of a text's candidates.
    ranked: Vec<u64>,
}

/// A set of text ids as one bit each: a million texts in 128 KB, which stays in the
/// core's cache where a byte or a word per id would not.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    /// The ids below `n` for which `f` holds.
    fn of(n: usize, f: impl Fn(usize) -> bool) -> Bits {
        let mut bits = Bits::default();
        bits.grow(n);
        for i in (0..n).filter(|&i| f(i)) {
            bits.insert(i);
        }
        bits
    }

    /// Room for the ids below `n`.
    fn grow(&mut self, n: usize) {
        if self.0.len() * 64 < n {
            self.0.resize(n.div_ceil(64), 0);
        }
    }

    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 != 0
    }

    /// Adds `i`; whether it was new.
    fn insert(&mut self, i: usize) -> bool {
        let word = &mut self.0[i / 64];
        let bit = 1 << (i % 64);
        let new = *word & bit == 0;
        *word |= bit;
        new
    }

    fn remove(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
}

/// The fewest texts per thread the exact checks are split for: each costs up to 32 exact
/// comparisons, so a few texts are enough to be worth a thread, and fewer are checked on the
/// calling thread.
const CHECKED_PER_THREAD: usize = 16;

/// Splits `0..n` into interleaved stripes, one per thread, runs `f` on each and returns the
/// results in index order. Used for the exact similarity checks, the costly part.
fn parallel_map<T: Send>(
    n: usize,
    threads: usize,
    f: impl Fn(usize, &mut Scratch) -> Option<T> + Sync,
) -> Vec<T> {
    let threads = crate::dedup::threads_for(n, threads, CHECKED_PER_THREAD);
    if threads == 1 {
        let mut scratch = Scratch::default();
        return (0..n).filter_map(|i| f(i, &mut scratch)).collect();
    }
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let f = &f;
                scope.spawn(move || {
                    let mut scratch = Scratch::default();
                    (t..n)
                        .step_by(threads)
                        .filter_map(|i| f(i, &mut scratch).map(|r| (i, r)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(list: &[&str]) -> CompareTexts {
        let mut t = CompareTexts::default();
        for s in list {
            t.push(s);
        }
        t
    }

    /// A deterministic generator of numbers below `m`.
    fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |m: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % m as u64) as usize
        }
    }

    fn options(exhaustive: bool) -> Options {
        Options {
            threshold: 0.85,
            exhaustive,
            threads: 2,
            ignore_template: false,
        }
    }

    /// A ≈ B ≈ C with A ≉ C: B repeats A, and C is kept, because the only example it is
    /// similar to, B, is not.
    #[test]
    fn a_chain_keeps_its_third_link_as_the_lesson_does() {
        let chain = texts(&[
            "How do I reset my password?",
            "How do I reset my password now?",
            "How do I reset my password right now?",
        ]);
        let mut m = Matcher::new();
        let r = |m: &mut Matcher, a: u32, b: u32| m.ratio(chain.text(a), chain.text(b));
        assert!(r(&mut m, 1, 0) > 0.85 && r(&mut m, 2, 1) > 0.85, "a chain");
        assert!(
            r(&mut m, 2, 0) <= 0.85,
            "whose ends differ: {}",
            r(&mut m, 2, 0)
        );
        for exhaustive in [false, true] {
            let found = within(&chain, &options(exhaustive), |_| false);
            let pairs: Vec<(u32, u32)> = found.iter().map(|f| (f.text, f.of)).collect();
            assert_eq!(pairs, [(1, 0)], "exhaustive: {exhaustive}");
            // Without the greedy pass, C would repeat B.
            let first = first_matches(&chain, &options(exhaustive), |_| false);
            let pairs: Vec<(u32, u32)> = first.iter().map(|f| (f.text, f.of)).collect();
            assert_eq!(pairs, [(1, 0), (2, 1)]);
        }
    }

    /// When the first similar earlier text was dropped, a later one that is kept is found
    /// all the same: going in order (exhaustively), text 3 is first found similar to text 1,
    /// which repeats text 0 and goes; it repeats text 2, and not text 0.
    #[test]
    fn a_text_whose_first_match_was_dropped_repeats_a_later_kept_one() {
        let set = texts(&[
            "where can I today old please download the invoices for my account",
            "where can I please download the now invoices our for my account",
            "the where can I download the invoices for account",
            "where can I download the invoices for my account",
        ]);
        let mut m = Matcher::new();
        let r = |m: &mut Matcher, a: u32, b: u32| m.ratio(set.text(a), set.text(b)) > 0.85;
        assert!(r(&mut m, 1, 0) && !r(&mut m, 2, 0) && !r(&mut m, 2, 1));
        assert!(!r(&mut m, 3, 0) && r(&mut m, 3, 1) && r(&mut m, 3, 2));
        let first = first_matches(&set, &options(true), |_| false);
        let pairs: Vec<(u32, u32)> = first.iter().map(|f| (f.text, f.of)).collect();
        assert_eq!(pairs, [(1, 0), (3, 1)]);
        for exhaustive in [false, true] {
            let found = within(&set, &options(exhaustive), |_| false);
            let pairs: Vec<(u32, u32)> = found.iter().map(|f| (f.text, f.of)).collect();
            assert_eq!(pairs, [(1, 0), (3, 2)], "exhaustive: {exhaustive}");
        }
        // A skipped text is neither checked nor matched, nor kept: with text 0 skipped, text
        // 1 is kept, and text 3 repeats it.
        let found = within(&set, &options(true), |t| t == 0);
        let pairs: Vec<(u32, u32)> = found.iter().map(|f| (f.text, f.of)).collect();
        assert_eq!(pairs, [(3, 1)]);
    }

    /// A cluster of near copies of one text, each with its own few edits: most of a copy's
    /// candidates are earlier copies that were dropped, and the kept text they repeat may be
    /// beyond its best 32. The greedy pass tries the kept text each dropped candidate repeats,
    /// so the index keeps about what the lesson's exhaustive loop keeps.
    #[test]
    fn a_cluster_of_near_copies_keeps_what_the_lesson_keeps() {
        let mut rand = xorshift(0x2545_F491_4F6C_DD1D);
        // Words of characters from a large alphabet, so few characters are popular, as in
        // Chinese text (in a small alphabet every character is popular, and difflib scores a
        // pair by its common prefix); each word once in the text (difflib aligns a repeated
        // word greedily, with a far copy).
        let words: Vec<String> = (0..800)
            .map(|_| {
                (0..3)
                    .map(|_| char::from_u32(0x4E00 + rand(3000) as u32).unwrap_or('中'))
                    .collect()
            })
            .collect();
        let base: Vec<&str> = words[..400].iter().map(String::as_str).collect();
        let list: Vec<String> = (0..300)
            .map(|_| {
                let mut copy = base.clone();
                for _ in 0..12 {
                    copy[rand(base.len())] = &words[400 + rand(400)];
                }
                copy.join(" ")
            })
            .collect();
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        let set = texts(&refs);
        let exhaustive = within(&set, &options(true), |_| false);
        // Exhaustively, each copy names the first kept text it is similar to, as the lesson.
        let dropped: std::collections::HashSet<u32> = exhaustive.iter().map(|f| f.text).collect();
        let mut m = Matcher::new();
        for f in &exhaustive {
            let first = (0..f.text).filter(|k| !dropped.contains(k)).find(|&k| {
                m.exceeds(&list[f.text as usize], &list[k as usize], 0.85)
                    .is_some()
            });
            assert_eq!(first, Some(f.of), "text {}", f.text);
        }
        let lesson = exhaustive.len();
        let index = within(&set, &options(false), |_| false).len();
        assert!(lesson > 250, "{lesson} dropped by the lesson's loop");
        assert!(
            index * 100 >= lesson * 99,
            "the index drops {index}, the lesson {lesson}"
        );
        // Searched only as far as some texts' verdicts need (a staged shard read with the
        // rest of its dataset as context), those texts get the same findings as in the
        // whole search, through the chains of dropped copies a cluster makes.
        let skip = |t: usize| t % 11 == 5;
        let whole = within(&set, &options(false), skip);
        let subsets: [&(dyn Fn(usize) -> bool + Sync); 3] =
            [&|t| t % 7 == 3, &|t| (150..170).contains(&t), &|t| t >= 290];
        for wanted in subsets {
            let some: Vec<Found> = within_some(&set, &options(false), skip, wanted)
                .into_iter()
                .filter(|f| wanted(f.text as usize))
                .collect();
            let expected: Vec<Found> = whole
                .iter()
                .copied()
                .filter(|f| wanted(f.text as usize))
                .collect();
            assert!(!expected.is_empty());
            assert_eq!(some, expected);
        }
    }

    /// Templated texts, as the benchmark's generator writes: each of a few dozen sentences,
    /// with a number or a name in a slot. Two unrelated texts share sentences, so the 2-hash
    /// buckets are crowded and a planted copy far from its source is out of their reach;
    /// the selective families must find it. Every planted pair the exact measure confirms
    /// must be found (99%), and every pair found must be exact.
    #[test]
    fn planted_pairs_far_apart_in_templated_texts_are_found() {
        let sentences = [
            "My order {} has not arrived yet.",
            "I tried restarting the router {} times.",
            "The app crashes when I open the settings page.",
            "Can you tell me when the refund for {} will be processed?",
            "I have been a customer for {} years.",
            "The tracking page says it left the depot in {}.",
            "Is there an outage in my area?",
            "Thanks in advance for your help!",
            "I already checked the FAQ but it only covers older models.",
            "My invoice shows a charge of {} euros that I do not recognise.",
            "The doorbell stops recording after {} minutes.",
            "Please advise what I should do next.",
            "We are on the business plan with {} seats.",
            "The password reset email never arrives at {}.",
            "It happened again yesterday at about {}.",
            "Not sure if it matters, but I live in {}.",
        ];
        let names = [
            "Turin", "Lyon", "Porto", "Graz", "Ghent", "Bergen", "Cork", "Brno",
        ];
        let mut rand = xorshift(0x9E37_79B9_7F4A_7C15);
        let n = 4_000;
        let mut list: Vec<String> = Vec::with_capacity(n);
        let mut planted: Vec<(usize, usize)> = Vec::new();
        while list.len() < n {
            if list.len() > n / 2 && rand(25) == 0 {
                // A near copy of a text from the first half: one typo or two swapped words.
                let source = rand(n / 4);
                let mut words: Vec<String> = list[source].split(' ').map(str::to_owned).collect();
                let at = rand(words.len() - 1);
                if rand(2) == 0 {
                    words.swap(at, at + 1);
                } else {
                    words[at].push('x');
                }
                planted.push((list.len(), source));
                list.push(words.join(" "));
                continue;
            }
            let text: Vec<String> = (0..4 + rand(3))
                .map(|_| {
                    let s = sentences[rand(sentences.len())];
                    let slot = if rand(2) == 0 {
                        rand(1000).to_string()
                    } else {
                        names[rand(names.len())].to_owned()
                    };
                    s.replace("{}", &slot)
                })
                .collect();
            list.push(text.join(" "));
        }
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        let set = texts(&refs);
        let mut m = Matcher::new();
        let confirmed: Vec<usize> = planted
            .iter()
            .filter(|&&(t, s)| m.exceeds(&list[t], &list[s], 0.85).is_some())
            .map(|&(t, _)| t)
            .collect();
        assert!(confirmed.len() > 50, "{} planted pairs", confirmed.len());
        let found = first_matches(&set, &options(false), |_| false);
        for f in &found {
            let exact = m.ratio(&list[f.text as usize], &list[f.of as usize]);
            assert!(exact > 0.85 && exact == f.similarity && f.of < f.text);
        }
        let flagged: std::collections::HashSet<usize> =
            found.iter().map(|f| f.text as usize).collect();
        let hits = confirmed.iter().filter(|t| flagged.contains(t)).count();
        assert!(
            hits * 100 >= confirmed.len() * 99,
            "{hits} of {} planted near-duplicates found",
            confirmed.len()
        );
    }
}
