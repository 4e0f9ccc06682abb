//! Dataset-wide rules: folds over small per-record facts (hashes, signatures, the text a
//! near-duplicate check compares), run once every record of every file has been read.
//!
//! The workers compute the facts in parallel with the record rules; the collector keeps
//! them in line order per file. Rules here never see whole records: when a fingerprint
//! suggests something (two records with one canonical hash), the rule confirms it by
//! reading those lines again through [`LineSource`].

use crate::dedup::index::{self, Signature};
use crate::dedup::similarity::Profile;
use crate::diagnostic::{Diagnostic, FileId, Location, Related};
use crate::engine::{Job, LineSource};
use crate::record::{Conversation, Role};
use crate::rule::Level;
use crate::rules::{Code, content, duplicates};
use crate::settings::DedupField;
use crate::settings::Settings;

/// What one record contributes to the dataset rules.
#[derive(Clone, Debug)]
pub struct RecordFacts {
    /// Canonical hash of the whole record.
    pub hash: u64,
    /// Whether the record normalised into a conversation.
    pub conversation: bool,
    /// Hash of the first system (or developer) message's text; `None` without one.
    pub system: Option<u64>,
    /// The text near-duplicate checks compare, with its signature; `None` when those rules
    /// are off or the text is empty.
    pub dedup: Option<(String, Signature)>,
}

impl RecordFacts {
    pub fn hash_only(hash: u64) -> Self {
        RecordFacts {
            hash,
            conversation: false,
            system: None,
            dedup: None,
        }
    }

    pub fn of(hash: u64, conv: &Conversation<'_>, settings: &Settings) -> Self {
        let system = conv
            .messages
            .iter()
            .filter(|_| settings.enabled(Code::C012))
            .find(|m| m.role.is_instruction())
            .map(|m| xxhash_rust::xxh3::xxh3_64(m.content.joined_text().as_bytes()));
        let dedup = if settings.enabled(Code::D002) || settings.enabled(Code::D003) {
            let text = dedup_text(conv, settings.dedup.field);
            (!text.is_empty()).then(|| {
                let sig = index::signature(&text);
                (text, sig)
            })
        } else {
            None
        };
        RecordFacts {
            hash,
            conversation: true,
            system,
            dedup,
        }
    }
}

/// The text `[dedup] field` selects: the first user message (the lesson's choice), the
/// assistant messages, or every message.
pub fn dedup_text(conv: &Conversation<'_>, field: DedupField) -> String {
    match field {
        DedupField::User => conv
            .messages
            .iter()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.joined_text().into_owned())
            .unwrap_or_default(),
        DedupField::Assistant => join(
            conv.messages
                .iter()
                .filter(|m| m.role == Role::Assistant)
                .map(|m| m.content.joined_text()),
        ),
        DedupField::Conversation => join(
            conv.messages
                .iter()
                .map(|m| format!("{}: {}", m.role.as_str(), m.content.joined_text()).into()),
        ),
    }
}

fn join<'a>(parts: impl Iterator<Item = std::borrow::Cow<'a, str>>) -> String {
    let mut out = String::new();
    for (i, p) in parts.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&p);
    }
    out
}

/// One record as the dataset rules see it.
#[derive(Clone, Debug)]
pub struct Item {
    pub line: u64,
    pub offset: u64,
    pub hash: u64,
    /// No error-level finding so far.
    pub valid: bool,
    pub conversation: bool,
    pub system: Option<u64>,
    /// Index into [`FileFacts::texts`] and [`FileFacts::sigs`].
    pub text: Option<u32>,
}

/// The facts of one file, in line order. Texts live in one arena to keep allocations few.
#[derive(Default, Debug)]
pub struct FileFacts {
    pub items: Vec<Item>,
    arena: String,
    spans: Vec<(u64, u32)>,
    pub sigs: Vec<Signature>,
    /// Per text id, the length and character buckets the exact checks are screened with.
    pub profiles: Vec<Profile>,
}

impl FileFacts {
    pub fn push(&mut self, line: u64, offset: u64, valid: bool, facts: RecordFacts) {
        let text = facts.dedup.map(|(text, sig)| {
            let id = self.sigs.len() as u32;
            self.spans
                .push((self.arena.len() as u64, text.len() as u32));
            self.arena.push_str(&text);
            self.profiles.push(Profile::of(&text));
            self.sigs.push(sig);
            id
        });
        self.items.push(Item {
            line,
            offset,
            hash: facts.hash,
            valid,
            conversation: facts.conversation,
            system: facts.system,
            text,
        });
    }

    /// Appends the facts of the next chunk of the same file.
    pub fn append(&mut self, other: FileFacts) {
        let base = self.sigs.len() as u32;
        let arena_base = self.arena.len() as u64;
        self.arena.push_str(&other.arena);
        self.spans
            .extend(other.spans.iter().map(|&(s, l)| (s + arena_base, l)));
        self.sigs.extend(other.sigs);
        self.profiles.extend(other.profiles);
        self.items.extend(other.items.into_iter().map(|mut i| {
            i.text = i.text.map(|t| t + base);
            i
        }));
    }

