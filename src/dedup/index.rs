//! The near-duplicate index: MinHash signatures of character 3-grams, banded for
//! locality-sensitive hashing, so candidate pairs are found in near-linear time instead of
//! comparing every pair.
//!
//! Candidates are only suggestions: every pair reported is confirmed with the exact
//! similarity of `similarity.rs`. The index is tuned for recall at the lesson's threshold
//! (SequenceMatcher ratio > 0.85), with three families of bands over the same 32 hashes
//! ([`FAMILIES`]):
//!
//! * 16 bands of 2 hashes make a pair whose 3-gram Jaccard similarity is 0.5 a candidate
//!   with probability 1 - (1 - 0.5²)¹⁶ ≈ 99%: this family catches the loosely alike pairs
//!   (short texts, where one typo changes a large share of the 3-grams);
//! * 8 bands of 4 hashes are selective: on templated data (texts built from the same
//!   sentences) a 2-hash bucket holds a tenth of the file, and a text's real near-duplicate
//!   may lie hundreds of thousands of entries back in it, far beyond any window that can be
//!   afforded, while a 4-hash bucket holds far fewer look-alikes. A pair with Jaccard 0.9
//!   shares one with probability 1 - (1 - 0.9⁴)⁸ ≈ 99.9998%;
//! * 4 bands of 8 hashes hold a handful of texts each even on templated data: what is left
//!   of a near-identical pair (Jaccard 0.95: 1 - (1 - 0.95⁸)⁴ ≈ 98.7%) is found wherever its
//!   two texts are in the file.
//!
//! From each bucket a text is in, only the nearest entries are taken (`per_band`): that
//! bounds the work on data where buckets hold thousands of look-alikes.

/// Hashes per signature.
pub const HASHES: usize = 32;

/// A family of bands: the signature cut into bands of `rows` consecutive hashes
/// (`HASHES / rows` bands), two texts sharing a band's hashes sharing its bucket, and the
/// ids taken from each bucket, the nearest ones first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Family {
    pub rows: usize,
    pub per_band: usize,
}

impl Family {
    pub const fn bands(&self) -> usize {
        HASHES / self.rows
    }
}

/// The families of the index. Measured on the planted near-duplicates of the benchmark
/// files (`bench/README.md`), on a million examples: the 2-hash family alone with 64 ids per
/// band found 74.5% of them, 16 per band under half; with the 4-hash family beside it (64
/// per band) 98.2%, from about half the candidates per text; the 8-hash family, whose
/// buckets hold a handful of texts, adds the near-identical pairs that still lay out of
/// reach in crowded 4-hash buckets: 98.6%. What remains is mostly pairs whose source was
/// itself dropped as a near-duplicate, which the lesson's greedy loop does not report either.
pub const FAMILIES: [Family; 3] = [
    Family {
        rows: 2,
        per_band: 16,
    },
    Family {
        rows: 4,
        per_band: 64,
    },
    Family {
        rows: 8,
        per_band: 64,
    },
];

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

/// Lowers each hash of `sig` to the shingle's where that is smaller.
#[inline]
fn feed(shingle: u64, sig: &mut Signature) {
    let x = splitmix(shingle);
    for i in 0..HASHES {
        let h = (A[i].wrapping_mul(x).wrapping_add(B[i]) >> 32) as u32;
        if h < sig[i] {
            sig[i] = h;
        }
    }
}

/// The signature of a text: the minimum of each hash over its character 3-grams (a text of
/// fewer than 3 characters is one shingle).
pub fn signature(text: &str) -> Signature {
    let mut sig = [u32::MAX; HASHES];
    let mut window = [0u32; 3];
    let mut n = 0usize;
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

/// The signature of a text by its word 3-grams (words split at white space, a text of fewer
/// than 3 words is one shingle): what tells two long texts apart, where the character
/// 3-grams of any two long English texts are mostly the same. A word is read without its
/// case and the punctuation around it (`Paris.` is `paris`), and one of punctuation only
/// (`-`, `—`) is none: a full stop or a capital does not make two short answers different.
pub fn word_signature(text: &str) -> Signature {
    let mut sig = [u32::MAX; HASHES];
    let mut window = [0u64; 3];
    let mut n = 0usize;
    let mut folded = String::new();
    for word in text.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.is_empty() {
            continue;
        }
        folded.clear();
        folded.extend(word.chars().flat_map(char::to_lowercase));
        window = [
            window[1],
            window[2],
            xxhash_rust::xxh3::xxh3_64(folded.as_bytes()),
        ];
        n += 1;
        if n >= 3 {
            feed(
                window[0] ^ window[1].rotate_left(21) ^ window[2].rotate_left(42),
                &mut sig,
            );
        }
    }
    if (1..3).contains(&n) {
        feed(window[1] ^ window[2].rotate_left(21) ^ (n as u64), &mut sig);
    }
    sig
}

/// The number of equal positions; divided by `HASHES`, an estimate of the Jaccard
/// similarity of the two texts.
pub fn equal_hashes(a: &Signature, b: &Signature) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

