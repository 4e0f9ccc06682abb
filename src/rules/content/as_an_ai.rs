//! C005 as-an-ai.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::{Message, Role};
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports an assistant message whose text opens with self-description boilerplate: "As an
    /// AI", "As a language model", "As a large language model", "As an artificial
    /// intelligence", "I'm just an AI", "I'm only an AI", "I'm an AI" or "I am an AI", and the
    /// knowledge-cutoff disclaimers "As of my knowledge cutoff", "As of my last knowledge
    /// update", "As of my last update" and "As of my training cutoff" (any case, straight or
    /// curly apostrophe, whole words only: "As an AIrline partner" is fine). Only the start of
    /// the message is checked, after at most one short interjection such as "Sure!",
    /// "Certainly," or "Of course," ("Sure! As an AI language model, ..."). An "As a ..." or
    /// "I'm an AI" opening counts when it ends the phrase ("As an AI, I ...") or goes on to
    /// describe the model ("As an AI language model", "As an AI assistant", "As an AI developed
    /// by ...", "As an AI I cannot"); where the next word makes it a person's role instead ("As
    /// an AI researcher would tell you", "As an AI ethics professor, I"), it is not
    /// self-description. "I'm an AI" or "I am an AI" in a first sentence that names the
    /// model's maker or name ("I am an AI assistant developed by Acme", "named Lumi") is an
    /// identity answer, not a disclaimer, and is not reported.
    ///
    /// The same openings are found in Chinese ("作为一个人工智能助手，", "作为 AI 语言模型",
    /// "由于我是一个人工智能", "我只是一个语言模型", after at most one "抱歉，" or "对不起，但"),
    /// where the next character ends the phrase or goes on describing the model (助手,
    /// 程序, 模型, 我, 无法 ...; "作为人工智能研究员" or "作为人工智能的一个分支" are not
    /// reported), and in Spanish, Portuguese, French, German, Italian, Russian, Japanese and
    /// Korean: "as a language model" ("Como modelo de lenguaje", "En tant que modèle de
    /// langage", "Als KI-Sprachmodell", "Как языковая модель", "言語モデルとして", "AI 언어
    /// 모델로서") wherever a word ends, and "as an AI" ("Como IA", "En tant qu'IA", "Als KI",
    /// "Как ИИ", "AIとして") only before a comma or the end of a sentence ("Als KI kann ich"
    /// is not read: "Als KI" also opens sentences about AI).
    ///
    /// ## Why is this bad?
    /// It is the base model's voice, not your product's: it spends tokens on a disclaimer,
    /// breaks the persona the system prompt sets up, and teaches the model to talk about
    /// itself before (or instead of) answering. The lesson's validator rejects responses that
    /// start with "As an AI".
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Which plan should I pick for a team of five?"}, {"role": "assistant", "content": "As an AI, I have no personal preference, but the Team plan covers up to ten people."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Which plan should I pick for a team of five?"}, {"role": "assistant", "content": "The Team plan fits best: it covers up to ten people and includes shared projects."}]}
    /// ```
    pub static AS_AN_AI = {
        code: "C005",
        name: "as-an-ai",
        level: Warning,
        summary: "assistant starts with \"As an AI\" or similar boilerplate",
    };
}

/// Openings that announce the model instead of answering, lowercase.
const OPENINGS: &[&str] = &[
    "as an ai",
    "as a language model",
    "as a large language model",
    "as an artificial intelligence",
    "i'm just an ai",
    "i am just an ai",
    "i'm only an ai",
    "i am only an ai",
    "i am an ai language model",
    "i'm an ai language model",
    "i am an ai",
    "i'm an ai",
    "as of my knowledge cutoff",
    "as of my last knowledge update",
    "as of my last update",
    "as of my training cutoff",
];

/// Short interjections that may stand before the opening, followed by `!`, `,` or `.` and a
/// space: "Sure! As an AI language model, ...". Lowercase.
const INTERJECTIONS: &[&str] = &[
    "sure",
    "certainly",
    "of course",
    "absolutely",
    "okay",
    "ok",
    "well",
    "yes",
    "no",
    "hi",
    "hello",
    "hey",
    "oh",
    "ah",
    "hmm",
    "sorry",
    "i'm sorry",
    "great question",
    "good question",
];

