//! `tunelint stats`: what a dataset is made of, as the charts and tables every report format
//! draws (`report::chart`). A [`Stats`] collector rides along with the run as a dataset fact
//! (fed every record by the workers, one per chunk, merged in line order), so the data is
//! read once; it holds counts, histograms and a bounded table of variants, never the records,
//! so its memory does not grow with the dataset. The exact-duplicate clusters come from the
//! record hashes the engine keeps for the dataset rules anyway.

mod script;

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::composition::Category;
use crate::dataset::{FactKind, Facts, FileFacts, RecordView};
use crate::json::Document;
use crate::record::{Conversation, Message, Role};
use crate::report::chart::{Bar, Chart, Table};
use crate::summary::FileSummary;
use crate::tokens::Encoding;
use crate::wording::{format_pct, thousands};

/// Distinct role sequences or system prompts a collector tells apart; more are counted
/// together as "other", so a dataset of a million different system prompts costs no more
/// memory than one of ten thousand.
const MAX_VARIANTS: usize = 10_000;
/// Variants one chunk of records keeps apart before [`Variants::append`] merges the chunks
/// into the first [`MAX_VARIANTS`] met: as many as a chunk can hold records (a chunk is
/// [`crate::source::CHUNK_SIZE`] bytes, and a record and its line end take 8 at least), so
/// no chunk counts a variant an earlier chunk keeps as `other`.
const MAX_CHUNK_VARIANTS: usize = crate::source::CHUNK_SIZE / 8;
/// Rows of a variant table.
const TOP_VARIANTS: usize = 10;
/// Duplicate clusters listed, and the lines shown of each.
const TOP_CLUSTERS: usize = 10;
const CLUSTER_LINES: usize = 8;
/// Roles a role sequence spells out before it is cut.
const SEQUENCE_ROLES: usize = 12;

/// The roles length histograms are drawn for: system (and developer), user, assistant, tool
/// (and function).
const ROLES: [&str; 4] = ["system", "user", "assistant", "tool"];

fn role_slot(role: Role) -> Option<usize> {
    match role {
        Role::System | Role::Developer => Some(0),
        Role::User => Some(1),
        Role::Assistant => Some(2),
        Role::Tool | Role::Function => Some(3),
        Role::Unknown => None,
    }
}

/// Lower bounds of the buckets of characters per message.
const CHAR_BOUNDS: &[u64] = &[0, 1, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000];
/// Lower bounds of the buckets of tokens per message or example.
const TOKEN_BOUNDS: &[u64] = &[
    0, 1, 16, 32, 64, 128, 256, 512, 1_024, 2_048, 4_096, 8_192, 16_384, 32_768,
];
/// Lower bounds of the buckets of turns per example.
const TURN_BOUNDS: &[u64] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 21, 51];

/// Counts of values in buckets given by their lower bounds.
#[derive(Clone, Debug)]
struct Histogram {
    bounds: &'static [u64],
    counts: Vec<u64>,
}

impl Histogram {
    fn new(bounds: &'static [u64]) -> Self {
        Histogram {
            bounds,
            counts: vec![0; bounds.len()],
        }
    }

    fn add(&mut self, value: u64) {
        // The bounds below or at `value`, counted without a branch: a binary search over a
        // dozen bounds mispredicts on every other message.
        let at_or_below = self
            .bounds
            .iter()
            .map(|&b| usize::from(b <= value))
            .sum::<usize>();
        self.counts[at_or_below.saturating_sub(1)] += 1;
    }

    fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The buckets from the first to the last that holds a value, as bars.
    fn bars(&self) -> Vec<Bar> {
        let first = self.counts.iter().position(|&n| n > 0);
        let last = self.counts.iter().rposition(|&n| n > 0);
        let (Some(first), Some(last)) = (first, last) else {
            return Vec::new();
        };
        (first..=last)
            .map(|i| Bar {
                label: bucket_label(self.bounds, i),
                value: self.counts[i] as f64,
                target: None,
            })
            .collect()
    }
}

/// `0`, `1–49`, `20,000+`.
fn bucket_label(bounds: &[u64], i: usize) -> String {
    let lo = bounds[i];
    match bounds.get(i + 1) {
        None => format!("{}+", thousands(lo)),
        Some(&next) if next == lo + 1 => thousands(lo),
        Some(&next) => format!("{}–{}", thousands(lo), thousands(next - 1)),
    }
}

/// One variant (a role sequence, a system prompt): how many records have it, and the first.
#[derive(Clone, Debug)]
struct Variant {
    label: String,
    count: u64,
    /// Index of its first record among the file's records (`FileFacts::items`).
    first: u64,
}

