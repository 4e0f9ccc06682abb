//! Amazon Bedrock fine-tuning of Anthropic's Claude models.

use super::{Cited, Loader, Target, Tokenizer};

const FORMAT: &str = "https://platform.claude.com/cookbook/finetuning-finetuning-on-bedrock";

pub(super) const TARGET: Target = Target {
    name: "bedrock-claude",
    title: "Amazon Bedrock (Claude)",
    formats: Cited {
        value: &["bedrock-claude"],
        source: FORMAT,
    },
    roles: Cited {
        value: &["user", "assistant"],
        source: FORMAT,
    },
    keys: &[],
    alternation: Some(Cited {
        value: "user and assistant messages alternate",
        source: FORMAT,
    }),
    tool_turns_alternate: false,
    user_first: None,
    turns: Cited {
        value: "an optional top-level system string; at least two messages, the first from \
                the user, the last from the assistant, strictly alternating; no other keys",
        source: FORMAT,
    },
    max_images: None,
    image_data: None,
    tool_call_id: None,
    examples: None,
    limits: &[],
    tokenizer: Cited {
        value: Tokenizer::Unpublished { whose: "Claude's" },
        source: "https://docs.anthropic.com/en/docs/build-with-claude/token-counting",
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
    // "No extraneous keys are allowed" (Anthropic's guide to fine-tuning on Bedrock).
    sharegpt_roles: None,
    preference_one_turn: None,
    extra_keys_refused: Some(Cited {
        value: "refused: a record holds \"system\" and \"messages\" and no other key",
        source: FORMAT,
    }),
    vision_messages: None,
    prompt_parts: None,
    reserved_words: None,
};
