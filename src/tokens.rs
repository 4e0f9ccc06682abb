//! Exact OpenAI token counts of one example (PRODUCT.md §4 T).
//!
//! The count follows OpenAI's published chat formula (the cookbook's
//! `num_tokens_from_messages`):
//!
//! - 3 tokens per message, plus the tokens of the message's string fields: its role, the
//!   text of its content (each text part of a content array on its own), its `name` (plus 1
//!   more token) and a tool message's `tool_call_id`;
//! - each tool call of an assistant message counts as the tokens of its JSON text, and the
//!   example's tool definitions (`tools`, or the deprecated `functions`, or the `tools`
//!   column of ShareGPT and LLaMA-Factory records) as the tokens of theirs; "JSON text" is
//!   the value as `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` writes it,
//!   numbers as written in the file, and definitions kept as a string of JSON (as
//!   LLaMA-Factory stores them) are counted as the JSON they hold, since that is what the
//!   trainer decodes and renders into the prompt;
//! - 3 tokens per example for the reply priming.
//!
//! An assistant turn's chain of thought kept beside its answer (`Message::reasoning`) is
//! part of the turn: it is counted as if written before the answer as
//! `<think>\n{reasoning}\n</think>\n\n` (see [`said`]), so a turn counts the same whether its
//! data keeps the reasoning in a field or inline in the content, and it is trainable when the
//! turn is.
//!
//! Images are not text and are not counted. Text is encoded as ordinary text: a literal
//! `<|endoftext|>` in the data is a few ordinary tokens (and C010 reports it).
//!
//! Every byte-level BPE token stands for at least one byte of its text, so the UTF-8 length of
//! the strings bounds the count from above: [`upper_bound`] lets T001 skip the tokenizer for
//! every example that cannot reach the limit.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

mod ascii_split;
mod bytelevel;
pub mod hf;
pub mod template;
#[doc(hidden)]
pub mod tokenizer_class;

use crate::record::{Conversation, Message, Role};

/// The tokenizer (`[tokens] encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    O200kBase,
    Cl100kBase,
}

impl Encoding {
    pub const NAMES: &'static [&'static str] = &["o200k_base", "cl100k_base"];

    pub fn parse(s: &str) -> Option<Encoding> {
        Some(match s {
            "o200k_base" => Encoding::O200kBase,
            "cl100k_base" => Encoding::Cl100kBase,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }
}

/// What a trainer does with an example longer than `[tokens] max_length`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Keeps the first `max_length` tokens (TRL's `max_length`, LLaMA-Factory's `cutoff_len`).
    #[default]
    Truncate,
    /// Keeps the last `max_length` tokens (TRL's `truncation_mode = "keep_end"`): the start of
    /// the example, its system prompt and first question, is cut.
    KeepEnd,
    /// Leaves the example out (axolotl's `sequence_len`, which drops longer sequences).
    Drop,
}

impl Overflow {
    pub const NAMES: &'static [&'static str] = &["truncate", "keep_end", "drop"];

    pub fn parse(s: &str) -> Option<Overflow> {
        Some(match s {
            "truncate" => Overflow::Truncate,
            "keep_end" => Overflow::KeepEnd,
            "drop" => Overflow::Drop,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Overflow::Truncate => "truncate",
            Overflow::KeepEnd => "keep_end",
            Overflow::Drop => "drop",
        }
    }

    /// The tokens `[start, end)` a trainer keeps of an example of `total` tokens over a limit
    /// of `limit`; empty when it leaves the example out.
    pub fn kept(self, total: u64, limit: u64) -> (u64, u64) {
        match self {
            _ if total <= limit => (0, total),
            Overflow::Truncate => (0, limit),
            Overflow::KeepEnd => (total - limit, total),
            Overflow::Drop => (0, 0),
        }
    }
}

/// Tokens per message (`<|start|>{role}<|message|>…<|end|>` framing).
pub const PER_MESSAGE: u64 = 3;
/// Extra tokens for a message with a `name`.
pub const PER_NAME: u64 = 1;
/// Tokens that prime the reply (`<|start|>assistant<|message|>`).
pub const PER_EXAMPLE: u64 = 3;

