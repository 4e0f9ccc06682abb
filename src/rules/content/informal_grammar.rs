//! C008 informal-grammar.

use std::sync::LazyLock;

use aho_corasick::packed::Searcher;

use crate::context::RecordContext;
use crate::declare_rule;
use crate::literals;
use crate::record::{Message, Role};
use crate::rules::Code;
use crate::rules::content::prose::{self, Mask, Quotations};

declare_rule! {
    /// ## What it does
    /// Reports an assistant message written like a text message. The signs:
    ///
    /// - text-speak words standing alone: `ur`, `pls`, `plz`, `thx`, `thnx`, `tnx`, `b4`,
    ///   `gr8`, `l8r`, `idk`, `imo`, `btw`, `omg`, `lol`, `cuz`, `coz`, in lowercase or with
    ///   a capital (`Thx`, `Btw`; not `Ur`, a city, nor `B4`, a paper size) but not in
    ///   capitals (`IMO` is an organisation); `ur` not among Swedish, Danish or Norwegian
    ///   words (more of the words near it on its line common words of those languages than
    ///   of English), where it is "out of" (`ta ut boken ur väskan`) or "watch";
    /// - `u` for "you" and `r` for "are" beside a word that shows it (`thank u`, `u can`,
    ///   `r u`), so the vector in "let u be a vector" is not one;
    /// - `2` for "to" between a word that takes "to" and a verb or pronoun (`want 2 go`,
    ///   `nice 2 meet u`), and `4` for "for" between a lowercase word and a pronoun
    ///   (`thanks 4 ur help`), so "add 2 cups" and "the next 2 buy" are not one;
    /// - the pronoun `i` in lowercase (`i think`, `i'm`);
    /// - a sentence that starts in lowercase: the message itself, when its first line opens
    ///   with a sentence of three or more words of plain prose (so `def main():` and
    ///   `import os` are not one) and its first word is not a name written in lowercase: a
    ///   word with a digit (`boto3`), a word written in code elsewhere in the message
    ///   (`` `pandas` ``), or a tool, library or command known by its lowercase name
    ///   (`pandas`, `numpy`, `git`, `npm`, `pip`, `ffmpeg`, `curl`, ...); or a word after `.`, `!` or `?` and a space, when the word
    ///   before is a lowercase word that is not an abbreviation (`e.g.`, `etc.`, `vs.`,
    ///   `approx.`, `pop.`, `rd.`, ...), a roman list number (`iii.`) or part of an ellipsis;
    /// - two or more exclamation marks after a word (`Thanks!!`).
    ///
    /// Deliberately not matched: signs inside code (fenced blocks, inline code, `<pre>`,
    /// `<code>`, and lines with `//`, `/*`, `{` or `}`, which are code even without a fence),
    /// inside URLs, right after an opening quotation mark (`the word "u"`) and anywhere inside
    /// a quotation, between an opening mark and its closing mark (the user's own words quoted
    /// back: `the statement "so yeah i could too"`, `"Extreme Battle!!!"`); words glued to
    /// other characters (`u_id`, `$u`, `u-substitution`). Only assistant messages are checked:
    /// users write as they like, and the model should answer well regardless. Each message is
    /// reported once, at its first sign, with the number of other signs. The completion of a
    /// prompt-completion record goes on from its prompt's text, so its lowercase start is no
    /// sign.
    ///
    /// ## Why is this bad?
    /// The model imitates the register of its training answers. A handful of answers in
    /// text-speak or without capitals is enough to make the model slip into that voice with
    /// real customers; the lesson's checklist asks for consistent, professional writing in
    /// every example.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I return a bike I bought last week?"}, {"role": "assistant", "content": "Sure, u can return it within 30 days. Bring the receipt pls."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I return a bike I bought last week?"}, {"role": "assistant", "content": "Yes, you can return it within 30 days. Please bring the receipt."}]}
    /// ```
    pub static INFORMAL_GRAMMAR = {
        code: "C008",
        name: "informal-grammar",
        level: Warning,
        summary: "assistant text-speak (\"u\", \"ur\", \"2\" for \"to\", \"pls\", \"thx\"), lowercase sentence start, \"!!\"",
    };
}

