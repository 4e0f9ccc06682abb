//! A bar chart as every report format draws it: `stats` and the summary compute charts once
//! (composition against its target, token and length histograms, turns per example, ...), and
//! each format draws the same list: text bars in `full`, Mermaid in `markdown`, SVG in `html`,
//! data in `json` (`summary.charts`).

use serde::{Deserialize, Serialize};

/// One chart: a titled list of labelled bars in one unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// A stable identifier (`composition`, `tokens-per-example`, ...), for tests and anchors.
    pub id: String,
    pub title: String,
    /// What a bar's value counts: `examples`, `%`, `tokens`, ...
    pub unit: String,
    pub bars: Vec<Bar>,
}

/// One bar of a chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Where the bar should be (composition's 60/20/10/10), when the chart has a target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
}

/// A table of the dataset (system-prompt variants, the largest duplicate clusters, findings by
/// rule, ...), drawn by every format that draws: text in `full`, Markdown in `markdown`, HTML
/// in `html`, data in `json` (`summary.tables`). Cells are already worded for reading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// A stable identifier (`system-prompts`, `duplicate-clusters`, ...).
    pub id: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}