/// Longest role name the model can produce (`assistant`, `developer`).
const LONGEST_ROLE: u64 = 9;

/// The most bytes one token of o200k_base or cl100k_base stands for (a unit test checks it
/// against both vocabularies): `n` bytes of text are at least `n / 128` tokens.
pub const MAX_TOKEN_BYTES: u64 = 128;

/// The token figures of one example.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExampleTokens {
    /// Everything, by the chat formula.
    pub total: u64,
    /// The content and tool calls of assistant messages.
    pub assistant: u64,
    /// The assistant tokens training learns from: those of messages without `weight: 0`.
    pub trainable: u64,
    /// The part with the most tokens (formula overhead included); with a model's tokenizer,
    /// the part with the most text (and 0 tokens).
    pub largest: Option<Largest>,
    /// Where the trained tokens are in the example's token sequence, in order: what a trainer
    /// that cuts the sequence at `max_length` loses.
    pub answers: Vec<Answer>,
}

/// The part of an example that T001 points at: the one with the most tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Largest {
    /// A message: its index and its tokens (0 when only its text was measured).
    Message(usize, u64),
    /// The tool definitions (`tools`): their tokens (0 likewise).
    Tools(u64),
}

impl Largest {
    /// Of a message `(index, size)` and the tool definitions' `tools` size (tokens, or bytes
    /// with `tokens` false), the larger; the message on a tie.
    pub fn of(message: Option<(usize, u64)>, tools: u64, tokens: bool) -> Option<Largest> {
        let shown = |n: u64| if tokens { n } else { 0 };
        match message {
            Some((_, n)) if tools > n => Some(Largest::Tools(shown(tools))),
            Some((i, n)) => Some(Largest::Message(i, shown(n))),
            None if tools > 0 => Some(Largest::Tools(shown(tools))),
            None => None,
        }
    }
}

/// A run of trained tokens: positions `start..end` of the example's token sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The assistant message they belong to, when known.
    pub message: Option<usize>,
    pub start: u64,
    pub end: u64,
}

