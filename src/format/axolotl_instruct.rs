//! axolotl's instruction types beside `alpaca` (docs/dataset-formats/inst_tune): each names
//! its own columns, read as a user turn (the prompt's columns, in order) and an assistant turn
//! (the answer's column), with a system turn where the type has one.
//!
//! | `type` | columns |
//! |---|---|
//! | `oasst` | `INSTRUCTION`, `RESPONSE` |
//! | `jeopardy` | `question`, `category`, `answer` |
//! | `context_qa` | `article`, `question`, `answer` |
//! | `context_qa.load_v2` | `context`, `question`, `answer` |
//! | `explainchoice`, `concisechoice` | `question`, `choices` (strings), `solution` or `explanation` |
//! | `alpaca_w_system.load_open_orca` | `system_prompt`, `question`, `response` |
//! | `alpaca_chat.load_qa` | `question`, `answer` (GSM8K's own columns) |
//! | `summarizetldr` | `article`, `summary` |
//! | `alpaca_chat.load_camel_ai` | `message_1`, `message_2` |
//! | `metharme` | `prompt`, `generation` |
//! | `creative_acr.load_answer` | `instruction`, `revision` |
//!
//! The columns come from the types' `parse_instruction_fields` in axolotl's
//! `prompt_tokenizers.py` and `prompt_strategies/`: each column is indexed, so a missing one
//! fails the run (S001 here), and each is a string (S007), `choices` a list of strings. Other
//! columns are not read (S008, as for alpaca). A record is matched to the first type whose
//! columns it has; a record of a file read in this format that has none of them is held to
//! the type it shares most columns with.

use std::borrow::Cow;

use super::openai_chat::{missing_key, unknown_key};
use super::prompt_completion::push_string_field;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Part, Role, Text};
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

/// One instruction type's columns.
pub(crate) struct Shape {
    /// axolotl's `type` name for it.
    pub(crate) name: &'static str,
    /// The system prompt's column, when the type has one (it is then required).
    pub(crate) system: Option<&'static str>,
    /// The prompt's columns, in the order the type joins them into the user turn.
    pub(crate) prompt: &'static [&'static str],
    /// The answer's columns: the first one present is the answer, at least one is required.
    pub(crate) answer: &'static [&'static str],
}

/// A column holding a list of strings (the choices of a multiple-choice question).
const LIST_COLUMNS: &[&str] = &["choices"];

/// In the order they are matched: a type whose columns include another's comes first.
pub(crate) const SHAPES: &[Shape] = &[
    Shape {
        name: "oasst",
        system: None,
        prompt: &["INSTRUCTION"],
        answer: &["RESPONSE"],
    },
    Shape {
        name: "jeopardy",
        system: None,
        prompt: &["question", "category"],
        answer: &["answer"],
    },
    Shape {
        name: "context_qa",
        system: None,
        prompt: &["article", "question"],
        answer: &["answer"],
    },
    Shape {
        name: "context_qa.load_v2",
        system: None,
        prompt: &["context", "question"],
        answer: &["answer"],
    },
    Shape {
        name: "explainchoice",
        system: None,
        prompt: &["question", "choices"],
        answer: &["solution", "explanation"],
    },
    Shape {
        name: "alpaca_w_system.load_open_orca",
        system: Some("system_prompt"),
        prompt: &["question"],
        answer: &["response"],
    },
    Shape {
        name: "alpaca_chat.load_qa",
        system: None,
        prompt: &["question"],
        answer: &["answer"],
    },
    Shape {
        name: "summarizetldr",
        system: None,
        prompt: &["article"],
        answer: &["summary"],
    },
    Shape {
        name: "alpaca_chat.load_camel_ai",
        system: None,
        prompt: &["message_1"],
        answer: &["message_2"],
    },
    Shape {
        name: "metharme",
        system: None,
        prompt: &["prompt"],
        answer: &["generation"],
    },
    Shape {
        name: "creative_acr.load_answer",
        system: None,
        prompt: &["instruction"],
        answer: &["revision"],
    },
];

impl Shape {
    fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.system
            .iter()
            .copied()
            .chain(self.prompt.iter().copied())
            .chain(self.answer.iter().copied())
    }

    /// Whether `doc` has every column this type needs.
    fn fits(&self, doc: &Document<'_, '_>) -> bool {
        let has = |k: &str| doc.get(doc.root(), k).is_some();
        self.system.is_none_or(has)
            && self.prompt.iter().all(|k| has(k))
            && self.answer.iter().any(|k| has(k))
    }

    /// How many of this type's columns `doc` has.
    fn shared(&self, doc: &Document<'_, '_>) -> usize {
        self.columns()
            .filter(|k| doc.get(doc.root(), k).is_some())
            .count()
    }
}

/// The instruction type whose columns `doc` has, if any.
pub(crate) fn shape_of(doc: &Document<'_, '_>) -> Option<&'static Shape> {
    SHAPES.iter().find(|s| s.fits(doc))
}

/// True for a record with every column of one of axolotl's instruction types.
pub(crate) fn detect(doc: &Document<'_, '_>) -> bool {
    shape_of(doc).is_some()
}

