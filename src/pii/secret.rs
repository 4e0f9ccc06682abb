//! Secrets, as P006 secret reports them: the prefixes and forms of API keys and PEM private
//! keys, and the test that their random part looks random.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::packed::Searcher;
use regex::Regex;

use super::Found;
use crate::literals;
use crate::registry::Code;

/// A kind of credential: its name, the prefixes that start it and the regex of the whole
/// key, anchored at the prefix.
///
/// A prefix is searched for from its `skip`-th byte on (`("ghp_", 1)` searches `hp_`): the
/// searcher compares the first three bytes it is given, and `hp_` is rare in prose where
/// `gh` followed by the `t` of another pattern would stop at every "might" and "light".
struct Kind {
    name: &'static str,
    prefixes: &'static [(&'static str, usize)],
    pattern: &'static str,
}

/// JSON Web Tokens run longer than API keys: a header, claims and a signature, each
/// base64url.
const JWT: &str = "JSON Web Token";

const AWS: &str = "AWS access key ID";

/// Hugging Face's tokens are letters only: their randomness is in the mix of cases.
const HUGGING_FACE: &str = "Hugging Face token";

/// The secret of a Slack incoming webhook is the last part of its URL, letters and digits.
const SLACK_WEBHOOK: &str = "Slack webhook URL";

const KINDS: &[Kind] = &[
    // Before OpenAI's: both start with `sk-`, and the searcher takes the first listed.
    Kind {
        name: "Anthropic API key",
        prefixes: &[("sk-ant-", 0)],
        pattern: r"^sk-ant-[A-Za-z0-9_-]{20,}",
    },
    Kind {
        name: "OpenAI API key",
        prefixes: &[("sk-", 0)],
        pattern: r"^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
    },
    Kind {
        name: HUGGING_FACE,
        prefixes: &[("hf_", 0)],
        pattern: r"^hf_[A-Za-z0-9]{34}",
    },
    Kind {
        name: JWT,
        prefixes: &[("eyJ", 0)],
        // `eyJ` is `{"` in base64: a JSON header, JSON claims, then a signature (an
        // unsigned token, `alg: none`, is no credential).
        pattern: r"^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}",
    },
    Kind {
        name: AWS,
        prefixes: &[("AKIA", 0), ("ASIA", 0)],
        pattern: r"^(?:AKIA|ASIA)[0-9A-Z]{16}",
    },
    Kind {
        name: "GitHub token",
        prefixes: &[
            ("ghp_", 1),
            ("gho_", 1),
            ("ghu_", 1),
            ("ghs_", 1),
            ("ghr_", 1),
        ],
        pattern: r"^gh[pousr]_[A-Za-z0-9]{36}",
    },
    Kind {
        name: "GitHub token",
        prefixes: &[("github_pat_", 4)],
        pattern: r"^github_pat_[A-Za-z0-9_]{22,}",
    },
    Kind {
        name: "Slack token",
        prefixes: &[
            ("xoxa-", 0),
            ("xoxb-", 0),
            ("xoxp-", 0),
            ("xoxo-", 0),
            ("xoxr-", 0),
            ("xoxs-", 0),
        ],
        pattern: r"^xox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{6,}",
    },
    Kind {
        name: "Google API key",
        prefixes: &[("AIza", 0)],
        pattern: r"^AIza[0-9A-Za-z_-]{35}",
    },
    Kind {
        name: "Stripe secret key",
        prefixes: &[("sk_live_", 1), ("rk_live_", 1)],
        pattern: r"^[sr]k_live_[0-9A-Za-z]{20,}",
    },
    Kind {
        name: "GitLab token",
        prefixes: &[("glpat-", 0)],
        pattern: r"^glpat-[A-Za-z0-9_-]{20,}",
    },
    Kind {
        name: "SendGrid API key",
        prefixes: &[("SG.", 0)],
        pattern: r"^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    },
    Kind {
        name: "npm token",
        prefixes: &[("npm_", 0)],
        pattern: r"^npm_[A-Za-z0-9]{36}",
    },
    Kind {
        name: "Azure storage account key",
        prefixes: &[("AccountKey=", 0)],
        // 64 bytes in base64 (88 characters with the padding); longer and shorter runs of a
        // connection string are keys all the same.
        pattern: r"^AccountKey=[A-Za-z0-9+/]{40,}={0,2}",
    },
    Kind {
        name: SLACK_WEBHOOK,
        // Searched from `.slack`: `hoo` starts every "hook".
        prefixes: &[("hooks.slack.com/services/", 5)],
        // A workspace's ID, a channel's and the secret that lets anyone post there.
        pattern: r"^hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}",
    },
    Kind {
        name: "PEM private key",
        prefixes: &[("-----BEGIN ", 4)],
        // A line end is a line feed after any carriage returns (a snippet of raw JSON shows
        // the `\r\n` escapes of a key's line ends as several characters, which `snippet`
        // maps to carriage returns and a line feed), or a backslash and `n` written out (a
        // key inside JSON text, as in a cloud service account's key file), with spaces or
        // tabs around it (a key pasted with trailing blanks, or indented in YAML). The body
        // then runs to the key's `-----END` line when there is one ([`pem_end`]).
        pattern: r"^-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[ \t]*(?:(?:\\*\r*\n|(?:\\+r)?\\+n)[ \t]*)?(?:[A-Za-z0-9-]+: [^\n\\]*(?:\\*\r*\n|(?:\\+r)?\\+n)[ \t]*)*(?:(?:\\*\r*\n|(?:\\+r)?\\+n)[ \t]*)?[A-Za-z0-9+/=]{40,}(?:[ \t]*(?:\\*\r*\n|(?:\\+r)?\\+n)[ \t]*[A-Za-z0-9+/=]+)*",
    },
];

/// Of one searched pattern: the index of its kind, the bytes of the prefix skipped, and the
/// prefix's length.
type Owner = (usize, usize, usize);

/// A searcher for every prefix of every kind (from its `skip`-th byte), and the owner of
/// each of its patterns.
static PREFIXES: LazyLock<(Searcher, Vec<Owner>)> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut owners = Vec::new();
    for (k, kind) in KINDS.iter().enumerate() {
        for &(prefix, skip) in kind.prefixes {
            patterns.push(&prefix[skip..]);
            owners.push((k, skip, prefix.len()));
        }
    }
    (literals::searcher(patterns), owners)
});

