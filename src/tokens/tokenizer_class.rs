//! Which tokenizer `transformers` builds from a model's files. `AutoTokenizer.from_pretrained`
//! picks a class from `tokenizer_config.json`'s `tokenizer_class` and `config.json`'s
//! `model_type` (`models/auto/tokenization_auto.py`), and in `transformers` 5 a class with a
//! pipeline of its own (`LlamaTokenizer`, `GPT2Tokenizer`, `Qwen2Tokenizer`, `GPTNeoXTokenizer`)
//! keeps only the vocabulary, merges, post-processor and added tokens of `tokenizer.json` and
//! builds its normaliser and pre-tokenizer itself
//! (`TokenizersBackend.convert_to_native_format`, then the class's `__init__`). Where that
//! pipeline differs from the file's, so do the counts: Llama 2's file prepends `▁` with a
//! normaliser, `LlamaTokenizer` with a `Metaspace` pre-tokenizer that leaves a text starting
//! with a space alone, and with `legacy: false` prepends nothing after a special token.
//!
//! `chosen` repeats that choice, `rebuild` rewrites the `tokenizer.json` document into the
//! pipeline the class builds. Any other class (`PreTrainedTokenizerFast`, `TokenizersBackend`,
//! a model's remote code, a class this file does not know) uses `tokenizer.json` as written.
//! `GemmaTokenizer` rebuilds too, into the pipeline Gemma's files already have.

use serde_json::{Value, json};

/// A tokenizer class whose pipeline `transformers` builds itself rather than read from
/// `tokenizer.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Llama,
    Gpt2,
    Qwen2,
    GptNeoX,
}

impl Class {
    /// The class's name, as `tokenizer_config.json` writes it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Class::Llama => "LlamaTokenizer",
            Class::Gpt2 => "GPT2Tokenizer",
            Class::Qwen2 => "Qwen2Tokenizer",
            Class::GptNeoX => "GPTNeoXTokenizer",
        }
    }

    /// The class with this name (`Fast` or not), if its pipeline is one of these.
    fn named(name: &str) -> Option<Class> {
        match name.strip_suffix("Fast").unwrap_or(name) {
            "LlamaTokenizer" => Some(Class::Llama),
            "GPT2Tokenizer" => Some(Class::Gpt2),
            "Qwen2Tokenizer" => Some(Class::Qwen2),
            "GPTNeoXTokenizer" => Some(Class::GptNeoX),
            _ => None,
        }
    }

    /// The special tokens the class's `__init__` defaults to, by name.
    fn default_specials(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Class::Llama => &[
                ("unk_token", "<unk>"),
                ("bos_token", "<s>"),
                ("eos_token", "</s>"),
            ],
            Class::Gpt2 => &[
                ("unk_token", "<|endoftext|>"),
                ("bos_token", "<|endoftext|>"),
                ("eos_token", "<|endoftext|>"),
            ],
            Class::Qwen2 => &[
                ("unk_token", "<|endoftext|>"),
                ("eos_token", "<|endoftext|>"),
                ("pad_token", "<|endoftext|>"),
            ],
            Class::GptNeoX => &[
                ("unk_token", "<|endoftext|>"),
                ("bos_token", "<|endoftext|>"),
                ("eos_token", "<|endoftext|>"),
                ("pad_token", "<|padding|>"),
            ],
        }
    }
}

