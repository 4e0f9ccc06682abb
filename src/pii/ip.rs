//! Public IP addresses, as P005 ip-address reports them: IPv4 and IPv6 outside the special
//! ranges, the public resolvers, CIDR networks and version numbers.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{DigitRun, Found, stands_alone};
use crate::registry::Code;

static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}").expect("constant regex"));

/// Public DNS resolvers everyone writes in examples: Google, Cloudflare, Quad9, OpenDNS.
const RESOLVERS: &[Ipv4Addr] = &[
    Ipv4Addr::new(8, 8, 8, 8),
    Ipv4Addr::new(8, 8, 4, 4),
    Ipv4Addr::new(1, 1, 1, 1),
    Ipv4Addr::new(1, 0, 0, 1),
    Ipv4Addr::new(9, 9, 9, 9),
    Ipv4Addr::new(149, 112, 112, 112),
    Ipv4Addr::new(208, 67, 222, 222),
    Ipv4Addr::new(208, 67, 220, 220),
];

/// The same resolvers over IPv6: Google, Cloudflare, Quad9, OpenDNS.
const RESOLVERS_V6: &[Ipv6Addr] = &[
    Ipv6Addr::new(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888),
    Ipv6Addr::new(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844),
    Ipv6Addr::new(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111),
    Ipv6Addr::new(0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001),
    Ipv6Addr::new(0x2620, 0xfe, 0, 0, 0, 0, 0, 0xfe),
    Ipv6Addr::new(0x2620, 0xfe, 0, 0, 0, 0, 0, 0x9),
    Ipv6Addr::new(0x2620, 0x119, 0x35, 0, 0, 0, 0, 0x35),
    Ipv6Addr::new(0x2620, 0x119, 0x53, 0, 0, 0, 0, 0x53),
];

/// Words right before a dotted number that make it a version, a section or clause number,
/// an OID or the number of a step, figure or table, not an address.
const NUMBERING_WORDS: &[&str] = &[
    "version",
    "versions",
    "ver",
    "release",
    "build",
    "firmware",
    "v",
    "section",
    "sections",
    "sec",
    "clause",
    "clauses",
    "chapter",
    "ch",
    "article",
    "paragraph",
    "para",
    "appendix",
    "annex",
    "oid",
    "rule",
    "step",
    "figure",
    "fig",
    "table",
];

/// Words that, earlier in the sentence, make a number after "is" something other than an
/// address: "The version that fixed it is 4.2.0.1", "The OID is 2.5.4.3".
const NAMING_WORDS: &[&str] = &[
    "version",
    "release",
    "build",
    "firmware",
    "section",
    "clause",
    "chapter",
    "article",
    "paragraph",
    "appendix",
    "annex",
    "oid",
];

/// Names of products and of their updates that a four-part version follows (`Python
/// 3.12.1.4`, `.NET 4.8.1.0`, `SQL Server 2019 CU 15.0.4.223`), written in any case.
const PRODUCT_WORDS: &[&str] = &[
    "python",
    "java",
    "jdk",
    "jre",
    "node",
    "nodejs",
    "npm",
    "chrome",
    "chromium",
    "firefox",
    "edge",
    "safari",
    "windows",
    "win",
    "net",
    "dotnet",
    "framework",
    "runtime",
    "sdk",
    "kernel",
    "linux",
    "ubuntu",
    "debian",
    "android",
    "ios",
    "macos",
    "office",
    "cu",
    "sp",
    "kb",
    "hotfix",
    "driver",
    "agent",
    "package",
    "gcc",
    "clang",
    "llvm",
    "cuda",
    "php",
    "perl",
    "ruby",
    "rust",
    "golang",
];

/// Words written with a capital that name an address, not a product (`the IP 81.2.69.160`).
const ADDRESS_WORDS: &[&str] = &[
    "ip", "ipv4", "address", "addr", "host", "hostname", "server", "gateway", "router", "proxy",
    "dns", "wan", "lan", "vpn", "nat", "peer", "client", "node", "from", "to", "at",
];

