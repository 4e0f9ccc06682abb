//! P006 secret.
//!
//! The rule's documentation; `crate::pii::secret` finds what it reports.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports credentials anywhere in a record, by the formats their issuers give them: in
    /// the texts where P001 looks for addresses (a message's content, a tool call's
    /// arguments, a tool's result, reasoning, a refusal, the tool definitions), and in every
    /// other string of the record, key or value (an image's URL, a metadata column, a key the
    /// format does not read), including a record its format cannot read as an example, a
    /// line that is JSON but not an object, and a line that is not valid JSON (each of its
    /// complete strings). A
    /// content of several text parts is searched as the trainer reads it, the parts joined:
    /// a key split between two parts is reported from its start in the first to its end in
    /// the last (as are the P rules' other matches); so are the `"text"` values of a
    /// record read as data (the segments of axolotl's template-free records, which it joins
    /// as written). The forms:
    ///
    /// | kind | form |
    /// |---|---|
    /// | OpenAI API key | `sk-` (or `sk-proj-`, `sk-svcacct-`, `sk-admin-`) and 20 or more of `A-Za-z0-9_-` |
    /// | Anthropic API key | `sk-ant-` and 20 or more of `A-Za-z0-9_-` |
    /// | Hugging Face token | `hf_` and 34 letters or digits, both cases mixed |
    /// | JSON Web Token | `eyJ`, then three base64url parts joined by `.` (header, claims, a signature of 16 or more characters), however long (claims that carry many roles or groups run past 8 KB); the stand-in words below are looked for in its signature only, as its header and claims are base64 of JSON (jwt.io's example token is a stand-in) |
    /// | AWS access key ID | `AKIA` or `ASIA` and 16 capitals or digits; with the secret access key when one follows within 48 characters (reported once, as a pair) |
    /// | AWS secret access key | 40 characters of base64 (both cases, a digit, `/` or `+`) after its name and a separator: `aws_secret_access_key = `, `AWS_SECRET_ACCESS_KEY=`, `"SecretAccessKey": "`, `AWS Secret Access Key [None]: `; or after an access key ID, as above. Without either, 40 random characters are not taken for one |
    /// | GitHub token | `ghp_`, `gho_`, `ghu_`, `ghs_` or `ghr_` and 36 letters or digits; `github_pat_` and 22 or more of `A-Za-z0-9_` |
    /// | Slack token | `xoxa-`, `xoxb-`, `xoxp-`, `xoxo-`, `xoxr-` or `xoxs-`, digits, `-`, more characters |
    /// | Google API key | `AIza` and 35 of `A-Za-z0-9_-` |
    /// | Stripe secret key | `sk_live_` or `rk_live_` and 20 or more letters or digits |
    /// | GitLab token | `glpat-` and 20 or more of `A-Za-z0-9_-` |
    /// | SendGrid API key | `SG.`, 22 of `A-Za-z0-9_-`, `.`, 43 more |
    /// | npm token | `npm_` and 36 letters or digits |
    /// | Azure storage account key | `AccountKey=` (a connection string's) and 40 or more characters of base64 (Azurite's well-known development key is a stand-in) |
    /// | Slack webhook URL | `hooks.slack.com/services/T…/B…/` and the 24 letters and digits of its secret |
    /// | bearer token | `Bearer` (an `Authorization` header's) and a token of 20 or more characters that looks random: both cases and a digit, or 32 or more hex digits; not a token of a kind above (left to that kind), not a placeholder (`<token>`, `$TOKEN`, `{token}`, `YOUR_TOKEN`, `my-access-token-123`: none mixes cases and digits, or it holds `token`, `secret`, `access` or `api-key`) |
    /// | PEM private key | `-----BEGIN ... PRIVATE KEY-----` followed by a base64 body |
    /// | password in a URL | `scheme://user:password@host`, the password not a stand-in (`password`, `changeme`, `${DB_PASS}`, `<password>`, the user's own name, ...) |
    ///
    /// A key must stand alone (no letter or digit right before or after it, except the end
    /// of an escape written out: `\n` in code or in a tool call's JSON arguments, `\u003d`,
    /// `%3D`), and the part after its prefix must look random: letters and digits mixed (of
    /// a Hugging Face token, upper and lower case; of an AWS key ID, which is base32, 9 or
    /// more different letters without a digit will do), no run of 6 equal
    /// characters, none of `xxxx`, `your`, `example`, `dummy`, `fake`, `sample`, `redacted`
    /// or `placeholder` (any case). Deliberately not matched: AWS keys ending in `EXAMPLE`
    /// (AWS's documentation key), stand-ins such as `sk-your-api-key-here`, and a PEM
    /// header without a base64 body of 40 characters or more (`...` in documentation).
    /// Keys in code count: a key in a code sample is as live as anywhere else. A key is read
    /// through the invisible format characters inside it (a zero-width space, a soft hyphen,
    /// a word joiner: web pages and chat apps put them into a long token so it can wrap, and
    /// a copied key carries them), as if they were absent: it is reported from its start and
    /// masked to its end as written, those characters with it.
    ///
    /// A secret is never printed whole, in any output format. The message quotes it
    /// masked: its first 4 characters (of a PEM key, of its body; of a password in a URL,
    /// from its `://`, so none of the password; of an AWS secret access key after its name,
    /// from the name; of a bearer token, from `Bearer`), then one `*` for each other character (at
    /// most 32); the `full` output masks it the same way in the line
    /// it shows. That line is one window of one line, so it may hold one piece of a key
    /// split between text parts only: there, a text part's runs of 8 or more key-like
    /// characters are hidden too, at its start or end unless they are a plain word, inside
    /// it when letters and digits mix (a token such as `GPT4o2024` in a text part may show
    /// masked). So are the runs of a line that is not JSON (J001, J002, J004: a record
    /// broken by raw line breaks puts a pasted PEM key's lines, or a wrapped key's halves, on
    /// lines of their own, where no form can be recognised), with 8 or more letters and
    /// digits, mixed or at the line's ends. A file's name is shown as it is where a finding
    /// is located (code scanning needs the path whole); error messages mask a key in one.
    /// `[pii] allow` patterns that find the key keep it quiet (known test keys).
    /// As with every rule, ten findings per example are shown one by one; one more counts the rest.
    ///
    /// ## Why is this bad?
    /// A live credential in a dataset is leaked to everyone who can read the dataset, and a
    /// model trained on it can print it for anyone who asks the right way. Revoke the key
    /// first, then remove it; rewriting git history is not enough once it was pushed.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "My deploy fails with this config: AWS_ACCESS_KEY_ID=AKIA4QW7ZR2KXNB5TG3M"}, {"role": "assistant", "content": "Never paste keys into a chat: revoke that key in IAM, then set the variables in your CI secrets."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "My deploy fails with this config: AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}, {"role": "assistant", "content": "Never paste keys into a chat: revoke that key in IAM, then set the variables in your CI secrets."}]}
    /// ```
    pub static SECRET = {
        code: "P006",
        name: "secret",
        level: Error,
        summary: "secrets: API keys and credentials (OpenAI `sk-`, Anthropic `sk-ant-`, AWS `AKIA` and secret keys, GitHub `ghp_`/`github_pat_`, GitLab `glpat-`, Hugging Face `hf_`, Slack `xox?-` and webhooks, Google `AIza`, Stripe `sk_live_`, SendGrid `SG.`, npm `npm_`, Azure `AccountKey=`, bearer tokens, JSON Web Tokens, PEM private keys)",
    };
}
