//! C009 truncated-response.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::literals;
use crate::record::{Conversation, Role};
use crate::rules::Code;
use crate::rules::content::prose::Mask;

declare_rule! {
    /// ## What it does
    /// Reports a final assistant message (the last assistant message of the example) that
    /// stops mid-sentence. The signs, checked in this order:
    ///
    /// - a code fence (```` ``` ```` or `~~~`) opened and never closed;
    /// - the text ends with a comma or a colon, or with a word that cannot end a sentence:
    ///   `and`, `or`, `but`, `nor`, `because`, `although`, `whereas`, `unless`, `than`, `the`,
    ///   `a`, `an`, `of`, `to`, `with`, `from`, `into`, `such as`;
    /// - the last line, outside code, opens a bracket `(`, `[` or `{` that it never closes,
    ///   or a quotation it never closes: a `“` without its `”` or a `„` without its `“` or
    ///   `”` (German and Czech `„…“`, and Polish `„…”`, are closed), or an odd number of `"` of
    ///   which the last opens a quotation (after a space, bracket or colon, before a letter or
    ///   digit).
    ///
    /// Deliberately not matched: a missing full stop by itself (an answer may end with a list
    /// item, a number, a heading, an emoji or a closing code fence); a bare fence left at the
    /// end after a closed block (one closing fence too many, nothing cut off); a dangling word at the end
    /// of a line of unfenced code (indented, or with `=`, `;`, `{`, `}`: `    return a`); a `;`
    /// at the end, which closes a statement of code (`... GROUP BY id;`); closing brackets
    /// without an opening one (`1)` list numbers) and smileys such as `:(`; the `[` of an ANSI escape
    /// sequence (`ESC[31m`, which is C011's); an interval in
    /// mathematical notation, whose brackets need not match (`[0, 1)`, `(0, 1]`, `[0, ∞)`,
    /// `]0, 1[`, `[a, b)`); a `"` after a
    /// letter, digit or punctuation, which closes a quotation or is an inch mark (`a 5"
    /// screen`), or names the character (`(")`); and a bracket left open on an earlier line,
    /// which is a typo rather than a cut.
    ///
    /// ## Why is this bad?
    /// An answer cut off by a generation limit or an export bug teaches the model to stop
    /// in the middle of a thought. The last assistant message is the one most often
    /// truncated, and the one the model learns to end on.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "What do I need to replace the brake pads?"}, {"role": "assistant", "content": "You need a set of pads that fit your caliper, a hex key and"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "What do I need to replace the brake pads?"}, {"role": "assistant", "content": "You need:\n- a set of pads that fit your caliper\n- a 5 mm hex key\n- a clean rag"}]}
    /// ```
    pub static TRUNCATED_RESPONSE = {
        code: "C009",
        name: "truncated-response",
        level: Warning,
        summary: "final assistant message ends mid-sentence: trailing comma/conjunction, unclosed code fence, unbalanced brackets or quotes",
    };
}

/// Words a sentence cannot end on.
const DANGLING: &[&str] = &[
    "and", "or", "but", "nor", "because", "although", "whereas", "unless", "than", "the", "a",
    "an", "of", "to", "with", "from", "into", "as",
];

pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    let Some(message) = conv
        .messages
        .iter()
        .rev()
        .find(|m| m.role == Role::Assistant)
    else {
        return;
    };
    let Some(text) = message.content.texts().last() else {
        return;
    };
    if text.value.trim().is_empty() {
        return;
    }
    if let Some((range, what)) = truncation(&text.value) {
        let span = text.sub_span(ctx.text, range);
        ctx.report(
            Code::C009,
            span,
            format!(
                "final assistant message ends mid-sentence: {what}; complete or drop the answer"
            ),
        );
    }
}