/// Variants by key, at most [`MAX_VARIANTS`]; the records of the others are counted in
/// `other`. Looked up for every record: the keys are short (a few bytes, a hash), so a
/// hasher that mixes them rather than SipHash.
#[derive(Clone, Debug, Default)]
struct Variants<K> {
    by_key: FxHashMap<K, Variant>,
    other: u64,
}

impl<K: std::hash::Hash + Eq> Variants<K> {
    /// Counts a record of the variant `key`, made owned with its label by `new` only when it
    /// is the variant's first record.
    fn add<Q>(&mut self, key: &Q, index: u64, new: impl FnOnce() -> (K, String))
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        if let Some(v) = self.by_key.get_mut(key) {
            v.count += 1;
        } else if self.by_key.len() < MAX_CHUNK_VARIANTS {
            let (key, label) = new();
            self.by_key.insert(
                key,
                Variant {
                    label,
                    count: 1,
                    first: index,
                },
            );
        } else {
            self.other += 1;
        }
    }

    /// Adds the variants of the records that follow (their indices start at `offset`), the
    /// new ones in the order they were met, until there are [`MAX_VARIANTS`].
    fn append(&mut self, next: Variants<K>, offset: u64) {
        self.other += next.other;
        let mut next: Vec<(K, Variant)> = next.by_key.into_iter().collect();
        next.sort_unstable_by_key(|(_, v)| v.first);
        for (key, mut v) in next {
            if let Some(mine) = self.by_key.get_mut(&key) {
                mine.count += v.count;
            } else if self.by_key.len() < MAX_VARIANTS {
                v.first += offset;
                self.by_key.insert(key, v);
            } else {
                self.other += v.count;
            }
        }
    }
}

/// What the tokens of a message are counted with: the model's tokenizer when one is
/// configured (the message's text alone, without the chat template or special tokens),
/// OpenAI's encoding otherwise.
#[derive(Clone)]
enum Tokenizer {
    OpenAi(Encoding),
    Model(std::sync::Arc<crate::tokens::hf::Model>),
}

impl Tokenizer {
    fn count(&self, text: &str) -> u64 {
        match self {
            Tokenizer::OpenAi(encoding) => crate::tokens::count_text(*encoding, text),
            Tokenizer::Model(model) => model.count_text(text),
        }
    }

    fn name(&self) -> &str {
        match self {
            Tokenizer::OpenAi(encoding) => encoding.as_str(),
            Tokenizer::Model(model) => &model.name,
        }
    }
}

/// What `stats` learns of one file's records (of one chunk of them, until appended).
pub struct Stats {
    /// Records seen (every record the engine keeps an item for).
    records: u64,
    /// Records with a conversation (their format could be read).
    conversations: u64,
    categories: [u64; 4],
    /// Conversations without an answer to classify.
    unclassified: u64,
    /// Answers in a script the classifier cannot read.
    other_script: u64,
    chars: [Histogram; 4],
    /// Tokens per message by role, when token statistics are counted.
    tokens: Option<(Tokenizer, [Histogram; 4])>,
    turns: Histogram,
    /// Role sequences by [`sequence_key`].
    sequences: Variants<Box<[u8]>>,
    system_prompts: Variants<u64>,
    no_system_prompt: u64,
    scripts: [u64; script::COUNT],
    targets: [f64; 4],
    /// The key of the record's role sequence, kept to spare an allocation per record.
    key: Vec<u8>,
    /// The scripts of the characters of more than one byte met last.
    seen: script::Seen,
    /// The figures of the system prompts counted, by hash (the hash that names their
    /// variant): datasets repeat a few prompts in most records, and looking one up costs
    /// less than counting it again.
    prompts: FxHashMap<u64, Counted>,
    /// Scratch space for the texts of a message ([`crate::tokens::said`]).
    buf: String,
}

/// System prompts [`Stats::prompts`] remembers; the others are counted every time.
const PROMPTS_REMEMBERED: usize = 256;

/// What one message adds to the figures.
struct Counted {
    chars: u64,
    tokens: u64,
    scripts: [u64; script::COUNT],
}

pub static STATS: FactKind = FactKind {
    name: "stats",
    new: |settings| Box::new(Stats::new(settings)),
};

