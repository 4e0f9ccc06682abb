//! `--format html` through the real binary: a snapshot of the page of the mixed fixture, and
//! what a snapshot could hide: the page is self-contained (no URL to fetch), escapes what the
//! data puts in it, works for `stats` and with `--output-file`, is refused where it makes no
//! sense, and stays under 2 MB for a 100,000-example dataset full of findings.
//!
//! The page as a browser sees it (charts against the JSON output, a screenshot) is tested in
//! `tests/html_browser.rs`.

use std::path::Path;

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;
use tunelint::report::chart::{Bar, Chart, Table};

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

/// The JSON document of `args` run from the crate root.
fn json(args: &[&str]) -> Value {
    let out = tunelint(root())
        .args(args)
        .args(["--isolated", "--format", "json"])
        .output()
        .expect("run tunelint");
    serde_json::from_slice(&out.stdout).expect("a JSON document")
}

/// The charts and tables of a JSON document's summary.
fn json_charts(doc: &Value) -> Vec<Chart> {
    serde_json::from_value(doc["summary"]["charts"].clone()).unwrap_or_default()
}

fn json_tables(doc: &Value) -> Vec<Table> {
    serde_json::from_value(doc["summary"]["tables"].clone()).unwrap_or_default()
}

/// Text of an attribute value or a cell, as the page escaped it.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The bars of the page's chart `id` (label, value, target, as its `data-*` attributes hold
/// them), or `None` when the page has no such chart.
fn page_chart(html: &str, id: &str) -> Option<Vec<Bar>> {
    let start = html.find(&format!("<svg data-chart-id=\"{id}\""))?;
    let end = start + html[start..].find("</svg>").expect("the chart ends");
    let bar = Regex::new(
        r#"<g class="bar" data-label="([^"]*)" data-value="([^"]*)"(?: data-target="([^"]*)")?>"#,
    )
    .expect("regex");
    let number = |v: &str| v.parse::<f64>().expect("a number");
    Some(
        bar.captures_iter(&html[start..end])
            .map(|c| Bar {
                label: unescape(&c[1]),
                value: number(&c[2]),
                target: c.get(3).map(|t| number(t.as_str())),
            })
            .collect(),
    )
}

/// The cells of the body rows of the page's table `id`, or `None` when it has none.
fn page_table(html: &str, id: &str) -> Option<Vec<Vec<String>>> {
    let start = html.find(&format!("data-table-id=\"{id}\""))?;
    let end = start + html[start..].find("</table>").expect("the table ends");
    let body = &html[start..end];
    let body = &body[body.find("<tbody>").expect("a body")..];
    let body = &body[..body.find("</tbody>").expect("the body ends")];
    let row = Regex::new(r"(?s)<tr[^>]*>(.*?)</tr>").expect("regex");
    let cell = Regex::new(r"(?s)<td[^>]*>(.*?)</td>").expect("regex");
    Some(
        row.captures_iter(body)
            .map(|r| cell.captures_iter(&r[1]).map(|c| unescape(&c[1])).collect())
            .collect(),
    )
}

/// The gates as a page shows them, and as the JSON document of a `check` has them: name,
/// result, measured value, threshold.
fn page_gates(html: &str) -> Vec<Vec<String>> {
    let tag = Regex::new(r"<[^>]*>").expect("regex");
    page_table(html, "gates")
        .expect("the page has the gates")
        .into_iter()
        .map(|r| {
            r[..4]
                .iter()
                .map(|c| tag.replace_all(c, "").into())
                .collect()
        })
        .collect()
}

fn json_gates(doc: &Value) -> Vec<Vec<String>> {
    doc["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .map(|g| {
            let text = |k: &str| g[k].as_str().expect("text").to_string();
            let result = if g["passed"] == true {
                "passed"
            } else {
                "failed"
            };
            vec![
                text("name"),
                result.into(),
                text("measured"),
                text("threshold"),
            ]
        })
        .collect()
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

/// Under `check` and under `stats` (which lists no finding in its other formats), the page
/// shows the first finding of each rule as its example.
#[test]
fn every_rule_that_fired_has_an_example_with_its_location_and_message() {
    for command in ["check", "stats"] {
        let (_, html) = page(&[command, "--format", "html", FIXTURE]);
        assert!(
            html.contains("one example or a few of each rule"),
            "{command}: {html}"
        );
        rules_have_their_first_finding(&html);
    }
}

fn rules_have_their_first_finding(html: &str) {
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
    assert!(html.contains("data-verdict=\"report\""), "{html}");
    assert!(html.contains("data-table-id=\"tokens\""), "{html}");
    assert!(
        html.contains("data-chart-id=\"tokens-per-example\""),
        "{html}"
    );
    assert!(html.contains("data-rule=\"C001\""), "{html}");
    assert_self_contained(&html);
}

