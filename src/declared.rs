//! What a trainer's dataset registry declares about one file it reads: LLaMA-Factory's
//! `dataset_info.json` entry (its formatting, column names, role tags and ranking). The
//! configuration layer reads the registry (`crate::dataset_info`); the file's reader gets the
//! entry through its [`crate::settings::Settings`], so a renamed column or a custom role tag
//! is read the way the trainer reads it.

/// LLaMA-Factory's `formatting`: how a record's columns make a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Formatting {
    /// Prompt, query and response columns (`instruction`, `input`, `output` by default).
    Alpaca,
    /// A list of turns whose role and content sit under the declared tags.
    ShareGpt,
    /// ShareGPT's reading with OpenAI's message shape (`tool_calls` on an assistant turn).
    OpenAi,
}

impl Formatting {
    pub const NAMES: &'static [&'static str] = &["alpaca", "sharegpt", "openai"];

    pub fn parse(s: &str) -> Option<Formatting> {
        Some(match s {
            "alpaca" => Formatting::Alpaca,
            "sharegpt" => Formatting::ShareGpt,
            "openai" => Formatting::OpenAi,
            _ => return None,
        })
    }
}

/// Where each column is, by LLaMA-Factory's name for it (`prompt`, `query`, ...): the key of
/// the record that holds it, or `None` when the dataset has no such column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns {
    pub prompt: Option<String>,
    pub query: Option<String>,
    pub response: Option<String>,
    pub history: Option<String>,
    pub messages: Option<String>,
    pub system: Option<String>,
    pub tools: Option<String>,
    pub images: Option<String>,
    pub videos: Option<String>,
    pub audios: Option<String>,
    pub chosen: Option<String>,
    pub rejected: Option<String>,
    pub kto_tag: Option<String>,
}

impl Columns {
    /// LLaMA-Factory's names for the columns, as `columns` spells them.
    pub const NAMES: &'static [&'static str] = &[
        "prompt", "query", "response", "history", "messages", "system", "tools", "images",
        "videos", "audios", "chosen", "rejected", "kto_tag",
    ];

    /// The columns of an entry without `columns`: LLaMA-Factory's defaults.
    pub fn defaults() -> Columns {
        Columns {
            prompt: Some("instruction".into()),
            query: Some("input".into()),
            response: Some("output".into()),
            messages: Some("conversations".into()),
            ..Columns::default()
        }
    }

    /// The slot of the column LLaMA-Factory calls `name` (one of [`Columns::NAMES`]).
    pub fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "prompt" => &mut self.prompt,
            "query" => &mut self.query,
            "response" => &mut self.response,
            "history" => &mut self.history,
            "messages" => &mut self.messages,
            "system" => &mut self.system,
            "tools" => &mut self.tools,
            "images" => &mut self.images,
            "videos" => &mut self.videos,
            "audios" => &mut self.audios,
            "chosen" => &mut self.chosen,
            "rejected" => &mut self.rejected,
            "kto_tag" => &mut self.kto_tag,
            _ => return None,
        })
    }

    /// Every declared column as (LLaMA-Factory's name, the record's key).
    pub fn declared(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let all = [
            &self.prompt,
            &self.query,
            &self.response,
            &self.history,
            &self.messages,
            &self.system,
            &self.tools,
            &self.images,
            &self.videos,
            &self.audios,
            &self.chosen,
            &self.rejected,
            &self.kto_tag,
        ];
        Columns::NAMES
            .iter()
            .zip(all)
            .filter_map(|(name, key)| Some((*name, key.as_deref()?)))
    }
}

/// ShareGPT's tags: the keys of a turn's role and content, and the role values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags {
    pub role: Option<String>,
    pub content: Option<String>,
    pub user: Option<String>,
    pub assistant: Option<String>,
    pub observation: Option<String>,
    pub function: Option<String>,
    pub system: Option<String>,
}

