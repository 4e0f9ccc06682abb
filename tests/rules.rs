//! Every rule against its fixtures, `tests/fixtures/rules/<rule-name>/`:
//! - `invalid.jsonl` produces at least one diagnostic of the rule and nothing else, and its
//!   diagnostics, one `LINE:COL: CODE message` per line, are an insta snapshot
//!   (`tests/snapshots/rules/<CODE>-<rule-name>.snap`), so a change of wording is reviewed;
//! - `valid.jsonl` produces no diagnostic at all, at any level.
//!
//! Both run through the whole pipeline (`engine::lint_bytes`) with the default settings, or,
//! when the folder has a `tunelint.toml`, with the settings it gives (for options whose
//! default is impractical in a fixture, such as J008's 64 MiB). A new snapshot is written as
//! `.snap.new` for review (`cargo insta review`, or read it and rename it); in CI
//! (`CI=true`) a missing snapshot fails.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use tunelint::config::{CliOverrides, Config};
use tunelint::diagnostic::Diagnostic;
use tunelint::engine;
use tunelint::rule::RuleMeta;
use tunelint::rules::RULES;
use tunelint::settings::Settings;

fn fixture_dir(meta: &RuleMeta) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(meta.name)
}

fn settings_for(dir: &Path) -> Settings {
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
    engine::lint_bytes(&bytes, &settings_for(&dir)).0
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