/// PRODUCT.md §7: the page of `stats` shows the verdict and the gates too, as information:
/// what `check` would decide on the same data, which fails where `stats` exits 0.
#[test]
fn the_stats_page_says_what_the_gates_of_check_would_decide() {
    let (code, html) = page(&["stats", "--format", "html", FIXTURE]);
    assert_eq!(code, Some(0), "stats never fails a gate");
    let check = json(&["check", FIXTURE]);
    assert_eq!(check["summary"]["passed"], false, "the fixture fails check");
    assert!(
        html.contains("<section id=\"gates\" data-advisory=\"true\">"),
        "{html}"
    );
    assert!(html.contains("data-check-verdict=\"failed\""), "{html}");
    assert!(
        html.contains("<code>tunelint check</code> would say failed"),
        "{html}"
    );
    assert_eq!(page_gates(&html), json_gates(&check));
    // Its json gives the same gates and verdict (a script reading it must not be told
    // `passed: true` where the page says failed); `stats` still exits 0.
    let stats = json(&["stats", FIXTURE]);
    assert_eq!(stats["gates"], check["gates"], "{stats}");
    assert_eq!(stats["summary"]["passed"], false, "{stats}");
}

/// PRODUCT.md §7: the page of `check` shows the dataset's report as `stats` computes it
/// (lengths and tokens per role, turns per example, system-prompt variants, the largest
/// duplicate clusters with their lines) beside its verdict, gates, files and findings, with
/// the numbers of the JSON output.
#[test]
fn the_check_page_carries_the_report_of_stats_with_its_numbers() {
    let (code, html) = page(&["--format", "html", "--token-stats", FIXTURE]);
    assert_eq!(code, Some(1), "the fixture fails the valid-examples gate");
    let check = json(&["check", "--token-stats", FIXTURE]);
    let stats = json(&["stats", FIXTURE]);

    for id in [
        "composition",
        "tokens-per-example",
        "tokens-user",
        "tokens-assistant",
        "chars-system",
        "chars-user",
        "chars-assistant",
        "turns",
        "findings-by-rule",
    ] {
        assert!(page_chart(&html, id).is_some(), "no chart {id}");
    }
    // Every chart and table of `stats`, with its numbers.
    let charts = json_charts(&stats);
    assert!(charts.len() >= 8, "{charts:?}");
    for chart in &charts {
        assert_eq!(
            page_chart(&html, &chart.id).as_ref(),
            Some(&chart.bars),
            "chart {}",
            chart.id
        );
    }
    let tables = json_tables(&stats);
    for id in ["system-prompts", "duplicate-clusters"] {
        assert!(tables.iter().any(|t| t.id == id), "stats has no {id}");
    }
    for table in &tables {
        assert_eq!(
            page_table(&html, &table.id).as_ref(),
            Some(&table.rows),
            "table {}",
            table.id
        );
    }
    let clusters = page_table(&html, "duplicate-clusters").expect("clusters");
    assert!(
        clusters[0][1].contains("mixed.jsonl:"),
        "a cluster names its lines: {clusters:?}"
    );
    // The charts of `check` itself (composition, tokens per example) are its own.
    for chart in json_charts(&check) {
        assert_eq!(
            page_chart(&html, &chart.id),
            Some(chart.bars),
            "{}",
            chart.id
        );
    }
    // The verdict, the gates, the files and the findings of `check`.
    assert!(html.contains("data-verdict=\"failed\""));
    assert!(
        !html.contains("data-advisory"),
        "check's gates are its verdict"
    );
    assert_eq!(page_gates(&html), json_gates(&check));
    let files = page_table(&html, "files").expect("files");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0][0], FIXTURE);
    assert_eq!(
        files[0][2],
        check["files"][0]["examples"]
            .as_u64()
            .expect("n")
            .to_string()
    );
    for rule in check["summary"]["rules"].as_array().expect("rules") {
        let count: u64 = ["errors", "warnings", "infos"]
            .iter()
            .map(|k| rule[k].as_u64().expect("count"))
            .sum();
        let code = rule["code"].as_str().expect("code");
        let at = html
            .find(&format!("data-rule=\"{code}\" data-count=\"{count}\""))
            .unwrap_or_else(|| panic!("{code} with {count} findings"));
        let section = &html[at..at + html[at..].find("</details>").expect("end")];
        assert!(section.contains("<li class="), "{code} has an example");
    }
    rules_have_their_first_finding(&html);
    assert_self_contained(&html);
}

/// The report rides along only for the page: `check`'s other outputs of the same run (here
/// `--json-file`) keep to `check`'s figures.
#[test]
fn the_report_of_the_check_page_stays_out_of_its_other_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("run.json");
    let out = tunelint(root())
        .args(["--isolated", "--format", "html", "--json-file"])
        .arg(&doc)
        .arg(FIXTURE)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let html = String::from_utf8(out.stdout).expect("utf-8");
    assert!(page_table(&html, "system-prompts").is_some());
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(&doc).expect("json")).expect("json");
    assert_eq!(run, json(&["check", FIXTURE]));
}

#[test]
fn check_counts_tokens_only_when_asked() {
    let (_, html) = page(&["--format", "html", FIXTURE]);
    assert!(!html.contains("data-table-id=\"tokens\""));
    // The lengths per role are drawn all the same; their tokens only when counted.
    assert!(page_chart(&html, "chars-user").is_some());
    assert!(page_chart(&html, "tokens-user").is_none());
    let (_, html) = page(&["--format", "html", "--token-stats", FIXTURE]);
    assert!(html.contains("data-table-id=\"tokens\""));
    assert!(page_chart(&html, "tokens-user").is_some());
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
