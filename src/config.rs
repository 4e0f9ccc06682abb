//! Configuration files: discovery, parsing with located errors, and resolution into per-file
//! [`Settings`] together with the command line.
//!
//! A config file is parsed into toml's spanned document (`DeTable`) and walked against a key
//! schema here instead of being deserialised with serde: that way every error — unknown key,
//! wrong type, value out of range, unknown rule — carries the line and column of the
//! offending key or value, the TOML line itself and a did-you-mean, like ruff and cargo do.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::rule::{Category, Level};
use crate::rules::{Code, RULES, lookup};
use crate::settings::{FormatChoice, PiiAllow, RuleOptions, Settings};

/// Names of the config files looked for in each directory, in order of preference.
const CONFIG_FILES: &[&str] = &["tunelint.toml", ".tunelint.toml"];
const PYPROJECT: &str = "pyproject.toml";

/// How similar (Jaro-Winkler, case-insensitive) a valid name must be to an unknown one to be
/// offered as "did you mean"; below this the suggestion is more confusing than helpful.
const SUGGESTION_THRESHOLD: f64 = 0.8;

const LEVEL_NAMES: &str = "off, info, warning, error";

// ---------------------------------------------------------------------------------------
// Errors

/// A configuration problem: an unreadable or invalid config file, or an invalid rule
/// selector on the command line.
///
/// `Display` is one line, `path:line:col: message` when the location is known (`path: message`
/// or just `message` otherwise); [`ConfigError::snippet`] gives the offending TOML line to
/// print under it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ConfigError {
    path: Option<PathBuf>,
    location: Option<ErrorLocation>,
    message: String,
}

#[derive(Clone, Debug, PartialEq)]
struct ErrorLocation {
    line: usize,
    column: usize,
    /// Characters to underline from `column`, at least 1.
    width: usize,
    source_line: String,
}

impl ConfigError {
    fn new(message: String) -> ConfigError {
        ConfigError {
            path: None,
            location: None,
            message,
        }
    }

    fn in_file(path: &Path, message: String) -> ConfigError {
        ConfigError {
            path: Some(path.to_path_buf()),
            location: None,
            message,
        }
    }

    fn render(&self) -> String {
        match (&self.path, &self.location) {
            (Some(path), Some(loc)) => format!(
                "{}:{}:{}: {}",
                path.display(),
                loc.line,
                loc.column,
                self.message
            ),
            (Some(path), None) => format!("{}: {}", path.display(), self.message),
            (None, _) => self.message.clone(),
        }
    }

    /// The message without the location prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The config file the error is in; `None` for command-line errors.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The 1-based line of the offending key or value.
    pub fn line(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.line)
    }

    /// The 1-based column, in Unicode code points, of the offending key or value.
    pub fn column(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.column)
    }

    /// The TOML line the error is on, without its line ending.
    pub fn source_line(&self) -> Option<&str> {
        self.location.as_ref().map(|l| l.source_line.as_str())
    }

    /// The offending line with the key or value underlined, rustc-style, for printing under
    /// the one-line message:
    ///
    /// ```text
    ///   |
    /// 3 | exlude = ["data/raw/**"]
    ///   | ^^^^^^
    /// ```
    ///
    /// A long line (a 200 KB array on one line) is cropped around the key or value, with `…`
    /// where it was cut, as the `full` format crops a dataset's lines.
    pub fn snippet(&self) -> Option<String> {
        let loc = self.location.as_ref()?;
        let number = loc.line.to_string();
        let gutter = " ".repeat(number.len());
        let line = &loc.source_line;
        let byte_at = |chars: usize| {
            line.char_indices()
                .nth(chars)
                .map_or(line.len(), |(i, _)| i)
        };
        let start = byte_at(loc.column - 1);
        let shown =
            crate::report::snippet::crop_line(line, start..byte_at(loc.column - 1 + loc.width));
        // Tabs and control characters are one character wide there, so the carets, counted
        // in code points, stay aligned.
        let text = &shown.text;
        Some(format!(
            "{gutter} |\n{number} | {text}\n{gutter} | {}{}",
            " ".repeat(text[..shown.label.start].chars().count()),
            "^".repeat(text[shown.label].chars().count().max(1))
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Public types

/// A duplicate limit: an absolute count, or a percentage of the examples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    Count(u64),
    Percent(f64),
}

impl Threshold {
    /// Whether `count` of `total` goes over this limit.
    pub fn is_exceeded(self, count: u64, total: u64) -> bool {
        match self {
            Threshold::Count(max) => count > max,
            Threshold::Percent(_) if total == 0 => false,
            Threshold::Percent(max) => count as f64 * 100.0 / total as f64 > max,
        }
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold::Count(0)
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Count(n) => write!(f, "{n}"),
            Threshold::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl FromStr for Threshold {
    type Err = String;

    /// `"3"` is a count, `"1.5%"` a percentage from 0 to 100.
    fn from_str(s: &str) -> Result<Threshold, String> {
        parse_threshold(s.trim()).ok_or_else(|| {
            format!("invalid threshold {s:?}; expected a count like 3 or a percentage like 1.5%")
        })
    }
}

fn parse_threshold(s: &str) -> Option<Threshold> {
    match s.strip_suffix('%') {
        Some(pct) => {
            let p: f64 = pct.trim().parse().ok()?;
            (p.is_finite() && (0.0..=100.0).contains(&p)).then_some(Threshold::Percent(p))
        }
        None => s.parse().ok().map(Threshold::Count),
    }
}

/// What the command line says on top of the config file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CliOverrides {
    /// Only these rules (codes, names, prefixes or `ALL`) run.
    pub select: Vec<String>,
    /// These rules are turned off.
    pub ignore: Vec<String>,
    /// These rules report warnings.
    pub warn: Vec<String>,
    pub min_valid_pct: Option<f64>,
    pub max_duplicates: Option<Threshold>,
    pub max_warnings: Option<u64>,
    pub format: Option<FormatChoice>,
}

/// The thresholds that decide the exit status (PRODUCT.md §5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gates {
    /// Least share of valid examples, in percent.
    pub min_valid_pct: f64,
    /// Most duplicates (D001 + D002 + D003).
    pub max_duplicates: Threshold,
    /// Most warnings; `None` is unlimited.
    pub max_warnings: Option<u64>,
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            min_valid_pct: 100.0,
            max_duplicates: Threshold::Count(0),
            max_warnings: None,
        }
    }
}

/// What near-duplicate detection compares (`[dedup] field`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DedupField {
    #[default]
    User,
    Assistant,
    Conversation,
}

impl DedupField {
    pub const NAMES: &'static [&'static str] = &["user", "assistant", "conversation"];

    pub fn parse(s: &str) -> Option<DedupField> {
        Some(match s {
            "user" => DedupField::User,
            "assistant" => DedupField::Assistant,
            "conversation" => DedupField::Conversation,
            _ => return None,
        })
    }
}

/// `[dedup]`: duplicate detection (D002, D003).
#[derive(Clone, Debug, PartialEq)]
pub struct DedupConfig {
    pub field: DedupField,
    /// Similarity at or above which two examples are near duplicates, in (0, 1].
    pub threshold: f64,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            field: DedupField::User,
            threshold: 0.85,
        }
    }
}

/// The tokenizer (`[tokens] encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    O200kBase,
    Cl100kBase,
}

impl Encoding {
    pub const NAMES: &'static [&'static str] = &["o200k_base", "cl100k_base"];

    pub fn parse(s: &str) -> Option<Encoding> {
        Some(match s {
            "o200k_base" => Encoding::O200kBase,
            "cl100k_base" => Encoding::Cl100kBase,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }
}

/// `[tokens]`: token counting (T001).
#[derive(Clone, Debug, PartialEq)]
pub struct TokensConfig {
    pub encoding: Encoding,
    pub max_per_example: u64,
}

impl Default for TokensConfig {
    fn default() -> Self {
        TokensConfig {
            encoding: Encoding::O200kBase,
            max_per_example: 65_536,
        }
    }
}

/// `[pii]`: privacy rules (P001–P006).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PiiConfig {
    /// Regular expressions of known-safe matches, compiled when the config is read.
    pub allow: Arc<PiiAllow>,
}

/// The kinds of example the composition rules count (B002–B004).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExampleKind {
    Common,
    Edge,
    Clarification,
    Refusal,
}

impl ExampleKind {
    pub const NAMES: &'static [&'static str] = &["common", "edge", "clarification", "refusal"];

    pub fn parse(s: &str) -> Option<ExampleKind> {
        Some(match s {
            "common" => ExampleKind::Common,
            "edge" => ExampleKind::Edge,
            "clarification" => ExampleKind::Clarification,
            "refusal" => ExampleKind::Refusal,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExampleKind::Common => "common",
            ExampleKind::Edge => "edge",
            ExampleKind::Clarification => "clarification",
            ExampleKind::Refusal => "refusal",
        }
    }
}

/// `[composition]`: dataset composition (B002–B004).
#[derive(Clone, Debug, PartialEq)]
pub struct CompositionConfig {
    /// Composition is judged only from this many examples on.
    pub min_examples: u64,
    /// Top-level key of an example holding its category.
    pub label_key: String,
    /// How far a share may stray from its target, as a fraction.
    pub tolerance: f64,
    /// Target share of each kind, as fractions. A `[composition.targets]` table replaces the
    /// defaults as a whole, so a kind left out has no target.
    pub targets: BTreeMap<ExampleKind, f64>,
}

impl Default for CompositionConfig {
    fn default() -> Self {
        CompositionConfig {
            min_examples: 100,
            label_key: "category".to_owned(),
            tolerance: 0.1,
            targets: BTreeMap::from([
                (ExampleKind::Common, 0.6),
                (ExampleKind::Edge, 0.2),
                (ExampleKind::Clarification, 0.1),
                (ExampleKind::Refusal, 0.1),
            ]),
        }
    }
}

/// What a dataset is for (`[dataset] goal`), which sets how many examples B001 expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    Format,
    Style,
    Domain,
    Complex,
}

