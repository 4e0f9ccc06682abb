//! axolotl's instruction types beside `alpaca` (docs/dataset-formats/inst_tune): each names
//! its own columns, read as a user turn (the prompt's columns, in order) and an assistant turn
//! (the answer's columns, the trained text), with a system turn where the type has one.
//!
//! | `type` | prompt columns | answer columns |
//! |---|---|---|
//! | `oasst` | `INSTRUCTION` | `RESPONSE` |
//! | `jeopardy` | `question`, `category` | `answer` |
//! | `context_qa` | `article`, `question` | `answer` |
//! | `context_qa.load_v2` | `context`, `question` | `answer` |
//! | `context_qa.load_404` | `article`, `unanswerable_question` | none: axolotl's own refusal |
//! | `explainchoice`, `concisechoice` | `question`, `choices` (strings) | `solution` or `explanation` |
//! | `alpaca_w_system.load_open_orca` | `system_prompt` (system), `question` | `response` |
//! | `alpaca_chat.load_qa` | `question` (GSM8K's own columns) | `answer` |
//! | `summarizetldr` | `article` | `summary` |
//! | `alpaca_chat.load_camel_ai` | `message_1` | `message_2` |
//! | `metharme` | `prompt` | `generation` |
//! | `reflection` | `instruction`, `input` (optional) | `output`, `reflection` and `corrected` |
//! | `creative_acr.load_revise` | `instruction`, `answer`, `scores`, `critiques` | `revision` |
//! | `creative_acr.load_critique` | `instruction`, `answer` | `scores` and `critiques` |
//! | `creative_acr.load_answer` | `instruction` | `revision` |
//!
//! The columns come from the types' `parse_instruction_fields` in axolotl's
//! `prompt_tokenizers.py` and `prompt_strategies/`: each column is indexed, so a missing one
//! fails the run (S001 here), and each is a string (S007), `choices` a list of strings;
//! `scores` and `critiques` may be any value, which the creative types write out as YAML.
//! Other columns are not read (S008, as for alpaca). A record is matched to the first type
//! whose columns it has; a record of a file read in this format that has none of them is
//! held to the type it shares most columns with. creative_acr's three types read one
//! dataset's columns: a record with all five is read as `load_revise`, which uses them all.

use std::borrow::Cow;

use super::openai_chat::{missing_key, unknown_key};
use super::prompt_completion::push_string_field;
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Message, Part, Role, Text};
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
    /// The trained answer.
    pub(crate) answer: Answer,
}

/// Where an instruction type's trained answer comes from.
pub(crate) enum Answer {
    /// The first of these columns the record has; at least one is required.
    FirstOf(&'static [&'static str]),
    /// Every one of these columns, joined in this order into the one trained answer.
    All(&'static [&'static str]),
    /// A text the type writes itself, the same for every record: no column.
    Fixed(&'static str),
}

impl Answer {
    fn columns(&self) -> &'static [&'static str] {
        match self {
            Answer::FirstOf(columns) | Answer::All(columns) => columns,
            Answer::Fixed(_) => &[],
        }
    }
}

/// A column holding a list of strings (the choices of a multiple-choice question).
const LIST_COLUMNS: &[&str] = &["choices"];

/// Columns of any value, which the type writes out with `yaml.dump` (creative_acr's
/// `scores` and `critiques`, objects in its own dataset).
const YAML_COLUMNS: &[&str] = &["scores", "critiques"];

/// A prompt column a record may leave out or leave empty (`reflection` reads `input` as
/// alpaca does: when it is there and not empty).
const OPTIONAL_COLUMNS: &[&str] = &["input"];

/// What `context_qa.load_404` trains on for every record
/// (`AlpacaMissingInfoContextPromptTokenizingStrategy`).
const NO_ANSWER_IN_CONTEXT: &str = "The context provided does not contain any information about \
                                    your inquiry. Therefore, I'm unable to answer your question \
                                    based on the given context.";

/// In the order they are matched: a type whose columns include another's comes first.
pub(crate) const SHAPES: &[Shape] = &[
    Shape {
        name: "oasst",
        system: None,
        prompt: &["INSTRUCTION"],
        answer: Answer::FirstOf(&["RESPONSE"]),
    },
    Shape {
        name: "jeopardy",
        system: None,
        prompt: &["question", "category"],
        answer: Answer::FirstOf(&["answer"]),
    },
    Shape {
        name: "context_qa",
        system: None,
        prompt: &["article", "question"],
        answer: Answer::FirstOf(&["answer"]),
    },
    Shape {
        name: "context_qa.load_404",
        system: None,
        prompt: &["article", "unanswerable_question"],
        answer: Answer::Fixed(NO_ANSWER_IN_CONTEXT),
    },
    Shape {
        name: "context_qa.load_v2",
        system: None,
        prompt: &["context", "question"],
        answer: Answer::FirstOf(&["answer"]),
    },
    Shape {
        name: "explainchoice",
        system: None,
        prompt: &["question", "choices"],
        answer: Answer::FirstOf(&["solution", "explanation"]),
    },
    Shape {
        name: "alpaca_w_system.load_open_orca",
        system: Some("system_prompt"),
        prompt: &["question"],
        answer: Answer::FirstOf(&["response"]),
    },
    Shape {
        name: "alpaca_chat.load_qa",
        system: None,
        prompt: &["question"],
        answer: Answer::FirstOf(&["answer"]),
    },
    Shape {
        name: "summarizetldr",
        system: None,
        prompt: &["article"],
        answer: Answer::FirstOf(&["summary"]),
    },
    Shape {
        name: "alpaca_chat.load_camel_ai",
        system: None,
        prompt: &["message_1"],
        answer: Answer::FirstOf(&["message_2"]),
    },
    Shape {
        name: "metharme",
        system: None,
        prompt: &["prompt"],
        answer: Answer::FirstOf(&["generation"]),
    },
    Shape {
        name: "reflection",
        system: None,
        prompt: &["instruction", "input"],
        answer: Answer::All(&["output", "reflection", "corrected"]),
    },
    Shape {
        name: "creative_acr.load_revise",
        system: None,
        prompt: &["instruction", "answer", "scores", "critiques"],
        answer: Answer::FirstOf(&["revision"]),
    },
    Shape {
        name: "creative_acr.load_critique",
        system: None,
        prompt: &["instruction", "answer"],
        answer: Answer::All(&["scores", "critiques"]),
    },
    Shape {
        name: "creative_acr.load_answer",
        system: None,
        prompt: &["instruction"],
        answer: Answer::FirstOf(&["revision"]),
    },
];