static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    KINDS
        .iter()
        .map(|k| Regex::new(k.pattern).expect("constant regex"))
        .collect()
});

/// The longest key of a kind other than PEM and JWT, in bytes, with room to spare (OpenAI's
/// project keys are about 164). A JSON Web Token has no longest: its claims grow with the
/// roles and groups they carry (Keycloak's and Azure AD's run past 8 KB), and its parts are
/// read to their ends instead ([`jwt_extent`]).
const MAX_KEY: usize = 256;

/// Words that mark a key as a stand-in.
const STAND_INS: &[&str] = &[
    // The signature of jwt.io's example token, in every tutorial about JSON Web Tokens.
    "sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c",
    "xxxx",
    "your",
    "example",
    "dummy",
    "fake",
    "sample",
    "redacted",
    "placeholder",
    // The account key of Azurite, Azure's storage emulator, in every tutorial about it.
    "eby8vdm02xnocqflquwjpllmetlcdxj1",
];

/// The detectors of keys on `text`. `gaps` are the byte offsets where a view of the text
/// left invisible characters out (`super::View::gaps`, in order; none for a text as
/// written): a key that meets a letter or digit across one (`word\u{200B}sk-proj-...`,
/// `AKIA...\u{200B}foo`) is parted from it there, as it is in the text as written.
pub(crate) fn check(text: &str, gaps: &[usize], found: &mut Found<'_>) {
    let parted = |at: usize| gaps.binary_search(&at).is_ok();
    if !found.enabled(Code::P006) {
        return;
    }
    if memchr::memmem::find(text.as_bytes(), b"://").is_some() {
        url_passwords(text, found);
    }
    // What is reported, so that a secret found by its context (the name before it, the key
    // ID beside it, the `Bearer` before it) is not reported again.
    let mut reported: Vec<Range<usize>> = Vec::new();
    let (searcher, owners) = &*PREFIXES;
    // Where the first part of the last JSON Web Token read ends: an `eyJ` inside it starts
    // no other token (one inside a token's claims would read them to their end again, and a
    // text of `-eyJ-eyJ...` would cost the square of its length).
    let mut jwt_read_to = 0;
    for m in searcher.find_iter(text) {
        let (kind_index, skip, prefix_len) = owners[m.pattern().as_usize()];
        // The skipped bytes may be part of another character (`éhp_`): then no key.
        let Some(start) = m
            .start()
            .checked_sub(skip)
            .filter(|&start| text.is_char_boundary(start))
        else {
            continue;
        };
        let kind = &KINDS[kind_index];
        // Only an ASCII letter or digit glues (one a key could hold): `_sk-proj-...`,
        // `=sk-proj-...` and `密钥是sk-proj-...` (Chinese and Japanese put no space between
        // words) are keys.
        let glued = text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && !ends_in_escape(&text[..start])
            && !parted(start);
        if glued && !found.masking {
            continue;
        }
        // The regex checks the skipped bytes too (`^gh[pousr]_`). It reads at most
        // `MAX_KEY` bytes (a PEM key, all of the text; a JSON Web Token, its three parts): a
        // key is never longer, and a prefix repeated through a long text (`sk-sk-sk-...`)
        // then costs a bounded match each rather than a match to the end of the text each.
        let (window, capped) = if kind.name == "PEM private key" {
            (&text[start..], false)
        } else if kind.name == JWT {
            if start < jwt_read_to {
                continue;
            }
            let (first_end, end) = jwt_extent(text, start);
            jwt_read_to = first_end;
            (&text[start..end], false)
        } else {
            let mut end = (start + MAX_KEY).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (&text[start..end], true)
        };
        // A key of no fixed length read through invisible characters runs on across a gap
        // into the word after it (`...xZ7\u{200B}example`), which can make it a stand-in: the
        // key cut at each gap inside it, the last first, is tried too when it fails whole.
        // A PEM key's body and a JSON Web Token's parts are read to their ends instead.
        let cuttable = kind.name != "PEM private key" && kind.name != JWT;
        let cuts = gaps
            .iter()
            .rev()
            .filter(|&&g| cuttable && g > start + prefix_len && g < start + window.len())
            .map(|&g| g - start);
        let mut chosen = None;
        'cut: for len in std::iter::once(window.len()).chain(cuts) {
            let cut = len < window.len();
            let window = &window[..len];
            let Some(found_key) = PATTERNS[kind_index].find(window) else {
                continue;
            };
            // A cut key fills its window: it ends at the gap.
            if cut && found_key.end() != len {
                continue;
            }
            // A match that fills a window of `MAX_KEY` bytes runs on past it: no key is that long.
            if capped && found_key.end() == MAX_KEY {
                continue;
            }
            // Separators after a key are not part of it (`sk-proj-...______ # set it`): its
            // character class takes `_` and `-`, but a run of them would fail the randomness test
            // and hide the key. The key without them must still be one. One such character is
            // left alone: it may be the last of a key of fixed length (a GitLab token's 20th).
            let trimmed = found_key.as_str().trim_end_matches(['_', '-']);
            let key = if found_key.len() - trimmed.len() < 2 || kind.name == "PEM private key" {
                found_key
            } else {
                match PATTERNS[kind_index].find(trimmed) {
                    Some(k) => k,
                    None => continue,
                }
            };
            let end = start + key.end();
            let end = if kind.name == "PEM private key" {
                pem_end(text, end)
            } else {
                end
            };
            let after_glued = text[end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && !parted(end);
            if after_glued && !found.masking && kind.name != "PEM private key" {
                continue;
            }
            let random = if kind.name == "PEM private key" {
                text[start..end].rsplit("-----").next().unwrap_or_default()
            } else if kind.name == SLACK_WEBHOOK {
                key.as_str().rsplit('/').next().unwrap_or_default()
            } else {
                &key.as_str()[prefix_len.min(key.len())..]
            };
            let random_enough = if kind.name == "PEM private key" {
                !is_stand_in(random)
            } else if kind.name == AWS {
                // An access key ID's 16 characters are base32: one in 28 has no digit.
                looks_random(random) || looks_random_base32_letters(random)
            } else if kind.name == SLACK_WEBHOOK {
                // 24 letters and digits: one in 70 has no digit.
                looks_random(random) || looks_random_letters(random)
            } else if kind.name == JWT {
                looks_random_jwt(random)
                    || (found.masking && looks_random_jwt(without_trailing_run(random)))
            } else if kind.name == HUGGING_FACE {
                looks_random_letters(random)
                    || (found.masking && looks_random_letters(without_trailing_run(random)))
            } else {
                // A mask also hides a key with a run glued after it (`...sGa0EAAAAAA`): the run
                // fails the randomness test, the key before it need not.
                looks_random(random)
                    || (found.masking && looks_random(without_trailing_run(random)))
            };
            if !random_enough || (kind.name == AWS && key.as_str().ends_with("EXAMPLE")) {
                continue;
            }
            chosen = Some((end, random));
            break 'cut;
        }
        let Some((end, random)) = chosen else {
            continue;
        };
        // An access key ID with its secret beside it (a credentials file, the CSV the
        // console downloads, `ID:SECRET`) is one finding, masked from the ID to the secret.
        let pair = if kind.name == AWS {
            aws_secret_after(text, end, found.masking)
        } else {
            None
        };
        let (end, name) = match pair {
            Some(secret_end) => (secret_end, "AWS access key ID and secret access key"),
            None => (end, kind.name),
        };
        // The message quotes the key, or a PEM key's body rather than its header.
        let quote = if kind.name == "PEM private key" {
            end - random.trim_start().len()..end
        } else {
            start..end
        };
        // A mask also hides the rest of a key wrapped onto the next line (a terminal paste).
        let hidden_end = if found.masking && kind.name != "PEM private key" {
            wrapped_end(text, end)
        } else {
            end
        };
        reported.push(start..hidden_end);
        found.report_quoting(
            Code::P006,
            start..hidden_end,
            quote,
            "secret",
            &format!(" ({name})"),
            "revoke it, then remove it from the data",
        );
    }
    // The keys found, asked in logarithmic time whether they overlap a candidate: a text of
    // many keys and many `Bearer`s costs no square of them.
    let reported = super::Claimed::new(reported);
    if memchr::memmem::find(text.as_bytes(), b"ecret").is_some()
        || memchr::memmem::find(text.as_bytes(), b"ECRET").is_some()
    {
        named_aws_secrets(text, &reported, found);
    }
    if memchr::memmem::find(text.as_bytes(), b"earer").is_some()
        || memchr::memmem::find(text.as_bytes(), b"EARER").is_some()
    {
        bearer_tokens(text, &reported, found);
    }
}

