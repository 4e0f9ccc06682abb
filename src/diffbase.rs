//! `--diff-base REV`: which records were added or changed since a git revision, so that a
//! run reads the whole dataset (duplicates and leaks need it) but reports only on those.
//!
//! git is run as a subprocess, not linked (libgit2): the user's own git reads the
//! repository exactly as they see it (worktrees, partial and shallow clones, `safe.directory`,
//! new index and pack formats), and a CI runner has it installed already.
//!
//! A record is *changed* when its canonical hash (`crate::canonical`, the fingerprint every
//! finding carries) occurs more often in the dataset now than in the base version of the
//! same files, and it sits on a line `git diff` shows as added. The hash makes a reordered
//! or moved example unchanged (it still counts once), the count makes a new exact copy of an
//! old example changed, and the added lines say which of the copies is the new one. A
//! compressed file has no lines in `git diff`: its records are compared by hash alone, the
//! later copies being the new ones. See docs/diff-base.md.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::diagnostic::{Diagnostic, FileId};
use crate::registry::Code;
use crate::report::DiffSummary;
use crate::rule::Level;
use crate::summary::FileSummary;

/// Why the records changed since the base cannot be told.
#[derive(Debug, thiserror::Error)]
pub enum DiffBaseError {
    #[error("--diff-base needs git, which could not be run: {0}")]
    NoGit(String),
    #[error("--diff-base: {dir} is not in a git repository")]
    NotARepository { dir: String },
    #[error(
        "--diff-base {rev}: no such commit in this repository; in a shallow clone (actions/checkout's default depth of 1) the base is missing: use fetch-depth: 0 or fetch the base (git fetch origin {rev})"
    )]
    MissingRevision { rev: String },
    #[error(
        "--diff-base {rev}: that is a {kind} of this repository, not a commit; name the commit to compare with (a branch, a tag, a SHA)"
    )]
    NotACommit { rev: String, kind: String },
    #[error("--diff-base compares files with git: it cannot read standard input")]
    Stdin,
    #[error("--diff-base: {path} is outside the git repository {root}")]
    Outside { path: String, root: String },
    #[error("--diff-base: {0}")]
    Git(String),
}

/// One record of a file: the lines it spans, its columns on the first and the last (a
/// `.json` array written on one line holds every record on line 1), and its canonical hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Record {
    first_line: u64,
    last_line: u64,
    /// Its first character's column on `first_line` (1-based, in code points).
    first_column: u32,
    /// The column just after its last character on `last_line`.
    end_column: u32,
    hash: u64,
}

impl Record {
    /// Whether the record holds the character at `line`, `column`.
    fn holds(&self, line: u64, column: u32) -> bool {
        (line, column) >= (self.first_line, self.first_column)
            && (line, column) < (self.last_line, self.end_column)
    }
}

/// What changed in one file.
#[derive(Debug, Default)]
struct FileChanges {
    /// The records now, in line order.
    records: Vec<Record>,
    /// Per record, whether it was added or changed since the base.
    changed: Vec<bool>,
    /// Lines `git diff` shows as added (1-based, inclusive ranges, in order); every line
    /// for a file without a base version.
    added: Vec<(u64, u64)>,
    /// No version of the file at the base: everything in it is new.
    new_file: bool,
    /// What made the whole file unreadable, now and at the base ([`unreadable`]): a file
    /// that turns into a Git LFS pointer or binary data has no added lines in `git diff`, so
    /// its J006 or J007 is new by this, not by its lines.
    unreadable: Option<Code>,
    base_unreadable: Option<Code>,
}

impl FileChanges {
    /// The record at `line`, `column` (any column: the first record on the line; a record
    /// that ends on the line is before one that starts there).
    fn record_at(&self, line: u64, column: Option<u32>) -> Option<usize> {
        let mut i = self.records.partition_point(|r| r.last_line < line);
        if let Some(column) = column {
            // Records that end on this line before the column come first.
            while self
                .records
                .get(i)
                .is_some_and(|r| r.last_line == line && r.end_column <= column)
            {
                i += 1;
            }
            return self
                .records
                .get(i)
                .filter(|r| r.holds(line, column))
                .map(|_| i);
        }
        self.records
            .get(i)
            .filter(|r| r.first_line <= line)
            .map(|_| i)
    }

