//! axolotl.

use super::{Cited, Loader, Target, Tokenizer};

const FORMATS: &str = "https://docs.axolotl.ai/docs/dataset-formats/";

pub(super) const TARGET: Target = Target {
    name: "axolotl",
    title: "axolotl",
    // `chat_template` datasets (`messages` or `conversations`, per-message `train`/`weight`),
    // the instruction types such as `alpaca`, and `completion` (raw text).
    formats: Cited {
        value: &["axolotl-chat", "openai-chat", "sharegpt", "alpaca", "text"],
        source: FORMATS,
    },
    roles: Cited {
        value: &["system", "user", "assistant", "tool"],
        source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
    },
    keys: &[],
    alternation: None,
    turns: Cited {
        value: "whatever the chat template accepts; roles_to_train (assistant by default) \
                are trained",
        source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
    },
    max_images: None,
    tool_call_id: None,
    examples: None,
    limits: &[],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "the model's own tokenizer and chat template",
        },
        source: FORMATS,
    },
    loader: Cited {
        value: Loader::Datasets {
            pin: "==4.8.4",
            fails: false,
        },
        source: "https://github.com/axolotl-ai-cloud/axolotl/blob/main/requirements.txt",
    },
    weights_any_message: None,
    chat_template_tools: Some(Cited {
        value: "arguments a JSON object or a string holding one; no tool call id needed; a \
                tool result names its function with \"name\" (or nothing)",
        source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
    }),
    byte_order_mark: None,
    unanswered_call_ids: None,
};
