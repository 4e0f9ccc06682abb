//! The near-duplicate index: MinHash signatures of character 3-grams, banded for
//! locality-sensitive hashing, so candidate pairs are found in near-linear time instead of
//! comparing every pair.
//!
//! Candidates are only suggestions: every pair reported is confirmed with the exact
//! similarity of `similarity.rs`. The index is tuned for recall at the lesson's threshold
//! (SequenceMatcher ratio > 0.85): 16 bands of 2 hashes make a pair whose 3-gram Jaccard
//! similarity is 0.5 a candidate with probability 1 - (1 - 0.5²)¹⁶ ≈ 99%, and pairs above
//! the threshold are usually far more alike than that.

/// Hashes per signature.
pub const HASHES: usize = 32;
/// Bands of `ROWS` hashes each.
pub const BANDS: usize = 16;
pub const ROWS: usize = HASHES / BANDS;

/// A MinHash signature.
pub type Signature = [u32; HASHES];

/// Multipliers of the hash family h_i(x) = (a_i·x + b_i) >> 32 over 64-bit shingle hashes.
const A: [u64; HASHES] = make_constants(0x9E37_79B9_7F4A_7C15);
const B: [u64; HASHES] = make_constants(0xD1B5_4A32_D192_ED03);

const fn make_constants(seed: u64) -> [u64; HASHES] {
    let mut out = [0u64; HASHES];
    let mut state = seed;
    let mut i = 0;
    while i < HASHES {
        state = splitmix(state);
        out[i] = state | 1;
        i += 1;
    }
    out
}

const fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The signature of a text: the minimum of each hash over its character 3-grams (a text of
/// fewer than 3 characters is one shingle).
pub fn signature(text: &str) -> Signature {
    let mut sig = [u32::MAX; HASHES];
    let mut window = [0u32; 3];
    let mut n = 0usize;
    let feed = |shingle: u64, sig: &mut Signature| {
        let x = splitmix(shingle);
        for i in 0..HASHES {
            let h = (A[i].wrapping_mul(x).wrapping_add(B[i]) >> 32) as u32;
            if h < sig[i] {
                sig[i] = h;
            }
        }
    };
    for c in text.chars() {
        window = [window[1], window[2], c as u32];
        n += 1;
        if n >= 3 {
            // Three code points of 21 bits pack into one 63-bit number exactly.
            let shingle =
                (u64::from(window[0]) << 42) | (u64::from(window[1]) << 21) | u64::from(window[2]);
            feed(shingle, &mut sig);
        }
    }
    if (1..3).contains(&n) {
        let shingle =
            (1u64 << 63) | (u64::from(window[1]) << 21) | u64::from(window[2]) | ((n as u64) << 60);
        feed(shingle, &mut sig);
    }
    sig
}

/// The number of equal positions; divided by `HASHES`, an estimate of the Jaccard
/// similarity of the two texts.
pub fn equal_hashes(a: &Signature, b: &Signature) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

pub fn band_key(sig: &Signature, band: usize) -> u32 {
    let mut x = 0u64;
    for r in 0..ROWS {
        x = splitmix(x ^ u64::from(sig[band * ROWS + r]));
    }
    x as u32
}

/// An index over a list of signatures (their positions are the ids).
pub struct Index {
    /// Per band, `(key, id)` sorted.
    bands: Vec<Vec<(u32, u32)>>,
    /// Per id, its entry's position in each band's table, when built
    /// [`Index::with_positions`]: the ids below it in its bucket are the entries just before.
    positions: Vec<[u32; BANDS]>,
}

impl Index {
    pub fn build(sigs: &[Signature]) -> Index {
        Index::make(sigs, false)
    }

    /// [`Index::build`], able to answer [`Index::earlier_candidates`] too.
    pub fn with_positions(sigs: &[Signature]) -> Index {
        Index::make(sigs, true)
    }

    fn make(sigs: &[Signature], with_positions: bool) -> Index {
        let mut positions = if with_positions {
            vec![[0u32; BANDS]; sigs.len()]
        } else {
            Vec::new()
        };
        let bands = (0..BANDS)
            .map(|b| {
                let mut table: Vec<(u32, u32)> = sigs
                    .iter()
                    .enumerate()
                    .map(|(id, s)| (band_key(s, b), id as u32))
                    .collect();
                table.sort_unstable();
                if with_positions {
                    for (p, &(_, id)) in table.iter().enumerate() {
                        positions[id as usize][b] = p as u32;
                    }
                }
                table
            })
            .collect();
        Index { bands, positions }
    }

    /// Candidate ids for `sig`: from each band, up to `per_band` ids sharing its bucket,
    /// those just below `below` (all ids when `below` is `u32::MAX`), most recent first.
    /// The result is deduplicated and excludes `below` itself.
    pub fn candidates(&self, sig: &Signature, below: u32, per_band: usize, out: &mut Vec<u32>) {
        out.clear();
        for (b, table) in self.bands.iter().enumerate() {
            let key = band_key(sig, b);
            let start = table.partition_point(|&(k, _)| k < key);
            let end = table.partition_point(|&(k, id)| k < key || (k == key && id < below));
            let from = end.saturating_sub(per_band).max(start);
            out.extend(table[from..end].iter().rev().map(|&(_, id)| id));
        }
        out.sort_unstable();
        out.dedup();
    }

    /// `candidates(sigs[id], id, per_band, out)` for an indexed id, without a search: its
    /// bucket's ids below it sit just before its own entry. On templated data, where
    /// buckets hold thousands of ids, the binary searches missed the cache at every step.
    /// Needs [`Index::with_positions`].
    pub fn earlier_candidates(&self, id: u32, per_band: usize, out: &mut Vec<u32>) {
        out.clear();
        let positions = &self.positions[id as usize];
        for (table, &p) in self.bands.iter().zip(positions) {
            let p = p as usize;
            let key = table[p].0;
            let from = p.saturating_sub(per_band);
            let run = table[from..p]
                .iter()
                .rev()
                .take_while(|&&(k, _)| k == key)
                .map(|&(_, id)| id);
            out.extend(run);
        }
        out.sort_unstable();
        out.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_texts_share_buckets_and_different_ones_rarely_do() {
        let a = signature("How do I reset my password on the mobile app?");
        let b = signature("How do I reset my pasword on the mobile app?");
        let c = signature("Which payment methods do you accept for annual plans?");
        let estimate = |x, y| equal_hashes(x, y) as f64 / HASHES as f64;
        assert!(estimate(&a, &b) > 0.5, "{}", estimate(&a, &b));
        assert!(estimate(&a, &c) < 0.3, "{}", estimate(&a, &c));
        let index = Index::build(&[a, c, b]);
        let mut out = Vec::new();
        index.candidates(&b, 2, 4, &mut out);
        assert!(out.contains(&0));
        assert!(!out.contains(&2));
    }

    #[test]
    fn earlier_candidates_are_the_candidates_below_an_id() {
        // Few distinct texts, so buckets are long and shared.
        let texts: Vec<String> = (0..3000)
            .map(|i| format!("question {} about plan {}", i % 37, i % 11))
            .collect();
        let sigs: Vec<Signature> = texts.iter().map(|t| signature(t)).collect();
        let index = Index::with_positions(&sigs);
        let (mut want, mut got) = (Vec::new(), Vec::new());
        for per_band in [0, 1, 4, 16] {
            for (id, sig) in sigs.iter().enumerate() {
                index.candidates(sig, id as u32, per_band, &mut want);
                index.earlier_candidates(id as u32, per_band, &mut got);
                assert_eq!(got, want, "id {id} per_band {per_band}");
            }
        }
    }

    #[test]
    fn short_texts_have_signatures() {
        assert_eq!(signature("ok"), signature("ok"));
        assert_ne!(signature("ok"), signature("no"));
        assert_eq!(signature(""), [u32::MAX; HASHES]);
    }
}
