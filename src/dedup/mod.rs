//! Duplicate detection, below the rules: the exact similarity of the lesson (`similarity`),
//! the index that finds candidate pairs without comparing every pair (`index`), the texts
//! compared (`texts`), the one search of D002 and D003 (`search`), and the `dedupe` command.

pub mod dedupe;
pub mod index;
pub mod search;
pub mod similarity;
pub mod texts;
