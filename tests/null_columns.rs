//! Records as pandas (`DataFrame.to_json(orient="records", lines=True)`, `to_parquet`) and
//! Hugging Face `datasets` (`Dataset.to_json`, `to_parquet`) write them: a column some
//! records have is written as `null` on every other record. `datasets.load_dataset("json")`
//! gives the trainer the same None whether the key is null or left out, so a null optional
//! key is read as absent in every format, and an unknown key holding null is no S008. A
//! required key written null is still reported, with the message any other wrong value gets;
//! so is an unknown top-level key under a target whose upload check refuses records by the
//! names of their keys (Together, Bedrock Claude).

use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

/// `tunelint check --isolated --format concise --quiet --ignore B001 ARGS data.jsonl`:
/// the exit code and the findings.
fn check(lines: &[&str], args: &[&str]) -> (i32, String) {
    let dir = TempDir::new().expect("temp dir");
    std::fs::write(dir.path().join("data.jsonl"), lines.join("\n") + "\n").expect("write");
    run(dir.path(), "data.jsonl", args)
}

fn run(dir: &Path, file: &str, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(dir)
        .args(["check", "--isolated", "--format", "concise", "--quiet"])
        .args(["--ignore", "B001"])
        .args(args)
        .arg(file)
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), stdout)
}

/// Asserts that `lines` get no finding without a target and under each of `targets`.
fn clean(lines: &[&str], targets: &[&str]) {
    for target in std::iter::once(None).chain(targets.iter().copied().map(Some)) {
        let args: Vec<&str> = target.map(|t| vec!["--target", t]).unwrap_or_default();
        let (code, out) = check(lines, &args);
        assert_eq!((code, out.as_str()), (0, ""), "target {target:?}");
    }
}

/// probe s15a 01: byte for byte what pandas 3.1 writes for alpaca records of which some have
/// `input`, `system` or `history`.
const ALPACA_PANDAS: [&str; 4] = [
    r#"{"instruction":"Translate the following sentence to French.","input":"The cat sleeps on the warm mat.","output":"Le chat dort sur le tapis chaud.","system":null,"history":null}"#,
    r#"{"instruction":"Name three primary colours used in painting.","input":null,"output":"Red, yellow and blue are the traditional primary colours.","system":null,"history":null}"#,
    r#"{"instruction":"Summarise the plot of Hamlet in one sentence.","input":"","output":"A Danish prince seeks revenge on his uncle for murdering his father.","system":"You are a literature tutor.","history":null}"#,
    r#"{"instruction":"Continue our chat about the weather please.","input":null,"output":"Sure, it looks like rain later this afternoon.","system":null,"history":[["Is it sunny today?","Yes, it is sunny this morning."]]}"#,
];

#[test]
fn alpaca_with_null_optional_columns_is_valid() {
    clean(&ALPACA_PANDAS, &["llama-factory", "axolotl", "unsloth"]);
}

#[test]
fn a_null_instruction_or_answer_is_still_an_error() {
    let output = ALPACA_PANDAS[1].replace(
        r#""output":"Red, yellow and blue are the traditional primary colours.""#,
        r#""output":null"#,
    );
    let instruction = ALPACA_PANDAS[1].replace(
        r#""instruction":"Name three primary colours used in painting.""#,
        r#""instruction":null"#,
    );
    for args in [&[][..], &["--target", "llama-factory"]] {
        let (code, out) = check(&[&output, &instruction], args);
        assert_eq!(code, 1, "{out}");
        assert_eq!(
            out.lines().collect::<Vec<_>>(),
            [
                "data.jsonl:1:85: S007 \"output\" is null; expected a string",
                "data.jsonl:2:16: S007 \"instruction\" is null; expected a string",
            ],
            "{args:?}"
        );
    }
}

