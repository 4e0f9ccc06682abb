//! LLaMA-Factory's `dataset_info.json`, through the real binary: the files it names are
//! discovered (`.json` arrays included) and read with their entry's formatting, columns, tags
//! and ranking; hub and script entries are noted, never fetched; a file it names that is
//! missing, or records that do not match its columns, are errors naming the entry's line and
//! column; a registry that is not valid JSON, or an entry LLaMA-Factory cannot load, stops
//! the run (exit 2) at its line and column. Another tool's file of the same name (Hugging
//! Face's `save_to_disk`) is not a registry: it stops nothing. The fixtures are under
//! `tests/fixtures/dataset-info/`, modelled on LLaMA-Factory's own `data/dataset_info.json`.
//! The real demo data (`../shared/datasets/native/llamafactory_*`) is read through a
//! registry of the real entries with no schema or order error; when that folder is absent the
//! test passes with a note, except under `CI=true`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;
use tunelint::engine;
use tunelint::rule::Level;
use tunelint::settings::{FormatChoice, Settings};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dataset-info")
        .join(name)
}

/// A copy of a fixture folder in a temporary directory, so that no configuration of this
/// repository is discovered and paths print short.
fn copy_of(name: &str) -> TempDir {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).expect("create dir");
        for entry in fs::read_dir(from).expect("read fixture dir") {
            let entry = entry.expect("dir entry");
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), &target).expect("copy fixture");
            }
        }
    }
    let tmp = TempDir::new().expect("temp dir");
    copy(&fixture(name), tmp.path());
    tmp
}

/// Runs `tunelint ARGS` in `dir`: (exit status, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .args(args)
        .output()
        .expect("run tunelint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Each file of a JSON report with the format it was read in: `(path, format)`.
fn files_and_formats(report: &serde_json::Value) -> Vec<(String, String)> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["format"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The findings of a JSON report whose rule is in one of `categories` (`S`, `O`), as
/// `path:line CODE message`.
fn findings_in(report: &serde_json::Value, categories: &[char]) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            d["code"]
                .as_str()
                .and_then(|c| c.chars().next())
                .is_some_and(|c| categories.contains(&c))
        })
        .map(|d| format!("{}:{} {} {}", d["path"], d["line"], d["code"], d["message"]))
        .collect()
}

fn json_report(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("json output: {e}\n{stdout}"))
}

