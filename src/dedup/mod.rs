//! Duplicate detection, below the rules: the exact similarity of the lesson (`similarity`),
//! the index that finds candidate pairs without comparing every pair (`index`), the texts
//! compared (`texts`), the prompt template most of them may share (`template`) and the one search D002, D003 and `dedupe` use (`search`).

pub(crate) mod index;
pub mod search;
pub mod similarity;
pub mod template;
pub mod texts;
