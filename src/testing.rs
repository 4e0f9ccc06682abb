//! What the unit tests share: a seeded generator, so that a property test draws the same
//! cases on every machine and a failure can be replayed.

/// A linear congruential generator (Knuth's MMIX constants), the high bits kept.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % n
    }

    /// `len` of `pieces`, each picked at random, joined.
    pub fn text(&mut self, pieces: &[&str], len: usize) -> String {
        (0..len).map(|_| pieces[self.below(pieces.len())]).collect()
    }
}