#[test]
fn declared_columns_tags_and_ranking_are_read_as_declared() {
    let dir = copy_of("declared");
    let (status, stdout, stderr) = run(dir.path(), &["--format", "json", "."]);
    let report = json_report(&stdout);
    let mut files = files_and_formats(&report);
    files.sort();
    let expected: Vec<(String, String)> = [
        "corpus.jsonl",
        "dpo.jsonl",
        "kto.jsonl",
        "pairs.json",
        "qa.json",
        "shards/part-0.jsonl",
        "shards/part-1.json",
        "support.jsonl",
    ]
    .iter()
    .map(|p| (p.to_string(), "llama-factory".to_string()))
    .collect();
    assert_eq!(files, expected, "{stderr}");
    let schema_or_order = findings_in(&report, &['S', 'O']);
    assert!(
        schema_or_order.is_empty(),
        "renamed columns and custom tags are read as declared:\n{}",
        schema_or_order.join("\n")
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    // Every record is an example: the text corpus too.
    assert_eq!(report["summary"]["examples"], 14, "{stdout}");
    insta::assert_snapshot!("declared_notes", stderr);
}

#[test]
fn mismatches_and_missing_files_point_at_the_entry() {
    let dir = copy_of("mismatch");
    let (status, stdout, stderr) = run(dir.path(), &["--format", "concise", "."]);
    assert_eq!(
        status, 2,
        "a file the registry names is missing\n{stdout}\n{stderr}"
    );
    insta::assert_snapshot!(
        "mismatch",
        format!("--- stdout\n{stdout}--- stderr\n{stderr}")
    );
}

/// Files named on their own, as a pre-commit hook passes the staged files, are read as the
/// registry of their folder declares them, from that folder or from another (the shards of a
/// folder entry one level down); the registry's other datasets are not added.
#[test]
fn a_file_named_alone_is_read_as_its_registry_declares_it() {
    let dir = copy_of("declared");
    let named = [
        "corpus.jsonl",
        "dpo.jsonl",
        "kto.jsonl",
        "pairs.json",
        "qa.json",
        "shards/part-0.jsonl",
        "support.jsonl",
    ];
    let mut args = vec!["--format", "json", "--json-records-only"];
    args.extend(named);
    let (status, stdout, stderr) = run(dir.path(), &args);
    let report = json_report(&stdout);
    let files = files_and_formats(&report);
    let expected: Vec<(String, String)> = named
        .iter()
        .map(|p| (p.to_string(), "llama-factory".to_string()))
        .collect();
    assert_eq!(files, expected, "{stderr}");
    let schema = findings_in(&report, &['S']);
    assert!(schema.is_empty(), "{}", schema.join("\n"));
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    // From inside a folder of the registry's, by another spelling.
    let (status, stdout, stderr) = run(
        &dir.path().join("shards"),
        &["--format", "concise", "./part-0.jsonl", "part-1.json"],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert!(!stdout.contains(" S0"), "{stdout}");
}

#[test]
fn the_registry_named_alone_lints_what_it_names() {
    let dir = copy_of("declared");
    let (status, stdout, stderr) = run(dir.path(), &["--format", "json", "dataset_info.json"]);
    let report = json_report(&stdout);
    assert_eq!(
        report["files"].as_array().map(Vec::len),
        Some(8),
        "{stderr}"
    );
    assert_eq!(status, 0, "{stderr}");
}

/// A registry entry naming a FIFO (or a socket, a device) is skipped with a note, as a walk
/// skips one: opening it waited for ever for a writer. Named on the command line as well,
/// the FIFO is read, with the entry's columns.
#[cfg(unix)]
#[test]
fn a_fifo_a_registry_names_is_skipped_with_a_note() {
    let dir = TempDir::new().expect("temp dir");
    let data = dir.path().join("data");
    fs::create_dir(&data).expect("mkdir");
    let record = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]}\n";
    fs::write(data.join("a.jsonl"), record).expect("write");
    let made = std::process::Command::new("mkfifo")
        .arg(data.join("pipe.jsonl"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    fs::write(
        data.join("dataset_info.json"),
        r#"{"x":{"file_name":"pipe.jsonl"},"y":{"file_name":"a.jsonl"}}"#,
    )
    .expect("write");
    let linted = |args: &[&str]| {
        let out = Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(dir.path())
            .args(["--isolated", "--format", "json"])
            .args(args)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .expect("run tunelint");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.code().is_some(), "still waiting: {args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let paths: Vec<String> = files_and_formats(&json_report(&stdout))
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        (paths, stderr)
    };
    // Walked: the walk and the registry both skip it; one note.
    let (paths, stderr) = linted(&["data"]);
    assert_eq!(paths, ["data/a.jsonl"], "{stderr}");
    assert_eq!(
        stderr.matches("skipped data/pipe.jsonl (a FIFO)").count(),
        1,
        "{stderr}"
    );
    // The registry named alone: the note says why.
    let (paths, stderr) = linted(&["data/dataset_info.json"]);
    assert_eq!(paths, ["data/a.jsonl"], "{stderr}");
    assert!(
        stderr.contains(
            "tunelint: note: skipped data/pipe.jsonl (a FIFO): the files a dataset_info.json names are read only when they are regular files; name it to read it"
        ),
        "{stderr}"
    );
    // Named as well: read, as its entry declares it, and no note says it was skipped.
    let mut writer = std::process::Command::new("sh")
        .arg("-c")
        .arg("cat data/a.jsonl > data/pipe.jsonl")
        .current_dir(dir.path())
        .spawn()
        .expect("a writer");
    let (paths, stderr) = linted(&["data/dataset_info.json", "data/pipe.jsonl"]);
    let _ = writer.wait();
    assert_eq!(paths, ["data/a.jsonl", "data/pipe.jsonl"], "{stderr}");
    assert!(!stderr.contains("skipped"), "{stderr}");
}

#[test]
fn a_registry_that_is_not_json_stops_the_run_at_its_line() {
    let dir = copy_of("bad-json");
    let (status, stdout, stderr) = run(dir.path(), &["--format", "concise", "."]);
    assert_eq!(status, 2, "{stdout}");
    insta::assert_snapshot!("bad_json", stderr);
}

#[test]
fn an_entry_with_an_unknown_formatting_stops_the_run_at_its_value() {
    let dir = copy_of("bad-entry");
    let (status, stdout, stderr) = run(dir.path(), &["--format", "concise", "."]);
    assert_eq!(status, 2, "{stdout}");
    insta::assert_snapshot!("bad_entry", stderr);
}

#[test]
fn without_a_registry_the_files_are_read_as_before() {
    let dir = copy_of("declared");
    fs::remove_file(dir.path().join("dataset_info.json")).expect("remove registry");
    let (_, stdout, stderr) = run(dir.path(), &["--format", "json", "."]);
    let report = json_report(&stdout);
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    // A walk finds only the JSON Lines files; the renamed columns are unknown keys again.
    assert!(!paths.contains(&"qa.json"), "{paths:?}");
    assert!(paths.contains(&"support.jsonl"), "{paths:?}");
    assert!(
        stdout.contains("\"S008\"") || stdout.contains("\"S001\""),
        "{stderr}"
    );
}

/// LLaMA-Factory's alpaca preference pair, detected from its keys without a registry.
#[test]
fn alpaca_preference_pairs_are_detected_without_a_registry() {
    let pair = br#"{"instruction": "Name the capital of France.", "input": "", "chosen": "The capital of France is Paris.", "rejected": "France is in Europe."}
"#;
    let (found, summary) = engine::lint_bytes(pair, &Settings::default());
    assert_eq!(summary.format, Some(FormatChoice::LlamaFactory));
    let errors: Vec<String> = found
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    let half = br#"{"instruction": "Name the capital of France.", "input": "", "chosen": "The capital of France is Paris.", "rejected": 7}
"#;
    let (found, _) = engine::lint_bytes(half, &Settings::default());
    let codes: Vec<String> = found
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    assert_eq!(
        codes,
        ["S007 \"rejected\" is a number (7); expected a string"],
        "a rejected answer that is not a string"
    );
}

fn native_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/native");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is absent, and CI=true needs it",
        dir.display()
    );
    eprintln!(
        "note: {} is absent; skipping the dataset_info.json real-data test",
        dir.display()
    );
    None
}

