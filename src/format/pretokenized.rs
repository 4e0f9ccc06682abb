//! Pre-tokenized records: `{"input_ids": [...], "attention_mask"?: [...], "labels"?: [...]}`,
//! token ids a trainer takes as they are (TRL's SFTTrainer skips tokenizing a dataset that
//! has `input_ids`; axolotl's pre-tokenized datasets). There is no text to read, so no
//! conversation: the schema is checked here (every column an array of integers, one per token,
//! the labels token ids or -100, the mask 0 or 1), and the duplicate rules compare the records.

use std::borrow::Cow;

use super::openai_chat::{missing_key, unknown_key};
use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::Conversation;
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

/// The columns a pre-tokenized record may hold besides `input_ids`, one value per token.
const KEYS: &[&str] = &[
    "input_ids",
    "attention_mask",
    "labels",
    "position_ids",
    "token_type_ids",
    "completion_mask",
    "assistant_masks",
];

/// The label of a token that is not trained (PyTorch's cross-entropy `ignore_index`).
const IGNORED: i64 = -100;

/// What values a column's entries may take.
#[derive(Clone, Copy)]
enum Values {
    /// A token id or position: an integer from 0.
    Natural,
    /// A token id, or [`IGNORED`].
    Label,
    /// 0 or 1.
    Flag,
}

impl Values {
    fn of(column: &str) -> Values {
        match column {
            "labels" => Values::Label,
            "attention_mask" | "completion_mask" | "assistant_masks" => Values::Flag,
            _ => Values::Natural,
        }
    }

    fn accepts(self, n: i64) -> bool {
        match self {
            Values::Natural => n >= 0,
            Values::Label => n >= 0 || n == IGNORED,
            Values::Flag => n == 0 || n == 1,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Values::Natural => "an integer from 0",
            Values::Label => "a token id, or -100 for a token that is not trained",
            Values::Flag => "0 or 1",
        }
    }
}

/// Checks a pre-tokenized record; there is never a conversation to return.
pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut columns: Vec<(Cow<'s, str>, NodeId)> = Vec::new();
    for (key, value) in doc.members(root) {
        let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
        if KEYS.contains(&name.as_ref()) {
            columns.push((name, value));
        } else {
            unknown_key(ctx, doc.span(key), &name, "a pre-tokenized record", KEYS);
        }
    }
    let Some(&(_, ids)) = columns.iter().find(|(name, _)| name == "input_ids") else {
        missing_key(doc, root, "input_ids", FormatChoice::Pretokenized, ctx);
        return None;
    };
    let tokens = check_column(doc, "input_ids", ids, ctx)?;
    if tokens == 0 {
        ctx.report(
            Code::S007,
            doc.span(ids),
            "\"input_ids\" is empty; an example needs at least one token",
        );
    }
    for (name, value) in columns.iter().filter(|(name, _)| name != "input_ids") {
        // A null column is an absent one (Arrow writes every column on every row).
        if doc.kind(*value) == Kind::Null {
            continue;
        }
        if let Some(len) = check_column(doc, name, *value, ctx)
            && len != tokens
        {
            ctx.report(
                Code::S007,
                doc.span(*value),
                format!(
                    "{} has {} entries and \"input_ids\" {}; it needs one per token",
                    quote(name),
                    crate::wording::thousands(len as u64),
                    crate::wording::thousands(tokens as u64)
                ),
            );
        }
    }
    None
}

/// S007 for a column that is not an array of the integers it takes (the first bad entry);
/// its length when it is an array.
fn check_column(
    doc: &Document<'_, '_>,
    name: &str,
    node: NodeId,
    ctx: &mut RecordContext<'_>,
) -> Option<usize> {
    if doc.kind(node) != Kind::Array {
        ctx.report(
            Code::S007,
            doc.span(node),
            format!(
                "{} is {}; expected an array with one integer per token",
                quote(name),
                describe(doc, node)
            ),
        );
        return None;
    }
    let values = Values::of(name);
    let mut len = 0;
    let mut reported = false;
    for (i, entry) in doc.elements(node).enumerate() {
        len += 1;
        if reported {
            continue;
        }
        let accepted = doc.kind(entry) == Kind::Number
            && doc
                .raw(entry)
                .parse::<i64>()
                .is_ok_and(|n| values.accepts(n));
        if !accepted {
            ctx.report(
                Code::S007,
                doc.span(entry),
                format!(
                    "{name}[{i}] is {}; expected {}",
                    describe(doc, entry),
                    values.expected()
                ),
            );
            reported = true;
        }
    }
    Some(len)
}