impl Goal {
    pub const NAMES: &'static [&'static str] = &["format", "style", "domain", "complex"];

    pub fn parse(s: &str) -> Option<Goal> {
        Some(match s {
            "format" => Goal::Format,
            "style" => Goal::Style,
            "domain" => Goal::Domain,
            "complex" => Goal::Complex,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Goal::Format => "format",
            Goal::Style => "style",
            Goal::Domain => "domain",
            Goal::Complex => "complex",
        }
    }

    /// Fewest examples below which B001 fires.
    pub fn minimum(self) -> u64 {
        match self {
            Goal::Format => 50,
            Goal::Style => 100,
            Goal::Domain => 300,
            Goal::Complex => 500,
        }
    }

    /// Recommended count below which B001 reports at info level.
    pub fn recommended(self) -> u64 {
        match self {
            Goal::Format => 200,
            Goal::Style => 500,
            Goal::Domain => 1000,
            Goal::Complex => 5000,
        }
    }
}

/// `[dataset]`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DatasetConfig {
    /// B001 applies only when a goal is set.
    pub goal: Option<Goal>,
}

/// One `[[datasets]]` entry: files of one dataset by split, for the split-leak check (D003).
/// Paths are as written, relative to [`Config::root`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DatasetGroup {
    pub name: Option<String>,
    pub train: Vec<String>,
    pub valid: Vec<String>,
    pub test: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Rule selectors

/// What a `[rules]` key or a `--select` value names.
#[derive(Clone, Debug, PartialEq)]
enum Selector {
    All,
    /// A category letter or a longer code prefix, upper case.
    Prefix(String),
    Rule(Code),
}

impl Selector {
    fn parse(s: &str) -> Option<Selector> {
        if s.eq_ignore_ascii_case("ALL") {
            return Some(Selector::All);
        }
        if let Some(code) = lookup(s) {
            return Some(Selector::Rule(code));
        }
        let upper = s.to_ascii_uppercase();
        let mut chars = upper.chars();
        let letter = chars.next()?;
        if !chars.all(|c| c.is_ascii_digit()) {
            return None;
        }
        // A category letter is valid even before its first rule ships, so a config written
        // for a newer tunelint does not break on an older one for that reason alone.
        let is_category = upper.len() == 1 && Category::ALL.iter().any(|c| c.letter() == letter);
        let is_prefix = Code::ALL.iter().any(|c| c.as_str().starts_with(&upper));
        (is_category || is_prefix).then_some(Selector::Prefix(upper))
    }

    /// Least specific first: `ALL`, a letter, longer prefixes, then one rule.
    fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Prefix(p) => p.len(),
            Selector::Rule(_) => usize::MAX,
        }
    }

    fn matches(&self, code: Code) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(p) => code.as_str().starts_with(p.as_str()),
            Selector::Rule(c) => *c == code,
        }
    }

    fn codes(&self) -> impl Iterator<Item = Code> + '_ {
        Code::ALL.iter().copied().filter(|c| self.matches(*c))
    }
}

/// Every valid selector, for did-you-mean.
fn selector_candidates() -> Vec<String> {
    let mut out = vec!["ALL".to_owned()];
    out.extend(Category::ALL.iter().map(|c| c.letter().to_string()));
    for meta in RULES {
        for end in 2..meta.code.len() {
            let prefix = &meta.code[..end];
            if !out.iter().any(|o| o == prefix) {
                out.push(prefix.to_owned());
            }
        }
    }
    out.extend(RULES.iter().map(|m| m.code.to_owned()));
    out.extend(RULES.iter().map(|m| m.name.to_owned()));
    out
}

fn unknown_selector_message(selector: &str, context: &str) -> String {
    let candidates = selector_candidates();
    match closest(selector, candidates.iter().map(String::as_str)) {
        Some(s) => format!("unknown rule selector {selector:?} in {context}; did you mean {s:?}?"),
        None => format!(
            "unknown rule selector {selector:?} in {context}; expected a rule code, name, code prefix or ALL"
        ),
    }
}

/// One `[rules]` entry: a level and/or options for the rules a selector matches.
#[derive(Clone, Debug, PartialEq)]
struct RuleEntry {
    selector: Selector,
    level: Option<Level>,
    options: Vec<(&'static str, toml::Value)>,
}

fn apply_entries(entries: &[RuleEntry], settings: &mut Settings) {
    for entry in entries {
        for code in entry.selector.codes() {
            if let Some(level) = entry.level {
                settings.levels[code.index()] = level;
            }
            for (name, value) in &entry.options {
                if code.meta().options.iter().any(|o| o.name == *name) {
                    // Validated when the file was loaded, so this cannot fail here.
                    let _ = set_option(&mut settings.options, code, name, value);
                }
            }
        }
    }
}

/// Sets one rule option from its TOML value. The error is what was expected, for the caller
/// to put in a located message.
fn set_option(
    options: &mut RuleOptions,
    code: Code,
    name: &str,
    value: &toml::Value,
) -> Result<(), String> {
    let integer = |min: i64, expected: &str| match value {
        toml::Value::Integer(n) if *n >= min => Ok(*n),
        _ => Err(expected.to_owned()),
    };
    match (code, name) {
        (Code::J008, "max_line_bytes") => {
            options.max_line_bytes = integer(1, "a positive integer (bytes)")?.unsigned_abs();
        }
        (Code::C001, "min_chars") => {
            let n = integer(0, "a non-negative integer")?;
            options.min_chars = usize::try_from(n).map_err(|_| "a smaller integer".to_owned())?;
        }
        (Code::C002, "max_chars") => {
            let n = integer(1, "a positive integer")?;
            options.max_chars = usize::try_from(n).map_err(|_| "a smaller integer".to_owned())?;
        }
        (Code::T001, "max_per_example") => {
            options.max_tokens = integer(1, "a positive integer (tokens)")?.unsigned_abs();
        }
        _ => return Err(format!("an option of {}", code.as_str())),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Globs

/// Gitignore-style globs relative to the config root: a pattern without a slash matches a
/// name at any depth, one with a slash is anchored at the root, `dir/` and `dir/**` match
/// everything under `dir`, matching a directory matches everything in it, and `!pattern`
/// re-includes what an earlier pattern matched (the last matching pattern wins).
#[derive(Clone, Debug)]
struct PathMatcher {
    patterns: Vec<String>,
    set: GlobSet,
    /// For each glob in `set`: the index of its pattern and whether that pattern negates.
    owners: Vec<(usize, bool)>,
}

impl Default for PathMatcher {
    fn default() -> Self {
        PathMatcher {
            patterns: Vec::new(),
            set: GlobSet::empty(),
            owners: Vec::new(),
        }
    }
}

impl PathMatcher {
    /// Compiles `patterns`; an error is the message for the pattern at its index.
    fn new(patterns: &[String]) -> Result<PathMatcher, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        let mut owners = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let (negated, globs) =
                translate_pattern(pattern).map_err(|e| (index, invalid_glob(pattern, &e)))?;
            for glob in globs {
                let compiled = GlobBuilder::new(&glob)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .map_err(|e| (index, invalid_glob(pattern, &e.kind().to_string())))?;
                builder.add(compiled);
                owners.push((index, negated));
            }
        }
        let set = builder
            .build()
            .map_err(|e| (0, format!("invalid globs: {}", e.kind())))?;
        Ok(PathMatcher {
            patterns: patterns.to_vec(),
            set,
            owners,
        })
    }

    fn is_match(&self, relative: &Path) -> bool {
        self.set
            .matches(relative)
            .into_iter()
            .map(|i| self.owners[i])
            .max_by_key(|(pattern, _)| *pattern)
            .is_some_and(|(_, negated)| !negated)
    }
}

fn invalid_glob(pattern: &str, why: &str) -> String {
    format!("invalid glob {pattern:?}; {why}")
}

/// The globset globs for one gitignore-style pattern, and whether it re-includes.
fn translate_pattern(pattern: &str) -> Result<(bool, Vec<String>), String> {
    let (negated, body) = match pattern.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let body = body.strip_prefix("./").unwrap_or(body);
    let dir_only = body.ends_with('/');
    let body = body.trim_end_matches('/');
    // As in gitignore, a slash anywhere but at the end anchors the pattern at the root.
    let anchored = body.contains('/');
    let body = body.trim_start_matches('/');
    if body.is_empty() {
        return Err("empty pattern".to_owned());
    }
    let base = if anchored || body.starts_with("**") {
        body.to_owned()
    } else {
        format!("**/{body}")
    };
    let under = format!("{base}/**");
    Ok((
        negated,
        if dir_only {
            vec![under]
        } else {
            vec![base, under]
        },
    ))
}

/// `path` made absolute against the current directory, with `.` and `..` resolved
/// lexically (no file system access, so a path that does not exist yet still works).
fn absolute(path: &Path) -> PathBuf {
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
fn display_path(path: &Path) -> PathBuf {
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

// ---------------------------------------------------------------------------------------
// Config

/// One `[[overrides]]` entry.
#[derive(Clone, Debug)]
struct Override {
    files: PathMatcher,
    rules: Vec<RuleEntry>,
    format: Option<FormatChoice>,
}

/// A loaded configuration, or the defaults.
#[derive(Clone, Debug)]
pub struct Config {
    /// The config file, as shown in messages; `None` for the defaults.
    path: Option<PathBuf>,
    /// Absolute directory globs are relative to.
    root: PathBuf,
    pub format: FormatChoice,
    exclude: PathMatcher,
    /// Sorted least specific first; equally specific entries keep their file order.
    rules: Vec<RuleEntry>,
    min_valid_pct: Option<f64>,
    max_duplicates: Option<Threshold>,
    max_warnings: Option<u64>,
    overrides: Vec<Override>,
    pub dedup: DedupConfig,
    pub tokens: TokensConfig,
    pub pii: PiiConfig,
    pub composition: CompositionConfig,
    pub dataset: DatasetConfig,
    pub datasets: Vec<DatasetGroup>,
}

impl Default for Config {
    /// The configuration without a file (`--isolated`), rooted at the current directory.
    fn default() -> Self {
        Config::empty(None, absolute(Path::new(".")))
    }
}

impl Config {
    fn empty(path: Option<PathBuf>, root: PathBuf) -> Config {
        Config {
            path,
            root,
            format: FormatChoice::Auto,
            exclude: PathMatcher::default(),
            rules: Vec::new(),
            min_valid_pct: None,
            max_duplicates: None,
            max_warnings: None,
            overrides: Vec::new(),
            dedup: DedupConfig::default(),
            tokens: TokensConfig::default(),
            pii: PiiConfig::default(),
            composition: CompositionConfig::default(),
            dataset: DatasetConfig::default(),
            datasets: Vec::new(),
        }
    }

    /// Parses config text as if read from `path`: a file named `pyproject.toml` contributes
    /// its `[tool.tunelint]` table (an error when there is none), any other file all of it.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let shown = display_path(path);
        let doc = Document { text, path: &shown };
        let root = absolute(path)
            .parent()
            .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
        let mut config = Config::empty(Some(shown.clone()), root);
        let table = doc.parse()?;
        if is_pyproject(path) {
            match doc.tool_table(table.get_ref())? {
                Some(tool) => doc.read_config(tool, "tool.tunelint", &mut config)?,
                None => {
                    return Err(ConfigError::in_file(
                        &shown,
                        "no [tool.tunelint] table".to_owned(),
                    ));
                }
            }
        } else {
            doc.read_config(table.get_ref(), "", &mut config)?;
        }
        Ok(config)
    }

    /// The config file in use, as shown in messages; `None` for the defaults.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The directory globs in `exclude`, `[[overrides]]` and `[[datasets]]` are relative to:
    /// the config file's, or the current directory for the defaults. Always absolute.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The `exclude` patterns as written.
    pub fn exclude_patterns(&self) -> &[String] {
        &self.exclude.patterns
    }

    /// `path` (absolute or relative to the current directory) relative to the root, when it
    /// is under it.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        absolute(path)
            .strip_prefix(&self.root)
            .ok()
            .map(Path::to_path_buf)
    }

    /// Whether `exclude` matches `path` (absolute or relative to the current directory).
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.relative(path)
            .is_some_and(|rel| !rel.as_os_str().is_empty() && self.exclude.is_match(&rel))
    }

