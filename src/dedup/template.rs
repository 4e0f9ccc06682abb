//! Shared prompt templates: the longest prefix or suffix that most compared texts of a file
//! carry (a tool description, an instruction preamble), or one for each of several groups of
//! texts that together make most of the file (a description per tool), which D005 reports
//! and `[dedup] ignore_template` takes out of the texts before they are compared.

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

/// The template, or templates, that more than half of a file's texts carry: one prefix or
/// suffix most texts share, or else a prefix (or suffix) for each of several groups of
/// texts (a tool description per tool), each carried by enough texts that differ after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub end: End,
    /// The templates, the most carried first.
    pub texts: Vec<String>,
    /// How many texts carry each of `texts`.
    pub counts: Vec<usize>,
    /// For each text (by id), the index in `texts` of the template it carries.
    carrier: Vec<Option<u32>>,
}

impl Template {
    /// The most carried template.
    pub fn main(&self) -> &str {
        self.texts.first().map_or("", String::as_str)
    }

    /// The main template's length in characters.
    pub fn chars(&self) -> usize {
        self.main().chars().count()
    }

    /// The shortest and longest template, in characters.
    pub fn char_range(&self) -> (usize, usize) {
        let lens = self.texts.iter().map(|t| t.chars().count());
        (lens.clone().min().unwrap_or(0), lens.max().unwrap_or(0))
    }

    /// How many texts carry a template.
    pub fn carried_by(&self) -> usize {
        self.counts.iter().sum()
    }

    /// Whether text `id` carries a template.
    pub fn carries(&self, id: u32) -> bool {
        self.which(id).is_some()
    }

    /// Whether texts `a` and `b` carry the same template.
    pub fn shared_by(&self, a: u32, b: u32) -> bool {
        self.which(a).is_some_and(|t| self.which(b) == Some(t))
    }

    /// The first text that carries the main template.
    pub fn first_carrier(&self) -> Option<u32> {
        self.carrier
            .iter()
            .position(|&c| c == Some(0))
            .map(|i| i as u32)
    }

    fn which(&self, id: u32) -> Option<u32> {
        self.carrier.get(id as usize).copied().flatten()
    }

    /// The main template's first line that is not blank, as it reads.
    pub fn first_line(&self) -> &str {
        self.main()
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
    }

    /// The texts with their template taken out of those that carry one: what differs.
    pub fn strip(&self, texts: &CompareTexts) -> CompareTexts {
        texts.map_texts(|id, text| {
            let Some(t) = self.which(id) else {
                return text;
            };
            let n = self.texts[t as usize].len();
            match self.end {
                End::Prefix => &text[n..],
                End::Suffix => &text[..text.len() - n],
            }
        })
    }

    /// `texts` (one end's), each with the texts that carry it, when together they are
    /// carried by more than half of the `n` texts.
    fn of(end: End, found: Vec<String>, all: &CompareTexts) -> Option<Template> {
        let n = all.len();
        let mut carrier: Vec<Option<u32>> = (0..n)
            .map(|id| {
                let s = all.text(id as u32);
                // The longest template a text carries, when templates nest.
                found
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| match end {
                        End::Prefix => s.starts_with(t.as_str()),
                        End::Suffix => s.ends_with(t.as_str()),
                    })
                    .max_by_key(|(_, t)| t.len())
                    .map(|(i, _)| i as u32)
            })
            .collect();
        let mut counts = vec![0usize; found.len()];
        let mut first = vec![usize::MAX; found.len()];
        for (id, c) in carrier.iter().enumerate() {
            if let Some(c) = c {
                counts[*c as usize] += 1;
                first[*c as usize] = first[*c as usize].min(id);
            }
        }
        // Most carried first, then the one met first; templates nobody carries are dropped.
        let mut order: Vec<usize> = (0..found.len()).filter(|&i| counts[i] > 0).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(counts[i]), first[i]));
        let mut rank = vec![None; found.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = Some(r as u32);
        }
        for c in &mut carrier {
            *c = c.and_then(|i| rank[i as usize]);
        }
        let template = Template {
            end,
            texts: order.iter().map(|&i| found[i].clone()).collect(),
            counts: order.iter().map(|&i| counts[i]).collect(),
            carrier,
        };
        (2 * template.carried_by() > n).then_some(template)
    }
}

