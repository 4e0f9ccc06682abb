//! Fireworks AI supervised fine-tuning.

use super::{Cited, ExampleCount, ImageData, KeyPlace, Keys, Loader, Target, Tokenizer};

const SFT: &str = "https://docs.fireworks.ai/fine-tuning/fine-tuning-models";
/// Preference tuning: `input.messages`, `preferred_output`, `non_preferred_output`.
const DPO: &str = "https://docs.fireworks.ai/fine-tuning/dpo-fine-tuning";
/// "Training compatibility": OpenAI SFT files work unconverted (`role`, `content`,
/// `tool_calls`, `weight`), plus `reasoning_content` on assistant messages.
const OPENAI_COMPATIBLE: &str = "https://docs.fireworks.ai/tools-sdks/openai-compatibility";

pub(super) const TARGET: Target = Target {
    name: "fireworks",
    title: "Fireworks",
    // Supervised fine-tuning reads chat records; preference tuning (DPO) OpenAI's
    // preference records.
    // Reinforcement fine-tuning takes prompts (system and user messages) with the
    // evaluator's fields beside them (`ground_truth`): OpenAI's RFT shape
    // (https://docs.fireworks.ai/fine-tuning/how-rft-works).
    formats: Cited {
        value: &["openai-chat", "openai-preference", "openai-rft"],
        source: DPO,
    },
    // The SFT guide's schema lists system, user and assistant; the compatibility page says
    // OpenAI's tool-calling examples (tool results in `tool` messages) train unchanged.
    roles: Cited {
        value: &["system", "user", "assistant", "tool"],
        source: OPENAI_COMPATIBLE,
    },
    keys: &[
        Cited {
            value: Keys {
                place: KeyPlace::AssistantMessage,
                names: &["reasoning_content"],
            },
            source: OPENAI_COMPATIBLE,
        },
        // "Add a `weight` field at the root level of each JSON object": any number, the
        // example's loss is multiplied by it.
        Cited {
            value: Keys {
                place: KeyPlace::Record,
                names: &["weight"],
            },
            source: "https://docs.fireworks.ai/fine-tuning/weighted-training",
        },
    ],
    alternation: None,
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "an optional system message first, then user and assistant messages",
        source: SFT,
    },
    max_images: None,
    image_data: Some(Cited {
        value: ImageData {
            mime_types: &["image/png", "image/jpeg", "image/jpg"],
            max_url_chars: None,
            unweighted: false,
            uniform_content: false,
        },
        source: "https://docs.fireworks.ai/fine-tuning/fine-tuning-vlm",
    }),
    tool_call_id: None,
    examples: Some(Cited {
        value: ExampleCount {
            min: 3,
            max: Some(3_000_000),
        },
        source: SFT,
    }),
    limits: &[Cited {
        value: "images base64-encoded with their MIME type: PNG, JPG or JPEG",
        source: "https://docs.fireworks.ai/fine-tuning/fine-tuning-vlm",
    }],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "the base model's own tokenizer",
        },
        source: SFT,
    },
    loader: Cited {
        value: Loader::Own,
        source: SFT,
    },
    // Its SFT format documents `weight` per message with no role named ("0 or 1. message
    // will be skipped if value is set to 0"); only assistant turns carry loss, so on another
    // message it withholds nothing.
    weights_any_message: Some(Cited {
        value: "0 or 1 on any message; 0 skips it (only assistant turns are trained)",
        source: "https://docs.fireworks.ai/fine-tuning/fine-tuning-models",
    }),
    chat_template_tools: None,
    tool_parameters_encoded: None,
    byte_order_mark: None,
    unanswered_call_ids: Some(Cited {
        value: "a call that ends the example, answered by no tool message, needs no id (its function-calling example has none)",
        source: "https://docs.fireworks.ai/fine-tuning/fine-tuning-models",
    }),
    sharegpt_roles: None,
    preference_one_turn: Some(Cited {
        value: "one turn: \"input\" holds system messages and one user message (\"We currently only support one-turn conversations for each example\"; a warning, as the page also lists the assistant role for the input)",
        source: DPO,
    }),
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