    /// The settings for one file: rule defaults, then `[rules]` (least specific selector
    /// first), then each matching `[[overrides]]` in file order, then the command line.
    pub fn settings_for(&self, path: &Path, cli: &CliOverrides) -> Result<Settings, ConfigError> {
        let mut settings = Settings {
            format: self.format,
            dedup: self.dedup.clone(),
            pii_allow: Arc::clone(&self.pii.allow),
            encoding: self.tokens.encoding,
            ..Settings::default()
        };
        settings.options.max_tokens = self.tokens.max_per_example;
        apply_entries(&self.rules, &mut settings);
        if !self.overrides.is_empty()
            && let Some(rel) = self.relative(path)
        {
            for over in &self.overrides {
                if over.files.is_match(&rel) {
                    apply_entries(&over.rules, &mut settings);
                    if let Some(format) = over.format {
                        settings.format = format;
                    }
                }
            }
        }

        let select = cli_selectors(&cli.select, "--select")?;
        let ignore = cli_selectors(&cli.ignore, "--ignore")?;
        let warn = cli_selectors(&cli.warn, "--warn")?;
        if !select.is_empty() {
            for &code in Code::ALL {
                let level = &mut settings.levels[code.index()];
                if !select.iter().any(|s| s.matches(code)) {
                    *level = Level::Off;
                } else if *level == Level::Off {
                    // Selecting a rule that is off turns it on, at its usual level if it has one.
                    *level = match code.meta().default_level {
                        Level::Off => Level::Warning,
                        default => default,
                    };
                }
            }
        }
        for (selectors, level) in [(&ignore, Level::Off), (&warn, Level::Warning)] {
            for selector in selectors {
                for code in selector.codes() {
                    settings.levels[code.index()] = level;
                }
            }
        }
        if let Some(format) = cli.format {
            settings.format = format;
        }
        Ok(settings)
    }

    /// The gates: the command line over the config over the defaults.
    pub fn gates(&self, cli: &CliOverrides) -> Gates {
        let defaults = Gates::default();
        Gates {
            min_valid_pct: cli
                .min_valid_pct
                .or(self.min_valid_pct)
                .unwrap_or(defaults.min_valid_pct),
            max_duplicates: cli
                .max_duplicates
                .or(self.max_duplicates)
                .unwrap_or(defaults.max_duplicates),
            max_warnings: cli.max_warnings.or(self.max_warnings),
        }
    }
}

/// Command-line selectors; a value may list several separated by commas.
fn cli_selectors(values: &[String], flag: &str) -> Result<Vec<Selector>, ConfigError> {
    let selectors: Vec<Selector> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Selector::parse(s).ok_or_else(|| ConfigError::new(unknown_selector_message(s, flag)))
        })
        .collect::<Result<_, _>>()?;
    // `--select ''` (an unset shell variable, say) must not quietly mean every rule.
    if !values.is_empty() && selectors.is_empty() {
        return Err(ConfigError::new(format!(
            "{flag} was given no rule; name rule codes, names or prefixes (e.g. {flag} S005,C)"
        )));
    }
    Ok(selectors)
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == PYPROJECT)
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
            let table = doc.parse()?;
            if doc.tool_table(table.get_ref())?.is_some() {
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
    std::fs::read_to_string(path).map_err(|e| {
        ConfigError::in_file(
            &display_path(path),
            format!(
                "cannot read config file: {}",
                lowercase_first(&e.to_string())
            ),
        )
    })
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// The schema walk

const TOP_KEYS: &[&str] = &[
    "format",
    "exclude",
    "rules",
    "gates",
    "dedup",
    "tokens",
    "pii",
    "composition",
    "dataset",
    "overrides",
    "datasets",
];
const GATES_KEYS: &[&str] = &["min_valid_pct", "max_duplicates", "max_warnings"];
const DEDUP_KEYS: &[&str] = &["field", "threshold"];
const TOKENS_KEYS: &[&str] = &["encoding", "max_per_example"];
const PII_KEYS: &[&str] = &["allow"];
const COMPOSITION_KEYS: &[&str] = &["min_examples", "label_key", "tolerance", "targets"];
const DATASET_KEYS: &[&str] = &["goal"];
const OVERRIDE_KEYS: &[&str] = &["files", "rules", "format"];
const DATASETS_KEYS: &[&str] = &["name", "train", "valid", "test"];

type Key<'i> = Spanned<DeString<'i>>;
type Value<'i> = Spanned<DeValue<'i>>;

/// A table's entries in file order, so the first error reported is the first in the file.
fn entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a Key<'i>, &'a Value<'i>)> {
    let mut out: Vec<_> = table.iter().collect();
    out.sort_by_key(|(k, _)| k.span().start);
    out
}

/// The config text being read, for turning spans into located errors.
struct Document<'a> {
    text: &'a str,
    path: &'a Path,
}

