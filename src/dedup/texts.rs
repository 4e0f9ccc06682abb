//! The texts near-duplicate checks compare (`[dedup] field`), one per record of a file, with
//! the signature that finds candidates and the profile that screens exact checks: the facts
//! D002 and D003 declare. Texts live in one arena to keep allocations few.

use crate::dataset::{FactKind, Facts, RecordView};
use crate::diagnostic::Span;
use crate::record::{Conversation, Role, Shape};
use crate::settings::DedupField;

use super::index::{self, Signature};
use super::similarity::Profile;

/// The compared texts of one file.
#[derive(Debug, Default)]
pub struct CompareTexts {
    field: DedupField,
    arena: String,
    /// Per text id: start in the arena and length in bytes.
    spans: Vec<(u64, u32)>,
    pub sigs: Vec<Signature>,
    /// Per text id, the length and character buckets the exact checks are screened with.
    pub profiles: Vec<Profile>,
    /// Per text id, the index of its record in the file.
    pub owner: Vec<u32>,
    /// Records seen so far (the next record's index).
    records: u32,
    /// The texts are whole records of plain text (the `text` format), not the field
    /// `[dedup] field` names: what a finding calls the compared text.
    pub plain_text: bool,
    /// Per text id, the rest of a preference record ([`Whole`]): what else of it D002
    /// compares besides the compared text; `None` for the others.
    wholes: Vec<Option<Whole>>,
    /// The word signatures of the messages [`Whole`]s point at, one after the other.
    message_sigs: Vec<Signature>,
    /// Per text id, what identifies the images and other media of its record
    /// ([`media_key`]; 0 for none).
    media: Vec<u64>,
    /// Per text id, where the compared text is in its record, when it is one message's
    /// (the first user message, a `text` record); an empty span for none. Only a file's own
    /// facts hold them (not [`concat`](Self::concat) nor [`map_texts`](Self::map_texts)):
    /// what a finding points at.
    at: Vec<Span>,
}

/// What D002 compares of a preference record besides its compared text: each of its other
/// messages, by its word signature ([`index::word_signature`]), and where they are.
#[derive(Debug, Clone, Copy)]
struct Whole {
    /// A hash of the record's layout: the role of each of its messages, in order, which
    /// list holds it (the prompt and chosen answer, or the answers set aside) and which one
    /// is the compared text, left out of [`Whole::messages`].
    layout: u64,
    /// Where its messages' signatures start in [`CompareTexts::message_sigs`] ...
    first: u32,
    /// ... and how many there are.
    messages: u32,
}

/// How many of the 32 hashes of two messages' word signatures must agree for the messages
/// to be alike: half, an estimate of half their word 3-grams in common. An answer copied
/// with a word changed every dozen words keeps more; two answers to one prompt written
/// apart share far fewer (under a fifth for 99% of the chosen and rejected answers of the
/// preference datasets at hand). A text of fewer than three words is one shingle, so a
/// one- or two-word answer is alike only to the same words (whatever their case and the
/// punctuation around them: `Paris` and `Paris.` are alike).
const MESSAGE_ALIKE: usize = index::HASHES / 2;

/// The facts kind of [`CompareTexts`].
pub static COMPARE_TEXTS: FactKind = FactKind {
    name: "compared texts",
    new: |settings| Box::new(CompareTexts::new(settings.dedup.field)),
};

impl CompareTexts {
    pub fn new(field: DedupField) -> Self {
        CompareTexts {
            field,
            ..Default::default()
        }
    }

    /// The compared text of text id `id`.
    pub fn text(&self, id: u32) -> &str {
        let (start, len) = self.spans[id as usize];
        &self.arena[start as usize..start as usize + len as usize]
    }

    /// How many texts there are.
    pub fn len(&self) -> usize {
        self.sigs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sigs.is_empty()
    }

    /// How many records the texts are of (records without the text included).
    pub fn records(&self) -> usize {
        self.records as usize
    }