    /// The records on `line`, by index.
    fn records_on(&self, line: u64) -> std::ops::Range<usize> {
        let first = self.records.partition_point(|r| r.last_line < line);
        let end = first
            + self.records[first..]
                .iter()
                .take_while(|r| r.first_line <= line)
                .count();
        first..end
    }

    fn line_added(&self, line: u64) -> bool {
        let i = self.added.partition_point(|&(_, last)| last < line);
        self.added.get(i).is_some_and(|&(first, _)| first <= line)
    }

    /// Whether something at `line`, `column` is new: a changed record, or (outside any
    /// record, a blank line say) an added line. Without a column (a related line): the
    /// record on the line when it is the only one; a line of several (a `.json` array on one
    /// line) cannot say which it names, and is not taken as new.
    fn line_changed(&self, line: u64, column: Option<u32>) -> bool {
        match column {
            Some(column) => match self.record_at(line, Some(column)) {
                Some(i) => self.changed[i],
                None => self.new_file || self.line_added(line),
            },
            None => {
                let on = self.records_on(line);
                match on.len() {
                    0 => self.new_file || self.line_added(line),
                    1 => self.changed[on.start],
                    _ => false,
                }
            }
        }
    }
}

/// The records of every input added or changed since the base revision.
#[derive(Debug)]
pub struct Changes {
    /// The revision as given on the command line.
    pub rev: String,
    files: Vec<FileChanges>,
    /// What the user should know about how the files were compared (a base version whose
    /// Git LFS content is not in the clone).
    pub notes: Vec<String>,
}

impl Changes {
    /// Whether a finding is judged: it is on a changed record (or an added line), or it
    /// names one (a dataset-wide finding involving a new record). A finding about a whole
    /// file (its size, its composition) is judged only in a file added since the base.
    pub fn judges(&self, d: &Diagnostic) -> bool {
        // A finding about the text rather than a record (a byte-order mark, a missing final
        // newline, a repeated key: none changes the record's canonical hash; a file left with
        // only blank lines) is new when its line was added.
        let file = self.files.get(d.location.file as usize);
        if matches!(d.code, Code::J005 | Code::J009 | Code::J010 | Code::J011)
            && file.is_some_and(|f| f.new_file || f.line_added(d.location.line))
        {
            return true;
        }
        // A file that became binary since the base: the change broke it. A Git LFS pointer in
        // the working tree is always news: git stores every LFS file as a pointer, so the base
        // being one says nothing, and the checkout lacks the content the run should judge.
        if let Some(f) = file
            && f.unreadable == Some(d.code)
            && (f.base_unreadable != Some(d.code) || d.code == Code::J006)
        {
            return true;
        }
        if d.about_file {
            // It points at line 1, but which lines changed says nothing about it: it is taken
            // to be as old as the file (`--gate-scope all` gates on it all the same).
            return self
                .files
                .get(d.location.file as usize)
                .is_some_and(|f| f.new_file);
        }
        let changed = |file: FileId, line: u64, column: Option<u32>| {
            self.files
                .get(file as usize)
                .is_some_and(|f| f.line_changed(line, column))
        };
        // A related place makes a finding new only when it is another copy of the record
        // (duplicates, leaks), not when it is an example of what most records do (C012's
        // most common system prompt).
        let related_counts = d.code.meta().category == crate::rule::Category::Duplicates;
        changed(d.location.file, d.location.line, Some(d.location.column))
            || (related_counts && d.related.iter().any(|r| changed(r.file, r.line, None)))
    }

    /// Whether the record that starts on `line` of `file` was added or changed: the dataset
    /// rules name an older copy as the first one, so the finding lands on the new record.
    pub fn is_new_record(&self, file: FileId, line: u64) -> bool {
        self.files.get(file as usize).is_some_and(|f| {
            f.records_on(line)
                .any(|i| f.changed[i] && f.records[i].first_line == line)
        })
    }

    /// The record of `file` a finding at `line`, `column` is about, by index, when it is a
    /// changed one.
    pub fn changed_record(&self, file: FileId, line: u64, column: u32) -> Option<usize> {
        let f = self.files.get(file as usize)?;
        f.record_at(line, Some(column)).filter(|&i| f.changed[i])
    }

    /// Changed records of `file`.
    pub fn judged_records(&self, file: FileId) -> u64 {
        self.files
            .get(file as usize)
            .map_or(0, |f| f.changed.iter().filter(|&&c| c).count() as u64)
    }

