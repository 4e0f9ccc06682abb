//! The charts and tables of a run (`stats`) as plain text, for `full`: a bar of block
//! characters per value, scaled to the chart's largest value (or target), and tables with
//! their numbers right-aligned.

use std::io::{self, Write};

use super::chart::{Chart, Table};
use crate::wording::thousands;

/// Characters of the longest bar.
const BAR_WIDTH: usize = 32;

/// A value in its chart's unit: `55.0%`, `1,234`.
pub(crate) fn value_text(value: f64, unit: &str) -> String {
    if unit == "%" {
        crate::wording::format_pct(value)
    } else {
        thousands(value.max(0.0).round() as u64)
    }
}

/// Draws one chart: its title (which says what is counted), then a line per bar, with the
/// target beside a bar that has one.
pub(crate) fn write_chart(out: &mut dyn Write, chart: &Chart) -> io::Result<()> {
    writeln!(out, "{}", chart.title)?;
    let max = chart
        .bars
        .iter()
        .flat_map(|b| [b.value, b.target.unwrap_or(0.0)])
        .fold(0.0f64, f64::max);
    let label_w = chart
        .bars
        .iter()
        .map(|b| crate::wording::display_width(&b.label))
        .max()
        .unwrap_or(0);
    let values: Vec<String> = chart
        .bars
        .iter()
        .map(|b| value_text(b.value, &chart.unit))
        .collect();
    let value_w = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
    for (bar, value) in chart.bars.iter().zip(&values) {
        let cells = |v: f64| -> usize {
            if max <= 0.0 || v <= 0.0 {
                0
            } else {
                // Anything above zero shows, if only as one cell.
                ((v / max * BAR_WIDTH as f64).round() as usize).clamp(1, BAR_WIDTH)
            }
        };
        let filled = cells(bar.value);
        let mut drawn: Vec<char> = std::iter::repeat_n('█', filled)
            .chain(std::iter::repeat_n(' ', BAR_WIDTH - filled))
            .collect();
        let mut target = String::new();
        if let Some(t) = bar.target {
            // The target as a mark on the bar's scale, and in figures.
            let at = cells(t).saturating_sub(1);
            if at < drawn.len() {
                drawn[at] = if at < filled { '┃' } else { '│' };
            }
            target = format!(
                "  target {}, {:+.1}",
                value_text(t, &chart.unit),
                bar.value - t
            );
        }
        let drawn: String = drawn.into_iter().collect();
        writeln!(
            out,
            "  {}  {}  {:>value_w$}{target}",
            crate::wording::pad_end(&bar.label, label_w),
            drawn,
            value,
        )?;
    }
    Ok(())
}

/// Whether a cell is a figure (right-aligned): digits with separators, a share, a dash.
fn is_figure(cell: &str) -> bool {
    !cell.is_empty()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '%' | '-'))
}

/// Draws one table: its title, a header, and its rows, each column as wide as its widest
/// cell.
pub(crate) fn write_table(out: &mut dyn Write, table: &Table) -> io::Result<()> {
    writeln!(out, "{}", table.title)?;
    let n = table.columns.len();
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            std::iter::once(&table.columns[i])
                .chain(table.rows.iter().filter_map(|r| r.get(i)))
                .map(|c| crate::wording::display_width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let right: Vec<bool> = (0..n)
        .map(|i| {
            table
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .filter(|c| !c.is_empty())
                .all(|c| is_figure(c))
        })
        .collect();
    for row in std::iter::once(&table.columns).chain(&table.rows) {
        let mut line = String::from(" ");
        for i in 0..n {
            let cell = row.get(i).map_or("", String::as_str);
            let pad = widths[i].saturating_sub(crate::wording::display_width(cell));
            line.push(' ');
            if right[i] {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            line.push(' ');
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Every chart, then every table but those the summary already shows (`skip`), each after
/// a blank line.
pub(crate) fn write_all(
    out: &mut dyn Write,
    charts: &[Chart],
    tables: &[Table],
    skip: &[&str],
) -> io::Result<()> {
    for chart in charts {
        writeln!(out)?;
        write_chart(out, chart)?;
    }
    for table in tables.iter().filter(|t| !skip.contains(&t.id.as_str())) {
        writeln!(out)?;
        write_table(out, table)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::Bar;

    #[test]
    fn bars_scale_to_the_largest_value_or_target() {
        let chart = Chart {
            id: "composition".into(),
            title: "Composition".into(),
            unit: "%".into(),
            bars: vec![
                Bar {
                    label: "common".into(),
                    value: 80.0,
                    target: Some(60.0),
                },
                Bar {
                    label: "refusal".into(),
                    value: 0.0,
                    target: Some(10.0),
                },
            ],
        };
        let mut out = Vec::new();
        write_chart(&mut out, &chart).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Composition");
        assert_eq!(lines[1].matches(['█', '┃']).count(), BAR_WIDTH);
        assert!(lines[1].ends_with("80.0%  target 60.0%, +20.0"), "{text}");
        assert!(lines[2].contains('│') && !lines[2].contains('█'), "{text}");
    }

    /// A cell in Chinese takes two terminal cells a character: the columns after it line up
    /// with the header's, by display width, not by characters.
    #[test]
    fn tables_and_bars_align_by_display_width() {
        let table = Table {
            id: "system-prompts".into(),
            title: "System-prompt variants".into(),
            columns: vec!["system prompt".into(), "examples".into()],
            rows: vec![
                vec!["\"You are a helpful assistant.\"".into(), "2".into()],
                vec!["\"你是一个乐于助人的助手。\"".into(), "2".into()],
            ],
        };
        let mut out = Vec::new();
        write_table(&mut out, &table).unwrap();
        let text = String::from_utf8(out).unwrap();
        let widths: Vec<usize> = text
            .lines()
            .skip(1)
            .map(crate::wording::display_width)
            .collect();
        assert_eq!(widths, [widths[0]; 3], "{text}");
        let chart = Chart {
            id: "scripts".into(),
            title: "Scripts".into(),
            unit: String::new(),
            bars: vec![
                Bar {
                    label: "中文".into(),
                    value: 1.0,
                    target: None,
                },
                Bar {
                    label: "Latin".into(),
                    value: 1.0,
                    target: None,
                },
            ],
        };
        let mut out = Vec::new();
        write_chart(&mut out, &chart).unwrap();
        let text = String::from_utf8(out).unwrap();
        let bars: Vec<usize> = text
            .lines()
            .skip(1)
            .map(|l| crate::wording::display_width(&l[..l.find('█').expect("a bar")]))
            .collect();
        assert_eq!(bars[0], bars[1], "{text}");
    }
}
