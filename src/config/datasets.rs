//! `[[datasets]]`: the files of one dataset by split, checked when the config is read: each
//! path names a file (relative to the config file), and no file is two splits. An error
//! points at the path, as every other config error points at its value.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::DatasetGroup;
use super::error::{ConfigError, Document, locate};
use super::file::{DatasetFile, Strings};

/// One `[[datasets]]` entry as written, each path with its span.
pub(super) struct Written {
    name: Option<String>,
    train: Vec<Spanned<String>>,
    valid: Vec<Spanned<String>>,
    test: Vec<Spanned<String>>,
}

impl Written {
    fn splits(&self) -> [(&'static str, &[Spanned<String>]); 3] {
        [
            ("train", &self.train),
            ("valid", &self.valid),
            ("test", &self.test),
        ]
    }

    /// The group as the run uses it: paths as written, relative to the config's root.
    pub(super) fn group(self) -> DatasetGroup {
        let plain = |paths: Vec<Spanned<String>>| paths.into_iter().map(Spanned::into_inner);
        DatasetGroup {
            name: self.name,
            train: plain(self.train).collect(),
            valid: plain(self.valid).collect(),
            test: plain(self.test).collect(),
        }
    }
}

/// Reads one entry: each list, when given, holds at least one string.
pub(super) fn read(doc: &Document<'_>, entry: DatasetFile) -> Result<Written, ConfigError> {
    let paths = |key: &str, value: Option<Spanned<Strings>>| {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let paths = super::strings(doc, key, value.get_ref())?;
        if paths.is_empty() {
            return Err(doc.invalid(value.span(), key, "expected at least one path"));
        }
        Ok(paths)
    };
    // A group with only `train` is one dataset split in several files (shards): D001 and
    // D002 compare them as one; with `valid` or `test`, D003 checks the splits too.
    Ok(Written {
        name: entry.name.map(|n| n.0),
        train: paths("train", Some(entry.train))?,
        valid: paths("valid", entry.valid)?,
        test: paths("test", entry.test)?,
    })
}

/// Refuses a path that names no file (a typo, a glob, a directory) and a file named in two
/// splits, in this group or across groups (one group's training data is another's
/// evaluation data): either would leave the split-leak check (D003) with nothing to compare,
/// or make every example a leak. `context` names the array in messages (`[[datasets]]`).
pub(super) fn check(
    doc: &Document<'_>,
    root: &Path,
    context: &str,
    groups: &[Written],
) -> Result<(), ConfigError> {
    // Every file named, with its split, how it was written and its group's name.
    let mut seen: Vec<(PathBuf, &str, &Spanned<String>, String)> = Vec::new();
    for group in groups {
        let name = group
            .name
            .as_deref()
            .map_or(String::new(), |n| format!(" {n:?}"));
        for (split, paths) in group.splits() {
            for path in paths {
                let p = path.get_ref();
                let Ok(canonical) = std::fs::canonicalize(root.join(p)) else {
                    let glob = if p.contains(['*', '?', '[']) {
                        "paths are not globs, name each file; "
                    } else {
                        ""
                    };
                    return Err(doc.error(
                        path.span(),
                        format!(
                            "{context}{name} {split} names {p:?}, which does not exist ({glob}paths are relative to {}); fix the path, or the split-leak check (D003) has nothing to compare",
                            root.display()
                        ),
                    ));
                };
                if canonical.is_dir() {
                    return Err(doc.error(
                        path.span(),
                        format!(
                            "{context}{name} {split} names {p:?}, which is a directory; name each of its dataset files (the split-leak check, D003, compares the files a group names)"
                        ),
                    ));
                }
                if let Some((_, other, first, first_group)) = seen
                    .iter()
                    .find(|(f, s, _, _)| *f == canonical && *s != split)
                {
                    let groups = if *first_group == name {
                        format!("{context}{name} names")
                    } else {
                        format!("{context}{first_group} and {context}{name} name")
                    };
                    let line = locate(doc.text, first.span()).line;
                    return Err(doc.error(
                        path.span(),
                        format!(
                            "{groups} {p:?} in {split} and {:?} in {other} (line {line}): one file cannot be two splits (every example would be a leak, D003)",
                            first.get_ref()
                        ),
                    ));
                }
                seen.push((canonical, split, path, name.clone()));
            }
        }
    }
    Ok(())
}