    /// Every record of `file`, changed or read as context.
    pub fn records(&self, file: FileId) -> u64 {
        self.files
            .get(file as usize)
            .map_or(0, |f| f.records.len() as u64)
    }
}

/// What a run reported with `--diff-base`: the findings judged, per file, and the changed
/// records they make invalid; the findings on the context are only counted.
pub struct Judged {
    summaries: Vec<FileSummary>,
    invalid: HashSet<(FileId, usize)>,
    new_findings: u64,
    preexisting: u64,
}

impl Judged {
    pub fn new(files: usize) -> Judged {
        Judged {
            summaries: vec![FileSummary::default(); files],
            invalid: HashSet::new(),
            new_findings: 0,
            preexisting: 0,
        }
    }

    /// Counts `d`; returns whether it is reported (judged).
    pub fn note(&mut self, changes: &Changes, d: &Diagnostic) -> bool {
        if !changes.judges(d) {
            self.preexisting += 1;
            return false;
        }
        self.new_findings += 1;
        let file = d.location.file;
        if let Some(s) = self.summaries.get_mut(file as usize) {
            s.tally_diagnostic(d);
        }
        if d.level == Level::Error
            && let Some(i) = changes.changed_record(file, d.location.line, d.location.column)
        {
            self.invalid.insert((file, i));
        }
        true
    }

    /// The run's summary of what it judged, and each file's summary (`all`, the engine's)
    /// narrowed to its changed records: their number, how many are valid, the findings
    /// reported. Bytes and tokens stay the whole file's.
    pub fn finish(
        self,
        changes: &Changes,
        all: &[FileSummary],
        gates_all: bool,
    ) -> (DiffSummary, Vec<FileSummary>) {
        let mut judged_records = 0;
        let mut records = 0;
        let summaries = all
            .iter()
            .zip(self.summaries)
            .enumerate()
            .map(|(i, (all, judged))| {
                let file = i as FileId;
                // A file the engine stopped reading (a Git LFS pointer, binary data) has no
                // examples, whatever lines it has.
                let examples = changes.judged_records(file).min(all.examples);
                judged_records += examples;
                records += changes.records(file).min(all.examples);
                let invalid = self.invalid.iter().filter(|(f, _)| *f == file).count() as u64;
                FileSummary {
                    examples,
                    valid: examples.saturating_sub(invalid),
                    counts: judged.counts,
                    structure_errors: judged.structure_errors,
                    ..all.clone()
                }
            })
            .collect();
        let diff = DiffSummary {
            base: changes.rev.clone(),
            judged: judged_records,
            context: records - judged_records,
            new_findings: self.new_findings,
            preexisting: self.preexisting,
            gates_all,
        };
        (diff, summaries)
    }
}

