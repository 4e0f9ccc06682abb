//! How a configuration resolves into per-file settings: selectors, overrides, the command
//! line, rule options, gates, globs and the other sections.

use std::path::Path;
use std::sync::Arc;

use super::{levels, parse, parse_beside};
use crate::config::*;
use crate::rule::Level;
use crate::rules::Code;
use crate::rules::content::{content_too_long as long, content_too_short as short};
use crate::rules::jsonl::line_too_large::LineTooLargeOptions;
use crate::settings::{DedupConfig, DedupField, Encoding, FormatChoice, Settings};

#[test]
fn more_specific_selectors_win_whatever_the_file_order() {
    let config = parse(
        "[rules]\nC001 = \"error\"\nC00 = \"info\"\nC = \"off\"\nALL = \"warning\"\nas-an-ai = \"error\"\n",
    )
    .expect("valid");
    assert_eq!(
        levels(
            &config,
            "a.jsonl",
            &CliOverrides::default(),
            &[Code::C001, Code::C002, Code::C005, Code::J001, Code::S001]
        ),
        [
            Level::Error,
            Level::Info,
            Level::Error,
            Level::Warning,
            Level::Warning
        ]
    );
}

#[test]
fn overrides_apply_by_glob_in_file_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let config = Config::parse(
        r#"
format = "openai-chat"
[rules]
C001 = "error"

[[overrides]]
files = ["legacy/**"]
rules = { C = "off", S008 = "error" }
format = "sharegpt"

[[overrides]]
files = ["*.old.jsonl"]
rules = { C001 = "info" }
"#,
        &root.join("tunelint.toml"),
    )
    .expect("valid");
    let cli = CliOverrides::default();
    let codes = [Code::C001, Code::C002, Code::S008];
    let at = |rel: &str| root.join(rel).display().to_string();

    assert_eq!(
        levels(&config, &at("data/a.jsonl"), &cli, &codes),
        [Level::Error, Level::Warning, Level::Warning]
    );
    // The override's letter is more specific than nothing, and overrides come after
    // [rules], so C001 is off in legacy/ even though [rules] names it exactly.
    assert_eq!(
        levels(&config, &at("legacy/x/a.jsonl"), &cli, &codes),
        [Level::Off, Level::Off, Level::Error]
    );
    assert_eq!(
        levels(&config, &at("legacy/b.old.jsonl"), &cli, &codes),
        [Level::Info, Level::Off, Level::Error]
    );
    assert_eq!(
        levels(&config, &at("deep/er/c.old.jsonl"), &cli, &codes),
        [Level::Info, Level::Warning, Level::Warning]
    );
    let format = |rel: &str| {
        config
            .settings_for(&root.join(rel), &cli)
            .expect("valid")
            .format
    };
    assert_eq!(format("legacy/a.jsonl"), FormatChoice::ShareGpt);
    assert_eq!(format("data/a.jsonl"), FormatChoice::OpenAiChat);
    // Outside the config root no override matches.
    let outside = absolute(&root.join("../elsewhere/legacy/a.jsonl"));
    assert_eq!(
        levels(&config, &outside.display().to_string(), &cli, &codes),
        [Level::Error, Level::Warning, Level::Warning]
    );
}

