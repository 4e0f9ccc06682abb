//! Dataset-wide rules: folds over small per-record facts (hashes, signatures, the text a
//! near-duplicate check compares), run once every record of every file has been read.
//!
//! A dataset rule declares the facts it needs (its registry entry lists [`FactKind`]s); the
//! engine makes one collector of each needed kind per chunk of lines, the workers feed it
//! every record in parallel with the record rules, and the collector appends the chunks in
//! line order per file. Rules never see whole records: when a fingerprint suggests something
//! (two records with one canonical hash), the rule confirms it by reading those lines again
//! through [`LineReader`].

use std::any::{Any, TypeId};
use std::cell::OnceCell;

use crate::diagnostic::{Diagnostic, FileId, Location, RecordStart, Related};
use crate::json::Document;
use crate::record::Conversation;
use crate::registry::Code;
use crate::rule::Level;
use crate::settings::Settings;

/// One parsed record as the fact collectors see it.
pub struct RecordView<'a, 'd> {
    pub doc: &'a Document<'d, 'a>,
    /// The record in the conversation model, when its format could normalise it.
    pub conv: Option<&'a Conversation<'d>>,
    pub settings: &'a Settings,
    /// Where the record starts, to locate a span of its text (`Location::in_record`).
    pub start: RecordStart,
    /// No error-level finding from the record rules.
    pub valid: bool,
    hash: OnceCell<u64>,
}

impl<'a, 'd> RecordView<'a, 'd> {
    pub fn new(
        doc: &'a Document<'d, 'a>,
        conv: Option<&'a Conversation<'d>>,
        settings: &'a Settings,
        start: RecordStart,
    ) -> Self {
        RecordView {
            doc,
            conv,
            settings,
            start,
            valid: true,
            hash: OnceCell::new(),
        }
    }

    /// The canonical hash of the whole record (key order and white space ignored), worked
    /// out once however many collectors and fingerprints ask for it.
    pub fn hash(&self) -> u64 {
        *self.hash.get_or_init(|| crate::canonical::hash(self.doc))
    }

    /// The hash if something asked for it already.
    pub fn hash_if_known(&self) -> Option<u64> {
        self.hash.get().copied()
    }
}

/// What a dataset rule collects of each record: one value per record of a file, in order.
pub trait Facts: Any + Send {
    /// Notes what one record contributes (called for every parsed record, in line order).
    fn add(&mut self, record: &RecordView<'_, '_>);
    /// Appends the facts of the next chunk of the same file, a collector of the same kind.
    fn append(&mut self, next: Box<dyn Facts>);
    fn as_any(&self) -> &dyn Any;
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// A kind of facts a dataset rule can declare: a name and how to make an empty collector.
pub struct FactKind {
    pub name: &'static str,
    pub new: fn(&Settings) -> Box<dyn Facts>,
}

impl FactKind {
    /// The same kind (kinds are statics: compared by address).
    pub fn is(&self, other: &FactKind) -> bool {
        std::ptr::eq(self, other)
    }
}

/// `next`, of the same type as the collector it is appended to.
pub fn downcast<T: Facts>(next: Box<dyn Facts>) -> T {
    *next
        .into_any()
        .downcast::<T>()
        .expect("facts of one kind are appended to their own kind")
}

/// One record of a file, as every dataset rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub line: u64,
    pub offset: u64,
    /// The canonical hash of the record: what exact duplicates share, and the fingerprint
    /// of the findings about it.
    pub hash: u64,
    /// No error-level finding from the record rules.
    pub valid: bool,
}

/// The facts of one file: its records, and one collector per kind the enabled rules need.
#[derive(Default)]
pub struct FileFacts {
    pub items: Vec<Item>,
    facts: Vec<(TypeId, Box<dyn Facts>)>,
}

