//! Azure OpenAI fine-tuning (Microsoft Foundry).

use super::{Cited, ExampleCount, Loader, Target, Tokenizer};

/// Reinforcement fine-tuning of o4-mini, "Training & evaluation file formation requirements".
const RFT: &str =
    "https://learn.microsoft.com/azure/ai-services/openai/how-to/reinforcement-fine-tuning";

pub(super) const TARGET: Target = Target {
    name: "azure-openai",
    title: "Azure OpenAI",
    formats: Cited {
        value: &["openai-chat", "openai-preference", "openai-rft"],
        source: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning",
    },
    roles: Cited {
        value: &["system", "user", "assistant", "tool", "function"],
        source: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning",
    },
    keys: &[],
    alternation: None,
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "as OpenAI's chat format: an SFT example ends on the assistant message it trains; \
                a reinforcement fine-tuning example ends on a user message, with no system \
                message and no images",
        source: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning",
    },
    max_images: Some(Cited {
        value: 64,
        source: "https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision",
    }),
    image_data: None,
    tool_call_id: None,
    examples: Some(Cited {
        value: ExampleCount { min: 10, max: None },
        source: "https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision",
    }),
    limits: &[
        Cited {
            value: "at most 50,000 examples with images per training file; each image at most \
                    10 MB, JPEG, PNG or WEBP, never in an assistant message",
            source: "https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision",
        },
        Cited {
            value: "reinforcement fine-tuning: at most 50,000 examples per training file and \
                    1,000 per test file",
            source: RFT,
        },
    ],
    tokenizer: Cited {
        value: Tokenizer::O200kBase,
        source: "https://github.com/openai/tiktoken/blob/main/tiktoken/model.py",
    },
    loader: Cited {
        value: Loader::Own,
        source: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning",
    },
    weights_any_message: None,
    chat_template_tools: None,
    tool_parameters_encoded: None,
    byte_order_mark: Some(Cited {
        value: "training and validation files encoded in UTF-8 with a byte-order mark",
        source: "https://learn.microsoft.com/azure/ai-foundry/openai/how-to/fine-tuning",
    }),
    unanswered_call_ids: None,
    sharegpt_roles: None,
    preference_one_turn: None,
    extra_keys_refused: None,
    vision_messages: None,
    prompt_parts: None,
    reserved_words: None,
    max_tokens: None,
    // "System messages aren't supported"; tools are, so their turns are kept.
    rft_roles: Some(Cited {
        value: &["developer", "user", "assistant", "tool", "function"],
        source: RFT,
    }),
    rft_images: Some(Cited {
        value: "refused: \"Images / multimodal data aren't supported\" in reinforcement fine-tuning data",
        source: RFT,
    }),
    last_turn_any: None,
    tool_result_turns: None,
    calls_without_text: None,
    function_keys: None,
    chat_keys_unread: None,
};
