//! Every config error names the file, line and column, shows the TOML line and says what
//! was expected, with a did-you-mean when a valid name is close.

use super::{error, levels, parse};
use crate::config::CliOverrides;
use crate::config::error::locate;
use crate::rule::Level;
use crate::rules::Code;

#[test]
fn unknown_top_level_key_has_location_line_and_suggestion() {
    let err =
        parse("# comment\nformat = \"auto\"\nexlude = [\"data/raw/**\"]\n").expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "tunelint.toml:3:1: unknown key \"exlude\" in the top level; did you mean \"exclude\"?"
    );
    assert_eq!(err.line(), Some(3));
    assert_eq!(err.column(), Some(1));
    assert_eq!(err.source_line(), Some("exlude = [\"data/raw/**\"]"));
    assert_eq!(
        err.snippet().as_deref(),
        Some("  |\n3 | exlude = [\"data/raw/**\"]\n  | ^^^^^^")
    );
}

#[test]
fn unknown_key_without_a_close_match_lists_the_keys() {
    assert_eq!(
        error("[gates]\nzzz = 1\n"),
        "tunelint.toml:2:1: unknown key \"zzz\" in [gates]; expected one of min_valid_pct, max_duplicates, max_warnings"
    );
    assert_eq!(
        error("[dedup]\ntreshold = 0.9\n"),
        "tunelint.toml:2:1: unknown key \"treshold\" in [dedup]; did you mean \"threshold\"?"
    );
    assert_eq!(
        error("[[overrides]]\nfiles = [\"a\"]\nrule = {}\n"),
        "tunelint.toml:3:1: unknown key \"rule\" in [[overrides]]; did you mean \"rules\"?"
    );
    assert_eq!(
        error("[[datasets]]\ntrain = [\"a\"]\nvalidation = [\"b\"]\n"),
        "tunelint.toml:3:1: unknown key \"validation\" in [[datasets]]; did you mean \"valid\"?"
    );
}

#[test]
fn unknown_rule_selectors_suggest_codes_names_and_prefixes() {
    assert_eq!(
        error("[rules]\nC0011 = \"off\"\n"),
        "tunelint.toml:2:1: unknown rule selector \"C0011\" in [rules]; did you mean \"C001\"?"
    );
    assert_eq!(
        error("[rules]\ncontent-to-short = \"off\"\n"),
        "tunelint.toml:2:1: unknown rule selector \"content-to-short\" in [rules]; did you mean \"content-too-short\"?"
    );
    assert_eq!(
        error("[rules]\nX = \"off\"\n"),
        "tunelint.toml:2:1: unknown rule selector \"X\" in [rules]; expected a rule code, name, code prefix or ALL"
    );
    assert_eq!(
        error("[[overrides]]\nfiles = [\"a\"]\nrules = { S08 = \"off\" }\n"),
        "tunelint.toml:3:11: unknown rule selector \"S08\" in [[overrides]] rules; did you mean \"S008\"?"
    );
}

#[test]
fn unknown_rule_options_suggest_the_rule_options() {
    assert_eq!(
        error("[rules]\nC002 = { max_char = 5 }\n"),
        "tunelint.toml:2:10: unknown option \"max_char\" for \"C002\"; did you mean \"max_chars\"?"
    );
    assert_eq!(
        error("[rules]\nas-an-ai = { min_chars = 5 }\n"),
        "tunelint.toml:2:14: unknown option \"min_chars\" for \"as-an-ai\"; expected one of level"
    );
    assert_eq!(
        error("[rules]\nC001 = { min_chars = -1 }\n"),
        "tunelint.toml:2:22: invalid value -1 for \"min_chars\"; expected a non-negative integer"
    );
    assert_eq!(
        error("[rules]\nC = { max_chars = \"big\" }\n"),
        "tunelint.toml:2:19: invalid value \"big\" for \"max_chars\"; expected a positive integer"
    );
}

