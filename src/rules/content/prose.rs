//! Which parts of a message's text are prose: everything except code (fenced blocks, inline
//! code spans, HTML `<pre>` and `<code>` elements) and URLs.
//!
//! The rules that judge writing (C007 placeholders, C008 text-speak, C009 truncation, C010
//! template tokens) skip what is not prose: `{{name}}` in a Jinja sample, `TODO` in a code
//! comment or `/u/` in a URL are not defects. The mask is built only when a rule has found a
//! candidate, so the text of a clean message is never scanned for it.

use std::ops::Range;

use memchr::memmem;

/// The code and URL ranges of one text, in byte offsets of the decoded value.
#[derive(Debug, Default)]
pub struct Mask {
    /// Sorted, non-overlapping.
    code: Vec<Range<usize>>,
    urls: Vec<Range<usize>>,
    /// The start of a fence line (```` ``` ```` or `~~~`) that is never closed.
    unclosed_fence: Option<usize>,
}

impl Mask {
    pub fn new(text: &str) -> Mask {
        let mut mask = Mask::default();
        mask.find_fences(text);
        mask.find_inline_code(text);
        mask.find_html_code(text, "<pre", "</pre>");
        mask.find_html_code(text, "<code", "</code>");
        mask.code = merged(std::mem::take(&mut mask.code));
        mask.find_urls(text);
        mask
    }

    /// True when `at` is inside code or a URL.
    pub fn covers(&self, at: usize) -> bool {
        in_ranges(&self.code, at) || in_ranges(&self.urls, at)
    }

    /// True when `at` is inside code.
    pub fn in_code(&self, at: usize) -> bool {
        in_ranges(&self.code, at)
    }

    /// Where a code fence opens that is never closed.
    pub fn unclosed_fence(&self) -> Option<usize> {
        self.unclosed_fence
    }

    /// Fenced blocks: a line starting (after indentation) with three or more backticks or
    /// tildes opens a block; a line of at least as many of the same character closes it.
    fn find_fences(&mut self, text: &str) {
        if !crate::literals::has_fence(text.as_bytes()) {
            return;
        }
        let mut open: Option<(usize, u8, usize)> = None;
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let start = at;
            at += line.len();
            let trimmed = line.trim_start();
            let Some(&c) = trimmed.as_bytes().first() else {
                continue;
            };
            if c != b'`' && c != b'~' {
                continue;
            }
            let run = trimmed.bytes().take_while(|&b| b == c).count();
            if run < 3 {
                continue;
            }
            match open {
                None => open = Some((start, c, run)),
                Some((from, fc, n)) => {
                    if c == fc && run >= n && trimmed[run..].trim().is_empty() {
                        self.code.push(from..at);
                        open = None;
                    }
                }
            }
        }
        if let Some((from, _, _)) = open {
            self.code.push(from..text.len());
            self.unclosed_fence = Some(from);
        }
    }

    /// Inline code: a run of backticks up to the next run of the same length, within one
    /// paragraph. A run without its partner is a literal backtick.
    fn find_inline_code(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // Fences are sorted and disjoint; the end of the current paragraph is remembered,
        // so a long text with many backticks is still read a bounded number of times.
        let fences = self.code.clone();
        let mut paragraph_end = 0;
        let mut i = 0;
        while let Some(found) = memchr::memchr(b'`', &bytes[i..]) {
            let start = i + found;
            let k = fences.partition_point(|r| r.end <= start);
            if let Some(r) = fences.get(k).filter(|r| r.start <= start) {
                i = r.end;
                continue;
            }
            let run = bytes[start..].iter().take_while(|&&b| b == b'`').count();
            let after = start + run;
            if paragraph_end < after {
                paragraph_end =
                    memmem::find(&bytes[after..], b"\n\n").map_or(bytes.len(), |p| after + p);
            }
            let mut j = after;
            let mut closed = None;
            while let Some(f) = memchr::memchr(b'`', &bytes[j..paragraph_end]) {
                let s = j + f;
                let n = bytes[s..].iter().take_while(|&&b| b == b'`').count();
                if n == run {
                    closed = Some(s + n);
                    break;
                }
                j = s + n;
            }
            match closed {
                Some(end) => {
                    self.code.push(start..end);
                    i = end;
                }
                None => i = after,
            }
        }
    }

    /// `<pre>…</pre>` and `<code>…</code>` (an element without its end tag runs to the end).
    fn find_html_code(&mut self, text: &str, open: &str, close: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(found) = memmem::find(&bytes[i..], open.as_bytes()) {
            let start = i + found;
            let next = bytes.get(start + open.len());
            if !matches!(next, Some(b'>' | b' ')) {
                i = start + open.len();
                continue;
            }
            let end = memmem::find(&bytes[start..], close.as_bytes())
                .map_or(bytes.len(), |p| start + p + close.len());
            self.code.push(start..end);
            i = end;
        }
    }

    /// `http://`, `https://` and `www.` up to whitespace or a quote or angle bracket, without
    /// trailing sentence punctuation.
    fn find_urls(&mut self, text: &str) {
        let bytes = text.as_bytes();
        for prefix in [&b"http://"[..], b"https://", b"www."] {
            let mut last_end = 0;
            for start in memmem::find_iter(bytes, prefix) {
                // `https://www.…` is one URL, and so is a run of glued prefixes.
                if start < last_end
                    || (prefix == b"www." && start > 0 && bytes[start - 1].is_ascii_alphanumeric())
                {
                    continue;
                }
                let mut end = start
                    + bytes[start..]
                        .iter()
                        .position(|&b| {
                            b.is_ascii_whitespace() || matches!(b, b'"' | b'<' | b'>' | b'`')
                        })
                        .unwrap_or(bytes.len() - start);
                while end > start
                    && matches!(
                        bytes[end - 1],
                        b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b'\''
                    )
                {
                    end -= 1;
                }
                last_end = end.max(start + prefix.len());
                self.urls.push(start..end);
            }
        }
        self.urls = merged(std::mem::take(&mut self.urls));
    }
}

