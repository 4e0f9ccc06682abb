//! Config errors: which file, where in it, what is wrong, and the TOML line to show.
//!
//! serde says what went wrong and where (`toml::de::Error`: a message and a byte span);
//! [`Document`] turns that into the message a user reads, like ruff and cargo do: the key
//! named, the value quoted as written, the section named and a did-you-mean, found by looking
//! the span up in the parsed document.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

/// The one key of the table toml hands a visitor for a date.
pub(super) const DATETIME_KEY: &str = "$__toml_private_datetime";

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
pub(super) struct ErrorLocation {
    pub(super) line: usize,
    pub(super) column: usize,
    /// Characters to underline from `column`, at least 1.
    pub(super) width: usize,
    pub(super) source_line: String,
}

impl ConfigError {
    pub(super) fn new(message: String) -> ConfigError {
        ConfigError {
            path: None,
            location: None,
            message,
        }
    }

    pub(super) fn in_file(path: &Path, message: String) -> ConfigError {
        ConfigError {
            path: Some(path.to_path_buf()),
            location: None,
            message,
        }
    }

    /// An error at a place in the config file `path` found earlier ([`locate`]): about
    /// values that are each valid but wrong together.
    pub(super) fn at(path: &Path, location: ErrorLocation, message: String) -> ConfigError {
        ConfigError {
            path: Some(path.to_path_buf()),
            location: Some(location),
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
        let shown = crate::snippet::crop_line(line, start..byte_at(loc.column - 1 + loc.width));
        // Tabs and control characters are shown as one-cell characters there; a wide (CJK,
        // emoji) character takes two cells and a combining mark none. The carets are placed
        // and sized in cells, a character at a time, as codespan places the `full` format's.
        let text = &shown.text;
        let cells = |s: &str| -> usize {
            s.chars()
                .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
                .sum()
        };
        Some(format!(
            "{gutter} |\n{number} | {text}\n{gutter} | {}{}",
            " ".repeat(cells(&text[..shown.label.start])),
            "^".repeat(cells(&text[shown.label]).max(1))
        ))
    }
}

/// The valid name closest to `input`, if it is close enough to be what was meant.
pub(super) use crate::wording::closest;

/// `unknown key "x" in [gates]; did you mean "y"?`, or the list of valid keys.
pub(super) fn unknown_key_message(name: &str, allowed: &[&str], context: &str) -> String {
    match closest(name, allowed.iter().copied()) {
        Some(s) => format!("unknown key {name:?} in {context}; did you mean {s:?}?"),
        None => format!(
            "unknown key {name:?} in {context}; expected one of {}",
            allowed.join(", ")
        ),
    }
}

/// Line, column (both 1-based, the column in code points) and source line of a byte span.
pub(super) fn locate(text: &str, span: Range<usize>) -> ErrorLocation {
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

/// The config text being read, for turning spans into located errors.
pub(super) struct Document<'a> {
    pub(super) text: &'a str,
    /// The file as shown in messages.
    pub(super) path: &'a Path,
}

impl Document<'_> {
    pub(super) fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError {
            path: Some(self.path.to_path_buf()),
            location: Some(locate(self.text, span)),
            message,
        }
    }

    /// A TOML syntax error.
    pub(super) fn syntax(&self, e: &toml::de::Error) -> ConfigError {
        let span = e.span().unwrap_or(0..0);
        let message = match e.message() {
            "duplicate key" => format!(
                "invalid TOML: duplicate key {:?}",
                self.text.get(span.clone()).unwrap_or_default()
            ),
            other => format!("invalid TOML: {other}"),
        };
        self.error(span, message)
    }

    /// `invalid value 150 for "min_valid_pct"; expected a number from 0 to 100`, for the
    /// value at `span`; `why` is `expected ...` or `did you mean ...?`.
    pub(super) fn invalid(&self, span: Range<usize>, key: &str, why: &str) -> ConfigError {
        let tree = DeTable::parse(self.text).ok();
        let value = tree
            .as_ref()
            .and_then(|t| find(t.get_ref(), &span, Find::Value))
            .and_then(|hit| hit.value);
        let message = match (value.and_then(found), value.map_or("a value", kind_name)) {
            (Some(text), _) => format!("invalid value {text} for {key:?}; {why}"),
            (None, kind) if why.starts_with("expected ") => {
                format!("invalid value for {key:?}; {why}, found {kind}")
            }
            (None, _) => format!("invalid value for {key:?}; {why}"),
        };
        self.error(span, message)
    }

    /// The user's message for what serde found wrong while reading the file's types.
    pub(super) fn serde_error(&self, e: &toml::de::Error) -> ConfigError {
        let message = e.message();
        let Some(span) = e.span() else {
            return ConfigError::in_file(self.path, message.to_owned());
        };
        let tree = DeTable::parse(self.text).ok();
        let search = |what| tree.as_ref().and_then(|t| find(t.get_ref(), &span, what));
        let mut why = expectation(message);
        if let Some(rest) = message.strip_prefix("unknown field `") {
            // serde: "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
            let mut names = rest.split('`').step_by(2);
            let name = names.next().unwrap_or_default();
            if name == DATETIME_KEY {
                // toml hands a date to a struct as a table with this one key.
                why = "expected a table".to_owned();
            } else {
                let allowed: Vec<&str> = names.collect();
                let path = search(Find::Key).map(|hit| hit.path).unwrap_or_default();
                return self.error(span, unknown_key_message(name, &allowed, &section(&path)));
            }
        }
        if let Some(rest) = message.strip_prefix("missing field `") {
            let name = rest.trim_end_matches('`');
            let path = search(Find::Value).map(|hit| hit.path).unwrap_or_default();
            return self.error(span, format!("missing key {name:?} in {}", section(&path)));
        }
        let path = search(Find::Value).map(|hit| hit.path).unwrap_or_default();
        let keys: Vec<&str> = path.iter().filter_map(Segment::key).collect();
        // A table where an array of tables holds something else: the array is wrong.
        let in_array = matches!(path.last(), Some(Segment::Index));
        if why == "expected an array of tables" || (in_array && why == "expected a table") {
            why = format!("expected an array of tables ([[{}]])", keys.join("."));
        }
        self.invalid(span, keys.last().copied().unwrap_or_default(), &why)
    }
}