/// LLaMA-Factory's own demo data, named by a registry with the entries of its own
/// `data/dataset_info.json` (the files are JSON Lines copies of its `.json` arrays).
#[test]
fn llamafactory_demo_data_named_by_its_registry_has_no_schema_or_order_error() {
    let Some(native) = native_dir() else { return };
    // Copied beside the registry (a registry reads no file outside its repository or, out
    // of one, its folder) and named by absolute paths.
    let dir = TempDir::new().expect("temp dir");
    let here = dir.path().canonicalize().expect("temp dir");
    let file = |name: &str| {
        fs::copy(native.join(name), here.join(name)).expect("copy demo file");
        serde_json::Value::String(here.join(name).to_string_lossy().into_owned())
    };
    let registry = serde_json::json!({
        "identity": {"file_name": file("llamafactory_identity.jsonl")},
        "alpaca_en_demo": {"file_name": file("llamafactory_alpaca_en_demo.jsonl")},
        "alpaca_zh_demo": {"file_name": file("llamafactory_alpaca_zh_demo.jsonl")},
        "dpo_en_demo": {
            "file_name": file("llamafactory_dpo_en_demo.jsonl"),
            "ranking": true,
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "chosen": "chosen", "rejected": "rejected"}
        },
        "kto_en_demo": {
            "file_name": file("llamafactory_kto_en_demo.jsonl"),
            "formatting": "sharegpt",
            "columns": {"messages": "messages", "kto_tag": "label"},
            "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}
        }
    });
    fs::write(
        dir.path().join("dataset_info.json"),
        serde_json::to_string_pretty(&registry).expect("registry"),
    )
    .expect("write registry");
    let (status, stdout, stderr) = run(
        dir.path(),
        &["--format", "json", "--select", "S,O", "dataset_info.json"],
    );
    let report = json_report(&stdout);
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 5, "{stderr}");
    for f in files {
        assert_eq!(f["format"], "llama-factory", "{f}");
        assert_eq!(f["examples"], f["valid"], "{f}");
    }
    let errors: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["level"] == "error")
        .take(10)
        .map(|d| format!("{}:{} {} {}", d["path"], d["line"], d["code"], d["message"]))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(status, 0, "{stderr}");
}

/// Under `--target llama-factory`, what LLaMA-Factory reads as declared is clean too: the
/// pre-training corpus (`columns: {"prompt": "text"}`, its `c4_demo`) has no turns, so no
/// turn-order error says it opens with an assistant message.
#[test]
fn declared_files_are_clean_under_their_own_target() {
    let dir = copy_of("declared");
    let (status, stdout, stderr) = run(
        dir.path(),
        &["--format", "json", "--target", "llama-factory", "."],
    );
    let report = json_report(&stdout);
    let schema_or_order = findings_in(&report, &['S', 'O']);
    assert!(schema_or_order.is_empty(), "{}", schema_or_order.join("\n"));
    assert_eq!(status, 0, "{stdout}\n{stderr}");
}

/// LLaMA-Factory's `openai` formatting: an assistant turn with OpenAI's `tool_calls` is a
/// function call (its converter keeps each call's `function` and replaces the content), so
/// `"content": null` beside the calls, calls without `id` or `type`, and the tool message
/// after them are as LLaMA-Factory reads them; `tool_calls` that is no array is still S010.
#[test]
fn openai_formatting_reads_tool_calls_as_function_calls() {
    let dir = TempDir::new().expect("temp dir");
    fs::write(
        dir.path().join("dataset_info.json"),
        r#"{"oai": {"file_name": "oai.jsonl", "formatting": "openai", "columns": {"messages": "messages"},
            "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant",
                     "observation_tag": "tool", "system_tag": "system"}}}"#,
    )
    .expect("write registry");
    let calls = r#"[{"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]"#;
    let lines = [
        format!(
            r#"{{"messages": [{{"role": "user", "content": "What is the weather in Paris?"}}, {{"role": "assistant", "content": null, "tool_calls": {calls}}}, {{"role": "tool", "tool_call_id": "c1", "content": "{{\"temp\": 21}}"}}, {{"role": "assistant", "content": "It is 21 degrees in Paris right now."}}]}}"#
        ),
        r#"{"messages": [{"role": "user", "content": "What is the weather in Lyon?"}, {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "get_weather", "arguments": "{}"}}]}, {"role": "tool", "content": "{\"temp\": 18}"}, {"role": "assistant", "content": "It is 18 degrees in Lyon right now."}]}"#.to_owned(),
        r#"{"messages": [{"role": "user", "content": "What is the weather in Nice?"}, {"role": "assistant", "content": "Let me look.", "tool_calls": "get_weather"}, {"role": "tool", "content": "{\"temp\": 24}"}, {"role": "assistant", "content": "It is 24 degrees in Nice right now."}]}"#.to_owned(),
    ];
    fs::write(dir.path().join("oai.jsonl"), lines.join("\n") + "\n").expect("write data");
    for target in [&[][..], &["--target", "llama-factory"][..]] {
        let mut args = vec!["--format", "json", "--isolated"];
        args.extend(target);
        args.push(".");
        let (_, stdout, stderr) = run(dir.path(), &args);
        let report = json_report(&stdout);
        let found = findings_in(&report, &['S', 'O', 'C']);
        // Only the third record, whose calls cannot be read (its tool result then answers no
        // call: O006).
        assert!(
            found.iter().all(|f| f.starts_with("\"oai.jsonl\":3 ")),
            "{target:?}: {}\n{stderr}",
            found.join("\n")
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("\"oai.jsonl\":3 \"S010\"")),
            "{target:?}: {}",
            found.join("\n")
        );
    }
}

