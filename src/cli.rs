//! The command line, declared with clap's derive: `check` (the default), `rules`,
//! `explain`, `stats`, `dedupe`, `sample`, `init`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Threshold;
use crate::target::{self, TargetChoice};

/// Most worker threads `--jobs` accepts: each holds up to two 1 MiB chunks in flight, and
/// more threads than that never help on a machine that has fewer cores.
pub const MAX_JOBS: u16 = 256;

#[derive(Debug, Parser)]
#[command(
    name = "tunelint",
    version,
    about = "A linter for LLM fine-tuning datasets in JSONL",
    long_about = "A linter for LLM fine-tuning datasets in JSONL.\n\n`tunelint [check] [PATHS]...` lints the given files and every *.jsonl file under the given directories (default: the current directory).",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    // An option given twice takes its last value (`--token-stats` in a workflow's `args`
    // beside the Action's own), as in most tools, rather than failing the run.
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

// `check` carries every option; the command line is parsed once, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (the default command)
    #[command(args_override_self = true)]
    Check(CheckArgs),
    /// List every rule: code, name, default level, summary
    Rules,
    /// Show the full documentation of one rule, or what a target accepts
    Explain {
        /// A rule code (S005) or name (unknown-role), or a target (together)
        rule: String,
    },
    /// The dataset report only (never fails a gate): composition against its target, token
    /// and length histograms, turns, role sequences, system prompts, duplicate clusters,
    /// scripts, findings by rule, and the billed-token estimate (--no-tokens: without tokens)
    #[command(
        args_override_self = true,
        mut_arg("format", |a| a
            .help("Report format [default: full]")
            .value_parser(clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(STATS_FORMATS), |s: String| {
                <OutputFormat as ValueEnum>::from_str(&s, false)
                    .expect("the report formats are output formats")
            }))),
        mut_arg("sarif_file", |a| a.hide(true)),
        mut_arg("write_baseline", |a| a.hide(true)),
        mut_arg("diff_base", |a| a.hide(true)),
        mut_arg("gate_scope", |a| a.hide(true)),
        mut_arg("min_valid_pct", |a| a.hide(true)),
        mut_arg("max_duplicates", |a| a.hide(true)),
        mut_arg("max_warnings", |a| a.hide(true)),
        mut_arg("exit_zero", |a| a.hide(true)),
        mut_arg("statistics", |a| a.hide(true)),
    )]
    Stats(CheckArgs),
    /// Write IN without exact and near duplicates (keeps the first of each group)
    #[command(args_override_self = true)]
    Dedupe(DedupeArgs),
    /// A reproducible random sample of examples to read (the lesson's "reviewed 20+
    /// examples"), stratified by category with --by category
    #[command(args_override_self = true)]
    Sample(SampleArgs),
    /// Write a commented starter tunelint.toml in the current directory
    Init {
        /// Overwrite an existing tunelint.toml (replaced whole, through a temporary file:
        /// a write that fails leaves the old one as it was)
        #[arg(long)]
        force: bool,
        /// Write the starter for this target (openai, azure-openai, together, fireworks,
        /// bedrock-claude, bedrock-nova, vertex-gemini, mistral, trl, axolotl, llama-factory,
        /// unsloth)
        #[arg(long, value_name = "NAME", value_parser = parse_target)]
        target: Option<TargetChoice>,
    },
}

/// The formats `stats` writes its report in (its `--format` takes no other).
const STATS_FORMATS: [&str; 4] = ["full", "json", "markdown", "html"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics with the offending line and a summary (default on a terminal)
    Full,
    /// One line per diagnostic: PATH:LINE:COL: CODE message (default otherwise)
    Concise,
    /// One JSON document: files, summary, gates, diagnostics (see docs/json-output.md)
    Json,
    /// SARIF 2.1.0 for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands: one annotation per diagnostic (default when
    /// GITHUB_ACTIONS=true)
    Github,
    /// The run summary as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY
    Markdown,
    /// The run summary as one self-contained HTML page (charts, tables, findings by rule
    /// with examples; no network), for `--output-file report.html`
    Html,
}

/// What the gates judge with `--diff-base`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum GateScope {
    /// The records added or changed since the diff base
    #[default]
    Changed,
    /// Every record read, the context included
    All,
}

