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

/// What the scaffolder (`scripts/new_rule.py`) writes until a rule is finished: a rule keeps
/// none of it, in its documentation, summary, option docs or source file.
#[test]
fn no_rule_keeps_the_scaffold_placeholders() {
    const MARK: &str = "todo(new_rule)";
    let has_mark = |text: &str| text.to_lowercase().contains(MARK);
    let mut left = Vec::new();
    for meta in RULES {
        let mut docs = [meta.doc, meta.summary]
            .into_iter()
            .chain(meta.options.iter().map(|o| o.doc));
        if docs.any(has_mark) {
            left.push(format!("{} {}: its documentation", meta.code, meta.name));
        }
    }
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/rules is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if std::fs::read_to_string(&path).is_ok_and(|text| has_mark(&text)) {
                left.push(format!("{}", path.display()));
            }
        }
    }
    left.sort();
    assert!(
        left.is_empty(),
        "the scaffold's TODO(new_rule) placeholders are still there; write the rule (the \
         next steps scripts/new_rule.py printed):\n{}",
        left.join("\n")
    );
}

/// The scaffolder, run on a scratch copy of what it reads and writes: `src/` and the rule
/// fixtures. That the rules it makes build, are clippy-clean and pass the meta-tests is
/// `.ci/scaffold-check.sh`'s job, which builds a copy of the whole crate.
mod scaffolder {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    use tunelint::rule::Category;
    use tunelint::rules::{Code, RULES};

