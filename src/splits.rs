//! Which files of a run belong together: the splits of one dataset (a training file and the
//! validation and test files whose examples must not repeat it, D003), and the files that
//! are one dataset for D001 and D002 (the shards of one split), found by their names or
//! listed in `[[datasets]]`.
//!
//! A file's name says its split as Hugging Face `datasets` reads it, once its extensions
//! (`.jsonl`, `.ndjson`, `.gz`, `.zst`, `.parquet`...) and a shard suffix (`-00000-of-00004`,
//! with anything after the count: `-00000-of-00004-5d9a3f2a`) are set aside: when it holds a
//! split word whole, `train` or `training`; `validation`, `valid`, `dev` or `val`; `test`,
//! `testing`, `eval` or `evaluation` (`gsm8k_train`, `test.gsm8k`, `my_training_file`,
//! `train1`). What remains, without a part's number, is the dataset's name (`gsm8k`), and a
//! split only pairs with splits of the same name. A file in a directory named as a split
//! (`train/`, `test/`) with no split in its own name is of that split, and its dataset is the
//! directory above. Words only count whole: `trainer` and `contest` are not splits. Where
//! this differs from `datasets`, [`split_in`] and [`strip_shard`] say why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::DatasetGroup;
use crate::dataset::SplitGroup;
use crate::diagnostic::FileId;

/// The splits Hugging Face `datasets` knows and the words that name each in a file or
/// directory name, first the split's own (`SPLIT_KEYWORDS` in datasets/data_files.py, 4.0.0):
/// `training.jsonl` is a train split and `dev.jsonl` a validation split there, so here too.
const SPLITS: [&[&str]; 3] = [
    &["train", "training"],
    &["validation", "valid", "dev", "val"],
    &["test", "testing", "eval", "evaluation"],
];
/// The training split: every other is an evaluation split.
const TRAIN: &str = "train";
/// Extensions set aside before a name is read (compression first, then the data's).
const EXTENSIONS: &[&str] = &["gz", "zst", "zstd", "jsonl", "ndjson", "json", "parquet"];
/// The punctuation that separates the words of a name; made `_` in a dataset's name.
const SEPARATORS: &[char] = &['-', '_', '.', ' '];

/// How the files of a run group: see the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    /// Training files with their evaluation files (D003); evaluation files named as such
    /// without their training file in the run form a group with no training file.
    pub splits: Vec<SplitGroup>,
    /// Files compared as one dataset by D001 and D002, each in file id order (the run puts
    /// them in path order, `app::in_path_order`); a file in none of them is a dataset on its
    /// own.
    pub datasets: Vec<Vec<FileId>>,
}

/// What a file's path says about it.
#[derive(Debug, PartialEq, Eq)]
struct Named {
    /// The directory of the dataset and its name (empty for `train.jsonl`).
    dataset: (PathBuf, String),
    /// The split word (lowercase), or `None` for a shard of no named split.
    split: Option<String>,
    /// `data` for `data-00000-of-00004.jsonl`: shards of one unnamed set.
    shards_of: Option<String>,
}

