//! Configuration files: discovery, parsing with located errors, and resolution into per-file
//! [`Settings`] together with the command line.
//!
//! A file is read with serde into the types of [`file`] (`deny_unknown_fields`, spans kept
//! where a later check points at a value); what serde cannot check alone — rule selectors and
//! each rule's options (`selectors`), globs (`globs`), regular expressions — is checked
//! here. Every error carries the line and column of the offending key or value, the TOML line
//! itself and a did-you-mean, like ruff and cargo do (`error`).

mod contamination;
mod datasets;
mod discovery;
mod error;
mod file;
mod gates;
mod globs;
mod selectors;
mod starter;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

use self::discovery::{absolute, display_path, is_pyproject, tool_table};
pub use self::discovery::{discover, load};
pub use self::error::ConfigError;
pub use self::gates::{Gates, Threshold, parse_percent};
pub use self::starter::{STARTER, starter};

use self::error::{Document, ErrorLocation};
use self::file::{CompositionFile, Element, FileConfig, OverrideFile, Strings, TableArray};
use self::globs::Globs;
use self::selectors::{
    RuleEntry, Selector, apply_entries, cli_selectors, entry_levels, option_sources,
    option_written, options_named, rule_entries, set_options,
};
use crate::composition::{CompositionConfig, Goal};
use crate::rule::Level;
use crate::rules::{Code, RULES};
use crate::settings::{
    ConfiguredOptions, DedupConfig, Encoding, FormatChoice, Overflow, PiiAllow, Settings,
};
use crate::target::TargetChoice;

/// The rules that say a line or a file cannot be read (not JSON, not an object, not UTF-8,
/// larger than the limit; a byte-order mark, an LFS pointer, not JSON Lines): on whatever
/// `--select` names, so what was not read is never counted as a valid example.
pub const UNREADABLE: [Code; 7] = [
    Code::J001,
    Code::J002,
    Code::J004,
    Code::J005,
    Code::J006,
    Code::J007,
    Code::J008,
];

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
    /// `--target`: over the config's `target`, for every file.
    pub target: Option<TargetChoice>,
}

impl CliOverrides {
    /// Checks the rule selectors of `--select`, `--ignore` and `--warn`, so that a typo is
    /// the error a run reports, before it looks for files.
    pub fn check_selectors(&self) -> Result<(), ConfigError> {
        cli_selectors(&self.select, "--select")?;
        cli_selectors(&self.ignore, "--ignore")?;
        cli_selectors(&self.warn, "--warn")?;
        Ok(())
    }
}

/// `[tokens]`: token counting (T001-T003).
#[derive(Clone, Debug, PartialEq)]
pub struct TokensConfig {
    pub encoding: Encoding,
    /// T001's `max_per_example` for every file; a `[rules]` entry overrides it. `None`: the
    /// target's limit, else the rule's default.
    pub max_per_example: Option<u64>,
    /// `tokenizer` (with `chat_template`): the open-weight model, loaded when the config is
    /// read, once for every file.
    pub model: Option<Arc<crate::tokens::hf::Model>>,
    /// Where the trainer cuts an example, and what it does with a longer one.
    pub max_length: Option<u64>,
    pub overflow: Overflow,
}

impl Default for TokensConfig {
    fn default() -> Self {
        TokensConfig {
            encoding: Encoding::O200kBase,
            max_per_example: None,
            model: None,
            max_length: None,
            overflow: Overflow::Truncate,
        }
    }
}

/// `[pii]`: privacy rules (P001–P006).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PiiConfig {
    /// Regular expressions of known-safe matches, compiled when the config is read.
    pub allow: Arc<PiiAllow>,
}

/// One `[[datasets]]` entry: files of one dataset by split, for the split-leak check (D003).
/// Paths are as written, relative to [`Config::root`]; each names a file, and no file is in
/// two splits (checked when the config is read).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DatasetGroup {
    pub name: Option<String>,
    pub train: Vec<String>,
    pub valid: Vec<String>,
    pub test: Vec<String>,
}

