//! axolotl.

use super::{Cited, KeyPlace, Keys, Loader, ShareGptRoles, Target, Tokenizer};

const FORMATS: &str = "https://docs.axolotl.ai/docs/dataset-formats/";

pub(super) const TARGET: Target = Target {
    name: "axolotl",
    title: "axolotl",
    // `chat_template` datasets (`messages` or `conversations`, per-message `train`/`weight`),
    // the instruction types such as `alpaca`, `completion` (raw text), template-free
    // `input_output` segments, pre-tokenized datasets, and the preference
    // types of its RLHF trainers (DPO, IPO, ORPO: prompt, chosen and rejected, or with
    // `type: chat_template.default` `messages` beside one chosen and one rejected message,
    // docs/rlhf.html; KTO: prompt, completion and label), and prompts alone: its
    // `stepwise_supervised` type (prompt, completions and labels, for process reward models,
    // docs/dataset-formats/stepwise_supervised.qmd) and GRPO's prompt sets (`rl: grpo`).
    formats: Cited {
        value: &[
            "axolotl-chat",
            "openai-chat",
            "sharegpt",
            "alpaca",
            "text",
            "trl-preference",
            "trl-unpaired-preference",
            "pretokenized",
            "axolotl-segments",
            "axolotl-preference",
            "axolotl-instruct",
            "prompt-only",
        ],
        source: FORMATS,
    },
    // `human` and `gpt` are in its default role map (`roles` of a chat_template dataset);
    // `ipython` is the tool role of the llama4 template (docs/dataset-formats/conversation).
    roles: Cited {
        value: &[
            "system",
            "user",
            "human",
            "assistant",
            "gpt",
            "tool",
            "ipython",
        ],
        source: "https://github.com/axolotl-ai-cloud/axolotl/blob/main/src/axolotl/prompt_strategies/chat_template.py",
    },
    // `field_thinking` is `reasoning_content` by default; a text part may say whether it
    // is trained (`weight` 0 or 1).
    keys: &[
        Cited {
            value: Keys {
                place: KeyPlace::AssistantMessage,
                names: &["reasoning_content"],
            },
            source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
        },
        Cited {
            value: Keys {
                place: KeyPlace::TextPart,
                names: &["weight"],
            },
            source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
        },
    ],
    alternation: None,
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "whatever the chat template accepts; roles_to_train (assistant by default) \
                are trained",
        source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
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
        source: FORMATS,
    },
    loader: Cited {
        value: Loader::Datasets {
            requires: "==4.8.4",
            earlier: None,
        },
        source: "https://github.com/axolotl-ai-cloud/axolotl/blob/main/pyproject.toml",
    },
    weights_any_message: None,
    chat_template_tools: Some(Cited {
        value: "arguments a JSON object or a string holding one; no tool call id needed, and \
                one a call carries is not read: a tool result names its function with \
                \"name\" (or nothing) and answers a call of the assistant message it \
                follows, the one to that function or else the next unanswered one",
        source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
    }),
    tool_parameters_encoded: Some(Cited {
        value: "a JSON Schema object, or a string holding one (decoded before the chat \
                template sees it)",
        source: "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
    }),
    byte_order_mark: None,
    unanswered_call_ids: None,
    // A `chat_template` dataset maps the role names through `roles` (by default these six)
    // and passes any other on unchanged; `roles_to_train` defaults to `["assistant"]`.
    sharegpt_roles: Some(Cited {
        value: ShareGptRoles::MappedOrAsWritten {
            mapped: &["human", "user", "gpt", "assistant", "system", "tool"],
            trained: &["gpt", "assistant"],
        },
        source: "https://github.com/axolotl-ai-cloud/axolotl/blob/main/src/axolotl/prompt_strategies/chat_template.py",
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