/// `path` made absolute, the links of its folders resolved but not its own name: a split is
/// named by the name it is read under, and the Hugging Face cache links `train.jsonl` and
/// `validation.jsonl` to blobs named by their hash (two names of one blob are two splits,
/// every example a leak). Of a file that does not exist yet (an editor's new buffer named
/// with `--stdin-filename`), its folder's, with its name.
pub(crate) fn located(path: &Path) -> Option<PathBuf> {
    let Some(name) = path.file_name() else {
        return std::fs::canonicalize(path).ok();
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

/// The split and dataset groups of a run. `paths[i]` is file `i`'s path (`None` for
/// stdin); `configured` are the `[[datasets]]` groups, their paths relative to `root`.
pub fn groups(paths: &[Option<PathBuf>], configured: &[DatasetGroup], root: &Path) -> Groups {
    let canonical: Vec<Option<PathBuf>> = paths
        .iter()
        .map(|p| p.as_deref().and_then(located))
        .collect();
    // By dataset: each split word's files.
    let mut by_dataset: BTreeMap<(PathBuf, String), BTreeMap<String, Vec<FileId>>> =
        BTreeMap::new();
    let mut by_shards: BTreeMap<(PathBuf, String), Vec<FileId>> = BTreeMap::new();
    for (id, path) in canonical.iter().enumerate() {
        let Some(named) = path.as_deref().and_then(named) else {
            continue;
        };
        let id = id as FileId;
        match (named.split, named.shards_of) {
            (Some(split), _) => by_dataset
                .entry(named.dataset)
                .or_default()
                .entry(split)
                .or_default()
                .push(id),
            (None, Some(prefix)) => by_shards
                .entry((named.dataset.0, prefix))
                .or_default()
                .push(id),
            (None, None) => {}
        }
    }
    let mut splits = Vec::new();
    let mut same: Vec<Vec<FileId>> = by_shards.into_values().collect();
    for by_split in by_dataset.into_values() {
        let train: Vec<FileId> = by_split.get(TRAIN).cloned().unwrap_or_default();
        let eval: Vec<FileId> = by_split
            .iter()
            .filter(|(s, _)| s.as_str() != TRAIN)
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        // Evaluation files without their training file in the run still form a group, with
        // no training file: D003 has nothing to compare them with, and B001, D004 and
        // billing judge them as training files, since a file linted alone may be the one
        // uploaded to train.
        if !eval.is_empty() {
            splits.push(SplitGroup { train, eval });
        }
        same.extend(by_split.into_values());
    }
    let ids_of = |list: &[String]| -> Vec<FileId> {
        list.iter()
            .filter_map(|p| located(&root.join(Path::new(p))))
            .filter_map(|p| canonical.iter().position(|c| c.as_ref() == Some(&p)))
            .map(|i| i as FileId)
            .collect()
    };
    for g in configured {
        let (train, valid, test) = (ids_of(&g.train), ids_of(&g.valid), ids_of(&g.test));
        let eval: Vec<FileId> = valid.iter().chain(&test).copied().collect();
        same.extend([train.clone(), valid, test]);
        if !train.is_empty() && !eval.is_empty() {
            let group = SplitGroup { train, eval };
            if !splits.contains(&group) {
                splits.push(group);
            }
        }
    }
    Groups {
        splits,
        datasets: merge(paths.len(), same),
    }
}

/// `--context dataset`: the files of the datasets `judged` belong to that are not among
/// them (the other shards of a split, the other splits, the other files of a `[[datasets]]`
/// group), in path order. `near(dir, depth)` lists the dataset files a walk finds in `dir`
/// (ignore files and the configuration's `exclude` honoured); the candidates are the files
/// within two levels of each judged file's directory (and of the directory above one named
/// as a split, `train/`), the files `declared(file)` lists for a judged file (those the
/// `dataset_info.json` declaring it declares, wherever they sit), and the files
/// `[[datasets]]` lists; those that group with a judged file (see [`groups`]) are its
/// context.
pub fn dataset_context(
    judged: &[PathBuf],
    configured: &[DatasetGroup],
    root: &Path,
    near: &mut dyn FnMut(&Path, usize) -> Vec<PathBuf>,
    declared: &mut dyn FnMut(&Path) -> Vec<PathBuf>,
) -> Vec<PathBuf> {
    let key = |p: &Path| located(p).unwrap_or_else(|| p.to_path_buf());
    let mut seen: std::collections::BTreeSet<PathBuf> = judged.iter().map(|p| key(p)).collect();
    let mut dirs: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    for p in judged {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let dir_name = key(&dir)
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_ascii_lowercase);
        if dir_name.as_deref().and_then(split_named).is_some() {
            let above = match dir.parent() {
                _ if dir == Path::new(".") => PathBuf::from(".."),
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            dirs.insert(above);
        }
        dirs.insert(dir);
    }
    let mut candidates: Vec<PathBuf> = Vec::new();
    let mut add = |p: PathBuf, candidates: &mut Vec<PathBuf>| {
        if p.is_file() && seen.insert(key(&p)) {
            candidates.push(p);
        }
    };
    for dir in &dirs {
        for p in near(dir, 2) {
            add(p, &mut candidates);
        }
    }
    for p in judged {
        for p in declared(p) {
            add(p, &mut candidates);
        }
    }
    for g in configured {
        for p in g.train.iter().chain(&g.valid).chain(&g.test) {
            add(root.join(p), &mut candidates);
        }
    }
    if candidates.is_empty() {
        return candidates;
    }
    let all: Vec<Option<PathBuf>> = judged
        .iter()
        .chain(&candidates)
        .map(|p| Some(p.clone()))
        .collect();
    let found = groups(&all, configured, root);
    let is_judged = |f: &FileId| (*f as usize) < judged.len();
    let mut context = vec![false; candidates.len()];
    let mut mark = |files: &mut dyn Iterator<Item = &FileId>| {
        let files: Vec<FileId> = files.copied().collect();
        if files.iter().any(is_judged) {
            for f in files.iter().filter(|f| !is_judged(f)) {
                context[*f as usize - judged.len()] = true;
            }
        }
    };
    for g in &found.datasets {
        mark(&mut g.iter());
    }
    for g in &found.splits {
        mark(&mut g.train.iter().chain(&g.eval));
    }
    let mut out: Vec<PathBuf> = candidates
        .into_iter()
        .zip(context)
        .filter_map(|(p, c)| c.then_some(p))
        .collect();
    out.sort();
    out
}

/// Groups that share a file made one (a file listed in `[[datasets]]` and also a shard of
/// a named split): the groups of two files or more, each sorted, in order of first file.
fn merge(files: usize, groups: Vec<Vec<FileId>>) -> Vec<Vec<FileId>> {
    let mut parent: Vec<usize> = (0..files).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for g in &groups {
        let Some(&first) = g.first() else { continue };
        for &other in &g[1..] {
            let (a, b) = (
                root(&mut parent, first as usize),
                root(&mut parent, other as usize),
            );
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<FileId>> = BTreeMap::new();
    for i in 0..files {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(i as FileId);
    }
    by_root.into_values().filter(|g| g.len() > 1).collect()
}

/// Whether `path`'s name (or its directory's) makes it a split or a shard of a dataset: a
/// file under two such names is two files of the dataset, not one file named twice.
pub(crate) fn has_role(path: &Path) -> bool {
    named(path).is_some()
}

/// Whether `path` is named for its split and nothing else: a split word opens or ends its
/// name (`validation.jsonl`, `support_valid.jsonl`, `test-00000-of-00002.parquet`,
/// `test_0.jsonl`) or is its folder's whole name (`test/x.jsonl`), as an evaluation file is
/// named. A split word inside a name (`unit_test_generation.jsonl`, `web-dev-qa.jsonl`)
/// names a training file's subject as often, which is how B001 tells a lone evaluation file
/// from a training file it must judge.
pub(crate) fn named_for_its_split(path: &Path) -> bool {
    let Some(named) = named(path) else {
        return false;
    };
    if named.split.is_none() {
        return false;
    }
    let Some((stem, _)) = path.file_name().and_then(|n| n.to_str()).map(stem_of) else {
        return false;
    };
    let edge = |c: char| SEPARATORS.contains(&c) || c.is_ascii_digit();
    let word = |w: &str| split_named(w).is_some();
    let first = stem.trim_start_matches(edge).split(edge).next();
    let last = stem.trim_end_matches(edge).rsplit(edge).next();
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|d| d.to_str())
        .is_some_and(|d| word(&d.to_ascii_lowercase()));
    first.is_some_and(word) || last.is_some_and(word) || dir
}

/// A file name without its extensions and shard suffix, in lower case, and whether it had
/// that suffix: (`train`, true) for `Train-00000-of-00002.jsonl.gz`.
fn stem_of(name: &str) -> (String, bool) {
    let mut stem = name.to_ascii_lowercase();
    for ext in EXTENSIONS {
        if let Some(s) = stem.strip_suffix(&format!(".{ext}"))
            && !s.is_empty()
        {
            stem = s.to_owned();
        }
    }
    match strip_shard(&stem) {
        Some(s) => (s.to_owned(), true),
        None => (stem, false),
    }
}

/// What `path`'s name (or its directory's) says: see the module documentation.
fn named(path: &Path) -> Option<Named> {
    let dir = path.parent()?;
    let (stem, sharded) = stem_of(path.file_name()?.to_str()?);
    if let Some((split, name)) = split_in(&stem) {
        return Some(Named {
            dataset: (dir.to_path_buf(), name),
            split: Some(split),
            shards_of: None,
        });
    }
    // A directory counts only when its whole name is a split word (`train/`, `testing/`):
    // unlike `datasets`, which also reads `gsm8k_train/` and `runs_2024_test/`, since a
    // directory's name covers every file under it and says less about them than a file's own
    // name (`test_runs/`, a temporary directory's random digits and letters).
    let dir_name = dir.file_name()?.to_str()?.to_ascii_lowercase();
    if let Some(split) = split_named(&dir_name) {
        return Some(Named {
            dataset: (dir.parent()?.to_path_buf(), String::new()),
            split: Some(split.to_owned()),
            shards_of: None,
        });
    }
    sharded.then(|| Named {
        dataset: (dir.to_path_buf(), String::new()),
        split: None,
        shards_of: Some(stem),
    })
}

/// The split `word` names, if it is one of [`SPLITS`]' words.
fn split_named(word: &str) -> Option<&'static str> {
    SPLITS
        .iter()
        .find(|words| words.contains(&word))
        .map(|w| w[0])
}

/// `train` for `train-00000-of-00004`: the name before a Hugging Face shard suffix. Anything
/// may follow the count, as in `datasets`' own `SPLIT_PATTERN_SHARDED`
/// (`data/{split}-[0-9]{5}-of-[0-9]{5}*.*`): `push_to_hub` named shards
/// `train-00000-of-00001-5d9a3f2a.parquet` for years, and the Hub still serves them so.
/// Unlike `datasets`, any number of digits counts and `_` may come before the index
/// (`gsm8k_train_0-of-2`): a shard is a shard however it was numbered.
fn strip_shard(stem: &str) -> Option<&str> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // The last `-of-` that is one: the split's own name may hold another.
    stem.rmatch_indices("-of-").find_map(|(at, of)| {
        let total = &stem[at + of.len()..];
        if !total.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let (head, index) = stem[..at].rsplit_once(['-', '_'])?;
        (digits(index) && !head.is_empty()).then_some(head)
    })
}

/// The split a stem names and the dataset name around its split word: `train` →
/// (`train`, ``), `gsm8k-test` → (`test`, `gsm8k`), `val.my-set` → (`validation`, `my_set`),
/// `my_training_file` → (`train`, `my_file`).
///
/// As `datasets` reads a file name (`KEYWORDS_IN_FILENAME_BASE_PATTERNS`,
/// `**/{keyword}[{sep}]*` and `**/*[{sep}]{keyword}[{sep}]*` with `NON_WORDS_CHARS`
/// `-._ 0-9` as `sep`), a split word counts anywhere in the name, whole: after the start or
/// one of `-._ ` or a digit, and before one of them or the end (`train1`, `2023_test`, but
/// not `trainer` or `contest`). Where it differs, on purpose: case does not matter
/// (`Train.jsonl`: Windows and macOS find that file as `train.jsonl`), and a name with two
/// split words (`train_test`), which `datasets` puts in both splits, is the split of the
/// first, since a file here is in one split.
fn split_in(stem: &str) -> Option<(String, String)> {
    let boundary = |c: char| SEPARATORS.contains(&c) || c.is_ascii_digit();
    let starts = std::iter::once(0).chain(
        stem.char_indices()
            .filter(|&(_, c)| boundary(c))
            .map(|(i, c)| i + c.len_utf8()),
    );
    for at in starts {
        for words in SPLITS {
            for word in words {
                let Some(after) = stem[at..].strip_prefix(word) else {
                    continue;
                };
                if after.starts_with(|c: char| !boundary(c)) {
                    continue;
                }
                return Some((words[0].to_owned(), dataset_name(&stem[..at], after)));
            }
        }
    }
    None
}

/// The name of a dataset, what is left around its split word, separators made `_`
/// (`gsm8k_` and `` give `gsm8k`). `datasets` has no dataset names: every file of a folder
/// named as one split is that split; here splits pair by name, so that `a_train` is not
/// compared with `b_test`. A number beside the split word numbers a part (`train_0`,
/// `train1`, `datasets`' own example of one `train` split of several files), not a dataset,
/// and is left out.
fn dataset_name(before: &str, after: &str) -> String {
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let before = before.trim_end_matches(SEPARATORS);
    let before = match before.rsplit_once(SEPARATORS) {
        Some((head, last)) if number(last) => head,
        _ if number(before) => "",
        _ => before,
    };
    let after = after.trim_start_matches(SEPARATORS);
    let after = match after.split_once(SEPARATORS) {
        Some((first, tail)) if number(first) => tail,
        _ if number(after) => "",
        _ => after,
    };
    [before, after]
        .map(|s| s.trim_matches(SEPARATORS))
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("_")
        .replace(SEPARATORS, "_")
}

/// The Python with `datasets` 4.0.0 that the tests ask (`TUNELINT_DATASETS_PYTHON` in CI).
#[cfg(test)]
#[allow(dead_code)]
#[path = "../tests/support/datasets_python.rs"]
mod datasets_python;

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_for_its_split_opens_or_ends_with_the_split_word() {
        for name in [
            "validation.jsonl",
            "support_valid.jsonl",
            "gsm8k-test.jsonl",
            "test_0.jsonl",
            "evaluation_rubric.jsonl",
            "data/test-00000-of-00002-5d9a3f2a.parquet",
            "test/questions.jsonl",
        ] {
            assert!(named_for_its_split(Path::new(name)), "{name}");
        }
        for name in [
            "unit_test_generation.jsonl",
            "web-dev-qa.jsonl",
            "ab-test-prompts.jsonl",
            "contest.jsonl",
            "data/notes.jsonl",
        ] {
            assert!(!named_for_its_split(Path::new(name)), "{name}");
        }
    }

    use super::*;

    /// File names (in a folder `data/`, as on the Hub) and what each says: its split and its
    /// dataset's name. The split is the one Hugging Face `datasets` 4.0.0 reads from the same
    /// name (`datasets_reads_the_same_splits` asks it), except for the names of [`DIFFERS`].
    const NAMES: &[(&str, Option<(&str, &str)>)] = &[
        ("train.jsonl", Some(("train", ""))),
        ("gsm8k_train.jsonl", Some(("train", "gsm8k"))),
        ("gsm8k-test.jsonl.gz", Some(("test", "gsm8k"))),
        ("test.gsm8k.jsonl", Some(("test", "gsm8k"))),
        ("my-set.validation.ndjson", Some(("validation", "my_set"))),
        ("alpaca_gpt4_train.jsonl", Some(("train", "alpaca_gpt4"))),
        ("gsm8k_train.parquet", Some(("train", "gsm8k"))),
        // Every word of datasets' SPLIT_KEYWORDS, alone.
        ("training.jsonl", Some(("train", ""))),
        ("validation.jsonl", Some(("validation", ""))),
        ("valid.jsonl", Some(("validation", ""))),
        ("dev.jsonl", Some(("validation", ""))),
        ("val.jsonl", Some(("validation", ""))),
        ("testing.jsonl", Some(("test", ""))),
        ("eval.jsonl", Some(("test", ""))),
        ("evaluation.jsonl", Some(("test", ""))),
        // Anywhere in the name, after and before a separator, a digit or an end.
        ("my_train_file.jsonl", Some(("train", "my_file"))),
        ("training_notes.jsonl", Some(("train", "notes"))),
        (
            "latest_eval_results.jsonl",
            Some(("test", "latest_results")),
        ),
        ("my train.jsonl", Some(("train", "my"))),
        ("_train_.jsonl", Some(("train", ""))),
        // A part's number is no dataset's name.
        ("train1.jsonl", Some(("train", ""))),
        ("train_0.jsonl", Some(("train", ""))),
        ("2023_test.jsonl", Some(("test", ""))),
        ("sft_valid-3.jsonl", Some(("validation", "sft"))),
        // Two split words: the first.
        ("train_test.jsonl", Some(("train", "test"))),
        // Hugging Face shards, with and without the hash `push_to_hub` appended for years.
        ("train-00000-of-00002.jsonl", Some(("train", ""))),
        ("test-00000-of-00001.parquet", Some(("test", ""))),
        ("train-00000-of-00001-5d9a3f2a.parquet", Some(("train", ""))),
        ("test-00000-of-00001-9c1b2e3d.jsonl", Some(("test", ""))),
        (
            "validation-00000-of-00001.parquet",
            Some(("validation", "")),
        ),
        ("Test-00000-of-00001.jsonl.zst", Some(("test", ""))),
        (
            "gsm8k_dev-00001-of-00003.jsonl",
            Some(("validation", "gsm8k")),
        ),
        // HuggingFaceH4/ultrachat_200k's splits.
        (
            "train_sft-00000-of-00003-a3ecf92756993583.parquet",
            Some(("train", "sft")),
        ),
        (
            "test_sft-00000-of-00001-f7dfac4afe5b93f4.parquet",
            Some(("test", "sft")),
        ),
        // Directories named as splits.
        ("train/part-1.jsonl", Some(("train", ""))),
        ("valid/gsm8k.jsonl", Some(("validation", ""))),
        ("training/part.jsonl", Some(("train", ""))),
        ("evaluation/part.jsonl", Some(("test", ""))),
        // Words only count whole.
        ("trainer.jsonl", None),
        ("retrain.jsonl", None),
        ("contest.jsonl", None),
        ("evals.jsonl", None),
        ("development.jsonl", None),
        ("interval.jsonl", None),
        ("notes.jsonl", None),
        ("data-00000-of-00002.jsonl", None),
        // Case does not matter here.
        ("Train.jsonl", Some(("train", ""))),
        ("TEST.jsonl", Some(("test", ""))),
        // A directory counts only by its whole name, and only the file's own.
        ("gsm8k_train/part.jsonl", None),
        ("train/more/part.jsonl", None),
    ];

    /// The names of [`NAMES`] whose split differs from `datasets`' on purpose: case does not
    /// matter here ([`split_in`]), and a directory counts only by its whole name and only when
    /// it holds the file (`named`).
    const DIFFERS: &[&str] = &[
        "Train.jsonl",
        "TEST.jsonl",
        "gsm8k_train/part.jsonl",
        "train/more/part.jsonl",
    ];

    fn split_of(name: &str) -> Option<(String, String)> {
        let n = named(&Path::new("/d/data").join(name))?;
        Some((n.split?, n.dataset.1))
    }

    #[test]
    fn names_say_their_split_and_dataset() {
        for (name, expected) in NAMES {
            let expected = expected.map(|(s, d)| (s.to_owned(), d.to_owned()));
            assert_eq!(split_of(name), expected, "{name}");
        }
    }

    #[test]
    fn shards_of_no_split_are_shards_of_their_prefix() {
        for name in [
            "data-00000-of-00002.jsonl",
            "data-00001-of-00002-a1b2c3.jsonl",
        ] {
            let n = named(&Path::new("/d").join(name)).expect("a shard");
            assert_eq!(n.shards_of.as_deref(), Some("data"), "{name}");
        }
    }

    /// For each name, the splits `datasets.data_files.get_data_patterns` finds in a folder
    /// holding only `data/NAME`, or null when it finds none and loads every file as `train`.
    const SPLITS_OF: &str = r#"
import json, os, sys, tempfile
from datasets.data_files import get_data_patterns, DEFAULT_PATTERNS_ALL
everything = {str(k): v for k, v in DEFAULT_PATTERNS_ALL.items()}
out = {}
for name in json.load(sys.stdin):
    with tempfile.TemporaryDirectory() as root:
        path = os.path.join(root, "data", name)
        os.makedirs(os.path.dirname(path))
        open(path, "w").close()
        found = {str(k): v for k, v in get_data_patterns(root).items()}
        out[name] = None if found == everything else sorted(found)
print(json.dumps(out))
"#;

    /// Hugging Face `datasets` reads the split of every name of [`NAMES`] as tunelint does,
    /// but those of [`DIFFERS`]. Its sharded pattern takes any name before the shard numbers
    /// as the split (`train_sft`): tunelint reads that name as any other.
    #[test]
    fn datasets_reads_the_same_splits() {
        let Some(python) = super::datasets_python::oracle_python() else {
            return;
        };
        // Besides the table, every split word in a few settings: at either end, in the
        // middle, glued to a letter or a digit, before a shard suffix.
        let mut generated = Vec::new();
        for word in SPLITS.iter().flat_map(|w| w.iter()) {
            for before in ["", "x_", "x", "1", "x."] {
                for after in ["", "_y", "y", "2", "-00000-of-00002-ab12"] {
                    generated.push(format!("{before}{word}{after}.jsonl"));
                }
            }
        }
        let names: Vec<&str> = NAMES
            .iter()
            .map(|(n, _)| *n)
            .chain(generated.iter().map(String::as_str))
            .collect();
        let mut child = std::process::Command::new(python)
            .args(["-c", SPLITS_OF])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python runs");
        let input = serde_json::to_vec(&names).expect("json");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &input)
            .expect("write names");
        let out = child.wait_with_output().expect("python ends");
        assert!(out.status.success(), "the datasets oracle failed");
        let theirs: BTreeMap<String, Option<Vec<String>>> =
            serde_json::from_slice(&out.stdout).expect("the oracle's json");
        for name in names {
            let ours = split_of(name).map(|(split, _)| split);
            let ours = ours.as_deref();
            let splits = theirs[name].clone().unwrap_or_default();
            let same = match splits.as_slice() {
                [] => ours.is_none(),
                [one] if !SPLITS.iter().any(|w| w[0] == one) => {
                    let read = split_in(&one.to_ascii_lowercase());
                    read.map(|(s, _)| s).as_deref() == ours
                }
                several => ours.is_some_and(|s| several.iter().any(|t| t == s)),
            };
            assert_eq!(
                same,
                !DIFFERS.contains(&name),
                "{name}: datasets reads {splits:?}, tunelint {ours:?}"
            );
        }
    }

    #[test]
    fn overlapping_groups_become_one() {
        assert_eq!(
            merge(5, vec![vec![0, 1], vec![3], vec![1, 2], vec![]]),
            vec![vec![0, 1, 2]]
        );
    }
}