impl Default for Settings {
    /// Every rule at its declared level (capped for no target, `crate::rules::cap_by_target`)
    /// with its default options. Implemented here because
    /// the configuration knows the rules and `crate::settings` does not.
    fn default() -> Self {
        let mut settings = Settings {
            levels: RULES.iter().map(|r| r.default_level).collect(),
            chosen_levels: vec![false; RULES.len()],
            rule_options: ConfiguredOptions::default(),
            format: FormatChoice::Auto,
            format_source: None,
            dedup: DedupConfig::default(),
            pii_allow: Arc::default(),
            encoding: Encoding::default(),
            token_stats: false,
            evaluation_split: false,
            model: None,
            overflow: Overflow::Truncate,
            target: None,
            option_sources: Vec::new(),
            target_token_limit: None,
            goal: None,
            composition: Arc::default(),
            declared: None,
            contamination: crate::contamination::Benchmarks::builtin(),
        };
        // No target: the rules that depend on one are capped accordingly (S013 is off).
        crate::rules::cap_by_target(&mut settings);
        settings
    }
}

/// One `[[overrides]]` entry.
#[derive(Clone, Debug)]
struct Override {
    files: Globs,
    rules: Vec<RuleEntry>,
    format: Option<FormatChoice>,
    /// The line of the entry's `files`, to say which entry set the format.
    line: usize,
    target: Option<TargetChoice>,
}