/// Model types whose tokenizer `transformers` 5.24 maps to its generic backend
/// (`TokenizersBackend`, `MistralCommonBackend`): with them, a `tokenizer_class` naming another
/// class is not used (`TOKENIZER_MAPPING_NAMES`, with `MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS`
/// added). Mistral's and Phi-3's files say `LlamaTokenizer` and are read as written.
pub const GENERIC_MODEL_TYPES: [&str; 84] = [
    "EvollaModel",
    "arctic",
    "aria",
    "beam",
    "bigbird_pegasus",
    "camembertv2-base",
    "canary",
    "chatlm",
    "cohere_asr",
    "ernie4_5",
    "ernie4_5_moe",
    "flex_olmo",
    "fuyu",
    "glm",
    "glm4",
    "glm4_moe",
    "glm4_moe_lite",
    "glm4v",
    "glm4v_moe",
    "glm_image",
    "glmasr",
    "got_ocr2",
    "gpt_bigcode",
    "gradium_phonon_tts",
    "granite",
    "granitemoe",
    "granitemoehybrid",
    "granitemoeshared",
    "h2ovl_chat",
    "hyperclovax",
    "hyperclovax_vlm",
    "internlm2",
    "internlm3",
    "iquestcoder",
    "jamba",
    "kimi_k25",
    "kimi_linear",
    "kosmos-2",
    "llava",
    "llava_next",
    "mimo_v2_flash",
    "minicpm3",
    "minicpm_ocr",
    "minicpmv",
    "minicpmv4_6",
    "minicpmv4_7",
    "minimax_m2",
    "ministral",
    "ministral3",
    "mistral",
    "mistral3",
    "mistral_large4",
    "mixtral",
    "modernbert",
    "modernbert-decoder",
    "molmo",
    "molmo2",
    "nemo_speechlm",
    "nemotron",
    "nvfp4",
    "nystromformer",
    "olmo2",
    "olmo3",
    "olmo_hybrid",
    "omniasr",
    "opencua",
    "openvla",
    "paddleocr_vl",
    "pegasus_x",
    "persimmon",
    "phi3",
    "phi3_v",
    "phimoe",
    "pix2struct",
    "pixtral",
    "pocket_tts",
    "smolvlm",
    "stablelm",
    "step3_vl",
    "umt5",
    "vipllava",
    "voxtral",
    "voxtral_realtime",
    "xlm-roberta-xl",
];

/// Model types `transformers` 5.24 maps to a class of their own and whose files' own
/// `tokenizer_class` it distrusts (`MODELS_WITH_INCORRECT_HUB_TOKENIZER_CLASS`): the model
/// type's class is built whatever the file says.
pub const DISTRUSTED_MODEL_TYPES: [(&str, &str); 7] = [
    ("hyperclovax_vision_v2", "GPT2Tokenizer"),
    ("qwen2", "Qwen2Tokenizer"),
    ("qwen3_5", "Qwen3_5Tokenizer"),
    ("qwen3_5_moe", "Qwen3_5Tokenizer"),
    ("qwen3_5_moe_text", "Qwen3_5Tokenizer"),
    ("qwen4_exp", "Qwen3_5Tokenizer"),
    ("siglip2", "Siglip2Tokenizer"),
];