#[test]
fn wrong_types_and_out_of_range_values() {
    assert_eq!(
        error("[gates]\nmin_valid_pct = \"high\"\n"),
        "tunelint.toml:2:17: invalid value \"high\" for \"min_valid_pct\"; expected a number from 0 to 100"
    );
    assert_eq!(
        error("[gates]\nmin_valid_pct = 150\n"),
        "tunelint.toml:2:17: invalid value 150 for \"min_valid_pct\"; expected a number from 0 to 100"
    );
    assert_eq!(
        error("[gates]\nmax_duplicates = \"many\"\n"),
        "tunelint.toml:2:18: invalid value \"many\" for \"max_duplicates\"; expected a count like 3 or a percentage like \"1.5%\""
    );
    assert_eq!(
        error("[gates]\nmax_duplicates = 0.5\n"),
        "tunelint.toml:2:18: invalid value 0.5 for \"max_duplicates\"; expected a count like 3 or a percentage like \"1.5%\""
    );
    assert_eq!(
        error("[gates]\nmax_warnings = -1\n"),
        "tunelint.toml:2:16: invalid value -1 for \"max_warnings\"; expected a non-negative integer"
    );
    assert_eq!(
        error("[dedup]\nthreshold = 0\n"),
        "tunelint.toml:2:13: invalid value 0 for \"threshold\"; expected a number greater than 0 and at most 1"
    );
    assert_eq!(
        error("gates = 3\n"),
        "tunelint.toml:1:9: invalid value 3 for \"gates\"; expected a table"
    );
    assert_eq!(
        error("exclude = \"data\"\n"),
        "tunelint.toml:1:11: invalid value \"data\" for \"exclude\"; expected an array of strings"
    );
    assert_eq!(
        error("exclude = [\"a\", 1]\n"),
        "tunelint.toml:1:17: invalid value 1 for \"exclude\"; expected a string"
    );
    assert_eq!(
        error("[rules]\nC001 = [1]\n"),
        "tunelint.toml:2:8: invalid value for \"C001\"; expected a level (off, info, warning, error) or a table of level and options, found an array"
    );
    assert_eq!(
        error("[overrides]\nfiles = [\"a\"]\n"),
        "tunelint.toml:1:1: invalid value for \"overrides\"; expected an array of tables ([[overrides]]), found a table"
    );
}

#[test]
fn enumerated_values_suggest_or_list() {
    assert_eq!(
        error("format = \"openai_chat\"\n"),
        "tunelint.toml:1:10: invalid value \"openai_chat\" for \"format\"; did you mean \"openai-chat\"?"
    );
    assert_eq!(
        error("[tokens]\nencoding = \"gpt2\"\n"),
        "tunelint.toml:2:12: invalid value \"gpt2\" for \"encoding\"; expected one of o200k_base, cl100k_base"
    );
    assert_eq!(
        error("[dedup]\nfield = 3\n"),
        "tunelint.toml:2:9: invalid value 3 for \"field\"; expected one of user, assistant, conversation"
    );
}

#[test]
fn levels_are_the_four_names_and_others_are_rejected() {
    let config =
        parse("[rules]\nC001 = \"warning\"\nJ001 = { level = \"info\" }\n").expect("valid");
    assert_eq!(
        levels(
            &config,
            "a.jsonl",
            &CliOverrides::default(),
            &[Code::C001, Code::J001]
        ),
        [Level::Warning, Level::Info]
    );
    assert_eq!(
        error("[rules]\nC001 = \"fatal\"\n"),
        "tunelint.toml:2:8: invalid level \"fatal\" for \"C001\"; expected one of off, info, warning, error"
    );
    // "warn" is no alias: levels are spelled one way, as every output spells them.
    assert_eq!(
        error("[rules]\nC001 = \"warn\"\n"),
        "tunelint.toml:2:8: invalid level \"warn\" for \"C001\"; did you mean \"warning\"?"
    );
    assert_eq!(
        error("[rules]\nC001 = { level = \"Error\" }\n"),
        "tunelint.toml:2:18: invalid level \"Error\" for \"C001\"; did you mean \"error\"?"
    );
}

