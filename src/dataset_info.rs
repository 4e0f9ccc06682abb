//! LLaMA-Factory's `dataset_info.json`: the local files it names and what it declares about
//! each (formatting, columns, tags, ranking), read the way LLaMA-Factory's own parser reads
//! it. Entries on a hub or behind a loading script are never fetched: they are listed as
//! skipped, and the run says so in a note. A registry that is not valid JSON, or an entry
//! LLaMA-Factory could not load, is an error located at its line and column.
//!
//! Other tools write a file of the same name (Hugging Face `datasets`' `save_to_disk` and
//! TensorFlow Datasets, their `DatasetInfo`). A file is read as a registry only when it has an
//! entry shaped like LLaMA-Factory's (`is_entry`); one with none is [`DatasetInfo::Other`],
//! read as nothing, so that a mistake in a real registry still stops the run while another
//! tool's file does not.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::declared::{Columns, Declared, Formatting, Tags};
use crate::json::{Document, Kind, NodeId, Parser};
use crate::wording::quote;

/// The registry's name: LLaMA-Factory reads `dataset_dir/dataset_info.json`.
pub const FILE_NAME: &str = "dataset_info.json";

/// A registry larger than this is not a registry (LLaMA-Factory's own is 25 KB).
const MAX_BYTES: u64 = 16 << 20;

/// The keys that say an entry is not a local file (the [`SOURCE_KEYS`] but `file_name`).
const REMOTE_KEYS: &[&str] = &[
    "hf_hub_url",
    "ms_hub_url",
    "om_hub_url",
    "script_url",
    "cloud_file_name",
];

/// The keys that say where an entry's data is: LLaMA-Factory's parser reads one of them from
/// every entry.
const SOURCE_KEYS: &[&str] = &[
    "file_name",
    "hf_hub_url",
    "ms_hub_url",
    "om_hub_url",
    "script_url",
    "cloud_file_name",
];

/// What a file named `dataset_info.json` is.
#[derive(Debug)]
pub enum DatasetInfo {
    /// A LLaMA-Factory registry.
    Registry(Registry),
    /// Another tool's file of the same name: not a registry, and not read as one.
    Other(Other),
}

/// Whose `dataset_info.json` a file that is not a registry is, when its keys tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Other {
    /// Hugging Face `datasets`' `DatasetInfo` beside a `state.json`: a folder written by
    /// `save_to_disk`, whose data is in `data-*.arrow` files.
    SavedToDisk,
    /// Hugging Face `datasets`' `DatasetInfo` (`features`, `builder_name`, `splits`, ...).
    HuggingFace,
    /// TensorFlow Datasets' `DatasetInfo` (`moduleName`, `fileFormat`, ...).
    TensorFlow,
    Unknown,
}

impl Other {
    /// What the file is, for a note: `the DatasetInfo of a Hugging Face save_to_disk folder`.
    pub fn described(self) -> Option<&'static str> {
        match self {
            Other::SavedToDisk => Some(
                "the DatasetInfo of a Hugging Face `save_to_disk` folder (tunelint does not read its .arrow files)",
            ),
            Other::HuggingFace => Some("a Hugging Face `datasets` DatasetInfo"),
            Other::TensorFlow => Some("a TensorFlow Datasets DatasetInfo"),
            Other::Unknown => None,
        }
    }
}

/// Why a registry cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatasetInfoError {
    #[error("{path}: cannot be read: {reason}")]
    Io { path: String, reason: String },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: u64,
        column: u64,
        message: String,
    },
}

/// What one registry names.
#[derive(Debug, Default)]
pub struct Registry {
    /// The local datasets, in the registry's order.
    pub entries: Vec<Entry>,
    /// The datasets not linted, with why.
    pub skipped: Vec<Skipped>,
}

/// One local dataset: its files (one, or those of the folder `file_name` names) and what the
/// entry declares about them.
#[derive(Debug)]
pub struct Entry {
    pub files: Vec<PathBuf>,
    pub declared: Arc<Declared>,
}

/// A dataset not linted.
#[derive(Debug, PartialEq, Eq)]
pub struct Skipped {
    pub dataset: String,
    pub reason: SkipReason,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// On a hub, in the cloud or behind a loading script (the key that says so).
    Remote(&'static str),
    /// A local file of a type tunelint does not read (its name).
    FileType(String),
}

/// True when `path` is named `dataset_info.json`.
pub fn is_registry(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == FILE_NAME)
}

