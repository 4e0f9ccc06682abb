//! US Social Security numbers, as P004 national-id reports them: issuable area, group and
//! serial, without the famous ones.

use std::sync::LazyLock;

use regex::Regex;

use super::{DigitRun, Found, stands_alone};
use crate::registry::Code;

static SSN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]{3})-([0-9]{2})-([0-9]{4})").expect("constant regex"));

/// The form written with spaces (`536 22 8145`), which a table of figures also makes: only
/// where the text names the number just before it.
static SSN_SPACED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9]{3}) ([0-9]{2}) ([0-9]{4})").expect("constant regex"));

/// Bytes before a spaced number looked at for its name.
const NAMED_WITHIN: usize = 40;

/// Whether the text just before `at` names a social security number.
fn named_before(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(NAMED_WITHIN);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..at].to_ascii_lowercase();
    before.contains("ssn") || before.contains("social security")
}

/// Numbers everyone has seen in print: the Woolworth wallet insert, the 1940s pamphlet, the
/// textbook example.
const FAMOUS: &[&str] = &["078-05-1120", "219-09-9999", "123-45-6789"];

pub(crate) fn check(text: &str, runs: &[DigitRun], found: &mut Found<'_>) {
    if !found.enabled(Code::P004) {
        return;
    }
    for run in runs.iter().filter(|r| r.digits >= 9) {
        let slice = &text[run.range.clone()];
        let spaced = !slice.contains('-');
        if spaced && !named_before(text, run.range.start) {
            continue;
        }
        let regex = if spaced { &SSN_SPACED } else { &SSN };
        for caps in regex.captures_iter(slice) {
            let whole = caps.get(0).expect("group 0");
            let range = run.range.start + whole.start()..run.range.start + whole.end();
            if stands_alone(text, &range)
                && is_issuable(&caps[1], &caps[2], &caps[3])
                && !FAMOUS.contains(&whole.as_str().replace(' ', "-").as_str())
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
    use super::{is_issuable, named_before};

    #[test]
    fn a_spaced_number_needs_its_name_before_it() {
        let text = "My SSN is 536 22 8145. Further down, the quarterly table lists 536 22 8145.";
        assert!(named_before(text, text.find("536").unwrap()));
        assert!(!named_before(text, text.rfind("536").unwrap()));
    }

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
