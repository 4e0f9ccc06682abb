//! `sarif`: one SARIF 2.1.0 log for GitHub code scanning, written when the run ends.
//!
//! GitHub code scanning accepts at most 25,000 results of a run and keeps only 5,000 of them
//! ("the top 5,000", by its documentation; the first 5,000, by what users report). So at most
//! 25,000 are kept while the diagnostics stream by: a heap holds the most severe ones (error,
//! then warning, then note; within a level the first in file and line order), and one result
//! says how many were left out, at the level of the most severe of them. The results are
//! written in the order GitHub should keep them, whichever way it picks: the failed gates
//! (why the check is red) and that notice first, then the findings, most severe first and in
//! file order within a level. Results carry no dataset text beyond the message (no
//! `region.snippet`), and a `partialFingerprints` entry derived from the record's canonical
//! content, so an alert survives lines being inserted above it.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde_sarif::sarif;
use xxhash_rust::xxh3::Xxh3;

use super::{FileInfo, Renderer, RunSummary};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{FileId, Related};
use crate::gates::{Gate, GateOutcome};
use crate::rule::{Category, Level, RuleMeta};
use crate::rules::{Code, RULES};
use crate::summary::FileSummary;

/// The most results GitHub code scanning accepts for one run (PRODUCT.md §7's cap).
pub const MAX_RESULTS: usize = 25_000;

/// The most results of one run GitHub code scanning keeps and shows, of those it accepts:
/// why the gates and the notice come first, and the findings most severe first.
pub const SHOWN_RESULTS: usize = 5_000;

/// The longest message kept, in characters: a message quotes at most a short excerpt of the
/// data, and this bounds what any rule can put into a code-scanning alert.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// The `$schema` of the log: the final OASIS text of SARIF 2.1.0 (errata 01).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of the one partial fingerprint; the suffix changes if the recipe ever does.
pub const FINGERPRINT_KEY: &str = "tunelintRecord/v1";

/// The rule id of the result that says how many results were left out.
pub const OMITTED_RULE_ID: &str = "tunelint-results-omitted";

/// The SARIF rule id of a gate: `gate-min-valid-pct`. A failed gate is a result of its own
/// rule, declared beside the lint rules.
pub fn gate_rule_id(gate: Gate) -> String {
    format!("gate-{}", gate.rule_name())
}

/// A path as the repository sees it: `display` (as given on the command line, relative to
/// `cwd` unless absolute) made relative to `root`, with `/` separators. A path outside the
/// root keeps `..` segments; stdin stays `-`.
pub fn project_path(root: &Path, cwd: &Path, display: &str) -> String {
    if display == "-" {
        return display.to_string();
    }
    let parts: Vec<String> = project_relative(root, cwd, Path::new(display))
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The `artifactLocation.uri` of an input: its [`project_path`] as a URI reference, made
/// from the bytes of the real file name, so a name that is not UTF-8 keeps them (`0xFF` is
/// `%FF`, not the `%EF%BF%BD` of a replacement character). Stdin stays `-`.
pub fn project_uri(root: &Path, cwd: &Path, file: &FileInfo) -> String {
    let path = match &file.source {
        crate::source::InputSource::File(path) if file.display != "-" => path,
        _ => return uri_reference(&project_path(root, cwd, &file.display)),
    };
    let parts: Vec<String> = project_relative(root, cwd, path)
        .components()
        .map(|c| percent_encode(&os_bytes(c.as_os_str())))
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(unix)]
fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().into()
}

#[cfg(not(unix))]
fn os_bytes(s: &std::ffi::OsStr) -> std::borrow::Cow<'_, [u8]> {
    match s.to_string_lossy() {
        std::borrow::Cow::Borrowed(t) => t.as_bytes().into(),
        std::borrow::Cow::Owned(t) => t.into_bytes().into(),
    }
}