/// As ruff keeps its per-file-ignores under a command-line `--select` (even `ALL`), a rule
/// an `[[overrides]]` entry turns off for some files stays off there; a level it sets is
/// kept, and the config's `[rules]` "off" is still turned on by `--select`.
#[test]
fn command_line_select_keeps_what_overrides_turn_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let config = Config::parse(
        r#"
[rules]
S008 = "off"

[[overrides]]
files = ["legacy/**"]
rules = { S = "off", S001 = "warning", C001 = "info" }

[[overrides]]
files = ["legacy/keep/**"]
rules = { S002 = "error" }
"#,
        &root.join("tunelint.toml"),
    )
    .expect("valid");
    let codes = [Code::S005, Code::S001, Code::S002, Code::C001, Code::S008];
    let at = |rel: &str| root.join(rel).display().to_string();
    for select in ["S005,S001,S002,C001,S008", "ALL", "S"] {
        let cli = CliOverrides {
            select: vec![select.to_owned()],
            ..CliOverrides::default()
        };
        let c001 = if select == "S" {
            Level::Off
        } else {
            Level::Info
        };
        assert_eq!(
            levels(&config, &at("legacy/old.jsonl"), &cli, &codes),
            [Level::Off, Level::Warning, Level::Off, c001, Level::Off],
            "--select {select}"
        );
        // A later override that turns a rule back on for its files wins there.
        assert_eq!(
            levels(&config, &at("legacy/keep/old.jsonl"), &cli, &codes)[2],
            Level::Error,
            "--select {select}"
        );
        // Elsewhere --select turns on what `[rules]` turned off.
        assert_eq!(
            levels(&config, &at("data/new.jsonl"), &cli, &codes)[4],
            Level::Warning,
            "--select {select}"
        );
    }
    // --warn lowers what the override left on, and turns nothing back on.
    let warn = CliOverrides {
        select: vec!["ALL".to_owned()],
        warn: vec!["S".to_owned()],
        ..CliOverrides::default()
    };
    assert_eq!(
        levels(&config, &at("legacy/old.jsonl"), &warn, &codes),
        [
            Level::Off,
            Level::Warning,
            Level::Off,
            Level::Info,
            Level::Off
        ]
    );
}

#[test]
fn command_line_select_ignore_warn_and_format() {
    let config = parse("[rules]\nC001 = \"off\"\nC002 = \"error\"\n").expect("valid");
    let codes = [Code::J001, Code::C001, Code::C002, Code::C003];

    let select = CliOverrides {
        select: vec!["C00".to_owned()],
        ..CliOverrides::default()
    };
    // Selected rules keep their configured level; an off one comes back at its default.
    // J001 (a line that is not JSON) stays on whatever is selected: what is not read is not
    // a valid example. `--ignore` turns it off (below).
    assert_eq!(
        levels(&config, "a.jsonl", &select, &codes),
        [Level::Error, Level::Warning, Level::Error, Level::Error]
    );

    let cli = CliOverrides {
        select: vec!["J001,content-too-long".to_owned()],
        ignore: vec!["J".to_owned()],
        warn: vec!["C002".to_owned()],
        format: Some(FormatChoice::Alpaca),
        ..CliOverrides::default()
    };
    // The most specific selector wins: --select J001 over --ignore J.
    assert_eq!(
        levels(&config, "a.jsonl", &cli, &codes),
        [Level::Error, Level::Off, Level::Warning, Level::Off]
    );
    // --ignore over --select at one specificity; --warn lowers a rule that is on, never
    // turns one on, and loses to a more specific --ignore.
    let tie = CliOverrides {
        select: vec!["C".to_owned(), "J001".to_owned()],
        ignore: vec!["C".to_owned(), "C003".to_owned()],
        warn: vec!["C".to_owned(), "J".to_owned()],
        ..CliOverrides::default()
    };
    assert_eq!(
        levels(&config, "a.jsonl", &tie, &codes),
        [Level::Warning, Level::Off, Level::Off, Level::Off]
    );
    let narrow = CliOverrides {
        ignore: vec!["ALL".to_owned(), "C003".to_owned()],
        select: vec!["C00".to_owned()],
        warn: vec!["C".to_owned()],
        ..CliOverrides::default()
    };
    assert_eq!(
        levels(&config, "a.jsonl", &narrow, &codes),
        [Level::Off, Level::Warning, Level::Warning, Level::Off]
    );
    let settings = config
        .settings_for(Path::new("a.jsonl"), &cli)
        .expect("valid");
    assert_eq!(settings.format, FormatChoice::Alpaca);
}

#[test]
fn invalid_command_line_selector_has_no_location() {
    let cli = CliOverrides {
        select: vec!["C0011".to_owned()],
        ..CliOverrides::default()
    };
    let err = Config::default()
        .settings_for(Path::new("a.jsonl"), &cli)
        .expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "unknown rule selector \"C0011\" in --select; did you mean \"C001\"?"
    );
    assert!(err.path().is_none() && err.snippet().is_none());
    let cli = CliOverrides {
        ignore: vec!["J001,bogus-rule-name-xyz".to_owned()],
        ..CliOverrides::default()
    };
    assert_eq!(
        Config::default()
            .settings_for(Path::new("a.jsonl"), &cli)
            .expect_err("invalid")
            .to_string(),
        "unknown rule selector \"bogus-rule-name-xyz\" in --ignore; expected a rule code, name, code prefix or ALL"
    );
}

