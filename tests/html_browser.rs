//! `--format html` in a real browser: the page of real datasets (`../shared/datasets/chat`) is
//! opened in headless Chromium, and the DOM after the page's script ran (`--dump-dom`) must
//! hold every chart with its bars, the numbers of the JSON output of the same run
//! (`--json-file`), the per-file table and the verdict; and, since the page carries both
//! commands' sections, the dataset's report of `stats` on `check`'s page and the gates of
//! `check` on `stats`'s page, with the numbers of the other command's JSON output. A
//! screenshot of each page is kept as a test artifact under `target/tmp/html-browser/`.
//!
//! Chromium is Debian's `chromium` (`.ci/html-browser.sh` installs it in CI), or the program
//! `TUNELINT_CHROMIUM` names. Without it, or without the shared datasets, the test passes with
//! a note, and fails under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use regex::Regex;
use serde_json::Value;

/// Real datasets with findings of several rules, read as two files of one run.
const DATASETS: [&str; 2] = [
    "llamafactory_kto_en_demo.jsonl",
    "together_small_coqa_10.jsonl",
];

/// A browser run longer than this is a hang.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| v == "true")
}

/// Skips with a note locally; fails under `CI=true`, where the test must run.
fn skip(why: &str) {
    assert!(!in_ci(), "CI=true, but {why}");
    eprintln!("note: {why}; skipping the browser test of the html page");
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TUNELINT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/chat");
    DATASETS
        .iter()
        .all(|f| dir.join(f).is_file())
        .then_some(dir)
}

/// Runs Chromium headless on `page` with `args` (`--dump-dom`, `--screenshot=...`), a fresh
/// profile and no background networking; returns its standard output.
fn browse(browser: &Path, page: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Process::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium took over {BROWSER_TIMEOUT:?} on {}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "chromium failed: {status}");
    reader
        .join()
        .expect("reader thread")
        .expect("chromium's output is UTF-8")
}

/// A chart as the DOM holds it.
#[derive(Debug, Default)]
struct DomChart {
    id: String,
    source: String,
    bars: Vec<DomBar>,
}

