//! The `dedupe` command: a copy of a file without the examples `check` reports as exact
//! (D001) or near (D002) duplicates, which is what the lesson's greedy `deduplicate()` drops.
//!
//! The duplicates are found by the engine, as `check` finds them: the file's own settings
//! with D001 and D002 (as configured: one set off removes nothing) the only rules besides
//! the J rules (which stay as configured: they decide what is an example), read through the same bounded reader. Their findings name
//! the lines that go; the copy then streams the input block by block and leaves those lines
//! out, every other byte unchanged (byte-order mark, line ends, blank and invalid lines).
//! The output is written to a temporary file beside it and renamed into place, and the
//! input is never written.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use crate::engine::{self, InputSource, Job, RunOptions};
use crate::output::{OutputError, OutputFile};
use crate::registry::Code;
use crate::rule::{Category, Level};
use crate::settings::Settings;
use crate::wording::thousands;

/// Why an example goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    Exact {
        of_line: u64,
    },
    /// `similar` says how similar, as the D002 finding does: `98.1% similar`.
    Near {
        of_line: u64,
        similar: String,
    },
}

/// One example that goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Removal {
    pub line: u64,
    /// Where the line starts in the file, to check that the copy drops the same line.
    pub offset: u64,
    pub reason: Reason,
}

/// What deduplicating a file removes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Examples in the file, as `check` counts them (lines that are not blank).
    pub examples: u64,
    /// In line order.
    pub removals: Vec<Removal>,
}

impl Plan {
    pub fn kept(&self) -> u64 {
        self.examples.saturating_sub(self.removals.len() as u64)
    }

    /// More than half of the examples would go: a wrong field or threshold is more likely
    /// than a dataset that is mostly copies, so it takes `--force`.
    pub fn removes_most(&self) -> bool {
        2 * self.removals.len() as u64 > self.examples
    }

    /// The largest group of removed examples that repeat one kept example: that example's
    /// line and how many repeat it (the earliest line among equal groups), if anything goes.
    pub fn largest_group(&self) -> Option<(u64, u64)> {
        let mut sizes: std::collections::BTreeMap<u64, u64> = Default::default();
        for r in &self.removals {
            let of = match r.reason {
                Reason::Exact { of_line } | Reason::Near { of_line, .. } => of_line,
            };
            *sizes.entry(of).or_insert(0) += 1;
        }
        sizes
            .into_iter()
            .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)))
    }
}

/// Why most of a file would go, for the refusal: the largest group and its share.
fn most_removed_why(plan: &Plan) -> String {
    match plan.largest_group() {
        Some((line, size)) => format!(
            "; the largest group is the example at line {line} and {} {} that {} it ({:.0}% of the file)",
            thousands(size),
            if size == 1 { "example" } else { "examples" },
            if size == 1 { "repeats" } else { "repeat" },
            100.0 * (size + 1) as f64 / plan.examples.max(1) as f64,
        ),
        None => String::new(),
    }
}

/// The shared prompt template that makes most examples look alike, when D005 finds one
/// (a second pass, taken only to explain a refusal): `"; D005: 7,036 of 7,133 ..."`.
fn template_why(display: &str, input: &Path, settings: &Settings, threads: usize) -> String {
    let mut settings = self::settings(settings.clone());
    for code in [Code::D001, Code::D002] {
        settings.levels[code.index()] = Level::Off;
    }
    settings.levels[Code::D005.index()] = Code::D005.meta().default_level;
    let job = Job::new(display, InputSource::File(input.to_path_buf()), settings);
    let options = RunOptions {
        threads,
        ..RunOptions::default()
    };
    let mut why = String::new();
    let _ = engine::run(std::slice::from_ref(&job), &options, &mut |d| {
        if d.code == Code::D005 {
            why = format!(
                "; {} (line {}): {}",
                d.code.as_str(),
                d.location.line,
                d.message
            );
        }
    });
    why
}