/// Text-speak that is never a word of careful English, with what it stands for.
const TEXT_SPEAK: &[(&str, &str)] = &[
    ("ur", "your"),
    ("pls", "please"),
    ("plz", "please"),
    ("thx", "thanks"),
    ("thnx", "thanks"),
    ("tnx", "thanks"),
    ("b4", "before"),
    ("gr8", "great"),
    ("l8r", "later"),
    ("idk", "I don't know"),
    ("imo", "in my opinion"),
    ("btw", "by the way"),
    ("omg", "oh my god"),
    ("lol", "a full sentence"),
    ("cuz", "because"),
    ("coz", "because"),
];

/// Words that, next to a lone `u` or `r`, show it means "you" or "are".
const YOU_BEFORE: &[&str] = &[
    "thank", "thanks", "see", "love", "miss", "are", "r", "do", "did", "can", "could", "will",
    "would", "help", "tell", "ask", "meet", "get", "got", "give", "send", "show", "call", "text",
    "hope", "if", "when", "have", "told", "for", "with", "bless",
];
const YOU_AFTER: &[&str] = &[
    "are", "r", "can", "could", "will", "would", "should", "have", "need", "want", "know", "get",
    "got", "were", "may", "might", "must", "think", "like", "see", "go", "did", "do", "ll", "re",
    "ve", "wanna", "gonna",
];

/// `2` means "to" between one of these words and a verb (`want 2 go`): "the next 2 buy"
/// and "have 2 cats" are numbers.
const TO_BEFORE: &[&str] = &[
    "want", "wants", "need", "needs", "going", "have", "has", "had", "got", "able", "trying",
    "try", "like", "love", "hate", "nice", "good", "great", "hard", "easy", "happy", "glad",
    "sorry", "ready", "used", "supposed", "hope", "plan", "decided", "forgot", "remember", "time",
    "way", "how", "back", "welcome", "talk", "listen", "go", "come", "up",
];
const TO_AFTER: &[&str] = &[
    "be", "go", "do", "see", "get", "help", "know", "me", "u", "you", "ur", "your", "hear", "talk",
    "meet", "say", "come", "make", "check", "call", "buy", "pay", "ask", "try", "find", "use",
    "visit", "reach",
];
/// Words after `4` that show it means "for" (`thanks 4 ur help`).
const FOR_AFTER: &[&str] = &["u", "you", "ur", "your", "me", "us", "now", "sure"];

/// Words after a lowercase `i` that show it is the pronoun.
const I_AFTER: &[&str] = &[
    "am",
    "was",
    "think",
    "have",
    "had",
    "will",
    "would",
    "can",
    "could",
    "do",
    "did",
    "know",
    "want",
    "need",
    "love",
    "like",
    "guess",
    "mean",
    "hope",
    "feel",
    "just",
    "really",
    "see",
    "understand",
    "recommend",
    "suggest",
    "believe",
];

/// Tools, libraries and commands whose names are written in lowercase, so an answer may
/// open with one (`pandas is a Python library`). English words (`make`, `requests`,
/// `black`) are left out: a sentence that opens with one in lowercase is still a sign.
const LOWERCASE_NAMES: &[&str] = &[
    "apt",
    "awk",
    "bash",
    "brew",
    "cd",
    "chmod",
    "chown",
    "clang",
    "cmake",
    "conda",
    "cp",
    "crontab",
    "curl",
    "dnf",
    "dpkg",
    "eslint",
    "ffmpeg",
    "ffprobe",
    "gcc",
    "gdb",
    "git",
    "gofmt",
    "grep",
    "gunicorn",
    "gzip",
    "htop",
    "iptables",
    "jq",
    "kubectl",
    "lodash",
    "ls",
    "matplotlib",
    "mkdir",
    "mv",
    "mypy",
    "nginx",
    "nmap",
    "npm",
    "npx",
    "numpy",
    "nvm",
    "openssl",
    "pandas",
    "pip",
    "pipenv",
    "pipx",
    "pnpm",
    "pyenv",
    "pylint",
    "pytest",
    "rm",
    "rsync",
    "ruff",
    "rustc",
    "rustup",
    "scikit",
    "scipy",
    "scp",
    "seaborn",
    "sed",
    "sklearn",
    "spacy",
    "ssh",
    "sudo",
    "systemctl",
    "tar",
    "tmux",
    "torch",
    "tqdm",
    "uvicorn",
    "venv",
    "vim",
    "virtualenv",
    "webpack",
    "wget",
    "xargs",
    "yum",
    "zsh",
];

