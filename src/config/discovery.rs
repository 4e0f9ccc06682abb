//! Where the configuration comes from: `tunelint.toml`, `.tunelint.toml` or a
//! `pyproject.toml` with a `[tool.tunelint]` table, found from a directory upwards, or the
//! file `--config` names.

use std::path::{Component, Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Config;
use super::error::{ConfigError, Document};

/// Names of the config files looked for in each directory, in order of preference.
const CONFIG_FILES: &[&str] = &["tunelint.toml", ".tunelint.toml"];
const PYPROJECT: &str = "pyproject.toml";

/// The `[tool.tunelint]` table of a pyproject.toml, if any.
pub(super) fn tool_table<'a>(
    doc: &Document<'_>,
    root: Spanned<DeTable<'a>>,
) -> Result<Option<Spanned<DeValue<'a>>>, ConfigError> {
    let Some(tool) = root.into_inner().remove("tool") else {
        return Ok(None);
    };
    let DeValue::Table(mut tool) = tool.into_inner() else {
        return Ok(None);
    };
    match tool.remove("tunelint") {
        None => Ok(None),
        Some(table) if matches!(table.get_ref(), DeValue::Table(_)) => Ok(Some(table)),
        Some(other) => Err(doc.invalid(other.span(), "tool.tunelint", "expected a table")),
    }
}

pub(super) fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == PYPROJECT)
}

/// `path` made absolute against the current directory, with `.` and `..` resolved
/// lexically (no file system access, so a path that does not exist yet still works).
pub(super) fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the current directory when it is under it, for messages.
pub(super) fn display_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            path.strip_prefix(absolute(&cwd))
                .ok()
                .map(Path::to_path_buf)
        })
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
}

/// `path` as a user can open it from the current directory, as the data files are named:
/// relative to it, climbing with `..` to a folder beside or above it (a benchmark the config
/// file one folder up names is `../evals/test.jsonl` from a subfolder); absolute when the
/// two share nothing but the file system's root.
pub(super) fn path_from_cwd(path: &Path) -> PathBuf {
    let path = absolute(path);
    let Ok(cwd) = std::env::current_dir() else {
        return path;
    };
    let cwd = absolute(&cwd);
    let (p, c): (Vec<Component>, Vec<Component>) =
        (path.components().collect(), cwd.components().collect());
    let common = p.iter().zip(&c).take_while(|(a, b)| a == b).count();
    let shared_root = p
        .iter()
        .take(common)
        .all(|c| matches!(c, Component::RootDir | Component::Prefix(_)));
    if shared_root || common == p.len() {
        return path;
    }
    let mut out = PathBuf::new();
    for _ in common..c.len() {
        out.push("..");
    }
    out.extend(&p[common..]);
    out
}

/// Finds and loads the configuration for `start_dir`: in it or the nearest directory above
/// it, `tunelint.toml`, else `.tunelint.toml`, else a `pyproject.toml` with a
/// `[tool.tunelint]` table (one without is passed over). `None` when there is none up to the
/// file system root.
pub fn discover(start_dir: &Path) -> Result<Option<Config>, ConfigError> {
    let start = absolute(start_dir);
    for dir in start.ancestors() {
        for name in CONFIG_FILES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return load(&candidate).map(Some);
            }
            // A link to nothing was meant to be the configuration: running with the defaults
            // instead would pass data the configuration fails.
            if candidate.is_symlink() && std::fs::metadata(&candidate).is_err() {
                let target = std::fs::read_link(&candidate)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                return Err(ConfigError::in_file(
                    &display_path(&candidate),
                    format!(
                        "cannot read config file: it is a symbolic link to {}, which does not exist",
                        crate::wording::quote(&target)
                    ),
                ));
            }
        }
        let pyproject = dir.join(PYPROJECT);
        if pyproject.is_file() {
            let text = read(&pyproject)?;
            // Most pyproject.toml files are not ours: skip them without parsing, so a
            // syntax error in an unrelated one does not stop the search.
            if !text.contains("tunelint") {
                continue;
            }
            let shown = display_path(&pyproject);
            let doc = Document {
                text: &text,
                path: &shown,
            };
            let table = DeTable::parse(&text).map_err(|e| doc.syntax(&e))?;
            if tool_table(&doc, table)?.is_some() {
                return Config::parse(&text, &pyproject).map(Some);
            }
        }
    }
    Ok(None)
}

/// Loads the config file named by `--config`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = read(path)?;
    Config::parse(&text, path)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    crate::source::read_string_capped(path, crate::source::SETTINGS_FILE_LIMIT).map_err(|e| {
        ConfigError::in_file(
            &display_path(path),
            format!(
                "cannot read config file: {}",
                crate::source::io_error_text(&e)
            ),
        )
    })
}
