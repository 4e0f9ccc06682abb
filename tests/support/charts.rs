//! The charts of a json report (`stats --format json`, `check`'s summary), read as a user
//! of the json would. Shared by tests/stats.rs and tests/hf_tokens.rs.

#![allow(dead_code)]

use serde_json::Value;

/// A chart's bars as (label, value).
pub fn bars(chart: &Value) -> Vec<(String, f64)> {
    chart["bars"]
        .as_array()
        .expect("bars")
        .iter()
        .map(|b| {
            (
                b["label"].as_str().expect("label").to_string(),
                b["value"].as_f64().expect("value"),
            )
        })
        .collect()
}
