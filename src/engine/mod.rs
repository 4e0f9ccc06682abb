//! The linting pipeline. One reader thread splits every input into newline-aligned chunks
//! and runs the checks of the file's head and end (`read`; a `.json` array is cut into
//! pieces the workers split into records, `pieces`); worker threads parse each line,
//! normalise it through its input format and run the record rules on it (`work`); the
//! collector on the calling thread puts the chunks back in input order, streams their
//! findings, folds the facts the dataset rules declared, and runs those rules at the end
//! (`collect`).
//!
//! Findings reach the caller's sink in output order, sorted by (file, line, column, code).
//! With no dataset rule enabled they are passed on as each chunk completes; with one, record
//! findings wait for the dataset findings in a store that spills to a temporary file beyond
//! a memory budget (`store`), so memory stays bounded however many findings there are.

mod collect;
mod pieces;
mod read;
pub(crate) use read::whole_source_is_json;
pub(crate) mod store;
mod work;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, OnceLock};

use crossbeam_channel::{bounded, unbounded};

use crate::context::RecordContext;
use crate::dataset::SplitGroup;
use crate::diagnostic::{Diagnostic, FileId};
use crate::format;
use crate::json::Parser;
use crate::settings::{FormatChoice, Settings};
pub use crate::source::InputSource;
use crate::source::Reread;
pub use crate::summary::FileSummary;

/// Writing an input's spool (tunelint's temporary copy of a compressed input, a table or
/// standard input, in `$TMPDIR`) failed: a fault of tunelint's surroundings (a full
/// temporary folder), not of the input, so the run ends with it rather than counting the
/// input as unreadable.
#[derive(Clone, Debug, thiserror::Error)]
#[error(
    "cannot write tunelint's temporary copy of {input}, {}: {reason}; the input is not at fault: a compressed input, a Parquet table or standard input is copied to the temporary folder ($TMPDIR) as it is read, so that its lines can be read again (free space there, or set TMPDIR to a folder with room)",
    path.display()
)]
pub struct SpoolError {
    /// The input, as shown to the user.
    pub input: String,
    /// The temporary copy.
    pub path: PathBuf,
    pub reason: String,
}

impl SpoolError {
    /// The spool failure `e` is, if it is one.
    pub fn of(e: &std::io::Error) -> Option<&SpoolError> {
        e.get_ref()?.downcast_ref::<SpoolError>()
    }
}

/// One input to lint, with its resolved settings.
#[derive(Clone, Debug)]
pub struct Job {
    /// The path as shown to the user (`-` for stdin).
    pub display: String,
    pub source: InputSource,
    pub settings: Settings,
    /// The record rules `settings` enable, in the order they run.
    pub plan: crate::rules::Plan,
    /// For an input that cannot be read twice (standard input, a pipe) or whose lines cannot
    /// be found by offset (a compressed file): a file the reader copies the text it reads
    /// to, so that lines can be read again from it by offset.
    pub spool: Option<PathBuf>,
    /// Judged (the default), or read only as context for the dataset rules.
    pub role: crate::dataset::Role,
    /// For a Parquet table, what its schema says of its columns: set by the reader when it
    /// opens the table, before it sends a row, and read by the workers for each row.
    pub(crate) table: std::sync::OnceLock<crate::source::TableShape>,
}

impl Job {
    pub fn new(display: impl Into<String>, source: InputSource, settings: Settings) -> Job {
        Job {
            display: display.into(),
            source,
            plan: crate::rules::Plan::new(&settings),
            settings,
            spool: None,
            role: crate::dataset::Role::Judged,
            table: std::sync::OnceLock::new(),
        }
    }

    /// Marks this input as read only as context for the dataset rules (`--context
    /// dataset`): its record findings would be dropped, so its record rules do not run and
    /// its tokens are not counted; its records still feed the dataset rules' facts.
    pub fn read_as_context(&mut self) {
        self.role = crate::dataset::Role::Context;
        self.plan = crate::rules::Plan::none();
    }

    /// Whether this input is named `.json` (plain or compressed): read as an array of
    /// records when it holds one.
    pub fn is_json_file(&self) -> bool {
        match &self.source {
            InputSource::File(path) => crate::source::is_json_name(path),
            _ => crate::source::is_json_name(std::path::Path::new(&self.display)),
        }
    }

    /// Where this input's lines can be read again by offset, if anywhere.
    pub fn reread(&self) -> Option<Reread> {
        if let Some(spool) = &self.spool {
            return Some(Reread::File(spool.clone()));
        }
        if self.source.compression().is_some() || self.source.is_parquet() {
            return None;
        }
        match &self.source {
            InputSource::Memory(bytes) => Some(Reread::Memory(bytes.clone())),
            InputSource::File(path) if self.source.is_regular() => Some(Reread::File(path.clone())),
            _ => None,
        }
    }