/// Model types `transformers` 5.24 maps to one of the classes of `Class`: their class when no
/// file names one.
pub const MODEL_TYPE_CLASSES: [(&str, &str); 50] = [
    ("audioflamingo3", "Qwen2Tokenizer"),
    ("blip-2", "GPT2Tokenizer"),
    ("codegen", "GPT2Tokenizer"),
    ("colqwen2", "Qwen2Tokenizer"),
    ("cosmos3_omni", "Qwen2Tokenizer"),
    ("dbrx", "GPT2Tokenizer"),
    ("dots3_note", "Qwen2Tokenizer"),
    ("emu3", "GPT2Tokenizer"),
    ("falcon_mamba", "GPTNeoXTokenizer"),
    ("fun_asr_nano", "Qwen2Tokenizer"),
    ("gpt2", "GPT2Tokenizer"),
    ("gpt_neo", "GPT2Tokenizer"),
    ("gpt_neox", "GPTNeoXTokenizer"),
    ("gptj", "GPT2Tokenizer"),
    ("hunyuan_vl", "Qwen2Tokenizer"),
    ("hyperclovax_vision_v2", "GPT2Tokenizer"),
    ("idefics", "LlamaTokenizer"),
    ("idefics2", "LlamaTokenizer"),
    ("instructblip", "GPT2Tokenizer"),
    ("instructblipvideo", "GPT2Tokenizer"),
    ("internvl", "Qwen2Tokenizer"),
    ("jais2", "GPT2Tokenizer"),
    ("lighton_ocr", "Qwen2TokenizerFast"),
    ("mamba", "GPTNeoXTokenizer"),
    ("mamba2", "GPTNeoXTokenizer"),
    ("moss_transcribe_diarize", "Qwen2Tokenizer"),
    ("mpt", "GPTNeoXTokenizer"),
    ("olmo", "GPTNeoXTokenizer"),
    ("olmoe", "GPTNeoXTokenizer"),
    ("opt", "GPT2Tokenizer"),
    ("ovis2", "Qwen2Tokenizer"),
    ("phi", "GPT2Tokenizer"),
    ("qianfan_ocr", "Qwen2Tokenizer"),
    ("qwen2", "Qwen2Tokenizer"),
    ("qwen2_5_omni", "Qwen2Tokenizer"),
    ("qwen2_5_vl", "Qwen2Tokenizer"),
    ("qwen2_audio", "Qwen2Tokenizer"),
    ("qwen2_moe", "Qwen2Tokenizer"),
    ("qwen2_vl", "Qwen2Tokenizer"),
    ("qwen3", "Qwen2Tokenizer"),
    ("qwen3_asr", "Qwen2Tokenizer"),
    ("qwen3_moe", "Qwen2Tokenizer"),
    ("qwen3_next", "Qwen2Tokenizer"),
    ("qwen3_omni_moe", "Qwen2Tokenizer"),
    ("qwen3_vl", "Qwen2Tokenizer"),
    ("qwen3_vl_moe", "Qwen2Tokenizer"),
    ("rwkv", "GPTNeoXTokenizer"),
    ("starcoder2", "GPT2Tokenizer"),
    ("vibevoice", "Qwen2TokenizerFast"),
    ("xlstm", "GPTNeoXTokenizer"),
];

/// What `transformers` knows of a model type's tokenizer.
#[derive(PartialEq)]
enum Mapped {
    /// Not in `TOKENIZER_MAPPING_NAMES` (Llama's `llama`, say) or unknown.
    Absent,
    /// Its generic backend.
    Generic,
    /// A class of its own (one of [`Class`], or another).
    Specific(&'static str),
}

fn mapped(model_type: &str) -> Mapped {
    if GENERIC_MODEL_TYPES.contains(&model_type) {
        return Mapped::Generic;
    }
    DISTRUSTED_MODEL_TYPES
        .iter()
        .chain(&MODEL_TYPE_CLASSES)
        .find(|(t, _)| *t == model_type)
        .map_or(Mapped::Absent, |(_, c)| Mapped::Specific(c))
}

fn without_fast(name: &str) -> &str {
    name.strip_suffix("Fast").unwrap_or(name)
}

/// The class whose pipeline `transformers` 5.24 builds for these files
/// (`AutoTokenizer.from_pretrained`), or `None` when it reads `tokenizer.json` as written.
/// `tokenizer_config` and `model_config` are `tokenizer_config.json` and `config.json`,
/// `tokenizer_json` the text of `tokenizer.json`.
///
/// In `transformers`' order: a `LlamaTokenizer` over a byte-level file (DeepSeek's, Llama 3
/// fine-tunes') reads the file; a model type whose class differs from the files' is read as
/// written when that class is generic (Mistral, Phi-3, OLMo 2), or is its own class when
/// `transformers` distrusts the files (Qwen2); then the files' class; then the model type's.
/// A model with remote code (`auto_map`) skips the first two, as without `trust_remote_code`.
pub(crate) fn chosen(
    tokenizer_config: Option<&Value>,
    model_config: Option<&Value>,
    tokenizer_json: &str,
) -> Option<Class> {
    fn string<'a>(file: Option<&'a Value>, key: &str) -> Option<&'a str> {
        file?.get(key)?.as_str()
    }
    let auto_map = match tokenizer_config.and_then(|c| c.get("auto_map")) {
        Some(Value::Array(_)) => true,
        Some(Value::Object(map)) => map.get("AutoTokenizer").is_some_and(|v| !v.is_null()),
        _ => false,
    };
    let config_class = string(tokenizer_config, "tokenizer_class");
    let hub_class = config_class.or_else(|| string(model_config, "tokenizer_class"));
    let model_type = string(model_config, "model_type").unwrap_or("");
    let mapping = mapped(model_type);
    let distrusted = DISTRUSTED_MODEL_TYPES
        .iter()
        .find(|(t, _)| *t == model_type)
        .map(|(_, c)| *c);
    if !auto_map && let Some(hub) = hub_class {
        if without_fast(hub) == "LlamaTokenizer"
            && mapping != Mapped::Generic
            && distrusted.is_none()
            && tokenizer_json.contains("\"ByteLevel\"")
        {
            return None;
        }
        match mapping {
            Mapped::Generic => return None,
            Mapped::Specific(class) if without_fast(class) != without_fast(hub) => {
                return Class::named(distrusted.unwrap_or(hub));
            }
            _ => {}
        }
    }
    if let Some(class) = hub_class {
        return Class::named(class);
    }
    match mapping {
        Mapped::Specific(class) => Class::named(class),
        _ => None,
    }
}

