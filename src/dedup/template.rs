//! Shared prompt templates: the longest prefix or suffix that most compared texts of a file
//! carry (a tool description, an instruction preamble), which D005 reports and
//! `[dedup] ignore_template` takes out of the texts before they are compared.

use super::texts::CompareTexts;

/// A template is at least this many characters: shorter shared openings ("Write a", "Can
/// you") are phrasing, not a template, and barely move a similarity.
pub const MIN_CHARS: usize = 100;
/// The texts the template is looked for in, at most (evenly spread over the file); whether
/// more than half of all the texts carry it is then counted on every text.
const SAMPLE: usize = 2_000;

/// Which end of the texts the template is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Prefix,
    Suffix,
}

/// A template more than half of a file's texts carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub end: End,
    pub text: String,
    /// Which texts carry it (by text id).
    pub carriers: Vec<bool>,
}

impl Template {
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    pub fn carried_by(&self) -> usize {
        self.carriers.iter().filter(|&&c| c).count()
    }

    /// Whether text `id` carries the template.
    pub fn carries(&self, id: u32) -> bool {
        self.carriers.get(id as usize).copied().unwrap_or(false)
    }

    /// The template's first line that is not blank, as it reads.
    pub fn first_line(&self) -> &str {
        self.text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
    }

    /// The texts with the template taken out of those that carry it: what differs.
    pub fn strip(&self, texts: &CompareTexts) -> CompareTexts {
        let n = self.text.len();
        texts.map_texts(|id, text| {
            if !self.carries(id) {
                return text;
            }
            match self.end {
                End::Prefix => &text[n..],
                End::Suffix => &text[..text.len() - n],
            }
        })
    }
}

/// The longest prefix or suffix of at least [`MIN_CHARS`] characters that more than half of
/// the texts carry (the longer of the two), if any. Looked for on a sample of the texts,
/// counted on all.
pub fn find(texts: &CompareTexts) -> Option<Template> {
    let n = texts.len();
    if n < 4 {
        return None;
    }
    let step = n.div_ceil(SAMPLE);
    let sample: Vec<&str> = (0..n).step_by(step).map(|t| texts.text(t as u32)).collect();
    let prefix = longest_shared(&sample, End::Prefix);
    let suffix = longest_shared(&sample, End::Suffix);
    let mut best: Option<Template> = None;
    for (end, text) in [(End::Prefix, prefix), (End::Suffix, suffix)] {
        let Some(text) = text else { continue };
        if best.as_ref().is_some_and(|b| b.text.len() >= text.len()) {
            continue;
        }
        let carriers: Vec<bool> = (0..n)
            .map(|t| {
                let s = texts.text(t as u32);
                match end {
                    End::Prefix => s.starts_with(&text),
                    End::Suffix => s.ends_with(&text),
                }
            })
            .collect();
        let template = Template {
            end,
            text,
            carriers,
        };
        if 2 * template.carried_by() > n {
            best = Some(template);
        }
    }
    best
}