/// LLaMA-Factory's multimodal templates stop the run when a record's media and its
/// `<image>`/`<video>` placeholders differ in number: an error on the media column; a record
/// whose counts agree (its `mllm_demo` shape) is clean.
#[test]
fn media_must_match_their_placeholders() {
    let dir = TempDir::new().expect("temp dir");
    fs::write(
        dir.path().join("dataset_info.json"),
        r#"{"mm": {"file_name": "mm.json", "formatting": "sharegpt", "columns": {"messages": "messages", "images": "images", "videos": "videos"},
            "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}}}"#,
    )
    .expect("write registry");
    let record = |user: &str, images: &[&str], videos: &[&str]| {
        serde_json::json!({"messages": [{"role": "user", "content": user},
            {"role": "assistant", "content": "They are Kane and Gretzka from Bayern Munich."}],
            "images": images, "videos": videos})
    };
    let records = [
        record("<image>Who are they?", &["1.jpg"], &[]),
        record("Who are they?", &["1.jpg"], &[]),
        record("<image><image>Who are they?", &["1.jpg"], &[]),
        record("<video>Who are they?", &[], &["1.mp4", "2.mp4"]),
        // The declared column left out: no images, as LLaMA-Factory reads it.
        serde_json::json!({"messages": [{"role": "user", "content": "<image>Who are they?"},
            {"role": "assistant", "content": "They are Kane and Gretzka from Bayern Munich."}]}),
    ];
    fs::write(
        dir.path().join("mm.json"),
        serde_json::to_string_pretty(&records).expect("json"),
    )
    .expect("write data");
    let (_, stdout, stderr) = run(
        dir.path(),
        &["--format", "json", "--isolated", "--select", "S", "."],
    );
    let report = json_report(&stdout);
    let found = findings_in(&report, &['S']);
    assert_eq!(found.len(), 4, "{}\n{stderr}", found.join("\n"));
    assert!(
        found[3].contains("\"S012\" \"0 images in \\\"images\\\" but 1 <image> placeholder in"),
        "{}",
        found[3]
    );
    assert!(
        found[0].contains("\"S012\" \"1 image in \\\"images\\\" but 0 <image> placeholders"),
        "{}",
        found[0]
    );
    assert!(
        found[1].contains("\"S012\" \"1 image in \\\"images\\\" but 2 <image> placeholders"),
        "{}",
        found[1]
    );
    assert!(
        found[2].contains("\"S007\" \"2 videos in \\\"videos\\\" but 1 <video> placeholder in"),
        "{}",
        found[2]
    );
}

/// `"file_name": "."` names the registry's own folder: LLaMA-Factory loads its files, and so
/// does tunelint, leaving out the registry itself (it is no data), instead of an error about
/// an empty path.
#[test]
fn a_file_name_of_dot_reads_the_registrys_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("dataset_info.json"),
        r#"{"d": {"file_name": "."}}"#,
    )
    .expect("write");
    std::fs::write(
        dir.path().join("data.json"),
        r#"[{"instruction": "Say hello to the whole world please", "input": "", "output": "Hello, world! Nice to meet you."}]"#,
    )
    .expect("write");
    let (code, stdout, stderr) = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let report = json_report(&stdout);
    assert_eq!(
        files_and_formats(&report)
            .into_iter()
            .map(|(f, _)| f)
            .collect::<Vec<_>>(),
        ["data.json"],
        "{stdout}"
    );
}

