//! Amazon Bedrock fine-tuning of Amazon Nova models (the Converse shape).

use super::{Cited, ExampleCount, Loader, ReservedWords, Target, Tokenizer};

const FORMAT: &str =
    "https://docs.aws.amazon.com/nova/latest/userguide/customize-fine-tune-prepare.html";

pub(super) const TARGET: Target = Target {
    name: "bedrock-nova",
    title: "Amazon Bedrock (Nova)",
    // Reinforcement fine-tuning takes OpenAI's chat-completion prompts with a
    // `reference_answer` and the grader's fields beside them ("We only support the OpenAI chat
    // completion format", https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data.html).
    formats: Cited {
        value: &["bedrock-nova", "openai-rft"],
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
        value: "\"schemaVersion\": \"bedrock-conversation-2024\", an optional system list of \
                text blocks, then user and assistant messages in turn, multi-turn allowed",
        source: "https://docs.aws.amazon.com/bedrock/latest/userguide/distillation-data-prep-option-1.html",
    },
    max_images: None,
    image_data: None,
    tool_call_id: None,
    // AWS's Nova dataset validator, which the SageMaker guide sends users to before they
    // submit (`MODEL_TO_NUM_SAMPLES_MAP`: 8 to 20,000 samples for micro, lite and pro; "Numer
    // of samples ... out of bounds").
    examples: Some(Cited {
        value: ExampleCount {
            min: 8,
            max: Some(20_000),
        },
        source: "https://github.com/aws-samples/amazon-bedrock-workshop/blob/main/03_Model_customization/bedrock-fine-tuning/nova/understanding/dataset_validation/nova_ft_dataset_validator.py",
    }),
    limits: &[Cited {
        value: "at most 10 images in one message (S012, whatever the target: only Nova reads its format)",
        source: "https://github.com/aws/nova-customization-sdk/blob/main/src/amzn_nova_forge/dataset/dataset_validator/sft_dataset_validator.py",
    }],
    tokenizer: Cited {
        value: Tokenizer::Unpublished { whose: "Nova's" },
        source: FORMAT,
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
    // "User:, Bot:, Assistant:, System:, <image>, <video>, and [EOS] are reserved keywords.
    // If a user prompt or system prompt starts with any of these keywords, or have these
    // keywords anywhere in their prompts, your training job will fail due to data issues."
    // The Nova SDK's validator (`check_forbidden_keywords`, dataset_validator.py) checks every
    // text of a Converse record, answers included, in any case; its list lacks `System:`,
    // which the guide names.
    reserved_words: Some(Cited {
        value: ReservedWords {
            words: &[
                "User:",
                "Bot:",
                "Assistant:",
                "System:",
                "<image>",
                "<video>",
                "[EOS]",
            ],
            any_case: true,
            formats: &["bedrock-nova"],
        },
        source: "https://docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html",
    }),
    max_tokens: None,
    // The Nova SDK's RFT validator (rft_dataset_validator.py, `RFTMessage.validate_role`):
    // "Invalid role, must be one of ['system', 'user', 'assistant']".
    rft_roles: Some(Cited {
        value: &["system", "user", "assistant"],
        source: "https://github.com/aws/nova-customization-sdk/blob/main/src/amzn_nova_forge/dataset/dataset_validator/rft_dataset_validator.py",
    }),
    rft_images: None,
    last_turn_any: None,
    tool_result_turns: None,
    calls_without_text: None,
    function_keys: None,
    chat_keys_unread: None,
};