/// Works out the changed records of `paths` (the run's inputs, `None` for standard input)
/// since `rev`, in the git repository that holds them (found from the first; `cwd`'s when
/// there is none), so a run from outside the repository reads `rev` where the data is.
/// `datasets` are the files compared as one dataset (shards): a record moved from one shard
/// to another is not new.
pub fn changes(
    rev: &str,
    cwd: &Path,
    paths: &[Option<PathBuf>],
    datasets: &[Vec<FileId>],
) -> Result<Changes, DiffBaseError> {
    if paths.iter().any(Option::is_none) {
        return Err(DiffBaseError::Stdin);
    }
    let first_dir = paths.iter().flatten().next().map(|p| {
        let dir = if p.is_dir() {
            p.as_path()
        } else {
            p.parent().unwrap_or(p)
        };
        // A bare file name's parent is empty: the working directory.
        if dir.as_os_str().is_empty() { cwd } else { dir }
    });
    // The first input's repository, unless it is a submodule of the working directory's,
    // which then holds every input: REV names a commit of that one (`--diff-base BASE .`
    // in a repository whose submodule sorts first). A clone of its own inside another
    // working tree (not a submodule) keeps its own history.
    let own = Git::open(first_dir.unwrap_or(cwd));
    let git = match (Git::open(cwd), own) {
        (Ok(outer), Ok(own))
            if own.root != outer.root
                && own.superproject().as_deref() == Some(outer.root.as_path())
                && paths.iter().flatten().all(|p| outer.holds(p)) =>
        {
            outer
        }
        (_, own) => own?,
    };
    // A revision that could be read as an option is no revision of this repository.
    let commit = if rev.starts_with('-') || rev.is_empty() {
        None
    } else {
        git.output(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])?
        .map(|s| String::from_utf8_lossy(&s).trim().to_owned())
    };
    let Some(commit) = commit else {
        // A tree or a blob (`HEAD^{tree}`, `HEAD:train.jsonl`) exists: not a shallow clone's
        // missing base.
        let kind = if rev.starts_with('-') || rev.is_empty() {
            None
        } else {
            git.output(&["cat-file", "-t", rev])?
                .map(|s| String::from_utf8_lossy(&s).trim().to_owned())
                .filter(|k| k == "tree" || k == "blob")
        };
        return Err(match kind {
            Some(kind) => DiffBaseError::NotACommit {
                rev: rev.into(),
                kind,
            },
            None => DiffBaseError::MissingRevision { rev: rev.into() },
        });
    };
    let renamed = git.renames(&commit)?;
    let relatives = paths
        .iter()
        .flatten()
        .map(|p| git.relative(p))
        .collect::<Result<Vec<String>, _>>()?;
    let lfs_tracked = git.lfs_tracked(&relatives)?;

    // Each file is compared on its own (two git calls and the hashing of both versions),
    // several at a time: a dataset of thousands of shards would otherwise wait on git
    // one file after another.
    let inputs: Vec<(&PathBuf, &String)> = paths.iter().flatten().zip(&relatives).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(inputs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Compared, DiffBaseError>>>> =
        inputs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(path, relative)) = inputs.get(i) else {
                        break;
                    };
                    let compared =
                        compare_file(&git, &commit, rev, path, relative, &renamed, &lfs_tracked);
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(compared);
                }
            });
        }
    });
    let mut files = Vec::with_capacity(inputs.len());
    let mut base_hashes: Vec<Vec<u64>> = Vec::with_capacity(inputs.len());
    let mut notes = Vec::new();
    for result in results {
        let compared = result
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_else(|| Err(DiffBaseError::Git("a file was not compared".into())))?;
        files.push(compared.file);
        base_hashes.push(compared.base_hashes);
        notes.extend(compared.note);
    }

    // Each dataset (or file on its own) is compared with its files' base versions as one.
    let mut grouped = vec![false; files.len()];
    let mut scopes: Vec<Vec<usize>> = Vec::new();
    for group in datasets {
        let members: Vec<usize> = group
            .iter()
            .map(|&f| f as usize)
            .filter(|&f| f < files.len() && !grouped[f])
            .collect();
        for &m in &members {
            grouped[m] = true;
        }
        if !members.is_empty() {
            scopes.push(members);
        }
    }
    scopes.extend((0..files.len()).filter(|&f| !grouped[f]).map(|f| vec![f]));
    for scope in scopes {
        mark_changed(&mut files, &base_hashes, &scope);
    }
    Ok(Changes {
        rev: rev.to_owned(),
        files,
        notes,
    })
}

/// One file compared with its base version: its records and the lines added, the record
/// hashes of the base version, and what the user should know about how it was compared.
struct Compared {
    file: FileChanges,
    base_hashes: Vec<u64>,
    note: Option<String>,
}