/// GPTeacher spells the answer `response`; a file that mixes both spellings gets the other
/// one as null from pandas. The null gives way; two real answers are still S008.
#[test]
fn a_null_answer_spelling_gives_way_to_the_other() {
    let line = r#"{"instruction":"Name three primary colours used in painting.","input":null,"output":null,"response":"Red, yellow and blue are the traditional primary colours."}"#;
    clean(&[line], &["llama-factory"]);
    let reversed = r#"{"instruction":"Name three primary colours used in painting.","response":"Red, yellow and blue are the traditional primary colours.","output":null}"#;
    clean(&[reversed], &[]);
    let both = line.replace(r#""output":null"#, r#""output":"Red and blue.""#);
    let (_, out) = check(&[&both], &[]);
    assert!(
        out.contains(" S008 \"response\" repeats the answer already given as \"output\""),
        "{out}"
    );
}

/// probe s15a 01: gpteacher_toolformer.jsonl, where one record of 7,673 has `example_input`;
/// through pandas the others carry it as null, and each got an S008 warning.
#[test]
fn an_unknown_key_holding_null_is_not_reported() {
    let null = r#"{"instruction":"Find the weather in Paris tomorrow using the API.","input":"","output":"WeatherAPI(city='Paris', day='tomorrow')","example_input":null}"#;
    clean(&[null], &["llama-factory"]);
    let set = null.replace(r#""example_input":null"#, r#""example_input":"x""#);
    let (_, out) = check(&[&set], &[]);
    assert!(
        out.contains(" S008 unknown key \"example_input\" in an alpaca record"),
        "{out}"
    );
}

#[test]
fn sharegpt_with_null_system_and_tools_is_valid() {
    let lines = [
        r#"{"conversations":[{"from":"human","value":"What is the capital city of France, please?"},{"from":"gpt","value":"The capital city of France is Paris, on the Seine."}],"system":"You are a geography tutor.","tools":null}"#,
        r#"{"conversations":[{"from":"human","value":"Name a large ocean on planet Earth for me.","loss":null},{"from":"gpt","value":"The Pacific Ocean is the largest ocean on Earth.","loss":null}],"system":null,"tools":null}"#,
    ];
    clean(&lines, &["llama-factory", "axolotl", "unsloth"]);
}

/// LLaMA-Factory's ShareGPT preference records and its `messages` records, with the columns
/// other records use written null.
#[test]
fn llama_factory_records_with_null_columns_are_valid() {
    let pair = r#"{"conversations":[{"from":"human","value":"What is the capital city of France, please?"}],"chosen":{"from":"gpt","value":"The capital city of France is Paris, on the Seine."},"rejected":{"from":"gpt","value":"It is Lyon, as everyone in Europe knows."},"system":null,"tools":null,"images":null}"#;
    let kto = r#"{"messages":[{"role":"user","content":"Name a large ocean on planet Earth for me."},{"role":"assistant","content":"The Pacific Ocean is the largest ocean on Earth."}],"kto_tag":true,"system":null,"tools":null,"images":null}"#;
    clean(&[pair], &["llama-factory"]);
    clean(&[kto], &["llama-factory"]);
}

#[test]
fn vertex_records_with_null_fields_are_valid() {
    // A null `systemInstruction` and `tools`, and a text part that carries the column's
    // `fileData` as null (Arrow's struct of every kind of part).
    let line = r#"{"systemInstruction":null,"contents":[{"role":"user","parts":[{"text":"What is the capital city of France, please?","fileData":null}]},{"role":"model","parts":[{"text":"The capital city of France is Paris, on the Seine.","fileData":null}]}],"tools":null}"#;
    clean(&[line], &["vertex-gemini"]);
    let null_contents = r#"{"systemInstruction":null,"contents":null}"#;
    let (code, out) = check(&[null_contents], &["--target", "vertex-gemini"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S002 \"contents\" is null;"), "{out}");
    // A part of nothing but nulls is read by its first member, said to be null (s15d 04:
    // it was "an object with 1 keys").
    let null_text = r#"{"contents":[{"role":"user","parts":[{"text":"What is the capital city of France, please?"}]},{"role":"model","parts":[{"text":null,"fileData":null}]}]}"#;
    let (code, out) = check(&[null_text], &["--target", "vertex-gemini"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S007 \"text\" is null; expected a string"),
        "{out}"
    );
}

#[test]
fn bedrock_records_with_null_fields_are_valid() {
    let claude = r#"{"system":null,"messages":[{"role":"user","content":"What is the capital city of France, please?"},{"role":"assistant","content":"The capital city of France is Paris, on the Seine."}]}"#;
    clean(&[claude], &["bedrock-claude"]);
    let nova = r#"{"schemaVersion":"bedrock-conversation-2024","system":null,"toolConfig":null,"messages":[{"role":"user","content":[{"text":"What is the capital city of France, please?","image":null}]},{"role":"assistant","content":[{"text":"The capital city of France is Paris, on the Seine.","image":null}]}]}"#;
    clean(&[nova], &["bedrock-nova"]);
    // A message's content is required: null is still reported.
    let content = claude.replace(
        r#""content":"The capital city of France is Paris, on the Seine.""#,
        r#""content":null"#,
    );
    let (code, out) = check(&[&content], &["--target", "bedrock-claude"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S007 \"content\" is null; Bedrock Claude expects a string"),
        "{out}"
    );
}

/// Together's upload check ("Found extra column") and Bedrock Claude's ("no extraneous
/// keys") refuse a record by the names of its keys: there an unknown top-level key is an
/// error even when null. Elsewhere it is not reported.
#[test]
fn an_unknown_null_key_is_still_refused_where_keys_are_checked_by_name() {
    let chat = r#"{"messages":[{"role":"user","content":"What is the capital city of France, please?"},{"role":"assistant","content":"The capital city of France is Paris, on the Seine."}],"source":null}"#;
    clean(&[chat], &["openai", "fireworks", "trl"]);
    let (code, out) = check(&[chat], &["--target", "together"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S008 unknown key \"source\""), "{out}");
    let claude = chat.replace(r#""messages""#, r#""system":"You are a tutor.","messages""#);
    let (code, out) = check(&[&claude], &["--target", "bedrock-claude"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S008 unknown key \"source\""), "{out}");
}