/// Whether a JSON value is true as Python's `bool()` sees it.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// An added token as `transformers`' `AddedToken` holds it.
#[derive(Clone)]
struct Added {
    content: String,
    single_word: bool,
    lstrip: bool,
    rstrip: bool,
    normalized: bool,
    special: bool,
}

impl Added {
    /// `AddedToken(**entry)` of a serialised entry; `special` when the entry does not say.
    fn from_value(value: &Value, special: bool) -> Option<Added> {
        match value {
            Value::String(content) => Some(Added {
                content: content.clone(),
                single_word: false,
                lstrip: false,
                rstrip: false,
                normalized: false,
                special,
            }),
            Value::Object(o) => {
                let flag = |key: &str| o.get(key).and_then(Value::as_bool);
                let special = flag("special").unwrap_or(special);
                Some(Added {
                    content: o.get("content")?.as_str()?.to_string(),
                    single_word: flag("single_word").unwrap_or(false),
                    lstrip: flag("lstrip").unwrap_or(false),
                    rstrip: flag("rstrip").unwrap_or(false),
                    normalized: flag("normalized").unwrap_or(!special),
                    special,
                })
            }
            _ => None,
        }
    }

    fn to_value(&self, id: u64) -> Value {
        json!({
            "id": id,
            "content": self.content,
            "single_word": self.single_word,
            "lstrip": self.lstrip,
            "rstrip": self.rstrip,
            "normalized": self.normalized,
            "special": self.special,
        })
    }
}

