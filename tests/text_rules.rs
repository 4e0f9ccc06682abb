//! The rules that read the text of messages (C007–C011, P001–P006), end to end:
//! - a secret or a person's details are never printed whole, in any output format;
//! - `[pii] allow` in a config file keeps known-safe matches quiet;
//! - no text, however odd, makes them panic or point outside the line (property test).

use std::path::Path;

use assert_cmd::Command;
use proptest::prelude::*;
use tunelint::engine::lint_bytes;
use tunelint::settings::Settings;

// Not the values of the rules' documented examples, which SARIF carries as rule help.
const SECRET: &str = "AKIAZ7Q2M4XW9TB3KR6P";
const EMAIL: &str = "lena.fischer@web.de";
const CARD: &str = "4916 3380 5523 1871";

fn record() -> String {
    let user = format!("My key is {SECRET}, mail me at {EMAIL}, card {CARD}.");
    serde_json::json!({"messages": [
        {"role": "user", "content": user},
        {"role": "assistant", "content": "Please revoke that key and never share card numbers in chat."},
    ]})
    .to_string()
}

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir).env_remove("GITHUB_ACTIONS");
    cmd
}

#[test]
fn secrets_and_personal_data_are_masked_in_every_output_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("train.jsonl"), format!("{}\n", record())).expect("write");
    for format in ["full", "concise", "json", "sarif", "github", "markdown"] {
        let out = tunelint(dir.path())
            .args(["--isolated", "--format", format, "train.jsonl"])
            .output()
            .expect("run tunelint");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: P006 is an error\n{stdout}"
        );
        for whole in [SECRET, EMAIL, CARD] {
            assert!(
                !stdout.contains(whole),
                "{format} prints {whole:?} whole:\n{stdout}"
            );
        }
        if format != "markdown" {
            // The markdown summary has counts, not messages.
            for masked in ["AKIA****************", "lena***************"] {
                assert!(
                    stdout.contains(masked),
                    "{format} lacks {masked:?}:\n{stdout}"
                );
            }
        }
    }
}

#[test]
fn pii_allow_in_the_config_suppresses_matches() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("train.jsonl"), format!("{}\n", record())).expect("write");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[pii]\nallow = [\"@web\\\\.de$\", \"^AKIAZ7Q2\"]\n",
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .output()
        .expect("run tunelint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains(" P001 ") && !stdout.contains(" P006 "),
        "{stdout}"
    );
    assert!(
        stdout.contains(" P003 credit card number \"4916"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(0), "warnings only\n{stdout}");
}

#[test]
fn an_invalid_allow_pattern_is_a_config_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("train.jsonl"), format!("{}\n", record())).expect("write");
    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[pii]\nallow = [\"(oops\"]\n",
    )
    .expect("write");
    let out = tunelint(dir.path())
        .args(["--format", "concise", "train.jsonl"])
        .output()
        .expect("run tunelint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("tunelint.toml:2:10: invalid regular expression in \"allow\""),
        "{stderr}"
    );
}