/// Verbs that link a naming word to the number.
const LINKING_WORDS: &[&str] = &["is", "was", "are", "were", "be", "becomes"];

pub(crate) fn check_v4(text: &str, runs: &[DigitRun], found: &mut Found<'_>) {
    if !found.enabled(Code::P005) {
        return;
    }
    for run in runs {
        let slice = &text[run.range.clone()];
        if slice.bytes().filter(|&b| b == b'.').count() < 3 {
            continue;
        }
        for m in IPV4.find_iter(slice) {
            let range = run.range.start + m.start()..run.range.start + m.end();
            let Some(ip) = parse_v4(m.as_str()) else {
                continue;
            };
            let cidr = text[range.end..].starts_with('/')
                && text[range.end + 1..].starts_with(|c: char| c.is_ascii_digit());
            if !is_public_v4(ip)
                || RESOLVERS.contains(&ip)
                || cidr
                || !stands_alone(text, &range)
                || after_numbering_word(text, range.start)
                || after_product_name(text, range.start, ip)
            {
                continue;
            }
            found.report(
                Code::P005,
                range,
                "public IP address",
                "",
                "use a documentation address such as 192.0.2.10",
            );
        }
    }
}

/// Dotted decimal without leading zeros (`010.1.1.1` is octal to some parsers).
fn parse_v4(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.len() > 1 && part.starts_with('0') {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    Some(Ipv4Addr::from(octets))
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = a == 0
        || ip.is_private()
        || (a == 100 && (64..128).contains(&b))
        || ip.is_loopback()
        || ip.is_link_local()
        || (a == 192 && b == 0 && c == 0)
        || ip.is_documentation()
        || (a == 198 && (18..20).contains(&b))
        || a >= 224;
    !special
}

/// The number at `at` follows a word that names it as something other than an address:
/// right before it (`v1.2.3.4`, `Section 3.1.4.1`, `§ 2.4.1.3`), or earlier in its sentence
/// and linked by "is" (`The OID is 2.5.4.3`).
fn after_numbering_word(text: &str, at: usize) -> bool {
    let head = text[..at].trim_end_matches([' ', ':', '#', '(']);
    if head.ends_with('\u{A7}') {
        return true;
    }
    // The ASCII letters that end `head`.
    let word = head
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if NUMBERING_WORDS.contains(&word.as_str()) {
        return true;
    }
    if !LINKING_WORDS.contains(&word.as_str()) {
        return false;
    }
    let sentence_start = head
        .rfind(['\n', '!', '?', ':', ';'])
        .max(head.rfind(". "))
        .map_or(0, |i| i + 1);
    head[sentence_start..]
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .take(8)
        .any(|w| NAMING_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// The number at `at` is a version of the product named right before it: a product word
/// (`Python`, `Framework`, `CU`, in any case), or, for a number whose first part is below 32
/// as versions' are, a capitalised word inside a sentence (a product's name: `Upgrade to
/// Contoso 3.12.1.4`) that names no address (`the Server 81.2.69.160` stays an address).
fn after_product_name(text: &str, at: usize, ip: Ipv4Addr) -> bool {
    let head = text[..at].trim_end_matches([' ', '(']);
    let word = head
        .rsplit(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    if word.is_empty() || head.len() == text[..at].len() {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    if PRODUCT_WORDS.contains(&lower.as_str()) && !ADDRESS_WORDS.contains(&lower.as_str()) {
        return true;
    }
    let before = head[..head.len() - word.len()].trim_end_matches(' ');
    // A capital that starts a sentence says nothing of the word (`Ping 81.2.69.160`).
    let inside_sentence = before.ends_with(|c: char| c.is_alphanumeric() || c == ',');
    let capitalised = word.starts_with(|c: char| c.is_ascii_uppercase())
        && word[1..].bytes().any(|b| b.is_ascii_lowercase());
    inside_sentence
        && capitalised
        && ip.octets()[0] < 32
        && !ADDRESS_WORDS.contains(&lower.as_str())
}

pub(crate) fn check_v6(text: &str, found: &mut Found<'_>) {
    if !found.enabled(Code::P005) {
        return;
    }
    let bytes = text.as_bytes();
    let is_v6_byte = |b: u8| b.is_ascii_hexdigit() || b == b':';
    let mut done_to = 0;
    for colon in memchr::memchr_iter(b':', bytes) {
        if colon < done_to {
            continue;
        }
        // A colon between hex digits (or doubled) starts a candidate.
        let prev = colon.checked_sub(1).map(|i| bytes[i]);
        let next = bytes.get(colon + 1).copied();
        if !(prev.is_some_and(is_v6_byte) && next.is_some_and(is_v6_byte)) {
            continue;
        }
        let mut start = colon;
        while start > 0 && is_v6_byte(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = colon;
        while end < bytes.len() && (is_v6_byte(bytes[end]) || bytes[end] == b'.') {
            end += 1;
        }
        // The run is judged once, here: a later colon of it would start the same candidate
        // or a piece of it between dots, judged below (scanning the run again from each of
        // its colons made a megabyte of `:` take minutes).
        done_to = end;
        while end > colon && matches!(bytes[end - 1], b'.' | b':') {
            end -= 1;
        }
        if judge_v6_ending(text, start..end, found) || !text[start..end].contains('.') {
            continue;
        }
        // Not one address (`fe80::1...2a00:1450:4001:82a::200e`): each piece between dots
        // may be one (`::ffff:192.0.2.1` parsed whole above).
        let mut piece = start;
        for dot in memchr::memchr_iter(b'.', &bytes[start..end]).map(|i| start + i) {
            judge_v6_ending(text, piece..dot, found);
            piece = dot + 1;
        }
        judge_v6_ending(text, piece..end, found);
    }
}

/// [`judge_v6`] on `range`, its trailing colons trimmed as a sentence's; failing that, with
/// the `::` an address may end on (`2a00:1450::`).
fn judge_v6_ending(text: &str, range: Range<usize>, found: &mut Found<'_>) -> bool {
    let bytes = text.as_bytes();
    let mut end = range.end;
    while end > range.start && bytes[end - 1] == b':' {
        end -= 1;
    }
    // `2a00:1450::` ends on its `::`; a number before `::` alone (`arr[2000::]`, "In
    // 2024:: we") is a slice or a typo, not an address.
    judge_v6(text, range.start..end, found)
        || (text[end..].starts_with("::")
            && text[range.start..end].contains(':')
            && judge_v6(text, range.start..end + 2, found))
}

/// Reports the text at `range` when it is a public IPv6 address standing alone; returns
/// whether it is an IPv6 address at all.
fn judge_v6(text: &str, range: Range<usize>, found: &mut Found<'_>) -> bool {
    let candidate = &text[range.clone()];
    if candidate.bytes().filter(|&b| b == b':').count() < 2 || !stands_alone(text, &range) {
        return false;
    }
    let Ok(ip) = candidate.parse::<Ipv6Addr>() else {
        return false;
    };
    let first = ip.segments()[0];
    let global = (0x2000..0x4000).contains(&first);
    let documentation = first == 0x2001 && ip.segments()[1] == 0x0db8;
    let cidr = text[range.end..].starts_with('/');
    if global && !documentation && !cidr && !RESOLVERS_V6.contains(&ip) {
        found.report(
            Code::P005,
            range,
            "public IP address",
            "",
            "use a documentation address such as 2001:db8::10",
        );
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_special_v4() {
        for s in ["81.2.69.160", "34.120.5.9"] {
            assert!(parse_v4(s).is_some_and(is_public_v4), "{s}");
        }
        for s in [
            "10.0.0.1",
            "172.16.4.1",
            "192.168.1.20",
            "127.0.0.1",
            "169.254.1.1",
            "192.0.2.10",
            "198.51.100.7",
            "203.0.113.24",
            "100.64.0.1",
            "224.0.0.251",
            "255.255.255.255",
            "0.0.0.0",
            "198.18.0.1",
        ] {
            assert!(!parse_v4(s).is_some_and(is_public_v4), "{s}");
        }
        assert_eq!(parse_v4("010.1.1.1"), None);
        assert_eq!(parse_v4("256.1.1.1"), None);
    }

    #[test]
    fn version_words() {
        assert!(after_numbering_word("firmware 1.2.3.4", 9));
        assert!(after_numbering_word("Version: 1.2.3.4", 9));
        assert!(!after_numbering_word("server 1.2.3.4", 7));
    }

    /// Whether `check_v4` and `check_v6` report something in `text`.
    fn reports(text: &str) -> bool {
        let mut any = false;
        let mut sink = |_: crate::pii::Match<'_>| any = true;
        let enabled = |_: Code| true;
        let mut found = Found {
            enabled: &enabled,
            sink: &mut sink,
            masking: false,
        };
        let runs = crate::pii::digit_runs(text);
        check_v4(text, &runs, &mut found);
        check_v6(text, &mut found);
        any
    }

    #[test]
    fn v6_addresses_in_runs_of_colons_and_dots() {
        for text in [
            "The host is 2a00:1450:4001:82a::200e.",
            "Reach it on 2a00:1450:: today.",
            "Routes: fe80::1...2a00:1450:4001:82a::200e:: and more",
            "Logged 2a00:488d:481d:::: at noon",
            "The address [2600:1f18::2]:8080 answered.",
        ] {
            assert!(reports(text), "{text}");
        }
        for text in [
            "The link-local fe80::1 and the mapped ::ffff:192.0.2.1 are fine.",
            "Use 2001:db8::10 in examples.",
            "A run of colons :::::::::::: and dots ...:::...",
            "Timestamps 10:30:45.123 and MAC 00:1a:2b:3c:4d:5e are not addresses.",
            "Take arr[2000::] and tokens[2048::], then df.iloc[3000::].",
            "In 2024:: we shipped it.",
        ] {
            assert!(!reports(text), "{text}");
        }
    }

    #[test]
    fn numbering_is_not_an_address() {
        for text in [
            "See Section 3.1.4.1 of the specification.",
            "Clause 2.4.1.3 covers refunds.",
            "See \u{A7} 2.4.1.3 and \u{A7}\u{A7} 3.1.4.1.",
            "The OID is 2.5.4.3, defined in X.520.",
            "The version that fixed it is 4.2.0.1, released in May.",
            "Step 2.1.1.4 and Figure 3.2.1.1 and Table 4.1.2.3.",
            "Google Public DNS is 8.8.8.8 and 2001:4860:4860::8888 or 2001:4860:4860::8844.",
            "Cloudflare answers on 2606:4700:4700::1111 and 2606:4700:4700::1001.",
        ] {
            assert!(!reports(text), "{text}");
        }
        for text in [
            "Upgrade the agent to Python 3.12.1.4 or later; the crash is fixed there.",
            "Install Microsoft .NET Framework 4.8.1.0 first, then SQL Server 2019 CU 15.0.4.223.",
            "We run Contoso 12.4.1.7 in production.",
            "Build 1.2.3.4.5 and 81.2.69.160.7 are outline numbers.",
        ] {
            assert!(!reports(text), "{text}");
        }
        // A capital that starts a sentence, a word naming an address, a number no version
        // starts with: still addresses.
        for text in [
            "Ping 81.2.69.160 from the office.",
            "Ping 13.2.69.160 from the office.",
            "Block the IP 13.2.69.160 now.",
            "Our Server 13.2.69.160 is down.",
            "Ask Contoso 81.2.69.160 about it.",
            "The Python server at 81.2.69.160 is down.",
        ] {
            assert!(reports(text), "{text}");
        }
        for text in [
            "The server is 81.2.69.160.",
            "Release notes are online. The server is 81.2.69.160.",
            "Step 3: the WAN address is 81.2.69.160.",
            "Its IPv6 address is 2a00:1450:4001:81a::200e.",
        ] {
            assert!(reports(text), "{text}");
        }
    }
}
