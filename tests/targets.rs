//! Targets (§3b) as a user meets them: `target` in the config, `--target`, `target` per glob
//! in `[[overrides]]`, S014 and the limits that only a named target sets, `tunelint init
//! --target` and `tunelint explain TARGET`. The real binary, in a temporary directory.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;
use tunelint::config::{CliOverrides, Config};
use tunelint::target;

const CHAT: &str = r#"{"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}"#;
const SHAREGPT: &str = r#"{"conversations": [{"from": "human", "value": "How do I rotate my API key?"}, {"from": "gpt", "value": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}"#;
const SHAREGPT_2: &str = r#"{"conversations": [{"from": "human", "value": "Can I pay by bank transfer?"}, {"from": "gpt", "value": "Yes. Choose Bank transfer under Billing, Payment methods; invoices then show our account details."}]}"#;
const ALPACA: &str = r#"{"instruction": "Explain how to rotate an API key.", "input": "", "output": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}"#;

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1");
    cmd
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dir");
    }
    fs::write(path, text).expect("write file");
}

/// A user message with `n` image parts (base64 PNGs, which every provider takes), and an
/// answer.
fn with_images(n: usize) -> String {
    let images: Vec<String> = (0..n)
        .map(|_| {
            r#"{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}"#
                .to_owned()
        })
        .collect();
    format!(
        r#"{{"messages": [{{"role": "user", "content": [{{"type": "text", "text": "Which of these screens shows the billing error?"}}, {}]}}, {{"role": "assistant", "content": "The third one: the card on file was declined, so the plan could not renew."}}]}}"#,
        images.join(", ")
    )
}

/// A tool call with the id `id`, answered.
fn with_tool_call(id: &str) -> String {
    format!(
        r#"{{"messages": [{{"role": "user", "content": "Where is order A-1042?"}}, {{"role": "assistant", "content": null, "tool_calls": [{{"id": "{id}", "type": "function", "function": {{"name": "get_order_status", "arguments": "{{\"order_id\": \"A-1042\"}}"}}}}]}}, {{"role": "tool", "tool_call_id": "{id}", "content": "{{\"status\": \"shipped\"}}"}}, {{"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday."}}]}}"#
    )
}

/// Runs `tunelint --format concise ARGS data.jsonl` on `lines`; the exit code and stdout.
/// B001 is off: these files of a line or two are below some targets' minimum count, which
/// `a_training_file_below_the_targets_minimum_fails_the_run` tests.
fn check(lines: &[&str], args: &[&str]) -> (i32, String) {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "data.jsonl", &(lines.join("\n") + "\n"));
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--quiet", "--ignore", "B001"])
        .args(args)
        .arg("data.jsonl")
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), stdout)
}

#[test]
fn a_sharegpt_file_for_openai_is_s014_naming_both_sides() {
    let (code, out) = check(&[SHAREGPT, SHAREGPT_2], &["--target", "openai"]);
    assert_eq!(code, 1, "{out}");
    let expected = "data.jsonl:1:1: S014 this record is in sharegpt format, which trl, \
                    axolotl, llama-factory and unsloth read; openai accepts openai-chat, \
                    openai-preference and openai-rft";
    assert!(out.contains(expected), "{out}");
    assert_eq!(out.matches(" S014 ").count(), 2, "{out}");
    // The record is still read as ShareGPT: nothing else is wrong with it.
    assert_eq!(out.lines().count(), 2, "{out}");
}