/// Pieces that the text rules react to, mixed with text that is awkward for byte offsets.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "{{",
            "}}",
            "{{name}}",
            "${{ x }}",
            "[insert ",
            "]",
            "<",
            ">",
            "placeholder",
            "TODO",
            "TBD",
            "lorem ipsum dolor",
            "Lorem",
            "```",
            "~~~",
            "`",
            "<pre>",
            "</code>",
            "http://",
            "www.",
            "<|",
            "|>",
            "<|im_end|>",
            "</s>",
            "<s>",
            "[INST]",
            "### Instruction:",
            "\nUser:",
            "Human: ",
            ": ",
            " u ",
            " ur ",
            " 2 ",
            " i'",
            " pls",
            "!!",
            ". ",
            "? ",
            "e.g.",
            "...",
            "\u{2019}",
            "\u{201C}",
            "\u{201D}",
            "\"",
            "(",
            ")",
            "[",
            "Ã",
            "©",
            "â€",
            "™",
            "\u{FFFD}",
            "\u{0}",
            "\u{C}",
            "\u{85}",
            "ß",
            "é",
            "日本",
            "😀",
            "@",
            "a.b@c.de",
            "+44 ",
            "(415) ",
            "867-2309",
            "4539 1488 0343 6467",
            "536-22-8147",
            "81.2.69.160",
            "2a00:1450::1",
            "::",
            "sk-",
            "AKIA",
            "ghp_",
            "xoxb-1234567890-",
            "-----BEGIN RSA PRIVATE KEY-----\n",
            "MIIEowIBAAKCAQEA",
            "\n",
            "\n\n",
            " ",
            "0",
            "9",
            ".",
            "-",
            "/",
            ",",
            "and",
            "the",
            "of",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9 .,:;!?'\"()\\-]{0,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn text_rules_never_panic_and_point_inside_the_line(user in text(), answer in text(), args in text(), parts in any::<bool>()) {
        let answer = if parts {
            serde_json::json!([{"type": "text", "text": answer}, {"type": "text", "text": "tail"}])
        } else {
            serde_json::json!(answer)
        };
        let line = serde_json::json!({"messages": [
            {"role": "system", "content": "You are a support assistant."},
            {"role": "user", "content": user},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": args}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "ok"},
            {"role": "assistant", "content": answer},
        ]})
        .to_string();
        let (diagnostics, _) = lint_bytes(format!("{line}\n").as_bytes(), &Settings::default());
        let width = line.chars().count() as u32 + 1;
        for d in &diagnostics {
            prop_assert_eq!(d.location.line, 1);
            prop_assert!(d.location.column >= 1 && d.location.end_column <= width, "{:?}", d);
            prop_assert!(d.location.column <= d.location.end_column, "{:?}", d);
        }
    }
}

/// Texts made to trip a rule that reads them more than once: one long line each (about a
/// megabyte) of a repeated piece. Read a bounded number of times, each lints in well under
/// a second; a quadratic rule would take minutes.
#[test]
fn long_repetitive_texts_are_linted_in_linear_time() {
    let pieces = [
        "TODO list ",
        "# TODO ",
        "{{",
        "placeholder placeholder ",
        "[insert ",
        "</s>",
        "<s></s>",
        "`` ` ",
        "```\n",
        "https://http://",
        "( [ ",
        "pls thx u ",
        "word. then ",
        "sk-sk-",
        "_sk-",
        "sk-proj-a1",
        "1 2 3 4 5 6 7 8 9 ",
        "a@b.co ",
        "::1:2:3 ",
        "Ã©",
    ];
    for piece in pieces {
        let text = piece.repeat(1_000_000 / piece.len());
        let line = serde_json::json!({"messages": [
            {"role": "user", "content": text},
            {"role": "assistant", "content": text},
        ]})
        .to_string();
        let started = std::time::Instant::now();
        let (_, summary) = lint_bytes(format!("{line}\n").as_bytes(), &Settings::default());
        let took = started.elapsed();
        assert_eq!(summary.examples, 1);
        assert!(
            took < std::time::Duration::from_secs(30),
            "{piece:?} x {}: {took:?}",
            1_000_000 / piece.len()
        );
    }
}

#[test]
fn privacy_findings_past_the_limit_are_counted_in_one() {
    let list = (0..25)
        .map(|i| format!("user{i}@corp.io"))
        .collect::<Vec<_>>()
        .join(", ");
    let line = serde_json::json!({"messages": [
        {"role": "user", "content": format!("Mail these: {list}")},
        {"role": "assistant", "content": "Done, I have mailed all of them."},
    ]})
    .to_string();
    let (diagnostics, _) = lint_bytes(format!("{line}\n").as_bytes(), &Settings::default());
    let p001: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.code == tunelint::rules::Code::P001)
        .map(|d| d.message.as_str())
        .collect();
    let max = tunelint::context::MAX_PER_RULE;
    assert_eq!(p001.len(), max + 1, "{p001:?}");
    assert_eq!(
        p001[max],
        "15 more email-address findings in this record not shown one by one (at most 10 per rule and record)"
    );
}