/// A name tunelint reads as a dataset: `.json`, `.jsonl` or `.ndjson`, plain or compressed,
/// and `.parquet`.
fn is_readable(path: &Path) -> bool {
    let ext = |p: &Path, e: &str| p.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
    let data = |p: &Path| ext(p, "json") || ext(p, "jsonl") || ext(p, "ndjson");
    if ext(path, "parquet") {
        true
    } else if ext(path, "gz") || ext(path, "zst") {
        path.file_stem().is_some_and(|stem| data(Path::new(stem)))
    } else {
        data(path)
    }
}

/// Reads the `dataset_info.json` at `path`: a registry, whose files are relative to its
/// folder, or another tool's file.
pub fn read(path: &Path) -> Result<DatasetInfo, DatasetInfoError> {
    let shown = path.display().to_string();
    let io = |reason: String| DatasetInfoError::Io {
        path: shown.clone(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(crate::source::io_error_text(&e)))?;
    if meta.len() > MAX_BYTES {
        return Err(io(format!(
            "{} bytes is too large for a dataset_info.json (at most {})",
            crate::wording::thousands(meta.len()),
            crate::wording::thousands(MAX_BYTES)
        )));
    }
    let bytes = crate::source::read_capped(path, MAX_BYTES)
        .map_err(|e| io(crate::source::io_error_text(&e)))?;
    let text = String::from_utf8(bytes).map_err(|e| DatasetInfoError::Invalid {
        path: shown.clone(),
        line: 1,
        column: 1,
        message: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut parser = Parser::new();
    let doc = parser.parse(text).map_err(|e| DatasetInfoError::Invalid {
        path: shown.clone(),
        line: line_col(text, e.offset).0,
        column: line_col(text, e.offset).1,
        message: format!("invalid JSON: {}", e.message),
    })?;
    let reader = Reader {
        shown: &shown,
        text,
        doc: &doc,
    };
    let root = doc.root();
    // Not a registry only when it is recognisably another tool's: a file of no entry shaped
    // like LLaMA-Factory's and of none of Hugging Face's or TensorFlow Datasets' keys is a
    // registry gone wrong (`{"mine": {"file": "a.jsonl"}}`), which LLaMA-Factory cannot load
    // and the user is told about at its entry.
    if !is_registry_shaped(&doc, root) {
        let other = other_kind(&doc, root, dir);
        if other != Other::Unknown || describes_a_dataset(&doc, root) {
            return Ok(DatasetInfo::Other(other));
        }
    }
    if doc.kind(root) != Kind::Object {
        return Err(reader.invalid(
            root,
            format!(
                "dataset_info.json holds {}; expected an object of datasets by name",
                crate::wording::describe(&doc, root)
            ),
        ));
    }
    let mut registry = Registry::default();
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or_default().into_owned();
        reader.entry(&name, key, value, dir, &mut registry)?;
    }
    Ok(DatasetInfo::Registry(registry))
}

/// Whether a document is a LLaMA-Factory registry by its shape: an empty object (a registry
/// of no datasets), or one with at least one entry shaped like LLaMA-Factory's. Every entry
/// is checked for what LLaMA-Factory needs only once this holds, so a real registry with one
/// broken entry (a string, no `file_name`) is still reported at that entry. An array is
/// judged by its elements, so that a registry written as a list is told what is wrong with it.
fn is_registry_shaped(doc: &Document<'_, '_>, root: NodeId) -> bool {
    match doc.kind(root) {
        Kind::Object => {
            doc.members(root).next().is_none()
                || doc.members(root).any(|(_, value)| is_entry(doc, value))
        }
        Kind::Array => doc.elements(root).any(|value| is_entry(doc, value)),
        _ => false,
    }
}

/// Whether `value` is shaped like a LLaMA-Factory entry: an object with one of the keys its
/// parser reads, holding the kind of value it reads there. A source key (`file_name`,
/// `hf_hub_url`, ...) counts with any value but an object or an array, and a misspelling of
/// one (`filename`, `file-name`) with a string. Another tool's `dataset_info.json` has
/// objects too, but where it has these names (a column called `file_name` or `tags` among
/// Hugging Face's `features`) it holds an object describing a column, not a string.
fn is_entry(doc: &Document<'_, '_>, value: NodeId) -> bool {
    if doc.kind(value) != Kind::Object {
        return false;
    }
    doc.members(value).any(|(key, v)| {
        let Some(key) = doc.str(key) else {
            return false;
        };
        let kind = doc.kind(v);
        let text = kind == Kind::String;
        match &*key {
            k if SOURCE_KEYS.contains(&k) => !matches!(kind, Kind::Object | Kind::Array),
            "formatting" | "subset" | "split" | "folder" => text,
            "ranking" => kind == Kind::Bool,
            "num_samples" => kind == Kind::Number,
            "columns" => maps_names(doc, v, Columns::NAMES),
            "tags" => maps_names(doc, v, Tags::NAMES),
            k => text && is_like_a_source_key(k),
        }
    })
}

/// Whether `node` is an object with one of `names` holding a key of the records (a string)
/// or nothing (null), as an entry's `columns` or `tags` does.
fn maps_names(doc: &Document<'_, '_>, node: NodeId, names: &[&str]) -> bool {
    doc.kind(node) == Kind::Object
        && doc.members(node).any(|(name, key)| {
            doc.str(name).is_some_and(|n| names.contains(&&*n))
                && matches!(doc.kind(key), Kind::String | Kind::Null)
        })
}

/// `filename`, `fileName`, `file-name`, `hf_hub_uri`: a source key as it may be misspelt.
fn is_like_a_source_key(key: &str) -> bool {
    let key = key.to_lowercase().replace(['-', ' '], "_");
    SOURCE_KEYS
        .iter()
        .any(|k| strsim::jaro_winkler(&key, k) >= 0.9)
}

/// Whether a document describes one dataset in text (`"description": "..."`, a citation, a
/// homepage, a licence), as other tools' `dataset_info.json` do, where a registry's values
/// are entries (objects).
fn describes_a_dataset(doc: &Document<'_, '_>, root: NodeId) -> bool {
    ["citation", "description", "homepage", "license"]
        .iter()
        .any(|k| {
            doc.get(root, k)
                .is_some_and(|v| doc.kind(v) == Kind::String)
        })
}

/// Whose file a `dataset_info.json` that is not a registry is, by its keys and its folder.
fn other_kind(doc: &Document<'_, '_>, root: NodeId, dir: &Path) -> Other {
    const HUGGING_FACE: &[&str] = &[
        "builder_name",
        "config_name",
        "dataset_name",
        "features",
        "download_checksums",
        "download_size",
        "dataset_size",
        "supervised_keys",
    ];
    const TENSORFLOW: &[&str] = &[
        "moduleName",
        "fileFormat",
        "releaseNotes",
        "supervisedKeys",
        "downloadSize",
        "datasetSize",
    ];
    let has = |keys: &[&str]| {
        doc.kind(root) == Kind::Object && keys.iter().any(|k| doc.get(root, k).is_some())
    };
    if has(TENSORFLOW) {
        Other::TensorFlow
    } else if has(HUGGING_FACE) {
        if dir.join("state.json").is_file() {
            Other::SavedToDisk
        } else {
            Other::HuggingFace
        }
    } else {
        Other::Unknown
    }
}

/// 1-based line and column (in code points) of byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() as u64 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[start..].chars().count() as u64 + 1;
    (line, column)
}

struct Reader<'r, 'p, 's> {
    shown: &'r str,
    text: &'s str,
    doc: &'r Document<'p, 's>,
}

