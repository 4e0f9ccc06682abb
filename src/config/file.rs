//! The config file as written: serde types, `deny_unknown_fields`, with `toml::Spanned` where
//! a later check must point at a value.
//!
//! serde checks the shape and the types; what needs the rules or more than one value (rule
//! selectors and options, globs, regular expressions) is checked by `super`. Every value type
//! here says what it expected in words (`expected a number from 0 to 100`), which
//! `super::error` turns into the user's message; field order is the order the keys are
//! listed in messages.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use super::error::DATETIME_KEY;
use super::gates::Threshold;
use crate::composition::Goal;
use crate::settings::{DedupField, Encoding, FormatChoice, Overflow};
use crate::target::TargetChoice;

/// The whole file, or `[tool.tunelint]` of a pyproject.toml.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub format: Option<Spanned<Choice<FormatChoice>>>,
    pub target: Option<Spanned<Choice<TargetChoice>>>,
    pub exclude: Option<Strings>,
    pub include: Option<Strings>,
    pub respect_gitignore: Option<bool>,
    pub rules: Option<RuleTable>,
    pub gates: Option<Table<GatesFile>>,
    pub dedup: Option<Table<DedupFile>>,
    pub tokens: Option<Table<TokensFile>>,
    pub pii: Option<Table<PiiFile>>,
    pub overrides: Option<TableArray<OverrideFile>>,
    pub datasets: Option<TableArray<DatasetFile>>,
    pub dataset: Option<Table<DatasetSectionFile>>,
    pub composition: Option<Table<CompositionFile>>,
    pub contamination: Option<Table<ContaminationFile>>,
}

/// A section or a table of keys. serde reads a struct from an array too (its fields in
/// order), which a configuration never means: `targets = []` would be the defaults said
/// silently, `targets = [60]` the first field.
pub(super) struct Table<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TableVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for TableVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(TableVisitor(PhantomData)).map(Table)
    }
}

/// `[contamination]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContaminationFile {
    pub benchmarks: Option<Spanned<Strings>>,
    pub builtins: Option<bool>,
}

/// `[gates]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GatesFile {
    #[serde(default, deserialize_with = "percent")]
    pub min_valid_pct: Option<f64>,
    #[serde(default, deserialize_with = "threshold")]
    pub max_duplicates: Option<Threshold>,
    #[serde(default, deserialize_with = "count")]
    pub max_warnings: Option<u64>,
}

/// `[dataset]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DatasetSectionFile {
    pub goal: Option<Choice<Goal>>,
}

/// `[composition]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CompositionFile {
    pub targets: Option<Spanned<Table<TargetsFile>>>,
    #[serde(default, deserialize_with = "percent")]
    pub tolerance: Option<f64>,
    #[serde(default, deserialize_with = "count")]
    pub min_examples: Option<u64>,
    pub label_key: Option<Spanned<Text>>,
}

/// `[composition] targets`: a share in percent per category.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TargetsFile {
    #[serde(default, deserialize_with = "percent")]
    pub common: Option<f64>,
    #[serde(default, deserialize_with = "percent")]
    pub edge: Option<f64>,
    #[serde(default, deserialize_with = "percent")]
    pub clarification: Option<f64>,
    #[serde(default, deserialize_with = "percent")]
    pub refusal: Option<f64>,
}

/// `[dedup]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DedupFile {
    pub field: Option<Choice<DedupField>>,
    #[serde(default, deserialize_with = "similarity")]
    pub threshold: Option<f64>,
    pub ignore_template: Option<bool>,
}

/// `[tokens]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TokensFile {
    pub encoding: Option<Spanned<Choice<Encoding>>>,
    pub max_per_example: Option<Spanned<Positive>>,
    /// A Hugging Face `tokenizer.json` or model directory, relative to the config file.
    pub tokenizer: Option<Spanned<Text>>,
    /// A Jinja chat template file, relative to the config file.
    pub chat_template: Option<Spanned<Text>>,
    pub max_length: Option<Spanned<Positive>>,
    pub overflow: Option<Spanned<Choice<Overflow>>>,
}

/// `[pii]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PiiFile {
    pub allow: Option<Strings>,
}

/// One `[[overrides]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OverrideFile {
    pub files: Spanned<Strings>,
    pub rules: Option<RuleTable>,
    pub format: Option<Choice<FormatChoice>>,
    pub target: Option<Choice<TargetChoice>>,
}

/// One `[[datasets]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DatasetFile {
    pub name: Option<Text>,
    pub train: Spanned<Strings>,
    pub valid: Option<Spanned<Strings>>,
    pub test: Option<Spanned<Strings>>,
}