/// LLaMA-Factory renders a record's `tools` column (JSON text in a string) into the prompt,
/// of a ShareGPT record and of its own: the personal data in it is reported, where it is
/// written, as in OpenAI chat's tool definitions.
#[test]
fn privacy_rules_read_llama_factory_tools_columns() {
    let tools = serde_json::json!([{"name": "notify",
        "description": "Mail jorge.ramirez84@gmail.com or call (312) 748-2956",
        "parameters": {"type": "object", "properties": {}}}])
    .to_string();
    let sharegpt = serde_json::json!({"conversations": [
        {"from": "human", "value": "Please notify the owner about the outage."},
        {"from": "gpt", "value": "I have notified the owner about the outage just now."}],
        "tools": tools});
    let v1 = serde_json::json!({"messages": [
        {"role": "user", "content": [{"type": "text", "value": "Please notify the owner about the outage."}]},
        {"role": "assistant", "content": [{"type": "text", "value": "I have notified the owner about the outage just now."}]}],
        "tools": tools});
    let dir = tempfile::tempdir().expect("tempdir");
    for (file, record, target) in [
        ("sharegpt.jsonl", sharegpt, None),
        ("v1.jsonl", v1, Some("llama-factory")),
    ] {
        let line = record.to_string();
        std::fs::write(dir.path().join(file), format!("{line}\n")).expect("write");
        let mut cmd = tunelint(dir.path());
        cmd.args(["--isolated", "--format", "concise", "--select", "P"]);
        if let Some(target) = target {
            cmd.args(["--target", target]);
        }
        let out = cmd.arg(file).output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        for (code, value) in [("P001", "jorge.ramirez84"), ("P002", "(312) 748")] {
            let column = line.find(value).expect("in the line") + 1;
            assert!(
                stdout.contains(&format!("{file}:1:{column}: {code} ")),
                "{code} at {column}:\n{stdout}"
            );
        }
        assert!(
            stdout
                .lines()
                .filter(|l| l.contains(" P00"))
                .all(|l| l.contains(" in tool definitions")),
            "{stdout}"
        );
        assert!(!stdout.contains("ramirez84"), "{stdout}");
    }
}