    /// The texts of several files one after the other, as one file's: record indices go on
    /// from one part to the next (the texts of a dataset of several files, for D002).
    pub fn concat(parts: &[&CompareTexts]) -> CompareTexts {
        let mut out = CompareTexts::new(parts.first().map_or_else(Default::default, |p| p.field));
        for part in parts {
            let (arena_base, base) = (out.arena.len() as u64, out.records);
            out.arena.push_str(&part.arena);
            out.spans
                .extend(part.spans.iter().map(|&(s, l)| (s + arena_base, l)));
            out.sigs.extend_from_slice(&part.sigs);
            out.profiles.extend_from_slice(&part.profiles);
            out.owner.extend(part.owner.iter().map(|o| o + base));
            out.records += part.records;
            out.plain_text |= part.plain_text;
            out.extend_wholes(&part.wholes, &part.message_sigs);
            out.media.extend_from_slice(&part.media);
        }
        out
    }

    /// Appends the wholes of another part, their messages' signatures after these.
    fn extend_wholes(&mut self, wholes: &[Option<Whole>], message_sigs: &[Signature]) {
        let base = self.message_sigs.len() as u32;
        self.wholes.extend(wholes.iter().map(|w| {
            w.map(|w| Whole {
                first: w.first + base,
                ..w
            })
        }));
        self.message_sigs.extend_from_slice(message_sigs);
    }

    /// Whether the records of text `a` here and text `b` of `other` show the same media (or
    /// none): the same question about two different images is two examples, not one
    /// repeated.
    pub fn same_media(&self, a: u32, other: &CompareTexts, b: u32) -> bool {
        self.media.get(a as usize) == other.media.get(b as usize)
    }

    /// Whether text id `id` is a preference record's.
    pub fn is_preference(&self, id: u32) -> bool {
        self.wholes.get(id as usize).is_some_and(Option::is_some)
    }

    /// Whether the records of text `a` here and text `b` of `other`, whose compared texts
    /// are alike, are alike as wholes: always, unless both are preference records
    /// (`Conversation::preference`), which repeat a prompt by design (one record per pair
    /// of sampled answers, or per labelled answer). Two of those are alike only when every
    /// other message is, each compared on its own, every answer included: their messages
    /// (prompt and chosen answer, and the answers set aside: the rejected one, or an
    /// undesirable KTO answer) have the same roles in the same places, and each pair of
    /// messages at least half of its word 3-grams in common (`MESSAGE_ALIKE`). Read from
    /// the normalised record, so the key order, the white space and the escapes a writer
    /// chose do not count, and roles are compared as roles, not as words of a text; and a
    /// short answer that differs, however long the rest, makes two records different, where
    /// one text of the whole record would drown it out.
    pub fn wholes_alike(&self, a: u32, other: &CompareTexts, b: u32) -> bool {
        let (Some(Some(x)), Some(Some(y))) =
            (self.wholes.get(a as usize), other.wholes.get(b as usize))
        else {
            return true;
        };
        x.layout == y.layout
            && x.messages == y.messages
            && self
                .messages_of(x)
                .iter()
                .zip(other.messages_of(y))
                .all(|(p, q)| index::equal_hashes(p, q) >= MESSAGE_ALIKE)
    }

    fn messages_of(&self, w: &Whole) -> &[Signature] {
        let first = w.first as usize;
        &self.message_sigs[first..first + w.messages as usize]
    }

    /// Adds a text for the next record.
    pub fn push(&mut self, text: &str) {
        self.push_with_whole(text, None, 0, Span::default());
    }

    /// Where the compared text of the file's record `index` is in that record, when it is
    /// one message's text.
    pub fn place_in_record(&self, index: usize) -> Option<Span> {
        let id = self.owner.binary_search(&(index as u32)).ok()?;
        self.at.get(id).copied().filter(|s| s.end > s.start)
    }

