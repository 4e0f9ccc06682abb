//! Duplicate detection, below the rules: the exact similarity of the lesson (`similarity`),
//! the index that finds candidate pairs without comparing every pair (`index`), the texts
//! compared (`texts`), the prompt template most of them may share (`template`) and the one search D002, D003 and `dedupe` use (`search`).

pub(crate) mod index;
pub mod search;
pub mod similarity;
pub mod template;
pub mod texts;

/// The threads worth starting for `items` items of work, at most `threads`: one per
/// `per_thread` items at least, so that a small file (a dataset of thousands of small files)
/// is worked on the calling thread instead of paying for threads started and joined for a
/// few records (six per file before).
pub(crate) fn threads_for(items: usize, threads: usize, per_thread: usize) -> usize {
    threads.clamp(1, (items / per_thread.max(1)).max(1))
}
