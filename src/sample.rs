//! The `sample` command: a reproducible random sample of examples for a human to read (the
//! lesson's checklist: "Reviewed random sample (20+ examples)"), optionally stratified by the
//! composition classifier's categories so that the rare refusals and clarifications are read
//! too.
//!
//! One pass: every record gets a key, a hash of its canonical form (D001's: the record's
//! values whatever the key order, escaping or spacing a tool wrote) seeded with the sample's seed, and
//! each stratum keeps the records with the `n` smallest keys (a bottom-k sample, which is a
//! uniform random sample without replacement). A record that repeats an earlier one has the
//! hash of its text and of how many copies came before it as its key: every copy is its own
//! draw, so a record making up a tenth of the data makes up about a tenth of the sample,
//! where one key for all its copies took them all or none. Memory: the sample, and a count
//! per distinct record (a 64-bit hash and a count). The same files and seed give the
//! same sample on any machine, the same records in any order of reading or written by any
//! tool, and a record's chance does not depend on where it sits in the file.

use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, Read, Write};

use crate::composition::Category;
use crate::dataset::RecordView;
use crate::json::{Kind, Parser};
use crate::pii::mask_matches;
use crate::record::{Content, Conversation, Message, Role};
use crate::rules::balance::classify::{self, Reading};
use crate::settings::{FormatChoice, Settings};
use crate::source::{self, ArrayEvent, ArrayReader, ChunkReader, InputSource, Piece};

/// The indent of a message's text under its role, in the text format.
const INDENT: &str = "    ";
/// The narrowest `--width`: the indent and 20 columns of text.
pub const MIN_WIDTH: usize = 24;

/// One input of the sample, with its resolved settings (format, label key).
pub struct Input {
    pub display: String,
    pub source: InputSource,
    pub settings: Settings,
}

/// What to sample.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// Examples wanted in all.
    pub n: usize,
    pub seed: u64,
    /// Stratify by the classifier's category (`--by category`).
    pub by_category: bool,
}

/// A stratum: one of the four categories, the answers the classifier cannot read (a script
/// other than Latin, which `stats` counts as "not sorted"), or the records without an answer
/// to classify (prompts, plain text), as [`classify::read_record`] tells them apart. Without
/// `--by category` every record is in [`Stratum::All`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stratum {
    Category(Category),
    OtherScript,
    Unclassified,
    All,
}

impl Stratum {
    const STRATA: usize = 7;

    fn index(self) -> usize {
        match self {
            Stratum::Category(c) => c as usize,
            Stratum::OtherScript => 4,
            Stratum::Unclassified => 5,
            Stratum::All => 6,
        }
    }

    fn of_index(i: usize) -> Stratum {
        match i {
            0..=3 => Stratum::Category(Category::ALL[i]),
            4 => Stratum::OtherScript,
            5 => Stratum::Unclassified,
            _ => Stratum::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Stratum::Category(c) => c.as_str(),
            Stratum::OtherScript => "other-script",
            Stratum::Unclassified => "unclassified",
            Stratum::All => "all",
        }
    }
}

/// Lines (or records of a `.json` array) left out of the sample, by why, as `check` reports
/// them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Longer than `max_line_bytes` (J008): skipped unread, as `check` skips them.
    pub too_long: u64,
    /// Not valid UTF-8 (J004).
    pub not_utf8: u64,
    /// Not valid JSON (J001).
    pub not_json: u64,
    /// JSON, but not an object (J002).
    pub not_object: u64,
}

impl Skipped {
    pub fn total(&self) -> u64 {
        self.too_long + self.not_utf8 + self.not_json + self.not_object
    }