impl Reader<'_, '_, '_> {
    fn at(&self, node: NodeId) -> (u64, u64) {
        line_col(self.text, self.doc.span(node).start as usize)
    }

    fn invalid(&self, node: NodeId, message: String) -> DatasetInfoError {
        let (line, column) = self.at(node);
        DatasetInfoError::Invalid {
            path: self.shown.to_string(),
            line,
            column,
            message,
        }
    }

    fn entry(
        &self,
        name: &str,
        key: NodeId,
        value: NodeId,
        dir: &Path,
        registry: &mut Registry,
    ) -> Result<(), DatasetInfoError> {
        let doc = self.doc;
        let dataset = quote(name);
        if doc.kind(value) != Kind::Object {
            return Err(self.invalid(
                value,
                format!(
                    "dataset {dataset} is {}; expected an object with \"file_name\"",
                    crate::wording::describe(doc, value)
                ),
            ));
        }
        if let Some(remote) = REMOTE_KEYS.iter().find(|k| doc.get(value, k).is_some()) {
            registry.skipped.push(Skipped {
                dataset: name.to_string(),
                reason: SkipReason::Remote(remote),
            });
            return Ok(());
        }
        let Some(file_name) = doc.get(value, "file_name") else {
            return Err(self.invalid(
                key,
                format!(
                    "dataset {dataset} has no \"file_name\" (nor {}); LLaMA-Factory cannot load it",
                    REMOTE_KEYS.join(", ")
                ),
            ));
        };
        let Some(file_name) = doc.str(file_name).filter(|f| !f.is_empty()) else {
            return Err(self.invalid(
                file_name,
                format!(
                    "\"file_name\" of dataset {dataset} is {}; expected a path relative to {}",
                    crate::wording::describe(doc, file_name),
                    FILE_NAME
                ),
            ));
        };
        let formatting = match doc.get(value, "formatting") {
            None => Formatting::Alpaca,
            Some(f) => doc
                .str(f)
                .and_then(|s| Formatting::parse(&s))
                .ok_or_else(|| {
                    self.invalid(
                        f,
                        format!(
                            "\"formatting\" of dataset {dataset} is {}; expected one of {}",
                            shown_value(doc, f),
                            Formatting::NAMES.join(", ")
                        ),
                    )
                })?,
        };
        let ranking = match doc.get(value, "ranking") {
            None => false,
            Some(r) => doc.bool(r).ok_or_else(|| {
                self.invalid(
                    r,
                    format!(
                        "\"ranking\" of dataset {dataset} is {}; expected true or false",
                        shown_value(doc, r)
                    ),
                )
            })?,
        };
        // As LLaMA-Factory's parser does: an entry with `columns` has exactly the columns it
        // names; one without has the defaults. The same for `tags`.
        let columns = match doc.get(value, "columns") {
            None => Columns::defaults(),
            Some(c) => {
                let mut columns = Columns::default();
                for (name, key) in self.mapping(c, "columns", &dataset, Columns::NAMES)? {
                    if let Some(slot) = columns.slot(&name) {
                        *slot = key;
                    }
                }
                columns
            }
        };
        let tags = match doc.get(value, "tags") {
            None => Tags::defaults(),
            Some(t) => {
                let mut tags = Tags::default();
                for (name, key) in self.mapping(t, "tags", &dataset, Tags::NAMES)? {
                    if let Some(slot) = tags.slot(&name) {
                        *slot = key;
                    }
                }
                tags
            }
        };
        if formatting != Formatting::Alpaca
            && (columns.messages.is_none() || tags.role.is_none() || tags.content.is_none())
        {
            let missing = if columns.messages.is_none() {
                "no \"messages\" column"
            } else if tags.role.is_none() {
                "no \"role_tag\""
            } else {
                "no \"content_tag\""
            };
            return Err(self.invalid(
                key,
                format!(
                    "{} dataset {dataset} declares {missing}; LLaMA-Factory cannot read its turns",
                    Formatting::NAMES[formatting as usize]
                ),
            ));
        }
        let path = clean(&dir.join(&*file_name));
        let files = if path.is_dir() {
            // LLaMA-Factory loads every file of a folder.
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        // The registry itself is no data (`"file_name": "."`).
                        .filter(|p| p.is_file() && is_readable(p) && !is_registry(p))
                        .map(|p| clean(&p))
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            if files.is_empty() {
                // Read as it is, so the run reports the folder as unreadable at this entry.
                files.push(path);
            }
            files
        } else if is_readable(&path) || !path.exists() {
            vec![path]
        } else {
            registry.skipped.push(Skipped {
                dataset: name.to_string(),
                reason: SkipReason::FileType(file_name.into_owned()),
            });
            return Ok(());
        };
        let (line, column) = self.at(key);
        let count = files.len();
        registry.entries.push(Entry {
            files,
            declared: Arc::new(Declared {
                dataset: name.to_string(),
                origin: format!("{}:{line}:{column}", self.shown),
                formatting,
                ranking,
                columns,
                tags,
                files: count,
            }),
        });
        Ok(())
    }

    /// `columns` or `tags`: an object of known names to keys (a null value: no such column),
    /// as (name, key) pairs.
    fn mapping(
        &self,
        node: NodeId,
        what: &str,
        dataset: &str,
        names: &[&str],
    ) -> Result<Vec<(String, Option<String>)>, DatasetInfoError> {
        let doc = self.doc;
        if doc.kind(node) != Kind::Object {
            return Err(self.invalid(
                node,
                format!(
                    "{} of dataset {dataset} is {}; expected an object",
                    quote(what),
                    crate::wording::describe(doc, node)
                ),
            ));
        }
        let mut pairs = Vec::new();
        for (key, value) in doc.members(node) {
            let name = doc.str(key).unwrap_or_default();
            if !names.contains(&&*name) {
                return Err(self.invalid(
                    key,
                    format!(
                        "unknown {} {} of dataset {dataset}; expected one of {}",
                        if what == "tags" { "tag" } else { "column" },
                        quote(&name),
                        names.join(", ")
                    ),
                ));
            }
            let key_of_records = match doc.kind(value) {
                Kind::Null => None,
                Kind::String => doc.str(value).map(|s| s.into_owned()),
                _ => {
                    return Err(self.invalid(
                        value,
                        format!(
                            "{} of dataset {dataset} is {}; expected a key of its records (a string)",
                            quote(&name),
                            crate::wording::describe(doc, value)
                        ),
                    ));
                }
            };
            pairs.push((name.into_owned(), key_of_records));
        }
        Ok(pairs)
    }
}

