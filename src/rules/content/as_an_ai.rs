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
    /// "Certainly," "I'm sorry," "I apologize," or "Unfortunately," and a "but" after it
    /// ("Sure! As an AI language model, ...", "I'm sorry, but as an AI ..."; after a "but",
    /// the phrase must go on about the speaker: "Yes, but as an AI model improves" is about
    /// AI). An "As a ..." or "I'm an AI" opening counts when
    /// it ends the phrase ("As an AI, I ...") or goes on to describe the model ("As an AI
    /// language model", "As an AI assistant", "As an AI developed by ...", "As an AI I
    /// cannot"); where the next word makes it a person's role instead ("As an AI researcher
    /// would tell you", "As an AI ethics professor, I"), it is not self-description. "I'm an
    /// AI" or "I am an AI" that names the model's maker or name in its own clause or at the
    /// start of the next ("I am an AI assistant developed by Acme", "I'm an AI, named Lumi")
    /// is an identity answer, not a disclaimer, and is not reported.
    ///
    /// The same openings are found in Chinese, Simplified or Traditional ("作为一个人工智能
    /// 助手，", "作為一個人工智慧語言模型", "由于我是一个人工智能", "我只是一个语言模型", after at
    /// most one "抱歉，" or "对不起，但"), where the noun phrase ends, after any nouns going
    /// on describing the model (助手, 程序, 模型 ...), with punctuation, 我 or a
    /// verb such as 无法, 不能, 没有 ("作为人工智能研究员", "作为一名人工智能程序员",
    /// "作为人工智能助手的开发者" and "作为人工智能的一个分支" are not reported); and in Spanish,
    /// Portuguese, French, German, Italian, Russian, Japanese and Korean, after at most one
    /// interjection and "but" ("Lo siento, pero ..."): "as a language model" ("Como modelo
    /// de lenguaje", "Como modelo de IA", "En tant que modèle de langage", "Als KI-Modell",
    /// "Как языковая модель", "言語モデルとして", "AI 언어 모델로서") wherever a word ends,
    /// and "as an AI" ("Como IA", "En tant qu'IA", "Als KI", "Как ИИ", "AIとして") only
    /// before a comma or the end of a sentence, or before the speaker: "Als KI kann ich"
    /// (German's verb second, "ich" its subject) and "AIとして私は" ("Als KI aufkam, war ich"
    /// is about AI). Without a comma, a German opening needs "ich" within the next words
    /// ("Als KI-Modell habe ich", not the definition "Als Sprachmodell bezeichnet man") and a
    /// Japanese one 私 right after it ("AI言語モデルとして私は"); "Как ИИ, так и
    /// ..." ("both AI and ...") is not reported. The identity exception holds in every
    /// language: "我是一个AI助手，由Acme开发" and "Soy una IA, desarrollada por Acme" are not
    /// reported.
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
    "i am sorry",
    "i apologize",
    "i apologise",
    "my apologies",
    "apologies",
    "unfortunately",
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
    let Some((text, phrase_len)) = opening(trimmed) else {
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

/// The self-description `trimmed` opens with, in any language, after at most one
/// interjection: the text from the opening on, and the opening's length.
fn opening(trimmed: &str) -> Option<(&str, usize)> {
    let (skipped, after_but) = interjection_len(trimmed);
    let english = &trimmed[skipped..];
    opening_len(english)
        // After "..., but" the phrase may start a sentence about AI ("Yes, but as an AI
        // model improves, ..."): a disclaimer goes on about the speaker.
        .filter(|&n| !after_but || speaks_of_itself(&english[n..]))
        .map(|n| (english, n))
        .or_else(|| other_language_opening(trimmed))
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
    if matches!(*opening, "i'm an ai" | "i am an ai") && names_its_maker(&head[opening.len()..]) {
        return None;
    }
    let n = opening.chars().count();
    Some(text.char_indices().nth(n).map_or(text.len(), |(i, _)| i))
}

/// "As a language model" and "as an AI" in other languages than English, lowercase, with
/// straight apostrophes. A phrase naming a model or an assistant ([`STRONG_WORDS`])
/// counts wherever a word ends; the others ("como ia", "als ki") only before a comma or
/// the end of a sentence, since they also open sentences about AI ("Als KI bezeichnet man
/// ..."). [`fits_after`] has the exceptions of each language.
const OTHER_OPENINGS: &[&str] = &[
    // Spanish
    "como modelo de lenguaje",
    "como un modelo de lenguaje",
    "como modelo de ia",
    "como un modelo de ia",
    "como asistente de ia",
    "como un asistente de ia",
    "como una ia",
    "como ia",
    "como inteligencia artificial",
    "soy una ia",
    "solo soy una ia",
    // Portuguese
    "como modelo de linguagem",
    "como um modelo de linguagem",
    "como um modelo de ia",
    "como um assistente de ia",
    "como uma ia",
    "como inteligência artificial",
    "sou uma ia",
    // French
    "en tant que modèle de langage",
    "en tant que modèle d'ia",
    "en tant qu'assistant ia",
    "en tant qu'assistant d'ia",
    "en tant qu'ia",
    "en tant qu'intelligence artificielle",
    "je suis une ia",
    "je ne suis qu'une ia",
    // German
    "als sprachmodell",
    "als ki-sprachmodell",
    "als ki-modell",
    "als ki-assistent",
    "als ki",
    "als künstliche intelligenz",
    "ich bin eine ki",
    "ich bin nur eine ki",
    // Italian
    "come modello linguistico",
    "come modello di linguaggio",
    "come modello di ia",
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

/// Words that make an opening of [`OTHER_OPENINGS`] name a model or an assistant.
const STRONG_WORDS: &[&str] = &[
    "model",
    "modèle",
    "modell",
    "модель",
    "assist",
    "ассистент",
    "モデル",
    "アシスタント",
    "모델",
    "어시스턴트",
];

/// The openings of [`OTHER_OPENINGS`] that say "I am an AI": like "I am an AI" in English,
/// they are identity answers when they go on to name the model or its maker ("Soy una IA,
/// desarrollada por Acme").
const IDENTITY_OPENINGS: &[&str] = &[
    "soy una ia",
    "sou uma ia",
    "je suis une ia",
    "ich bin eine ki",
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
    "對不起",
    "我抱歉",
    "不好意思",
    "喔不",
    "哦",
    "嗯",
    "好的",
    "当然",
    "當然",
    "是的",
];

/// "But" after an interjection: "Lo siento, pero como modelo de lenguaje", "对不起，但作为".
/// A word in a script with spaces carries its space.
const BUTS: &[&str] = &[
    "pero ",
    "mas ",
    "mais ",
    "aber ",
    "ma ",
    "но ",
    "하지만 ",
    "但是",
    "但",
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

/// The first `n` characters of `text`, lowercase, with straight apostrophes.
fn lower_head(text: &str, n: usize) -> String {
    text.chars()
        .take(n)
        .flat_map(char::to_lowercase)
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect()
}

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
    let head = lower_head(text, 48);
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
        let after = BUTS
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
    let head = lower_head(text, 60);
    let opening = OTHER_OPENINGS
        .iter()
        .filter(|o| head.starts_with(*o))
        .find(|o| fits_after(o, &head[o.len()..]));
    let chars = match opening {
        Some(o) => {
            if IDENTITY_OPENINGS.contains(o) && names_its_maker(&lower_head(text, 120)[o.len()..]) {
                return None;
            }
            o.chars().count()
        }
        None => chinese_opening(text)?,
    };
    Some((
        text,
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i),
    ))
}

/// Marks that end an opening's phrase.
const PHRASE_ENDS: &[char] = &[',', '，', '、', '.', '。', '!', '！', ':', '：', ';', '；'];

/// `opening` of [`OTHER_OPENINGS`], followed by `after`, is the model describing itself.
fn fits_after(opening: &str, after: &str) -> bool {
    if after.is_empty() || after.starts_with(PHRASE_ENDS) {
        // "Как ИИ, так и люди ...": "both AI and people".
        let coordination = opening.starts_with("как ")
            && after
                .strip_prefix(',')
                .is_some_and(|a| a.trim_start().starts_with("так и "));
        return !coordination;
    }
    if !STRONG_WORDS.iter().any(|w| opening.contains(w)) {
        // The short ones ("Als KI", "AIとして") also open sentences about AI; only the
        // speaker right after them makes them self-description: "AIとして私は", and German's
        // verb second with "ich" its subject, "Als KI kann ich" ("Als KI aufkam, war ich"
        // is "when AI came", its clause ends first).
        if opening.ends_with("として") {
            return starts_with_watashi(after);
        }
        if opening.starts_with("als ") && after.starts_with(' ') {
            let clause = after.split(PHRASE_ENDS).next().unwrap_or_default();
            return clause.split_whitespace().nth(1) == Some("ich");
        }
        return false;
    }
    if opening.ends_with("として") {
        // Japanese runs on without a space: "AI言語モデルとして私は" is the model, but
        // "言語モデルとして広く使われている" ("widely used as a language model") is not.
        return starts_with_watashi(after);
    }
    if after.starts_with(char::is_alphanumeric) {
        return false;
    }
    if opening.starts_with("als ") {
        // German puts the verb second and the subject after it: "Als KI-Modell habe ich"
        // is the model; "Als Sprachmodell bezeichnet man ..." and "Als KI-Assistent wird
        // ein Programm bezeichnet" are definitions.
        let clause = after.split(PHRASE_ENDS).next().unwrap_or_default();
        return clause
            .split_whitespace()
            .take(4)
            .any(|w| matches!(w, "ich" | "mir" | "mich"));
    }
    true
}

/// Japanese text that starts with "I" (私, わたし, 僕).
fn starts_with_watashi(text: &str) -> bool {
    ["私", "わたし", "僕"].iter().any(|i| text.starts_with(i))
}

/// Traditional Chinese characters of the openings, as Simplified ones: one character for
/// one, so that lengths in characters are the same.
fn simplified(c: char) -> char {
    match c {
        '為' => '为',
        '於' => '于',
        '個' => '个',
        '種' => '种',
        '語' => '语',
        '機' => '机',
        '統' => '统',
        '無' => '无',
        '沒' => '没',
        '並' => '并',
        '發' => '发',
        '開' => '开',
        '練' => '练',
        '訓' => '训',
        '設' => '设',
        '計' => '计',
        '創' => '创',
        '稱' => '称',
        '這' => '这',
        _ => c,
    }
}

/// The AI nouns of a Chinese opening, after "作为" or "我是" (and a measure word), in
/// Simplified characters.
const CHINESE_NOUNS: &[&str] = &["人工智能", "人工智慧", "ai", "语言模型"];

/// Nouns that may follow a Chinese opening's noun and go on describing the model: "人工智能
/// 助手", "人工智能语言模型", "人工智能助手程序".
const CHINESE_NOUN_TAILS: &[&str] = &[
    "助手",
    "助理",
    "程序",
    "程式",
    "语言模型",
    "模型",
    "聊天机器人",
    "机器人",
    "系统",
];

/// What may follow a Chinese opening's noun phrase for it to describe the model:
/// punctuation or the answer going on about itself (我, 无法 ...). Anything else makes the
/// phrase longer: a role ("人工智能程序员", "人工智能系统工程师") or a possessive
/// ("人工智能助手的开发者").
const CHINESE_GOES_ON: &[&str] = &["我", "无法", "不能", "没有", "并", "不", "只"];

/// A Chinese opening at the start of `text`, Simplified or Traditional: "作为" or
/// "(由于)我(只)是", a measure word, at most four characters more ("大型", "文字型"), one
/// of [`CHINESE_NOUNS`] and any of [`CHINESE_NOUN_TAILS`], then the end, punctuation or
/// one of [`CHINESE_GOES_ON`]. Its length in characters, through the noun; `None` as well
/// for an identity answer ("我是一个AI助手，由Acme开发").
fn chinese_opening(text: &str) -> Option<usize> {
    let head: String = lower_head(text, 60).chars().map(simplified).collect();
    let head = head.as_str();
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
    // "作为一个由OpenAI训练的语言模型": who made it, before the noun.
    let rest = made_by(rest).unwrap_or(rest);
    for (skip, (at, _)) in rest.char_indices().enumerate().take(5) {
        if skip > 0 && rest[..at].contains(['，', ',', '。', '的']) {
            return None;
        }
        let from = rest[at..].trim_start();
        let Some(noun) = CHINESE_NOUNS.iter().find(|n| from.starts_with(*n)) else {
            continue;
        };
        let mut after = from[noun.len()..].trim_start();
        while let Some(tail) = CHINESE_NOUN_TAILS
            .iter()
            .find_map(|t| after.strip_prefix(t))
        {
            after = tail.trim_start();
        }
        let ends = after.is_empty()
            || after.starts_with(PHRASE_ENDS)
            || after.starts_with(['！', '？', '?'])
            || CHINESE_GOES_ON.iter().any(|g| after.starts_with(g));
        if !ends || (head.starts_with("我是") && chinese_identity(after)) {
            return None;
        }
        let end = head.len() - from.len() + noun.len();
        return Some(head[..end].chars().count());
    }
    None
}

/// The verbs of making a model, in Simplified characters (a Traditional text is read
/// through [`simplified`]).
const CHINESE_MAKER_VERBS: &[&str] = &[
    "开发", "研发", "打造", "训练", "创建", "创造", "设计", "推出",
];

/// `rest` opens with who made the model, "由OpenAI训练的": the text after its "的".
fn made_by(rest: &str) -> Option<&str> {
    let clause = rest.strip_prefix('由')?;
    let end = clause.find('的')?;
    let maker = &clause[..end];
    (maker.chars().count() <= 20
        && !maker.contains(['，', ',', '。'])
        && CHINESE_MAKER_VERBS.iter().any(|v| maker.ends_with(v)))
    .then(|| &clause[end + '的'.len_utf8()..])
}

/// After a "我是一个人工智能助手" opening, `rest` (Simplified) names the model or its
/// maker in the same clause or the next: "，名叫Lumi", "，由Acme开发".
fn chinese_identity(rest: &str) -> bool {
    rest.split(['，', ',', '。', '！', '？', '；', '!', '?', ';'])
        .take(2)
        .any(|clause| {
            let made = CHINESE_MAKER_VERBS.iter().any(|v| clause.contains(v));
            ["名叫", "名为", "叫做", "我叫", "名字是", "名字叫"]
                .iter()
                .any(|n| clause.contains(n))
                || made && (clause.starts_with('由') || clause.contains("的"))
        })
}

/// After an opening reached through "..., but": the rest of its clause is words that go on
/// describing the model ("language model") ended by a mark, or speaks of the speaker ("I",
/// "my"): "I'm sorry, but as an AI language model, I cannot", not "Yes, but as an AI model
/// improves, it" or "Sorry, but as an AI-generated image".
fn speaks_of_itself(after: &str) -> bool {
    let head = lower_head(after, 60);
    let clause_end = head.find([',', '.', ';', ':', '!', '?']);
    let clause = &head[..clause_end.unwrap_or(head.len())];
    let words: Vec<&str> = clause
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let first_person = ["i", "i'm", "i've", "i'd", "my", "me", "myself"];
    words.iter().any(|w| first_person.contains(w))
        || (clause_end.is_some()
            && !clause.contains('-')
            && words.iter().all(|w| SELF_DESCRIPTION.contains(w)))
}

/// The length of a short interjection with its punctuation and spaces at the start of
/// `text` ("Sure! ", "I'm sorry, but "), or 0, and whether a "but" was part of it.
fn interjection_len(text: &str) -> (usize, bool) {
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
        // "I'm sorry but as an AI ..." has no mark before its "but".
        let unmarked_but = after_mark.len() == rest.len() && rest.starts_with(" but ");
        if !unmarked_but && (after_mark.len() == rest.len() || !after_mark.starts_with(' ')) {
            continue;
        }
        let after = after_mark.trim_start();
        // "I'm sorry, but as an AI language model, ...".
        let but = after.strip_prefix("but ");
        let after = but.unwrap_or(after).trim_start();
        let skipped = head.len() - after.len();
        // The skipped part is the word's letters, marks and spaces: one character each in
        // `head` and in `text`.
        let chars = head[..skipped].chars().count();
        let at = text
            .char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i);
        return (at, but.is_some());
    }
    (0, false)
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

