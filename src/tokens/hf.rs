//! Open-weight models: a Hugging Face tokenizer and its chat template, loaded once per run from
//! files the user has (PRODUCT.md §4 T, "Open-weight models"). Nothing is ever downloaded.
//!
//! An example is rendered with the model's chat template the way `transformers`'
//! `apply_chat_template(messages, tools=tools)` renders it (the template sees each message as
//! written in the file, without its `null` keys and with its reasoning under both
//! `reasoning_content` and `thinking`, plus `bos_token`, `eos_token` and the other named special
//! tokens of `tokenizer_config.json`), then encoded with the `tokenizers` crate
//! without adding special tokens, as `apply_chat_template(..., tokenize=True)` does. The
//! tokenizer is the one `AutoTokenizer` builds: for a `tokenizer_class` with a pipeline of its
//! own, that class's pipeline over tokenizer.json's vocabulary
//! ([`super::tokenizer_class`]). Byte-level
//! BPE tokenizers (Qwen's, Llama 3's, Mistral NeMo's) are encoded by `ByteLevelBpe`
//! (`src/tokens/bytelevel.rs`), which gives the crate's tokens at a fraction of its cost.
//!
//! What training learns from (the trained tokens) is, like `return_assistant_tokens_mask`,
//! every token that overlaps a trained part of the text:
//! - with a template that marks `{% generation %}` blocks, those blocks;
//! - otherwise each assistant turn as the trainer's prompt/answer split sees it: the text the
//!   template adds for the assistant message after the prompt that ends with the generation
//!   prompt (`<|im_start|>assistant\n`, say). That is the answer and its end-of-turn token, as
//!   LLaMA-Factory and axolotl label it. A template whose output for a shorter conversation is
//!   not a prefix of the whole (one that drops earlier reasoning, say) has each answer's own
//!   text found in the output instead.
//!
//! An assistant message the data marks as not trained (`weight: 0`, `Message::trained`)
//! is left out either way.
//!
//! Plain text for language modelling (`text`, `Shape::Text`) has no turns and no template:
//! TRL's `SFTTrainer` appends the EOS token unless the text ends with it and tokenizes the
//! string as it is, with the tokenizer's special tokens (`tokenizer(text)`), and trains on
//! every token.

use std::ops::Range;
use std::path::{Path, PathBuf};

use minijinja::value::Value;

use super::bytelevel::ByteLevelBpe;
use super::template::{ChatTemplate, InputProblem, Rendered, TemplateError, json_value};
use super::tokenizer_class;
use super::{Answer, ExampleTokens};
use crate::json::{Kind, Parser};
use crate::record::{Content, Conversation, Message, Role, Shape};

/// The named special tokens `transformers` passes to every template (`special_tokens_map`;
/// its `SPECIAL_TOKENS_ATTRIBUTES`).
pub(super) const SPECIAL_TOKENS: [&str; 7] = [
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
];

/// How the trainer hands a record to `apply_chat_template`, where that goes beyond its
/// messages and `tools`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Trainer {
    /// `apply_chat_template(messages, tools=tools)` (LLaMA-Factory reads its template
    /// arguments from its own config, not from the record).
    #[default]
    Transformers,
    /// TRL's trainers (SFT, DPO, KTO, reward): `tools = json.loads(tools) if
    /// isinstance(tools, str) else tools` and `**example.get("chat_template_kwargs", {})`,
    /// which fails on anything but an object, `null` included. Without a target, tunelint
    /// counts as TRL does.
    Trl,
    /// Unsloth's own dataset preparation (`sft_prepare_dataset`), which unpacks
    /// `example.get("chat_template_kwargs") or {}`: a `null` is no arguments.
    Unsloth,
    /// axolotl's `chat_template` strategy (`_get_tools`), which decodes a `tools` string with
    /// `json.loads` too, and takes template arguments from its config, not the record.
    Axolotl,
}

impl Trainer {
    /// The trainer a target (`None`: none set) calls the chat template as.
    pub fn of(target: Option<&crate::target::Target>) -> Trainer {
        match target.map(|t| t.name) {
            None | Some("trl") => Trainer::Trl,
            Some("unsloth") => Trainer::Unsloth,
            Some("axolotl") => Trainer::Axolotl,
            Some(_) => Trainer::Transformers,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Trainer::Unsloth => "Unsloth",
            Trainer::Axolotl => "axolotl",
            _ => "TRL",
        }
    }
}

/// Names TRL passes on its own along the way from `**example["chat_template_kwargs"]` to the
/// template (`_tokenize(processing_class, input, return_assistant_tokens_mask=...)`,
/// `apply_chat_template(input, tokenize=True, return_dict=True)`, `render_jinja_template(
/// conversations=...)`, `template.render(messages=...)`): a `chat_template_kwargs` entry of
/// one of these names makes Python fail with `TypeError: got multiple values for keyword
/// argument`, and the trainer stops.
const PASSED_TWICE: [&str; 9] = [
    "processing_class",
    "input",
    "self",
    "conversation",
    "conversations",
    "messages",
    "tokenize",
    "return_dict",
    "return_assistant_tokens_mask",
];

/// `apply_chat_template`'s parameters that change the tokens, not the text, when given
/// (`sanitize_control_tokens`, `padding` to a length, `truncation`, `return_tensors`,
/// `tokenizer_kwargs`): tunelint does not tokenize so, and says it cannot count the example
/// rather than count it otherwise. `max_length` alone does nothing.
const CHANGES_TOKENS: [&str; 5] = [
    "sanitize_control_tokens",
    "padding",
    "truncation",
    "return_tensors",
    "tokenizer_kwargs",
];

/// A tokenizer with its chat template, shared by every worker of a run.
pub struct Model {
    /// The tokenizer as configured, for messages and reports.
    pub name: String,
    tokenizer: tokenizers::Tokenizer,
    /// The same tokenizer without the crate's bookkeeping, when it is a byte-level BPE.
    fast: Option<ByteLevelBpe>,
    /// The chat template, or why there is none (a base model's files: plain text is still
    /// counted, a conversation is not).
    template: Result<ChatTemplate, String>,
    /// The template named `tool_use` (in `tokenizer_config.json`, or
    /// `additional_chat_templates/tool_use.jinja`), used for examples with tools.
    tool_template: Option<ChatTemplate>,
    specials: Vec<(String, Value)>,
    /// No token stands for less than one byte of text once normalised, and normalising
    /// multiplies the bytes by at most this: `bytes × expansion + 1` bounds the count.
    expansion: u64,
    /// The EOS token (`tokenizer_config.json`'s `eos_token`), which TRL appends to plain text.
    eos: Option<String>,
    /// Tokens the tokenizer's post-processor adds to a text encoded with special tokens
    /// (a BOS, say).
    post_added: u64,
    /// The files it was loaded from: no output may overwrite them.
    files: Vec<PathBuf>,
    /// The tokenizer class whose pipeline `transformers` builds in place of tokenizer.json's
    /// ([`tokenizer_class`]), if any.
    rebuilt_as: Option<&'static str>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("name", &self.name)
            .field("template", &self.template_origin())
            .finish()
    }
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Where a model's files are, as the configuration names them.
pub struct ModelFiles<'a> {
    /// `[tokens] tokenizer`: a `tokenizer.json` or a model directory (absolute).
    pub tokenizer: &'a Path,
    /// `[tokens] chat_template`: a Jinja file (absolute), instead of the model's own.
    pub chat_template: Option<&'a Path>,
    /// How paths are shown in messages.
    pub shown: &'a dyn Fn(&Path) -> String,
}