impl FileFacts {
    /// Empty facts with a collector of each of `kinds`.
    pub fn new(kinds: &[&'static FactKind], settings: &Settings) -> FileFacts {
        FileFacts {
            items: Vec::new(),
            facts: kinds
                .iter()
                .map(|k| {
                    let f = (k.new)(settings);
                    ((*f).as_any().type_id(), f)
                })
                .collect(),
        }
    }

    /// Adds one record to every collector.
    pub fn add(&mut self, item: Item, record: &RecordView<'_, '_>) {
        self.items.push(item);
        for (_, f) in &mut self.facts {
            f.add(record);
        }
    }

    /// Appends the facts of the next chunk of the same file.
    pub fn append(&mut self, next: FileFacts) {
        self.items.extend(next.items);
        if self.facts.is_empty() {
            self.facts = next.facts;
            return;
        }
        for ((_, mine), (_, theirs)) in self.facts.iter_mut().zip(next.facts) {
            mine.append(theirs);
        }
    }

    /// The collected facts of type `T`, when a rule declared them.
    pub fn get<T: Facts>(&self) -> Option<&T> {
        self.facts
            .iter()
            .find(|(id, _)| *id == TypeId::of::<T>())
            .and_then(|(_, f)| (**f).as_any().downcast_ref::<T>())
    }
}

/// Reads single lines of the inputs again, by byte offset.
pub trait LineReader: Sync {
    /// The line of `file` starting at `offset`, without its terminator; `None` when it
    /// cannot be read again.
    fn line(&self, file: FileId, offset: u64) -> Option<Vec<u8>>;
}

/// Files whose evaluation examples must not repeat their training examples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitGroup {
    pub train: Vec<FileId>,
    pub eval: Vec<FileId>,
}

/// What a run does with a file: judges it (its findings are reported and counted), or reads
/// it only as context, for what its records say about the judged files (the other shards and
/// splits of a staged file's dataset, `--context dataset`): nothing is reported on a context
/// file and nothing of it is counted, but a judged record that duplicates one of its records
/// is reported, naming it. This is the only place the notion lives; the engine drops a
/// context file's findings in `engine::collect` (`Collector::kept`), and
/// [`DatasetContext::datasets_enabling`] puts context files first, so that the judged
/// (new) record is the later copy that a duplicate finding is reported on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Role {
    #[default]
    Judged,
    Context,
}

/// One input file as the dataset rules see it.
pub struct DatasetFile<'a> {
    pub display: &'a str,
    pub settings: &'a Settings,
    pub role: Role,
    /// A Parquet table: its records are rows, numbered from 0 (see [`Self::place`]).
    pub rows: bool,
}

/// The record index of a finding about a whole file ([`DatasetContext::report_file`]).
pub const NO_RECORD: usize = usize::MAX;

/// What a dataset rule may touch: every file's settings and facts, the lines again, and a
/// sink for its findings.
pub struct DatasetContext<'a> {
    pub files: &'a [DatasetFile<'a>],
    pub facts: &'a [FileFacts],
    pub lines: &'a dyn LineReader,
    pub splits: &'a [SplitGroup],
    /// Files compared as one dataset by D001 and D002, each in file order (see
    /// [`DatasetContext::datasets_enabling`]).
    pub datasets: &'a [Vec<FileId>],
    pub threads: usize,
    /// Whether the record starting on a line of a file was added since the diff base
    /// (`--diff-base`): an older copy is then named as the first of a duplicate.
    pub new_records: Option<&'a (dyn Fn(FileId, u64) -> bool + Sync)>,
    /// Receives each finding, with the index of the record it is about.
    out: &'a mut dyn FnMut(Diagnostic, usize),
}

