//! P001 email-address.
//!
//! The rule's documentation; `crate::pii::email` finds what it reports.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an email address in the text of an example that a trainer reads (listed
    /// below): a local part of letters, digits and `._%+-`, an `@`, and a domain of at least
    /// two labels ending in a top-level domain of letters. The address ends where a letter of
    /// another script begins, as a reader sees it: `请发邮件到zhang.wei@qq.com，谢谢`, `tanaka@docomo.ne.jpまで` and Korean
    /// `minsu.kim@naver.com으로` hold an address. Glued to an ASCII or Latin letter (`ü`,
    /// `é`), the match is part of a longer word and is not reported.
    ///
    /// Deliberately not matched: addresses at domains reserved for documentation and
    /// testing (`example.com`, `example.org`, `example.net` and their subdomains; any name
    /// under `.example`, `.test`, `.invalid` or `.localhost`); an SSH remote such as
    /// `git@github.com:org/repo.git`; the user part of a URL (`ftp://user:pw@host`, after
    /// the URL's `//`); and image names like `icon@2x.png`. An address right after a label's
    /// colon (`Email:jane@…`, `mailto:jane@…`) is an address. Addresses in code count: a
    /// real address is personal data wherever it is written.
    ///
    /// What is searched, in every format: a message's content; a tool call's arguments
    /// (OpenAI's `arguments` string, a chat template's `arguments` object, Vertex AI's
    /// `functionCall.args`, Bedrock's `toolUse.input`); a tool's result (a tool message's
    /// content, Vertex AI's `functionResponse.response`, Bedrock's `toolResult.content`);
    /// reasoning (Bedrock Nova's `reasoningContent`, a Gemini part marked `thought`, and an
    /// assistant message's `reasoning_content`, `reasoning` or `thinking` under a target that
    /// reads it, or when no target is set); a `refusal`; and the tool definitions, which a
    /// chat template renders into every prompt. An answer meant to be bad (a rejected
    /// answer) is searched too, as it is trained on. JSON (arguments, results) is read with
    /// the escapes of its strings decoded, and a finding points at the characters as written.
    /// A string the format does not read (a metadata column, a key S008 calls unknown, a chain
    /// of thought under a target that does not read it) is not searched, as no trainer sees
    /// it; P006 looks for keys there too, since a key leaks to whoever reads the file.
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
