//! `tunelint dedupe IN -o OUT`: a copy of IN without exact and near duplicates, keeping the
//! first example of each group with the lesson's greedy semantics: an example is dropped when
//! it matches an example already kept (exactly after canonicalisation, or with a similarity
//! above the threshold), and every other line is copied unchanged, in order.
//!
//! IN is streamed; the kept examples' compared texts, signatures and hashes stay in memory.
//! OUT is written to a temporary file beside it and renamed into place, so a crash never
//! leaves half a file, and IN is never written.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::index::{self, BANDS, Signature};
use super::similarity::Matcher;
use crate::json::{Kind, Parser};
use crate::settings::DedupConfig;
use crate::settings::{FormatChoice, Settings};

/// Why an example goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    Exact { of_line: u64 },
    Near { of_line: u64, similarity: f64 },
}

/// One dropped example.
#[derive(Clone, Debug, PartialEq)]
pub struct Dropped {
    pub line: u64,
    pub reason: Reason,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub examples: u64,
    pub kept: u64,
    pub dropped: Vec<Dropped>,
}

#[derive(Debug, thiserror::Error)]
pub enum DedupeError {
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> DedupeError + '_ {
    move |source| DedupeError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Kept examples, indexed for the near-duplicate search.
struct Kept {
    lines: Vec<u64>,
    offsets: Vec<u64>,
    texts: Vec<String>,
    /// Length of each text in code points, for the length bound of the exhaustive search.
    char_lens: Vec<usize>,
    /// Compare every kept example, as the lesson does, instead of the index's candidates.
    exhaustive: bool,
    sigs: Vec<Signature>,
    by_hash: HashMap<u64, Vec<u32>>,
    bands: Vec<HashMap<u32, Vec<u32>>>,
}

// Ids taken from each band bucket, most recent first, and exact checks per example, best
// estimates first: the limits of D002's search.
use super::search::{MAX_CHECKS, MIN_ESTIMATE, PER_BAND};
/// Inputs of up to this many lines are searched exhaustively, every example against every
/// kept one like the lesson's loop (with exact length and character-count shortcuts), so
/// that their result is the lesson's exactly; larger ones use the index. The search is
/// quadratic: about 6 s for 3,000 templated support chats on the 2-core benchmark machine.
pub const EXHAUSTIVE_UP_TO: u64 = 3_000;

/// Deduplicates `input` into `output` (or only reports, when `output` is `None`).
/// With `exhaustive`, every input is searched like the lesson does, whatever its size.
pub fn dedupe(
    input: &Path,
    output: Option<&Path>,
    settings: &Settings,
    exhaustive: bool,
) -> Result<Outcome, DedupeError> {
    if let Some(out) = output {
        let mut inputs = crate::output::Inputs::default();
        inputs.add(input);
        inputs.check("-o", out)?;
    }
    let file = File::open(input).map_err(io_err(input))?;
    let mut reread = File::open(input).map_err(io_err(input))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut writer = match output {
        Some(out) => Some(crate::output::OutputFile::create(out)?),
        None => None,
    };
    let lines = count_lines(input).map_err(io_err(input))?;
    let result = (|| {
        let mut kept = Kept {
            lines: Vec::new(),
            offsets: Vec::new(),
            texts: Vec::new(),
            char_lens: Vec::new(),
            exhaustive: exhaustive || lines <= EXHAUSTIVE_UP_TO,
            sigs: Vec::new(),
            by_hash: HashMap::new(),
            bands: (0..BANDS).map(|_| HashMap::new()).collect(),
        };
        let mut outcome = Outcome::default();
        let (mut parser, mut check_parser, mut matcher) =
            (Parser::new(), Parser::new(), Matcher::new());
        let mut buf = Vec::new();
        let (mut line_no, mut offset) = (0u64, 0u64);
        let format = settings.format;
        let dedup = &settings.dedup;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(io_err(input))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let line_offset = offset;
            offset += n as u64;
            let body = trim_line(&buf);
            let verdict = if body.iter().all(|b| b.is_ascii_whitespace()) {
                None
            } else {
                outcome.examples += 1;
                judge(
                    body,
                    line_offset,
                    format,
                    dedup,
                    &mut kept,
                    &mut parser,
                    &mut check_parser,
                    &mut matcher,
                    &mut reread,
                    line_no,
                )
            };
            match verdict {
                Some(Verdict::Drop(reason)) => outcome.dropped.push(Dropped {
                    line: line_no,
                    reason,
                }),
                other => {
                    if let Some(Verdict::Keep) = other {
                        outcome.kept += 1;
                    } else if !body.iter().all(|b| b.is_ascii_whitespace()) {
                        // Lines that are not examples we can judge are kept as they are.
                        outcome.kept += 1;
                    }
                    if let Some(w) = writer.as_mut() {
                        w.write_all(&buf).map_err(io_err(output.unwrap_or(input)))?;
                    }
                }
            }
        }
        Ok(outcome)
    })();
    // The temporary file becomes OUT only when everything went well; otherwise it is removed.
    match (result, writer, output) {
        (Ok(outcome), Some(w), Some(out)) => {
            w.commit().map_err(io_err(out))?;
            Ok(outcome)
        }
        (result, _, _) => result,
    }
}

enum Verdict {
    Keep,
    Drop(Reason),
}

