//! C007 placeholder-text.

use std::sync::LazyLock;

use aho_corasick::packed::Searcher;

use crate::context::RecordContext;
use crate::declare_rule;
use crate::literals;
use crate::record::{Message, Role, Text};
use crate::rules::Code;
use crate::rules::content::prose::{self, Mask};

declare_rule! {
    /// ## What it does
    /// Reports text that was meant to be replaced before the data was used:
    ///
    /// - a template variable: `{{name}}`, `{{ user.name }}` (two braces around up to 60
    ///   characters with a letter and no brace or line break);
    /// - a bracketed note to the writer: `[insert ...]` (also `[Insert`, `[INSERT`), or a
    ///   `<...>` or `[...]` of plain words that include "placeholder" (`<placeholder>`,
    ///   `<tool_response_placeholder>`);
    /// - the words `TODO`, `TBD` and `FIXME`, in capitals and standing alone;
    /// - the filler text "lorem ipsum dolor" (in lower, sentence, title or upper case);
    /// - content that is only `...` (or more dots), `…`, `N/A` or `n/a`; C001 then says
    ///   nothing about its length.
    ///
    /// Each text is reported once, at its first placeholder. Deliberately not matched:
    ///
    /// - anything inside code (fenced blocks, inline code, `<pre>`, `<code>`) or a URL
    ///   (`GET https://api.example.com/users/{{id}}` documents an API);
    /// - `${{ expr }}`, a GitHub Actions expression, and `{{{`;
    /// - `TODO`, `TBD`, `FIXME` and the filler right after an opening quotation mark (a
    ///   quoted example: `replace the "TODO" comment`) or a comment marker (`# TODO: check`,
    ///   `// FIXME`), and `TODO list`;
    /// - `TODO` among Spanish or Portuguese words, where it is "all" (`paquete TODO
    ///   INCLUIDO`, `seguro a TODO RIESGO`, `TODO o país`): when the words near it on its
    ///   line are more often common words of those languages than of English. `TODO:` with
    ///   a colon is a note in any language, and in any other language `TODO` is one too;
    /// - "Lorem Ipsum" as a name, without the "dolor" of the filler ("the history of Lorem
    ///   Ipsum"), and the filler inside a user or system message that does not start with it
    ///   (text handed to a task as its input: "count the words of: Lorem ipsum dolor…", or
    ///   an Alpaca record's `input` after its instruction);
    /// - `<input placeholder="Name">` (an HTML attribute), single braces (`{name}`, common in
    ///   maths and code) and fill-in signatures such as `[Your Name]`, which an assistant
    ///   drafting a letter for the user rightly leaves open.
    ///
    /// ## Why is this bad?
    /// A model trained on `Hello! I am {{name}}` learns to say "{{name}}". Unrendered
    /// variables, drafting notes and filler text teach the model to produce them, and they
    /// usually mean the example was exported before it was finished.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Who are you?"}, {"role": "assistant", "content": "I am {{name}}, the support assistant of Lumen Home. How can I help?"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I greet a customer by name in the email template?"}, {"role": "assistant", "content": "Write `{{ customer.first_name }}` where the name goes, for example: `Hello {{ customer.first_name }},`. The mail merge fills it in."}]}
    /// ```
    pub static PLACEHOLDER_TEXT = {
        code: "C007",
        name: "placeholder-text",
        level: Warning,
        summary: "placeholder text: TODO, TBD, lorem ipsum, `[insert ...]`, `<placeholder>`, `{{var}}` outside code, content that is only \"...\" or \"N/A\"",
    };
}

/// What starts a candidate, in the cases that are written; each is confirmed in context.
/// (Matching case-sensitively keeps the automaton on its fast SIMD prefilter.)
const TRIGGERS: &[&str] = &[
    "[insert",
    "[Insert",
    "[INSERT",
    // The middle of "placeholder" and "lorem ipsum dolor": their first bytes are rare in
    // prose, which keeps the prefilter quiet; `confirm` looks back for the rest.
    "ceholder",
    "CEHOLDER",
    "TODO",
    "TBD",
    "FIXME",
    "psum dolor",
    "psum Dolor",
    "PSUM DOLOR",
];

static TRIGGER_SEARCHER: LazyLock<Searcher> =
    LazyLock::new(|| literals::searcher(TRIGGERS.iter().copied()));

/// Whole contents that stand for an answer nobody wrote.
const WHOLE: &[&str] = &["...", "\u{2026}", "N/A", "n/a"];

/// Reports the first placeholder of each text of the message.
pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    // Whether a text opens its message: Alpaca's user turn is its instruction, then its
    // input; filler in the input is handed to the task, as in a chat message's second
    // paragraph.
    let mut opens = true;
    for text in message.content.texts() {
        let opens_message = opens;
        opens &= text.value.trim().is_empty();
        let trimmed = text.value.trim();
        if WHOLE.contains(&trimmed) || (trimmed.len() >= 3 && trimmed.bytes().all(|b| b == b'.')) {
            ctx.report(
                Code::C007,
                text.span,
                format!(
                    "{} content is only \"{trimmed}\", a placeholder; write the real text or drop the message",
                    message.role.as_str()
                ),
            );
            continue;
        }
        if let Some(found) = first_placeholder(&text.value, message.role, opens_message) {
            report(text, message, found, ctx);
        }
    }
}