impl Stats {
    fn new(settings: &crate::settings::Settings) -> Stats {
        let per_role = |bounds| std::array::from_fn(|_| Histogram::new(bounds));
        Stats {
            records: 0,
            conversations: 0,
            categories: [0; 4],
            unclassified: 0,
            other_script: 0,
            chars: per_role(CHAR_BOUNDS),
            tokens: settings.token_stats.then(|| {
                let tokenizer = match &settings.model {
                    Some(model) => Tokenizer::Model(model.clone()),
                    None => Tokenizer::OpenAi(settings.encoding),
                };
                (tokenizer, per_role(TOKEN_BOUNDS))
            }),
            turns: Histogram::new(TURN_BOUNDS),
            sequences: Variants::default(),
            system_prompts: Variants::default(),
            no_system_prompt: 0,
            scripts: [0; script::COUNT],
            targets: settings.composition.targets,
            key: Vec::new(),
            seen: script::Seen::default(),
            prompts: FxHashMap::default(),
            buf: String::new(),
        }
    }

    /// `doc` is the record's, where a role tunelint does not know is read as written.
    fn add_conversation(&mut self, conv: &Conversation<'_>, doc: &Document<'_, '_>, index: u64) {
        self.conversations += 1;
        let mut turns = 0;
        let mut system = None;
        for m in &conv.messages {
            if !m.role.is_instruction() {
                turns += 1;
            }
            let (chars, tokens) = if m.role.is_instruction() && system.is_none() {
                let text = m.content.joined_text();
                let (chars, tokens, key) = self.count_prompt(m, doc.src(), &text);
                system = Some((text, key));
                (chars, tokens)
            } else {
                self.count(m, doc.src(), None)
            };
            if let Some(slot) = role_slot(m.role) {
                self.chars[slot].add(chars);
                if let Some((_, histograms)) = &mut self.tokens {
                    histograms[slot].add(tokens);
                }
            }
        }
        self.turns.add(turns);
        let written = |m: &Message<'_>| written_role(doc, m);
        sequence_key(conv, &written, &mut self.key);
        let key = &self.key;
        self.sequences.add(&key[..], index, || {
            (key[..].into(), sequence(conv, &written))
        });
        match system {
            Some((text, key)) => {
                self.system_prompts
                    .add(&key, index, || (key, prompt_label(&text)));
            }
            None => self.no_system_prompt += 1,
        }
    }

    /// The characters and tokens of message `m` (from the record `line`), its letters added
    /// to `scripts` (or to [`Stats::scripts`]). Both are of what the token totals count of a
    /// message ([`crate::tokens::said`]): its text, its chain of thought and its tool calls'
    /// JSON, so a turn that only calls a tool is charted with its call, as the assistant
    /// total counts it, not as an empty answer. The calls' JSON is no language's writing: it
    /// is left out of the scripts.
    fn count(
        &mut self,
        m: &crate::record::Message<'_>,
        line: &str,
        scripts: Option<&mut [u64; script::COUNT]>,
    ) -> (u64, u64) {
        let scripts = scripts.unwrap_or(&mut self.scripts);
        let mut chars = 0u64;
        let mut tokens = 0u64;
        let (seen, counter) = (&mut self.seen, &self.tokens);
        crate::tokens::said(m, line, &mut self.buf, |text, call| {
            chars += if call {
                crate::record::count_chars(text) as u64
            } else {
                script::count(text, scripts, seen)
            };
            if let Some((tokenizer, _)) = counter {
                tokens += tokenizer.count(text);
            }
        });
        (chars, tokens)
    }

    /// [`Stats::count`] of a system prompt whose parts joined are `text`, and the prompt's
    /// hash: a prompt of one text met before is looked up, not counted. (Tokens are counted
    /// part by part, so a prompt in parts is counted every time: the same text in other
    /// parts has other tokens.)
    fn count_prompt(
        &mut self,
        m: &crate::record::Message<'_>,
        line: &str,
        text: &str,
    ) -> (u64, u64, u64) {
        let key = crate::canonical::hash_raw(text.as_bytes());
        if !matches!(m.content, crate::record::Content::Text(_)) {
            let (chars, tokens) = self.count(m, line, None);
            return (chars, tokens, key);
        }
        if let Some(counted) = self.prompts.get(&key) {
            for (all, these) in self.scripts.iter_mut().zip(&counted.scripts) {
                *all += these;
            }
            return (counted.chars, counted.tokens, key);
        }
        let mut scripts = [0; script::COUNT];
        let (chars, tokens) = self.count(m, line, Some(&mut scripts));
        for (all, these) in self.scripts.iter_mut().zip(&scripts) {
            *all += these;
        }
        if self.prompts.len() < PROMPTS_REMEMBERED {
            let counted = Counted {
                chars,
                tokens,
                scripts,
            };
            self.prompts.insert(key, counted);
        }
        (chars, tokens, key)
    }
}