/// A loaded configuration, or the defaults.
#[derive(Clone, Debug)]
pub struct Config {
    /// The config file, as shown in messages; `None` for the defaults.
    path: Option<PathBuf>,
    /// Absolute directory globs are relative to.
    root: PathBuf,
    pub format: FormatChoice,
    /// `target`: what the data will be trained with; `[[overrides]]` may change it per file.
    pub target: TargetChoice,
    exclude: Globs,
    /// More files to lint when a directory is walked (`.json` arrays, say).
    include: Globs,
    /// `respect_gitignore`: whether a walk leaves out what `.gitignore`, `.ignore` and git's
    /// excludes ignore (true unless set false; `--no-respect-gitignore` on the command line).
    pub respect_gitignore: bool,
    /// Sorted least specific first; equally specific entries keep their file order.
    rules: Vec<RuleEntry>,
    min_valid_pct: Option<f64>,
    max_duplicates: Option<Threshold>,
    max_warnings: Option<u64>,
    overrides: Vec<Override>,
    pub dedup: DedupConfig,
    pub tokens: TokensConfig,
    pub pii: PiiConfig,
    pub datasets: Vec<DatasetGroup>,
    /// `[dataset] goal`.
    pub goal: Option<Goal>,
    /// `[composition]`.
    pub composition: Arc<CompositionConfig>,
    /// `[contamination]`: the benchmarks D004 checks against, read when the config is.
    pub contamination: Arc<crate::contamination::Benchmarks>,
    /// Settings that are valid but have no effect as written, in file order: said on
    /// standard error, never an error.
    pub warnings: Vec<ConfigError>,
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
            target: TargetChoice::default(),
            exclude: Globs::default(),
            include: Globs::default(),
            respect_gitignore: true,
            rules: Vec::new(),
            min_valid_pct: None,
            max_duplicates: None,
            max_warnings: None,
            overrides: Vec::new(),
            dedup: DedupConfig::default(),
            tokens: TokensConfig::default(),
            pii: PiiConfig::default(),
            datasets: Vec::new(),
            goal: None,
            composition: Arc::default(),
            contamination: crate::contamination::Benchmarks::builtin(),
            warnings: Vec::new(),
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
        let table = DeTable::parse(text).map_err(|e| doc.syntax(&e))?;
        let (file, prefix) = if is_pyproject(path) {
            let Some(tool) = tool_table(&doc, table)? else {
                let message = "no [tool.tunelint] table".to_owned();
                return Err(ConfigError::in_file(&shown, message));
            };
            let de = toml::de::ValueDeserializer::from(tool);
            (FileConfig::deserialize(de), "tool.tunelint.")
        } else {
            let de = toml::de::Deserializer::from(table);
            (FileConfig::deserialize(de), "")
        };
        let file = file.map_err(|e| doc.serde_error(&e))?;
        let mut config = Config::empty(Some(shown.clone()), root);
        config.read(&doc, file, prefix)?;
        Ok(config)
    }

    /// Takes in what serde read, checking what needs more than its type. When several
    /// values are wrong, the first in the file is reported.
    fn read(
        &mut self,
        doc: &Document<'_>,
        file: FileConfig,
        prefix: &str,
    ) -> Result<(), ConfigError> {
        let mut first: Option<ConfigError> = None;
        let mut note = |result: Result<(), ConfigError>| {
            if let Err(e) = result {
                let at = |e: &ConfigError| (e.line(), e.column());
                if first.as_ref().is_none_or(|f| at(&e) < at(f)) {
                    first = Some(e);
                }
            }
        };
        if let (Some(format), Some(target)) = (&file.format, &file.target)
            && let Some(message) = format_unread(format.get_ref().0, target.get_ref().0)
        {
            self.warnings.push(doc.error(format.span(), message));
        }
        if let Some(choice) = file.format {
            self.format = choice.into_inner().0;
        }
        if let Some(choice) = file.target {
            self.target = choice.into_inner().0;
        }
        if let Some(exclude) = file.exclude {
            note(globs(doc, &self.root, "exclude", &exclude).map(|g| self.exclude = g));
        }
        if let Some(include) = file.include {
            note(globs(doc, &self.root, "include", &include).map(|g| self.include = g));
        }
        if let Some(respect) = file.respect_gitignore {
            self.respect_gitignore = respect;
        }
        if let Some(table) = file.rules {
            let context = format!("[{prefix}rules]");
            note(rule_entries(doc, &table, &context).map(|r| self.rules = r));
        }
        if let Some(file::Table(gates)) = file.gates {
            self.min_valid_pct = gates.min_valid_pct;
            self.max_duplicates = gates.max_duplicates;
            self.max_warnings = gates.max_warnings;
        }
        if let Some(file::Table(dedup)) = file.dedup {
            self.dedup.field = dedup.field.map_or(self.dedup.field, |c| c.0);
            self.dedup.threshold = dedup.threshold.unwrap_or(self.dedup.threshold);
            self.dedup.ignore_template =
                dedup.ignore_template.unwrap_or(self.dedup.ignore_template);
        }
        // Where `[tokens]` sets the two limits, for the warning below.
        let (mut per_example_at, mut length_at) = (None, None);
        if let Some(file::Table(tokens)) = file.tokens {
            if let (Some(encoding), Some(_)) = (&tokens.encoding, &tokens.tokenizer) {
                self.warnings.push(doc.error(
                    encoding.span(),
                    "`encoding` is not used: with `tokenizer` set, tokens are counted with the \
                     model's tokenizer"
                        .to_owned(),
                ));
            }
            if let (Some(overflow), None) = (&tokens.overflow, &tokens.max_length) {
                self.warnings.push(
                    doc.error(
                        overflow.span(),
                        "`overflow` has no effect without `max_length`, the trainer's length it \
                     applies to"
                            .to_owned(),
                    ),
                );
            }
            self.tokens.encoding = tokens
                .encoding
                .map_or(self.tokens.encoding, |c| c.into_inner().0);
            if let Some(max) = tokens.max_per_example {
                per_example_at = Some(max.span());
                self.tokens.max_per_example = Some(max.into_inner().0);
            }
            if let Some(max) = tokens.max_length {
                length_at = Some(max.span());
                self.tokens.max_length = Some(max.into_inner().0);
            }
            self.tokens.overflow = tokens
                .overflow
                .map_or(self.tokens.overflow, |c| c.into_inner().0);
            match (tokens.tokenizer, tokens.chat_template) {
                (Some(tokenizer), template) => {
                    let model = load_model(doc, &self.root, &tokenizer, template.as_ref());
                    note(model.map(|m| self.tokens.model = Some(Arc::new(m))));
                }
                (None, Some(template)) => note(Err(doc.error(
                    template.span(),
                    "a chat template needs its tokenizer: set [tokens] tokenizer too".to_string(),
                ))),
                (None, None) => {}
            }
        }
        if let Some(file::Table(dataset)) = file.dataset {
            self.goal = dataset.goal.map(|c| c.0);
        }
        if let Some(file::Table(composition)) = file.composition {
            note(read_composition(doc, composition).map(|c| self.composition = Arc::new(c)));
        }
        if let Some(file::Table(contamination)) = file.contamination {
            let read = contamination::read(doc, &self.root, contamination);
            note(read.map(|b| self.contamination = b));
        }
        if let Some(allow) = file.pii.and_then(|pii| pii.0.allow) {
            note(pii_allow(doc, &allow).map(|a| self.pii.allow = Arc::new(a)));
        }
        let context = format!("[[{prefix}overrides]]");
        for entry in tables(doc, "overrides", file.overrides, &context) {
            let over = entry.and_then(|(table, _)| read_override(doc, &self.root, table, &context));
            note(over.map(|o| self.overrides.push(o)));
        }
        let context = format!("[[{prefix}datasets]]");
        let mut groups = Vec::new();
        for entry in tables(doc, "datasets", file.datasets, &context) {
            let group = entry.and_then(|(table, _)| datasets::read(doc, table));
            note(group.map(|g| groups.push(g)));
        }
        note(datasets::check(doc, &self.root, &context, &groups));
        self.datasets = groups.into_iter().map(datasets::Written::group).collect();
        self.warn_unused_max_per_example(doc, per_example_at, length_at);
        self.warnings.sort_by_key(|w| (w.line(), w.column()));
        first.map_or(Ok(()), Err)
    }

    /// Warns about each `max_per_example` (T001's limit, in `[tokens]`, `[rules]` or
    /// `[[overrides]]`) where `max_length` (`[tokens]`, or T002's or T003's in `[rules]`) is
    /// set too: T001 then judges an example by the trainer's length instead
    /// (`Settings::token_limit`), so the limit the user wrote would do nothing for T001, and
    /// nothing would say so. An override that sets a `max_length` of 0 (none) for some files
    /// gives the limit back to them: then nothing is said.
    fn warn_unused_max_per_example(
        &mut self,
        doc: &Document<'_>,
        per_example_at: Option<Range<usize>>,
        length_at: Option<Range<usize>>,
    ) {
        let lengths = |entries: &[RuleEntry], set: bool| {
            options_named(entries, "max_length")
                .filter(move |(value, _)| (value.as_integer() != Some(0)) == set)
                .map(|(_, at)| at.line)
                .next()
        };
        if self
            .overrides
            .iter()
            .any(|o| lengths(&o.rules, false).is_some())
        {
            return;
        }
        let everywhere = length_at
            .map(|span| error::locate(doc.text, span).line)
            .or_else(|| lengths(&self.rules, true));
        let message = |line: usize| {
            format!(
                "`max_per_example` is not T001's limit here: with `max_length` set (line \
                 {line}), T001 reports the examples longer than `max_length`, the trainer's \
                 cut; `max_per_example` only caps the billed tokens of the statistics"
            )
        };
        let mut unused: Vec<(ErrorLocation, usize)> = Vec::new();
        if let Some(line) = everywhere {
            if let Some(span) = per_example_at {
                unused.push((error::locate(doc.text, span), line));
            }
            for (_, at) in options_named(&self.rules, "max_per_example") {
                unused.push((at.clone(), line));
            }
        }
        for over in &self.overrides {
            if let Some(line) = lengths(&over.rules, true).or(everywhere) {
                for (_, at) in options_named(&over.rules, "max_per_example") {
                    unused.push((at.clone(), line));
                }
            }
        }
        for (at, line) in unused {
            self.warnings
                .push(ConfigError::at(doc.path, at, message(line)));
        }
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
        self.exclude.patterns()
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
            || self.is_benchmark(path)
    }

    /// Whether `path` is one of the `[contamination] benchmarks` files: an evaluation set,
    /// not training data, which a walk leaves out (it would be D004 of itself, and the other
    /// rules would judge a test set as examples to train on).
    pub fn is_benchmark(&self, path: &Path) -> bool {
        let files = self.contamination.files();
        if files.is_empty() {
            return false;
        }
        let name = path.file_name();
        files.iter().any(|f| {
            f.file_name() == name
                && match (std::fs::canonicalize(f), std::fs::canonicalize(path)) {
                    (Ok(a), Ok(b)) => a == b,
                    _ => false,
                }
        })
    }

    /// Whether `include` matches `path`: a file a directory walk lints besides the
    /// `*.jsonl` and `*.ndjson` files.
    pub fn is_included(&self, path: &Path) -> bool {
        !self.include.patterns().is_empty()
            && self
                .relative(path)
                .is_some_and(|rel| !rel.as_os_str().is_empty() && self.include.is_match(&rel))
    }

    /// The settings for one file: rule defaults, then `[rules]` (least specific selector
    /// first), then each matching `[[overrides]]` in file order, then the command line; a
    /// rule an override turns off for the file stays off whatever the command line selects.
    pub fn settings_for(&self, path: &Path, cli: &CliOverrides) -> Result<Settings, ConfigError> {
        let mut settings = Settings {
            // The declared levels, uncapped: the target is settled below, and capped for.
            levels: RULES.iter().map(|r| r.default_level).collect(),
            format: self.format,
            format_source: (self.format != FormatChoice::Auto)
                .then(|| "the configuration's `format`".to_owned()),
            target: self.target.0,
            dedup: self.dedup.clone(),
            pii_allow: Arc::clone(&self.pii.allow),
            encoding: self.tokens.encoding,
            model: self.tokens.model.clone(),
            overflow: self.tokens.overflow,
            goal: self.goal,
            composition: Arc::clone(&self.composition),
            contamination: Arc::clone(&self.contamination),
            ..Settings::default()
        };
        let mut options = vec![toml::Table::new(); Code::ALL.len()];
        // `[tokens] max_per_example` is T001's option for every file; `[rules]` may override it.
        if let Some(max) = self.tokens.max_per_example {
            let max_tokens = i64::try_from(max).unwrap_or(i64::MAX);
            options[Code::T001.index()].insert("max_per_example".to_owned(), max_tokens.into());
        }
        // `[tokens] max_length` is T002's and T003's option, which T001 and the statistics
        // read too.
        if let Some(max_length) = self.tokens.max_length {
            let max_length = i64::try_from(max_length).unwrap_or(i64::MAX);
            for code in [Code::T002, Code::T003] {
                options[code.index()].insert("max_length".to_owned(), max_length.into());
            }
        }
        apply_entries(&self.rules, &mut settings, &mut options);
        // Where options come from, for the messages that name a limit (T001's): `[tokens]`
        // when nothing else is said.
        settings.option_sources =
            option_sources(&self.rules, |key, name, _| format!("rules.{key}.{name}"));
        // The rules an `[[overrides]]` entry turns off for this file (the last matching
        // entry to set a rule's level decides): ruff's per-file-ignores, which a command-line
        // `--select` (even `ALL`) does not turn back on.
        let mut off_here = vec![false; Code::ALL.len()];
        let mut matching: Vec<&Override> = Vec::new();
        if !self.overrides.is_empty()
            && let Some(rel) = self.relative(path)
        {
            for over in &self.overrides {
                if over.files.is_match(&rel) {
                    matching.push(over);
                    for (code, level) in entry_levels(&over.rules) {
                        off_here[code.index()] = level == Level::Off;
                    }
                    apply_entries(&over.rules, &mut settings, &mut options);
                    settings
                        .option_sources
                        .extend(option_sources(&over.rules, |key, name, at| {
                            format!("[[overrides]] rules.{key}.{name}, line {}", at.line)
                        }));
                    if let Some(format) = over.format {
                        settings.format = format;
                        // `auto` sets nothing: the format is detected.
                        settings.format_source = (format != FormatChoice::Auto).then(|| {
                            format!("`format` in the [[overrides]] entry at line {}", over.line)
                        });
                    }
                    if let Some(target) = over.target {
                        settings.target = target.0;
                    }
                }
            }
        }
        // Unless configured, T001's limit is the target's where it has one (the command
        // line's target is the file's, set below).
        let target = cli.target.map_or(settings.target, |t| t.0);
        if !options[Code::T001.index()].contains_key("max_per_example")
            && let Some(limit) = target.and_then(|t| t.max_tokens)
        {
            let max_tokens = i64::try_from(limit.value.tokens).unwrap_or(i64::MAX);
            options[Code::T001.index()].insert("max_per_example".to_owned(), max_tokens.into());
            let from = limit.value.what.to_owned();
            (settings.option_sources).push((Code::T001, "max_per_example", from));
            settings.target_token_limit = Some(limit.value);
        }
        set_options(options, &mut settings)?;
        let select = cli_selectors(&cli.select, "--select")?;
        let ignore = cli_selectors(&cli.ignore, "--ignore")?;
        let warn = cli_selectors(&cli.warn, "--warn")?;
        // As in the configuration, the most specific selector wins (`--ignore ALL --select
        // O003` lints O003 alone); between --select and --ignore at one specificity, --ignore.
        // --warn lowers a rule that is on to a warning, unless a more specific --ignore turns
        // it off; it turns no rule on (--select does).
        let most = |selectors: &[Selector], code: Code| {
            selectors
                .iter()
                .filter(|s| s.matches(code))
                .map(Selector::specificity)
                .max()
        };
        for &code in Code::ALL {
            let level = &mut settings.levels[code.index()];
            let (selected, ignored) = (most(&select, code), most(&ignore, code));
            match (selected, ignored) {
                (_, Some(i)) if selected.is_none_or(|s| i >= s) => *level = Level::Off,
                (Some(_), _) => {
                    if *level == Level::Off {
                        // Selecting a rule that is off turns it on, at its usual level if it
                        // has one.
                        *level = match code.meta().default_level {
                            Level::Off => Level::Warning,
                            default => default,
                        };
                    }
                }
                // What keeps a line or a file from being read at all is not a judgement a
                // selection narrows (as ruff reports syntax errors whatever is selected): a
                // line that is not a record would count as a valid example, and a binary file
                // as a file of examples. `--ignore` turns them off, by name.
                (None, _) if !select.is_empty() && !UNREADABLE.contains(&code) => {
                    *level = Level::Off
                }
                (None, _) => {}
            }
            if let Some(w) = most(&warn, code)
                && *level != Level::Off
                && ignored.is_none_or(|i| w > i)
            {
                // Lowers: an info rule stays info (`--warn J` must not make J009's missing
                // newline count against `max_warnings`).
                *level = (*level).min(Level::Warning);
                settings.chosen_levels[code.index()] = true;
            }
            // Per-file exemptions apply after the selection, as ruff applies its
            // per-file-ignores: `--select ALL` in CI must not fail the legacy files the
            // configuration exempts. An override that sets another level is kept above.
            if off_here[code.index()] {
                *level = Level::Off;
            }
        }
        if let Some(format) = cli.format {
            settings.format = format;
        }
        if let Some(target) = cli.target {
            settings.target = target.0;
        }
        // A benchmark file named on its own is linted, but not against itself.
        if self.is_benchmark(path) {
            settings.levels[Code::D004.index()] = Level::Off;
        }
        crate::rules::cap_by_target(&mut settings);
        self.check_lengths(&settings, &matching)?;
        Ok(settings)
    }

    /// Refuses a `min_chars` of C001 above the `max_chars` of C002 when both rules run on a
    /// file (after the command line's selection): every message would be too short or too
    /// long, which is a typo, not a policy. The error points at the option that was set
    /// last, and names the other's line.
    fn check_lengths(
        &self,
        settings: &Settings,
        matching: &[&Override],
    ) -> Result<(), ConfigError> {
        use crate::rules::content::{content_too_long, content_too_short};
        let min = settings
            .options::<content_too_short::Options>(Code::C001)
            .min_chars;
        let max = settings
            .options::<content_too_long::Options>(Code::C002)
            .max_chars;
        if !(settings.enabled(Code::C001) && settings.enabled(Code::C002) && min > max) {
            return Ok(());
        }
        // Where each value was written: `[rules]`, then the overrides in file order, the
        // last one to set it winning as it does for the value.
        let written = |code: Code, name: &str| {
            std::iter::once(&self.rules[..])
                .chain(matching.iter().map(|o| &o.rules[..]))
                .filter_map(|entries| option_written(entries, code, name))
                .next_back()
        };
        let (min_at, max_at) = (
            written(Code::C001, "min_chars"),
            written(Code::C002, "max_chars"),
        );
        let other = |at: Option<&ErrorLocation>| match at {
            Some(at) => format!("line {}", at.line),
            None => "its default".to_owned(),
        };
        let message = |min_note: String, max_note: String| {
            format!(
                "content-too-short's min_chars ({min}{min_note}) is above content-too-long's max_chars ({max}{max_note}): every message would be reported by one or the other; lower min_chars or raise max_chars"
            )
        };
        let shown = self
            .path()
            .map_or_else(|| PathBuf::from("the configuration"), display_path);
        // Point at the later of the two in the file; name where the other is.
        Err(match (min_at, max_at) {
            (Some(a), Some(b)) if (a.line, a.column) > (b.line, b.column) => ConfigError::at(
                &shown,
                a.clone(),
                message(String::new(), format!(", {}", other(Some(b)))),
            ),
            (_, Some(b)) => ConfigError::at(
                &shown,
                b.clone(),
                message(format!(", {}", other(min_at)), String::new()),
            ),
            (Some(a), None) => ConfigError::at(
                &shown,
                a.clone(),
                message(String::new(), format!(", {}", other(None))),
            ),
            (None, None) => ConfigError::in_file(&shown, message(String::new(), String::new())),
        })
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

/// The strings of the array `key`, each with its span.
fn strings(
    doc: &Document<'_>,
    key: &str,
    list: &Strings,
) -> Result<Vec<Spanned<String>>, ConfigError> {
    list.0
        .iter()
        .map(|item| match item.get_ref() {
            Some(s) => Ok(Spanned::new(item.span(), s.clone())),
            None => Err(doc.invalid(item.span(), key, "expected a string")),
        })
        .collect()
}

/// The tables of the array of tables `key`, each with the span of its header.
fn tables<T>(
    doc: &Document<'_>,
    key: &str,
    array: Option<TableArray<T>>,
    context: &str,
) -> Vec<Result<(T, Range<usize>), ConfigError>> {
    let items = array.map(|a| a.0).unwrap_or_default();
    let expected = format!("expected an array of tables ({context})");
    let table = |item: Spanned<Element<T>>| {
        let span = item.span();
        match item.into_inner() {
            Element::Table(table) => Ok((table, span)),
            Element::Other => Err(doc.invalid(span, key, &expected)),
        }
    };
    items.into_iter().map(table).collect()
}

fn globs(
    doc: &Document<'_>,
    root: &Path,
    key: &str,
    patterns: &Strings,
) -> Result<Globs, ConfigError> {
    let patterns = strings(doc, key, patterns)?;
    Globs::new(root, &patterns).map_err(|(span, message)| doc.error(span, message))
}

fn pii_allow(doc: &Document<'_>, allow: &Strings) -> Result<PiiAllow, ConfigError> {
    let items = strings(doc, "allow", allow)?;
    let patterns = items.iter().map(|p| p.get_ref().clone()).collect();
    PiiAllow::new(patterns).map_err(|(index, why)| {
        let span = items.get(index).map(Spanned::span).unwrap_or_default();
        if why.starts_with("it matches the empty string") {
            return doc.error(span, format!("pattern in \"allow\" not accepted: {why}"));
        }
        // The regex error spans several lines; its last says what is wrong.
        let why = why.lines().last().unwrap_or_default().trim();
        let why = why.strip_prefix("error: ").unwrap_or(why);
        doc.error(
            span,
            format!("invalid regular expression in \"allow\": {why}"),
        )
    })
}

/// Loads `[tokens] tokenizer` (and `chat_template`), paths relative to the config file's
/// directory `root`; an error points at the value whose file is missing or wrong.
fn load_model(
    doc: &Document<'_>,
    root: &Path,
    tokenizer: &Spanned<file::Text>,
    template: Option<&Spanned<file::Text>>,
) -> Result<crate::tokens::hf::Model, ConfigError> {
    let tokenizer_path = absolute(&root.join(&tokenizer.get_ref().0));
    let template_path = template.map(|t| absolute(&root.join(&t.get_ref().0)));
    if let (Some(t), Some(path)) = (template, &template_path)
        && !path.is_file()
    {
        let message = format!(
            "no chat template at {}; tunelint never downloads one: point at a Jinja file on disk",
            display_path(path).display()
        );
        return Err(doc.error(t.span(), message));
    }
    let shown = |p: &Path| display_path(p).display().to_string();
    let files = crate::tokens::hf::ModelFiles {
        tokenizer: &tokenizer_path,
        chat_template: template_path.as_deref(),
        shown: &shown,
    };
    crate::tokens::hf::Model::load(&files).map_err(|message| {
        // A template that does not compile is the template's fault, not the tokenizer's.
        let span = match template {
            Some(t) if message.starts_with("chat template") => t.span(),
            _ => tokenizer.span(),
        };
        doc.error(span, message)
    })
}

/// `[composition]`, over the defaults: the targets must still add up to 100 percent and the
/// label key must name something.
fn read_composition(
    doc: &Document<'_>,
    file: CompositionFile,
) -> Result<CompositionConfig, ConfigError> {
    let mut config = CompositionConfig::default();
    if let Some(targets) = file.targets {
        let span = targets.span();
        let t = targets.into_inner().0;
        for (slot, value) in [t.common, t.edge, t.clarification, t.refusal]
            .into_iter()
            .enumerate()
        {
            if let Some(v) = value {
                config.targets[slot] = v;
            }
        }
        let sum: f64 = config.targets.iter().sum();
        if (sum - 100.0).abs() > 0.01 {
            let shares = crate::composition::Category::ALL
                .iter()
                .map(|c| format!("{} {}", c.as_str(), config.target(*c)))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(doc.error(
                span,
                format!("composition targets add up to {sum}%, not 100% ({shares}; a target left out keeps its default)"),
            ));
        }
    }
    config.tolerance = file.tolerance.unwrap_or(config.tolerance);
    config.min_examples = file.min_examples.unwrap_or(config.min_examples);
    if let Some(key) = file.label_key {
        let span = key.span();
        let key = key.into_inner().0;
        if key.trim().is_empty() {
            return Err(doc.error(
                span,
                "label_key is empty; expected the name of a top-level key such as \"category\""
                    .to_owned(),
            ));
        }
        config.label_key = Some(key);
    }
    Ok(config)
}

fn read_override(
    doc: &Document<'_>,
    root: &Path,
    entry: OverrideFile,
    context: &str,
) -> Result<Override, ConfigError> {
    if entry.files.get_ref().0.is_empty() {
        return Err(doc.invalid(entry.files.span(), "files", "expected at least one glob"));
    }
    let files = globs(doc, root, "files", entry.files.get_ref())?;
    let rules = match &entry.rules {
        Some(table) => rule_entries(doc, table, &format!("{context} rules"))?,
        None => Vec::new(),
    };
    Ok(Override {
        files,
        rules,
        format: entry.format.map(|c| c.0),
        // The line of the entry's `[[overrides]]` header (no other table header between it
        // and the entry's `files`), else of its `files` (an inline table has no header).
        line: {
            let files = entry.files.span();
            let before = &doc.text[..files.start];
            // A header starts its line (a comment may name one).
            let header = before
                .match_indices("[[overrides]]")
                .map(|(at, _)| at)
                .filter(|&at| {
                    let line_start = before[..at].rfind('\n').map_or(0, |i| i + 1);
                    before[line_start..at].trim().is_empty()
                })
                .last()
                .filter(|&at| !before[at + 1..].contains("\n["));
            error::locate(doc.text, header.map_or(files, |at| at..at + 1)).line
        },
        target: entry.target.map(|c| c.0),
    })
}

/// The warning for a `format` the file's own `target` does not read: every record would be
/// S014, which is more likely a slip in the configuration than in the data.
fn format_unread(format: FormatChoice, target: TargetChoice) -> Option<String> {
    let target = target.0?;
    if format == FormatChoice::Auto || target.accepts(format.read_as().as_str()) {
        return None;
    }
    Some(format!(
        "`format = \"{}\"` is not a format {} reads, so every record will be S014; {} \
         accepts {}",
        format.as_str(),
        target.title,
        target.name,
        crate::target::list(target.formats.value)
    ))
}
