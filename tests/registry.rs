//! Meta-tests of the rule registry (`rules::RULES`): what every rule must be to be listed.

use std::collections::HashSet;
use std::path::Path;

use tunelint::rules::{self, Code, RULES};

#[test]
fn codes_are_unique_well_formed_and_sorted() {
    let mut seen = HashSet::new();
    for meta in RULES {
        let code = meta.code.as_bytes();
        assert!(
            code.len() == 4
                && code[0].is_ascii_uppercase()
                && code[1..].iter().all(u8::is_ascii_digit),
            "{}: a code is a capital letter and three digits",
            meta.code
        );
        assert!(seen.insert(meta.code), "{} is declared twice", meta.code);
    }
    let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_by_key(|c| {
        let letter = c.as_bytes()[0] as char;
        let category = tunelint::rule::Category::ALL
            .iter()
            .position(|k| k.letter() == letter);
        (category, c.to_string())
    });
    assert_eq!(
        codes, sorted,
        "RULES lists codes by category (J, S, O, C, P, T, D, B), then number"
    );
}

#[test]
fn code_enum_matches_the_table() {
    assert_eq!(Code::ALL.len(), RULES.len());
    for (i, code) in Code::ALL.iter().enumerate() {
        assert_eq!(code.index(), i);
        assert_eq!(
            format!("{code:?}"),
            code.meta().code,
            "registry! maps {code:?} to the rule declared as {}",
            code.meta().code
        );
        assert!(std::ptr::eq(code.meta(), RULES[i].meta));
    }
}

#[test]
fn names_are_unique_kebab_case() {
    let mut seen = HashSet::new();
    for meta in RULES {
        let kebab = !meta.name.is_empty()
            && meta.name.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
            && meta.name.as_bytes()[0].is_ascii_lowercase();
        assert!(
            kebab,
            "{}: name {:?} is not kebab-case",
            meta.code, meta.name
        );
        assert!(seen.insert(meta.name), "name {:?} is used twice", meta.name);
        assert_eq!(
            rules::lookup(meta.name),
            rules::lookup(meta.code),
            "{} and {} find the same rule",
            meta.code,
            meta.name
        );
    }
}

#[test]
fn code_letter_matches_category() {
    for meta in RULES {
        assert_eq!(
            meta.code.chars().next(),
            Some(meta.category.letter()),
            "{} is in category {:?}",
            meta.code,
            meta.category
        );
    }
}

#[test]
fn summaries_are_lowercase_one_liners_without_a_period() {
    for meta in RULES {
        let s = meta.summary;
        assert!(!s.is_empty(), "{}: empty summary", meta.code);
        assert!(
            !s.starts_with(|c: char| c.is_uppercase()),
            "{}: summary starts with a capital: {s}",
            meta.code
        );
        assert!(
            !s.ends_with('.'),
            "{}: summary ends with a period: {s}",
            meta.code
        );
        assert!(!s.contains('\n'), "{}: summary is one line: {s}", meta.code);
    }
}

#[test]
fn options_are_named_and_documented() {
    for meta in RULES {
        for option in meta.options {
            assert!(
                option
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}: option {:?} is snake_case, as in TOML",
                meta.code,
                option.name
            );
            assert!(
                !option.default.is_empty() && !option.doc.is_empty(),
                "{}: option {} has a default and a doc",
                meta.code,
                option.name
            );
        }
    }
}

#[test]
fn every_rule_has_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut missing = Vec::new();
    for meta in RULES {
        for file in ["invalid.jsonl", "valid.jsonl"] {
            let path = root.join(meta.name).join(file);
            if !path.is_file() {
                missing.push(format!("tests/fixtures/rules/{}/{file}", meta.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without fixtures:\n{}",
        missing.join("\n")
    );
    // And no fixture folder for a rule that does not exist (renamed or removed).
    let names: HashSet<&str> = RULES.iter().map(|r| r.name).collect();
    for entry in std::fs::read_dir(&root).expect("tests/fixtures/rules") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            names.contains(name.as_str()),
            "tests/fixtures/rules/{name} belongs to no rule"
        );
    }
}
