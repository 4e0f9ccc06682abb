//! The collector, on the calling thread: puts the processed chunks back in input order,
//! counts and passes on their findings, appends their facts, and at the end runs the
//! dataset rules and merges their findings in.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;

use crossbeam_channel::Receiver;

use super::store::{RunId, Store};
use super::work::Done;
use super::{FileSummary, Job, RunOptions};
use crate::context::FileContext;
use crate::dataset::{
    DatasetContext, DatasetFile, FactKind, FileFacts, LineReader, Role, Session, SplitGroup,
};
use crate::diagnostic::{Diagnostic, FileId};
use crate::rule::Level;
use crate::rules::jsonl::blank_line;
use crate::rules::{self, Code};
use crate::settings::FormatChoice;
use crate::source::{Reopened, Reread};

/// The fact kinds the enabled dataset rules declare, over every file, and `extra`; `None`
/// when no dataset rule is enabled anywhere and nothing extra is asked for (then no facts
/// are collected at all).
pub(super) fn fact_kinds(
    jobs: &[Job],
    extra: &[&'static FactKind],
) -> Option<Vec<&'static FactKind>> {
    let mut kinds: Option<Vec<&'static FactKind>> = (!extra.is_empty()).then(|| extra.to_vec());
    for rule in rules::dataset_rules() {
        if !jobs.iter().any(|j| rule.runs_for(&j.settings)) {
            continue;
        }
        let kinds = kinds.get_or_insert_with(Vec::new);
        for &kind in rule.facts {
            if !kinds.iter().any(|k| k.is(kind)) {
                kinds.push(kind);
            }
        }
    }
    kinds
}

/// Where the findings go while the run goes on.
enum Output {
    /// Straight to the sink, as each chunk completes: nothing waits for the dataset rules.
    Stream,
    /// Into the store, to be merged with the dataset rules' findings at the end.
    Store { store: Store, records: RunId },
}

pub(super) struct Collector<'a, 's> {
    jobs: &'a [Job],
    options: &'a RunOptions<'a>,
    summaries: Vec<FileSummary>,
    facts: Vec<FileFacts>,
    output: Output,
    sink: &'s mut dyn FnMut(&Diagnostic),
    /// The record whose error findings are being passed on, for [`Collector::kept`].
    record: Option<RecordErrors>,
    /// The findings passed on so far in the current file, per record and rule: each
    /// finding's [`Diagnostic::occurrence`].
    occurrences: HashMap<(u64, Code), u32>,
    occurrences_file: Option<FileId>,
}

/// The error findings of one record (file, line and fingerprint) as they pass, in output
/// order: a record whose every error finding a baseline accepted was counted invalid for
/// findings that are not reported, and counts as valid again. Findings about no record
/// (blank lines, a whole file: fingerprint 0) are not about an example's validity.
struct RecordErrors {
    file: FileId,
    line: u64,
    fingerprint: u64,
    kept: bool,
}

impl<'a, 's> Collector<'a, 's> {
    pub fn new(
        jobs: &'a [Job],
        options: &'a RunOptions<'a>,
        kinds: &Option<Vec<&'static FactKind>>,
        sink: &'s mut dyn FnMut(&Diagnostic),
    ) -> Self {
        let output = match kinds {
            None => Output::Stream,
            Some(_) => {
                let mut store = Store::new(options.findings_budget);
                let records = store.run();
                Output::Store { store, records }
            }
        };
        Collector {
            jobs,
            options,
            summaries: jobs.iter().map(|_| FileSummary::default()).collect(),
            facts: jobs.iter().map(|_| FileFacts::default()).collect(),
            output,
            sink,
            record: None,
            occurrences: HashMap::new(),
            occurrences_file: None,
        }
    }

