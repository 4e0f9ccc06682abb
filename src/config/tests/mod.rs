//! The configuration's tests: discovery and the starter file here, errors and resolution
//! in their own files.

mod errors;
mod resolution;

use std::path::Path;

use super::*;
use crate::rule::Level;
use crate::rules::Code;
use crate::settings::ConfiguredOptions;

pub(super) fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("tunelint.toml"))
}

/// Parses `text` as the `tunelint.toml` of a fresh folder that holds `files` (the paths
/// `[[datasets]]` names must exist); the folder lives as long as the guard.
pub(super) fn parse_beside(
    text: &str,
    files: &[&str],
) -> (tempfile::TempDir, Result<Config, ConfigError>) {
    let dir = tempfile::tempdir().expect("tempdir");
    for file in files {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, "").expect("write");
    }
    let config = Config::parse(text, &dir.path().join("tunelint.toml"));
    (dir, config)
}

pub(super) fn error(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

pub(super) fn levels(
    config: &Config,
    path: &str,
    cli: &CliOverrides,
    codes: &[Code],
) -> Vec<Level> {
    let settings = config
        .settings_for(Path::new(path), cli)
        .expect("valid settings");
    codes.iter().map(|c| settings.level(*c)).collect()
}

// --- discovery

#[test]
fn discovery_prefers_tunelint_toml_then_dot_file_then_pyproject() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("pyproject.toml"),
        "[tool.tunelint]\nformat = \"alpaca\"\n",
    )
    .expect("write");
    let found = discover(root).expect("ok").expect("config");
    assert_eq!(found.format, FormatChoice::Alpaca);

    std::fs::write(root.join(".tunelint.toml"), "format = \"sharegpt\"\n").expect("write");
    let found = discover(root).expect("ok").expect("config");
    assert_eq!(found.format, FormatChoice::ShareGpt);

    std::fs::write(root.join("tunelint.toml"), "format = \"openai-chat\"\n").expect("write");
    let found = discover(root).expect("ok").expect("config");
    assert_eq!(found.format, FormatChoice::OpenAiChat);
    assert_eq!(found.root(), absolute(root));
    assert_eq!(found.path(), Some(root.join("tunelint.toml").as_path()));
}

#[test]
fn discovery_walks_up_and_skips_pyproject_without_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let nested = root.join("a/b");
    std::fs::create_dir_all(&nested).expect("mkdir");
    std::fs::write(root.join("tunelint.toml"), "format = \"alpaca\"\n").expect("write");
    // Not ours (and not even valid TOML): passed over, the search goes on upwards.
    std::fs::write(nested.join("pyproject.toml"), "[project\nname = \"x\"\n").expect("write");
    std::fs::write(
        root.join("a/pyproject.toml"),
        "[project]\nname = \"tunelint-data\"\n[tool.black]\nline-length = 100\n",
    )
    .expect("write");
    let found = discover(&nested).expect("ok").expect("config");
    assert_eq!(found.format, FormatChoice::Alpaca);
    assert_eq!(found.root(), absolute(root));
}

#[test]
fn discovery_reports_errors_in_the_found_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(".tunelint.toml");
    std::fs::write(&path, "[gates]\nmax_warning = 3\n").expect("write");
    let err = discover(dir.path()).expect_err("invalid");
    assert_eq!(
        err.to_string(),
        format!(
            "{}:2:1: unknown key \"max_warning\" in [gates]; did you mean \"max_warnings\"?",
            path.display()
        )
    );
}