/// The first word of a message is a name written in lowercase: with a digit (`boto3`),
/// written as code elsewhere in the text (`` `pandas` ``), or a known tool or library.
fn is_lowercase_name(text: &str, word: &str, token: &str) -> bool {
    if LOWERCASE_NAMES.contains(&word) || token.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    let mut quoted = text.match_indices('`').map(|(i, _)| i + 1);
    quoted.any(|at| {
        text[at..].starts_with(word)
            && !text[at + word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
    })
}

/// Lowercase abbreviations that end in a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "etc", "vs", "approx", "incl", "esp", "misc", "ca", "cf", "al", "resp", "min", "max", "sec",
    "hr", "hrs", "mins", "lb", "lbs", "oz", "ft", "in", "no", "nos", "fig", "figs", "vol", "ed",
    "eds", "jr", "sr", "dept", "est", "st", "ave", "inc", "ltd", "co", "corp", "pp", "ch", "op",
    "cit", "viz", "mr", "mrs", "ms", "dr", "prof", "gen", "gov", "govt", "tel", "ext", "mt", "km",
    "kg", "mg", "ml", "cm", "mm", "sq", "yr", "yrs", "wk", "mo", "pt", "pts", "qt", "tbsp", "tsp",
    "temp", "avg", "dist", "div", "var", "ref", "cal", "kcal", "pop", "rd",
];

/// One sign of informal writing: where it is and how to put it.
struct Sign {
    range: std::ops::Range<usize>,
    what: String,
    /// `ur`, a sign only outside Nordic text: Swedish for "out of", Danish for "watch".
    english: bool,
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    if message.role != Role::Assistant {
        return;
    }
    // A prompt-completion record's completion is the rest of its prompt's text.
    let continues = ctx.format.read_as() == crate::settings::FormatChoice::PromptCompletion;
    for text in message.content.texts() {
        let signs = signs(&text.value, continues);
        let Some(first) = signs.first() else {
            continue;
        };
        let more = match signs.len() {
            1 => String::new(),
            2 => " (and 1 more sign)".to_owned(),
            n => format!(" (and {} more signs)", n - 1),
        };
        let span = text.sub_span(ctx.text, first.range.clone());
        // Plain text (the `text` format) is nobody's turn.
        let place = if ctx.format.read_as() == crate::settings::FormatChoice::Text {
            "text"
        } else {
            "assistant content"
        };
        ctx.report(
            Code::C008,
            span,
            format!(
                "informal writing in {place}: {}{more}",
                if place == "text" {
                    first
                        .what
                        .replacen("the answer starts", "the text starts", 1)
                } else {
                    first.what.clone()
                }
            ),
        );
        return;
    }
}

/// One-letter text-speak after a space and before a delimiter. The text-speak words have
/// their own searcher: apart, each keeps its SIMD prefilter precise (together, `" u"` and
/// `"pls"` would let every `" us"` through).
const SHORT: &[&str] = &[
    " u ",
    " u,",
    " u.",
    " u!",
    " u?",
    " r ",
    " 2 ",
    " 4 ",
    " i ",
    " i'",
    " i\u{2019}",
    " ur ",
    " ur,",
    " ur.",
];

static SHORT_WORDS: LazyLock<Searcher> =
    LazyLock::new(|| literals::searcher(SHORT.iter().copied()));