/// A group of texts carries its own template when it has at least this share of the texts
/// looked at (and at least [`MIN_GROUP`] of them)...
const GROUP_SHARE: usize = 200;
const MIN_GROUP: usize = 4;
/// ... and what follows the template differs from text to text: at least 90% of the
/// group's rests distinct, and half of them at least this many characters (a cluster of
/// near-copies of one long text shares a long prefix too, but what follows it is a word or
/// two, or nothing).
const MIN_REST_CHARS: usize = 20;

/// The template, or templates, more than half of the texts carry: the longest prefix or
/// suffix of at least [`MIN_CHARS`] characters that more than half of them share (the
/// longer of the two), or else, at the end where they cover more texts, a template per
/// group of texts. Looked for on a sample of the texts, counted on all.
pub fn find(texts: &CompareTexts) -> Option<Template> {
    let n = texts.len();
    if n < 4 {
        return None;
    }
    let step = n.div_ceil(SAMPLE);
    let sample: Vec<&str> = (0..n).step_by(step).map(|t| texts.text(t as u32)).collect();
    let mut best: Option<Template> = None;
    for end in [End::Prefix, End::Suffix] {
        let Some(text) = longest_shared(&sample, end) else {
            continue;
        };
        if best.as_ref().is_some_and(|b| b.main().len() >= text.len()) {
            continue;
        }
        if let Some(template) = Template::of(end, vec![text], texts) {
            best = Some(template);
        }
    }
    if best.is_some() {
        return best;
    }
    [End::Prefix, End::Suffix]
        .into_iter()
        .filter_map(|end| Template::of(end, group_templates(&sample, end), texts))
        .max_by_key(|t| (t.carried_by(), t.end == End::Prefix))
}

/// A template for each group of `texts` that share a prefix (or suffix) of at least
/// [`MIN_CHARS`] characters: after sorting, such a group is a run of texts, each sharing
/// that much with the one before; its template is what the run's first and last share, cut
/// back to its last whitespace. Runs too small, or whose texts do not differ enough after
/// the template, are not groups (see [`MIN_REST_CHARS`]).
fn group_templates(texts: &[&str], end: End) -> Vec<String> {
    let mut keys = keys(texts, end);
    keys.sort_unstable();
    let min_group = (keys.len() / GROUP_SHARE).max(MIN_GROUP);
    let mut found = Vec::new();
    let mut start = 0;
    for i in 1..=keys.len() {
        let joined =
            i < keys.len() && chars(&keys[i][..cut_common(&keys[i - 1], &keys[i])]) >= MIN_CHARS;
        if joined {
            continue;
        }
        let run = &keys[start..i];
        start = i;
        if run.len() < min_group {
            continue;
        }
        let len = cut_common(&run[0], &run[run.len() - 1]);
        if chars(&run[0][..len]) < MIN_CHARS {
            continue;
        }
        let mut rests: Vec<&[u8]> = run.iter().map(|k| &k[len..]).collect();
        let long = rests.iter().filter(|r| chars(r) >= MIN_REST_CHARS).count();
        rests.sort_unstable();
        rests.dedup();
        if 10 * rests.len() < 9 * run.len() || 2 * long < run.len() {
            continue;
        }
        found.push(forward(&run[0][..len], end));
    }
    found
}

/// The texts as sort keys: their bytes, reversed for suffixes.
fn keys(texts: &[&str], end: End) -> Vec<Vec<u8>> {
    texts
        .iter()
        .map(|t| match end {
            End::Prefix => t.as_bytes().to_vec(),
            End::Suffix => t.bytes().rev().collect(),
        })
        .collect()
}

/// The bytes `x` and `y` start with alike, cut back to just after the last whitespace (a
/// template ends where a word does).
fn cut_common(x: &[u8], y: &[u8]) -> usize {
    let common = x.iter().zip(y).take_while(|(a, b)| a == b).count();
    x[..common]
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(0, |p| p + 1)
}

/// Characters, counted as the bytes that start one, whichever way the key runs.
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// A key's prefix as the text it stands for: whole UTF-8 characters, read forward.
fn forward(bytes: &[u8], end: End) -> String {
    match end {
        End::Prefix => utf8_prefix(bytes).to_owned(),
        End::Suffix => {
            let forward: Vec<u8> = bytes.iter().rev().copied().collect();
            utf8_suffix(&forward).to_owned()
        }
    }
}