/// The low byte of each hash of a signature: what ranking candidates reads. A quarter of
/// the signature and one aligned half cache line: ranking reads hundreds of candidates per
/// text, scattered over the whole file, so the bytes read are the cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(32))]
pub struct Sketch([u8; HASHES]);

impl Sketch {
    pub fn of(sig: &Signature) -> Sketch {
        Sketch(sig.map(|h| h as u8))
    }

    /// The number of equal positions: at least the signatures' [`equal_hashes`], and more
    /// by one in 256 of the unequal ones on average.
    #[inline]
    pub fn equal(&self, other: &Sketch) -> usize {
        // Eight bytes at a time: a byte of `x` is zero where the sketches agree, and its high
        // bit in `t` is clear exactly then (adding 0x7f to the low seven bits carries into
        // the high bit unless they are all zero).
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        let mut equal = 0;
        for (a, b) in self.0.chunks_exact(8).zip(other.0.chunks_exact(8)) {
            let word = |w: &[u8]| u64::from_le_bytes(w.try_into().unwrap_or_default());
            let x = word(a) ^ word(b);
            let t = ((x & LOW) + LOW) | x;
            equal += (!t & !LOW).count_ones() as usize;
        }
        equal
    }
}

/// The bucket key of band `band` of the bands of `rows` hashes.
pub fn band_key(sig: &Signature, rows: usize, band: usize) -> u32 {
    let mut x = rows as u64;
    for &h in &sig[band * rows..(band + 1) * rows] {
        x = splitmix(x ^ u64::from(h));
    }
    x as u32
}

/// One band's table: `(key, id)` sorted, and how many ids a lookup takes from a bucket.
struct Band {
    rows: usize,
    band: usize,
    per_band: usize,
    table: Vec<(u32, u32)>,
}

/// An index over a list of signatures (their positions are the ids).
pub struct Index {
    /// Every band of every family, in order.
    bands: Vec<Band>,
    /// Per id, its signature's sketch.
    sketches: Vec<Sketch>,
    /// Per id, its entry's position in each band's table (`bands.len()` per id), when built
    /// [`Index::with_positions`]: the ids below it in its bucket are the entries just before.
    positions: Vec<u32>,
}

impl Index {
    pub fn build(sigs: &[Signature], threads: usize) -> Index {
        Index::make(sigs, &FAMILIES, false, threads)
    }

    /// [`Index::build`], able to answer [`Index::each_earlier`] too.
    pub fn with_positions(sigs: &[Signature], threads: usize) -> Index {
        Index::make(sigs, &FAMILIES, true, threads)
    }

    /// An index with other families than [`FAMILIES`].
    #[cfg(test)]
    pub fn with_families(sigs: &[Signature], families: &[Family], with_positions: bool) -> Index {
        Index::make(sigs, families, with_positions, 2)
    }

    /// The bands' tables are built `threads` at a time (at a million texts, 28 sorts of a
    /// million entries were seconds on one core), then the positions are filled by as many
    /// threads, each for its own range of ids.
    fn make(
        sigs: &[Signature],
        families: &[Family],
        with_positions: bool,
        threads: usize,
    ) -> Index {
        let layout: Vec<(usize, usize, usize)> = families
            .iter()
            .flat_map(|f| (0..f.bands()).map(move |b| (f.rows, b, f.per_band)))
            .collect();
        let build = |&(rows, band, per_band): &(usize, usize, usize)| {
            let mut table: Vec<(u32, u32)> = sigs
                .iter()
                .enumerate()
                .map(|(id, s)| (band_key(s, rows, band), id as u32))
                .collect();
            table.sort_unstable();
            Band {
                rows,
                band,
                per_band,
                table,
            }
        };
        let threads = crate::dedup::threads_for(sigs.len(), threads, SORTED_PER_THREAD)
            .min(layout.len().max(1));
        let bands: Vec<Band> = if threads == 1 {
            layout.iter().map(build).collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|t| {
                        let (layout, build) = (&layout, &build);
                        scope.spawn(move || {
                            (t..layout.len())
                                .step_by(threads)
                                .map(|slot| (slot, build(&layout[slot])))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                let mut built: Vec<(usize, Band)> = handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_default())
                    .collect();
                built.sort_unstable_by_key(|(slot, _)| *slot);
                built.into_iter().map(|(_, band)| band).collect()
            })
        };
        let positions = if with_positions {
            positions(&bands, sigs.len(), threads)
        } else {
            Vec::new()
        };
        let sketches = sigs.iter().map(Sketch::of).collect();
        Index {
            bands,
            sketches,
            positions,
        }
    }

    /// The sketch of id `id`.
    pub fn sketch(&self, id: u32) -> &Sketch {
        &self.sketches[id as usize]
    }

    /// The sketches, by id.
    pub fn sketches(&self) -> &[Sketch] {
        &self.sketches
    }

