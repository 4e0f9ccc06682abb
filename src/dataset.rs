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

use crate::diagnostic::{Diagnostic, FileId, Location, RecordStart, Related, Span};
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
    /// The format the record was read in (the file's, once detected).
    pub format: crate::settings::FormatChoice,
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
            format: settings.format,
            hash: OnceCell::new(),
        }
    }

    /// The canonical hash of the whole record (key order and white space ignored), worked
    /// out once however many collectors and fingerprints ask for it.
    pub fn hash(&self) -> u64 {
        *self.hash.get_or_init(|| {
            // The texts the format decoded are not decoded again.
            let mut decoded = crate::canonical::Decoded::default();
            for m in self.conv.iter().flat_map(|c| &c.messages) {
                for t in m.content.texts().chain(&m.name) {
                    if let std::borrow::Cow::Owned(value) = &t.value {
                        decoded.push(t.span, value);
                    }
                }
            }
            let hash = crate::canonical::hash_with(self.doc, &decoded);
            // Every format's texts are their literals decoded: checked on every record the
            // tests (and debug builds) lint.
            debug_assert_eq!(
                hash,
                crate::canonical::hash(self.doc),
                "a text's span and value disagree"
            );
            hash
        })
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
    *(next as Box<dyn Any>)
        .downcast::<T>()
        .expect("facts of one kind are appended to their own kind")
}

/// One record of a file, as every dataset rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub line: u64,
    pub offset: u64,
    /// The canonical hash of the record, when `hashed`: what exact duplicates share, and the
    /// fingerprint of the findings about it.
    pub hash: u64,
    /// Whether `hash` was worked out. It is for every record that another record of the run
    /// could equal; a record without is one that no other record equals (its
    /// [`record_key`] is its own), so duplicate searches pass it by, and a finding about it
    /// works its fingerprint out from the line read again ([`DatasetContext::report_at`]).
    pub hashed: bool,
    /// No error-level finding from the record rules.
    pub valid: bool,
    /// Where on its line the record starts, in bytes and in characters: 0 for a line of
    /// JSON Lines, the column of its `{` for an element of a `.json` array (`offset` is then
    /// the record's own offset, past the start of its line by `column_bytes`).
    pub column_bytes: u32,
    pub column_chars: u32,
}

impl Item {
    /// Where a finding about the whole record points: its first character.
    pub fn location(&self, file: FileId) -> Location {
        if self.column_bytes == 0 {
            return Location::line_start(file, self.line, self.offset);
        }
        RecordStart {
            line: self.line,
            line_offset: self.offset - u64::from(self.column_bytes),
            column_bytes: self.column_bytes,
            column_chars: self.column_chars,
        }
        .location(file)
    }
}

/// The facts of one file: its records, and one collector per kind the enabled rules need.
#[derive(Default)]
pub struct FileFacts {
    pub items: Vec<Item>,
    /// Each record's [`record_key`], while the canonical hashes wait for
    /// [`resolve_hashes`]; `None` when every record is hashed as it is read.
    keys: Option<Vec<u64>>,
    facts: Vec<(TypeId, Box<dyn Facts>)>,
}

impl FileFacts {
    /// Empty facts with a collector of each of `kinds`. With `defer_hashes`, a record's
    /// canonical hash waits until every record is read, and only records that share their
    /// [`record_key`] with another get one ([`resolve_hashes`]).
    pub fn new(kinds: &[&'static FactKind], settings: &Settings, defer_hashes: bool) -> FileFacts {
        FileFacts {
            items: Vec::new(),
            keys: defer_hashes.then(Vec::new),
            facts: kinds
                .iter()
                .map(|k| {
                    let f = (k.new)(settings);
                    ((&*f as &dyn Any).type_id(), f)
                })
                .collect(),
        }
    }

    /// Adds one record, which starts at `offset` on `line`, to the items and to every
    /// collector.
    pub fn add(&mut self, line: u64, offset: u64, record: &RecordView<'_, '_>) {
        let (hash, hashed) = match &mut self.keys {
            None => (record.hash(), true),
            Some(keys) => {
                // A record the format could not read, or with a repeated key (its last value
                // counts, which a conversation may not say), is hashed now; so is one whose
                // findings needed the hash already.
                let (key, hash) = match record.conv {
                    Some(conv) if record.doc.duplicate_keys().is_empty() => {
                        (record_key(conv), record.hash_if_known())
                    }
                    _ => (record.hash(), Some(record.hash())),
                };
                keys.push(key);
                hash.map_or((0, false), |h| (h, true))
            }
        };
        self.items.push(Item {
            line,
            offset,
            hash,
            hashed,
            valid: record.valid,
            column_bytes: record.start.column_bytes,
            column_chars: record.start.column_chars,
        });
        for (_, f) in &mut self.facts {
            f.add(record);
        }
    }

    /// Appends the facts of the next chunk of the same file.
    pub fn append(&mut self, next: FileFacts) {
        // Every chunk of a run defers its hashes or none does.
        match (&mut self.keys, next.keys) {
            (Some(keys), Some(more)) => keys.extend(more),
            (keys @ None, Some(more)) if self.items.is_empty() => *keys = Some(more),
            _ => {}
        }
        self.items.extend(next.items);
        debug_assert!(
            self.keys
                .as_ref()
                .is_none_or(|k| k.len() == self.items.len())
        );
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
            .and_then(|(_, f)| (&**f as &dyn Any).downcast_ref::<T>())
    }
}

/// Reads single lines of the inputs again, by byte offset.
pub trait LineReader: Sync {
    /// The line of `file` starting at `offset`, without its terminator; `None` when it
    /// cannot be read again.
    fn line(&self, file: FileId, offset: u64) -> Option<Vec<u8>>;