impl Model {
    /// Loads the tokenizer and compiles the chat template. The error says which file and why.
    pub fn load(files: &ModelFiles<'_>) -> Result<Model, String> {
        let shown = files.shown;
        let path = files.tokenizer;
        let never = "tunelint never downloads a tokenizer: point at a tokenizer.json or a model directory on disk";
        let meta = std::fs::metadata(path).map_err(|e| {
            format!(
                "cannot read tokenizer {}: {}; {never}",
                shown(path),
                io_why(&e)
            )
        })?;
        let (json, dir) = if meta.is_dir() {
            let json = path.join("tokenizer.json");
            if !json.is_file() {
                return Err(format!(
                    "model directory {} has no tokenizer.json; {never}",
                    shown(path)
                ));
            }
            (json, path.to_path_buf())
        } else {
            let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
            (path.to_path_buf(), dir)
        };
        let text = crate::source::read_string_capped(&json, crate::source::DATA_FILE_LIMIT)
            .map_err(|e| {
                format!(
                    "cannot read tokenizer {}: {}; {never}",
                    shown(&json),
                    io_why(&e)
                )
            })?;
        let config_path = dir.join("tokenizer_config.json");
        let config = optional_json(&config_path, shown)?;
        // Older models name their special tokens in special_tokens_map.json rather than in
        // tokenizer_config.json; transformers reads both, and so does the template.
        let map_path = dir.join("special_tokens_map.json");
        let map = optional_json(&map_path, shown)?;
        // config.json's model type takes part in which tokenizer class transformers builds;
        // only its `model_type` and `tokenizer_class` matter here, so a file serde cannot read
        // (Python's json takes `NaN`) counts as none.
        let model_config_path = dir.join("config.json");
        let model_config = optional_json(&model_config_path, shown).ok().flatten();
        // A class with a pipeline of its own (LlamaTokenizer, GPT2Tokenizer, ...) is built
        // from tokenizer.json's vocabulary as transformers builds it: the document is
        // rewritten into that pipeline before either encoder reads it.
        let rebuilt = tokenizer_class::chosen(config.as_ref(), model_config.as_ref(), &text)
            .and_then(|class| {
                let mut doc: serde_json::Value = serde_json::from_str(&text).ok()?;
                let specials =
                    tokenizer_class::rebuild(&mut doc, class, config.as_ref(), map.as_ref())?;
                Some((class, doc, specials))
            });
        let (rebuilt_as, rebuilt_specials, rebuilt_doc) = match rebuilt {
            Some((class, doc, specials)) => (Some(class.name()), Some(specials), Some(doc)),
            None => (None, None, None),
        };
        let text = match &rebuilt_doc {
            Some(doc) => std::borrow::Cow::Owned(doc.to_string()),
            None => std::borrow::Cow::Borrowed(text.as_str()),
        };
        // `split_special_tokens: true` makes transformers encode the special tokens written in
        // a text, the template's own `<|im_start|>` included, as ordinary text.
        let split_special = config
            .as_ref()
            .and_then(|c| c.get("split_special_tokens"))
            .and_then(serde_json::Value::as_bool)
            == Some(true);
        // The `tokenizers` crate and the fast byte-level encoder each read the file's JSON
        // (a tokenizer.json is megabytes of vocabulary and merges): side by side, so that
        // loading takes the longer of the two, not their sum.
        let (tokenizer, doc, refused) = std::thread::scope(|scope| {
            let crate_side =
                scope.spawn(|| crate::guard::guarded(|| text.parse::<tokenizers::Tokenizer>()));
            let doc: Option<serde_json::Value> =
                rebuilt_doc.or_else(|| serde_json::from_str(&text).ok());
            let refused = doc.as_ref().and_then(growing_normalizer);
            let fast = doc
                .as_ref()
                .and_then(|doc| ByteLevelBpe::from_json(doc, split_special));
            let tokenizer = match crate_side.join() {
                Ok(Ok(loaded)) => loaded,
                Ok(Err(panic)) => {
                    Err(format!("the tokenizers crate failed on it ({panic})").into())
                }
                Err(_) => Err("the tokenizers crate failed on it".into()),
            };
            (tokenizer, doc.map(|doc| (expansion(&doc), fast)), refused)
        });
        let mut tokenizer = tokenizer.map_err(|e| {
            format!(
                "cannot load tokenizer {}: {e} (expected a Hugging Face tokenizer.json)",
                shown(&json)
            )
        })?;
        tokenizer.set_encode_special_tokens(split_special);
        // transformers loads a tokenizer.json's `padding` and `truncation` and then clears
        // both whenever it encodes without `padding=True` or `truncation=True`, which is how
        // `apply_chat_template(tokenize=True)` and TRL's `tokenizer(text)` encode: neither
        // pads nor cuts a count (a `Fixed` padding of 10^8 tokens took all memory).
        tokenizer.with_padding(None);
        let _ = tokenizer.with_truncation(None);
        if let Some(why) = refused {
            return Err(format!("cannot use tokenizer {}: {why}", shown(&json)));
        }
        // The `tokenizers` crate panics on some files it loads (an empty `Replace` pattern, a
        // garbage `Precompiled` map) at the first text it encodes: found here, as an error.
        let probe = "Hello, world! 123 <|im_start|> naïve 東京 😀\n\tdone.";
        match crate::guard::guarded(|| tokenizer.encode(probe, true)) {
            Ok(_) => {}
            Err(panic) => {
                return Err(format!(
                    "cannot use tokenizer {}: the tokenizers crate fails on ordinary text with it ({panic})",
                    shown(&json)
                ));
            }
        }
        let (expansion, fast) = doc.unwrap_or((18, None));

        let read_template = |p: &Path| -> Result<ChatTemplate, String> {
            let source = crate::source::read_string_capped(p, crate::source::SETTINGS_FILE_LIMIT)
                .map_err(|e| {
                format!("cannot read chat template {}: {}", shown(p), io_why(&e))
            })?;
            compile(&source, shown(p))
        };
        let jinja = dir.join("chat_template.jinja");
        // Templates saved as files (`save_pretrained` writes them so): chat_template.jinja is
        // "default", and each additional_chat_templates/NAME.jinja is NAME; when there is any,
        // transformers ignores tokenizer_config.json's "chat_template".
        let mut named: Vec<(String, PathBuf)> = Vec::new();
        if files.chat_template.is_none() {
            if jinja.is_file() {
                named.push(("default".into(), jinja.clone()));
            }
            named.extend(additional_templates(&dir.join("additional_chat_templates")));
        }
        // A later file of the same name (additional_chat_templates/default.jinja) wins, as in
        // transformers' dict.
        let named_file = |name: &str| named.iter().rev().find(|(n, _)| n == name).map(|(_, p)| p);
        let mut tool_template = None;
        let mut template_files: Vec<PathBuf> = files
            .chat_template
            .map(Path::to_path_buf)
            .into_iter()
            .collect();
        let template = if let Some(p) = files.chat_template {
            Ok(read_template(p)?)
        } else if !named.is_empty() {
            if let Some(p) = named_file("tool_use") {
                tool_template = Some(read_template(p)?);
                template_files.push(p.clone());
            }
            match named_file("default") {
                Some(default) => {
                    template_files.push(default.clone());
                    Ok(read_template(default)?)
                }
                None => no_default(
                    shown(&dir.join("additional_chat_templates")) + " (no chat_template.jinja)",
                    tool_template.is_some(),
                )?,
            }
        } else {
            let origin = format!("{} (chat_template)", shown(&config_path));
            match config.as_ref().and_then(|c| c.get("chat_template")) {
                Some(serde_json::Value::String(source)) => Ok(compile(source, origin)?),
                Some(serde_json::Value::Array(named)) => {
                    let find = |name: &str| {
                        named.iter().find_map(|t| {
                            (t.get("name")?.as_str()? == name)
                                .then(|| t.get("template")?.as_str())
                                .flatten()
                        })
                    };
                    if let Some(tool) = find("tool_use") {
                        tool_template = Some(compile(tool, format!("{origin} \"tool_use\""))?);
                    }
                    match find("default") {
                        Some(default) => Ok(compile(default, format!("{origin} \"default\""))?),
                        None => no_default(shown(&config_path), tool_template.is_some())?,
                    }
                }
                // Not a template: transformers fails on it when it renders, so the run
                // stops here, naming it, rather than counting as if there were none.
                Some(other) if !other.is_null() => {
                    return Err(format!(
                        "\"chat_template\" in {} is {}; expected the template's text, or a list of {{\"name\", \"template\"}}",
                        shown(&config_path),
                        json_kind(other)
                    ));
                }
                // A base model has no template: its plain text is counted all the same, and
                // each conversation says what is missing.
                _ => Err(format!(
                    "no chat template for tokenizer {}: found no chat_template.jinja and no \"chat_template\" in tokenizer_config.json beside it; name one with [tokens] chat_template",
                    shown(path)
                )),
            }
        };
        let token_of = |file: &Option<serde_json::Value>, key: &str| match file.as_ref()?.get(key) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Object(o)) => o
                .get("content")
                .and_then(|c| c.as_str())
                .map(str::to_string),
            _ => None,
        };
        let mut specials = Vec::new();
        if let Some(rebuilt) = rebuilt_specials {
            // The class's own defaults included (GPT2Tokenizer's `<|endoftext|>`, say).
            specials.extend(rebuilt.into_iter().map(|(k, v)| (k, Value::from(v))));
        } else {
            for key in SPECIAL_TOKENS {
                if let Some(token) = token_of(&config, key).or_else(|| token_of(&map, key)) {
                    specials.push((key.to_string(), Value::from(token)));
                }
            }
        }
        let eos = specials
            .iter()
            .find(|(k, _)| k == "eos_token")
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string);
        let post_added = tokenizer.get_post_processor().map_or(0, |p| {
            tokenizers::PostProcessor::added_tokens(p, false) as u64
        });
        let mut read = vec![json.clone()];
        if config.is_some() {
            read.push(config_path.clone());
        }
        if map.is_some() {
            read.push(map_path);
        }
        if model_config_path.is_file() {
            read.push(model_config_path);
        }
        read.extend(template_files);
        Ok(Model {
            files: read,
            name: shown(path),
            tokenizer,
            fast,
            template,
            tool_template,
            specials,
            expansion,
            eos,
            post_added,
            rebuilt_as,
        })
    }

    /// The tokenizer class whose pipeline the model's files are tokenized with, as
    /// `transformers` builds it in place of tokenizer.json's own (`LlamaTokenizer`, say);
    /// `None` when tokenizer.json is used as written.
    #[doc(hidden)]
    pub fn rebuilt_as(&self) -> Option<&'static str> {
        self.rebuilt_as
    }

    /// The files the model was loaded from (its tokenizer.json, tokenizer_config.json and
    /// chat template).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Where the chat template comes from, for messages.
    pub fn template_origin(&self) -> &str {
        match &self.template {
            Ok(t) => &t.origin,
            Err(_) => "no chat template",
        }
    }

    fn template_for(&self, tools: bool) -> Result<&ChatTemplate, RenderError> {
        match (&self.tool_template, tools) {
            (Some(t), true) => Ok(t),
            _ => self.template.as_ref().map_err(|why| RenderError {
                origin: self.name.clone(),
                error: TemplateError::missing(why.clone()),
            }),
        }
    }

    /// Renders `conv` (from the record `line`) as the trainer sees it, and finds the trained
    /// parts of the text. No tokenizing.
    pub fn render(
        &self,
        conv: &Conversation<'_>,
        line: &str,
        trainer: Trainer,
    ) -> Result<RenderedExample, RenderError> {
        if conv.shape == Shape::Text {
            return Ok(self.plain_text(conv));
        }
        let input = Input::new(conv, line, trainer)?;
        // `"tools": null` is no tools to transformers, which picks the template by `tools is not None`.
        let template = self.template_for(input.tools.as_ref().is_some_and(|t| !t.is_none()))?;
        let render = |messages: &Value, generation_prompt: bool| {
            template
                .render(
                    messages,
                    input.tools.as_ref(),
                    generation_prompt,
                    &self.specials,
                    &input.variables,
                    super::template::max_render_bytes(line.len()),
                )
                .map_err(|error| RenderError {
                    origin: template.origin.clone(),
                    error,
                })
        };
        let full = match &input.generation_prompt {
            None => render(&Value::from(input.messages.clone()), false)?,
            Some(prompt) => template
                .render(
                    &Value::from(input.messages.clone()),
                    input.tools.as_ref(),
                    false,
                    &self.specials,
                    &input.with_generation_prompt(prompt),
                    super::template::max_render_bytes(line.len()),
                )
                .map_err(|error| RenderError {
                    origin: template.origin.clone(),
                    error,
                })?,
        };
        let mut turns: Vec<Turn> = Vec::new();
        let untrained = conv
            .messages
            .iter()
            .any(|m| m.role == Role::Assistant && !m.trained());
        let detailed = conv.messages.iter().any(|m| m.train_detail.is_some());
        if !template.has_generation || untrained || detailed {
            turns = self.assistant_turns(conv, &input, &full.text, &render);
        }
        let trained: Vec<Turn> = if template.has_generation {
            // The template's blocks, less those inside an untrained turn; the k-th block is
            // the k-th assistant message's when there are as many.
            let assistants: Vec<usize> = conv
                .messages
                .iter()
                .enumerate()
                .filter(|(_, m)| m.role == Role::Assistant)
                .map(|(i, _)| i)
                .collect();
            let same = assistants.len() == full.generation.len();
            full.generation
                .iter()
                .enumerate()
                .filter(|(_, g)| {
                    !turns.iter().any(|t| {
                        !conv.messages[t.message].trained()
                            && g.start < t.text.end
                            && t.text.start < g.end
                    })
                })
                .map(|(k, g)| Turn {
                    message: if same { Some(assistants[k]) } else { None }.unwrap_or(usize::MAX),
                    text: g.clone(),
                })
                .collect()
        } else {
            turns
                .into_iter()
                .filter(|t| conv.messages[t.message].trained())
                .collect()
        };
        let mut trained: Vec<Turn> = if detailed {
            trained
                .into_iter()
                .flat_map(|t| train_detail_parts(conv, line, &full.text, t))
                .collect()
        } else {
            trained
        };
        if conv.messages.iter().any(Message::trained_input) {
            trained.extend(self.input_turns(conv, &input, &full.text, &render));
            trained.sort_by_key(|t| (t.text.start, t.text.end));
        }
        Ok(RenderedExample {
            text: full.text,
            trained,
            special_tokens: false,
        })
    }

    /// Plain text as TRL tokenizes it: the text and the EOS token, all of it trained.
    fn plain_text(&self, conv: &Conversation<'_>) -> RenderedExample {
        let mut text = String::new();
        for m in &conv.messages {
            text.push_str(&m.content.joined_text());
        }
        if let Some(eos) = &self.eos
            && !text.ends_with(eos.as_str())
        {
            text.push_str(eos);
        }
        let all = 0..text.len();
        RenderedExample {
            text,
            trained: vec![Turn {
                message: 0,
                text: all,
            }],
            special_tokens: true,
        }
    }

    /// Renders `conv` once, without finding its trained parts (which takes a rendering of
    /// the prompt and of each assistant turn): enough for a bound on its tokens.
    pub fn render_text(
        &self,
        conv: &Conversation<'_>,
        line: &str,
        trainer: Trainer,
    ) -> Result<RenderedExample, RenderError> {
        if conv.shape == Shape::Text {
            return Ok(self.plain_text(conv));
        }
        let input = Input::new(conv, line, trainer)?;
        // `"tools": null` is no tools to transformers, which picks the template by `tools is not None`.
        let template = self.template_for(input.tools.as_ref().is_some_and(|t| !t.is_none()))?;
        let variables = match &input.generation_prompt {
            Some(prompt) => input.with_generation_prompt(prompt),
            None => input.variables.clone(),
        };
        let full = template
            .render(
                &Value::from(input.messages),
                input.tools.as_ref(),
                false,
                &self.specials,
                &variables,
                super::template::max_render_bytes(line.len()),
            )
            .map_err(|error| RenderError {
                origin: template.origin.clone(),
                error,
            })?;
        Ok(RenderedExample {
            text: full.text,
            trained: Vec::new(),
            special_tokens: false,
        })
    }

    /// Whether the template that renders `conv` decides what is trained (`{% generation %}`
    /// blocks): then whether anything is takes [`Model::render`].
    pub fn marks_generation(&self, conv: &Conversation<'_>) -> bool {
        conv.shape != Shape::Text
            && self
                .template_for(conv.tools.is_some())
                .is_ok_and(|t| t.has_generation)
    }

    /// The text of each assistant turn: after the prompt that ends with the generation prompt,
    /// up to the end of the turn; or, when the template does not render prefixes, the
    /// message's content where it is found in the text.
    fn assistant_turns(
        &self,
        conv: &Conversation<'_>,
        input: &Input,
        full: &str,
        render: &dyn Fn(&Value, bool) -> Result<Rendered, RenderError>,
    ) -> Vec<Turn> {
        let mut turns = Vec::new();
        let mut searched = 0usize;
        for (i, m) in conv.messages.iter().enumerate() {
            if m.role != Role::Assistant {
                continue;
            }
            let prefix = |n: usize, prompt: bool| prefix_len(input, full, render, n, prompt);
            let by_prefix = match (prefix(i, true), prefix(i + 1, false)) {
                (Some(start), Some(end)) if start <= end && start >= searched => Some(start..end),
                _ => None,
            };
            let span = by_prefix.or_else(|| {
                let content = m.content.joined_text();
                let content = content.as_ref();
                [content, content.trim()]
                    .into_iter()
                    .filter(|c| !c.is_empty())
                    .find_map(|c| {
                        full.get(searched..)?
                            .find(c)
                            .map(|at| searched + at..searched + at + c.len())
                    })
            });
            if let Some(span) = span {
                searched = span.end;
                turns.push(Turn {
                    message: i,
                    text: span,
                });
            }
        }
        turns
    }

    /// The trained parts of the turns other than answers that the data marks trained
    /// (axolotl's `train: true` on a user turn, [`Message::trained_input`]): as axolotl trains
    /// them, the turn's content and what the template writes after it (its end-of-turn
    /// token), found in the text the message adds to the rendering of the messages before it.
    /// A turn that cannot be found so is left untrained.
    fn input_turns(
        &self,
        conv: &Conversation<'_>,
        input: &Input,
        full: &str,
        render: &dyn Fn(&Value, bool) -> Result<Rendered, RenderError>,
    ) -> Vec<Turn> {
        let prefix = |n: usize| match n {
            0 => Some(0),
            n => prefix_len(input, full, render, n, false),
        };
        let mut turns = Vec::new();
        for (i, m) in conv.messages.iter().enumerate() {
            if !m.trained_input() {
                continue;
            }
            let (Some(start), Some(end)) = (prefix(i), prefix(i + 1)) else {
                continue;
            };
            let content = m.content.joined_text();
            let content = content.as_ref();
            let Some(at) = full
                .get(start..end)
                .and_then(|t| t.find(content))
                .filter(|_| !content.is_empty())
            else {
                continue;
            };
            turns.push(Turn {
                message: i,
                text: start + at..end,
            });
        }
        turns
    }

    /// The token figures of `conv` (from the record `line`).
    pub fn count(
        &self,
        conv: &Conversation<'_>,
        line: &str,
        trainer: Trainer,
    ) -> Result<ExampleTokens, RenderError> {
        let rendered = self.render(conv, line, trainer)?;
        Ok(self.count_rendered(conv, &rendered))
    }

    /// Tokenizes a rendered example and maps its trained text to tokens.
    pub fn count_rendered(&self, conv: &Conversation<'_>, r: &RenderedExample) -> ExampleTokens {
        let offsets = self.encode_offsets(&r.text, r.special_tokens);
        let total = offsets.len() as u64;
        let mut out = ExampleTokens {
            total,
            ..ExampleTokens::default()
        };
        let mut trained_tokens = 0u64;
        let mut t = 0usize;
        if r.special_tokens {
            // Plain text: every token is trained, the post-processor's too.
            if total > 0 {
                out.answers.push(Answer {
                    message: Some(0),
                    start: 0,
                    end: total,
                });
            }
            out.trainable = total;
            out.assistant = total;
            out.largest = largest_message(conv);
            return out;
        }
        for turn in &r.trained {
            // Tokens are in text order, and so are the trained parts.
            while t < offsets.len() && offsets[t].1 <= turn.text.start {
                t += 1;
            }
            let start = t;
            let mut end = t;
            while end < offsets.len() && offsets[end].0 < turn.text.end {
                end += 1;
            }
            // A token of width zero before the part (none exist in practice) is not in it.
            let input = conv
                .messages
                .get(turn.message)
                .is_some_and(Message::trained_input);
            if end > start && input {
                // A trained user turn is trained, but it is no answer (T002, T003).
                out.trainable += (end - start) as u64;
            } else if end > start {
                trained_tokens += (end - start) as u64;
                out.answers.push(Answer {
                    message: (turn.message != usize::MAX).then_some(turn.message),
                    start: start as u64,
                    end: end as u64,
                });
            }
            t = end;
        }
        out.trainable += trained_tokens;
        out.assistant = trained_tokens;
        out.largest = largest_message(conv);
        out
    }

    /// The tokens of `text` on its own, encoded without special tokens: a message's length
    /// in the model's tokens, as `stats` charts it by role.
    pub fn count_text(&self, text: &str) -> u64 {
        self.encode_offsets(text, false).len() as u64
    }

    /// The byte offsets of the tokens of `text`, as `tokenizer.encode(text, special_tokens)`
    /// gives them. The tokenizer fails only on inputs it cannot represent: then nothing is
    /// counted rather than guessed.
    fn encode_offsets(&self, text: &str, special_tokens: bool) -> Vec<(usize, usize)> {
        let mut offsets = Vec::new();
        if let Some(fast) = self.fast.as_ref().filter(|_| !special_tokens)
            && fast.offsets(text, &mut offsets)
        {
            return offsets;
        }
        match crate::guard::guarded(|| self.tokenizer.encode(text, special_tokens)) {
            Ok(Ok(encoding)) => encoding.get_offsets().to_vec(),
            Ok(Err(_)) | Err(_) => Vec::new(),
        }
    }

    /// The offsets of `text` encoded without special tokens by `ByteLevelBpe`; `None` when
    /// the tokenizer or the text goes through the `tokenizers` crate. For tests of the fast
    /// path against [`Model::crate_offsets`].
    #[doc(hidden)]
    pub fn fast_offsets(&self, text: &str) -> Option<Vec<(usize, usize)>> {
        let mut offsets = Vec::new();
        self.fast
            .as_ref()
            .is_some_and(|fast| fast.offsets(text, &mut offsets))
            .then_some(offsets)
    }

    /// The offsets of `text` encoded without special tokens by the `tokenizers` crate.
    #[doc(hidden)]
    pub fn crate_offsets(&self, text: &str) -> Option<Vec<(usize, usize)>> {
        self.tokenizer
            .encode(text, false)
            .ok()
            .map(|e| e.get_offsets().to_vec())
    }

    /// An upper bound of the tokens of a rendered example.
    pub fn upper_bound(&self, r: &RenderedExample) -> u64 {
        let added = if r.special_tokens { self.post_added } else { 0 };
        (r.text.len() as u64)
            .saturating_mul(self.expansion)
            .saturating_add(1 + added)
    }
}

