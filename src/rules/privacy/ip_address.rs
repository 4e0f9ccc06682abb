//! P005 ip-address.
//!
//! The rule's documentation; `crate::pii::ip` finds what it reports.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a public IP address in the text of an example that a trainer reads (listed
    /// below):
    ///
    /// - IPv4 in dotted decimal (`81.2.69.160`), four numbers from 0 to 255 without leading
    ///   zeros, outside the ranges that identify no one: this network (0.0.0.0/8), private
    ///   (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), shared (100.64.0.0/10), loopback
    ///   (127.0.0.0/8), link-local (169.254.0.0/16), IETF protocol assignments
    ///   (192.0.0.0/24), documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24),
    ///   benchmarking (198.18.0.0/15), multicast and reserved (224.0.0.0 and up);
    /// - IPv6 (`2a00:1450:4001:81a::200e`) in the global unicast range 2000::/3, outside the
    ///   documentation range 2001:db8::/32.
    ///
    /// Deliberately not matched: the well-known public DNS resolvers (8.8.8.8, 8.8.4.4,
    /// 1.1.1.1, 1.0.0.1, 9.9.9.9, 149.112.112.112, 208.67.222.222, 208.67.220.220, and over
    /// IPv6 2001:4860:4860::8888, 2001:4860:4860::8844, 2606:4700:4700::1111,
    /// 2606:4700:4700::1001, 2620:fe::fe, 2620:fe::9, 2620:119:35::35, 2620:119:53::53),
    /// which belong to no person; networks in CIDR notation (`34.64.0.0/10`); numbers named
    /// as something else by the word right before them: version, release, build, firmware,
    /// `v`, section, clause, `§`, chapter, article, paragraph, appendix, annex, OID, rule,
    /// step, figure or table (`v1.2.3.4`, `Section 3.1.4.1`, `OID 2.5.4.3`), or earlier in
    /// the sentence before "is" (`The version that fixed it is 4.2.0.1`, `The OID is
    /// 2.5.4.3`); four-part versions after a product's name: a product word (Python, Java,
    /// Node, Chrome, Windows, `.NET`, Framework, runtime, SDK, kernel, CU, SP, KB, driver,
    /// ..., any case: `Python 3.12.1.4`, `SQL Server 2019 CU 15.0.4.223`), or, when the first
    /// number is below 32, a capitalised word inside a sentence that names no address
    /// (`Upgrade to Contoso 12.4.1.7`; not `Ping 81.2.69.160` at a sentence's start nor `the
    /// IP`, `Server`, `Host` ...); and addresses glued to more digits or dots (`1.2.3.4.5`, so
    /// outline numbers of five parts and more).
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
    ///
    /// ## Why is this bad?
    /// An IP address from a log or a support ticket can locate and identify a customer;
    /// GDPR counts it as personal data. Training data needs none: the documentation ranges
    /// (192.0.2.0/24, 2001:db8::/32) exist for examples.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "My router shows the WAN address 81.2.69.160 but the app cannot connect."}, {"role": "assistant", "content": "Open port 8883 for outgoing traffic on the router, then restart the hub."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "My router shows the WAN address 203.0.113.24 but the app cannot connect."}, {"role": "assistant", "content": "Open port 8883 for outgoing traffic on the router, then restart the hub at 192.168.1.20."}]}
    /// ```
    pub static IP_ADDRESS = {
        code: "P005",
        name: "ip-address",
        level: Warning,
        summary: "public IPv4/IPv6 address (not private, loopback, documentation ranges)",
    };
}