/// Decides one example; `None` for a line that is not an example we can judge.
#[allow(clippy::too_many_arguments)]
fn judge(
    body: &[u8],
    offset: u64,
    format: FormatChoice,
    dedup: &DedupConfig,
    kept: &mut Kept,
    parser: &mut Parser,
    check_parser: &mut Parser,
    matcher: &mut Matcher,
    reread: &mut File,
    line_no: u64,
) -> Option<Verdict> {
    let text = std::str::from_utf8(body).ok()?;
    let doc = parser.parse(text).ok()?;
    if doc.kind(doc.root()) != Kind::Object {
        return None;
    }
    let hash = crate::canonical::hash(&doc);
    // Exact: a kept record with the same hash and the same canonical text.
    if let Some(ids) = kept.by_hash.get(&hash) {
        let canonical = crate::canonical::to_string(&doc);
        for &id in ids {
            if canonical_at(reread, kept.offsets[id as usize], check_parser).as_deref()
                == Some(canonical.as_str())
            {
                return Some(Verdict::Drop(Reason::Exact {
                    of_line: kept.lines[id as usize],
                }));
            }
        }
    }
    // Near: the compared text against the kept examples the index suggests.
    let mut sink = Vec::new();
    let settings = Settings {
        format,
        dedup: dedup.clone(),
        ..Settings::default()
    };
    let mut ctx =
        crate::context::RecordContext::new(&settings, 0, line_no, offset, text, &mut sink);
    let compared = crate::format::normalize(resolve(format, &doc), &doc, &mut ctx)
        .map(|conv| crate::dedup::texts::dedup_text(&conv, dedup.field))
        .unwrap_or_default();
    let sig = (!compared.is_empty()).then(|| index::signature(&compared));
    let char_len = compared.chars().count();
    if kept.exhaustive && !compared.is_empty() {
        // The lesson's loop: every kept example in order, the first match wins.
        matcher.set_a(&compared);
        for id in 0..kept.texts.len() {
            if Matcher::real_quick_ratio(char_len, kept.char_lens[id]) <= dedup.threshold {
                continue;
            }
            if let Some(similarity) = matcher.exceeds_against(&kept.texts[id], dedup.threshold) {
                return Some(Verdict::Drop(Reason::Near {
                    of_line: kept.lines[id],
                    similarity,
                }));
            }
        }
    } else if let Some(sig) = &sig {
        let mut candidates: Vec<u32> = Vec::new();
        for (b, table) in kept.bands.iter().enumerate() {
            if let Some(ids) = table.get(&band_key(sig, b)) {
                candidates.extend(ids.iter().rev().take(PER_BAND));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut ranked: Vec<(f64, u32)> = candidates
            .into_iter()
            .map(|c| (index::estimate(sig, &kept.sigs[c as usize]), c))
            .filter(|(e, _)| *e >= MIN_ESTIMATE)
            .collect();
        // Best estimate first; among equals the earliest kept, as the lesson's loop would.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.truncate(MAX_CHECKS);
        ranked.sort_by_key(|&(_, c)| c);
        for (_, c) in ranked {
            if let Some(similarity) =
                matcher.exceeds(&compared, &kept.texts[c as usize], dedup.threshold)
            {
                return Some(Verdict::Drop(Reason::Near {
                    of_line: kept.lines[c as usize],
                    similarity,
                }));
            }
        }
    }
    let id = kept.lines.len() as u32;
    kept.lines.push(line_no);
    kept.offsets.push(offset);
    kept.by_hash.entry(hash).or_default().push(id);
    if let Some(sig) = sig {
        for (b, table) in kept.bands.iter_mut().enumerate() {
            table.entry(band_key(&sig, b)).or_default().push(id);
        }
        kept.sigs.push(sig);
    } else {
        kept.sigs.push([u32::MAX; index::HASHES]);
    }
    kept.texts.push(compared);
    kept.char_lens.push(char_len);
    Some(Verdict::Keep)
}

fn resolve(format: FormatChoice, doc: &crate::json::Document<'_, '_>) -> FormatChoice {
    match format {
        FormatChoice::Auto => crate::format::detect(doc).unwrap_or(FormatChoice::OpenAiChat),
        f => f,
    }
}

/// Lines in `path` (a final line without a newline counts).
fn count_lines(path: &Path) -> io::Result<u64> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        last = buf[n - 1];
    }
    Ok(lines + u64::from(last != b'\n'))
}

fn band_key(sig: &Signature, band: usize) -> u32 {
    index::band_key(sig, band)
}

fn canonical_at(file: &mut File, offset: u64, parser: &mut Parser) -> Option<String> {
    file.seek(SeekFrom::Start(offset)).ok()?;
    let mut line = Vec::new();
    BufReader::new(file.take(u64::MAX))
        .read_until(b'\n', &mut line)
        .ok()?;
    let text = std::str::from_utf8(trim_line(&line)).ok()?;
    let doc = parser.parse(text).ok()?;
    Some(crate::canonical::to_string(&doc))
}

fn trim_line(buf: &[u8]) -> &[u8] {
    let mut b = buf;
    if let Some(x) = b.strip_suffix(b"\n") {
        b = x;
    }
    if let Some(x) = b.strip_suffix(b"\r") {
        b = x;
    }
    b
}