/// `path` (relative to `cwd` unless absolute) relative to `root`.
fn project_relative(root: &Path, cwd: &Path, path: &Path) -> PathBuf {
    let absolute = normalize(&cwd.join(path));
    let root = normalize(&cwd.join(root));
    match absolute.strip_prefix(&root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            // Symlinked directories (macOS /tmp, say): compare the resolved parents.
            let resolved = absolute
                .parent()
                .and_then(|p| p.canonicalize().ok())
                .zip(absolute.file_name())
                .map(|(p, f)| p.join(f));
            let root_resolved = root.canonicalize().ok();
            match (resolved, root_resolved) {
                (Some(f), Some(r)) if f.starts_with(&r) => {
                    f.strip_prefix(&r).map(Path::to_path_buf).unwrap_or(f)
                }
                _ => relative_with_parents(&absolute, &root),
            }
        }
    }
}

/// `path` relative to `base`, climbing with `..` where needed (both absolute and normal).
fn relative_with_parents(path: &Path, base: &Path) -> PathBuf {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// Removes `.` and folds `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A relative path as a URI reference: every byte outside the unreserved set and `/` is
/// percent-encoded (a space, `#`, `?` or `%` in a file name must not change the URI's meaning).
pub fn uri_reference(path: &str) -> String {
    percent_encode(path.as_bytes())
}

fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `message`, cut to [`MAX_MESSAGE_CHARS`] characters with `…` where it was cut.
pub fn cap_message(message: &str) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS - 1) {
        Some((at, _)) if message[at..].chars().nth(1).is_some() => format!("{}…", &message[..at]),
        _ => message.to_string(),
    }
}

/// The partial fingerprint of a finding: the record's canonical hash, the rule, the
/// occurrence of that (record, rule) pair in the file, and the file's path. None of these
/// change when lines are inserted above the record. Hex of an xxh3 hash: stable across
/// releases and platforms, unlike std's `DefaultHasher`.
pub fn partial_fingerprint(record: u64, code: &str, occurrence: u32, path: &str) -> String {
    let mut h = Xxh3::new();
    h.update(&record.to_le_bytes());
    h.update(code.as_bytes());
    h.update(&[0]);
    h.update(&occurrence.to_le_bytes());
    h.update(path.as_bytes());
    format!("{:016x}", h.digest())
}

fn level_rank(level: Level) -> u8 {
    match level {
        Level::Error => 3,
        Level::Warning => 2,
        Level::Info => 1,
        Level::Off => 0,
    }
}

fn sarif_level(level: Level) -> sarif::ResultLevel {
    match level {
        Level::Error => sarif::ResultLevel::Error,
        Level::Warning => sarif::ResultLevel::Warning,
        Level::Info => sarif::ResultLevel::Note,
        Level::Off => sarif::ResultLevel::None,
    }
}

/// The SARIF level of a [`level_rank`].
fn rank_level(rank: u8) -> sarif::ResultLevel {
    match rank {
        3 => sarif::ResultLevel::Error,
        2 => sarif::ResultLevel::Warning,
        1 => sarif::ResultLevel::Note,
        _ => sarif::ResultLevel::None,
    }
}

fn level_value(level: Level) -> serde_json::Value {
    serde_json::Value::String(sarif_level(level).to_string())
}

/// One result waiting for the end of the run: what the SARIF result needs, nothing more.
struct Kept {
    rank: u8,
    seq: u64,
    code: Code,
    level: Level,
    file: FileId,
    line: u64,
    column: u32,
    end_column: u32,
    message: String,
    related: Vec<Related>,
    fingerprint: String,
    /// About the whole file: a Parquet table's finding names no row.
    about_file: bool,
    /// With `--diff-base`, whether the change reports it (`baselineState` `new`) or it was
    /// there before (`unchanged`); `None` without.
    new: Option<bool>,
}

impl Kept {
    /// Greater means "dropped first": pre-existing before new, then less severe, then later
    /// in file order.
    fn key(&self) -> DropKey {
        drop_key(self.new, self.rank, self.seq)
    }
}

/// The order in which results are dropped over the limit; see [`Kept::key`].
type DropKey = (Reverse<bool>, Reverse<u8>, u64);

