//! D rules: examples that repeat other examples, within a dataset (D001, D002: a file, or
//! the shards of one split, see `crate::splits`) or across the
//! train and evaluation splits of a dataset (D003). They run in the dataset phase
//! (`crate::dataset`), over fingerprints and the compared texts, never whole records; D002
//! and D003 ask the one near-duplicate search of `crate::dedup::search`. D004 is a record
//! rule: each example's user turns against the benchmarks of `crate::contamination`.

pub mod benchmark_contamination;
pub mod exact_duplicate;
pub mod near_duplicate;
pub mod shared_prompt_template;
pub mod split_leak;

use crate::dataset::DatasetContext;
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