/// Where the JSON Web Token that may start at `start` (at its `eyJ`) ends at the latest: the
/// end of its first part, and the end of its third part when a `.`, a second part starting
/// `eyJ` and a `.` follow (else the end of what there is). Its parts are base64url, so each
/// ends at the first other byte: the token's pattern matches within these bytes or not at
/// all, and reading them is linear in the token's length however long it is.
fn jwt_extent(text: &str, start: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let part_end = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            .count()
    };
    let first = part_end(start);
    let mut end = first;
    if bytes.get(first) == Some(&b'.') && bytes[first + 1..].starts_with(b"eyJ") {
        end = part_end(first + 1);
        if bytes.get(end) == Some(&b'.') {
            end = part_end(end + 1);
        }
    }
    (first, end)
}

/// The characters of an AWS secret access key: 30 random bytes in base64, 40 characters.
fn is_aws_secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

/// Whether `s` looks like an AWS secret access key: 40 characters of base64, both cases,
/// a digit (or a `/` or `+`), no run of 6 equal characters, no stand-in word (AWS's
/// documentation key ends in `EXAMPLEKEY`). A SHA-1 in hex (a commit) has one case only.
fn looks_like_aws_secret(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == AWS_SECRET_LEN
        && b.iter().all(|&c| is_aws_secret_char(c))
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter()
            .any(|c| c.is_ascii_digit() || matches!(c, b'/' | b'+'))
        && longest_run(s) < 6
        && !is_stand_in(s)
}

const AWS_SECRET_LEN: usize = 40;

/// How far after an access key ID its secret may start: past a separator, a quote, a label
/// such as `AWS_SECRET_ACCESS_KEY=` on the next line.
const AWS_PAIR_GAP: usize = 48;