/// `--context`: which files a run reads besides those it lints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ContextScope {
    /// Only the files named and found
    #[default]
    Files,
    /// Also the other files of their datasets, as context
    Dataset,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args, Default, Clone)]
pub struct CheckArgs {
    /// Files and directories to lint; "-" reads standard input [default: .]
    pub paths: Vec<PathBuf>,

    /// The path standard input ("-") is reported as, and whose configuration (overrides,
    /// target) it is read with: an editor or script piping a file's text
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Output format [default: github when GITHUB_ACTIONS=true, full on a terminal, concise
    /// otherwise]
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,

    /// Write the output to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Also write SARIF 2.1.0 to this file (for GitHub code scanning), in the same run (`-`:
    /// standard output, with `-o FILE`)
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,

    /// Also write the JSON document to this file, in the same run (`-`: standard output, with
    /// `-o FILE`)
    #[arg(long, value_name = "FILE")]
    pub json_file: Option<PathBuf>,

    /// Also write the JSON document's version, summary and gates to this file, without its
    /// files and diagnostics: a few kilobytes however many findings, for a script that wants
    /// the totals (`-`: standard output, with `-o FILE`)
    #[arg(long, value_name = "FILE")]
    pub json_summary_file: Option<PathBuf>,

    /// Also append the Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY), in the same run
    #[arg(long, value_name = "FILE")]
    pub summary_file: Option<PathBuf>,

    /// Do not report the findings recorded in this baseline file (by path, rule and record
    /// fingerprint; see docs/baseline.md); entries that no longer match are listed as stale
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every finding of this run in this baseline file (replacing it) and report none
    /// of them
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Report only on the records added or changed since this git revision (the pull
    /// request's base), judging them against the whole dataset (see docs/diff-base.md)
    #[arg(long, value_name = "REV")]
    pub diff_base: Option<String>,

    /// What the gates judge with --diff-base: the changed records (default) or all of them
    #[arg(long, value_enum, value_name = "SCOPE", requires = "diff_base")]
    pub gate_scope: Option<GateScope>,

    /// The directory SARIF URIs and GitHub annotation paths are relative to (the repository
    /// root) [default: the root of the git checkout the current directory is in, else the
    /// current directory]
    #[arg(long, value_name = "DIR")]
    pub project_root: Option<PathBuf>,

    /// Use this configuration file instead of discovering one
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file
    #[arg(long)]
    pub isolated: bool,

    /// Run only these rules (codes, names or prefixes; comma-separated); a line or file that
    /// cannot be read (J001, J002, J004-J008) is reported all the same, and a rule that
    /// `[[overrides]]` turns off for a file stays off there
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Turn these rules off (codes, names or prefixes; comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Report these rules' errors as warnings, if they are on; info stays info (codes,
    /// names or prefixes; comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub warn: Vec<String>,

    /// Gate: fail when fewer than N% of examples are valid [config: gates.min_valid_pct; default 100]
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = percent)]
    pub min_valid_pct: Option<f64>,

    /// Gate: fail above N duplicates, or N% of examples ("1%") [config: gates.max_duplicates; default 0]
    #[arg(allow_negative_numbers = true, long, value_name = "N")]
    pub max_duplicates: Option<Threshold>,

    /// Gate: fail above N warnings [config: gates.max_warnings; default unlimited]
    #[arg(allow_negative_numbers = true, long, value_name = "N", value_parser = warning_count)]
    pub max_warnings: Option<u64>,

    /// Exit 0 even when a gate fails (errors that stop linting still exit 2)
    #[arg(long)]
    pub exit_zero: bool,

    /// Show the count of every rule in the summary (full and concise)
    #[arg(long)]
    pub statistics: bool,

    /// When to use colour (auto: on a terminal, or wherever CLICOLOR_FORCE or FORCE_COLOR is set; never with NO_COLOR)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Worker threads, 1 to 256 [default: number of CPUs]
    #[arg(allow_negative_numbers = true, long, short = 'j', value_name = "N", value_parser = jobs)]
    pub jobs: Option<u16>,

    /// Print diagnostics only, no summary (a run that fails with none says why on stderr)
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Count every example's tokens for the summary: total, p50, p95, max, trainable and
    /// billed tokens (tokenizes everything, so slower; `stats` always does)
    #[arg(long)]
    pub token_stats: bool,

    /// `stats` only: leave out the token figures and charts (no tokenizer runs, so the
    /// report is as fast as linting)
    #[arg(long, conflicts_with = "token_stats")]
    pub no_tokens: bool,

    /// Apply the configuration's `exclude` to files named on the command line too
    #[arg(long)]
    pub force_exclude: bool,

    #[command(flatten)]
    pub ignore_files: IgnoreFiles,

    /// Skip a named `.json` file that holds no records (package.json, tsconfig.json: neither
    /// an array of records nor JSON Lines of them), unless `include` or a dataset_info.json
    /// names it (the pre-commit hooks pass it with every staged .json file)
    #[arg(long)]
    pub json_records_only: bool,

    /// "dataset": also read the rest of each named file's dataset (its other shards and
    /// splits, `[[datasets]]`) as context: duplicates and leaks are judged against it, nothing
    /// is reported on it (the pre-commit hooks pass it) [default: files]
    #[arg(long, value_enum, value_name = "SCOPE", default_value_t = ContextScope::Files, hide_default_value = true)]
    pub context: ContextScope,

    /// What the data will be trained with: its accepted formats and limits apply ("auto": none)
    /// [config: target; default auto]
    #[arg(long, value_name = "NAME", value_parser = parse_target)]
    pub target: Option<TargetChoice>,
}

/// `--target NAME`: a target's name or `auto`, a near miss answered with a did-you-mean.
fn parse_target(s: &str) -> Result<TargetChoice, String> {
    TargetChoice::parse(s).ok_or_else(|| {
        match crate::wording::did_you_mean(s, target::CHOICES.iter().copied()) {
            Some(near) => format!("unknown target; {near}"),
            None => format!(
                "unknown target; expected one of {}",
                target::CHOICES.join(", ")
            ),
        }
    })
}

#[derive(Debug, Args, Clone)]
pub struct DedupeArgs {
    /// The JSONL file to deduplicate (never modified; `-`: standard input)
    pub input: PathBuf,