#[test]
fn selectors_are_case_insensitive_for_codes_and_accept_future_categories() {
    let config = parse("[rules]\nc001 = \"off\"\nall = \"info\"\nP = \"error\"\nB = \"off\"\n")
        .expect("valid");
    assert_eq!(
        levels(
            &config,
            "a.jsonl",
            &CliOverrides::default(),
            &[Code::C001, Code::J001]
        ),
        [Level::Off, Level::Info]
    );
}

#[test]
fn rule_options_are_applied_most_specific_last() {
    let config = parse(
        "[rules]\ncontent-too-short = { level = \"error\", min_chars = 20 }\nALL = { min_chars = 3, max_chars = 500 }\nJ008 = { max_line_bytes = 1_024 }\n",
    )
    .expect("valid");
    let settings = config
        .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
        .expect("valid");
    assert_eq!(settings.level(Code::C001), Level::Error);
    assert_eq!(settings.options::<short::Options>(Code::C001).min_chars, 20);
    assert_eq!(settings.options::<long::Options>(Code::C002).max_chars, 500);
    assert_eq!(settings.max_line_bytes(), 1024);
    assert_eq!(settings.max_tokens(), 65_536);
    // No other rule has options set.
    let mut expected = Settings::default();
    expected.set_options(Code::C001, short::Options { min_chars: 20 });
    expected.set_options(Code::C002, long::Options { max_chars: 500 });
    expected.set_options(
        Code::J008,
        LineTooLargeOptions {
            max_line_bytes: 1024,
        },
    );
    assert_eq!(settings.rule_options, expected.rule_options);

    // `[tokens] max_per_example` is T001's limit; a `[rules]` entry overrides it.
    let config =
        parse("[tokens]\nmax_per_example = 4096\nencoding = \"cl100k_base\"\n").expect("valid");
    let settings = config
        .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
        .expect("valid");
    assert_eq!(settings.max_tokens(), 4096);
    assert_eq!(settings.encoding, Encoding::Cl100kBase);
    let config = parse(
        "[tokens]\nmax_per_example = 4096\n[rules]\ntoo-many-tokens = { max_per_example = 100 }\n",
    )
    .expect("valid");
    let settings = config
        .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
        .expect("valid");
    assert_eq!(settings.max_tokens(), 100);

    let config = parse(
        "[rules]\nC002 = { max_chars = 100 }\n[[overrides]]\nfiles = [\"big/**\"]\nrules = { C002 = { max_chars = 50000 } }\n",
    )
    .expect("valid");
    let max = |p: &str| {
        config
            .settings_for(Path::new(p), &CliOverrides::default())
            .expect("valid")
            .options::<long::Options>(Code::C002)
            .max_chars
    };
    assert_eq!(max("small/a.jsonl"), 100);
    assert_eq!(max("big/a.jsonl"), 50_000);
}

#[test]
fn every_documented_rule_option_is_read_by_the_rules_options_struct_and_no_other() {
    for &code in Code::ALL {
        let meta = code.meta();
        assert_eq!(
            meta.parse_options.is_some(),
            !meta.options.is_empty(),
            "{code}: a rule documents options exactly when it has an options struct"
        );
        let Some(parse) = meta.parse_options else {
            continue;
        };
        // Every documented option is accepted, and its documented default is the struct's.
        let mut documented = toml::Table::new();
        for option in meta.options {
            let value = format!("v = {}", option.default)
                .parse::<toml::Table>()
                .expect("documented default is TOML")
                .remove("v")
                .expect("value");
            documented.insert(option.name.to_owned(), value);
        }
        assert!(
            matches!(parse(documented), Ok(None)),
            "{code}: the documented defaults are the options' DEFAULT"
        );
        // The struct reads no option that is not documented: serde lists its fields.
        let probe = toml::Table::from_iter([("no_such_option".to_owned(), toml::Value::from(1))]);
        let err = parse(probe).expect_err("an unknown option");
        let fields: Vec<&str> = err.split('`').skip(3).step_by(2).collect();
        let names: Vec<&str> = meta.options.iter().map(|o| o.name).collect();
        assert_eq!(fields, names, "{code}: {err}");
    }
}

