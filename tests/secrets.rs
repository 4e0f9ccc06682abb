//! No output format ever prints a secret: each kind of credential P006 knows is put in every
//! place a message or a snippet can echo a value from the data (a key, a role, a duplicate
//! key, a weight, a tool name, a tool-call type, a content-part type, and the edges of the
//! window the `full` format shows), and no run of 8 of its characters may appear in any
//! format's output.

use assert_cmd::Command;
use serde_json::json;

/// One secret of each kind P006 knows, and the part of it that must never be printed.
fn secrets() -> Vec<(&'static str, String)> {
    vec![
        (
            "openai",
            "sk-proj-Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eU7iW4".to_owned(),
        ),
        ("aws", "AKIAZ7QX3M9KV2LR8TWB".to_owned()),
        ("github", "ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6".to_owned()),
        (
            "github-pat",
            "github_pat_11ABCDEFG0aB3dE6gH9jK2_mN5pQ8sT1vW4yZ7bC0eF3hJ6kL9".to_owned(),
        ),
        (
            "slack",
            "xoxb-2840193746-5920183746-Zk8Qw3Rt9Yp2Lm5Nx7Vb4Hc6".to_owned(),
        ),
        ("google", "AIzaSyD4kR9xQ2mV7nB3tL8wP5cJ1hF6gZ0aE4s".to_owned()),
        ("stripe", "sk_live_4eC39HqLyjWDarjtT1zdp7dc9Q".to_owned()),
        (
            "anthropic",
            "sk-ant-api03-Rk7Qw2Lm9Xp4Tz8Nv3Bc6Hd1Jf5Gs0Ya2Ue7Ko4Wi9Pq-ZxC3vB6nM8lK1jH5gF2dS".to_owned(),
        ),
        ("huggingface", "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".to_owned()),
        (
            "jwt",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI5ODc2NTQzMjEiLCJyb2xlIjoiYWRtaW4ifQ.Q3vT9xKp2LmZ8wRbN4cYd7FhJ1sGa6EuVo0iXq5TnWk".to_owned(),
        ),
        (
            "pem",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3Kq9Vb7Lm2Nw8Rt5Yp1Zs4Qa6Hc0Jd3Fg7Ek9Wm2Tb5Xn8\nUr4Ov1Pi6Ly3Ka0Mj7Nh2Gf5Dc8Se1Bz4Vx9Qw3Rt6Yp1Lm8Nk5Jh2Gf0\n-----END RSA PRIVATE KEY-----".to_owned(),
        ),
        (
            "url-password",
            "postgres://deploy:Zq8Xw3Rt9Yp2Lm5Nx7Vb@db.internal.net:5432/prod".to_owned(),
        ),
        // Windows line ends: `\r\n` escapes in the raw line.
        (
            "pem-crlf",
            "-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\r\nMzEfYyjiWA4R4Lm2Nw8Rt5Yp1Zs4Qa6Hc0Jd3Fg7Ek9Wm2Tb5Xn8Ur4Ov1Pi6L\r\n-----END PRIVATE KEY-----".to_owned(),
        ),
        // Blanks at the ends of lines (a pasted key), lines indented (a key in YAML), and the
        // line ends written out as `\n` inside the text (a service account's key file pasted as
        // JSON text): the body is masked to its END line all the same.
        (
            "pem-blanks",
            "-----BEGIN RSA PRIVATE KEY----- \nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun \nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK \n-----END RSA PRIVATE KEY-----".to_owned(),
        ),
        (
            "pem-indented",
            "-----BEGIN PRIVATE KEY-----\n    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n    LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n    -----END PRIVATE KEY-----".to_owned(),
        ),
        (
            "pem-written-out",
            "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDg2ZQ5kq9Xm3Lp\\n9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre\\n-----END PRIVATE KEY-----\\n\"}".to_owned(),
        ),
        // An 8192-bit key: longer than a 4096-bit one, which the snippet's window once held
        // at most.
        ("pem-large", large_pem()),
        ("gitlab", "glpat-Xq7Lm2Nw9Rt4Kp8Vz3Hb".to_owned()),
        (
            "sendgrid",
            "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".to_owned(),
        ),
        ("npm", "npm_Q8wE3rT6yU9iO2pA5sD7fG1hJ4kL0zX3cV6b".to_owned()),
        (
            "azure",
            "AccountKey=Zk3Qm9Xv2Lp7Rt4Wn8Bs1Hd6Fg0Jc5Ky2Te7Ua9Io3Pr6Mx1Nb4Vq8Cw2Sz5Lh7Dj0Gf3Ak9Ye6Rn2Tu4Oi8Pm1Q==".to_owned(),
        ),
        (
            "slack-webhook",
            "https://hooks.slack.com/services/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"
                .to_owned(),
        ),
        // Found by what stands before it: its name, or `Bearer`.
        (
            "aws-secret",
            "aws_secret_access_key=q7Rk2VbN9xLp4TzW8sJd3HfG6mYc1QaE5uKo0iPn".to_owned(),
        ),
        (
            "bearer",
            "Authorization: Bearer x9Fk2Lm7Qp4Rt8Vw3Zb6Nc1Hd5Jg0Ks7Yu2Ta9".to_owned(),
        ),
    ]
}

/// A PEM key of 100 lines of 64 characters (an RSA key of about 8192 bits), its body from a
/// fixed pseudo-random sequence.
fn large_pem() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut body = String::from("-----BEGIN RSA PRIVATE KEY-----\n");
    for _ in 0..100 {
        for _ in 0..64 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            body.push(ALPHABET[(state >> 58) as usize] as char);
        }
        body.push('\n');
    }
    body.push_str("-----END RSA PRIVATE KEY-----");
    body
}

/// The characters of a secret that must stay hidden: all but its public prefix (`sk-proj-`
/// is in the rule's own documentation), or a PEM key's body.
fn hidden_part(kind: &str, secret: &str) -> String {
    if kind == "url-password" {
        let after = secret.split_once("://").expect("a URL").1;
        let password = after.split_once(':').expect("user:password").1;
        return password.split_once('@').expect("@host").0.to_owned();
    }
    if kind == "pem-written-out" {
        return secret
            .split("\\n")
            .filter(|l| !l.contains("-----") && l.len() > 16)
            .collect::<Vec<_>>()
            .join("");
    }
    if kind.starts_with("pem") {
        return secret
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("");
    }
    // What stands before a secret found by its context, or a URL's public part.
    for public in [
        "aws_secret_access_key=",
        "Authorization: Bearer ",
        "https://hooks.slack.com/services/",
    ] {
        if let Some(rest) = secret.strip_prefix(public) {
            return rest.to_owned();
        }
    }
    let prefixes = [
        "sk-ant-",
        "glpat-",
        "SG.",
        "npm_",
        "AccountKey=",
        "hf_",
        "eyJ",
        "sk-proj-",
        "AKIA",
        "ghp_",
        "github_pat_",
        "xoxb-",
        "AIza",
        "sk_live_",
    ];
    let prefix = prefixes.iter().find(|p| secret.starts_with(*p)).unwrap();
    secret[prefix.len()..].to_owned()
}

