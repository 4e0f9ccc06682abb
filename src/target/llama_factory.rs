//! LLaMA-Factory.

use super::{Cited, Loader, Target, Tokenizer};

const DATA: &str = "https://github.com/hiyouga/LLaMA-Factory/blob/main/data/README.md";

pub(super) const TARGET: Target = Target {
    name: "llama-factory",
    title: "LLaMA-Factory",
    // Alpaca and ShareGPT, with LLaMA-Factory's own columns, and the OpenAI `messages`
    // shape as ShareGPT with role/content tags.
    formats: Cited {
        value: &["llama-factory", "alpaca", "sharegpt", "openai-chat"],
        source: DATA,
    },
    roles: Cited {
        value: &["system", "human", "gpt", "function_call", "observation"],
        source: DATA,
    },
    keys: &[],
    alternation: None,
    turns: Cited {
        value: "human and observation at odd positions, gpt and function_call at even \
                positions; the system prompt in its own column",
        source: DATA,
    },
    max_images: None,
    tool_call_id: None,
    examples: None,
    limits: &[],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "the model's own tokenizer and template",
        },
        source: DATA,
    },
    loader: Cited {
        value: Loader::Datasets {
            pin: "<=4.0.0",
            fails: true,
        },
        source: "https://github.com/hiyouga/LLaMA-Factory/blob/main/requirements.txt",
    },
    weights_any_message: None,
    chat_template_tools: None,
    tool_parameters_encoded: None,
    byte_order_mark: None,
    unanswered_call_ids: None,
};