    /// Where to write the result (written to a temporary file, then renamed; `-`: standard
    /// output)
    #[arg(
        long,
        short = 'o',
        value_name = "OUT",
        required_unless_present = "dry_run"
    )]
    pub output: Option<PathBuf>,

    /// List what would be removed, write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Compare each example with every kept one, as the lesson's deduplicate() does: its
    /// exact result, in quadratic time, except that a pair exactly at the threshold is a
    /// duplicate (as D002 says: at or above), where the lesson's `>` keeps it (by default, as
    /// `check`, the near-duplicate index proposes at most 32 earlier examples to compare with)
    #[arg(long)]
    pub exhaustive: bool,

    /// Remove more than half of the examples if that is what it takes (without it, dedupe
    /// refuses and writes nothing)
    #[arg(long)]
    pub force: bool,

    /// Similarity at or above which two examples are near duplicates [config: dedup.threshold; default 0.85]
    #[arg(allow_negative_numbers = true, long, value_name = "T", value_parser = similarity)]
    pub threshold: Option<f64>,

    /// Use this configuration file instead of discovering one
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file
    #[arg(long)]
    pub isolated: bool,
}

/// What `sample` stratifies by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SampleBy {
    /// The composition classifier's categories (common, edge, clarification, refusal; see
    /// `tunelint explain B002`), plus other-script (answered in a script other than Latin,
    /// which the classifier does not sort) and unclassified (the records without an answer):
    /// an equal share of each
    Category,
}

/// How `sample` writes the examples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum SampleFormat {
    /// For reading: each example's place, category and turns (every answer of a preference
    /// record, labelled), each line as written, wrapped when too wide
    #[default]
    Text,
    /// One JSON object a line: `path`, `line`, `category` and the `record` as written, with
    /// what the privacy rules find (keys, e-mail addresses, phone numbers) masked by `*`
    Jsonl,
}

#[derive(Debug, Args, Clone)]
pub struct SampleArgs {
    /// Files and directories to sample from; "-" reads standard input [default: .]
    pub paths: Vec<PathBuf>,

    /// How many examples, in all
    #[arg(allow_negative_numbers = true, short = 'n', long = "count", value_name = "N", default_value_t = 20, value_parser = example_count)]
    pub n: u64,