/// A record that raw line breaks broke: a key pasted with its own line breaks (a PEM key),
/// or cut in two by one in the middle of its hidden part. Each of its lines is J001, and
/// `full` shows each line: no detector recognises a piece of a key on a line of its own.
fn broken_by_line_breaks(secret: &str, hidden: &str) -> String {
    let raw = if secret.contains('\n') {
        secret.to_owned()
    } else {
        // (A PEM key written out with `\n` escapes: its body is not one run; cut its middle.)
        let at = secret
            .find(hidden)
            .map_or(secret.len() / 2, |at| at + hidden.len() / 2);
        let at = (at..).find(|&i| secret.is_char_boundary(i)).unwrap();
        format!("{}\n{}", &secret[..at], &secret[at..])
    };
    format!(
        r#"{{"messages": [{{"role": "user", "content": "Why is this rejected? {raw} thanks"}}, {{"role": "assistant", "content": "Revoke it now."}}]}}"#
    )
}

fn chat(user: &str) -> serde_json::Value {
    json!([
        {"role": "user", "content": user},
        {"role": "assistant", "content": "Here is a complete and helpful answer for you."}
    ])
}

/// One line per place a value can be echoed, each holding `secret` there.
fn lines_with(secret: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let ok = chat("How do I rotate the credentials of our service?");
    // An unknown key (S008) and a duplicated one (J010), at the top level and in a message.
    lines.push(format!(
        r#"{{"messages": {ok}, {k}: 1, {k}: 2}}"#,
        k = serde_json::to_string(secret).unwrap()
    ));
    lines.push(
        json!({"messages": [
            {"role": "user", "content": "What is the weather in Paris?", secret: true},
            {"role": "assistant", "content": "It is sunny and warm in Paris today."}
        ]})
        .to_string(),
    );
    // A role (S005).
    lines.push(
        json!({"messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": secret, "content": "It is sunny and warm in Paris today."}
        ]})
        .to_string(),
    );
    // A weight (S009).
    lines.push(
        json!({"messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": "It is sunny and warm in Paris today.", "weight": secret}
        ]})
        .to_string(),
    );
    // A tool name that breaks the name pattern (S010), a tool-call type (S010), a tool
    // call id answered by nobody (S011), and a content part's type (S007).
    lines.push(
        json!({"messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": format!("{secret}!"), "arguments": "{}"}},
                {"id": "call_2", "type": secret, "function": {"name": "weather", "arguments": "{}"}},
                {"id": secret, "type": "function", "function": {"name": "weather", "arguments": "{}"}}
            ]},
            {"role": "tool", "tool_call_id": format!("{secret} "), "content": "sunny"},
            {"role": "user", "content": [{"type": secret, "text": "and tomorrow?"}]},
            {"role": "assistant", "content": "Tomorrow it will be sunny and warm too."}
        ]})
        .to_string(),
    );
    // An image URL that is neither http(s) nor a data URL (S012 quotes its start), as it
    // is and after a few characters.
    for url in [secret.to_owned(), format!("x x {secret}")] {
        lines.push(
            json!({"messages": [
                {"role": "user", "content": [{"type": "text", "text": "What is in this picture?"}, {"type": "image_url", "image_url": {"url": url}}]},
                {"role": "assistant", "content": "It is sunny and warm in Paris today."}
            ]})
            .to_string(),
        );
    }
    // A tool definition's name.
    lines.push(
        json!({"messages": ok, "tools": [{"type": "function", "function": {"name": format!("{secret}!"), "parameters": {"type": "object"}}}]})
            .to_string(),
    );
    // Glued by escapes or broken JSON to the letters or digits before it in the raw line:
    // after an escaped emoji (`\ude00` ends in a digit), written with its first letter
    // escaped, and after a number's exponent in a line that is not JSON (J001's snippet).
    let escaped = serde_json::to_string(secret).unwrap();
    let escaped = &escaped[1..escaped.len() - 1];
    let first = secret.chars().next().unwrap();
    lines.push(format!(
        r#"{{"messages": {ok}, "note": "\ud83d\ude00{escaped}"}}"#
    ));
    lines.push(format!(
        r#"{{"messages": {ok}, "note": "x \u{:04x}{}"}}"#,
        u32::from(first),
        &escaped[first.len_utf8()..]
    ));
    lines.push(format!(r#"{{"messages": {ok}, "note": 1e{escaped}}}"#));
    // Between words of a language written without spaces, in a system prompt (`stats`
    // shows its variants) and a user turn, with a finding (S005) beside them.
    lines.push(
        json!({"messages": [
            {"role": "system", "content": format!("密钥是{secret}请保密")},
            {"role": "user", "content": format!("我的密钥是{secret}请帮我看看")},
            {"role": "bot", "content": "It is sunny and warm in Paris today."}
        ]})
        .to_string(),
    );
    // With a run of one character glued after it, which is no random key's end, and a
    // finding (S005) beside it.
    lines.push(
        json!({"messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "bot", "content": format!("{secret}AAAAAA or {secret}0000000000")}
        ]})
        .to_string(),
    );
    // The edges of the window `full` shows: the secret starts left of it, or runs past its
    // right end, by various amounts, with a finding (S005) beside it.
    for pad in [0, 10, 25, 40, 60, 90, 130] {
        let text = format!("{} {secret} and more", "x".repeat(pad));
        lines.push(
            json!({"messages": [
                {"role": "user", "content": text},
                {"role": "bot", "content": "It is sunny and warm in Paris today."}
            ]})
            .to_string(),
        );
        lines.push(
            json!({"messages": [
                {"role": "user", "content": "What is the weather in Paris?"},
                {"role": "bot", "content": format!("{} {secret} see", "y".repeat(pad))}
            ]})
            .to_string(),
        );
    }
    lines
}

/// A record whose user turn has `secret` split in the middle between two text parts.
fn split_between_parts(secret: &str) -> String {
    let half = secret
        .char_indices()
        .nth(secret.chars().count() / 2)
        .unwrap()
        .0;
    parts_record(
        &[
            &format!("my key is {}", &secret[..half]),
            &format!("{} and that is all", &secret[half..]),
        ],
        "Revoke it now; never paste keys into a chat.",
    )
}

/// A chat record whose user turn is the text parts `parts`, answered by `answer`.
fn parts_record(parts: &[&str], answer: &str) -> String {
    let parts: Vec<_> = parts
        .iter()
        .map(|t| json!({"type": "text", "text": t}))
        .collect();
    json!({"messages": [
        {"role": "user", "content": parts},
        {"role": "assistant", "content": answer}
    ]})
    .to_string()
}

const FORMATS: &[&str] = &[
    "full", "concise", "json", "sarif", "github", "markdown", "html",
];