/// The most bytes a normaliser may write for one match (`Replace`'s content) or put before a
/// text (`Prepend`): real tokenizers write a character or two (`▁`); a hostile file that
/// writes thousands for each letter would take gigabytes for one example.
const MAX_NORMALIZER_GROWTH: usize = 64;

/// The most a whole normaliser may multiply a text's bytes by, its steps together (Llama 2's
/// `Prepend("▁")` and `Replace(" ", "▁")`: 3): thirty steps that each double the text are
/// 2^30, a gigabyte for each byte.
const MAX_NORMALIZER_MULTIPLIER: u64 = 64;

/// The most bytes the steps of a normaliser may put before a text together.
const MAX_NORMALIZER_PREPENDED: u64 = 4096;

/// Why the normaliser of the tokenizer.json `doc` is refused, if it is: one that can grow a
/// text without bound ([`MAX_NORMALIZER_GROWTH`] for a step, [`MAX_NORMALIZER_MULTIPLIER`] and
/// [`MAX_NORMALIZER_PREPENDED`] for the steps of a `Sequence` together), or a `Replace` with an
/// empty pattern.
fn growing_normalizer(doc: &serde_json::Value) -> Option<String> {
    /// What a step does to the length of a text of `n` bytes at most: `n × multiplier +
    /// prepended`.
    #[derive(Clone, Copy)]
    struct Growth {
        multiplier: u64,
        prepended: u64,
    }
    impl Growth {
        /// `self`, then `next`.
        fn then(self, next: Growth) -> Growth {
            Growth {
                multiplier: self.multiplier.saturating_mul(next.multiplier),
                prepended: self
                    .prepended
                    .saturating_mul(next.multiplier)
                    .saturating_add(next.prepended),
            }
        }
    }
    const SAME: Growth = Growth {
        multiplier: 1,
        prepended: 0,
    };
    fn visit(n: &serde_json::Value) -> Result<Growth, String> {
        match n.get("type").and_then(serde_json::Value::as_str) {
            Some("Sequence") => {
                let mut growth = SAME;
                for step in n
                    .get("normalizers")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    growth = growth.then(visit(step)?);
                }
                Ok(growth)
            }
            Some("Replace") => {
                let pattern = n.get("pattern");
                let text = |k: &str| {
                    pattern
                        .and_then(|p| p.get(k))
                        .and_then(serde_json::Value::as_str)
                };
                if text("String") == Some("") || text("Regex") == Some("") {
                    return Err("its normalizer replaces an empty pattern".to_owned());
                }
                let Some(content) = n.get("content").and_then(serde_json::Value::as_str) else {
                    return Ok(SAME);
                };
                if content.len() > MAX_NORMALIZER_GROWTH {
                    return Err(format!(
                        "its normalizer replaces each match with {} bytes (at most {MAX_NORMALIZER_GROWTH}): it could make one example gigabytes long",
                        content.len()
                    ));
                }
                // A match of a string is that many bytes; of a regex, one at least.
                let matched = text("String").map_or(1, str::len);
                Ok(Growth {
                    multiplier: content.len().div_ceil(matched).max(1) as u64,
                    prepended: 0,
                })
            }
            Some("Prepend") => {
                let Some(prepend) = n.get("prepend").and_then(serde_json::Value::as_str) else {
                    return Ok(SAME);
                };
                if prepend.len() > MAX_NORMALIZER_GROWTH {
                    return Err(format!(
                        "its normalizer puts {} bytes before each text (at most {MAX_NORMALIZER_GROWTH})",
                        prepend.len()
                    ));
                }
                Ok(Growth {
                    multiplier: 1,
                    prepended: prepend.len() as u64,
                })
            }
            _ => Ok(SAME),
        }
    }
    let growth = match visit(doc.get("normalizer")?) {
        Ok(growth) => growth,
        Err(why) => return Some(why),
    };
    if growth.multiplier > MAX_NORMALIZER_MULTIPLIER {
        let times = if growth.multiplier == u64::MAX {
            "more than 2^64".to_owned()
        } else {
            growth.multiplier.to_string()
        };
        return Some(format!(
            "its normalizer multiplies the text by up to {times} (its steps together; at most {MAX_NORMALIZER_MULTIPLIER}): it could make one example gigabytes long"
        ));
    }
    if growth.prepended > MAX_NORMALIZER_PREPENDED {
        return Some(format!(
            "its normalizer puts up to {} bytes before each text (its steps together; at most {MAX_NORMALIZER_PREPENDED})",
            growth.prepended
        ));
    }
    None
}

