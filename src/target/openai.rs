//! OpenAI fine-tuning (supervised, DPO, reinforcement).

use super::{Cited, ExampleCount, Loader, Target, Tokenizer};

pub(super) const TARGET: Target = Target {
    name: "openai",
    title: "OpenAI",
    formats: Cited {
        value: &["openai-chat", "openai-preference", "openai-rft"],
        source: "https://developers.openai.com/api/docs/guides/supervised-fine-tuning",
    },
    roles: Cited {
        value: &[
            "system",
            "developer",
            "user",
            "assistant",
            "tool",
            "function",
        ],
        source: "https://platform.openai.com/docs/api-reference/fine-tuning/chat-input",
    },
    keys: &[],
    alternation: None,
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "an SFT example ends on the assistant message it trains; a reinforcement \
                fine-tuning example ends on a user message",
        source: "https://developers.openai.com/api/docs/guides/supervised-fine-tuning",
    },
    max_images: Some(Cited {
        value: 10,
        source: "https://developers.openai.com/api/docs/guides/vision-fine-tuning",
    }),
    image_data: None,
    tool_call_id: None,
    examples: Some(Cited {
        value: ExampleCount { min: 10, max: None },
        source: "https://developers.openai.com/api/docs/guides/supervised-fine-tuning",
    }),
    limits: &[],
    tokenizer: Cited {
        value: Tokenizer::O200kBase,
        source: "https://github.com/openai/tiktoken/blob/main/tiktoken/model.py",
    },
    loader: Cited {
        value: Loader::Own,
        source: "https://developers.openai.com/api/docs/guides/supervised-fine-tuning",
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
