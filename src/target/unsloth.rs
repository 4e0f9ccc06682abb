//! Unsloth (which trains with TRL's trainers).

use super::{Cited, KeyPlace, Keys, Loader, ShareGptRoles, Target, Tokenizer};

const DATASETS: &str = "https://unsloth.ai/docs/get-started/fine-tuning-llms-guide/datasets-guide";

pub(super) const TARGET: Target = Target {
    name: "unsloth",
    title: "Unsloth",
    // ShareGPT through `standardize_sharegpt`, ChatML `messages`, Alpaca-style instructions,
    // raw text, and TRL's formats for its trainers (Unsloth patches every TRL trainer: SFT
    // with prompt and completion, standard or conversational, DPO, ORPO, KTO, GRPO).
    formats: Cited {
        value: &[
            "openai-chat",
            "sharegpt",
            "alpaca",
            "text",
            "prompt-completion",
            "trl-prompt-completion",
            "trl-preference",
            "trl-unpaired-preference",
            "prompt-only",
            "pretokenized",
        ],
        source: DATASETS,
    },
    roles: Cited {
        value: &["system", "user", "assistant"],
        source: DATASETS,
    },
    keys: &[Cited {
        value: Keys {
            place: KeyPlace::AssistantMessage,
            names: &["thinking", "reasoning_content"],
        },
        source: "https://github.com/huggingface/trl/tree/main/trl/chat_templates",
    }],
    alternation: None,
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "whatever the model's chat template accepts (get_chat_template); \
                train_on_responses_only trains the assistant turns",
        source: DATASETS,
    },
    max_images: None,
    image_data: None,
    tool_call_id: None,
    examples: None,
    limits: &[],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "the model's own tokenizer and chat template",
        },
        source: DATASETS,
    },
    // Every extra that installs the trainer pins this (`huggingface`, `colab-new`); the
    // `studio` extra pins datasets==4.3.0 within it.
    loader: Cited {
        value: Loader::Datasets {
            requires: ">=3.4.1,!=4.0.*,!=4.1.0,<4.4.0",
            earlier: None,
        },
        source: "https://github.com/unslothai/unsloth/blob/main/pyproject.toml",
    },
    weights_any_message: None,
    chat_template_tools: Some(Cited {
        value: "arguments a JSON object or a string holding one; no tool call id needed, and \
                one a call carries is not read: a tool result names its function with \
                \"name\" (or nothing) and answers a call of the assistant message it \
                follows, the one to that function or else the next unanswered one",
        source: "https://huggingface.co/docs/transformers/chat_extras",
    }),
    tool_parameters_encoded: None,
    byte_order_mark: None,
    unanswered_call_ids: None,
    sharegpt_roles: Some(Cited {
        value: ShareGptRoles::Mapped(&[
            "system",
            "user",
            "human",
            "input",
            "assistant",
            "gpt",
            "output",
        ]),
        source: "https://github.com/unslothai/unsloth-zoo/blob/main/unsloth_zoo/dataset_utils.py",
    }),
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
