//! Payment card numbers, as P003 credit-card-number reports them: printed groupings, network
//! prefixes and lengths, the Luhn check and the published test numbers.

use super::{DigitRun, Found, in_arithmetic, stands_alone};
use crate::registry::Code;

/// Test numbers published by card networks and payment processors (Stripe, Adyen, Braintree,
/// PayPal): fake by design.
const TEST_NUMBERS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4000056655665556",
    "4012888888881881",
    "4222222222222",
    "4000000000000002",
    "4000000000000077",
    "4000000000009995",
    "4917610000000000",
    "4988438843884305",
    "5555555555554444",
    "5105105105105100",
    "5200828282828210",
    "2223003122003222",
    "2223000048400011",
    "5454545454545454",
    "378282246310005",
    "371449635398431",
    "378734493671000",
    "6011111111111117",
    "6011000990139424",
    "6011000400000000",
    "30569309025904",
    "38520000023237",
    "36227206271667",
    "3056930009020004",
    "3566002020360505",
    "3530111333300000",
    "6200000000000005",
    "6250941006528599",
    "6304000000000000",
];

/// Group lengths as cards print them, most common first: when two readings of the same
/// digits both check, the first wins (`4539 1488 0343 6467 123` is a card and a CVV).
const GROUPINGS: &[&[usize]] = &[
    &[4, 4, 4, 4],
    &[4, 6, 5],
    &[4, 6, 4],
    &[4, 4, 4, 1],
    &[4, 4, 4, 4, 3],
    &[4, 4, 4, 4, 1],
    &[4, 4, 4, 4, 2],
];

pub(crate) fn check(text: &str, runs: &[DigitRun], found: &mut Found<'_>) {
    if !found.enabled(Code::P003) {
        return;
    }
    for run in runs.iter().filter(|r| r.digits >= 13) {
        for (range, network) in candidates(text, run) {
            let digits: String = text[range.clone()]
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if TEST_NUMBERS.contains(&digits.as_str()) || in_arithmetic(text, &range) {
                continue;
            }
            found.report(
                Code::P003,
                range,
                "credit card number",
                &format!(" ({network}, passes the Luhn check)"),
                "replace it with a published test number such as 4242 4242 4242 4242",
            );
        }
    }
}

/// The card numbers in one run of digits: their ranges and networks.
fn candidates(text: &str, run: &DigitRun) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let bytes = text.as_bytes();
    // Digit groups of the run and the separator after each.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = run.range.start;
    while i < run.range.end {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < run.range.end && bytes[i].is_ascii_digit() {
                i += 1;
            }
            groups.push((start, i));
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut g = 0;
    while g < groups.len() {
        // Ways to read a card number from group `g` on: one long group, or a grouping with
        // one separator repeated between the groups; the first reading that checks wins.
        let mut readings: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
        let (start, end) = groups[g];
        if (13..=19).contains(&(end - start)) {
            readings.push((start..end, 1));
        }
        for grouping in GROUPINGS {
            let last = g + grouping.len() - 1;
            if last >= groups.len() {
                continue;
            }
            let lengths_ok = grouping
                .iter()
                .enumerate()
                .all(|(k, &n)| groups[g + k].1 - groups[g + k].0 == n);
            let separator = &text[groups[g].1..groups[g + 1].0];
            // Dots only between groups of four (`4539.1488.0343.6467`): a version or an
            // address never has four-digit groups.
            let separators_ok = (matches!(separator, " " | "-")
                || (separator == "." && grouping.iter().all(|&n| n == 4)))
                && (g..last).all(|k| &text[groups[k].1..groups[k + 1].0] == separator);
            if lengths_ok && separators_ok {
                readings.push((groups[g].0..groups[last].1, grouping.len()));
            }
        }
        let card = readings.into_iter().find_map(|(range, count)| {
            let digits: Vec<u8> = text[range.clone()]
                .bytes()
                .filter(u8::is_ascii_digit)
                .map(|b| b - b'0')
                .collect();
            let network =
                network(&digits).filter(|_| luhn(&digits) && stands_alone(text, &range))?;
            Some((range, count, network))
        });
        match card {
            Some((range, count, network)) => {
                out.push((range, network));
                g += count;
            }
            None => g += 1,
        }
    }
    out
}

/// The Luhn checksum (ISO/IEC 7812): doubling every second digit from the right.
fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The network a number's prefix and length belong to.
fn network(digits: &[u8]) -> Option<&'static str> {
    let prefix = |n: usize| {
        digits
            .iter()
            .take(n)
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d))
    };
    let len = digits.len();
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    let name = if p1 == 4 && matches!(len, 13 | 16 | 19) {
        "Visa"
    } else if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        "Mastercard"
    } else if matches!(p2, 34 | 37) && len == 15 {
        "American Express"
    } else if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&len) {
        "Discover"
    } else if ((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && (14..=19).contains(&len)
    {
        "Diners Club"
    } else if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        "JCB"
    } else if p2 == 62 && (16..=19).contains(&len) {
        "UnionPay"
    } else if (p2 == 50 || (56..=69).contains(&p2)) && (13..=19).contains(&len) {
        "Maestro"
    } else {
        return None;
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cards(text: &str) -> Vec<&str> {
        let runs = super::super::digit_runs(text);
        runs.iter()
            .flat_map(|r| candidates(text, r))
            .map(|(range, _)| &text[range])
            .collect()
    }

    #[test]
    fn finds_grouped_and_plain_numbers() {
        assert_eq!(
            cards("card 4539 1488 0343 6467 please"),
            ["4539 1488 0343 6467"]
        );
        assert_eq!(cards("card 4539-1488-0343-6467."), ["4539-1488-0343-6467"]);
        assert_eq!(cards("card 4539148803436467"), ["4539148803436467"]);
        assert_eq!(cards("amex 3714 496353 98431"), ["3714 496353 98431"]);
        assert_eq!(cards("4539 1488 0343 6467 123"), ["4539 1488 0343 6467"]);
        assert_eq!(cards("card 4539.1488.0343.6467."), ["4539.1488.0343.6467"]);
    }

    #[test]
    fn ignores_other_numbers() {
        // Luhn fails, unknown prefix, mixed separators, too long.
        assert!(cards("order 4539 1488 0343 6468").is_empty());
        assert!(cards("id 9539148803436467").is_empty());
        assert!(cards("4539 1488-0343 6467").is_empty());
        assert!(cards("45391488034364671234").is_empty());
        // Dots only between groups of four.
        assert!(cards("amex 3714.496353.98431").is_empty());
    }

    #[test]
    fn test_numbers_pass_luhn() {
        for n in TEST_NUMBERS {
            let digits: Vec<u8> = n.bytes().map(|b| b - b'0').collect();
            assert!(luhn(&digits), "{n}");
        }
    }
}