    /// `2 lines not sampled: 1 over max_line_bytes (J008), 1 not valid UTF-8 (J004)` (the
    /// count left out when there is one reason), or `None` when nothing was left out. The
    /// reasons are `check`'s, with its codes.
    pub fn line(&self) -> Option<String> {
        let reasons: Vec<(u64, &str)> = [
            (self.too_long, "over max_line_bytes (J008)"),
            (self.not_utf8, "not valid UTF-8 (J004)"),
            (self.not_json, "not valid JSON (J001)"),
            (self.not_object, "JSON but not an object (J002)"),
        ]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .collect();
        let why = match reasons.as_slice() {
            [] => return None,
            [(_, why)] => (*why).to_owned(),
            _ => reasons
                .iter()
                .map(|(n, why)| format!("{} {why}", crate::wording::thousands(*n)))
                .collect::<Vec<_>>()
                .join(", "),
        };
        Some(format!(
            "{} not sampled: {why}",
            crate::wording::plural(self.total(), "line")
        ))
    }
}

/// One example of the sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picked {
    key: u64,
    /// The input's index in the request's inputs.
    pub file: usize,
    pub line: u64,
    /// The column (in characters, from 1) the record starts at: 1 but for the records of a
    /// `.json` array after the first on their line (a compact array is one line).
    pub column: u32,
    /// The record is a Parquet table's row (`row` is `line - 1`, see
    /// [`crate::report::row_of`]).
    pub table: bool,
    pub stratum: Stratum,
    /// The record's text as written (a JSON object).
    pub text: String,
}

impl Picked {
    fn rank(&self) -> (u64, usize, u64, u32) {
        (self.key, self.file, self.line, self.column)
    }
}

impl Ord for Picked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Picked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The sample and what it was drawn from.
#[derive(Debug, Default)]
pub struct Sample {
    /// By stratum (in [`Stratum`] order), then by file and line.
    pub picked: Vec<Picked>,
    /// Records of each stratum, by [`Stratum`] index.
    pub counts: [u64; Stratum::STRATA],
    /// Records read (JSON objects).
    pub records: u64,
    /// Lines (or array elements) left out: no record to read.
    pub skipped: Skipped,
}