impl Answer {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// The token figures of `conv` (from the record `line`) with the file's tokenizer: the
/// model's (`[tokens] tokenizer`) when there is one, else OpenAI's `encoding`. An error when
/// the model's chat template cannot render the example.
pub fn count_example(
    conv: &Conversation<'_>,
    line: &str,
    model: Option<&hf::Model>,
    encoding: Encoding,
    trainer: hf::Trainer,
) -> Result<ExampleTokens, hf::RenderError> {
    match model {
        Some(model) => model.count(conv, line, trainer),
        None => Ok(count(conv, line, encoding)),
    }
}

/// What the token statistics need to know of a file's settings: its tokenizer and limits.
#[derive(Clone, Debug, Default)]
pub struct Counting {
    pub encoding: Encoding,
    /// The model's name, when a `[tokens] tokenizer` counts.
    pub tokenizer: Option<String>,
    /// `max_per_example`: the most tokens one example is billed for.
    pub cap: u64,
    /// The limit T001 judges examples against.
    pub limit: u64,
    /// What sets `limit`, for messages: `tokens.max_length`, `tokens.max_per_example`,
    /// `rules.T001.max_per_example`, or the target's limit in words.
    pub limit_name: String,
    /// `[tokens] max_length`, when set.
    pub max_length: Option<u64>,
    pub overflow: Overflow,
}

/// The tool definitions the count reads: `tools` (or `functions`), else the `tools` column
/// of the formats that keep it as JSON text.
fn tool_definitions(conv: &Conversation<'_>) -> Option<crate::diagnostic::Span> {
    conv.tools.or(conv.tools_text)
}

/// Writes the JSON text the count reads of tool definitions written as `raw`: compact, and a
/// string that holds JSON (LLaMA-Factory's `tools` column, TRL's `json.dumps` of the list)
/// decoded first, as the trainer decodes it before rendering. A string that holds no JSON is
/// counted as its text. Never longer than `raw`.
fn tool_definitions_json(raw: &str, out: &mut String) {
    if raw.starts_with('"') {
        let mut parser = crate::json::Parser::new();
        if let Ok(doc) = parser.parse(raw)
            && let Some(text) = doc.str(doc.root())
        {
            match crate::json::Parser::new().parse(&text) {
                Ok(_) => compact_json(&text, out),
                Err(_) => out.push_str(&text),
            }
            return;
        }
    }
    compact_json(raw, out);
}

/// What sets a chain of thought apart from the answer that follows it, as the reasoning chat
/// templates (Qwen3, DeepSeek-R1) render `reasoning_content`: the turn is counted as
/// `THINK_OPEN + reasoning + THINK_CLOSE + content`, the text an inline `<think>` writes.
pub const THINK_OPEN: &str = "<think>\n";
/// See [`THINK_OPEN`].
pub const THINK_CLOSE: &str = "\n</think>\n\n";

/// Hands `f` the texts message `m` (from the record `line`) says, in the order the count reads
/// them, each with whether it is a tool call's JSON text: its chain of thought wrapped as
/// [`THINK_OPEN`] and [`THINK_CLOSE`] and joined to the first text of its content, the other
/// texts of its content, then its tool calls. The tokens of these are the message's tokens
/// without the formula's framing: what the assistant totals add and `stats` charts per
/// message. `buf` is scratch space.
pub fn said(m: &Message<'_>, line: &str, buf: &mut String, mut f: impl FnMut(&str, bool)) {
    let mut texts = m.content.texts();
    if !m.reasoning.is_empty() {
        buf.clear();
        buf.push_str(THINK_OPEN);
        for r in &m.reasoning {
            buf.push_str(&r.value);
        }
        buf.push_str(THINK_CLOSE);
        if let Some(first) = texts.next() {
            buf.push_str(&first.value);
        }
        f(buf, false);
    }
    for t in texts {
        f(&t.value, false);
    }
    for call in &m.tool_calls {
        buf.clear();
        compact_json(span_text(line, call.span), buf);
        f(buf, true);
    }
}

/// The bytes of the chain of thought of `m` as [`said`] writes it (0 without one).
fn reasoning_len(m: &Message<'_>) -> u64 {
    if m.reasoning.is_empty() {
        return 0;
    }
    (THINK_OPEN.len() + THINK_CLOSE.len()) as u64
        + m.reasoning
            .iter()
            .map(|r| r.value.len() as u64)
            .sum::<u64>()
}

/// An upper bound of [`count`]: the UTF-8 bytes of everything counted plus the formula's
/// overhead. Cheap (no tokenizer); `line` is the record's line, the one the spans index.
pub fn upper_bound(conv: &Conversation<'_>, line: &str) -> u64 {
    let mut bound = PER_EXAMPLE + json_len(line, tool_definitions(conv));
    for m in &conv.messages {
        bound += PER_MESSAGE + PER_NAME + LONGEST_ROLE.max(role_text(m, line).len() as u64);
        bound += m.content.texts().map(|t| t.value.len() as u64).sum::<u64>();
        bound += reasoning_len(m);
        bound += [&m.name, &m.tool_call_id]
            .into_iter()
            .flatten()
            .map(|t| t.value.len() as u64)
            .sum::<u64>();
        bound += m
            .tool_calls
            .iter()
            .map(|c| json_len(line, Some(c.span)))
            .sum::<u64>();
    }
    bound
}

/// A lower bound of [`count`]'s total, without the tokenizer: the formula's overhead plus,
/// for each string, its bytes over [`MAX_TOKEN_BYTES`]. With the index of the message with the
/// most text. Lets T001 report a huge example without tokenizing megabytes of text.
pub fn lower_bound(conv: &Conversation<'_>) -> (u64, Option<Largest>) {
    let mut bound = PER_EXAMPLE;
    let mut largest: Option<(usize, u64)> = None;
    for (i, m) in conv.messages.iter().enumerate() {
        // Every message has its framing and at least one token of role.
        bound += PER_MESSAGE + 1;
        let bytes: u64 =
            m.content.texts().map(|t| t.value.len() as u64).sum::<u64>() + reasoning_len(m);
        bound += m
            .content
            .texts()
            .map(|t| (t.value.len() as u64).div_ceil(MAX_TOKEN_BYTES))
            .sum::<u64>();
        // The chain of thought and the first text are one string to the tokenizer: the
        // whole blocks of the thought plus the rounded-up blocks of the text stay within it.
        bound += reasoning_len(m) / MAX_TOKEN_BYTES;
        if largest.is_none_or(|(_, b)| bytes > b) {
            largest = Some((i, bytes));
        }
    }
    let tools = tool_definitions(conv).map_or(0, |s| s.range().len() as u64);
    (bound, Largest::of(largest, tools, false))
}

/// The exact token figures of `conv` (from the record `line`) with `encoding`.
pub fn count(conv: &Conversation<'_>, line: &str, encoding: Encoding) -> ExampleTokens {
    with_encoder(encoding, |enc| {
        let mut out = ExampleTokens {
            total: PER_EXAMPLE,
            ..Default::default()
        };
        let mut json = String::new();
        let mut tools = 0;
        if let Some(span) = tool_definitions(conv) {
            json.clear();
            tool_definitions_json(span_text(line, span), &mut json);
            tools = enc.count(&json);
            out.total += tools;
        }
        let mut largest: Option<(usize, u64)> = None;
        // Positions in the sequence the formula describes: tools first, then each message as
        // `<|start|>{role}<|message|>{content}<|end|>`, then the reply priming.
        let mut position = out.total - PER_EXAMPLE;
        for (i, m) in conv.messages.iter().enumerate() {
            let mut said = 0;
            self::said(m, line, &mut json, |text, _| said += enc.count(text));
            let mut message = PER_MESSAGE + said + enc.count(role_text(m, line));
            if let Some(name) = &m.name {
                message += enc.count(&name.value) + PER_NAME;
            }
            if let Some(id) = &m.tool_call_id {
                message += enc.count(&id.value);
            }
            out.total += message;
            if m.role == Role::Assistant {
                out.assistant += said;
                // The content ends just before `<|end|>`.
                let end = position + message - 1;
                let detail = hf::trained_detail(m, line);
                if let (true, Some(runs), crate::record::Content::Text(text)) =
                    (m.trained(), &detail, &m.content)
                {
                    // axolotl's `train_detail`: only the characters it marks are trained,
                    // each run counted where it falls in the content (after the chain of
                    // thought, which is then not trained).
                    let thought = if m.reasoning.is_empty() {
                        0
                    } else {
                        json.clear();
                        json.push_str(THINK_OPEN);
                        for r in &m.reasoning {
                            json.push_str(&r.value);
                        }
                        json.push_str(THINK_CLOSE);
                        enc.count(&json)
                    };
                    let start = end - said + thought;
                    for r in runs {
                        let from = start + enc.count(&text.value[..r.start]);
                        let to = start + enc.count(&text.value[..r.end]);
                        out.trainable += to.saturating_sub(from);
                        if to > from {
                            out.answers.push(Answer {
                                message: Some(i),
                                start: from,
                                end: to,
                            });
                        }
                    }
                } else if m.trained() {
                    out.trainable += said;
                    if said > 0 {
                        out.answers.push(Answer {
                            message: Some(i),
                            start: end - said,
                            end,
                        });
                    }
                }
            }
            if m.trained_input() {
                // axolotl's `train: true` on a user turn: trained, though no answer.
                out.trainable += said;
            }
            position += message;
            if largest.is_none_or(|(_, n)| message > n) {
                largest = Some((i, message));
            }
        }
        out.largest = Largest::of(largest, tools, true);
        out
    })
}

/// The role as the model sees it: the OpenAI name of a known role, the role string as
/// written otherwise.
fn role_text<'l>(m: &Message<'_>, line: &'l str) -> &'l str {
    match m.role {
        Role::Unknown => {
            let raw = span_text(line, m.role_span);
            raw.strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .unwrap_or("")
        }
        known => known.as_str(),
    }
}

fn span_text(line: &str, span: crate::diagnostic::Span) -> &str {
    line.get(span.range()).unwrap_or("")
}

/// The bytes of the JSON value at `span`, an upper bound of its compact text's length.
fn json_len(line: &str, span: Option<crate::diagnostic::Span>) -> u64 {
    span.map_or(0, |s| span_text(line, s).len() as u64)
}

/// Writes the JSON value `raw` (valid JSON, as written in the file) the way Python's
/// `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` writes it: no whitespace
/// between tokens; strings with only `"`, `\` and control characters escaped (`\n`, `\r`,
/// `\t`, `\b`, `\f`, otherwise `\u00xx`); numbers as written. Never longer than `raw`.
pub fn compact_json(raw: &str, out: &mut String) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => i = compact_string(raw, i, out),
            _ => {
                // Copy a run of structural characters, literals and numbers.
                let start = i;
                while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'"') {
                    i += 1;
                }
                out.push_str(&raw[start..i]);
            }
        }
    }
}