#[test]
fn bad_globs_point_at_the_pattern() {
    assert_eq!(
        error("exclude = [\"ok/**\", \"data/[raw\"]\n"),
        "tunelint.toml:1:21: invalid glob \"data/[raw\"; unclosed character class; missing ']'"
    );
    assert_eq!(
        error("[[overrides]]\nfiles = [\"/\"]\n"),
        "tunelint.toml:2:10: invalid glob \"/\"; empty pattern"
    );
    // A pattern that climbs out of the config's folder matches nothing: said, not ignored.
    for (text, column) in [
        ("exclude = [\"../data/legacy/**\"]\n", 12),
        ("[[overrides]]\nfiles = [\"data/../../x.jsonl\"]\n", 10),
    ] {
        let e = error(text);
        assert!(
            e.contains(&format!(":{column}: invalid glob "))
                && e.contains("patterns are matched against paths relative to the config file's folder (")
                && e.ends_with("), so `..` matches nothing; write the path from there, or put the pattern in a config file above it"),
            "{e}"
        );
    }
    assert_eq!(
        error("[[overrides]]\nfiles = []\n"),
        "tunelint.toml:2:9: invalid value for \"files\"; expected at least one glob, found an array"
    );
    assert_eq!(
        error("x = 1\n\n[[overrides]]\nrules = {}\n"),
        "tunelint.toml:1:1: unknown key \"x\" in the top level; expected one of format, target, exclude, include, respect_gitignore, rules, gates, dedup, tokens, pii, overrides, datasets, dataset, composition, contamination"
    );
    assert_eq!(
        error("\n[[overrides]]\nrules = {}\n"),
        "tunelint.toml:2:1: missing key \"files\" in [[overrides]]"
    );
    assert_eq!(
        error("[[datasets]]\ntrain = []\n"),
        "tunelint.toml:2:9: invalid value for \"train\"; expected at least one path, found an array"
    );
}

#[test]
fn toml_syntax_errors_have_line_and_column() {
    assert_eq!(
        error("format = \"auto\"\nexclude = \n"),
        "tunelint.toml:2:11: invalid TOML: string values must be quoted, expected literal string"
    );
    assert_eq!(
        error("[gates]\nmax_warnings = 1\nmax_warnings = 2\n"),
        "tunelint.toml:3:1: invalid TOML: duplicate key \"max_warnings\""
    );
}

#[test]
fn columns_count_code_points() {
    let loc = locate("a = \"é\", b\nc", 10..11);
    assert_eq!((loc.line, loc.column, loc.width), (1, 10, 1));
    assert_eq!(loc.source_line, "a = \"é\", b");
    let loc = locate("x\r\ny = 1\r\n", 3..4);
    assert_eq!((loc.line, loc.column), (2, 1));
    assert_eq!(loc.source_line, "y = 1");
}

#[test]
fn composition_and_dataset_sections_are_checked_and_located() {
    let config = parse(
        "[dataset]\ngoal = \"style\"\n[composition]\ntargets = { common = 70, edge = 10 }\ntolerance = 5\nmin_examples = 50\nlabel_key = \"kind\"\n",
    )
    .expect("valid");
    assert_eq!(config.goal, Some(crate::composition::Goal::Style));
    assert_eq!(config.composition.targets, [70.0, 10.0, 10.0, 10.0]);
    assert_eq!(config.composition.tolerance, 5.0);
    assert_eq!(config.composition.min_examples, 50);
    assert_eq!(config.composition.label_key.as_deref(), Some("kind"));
    let settings = config
        .settings_for(std::path::Path::new("a.jsonl"), &CliOverrides::default())
        .expect("settings");
    assert_eq!(settings.goal, Some(crate::composition::Goal::Style));
    assert_eq!(settings.composition.min_examples, 50);

    assert_eq!(
        error("[dataset]\ngoal = \"stlye\"\n"),
        "tunelint.toml:2:8: invalid value \"stlye\" for \"goal\"; did you mean \"style\"?"
    );
    assert_eq!(
        error("[composition]\nmin_exemples = 50\n"),
        "tunelint.toml:2:1: unknown key \"min_exemples\" in [composition]; did you mean \"min_examples\"?"
    );
    assert_eq!(
        error("[composition]\ntargets = { common = 60, edges = 20 }\n"),
        "tunelint.toml:2:26: unknown key \"edges\" in [composition.targets]; did you mean \"edge\"?"
    );
    assert_eq!(
        error("[composition]\ntargets = { common = 50 }\n"),
        "tunelint.toml:2:11: composition targets add up to 90%, not 100% (common 50, edge 20, clarification 10, refusal 10; a target left out keeps its default)"
    );
    assert_eq!(
        error("[composition]\ntolerance = 150\n"),
        "tunelint.toml:2:13: invalid value 150 for \"tolerance\"; expected a number from 0 to 100"
    );
    assert_eq!(
        error("[composition]\nlabel_key = \" \"\n"),
        "tunelint.toml:2:13: label_key is empty; expected the name of a top-level key such as \"category\""
    );
}