/// What a value should have been, from a serde message: the value types of `super::file`
/// say `expected ...` or `did you mean ...?` themselves; serde's own messages end in
/// `, expected <what>`; toml's own are about numbers it cannot hold.
fn expectation(message: &str) -> String {
    match message {
        "integer number overflowed" => return "expected a smaller integer".to_owned(),
        "floating-point number overflowed" => return "expected a smaller number".to_owned(),
        _ => {}
    }
    let serde_says =
        message.starts_with("invalid type: ") || message.starts_with("invalid value: ");
    if !serde_says {
        return message.to_owned();
    }
    // An integer beyond 64 bits reaches the visitor as i128 or u128.
    if message.contains(" as i128,") || message.contains(" as u128,") {
        return "expected a smaller integer".to_owned();
    }
    match message.rsplit_once(", expected ") {
        Some((_, what)) if what.starts_with("struct ") || what == "a map" => {
            "expected a table".to_owned()
        }
        Some((_, what)) => format!("expected {what}"),
        None => message.to_owned(),
    }
}

/// One step of the way from the document's root to a key or value.
#[derive(Clone, Debug)]
enum Segment {
    Key(String),
    /// An element of an array.
    Index,
}

impl Segment {
    fn key(&self) -> Option<&str> {
        match self {
            Segment::Key(k) => Some(k),
            Segment::Index => None,
        }
    }
}

/// How a table at `path` is named in messages: `the top level`, `[gates]`,
/// `[tool.tunelint.gates]`, `[[overrides]]`, `[[overrides]] rules`.
fn section(path: &[Segment]) -> String {
    let keys = |segments: &[Segment]| {
        let keys: Vec<&str> = segments.iter().filter_map(Segment::key).collect();
        keys.join(".")
    };
    match path.iter().position(|s| matches!(s, Segment::Index)) {
        _ if path.is_empty() => "the top level".to_owned(),
        Some(i) if i + 1 < path.len() => {
            format!("[[{}]] {}", keys(&path[..i]), keys(&path[i + 1..]))
        }
        Some(i) => format!("[[{}]]", keys(&path[..i])),
        None => format!("[{}]", keys(path)),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Find {
    /// A key: the hit's path is the table that holds it.
    Key,
    /// A value: the hit's path leads to it.
    Value,
}

struct Hit<'t> {
    path: Vec<Segment>,
    value: Option<&'t DeValue<'t>>,
}

/// The key or value at exactly `span`, the deepest when several share it (an array of
/// tables and its one table, an implicit table and its key).
fn find<'t>(root: &'t DeTable<'t>, span: &Range<usize>, what: Find) -> Option<Hit<'t>> {
    let mut best = None;
    search_table(root, span, what, &mut Vec::new(), &mut best);
    best
}

fn search_table<'t>(
    table: &'t DeTable<'t>,
    span: &Range<usize>,
    what: Find,
    path: &mut Vec<Segment>,
    best: &mut Option<Hit<'t>>,
) {
    for (key, value) in table.iter() {
        if what == Find::Key && key.span() == *span {
            offer(best, path, None);
        }
        path.push(Segment::Key(key.get_ref().to_string()));
        search_value(value, span, what, path, best);
        path.pop();
    }
}

fn search_value<'t>(
    value: &'t toml::Spanned<DeValue<'t>>,
    span: &Range<usize>,
    what: Find,
    path: &mut Vec<Segment>,
    best: &mut Option<Hit<'t>>,
) {
    if what == Find::Value && value.span() == *span {
        offer(best, path, Some(value.get_ref()));
    }
    match value.get_ref() {
        DeValue::Table(table) => search_table(table, span, what, path, best),
        DeValue::Array(items) => {
            for item in items.iter() {
                path.push(Segment::Index);
                search_value(item, span, what, path, best);
                path.pop();
            }
        }
        _ => {}
    }
}

fn offer<'t>(best: &mut Option<Hit<'t>>, path: &[Segment], value: Option<&'t DeValue<'t>>) {
    if best.as_ref().is_none_or(|b| path.len() >= b.path.len()) {
        *best = Some(Hit {
            path: path.to_vec(),
            value,
        });
    }
}

/// A scalar as the user wrote it, for messages; `None` for arrays and tables.
fn found(v: &DeValue<'_>) -> Option<String> {
    const LIMIT: usize = 40;
    Some(match v {
        // Masked before it is cut: a key cut short no longer looks like one.
        DeValue::String(s) => {
            let s = crate::wording::mask_secrets(s);
            if s.chars().count() > LIMIT {
                format!(
                    "{:?}",
                    format!("{}…", s.chars().take(LIMIT).collect::<String>())
                )
            } else {
                format!("{s:?}")
            }
        }
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
