//! The rule registry: one ordered table, one line per rule, saying what each rule runs on
//! and which rules suppress it; and the dispatcher that runs a record's rules from it.
//!
//! A rule file holds the rule's declaration (its documentation, `declare_rule!`) and its
//! logic, nothing else: whether the rule is enabled, in which order it runs and when a more
//! specific rule silences it are decided here, once. J rules run on the file and its lines
//! (the engine's reading stages call their functions), S rules while an input format
//! normalises a record, the others on the normalised record, one of its messages, or the
//! whole dataset.

pub mod balance;
pub(crate) mod content;
pub mod duplicates;
pub mod jsonl;
pub(crate) mod order;
pub(crate) mod privacy;
pub(crate) mod schema;
pub mod tokens;

use std::sync::LazyLock;

use crate::context::{Counts, RecordContext};
use crate::dataset::{DatasetContext, FactKind};
use crate::record::{Conversation, Message};
pub use crate::registry::Code;
use crate::rule::RuleMeta;
use crate::settings::Settings;

/// What a rule runs on.
#[derive(Clone, Copy)]
pub enum RunsOn {
    /// The file and its lines, before and while they parse as JSON: the engine's reading
    /// stages call the rule's functions (J rules).
    Reader,
    /// A record's shape, checked by its input format while it normalises the record (S rules).
    Format,
    /// A normalised record, whatever its state.
    Record(fn(&Conversation<'_>, &mut RecordContext<'_>)),
    /// A normalised record whose shape is complete: order rules would only echo the schema
    /// findings of a record the format already tore apart.
    Conversation(fn(&Conversation<'_>, &mut RecordContext<'_>)),
    /// Each message of a normalised record.
    Message(fn(&Message<'_>, &mut RecordContext<'_>)),
    /// One pass that serves several rules (the P rules share one scan of the text): run once
    /// when any of them is enabled; it reports each rule's findings under its own code.
    Shared(&'static Shared),
    /// The whole dataset, once every record is read, from the facts it declares.
    Dataset {
        check: fn(&mut DatasetContext<'_>),
        facts: &'static [&'static FactKind],
    },
    /// A record's shape, checked by its format as for `Format`, and the whole dataset as
    /// well, from the facts it declares, for the files whose settings `when` accepts (no
    /// facts are collected for the others): a mix only the dataset shows, such as Bedrock
    /// Nova's images in one record and videos in another.
    FormatAndDataset {
        when: fn(&crate::settings::Settings) -> bool,
        check: fn(&mut DatasetContext<'_>),
        facts: &'static [&'static FactKind],
    },
}

/// A rule that runs on the dataset, as [`dataset_rules`] lists them.
pub struct DatasetRule {
    pub code: Code,
    pub check: fn(&mut DatasetContext<'_>),
    pub facts: &'static [&'static FactKind],
    when: Option<fn(&crate::settings::Settings) -> bool>,
}

impl DatasetRule {
    /// Whether the rule runs on a file of these settings: it is enabled, and the file is one
    /// it checks.
    pub fn runs_for(&self, settings: &crate::settings::Settings) -> bool {
        settings.enabled(self.code) && self.when.is_none_or(|when| when(settings))
    }

    /// Whether the rule has no part that runs record by record (S012 has one: its format
    /// checks each record's images, the dataset the mix of images and videos).
    pub fn only_on_dataset(&self) -> bool {
        self.when.is_none()
    }
}

/// A pass several rules share.
pub struct Shared {
    pub check: fn(&Conversation<'_>, &mut RecordContext<'_>),
}

/// One line of the registry.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub runs_on: RunsOn,
    /// Rules that, when they report on the same record (or, for message rules, the same
    /// message), make this one stay quiet: the more specific finding is enough.
    pub suppressed_by: &'static [Code],
}

impl std::ops::Deref for Rule {
    type Target = RuleMeta;

    fn deref(&self) -> &RuleMeta {
        self.meta
    }
}

macro_rules! registry {
    ($($code:ident => $meta:path, $runs_on:expr $(, suppressed_by $by:expr)?;)*) => {
        /// Every rule, in code order (the order of [`Code`], which a compile-time check
        /// below keeps).
        pub static RULES: &[Rule] = &[$(Rule {
            meta: &$meta,
            runs_on: $runs_on,
            suppressed_by: registry!(@by $($by)?),
        },)*];

        const _: () = {
            let codes: &[Code] = &[$(Code::$code,)*];
            assert!(codes.len() == Code::ALL.len(), "RULES and Code list different rules");
            let mut i = 0;
            while i < codes.len() {
                assert!(codes[i] as usize == i, "RULES is not in the order of Code");
                i += 1;
            }
        };
    };
    (@by) => { &[] };
    (@by $by:expr) => { &$by };
}

