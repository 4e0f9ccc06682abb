//! Phone numbers, as P002 phone-number reports them: North American and international
//! forms, without the fictional 555-01xx range.

use std::sync::LazyLock;

use regex::Regex;

use super::{DigitRun, Found, digits_of, in_arithmetic, stands_alone};
use crate::registry::Code;

static NANP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<cc>\+1[\ .-]?|1-)?
        (?: \((?P<a1>[0-9]{3})\)\ ? | (?P<a2>[0-9]{3})(?P<s1>[\ .-]?) )
        (?P<ex>[0-9]{3})(?P<s2>[\ .-]?)(?P<line>[0-9]{4})",
    )
    .expect("constant regex")
});

static INTERNATIONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+[2-9][0-9]{0,2}(?:[ .-]?\(0\))?(?:[ .-]?[0-9]{1,5}){1,6}")
        .expect("constant regex")
});

pub(crate) fn check(text: &str, runs: &[DigitRun], found: &mut Found<'_>) {
    if !found.enabled(Code::P002) {
        return;
    }
    for run in runs
        .iter()
        .filter(|r| r.digits >= 8 || (r.digits >= 7 && text[r.range.clone()].starts_with('+')))
    {
        let slice = &text[run.range.clone()];
        let mut reported_to = 0;
        for caps in NANP.captures_iter(slice) {
            let whole = caps.get(0).expect("group 0");
            let range = run.range.start + whole.start()..run.range.start + whole.end();
            if whole.start() < reported_to
                || !stands_alone(text, &range)
                || !is_nanp(&caps)
                || in_arithmetic(text, &range)
            {
                continue;
            }
            reported_to = whole.end();
            found.report(
                Code::P002,
                range,
                "phone number",
                "",
                "replace it with a fictional 555-01xx number",
            );
        }
        for m in INTERNATIONAL.find_iter(slice) {
            let range = run.range.start + m.start()..run.range.start + m.end();
            let digits = digits_of(m.as_str()).len() - usize::from(m.as_str().contains("(0)"));
            if m.start() < reported_to
                || !(8..=15).contains(&digits)
                || is_signed_quantity(m.as_str())
                || !stands_alone(text, &range)
                || in_arithmetic(text, &range)
            {
                continue;
            }
            found.report(
                Code::P002,
                range,
                "phone number",
                "",
                "remove it or replace it with a fictional number",
            );
        }
    }
}

/// A `+` number that is a signed quantity, not a phone number: a decimal (`+48.858844`, a
/// coordinate: one `.` after the first digits and nothing after the fraction; phone numbers
/// written with dots have more of them), or a count in groups of three (`+31 457 219
/// people`) of fewer than 10 digits (a country code and a subscriber's number make 10 or
/// more almost everywhere, and `+48 123 456 789` has 11).
fn is_signed_quantity(m: &str) -> bool {
    let Some(body) = m.strip_prefix('+') else {
        return false;
    };
    if let Some((whole, fraction)) = body.split_once('.')
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() >= 4
    {
        return true;
    }
    let mut groups = body.split(' ');
    let lead = groups.next().unwrap_or_default();
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&lead.len())
        && lead.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && digits_of(m).len() < 10
}

/// The separators and digits of a NANP match make a real, non-fictional number.
fn is_nanp(caps: &regex::Captures<'_>) -> bool {
    let get = |name: &str| caps.name(name).map_or("", |m| m.as_str());
    let (area, exchange, line) = (
        if caps.name("a1").is_some() {
            get("a1")
        } else {
            get("a2")
        },
        get("ex"),
        get("line"),
    );
    let country = get("cc");
    let valid_digits = area.starts_with(|c: char| ('2'..='9').contains(&c))
        && !area.ends_with("11")
        && exchange.starts_with(|c: char| ('2'..='9').contains(&c));
    let fictional = exchange == "555" && line.starts_with("01");
    let separators_ok = if caps.name("a1").is_some() {
        true
    } else {
        let (s1, s2) = (get("s1"), get("s2"));
        match (s1, s2) {
            // `+14155552671`: compact only with the country code.
            ("", "") => country.starts_with('+'),
            (" ", " ") => !country.is_empty(),
            (a, b) => a == b && !a.is_empty(),
        }
    };
    valid_digits && !fictional && separators_ok
}

#[cfg(test)]
mod tests {
    use super::{INTERNATIONAL, NANP, is_nanp, is_signed_quantity};

    fn nanp(s: &str) -> bool {
        NANP.captures(s)
            .is_some_and(|c| c.get(0).unwrap().as_str() == s && is_nanp(&c))
    }

    #[test]
    fn north_american_numbers() {
        for s in [
            "(415) 867-2309",
            "415-867-2309",
            "415.867.2309",
            "+1 415 867 2309",
            "1-800-867-2309",
            "+14158672309",
        ] {
            assert!(nanp(s), "{s}");
        }
        for s in [
            "(415) 555-0142",
            "(123) 456-7890",
            "415 867 2309",
            "4158672309",
            "415-867.2309",
            "911-555-1234",
        ] {
            assert!(!nanp(s), "{s}");
        }
    }

    #[test]
    fn international_numbers() {
        for s in [
            "+44 20 7946 0958",
            "+49 (0)30 901820",
            "+33 1 23 45 67 89",
            "+8613812345678",
        ] {
            assert_eq!(INTERNATIONAL.find(s).map(|m| m.as_str()), Some(s), "{s}");
            assert!(!is_signed_quantity(s), "{s}");
        }
    }

    /// A coordinate and a count in groups of three are quantities; numbers written with
    /// dots or grouped in threes after their country code are still phone numbers.
    #[test]
    fn signed_quantities_are_not_phone_numbers() {
        for s in ["+48.858844", "+2.294351", "+31 457 219", "+12 345 678"] {
            assert!(is_signed_quantity(s), "{s}");
        }
        for s in [
            "+48 123 456 789",
            "+33.1.23.45.67.89",
            "+44.20.7946.0958",
            "+31 20 123 4567",
            "+353 85 123 4567",
        ] {
            assert!(!is_signed_quantity(s), "{s}");
        }
        let text = "Its coordinates are +48.858844, +2.294351 in decimal degrees; change: +31 457 219 people. Call +48 123 456 789.";
        let mut found = Vec::new();
        let runs = crate::pii::digit_runs(text);
        super::check(
            text,
            &runs,
            &mut crate::pii::Found {
                enabled: &|_| true,
                sink: &mut |m: crate::pii::Match<'_>| found.push(text[m.range].to_owned()),
                masking: false,
            },
        );
        assert_eq!(found, ["+48 123 456 789"]);
    }
}
