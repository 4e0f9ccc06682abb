//! The gates of `[gates]` and the command line: the thresholds that decide the exit status.

use std::fmt;
use std::str::FromStr;

/// A duplicate limit: an absolute count, or a percentage of the examples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    Count(u64),
    Percent(f64),
}

impl Threshold {
    /// Whether `count` of `total` goes over this limit.
    pub fn is_exceeded(self, count: u64, total: u64) -> bool {
        match self {
            Threshold::Count(max) => count > max,
            Threshold::Percent(_) if total == 0 => false,
            Threshold::Percent(max) => count as f64 * 100.0 / total as f64 > max,
        }
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold::Count(0)
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Count(n) => write!(f, "{n}"),
            Threshold::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl FromStr for Threshold {
    type Err = String;

    /// `"3"` is a count, `"1.5%"` a percentage from 0 to 100.
    fn from_str(s: &str) -> Result<Threshold, String> {
        parse_threshold(s.trim()).ok_or_else(|| {
            format!("invalid threshold {s:?}; expected a count like 3 or a percentage like 1.5%")
        })
    }
}

fn parse_threshold(s: &str) -> Option<Threshold> {
    match s.strip_suffix('%') {
        Some(_) => parse_percent(s)
            .filter(|p| (0.0..=100.0).contains(p))
            .map(Threshold::Percent),
        None => s.parse().ok().map(Threshold::Count),
    }
}

/// `99`, `99.5` or `99%`: a finite number, its `%` sign optional (the range is the caller's).
pub fn parse_percent(s: &str) -> Option<f64> {
    let s = s.trim();
    let number = s.strip_suffix('%').unwrap_or(s).trim_end();
    number.parse::<f64>().ok().filter(|p| p.is_finite())
}

/// The thresholds that decide the exit status (PRODUCT.md §5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gates {
    /// Least share of valid examples, in percent.
    pub min_valid_pct: f64,
    /// Most duplicates (D001 + D002 + D003).
    pub max_duplicates: Threshold,
    /// Most warnings; `None` is unlimited.
    pub max_warnings: Option<u64>,
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            min_valid_pct: 100.0,
            max_duplicates: Threshold::Count(0),
            max_warnings: None,
        }
    }
}
