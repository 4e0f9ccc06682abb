//! `--baseline F` and `--write-baseline F`: findings accepted as they are, so a legacy
//! dataset can adopt tunelint without fixing everything first. A finding is recorded by the
//! path of its file, its rule and the fingerprint of its record (the canonical hash of the
//! whole record, `crate::canonical`), never by line: an entry survives lines moving and
//! examples being reordered, and stops matching once the record is fixed (its hash changes)
//! or deleted. The format is in docs/baseline.md.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, FileId};
use crate::output::{OutputError, OutputFile};

/// The version of the format written in `tunelint_baseline`.
pub const VERSION: u32 = 1;

/// What identifies a finding in a baseline.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// The file's path relative to the baseline's directory, with `/` separators (absolute
    /// when the file is elsewhere; `-` for standard input).
    pub path: String,
    /// The rule's code (`D001`).
    pub rule: String,
    /// The record's canonical hash (0 for a finding about no record).
    pub fingerprint: u64,
}

/// A baseline that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a tunelint baseline: {reason}")]
    Format { path: String, reason: String },
}

/// The file as written: see docs/baseline.md.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    tunelint_baseline: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    path: String,
    rule: String,
    fingerprint: String,
    #[serde(default = "one")]
    count: u32,
}

fn one() -> u32 {
    1
}

/// Findings by key, with how many there are of each.
pub type Counts = BTreeMap<Key, u32>;

/// Reads the baseline at `path`.
pub fn read(path: &Path) -> Result<Counts, BaselineError> {
    let shown = path.display().to_string();
    let text =
        crate::source::read_string_capped(path, crate::source::DATA_FILE_LIMIT).map_err(|e| {
            let mut reason = crate::source::io_error_text(&e);
            if e.kind() == io::ErrorKind::NotFound {
                reason.push_str(&format!(
                    " (create it with --write-baseline {shown} alone first)"
                ));
            }
            BaselineError::Read {
                path: shown.clone(),
                reason,
            }
        })?;
    let format = |reason: String| BaselineError::Format {
        path: shown.clone(),
        reason,
    };
    // A byte-order mark, as PowerShell and Notepad save UTF-8, is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let doc: Document = serde_json::from_str(text).map_err(|e| format(e.to_string()))?;
    if doc.tunelint_baseline != VERSION {
        return Err(format(format!(
            "format version {} is not {VERSION}; write it again with --write-baseline",
            doc.tunelint_baseline
        )));
    }
    let mut counts = Counts::new();
    for e in doc.findings {
        let fingerprint = u64::from_str_radix(&e.fingerprint, 16)
            .ok()
            .filter(|_| {
                e.fingerprint.len() == 16 && e.fingerprint.bytes().all(|b| b.is_ascii_hexdigit())
            })
            .ok_or_else(|| {
                format(format!(
                    "fingerprint {} is not 16 hexadecimal digits",
                    crate::wording::quote(&e.fingerprint)
                ))
            })?;
        // Written by `--write-baseline` as a rule's code; a name or another spelling would
        // never match a finding, and its findings would come back unexplained.
        let Some(code) = crate::registry::Code::from_code(&e.rule) else {
            let hint = crate::rules::lookup(&e.rule)
                .map(|c| format!(" (did you mean {}?)", crate::wording::quote(c.as_str())))
                .unwrap_or_default();
            return Err(format(format!(
                "rule {} is not a rule's code{hint}",
                crate::wording::quote(&e.rule)
            )));
        };
        let key = Key {
            path: normal(&e.path),
            rule: code.as_str().to_owned(),
            fingerprint,
        };
        let count = counts.entry(key).or_default();
        *count = count.checked_add(e.count).ok_or_else(|| {
            format(format!(
                "the counts of {} {} add up to more than {}",
                code.as_str(),
                crate::wording::quote(&e.fingerprint),
                u32::MAX
            ))
        })?;
    }
    Ok(counts)
}