fn drop_key(new: Option<bool>, rank: u8, seq: u64) -> DropKey {
    (Reverse(new != Some(false)), Reverse(rank), seq)
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Kept {}
impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Kept {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

pub struct Sarif {
    /// Project-relative path of every input, by file id.
    paths: Vec<String>,
    /// The URI of every input, by file id, when they were given (see [`project_uri`]);
    /// else made from `paths`.
    uris: Vec<String>,
    limit: usize,
    kept: BinaryHeap<Kept>,
    seq: u64,
    omitted: u64,
    /// The [`level_rank`] of the most severe result left out: the notice's level, so that a
    /// cut by severity (GitHub's) keeps the notice whenever it keeps what it stands for.
    omitted_rank: u8,
    /// Occurrences so far of each (record, rule) pair in the current file, keyed by a hash
    /// of the pair: one small entry per finding, cleared at each new file.
    /// Whether each input is a Parquet table, by file id (see [`FileInfo::rows`]).
    rows: Vec<bool>,
    /// Whether the run reports changes since a base (`--diff-base`): every result then has a
    /// `baselineState`.
    diff_base: bool,
}

impl Sarif {
    /// `paths`: each input's path relative to the project root (see [`project_path`]).
    pub fn new(paths: Vec<String>) -> Self {
        Self::with_limit(paths, MAX_RESULTS)
    }

    /// At most `limit` results (at least 2: one finding and the note about the rest).
    pub fn with_limit(paths: Vec<String>, limit: usize) -> Self {
        Sarif {
            paths,
            uris: Vec::new(),
            limit: limit.max(2),
            kept: BinaryHeap::new(),
            seq: 0,
            omitted: 0,
            omitted_rank: 0,
            rows: Vec::new(),
            diff_base: false,
        }
    }

    /// For a run with `--diff-base`: the findings it reports are `new`, the pre-existing
    /// ones ([`Renderer::preexisting`]) are kept too, as `unchanged`.
    pub fn with_diff_base(mut self, diff_base: bool) -> Self {
        self.diff_base = diff_base;
        self
    }

    /// The URIs of the inputs, by file id, made from the real file names (see
    /// [`project_uri`]): a name that is not UTF-8 has no faithful `paths` entry.
    pub fn with_uris(mut self, uris: Vec<String>) -> Self {
        self.uris = uris;
        self
    }

    fn path(&self, file: FileId) -> &str {
        self.paths.get(file as usize).map_or("-", String::as_str)
    }

    fn uri(&self, file: FileId) -> String {
        match self.uris.get(file as usize) {
            Some(uri) => uri.clone(),
            None => uri_reference(self.path(file)),
        }
    }

    /// Whether `file` is a Parquet table, whose findings point at rows.
    fn is_table(&self, file: FileId) -> bool {
        self.rows.get(file as usize).copied().unwrap_or(false)
    }

    /// `row N: message` for a Parquet table's row, the message as it is otherwise.
    fn at_row(&self, file: FileId, line: u64, message: String) -> String {
        if self.is_table(file) {
            format!("row {}: {message}", super::row_of(line))
        } else {
            message
        }
    }

    /// A location in `file`. A Parquet table has no line to point at: its region is the
    /// file's start (GitHub requires a `startLine`), and the row is in the message.
    fn location(
        &self,
        file: FileId,
        line: u64,
        columns: Option<(u32, u32)>,
        message: Option<String>,
    ) -> sarif::Location {
        let table = self.is_table(file);
        let mut region = sarif::Region {
            start_line: Some(if table { 1 } else { line.max(1) as i64 }),
            ..Default::default()
        };
        if let Some((start, end)) = columns.filter(|_| !table) {
            region.start_column = Some(i64::from(start));
            region.end_column = Some(i64::from(end.max(start)));
        }
        sarif::Location {
            physical_location: Some(sarif::PhysicalLocation {
                artifact_location: Some(sarif::ArtifactLocation {
                    uri: Some(self.uri(file)),
                    ..Default::default()
                }),
                region: Some(region),
                ..Default::default()
            }),
            message: message.map(text_message),
            ..Default::default()
        }
    }

    fn result_of(&self, k: Kept) -> sarif::Result {
        // A finding at the start of a line with no span (file-level, blank line) points at
        // the whole line; otherwise at its columns.
        let columns = (k.end_column > k.column || k.column > 1).then_some((k.column, k.end_column));
        let related: Vec<sarif::Location> = k
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let message = self.at_row(r.file, r.line, cap_message(&r.message));
                let mut loc = self.location(r.file, r.line, None, Some(message));
                loc.id = Some(i as i64 + 1);
                loc
            })
            .collect();
        let message = if k.about_file {
            k.message
        } else {
            self.at_row(k.file, k.line, k.message)
        };
        let mut r = result(
            k.code.as_str().to_string(),
            k.code.index(),
            sarif_level(k.level),
            message,
            self.location(k.file, k.line, columns, None),
            k.fingerprint,
        );
        r.related_locations = (!related.is_empty()).then_some(related);
        r.baseline_state = k
            .new
            .map(|new| serde_json::Value::from(if new { "new" } else { "unchanged" }));
        r
    }

    fn gate_result(&self, gate: &GateOutcome, summary: &RunSummary<'_>) -> sarif::Result {
        let id = gate_rule_id(gate.gate);
        let file = concerned_file(gate, summary);
        let index = RULES.len() + Gate::ALL.iter().position(|g| *g == gate.gate).unwrap_or(0);
        let fingerprint = partial_fingerprint(0, &id, 0, self.path(file));
        result(
            id,
            index,
            sarif::ResultLevel::Error,
            cap_message(&gate.line()),
            self.location(file, 1, None, None),
            fingerprint,
        )
    }

    fn omitted_result(&self, kept: usize) -> sarif::Result {
        let message = format!(
            "{} more results were left out: code scanning accepts at most {} results of a run and shows the top {}, so this file keeps {} findings, the most severe first and then in file order, after the failed gates and this note; run tunelint locally or write --json-file for all of them",
            crate::wording::thousands(self.omitted),
            crate::wording::thousands(MAX_RESULTS as u64),
            crate::wording::thousands(SHOWN_RESULTS as u64),
            crate::wording::thousands(kept as u64)
        );
        let fingerprint = partial_fingerprint(0, OMITTED_RULE_ID, 0, self.path(0));
        result(
            OMITTED_RULE_ID.to_string(),
            RULES.len() + Gate::ALL.len(),
            rank_level(self.omitted_rank),
            message,
            self.location(0, 1, None, None),
            fingerprint,
        )
    }

    /// A file that could not be read has no results of its own (the file-level gate's
    /// result names only the first): each is a tool execution notification, an error.
    fn unreadable_notifications(&self, summary: &RunSummary<'_>) -> Vec<sarif::Notification> {
        summary
            .summaries
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i as FileId, s.io_error.as_ref()?)))
            .map(|(file, reason)| {
                let mut location = self.location(file, 1, None, None);
                if let Some(physical) = &mut location.physical_location {
                    physical.region = None;
                }
                let message = format!("{} could not be read: {reason}", self.path(file));
                let mut n = sarif::Notification::builder()
                    .message(text_message(cap_message(&message)))
                    .build();
                n.level = Some(level_value(Level::Error));
                n.locations = Some(vec![location]);
                n
            })
            .collect()
    }

    /// The whole log.
    pub fn log(&mut self, summary: &RunSummary<'_>) -> sarif::Sarif {
        let failed: Vec<&GateOutcome> = summary.gates.iter().filter(|g| !g.passed).collect();
        if self.kept.len() + failed.len() > self.limit {
            let room = self.limit.saturating_sub(failed.len() + 1).max(1);
            while self.kept.len() > room {
                if let Some(dropped) = self.kept.pop() {
                    self.omitted_rank = self.omitted_rank.max(dropped.rank);
                }
                self.omitted += 1;
            }
        }
        // The order to keep them in: the reverse of the order they are dropped in.
        let mut kept = std::mem::take(&mut self.kept).into_vec();
        kept.sort_by_key(Kept::key);
        let n_kept = kept.len();
        let mut results: Vec<sarif::Result> = failed
            .iter()
            .map(|g| self.gate_result(g, summary))
            .collect();
        if self.omitted > 0 {
            results.push(self.omitted_result(n_kept));
        }
        results.extend(kept.into_iter().map(|k| self.result_of(k)));
        let version = env!("CARGO_PKG_VERSION");
        let mut driver = sarif::ToolComponent::builder().name("tunelint").build();
        driver.full_name = Some(format!("tunelint {version}"));
        driver.version = Some(version.to_string());
        driver.semantic_version = Some(version.to_string());
        driver.information_uri = Some(repository_url().to_string());
        driver.rules = Some(rule_descriptors());
        let mut run = sarif::Run::builder()
            .tool(sarif::Tool::builder().driver(driver).build())
            .build();
        run.column_kind = Some(serde_json::Value::String("unicodeCodePoints".to_string()));
        run.results = Some(results);
        if let Some(diff) = &summary.diff {
            // --diff-base: what this run judged, as the json format's summary.diff_base says.
            let properties = serde_json::json!({
                "diffBase": diff.base,
                "judgedRecords": diff.judged,
                "contextRecords": diff.context,
                "newFindings": diff.new_findings,
                "preexistingFindings": diff.preexisting,
                "gateScope": if diff.gates_all { "all" } else { "changed" },
            });
            run.properties = Some(sarif::PropertyBag {
                additional_properties: [("tunelint".to_string(), properties)].into(),
                ..Default::default()
            });
        }
        let notifications = self.unreadable_notifications(summary);
        if !notifications.is_empty() {
            // The run exits with status 2 and its results are incomplete (SARIF §3.20.14).
            let mut invocation = sarif::Invocation::builder()
                .execution_successful(false)
                .build();
            invocation.tool_execution_notifications = Some(notifications);
            run.invocations = Some(vec![invocation]);
        }
        let mut log = sarif::Sarif::builder()
            .version(serde_json::Value::String("2.1.0".to_string()))
            .runs(vec![run])
            .build();
        log.schema = Some(SCHEMA_URI.to_string());
        log
    }
}