/// Words after an "As a ..." or "I'm an AI" opening that go on describing the model ("As an AI language
/// model", "As an AI developed by"). Any other word makes the opening a person's role: "As
/// an AI researcher would tell you".
const SELF_DESCRIPTION: &[&str] = &[
    "language",
    "model",
    "models",
    "assistant",
    "chatbot",
    "bot",
    "system",
    "program",
    "agent",
    "entity",
    "tool",
    "helper",
    "developed",
    "created",
    "trained",
    "built",
    "designed",
    "made",
    "programmed",
    "powered",
    "based",
    "text",
    "conversational",
    "generative",
    "virtual",
    "digital",
    "i",
    "i'm",
    "i've",
    "i'd",
    "myself",
    "me",
    "my",
    "that",
    "which",
    "who",
    "with",
    "without",
    "and",
    "or",
    "like",
    "by",
    "from",
    "of",
    "in",
    "on",
    "here",
    "it",
    "is",
    "am",
    "do",
    "don't",
    "does",
    "doesn't",
    "can",
    "cannot",
    "can't",
    "could",
    "will",
    "won't",
    "would",
    "should",
    "must",
    "may",
    "might",
    "have",
    "has",
    "not",
    "however",
    "so",
    "but",
    "though",
    "although",
    "there",
    "this",
    "these",
    "we",
];

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if message.role != Role::Assistant {
        return;
    }
    let Some(first) = message.content.texts().next() else {
        return;
    };
    let trimmed = first.value.trim_start();
    let english = &trimmed[interjection_len(trimmed)..];
    let Some((text, phrase_len)) = opening_len(english)
        .map(|n| (english, n))
        .or_else(|| other_language_opening(trimmed))
    else {
        return;
    };
    let lead = first.value.len() - text.len();
    let span = first.sub_span(ctx.text, lead..lead + phrase_len);
    ctx.report(
        Code::C005,
        span,
        format!(
            "assistant opens with \"{}\"; answer directly instead of describing the model",
            &text[..phrase_len]
        ),
    );
}

/// The length in `text` of the self-description it opens with, if any.
fn opening_len(text: &str) -> Option<usize> {
    // Every opening starts with "as" or "i": most answers are ruled out by one byte.
    if !matches!(text.as_bytes().first(), Some(b'a' | b'A' | b'i' | b'I')) {
        return None;
    }
    let head: String = text
        .chars()
        .take(60)
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    let opening = OPENINGS
        .iter()
        .find(|o| starts_with_words(&head, o) && describes_model(&head, o))?;
    if matches!(*opening, "i'm an ai" | "i am an ai") && names_its_maker(&head) {
        return None;
    }
    let n = opening.chars().count();
    Some(text.char_indices().nth(n).map_or(text.len(), |(i, _)| i))
}

/// "As a language model" and "as an AI" in other languages than English, lowercase, with
/// straight apostrophes. A phrase naming a model or an assistant counts wherever a word
/// ends; the others ("como ia", "als ki") only before a comma or the end of a sentence,
/// since they also open sentences about AI ("Als KI bezeichnet man ...").
const OTHER_OPENINGS: &[&str] = &[
    // Spanish
    "como modelo de lenguaje",
    "como un modelo de lenguaje",
    "como asistente de ia",
    "como un asistente de ia",
    "como una ia",
    "como ia",
    "soy una ia",
    "solo soy una ia",
    // Portuguese
    "como modelo de linguagem",
    "como um modelo de linguagem",
    "como um assistente de ia",
    "como uma ia",
    "sou uma ia",
    // French
    "en tant que modèle de langage",
    "en tant qu'assistant ia",
    "en tant qu'assistant d'ia",
    "en tant qu'ia",
    "en tant qu'intelligence artificielle",
    "je suis une ia",
    "je ne suis qu'une ia",
    // German
    "als sprachmodell",
    "als ki-sprachmodell",
    "als ki-assistent",
    "als ki",
    "als künstliche intelligenz",
    "ich bin eine ki",
    "ich bin nur eine ki",
    // Italian
    "come modello linguistico",
    "come modello di linguaggio",
    "in quanto modello linguistico",
    "come assistente ia",
    "in quanto ia",
    "come ia",
    "in quanto intelligenza artificiale",
    "come intelligenza artificiale",
    // Russian
    "как языковая модель",
    "как ии-ассистент",
    "как ии",
    "как искусственный интеллект",
    "я всего лишь ии",
    // Japanese
    "ai言語モデルとして",
    "言語モデルとして",
    "aiアシスタントとして",
    "aiとして",
    "人工知能として",
    // Korean
    "ai 언어 모델로서",
    "언어 모델로서",
    "ai 어시스턴트로서",
    "ai로서",
    "인공지능으로서",
];

