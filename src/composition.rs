//! The lesson's composition of a fine-tuning dataset: the four kinds of example and their
//! target shares (`[composition]`), and the size guidelines by goal (`[dataset] goal`).
//!
//! Only the vocabulary and the settings live here, at the bottom, so that the config can
//! resolve them and the B rules read them; how an example is sorted into a category is the
//! classifier's business (`crate::rules::balance::classify`).

/// What an example teaches, in the lesson's four kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// The happy path: the behaviour wanted most often.
    Common,
    /// Unusual but valid requests, handled.
    Edge,
    /// Asking the user for what is missing instead of guessing.
    Clarification,
    /// Declining an out-of-scope or harmful request.
    Refusal,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Common,
        Category::Edge,
        Category::Clarification,
        Category::Refusal,
    ];

    pub const NAMES: &'static [&'static str] = &["common", "edge", "clarification", "refusal"];

    pub fn as_str(self) -> &'static str {
        Category::NAMES[self as usize]
    }

    /// A label as a dataset writes it: one of [`Category::NAMES`] in any case, or a usual
    /// variant (`edge-case`, `edge_case`, `clarify`, `clarifying`, `refuse`).
    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim().to_ascii_lowercase();
        Some(match s.as_str() {
            "common" => Category::Common,
            "edge" | "edge-case" | "edge_case" | "edge case" => Category::Edge,
            "clarification" | "clarify" | "clarifying" => Category::Clarification,
            "refusal" | "refuse" => Category::Refusal,
            _ => return None,
        })
    }
}

/// `[dataset] goal`: what the fine-tuning is for, which decides how many examples it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    Format,
    Style,
    Domain,
    Complex,
}

impl Goal {
    pub const NAMES: &'static [&'static str] = &["format", "style", "domain", "complex"];

    pub fn parse(s: &str) -> Option<Goal> {
        Some(match s {
            "format" => Goal::Format,
            "style" => Goal::Style,
            "domain" => Goal::Domain,
            "complex" => Goal::Complex,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        Goal::NAMES[self as usize]
    }

    /// What the lesson calls the goal ("How Much Data?").
    pub fn description(self) -> &'static str {
        match self {
            Goal::Format => "format adherence",
            Goal::Style => "style or tone transfer",
            Goal::Domain => "domain vocabulary",
            Goal::Complex => "complex behaviour",
        }
    }

    /// The lesson's minimum number of examples.
    pub fn minimum(self) -> u64 {
        match self {
            Goal::Format => 50,
            Goal::Style => 100,
            Goal::Domain => 300,
            Goal::Complex => 500,
        }
    }

    /// The top of the lesson's recommended range.
    pub fn recommended(self) -> u64 {
        match self {
            Goal::Format => 200,
            Goal::Style => 500,
            Goal::Domain => 1000,
            Goal::Complex => 5000,
        }
    }
}

/// `[composition]`: the target shares of the categories and when they are judged.
#[derive(Clone, Debug, PartialEq)]
pub struct CompositionConfig {
    /// Target share of each category in percent, indexed by `Category as usize`.
    pub targets: [f64; 4],
    /// How far a share may be from its target, in percentage points.
    pub tolerance: f64,
    /// Fewest examples before B002-B004 judge a file.
    pub min_examples: u64,
    /// A top-level key whose string value is the example's category; exempt from S008.
    pub label_key: Option<String>,
}

impl CompositionConfig {
    pub const DEFAULT_TARGETS: [f64; 4] = [60.0, 20.0, 10.0, 10.0];
    pub const DEFAULT_TOLERANCE: f64 = 10.0;
    pub const DEFAULT_MIN_EXAMPLES: u64 = 100;

    pub fn target(&self, category: Category) -> f64 {
        self.targets[category as usize]
    }
}

impl Default for CompositionConfig {
    fn default() -> Self {
        CompositionConfig {
            targets: Self::DEFAULT_TARGETS,
            tolerance: Self::DEFAULT_TOLERANCE,
            min_examples: Self::DEFAULT_MIN_EXAMPLES,
            label_key: None,
        }
    }
}