/// Writes the string literal starting at `raw[start]` (a quote) minimally escaped; returns
/// the offset after its closing quote (or the end of `raw`).
fn compact_string(raw: &str, start: usize, out: &mut String) -> usize {
    let bytes = raw.as_bytes();
    out.push('"');
    let mut i = start + 1;
    let mut run = i;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                out.push_str(&raw[run..i]);
                out.push('"');
                return i + 1;
            }
            b'\\' => {
                out.push_str(&raw[run..i]);
                let (consumed, c) = unescape(&raw[i..]);
                match c {
                    Some(c) => push_escaped(c, out),
                    // A lone surrogate or a broken escape: keep it as written.
                    None => out.push_str(&raw[i..i + consumed]),
                }
                i += consumed;
                run = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&raw[run..]);
    bytes.len()
}

/// Decodes the escape at the start of `s` (which starts with `\`): its length in bytes and
/// the character, or `None` for a lone surrogate or a malformed escape.
fn unescape(s: &str) -> (usize, Option<char>) {
    let b = s.as_bytes();
    let Some(&kind) = b.get(1) else {
        return (b.len(), None);
    };
    let simple = match kind {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'u' => None,
        _ => return (2.min(b.len()), None),
    };
    if simple.is_some() {
        return (2, simple);
    }
    let hex = |at: usize| {
        s.get(at..at + 4)
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let Some(unit) = hex(2) else {
        return (2, None);
    };
    match unit {
        0xD800..=0xDBFF => {
            if s.get(6..8) == Some("\\u")
                && let Some(low @ 0xDC00..=0xDFFF) = hex(8)
            {
                let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return (12, char::from_u32(c));
            }
            (6, None)
        }
        0xDC00..=0xDFFF => (6, None),
        c => (6, char::from_u32(c)),
    }
}

fn push_escaped(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if (c as u32) < 0x20 => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => out.push(c),
    }
}

