//! LLaMA-Factory records read as their `dataset_info.json` entry declares them (see
//! [`crate::declared`]): alpaca columns under the names the entry gives (`prompt`, `query`,
//! `response`, `history`, `system`, `chosen`/`rejected` for a ranking dataset, `kto_tag`,
//! and a `prompt` alone for pre-training text), and ShareGPT turns under its `messages`
//! column and role tags. A key the entry does not declare is one LLaMA-Factory ignores
//! (S008); a column it declares and a record lacks is one the trainer cannot read (S001),
//! and both messages name the entry's line in the `dataset_info.json`.
//!
//! LLaMA-Factory's alpaca preference shape without a `dataset_info.json`
//! (`instruction` with `chosen` and `rejected` strings) is read here too, with the default
//! columns.

use std::borrow::Cow;

use super::{common_column, read_answers};
use crate::context::RecordContext;
use crate::declared::{Columns, Declared, Formatting};
use crate::format::alpaca::read_history;
use crate::format::openai_chat::{unknown_key, unused_key};
use crate::format::prompt_completion::string_field;
use crate::format::sharegpt::{self, TurnWords};
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Conversation, Part, Role, Shape, Text};
use crate::registry::Code;
use crate::wording::{describe, quote};

/// The keys of an `openai` turn besides its role and content: the assistant's `tool_calls`
/// (read), and the `tool_call_id` and `name` of OpenAI's messages (which LLaMA-Factory's
/// converter leaves alone: OpenAI-shaped data carries them).
const OPENAI_TURN_KEYS: &[&str] = &["tool_calls", "tool_call_id", "name"];

/// The columns a null value leaves out, as LLaMA-Factory reads them: `datasets` gives a key
/// that some records lack as null in the others, and the converter takes a null query,
/// history, system prompt, tool list, media list or KTO tag as none (`isinstance(..., list)`,
/// `if tools`, `_find_medias(None)`), so a record that writes the null is read as one without
/// the key. A null prompt, answer or turn list is left for the format to judge.
const NULL_IS_NONE: &[&str] = &[
    "query", "history", "system", "tools", "images", "videos", "audios", "kto_tag",
];

/// How a declared record is read: its entry, or the alpaca preference shape's defaults.
pub(super) enum Reading<'d> {
    Declared(&'d Declared),
    /// `instruction` (+ `input`, `system`, `history`) with `chosen` and `rejected` strings.
    AlpacaRanking,
}

impl Reading<'_> {
    /// Where the columns come from, for a message.
    fn place(&self) -> String {
        match self {
            Reading::Declared(d) => format!("a record of {}", d.described()),
            Reading::AlpacaRanking => "a LLaMA-Factory alpaca preference record".to_string(),
        }
    }

    fn columns(&self) -> Cow<'_, Columns> {
        match self {
            Reading::Declared(d) => Cow::Borrowed(&d.columns),
            Reading::AlpacaRanking => Cow::Owned(Columns {
                prompt: Some("instruction".into()),
                query: Some("input".into()),
                history: Some("history".into()),
                system: Some("system".into()),
                tools: Some("tools".into()),
                images: Some("images".into()),
                videos: Some("videos".into()),
                audios: Some("audios".into()),
                chosen: Some("chosen".into()),
                rejected: Some("rejected".into()),
                ..Columns::default()
            }),
        }
    }

    fn ranking(&self) -> bool {
        match self {
            Reading::Declared(d) => d.ranking,
            Reading::AlpacaRanking => true,
        }
    }
}

pub(super) fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
    reading: &Reading<'_>,
) -> Option<Conversation<'s>> {
    match reading {
        Reading::Declared(d) if d.formatting != Formatting::Alpaca => read_turns(doc, ctx, d),
        _ => read_alpaca(doc, ctx, reading),
    }
}