impl<'a> DatasetContext<'a> {
    pub fn new(
        files: &'a [DatasetFile<'a>],
        facts: &'a [FileFacts],
        lines: &'a dyn LineReader,
        splits: &'a [SplitGroup],
        datasets: &'a [Vec<FileId>],
        threads: usize,
        out: &'a mut dyn FnMut(Diagnostic, usize),
    ) -> Self {
        DatasetContext {
            files,
            facts,
            lines,
            splits,
            datasets,
            threads: threads.max(1),
            new_records: None,
            out,
        }
    }

    /// Whether record `index` of `file` is new, what a finding between a new and an old
    /// record is reported on: never a record of a file read as context (`--context
    /// dataset`); with `--diff-base`, one added or changed since the base; otherwise, with
    /// context files, every record of a judged file; never without either.
    pub fn is_new(&self, file: FileId, index: usize) -> bool {
        if self.files[file as usize].role == Role::Context {
            return false;
        }
        match self.new_records {
            Some(new) => self.facts[file as usize]
                .items
                .get(index)
                .is_some_and(|item| new(file, item.line)),
            None => self.files.iter().any(|f| f.role == Role::Context),
        }
    }

    pub fn settings(&self, file: FileId) -> &'a Settings {
        self.files[file as usize].settings
    }

    pub fn display(&self, file: FileId) -> &'a str {
        self.files[file as usize].display
    }

    /// The files whose settings enable `code`, with their facts.
    pub fn files_enabling(&self, code: Code) -> impl Iterator<Item = (FileId, &'a FileFacts)> + 'a {
        let (files, facts) = (self.files, self.facts);
        (0..files.len())
            .filter(move |&f| files[f].settings.enabled(code))
            .map(move |f| (f as FileId, &facts[f]))
    }

    /// The datasets whose files `code` compares with each other: every group of
    /// [`DatasetContext::datasets`] and every other file on its own, each with only its files
    /// that enable `code`, context files first (see [`Role`]) and then in file order, in
    /// order of first file.
    pub fn datasets_enabling(&self, code: Code) -> Vec<Vec<FileId>> {
        let mut grouped = vec![None; self.files.len()];
        for (g, files) in self.datasets.iter().enumerate() {
            for &f in files {
                if let Some(slot) = grouped.get_mut(f as usize) {
                    slot.get_or_insert(g);
                }
            }
        }
        let mut out: Vec<Vec<FileId>> = Vec::new();
        let mut seen = vec![false; self.datasets.len()];
        for (f, group) in grouped.iter().enumerate() {
            let members: Vec<FileId> = match *group {
                None => vec![f as FileId],
                Some(g) if !seen[g] => {
                    seen[g] = true;
                    let mut m = self.datasets[g].clone();
                    m.sort_unstable();
                    m.dedup();
                    let judged = |&f: &FileId| {
                        self.files
                            .get(f as usize)
                            .is_none_or(|x| x.role == Role::Judged)
                    };
                    m.sort_by_key(judged);
                    m
                }
                Some(_) => continue,
            };
            let members: Vec<FileId> = members
                .into_iter()
                .filter(|&m| {
                    self.files
                        .get(m as usize)
                        .is_some_and(|x| x.settings.enabled(code))
                })
                .collect();
            if !members.is_empty() {
                out.push(members);
            }
        }
        out
    }

    /// `line 12`, or `data/train.jsonl:12` when the other record is in another file; `row 11`
    /// or `data/train.parquet row 11` for the row of a Parquet table that line 12 of its text
    /// holds.
    pub fn place(&self, here: FileId, file: FileId, line: u64) -> String {
        let rows = self.files.get(file as usize).is_some_and(|f| f.rows);
        match (here == file, rows) {
            (true, false) => format!("line {line}"),
            (false, false) => format!("{}:{line}", self.display(file)),
            (true, true) => format!("row {}", crate::report::row_of(line)),
            (false, true) => format!("{} row {}", self.display(file), crate::report::row_of(line)),
        }
    }

    /// Reports `code` about the whole of `file` (its size, its composition): the finding
    /// points at line 1 and is about no record in particular, so it makes none invalid.
    /// `cap` lowers the level (B001 reports a shortfall below the recommended count as info).
    pub fn report_file(&mut self, code: Code, file: FileId, cap: Level, message: String) {
        let location = Location::line_start(file, 1, 0);
        let settings = self.settings(file);
        if let Some(mut d) = crate::context::diagnostic(settings, code, cap, location, message) {
            d.about_file = true;
            (self.out)(d, NO_RECORD);
        }
    }

    /// Reports `code` on record `index` of `file`, pointing at `related` when given.
    pub fn report(
        &mut self,
        code: Code,
        file: FileId,
        index: usize,
        message: String,
        related: Option<Related>,
    ) {
        let item = self.facts[file as usize].items[index];
        let location = Location::line_start(file, item.line, item.offset);
        self.report_at(code, index, location, Level::Error, message, related);
    }

    /// Reports `code` on record `index` of `location.file` at `location` (a span of the
    /// record, which a collector located from [`RecordView::start`]), its level capped at
    /// `cap`.
    pub fn report_at(
        &mut self,
        code: Code,
        index: usize,
        location: Location,
        cap: Level,
        message: String,
        related: Option<Related>,
    ) {
        let file = location.file;
        let item = self.facts[file as usize].items[index];
        let settings = self.settings(file);
        if let Some(mut d) = crate::context::diagnostic(settings, code, cap, location, message) {
            d.related = related.into_iter().collect();
            d.fingerprint = item.hash;
            (self.out)(d, index);
        }
    }
}
