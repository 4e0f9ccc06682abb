//! Rule selectors (`C001`, `content-too-short`, `C`, `C0`, `ALL`) in `[rules]` and on the
//! command line, and what a `[rules]` entry sets: a level, and options that each matched
//! rule's own serde struct reads (`RuleMeta::parse_options`).

use std::ops::Range;

use toml::Spanned;

use super::error::{ConfigError, Document, ErrorLocation, closest, locate};
use super::file::{RuleTable, RuleValue};
use crate::rule::{Category, Level};
use crate::rules::{Code, RULES, lookup};
use crate::settings::Settings;

const LEVEL_NAMES: &str = "off, info, warning, error";

/// What a `[rules]` key or a `--select` value names.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Selector {
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
    pub(super) fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Prefix(p) => p.len(),
            Selector::Rule(_) => usize::MAX,
        }
    }

    pub(super) fn matches(&self, code: Code) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(p) => code.as_str().starts_with(p.as_str()),
            Selector::Rule(c) => *c == code,
        }
    }

    pub(super) fn codes(&self) -> impl Iterator<Item = Code> + '_ {
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
    // One character wrong in a code ("D0O1") means that code, though a shorter prefix
    // ("D0") shares more of its start. (Not in a selector of one to three characters: every
    // category letter is one character off any other.)
    let typed = selector.to_lowercase();
    let one_off = candidates.iter().find(|c| {
        selector.len() >= 4
            && c.len() == selector.len()
            && strsim::levenshtein(&typed, &c.to_lowercase()) == 1
    });
    match one_off
        .map(String::as_str)
        .or_else(|| closest(selector, candidates.iter().map(String::as_str)))
    {
        Some(s) => format!("unknown rule selector {selector:?} in {context}; did you mean {s:?}?"),
        None => format!(
            "unknown rule selector {selector:?} in {context}; expected a rule code, name, code prefix or ALL"
        ),
    }
}

/// One `[rules]` entry: a level and/or options for the rules a selector matches.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct RuleEntry {
    selector: Selector,
    /// The selector as written, to name where an option comes from.
    key: String,
    level: Option<Level>,
    /// Option values as written, each accepted by every matched rule that has the option,
    /// with where its key is, for a check of two options together.
    options: Vec<(&'static str, toml::Value, ErrorLocation)>,
}

/// The entries of a `[rules]` table, sorted least specific first (stable, so equally specific
/// entries such as a code and its name keep their file order). `context` names the table in
/// messages: `[rules]`, `[[overrides]] rules`.
pub(super) fn rule_entries(
    doc: &Document<'_>,
    table: &RuleTable,
    context: &str,
) -> Result<Vec<RuleEntry>, ConfigError> {
    let mut written: Vec<_> = table.0.iter().collect();
    written.sort_by_key(|(key, _)| key.span().start);
    let mut out: Vec<RuleEntry> = Vec::new();
    // The key each rule was named by, for a second name of it: the level or option both set
    // would depend on the order of the lines.
    let mut named: Vec<(Code, &str)> = Vec::new();
    for (key, value) in written {
        let name = key.get_ref();
        let selector = Selector::parse(name)
            .ok_or_else(|| doc.error(key.span(), unknown_selector_message(name, context)))?;
        let mut entry = RuleEntry {
            selector,
            key: name.clone(),
            level: None,
            options: Vec::new(),
        };
        match value.get_ref() {
            RuleValue::Level(level) => {
                entry.level = Some(parse_level(doc, name, level, value.span())?);
            }
            RuleValue::Table(options) => read_options(doc, name, options, &mut entry)?,
        }
        if let Selector::Rule(code) = entry.selector {
            if let Some((_, first)) = named.iter().find(|(c, _)| *c == code) {
                let earlier = out
                    .iter()
                    .find(|e| e.selector == Selector::Rule(code))
                    .expect("an entry per name");
                let both = if entry.level.is_some() && earlier.level.is_some() {
                    Some("its level".to_owned())
                } else {
                    entry
                        .options
                        .iter()
                        .find(|(o, ..)| earlier.options.iter().any(|(e, ..)| e == o))
                        .map(|(o, ..)| format!("its option `{o}`"))
                };
                if let Some(both) = both {
                    return Err(doc.error(
                        key.span(),
                        format!(
                            "{context}: {name:?} and {first:?} are one rule ({} {}) and both set {both}; which one wins would depend on the order of the lines: keep one",
                            code.as_str(),
                            code.meta().name
                        ),
                    ));
                }
            }
            named.push((code, name));
        }
        out.push(entry);
    }
    out.sort_by_key(|e| e.selector.specificity());
    Ok(out)
}

fn parse_level(
    doc: &Document<'_>,
    selector: &str,
    level: &str,
    span: Range<usize>,
) -> Result<Level, ConfigError> {
    Level::parse(level).ok_or_else(|| {
        let message = match closest(level, ["off", "info", "warning", "error"]) {
            Some(near) => {
                format!("invalid level {level:?} for {selector:?}; did you mean {near:?}?")
            }
            None => {
                format!("invalid level {level:?} for {selector:?}; expected one of {LEVEL_NAMES}")
            }
        };
        doc.error(span, message)
    })
}