    /// The compared text of text id `id`.
    pub fn text(&self, id: u32) -> &str {
        let (start, len) = self.spans[id as usize];
        &self.arena[start as usize..start as usize + len as usize]
    }

    pub fn item_at_mut(&mut self, line: u64) -> Option<&mut Item> {
        let i = self.items.binary_search_by_key(&line, |i| i.line).ok()?;
        self.items.get_mut(i)
    }
}

/// Files whose evaluation examples must not repeat their training examples.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitGroup {
    pub train: Vec<FileId>,
    pub eval: Vec<FileId>,
}

/// Stems of evaluation split files.
const EVAL_SPLITS: &[&str] = &["valid", "validation", "val", "test", "eval"];

/// The split groups of a run: in each directory, a `train` file with its `valid`,
/// `validation`, `val`, `test` or `eval` siblings; then every `[[datasets]]` group of the
/// configuration (paths relative to `root`). `paths[i]` is file `i`'s path (`None` for stdin).
pub fn split_groups(
    paths: &[Option<std::path::PathBuf>],
    configured: &[crate::config::DatasetGroup],
    root: &std::path::Path,
) -> Vec<SplitGroup> {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    let canonical: Vec<Option<PathBuf>> = paths
        .iter()
        .map(|p| p.as_ref().and_then(|p| std::fs::canonicalize(p).ok()))
        .collect();
    let mut by_dir: BTreeMap<PathBuf, SplitGroup> = BTreeMap::new();
    for (id, path) in canonical.iter().enumerate() {
        let Some(path) = path else { continue };
        let (Some(dir), Some(stem)) = (path.parent(), path.file_stem().and_then(|s| s.to_str()))
        else {
            continue;
        };
        let group = by_dir.entry(dir.to_path_buf()).or_insert(SplitGroup {
            train: Vec::new(),
            eval: Vec::new(),
        });
        if stem == "train" {
            group.train.push(id as FileId);
        } else if EVAL_SPLITS.contains(&stem) {
            group.eval.push(id as FileId);
        }
    }
    let mut groups: Vec<SplitGroup> = by_dir
        .into_values()
        .filter(|g| !g.train.is_empty() && !g.eval.is_empty())
        .collect();
    let ids_of = |list: &[String]| -> Vec<FileId> {
        list.iter()
            .filter_map(|p| std::fs::canonicalize(root.join(Path::new(p))).ok())
            .filter_map(|p| canonical.iter().position(|c| c.as_ref() == Some(&p)))
            .map(|i| i as FileId)
            .collect()
    };
    for g in configured {
        let train = ids_of(&g.train);
        let eval: Vec<FileId> = ids_of(&g.valid)
            .into_iter()
            .chain(ids_of(&g.test))
            .collect();
        if !train.is_empty() && !eval.is_empty() {
            let group = SplitGroup { train, eval };
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
    }
    groups
}

/// Where dataset rules put their findings.
pub struct DatasetContext<'a> {
    pub jobs: &'a [Job],
    pub lines: &'a LineSource<'a>,
    pub threads: usize,
    out: &'a mut Vec<Diagnostic>,
}

impl DatasetContext<'_> {
    pub fn settings(&self, file: FileId) -> &Settings {
        &self.jobs[file as usize].settings
    }

    pub fn display(&self, file: FileId) -> &str {
        &self.jobs[file as usize].display
    }

    /// `line 12`, or `data/train.jsonl:12` when the other record is in another file.
    pub fn place(&self, here: FileId, file: FileId, line: u64) -> String {
        if here == file {
            format!("line {line}")
        } else {
            format!("{}:{line}", self.display(file))
        }
    }

    /// Reports `code` on `item` of `file`, pointing at `related` when given.
    pub fn report(
        &mut self,
        code: Code,
        file: FileId,
        item: &Item,
        message: String,
        related: Option<Related>,
    ) {
        let level = self.settings(file).level(code);
        if level == Level::Off {
            return;
        }
        self.out.push(Diagnostic {
            code,
            level,
            location: Location::line_start(file, item.line, item.offset),
            message,
            related: related.into_iter().collect(),
            fingerprint: item.hash,
        });
    }
}

/// Runs every dataset rule.
pub fn check(
    jobs: &[Job],
    facts: &[FileFacts],
    splits: &[SplitGroup],
    lines: &LineSource<'_>,
    threads: usize,
    out: &mut Vec<Diagnostic>,
) {
    let mut ctx = DatasetContext {
        jobs,
        lines,
        threads: threads.max(1),
        out,
    };
    for (file, file_facts) in facts.iter().enumerate() {
        let file = file as FileId;
        let exact = duplicates::exact_duplicate::check(&mut ctx, file, file_facts);
        duplicates::near_duplicate::check(&mut ctx, file, file_facts, &exact);
        content::inconsistent_system_prompt::check(&mut ctx, file, file_facts);
    }
    for group in splits {
        duplicates::split_leak::check(&mut ctx, group, facts);
    }
}