fn report(
    text: &Text<'_>,
    message: &Message<'_>,
    found: std::ops::Range<usize>,
    ctx: &mut RecordContext<'_>,
) {
    let span = text.sub_span(ctx.text, found.clone());
    let shown = &text.value[found];
    let hint = if shown.starts_with("{{") {
        "render the template before exporting the data"
    } else {
        "replace it with the real text"
    };
    ctx.report(
        Code::C007,
        span,
        format!(
            "placeholder \"{shown}\" in {} content; {hint}",
            message.role.as_str()
        ),
    );
}

/// The byte range of the first placeholder of `text`, if any; `opens_message`: no text of
/// its message comes before it.
pub fn first_placeholder(
    text: &str,
    role: Role,
    opens_message: bool,
) -> Option<std::ops::Range<usize>> {
    // Template variables (`{{`, too short for the searcher) and the other triggers are
    // found apart; the first confirmed of either wins.
    let variables = literals::pairs(text.as_bytes(), *b"{{").map(|at| (at, at + 2));
    let others = TRIGGER_SEARCHER
        .find_iter(text)
        .map(|m| (m.start(), m.end()));
    let mut mask: Option<Mask> = None;
    let mut language = Language::default();
    let mut first: Option<std::ops::Range<usize>> = None;
    for candidates in [
        &mut variables.into_iter() as &mut dyn Iterator<Item = (usize, usize)>,
        &mut others.into_iter(),
    ] {
        for (start, end) in candidates {
            if first.as_ref().is_some_and(|f| start >= f.start) {
                break;
            }
            let Some(found) = confirm(text, start, end, role, opens_message, &mut language) else {
                continue;
            };
            if !mask
                .get_or_insert_with(|| Mask::new(text))
                .covers(found.start)
            {
                first = Some(found);
                break;
            }
        }
    }
    first
}

/// Checks one trigger in its context; returns the placeholder's full range.
fn confirm(
    text: &str,
    start: usize,
    end: usize,
    role: Role,
    opens_message: bool,
    language: &mut Language,
) -> Option<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    match bytes[start] {
        b'{' => {
            // `{{var}}`, but not `${{ expr }}` (GitHub Actions) nor a third brace in a row.
            if start > 0 && matches!(bytes[start - 1], b'$' | b'{') {
                return None;
            }
            // Look no further than a variable can be long, however long the text.
            let rest = &bytes[end..bytes.len().min(end + 62)];
            let close = memchr::memmem::find(rest, b"}}")?;
            let inner = &rest[..close];
            let plausible = !inner.iter().any(|b| matches!(b, b'{' | b'}' | b'\n'))
                && inner.iter().any(u8::is_ascii_alphabetic);
            plausible.then_some(start..end + close + 2)
        }
        b'[' => {
            // `[insert ...]`: the word "insert" and a closing bracket on the same line.
            if bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                return None;
            }
            let rest = &bytes[end..bytes.len().min(end + 81)];
            let close = memchr::memchr2(b']', b'\n', rest)?;
            (rest[close] == b']').then_some(start..end + close + 1)
        }
        b'c' | b'C' => {
            // "ceholder": the word must be "placeholder".
            let start = start.checked_sub(3)?;
            text.get(start..start + 3)?
                .eq_ignore_ascii_case("pla")
                .then(|| bracketed_placeholder(text, start, end))?
        }
        b'p' | b'P' => {
            // "psum dolor": the filler must be "lorem ipsum dolor".
            let start = start.checked_sub(7)?;
            if !text.get(start..start + 7)?.eq_ignore_ascii_case("lorem i") {
                return None;
            }
            if prose::is_quoted(text, start) || is_comment(text, start) {
                return None;
            }
            // Filler text handed to a task as its input is data; only a user or system
            // message that starts with it is a placeholder.
            let own_text = matches!(role, Role::Assistant | Role::Tool | Role::Function);
            (own_text || (opens_message && text[..start].trim().is_empty())).then_some(start..end)
        }
        _ => {
            // TODO, TBD, FIXME: capitals, a whole word, not quoted, not in a comment.
            let word = &text[start..end];
            let standalone = !is_word_byte(start.checked_sub(1).map(|i| bytes[i]))
                && !is_word_byte(bytes.get(end).copied());
            if !standalone
                || word.bytes().any(|b| b.is_ascii_lowercase())
                || prose::is_quoted(text, start)
                || is_comment(text, start)
                || text[end..].starts_with(" list")
                || text[end..].starts_with("-list")
            {
                return None;
            }
            // `TODO` is the Spanish and Portuguese "all" (`paquete TODO INCLUIDO`, `seguro a
            // TODO RIESGO`): in words of another language it is one, unless a colon makes
            // it a note (`TODO: traducir`).
            if word == "TODO" && !text[end..].starts_with(':') && language.other(text, start) {
                return None;
            }
            Some(start..end)
        }
    }
}

