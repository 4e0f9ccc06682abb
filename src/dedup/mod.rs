//! Duplicate detection: the exact similarity of the lesson (`similarity`), the index that
//! finds candidate pairs without comparing every pair (`index`), and the `dedupe` command.

pub mod dedupe;
pub mod index;
pub mod similarity;
pub mod texts;