static SPEAK_WORDS: LazyLock<Searcher> = LazyLock::new(|| {
    // Three bytes at least, so the prefilter compares three ("th" alone would be a flood).
    // Each word also with a capital, as it is written at the start of a sentence.
    let words: Vec<String> = TEXT_SPEAK
        .iter()
        .map(|(w, _)| *w)
        .filter(|w| *w != "ur")
        .flat_map(|w| {
            // `Ur` is a city and `B4` a paper size: two-letter words stay lowercase.
            let capital = (w.len() >= 3).then(|| capitalised(w));
            std::iter::once(w.to_owned()).chain(capital)
        })
        .map(|w| if w == "b4" { " b4".to_owned() } else { w })
        .collect();
    literals::searcher(words.iter().map(String::as_str))
});

/// Every sign of informal writing in `text`, in order.
/// The signs in `text`; `continues`: the text goes on from a prompt given as written (a
/// prompt-completion record's completion, " blue, because..."), so its start in lowercase
/// is no sign.
fn signs(text: &str, continues: bool) -> Vec<Sign> {
    let mut out = Vec::new();
    if !continues && let Some(sign) = lowercase_opening(text) {
        out.push(sign);
    }
    // A short word at the very start has no space before it.
    let first_len = text.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if (1..=4).contains(&first_len) {
        word_sign(text, 0, first_len, &mut out);
    }
    for automaton in [&*SHORT_WORDS, &*SPEAK_WORDS] {
        // Matches may overlap: " 4 ur " holds " 4 " and " ur ", which share a space.
        let mut from = 0;
        while let Some(m) = automaton.find_in(text, aho_corasick::Span::from(from..text.len())) {
            let word = &text[m.range()];
            let start = m.start() + usize::from(word.starts_with(' '));
            let len = word
                .trim_matches(|c: char| !c.is_ascii_alphanumeric())
                .len();
            word_sign(text, start, len, &mut out);
            from = m.start() + 1;
        }
    }
    sentence_ends(text, &mut out);
    if out.is_empty() {
        return out;
    }
    let mask = Mask::new(text);
    let quotations = Quotations::new(text);
    out.sort_by_key(|s| s.range.start);
    out.dedup_by_key(|s| s.range.start);
    // Each line is judged once, however many signs it holds; its language too, beside its
    // first word of text-speak.
    let mut line: Option<(std::ops::Range<usize>, bool, Option<bool>)> = None;
    out.retain(|s| {
        let at = s.range.start;
        if line.as_ref().is_none_or(|(r, _, _)| !r.contains(&at)) {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            line = Some((
                start..end.max(at + 1),
                is_prose_line(&text[start..end]),
                None,
            ));
        }
        let Some((_, prose_line, other_language)) = line.as_mut() else {
            return false;
        };
        if s.english
            && *other_language
                .get_or_insert_with(|| prose::in_language(text, at, prose::NORDIC_WORDS))
        {
            return false;
        }
        *prose_line
            && !mask.covers(at)
            && !prose::is_quoted(text, at)
            && quotations.around(s.range.clone()).next().is_none()
    });
    out
}