impl Sample {
    /// The strata that had records, with how many were read and how many picked.
    pub fn strata(&self) -> Vec<(Stratum, u64, usize)> {
        (0..Stratum::STRATA)
            .filter(|&i| self.counts[i] > 0)
            .map(|i| {
                let s = Stratum::of_index(i);
                (
                    s,
                    self.counts[i],
                    self.picked.iter().filter(|p| p.stratum == s).count(),
                )
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
}

/// Draws the sample: one pass over every input, keeping at most `n` records per stratum.
pub fn sample(inputs: &[Input], request: &Request) -> Result<Sample, SampleError> {
    let mut heaps: Vec<BinaryHeap<Picked>> =
        (0..Stratum::STRATA).map(|_| BinaryHeap::new()).collect();
    let mut copies = rustc_hash::FxHashMap::default();
    let mut out = Sample::default();
    for (file, input) in inputs.iter().enumerate() {
        let mut sampler = FileSampler {
            file,
            settings: &input.settings,
            request,
            format: match input.settings.format {
                FormatChoice::Auto => None,
                f => Some(f),
            },
            parser: Parser::new(),
            table: false,
            heaps: &mut heaps,
            copies: &mut copies,
            out: &mut out,
        };
        sampler.read(input).map_err(|e| SampleError::Read {
            path: input.display.clone(),
            reason: source::io_error_text(&e),
        })?;
    }
    out.picked = choose(heaps, request.n);
    Ok(out)
}

/// Takes `n` of the strata's candidates: one from each stratum in turn (so that a rare
/// category is read as often as a common one), the smallest keys first, until `n` are taken
/// or none is left; then orders them by stratum, file and line.
fn choose(heaps: Vec<BinaryHeap<Picked>>, n: usize) -> Vec<Picked> {
    let mut queues: Vec<std::vec::IntoIter<Picked>> = heaps
        .into_iter()
        .map(|h| h.into_sorted_vec().into_iter())
        .collect();
    // `-n` is the user's number, as large as they like: reserve for what there is.
    let available: usize = queues.iter().map(ExactSizeIterator::len).sum();
    let mut picked = Vec::with_capacity(n.min(available));
    while picked.len() < n {
        let before = picked.len();
        for q in &mut queues {
            if picked.len() < n
                && let Some(p) = q.next()
            {
                picked.push(p);
            }
        }
        if picked.len() == before {
            break;
        }
    }
    picked.sort_by_key(|p| (p.stratum, p.file, p.line, p.column));
    picked
}

struct FileSampler<'a> {
    file: usize,
    settings: &'a Settings,
    request: &'a Request,
    /// The file's format: as configured, or detected from its first record of a known shape.
    format: Option<FormatChoice>,
    parser: Parser,
    /// The file being read is a Parquet table.
    table: bool,
    heaps: &'a mut Vec<BinaryHeap<Picked>>,
    /// Per record text's key (as its first copy has it), how many copies were read.
    copies: &'a mut rustc_hash::FxHashMap<u64, u32>,
    out: &'a mut Sample,
}

impl FileSampler<'_> {
    fn read(&mut self, input: &Input) -> io::Result<()> {
        let is_array = match &input.source {
            InputSource::File(path) => source::is_json_name(path),
            _ => source::is_json_name(std::path::Path::new(&input.display)),
        };
        // Where the text starts in the file: 3 after a byte-order mark that an array's
        // reader skips.
        let mut offset = 0;
        // A Parquet table's rows, as lines of JSON (line N is row N-1).
        let text: Box<dyn Read> = match source::RowsAsLines::of(&input.source)? {
            Some(rows) => {
                self.table = true;
                Box::new(rows)
            }
            None => {
                let raw: Box<dyn Read> = match &input.source {
                    InputSource::File(path) => Box::new(File::open(path)?),
                    InputSource::Stdin => Box::new(io::stdin().lock()),
                    InputSource::Memory(bytes) => Box::new(io::Cursor::new(bytes.clone())),
                };
                let mut text = source::decompressed(raw)?.0;
                // The head first: binary data (/dev/zero has no line end to wait for) is
                // refused as `check` reports it, not read line by line forever.
                let mut head = Vec::new();
                (&mut text)
                    .take(source::HEAD_BYTES as u64)
                    .read_to_end(&mut head)?;
                if let Some(why) = crate::rules::jsonl::not_jsonl::not_utf8_lines(&head) {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, why));
                }
                // One JSON document (a pretty-printed array in a `.jsonl` file) is J007 as
                // `check` reports it, not a handful of lines that are no records.
                if !is_array && let Some(why) = self.one_document(&head, input) {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, why));
                }
                // A byte-order mark is no part of an array, which would then not start with
                // `[` (`check` reads on after it and reports it as J005). A line's is
                // dropped with its first record.
                if is_array && head.starts_with(b"\xEF\xBB\xBF") {
                    head.drain(..3);
                    offset = 3;
                }
                Box::new(io::Cursor::new(head).chain(text))
            }
        };
        let max = self.settings.max_line_bytes();
        let mut buf = Vec::new();
        if is_array {
            let mut reader = ArrayReader::new(text, offset, max);
            while let Some(event) = reader.next_event(&mut buf)? {
                match event {
                    ArrayEvent::Record { at, start, end } => {
                        let bytes = buf[start..end].to_vec();
                        self.record(&bytes, at.line, at.column_chars + 1);
                    }
                    ArrayEvent::TooLong { .. } => self.out.skipped.too_long += 1,
                    ArrayEvent::Problem { .. } => {}
                    ArrayEvent::NotArray { .. } => break,
                }
            }
        } else {
            let mut reader = ChunkReader::new(text, max);
            while let Some(piece) = reader.next_piece(&mut buf)? {
                match piece {
                    Piece::Lines { first_line, offset } => {
                        for (line, _, bytes) in source::lines(&buf, first_line, offset) {
                            if bytes.iter().all(u8::is_ascii_whitespace) {
                                continue;
                            }
                            // A line over the limit that ends inside the reader's buffer is
                            // read, but `check` skips it unread (J008): it is not sampled
                            // either, nor copied, parsed or printed (one such line held
                            // gigabytes).
                            if bytes.len() as u64 > max {
                                self.out.skipped.too_long += 1;
                            } else {
                                self.record(bytes, line, 1);
                            }
                        }
                    }
                    Piece::TooLong { .. } => self.out.skipped.too_long += 1,
                }
            }
        }
        Ok(())
    }

    /// J007's message when the input's first bytes `head` show one JSON document (an array
    /// or an object over several lines, or an array on one line) rather than JSON Lines.
    fn one_document(&self, head: &[u8], input: &Input) -> Option<String> {
        let mut found = Vec::new();
        let mut ctx = crate::context::FileContext::new(self.settings, 0, &mut found);
        let (body, start) = match head.strip_prefix(b"\xEF\xBB\xBF") {
            Some(body) => (body, 3),
            None => (head, 0),
        };
        let whole = || crate::engine::whole_source_is_json(&input.source);
        let regular = input.source.is_regular();
        if crate::rules::jsonl::not_jsonl::check_document(body, start, regular, &whole, &mut ctx) {
            return found.pop().map(|d| d.message);
        }
        None
    }

    /// Offers one record (a line, or an element of an array) to its stratum's sample.
    fn record(&mut self, bytes: &[u8], line: u64, column: u32) {
        let Ok(text) = std::str::from_utf8(bytes) else {
            self.out.skipped.not_utf8 += 1;
            return;
        };
        // A file's byte-order mark is not part of its first record (J005 says so in `check`).
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let Ok(doc) = self.parser.parse(text) else {
            self.out.skipped.not_json += 1;
            return;
        };
        if doc.kind(doc.root()) != Kind::Object {
            self.out.skipped.not_object += 1;
            return;
        }
        self.out.records += 1;
        let stratum = if self.request.by_category {
            if self.format.is_none() {
                self.format = crate::format::detect_for(&doc, self.settings.target);
            }
            let conv = self.format.and_then(|format| {
                let mut scratch = Vec::new();
                let mut ctx = crate::context::RecordContext::new(
                    self.settings,
                    0,
                    line,
                    0,
                    text,
                    &mut scratch,
                );
                crate::format::normalize(format, &doc, &mut ctx)
            });
            let start = crate::diagnostic::RecordStart {
                line,
                ..Default::default()
            };
            let view = RecordView::new(&doc, conv.as_ref(), self.settings, start);
            match classify::read_record(&view) {
                Reading::Category(c) => Stratum::Category(c),
                Reading::OtherScript => Stratum::OtherScript,
                Reading::NoAnswer => Stratum::Unclassified,
            }
        } else {
            Stratum::All
        };
        self.out.counts[stratum.index()] += 1;
        // The record's canonical hash (D001's: keys in any order, any escaping or spacing),
        // so the same data written by another tool (pandas, `datasets`, jq -S, a Parquet
        // export) gives the same sample.
        let first = xxhash_rust::xxh3::xxh3_64_with_seed(
            &crate::canonical::hash(&doc).to_le_bytes(),
            self.request.seed,
        );
        // Each copy of a repeated text is its own draw: the k-th copy's key hashes k with
        // the text's (the first keeps the text's own, as without copies).
        let seen = self.copies.entry(first).or_insert(0);
        let key = match *seen {
            0 => first,
            k => xxhash_rust::xxh3::xxh3_64_with_seed(&k.to_le_bytes(), first),
        };
        *seen = seen.saturating_add(1);
        let heap = &mut self.heaps[stratum.index()];
        let rank = (key, self.file, line, column);
        if heap.len() >= self.request.n {
            match heap.peek() {
                Some(top) if rank < top.rank() => {
                    heap.pop();
                }
                _ => return,
            }
        }
        heap.push(Picked {
            key,
            file: self.file,
            line,
            column,
            table: self.table,
            stratum,
            text: text.to_owned(),
        });
    }
}