/// Where and how `text` looks cut off.
fn truncation(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    // The mask of code and URLs is built only when a sign needs it.
    let mut mask: Option<Mask> = None;
    let bytes = text.as_bytes();
    if literals::has_fence(bytes) {
        let built = mask.insert(Mask::new(text));
        if let Some(at) = built.unclosed_fence() {
            let fence_len = text[at..].find('\n').unwrap_or(text.len() - at);
            // A bare fence with nothing after it, after a block that was closed, is one
            // fence too many, not a block cut off. (With a language named, "```python" and
            // then nothing, or as the only fence, the answer stops where its code starts.)
            let bare = text[at..at + fence_len]
                .trim()
                .trim_start_matches(['`', '~'])
                .is_empty();
            let stray = bare
                && text[at + fence_len..].trim().is_empty()
                && literals::has_fence(&bytes[..at]);
            if !stray {
                return Some((
                    at..at + fence_len,
                    "a code block is opened and never closed".to_owned(),
                ));
            }
        }
    }
    let trimmed = text.trim_end();
    let end = trimmed.len();
    if let Some(last) = trimmed.chars().next_back()
        && matches!(last, ',' | ':')
        && !mask.get_or_insert_with(|| Mask::new(text)).covers(end - 1)
    {
        return Some((end - 1..end, format!("it ends with \"{last}\"")));
    }
    let word_start = trimmed
        .rfind(|c: char| !c.is_ascii_alphabetic())
        .map_or(0, |i| {
            i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &trimmed[word_start..];
    let before = &trimmed[..word_start];
    let last_line = &trimmed[trimmed.rfind('\n').map_or(0, |i| i + 1)..];
    if DANGLING.contains(&word)
        && before.ends_with(' ')
        && is_prose_line(last_line)
        && (word != "as" || before.trim_end().ends_with("such"))
        && !mask
            .get_or_insert_with(|| Mask::new(text))
            .covers(word_start)
    {
        return Some((word_start..end, format!("it ends with \"{word}\"")));
    }
    // Only inline code or an HTML code element can hide a bracket of the last line.
    if mask.is_none() && last_line.contains(['`', '<']) {
        mask = Some(Mask::new(text));
    }
    unbalanced(text, mask.as_ref())
}

/// The stack of [`unbalanced`] a bracket belongs to.
fn bracket_kind(b: u8) -> usize {
    match b {
        b'(' | b')' => 0,
        b'[' | b']' => 1,
        _ => 2,
    }
}

/// A line of prose, not of unfenced code (`    return a`, `x = a`).
fn is_prose_line(line: &str) -> bool {
    !line.starts_with("    ") && !line.starts_with('\t') && !line.contains(['=', ';', '{', '}'])
}

/// An opening bracket or quotation mark of the last line that is never closed: the text
/// stops inside it. (A stray bracket on an earlier line is a typo, not a cut.) URLs count
/// here: `(see https://example.com)` closes its bracket.
fn unbalanced(text: &str, mask: Option<&Mask>) -> Option<(std::ops::Range<usize>, String)> {
    let trimmed = text.trim_end();
    let start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let line = &trimmed.as_bytes()[start..];
    // Most last lines have no bracket or quotation mark at all.
    let has_curly = memchr::memmem::find(line, "\u{201C}".as_bytes()).is_some()
        || memchr::memmem::find(line, "\u{201E}".as_bytes()).is_some();
    if !has_curly && !line.iter().any(|b| matches!(b, b'(' | b'[' | b'{' | b'"')) {
        return None;
    }
    // One stack per kind of bracket: a closer pops its own kind, in constant time. The
    // characters looked at are ASCII or start with 0xE2 (`“`, `”`, `„`), so the line is read as
    // bytes; the byte before an ASCII character is enough to tell `:(` or `5"`.
    let mut open: [Vec<usize>; 3] = Default::default();
    let mut straight = 0usize;
    let mut last_straight = None;
    let mut curly: Vec<usize> = Vec::new();
    // Quotations opened with a low mark „, closed with “ or ”.
    let mut low: Vec<usize> = Vec::new();
    // The end of an interval (`[0, 1)`) being skipped.
    let mut skip_to = 0;
    for (i, &b) in line.iter().enumerate() {
        if i < skip_to {
            continue;
        }
        let curly_quote = (b == 0xE2 && line.get(i + 1) == Some(&0x80))
            .then(|| line.get(i + 2).copied())
            .flatten()
            .filter(|&third| (0x9C..=0x9E).contains(&third));
        if !matches!(b, b'(' | b'[' | b'{' | b')' | b']' | b'}' | b'"') && curly_quote.is_none() {
            continue;
        }
        let at = start + i;
        if mask.is_some_and(|m| m.in_code(at)) {
            continue;
        }
        let before = i.checked_sub(1).map_or(b' ', |k| line[k]);
        // The `[` of an ANSI escape sequence (`ESC[31m`) is not a bracket.
        if before == 0x1B {
            continue;
        }
        // `]` opens an interval only where it closes nothing (`]0, 1[`).
        if (matches!(b, b'(' | b'[') || (b == b']' && open[1].is_empty()))
            && let Some(len) = interval_len(&line[i..])
        {
            skip_to = i + len;
            continue;
        }
        match (b, curly_quote) {
            // German and Czech quotations open with „ and close with “.
            (0xE2, Some(0x9E)) => low.push(at),
            (0xE2, Some(0x9C)) if !low.is_empty() => {
                low.pop();
            }
            (0xE2, Some(0x9C)) => curly.push(at),
            (0xE2, _) if curly.is_empty() => {
                // Polish „…”.
                low.pop();
            }
            (0xE2, _) => {
                curly.pop();
            }
            // Smileys: `:(`, `;-(`.
            (b'(', _) if matches!(before, b':' | b';' | b'=' | b'-') => {}
            (b'(' | b'[' | b'{', _) => open[bracket_kind(b)].push(at),
            (b')' | b']' | b'}', _) => {
                open[bracket_kind(b)].pop();
            }
            _ => {
                // A letter or digit after it, ASCII or not (a byte that starts a character).
                let after = line
                    .get(i + 1)
                    .is_some_and(|&n| n.is_ascii_alphanumeric() || n >= 0xC0);
                // `„Das ist gut."`: a straight mark not followed by a word closes a low one.
                if !after && low.pop().is_some() {
                    continue;
                }
                straight += 1;
                last_straight = Some((at, before, after));
            }
        }
    }
    // An odd count of `"` ends inside a quotation only when the last one opens it: after a
    // space or a bracket and before a word. `22"` is an inch mark or a closing quote, and
    // `(")` names the character.
    let straight_open = last_straight
        .filter(|&(_, before, after)| {
            straight % 2 == 1 && matches!(before, b' ' | b'(' | b'[' | b':') && after
        })
        .map(|(at, _, _)| at);
    let at = [
        open.iter().filter_map(|stack| stack.first().copied()).min(),
        straight_open,
        curly.first().copied(),
        low.first().copied(),
    ]
    .into_iter()
    .flatten()
    .min()?;
    let c = text[at..].chars().next()?;
    let what = if matches!(c, '(' | '[' | '{') {
        format!("\"{c}\" is never closed")
    } else {
        format!("the quotation opened with {c} is never closed")
    };
    Some((at..at + c.len_utf8(), what))
}

/// The length of the interval in mathematical notation that `s` starts with: an opening
/// `[`, `(` or `]`, two bounds (numbers, `∞`, a letter or a short name) separated by a
/// comma or a semicolon, and a closing `]`, `)` or `[` (`[0, 1)`, `(-∞, 2]`, `]0, 1[`).
fn interval_len(s: &[u8]) -> Option<usize> {
    let mut at = 1;
    let skip_spaces = |at: &mut usize| {
        while s.get(*at) == Some(&b' ') {
            *at += 1;
        }
    };
    let bound = |at: &mut usize| -> bool {
        let start = *at;
        if s.get(*at).is_some_and(|&b| b == b'-' || b == b'+') {
            *at += 1;
        } else if s[*at..].starts_with("\u{2212}".as_bytes()) {
            *at += 3;
        }
        let body = *at;
        if s[*at..].starts_with("\u{221E}".as_bytes()) {
            *at += 3;
        } else if s[*at..].starts_with(b"\\infty") {
            *at += 6;
        } else {
            while s
                .get(*at)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
                && *at - body < 12
            {
                *at += 1;
            }
        }
        *at > body && *at - start <= 13
    };
    skip_spaces(&mut at);
    if !bound(&mut at) {
        return None;
    }
    skip_spaces(&mut at);
    if !matches!(s.get(at), Some(b',' | b';')) {
        return None;
    }
    at += 1;
    skip_spaces(&mut at);
    if !bound(&mut at) {
        return None;
    }
    skip_spaces(&mut at);
    matches!(s.get(at), Some(b']' | b')' | b'[')).then_some(at + 1)
}

#[cfg(test)]
mod tests {
    use super::truncation;

    fn cut(text: &str) -> Option<String> {
        truncation(text).map(|(_, what)| what)
    }

    #[test]
    fn truncated() {
        assert!(cut("You need pads, a hex key and").is_some());
        assert!(cut("The steps are as follows,").is_some());
        assert!(cut("Here is how:").is_some());
        assert!(cut("Run this:\n```python\nprint(1)").is_some());
        assert!(cut("It costs $5 (plus tax, which depends on").is_some());
        assert!(cut("He said \"we will be there at noon").is_some());
        assert!(cut("Great tools such as").is_some());
        // An interval does not hide a bracket cut off after it.
        assert!(cut("It lies in [0, 1) (see the proof in").is_some());
        assert!(cut("Call f(x, y").is_some());
        assert!(cut("Er sagte „wir kommen um zwölf").is_some());
        assert!(cut("Er sagte „gut“ und dann “wir kommen").is_some());
        // A block cut where its code starts, named or not.
        assert!(cut("Here is the script:\n\n```python").is_some());
        assert!(cut("Here is the script:\n\n```\n").is_some());
        // A second block cut off after a closed one.
        assert!(cut("```sh\nls\n```\nThen:\n```\nrm -r build").is_some());
    }

    #[test]
    fn complete() {
        for text in [
            "You need:\n- pads\n- a hex key",
            "#### 72",
            "Done.",
            "Here:\n```\ncode\n```",
            // One closing fence too many: nothing is cut off.
            "Here:\n```python\nprint(1)\n```\n```",
            "Here:\n~~~\ncode\n~~~\n\n~~~~\n",
            "1) first 2) second",
            "I'm sad :(",
            "A 5\" screen is small.",
            "Use the `(` key.",
            "The (first) and [second] are fine. He said “yes”.",
            "Unbalanced earlier (oops.\nBut this line is fine.",
            "Values \"greater than 22\" are 5 and 20.",
            "See (https://en.wikipedia.org/wiki/Foo) and (www.example.com)：next",
            "uvicorn.run(app, host=\"127.0.0.1\", port=8000)",
            "It should be surrounded by double quotes (\").",
            "SELECT id FROM t GROUP BY id;",
            "It is as good as",
            "Pick plan A",
            "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a",
            // Half-open intervals close with the other bracket.
            "The domain is [0, 1)",
            "It returns values in the half-open interval [0, 1)",
            "The range of the function is [0, \u{221E})",
            "The interval is (0, 1]",
            "In French notation: ]0, 1[",
            "x lies in [a, b) or in (-\u{221E}, -2.5]",
            "It is [see note] 0, 1) fine.",
            // German and Czech quotations close with “; Polish with ”.
            "Sein bekanntester Film heißt „Das Boot“.",
            "Er sagte: „Das ist gut.\"",
            "Sie antwortete: „Ja, sehr gerne.“",
            "Průvodce řekl „dobrý den“.",
            "Powiedział „dzień dobry”.",
            // The `[` of an ANSI colour code.
            "The log shows \u{1b}[31merror: missing semicolon\u{1b}[0m on line 12.",
        ] {
            assert_eq!(cut(text), None, "{text}");
        }
    }
}
