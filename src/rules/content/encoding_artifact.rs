//! C011 encoding-artifact.

use crate::context::RecordContext;
use crate::declare_rule;
use crate::record::Message;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports text damaged by a wrong encoding somewhere upstream:
    ///
    /// - U+FFFD, the replacement character a decoder writes for bytes it could not read;
    /// - mojibake: UTF-8 read as Latin-1 or Windows-1252, such as `Ã©` for "é", `â€™` for
    ///   "’" or `Ø§Ù„` for "ال". It is recognised as a character from `Â` to `Þ` followed by
    ///   one that a UTF-8 continuation byte turns into (U+0080–U+00BF or the Windows-1252
    ///   punctuation `€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ`), or a character from `à` to `ï`
    ///   followed by two of them; the message names the character it was meant to be. A
    ///   sequence that stands for a letter of another script than Latin or Greek (Cyrillic,
    ///   Hebrew, Arabic, CJK, Hangul, ...) or for an unassigned code point counts only when
    ///   another sequence follows it at once (`Ø§Ù„` for "ال", `ä¸­æ–‡` for "中文"): such
    ///   mojibake comes in runs, while a single one in Latin text is an accented letter before
    ///   punctuation (`perché…”`, `così…”`) or a sign before a fraction (`2×½`);
    /// - C1 control characters (U+0080–U+009F), which appear when Windows-1252 is read as
    ///   Latin-1;
    /// - C0 control characters other than tab, line feed and carriage return (U+0000–U+001F).
    ///   Before a letter the message points at the likely cause: a LaTeX `\frac` written in
    ///   JSON as `"\frac"` is a form feed and "rac".
    ///
    /// Each text is reported once, at its first artifact. Code is checked too: a broken
    /// character in a code sample is as broken as in prose. Legitimate accented text (`São
    /// Paulo`, `Ünïcödé`, `café»`) is not matched: what follows the accented letter is a
    /// letter, a space or a single symbol, not the continuation bytes of a sequence. `ß`
    /// is not taken as a lead (it ends German words before quotation marks: `Straße“`), nor
    /// is an uppercase accented letter inside an all-caps word (after a capital) before a
    /// quotation mark, apostrophe, dash or similar mark: `“CAFÉ”`, `JOSÉ’S`, `PELÉ—`, `NÉ®`.
    /// `Â` and `Ã` stay leads there, as they start the mojibake of all-caps text
    /// (`ESPAÃ‘A` for "ESPAÑA").
    ///
    /// ## Why is this bad?
    /// The model learns the damage as text: it will write `cafÃ©` and `donâ€™t` back to
    /// users. A replacement character or a stray control byte marks text whose original is
    /// lost, and control bytes break tokenizers, terminals and the tools that read the data.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Can I change the delivery address?"}, {"role": "assistant", "content": "Yes, you canâ€™t miss it: open Orders and choose Change address before the order ships."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Can I change the delivery address?"}, {"role": "assistant", "content": "Yes, you can’t miss it: open Orders and choose Change address before the order ships to the café."}]}
    /// ```
    pub static ENCODING_ARTIFACT = {
        code: "C011",
        name: "encoding-artifact",
        level: Warning,
        summary: "replacement character U+FFFD, mojibake (`Ã©`, `â€™`), C0 control characters other than \\t \\n \\r",
    };
}

pub fn check(message: &Message<'_>, ctx: &mut RecordContext<'_>) {
    for text in message.content.texts() {
        let Some(artifact) = first_artifact(&text.value) else {
            continue;
        };
        let span = text.sub_span(ctx.text, artifact.range.clone());
        let role = message.role.as_str();
        let what = match artifact.kind {
            Kind::Replacement => format!(
                "replacement character U+FFFD in {role} content; the original text was lost in decoding, restore it from the source"
            ),
            Kind::Mojibake(meant) => format!(
                "mojibake \"{}\" in {role} content; it is \"{meant}\" encoded as UTF-8 and decoded as Windows-1252, re-read the source as UTF-8",
                printable(&text.value[artifact.range.clone()])
            ),
            Kind::Control(c) => {
                let after: String = text.value[artifact.range.end..]
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .take(8)
                    .collect();
                match escape_letter(c) {
                    Some(letter) if !after.is_empty() => format!(
                        "control character U+{:04X} before \"{after}\" in {role} content; a backslash sequence such as \"\\{letter}{after}\" was written to JSON without doubling the backslash",
                        c as u32
                    ),
                    _ => format!(
                        "control character U+{:04X} in {role} content; remove it",
                        c as u32
                    ),
                }
            }
        };
        ctx.report(Code::C011, span, what);
    }
}