/// Rewrites the `tokenizer.json` document `doc` into the pipeline `class` builds, with the
/// settings of `tokenizer_config` (`legacy`, `add_prefix_space`, the added and special tokens)
/// and, for older models without `added_tokens_decoder`, `special_tokens_map`. Returns the
/// named special tokens the tokenizer then has (a class's defaults included), as a template
/// sees them; `None`, leaving `doc` alone, when its model is not a BPE (the classes build one
/// from the file's vocabulary and merges).
pub(crate) fn rebuild(
    doc: &mut Value,
    class: Class,
    tokenizer_config: Option<&Value>,
    special_tokens_map: Option<&Value>,
) -> Option<Vec<(String, String)>> {
    let setting = |key: &str| tokenizer_config.and_then(|c| c.get(key));
    let file_model = doc.get("model")?;
    if file_model.get("type").and_then(Value::as_str) != Some("BPE")
        || !file_model.get("vocab").is_some_and(Value::is_object)
    {
        return None;
    }
    let root = doc.as_object_mut()?;
    let mut file_model = root.remove("model")?;
    let Some(Value::Object(vocab)) = file_model.get_mut("vocab").map(Value::take) else {
        return None;
    };
    let merges = file_model
        .get_mut("merges")
        .map_or_else(|| json!([]), Value::take);
    let add_prefix_space = setting("add_prefix_space");
    let (normalizer, pre_tokenizer, model) = match class {
        Class::Llama => {
            // `add_prefix_space` defaults to true; `legacy` to false, which prepends `▁` to
            // the start of the text only, not after each special token
            // (`_get_prepend_scheme`).
            let prepend = if add_prefix_space.is_none_or(Value::is_null)
                || add_prefix_space.is_some_and(truthy)
            {
                if setting("legacy").is_some_and(truthy) {
                    "always"
                } else {
                    "first"
                }
            } else {
                "never"
            };
            (
                Value::Null,
                json!({"type": "Metaspace", "replacement": "▁", "prepend_scheme": prepend, "split": false}),
                json!({"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null, "fuse_unk": true, "byte_fallback": true, "ignore_merges": false}),
            )
        }
        Class::Gpt2 | Class::Qwen2 | Class::GptNeoX => {
            let prefix = add_prefix_space.is_some_and(truthy);
            let byte_level = |use_regex: bool| json!({"type": "ByteLevel", "add_prefix_space": prefix, "trim_offsets": true, "use_regex": use_regex});
            let (normalizer, pre_tokenizer) = match class {
                Class::Qwen2 => (
                    json!({"type": "NFC"}),
                    json!({"type": "Sequence", "pretokenizers": [
                        {"type": "Split", "pattern": {"Regex": QWEN2_PATTERN}, "behavior": "Isolated", "invert": false},
                        byte_level(false),
                    ]}),
                ),
                Class::GptNeoX => (json!({"type": "NFC"}), byte_level(true)),
                _ => (Value::Null, byte_level(true)),
            };
            (
                normalizer,
                pre_tokenizer,
                json!({"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "", "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false, "ignore_merges": false}),
            )
        }
    };

    // The added tokens: tokenizer_config.json's `added_tokens_decoder`, or (older models)
    // tokenizer.json's own; then the named special tokens and the extra ones not among them.
    let decoder = setting("added_tokens_decoder").and_then(Value::as_object);
    let mut added: Vec<(Option<u64>, Added)> = match decoder {
        Some(entries) => {
            let mut entries: Vec<(u64, Added)> = entries
                .iter()
                .filter_map(|(id, v)| Some((id.parse().ok()?, Added::from_value(v, false)?)))
                .collect();
            entries.sort_by_key(|(id, _)| *id);
            entries.into_iter().map(|(id, a)| (Some(id), a)).collect()
        }
        None => root
            .get("added_tokens")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some((
                    t.get("id").and_then(Value::as_u64),
                    Added::from_value(t, false)?,
                ))
            })
            .collect(),
    };
    let legacy_map = special_tokens_map.filter(|_| decoder.is_none());
    let mut specials: Vec<(String, String)> = Vec::new();
    for key in super::hf::SPECIAL_TOKENS {
        let value = match (legacy_map.and_then(|m| m.get(key)), setting(key)) {
            (Some(v), _) | (None, Some(v)) => Added::from_value(v, true),
            (None, None) => class
                .default_specials()
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, token)| Added::from_value(&json!(token), true)),
        };
        if let Some(token) = value {
            specials.push((key.to_string(), token.content.clone()));
            added.push((None, token));
        }
    }
    for key in ["additional_special_tokens", "extra_special_tokens"] {
        let listed = legacy_map
            .and_then(|m| m.get(key))
            .or_else(|| setting(key))
            .and_then(Value::as_array);
        for token in listed.into_iter().flatten() {
            if let Some(token) = Added::from_value(token, true) {
                added.push((None, token));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut next = vocab.len() as u64;
    let added: Vec<Value> = added
        .into_iter()
        .filter(|(_, t)| seen.insert(t.content.clone()))
        .map(|(id, t)| {
            let id = id
                .or_else(|| vocab.get(&t.content).and_then(Value::as_u64))
                .unwrap_or_else(|| {
                    next += 1;
                    next - 1
                });
            t.to_value(id)
        })
        .collect();

    let mut model = model;
    if let Some(fields) = model.as_object_mut() {
        fields.insert("vocab".into(), Value::Object(vocab));
        fields.insert("merges".into(), merges);
    }
    root.insert("normalizer".into(), normalizer);
    root.insert("pre_tokenizer".into(), pre_tokenizer);
    root.insert("model".into(), model);
    root.insert("added_tokens".into(), Value::Array(added));
    Some(specials)
}

/// The pattern `Qwen2Tokenizer` splits with (`PRETOKENIZE_REGEX`).
const QWEN2_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(
        tokenizer_class: Option<&str>,
        model_type: Option<&str>,
        byte_level: bool,
    ) -> Option<Class> {
        let config = tokenizer_class.map(|c| json!({"tokenizer_class": c}));
        let model = model_type.map(|t| json!({"model_type": t}));
        let file = if byte_level {
            r#"{"pre_tokenizer": {"type": "ByteLevel"}}"#
        } else {
            "{}"
        };
        chosen(config.as_ref(), model.as_ref(), file)
    }

    #[test]
    fn the_class_is_chosen_as_transformers_chooses_it() {
        // Llama 2 (model type llama, absent from the mapping): its class.
        assert_eq!(
            choose(Some("LlamaTokenizer"), Some("llama"), false),
            Some(Class::Llama)
        );
        assert_eq!(
            choose(Some("LlamaTokenizerFast"), None, false),
            Some(Class::Llama)
        );
        // DeepSeek V3, Llama 3 fine-tunes: a byte-level file is read as written.
        assert_eq!(
            choose(Some("LlamaTokenizerFast"), Some("deepseek_v3"), true),
            None
        );
        // Mistral and Phi-3 say LlamaTokenizer; their model type's backend is generic.
        assert_eq!(choose(Some("LlamaTokenizer"), Some("mistral"), false), None);
        assert_eq!(choose(Some("LlamaTokenizer"), Some("phi3"), false), None);
        // Phi-4 and OLMo 2 say GPT2Tokenizer, likewise; alone it is GPT-2's.
        assert_eq!(choose(Some("GPT2Tokenizer"), Some("phi3"), true), None);
        assert_eq!(choose(Some("GPT2Tokenizer"), Some("olmo2"), true), None);
        assert_eq!(choose(Some("GPT2Tokenizer"), None, true), Some(Class::Gpt2));
        // SmolLM2: GPT2Tokenizer under model type llama.
        assert_eq!(
            choose(Some("GPT2Tokenizer"), Some("llama"), true),
            Some(Class::Gpt2)
        );
        // Qwen2 is distrusted: its own class whatever the file says.
        assert_eq!(
            choose(Some("LlamaTokenizer"), Some("qwen2"), false),
            Some(Class::Qwen2)
        );
        assert_eq!(
            choose(Some("Qwen2Tokenizer"), Some("qwen3"), true),
            Some(Class::Qwen2)
        );
        // A class named against its model type's (not distrusted) is the file's.
        assert_eq!(
            choose(Some("LlamaTokenizer"), Some("gemma"), false),
            Some(Class::Llama)
        );
        // No class named: the model type's, or the file as written.
        assert_eq!(choose(None, Some("gpt2"), true), Some(Class::Gpt2));
        assert_eq!(choose(None, Some("llama"), false), None);
        assert_eq!(choose(None, None, false), None);
        // Generic, unknown and other classes read the file.
        for class in [
            "PreTrainedTokenizerFast",
            "TokenizersBackend",
            "FooTokenizer",
            "GemmaTokenizer",
        ] {
            assert_eq!(choose(Some(class), None, false), None, "{class}");
        }
    }

    #[test]
    fn remote_code_skips_the_byte_level_and_model_type_checks() {
        let config = json!({"tokenizer_class": "LlamaTokenizerFast", "auto_map": {"AutoTokenizer": ["x.Y", null]}});
        let model = json!({"model_type": "mistral"});
        assert_eq!(
            chosen(Some(&config), Some(&model), r#""ByteLevel""#),
            Some(Class::Llama)
        );
    }
}
