//! Amazon Bedrock fine-tuning of Anthropic's Claude models.

use super::{Cited, ExampleCount, Loader, OverLimit, ReservedWords, Target, TokenLimit, Tokenizer};

const FORMAT: &str = "https://platform.claude.com/cookbook/finetuning-finetuning-on-bedrock";
/// AWS's data validator for Claude 3 Haiku fine-tuning on Bedrock.
const VALIDATOR: &str = "https://github.com/aws-samples/amazon-bedrock-workshop/blob/main/03_Model_customization/bedrock-fine-tuning/claude-haiku/DataValidation/data_validation.py";

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
    // The validator's `MIN_LINES = 32` and `MAX_TRAINING_LINES = 10000`.
    examples: Some(Cited {
        value: ExampleCount {
            min: 32,
            max: Some(10_000),
        },
        source: VALIDATOR,
    }),
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
    // AWS's validator for Claude 3 Haiku fine-tuning data (`RESERVED_KEYWORDS`, checked in
    // the system prompt and every message, as written).
    reserved_words: Some(Cited {
        value: ReservedWords {
            words: &["\nHuman:", "\nAssistant:"],
            any_case: false,
            formats: &["bedrock-claude"],
        },
        source: VALIDATOR,
    }),
    // The validator's `MAX_TOKENS = 32000` per record (Claude 3 Haiku's fine-tuning context):
    // a longer record is a validation error ("Exceeds maximum token count"), not cut.
    max_tokens: Some(Cited {
        value: TokenLimit {
            tokens: 32_000,
            what: "Amazon Bedrock's limit for Claude 3 Haiku",
            over: OverLimit::Refused,
        },
        source: VALIDATOR,
    }),
    rft_roles: None,
    rft_images: None,
    last_turn_any: None,
    tool_result_turns: None,
    calls_without_text: None,
    function_keys: None,
    chat_keys_unread: None,
};
