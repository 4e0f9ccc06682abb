//! C010 template-token-leak.

use std::sync::LazyLock;

use aho_corasick::packed::Searcher;

use crate::context::RecordContext;
use crate::declare_rule;
use crate::literals;
use crate::record::{Message, Role};
use crate::rules::Code;
use crate::rules::content::prose::{Mask, Quotations};
use crate::settings::FormatChoice;
use crate::wording::quote;

declare_rule! {
    /// ## What it does
    /// Reports chat-template markup written into a message's text:
    ///
    /// - special tokens of the form `<|name|>` (`<|endoftext|>`, `<|im_start|>`,
    ///   `<|im_end|>`, `<|eot_id|>`, `<|start_header_id|>`, ...): a name of up to 40
    ///   letters, digits, `_.:-` and `▁`, also between the full-width bars DeepSeek's
    ///   tokens use (`<｜end▁of▁sentence｜>`, `<｜User｜>`, `<｜Assistant｜>`);
    /// - Llama and Mistral markup: `</s>`, `[INST]`, `[/INST]`, `<<SYS>>`, `<</SYS>>`;
    ///   Gemma's `<start_of_turn>`, `<end_of_turn>`, `<bos>` and `<eos>`;
    /// - Alpaca and Vicuna headings: `### Instruction:`, `### Input:`, `### Response:`,
    ///   `### Human:`, `### Assistant:`;
    /// - a line that starts with `Human:`, `User:` or `Assistant:` (case as written): one
    ///   message holding another turn of the dialogue.
    ///
    /// Each text is reported once, at its first token. Deliberately not matched:
    ///
    /// - tokens inside code (fenced blocks, inline code, `<pre>`, `<code>`) or in a quoted
    ///   example: a quotation that opens with markup, between an opening mark and its
    ///   closing mark (`"`, `'`, `“ ”`, `‘ ’`, `« »`), as in `the "</s>" token ends a turn`
    ///   or `"<|im_start|>user\nHi<|im_end|>"`. Still reported: a token right after a
    ///   closing mark (`"two systems bolted together"<|endoftext|>`) and one inside a quoted
    ///   sentence (`"Of course!<|im_end|> Let's start"`);
    /// - `</s>` when the text also has the HTML `<s>` element it closes, and `<s>` alone,
    ///   which is HTML as often as a token;
    /// - a role label in the middle of a line (`the User: field`), and a role line whose
    ///   neighbouring line has another `Label: value` label: a table such as
    ///   `Goat: Endothermic` / `Human: Endothermic`, or a scripted dialogue with other
    ///   speakers (`User: ...` / `Bot: ...`) that the user asked for;
    /// - headings and role lines in plain text (`text`) and in the prompt of a
    ///   `prompt-completion` record: those reach the model as written, with no chat template
    ///   around them, so an Alpaca or `### Human:` layout there is the data's own prompt
    ///   format (special tokens such as `</s>` are still reported).
    ///
    /// Under a target whose training job fails on its reserved words anywhere in a record's
    /// text (Amazon Nova's `User:`, `Bot:`, `[EOS]`, ..., in any case; Bedrock Claude's
    /// `\nHuman:` and `\nAssistant:`), each text holding one is reported as an error naming
    /// the words and the target, wherever the word stands; without a target too for a format
    /// only that provider reads (see Targets below).
    ///
    /// ## Why is this bad?
    /// The chat template is applied at training time; markup already in the text is
    /// trained on as words. A leaked `</s>` or `<|im_end|>` teaches the model to print its
    /// own stop token, a baked-in `### Instruction:` template doubles the prompt format, and a
    /// `User:` line in an answer teaches the model to write the user's next turn itself.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "How long does shipping to Canada take?"}, {"role": "assistant", "content": "Shipping to Canada takes 5 to 7 business days.<|im_end|>"}]}
    /// {"messages": [{"role": "user", "content": "Sum up the review in a few words."}, {"role": "assistant", "content": "\"Two systems bolted together\"<|endoftext|>"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Which token ends a turn in the ChatML format?"}, {"role": "assistant", "content": "ChatML ends each turn with `<|im_end|>`; the chat template adds it for you."}]}
    /// {"messages": [{"role": "user", "content": "How does GPT-2 separate documents?"}, {"role": "assistant", "content": "The string \"<|endoftext|>\" marks the end of each document."}]}
    /// ```
    pub static TEMPLATE_TOKEN_LEAK = {
        code: "C010",
        name: "template-token-leak",
        level: Warning,
        summary: "chat-template tokens inside content (`<|endoftext|>`, `<|im_start|>`, `</s>`, `[INST]`, `<<SYS>>`, `<|eot_id|>`, `### Instruction:`, lines starting `Human:`/`User:`/`Assistant:`)",
    };
}