/// A path of an entry as [`key_paths`] writes it: `/` between parts, no `.` parts and no
/// empty ones (a hand-edited `./train.jsonl` or `data//train.jsonl` matched nothing and was
/// silently ignored).
fn normal(path: &str) -> String {
    if path == "-" {
        return path.to_owned();
    }
    let path = path.replace('\\', "/");
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Starts writing a baseline at `path` (before the run, so a path that cannot be written
/// fails before any work): nothing replaces the file until [`write`].
pub fn create(path: &Path) -> Result<OutputFile, OutputError> {
    OutputFile::create(path)
}

/// Writes `counts` to `out` (from [`create`]) and renames it into place: atomically, in key
/// order, one finding a line so the file diffs well.
pub fn write(mut out: OutputFile, counts: &Counts) -> Result<(), OutputError> {
    let path = out.path().to_path_buf();
    let io_error = |e: io::Error| OutputError::Io {
        path: path.display().to_string(),
        reason: crate::source::io_error_text(&e),
    };
    let mut text = format!("{{\n  \"tunelint_baseline\": {VERSION},\n  \"findings\": [");
    for (i, (key, &count)) in counts.iter().enumerate() {
        let entry = Entry {
            path: key.path.clone(),
            rule: key.rule.clone(),
            fingerprint: format!("{:016x}", key.fingerprint),
            count,
        };
        let line = serde_json::to_string(&entry).map_err(|e| io_error(io::Error::other(e)))?;
        text.push_str(if i == 0 { "\n    " } else { ",\n    " });
        text.push_str(&line);
    }
    text.push_str(if counts.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out.write_all(text.as_bytes()).map_err(io_error)?;
    out.commit().map_err(io_error)
}

/// Each file's path as a baseline in `dir` records it. `paths[i]` is file `i`'s path,
/// `None` for standard input.
pub fn key_paths(paths: &[Option<PathBuf>], dir: &Path) -> Vec<String> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    paths
        .iter()
        .map(|p| match p {
            None => "-".to_owned(),
            Some(p) => {
                let full = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
                let shown = full.strip_prefix(&dir).unwrap_or(&full);
                let parts: Vec<String> = shown
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if shown.is_absolute() {
                    shown.to_string_lossy().replace('\\', "/")
                } else {
                    parts.join("/")
                }
            }
        })
        .collect()
}

/// The directory a baseline file's paths are relative to.
pub fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A run's findings matched against a baseline, and recorded for a new one.
pub struct Matcher {
    /// Per file id, its path in the baseline read and in the baseline written.
    read_paths: Vec<String>,
    write_paths: Vec<String>,
    state: Mutex<State>,
    /// Every finding is accepted (`--write-baseline`): none is reported.
    accept_all: bool,
}

#[derive(Default)]
struct State {
    /// What is left of the baseline read: entries not matched yet.
    remaining: Counts,
    seen: Counts,
    suppressed: u64,
}

/// What a run made of its baseline.
pub struct Outcome {
    /// Findings not reported because the baseline (or `--write-baseline`) accepted them.
    pub suppressed: u64,
    /// Entries of the baseline read that matched no finding although the run linted their
    /// file with their rule on: fixed or deleted records.
    pub stale: Counts,
    /// Every finding of the run, as `--write-baseline` records them, and the entries of the
    /// baseline read about files or rules the run did not lint (the other files of a
    /// pre-commit hook's run, `--select`): a refreshed baseline keeps them.
    pub seen: Counts,
}

impl Matcher {
    /// Matches against `baseline` (keyed with `read_paths`), records with `write_paths`;
    /// `accept_all` suppresses every finding.
    pub fn new(
        baseline: Counts,
        read_paths: Vec<String>,
        write_paths: Vec<String>,
        accept_all: bool,
    ) -> Matcher {
        Matcher {
            read_paths,
            write_paths,
            state: Mutex::new(State {
                remaining: baseline,
                ..State::default()
            }),
            accept_all,
        }
    }

    /// Whether `d` is reported: false when the baseline still has an entry for it (which it
    /// then uses up) or every finding is accepted. A file-level error (a byte-order mark, a
    /// binary file, too few examples for the target) is never accepted nor recorded: the file
    /// cannot be uploaded as it is, and the file-level gate always fails on it.
    pub fn keep(&self, d: &Diagnostic) -> bool {
        if crate::gates::is_file_level_error(d) {
            return true;
        }
        let key = |paths: &[String], file: FileId| Key {
            path: paths.get(file as usize).cloned().unwrap_or_default(),
            rule: d.code.to_string(),
            fingerprint: d.fingerprint,
        };
        let file = d.location.file;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state.seen.entry(key(&self.write_paths, file)).or_default() += 1;
        let mut suppressed = self.accept_all;
        // A pair of copies (D001, D003) is reported on one of them, which may be the other
        // one in another run (the pre-commit hook reports on the staged file, a run over the
        // whole dataset on the later copy): the same record, so the same fingerprint, under
        // the related copy's path is the same finding.
        let pair = d.code.meta().category == crate::rule::Category::Duplicates;
        let related = d.related.iter().filter(|_| pair).map(|r| Key {
            fingerprint: if r.fingerprint != 0 {
                r.fingerprint
            } else {
                d.fingerprint
            },
            ..key(&self.read_paths, r.file)
        });
        // A line that could not be read (J004, J008) was recorded with fingerprint 0 by
        // earlier builds: such an entry of an older baseline still accepts it.
        let unread = matches!(
            d.code,
            crate::registry::Code::J004 | crate::registry::Code::J008
        );
        let legacy = unread.then(|| Key {
            fingerprint: 0,
            ..key(&self.read_paths, file)
        });
        for candidate in std::iter::once(key(&self.read_paths, file))
            .chain(related)
            .chain(legacy)
        {
            if let Some(n) = state.remaining.get_mut(&candidate)
                && *n > 0
            {
                *n -= 1;
                suppressed = true;
                break;
            }
        }
        if suppressed {
            state.suppressed += 1;
        }
        !suppressed
    }

    /// What the run made of the baseline. `linted` says whether the run linted an entry's
    /// file (by its path in the baseline read) with its rule on; `carried` gives the path an
    /// entry it did not lint keeps in the baseline written (`None`: not kept).
    pub fn finish(
        self,
        linted: &dyn Fn(&Key) -> bool,
        carried: &dyn Fn(&str) -> Option<String>,
    ) -> Outcome {
        let mut state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut stale = Counts::new();
        for (key, n) in state.remaining {
            if n == 0 {
                continue;
            }
            if linted(&key) {
                stale.insert(key, n);
            } else if let Some(path) = carried(&key.path) {
                *state.seen.entry(Key { path, ..key }).or_default() += n;
            }
        }
        Outcome {
            suppressed: state.suppressed,
            stale,
            seen: state.seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-edited path means the file it names: `./train.jsonl` is `train.jsonl`.
    #[test]
    fn entry_paths_are_read_as_written_paths() {
        for (written, read) in [
            ("./train.jsonl", "train.jsonl"),
            ("data//./train.jsonl", "data/train.jsonl"),
            ("data\\train.jsonl", "data/train.jsonl"),
            ("/abs/./x.jsonl", "/abs/x.jsonl"),
            ("-", "-"),
        ] {
            assert_eq!(normal(written), read, "{written}");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("baseline.json");
        std::fs::write(
            &path,
            r#"{"tunelint_baseline": 1, "findings": [{"path": "./train.jsonl", "rule": "S005", "fingerprint": "2aca05993726b167"}]}"#,
        )
        .expect("write");
        let counts = read(&path).expect("reads");
        assert_eq!(
            counts.keys().next().map(|k| k.path.as_str()),
            Some("train.jsonl")
        );
    }

    #[test]
    fn written_baselines_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("baseline.json");
        let mut counts = Counts::new();
        for (p, r, f, n) in [
            ("b.jsonl", "D001", 7, 2),
            ("a/x.jsonl", "C007", u64::MAX, 1),
        ] {
            let key = Key {
                path: p.into(),
                rule: r.into(),
                fingerprint: f,
            };
            counts.insert(key, n);
        }
        write(create(&path).expect("created"), &counts).expect("written");
        assert_eq!(read(&path).expect("read"), counts);
        write(create(&path).expect("created"), &Counts::new()).expect("written");
        assert_eq!(read(&path).expect("read"), Counts::new());
    }
}