#[test]
fn no_format_prints_eight_characters_of_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, secret) in secrets() {
        let path = dir.path().join(format!("{kind}.jsonl"));
        let mut body = lines_with(&secret).join("\n");
        // Split between two text parts of one content, which a trainer joins (reported by
        // P006 only, so not among the places `lines_with` echoes).
        body.push('\n');
        body.push_str(&split_between_parts(&secret));
        body.push('\n');
        let hidden = hidden_part(kind, &secret);
        body.push_str(&broken_by_line_breaks(&secret, &hidden));
        body.push('\n');
        std::fs::write(&path, body).unwrap();
        let hidden: Vec<char> = hidden.chars().collect();
        for format in FORMATS {
            let output = Command::cargo_bin("tunelint")
                .unwrap()
                .current_dir(dir.path())
                .args(["--isolated", "--color", "never", "--statistics", "--format"])
                .arg(format)
                .arg(&path)
                .env_remove("GITHUB_ACTIONS")
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            // JSON outputs escape `/` and `+` not at all, but a PEM body's line breaks are
            // `\n` (`\r\n`) there: compare against the text with escapes undone too.
            let unescaped = text.replace("\\r", "\r").replace("\\n", "\n");
            assert!(
                output.status.code() == Some(1),
                "{kind} in {format}: exit {:?}\n{text}",
                output.status.code()
            );
            for run in hidden.windows(8) {
                let run: String = run.iter().collect();
                assert!(
                    !text.contains(&run) && !unescaped.contains(&run),
                    "{format} prints {run:?} of the {kind} secret:\n{}",
                    text.lines()
                        .filter(|l| l.contains(&run))
                        .take(5)
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
    }
}

#[test]
fn the_positions_are_really_echoed() {
    // The test above is only worth something if the places it fills are reported: each
    // line draws a finding, and a harmless value there is printed as it is.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.jsonl");
    let value = "plainvalue";
    let mut body = lines_with(value).join("\n");
    body.push('\n');
    std::fs::write(&path, &body).unwrap();
    let output = Command::cargo_bin("tunelint")
        .unwrap()
        .args(["--isolated", "--format", "concise"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    for code in ["S008", "J010", "S005", "S009", "S010", "S011", "S007"] {
        let echoed = text
            .lines()
            .any(|l| l.contains(&format!(" {code} ")) && l.contains(value));
        assert!(echoed, "{code} does not quote the value:\n{text}");
    }
    let lines = body.lines().count();
    for n in 1..=lines {
        assert!(
            text.lines().any(|l| l.contains(&format!(":{n}:"))),
            "line {n} draws no finding:\n{text}"
        );
    }
}

/// `sample` hands records to reviewers: neither its text nor its JSON Lines carry a secret,
/// also when the data writes one with escapes a raw-text search does not see through (a
/// `\u0073` for the `s` of `sk-`, a private key's `\r\n`).
/// `stats` shows system prompts (its variants table) in every format: masked there too.
#[test]
fn stats_prints_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, secret) in secrets() {
        let path = dir.path().join(format!("{kind}.jsonl"));
        let mut body = lines_with(&secret).join("\n");
        body.push('\n');
        std::fs::write(&path, body).unwrap();
        let hidden: Vec<char> = hidden_part(kind, &secret).chars().collect();
        for format in ["full", "json", "markdown", "html"] {
            let output = Command::cargo_bin("tunelint")
                .unwrap()
                .current_dir(dir.path())
                .args(["stats", "--isolated", "--no-tokens", "--format", format])
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{kind} {format}");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            let unescaped = text.replace("\\r", "\r").replace("\\n", "\n");
            for run in hidden.windows(8) {
                let run: String = run.iter().collect();
                assert!(
                    !text.contains(&run) && !unescaped.contains(&run),
                    "stats --format {format} prints {run:?} of the {kind} secret"
                );
            }
        }
    }
}

#[test]
fn a_sample_carries_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, secret) in secrets() {
        let plain =
            json!({"messages": chat(&format!("my key is {secret} and that is all"))}).to_string();
        // The same record with the secret's first character written as a `\u` escape.
        let first = secret.chars().next().unwrap();
        let quoted = serde_json::to_string(&secret).unwrap();
        let escaped_secret = format!("\\u{:04x}{}", first as u32, &quoted[2..quoted.len() - 1]);
        let escaped = plain.replacen(&quoted[1..quoted.len() - 1], &escaped_secret, 1);
        assert_ne!(escaped, plain, "{kind}");
        // Records no format reads, shown as written: the secret after an escaped emoji
        // (glued to the digit that ends `\ude00`), and with its first character escaped.
        let body = &quoted[1..quoted.len() - 1];
        let raw_glued = format!(r#"{{"note": "\ud83d\ude00{body}"}}"#);
        let raw_escaped = format!(r#"{{"note": "x {escaped_secret}"}}"#);
        // Glued to words of a language written without spaces.
        let cjk = json!({"messages": chat(&format!("我的密钥是{secret}请帮我看看"))}).to_string();
        let path = dir.path().join(format!("{kind}.jsonl"));
        let split = split_between_parts(&secret);
        std::fs::write(
            &path,
            format!("{plain}\n{escaped}\n{raw_glued}\n{raw_escaped}\n{cjk}\n{split}\n"),
        )
        .unwrap();
        let hidden: Vec<char> = hidden_part(kind, &secret).chars().collect();
        for format in ["text", "jsonl"] {
            let output = Command::cargo_bin("tunelint")
                .unwrap()
                .current_dir(dir.path())
                .args(["sample", "--isolated", "-n", "6", "--format", format])
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{kind} {format}");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            // What a JSON reader gets from the JSON Lines: every string decoded.
            let mut decoded = String::new();
            if format == "jsonl" {
                assert_eq!(text.lines().count(), 6, "{text}");
                for line in text.lines() {
                    let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                    strings(&value, &mut decoded);
                }
            }
            for run in hidden.windows(8) {
                let run: String = run.iter().collect();
                assert!(
                    !text.contains(&run) && !decoded.contains(&run),
                    "sample --format {format} prints {run:?} of the {kind} secret:\n{text}"
                );
            }
        }
    }
}

/// Every string in `value`, one per line.
fn strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// An answer meant to be bad (a preference pair's rejected answer, an undesirable KTO answer)
/// is kept out of the content rules, but it is trained on all the same: a key in it leaks as
/// any other, and P006 reports it where it is, in each preference shape.
#[test]
fn a_secret_in_a_rejected_answer_is_reported() {
    let key = "AKIAZ7QX3M9KV2LR8TWB";
    let ask = "What is my key for the staging server?";
    let refuse = "I cannot share credentials; your administrator can issue you one.";
    let leak = format!("Sure: {key} is the key.");
    let records = [
        json!({"input": {"messages": [{"role": "user", "content": ask}]},
               "preferred_output": [{"role": "assistant", "content": refuse}],
               "non_preferred_output": [{"role": "assistant", "content": leak}]}),
        json!({"prompt": ask, "chosen": refuse, "rejected": leak}),
        json!({"chosen": format!("Q: {ask} A: {refuse}"), "rejected": format!("Q: {ask} A: {leak}")}),
        json!({"chosen": [{"role": "user", "content": ask}, {"role": "assistant", "content": refuse}],
               "rejected": [{"role": "user", "content": ask}, {"role": "assistant", "content": leak}]}),
        json!({"prompt": ask, "completion": leak, "label": false}),
        json!({"messages": [{"role": "user", "content": ask}, {"role": "assistant", "content": leak}], "kto_tag": false}),
    ];
    let dir = tempfile::tempdir().unwrap();
    for record in records {
        let line = record.to_string();
        let path = dir.path().join("pref.jsonl");
        std::fs::write(&path, format!("{line}\n")).unwrap();
        let stdout = p006(dir.path(), &path);
        let column = line[..line.find(key).unwrap()].chars().count() + 1;
        assert!(
            stdout.contains(&format!(":1:{column}: P006 secret \"AKIA")),
            "{line}\n{stdout}"
        );
    }
}

/// A key anywhere in a record is reported, once, where it is written: in a tool call's
/// arguments and a tool's result that a format keeps as JSON (Gemini's, Bedrock Nova's), in
/// reasoning, an image's URL, a tool's definition, a record's key, a metadata column, and in a
/// record its format cannot read as an example.
#[test]
fn a_secret_anywhere_in_a_record_is_reported_once() {
    let key = "AKIAZ7QX3M9KV2LR8TWB";
    let ask = "Deploy the service to production, please.";
    let done = "The service is deployed to production.";
    let records = [
        (
            json!({"contents": [{"role": "user", "parts": [{"text": ask}]},
            {"role": "model", "parts": [{"functionCall": {"name": "deploy", "args": {"token": key}}}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "deploy", "response": {"status": "ok"}}}]},
            {"role": "model", "parts": [{"text": done}]}]}),
            "in tool call arguments",
        ),
        (
            json!({"contents": [{"role": "user", "parts": [{"text": ask}]},
            {"role": "model", "parts": [{"functionCall": {"name": "deploy", "args": {}}}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "deploy", "response": {"used": key}}}]},
            {"role": "model", "parts": [{"text": done}]}]}),
            "in tool result",
        ),
        (
            json!({"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "You deploy services."}],
            "messages": [{"role": "user", "content": [{"text": ask}]},
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "deploy", "input": {"token": key}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "ok"}]}}]},
            {"role": "assistant", "content": [{"text": done}]}]}),
            "in tool call arguments",
        ),
        (
            json!({"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "You deploy services."}],
            "messages": [{"role": "user", "content": [{"text": ask}]},
            {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": format!("The key is {key}.")}}}, {"text": done}]}]}),
            "in reasoning",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"type": "text", "text": ask},
            {"type": "image_url", "image_url": {"url": format!("https://cdn.example.com/{key}/cat.png")}}]},
            {"role": "assistant", "content": done}]}),
            "outside its messages' text",
        ),
        (
            json!({"messages": [{"role": "user", "content": ask}, {"role": "assistant", "content": done}],
            "tools": [{"type": "function", "function": {"name": "deploy", "description": format!("Deploys with {key}."),
            "parameters": {"type": "object", "properties": {}}}}]}),
            "in tool definitions",
        ),
        (
            json!({"messages": [{"role": "user", "content": ask}, {"role": "assistant", "content": done}], key: 1}),
            "outside its messages' text",
        ),
        (
            json!({"messages": [{"role": "user", "content": ask}, {"role": "assistant", "content": done}],
            "metadata": {"source": format!("export with {key}")}}),
            "outside its messages' text",
        ),
        (
            json!({"conversation": [{"role": "user", "content": format!("{ask} {key}")}]}),
            "which is not read as an example",
        ),
        // In a message's text: reported as content, not a second time as the record's.
        (
            json!({"messages": [{"role": "user", "content": format!("{ask} {key}")}, {"role": "assistant", "content": done}]}),
            "in user content",
        ),
    ];
    let mut lines: Vec<(String, &str)> = records
        .into_iter()
        .map(|(record, place)| (record.to_string(), place))
        .collect();
    // Lines that are no record at all are committed all the same.
    lines.push((
        json!(["deploy key", key]).to_string(),
        "which is not a JSON object",
    ));
    lines.push((
        format!("{{\"messages\": [{{\"role\": \"user\", \"content\": \"{ask} {key}\"}}"),
        "which is not valid JSON",
    ));
    let dir = tempfile::tempdir().unwrap();
    // A second, clean record: a file of one line that is one JSON array is not JSON Lines
    // (J007, on whatever is selected), and is not read line by line.
    let clean = json!({"messages": [{"role": "user", "content": ask}, {"role": "assistant", "content": done}]});
    for (line, place) in lines {
        let path = dir.path().join("data.jsonl");
        std::fs::write(&path, format!("{line}\n{clean}\n")).unwrap();
        let stdout = p006(dir.path(), &path);
        let findings: Vec<&str> = stdout.lines().filter(|l| l.contains(" P006 ")).collect();
        assert_eq!(findings.len(), 1, "{line}\n{stdout}");
        let column = line[..line.find(key).unwrap()].chars().count() + 1;
        assert!(
            findings[0].contains(&format!(":1:{column}: P006 secret \"AKIA")),
            "{line}\n{stdout}"
        );
        assert!(findings[0].contains(place), "{line}\n{stdout}");
        assert!(!stdout.contains(&key[4..12]), "{stdout}");
    }
}