/// The `columns` of a LLaMA-Factory `dataset_info.json` entry that reads `doc` as alpaca
/// (its `prompt` and `query` joined into the user turn, `response`, `system`), as JSON; none
/// for a type with a list column, which LLaMA-Factory cannot join.
pub(crate) fn llama_factory_columns(doc: &Document<'_, '_>) -> Option<String> {
    let shape = shape_of(doc)?;
    if shape.prompt.iter().any(|c| LIST_COLUMNS.contains(c)) || shape.prompt.len() > 2 {
        return None;
    }
    let answer = shape
        .answer
        .iter()
        .find(|c| doc.get(doc.root(), c).is_some())?;
    let mut columns = vec![("prompt", shape.prompt[0])];
    if let Some(query) = shape.prompt.get(1) {
        columns.push(("query", query));
    }
    columns.push(("response", answer));
    if let Some(system) = shape.system {
        columns.push(("system", system));
    }
    let pairs: Vec<String> = columns
        .iter()
        .map(|(k, v)| format!("{}: {}", quote(k), quote(v)))
        .collect();
    Some(format!("{{{}}}", pairs.join(", ")))
}

pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    // Else the type it comes closest to (the first on a tie), for what is missing.
    let shape = shape_of(doc).unwrap_or_else(|| {
        SHAPES
            .iter()
            .rev()
            .max_by_key(|s| s.shared(doc))
            .unwrap_or(&SHAPES[0])
    });
    let known: Vec<&str> = shape.columns().collect();
    let place = format!("an axolotl `{}` record", shape.name);
    for (key, _) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        if !known.contains(&name.as_ref()) {
            unknown_key(ctx, doc.span(key), &name, &place, &known);
        }
    }
    let mut conv = Conversation {
        messages: Vec::with_capacity(3),
        span: doc.span(root),
        ..Default::default()
    };
    if let Some(column) = shape.system {
        string_turn(doc, Some(column), column, Role::System, ctx, &mut conv);
    }
    read_prompt(doc, shape, ctx, &mut conv);
    let answer = shape
        .answer
        .iter()
        .copied()
        .find(|&c| doc.get(root, c).is_some());
    string_turn(
        doc,
        answer,
        shape.answer[0],
        Role::Assistant,
        ctx,
        &mut conv,
    );
    Some(conv)
}

/// The turn of `role` from the string in `column` (S001 naming `missing` when there is none,
/// S007 when it is not a string).
fn string_turn<'s>(
    doc: &Document<'_, 's>,
    column: Option<&str>,
    missing: &str,
    role: Role,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    let root = doc.root();
    let Some((name, (key, value))) = column.and_then(|c| Some((c, doc.member(root, c)?))) else {
        missing_key(doc, root, missing, FormatChoice::AxolotlInstruct, ctx);
        conv.incomplete = true;
        return;
    };
    push_string_field(doc, (key, value), name, role, ctx, conv)
}

/// The user turn: the prompt's columns as the parts of one message (a list column's
/// strings each a part), or the one column's string.
fn read_prompt<'s>(
    doc: &Document<'_, 's>,
    shape: &Shape,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    let root = doc.root();
    let mut parts = Vec::with_capacity(shape.prompt.len());
    let mut first: Option<(NodeId, NodeId)> = None;
    let mut broken = false;
    for &column in shape.prompt {
        let Some((key, value)) = doc.member(root, column) else {
            missing_key(doc, root, column, FormatChoice::AxolotlInstruct, ctx);
            broken = true;
            continue;
        };
        first.get_or_insert((key, value));
        if LIST_COLUMNS.contains(&column) {
            broken |= !read_list(doc, value, column, ctx, &mut parts);
            continue;
        }
        if doc.kind(value) != Kind::String {
            ctx.report(
                Code::S007,
                doc.span(value),
                format!(
                    "\"{column}\" is {}; expected a string",
                    describe(doc, value)
                ),
            );
            broken = true;
            continue;
        }
        parts.push(Part::Text(Text {
            value: doc.str(value).unwrap_or_default(),
            span: doc.span(value),
        }));
    }
    let Some((key, value)) = first.filter(|_| !broken) else {
        conv.incomplete = true;
        return;
    };
    let span = doc.span(value);
    let content = if parts.len() == 1
        && let Some(Part::Text(text)) = parts.pop()
    {
        Content::Text(text)
    } else {
        Content::Parts { span, parts }
    };
    conv.messages.push(crate::record::Message::new(
        Role::User,
        doc.span(key),
        span,
        content,
    ));
}

/// A list of strings, each a part of the prompt; false (with S007) when it is not one.
fn read_list<'s>(
    doc: &Document<'_, 's>,
    value: NodeId,
    column: &str,
    ctx: &mut RecordContext<'_>,
    parts: &mut Vec<Part<'s>>,
) -> bool {
    if doc.kind(value) != Kind::Array {
        ctx.report(
            Code::S007,
            doc.span(value),
            format!(
                "\"{column}\" is {}; expected a list of strings",
                describe(doc, value)
            ),
        );
        return false;
    }
    let mut ok = true;
    for item in doc.elements(value) {
        if doc.kind(item) != Kind::String {
            ctx.report(
                Code::S007,
                doc.span(item),
                format!(
                    "an item of \"{column}\" is {}; expected a string",
                    describe(doc, item)
                ),
            );
            ok = false;
            continue;
        }
        parts.push(Part::Text(Text {
            value: doc.str(item).unwrap_or_default(),
            span: doc.span(item),
        }));
    }
    ok
}
