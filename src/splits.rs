//! Which files of a run are splits of one dataset: a training file and the validation and
//! test files whose examples must not repeat it (D003), found by their names or listed in
//! `[[datasets]]`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::DatasetGroup;
use crate::dataset::SplitGroup;
use crate::diagnostic::FileId;

/// Stems of evaluation split files.
const EVAL_SPLITS: &[&str] = &["valid", "validation", "val", "test", "eval"];

/// The split groups of a run: in each directory, a `train` file with its `valid`,
/// `validation`, `val`, `test` or `eval` siblings; then every `[[datasets]]` group of the
/// configuration (paths relative to `root`). `paths[i]` is file `i`'s path (`None` for stdin).
pub fn split_groups(
    paths: &[Option<PathBuf>],
    configured: &[DatasetGroup],
    root: &Path,
) -> Vec<SplitGroup> {
    let canonical: Vec<Option<PathBuf>> = paths
        .iter()
        .map(|p| p.as_ref().and_then(|p| std::fs::canonicalize(p).ok()))
        .collect();
    let mut by_dir: BTreeMap<PathBuf, SplitGroup> = BTreeMap::new();
    for (id, path) in canonical.iter().enumerate() {
        let Some(path) = path else { continue };
        let (Some(dir), Some(stem)) = (path.parent(), path.file_stem().and_then(|s| s.to_str()))
        else {
            continue;
        };
        let group = by_dir.entry(dir.to_path_buf()).or_insert(SplitGroup {
            train: Vec::new(),
            eval: Vec::new(),
        });
        if stem == "train" {
            group.train.push(id as FileId);
        } else if EVAL_SPLITS.contains(&stem) {
            group.eval.push(id as FileId);
        }
    }
    let mut groups: Vec<SplitGroup> = by_dir
        .into_values()
        .filter(|g| !g.train.is_empty() && !g.eval.is_empty())
        .collect();
    let ids_of = |list: &[String]| -> Vec<FileId> {
        list.iter()
            .filter_map(|p| std::fs::canonicalize(root.join(Path::new(p))).ok())
            .filter_map(|p| canonical.iter().position(|c| c.as_ref() == Some(&p)))
            .map(|i| i as FileId)
            .collect()
    };
    for g in configured {
        let train = ids_of(&g.train);
        let eval: Vec<FileId> = ids_of(&g.valid)
            .into_iter()
            .chain(ids_of(&g.test))
            .collect();
        if !train.is_empty() && !eval.is_empty() {
            let group = SplitGroup { train, eval };
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
    }
    groups
}
