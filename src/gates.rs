//! Gates: the thresholds that decide the exit status, each reported as its own line.

use crate::config::{Gates, Threshold};
use crate::engine::FileSummary;
use crate::rule::Level;
use crate::rules::Code;

/// One gate's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct GateOutcome {
    /// Short name: `valid examples`, `duplicates`, `warnings`, `file-level errors`.
    pub name: &'static str,
    /// Where the threshold is set (`gates.min_valid_pct`), empty when it cannot be changed.
    pub key: &'static str,
    pub passed: bool,
    /// The measured value, as shown (`97.5%`, `3`).
    pub measured: String,
    /// The threshold, as shown (`at least 100%`, `at most 0`, `no limit`).
    pub threshold: String,
}

impl GateOutcome {
    /// The one line shown for this gate.
    pub fn line(&self) -> String {
        let verdict = if self.passed { "passed" } else { "failed" };
        let key = if self.key.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.key)
        };
        format!(
            "gate {verdict}: {} {}, {}{key}",
            self.name, self.measured, self.threshold
        )
    }
}

/// Valid examples as a percentage; 100 for no examples (nothing is wrong with nothing).
pub fn valid_pct(summary: &FileSummary) -> f64 {
    if summary.examples == 0 {
        100.0
    } else {
        summary.valid as f64 * 100.0 / summary.examples as f64
    }
}

/// Formats a percentage the way every output shows it: one decimal, never rounding a
/// failure up to a pass (99.96% shows as 99.9%, not 100.0%).
pub fn format_pct(pct: f64) -> String {
    let floored = (pct * 10.0).floor() / 10.0;
    format!("{floored:.1}%")
}

/// Evaluates every gate on the run's total.
pub fn evaluate(total: &FileSummary, unreadable: usize, gates: &Gates) -> Vec<GateOutcome> {
    let pct = valid_pct(total);
    let duplicates = total.duplicates();
    let (dup_limit, dup_shown) = match gates.max_duplicates {
        Threshold::Count(n) => (n as f64, format!("required at most {n}")),
        Threshold::Percent(p) => (
            p / 100.0 * total.examples as f64,
            format!("required at most {p}% of {} examples", total.examples),
        ),
    };
    let warnings = total.count(Level::Warning);
    let file_errors: u64 = [Code::J005, Code::J006, Code::J007]
        .iter()
        .map(|c| total.counts[c.index()][2])
        .sum::<u64>()
        + unreadable as u64;
    vec![
        // A run that read no example at all (an empty file, a path with a typo that still
        // names a file) fails: a green check must mean data was checked.
        if total.examples == 0 {
            GateOutcome {
                name: "valid examples",
                key: "gates.min_valid_pct",
                passed: false,
                measured: "none (the files hold no examples)".to_string(),
                threshold: format!(
                    "required at least one example, {}% of them valid",
                    gates.min_valid_pct
                ),
            }
        } else {
            GateOutcome {
                name: "valid examples",
                key: "gates.min_valid_pct",
                passed: pct >= gates.min_valid_pct,
                measured: format!(
                    "{} ({} of {})",
                    format_pct(pct),
                    total.valid,
                    total.examples
                ),
                threshold: format!("required at least {}%", gates.min_valid_pct),
            }
        },
        GateOutcome {
            name: "duplicates",
            key: "gates.max_duplicates",
            passed: duplicates as f64 <= dup_limit,
            measured: duplicates.to_string(),
            threshold: dup_shown,
        },
        GateOutcome {
            name: "warnings",
            key: "gates.max_warnings",
            passed: gates.max_warnings.is_none_or(|m| warnings <= m),
            measured: warnings.to_string(),
            threshold: gates
                .max_warnings
                .map_or("no limit".to_string(), |m| format!("required at most {m}")),
        },
        GateOutcome {
            name: "file-level errors",
            key: "",
            passed: file_errors == 0,
            measured: file_errors.to_string(),
            threshold: "required 0 (byte-order mark, LFS pointer, not JSONL, unreadable file)"
                .to_string(),
        },
    ]
}