/// Interjections before an opening in another language, with the mark after them: "Lo
/// siento, como modelo de lenguaje", "抱歉，作为一个人工智能". Lowercase.
const OTHER_INTERJECTIONS: &[&str] = &[
    "claro",
    "por supuesto",
    "lo siento",
    "desculpe",
    "désolé",
    "désolée",
    "bien sûr",
    "natürlich",
    "entschuldigung",
    "leider",
    "certo",
    "mi dispiace",
    "конечно",
    "извините",
    "к сожалению",
    "申し訳ありませんが",
    "すみません",
    "죄송합니다",
    "抱歉",
    "很抱歉",
    "非常抱歉",
    "对不起",
    "我抱歉",
    "不好意思",
    "喔不",
    "哦",
    "嗯",
    "好的",
    "当然",
    "是的",
];

/// The first words of [`OTHER_OPENINGS`] and [`OTHER_INTERJECTIONS`] in ASCII letters.
const FIRST_WORDS: &[&[u8]] = &[
    b"como",
    b"come",
    b"soy",
    b"solo",
    b"sou",
    b"en",
    b"je",
    b"als",
    b"ich",
    b"in",
    b"ai",
    b"claro",
    b"por",
    b"lo",
    b"desculpe",
    b"bien",
    b"entschuldigung",
    b"leider",
    b"certo",
    b"mi",
];

/// The AI nouns of a Chinese opening, after "作为" or "我是" (and a measure word).
const CHINESE_NOUNS: &[&str] = &["人工智能", "ai", "语言模型"];

/// What may follow a Chinese opening's noun for it to describe the model: punctuation, a
/// noun that goes on describing it (助手, 模型 ...), or the answer going on about itself
/// (我, 无法 ...). A role ("研究员") or a possessive ("的") is not.
const CHINESE_FOLLOWERS: &[&str] = &[
    "，",
    ",",
    "。",
    "！",
    "!",
    "：",
    ":",
    "；",
    "、",
    "助手",
    "助理",
    "程序",
    "模型",
    "语言模型",
    "机器人",
    "聊天机器人",
    "系统",
    "我",
    "无法",
    "不能",
    "没有",
    "并",
    "不",
    "只",
];

/// The opening in another language than English that `text` starts with (after at most
/// one interjection): the text it is in (from its first letter) and the phrase's length.
fn other_language_opening(text: &str) -> Option<(&str, usize)> {
    // Most answers are ruled out by their first word: every opening and interjection in
    // a Latin script starts with one of these, and the others with a letter beyond ASCII.
    let word: &[u8] = {
        let b = text.as_bytes();
        let n = b
            .iter()
            .position(|c| c.is_ascii() && !c.is_ascii_alphabetic())
            .unwrap_or(b.len());
        &b[..n]
    };
    if word.is_ascii() && !FIRST_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
        return None;
    }
    let lower = |t: &str, n: usize| -> String {
        t.chars()
            .take(n)
            .flat_map(char::to_lowercase)
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect()
    };
    let head = lower(text, 48);
    let mut skipped = 0;
    for word in OTHER_INTERJECTIONS {
        let Some(rest) = head.strip_prefix(word) else {
            continue;
        };
        let after = rest.trim_start_matches(['!', ',', '.', '，', '！', '。', '、']);
        if after.len() == rest.len() {
            continue;
        }
        let after = after.trim_start();
        // "对不起，但作为 ...", "抱歉，但是我是 ...".
        let after = ["但是", "但"]
            .iter()
            .find_map(|b| after.strip_prefix(b))
            .map_or(after, |a| a.trim_start_matches(['，', ',']).trim_start());
        skipped = head[..head.len() - after.len()].chars().count();
        break;
    }
    let at = text
        .char_indices()
        .nth(skipped)
        .map_or(text.len(), |(i, _)| i);
    let text = &text[at..];
    let head = lower(text, 40);
    let chars = OTHER_OPENINGS
        .iter()
        .filter(|o| head.starts_with(*o))
        .find(|o| {
            let after = &head[o.len()..];
            let strong = [
                "model",
                "modèle",
                "modell",
                "модель",
                "assist",
                "ассистент",
                "모델",
                "어시스턴트",
            ]
            .iter()
            .any(|w| o.contains(w));
            if strong {
                !after.starts_with(char::is_alphanumeric)
            } else {
                after.is_empty() || after.starts_with([',', '，', '、', '.', '。', '!', '！', ':'])
            }
        })
        .map(|o| o.chars().count())
        .or_else(|| chinese_opening(&head))?;
    Some((
        text,
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i),
    ))
}