/// The record's values by LLaMA-Factory's column names; an undeclared key is S008.
struct Found {
    columns: Vec<(&'static str, NodeId, NodeId)>,
}

impl Found {
    fn read(
        doc: &Document<'_, '_>,
        columns: &Columns,
        formatting: Formatting,
        place: &str,
        ctx: &mut RecordContext<'_>,
    ) -> Found {
        let declared: Vec<(&'static str, &str)> = columns.declared().collect();
        let allowed: Vec<&str> = declared.iter().map(|(_, key)| *key).collect();
        let mut found = Vec::new();
        for (key, value) in doc.members(doc.root()) {
            let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
            let mut known = false;
            for (column, _) in declared.iter().filter(|(_, k)| *k == name) {
                known = true;
                if doc.kind(value) == Kind::Null && NULL_IS_NONE.contains(column) {
                    continue;
                }
                found.push((*column, key, value));
                // The media, tool and KTO columns have a type of their own.
                if *column == "tools" && formatting == Formatting::OpenAi {
                    check_openai_tools(doc, value, &name, ctx);
                } else if matches!(
                    *column,
                    "tools" | "images" | "videos" | "audios" | "kto_tag"
                ) {
                    common_column(doc, column, &name, value, ctx);
                }
            }
            // A column the entry does not declare is never read, null or not; a null one is
            // not worth a warning (`datasets` writes it for the records that lack it).
            if !known && !unused_key(doc, value, false, ctx) {
                let place = format!(
                    "{place}, which LLaMA-Factory ignores (the declared columns are {})",
                    allowed
                        .iter()
                        .map(|k| quote(k))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                unknown_key(ctx, doc.span(key), &name, &place, &allowed);
            }
        }
        Found { columns: found }
    }

    fn get(&self, column: &str) -> Option<(NodeId, NodeId)> {
        self.columns
            .iter()
            .find(|(c, _, _)| *c == column)
            .map(|(_, k, v)| (*k, *v))
    }
}

/// The `tools` column of an `"formatting": "openai"` entry: LLaMA-Factory's OpenAI converter
/// writes a list or an object as JSON text itself (`json.dumps`, `converter.py`), where the
/// other converters pass the column on as it is; its templates then decode that text and
/// read each element as a tool definition. So an array of definitions may stand as it is,
/// a non-empty object is a definition not wrapped in a list (the template iterates over its
/// keys), and a string is judged as in the other formattings.
fn check_openai_tools(
    doc: &Document<'_, '_>,
    value: NodeId,
    key: &str,
    ctx: &mut RecordContext<'_>,
) {
    let shown = quote(key);
    match doc.kind(value) {
        Kind::Array => {
            if let Some(t) = doc.elements(value).find(|&t| doc.kind(t) != Kind::Object) {
                ctx.report(
                    Code::S010,
                    doc.span(t),
                    format!(
                        "{shown} holds {}; expected an array of tool definitions (objects)",
                        describe(doc, t)
                    ),
                );
            }
        }
        Kind::Object if doc.len(value) > 0 => ctx.report(
            Code::S010,
            doc.span(value),
            format!(
                "{shown} is an object; LLaMA-Factory's tool formatter reads an array of tool definitions: put this one in an array"
            ),
        ),
        Kind::Object => {}
        _ => crate::format::sharegpt::check_encoded_tools(doc, value, &shown, "LLaMA-Factory", ctx),
    }
}

/// S001: a declared column the record lacks.
fn missing_column(
    doc: &Document<'_, '_>,
    reading: &Reading<'_>,
    column: &str,
    key: &str,
    ctx: &mut RecordContext<'_>,
) {
    let whose = match reading {
        Reading::Declared(d) => format!("the {column} column {} declares", d.described()),
        Reading::AlpacaRanking => format!("the {column} column of a LLaMA-Factory preference pair"),
    };
    ctx.report(
        Code::S001,
        doc.span(doc.root()),
        format!("record has no {} key, {whose}", quote(key)),
    );
}

fn read_alpaca<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
    reading: &Reading<'_>,
) -> Option<Conversation<'s>> {
    let columns = reading.columns();
    let found = Found::read(doc, &columns, Formatting::Alpaca, &reading.place(), ctx);
    let mut conv = Conversation {
        messages: Vec::with_capacity(4),
        span: doc.span(doc.root()),
        tools_text: found.get("tools").map(|(_, v)| doc.span(v)),
        ..Default::default()
    };
    // Pre-training text: a prompt column and no answer column (LLaMA-Factory's `c4_demo`).
    // An entry that names no prompt either is no corpus: it is read as alpaca, with the
    // columns it names and no others (LLaMA-Factory's parser sets every column `"columns"`
    // leaves out to None), and the order rules say what is missing.
    let pretraining = columns.prompt.is_some()
        && columns.response.is_none()
        && columns.chosen.is_none()
        && columns.rejected.is_none()
        && columns.query.is_none();
    if pretraining {
        let key = columns.prompt.as_deref()?;
        let Some((k, v)) = found.get("prompt") else {
            missing_column(doc, reading, "prompt", key, ctx);
            return None;
        };
        let message = string_field(doc, k, v, key, Role::Assistant, ctx)?;
        conv.messages.push(message);
        conv.span = doc.span(v);
        conv.shape = Shape::Text;
        return Some(conv);
    }
    if let Some((k, v)) = found.get("system") {
        let name = columns.system.as_deref().unwrap_or("system");
        match string_field(doc, k, v, name, Role::System, ctx) {
            Some(m) => conv.messages.push(m),
            None => conv.incomplete = true,
        }
    }
    if let Some((_, v)) = found.get("history") {
        read_history(doc, v, ctx, &mut conv);
    }
    read_prompt(doc, ctx, reading, &columns, &found, &mut conv);
    let kto = found
        .get("kto_tag")
        .is_some_and(|(_, v)| doc.kind(v) == Kind::Bool);
    if reading.ranking() && !kto {
        let mut answers = [None, None];
        for (i, column) in ["chosen", "rejected"].into_iter().enumerate() {
            let key = if i == 0 {
                columns.chosen.as_deref()
            } else {
                columns.rejected.as_deref()
            };
            let Some(key) = key else { continue };
            match found.get(column) {
                None => {
                    missing_column(doc, reading, column, key, ctx);
                    conv.incomplete = true;
                }
                Some((k, v)) => answers[i] = string_field(doc, k, v, key, Role::Assistant, ctx),
            }
        }
        let [chosen, rejected] = answers;
        match chosen {
            Some(chosen) => conv.messages.push(chosen),
            None => conv.incomplete = true,
        }
        conv.set_aside.extend(rejected);
    } else if let Some(key) = columns.response.as_deref() {
        match found.get("response") {
            None => {
                missing_column(doc, reading, "response", key, ctx);
                conv.incomplete = true;
            }
            Some((k, v)) => match string_field(doc, k, v, key, Role::Assistant, ctx) {
                Some(m) => conv.messages.push(m),
                None => conv.incomplete = true,
            },
        }
    }
    Some(conv)
}

/// The user turn: the prompt column, then the query column when it holds text, as LLaMA-Factory
/// joins them.
fn read_prompt<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
    reading: &Reading<'_>,
    columns: &Columns,
    found: &Found,
    conv: &mut Conversation<'s>,
) {
    let Some(prompt_key) = columns.prompt.as_deref() else {
        // LLaMA-Factory joins the prompt and query columns into the user turn: without a
        // prompt column, the query alone is it.
        let Some(query_key) = columns.query.as_deref() else {
            return;
        };
        match found.get("query") {
            None => {
                missing_column(doc, reading, "query", query_key, ctx);
                conv.incomplete = true;
            }
            Some((k, v)) => match string_field(doc, k, v, query_key, Role::User, ctx) {
                Some(m) => conv.messages.push(m),
                None => conv.incomplete = true,
            },
        }
        return;
    };
    let Some((k, v)) = found.get("prompt") else {
        missing_column(doc, reading, "prompt", prompt_key, ctx);
        conv.incomplete = true;
        return;
    };
    let Some(mut user) = string_field(doc, k, v, prompt_key, Role::User, ctx) else {
        conv.incomplete = true;
        return;
    };
    if let Some((_, q)) = found.get("query") {
        let query_key = columns.query.as_deref().unwrap_or("input");
        if doc.kind(q) != Kind::String {
            ctx.report(
                Code::S007,
                doc.span(q),
                format!(
                    "{} is {}; expected a string",
                    quote(query_key),
                    describe(doc, q)
                ),
            );
        } else if !doc.str(q).unwrap_or_default().is_empty()
            && let Content::Text(prompt_text) = user.content
        {
            let query_text = Text {
                value: doc.str(q).unwrap_or_default(),
                span: doc.span(q),
            };
            user.content = Content::Parts {
                span: user.span,
                parts: vec![Part::Text(prompt_text), Part::Text(query_text)],
            };
        }
    }
    conv.messages.push(user);
}

