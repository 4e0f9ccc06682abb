//! Gates: the thresholds that decide the exit status, each reported as its own line.

use crate::config::{Gates, Threshold};
use crate::registry::Code;
use crate::rule::Level;
use crate::summary::FileSummary;

/// The gates, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    MinValidPct,
    MaxDuplicates,
    MaxWarnings,
    FileLevelErrors,
}

impl Gate {
    pub const ALL: &'static [Gate] = &[
        Gate::MinValidPct,
        Gate::MaxDuplicates,
        Gate::MaxWarnings,
        Gate::FileLevelErrors,
    ];

    /// How the gate lines name it: `valid examples`.
    pub fn name(self) -> &'static str {
        match self {
            Gate::MinValidPct => "valid examples",
            Gate::MaxDuplicates => "duplicates",
            Gate::MaxWarnings => "warnings",
            Gate::FileLevelErrors => "file-level errors",
        }
    }

    /// Where the threshold is set (`gates.min_valid_pct`), empty when it cannot be changed.
    pub fn key(self) -> &'static str {
        match self {
            Gate::MinValidPct => "gates.min_valid_pct",
            Gate::MaxDuplicates => "gates.max_duplicates",
            Gate::MaxWarnings => "gates.max_warnings",
            Gate::FileLevelErrors => "",
        }
    }

    /// The kebab-case name of the gate as a SARIF rule: `min-valid-pct`.
    pub fn rule_name(self) -> &'static str {
        match self {
            Gate::MinValidPct => "min-valid-pct",
            Gate::MaxDuplicates => "max-duplicates",
            Gate::MaxWarnings => "max-warnings",
            Gate::FileLevelErrors => "file-level-errors",
        }
    }

    /// What a failure of the gate means, in one line.
    pub fn summary(self) -> &'static str {
        match self {
            Gate::MinValidPct => "too few examples are valid",
            Gate::MaxDuplicates => "too many duplicate examples",
            Gate::MaxWarnings => "too many warnings",
            Gate::FileLevelErrors => {
                "a file could not be linted as JSONL, or its target rejects it"
            }
        }
    }

    /// What the gate measures and where its threshold is set.
    pub fn description(self) -> &'static str {
        match self {
            Gate::MinValidPct => {
                "The share of examples without an error-level finding is below the threshold set by `gates.min_valid_pct` or `--min-valid-pct` (default 100%)."
            }
            Gate::MaxDuplicates => {
                "The number of duplicate findings (D001, D002, D003) is above the threshold set by `gates.max_duplicates` or `--max-duplicates` (default 0)."
            }
            Gate::MaxWarnings => {
                "The number of warnings is above the threshold set by `gates.max_warnings` or `--max-warnings` (default: no limit)."
            }
            Gate::FileLevelErrors => {
                "A file starts with a byte-order mark, is a Git LFS pointer, is not JSON Lines, or could not be read, or it holds fewer or more examples than its target accepts in a training file (B001 as an error), or no record of it has a column its LLaMA-Factory `dataset_info.json` entry declares (S001 about the file: LLaMA-Factory stops with KeyError). Such a file always fails the run."
            }
        }
    }
}