/// `ranges` sorted, with overlapping ones (inline code inside `<pre>`) joined.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// `at` is inside one of the sorted, disjoint `ranges`.
fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    let k = ranges.partition_point(|r| r.end <= at);
    ranges.get(k).is_some_and(|r| r.start <= at)
}

/// True when the text at `at` directly follows an opening quotation mark: `"TODO"`,
/// `'Lorem ipsum dolor…'`, `“<|endoftext|>”` are quoted examples, not defects.
pub fn is_quoted(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '"' | '\'' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '`'))
}

/// The quotations of one text: what stands between an opening quotation mark and the
/// closing mark that matches it, within one paragraph.
///
/// `is_quoted` only looks at the character before a word, so a closing mark passes for an
/// opening one there: in `"two systems bolted together"<|endoftext|>` the token follows a
/// quotation, it is not in one. Here each mark is paired: a word is quoted only when an
/// opening mark comes before it and the matching closing mark after it.
#[derive(Debug, Default)]
pub struct Quotations {
    /// The quoted text, without its marks. Sorted by start; quotations of different marks
    /// may nest (`"the '</s>' token"`).
    spans: Vec<Range<usize>>,
}

/// The kinds of quotation marks, each paired with its own kind only: `"`, `'`, `“”`, `‘’`,
/// `«»`.
const QUOTE_KINDS: usize = 5;

/// How a character can serve as a quotation mark.
enum Mark {
    /// Straight `"` or `'`: opening or closing by what stands around it.
    Straight(usize),
    Opening(usize),
    Closing(usize),
    /// `’`: a closing mark, or an apostrophe when a letter follows (`don’t`).
    RightSingle(usize),
}

fn mark(c: char) -> Option<Mark> {
    Some(match c {
        '"' => Mark::Straight(0),
        '\'' => Mark::Straight(1),
        '\u{201C}' => Mark::Opening(2),
        '\u{201D}' => Mark::Closing(2),
        '\u{2018}' => Mark::Opening(3),
        '\u{2019}' => Mark::RightSingle(3),
        '\u{00AB}' => Mark::Opening(4),
        '\u{00BB}' => Mark::Closing(4),
        _ => return None,
    })
}

impl Quotations {
    pub fn new(text: &str) -> Quotations {
        let mut open: [Option<usize>; QUOTE_KINDS] = [None; QUOTE_KINDS];
        let mut spans = Vec::new();
        let mut prev: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            if c == '\n' && prev == Some('\n') {
                // A quotation does not run past its paragraph.
                open = [None; QUOTE_KINDS];
            } else if let Some(m) = mark(c) {
                // A straight mark opens before a word: at the start, after a space or an
                // opening bracket (`("`, `="`), never glued to the end of a word. It closes
                // after a word: before a space, punctuation, the end, or a token (`"<|`),
                // never before a letter (`it's`).
                let can_open = next.is_some_and(|n| !n.is_whitespace())
                    && !prev.is_some_and(char::is_alphanumeric);
                let can_close = prev.is_some_and(|p| !p.is_whitespace())
                    && !next.is_some_and(char::is_alphanumeric);
                let (kind, opens, closes) = match m {
                    Mark::Straight(k) => (k, can_open, can_close),
                    Mark::Opening(k) => (k, true, false),
                    Mark::Closing(k) => (k, false, true),
                    Mark::RightSingle(k) => (k, false, !next.is_some_and(char::is_alphanumeric)),
                };
                match open[kind] {
                    Some(from) if closes => {
                        spans.push(from..at);
                        open[kind] = None;
                    }
                    // An opening mark while one is open: the first had no partner.
                    _ if opens => open[kind] = Some(at + c.len_utf8()),
                    _ => {}
                }
            }
            prev = Some(c);
        }
        spans.sort_by_key(|r| r.start);
        Quotations { spans }
    }

    /// The quotations that hold `range`, innermost last, each without its marks.
    pub fn around(&self, range: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        self.spans
            .iter()
            .take_while(move |s| s.start <= range.start)
            .filter(move |s| range.end <= s.end)
            .cloned()
    }
}