/// Pieces of text up to this many bytes have their token count cached.
const CACHED_PIECE: usize = 32;
/// The cache is emptied when it holds this many pieces, which bounds its memory.
const CACHE_CAPACITY: usize = 1 << 18;

/// One thread's tokenizer for one encoding.
///
/// The tokenizer (GitHub's `bpe-openai`: OpenAI's vocabularies and pre-tokenizing patterns,
/// token for token equal to tiktoken, in time linear in the text) splits text into pieces
/// — words, numbers, runs of punctuation or blanks — and encodes each piece on its own. Words
/// repeat, so each thread remembers the count of the short pieces it has met: most pieces of
/// natural text are then one hash lookup.
struct Encoder {
    tokenizer: &'static bpe_openai::Tokenizer,
    /// o200k_base splits ASCII text by hand ([`ascii_split`]), without its regex.
    ascii_fast: bool,
    cache: FxHashMap<Box<str>, u32>,
}

impl Encoder {
    fn new(encoding: Encoding) -> Encoder {
        // The vocabularies are compiled into the binary; loading one takes tens of
        // milliseconds, paid only by a run that tokenizes.
        let tokenizer = match encoding {
            Encoding::O200kBase => bpe_openai::o200k_base(),
            Encoding::Cl100kBase => bpe_openai::cl100k_base(),
        };
        Encoder {
            tokenizer,
            ascii_fast: encoding == Encoding::O200kBase,
            cache: FxHashMap::default(),
        }
    }

