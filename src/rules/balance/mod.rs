//! B rules: balance and size, the lesson's "Dataset Composition" and "How Much Data?".
//!
//! B002-B004 share one fact per record, its category ([`Categories`]).

pub mod classify;
pub mod composition_off_target;
pub mod missing_clarifications;
pub mod missing_refusals;
pub mod style;
pub mod tone_outlier;
pub mod too_few_examples;

use crate::composition::Category;
use crate::dataset::{DatasetContext, FactKind, Facts, FileFacts, RecordView};
use crate::diagnostic::FileId;

/// Of each record of a file: its category, or `None` when it has none; and how many of
/// those without one have an answer in a script the classifier cannot read.
#[derive(Default)]
pub struct Categories {
    pub of: Vec<Option<Category>>,
    pub other_script: u64,
}

pub(crate) static CATEGORIES: FactKind = FactKind {
    name: "categories",
    new: |_| Box::<Categories>::default(),
};

impl Facts for Categories {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        let reading = classify::read_record(record);
        self.other_script += u64::from(reading == classify::Reading::OtherScript);
        self.of.push(reading.category());
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: Categories = crate::dataset::downcast(next);
        self.of.extend(next.of);
        self.other_script += next.other_script;
    }
}

/// A file's composition: how many of its examples are of each category, and how many
/// answers are in a script the classifier cannot read.
pub(crate) struct Composition {
    pub counts: [u64; 4],
    pub total: u64,
    pub other_script: u64,
}

impl Composition {
    fn of(facts: &FileFacts) -> Option<Composition> {
        let categories = facts.get::<Categories>()?;
        let mut counts = [0u64; 4];
        for c in categories.of.iter().flatten() {
            counts[*c as usize] += 1;
        }
        Some(Composition {
            counts,
            total: counts.iter().sum(),
            other_script: categories.other_script,
        })
    }

    /// Whether at least half of the answers are in a script the classifier cannot read:
    /// the shares of the rest would stand for a minority of the file.
    pub fn unreadable(&self) -> bool {
        self.other_script > 0 && self.other_script >= self.total
    }

    pub fn count(&self, category: Category) -> u64 {
        self.counts[category as usize]
    }

    /// The category's share in percent.
    pub fn share(&self, category: Category) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.count(category) as f64 * 100.0 / self.total as f64
        }
    }
}

/// The files enabling `code` whose composition is judged (training data, not a validation or
/// test split, with at least `[composition] min_examples` examples with a category, and
/// fewer answers in a script the classifier cannot read than with a category), with their
/// composition.
pub(crate) fn judged(
    ctx: &DatasetContext<'_>,
    code: crate::registry::Code,
) -> Vec<(FileId, Composition)> {
    training_files(ctx, code)
        .filter(|(file, composition)| {
            let min = ctx.settings(*file).composition.min_examples;
            composition.total > 0 && composition.total >= min && !composition.unreadable()
        })
        .collect()
}

/// The training files enabling `code` with their composition, judged or not.
pub(crate) fn training_files<'c>(
    ctx: &'c DatasetContext<'_>,
    code: crate::registry::Code,
) -> impl Iterator<Item = (FileId, Composition)> + 'c {
    ctx.files_enabling(code)
        .filter(|&(file, _)| !ctx.is_evaluation(file))
        .filter_map(|(file, facts)| Some((file, Composition::of(facts)?)))
}

/// Where the categories came from, for messages: the classifier, or the label key too.
pub(crate) fn source(ctx: &DatasetContext<'_>, file: FileId) -> String {
    match &ctx.settings(file).composition.label_key {
        Some(key) => format!(
            "categories from {} where present, else from the classifier",
            crate::wording::quote(key)
        ),
        None => "categories from the classifier, see `tunelint explain B002`".to_owned(),
    }
}