/// The prefix (or suffix) of at least [`MIN_CHARS`] characters that the most of `texts`
/// share, more than half of them, the longest of those: after sorting the texts (reversed,
/// for suffixes), the texts that share a prefix are consecutive, so the prefix `k` texts
/// share is the common prefix of a window of `k` sorted texts, that of its first and last,
/// cut back to its last whitespace (a template ends where a word does). Fewer texts share
/// longer prefixes, so the largest `k` is found by bisection.
fn longest_shared(texts: &[&str], end: End) -> Option<String> {
    let need = texts.len() / 2 + 1;
    let mut keys = keys(texts, end);
    keys.sort_unstable();
    // The longest cut common prefix of a window of `k` sorted keys: (bytes, window start).
    let best_of = |k: usize| -> (usize, usize) {
        let mut best = (0, 0);
        for i in 0..=keys.len() - k {
            let cut = cut_common(&keys[i], &keys[i + k - 1]);
            if cut > best.0 {
                best = (cut, i);
            }
        }
        best
    };
    let long_enough = |(len, at): (usize, usize)| chars(&keys[at][..len]) >= MIN_CHARS;
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
    let text = forward(&keys[at][..len], end);
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
        assert_eq!(template.texts, [preamble]);
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

    /// Questions in the style of a tool-use set: each tool's description, then a question.
    fn tool_texts(tools: &[(&str, usize)]) -> Vec<String> {
        let mut list = Vec::new();
        for (t, (tool, n)) in tools.iter().enumerate() {
            let preamble = format!(
                "toolformer: enabled\ntoolformer access: {tool}\nA wrapper around the {tool} \
                 service. Use it to look things up; the input should be a plain question \
                 written in natural language.\n{tool}(query)\n"
            );
            for q in 0..*n {
                let ask = ["What", "Who", "How", "Where", "When", "Which"][q % 6];
                list.push(format!(
                    "{preamble}{ask} is item {} for tool {t}, in a few words?",
                    q * 7 + t
                ));
            }
        }
        list
    }

    #[test]
    fn finds_a_template_per_group_when_no_one_template_is_carried_by_most() {
        let mut list = tool_texts(&[("wikipedia", 12), ("weather", 9), ("calculator", 6)]);
        list.extend((0..3).map(|i| format!("A plain question without any tool, number {i}.")));
        let t = texts(&list);
        let template = find(&t).expect("templates");
        assert_eq!(template.end, End::Prefix);
        assert_eq!(template.texts.len(), 3, "{:?}", template.texts);
        assert_eq!(template.counts, [12, 9, 6]);
        assert!(template.main().contains("access: wikipedia\n"));
        assert!(template.main().ends_with("wikipedia(query)\n"));
        assert_eq!(template.carried_by(), 27);
        assert!(template.shared_by(0, 11) && !template.shared_by(0, 12));
        assert!(!template.carries(27));
        let stripped = template.strip(&t);
        assert_eq!(
            stripped.text(13),
            "Who is item 8 for tool 1, in a few words?"
        );
        assert_eq!(stripped.text(29), list[29]);
    }

    #[test]
    fn near_copies_of_one_long_text_are_not_a_template() {
        // Twenty copies of one long question that differ in their last word share a long
        // opening, as a template would; what follows it is a word, so it is not one.
        let long = "Please describe in detail the history of the printing press in Europe, \
                    its inventors, its spread between cities and its effect on learning in";
        let list: Vec<String> = (0..20)
            .map(|i| format!("{long} period {}", ["one", "two", "three", "four"][i % 4]))
            .chain((0..4).map(|i| format!("Unrelated text {i}")))
            .collect();
        // Not a template per group; the one most texts share is the opening itself, which
        // is reported as before (more than half carry it).
        let found = find(&texts(&list));
        assert!(
            found.as_ref().is_none_or(|t| t.texts.len() == 1),
            "{found:?}"
        );
        assert!(
            group_templates(
                &list.iter().map(String::as_str).collect::<Vec<_>>(),
                End::Prefix
            )
            .is_empty()
        );
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
        assert!(template.main().ends_with(&tail));
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