/// Any TOML value, reduced to what the value types below need to know.
enum Raw {
    String(String),
    Integer(i64),
    Float(f64),
    /// A boolean, a date, an array, a table, or an integer beyond 64 bits.
    Other,
}

impl Raw {
    fn number(&self) -> Option<f64> {
        match *self {
            Raw::Integer(n) => Some(n as f64),
            Raw::Float(x) if x.is_finite() => Some(x),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        struct RawVisitor;

        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a TOML value")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::String(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::String(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Integer(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Other, Raw::Integer))
            }

            fn visit_i128<E: de::Error>(self, _: i128) -> Result<Raw, E> {
                Ok(Raw::Other)
            }

            fn visit_u128<E: de::Error>(self, _: u128) -> Result<Raw, E> {
                Ok(Raw::Other)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Raw, E> {
                Ok(Raw::Other)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Raw::Other)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Raw::Other)
            }
        }

        d.deserialize_any(RawVisitor)
    }
}

/// Reads any value and keeps it if `check` accepts it; else the error says what was
/// `expected`.
fn checked<'de, D, T>(
    d: D,
    expected: &str,
    check: impl FnOnce(Raw) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    check(Raw::deserialize(d)?).ok_or_else(|| D::Error::custom(format!("expected {expected}")))
}

fn percent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    checked(d, "a number from 0 to 100", |raw| {
        raw.number().filter(|x| (0.0..=100.0).contains(x))
    })
    .map(Some)
}

fn similarity<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    checked(d, "a number greater than 0 and at most 1", |raw| {
        raw.number().filter(|x| *x > 0.0 && *x <= 1.0)
    })
    .map(Some)
}

fn integer_at_least<'de, D: Deserializer<'de>>(
    d: D,
    min: i64,
    expected: &str,
) -> Result<Option<u64>, D::Error> {
    checked(d, expected, |raw| match raw {
        Raw::Integer(n) if n >= min => Some(n.unsigned_abs()),
        _ => None,
    })
    .map(Some)
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    integer_at_least(d, 0, "a non-negative integer")
}

/// A positive integer, a type of its own so that it can be `Spanned` (a warning points at
/// it).
pub(super) struct Positive(pub u64);

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Positive, D::Error> {
        checked(d, "a positive integer", |raw| match raw {
            Raw::Integer(n) if n >= 1 => Some(Positive(n.unsigned_abs())),
            _ => None,
        })
    }
}

/// `max_duplicates`: a count, or a percentage written as a string.
fn threshold<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Threshold>, D::Error> {
    checked(
        d,
        "a count like 3 or a percentage like \"1.5%\"",
        |raw| match raw {
            Raw::Integer(n) => u64::try_from(n).ok().map(Threshold::Count),
            Raw::String(s) if s.trim().ends_with('%') => s.trim().parse().ok(),
            _ => None,
        },
    )
    .map(Some)
}

/// A string value.
pub(super) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        checked(d, "a string", |raw| match raw {
            Raw::String(s) => Some(Text(s)),
            _ => None,
        })
    }
}

/// An array of strings, each with its span: globs, paths, regular expressions. An element
/// that is not a string is `None`, for `super` to report at that element (serde has no way
/// to point an error at an array element).
pub(super) struct Strings(pub Vec<Spanned<Option<String>>>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strings, D::Error> {
        struct StringsVisitor;

        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of strings")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
                    let span = item.span();
                    let text = match item.into_inner() {
                        Raw::String(s) => Some(s),
                        _ => None,
                    };
                    out.push(Spanned::new(span, text));
                }
                Ok(Strings(out))
            }
        }

        d.deserialize_seq(StringsVisitor)
    }
}

/// An array of tables, `[[overrides]]`; an element that is not a table is
/// [`Element::Other`], for `super` to report at that element.
pub(super) struct TableArray<T>(pub Vec<Spanned<Element<T>>>);