/// A model saved with several chat templates and none named "default": with a `tool_use`
/// one, transformers renders the examples with tools and refuses the others, and so does
/// tunelint, each refused example saying why (`Ok(Err(why))`); without one nothing can be
/// rendered, an error.
fn no_default(where_: String, has_tool_use: bool) -> Result<Result<ChatTemplate, String>, String> {
    let why = format!(
        "{where_} has several chat templates and none named \"default\"; name one with [tokens] chat_template"
    );
    if has_tool_use {
        Ok(Err(format!(
            "{why} (only examples with tools have one, \"tool_use\")"
        )))
    } else {
        Err(why)
    }
}

/// The length of the rendering of the first `n` messages (with the generation prompt when
/// `prompt`), when it is the start of `full`, the whole conversation's; `None` for no messages
/// (`apply_chat_template` refuses an empty conversation) and a template whose rendering of a
/// shorter conversation is not a prefix of the whole.
fn prefix_len(
    input: &Input,
    full: &str,
    render: &dyn Fn(&Value, bool) -> Result<Rendered, RenderError>,
    n: usize,
    prompt: bool,
) -> Option<usize> {
    if n == 0 {
        return None;
    }
    let r = render(&Value::from(input.messages[..n].to_vec()), prompt).ok()?;
    full.starts_with(&r.text).then_some(r.text.len())
}

