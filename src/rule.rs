//! Rule metadata: the one place a rule's code, name, level and documentation live.
//!
//! Every rule is declared with `declare_rule!`, which captures its `///` doc comment, so
//! `tunelint rules`, `tunelint explain`, `docs/rules.md` and SARIF rule metadata all read the
//! same text. The ordered table of all rules is [`crate::rules::RULES`].

use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};

/// How loudly a rule speaks. Ordered by severity: `Off < Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// A level as the configuration writes it: the names of [`Level::as_str`], the way every
    /// output, `tunelint rules` and the docs spell them. No aliases (`"warn"`): a near miss is
    /// the config's did-you-mean.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family a rule belongs to; it is the first letter of the rule's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Jsonl,
    Schema,
    Order,
    Content,
    Privacy,
    Tokens,
    Duplicates,
    Balance,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::Jsonl,
        Category::Schema,
        Category::Order,
        Category::Content,
        Category::Privacy,
        Category::Tokens,
        Category::Duplicates,
        Category::Balance,
    ];

    /// The category named by the first letter of a rule code. Panics at compile time (the
    /// function is used in `static` initialisers) when a code has an unknown letter.
    pub const fn from_code(code: &str) -> Category {
        match code.as_bytes()[0] {
            b'J' => Category::Jsonl,
            b'S' => Category::Schema,
            b'O' => Category::Order,
            b'C' => Category::Content,
            b'P' => Category::Privacy,
            b'T' => Category::Tokens,
            b'D' => Category::Duplicates,
            b'B' => Category::Balance,
            _ => panic!("rule code with an unknown category letter"),
        }
    }

    pub fn letter(self) -> char {
        match self {
            Category::Jsonl => 'J',
            Category::Schema => 'S',
            Category::Order => 'O',
            Category::Content => 'C',
            Category::Privacy => 'P',
            Category::Tokens => 'T',
            Category::Duplicates => 'D',
            Category::Balance => 'B',
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Jsonl => "JSONL file and line",
            Category::Schema => "Schema",
            Category::Order => "Conversation order",
            Category::Content => "Content quality",
            Category::Privacy => "Privacy and secrets",
            Category::Tokens => "Tokens",
            Category::Duplicates => "Duplicates",
            Category::Balance => "Balance and size",
        }
    }
}

/// One configurable option of a rule, as documented and as accepted in `[rules]`.
#[derive(Debug)]
pub struct RuleOption {
    pub name: &'static str,
    /// The default, as it would be written in TOML.
    pub default: &'static str,
    pub doc: &'static str,
}

/// A rule's options: a small serde struct in the rule's own file, deserialised from the
/// rule's `[rules]` table (`deny_unknown_fields`, every field defaulted), read by the rule
/// through [`crate::settings::Settings::options`].
pub trait RuleOptions:
    DeserializeOwned + Clone + Debug + PartialEq + Send + Sync + 'static
{
    /// The options when nothing is configured; equal to what the documentation says.
    const DEFAULT: Self;
}

/// A rule's options with their type erased, so settings can hold every rule's options
/// without knowing the rules. Implemented for every [`RuleOptions`].
pub trait AnyOptions: Any + Debug + Send + Sync {
    fn eq_options(&self, other: &dyn AnyOptions) -> bool;
}

impl<T: RuleOptions> AnyOptions for T {
    fn eq_options(&self, other: &dyn AnyOptions) -> bool {
        (other as &dyn Any).downcast_ref::<T>() == Some(self)
    }
}

/// Parses a rule's options from its `[rules]` table: `None` when they are the defaults. The
/// error is the rule's own message, such as `expected a positive integer`.
pub type ParseOptions = fn(toml::Table) -> Result<Option<Arc<dyn AnyOptions>>, String>;

/// The [`ParseOptions`] of the options type `T`, which `declare_rule!` stores in `RuleMeta`.
pub fn parse_options<T: RuleOptions>(
    table: toml::Table,
) -> Result<Option<Arc<dyn AnyOptions>>, String> {
    let options: T = table.try_into().map_err(|e| e.message().to_owned())?;
    Ok((options != T::DEFAULT).then(|| Arc::new(options) as Arc<dyn AnyOptions>))
}

/// Deserialises an integer option of at least `min`, for `#[serde(deserialize_with)]` in a
/// rule's options; any other value is an error saying what was `expected`.
pub fn integer_option<'de, D, T>(d: D, min: i64, expected: &str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64>,
{
    let value = toml::Value::deserialize(d)?;
    let n = match value {
        toml::Value::Integer(n) if n >= min => n,
        _ => return Err(D::Error::custom(format!("expected {expected}"))),
    };
    T::try_from(n).map_err(|_| D::Error::custom("expected a smaller integer"))
}

/// Everything known about a rule except how it checks.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub default_level: Level,
    /// One line, lowercase start, no trailing period: what the rule fires on.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad? / Example / Options.
    pub doc: &'static str,
    pub options: &'static [RuleOption],
    /// Parses the rule's options (`config:` in `declare_rule!`); `None` when it has none.
    pub parse_options: Option<ParseOptions>,
}

impl RuleMeta {
    /// The documentation with the one leading space of each `///` line removed.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// GitHub's anchor for the rule's heading `## J001 invalid-json` in `docs/rules.md`.
    pub fn anchor(&self) -> String {
        format!("{}-{}", self.code.to_ascii_lowercase(), self.name)
    }

    /// The address of this rule's section of `docs/rules.md`, for SARIF `helpUri` and
    /// Markdown links: the fragment is GitHub's anchor for the heading `## J001 invalid-json`.
    pub fn help_uri(&self) -> String {
        format!("{}#{}", crate::DOCS_URL, self.anchor())
    }
}

/// Declares a rule: its doc comment becomes the rule's documentation.
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub static INVALID_JSON = {
///         code: "J001", name: "invalid-json", level: Error,
///         summary: "line is not valid JSON",
///     };
/// }
/// ```
///
/// A rule with options documents each one (`options: [RuleOption { .. }]`) and names the
/// serde struct that reads them (`config: Options`, a [`RuleOptions`]).
#[macro_export]
macro_rules! declare_rule {
    (@parse) => { None };
    (@parse $config:ty) => { Some($crate::rule::parse_options::<$config>) };
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            level: $level:ident,
            summary: $summary:literal
            $(, options: [$($opt:expr),* $(,)?])?
            $(, config: $config:ty)?
            $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        // The examples' info strings carry the docs' own options (`dataset.goal="format"`),
        // which rustdoc does not know.
        #[allow(rustdoc::invalid_codeblock_attributes)]
        $vis static $ident: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
            code: $code,
            name: $name,
            category: $crate::rule::Category::from_code($code),
            default_level: $crate::rule::Level::$level,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            options: &[$($($opt),*)?],
            parse_options: $crate::declare_rule!(@parse $($config)?),
        };
    };
}