    fn count(&mut self, text: &str) -> u64 {
        let tokenizer = self.tokenizer;
        if self.ascii_fast {
            let mut n = 0;
            for part in ascii_split::segments(text) {
                if part.is_ascii() {
                    for piece in ascii_split::split(part) {
                        n += self.count_piece(tokenizer, piece);
                    }
                } else {
                    for piece in tokenizer.split(part) {
                        n += self.count_piece(tokenizer, piece);
                    }
                }
            }
            return n;
        }
        tokenizer
            .split(text)
            .map(|piece| self.count_piece(tokenizer, piece))
            .sum()
    }

    /// The tokens of one piece, from the cache when it is short.
    fn count_piece(&mut self, tokenizer: &bpe_openai::Tokenizer, piece: &str) -> u64 {
        if piece.len() > CACHED_PIECE {
            return tokenizer.bpe.count(piece.as_bytes()) as u64;
        }
        if let Some(&c) = self.cache.get(piece) {
            return u64::from(c);
        }
        let c = tokenizer.bpe.count(piece.as_bytes()) as u32;
        if self.cache.len() >= CACHE_CAPACITY {
            self.cache.clear();
        }
        self.cache.insert(piece.into(), c);
        u64::from(c)
    }
}

thread_local! {
    static ENCODERS: RefCell<[Option<Encoder>; 2]> = const { RefCell::new([None, None]) };
}

/// The tokens of one text with `encoding`, without the chat formula's overhead: what
/// `stats` charts per message.
pub fn count_text(encoding: Encoding, text: &str) -> u64 {
    with_encoder(encoding, |enc| enc.count(text))
}

fn with_encoder<R>(encoding: Encoding, f: impl FnOnce(&mut Encoder) -> R) -> R {
    ENCODERS.with(|cell| {
        let mut encoders = cell.borrow_mut();
        let slot = &mut encoders[encoding as usize];
        f(slot.get_or_insert_with(|| Encoder::new(encoding)))
    })
}

/// Token figures of many examples: what the summary shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TokenStats {
    pub encoding: Encoding,
    /// The open-weight model's tokenizer (`[tokens] tokenizer`) the counts were made with;
    /// `None` for OpenAI's `encoding`.
    pub tokenizer: Option<String>,
    /// Each counted example's total, in input order.
    pub per_example: Vec<u32>,
    pub total: u64,
    pub assistant: u64,
    pub trainable: u64,
    /// The per-example cap billing applies (`tokens.max_per_example`).
    pub cap: u64,
    /// The limit examples are judged by: `tokens.max_length` when set, else the cap.
    pub limit: u64,
    /// What sets `limit` ([`Counting::limit_name`]); empty before any example.
    pub limit_name: String,
    /// `tokens.max_length`, when set.
    pub max_length: Option<u64>,
    /// Examples over `limit`.
    pub over_limit: u64,
    /// Tokens the trainer loses to the limit: those past it (before it with `overflow =
    /// "keep_end"`), or the whole example when it drops long examples (`overflow = "drop"`).
    pub lost: u64,
    /// The trained tokens among them.
    pub trained_lost: u64,
    /// Sum of `min(cap, total)` per example: the tokens one epoch is billed for.
    pub billed_per_epoch: u64,
    /// For a total over files: the sum of each file's billed estimate (each file trained on
    /// its own, with its own default epochs). `None` for one file's figures.
    pub files_billed: Option<u64>,
    /// The file is an evaluation split (`valid`, `test`, ... beside a `train` file, or a
    /// `[[datasets]]` group's): it is not trained on, so it is not billed.
    pub evaluation_split: bool,
}