/// A key split between two text parts of one content is trained on whole, as the trainer
/// joins the parts: P006 reports it once, from its start in the first part to its end in the
/// second, in each shape whose content is a list of parts. A key inside one part is reported
/// with that part alone, not a second time with the joined text.
#[test]
fn a_secret_split_between_text_parts_is_reported() {
    let key = "AKIAZ7QX3M9KV2LR8TWB";
    let (head, tail) = key.split_at(9);
    let done = "The service is deployed to production.";
    let records = [
        json!({"messages": [{"role": "user", "content": [{"type": "text", "text": format!("deploy with {head}")},
            {"type": "text", "text": format!("{tail} please")}]}, {"role": "assistant", "content": done}]}),
        json!({"contents": [{"role": "user", "parts": [{"text": format!("deploy with {head}")}, {"text": format!("{tail} please")}]},
            {"role": "model", "parts": [{"text": done}]}]}),
        json!({"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "You deploy services."}],
            "messages": [{"role": "user", "content": [{"text": format!("deploy with {head}")}, {"text": tail}]},
            {"role": "assistant", "content": [{"text": done}]}]}),
        // An empty part between the two halves joins nothing.
        json!({"messages": [{"role": "user", "content": [{"type": "text", "text": format!("deploy with {head}")},
            {"type": "text", "text": ""}, {"type": "text", "text": format!("{tail} please")}]}, {"role": "assistant", "content": done}]}),
        // Whole in the second part: reported there, once.
        json!({"messages": [{"role": "user", "content": [{"type": "text", "text": "deploy with "},
            {"type": "text", "text": format!("{key} please")}]}, {"role": "assistant", "content": done}]}),
    ];
    let dir = tempfile::tempdir().unwrap();
    for record in records {
        let line = record.to_string();
        let path = dir.path().join("data.jsonl");
        std::fs::write(&path, format!("{line}\n")).unwrap();
        let stdout = p006(dir.path(), &path);
        let findings: Vec<&str> = stdout.lines().filter(|l| l.contains(" P006 ")).collect();
        assert_eq!(findings.len(), 1, "{line}\n{stdout}");
        let start = line.find(head).unwrap();
        let column = line[..start].chars().count() + 1;
        assert!(
            findings[0].contains(&format!(":1:{column}: P006 secret \"AKIA")),
            "{line}\n{stdout}"
        );
        assert!(findings[0].contains("in user content"), "{line}\n{stdout}");
        // The span ends with the key's last character, in the part that holds it.
        let json_out = Command::cargo_bin("tunelint")
            .unwrap()
            .current_dir(dir.path())
            .args(["--isolated", "--format", "json", "--select", "P006"])
            .arg(&path)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&json_out.stdout).unwrap();
        let finding = &report["diagnostics"][0];
        let end = line.find(tail).unwrap() + tail.len();
        assert_eq!(
            finding["end_column"],
            json!(line[..end].chars().count() + 1),
            "{line}\n{finding}"
        );
        assert!(!stdout.contains(&key[4..12]), "{stdout}");
    }
}