/// Tokens other than `<|name|>` and role labels. Each starts with `<`, `[` or `#`, rare
/// bytes in prose: a SIMD search for the three finds every candidate in one pass.
const TOKENS: &[&str] = &[
    "</s>",
    "[INST]",
    "[/INST]",
    "<<SYS>>",
    "<</SYS>>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<bos>",
    "<eos>",
    "### Instruction:",
    "### Input:",
    "### Response:",
    "### Human:",
    "### Assistant:",
];

/// How a special token `<|name|>` opens and closes: with `|`, or with U+FF5C FULLWIDTH
/// VERTICAL LINE as DeepSeek's tokens are spelled (`<｜end▁of▁sentence｜>`, `<｜User｜>`).
const SPECIAL_OPENS: &[&str] = &["<|", "<\u{FF5C}"];
const SPECIAL_CLOSES: &[&str] = &["|>", "\u{FF5C}>"];

/// Role labels that start a turn when they start a line.
const ROLE_LABELS: &[&str] = &["Human:", "User:", "Assistant:"];

/// The role labels after a line break. Line breaks are too common to stop at each; these
/// three literals have prefilter bytes of their own (`\nUs`, `\nHu`, `\nAs`).
static LINE_LABELS: LazyLock<Searcher> =
    LazyLock::new(|| literals::searcher(["\nHuman:", "\nUser:", "\nAssistant:"]));

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    let reserved = crate::target::reserved_words(ctx.settings.target, ctx.format.as_str());
    // Plain text and a prompt-completion prompt are given to the model as written, with no
    // chat template around them: a heading or a role line there is the data's own prompt
    // format (Alpaca's `### Instruction:`, an `### Human:` transcript), not a second
    // template. Special tokens still are one, whatever the format.
    let own_format = ctx.format == FormatChoice::Text
        || (ctx.format == FormatChoice::PromptCompletion && message.role == Role::User);
    for text in message.content.texts() {
        if let Some((target, words)) = reserved
            && let Some((range, found)) = words.find(&text.value)
        {
            // The line break before Claude's `\nHuman:` is not shown: point at the word.
            let lead =
                text.value[range.clone()].len() - text.value[range.clone()].trim_start().len();
            let span = text.sub_span(ctx.text, range.start + lead..range.end);
            let shown: Vec<String> = found.iter().map(|w| quote(w)).collect();
            let (noun, verb) = if found.len() == 1 {
                ("reserved word", "it")
            } else {
                ("reserved words", "them")
            };
            ctx.report_error(
                Code::C010,
                span,
                format!(
                    "{noun} {} in {} content; {}'s training job fails on text holding {verb} (reserved: {})",
                    crate::target::list(&shown.iter().map(String::as_str).collect::<Vec<_>>()),
                    message.role.as_str(),
                    target.title,
                    words.describe()
                ),
            );
            continue;
        }
        let found = if own_format {
            first_special_token(&text.value)
        } else {
            first_token(&text.value)
        };
        let Some(found) = found else {
            continue;
        };
        let shown = &text.value[found.clone()];
        let span = text.sub_span(ctx.text, found.clone());
        let role = message.role.as_str();
        let message = if ROLE_LABELS.contains(&shown) {
            format!(
                "line starts with \"{shown}\" inside {role} content; one message should hold one turn"
            )
        } else {
            format!(
                "chat-template token \"{shown}\" inside {role} content; remove it, the chat template adds its own"
            )
        };
        ctx.report(Code::C010, span, message);
    }
}

/// The byte range of the first special token of `text` (`<|...|>`, `</s>`, `[INST]`, ...;
/// no heading or role line), if any.
fn first_special_token(text: &str) -> Option<std::ops::Range<usize>> {
    let mut rest = 0;
    // The first token found may be a heading; look on after it.
    while let Some(found) = first_token(&text[rest..]) {
        let range = found.start + rest..found.end + rest;
        let shown = &text[range.clone()];
        if !shown.starts_with('#') && !ROLE_LABELS.contains(&shown) {
            return Some(range);
        }
        rest = range.end;
    }
    None
}