use Code::*;
use RunsOn::{Conversation as Conv, Format, Message as Msg, Reader, Record};

registry! {
    J001 => jsonl::invalid_json::INVALID_JSON, Reader;
    J002 => jsonl::not_an_object::NOT_AN_OBJECT, Reader;
    J003 => jsonl::blank_line::BLANK_LINE, Reader;
    J004 => jsonl::invalid_utf8::INVALID_UTF8, Reader;
    J005 => jsonl::byte_order_mark::BYTE_ORDER_MARK, Reader;
    J006 => jsonl::lfs_pointer::LFS_POINTER, Reader;
    J007 => jsonl::not_jsonl::NOT_JSONL, Reader;
    J008 => jsonl::line_too_large::LINE_TOO_LARGE, Reader;
    J009 => jsonl::missing_final_newline::MISSING_FINAL_NEWLINE, Reader;
    J010 => jsonl::duplicate_key::DUPLICATE_KEY, Reader;
    J011 => jsonl::empty_file::EMPTY_FILE, Reader;
    S001 => schema::MISSING_MESSAGES, schema::absent_column::RUNS_ON;
    S002 => schema::INVALID_MESSAGES, Format;
    S003 => schema::INVALID_MESSAGE, Format;
    S004 => schema::MISSING_ROLE, Format;
    S005 => schema::UNKNOWN_ROLE, Format;
    S006 => schema::MISSING_CONTENT, Format;
    S007 => schema::INVALID_CONTENT, Format;
    S008 => schema::UNKNOWN_KEY, Format;
    S009 => schema::INVALID_WEIGHT, Format;
    S010 => schema::INVALID_TOOL_CALL, Format;
    S011 => schema::ORPHAN_TOOL_MESSAGE, Format;
    S012 => schema::INVALID_IMAGE, schema::mixed_media::RUNS_ON;
    S013 => schema::unloadable_column::UNLOADABLE_COLUMN, schema::unloadable_column::RUNS_ON;
    S014 => schema::target_mismatch::TARGET_MISMATCH, Format;
    O001 => order::too_few_messages::TOO_FEW_MESSAGES, Conv(order::too_few_messages::check);
    O002 => order::last_not_assistant::LAST_NOT_ASSISTANT, Conv(order::last_not_assistant::check), suppressed_by [O001, O004];
    O003 => order::no_user_message::NO_USER_MESSAGE, Conv(order::no_user_message::check), suppressed_by [O001];
    O004 => order::no_assistant_message::NO_ASSISTANT_MESSAGE, Conv(order::no_assistant_message::check), suppressed_by [O001];
    O005 => order::system_not_first::SYSTEM_NOT_FIRST, Conv(order::system_not_first::check);
    O006 => order::role_order::ROLE_ORDER, Conv(order::role_order::check);
    C001 => content::content_too_short::CONTENT_TOO_SHORT, Msg(content::content_too_short::check), suppressed_by [C003, C007];
    C002 => content::content_too_long::CONTENT_TOO_LONG, Msg(content::content_too_long::check), suppressed_by [C003];
    C003 => content::empty_content::EMPTY_CONTENT, Msg(content::empty_content::check);
    C004 => content::refusal_without_help::REFUSAL_WITHOUT_HELP, Msg(content::refusal_without_help::check), suppressed_by [C003];
    C005 => content::as_an_ai::AS_AN_AI, Msg(content::as_an_ai::check), suppressed_by [C003];
    C006 => content::repeated_user_message::REPEATED_USER_MESSAGE, Record(content::repeated_user_message::check);
    C007 => content::placeholder_text::PLACEHOLDER_TEXT, Msg(content::placeholder_text::check), suppressed_by [C003];
    C008 => content::informal_grammar::INFORMAL_GRAMMAR, Msg(content::informal_grammar::check), suppressed_by [C003];
    C009 => content::truncated_response::TRUNCATED_RESPONSE, Record(content::truncated_response::check);
    C010 => content::template_token_leak::TEMPLATE_TOKEN_LEAK, Msg(content::template_token_leak::check), suppressed_by [C003];
    C011 => content::encoding_artifact::ENCODING_ARTIFACT, Msg(content::encoding_artifact::check), suppressed_by [C003];
    C012 => content::inconsistent_system_prompt::INCONSISTENT_SYSTEM_PROMPT, content::inconsistent_system_prompt::RUNS_ON;
    P001 => privacy::email_address::EMAIL_ADDRESS, RunsOn::Shared(&privacy::SCAN);
    P002 => privacy::phone_number::PHONE_NUMBER, RunsOn::Shared(&privacy::SCAN);
    P003 => privacy::credit_card_number::CREDIT_CARD_NUMBER, RunsOn::Shared(&privacy::SCAN);
    P004 => privacy::national_id::NATIONAL_ID, RunsOn::Shared(&privacy::SCAN);
    P005 => privacy::ip_address::IP_ADDRESS, RunsOn::Shared(&privacy::SCAN);
    P006 => privacy::secret::SECRET, RunsOn::Shared(&privacy::SCAN);
    T001 => tokens::TOO_MANY_TOKENS, RunsOn::Shared(&tokens::PASS);
    T002 => tokens::TRUNCATED_ANSWER, RunsOn::Shared(&tokens::PASS);
    T003 => tokens::NOTHING_TO_TRAIN, RunsOn::Shared(&tokens::PASS);
    D001 => duplicates::exact_duplicate::EXACT_DUPLICATE, duplicates::exact_duplicate::RUNS_ON;
    D002 => duplicates::near_duplicate::NEAR_DUPLICATE, duplicates::near_duplicate::RUNS_ON;
    D003 => duplicates::split_leak::SPLIT_LEAK, duplicates::split_leak::RUNS_ON;
    D004 => duplicates::benchmark_contamination::BENCHMARK_CONTAMINATION, Record(duplicates::benchmark_contamination::check);
    D005 => duplicates::shared_prompt_template::SHARED_PROMPT_TEMPLATE, duplicates::shared_prompt_template::RUNS_ON;
    B001 => balance::too_few_examples::TOO_FEW_EXAMPLES, balance::too_few_examples::RUNS_ON;
    B002 => balance::composition_off_target::COMPOSITION_OFF_TARGET, balance::composition_off_target::RUNS_ON;
    B003 => balance::missing_refusals::MISSING_REFUSALS, balance::missing_refusals::RUNS_ON;
    B004 => balance::missing_clarifications::MISSING_CLARIFICATIONS, balance::missing_clarifications::RUNS_ON;
    B005 => balance::tone_outlier::TONE_OUTLIER, balance::tone_outlier::RUNS_ON;
}

