//! P003 credit-card-number.
//!
//! The rule's documentation; `crate::pii::card` finds what it reports.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a payment card number in the text of an example that a trainer reads (listed
    /// below): 13 to 19 digits written together or in the groups printed on cards (4-4-4-4,
    /// 4-4-4-4-3, Amex's 4-6-5, Diners' 4-6-4) separated by single spaces or dashes, or by
    /// dots between groups of four (`4539.1488.0343.6467`), that
    ///
    /// - start like a card of a known network (Visa 4; Mastercard 51–55 and 2221–2720;
    ///   American Express 34 and 37; Discover 6011, 644–649 and 65; Diners 300–305, 36, 38
    ///   and 39; JCB 3528–3589; UnionPay 62; Maestro 50 and 56–69) with a length that
    ///   network issues, and
    /// - pass the Luhn checksum.
    ///
    /// Digits may be full-width (`１３８`) or Arabic-Indic (`٥٠`, `۵۰`), and groups may be
    /// separated by the spaces that keep them together (no-break U+00A0, narrow no-break
    /// U+202F, thin and figure spaces, the ideographic space), as French typography and word
    /// processors write numbers; the no-break hyphen U+2011 and full-width `＋－（）` count
    /// as their ASCII forms.
    ///
    /// Deliberately not matched: digit runs that fail the Luhn check (order numbers,
    /// tracking codes); the test numbers card networks and payment processors publish
    /// (4111 1111 1111 1111, 4242 4242 4242 4242, 5555 5555 5555 4444, 3782 822463 10005,
    /// 6011 1111 1111 1117 and others), which are safe in examples; digits glued to
    /// letters or to more digits; and terms of arithmetic: a number with an operator (`+`,
    /// `*`, `×`, `÷`, `=`, `−`) between it and another number on its line
    /// (`256626720691 + 3956256292305 = 4212883012996`), or a line of its own in a column
    /// of numbers ruled off by `-----` (a sum written out). A result on a line of its own
    /// without such a sign ("The result is:" and then the number) is still reported.
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
    /// The message quotes the number masked: its first 4 characters, then one `*` for each
    /// other character (at most 32). The `full` output masks it the same way in the line it
    /// shows, and `[pii] allow` patterns that find it in the match keep it quiet. As
    /// with every rule, ten findings per example are shown one by one; one more counts the rest.
    ///
    /// ## Why is this bad?
    /// A card number in training data is a payment-card data breach (PCI DSS forbids storing
    /// it unprotected), and a model that memorises it can leak it. Support transcripts
    /// collect them when customers paste them despite being told not to. Use a published
    /// test number instead.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "Charge it to my card 4539 1488 0343 6467 please."}, {"role": "assistant", "content": "For your safety, never share a full card number here; add the card under Billing instead."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "Charge it to my card 4242 4242 4242 4242 please."}, {"role": "assistant", "content": "For your safety, never share a full card number here; add the card under Billing instead."}]}
    /// ```
    pub static CREDIT_CARD_NUMBER = {
        code: "P003",
        name: "credit-card-number",
        level: Warning,
        summary: "13–19 digit card number that passes the Luhn check, except well-known test numbers",
    };
}
