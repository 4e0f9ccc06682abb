//! Gitignore-style globs relative to the config root (`exclude`, `[[overrides]] files`): a
//! pattern without a slash matches a name at any depth, one with a slash is anchored at the
//! root, `dir/` and `dir/**` match everything under `dir`, matching a directory matches
//! everything in it, and `!pattern` re-includes what an earlier pattern matched (the last
//! matching pattern wins). Each pattern is compiled by the `ignore` crate's gitignore.

use std::ops::Range;
use std::path::Path;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use toml::Spanned;

#[derive(Clone, Debug, Default)]
pub(super) struct Globs {
    patterns: Vec<String>,
    /// One matcher per pattern, in order. A single `Gitignore` answers for the nearest of a
    /// path and its parents that any pattern matches, so `["!*.jsonl", "scratch"]` would
    /// re-include `scratch/a.jsonl`; here the last pattern that matches the path or a parent
    /// decides, as documented.
    matchers: Vec<Gitignore>,
}

impl Globs {
    /// Compiles `patterns` for paths under `root`; an error is the span of the invalid
    /// pattern and the message for it.
    pub(super) fn new(
        root: &Path,
        patterns: &[Spanned<String>],
    ) -> Result<Globs, (Range<usize>, String)> {
        let mut globs = Globs::default();
        for pattern in patterns {
            let written = pattern.get_ref();
            let invalid = |why: &str| (pattern.span(), format!("invalid glob {written:?}; {why}"));
            let (negated, body) = match written.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, written.as_str()),
            };
            let body = body.strip_prefix("./").unwrap_or(body);
            if body.trim_matches('/').is_empty() {
                return Err(invalid("empty pattern"));
            }
            // Paths are matched from the root down: a pattern that climbs out of it matches
            // nothing, which would leave the files it means linted without a word.
            if body.split(['/', '\\']).any(|part| part == "..") {
                return Err(invalid(&format!(
                    "patterns are matched against paths relative to the config file's folder ({}), so `..` matches nothing; write the path from there, or put the pattern in a config file above it",
                    if root.as_os_str().is_empty() {
                        ".".into()
                    } else {
                        root.display().to_string()
                    }
                )));
            }
            // A pattern is not a .gitignore line: a leading `#` is not a comment, and trailing
            // spaces are part of the name.
            let escape = if body.starts_with('#') { "\\" } else { "" };
            let trimmed = body.trim_end_matches(' ');
            let spaces = "\\ ".repeat(body.len() - trimmed.len());
            let line = format!(
                "{}{escape}{trimmed}{spaces}",
                if negated { "!" } else { "" }
            );
            let mut builder = GitignoreBuilder::new(root);
            builder
                .allow_unclosed_class(false)
                .add_line(None, &line)
                .map_err(|e| invalid(&glob_error(e)))?;
            let matcher = builder.build().map_err(|e| invalid(&glob_error(e)))?;
            globs.patterns.push(written.clone());
            globs.matchers.push(matcher);
        }
        Ok(globs)
    }

    /// The patterns as written.
    pub(super) fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether `relative` (to the root) is matched: by the last pattern that matches it or
    /// one of its directories, unless that pattern re-includes.
    pub(super) fn is_match(&self, relative: &Path) -> bool {
        self.matchers
            .iter()
            .rev()
            .find_map(|m| match m.matched_path_or_any_parents(relative, false) {
                Match::None => None,
                Match::Ignore(_) => Some(true),
                Match::Whitelist(_) => Some(false),
            })
            .unwrap_or(false)
    }
}

/// The reason of a glob error, without the pattern (the message quotes it already).
fn glob_error(e: ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err,
        other => other.to_string(),
    }
}