    /// Gives this input a spool when it needs one: when it cannot be read twice (standard
    /// input, a pipe, a device) or is compressed (its text is decompressed once, as it is
    /// linted, and copied to the spool, rather than decompressed again from the start for
    /// every line read later), or is a Parquet table (the spool holds its rows as lines of
    /// JSON, the text its findings point into). The spool is removed when the returned path is dropped; it is
    /// not held open meanwhile, so a run over thousands of compressed shards does not run out
    /// of file descriptors.
    pub fn spool_if_needed(&mut self) -> std::io::Result<Option<crate::interrupt::TempPath>> {
        if self.source.is_regular()
            && self.source.compression().is_none()
            && !self.source.is_parquet()
        {
            return Ok(None);
        }
        let spool = tempfile::Builder::new()
            .prefix("tunelint-input-")
            .suffix(".jsonl")
            .tempfile()?;
        let spool = crate::interrupt::TempPath::new(spool.into_temp_path());
        self.spool = Some(spool.to_path_buf());
        Ok(Some(spool))
    }
}

/// What a run needs besides its jobs.
pub struct RunOptions<'a> {
    pub threads: usize,
    /// Bytes read so far, for a progress display.
    pub progress: Option<&'a AtomicU64>,
    /// Train/evaluation groups checked against each other for leakage (D003).
    pub splits: Vec<SplitGroup>,
    /// Files compared as one dataset by D001 and D002 (shards of one split), each in file
    /// order; a file in none is compared on its own.
    pub datasets: Vec<Vec<FileId>>,
    /// Whether a finding is reported (and counted): false for the findings a baseline
    /// accepts. Every finding is reported without it. A record whose error findings it all
    /// refuses counts as valid. It is not asked about a context file's findings (see
    /// [`crate::dataset::Role`]), which are never reported.
    pub keep: Option<&'a (dyn Fn(&Diagnostic) -> bool + Sync)>,
    /// Whether the record starting on a line of a file is new (`--diff-base`): the dataset
    /// rules name an older copy as the first, so a finding lands on the new record.
    pub new_records: Option<&'a (dyn Fn(FileId, u64) -> bool + Sync)>,
    /// Bytes of findings held in memory while the dataset rules need them to wait; more are
    /// written to a temporary file.
    pub findings_budget: usize,
    /// Number each finding's occurrence ([`Diagnostic::occurrence`]) as it is passed on:
    /// only SARIF's fingerprints need it, and it costs a map entry per record with findings
    /// in a file.
    pub occurrences: bool,
    /// Facts collected whatever rules are enabled (`stats`' collector), handed back by
    /// [`run_with_facts`].
    pub facts: Vec<&'static crate::dataset::FactKind>,
    /// Bytes of a `.json` array's text a worker is handed at a time (0: the records are
    /// split on the reader thread): a setting only so that tests can cut small arrays.
    pub array_piece_bytes: usize,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            threads: 1,
            progress: None,
            splits: Vec::new(),
            datasets: Vec::new(),
            keep: None,
            new_records: None,
            findings_budget: store::DEFAULT_BUDGET,
            occurrences: false,
            facts: Vec::new(),
            array_piece_bytes: pieces::PIECE_BYTES,
        }
    }
}

/// Lints every job, calling `sink` with each diagnostic in output order; returns each
/// file's summary. A finding that could not be kept for ordering (the disk of the spill
/// file full, say) ends the run with that I/O error.
pub fn run(
    jobs: &[Job],
    options: &RunOptions<'_>,
    sink: &mut dyn FnMut(&Diagnostic),
) -> std::io::Result<Vec<FileSummary>> {
    run_with_facts(jobs, options, sink).map(|(summaries, _)| summaries)
}

