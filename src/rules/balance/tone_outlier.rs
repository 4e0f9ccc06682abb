//! B005 tone-outlier.

use serde::{Deserialize, Deserializer};

use crate::dataset::{DatasetContext, FactKind, Facts, RecordView};
use crate::declare_rule;
use crate::diagnostic::FileId;
use crate::rule::{RuleOption, RuleOptions, integer_option};
use crate::rules::balance::style::{self, Feature, Style};
use crate::rules::{Code, RunsOn};

declare_rule! {
    /// ## What it does
    /// Measures the style of each example's answers (its assistant turns, as one text; code
    /// blocks left out) with seven cheap features, and reports the examples whose style is far
    /// from the file's own, naming the features that differ. The features:
    ///
    /// - **exclamation marks** ending a word (not the `!` of `#!/bin/sh`, `!=`, a quoted
    ///   `"Hello, world!"` or a factorial such as `4!` or `n!`), per 100 words;
    /// - **emoji** (pictographs, emoticons, flags, dingbats such as ✅), per 100 words;
    /// - **contractions** (words ending in "n't", "'re", "'ve", "'ll", "'m", "'d", and "it's",
    ///   "that's", "there's", "here's", "what's", "let's", "he's", "she's", "who's",
    ///   "where's", "how's", "that'll"), per 100 words: formality;
    /// - **first person** ("i", "me", "my", "mine", "myself", "i'm", "i've", "i'll", "i'd"),
    ///   per 100 words;
    /// - **casual words** ("gonna", "wanna", "gotta", "kinda", "sorta", "yeah", "yep", "yup",
    ///   "nope", "hey", "lol", "lmao", "omg", "btw", "haha", "hahaha", "dude", "awesome", "ya",
    ///   "ur", "y'all", "thx", "pls", "plz", "cuz", "tho", "gosh", "wow", "yay", "oops",
    ///   "whoa", "woohoo"), per 100 words: formality;
    /// - **markdown** (headings, bullets, numbered items, table rows, bold, inline code, links,
    ///   code fences), per 100 words;
    /// - **sentence length**: the mean words per sentence, compared on a logarithmic scale (10
    ///   against 20 words is as far as 20 against 40).
    ///
    /// A rate is worked out over at least 20 words, so that a one-word "Great!" is not a
    /// hundred exclamation marks per hundred words.
    ///
    /// How far is measured: for each feature, the file's typical value is the median over its
    /// examples and its spread the median absolute deviation (MAD, scaled by 1.4826 to match a
    /// standard deviation), at least a floor (1 per 100 words for exclamation marks and casual
    /// words, 0.5 for emoji, 2 for contractions, first person and markdown, a factor of 1.41
    /// for sentence length) so that a file where no answer exclaims does not make one
    /// exclamation mark infinitely far. Medians are not moved by the outliers themselves. An
    /// example's distance on a feature is its difference from the median in spreads; a
    /// feature differs when the distance is at least 4, the count is at least 2 off what the
    /// median rate would give (1 for emoji, 3 for contractions, first person and markdown), and
    /// at most 2% of the file's examples are that far in the same direction (a style a sizeable
    /// share of the file has is the file's style, not an outlier). An example is reported when
    /// two features differ, or one by a distance of 8 or more with a count at least twice as
    /// far off (4 exclamation marks, 2 emoji, ...).
    ///
    /// A file is judged once it has `min_examples` (30) examples with an answer; records
    /// without an answer (plain text, prompts) are not measured. The finding is an info: tone
    /// is a judgement, and a deliberate mix of voices is reported too.
    ///
    /// ## Why is this bad?
    /// The GREAT framework's T: answers should match one brand voice. A model learns the voices
    /// it is shown, in their proportions: a handful of bubbly, emoji-laden answers in a formal
    /// support dataset make it switch register at random. Such examples usually come from a
    /// second source or writer merged into the file; rewrite them in the file's voice or drop
    /// them.
    ///
    /// ## Example
    /// ```jsonl,invalid,min_examples=8
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Select Forgot password on the sign-in page. A reset link is sent to the email address on the account and remains valid for one hour."}]}
    /// {"messages": [{"role": "user", "content": "Can I change the email address on my account?"}, {"role": "assistant", "content": "Yes. Open Account, then Profile, and edit the Email field. A confirmation message is sent to the new address."}]}
    /// {"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "assistant", "content": "Invoices are listed under Billing, Invoices. Each invoice can be downloaded as a PDF file."}]}
    /// {"messages": [{"role": "user", "content": "Do you offer a discount for students?"}, {"role": "assistant", "content": "Students receive 30% off any plan when they register with a student email address. The discount applies for one year."}]}
    /// {"messages": [{"role": "user", "content": "How long does shipping to Germany take?"}, {"role": "assistant", "content": "Delivery to Germany takes three to five working days from the day the order ships. Tracking details are sent by email."}]}
    /// {"messages": [{"role": "user", "content": "Which payment cards do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard and American Express are accepted. PayPal is also available at checkout."}]}
    /// {"messages": [{"role": "user", "content": "Is there a mobile app for the service?"}, {"role": "assistant", "content": "A mobile app is available for iOS and Android. It is free in both app stores."}]}
    /// {"messages": [{"role": "user", "content": "How do I close my account?"}, {"role": "assistant", "content": "Open Account, Privacy, Close account. All data is deleted thirty days after the request."}]}
    /// {"messages": [{"role": "user", "content": "Can I pause my subscription?"}, {"role": "assistant", "content": "OMG yes! 🎉 You totally can, I'm sure you'll love it! Just hit Pause in Billing and you're done! 😄"}]}
    /// ```
    ///
    /// Use instead:
    /// ```jsonl,valid,min_examples=8
    /// {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Select Forgot password on the sign-in page. A reset link is sent to the email address on the account and remains valid for one hour."}]}
    /// {"messages": [{"role": "user", "content": "Can I change the email address on my account?"}, {"role": "assistant", "content": "Yes. Open Account, then Profile, and edit the Email field. A confirmation message is sent to the new address."}]}
    /// {"messages": [{"role": "user", "content": "Where can I download my invoices?"}, {"role": "assistant", "content": "Invoices are listed under Billing, Invoices. Each invoice can be downloaded as a PDF file."}]}
    /// {"messages": [{"role": "user", "content": "Do you offer a discount for students?"}, {"role": "assistant", "content": "Students receive 30% off any plan when they register with a student email address. The discount applies for one year."}]}
    /// {"messages": [{"role": "user", "content": "How long does shipping to Germany take?"}, {"role": "assistant", "content": "Delivery to Germany takes three to five working days from the day the order ships. Tracking details are sent by email."}]}
    /// {"messages": [{"role": "user", "content": "Which payment cards do you accept?"}, {"role": "assistant", "content": "Visa, Mastercard and American Express are accepted. PayPal is also available at checkout."}]}
    /// {"messages": [{"role": "user", "content": "Is there a mobile app for the service?"}, {"role": "assistant", "content": "A mobile app is available for iOS and Android. It is free in both app stores."}]}
    /// {"messages": [{"role": "user", "content": "How do I close my account?"}, {"role": "assistant", "content": "Open Account, Privacy, Close account. All data is deleted thirty days after the request."}]}
    /// {"messages": [{"role": "user", "content": "Can I pause my subscription?"}, {"role": "assistant", "content": "Yes. Select Pause in Billing to pause the subscription for up to three months."}]}
    /// ```
    ///
    /// ## Options
    /// - `min_examples` (default `30`): the fewest examples with an answer before a file's
    ///   style is judged.
    ///
    /// ```toml
    /// [rules]
    /// tone-outlier = { min_examples = 100 }
    /// ```
    pub static TONE_OUTLIER = {
        code: "B005",
        name: "tone-outlier",
        level: Info,
        summary: "an answer's style (exclamations, emoji, contractions, first person, casual words, markdown, sentence length) is far from the file's own",
        options: [RuleOption {
            name: "min_examples",
            default: "30",
            doc: "fewest examples with an answer before a file's style is judged",
        }],
        config: Options,
    };
}