impl<'a> Document<'a> {
    fn parse(&self) -> Result<Spanned<DeTable<'a>>, ConfigError> {
        DeTable::parse(self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let mut message = format!("invalid TOML: {}", e.message());
            if e.message() == "duplicate key" {
                message = format!(
                    "invalid TOML: duplicate key {:?}",
                    self.text.get(span.clone()).unwrap_or_default()
                );
            }
            self.error(span, message)
        })
    }

    /// The `[tool.tunelint]` table of a pyproject.toml, if any.
    fn tool_table<'t>(
        &self,
        root: &'t DeTable<'a>,
    ) -> Result<Option<&'t DeTable<'a>>, ConfigError> {
        let Some(tool) = root.get("tool") else {
            return Ok(None);
        };
        let DeValue::Table(tool) = tool.get_ref() else {
            return Ok(None);
        };
        match tool.get("tunelint") {
            None => Ok(None),
            Some(value) => self.table("tool.tunelint", value).map(Some),
        }
    }

    fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError {
            path: Some(self.path.to_path_buf()),
            location: Some(locate(self.text, span)),
            message,
        }
    }

    fn unknown_key(&self, key: &Key<'_>, allowed: &[&str], context: &str) -> ConfigError {
        let name = key.get_ref().as_ref();
        let message = match closest(name, allowed.iter().copied()) {
            Some(s) => format!("unknown key {name:?} in {context}; did you mean {s:?}?"),
            None => format!(
                "unknown key {name:?} in {context}; expected one of {}",
                allowed.join(", ")
            ),
        };
        self.error(key.span(), message)
    }

    fn check_keys(
        &self,
        table: &DeTable<'_>,
        allowed: &[&str],
        context: &str,
    ) -> Result<(), ConfigError> {
        for (key, _) in entries(table) {
            if !allowed.contains(&key.get_ref().as_ref()) {
                return Err(self.unknown_key(key, allowed, context));
            }
        }
        Ok(())
    }

    fn invalid(&self, key: &str, value: &Value<'_>, expected: &str) -> ConfigError {
        let message = match found(value.get_ref()) {
            Some(text) => format!("invalid value {text} for {key:?}; expected {expected}"),
            None => format!(
                "invalid value for {key:?}; expected {expected}, found {}",
                kind_name(value.get_ref())
            ),
        };
        self.error(value.span(), message)
    }

    fn table<'t>(&self, key: &str, value: &'t Value<'a>) -> Result<&'t DeTable<'a>, ConfigError> {
        match value.get_ref() {
            DeValue::Table(t) => Ok(t),
            _ => Err(self.invalid(key, value, "a table")),
        }
    }

    fn string<'t>(&self, key: &str, value: &'t Value<'a>) -> Result<&'t str, ConfigError> {
        match value.get_ref() {
            DeValue::String(s) => Ok(s),
            _ => Err(self.invalid(key, value, "a string")),
        }
    }

    fn strings(
        &self,
        key: &str,
        value: &Value<'a>,
    ) -> Result<Vec<(String, Range<usize>)>, ConfigError> {
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.invalid(key, value, "an array of strings"));
        };
        items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Ok((s.to_string(), item.span())),
                _ => Err(self.invalid(key, item, "a string")),
            })
            .collect()
    }

    fn globs(&self, key: &str, value: &Value<'a>) -> Result<PathMatcher, ConfigError> {
        let items = self.strings(key, value)?;
        let patterns: Vec<String> = items.iter().map(|(s, _)| s.clone()).collect();
        PathMatcher::new(&patterns).map_err(|(index, message)| {
            let span = items
                .get(index)
                .map_or_else(|| value.span(), |(_, span)| span.clone());
            self.error(span, message)
        })
    }

    fn number(
        &self,
        key: &str,
        value: &Value<'a>,
        expected: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Result<f64, ConfigError> {
        let n = match value.get_ref() {
            DeValue::Integer(i) => integer_value(i).map(|n| n as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => None,
        };
        n.filter(|n| n.is_finite() && ok(*n))
            .ok_or_else(|| self.invalid(key, value, expected))
    }

    fn integer(
        &self,
        key: &str,
        value: &Value<'a>,
        expected: &str,
        min: i64,
    ) -> Result<u64, ConfigError> {
        match value.get_ref() {
            DeValue::Integer(i) => integer_value(i)
                .filter(|n| *n >= min)
                .map(i64::unsigned_abs),
            _ => None,
        }
        .ok_or_else(|| self.invalid(key, value, expected))
    }

    /// A string naming one of `names`.
    fn choice<T>(
        &self,
        key: &str,
        value: &Value<'a>,
        names: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, ConfigError> {
        let s = self
            .string(key, value)
            .map_err(|_| self.invalid(key, value, &format!("one of {}", names.join(", "))))?;
        parse(s).ok_or_else(|| {
            let message = match closest(s, names.iter().copied()) {
                Some(near) => format!("invalid value {s:?} for {key:?}; did you mean {near:?}?"),
                None => format!(
                    "invalid value {s:?} for {key:?}; expected one of {}",
                    names.join(", ")
                ),
            };
            self.error(value.span(), message)
        })
    }

    fn section_name(prefix: &str, name: &str) -> String {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    }

    /// Reads the config table (the whole file, or `[tool.tunelint]` of a pyproject.toml,
    /// named by `prefix`) into `config`.
    fn read_config(
        &self,
        table: &DeTable<'a>,
        prefix: &str,
        config: &mut Config,
    ) -> Result<(), ConfigError> {
        let top = if prefix.is_empty() {
            "the top level".to_owned()
        } else {
            format!("[{prefix}]")
        };
        self.check_keys(table, TOP_KEYS, &top)?;
        let section = |name: &str| format!("[{}]", Self::section_name(prefix, name));
        for (key, value) in entries(table) {
            let name = key.get_ref().as_ref();
            match name {
                "format" => {
                    config.format =
                        self.choice(name, value, FormatChoice::NAMES, FormatChoice::parse)?;
                }
                "exclude" => config.exclude = self.globs(name, value)?,
                "rules" => {
                    config.rules = self.rules(self.table(name, value)?, &section("rules"))?;
                }
                "gates" => self.read_gates(self.table(name, value)?, &section("gates"), config)?,
                "dedup" => {
                    let t = self.table(name, value)?;
                    self.check_keys(t, DEDUP_KEYS, &section("dedup"))?;
                    for (key, value) in entries(t) {
                        let k = key.get_ref().as_ref();
                        match k {
                            "field" => {
                                config.dedup.field =
                                    self.choice(k, value, DedupField::NAMES, DedupField::parse)?;
                            }
                            _ => {
                                config.dedup.threshold = self.number(
                                    k,
                                    value,
                                    "a number greater than 0 and at most 1",
                                    |x| x > 0.0 && x <= 1.0,
                                )?;
                            }
                        }
                    }
                }
                "tokens" => {
                    let t = self.table(name, value)?;
                    self.check_keys(t, TOKENS_KEYS, &section("tokens"))?;
                    for (key, value) in entries(t) {
                        let k = key.get_ref().as_ref();
                        match k {
                            "encoding" => {
                                config.tokens.encoding =
                                    self.choice(k, value, Encoding::NAMES, Encoding::parse)?;
                            }
                            _ => {
                                config.tokens.max_per_example =
                                    self.integer(k, value, "a positive integer", 1)?;
                            }
                        }
                    }
                }
                "pii" => {
                    let t = self.table(name, value)?;
                    self.check_keys(t, PII_KEYS, &section("pii"))?;
                    for (key, value) in entries(t) {
                        let k = key.get_ref().as_ref();
                        let items = self.strings(k, value)?;
                        let patterns = items.iter().map(|(s, _)| s.clone()).collect();
                        let allow = PiiAllow::new(patterns).map_err(|(index, why)| {
                            let span = items
                                .get(index)
                                .map_or_else(|| value.span(), |(_, span)| span.clone());
                            // The regex error spans several lines; its last says what is wrong.
                            let why = why.lines().last().unwrap_or_default().trim();
                            let why = why.strip_prefix("error: ").unwrap_or(why);
                            self.error(
                                span,
                                format!("invalid regular expression in \"allow\": {why}"),
                            )
                        })?;
                        config.pii.allow = Arc::new(allow);
                    }
                }
                "composition" => self.read_composition(
                    self.table(name, value)?,
                    &Self::section_name(prefix, "composition"),
                    config,
                )?,
                "dataset" => {
                    let t = self.table(name, value)?;
                    self.check_keys(t, DATASET_KEYS, &section("dataset"))?;
                    for (key, value) in entries(t) {
                        let k = key.get_ref().as_ref();
                        config.dataset.goal =
                            Some(self.choice(k, value, Goal::NAMES, Goal::parse)?);
                    }
                }
                "overrides" => {
                    let context = format!("[[{}]]", Self::section_name(prefix, "overrides"));
                    for item in self.tables_array(name, value, &context)? {
                        config.overrides.push(self.read_override(item, &context)?);
                    }
                }
                _ => {
                    let context = format!("[[{}]]", Self::section_name(prefix, "datasets"));
                    for item in self.tables_array(name, value, &context)? {
                        config
                            .datasets
                            .push(self.read_dataset_group(item, &context)?);
                    }
                }
            }
        }
        Ok(())
    }

    /// An array of tables such as `[[overrides]]`, each with the span of its header.
    fn tables_array<'t>(
        &self,
        key: &str,
        value: &'t Value<'a>,
        context: &str,
    ) -> Result<Vec<(&'t DeTable<'a>, Range<usize>)>, ConfigError> {
        let expected = format!("an array of tables ({context})");
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.invalid(key, value, &expected));
        };
        items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::Table(t) => Ok((t, item.span())),
                _ => Err(self.invalid(key, item, &expected)),
            })
            .collect()
    }

    fn read_gates(
        &self,
        table: &DeTable<'a>,
        context: &str,
        config: &mut Config,
    ) -> Result<(), ConfigError> {
        self.check_keys(table, GATES_KEYS, context)?;
        for (key, value) in entries(table) {
            let k = key.get_ref().as_ref();
            match k {
                "min_valid_pct" => {
                    config.min_valid_pct =
                        Some(self.number(k, value, "a number from 0 to 100", |x| {
                            (0.0..=100.0).contains(&x)
                        })?);
                }
                "max_duplicates" => {
                    let expected = "a count like 3 or a percentage like \"1.5%\"";
                    let threshold = match value.get_ref() {
                        DeValue::Integer(i) => integer_value(i)
                            .and_then(|n| u64::try_from(n).ok())
                            .map(Threshold::Count),
                        DeValue::String(s) if s.trim().ends_with('%') => parse_threshold(s.trim()),
                        _ => None,
                    };
                    config.max_duplicates =
                        Some(threshold.ok_or_else(|| self.invalid(k, value, expected))?);
                }
                _ => {
                    config.max_warnings =
                        Some(self.integer(k, value, "a non-negative integer", 0)?);
                }
            }
        }
        Ok(())
    }

    fn read_composition(
        &self,
        table: &DeTable<'a>,
        name: &str,
        config: &mut Config,
    ) -> Result<(), ConfigError> {
        self.check_keys(table, COMPOSITION_KEYS, &format!("[{name}]"))?;
        let composition = &mut config.composition;
        for (key, value) in entries(table) {
            let k = key.get_ref().as_ref();
            match k {
                "min_examples" => {
                    composition.min_examples =
                        self.integer(k, value, "a non-negative integer", 0)?;
                }
                "label_key" => {
                    let label = self.string(k, value)?;
                    if label.is_empty() {
                        return Err(self.invalid(k, value, "a non-empty string"));
                    }
                    composition.label_key = label.to_owned();
                }
                "tolerance" => {
                    composition.tolerance =
                        self.number(k, value, "a fraction from 0 to 1", |x| {
                            (0.0..=1.0).contains(&x)
                        })?;
                }
                _ => {
                    let targets = self.table(k, value)?;
                    let context = format!("[{name}.targets]");
                    self.check_keys(targets, ExampleKind::NAMES, &context)?;
                    composition.targets.clear();
                    let mut sum = 0.0;
                    for (key, value) in entries(targets) {
                        let kind_name = key.get_ref().as_ref();
                        let share =
                            self.number(kind_name, value, "a fraction from 0 to 1", |x| {
                                (0.0..=1.0).contains(&x)
                            })?;
                        sum += share;
                        if let Some(kind) = ExampleKind::parse(kind_name) {
                            composition.targets.insert(kind, share);
                        }
                    }
                    // A little slack: 0.6 + 0.2 + 0.1 + 0.1 is not exactly 1 in floating point.
                    if sum > 1.0 + 1e-9 {
                        return Err(self.error(
                            key.span(),
                            format!(
                                "composition targets add up to {}; they must not exceed 1",
                                round(sum)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn read_override(
        &self,
        (table, header): (&DeTable<'a>, Range<usize>),
        context: &str,
    ) -> Result<Override, ConfigError> {
        self.check_keys(table, OVERRIDE_KEYS, context)?;
        let mut over = Override {
            files: PathMatcher::default(),
            rules: Vec::new(),
            format: None,
        };
        let mut has_files = false;
        for (key, value) in entries(table) {
            let k = key.get_ref().as_ref();
            match k {
                "files" => {
                    over.files = self.globs(k, value)?;
                    if over.files.patterns.is_empty() {
                        return Err(self.invalid(k, value, "at least one glob"));
                    }
                    has_files = true;
                }
                "rules" => {
                    over.rules = self.rules(self.table(k, value)?, &format!("{context} rules"))?;
                }
                _ => {
                    over.format =
                        Some(self.choice(k, value, FormatChoice::NAMES, FormatChoice::parse)?);
                }
            }
        }
        if !has_files {
            return Err(self.error(header, format!("missing key \"files\" in {context}")));
        }
        Ok(over)
    }

    fn read_dataset_group(
        &self,
        (table, header): (&DeTable<'a>, Range<usize>),
        context: &str,
    ) -> Result<DatasetGroup, ConfigError> {
        self.check_keys(table, DATASETS_KEYS, context)?;
        let mut group = DatasetGroup::default();
        for (key, value) in entries(table) {
            let k = key.get_ref().as_ref();
            if k == "name" {
                group.name = Some(self.string(k, value)?.to_owned());
                continue;
            }
            let paths: Vec<String> = self
                .strings(k, value)?
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            if paths.is_empty() {
                return Err(self.invalid(k, value, "at least one path"));
            }
            match k {
                "train" => group.train = paths,
                "valid" => group.valid = paths,
                _ => group.test = paths,
            }
        }
        if group.train.is_empty() {
            return Err(self.error(header, format!("missing key \"train\" in {context}")));
        }
        if group.valid.is_empty() && group.test.is_empty() {
            return Err(self.error(
                header,
                format!("missing key \"valid\" or \"test\" in {context}"),
            ));
        }
        Ok(group)
    }

    /// A `[rules]` table (also the `rules` of an override), sorted least specific first.
    fn rules(&self, table: &DeTable<'a>, context: &str) -> Result<Vec<RuleEntry>, ConfigError> {
        let mut out = Vec::new();
        for (key, value) in entries(table) {
            let written = key.get_ref().as_ref();
            let selector = Selector::parse(written).ok_or_else(|| {
                self.error(key.span(), unknown_selector_message(written, context))
            })?;
            let mut entry = RuleEntry {
                selector,
                level: None,
                options: Vec::new(),
            };
            match value.get_ref() {
                DeValue::String(_) => entry.level = Some(self.level(written, value)?),
                DeValue::Table(options) => self.rule_table(written, options, &mut entry)?,
                _ => {
                    return Err(self.invalid(
                        written,
                        value,
                        &format!("a level ({LEVEL_NAMES}) or a table of level and options"),
                    ));
                }
            }
            out.push(entry);
        }
        // Stable, so equally specific entries (a code and its name) keep their file order.
        out.sort_by_key(|e| e.selector.specificity());
        Ok(out)
    }

    fn level(&self, selector: &str, value: &Value<'a>) -> Result<Level, ConfigError> {
        let expected = format!("one of {LEVEL_NAMES}");
        let s = self
            .string(selector, value)
            .map_err(|_| self.invalid(selector, value, &expected))?;
        Level::parse(s).ok_or_else(|| {
            let message = match closest(s, ["off", "info", "warning", "error"]) {
                Some(near) => {
                    format!("invalid level {s:?} for {selector:?}; did you mean {near:?}?")
                }
                None => format!("invalid level {s:?} for {selector:?}; expected {expected}"),
            };
            self.error(value.span(), message)
        })
    }

    /// `C001 = { level = "warning", min_chars = 20 }`: the options are those of the rules
    /// the selector matches.
    fn rule_table(
        &self,
        selector: &str,
        table: &DeTable<'a>,
        entry: &mut RuleEntry,
    ) -> Result<(), ConfigError> {
        let mut allowed: Vec<&'static str> = vec!["level"];
        for code in entry.selector.codes() {
            for option in code.meta().options {
                if !allowed.contains(&option.name) {
                    allowed.push(option.name);
                }
            }
        }
        for (key, value) in entries(table) {
            let k = key.get_ref().as_ref();
            if k == "level" {
                entry.level = Some(self.level(selector, value)?);
                continue;
            }
            let Some(&name) = allowed.iter().find(|a| **a == k) else {
                let message = match closest(k, allowed.iter().copied()) {
                    Some(s) => {
                        format!("unknown option {k:?} for {selector:?}; did you mean {s:?}?")
                    }
                    None => format!(
                        "unknown option {k:?} for {selector:?}; expected one of {}",
                        allowed.join(", ")
                    ),
                };
                return Err(self.error(key.span(), message));
            };
            let converted = to_value(value.get_ref());
            // Validate against every matched rule that has the option, so the error is here
            // and not when a file is linted.
            for code in entry.selector.codes() {
                if !code.meta().options.iter().any(|o| o.name == name) {
                    continue;
                }
                let mut scratch = RuleOptions::default();
                let result = match &converted {
                    Some(v) => set_option(&mut scratch, code, name, v),
                    None => Err("a smaller integer".to_owned()),
                };
                result.map_err(|expected| self.invalid(name, value, &expected))?;
            }
            if let Some(v) = converted {
                entry.options.push((name, v));
            }
        }
        Ok(())
    }
}

fn integer_value(i: &toml::de::DeInteger<'_>) -> Option<i64> {
    let digits = i.as_str().replace('_', "");
    i64::from_str_radix(&digits, i.radix()).ok()
}

fn to_value(v: &DeValue<'_>) -> Option<toml::Value> {
    Some(match v {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(i) => toml::Value::Integer(integer_value(i)?),
        DeValue::Float(f) => toml::Value::Float(f.as_str().parse().ok()?),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Datetime(d) => toml::Value::Datetime(*d),
        DeValue::Array(items) => toml::Value::Array(
            items
                .iter()
                .map(|item| to_value(item.get_ref()))
                .collect::<Option<_>>()?,
        ),
        DeValue::Table(t) => {
            let mut table = toml::Table::new();
            for (k, v) in t.iter() {
                table.insert(k.get_ref().to_string(), to_value(v.get_ref())?);
            }
            toml::Value::Table(table)
        }
    })
}

/// A scalar as the user wrote it, for messages; `None` for arrays and tables.
fn found(v: &DeValue<'_>) -> Option<String> {
    const LIMIT: usize = 40;
    Some(match v {
        DeValue::String(s) if s.chars().count() > LIMIT => {
            format!(
                "{:?}",
                format!("{}…", s.chars().take(LIMIT).collect::<String>())
            )
        }
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Integer(i) => i.to_string(),
        DeValue::Float(f) => f.to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) | DeValue::Table(_) => return None,
    })
}

fn kind_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
        _ => "a value",
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The valid name closest to `input`, if it is close enough to be what was meant.
fn closest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let input = input.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&input, &candidate.to_lowercase());
        if score >= SUGGESTION_THRESHOLD && best.is_none_or(|(_, b)| score > b) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// Line, column (both 1-based, the column in code points) and source line of a byte span.
fn locate(text: &str, span: Range<usize>) -> ErrorLocation {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut end = span.end.clamp(start, line_end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    ErrorLocation {
        line: text[..start].bytes().filter(|b| *b == b'\n').count() + 1,
        column: text[line_start..start].chars().count() + 1,
        width: text[start..end].chars().count().max(1),
        source_line: text[line_start..line_end].trim_end_matches('\r').to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// Starter file

/// The commented starter `tunelint.toml` written by `tunelint init`. The active lines are
/// the defaults; commented-out `key = value` lines are defaults or valid examples (a test
/// uncomments them all and loads the result).
pub const STARTER: &str = r#"# tunelint configuration. Every key is optional: a commented-out `key = value` line shows
# the key's default, or an example where it has none. Globs and paths are relative to the
# directory of this file. Command-line flags override what is set here.

# Input format of every file: "auto" (detected from the first valid record), "openai-chat",
# "openai-preference", "prompt-completion", "alpaca" or "sharegpt".
format = "auto"

# Files never linted when a directory is walked (files named on the command line are, unless
# --force-exclude is given). Gitignore-style: a pattern without a slash matches a name at any
# depth, "dir/**" everything under dir, and "!pattern" re-includes.
exclude = []

[rules]
# The level of rules — "off", "info", "warning" or "error" — by code ("C001"), name
# ("content-too-short"), code prefix ("C", "C0") or "ALL". The most specific selector wins,
# whatever the order of the lines: ALL, then a category letter, then longer prefixes, then
# codes and names. `tunelint rules` lists every rule with its default level.
# ALL = "warning"
# P = "error"
# S008 = "off"
# as-an-ai = "error"
# A table sets a rule's options, with or without its level:
# content-too-short = { level = "warning", min_chars = 10 }
# content-too-long = { max_chars = 10000 }
# line-too-large = { max_line_bytes = 67108864 }

[gates]
# The run fails (exit status 1) when a gate is not met.
# Least share of valid examples (those without an error-level diagnostic), in percent.
# min_valid_pct = 100
# Most duplicates (D001 + D002 + D003): a count, or a share of the examples like "1%".
# max_duplicates = 0
# Most warnings; unlimited when absent.
# max_warnings = 100

[dedup]
# What near-duplicate detection compares: "user", "assistant" or "conversation" content.
# field = "user"
# Similarity (greater than 0, at most 1) from which two examples are near duplicates.
# threshold = 0.85

[tokens]
# Tokenizer: "o200k_base" or "cl100k_base".
# encoding = "o200k_base"
# Most tokens in one example (T001); longer examples would be truncated in training.
# max_per_example = 65536

[pii]
# Regular expressions of known-safe matches that the privacy rules (P001-P006) accept.
# allow = ["@ourcompany\\.example$"]

[composition]
# Composition (B002-B004) is judged only from this many examples on.
# min_examples = 100
# Top-level key holding an example's category; without it, a heuristic classifies the
# final assistant turn.
# label_key = "category"
# How far a category's share may stray from its target, as a fraction.
# tolerance = 0.1
# Target shares as fractions adding up to at most 1; this table replaces the defaults as a
# whole, so list every category you want judged.
# [composition.targets]
# common = 0.6
# edge = 0.2
# clarification = 0.1
# refusal = 0.1

[dataset]
# What the dataset is for; B001 then reports datasets smaller than its minimum:
# "format" (50 examples), "style" (100), "domain" (300) or "complex" (500).
# goal = "style"

# Other levels, options or format for some files. Every matching override applies, in
# order, over [rules].
# [[overrides]]
# files = ["data/legacy/**"]
# rules = { C = "off", S008 = "error" }
# format = "sharegpt"

# Split groups for the split-leak check (D003). Files named train, valid/validation/val
# and test/eval in one directory are grouped without this.
# [[datasets]]
# name = "support"
# train = ["data/train.jsonl"]
# valid = ["data/valid.jsonl"]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("tunelint.toml"))
    }

    fn error(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    fn levels(config: &Config, path: &str, cli: &CliOverrides, codes: &[Code]) -> Vec<Level> {
        let settings = config
            .settings_for(Path::new(path), cli)
            .expect("valid settings");
        codes.iter().map(|c| settings.level(*c)).collect()
    }

    // --- discovery

    #[test]
    fn discovery_prefers_tunelint_toml_then_dot_file_then_pyproject() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(
            root.join("pyproject.toml"),
            "[tool.tunelint]\nformat = \"alpaca\"\n",
        )
        .expect("write");
        let found = discover(root).expect("ok").expect("config");
        assert_eq!(found.format, FormatChoice::Alpaca);

        std::fs::write(root.join(".tunelint.toml"), "format = \"sharegpt\"\n").expect("write");
        let found = discover(root).expect("ok").expect("config");
        assert_eq!(found.format, FormatChoice::ShareGpt);

        std::fs::write(root.join("tunelint.toml"), "format = \"openai-chat\"\n").expect("write");
        let found = discover(root).expect("ok").expect("config");
        assert_eq!(found.format, FormatChoice::OpenAiChat);
        assert_eq!(found.root(), absolute(root));
        assert_eq!(found.path(), Some(root.join("tunelint.toml").as_path()));
    }

    #[test]
    fn discovery_walks_up_and_skips_pyproject_without_table() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let nested = root.join("a/b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::write(root.join("tunelint.toml"), "format = \"alpaca\"\n").expect("write");
        // Not ours (and not even valid TOML): passed over, the search goes on upwards.
        std::fs::write(nested.join("pyproject.toml"), "[project\nname = \"x\"\n").expect("write");
        std::fs::write(
            root.join("a/pyproject.toml"),
            "[project]\nname = \"tunelint-data\"\n[tool.black]\nline-length = 100\n",
        )
        .expect("write");
        let found = discover(&nested).expect("ok").expect("config");
        assert_eq!(found.format, FormatChoice::Alpaca);
        assert_eq!(found.root(), absolute(root));
    }

    #[test]
    fn discovery_reports_errors_in_the_found_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".tunelint.toml");
        std::fs::write(&path, "[gates]\nmax_warning = 3\n").expect("write");
        let err = discover(dir.path()).expect_err("invalid");
        assert_eq!(
            err.to_string(),
            format!(
                "{}:2:1: unknown key \"max_warning\" in [gates]; did you mean \"max_warnings\"?",
                path.display()
            )
        );
    }

    #[test]
    fn explicit_pyproject_reads_tool_table_and_requires_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pyproject.toml");
        std::fs::write(&path, "[tool.tunelint.gates]\nmax_warnings = 7\n").expect("write");
        let config = load(&path).expect("valid");
        assert_eq!(config.gates(&CliOverrides::default()).max_warnings, Some(7));

        std::fs::write(&path, "[tool.tunelint]\nformt = \"auto\"\n").expect("write");
        let err = load(&path).expect_err("invalid");
        assert_eq!(
            err.message(),
            "unknown key \"formt\" in [tool.tunelint]; did you mean \"format\"?"
        );
        std::fs::write(&path, "[tool.tunelint.gates]\nmin_valid = 1\n").expect("write");
        let err = load(&path).expect_err("invalid");
        assert_eq!(
            err.message(),
            "unknown key \"min_valid\" in [tool.tunelint.gates]; did you mean \"min_valid_pct\"?"
        );

        std::fs::write(&path, "[project]\nname = \"x\"\n").expect("write");
        let err = load(&path).expect_err("no table");
        assert_eq!(
            err.to_string(),
            format!("{}: no [tool.tunelint] table", path.display())
        );
    }

    #[test]
    fn unreadable_file_is_an_error_without_location() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing.toml");
        let err = load(&path).expect_err("missing");
        assert!(err.line().is_none());
        assert!(
            err.to_string().starts_with(&format!(
                "{}: cannot read config file: no such file",
                path.display()
            )),
            "{err}"
        );
    }

    #[test]
    fn default_config_is_rooted_in_the_current_directory() {
        let config = Config::default();
        assert_eq!(config.root(), absolute(Path::new(".")));
        assert!(config.path().is_none());
        assert_eq!(
            config.settings_for(Path::new("x.jsonl"), &CliOverrides::default()),
            Ok(Settings::default())
        );
    }

    // --- errors

    #[test]
    fn unknown_top_level_key_has_location_line_and_suggestion() {
        let err = parse("# comment\nformat = \"auto\"\nexlude = [\"data/raw/**\"]\n")
            .expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "tunelint.toml:3:1: unknown key \"exlude\" in the top level; did you mean \"exclude\"?"
        );
        assert_eq!(err.line(), Some(3));
        assert_eq!(err.column(), Some(1));
        assert_eq!(err.source_line(), Some("exlude = [\"data/raw/**\"]"));
        assert_eq!(
            err.snippet().as_deref(),
            Some("  |\n3 | exlude = [\"data/raw/**\"]\n  | ^^^^^^")
        );
    }

    #[test]
    fn a_long_line_is_cropped_around_the_error_in_the_snippet() {
        // 200 KB of padding before the key, on one line: the snippet shows 50 characters of
        // it, the key, and what follows; the message keeps its location and suggestion.
        let padding = " ".repeat(200_000);
        let err = parse(&format!(
            "gates = {{{padding}min_valid_pc = 90, max_warnings = 3 }}\n"
        ))
        .expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "tunelint.toml:1:200010: unknown key \"min_valid_pc\" in [gates]; did you mean \"min_valid_pct\"?"
        );
        let snippet = err.snippet().expect("a snippet");
        assert_eq!(
            snippet,
            format!(
                "  |\n1 | …{}min_valid_pc = 90, max_warnings = 3 }}\n  | {}{}",
                " ".repeat(50),
                " ".repeat(51),
                "^".repeat(12)
            )
        );
        // A long comment after the key: cropped after it.
        let err = parse(&format!(
            "[gates]\nmin_valid_pc = 90 # {}\n",
            "x".repeat(200_000)
        ))
        .expect_err("invalid");
        let snippet = err.snippet().expect("a snippet");
        assert!(snippet.len() < 400, "{} bytes", snippet.len());
        assert!(
            snippet.starts_with("  |\n2 | min_valid_pc = 90 # xxx"),
            "{snippet}"
        );
        assert!(snippet.ends_with("x…\n  | ^^^^^^^^^^^^"), "{snippet}");
    }

    #[test]
    fn unknown_key_without_a_close_match_lists_the_keys() {
        assert_eq!(
            error("[gates]\nzzz = 1\n"),
            "tunelint.toml:2:1: unknown key \"zzz\" in [gates]; expected one of min_valid_pct, max_duplicates, max_warnings"
        );
        assert_eq!(
            error("[dedup]\ntreshold = 0.9\n"),
            "tunelint.toml:2:1: unknown key \"treshold\" in [dedup]; did you mean \"threshold\"?"
        );
        assert_eq!(
            error("[composition.targets]\nrefusals = 0.1\n"),
            "tunelint.toml:2:1: unknown key \"refusals\" in [composition.targets]; did you mean \"refusal\"?"
        );
        assert_eq!(
            error("[[overrides]]\nfiles = [\"a\"]\nrule = {}\n"),
            "tunelint.toml:3:1: unknown key \"rule\" in [[overrides]]; did you mean \"rules\"?"
        );
        assert_eq!(
            error("[[datasets]]\ntrain = [\"a\"]\nvalidation = [\"b\"]\n"),
            "tunelint.toml:3:1: unknown key \"validation\" in [[datasets]]; did you mean \"valid\"?"
        );
    }

    #[test]
    fn unknown_rule_selectors_suggest_codes_names_and_prefixes() {
        assert_eq!(
            error("[rules]\nC0011 = \"off\"\n"),
            "tunelint.toml:2:1: unknown rule selector \"C0011\" in [rules]; did you mean \"C001\"?"
        );
        assert_eq!(
            error("[rules]\ncontent-to-short = \"off\"\n"),
            "tunelint.toml:2:1: unknown rule selector \"content-to-short\" in [rules]; did you mean \"content-too-short\"?"
        );
        assert_eq!(
            error("[rules]\nX = \"off\"\n"),
            "tunelint.toml:2:1: unknown rule selector \"X\" in [rules]; expected a rule code, name, code prefix or ALL"
        );
        assert_eq!(
            error("[[overrides]]\nfiles = [\"a\"]\nrules = { S08 = \"off\" }\n"),
            "tunelint.toml:3:11: unknown rule selector \"S08\" in [[overrides]] rules; did you mean \"S008\"?"
        );
    }

    #[test]
    fn unknown_rule_options_suggest_the_rule_options() {
        assert_eq!(
            error("[rules]\nC002 = { max_char = 5 }\n"),
            "tunelint.toml:2:10: unknown option \"max_char\" for \"C002\"; did you mean \"max_chars\"?"
        );
        assert_eq!(
            error("[rules]\nas-an-ai = { min_chars = 5 }\n"),
            "tunelint.toml:2:14: unknown option \"min_chars\" for \"as-an-ai\"; expected one of level"
        );
        assert_eq!(
            error("[rules]\nC001 = { min_chars = -1 }\n"),
            "tunelint.toml:2:22: invalid value -1 for \"min_chars\"; expected a non-negative integer"
        );
        assert_eq!(
            error("[rules]\nC = { max_chars = \"big\" }\n"),
            "tunelint.toml:2:19: invalid value \"big\" for \"max_chars\"; expected a positive integer"
        );
    }

    #[test]
    fn wrong_types_and_out_of_range_values() {
        assert_eq!(
            error("[gates]\nmin_valid_pct = \"high\"\n"),
            "tunelint.toml:2:17: invalid value \"high\" for \"min_valid_pct\"; expected a number from 0 to 100"
        );
        assert_eq!(
            error("[gates]\nmin_valid_pct = 150\n"),
            "tunelint.toml:2:17: invalid value 150 for \"min_valid_pct\"; expected a number from 0 to 100"
        );
        assert_eq!(
            error("[gates]\nmax_duplicates = \"many\"\n"),
            "tunelint.toml:2:18: invalid value \"many\" for \"max_duplicates\"; expected a count like 3 or a percentage like \"1.5%\""
        );
        assert_eq!(
            error("[gates]\nmax_duplicates = 0.5\n"),
            "tunelint.toml:2:18: invalid value 0.5 for \"max_duplicates\"; expected a count like 3 or a percentage like \"1.5%\""
        );
        assert_eq!(
            error("[gates]\nmax_warnings = -1\n"),
            "tunelint.toml:2:16: invalid value -1 for \"max_warnings\"; expected a non-negative integer"
        );
        assert_eq!(
            error("[dedup]\nthreshold = 0\n"),
            "tunelint.toml:2:13: invalid value 0 for \"threshold\"; expected a number greater than 0 and at most 1"
        );
        assert_eq!(
            error("gates = 3\n"),
            "tunelint.toml:1:9: invalid value 3 for \"gates\"; expected a table"
        );
        assert_eq!(
            error("exclude = \"data\"\n"),
            "tunelint.toml:1:11: invalid value \"data\" for \"exclude\"; expected an array of strings"
        );
        assert_eq!(
            error("exclude = [\"a\", 1]\n"),
            "tunelint.toml:1:17: invalid value 1 for \"exclude\"; expected a string"
        );
        assert_eq!(
            error("[rules]\nC001 = [1]\n"),
            "tunelint.toml:2:8: invalid value for \"C001\"; expected a level (off, info, warning, error) or a table of level and options, found an array"
        );
        assert_eq!(
            error("[overrides]\nfiles = [\"a\"]\n"),
            "tunelint.toml:1:1: invalid value for \"overrides\"; expected an array of tables ([[overrides]]), found a table"
        );
        assert_eq!(
            error("[composition.targets]\ncommon = 0.9\nedge = 0.3\n"),
            "tunelint.toml:1:14: composition targets add up to 1.2; they must not exceed 1"
        );
    }

    #[test]
    fn enumerated_values_suggest_or_list() {
        assert_eq!(
            error("format = \"openai_chat\"\n"),
            "tunelint.toml:1:10: invalid value \"openai_chat\" for \"format\"; did you mean \"openai-chat\"?"
        );
        assert_eq!(
            error("[tokens]\nencoding = \"gpt2\"\n"),
            "tunelint.toml:2:12: invalid value \"gpt2\" for \"encoding\"; expected one of o200k_base, cl100k_base"
        );
        assert_eq!(
            error("[dataset]\ngoal = 3\n"),
            "tunelint.toml:2:8: invalid value 3 for \"goal\"; expected one of format, style, domain, complex"
        );
    }

    #[test]
    fn levels_accept_warn_and_reject_unknown_ones() {
        let config =
            parse("[rules]\nC001 = \"warn\"\nJ001 = { level = \"info\" }\n").expect("valid");
        assert_eq!(
            levels(
                &config,
                "a.jsonl",
                &CliOverrides::default(),
                &[Code::C001, Code::J001]
            ),
            [Level::Warning, Level::Info]
        );
        assert_eq!(
            error("[rules]\nC001 = \"fatal\"\n"),
            "tunelint.toml:2:8: invalid level \"fatal\" for \"C001\"; expected one of off, info, warning, error"
        );
        assert_eq!(
            error("[rules]\nC001 = { level = \"Error\" }\n"),
            "tunelint.toml:2:18: invalid level \"Error\" for \"C001\"; did you mean \"error\"?"
        );
    }

    #[test]
    fn bad_globs_point_at_the_pattern() {
        assert_eq!(
            error("exclude = [\"ok/**\", \"data/[raw\"]\n"),
            "tunelint.toml:1:21: invalid glob \"data/[raw\"; unclosed character class; missing ']'"
        );
        assert_eq!(
            error("[[overrides]]\nfiles = [\"/\"]\n"),
            "tunelint.toml:2:10: invalid glob \"/\"; empty pattern"
        );
        assert_eq!(
            error("[[overrides]]\nfiles = []\n"),
            "tunelint.toml:2:9: invalid value for \"files\"; expected at least one glob, found an array"
        );
        assert_eq!(
            error("x = 1\n\n[[overrides]]\nrules = {}\n"),
            "tunelint.toml:1:1: unknown key \"x\" in the top level; expected one of format, exclude, rules, gates, dedup, tokens, pii, composition, dataset, overrides, datasets"
        );
        assert_eq!(
            error("\n[[overrides]]\nrules = {}\n"),
            "tunelint.toml:2:1: missing key \"files\" in [[overrides]]"
        );
        assert_eq!(
            error("[[datasets]]\ntrain = []\n"),
            "tunelint.toml:2:9: invalid value for \"train\"; expected at least one path, found an array"
        );
        assert_eq!(
            error("[[datasets]]\ntrain = [\"a\"]\n"),
            "tunelint.toml:1:1: missing key \"valid\" or \"test\" in [[datasets]]"
        );
    }

    #[test]
    fn toml_syntax_errors_have_line_and_column() {
        assert_eq!(
            error("format = \"auto\"\nexclude = \n"),
            "tunelint.toml:2:11: invalid TOML: string values must be quoted, expected literal string"
        );
        assert_eq!(
            error("[gates]\nmax_warnings = 1\nmax_warnings = 2\n"),
            "tunelint.toml:3:1: invalid TOML: duplicate key \"max_warnings\""
        );
    }

    #[test]
    fn columns_count_code_points() {
        let loc = locate("a = \"é\", b\nc", 10..11);
        assert_eq!((loc.line, loc.column, loc.width), (1, 10, 1));
        assert_eq!(loc.source_line, "a = \"é\", b");
        let loc = locate("x\r\ny = 1\r\n", 3..4);
        assert_eq!((loc.line, loc.column), (2, 1));
        assert_eq!(loc.source_line, "y = 1");
    }

    // --- resolution

    #[test]
    fn more_specific_selectors_win_whatever_the_file_order() {
        let config = parse(
            "[rules]\nC001 = \"error\"\nC00 = \"info\"\nC = \"off\"\nALL = \"warning\"\nas-an-ai = \"error\"\n",
        )
        .expect("valid");
        assert_eq!(
            levels(
                &config,
                "a.jsonl",
                &CliOverrides::default(),
                &[Code::C001, Code::C002, Code::C005, Code::J001, Code::S001]
            ),
            [
                Level::Error,
                Level::Info,
                Level::Error,
                Level::Warning,
                Level::Warning
            ]
        );
    }

    #[test]
    fn overrides_apply_by_glob_in_file_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let config = Config::parse(
            r#"
format = "openai-chat"
[rules]
C001 = "error"

[[overrides]]
files = ["legacy/**"]
rules = { C = "off", S008 = "error" }
format = "sharegpt"

[[overrides]]
files = ["*.old.jsonl"]
rules = { C001 = "info" }
"#,
            &root.join("tunelint.toml"),
        )
        .expect("valid");
        let cli = CliOverrides::default();
        let codes = [Code::C001, Code::C002, Code::S008];
        let at = |rel: &str| root.join(rel).display().to_string();

        assert_eq!(
            levels(&config, &at("data/a.jsonl"), &cli, &codes),
            [Level::Error, Level::Warning, Level::Warning]
        );
        // The override's letter is more specific than nothing, and overrides come after
        // [rules], so C001 is off in legacy/ even though [rules] names it exactly.
        assert_eq!(
            levels(&config, &at("legacy/x/a.jsonl"), &cli, &codes),
            [Level::Off, Level::Off, Level::Error]
        );
        assert_eq!(
            levels(&config, &at("legacy/b.old.jsonl"), &cli, &codes),
            [Level::Info, Level::Off, Level::Error]
        );
        assert_eq!(
            levels(&config, &at("deep/er/c.old.jsonl"), &cli, &codes),
            [Level::Info, Level::Warning, Level::Warning]
        );
        let format = |rel: &str| {
            config
                .settings_for(&root.join(rel), &cli)
                .expect("valid")
                .format
        };
        assert_eq!(format("legacy/a.jsonl"), FormatChoice::ShareGpt);
        assert_eq!(format("data/a.jsonl"), FormatChoice::OpenAiChat);
        // Outside the config root no override matches.
        let outside = absolute(&root.join("../elsewhere/legacy/a.jsonl"));
        assert_eq!(
            levels(&config, &outside.display().to_string(), &cli, &codes),
            [Level::Error, Level::Warning, Level::Warning]
        );
    }

    #[test]
    fn command_line_select_ignore_warn_and_format() {
        let config = parse("[rules]\nC001 = \"off\"\nC002 = \"error\"\n").expect("valid");
        let codes = [Code::J001, Code::C001, Code::C002, Code::C003];

        let select = CliOverrides {
            select: vec!["C00".to_owned()],
            ..CliOverrides::default()
        };
        // Selected rules keep their configured level; an off one comes back at its default.
        assert_eq!(
            levels(&config, "a.jsonl", &select, &codes),
            [Level::Off, Level::Warning, Level::Error, Level::Error]
        );

        let cli = CliOverrides {
            select: vec!["J001,content-too-long".to_owned()],
            ignore: vec!["J".to_owned()],
            warn: vec!["C002".to_owned()],
            format: Some(FormatChoice::Alpaca),
            ..CliOverrides::default()
        };
        assert_eq!(
            levels(&config, "a.jsonl", &cli, &codes),
            [Level::Off, Level::Off, Level::Warning, Level::Off]
        );
        let settings = config
            .settings_for(Path::new("a.jsonl"), &cli)
            .expect("valid");
        assert_eq!(settings.format, FormatChoice::Alpaca);
    }

    #[test]
    fn invalid_command_line_selector_has_no_location() {
        let cli = CliOverrides {
            select: vec!["C0011".to_owned()],
            ..CliOverrides::default()
        };
        let err = Config::default()
            .settings_for(Path::new("a.jsonl"), &cli)
            .expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "unknown rule selector \"C0011\" in --select; did you mean \"C001\"?"
        );
        assert!(err.path().is_none() && err.snippet().is_none());
        let cli = CliOverrides {
            ignore: vec!["J001,bogus-rule-name-xyz".to_owned()],
            ..CliOverrides::default()
        };
        assert_eq!(
            Config::default()
                .settings_for(Path::new("a.jsonl"), &cli)
                .expect_err("invalid")
                .to_string(),
            "unknown rule selector \"bogus-rule-name-xyz\" in --ignore; expected a rule code, name, code prefix or ALL"
        );
    }

    #[test]
    fn selectors_are_case_insensitive_for_codes_and_accept_future_categories() {
        let config = parse("[rules]\nc001 = \"off\"\nall = \"info\"\nP = \"error\"\nB = \"off\"\n")
            .expect("valid");
        assert_eq!(
            levels(
                &config,
                "a.jsonl",
                &CliOverrides::default(),
                &[Code::C001, Code::J001]
            ),
            [Level::Off, Level::Info]
        );
    }

    #[test]
    fn rule_options_are_applied_most_specific_last() {
        let config = parse(
            "[rules]\ncontent-too-short = { level = \"error\", min_chars = 20 }\nALL = { min_chars = 3, max_chars = 500 }\nJ008 = { max_line_bytes = 1_024 }\n",
        )
        .expect("valid");
        let settings = config
            .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
            .expect("valid");
        assert_eq!(settings.level(Code::C001), Level::Error);
        assert_eq!(
            settings.options,
            RuleOptions {
                max_line_bytes: 1024,
                min_chars: 20,
                max_chars: 500,
                max_tokens: 65_536,
            }
        );

        // `[tokens] max_per_example` is T001's limit; a `[rules]` entry overrides it.
        let config =
            parse("[tokens]\nmax_per_example = 4096\nencoding = \"cl100k_base\"\n").expect("valid");
        let settings = config
            .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
            .expect("valid");
        assert_eq!(settings.options.max_tokens, 4096);
        assert_eq!(settings.encoding, Encoding::Cl100kBase);
        let config = parse("[tokens]\nmax_per_example = 4096\n[rules]\ntoo-many-tokens = { max_per_example = 100 }\n")
            .expect("valid");
        let settings = config
            .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
            .expect("valid");
        assert_eq!(settings.options.max_tokens, 100);

        let config = parse(
            "[rules]\nC002 = { max_chars = 100 }\n[[overrides]]\nfiles = [\"big/**\"]\nrules = { C002 = { max_chars = 50000 } }\n",
        )
        .expect("valid");
        let max = |p: &str| {
            config
                .settings_for(Path::new(p), &CliOverrides::default())
                .expect("valid")
                .options
                .max_chars
        };
        assert_eq!(max("small/a.jsonl"), 100);
        assert_eq!(max("big/a.jsonl"), 50_000);
    }

    #[test]
    fn every_declared_rule_option_is_settable_from_its_documented_default() {
        for &code in Code::ALL {
            for option in code.meta().options {
                let doc = format!("v = {}", option.default);
                let value = doc
                    .parse::<toml::Table>()
                    .expect("documented default is TOML")
                    .remove("v")
                    .expect("value");
                let mut options = RuleOptions::default();
                assert_eq!(
                    set_option(&mut options, code, option.name, &value),
                    Ok(()),
                    "{} {}",
                    code.as_str(),
                    option.name
                );
                assert_eq!(
                    options,
                    RuleOptions::default(),
                    "{} {}",
                    code.as_str(),
                    option.name
                );
            }
        }
    }

    #[test]
    fn threshold_parses_counts_and_percentages() {
        assert_eq!("3".parse(), Ok(Threshold::Count(3)));
        assert_eq!("1.5%".parse(), Ok(Threshold::Percent(1.5)));
        assert_eq!(" 0% ".parse(), Ok(Threshold::Percent(0.0)));
        for bad in ["", "-1", "1.5", "abc", "101%", "%", "nan%"] {
            assert_eq!(
                bad.parse::<Threshold>(),
                Err(format!(
                    "invalid threshold {bad:?}; expected a count like 3 or a percentage like 1.5%"
                ))
            );
        }
        assert!(Threshold::Count(2).is_exceeded(3, 10));
        assert!(!Threshold::Count(3).is_exceeded(3, 10));
        assert!(Threshold::Percent(10.0).is_exceeded(2, 10));
        assert!(!Threshold::Percent(20.0).is_exceeded(2, 10));
        assert!(!Threshold::Percent(0.0).is_exceeded(0, 0));
        assert_eq!(Threshold::Percent(1.5).to_string(), "1.5%");
    }

    #[test]
    fn gates_default_then_config_then_command_line() {
        let none = CliOverrides::default();
        assert_eq!(Config::default().gates(&none), Gates::default());
        assert_eq!(
            Gates::default(),
            Gates {
                min_valid_pct: 100.0,
                max_duplicates: Threshold::Count(0),
                max_warnings: None
            }
        );
        let config =
            parse("[gates]\nmin_valid_pct = 95\nmax_duplicates = \"1%\"\nmax_warnings = 100\n")
                .expect("valid");
        assert_eq!(
            config.gates(&none),
            Gates {
                min_valid_pct: 95.0,
                max_duplicates: Threshold::Percent(1.0),
                max_warnings: Some(100)
            }
        );
        let cli = CliOverrides {
            min_valid_pct: Some(90.5),
            max_duplicates: Some(Threshold::Count(4)),
            max_warnings: Some(0),
            ..CliOverrides::default()
        };
        assert_eq!(
            config.gates(&cli),
            Gates {
                min_valid_pct: 90.5,
                max_duplicates: Threshold::Count(4),
                max_warnings: Some(0)
            }
        );
        let config = parse("[gates]\nmax_duplicates = 3\n").expect("valid");
        assert_eq!(config.gates(&none).max_duplicates, Threshold::Count(3));
    }

    #[test]
    fn exclude_is_gitignore_style_relative_to_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let config = Config::parse(
            "exclude = [\"data/raw/**\", \"*.tmp.jsonl\", \"scratch\", \"/top.jsonl\", \"cache/\", \"!data/raw/keep.jsonl\"]\n",
            &root.join("sub/tunelint.toml"),
        )
        .expect("valid");
        let base = root.join("sub");
        let excluded = |rel: &str| config.is_excluded(&base.join(rel));
        assert!(excluded("data/raw/a.jsonl"));
        assert!(excluded("data/raw/x/y.jsonl"));
        assert!(!excluded("data/raw/keep.jsonl"));
        assert!(!excluded("data/rawer/a.jsonl"));
        assert!(!excluded("other/data/raw/a.jsonl"));
        assert!(excluded("a.tmp.jsonl"));
        assert!(excluded("deep/dir/a.tmp.jsonl"));
        assert!(excluded("x/scratch/a.jsonl"));
        assert!(excluded("scratch"));
        assert!(excluded("top.jsonl"));
        assert!(!excluded("x/top.jsonl"));
        assert!(excluded("x/cache/a.jsonl"));
        assert!(!excluded("x/cache"));
        assert!(!excluded("data/train.jsonl"));
        // Outside the root (the config's directory) nothing is excluded.
        assert!(!config.is_excluded(&root.join("data/raw/a.jsonl")));
        assert!(config.is_excluded(&base.join("./data/../data/raw/a.jsonl")));
        assert_eq!(config.exclude_patterns().len(), 6);
    }

    #[test]
    fn sections_for_later_rules_parse_into_typed_values() {
        let config = parse(
            r#"
[dedup]
field = "conversation"
threshold = 0.9
[tokens]
encoding = "cl100k_base"
max_per_example = 4096
[pii]
allow = ["@acme\\.example$"]
[composition]
min_examples = 50
label_key = "kind"
tolerance = 0.05
[composition.targets]
common = 0.7
refusal = 0.3
[dataset]
goal = "domain"
[[datasets]]
name = "support"
train = ["data/train.jsonl"]
test = ["data/test.jsonl"]
[[datasets]]
train = ["b/train.jsonl"]
valid = ["b/valid.jsonl"]
"#,
        )
        .expect("valid");
        assert_eq!(
            config.dedup,
            DedupConfig {
                field: DedupField::Conversation,
                threshold: 0.9
            }
        );
        assert_eq!(
            config.tokens,
            TokensConfig {
                encoding: Encoding::Cl100kBase,
                max_per_example: 4096
            }
        );
        assert_eq!(config.pii.allow.patterns(), ["@acme\\.example$"]);
        assert!(config.pii.allow.allows("support@acme.example"));
        assert!(!config.pii.allow.allows("jane@gmail.com"));
        assert_eq!(
            config.composition,
            CompositionConfig {
                min_examples: 50,
                label_key: "kind".to_owned(),
                tolerance: 0.05,
                targets: BTreeMap::from([(ExampleKind::Common, 0.7), (ExampleKind::Refusal, 0.3)]),
            }
        );
        assert_eq!(config.dataset.goal, Some(Goal::Domain));
        assert_eq!(
            config.datasets,
            [
                DatasetGroup {
                    name: Some("support".to_owned()),
                    train: vec!["data/train.jsonl".to_owned()],
                    valid: vec![],
                    test: vec!["data/test.jsonl".to_owned()],
                },
                DatasetGroup {
                    name: None,
                    train: vec!["b/train.jsonl".to_owned()],
                    valid: vec!["b/valid.jsonl".to_owned()],
                    test: vec![],
                },
            ]
        );
    }

    #[test]
    fn pii_allow_patterns_are_compiled_once_and_reach_the_settings() {
        let config =
            parse("[pii]\nallow = [\"^jane@corp\\\\.com$\", \"^\\\\+1 415\"]\n").expect("valid");
        let settings = config
            .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
            .expect("valid");
        assert!(Arc::ptr_eq(&settings.pii_allow, &config.pii.allow));
        assert!(settings.pii_allow.allows("jane@corp.com"));
        assert!(settings.pii_allow.allows("+1 415 555 2671"));
        assert!(!settings.pii_allow.allows("bob@corp.com"));
    }

    #[test]
    fn invalid_pii_allow_pattern_is_located() {
        let err = parse("[pii]\nallow = [\"ok\", \"(unclosed\"]\n").expect_err("invalid regex");
        assert_eq!(err.line(), Some(2));
        assert_eq!(err.column(), Some(16));
        assert!(
            err.message()
                .starts_with("invalid regular expression in \"allow\": "),
            "{err}"
        );
        assert!(err.message().contains("unclosed group"), "{err}");
    }

    fn assert_defaults(config: &Config) {
        let defaults = Config::default();
        assert_eq!(config.format, defaults.format);
        assert!(config.exclude_patterns().is_empty());
        assert!(config.rules.is_empty());
        assert!(config.overrides.is_empty());
        assert_eq!(config.gates(&CliOverrides::default()), Gates::default());
        assert_eq!(config.dedup, defaults.dedup);
        assert_eq!(config.tokens, defaults.tokens);
        assert_eq!(config.pii, defaults.pii);
        assert_eq!(config.composition, defaults.composition);
        assert_eq!(config.dataset, defaults.dataset);
        assert!(config.datasets.is_empty());
    }

    #[test]
    fn starter_file_yields_the_defaults() {
        let config = parse(STARTER).expect("STARTER is valid");
        assert_defaults(&config);
        assert_eq!(
            config.settings_for(Path::new("a.jsonl"), &CliOverrides::default()),
            Ok(Settings::default())
        );
    }

    #[test]
    fn starter_file_examples_are_valid_when_uncommented() {
        // `# key = value` and `# [section]` lines are the documented defaults and examples.
        let uncommented: String = STARTER
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[')
                        || rest
                            .split_once(" = ")
                            .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' ')) =>
                {
                    rest
                }
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(uncommented.contains("\nmin_valid_pct = 100\n"));
        let config = parse(&uncommented).expect("uncommented STARTER is valid");
        assert_eq!(config.dedup, DedupConfig::default());
        assert_eq!(config.tokens, TokensConfig::default());
        assert_eq!(config.composition, CompositionConfig::default());
        assert_eq!(config.overrides.len(), 1);
        assert_eq!(config.datasets.len(), 1);
        assert_eq!(config.gates(&CliOverrides::default()).min_valid_pct, 100.0);
        assert_eq!(
            config.gates(&CliOverrides::default()).max_duplicates,
            Threshold::Count(0)
        );
        let settings = config
            .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
            .expect("valid");
        assert_eq!(settings.options, RuleOptions::default());
    }
}