/// LLaMA-Factory's `openai` converter writes a `tools` list or object as JSON itself
/// (`json.dumps`), so an array of definitions is as good as its JSON text there; the
/// `sharegpt` converter passes the column on as it is, so there the array is S010. Either
/// way the template reads an array of definitions: an object or an array of names is S010
/// (its tool formatter fails on them with AttributeError).
#[test]
fn openai_formatting_takes_tools_as_an_array() {
    let dir = TempDir::new().expect("temp dir");
    let tool = serde_json::json!({"type": "function", "function": {"name": "get_weather",
        "description": "Get the weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}});
    let cases = [
        ("openai", serde_json::json!([tool])),
        (
            "openai",
            serde_json::Value::String(serde_json::json!([tool]).to_string()),
        ),
        ("openai", tool.clone()),
        ("openai", serde_json::json!(["get_weather"])),
        ("sharegpt", serde_json::json!([tool])),
    ];
    let mut registry = serde_json::Map::new();
    for (i, (formatting, tools)) in cases.iter().enumerate() {
        let name = format!("{formatting}-{i}");
        registry.insert(
            name.clone(),
            serde_json::json!({"file_name": format!("{name}.json"), "formatting": formatting,
                "columns": {"messages": "messages", "tools": "tools"},
                "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                         "assistant_tag": "assistant", "system_tag": "system"}}),
        );
        let record = serde_json::json!([{"messages": [
            {"role": "user", "content": "What is the weather like in Paris right now?"},
            {"role": "assistant", "content": "I cannot look that up right now; try a weather site."}],
            "tools": tools}]);
        fs::write(
            dir.path().join(format!("{name}.json")),
            serde_json::to_string_pretty(&record).expect("json"),
        )
        .expect("write data");
    }
    fs::write(
        dir.path().join("dataset_info.json"),
        serde_json::Value::Object(registry).to_string(),
    )
    .expect("write registry");
    let (_, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "json",
            "--isolated",
            "--target",
            "llama-factory",
            "--select",
            "S",
            ".",
        ],
    );
    let report = json_report(&stdout);
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["path"].as_str().unwrap_or_default(),
                d["code"].as_str().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            r#"openai-2.json S010 "tools" is an object; LLaMA-Factory's tool formatter reads an array of tool definitions: put this one in an array"#,
            r#"openai-3.json S010 "tools" holds a string ("get_weather"); expected an array of tool definitions (objects)"#,
            r#"sharegpt-4.json S010 "tools" is an array; LLaMA-Factory expects the tool definitions as a JSON string"#,
        ],
        "{stderr}"
    );
}

/// An entry with `"columns"` has the columns it names and no others: LLaMA-Factory's parser
/// sets every column left out to none, whatever the records hold. Each case is what its
/// converter and supervised processor make of one ordinary alpaca record (checked against
/// LLaMA-Factory's own code): no answer column drops the example (O004, however many turns
/// the history gives); no prompt column trains the answer after an empty user turn (O003,
/// and O006 saying so, not that the example is skipped); the query alone is the user turn.
#[test]
fn columns_left_out_are_absent() {
    let dir = TempDir::new().expect("temp dir");
    let record = serde_json::json!({
        "instruction": "Explain in one sentence why the sky looks blue during the day.",
        "input": "",
        "output": "Sunlight scatters off air molecules, and blue light scatters the most, so the sky looks blue.",
        "system": "You are a patient science teacher.",
        "history": [["What colour is grass in spring?", "Grass is usually green in spring."]]
    });
    let cases = [
        // Kept by LLaMA-Factory: the query column alone makes the user turn.
        (
            "query",
            serde_json::json!({"query": "instruction", "response": "output"}),
        ),
        // Dropped: no prompt and no response.
        ("system", serde_json::json!({"system": "system"})),
        // Dropped: the history is context, and there is no response.
        ("history", serde_json::json!({"history": "history"})),
        // Kept, with an empty user turn before the answer.
        (
            "no_prompt",
            serde_json::json!({"response": "output", "system": "system"}),
        ),
        (
            "no_prompt_history",
            serde_json::json!({"response": "output", "history": "history"}),
        ),
    ];
    let mut registry = serde_json::Map::new();
    for (name, columns) in &cases {
        registry.insert(
            name.to_string(),
            serde_json::json!({"file_name": format!("{name}.json"), "columns": columns}),
        );
        fs::write(
            dir.path().join(format!("{name}.json")),
            serde_json::to_string_pretty(&[&record]).expect("json"),
        )
        .expect("write data");
    }
    fs::write(
        dir.path().join("dataset_info.json"),
        serde_json::to_string_pretty(&registry).expect("json"),
    )
    .expect("write registry");
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "json",
            "--isolated",
            "--target",
            "llama-factory",
            "--select",
            "S,O",
            "--ignore",
            "S008",
            ".",
        ],
    );
    assert_eq!(status, 1, "{stdout}\n{stderr}");
    let report = json_report(&stdout);
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                format!(
                    "{} {}",
                    d["path"].as_str().unwrap_or_default(),
                    d["code"].as_str().unwrap_or_default()
                ),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "history.json O004",
            "no_prompt.json O003",
            "no_prompt.json O006",
            "no_prompt_history.json O006",
            "system.json O003",
            "system.json O004",
        ],
        "{stdout}"
    );
    let message = |code: &str| &found.iter().find(|(c, _)| c == code).expect(code).1;
    let dropped = message("history.json O004");
    assert!(
        dropped.starts_with("dataset \"history\" (dataset_info.json:")
            && dropped.contains(
                ") names no \"response\" column, so LLaMA-Factory's alpaca converter gives the \
                 example no answer and supervised training drops it"
            ),
        "{dropped}"
    );
    for code in ["no_prompt.json O006", "no_prompt_history.json O006"] {
        let m = message(code);
        assert!(
            m.contains("LLaMA-Factory's alpaca converter trains it after an empty user turn")
                && m.contains("names no \"prompt\" column")
                && !m.contains("skips"),
            "{m}"
        );
    }
}