/// After an "I am an AI" opening, `rest` says who made the model or what it is called: "I
/// am an AI assistant developed by Acme", "I'm an AI, named Lumi", an identity answer to
/// "Who are you?", not a disclaimer. The maker or name must come in the opening's own
/// clause or open the next one ("I'm an AI, so I can't tell time by the sun" is reported).
fn names_its_maker(rest: &str) -> bool {
    let mut clauses = rest.split(['.', '!', '?', ',', ';', ':']);
    let first = clauses.next().unwrap_or_default();
    [" by ", " named ", " called "]
        .iter()
        .any(|w| first.contains(w))
        || clauses.next().is_some_and(opens_with_maker)
}

/// Participles that, followed by [`MAKER_PREPOSITIONS`], name who made the model:
/// "developed by", "desarrollada por", "entwickelt von". Lowercase stems.
const MAKER_PARTICIPLES: &[&str] = &[
    "developed",
    "created",
    "made",
    "built",
    "trained",
    "designed",
    "powered",
    "programmed",
    "desarrollad",
    "cread",
    "entrenad",
    "diseñad",
    "programad",
    "hech",
    "desenvolvid",
    "criad",
    "treinad",
    "projetad",
    "feit",
    "développé",
    "créé",
    "entraîné",
    "conçu",
    "programmé",
    "entwickelt",
    "erstellt",
    "trainiert",
    "programmiert",
    "entworfen",
    "sviluppat",
    "creat",
    "addestrat",
    "progettat",
];

