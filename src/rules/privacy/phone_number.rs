//! P002 phone-number.
//!
//! The rule's documentation; `crate::pii::phone` finds what it reports.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a phone number in the text of an example that a trainer reads (listed below),
    /// in one of these forms:
    ///
    /// - North American (NANP): `(415) 555-2671`, `415-555-2671`, `415.555.2671`,
    ///   `+1 415 555 2671`, `1-800-555-2671`, `+14155552671`. The area code and the exchange
    ///   must start with 2–9 and the area code must not be an N11 service code, so
    ///   `(123) 456-7890` is not a number;
    /// - international, with a country code: `+44 20 7946 0958`, `+49 (0)30 901820`,
    ///   `+33 1 23 45 67 89`, `+8613812345678`: a `+`, a country code and groups of digits,
    ///   8 to 15 digits in all.
    ///
    /// Digits may be full-width (`１３８`) or Arabic-Indic (`٥٠`, `۵۰`), and groups may be
    /// separated by the spaces that keep them together (no-break U+00A0, narrow no-break
    /// U+202F, thin and figure spaces, the ideographic space), as French typography and word
    /// processors write numbers; the no-break hyphen U+2011 and full-width `＋－（）` count
    /// as their ASCII forms.
    ///
    /// Deliberately not matched: the fictional range 555-0100 to 555-0199 (`(415)
    /// 555-0123`); ten digits without separators or a `+1`, and NANP numbers separated only
    /// by spaces without `+1` or parentheses (`212 555 1234` is as likely three amounts);
    /// national formats without a country code outside North America (`020 7946 0958` looks
    /// like any other number); digits glued to letters or to more digits; signed quantities
    /// written with a `+`: a decimal (`+48.858844, +2.294351`, a coordinate: one `.` right
    /// after the first digits, 4 or more digits after it, no more groups) and a count in groups
    /// of three of fewer than 10 digits (`+31 457 219 people`; `+48 123 456 789`, 11 digits,
    /// is a number); and terms of
    /// arithmetic: a number with an operator (`+`, `*`, `×`, `÷`, `=`, `−`) between it and
    /// another number on its line, or a line of its own in a column of numbers ruled off by
    /// `-----`, such as `+960397912423686` under `472547338` in a sum written out (a list
    /// of numbers without the rule is still reported).
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
    /// A phone number identifies a person as surely as a name does. Customer-support logs
    /// are full of them; a model fine-tuned on them can recite them. Replace real numbers
    /// with fictional 555-01xx ones.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "My number changed, it is now (415) 867-2309."}, {"role": "assistant", "content": "Thanks, I have updated the number on your account."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "My number changed, it is now (415) 555-0142."}, {"role": "assistant", "content": "Thanks, I have updated the number on your account."}]}
    /// ```
    pub static PHONE_NUMBER = {
        code: "P002",
        name: "phone-number",
        level: Warning,
        summary: "phone number (NANP, E.164, common international forms), except fictional 555-01xx",
    };
}