/// Tool definitions are rendered into every prompt: personal data in a description or a
/// default is reported there, pointing at it, as JSON and as LLaMA-Factory's string of JSON;
/// keys are not read as values, and a secret there is reported once.
#[test]
fn privacy_rules_read_tool_definitions() {
    let tools = serde_json::json!([{"type": "function", "function": {
        "name": "check_email",
        "description": "Validates an address. Support: +44 20 7946 0321, token ghp_Xq7Rk2Lm9Vt4Wn8Pz3Bc6Hd1Jf5Gs0YaEe2i",
        "parameters": {"type": "object", "properties": {"email": {
            "type": "string", "default": "kwilson1987@fastmail.fm"}}},
    }}]);
    let messages = serde_json::json!([
        {"role": "user", "content": "Is this address deliverable?"},
        {"role": "assistant", "content": "Let me check it with the validator and report back."},
    ]);
    for tools in [tools.clone(), serde_json::Value::from(tools.to_string())] {
        let line = serde_json::json!({"messages": messages, "tools": tools}).to_string();
        let (diagnostics, _) = lint_bytes(format!("{line}\n").as_bytes(), &Settings::default());
        let found: Vec<(tunelint::rules::Code, &str)> = diagnostics
            .iter()
            .filter(|d| d.code.as_str().starts_with('P'))
            .map(|d| (d.code, d.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found
                .iter()
                .all(|(_, m)| m.contains(" in tool definitions")),
            "{found:?}"
        );
        let email = diagnostics
            .iter()
            .find(|d| d.code == tunelint::rules::Code::P001)
            .expect("P001");
        let at = line.find("kwilson1987").expect("in the line") as u32 + 1;
        assert_eq!(email.location.column, at, "{line}");
    }
}

/// Plain text and a prompt-completion prompt reach the model as written, with no chat template
/// around them: a prompt format of their own (Alpaca headings, `### Human:` transcripts) is not
/// a leaked template, while special tokens still are, and in chat records headings are too.
#[test]
fn a_records_own_prompt_format_is_no_template_leak() {
    let c010 = |line: &str| -> Vec<String> {
        let (diagnostics, _) = lint_bytes(format!("{line}\n").as_bytes(), &Settings::default());
        diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "C010")
            .map(|d| d.message.clone())
            .collect()
    };
    let alpaca = "### Instruction:\nName a primary colour.\n\n### Response:\n";
    assert_eq!(
        c010(
            &serde_json::json!({"prompt": alpaca, "completion": "Red is a primary colour."})
                .to_string()
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        c010(
            &serde_json::json!({"text": "### Human: Name a primary colour.\n### Assistant: Red."})
                .to_string()
        ),
        Vec::<String>::new()
    );
    let special = c010(
        &serde_json::json!({"text": "### Human: Name a colour.\n### Assistant: Red.</s>"})
            .to_string(),
    );
    assert_eq!(special.len(), 1, "{special:?}");
    assert!(special[0].contains("\"</s>\""), "{special:?}");
    let chat = c010(
        &serde_json::json!({"messages": [
            {"role": "user", "content": alpaca},
            {"role": "assistant", "content": "Red is a primary colour."}
        ]})
        .to_string(),
    );
    assert_eq!(chat.len(), 1, "{chat:?}");
    assert!(chat[0].contains("### Instruction:"), "{chat:?}");
}

/// C007 judges a user turn as a whole: filler in an Alpaca record's `input`, after its
/// instruction, is handed to the task, as in a chat message's second paragraph; filler
/// that opens the instruction is a placeholder.
#[test]
fn filler_in_an_alpaca_input_is_the_task_s_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.";
    let records = [
        serde_json::json!({"instruction": "Count the words of the text below.", "input": lorem,
            "output": "The text has eight words in total."}),
        serde_json::json!({"instruction": lorem, "input": "",
            "output": "The text has eight words in total."}),
    ];
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    std::fs::write(dir.path().join("alpaca.jsonl"), lines.join("\n") + "\n").expect("write");
    let out = tunelint(dir.path())
        .args([
            "--isolated",
            "--format",
            "concise",
            "--select",
            "C007",
            "alpaca.jsonl",
        ])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let found: Vec<&str> = stdout.lines().filter(|l| l.contains(" C007 ")).collect();
    assert_eq!(found.len(), 1, "{stdout}");
    assert!(found[0].starts_with("alpaca.jsonl:2:"), "{stdout}");
}

/// C008 names the part of the record it read, as P001 does: a `text` record has no
/// assistant turn and no "answer".
#[test]
fn informal_writing_in_plain_text_is_in_text() {
    let (diagnostics, _) = lint_bytes(
        format!(
            "{}\n",
            serde_json::json!({"text": "the table lists the seats. Thx for asking."})
        )
        .as_bytes(),
        &Settings::default(),
    );
    let c008: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "C008")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        c008,
        [
            "informal writing in text: the text starts in lowercase (\"the\"); capitalise the first word (and 1 more sign)"
        ]
    );
}

/// What `code` reports in one record whose user message is `user`: each finding's span,
/// cut from the line by its columns, as a user's editor shows it.
fn spans_of(code: &str, user: &str) -> Vec<String> {
    spans_in(code, user, "Thank you, I have noted this for you.")
}

/// What `code` reports in one record of a user and an assistant message: the text of each
/// finding's span, cut from the line by its columns.
fn spans_in(code: &str, user: &str, assistant: &str) -> Vec<String> {
    let line = serde_json::json!({"messages": [
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]})
    .to_string();
    let (diagnostics, _) = lint_bytes(format!("{line}\n").as_bytes(), &Settings::default());
    let chars: Vec<char> = line.chars().collect();
    diagnostics
        .iter()
        .filter(|d| d.code.as_str() == code)
        .map(|d| {
            let (from, to) = (d.location.column - 1, d.location.end_column - 1);
            chars[from as usize..to as usize].iter().collect()
        })
        .collect()
}

