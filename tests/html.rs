//! `--format html` through the real binary: a snapshot of the page of the mixed fixture, and
//! what a snapshot could hide: the page is self-contained (no URL to fetch), escapes what the
//! data puts in it, works for `stats` and with `--output-file`, is refused where it makes no
//! sense, and stays under 2 MB for a 100,000-example dataset full of findings.
//!
//! The page as a browser sees it (charts against the JSON output, a screenshot) is tested in
//! `tests/html_browser.rs`.

use std::path::Path;

use assert_cmd::Command;

const FIXTURE: &str = "tests/fixtures/cli/mixed.jsonl";

fn tunelint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(dir).env_remove("GITHUB_ACTIONS");
    cmd
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The page of `args` run from the crate root, with its exit status.
fn page(args: &[&str]) -> (Option<i32>, String) {
    let out = tunelint(root())
        .args(args)
        .arg("--isolated")
        .output()
        .expect("run tunelint");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8 output"),
    )
}

/// What the browser reads as markup: the tags themselves, and the contents of `<style>` and
/// `<script>`. Data is escaped, so its text is never in here.
fn markup(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open..];
        let close = after.find('>').map_or(after.len(), |c| c + 1);
        let tag = &after[..close];
        out.push_str(tag);
        rest = &after[close..];
        for block in ["style", "script"] {
            if tag.starts_with(&format!("<{block}")) {
                let end = rest.find(&format!("</{block}>")).unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Every place a page could make a browser fetch something: the page must have none. Any
/// http(s) left is text a message quoted from the data, escaped, never markup.
fn assert_self_contained(html: &str) {
    let markup = markup(html).to_ascii_lowercase();
    for needle in [
        " src=",
        "<link",
        "url(",
        "@import",
        "<iframe",
        "<object",
        "<embed",
        "<img",
        "srcset",
        "fetch(",
        "xmlhttprequest",
        "websocket",
        "<base",
        "http-equiv",
        "http:",
        "https:",
        "ftp:",
        "://",
    ] {
        assert!(
            !markup.contains(needle),
            "the page's markup contains {needle:?}"
        );
    }
    for (at, _) in markup.match_indices(" href=") {
        assert!(
            markup[at + 6..].starts_with("\"#"),
            "a link leaves the page: {}",
            &markup[at..(at + 80).min(markup.len())]
        );
    }
    assert_eq!(html.matches("<script").count(), 1, "one script, the page's");
}

#[test]
fn html_snapshot() {
    let (code, html) = page(&["--format", "html", FIXTURE]);
    assert_eq!(code, Some(1), "the fixture fails the valid-examples gate");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<h1>tunelint: failed</h1>"), "{html}");
    assert_self_contained(&html);
    assert!(
        !html.contains("http"),
        "no URL at all when the data has none"
    );
    insta::assert_snapshot!("html", html);
}

#[test]
fn every_rule_that_fired_has_an_example_with_its_location_and_message() {
    let (_, html) = page(&["--format", "html", FIXTURE]);
    let (_, concise) = page(&["--format", "concise", "--quiet", FIXTURE]);
    let mut seen = std::collections::BTreeSet::new();
    for line in concise.lines() {
        // PATH:LINE:COL: CODE message
        let mut parts = line.splitn(4, ':');
        let (path, l, c, rest) = (
            parts.next().expect("path"),
            parts.next().expect("line"),
            parts.next().expect("column"),
            parts.next().expect("rest").trim_start(),
        );
        let (code, message) = rest.split_once(' ').expect("code and message");
        if !seen.insert(code.to_string()) {
            continue; // the first of each rule is its example
        }
        assert!(
            html.contains(&format!("data-rule=\"{code}\"")),
            "{code} has no section"
        );
        let message = message
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(
            html.contains(&format!(
                "<code class=\"where\">{path}:{l}:{c}</code> <span class=\"level\">"
            )) && html.contains(&message),
            "{code}'s first finding {path}:{l}:{c} {message} is not its example"
        );
    }
    assert!(!seen.is_empty());
}

#[test]
fn data_cannot_inject_markup_and_links_stay_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evil = r#"{"messages": [{"role": "<script>alert(1)</script>", "content": "hi"}, {"role": "<a href='https://evil.example/x'>", "content": "ok there"}]}"#;
    std::fs::write(dir.path().join("t<b>.jsonl"), format!("{evil}\n{evil}\n")).expect("write");
    let out = tunelint(dir.path())
        .args(["--isolated", "--format", "html", "t<b>.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let html = String::from_utf8(out.stdout).expect("utf-8");
    assert_self_contained(&html);
    assert!(
        !html.contains("<b>") && html.contains("t&lt;b&gt;.jsonl"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
    assert!(!html.contains("<a href"), "{html}");
}

#[test]
fn output_file_holds_the_page_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("report.html");
    let out = tunelint(root())
        .args(["--isolated", "--format", "html", "--output-file"])
        .arg(&target)
        .arg(FIXTURE)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(&target).expect("the page is written");
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
}

#[test]
fn stats_writes_a_report_page_with_token_figures() {
    let (code, html) = page(&["stats", "--format", "html", FIXTURE]);
    assert_eq!(code, Some(0), "stats never fails a gate");
    assert!(html.contains("<h1>tunelint: dataset report</h1>"), "{html}");
    assert!(!html.contains("id=\"gates\""), "a report has no gates");
    assert!(html.contains("data-table-id=\"tokens\""), "{html}");
    assert!(
        html.contains("data-chart-id=\"tokens-per-example\""),
        "{html}"
    );
    // Findings by rule are counted, and none is listed.
    assert!(html.contains("data-rule=\"C001\""), "{html}");
    assert!(html.contains("<code>tunelint check</code> lists each finding"));
    assert!(!html.contains("<li class="), "stats lists no diagnostics");
    assert_self_contained(&html);
}

#[test]
fn check_counts_tokens_only_when_asked() {
    let (_, html) = page(&["--format", "html", FIXTURE]);
    assert!(!html.contains("data-table-id=\"tokens\""));
    let (_, html) = page(&["--format", "html", "--token-stats", FIXTURE]);
    assert!(html.contains("data-table-id=\"tokens\""));
}

#[test]
fn dedupe_takes_no_format() {
    let out = tunelint(root())
        .args(["dedupe", "--format", "html", "--dry-run", FIXTURE])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--format"), "{stderr}");
}

#[test]
fn an_unknown_format_lists_html() {
    let out = tunelint(root())
        .args(["--format", "htm", FIXTURE])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("html"), "{stderr}");
}

/// 100,000 examples, a third of them with findings of several rules, and duplicates: the
/// page keeps a few examples per rule and counts the rest, so it stays small.
#[test]
fn a_page_of_100k_examples_with_findings_stays_under_2_mb() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = String::with_capacity(12 << 20);
    for i in 0..100_000u32 {
        let line = match i % 6 {
            0 => format!(
                r#"{{"messages": [{{"role": "bot", "content": "question {i}?"}}, {{"role": "assistant", "content": "answer {i}"}}]}}"#
            ),
            1 => r#"{"messages": [{"role": "user", "content": "the same question"}, {"role": "assistant", "content": "the same answer, word for word"}]}"#.to_string(),
            2 => format!(
                r#"{{"messages": [{{"role": "user", "content": "mail me at person{i}@example.com please"}}, {{"role": "assistant", "content": "ok"}}]}}"#
            ),
            3 => format!("{{\"messages\": [{{\"role\": \"user\", \"content\": \"broken {i}\"}}"),
            _ => format!(
                r#"{{"messages": [{{"role": "user", "content": "How many apples are in basket number {i}?"}}, {{"role": "assistant", "content": "Basket {i} holds {} apples, counted twice.", "weight": 1}}]}}"#,
                i % 97
            ),
        };
        data.push_str(&line);
        data.push('\n');
    }
    std::fs::write(dir.path().join("big.jsonl"), data).expect("write");
    let out = tunelint(dir.path())
        .args([
            "--isolated",
            "--format",
            "html",
            "--output-file",
            "big.html",
            "big.jsonl",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("big.html")).expect("page");
    assert!(html.len() < 2 << 20, "the page is {} bytes", html.len());
    assert!(
        html.contains("100,000 examples"),
        "the summary line counts every example"
    );
    let rules = html.matches("<details class=\"rule").count();
    assert!(rules >= 3, "several rules fired: {rules}");
    assert!(
        html.contains("class=\"more\" data-more="),
        "the rest is counted"
    );
    assert_self_contained(&html);
}