    /// Takes every processed chunk, in input order, until the workers are done.
    /// Each chunk taken frees a place in the reader's `window`.
    pub fn take(&mut self, done: &Receiver<Done>, window: &Receiver<()>) -> io::Result<()> {
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        // Blank lines at the end of the chunks seen so far of the current file.
        let mut held_blank: Option<blank_line::Run> = None;
        let mut held_file: Option<FileId> = None;
        let mut result = Ok(());
        for item in done.iter() {
            pending.insert(item.seq, item);
            while let Some(item) = pending.remove(&next) {
                next += 1;
                let _ = window.try_recv();
                if held_file != Some(item.file) {
                    held_blank = None;
                    held_file = Some(item.file);
                }
                let summary = &mut self.summaries[item.file as usize];
                summary.examples += item.examples;
                summary.valid += item.valid;
                summary.bytes += item.bytes;
                if item.format.is_some() {
                    summary.format = item.format;
                }
                if let Some(reason) = &item.io_error {
                    summary.io_error = Some(crate::wording::unread_reason(reason));
                }
                if item.tokens.examples() > 0 {
                    summary
                        .tokens
                        .get_or_insert_with(Default::default)
                        .merge(&item.tokens);
                }
                if let Some(facts) = item.facts {
                    self.facts[item.file as usize].append(facts);
                }
                // The run held from the chunks before, and the chunk's leading blank lines.
                let mut blank = held_blank.take();
                if let Some(leading) = item.leading_blank {
                    blank = match blank {
                        Some(held) => match held.join(leading) {
                            Some(joined) => Some(joined),
                            None => {
                                // Lines came between them (never expected): data followed.
                                result = result.and(self.emit_blank(item.file, held));
                                Some(leading)
                            }
                        },
                        None => Some(leading),
                    };
                }
                if item.has_data {
                    if let Some(run) = blank {
                        result = result.and(self.emit_blank(item.file, run));
                    }
                    held_blank = item.trailing_blank;
                } else {
                    held_blank = blank;
                }
                for d in item.diagnostics {
                    result = result.and(self.emit(d));
                }
            }
        }
        // A file read with the format detected, of which no record decided it (it holds no
        // example, or none of its first records fits a format), was read in no format of its
        // own: the reader's fallback is not reported, unless a record read in it is valid
        // (records after the first thousand may fit it).
        for (summary, job) in self.summaries.iter_mut().zip(self.jobs.iter()) {
            if job.settings.format != FormatChoice::Auto || summary.format.is_none() {
                continue;
            }
            if summary.examples == 0 {
                summary.format = Some(FormatChoice::Auto);
            } else if summary.format == Some(FormatChoice::Auto) && summary.valid > 0 {
                summary.format = Some(fallback_format(job));
            }
        }
        result
    }

    /// Reports a run of blank lines that data follows (J003), in `file`.
    fn emit_blank(&mut self, file: FileId, run: blank_line::Run) -> io::Result<()> {
        let mut out = Vec::new();
        let settings = &self.jobs[file as usize].settings;
        blank_line::report(&mut FileContext::new(settings, file, &mut out), run);
        let mut result = Ok(());
        for d in out {
            result = result.and(self.emit(d));
        }
        result
    }

    /// Passes on one record finding, or keeps it for the merge.
    fn emit(&mut self, mut d: Diagnostic) -> io::Result<()> {
        if let Output::Store { store, records } = &mut self.output {
            return store.push(records, d);
        }
        if self.kept(&mut d) {
            self.summaries[d.location.file as usize].tally_diagnostic(&d);
            (self.sink)(&d);
        }
        Ok(())
    }

    /// Whether `d` is reported: never on a context file (see [`Role`]); otherwise unless
    /// the caller's `keep` (a baseline) accepts it. Called once per finding, in output order,
    /// so it numbers each finding's occurrence first, whatever is left out.
    fn kept(&mut self, d: &mut Diagnostic) -> bool {
        if self.options.occurrences {
            if self.occurrences_file != Some(d.location.file) {
                self.occurrences.clear();
                self.occurrences_file = Some(d.location.file);
            }
            let n = self.occurrences.entry((d.fingerprint, d.code)).or_insert(0);
            d.occurrence = *n;
            *n += 1;
        }
        if self.jobs[d.location.file as usize].role == Role::Context {
            return false;
        }
        let Some(keep) = self.options.keep else {
            return true;
        };
        let kept = keep(d);
        if d.level == Level::Error && d.fingerprint != 0 {
            let (file, line, fingerprint) = (d.location.file, d.location.line, d.fingerprint);
            match &mut self.record {
                Some(r) if (r.file, r.line, r.fingerprint) == (file, line, fingerprint) => {
                    r.kept |= kept
                }
                _ => {
                    self.end_record();
                    self.record = Some(RecordErrors {
                        file,
                        line,
                        fingerprint,
                        kept,
                    });
                }
            }
        }
        kept
    }

    /// Closes the record of [`Collector::kept`]: valid again when no error of it was kept.
    fn end_record(&mut self) {
        if let Some(r) = self.record.take()
            && !r.kept
        {
            let summary = &mut self.summaries[r.file as usize];
            summary.valid = (summary.valid + 1).min(summary.examples);
        }
    }