#[test]
fn values_of_the_wrong_kind_anywhere_are_located() {
    assert_eq!(
        error("[rules]\nC001 = { min_chars = 99999999999999999999 }\n"),
        "tunelint.toml:2:22: invalid value 99999999999999999999 for \"min_chars\"; expected a smaller integer"
    );
    assert_eq!(
        error("[gates]\nmax_warnings = 99999999999999999999\n"),
        "tunelint.toml:2:16: invalid value 99999999999999999999 for \"max_warnings\"; expected a non-negative integer"
    );
    // Numbers toml itself cannot hold.
    assert_eq!(
        error("[gates]\nmax_warnings = 999999999999999999999999999999999999999999\n"),
        "tunelint.toml:2:16: invalid value 999999999999999999999999999999999999999999 for \"max_warnings\"; expected a smaller integer"
    );
    assert_eq!(
        error("[gates]\nmin_valid_pct = 1e999\n"),
        "tunelint.toml:2:17: invalid value 1e999 for \"min_valid_pct\"; expected a smaller number"
    );
    assert_eq!(
        error("[rules]\nJ008 = { max_line_bytes = 1.5 }\n"),
        "tunelint.toml:2:27: invalid value 1.5 for \"max_line_bytes\"; expected a positive integer (bytes)"
    );
    assert_eq!(
        error("[rules]\nC001 = { level = 3 }\n"),
        "tunelint.toml:2:18: invalid value 3 for \"C001\"; expected one of off, info, warning, error"
    );
    assert_eq!(
        error("overrides = [1]\n"),
        "tunelint.toml:1:14: invalid value 1 for \"overrides\"; expected an array of tables ([[overrides]])"
    );
    assert_eq!(
        error("[[datasets]]\ntrain = [\"a\"]\nvalid = [\"b\"]\nname = 3\n"),
        "tunelint.toml:4:8: invalid value 3 for \"name\"; expected a string"
    );
    assert_eq!(
        error("[[overrides]]\nfiles = [\"a\"]\nrules = { C002 = { max_char = 5 } }\n"),
        "tunelint.toml:3:20: unknown option \"max_char\" for \"C002\"; did you mean \"max_chars\"?"
    );
    // A date is a table to serde; the message says what it is.
    assert_eq!(
        error("gates = 1979-05-27\n"),
        "tunelint.toml:1:9: invalid value 1979-05-27 for \"gates\"; expected a table"
    );
    assert_eq!(
        error("[rules]\nC001 = 1979-05-27\n"),
        "tunelint.toml:2:8: invalid value 1979-05-27 for \"C001\"; expected a level (off, info, warning, error) or a table of level and options"
    );
    assert_eq!(
        error("overrides = [1979-05-27]\n"),
        "tunelint.toml:1:14: invalid value 1979-05-27 for \"overrides\"; expected an array of tables ([[overrides]])"
    );
}

#[test]
fn pyproject_errors_name_the_tool_tunelint_sections() {
    let error = |text: &str| {
        crate::config::Config::parse(text, std::path::Path::new("pyproject.toml"))
            .expect_err("invalid")
            .to_string()
    };
    assert_eq!(
        error("[tool.tunelint]\nrules = { X = \"off\" }\n"),
        "pyproject.toml:2:11: unknown rule selector \"X\" in [tool.tunelint.rules]; expected a rule code, name, code prefix or ALL"
    );
    assert_eq!(
        error("[[tool.tunelint.overrides]]\nrules = {}\n"),
        "pyproject.toml:1:1: missing key \"files\" in [[tool.tunelint.overrides]]"
    );
    assert_eq!(
        error("[tool.tunelint.overrides]\nfiles = [\"a\"]\n"),
        "pyproject.toml:1:1: invalid value for \"overrides\"; expected an array of tables ([[tool.tunelint.overrides]]), found a table"
    );
    assert_eq!(
        error("tool.tunelint = 3\n"),
        "pyproject.toml:1:17: invalid value 3 for \"tool.tunelint\"; expected a table"
    );
}

