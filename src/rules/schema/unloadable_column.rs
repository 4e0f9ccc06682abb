//! S013 unloadable-column.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::dataset::{DatasetContext, FactKind, Facts, RecordView};
use crate::declare_rule;
use crate::diagnostic::{FileId, Location, RecordStart, Related, Span};
use crate::json::{Document, IdentityHasher, Kind, NodeId};
use crate::rule::Level;
use crate::rules::{Code, RunsOn};
use crate::target::{Loader, MixedTypes, Target};

declare_rule! {
    /// ## What it does
    /// Reports a field whose JSON type changes between the records of a file: `content` a
    /// string in one message and a list of parts in another, a number in one record and a
    /// string in the next, an object where earlier records had an array. Fields are compared
    /// by their path (`messages[].content`, `tools[].function.parameters`), at every depth;
    /// `null` and a missing field go with any type, and integers with decimals. One finding
    /// per field and file, on the first record that changes it, naming the record that set
    /// it first. Records with an error of their own (`messages` a string, S002) are left
    /// out: that finding already stops them.
    ///
    /// The level follows the target, because the loaders differ: Hugging Face
    /// `datasets.load_dataset("json")` before 4.7 reads a file into Arrow columns of one type
    /// each and fails on it (`ArrowInvalid: JSON parse error: Column(/messages/[]/content)
    /// changed from string to array`); 4.7 and later load such a column as `Json`; the API
    /// providers read each record on its own. So the level follows the `datasets` versions
    /// the trainer's own requirement allows (its `pyproject.toml`, in the table below): an
    /// error where they are all before 4.7 (LLaMA-Factory, Unsloth), off where they are all
    /// 4.7 or later (TRL from 1.0, axolotl), a warning for a trainer that allows both; off
    /// for the API providers, and without a target (an OpenAI vision example, a list of parts
    /// from the user and a string from the assistant, is one such mix, and valid where it is
    /// sent).
    ///
    /// ## Why is this bad?
    /// The training run stops before its first step, on a message about Arrow that names a
    /// column and a row but not the line, after the model has been downloaded. A file
    /// assembled from two sources (one writing `content` as text, one as parts) or a tool
    /// schema whose `default` is a string here and a number there is the usual cause.
    ///
    /// ## Example
    /// ```jsonl,invalid,target=llama-factory
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// {"messages": [{"role": "user", "content": [{"type": "text", "text": "Where are my invoices?"}]}, {"role": "assistant", "content": "Under Billing, Invoices."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,target=llama-factory
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Click Forgot password on the sign-in page."}]}
    /// {"messages": [{"role": "user", "content": "Where are my invoices?"}, {"role": "assistant", "content": "Under Billing, Invoices."}]}
    /// ```
    pub static UNLOADABLE_COLUMN = {
        code: "S013",
        name: "unloadable-column",
        level: Error,
        summary: "a field's JSON type changes between records, which `datasets` before 4.7 cannot load",
    };
}

/// Runs on the dataset, from the first record of each type at each field's path.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&COLUMNS],
};

static COLUMNS: FactKind = FactKind {
    name: "column types",
    new: |_| Box::<Columns>::default(),
};

/// The highest level S013 takes for `target`, what its loader makes of a changing type
/// (`crate::rules::cap_by_target` applies it to each file's settings).
pub fn cap(target: Option<&Target>) -> Level {
    match target.map(|t| t.loader.value.mixed_types()) {
        None | Some(MixedTypes::Loaded) => Level::Off,
        Some(MixedTypes::Refused) => Level::Error,
        Some(MixedTypes::Installed) => Level::Warning,
    }
}

/// A JSON type as Arrow sees it: `null` goes with any, integers with decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Type {
    fn of(kind: Kind) -> Option<Type> {
        match kind {
            Kind::Null => None,
            Kind::Bool => Some(Type::Bool),
            Kind::Number => Some(Type::Number),
            Kind::String => Some(Type::String),
            Kind::Array => Some(Type::Array),
            Kind::Object => Some(Type::Object),
        }
    }

    fn words(self) -> &'static str {
        match self {
            Type::Bool => "a boolean",
            Type::Number => "a number",
            Type::String => "a string",
            Type::Array => "an array",
            Type::Object => "an object",
        }
    }
}