/// What [`sequence`] spells out of a conversation, in bytes: the same key for the same
/// label, without writing the label. The roles shown, then, after a marker, the number of
/// (user, assistant) pairs or of messages when they are summed up.
fn sequence_key(conv: &Conversation<'_>, written: &Written<'_>, key: &mut Vec<u8>) {
    const PAIRS: u8 = 0xFF;
    const CUT: u8 = 0xFE;
    key.clear();
    let roles = &conv.messages;
    let start = roles.iter().take_while(|m| m.role.is_instruction()).count();
    let push_role = |key: &mut Vec<u8>, m: &Message<'_>| {
        key.push(m.role as u8);
        if m.role == Role::Unknown {
            // The name as the label shows it (JSON text has no NUL byte to end it early).
            key.extend(written(m).unwrap_or_default().bytes());
            key.push(0);
        }
    };
    for m in &roles[..start] {
        push_role(key, m);
    }
    let rest = &roles[start..];
    let pairs = rest.len() / 2;
    if pairs > 1
        && rest.len().is_multiple_of(2)
        && rest
            .chunks(2)
            .all(|p| p[0].role == Role::User && p[1].role == Role::Assistant)
    {
        key.push(PAIRS);
        key.extend_from_slice(&(pairs as u64).to_le_bytes());
        return;
    }
    let shown = rest.len().min(SEQUENCE_ROLES.saturating_sub(start));
    for m in &rest[..shown] {
        push_role(key, m);
    }
    if start + shown < roles.len() {
        key.push(CUT);
        key.extend_from_slice(&(roles.len() as u64).to_le_bytes());
    }
}

/// A message's role as the record writes it, quoted (masked and cropped), when it is none
/// tunelint knows (`"Customer"`); `None` for a known role or one that is not a string.
type Written<'w> = dyn Fn(&Message<'_>) -> Option<String> + 'w;

fn written_role(doc: &Document<'_, '_>, m: &Message<'_>) -> Option<String> {
    if m.role != Role::Unknown {
        return None;
    }
    let raw = doc.raw_at(m.role_span);
    if !raw.starts_with('"') {
        return None;
    }
    let name: String = serde_json::from_str(raw).ok()?;
    Some(crate::wording::quote(&name))
}

/// A role sequence as a reader scans it: `system, user, assistant`; a run of user and
/// assistant pairs as `(user, assistant) ×3`; cut after [`SEQUENCE_ROLES`] roles. A role
/// tunelint does not know is shown as written (`"Customer"`), or as `unknown`.
fn sequence(conv: &Conversation<'_>, written: &Written<'_>) -> String {
    let names: Vec<Option<String>> = conv.messages.iter().map(written).collect();
    let roles: Vec<&str> = conv
        .messages
        .iter()
        .zip(&names)
        .map(|(m, name)| name.as_deref().unwrap_or(m.role.as_str()))
        .collect();
    if roles.is_empty() {
        return "(no messages)".to_string();
    }
    let start = roles
        .iter()
        .take_while(|r| **r == "system" || **r == "developer")
        .count();
    let rest = &roles[start..];
    let mut parts: Vec<String> = roles[..start].iter().map(|r| r.to_string()).collect();
    let pairs = rest.len() / 2;
    if pairs > 1
        && rest.len().is_multiple_of(2)
        && rest
            .chunks(2)
            .all(|p| p[0] == "user" && p[1] == "assistant")
    {
        parts.push(format!("(user, assistant) ×{pairs}"));
        return parts.join(", ");
    }
    for r in rest.iter().take(SEQUENCE_ROLES.saturating_sub(start)) {
        parts.push(r.to_string());
    }
    let shown = parts.len();
    if shown < roles.len() {
        parts.push(format!("… ({} messages)", roles.len()));
    }
    parts.join(", ")
}

/// A system prompt as a table shows it: quoted, masked and cropped, with its length.
fn prompt_label(text: &str) -> String {
    let chars = crate::record::count_chars(text);
    format!(
        "{} ({})",
        crate::wording::quote(text),
        crate::wording::plural(chars as u64, "char")
    )
}

impl Facts for Stats {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        let index = self.records;
        self.records += 1;
        let Some(conv) = record.conv else {
            return;
        };
        self.add_conversation(&conv.as_trained(), record.doc, index);
        use crate::rules::balance::classify::{Reading, read_record};
        match read_record(record) {
            Reading::Category(c) => self.categories[c as usize] += 1,
            Reading::NoAnswer => self.unclassified += 1,
            Reading::OtherScript => self.other_script += 1,
        }
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: Stats = crate::dataset::downcast(next);
        self.merge(next);
    }
}