/// Compares the file at `path` (`relative` in the repository) with its version at `commit`
/// (`rev` as the user wrote it), under its old name if `renamed` says it was renamed.
fn compare_file(
    git: &Git,
    commit: &str,
    rev: &str,
    path: &Path,
    relative: &str,
    renamed: &HashMap<String, String>,
    lfs_tracked: &HashSet<String>,
) -> Result<Compared, DiffBaseError> {
    let mut note = None;
    let base_hashes;
    // Git is given the names as the file system spells them (a name that is not UTF-8 too);
    // a renamed file's old name is git's own.
    let exact = git.exact(path).unwrap_or_else(|| OsString::from(relative));
    let base_path = renamed
        .get(relative)
        .map_or_else(|| exact.clone(), OsString::from);
    let now = std::fs::read(path).unwrap_or_default();
    let json = crate::source::is_json_name(path);
    let mut file = FileChanges {
        records: records(&now, json),
        unreadable: unreadable(&now),
        ..FileChanges::default()
    };
    match git.blob(commit, &base_path)? {
        None => {
            if git.in_nested_repository(path) {
                note = Some(format!(
                    "--diff-base: {relative} is in a git submodule, whose history is not the repository's: every record of it is judged as changed"
                ));
            }
            file.new_file = true;
            file.added = vec![(1, u64::MAX)];
            base_hashes = Vec::new();
        }
        Some(mut base) => {
            // A file kept in Git LFS: git holds (and diffs) its pointer, not its lines.
            // The base's content is read from the clone's LFS objects, and the records
            // are compared by hash alone, as in a compressed file.
            let pointer = |b: &[u8]| crate::rules::jsonl::lfs_pointer::is_pointer(b);
            let lfs = lfs_tracked.contains(relative) || pointer(&base);
            if pointer(&base) && !pointer(&now) {
                match git.lfs_object(&base) {
                    Some(content) => base = content,
                    None => {
                        note = Some(format!(
                            "--diff-base: {relative} is kept in Git LFS and its content at {rev} is not in this clone, so every record of it is judged as changed (`git lfs fetch origin {rev}` fetches it)"
                        ));
                        base = Vec::new();
                    }
                }
            }
            file.base_unreadable = unreadable(&base);
            base_hashes = records(&base, json).iter().map(|r| r.hash).collect();
            file.added = if lfs || is_encoded(&now) || is_encoded(&base) {
                // No lines to diff: any copy may be the new one.
                vec![(1, u64::MAX)]
            } else {
                git.added_lines(commit, &base_path, &exact)?
            };
        }
    }
    Ok(Compared {
        file,
        base_hashes,
        note,
    })
}

/// Marks the changed records of the files of one dataset: per hash, as many occurrences as
/// the base held are old, those on unchanged lines first, then the earliest on added lines;
/// the others are new.
fn mark_changed(files: &mut [FileChanges], base_hashes: &[Vec<u64>], scope: &[usize]) {
    let mut quota: HashMap<u64, usize> = HashMap::new();
    for &f in scope {
        for &h in &base_hashes[f] {
            *quota.entry(h).or_default() += 1;
        }
    }
    for &f in scope {
        let file = &mut files[f];
        file.changed = vec![true; file.records.len()];
        for (i, r) in file.records.iter().enumerate() {
            let added = (r.first_line..=r.last_line).any(|l| file.line_added(l));
            if !added {
                file.changed[i] = false;
                if let Some(n) = quota.get_mut(&r.hash) {
                    *n = n.saturating_sub(1);
                }
            }
        }
    }
    for &f in scope {
        let file = &mut files[f];
        for (i, r) in file.records.iter().enumerate() {
            if !file.changed[i] {
                continue;
            }
            if let Some(n) = quota.get_mut(&r.hash)
                && *n > 0
            {
                *n -= 1;
                file.changed[i] = false;
            }
        }
    }
}

/// The rule that finds a file's bytes unreadable as a whole, as the engine judges them
/// from their head: J006 for a Git LFS pointer, J007 for binary data or text that is not
/// UTF-8 with `\n` line ends.
fn unreadable(bytes: &[u8]) -> Option<Code> {
    if crate::rules::jsonl::lfs_pointer::is_pointer(bytes) {
        return Some(Code::J006);
    }
    let head = &bytes[..bytes.len().min(crate::source::HEAD_BYTES)];
    (!is_encoded(bytes) && crate::rules::jsonl::not_jsonl::not_utf8_lines(head).is_some())
        .then_some(Code::J007)
}

/// Whether a file's bytes are not its text: compressed, or a Parquet table.
fn is_encoded(bytes: &[u8]) -> bool {
    crate::source::Compression::sniff(bytes).is_some() || crate::source::is_parquet(bytes)
}