/// Where the AWS secret access key that starts within [`AWS_PAIR_GAP`] bytes after `from`
/// (the end of an access key ID) ends: a run of exactly 40 of its characters (when masking,
/// 40 or more, a run glued after it hidden with it) that [`looks_like_aws_secret`].
fn aws_secret_after(text: &str, from: usize, masking: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() && at <= from + AWS_PAIR_GAP {
        if !is_aws_secret_char(bytes[at]) {
            at += 1;
            continue;
        }
        let len = bytes[at..]
            .iter()
            .take_while(|&&c| is_aws_secret_char(c))
            .count();
        let end = at + len;
        let fits = if masking {
            len >= AWS_SECRET_LEN
        } else {
            len == AWS_SECRET_LEN && bytes.get(end) != Some(&b'=')
        };
        if fits && looks_like_aws_secret(&text[at..at + AWS_SECRET_LEN]) {
            return Some(end);
        }
        at = end;
    }
    None
}

/// The name of an AWS secret access key (`aws_secret_access_key`, `AWS_SECRET_ACCESS_KEY`,
/// `SecretAccessKey`, `AWS Secret Access Key [None]:` as `aws configure` asks for it), a
/// separator (`=`, `:`, quotes, blanks), then the value.
static AWS_SECRET_NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(aws[_-]?secret(?:[_-]?access)?[_-]?key|secret[_ -]?access[_ -]?key)(?:[ \t]*\[[^\]\n]{0,16}\])?[\\"'`]{0,3}[ \t]*(?:=>|:=|[:=])?[ \t]*[\\"'`]{0,3}([A-Za-z0-9/+]{40,})"#,
    )
    .expect("constant regex")
});

/// AWS secret access keys after their name. The finding runs from the name, so its quote
/// shows none of the secret.
fn named_aws_secrets(text: &str, reported: &super::Claimed, found: &mut Found<'_>) {
    for c in AWS_SECRET_NAMED.captures_iter(text) {
        let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let fits = if found.masking {
            value.len() >= AWS_SECRET_LEN
        } else {
            value.len() == AWS_SECRET_LEN && text.as_bytes().get(value.end()) != Some(&b'=')
        };
        // Something must part the name and the value (`SecretAccessKeyQ7...` is one word).
        if value.start() == name.end()
            || !fits
            || !looks_like_aws_secret(&value.as_str()[..AWS_SECRET_LEN])
            || reported.overlaps(&(name.start()..value.end()))
        {
            continue;
        }
        let range = name.start()..value.end();
        found.report(
            Code::P006,
            range,
            "secret",
            " (AWS secret access key)",
            "revoke it, then remove it from the data",
        );
    }
}

/// `Bearer` and a token, as an `Authorization` header carries it: the characters of
/// RFC 6750's `b64token`. Invisible characters ([`IGNORABLE`]) around the blanks between
/// them (`Bearer \u{200B}token`, `Bearer\u{200B} token`) are read through: the view
/// without them is only made for one between two key characters, and a blank is not one.
static BEARER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(bearer){IGNORABLE}*[ \t](?:[ \t]|{IGNORABLE})*([A-Za-z0-9][A-Za-z0-9._~+/-]*=*)"
    ))
    .expect("constant regex")
});

/// The characters `super::ignorable` leaves out of a view, as a regex class (a unit test
/// keeps the two in step).
const IGNORABLE: &str = r"[\x{AD}\x{34F}\x{61C}\x{115F}\x{1160}\x{17B4}\x{17B5}\x{180B}-\x{180F}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{206F}\x{3164}\x{FEFF}\x{FFA0}\x{FFF0}-\x{FFFB}\x{1BCA0}-\x{1BCA3}\x{1D173}-\x{1D17A}\x{E0000}-\x{E0FFF}]";

/// Words of the stand-ins documentation writes after `Bearer` (`my-access-token-123`), on
/// top of [`STAND_INS`].
const BEARER_STAND_INS: &[&str] = &[
    "token", "secret", "access", "bearer", "apikey", "api_key", "api-key",
];

/// The shortest bearer token reported: opaque tokens are 32 characters or more, most often.
const MIN_BEARER: usize = 20;

/// Tokens after `Bearer`: 20 or more characters that look random (both cases and a digit,
/// or 32 or more hex digits), none of a stand-in's words. A token of a kind with a prefix
/// (`eyJ`, `sk-`, `ghp_`, ...) is that kind's to judge; a placeholder (`<token>`, `$TOKEN`,
/// `{token}`, `YOUR_TOKEN`) has no letters and digits mixed, or does not start with one.
fn bearer_tokens(text: &str, reported: &super::Claimed, found: &mut Found<'_>) {
    for c in BEARER.captures_iter(text) {
        let (Some(word), Some(token)) = (c.get(1), c.get(2)) else {
            continue;
        };
        // A sentence's full stop, or a run of separators, after the token is not part of it.
        let t = token.as_str().trim_end_matches(['.', '-', '_', '~']);
        let end = token.start() + t.len();
        let after_glued = text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let random = if found.masking {
            without_trailing_run(t)
        } else {
            t
        };
        let lower = random.to_ascii_lowercase();
        let hex = random.len() >= 32
            && random.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            && random.bytes().any(|b| b.is_ascii_digit())
            && random.bytes().any(|b| b.is_ascii_alphabetic());
        let mixed = random.bytes().any(|b| b.is_ascii_uppercase())
            && random.bytes().any(|b| b.is_ascii_lowercase())
            && random.bytes().any(|b| b.is_ascii_digit());
        let of_a_kind = KINDS
            .iter()
            .flat_map(|k| k.prefixes)
            .any(|(prefix, _)| t.starts_with(prefix));
        if random.len() < MIN_BEARER
            || (after_glued && !found.masking)
            || !(hex || mixed)
            || longest_run(random) >= 6
            || longest_ascending(random) >= 8
            || is_stand_in(random)
            || BEARER_STAND_INS.iter().any(|w| lower.contains(w))
            || of_a_kind
            || reported.overlaps(&(token.start()..end))
        {
            continue;
        }
        found.report(
            Code::P006,
            word.start()..end,
            "secret",
            " (bearer token)",
            "revoke it, then remove it from the data",
        );
    }
}

