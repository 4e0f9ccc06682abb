//! Long documents (tens of kilobytes each) through the real binary: D002 settles unrelated
//! long texts with bounds that cost linear time, still finds the planted near copies with
//! their exact similarity, and `dedupe` removes exactly those.

use std::path::Path;

use assert_cmd::Command;

/// Deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// English-looking prose: words of one to four syllables from a 2,000-word vocabulary,
/// the first ones far more frequent, in sentences and paragraphs.
fn document(rng: &mut Rng, vocabulary: &[String], chars: usize) -> String {
    let mut out = String::new();
    while out.len() < chars {
        for _ in 0..3 + rng.below(5) {
            let words = 6 + rng.below(16);
            for w in 0..words {
                // Roughly Zipf: the square of a uniform number favours the first words.
                let r = rng.below(1000) as f64 / 1000.0;
                let word = &vocabulary[(r * r * vocabulary.len() as f64) as usize];
                if w == 0 {
                    let mut c = word.chars();
                    out.extend(c.next().map(|f| f.to_ascii_uppercase()));
                    out.push_str(c.as_str());
                } else {
                    out.push(' ');
                    out.push_str(word);
                }
            }
            out.push_str([". ", ". ", "? ", "! "][rng.below(4)]);
        }
        out.push_str("\n\n");
    }
    out.truncate(chars);
    out
}

fn vocabulary(rng: &mut Rng) -> Vec<String> {
    let consonants = "bcdfghjklmnprstvwz".as_bytes();
    let vowels = "aeiou".as_bytes();
    let mut words = std::collections::BTreeSet::new();
    while words.len() < 2000 {
        let mut w = String::new();
        for _ in 0..1 + rng.below(4) {
            w.push(char::from(consonants[rng.below(consonants.len())]));
            w.push(char::from(vowels[rng.below(vowels.len())]));
        }
        words.insert(w);
    }
    words.into_iter().collect()
}

fn chat(user: &str, answer: &str) -> String {
    serde_json::json!({"messages": [
        {"role": "user", "content": user},
        {"role": "assistant", "content": answer},
    ]})
    .to_string()
}

/// 40 distinct documents of 20,000 characters, then near copies of documents 3 and 17 (a
/// sentence changed in each, far above the threshold) as lines 41 and 42.
fn write_documents(dir: &Path) {
    let mut rng = Rng(42);
    let vocabulary = vocabulary(&mut rng);
    let docs: Vec<String> = (0..40)
        .map(|_| document(&mut rng, &vocabulary, 20_000))
        .collect();
    let mut lines: Vec<String> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| chat(d, &format!("Summary {i}.")))
        .collect();
    for (n, &i) in [3usize, 17].iter().enumerate() {
        let copy = docs[i].replacen(". ", ". This sentence was added to the copy. ", 1);
        lines.push(chat(&copy, &format!("Copy {n}.")));
    }
    std::fs::write(dir.join("long.jsonl"), lines.join("\n") + "\n").expect("write");
}

#[test]
fn long_documents_find_their_near_copies_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_documents(d);
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d)
        .args([
            "check",
            "--isolated",
            "--select",
            "D002",
            "--format",
            "concise",
        ])
        .arg("long.jsonl")
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let found: Vec<&str> = stdout.lines().filter(|l| l.contains("D002")).collect();
    assert_eq!(found.len(), 2, "{stdout}");
    assert!(
        found[0].starts_with("long.jsonl:41:")
            && found[0].contains("near-duplicate of the example at line 4: first user message 99."),
        "{stdout}"
    );
    assert!(
        found[1].starts_with("long.jsonl:42:")
            && found[1]
                .contains("near-duplicate of the example at line 18: first user message 99."),
        "{stdout}"
    );
    Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d)
        .args(["dedupe", "--isolated", "long.jsonl", "-o", "out.jsonl"])
        .timeout(std::time::Duration::from_secs(600))
        .assert()
        .success()
        .stdout("Reduced from 42 to 40 examples\n");
}