/// The first record (of this collector's chunk, then of the file) to give a field a type,
/// and where in it.
#[derive(Clone, Debug)]
struct First {
    ty: Type,
    record: usize,
    at: Location,
}

/// One field: its path as written in messages, and the first record of each type it took,
/// in record order.
#[derive(Clone, Debug)]
struct Column {
    path: String,
    types: Vec<First>,
}

/// Of each file: every field's path with the types it took. Records of one shape (the
/// common case: every record has the same fields with the same types) are recognised by a
/// hash of their (path, type) pairs and cost one walk and one lookup.
#[derive(Default)]
pub struct Columns {
    columns: HashMap<u64, Column, BuildHasherDefault<IdentityHasher>>,
    /// Hashes of the record shapes already merged into `columns`.
    shapes: HashMap<u64, (), BuildHasherDefault<IdentityHasher>>,
    records: usize,
    /// Scratch: the (path hash, type, node, trail index) of the record being added.
    fields: Vec<(u64, Type, NodeId, u32)>,
    /// Scratch: per node walked, its parent's trail index and its key (`None`: an array
    /// element), to spell a path in time proportional to its depth.
    trail: Vec<(u32, Option<NodeId>)>,
}

const ELEMENT: u64 = 0x9e37_79b9_7f4a_7c15;

fn step(path: u64, segment: u64) -> u64 {
    (path ^ segment)
        .wrapping_mul(0xff51_afd7_ed55_8ccd)
        .rotate_left(29)
}

impl Columns {
    /// Every (path hash, type) of the value `node` at `path`, depth first; `parent` and `key`
    /// say where it sits, for its path's spelling.
    fn walk(
        &mut self,
        doc: &Document<'_, '_>,
        node: NodeId,
        path: u64,
        (parent, key): (u32, Option<NodeId>),
        dups: bool,
    ) {
        let here = self.trail.len() as u32;
        self.trail.push((parent, key));
        let kind = doc.kind(node);
        if let Some(ty) = Type::of(kind) {
            self.fields.push((path, ty, node, here));
        }
        let member = |this: &mut Self, k: NodeId, v: NodeId| {
            let hash = xxhash_rust::xxh3::xxh3_64(doc.raw(k).as_bytes());
            this.walk(doc, v, step(path, hash), (here, Some(k)), dups);
        };
        match kind {
            Kind::Object if dups => {
                // A repeated key: the last one is the value every reader keeps.
                let mut last: HashMap<std::borrow::Cow<'_, str>, NodeId> = HashMap::new();
                for (k, v) in doc.members(node) {
                    last.insert(doc.str(k).unwrap_or_default(), v);
                }
                for (k, v) in doc.members(node) {
                    if last.get(&doc.str(k).unwrap_or_default()) == Some(&v) {
                        member(self, k, v);
                    }
                }
            }
            Kind::Object => {
                for (k, v) in doc.members(node) {
                    member(self, k, v);
                }
            }
            Kind::Array => {
                for e in doc.elements(node) {
                    self.walk(doc, e, step(path, ELEMENT), (here, None), dups);
                }
            }
            _ => {}
        }
    }