/// A match inside one part that the next part's first characters lengthen when the parts
/// are joined (`jane@gmail.com` + `and more`, a key + `Thanks`, a phone number + more
/// digits) is reported once, with its part, not a second time across the parts.
#[test]
fn a_match_the_next_part_lengthens_is_reported_once() {
    let record = |parts: &[&str]| parts_record(parts, "Noted, thank you for telling me.");
    let lines = [
        record(&["key sk-proj-Ab3dEf6hGi9kLm2nOp5qRs8t", "Thanks a lot"]),
        record(&["mail jane.doe@gmail.com", "and more"]),
        record(&["call +44 20 7946", " 0958 today"]),
        record(&["key sk-proj-Ab3dEf6hGi9kLm2nOp5q", "Rs8tUv ok"]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let output = Command::cargo_bin("tunelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--isolated", "--format", "concise", "--select", "P"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let codes: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|c| c.starts_with('P'))
        .collect();
    assert_eq!(codes, ["P006", "P001", "P002", "P006"], "{stdout}");
}

/// The `full` output shows one window of one line: the half of a split key on a line of its
/// own (a pretty-printed array) or far from the other half (an image between the parts) is
/// masked all the same in the snippet of another finding on its line.
#[test]
fn a_split_key_far_apart_is_masked_in_every_snippet() {
    let (head, tail) = ("AKIAZ7QX3", "M9KV2LR8TWB");
    let image = format!("data:image/png;base64,{}", "iVBORw0KGgo".repeat(4000));
    let parts = |between: Option<&str>| {
        let mut parts = vec![json!({"type": "text", "text": format!("key {head}")})];
        if let Some(url) = between {
            parts.push(json!({"type": "image_url", "image_url": {"url": url}}));
        }
        parts.push(json!({"type": "text", "text": format!("{tail} mail bob.smith@gmail.com")}));
        json!({"messages": [{"role": "user", "content": parts},
            {"role": "assistant", "content": "Sure, done."}]})
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pretty.json"),
        serde_json::to_string_pretty(&json!([parts(None)])).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("image.jsonl"),
        format!("{}\n", parts(Some(&image))),
    )
    .unwrap();
    for file in ["pretty.json", "image.jsonl"] {
        let output = Command::cargo_bin("tunelint")
            .unwrap()
            .current_dir(dir.path())
            .args(["--isolated", "--color", "never", "--format", "full", file])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("P001"), "{file}: {stdout}");
        assert!(stdout.contains("P006"), "{file}: {stdout}");
        assert!(!stdout.contains(&tail[..8]), "{file}: {stdout}");
        assert!(!stdout.contains("Z7QX3"), "{file}: {stdout}");
    }
    // The second piece without a digit, and keys written with separators (a JWT's `.`, a PEM
    // body's `\n`), each split between two parts, one per line of a pretty-printed array.
    let pieces = [
        (
            "my key is AKIA4QW7ZR2K",
            "XNBQTGHM, write to bob.smith@acme-corp.io",
        ),
        (
            "token eyJhbGciOiJIUzI1Ni",
            "J9.eyJzdWIiOiI5ODc2NTQzMjEwIn0.Qx7vKp2LmN9sR4tW8yZ1bC5dF3gH6jK0mP_aQssw9Zq bob.smith@acme-corp.io",
        ),
        (
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
            "BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3S\n-----END PRIVATE KEY----- bob.smith@acme-corp.io",
        ),
    ];
    let records: Vec<_> = pieces
        .iter()
        .map(|(a, b)| {
            serde_json::from_str::<serde_json::Value>(&parts_record(&[a, b], "ok")).unwrap()
        })
        .collect();
    std::fs::write(
        dir.path().join("pieces.json"),
        serde_json::to_string_pretty(&records).unwrap(),
    )
    .unwrap();
    let output = Command::cargo_bin("tunelint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "--isolated",
            "--color",
            "never",
            "--format",
            "full",
            "pieces.json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("error[P006]").count(), 3, "{stdout}");
    for (_, second) in pieces {
        let secret: Vec<char> = second.split([' ', ',']).next().unwrap().chars().collect();
        for run in secret.windows(8) {
            let run: String = run.iter().collect();
            if run.contains("-----") || run.contains("KEY") || run.contains("\n") {
                continue;
            }
            assert!(!stdout.contains(&run), "prints {run:?}:\n{stdout}");
        }
    }
}

/// `[pii] allow` lets a match through, not what the next part makes of it: an allowed
/// address in one part that the next part lengthens into another is reported, wherever the
/// parts are split.
#[test]
fn an_allowed_match_does_not_hide_a_longer_one_across_parts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tunelint.toml"),
        "[pii]\nallow = ['^bob\\.smith@acme-corp\\.io$']\n",
    )
    .unwrap();
    let record = |parts: &[&str]| parts_record(parts, "ok");
    let lines = [
        record(&["mail bob.smith@acme-corp.io.evil.net"]),
        record(&["mail bob.smith@acme-corp.io", ".evil.net"]),
        record(&["mail bob.smith@acme-corp.i", "o.evil.net"]),
        record(&["mail bob.smith@acme-corp.io"]),
    ];
    std::fs::write(dir.path().join("a.jsonl"), lines.join("\n") + "\n").unwrap();
    let output = Command::cargo_bin("tunelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["--format", "concise", "--select", "P001", "a.jsonl"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(" P001 "))
        .map(|l| l.split(':').nth(1).unwrap())
        .collect();
    assert_eq!(lines, ["1", "2", "3"], "{stdout}");
}

/// axolotl joins a template-free record's segments as written: a key split between two
/// is reported once, where it starts, and one inside a segment once too.
#[test]
fn a_key_split_between_segments_is_reported() {
    let split = json!({"segments": [
        {"label": false, "text": "User: my key is AKIAZ7QX3"},
        {"label": false, "text": "M9KV2LR8TWB thanks\n"},
        {"label": true, "text": "Assistant: revoke it now."}
    ]})
    .to_string();
    let whole = json!({"segments": [
        {"label": false, "text": "User: my key is AKIAZ7QX3M9KV2LR8TWB"},
        {"label": true, "text": "Thanks"}
    ]})
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.jsonl");
    std::fs::write(&path, format!("{split}\n{whole}\n")).unwrap();
    let stdout = p006(dir.path(), &path);
    let findings: Vec<&str> = stdout.lines().filter(|l| l.contains(" P006 ")).collect();
    let column = split.find("AKIA").unwrap() + 1;
    assert_eq!(findings.len(), 2, "{stdout}");
    assert!(
        findings[0].contains(&format!(":1:{column}: P006")),
        "{stdout}"
    );
    assert!(findings[1].contains(":2:"), "{stdout}");
    // axolotl trains on such a record: it is not called "not read as an example".
    for finding in findings {
        assert!(
            finding.contains("in the template-free record;"),
            "{finding}"
        );
    }
}

/// The concise report of P006 alone on `path`, run in `dir`.
fn p006(dir: &std::path::Path, path: &std::path::Path) -> String {
    let output = Command::cargo_bin("tunelint")
        .unwrap()
        .current_dir(dir)
        .args(["--isolated", "--format", "concise", "--select", "P006"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The shortest secret: a password in a URL in a metadata column.
#[test]
fn a_short_password_in_a_url_outside_the_messages_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let line = json!({"messages": [{"role": "user", "content": "Which server is it?"},
        {"role": "assistant", "content": "The staging one, as always."}], "db": "ftp://u:pw12x@h"})
    .to_string();
    let path = dir.path().join("data.jsonl");
    std::fs::write(&path, format!("{line}\n")).unwrap();
    let stdout = p006(dir.path(), &path);
    assert!(
        stdout.contains("P006 secret \"://u******\" (password in a URL) in the record, outside its messages' text"),
        "{stdout}"
    );
    assert!(!stdout.contains("pw12x"), "{stdout}");
}

/// An error about the configuration quotes the value it is about (an unknown key, a target,
/// a glob): a key pasted there is masked in the message as in the line shown under it.
#[test]
fn a_configuration_error_prints_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.jsonl"),
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hello there friend\"},{\"role\":\"assistant\",\"content\":\"Hello! How can I help?\"}]}\n",
    )
    .unwrap();
    for (kind, secret) in secrets() {
        if kind.starts_with("pem") || kind == "url-password" {
            continue;
        }
        let hidden: Vec<char> = hidden_part(kind, &secret).chars().collect();
        for config in [
            format!("target = \"{secret}\"\n"),
            // Past the 40 characters an invalid value is cut to: masked before the cut.
            format!("target = \" {secret}\"\n"),
            format!("format = \"{} {secret}\"\n", "x".repeat(20)),
            format!("include = [\"[{secret}\"]\n"),
            format!("\"{secret}\" = 1\n"),
        ] {
            std::fs::write(dir.path().join("tunelint.toml"), &config).unwrap();
            let output = Command::cargo_bin("tunelint")
                .unwrap()
                .current_dir(dir.path())
                .args(["check", "d.jsonl"])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{config}: {stderr}");
            assert!(stderr.contains("tunelint.toml:1:"), "{config}: {stderr}");
            for run in hidden.windows(8) {
                let run: String = run.iter().collect();
                assert!(
                    !stderr.contains(&run),
                    "{config}: {kind} shows {run:?}:\n{stderr}"
                );
            }
        }
    }
}

/// clap rejects a value of the command line by quoting it (`--target KEY`): masked too, as
/// CI logs keep it; help and version still print as usual.
#[test]
fn a_rejected_command_line_value_prints_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, secret) in secrets() {
        if kind.starts_with("pem") || kind == "url-password" {
            continue;
        }
        let hidden: Vec<char> = hidden_part(kind, &secret).chars().collect();
        for args in [
            vec!["check", "--target", secret.as_str(), "d.jsonl"],
            vec!["check", "--min-valid-pct", secret.as_str(), "d.jsonl"],
            vec!["sample", "--seed", secret.as_str(), "d.jsonl"],
        ] {
            let output = Command::cargo_bin("tunelint")
                .unwrap()
                .current_dir(dir.path())
                .args(&args)
                .env_remove("NO_COLOR")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains("error: invalid value"),
                "{args:?}: {stderr}"
            );
            for run in hidden.windows(8) {
                let run: String = run.iter().collect();
                assert!(
                    !stderr.contains(&run),
                    "{args:?}: {kind} shows {run:?}:\n{stderr}"
                );
            }
        }
    }
    let help = Command::cargo_bin("tunelint")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: tunelint"));
}