/// Where a key that ends at a line break really ends when the next line goes on with it:
/// a run of 8 or more of a key's characters, letters and digits mixed, alone on its line or
/// before a blank or a quote (a key wrapped by a terminal and pasted). `end` otherwise. The
/// line break may be written out (`\n` in JSON text).
fn wrapped_end(text: &str, end: usize) -> usize {
    let rest = &text[end..];
    let Some(next) = ["\r\n", "\n", "\\r\\n", "\\n"]
        .iter()
        .find_map(|nl| rest.strip_prefix(nl))
    else {
        return end;
    };
    let run = next
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let stops = next[run..]
        .bytes()
        .next()
        .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'\\' | b'`'));
    if run >= 8 && stops && looks_random(&next[..run]) {
        end + (rest.len() - next.len()) + run
    } else {
        end
    }
}

/// Whether `before` ends with an escape written out, whose last character is a letter or
/// digit that is no part of a word: `\n` or `\t` in code or in JSON inside a string (a tool
/// call's arguments), `\u003d` and `\x3d`, or `%3D` in a URL. A key right after one stands
/// alone. An escaped backslash (`\\n`) leaves the letter a letter.
fn ends_in_escape(before: &str) -> bool {
    let b = before.as_bytes();
    let backslashes_before = |i: usize| b[..i].iter().rev().take_while(|&&c| c == b'\\').count();
    let hex = |s: &[u8]| s.iter().all(u8::is_ascii_hexdigit);
    let n = b.len();
    (n >= 2 && b[n - 1].is_ascii_alphabetic() && backslashes_before(n - 1) % 2 == 1)
        || (n >= 6 && b[n - 5] == b'u' && hex(&b[n - 4..]) && backslashes_before(n - 5) % 2 == 1)
        || (n >= 4 && b[n - 3] == b'x' && hex(&b[n - 2..]) && backslashes_before(n - 3) % 2 == 1)
        || (n >= 3 && b[n - 3] == b'%' && hex(&b[n - 2..]))
}

/// The most bytes between a PEM key's body as matched and its `-----END` line: more than a
/// 16384-bit RSA key's whole body.
const PEM_MAX: usize = 16 * 1024;

/// Where a PEM key whose recognised body ends at `end` really ends: before its `-----END`
/// line (and the blanks before that) when one follows within [`PEM_MAX`] bytes with no other
/// key's `-----BEGIN` between, so that whatever the body holds past the point the pattern
/// stopped (a character no key has, a line end written some other way) is hidden with it.
fn pem_end(text: &str, end: usize) -> usize {
    let mut limit = (end + PEM_MAX).min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let rest = &text[end..limit];
    let Some(at) = memchr::memmem::find(rest.as_bytes(), b"-----END ") else {
        return end;
    };
    let body = &rest[..at];
    if body.contains("-----BEGIN ") {
        return end;
    }
    end + body.trim_end().len()
}

/// `scheme://user:password@host`: a password written into a URL (a database's connection
/// string, a proxy's address).
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"://([^\s:/@"'<>\\]{0,64}):([^\s/@"'<>\\]{3,128})@[A-Za-z0-9][A-Za-z0-9.-]*"#)
        .expect("constant regex")
});

/// Passwords no one uses for real, and the stand-ins of documentation.
const PASSWORD_STAND_INS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "changeme",
    "mypassword",
    "yourpassword",
    "pw",
    "user",
    "username",
    "admin",
    "root",
    "test",
    "guest",
    "postgres",
    "mysql",
];

fn url_passwords(text: &str, found: &mut Found<'_>) {
    for c in URL_PASSWORD.captures_iter(text) {
        let (Some(whole), Some(user), Some(password)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let p = password.as_str();
        let lower = p.to_ascii_lowercase();
        let stand_in = PASSWORD_STAND_INS.contains(&lower.as_str())
            || p == user.as_str()
            || is_stand_in(p)
            || p.starts_with(['$', '{', '<', '%', '[', '*', '.'])
            || p.chars().all(|ch| ch == p.chars().next().unwrap_or(ch));
        if stand_in {
            continue;
        }
        // From `://`: the masked quote shows no character of the password, only the
        // separator and the user name's first letter.
        let range = whole.start()..password.end();
        found.report_evidence(
            Code::P006,
            range.clone(),
            range,
            whole.end(),
            "secret",
            " (password in a URL)",
            "change the password, then remove it from the data",
        );
    }
}

/// The random part of a key is random: letters and digits mixed, no long runs, no words
/// that say it is a stand-in.
fn looks_random(s: &str) -> bool {
    let has_digit = s.bytes().any(|b| b.is_ascii_digit());
    let has_letter = s.bytes().any(|b| b.is_ascii_alphabetic());
    has_digit && has_letter && longest_run(s) < 6 && !is_stand_in(s)
}

/// [`looks_random`] for a JSON Web Token's parts after its `eyJ`, whose stand-in words are
/// looked for in the signature only: the header and claims are base64 of JSON, where such a
/// word is chance (about one token of 9 KB in 40 holds a `your` or a `fake`), while the
/// stand-ins of documentation sign with one (jwt.io's example, `your-signature`).
fn looks_random_jwt(s: &str) -> bool {
    let signature = s.rsplit('.').next().unwrap_or(s);
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_alphabetic())
        && longest_run(s) < 6
        && !is_stand_in(signature)
}