impl TokenStats {
    pub fn add_example(&mut self, t: &ExampleTokens, counting: &Counting) {
        let (cap, limit) = (counting.cap, counting.limit);
        self.encoding = counting.encoding;
        if self.tokenizer.is_none() {
            self.tokenizer.clone_from(&counting.tokenizer);
        }
        self.per_example
            .push(u32::try_from(t.total).unwrap_or(u32::MAX));
        self.total += t.total;
        self.assistant += t.assistant;
        self.trainable += t.trainable;
        self.cap = cap;
        self.limit = limit;
        if self.limit_name != counting.limit_name {
            self.limit_name.clone_from(&counting.limit_name);
        }
        self.max_length = counting.max_length;
        self.billed_per_epoch += t.total.min(cap);
        if t.total > limit {
            self.over_limit += 1;
            // Without `max_length` the limit is billing's, which keeps the first tokens.
            let overflow = match self.max_length {
                Some(_) => counting.overflow,
                None => Overflow::Truncate,
            };
            let (start, end) = overflow.kept(t.total, limit);
            self.lost += t.total - (end - start);
            self.trained_lost += t
                .answers
                .iter()
                .map(|a| a.len() - a.end.min(end).saturating_sub(a.start.max(start)))
                .sum::<u64>();
        }
    }

    pub fn merge(&mut self, other: &TokenStats) {
        self.encoding = other.encoding;
        if self.tokenizer.is_none() {
            self.tokenizer = other.tokenizer.clone();
        }
        self.per_example.extend_from_slice(&other.per_example);
        self.total += other.total;
        self.assistant += other.assistant;
        self.trainable += other.trainable;
        self.cap = self.cap.max(other.cap);
        if other.limit > self.limit || self.limit_name.is_empty() {
            self.limit_name.clone_from(&other.limit_name);
        }
        self.limit = self.limit.max(other.limit);
        self.max_length = self.max_length.or(other.max_length);
        self.over_limit += other.over_limit;
        self.lost += other.lost;
        self.trained_lost += other.trained_lost;
        self.billed_per_epoch += other.billed_per_epoch;
    }

    /// The tokenizer the figures were counted with: the model's, or the OpenAI encoding.
    pub fn tokenizer_name(&self) -> &str {
        self.tokenizer
            .as_deref()
            .unwrap_or_else(|| self.encoding.as_str())
    }

    /// Adds one file's figures to a total over files.
    pub fn add_file(&mut self, file: &TokenStats) {
        if self.examples() == 0 && self.files_billed.is_none() {
            // The first file: a total of one file is that file.
            *self = file.clone();
            return;
        }
        let billed = self.billed() + file.billed();
        self.merge(file);
        self.files_billed = Some(billed);
        // A total over files is billed for its training files only, whatever the first was.
        self.evaluation_split = false;
    }

    pub fn examples(&self) -> u64 {
        self.per_example.len() as u64
    }

    /// The `p`th percentile (nearest rank) of the per-example totals.
    pub fn percentile(&self, p: u32) -> u64 {
        if self.per_example.is_empty() {
            return 0;
        }
        let mut sorted = self.per_example.clone();
        let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
        let (_, nth, _) = sorted.select_nth_unstable(rank - 1);
        u64::from(*nth)
    }

    pub fn max(&self) -> u64 {
        self.per_example.iter().copied().max().map_or(0, u64::from)
    }

    /// The epochs OpenAI trains for by default on this many examples: 3, adjusted so that
    /// examples × epochs stays within 100–25,000, and clamped to 1–25.
    pub fn default_epochs(&self) -> u64 {
        default_epochs(self.examples())
    }