/// `s` with control characters written as JSON writes them (`\u0089`), so a message shows them.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The JSON escape letter of a control character (`\b`, `\f`, `\n`, `\r`, `\t`).
fn escape_letter(c: char) -> Option<char> {
    match c {
        '\u{8}' => Some('b'),
        '\u{c}' => Some('f'),
        _ => None,
    }
}

#[derive(Debug, PartialEq)]
pub enum Kind {
    Replacement,
    /// The character the mojibake stands for.
    Mojibake(char),
    Control(char),
}

#[derive(Debug, PartialEq)]
pub struct Artifact {
    pub range: std::ops::Range<usize>,
    pub kind: Kind,
}

/// The first encoding artifact of `text`, if any.
pub fn first_artifact(text: &str) -> Option<Artifact> {
    let bytes = text.as_bytes();
    // Every artifact but a C0 control starts with one of three bytes: 0xEF (U+FFFD), 0xC2
    // (C1 controls) and 0xC3 (the leads `Â` to `ï`). SIMD finds them; `München` costs one
    // look at the byte after.
    let mut found = None;
    for at in memchr::memchr3_iter(0xC2, 0xC3, 0xEF, bytes) {
        let Some(c) = text[at..].chars().next() else {
            continue;
        };
        let kind = match c {
            '\u{FFFD}' => Some((c.len_utf8(), Kind::Replacement)),
            '\u{80}'..='\u{9F}' => Some((c.len_utf8(), Kind::Control(c))),
            '\u{C2}'..='\u{DE}' | '\u{E0}'..='\u{EF}' if !ends_caps_word(text, at) => {
                mojibake_at(&text[at..])
                    .filter(|&(len, meant)| {
                        stands_alone(meant) || mojibake_at(&text[at + len..]).is_some()
                    })
                    .map(|(len, meant)| (len, Kind::Mojibake(meant)))
            }
            _ => None,
        };
        if let Some((len, kind)) = kind {
            found = Some(Artifact {
                range: at..at + len,
                kind,
            });
            break;
        }
    }
    let searched = found.as_ref().map_or(bytes.len(), |a| a.range.start);
    if let Some(at) = first_control(&bytes[..searched]) {
        let c = char::from(bytes[at]);
        found = Some(Artifact {
            range: at..at + 1,
            kind: Kind::Control(c),
        });
    }
    found
}

/// The first C0 control byte other than tab, line feed and carriage return. The chunks are
/// tested without branches, so the common case (none) runs at memory speed.
fn first_control(bytes: &[u8]) -> Option<usize> {
    let is_control = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
    let mut offset = 0;
    for chunk in bytes.chunks(64) {
        if chunk.iter().fold(false, |any, &b| any | is_control(b)) {
            return chunk
                .iter()
                .position(|&b| is_control(b))
                .map(|i| offset + i);
        }
        offset += chunk.len();
    }
    None
}

/// The character at `at` is an uppercase accented letter inside an all-caps word, before a
/// mark that follows words (`CAFÉ”`, `JOSÉ’S`): a letter, not the lead of a sequence. `Â`
/// and `Ã` are left out: `ESPAÃ‘A` is the mojibake of "ESPAÑA".
fn ends_caps_word(text: &str, at: usize) -> bool {
    let mut after = text[at..].chars();
    let Some(lead) = after.next() else {
        return false;
    };
    let after_word = text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphabetic() && c.is_uppercase());
    after_word
        && matches!(lead, '\u{C4}'..='\u{DE}')
        && lead != '×'
        && after.next().is_some_and(|c| {
            matches!(
                c,
                '‘' | '’'
                    | '“'
                    | '”'
                    | '–'
                    | '—'
                    | '…'
                    | '›'
                    | '»'
                    | '™'
                    | '®'
                    | '°'
                    | '·'
            )
        })
}

/// A character whose mojibake is evidence enough on its own: one that Latin-script text
/// uses (Latin-1 and Latin Extended letters, Greek, general punctuation, currency and
/// mathematical symbols, the `ﬁ` ligatures, the byte order mark). Mojibake of other
/// scripts (Cyrillic, Hebrew, Arabic, CJK, Hangul) comes in runs, one sequence after
/// another; a single such sequence in Latin text is an accented letter before punctuation
/// (`perché…”` is not "酔", `così…”` is not "셔") or a sign before a fraction (`2×½`, which
/// would be the unassigned U+05FD).
fn stands_alone(meant: char) -> bool {
    matches!(
        meant,
        '\u{80}'..='\u{377}'
            | '\u{37A}'..='\u{37F}'
            | '\u{384}'..='\u{38A}'
            | '\u{38C}'
            | '\u{38E}'..='\u{3A1}'
            | '\u{3A3}'..='\u{3FF}'
            | '\u{1E00}'..='\u{1FFF}'
            | '\u{2000}'..='\u{2BFF}'
            | '\u{FB00}'..='\u{FB06}'
            | '\u{FEFF}'
            | '\u{FFFD}'
    )
}

