//! Every rule against its fixtures, `tests/fixtures/rules/<rule-name>/`:
//! - `invalid.jsonl` produces at least one diagnostic of the rule and nothing else, and its
//!   diagnostics, one `LINE:COL: CODE message` per line, are an insta snapshot
//!   (`tests/snapshots/rules/<CODE>-<rule-name>.snap`), so a change of wording is reviewed;
//! - `valid.jsonl` produces no diagnostic at all, at any level.
//!
//! Both run through the whole pipeline (`engine::lint_bytes`) with the default settings, or,
//! when the folder has a `tunelint.toml`, with the settings it gives (for options whose
//! default is impractical in a fixture, such as J008's 64 MiB). When the folder has a
//! `train.jsonl`, the fixture is checked as the validation split of that training file
//! (split-leak). A new snapshot is written as
//! `.snap.new` for review (`cargo insta review`, or read it and rename it); in CI
//! (`CI=true`) a missing snapshot fails.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use tunelint::config::{CliOverrides, Config};
use tunelint::diagnostic::Diagnostic;
use tunelint::engine;
use tunelint::rule::RuleMeta;
use tunelint::rules::{Code, RULES};
use tunelint::settings::Settings;

fn fixture_dir(meta: &RuleMeta) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(meta.name)
}

/// The fixture settings. A record rule's fixtures repeat one conversation with variations on
/// purpose, so for them the dataset-wide rules (duplicates, system-prompt consistency),
/// which judge a file as a whole and have fixtures of their own, are off.
fn settings_for(dir: &Path) -> Settings {
    let mut settings = fixture_settings(dir);
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let dataset_wide: Vec<Code> = tunelint::rules::dataset_rules()
        .filter(|r| r.only_on_dataset())
        .map(|r| r.code)
        .collect();
    assert!(!dataset_wide.is_empty(), "the registry lists dataset rules");
    if !dataset_wide.iter().any(|c| c.meta().name == name) {
        for code in dataset_wide {
            settings.levels[code.index()] = tunelint::rule::Level::Off;
        }
    }
    settings
}

fn fixture_settings(dir: &Path) -> Settings {
    let config = dir.join("tunelint.toml");
    match std::fs::read_to_string(&config) {
        Ok(text) => Config::parse(&text, &config)
            .and_then(|c| c.settings_for(&dir.join("invalid.jsonl"), &CliOverrides::default()))
            .unwrap_or_else(|e| panic!("{}: {}", config.display(), e.message())),
        Err(_) => Settings::default(),
    }
}

fn lint(meta: &RuleMeta, file: &str) -> Vec<Diagnostic> {
    let dir = fixture_dir(meta);
    let path = dir.join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let settings = settings_for(&dir);
    let Ok(train) = std::fs::read(dir.join("train.jsonl")) else {
        return engine::lint_bytes(&bytes, &settings).0;
    };
    // The fixture is file 1, the validation split of file 0; only its findings count.
    let job = |name: &str, bytes: Vec<u8>| {
        engine::Job::new(
            name,
            engine::InputSource::Memory(bytes.into()),
            settings.clone(),
        )
    };
    let jobs = [job("train.jsonl", train), job(file, bytes)];
    let options = engine::RunOptions {
        threads: 2,
        splits: vec![tunelint::dataset::SplitGroup {
            train: vec![0],
            eval: vec![1],
        }],
        ..Default::default()
    };
    let mut out = Vec::new();
    engine::run(&jobs, &options, &mut |d| {
        if d.location.file == 1 {
            out.push(d.clone())
        }
    })
    .expect("a run in memory");
    out
}

/// `LINE:COL: CODE message`, one per line: the concise format without the path.
fn concise(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!(
            "{}:{}: {} {}\n",
            d.location.line,
            d.location.column,
            d.code.as_str(),
            d.message
        ));
    }
    out
}

#[test]
fn invalid_fixtures_fire_only_their_rule() {
    let mut problems = Vec::new();
    for meta in RULES {
        let diagnostics = lint(meta, "invalid.jsonl");
        let who = format!(
            "{} {} (tests/fixtures/rules/{}/invalid.jsonl)",
            meta.code, meta.name, meta.name
        );
        if diagnostics.is_empty() {
            problems.push(format!("{who}: no diagnostic"));
        } else if diagnostics.iter().any(|d| d.code.as_str() != meta.code) {
            problems.push(format!(
                "{who}: other rules fired too:\n{}",
                concise(&diagnostics)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn valid_fixtures_fire_nothing() {
    let mut problems = Vec::new();
    for meta in RULES {
        let diagnostics = lint(meta, "valid.jsonl");
        if !diagnostics.is_empty() {
            problems.push(format!(
                "{} {} (tests/fixtures/rules/{}/valid.jsonl):\n{}",
                meta.code,
                meta.name,
                meta.name,
                concise(&diagnostics)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "valid fixtures produced diagnostics:\n{}",
        problems.join("\n")
    );
}

#[test]
fn invalid_fixture_snapshots() {
    let mut failed = Vec::new();
    for meta in RULES {
        let text = concise(&lint(meta, "invalid.jsonl"));
        let name = format!("{}-{}", meta.code, meta.name);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => "snapshots/rules",
                prepend_module_to_snapshot => false,
                description => format!("tests/fixtures/rules/{}/invalid.jsonl", meta.name),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name.as_str(), text);
            });
        }));
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ or are missing: {}",
        failed.join(", ")
    );
}

/// STYLE.md: lowercase start, no trailing period.
#[test]
fn fixture_messages_follow_the_house_style() {
    let mut problems = Vec::new();
    for meta in RULES {
        for d in lint(meta, "invalid.jsonl") {
            let starts_lowercase = d.message.chars().next().is_some_and(|c| !c.is_uppercase());
            if !starts_lowercase || d.message.ends_with('.') {
                problems.push(format!("{}: {}", d.code.as_str(), d.message));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "messages not in the house style:\n{}",
        problems.join("\n")
    );
}