/// A password in a URL whose `@` and host begin the next text part (or whose `@` ends the
/// first): the joined text holds the whole URL, so it is reported, from `://` to the end of
/// the password in the first part. Neither part held a match on its own.
#[test]
fn a_url_password_split_at_its_at_sign_is_reported() {
    let record = |parts: &[&str]| parts_record(parts, "Please change it now, it is live.");
    let lines = [
        record(&[
            "see postgres://admin:NGMGmSrCGIZEG8pS",
            "@db.internal.acme.io:5432/prod",
        ]),
        record(&[
            "see postgres://admin:NGMGmSrCGIZEG8pS@",
            "db.internal.acme.io:5432/prod",
        ]),
        record(&[
            "see postgres://admin:NGMGmSrCGIZEG8",
            "pS@db.internal.acme.io:5432/prod",
        ]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let stdout = p006(dir.path(), &path);
    for (i, line) in lines.iter().enumerate() {
        let column = line[..line.find("://").unwrap()].chars().count() + 1;
        let at = format!("data.jsonl:{}:{column}: P006 secret", i + 1);
        assert_eq!(
            stdout.lines().filter(|l| l.contains(&at)).count(),
            1,
            "{at}\n{stdout}"
        );
    }
    assert!(!stdout.contains("GMGmSr"), "{stdout}");
}

/// A key wrapped onto the next line by a terminal and pasted: the finding is the first line's
/// key, and no output shows the wrapped rest either (`full`'s snippet, `sample` as text and
/// as JSONL printed its 18 characters in clear).
#[test]
fn the_wrapped_rest_of_a_key_is_masked_too() {
    let tail = "fJBd0Kh8oOOL8dKLzd";
    let content = format!(
        "My terminal shows:\n  OPENAI_API_KEY=sk-proj-u8jzPde0IgxLd6GncfBAep\n{tail}\nwhy?"
    );
    let line = json!({"messages": [{"role": "user", "content": content},
        {"role": "assistant", "content": "Please revoke it now, that key is live."}]})
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), format!("{line}\n")).unwrap();
    let runs: [&[&str]; 3] = [
        &["check", "--format", "full", "--color", "never", "t.jsonl"],
        &["sample", "t.jsonl"],
        &["sample", "--format", "jsonl", "t.jsonl"],
    ];
    for args in runs {
        let out = Command::cargo_bin("tunelint")
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .arg("--isolated")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("sk-p") && stdout.contains("why?"),
            "{args:?}\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!stdout.contains(&tail[..8]), "{args:?}\n{stdout}");
        assert!(!stdout.contains(&tail[10..]), "{args:?}\n{stdout}");
    }
    // The finding itself is the key on its line.
    let stdout = p006(dir.path(), &dir.path().join("t.jsonl"));
    assert_eq!(
        stdout.lines().filter(|l| l.contains(" P006 ")).count(),
        1,
        "{stdout}"
    );
}