/// Writes the sample for reading: a header, then each example with its place, category and
/// turns, the text wrapped at `width` columns.
pub fn write_text(
    out: &mut dyn Write,
    inputs: &[Input],
    sample: &Sample,
    request: &Request,
    width: usize,
) -> io::Result<()> {
    let strata = sample.strata();
    let drawn = if request.by_category {
        let parts: Vec<String> = strata
            .iter()
            .map(|(s, count, picked)| {
                format!(
                    "{} {picked} of {}",
                    s.as_str(),
                    crate::wording::thousands(*count)
                )
            })
            .collect();
        format!("; by category: {}", parts.join(", "))
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} of {} (seed {}){drawn}",
        crate::wording::plural(sample.picked.len() as u64, "example"),
        crate::wording::thousands(sample.records),
        request.seed,
    )?;
    if let Some(skipped) = sample.skipped.line() {
        writeln!(out, "{skipped}")?;
    }
    let mut parser = Parser::new();
    for (i, p) in sample.picked.iter().enumerate() {
        let place = if p.table {
            format!(
                "{}: row {}",
                inputs[p.file].display,
                crate::report::row_of(p.line)
            )
        } else if p.column > 1 {
            format!("{}:{}:{}", inputs[p.file].display, p.line, p.column)
        } else {
            format!("{}:{}", inputs[p.file].display, p.line)
        };
        let category = match p.stratum {
            Stratum::All => String::new(),
            s => format!(" · {}", s.as_str()),
        };
        writeln!(out)?;
        writeln!(
            out,
            "── {} of {} · {}{category}",
            i + 1,
            sample.picked.len(),
            crate::wording::for_log(&place).replace('\n', "\\n")
        )?;
        let settings = &inputs[p.file].settings;
        let Ok(doc) = parser.parse(&p.text) else {
            continue;
        };
        let format = match settings.format {
            FormatChoice::Auto => crate::format::detect_for(&doc, settings.target),
            f => Some(f),
        };
        let mut scratch = Vec::new();
        let mut ctx =
            crate::context::RecordContext::new(settings, 0, p.line, 0, &p.text, &mut scratch);
        let conv = format.and_then(|f| crate::format::normalize(f, &doc, &mut ctx));
        match conv {
            Some(conv) if !conv.messages.is_empty() => write_turns(out, &conv, width)?,
            // A record no format reads is shown as written.
            _ => write_wrapped(out, &crate::pii::mask_raw(&p.text), width)?,
        }
    }
    Ok(())
}

