//! Hugging Face TRL trainers (SFT, DPO/ORPO/CPO, KTO, GRPO).

use super::{Cited, Loader, Target, Tokenizer};

const FORMATS: &str = "https://huggingface.co/docs/trl/dataset_formats";

pub(super) const TARGET: Target = Target {
    name: "trl",
    title: "TRL",
    // Standard and conversational language modelling, prompt-completion, preference,
    // unpaired preference and prompt-only.
    formats: Cited {
        value: &[
            "text",
            "openai-chat",
            "prompt-completion",
            "trl-prompt-completion",
            "trl-preference",
            "trl-unpaired-preference",
            "prompt-only",
        ],
        source: FORMATS,
    },
    roles: Cited {
        value: &["system", "user", "assistant", "tool"],
        source: FORMATS,
    },
    keys: &[],
    alternation: None,
    turns: Cited {
        value: "whatever the model's chat template accepts; SFT trains the completion or the \
                assistant turns",
        source: FORMATS,
    },
    max_images: None,
    tool_call_id: None,
    examples: None,
    limits: &[],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "the model's own tokenizer and chat template",
        },
        source: "https://huggingface.co/docs/transformers/chat_templating",
    },
    loader: Cited {
        value: Loader::DatasetsUnpinned { pin: ">=3.0" },
        source: "https://github.com/huggingface/trl/blob/main/setup.cfg",
    },
    weights_any_message: None,
    chat_template_tools: Some(Cited {
        value: "arguments a JSON object or a string holding one; no tool call id needed; a \
                tool result names its function with \"name\" (or nothing)",
        source: "https://huggingface.co/docs/trl/dataset_formats#tool-calling",
    }),
    byte_order_mark: None,
    unanswered_call_ids: None,
};