/// The word (ASCII letters) that ends at `at`.
pub fn word_before(text: &str, at: usize) -> &str {
    let head = &text[..at];
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &head[start..]
}

/// Bytes on either side of a word that [`in_other_language`] reads: a sentence or two,
/// however long the line.
const LANGUAGE_WINDOW: usize = 160;

/// Common words of English that are not words of the other languages below.
const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "you", "your", "of", "that", "this", "with", "are", "is", "it", "be", "have",
    "has", "had", "not", "can", "will", "would", "should", "could", "what", "which", "who",
    "there", "they", "them", "their", "we", "our", "from", "or", "but", "if", "my", "she", "his",
    "her", "him", "been", "were", "does", "to", "please", "thanks", "just", "about",
];

/// Common words of Swedish, Danish and Norwegian, none of them an English word: where `ur`
/// is a word ("out of", "watch"), not text-speak. Some are German or Dutch words too, where
/// `ur` is no word either, so they may count.
pub const NORDIC_WORDS: &[&str] = &[
    "och", "att", "det", "som", "är", "på", "för", "inte", "av", "har", "jag", "ett", "ut", "så",
    "hon", "vad", "eller", "efter", "från", "hur", "tack", "og", "ikke", "jeg", "af", "mig", "dig",
    "hvad", "hvor", "lidt", "meget", "være", "blev", "ikkje", "han", "fram", "också", "väl",
    "kommer", "gået",
    // Shared with German or Dutch, where `ur` is no word either: they count here.
    "med", "om", "vi", "kan", "nu", "er", "den", "et",
];

/// Common words of Spanish and Portuguese, none of them a word of English or of the other
/// languages of Western Europe (French, Italian, German, Dutch, the Nordic ones): where
/// `TODO` is a word ("all"), not a placeholder.
pub const IBERIAN_WORDS: &[&str] = &[
    "el", "los", "las", "y", "por", "para", "más", "está", "este", "esta", "esto", "muy", "pero",
    "usted", "hay", "ya", "también", "sus", "como", "sin", "nosotros", "ellos", "cuando", "donde",
    "todos", "puede", "hasta", "desde", "não", "você", "ao", "ela", "seu", "sua", "muito", "uma",
    "dos", "com", "em", "os", "é", "são", "pelo", "pela", "isso", "já",
];