/// The records of a file's bytes (decompressed when they are gzip or zstd, a Parquet table's
/// rows as lines of JSON), hashed as the engine fingerprints them: a `.json` file holding an
/// array by its elements, anything else by its non-blank lines.
fn records(bytes: &[u8], json_name: bool) -> Vec<Record> {
    let mut text = Vec::new();
    let bytes = if crate::source::is_parquet(bytes) {
        // An unreadable table has no records; the engine reports why.
        if let Ok(mut rows) = crate::source::RowsAsLines::open(bytes::Bytes::copy_from_slice(bytes))
        {
            let _ = rows.read_to_end(&mut text);
        }
        &text[..]
    } else if crate::source::Compression::sniff(bytes).is_some() {
        let reader: Box<dyn Read + '_> = Box::new(std::io::Cursor::new(bytes));
        // A corrupt stream keeps what could be read; the engine reports the rest.
        if let Ok((mut r, _)) = crate::source::decompressed(reader) {
            let _ = r.read_to_end(&mut text);
        }
        &text[..]
    } else {
        bytes
    };
    let (bytes, offset) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (bytes, 0),
    };
    let mut parser = crate::json::Parser::new();
    // A record with a repeated key is compared as written: its canonical hash keeps the last
    // value only, so a key repeated in the change (J010) would leave it unchanged.
    let mut hash = |text: &[u8]| match std::str::from_utf8(text) {
        Ok(s) => match parser.parse(s) {
            Ok(doc) if doc.duplicate_keys().is_empty() => crate::canonical::hash(&doc),
            Ok(doc) => crate::canonical::hash(&doc) ^ crate::canonical::hash_raw(text),
            Err(_) => crate::canonical::hash_raw(text),
        },
        Err(_) => crate::canonical::hash_raw(text),
    };
    let is_array = json_name
        && bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'[');
    let mut out = Vec::new();
    if is_array {
        let mut reader = crate::source::ArrayReader::new(bytes, offset, u64::MAX);
        let mut batch = Vec::new();
        while let Ok(Some(event)) = reader.next_event(&mut batch) {
            match event {
                crate::source::ArrayEvent::Record { at, start, end } => {
                    let text = &batch[start..end];
                    let newlines = memchr::memchr_iter(b'\n', text).count() as u64;
                    let last = memchr::memrchr(b'\n', text).map_or(text, |i| &text[i + 1..]);
                    let last_chars = String::from_utf8_lossy(last).chars().count() as u32;
                    let first_column = at.column_chars + 1;
                    out.push(Record {
                        first_line: at.line,
                        last_line: at.line + newlines,
                        first_column,
                        end_column: if newlines == 0 {
                            first_column + last_chars
                        } else {
                            last_chars + 1
                        },
                        hash: hash(text),
                    });
                    batch.clear();
                }
                crate::source::ArrayEvent::NotArray { .. } => break,
                _ => {}
            }
        }
    } else {
        for (line, _, text) in crate::source::lines(bytes, 1, 0) {
            if text.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            out.push(Record {
                first_line: line,
                last_line: line,
                first_column: 1,
                end_column: u32::MAX,
                hash: hash(text),
            });
        }
    }
    out
}

/// The repository that holds the inputs.
struct Git {
    /// The top of the working tree, canonical.
    root: PathBuf,
}