/// The byte range of the first template token of `text`, if any.
pub fn first_token(text: &str) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let tokens = memchr::memchr3_iter(b'<', b'[', b'#', bytes).filter_map(|at| {
        let rest = &text[at..];
        if let Some(open) = SPECIAL_OPENS.iter().find(|o| rest.starts_with(*o)) {
            return Some((at, at + open.len()));
        }
        let token = TOKENS.iter().find(|t| rest.starts_with(*t))?;
        Some((at, at + token.len()))
    });
    // Role labels at the start of a line (the first line has no line break before it).
    let opening = ROLE_LABELS
        .iter()
        .find(|l| text.starts_with(*l))
        .map(|l| (0, l.len()));
    let labels = opening.into_iter().chain(
        LINE_LABELS
            .find_iter(text)
            .map(|m| (m.start() + 1, m.end())),
    );
    let mut mask: Option<Mask> = None;
    let mut quotations: Option<Quotations> = None;
    let mut strikethrough: Option<bool> = None;
    let mut first: Option<std::ops::Range<usize>> = None;
    let streams: [&mut dyn Iterator<Item = (usize, usize)>; 2] =
        [&mut tokens.into_iter(), &mut labels.into_iter()];
    for candidates in streams {
        for (start, end) in candidates {
            if first.as_ref().is_some_and(|f| start >= f.start) {
                break;
            }
            let Some(end) = confirm(text, start, end, &mut strikethrough) else {
                continue;
            };
            if mask.get_or_insert_with(|| Mask::new(text)).covers(start) {
                continue;
            }
            // A role label is never a quoted example: it starts a line, and a quotation
            // that runs over lines (an in-character answer) does not excuse a turn in it.
            let label = ROLE_LABELS.contains(&&text[start..end]);
            let example = !label
                && quotations
                    .get_or_insert_with(|| Quotations::new(text))
                    .around(start..end)
                    .any(|quoted| starts_with_markup(&text[quoted.start..]));
            if !example {
                first = Some(start..end);
                break;
            }
        }
    }
    first
}

/// Checks one candidate token in its context; returns where it ends.
fn confirm(
    text: &str,
    start: usize,
    end: usize,
    strikethrough: &mut Option<bool>,
) -> Option<usize> {
    let token = &text[start..end];
    let mut end = end;
    if SPECIAL_OPENS.contains(&token) {
        // `<|name|>`: letters, digits, `_.:-` and SentencePiece's `▁` (DeepSeek's
        // `<|end▁of▁sentence|>`), at most 40 of them, then `|>` (or DeepSeek's `｜>`).
        let rest = &text[end..];
        let name_len: usize = rest
            .chars()
            .take(41)
            .take_while(|&c| {
                c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '\u{2581}')
            })
            .map(char::len_utf8)
            .sum();
        let named = &rest[..name_len];
        if name_len == 0 || named.chars().count() > 40 {
            return None;
        }
        let close = SPECIAL_CLOSES
            .iter()
            .find(|c| rest[name_len..].starts_with(*c))?;
        end += name_len + close.len();
    } else if ROLE_LABELS.contains(&token) {
        if in_label_list(text, start) {
            return None;
        }
    } else if token == "</s>" && *strikethrough.get_or_insert_with(|| text.contains("<s>")) {
        // Looked up once per text, however many `</s>` there are.
        return None;
    }
    Some(end)
}

/// True when a quotation opens with markup: it shows a template (`"</s>"`,
/// `"<|im_start|>user\nHi<|im_end|>"`), its tokens are examples. Markup later in a quoted
/// sentence (`"Of course!<|im_end|> Let's start"`) leaked into the quoted text.
fn starts_with_markup(quoted: &str) -> bool {
    SPECIAL_OPENS.iter().any(|o| quoted.starts_with(o))
        || quoted.starts_with("<s>")
        || TOKENS.iter().any(|t| quoted.starts_with(t))
}

/// True when the line at `line_start` is one of a list of `Label: value` lines, and a
/// neighbouring line has a label that is not a role: a table such as
/// `Goat: Endothermic\nHuman: Endothermic`, not a transcript.
fn in_label_list(text: &str, line_start: usize) -> bool {
    let previous = text[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .filter(|_| line_start > 0);
    let next = text[line_start..].split('\n').nth(1);
    [previous, next].into_iter().flatten().any(|line| {
        label(line).is_some_and(|l| !ROLE_LABELS.iter().any(|r| r.trim_end_matches(':') == l))
    })
}

/// The label of a `Label: value` line: one to three capitalised ASCII words before `: `.
fn label(line: &str) -> Option<&str> {
    let (label, _) = line.split_once(": ")?;
    let ok = label.len() <= 30
        && label.starts_with(|c: char| c.is_ascii_uppercase())
        && label.split(' ').count() <= 3
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b' ');
    ok.then_some(label)
}