impl Stats {
    /// Adds the figures of the records that follow these (the next chunk, or the next file
    /// for a total: then the first-record indices are only used within a file).
    fn merge(&mut self, next: Stats) {
        let offset = self.records;
        self.records += next.records;
        self.conversations += next.conversations;
        for (a, b) in self.categories.iter_mut().zip(next.categories) {
            *a += b;
        }
        self.unclassified += next.unclassified;
        self.other_script += next.other_script;
        for (a, b) in self.chars.iter_mut().zip(&next.chars) {
            a.merge(b);
        }
        match (&mut self.tokens, &next.tokens) {
            (Some((_, mine)), Some((_, theirs))) => {
                for (a, b) in mine.iter_mut().zip(theirs) {
                    a.merge(b);
                }
            }
            (None, Some(_)) => self.tokens = next.tokens.clone(),
            _ => {}
        }
        self.turns.merge(&next.turns);
        self.sequences.append(next.sequences, offset);
        self.system_prompts.append(next.system_prompts, offset);
        self.no_system_prompt += next.no_system_prompt;
        for (a, b) in self.scripts.iter_mut().zip(next.scripts) {
            *a += b;
        }
    }
}

/// One input as the report names it.
pub struct Input<'a> {
    pub display: &'a str,
    pub facts: &'a FileFacts,
    /// The dataset the file belongs to, as the duplicate rules compare files: inputs with
    /// the same number are one dataset (a `[[datasets]]` group, or a folder's splits); the
    /// records of different datasets are not duplicates of each other.
    pub dataset: usize,
    /// The file is an evaluation split beside training files: its examples are in every
    /// figure but the composition against the target, which is B002's, of what is trained.
    pub evaluation: bool,
}

