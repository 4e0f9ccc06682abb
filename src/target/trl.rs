//! Hugging Face TRL trainers (SFT, DPO/ORPO/CPO, KTO, GRPO).

use super::{Cited, KeyPlace, Keys, Loader, ShareGptRoles, Target, Tokenizer};

const FORMATS: &str = "https://huggingface.co/docs/trl/dataset_formats";

pub(super) const TARGET: Target = Target {
    name: "trl",
    title: "TRL",
    // Standard and conversational language modelling, prompt-completion, preference,
    // unpaired preference and prompt-only; `conversations` of `from`/`value` turns, which
    // SFTTrainer converts (`maybe_convert_to_chatml`, trl/data_utils.py).
    formats: Cited {
        value: &[
            "text",
            "openai-chat",
            "sharegpt",
            "prompt-completion",
            "trl-prompt-completion",
            "trl-preference",
            "trl-unpaired-preference",
            "prompt-only",
            "pretokenized",
        ],
        source: FORMATS,
    },
    // `developer` as Harmony (gpt-oss) records write the system turn.
    roles: Cited {
        value: &["system", "developer", "user", "assistant", "tool"],
        source: "https://huggingface.co/docs/trl/dataset_formats#harmony",
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
        value: "whatever the model's chat template accepts; SFT trains the completion or the \
                assistant turns",
        source: FORMATS,
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
        source: "https://huggingface.co/docs/transformers/chat_templating",
    },
    // TRL 1.0 raised the requirement for the `Json` feature (huggingface/trl#5376).
    loader: Cited {
        value: Loader::Datasets {
            requires: ">=4.7.0",
            earlier: Some(
                "TRL 0.29 and earlier allowed datasets>=3.0.0: with one before 4.7 installed, such a file does not load",
            ),
        },
        source: "https://github.com/huggingface/trl/blob/main/pyproject.toml",
    },
    weights_any_message: None,
    chat_template_tools: Some(Cited {
        value: "arguments a JSON object or a string holding one; no tool call id needed, and \
                one a call carries is not read: a tool result names its function with \
                \"name\" (or nothing) and answers a call of the assistant message it \
                follows, the one to that function or else the next unanswered one",
        source: "https://huggingface.co/docs/trl/dataset_formats#tool-calling",
    }),
    tool_parameters_encoded: None,
    byte_order_mark: None,
    unanswered_call_ids: None,
    // `maybe_convert_to_chatml` renames `from` and `value` to `role` and `content` and keeps
    // the names: no role map anywhere in TRL.
    sharegpt_roles: Some(Cited {
        value: ShareGptRoles::AsWritten,
        source: "https://github.com/huggingface/trl/blob/main/trl/data_utils.py",
    }),
    preference_one_turn: None,
    extra_keys_refused: None,
    // SFT's, DPO's, KTO's and GRPO's vision collators convert a record with `images` or
    // `image` with `prepare_multimodal_messages` (trl/data_utils.py), which raises on another
    // role and on a count of image placeholders other than the images'.
    vision_messages: Some(Cited {
        value: "in a record with \"images\" or \"image\", prepare_multimodal_messages \
                takes the roles system, user, assistant and tool only, and wants as many \
                {\"type\": \"image\"} placeholders in the messages or prompt as there are \
                images (none in a completion or answer); it puts one for each image before \
                the first user message whose content is a string, so such a record needs no \
                image parts of its own",
        source: "https://github.com/huggingface/trl/blob/main/trl/data_utils.py",
    }),
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
