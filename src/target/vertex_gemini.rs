//! Google Vertex AI supervised tuning of Gemini models.

use super::{Cited, Loader, OverLimit, Target, TokenLimit, Tokenizer};

const FORMAT: &str =
    "https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare";
/// "About supervised fine-tuning for Gemini models": its limits, per model.
const LIMITS: &str =
    "https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning";
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
    limits: &[
        Cited {
            value: "each image at most 20 MB",
            source: IMAGES,
        },
        Cited {
            value: "for Gemini 2.5 Flash, Flash-Lite and Pro: a training file of at most 1 GB \
                    (JSONL), at most 1M text-only or 300K multimodal examples, a validation \
                    dataset of at most 5,000 examples (the limits are per model)",
            source: LIMITS,
        },
    ],
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
    // "Maximum input and output training tokens: 131,072" for Gemini 2.5 Flash, Flash-Lite
    // and Pro; the limit is per model (32,000 for the retired Gemini 1.5 Pro) and the page
    // does not say what becomes of a longer example.
    max_tokens: Some(Cited {
        value: TokenLimit {
            tokens: 131_072,
            what: "Vertex AI's limit for Gemini 2.5 models; other models' may differ",
            over: OverLimit::Unstated,
        },
        source: LIMITS,
    }),
    rft_roles: None,
    rft_images: None,
    last_turn_any: None,
    tool_result_turns: None,
    calls_without_text: None,
    function_keys: None,
    chat_keys_unread: None,
};