#[derive(Debug, thiserror::Error)]
pub enum DedupeError {
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Reading the input or writing the output failed (said once: not as a source too).
    #[error("{path}: {}", crate::source::io_error_text(.error))]
    Io { path: String, error: io::Error },
    #[error("{path}: {reason}; nothing was deduplicated")]
    NotLinted { path: String, reason: String },
    #[error(
        "{path}: would remove {} of {} examples, more than half of them; dedupe does that only \
         with --force (list them with --dry-run first: a `dedup.field` or `dedup.threshold` \
         that does not fit the data, or a prompt template most examples share, can make most \
         examples look alike){why}",
        thousands(*removed),
        thousands(*examples)
    )]
    MostRemoved {
        path: String,
        removed: u64,
        examples: u64,
        /// The largest group of look-alikes: what drives the removals.
        why: String,
    },
    /// Writing the copy compressed again is not done yet; a plain copy under a `.gz` name
    /// would mislead whatever reads it next.
    #[error(
        "{path}: is {}-compressed; dedupe reads and writes plain JSON Lines only: {}",
        compression.name(),
        decompress_hint(path, *compression)
    )]
    Compressed {
        path: String,
        compression: crate::source::Compression,
    },
    /// A table's rows cannot be rewritten as they were read: dedupe writes JSON Lines.
    #[error(
        "{path}: is a Parquet table; dedupe rewrites JSON Lines only. `tunelint check {path}` lists its duplicates (D001, D002) by row; to dedupe it, convert it to JSON Lines first (`datasets`: `Dataset.from_parquet(PATH).to_json(OUT)`) and dedupe the result"
    )]
    Table { path: String },
    /// An array's elements cannot be dropped line by line: dedupe writes JSON Lines.
    #[error(
        "{path}: is a JSON array; dedupe rewrites JSON Lines only. `tunelint check {path}` lists its duplicates (D001, D002) at each record's line and column; to dedupe it, convert it to JSON Lines first (`jq -c '.[]' {path} > OUT.jsonl`) and dedupe the result"
    )]
    Array { path: String },
    #[error(
        "{path} changed while it was deduplicated (line {line} is no longer where it was); nothing was written"
    )]
    Changed { path: String, line: u64 },
}

/// How to give dedupe the plain text of a compressed input: a file decompressed first,
/// standard input decompressed on its way in.
fn decompress_hint(path: &str, compression: crate::source::Compression) -> String {
    let tool = match compression {
        crate::source::Compression::Gzip => "gzip",
        crate::source::Compression::Zstd => "zstd",
    };
    if path == "-" {
        format!("decompress it on the way in (`{tool} -dc FILE | tunelint dedupe - ...`)")
    } else {
        let keep = if tool == "gzip" { "k" } else { "" };
        format!("decompress it first (`{tool} -d{keep} FILE`) and dedupe the result")
    }
}

/// Whether `input` is a `.json` file whose text is an array (its first byte after white
/// space is `[`), which the engine reads record by record but a line-wise copy cannot
/// rewrite. A file that cannot be opened is not one: reading it reports why.
fn holds_array(input: &std::path::Path) -> bool {
    use std::io::Read;
    if !crate::source::is_json_name(input) {
        return false;
    }
    let Ok(file) = std::fs::File::open(input) else {
        return false;
    };
    let mut head = Vec::new();
    if file.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    // A byte-order mark before it is J005's to report, not a reason to miss the array.
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// The settings `dedupe` lints a file with: its own, with every rule off but the J rules
/// (as configured: they decide what is an example) and D001 and D002 as configured: what
/// `check` does not call a duplicate (D002 set off for templated tasks, say) stays.
pub fn settings(mut settings: Settings) -> Settings {
    for &code in Code::ALL {
        let keep = code.category() == Category::Jsonl || matches!(code, Code::D001 | Code::D002);
        if !keep {
            settings.levels[code.index()] = Level::Off;
        }
    }
    settings.token_stats = false;
    settings
}

/// Finds what deduplicating `input` removes, with [`settings`] made of `settings`.
pub fn plan(
    display: &str,
    input: &Path,
    settings: &Settings,
    threads: usize,
) -> Result<Plan, DedupeError> {
    let job = Job::new(
        display,
        InputSource::File(input.to_path_buf()),
        self::settings(settings.clone()),
    );
    let options = RunOptions {
        threads,
        ..RunOptions::default()
    };
    let mut removals: Vec<Removal> = Vec::new();
    let mut not_linted: Option<String> = None;
    let summaries = engine::run(std::slice::from_ref(&job), &options, &mut |d| {
        let related = d.related.first();
        let reason = match (d.code, related) {
            (Code::D001, Some(r)) => Reason::Exact { of_line: r.line },
            (Code::D002, Some(r)) => Reason::Near {
                of_line: r.line,
                similar: r.message.clone(),
            },
            // The reader stops at these: the file is not JSON Lines, or not the data.
            (Code::J006 | Code::J007, _) => {
                not_linted.get_or_insert_with(|| d.message.clone());
                return;
            }
            _ => return,
        };
        // One removal per line (D002 never reports an exact duplicate, but be sure).
        if removals.last().is_none_or(|r| r.line != d.location.line) {
            removals.push(Removal {
                line: d.location.line,
                offset: d.location.line_offset,
                reason,
            });
        }
    })
    .map_err(|source| DedupeError::Io {
        path: display.to_owned(),
        error: source,
    })?;
    let summary = summaries.into_iter().next().unwrap_or_default();
    if let Some(reason) = summary.io_error.or(not_linted) {
        return Err(DedupeError::NotLinted {
            path: display.to_owned(),
            reason,
        });
    }
    Ok(Plan {
        examples: summary.examples,
        removals,
    })
}

/// What to deduplicate, and where to.
pub struct Request<'a> {
    /// The input as shown to the user.
    pub display: &'a str,
    pub input: &'a Path,
    /// `None`: only find what would go (`--dry-run`).
    pub output: Option<&'a Path>,
    /// The input's settings (`dedup.exhaustive` included).
    pub settings: &'a Settings,
    pub threads: usize,
    /// Remove more than half of the examples if need be.
    pub force: bool,
    /// `input` is a copy of what was read from standard input: the output must not be the
    /// file standard input was redirected from either.
    pub from_stdin: bool,
    /// What the run reads besides the data (the configuration, the dataset registry, the
    /// files the configuration names), which the output must not overwrite either.
    pub read: &'a crate::output::Inputs,
}

