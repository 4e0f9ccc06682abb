//! P004 national-id.

use std::sync::LazyLock;

use regex::Regex;

use super::{DigitRun, Found, stands_alone};
use crate::declare_rule;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports a US Social Security number in any message or tool-call argument: three,
    /// two and four digits joined by dashes (`AAA-GG-SSSS`) that the SSA could issue: the
    /// area `AAA` is not 000, 666 or 900–999, the group `GG` is not 00 and the serial
    /// `SSSS` is not 0000.
    ///
    /// Deliberately not matched: numbers that cannot be issued (`000-12-3456`,
    /// `987-65-4320`); the numbers famous from advertising and textbooks, 078-05-1120 (the
    /// Woolworth wallet card), 219-09-9999 (a Social Security Board pamphlet) and
    /// 123-45-6789; nine digits without dashes (as often an order or account number); and
    /// digits glued to letters or to more digits (`123-45-6789-0`).
    ///
    /// The message quotes the number masked: its first 4 characters, then one `*` for each
    /// other character (at most 32). The `full` output masks it the same way in the line it
    /// shows, and `[pii] allow` patterns that find it in the match keep it quiet. As
    /// with every rule, ten findings per example are shown one by one; one more counts the rest.
    ///
    /// ## Why is this bad?
    /// A Social Security number is the key to a person's identity and credit; one in a
    /// training set is a reportable breach in many US states, and a model can memorise and
    /// repeat it. Remove it or write an impossible one such as 000-12-3456.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "For the tax form, my SSN is 536-22-8147."}, {"role": "assistant", "content": "Please do not share your Social Security number in chat; enter it on the secure tax form instead."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "For the tax form, my SSN is 000-12-3456."}, {"role": "assistant", "content": "Please do not share your Social Security number in chat; enter it on the secure tax form instead."}]}
    /// ```
    pub static NATIONAL_ID = {
        code: "P004",
        name: "national-id",
        level: Warning,
        summary: "a US social security number with a valid area, group and serial",
    };
}

static SSN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]{3})-([0-9]{2})-([0-9]{4})").expect("constant regex"));

/// Numbers everyone has seen in print: the Woolworth wallet insert, the 1940s pamphlet, the
/// textbook example.
const FAMOUS: &[&str] = &["078-05-1120", "219-09-9999", "123-45-6789"];

pub fn check(text: &str, runs: &[DigitRun], found: &mut Found<'_>) {
    if !found.enabled(Code::P004) {
        return;
    }
    for run in runs.iter().filter(|r| r.digits >= 9) {
        let slice = &text[run.range.clone()];
        if !slice.contains('-') {
            continue;
        }
        for caps in SSN.captures_iter(slice) {
            let whole = caps.get(0).expect("group 0");
            let range = run.range.start + whole.start()..run.range.start + whole.end();
            if stands_alone(text, &range)
                && is_issuable(&caps[1], &caps[2], &caps[3])
                && !FAMOUS.contains(&whole.as_str())
            {
                found.report(
                    Code::P004,
                    range,
                    "social security number",
                    " (US)",
                    "remove it or use an impossible number such as 000-12-3456",
                );
            }
        }
    }
}

/// Area, group and serial the SSA could issue.
fn is_issuable(area: &str, group: &str, serial: &str) -> bool {
    let area: u32 = area.parse().unwrap_or(0);
    area != 0 && area != 666 && area < 900 && group != "00" && serial != "0000"
}

#[cfg(test)]
mod tests {
    use super::is_issuable;

    #[test]
    fn issuable_numbers() {
        assert!(is_issuable("536", "22", "8147"));
        assert!(!is_issuable("000", "22", "8147"));
        assert!(!is_issuable("666", "22", "8147"));
        assert!(!is_issuable("987", "65", "4320"));
        assert!(!is_issuable("536", "00", "8147"));
        assert!(!is_issuable("536", "22", "0000"));
    }
}
