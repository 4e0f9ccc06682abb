//! The README shows what tunelint really does: its examples run, its links resolve.
//!
//! - Every ```` ```text ```` block whose first line is `$ tunelint ARGS` is run through the
//!   real binary from the repository root (where `examples/` lives), and what it prints
//!   (standard output, then standard error) must be the rest of the block, line for line,
//!   except that a line `...` stands for any number of lines. The README shows a terminal's
//!   view, so a command without `--format` runs with `--format full` (the terminal's default;
//!   the test's output is a pipe); colour is off (`NO_COLOR`, and a pipe) and
//!   `GITHUB_ACTIONS` is unset, so the test gives the same result in CI.
//! - A block right after a comment `<!-- readme-test: tunelint ARGS -->` is that command's
//!   output the same way (for Markdown output shown as ```` ```markdown ````);
//!   `<!-- readme-test: tunelint ARGS | /json/pointer -->` says a ```` ```json ```` block is
//!   the value at that pointer of the command's JSON output (a SARIF result, a diagnostic).
//! - Every ```` ```toml ```` block is a valid configuration: `tunelint --config BLOCK.toml
//!   examples/` does not exit 2.
//! - Every in-page link `](#anchor)` names a heading of the page (GitHub's anchors), and every
//!   relative link names a file of the repository (and, into a Markdown file, one of its
//!   headings), in README.md, bench/README.md and docs/*.md.
//! - The Rust version README's Install section names is Cargo.toml's `rust-version`.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// A fenced code block: its info string, its lines, the line of the opening fence (1-based)
/// and the `readme-test` comment right above it, if any.
struct Block {
    /// The opening fence's backticks: a block that shows Markdown with ``` blocks in it
    /// opens with four.
    fence: String,
    info: String,
    lines: Vec<String>,
    line: usize,
    directive: Option<String>,
}

/// The fenced blocks of a Markdown page (fences of three or more backticks, not indented;
/// a block closes on a fence of the same length).
fn blocks(page: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    let mut last_text: Option<&str> = None;
    for (i, line) in page.lines().enumerate() {
        match open.take() {
            Some(block) if line.trim_end() == block.fence => {
                out.push(block);
                last_text = Some("```");
            }
            Some(mut block) => {
                block.lines.push(line.to_string());
                open = Some(block);
            }
            None => {
                if line.starts_with("```") {
                    let ticks = line.len() - line.trim_start_matches('`').len();
                    let (fence, info) = line.split_at(ticks);
                    let directive = last_text
                        .and_then(|t| t.strip_prefix("<!-- readme-test:"))
                        .and_then(|t| t.strip_suffix("-->"))
                        .map(|t| t.trim().to_string());
                    open = Some(Block {
                        fence: fence.to_string(),
                        info: info.trim().to_string(),
                        lines: Vec::new(),
                        line: i + 1,
                        directive,
                    });
                } else if !line.trim().is_empty() {
                    last_text = Some(line.trim());
                }
            }
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    out
}

/// `tunelint ARGS` as the README writes it, run from the repository root.
fn run(command: &str) -> (String, Option<i32>) {
    let args: Vec<&str> = command
        .strip_prefix("tunelint ")
        .unwrap_or_else(|| panic!("{command:?} is not a tunelint command"))
        .split_whitespace()
        .collect();
    assert!(
        !command.contains(['"', '\'', '$', '|', '>', '<', '*']),
        "{command:?}: the test runs commands without a shell; keep quoting and redirection out"
    );
    let mut cmd = Command::cargo_bin("tunelint").expect("the tunelint binary is built");
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
    let has_format = args
        .iter()
        .any(|a| *a == "--format" || a.starts_with("--format="));
    let is_check = !matches!(
        args.first(),
        Some(&("rules" | "explain" | "stats" | "dedupe" | "init"))
    );
    if is_check && !has_format {
        cmd.arg("--format").arg("full");
    }
    let output = cmd.args(&args).output().expect("run tunelint");
    let mut text = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    text.push_str(&String::from_utf8(output.stderr).expect("stderr is UTF-8"));
    (text, output.status.code())
}

/// Whether `actual` is `expected`, where an expected line `...` matches any number of lines.
fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(a, tail)| a == line && matches(rest, tail)),
    }
}

