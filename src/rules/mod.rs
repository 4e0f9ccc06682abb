//! The rule registry: one ordered table, one line per rule.
//!
//! J and S rules are emitted while reading and normalising a record (`crate::source`,
//! `crate::format`), because that is where the facts are; their declarations live in
//! `jsonl.rs` and `schema.rs`. Every other record rule is a pure function of one
//! [`Conversation`] in a file of its own, run by [`check_record`].

pub mod content;
pub mod duplicates;
pub mod jsonl;
pub mod order;
pub mod privacy;
pub mod schema;
pub mod tokens;

use crate::context::RecordContext;
use crate::record::Conversation;
use crate::rule::RuleMeta;

pub use crate::registry::Code;

macro_rules! registry {
    ($($code:ident => $meta:path,)*) => {
        /// Every rule, in code order (the order of [`Code`], which a compile-time check
        /// below keeps).
        pub static RULES: &[&RuleMeta] = &[$(&$meta,)*];

        const _: () = {
            let codes: &[Code] = &[$(Code::$code,)*];
            assert!(codes.len() == Code::ALL.len(), "RULES and Code list different rules");
            let mut i = 0;
            while i < codes.len() {
                assert!(codes[i] as usize == i, "RULES is not in the order of Code");
                i += 1;
            }
        };

        impl Code {
            /// The rule's documentation and metadata.
            pub fn meta(self) -> &'static RuleMeta {
                RULES[self as usize]
            }
        }
    };
}

registry! {
    J001 => jsonl::INVALID_JSON,
    J002 => jsonl::NOT_AN_OBJECT,
    J003 => jsonl::BLANK_LINE,
    J004 => jsonl::INVALID_UTF8,
    J005 => jsonl::BYTE_ORDER_MARK,
    J006 => jsonl::LFS_POINTER,
    J007 => jsonl::NOT_JSONL,
    J008 => jsonl::LINE_TOO_LARGE,
    J009 => jsonl::MISSING_FINAL_NEWLINE,
    J010 => jsonl::DUPLICATE_KEY,
    S001 => schema::MISSING_MESSAGES,
    S002 => schema::INVALID_MESSAGES,
    S003 => schema::INVALID_MESSAGE,
    S004 => schema::MISSING_ROLE,
    S005 => schema::UNKNOWN_ROLE,
    S006 => schema::MISSING_CONTENT,
    S007 => schema::INVALID_CONTENT,
    S008 => schema::UNKNOWN_KEY,
    S009 => schema::INVALID_WEIGHT,
    S010 => schema::INVALID_TOOL_CALL,
    S011 => schema::ORPHAN_TOOL_MESSAGE,
    S012 => schema::INVALID_IMAGE,
    O001 => order::too_few_messages::TOO_FEW_MESSAGES,
    O002 => order::last_not_assistant::LAST_NOT_ASSISTANT,
    O003 => order::no_user_message::NO_USER_MESSAGE,
    O004 => order::no_assistant_message::NO_ASSISTANT_MESSAGE,
    O005 => order::system_not_first::SYSTEM_NOT_FIRST,
    O006 => order::role_order::ROLE_ORDER,
    C001 => content::content_too_short::CONTENT_TOO_SHORT,
    C002 => content::content_too_long::CONTENT_TOO_LONG,
    C003 => content::empty_content::EMPTY_CONTENT,
    C004 => content::refusal_without_help::REFUSAL_WITHOUT_HELP,
    C005 => content::as_an_ai::AS_AN_AI,
    C006 => content::repeated_user_message::REPEATED_USER_MESSAGE,
    C007 => content::placeholder_text::PLACEHOLDER_TEXT,
    C008 => content::informal_grammar::INFORMAL_GRAMMAR,
    C009 => content::truncated_response::TRUNCATED_RESPONSE,
    C010 => content::template_token_leak::TEMPLATE_TOKEN_LEAK,
    C011 => content::encoding_artifact::ENCODING_ARTIFACT,
    C012 => content::inconsistent_system_prompt::INCONSISTENT_SYSTEM_PROMPT,
    P001 => privacy::email_address::EMAIL_ADDRESS,
    P002 => privacy::phone_number::PHONE_NUMBER,
    P003 => privacy::credit_card_number::CREDIT_CARD_NUMBER,
    P004 => privacy::national_id::NATIONAL_ID,
    P005 => privacy::ip_address::IP_ADDRESS,
    P006 => privacy::secret::SECRET,
    T001 => tokens::TOO_MANY_TOKENS,
    D001 => duplicates::exact_duplicate::EXACT_DUPLICATE,
    D002 => duplicates::near_duplicate::NEAR_DUPLICATE,
    D003 => duplicates::split_leak::SPLIT_LEAK,
}

/// Runs every enabled conversation rule on one record.
pub fn check_record(conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
    order::check(conv, ctx);
    content::check(conv, ctx);
    privacy::check(conv, ctx);
}

/// Finds a rule by its code or its name (case-insensitive for codes).
pub fn lookup(code_or_name: &str) -> Option<Code> {
    Code::ALL.iter().copied().find(|c| {
        let m = c.meta();
        m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_names_its_own_rule() {
        for &code in Code::ALL {
            assert_eq!(code.meta().code, code.as_str());
            assert_eq!(Some(code), Code::from_code(code.as_str()));
        }
    }
}