/// The trained parts of `turn` when its message has axolotl's `train_detail`: the characters
/// of the content that its entries mark `train: true` (a later entry overrides an earlier one;
/// characters no entry covers are not trained, as in axolotl), found where the content is in
/// the turn's text, and the text the template writes after the content (the end-of-turn
/// token, which axolotl trains on by default: `train_on_eos: turn`). A turn whose content is not
/// found in its text is kept whole.
fn train_detail_parts(conv: &Conversation<'_>, line: &str, full: &str, turn: Turn) -> Vec<Turn> {
    let Some(m) = conv.messages.get(turn.message) else {
        return vec![turn];
    };
    let (Some(_), Content::Text(content)) = (m.train_detail, &m.content) else {
        return vec![turn];
    };
    let content: &str = &content.value;
    let Some(at) = full
        .get(turn.text.clone())
        .and_then(|t| t.find(content))
        .filter(|_| !content.is_empty())
    else {
        return vec![turn];
    };
    let start = turn.text.start + at;
    let mut parts: Vec<Range<usize>> = trained_detail(m, line)
        .unwrap_or_default()
        .into_iter()
        .map(|r| start + r.start..start + r.end)
        .collect();
    // The last trained characters run into the end of the turn.
    let open = parts
        .last()
        .is_some_and(|r| r.end == start + content.len())
        .then(|| parts.pop())
        .flatten()
        .map(|r| r.start - start);
    let content_end = start + content.len();
    let tail = content_end..turn.text.end;
    match open {
        // The last trained characters run into the end of the turn.
        Some(o) => parts.push(start + o..turn.text.end.max(content_end)),
        None if !tail.is_empty() && !parts.is_empty() => parts.push(tail),
        None => {}
    }
    parts
        .into_iter()
        .map(|text| Turn {
            message: turn.message,
            text,
        })
        .collect()
}