fn assert_output(where_: &str, command: &str, expected: &[String], actual: &str) {
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    let lines: Vec<&str> = actual.lines().collect();
    assert!(
        matches(&expected, &lines),
        "{where_}: the output of `{command}` is not what the README shows.\n\
         --- README\n{}\n--- tunelint\n{actual}---",
        expected.join("\n"),
    );
}

#[test]
fn readme_commands_print_what_the_readme_shows() {
    let readme = read("README.md");
    let mut ran = 0;
    for block in blocks(&readme) {
        let where_ = format!("README.md:{}", block.line);
        if block.info == "text"
            && let Some(command) = block.lines.first().and_then(|l| l.strip_prefix("$ "))
            && command.starts_with("tunelint ")
        {
            let (actual, _) = run(command);
            assert_output(&where_, command, &block.lines[1..], &actual);
            ran += 1;
        } else if let Some(directive) = &block.directive {
            let (command, pointer) = match directive.split_once(" | ") {
                Some((c, p)) => (c.trim(), Some(p.trim())),
                None => (directive.as_str(), None),
            };
            let (actual, _) = run(command);
            match pointer {
                None => assert_output(&where_, command, &block.lines, &actual),
                Some(pointer) => {
                    let shown: serde_json::Value = serde_json::from_str(&block.lines.join("\n"))
                        .unwrap_or_else(|e| panic!("{where_}: the block is not JSON: {e}"));
                    let doc: serde_json::Value =
                        serde_json::from_str(&actual).expect("the command writes JSON");
                    let real = doc.pointer(pointer).unwrap_or_else(|| {
                        panic!("{where_}: `{command}` has nothing at {pointer}")
                    });
                    assert_eq!(
                        &shown, real,
                        "{where_}: the README's JSON is not what `{command}` writes at {pointer}"
                    );
                }
            }
            ran += 1;
        }
    }
    // The full, concise and github views, SARIF, JSON and Markdown: a README that lost its
    // examples (or a parser that stopped finding them) must not pass quietly.
    assert!(ran >= 6, "only {ran} README examples were checked");
}

#[test]
fn readme_toml_blocks_are_valid_configurations() {
    let readme = read("README.md");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut checked = 0;
    for block in blocks(&readme).iter().filter(|b| b.info == "toml") {
        let path = dir.path().join(format!("block-{}.toml", block.line));
        fs::write(&path, block.lines.join("\n") + "\n").expect("write the block");
        let output = Command::cargo_bin("tunelint")
            .expect("the tunelint binary is built")
            .current_dir(root())
            .env_remove("GITHUB_ACTIONS")
            .arg("--config")
            .arg(&path)
            .args(["--format", "concise", "examples/"])
            .output()
            .expect("run tunelint");
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "README.md:{}: tunelint --config rejects the block (exit {:?}):\n{}",
            block.line,
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        checked += 1;
    }
    assert!(checked >= 1, "README.md has no toml block");
}

/// GitHub's anchor of a heading: lowercase, letters, digits, `-` and `_` kept, spaces to
/// `-`, everything else dropped; a repeated anchor gets `-1`, `-2`, ...
fn anchors(page: &str) -> HashSet<String> {
    let mut fenced = false;
    let mut seen = HashSet::new();
    for line in page.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        if fenced {
            continue;
        }
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let base: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let mut anchor = base.clone();
        let mut n = 0;
        while seen.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        seen.insert(anchor);
    }
    seen
}

/// The targets of the inline links `[text](target)` of a page, outside code blocks and
/// code spans, with their line numbers.
fn links(page: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in page.lines().enumerate() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans are not links: drop them first (`a](b)` in backticks is text).
        let text: String = line
            .split('`')
            .enumerate()
            .filter(|(k, _)| k % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((i + 1, after[..end].to_string()));
            rest = &after[end..];
        }
    }
    out
}