impl Tags {
    /// The tags' names, as `tags` spells them.
    pub const NAMES: &'static [&'static str] = &[
        "role_tag",
        "content_tag",
        "user_tag",
        "assistant_tag",
        "observation_tag",
        "function_tag",
        "system_tag",
    ];

    /// The tags of an entry without `tags`: ShareGPT's own words.
    pub fn defaults() -> Tags {
        Tags {
            role: Some("from".into()),
            content: Some("value".into()),
            user: Some("human".into()),
            assistant: Some("gpt".into()),
            observation: Some("observation".into()),
            function: Some("function_call".into()),
            system: Some("system".into()),
        }
    }

    /// The slot of the tag `name` (one of [`Tags::NAMES`]).
    pub fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "role_tag" => &mut self.role,
            "content_tag" => &mut self.content,
            "user_tag" => &mut self.user,
            "assistant_tag" => &mut self.assistant,
            "observation_tag" => &mut self.observation,
            "function_tag" => &mut self.function,
            "system_tag" => &mut self.system,
            _ => return None,
        })
    }
}

/// One `dataset_info.json` entry, as LLaMA-Factory reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The dataset's name (the entry's key).
    pub dataset: String,
    /// Where the entry is: `data/dataset_info.json:7:3`.
    pub origin: String,
    pub formatting: Formatting,
    /// A preference dataset: `chosen` and `rejected` answers.
    pub ranking: bool,
    pub columns: Columns,
    pub tags: Tags,
    /// How many files the entry names (one, or those of the folder `file_name` names): a
    /// check of what the whole dataset holds needs every one of them in the run.
    pub files: usize,
}

impl Declared {
    /// The columns LLaMA-Factory's converter for this entry reads from every example
    /// (`example[column]`, `converter.py`), as (its name for the column, the records' key), in
    /// the order it reads them. `datasets` gives a column that some records lack as null in
    /// the others, but a column that no record of the dataset has is not there at all, and
    /// reading it stops the run with KeyError. Left out: what is read only from some
    /// examples (the alpaca response of a ranking entry, whose pairs are read first; the
    /// answers of a ranking entry with a KTO tag), what the OpenAI converter reads with
    /// `example.get` (`system`, `tools`), and the ShareGPT `system` column, read only from an
    /// example that does not open with a system turn ([`Declared::system_unless_opened`]).
    pub fn read_from_every_example(&self) -> Vec<(&'static str, &str)> {
        let c = &self.columns;
        // A ranking entry's answers, unless a KTO tag decides first.
        let pairs = self.ranking && c.kto_tag.is_none();
        let read: Vec<(&'static str, &Option<String>, bool)> = match self.formatting {
            Formatting::Alpaca => vec![
                ("history", &c.history, true),
                ("prompt", &c.prompt, true),
                ("query", &c.query, true),
                ("kto_tag", &c.kto_tag, true),
                ("chosen", &c.chosen, pairs),
                ("rejected", &c.rejected, pairs),
                ("response", &c.response, !self.ranking),
                ("system", &c.system, true),
                ("tools", &c.tools, true),
                ("images", &c.images, true),
                ("videos", &c.videos, true),
                ("audios", &c.audios, true),
            ],
            Formatting::ShareGpt | Formatting::OpenAi => vec![
                ("messages", &c.messages, true),
                ("kto_tag", &c.kto_tag, true),
                ("chosen", &c.chosen, pairs),
                ("rejected", &c.rejected, pairs),
                ("tools", &c.tools, self.formatting == Formatting::ShareGpt),
                ("images", &c.images, true),
                ("videos", &c.videos, true),
                ("audios", &c.audios, true),
            ],
        };
        read.into_iter()
            .filter(|&(_, _, always)| always)
            .filter_map(|(name, key, _)| Some((name, key.as_deref()?)))
            .collect()
    }

    /// The ShareGPT converter's `system` column and the role tag of a system turn: it reads
    /// the column from an example whose first turn is not a system turn (any example, when
    /// the entry's `tags` name no `system_tag`).
    pub fn system_unless_opened(&self) -> Option<(&str, Option<&str>)> {
        if self.formatting != Formatting::ShareGpt {
            return None;
        }
        Some((self.columns.system.as_deref()?, self.tags.system.as_deref()))
    }

    /// `dataset "identity" (data/dataset_info.json:7:3)`: how a message names the entry.
    pub fn described(&self) -> String {
        format!(
            "dataset {} ({})",
            crate::wording::quote(&self.dataset),
            self.origin
        )
    }
}