    /// Candidate ids for `sig`: from each band, up to its family's `per_band` ids sharing
    /// its bucket, those just below `below` (all ids when `below` is `u32::MAX`), most recent
    /// first. The result is deduplicated and excludes `below` itself.
    pub fn candidates(&self, sig: &Signature, below: u32, out: &mut Vec<u32>) {
        out.clear();
        for band in &self.bands {
            let table = &band.table;
            let key = band_key(sig, band.rows, band.band);
            let start = table.partition_point(|&(k, _)| k < key);
            let end = table.partition_point(|&(k, id)| k < key || (k == key && id < below));
            let from = end.saturating_sub(band.per_band).max(start);
            out.extend(table[from..end].iter().rev().map(|&(_, id)| id));
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Calls `f` with the ids of `candidates(sigs[id], id, out)` for an indexed id, without
    /// a search, in no particular order (an id in several buckets comes once from each): its
    /// bucket's ids below it sit just before its own entry. On templated data, where buckets
    /// hold thousands of ids, the binary searches missed the cache at every step. Needs
    /// [`Index::with_positions`].
    #[inline]
    pub fn each_earlier(&self, id: u32, mut f: impl FnMut(u32)) {
        let stride = self.bands.len();
        let positions = &self.positions[id as usize * stride..][..stride];
        for (band, &p) in self.bands.iter().zip(positions) {
            let p = p as usize;
            let key = band.table[p].0;
            let window = &band.table[p.saturating_sub(band.per_band)..p];
            // The table is sorted: the window's entries of other buckets come first.
            let same = window.partition_point(|&(k, _)| k < key);
            for &(_, id) in &window[same..] {
                f(id);
            }
        }
    }

    /// [`Index::each_earlier`], sorted and deduplicated: `candidates(sigs[id], id, out)`.
    #[cfg(test)]
    pub fn earlier_candidates(&self, id: u32, out: &mut Vec<u32>) {
        out.clear();
        self.each_earlier(id, |c| out.push(c));
        out.sort_unstable();
        out.dedup();
    }
}

/// The fewest texts per thread that building the bands' tables or their positions is split
/// for: below, a sort of a few thousand entries costs less than a thread.
const SORTED_PER_THREAD: usize = 4096;

/// Per id, its entry's position in each band's table, `bands.len()` per id; filled by
/// `threads` threads, each for its own range of ids, reading every table.
fn positions(bands: &[Band], ids: usize, threads: usize) -> Vec<u32> {
    let stride = bands.len();
    let mut positions = vec![0u32; ids * stride];
    if positions.is_empty() {
        return positions;
    }
    let threads = crate::dedup::threads_for(ids, threads, SORTED_PER_THREAD);
    let per_thread = ids.div_ceil(threads).max(1);
    let fill = |range: std::ops::Range<u32>, chunk: &mut [u32]| {
        for (slot, band) in bands.iter().enumerate() {
            for (p, &(_, id)) in band.table.iter().enumerate() {
                if range.contains(&id) {
                    chunk[(id - range.start) as usize * stride + slot] = p as u32;
                }
            }
        }
    };
    if threads == 1 {
        fill(0..ids as u32, &mut positions);
        return positions;
    }
    std::thread::scope(|scope| {
        for (part, chunk) in positions.chunks_mut(per_thread * stride).enumerate() {
            let first = part * per_thread;
            let range = first as u32..(first + chunk.len() / stride) as u32;
            let fill = &fill;
            scope.spawn(move || fill(range, chunk));
        }
    });
    positions
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
        let index = Index::build(&[a, c, b], 2);
        let mut out = Vec::new();
        index.candidates(&b, 2, &mut out);
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
        let (mut want, mut got) = (Vec::new(), Vec::new());
        for per_band in [0, 1, 4, 16] {
            let families = [
                Family { rows: 2, per_band },
                Family {
                    rows: 4,
                    per_band: per_band * 2,
                },
            ];
            let index = Index::with_families(&sigs, &families, true);
            for (id, sig) in sigs.iter().enumerate() {
                index.candidates(sig, id as u32, &mut want);
                index.earlier_candidates(id as u32, &mut got);
                assert_eq!(got, want, "id {id} per_band {per_band}");
            }
        }
    }

    #[test]
    fn a_sketch_counts_its_equal_bytes() {
        let mut a = [0u8; HASHES];
        let mut b = [0u8; HASHES];
        for i in 0..HASHES {
            a[i] = (i * 37) as u8;
            b[i] = if i % 3 == 0 {
                a[i]
            } else {
                a[i] ^ (1 << (i % 8))
            };
        }
        let expected = (0..HASHES).filter(|i| i % 3 == 0).count();
        assert_eq!(Sketch(a).equal(&Sketch(b)), expected);
        assert_eq!(Sketch(a).equal(&Sketch(a)), HASHES);
        // The high bit and the value 0x80 alone.
        b = a;
        b[5] ^= 0x80;
        b[31] ^= 0x7f;
        assert_eq!(Sketch(a).equal(&Sketch(b)), HASHES - 2);
        let sig = signature("How do I reset my password?");
        assert_eq!(Sketch::of(&sig).equal(&Sketch::of(&sig)), HASHES);
    }

    #[test]
    fn short_texts_have_signatures() {
        assert_eq!(signature("ok"), signature("ok"));
        assert_ne!(signature("ok"), signature("no"));
        assert_eq!(signature(""), [u32::MAX; HASHES]);
    }
}