/// ShareGPT (or LLaMA-Factory's `openai`) turns under the declared column and tags.
fn read_turns<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
    d: &Declared,
) -> Option<Conversation<'s>> {
    let described = d.described();
    let found = Found::read(
        doc,
        &d.columns,
        d.formatting,
        &format!("a record of {described}"),
        ctx,
    );
    let tags = &d.tags;
    let words = TurnWords {
        column: d.columns.messages.as_deref().unwrap_or("conversations"),
        role_key: tags.role.as_deref().unwrap_or("from"),
        content_key: tags.content.as_deref().unwrap_or("value"),
        user: tags.user.as_deref(),
        assistant: tags.assistant.as_deref(),
        observation: tags.observation.as_deref(),
        function: tags.function.as_deref(),
        system: tags.system.as_deref(),
        other_keys: if d.formatting == Formatting::OpenAi {
            OPENAI_TURN_KEYS
        } else {
            &[]
        },
        declared_by: Some(&described),
        roles: None,
    };
    let Some((_, turns)) = found.get("messages") else {
        missing_column(doc, &Reading::Declared(d), "messages", words.column, ctx);
        return None;
    };
    let system = found.get("system");
    let mut conv = sharegpt::read_conversation_with(doc, turns, system, ctx, &words)?;
    conv.tools_text = found.get("tools").map(|(_, v)| doc.span(v));
    let chosen = found.get("chosen").map(|(_, v)| v);
    let rejected = found.get("rejected").map(|(_, v)| v);
    let keys = [
        d.columns.chosen.as_deref().unwrap_or("chosen"),
        d.columns.rejected.as_deref().unwrap_or("rejected"),
    ];
    read_answers(
        doc,
        chosen,
        rejected,
        keys,
        ctx,
        &mut conv,
        |doc, node, ctx| sharegpt::read_turn_with(doc, node, ctx, &words),
    );
    // A ranking dataset with neither answer: LLaMA-Factory has no pair to train on.
    if d.ranking && chosen.is_none() && rejected.is_none() {
        missing_column(doc, &Reading::Declared(d), "chosen", keys[0], ctx);
        conv.incomplete = true;
    }
    Some(conv)
}