/// A value as written, quoted, for a message about a setting.
fn shown_value(doc: &Document<'_, '_>, node: NodeId) -> String {
    match doc.str(node) {
        Some(s) => quote(&s),
        None => crate::wording::describe(doc, node),
    }
}

/// `./data/./x.json` → `data/x.json`: the path the way discovery shows the same file.
fn clean(path: &Path) -> PathBuf {
    let cleaned: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    // `"file_name": "."` beside a dataset_info.json of the current directory: the folder
    // itself, not an empty path.
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_code_points() {
        let text = "{\n  \"é\": 1,\n  \"b\"";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (2, 3));
        let b = text.find("\"b\"").expect("b");
        assert_eq!(line_col(text, b), (3, 3));
    }

    fn shaped_like_a_registry(text: &str) -> bool {
        let mut parser = Parser::new();
        let doc = parser.parse(text).expect("json");
        is_registry_shaped(&doc, doc.root())
    }

    #[test]
    fn a_registry_is_told_by_an_entry_shaped_like_llama_factorys() {
        for registry in [
            "{}",
            r#"{"a": {"file_name": "a.json"}}"#,
            r#"{"a": {"hf_hub_url": "org/a"}}"#,
            // One broken entry among good ones is the registry's mistake to report.
            r#"{"a": "a.json", "b": {"file_name": "b.json"}}"#,
            r#"{"a": {"columns": {"prompt": "q"}}, "b": {"file_name": "b.json"}}"#,
            // A lone entry with a misspelt or mistyped source key, or only its settings.
            r#"{"a": {"filename": "a.json"}}"#,
            r#"{"a": {"fileName": "a.json"}}"#,
            r#"{"a": {"file_name": null}}"#,
            r#"{"a": {"formatting": "chatml"}}"#,
            r#"{"a": {"columns": {"messages": "turns"}}}"#,
            r#"{"a": {"ranking": true}}"#,
            r#"[{"file_name": "a.json"}]"#,
        ] {
            assert!(shaped_like_a_registry(registry), "{registry}");
        }
    }

    #[test]
    fn another_tools_dataset_info_is_not_a_registry() {
        // Hugging Face `datasets`: the names of LLaMA-Factory's keys are column names among
        // the features, each holding an object.
        let hugging_face = r#"{
            "builder_name": "json", "citation": "", "config_name": "default",
            "dataset_name": "json", "dataset_size": 120, "description": "",
            "download_checksums": {"data/train.json": {"num_bytes": 120, "checksum": null}},
            "download_size": 120,
            "features": {
                "file_name": {"dtype": "string", "_type": "Value"},
                "split": {"dtype": "string", "_type": "Value"},
                "tags": {"feature": {"dtype": "string", "_type": "Value"}, "_type": "List"},
                "columns": {"prompt": {"dtype": "string", "_type": "Value"}}
            },
            "homepage": "", "license": "",
            "splits": {"train": {"name": "train", "num_bytes": 120, "num_examples": 2, "dataset_name": "json"}},
            "version": {"version_str": "0.0.0", "major": 0, "minor": 0, "patch": 0}
        }"#;
        let tensorflow = r#"{
            "citation": "", "description": "MNIST", "fileFormat": "tfrecord",
            "location": {"urls": ["http://yann.lecun.com/exdb/mnist/"]},
            "moduleName": "tensorflow_datasets.image_classification.mnist",
            "name": "mnist", "releaseNotes": {"3.0.1": "New split API"},
            "splits": [{"name": "test", "numBytes": "3150056", "shardLengths": ["10000"]}],
            "supervisedKeys": {"tuple": {"items": [{"featureKey": "image"}, {"featureKey": "label"}]}},
            "version": "3.0.1"
        }"#;
        for other in [
            hugging_face,
            tensorflow,
            r#"{"a": "a.json"}"#,
            "[]",
            r#""dataset""#,
        ] {
            assert!(!shaped_like_a_registry(other), "{other}");
        }
    }

    #[test]
    fn readable_names() {
        for name in [
            "a.json",
            "a.JSONL",
            "a.jsonl.gz",
            "a.json.zst",
            "a.ndjson",
            "a.parquet",
        ] {
            assert!(is_readable(Path::new(name)), "{name}");
        }
        for name in ["a.csv", "a.parquet.gz", "a.txt", "a.arrow", "a.gz"] {
            assert!(!is_readable(Path::new(name)), "{name}");
        }
    }
}