fn markdown_pages() -> Vec<PathBuf> {
    let mut pages = vec![PathBuf::from("README.md"), PathBuf::from("bench/README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            p.strip_prefix(root())
                .expect("under the root")
                .to_path_buf()
        })
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

#[test]
fn links_resolve_to_headings_and_files() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in markdown_pages() {
        let text = read(page.to_str().expect("UTF-8 path"));
        let own = anchors(&text);
        for (line, target) in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let where_ = format!("{}:{line}: ]({target})", page.display());
            if file.is_empty() {
                if !own.contains(anchor.unwrap_or_default()) {
                    broken.push(format!("{where_}: no such heading in the page"));
                }
                continue;
            }
            let path = page.parent().unwrap_or(Path::new("")).join(file);
            let full = root().join(&path);
            if !full.exists() {
                broken.push(format!("{where_}: no file {}", path.display()));
                continue;
            }
            if let Some(anchor) = anchor
                && full.extension().is_some_and(|e| e == "md")
                && !anchors(&fs::read_to_string(&full).expect("read the linked page"))
                    .contains(anchor)
            {
                broken.push(format!("{where_}: no such heading in {}", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked >= 5, "only {checked} links checked");
}

#[test]
fn readme_states_the_minimum_rust_version_of_cargo_toml() {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml is TOML");
    let rust_version = manifest["package"]
        .get("rust-version")
        .and_then(|v| v.as_str())
        .expect("Cargo.toml sets package.rust-version");
    let readme = read("README.md");
    let install = readme
        .split("\n## ")
        .find(|s| s.starts_with("Install\n"))
        .expect("README.md has an Install section");
    let stated: Vec<&str> = install
        .split("Rust ")
        .skip(1)
        .filter_map(|s| s.split(|c: char| !(c.is_ascii_digit() || c == '.')).next())
        .map(|v| v.trim_end_matches('.'))
        .filter(|v| v.contains('.'))
        .collect();
    assert_eq!(
        stated,
        [rust_version],
        "README.md's Install section must name the minimum Rust version once, as `Rust {rust_version}`"
    );
}

#[test]
fn output_matching_treats_dots_as_any_lines() {
    assert!(matches(&["a", "...", "d"], &["a", "b", "c", "d"]));
    assert!(matches(&["a", "...", "d"], &["a", "d"]));
    assert!(!matches(&["a", "...", "d"], &["a", "b", "c"]));
    assert!(!matches(&["a", "b"], &["a", "b", "c"]));
    assert!(matches(&["..."], &[]));
}

#[test]
fn anchors_follow_github() {
    let page = "# Using tunelint in CI\n## `--format github`\n## Gates\n## Gates\n```\n# not a heading\n```\n";
    let got = anchors(page);
    for a in [
        "using-tunelint-in-ci",
        "--format-github",
        "gates",
        "gates-1",
    ] {
        assert!(got.contains(a), "{a} missing from {got:?}");
    }
    assert!(!got.contains("not-a-heading"));
}

/// Every input format tunelint reads has its row in the README's table of formats, and the
/// table names no format that does not exist.
#[test]
fn the_formats_table_lists_every_format() {
    let readme = read("README.md");
    let rows: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| format | record |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.strip_prefix("| `")?.split_once('`').map(|(name, _)| name))
        .collect();
    assert!(
        !rows.is_empty(),
        "README.md has no table headed `| format | record |`"
    );
    let names: Vec<&str> = tunelint::settings::FormatChoice::NAMES
        .iter()
        .copied()
        .filter(|n| *n != "auto")
        .collect();
    for name in &names {
        assert!(
            rows.contains(name),
            "README.md's formats table has no row for `{name}`"
        );
    }
    for row in &rows {
        assert!(
            names.contains(row),
            "README.md's formats table names `{row}`, which is not a format"
        );
    }
}

/// The README's table of targets has one row per target, in order, and each row's accepted
/// formats and roles are the target's data (so the page cannot drift from what S014 and S005
/// check).
#[test]
fn the_targets_table_matches_the_target_data() {
    let readme = read("README.md");
    let rows: Vec<(String, String, String)> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| target | trained with |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].trim_matches('`').to_owned(),
                cells[3].to_owned(),
                cells[4].to_owned(),
            )
        })
        .collect();
    assert!(
        !rows.is_empty(),
        "README.md has no table headed `| target | trained with |`"
    );
    let code_list = |items: &[&str]| {
        let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
        quoted.join(", ")
    };
    let expected: Vec<(String, String, String)> = tunelint::target::ALL
        .iter()
        .map(|t| {
            (
                t.name.to_owned(),
                code_list(t.formats.value),
                code_list(t.roles.value),
            )
        })
        .collect();
    assert_eq!(
        rows, expected,
        "README.md's targets table against src/target/"
    );
}

