//! JSON Lines turned into the `.json` array a trainer's exporter writes (Python's
//! `json.dump(records, f, indent=N, ensure_ascii=False)`), keeping each value's text as it
//! was, and the comparison of the findings on both, record by record. Shared by
//! tests/containers.rs and tests/native_data.rs.

#![allow(dead_code)]

use tunelint::diagnostic::Diagnostic;

/// The records (non-blank lines) of `jsonl` as one pretty-printed array, indented by
/// `indent` spaces, with `eol` line ends; returns the text and each record's first line.
pub fn pretty_array(jsonl: &str, indent: usize, eol: &str) -> (String, Vec<u64>) {
    let mut out = String::from("[");
    let mut starts = Vec::new();
    let records: Vec<&str> = jsonl.lines().filter(|l| !l.trim().is_empty()).collect();
    for (i, record) in records.iter().enumerate() {
        out.push_str(eol);
        out.push_str(&" ".repeat(indent));
        starts.push(out.matches('\n').count() as u64 + 1);
        out.push_str(&pretty(record.trim(), indent, eol));
        if i + 1 < records.len() {
            out.push(',');
        }
    }
    out.push_str(eol);
    out.push(']');
    out.push_str(eol);
    (out, starts)
}

/// One value re-indented at depth 1: a line break after each `{`, `[` and `,` outside
/// strings and before each closer, the white space between tokens dropped.
fn pretty(value: &str, indent: usize, eol: &str) -> String {
    let mut out = String::new();
    let mut depth = 1usize;
    let (mut in_string, mut escape) = (false, false);
    let chars: Vec<char> = value.chars().collect();
    let newline = |out: &mut String, depth: usize| {
        out.push_str(eol);
        out.push_str(&" ".repeat(indent * depth));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if in_string {
            out.push(c);
            if escape {
                escape = false;
            } else if c == '\\' {
                escape = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let next = chars[i..].iter().find(|c| !c.is_whitespace());
                if matches!(next, Some('}' | ']')) {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                if !matches!(out.trim_end().chars().last(), Some('{' | '[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                } else {
                    let trimmed = out.trim_end().len();
                    out.truncate(trimmed);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Each finding as (record index, code, message), the record found by the finding's line
/// among the records' first lines, sorted: what must be the same on the JSONL and the array.
pub fn per_record(found: &[Diagnostic], starts: &[u64]) -> Vec<(usize, String, String)> {
    let mut all: Vec<(usize, String, String)> = found
        .iter()
        .map(|d| {
            let record = starts
                .iter()
                .rposition(|&s| s <= d.location.line)
                .unwrap_or(0);
            let message = lines_as_records(&as_a_line(&columns_dropped(&d.message)), starts);
            (record, d.code.as_str().to_string(), message)
        })
        .collect();
    all.sort();
    all
}

/// `message` without the place of the first value of a duplicate key (J010 says "at column
/// C" in a line, "at line L, column C" in an array): the finding's own location is compared.
fn columns_dropped(message: &str) -> String {
    if !message.starts_with("duplicate key ") {
        return message.to_string();
    }
    let Some(at) = message
        .find(" at line ")
        .or_else(|| message.find(" at column "))
    else {
        return message.to_string();
    };
    let end = message[at..].find(" is ").map_or(message.len(), |i| at + i);
    format!("{} at <place>{}", &message[..at], &message[end..])
}

/// `message` as a line of JSON Lines gets it: J002 calls a record of an array an element,
/// where it calls a line of JSON Lines a line.
fn as_a_line(message: &str) -> String {
    match message.strip_prefix("element of the array is ") {
        Some(rest) => format!(
            "line is {}",
            rest.replace("one example per element", "one example per line")
        ),
        None => message.to_string(),
    }
}

/// `message` with each "line N" it names (the earlier copy of a duplicate, say) written as
/// the record on that line, which is the same in the JSONL and the array.
fn lines_as_records(message: &str, starts: &[u64]) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 5..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<u64>() {
            Ok(line) => {
                let record = starts.iter().rposition(|&s| s <= line).unwrap_or(0);
                out.push_str(&format!("record {record}"));
            }
            Err(_) => out.push_str("line "),
        }
        rest = &after[digits..];
        // An array's record is named with its column too ("line 3, column 3"): the record
        // is what is compared.
        if let Some(col) = rest.strip_prefix(", column ") {
            let digits = col.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                rest = &col[digits..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text a finding's span covers in `text` (the file), from its line offset.
pub fn span_text<'a>(text: &'a str, d: &Diagnostic) -> Option<&'a str> {
    let span = d.location.span?;
    let from = d.location.line_offset as usize;
    let line = text.get(from..)?.split('\n').next()?;
    line.get(span.start as usize..span.end as usize)
}

/// Whether a finding `d` of the array, whose span shows `shown`, has its counterpart among
/// the JSONL's findings `plain`: one of the same rule whose span starts with the same text.
/// A finding about a whole record (a duplicate) has no span on a line of its own; in an array
/// it points at the record's `{`.
pub fn covered_by(plain: &[Diagnostic], jsonl: &str, d: &Diagnostic, shown: &str) -> bool {
    plain.iter().any(|p| {
        p.code == d.code
            && match span_text(jsonl, p) {
                Some(t) => t.starts_with(shown),
                None => shown == "{" && p.location.column == 1,
            }
    })
}