/// A column an entry declares that no record of its dataset has is no column for `datasets`,
/// and LLaMA-Factory's converter, reading it from every example, stops the run with
/// KeyError: one S001 about the file, on its first record, failing the file-level gate while
/// every example stays valid. Not when some record has the key (the others get null), nor
/// for a column read only from some examples (the ShareGPT `system` column when every
/// example opens with a system turn; the `openai` formatting's `system` and `tools`, read
/// with a default), nor when only some files of a folder entry are in the run. Each case
/// as LLaMA-Factory's own parser and converter take it under datasets 4.0.0.
#[test]
fn a_declared_column_no_record_has_stops_the_run() {
    let dir = TempDir::new().expect("temp dir");
    let write = |name: &str, records: serde_json::Value| {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, serde_json::to_string_pretty(&records).expect("json")).expect("write");
    };
    let alpaca = serde_json::json!({"instruction": "Name the largest planet in the solar system.",
        "input": "", "output": "Jupiter is the largest planet in the solar system."});
    let with_system = |mut r: serde_json::Value| {
        r["system"] = "You answer astronomy questions in one sentence.".into();
        r
    };
    let turn = |from: &str, value: &str| serde_json::json!({"from": from, "value": value});
    let opened = serde_json::json!({"conversations": [
        turn("system", "You answer astronomy questions in one sentence."),
        turn("human", "Name the largest planet in the solar system."),
        turn("gpt", "Jupiter is the largest planet in the solar system.")]});
    let unopened = serde_json::json!({"conversations": [
        turn("human", "Name the smallest planet in the solar system."),
        turn("gpt", "Mercury is the smallest planet in the solar system.")]});
    let openai = serde_json::json!({"messages": [
        {"role": "user", "content": "Name the largest planet in the solar system."},
        {"role": "assistant", "content": "Jupiter is the largest planet in the solar system."}]});
    write("readme.json", serde_json::json!([alpaca]));
    write(
        "some.json",
        serde_json::json!([with_system(alpaca.clone()), alpaca]),
    );
    write("opened.json", serde_json::json!([opened]));
    write("mixed.json", serde_json::json!([opened, unopened]));
    write("openai.json", serde_json::json!([openai]));
    write(
        "union/a.json",
        serde_json::json!([with_system(alpaca.clone())]),
    );
    write("union/b.json", serde_json::json!([alpaca]));
    write("none/a.json", serde_json::json!([alpaca]));
    write("none/b.json", serde_json::json!([alpaca]));
    let alpaca_columns = serde_json::json!({"prompt": "instruction", "query": "input",
        "response": "output", "system": "system", "history": "history"});
    let registry = serde_json::json!({
        // LLaMA-Factory's README's alpaca description over a file like its alpaca_en_demo.
        "readme": {"file_name": "readme.json", "columns": alpaca_columns},
        "some": {"file_name": "some.json", "columns": {"prompt": "instruction", "query": "input", "response": "output", "system": "system"}},
        "opened": {"file_name": "opened.json", "formatting": "sharegpt", "columns": {"messages": "conversations", "system": "system"}},
        "mixed": {"file_name": "mixed.json", "formatting": "sharegpt", "columns": {"messages": "conversations", "system": "system"}},
        "openai": {"file_name": "openai.json", "formatting": "openai",
            "columns": {"messages": "messages", "system": "sys", "tools": "tools"},
            "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant"}},
        "union": {"file_name": "union", "columns": {"prompt": "instruction", "query": "input", "response": "output", "system": "system"}},
        "none": {"file_name": "none", "columns": {"prompt": "instruction", "query": "input", "response": "output", "system": "system"}}
    });
    fs::write(
        dir.path().join("dataset_info.json"),
        serde_json::to_string_pretty(&registry).expect("json"),
    )
    .expect("write registry");
    let (status, stdout, stderr) = run(
        dir.path(),
        &["--format", "concise", "--isolated", "--select", "S", "."],
    );
    assert_eq!(status, 1, "{stdout}\n{stderr}");
    // The entries' lines and columns left out: the registry is written in key order.
    let findings: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains(": S"))
        .map(
            |l| match (l.find(" (dataset_info.json:"), l.find(") declares")) {
                (Some(a), Some(b)) => format!("{}{}", &l[..a], &l[b + 1..]),
                _ => l.to_owned(),
            },
        )
        .collect();
    assert_eq!(
        findings,
        [
            "mixed.json:2:3: S001 dataset \"mixed\" declares the \"system\" column, but no record has the key \"system\": LLaMA-Factory reads it from every example that opens without a system turn and stops the run with KeyError; add \"system\" to the records or remove \"system\" from the entry's \"columns\"",
            "none/a.json:2:3: S001 dataset \"none\" declares the \"system\" column, but no record of its 2 files has the key \"system\": LLaMA-Factory reads it from every example and stops the run with KeyError; add \"system\" to the records or remove \"system\" from the entry's \"columns\"",
            "readme.json:2:3: S001 dataset \"readme\" declares the \"history\" column, but no record has the key \"history\": LLaMA-Factory reads it from every example and stops the run with KeyError; add \"history\" to the records or remove \"history\" from the entry's \"columns\"",
            "readme.json:2:3: S001 dataset \"readme\" declares the \"system\" column, but no record has the key \"system\": LLaMA-Factory reads it from every example and stops the run with KeyError; add \"system\" to the records or remove \"system\" from the entry's \"columns\"",
        ],
        "{stdout}"
    );
    // Every example is as valid as its records: the file-level gate fails the run.
    assert!(stdout.contains("100.0% valid"), "{stdout}");
    assert!(
        stdout.contains("gate failed: file-level errors 4, required 0"),
        "{stdout}"
    );
    // One file of a folder entry, named alone (a pre-commit hook's staged file): the other
    // may hold the key, so nothing is said.
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--isolated",
            "--select",
            "S",
            "none/a.json",
        ],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    // S001 off: nothing.
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--isolated",
            "--ignore",
            "S001",
            "readme.json",
        ],
    );
    assert!(!stdout.contains("S001"), "{stdout}\n{stderr}");
    assert_eq!(status, 0, "{stdout}\n{stderr}");
}

/// `datasets` gives a key that some records lack as null in the others, and LLaMA-Factory's
/// converters take a null query, history, system prompt, tool list or media list as none:
/// a record that writes the null is as good as one without the key (both kept by
/// LLaMA-Factory's own converter), not a schema error.
#[test]
fn a_null_optional_column_is_none() {
    let dir = TempDir::new().expect("temp dir");
    let planet = |which: &str, name: &str| {
        (
            format!("Name the {which} planet in the solar system."),
            format!("{name} is the {which} planet in the solar system."),
        )
    };
    let ((q1, a1), (q2, a2)) = (planet("largest", "Jupiter"), planet("smallest", "Mercury"));
    let alpaca = serde_json::json!([
        {"instruction": q1, "input": null, "output": a1, "system": null, "history": null, "tools": null},
        {"instruction": q2, "input": "", "output": a2, "system": "Answer in one sentence.", "history": [], "tools": "[]"}
    ]);
    let sharegpt = serde_json::json!([
        {"conversations": [{"from": "human", "value": q1}, {"from": "gpt", "value": a1}],
         "system": null, "tools": null, "images": null},
        {"conversations": [{"from": "human", "value": q2}, {"from": "gpt", "value": a2}],
         "system": "Answer in one sentence.", "tools": "[]", "images": []}
    ]);
    fs::write(dir.path().join("alpaca.json"), alpaca.to_string()).expect("write");
    fs::write(dir.path().join("sharegpt.json"), sharegpt.to_string()).expect("write");
    fs::write(
        dir.path().join("dataset_info.json"),
        r#"{"alpaca": {"file_name": "alpaca.json", "columns": {"prompt": "instruction", "query": "input", "response": "output", "system": "system", "history": "history", "tools": "tools"}},
            "sharegpt": {"file_name": "sharegpt.json", "formatting": "sharegpt", "columns": {"messages": "conversations", "system": "system", "tools": "tools", "images": "images"}}}"#,
    )
    .expect("write registry");
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--isolated",
            "--target",
            "llama-factory",
            "--select",
            "S,O",
            ".",
        ],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert!(stdout.starts_with("0 errors, 0 warnings"), "{stdout}");
}