/// The `check --format full` report, then `sample` as text and as JSON Lines, of `file` in
/// `dir`: everything a user can be shown of a record.
fn shown(dir: &std::path::Path, file: &str) -> Vec<String> {
    let runs: [&[&str]; 3] = [
        &["check", "--format", "full", "--color", "never"],
        &["sample"],
        &["sample", "--format", "jsonl"],
    ];
    runs.iter()
        .map(|args| {
            let out = Command::cargo_bin("tunelint")
                .unwrap()
                .current_dir(dir)
                .args(*args)
                .args(["--isolated", file])
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .collect()
}

/// A JSON Web Token whose claims carry many groups (Keycloak's, Azure AD's) runs past 8 KB:
/// it is reported where it starts and masked to its end, signature included.
#[test]
fn a_json_web_token_longer_than_8_kb_is_reported_and_masked() {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let claims: String = (0..12_000)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ALPHABET[(state >> 58) as usize] as char
        })
        .collect();
    let signature = "Zk8pQ2vR7mT4wL9nB3cY6hJ1fD5gS0aEuI7oPqXw";
    let jwt = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{claims}.{signature}");
    let line = json!({"messages": [
        {"role": "user", "content": format!("It fails with token {jwt} , caf\u{c3}\u{a9} why?")},
        {"role": "assistant", "content": "Never paste tokens into a chat: revoke it, then sign in again."}]})
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), format!("{line}\n")).unwrap();
    let column = line.find("eyJ").unwrap() + 1;
    let stdout = p006(dir.path(), &dir.path().join("t.jsonl"));
    assert!(
        stdout.contains(&format!(
            "t.jsonl:1:{column}: P006 secret \"eyJh********************************\" (JSON Web Token)"
        )),
        "{stdout}"
    );
    for out in shown(dir.path(), "t.jsonl") {
        assert!(out.contains("why?"), "{out}");
        assert!(!out.contains(&signature[4..12]), "{out}");
        for piece in claims
            .as_bytes()
            .chunks(8)
            .map(|p| std::str::from_utf8(p).unwrap())
        {
            assert!(!out.contains(piece), "{piece} shows in\n{out}");
        }
    }
}

/// Web pages and chat apps put a zero-width space or a soft hyphen into a long token so it
/// can wrap, and a copied key carries them, as an escape or as the character itself: the
/// key is reported from its start, and masked to its end, not only up to that character.
#[test]
fn a_key_with_an_invisible_character_inside_is_reported_and_masked_whole() {
    let tail = "1zB6cY3hJ5fD0gS2aE7uI9oPqXw4Lm8Nv2Rt6Yb";
    let github_tail = "1k2L3m4N5o6P7q8R";
    let answer = r#"{"role": "assistant", "content": "Never paste keys into a chat: revoke it, then create a new one."}"#;
    let lines = [
        format!(
            r#"{{"messages": [{{"role": "user", "content": "My key sk-proj-Q7vX2mR9kL4pT8wN\u200b{tail} fails"}}, {answer}]}}"#
        ),
        format!(
            "{{\"messages\": [{{\"role\": \"user\", \"content\": \"My key sk-proj-Q7vX2mR9kL4pT8wN\u{200b}{tail} fails\"}}, {answer}]}}"
        ),
        format!(
            r#"{{"messages": [{{"role": "user", "content": "Other key ghp_1a2B\u00ad3c4D5e6F7g8H9i0J{github_tail} fails"}}, {answer}]}}"#
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), lines.join("\n") + "\n").unwrap();
    let stdout = p006(dir.path(), &dir.path().join("t.jsonl"));
    for (n, line) in lines.iter().enumerate() {
        let at = line.find("sk-proj").or_else(|| line.find("ghp_")).unwrap();
        let column = line[..at].chars().count() + 1;
        let kind = if line.contains("ghp_") {
            "GitHub token"
        } else {
            "OpenAI API key"
        };
        assert!(
            stdout.contains(&format!("t.jsonl:{}:{column}: P006 secret", n + 1))
                && stdout.lines().nth(n).is_some_and(|l| l.contains(kind)),
            "{stdout}"
        );
    }
    for out in shown(dir.path(), "t.jsonl") {
        assert!(out.contains("fails"), "{out}");
        for piece in [
            &tail[..8],
            &tail[16..24],
            &tail[tail.len() - 8..],
            github_tail,
        ] {
            assert!(!out.contains(piece), "{piece} shows in\n{out}");
        }
        assert!(!out.contains("3c4D5e6F"), "{out}");
    }
}

/// An invisible character between a word and a key parts them (a word break), as it
/// did before keys were read through such characters: the key is reported once, where it
/// starts, and a key with one inside in the same text is reported once too.
#[test]
fn a_key_after_an_invisible_word_break_is_still_reported() {
    let key = "sk-proj-Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7";
    let answer = r#"{"role": "assistant", "content": "Never paste keys into a chat: revoke it, then create a new one."}"#;
    let lines = [
        format!(
            r#"{{"messages": [{{"role": "user", "content": "my key is word\u200b{key} ok"}}, {answer}]}}"#
        ),
        format!(
            r#"{{"messages": [{{"role": "user", "content": "a\u200bb and {key} ok, then {}\u200b{} too"}}, {answer}]}}"#,
            &key[..12],
            &key[12..]
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), lines.join("\n") + "\n").unwrap();
    let stdout = p006(dir.path(), &dir.path().join("t.jsonl"));
    let findings: Vec<&str> = stdout.lines().filter(|l| l.contains(" P006 ")).collect();
    let at = |line: &str, from: usize| {
        line[..from + line[from..].find("sk-proj").unwrap()]
            .chars()
            .count()
            + 1
    };
    let second_from = lines[1].find(key).unwrap() + 1;
    assert_eq!(
        findings
            .iter()
            .map(|l| {
                let head = l.split(": P006").next().unwrap_or_default();
                head.rsplit('/').next().unwrap_or_default().to_owned()
            })
            .collect::<Vec<_>>(),
        [
            format!("t.jsonl:1:{}", at(&lines[0], 0)),
            format!("t.jsonl:2:{}", at(&lines[1], 0)),
            format!("t.jsonl:2:{}", at(&lines[1], second_from)),
        ],
        "{stdout}"
    );
}

