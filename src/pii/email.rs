//! Email addresses, as P001 email-address reports them: the address regex and the reserved
//! domains, SSH remotes, URL users and image names it passes over.

use std::sync::LazyLock;

use regex::Regex;

use super::Found;
use crate::registry::Code;

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}")
        .expect("constant regex")
});

const RESERVED_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];
const RESERVED_TLDS: &[&str] = &["example", "test", "invalid", "localhost"];
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp"];

pub(crate) fn check(text: &str, found: &mut Found<'_>) {
    if !found.enabled(Code::P001) {
        return;
    }
    for m in EMAIL.find_iter(text) {
        let address = m.as_str();
        let Some((_, domain)) = address.rsplit_once('@') else {
            continue;
        };
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if glued(before) || glued(after) || is_reserved(domain) {
            continue;
        }
        // `git@github.com:org/repo`, `ftp://user:pw@host`, `logo@2x.png`.
        let ssh_remote = after == Some(':');
        let url_user = matches!(before, Some(':' | '/')) && in_url(text, m.start());
        let tld = domain
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if ssh_remote || url_user || IMAGE_EXTENSIONS.contains(&tld.as_str()) {
            continue;
        }
        found.report(
            Code::P001,
            m.range(),
            "email address",
            "",
            "replace it with an address at example.com",
        );
    }
}

/// A character next to a match that makes it part of a longer word, not an address: an
/// ASCII letter or digit, `_`, or a Latin letter with a diacritic (`müller@web.de` is one
/// word, which an ASCII local part cannot hold whole). A letter of another script ends the
/// address, as a reader sees it: Chinese and Japanese put no space between Han or Kana and
/// Latin text (`请发邮件到zhang.wei@qq.com`), Korean glues its particles to the word before
/// them (`minsu.kim@naver.com으로`).
fn glued(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || is_latin_letter(c))
}

/// A letter of the Latin script beyond ASCII, or a combining mark (an accent written after
/// its letter): Latin-1 Supplement, Latin Extended-A and -B, IPA, Latin Extended Additional
/// (Vietnamese), Extended-C, -D and -E. Full-width Latin letters are CJK typography, not
/// part of an ASCII word.
fn is_latin_letter(c: char) -> bool {
    matches!(c,
        '\u{C0}'..='\u{2AF}' | '\u{300}'..='\u{36F}' | '\u{1E00}'..='\u{1EFF}'
        | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}' | '\u{AB30}'..='\u{AB6F}')
        && (c.is_alphabetic() || ('\u{300}'..='\u{36F}').contains(&c))
}

/// Most bytes looked back over for the `//` of a URL: a URL's scheme and user part are
/// short, and the look stays constant per address however long the text.
const URL_LOOKBACK: usize = 256;

/// The address at `start`, after a `:` or `/`, is a URL's user part (`ftp://user:pw@host`,
/// `https://user@host`): the word it is in has a `//` before it. `Email:john@...`,
/// `mailto:john@...` and `邮箱:john@...` have none; there the colon ends a label.
fn in_url(text: &str, start: usize) -> bool {
    let bytes = &text.as_bytes()[start.saturating_sub(URL_LOOKBACK)..start];
    let word = bytes
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(bytes, |i| &bytes[i + 1..]);
    memchr::memmem::find(word, b"//").is_some()
}

/// Domains reserved for documentation and tests (RFC 2606, RFC 6761).
fn is_reserved(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    let tld = domain.rsplit('.').next().unwrap_or_default();
    RESERVED_TLDS.contains(&tld)
        || RESERVED_DOMAINS
            .iter()
            .any(|r| domain == *r || domain.ends_with(&format!(".{r}")))
}

#[cfg(test)]
mod tests {
    use super::is_reserved;

    #[test]
    fn reserved_domains() {
        for d in [
            "example.com",
            "mail.example.org",
            "EXAMPLE.NET",
            "shop.example",
            "a.test",
            "x.invalid",
            "dev.localhost",
        ] {
            assert!(is_reserved(d), "{d}");
        }
        for d in [
            "gmail.com",
            "example.co",
            "myexample.com",
            "email.com",
            "test.com",
        ] {
            assert!(!is_reserved(d), "{d}");
        }
    }
}