/// The `dataset_info.json` Hugging Face `datasets` writes with `save_to_disk` (a
/// `DatasetInfo`, here of a chat dataset loaded from JSON Lines), beside its `state.json`.
const SAVED_TO_DISK_INFO: &str = r#"{
  "builder_name": "json",
  "citation": "",
  "config_name": "default",
  "dataset_name": "json",
  "dataset_size": 2410,
  "description": "",
  "download_checksums": {
    "/home/user/chat/train.jsonl": {
      "num_bytes": 2510,
      "checksum": null
    }
  },
  "download_size": 2510,
  "features": {
    "messages": {
      "feature": {
        "content": {
          "dtype": "string",
          "_type": "Value"
        },
        "role": {
          "dtype": "string",
          "_type": "Value"
        }
      },
      "_type": "List"
    },
    "tags": {
      "feature": {
        "dtype": "string",
        "_type": "Value"
      },
      "_type": "List"
    },
    "file_name": {
      "dtype": "string",
      "_type": "Value"
    }
  },
  "homepage": "",
  "license": "",
  "size_in_bytes": 4920,
  "splits": {
    "train": {
      "name": "train",
      "num_bytes": 2410,
      "num_examples": 12,
      "dataset_name": "json"
    }
  },
  "version": {
    "version_str": "0.0.0",
    "major": 0,
    "minor": 0,
    "patch": 0
  }
}
"#;

const CHAT: &str = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello there friend\"},{\"role\":\"assistant\",\"content\":\"Hi there, how are you doing?\"}]}\n";

/// A repository with `ok.jsonl` and a `save_to_disk` folder, `ds/train/`, holding a JSON Lines
/// file beside the Arrow data and one more a folder down.
fn with_a_saved_dataset() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let train = dir.path().join("ds/train");
    fs::create_dir_all(train.join("extra")).expect("mkdir");
    fs::write(train.join("dataset_info.json"), SAVED_TO_DISK_INFO).expect("write");
    fs::write(
        train.join("state.json"),
        r#"{"_data_files": [{"filename": "data-00000-of-00001.arrow"}], "_fingerprint": "5d9a3f2a1c0b7e64", "_format_columns": null, "_format_kwargs": {}, "_format_type": null, "_output_all_columns": false, "_split": "train"}"#,
    )
    .expect("write");
    // An Arrow stream starts with a continuation marker and a schema message.
    fs::write(
        train.join("data-00000-of-00001.arrow"),
        b"\xff\xff\xff\xff\xf8\x00\x00\x00\x10\x00\x00\x00",
    )
    .expect("write");
    fs::write(train.join("notes.jsonl"), CHAT).expect("write");
    fs::write(train.join("extra/more.jsonl"), CHAT).expect("write");
    fs::write(dir.path().join("ok.jsonl"), CHAT).expect("write");
    dir
}

/// The paths a JSON report holds, in order.
fn linted_paths(stdout: &str) -> Vec<String> {
    files_and_formats(&json_report(stdout))
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

/// A Hugging Face `save_to_disk` folder's `dataset_info.json` is not a LLaMA-Factory registry:
/// a walk, `--isolated`, `stats`, a file named below it and the pre-commit hook lint the data
/// files as if it were not there, and say nothing about it (s15c 01: each stopped with exit 2
/// on `dataset "citation" is a string`).
#[test]
fn a_save_to_disk_folder_is_not_a_registry() {
    let dir = with_a_saved_dataset();
    let all = [
        "ds/train/extra/more.jsonl",
        "ds/train/notes.jsonl",
        "ok.jsonl",
    ];
    for args in [
        &["--format", "json", "."][..],
        &["--format", "json", "--isolated", "."],
        &["stats", "--format", "json", "."],
    ] {
        let (status, stdout, stderr) = run(dir.path(), args);
        assert_eq!(status, 0, "{args:?}\n{stdout}\n{stderr}");
        assert_eq!(linted_paths(&stdout), all, "{args:?}\n{stderr}");
        assert!(!stderr.contains("dataset_info"), "{args:?}\n{stderr}");
    }
    // Named, each file below it (in its folder, a folder down) is read as data.
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "json",
            "ds/train/notes.jsonl",
            "ds/train/extra/more.jsonl",
        ],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert_eq!(
        linted_paths(&stdout),
        ["ds/train/extra/more.jsonl", "ds/train/notes.jsonl"],
        "{stderr}"
    );
    assert!(!stderr.contains("dataset_info"), "{stderr}");
    // The pre-commit hook, with the staged file's dataset as context.
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--force-exclude",
            "--context",
            "dataset",
            "--json-records-only",
            "--",
            "ds/train/notes.jsonl",
        ],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("in 1 example of 1 file"), "{stdout}");
    assert_eq!(stderr, "", "{stdout}");
}