/// B005's options: `[rules] tone-outlier = { min_examples = 100 }`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    #[serde(deserialize_with = "min_examples")]
    pub min_examples: usize,
}

impl RuleOptions for Options {
    const DEFAULT: Options = Options { min_examples: 30 };
}

impl Default for Options {
    fn default() -> Self {
        Options::DEFAULT
    }
}

fn min_examples<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    integer_option(d, 3, "an integer of at least 3")
}

/// Distance (in spreads from the median) at which a feature differs.
const DIFFERS: f64 = 4.0;
/// Distance at which one differing feature is enough for a finding.
const DIFFERS_ALONE: f64 = 8.0;
/// Most of a file's examples, in percent, that may be as far the same way on a feature for
/// it to be an outlier rather than a part of the file's style.
const RARE_PCT: f64 = 2.0;
/// MAD to standard deviation, for normally distributed values.
const MAD_SCALE: f64 = 1.4826;

/// Each feature's smallest spread, in its own unit (per 100 words; log2 of words per
/// sentence), in the order of [`Feature::ALL`].
const FLOORS: [f64; 7] = [1.0, 0.5, 2.0, 2.0, 1.0, 2.0, 0.5];
/// Each counted feature's smallest difference in count from what the median rate would give.
const MIN_COUNT_OFF: [f64; Feature::COUNTED] = [2.0, 1.0, 3.0, 3.0, 2.0, 3.0];

