//! What a run learned about each file: examples, valid examples, findings per rule and
//! level, token figures. The engine fills it; gates and every renderer read it.

use crate::registry::Code;
use crate::rule::Level;
use crate::settings::FormatChoice;

/// What the run learned about one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSummary {
    pub examples: u64,
    pub valid: u64,
    pub bytes: u64,
    /// Format the file was read as.
    pub format: Option<FormatChoice>,
    /// Diagnostics per rule, split by level: `[info, warning, error]`, indexed by `Code`.
    pub counts: Vec<[u64; 3]>,
    /// The file could not be read (the reason), so its figures are incomplete.
    pub io_error: Option<String>,
    /// Token statistics, when they were asked for (`--token-stats`, `stats`).
    pub tokens: Option<crate::tokens::TokenStats>,
    /// Errors that keep the trainer from loading any of the file, though no example's
    /// validity counts them: in the structure of a file of records that is one JSON array (a
    /// missing `,`, a trailing one, no closing `]`: J001s of no record), and a column its
    /// `dataset_info.json` entry declares that no record has (S001 about the file:
    /// LLaMA-Factory stops with KeyError). See `is_structure_error`.
    pub structure_errors: u64,
}

impl Default for FileSummary {
    fn default() -> Self {
        FileSummary {
            examples: 0,
            valid: 0,
            bytes: 0,
            format: None,
            counts: vec![[0; 3]; Code::ALL.len()],
            io_error: None,
            tokens: None,
            structure_errors: 0,
        }
    }
}

impl FileSummary {
    pub fn count(&self, level: Level) -> u64 {
        let i = level_slot(level);
        i.map_or(0, |i| self.counts.iter().map(|c| c[i]).sum())
    }

    /// Findings of the duplicate rules (D001–D003), what the duplicates gate counts. The
    /// other D rules are not duplicates within the data: a benchmark's item (D004) and a
    /// shared template (D005) count as warnings and infos.
    pub fn duplicates(&self) -> u64 {
        [Code::D001, Code::D002, Code::D003]
            .iter()
            .map(|&c| self.count_code(c))
            .sum()
    }

    /// The rules that found something, with their (info, warning, error) counts, the most
    /// findings first, ties by code: what every report's "findings by rule" lists.
    pub fn by_rule(&self) -> Vec<(Code, [u64; 3])> {
        let mut by_rule: Vec<(Code, [u64; 3])> = Code::ALL
            .iter()
            .map(|&c| (c, self.counts[c.index()]))
            .filter(|(_, n)| n.iter().sum::<u64>() > 0)
            .collect();
        by_rule.sort_by_key(|(c, n)| (std::cmp::Reverse(n.iter().sum::<u64>()), *c));
        by_rule
    }

    pub fn count_code(&self, code: Code) -> u64 {
        self.counts[code.index()].iter().sum()
    }

    /// Counts one diagnostic of `code` at `level`.
    pub fn tally(&mut self, code: Code, level: Level) {
        if let Some(slot) = level_slot(level) {
            self.counts[code.index()][slot] += 1;
        }
    }

    /// Counts one diagnostic: [`FileSummary::tally`], and an invalid JSON finding on no
    /// record (fingerprint 0: a JSON array's punctuation) as a structure error.
    pub fn tally_diagnostic(&mut self, d: &crate::diagnostic::Diagnostic) {
        self.tally(d.code, d.level);
        if is_structure_error(d) {
            self.structure_errors += 1;
        }
    }

    pub fn add(&mut self, other: &FileSummary) {
        self.examples += other.examples;
        self.valid += other.valid;
        self.bytes += other.bytes;
        self.structure_errors += other.structure_errors;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            for k in 0..3 {
                a[k] += b[k];
            }
        }
        if let Some(t) = &other.tokens {
            self.tokens.get_or_insert_with(Default::default).add_file(t);
        }
    }
}

fn level_slot(level: Level) -> Option<usize> {
    match level {
        Level::Off => None,
        Level::Info => Some(0),
        Level::Warning => Some(1),
        Level::Error => Some(2),
    }
}

/// An error that keeps the trainer from loading the file and makes no example invalid: an
/// invalid JSON finding on no record (fingerprint 0: a JSON array's punctuation), or a
/// missing-column finding about the whole file (a declared column no record has).
pub fn is_structure_error(d: &crate::diagnostic::Diagnostic) -> bool {
    d.level == Level::Error
        && ((d.code == Code::J001 && d.fingerprint == 0) || (d.code == Code::S001 && d.about_file))
}
