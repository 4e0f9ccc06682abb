//! D rules: examples that repeat other examples, within a file (D001, D002) or across the
//! train and evaluation splits of a dataset (D003). They run in the dataset phase
//! (`crate::dataset`), over fingerprints and the compared texts, never whole records.

pub mod exact_duplicate;
pub mod near_duplicate;
pub mod split_leak;

use crate::dataset::DatasetContext;
use crate::dedup::texts::CompareTexts;
use crate::diagnostic::FileId;
use crate::json::Parser;

/// The canonical text of the record at `offset`, read again from its file; `None` when it
/// cannot be read or no longer parses (the file changed under us).
pub(crate) fn canonical_at(
    ctx: &DatasetContext<'_>,
    parser: &mut Parser,
    file: FileId,
    offset: u64,
) -> Option<String> {
    let bytes = ctx.lines.line(file, offset)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let doc = parser.parse(text).ok()?;
    Some(crate::canonical::to_string(&doc))
}

/// Splits `0..n` into interleaved stripes, one per thread, runs `f` on each and returns the
/// results in index order. Used for the exact similarity checks, the costly part.
pub(crate) fn parallel_map<T: Send>(
    n: usize,
    threads: usize,
    f: impl Fn(usize, &mut crate::dedup::similarity::Matcher) -> Option<T> + Sync,
) -> Vec<(usize, T)> {
    let threads = threads.clamp(1, n.max(1));
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let f = &f;
                scope.spawn(move || {
                    let mut matcher = crate::dedup::similarity::Matcher::new();
                    (t..n)
                        .step_by(threads)
                        .filter_map(|i| f(i, &mut matcher).map(|r| (i, r)))
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
    results
}

/// Candidates worth an exact check: estimated 3-gram similarity at least this.
pub(crate) const MIN_ESTIMATE: f64 = 0.25;
/// Exact checks per example, at most (best estimates first): bounds the work on data where
/// many examples look alike.
pub(crate) const MAX_CHECKS: usize = 32;
/// Ids taken from each band's bucket, the nearest earlier ones first. Templated data fills
/// buckets with thousands of look-alikes, among which an example's real near-duplicate may
/// lie far back. Of the planted near-duplicates of the benchmark files, 16 per band found
/// 87.6% (100k) and 53.5% (1M), 64 find 98.1% and 77.7% (1M in 47 s), 128 99.5% and 87.9%
/// (1M in 79 s, over the one-minute target).
pub(crate) const PER_BAND: usize = 64;

/// The first candidate of `texts` (text ids in `candidates`) whose text is more similar to
/// `text` than `threshold`, checked in order of estimated similarity.
///
/// Each of the first `MAX_CHECKS` candidates counts as checked, whichever bound settles it:
/// the profiles (lengths, then character buckets) rule out most pairs without reading the
/// other text, and [`Matcher::exceeds_against`](crate::dedup::similarity::Matcher) the rest
/// exactly.
pub(crate) fn best_match(
    text: &str,
    sig: &crate::dedup::index::Signature,
    profile: &crate::dedup::similarity::Profile,
    facts: &CompareTexts,
    candidates: &[u32],
    threshold: f64,
    matcher: &mut crate::dedup::similarity::Matcher,
) -> Option<(u32, f64)> {
    // Ranked by equal hashes (descending), then id, packed into one integer: the order
    // of the estimates, which are those counts divided by a power of two, exactly.
    let hashes = crate::dedup::index::HASHES;
    let min_equal = (MIN_ESTIMATE * hashes as f64).ceil() as usize;
    let mut ranked: Vec<u64> = candidates
        .iter()
        .filter_map(|&c| {
            let equal = crate::dedup::index::equal_hashes(sig, &facts.sigs[c as usize]);
            (equal >= min_equal).then_some((((hashes - equal) as u64) << 32) | u64::from(c))
        })
        .collect();
    if ranked.len() > MAX_CHECKS {
        ranked.select_nth_unstable(MAX_CHECKS - 1);
        ranked.truncate(MAX_CHECKS);
    }
    ranked.sort_unstable();
    let mut a_set = false;
    ranked.into_iter().find_map(|key| {
        let c = key as u32;
        if !profile.may_exceed(&facts.profiles[c as usize], threshold) {
            return None;
        }
        if !a_set {
            matcher.set_a(text);
            a_set = true;
        }
        matcher
            .exceeds_against(facts.text(c), threshold)
            .map(|r| (c, r))
    })
}