/// The charts and tables of `stats` over every input.
pub fn report(inputs: &[Input<'_>], total: &FileSummary) -> (Vec<Chart>, Vec<Table>) {
    // Figures over all files; a first record is named by its file and line, so variants
    // are folded file by file with their place resolved first.
    let mut all: Option<Stats> = None;
    let mut sequences: HashMap<Box<[u8]>, Folded> = HashMap::new();
    let mut prompts: HashMap<u64, Folded> = HashMap::new();
    let mut other_sequences = 0;
    let mut other_prompts = 0;
    // The composition's counts: categories, then unclassified and other-script answers.
    let mut composition = ([0u64; 4], [0u64; 2]);
    for (order, input) in inputs.iter().enumerate() {
        let Some(stats) = input.facts.get::<Stats>() else {
            continue;
        };
        if !input.evaluation {
            for (sum, n) in composition.0.iter_mut().zip(stats.categories) {
                *sum += n;
            }
            composition.1[0] += stats.unclassified;
            composition.1[1] += stats.other_script;
        }
        let place = |index: u64| -> (String, (usize, u64)) {
            let line = input
                .facts
                .items
                .get(index as usize)
                .map_or(0, |item| item.line);
            let shown = format!("{}:{line}", crate::report::shown_path(input.display));
            (shown, (order, line))
        };
        fold(&mut sequences, &stats.sequences, &place);
        fold(&mut prompts, &stats.system_prompts, &place);
        other_sequences += stats.sequences.other;
        other_prompts += stats.system_prompts.other;
        let copy = Stats {
            sequences: Variants::default(),
            system_prompts: Variants::default(),
            tokens: stats.tokens.clone(),
            chars: stats.chars.clone(),
            turns: stats.turns.clone(),
            key: Vec::new(),
            prompts: FxHashMap::default(),
            buf: String::new(),
            ..*stats
        };
        match &mut all {
            None => all = Some(copy),
            Some(a) => a.merge(copy),
        }
    }
    let mut charts = Vec::new();
    let mut tables = Vec::new();
    let Some(all) = all else {
        return (charts, tables);
    };

    charts.extend(composition_chart(
        &composition.0,
        composition.1,
        &all.targets,
    ));

    // Token lengths: per example (the run's own count, chat formula included), then per
    // message by role.
    charts.extend(tokens_per_example_chart(total));
    if let Some((tokenizer, histograms)) = &all.tokens {
        for (role, h) in ROLES.iter().zip(histograms) {
            push_histogram(
                &mut charts,
                &format!("tokens-{role}"),
                format!("Tokens per {role} message ({})", tokenizer.name()),
                "messages",
                h,
            );
        }
    }
    for (role, h) in ROLES.iter().zip(&all.chars) {
        push_histogram(
            &mut charts,
            &format!("chars-{role}"),
            format!("Characters per {role} message"),
            "messages",
            h,
        );
    }
    push_histogram(
        &mut charts,
        "turns",
        "Turns per example (messages other than system)".into(),
        "examples",
        &all.turns,
    );

    // Scripts, most letters first.
    let letters: u64 = all.scripts.iter().sum();
    if letters > 0 {
        let mut present: Vec<(usize, u64)> = all
            .scripts
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .collect();
        present.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        charts.push(Chart {
            id: "scripts".into(),
            title: format!("Unicode scripts ({} letters)", thousands(letters)),
            unit: "letters".into(),
            bars: present
                .into_iter()
                .map(|(i, n)| Bar {
                    label: script::NAMES[i].into(),
                    value: n as f64,
                    target: None,
                })
                .collect(),
        });
    }

    let conversations = all.conversations;
    tables.push(variant_table(
        "role-sequences",
        "Top role sequences",
        "role sequence",
        sequences,
        other_sequences,
        0,
        conversations,
    ));
    tables.push(variant_table(
        "system-prompts",
        "System-prompt variants",
        "system prompt",
        prompts,
        other_prompts,
        all.no_system_prompt,
        conversations,
    ));
    if let Some(t) = duplicate_clusters(inputs) {
        tables.push(t);
    }
    if let Some(t) = findings_by_rule(total) {
        tables.push(t);
    }
    tables.retain(|t| !t.rows.is_empty());
    (charts, tables)
}

/// A variant over every file: its label, its records, where its first record is (as shown,
/// and as the input's place in the run and the line, which order ties).
type Folded = (String, u64, String, (usize, u64));

fn fold<K: Clone + std::hash::Hash + Eq>(
    into: &mut HashMap<K, Folded>,
    variants: &Variants<K>,
    place: &dyn Fn(u64) -> (String, (usize, u64)),
) {
    for (key, v) in &variants.by_key {
        into.entry(key.clone())
            .or_insert_with(|| {
                let (shown, order) = place(v.first);
                (v.label.clone(), 0, shown, order)
            })
            .1 += v.count;
    }
}

/// The composition against the target, as bars with their targets: `None` when no example
/// could be classified. `[unclassified, other_script]`: the examples without an answer,
/// and those whose answer is in a script the classifier cannot read.
fn composition_chart(
    categories: &[u64; 4],
    [unclassified, other_script]: [u64; 2],
    targets: &[f64; 4],
) -> Option<Chart> {
    let classified: u64 = categories.iter().sum();
    if classified == 0 {
        return None;
    }
    let mut notes = String::new();
    if unclassified > 0 {
        notes += &format!(", {} without an answer", thousands(unclassified));
    }
    if other_script > 0 {
        notes += &format!(
            ", {} answered in a script other than Latin, not sorted",
            thousands(other_script)
        );
    }
    Some(Chart {
        id: "composition".into(),
        title: format!(
            "Composition against the target ({} classified{notes})",
            crate::wording::plural(classified, "example"),
        ),
        unit: "%".into(),
        bars: Category::ALL
            .iter()
            .map(|&c| Bar {
                label: c.as_str().into(),
                // Floored, as B002 and every share tunelint shows: 7,471 of 7,473 is 99.9%.
                value: crate::wording::floor_pct(
                    categories[c as usize] as f64 * 100.0 / classified as f64,
                ),
                target: Some(targets[c as usize]),
            })
            .collect(),
    })
}

/// Tokens per example (the run's own count, chat formula included), when they were counted.
fn tokens_per_example_chart(total: &FileSummary) -> Option<Chart> {
    let t = total.tokens.as_ref()?;
    let mut h = Histogram::new(TOKEN_BOUNDS);
    for &n in &t.per_example {
        h.add(u64::from(n));
    }
    let mut charts = Vec::new();
    push_histogram(
        &mut charts,
        "tokens-per-example",
        format!("Tokens per example ({})", t.tokenizer_name()),
        "examples",
        &h,
    );
    charts.pop()
}

/// `check`'s charts, for the reports people look at (the markdown job summary, html): the
/// composition against the target, from the categories B002-B004 classified (absent when
/// they are off), and tokens per example (when token statistics were counted). `facts` are
/// the judged training files' (B002 judges no evaluation split).
pub fn verdict_charts(facts: &[&FileFacts], targets: &[f64; 4], total: &FileSummary) -> Vec<Chart> {
    let mut categories = [0u64; 4];
    let mut unclassified = 0;
    let mut other_script = 0;
    let mut any = false;
    for f in facts {
        let Some(c) = f.get::<crate::rules::balance::Categories>() else {
            continue;
        };
        any = true;
        other_script += c.other_script;
        for of in &c.of {
            match of {
                Some(c) => categories[*c as usize] += 1,
                None => unclassified += 1,
            }
        }
    }
    // `of` holds `None` for both: an answer that cannot be read is not one missing.
    unclassified -= other_script;
    let mut charts = Vec::new();
    if any {
        charts.extend(composition_chart(
            &categories,
            [unclassified, other_script],
            targets,
        ));
    }
    charts.extend(tokens_per_example_chart(total));
    charts
}

fn push_histogram(charts: &mut Vec<Chart>, id: &str, title: String, unit: &str, h: &Histogram) {
    if h.total() == 0 {
        return;
    }
    charts.push(Chart {
        id: id.into(),
        title,
        unit: unit.into(),
        bars: h.bars(),
    });
}

fn share(n: u64, of: u64) -> String {
    if of == 0 {
        "-".into()
    } else {
        format_pct(n as f64 * 100.0 / of as f64)
    }
}

/// The most frequent variants, with their share of the conversations and their first line;
/// then the rest, summed up.
fn variant_table<K>(
    id: &str,
    title: &str,
    what: &str,
    variants: HashMap<K, Folded>,
    other: u64,
    none: u64,
    conversations: u64,
) -> Table {
    let distinct = variants.len();
    let mut all: Vec<Folded> = variants.into_values().collect();
    // Ties: the variant met first (by file, then line as a number: line 9 before line 10).
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.3.cmp(&b.3)));
    let rest: u64 = all.iter().skip(TOP_VARIANTS).map(|v| v.1).sum::<u64>() + other;
    let mut rows: Vec<Vec<String>> = all
        .into_iter()
        .take(TOP_VARIANTS)
        .map(|(label, n, at, _)| vec![label, thousands(n), share(n, conversations), at])
        .collect();
    if none > 0 {
        rows.push(vec![
            "(none)".into(),
            thousands(none),
            share(none, conversations),
            String::new(),
        ]);
    }
    if rest > 0 {
        let more = if other > 0 {
            "other variants".to_string()
        } else {
            crate::wording::plural((distinct - TOP_VARIANTS) as u64, "other variant")
        };
        rows.push(vec![
            format!("({more})"),
            thousands(rest),
            share(rest, conversations),
            String::new(),
        ]);
    }
    Table {
        id: id.into(),
        // Past the variants a collector tells apart, the others are only counted: how many
        // distinct ones there are is not known, and a frequent one met late is among them.
        title: if other > 0 {
            format!(
                "{title} (more than {} distinct: the first {} met are told apart, the rest counted together)",
                thousands(distinct as u64),
                thousands(distinct as u64)
            )
        } else {
            format!("{title} ({} distinct)", thousands(distinct as u64))
        },
        columns: vec![
            what.into(),
            "examples".into(),
            "share".into(),
            "first".into(),
        ],
        rows,
    }
}