    /// The seed: the same files and seed give the same sample on any machine
    #[arg(allow_negative_numbers = true, long, value_name = "S", default_value_t = 0, value_parser = seed)]
    pub seed: u64,

    /// Stratify: an equal share of the sample from each category (the rest from the larger
    /// ones when a category has too few)
    #[arg(long, value_enum, value_name = "KEY")]
    pub by: Option<SampleBy>,

    /// Output format
    #[arg(long, value_enum, default_value_t = SampleFormat::Text)]
    pub format: SampleFormat,

    /// Wrap the text at this many columns, 24 or more (text format)
    #[arg(allow_negative_numbers = true, long, value_name = "COLUMNS", default_value_t = 100, value_parser = columns)]
    pub width: usize,

    /// Use this configuration file instead of discovering one
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file
    #[arg(long)]
    pub isolated: bool,

    #[command(flatten)]
    pub ignore_files: IgnoreFiles,
}

/// `99`, `99.5` or `99%`: a share of the examples, in percent (the range is checked with the
/// configuration's value).
fn percent(s: &str) -> Result<f64, String> {
    crate::config::parse_percent(s)
        .ok_or_else(|| "expected a percentage such as 99, 99.5 or 99%".to_string())
}

/// A whole number for a numeric option, or what the option expects (`expected`, which says
/// what the number counts) in place of Rust's own parse error ("invalid digit found in
/// string"). A percentage, which only some options take, gets a word of its own.
fn whole_number(s: &str, expected: &str) -> Result<u64, String> {
    use std::num::IntErrorKind;
    s.parse::<u64>().map_err(|e| match e.kind() {
        IntErrorKind::PosOverflow => format!("too large; at most {}", u64::MAX),
        _ if s.trim_end().ends_with('%') => format!("{expected} (not a percentage)"),
        _ => expected.to_owned(),
    })
}

/// `--max-warnings N`.
fn warning_count(s: &str) -> Result<u64, String> {
    whole_number(s, "expected a whole number of warnings such as 0 or 100")
}

/// `sample -n N`.
fn example_count(s: &str) -> Result<u64, String> {
    whole_number(s, "expected a whole number of examples such as 20")
}

/// `sample --seed S`.
fn seed(s: &str) -> Result<u64, String> {
    whole_number(s, "expected a whole number such as 0 or 42")
}

/// `sample --width COLUMNS`: the lower bound is checked with the sample, which says why.
fn columns(s: &str) -> Result<usize, String> {
    let n = whole_number(s, "expected a whole number of columns, 24 or more")?;
    usize::try_from(n).map_err(|_| format!("too large; expected at most {}", usize::MAX))
}

/// `--jobs N`, 1 to [`MAX_JOBS`].
fn jobs(s: &str) -> Result<u16, String> {
    let expected = format!("expected a number of worker threads from 1 to {MAX_JOBS}");
    let n = whole_number(s, &expected)?;
    u16::try_from(n)
        .ok()
        .filter(|n| (1..=MAX_JOBS).contains(n))
        .ok_or(expected)
}

/// `dedupe --threshold T`: a number (its range, above 0 and at most 1, is checked with the
/// configuration's value).
fn similarity(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| "expected a similarity above 0 and at most 1, such as 0.85".to_owned())
}

/// Whether a folder walk leaves out what ignore files ignore: `check`, `stats` and `sample`.
#[derive(Args, Debug, Clone, Copy, Default)]
pub struct IgnoreFiles {
    /// Walk folders without leaving out what .gitignore, .ignore and git's excludes ignore
    /// (config `respect_gitignore = false`; hidden folders stay skipped)
    #[arg(long, overrides_with = "respect_gitignore")]
    pub no_respect_gitignore: bool,

    /// Leave out what ignore files ignore, whatever the config says (the default)
    #[arg(long, hide = true, overrides_with = "no_respect_gitignore")]
    pub respect_gitignore: bool,
}

impl IgnoreFiles {
    /// The command line's choice over the config's `respect_gitignore`.
    pub fn respect(self, config: bool) -> bool {
        if self.no_respect_gitignore {
            false
        } else {
            self.respect_gitignore || config
        }
    }
}