    /// [`LineReader::line`] for one thread that reads many lines: a reader may keep its
    /// files open from one line to the next.
    fn session(&self) -> Session<'_> {
        Box::new(|file, offset| self.line(file, offset))
    }
}

/// [`LineReader::line`] for one thread: what [`LineReader::session`] gives.
pub type Session<'a> = Box<dyn FnMut(FileId, u64) -> Option<Vec<u8>> + 'a>;

/// A cheap key of a record read as a conversation, the same for records that are the same
/// JSON whatever their spelling (it is made of what the format read, which depends only on
/// the record's value and the file's settings): each turn's role and, for each of its
/// texts, its length and its first and last 32 bytes. Records with different keys are
/// different; records with one key are compared by their canonical hashes.
pub fn record_key(conv: &Conversation<'_>) -> u64 {
    use xxhash_rust::xxh3::xxh3_64_with_seed;
    const ENDS: usize = 32;
    let mut key = xxh3_64_with_seed(&[conv.shape as u8], conv.messages.len() as u64);
    for m in &conv.messages {
        key = key.rotate_left(7) ^ (m.role as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for t in m.content.texts() {
            let b = t.value.as_bytes();
            let ends = if b.len() <= 2 * ENDS {
                xxh3_64_with_seed(b, b.len() as u64)
            } else {
                xxh3_64_with_seed(&b[..ENDS], b.len() as u64)
                    ^ xxh3_64_with_seed(&b[b.len() - ENDS..], 1).rotate_left(17)
            };
            key = key.rotate_left(11) ^ ends;
        }
    }
    key
}

/// Works out the canonical hash of every record that shares its [`record_key`] with another
/// record of any file (read again through `lines`, on `threads` threads), so that equal
/// records all have their hash; the keys are dropped. Keys are `comparable` when every file
/// was read as one format; when not, every record is hashed. A record that cannot be read
/// again (the file changed under us) stays without.
pub fn resolve_hashes(
    facts: &mut [FileFacts],
    lines: &dyn LineReader,
    threads: usize,
    comparable: bool,
) {
    if facts.iter().all(|f| f.keys.is_none()) {
        return;
    }
    // The keys that occur more than once: sorted, equal keys are neighbours. (A map of every
    // key, looked up at random, took three times as long; this runs on one thread after the
    // workers are done, so all of its time is wall time.)
    let mut sorted: Vec<u64> = facts
        .iter()
        .filter_map(|f| f.keys.as_deref())
        .flatten()
        .copied()
        .collect();
    sorted.sort_unstable();
    let shared: rustc_hash::FxHashSet<u64> = sorted
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    drop(sorted);
    // (file, index, offset) of each record to hash.
    let mut wanted: Vec<(usize, usize, u64)> = Vec::new();
    for (f, file) in facts.iter().enumerate() {
        let Some(keys) = &file.keys else { continue };
        for (i, (item, key)) in file.items.iter().zip(keys).enumerate() {
            if !item.hashed && (!comparable || shared.contains(key)) {
                wanted.push((f, i, item.offset));
            }
        }
    }
    drop(shared);
    let per_thread = wanted.len().div_ceil(threads.max(1)).max(1);
    let hashes: Vec<Vec<Option<u64>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = wanted
            .chunks(per_thread)
            .map(|part| {
                scope.spawn(move || {
                    let mut parser = crate::json::Parser::new();
                    let mut read = lines.session();
                    part.iter()
                        .map(|&(f, _, offset)| {
                            hash_again(&mut read, &mut parser, f as FileId, offset)
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("hashing records again does not panic"))
            .collect()
    });
    for (&(f, i, _), hash) in wanted.iter().zip(hashes.into_iter().flatten()) {
        if let Some(hash) = hash {
            let item = &mut facts[f].items[i];
            item.hash = hash;
            item.hashed = true;
        }
    }
    for file in facts {
        file.keys = None;
    }
}

/// The canonical hash of the record at `offset` of `file`, read again; `None` when it
/// cannot be (the file changed under us).
fn hash_again(
    read: &mut dyn FnMut(FileId, u64) -> Option<Vec<u8>>,
    parser: &mut crate::json::Parser,
    file: FileId,
    offset: u64,
) -> Option<u64> {
    let bytes = read(file, offset)?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let doc = parser.parse(text).ok()?;
    Some(crate::canonical::hash(&doc))
}

/// Files whose evaluation examples must not repeat their training examples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitGroup {
    pub train: Vec<FileId>,
    pub eval: Vec<FileId>,
}

/// Whether `file` is an evaluation split (validation or test) of a group with a training
/// split, and the training split of none: data the model is measured on, not trained on, which
/// D004, billing and the composition pass over. A validation file alone in the run may be what
/// is uploaded to train.
pub fn is_evaluation(splits: &[SplitGroup], file: FileId) -> bool {
    splits
        .iter()
        .any(|g| !g.train.is_empty() && g.eval.contains(&file))
        && !splits.iter().any(|g| g.train.contains(&file))
}

/// What a run does with a file: judges it (its findings are reported and counted), or reads
/// it only as context, for what its records say about the judged files (the other shards and
/// splits of a staged file's dataset, `--context dataset`): nothing is reported on a context
/// file and nothing of it is counted, but a judged record that duplicates one of its records
/// is reported, naming it. This is the only place the notion lives; the engine drops a
/// context file's findings in `engine::collect` (`Collector::kept`). A context file keeps its
/// place in its dataset's file order ([`DatasetContext::datasets_enabling`]): which copy is
/// the first follows the dataset's order as a run over the whole dataset sees it, so a judged
/// record is reported exactly when that run reports it, and a baseline it wrote still matches.
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
    /// A Parquet table: its records are rows, numbered from 0 (see `Self::place`).
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
    /// Files compared as one dataset by D001 and D002, each in path order (see
    /// [`DatasetContext::datasets_enabling`]).
    pub datasets: &'a [Vec<FileId>],
    pub threads: usize,
    /// Whether the record starting on a line of a file was added since the diff base
    /// (`--diff-base`): an older copy is then named as the first of a duplicate.
    pub new_records: Option<&'a (dyn Fn(FileId, u64) -> bool + Sync)>,
    /// Receives each finding, with the index of the record it is about.
    out: &'a mut dyn FnMut(Diagnostic, usize),
    /// The lines read again for findings' fingerprints, once the first is wanted.
    reread: Option<Session<'a>>,
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
            reread: None,
        }
    }

    /// Whether record `index` of `file` is new, what a finding between a new and an old
    /// record is reported on, whichever comes first: with `--diff-base`, one added or
    /// changed since the base, never a record of a file read as context; without it, none
    /// (the later copy is reported, as in a run over the whole dataset, `--context dataset`
    /// included).
    pub fn is_new(&self, file: FileId, index: usize) -> bool {
        if self.files[file as usize].role == Role::Context {
            return false;
        }
        self.new_records.is_some_and(|new| {
            self.facts[file as usize]
                .items
                .get(index)
                .is_some_and(|item| new(file, item.line))
        })
    }

    pub fn settings(&self, file: FileId) -> &'a Settings {
        self.files[file as usize].settings
    }

    /// Whether `file` is an evaluation split (validation or test) of a group with a training
    /// split, and the training split of none: data the model is measured on, not trained on.
    /// A validation file alone may be what is uploaded to train.
    pub fn is_evaluation(&self, file: FileId) -> bool {
        is_evaluation(self.splits, file)
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
    /// that enable `code`, in the dataset's order (its files' paths, as the run orders
    /// [`DatasetContext::datasets`]; context files keep their place, see [`Role`]), in order
    /// of first file.
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
                    // In the order given (the files' paths), each once.
                    let mut m: Vec<FileId> = Vec::with_capacity(self.datasets[g].len());
                    for &f in &self.datasets[g] {
                        if !m.contains(&f) {
                            m.push(f);
                        }
                    }
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
    /// [`place`](Self::place) of record `index` of `file`, with its column where it does
    /// not start its line (an element of a minified `.json` array: "line 1" would not say
    /// which).
    pub fn place_of(&self, here: FileId, file: FileId, index: usize) -> String {
        let item = &self.facts[file as usize].items[index];
        let place = self.place(here, file, item.line);
        if item.column_bytes == 0 {
            place
        } else {
            format!("{place}, column {}", item.column_chars + 1)
        }
    }

    /// Another file is named as the text formats show paths (`report::shown_path`): a
    /// newline in its name would split the message's line in two.
    pub fn place(&self, here: FileId, file: FileId, line: u64) -> String {
        let rows = self.files.get(file as usize).is_some_and(|f| f.rows);
        let path = || crate::report::shown_path(self.display(file));
        match (here == file, rows) {
            (true, false) => format!("line {line}"),
            (false, false) => format!("{}:{line}", path()),
            (true, true) => format!("row {}", crate::report::row_of(line)),
            (false, true) => format!("{} row {}", path(), crate::report::row_of(line)),
        }
    }

    /// Reports `code` about the whole of `file` (its size, its composition): the finding
    /// points at line 1 and is about no record in particular, so it makes none invalid.
    /// `cap` lowers the level (B001 reports a shortfall below the recommended count as info).
    pub fn report_file(&mut self, code: Code, file: FileId, cap: Level, message: String) {
        self.report_file_at(code, Location::line_start(file, 1, 0), cap, message);
    }

    /// [`report_file`](Self::report_file) pointing at `location` of its file (the first
    /// record, where line 1 is a `.json` array's `[`): still about the file, making no record
    /// invalid.
    pub fn report_file_at(&mut self, code: Code, location: Location, cap: Level, message: String) {
        let file = location.file;
        let settings = self.settings(file);
        if let Some(mut d) = crate::context::diagnostic(settings, code, cap, location, message) {
            d.about_file = true;
            (self.out)(d, NO_RECORD);
        }
    }

    /// [`report_file`](Self::report_file) as an error whatever the rule's default level,
    /// unless the rule is off: a limit the file's target enforces (the provider rejects the
    /// upload). A level the user chose (`--warn B001`) is kept.
    pub fn report_file_error(&mut self, code: Code, file: FileId, message: String) {
        let settings = self.settings(file);
        if !settings.enabled(code) {
            return;
        }
        if settings.chosen_levels[code.index()] {
            self.report_file(code, file, Level::Error, message);
            return;
        }
        let location = Location::line_start(file, 1, 0);
        let mut d = crate::context::diagnostic_at(code, Level::Error, location, message);
        d.about_file = true;
        (self.out)(d, NO_RECORD);
    }

    /// Where `span` of record `index` of `file` is: `span` is a range of the record's text as
    /// the engine read it (what a [`RecordView`]'s conversation spans index), read again now;
    /// the record's first character when it cannot be (a pretty-printed array's record,
    /// whose first line alone is read again, or a file changed under us).
    pub fn locate_in_record(&mut self, file: FileId, index: usize, span: Span) -> Location {
        let item = self.facts[file as usize].items[index];
        let fallback = item.location(file);
        let lines = self.lines;
        let read = self.reread.get_or_insert_with(|| lines.session());
        let Some(bytes) = read(file, item.offset) else {
            return fallback;
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return fallback;
        };
        if span.end as usize > text.len() || !text.is_char_boundary(span.start as usize) {
            return fallback;
        }
        let start = RecordStart {
            line: item.line,
            line_offset: item.offset - u64::from(item.column_bytes),
            column_bytes: item.column_bytes,
            column_chars: item.column_chars,
        };
        Location::in_record(file, &start, text, span)
    }

    /// Where the text the near-duplicate rules compared is in record `index` of `file`
    /// (the first user message), or the record's first character.
    pub fn locate_compared(&mut self, file: FileId, index: usize) -> Location {
        let span = self.facts[file as usize]
            .get::<crate::dedup::texts::CompareTexts>()
            .and_then(|t| t.place_in_record(index));
        match span {
            Some(span) => self.locate_in_record(file, index, span),
            None => self.facts[file as usize].items[index].location(file),
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
        let location = self.facts[file as usize].items[index].location(file);
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
        let settings = self.settings(file);
        if let Some(mut d) = crate::context::diagnostic(settings, code, cap, location, message) {
            d.related = related.into_iter().collect();
            d.fingerprint = self.record_hash(file, index);
            (self.out)(d, index);
        }
    }

    /// The canonical hash of record `index` of `file`, worked out from its line when the run
    /// deferred it; 0 when the line cannot be read again (the file changed under us).
    pub fn record_hash(&mut self, file: FileId, index: usize) -> u64 {
        let item = self.facts[file as usize].items[index];
        if item.hashed {
            return item.hash;
        }
        let lines = self.lines;
        hash_again(
            self.reread.get_or_insert_with(|| lines.session()),
            &mut crate::json::Parser::new(),
            file,
            item.offset,
        )
        .unwrap_or(0)
    }
}