/// A Chinese opening at the start of `head` (lowercase): "作为" or "(由于)我(只)是", a
/// measure word, at most four characters more ("大型", "文字型"), one of
/// [`CHINESE_NOUNS`], followed by one of [`CHINESE_FOLLOWERS`] or the end. Its length in
/// characters, through the noun.
fn chinese_opening(head: &str) -> Option<usize> {
    let rest = head.strip_prefix("作为").or_else(|| {
        let h = ["由于", "因为"]
            .iter()
            .find_map(|b| head.strip_prefix(b))
            .unwrap_or(head);
        ["我只是", "我是"].iter().find_map(|p| h.strip_prefix(p))
    })?;
    let rest = ["一个", "一名", "一位", "一款", "一种"]
        .iter()
        .find_map(|m| rest.strip_prefix(m))
        .unwrap_or(rest);
    for (skip, (at, _)) in rest.char_indices().enumerate().take(5) {
        if skip > 0 && rest[..at].contains(['，', ',', '。', '的']) {
            return None;
        }
        let from = rest[at..].trim_start();
        let Some(noun) = CHINESE_NOUNS.iter().find(|n| from.starts_with(*n)) else {
            continue;
        };
        let after = from[noun.len()..].trim_start();
        if after.is_empty() || CHINESE_FOLLOWERS.iter().any(|f| after.starts_with(f)) {
            let end = head.len() - from.len() + noun.len();
            return Some(head[..end].chars().count());
        }
        return None;
    }
    None
}

/// The length of a short interjection with its punctuation and spaces at the start of
/// `text` ("Sure! "), or 0.
fn interjection_len(text: &str) -> usize {
    let head: String = text
        .chars()
        .take(24)
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect();
    for word in INTERJECTIONS {
        let Some(rest) = head.strip_prefix(word) else {
            continue;
        };
        let after_mark = rest.trim_start_matches(['!', ',', '.']);
        if after_mark.len() == rest.len() || !after_mark.starts_with(' ') {
            continue;
        }
        let skipped = head.len() - after_mark.trim_start().len();
        // The skipped part is the word's letters, marks and spaces: one character each in
        // `head` and in `text`.
        let chars = head[..skipped].chars().count();
        return text
            .char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i);
    }
    0
}

/// The opening that `head` starts with describes the model: it ends the phrase ("As an
/// AI, I") or the next word goes on describing it ("As an AI language model"), rather
/// than making it a person's role ("As an AI researcher would tell you").
fn describes_model(head: &str, opening: &str) -> bool {
    let names_a_role = opening.starts_with("as a") || opening.ends_with(" an ai");
    if !names_a_role {
        return true;
    }
    let Some(rest) = head[opening.len()..].strip_prefix(' ') else {
        // "As an AI," "As an AI." or the end of the text.
        return true;
    };
    let next = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .next()
        .unwrap_or_default();
    // A word cut off by the end of the head is not judged.
    next.len() == rest.len() || SELF_DESCRIPTION.contains(&next)
}

/// The first sentence of `head` says who made the model or what it is called: "I am an AI
/// assistant developed by Acme", an identity answer to "Who are you?", not a disclaimer.
fn names_its_maker(head: &str) -> bool {
    let sentence = head.split(['.', '!', '?', ',']).next().unwrap_or_default();
    [" by ", " named ", " called "]
        .iter()
        .any(|w| sentence.contains(w))
}

