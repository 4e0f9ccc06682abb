//! S012's dataset part: Bedrock Nova takes text with images or text with videos, and a
//! dataset with both is rejected however its records are split. The format reports a record
//! with both; this check reports the first record that brings the other kind into a file.

use crate::dataset::{DatasetContext, FactKind, Facts, RecordView};
use crate::diagnostic::{FileId, Location, Related};
use crate::rule::Level;
use crate::rules::{Code, RunsOn};
use crate::settings::{FormatChoice, Settings};

/// Checked by Bedrock Nova's format on each record, and on the dataset for the files read
/// as Bedrock Nova (its target, or the format named).
pub const RUNS_ON: RunsOn = RunsOn::FormatAndDataset {
    when: read_as_nova,
    check,
    facts: &[&MEDIA],
};

fn read_as_nova(settings: &Settings) -> bool {
    settings.format == FormatChoice::BedrockNova
        || settings.target.is_some_and(|t| {
            t.formats.value.first().copied() == Some(FormatChoice::BedrockNova.as_str())
        })
}

static MEDIA: FactKind = FactKind {
    name: "Bedrock Nova media",
    new: |_| Box::<Media>::default(),
};

/// The first record of a file with a medium: where its first block of that kind is, and
/// whether the record holds the other kind too (the format reported that record already).
#[derive(Clone, Debug)]
struct First {
    record: usize,
    at: Location,
    both: bool,
}

/// Of each file: the first record with an image and the first with a video.
#[derive(Default)]
pub struct Media {
    records: usize,
    image: Option<First>,
    video: Option<First>,
}

impl Facts for Media {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        let index = self.records;
        self.records += 1;
        if (self.image.is_some() && self.video.is_some())
            || record.format != FormatChoice::BedrockNova
            || record.conv.is_none()
        {
            return;
        }
        let doc = record.doc;
        let (image, video) = crate::format::bedrock_nova::first_media(doc);
        let both = image.is_some() && video.is_some();
        let first = |span| First {
            record: index,
            at: Location::in_record(0, &record.start, doc.src(), span),
            both,
        };
        if self.image.is_none() {
            self.image = image.map(first);
        }
        if self.video.is_none() {
            self.video = video.map(first);
        }
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: Media = crate::dataset::downcast(next);
        let offset = self.records;
        let shift = |f: First| First {
            record: f.record + offset,
            ..f
        };
        if self.image.is_none() {
            self.image = next.image.map(shift);
        }
        if self.video.is_none() {
            self.video = next.video.map(shift);
        }
        self.records += next.records;
    }
}

fn check(ctx: &mut DatasetContext<'_>) {
    let files: Vec<FileId> = ctx
        .files_enabling(Code::S012)
        .map(|(f, _)| f)
        .filter(|&f| read_as_nova(ctx.settings(f)))
        .collect();
    for file in files {
        let Some(media) = ctx.facts[file as usize].get::<Media>() else {
            continue;
        };
        let (Some(image), Some(video)) = (&media.image, &media.video) else {
            continue;
        };
        // The record that brought the second kind: when it holds both, the format said so.
        let ((first, first_kind), (then, then_kind)) = if image.record < video.record {
            ((image, "images"), (video, "a video"))
        } else {
            ((video, "videos"), (image, "an image"))
        };
        if then.both {
            continue;
        }
        let message = format!(
            "{then_kind} here, in a dataset with {first_kind} (from {}): Bedrock Nova takes text with images or text with videos, not both in one dataset",
            ctx.place(file, file, first.at.line)
        );
        let mut at = then.at.clone();
        at.file = file;
        let related = Some(Related {
            file,
            line: first.at.line,
            message: format!("the first record with {first_kind}"),
            fingerprint: 0,
        });
        ctx.report_at(Code::S012, then.record, at, Level::Error, message, related);
    }
}