/// axolotl's `chat_template` datasets map role names through `roles` (by default `human`,
/// `user`, `gpt`, `assistant`, `system`, `tool`) and hand any other name to the chat template
/// as written, training only `roles_to_train` (`["assistant"]`): LLaMA-Factory's
/// `function_call` and `observation` turns are S005 warnings there, and the call turn is not
/// counted as trained. LLaMA-Factory, whose roles they are, reads the record clean and trains
/// the call.
#[test]
fn axolotl_passes_sharegpt_tool_roles_to_the_template_untrained() {
    const LF_TOOLS: &str = r#"{"conversations": [{"from": "human", "value": "What is the weather in Tokyo right now?"}, {"from": "function_call", "value": "{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Tokyo, Japan\"}}"}, {"from": "observation", "value": "{\"temp_c\": 25, \"sky\": \"sunny\"}"}, {"from": "gpt", "value": "It is 25 degrees Celsius and sunny in Tokyo right now."}], "tools": "[{\"name\": \"get_weather\", \"description\": \"Get the current weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\"}}}}]"}"#;
    const ANSWER_ONLY: &str = r#"{"conversations": [{"from": "human", "value": "What is the weather in Tokyo right now?"}, {"from": "gpt", "value": "It is 25 degrees Celsius and sunny in Tokyo right now."}]}"#;
    let (code, out) = check(&[LF_TOOLS], &["--target", "axolotl"]);
    assert_eq!(code, 0, "{out}");
    let roles =
        "(\"system\", \"user\", \"human\", \"assistant\", \"gpt\", \"tool\" and \"ipython\")";
    let hint = "(axolotl's role map passes it on as written, and only the assistant's turns are \
                trained by default: map it with `roles:` in the dataset config)";
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        ["function_call", "observation"].map(|name| format!(
            "data.jsonl:1:{}: S005 role \"{name}\" is not one axolotl documents {roles}; the \
             model's chat template may drop it or fail on it {hint}",
            LF_TOOLS.find(&format!("\"{name}\"")).expect("the role") + 1
        )),
        "{out}"
    );
    let (code, out) = check(&[LF_TOOLS], &["--target", "llama-factory"]);
    assert_eq!((code, out.as_str()), (0, ""));

    // Trained tokens: under axolotl the final answer's only, as if the call were not there.
    let trained = |line: &str, target: &str| {
        let dir = TempDir::new().expect("temp dir");
        write(dir.path(), "data.jsonl", &format!("{line}\n"));
        let out = tunelint(dir.path())
            .args([
                "stats",
                "--isolated",
                "--format",
                "json",
                "--target",
                target,
            ])
            .arg("data.jsonl")
            .output()
            .expect("run tunelint");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        doc["summary"]["tokens"]["trainable"]
            .as_u64()
            .expect("trainable tokens")
    };
    let answer = trained(ANSWER_ONLY, "axolotl");
    assert_eq!(trained(LF_TOOLS, "axolotl"), answer);
    assert!(trained(LF_TOOLS, "llama-factory") > answer);

    // An example that ends on the call teaches axolotl nothing, and says why.
    let ends_on_call = LF_TOOLS.replacen(
        r#", {"from": "observation", "value": "{\"temp_c\": 25, \"sky\": \"sunny\"}"}, {"from": "gpt", "value": "It is 25 degrees Celsius and sunny in Tokyo right now."}"#,
        "",
        1,
    );
    let (code, out) = check(
        &[&ends_on_call],
        &["--target", "axolotl", "--select", "O004"],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        "data.jsonl:1:19: O004 no turn of this example is one axolotl trains: it passes the role \
         \"function_call\" to the chat template as written, and roles_to_train names the \
         assistant's only; the model has nothing to learn from this example"
    );
    let (code, out) = check(&[&ends_on_call], &["--target", "llama-factory"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn a_target_that_reads_the_format_is_quiet() {
    for target in ["llama-factory", "axolotl", "unsloth"] {
        let (code, out) = check(&[SHAREGPT], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
    }
    let (code, out) = check(&[CHAT], &["--target", "fireworks"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

/// Data in a shape the target documents reads without a finding: a Bedrock (Claude) record
/// without its optional `system` string (an OpenAI chat record to the eye), Fireworks' DPO
/// records, a `conversations` column of `role`/`content` messages (Unsloth's
/// `standardize_sharegpt`, axolotl's `chat_template`), Fireworks' and Bedrock Nova's
/// reinforcement prompts, axolotl's chat-template DPO record
/// (`messages` with one `chosen` and one `rejected` message, which LLaMA-Factory also reads as
/// a ranking record), and Hugging Face `datasets` output whose messages carry every key of the
/// column, null where a message has none.
#[test]
fn each_targets_documented_shapes_read_without_a_finding() {
    const PREFERENCE: &str = r#"{"input": {"messages": [{"role": "user", "content": "What is the capital of France?"}]}, "preferred_output": [{"role": "assistant", "content": "The capital of France is Paris."}], "non_preferred_output": [{"role": "assistant", "content": "France's capital is Lyon."}]}"#;
    const ROLE_CONTENT: &str = r#"{"conversations": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate. The old key stops working after 24 hours."}]}"#;
    const NULLS: &str = r#"{"messages": [{"role": "user", "content": "Where is order A-1042?", "name": null, "tool_call_id": null, "tool_calls": null, "weight": null}, {"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday.", "name": null, "tool_call_id": null, "tool_calls": null, "weight": null}]}"#;
    const AXOLOTL_DPO: &str = r#"{"messages": [{"role": "system", "content": "You are a careful assistant."}, {"role": "user", "content": "What is the capital of France?"}], "chosen": {"role": "assistant", "content": "The capital of France is Paris."}, "rejected": {"role": "assistant", "content": "The capital of France is Lyon."}}"#;
    // Reinforcement prompts: Fireworks' (`ground_truth` for the evaluator) and Bedrock
    // Nova's (OpenAI's chat-completion format with a system turn and `reference_answer`).
    const FIREWORKS_RFT: &str =
        r#"{"messages": [{"role": "user", "content": "What is 15 + 27?"}], "ground_truth": "42"}"#;
    const NOVA_RFT: &str = r#"{"messages": [{"role": "system", "content": "You are a math tutor."}, {"role": "user", "content": "Solve: 2x + 5 = 13"}], "reference_answer": {"solution": "x = 4"}}"#;
    // axolotl's `stepwise_supervised` example, docs/dataset-formats/stepwise_supervised.qmd.
    const STEPWISE: &str = r#"{"prompt": "Which number is larger, 9.8 or 9.11?", "completions": ["The fractional part of 9.8 is 0.8, while the fractional part of 9.11 is 0.11.", "Since 0.11 is greater than 0.8, the number 9.11 is larger than 9.8."], "labels": [true, false]}"#;
    // axolotl's `pygmalion` type: `role` and `value`, roles `system`, `human` and `bot`.
    const PYGMALION: &str = r#"{"conversations": [{"role": "system", "value": "A knight who answers in one sentence."}, {"role": "human", "value": "Who are you, stranger?"}, {"role": "bot", "value": "I am Sir Aldric, sworn knight of the realm."}]}"#;
    let cases: [(&str, &[&str]); 18] = [
        (PYGMALION, &[]),
        (PYGMALION, &["--target", "axolotl"]),
        (STEPWISE, &["--target", "axolotl"]),
        (STEPWISE, &["--target", "trl"]),
        (CHAT, &["--target", "bedrock-claude"]),
        (FIREWORKS_RFT, &["--target", "fireworks", "--select", "S,O"]),
        (NOVA_RFT, &["--target", "bedrock-nova"]),
        (AXOLOTL_DPO, &[]),
        (AXOLOTL_DPO, &["--target", "axolotl"]),
        (AXOLOTL_DPO, &["--target", "llama-factory"]),
        (PREFERENCE, &["--target", "fireworks"]),
        (ROLE_CONTENT, &[]),
        (ROLE_CONTENT, &["--target", "axolotl"]),
        (ROLE_CONTENT, &["--target", "unsloth"]),
        (NULLS, &[]),
        (NULLS, &["--target", "trl"]),
        (NULLS, &["--target", "together"]),
        (NULLS, &["--target", "openai"]),
    ];
    for (line, args) in cases {
        let (code, out) = check(&[line], args);
        assert_eq!((code, out.as_str()), (0, ""), "{args:?} {line}");
    }
    // Together masks any message with `weight`, and Fireworks documents it per message;
    // OpenAI weights only assistant ones.
    let weighted = r#"{"messages": [{"role": "user", "content": "What is the capital of France?", "weight": 0}, {"role": "assistant", "content": "The capital of France is Paris.", "weight": 1}]}"#;
    for target in ["together", "fireworks"] {
        let (code, out) = check(&[weighted], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "{target}");
    }
    let (code, out) = check(&[weighted], &["--target", "openai"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S009 \"weight\" on a user message"), "{out}");
    // Read as Bedrock's format, an assistant turn first is told as Bedrock tells it.
    let first = r#"{"messages": [{"role": "assistant", "content": "Hello, how can I help you today?"}, {"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris is the capital of France."}]}"#;
    let (code, out) = check(&[first], &["--target", "bedrock-claude"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S005 the first message is the assistant's"),
        "{out}"
    );
    assert!(!out.contains("S014"), "{out}");
    // Trainers that read no such record say which one does, in one word for one reader.
    let (code, out) = check(&[AXOLOTL_DPO], &["--target", "trl"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S014 this record is in axolotl-preference format, which axolotl reads;"),
        "{out}"
    );
    // A pygmalion role axolotl would drop is named with the roles it reads.
    let (code, out) = check(&[&PYGMALION.replace("\"bot\"", "\"model\"")], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S005 unknown role \"model\"; expected one of system, human, bot (axolotl's pygmalion type), user, assistant"),
        "{out}"
    );
    // A null where a key is required is still missing.
    let unanswered = r#"{"messages": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_order_status", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": null, "content": "shipped"}, {"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday."}]}"#;
    let (code, out) = check(&[unanswered], &["--target", "openai", "--ignore", "B001"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S011 tool message has no \"tool_call_id\""),
        "{out}"
    );
}

/// TRL's documented tool-calling record (arguments a JSON object, no ids, the result naming
/// its function, `return` from `get_json_schema`) is what a chat template takes: clean for
/// the trainers that hand tool calls to one, OpenAI's errors for OpenAI, and clean without a
/// target, where only what holds for every target is checked.
#[test]
fn tool_calls_as_a_chat_template_takes_them() {
    const TRL_TOOLS: &str = r#"{"messages": [{"role": "user", "content": "Turn on the living room lights."}, {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "control_light", "arguments": {"room": "living room", "state": "on"}}}]}, {"role": "tool", "name": "control_light", "content": "The lights in the living room are now on."}, {"role": "assistant", "content": "Done! The living room lights are on."}], "tools": [{"type": "function", "function": {"name": "control_light", "description": "Controls the lights in a room.", "parameters": {"type": "object", "properties": {"room": {"type": "string"}, "state": {"type": "string"}}, "required": ["room", "state"]}, "return": {"type": "string", "description": "The new state of the lights."}}}]}"#;
    // Unsloth's role list names three roles; its chat templates take the tool result too.
    for target in ["trl", "axolotl", "unsloth"] {
        let (code, out) = check(&[TRL_TOOLS], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
    }
    let (code, out) = check(&[TRL_TOOLS], &["--target", "openai"]);
    assert_eq!(code, 1, "{out}");
    for finding in [
        " S010 tool call has no \"id\"",
        " S010 \"arguments\" is an object",
        " S011 tool message has no \"tool_call_id\"",
        " S008 unknown key \"return\"",
    ] {
        assert!(out.contains(finding), "{finding}: {out}");
    }
    let (code, out) = check(&[TRL_TOOLS], &[]);
    assert_eq!((code, out.as_str()), (0, ""), "without a target");
    // A string that holds no JSON object is wrong for a chat template too.
    let broken = TRL_TOOLS.replace(
        r#"{"room": "living room", "state": "on"}"#,
        r#""room=living room""#,
    );
    let (code, out) = check(&[&broken], &["--target", "trl"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S010 \"arguments\" is not valid JSON"),
        "{out}"
    );
}

/// A chat template reads no tool call id: under the trainers that hand calls to one, a result
/// without a `tool_call_id` answers the call it follows, by the function it names or in order,
/// whether or not the call carries an `id` (OpenAI-exported data adapted to TRL's shape keeps
/// them). A call that nothing answers is still S011 there, id or not; OpenAI pairs by id.
#[test]
fn chat_template_targets_pair_tool_results_by_position_and_name() {
    const CALL: &str = r#"{"type": "function", "function": {"name": "control_light", "arguments": {"room": "living room", "state": "on"}}, "id": "call_1"}"#;
    const WEATHER: &str = r#"{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}"#;
    let record = |calls: &str, results: &str| {
        format!(
            r#"{{"messages": [{{"role": "user", "content": "Turn on the living room lights, and what is the weather in Paris?"}}, {{"role": "assistant", "tool_calls": [{calls}]}}, {results}{{"role": "assistant", "content": "Done! The living room lights are now on."}}]}}"#
        )
    };
    let named = record(
        CALL,
        r#"{"role": "tool", "name": "control_light", "content": "The lights are now on."}, "#,
    );
    let bare = record(
        CALL,
        r#"{"role": "tool", "content": "The lights are now on."}, "#,
    );
    // Two calls answered in the other order, each result naming its function.
    let both = record(
        &format!("{CALL}, {WEATHER}"),
        r#"{"role": "tool", "name": "get_weather", "content": "Sunny, 24 C."}, {"role": "tool", "name": "control_light", "content": "The lights are now on."}, "#,
    );
    for target in ["trl", "axolotl", "unsloth"] {
        for line in [&named, &bare, &both] {
            let args = ["--target", target, "--select", "S010,S011"];
            let (code, out) = check(&[line], &args);
            assert_eq!((code, out.as_str()), (0, ""), "--target {target}: {line}");
        }
    }
    let (code, out) = check(&[&named], &["--select", "S010,S011"]);
    assert_eq!((code, out.as_str()), (0, ""), "without a target");
    // OpenAI pairs by id: the result answers nothing it can name.
    let (code, out) = check(&[&named], &["--target", "openai", "--select", "S011"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S011 tool call \"call_1\" is never answered by a tool message"),
        "{out}"
    );
    // The second call gets no result: reported with its id, or by its function without one.
    let half = record(
        &format!("{CALL}, {WEATHER}"),
        r#"{"role": "tool", "name": "control_light", "content": "The lights are now on."}, "#,
    );
    let (code, out) = check(&[&half], &["--target", "trl", "--select", "S011"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        format!(
            "data.jsonl:1:{}: S011 tool call to \"get_weather\" is never answered by a tool message",
            half.find(r#"{"type": "function", "function": {"name": "get_weather""#)
                .expect("the second call")
                + 1
        ),
        "{out}"
    );
    let unanswered = record(CALL, "");
    let (code, out) = check(&[&unanswered], &["--target", "axolotl", "--select", "S011"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S011 tool call \"call_1\" is never answered by a tool message"),
        "{out}"
    );
}

/// A vision record as TRL and Unsloth document it: `{"type": "image"}` parts standing for the
/// `images` column (or holding the image), and Arrow's nulls in the parts
/// (llava-instruct-mix-vsft): clean for those targets and without a target, an unknown part
/// type for OpenAI.
#[test]
fn vision_records_as_a_chat_template_takes_them() {
    const VLM: &str = r#"{"images": ["images/cat.png"], "messages": [{"role": "user", "content": [{"type": "image", "index": 0, "text": null}, {"type": "text", "text": "What animal is shown in this picture?", "index": null}]}, {"role": "assistant", "content": [{"type": "text", "text": "It is a cat sitting on a windowsill.", "index": null}]}]}"#;
    const UNSLOTH: &str = r#"{"messages": [{"role": "user", "content": [{"type": "image", "image": "images/cat.png"}, {"type": "text", "text": "What animal is shown in this picture?"}]}, {"role": "assistant", "content": [{"type": "text", "text": "It is a cat sitting on a windowsill."}]}]}"#;
    for target in ["trl", "unsloth", "axolotl"] {
        for line in [VLM, UNSLOTH] {
            let (code, out) = check(&[line], &["--target", target]);
            assert_eq!((code, out.as_str()), (0, ""), "--target {target}: {line}");
        }
    }
    let (code, out) = check(&[VLM], &["--target", "openai"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S007 unknown content part type \"image\""),
        "{out}"
    );
    // Without a target, only what holds for every target is checked: TRL's own data is not
    // called broken.
    for line in [VLM, UNSLOTH] {
        let (code, out) = check(&[line], &[]);
        assert_eq!((code, out.as_str()), (0, ""), "without a target: {line}");
    }
}

/// TRL's vision collators convert a record with `images` (or `image`) with
/// `prepare_multimodal_messages`, which puts a placeholder for each image before the first
/// user message whose content is a string, counts the `{"type": "image"}` parts without an
/// image besides (not in tool messages), and raises when the count differs from the images.
/// Data it takes is clean under `trl`; a mismatch is S012 there, and nothing under targets
/// that do not count (axolotl, Unsloth) or without a target.
#[test]
fn trl_counts_the_images_against_their_placeholders() {
    let clean = [
        // No parts: TRL puts one placeholder per image before the first user message.
        r#"{"images": ["a.png", "b.png"], "messages": [{"role": "system", "content": "You compare product photos."}, {"role": "user", "content": "Which of the two photos shows the damaged box?"}, {"role": "assistant", "content": "The second one: its corner is crushed."}]}"#,
        r#"{"images": [], "messages": [{"role": "user", "content": "Can I return an opened parcel?"}, {"role": "assistant", "content": "Yes, within 30 days, with the receipt."}]}"#,
        r#"{"images": null, "messages": [{"role": "user", "content": [{"type": "text", "text": "Can I return an opened parcel?"}]}, {"role": "assistant", "content": "Yes, within 30 days, with the receipt."}]}"#,
        // One `image` is one image.
        r#"{"image": "a.png", "messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is wrong with this parcel?"}]}, {"role": "assistant", "content": [{"type": "text", "text": "Its corner is crushed."}]}]}"#,
        // A part that carries its image is no placeholder (the check leaves it alone).
        r#"{"images": ["a.png"], "messages": [{"role": "user", "content": [{"type": "image", "image": "b.png"}, {"type": "image"}, {"type": "text", "text": "Which photo shows the crushed corner?"}]}, {"role": "assistant", "content": "The second one."}]}"#,
        // Prompt-completion and preference: the prompt gets the images.
        r#"{"images": ["a.png"], "prompt": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is wrong with this parcel?"}]}], "completion": [{"role": "assistant", "content": "Its corner is crushed."}]}"#,
        r#"{"images": ["a.png"], "prompt": [{"role": "user", "content": "What is wrong with this parcel?"}], "chosen": [{"role": "assistant", "content": "Its corner is crushed."}], "rejected": [{"role": "assistant", "content": "Nothing at all."}]}"#,
    ];
    for line in clean {
        let (code, out) = check(&[line], &["--target", "trl", "--select", "S005,S012"]);
        assert_eq!((code, out.as_str()), (0, ""), "{line}");
    }
    let two_for_one = r#"{"images": ["a.png", "b.png"], "messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is shown in this picture?"}]}, {"role": "assistant", "content": [{"type": "text", "text": "A cat sitting on a mat."}]}]}"#;
    let (code, out) = check(&[two_for_one], &["--target", "trl", "--select", "S"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        r#"data.jsonl:1:12: S012 2 images in "images" but 1 {"type": "image"} placeholder in the messages; TRL's vision collator raises ("Number of images provided (2) does not match number of image placeholders (1)", prepare_multimodal_messages): put one {"type": "image"} part where each image goes"#
    );
    // Text parts only: no placeholder, and none put in (no string content).
    let none = r#"{"images": ["a.png"], "prompt": [{"role": "user", "content": [{"type": "text", "text": "What is wrong with this parcel?"}]}], "completion": [{"role": "assistant", "content": [{"type": "text", "text": "Its corner is crushed."}]}]}"#;
    let (code, out) = check(&[none], &["--target", "trl", "--select", "S"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(r#"S012 1 image in "images" but 0 {"type": "image"} placeholders in the messages"#)
            && out.contains("or give the first user message's content as a string for TRL to put the images before it"),
        "{out}"
    );
    // Placeholders beside a string user message: TRL counts both.
    let both = r#"{"images": ["a.png"], "messages": [{"role": "user", "content": "What is wrong with this parcel?"}, {"role": "assistant", "content": "Show me the other side."}, {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Here it is."}]}, {"role": "assistant", "content": "That side is fine."}]}"#;
    let (code, out) = check(&[both], &["--target", "trl", "--select", "S"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(r#"S012 1 image in "images" but 2 {"type": "image"} placeholders in the messages"#)
            && out.contains("it puts a placeholder for each image before the first user message whose content is a string"),
        "{out}"
    );
    for args in [&["--target", "axolotl"][..], &["--target", "unsloth"], &[]] {
        let (_, out) = check(
            &[two_for_one, none, both],
            &[args, &["--select", "S012"]].concat(),
        );
        assert_eq!(out, "", "{args:?}");
    }
}

/// TRL's `prepare_multimodal_messages` raises on a role other than system, user, assistant
/// and tool: in a record with images, `developer` (a TRL role otherwise), `function` and
/// unknown names are one S005 error each under `trl`, in the prompt and the answers alike.
#[test]
fn a_role_trls_vision_collator_refuses_is_an_error() {
    let developer = r#"{"images": ["a.png"], "messages": [{"role": "developer", "content": "Be brief and precise."}, {"role": "user", "content": "What is shown in this picture?"}, {"role": "assistant", "content": "A cat sitting on a mat."}]}"#;
    let (code, out) = check(&[developer], &["--target", "trl"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        r#"data.jsonl:1:45: S005 role "developer" in a record with images; TRL's vision collator converts its messages with prepare_multimodal_messages, which raises on any role but system, user, assistant and tool ("Invalid role in message"): write "system""#
    );
    // Without images, `developer` is TRL's (Harmony).
    let text_only = developer.replace(r#""images": ["a.png"], "#, "");
    let (code, out) = check(&[&text_only], &["--target", "trl"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // One finding per role, not a warning beside the error.
    let others = r#"{"image": "a.png", "messages": [{"role": "human", "content": "What is shown in this picture?"}, {"role": "assistant", "content": "A cat sitting on a mat."}, {"role": "function", "name": "lookup", "content": "cat"}]}"#;
    let (code, out) = check(&[others], &["--target", "trl", "--select", "S005,S012"]);
    assert_eq!(code, 1, "{out}");
    let s005: Vec<&str> = out.lines().collect();
    assert_eq!(s005.len(), 2, "{out}");
    assert!(
        s005[0].contains(r#"S005 role "human" in a record with images"#)
            && s005[0].ends_with(r#"write "user""#),
        "{out}"
    );
    assert!(
        s005[1].contains(r#"S005 role "function" in a record with images"#)
            && s005[1].ends_with(r#"write "tool""#),
        "{out}"
    );
    let completion = r#"{"images": ["a.png"], "prompt": [{"role": "user", "content": "What is shown in this picture?"}], "completion": [{"role": "gpt", "content": "A cat sitting on a mat."}]}"#;
    let (code, out) = check(&[completion], &["--target", "trl", "--select", "S005"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains(r#"S005 role "gpt" in a record with images"#),
        "{out}"
    );
    // Other targets keep their own role rules.
    let (code, out) = check(&[developer], &["--target", "unsloth", "--select", "S005"]);
    assert!(
        code == 0 && !out.contains("in a record with images"),
        "{out}"
    );
}

/// axolotl's content parts give their text in `text`, `content` or `value` and say whether
/// they are trained with `train` or `weight` (`_convert_content_parts`): read under
/// `axolotl` whatever the spelling, a record of `value` text parts included, which
/// LLaMA-Factory's v1 records share (detected as LLaMA-Factory's elsewhere, and still S014
/// under axolotl where they carry what only LLaMA-Factory reads).
#[test]
fn axolotl_content_parts_in_each_spelling() {
    let value = r#"{"messages": [{"role": "user", "content": [{"type": "text", "value": "What is 2+2? Please show the steps."}]}, {"role": "assistant", "content": [{"type": "text", "value": "Two plus two makes four."}]}]}"#;
    let content_weight = r#"{"messages": [{"role": "user", "content": [{"type": "text", "content": "What is 2+2? Please show the steps."}]}, {"role": "assistant", "content": [{"type": "text", "content": "Let me think step by step.", "weight": 0}, {"type": "text", "content": " The answer is 4.", "weight": 1}]}]}"#;
    let value_weight = r#"{"messages": [{"role": "user", "content": [{"type": "text", "value": "What is 3+3? Please show the steps."}]}, {"role": "assistant", "content": [{"type": "text", "value": "Let me add them.", "weight": 0}, {"type": "text", "value": " The answer is 6.", "weight": 1}]}]}"#;
    for line in [value, content_weight, value_weight] {
        let (code, out) = check(&[line], &["--target", "axolotl", "--select", "S"]);
        assert_eq!((code, out.as_str()), (0, ""), "{line}");
    }
    // `value` parts alone are LLaMA-Factory's v1 shape too: its target reads them.
    let (code, out) = check(&[value], &["--target", "llama-factory", "--select", "S"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // A LLaMA-Factory record axolotl would misread (`loss_weight`, a reasoning part).
    let lf = r#"{"messages": [{"role": "user", "content": [{"type": "text", "value": "What is 2+2?"}], "loss_weight": 0.0}, {"role": "assistant", "content": [{"type": "reasoning", "value": "Add them."}, {"type": "text", "value": "Four."}], "loss_weight": 1.0}]}"#;
    let (code, out) = check(&[lf], &["--target", "axolotl", "--select", "S014"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("S014 this record is in llama-factory format"),
        "{out}"
    );
}

/// axolotl's multimodal datasets convert ShareGPT turns to messages and keep a `value` that
/// is a list of content parts (`processing_strategies.py`): read under `axolotl`; an error
/// elsewhere, saying who reads it.
#[test]
fn axolotl_reads_sharegpt_values_of_content_parts() {
    let line = r#"{"conversations": [{"from": "human", "value": [{"type": "image", "url": "https://example.com/bee.jpg"}, {"type": "text", "text": "Describe this image in detail."}]}, {"from": "gpt", "value": [{"type": "text", "text": "The image is a bee on a flower."}]}]}"#;
    let (code, out) = check(&[line], &["--target", "axolotl", "--select", "S"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[line], &["--select", "S"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            r#"S007 "value" is an array; expected a string; axolotl reads it (set `target`)"#
        ),
        "{out}"
    );
    let (_, out) = check(&[line], &["--target", "llama-factory", "--select", "S007"]);
    assert!(
        out.contains(r#"S007 "value" is an array; expected a string; axolotl reads it"#),
        "{out}"
    );
}

/// An unknown role is told the roles the target takes when it names them as the file does
/// (OpenAI's take `developer` and `function` too), and the format's otherwise (LLaMA-Factory
/// lists ShareGPT's names, which an OpenAI-style file does not use).
#[test]
fn an_unknown_role_lists_the_targets_roles() {
    let human = r#"{"messages":[{"role":"human","content":"What is the capital of France?"},{"role":"assistant","content":"The capital of France is Paris."}]}"#;
    let told = |target: &str| {
        let (_, out) = check(&[human], &["--target", target]);
        out.lines()
            .find(|l| l.contains(" S005 "))
            .unwrap_or_else(|| panic!("--target {target}: no S005 in {out}"))
            .to_string()
    };
    assert!(
        told("openai").contains(
            "unknown role \"human\"; expected one of system, developer, user, assistant, tool, function (did you mean \"user\"?)"
        ),
        "{}",
        told("openai")
    );
    assert!(
        told("mistral").contains("expected one of system, user, assistant, tool (did"),
        "{}",
        told("mistral")
    );
    assert!(
        told("llama-factory").contains("expected one of system, user, assistant, tool (did"),
        "{}",
        told("llama-factory")
    );
}

#[test]
fn without_a_target_no_format_is_a_mismatch() {
    for (line, what) in [(SHAREGPT, "sharegpt"), (ALPACA, "alpaca"), (CHAT, "chat")] {
        let (code, out) = check(&[line], &[]);
        assert_eq!((code, out.as_str()), (0, ""), "{what}");
        let (code, out) = check(&[line], &["--target", "auto"]);
        assert_eq!((code, out.as_str()), (0, ""), "{what} with --target auto");
    }
}

#[test]
fn target_in_the_config_and_per_glob_in_overrides() {
    let dir = TempDir::new().expect("temp dir");
    write(
        dir.path(),
        "tunelint.toml",
        "target = \"openai\"\n\n[[overrides]]\nfiles = [\"legacy/**\"]\ntarget = \"llama-factory\"\n",
    );
    write(dir.path(), "legacy/old.jsonl", &format!("{SHAREGPT}\n"));
    write(dir.path(), "new/data.jsonl", &format!("{SHAREGPT}\n"));
    let out = tunelint(dir.path())
        .args(["--format", "concise", "--quiet", "."])
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("new/data.jsonl:1:1: S014 "), "{stdout}");
    assert!(!stdout.contains("legacy/old.jsonl"), "{stdout}");
    // --target wins over the config, for every file.
    tunelint(dir.path())
        .args(["--format", "concise", "--quiet", "--target", "axolotl", "."])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn an_unknown_target_is_a_config_error_with_a_did_you_mean() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "data.jsonl", &format!("{CHAT}\n"));
    write(
        dir.path(),
        "tunelint.toml",
        "format = \"auto\"\ntarget = \"togther\"\n",
    );
    tunelint(dir.path())
        .arg("data.jsonl")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tunelint.toml:2:10"))
        .stderr(predicate::str::contains("did you mean \"together\"?"));
    write(
        dir.path(),
        "tunelint.toml",
        "[[overrides]]\nfiles = [\"*.jsonl\"]\ntarget = \"open-ai\"\n",
    );
    tunelint(dir.path())
        .arg("data.jsonl")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"openai\"?"));
}

#[test]
fn an_unknown_target_on_the_command_line_exits_2_with_a_did_you_mean() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "data.jsonl", &format!("{CHAT}\n"));
    tunelint(dir.path())
        .args(["--target", "opneai", "data.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"openai\"?"));
    tunelint(dir.path())
        .args(["--target", "sagemaker", "data.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected one of auto, openai"));
}

#[test]
fn the_image_limit_is_the_targets_and_names_it() {
    let eleven = with_images(11);
    // Without a target there is no limit: the providers' differ (PRODUCT §3b, target-specific
    // limits apply only when their target is named).
    let (code, out) = check(&[&eleven], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("S012"), "{out}");
    let (code, out) = check(&[&eleven], &["--target", "together"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(" S012 Together accepts at most 10 images per example"),
        "{out}"
    );
    let (code, out) = check(&[&eleven], &["--target", "azure-openai"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[&with_images(65)], &["--target", "azure-openai"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(" S012 Azure OpenAI accepts at most 64 images per example"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    // A target without a documented limit sets none.
    let (code, out) = check(&[&eleven], &["--target", "fireworks"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn mistral_tool_call_ids_are_nine_letters_and_digits() {
    let (code, out) = check(&[&with_tool_call("call_1")], &["--target", "mistral"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(" S010 tool call id \"call_1\" is not 9 ASCII letters and digits, which Mistral requires"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    let (code, out) = check(&[&with_tool_call("a1B2c3D4e")], &["--target", "mistral"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // Only Mistral restricts ids.
    let (code, out) = check(&[&with_tool_call("call_1")], &[]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[&with_tool_call("call_1")], &["--target", "openai"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

/// mistral-finetune runs mistral-common's V3 validator and its own tool parser on every
/// record: a user turn right after a tool result, text beside tool calls, and a function
/// definition without a description fail the record there. Errors under `--target mistral`
/// only: other targets' chat templates take all three.
#[test]
fn mistral_refuses_what_its_validator_refuses() {
    let answered = with_tool_call("a1B2c3D4e");
    let user_after_tool = answered.replace(
        r#"{"role": "assistant", "content": "Order A-1042 has shipped"#,
        r#"{"role": "user", "content": "And when does it arrive?"}, {"role": "assistant", "content": "Order A-1042 has shipped"#,
    );
    let text_and_calls = answered.replace(
        r#""content": null, "tool_calls""#,
        r#""content": "Let me look that up.", "tool_calls""#,
    );
    let tools = r#", "tools": [{"type": "function", "function": {"name": "get_order_status", "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}}}}]}"#;
    let no_description = format!("{}{tools}", answered.strip_suffix('}').unwrap_or(&answered));
    let cases = [
        (
            &user_after_tool,
            " O006 user message follows a tool result, which Mistral rejects (a tool result only after the assistant's tool call or another tool result, and after it only the assistant's turn or another tool result",
        ),
        (
            &text_and_calls,
            " S010 assistant message has both text and tool calls, which Mistral refuses (an assistant message holds text or tool calls, not both",
        ),
        (
            &no_description,
            " S010 function definition has no \"description\", which Mistral requires of every tool it is given",
        ),
    ];
    for (line, expected) in cases {
        let (code, out) = check(&[line], &["--target", "mistral"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(expected), "{out}");
        assert_eq!(out.lines().count(), 1, "{out}");
        for other in [
            &[][..],
            &["--target", "openai"][..],
            &["--target", "trl"][..],
        ] {
            let (code, out) = check(&[line], other);
            assert!(
                code == 0 || !out.contains(" error"),
                "{other:?}: {code} {out}"
            );
            assert!(!out.contains("Mistral"), "{other:?}: {out}");
        }
    }
    // The documented shapes still pass: a call answered, then the assistant's reply.
    let described = no_description.replace(
        r#""name": "get_order_status", "parameters""#,
        r#""name": "get_order_status", "description": "Look up an order.", "parameters""#,
    );
    for line in [&answered, &described] {
        let (code, out) = check(&[line], &["--target", "mistral"]);
        assert_eq!((code, out.as_str()), (0, ""));
    }
    // mistral-finetune takes the system messages out before its validator sees the turns:
    // one between a call and its result is no break, and one between a result and a user
    // turn does not hide it (O005 is off here: it judges where a system message stands).
    let system = r#"{"role": "system", "content": "Answer in one sentence."}, "#;
    let call_system_result = answered.replace(
        r#"{"role": "tool""#,
        &format!(r#"{system}{{"role": "tool""#),
    );
    let result_system_user = user_after_tool.replace(
        r#"{"role": "user", "content": "And when"#,
        &format!(r#"{system}{{"role": "user", "content": "And when"#),
    );
    let args = ["--target", "mistral", "--ignore", "O005"];
    let (code, out) = check(&[&call_system_result], &args);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[&result_system_user], &args);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" O006 user message follows a tool result, which Mistral rejects"),
        "{out}"
    );
    // The deprecated `functions` is not read by mistral-finetune: not judged for its keys.
    let functions = format!(
        r#"{}, "functions": [{{"name": "get_order_status", "parameters": {{"type": "object", "properties": {{}}}}}}]}}"#,
        answered.strip_suffix('}').unwrap_or(&answered)
    );
    let (_, out) = check(&[&functions], &["--target", "mistral"]);
    assert!(!out.contains("description"), "{out}");
}

/// mistral-finetune reads `available_tools` in place of `tools` (checked alike), the system
/// prompt as `system_prompt` and `only_last` beside `messages`: known keys under
/// `--target mistral`, each judged as its trainer judges it; S008 without a target names
/// the target that reads them.
#[test]
fn mistral_reads_its_own_record_keys() {
    let answered = with_tool_call("a1B2c3D4e");
    let body = answered.strip_suffix('}').unwrap_or(&answered);
    let defs = |key: &str, description: &str| {
        format!(
            r#""{key}": [{{"type": "function", "function": {{"name": "get_order_status", {description}"parameters": {{"type": "object", "properties": {{}}}}}}}}]"#
        )
    };
    let described = r#""description": "Look up an order.", "#;
    let available = format!("{body}, {}}}", defs("available_tools", described));
    let flags =
        format!(r#"{body}, "system_prompt": "Answer in one sentence.", "only_last": true}}"#);
    for line in [&available, &flags] {
        let (code, out) = check(&[line], &["--target", "mistral"]);
        assert_eq!((code, out.as_str()), (0, ""), "{line}");
        // Without the target: unknown, with a word on who reads it.
        let (code, out) = check(&[line], &[]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains(" S008 unknown key ") && out.contains("; mistral reads it (set `target`)"),
            "{out}"
        );
    }
    let cases = [
        (
            format!("{body}, {}}}", defs("available_tools", "")),
            " S010 function definition has no \"description\", which Mistral requires",
        ),
        (
            format!(
                "{body}, {}, {}}}",
                defs("available_tools", described),
                defs("tools", described)
            ),
            " S010 the record has both \"tools\" and \"available_tools\", which Mistral refuses",
        ),
        (
            format!(r#"{body}, "only_last": "yes"}}"#),
            r#" S007 "only_last" is a string ("yes"); expected true or false"#,
        ),
        (
            format!(r#"{body}, "system_prompt": 5}}"#),
            r#" S007 "system_prompt" is a number (5); expected the system prompt as a string"#,
        ),
        (
            format!(r#"{body}, "system_prompt": "Answer briefly and politely."}}"#).replace(
                r#"[{"role": "user""#,
                r#"[{"role": "system", "content": "Answer in one sentence."}, {"role": "user""#,
            ),
            " O005 a system message beside the record's \"system_prompt\", which Mistral refuses",
        ),
    ];
    for (line, expected) in cases {
        let (code, out) = check(&[&line], &["--target", "mistral"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(expected), "{expected}\n{out}");
        assert_eq!(out.lines().count(), 1, "{out}");
    }
    // The system prompt is the conversation's first turn: its text is judged as a system
    // message's (an address in it is P001 there, as in a system message).
    let leaky = format!(
        r#"{body}, "system_prompt": "Escalate refunds to jane.doe@corp-mail.com at once."}}"#
    );
    let (_, out) = check(&[&leaky], &["--target", "mistral"]);
    assert!(
        out.contains(" P001 email address \"jane") && out.contains("in system content"),
        "{out}"
    );
    // Messages are still numbered as the list has them: the system prompt under its own key
    // comes before them.
    let repeated = r#"{"system_prompt": "Answer in one sentence, please.", "messages": [{"role": "user", "content": "Where is order A-1042 right now?"}, {"role": "assistant", "content": "It left the warehouse this morning."}, {"role": "user", "content": "Where is order A-1042 right now?"}, {"role": "assistant", "content": "It is still on its way to you."}]}"#;
    let (_, out) = check(&[repeated], &["--target", "mistral"]);
    assert!(
        out.contains(" C006 user message 3 repeats user message 1 word for word"),
        "{out}"
    );
    // T001 numbers them so too, and names the system prompt under its own key as such.
    let limits = TempDir::new().expect("temp dir");
    write(
        limits.path(),
        "limits.toml",
        "[tokens]\nmax_per_example = 20\n",
    );
    let config = limits.path().join("limits.toml");
    let config = config.to_str().expect("utf-8 path");
    let long = "It left the warehouse this morning and should reach you on Friday afternoon.";
    let answered = format!(
        r#"{{"system_prompt": "Answer in one sentence.", "messages": [{{"role": "user", "content": "Where is order A-1042?"}}, {{"role": "assistant", "content": "{long}"}}]}}"#
    );
    let (_, out) = check(&[&answered], &["--target", "mistral", "--config", config]);
    assert!(
        out.contains("; the largest message is #2 (assistant, "),
        "{out}"
    );
    let briefed = format!(
        r#"{{"system_prompt": "{long}", "messages": [{{"role": "user", "content": "Where?"}}, {{"role": "assistant", "content": "Here."}}]}}"#
    );
    let (_, out) = check(&[&briefed], &["--target", "mistral", "--config", config]);
    assert!(
        out.contains("; the largest message is the record's own system prompt, "),
        "{out}"
    );
    // A call to a function only `available_tools` declares is a declared call.
    let undeclared = available.replace(
        r#""name": "get_order_status", "desc"#,
        r#""name": "other", "desc"#,
    );
    let (_, out) = check(&[&undeclared], &["--target", "mistral"]);
    assert!(
        out.contains("which the record's tools do not declare (\"other\")"),
        "{out}"
    );
}

/// A call to a function the record's tools do not declare is a warning: the model learns to
/// call a tool its prompt does not offer. A declared one, or a record without tools, is
/// quiet.
#[test]
fn a_call_to_a_tool_the_record_does_not_declare_is_a_warning() {
    let call = with_tool_call("a1B2c3D4e");
    let body = call.strip_suffix('}').unwrap_or(&call);
    let tools = |name: &str| {
        format!(
            r#"{body}, "tools": [{{"type": "function", "function": {{"name": "{name}", "description": "Look up an order.", "parameters": {{"type": "object", "properties": {{}}}}}}}}]}}"#
        )
    };
    let (code, out) = check(&[&tools("track_parcel")], &["--select", "S010"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(" S010 tool call names \"get_order_status\", which the record's tools do not declare (\"track_parcel\"); the example teaches the model to call a tool it was not given"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    // Declared in the deprecated `functions` beside `tools`: declared all the same.
    let both = format!(
        r#"{}, "functions": [{{"name": "get_order_status", "parameters": {{"type": "object", "properties": {{}}}}}}]}}"#,
        tools("track_parcel").strip_suffix('}').unwrap_or_default()
    );
    for quiet in [tools("get_order_status"), call.clone(), both] {
        let (code, out) = check(&[&quiet], &["--select", "S010"]);
        assert_eq!((code, out.as_str()), (0, ""));
    }
}

/// An answered call in the deprecated `function` shape: a `function` message carries the
/// result.
const FUNCTION_MESSAGE: &str = r#"{"messages": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "assistant", "content": null, "function_call": {"name": "get_order_status", "arguments": "{\"order_id\": \"A-1042\"}"}}, {"role": "function", "name": "get_order_status", "content": "{\"status\": \"shipped\"}"}, {"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday."}]}"#;
const DEVELOPER: &str = r#"{"messages": [{"role": "developer", "content": "Answer billing questions in one short paragraph."}, {"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "content": "Yes. Choose Bank transfer under Billing, Payment methods; invoices then show our account details."}]}"#;

#[test]
fn a_role_the_target_does_not_take_is_s005_naming_the_target() {
    // Providers reject the upload: an error, at the role, with the roles they take.
    for (target, title) in [("mistral", "Mistral"), ("together", "Together")] {
        let (code, out) = check(
            &[FUNCTION_MESSAGE],
            &["--target", target, "--select", "S005"],
        );
        assert_eq!(code, 1, "--target {target}: {out}");
        let expected = format!(
            "data.jsonl:1:209: S005 role \"function\" is not accepted by {title}, which takes \
             \"system\", \"user\", \"assistant\" and \"tool\""
        );
        assert_eq!(out.trim_end(), expected, "--target {target}");
    }
    // A trainer hands roles to the chat template: a warning (exit 0 under the default gate).
    let (code, out) = check(&[FUNCTION_MESSAGE], &["--target", "trl"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim_end(),
        "data.jsonl:1:209: S005 role \"function\" is not one TRL documents (\"system\", \"developer\", \
         \"user\", \"assistant\" and \"tool\"); the model's chat template may drop it or fail on it"
    );
    // OpenAI and Azure take `function` messages; without a target the format's roles hold.
    for args in [
        &["--target", "openai"][..],
        &["--target", "azure-openai"],
        &[],
    ] {
        let (code, out) = check(&[FUNCTION_MESSAGE], args);
        assert_eq!((code, out.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn developer_messages_are_judged_by_the_targets_roles() {
    // Without a target: a warning that not every API takes it.
    let (code, out) = check(&[DEVELOPER], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(" S005 role \"developer\" is not accepted by every fine-tuning API"),
        "{out}"
    );
    // OpenAI takes it; Fireworks does not, and says so once (not also the generic warning).
    let (code, out) = check(&[DEVELOPER], &["--target", "openai"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[DEVELOPER], &["--target", "fireworks"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        "data.jsonl:1:24: S005 role \"developer\" is not accepted by Fireworks, which takes \
         \"system\", \"user\", \"assistant\" and \"tool\""
    );
}

#[test]
fn tool_calls_train_on_fireworks_and_not_through_unsloths_sharegpt() {
    // Fireworks trains OpenAI's tool-calling examples unchanged.
    let (code, out) = check(&[&with_tool_call("call_1")], &["--target", "fireworks"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // Unsloth's standardize_sharegpt maps system, user and assistant names only and raises
    // on any other ("not in aliases"): an error on each tool turn, as written.
    let observation = r#"{"conversations": [{"from": "human", "value": "Where is order A-1042?"}, {"from": "function_call", "value": "{\"name\": \"get_order_status\", \"arguments\": {\"order_id\": \"A-1042\"}}"}, {"from": "observation", "value": "{\"status\": \"shipped\"}"}, {"from": "gpt", "value": "Order A-1042 has shipped and arrives on Friday."}]}"#;
    let (code, out) = check(&[observation], &["--target", "unsloth"]);
    assert_eq!(code, 1, "{out}");
    let refused = |at: &str, role: &str| {
        format!(
            "data.jsonl:1:{at}: S005 role \"{role}\" is not one Unsloth's standardize_sharegpt \
             maps (\"system\", \"user\", \"human\", \"input\", \"assistant\", \"gpt\" and \
             \"output\"), so converting the dataset fails"
        )
    };
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            refused("83", "function_call"),
            refused("198", "observation")
        ],
        "{out}"
    );
    // In the role-and-content form too; names it maps are clean in either form.
    let tool = r#"{"conversations": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "tool", "content": "shipped"}, {"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday."}]}"#;
    let (code, out) = check(&[tool], &["--target", "unsloth", "--ignore", "O006"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S005 role \"tool\" is not one Unsloth's standardize_sharegpt maps"));
    let role_content = r#"{"system": "You track orders.", "conversations": [{"role": "user", "content": "Where is order A-1042?"}, {"role": "assistant", "content": "Order A-1042 has shipped and arrives on Friday."}]}"#;
    let (code, out) = check(&[role_content, SHAREGPT], &["--target", "unsloth"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // The other names its map takes (`input`, `output`; `human`, `gpt` as `role`s).
    let aliases = [
        r#"{"conversations": [{"from": "input", "value": "Where is order A-1042?"}, {"from": "output", "value": "Order A-1042 has shipped and arrives on Friday."}]}"#,
        r#"{"conversations": [{"role": "human", "content": "Can I pay by bank transfer?"}, {"role": "gpt", "content": "Yes. Choose Bank transfer under Billing, Payment methods."}]}"#,
    ];
    let (code, out) = check(&aliases, &["--target", "unsloth"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&aliases, &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches(" S005 unknown role ").count(), 4, "{out}");
    // LLaMA-Factory names both.
    let (code, out) = check(&[observation], &["--target", "llama-factory"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

/// A ShareGPT `function_call` turn and `tools` column as LLaMA-Factory reads them
/// (formatter.py): one call or a list of parallel calls, each with a `name` and
/// `arguments`, possibly after a thought or inside the template's tool-call words; `tools`
/// empty or JSON text of an array of definitions. Anything else stops its preprocessing.
#[test]
fn llama_factory_function_calls_and_tools_as_its_formatter_reads_them() {
    let record = |call: &str, tools: &str| {
        serde_json::json!({"conversations": [
            {"from": "human", "value": "What is the weather in Paris and Rome?"},
            {"from": "function_call", "value": call},
            {"from": "observation", "value": "Paris: sunny. Rome: rain."},
            {"from": "gpt", "value": "Paris is sunny today, and it is raining in Rome."}
        ], "tools": tools})
        .to_string()
    };
    let tools = r#"[{"name": "weather", "description": "The weather in a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]"#;
    let one = r#"{"name": "weather", "arguments": {"city": "Paris"}}"#;
    let accepted = [
        record(one, tools),
        record(
            r#"[{"name": "weather", "arguments": {"city": "Paris"}}, {"name": "weather", "arguments": {"city": "Rome"}}]"#,
            tools,
        ),
        record(
            &format!("<think>\nI need the weather.\n</think>\n\n{one}"),
            tools,
        ),
        record(&format!("<tool_call>\n{one}\n</tool_call>"), tools),
        record(one, ""),
        record(one, "[]"),
    ];
    let accepted: Vec<&str> = accepted.iter().map(String::as_str).collect();
    for target in ["llama-factory", "auto"] {
        let (code, out) = check(&accepted, &["--target", target, "--select", "S"]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
    }
    let refused = [
        (
            record(r#"{"name": "weather", "args": {"city": "Paris"}}"#, tools),
            "S010 function_call value has no \"arguments\"; LLaMA-Factory reads each call's \"name\" and \"arguments\"",
        ),
        (
            record(
                r#"[{"name": "weather", "arguments": {}}, "weather"]"#,
                tools,
            ),
            "S010 function_call value holds a string",
        ),
        (
            record("weather(city='Paris')", tools),
            "S010 function_call value is not valid JSON",
        ),
        (
            record("[]", tools),
            "S010 function_call value is an empty list: the turn calls no function",
        ),
        (
            record(one, "[{'name': 'weather'}]"),
            "S010 \"tools\" is a string that is not valid JSON (single-quoted key; JSON strings use double quotes)",
        ),
        (
            record(one, r#"{"name": "weather"}"#),
            "S010 \"tools\" encodes an object; expected an array of tool definitions",
        ),
    ];
    for (line, message) in &refused {
        let (code, out) = check(&[line], &["--target", "llama-factory", "--select", "S"]);
        assert_eq!(code, 1, "{line}\n{out}");
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains(message), "{message}\n{out}");
    }
}

/// TRL's `maybe_convert_to_chatml` renames ShareGPT's `from` and `value` and keeps the role
/// names: the chat template sees `human` and `gpt`, a warning under `trl`, which says what to
/// write. axolotl and LLaMA-Factory map the names, Unsloth's map takes them.
#[test]
fn trl_keeps_sharegpt_role_names_as_written() {
    let (code, out) = check(&[SHAREGPT], &["--target", "trl"]);
    assert_eq!(code, 0, "{out}");
    let warnings: Vec<&str> = out.lines().filter(|l| l.contains(" S005 ")).collect();
    assert_eq!(warnings.len(), 2, "{out}");
    assert!(
        warnings[0].contains(
            "S005 role \"human\" is not one TRL documents (\"system\", \"developer\", \"user\", \
             \"assistant\" and \"tool\"); the model's chat template may drop it or fail on it \
             (TRL renames ShareGPT's keys to role and content but keeps the names: write \"user\")"
        ),
        "{out}"
    );
    assert!(warnings[1].contains("write \"assistant\")"), "{out}");
    for target in ["axolotl", "llama-factory", "unsloth"] {
        let (code, out) = check(&[SHAREGPT], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
    }
}

/// An unknown ShareGPT role under `trl` is judged as TRL sees it: its roles, not ShareGPT's
/// `human` and `gpt` (which it does not take either), at the level of a role TRL does not
/// document; without a target, ShareGPT's own.
#[test]
fn an_unknown_sharegpt_role_under_trl_suggests_trls_own() {
    let record = SHAREGPT.replace("\"human\"", "\"Customer\"");
    let (code, out) = check(&[&record], &["--target", "trl"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "S005 unknown role \"Customer\"; TRL keeps ShareGPT's role names as written and \
             documents \"system\", \"developer\", \"user\", \"assistant\" and \"tool\" \
             (did you mean \"user\"?)"
        ),
        "{out}"
    );
    let (code, out) = check(&[&record], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("(did you mean \"human\"?)"), "{out}");
}

/// TRL skips dataset preparation for a vision dataset, so ShareGPT's `conversations` are
/// never converted and the collator raises KeyError: an error under `trl` (only there).
#[test]
fn trl_does_not_convert_a_vision_datasets_sharegpt_turns() {
    let line = r#"{"conversations": [{"from": "user", "value": "What is in this picture?"}, {"from": "assistant", "value": "A cat on a windowsill."}], "images": ["cat.png"]}"#;
    let (code, out) = check(&[line], &["--target", "trl", "--select", "S014"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        "data.jsonl:1:19: S014 TRL does not convert a vision dataset's ShareGPT \"conversations\" \
         (its collator reads \"messages\", and raises KeyError \"Unexpected input keys\" on this \
         record): write the turns as \"messages\" of role and content"
    );
    let without_images = r#"{"conversations": [{"from": "user", "value": "What is in this picture?"}, {"from": "assistant", "value": "A cat on a windowsill."}]}"#;
    let (code, out) = check(&[without_images], &["--target", "trl", "--select", "S014"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn a_chain_of_thought_key_is_known_to_the_targets_that_read_it() {
    let line = r#"{"messages": [{"role": "user", "content": "Can I pay by bank transfer?"}, {"role": "assistant", "reasoning_content": "Billing supports cards and bank transfer.", "content": "Yes. Choose Bank transfer under Billing, Payment methods."}]}"#;
    for target in ["together", "fireworks"] {
        let (code, out) = check(&[line], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
    }
    let (_, out) = check(&[line], &["--target", "together"]);
    assert_eq!(out, "");
    // Without a target (or for one that does not read it), S008 says who does.
    for (args, set) in [(&[][..], " (set `target`)"), (&["--target", "mistral"], "")] {
        let (code, out) = check(&[line], args);
        assert_eq!(code, 0, "{out}");
        assert_eq!(
            out.trim_end(),
            format!(
                "data.jsonl:1:97: S008 unknown key \"reasoning_content\" in an assistant \
                 message; together, fireworks, trl, axolotl and unsloth read it{set}"
            ),
            "{args:?}"
        );
    }
    // Together's other spelling; a value that is not text is S007.
    let reasoning = line.replace("reasoning_content", "reasoning");
    let (code, out) = check(&[&reasoning], &["--target", "together"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[&reasoning], &["--target", "fireworks"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" S008 unknown key \"reasoning\""), "{out}");
    let numeric = line.replace(r#""Billing supports cards and bank transfer.""#, "42");
    let (code, out) = check(&[&numeric], &["--target", "fireworks"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S007 \"reasoning_content\" is a number (42); expected a string"),
        "{out}"
    );
}

#[test]
fn fireworks_reads_a_sample_weight_at_the_top_level() {
    // Fireworks' weighted-training page: "Add a `weight` field at the root level of each JSON
    // object", any number.
    let line = r#"{"messages": [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}], "weight": 2.0}"#;
    let (code, out) = check(&[line], &["--target", "fireworks", "--select", "S"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let negative = line.replace("2.0}", "-0.5}");
    let (code, out) = check(&[&negative], &["--target", "fireworks", "--select", "S"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let text = line.replace("2.0}", r#""high"}"#);
    let (code, out) = check(&[&text], &["--target", "fireworks", "--select", "S"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(r#" S007 "weight" is a string ("high"); expected a number"#),
        "{out}"
    );
    // Elsewhere it is unknown, and S008 says who reads it: a warning, and an error where
    // the upload check refuses keys it does not read (Together).
    let (code, out) = check(&[line], &["--target", "openai", "--select", "S"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            r#" S008 unknown key "weight" in the top level of a chat record; fireworks reads it"#
        ),
        "{out}"
    );
    let (code, out) = check(&[line], &["--target", "together", "--select", "S"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            r#" S008 unknown key "weight" in the top level of a chat record; fireworks reads it; Together rejects a record with a key it does not read"#
        ),
        "{out}"
    );
    // Without a target, the note says how to name one.
    let (code, out) = check(&[line], &["--select", "S"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(r#" fireworks reads it (set `target`)"#),
        "{out}"
    );
}

/// A vision dataset's top-level `images` (TRL's, Unsloth's and axolotl's shape): read under
/// those targets and without a target; S008 under a target that reads no such key.
#[test]
fn images_beside_the_messages_are_read_by_the_chat_template_trainers() {
    let line = r#"{"images": ["cat.jpg"], "messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What animal is this?"}]}, {"role": "assistant", "content": [{"type": "text", "text": "A cat, sitting on a windowsill."}]}]}"#;
    for target in ["trl", "axolotl", "unsloth"] {
        let (code, out) = check(&[line], &["--target", target, "--select", "S"]);
        assert_eq!((code, out.as_str()), (0, ""), "{target}");
    }
    let (code, out) = check(&[line], &["--select", "S"]);
    assert_eq!((code, out.as_str()), (0, ""), "without a target");
    let (code, out) = check(&[line], &["--select", "S008", "--target", "openai"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            r#"S008 unknown key "images" in the top level of a chat record; trl, axolotl and unsloth read it"#
        ),
        "{out}"
    );
    // LLaMA-Factory reads it once its dataset_info.json entry names the column.
    let (_, out) = check(&[line], &["--target", "llama-factory", "--select", "S008"]);
    assert!(
        out.contains(
            r#"S008 unknown key "images" in the top level of a chat record; LLaMA-Factory reads it when dataset_info.json maps the column: "columns": {"images": "images"}"#
        ),
        "{out}"
    );
}

/// The hint that names a two-column record's columns in a LLaMA-Factory dataset_info.json is
/// for LLaMA-Factory (or no target), not for a target that reads no such file.
#[test]
fn the_dataset_info_hint_is_for_llama_factory() {
    let line = r#"{"query": "What is two plus two?", "reply": "It is four."}"#;
    let (_, out) = check(&[line], &["--select", "S001"]);
    assert!(
        out.contains("LLaMA-Factory dataset_info.json entry"),
        "{out}"
    );
    let (_, out) = check(&[line], &["--target", "llama-factory", "--select", "S001"]);
    assert!(
        out.contains("LLaMA-Factory dataset_info.json entry"),
        "{out}"
    );
    let (_, out) = check(&[line], &["--target", "axolotl", "--select", "S001"]);
    assert!(out.contains("S001 record has no"), "{out}");
    assert!(!out.contains("dataset_info"), "{out}");
    // GSM8K's columns are axolotl's `alpaca_chat.load_qa`: clean under axolotl, and under
    // LLaMA-Factory S014 says which columns to name; TRL reads neither.
    let gsm = r#"{"question": "What is two plus two?", "answer": "Two plus two is four."}"#;
    let (code, out) = check(&[gsm], &["--target", "axolotl", "--select", "S"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (_, out) = check(&[gsm], &["--target", "llama-factory", "--select", "S"]);
    assert!(
        out.contains(
            r#"S014 this record is in axolotl-instruct format, which axolotl reads; llama-factory accepts llama-factory, alpaca, sharegpt and openai-chat; to train on it with LLaMA-Factory, name its columns in a dataset_info.json entry: "columns": {"prompt": "question", "response": "answer"}"#
        ),
        "{out}"
    );
    let (_, out) = check(&[gsm], &["--target", "trl", "--select", "S"]);
    assert!(
        out.contains("S014 this record is in axolotl-instruct format"),
        "{out}"
    );
    assert!(!out.contains("dataset_info"), "{out}");
}

const TWO_USER_TURNS: &str = r#"{"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "user", "content": "I mean the key for the staging project."}, {"role": "assistant", "content": "Open the staging project, then Settings, API keys, and choose Rotate."}]}"#;
const BEDROCK_TWO_USER_TURNS: &str = r#"{"system": "You answer account questions.", "messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "user", "content": "I mean the key for the staging project."}, {"role": "assistant", "content": "Open the staging project, then Settings, API keys, and choose Rotate."}]}"#;

#[test]
fn two_turns_of_one_role_are_an_error_where_the_provider_rejects_them() {
    // A warning in general.
    let warning = "data.jsonl:1:84: O006 two user messages in a row; merge them or add the \
                   assistant's reply between them";
    for args in [&[][..], &["--target", "fireworks"], &["--target", "trl"]] {
        let (code, out) = check(&[TWO_USER_TURNS], args);
        assert_eq!((code, out.trim_end()), (0, warning), "{args:?}");
    }
    // Together's upload check rejects the file: an error naming it.
    let (code, out) = check(&[TWO_USER_TURNS], &["--target", "together"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        "data.jsonl:1:84: O006 two user messages in a row, which Together rejects (after an \
         optional system message, user and assistant messages alternate); merge them or add \
         the assistant's reply between them"
    );
    // At the error level, not only counted as one.
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "data.jsonl", &format!("{TWO_USER_TURNS}\n"));
    for (target, level) in [("together", "error[O006]"), ("fireworks", "warning[O006]")] {
        let out = tunelint(dir.path())
            .args([
                "--format",
                "full",
                "--quiet",
                "--ignore",
                "B001",
                "--target",
                target,
                "data.jsonl",
            ])
            .output()
            .expect("run tunelint");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with(level), "--target {target}: {stdout}");
    }
    // Only Bedrock reads its record shape: its rule holds with or without the target.
    for args in [&[][..], &["--target", "bedrock-claude"]] {
        let (code, out) = check(&[BEDROCK_TWO_USER_TURNS], args);
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(
            out.contains(" O006 two user messages in a row, which Amazon Bedrock (Claude) rejects"),
            "{args:?}: {out}"
        );
    }
    // A level the user chose is kept: `--warn`, or a level in the configuration.
    let (code, out) = check(
        &[TWO_USER_TURNS],
        &["--target", "together", "--warn", "O006"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(" O006 two user messages in a row, which Together rejects"),
        "{out}"
    );
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "tunelint.toml", "[rules]\nO006 = \"info\"\n");
    write(dir.path(), "data.jsonl", &format!("{TWO_USER_TURNS}\n"));
    let out = tunelint(dir.path())
        .args([
            "--format", "full", "--quiet", "--ignore", "B001", "--target", "together",
        ])
        .arg("data.jsonl")
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("note[O006]"), "{stdout}");
    // Off is off, target or not.
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "tunelint.toml", "[rules]\nO006 = \"off\"\n");
    write(dir.path(), "data.jsonl", &format!("{TWO_USER_TURNS}\n"));
    tunelint(dir.path())
        .args([
            "--format",
            "concise",
            "--quiet",
            "--target",
            "together",
            "data.jsonl",
        ])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn a_training_file_below_the_targets_minimum_fails_the_run() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "small.jsonl", &format!("{CHAT}\n{CHAT}\n"));
    let run = |args: &[&str]| {
        let out = tunelint(dir.path())
            .args(["--format", "concise"])
            .args(args)
            .output()
            .expect("run tunelint");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = run(&["--target", "openai", "--ignore", "D", "small.jsonl"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "small.jsonl:1:1: B001 2 examples; OpenAI rejects a training file of fewer than 10"
        ),
        "{out}"
    );
    assert!(
        out.contains("gate failed: file-level errors 1, required 0"),
        "{out}"
    );
    // A level the user chose is kept: the run is told, and passes.
    let (code, out) = run(&[
        "--target",
        "openai",
        "--ignore",
        "D",
        "--warn",
        "B001",
        "small.jsonl",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" B001 2 examples; OpenAI rejects"), "{out}");
    assert!(out.contains("0 errors, 1 warning"), "{out}");
    // Fireworks takes three; a target without a documented minimum, or none, says nothing.
    let (code, out) = run(&["--target", "fireworks", "--ignore", "D", "small.jsonl"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" B001 2 examples; Fireworks rejects a training file of fewer than 3"),
        "{out}"
    );
    for args in [&["--target", "together"][..], &[]] {
        let (code, out) = run(&[args, &["--ignore", "D", "--quiet", "small.jsonl"]].concat());
        assert_eq!((code, out.as_str()), (0, ""), "{args:?}");
    }
    // A validation split is not held to the minimum; its training file is.
    write(
        dir.path(),
        "support_train.jsonl",
        &format!("{CHAT}\n").repeat(10),
    );
    write(
        dir.path(),
        "support_valid.jsonl",
        &format!("{SHAREGPT_2}\n").repeat(2),
    );
    let (code, out) = run(&[
        "--target",
        "openai",
        "--ignore",
        "D,S014",
        "--quiet",
        "support_train.jsonl",
        "support_valid.jsonl",
    ]);
    assert_eq!((code, out.as_str()), (0, ""));
    // Named on its own (a CI run on the changed file), it is still an evaluation file.
    let (code, out) = run(&[
        "--target",
        "openai",
        "--ignore",
        "D,S014",
        "--quiet",
        "support_valid.jsonl",
    ]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn init_writes_a_starter_for_the_target() {
    let dir = TempDir::new().expect("temp dir");
    tunelint(dir.path())
        .args(["init", "--target", "together"])
        .assert()
        .code(0)
        .stdout("wrote tunelint.toml for target together\n");
    let text = fs::read_to_string(dir.path().join("tunelint.toml")).expect("written");
    assert!(text.contains("\ntarget = \"together\"\n"), "{text}");
    assert!(text.contains("docs.together.ai"), "{text}");
    // The written file is in force: a ShareGPT file is not Together's.
    write(dir.path(), "data.jsonl", &format!("{SHAREGPT}\n"));
    tunelint(dir.path())
        .args(["--format", "concise", "--quiet", "data.jsonl"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "S014 this record is in sharegpt format, which trl, axolotl, llama-factory and unsloth read; together accepts",
        ));
    tunelint(dir.path())
        .args(["init", "--target", "mistrall"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"mistral\"?"));
}

#[test]
fn every_targets_starter_loads_with_that_target() {
    for t in target::ALL {
        let text = tunelint::config::starter(Some(t));
        let config = Config::parse(&text, Path::new("tunelint.toml"))
            .unwrap_or_else(|e| panic!("{}: {}", t.name, e.message()));
        let settings = config
            .settings_for(Path::new("data.jsonl"), &CliOverrides::default())
            .expect("settings");
        assert_eq!(settings.target.map(|s| s.name), Some(t.name));
    }
    let plain = tunelint::config::starter(None);
    let config = Config::parse(&plain, Path::new("tunelint.toml")).expect("the plain starter");
    assert_eq!(config.target.0, None);
}

#[test]
fn explain_cites_the_sources() {
    let dir = TempDir::new().expect("temp dir");
    let out = tunelint(dir.path())
        .args(["explain", "S014"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for t in target::ALL {
        assert!(
            text.contains(&format!("| `{}` |", t.name)) && text.contains(t.formats.source),
            "explain S014 lacks {}: {text}",
            t.name
        );
    }
    tunelint(dir.path())
        .args(["explain", "S012"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "| `azure-openai` | 64 | <https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision> |",
        ));
    tunelint(dir.path())
        .args(["explain", "mistral"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## target mistral (Mistral)"))
        .stdout(predicate::str::contains(
            "exactly 9 ASCII letters and digits",
        ))
        .stdout(predicate::str::contains("mistral-common"));
    tunelint(dir.path())
        .args(["explain", "togeter"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"together\"?"));
}

/// A target that trains with a tokenizer tunelint does not have says the token counts are an
/// estimate, once, on standard error; an OpenAI target, a configured tokenizer's absence of
/// token rules, or `--quiet`, say nothing.
#[test]
fn a_target_with_its_own_tokenizer_says_counts_are_an_estimate() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "data.jsonl", &format!("{CHAT}\n{CHAT}\n"));
    let stderr = |args: &[&str]| {
        let out = tunelint(dir.path())
            .args(["--isolated", "--format", "concise"])
            .args(args)
            .arg("data.jsonl")
            .output()
            .expect("run tunelint");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let trl = stderr(&["--target", "trl"]);
    assert_eq!(
        trl.matches("tunelint: note: TRL trains with the model's own tokenizer and chat template: token counts use o200k_base and are an estimate until `[tokens] tokenizer` points at the model's files").count(),
        1,
        "{trl}"
    );
    // Every target's note names a tokenizer (Together's once said "the base model's own:").
    for (target, title) in [
        ("together", "Together"),
        ("fireworks", "Fireworks"),
        ("mistral", "Mistral"),
    ] {
        let note = stderr(&["--target", target]);
        let said = note
            .split_once(&format!("tunelint: note: {title} trains with "))
            .and_then(|(_, rest)| rest.split_once(": token counts use o200k_base"))
            .map(|(what, _)| what.to_owned());
        assert!(
            said.as_deref()
                .is_some_and(|w| w.contains(" own tokenizer")),
            "{target}: {note}"
        );
    }
    let claude = stderr(&["--target", "bedrock-claude"]);
    assert!(
        claude.contains("Claude's tokenizer, which is not published: token counts use o200k_base and are an estimate"),
        "{claude}"
    );
    for args in [
        &["--target", "openai"][..],
        &["--target", "trl", "--select", "C"],
        &["--target", "trl", "--quiet"],
        &[],
    ] {
        let err = stderr(args);
        assert!(!err.contains("estimate"), "{args:?}: {err}");
    }
}

/// A Vertex AI record with `n` images in its user turn.
fn vertex_with_images(n: usize) -> String {
    let mut parts = vec![serde_json::json!({"text": "What do these receipts have in common?"})];
    for i in 0..n {
        parts.push(serde_json::json!({"fileData": {"mimeType": "image/png", "fileUri": format!("gs://receipts/{i}.png")}}));
    }
    serde_json::json!({"contents": [{"role": "user", "parts": parts}, {"role": "model", "parts": [{"text": "They are all from the same shop, on the same day."}]}]}).to_string()
}

/// Vertex AI's limit of 30 images per example holds for its own format, with its target and
/// without one, on the first image past it.
#[test]
fn a_vertex_record_with_more_than_30_images_is_s012() {
    for args in [&["--target", "vertex-gemini"][..], &[]] {
        let (code, out) = check(&[&vertex_with_images(30)], args);
        assert_eq!((code, out.as_str()), (0, ""), "{args:?}");
        let (code, out) = check(&[&vertex_with_images(31)], args);
        assert_eq!(code, 1, "{args:?}: {out}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {out}");
        assert!(
            lines[0].contains(" S012 Vertex AI (Gemini) accepts at most 30 images per example"),
            "{out}"
        );
        // At the 31st image: its `fileData` value.
        let record = vertex_with_images(31);
        let key = "{\"fileData\":";
        let at = record.match_indices(key).nth(30).expect("31 images").0 + key.len();
        assert!(
            lines[0].starts_with(&format!("data.jsonl:1:{}: ", at + 1)),
            "{out}"
        );
    }
}

/// Azure OpenAI's documentation asks for files "encoded in UTF-8 and include a byte-order
/// mark": under that target the mark is no finding; under any other it is J005.
#[test]
fn azure_takes_the_byte_order_mark_it_asks_for() {
    let with_mark = format!("\u{feff}{CHAT}");
    let (code, out) = check(&[&with_mark], &["--target", "azure-openai"]);
    assert_eq!((code, out.as_str()), (0, ""));
    for args in [&["--target", "openai"][..], &[]] {
        let (code, out) = check(&[&with_mark], args);
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(
            out.contains("data.jsonl:1:1: J005 file starts with a UTF-8 byte-order mark"),
            "{args:?}: {out}"
        );
    }
}

/// Unsloth patches every TRL trainer: TRL's standard prompt-completion records (SFT) and
/// unpaired preference records (KTO) are Unsloth's too.
#[test]
fn unsloth_reads_what_the_trl_trainers_it_patches_read() {
    let kto = [
        r#"{"prompt": [{"role": "user", "content": "What color is the sky on a clear day?"}], "completion": [{"role": "assistant", "content": "It is blue on a clear day."}], "label": true}"#,
        r#"{"prompt": [{"role": "user", "content": "What color is the grass in spring?"}], "completion": [{"role": "assistant", "content": "It is purple in spring."}], "label": false}"#,
    ];
    let standard = [
        r#"{"prompt": "The sky on a clear day is", "completion": " blue, because air scatters blue light most."}"#,
    ];
    for lines in [&kto[..], &standard[..]] {
        for target in ["trl", "unsloth"] {
            let (code, out) = check(lines, &["--target", target]);
            assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
        }
    }
}

/// TRL's documentation stores `tools` as `json.dumps([...])`; TRL and axolotl read it back
/// before the chat template: a string holding an array is right for them, one holding
/// anything else is not; without a target it is read as they read it.
#[test]
fn tools_encoded_as_a_json_string_are_read_as_the_chat_template_trainers_read_them() {
    let tools = r#"[{\"type\": \"function\", \"function\": {\"name\": \"control_light\", \"description\": \"Controls the lights in a room.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"room\": {\"type\": \"string\"}}, \"required\": [\"room\"]}}}]"#;
    let line = format!(
        r#"{{"messages": [{{"role": "user", "content": "Turn on the living room lights."}}, {{"role": "assistant", "tool_calls": [{{"type": "function", "function": {{"name": "control_light", "arguments": {{"room": "living room"}}}}}}]}}, {{"role": "tool", "name": "control_light", "content": "The lights in the living room are now on."}}, {{"role": "assistant", "content": "Done! The living room lights are on."}}], "tools": "{tools}"}}"#
    );
    for target in ["trl", "axolotl", "unsloth"] {
        let (code, out) = check(&[&line], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
    }
    let object = line.replace(&format!("\"{tools}\""), r#""{\"type\": \"function\"}""#);
    let (code, out) = check(&[&object], &["--target", "trl"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S010 \"tools\" encodes an object; expected an array of tool definitions"),
        "{out}"
    );
    let (code, out) = check(&[&line], &[]);
    assert_eq!((code, out.as_str()), (0, ""), "without a target");
    let (code, out) = check(&[&line], &["--target", "openai", "--ignore", "B001"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S010 \"tools\" is a string (\"[{\\\"type\\\": \\\"function\\\""),
        "{out}"
    );
}

/// Vertex AI reads its records as protocol buffers in JSON: a field by its lowerCamelCase
/// or its proto name (its function-calling examples write `system_instruction`), a video's
/// segment beside its `fileData`, and `generationConfig` at the top (its video-tuning
/// examples). Two questions about different segments of a video are two examples.
#[test]
fn vertex_records_as_its_documentation_writes_them() {
    let snake = r#"{"system_instruction": {"role": "system", "parts": [{"text": "You answer questions about the weather."}]}, "contents": [{"role": "user", "parts": [{"text": "What is the weather like in Boston today?"}]}, {"role": "model", "parts": [{"text": "It is sunny and 22 degrees in Boston today."}]}]}"#;
    let video = |segment: &str| {
        format!(
            r#"{{"contents": [{{"role": "user", "parts": [{{"file_data": {{"file_uri": "gs://bucket/zoo.mp4", "mime_type": "video/mp4"}}{segment}}}, {{"text": "Which animal appears in this part of the video?"}}]}}, {{"role": "model", "parts": [{{"text": "A dog runs across the field."}}]}}], "generationConfig": {{"mediaResolution": "MEDIA_RESOLUTION_LOW"}}}}"#
        )
    };
    let whole = video("");
    let segment = video(r#", "videoMetadata": {"startOffset": "5s", "endOffset": "25s"}"#);
    let (code, out) = check(&[snake, &whole, &segment], &["--target", "vertex-gemini"]);
    assert_eq!((code, out.as_str()), (0, ""));
    // The system prompt is read under either name: its parts are checked.
    let (code, out) = check(
        &[&snake.replace(
            r#"{"text": "You answer questions about the weather."}"#,
            r#"{"inlineData": {}}"#,
        )],
        &["--target", "vertex-gemini"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S007 \"systemInstruction\" accepts text parts only"),
        "{out}"
    );
    // A part with two contents is still one too many.
    let two = whole.replace(
        r#"{"text": "Which animal"#,
        r#"{"text": "x", "fileData": {"fileUri": "gs://b/a.mp4", "mimeType": "video/mp4"}}, {"text": "Which animal"#,
    );
    let (code, out) = check(&[&two], &["--target", "vertex-gemini"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S007 part is an object with 2 keys"), "{out}");
}

/// OpenAI's and Azure's vision examples send the image as a user message of its own after
/// the question: no O006 for that, where two user turns in a row are only a warning; two
/// user messages of text still are one, and Together still rejects both.
#[test]
fn an_image_sent_as_its_own_message_is_not_two_user_turns() {
    let image = r#"{"messages": [{"role": "system", "content": "You describe photos of products."}, {"role": "user", "content": "What is in this picture?"}, {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://example.com/shoe.jpg"}}]}, {"role": "assistant", "content": "A red running shoe with white laces."}]}"#;
    for args in [
        &["--target", "azure-openai"][..],
        &["--target", "openai"],
        &[],
    ] {
        let (code, out) = check(&[image], args);
        assert_eq!((code, out.as_str()), (0, ""), "{args:?}");
    }
    let text = image.replace(
        r#"[{"type": "image_url", "image_url": {"url": "https://example.com/shoe.jpg"}}]"#,
        r#""It is on my desk.""#,
    );
    let (code, out) = check(&[&text], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" O006 two user messages in a row"), "{out}");
    let (code, out) = check(&[image], &["--target", "together"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" O006 two user messages in a row, which Together rejects"),
        "{out}"
    );
}

/// Fireworks' function-calling example ends on a call with no `id`, answered by no tool
/// message: clean under that target; a result that must name its call is still S011 there,
/// and OpenAI still wants the id.
#[test]
fn fireworks_takes_a_final_tool_call_without_an_id() {
    let example = r#"{"tools": [{"type": "function", "function": {"name": "get_car_specs", "description": "Fetches detailed specifications for a car based on the given trim ID.", "parameters": {"type": "object", "properties": {"trimid": {"type": "integer"}}}}}], "messages": [{"role": "user", "content": "What is the specs of the car with trim 121?"}, {"role": "assistant", "tool_calls": [{"type": "function", "function": {"name": "get_car_specs", "arguments": "{\"trimid\": 121}"}}]}]}"#;
    let (code, out) = check(&[example], &["--target", "fireworks"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[example], &["--target", "openai"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S010 tool call has no \"id\""), "{out}");
    let answered = example.replace(
        r#"}]}]}"#,
        r#"}]}, {"role": "tool", "tool_call_id": "call_1", "content": "{\"hp\": 300}"}, {"role": "assistant", "content": "It has 300 horsepower."}]}"#,
    );
    let (code, out) = check(&[&answered], &["--target", "fireworks"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S011 "), "{out}");
}

/// Records the trainers document, each clean under its target (the shapes of axolotl's
/// dataset-format and RLHF pages, TRL's dataset formats and Harmony section).
#[test]
fn trainers_documented_records_are_clean_under_their_target() {
    let cases: [(&str, &str); 9] = [
        // axolotl DPO / ORPO: prompt, chosen and rejected.
        (
            "axolotl",
            r#"{"chosen": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris is the capital of France."}], "rejected": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Lyon is the capital of France."}]}"#,
        ),
        // axolotl's default role map takes `human` and `gpt` in `messages`.
        (
            "axolotl",
            r#"{"messages": [{"role": "human", "content": "What is the capital of France?"}, {"role": "gpt", "content": "The capital of France is Paris."}]}"#,
        ),
        // Tool parameters as a JSON string, which axolotl decodes.
        (
            "axolotl",
            r#"{"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather", "parameters": "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}"}}], "messages": [{"role": "user", "content": "What is the weather in Paris today?"}, {"role": "assistant", "content": "Let me look that up for you right away."}]}"#,
        ),
        // Audio parts and per-part weights.
        (
            "axolotl",
            r#"{"messages": [{"role": "user", "content": [{"type": "audio", "path": "/data/audio/hello.mp3"}, {"type": "text", "text": "Transcribe this audio clip."}]}, {"role": "assistant", "content": [{"type": "text", "text": "Let me think step by step.", "weight": 0}, {"type": "text", "text": " Hello, how are you doing today?", "weight": 1}]}]}"#,
        ),
        // `field_thinking` defaults to `reasoning_content`.
        (
            "axolotl",
            r#"{"messages": [{"role": "user", "content": "What is two plus two?"}, {"role": "assistant", "reasoning_content": "Two plus two equals four.", "content": "Two plus two equals four."}]}"#,
        ),
        // TRL converts ShareGPT's `from`/`value` turns, keeping the role names: its own
        // example (`maybe_convert_to_chatml`) writes `user` and `assistant`.
        (
            "trl",
            r#"{"conversations": [{"from": "user", "value": "What color is the sky?"}, {"from": "assistant", "value": "It is blue, because of Rayleigh scattering."}]}"#,
        ),
        // TRL's Harmony records: `developer` and `thinking`.
        (
            "trl",
            r#"{"messages": [{"role": "developer", "content": "Use a friendly tone."}, {"role": "user", "content": "What is the meaning of life?"}, {"role": "assistant", "thinking": "Deep reflection on the question.", "content": "The final answer is yours to find."}]}"#,
        ),
        (
            "unsloth",
            r#"{"messages": [{"role": "user", "content": "What is two plus two?"}, {"role": "assistant", "thinking": "Two plus two equals four.", "content": "Two plus two equals four."}]}"#,
        ),
        (
            "trl",
            r#"{"messages": [{"role": "user", "content": [{"type": "video", "path": "clip.mp4"}, {"type": "text", "text": "What happens in this clip?"}]}, {"role": "assistant", "content": [{"type": "text", "text": "A cat jumps onto a windowsill."}]}]}"#,
        ),
    ];
    for (target, line) in cases {
        let (code, out) = check(&[line], &["--target", target, "--select", "S,O"]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}: {line}");
    }
    // Elsewhere the same records are still judged: OpenAI takes no string parameters, and
    // LLaMA-Factory's roles in `messages` are its tags'.
    let (_, out) = check(&[cases[2].1], &["--target", "openai", "--select", "S"]);
    assert!(
        out.contains("S010 function \"parameters\" is a string"),
        "{out}"
    );
    let (_, out) = check(
        &[cases[1].1],
        &["--target", "llama-factory", "--select", "S"],
    );
    assert!(out.contains("S005 unknown role \"human\""), "{out}");
}

/// LLaMA-Factory's converter checks each turn's role against its position and skips the
/// example (a warning in its log) on the first that does not fit: an answer first, or two
/// turns of one role in a row, are errors under its target, warnings without one.
#[test]
fn llama_factory_skips_a_conversation_out_of_position() {
    let gpt_first = r#"{"conversations": [{"from": "gpt", "value": "Hello, how can I help you today?"}, {"from": "human", "value": "How do I rotate my API key?"}, {"from": "gpt", "value": "Open Settings, then API keys, and choose Rotate."}]}"#;
    let two_humans = r#"{"conversations": [{"from": "human", "value": "How do I rotate my API key?"}, {"from": "human", "value": "The staging one, I mean."}, {"from": "gpt", "value": "Open the staging project's Settings, then API keys, and choose Rotate."}]}"#;
    let (code, out) = check(
        &[SHAREGPT, gpt_first, two_humans, SHAREGPT_2],
        &["--target", "llama-factory", "--select", "O"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(":2:29: O006 the conversation opens with an assistant message, which LLaMA-Factory rejects (it skips the example:"),
        "{out}"
    );
    assert!(
        out.contains(":3:88: O006 two user messages in a row, which LLaMA-Factory rejects (it skips the example:"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    // Without the target: two turns in a row are a warning, an answer first is allowed.
    let (code, out) = check(
        &[SHAREGPT, gpt_first, two_humans, SHAREGPT_2],
        &["--select", "O"],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains(":3:88: O006 two user messages in a row; merge"),
        "{out}"
    );
}

/// A record of no known shape is in no format to name: no S014 says it is in OpenAI chat
/// format, and under a target that reads no OpenAI chat, S001 names that target's key. A
/// misspelt key beside a key of the format is still S008's, with the spelling it means.
#[test]
fn a_record_of_no_known_shape_is_told_in_the_targets_words() {
    let record = r#"{"input": "What is the capital of France?", "output": "The capital of France is Paris."}"#;
    for (target, key) in [
        ("vertex-gemini", "\"contents\""),
        ("bedrock-nova", "\"messages\""),
        ("bedrock-claude", "\"messages\""),
        ("openai", "\"messages\""),
    ] {
        let (code, out) = check(&[record], &["--target", target]);
        assert_eq!(code, 1, "{target}: {out}");
        assert!(!out.contains(" S014 "), "{target}: {out}");
        // S001 lists the keys; "unknown key" for each of them would only repeat it.
        assert!(!out.contains(" S008 "), "{target}: {out}");
        assert!(
            out.contains(&format!("S001 record has no {key} key")),
            "{target}: {out}"
        );
    }
    let typo = r#"{"schemaVersion": "bedrock-conversation-2024", "mesages": []}"#;
    let (_, out) = check(&[typo], &["--target", "bedrock-nova"]);
    assert!(
        out.contains(
            r#"S008 unknown key "mesages" in a Bedrock Nova record (did you mean "messages"?)"#
        ),
        "{out}"
    );
}

/// Bedrock Nova: a dataset is text with images or text with videos; a record with both is
/// an error (Amazon, "Preparing data for fine-tuning Understanding models").
#[test]
fn bedrock_nova_takes_images_or_videos_not_both() {
    let media = |kind: &str, format: &str| {
        format!(
            r#"{{"{kind}": {{"format": "{format}", "source": {{"s3Location": {{"uri": "s3://b/x.{format}", "bucketOwner": "111122223333"}}}}}}}}"#
        )
    };
    let record = |blocks: &[String]| {
        format!(
            r#"{{"schemaVersion": "bedrock-conversation-2024", "messages": [{{"role": "user", "content": [{{"text": "Does the photo match the video?"}}, {}]}}, {{"role": "assistant", "content": [{{"text": "Yes, the photo is a frame of the video."}}]}}]}}"#,
            blocks.join(", ")
        )
    };
    let both = record(&[media("image", "png"), media("video", "mp4")]);
    let (code, out) = check(&[&both], &["--target", "bedrock-nova"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("S012 an image and a video in one record; Bedrock Nova takes text with images or text with videos"),
        "{out}"
    );
    let one = record(&[media("image", "png")]);
    let (code, out) = check(&[&one], &["--target", "bedrock-nova", "--ignore", "B001"]);
    assert!(!out.contains("S012"), "{code}: {out}");

    // Across records too: the first record that brings the other kind is the one reported,
    // pointing back at the first record of the kind already there.
    let image = record(&[media("image", "png")]);
    let video = record(&[media("video", "mp4")]);
    let s012 = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.contains(" S012 "))
            .map(|l| l.split(": S012").next().unwrap_or_default().to_owned())
            .collect()
    };
    let column = |line: &str, kind: &str| line.find(&format!("{{\"{kind}\"")).unwrap() + 1;
    let (code, out) = check(
        &[&image, &image, &video, &video],
        &["--target", "bedrock-nova"],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        s012(&out),
        [format!("data.jsonl:3:{}", column(&video, "video"))],
        "{out}"
    );
    assert!(
        out.contains("S012 a video here, in a dataset with images (from line 1): Bedrock Nova takes text with images or text with videos, not both in one dataset"),
        "{out}"
    );
    // The input format named instead of the target.
    let config = TempDir::new().expect("temp dir");
    write(
        config.path(),
        "tunelint.toml",
        "format = \"bedrock-nova\"\n",
    );
    let config = config.path().join("tunelint.toml");
    let config = config.to_str().expect("a UTF-8 path");
    let (_, out) = check(&[&video, &image], &["--config", config]);
    assert!(
        out.contains(&format!(
            "data.jsonl:2:{}: S012 an image here, in a dataset with videos (from line 1)",
            column(&image, "image")
        )),
        "{out}"
    );
    // A record with both is the format's finding, not reported twice.
    let (_, out) = check(&[&image, &both, &video], &["--target", "bedrock-nova"]);
    assert_eq!(
        s012(&out),
        ["data.jsonl:2:".to_owned() + &column(&both, "video").to_string()],
        "{out}"
    );
    // Far apart, in different chunks of the file (read 1 MiB at a time).
    let text = record(&[]).replace(", ]", "]");
    let mut far: Vec<&str> = vec![&image];
    far.extend(std::iter::repeat_n(text.as_str(), 2 << 20 >> 8));
    far.push(&video);
    let (_, out) = check(&far, &["--target", "bedrock-nova", "--select", "S012"]);
    assert_eq!(
        s012(&out),
        [format!(
            "data.jsonl:{}:{}",
            far.len(),
            column(&video, "video")
        )],
        "{out}"
    );
    // One kind only, or no target that reads Nova: nothing.
    let (_, out) = check(&[&video, &video], &["--target", "bedrock-nova"]);
    assert!(s012(&out).is_empty(), "{out}");
    let (_, out) = check(&[&image, &video], &[]);
    assert!(s012(&out).is_empty(), "{out}");
}

/// LLaMA-Factory places human and observation turns at odd positions, gpt and function
/// calls at even ones: a tool result right after a user turn, or a user turn right after a
/// tool result, makes it skip the example (an error under its target, a warning without).
#[test]
fn llama_factory_counts_tool_results_on_the_users_side() {
    let sharegpt = |turns: &[(&str, &str)]| {
        let turns: Vec<serde_json::Value> = turns
            .iter()
            .map(|(from, value)| serde_json::json!({"from": from, "value": value}))
            .collect();
        serde_json::json!({ "conversations": turns }).to_string()
    };
    let observation_after_human = sharegpt(&[
        ("human", "What is the weather in Paris?"),
        ("observation", "{\"temp\": 21}"),
        ("gpt", "It is 21 degrees in Paris right now."),
    ]);
    let human_after_observation = sharegpt(&[
        ("human", "What is the weather in Paris?"),
        (
            "function_call",
            "{\"name\": \"weather\", \"arguments\": {\"city\": \"Paris\"}}",
        ),
        ("observation", "{\"temp\": 21}"),
        ("human", "And in Lyon?"),
        ("gpt", "21 degrees in Paris; I have no reading for Lyon."),
    ]);
    let two_observations = sharegpt(&[
        ("human", "What is the weather in Paris and in Lyon?"),
        (
            "function_call",
            "{\"name\": \"weather\", \"arguments\": {\"city\": \"Paris\"}}",
        ),
        ("observation", "{\"temp\": 21}"),
        ("observation", "{\"temp\": 18}"),
        ("gpt", "21 degrees in Paris and 18 in Lyon."),
    ]);
    for record in [
        &observation_after_human,
        &human_after_observation,
        &two_observations,
    ] {
        let (code, out) = check(&[record.as_str()], &["--target", "llama-factory"]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(" O006 ") && out.contains("which LLaMA-Factory rejects"),
            "{out}"
        );
    }
    // Without a target, the tool result after a user turn is the usual warning.
    let (code, out) = check(&[&observation_after_human], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(" O006 tool message follows a user message"),
        "{out}"
    );
}

/// A tool result right after a plain answer (`human, gpt, observation, gpt`, the call written
/// in the answer's text, as in two records of LLaMA-Factory's own glaive_toolcall_zh_demo):
/// every turn is where LLaMA-Factory's converter wants it, and its template trains the pair as
/// written. Under that target O006 only says so, as an info; without one it is the warning.
#[test]
fn llama_factory_trains_a_tool_result_after_a_plain_answer() {
    let record = serde_json::json!({
        "conversations": [
            {"from": "human", "value": "A jacket costs 80 dollars with 25% off. What do I pay?"},
            {"from": "gpt", "value": "Let me work that out.\ncalculate_discount: {\"price\": 80, \"percent\": 25}"},
            {"from": "observation", "value": "{\"discounted_price\": 60}"},
            {"from": "gpt", "value": "With 25% off, the jacket costs 60 dollars."}
        ],
        "tools": "[{\"name\": \"calculate_discount\", \"description\": \"Price after a discount\", \"parameters\": {\"type\": \"object\", \"properties\": {\"price\": {\"type\": \"number\"}, \"percent\": {\"type\": \"number\"}}, \"required\": [\"price\", \"percent\"]}}]"
    })
    .to_string();
    let column = record.find(r#""observation""#).expect("the observation") + 1;
    let info = "O006 tool message follows an assistant message that calls no tool; \
                LLaMA-Factory trains it as written (a tool result takes the user's side of its \
                alternation), so the model learns a tool result after a plain answer; if the \
                answer holds a call, write it as a function_call turn";
    // Read as ShareGPT, and through a dataset_info.json entry as the demo is.
    let (code, out) = check(&[&record], &["--target", "llama-factory"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.trim_end(), format!("data.jsonl:1:{column}: {info}"));
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "toolcall_demo.json", &format!("[{record}]\n"));
    write(
        dir.path(),
        "dataset_info.json",
        r#"{"toolcall_demo": {"file_name": "toolcall_demo.json", "formatting": "sharegpt", "columns": {"messages": "conversations", "tools": "tools"}}}"#,
    );
    let out = tunelint(dir.path())
        .args([
            "--isolated",
            "--format",
            "concise",
            "--target",
            "llama-factory",
            ".",
        ])
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("toolcall_demo.json:1:{}: {info}", column + 1)),
        "{stdout}"
    );
    assert!(stdout.contains("0 errors, 0 warnings, 1 info"), "{stdout}");
    // Without a target, the tool result that answers no call is the usual warning.
    let (code, out) = check(&[&record], &["--select", "O006"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim_end(),
        format!(
            "data.jsonl:1:{column}: O006 tool message follows an assistant message; a tool \
             result must follow the assistant's tool call"
        )
    );
}

/// Together and Fireworks take images only as base64 data URLs of a few types (Together's
/// upload check; Fireworks' VLM guide); Together also refuses a non-zero `weight` on a
/// message with an image, and a conversation mixing string content with lists of parts.
#[test]
fn together_and_fireworks_take_base64_images_of_their_types() {
    let image = |url: &str| {
        format!(
            r#"{{"messages": [{{"role": "user", "content": [{{"type": "text", "text": "What is this cheese?"}}, {{"type": "image_url", "image_url": {{"url": "{url}"}}}}]}}, {{"role": "assistant", "content": [{{"type": "text", "text": "That cheese is Danbo."}}]}}]}}"#
        )
    };
    let png = "data:image/png;base64,iVBORw0KGgo=";
    let link = image("https://upload.wikimedia.org/wikipedia/commons/3/36/Danbo_Cheese.jpg");
    let gif = image("data:image/gif;base64,R0lGODlhAQABAAAAACw=");
    for target in ["together", "fireworks"] {
        let (code, out) = check(&[&image(png)], &["--target", target]);
        assert_eq!(code, 0, "{target}: {out}");
        let (code, out) = check(&[&link], &["--target", target]);
        assert_eq!(code, 1, "{target}: {out}");
        assert!(
            out.contains("S012 image given as a link;"),
            "{target}: {out}"
        );
        let (code, out) = check(&[&gif], &["--target", target]);
        assert_eq!(code, 1, "{target}: {out}");
        assert!(
            out.contains("S012 image of type \"image/gif\";"),
            "{target}: {out}"
        );
    }
    // Without a target, a link and a GIF are what OpenAI's vision data holds.
    let (code, out) = check(&[&link, &gif], &[]);
    assert_eq!(code, 0, "{out}");

    let weighted =
        image(png).replacen(r#""role": "user", "#, r#""role": "user", "weight": 1, "#, 1);
    let (code, out) = check(&[&weighted], &["--target", "together"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "S009 a message with an image has a non-zero \"weight\", which Together rejects"
        ),
        "{out}"
    );
    let mixed = image(png).replacen(
        r#"[{"type": "text", "text": "That cheese is Danbo."}]"#,
        r#""That cheese is Danbo.""#,
        1,
    );
    let (code, out) = check(&[&mixed], &["--target", "together"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("S007 this message's content is a string, where an earlier message's is a list of parts; Together"), "{out}");
    let (code, out) = check(&[&mixed], &["--target", "fireworks"]);
    assert_eq!(code, 0, "{out}");
}

/// Together's upload check refuses a record with a top-level key its format does not read
/// ("Found extra column"; a `text` beside `messages` is two formats): S008 is an error there,
/// a warning elsewhere, and a level the user chose is kept.
#[test]
fn together_refuses_a_key_its_formats_do_not_read() {
    let chat = r#"{"id": "ex-001", "messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "The capital of France is Paris."}]}"#;
    let both = r#"{"text": "Paris is the capital of France.", "messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "The capital of France is Paris."}]}"#;
    let instruction = r#"{"prompt": "What is the capital of France?", "completion": "Paris.", "source": "atlas"}"#;
    for (line, key) in [(chat, "id"), (both, "text"), (instruction, "source")] {
        let (code, out) = check(&[line], &["--target", "together"]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!("S008 unknown key \"{key}\" in "))
                && out.contains("; Together rejects a record with a key it does not read"),
            "{out}"
        );
        let (code, out) = check(&[line], &["--target", "together", "--warn", "S008"]);
        assert_eq!(code, 0, "{out}");
    }
    for target in ["openai", "fireworks"] {
        let (code, out) = check(&[chat], &["--target", target]);
        assert_eq!(code, 0, "{target}: {out}");
        assert!(out.contains("S008 unknown key \"id\""), "{target}: {out}");
    }
    // A key in a message is not a column: Together reads the messages itself.
    let weighted = r#"{"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "The capital of France is Paris.", "wieght": 1}]}"#;
    let (code, out) = check(&[weighted], &["--target", "together"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("S008 unknown key \"wieght\""), "{out}");
}

/// Together's upload check takes `messages` and `tools` at the top of a chat record and no
/// other column (together-py's `JSONL_REQUIRED_COLUMNS_MAP`, `JSONL_EXTRA_COLUMNS_MAP`), and
/// its function-calling guide writes calls as `tool_calls`: OpenAI's `parallel_tool_calls` and
/// deprecated `functions` are refused as any other extra column, and Azure's `function_call`
/// record is told what Together reads instead. Its own documented record stays clean, and
/// OpenAI still takes all three.
#[test]
fn together_reads_no_openai_only_tool_keys() {
    const TOGETHER_TOOLS: &str = r#"{"messages": [{"role": "system", "content": "You are a helpful travel planning assistant."}, {"role": "user", "content": "What is the current temperature in San Francisco?"}, {"role": "assistant", "tool_calls": [{"id": "call_abc123", "type": "function", "function": {"name": "getCurrentWeather", "arguments": "{\"location\": \"San Francisco\"}"}}]}, {"role": "tool", "tool_call_id": "call_abc123", "content": "{\"temperature\": 18}"}, {"role": "assistant", "content": "It is 18 degrees in San Francisco right now."}], "tools": [{"type": "function", "function": {"name": "getCurrentWeather", "description": "Get the current weather in a location", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}]}"#;
    let (code, out) = check(&[TOGETHER_TOOLS], &["--target", "together"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let parallel = TOGETHER_TOOLS.replacen(
        r#"{"messages""#,
        r#"{"parallel_tool_calls": false, "messages""#,
        1,
    );
    let (code, out) = check(&[&parallel], &["--target", "together"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim_end(),
        "data.jsonl:1:2: S008 unknown key \"parallel_tool_calls\" in the top level of a chat \
         record; OpenAI reads it, Together does not; Together rejects a record with a key it \
         does not read"
    );
    // Azure's documented function-calling record: the definitions under `functions`, the call
    // under `function_call`, which Together does not read (the assistant turn is then empty).
    const AZURE: &str = r#"{"messages": [{"role": "user", "content": "What is the weather in San Francisco?"}, {"role": "assistant", "function_call": {"name": "get_current_weather", "arguments": "{\"location\": \"San Francisco, USA\", \"format\": \"celsius\"}"}}], "functions": [{"name": "get_current_weather", "description": "Get the current weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}, "format": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location", "format"]}}]}"#;
    let (code, out) = check(&[AZURE], &["--target", "together", "--select", "S008"]);
    assert_eq!(code, 1, "{out}");
    let column = |key: &str| AZURE.find(&format!("\"{key}\":")).expect("the key") + 1;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "data.jsonl:1:{}: S008 unknown key \"function_call\" in an assistant message; Together reads tool calls from \"tool_calls\"",
                column("function_call")
            ),
            format!(
                "data.jsonl:1:{}: S008 unknown key \"functions\" in the top level of a chat record; Together reads tool definitions from \"tools\"; Together rejects a record with a key it does not read",
                column("functions")
            ),
        ],
        "{out}"
    );
    for line in [parallel.as_str(), AZURE] {
        let (code, out) = check(&[line], &["--target", "openai"]);
        assert_eq!((code, out.as_str()), (0, ""), "{line}");
    }
}

/// Bedrock (Claude): "No extraneous keys are allowed" beside `system` and `messages`; read as
/// Bedrock's format without a target, the key is a warning.
#[test]
fn bedrock_claude_refuses_a_key_beside_system_and_messages() {
    let line = r#"{"system": "You answer briefly.", "messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "The capital of France is Paris."}], "id": "ex-001"}"#;
    let (code, out) = check(&[line], &["--target", "bedrock-claude"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("S008 unknown key \"id\" in a Bedrock Claude record")
            && out
                .contains("; Amazon Bedrock (Claude) rejects a record with a key it does not read"),
        "{out}"
    );
    let (code, out) = check(&[line], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("S008 unknown key \"id\""), "{out}");
}

/// axolotl's `chatml.*`/`llama3.*` preference types: DPO and KTO `prompt_pairs` put an optional
/// `system` string before the prompt, and its KTO types `argilla` (`instruction`), `intel`
/// (`question`) and `argilla_chat` (the conversation in `completion`, argilla/kto-mix-15k)
/// have their own columns. Clean under axolotl and without a target, with the system string
/// read as a system turn; under TRL, which reads none of it, the `system` column is an unknown
/// key and the KTO types are a format TRL does not read.
#[test]
fn axolotls_preference_types_with_a_system_string() {
    const DPO: &str = r#"{"system": "You answer in one sentence.", "prompt": "Which planet is the smallest?", "chosen": "Mercury is the smallest planet.", "rejected": "Mars is the smallest planet."}"#;
    const KTO: &str = r#"{"system": "You answer in one sentence.", "prompt": "Which planet is the largest?", "completion": "Jupiter is the largest planet.", "label": true}"#;
    const INTEL: &str = r#"{"system": "You answer in one sentence.", "question": "Which planet is the hottest?", "completion": "Venus is the hottest planet.", "label": true}"#;
    const CHAT: &str = r#"{"prompt": "Which planet has rings?", "completion": [{"role": "user", "content": "Which planet has rings?"}, {"role": "assistant", "content": "Saturn has the best known rings."}], "label": false, "rating": 2.0, "dataset": "argilla/dpo-mix-7k"}"#;
    for args in [&[][..], &["--target", "axolotl"]] {
        for line in [DPO, KTO, INTEL, CHAT] {
            let (code, out) = check(&[line], args);
            assert_eq!((code, out.as_str()), (0, ""), "{args:?} {line}");
        }
    }
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "dpo.jsonl", &format!("{DPO}\n"));
    write(dir.path(), "kto.jsonl", &format!("{KTO}\n"));
    tunelint(dir.path())
        .args([
            "stats",
            "--no-tokens",
            "--target",
            "axolotl",
            "--ignore",
            "B001",
        ])
        .args(["dpo.jsonl", "kto.jsonl"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "system, user, assistant         2",
        ))
        .stdout(predicate::str::contains("\"You answer in one sentence.\""));

    let (code, out) = check(&[DPO], &["--target", "trl"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim(),
        "data.jsonl:1:2: S008 unknown key \"system\" in a preference record"
    );
    for line in [INTEL, CHAT] {
        let (code, out) = check(&[line], &["--target", "trl"]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(" S014 this record is in axolotl-preference format, which axolotl reads;"),
            "{out}"
        );
    }
}

/// Fireworks' DPO guide: "We currently only support one-turn conversations for each example".
/// A longer `input` is an S002 warning there (the same page lists the assistant role for the
/// input, so not an error); OpenAI's preference format, and no target, take it.
#[test]
fn fireworks_preference_examples_are_one_turn() {
    let two = r#"{"input": {"messages": [{"role": "system", "content": "You are a geography tutor."}, {"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris is the capital of France."}, {"role": "user", "content": "And of Spain?"}]}, "preferred_output": [{"role": "assistant", "content": "Madrid is the capital of Spain."}], "non_preferred_output": [{"role": "assistant", "content": "Barcelona is the capital of Spain."}]}"#;
    let (code, out) = check(&[two], &["--target", "fireworks"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim(),
        "data.jsonl:1:24: S002 \"input\".\"messages\" has 3 messages besides system ones; \
         Fireworks supports one-turn preference examples only (one user message, then the two \
         outputs)"
    );
    for args in [&["--target", "openai"][..], &[]] {
        let (code, out) = check(&[two], args);
        assert_eq!((code, out.as_str()), (0, ""), "{args:?}");
    }
}

/// The Nova SDK's validator rejects a `toolUse` calling a tool its `toolConfig` does not
/// define: S010 on the name, naming the tools it does define. A call to a defined tool, or a
/// record without `toolConfig`, is not reported.
#[test]
fn a_nova_tool_call_must_name_a_tool_of_its_tool_config() {
    let record = |called: &str, config: bool| {
        let mut r = serde_json::json!({
            "schemaVersion": "bedrock-conversation-2024",
            "messages": [
                {"role": "user", "content": [{"text": "What is the weather in Paris?"}]},
                {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": called, "input": {"city": "Paris"}}}]},
                {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "18 degrees"}]}}]},
                {"role": "assistant", "content": [{"text": "It is 18 degrees in Paris."}]}
            ]
        });
        if config {
            r["toolConfig"] = serde_json::json!({"tools": [{"toolSpec": {"name": "get_weather", "description": "Weather by city", "inputSchema": {"json": {"type": "object"}}}}]});
        }
        r.to_string()
    };
    let args = ["--target", "bedrock-nova", "--select", "S"];
    let (code, out) = check(&[&record("get_forecast", true)], &args);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            " S010 toolUse calls \"get_forecast\", which \"toolConfig\" does not define (it defines \"get_weather\"); Bedrock Nova rejects a call to a tool not in \"toolConfig\".\"tools\""
        ),
        "{out}"
    );
    for (called, config) in [("get_weather", true), ("get_forecast", false)] {
        let (code, out) = check(&[&record(called, config)], &args);
        assert_eq!((code, out.contains("S010")), (0, false), "{called}: {out}");
    }
}

/// A preference `input` that ends on the assistant's turn: together-python's `check_file`
/// fails it ("The last message in the input conversation must not be from the assistant"),
/// and O006 says that, not "two assistant messages in a row, merge them". A second preferred
/// message is S002 alone, not S002 and O006 for the same defect.
#[test]
fn a_preference_input_ending_on_the_assistant_is_named_as_such() {
    let ends = r#"{"input": {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Let me check that for you."}]}, "preferred_output": [{"role": "assistant", "content": "Use the Forgot password link on the sign-in page."}], "non_preferred_output": [{"role": "assistant", "content": "Call support."}]}"#;
    let two = r#"{"input": {"messages": [{"role": "user", "content": "How do I export my data?"}]}, "preferred_output": [{"role": "assistant", "content": "Open Settings, Privacy, and choose Export."}, {"role": "assistant", "content": "Anything else?"}], "non_preferred_output": [{"role": "assistant", "content": "You cannot."}]}"#;
    let (code, out) = check(&[ends, two], &["--target", "together", "--select", "S,O"]);
    assert_eq!(code, 1, "{out}");
    let found: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("data.jsonl:"))
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        found,
        ["data.jsonl:1:94: O006", "data.jsonl:2:104: S002"],
        "{out}"
    );
    assert!(
        out.contains(
            "O006 \"input\" ends on an assistant message, so the two outputs follow an answer, \
             which Together rejects (the input's last message must not be the assistant's); end \
             the input on the user's turn that the outputs answer"
        ),
        "{out}"
    );
    assert!(!out.contains("in a row"), "{out}");
    // A user message as the preferred output is S005 alone: no "no assistant message", no
    // "two user messages in a row" on top of it.
    let user = r#"{"input": {"messages": [{"role": "user", "content": "How do I export my data?"}]}, "preferred_output": [{"role": "user", "content": "Open Settings, Privacy, and choose Export."}], "non_preferred_output": [{"role": "assistant", "content": "You cannot do that."}]}"#;
    let (code, out) = check(&[user], &["--select", "S,O"]);
    assert_eq!(code, 1, "{out}");
    let found: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("data.jsonl:"))
        .collect();
    assert_eq!(
        found,
        [
            "data.jsonl:1:114: S005 \"preferred_output\" holds a user message; expected an assistant message"
        ],
        "{out}"
    );
}

/// Together's vision "Instruction format" (https://docs.together.ai/docs/fine-tuning/vision):
/// `prompt` and `completion` as lists of text and image parts, which together-python's
/// `check_file` reads as a message's content. Valid under `together` and without a target;
/// a malformed part is named; TRL, which takes strings or messages, gets one S007 per field.
#[test]
fn together_instruction_records_with_image_parts() {
    let record = r#"{"prompt": [{"type": "text", "text": "How many oranges are in the bowl?"}, {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2Q=="}}], "completion": [{"type": "text", "text": "There are at least 7 oranges in this bowl."}]}"#;
    for args in [&["--target", "together"][..], &[]] {
        let (code, out) = check(&[record], args);
        assert_eq!((code, out.as_str()), (0, ""), "{args:?}");
    }
    let linked = r#"{"prompt": [{"type": "text", "text": "How many oranges are in the bowl?"}, {"type": "image_url", "image_url": {"url": "https://example.com/bowl.png"}}], "completion": [{"type": "txt", "text": "There are at least 7 oranges in this bowl."}]}"#;
    let (code, out) = check(&[linked], &["--target", "together"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S012 image given as a link; Together takes images only as base64"),
        "{out}"
    );
    assert!(
        out.contains(" S007 unknown content part type \"txt\"; expected \"text\" or \"image_url\""),
        "{out}"
    );
    assert!(!out.contains("S004") && !out.contains("S014"), "{out}");
    let (code, out) = check(&[record], &["--target", "trl"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "data.jsonl:1:12: S007 \"prompt\" is a list of content parts, Together's instruction \
             format for images; TRL takes a string or a list of messages"
        ),
        "{out}"
    );
}

/// Amazon Nova's reserved words ("User:, Bot:, Assistant:, System:, <image>, <video>, and
/// [EOS] are reserved keywords ... your training job will fail", and the Nova SDK's
/// `check_forbidden_keywords`, any case, every text): C010 as an error naming the word, the
/// place and Nova, under `bedrock-nova` and for a Nova record without a target.
#[test]
fn nova_reserved_words_fail_the_job() {
    let user = r#"{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "Summarise this chat log. User: my order is late. bot: sorry about that."}]}, {"role": "assistant", "content": [{"text": "The customer reported a late order and the agent apologised."}]}]}"#;
    let system = r#"{"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "You are Acme's helper. End every answer with [EOS]."}], "messages": [{"role": "user", "content": [{"text": "How do I merge two workspaces?"}]}, {"role": "assistant", "content": [{"text": "Open Settings, Workspaces, and choose Merge."}]}]}"#;
    for args in [&["--target", "bedrock-nova"][..], &[]] {
        let (code, out) = check(&[user, system], args);
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(
            out.contains(
                "data.jsonl:1:125: C010 reserved words \"User:\" and \"Bot:\" in user content; \
                 Amazon Bedrock (Nova)'s training job fails on text holding them (reserved: \
                 \"User:\", \"Bot:\", \"Assistant:\", \"System:\", \"<image>\", \"<video>\" and \
                 \"[EOS]\")"
            ),
            "{args:?}: {out}"
        );
        assert!(
            out.contains("data.jsonl:2:114: C010 reserved word \"[EOS]\" in system content; Amazon Bedrock (Nova)'s training job fails"),
            "{args:?}: {out}"
        );
        assert_eq!(out.lines().count(), 2, "{args:?}: {out}");
    }
}

/// The Nova SDK's validator fails a message with more than 10 images (`MAX_NUM_IMAGES`):
/// S012 at the eleventh, under `bedrock-nova` and without a target (only Nova reads the
/// format); ten pass.
#[test]
fn nova_takes_at_most_ten_images_in_a_message() {
    let record = |n: usize| {
        let image = r#"{"image": {"format": "png", "source": {"s3Location": {"uri": "s3://amzn-s3-demo-bucket/images/cat.png"}}}}"#;
        format!(
            r#"{{"schemaVersion": "bedrock-conversation-2024", "messages": [{{"role": "user", "content": [{}, {{"text": "Which of these pictures shows a cat asleep?"}}]}}, {{"role": "assistant", "content": [{{"text": "The third one shows a cat asleep on a windowsill."}}]}}]}}"#,
            vec![image; n].join(", ")
        )
    };
    for args in [&["--target", "bedrock-nova"][..], &[]] {
        let (code, out) = check(&[&record(10)], args);
        assert_eq!((code, out.as_str()), (0, ""), "{args:?}");
        let (code, out) = check(&[&record(11)], args);
        assert_eq!(code, 1, "{args:?}: {out}");
        assert_eq!(out.lines().count(), 1, "{args:?}: {out}");
        assert!(
            out.contains(
                " S012 image 11 of one message; Bedrock Nova accepts at most 10 images in a message"
            ),
            "{args:?}: {out}"
        );
    }
}

/// AWS's validator for Claude 3 Haiku fine-tuning data (amazon-bedrock-workshop,
/// DataValidation/data_validation.py): `RESERVED_KEYWORDS = ["\nHuman:", "\nAssistant:"]` in
/// the system prompt or any message, `MAX_TOKENS = 32000` per record, and 32 to 10,000
/// training records. Under `bedrock-claude`: C010 errors, T001 at 32,000, B001.
#[test]
fn bedrock_claude_limits_of_aws_validator() {
    let human = r#"{"system": "You are a support assistant for Acme.", "messages": [{"role": "user", "content": "Classify this transcript:\nHuman: my parcel never arrived\nAgent: I am sorry to hear that"}, {"role": "assistant", "content": "Category: missing delivery."}]}"#;
    let (code, out) = check(&[human], &["--target", "bedrock-claude"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim(),
        "data.jsonl:1:122: C010 reserved word \"\\nHuman:\" in user content; Amazon Bedrock \
         (Claude)'s training job fails on text holding it (reserved: \"\\nHuman:\" and \
         \"\\nAssistant:\")"
    );
    let long = format!(
        r#"{{"system": "You are a support assistant for Acme.", "messages": [{{"role": "user", "content": "Summarise this log: {}"}}, {{"role": "assistant", "content": "All events succeeded."}}]}}"#,
        (0..12_000)
            .map(|i| format!("event{i} ok"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (_, out) = check(
        &[&long],
        &["--target", "bedrock-claude", "--select", "T001"],
    );
    assert!(
        out.contains("over the limit of 32,000 (Amazon Bedrock's limit for Claude 3 Haiku)"),
        "{out}"
    );
    // The token statistics name the same limit.
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "data.jsonl", &format!("{long}\n"));
    let out = tunelint(dir.path())
        .args(["stats", "--target", "bedrock-claude", "data.jsonl"])
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "limit 32,000 (Amazon Bedrock's limit for Claude 3 Haiku): 1 example over it"
        ),
        "{stdout}"
    );
    let dir = TempDir::new().expect("temp dir");
    let few: Vec<String> = (0..12)
        .map(|i| {
            format!(
                r#"{{"messages": [{{"role": "user", "content": "Question {i}: how do I reset my password?"}}, {{"role": "assistant", "content": "Use the Forgot password link on the sign-in page."}}]}}"#
            )
        })
        .collect();
    write(dir.path(), "data.jsonl", &(few.join("\n") + "\n"));
    let out = tunelint(dir.path())
        .args([
            "--format",
            "concise",
            "--quiet",
            "--select",
            "B001",
            "--target",
            "bedrock-claude",
            "data.jsonl",
        ])
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout.trim(),
        "data.jsonl:1:1: B001 12 examples; Amazon Bedrock (Claude) rejects a training file of fewer than 32"
    );
}

/// Fireworks' cookbook RL rows (eval-protocol `EvaluationRow.model_dump_json()`) write
/// `"tools": null` for a prompt without tools, as `datasets`' `to_json()` writes an unused
/// column: a null optional key is an absent one, for chat and RFT records under any target;
/// a `tools` of the wrong type is still S010.
#[test]
fn a_null_tools_key_is_an_absent_one() {
    let rft = r#"{"messages": [{"role": "system", "content": "You are a helpful SQL assistant."}, {"role": "user", "content": "When did 'chl' cast its first vote in a post?"}], "tools": null, "ground_truth": "2010-07-19"}"#;
    let chat = r#"{"messages": [{"role": "user", "content": "How do I rotate my API key?"}, {"role": "assistant", "content": "Open Settings, then API keys, and choose Rotate."}], "tools": null, "parallel_tool_calls": null}"#;
    for line in [rft, chat] {
        for args in [&["--target", "fireworks"][..], &["--target", "openai"], &[]] {
            let (code, out) = check(&[line], args);
            assert_eq!((code, out.as_str()), (0, ""), "{args:?} {line}");
        }
    }
    let (code, out) = check(&[&chat.replace("\"tools\": null", "\"tools\": 3")], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(" S010 \"tools\" is a number"), "{out}");
}

/// The Nova SDK's RFT validator takes the roles system, user and assistant ("Invalid role,
/// must be one of ['system', 'user', 'assistant']"): a `developer` message in an RFT prompt
/// is an S005 error under `bedrock-nova`, while OpenAI's RFT takes it.
#[test]
fn nova_rft_prompts_take_no_developer_message() {
    let line = r#"{"messages": [{"role": "developer", "content": "Answer with the number only."}, {"role": "user", "content": "What is 17 times 23?"}], "reference_answer": "391"}"#;
    let (code, out) = check(&[line], &["--target", "bedrock-nova"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim(),
        "data.jsonl:1:24: S005 role \"developer\" is not accepted in Amazon Bedrock (Nova)'s \
         reinforcement fine-tuning prompts, which take \"system\", \"user\" and \"assistant\""
    );
    let system = line.replace("developer", "system");
    let (code, out) = check(&[&system], &["--target", "bedrock-nova"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(&[line], &["--target", "openai"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

/// Azure's reinforcement fine-tuning of o4-mini takes no system message and no images
/// ("System messages aren't supported", "Images / multimodal data aren't supported"): each is
/// an error under `azure-openai`, and `explain` says so; OpenAI's RFT takes both.
#[test]
fn azure_rft_data_takes_no_system_message_and_no_images() {
    let system = r#"{"messages": [{"role": "system", "content": "Answer with the number only."}, {"role": "user", "content": "What is 17 times 23?"}], "reference_answer": "391"}"#;
    let (code, out) = check(&[system], &["--target", "azure-openai"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out.trim(),
        "data.jsonl:1:24: S005 role \"system\" is not accepted in Azure OpenAI's reinforcement \
         fine-tuning prompts, which take \"developer\", \"user\", \"assistant\", \"tool\" and \
         \"function\""
    );
    let image = r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "How many apples are in this picture?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}], "reference_answer": "3"}"#;
    let (code, out) = check(&[image], &["--target", "azure-openai"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(" S012 Azure OpenAI accepts no images in reinforcement fine-tuning data"),
        "{out}"
    );
    let developer = system.replace("system", "developer");
    for (line, target) in [
        (developer.as_str(), "azure-openai"),
        (system, "openai"),
        (image, "openai"),
    ] {
        let (code, out) = check(&[line], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}: {line}");
    }
    let dir = TempDir::new().expect("temp dir");
    tunelint(dir.path())
        .args(["explain", "azure-openai"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "- **roles of reinforcement fine-tuning prompts (S005)**: developer, user, assistant, tool and function",
        ))
        .stdout(predicate::str::contains(
            "Images / multimodal data aren't supported",
        ))
        .stdout(predicate::str::contains(
            "reinforcement-fine-tuning",
        ));
}

/// AWS's Nova dataset validator takes 8 to 20,000 samples in a training file: fewer is a
/// B001 error under `bedrock-nova`, and `explain` states the bounds with the validator.
#[test]
fn bedrock_nova_takes_8_to_20000_examples() {
    let record = |i: usize| {
        format!(
            r#"{{"schemaVersion": "bedrock-conversation-2024", "messages": [{{"role": "user", "content": [{{"text": "Question {i}: how do I reset my password?"}}]}}, {{"role": "assistant", "content": [{{"text": "Use the Forgot password link on the sign-in page."}}]}}]}}"#
        )
    };
    let rft = |i: usize| {
        format!(
            r#"{{"messages": [{{"role": "user", "content": "Solve: 2x + {i} = 13"}}], "reference_answer": {{"solution": "x = {}"}}}}"#,
            13 - i as i64
        )
    };
    let run_of = |n: usize, make: &dyn Fn(usize) -> String| {
        let dir = TempDir::new().expect("temp dir");
        let lines: Vec<String> = (0..n).map(make).collect();
        write(dir.path(), "data.jsonl", &(lines.join("\n") + "\n"));
        let out = tunelint(dir.path())
            .args(["--format", "concise", "--quiet", "--select", "B001"])
            .args(["--target", "bedrock-nova", "data.jsonl"])
            .output()
            .expect("run tunelint");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
    };
    let run = |n: usize| run_of(n, &record);
    assert_eq!(
        run(3),
        (
            Some(1),
            "data.jsonl:1:1: B001 3 examples; Amazon Bedrock (Nova) rejects a training file of fewer than 8"
                .to_owned()
        )
    );
    assert_eq!(run(8), (Some(0), String::new()));
    let over = run(20_001);
    assert_eq!(over.0, Some(1), "{}", over.1);
    assert!(
        over.1.ends_with("B001 20,001 examples; Amazon Bedrock (Nova) takes at most 20,000 in one dataset (split the file)"),
        "{}",
        over.1
    );
    // Reinforcement fine-tuning prompts are not held to the supervised maximum (Bedrock asks
    // at least 100 of them and states no most); fewer than the minimum is still refused.
    assert_eq!(run_of(20_001, &rft), (Some(0), String::new()));
    assert_eq!(run_of(3, &rft).0, Some(1));
    let dir = TempDir::new().expect("temp dir");
    tunelint(dir.path())
        .args(["explain", "bedrock-nova"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "- **examples per training file (B001)**: 8 to 20,000",
        ))
        .stdout(predicate::str::contains("nova_ft_dataset_validator.py"));
}

/// Together's data-preparation page: "The conversation must start with system or user and
/// alternate user and assistant afterwards". Whether an assistant may answer the system
/// prompt first it leaves open, and its client checks only alternation: such a record (OpenAI's
/// cookbook has one) is no error under `together`, and `explain` quotes the page rather than
/// claiming the user need not speak first.
#[test]
fn together_states_its_first_turn_rule_without_refusing_a_system_then_assistant_record() {
    let line = r#"{"messages": [{"role": "system", "content": "You are a friendly support bot."}, {"role": "assistant", "content": "Hello! I am the support bot, how can I help you?"}, {"role": "user", "content": "My order never arrived, what should I do?"}, {"role": "assistant", "content": "I am sorry to hear that. Please share the order number so I can check."}]}"#;
    let (code, out) = check(&[line], &["--target", "together", "--select", "O"]);
    assert!(!out.contains(" error") && code == 0, "{code} {out}");
    let (code, out) = check(&[CHAT], &["--target", "together"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let dir = TempDir::new().expect("temp dir");
    let out = tunelint(dir.path())
        .args(["explain", "together"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("does not require the user to speak first"),
        "{text}"
    );
    assert!(
        text.contains("(\"the conversation must start with system or user\"; its upload check tests the alternation only)"),
        "{text}"
    );
}

/// Vertex AI documents 131,072 training tokens per example for the Gemini 2.5 models: an
/// 80,000-token example is no T001 under `vertex-gemini`, one of 140,000 is, as a warning
/// naming Vertex's limit without claiming truncation; `explain` states the limits per model.
#[test]
fn vertex_gemini_token_limit_is_vertex_ais() {
    let record = |words: usize| {
        format!(
            r#"{{"contents": [{{"role": "user", "parts": [{{"text": "Summarize this log: {}"}}]}}, {{"role": "model", "parts": [{{"text": "The log repeats four Greek letters many times."}}]}}]}}"#,
            "alpha beta gamma delta ".repeat(words / 4)
        )
    };
    let (code, out) = check(
        &[&record(80_000)],
        &["--target", "vertex-gemini", "--select", "T001"],
    );
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out) = check(
        &[&record(140_000)],
        &["--target", "vertex-gemini", "--select", "T001"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(" T001 example has ")
            && out.contains(
                "over the limit of 131,072 (Vertex AI's limit for Gemini 2.5 models; other models' may differ)"
            )
            && !out.contains("truncate"),
        "{out}"
    );
    let dir = TempDir::new().expect("temp dir");
    tunelint(dir.path())
        .args(["explain", "vertex-gemini"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "- **tokens per example (T001)**: at most 131,072",
        ))
        .stdout(predicate::str::contains(
            "1M text-only or 300K multimodal examples",
        ));
}

/// AWS's Claude validator reports a record over 32,000 tokens as an error ("Exceeds maximum
/// token count"): T001 is an error under `bedrock-claude` saying the job refuses it, not that
/// training truncates it; with `max_per_example` configured it is the usual warning.
#[test]
fn bedrock_claude_refuses_a_record_over_its_token_limit() {
    let long = format!(
        r#"{{"system": "You answer in JSON.", "messages": [{{"role": "user", "content": "Summarise."}}, {{"role": "assistant", "content": "{}"}}]}}"#,
        "word ".repeat(40_000)
    );
    let (code, out) = check(
        &[&long],
        &["--target", "bedrock-claude", "--select", "T001"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "over the limit of 32,000 (Amazon Bedrock's limit for Claude 3 Haiku), which Amazon \
             Bedrock (Claude) refuses: the training job rejects the file"
        ) && !out.contains("truncate"),
        "{out}"
    );
    let dir = TempDir::new().expect("temp dir");
    tunelint(dir.path())
        .args(["explain", "bedrock-claude"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "a longer example is refused (T001 is an error)",
        ));
}

/// An OpenAI tool-calling file (valid for openai, together and fireworks) under
/// `--target bedrock-claude` is one S014 per record naming both sides, as an OpenAI preference
/// file is, not a finding for every key and role Bedrock does not read. A Bedrock record
/// without its optional system string is still read as Bedrock's.
#[test]
fn an_openai_tool_calling_file_for_bedrock_claude_is_s014() {
    let tools = with_tool_call("call_abc123");
    let (code, out) = check(
        &[&tools, &tools.replace("A-1042", "A-1043")],
        &["--target", "bedrock-claude", "--ignore", "C,D,P,T"],
    );
    assert_eq!(code, 1, "{out}");
    let expected = "S014 this record is in openai-chat format, which openai, azure-openai, \
                    together, fireworks";
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines()
            .all(|l| l.contains(expected) && l.ends_with("bedrock-claude accepts bedrock-claude")),
        "{out}"
    );
    let (code, out) = check(&[CHAT], &["--target", "bedrock-claude"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

/// together-python's `check_file` passes a conversation that ends on a user turn (it asks
/// only for an assistant message somewhere): O002 is a warning under `together`, still an
/// error without a target.
#[test]
fn together_takes_a_conversation_ending_on_a_user_turn() {
    let line = r#"{"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Use the Forgot password link on the sign-in page."}, {"role": "user", "content": "Thanks, that worked for me."}]}"#;
    let (code, out) = check(&[line], &["--target", "together", "--select", "O"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim(),
        "data.jsonl:1:239: O002 conversation ends with a user message; Together accepts it, but \
         nothing after the last assistant message is trained on"
    );
    let (code, out) = check(&[line], &["--select", "O"]);
    assert_eq!(code, 1, "{out}");
}

/// A `content` that is a string in one record and a list of parts in the next (S013) is an
/// error under Unsloth, whose `datasets<4.4.0` cannot load the file, and nothing under TRL,
/// whose `datasets>=4.7.0` loads it as `Json`; `explain` names each requirement and the
/// pyproject.toml it comes from.
#[test]
fn s013_follows_each_trainers_datasets_requirement() {
    let parts = r#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "Can I pay by bank transfer?"}]}, {"role": "assistant", "content": "Yes. Choose Bank transfer under Billing, Payment methods."}]}"#;
    let (code, out) = check(&[CHAT, parts], &["--target", "unsloth"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "S013 `messages[].content` is an array here and a string at line 1: \
             datasets.load_dataset(\"json\") before 4.7 cannot load the file (Unsloth requires \
             datasets>=3.4.1,!=4.0.*,!=4.1.0,<4.4.0)"
        ),
        "{out}"
    );
    for target in ["trl", "axolotl"] {
        let (code, out) = check(&[CHAT, parts], &["--target", target]);
        assert_eq!((code, out.as_str()), (0, ""), "--target {target}");
    }
    let dir = TempDir::new().expect("temp dir");
    let explain = |name: &str| {
        let out = tunelint(dir.path())
            .args(["explain", name])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .skip_while(|l| !l.starts_with("- **loader (S013)**"))
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let unsloth = explain("unsloth");
    assert!(
        unsloth.contains("datasets>=3.4.1,!=4.0.*,!=4.1.0,<4.4.0, which cannot load")
            && unsloth.contains("unslothai/unsloth/blob/main/pyproject.toml"),
        "{unsloth}"
    );
    let trl = explain("trl");
    assert!(
        trl.contains("datasets>=4.7.0, which loads a field whose type changes")
            && trl.contains("TRL 0.29 and earlier allowed datasets>=3.0.0")
            && trl.contains("huggingface/trl/blob/main/pyproject.toml"),
        "{trl}"
    );
}

/// axolotl's instruction types whose columns go beyond the common ones, as its
/// `inst_tune.qmd` documents them (`reflection`, `context_qa.load_404`,
/// `creative_acr.load_critique` and `load_revise`): read under axolotl, not S001 or S008.
/// A `reflection` record is alpaca with two unknown columns to a target that reads alpaca
/// and not axolotl's types.
#[test]
fn axolotls_documented_instruction_types_are_read() {
    let critique = r#""scores": {"refusal": 10, "creativity": 4}, "critiques": {"creativity": {"explanation": "It states a plain fact.", "improvements": "Describe the river at dusk."}}, "instruction": "Write one sentence about the capital of France.", "answer": "Paris is the capital of France.""#;
    let reflection = r#"{"instruction": "Write one sentence about the capital of France.", "input": "", "output": "Paris stands on the Seine.", "reflection": "It never says that Paris is the capital.", "corrected": "Paris, the capital of France, stands on the Seine."}"#;
    let records = [
        reflection.to_owned(),
        r#"{"article": "Paris has been the capital of France since the tenth century.", "unanswerable_question": "How many people lived in Paris in the year 1200?"}"#.to_owned(),
        format!("{{{critique}}}"),
        format!(
            r#"{{{critique}, "revision": "Paris, the capital of France, glows along the Seine at dusk."}}"#
        ),
    ];
    for record in &records {
        for args in [&["--target", "axolotl"][..], &[]] {
            let (code, out) = check(&[record], args);
            assert_eq!((code, out.as_str()), (0, ""), "{args:?} {record}");
        }
    }
    for target in ["llama-factory", "unsloth"] {
        let (code, out) = check(&[reflection], &["--target", target]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains("S008 unknown key \"reflection\" in an alpaca record")
                && out.contains("S008 unknown key \"corrected\" in an alpaca record"),
            "--target {target}: {out}"
        );
    }
}

/// A byte-order mark is a file-level error under every target but Azure OpenAI's; under a
/// trainer that loads with Hugging Face `datasets`, which skips it, the message says so and
/// names who fails on it (s15a 05: "most JSONL loaders fail on it" was untrue there).
#[test]
fn a_byte_order_mark_under_a_datasets_trainer_says_datasets_skips_it() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "bom.jsonl", &format!("\u{feff}{CHAT}\n"));
    let j005 = |target: &[&str]| -> (i32, String) {
        let out = tunelint(dir.path())
            .args(["--isolated", "--format", "concise", "--select", "J005"])
            .args(target)
            .arg("bom.jsonl")
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout.lines().find(|l| l.contains(" J005 ")).unwrap_or("");
        (out.status.code().unwrap_or(-1), line.to_owned())
    };
    for trainer in ["trl", "axolotl", "llama-factory", "unsloth"] {
        let (code, line) = j005(&["--target", trainer]);
        assert_eq!(code, 1, "{trainer}: {line}");
        assert!(
            line.ends_with("J005 file starts with a UTF-8 byte-order mark; Hugging Face `datasets` skips it, but `json.loads`, pandas and most other JSONL readers fail on it"),
            "{trainer}: {line}"
        );
    }
    let (code, line) = j005(&["--target", "openai"]);
    assert_eq!(code, 1);
    assert!(
        line.ends_with(
            "J005 file starts with a UTF-8 byte-order mark; most JSONL loaders fail on it"
        ),
        "{line}"
    );
    assert_eq!(j005(&["--target", "azure-openai"]), (0, String::new()));
}
