//! Together AI fine-tuning.

use super::{Cited, ImageData, KeyPlace, Keys, Loader, Target, Tokenizer};

const DATA: &str = "https://docs.together.ai/docs/fine-tuning/data-preparation";
const VISION: &str = "https://docs.together.ai/docs/fine-tuning-vlm";
const TOOLS: &str = "https://docs.together.ai/docs/fine-tuning/function-calling";
const REASONING: &str = "https://docs.together.ai/docs/fine-tuning/reasoning";
const CHECK: &str =
    "https://github.com/togethercomputer/together-python/blob/main/src/together/utils/files.py";
/// together-python's `MAX_BASE64_IMAGE_LENGTH`: the data URL of a 10 MB image.
const MAX_IMAGE_URL: usize = "data:image/jpeg;base64,".len() + 4 * (10 * 1024 * 1024) / 3;

pub(super) const TARGET: Target = Target {
    name: "together",
    title: "Together",
    // Conversational (`messages`), instruction (`prompt`/`completion`), preference
    // (`input`/`preferred_output`/`non_preferred_output`) and generic text.
    formats: Cited {
        value: &[
            "openai-chat",
            "prompt-completion",
            "openai-preference",
            "text",
        ],
        source: DATA,
    },
    // Function-calling fine-tuning: assistant `tool_calls`, results in `tool` messages.
    roles: Cited {
        value: &["system", "user", "assistant", "tool"],
        source: TOOLS,
    },
    // Reasoning fine-tuning: the chain of thought beside the answer's `content`.
    keys: &[Cited {
        value: Keys {
            place: KeyPlace::AssistantMessage,
            names: &["reasoning", "reasoning_content"],
        },
        source: REASONING,
    }],
    alternation: Some(Cited {
        value: "after an optional system message, user and assistant messages alternate",
        source: "https://github.com/togethercomputer/together-python/blob/main/src/together/utils/files.py",
    }),
    tool_turns_alternate: false,
    // "The conversation must start with system or user and alternate user and assistant
    // afterwards" (the data-preparation page) leaves open whether an assistant may answer
    // the system prompt first, and the client's own check tests only alternation: O006
    // stays the warning it is without a target (OpenAI's cookbook has such a record).
    user_first: None,
    turns: Cited {
        value: "an optional system message, then user and assistant messages in turn, with at least one assistant message (\"the conversation must start with system or user\"; its upload check tests the alternation only); tool results follow the assistant message that called the tools",
        source: DATA,
    },
    max_images: Some(Cited {
        value: 10,
        source: VISION,
    }),
    // together-python's upload check (`utils/files.py`, `_check_message_content`).
    image_data: Some(Cited {
        value: ImageData {
            mime_types: &["image/jpeg", "image/png", "image/webp"],
            max_url_chars: Some(MAX_IMAGE_URL),
            unweighted: true,
            uniform_content: true,
        },
        source: CHECK,
    }),
    tool_call_id: None,
    examples: None,
    limits: &[
        Cited {
            value: "a file of at most 100 GB; a file whose records fit two formats is rejected",
            source: DATA,
        },
        Cited {
            value: "images base64-encoded with their MIME type, each at most 10 MB",
            source: VISION,
        },
    ],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "the base model's own tokenizer",
        },
        source: DATA,
    },
    loader: Cited {
        value: Loader::Own,
        source: DATA,
    },
    weights_any_message: Some(Cited {
        value: "0 or 1 on any message, to mask it from training",
        source: DATA,
    }),
    chat_template_tools: None,
    tool_parameters_encoded: None,
    byte_order_mark: None,
    unanswered_call_ids: None,
    sharegpt_roles: None,
    preference_one_turn: None,
    extra_keys_refused: Some(Cited {
        value: "refused: the upload check fails on a top-level key the record's format does not read (\"Found extra column\")",
        source: CHECK,
    }),
    vision_messages: None,
    // The vision guide's "Instruction format": `prompt` and `completion` as lists of text and
    // image parts; its upload check reads each as a message's content
    // (`_check_message_content`, images in the prompt only).
    prompt_parts: Some(Cited {
        value: "\"prompt\" and \"completion\" may each be a string or a list of text and image_url parts, as a message's content (images in the prompt only)",
        source: "https://docs.together.ai/docs/fine-tuning/vision",
    }),
    reserved_words: None,
    max_tokens: None,
    rft_roles: None,
    rft_images: None,
    // `validate_messages` requires an assistant message somewhere (`_check_conversation_roles`)
    // and checks nothing about the last turn; training masks every turn but the assistant's.
    last_turn_any: Some(Cited {
        value: "a conversation may end on a user turn (the upload check requires only an assistant message somewhere); nothing after the last assistant message is trained on, so O002 is a warning",
        source: CHECK,
    }),
    tool_result_turns: None,
    calls_without_text: None,
    function_keys: None,
    // The upload check takes a conversation's required and extra columns only: `messages`
    // and `tools` (together-py's `JSONL_REQUIRED_COLUMNS_MAP` and `JSONL_EXTRA_COLUMNS_MAP`),
    // and the function-calling guide writes calls as `tool_calls`, results as `tool`
    // messages: OpenAI's `parallel_tool_calls` and its deprecated `functions` and
    // `function_call` are nowhere read.
    chat_keys_unread: Some(Cited {
        value: &["parallel_tool_calls", "functions", "function_call"],
        source: "https://github.com/togethercomputer/together-py/blob/main/src/together/lib/constants.py",
    }),
};