/// The words around `at` (on its line, at most 160 bytes on either side) read as the language
/// of `words` (a list of its common words that are not English ones): more of them are its
/// words than English ones. For the checks of English writing where a word is another
/// language's too: the Spanish `TODO INCLUIDO` ("all inclusive"), the Swedish `ur` ("out
/// of"); in any other language around them they are still the note and the text-speak they
/// are in English. Linear in the window, whatever the text's length.
pub fn in_language(text: &str, at: usize, words: &[&str]) -> bool {
    let mut start = text[..at]
        .rfind('\n')
        .map_or(0, |i| i + 1)
        .max(at.saturating_sub(LANGUAGE_WINDOW));
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = text[at..]
        .find('\n')
        .map_or(text.len(), |i| at + i)
        .min(at + LANGUAGE_WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let (mut english, mut other) = (0, 0);
    let mut lower = String::new();
    for word in text[start..end].split(|c: char| !c.is_alphabetic()) {
        if word.is_empty() {
            continue;
        }
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        if ENGLISH_WORDS.contains(&lower.as_str()) {
            english += 1;
        } else if words.contains(&lower.as_str()) {
            other += 1;
        }
    }
    other > english
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_around_a_word() {
        for (text, words) in [
            (
                "Ta ut boken ur väskan och lägg den på bordet, tack.",
                NORDIC_WORDS,
            ),
            (
                "Hon tog fram kartan ur fickan och visade vägen.",
                NORDIC_WORDS,
            ),
            (
                "Mit ur er gået i stå, så jeg kommer lidt for sent.",
                NORDIC_WORDS,
            ),
            (
                "Nuestro hotel ofrece el paquete TODO INCLUIDO con comidas y bebidas.",
                IBERIAN_WORDS,
            ),
            (
                "El seguro a TODO RIESGO cubre daños propios y a terceros.",
                IBERIAN_WORDS,
            ),
            ("Vendemos para TODO o país.", IBERIAN_WORDS),
        ] {
            let at = text.find(" ur ").or(text.find("TODO")).unwrap_or(0);
            assert!(in_language(text, at + 1, words), "{text}");
        }
        for (text, words) in [
            ("Check ur inbox.", NORDIC_WORDS),
            ("Thanks 4 ur help, it is gr8.", NORDIC_WORDS),
            ("TODO: write the answer", IBERIAN_WORDS),
            (
                "Please see the TODO below and the café menu.",
                IBERIAN_WORDS,
            ),
            (
                "Gracias! But ur order is late, and the hotel is TODO INCLUIDO.",
                IBERIAN_WORDS,
            ),
            // A placeholder in text of another language is still one.
            ("请把 TODO 写完", IBERIAN_WORDS),
            ("Ответ: TODO", IBERIAN_WORDS),
            ("Die Antwort ist TODO und folgt später.", IBERIAN_WORDS),
            (
                "La réponse est TODO pour le moment, merci de la compléter.",
                IBERIAN_WORDS,
            ),
            (
                "La risposta è TODO per ora, e la data è da definire.",
                IBERIAN_WORDS,
            ),
            ("De antwoord is TODO en volgt later.", IBERIAN_WORDS),
            ("Vielen Dank, thx und bis bald", NORDIC_WORDS),
        ] {
            let at = text
                .find("ur ")
                .or(text.find("TODO"))
                .or(text.find("thx"))
                .unwrap_or(0);
            assert!(!in_language(text, at, words), "{text}");
        }
    }

    #[test]
    fn fences_inline_code_and_urls() {
        let text =
            "Use `{{name}}` here.\n```jinja\nHello {{ user }}\n```\nSee https://x.test/u/1. Done";
        let mask = Mask::new(text);
        assert!(mask.in_code(text.find("{{name}}").unwrap()));
        assert!(mask.in_code(text.find("{{ user }}").unwrap()));
        assert!(!mask.covers(text.find("here").unwrap()));
        assert!(mask.covers(text.find("/u/").unwrap()));
        assert!(!mask.covers(text.find("Done").unwrap()));
        assert_eq!(mask.unclosed_fence(), None);
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let text = "Here:\n```python\ndef f(x):\n    return";
        let mask = Mask::new(text);
        assert_eq!(mask.unclosed_fence(), Some(6));
        assert!(mask.in_code(text.len() - 1));
    }

    #[test]
    fn a_lone_backtick_is_literal() {
        let text = "press ` then type ``code`` and go";
        let mask = Mask::new(text);
        assert!(!mask.in_code(text.find("then").unwrap()));
        assert!(mask.in_code(text.find("code`").unwrap()));
        assert!(!mask.in_code(text.find("and go").unwrap()));
    }

    #[test]
    fn word_before_stops_at_any_character() {
        let text = "ancien régime.";
        assert_eq!(word_before(text, text.len() - 1), "gime");
        let text = "E=mc². ok";
        assert_eq!(word_before(text, text.find('.').unwrap()), "");
        assert_eq!(word_before("done", 4), "done");
    }

    fn quoted(text: &str, needle: &str) -> bool {
        let at = text.find(needle).unwrap();
        Quotations::new(text).around(at..at + needle.len()).count() > 0
    }

    #[test]
    fn quotations_pair_opening_and_closing_marks() {
        assert!(quoted("the string \"<|endoftext|>\" marks the end", "<|"));
        assert!(quoted("(\"</s>\")", "</s>"));
        assert!(quoted("\"the '</s>' token\"", "</s>"));
        assert!(quoted("“a <b> c”", "<b>"));
        assert!(quoted("don’t ‘<b>’", "<b>"));
        // A closing mark is not an opening one.
        assert!(!quoted(
            "\"two systems bolted together\"<|endoftext|>",
            "<|"
        ));
        assert!(!quoted("“two systems”<|endoftext|>", "<|"));
        assert!(!quoted("He said \"hi\" and then <b> \"bye\"", "<b>"));
        // A mark without its partner quotes nothing.
        assert!(!quoted("the token \"<b>", "<b>"));
        assert!(!quoted("it's <b> isn't it", "<b>"));
        assert!(!quoted("6' 2\" tall <b>", "<b>"));
        // Nor across a paragraph.
        assert!(!quoted("\"one\n\n<b> two\"", "<b>"));
    }

    #[test]
    fn html_code_elements() {
        let text = "Run <pre>git push TODO</pre> then <code>x</code>. <preface>";
        let mask = Mask::new(text);
        assert!(mask.in_code(text.find("TODO").unwrap()));
        assert!(mask.in_code(text.find("x</code>").unwrap()));
        assert!(!mask.in_code(text.find("then").unwrap()));
        assert!(!mask.in_code(text.find("face").unwrap()));
    }
}