/// An address right after a label and its colon, with no space, is an address: `mailto:`
/// is how links write one. The user part of a URL (after its `//`) is not.
#[test]
fn an_address_after_a_label_with_no_space_is_p001() {
    for (user, address) in [
        ("Email:john.doe@gmail.com please", "john.doe@gmail.com"),
        ("mailto:john.doe@gmail.com please", "john.doe@gmail.com"),
        ("邮箱:john.doe@gmail.com 谢谢", "john.doe@gmail.com"),
        ("E-Mail:hans.meier@web.de bitte", "hans.meier@web.de"),
        (
            "[write to us](mailto:ana.silva@sapo.pt) today",
            "ana.silva@sapo.pt",
        ),
        ("see files/ana.silva@sapo.pt here", "ana.silva@sapo.pt"),
    ] {
        assert_eq!(spans_of("P001", user), [address], "{user}");
    }
    for user in [
        "Fetch ftp://deploy:s3cretpw@files.acme-corp.com/build.tar now",
        "Open https://john@intranet.acme-corp.com/wiki please",
        "Open https://acme-corp.com/u/john@intranet.acme-corp.com please",
    ] {
        assert_eq!(spans_of("P001", user), Vec::<String>::new(), "{user}");
    }
}

/// Chinese and Japanese put no space between Han or Kana and Latin text, Korean glues its
/// particles to the word before them: a letter of another script ends an address, and the
/// address is reported, span and all. A Latin letter glued to it makes it part of a word.
#[test]
fn an_address_touching_letters_of_another_script_is_p001() {
    for (user, address) in [
        ("请发邮件到zhang.wei@qq.com，谢谢", "zhang.wei@qq.com"),
        (
            "メールはtanaka@docomo.ne.jpまでお願いします",
            "tanaka@docomo.ne.jp",
        ),
        (
            "이메일은 minsu.kim@naver.com으로 보내주세요",
            "minsu.kim@naver.com",
        ),
        ("发到 zhang.wei@qq.com谢谢", "zhang.wei@qq.com"),
        (
            "напишите на почту:ivan.petrov@mail.ru",
            "ivan.petrov@mail.ru",
        ),
        (
            "пишите nataliya.k@yandex.ruпожалуйста",
            "nataliya.k@yandex.ru",
        ),
    ] {
        assert_eq!(spans_of("P001", user), [address], "{user}");
    }
    for user in [
        "Schreiben Sie an müller@web.de bitte",
        "the handle xjane.doe@gmail.comé is no address",
    ] {
        assert_eq!(spans_of("P001", user), Vec::<String>::new(), "{user}");
    }
}

/// Phone and card numbers grouped with no-break spaces (French typography, word processors)
/// or written in full-width or Arabic-Indic digits are P002 and P003, spanning the number
/// as written; prices and dates in the same characters are not.
#[test]
fn numbers_in_other_digits_and_spaces_are_p002_and_p003() {
    for (code, user, number) in [
        (
            "P002",
            "Mon numéro : +33\u{a0}1\u{a0}42\u{a0}68\u{a0}53\u{a0}00, merci",
            "+33\u{a0}1\u{a0}42\u{a0}68\u{a0}53\u{a0}00",
        ),
        (
            "P002",
            "Mon numéro : +33\u{202f}1\u{202f}42\u{202f}68\u{202f}53\u{202f}00, merci",
            "+33\u{202f}1\u{202f}42\u{202f}68\u{202f}53\u{202f}00",
        ),
        (
            "P003",
            "Ma carte : 4539\u{a0}5787\u{a0}6362\u{a0}1486, merci",
            "4539\u{a0}5787\u{a0}6362\u{a0}1486",
        ),
        (
            "P003",
            "Ma carte : 4539\u{202f}5787\u{202f}6362\u{202f}1486, merci",
            "4539\u{202f}5787\u{202f}6362\u{202f}1486",
        ),
        (
            "P002",
            "我的电话是＋８６ １３８ １２３４ ５６７８",
            "＋８６ １３８ １２３４ ５６７８",
        ),
        (
            "P003",
            "卡号４５３９５７８７６３６２１４８６。",
            "４５３９５７８７６３６２１４８６",
        ),
        ("P002", "رقمي هو +٩٦٦ ٥٠ ١٢٣ ٤٥٦٧ شكرا", "+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧"),
        (
            "P002",
            "Call (415)\u{a0}867\u{2011}2309 today",
            "(415)\u{a0}867\u{2011}2309",
        ),
    ] {
        assert_eq!(spans_of(code, user), [number], "{user}");
    }
    for user in [
        "Le prix est de 12\u{a0}500\u{a0}€, livraison le 3\u{a0}mai 2025.",
        "人口约１４亿，２０２４年增长０.１%。",
        "عدد السكان ١٠٬٥٠٠٬٠٠٠ نسمة في عام ٢٠٢٤",
    ] {
        assert_eq!(
            spans_of("P002", user)
                .into_iter()
                .chain(spans_of("P003", user))
                .collect::<Vec<_>>(),
            Vec::<String>::new(),
            "{user}"
        );
    }
}