#[test]
fn of_several_errors_the_first_in_the_file_is_reported() {
    assert_eq!(
        error("[pii]\nallow = [\"(\"]\n[rules]\nX = \"off\"\n"),
        "tunelint.toml:2:10: invalid regular expression in \"allow\": unclosed group"
    );
    assert_eq!(
        error("[rules]\nX = \"off\"\n[pii]\nallow = [\"(\"]\n"),
        "tunelint.toml:2:1: unknown rule selector \"X\" in [rules]; expected a rule code, name, code prefix or ALL"
    );
    assert_eq!(
        error("[[datasets]]\ntrain = []\n[[datasets]]\ntrain = [\"a\"]\ntest = []\n"),
        "tunelint.toml:2:9: invalid value for \"train\"; expected at least one path, found an array"
    );
}
#[test]
fn a_long_line_is_cropped_around_the_error_in_the_snippet() {
    // 200 KB of padding before the key, on one line: the snippet shows as much of it as
    // the 120-character width leaves beside the key and what follows (83 characters); the
    // message keeps its location and suggestion.
    let padding = " ".repeat(200_000);
    let err = parse(&format!(
        "gates = {{{padding}min_valid_pc = 90, max_warnings = 3 }}\n"
    ))
    .expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "tunelint.toml:1:200010: unknown key \"min_valid_pc\" in [gates]; did you mean \"min_valid_pct\"?"
    );
    let snippet = err.snippet().expect("a snippet");
    assert_eq!(
        snippet,
        format!(
            "  |\n1 | …{}min_valid_pc = 90, max_warnings = 3 }}\n  | {}{}",
            " ".repeat(83),
            " ".repeat(84),
            "^".repeat(12)
        )
    );
    // A long comment after the key: cropped after it.
    let err = parse(&format!(
        "[gates]\nmin_valid_pc = 90 # {}\n",
        "x".repeat(200_000)
    ))
    .expect_err("invalid");
    let snippet = err.snippet().expect("a snippet");
    assert!(snippet.len() < 400, "{} bytes", snippet.len());
    assert!(
        snippet.starts_with("  |\n2 | min_valid_pc = 90 # xxx"),
        "{snippet}"
    );
    assert!(snippet.ends_with("x…\n  | ^^^^^^^^^^^^"), "{snippet}");
}

/// The carets stand under the value on screen: a wide character (CJK, emoji) before it or
/// in it takes two cells, so they are placed and counted in cells, not characters.
#[test]
fn the_snippet_underlines_the_value_after_wide_characters() {
    let err = parse("[pii]\nallow = [\"日本語テキスト\", \"([\"]\n").expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "tunelint.toml:2:21: invalid regular expression in \"allow\": unclosed character class"
    );
    assert_eq!(
        err.snippet().as_deref(),
        Some(&*format!(
            "  |\n2 | allow = [\"日本語テキスト\", \"([\"]\n  | {}^^^^",
            " ".repeat(27)
        ))
    );
    // Wide characters inside the value: one caret per cell.
    let err = parse("[pii]\nallow = [\"日本😀x([\"]\n").expect_err("invalid");
    assert_eq!(
        err.snippet().as_deref(),
        Some(&*format!(
            "  |\n2 | allow = [\"日本😀x([\"]\n  | {}{}",
            " ".repeat(9),
            "^".repeat(11)
        ))
    );
}

/// A rule named twice in one table (its code and its name) with a level or an option set by
/// both: which one wins would depend on the order of the lines, so it is an error. Naming it
/// twice for different settings (a level here, an option there) is not.
#[test]
fn one_rule_named_twice_with_the_same_setting_is_an_error() {
    assert_eq!(
        error("[rules]\nC001 = \"off\"\ncontent-too-short = \"error\"\n"),
        "tunelint.toml:3:1: [rules]: \"content-too-short\" and \"C001\" are one rule (C001 content-too-short) and both set its level; which one wins would depend on the order of the lines: keep one"
    );
    assert_eq!(
        error("[rules.C001]\nmin_chars = 3\n[rules.content-too-short]\nmin_chars = 5\n"),
        "tunelint.toml:3:8: [rules]: \"content-too-short\" and \"C001\" are one rule (C001 content-too-short) and both set its option `min_chars`; which one wins would depend on the order of the lines: keep one"
    );
    assert!(parse("[rules]\nC001 = \"off\"\n[rules.content-too-short]\nmin_chars = 3\n").is_ok());
    // A prefix and a rule in it: the rule is the more specific, whatever the order.
    let config = parse("[rules]\nC001 = \"off\"\nC0 = \"error\"\n").expect("valid");
    assert_eq!(
        levels(
            &config,
            "a.jsonl",
            &CliOverrides::default(),
            &[Code::C001, Code::C002]
        ),
        [Level::Off, Level::Error]
    );
}

#[test]
fn an_allow_pattern_that_matches_everything_is_refused() {
    for pattern in ["", "a|", ".*", "(sk-)?"] {
        assert_eq!(
            error(&format!("[pii]\nallow = [\"x\", {pattern:?}]\n")),
            "tunelint.toml:2:15: pattern in \"allow\" not accepted: it matches the empty string, so it would allow every match of every P rule; to turn those off, set them to \"off\" in [rules]",
            "{pattern:?}"
        );
    }
}