/// Writes a conversation's turns, each under its role. The answers of a preference record
/// are labelled with what it teaches: a pair's chosen and rejected answers, an unpaired
/// (KTO) answer with its label. The rejected and undesirable answers, which the rules set
/// aside, are shown after the turns: a reviewer judges the pair, not half of it.
fn write_turns(out: &mut dyn Write, conv: &Conversation<'_>, width: usize) -> io::Result<()> {
    let (answer, set_aside) = match conv.desirable {
        Some(true) => (Some("desirable, KTO label true"), "rejected"),
        Some(false) => (None, "undesirable, KTO label false"),
        None => (
            (conv.preference && !conv.set_aside.is_empty()).then_some("chosen"),
            "rejected",
        ),
    };
    let start = answer_start(conv);
    for (i, m) in conv.messages.iter().enumerate() {
        write_message(out, m, answer.filter(|_| i >= start), width)?;
    }
    for m in &conv.set_aside {
        write_message(out, m, Some(set_aside), width)?;
    }
    Ok(())
}

/// Where a preference record's answer begins among its messages: where the format says it
/// does, or after the prompt's last user (or system) turn.
fn answer_start(conv: &Conversation<'_>) -> usize {
    conv.output_start.unwrap_or_else(|| {
        conv.messages
            .iter()
            .rposition(|m| matches!(m.role, Role::User | Role::System | Role::Developer))
            .map_or(0, |i| i + 1)
    })
}

/// Writes one turn under its role (`assistant (rejected):` with a `label`).
fn write_message(
    out: &mut dyn Write,
    m: &Message<'_>,
    label: Option<&str>,
    width: usize,
) -> io::Result<()> {
    match label {
        Some(label) => writeln!(out, "{} ({label}):", m.role.as_str())?,
        None => writeln!(out, "{}:", m.role.as_str())?,
    }
    let text = m.content.joined_text();
    if !text.trim().is_empty() {
        let parts: Vec<&str> = m.content.texts().map(|t| t.value.as_ref()).collect();
        write_wrapped(out, &crate::pii::mask_joined(&parts), width)?;
    } else if m.tool_calls.is_empty() && !m.content.has_image() {
        // A turn with nothing to read is a defect the reviewer should see, not a gap.
        write_wrapped(out, no_text(&m.content, &text), width)?;
    }
    for call in &m.tool_calls {
        let name = call.name.as_ref().map_or("?", |n| &n.value);
        let args = call.arguments.as_ref().map_or("", |a| &a.value);
        write_wrapped(
            out,
            &mask_matches(&format!("[calls {name}({args})]")),
            width,
        )?;
    }
    if m.content.has_image() {
        write_wrapped(out, "[image]", width)?;
    }
    Ok(())
}