/// Judges the word at `start..start + len` in its context.
fn word_sign(text: &str, start: usize, len: usize, out: &mut Vec<Sign>) {
    let bytes = text.as_bytes();
    let end = start + len;
    let word = &text[start..end];
    let speak = TEXT_SPEAK
        .iter()
        .find(|(w, _)| *w == word || (w.len() >= 3 && is_capitalised(w, word)));
    if !matches!(word, "u" | "r" | "2" | "4" | "i") && speak.is_none() {
        return;
    }
    let glued = |b: Option<&u8>| {
        b.is_some_and(|&b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'_' | b'@' | b'/' | b'\\' | b'-' | b'$' | b'#')
                || b >= 0x80
        })
    };
    // A curly apostrophe after the word (`i’m`) does not glue it to anything.
    let glued_after = glued(bytes.get(end)) && !text[end..].starts_with('\u{2019}');
    if glued(start.checked_sub(1).map(|i| &bytes[i]))
        || glued_after
        || is_apostrophe_tail(text, start)
    {
        return;
    }
    // Neighbours count only when separated by a single space.
    let prev = (start >= 2 && bytes[start - 1] == b' ')
        .then(|| word_ending_at(text, start - 1))
        .filter(|w| !w.is_empty());
    let next = (bytes.get(end) == Some(&b' '))
        .then(|| word_starting_at(text, end + 1))
        .filter(|w| !w.is_empty());
    let is = |list: &[&str], w: Option<&str>| {
        w.is_some_and(|w| list.iter().any(|l| l.eq_ignore_ascii_case(w)))
    };
    let lower_prev = prev.is_some_and(is_lower_word);
    let what = match word {
        "u" if is(YOU_BEFORE, prev) || is(YOU_AFTER, next) => {
            "text-speak \"u\"; write \"you\"".to_owned()
        }
        "r" if prev == Some("u") || next == Some("u") => {
            "text-speak \"r\"; write \"are\"".to_owned()
        }
        "2" if is(TO_BEFORE, prev) && is(TO_AFTER, next) => {
            "text-speak \"2\"; write \"to\"".to_owned()
        }
        "4" if lower_prev && is(FOR_AFTER, next) => "text-speak \"4\"; write \"for\"".to_owned(),
        "i" => {
            let mut tail = text[end..].chars();
            let contraction = matches!(tail.next(), Some('\'' | '\u{2019}'))
                && matches!(tail.next(), Some('m' | 'd' | 'l' | 'v'));
            if !(is(I_AFTER, next) || contraction) {
                return;
            }
            "lowercase \"i\"; write \"I\"".to_owned()
        }
        _ => match speak {
            Some((_, full)) => format!("text-speak \"{word}\"; write \"{full}\""),
            None => return,
        },
    };
    out.push(Sign {
        range: start..end,
        what,
        english: word == "ur",
    });
}

/// `word` is `speak` with a capital first letter (`Thx` for `thx`), without allocating.
fn is_capitalised(speak: &str, word: &str) -> bool {
    speak.len() == word.len()
        && word.as_bytes()[0] == speak.as_bytes()[0].to_ascii_uppercase()
        && word[1..] == speak[1..]
}

/// `word` with its first letter in capitals: `thx` → `Thx`.
fn capitalised(word: &str) -> String {
    let mut out = word.to_owned();
    out[..1].make_ascii_uppercase();
    out
}

/// The word of ASCII letters and digits that ends at `end`.
fn word_ending_at(text: &str, end: usize) -> &str {
    let start = text[..end]
        .bytes()
        .rposition(|b| !b.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1);
    &text[start..end]
}

/// The word of ASCII letters and digits that starts at `start`.
fn word_starting_at(text: &str, start: usize) -> &str {
    let len = text[start..]
        .bytes()
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    &text[start..start + len]
}

/// The line is not a line of unfenced code (`// Print Hello, world! in C++`).
fn is_prose_line(line: &str) -> bool {
    !line.contains("//") && !line.contains("/*") && !line.contains(['{', '}'])
}

fn is_lower_word(w: &str) -> bool {
    w.len() >= 2 && w.bytes().all(|b| b.is_ascii_lowercase())
}

/// The word is the tail of a contraction (`don't` → `t`), not a word of its own.
fn is_apostrophe_tail(text: &str, start: usize) -> bool {
    text[..start].ends_with(['\'', '\u{2019}'])
}