/// [`looks_random`] for an AWS access key ID's base32 part drawn without a digit: many
/// different letters (16 random ones hold about 12), no letter twice in a row more than
/// twice, no stand-in word.
fn looks_random_base32_letters(s: &str) -> bool {
    let mut seen = 0u32;
    for b in s.bytes() {
        if b.is_ascii_uppercase() {
            seen |= 1 << (b - b'A');
        }
    }
    seen.count_ones() >= 9 && longest_run(s) < 3 && !is_stand_in(s)
}

/// The length of the longest run of one repeated byte in `s`.
fn longest_run(s: &str) -> usize {
    let mut run = 1;
    let mut longest = 1;
    for w in s.as_bytes().windows(2) {
        run = if w[0] == w[1] { run + 1 } else { 1 };
        longest = longest.max(run);
    }
    longest
}

/// [`looks_random`] for keys of letters only (Hugging Face's): both cases mixed instead of
/// letters and digits.
fn looks_random_letters(s: &str) -> bool {
    let upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let lower = s.bytes().any(|b| b.is_ascii_lowercase());
    upper && lower && longest_run(s) < 6 && !is_stand_in(s)
}

/// `s` without the run of one repeated character at its end, if the run is long enough to
/// fail [`looks_random`].
fn without_trailing_run(s: &str) -> &str {
    let Some(&last) = s.as_bytes().last() else {
        return s;
    };
    let kept = s.trim_end_matches(last as char);
    if s.len() - kept.len() >= 6 { kept } else { s }
}

/// The longest run of characters counting up one by one in `s` (`0123456789abcdef`, `9`
/// going on to `a`): a token typed as a dummy (`Bearer 0123456789abcdef0123456789abcdef`).
fn longest_ascending(s: &str) -> usize {
    let bytes = s.to_ascii_lowercase().into_bytes();
    let mut longest = usize::from(!bytes.is_empty());
    let mut run = longest;
    for pair in bytes.windows(2) {
        let next = pair[0] + 1 == pair[1] || (pair[0] == b'9' && pair[1] == b'a');
        run = if next && pair[1].is_ascii_alphanumeric() {
            run + 1
        } else {
            1
        };
        longest = longest.max(run);
    }
    longest
}