/// `C001 = { level = "warning", min_chars = 20 }`: the options are those of the rules the
/// selector matches, each checked by the rule's own options struct so the error is here and
/// not when a file is linted.
fn read_options(
    doc: &Document<'_>,
    selector: &str,
    table: &[(Spanned<String>, Spanned<toml::Value>)],
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
    let mut written: Vec<_> = table.iter().collect();
    written.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in written {
        let k = key.get_ref().as_str();
        if k == "level" {
            let toml::Value::String(level) = value.get_ref() else {
                let why = format!("expected one of {LEVEL_NAMES}");
                return Err(doc.invalid(value.span(), selector, &why));
            };
            entry.level = Some(parse_level(doc, selector, level, value.span())?);
            continue;
        }
        let Some(&name) = allowed.iter().find(|a| **a == k) else {
            let message = match closest(k, allowed.iter().copied()) {
                Some(s) => format!("unknown option {k:?} for {selector:?}; did you mean {s:?}?"),
                None => format!(
                    "unknown option {k:?} for {selector:?}; expected one of {}",
                    allowed.join(", ")
                ),
            };
            return Err(doc.error(key.span(), message));
        };
        for code in entry.selector.codes() {
            if code.meta().options.iter().any(|o| o.name == name) {
                let one = toml::Table::from_iter([(name.to_owned(), value.get_ref().clone())]);
                parse_options(code, one).map_err(|why| doc.invalid(value.span(), name, &why))?;
            }
        }
        let at = locate(doc.text, key.span());
        entry.options.push((name, value.get_ref().clone(), at));
    }
    Ok(())
}

/// The rule's options from a table of them, through its options struct; `None` for the
/// defaults.
fn parse_options(
    code: Code,
    table: toml::Table,
) -> Result<Option<std::sync::Arc<dyn crate::rule::AnyOptions>>, String> {
    match code.meta().parse_options {
        Some(parse) => parse(table),
        None => Err(format!("{code} has no options")),
    }
}

/// The option values the entries set, by rule: `tables[code.index()]`, later entries over
/// earlier ones.
pub(super) type OptionTables = Vec<toml::Table>;

/// Applies `entries` in order: levels to `settings`, option values to `tables`.
pub(super) fn apply_entries(
    entries: &[RuleEntry],
    settings: &mut Settings,
    tables: &mut OptionTables,
) {
    for entry in entries {
        for code in entry.selector.codes() {
            if let Some(level) = entry.level {
                settings.levels[code.index()] = level;
                settings.chosen_levels[code.index()] = true;
            }
            for (name, value, _) in &entry.options {
                if code.meta().options.iter().any(|o| o.name == *name) {
                    tables[code.index()].insert((*name).to_owned(), value.clone());
                }
            }
        }
    }
}

/// Where the last of `entries` to set the option `name` of `code` sets it (the value
/// [`apply_entries`] keeps), when one does.
pub(super) fn option_written<'a>(
    entries: &'a [RuleEntry],
    code: Code,
    name: &str,
) -> Option<&'a ErrorLocation> {
    entries
        .iter()
        .filter(|e| e.selector.matches(code))
        .flat_map(|e| &e.options)
        .filter(|(n, ..)| *n == name)
        .map(|(.., at)| at)
        .next_back()
}

/// Where each option `entries` set comes from, as [`apply_entries`] sets them (a later one for
/// a rule's option wins): the rule, the option and how `name` names the entry and option.
pub(super) fn option_sources(
    entries: &[RuleEntry],
    name: impl Fn(&str, &str, &ErrorLocation) -> String,
) -> Vec<(Code, &'static str, String)> {
    let mut out = Vec::new();
    for entry in entries {
        for (option, _, at) in &entry.options {
            for code in entry.selector.codes() {
                if code.meta().options.iter().any(|o| o.name == *option) {
                    out.push((code, *option, name(&entry.key, option, at)));
                }
            }
        }
    }
    out
}

/// Every value `entries` give an option called `name`, in file order, with where its key is.
pub(super) fn options_named<'a>(
    entries: &'a [RuleEntry],
    name: &'a str,
) -> impl Iterator<Item = (&'a toml::Value, &'a ErrorLocation)> + 'a {
    let mut found: Vec<_> = entries
        .iter()
        .flat_map(|e| &e.options)
        .filter(move |(n, ..)| *n == name)
        .map(|(_, value, at)| (value, at))
        .collect();
    // The entries are sorted by specificity, not by line.
    found.sort_by_key(|(_, at)| (at.line, at.column));
    found.into_iter()
}

/// The levels `entries` set, rule by rule, in the order [`apply_entries`] sets them (a later
/// pair for one rule wins).
pub(super) fn entry_levels(entries: &[RuleEntry]) -> impl Iterator<Item = (Code, Level)> + '_ {
    entries.iter().flat_map(|entry| {
        entry
            .level
            .into_iter()
            .flat_map(move |level| entry.selector.codes().map(move |code| (code, level)))
    })
}

/// Parses each rule's collected option values into `settings`.
pub(super) fn set_options(
    tables: OptionTables,
    settings: &mut Settings,
) -> Result<(), ConfigError> {
    for (&code, table) in Code::ALL.iter().zip(tables) {
        if !table.is_empty() {
            // Every value was checked when the file was loaded; this fails only if two
            // values are wrong together, so say which rule.
            let options = parse_options(code, table)
                .map_err(|why| ConfigError::new(format!("invalid options for {code}: {why}")))?;
            settings.rule_options.set(code, options);
        }
    }
    Ok(())
}

/// Command-line selectors; a value may list several separated by commas.
pub(super) fn cli_selectors(values: &[String], flag: &str) -> Result<Vec<Selector>, ConfigError> {
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
