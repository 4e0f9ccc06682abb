//! `[contamination]`: the benchmark files D004 checks against, found by globs relative to the
//! config file and read once, when the config is.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobBuilder;

use super::error::{ConfigError, Document};
use super::file::ContaminationFile;
use crate::contamination::{Benchmarks, load};

/// Directory entries a glob may visit before the walk gives up: a pattern such as `**/*.json`
/// at the root of a large tree should fail with a message, not hang.
const MAX_VISITED: usize = 200_000;

pub(super) fn read(
    doc: &Document<'_>,
    root: &Path,
    file: ContaminationFile,
) -> Result<Arc<Benchmarks>, ConfigError> {
    let builtins = file.builtins.unwrap_or(true);
    let mut benches = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    if let Some(list) = file.benchmarks {
        let patterns = super::strings(doc, "benchmarks", list.get_ref())?;
        for pattern in &patterns {
            let files =
                expand(root, pattern.get_ref()).map_err(|why| doc.error(pattern.span(), why))?;
            for path in files {
                if seen.contains(&path) {
                    continue;
                }
                // Named as the data files are, from the current directory (not from the
                // config file's folder, where the pattern is relative to).
                let name = super::discovery::path_from_cwd(&path).display().to_string();
                let bench = load::file(&path, &name)
                    .map_err(|why| doc.error(pattern.span(), format!("benchmark {name} {why}")))?;
                benches.push(bench);
                seen.push(path);
            }
        }
    }
    Ok(match (builtins, benches.is_empty()) {
        (true, true) => Benchmarks::builtin(),
        (false, true) => Arc::default(),
        _ => Arc::new(Benchmarks::with_files(builtins, benches).read_from(seen)),
    })
}

/// The files `pattern` names under `root`, sorted; an error when there are none.
fn expand(root: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    if pattern.trim().is_empty() {
        return Err(
            "empty benchmark path; expected a file or a glob such as \"evals/*.jsonl\"".into(),
        );
    }
    let is_glob = |s: &str| s.contains(['*', '?', '[', '{']);
    if !is_glob(pattern) {
        let path = root.join(pattern);
        return match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => Ok(vec![path]),
            Ok(m) if m.is_dir() => Err(format!(
                "{pattern:?} is a directory; name its files with a glob such as \"{}/*.jsonl\"",
                pattern.trim_end_matches('/')
            )),
            Ok(_) => Err(format!(
                "{pattern:?} is not a regular file (a device or a pipe); a benchmark is a JSONL file"
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
                "no benchmark file at {pattern:?} (relative to the config file)"
            )),
            Err(e) => Err(format!("{pattern:?}: {}", crate::source::io_error_text(&e))),
        };
    }
    let glob = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid glob {pattern:?}; {}", e.kind()))?
        .compile_matcher();
    // Walk only below the pattern's literal directories.
    let literal: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !is_glob(&c.as_os_str().to_string_lossy()))
        .collect();
    let start = root.join(literal);
    let mut found = Vec::new();
    let mut stack = vec![start];
    let mut visited = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            visited += 1;
            if visited > MAX_VISITED {
                return Err(format!(
                    "the glob {pattern:?} visits more than {MAX_VISITED} files; name the benchmark directory"
                ));
            }
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            // An absolute pattern is matched against the whole path, a relative one against
            // the path from the config file's folder.
            let matched = if Path::new(pattern).is_absolute() {
                glob.is_match(&path)
            } else {
                path.strip_prefix(root).is_ok_and(|rel| glob.is_match(rel))
            };
            if kind.is_dir() {
                stack.push(path);
            } else if matched && path.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(format!(
            "no benchmark file matches {pattern:?} (relative to the config file)"
        ));
    }
    Ok(found)
}