/// Deduplicates `request.input` into `request.output`, or only finds what would go when
/// there is no output. Refuses, writing nothing, to remove more than half of the examples
/// without `force`. The output is checked against the input and created before the input
/// is read, written through a temporary file and renamed into place once all is written.
pub fn dedupe(request: &Request<'_>) -> Result<Plan, DedupeError> {
    let path = request.display;
    if let Some(compression) = InputSource::File(request.input.to_path_buf()).compression() {
        return Err(DedupeError::Compressed {
            path: path.to_owned(),
            compression,
        });
    }
    if InputSource::File(request.input.to_path_buf()).is_parquet() {
        return Err(DedupeError::Table {
            path: path.to_owned(),
        });
    }
    if holds_array(request.input) {
        return Err(DedupeError::Array {
            path: path.to_owned(),
        });
    }
    let out = match request.output {
        Some(output) => {
            let mut inputs = crate::output::Inputs::default();
            inputs.add(request.input);
            if request.from_stdin {
                inputs.add_stdin();
            }
            inputs.check("-o", output)?;
            request.read.check("-o", output)?;
            Some((output, OutputFile::create(output)?))
        }
        None => None,
    };
    let plan = plan(path, request.input, request.settings, request.threads)?;
    let Some((output, mut file)) = out else {
        return Ok(plan);
    };
    if plan.removes_most() && !request.force {
        return Err(DedupeError::MostRemoved {
            path: path.to_owned(),
            removed: plan.removals.len() as u64,
            examples: plan.examples,
            why: most_removed_why(&plan)
                + &template_why(path, request.input, request.settings, request.threads),
        });
    }
    copy_without(path, request.input, output, &mut file, &plan.removals)?;
    file.commit().map_err(|source| DedupeError::Io {
        path: output.display().to_string(),
        error: source,
    })?;
    Ok(plan)
}

/// Copies `input` to `out` block by block, leaving out the lines of `removals` (in line
/// order). Memory stays one block however long a line is; a removed line that is not where
/// the engine saw it means the file changed in between, and nothing is written.
fn copy_without(
    display: &str,
    input: &Path,
    output: &Path,
    out: &mut impl Write,
    removals: &[Removal],
) -> Result<(), DedupeError> {
    let read_err = |source| DedupeError::Io {
        path: display.to_owned(),
        error: source,
    };
    let write_err = |source| DedupeError::Io {
        path: output.display().to_string(),
        error: source,
    };
    let mut file = File::open(input).map_err(read_err)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut next = removals.iter().peekable();
    let (mut line, mut line_start, mut pos) = (1u64, 0u64, 0u64);
    // Whether the current line goes: decided at its start.
    let mut starts = |line: u64, start: u64| -> Result<bool, DedupeError> {
        match next.peek() {
            Some(r) if r.line == line => {
                if r.offset != start {
                    return Err(DedupeError::Changed {
                        path: display.to_owned(),
                        line,
                    });
                }
                next.next();
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let mut dropping = starts(line, line_start)?;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_err(e)),
        };
        let mut i = 0;
        while i < n {
            let newline = memchr::memchr(b'\n', &buf[i..n]);
            let end = newline.map_or(n, |k| i + k + 1);
            if !dropping {
                out.write_all(&buf[i..end]).map_err(write_err)?;
            }
            if newline.is_some() {
                line += 1;
                line_start = pos + end as u64;
                dropping = starts(line, line_start)?;
            }
            i = end;
        }
        pos += n as u64;
    }
    // A line the engine removed that the copy never reached: the file shrank.
    if let Some(r) = next.peek() {
        return Err(DedupeError::Changed {
            path: display.to_owned(),
            line: r.line,
        });
    }
    Ok(())
}