    /// The path of the node at `trail` index `at`, as `messages[].content`: keys joined by
    /// dots, `[]` for an array's elements.
    fn path_text(&self, doc: &Document<'_, '_>, mut at: u32) -> String {
        let mut segments = Vec::new();
        while at != 0 {
            let (parent, key) = self.trail[at as usize];
            segments.push(key);
            at = parent;
        }
        let mut path = String::new();
        for key in segments.into_iter().rev() {
            match key {
                Some(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&doc.str(k).unwrap_or_default());
                }
                None => path.push_str("[]"),
            }
        }
        path
    }

    fn is_new(&self, path: u64, ty: Type) -> bool {
        self.columns
            .get(&path)
            .is_none_or(|c| !c.types.iter().any(|f| f.ty == ty))
    }

    /// Records `ty` at the column `path` (spelled `text`) of `record` when it is the
    /// column's first of that type.
    fn note(
        &mut self,
        path: u64,
        ty: Type,
        record: usize,
        text: impl FnOnce() -> String,
        at: Location,
    ) {
        match self.columns.get_mut(&path) {
            Some(c) => {
                if !c.types.iter().any(|f| f.ty == ty) {
                    c.types.push(First { ty, record, at });
                }
            }
            None => {
                self.columns.insert(
                    path,
                    Column {
                        path: text(),
                        types: vec![First { ty, record, at }],
                    },
                );
            }
        }
    }
}

/// Where each of `starts` (byte offsets into `text`, ascending) is, for a record that
/// begins at `start`: one pass over the text however many there are. A location points at
/// the value's first character.
fn locate_all(text: &str, start: &RecordStart, starts: &[u32]) -> Vec<Location> {
    let bytes = text.as_bytes();
    let (mut pos, mut line, mut line_start, mut chars) = (0usize, 0u64, 0usize, 0u32);
    let mut out = Vec::with_capacity(starts.len());
    for &at in starts {
        let at = (at as usize).min(bytes.len());
        while pos < at {
            if bytes[pos] == b'\n' {
                line += 1;
                line_start = pos + 1;
                chars = 0;
            } else if bytes[pos] & 0xC0 != 0x80 {
                chars += 1;
            }
            pos += 1;
        }
        let (line_offset, lead_bytes, lead_chars) = if line == 0 {
            (start.line_offset, start.column_bytes, start.column_chars)
        } else {
            let record_offset = start.line_offset + u64::from(start.column_bytes);
            (record_offset + line_start as u64, 0, 0)
        };
        let column = lead_chars + chars + 1;
        let in_line = lead_bytes + (at - line_start) as u32;
        let width = text[at..].chars().next().map_or(0, char::len_utf8) as u32;
        out.push(Location {
            file: 0,
            line: start.line + line,
            column,
            end_column: column + u32::from(width > 0),
            line_offset,
            span: Some(Span::new(in_line, in_line + width)),
        });
    }
    out
}

impl Facts for Columns {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        let index = self.records;
        self.records += 1;
        let doc = record.doc;
        // A record with an error of its own (`messages` a string: S002) is reported for
        // it; its types would only repeat that finding.
        if !record.valid || doc.kind(doc.root()) != Kind::Object {
            return;
        }
        self.fields.clear();
        self.trail.clear();
        let dups = !doc.duplicate_keys().is_empty();
        self.walk(doc, doc.root(), 0, (0, None), dups);
        let mut fields = std::mem::take(&mut self.fields);
        // The set of (path, type) pairs, each with its first node: records that differ only
        // in how many messages they hold have one shape.
        fields.sort_by_key(|&(path, ty, _, _)| (path, ty as u8));
        fields.dedup_by_key(|&mut (path, ty, _, _)| (path, ty as u8));
        let shape = fields.iter().fold(0u64, |h, &(p, ty, _, _)| {
            step(h, p ^ (ty as u64 + 1).wrapping_mul(ELEMENT))
        });
        if self.shapes.insert(shape, ()).is_none() {
            // The new (path, type) pairs, located in one pass in text order.
            fields.retain(|&(path, ty, _, _)| self.is_new(path, ty));
            fields.sort_by_key(|&(_, _, node, _)| doc.span(node).start);
            let starts: Vec<u32> = fields
                .iter()
                .map(|&(_, _, n, _)| doc.span(n).start)
                .collect();
            let places = locate_all(doc.src(), &record.start, &starts);
            for (&(path, ty, _, trail), at) in fields.iter().zip(places) {
                let text = self.path_text(doc, trail);
                self.note(path, ty, index, || text, at);
            }
        }
        fields.clear();
        self.fields = fields;
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: Columns = crate::dataset::downcast(next);
        let offset = self.records;
        for (path, column) in next.columns {
            for first in column.types {
                self.note(
                    path,
                    first.ty,
                    first.record + offset,
                    || column.path.clone(),
                    first.at,
                );
            }
        }
        self.shapes.extend(next.shapes);
        self.records += next.records;
    }
}