/// DeepSeek's special tokens, with `▁` in their names and full-width bars (or ASCII ones),
/// are C010 like every `<|name|>` token; written as code they are an example.
#[test]
fn deepseek_template_tokens_are_c010() {
    for (text, token) in [
        (
            "The answer is 42.<｜end▁of▁sentence｜>",
            "<｜end▁of▁sentence｜>",
        ),
        (
            "<｜begin▁of▁sentence｜>You are helpful.<｜User｜>Hi<｜Assistant｜>Hello.",
            "<｜begin▁of▁sentence｜>",
        ),
        (
            "The answer is 42.<|end▁of▁sentence|>",
            "<|end▁of▁sentence|>",
        ),
    ] {
        assert_eq!(spans_of("C010", text), [token], "{text}");
    }
    assert_eq!(
        spans_of("C010", "DeepSeek ends a turn with `<｜end▁of▁sentence｜>`."),
        Vec::<String>::new()
    );
}

/// What `code` reports in one record whose assistant message is `assistant`, as
/// [`spans_of`] shows it.
fn answer_spans_of(code: &str, assistant: &str) -> Vec<String> {
    spans_in(code, "Please answer the question now.", assistant)
}

/// English text-speak is judged in English text: the Swedish and Danish "ur" ("out of",
/// "watch") is a word there, and `ur` for "your" in English is still C008.
#[test]
fn scandinavian_ur_is_not_text_speak() {
    for answer in [
        "Ta ut boken ur väskan och lägg den på bordet, tack.",
        "Hon tog fram kartan ur fickan och visade vägen.",
        "Mit ur er gået i stå, så jeg kommer lidt for sent.",
    ] {
        assert_eq!(
            answer_spans_of("C008", answer),
            Vec::<String>::new(),
            "{answer}"
        );
    }
    assert_eq!(
        answer_spans_of("C008", "Sure, please check ur inbox for the code."),
        ["ur"]
    );
}

/// `TODO` is the Spanish and Portuguese "all": among words of those languages it is no
/// placeholder; in English, or as a note with a colon, it is C007.
#[test]
fn spanish_todo_is_not_a_placeholder() {
    for answer in [
        "Nuestro hotel ofrece el paquete TODO INCLUIDO con comidas y bebidas durante toda la estancia.",
        "El seguro a TODO RIESGO cubre daños propios y a terceros, incluso si usted tiene la culpa.",
        "Fazemos entregas em TODO o país.",
    ] {
        assert_eq!(
            answer_spans_of("C007", answer),
            Vec::<String>::new(),
            "{answer}"
        );
    }
    for answer in [
        "The delivery date is TODO, we will confirm it soon.",
        "TODO: traducir este párrafo al inglés.",
    ] {
        assert_eq!(answer_spans_of("C007", answer), ["TODO"], "{answer}");
    }
}

/// The address the tests of where personal data is looked for put in each place.
const PERSON: &str = "jane.doe@acme-corp.com";

/// What P001 reports in the one record `line` (linted as a file, under `target` when set):
/// the text of each finding's span, cut from the line by its columns as a user's editor
/// shows it, and its message.
fn p001_in(line: &str, target: Option<&str>) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("data.jsonl"), format!("{line}\n")).expect("write");
    let mut cmd = tunelint(dir.path());
    cmd.args(["--isolated", "--format", "json", "--select", "P001"]);
    if let Some(target) = target {
        cmd.args(["--target", target]);
    }
    let out = cmd.arg("data.jsonl").output().expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let chars: Vec<char> = line.chars().collect();
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let column = |key: &str| d[key].as_u64().expect("a column") as usize - 1;
            (
                chars[column("column")..column("end_column")]
                    .iter()
                    .collect(),
                d["message"].as_str().expect("a message").to_owned(),
            )
        })
        .collect()
}

