//! Fireworks AI supervised fine-tuning.

use super::{Cited, Loader, Target, Tokenizer};

const SFT: &str = "https://docs.fireworks.ai/fine-tuning/fine-tuning-models";

pub(super) const TARGET: Target = Target {
    name: "fireworks",
    title: "Fireworks",
    formats: Cited {
        value: &["openai-chat"],
        source: SFT,
    },
    roles: Cited {
        value: &["system", "user", "assistant"],
        source: SFT,
    },
    turns: Cited {
        value: "an optional system message first, then user and assistant messages",
        source: SFT,
    },
    max_images: None,
    tool_call_id: None,
    limits: &[
        Cited {
            value: "at least 3 and at most 3 million examples per dataset",
            source: SFT,
        },
        Cited {
            value: "images base64-encoded with their MIME type: PNG, JPG or JPEG",
            source: "https://docs.fireworks.ai/fine-tuning/fine-tuning-vlm",
        },
    ],
    tokenizer: Cited {
        value: Tokenizer::Model {
            what: "the base model's own",
        },
        source: SFT,
    },
    loader: Cited {
        value: Loader::Own,
        source: SFT,
    },
};