/// The project's home: the documentation address up to `/blob/`.
fn repository_url() -> &'static str {
    crate::DOCS_URL
        .split("/blob/")
        .next()
        .unwrap_or(crate::DOCS_URL)
}

fn text_message(text: String) -> sarif::Message {
    sarif::Message {
        text: Some(text),
        ..Default::default()
    }
}

fn multiformat(text: String, markdown: Option<String>) -> sarif::MultiformatMessageString {
    let mut m = sarif::MultiformatMessageString::builder()
        .text(text)
        .build();
    m.markdown = markdown;
    m
}

fn result(
    rule_id: String,
    rule_index: usize,
    level: sarif::ResultLevel,
    message: String,
    location: sarif::Location,
    fingerprint: String,
) -> sarif::Result {
    let mut r = sarif::Result::builder()
        .message(text_message(message))
        .build();
    r.rule_id = Some(rule_id);
    r.rule_index = Some(rule_index as i64);
    r.level = Some(level);
    r.locations = Some(vec![location]);
    r.partial_fingerprints = Some(BTreeMap::from([(FINGERPRINT_KEY.to_string(), fingerprint)]));
    r
}

/// The texts of a rule's metadata.
struct RuleText {
    short: String,
    full: String,
    /// Markdown, shown as it is where Markdown is not rendered.
    help: String,
    help_uri: String,
}