#[test]
fn a_minimum_length_above_the_maximum_is_refused() {
    let settings = |text: &str, cli: &[(&str, &str)]| {
        let config = crate::config::Config::parse(text, std::path::Path::new("tunelint.toml"))
            .expect("parses");
        let mut overrides = crate::config::CliOverrides::default();
        for (flag, value) in cli {
            let list = match *flag {
                "--select" => &mut overrides.select,
                "--ignore" => &mut overrides.ignore,
                _ => &mut overrides.warn,
            };
            list.push((*value).to_owned());
        }
        config.settings_for(std::path::Path::new("a.jsonl"), &overrides)
    };
    let refused = |text: &str, cli: &[(&str, &str)]| match settings(text, cli) {
        Ok(_) => panic!("expected an error for {cli:?} and:\n{text}"),
        Err(e) => format!("{e}\n{}", e.snippet().unwrap_or_default()),
    };
    let both =
        "[rules]\ncontent-too-short = { min_chars = 100 }\ncontent-too-long = { max_chars = 50 }\n";
    // At the option set last, naming the other's line, with the TOML line like any error.
    assert_eq!(
        refused(both, &[]),
        "tunelint.toml:3:22: content-too-short's min_chars (100, line 2) is above content-too-long's max_chars (50): every message would be reported by one or the other; lower min_chars or raise max_chars\n  |\n3 | content-too-long = { max_chars = 50 }\n  |                      ^^^^^^^^^"
    );
    // One value against the other's default; an override's value is found in its table.
    assert!(
        refused("[rules]\nC001 = { min_chars = 20000 }\n", &[]).starts_with(
            "tunelint.toml:2:10: content-too-short's min_chars (20000) is above content-too-long's max_chars (10000, its default)"
        )
    );
    assert!(
        refused(
            "[rules]\nC002 = { max_chars = 50 }\n[[overrides]]\nfiles = [\"*.jsonl\"]\nrules = { C = { min_chars = 60 } }\n",
            &[]
        )
        .starts_with("tunelint.toml:5:17: content-too-short's min_chars (60) is above content-too-long's max_chars (50, line 2)")
    );
    // With one of the two off there is nothing to contradict: in the file, or on the command
    // line (`--ignore`, or a `--select` that leaves one out).
    let off = format!("{both}C002 = \"off\"\n");
    assert!(settings(&off, &[]).is_ok());
    assert!(settings(both, &[("--ignore", "C002")]).is_ok());
    assert!(settings(both, &[("--ignore", "content-too-short")]).is_ok());
    assert!(settings(both, &[("--select", "C001,S")]).is_ok());
    // The command line turning both on is judged like the file doing it.
    let first_off =
        "[rules]\nC001 = { level = \"off\", min_chars = 50 }\nC002 = { max_chars = 40 }\n";
    assert!(settings(first_off, &[]).is_ok());
    assert!(
        refused(first_off, &[("--select", "C001,C002")])
            .starts_with("tunelint.toml:3:10: content-too-short's min_chars (50, line 2) is above content-too-long's max_chars (40)")
    );
    assert!(refused(&off, &[("--select", "C")]).starts_with("tunelint.toml:3:22: "));
}

/// serde reads a struct from an array too (its fields in order): a section or a table of
/// keys written as an array is an error, not the defaults said silently.
#[test]
fn a_table_written_as_an_array_is_an_error() {
    assert_eq!(
        error("[composition]\ntargets = []\n"),
        "tunelint.toml:2:11: invalid value for \"targets\"; expected a table, found an array"
    );
    assert_eq!(
        error("[composition]\ntargets = [60, 20, 10, 10]\n"),
        "tunelint.toml:2:11: invalid value for \"targets\"; expected a table, found an array"
    );
    for section in [
        "gates",
        "dedup",
        "tokens",
        "pii",
        "dataset",
        "composition",
        "contamination",
    ] {
        assert_eq!(
            error(&format!("{section} = []\n")),
            format!(
                "tunelint.toml:1:{}: invalid value for \"{section}\"; expected a table, found an array",
                section.len() + 4
            )
        );
    }
    parse("[composition]\ntargets = { common = 70, edge = 10 }\n").expect("a table");
}