/// The largest groups of identical records (the same canonical hash: key order and white
/// space ignored) within each dataset, as D001 finds them, with their lines.
fn duplicate_clusters(inputs: &[Input<'_>]) -> Option<Table> {
    // Keyed by hashes already: a hasher that only mixes them (on a million records, 0.07 s
    // less than SipHash, on the one thread that writes the report; the clusters are
    // sorted, so the map's order decides nothing).
    let mut by_hash: FxHashMap<(usize, u64), (u32, usize, usize)> = FxHashMap::default();
    for (f, input) in inputs.iter().enumerate() {
        // A record without a hash is equal to no other (see `Item::hashed`).
        for (i, item) in input
            .facts
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.hashed)
        {
            by_hash
                .entry((input.dataset, item.hash))
                .and_modify(|e| e.0 += 1)
                .or_insert((1, f, i));
        }
    }
    let mut clusters: Vec<((usize, u64), u32, usize, usize)> = by_hash
        .into_iter()
        .filter(|(_, e)| e.0 > 1)
        .map(|(h, (n, f, i))| (h, n, f, i))
        .collect();
    let count = clusters.len();
    let copies: u64 = clusters.iter().map(|c| u64::from(c.1) - 1).sum();
    clusters.sort_by(|a, b| b.1.cmp(&a.1).then((a.2, a.3).cmp(&(b.2, b.3))));
    clusters.truncate(TOP_CLUSTERS);
    let wanted: FxHashMap<(usize, u64), usize> =
        clusters.iter().enumerate().map(|(k, c)| (c.0, k)).collect();
    let mut lines: Vec<Vec<String>> = vec![Vec::new(); clusters.len()];
    let mut last_file: Vec<Option<usize>> = vec![None; clusters.len()];
    for (f, input) in inputs.iter().enumerate() {
        for item in input.facts.items.iter().filter(|item| item.hashed) {
            let Some(&k) = wanted.get(&(input.dataset, item.hash)) else {
                continue;
            };
            if lines[k].len() >= CLUSTER_LINES {
                continue;
            }
            // A file's name once, then its lines: `train.jsonl:3, 9, 12`.
            if last_file[k] == Some(f) {
                lines[k].push(item.line.to_string());
            } else {
                lines[k].push(format!(
                    "{}:{}",
                    crate::report::shown_path(input.display),
                    item.line
                ));
                last_file[k] = Some(f);
            }
        }
    }
    let rows = clusters
        .iter()
        .zip(lines)
        .map(|(c, lines)| {
            let more = u64::from(c.1) - lines.len() as u64;
            let mut text = lines.join(", ");
            if more > 0 {
                text.push_str(&format!(", … {} more", thousands(more)));
            }
            vec![thousands(u64::from(c.1)), text]
        })
        .collect();
    Some(Table {
        id: "duplicate-clusters".into(),
        title: format!(
            "Largest exact-duplicate clusters ({}, {})",
            crate::wording::plural(count as u64, "cluster"),
            if copies == 1 {
                "1 redundant copy".to_owned()
            } else {
                format!("{} redundant copies", thousands(copies))
            }
        ),
        columns: vec!["copies".into(), "lines".into()],
        rows,
    })
}