/// When `s` starts with a UTF-8 sequence that was decoded as Windows-1252: its length in
/// `s` and the character it encodes.
fn mojibake_at(s: &str) -> Option<(usize, char)> {
    let mut chars = s.chars();
    let lead = chars.next()? as u32;
    let continuations = if lead >= 0xE0 { 2 } else { 1 };
    let mut raw = vec![lead as u8];
    let mut len = s.chars().next()?.len_utf8();
    for _ in 0..continuations {
        let c = chars.next()?;
        raw.push(continuation_byte(c)?);
        len += c.len_utf8();
    }
    let decoded = std::str::from_utf8(&raw).ok()?;
    let meant = decoded.chars().next()?;
    Some((len, meant))
}

/// The byte a character stands for when a UTF-8 continuation byte (0x80–0xBF) was decoded
/// as Windows-1252 (or as Latin-1, for the bytes Windows-1252 leaves undefined).
fn continuation_byte(c: char) -> Option<u8> {
    let byte = match c {
        '\u{80}'..='\u{BF}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

#[cfg(test)]
mod tests {
    use super::{Kind, first_artifact};

    fn kind(text: &str) -> Option<Kind> {
        first_artifact(text).map(|a| a.kind)
    }

    #[test]
    fn artifacts() {
        assert_eq!(kind("her fiancÃ© Cal"), Some(Kind::Mojibake('é')));
        assert_eq!(kind("donâ€™t"), Some(Kind::Mojibake('’')));
        assert_eq!(kind("FranÃ§oise"), Some(Kind::Mojibake('ç')));
        assert_eq!(kind("Ã‰cole"), Some(Kind::Mojibake('É')));
        assert_eq!(kind("Ø§Ù„"), Some(Kind::Mojibake('ا')));
        assert_eq!(kind("2Ï€r"), Some(Kind::Mojibake('π')));
        assert_eq!(kind("25Â°C"), Some(Kind::Mojibake('°')));
        // All-caps text read as Windows-1252 still starts its sequences with `Ã`.
        assert_eq!(kind("ESPAÃ‘A"), Some(Kind::Mojibake('Ñ')));
        assert_eq!(kind("CAFÃ‰"), Some(Kind::Mojibake('É')));
        assert_eq!(kind("ÐŸÑ€Ð¸Ð²ÐµÑ‚"), Some(Kind::Mojibake('П')));
        // Other scripts in runs.
        assert_eq!(kind("ä¸\u{AD}æ–‡"), Some(Kind::Mojibake('中')));
        assert_eq!(kind("×©×œ×•×"), Some(Kind::Mojibake('ש')));
        assert_eq!(kind("ï»¿Hello"), Some(Kind::Mojibake('\u{FEFF}')));
        // Lowercase before the lead: not an all-caps word.
        assert_eq!(kind("Ï€ and Ù„"), Some(Kind::Mojibake('π')));
        assert_eq!(kind("n \u{FFFD} n"), Some(Kind::Replacement));
        assert_eq!(kind("\u{c}rac{y}{x}"), Some(Kind::Control('\u{c}')));
        assert_eq!(kind("a\u{0}b"), Some(Kind::Control('\u{0}')));
        assert_eq!(super::printable("\u{c3}\u{89}"), "\u{c3}\\u0089");
    }

    #[test]
    fn clean_text() {
        for text in [
            "plain ASCII\twith tabs\r\n",
            "São Paulo, München, Ünïcödé, 中文，标点",
            "„Fußball“ and «café»",
            "I’m here — “quoted” … ok 😀",
            "Ã alone, Â, ï",
            "The sign read “CAFÉ” in big letters.",
            "We ate at JOSÉ’S TACOS.",
            "The headline was “PELÉ—THE KING”.",
            "The brand name is “SÉ”, or SÉ® in print.",
            "„DÉJÀ VU“ and “ÇA VA” and “FÆRØ”",
            // An accented letter before an ellipsis and a closing quotation mark, and a
            // sign before a fraction: single sequences of CJK, Hangul or unassigned code
            // points.
            "“Ma perché…”",
            "“Non è così…”",
            "« J’ai terminé…”",
            "Use 2×½ cup of flour.",
        ] {
            assert_eq!(kind(text), None, "{text}");
        }
    }
}