/// Runs on the dataset, from each record's style.
pub const RUNS_ON: RunsOn = RunsOn::Dataset {
    check,
    facts: &[&STYLES],
};

/// Of each record of a file: the style of its answers, when it has some.
#[derive(Default)]
pub struct Styles {
    of: Vec<Option<Style>>,
}

static STYLES: FactKind = FactKind {
    name: "styles",
    new: |_| Box::<Styles>::default(),
};

impl Facts for Styles {
    fn add(&mut self, record: &RecordView<'_, '_>) {
        self.of.push(record.conv.and_then(style::of_conversation));
    }

    fn append(&mut self, next: Box<dyn Facts>) {
        let next: Styles = crate::dataset::downcast(next);
        self.of.extend(next.of);
    }
}

/// A file's typical style: each feature's median and spread.
struct Norm {
    median: [f64; 7],
    spread: [f64; 7],
}

impl Norm {
    fn of(styles: &[&Style]) -> Norm {
        let mut median = [0.0; 7];
        let mut spread = [0.0; 7];
        for f in Feature::ALL {
            let mut values: Vec<f64> = styles.iter().map(|s| s.value(f)).collect();
            let m = median_of(&mut values);
            let mut deviations: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
            let mad = median_of(&mut deviations);
            median[f as usize] = m;
            spread[f as usize] = (MAD_SCALE * mad).max(FLOORS[f as usize]);
        }
        Norm { median, spread }
    }

    /// How far `style` is from the median on `feature`, in spreads, signed; zero when the
    /// count is too close to what the median rate would give to mean anything.
    fn distance(&self, style: &Style, feature: Feature) -> f64 {
        let i = feature as usize;
        if let Some(&min_off) = MIN_COUNT_OFF.get(i) {
            let expected = self.median[i] * f64::from(style.words.max(style::RATE_WORDS)) / 100.0;
            if (f64::from(style.count(feature)) - expected).abs() < min_off {
                return 0.0;
            }
        }
        (style.value(feature) - self.median[i]) / self.spread[i]
    }
}