/// Where the repository is published: PyPI shows the README without the repository around
/// it, so its links must say where they point.
const REPOSITORY: &str = "https://github.com/tunelint/tunelint";

/// The README as PyPI shows it (pypi/README.md, the wheel's description): each relative
/// link, and each in-page one (PyPI gives headings no anchors), points at the file on GitHub
/// at this version's tag. Code blocks and code spans are left as they are.
fn pypi_readme(readme: &str, version: &str) -> String {
    let fenced: HashSet<usize> = blocks(readme)
        .iter()
        .flat_map(|b| b.line..=b.line + b.lines.len() + 1)
        .collect();
    let base = format!("{REPOSITORY}/blob/v{version}/");
    let mut out = String::from(
        "<!-- README.md with links that work on PyPI; made by tests/readme.rs \
         (TUNELINT_UPDATE_DOCS=1 cargo test --test readme): edit README.md, not this file. -->\n",
    );
    for (i, line) in readme.lines().enumerate() {
        if fenced.contains(&(i + 1)) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let segments: Vec<String> = line
            .split('`')
            .enumerate()
            .map(|(k, segment)| {
                if k % 2 == 1 {
                    return segment.to_string();
                }
                let mut rewritten = String::new();
                let mut rest = segment;
                while let Some(at) = rest.find("](") {
                    rewritten.push_str(&rest[..at + 2]);
                    rest = &rest[at + 2..];
                    let absolute = rest.starts_with("http://")
                        || rest.starts_with("https://")
                        || rest.starts_with("mailto:");
                    if rest.starts_with('#') {
                        rewritten.push_str(&base);
                        rewritten.push_str("README.md");
                    } else if !absolute && !rest.starts_with(')') {
                        rewritten.push_str(&base);
                    }
                }
                rewritten.push_str(rest);
                rewritten
            })
            .collect();
        out.push_str(&segments.join("`"));
        out.push('\n');
    }
    out
}

#[test]
fn the_pypi_readme_is_the_readme_with_links_that_work_on_pypi() {
    let expected = pypi_readme(&read("README.md"), env!("CARGO_PKG_VERSION"));
    let path = root().join("pypi/README.md");
    if std::env::var_os("TUNELINT_UPDATE_DOCS").is_some() {
        fs::write(&path, &expected).expect("write pypi/README.md");
    }
    let actual = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "pypi/README.md is not README.md with absolute links. Run \
         `TUNELINT_UPDATE_DOCS=1 cargo test --test readme` to regenerate it, and commit the result."
    );
    // Every link of it leaves the page: none is relative.
    for (line, target) in links(&actual) {
        assert!(
            target.contains("://") || target.starts_with("mailto:"),
            "pypi/README.md:{line}: ]({target}) is relative"
        );
    }
    assert!(actual.contains(&format!(
        "]({REPOSITORY}/blob/v{}/docs/rules.md)",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn pypi_readme_links_keep_code_and_absolute_links() {
    let readme = "See [rules](docs/rules.md), [top](#install) and [site](https://a.example/x).\n\
                  Code `[x](y)` stays.\n```text\n[a](b)\n```\n";
    let out = pypi_readme(readme, "1.2.3");
    let body: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(
        body,
        [
            "See [rules](https://github.com/tunelint/tunelint/blob/v1.2.3/docs/rules.md), \
             [top](https://github.com/tunelint/tunelint/blob/v1.2.3/README.md#install) and \
             [site](https://a.example/x).",
            "Code `[x](y)` stays.",
            "```text",
            "[a](b)",
            "```",
        ]
    );
}