/// The bytes of `m`'s text content its axolotl `train_detail` marks trained, in runs: each
/// entry `{"begin_offset", "end_offset", "train"}` marks the characters from `begin_offset` to
/// `end_offset` (inclusive); a later entry overrides an earlier one, and characters no entry
/// covers are not trained, as in axolotl. `None` for a message without `train_detail` or text
/// content.
pub fn trained_detail(m: &Message<'_>, line: &str) -> Option<Vec<Range<usize>>> {
    let (Some(span), Content::Text(content)) = (m.train_detail, &m.content) else {
        return None;
    };
    let content: &str = &content.value;
    let mut chars: Vec<bool> = vec![false; content.chars().count()];
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        let Some(raw) = line.get(span.range()) else {
            return;
        };
        let Ok(doc) = parser.parse(raw) else {
            return;
        };
        if doc.kind(doc.root()) != Kind::Array {
            return;
        }
        for d in doc.elements(doc.root()) {
            let offset = |key: &str| {
                doc.get(d, key)
                    .and_then(|v| doc.number(v))
                    .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                    .map(|n| n as usize)
            };
            let train = doc.get(d, "train").and_then(|v| doc.bool(v));
            if let (Some(begin), Some(end), Some(train)) =
                (offset("begin_offset"), offset("end_offset"), train)
                && begin <= end
            {
                // Offsets are inclusive.
                let end = end.saturating_add(1).min(chars.len());
                if let Some(range) = chars.get_mut(begin.min(end)..end) {
                    range.fill(train);
                }
            }
        }
    });
    let mut runs = Vec::new();
    let mut open: Option<usize> = None;
    let mut bytes = content.char_indices().map(|(b, _)| b);
    for &trained in &chars {
        let b = bytes.next().unwrap_or(content.len());
        match (trained, open) {
            (true, None) => open = Some(b),
            (false, Some(o)) => {
                runs.push(o..b);
                open = None;
            }
            _ => {}
        }
    }
    if let Some(o) = open {
        runs.push(o..content.len());
    }
    Some(runs)
}

/// The message with the most text: T001 points at it.
fn largest_message(conv: &Conversation<'_>) -> Option<super::Largest> {
    let message = conv
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                i,
                m.content.texts().map(|t| t.value.len() as u64).sum::<u64>(),
            )
        })
        .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)));
    // The tools are not weighed: a model's template may not render them at all.
    super::Largest::of(message, 0, false)
}

/// A rendered example and its trained parts (byte ranges of the text, in order).
pub struct RenderedExample {
    pub text: String,
    pub trained: Vec<Turn>,
    /// Encoded with the tokenizer's special tokens (plain text), not as the chat template
    /// wrote them (`apply_chat_template` adds none).
    pub special_tokens: bool,
}

impl RenderedExample {
    /// Whether any part of the text is trained on (before any truncation).
    pub fn has_trained(&self) -> bool {
        self.trained.iter().any(|t| !t.text.is_empty())
    }
}

/// A trained part of a rendered example.
pub struct Turn {
    /// The message it belongs to; `usize::MAX` when the template's blocks do not match the
    /// assistant messages one to one.
    pub message: usize,
    pub text: Range<usize>,
}

/// The templates of a model's `additional_chat_templates/` directory, by name (the file name
/// without `.jinja`), sorted; none when there is no such directory.
fn additional_templates(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut named: Vec<(String, PathBuf)> = entries
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".jinja")?
                .to_string();
            path.is_file().then_some((name, path))
        })
        .collect();
    named.sort();
    named
}