/// A rule's metadata.
fn descriptor(
    id: &str,
    name: &str,
    text: RuleText,
    level: Level,
    tags: &[&str],
) -> sarif::ReportingDescriptor {
    let mut d = sarif::ReportingDescriptor::builder().id(id).build();
    d.name = Some(name.to_string());
    d.short_description = Some(multiformat(text.short, None));
    d.full_description = Some(multiformat(text.full, None));
    d.help = Some(multiformat(text.help.clone(), Some(text.help)));
    d.help_uri = Some(text.help_uri);
    d.default_configuration = Some(sarif::ReportingConfiguration {
        level: Some(level_value(level)),
        ..Default::default()
    });
    if !tags.is_empty() {
        d.properties = Some(sarif::PropertyBag {
            tags: Some(tags.iter().map(|t| t.to_string()).collect()),
            ..Default::default()
        });
    }
    d
}

/// The first paragraph under `## What it does`, or the summary when there is none.
fn full_description(meta: &RuleMeta) -> String {
    let doc = meta.documentation();
    let para: Vec<&str> = doc
        .lines()
        .skip_while(|l| !l.starts_with("## What it does"))
        .skip(1)
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    if para.is_empty() {
        format!("{}.", capitalize(meta.summary))
    } else {
        para.join(" ")
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The help of a gate's SARIF rule, which `tunelint explain gate-...` prints too.
pub fn gate_help(g: Gate) -> String {
    format!(
        "{}\n\nEach failed gate makes `tunelint` exit with status 1 (`--exit-zero` turns that into 0).",
        g.description()
    )
}

/// The help of the omitted-results SARIF rule, which `tunelint explain` prints too.
pub fn omitted_help() -> String {
    format!(
        "GitHub code scanning accepts at most {} results of one run, and keeps and shows the top {} of them. When a run finds more than {0}, the SARIF file keeps the most severe ones (errors, then warnings, then notes; within a level, the first in file and line order; with `--diff-base`, the findings the change adds before those it did not) and this one result says how many were left out. It has the level of the most severe result left out, and it comes right after the failed gates, before the findings (which are written most severe first), so it is among the results GitHub keeps. `--json-file` and the other formats list every finding.",
        crate::wording::thousands(MAX_RESULTS as u64),
        crate::wording::thousands(SHOWN_RESULTS as u64)
    )
}

/// Every lint rule (index = `Code` index), then the gate rules, then the omitted-results rule.
fn rule_descriptors() -> Vec<sarif::ReportingDescriptor> {
    let mut out: Vec<sarif::ReportingDescriptor> = RULES
        .iter()
        .map(|meta| {
            let text = RuleText {
                short: meta.summary.to_string(),
                full: full_description(meta),
                help: meta.documentation(),
                help_uri: meta.help_uri(),
            };
            descriptor(
                meta.code,
                meta.name,
                text,
                meta.default_level,
                &[category_tag(meta.category)],
            )
        })
        .collect();
    let gates_uri = format!("{}/blob/main/README.md#gates", repository_url());
    for &g in Gate::ALL {
        let help = gate_help(g);
        let text = RuleText {
            short: g.summary().to_string(),
            full: g.description().to_string(),
            help,
            help_uri: gates_uri.clone(),
        };
        out.push(descriptor(
            &gate_rule_id(g),
            g.rule_name(),
            text,
            Level::Error,
            &["gate"],
        ));
    }
    let help = omitted_help();
    let text = RuleText {
        short: "more results than code scanning accepts".to_string(),
        full: format!(
            "The run found more than {} results; the least severe were left out of the SARIF file.",
            crate::wording::thousands(MAX_RESULTS as u64)
        ),
        help,
        help_uri: format!(
            "{}/blob/main/README.md#using-tunelint-in-ci",
            repository_url()
        ),
    };
    out.push(descriptor(
        OMITTED_RULE_ID,
        "results-omitted",
        text,
        Level::Warning,
        &[],
    ));
    out
}

fn category_tag(category: Category) -> &'static str {
    match category {
        Category::Jsonl => "jsonl",
        Category::Schema => "schema",
        Category::Order => "order",
        Category::Content => "content",
        Category::Privacy => "privacy",
        Category::Tokens => "tokens",
        Category::Duplicates => "duplicates",
        Category::Balance => "balance",
    }
}

/// The file a failed gate is about: the first file that contributes to it, else the first.
pub fn concerned_file(gate: &GateOutcome, summary: &RunSummary<'_>) -> FileId {
    let contributes = |s: &FileSummary| -> bool {
        match gate.gate {
            Gate::MinValidPct => s.valid < s.examples || s.examples == 0,
            Gate::MaxDuplicates => RULES
                .iter()
                .zip(&s.counts)
                .any(|(r, n)| r.category == Category::Duplicates && n.iter().sum::<u64>() > 0),
            Gate::MaxWarnings => s.count(Level::Warning) > 0,
            Gate::FileLevelErrors => {
                s.io_error.is_some()
                    || [Code::J005, Code::J006, Code::J007]
                        .iter()
                        .any(|c| s.counts[c.index()][2] > 0)
            }
        }
    };
    // A file that could not be read has a notification of its own and maybe no file to
    // point at (a dangling link): a readable file that contributes, then any readable one.
    let readable = |s: &FileSummary| s.io_error.is_none();
    let files = &summary.summaries;
    files
        .iter()
        .position(|s| readable(s) && contributes(s))
        .or_else(|| files.iter().position(readable))
        .or_else(|| files.iter().position(contributes))
        .unwrap_or(0) as FileId
}

impl Renderer for Sarif {
    fn wants_occurrences(&self) -> bool {
        true
    }

    fn diagnostic(
        &mut self,
        _out: &mut dyn Write,
        d: &Diagnostic,
        files: &[FileInfo],
    ) -> io::Result<()> {
        let new = self.diff_base.then_some(true);
        self.keep(d, files, new);
        Ok(())
    }

    fn preexisting(
        &mut self,
        _out: &mut dyn Write,
        d: &Diagnostic,
        files: &[FileInfo],
    ) -> io::Result<()> {
        self.keep(d, files, Some(false));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &RunSummary<'_>) -> io::Result<()> {
        let log = self.log(summary);
        // `From` keeps an I/O error's kind: a closed pipe stays a broken pipe, which is no error.
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
        writeln!(out)
    }
}

impl Sarif {
    /// Keeps `d` among the results, unless the run has more than the limit and it is among
    /// the first to drop ([`Kept::key`]).
    fn keep(&mut self, d: &Diagnostic, files: &[FileInfo], new: Option<bool>) {
        if self.rows.len() != files.len() {
            self.rows = files.iter().map(|f| f.rows).collect();
        }
        let seq = self.seq;
        self.seq += 1;
        let rank = level_rank(d.level);
        if self.kept.len() >= self.limit {
            // Full: keep the new finding only if it beats the weakest kept one.
            let weakest = self.kept.peek().map(Kept::key);
            if weakest.is_some_and(|w| drop_key(new, rank, seq) >= w) {
                self.omitted_rank = self.omitted_rank.max(rank);
                self.omitted += 1;
                return;
            }
            if let Some(dropped) = self.kept.pop() {
                self.omitted_rank = self.omitted_rank.max(dropped.rank);
            }
            self.omitted += 1;
        }
        let fingerprint = partial_fingerprint(
            d.fingerprint,
            d.code.as_str(),
            d.occurrence,
            self.path(d.location.file),
        );
        self.kept.push(Kept {
            rank,
            seq,
            code: d.code,
            level: d.level,
            file: d.location.file,
            line: d.location.line,
            column: d.location.column,
            end_column: d.location.end_column,
            message: cap_message(&super::message_with_paths(d, files, |f| {
                self.path(f).to_owned()
            })),
            related: d.related.clone(),
            fingerprint,
            about_file: d.about_file,
            new,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_root() {
        let cwd = Path::new("/repo/sub");
        assert_eq!(
            project_path(Path::new("/repo"), cwd, "data/train.jsonl"),
            "sub/data/train.jsonl"
        );
        assert_eq!(
            project_path(Path::new("."), cwd, "./data/../x.jsonl"),
            "x.jsonl"
        );
        assert_eq!(
            project_path(Path::new(".."), cwd, "/repo/a.jsonl"),
            "a.jsonl"
        );
        assert_eq!(project_path(Path::new("/repo/sub"), cwd, "-"), "-");
    }

    #[test]
    fn uris_escape_what_would_change_their_meaning() {
        assert_eq!(
            uri_reference("data/my file#1.jsonl"),
            "data/my%20file%231.jsonl"
        );
        assert_eq!(
            uri_reference("données/é.jsonl"),
            "donn%C3%A9es/%C3%A9.jsonl"
        );
    }

    #[test]
    fn messages_are_capped() {
        let long = "x".repeat(1000);
        let capped = cap_message(&long);
        assert_eq!(capped.chars().count(), MAX_MESSAGE_CHARS);
        assert!(capped.ends_with('…'));
        let exact = "y".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(cap_message(&exact), exact);
    }

    #[test]
    fn fingerprints_are_stable_across_releases() {
        // A change here changes every alert's identity in code scanning: bump the key's /v1.
        assert_eq!(
            partial_fingerprint(0x1234_5678_9abc_def0, "S005", 0, "data/train.jsonl"),
            "57351f441533f36c"
        );
        assert_ne!(
            partial_fingerprint(1, "S005", 0, "a"),
            partial_fingerprint(1, "S005", 1, "a")
        );
        assert_ne!(
            partial_fingerprint(1, "S005", 0, "a"),
            partial_fingerprint(1, "S006", 0, "a")
        );
    }
}
