//! P001 email-address.

use std::sync::LazyLock;

use regex::Regex;

use super::Found;
use crate::declare_rule;
use crate::rules::Code;

declare_rule! {
    /// ## What it does
    /// Reports an email address in any message or tool-call argument: a local part of
    /// letters, digits and `._%+-`, an `@`, and a domain of at least two labels ending in a
    /// top-level domain of letters.
    ///
    /// Deliberately not matched: addresses at domains reserved for documentation and
    /// testing (`example.com`, `example.org`, `example.net` and their subdomains; any name
    /// under `.example`, `.test`, `.invalid` or `.localhost`); an SSH remote such as
    /// `git@github.com:org/repo.git`; the user part of a URL (`ftp://user:pw@host`); and
    /// image names like `icon@2x.png`. Addresses in code count: a real address is personal
    /// data wherever it is written.
    ///
    /// The message quotes the address masked: its first 4 characters, then one `*` for each
    /// other character (at most 32). The `full` output masks it the same way in the line it
    /// shows, and `[pii] allow` patterns that find it in the match keep it quiet. As
    /// with every rule, ten findings per example are shown one by one; one more counts the rest.
    /// Known-safe addresses, such as your public support address, are allowed that way:
    /// `allow = ["^support@acme\\.com$"]` under `[pii]`.
    ///
    /// ## Why is this bad?
    /// A model memorises rare strings it sees in training and can repeat them to anyone;
    /// real customers' addresses in a fine-tuning set are a privacy incident waiting to
    /// happen, and under GDPR and similar laws personal data needs a reason to be there.
    /// Replace them with addresses at `example.com`.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Please send the invoice to maria.gonzalez@gmail.com, thank you."}, {"role": "assistant", "content": "Done: the invoice is on its way to the address on your account."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Please send the invoice to maria.gonzalez@example.com, thank you."}, {"role": "assistant", "content": "Done: the invoice is on its way to the address on your account."}]}
    /// ```
    pub static EMAIL_ADDRESS = {
        code: "P001",
        name: "email-address",
        level: Warning,
        summary: "email address, except reserved domains (example.com/.org/.net, *.example, *.test, *.invalid, localhost)",
    };
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}")
        .expect("constant regex")
});

const RESERVED_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];
const RESERVED_TLDS: &[&str] = &["example", "test", "invalid", "localhost"];
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp"];

pub fn check(text: &str, found: &mut Found<'_>) {
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
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if glued(before) || glued(after) || is_reserved(domain) {
            continue;
        }
        // `git@github.com:org/repo`, `ftp://user:pw@host`, `logo@2x.png`.
        let ssh_remote = after == Some(':');
        let url_user = matches!(before, Some(':' | '/'));
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