    /// The billed-token estimate of a training run with the default epochs: each example
    /// capped at `cap` tokens, times the epochs. For a total, the sum over its files; for an
    /// evaluation split, 0 (validation files are not billed as training).
    pub fn billed(&self) -> u64 {
        if self.tokenizer.is_some() {
            // An open-weight model is trained on one's own hardware: nothing is billed.
            return 0;
        }
        match self.files_billed {
            Some(billed) => billed,
            None if self.evaluation_split => 0,
            None => self.billed_per_epoch * self.default_epochs(),
        }
    }

    /// The epochs shown beside the billed estimate: `None` for a total over files and for an
    /// evaluation split, which are not one training run.
    pub fn epochs(&self) -> Option<u64> {
        (self.files_billed.is_none() && !self.evaluation_split && self.tokenizer.is_none())
            .then(|| self.default_epochs())
    }
}

/// OpenAI's default epoch rule for `n` training examples.
pub fn default_epochs(n: u64) -> u64 {
    const TARGET: u64 = 3;
    const MIN_TARGET_EXAMPLES: u64 = 100;
    const MAX_TARGET_EXAMPLES: u64 = 25_000;
    if n == 0 {
        return TARGET;
    }
    if n * TARGET < MIN_TARGET_EXAMPLES {
        (MIN_TARGET_EXAMPLES / n).min(25)
    } else if n * TARGET > MAX_TARGET_EXAMPLES {
        (MAX_TARGET_EXAMPLES / n).max(1)
    } else {
        TARGET
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(raw: &str) -> String {
        let mut s = String::new();
        compact_json(raw, &mut s);
        s
    }

    #[test]
    fn compact_json_writes_what_python_json_dumps_writes() {
        assert_eq!(
            compact(r#" { "a" : [1, 2.50, true,null] , "b":"x y" } "#),
            r#"{"a":[1,2.50,true,null],"b":"x y"}"#
        );
        assert_eq!(
            compact(r#"["caf\u00e9 \ud83d\ude00", "\/", "\u001F\n\"\\", "\u0041"]"#),
            "[\"café 😀\",\"/\",\"\\u001f\\n\\\"\\\\\",\"A\"]"
        );
        // A lone surrogate stays as written.
        assert_eq!(compact(r#""\ud800x""#), r#""\ud800x""#);
        for raw in [r#"{"k": "\u00e9\t"}"#, "[ ]", r#""\ud83d\ude00""#] {
            assert!(compact(raw).len() <= raw.len());
        }
    }

    #[test]
    fn no_token_is_longer_than_max_token_bytes() {
        for encoding in [Encoding::O200kBase, Encoding::Cl100kBase] {
            let longest = with_encoder(encoding, |enc| {
                let bpe = &enc.tokenizer.bpe;
                (0..bpe.num_tokens() as u32)
                    .map(|id| bpe.token_len(id) as u64)
                    .max()
            });
            assert_eq!(longest, Some(MAX_TOKEN_BYTES), "{}", encoding.as_str());
        }
    }

    #[test]
    fn epochs_follow_openais_rule() {
        assert_eq!(default_epochs(10), 10);
        assert_eq!(default_epochs(2), 25);
        assert_eq!(default_epochs(1), 25);
        assert_eq!(default_epochs(34), 3);
        assert_eq!(default_epochs(33), 3);
        assert_eq!(default_epochs(32), 3);
        assert_eq!(default_epochs(30), 3);
        assert_eq!(default_epochs(20), 5);
        assert_eq!(default_epochs(8_333), 3);
        assert_eq!(default_epochs(8_334), 2);
        assert_eq!(default_epochs(100_000), 1);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut s = TokenStats::default();
        let counting = Counting {
            cap: 65_536,
            limit: 65_536,
            ..Counting::default()
        };
        for n in 1..=100 {
            s.add_example(
                &ExampleTokens {
                    total: n,
                    ..Default::default()
                },
                &counting,
            );
        }
        assert_eq!((s.percentile(50), s.percentile(95), s.max()), (50, 95, 100));
        assert_eq!(s.total, 5050);
    }
}