#[test]
fn explicit_pyproject_reads_tool_table_and_requires_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pyproject.toml");
    std::fs::write(&path, "[tool.tunelint.gates]\nmax_warnings = 7\n").expect("write");
    let config = load(&path).expect("valid");
    assert_eq!(config.gates(&CliOverrides::default()).max_warnings, Some(7));

    std::fs::write(&path, "[tool.tunelint]\nformt = \"auto\"\n").expect("write");
    let err = load(&path).expect_err("invalid");
    assert_eq!(
        err.message(),
        "unknown key \"formt\" in [tool.tunelint]; did you mean \"format\"?"
    );
    std::fs::write(&path, "[tool.tunelint.gates]\nmin_valid = 1\n").expect("write");
    let err = load(&path).expect_err("invalid");
    assert_eq!(
        err.message(),
        "unknown key \"min_valid\" in [tool.tunelint.gates]; did you mean \"min_valid_pct\"?"
    );

    std::fs::write(&path, "[project]\nname = \"x\"\n").expect("write");
    let err = load(&path).expect_err("no table");
    assert_eq!(
        err.to_string(),
        format!("{}: no [tool.tunelint] table", path.display())
    );
}

#[test]
fn unreadable_file_is_an_error_without_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing.toml");
    let err = load(&path).expect_err("missing");
    assert!(err.line().is_none());
    assert!(
        err.to_string().starts_with(&format!(
            "{}: cannot read config file: no such file",
            path.display()
        )),
        "{err}"
    );
}

#[test]
fn default_config_is_rooted_in_the_current_directory() {
    let config = Config::default();
    assert_eq!(config.root(), absolute(Path::new(".")));
    assert!(config.path().is_none());
    assert_eq!(
        config.settings_for(Path::new("x.jsonl"), &CliOverrides::default()),
        Ok(Settings::default())
    );
}

// --- the starter file

fn assert_defaults(config: &Config) {
    let defaults = Config::default();
    assert_eq!(config.format, defaults.format);
    assert!(config.exclude_patterns().is_empty());
    assert!(config.rules.is_empty());
    assert!(config.overrides.is_empty());
    assert_eq!(config.gates(&CliOverrides::default()), Gates::default());
    assert_eq!(config.dedup, defaults.dedup);
    assert_eq!(config.tokens, defaults.tokens);
    assert_eq!(config.pii, defaults.pii);
    assert!(config.datasets.is_empty());
}

#[test]
fn starter_file_yields_the_defaults() {
    let config = parse(STARTER).expect("STARTER is valid");
    assert_defaults(&config);
    assert_eq!(
        config.settings_for(Path::new("a.jsonl"), &CliOverrides::default()),
        Ok(Settings::default())
    );
}

#[test]
fn starter_file_examples_are_valid_when_uncommented() {
    // `# key = value` and `# [section]` lines are the documented defaults and examples.
    let uncommented: String = STARTER
        .lines()
        // Benchmark globs must match files; tests/contamination.rs covers them.
        .filter(|line| !line.starts_with("# benchmarks = "))
        .map(|line| match line.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest
                        .split_once(" = ")
                        .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' ')) =>
            {
                rest
            }
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(uncommented.contains("\nmin_valid_pct = 100\n"));
    let files = ["data/train.jsonl", "data/valid.jsonl"];
    let (_dir, config) = parse_beside(&uncommented, &files);
    let config = config.expect("uncommented STARTER is valid");
    assert_eq!(config.dedup, DedupConfig::default());
    // Written out, the default limit is configured: it then wins over a target's.
    assert_eq!(
        config.tokens,
        TokensConfig {
            max_per_example: Some(65_536),
            ..TokensConfig::default()
        }
    );
    assert_eq!(config.overrides.len(), 1);
    assert_eq!(config.datasets.len(), 1);
    assert_eq!(config.gates(&CliOverrides::default()).min_valid_pct, 100.0);
    assert_eq!(
        config.gates(&CliOverrides::default()).max_duplicates,
        Threshold::Count(0)
    );
    let settings = config
        .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
        .expect("valid");
    assert_eq!(settings.rule_options, ConfiguredOptions::default());
}

#[test]
fn starter_file_shows_the_composition_and_size_settings() {
    for section in [
        "[composition]",
        "[dataset]",
        "# goal = ",
        "# label_key = ",
        "# targets = ",
    ] {
        assert!(STARTER.contains(section), "{section}");
    }
}