#[test]
fn threshold_parses_counts_and_percentages() {
    assert_eq!("3".parse(), Ok(Threshold::Count(3)));
    assert_eq!("1.5%".parse(), Ok(Threshold::Percent(1.5)));
    assert_eq!(" 0% ".parse(), Ok(Threshold::Percent(0.0)));
    for bad in ["", "-1", "1.5", "abc", "101%", "%", "nan%"] {
        assert_eq!(
            bad.parse::<Threshold>(),
            Err(format!(
                "invalid threshold {bad:?}; expected a count like 3 or a percentage like 1.5%"
            ))
        );
    }
    assert!(Threshold::Count(2).is_exceeded(3, 10));
    assert!(!Threshold::Count(3).is_exceeded(3, 10));
    assert!(Threshold::Percent(10.0).is_exceeded(2, 10));
    assert!(!Threshold::Percent(20.0).is_exceeded(2, 10));
    assert!(!Threshold::Percent(0.0).is_exceeded(0, 0));
    assert_eq!(Threshold::Percent(1.5).to_string(), "1.5%");
}

#[test]
fn gates_default_then_config_then_command_line() {
    let none = CliOverrides::default();
    assert_eq!(Config::default().gates(&none), Gates::default());
    assert_eq!(
        Gates::default(),
        Gates {
            min_valid_pct: 100.0,
            max_duplicates: Threshold::Count(0),
            max_warnings: None
        }
    );
    let config =
        parse("[gates]\nmin_valid_pct = 95\nmax_duplicates = \"1%\"\nmax_warnings = 100\n")
            .expect("valid");
    assert_eq!(
        config.gates(&none),
        Gates {
            min_valid_pct: 95.0,
            max_duplicates: Threshold::Percent(1.0),
            max_warnings: Some(100)
        }
    );
    let cli = CliOverrides {
        min_valid_pct: Some(90.5),
        max_duplicates: Some(Threshold::Count(4)),
        max_warnings: Some(0),
        ..CliOverrides::default()
    };
    assert_eq!(
        config.gates(&cli),
        Gates {
            min_valid_pct: 90.5,
            max_duplicates: Threshold::Count(4),
            max_warnings: Some(0)
        }
    );
    let config = parse("[gates]\nmax_duplicates = 3\n").expect("valid");
    assert_eq!(config.gates(&none).max_duplicates, Threshold::Count(3));
}

#[test]
fn exclude_is_gitignore_style_relative_to_the_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let config = Config::parse(
        "exclude = [\"data/raw/**\", \"*.tmp.jsonl\", \"scratch\", \"/top.jsonl\", \"cache/\", \"!data/raw/keep.jsonl\"]\n",
        &root.join("sub/tunelint.toml"),
    )
    .expect("valid");
    let base = root.join("sub");
    let excluded = |rel: &str| config.is_excluded(&base.join(rel));
    assert!(excluded("data/raw/a.jsonl"));
    assert!(excluded("data/raw/x/y.jsonl"));
    assert!(!excluded("data/raw/keep.jsonl"));
    assert!(!excluded("data/rawer/a.jsonl"));
    assert!(!excluded("other/data/raw/a.jsonl"));
    assert!(excluded("a.tmp.jsonl"));
    assert!(excluded("deep/dir/a.tmp.jsonl"));
    assert!(excluded("x/scratch/a.jsonl"));
    assert!(excluded("scratch"));
    assert!(excluded("top.jsonl"));
    assert!(!excluded("x/top.jsonl"));
    assert!(excluded("x/cache/a.jsonl"));
    assert!(!excluded("x/cache"));
    assert!(!excluded("data/train.jsonl"));
    // Outside the root (the config's directory) nothing is excluded.
    assert!(!config.is_excluded(&root.join("data/raw/a.jsonl")));
    assert!(config.is_excluded(&base.join("./data/../data/raw/a.jsonl")));
    assert_eq!(config.exclude_patterns().len(), 6);
}