pub(super) enum Element<T> {
    Table(T),
    Other,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TableArray<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TableArray<T>, D::Error> {
        struct TablesVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for TablesVisitor<T> {
            type Value = TableArray<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of tables")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TableArray<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element()? {
                    out.push(item);
                }
                Ok(TableArray(out))
            }
        }

        d.deserialize_seq(TablesVisitor(PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Element<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Element<T>, D::Error> {
        struct ElementVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ElementVisitor<T> {
            type Value = Element<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Element<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Element::Table)
            }

            fn visit_str<E: de::Error>(self, _: &str) -> Result<Element<T>, E> {
                Ok(Element::Other)
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Element<T>, E> {
                Ok(Element::Other)
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Element<T>, E> {
                Ok(Element::Other)
            }

            fn visit_i128<E: de::Error>(self, _: i128) -> Result<Element<T>, E> {
                Ok(Element::Other)
            }

            fn visit_u128<E: de::Error>(self, _: u128) -> Result<Element<T>, E> {
                Ok(Element::Other)
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Element<T>, E> {
                Ok(Element::Other)
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Element<T>, E> {
                Ok(Element::Other)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Element::Other)
            }
        }

        d.deserialize_any(ElementVisitor(PhantomData))
    }
}

/// The settings enums a string value names.
pub(super) trait Named: Sized {
    const NAMES: &'static [&'static str];
    fn parse(s: &str) -> Option<Self>;
}

impl Named for FormatChoice {
    const NAMES: &'static [&'static str] = FormatChoice::NAMES;
    fn parse(s: &str) -> Option<Self> {
        FormatChoice::parse(s)
    }
}

impl Named for TargetChoice {
    const NAMES: &'static [&'static str] = crate::target::CHOICES;
    fn parse(s: &str) -> Option<Self> {
        TargetChoice::parse(s)
    }
}

impl Named for DedupField {
    const NAMES: &'static [&'static str] = DedupField::NAMES;
    fn parse(s: &str) -> Option<Self> {
        DedupField::parse(s)
    }
}

impl Named for Goal {
    const NAMES: &'static [&'static str] = Goal::NAMES;
    fn parse(s: &str) -> Option<Self> {
        Goal::parse(s)
    }
}

impl Named for Overflow {
    const NAMES: &'static [&'static str] = Overflow::NAMES;
    fn parse(s: &str) -> Option<Self> {
        Overflow::parse(s)
    }
}

impl Named for Encoding {
    const NAMES: &'static [&'static str] = Encoding::NAMES;
    fn parse(s: &str) -> Option<Self> {
        Encoding::parse(s)
    }
}

/// A string naming one of `T::NAMES`; a near miss is answered with a did-you-mean.
pub(super) struct Choice<T>(pub T);

impl<'de, T: Named> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Choice<T>, D::Error> {
        let expected = format!("expected one of {}", T::NAMES.join(", "));
        match Raw::deserialize(d)? {
            Raw::String(s) => T::parse(&s).map(Choice).ok_or_else(|| {
                D::Error::custom(
                    crate::wording::did_you_mean(&s, T::NAMES.iter().copied()).unwrap_or(expected),
                )
            }),
            _ => Err(D::Error::custom(expected)),
        }
    }
}

/// A `[rules]` table (also the `rules` of an override): selectors, each with a level or a
/// table of level and options, checked against the rules by `super::selectors`.
pub(super) struct RuleTable(pub Vec<(Spanned<String>, Spanned<RuleValue>)>);

pub(super) enum RuleValue {
    Level(String),
    Table(Vec<(Spanned<String>, Spanned<toml::Value>)>),
}

impl<'de> Deserialize<'de> for RuleTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RuleTable, D::Error> {
        struct RulesVisitor;

        impl<'de> Visitor<'de> for RulesVisitor {
            type Value = RuleTable;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RuleTable, A::Error> {
                entries(map, &self).map(RuleTable)
            }
        }

        d.deserialize_map(RulesVisitor)
    }
}

impl<'de> Deserialize<'de> for RuleValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RuleValue, D::Error> {
        struct ValueVisitor;

        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = RuleValue;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a level (off, info, warning, error) or a table of level and options")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RuleValue, E> {
                Ok(RuleValue::Level(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RuleValue, A::Error> {
                entries(map, &self).map(RuleValue::Table)
            }
        }

        d.deserialize_any(ValueVisitor)
    }
}

/// A table's entries with their spans.
fn entries<'de, A, V>(
    mut map: A,
    expected: &dyn de::Expected,
) -> Result<Vec<(Spanned<String>, V)>, A::Error>
where
    A: MapAccess<'de>,
    V: Deserialize<'de>,
{
    let mut out = Vec::new();
    while let Some(key) = map.next_key_seed(KeySeed(expected))? {
        out.push((key, map.next_value()?));
    }
    Ok(out)
}

/// A key with its span. toml hands a date to a visitor as a table with one private key,
/// which has no span: that is a date where a table was `expected`, not a table.
struct KeySeed<'e>(&'e dyn de::Expected);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Spanned<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Spanned<String>, D::Error> {
        Spanned::<String>::deserialize(d).map_err(|e| {
            if e.to_string().contains(DATETIME_KEY) {
                D::Error::invalid_type(de::Unexpected::Other("a date"), self.0)
            } else {
                e
            }
        })
    }
}
