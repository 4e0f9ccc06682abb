//! J006 lfs-pointer.

use crate::context::FileContext;
use crate::declare_rule;
use crate::registry::Code;

declare_rule! {
    /// ## What it does
    /// Reports a file that is a Git LFS pointer, the small text file that starts with
    /// `version https://git-lfs.github.com/spec/`, instead of the data it points to. Nothing
    /// else in the file is checked.
    ///
    /// ## Why is this bad?
    /// The repository was cloned or checked out without fetching LFS objects, so every tool
    /// that reads the file sees three lines of text instead of the dataset: a linter would
    /// pass it with zero examples, and a training job fails on it or trains on nothing. Run
    /// `git lfs pull`; in GitHub Actions, check out with `actions/checkout` and `lfs: true`.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// version https://git-lfs.github.com/spec/v1
    /// oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
    /// size 48213
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "How do I cancel my plan?"}, {"role": "assistant", "content": "Open Billing, choose Cancel plan and confirm."}]}
    /// ```
    pub static LFS_POINTER = {
        code: "J006",
        name: "lfs-pointer",
        level: Error,
        summary: "file is a Git LFS pointer, not data",
    };
}

const LFS_HEADER: &[u8] = b"version https://git-lfs.github.com/spec/";

/// Reports a Git LFS pointer; returns true when the file is one (nothing more is linted).
pub fn check(buf: &[u8], ctx: &mut FileContext<'_>) -> bool {
    if !is_pointer(buf) {
        return false;
    }
    ctx.report_line(
        Code::J006,
        1,
        0,
        "file is a Git LFS pointer, not the data; run `git lfs pull` to fetch the content",
    );
    true
}

/// Whether the text starting with `buf` is a Git LFS pointer.
pub fn is_pointer(buf: &[u8]) -> bool {
    buf.starts_with(LFS_HEADER)
}
