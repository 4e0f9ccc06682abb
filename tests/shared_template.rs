//! D005 shared-prompt-template and `[dedup] ignore_template`, through the real binary: a
//! file whose questions follow one long tool description gets one D005 finding naming the
//! template, and with `ignore_template = true` the questions are compared on what differs.
//! Also `dedupe`'s refusal to remove most of such a file, and what it says.

use std::path::Path;

use assert_cmd::Command;

const PREAMBLE: &str = "You can use these tools. Calculator(expression): evaluates arithmetic \
and returns the number. Calendar(): returns today's date. WikiSearch(query): returns the first \
paragraph of the best Wikipedia article. Answer with the call in brackets.\n";

const QUESTIONS: &[&str] = &[
    "What is 17 times 23?",
    "What day is it today?",
    "Who painted the Night Watch?",
    "How much is 1200 divided by 8?",
    "When was the Eiffel Tower finished?",
    "How tall is Mount Kilimanjaro?",
];

fn chat(user: &str, answer: &str) -> String {
    serde_json::json!({"messages": [
        {"role": "user", "content": user},
        {"role": "assistant", "content": answer},
    ]})
    .to_string()
}

fn write_templated(dir: &Path) {
    let lines: Vec<String> = QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, q)| chat(&format!("{PREAMBLE}{q}"), &format!("[answer {i}]")))
        .collect();
    std::fs::write(dir.join("tools.jsonl"), lines.join("\n") + "\n").expect("write");
}

fn check(dir: &Path) -> (String, Option<i32>) {
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(dir)
        .args([
            "check",
            "--select",
            "D",
            "--format",
            "concise",
            "tools.jsonl",
        ])
        .output()
        .expect("run");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

/// `check` on `dir`, which must fail with exactly one D005 finding: the output and that line.
fn one_d005(dir: &Path) -> (String, String) {
    let (stdout, code) = check(dir);
    assert_eq!(code, Some(1), "{stdout}");
    let d005: Vec<&str> = stdout.lines().filter(|l| l.contains("D005")).collect();
    assert_eq!(d005.len(), 1, "{stdout}");
    let line = d005[0].to_owned();
    (stdout, line)
}

#[test]
fn one_finding_names_the_template_and_ignore_template_compares_what_differs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_templated(d);
    let (stdout, d005) = one_d005(d);
    let chars = PREAMBLE.chars().count();
    assert!(d005.starts_with("tools.jsonl:1:"), "{stdout}");
    assert!(
        d005.contains(&format!(
            "share a {chars}-character prompt template opening that 6 of 6 examples carry, \
             starting \"You can use these tools."
        )),
        "{stdout}"
    );
    assert!(
        d005.contains("set `dedup.ignore_template = true`"),
        "{stdout}"
    );
    assert!(
        stdout.lines().filter(|l| l.contains("D002")).count() >= 4,
        "{stdout}"
    );

    std::fs::write(d.join("tunelint.toml"), "[dedup]\nignore_template = true\n").expect("write");
    let (stdout, code) = check(d);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        !stdout.contains("D002") && !stdout.contains("D005"),
        "{stdout}"
    );
}

#[test]
fn dedupe_refuses_most_of_a_templated_file_and_says_which_group_drives_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_templated(d);
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d)
        .args(["dedupe", "--isolated", "tools.jsonl", "-o", "out.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tools.jsonl: would remove 5 of 6 examples, more than half of them"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "the largest group is the example at line 1 and 5 examples that repeat it (100% of the file)"
        ),
        "{stderr}"
    );
    assert!(!d.join("out.jsonl").exists());
    // With the template ignored, nothing goes.
    std::fs::write(d.join("tunelint.toml"), "[dedup]\nignore_template = true\n").expect("write");
    Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d)
        .args(["dedupe", "tools.jsonl", "-o", "out.jsonl"])
        .assert()
        .success()
        .stdout("Reduced from 6 to 6 examples\n");
}

/// Six questions for each tool; the last of each asks the first again.
const TOOL_QUESTIONS: [[&str; 6]; 3] = [
    [
        "Who painted the Night Watch?",
        "When was the Eiffel Tower finished?",
        "What is the capital city of Mongolia?",
        "Which river runs through Budapest?",
        "How many moons does Neptune have?",
        "Who painted the Night Watch, then?",
    ],
    [
        "Will it rain in Lisbon tomorrow afternoon?",
        "How cold does Oslo get tonight?",
        "Is there a storm warning for Miami this week?",
        "What is the humidity in Singapore right now?",
        "How windy is it in Wellington today?",
        "Will it rain in Lisbon tomorrow afternoon, then?",
    ],
    [
        "What is 17 times 23?",
        "How much is 1200 divided by 8?",
        "What is the square root of 2025?",
        "Compute 3 to the power of 11.",
        "What is 15 percent of 840?",
        "What is 17 times 23, then?",
    ],
];

/// A tool-use set in GPTeacher's style: each tool's own description, then the question. No
/// one description opens most examples, each opens its group.
fn write_per_tool(dir: &Path) {
    let tools = ["wikipedia", "weather", "calculator"];
    let mut lines = Vec::new();
    for (t, tool) in tools.iter().enumerate() {
        let preamble = format!(
            "toolformer: enabled\ntoolformer access: {tool}\nA wrapper around the {tool} \
             service. Use it to look things up; the input should be a plain question written \
             in natural language.\n{tool}({tool}_query)\n"
        );
        for (i, q) in TOOL_QUESTIONS[t].iter().enumerate() {
            lines.push(chat(
                &format!("{preamble}{q}"),
                &format!("[answer {t}.{i}]"),
            ));
        }
    }
    std::fs::write(dir.join("tools.jsonl"), lines.join("\n") + "\n").expect("write");
}

#[test]
fn a_template_per_tool_is_named_and_ignored_like_one_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write_per_tool(d);
    let (stdout, d005) = one_d005(d);
    assert!(
        d005.contains("share one of 3 prompt template openings (")
            && d005.contains("characters) that 18 of 18 examples carry; the most common, carried by 6, starts \"toolformer: enabled\""),
        "{stdout}"
    );
    assert!(
        stdout.lines().filter(|l| l.contains("D002")).count() >= 10,
        "{stdout}"
    );

    // dedupe refuses, and names the templates.
    let out = Command::cargo_bin("tunelint")
        .expect("binary")
        .current_dir(d)
        .args(["dedupe", "--isolated", "tools.jsonl", "-o", "out.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("; D005 (line 1): ")
            && stderr.contains("one of 3 prompt template openings"),
        "{stderr}"
    );
    assert!(!d.join("out.jsonl").exists());

    // With the templates ignored, the questions are compared: the last of each tool's asks
    // its first again.
    std::fs::write(d.join("tunelint.toml"), "[dedup]\nignore_template = true\n").expect("write");
    let (stdout, _) = check(d);
    assert!(!stdout.contains("D005"), "{stdout}");
    let d002: Vec<&str> = stdout.lines().filter(|l| l.contains("D002")).collect();
    let expected = [(6, 1), (12, 7), (18, 13)].map(|(line, of)| {
        format!("tools.jsonl:{line}:25: D002 near-duplicate of the example at line {of}:")
    });
    assert_eq!(d002.len(), 3, "{stdout}");
    for (found, want) in d002.iter().zip(&expected) {
        assert!(found.starts_with(want.as_str()), "{stdout}");
    }
}