#[test]
fn the_last_matching_pattern_wins_over_a_directory_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let config = Config::parse(
        "exclude = [\"!*.jsonl\", \"scratch\", \"#drafts\", \"data/\", \"!data/keep.jsonl\", \"notes \"]\n",
        &root.join("tunelint.toml"),
    )
    .expect("valid");
    let excluded = |rel: &str| config.is_excluded(&root.join(rel));
    // `scratch` comes after `!*.jsonl`: what is in the scratch directory stays excluded.
    assert!(excluded("scratch/a.jsonl"));
    assert!(excluded("x/scratch/y/a.jsonl"));
    assert!(!excluded("a.jsonl"));
    // A pattern is not a .gitignore line: `#` and trailing spaces are part of a name.
    assert!(excluded("#drafts/a.jsonl"));
    assert!(excluded("notes /a.jsonl"));
    assert!(!excluded("notes/a.jsonl"));
    // A later pattern re-includes one file of an excluded directory.
    assert!(excluded("data/a.jsonl"));
    assert!(!excluded("data/keep.jsonl"));
}

#[test]
fn sections_for_later_rules_parse_into_typed_values() {
    let files = [
        "data/train.jsonl",
        "data/test.jsonl",
        "b/train.jsonl",
        "b/valid.jsonl",
    ];
    let (_dir, config) = parse_beside(
        r#"
[dedup]
field = "conversation"
threshold = 0.9
[tokens]
encoding = "cl100k_base"
max_per_example = 4096
[pii]
allow = ["@acme\\.example$"]
[[datasets]]
name = "support"
train = ["data/train.jsonl"]
test = ["data/test.jsonl"]
[[datasets]]
train = ["b/train.jsonl"]
valid = ["b/valid.jsonl"]
"#,
        &files,
    );
    let config = config.expect("valid");
    assert_eq!(
        config.dedup,
        DedupConfig {
            field: DedupField::Conversation,
            threshold: 0.9,
            exhaustive: false,
            ignore_template: false,
        }
    );
    assert_eq!(
        config.tokens,
        TokensConfig {
            encoding: Encoding::Cl100kBase,
            max_per_example: Some(4096),
            ..TokensConfig::default()
        }
    );
    assert_eq!(config.pii.allow.patterns(), ["@acme\\.example$"]);
    assert!(config.pii.allow.allows("support@acme.example"));
    assert!(!config.pii.allow.allows("jane@gmail.com"));
    assert_eq!(
        config.datasets,
        [
            DatasetGroup {
                name: Some("support".to_owned()),
                train: vec!["data/train.jsonl".to_owned()],
                valid: vec![],
                test: vec!["data/test.jsonl".to_owned()],
            },
            DatasetGroup {
                name: None,
                train: vec!["b/train.jsonl".to_owned()],
                valid: vec!["b/valid.jsonl".to_owned()],
                test: vec![],
            },
        ]
    );
}

#[test]
fn pii_allow_patterns_are_compiled_once_and_reach_the_settings() {
    let config =
        parse("[pii]\nallow = [\"^jane@corp\\\\.com$\", \"^\\\\+1 415\"]\n").expect("valid");
    let settings = config
        .settings_for(Path::new("a.jsonl"), &CliOverrides::default())
        .expect("valid");
    assert!(Arc::ptr_eq(&settings.pii_allow, &config.pii.allow));
    assert!(settings.pii_allow.allows("jane@corp.com"));
    assert!(settings.pii_allow.allows("+1 415 555 2671"));
    assert!(!settings.pii_allow.allows("bob@corp.com"));
}

#[test]
fn invalid_pii_allow_pattern_is_located() {
    let err = parse("[pii]\nallow = [\"ok\", \"(unclosed\"]\n").expect_err("invalid regex");
    assert_eq!(err.line(), Some(2));
    assert_eq!(err.column(), Some(16));
    assert!(
        err.message()
            .starts_with("invalid regular expression in \"allow\": "),
        "{err}"
    );
    assert!(err.message().contains("unclosed group"), "{err}");
}
