//! P004 national-id.
//!
//! The rule's documentation; `crate::pii::national_id` finds what it reports.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a US Social Security number in the text of an example that a trainer reads
    /// (listed below): three, two and four digits joined by dashes (`AAA-GG-SSSS`), or by
    /// spaces where "SSN" or "social security" comes in the 40 characters before
    /// (`SSN: 536 22 8145`; a table of figures has such groups too), that the SSA could
    /// issue: the area `AAA` is not 000, 666 or 900–999, the group `GG` is not 00 and the
    /// serial `SSSS` is not 0000.
    ///
    /// Digits may be full-width (`１３８`) or Arabic-Indic (`٥٠`, `۵۰`), and groups may be
    /// separated by the spaces that keep them together (no-break U+00A0, narrow no-break
    /// U+202F, thin and figure spaces, the ideographic space), as French typography and word
    /// processors write numbers; the no-break hyphen U+2011 and full-width `＋－（）` count
    /// as their ASCII forms.
    ///
    /// Deliberately not matched: numbers that cannot be issued (`000-12-3456`,
    /// `987-65-4320`); the numbers famous from advertising and textbooks, 078-05-1120 (the
    /// Woolworth wallet card), 219-09-9999 (a Social Security Board pamphlet) and
    /// 123-45-6789; nine digits without dashes (as often an order or account number); and
    /// digits glued to letters or to more digits (`123-45-6789-0`).
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
    /// A Social Security number is the key to a person's identity and credit; one in a
    /// training set is a reportable breach in many US states, and a model can memorise and
    /// repeat it. Remove it or write an impossible one such as 000-12-3456.
    ///
    /// ## Example
    /// ```jsonl,invalid
    /// {"messages": [{"role": "user", "content": "For the tax form, my SSN is 536-22-8147."}, {"role": "assistant", "content": "Please do not share your Social Security number in chat; enter it on the secure tax form instead."}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid
    /// {"messages": [{"role": "user", "content": "For the tax form, my SSN is 000-12-3456."}, {"role": "assistant", "content": "Please do not share your Social Security number in chat; enter it on the secure tax form instead."}]}
    /// ```
    pub static NATIONAL_ID = {
        code: "P004",
        name: "national-id",
        level: Warning,
        summary: "a US social security number with a valid area, group and serial",
    };
}
