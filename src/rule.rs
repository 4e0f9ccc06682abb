//! Rule metadata: the one place a rule's code, name, level and documentation live.
//!
//! Every rule is declared with [`declare_rule!`], which captures its `///` doc comment, so
//! `tunelint rules`, `tunelint explain`, `docs/rules.md` and SARIF rule metadata all read the
//! same text. The ordered table of all rules is [`crate::rules::RULES`].

use serde::Serialize;

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

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "off" => Some(Level::Off),
            "info" => Some(Level::Info),
            "warning" | "warn" => Some(Level::Warning),
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

    /// The address of this rule's section of `docs/rules.md`, for SARIF `helpUri` and
    /// Markdown links: the fragment is GitHub's anchor for the heading `## J001 invalid-json`.
    pub fn help_uri(&self) -> String {
        format!("{}#{}", crate::DOCS_URL, crate::docs::anchor(self))
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
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            level: $level:ident,
            summary: $summary:literal
            $(, options: [$($opt:expr),* $(,)?])?
            $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
            code: $code,
            name: $name,
            category: $crate::rule::Category::from_code($code),
            default_level: $crate::rule::Level::$level,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            options: &[$($($opt),*)?],
        };
    };
}