/// Named (the hook passes a staged `dataset_info.json` too), another tool's file is said once
/// not to be a registry, and the run goes on; alone under the hook there is nothing to lint.
#[test]
fn a_save_to_disk_dataset_info_named_is_noted_and_not_read() {
    let dir = with_a_saved_dataset();
    let note = "tunelint: note: ds/train/dataset_info.json is the DatasetInfo of a Hugging Face `save_to_disk` folder (tunelint does not read its .arrow files), not a LLaMA-Factory registry; not read as one\n";
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "json",
            "--json-records-only",
            "ds/train/dataset_info.json",
            "ok.jsonl",
        ],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert_eq!(linted_paths(&stdout), ["ok.jsonl"], "{stderr}");
    assert_eq!(stderr, note);
    let (status, stdout, stderr) = run(
        dir.path(),
        &["--json-records-only", "ds/train/dataset_info.json"],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert!(stderr.starts_with(note), "{stderr}");
    assert!(stderr.contains("nothing to lint"), "{stderr}");
    // The hook with the whole folder staged: its state.json is no records either.
    let (status, stdout, stderr) = run(
        dir.path(),
        &[
            "--format",
            "json",
            "--force-exclude",
            "--context",
            "dataset",
            "--json-records-only",
            "--",
            "ds/train/dataset_info.json",
            "ds/train/notes.jsonl",
            "ds/train/state.json",
        ],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert_eq!(linted_paths(&stdout), ["ds/train/notes.jsonl"], "{stderr}");
    assert_eq!(stderr, note);
    // Without a Hugging Face key or a state.json, the note says what it lacks.
    fs::write(
        dir.path().join("dataset_info.json"),
        r#"{"description": "notes", "owner": {"name": "data team"}}"#,
    )
    .expect("write");
    let (status, stdout, stderr) = run(
        dir.path(),
        &["--format", "json", "dataset_info.json", "ok.jsonl"],
    );
    assert_eq!(status, 0, "{stdout}\n{stderr}");
    assert_eq!(linted_paths(&stdout), ["ok.jsonl"], "{stderr}");
    assert_eq!(
        stderr,
        "tunelint: note: dataset_info.json is not a LLaMA-Factory registry (no entry has \"file_name\", a hub's URL or \"script_url\"); not read as one\n"
    );
}

/// A LLaMA-Factory registry with one broken entry is still a registry: the walk and the hook
/// stop at that entry (exit 2), as LLaMA-Factory would not load it.
#[test]
fn a_registry_with_one_broken_entry_still_stops_the_run() {
    for (registry, error) in [
        (
            r#"{"chat": {"file_name": "chat.jsonl", "formatting": "sharegpt"}, "notes": "notes.jsonl"}"#,
            r#"tunelint: error: data/dataset_info.json:1:74: dataset "notes" is a string ("notes.jsonl"); expected an object with "file_name""#,
        ),
        (
            r#"{"chat": {"file_name": "chat.jsonl"}, "more": {"file_name": "more.jsonl"}, "notes": {"formatting": "alpaca"}}"#,
            r#"tunelint: error: data/dataset_info.json:1:76: dataset "notes" has no "file_name" (nor hf_hub_url, ms_hub_url, om_hub_url, script_url, cloud_file_name); LLaMA-Factory cannot load it"#,
        ),
        // A lone entry, its key misspelt.
        (
            r#"{"chat": {"filename": "chat.jsonl"}}"#,
            r#"tunelint: error: data/dataset_info.json:1:2: dataset "chat" has no "file_name" (nor hf_hub_url, ms_hub_url, om_hub_url, script_url, cloud_file_name); LLaMA-Factory cannot load it"#,
        ),
        // Registries with no entry LLaMA-Factory can read and nothing of another tool's
        // `dataset_info.json` (s15d 02): read as registries, so the user hears why.
        (
            r#"{"chat": {"file": "chat.jsonl"}}"#,
            r#"tunelint: error: data/dataset_info.json:1:2: dataset "chat" has no "file_name" (nor hf_hub_url, ms_hub_url, om_hub_url, script_url, cloud_file_name); LLaMA-Factory cannot load it"#,
        ),
        (
            r#"{"chat": {"data_files": "chat.jsonl"}}"#,
            r#"tunelint: error: data/dataset_info.json:1:2: dataset "chat" has no "file_name" (nor hf_hub_url, ms_hub_url, om_hub_url, script_url, cloud_file_name); LLaMA-Factory cannot load it"#,
        ),
        (
            r#"{"chat": "chat.jsonl"}"#,
            r#"tunelint: error: data/dataset_info.json:1:10: dataset "chat" is a string ("chat.jsonl"); expected an object with "file_name""#,
        ),
    ] {
        let dir = TempDir::new().expect("temp dir");
        let data = dir.path().join("data");
        fs::create_dir(&data).expect("mkdir");
        fs::write(data.join("dataset_info.json"), registry).expect("write");
        fs::write(data.join("chat.jsonl"), CHAT).expect("write");
        for args in [
            &["--format", "concise", "."][..],
            &[
                "--format",
                "concise",
                "--force-exclude",
                "--context",
                "dataset",
                "--json-records-only",
                "--",
                "data/chat.jsonl",
            ],
        ] {
            let (status, stdout, stderr) = run(dir.path(), args);
            assert_eq!(status, 2, "{registry} {args:?}\n{stdout}\n{stderr}");
            assert_eq!(stderr.lines().next(), Some(error), "{args:?}\n{stderr}");
        }
    }
}