    /// Runs the dataset rules, merges their findings with the record findings kept, and
    /// returns the summaries and the facts.
    pub fn finish(mut self) -> io::Result<(Vec<FileSummary>, Vec<FileFacts>)> {
        let lines = Lines {
            rereads: self
                .jobs
                .iter()
                .map(|j| (j.reread(), j.settings.max_line_bytes(), j.is_json_file()))
                .collect(),
        };
        // Records' keys compare between inputs read as one format (see `defer_hashes`): the
        // format each file's records were read in (a file of which no record decided it, in
        // the fallback); a file without examples has no key to compare.
        let mut formats = self
            .summaries
            .iter()
            .zip(self.jobs.iter())
            .filter(|(s, _)| s.examples > 0)
            .filter_map(|(s, job)| match s.format {
                Some(FormatChoice::Auto) => Some(fallback_format(job)),
                read => read,
            });
        let one_reading = formats
            .next()
            .is_none_or(|first| formats.all(|f| f == first));
        crate::dataset::resolve_hashes(&mut self.facts, &lines, self.options.threads, one_reading);
        let Output::Store { mut store, .. } = std::mem::replace(&mut self.output, Output::Stream)
        else {
            self.end_record();
            return Ok((self.summaries, self.facts));
        };
        let files: Vec<DatasetFile<'_>> = self
            .jobs
            .iter()
            .map(|j| DatasetFile {
                display: &j.display,
                settings: &j.settings,
                role: j.role,
                rows: j.source.is_parquet(),
            })
            .collect();
        let mut failed: Option<io::Error> = None;
        {
            let mut runs: HashMap<Code, RunId> = HashMap::new();
            let mut invalidated: HashSet<(FileId, usize)> = HashSet::new();
            let (facts, summaries) = (&self.facts, &mut self.summaries);
            let mut out = |d: Diagnostic, index: usize| {
                let file = d.location.file;
                // A record invalid only because of a dataset finding stops counting as valid
                // (a finding about a whole file, `NO_RECORD`, is about none of them).
                if d.level == Level::Error
                    && facts[file as usize]
                        .items
                        .get(index)
                        .is_some_and(|i| i.valid)
                    && invalidated.insert((file, index))
                {
                    summaries[file as usize].valid -= 1;
                }
                let run = runs.entry(d.code).or_insert_with(|| store.run());
                if let Err(e) = store.push(run, d) {
                    failed.get_or_insert(e);
                }
            };
            let splits: &[SplitGroup] = &self.options.splits;
            let mut ctx = DatasetContext::new(
                &files,
                facts,
                &lines,
                splits,
                &self.options.datasets,
                self.options.threads,
                &mut out,
            );
            ctx.new_records = self.options.new_records;
            for rule in rules::dataset_rules() {
                if self.jobs.iter().any(|j| rule.runs_for(&j.settings)) {
                    (rule.check)(&mut ctx);
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        for d in store.drain()? {
            let mut d = d?;
            if !self.kept(&mut d) {
                continue;
            }
            self.summaries[d.location.file as usize].tally_diagnostic(&d);
            (self.sink)(&d);
        }
        self.end_record();
        Ok((self.summaries, self.facts))
    }
}

/// The inputs' lines, read again by offset; in a `.json` file, the record at the offset
/// (a record of an array may span lines; a line of JSON Lines is one record all the same).
struct Lines {
    rereads: Vec<(Option<Reread>, u64, bool)>,
}

impl LineReader for Lines {
    fn line(&self, file: FileId, offset: u64) -> Option<Vec<u8>> {
        self.session()(file, offset)
    }

    /// Each file is opened once, at its first line (or `.json` record) read.
    fn session(&self) -> Session<'_> {
        let mut opened: Vec<Option<Option<Reopened>>> = Vec::new();
        Box::new(move |file, offset| {
            let (reread, max, json) = self.rereads.get(file as usize)?;
            let at = file as usize;
            if opened.len() <= at {
                opened.resize_with(at + 1, || None);
            }
            let input = opened[at]
                .get_or_insert_with(|| reread.as_ref()?.open())
                .as_mut()?;
            if *json {
                input.record(offset, *max)
            } else {
                input.line(offset, *max)
            }
        })
    }
}

/// The format a file whose records decided none is read in (see `format::resolve`).
fn fallback_format(job: &Job) -> FormatChoice {
    crate::format::resolve(None, job.settings.target)
}