/// "by" in the languages of [`MAKER_PARTICIPLES`].
const MAKER_PREPOSITIONS: &[&str] = &[
    "by", "por", "pela", "pelo", "par", "von", "vom", "da", "dal", "dalla", "dai",
];

/// Clause openings that name the model or its maker without a participle: "named Lumi",
/// "me llamo Lumi", "von Acme entwickelt", "die von Acme entwickelt wurde". Lowercase.
const NAMING: &[&str] = &[
    "named ",
    "called ",
    "my name ",
    "llamad",
    "me llamo ",
    "mi nombre ",
    "de nombre ",
    "chamad",
    "me chamo ",
    "meu nome ",
    "appelé",
    "nommé",
    "je m'appelle ",
    "mon nom ",
    "namens ",
    "genannt ",
    "ich heiße ",
    "mein name ",
    "von ",
    "die von ",
    "der von ",
    "mi chiamo ",
    "chiamat",
];

/// `clause` (lowercase, straight apostrophes) opens by naming the model or its maker:
/// "developed by Acme", "desarrollada por Acme", "named Lumi".
fn opens_with_maker(clause: &str) -> bool {
    let clause = clause.trim_start();
    if NAMING.iter().any(|n| clause.starts_with(n)) {
        return true;
    }
    let mut words = clause.split_whitespace();
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return false;
    };
    MAKER_PARTICIPLES.iter().any(|p| first.starts_with(p)) && MAKER_PREPOSITIONS.contains(&second)
}

