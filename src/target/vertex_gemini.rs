//! Google Vertex AI supervised tuning of Gemini models.

use super::{Cited, Loader, Target, Tokenizer};

const FORMAT: &str =
    "https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare";
const IMAGES: &str =
    "https://cloud.google.com/vertex-ai/generative-ai/docs/models/tune_gemini/image_tune";

pub(super) const TARGET: Target = Target {
    name: "vertex-gemini",
    title: "Vertex AI (Gemini)",
    formats: Cited {
        value: &["vertex-gemini"],
        source: FORMAT,
    },
    roles: Cited {
        value: &["user", "model"],
        source: FORMAT,
    },
    keys: &[],
    alternation: None,
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "an optional systemInstruction, then contents alternating user and model, \
                ending on model",
        source: FORMAT,
    },
    max_images: Some(Cited {
        value: 30,
        source: IMAGES,
    }),
    image_data: None,
    tool_call_id: None,
    examples: None,
    limits: &[Cited {
        value: "each image at most 20 MB",
        source: IMAGES,
    }],
    tokenizer: Cited {
        value: Tokenizer::Unpublished { whose: "Gemini's" },
        source: "https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/list-token",
    },
    loader: Cited {
        value: Loader::Own,
        source: FORMAT,
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
};
