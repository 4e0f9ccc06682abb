//! axolotl's template-free records (`type: input_output`): `{"segments": [{"label": bool,
//! "text": str}, ...]}`, the texts joined as written, each trained when its label is true. No
//! chat template and no roles: the schema is checked here, and the secret and duplicate rules
//! read the record as they read any record no conversation is made of.

use std::borrow::Cow;

use super::openai_chat::{missing_key, unknown_key};
use crate::context::RecordContext;
use crate::json::{Document, Kind};
use crate::record::Conversation;
use crate::registry::Code;
use crate::settings::FormatChoice;
use crate::wording::{describe, quote};

const KEYS: &[&str] = &["segments"];
const SEGMENT_KEYS: &[&str] = &["label", "text"];

/// Whether the record is template-free: `segments` whose first element has a `label`
/// (other datasets have `segments` too: a speech transcript's timed pieces of `text`).
pub(crate) fn detect(doc: &Document<'_, '_>) -> bool {
    doc.get(doc.root(), "segments")
        .filter(|s| doc.kind(*s) == Kind::Array)
        .and_then(|s| doc.elements(s).next())
        .is_some_and(|first| doc.kind(first) == Kind::Object && doc.get(first, "label").is_some())
}

/// Checks a template-free record; there is no conversation to return.
pub fn normalize<'s>(
    doc: &Document<'_, 's>,
    ctx: &mut RecordContext<'_>,
) -> Option<Conversation<'s>> {
    let root = doc.root();
    let mut segments = None;
    for (key, value) in doc.members(root) {
        match doc.str(key).unwrap_or(Cow::Borrowed("")).as_ref() {
            "segments" => segments = Some(value),
            other => unknown_key(ctx, doc.span(key), other, "a template-free record", KEYS),
        }
    }
    let Some(segments) = segments else {
        missing_key(doc, root, "segments", FormatChoice::AxolotlSegments, ctx);
        return None;
    };
    if doc.kind(segments) != Kind::Array || doc.len(segments) == 0 {
        let what = if doc.kind(segments) == Kind::Array {
            "empty".to_owned()
        } else {
            describe(doc, segments)
        };
        ctx.report(
            Code::S002,
            doc.span(segments),
            format!(
                "\"segments\" is {what}; expected a non-empty array of {{\"label\", \"text\"}} objects"
            ),
        );
        return None;
    }
    for segment in doc.elements(segments) {
        if doc.kind(segment) != Kind::Object {
            ctx.report(
                Code::S007,
                doc.span(segment),
                format!(
                    "segment is {}; expected an object with \"label\" and \"text\"",
                    describe(doc, segment)
                ),
            );
            continue;
        }
        for (key, _) in doc.members(segment) {
            let name = doc.str(key).unwrap_or(Cow::Borrowed(""));
            if !SEGMENT_KEYS.contains(&name.as_ref()) {
                unknown_key(ctx, doc.span(key), &name, "a segment", SEGMENT_KEYS);
            }
        }
        for (key, kind, expected) in [
            ("text", Kind::String, "a string"),
            ("label", Kind::Bool, "true (trained) or false"),
        ] {
            match doc.get(segment, key) {
                Some(value) if doc.kind(value) == kind => {}
                Some(value) => ctx.report(
                    Code::S007,
                    doc.span(value),
                    format!(
                        "segment {} is {}; expected {expected}",
                        quote(key),
                        describe(doc, value)
                    ),
                ),
                None => ctx.report(
                    Code::S007,
                    doc.span(segment),
                    format!("segment has no {}; expected {expected}", quote(key)),
                ),
            }
        }
    }
    None
}
