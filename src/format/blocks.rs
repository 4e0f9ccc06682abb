//! A message's list of blocks, as Bedrock Nova (`content`) and Vertex AI (`parts`) write it:
//! each block one of text, an image, a tool call, a tool result or reasoning, read by the
//! format; the list itself is checked, and the blocks gathered into the message, the same way
//! for both.

use crate::context::RecordContext;
use crate::json::{Document, Kind, NodeId};
use crate::record::{Content, Message, Part, Role, Text, ToolCall};
use crate::registry::Code;
use crate::wording::describe;

/// One block as a format read it.
pub(crate) enum Block<'s> {
    Part(Part<'s>),
    Call(ToolCall<'s>),
    /// A tool's result: what names the call it answers when it says (Bedrock: the call's id;
    /// Vertex: the function's name), and the result itself as JSON kept as written.
    Result {
        answers: Option<Text<'s>>,
        data: Option<Text<'s>>,
    },
    /// A chain of thought (Bedrock's `reasoningContent`, a Gemini part marked `thought`).
    Reasoning(Text<'s>),
    /// Read (or reported) and not part of the conversation model: a document, a video, a
    /// malformed block.
    Other,
}

/// How a format words the findings about a message's list of blocks.
pub(crate) struct Words {
    /// The key that holds the list.
    pub key: &'static str,
    /// S006 when the message has no such key.
    pub missing: &'static str,
    /// What the format expects, after `"KEY" is ...;` (S007 when it is no array).
    pub expected: &'static str,
    /// S006 when the list is empty.
    pub empty: &'static str,
}

/// Reads the list of blocks under `words.key` of message `node` into `message` (whose role is
/// read): its parts, tool calls, tool results and reasoning, and in `answers` the name of the
/// first tool result. A user turn that only returns tool results is the model's tool message.
pub(crate) fn read<'s>(
    doc: &Document<'_, 's>,
    node: NodeId,
    message: &mut Message<'s>,
    words: &Words,
    answers: for<'m> fn(&'m mut Message<'s>) -> &'m mut Option<Text<'s>>,
    ctx: &mut RecordContext<'_>,
    mut block: impl FnMut(NodeId, &mut RecordContext<'_>) -> Block<'s>,
) {
    let Some(list) = doc.get(node, words.key) else {
        ctx.report(Code::S006, message.role_span, words.missing);
        return;
    };
    let span = doc.span(list);
    if doc.kind(list) != Kind::Array {
        ctx.report(
            Code::S007,
            span,
            format!(
                "\"{}\" is {}; {}",
                words.key,
                describe(doc, list),
                words.expected
            ),
        );
        message.content = Content::Invalid { span };
        return;
    }
    if doc.len(list) == 0 {
        ctx.report(Code::S006, span, words.empty);
    }
    let mut parts = Vec::new();
    let (mut results, mut others) = (0usize, 0usize);
    for element in doc.elements(list) {
        match block(element, ctx) {
            Block::Part(p) => {
                others += 1;
                parts.push(p);
            }
            Block::Call(call) => {
                others += 1;
                message.tool_calls.push(call);
            }
            Block::Result {
                answers: name,
                data,
            } => {
                results += 1;
                message.tool_results.extend(data);
                let slot = answers(message);
                if slot.is_none() {
                    *slot = name;
                }
            }
            Block::Reasoning(text) => {
                others += 1;
                message.reasoning.push(text);
            }
            Block::Other => others += 1,
        }
    }
    if message.role == Role::User && results > 0 && others == 0 {
        message.role = Role::Tool;
    }
    message.content = Content::Parts { span, parts };
}