    fn repo() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create a scratch directory");
        for entry in std::fs::read_dir(from).expect("read a directory of the repository") {
            let entry = entry.expect("a directory entry");
            let (src, dst) = (entry.path(), to.join(entry.file_name()));
            if src.is_dir() {
                copy_dir(&src, &dst);
            } else {
                std::fs::copy(&src, &dst).expect("copy a file");
            }
        }
    }

    fn scratch() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for sub in ["src", "tests/fixtures/rules"] {
            copy_dir(&repo().join(sub), &dir.path().join(sub));
        }
        dir
    }

    /// Every file under `root`, with its contents.
    fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read the scratch copy") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let bytes = std::fs::read(&path).expect("read a file");
                    files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
                }
            }
        }
        files
    }

    fn new_rule(root: &Path, args: &[&str]) -> Output {
        Command::new("python3")
            .arg(repo().join("scripts/new_rule.py"))
            .args(args)
            .arg("--root")
            .arg(root)
            .output()
            .expect("python3 runs scripts/new_rule.py")
    }

    fn text(root: &Path, path: &str) -> String {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The next free code of `letter`: one past its highest.
    fn next_code(letter: char) -> String {
        let last = Code::ALL
            .iter()
            .filter(|c| c.as_str().starts_with(letter))
            .map(|c| c.as_str()[1..].parse::<u32>().expect("three digits"))
            .max()
            .unwrap_or(0);
        format!("{letter}{:03}", last + 1)
    }

    /// The codes of the `codes!` list in `registry.rs`, in order.
    fn listed_codes(registry: &str) -> Vec<String> {
        let start = registry.find("\ncodes! {\n").expect("the codes! list");
        let end = start + registry[start..].find("\n}\n").expect("its end");
        registry[start + 10..end]
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn in_code_order(codes: &[String]) -> bool {
        let key = |c: &String| {
            let letter = c.chars().next();
            let cat = Category::ALL
                .iter()
                .position(|k| Some(k.letter()) == letter);
            (cat, c.clone())
        };
        codes.windows(2).all(|w| key(&w[0]) < key(&w[1]))
    }

    /// The line of `table` (the `registry!` table) right before the one starting `line`.
    fn line_before<'a>(table: &'a str, line: &str) -> &'a str {
        let lines: Vec<&str> = table.lines().collect();
        let at = lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!("src/rules/mod.rs has no line {line:?}"));
        lines[at - 1]
    }

    fn stdout(out: &Output) -> String {
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn stderr(out: &Output) -> String {
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    #[test]
    fn adds_a_record_rule_in_code_order() {
        let dir = scratch();
        let root = dir.path();
        let code = next_code('C');
        let last_c = Code::ALL
            .iter()
            .rfind(|c| c.as_str().starts_with('C'))
            .expect("content rules exist");
        let out = new_rule(
            root,
            &[&code, "test-rule", "content", "--option", "min_chars=10"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let said = stdout(&out);
        for part in [
            "created src/rules/content/test_rule.rs",
            "created tests/fixtures/rules/test-rule/invalid.jsonl",
            "created tests/fixtures/rules/test-rule/valid.jsonl",
            "edited  src/rules/content/mod.rs",
            "edited  src/registry.rs",
            "edited  src/rules/mod.rs",
            "cargo insta review",
            "TUNELINT_UPDATE_DOCS=1 cargo test --test docs",
        ] {
            assert!(said.contains(part), "the report says {part:?}:\n{said}");
        }

        let rule = text(root, "src/rules/content/test_rule.rs");
        for part in [
            &format!("code: \"{code}\""),
            "name: \"test-rule\"",
            "pub static TEST_RULE",
            "## What it does",
            "## Why is this bad?",
            "```jsonl,invalid",
            "Use instead:",
            "```jsonl,valid",
            "## Options",
            "test-rule = { min_chars = 10 }",
            "config: Options,",
            "pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>)",
        ] {
            assert!(rule.contains(part), "the rule file has {part:?}:\n{rule}");
        }

        let mods: Vec<String> = text(root, "src/rules/content/mod.rs")
            .lines()
            .filter_map(|l| l.rsplit_once("mod ").map(|(_, m)| m.to_owned()))
            .collect();
        assert!(mods.contains(&"test_rule;".to_owned()), "{mods:?}");
        assert!(mods.is_sorted(), "the mod lines stay sorted: {mods:?}");

        let codes = listed_codes(&text(root, "src/registry.rs"));
        assert!(codes.contains(&code), "{code} in codes!: {codes:?}");
        assert!(in_code_order(&codes), "codes! in code order: {codes:?}");
        assert_eq!(codes.len(), Code::ALL.len() + 1);

        let table = text(root, "src/rules/mod.rs");
        let entry = format!(
            "    {code} => content::test_rule::TEST_RULE, Record(content::test_rule::check);"
        );
        assert!(
            line_before(&table, &entry).starts_with(&format!("    {last_c} =>")),
            "{code} comes right after {last_c} in the registry! table"
        );

        // The placeholder examples, in the fixtures: a clean conversation, on which no rule
        // fires (the valid one must not; the invalid one will once the logic is written).
        let invalid = text(root, "tests/fixtures/rules/test-rule/invalid.jsonl");
        assert_eq!(
            invalid,
            text(root, "tests/fixtures/rules/test-rule/valid.jsonl")
        );
        assert!(
            rule.contains(invalid.trim_end()),
            "the fixtures are the doc examples"
        );
        let settings = tunelint::settings::Settings::default();
        let (found, _) = tunelint::engine::lint_bytes(invalid.as_bytes(), &settings);
        assert!(
            found.is_empty(),
            "the placeholder example is clean: {found:?}"
        );

        // As rustfmt writes it.
        let fmt = Command::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .arg(root.join("src/rules/content/test_rule.rs"))
            .output()
            .expect("rustfmt runs");
        assert!(fmt.status.success(), "{}", stdout(&fmt));
    }

    #[test]
    fn adds_a_dataset_rule_in_a_new_category() {
        let Some(&category) = Category::ALL
            .iter()
            .find(|k| RULES.iter().all(|r| r.category != **k))
        else {
            return; // Every category has rules: the other tests cover adding to one.
        };
        let dir = scratch();
        let root = dir.path();
        let folder = format!("{category:?}").to_lowercase();
        let code = format!("{}001", category.letter());
        let out = new_rule(
            root,
            &[&code, "too-few-examples", &folder, "--runs-on", "dataset"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(&format!("created src/rules/{folder}/mod.rs")));

        let module = text(root, &format!("src/rules/{folder}/mod.rs"));
        assert!(module.starts_with(&format!("//! {} rules: ", category.letter())));
        assert!(module.contains("\npub mod too_few_examples;\n"), "{module}");
        let rule = text(root, &format!("src/rules/{folder}/too_few_examples.rs"));
        assert!(
            rule.contains("pub const RUNS_ON: RunsOn = RunsOn::Dataset { check, facts: &[] };")
        );
        assert!(rule.contains("fn check(ctx: &mut DatasetContext<'_>)"));

        let table = text(root, "src/rules/mod.rs");
        let mods: Vec<&str> = table
            .lines()
            .filter(|l| l.starts_with("pub mod "))
            .collect();
        assert!(
            mods.contains(&format!("pub mod {folder};").as_str()),
            "{mods:?}"
        );
        assert!(mods.is_sorted(), "{mods:?}");
        let codes = listed_codes(&text(root, "src/registry.rs"));
        assert!(codes.contains(&code) && in_code_order(&codes), "{codes:?}");
        let entry = format!(
            "    {code} => {folder}::too_few_examples::TOO_FEW_EXAMPLES, \
             {folder}::too_few_examples::RUNS_ON;"
        );
        let before = codes[codes.iter().position(|c| *c == code).unwrap() - 1].clone();
        assert!(line_before(&table, &entry).starts_with(&format!("    {before} =>")));
    }

    #[test]
    fn dry_run_shows_the_insertions_and_writes_nothing() {
        let dir = scratch();
        let root = dir.path();
        let before = tree(root);
        let code = next_code('O');
        let out = new_rule(
            root,
            &[
                &code,
                "test-rule",
                "order",
                "--runs-on",
                "conversation",
                "--dry-run",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let diff = stdout(&out);
        for part in [
            "+++ b/src/rules/order/test_rule.rs",
            "+pub fn check(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {",
            "+++ b/src/rules/order/mod.rs\n",
            "+pub mod test_rule;\n",
            "+++ b/src/registry.rs\n",
            &format!(", {code},\n"),
            "+++ b/src/rules/mod.rs\n",
            &format!(
                "+    {code} => order::test_rule::TEST_RULE, Conv(order::test_rule::check);\n"
            ),
            "+++ b/tests/fixtures/rules/test-rule/invalid.jsonl",
            "+++ b/tests/fixtures/rules/test-rule/valid.jsonl",
            "dry run: nothing written",
        ] {
            assert!(diff.contains(part), "the dry run shows {part:?}:\n{diff}");
        }
        assert!(before == tree(root), "a dry run writes nothing");
    }

    #[test]
    fn refuses_what_it_cannot_add_and_writes_nothing() {
        let dir = scratch();
        let root = dir.path();
        let before = tree(root);
        let free = next_code('C');
        let cases: &[(&[&str], &str)] = &[
            (
                &["C001", "test-rule", "content"],
                "code C001 exists: content-too-short",
            ),
            (
                &[&free, "content-too-short", "content"],
                "name \"content-too-short\" exists: C001",
            ),
            (
                &[&free, "test-rule", "order"],
                "does not match category order: its codes start with O",
            ),
            (
                &["C13", "test-rule", "content"],
                "is not a capital letter and three digits",
            ),
            (
                &["c013", "test-rule", "content"],
                "is not a capital letter and three digits",
            ),
            (
                &[&free, "Test_Rule", "content"],
                "name \"Test_Rule\" is not kebab-case",
            ),
            (&[&free, "test--rule", "content"], "is not kebab-case"),
            (&[&free, "9lives", "content"], "is not kebab-case"),
            (
                &[&free, "test-rule", "contents"],
                "unknown category \"contents\"",
            ),
            (
                &["J099", "test-rule", "jsonl", "--runs-on", "message"],
                "a jsonl (J) rule cannot run on \"message\"",
            ),
            (
                &[&free, "test-rule", "content", "--option", "min=ten"],
                "is not a non-negative integer",
            ),
        ];
        for (args, expected) in cases {
            let out = new_rule(root, args);
            let said = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?} is refused: {said}");
            assert!(
                said.contains(expected) && said.contains("nothing was written"),
                "{args:?}: expected {expected:?} in:\n{said}"
            );
        }
        assert!(before == tree(root), "a refusal writes nothing");
    }
}