/// A JSON file beside the tokenizer that a model may not have (`tokenizer_config.json`,
/// `special_tokens_map.json`): `None` when it is missing, an error when it cannot be read or
/// is not JSON.
fn optional_json(
    path: &Path,
    shown: &dyn Fn(&Path) -> String,
) -> Result<Option<serde_json::Value>, String> {
    match crate::source::read_string_capped(path, crate::source::SETTINGS_FILE_LIMIT) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("cannot read {}: {e}", shown(path))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {}", shown(path), io_why(&e))),
    }
}

/// The chat template could not render an example.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderError {
    /// The template's file (or `tokenizer_config.json`).
    pub origin: String,
    pub error: TemplateError,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.error.located(&self.origin);
        if self.error.input.is_some() {
            write!(f, "{}", self.error.message)
        } else if self.error.missing {
            write!(
                f,
                "this conversation needs a chat template: {}",
                self.error.message
            )
        } else if self.error.raised {
            write!(
                f,
                "the chat template refuses this example ({at}): {}",
                self.error.message
            )
        } else if self.error.exhausted {
            write!(
                f,
                "the chat template does not finish on this example ({at}): {}",
                self.error.message
            )
        } else {
            write!(
                f,
                "the chat template fails on this example ({at}): {}",
                self.error.message
            )
        }
    }
}

/// The messages and tools of an example as the template sees them, and the other variables
/// the trainer passes (`chat_template_kwargs`).
struct Input {
    messages: Vec<Value>,
    tools: Option<Value>,
    variables: Vec<(String, Value)>,
    /// `chat_template_kwargs`' `add_generation_prompt`, which `apply_chat_template` passes the
    /// template as given: the whole example is rendered with it, the prompts that find the
    /// assistant turns with their own.
    generation_prompt: Option<Value>,
}

impl Input {
    fn new(conv: &Conversation<'_>, line: &str, trainer: Trainer) -> Result<Input, RenderError> {
        PARSER.with(|parser| {
            let mut parser = parser.borrow_mut();
            let messages = conv
                .messages
                .iter()
                .map(|m| {
                    let value = message_value(&mut parser, m, line);
                    if conv.roles_as_written {
                        with_written_role(value, m, line)
                    } else {
                        value
                    }
                })
                .collect();
            let mut tools = conv.tools.and_then(|span| {
                let raw = line.get(span.range())?;
                let doc = parser.parse(raw).ok()?;
                Some(json_value(&doc, doc.root(), false))
            });
            if matches!(trainer, Trainer::Trl | Trainer::Axolotl)
                && let Some(text) = tools.as_ref().and_then(|t| t.as_str())
            {
                // `json.loads(tools)`: Hub datasets often keep the definitions as text.
                let text = text.to_string();
                let doc = parser.parse(&text).map_err(|e| {
                    input_error(
                        InputProblem::ToolsText,
                        format!(
                            "\"tools\" is a string that is not JSON ({e}); {} decodes it with json.loads and fails",
                            trainer.title()
                        ),
                    )
                })?;
                tools = Some(json_value(&doc, doc.root(), false));
            }
            let mut variables = Vec::new();
            let mut generation_prompt = None;
            if matches!(trainer, Trainer::Trl | Trainer::Unsloth)
                && line.contains("\"chat_template_kwargs\"")
            {
                let doc = parser
                    .parse(line)
                    .map_err(|e| {
                        input_error(
                            InputProblem::TemplateKwargs,
                            format!("the record is not JSON ({e})"),
                        )
                    })?;
                let kwargs = (doc.kind(doc.root()) == Kind::Object)
                    .then(|| doc.get(doc.root(), "chat_template_kwargs"))
                    .flatten();
                match kwargs.map(|k| (k, doc.kind(k))) {
                    None => {}
                    Some((k, Kind::Object)) => {
                        let mut twice = None;
                        let mut continued = None;
                        let mut changes_tokens = None;
                        let mut own_template = false;
                        for (key, value) in doc.members(k) {
                            let key = doc.str(key).unwrap_or_default();
                            let value = json_value(&doc, value, false);
                            match key.as_ref() {
                                "tools" => tools = Some(value),
                                k if PASSED_TWICE.contains(&k) => {
                                    twice.get_or_insert_with(|| k.to_string());
                                }
                                "add_generation_prompt" => generation_prompt = Some(value),
                                "continue_final_message" => {
                                    continued = value.is_true().then_some(value);
                                }
                                // `get_chat_template(None)` is the model's own.
                                "chat_template" => own_template = !value.is_none(),
                                // Only with `padding` or `truncation`.
                                "max_length" => {}
                                // A single sequence is not padded unless to a length.
                                "padding" if value.as_str() != Some("max_length") => {}
                                k if CHANGES_TOKENS.contains(&k) => {
                                    if value.is_true() {
                                        changes_tokens.get_or_insert_with(|| k.to_string());
                                    }
                                }
                                k => variables.push((k.to_string(), value)),
                            }
                        }
                        let title = trainer.title();
                        if let Some(k) = twice {
                            return Err(input_error(InputProblem::TemplateKwargs, format!(
                                "\"chat_template_kwargs\" has \"{k}\", which {title} passes itself on the way to the chat template: Python fails with TypeError (got multiple values for keyword argument '{k}')"
                            )));
                        }
                        if continued.is_some()
                            && generation_prompt.as_ref().is_some_and(Value::is_true)
                        {
                            return Err(input_error(InputProblem::TemplateKwargs, format!(
                                "\"chat_template_kwargs\" sets both continue_final_message and add_generation_prompt, which apply_chat_template refuses (ValueError: continue_final_message and add_generation_prompt are not compatible); {title} fails"
                            )));
                        }
                        let cannot = if own_template {
                            Some("\"chat_template_kwargs\" has its own \"chat_template\", which the trainer renders this example with; tunelint counts with the model's template only".to_string())
                        } else if continued.is_some() {
                            Some("\"chat_template_kwargs\" sets continue_final_message: apply_chat_template ends the text inside the final message, which tunelint does not do".to_string())
                        } else {
                            changes_tokens.map(|k| format!(
                                "\"chat_template_kwargs\" sets \"{k}\", which changes how apply_chat_template tokenizes the example; tunelint tokenizes without it"
                            ))
                        };
                        if let Some(message) = cannot {
                            return Err(RenderError {
                                origin: String::new(),
                                error: TemplateError::cannot(message),
                            });
                        }
                    }
                    // Unsloth's `example.get("chat_template_kwargs") or {}`.
                    Some((_, Kind::Null)) if trainer == Trainer::Unsloth => {}
                    Some((_, kind)) => {
                        let what = match kind {
                            Kind::Null => "null",
                            Kind::Bool => "a boolean",
                            Kind::Number => "a number",
                            Kind::String => "a string",
                            _ => "a list",
                        };
                        return Err(input_error(InputProblem::TemplateKwargs, format!(
                            "\"chat_template_kwargs\" is {what}, not an object: {} unpacks it into apply_chat_template's arguments (**) and fails",
                            trainer.title()
                        )));
                    }
                }
            }
            Ok(Input {
                messages,
                tools,
                variables,
                generation_prompt,
            })
        })
    }
}