#[cfg(test)]
mod tests {
    use super::first_token;

    fn found(text: &str) -> Option<&str> {
        first_token(text).map(|r| &text[r])
    }

    #[test]
    fn tokens() {
        assert_eq!(found("Sure.<|im_end|>"), Some("<|im_end|>"));
        assert_eq!(found("too subjective.</s> \nHow"), Some("</s>"));
        assert_eq!(found("[INST] hi [/INST]"), Some("[INST]"));
        assert_eq!(
            found("Below.\n\n### Instruction:\nwhat?"),
            Some("### Instruction:")
        );
        assert_eq!(found("Fine.\nUser: and then?"), Some("User:"));
        // After a closing quotation mark, not inside a quotation.
        assert_eq!(
            found("\"two systems bolted together\"<|endoftext|>"),
            Some("<|endoftext|>")
        );
        assert_eq!(found("“Two systems.”<|endoftext|>"), Some("<|endoftext|>"));
        assert_eq!(
            found("He said \"hi\" and then <|im_end|>"),
            Some("<|im_end|>")
        );
        assert_eq!(found("the token \"<|endoftext|>"), Some("<|endoftext|>"));
        assert_eq!(found("it's James'</s>"), Some("</s>"));
        // Markup leaked into a quoted sentence.
        assert_eq!(
            found("\"Of course, Lily!<|im_end|> Let's start.\""),
            Some("<|im_end|>")
        );
        // A quoted answer does not hide the next turn written into it.
        assert_eq!(found("\"Welcome!\nUser: thanks\""), Some("User:"));
        assert_eq!(found("User: Hi there!\nAssistant: Hello."), Some("User:"));
        // Gemma's sequence tokens.
        assert_eq!(found("The capital is Paris.<eos>"), Some("<eos>"));
        assert_eq!(found("<bos>Paris is the capital."), Some("<bos>"));
        // DeepSeek's tokens: `▁` in the name, full-width bars or ASCII ones.
        assert_eq!(
            found("The answer is 42.<｜end▁of▁sentence｜>"),
            Some("<｜end▁of▁sentence｜>")
        );
        assert_eq!(found("Hi<｜Assistant｜>Hello"), Some("<｜Assistant｜>"));
        assert_eq!(
            found("The answer is 42.<|end▁of▁sentence|>"),
            Some("<|end▁of▁sentence|>")
        );
    }

    #[test]
    fn not_tokens() {
        assert_eq!(found("ChatML ends turns with `<|im_end|>`."), None);
        assert_eq!(found("the \"</s>\" token"), None);
        assert_eq!(found("the string “<|endoftext|>” marks the end"), None);
        assert_eq!(found("the '[INST]' and ‘[/INST]’ tags"), None);
        assert_eq!(found("«<|im_start|>» opens a turn"), None);
        assert_eq!(
            found("as in \"<|im_start|>user\nHi<|im_end|>\" below"),
            None
        );
        assert_eq!(found("set eos_token=\"</s>\" first"), None);
        assert_eq!(found("the prompt \"<s>[INST] Hi [/INST]\""), None);
        assert_eq!(found("\"the '</s>' token\" he wrote"), None);
        assert_eq!(found("<s>old price</s> new price"), None);
        assert_eq!(
            found("Frog: Ectothermic\nGoat: Endothermic\nHuman: Endothermic"),
            None
        );
        assert_eq!(found("The User: field is required"), None);
        assert_eq!(found("Gemma ends a sequence with `<eos>`."), None);
        assert_eq!(found("the \"<eos>\" token"), None);
        assert_eq!(found("a <|> b"), None);
        assert_eq!(found("a <｜> b and x <｜ y ｜> z"), None);
        assert_eq!(
            found("DeepSeek ends a turn with `<｜end▁of▁sentence｜>`."),
            None
        );
        assert_eq!(found("the \"<｜end▁of▁sentence｜>\" token"), None);
        assert_eq!(found("```\nUser: hi\n```"), None);
    }
}
