//! S013 unloadable-column.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::dataset::{DatasetContext, FactKind, Facts, RecordView};
use crate::declare_rule;
use crate::diagnostic::{FileId, Location, Related};
use crate::json::{Document, IdentityHasher, Kind, NodeId};
use crate::rule::Level;
use crate::rules::{Code, RunsOn};
use crate::target::{Loader, Target};

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
    /// providers read each record on its own. So: an error for LLaMA-Factory, which pins
    /// `datasets<=4.0.0`; a warning for TRL and Unsloth, which load with whatever
    /// `datasets` is installed; off for axolotl (it pins 4.8.4), for the API providers, and
    /// without a target (an OpenAI vision example, a list of parts from the user and a string
    /// from the assistant, is one such mix, and valid where it is sent).
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
    match target.map(|t| t.loader.value) {
        None | Some(Loader::Own | Loader::Datasets { fails: false, .. }) => Level::Off,
        Some(Loader::Datasets { fails: true, .. }) => Level::Error,
        Some(Loader::DatasetsUnpinned { .. }) => Level::Warning,
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
    /// Scratch: the (path hash, type, node) of the record being added.
    fields: Vec<(u64, Type, NodeId)>,
}

const ELEMENT: u64 = 0x9e37_79b9_7f4a_7c15;

fn step(path: u64, segment: u64) -> u64 {
    (path ^ segment)
        .wrapping_mul(0xff51_afd7_ed55_8ccd)
        .rotate_left(29)
}

impl Columns {
    /// Every (path hash, type) of the value `node` at `path`, depth first.
    fn walk(&mut self, doc: &Document<'_, '_>, node: NodeId, path: u64, dups: bool) {
        let kind = doc.kind(node);
        if let Some(ty) = Type::of(kind) {
            self.fields.push((path, ty, node));
        }
        match kind {
            Kind::Object if dups => {
                // A repeated key: the last one is the value every reader keeps.
                let mut last: HashMap<std::borrow::Cow<'_, str>, NodeId> = HashMap::new();
                for (k, v) in doc.members(node) {
                    last.insert(doc.str(k).unwrap_or_default(), v);
                }
                for (k, v) in doc.members(node) {
                    if last.get(&doc.str(k).unwrap_or_default()) == Some(&v) {
                        let key = xxhash_rust::xxh3::xxh3_64(doc.raw(k).as_bytes());
                        self.walk(doc, v, step(path, key), dups);
                    }
                }
            }
            Kind::Object => {
                for (k, v) in doc.members(node) {
                    let key = xxhash_rust::xxh3::xxh3_64(doc.raw(k).as_bytes());
                    self.walk(doc, v, step(path, key), dups);
                }
            }
            Kind::Array => {
                for e in doc.elements(node) {
                    self.walk(doc, e, step(path, ELEMENT), dups);
                }
            }
            _ => {}
        }
    }

    /// Records `ty` at the column `path` of `record` when it is the column's first of
    /// that type.
    fn note(
        &mut self,
        path: u64,
        ty: Type,
        record: usize,
        at: impl FnOnce() -> (String, Location),
    ) {
        match self.columns.get_mut(&path) {
            Some(c) => {
                if !c.types.iter().any(|f| f.ty == ty) {
                    let (_, at) = at();
                    c.types.push(First { ty, record, at });
                }
            }
            None => {
                let (path_text, at) = at();
                self.columns.insert(
                    path,
                    Column {
                        path: path_text,
                        types: vec![First { ty, record, at }],
                    },
                );
            }
        }
    }
}

/// The path of `target` within the record, as `messages[].content`: keys joined by dots,
/// `[]` for an array's elements.
fn path_of(doc: &Document<'_, '_>, target: NodeId) -> String {
    fn find(doc: &Document<'_, '_>, node: NodeId, target: NodeId, out: &mut Vec<String>) -> bool {
        if node == target {
            return true;
        }
        match doc.kind(node) {
            Kind::Object => {
                for (k, v) in doc.members(node) {
                    let key = doc.str(k).map(|s| s.into_owned()).unwrap_or_default();
                    out.push(key);
                    if find(doc, v, target, out) {
                        return true;
                    }
                    out.pop();
                }
            }
            Kind::Array => {
                for e in doc.elements(node) {
                    out.push("[]".to_owned());
                    if find(doc, e, target, out) {
                        return true;
                    }
                    out.pop();
                }
            }
            _ => {}
        }
        false
    }
    let mut segments = Vec::new();
    find(doc, doc.root(), target, &mut segments);
    let mut path = String::new();
    for s in segments {
        if s != "[]" && !path.is_empty() {
            path.push('.');
        }
        path.push_str(&s);
    }
    path
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
        let dups = !doc.duplicate_keys().is_empty();
        self.walk(doc, doc.root(), 0, dups);
        let mut fields = std::mem::take(&mut self.fields);
        // The set of (path, type) pairs, each with its first node: records that differ only
        // in how many messages they hold have one shape.
        fields.sort_by_key(|&(path, ty, _)| (path, ty as u8));
        fields.dedup_by_key(|&mut (path, ty, _)| (path, ty as u8));
        let shape = fields.iter().fold(0u64, |h, &(p, ty, _)| {
            step(h, p ^ (ty as u64 + 1).wrapping_mul(ELEMENT))
        });
        if self.shapes.insert(shape, ()).is_none() {
            for &(path, ty, node) in &fields {
                self.note(path, ty, index, || {
                    let at = Location::in_record(0, &record.start, doc.src(), doc.span(node));
                    (path_of(doc, node), at)
                });
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
                self.note(path, first.ty, first.record + offset, || {
                    (column.path.clone(), first.at)
                });
            }
        }
        self.shapes.extend(next.shapes);
        self.records += next.records;
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
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
    let who = match target.loader.value {
        Loader::Datasets { pin, .. } => format!("{} pins datasets{pin}", target.title),
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
            format!("at line {}", first.at.line)
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
    fn paths_name_keys_and_elements() {
        let mut parser = crate::json::Parser::new();
        let doc = parser
            .parse(r#"{"messages": [{"role": "user", "content": [{"type": "text"}]}]}"#)
            .unwrap();
        let text = doc.nodes().find(|&n| doc.raw(n) == r#""text""#).unwrap();
        assert_eq!(path_of(&doc, text), "messages[].content[].type");
    }
}
