//! LLaMA-Factory.

use super::{Cited, Loader, Target, Tokenizer};

const DATA: &str = "https://github.com/hiyouga/LLaMA-Factory/blob/main/data/README.md";
const CONVERTER: &str =
    "https://github.com/hiyouga/LLaMA-Factory/blob/main/src/llamafactory/data/converter.py";

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
    // Its ShareGPT converter (which also reads the `messages` shape) checks each turn's tag
    // against its position and skips the example, with a warning in the log, on the first
    // that does not fit: two turns of one role in a row, or an answer first.
    alternation: Some(Cited {
        value: "it skips the example: human and observation turns at odd positions, gpt \
                and function_call at even ones",
        source: CONVERTER,
    }),
    // Tool results take the user's side of the alternation: an observation right after a
    // human turn, or a human turn right after an observation, is out of place.
    tool_turns_alternate: true,
    user_first: Some(Cited {
        value: "it skips the example: the first turn after the system prompt is a human \
                (or observation) turn",
        source: CONVERTER,
    }),
    // The alpaca converter checks no order: it always builds the user turn from the prompt
    // and query columns (`converter.py`, `AlpacaDatasetConverter`).
    turns: Cited {
        value: "human and observation at odd positions, gpt and function_call at even \
                positions, nothing else checked: an observation after a gpt turn that calls no \
                tool is trained as written (O006, an info); the system prompt in its own column; an alpaca dataset's user turn \
                is its prompt and query columns joined (empty when its \"columns\" name \
                neither: the example is trained so, not skipped)",
        source: CONVERTER,
    },
    max_images: None,
    image_data: None,
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
            requires: ">=2.16.0,<=4.0.0",
            earlier: None,
        },
        source: "https://github.com/hiyouga/LLaMA-Factory/blob/main/pyproject.toml",
    },
    weights_any_message: None,
    chat_template_tools: None,
    tool_parameters_encoded: None,
    byte_order_mark: None,
    unanswered_call_ids: None,
    sharegpt_roles: None,
    preference_one_turn: None,
    extra_keys_refused: None,
    vision_messages: None,
    prompt_parts: None,
    reserved_words: None,
    max_tokens: None,
    rft_roles: None,
    rft_images: None,
    last_turn_any: None,
    tool_result_turns: None,
    calls_without_text: None,
    function_keys: None,
    chat_keys_unread: None,
};