/// Every rule that found something, most findings first.
fn findings_by_rule(total: &FileSummary) -> Option<Table> {
    let by_rule = total.by_rule();
    Some(Table {
        id: "findings-by-rule".into(),
        title: "Findings by rule".into(),
        columns: vec![
            "code".into(),
            "rule".into(),
            "errors".into(),
            "warnings".into(),
            "info".into(),
        ],
        rows: by_rule
            .into_iter()
            .map(|(c, n)| {
                vec![
                    c.as_str().into(),
                    c.meta().name.into(),
                    thousands(n[2]),
                    thousands(n[1]),
                    thousands(n[0]),
                ]
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use crate::record::{Content, Message, Shape};

    /// Two role sequences have one key exactly when they have one label, so the table
    /// counts the variants a reader sees.
    #[test]
    fn a_sequence_key_stands_for_its_label() {
        let roles = [
            Role::System,
            Role::Developer,
            Role::User,
            Role::Assistant,
            Role::Tool,
            Role::Unknown,
        ];
        let mut random = crate::testing::Lcg(3);
        let mut seen: HashMap<Vec<u8>, String> = HashMap::new();
        let mut labels: HashMap<String, Vec<u8>> = HashMap::new();
        for round in 0..4000 {
            let len = random.below(20);
            let messages = (0..len)
                .map(|i| {
                    // Mostly the common shapes: instructions first, then user and assistant.
                    let role = match round % 3 {
                        0 if i < 2 && random.below(2) == 0 => Role::System,
                        0 | 1 if i >= 1 => [Role::User, Role::Assistant][(i + 1) % 2],
                        _ => roles[random.below(roles.len())],
                    };
                    Message::new(role, Span::default(), Span::default(), Content::Missing)
                })
                .collect();
            let conv = Conversation {
                messages,
                span: Span::default(),
                incomplete: false,
                tools: None,
                shape: Shape::Chat,
                ..Default::default()
            };
            let mut key = Vec::new();
            sequence_key(&conv, &|_| None, &mut key);
            let label = sequence(&conv, &|_| None);
            assert_eq!(seen.entry(key.clone()).or_insert(label.clone()), &label);
            assert_eq!(labels.entry(label).or_insert(key.clone()), &key);
        }
        assert!(seen.len() > 100, "{}", seen.len());
    }

    #[test]
    fn buckets_are_labelled_by_their_range() {
        let labels: Vec<String> = (0..CHAR_BOUNDS.len())
            .map(|i| bucket_label(CHAR_BOUNDS, i))
            .collect();
        assert_eq!(labels[0], "0");
        assert_eq!(labels[1], "1–49");
        assert_eq!(labels.last().unwrap(), "20,000+");
        let mut h = Histogram::new(CHAR_BOUNDS);
        for v in [0, 1, 49, 50, 1_000_000] {
            h.add(v);
        }
        assert_eq!(h.counts[0..3], [1, 2, 1]);
        assert_eq!(*h.counts.last().unwrap(), 1);
    }
}