impl Input {
    /// The template's variables with the record's `add_generation_prompt`, as given (a template
    /// may test it or print it), over the one tunelint renders prompts with.
    fn with_generation_prompt(&self, prompt: &Value) -> Vec<(String, Value)> {
        let mut variables = self.variables.clone();
        variables.push(("add_generation_prompt".to_string(), prompt.clone()));
        variables
    }
}

/// The trainer stops on what the record gives it, before any template.
fn input_error(problem: InputProblem, message: String) -> RenderError {
    RenderError {
        origin: String::new(),
        error: TemplateError::input(problem, message),
    }
}

thread_local! {
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(Parser::new());
}

/// A message as `apply_chat_template` gets it: the object as written without its `null` keys,
/// its reasoning aliased ([`alias_reasoning`]), when it has a `role` (OpenAI chat); otherwise (ShareGPT, Alpaca, ...) `role` and `content`
/// from the normalised conversation.
fn message_value(parser: &mut Parser, m: &Message<'_>, line: &str) -> Value {
    if let Some(raw) = line.get(m.span.range())
        && let Ok(doc) = parser.parse(raw)
        && doc.kind(doc.root()) == Kind::Object
        && doc
            .get(doc.root(), "role")
            .is_some_and(|r| doc.kind(r) == Kind::String)
    {
        return alias_reasoning(json_value(&doc, doc.root(), true));
    }
    let mut map: indexmap::IndexMap<Value, Value> = indexmap::IndexMap::new();
    map.insert(Value::from("role"), Value::from(m.role.as_str()));
    map.insert(
        Value::from("content"),
        Value::from(m.content.joined_text().into_owned()),
    );
    Value::from(map)
}

/// `message` with its role as the record writes it (`human`, `gpt`), where the trainer hands
/// the names to the chat template unconverted ([`Conversation::roles_as_written`]).
fn with_written_role(message: Value, m: &Message<'_>, line: &str) -> Value {
    let Some(written) = crate::format::written_role(line, m.role_span) else {
        return message;
    };
    let Ok(keys) = message.try_iter() else {
        return message;
    };
    let mut map: indexmap::IndexMap<Value, Value> = indexmap::IndexMap::new();
    for key in keys {
        let value = if key.as_str() == Some("role") {
            Value::from(written.as_str())
        } else {
            message.get_item(&key).unwrap_or_default()
        };
        map.insert(key, value);
    }
    Value::from(map)
}

/// The names a message's reasoning goes by, in the order `transformers` looks for it
/// (`_REASONING_FIELDS` in `transformers/utils/chat_template_utils.py`).
const REASONING_FIELDS: [&str; 3] = ["reasoning_content", "thinking", "reasoning"];

/// Where `key` stands in [`REASONING_FIELDS`] (after them when it is none of them): of a
/// message's chain of thought under several keys, the template renders the first.
pub(crate) fn reasoning_rank(key: &str) -> usize {
    REASONING_FIELDS
        .iter()
        .position(|k| *k == key)
        .unwrap_or(REASONING_FIELDS.len())
}

/// `message` as `transformers` 5 passes it to the template (`_alias_reasoning_fields`): when it
/// has reasoning under any of [`REASONING_FIELDS`], the first of them is copied to both
/// `reasoning_content` (Qwen3's, DeepSeek's and GLM's templates read it) and `thinking`
/// (gpt-oss's), so that a template sees the reasoning whichever name the data uses (Together's
/// `reasoning`, say). Python builds `{"thinking": r, **message, "reasoning_content": r}`: a
/// `thinking` the message has keeps its value, and the key order (which `tojson` and
/// `.items()` show) is Python's: `thinking` first, `reasoning_content` where it was or last.
fn alias_reasoning(message: Value) -> Value {
    let Some(reasoning) = REASONING_FIELDS.iter().find_map(|key| {
        message
            .get_attr(key)
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_none())
    }) else {
        return message;
    };
    let Ok(keys) = message.try_iter() else {
        return message;
    };
    let mut map: indexmap::IndexMap<Value, Value> = indexmap::IndexMap::new();
    map.insert(Value::from("thinking"), reasoning.clone());
    for key in keys {
        let value = message.get_item(&key).unwrap_or_default();
        map.insert(key, value);
    }
    map.insert(Value::from("reasoning_content"), reasoning);
    Value::from(map)
}

fn compile(source: &str, origin: String) -> Result<ChatTemplate, String> {
    ChatTemplate::new(source, origin.clone()).map_err(|e| {
        format!(
            "chat template {} does not compile: {}",
            e.located(&origin),
            e.message
        )
    })
}

fn io_why(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => {
            let s = e.to_string();
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// How many bytes of normalised text one byte of input can become at most (see
/// [`Model::upper_bound`]), read off the tokenizer's normalizer and pre-tokenizer: 1 without a
/// normalizer; 3 for NFC, lowercasing, BERT's and `▁` replacements; 18 for the compatibility
/// forms (NFKC of one character can be 18); doubled for a Metaspace pre-tokenizer, which may
/// add a `▁` to every piece.
fn expansion(doc: &serde_json::Value) -> u64 {
    fn normalizer(n: &serde_json::Value) -> u64 {
        match n.get("type").and_then(|t| t.as_str()) {
            None => 1,
            Some("Sequence") => n
                .get("normalizers")
                .and_then(|s| s.as_array())
                .map_or(18, |s| {
                    s.iter()
                        .map(normalizer)
                        .fold(1u64, u64::saturating_mul)
                        .min(1 << 20)
                }),
            Some("NFC" | "Lowercase" | "BertNormalizer" | "Strip" | "StripAccents") => 3,
            Some("Prepend") => {
                1 + n
                    .get("prepend")
                    .and_then(|p| p.as_str())
                    .map_or(3, |p| p.len() as u64)
            }
            Some("Replace") => {
                let content = n
                    .get("content")
                    .and_then(|c| c.as_str())
                    .map_or(18, str::len);
                (content as u64).max(1)
            }
            _ => 18,
        }
    }
    fn pre(p: &serde_json::Value) -> u64 {
        match p.get("type").and_then(|t| t.as_str()) {
            Some("Metaspace") => 2,
            Some("ByteLevel")
                if p.get("add_prefix_space").and_then(|a| a.as_bool()) == Some(true) =>
            {
                2
            }
            Some("Sequence") => p
                .get("pretokenizers")
                .and_then(|s| s.as_array())
                .map_or(2, |s| s.iter().map(pre).max().unwrap_or(1)),
            _ => 1,
        }
    }
    let n = doc
        .get("normalizer")
        .filter(|n| !n.is_null())
        .map_or(1, normalizer);
    let p = doc
        .get("pre_tokenizer")
        .filter(|p| !p.is_null())
        .map_or(1, pre);
    n.saturating_mul(p)
}

/// What a JSON value is, with its article: "a number", "an object".
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}