#[derive(Debug, Default)]
struct DomBar {
    label: String,
    value: f64,
    target: Option<f64>,
    /// The drawn bar's width.
    width: Option<f64>,
}

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn attributes(tag: &str) -> Vec<(String, String)> {
    let attr = Regex::new(r#"([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"]*)""#).expect("regex");
    attr.captures_iter(tag)
        .map(|c| (c[1].to_string(), unescape(&c[2])))
        .collect()
}

fn attribute<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The charts of a serialised DOM: each `<svg data-chart-id>` with its `<g class="bar">`
/// groups and the width of each group's `<rect>`.
fn charts(dom: &str) -> Vec<DomChart> {
    let tag = Regex::new(r"<(/?)(svg|g|rect)\b([^>]*)>").expect("regex");
    let mut charts = Vec::new();
    let mut current: Option<DomChart> = None;
    for c in tag.captures_iter(dom) {
        let closing = !c[1].is_empty();
        let attrs = attributes(&c[3]);
        match (&c[2], closing) {
            ("svg", false) => {
                if let Some(id) = attribute(&attrs, "data-chart-id") {
                    current = Some(DomChart {
                        id: id.to_string(),
                        source: attribute(&attrs, "data-source").unwrap_or("").to_string(),
                        bars: Vec::new(),
                    });
                }
            }
            ("svg", true) => charts.extend(current.take()),
            ("g", false) if attribute(&attrs, "class") == Some("bar") => {
                if let Some(chart) = current.as_mut() {
                    let number = |name: &str| {
                        attribute(&attrs, name).map(|v| {
                            v.parse::<f64>()
                                .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
                        })
                    };
                    chart.bars.push(DomBar {
                        label: attribute(&attrs, "data-label").unwrap_or("").to_string(),
                        value: number("data-value").expect("every bar has data-value"),
                        target: number("data-target"),
                        width: None,
                    });
                }
            }
            ("rect", false) => {
                if let Some(bar) = current.as_mut().and_then(|c| c.bars.last_mut()) {
                    bar.width = attribute(&attrs, "width").and_then(|w| w.parse().ok());
                }
            }
            _ => {}
        }
    }
    charts
}

/// The rows of the per-file table: `data-path` and the examples column.
fn file_rows(dom: &str) -> Vec<(String, String)> {
    let start = dom
        .find("data-table-id=\"files\"")
        .expect("the page has the files table");
    let end = start + dom[start..].find("</table>").expect("the table ends");
    let row = Regex::new(r#"<tr data-path="([^"]*)">(.*?)</tr>"#).expect("regex");
    let cell = Regex::new(r"<td[^>]*>(.*?)</td>").expect("regex");
    row.captures_iter(&dom[start..end])
        .map(|c| {
            let cells: Vec<String> = cell.captures_iter(&c[2]).map(|d| unescape(&d[1])).collect();
            (unescape(&c[1]), cells[2].clone())
        })
        .collect()
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn bar_matches(chart: &str, dom: &DomBar, label: &str, value: f64, target: Option<f64>) {
    assert_eq!(dom.label, label, "{chart}: bar label");
    assert_eq!(dom.value, value, "{chart}: {label}'s value");
    assert_eq!(dom.target, target, "{chart}: {label}'s target");
    let width = dom
        .width
        .unwrap_or_else(|| panic!("{chart}: {label} has no drawn bar"));
    assert_eq!(
        width > 0.0,
        value > 0.0,
        "{chart}: {label} drawn {width} wide"
    );
}

/// Renders the page of one run (`stats` or `check`), checks its DOM against the JSON output of
/// the same run, and keeps its screenshot.
fn check_page(browser: &Path, data: &Path, name: &str, command: &[&str]) {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-browser");
    std::fs::create_dir_all(&out_dir).expect("artifact dir");
    let page = out_dir.join(format!("{name}.html"));
    let json = out_dir.join(format!("{name}.json"));
    let shot = out_dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let run = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(data)
        .args(command)
        .args(["--isolated", "--format", "html", "--output-file"])
        .arg(&page)
        .arg("--json-file")
        .arg(&json)
        .args(DATASETS)
        .output()
        .expect("run tunelint");
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{name}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("json");
    // The other command's JSON output of the same data: the page shows its sections too.
    let stats_page = command.first() == Some(&"stats");
    let other_command: &[&str] = if stats_page { &["check"] } else { &["stats"] };
    let other = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(data)
        .args(other_command)
        .args(["--isolated", "--format", "json"])
        .args(DATASETS)
        .output()
        .expect("run tunelint");
    let other: Value = serde_json::from_slice(&other.stdout).expect("json");

    let started = Instant::now();
    let dom = browse(browser, &page, &["--dump-dom".to_string()]);
    assert!(
        dom.contains("data-script=\"ran\""),
        "{name}: the page's script did not run to its end"
    );

    // The verdict.
    let summary = &doc["summary"];
    let verdict = if command.first() == Some(&"stats") {
        "report"
    } else if summary["passed"] == true {
        "passed"
    } else {
        "failed"
    };
    assert!(
        dom.contains(&format!("data-verdict=\"{verdict}\"")),
        "{name}: verdict {verdict}"
    );

    // The per-file table.
    let rows = file_rows(&dom);
    let files = doc["files"].as_array().expect("files");
    assert_eq!(rows.len(), files.len(), "{name}: a row per file");
    for (row, file) in rows.iter().zip(files) {
        assert_eq!(row.0, file["path"].as_str().expect("path"));
        assert_eq!(
            row.1,
            thousands(file["examples"].as_u64().expect("examples"))
        );
    }

    // Every chart of the summary, with every bar, as the JSON has it.
    let drawn = charts(&dom);
    assert!(!drawn.is_empty(), "{name}: the page has charts");
    for chart in drawn.iter() {
        assert!(
            !chart.bars.is_empty(),
            "{name}: chart {} has no bars",
            chart.id
        );
    }
    let find = |id: &str| {
        drawn
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{name}: no chart {id} in the DOM"))
    };
    let json_charts = summary["charts"].as_array().cloned().unwrap_or_default();
    for chart in &json_charts {
        let id = chart["id"].as_str().expect("chart id");
        let dom_chart = find(id);
        assert_eq!(dom_chart.source, "summary");
        let bars = chart["bars"].as_array().expect("bars");
        assert_eq!(dom_chart.bars.len(), bars.len().min(100), "{id}: bars");
        for (d, b) in dom_chart.bars.iter().zip(bars) {
            bar_matches(
                id,
                d,
                b["label"].as_str().expect("label"),
                b["value"].as_f64().expect("value"),
                b["target"].as_f64(),
            );
        }
    }
    // `check`'s page draws the charts of `stats` it has not drawn from its own summary.
    let other_charts = other["summary"]["charts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let report: Vec<&DomChart> = drawn.iter().filter(|c| c.source == "report").collect();
    for chart in &report {
        let json_chart = other_charts
            .iter()
            .find(|c| c["id"] == chart.id.as_str())
            .unwrap_or_else(|| panic!("{name}: report chart {} is not stats'", chart.id));
        let bars = json_chart["bars"].as_array().expect("bars");
        assert_eq!(chart.bars.len(), bars.len().min(100), "{}: bars", chart.id);
        for (d, b) in chart.bars.iter().zip(bars) {
            bar_matches(
                &chart.id,
                d,
                b["label"].as_str().expect("label"),
                b["value"].as_f64().expect("value"),
                b["target"].as_f64(),
            );
        }
    }
    if stats_page {
        assert!(report.is_empty(), "{name}: stats draws its report itself");
    } else {
        for chart in &other_charts {
            let id = chart["id"].as_str().expect("chart id");
            find(id);
        }
        for id in ["chars-user", "chars-assistant", "turns", "tokens-user"] {
            assert!(
                report.iter().any(|c| c.id == id),
                "{name}: no {id} of stats"
            );
        }
    }
    let built_in = drawn.iter().filter(|c| c.source == "run").count();
    assert_eq!(
        drawn.len(),
        json_charts.len() + report.len() + built_in,
        "{name}: every chart is the summary's, stats' or the page's own"
    );

    // The page's own charts, against the JSON figures they come from.
    let rules = summary["rules"].as_array().expect("rules");
    if !rules.is_empty() && !json_charts.iter().any(|c| c["id"] == "findings-by-rule") {
        let chart = find("findings-by-rule");
        assert_eq!(chart.bars.len(), rules.len().min(100));
        for (d, r) in chart.bars.iter().zip(rules) {
            let count = ["errors", "warnings", "infos"]
                .iter()
                .map(|k| r[k].as_u64().expect("count"))
                .sum::<u64>();
            let label = format!(
                "{} {}",
                r["code"].as_str().expect("code"),
                r["name"].as_str().expect("name")
            );
            bar_matches("findings-by-rule", d, &label, count as f64, None);
        }
    }
    if let Some(tokens) = summary["tokens"].as_object()
        && !json_charts.iter().any(|c| c["id"] == "tokens-per-example")
    {
        let chart = find("tokens-per-example");
        let expected = [("p50", "p50"), ("p95", "p95"), ("max", "max")];
        assert_eq!(chart.bars.len(), expected.len());
        for (d, (label, key)) in chart.bars.iter().zip(expected) {
            let v = tokens[key].as_u64().expect("token figure") as f64;
            bar_matches("tokens-per-example", d, label, v, None);
        }
    }

    // Every table of the summary, and on `check`'s page every table of `stats`, with its rows.
    let mut tables = summary["tables"].as_array().cloned().unwrap_or_default();
    if !stats_page {
        let stats_tables = other["summary"]["tables"].as_array().cloned();
        tables.extend(stats_tables.unwrap_or_default());
        // (These datasets have no exact duplicate: `tests/html.rs` checks the clusters.)
        assert!(
            tables.iter().any(|t| t["id"] == "system-prompts"),
            "stats has no system-prompt variants"
        );
    }
    for table in tables {
        let id = table["id"].as_str().expect("table id");
        let rows = table["rows"].as_array().expect("rows").len().min(200);
        assert!(
            dom.contains(&format!("data-table-id=\"{id}\" data-rows=\"{rows}\"")),
            "{name}: table {id} with {rows} rows"
        );
    }

    // The gates: `check`'s verdict, or on `stats`'s page what `check` would decide.
    let (gates_doc, advisory) = if stats_page {
        (&other, true)
    } else {
        (&doc, false)
    };
    let gates = gates_doc["gates"].as_array().expect("gates");
    let gate_rows = Regex::new(r#"<tr class="(passed|failed)" data-gate="#).expect("regex");
    let results: Vec<bool> = gate_rows
        .captures_iter(&dom)
        .map(|c| &c[1] == "passed")
        .collect();
    let expected: Vec<bool> = gates.iter().map(|g| g["passed"] == true).collect();
    assert!(!expected.is_empty(), "{name}: check has gates");
    assert_eq!(results, expected, "{name}: the gates");
    assert_eq!(dom.contains("data-advisory=\"true\""), advisory, "{name}");
    if stats_page {
        let would = if other["summary"]["passed"] == true {
            "passed"
        } else {
            "failed"
        };
        assert!(
            dom.contains(&format!("data-check-verdict=\"{would}\"")),
            "{name}: check would say {would}"
        );
    }

    // Findings by rule: a section per rule of the JSON, with its count and an example (under
    // `stats` too, which lists no finding elsewhere).
    for r in rules {
        let count = ["errors", "warnings", "infos"]
            .iter()
            .map(|k| r[k].as_u64().expect("count"))
            .sum::<u64>();
        let code = r["code"].as_str().expect("code");
        let at = dom
            .find(&format!("data-rule=\"{code}\" data-count=\"{count}\""))
            .unwrap_or_else(|| panic!("{name}: rule {code} with {count} findings"));
        let end = at
            + dom[at..]
                .find("</details>")
                .expect("the rule's section ends");
        assert!(
            dom[at..end].contains("<li class="),
            "{name}: rule {code} has no example"
        );
    }

    // The screenshot, kept for a person to look at.
    browse(
        browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".to_string(),
        ],
    );
    let png = std::fs::read(&shot).expect("the screenshot is written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{name}: a real screenshot"
    );
    eprintln!(
        "{name}: {} charts checked in Chromium in {:.1?}; screenshot {}",
        drawn.len(),
        started.elapsed(),
        shot.display()
    );
}

#[test]
fn real_datasets_render_in_chromium_with_the_numbers_of_the_json_output() {
    let Some(browser) = chromium() else {
        skip("chromium is not installed (apt-get install chromium, or set TUNELINT_CHROMIUM)");
        return;
    };
    let Some(data) = data_dir() else {
        skip("../shared/datasets/chat is absent");
        return;
    };
    check_page(&browser, &data, "check", &["check", "--token-stats"]);
    check_page(&browser, &data, "stats", &["stats"]);
}