impl Shape {
    fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.system
            .iter()
            .copied()
            .chain(self.prompt.iter().copied())
            .chain(self.answer.columns().iter().copied())
    }

    /// Whether `doc` has every column this type needs.
    fn fits(&self, doc: &Document<'_, '_>) -> bool {
        let has = |k: &str| doc.get(doc.root(), k).is_some();
        self.system.is_none_or(has)
            && self
                .prompt
                .iter()
                .all(|k| OPTIONAL_COLUMNS.contains(k) || has(k))
            && match self.answer {
                Answer::FirstOf(columns) => columns.iter().any(|k| has(k)),
                Answer::All(columns) => columns.iter().all(|k| has(k)),
                Answer::Fixed(_) => true,
            }
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

/// True for a record of a type that adds columns to alpaca's `instruction` and `output`
/// (`reflection`): detected as this format before alpaca, whose reader would call the
/// added columns unknown.
pub(crate) fn extends_alpaca(doc: &Document<'_, '_>) -> bool {
    shape_of(doc).is_some_and(|s| {
        let columns: Vec<&str> = s.columns().collect();
        columns.contains(&"instruction") && columns.contains(&"output")
    })
}

/// The `columns` of a LLaMA-Factory `dataset_info.json` entry that reads `doc` as alpaca
/// (its `prompt` and `query` joined into the user turn, `response`, `system`), as JSON; none
/// for a type with a list or YAML column, which LLaMA-Factory cannot join, or an answer
/// that is not one column.
pub(crate) fn llama_factory_columns(doc: &Document<'_, '_>) -> Option<String> {
    let shape = shape_of(doc)?;
    let Answer::FirstOf(answers) = shape.answer else {
        return None;
    };
    if shape
        .prompt
        .iter()
        .any(|c| LIST_COLUMNS.contains(c) || YAML_COLUMNS.contains(c))
        || shape.prompt.len() > 2
    {
        return None;
    }
    let answer = answers.iter().find(|c| doc.get(doc.root(), c).is_some())?;
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
    match shape.answer {
        Answer::FirstOf(columns) => {
            let answer = columns
                .iter()
                .copied()
                .find(|&c| doc.get(root, c).is_some());
            string_turn(doc, answer, columns[0], Role::Assistant, ctx, &mut conv);
        }
        Answer::All(columns) => read_turn(doc, columns, Role::Assistant, ctx, &mut conv),
        Answer::Fixed(text) => {
            let span = doc.span(root);
            conv.messages.push(Message {
                from_trainer: true,
                ..Message::new(
                    Role::Assistant,
                    span,
                    span,
                    Content::Text(Text {
                        value: Cow::Borrowed(text),
                        span,
                    }),
                )
            });
        }
    }
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

/// The user turn: the prompt's columns as the parts of one message.
fn read_prompt<'s>(
    doc: &Document<'_, 's>,
    shape: &Shape,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    read_turn(doc, shape.prompt, Role::User, ctx, conv);
}

/// The turn of `role` made of `columns`: their values as the parts of one message (a list
/// column's strings each a part), or the one column's string. A missing column is S001 (but
/// an optional one), a value of the wrong kind S007.
fn read_turn<'s>(
    doc: &Document<'_, 's>,
    columns: &[&str],
    role: Role,
    ctx: &mut RecordContext<'_>,
    conv: &mut Conversation<'s>,
) {
    let root = doc.root();
    let mut parts = Vec::with_capacity(columns.len());
    let mut first: Option<(NodeId, NodeId)> = None;
    let mut broken = false;
    for &column in columns {
        let optional = OPTIONAL_COLUMNS.contains(&column);
        let Some((key, value)) = doc.member(root, column) else {
            if !optional {
                missing_key(doc, root, column, FormatChoice::AxolotlInstruct, ctx);
                broken = true;
            }
            continue;
        };
        first.get_or_insert((key, value));
        if LIST_COLUMNS.contains(&column) {
            broken |= !read_list(doc, value, column, ctx, &mut parts);
            continue;
        }
        // Written out as YAML: a string as itself, any other value as the JSON it holds.
        if YAML_COLUMNS.contains(&column) {
            let text = match doc.kind(value) {
                Kind::String => doc.str(value).unwrap_or_default(),
                _ => Cow::Borrowed(doc.raw(value)),
            };
            parts.push(Part::Text(Text {
                value: text,
                span: doc.span(value),
            }));
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
        let text = doc.str(value).unwrap_or_default();
        if optional && text.is_empty() {
            continue;
        }
        parts.push(Part::Text(Text {
            value: text,
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
    conv.messages
        .push(Message::new(role, doc.span(key), span, content));
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