impl Git {
    fn open(cwd: &Path) -> Result<Git, DiffBaseError> {
        let out = Command::new("git")
            .arg("-C")
            .arg(cwd)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .map_err(|e| DiffBaseError::NoGit(crate::source::io_error_text(&e)))?;
        if !out.status.success() {
            return Err(DiffBaseError::NotARepository {
                dir: cwd.display().to_string(),
            });
        }
        let top = String::from_utf8_lossy(&out.stdout).trim_end().to_owned();
        let root = std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(top));
        Ok(Git { root })
    }

    /// `git ARGS` in the repository: its standard output, or `None` when it fails.
    fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Option<Vec<u8>>, DiffBaseError> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .map_err(|e| DiffBaseError::NoGit(crate::source::io_error_text(&e)))?;
        Ok(out.status.success().then_some(out.stdout))
    }

    /// The working tree this repository is a submodule of, if it is one.
    fn superproject(&self) -> Option<PathBuf> {
        let out = self
            .output(&["rev-parse", "--show-superproject-working-tree"])
            .ok()??;
        let top = String::from_utf8_lossy(&out).trim_end().to_owned();
        (!top.is_empty())
            .then(|| std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(top)))
    }

    /// Whether `path` is in the working tree.
    fn holds(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|full| full.starts_with(&self.root))
    }

    /// Whether `path` belongs to another repository inside this one (a submodule).
    fn in_nested_repository(&self, path: &Path) -> bool {
        let dir = if path.is_dir() {
            path
        } else {
            path.parent().unwrap_or(path)
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        Git::open(dir).is_ok_and(|own| own.root != self.root)
    }

    /// `path` relative to the top of the working tree, with `/` separators.
    fn relative(&self, path: &Path) -> Result<String, DiffBaseError> {
        let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let outside = || DiffBaseError::Outside {
            path: path.display().to_string(),
            root: self.root.display().to_string(),
        };
        let rel = full.strip_prefix(&self.root).map_err(|_| outside())?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Ok(parts.join("/"))
    }

    /// Files renamed since `commit`: new path → old path.
    fn renames(&self, commit: &str) -> Result<HashMap<String, String>, DiffBaseError> {
        let out = self
            .output(&[
                "diff",
                "--no-ext-diff",
                "--no-textconv",
                "--name-status",
                "-z",
                "-M",
                commit,
                "--",
            ])?
            .ok_or_else(|| DiffBaseError::Git(format!("git diff {commit} failed")))?;
        let mut map = HashMap::new();
        let mut fields = out
            .split(|&b| b == 0)
            .map(|f| String::from_utf8_lossy(f).into_owned());
        while let Some(status) = fields.next() {
            if status.is_empty() {
                break;
            }
            let first = fields.next().unwrap_or_default();
            if status.starts_with('R') || status.starts_with('C') {
                let second = fields.next().unwrap_or_default();
                if status.starts_with('R') {
                    map.insert(second, first);
                }
            }
        }
        Ok(map)
    }

    /// Which of `paths` git hands to Git LFS (`filter=lfs` in `.gitattributes`).
    fn lfs_tracked(&self, paths: &[String]) -> Result<HashSet<String>, DiffBaseError> {
        use std::io::Write as _;
        use std::process::Stdio;
        if paths.is_empty() {
            return Ok(HashSet::new());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["check-attr", "-z", "--stdin", "filter"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| DiffBaseError::NoGit(crate::source::io_error_text(&e)))?;
        let mut input = Vec::new();
        for p in paths {
            input.extend_from_slice(p.as_bytes());
            input.push(0);
        }
        // Written from a thread: git answers as it reads, and a full pipe each way would
        // block both.
        let mut stdin = child.stdin.take();
        let writer = std::thread::spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                let _ = stdin.write_all(&input);
            }
        });
        let out = child
            .wait_with_output()
            .map_err(|e| DiffBaseError::NoGit(crate::source::io_error_text(&e)))?;
        let _ = writer.join();
        if !out.status.success() {
            return Ok(HashSet::new());
        }
        // `path NUL attribute NUL value NUL`, per path.
        let fields: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
        Ok(fields
            .chunks(3)
            .filter(|f| f.len() == 3 && f[2] == b"lfs")
            .map(|f| String::from_utf8_lossy(f[0]).into_owned())
            .collect())
    }

    /// The content a Git LFS pointer names, from the clone's own LFS objects
    /// (`.git/lfs/objects/`); `None` when it was never fetched. Nothing is downloaded.
    fn lfs_object(&self, pointer: &[u8]) -> Option<Vec<u8>> {
        let text = std::str::from_utf8(pointer).ok()?;
        let oid = text
            .lines()
            .find_map(|l| l.strip_prefix("oid sha256:"))?
            .trim();
        if oid.len() != 64 || !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let size: Option<u64> = text
            .lines()
            .find_map(|l| l.strip_prefix("size "))
            .and_then(|n| n.trim().parse().ok());
        let common = self.output(&["rev-parse", "--git-common-dir"]).ok()??;
        let common = PathBuf::from(String::from_utf8_lossy(&common).trim_end());
        let common = if common.is_absolute() {
            common
        } else {
            self.root.join(common)
        };
        let object = common
            .join("lfs/objects")
            .join(&oid[..2])
            .join(&oid[2..4])
            .join(oid);
        let content = std::fs::read(object).ok()?;
        (size.is_none_or(|n| n == content.len() as u64)).then_some(content)
    }

    /// The content of `path` at `commit`, `None` when it did not exist there.
    fn blob(&self, commit: &str, path: &OsStr) -> Result<Option<Vec<u8>>, DiffBaseError> {
        let mut object = OsString::from(format!("{commit}:"));
        object.push(path);
        self.output(&[OsStr::new("cat-file"), OsStr::new("blob"), &object])
    }

    /// `path` relative to the top of the working tree as the file system names it (`/`
    /// separators), for git's arguments: a name that is not UTF-8 is passed as it is, where
    /// [`Git::relative`] shows it.
    fn exact(&self, path: &Path) -> Option<OsString> {
        let full = std::fs::canonicalize(path).ok()?;
        let rel = full.strip_prefix(&self.root).ok()?;
        let mut out = OsString::new();
        for (i, c) in rel.components().enumerate() {
            if i > 0 {
                out.push("/");
            }
            out.push(c.as_os_str());
        }
        Some(out)
    }

    /// The lines of `path` (in the working tree) that `git diff` shows as added since
    /// `base_path` at `commit`: inclusive ranges, in order.
    fn added_lines(
        &self,
        commit: &str,
        base_path: &OsStr,
        path: &OsStr,
    ) -> Result<Vec<(u64, u64)>, DiffBaseError> {
        let mut args: Vec<OsString> = [
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "-U0",
            "-M",
            "-a",
            commit,
            "--",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let literal = |p: &OsStr| {
            let mut spec = OsString::from(":(literal)");
            spec.push(p);
            spec
        };
        args.push(literal(path));
        if base_path != path {
            args.push(literal(base_path));
        }
        let out = self.output(&args)?.ok_or_else(|| {
            DiffBaseError::Git(format!(
                "git diff {commit} -- {} failed",
                path.to_string_lossy()
            ))
        })?;
        let mut added = Vec::new();
        for line in out.split(|&b| b == b'\n') {
            let Some(rest) = line.strip_prefix(b"@@ ") else {
                continue;
            };
            let rest = String::from_utf8_lossy(rest);
            let Some(new) = rest.split(' ').find_map(|w| w.strip_prefix('+')) else {
                continue;
            };
            let mut parts = new.split(',');
            let start: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: u64 = parts
                .next()
                .map_or(Some(1), |s| s.parse().ok())
                .unwrap_or(0);
            if count > 0 && start > 0 {
                added.push((start, start + count - 1));
            }
        }
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_lines_and_arrays_hash_alike() {
        let lines = records(b"{\"a\": 1}\n\n{\"b\":2}\n", false);
        assert_eq!(
            lines.iter().map(|r| r.first_line).collect::<Vec<_>>(),
            [1, 3]
        );
        let array = records(b"[\n  {\"b\": 2},\n  {\"a\":\n 1}\n]\n", true);
        assert_eq!(
            array
                .iter()
                .map(|r| (r.first_line, r.last_line))
                .collect::<Vec<_>>(),
            [(2, 2), (3, 4)]
        );
        assert_eq!(array[1].hash, lines[0].hash);
        assert_eq!(array[0].hash, lines[1].hash);
    }

    #[test]
    fn a_new_copy_on_an_added_line_is_changed_and_a_moved_one_is_not() {
        let rec = |line, hash| Record {
            first_line: line,
            last_line: line,
            first_column: 1,
            end_column: u32::MAX,
            hash,
        };
        // Base: [7, 8]. Now: [8 (moved up, added line), 7, 7 (a new copy, added line)].
        let mut files = vec![FileChanges {
            records: vec![rec(1, 8), rec(2, 7), rec(3, 7)],
            added: vec![(1, 1), (3, 3)],
            ..FileChanges::default()
        }];
        mark_changed(&mut files, &[vec![7, 8]], &[0]);
        assert_eq!(files[0].changed, [false, false, true]);
    }

    /// A `.json` array written on one line (`json.dump` without `indent`) holds every record
    /// on line 1: a finding is the record's at its column, not the line's first record's.
    #[test]
    fn records_on_one_line_are_told_apart_by_column() {
        let text = "[{\"a\": 1}, {\"b\": \"été\"}, {\"c\": 3}]".as_bytes();
        let file = FileChanges {
            records: records(text, true),
            changed: vec![false, true, false],
            ..FileChanges::default()
        };
        let columns: Vec<(u32, u32)> = file
            .records
            .iter()
            .map(|r| (r.first_column, r.end_column))
            .collect();
        assert_eq!(columns, [(2, 10), (12, 24), (26, 34)]);
        assert_eq!(file.record_at(1, Some(5)), Some(0));
        assert_eq!(file.record_at(1, Some(11)), None);
        assert_eq!(file.record_at(1, Some(20)), Some(1));
        assert_eq!(file.record_at(1, Some(30)), Some(2));
        assert!(file.line_changed(1, Some(20)));
        assert!(!file.line_changed(1, Some(5)));
        // A related line names no column: on a line of several records, none is taken.
        assert!(!file.line_changed(1, None));
    }
}