/// The prefix (or suffix) of at least [`MIN_CHARS`] characters that the most of `texts`
/// share, more than half of them, the longest of those: after sorting the texts (reversed,
/// for suffixes), the texts that share a prefix are consecutive, so the prefix `k` texts
/// share is the common prefix of a window of `k` sorted texts, that of its first and last,
/// cut back to its last whitespace (a template ends where a word does). Fewer texts share
/// longer prefixes, so the largest `k` is found by bisection.
fn longest_shared(texts: &[&str], end: End) -> Option<String> {
    let need = texts.len() / 2 + 1;
    let mut keys: Vec<Vec<u8>> = texts
        .iter()
        .map(|t| match end {
            End::Prefix => t.as_bytes().to_vec(),
            End::Suffix => t.bytes().rev().collect(),
        })
        .collect();
    keys.sort_unstable();
    // The longest cut common prefix of a window of `k` sorted keys: (bytes, window start).
    let best_of = |k: usize| -> (usize, usize) {
        let mut best = (0, 0);
        for i in 0..=keys.len() - k {
            let (x, y) = (&keys[i], &keys[i + k - 1]);
            let common = x.iter().zip(y).take_while(|(a, b)| a == b).count();
            let cut = x[..common]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(0, |p| p + 1);
            if cut > best.0 {
                best = (cut, i);
            }
        }
        best
    };
    // Characters counted as the bytes that start one, whichever way the key runs.
    let long_enough = |(len, at): (usize, usize)| {
        keys[at][..len]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            >= MIN_CHARS
    };
    if need > keys.len() || !long_enough(best_of(need)) {
        return None;
    }
    let (mut lo, mut hi) = (need, keys.len()); // lo qualifies; find the largest that does
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if long_enough(best_of(mid)) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let (len, at) = best_of(lo);
    let bytes = &keys[at][..len];
    let text = match end {
        End::Prefix => utf8_prefix(bytes).to_owned(),
        End::Suffix => {
            let forward: Vec<u8> = bytes.iter().rev().copied().collect();
            utf8_suffix(&forward).to_owned()
        }
    };
    (text.chars().count() >= MIN_CHARS).then_some(text)
}

/// The longest prefix of `bytes` that is whole UTF-8 characters (`bytes` is a prefix of a
/// `str`, cut anywhere).
fn utf8_prefix(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// The longest suffix of `bytes` that is whole UTF-8 characters (`bytes` is a suffix of a
/// `str`, cut anywhere): continuation bytes at its start are dropped.
fn utf8_suffix(bytes: &[u8]) -> &str {
    let skip = bytes.iter().take_while(|&&b| (b & 0xC0) == 0x80).count();
    std::str::from_utf8(&bytes[skip..]).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(list: &[String]) -> CompareTexts {
        let mut t = CompareTexts::default();
        for s in list {
            t.push(s);
        }
        t
    }

    #[test]
    fn finds_a_prefix_most_texts_carry_and_strips_it() {
        let preamble = "You can call these tools: Calculator(expr) evaluates arithmetic; \
                        Search(query) looks a question up on the web. Answer with the call.\n";
        let mut list: Vec<String> = ["What is 2+2?", "Who wrote Hamlet?", "How far is Mars?"]
            .iter()
            .map(|q| format!("{preamble}{q}"))
            .collect();
        list.push("Something else entirely, with no preamble at all.".to_owned());
        let t = texts(&list);
        let template = find(&t).expect("a template");
        assert_eq!(template.end, End::Prefix);
        assert_eq!(template.text, preamble);
        assert_eq!(template.carried_by(), 3);
        assert!(
            template
                .first_line()
                .starts_with("You can call these tools")
        );
        let stripped = template.strip(&t);
        assert_eq!(stripped.text(1), "Who wrote Hamlet?");
        assert_eq!(stripped.text(3), list[3]);
    }

    #[test]
    fn finds_a_suffix_and_ignores_short_or_rare_ones() {
        let tail = format!(
            "\n\n{}",
            "Répondez en français, en trois phrases au plus. ".repeat(3)
        );
        let list: Vec<String> = ["Pourquoi le ciel est bleu ?", "Qu'est-ce qu'un atome ?"]
            .iter()
            .chain(["Comment pousse un arbre ?"].iter())
            .map(|q| format!("{q}{tail}"))
            .chain(["Une autre question".to_owned()])
            .collect();
        let template = find(&texts(&list)).expect("a template");
        assert_eq!(template.end, End::Suffix);
        assert!(template.text.ends_with(&tail));
        // Two of four is not more than half; a short shared opening is not a template.
        let half: Vec<String> = list[..2]
            .iter()
            .cloned()
            .chain(["a".into(), "b".into()])
            .collect();
        assert_eq!(find(&texts(&half)), None);
        let short: Vec<String> = (0..6).map(|i| format!("Please answer: {i}")).collect();
        assert_eq!(find(&texts(&short)), None);
    }
}