/// What a turn without text shows instead: why it has none.
fn no_text(content: &Content<'_>, text: &str) -> &'static str {
    match content {
        Content::Missing => "[no content]",
        Content::Null { .. } => "[content: null]",
        Content::Invalid { .. } => "[unreadable content]",
        Content::Parts { .. } if text.is_empty() => "[no text parts]",
        _ if text.is_empty() => "[empty]",
        _ => "[white space only]",
    }
}

/// The gutter of a line that continues the one above it (a line of the text too wide for
/// the page): it stands in the indent, so the text stays in its column.
const CONTINUED: &str = "  ↪ ";

/// Columns between tab stops: a tab is shown as spaces to the next stop.
const TAB_STOP: usize = 4;

/// Writes `text` indented by four spaces, line for line as written: its line breaks, the
/// indentation of each line and the spaces inside it are kept (code must read as it was
/// trained on). A line too wide for `width` terminal columns (a wide character, such as CJK,
/// takes two) is wrapped at the white space between its words, each further line marked
/// [`CONTINUED`] in the gutter and indented as the line began. A word longer than the room
/// stays whole on a line of its own (a URL), unless it holds wide characters: text written
/// without spaces (Chinese, Japanese) is broken between characters. A tab is shown as spaces
/// to the next multiple of [`TAB_STOP`] columns. What the data could drive a terminal or a
/// CI log with (escape sequences, a line starting `::`) is written escaped
/// ([`crate::wording::for_log`]).
fn write_wrapped(out: &mut dyn Write, text: &str, width: usize) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let room = width
        .saturating_sub(INDENT.len())
        .max(MIN_WIDTH - INDENT.len());
    // Blank lines around the text are the data's padding, not its content.
    for line in text.trim_matches(['\n', '\r']).lines() {
        let line = crate::wording::for_log(line);
        let line = expand_tabs(&line);
        let line = line.trim_end();
        if line.is_empty() {
            writeln!(out)?;
        } else if line.width() <= room {
            writeln!(out, "{INDENT}{line}")?;
        } else {
            write_long_line(out, line, room)?;
        }
    }
    Ok(())
}

/// `line` with each tab replaced by the spaces to the next tab stop.
fn expand_tabs(line: &str) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    if !line.contains('\t') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += c.width().unwrap_or(0);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Writes one line wider than `room` columns over several, as [`write_wrapped`] says.
fn write_long_line(out: &mut dyn Write, line: &str, room: usize) -> io::Result<()> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    // A continued line is indented as the line began, leaving at least half the room.
    let hanging = indent.min(room / 2);
    let mut page = Page {
        out,
        gutter: INDENT,
        current: line[..indent].to_owned(),
        len: indent,
        hanging,
        words: false,
    };
    // Words with the white space before each (kept as written unless a line breaks there).
    let mut rest = body;
    while !rest.is_empty() {
        let gap = rest.len() - rest.trim_start_matches(' ').len();
        let word_len = rest[gap..].find(' ').unwrap_or(rest.len() - gap);
        let word = &rest[gap..gap + word_len];
        rest = &rest[gap + word_len..];
        // Where a line starts, the white space before its first word is the break.
        let gap = if page.words { gap } else { 0 };
        let w = word.width();
        if page.len + gap + w <= room {
            page.push(gap, word, w);
            continue;
        }
        if !word.chars().any(|c| c.width() == Some(2)) {
            // A long word of narrow characters (a URL) is kept whole, on a line of its own.
            if page.words {
                page.flush()?;
            }
            page.push(0, word, w);
            continue;
        }
        // Wide characters: as many as fit on this line, the rest on the next ones (the
        // white space before them only when the first fits after it).
        let first = word.chars().next().and_then(|c| c.width()).unwrap_or(0);
        let mut gap = gap;
        if page.words && page.len + gap + first > room {
            page.flush()?;
            gap = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if page.words && page.len + gap + cw > room {
                page.flush()?;
                gap = 0;
            }
            let mut buf = [0; 4];
            page.push(gap, c.encode_utf8(&mut buf), cw);
            gap = 0;
        }
    }
    if page.words {
        page.flush()?;
    }
    Ok(())
}

