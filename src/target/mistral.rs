//! Mistral fine-tuning (the fine-tuning API and mistral-finetune).

use super::{Cited, KeyPlace, Keys, Loader, Target, Tokenizer, ToolCallId};

const API: &str = "https://docs.mistral.ai/capabilities/finetuning/text_finetuning";
const TOKENIZE: &str =
    "https://github.com/mistralai/mistral-finetune/blob/main/finetune/data/tokenize.py";
const VALIDATOR: &str = "https://github.com/mistralai/mistral-common/blob/main/src/mistral_common/protocol/instruct/validator.py";

pub(super) const TARGET: Target = Target {
    name: "mistral",
    title: "Mistral",
    // Instruct data as `messages` (with or without function calling); `{"text"}` for
    // continued pretraining in mistral-finetune.
    formats: Cited {
        value: &["openai-chat", "text"],
        source: "https://github.com/mistralai/mistral-finetune/blob/main/README.md",
    },
    roles: Cited {
        value: &["system", "user", "assistant", "tool"],
        source: API,
    },
    // mistral-finetune's `build_instruct_sample` reads these beside `messages`.
    keys: &[
        Cited {
            value: Keys {
                place: KeyPlace::Tools,
                names: &["available_tools"],
            },
            source: TOKENIZE,
        },
        Cited {
            value: Keys {
                place: KeyPlace::SystemPrompt,
                names: &["system_prompt"],
            },
            source: TOKENIZE,
        },
        Cited {
            value: Keys {
                place: KeyPlace::RecordFlag,
                names: &["only_last"],
            },
            source: TOKENIZE,
        },
    ],
    alternation: None,
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "user and assistant messages, one or more turns; a tool message answers an \
                assistant's tool call by its id",
        source: API,
    },
    max_images: None,
    image_data: None,
    tool_call_id: Some(Cited {
        value: ToolCallId {
            len: 9,
            alphanumeric: true,
        },
        source: VALIDATOR,
    }),
    examples: None,
    limits: &[],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "Mistral's own tokenizer (mistral-common's)",
        },
        source: "https://github.com/mistralai/mistral-common",
    },
    loader: Cited {
        value: Loader::Own,
        source: "https://github.com/mistralai/mistral-finetune/blob/main/README.md",
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
    tool_result_turns: Some(Cited {
        value: "a tool result only after the assistant's tool call or another tool result, and \
                after it only the assistant's turn or another tool result (mistral-common's \
                validator, which mistral-finetune runs on every record)",
        source: VALIDATOR,
    }),
    calls_without_text: Some(Cited {
        value: "an assistant message holds text or tool calls, not both (\"Assistant message \
                must have either content or tool_calls, but not both\": mistral-finetune pins \
                the V3 validator)",
        source: VALIDATOR,
    }),
    function_keys: Some(Cited {
        value: &["name", "description", "parameters"],
        source: TOKENIZE,
    }),
    chat_keys_unread: None,
};