/// One way [`PERSON`] is written in a record of
/// [`personal_data_is_found_in_every_text_a_format_reads`].
struct Written {
    /// The text that holds the address.
    text: String,
    /// The record's line as written, from its JSON.
    line: fn(String) -> String,
    /// The address as the line writes it: what the finding covers.
    address: String,
}

/// The address as it is, and written with escapes (a line break right before it, an
/// accent and its `@` as `\u` escapes), where the finding still covers it as written,
/// escapes and all.
fn person_written() -> [Written; 2] {
    [
        Written {
            text: format!("Notes for {PERSON}"),
            line: |line| line,
            address: PERSON.to_owned(),
        },
        Written {
            text: format!("Réunion:\n{PERSON}"),
            line: |line| line.replace('é', "\\u00e9").replace('@', "\\u0040"),
            address: PERSON.replace('@', "\\u0040"),
        },
    ]
}

/// P001 (as every personal-data rule, which share one search) finds an address in every text
/// a format reads into the conversation — tool calls' arguments, tool results, reasoning and
/// refusals — in each format's own shape of it, where the address is written in the line.
#[test]
fn personal_data_is_found_in_every_text_a_format_reads() {
    use serde_json::{Value, json};
    let ask = "Please email the report to my colleague.";
    let done = "Done, the report has been sent.";
    let nova = |messages: Value| json!({"schemaVersion": "bedrock-conversation-2024", "messages": messages});
    type Record = Box<dyn Fn(&str) -> Value>;
    let cases: Vec<(&str, &[Option<&str>], &str, Record)> = vec![
        (
            "OpenAI arguments, JSON in a string",
            &[None, Some("openai")],
            "tool call arguments",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask},
                {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "send", "arguments": json!({"to": t}).to_string()}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "ok"},
                {"role": "assistant", "content": done}]})
            }),
        ),
        (
            "a ShareGPT function_call turn",
            &[None, Some("llama-factory")],
            "tool call arguments",
            Box::new(move |t| {
                json!({"conversations": [{"from": "human", "value": ask},
                {"from": "function_call", "value": json!({"name": "send", "arguments": {"to": t}}).to_string()},
                {"from": "observation", "value": "ok"}, {"from": "gpt", "value": done}]})
            }),
        ),
        (
            "a chat template's arguments object",
            &[Some("trl")],
            "tool call arguments",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask},
                {"role": "assistant", "tool_calls": [{"type": "function",
                    "function": {"name": "send", "arguments": {"note": "a\tb", "to": t}}}]},
                {"role": "tool", "name": "send", "content": "ok"},
                {"role": "assistant", "content": done}]})
            }),
        ),
        (
            "Vertex AI functionCall.args",
            &[None, Some("vertex-gemini")],
            "tool call arguments",
            Box::new(move |t| {
                json!({"contents": [{"role": "user", "parts": [{"text": ask}]},
                {"role": "model", "parts": [{"functionCall": {"name": "send", "args": {"to": t}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "send", "response": {"ok": true}}}]},
                {"role": "model", "parts": [{"text": done}]}]})
            }),
        ),
        (
            "Vertex AI functionResponse.response",
            &[None, Some("vertex-gemini")],
            "tool result",
            Box::new(move |t| {
                json!({"contents": [{"role": "user", "parts": [{"text": ask}]},
                {"role": "model", "parts": [{"functionCall": {"name": "send", "args": {}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "send", "response": {"sent_to": t}}}]},
                {"role": "model", "parts": [{"text": done}]}]})
            }),
        ),
        (
            "a Gemini part marked thought",
            &[None, Some("vertex-gemini")],
            "reasoning",
            Box::new(move |t| {
                json!({"contents": [{"role": "user", "parts": [{"text": ask}]},
                {"role": "model", "parts": [{"text": t, "thought": true}, {"text": done}]}]})
            }),
        ),
        (
            "Bedrock Nova toolUse.input",
            &[None, Some("bedrock-nova")],
            "tool call arguments",
            Box::new(move |t| {
                nova(json!([{"role": "user", "content": [{"text": ask}]},
                {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "send", "input": {"to": t}}}]},
                {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "ok"}]}}]},
                {"role": "assistant", "content": [{"text": done}]}]))
            }),
        ),
        (
            "Bedrock Nova toolResult.content",
            &[None, Some("bedrock-nova")],
            "tool result",
            Box::new(move |t| {
                nova(json!([{"role": "user", "content": [{"text": ask}]},
                {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "send", "input": {}}}]},
                {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": t}]}}]},
                {"role": "assistant", "content": [{"text": done}]}]))
            }),
        ),
        (
            "Bedrock Nova reasoningContent",
            &[None, Some("bedrock-nova")],
            "reasoning",
            Box::new(move |t| {
                nova(json!([{"role": "user", "content": [{"text": ask}]},
                {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": t}}}, {"text": done}]}]))
            }),
        ),
        (
            "reasoning_content",
            &[
                None,
                Some("together"),
                Some("fireworks"),
                Some("trl"),
                Some("axolotl"),
                Some("unsloth"),
            ],
            "reasoning",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask},
                {"role": "assistant", "reasoning_content": t, "content": done}]})
            }),
        ),
        (
            "reasoning",
            &[None, Some("together")],
            "reasoning",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask},
                {"role": "assistant", "reasoning": t, "content": done}]})
            }),
        ),
        (
            "thinking",
            &[None, Some("trl"), Some("unsloth")],
            "reasoning",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask},
                {"role": "assistant", "thinking": t, "content": done}]})
            }),
        ),
        (
            "axolotl's reasoning_content",
            &[None, Some("axolotl")],
            "reasoning",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask, "train": false},
                {"role": "assistant", "reasoning_content": t, "content": done, "train": true}]})
            }),
        ),
        (
            "an assistant's refusal",
            &[None, Some("openai")],
            "refusal",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask},
                {"role": "assistant", "content": null, "refusal": t}]})
            }),
        ),
        (
            "a refusal part",
            &[None, Some("openai")],
            "refusal",
            Box::new(move |t| {
                json!({"messages": [{"role": "user", "content": ask},
                {"role": "assistant", "content": [{"type": "refusal", "refusal": t}]}]})
            }),
        ),
    ];
    for (what, targets, place, record) in &cases {
        for Written {
            text,
            line,
            address,
        } in person_written()
        {
            let line = line(record(&text).to_string());
            for target in *targets {
                let found = p001_in(&line, *target);
                assert_eq!(
                    found
                        .iter()
                        .map(|(span, _)| span.as_str())
                        .collect::<Vec<_>>(),
                    [address.as_str()],
                    "{what} under {target:?}: {line}\n{found:?}"
                );
                assert!(
                    found[0].1.contains(&format!(" in {place}; ")),
                    "{what}: {found:?}"
                );
            }
        }
    }
}

/// A string the format does not read is no text a trainer sees, and the personal-data rules
/// leave it alone (S008 reports the key; P006 still looks for keys in it): a metadata column,
/// and a chain of thought under a target that does not read it.
#[test]
fn personal_data_in_a_key_the_format_does_not_read_is_not_reported() {
    let ask = "Please email the report to my colleague.";
    let done = "Done, the report has been sent.";
    for (line, target) in [
        (
            serde_json::json!({"messages": [{"role": "user", "content": ask},
            {"role": "assistant", "content": done}], "metadata": {"author": PERSON}}),
            None,
        ),
        (
            serde_json::json!({"messages": [{"role": "user", "content": ask},
            {"role": "assistant", "reasoning_content": format!("Notes for {PERSON}"), "content": done}]}),
            Some("openai"),
        ),
    ] {
        let line = line.to_string();
        assert_eq!(p001_in(&line, target), Vec::new(), "{line}");
    }
}