/// Writes `t.jsonl`, one record per text (a user message holding it, then `answer`), and
/// asserts that P006 reports each line once, where its `starts` text first occurs; the
/// folder, for the checks of what the outputs show.
fn p006_once_each(texts: &[&str], starts: &[&str], answer: &str) -> tempfile::TempDir {
    let lines: Vec<String> = texts
        .iter()
        .map(|text| {
            format!(r#"{{"messages": [{{"role": "user", "content": "{text}"}}, {answer}]}}"#)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), lines.join("\n") + "\n").unwrap();
    let stdout = p006(dir.path(), &dir.path().join("t.jsonl"));
    let findings: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains(" P006 "))
        .map(|l| {
            let head = l.split(": P006").next().unwrap_or_default();
            head.rsplit('/').next().unwrap_or_default().to_owned()
        })
        .collect();
    let expected: Vec<String> = lines
        .iter()
        .zip(starts)
        .enumerate()
        .map(|(n, (line, start))| {
            let column = line[..line.find(start).unwrap()].chars().count() + 1;
            format!("t.jsonl:{}:{column}", n + 1)
        })
        .collect();
    assert_eq!(findings, expected, "{stdout}");
    dir
}

/// A key with invisible characters both inside it and at its edges: a JSON Web Token
/// wrapped at its dots (a web page's wrap points), and a key joined by one to the word
/// before or after it with another inside it. Each is reported once, at its first character
/// as written, whatever else the text holds, and no output shows a piece of it.
#[test]
fn a_key_with_invisible_characters_inside_and_at_its_edges_is_reported_and_masked() {
    let jwt = [
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        "eyJzdWIiOiI5ODc2NTQzMjEiLCJyb2xlIjoiYWRtaW4ifQ",
        "Q3vT9xKp2LmZ8wRbN4cYd7FhJ1sGa6EuVo0iXq5TnWk",
    ];
    let openai = ["sk-proj-Q7vX", "2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7"];
    let aws = ["AKIA4QW7", "ZR2KXNB5TG3M"];
    let answer = r#"{"role": "assistant", "content": "Revoke it now and create a new one."}"#;
    // Each text, and the key's pieces between its invisible characters.
    let cases: [(String, &[&str]); 6] = [
        (
            format!(
                r"my token {}.\u200b{}.\u200b{} fails",
                jwt[0], jwt[1], jwt[2]
            ),
            &jwt,
        ),
        (
            format!(
                r"my token {}\u200b.{}\u00ad.{} fails",
                jwt[0], jwt[1], jwt[2]
            ),
            &jwt,
        ),
        (
            format!(r"my key is word\u200b{}\u200b{} ok", openai[0], openai[1]),
            &openai,
        ),
        (
            format!(r"aws id: x\u200b{}\u200b{} ok", aws[0], aws[1]),
            &aws,
        ),
        (
            format!(r"aws id: {}\u200b{}\u200bfoo ok", aws[0], aws[1]),
            &aws,
        ),
        (
            format!(r"aws id: {}\u2060{}\u200bfoo ok", aws[0], aws[1]),
            &aws,
        ),
    ];
    let starts: Vec<&str> = cases.iter().map(|(_, pieces)| pieces[0]).collect();
    let texts: Vec<&str> = cases.iter().map(|(text, _)| text.as_str()).collect();
    let dir = p006_once_each(&texts, &starts, answer);
    for (i, out) in shown(dir.path(), "t.jsonl").iter().enumerate() {
        // `full` shows a window of each line; `sample` all of the text after the key.
        assert!(i == 0 || out.matches("fails").count() == 2, "{out}");
        for (_, pieces) in &cases {
            // The first 4 characters of a key are shown; no 4 of the rest are.
            let rest = pieces
                .iter()
                .enumerate()
                .map(|(i, p)| if i == 0 { &p[4..] } else { p });
            for piece in rest {
                for chunk in piece.as_bytes().chunks(4).filter(|c| c.len() == 4) {
                    let chunk = std::str::from_utf8(chunk).unwrap();
                    assert!(!out.contains(chunk), "{chunk} shows in\n{out}");
                }
            }
        }
    }
}

/// A key of no fixed length with an invisible character inside it, joined by another to a
/// stand-in word after it (`...xZ7\u200bexample`), and a bearer token behind an invisible
/// character beside the blank after `Bearer`: each is reported where it starts as written,
/// and no output shows a piece of it.
#[test]
fn a_key_glued_to_a_stand_in_or_behind_an_invisible_blank_is_reported_and_masked() {
    let openai = "sk-proj-Q7vX2mK9pL4nR8sT1wY5zB3cD6fG0hJ2kA9eW4xZ7";
    let bearer = "a8Fk2Lm9Qx7Vb3Np5Rt1Wz4Yc6";
    let answer = r#"{"role": "assistant", "content": "Please rotate it now and never share it."}"#;
    // Each text, where its finding starts, and the secret.
    let cases = [
        (
            format!(
                r"use {}\u200b{}\u200bexample here",
                &openai[..20],
                &openai[20..]
            ),
            "sk-proj",
            openai,
        ),
        (
            format!(r"use {}\u200b{}\u200bxxxx", &openai[..20], &openai[20..]),
            "sk-proj",
            openai,
        ),
        (
            format!(r"Authorization: Bearer \u200b{bearer}"),
            "Bearer",
            bearer,
        ),
        (
            format!(r"Authorization: Bearer\u200b {bearer}"),
            "Bearer",
            bearer,
        ),
    ];
    let starts: Vec<&str> = cases.iter().map(|(_, start, _)| *start).collect();
    let texts: Vec<&str> = cases.iter().map(|(text, _, _)| text.as_str()).collect();
    let dir = p006_once_each(&texts, &starts, answer);
    for out in shown(dir.path(), "t.jsonl") {
        for (_, _, secret) in &cases {
            // The first 4 characters of the secret (a key's prefix) may show; no 8 of the rest.
            for at in 4..secret.len() - 7 {
                let piece = &secret[at..at + 8];
                assert!(!out.contains(piece), "{piece} shows in\n{out}");
            }
        }
    }
}