/// A message that opens with a lowercase sentence of plain prose.
fn lowercase_opening(text: &str) -> Option<Sign> {
    let lead = text.len() - text.trim_start().len();
    let body = &text[lead..];
    let first_word_len = body.bytes().take_while(u8::is_ascii_alphabetic).count();
    let first_word = &body[..first_word_len];
    if first_word.is_empty()
        || !first_word.bytes().all(|b| b.is_ascii_lowercase())
        || (first_word.len() == 1 && first_word != "a" && first_word != "i")
    {
        return None;
    }
    let token = body.split_whitespace().next().unwrap_or_default();
    if is_lowercase_name(text, first_word, token) {
        return None;
    }
    let line = body.split('\n').next().unwrap_or(body);
    let sentence_end = line
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?') && line[i + 1..].starts_with([' ', '\n'])
                || matches!(c, '.' | '!' | '?') && i + 1 == line.len()
        })
        .map(|(i, _)| i)?;
    let sentence = &line[..sentence_end];
    let words = sentence.split_whitespace().count();
    let plain = sentence.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | ',' | '\'' | '\u{2019}' | '-' | '%' | '$' | '"' | '\u{201C}' | '\u{201D}'
            )
    });
    (words >= 3 && plain).then(|| Sign {
        range: lead..lead + first_word_len,
        what: format!(
            "the answer starts in lowercase (\"{first_word}\"); capitalise the first word"
        ),
        english: false,
    })
}

/// Lowercase words after the end of a sentence (`done. then`), and `!!`: one pass over
/// the text's `.`, `!` and `?`.
fn sentence_ends(text: &str, out: &mut Vec<Sign>) {
    let bytes = text.as_bytes();
    for at in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        if bytes[at] == b'!' && bytes.get(at + 1) == Some(&b'!') {
            if at == 0 || bytes[at - 1] != b'!' {
                exclamations(text, at, out);
            }
            continue;
        }
        // Most full stops are followed by a capital, a digit or the end of a line.
        if bytes.get(at + 1) != Some(&b' ')
            || !bytes.get(at + 2).is_some_and(u8::is_ascii_lowercase)
        {
            continue;
        }
        if bytes[at] == b'.' && at > 0 && bytes[at - 1] == b'.' {
            continue;
        }
        let before = prose::word_before(text, at);
        if before.len() < 2
            || !before.bytes().all(|b| b.is_ascii_lowercase())
            || ABBREVIATIONS.contains(&before)
        {
            continue;
        }
        let word_start = at - before.len();
        if word_start > 0
            && matches!(
                bytes[word_start - 1],
                b'.' | b'_' | b'/' | b'@' | b'-' | b'\''
            )
        {
            continue;
        }
        if is_roman_numeral(before) {
            continue;
        }
        let start = at + 2;
        let next_len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let next = &text[start..start + next_len];
        let ends_word = bytes
            .get(start + next_len)
            .is_none_or(|b| matches!(b, b' ' | b',' | b'\n'));
        let lower = !next.is_empty() && next.bytes().all(|b| b.is_ascii_lowercase());
        if lower && ends_word && (next.len() >= 2 || next == "i") {
            out.push(Sign {
                range: start..start + next_len,
                what: format!("a sentence starts in lowercase (\"{next}\"); capitalise it"),
                english: false,
            });
        }
    }
}

/// List numbers such as `iii.` and `iv.`.
fn is_roman_numeral(word: &str) -> bool {
    word.len() <= 4 && word.bytes().all(|b| matches!(b, b'i' | b'v' | b'x'))
}