/// `head` starts with `prefix` and the match ends at a word boundary ("as an aide" is fine).
fn starts_with_words(head: &str, prefix: &str) -> bool {
    head.starts_with(prefix) && !head[prefix.len()..].starts_with(|c: char| c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::{interjection_len, opening_len, other_language_opening};

    #[test]
    fn after_an_interjection() {
        for text in [
            "Sure! As an AI language model, I can help.",
            "Certainly. As of my knowledge cutoff, it was 8 billion.",
            "Of course, I\u{2019}m an AI, so I have no favourite.",
        ] {
            assert!(
                opening_len(&text[interjection_len(text)..]).is_some(),
                "{text}"
            );
        }
        assert_eq!(interjection_len("Sure thing, here it is."), 0);
        assert_eq!(interjection_len("Well-known tools are listed."), 0);
    }

    #[test]
    fn self_description() {
        for text in [
            "As an AI, I have no personal preference.",
            "As an AI I cannot browse the web.",
            "As an AI language model, I cannot do that.",
            "As an AI assistant, I can help.",
            "As an AI developed by OpenAI, I follow rules.",
            "As a large language model trained by Google, I answer.",
            "As an AI.",
            "As an AI",
            "I'm just an AI, but here is an idea.",
            "I'm an AI, so I don't have personal opinions.",
            "I am an AI and cannot feel hunger.",
            "As of my knowledge cutoff in September 2021, the record was 9.58 s.",
        ] {
            assert!(opening_len(text).is_some(), "{text}");
        }
    }

    #[test]
    fn roles() {
        for text in [
            "As an AI researcher would tell you, data quality matters.",
            "As an AI ethics professor, I would argue that surveillance erodes trust.",
            "As an AI engineer, you should log every prompt.",
            "As an AIrline partner, we fly daily.",
            "I'm an AI researcher at a small lab.",
            // Identity answers: who made the model, what it is called.
            "I am an AI assistant developed by Acme.",
            "I'm an AI assistant named Lumi.",
            "As of my last visit, the shop was open.",
        ] {
            assert_eq!(opening_len(text), None, "{text}");
        }
    }

    #[test]
    fn other_languages() {
        for (text, phrase) in [
            ("作为一个人工智能助手，我无法看到物体。", "作为一个人工智能"),
            ("作为语言模型，我没有办法做出多项式分解。", "作为语言模型"),
            (
                "抱歉，作为一个大型语言模型，我无法给出评价。",
                "作为一个大型语言模型",
            ),
            (
                "我抱歉，但作为一个语言模型，我无法找到。",
                "作为一个语言模型",
            ),
            (
                "作为一个文字型 AI 机器人，我不能为您录制。",
                "作为一个文字型 AI",
            ),
            (
                "由于我是一个人工智能语言模型，我无法获取实时信息。",
                "由于我是一个人工智能",
            ),
            ("作为AI，我没有实体。", "作为AI"),
            (
                "Como modelo de lenguaje, no tengo opiniones.",
                "Como modelo de lenguaje",
            ),
            ("Lo siento, como una IA, no puedo hacerlo.", "como una IA"),
            (
                "En tant qu\u{2019}IA, je ne peux pas.",
                "En tant qu\u{2019}IA",
            ),
            (
                "Als KI-Sprachmodell kann ich das nicht.",
                "Als KI-Sprachmodell",
            ),
            ("Als KI, kann ich das nicht.", "Als KI"),
            (
                "Entschuldigung, als KI-Sprachmodell kann ich das nicht.",
                "als KI-Sprachmodell",
            ),
            ("Как языковая модель, я не могу.", "Как языковая модель"),
            ("AIとして、私は意見を持ちません。", "AIとして"),
            ("AI 언어 모델로서 저는 의견이 없습니다.", "AI 언어 모델로서"),
        ] {
            let (at, n) = other_language_opening(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(&at[..n], phrase, "{text}");
        }
        for text in [
            "作为人工智能研究员，我认为数据很重要。",
            "作为人工智能的一个分支，机器学习很重要。",
            "人工智能（AI）是一门技术。",
            "我是 Lumi，由 Acme 开发的助手。",
            "Als KI bezeichnet man Systeme, die lernen.",
            "Como ianque, prefiero el norte.",
            "Como modelos de lenguaje grandes, los LLM aprenden.",
            "AIとして知られる技術です。",
            "Sure, here it is.",
        ] {
            assert_eq!(other_language_opening(text), None, "{text}");
        }
    }
}
