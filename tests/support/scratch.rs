//! Scratch datasets for tests through the real binary: chat examples, files of lines, a run
//! of `tunelint` in a directory, the findings of its concise report, and git repositories
//! with history. Shared by tests/baseline.rs, tests/context.rs and tests/diff_base.rs.

#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;

/// One OpenAI chat example as a JSON line.
pub fn chat(user: &str, assistant: &str) -> String {
    serde_json::json!({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}).to_string()
}

/// Writes `lines` to `d/name` (creating its directory), one a line.
pub fn write_lines(d: &Path, name: &str, lines: &[String]) {
    let path = d.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, lines.join("\n") + "\n").expect("write");
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// `tunelint --isolated --format concise ARGS` in `d`.
pub fn run(d: &Path, args: &[&str]) -> Run {
    run_as(d, "concise", args)
}

/// `tunelint --isolated --format FORMAT ARGS` in `d`.
pub fn run_as(d: &Path, format: &str, args: &[&str]) -> Run {
    run_with(d, &["--isolated", "--format", format], args)
}

/// `tunelint --config d/tunelint.toml --format FORMAT ARGS` in `d`.
pub fn run_configured(d: &Path, format: &str, args: &[&str]) -> Run {
    let config = d.join("tunelint.toml");
    let config = config.to_str().expect("a UTF-8 path");
    run_with(d, &["--config", config, "--format", format], args)
}

/// `tunelint ARGS` in `d`, with no option added (standard output not a terminal, not on
/// GitHub Actions).
pub fn run_raw(d: &Path, args: &[&str]) -> Run {
    run_with(d, &[], args)
}

fn run_with(d: &Path, options: &[&str], args: &[&str]) -> Run {
    let out = Command::cargo_bin("tunelint")
        .expect("the tunelint binary is built")
        .current_dir(d)
        .env_remove("GITHUB_ACTIONS")
        .args(options)
        .args(args)
        .output()
        .expect("run");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// The findings of a concise report (`path:line:col: CODE message` lines).
pub fn findings(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| {
            l.split(": ")
                .nth(1)
                .is_some_and(|c| c.len() >= 4 && c.as_bytes()[1].is_ascii_digit())
        })
        .collect()
}

/// `git ARGS` in `d`, which must succeed; its standard output. The identity and the
/// configuration are the test's own, whatever the machine's.
pub fn git(d: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(d)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A new git repository in `d` (branch `main`).
pub fn git_init(d: &Path) {
    git(d, &["init", "--quiet", "--initial-branch=main"]);
}

/// Commits everything in `d`; returns the commit's SHA.
pub fn commit_all(d: &Path, message: &str) -> String {
    git(d, &["add", "--all"]);
    git(d, &["commit", "--quiet", "--allow-empty", "-m", message]);
    git(d, &["rev-parse", "HEAD"])
}