/// `head` starts with `prefix` and the match ends at a word boundary ("as an aide" is fine).
fn starts_with_words(head: &str, prefix: &str) -> bool {
    head.starts_with(prefix) && !head[prefix.len()..].starts_with(|c: char| c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::{interjection_len, opening, opening_len, other_language_opening};

    #[test]
    fn after_an_interjection() {
        for text in [
            "Sure! As an AI language model, I can help.",
            "Certainly. As of my knowledge cutoff, it was 8 billion.",
            "Of course, I\u{2019}m an AI, so I have no favourite.",
        ] {
            assert!(
                opening_len(&text[interjection_len(text).0..]).is_some(),
                "{text}"
            );
        }
        assert_eq!(interjection_len("Sure thing, here it is."), (0, false));
        assert_eq!(interjection_len("Well-known tools are listed."), (0, false));
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
            ("AIとして私は意見を持ちません。", "AIとして"),
            ("Als KI kann ich das nicht beurteilen.", "Als KI"),
            ("Leider, aber als KI habe ich keinen Zugang.", "als KI"),
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
            "Als KI aufkam, war ich skeptisch.",
            "Als KI mich zum ersten Mal überraschte, lachte ich.",
            "Als KI-Forscherin kann ich das erklären.",
            "AIとして知られる技術で、私は使っています。",
            "Como ianque, prefiero el norte.",
            "Como modelos de lenguaje grandes, los LLM aprenden.",
            "AIとして知られる技術です。",
            "Sure, here it is.",
        ] {
            assert_eq!(other_language_opening(text), None, "{text}");
        }
    }

    /// The phrase that `text` is reported for, in any language.
    fn reported(text: &str) -> Option<&str> {
        opening(text).map(|(at, n)| &at[..n])
    }

    /// "But" after an interjection, with or without a comma, and the apologies that open
    /// disclaimers; after a "but", the phrase must go on about the speaker (s14e).
    #[test]
    fn apologies_and_buts() {
        for (text, phrase) in [
            (
                "I am sorry, but as an AI language model, I cannot browse.",
                "as an AI",
            ),
            ("I apologize, but as an AI, I have no opinions.", "as an AI"),
            (
                "Unfortunately, as an AI language model, I cannot see images.",
                "as an AI",
            ),
            ("I'm sorry but as an AI I cannot do that.", "as an AI"),
            (
                "Sorry, but as a language model I have no access.",
                "as a language model",
            ),
        ] {
            assert_eq!(reported(text), Some(phrase), "{text}");
        }
        for text in [
            "Yes, but as an AI model improves, it needs more data.",
            "Sorry, but as an AI-generated image, it cannot be copyrighted.",
            "No, but as an AI system scales, costs grow.",
        ] {
            assert_eq!(reported(text), None, "{text}");
        }
    }

    /// Who made the model may stand before the noun (s14e).
    #[test]
    fn chinese_maker_before_the_noun() {
        for (text, phrase) in [
            (
                "作为一个由OpenAI训练的语言模型，我无法访问互联网。",
                "作为一个由OpenAI训练的语言模型",
            ),
            (
                "作為一個由OpenAI訓練的語言模型，我無法訪問互聯網。",
                "作為一個由OpenAI訓練的語言模型",
            ),
        ] {
            assert_eq!(reported(text), Some(phrase), "{text}");
        }
        assert_eq!(
            reported("作为一个由数据驱动的行业，金融业很重视模型。"),
            None
        );
    }

    #[test]
    fn chinese_roles_after_the_noun() {
        for text in [
            "作为一名人工智能程序员，我每天都要调试训练脚本。",
            "我是一名人工智能系统工程师，负责模型的部署和监控。",
            "作为AI模型训练师，我建议先清洗数据再开始训练。",
            "作为人工智能助手的开发者，我们必须重视用户隐私。",
            "作为语言模型研究者，我关注评测。",
            "作為一名人工智慧程式設計師，我每天寫程式。",
        ] {
            assert_eq!(reported(text), None, "{text}");
        }
        for (text, phrase) in [
            ("作为人工智能程序，我无法拥有超能力。", "作为人工智能"),
            (
                "由于我是一个人工智能助手程序，我无法直接提供。",
                "由于我是一个人工智能",
            ),
            (
                "我是一个语言模型不能回答有关具体年份的信息。",
                "我是一个语言模型",
            ),
            ("作为一个AI助手我可以帮你。", "作为一个AI"),
            ("作为一名人工智能系统，我没有情感。", "作为一名人工智能"),
        ] {
            assert_eq!(reported(text), Some(phrase), "{text}");
        }
    }

    #[test]
    fn definitions_and_coordination() {
        for text in [
            "Als Sprachmodell bezeichnet man ein statistisches Modell der Wortfolgen.",
            "Als KI-Assistent wird ein Programm bezeichnet, das Fragen beantwortet.",
            "Als KI-Modell gilt jedes System, das aus Daten lernt.",
            "Как искусственный интеллект, так и машинное обучение быстро развиваются.",
            "Как ИИ, так и люди могут ошибаться в таких задачах.",
            "Как языковая модель, так и поисковик могут ошибаться.",
            "言語モデルとして広く使われているのはGPTです。",
            "言語モデルとしての役割を説明します。",
        ] {
            assert_eq!(reported(text), None, "{text}");
        }
        for (text, phrase) in [
            (
                "Als Sprachmodell kann ich das nicht beurteilen.",
                "Als Sprachmodell",
            ),
            (
                "Als KI-Sprachmodell ist es mir nicht möglich.",
                "Als KI-Sprachmodell",
            ),
            (
                "Als KI-Assistent, der von Acme trainiert wurde, helfe ich.",
                "Als KI-Assistent",
            ),
            ("Как ИИ, я не могу.", "Как ИИ"),
            ("Как языковая модель, я не могу.", "Как языковая модель"),
        ] {
            assert_eq!(reported(text), Some(phrase), "{text}");
        }
    }

    #[test]
    fn identity_answers_in_every_language() {
        for text in [
            "I am an AI assistant named Lumi, developed by Acme.",
            "I'm an AI, developed by Acme.",
            "I am an AI, named Lumi.",
            "我是一个人工智能助手，名叫Lumi，由Acme开发。",
            "我是一个AI助手，由 Acme 公司开发。",
            "我是一個人工智慧助手，由Acme開發。",
            "我是一个AI助手，是Acme研发的。",
            "Soy una IA, desarrollada por Acme.",
            "Soy una IA, llamada Lumi.",
            "Sou uma IA, criada pela Acme.",
            "Je suis une IA, développée par Acme.",
            "Ich bin eine KI, entwickelt von Acme.",
            "Ich bin eine KI, die von Acme entwickelt wurde.",
        ] {
            assert_eq!(reported(text), None, "{text}");
        }
        for (text, phrase) in [
            ("I'm an AI, so I can't tell time by the sun.", "I'm an AI"),
            ("I am an AI, created to help.", "I am an AI"),
            (
                "我是一个人工智能助手，我的程序旨在提供客观建议。",
                "我是一个人工智能",
            ),
            ("我是一个AI助手，无法开发软件。", "我是一个AI"),
            (
                "由于我是一个人工智能，由我来回答并不合适。",
                "由于我是一个人工智能",
            ),
            ("Soy una IA, por lo que no tengo opiniones.", "Soy una IA"),
            ("Soy una IA, así que no puedo.", "Soy una IA"),
            (
                "Ich bin eine KI, daher kann ich das nicht.",
                "Ich bin eine KI",
            ),
        ] {
            assert_eq!(reported(text), Some(phrase), "{text}");
        }
    }

    #[test]
    fn but_after_an_interjection() {
        for (text, phrase) in [
            (
                "I'm sorry, but as an AI language model, I cannot.",
                "as an AI",
            ),
            (
                "Lo siento, pero como modelo de lenguaje, no puedo.",
                "como modelo de lenguaje",
            ),
            (
                "Désolé, mais en tant que modèle de langage, je ne peux pas.",
                "en tant que modèle de langage",
            ),
            (
                "Entschuldigung, aber als KI-Sprachmodell kann ich nicht surfen.",
                "als KI-Sprachmodell",
            ),
            (
                "Mi dispiace, ma come modello linguistico non posso.",
                "come modello linguistico",
            ),
            (
                "Desculpe, mas como modelo de linguagem, não posso.",
                "como modelo de linguagem",
            ),
            (
                "Извините, но как языковая модель, я не могу.",
                "как языковая модель",
            ),
            (
                "對不起，但作為一個語言模型，我無法回答。",
                "作為一個語言模型",
            ),
        ] {
            assert_eq!(reported(text), Some(phrase), "{text}");
        }
        for text in [
            "I'm sorry, but as an AI researcher would tell you, it depends.",
            "Lo siento, pero como modelos de lenguaje grandes, los LLM fallan.",
            "Lo siento, pero no puedo.",
            "Entschuldigung, aber als Sprachmodell bezeichnet man etwas anderes.",
        ] {
            assert_eq!(reported(text), None, "{text}");
        }
    }

    #[test]
    fn more_openings() {
        for (text, phrase) in [
            (
                "Como modelo de IA, no tengo opiniones personales.",
                "Como modelo de IA",
            ),
            (
                "Como un modelo de IA no tengo opiniones.",
                "Como un modelo de IA",
            ),
            (
                "Como inteligencia artificial, no puedo.",
                "Como inteligencia artificial",
            ),
            (
                "Als KI-Modell habe ich keine persönlichen Meinungen.",
                "Als KI-Modell",
            ),
            (
                "作為一個人工智慧語言模型，我無法提供即時資訊。",
                "作為一個人工智慧",
            ),
            ("作為AI，我沒有實體。", "作為AI"),
            (
                "由於我是一個語言模型，無法提供路線。",
                "由於我是一個語言模型",
            ),
            (
                "AI言語モデルとして私は個人的な意見を持ちません。",
                "AI言語モデルとして",
            ),
            ("言語モデルとして、意見はありません。", "言語モデルとして"),
        ] {
            assert_eq!(reported(text), Some(phrase), "{text}");
        }
        for text in [
            "Como modelo de ianque, no sé.",
            "Como inteligencia artificial general se entiende otra cosa.",
            "Als KI-Modelle bezeichnet man lernende Systeme.",
            "作為人工智慧研究員，我認為數據很重要。",
            "作為人工智慧的一個分支，機器學習很重要。",
        ] {
            assert_eq!(reported(text), None, "{text}");
        }
    }
}