/// One gate's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct GateOutcome {
    pub gate: Gate,
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
        let key = match self.gate.key() {
            "" => String::new(),
            key => format!(" ({key})"),
        };
        format!(
            "gate {verdict}: {} {}, {}{key}",
            self.gate.name(),
            self.measured,
            self.threshold
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

use crate::wording::thousands;

/// A share as a gate line shows it beside its `threshold`: floored, as every share tunelint
/// shows, to one decimal or to as many as the threshold is written with, so that a line never
/// reads "78.5% ..., required at least 78.55%" for a gate that passed (11 of 14 is 78.57%).
fn pct_against(pct: f64, threshold: f64) -> String {
    let written = threshold.to_string();
    let decimals = written
        .split_once('.')
        .map_or(0, |(_, d)| d.len())
        .clamp(1, 6);
    let scale = 10f64.powi(decimals as i32);
    let floored = (pct * scale).floor() / scale;
    format!("{floored:.decimals$}%")
}

/// The rules whose errors are the file-level gate's (besides a `.json` array's broken
/// punctuation and a declared column no record has, [`FileSummary::structure_errors`]): the
/// file cannot be read or uploaded as it is. B001 is an error where the file's target rejects a file of its size (OpenAI: fewer
/// than 10 examples): the upload would fail as surely as for a byte-order mark.
const FILE_LEVEL: [Code; 4] = [Code::J005, Code::J006, Code::J007, Code::B001];

/// Whether `d` counts in the file-level gate, which always fails (PRODUCT §5): a baseline
/// does not accept it, and `--diff-base` does not call it old while the file is broken.
pub fn is_file_level_error(d: &crate::diagnostic::Diagnostic) -> bool {
    d.level == Level::Error
        && (FILE_LEVEL.contains(&d.code) || crate::summary::is_structure_error(d))
}

/// Evaluates every gate on the run's total. `unchanged_since`: with `--diff-base REV`
/// (gates judging the changed records), REV when the run read examples but none of them
/// changed since it: there is nothing new to judge, which passes (a pull request that
/// changes code, docs, or only renames a dataset file is not a failed data check), where a
/// run that read no example at all fails.
pub fn evaluate(
    total: &FileSummary,
    unreadable: usize,
    gates: &Gates,
    unchanged_since: Option<&str>,
) -> Vec<GateOutcome> {
    let pct = valid_pct(total);
    let duplicates = total.duplicates();
    let (dup_limit, dup_shown) = match gates.max_duplicates {
        Threshold::Count(n) => (n as f64, format!("required at most {}", thousands(n))),
        // p × examples / 100, multiplied first: 29% of 100 is 29, where 0.29 × 100 is
        // 28.999999999999996 and failed a run with 29 duplicates.
        Threshold::Percent(p) => (
            p * total.examples as f64 / 100.0,
            format!(
                "required at most {p}% of {}",
                crate::wording::plural(total.examples, "example")
            ),
        ),
    };
    let warnings = total.count(Level::Warning);
    let file_errors: u64 = FILE_LEVEL
        .iter()
        .map(|c| total.counts[c.index()][2])
        .sum::<u64>()
        + total.structure_errors
        + unreadable as u64;
    vec![
        // A run that read no example at all (an empty file, a path with a typo that still
        // names a file) fails: a green check must mean data was checked.
        if let (0, Some(rev)) = (total.examples, unchanged_since) {
            GateOutcome {
                gate: Gate::MinValidPct,
                passed: true,
                measured: format!("none (no example added or changed since {rev})"),
                threshold: format!(
                    "required at least {}% of the changed examples valid",
                    gates.min_valid_pct
                ),
            }
        } else if total.examples == 0 {
            GateOutcome {
                gate: Gate::MinValidPct,
                passed: false,
                measured: "none (the files hold no examples)".to_string(),
                threshold: format!(
                    "required at least one example, {}% of them valid",
                    gates.min_valid_pct
                ),
            }
        } else {
            GateOutcome {
                gate: Gate::MinValidPct,
                passed: pct >= gates.min_valid_pct,
                measured: format!(
                    "{} ({} of {})",
                    pct_against(pct, gates.min_valid_pct),
                    thousands(total.valid),
                    thousands(total.examples)
                ),
                threshold: format!("required at least {}%", gates.min_valid_pct),
            }
        },
        GateOutcome {
            gate: Gate::MaxDuplicates,
            passed: duplicates as f64 <= dup_limit,
            measured: thousands(duplicates),
            threshold: dup_shown,
        },
        GateOutcome {
            gate: Gate::MaxWarnings,
            passed: gates.max_warnings.is_none_or(|m| warnings <= m),
            measured: thousands(warnings),
            threshold: gates.max_warnings.map_or("no limit".to_string(), |m| {
                format!("required at most {}", thousands(m))
            }),
        },
        GateOutcome {
            gate: Gate::FileLevelErrors,
            passed: file_errors == 0,
            measured: thousands(file_errors),
            threshold: "required 0 (byte-order mark, LFS pointer, not JSONL, unreadable file, declared column in no record, too many or too few examples for the target)"
                .to_string(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::pct_against;

    #[test]
    fn a_share_is_shown_with_the_decimals_of_its_threshold() {
        let eleven_of_fourteen = 11.0 * 100.0 / 14.0;
        assert_eq!(pct_against(eleven_of_fourteen, 78.55), "78.57%");
        assert_eq!(pct_against(eleven_of_fourteen, 95.0), "78.5%");
        assert_eq!(pct_against(eleven_of_fourteen, 78.5), "78.5%");
        // Floored: 99.96 is not 100.0, against 99.95 it is 99.96.
        assert_eq!(pct_against(99.96, 100.0), "99.9%");
        assert_eq!(pct_against(99.96, 99.95), "99.96%");
    }
}