fn is_stand_in(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    STAND_INS.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::Match;

    /// [`IGNORABLE`] holds the characters `super::ignorable` names, and no others.
    #[test]
    fn the_ignorable_class_is_ignorable() {
        let class = Regex::new(&format!("^{IGNORABLE}$")).unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                class.is_match(c.encode_utf8(&mut [0; 4])),
                crate::pii::ignorable(c),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    /// A bearer token behind an invisible character beside the blank after `Bearer` is
    /// found, where `Bearer` is written.
    #[test]
    fn a_bearer_token_is_read_through_invisible_characters() {
        for text in [
            "Authorization: Bearer \u{200b}a8Fk2Lm9Qx7Vb3Np5Rt1Wz4Yc6",
            "Authorization: Bearer\u{200b} a8Fk2Lm9Qx7Vb3Np5Rt1Wz4Yc6",
            "Authorization: Bearer \u{ad}\u{2060} a8Fk2Lm9Qx7Vb3Np5Rt1Wz4Yc6",
        ] {
            assert_eq!(kind_of(text).as_deref(), Some("bearer token"), "{text:?}");
        }
        assert_eq!(kind_of("Authorization: Bearer\u{200b}"), None);
    }

    /// The kind of the first key `check` finds in `text`.
    fn kind_of(text: &str) -> Option<String> {
        let mut kinds = Vec::new();
        check(
            text,
            &[],
            &mut Found {
                enabled: &|_| true,
                sink: &mut |m: Match<'_>| {
                    kinds.push(m.detail.trim_matches([' ', '(', ')']).to_owned())
                },
                masking: false,
            },
        );
        kinds.into_iter().next()
    }

    #[test]
    fn passwords_in_urls() {
        for text in [
            "postgres://admin:Hunter2Secret@db.acme-corp.io:5432/prod",
            "redis://:s3cr3tPass@cache:6379",
            "see https://deploy:Tr0ub4dor&3@ci.internal/",
        ] {
            assert_eq!(
                kind_of(text).as_deref(),
                Some("password in a URL"),
                "{text}"
            );
        }
        for text in [
            "https://user:password@example.com",
            "mysql://root:${DB_PASS}@localhost",
            "ftp://anonymous:guest@ftp.example.org",
            "amqp://<user>:<password>@host",
            "https://bob:bob@host",
            "https://bob:****@host",
            "https://x:your-password-here@host",
            "postgres://admin@db:5432",
            "https://example.com/a:b@c",
        ] {
            assert_eq!(kind_of(text), None, "{text}");
        }
    }

    /// What touches a key does not hide it, unless it is a letter or digit: a run of
    /// separators after it (the class of its random part takes `_` and `-`), an underscore
    /// before it.
    #[test]
    fn separators_around_a_key_do_not_hide_it() {
        let key = "sk-proj-ZZ9aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789QQ";
        for text in [
            format!("export OPENAI_API_KEY={key}______ # set it"),
            format!("my keys: _{key}"),
            format!("my keys: {key}------"),
            format!("({key}_)"),
        ] {
            assert_eq!(kind_of(&text).as_deref(), Some("OpenAI API key"), "{text}");
        }
        // Glued to a letter or digit, it is part of a longer word.
        assert_eq!(kind_of(&format!("x{key}")), None);
        assert_eq!(kind_of(&format!("{key}______x")), None);
    }

    /// An escape written out before a key ends in a letter or digit that is no part of a
    /// word: code (`print("\nsk-...")`), JSON inside a string (a tool call's arguments, a
    /// tool's result), a URL's percent-encoding. An escaped backslash before a letter does
    /// not make it an escape.
    #[test]
    fn a_key_after_an_escape_written_out_stands_alone() {
        let keys = [
            (
                "sk-proj-ZZ9aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789QQ",
                "OpenAI API key",
            ),
            ("AKIA4QW7ZR2KXNB5TG3M", "AWS access key ID"),
            ("ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R", "GitHub token"),
            ("AIzaSyB3xK9mQ2wE7rT5yU1iO8pA4sD6fG0hJ2k", "Google API key"),
        ];
        for (key, kind) in keys {
            for text in [
                format!(r#"{{"code": "import os\n{key}\nprint(1)"}}"#),
                format!(r#"print("\t{key}")"#),
                format!(r"key=\u003d{key}"),
                format!(r"key=\x3d{key}"),
                format!("https://host/cb?token%3D{key}&x=1"),
                format!("token%3a{key}"),
            ] {
                assert_eq!(kind_of(&text).as_deref(), Some(kind), "{text}");
            }
            assert_eq!(
                kind_of(&format!(r"C:\\n{key}")),
                None,
                "an escaped backslash"
            );
            assert_eq!(kind_of(&format!("%3Zn{key}")), None, "not an escape");
        }
    }

    /// Letters a key cannot hold do not glue to it: Chinese and Japanese write no space
    /// between words, and an accented letter may end the word before a key.
    #[test]
    fn letters_beyond_ascii_around_a_key_do_not_hide_it() {
        let keys = [
            (
                "sk-proj-ZZ9aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789QQ",
                "OpenAI API key",
            ),
            ("AKIA4QW7ZR2KXNB5TG3M", "AWS access key ID"),
            ("ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R", "GitHub token"),
        ];
        for (key, kind) in keys {
            for text in [
                format!("我的密钥是{key}请帮我看看"),
                format!("ключ{key}"),
                format!("{key}ですか"),
                format!("café{key}é"),
            ] {
                assert_eq!(kind_of(&text).as_deref(), Some(kind), "{text}");
            }
        }
    }

    #[test]
    fn keys() {
        assert_eq!(
            kind_of("key sk-proj-4fK9xQ2mZ7pL1vB8nR3tY6wE0aS5dG").as_deref(),
            Some("OpenAI API key")
        );
        assert_eq!(
            kind_of("AKIA4QW7ZR2KXNB5TG3M").as_deref(),
            Some("AWS access key ID")
        );
        // Base32 without a digit, as one real ID in 28 is.
        assert_eq!(
            kind_of("id AKIAQWERTYUIOPASDFGH here").as_deref(),
            Some("AWS access key ID")
        );
        assert_eq!(kind_of("AKIAAAAABBBBCCCCDDDD"), None);
        assert_eq!(kind_of("AKIAXXXXXXXXXXXXXXXX"), None);
        assert_eq!(kind_of("AKIASAMPLEKEYSAMPLEK"), None);
        assert_eq!(
            kind_of("ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R").as_deref(),
            Some("GitHub token")
        );
        assert_eq!(
            kind_of("xoxb-1234567890-9876543210-AbCdEfGhIjKlMn").as_deref(),
            Some("Slack token")
        );
        assert_eq!(
            kind_of("AIzaSyD4f8K2mX9pQ7wL3nB6vT1rY5uE0cZ8hJk").as_deref(),
            Some("Google API key")
        );
        assert_eq!(
            kind_of("sk_live_51H8xK2eZvKYlo2C9nQ4pR7tW").as_deref(),
            Some("Stripe secret key")
        );
        assert_eq!(
            kind_of("token=github_pat_11ABCDEFG0aBcDeFgHiJkL_mN0pQrStUvWxYz12345").as_deref(),
            Some("GitHub token")
        );
        assert_eq!(
            kind_of("ANTHROPIC_API_KEY=sk-ant-api03-Xq7LmN2pR9sT4vW8yZ1bC3dF5gH6jK0-aBcDeFgHiJkLmNoPqRsTuVwXyZ12").as_deref(),
            Some("Anthropic API key")
        );
        assert_eq!(
            kind_of("login with 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 then").as_deref(),
            Some("Hugging Face token")
        );
        assert_eq!(
            kind_of("Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI5ODc2NTQzMjEiLCJyb2xlIjoiYWRtaW4iLCJleHAiOjE3OTk5OTk5OTl9.Q3vT9xKp2LmZ8wRbN4cYd7FhJ1sGa6EuVo0iXq5TnWk").as_deref(),
            Some("JSON Web Token")
        );
        let pem = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----";
        assert_eq!(kind_of(pem).as_deref(), Some("PEM private key"));
    }

    /// The kinds found by their prefix, and the secrets found by what stands before or
    /// beside them (an AWS secret access key, a bearer token).
    #[test]
    fn keys_of_services_and_secrets_in_context() {
        let aws_secret = "q7Rk2VbN9xLp4TzW8sJd3HfG6mYc1QaE5uKo0iPn";
        for (text, kind) in [
            (
                "token glpat-Xq7Lm2Nw9Rt4Kp8Vz3Hb so the CI job can read",
                "GitLab token",
            ),
            // A GitLab token's last character may be a `-` or `_`.
            ("glpat-Xq7Lm2Nw9Rt4Kp8Vz3H_ ok", "GitLab token"),
            (
                "mailer 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 ok",
                "SendGrid API key",
            ),
            (
                "NODE_AUTH_TOKEN=npm_Q8wE3rT6yU9iO2pA5sD7fG1hJ4kL0zX3cV6b for",
                "npm token",
            ),
            (
                "AccountName=acme;AccountKey=Zk3Qm9Xv2Lp7Rt4Wn8Bs1Hd6Fg0Jc5Ky2Te7Ua9Io3Pr6Mx1Nb4Vq8Cw2Sz5Lh7Dj0Gf3Ak9Ye6Rn2Tu4Oi8Pm1Q==;EndpointSuffix=core.windows.net",
                "Azure storage account key",
            ),
            (
                "post to https://hooks.slack.com/services/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 now",
                "Slack webhook URL",
            ),
            (
                &format!("aws_secret_access_key = {aws_secret}"),
                "AWS secret access key",
            ),
            (
                &format!("export AWS_SECRET_ACCESS_KEY={aws_secret}"),
                "AWS secret access key",
            ),
            (
                &format!(r#"{{"AccessKeyId": "ASIA...", "SecretAccessKey": "{aws_secret}"}}"#),
                "AWS secret access key",
            ),
            (
                &format!("AWS Secret Access Key [None]: {aws_secret}"),
                "AWS secret access key",
            ),
            (
                &format!("bob,AKIA4QW7ZR2KXNB5TG3M,{aws_secret},https://console"),
                "AWS access key ID and secret access key",
            ),
            (
                &format!(
                    "aws_access_key_id = AKIA4QW7ZR2KXNB5TG3M\naws_secret_access_key = {aws_secret}"
                ),
                "AWS access key ID and secret access key",
            ),
            (
                "curl -H 'Authorization: Bearer x9Fk2Lm7Qp4Rt8Vw3Zb6Nc1Hd5Jg0Ks7Yu2Ta9' https://api",
                "bearer token",
            ),
            (
                r#"headers = {"Authorization": "bearer 3f8a9c2e7b1d4f6a8c0e2b4d6f8a0c2e"}"#,
                "bearer token",
            ),
        ] {
            assert_eq!(kind_of(text).as_deref(), Some(kind), "{text}");
        }
        // A pair is one finding, not two.
        let mut n = 0;
        check(
            &format!("AKIA4QW7ZR2KXNB5TG3M AWS_SECRET_ACCESS_KEY={aws_secret}"),
            &[],
            &mut Found {
                enabled: &|_| true,
                sink: &mut |_: Match<'_>| n += 1,
                masking: false,
            },
        );
        assert_eq!(n, 1);
    }

    /// What looks like those secrets but is not one: 40 random characters with no name or
    /// key ID beside them, a commit's SHA-1 after a key ID, AWS's documentation key, the
    /// placeholders after `Bearer`, a token of a kind with a prefix (that kind judges it),
    /// Slack's documentation webhook, Azurite's key.
    #[test]
    fn stand_ins_of_services_and_secrets_in_context() {
        for text in [
            "the hash is q7Rk2VbN9xLp4TzW8sJd3HfG6mYc1QaE5uKo0iPn in the log",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = YOUR_SECRET_ACCESS_KEY_HERE_PLEASE_1234",
            "aws_secret_access_key=q7Rk2VbN9xLp4TzW8sJd3HfG6mYc1QaE5uKo0iPnX9",
            "Authorization: Bearer <token>",
            "Authorization: Bearer 0123456789abcdef0123456789abcdef",
            "Authorization: Bearer YOUR_TOKEN",
            "Authorization: Bearer $ACCESS_TOKEN",
            "Authorization: Bearer ${process.env.API_TOKEN}",
            "Authorization: Bearer {token}",
            "Authorization: Bearer my-access-token-1234567",
            "Authorization: Bearer sk-xxxxxxxxxxxxxxxxxxxxxxxx",
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
            "the bearer of this letter is a friend of mine",
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
            "glpat-xxxxxxxxxxxxxxxxxxxx",
            "npm_config_registry=https://registry.npmjs.org",
            "SG.your_sendgrid_api_key",
        ] {
            assert_eq!(kind_of(text), None, "{text}");
        }
        // The key ID alone, not a pair.
        assert_eq!(
            kind_of("AKIA4QW7ZR2KXNB5TG3M fixed in 3f8a9c2e7b1d4f6a8c0e2b4d6f8a0c2e9b1d4f6a")
                .as_deref(),
            Some("AWS access key ID")
        );
    }

    #[test]
    fn stand_ins() {
        assert_eq!(kind_of("sk-xxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(kind_of("sk-your-api-key-here-please"), None);
        assert_eq!(kind_of("sk-..."), None);
        assert_eq!(kind_of("xoxb-your-token"), None);
        // jwt.io's example, an unsigned token, letters of one case, a word that merely
        // starts like a token.
        assert_eq!(
            kind_of(
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
            ),
            None
        );
        assert_eq!(
            kind_of("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0."),
            None
        );
        assert_eq!(kind_of("hf_abcdefghijklmnopqrstuvwxyzabcdefgh"), None);
        assert_eq!(kind_of("the hf_hub_download function"), None);
        assert_eq!(kind_of("éhp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"), None);
        assert_eq!(
            kind_of("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
            None
        );
    }
}