/// The run of `!` starting at `start` (two or more) after a word, not in code such as
/// `!!value` or `x!!.length`.
fn exclamations(text: &str, start: usize, out: &mut Vec<Sign>) {
    let bytes = text.as_bytes();
    let run = bytes[start..].iter().take_while(|&&b| b == b'!').count();
    let after = bytes.get(start + run);
    let after_word = start > 0 && bytes[start - 1].is_ascii_alphabetic();
    let ends = after
        .is_none_or(|&b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b')') || b >= 0x80);
    if after_word && ends {
        out.push(Sign {
            range: start..start + run,
            what: format!(
                "\"{}\"; one exclamation mark is enough",
                &text[start..start + run]
            ),
            english: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::signs;

    fn first(text: &str) -> Option<String> {
        signs(text, false)
            .first()
            .map(|s| text[s.range.clone()].to_owned())
    }

    #[test]
    fn informal() {
        assert_eq!(first("Sure, u can return it."), Some("u".into()));
        assert_eq!(first("Thank u so much!"), Some("u".into()));
        assert_eq!(first("Check ur inbox."), Some("ur".into()));
        assert_eq!(first("I want 2 go there."), Some("2".into()));
        assert_eq!(first("Bring the receipt pls."), Some("pls".into()));
        assert_eq!(first("Done, thx."), Some("thx".into()));
        assert_eq!(
            first("the order ships tomorrow morning."),
            Some("the".into())
        );
        // A word in code elsewhere must be the same word, not its start.
        assert_eq!(
            first("the order ships today. Reply `thee` to track it."),
            Some("the".into())
        );
        assert_eq!(
            first("It ships today. then it takes two days."),
            Some("then".into())
        );
        assert_eq!(first("Great news!!"), Some("!!".into()));
        assert_eq!(first("Yes, i think so."), Some("i".into()));
        assert_eq!(first("Yes, i'm sure."), Some("i".into()));
        assert_eq!(first("Yes, i\u{2019}m sure."), Some("i".into()));
        assert_eq!(first("u can do it."), Some("u".into()));
        assert_eq!(first("See u later, ok."), Some("u".into()));
        assert_eq!(first("That is gr8 news"), Some("gr8".into()));
        assert_eq!(first("Thx, I got it."), Some("Thx".into()));
        assert_eq!(first("Done. Btw the app is free."), Some("Btw".into()));
        // English around a word of another language is still English.
        assert_eq!(
            first("Gracias for the order, ur parcel ships today."),
            Some("ur".into())
        );
    }

    #[test]
    fn adjacent_signs_share_a_space() {
        assert_eq!(first("Thanks 4 ur help!"), Some("ur".into()));
        assert_eq!(first("Ok 4 ur info, we saved it."), Some("ur".into()));
        assert_eq!(signs("Great, thanks 4 ur help.", false).len(), 2);
    }

    #[test]
    fn formal() {
        for text in [
            "Let u be a vector and v another.",
            "Add 2 cups of flour, then 4 eggs.",
            "His next 2 buy 2 DVDs each, and we have 2 cats.",
            "def main():\n    return 1",
            "import os\nimport sys",
            "Use e.g. the app. Also etc. and so on.",
            "Wait... then it worked.",
            "Version 7.8.15 is out. It fixes bugs.",
            "`pls` is a command; see https://example.com/u/ur for it.",
            "The word \"u\" is text-speak.",
            "if (!!value) { x!!.length }",
            "Don't worry, it's fine.",
            "iPhone users can tap Settings.",
            "x = 5 so the answer is 5.",
            "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72",
            "int main() {\n    // Print Hello, world! in C++\n}",
            "ii. wrong\niii. no - this option is also wrong.",
            "u-substitution and $u and u_id are maths.",
            // Names written in lowercase may open an answer.
            "pandas is a Python library for data analysis.",
            "numpy arrays are faster than lists for numeric work.",
            "git is a distributed version control system.",
            "ffmpeg converts video files between formats.",
            "npm install lodash will add the package to your project.",
            "boto3 is the AWS SDK for Python.",
            "httpx is an HTTP client. Install it with `httpx` in your requirements.",
            // Abbreviations of table headings.
            "The column Density (pop. per km2) holds it.",
            "In that table the rd. occurred on 22 October is round 15.",
            // The user's own words quoted back.
            "Look at the statement: \"so yeah i could too and uh gah i don't think so.\" It agrees.",
            "It roughly translates to \"Extreme Battle!!!\" and is dramatic.",
            "He wrote “thx 4 ur help” in the note.",
            // Swedish and Danish "ur" ("out of", "watch").
            "Ta ut boken ur väskan och lägg den på bordet, tack.",
            "Hon tog fram kartan ur fickan och visade vägen.",
            "Mit ur er gået i stå, så jeg kommer lidt for sent.",
            "Han gick ur bilen och sedan hem.",
        ] {
            assert_eq!(first(text), None, "{text}");
        }
    }
}