/// The line [`write_long_line`] is filling.
struct Page<'a> {
    out: &'a mut dyn Write,
    /// What stands before the line: the indent, or [`CONTINUED`] on a line that continues.
    gutter: &'static str,
    current: String,
    /// Its width in columns.
    len: usize,
    /// The indent of a line that continues.
    hanging: usize,
    /// Whether the line has text after its indent.
    words: bool,
}

impl Page<'_> {
    /// Appends `gap` spaces and `word`, `width` columns wide.
    fn push(&mut self, gap: usize, word: &str, width: usize) {
        self.current.extend(std::iter::repeat_n(' ', gap));
        self.current.push_str(word);
        self.len += gap + width;
        self.words = true;
    }

    /// Writes the line and starts the next, which continues it.
    fn flush(&mut self) -> io::Result<()> {
        writeln!(self.out, "{}{}", self.gutter, self.current.trim_end())?;
        self.current.clear();
        self.current.extend(std::iter::repeat_n(' ', self.hanging));
        self.len = self.hanging;
        self.gutter = CONTINUED;
        self.words = false;
        Ok(())
    }
}

/// Writes the sample as JSON Lines for reviewers' tools: each line an object with the
/// example's `path`, `line`, `column`, `category` (with `--by category`) and the `record` as
/// written.
pub fn write_jsonl(out: &mut dyn Write, inputs: &[Input], sample: &Sample) -> io::Result<()> {
    for p in &sample.picked {
        let path =
            serde_json::to_string(&inputs[p.file].display).unwrap_or_else(|_| "\"\"".to_owned());
        let category = match p.stratum {
            Stratum::All => String::new(),
            s => format!(", \"category\": \"{}\"", s.as_str()),
        };
        // A table's row gives its row (from 0) beside the line of its text; a record of a text
        // file, its column.
        let place = if p.table {
            format!(", \"row\": {}", crate::report::row_of(p.line))
        } else {
            format!(", \"column\": {}", p.column)
        };
        writeln!(
            out,
            "{{\"path\": {path}, \"line\": {}{place}{category}, \"record\": {}}}",
            p.line,
            masked_record(&one_line(p.text.trim()))
        )?;
    }
    Ok(())
}

/// A record's JSON text on one line: the white space between its tokens left out (a `.json`
/// array is often pretty-printed, a record over many lines), the strings as written (a JSON
/// string holds no raw line break).
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A record's JSON text with what the privacy rules find (P006's keys first of all) masked,
/// as every snippet is: a sample handed to reviewers must not carry a live key. Masking
/// replaces characters inside strings by `*`, which keeps the JSON as written. The text as
/// written can hide a secret from that (`\u0073k-…`, a private key's line breaks written
/// `\r\n`), so what a JSON reader decodes from the result is checked too; when a secret is
/// left there (or the masking broke an escape), the decoded record is written with each of
/// its strings masked instead.
fn masked_record(text: &str) -> String {
    let masked = crate::pii::mask_raw(text);
    if let Ok(mut decoded) = serde_json::from_str::<serde_json::Value>(&masked)
        && !mask_strings(&mut decoded)
    {
        return masked;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) => {
            mask_strings(&mut value);
            value.to_string()
        }
        Err(_) => masked,
    }
}

/// Masks every string of `value` (object keys stay); whether any changed.
fn mask_strings(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => {
            let masked = mask_matches(s);
            let changed = masked != *s;
            *s = masked;
            changed
        }
        serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, v| mask_strings(v) | c),
        serde_json::Value::Object(map) => map.values_mut().fold(false, |c, v| mask_strings(v) | c),
        _ => false,
    }
}