impl Code {
    /// The rule's documentation and metadata.
    pub fn meta(self) -> &'static RuleMeta {
        RULES[self as usize].meta
    }

    /// The rule's line of the registry.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
}

/// Finds a rule by its code or its name, in any case (`P006`, `p006`, `Secret`).
pub fn lookup(code_or_name: &str) -> Option<Code> {
    Code::ALL.iter().copied().find(|c| {
        let m = c.meta();
        m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The order record rules run in: the registry's, except that a rule runs after the rules
/// that suppress it.
static ORDER: LazyLock<Vec<Code>> = LazyLock::new(|| {
    let mut order: Vec<Code> = Vec::with_capacity(RULES.len());
    let mut placed = [false; Code::ALL.len()];
    fn place(code: Code, order: &mut Vec<Code>, placed: &mut [bool]) {
        if placed[code.index()] {
            return;
        }
        placed[code.index()] = true;
        for &by in code.rule().suppressed_by {
            place(by, order, placed);
        }
        order.push(code);
    }
    for &code in Code::ALL {
        place(code, &mut order, &mut placed);
    }
    order
});

/// What one file's settings enable of the record rules, worked out once per file rather
/// than for every record: the enabled message rules and the enabled record, conversation and
/// shared passes, in `ORDER`, each shared pass once.
#[derive(Clone, Debug)]
pub struct Plan {
    message: Vec<(Suppressors, MessageCheck)>,
    /// The message rules run on the answers set aside ([`Conversation::set_aside`]).
    set_aside: Vec<MessageCheck>,
    record: Vec<(Suppressors, Step)>,
}

/// The rules whose findings suppress a rule (its registry line's `suppressed_by`), kept
/// beside its function so that the check does not visit the registry for every record.
type Suppressors = &'static [Code];

type MessageCheck = fn(&Message<'_>, &mut RecordContext<'_>);

#[derive(Clone, Copy, Debug)]
enum Step {
    Record(fn(&Conversation<'_>, &mut RecordContext<'_>)),
    Conversation(fn(&Conversation<'_>, &mut RecordContext<'_>)),
    Shared(fn(&Conversation<'_>, &mut RecordContext<'_>)),
}

/// The message rules that also read the answers set aside as meant to be bad
/// ([`Conversation::set_aside`]): what they find is wrong with the data whatever the label
/// (the P rules read them too, in [`privacy::check`]).
const SET_ASIDE_RULES: &[Code] = &[Code::C010, Code::C011];

impl Plan {
    /// No record rule: for a file read only as context, whose record findings nobody sees.
    pub fn none() -> Plan {
        Plan {
            message: Vec::new(),
            set_aside: Vec::new(),
            record: Vec::new(),
        }
    }

    pub fn new(settings: &Settings) -> Plan {
        let mut message = Vec::new();
        let mut set_aside = Vec::new();
        let mut record = Vec::new();
        let mut shared_done: Vec<*const Shared> = Vec::new();
        for &code in ORDER.iter() {
            if !settings.enabled(code) {
                continue;
            }
            let by = code.rule().suppressed_by;
            match code.rule().runs_on {
                RunsOn::Message(check) => {
                    message.push((by, check));
                    if SET_ASIDE_RULES.contains(&code) {
                        set_aside.push(check);
                    }
                }
                RunsOn::Record(check) => record.push((by, Step::Record(check))),
                RunsOn::Conversation(check) => record.push((by, Step::Conversation(check))),
                RunsOn::Shared(shared) => {
                    let key: *const Shared = shared;
                    if !shared_done.contains(&key) {
                        shared_done.push(key);
                        record.push((by, Step::Shared(shared.check)));
                    }
                }
                RunsOn::Reader
                | RunsOn::Format
                | RunsOn::Dataset { .. }
                | RunsOn::FormatAndDataset { .. } => {}
            }
        }
        Plan {
            message,
            set_aside,
            record,
        }
    }

    /// Runs the enabled record rules on one normalised record: message rules message by
    /// message (as a reader goes through the conversation), then the record, conversation and
    /// shared passes; a rule is skipped when a rule that suppresses it has reported on the same
    /// message (message rules) or record (the others).
    pub fn check_record(&self, conv: &Conversation<'_>, ctx: &mut RecordContext<'_>) {
        let suppressed = |by: Suppressors, ctx: &RecordContext<'_>, since: &Counts| {
            by.iter()
                .any(|&by| ctx.count(by) > since[by.index()] as usize)
        };
        let start = ctx.counts();
        if !self.message.is_empty() {
            for message in conv.messages.iter().filter(|m| !m.from_trainer) {
                let since = ctx.counts();
                for &(by, check) in &self.message {
                    if !suppressed(by, ctx, &since) {
                        check(message, ctx);
                    }
                }
            }
        }
        for message in &conv.set_aside {
            for &check in &self.set_aside {
                check(message, ctx);
            }
        }
        for &(by, step) in &self.record {
            if suppressed(by, ctx, &start) {
                continue;
            }
            match step {
                Step::Record(check) | Step::Shared(check) => check(conv, ctx),
                Step::Conversation(check) if !conv.incomplete => check(conv, ctx),
                Step::Conversation(_) => {}
            }
        }
    }
}

/// The dataset rules, in registry order, with the facts each one needs.
pub fn dataset_rules() -> impl Iterator<Item = DatasetRule> {
    RULES
        .iter()
        .zip(Code::ALL)
        .filter_map(|(r, &code)| match r.runs_on {
            RunsOn::Dataset { check, facts } => Some(DatasetRule {
                code,
                check,
                facts,
                when: None,
            }),
            RunsOn::FormatAndDataset { when, check, facts } => Some(DatasetRule {
                code,
                check,
                facts,
                when: Some(when),
            }),
            _ => None,
        })
}

/// Lowers the levels of the rules whose weight depends on the target (S013 follows how the
/// target loads a file), once the target of a file is settled.
pub fn cap_by_target(settings: &mut crate::settings::Settings) {
    let s013 = &mut settings.levels[Code::S013.index()];
    *s013 = (*s013).min(schema::unloadable_column::cap(settings.target));
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

    #[test]
    fn suppressors_run_first_and_are_rules_of_the_same_kind() {
        let at = |c: Code| ORDER.iter().position(|&o| o == c).unwrap();
        for rule in RULES {
            let code = Code::from_code(rule.code).unwrap();
            for &by in rule.suppressed_by {
                assert!(
                    at(by) < at(code),
                    "{by} runs after {code}, which it suppresses"
                );
                let kind = |r: &Rule| std::mem::discriminant(&r.runs_on);
                let same = kind(by.rule()) == kind(rule)
                    || matches!(
                        (&by.rule().runs_on, &rule.runs_on),
                        (
                            RunsOn::Conversation(_) | RunsOn::Record(_),
                            RunsOn::Conversation(_) | RunsOn::Record(_)
                        )
                    );
                assert!(same, "{by} suppresses {code} but runs on something else");
            }
        }
    }
}