    /// Adds a text for the next record, with its whole record when it is a preference
    /// record's.
    fn push_with_whole(
        &mut self,
        text: &str,
        whole: Option<(&Conversation<'_>, DedupField)>,
        media: u64,
        at: Span,
    ) {
        if !text.is_empty() {
            self.at.push(at);
            let whole = whole.map(|(conv, field)| self.push_whole(conv, field));
            self.wholes.push(whole);
            self.media.push(media);
            self.spans
                .push((self.arena.len() as u64, text.len() as u32));
            self.arena.push_str(text);
            self.profiles.push(Profile::of(text));
            self.sigs.push(index::signature(text));
            self.owner.push(self.records);
        }
        self.records += 1;
    }

    /// Adds the signatures of the messages of preference record `conv` other than its
    /// compared text (the first user message, with `[dedup] field = "user"`, whose
    /// similarity the search works out exactly); what [`CompareTexts::wholes_alike`] reads.
    fn push_whole(&mut self, conv: &Conversation<'_>, field: DedupField) -> Whole {
        let compared = match field {
            DedupField::User => conv.messages.iter().position(|m| m.role == Role::User),
            DedupField::Assistant | DedupField::Conversation => None,
        };
        let first = self.message_sigs.len() as u32;
        let mut layout = xxhash_rust::xxh3::Xxh3::new();
        let lists = [&conv.messages, &conv.set_aside];
        for (list, messages) in lists.into_iter().enumerate() {
            layout.update(&[list as u8]);
            for (i, m) in messages.iter().enumerate() {
                layout.update(m.role.as_str().as_bytes());
                if list == 0 && Some(i) == compared {
                    layout.update(b"=");
                } else {
                    layout.update(b",");
                    let text = m.content.joined_text();
                    self.message_sigs.push(index::word_signature(&text));
                }
            }
        }
        Whole {
            layout: layout.digest(),
            first,
            messages: self.message_sigs.len() as u32 - first,
        }
    }

    /// The same texts, each replaced by `f(id, text)` (empty ones kept, so the ids and the
    /// records they belong to stay the same).
    pub fn map_texts<'s>(&'s self, f: impl Fn(u32, &'s str) -> &'s str) -> CompareTexts {
        let mut out = CompareTexts {
            field: self.field,
            records: self.records,
            plain_text: self.plain_text,
            wholes: self.wholes.clone(),
            message_sigs: self.message_sigs.clone(),
            media: self.media.clone(),
            owner: self.owner.clone(),
            ..Default::default()
        };
        for id in 0..self.len() as u32 {
            let text = f(id, self.text(id));
            out.spans.push((out.arena.len() as u64, text.len() as u32));
            out.arena.push_str(text);
            out.profiles.push(Profile::of(text));
            out.sigs.push(index::signature(text));
        }
        out
    }
}

impl Facts for CompareTexts {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        match record.conv {
            Some(conv) => {
                self.plain_text |= conv.shape == Shape::Text;
                let media = media_key(record.doc, conv);
                let at = compared_place(conv, self.field);
                let whole = conv.preference.then_some((conv, self.field));
                self.push_with_whole(&dedup_text(conv, self.field), whole, media, at);
            }
            None => self.records += 1,
        }
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: CompareTexts = crate::dataset::downcast(next);
        let arena_base = self.arena.len() as u64;
        self.arena.push_str(&next.arena);
        self.spans
            .extend(next.spans.iter().map(|&(s, l)| (s + arena_base, l)));
        self.sigs.extend(next.sigs);
        self.profiles.extend(next.profiles);
        let base = self.records;
        self.owner.extend(next.owner.iter().map(|o| o + base));
        self.records += next.records;
        self.plain_text |= next.plain_text;
        self.extend_wholes(&next.wholes, &next.message_sigs);
        self.media.extend(next.media);
        self.at.extend(next.at);
    }
}

/// Where the text `[dedup] field` selects is in the record, when it is one message's: the
/// first user message, or a `text` record's text (its one text, or the whole message when
/// it has several parts); an empty span otherwise.
fn compared_place(conv: &Conversation<'_>, field: DedupField) -> Span {
    let message = if conv.shape == Shape::Text {
        conv.messages.first()
    } else if field == DedupField::User {
        conv.messages.iter().find(|m| m.role == Role::User)
    } else {
        None
    };
    message.map_or(Span::default(), |m| {
        let mut texts = m.content.texts();
        match (texts.next(), texts.next()) {
            (Some(t), None) => t.span,
            _ => m.span,
        }
    })
}