fn check(ctx: &mut DatasetContext<'_>) {
    let files: Vec<FileId> = ctx.files_enabling(Code::S013).map(|(f, _)| f).collect();
    for file in files {
        check_file(ctx, file);
    }
}

fn check_file(ctx: &mut DatasetContext<'_>, file: FileId) {
    let all = ctx.facts;
    let Some(columns) = all[file as usize].get::<Columns>() else {
        return;
    };
    // The level is off without a target, and for a loader that reads any mix.
    let Some(target) = ctx.settings(file).target else {
        return;
    };
    let who = match (target.loader.value, target.loader.value.mixed_types()) {
        (Loader::Datasets { requires, .. }, MixedTypes::Refused) => {
            format!("{} requires datasets{requires}", target.title)
        }
        (Loader::Datasets { requires, .. }, _) if !requires.is_empty() => format!(
            "{} loads with the installed datasets, which it allows at {requires}",
            target.title
        ),
        _ => format!("{} loads with the installed datasets", target.title),
    };
    let mut changed: Vec<&Column> = columns
        .columns
        .values()
        .filter(|c| c.types.len() > 1)
        .collect();
    changed.sort_by_key(|c| (c.types[1].record, c.types[1].at.line, c.types[1].at.column));
    for column in changed {
        let (first, then) = (&column.types[0], &column.types[1]);
        let there = if first.record == then.record {
            "earlier in this record".to_owned()
        } else {
            format!("at {}", ctx.place(file, file, first.at.line))
        };
        let path = shown(&column.path);
        let message = format!(
            "`{path}` is {} here and {} {there}: datasets.load_dataset(\"json\") before 4.7 cannot load the file ({who})",
            then.ty.words(),
            first.ty.words(),
        );
        let mut at = then.at.clone();
        at.file = file;
        let related = Some(Related {
            file,
            line: first.at.line,
            message: format!("`{path}` first, as {}", first.ty.words()),
            fingerprint: 0,
        });
        ctx.report_at(Code::S013, then.record, at, Level::Error, message, related);
    }
}

/// Longest path shown whole; a longer one keeps its end, which names the field.
const PATH_CHARS: usize = 100;

/// A field's path for a message: keys come from the data, so they are masked like every
/// value quoted, and a very long path is cut at the front.
fn shown(path: &str) -> String {
    let path = crate::pii::mask_matches(path);
    let chars = path.chars().count();
    if chars <= PATH_CHARS {
        return path;
    }
    let tail: String = path.chars().skip(chars - PATH_CHARS).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_keys_and_elements_and_locations_count_characters() {
        let mut parser = crate::json::Parser::new();
        let src = r#"{"é": 1, "messages": [{"role": "user", "content": [{"type": "text"}]}]}"#;
        let doc = parser.parse(src).unwrap();
        let mut columns = Columns::default();
        columns.walk(&doc, doc.root(), 0, (0, None), false);
        let (_, _, node, trail) = *columns
            .fields
            .iter()
            .find(|&&(_, _, n, _)| doc.raw(n) == r#""text""#)
            .unwrap();
        assert_eq!(columns.path_text(&doc, trail), "messages[].content[].type");
        let start = RecordStart {
            line: 7,
            ..Default::default()
        };
        let at = locate_all(src, &start, &[doc.span(node).start]);
        // Columns count characters: "é" is one.
        let column = src[..doc.span(node).start as usize].chars().count() as u32 + 1;
        assert_eq!((at[0].line, at[0].column), (7, column));
    }
}
