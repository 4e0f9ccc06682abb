//! S001's dataset part: a column a LLaMA-Factory `dataset_info.json` entry declares and no
//! record of its dataset has. `datasets` makes a column of every key some record has (null
//! where a record lacks it), so a key no record has is no column at all, and LLaMA-Factory's
//! converter, which reads its declared columns from every example, stops the run with
//! KeyError on it. The format reports a record without a prompt, response or messages
//! column; this check reports, once per dataset, a column that is in none of its records.

use std::sync::Arc;

use crate::dataset::{DatasetContext, FactKind, Facts, RecordView, Role};
use crate::declared::Declared;
use crate::diagnostic::FileId;
use crate::json::Kind;
use crate::rule::Level;
use crate::rules::{Code, RunsOn};
use crate::settings::Settings;
use crate::wording::{plural, quote};

/// Checked by the LLaMA-Factory format on each record, and on the dataset for the files a
/// `dataset_info.json` entry names.
pub const RUNS_ON: RunsOn = RunsOn::FormatAndDataset {
    when: declared,
    check,
    facts: &[&KEYS],
};

fn declared(settings: &Settings) -> bool {
    settings.declared.is_some()
}

static KEYS: FactKind = FactKind {
    name: "declared columns present",
    new: |settings| {
        let keys: Vec<String> = settings
            .declared
            .as_deref()
            .map(|d| d.columns.declared().map(|(_, k)| k.to_owned()).collect())
            .unwrap_or_default();
        Box::new(Present {
            seen: vec![false; keys.len()],
            keys,
            ..Present::default()
        })
    },
};

/// Of each file: which of its entry's declared keys some record has, and whether some record
/// is one the ShareGPT converter reads the `system` column from.
#[derive(Default)]
pub struct Present {
    /// The record keys the entry declares, in [`crate::declared::Columns::declared`] order.
    keys: Vec<String>,
    /// Per key: some record has it.
    seen: Vec<bool>,
    /// Some record does not open with a system turn (the ShareGPT converter then reads its
    /// `system` column).
    reads_system: bool,
    records: usize,
}

impl Present {
    fn has(&self, key: &str) -> bool {
        self.keys
            .iter()
            .zip(&self.seen)
            .any(|(k, &seen)| seen && k == key)
    }
}

impl Facts for Present {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        self.records += 1;
        let doc = record.doc;
        let root = doc.root();
        if doc.kind(root) != Kind::Object {
            return;
        }
        for (key, seen) in self.keys.iter().zip(&mut self.seen) {
            *seen = *seen || doc.get(root, key).is_some();
        }
        if self.reads_system {
            return;
        }
        let Some(d) = record.settings.declared.as_deref() else {
            return;
        };
        let (Some((_, system_tag)), Some(messages)) = (
            d.system_unless_opened(),
            d.columns.messages.as_deref().and_then(|m| doc.get(root, m)),
        ) else {
            return;
        };
        if doc.kind(messages) != Kind::Array {
            return;
        }
        // `messages[0][role_tag] == system_tag`, as the converter asks.
        let role_tag = d.tags.role.as_deref().unwrap_or("from");
        let opens_with_system = system_tag.is_some_and(|tag| {
            doc.elements(messages).next().is_some_and(|first| {
                doc.kind(first) == Kind::Object
                    && doc
                        .get(first, role_tag)
                        .and_then(|r| doc.str(r))
                        .is_some_and(|r| r == tag)
            })
        });
        self.reads_system = !opens_with_system;
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: Present = crate::dataset::downcast(next);
        for (mine, theirs) in self.seen.iter_mut().zip(next.seen) {
            *mine |= theirs;
        }
        self.reads_system |= next.reads_system;
        self.records += next.records;
    }
}

fn check(ctx: &mut DatasetContext<'_>) {
    // The files of each entry, by the entry they share, in file order.
    let mut entries: Vec<(Arc<Declared>, Vec<FileId>)> = Vec::new();
    for (f, file) in ctx.files.iter().enumerate() {
        let Some(d) = &file.settings.declared else {
            continue;
        };
        match entries.iter_mut().find(|(e, _)| Arc::ptr_eq(e, d)) {
            Some((_, files)) => files.push(f as FileId),
            None => entries.push((Arc::clone(d), vec![f as FileId])),
        }
    }
    for (d, files) in entries {
        check_entry(ctx, &d, &files);
    }
}

fn check_entry(ctx: &mut DatasetContext<'_>, d: &Declared, files: &[FileId]) {
    // Only what the whole dataset holds tells: every file of the entry must be in the run
    // (not one staged file of a folder) and checked here (S001 on for each).
    if files.len() != d.files {
        return;
    }
    let Some(present): Option<Vec<&Present>> = files
        .iter()
        .map(|&f| ctx.facts[f as usize].get::<Present>())
        .collect()
    else {
        return;
    };
    if present.iter().map(|p| p.records).sum::<usize>() == 0 {
        return;
    }
    let has = |key: &str| present.iter().any(|p| p.has(key));
    let mut absent: Vec<(&'static str, &str, &str)> = d
        .read_from_every_example()
        .into_iter()
        .filter(|&(_, key)| !has(key))
        .map(|(column, key)| (column, key, "from every example"))
        .collect();
    if let Some((key, _)) = d.system_unless_opened()
        && !has(key)
        && present.iter().any(|p| p.reads_system)
    {
        absent.push((
            "system",
            key,
            "from every example that opens without a system turn",
        ));
    }
    // One finding per key, naming the first column declared under it.
    let mut reported: Vec<&str> = Vec::new();
    absent.retain(|&(_, key, _)| {
        let new = !reported.contains(&key);
        reported.push(key);
        new
    });
    if absent.is_empty() {
        return;
    }
    // On the first record of the first file judged (a file read as context reports nothing).
    let Some(&file) = files.iter().find(|&&f| {
        ctx.files[f as usize].role == Role::Judged && !ctx.facts[f as usize].items.is_empty()
    }) else {
        return;
    };
    let whose = if files.len() == 1 {
        "no record".to_owned()
    } else {
        format!("no record of its {}", plural(files.len() as u64, "file"))
    };
    for (column, key, when) in absent {
        let declares = if column == key {
            format!("the {} column", quote(column))
        } else {
            format!("{} as its {} column", quote(key), quote(column))
        };
        let (column, key) = (quote(column), quote(key));
        let message = format!(
            "{} declares {declares}, but {whose} has the key {key}: LLaMA-Factory reads it {when} \
             and stops the run with KeyError; add {key} to the records or remove {column} from \
             the entry's \"columns\"",
            d.described()
        );
        let at = ctx.facts[file as usize].items[0].location(file);
        ctx.report_file_at(Code::S001, at, Level::Error, message);
    }
}