/// The text `[dedup] field` selects: the first user message (the lesson's choice), the
/// assistant messages, or every message; the text of a `text` record whatever the field.
pub fn dedup_text(conv: &Conversation<'_>, field: DedupField) -> String {
    // Plain text (the `text` format) has no user or assistant turn to choose: every field
    // compares the text itself.
    if conv.shape == Shape::Text {
        return join(conv.messages.iter().map(|m| m.content.joined_text()));
    }
    match field {
        DedupField::User => conv
            .messages
            .iter()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.joined_text().into_owned())
            .unwrap_or_default(),
        DedupField::Assistant => join(
            conv.messages
                .iter()
                .filter(|m| m.role == Role::Assistant)
                .map(|m| m.content.joined_text()),
        ),
        DedupField::Conversation => join(
            conv.messages
                .iter()
                .map(|m| format!("{}: {}", m.role.as_str(), m.content.joined_text()).into()),
        ),
    }
}

/// Top-level columns that hold a record's media (TRL's and LLaMA-Factory's `images`,
/// `videos` and `audios`, a single `image`).
const MEDIA_COLUMNS: [&str; 5] = ["images", "image", "videos", "audios", "audio"];

/// Keys whose value is a medium, wherever they are in a record (Vertex AI's files, in
/// either spelling, and the segment of a video; Nova's and OpenAI's video and audio).
const MEDIA_KEYS: [&str; 9] = [
    "fileData",
    "file_data",
    "inlineData",
    "inline_data",
    "videoMetadata",
    "video_metadata",
    "video",
    "input_audio",
    "audio",
];

/// What identifies the media of a record: a hash of its image parts and media columns as
/// written, white space outside and inside left out; 0 when it has none.
fn media_key(doc: &crate::json::Document<'_, '_>, conv: &Conversation<'_>) -> u64 {
    use crate::record::{Content, Part};
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut any = false;
    let mut feed = |raw: &str| {
        any = true;
        for piece in raw.split_ascii_whitespace() {
            hasher.update(piece.as_bytes());
        }
        hasher.update(&[0]);
    };
    for m in &conv.messages {
        if let Content::Parts { parts, .. } = &m.content {
            for part in parts {
                if let Part::Image { span } = part {
                    feed(doc.raw_at(*span));
                }
            }
        }
    }
    // Media a format keeps apart from its image parts: a Vertex AI video or document
    // (`fileData`, `inlineData`), a Nova video, audio input.
    fn walk(
        doc: &crate::json::Document<'_, '_>,
        node: crate::json::NodeId,
        feed: &mut dyn FnMut(&str),
    ) {
        match doc.kind(node) {
            crate::json::Kind::Object => {
                for (k, v) in doc.members(node) {
                    let key = doc.str(k).unwrap_or_default();
                    if MEDIA_KEYS.contains(&key.as_ref()) {
                        feed(doc.raw(v));
                    } else {
                        walk(doc, v, feed);
                    }
                }
            }
            crate::json::Kind::Array => {
                for e in doc.elements(node) {
                    walk(doc, e, feed);
                }
            }
            _ => {}
        }
    }
    if doc.kind(doc.root()) == crate::json::Kind::Object {
        for (k, v) in doc.members(doc.root()) {
            if !doc
                .str(k)
                .is_some_and(|k| MEDIA_COLUMNS.contains(&k.as_ref()))
            {
                walk(doc, v, &mut feed);
            }
        }
        for key in MEDIA_COLUMNS {
            let Some(v) = doc.get(doc.root(), key) else {
                continue;
            };
            // Arrow writes the column on every row: null or empty is no media.
            let empty = match doc.kind(v) {
                crate::json::Kind::Null => true,
                crate::json::Kind::Array => doc.elements(v).next().is_none(),
                _ => false,
            };
            if !empty {
                feed(key);
                feed(doc.raw(v));
            }
        }
    }
    if any { hasher.digest().max(1) } else { 0 }
}

fn join<'a>(parts: impl Iterator<Item = std::borrow::Cow<'a, str>>) -> String {
    let mut out = String::new();
    for (i, p) in parts.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&p);
    }
    out
}