/// Whether a run of `jobs` collecting `facts` reads records again after reading them
/// once: when a dataset rule is on for one of them, or facts are asked for.
pub fn reads_records_again(jobs: &[Job], facts: &[&'static crate::dataset::FactKind]) -> bool {
    collect::fact_kinds(jobs, facts).is_some()
}

/// [`run`], also returning each file's facts: its records (line and hash) and the
/// collectors of every kind collected, `options.facts` among them.
pub fn run_with_facts(
    jobs: &[Job],
    options: &RunOptions<'_>,
    sink: &mut dyn FnMut(&Diagnostic),
) -> std::io::Result<(Vec<FileSummary>, Vec<crate::dataset::FileFacts>)> {
    let threads = options.threads.max(1);
    let (work_tx, work_rx) = bounded::<work::Work>(threads * 2);
    let (done_tx, done_rx) = unbounded::<work::Done>();
    // Chunks sent and not yet taken in order by the collector. Without a limit, memory grew
    // with the findings: a worker kept finishing chunks (each up to a chunk's worth of
    // findings) while the collector waited for an earlier one, or wrote slower than the
    // workers found.
    let (window_tx, window_rx) = bounded::<()>(threads * 4);
    let (pool_tx, pool_rx) = unbounded::<Vec<u8>>();
    let kinds = collect::fact_kinds(jobs, &options.facts);
    let defer_hashes = defer_hashes(jobs);
    let mut collector = collect::Collector::new(jobs, options, &kinds, sink);
    let workers = AtomicUsize::new(threads);
    let spool_failed: Arc<OnceLock<SpoolError>> = Arc::default();
    let taken = std::thread::scope(|scope| -> std::io::Result<()> {
        let workers = &workers;
        for _ in 0..threads {
            let (work_rx, done_tx, pool_tx) = (work_rx.clone(), done_tx.clone(), pool_tx.clone());
            let kinds = &kinds;
            scope.spawn(move || {
                let _running = Running(workers);
                work::worker(jobs, kinds, defer_hashes, work_rx, done_tx, pool_tx)
            });
        }
        drop(done_tx);
        let reading = read::Reading {
            progress: options.progress,
            piece_bytes: options.array_piece_bytes,
            workers,
            window: &window_tx,
            spool_failed: &spool_failed,
        };
        let reader = scope.spawn(move || {
            let mut seq = 0u64;
            for (id, job) in jobs.iter().enumerate() {
                read::read_job(
                    id as crate::diagnostic::FileId,
                    job,
                    &work_tx,
                    &pool_rx,
                    &mut seq,
                    &reading,
                );
                // The run ends with that error: the other inputs are not read for nothing.
                if reading.spool_failed.get().is_some() {
                    break;
                }
            }
        });
        let result = collector.take(&done_rx, &window_rx);
        // A reader waiting for room in the window must not wait for a collector that is done.
        drop(window_rx);
        // The reader only fails by panicking, which scope() re-raises.
        let _ = reader.join();
        result
    });
    if let Some(failure) = spool_failed.get() {
        return Err(std::io::Error::other(failure.clone()));
    }
    taken?;
    collector.finish()
}

/// Counts a worker thread out when it ends, by returning or by panicking.
struct Running<'a>(&'a AtomicUsize);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Release);
    }
}

/// Whether the records' canonical hashes can wait for the end of the run, where only those
/// of records that share their key with another are worked out (`dataset::resolve_hashes`):
/// when every input can be read again with the same settings. A record's key is made of
/// what its format read, so keys compare only between inputs read as one format: a format
/// the settings name, or, detected, the same in every input, which is known only at the
/// end (where, if the detected formats differ, every record is hashed after all).
fn defer_hashes(jobs: &[Job]) -> bool {
    // Whether a file is an evaluation split changes no key (only what D004 reports).
    let alike = |a: &Settings, b: &Settings| {
        let mut a = a.clone();
        a.evaluation_split = b.evaluation_split;
        a == *b
    };
    let same_settings = match jobs {
        [] | [_] => true,
        [first, rest @ ..] => rest
            .iter()
            .all(|j| j.settings == first.settings || alike(&j.settings, &first.settings)),
    };
    same_settings && jobs.iter().all(|j| j.reread().is_some())
}

/// Lints bytes held in memory with `settings`, returning the diagnostics in order and the
/// summary: the whole pipeline, for tests and fuzzing.
pub fn lint_bytes(bytes: &[u8], settings: &Settings) -> (Vec<Diagnostic>, FileSummary) {
    lint_bytes_as("<memory>", bytes, settings)
}

/// [`lint_bytes`] for bytes read as if from a file called `name`: a `.json` name makes an
/// array of records read as one (`source::ArrayReader`).
pub fn lint_bytes_as(
    name: &str,
    bytes: &[u8],
    settings: &Settings,
) -> (Vec<Diagnostic>, FileSummary) {
    let mut job = Job::new(name, InputSource::Memory(bytes.into()), settings.clone());
    // Compressed bytes are decompressed once, to a spool; without one (a temporary
    // directory that cannot be written) their lines are linted all the same, only not read
    // again.
    let _spool = job.spool_if_needed().ok().flatten();
    let mut out = Vec::new();
    let options = RunOptions {
        threads: 2,
        ..RunOptions::default()
    };
    let summaries = run(std::slice::from_ref(&job), &options, &mut |d| {
        out.push(d.clone())
    });
    let summary = summaries.ok().and_then(|mut s| s.pop()).unwrap_or_default();
    (out, summary)
}

/// The token figures of one record line, counted on the calling thread, whose tokenizer
/// later calls reuse, with the tokenizer `settings` name; `None` when the line is not a record
/// of a known format or the model's chat template cannot render it.
pub fn count_tokens(line: &str, settings: &Settings) -> Option<crate::tokens::ExampleTokens> {
    let mut parser = Parser::new();
    let doc = parser.parse(line).ok()?;
    let format = match settings.format {
        FormatChoice::Auto => {
            format::fit_target(format::detect_for(&doc, settings.target)?, settings.target)
        }
        chosen => chosen,
    };
    let mut scratch = Vec::new();
    let mut ctx = RecordContext::new(settings, 0, 1, 0, line, &mut scratch);
    let conv = format::normalize(format, &doc, &mut ctx)?;
    crate::tokens::count_example(
        &conv.as_trained(),
        line,
        settings.model.as_deref(),
        settings.encoding,
        crate::tokens::hf::Trainer::of(settings.target),
    )
    .ok()
}