/// Whether the line of a `TODO` reads as another language than English, judged once per
/// line beside its first `TODO` ([`prose::in_language`]): candidates come in order,
/// so a text of a million `TODO`s is read once, not once per word.
#[derive(Default)]
struct Language {
    /// The end of the line last judged, and the judgment.
    line: Option<(usize, bool)>,
}

impl Language {
    fn other(&mut self, text: &str, at: usize) -> bool {
        match self.line {
            Some((end, other)) if at < end => other,
            _ => {
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                let other = prose::in_language(text, at, prose::IBERIAN_WORDS);
                self.line = Some((end, other));
                other
            }
        }
    }
}

/// A bracket (`<...>` or `[...]`) around "placeholder" whose content is only words: not an
/// HTML attribute such as `<input placeholder="Name">`.
fn bracketed_placeholder(text: &str, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
    // The bracket is at most 40 bytes away on either side: a bounded look.
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b' ');
    let bytes = text.as_bytes();
    let head = &bytes[start.saturating_sub(41)..start];
    let open_at = start - head.len() + head.iter().rposition(|b| !is_word(b))?;
    let close = match bytes[open_at] {
        b'<' => b'>',
        b'[' => b']',
        _ => return None,
    };
    let tail = &bytes[end..bytes.len().min(end + 41)];
    let close_at = tail.iter().position(|b| !is_word(b))?;
    (tail[close_at] == close).then_some(open_at..end + close_at + 1)
}

fn is_word_byte(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The word follows a comment marker on its line: `# TODO`, `// FIXME:`, `/* TBD`, `-- TODO`.
fn is_comment(text: &str, at: usize) -> bool {
    // Only the few characters before the word matter, however long the line.
    let before = text[..at].trim_end_matches([' ', '\t']);
    ["#", "//", "/*", "--", "<!--", ";", "*"]
        .iter()
        .any(|marker| before.ends_with(marker))
}

#[cfg(test)]
mod tests {
    use super::first_placeholder;
    use crate::record::Role;

    fn found(text: &str) -> Option<&str> {
        first_placeholder(text, Role::Assistant, true).map(|r| &text[r])
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            found("Hello! I am {{name}}, by {{author}}."),
            Some("{{name}}")
        );
        assert_eq!(found("Date: [insert date]"), Some("[insert date]"));
        assert_eq!(
            found("wolfram('<toolform_response_placeholder> to USD')"),
            Some("<toolform_response_placeholder>")
        );
        assert_eq!(found("Shipping: TBD."), Some("TBD"));
        assert_eq!(found("TODO: write this answer"), Some("TODO"));
        assert_eq!(found("TODO: traducir este párrafo"), Some("TODO"));
        assert_eq!(found("The price is TODO for now."), Some("TODO"));
        assert_eq!(
            found("Lorem ipsum dolor sit amet"),
            Some("Lorem ipsum dolor")
        );
    }

    #[test]
    fn not_placeholders() {
        assert_eq!(found("Use `{{name}}` in the template."), None);
        assert_eq!(found("```\n# TODO: check\n{{ x }}\n```"), None);
        assert_eq!(found("url: https://ghcr.io/${{ github.repository }}"), None);
        assert_eq!(found("replace the \"TODO\" comment"), None);
        assert_eq!(found("def f():\n    # TODO: assert name is a string"), None);
        assert_eq!(found("an API for a TODO list"), None);
        assert_eq!(found("todos and TODOs"), None);
        assert_eq!(
            found("Nuestro hotel ofrece el paquete TODO INCLUIDO con comidas y bebidas."),
            None
        );
        assert_eq!(
            found("El seguro a TODO RIESGO cubre daños propios y a terceros."),
            None
        );
        assert_eq!(found("Entregamos em TODO o país."), None);
        assert_eq!(found("<input placeholder=\"Name\">"), None);
        assert_eq!(found("a placeholder is fine in prose"), None);
        assert_eq!(found("text = \"Lorem ipsum dolor\""), None);
        assert_eq!(found("The content of Lorem Ipsum's official website"), None);
        assert_eq!(found("Best regards,\n[Your Name]"), None);
        assert_eq!(found("GET https://api.test/users/{{id}}"), None);
        assert_eq!(found("[inserted] value"), None);
        assert_eq!(
            first_placeholder(
                "Count the words.\n\nLorem ipsum dolor sit amet",
                Role::User,
                true
            ),
            None
        );
        // Alpaca's input, after the instruction: the same message.
        assert_eq!(
            first_placeholder("Lorem ipsum dolor sit amet", Role::User, false),
            None
        );
        assert_eq!(
            first_placeholder("Lorem ipsum dolor sit amet", Role::User, true),
            Some(0..17)
        );
    }
}