impl Norm {
    /// Whether `style`'s count of `feature` is off what the median rate would give by at
    /// least twice the smallest difference that counts: what one feature alone needs.
    fn strong(&self, style: &Style, feature: Feature) -> bool {
        let i = feature as usize;
        let Some(&min_off) = MIN_COUNT_OFF.get(i) else {
            return true;
        };
        let expected = self.median[i] * f64::from(style.words.max(style::RATE_WORDS)) / 100.0;
        (f64::from(style.count(feature)) - expected).abs() >= 2.0 * min_off
    }
}

/// The median of `values` (reordered); 0 for none.
fn median_of(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn check(ctx: &mut DatasetContext<'_>) {
    let files: Vec<FileId> = ctx.files_enabling(Code::B005).map(|(f, _)| f).collect();
    for file in files {
        check_file(ctx, file);
    }
}

fn check_file(ctx: &mut DatasetContext<'_>, file: FileId) {
    let all = ctx.facts;
    let Some(styles) = all[file as usize].get::<Styles>() else {
        return;
    };
    let measured: Vec<(usize, &Style)> = styles
        .of
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
        .collect();
    let min = ctx
        .settings(file)
        .options::<Options>(Code::B005)
        .min_examples;
    if measured.len() < min.max(3) {
        return;
    }
    let norm = Norm::of(&measured.iter().map(|(_, s)| *s).collect::<Vec<_>>());
    let distances: Vec<[f64; 7]> = measured
        .iter()
        .map(|(_, s)| Feature::ALL.map(|f| norm.distance(s, f)))
        .collect();
    // How many examples are far on each feature, each way: a style a sizeable share of the
    // file has is the file's, not an outlier's.
    let mut far = [[0usize; 2]; 7];
    for d in &distances {
        for (i, &x) in d.iter().enumerate() {
            if x.abs() >= DIFFERS {
                far[i][usize::from(x > 0.0)] += 1;
            }
        }
    }
    let rare_max = ((measured.len() as f64 * RARE_PCT / 100.0).floor() as usize).max(1);
    for ((index, style), d) in measured.iter().zip(&distances) {
        let differing: Vec<Feature> = Feature::ALL
            .into_iter()
            .filter(|&f| {
                let x = d[f as usize];
                x.abs() >= DIFFERS && far[f as usize][usize::from(x > 0.0)] <= rare_max
            })
            .collect();
        let alone = differing
            .iter()
            .any(|&f| d[f as usize].abs() >= DIFFERS_ALONE && norm.strong(style, f));
        if differing.len() < 2 && !alone {
            continue;
        }
        let parts: Vec<String> = differing
            .iter()
            .map(|&f| describe(f, style, &norm))
            .collect();
        let message = format!(
            "answer's style stands out from the file's: {}",
            parts.join("; ")
        );
        ctx.report(Code::B005, file, *index, message, None);
    }
}

/// One differing feature, as a message says it: this answer's value, then the file's.
fn describe(feature: Feature, style: &Style, norm: &Norm) -> String {
    let median = norm.median[feature as usize];
    if feature == Feature::SentenceLength {
        return format!(
            "sentences of {:.0} words on average (the file's typical answer: {:.0})",
            style.mean_sentence(),
            median.exp2()
        );
    }
    let (one, many) = match feature {
        Feature::Exclamations => ("exclamation mark", "exclamation marks"),
        Feature::Emoji => ("emoji", "emoji"),
        Feature::Contractions => ("contraction", "contractions"),
        Feature::FirstPerson => (
            "first-person word (I, me, my)",
            "first-person words (I, me, my)",
        ),
        Feature::Informal => ("casual word", "casual words"),
        _ => ("markdown mark", "markdown marks"),
    };
    let count = style.count(feature);
    let this = match count {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{} {many}", crate::wording::thousands(n as u64)),
    };
    let typical = if median < 0.05 {
        "none".to_owned()
    } else {
        format!("{median:.1} per 100 words")
    };
    if median < 0.05 || count == 0 {
        format!("{this} (the file's typical answer: {typical})")
    } else {
        format!(
            "{this}, {:.1} per 100 words (the file's typical answer: {typical})",
            style.value(feature)
        )
    }
}
