//! One run: config → discover → engine → gates → render → exit status.

use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, ContextScope, OutputFormat};
use crate::config::{self, CliOverrides, Config};
use crate::discover::{self, Exclusion, Found};
use crate::engine::{self, FileSummary, InputSource, Job};
use crate::gates;
use crate::output::{self, Inputs, OutputFile};
use crate::report::github::Github;
use crate::report::html::Html;
use crate::report::json::Json;
use crate::report::markdown::Markdown;
use crate::report::progress::Progress;
use crate::report::sarif::{self, Sarif};
use crate::report::{FileInfo, RenderOptions, Renderer, RunSummary, concise::Concise, full::Full};
use crate::rules::{self, RULES};

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every gate passed.
    Success,
    /// A gate failed.
    Failure,
    /// Usage, configuration or I/O trouble kept something from being linted.
    Error,
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Failure => 1,
            Status::Error => 2,
        }
    }
}

pub fn run(cli: Cli) -> Result<Status> {
    crate::interrupt::watch();
    match cli.command {
        None => check(cli.check, Mode::Check),
        Some(Command::Check(args)) => check(args, Mode::Check),
        Some(Command::Stats(args)) => stats(args),
        Some(Command::Rules) => {
            print_rules()?;
            Ok(Status::Success)
        }
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Init { force, target }) => init(force, target.and_then(|t| t.0)),
        Some(Command::Dedupe(args)) => dedupe(args),
        Some(Command::Sample(args)) => sample(args),
    }
}

fn print_rules() -> Result<()> {
    let mut out = io::stdout().lock();
    let name_w = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for r in RULES {
        let line = format!(
            "{}  {:<name_w$}  {:<7}  {}",
            r.code,
            r.name,
            r.default_level.as_str(),
            r.summary
        );
        if let Err(e) = writeln!(out, "{line}") {
            return ignore_broken_pipe(e);
        }
    }
    Ok(())
}

fn explain(rule: &str) -> Result<Status> {
    if rules::lookup(rule).is_none()
        && let Some(target) = crate::target::lookup(rule)
    {
        if let Err(e) = io::stdout().lock().write_all(target.describe().as_bytes()) {
            ignore_broken_pipe(e)?;
        }
        return Ok(Status::Success);
    }
    // The rule ids SARIF gives the failed gates and the note about omitted results, which
    // code scanning shows as alerts.
    use crate::gates::Gate;
    use crate::report::sarif;
    let gate = Gate::ALL.iter().find(|&&g| sarif::gate_rule_id(g) == rule);
    if gate.is_some() || rule == sarif::OMITTED_RULE_ID {
        let text = match gate {
            Some(&g) => format!("# {rule}: {}\n\n{}\n", g.summary(), sarif::gate_help(g)),
            None => format!(
                "# {rule}: more results than code scanning shows\n\n{}\n",
                sarif::omitted_help()
            ),
        };
        if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
            ignore_broken_pipe(e)?;
        }
        return Ok(Status::Success);
    }
    let Some(code) = rules::lookup(rule) else {
        let gate_ids: Vec<String> = Gate::ALL.iter().map(|&g| sarif::gate_rule_id(g)).collect();
        let names = RULES
            .iter()
            .flat_map(|r| [r.code, r.name])
            .chain(crate::target::ALL.iter().map(|t| t.name))
            .chain(gate_ids.iter().map(String::as_str));
        let best = crate::wording::did_you_mean(rule, names)
            .map(|near| format!("; {near}"))
            .unwrap_or_else(|| "; `tunelint rules` lists them all".into());
        bail!("unknown rule \"{rule}\"{best}");
    };
    let text = crate::docs::rule_text(code.meta());
    if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
        ignore_broken_pipe(e)?;
    }
    Ok(Status::Success)
}

fn init(force: bool, target: Option<&crate::target::Target>) -> Result<Status> {
    let path = Path::new("tunelint.toml");
    if !force {
        if path.symlink_metadata().is_ok() {
            bail!("tunelint.toml already exists; use --force to overwrite it");
        }
        // tunelint.toml is read before the other two: written beside them, it would take
        // their place without a word.
        let shadowed = if Path::new(".tunelint.toml").is_file() {
            Some(".tunelint.toml")
        } else if std::fs::read_to_string("pyproject.toml").is_ok_and(|t| {
            t.lines()
                .any(|l| l.trim_start().starts_with("[tool.tunelint"))
        }) {
            Some("pyproject.toml's [tool.tunelint]")
        } else {
            None
        };
        if let Some(existing) = shadowed {
            bail!(
                "this directory is configured by {existing}; a tunelint.toml beside it would be read instead (tunelint.toml comes first). Edit the existing configuration, or use --force to write tunelint.toml anyway"
            );
        }
    }
    // Written as every output is, to a temporary file renamed into place: a write that fails
    // part way (a full disk) leaves the old configuration whole, or no file at all, never a
    // cut-off starter that still parses. A link is replaced, not the file it names (which
    // may be shared elsewhere).
    let existed = path.symlink_metadata().is_ok();
    let mut out = OutputFile::create_over_link(path)?;
    let written = match out.write_all(config::starter(target).as_bytes()) {
        Ok(()) => out.commit(),
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        let kept = if existed {
            "; the existing tunelint.toml is left as it was"
        } else {
            ""
        };
        bail!(
            "could not write tunelint.toml: {}{kept}",
            crate::source::io_error_text(&e)
        );
    }
    match target {
        Some(t) => println!("wrote tunelint.toml for target {}", t.name),
        None => println!("wrote tunelint.toml"),
    }
    Ok(Status::Success)
}

/// The configuration of a run: none with `--isolated`, the file named by `--config`, or the
/// one discovered from `cwd` upwards.
/// Its warnings (settings with no effect) are said on standard error, unless `quiet`.
fn load_config(isolated: bool, explicit: Option<&Path>, cwd: &Path, quiet: bool) -> Result<Config> {
    let config = if isolated {
        Config::default()
    } else if let Some(path) = explicit {
        config::load(path).map_err(config_error)?
    } else {
        config::discover(cwd)
            .map_err(config_error)?
            .unwrap_or_default()
    };
    for warning in config.warnings.iter().filter(|_| !quiet) {
        crate::say!("tunelint: warning: {warning}");
    }
    Ok(config)
}

fn dedupe(args: crate::cli::DedupeArgs) -> Result<Status> {
    use crate::dedupe::{self, Reason};
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = load_config(args.isolated, args.config.as_deref(), &cwd, false)?;
    let from_stdin = args.input.as_os_str() == "-";
    // A file a LLaMA-Factory dataset_info.json declares is read with its columns, as `check`
    // reads it: otherwise dedupe would not see the duplicates check reports.
    let discovered = if from_stdin || !args.input.is_file() {
        discover::Discovered::default()
    } else {
        let is_excluded = |p: &Path| config.is_excluded(p);
        let is_included = |p: &Path| config.is_included(p);
        discover::discover(
            std::slice::from_ref(&args.input),
            &Exclusion {
                is_excluded: &is_excluded,
                is_included: &is_included,
                force: false,
                json_records_only: false,
                respect_ignore_files: config.respect_gitignore,
            },
        )?
    };
    let mut settings = settings_of(
        &config,
        &args.input,
        &CliOverrides::default(),
        &discovered.declared,
    )?;
    if let Some(t) = args.threshold {
        if !(t > 0.0 && t <= 1.0) {
            bail!("--threshold must be above 0 and at most 1, not {t}");
        }
        settings.dedup.threshold = t;
    }
    settings.dedup.exhaustive = args.exhaustive;
    // The copy is plain JSON Lines: under a compressed file's name, whatever reads it next
    // would try to decompress it.
    if let Some(out) = &args.output {
        let name = out.to_string_lossy().to_ascii_lowercase();
        if let Some(ext) = [".gz", ".zst", ".zstd", ".bz2", ".xz", ".zip", ".parquet"]
            .iter()
            .find(|ext| name.ends_with(**ext))
        {
            bail!(
                "-o {}: dedupe writes plain JSON Lines, not a {ext} file: name the copy .jsonl (and compress it afterwards if you need to)",
                out.display()
            );
        }
    }
    // `-`: standard input, kept in a temporary file for the two passes dedupe takes (one
    // to find the duplicates, one to copy what stays).
    let spooled = if from_stdin {
        Some(spool_stdin()?)
    } else {
        if !args.input.is_file() {
            let shown = args.input.display();
            match std::fs::metadata(&args.input) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => bail!("{shown}: no such file"),
                // A symbolic link loop, a folder without access on the way.
                Err(e) => bail!("{shown}: {}", crate::source::io_error_text(&e)),
                Ok(m) if m.is_dir() => {
                    bail!(
                        "{shown}: is a directory; dedupe rewrites one file (`tunelint check {shown}` lists the duplicates of every file in it)"
                    )
                }
                // A pipe, a device: read once, while dedupe reads its input twice.
                Ok(_) => bail!(
                    "{shown}: is not a regular file; dedupe reads its input twice: copy it to a file, or pipe it to `tunelint dedupe -`"
                ),
            }
        }
        None
    };
    let input_path = spooled.as_deref().unwrap_or(args.input.as_path());
    let output = if args.dry_run {
        None
    } else {
        args.output.as_deref()
    };
    let input = args.input.display().to_string();
    // `-o -`: the deduplicated data on standard output, what is said about it on standard
    // error; a reader that stops early (`| head`) ends the run quietly.
    let data_on_stdout = output.is_some_and(crate::output::is_stdout);
    // A duplicate rule set off is a decision about what counts as a duplicate.
    {
        use crate::registry::Code;
        for (code, what) in [(Code::D001, "exact"), (Code::D002, "near")] {
            if !settings.enabled(code) {
                crate::say!(
                    "tunelint: note: {code} {} is off in the configuration: dedupe keeps {what} duplicates",
                    code.meta().name
                );
            }
        }
    }
    let plan = match dedupe::dedupe(&dedupe::Request {
        display: &input,
        input: input_path,
        output,
        settings: &settings,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        force: args.force,
        from_stdin,
        read: &{
            let mut read = Inputs::default();
            add_read_besides_data(&mut read, &config, &discovered.registries);
            read
        },
    }) {
        Err(dedupe::DedupeError::Io { error, .. })
            if data_on_stdout && error.kind() == io::ErrorKind::BrokenPipe =>
        {
            return Ok(Status::Success);
        }
        plan => plan?,
    };
    let mut out: Box<dyn Write> = if data_on_stdout {
        Box::new(io::stderr().lock())
    } else {
        Box::new(io::stdout().lock())
    };
    let mut write = || -> io::Result<()> {
        if args.dry_run {
            for d in &plan.removals {
                match &d.reason {
                    Reason::Exact { of_line } => writeln!(
                        out,
                        "{input}:{}: would remove: exact duplicate of line {of_line}",
                        d.line
                    )?,
                    Reason::Near { of_line, similar } => writeln!(
                        out,
                        "{input}:{}: would remove: near-duplicate of line {of_line} ({similar})",
                        d.line,
                    )?,
                }
            }
        }
        let verb = if args.dry_run {
            "Would reduce"
        } else {
            "Reduced"
        };
        writeln!(
            out,
            "{verb} from {} to {}",
            crate::wording::thousands(plan.examples as u64),
            crate::wording::plural(plan.kept() as u64, "example")
        )
    };
    if let Err(e) = write() {
        ignore_broken_pipe(e)?;
    }
    Ok(Status::Success)
}

/// Standard input copied to a temporary file (removed when dropped), for a command that
/// reads its input more than once.
fn spool_stdin() -> Result<crate::interrupt::TempPath> {
    if !stdin_is_open() {
        bail!("standard input is closed or /dev/null; pipe a JSONL file into `tunelint dedupe -`");
    }
    let mut file = tempfile::Builder::new()
        .prefix(".tunelint-stdin-")
        .tempfile()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot keep standard input in a temporary file ({}): {}",
                std::env::temp_dir().display(),
                crate::source::io_error_text(&e)
            )
        })?;
    // Removed if the run is interrupted while it waits for standard input to end.
    let _copying = crate::interrupt::Pending::new(file.path());
    // The head first: binary data on standard input (/dev/zero has no end) is refused before
    // it fills the temporary directory.
    let mut stdin = io::stdin().lock();
    let mut head = Vec::new();
    let kept = (&mut stdin)
        .take(crate::source::HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .and_then(|_| {
            // A compressed stream or a table is told apart later, with what to do instead.
            let container = crate::source::Compression::sniff(&head).is_some()
                || crate::source::is_parquet(&head);
            if !container && let Some(why) = crate::rules::jsonl::not_jsonl::not_utf8_lines(&head) {
                return Err(io::Error::new(io::ErrorKind::InvalidData, why));
            }
            file.as_file_mut().write_all(&head)
        });
    if let Err(e) = kept {
        if e.kind() == io::ErrorKind::InvalidData {
            bail!("standard input: {e}");
        }
        bail!(
            "cannot keep standard input in a temporary file ({}): {}",
            file.path().display(),
            crate::source::io_error_text(&e)
        );
    }
    io::copy(&mut stdin, file.as_file_mut()).map_err(|e| {
        anyhow::anyhow!(
            "cannot keep standard input in a temporary file ({}): {}",
            file.path().display(),
            crate::source::io_error_text(&e)
        )
    })?;
    Ok(crate::interrupt::TempPath::new(file.into_temp_path()))
}

fn sample(args: crate::cli::SampleArgs) -> Result<Status> {
    use crate::sample::{self, Input, Request};
    if args.n == 0 {
        bail!("-n must be at least 1: a sample of no examples has nothing to read");
    }
    if args.width < crate::sample::MIN_WIDTH && args.format == crate::cli::SampleFormat::Text {
        bail!(
            "--width must be at least {}: the text is indented by 4 columns and wrapped at 20 or more",
            crate::sample::MIN_WIDTH
        );
    }
    let n = usize::try_from(args.n).unwrap_or(usize::MAX);
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = load_config(args.isolated, args.config.as_deref(), &cwd, false)?;
    let is_excluded = |p: &Path| config.is_excluded(p);
    let is_included = |p: &Path| config.is_included(p);
    let found = discover::discover(
        &args.paths,
        &Exclusion {
            is_excluded: &is_excluded,
            is_included: &is_included,
            force: false,
            json_records_only: false,
            respect_ignore_files: args.ignore_files.respect(config.respect_gitignore),
        },
    )?;
    if found.found.is_empty() {
        if let Some(why) = unwalked(
            &args.paths,
            &[],
            &found.linked,
            "tunelint sample",
            args.ignore_files.respect(config.respect_gitignore),
        ) {
            bail!("no dataset files to sample from: {why}");
        }
        bail!(
            "no dataset files to sample from; tunelint looks for *.jsonl and *.ndjson files, plain or compressed (.gz, .zst), *.parquet tables and the .json files a dataset_info.json lists (name a file explicitly to read it whatever its name)"
        );
    }
    // `sample data.jsonl --format jsonl >> data.jsonl` would add the sample to the dataset;
    // `sample . --format jsonl > sample.jsonl` made the empty file the walk found.
    let mut found = found;
    crate::output::drop_fresh_standard_output(&mut found.found);
    let mut read = Inputs::default();
    for f in &found.found {
        match f {
            Found::File(p) => read.add(p),
            Found::Stdin => read.add_stdin(),
        }
    }
    read.check_stdout()?;
    let mut inputs = Vec::with_capacity(found.found.len());
    for f in &found.found {
        let (display, source, path) = input_of(f, "tunelint sample -", None)?;
        let settings = settings_of(&config, path, &CliOverrides::default(), &found.declared)?;
        inputs.push(Input {
            display,
            source,
            settings,
        });
    }
    let request = Request {
        n,
        seed: args.seed,
        by_category: args.by == Some(crate::cli::SampleBy::Category),
    };
    let drawn = sample::sample(&inputs, &request)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        crate::cli::SampleFormat::Text => {
            sample::write_text(&mut out, &inputs, &drawn, &request, args.width)
        }
        crate::cli::SampleFormat::Jsonl => sample::write_jsonl(&mut out, &inputs, &drawn),
    }
    .and_then(|()| out.flush());
    if let Err(e) = written {
        ignore_broken_pipe(e)?;
    }
    Ok(Status::Success)
}

/// What `check` runs for: linting, or the `stats` report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Check,
    /// Token statistics on, no diagnostics, no gates: a report that never fails.
    Stats,
}

/// Why a walk of `paths` found no data file, when something kept them out: ignore files
/// (`dvc add` writes a `.gitignore` for the data it tracks; only when `respect_ignore_files`),
/// hidden names (`.data/`), or symbolic links to folders, which a walk does not follow
/// (`linked`, from discovery). Says which, and how to lint them all the same with
/// `command`. `None` when nothing kept data out. `walked`: the files the walk did find (and
/// the run then left out for a reason of its own, such as being the baseline), which no
/// ignore file kept out.
fn unwalked(
    paths: &[PathBuf],
    walked: &[Found],
    linked: &[PathBuf],
    command: &str,
    respect_ignore_files: bool,
) -> Option<String> {
    let dirs: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.iter().filter(|p| p.is_dir()).cloned().collect()
    };
    let mut ignored = if respect_ignore_files {
        crate::discover::ignored_data_files(&dirs)
    } else {
        Vec::new()
    };
    ignored.retain(|p| !walked.contains(&Found::File(p.clone())));
    let hidden = crate::discover::hidden_data_files(&dirs, respect_ignore_files);
    let kinds = [!linked.is_empty(), !ignored.is_empty(), !hidden.is_empty()];
    // One reason alone reads `the one data file there is ...`; several, `1 data file is`.
    let alone = kinds.iter().filter(|k| **k).count() == 1;
    let files_are = |n: usize| {
        if alone {
            the_data_files_there(n)
        } else if n == 1 {
            "1 data file is".to_string()
        } else {
            format!("{} data files are", crate::wording::thousands(n as u64))
        }
    };
    let mut why = Vec::new();
    if let Some(text) = linked_folders(linked, command) {
        why.push(text);
    }
    if let Some(first) = ignored.first() {
        let it = if ignored.len() > 1 { "one" } else { "it" };
        why.push(format!(
            "{} ignored by a .gitignore or .ignore file (name {it} to read it all the same: `{command} {}`; or walk without ignore files: --no-respect-gitignore)",
            files_are(ignored.len()),
            shell_word(first)
        ));
    }
    if let Some((_, first)) = hidden.first() {
        let mut parts: Vec<&PathBuf> = hidden.iter().map(|(_, part)| part).collect();
        parts.dedup();
        let it = if parts.len() > 1 { "one" } else { "it" };
        why.push(format!(
            "{} hidden (a walk skips files and folders whose names start with a dot; name {it} to read it all the same: `{command} {}`)",
            files_are(hidden.len()),
            shell_word(first)
        ));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// The symbolic links to folders of data a walk did not follow, in words, with the command
/// that lints the first; `None` when there are none.
fn linked_folders(linked: &[PathBuf], command: &str) -> Option<String> {
    let first = linked.first()?;
    let (what, it) = match linked.len() {
        1 => (
            format!("{} is a symbolic link to a folder", first.display()),
            "it",
        ),
        2 => (
            format!(
                "{} and 1 more are symbolic links to folders",
                first.display()
            ),
            "one",
        ),
        n => (
            format!(
                "{} and {} more are symbolic links to folders",
                first.display(),
                crate::wording::thousands(n as u64 - 1)
            ),
            "one",
        ),
    };
    Some(format!(
        "{what} of data files, which a walk does not follow (name {it} to lint it: `{command} {}`)",
        shell_word(first)
    ))
}

/// `path` as one word of a shell command: quoted unless it is made of letters, digits and
/// `._/-` only.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The paths a command names, as its messages quote them: `.` when it names none (the
/// current folder is walked).
fn named_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return ".".to_string();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `the one data file there is` or `the 3 data files there are all`, for the errors that
/// say why a folder with data has nothing to lint.
fn the_data_files_there(n: usize) -> String {
    match n {
        1 => "the one data file there is".to_string(),
        n => format!(
            "the {} data files there are all",
            crate::wording::thousands(n as u64)
        ),
    }
}

fn stats(mut args: CheckArgs) -> Result<Status> {
    // Its --format takes the report's formats only (`cli::STATS_FORMATS`).
    if args.sarif_file.is_some() {
        bail!("`stats` writes no diagnostics, so no SARIF: drop --sarif-file");
    }
    // The report is of the whole dataset, and it judges nothing: findings to judge against a
    // revision or to accept into a baseline are `check`'s.
    if args.diff_base.is_some() {
        bail!(
            "`stats` reports on the whole dataset; --diff-base judges the examples changed since a revision: use `tunelint check --diff-base REV`"
        );
    }
    if args.write_baseline.is_some() {
        bail!(
            "`stats` writes no diagnostics to accept: write a baseline with `tunelint check --write-baseline FILE`"
        );
    }
    // It passes no judgement: a gate given to it would be silently ignored.
    let judging = [
        (args.min_valid_pct.is_some(), "--min-valid-pct"),
        (args.max_duplicates.is_some(), "--max-duplicates"),
        (args.max_warnings.is_some(), "--max-warnings"),
        (args.exit_zero, "--exit-zero"),
    ];
    if let Some((_, flag)) = judging.iter().find(|(given, _)| *given) {
        bail!(
            "`stats` applies no gates and always exits 0 once the data is read: drop {flag}, or use `tunelint check {flag} ...`"
        );
    }
    if args.statistics {
        bail!("`stats` always reports the findings by rule: drop --statistics (it is `check`'s)");
    }
    // Every rule with findings, in every format: the report is read whole.
    args.statistics = true;
    args.format = Some(args.format.unwrap_or(OutputFormat::Full));
    args.token_stats = !args.no_tokens;
    check(args, Mode::Stats)
}

fn check(args: CheckArgs, mode: Mode) -> Result<Status> {
    if args.stdin_filename.is_some() && !args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("--stdin-filename names standard input, which is read only when a path is `-`");
    }
    if args.baseline.as_deref().is_some_and(output::is_stdout) {
        bail!(
            "--baseline names the baseline's file; `-` is not read as one (standard input is for data)"
        );
    }
    if args.no_tokens && mode == Mode::Check {
        bail!("--no-tokens is for `stats`; `check` counts tokens only with --token-stats");
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config = load_config(args.isolated, args.config.as_deref(), &cwd, args.quiet)?;
    let overrides = CliOverrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        warn: args.warn.clone(),
        min_valid_pct: args.min_valid_pct,
        max_duplicates: args.max_duplicates,
        max_warnings: args.max_warnings,
        format: None,
        target: args.target,
    };
    if let Some(p) = args.min_valid_pct
        && !(0.0..=100.0).contains(&p)
    {
        bail!("--min-valid-pct must be between 0 and 100, not {p}");
    }
    overrides.check_selectors().map_err(config_error)?;
    let gates_config = config.gates(&overrides);

    let is_excluded = |p: &Path| config.is_excluded(p);
    let is_included = |p: &Path| config.is_included(p);
    let discovered = discover::discover(
        &args.paths,
        &Exclusion {
            is_excluded: &is_excluded,
            is_included: &is_included,
            force: args.force_exclude,
            json_records_only: args.json_records_only,
            respect_ignore_files: args.ignore_files.respect(config.respect_gitignore),
        },
    )?;
    let command = if mode == Mode::Stats {
        "tunelint stats"
    } else {
        "tunelint"
    };
    if !args.quiet {
        for note in &discovered.notes {
            crate::say!("tunelint: note: {note}");
        }
        // When nothing else is linted, the error says it instead.
        if !discovered.found.is_empty()
            && let Some(linked) = linked_folders(&discovered.linked, command)
        {
            crate::say!("tunelint: note: not linted: {linked}");
        }
    }
    let linked = discovered.linked;
    let not_records = discovered.not_records;
    let mut found = discovered.found;
    // What the walk found, before the run leaves some out (the baseline, standard input's
    // file, the report the shell made): none of them was kept out by an ignore file.
    let walked = found.clone();
    let excluded_files = discovered.excluded;
    // `--stdin-filename s.jsonl - s.jsonl` (an editor passes the unsaved buffer and the
    // file): standard input stands for the file, which is not linted as well, under the same
    // name, as a second input.
    if let Some(name) = args.stdin_filename.as_deref() {
        let named = crate::output::identity(name);
        let before = found.len();
        found.retain(|f| match f {
            Found::File(p) => {
                p != name && !(named.is_some() && crate::output::identity(p) == named)
            }
            Found::Stdin => true,
        });
        if found.len() < before && !args.quiet {
            crate::say!(
                "tunelint: note: {} is read from standard input (--stdin-filename); the file itself is not linted",
                name.display()
            );
        }
    }

    // `--force-exclude` holds for the path standard input stands for, as for a file named:
    // an editor that pipes a buffer of an excluded file gets nothing reported.
    let stdin_excluded = args.force_exclude
        && args
            .stdin_filename
            .as_deref()
            .is_some_and(|name| config.is_excluded(name));
    if stdin_excluded {
        found.retain(|f| !matches!(f, Found::Stdin));
    }

    // The baseline read, in a walked folder (`data/baseline.json` with `include =
    // ["data/*.json"]`), is the run's own file, not data: linted, it failed the file-level
    // gate, and `--baseline F --write-baseline F` refused to refresh it as an input. (Only the
    // one read: a file that does not read as a baseline stops the run before anything is
    // written, where `--write-baseline` alone naming a data file must stay refused.)
    if let Some(id) = args.baseline.as_deref().and_then(crate::output::identity) {
        // Named as data as well: a slip (`check F --baseline F`) that would lint nothing.
        if let Some(named) = args
            .paths
            .iter()
            .find(|p| crate::output::identity(p).as_ref() == Some(&id))
        {
            bail!(
                "{} is named both as data to lint and as the --baseline file; a baseline holds accepted findings, not examples (name the dataset files to lint, and the baseline's JSON file after --baseline)",
                named.display()
            );
        }
        let before = found.len();
        found.retain(|f| match f {
            Found::File(p) => crate::output::identity(p).as_ref() != Some(&id),
            Found::Stdin => true,
        });
        // The walk's only data file was the baseline (a slip: `--baseline dd/a.jsonl`
        // meant a baseline beside the data): what is wrong is said, not that nothing was found.
        if found.is_empty()
            && before > 0
            && let Some(path) = args.baseline.as_deref()
        {
            // One that is no baseline at all says so, as it does beside other data.
            let _ = crate::baseline::read(path)?;
            let named = named_paths(&args.paths);
            bail!(
                "no dataset files to lint in {named}: the one data file there, {}, is the --baseline file, which is read as the baseline, not linted (name the data to lint, and the baseline's own file after --baseline)",
                path.display()
            );
        }
    }
    // `tunelint check . > report.jsonl`: the shell made the (empty) report before the walk
    // found it; it is this run's output, not data.
    crate::output::drop_fresh_standard_output(&mut found);

    if found.is_empty() {
        let named = named_paths(&args.paths);
        // pre-commit names the staged files; when configuration excludes all of them
        // (`--force-exclude`), there is nothing to do, and that is not an error.
        let all_excluded = args.force_exclude
            && !args.paths.is_empty()
            && args.paths.iter().all(|p| {
                if p.as_os_str() == "-" {
                    stdin_excluded
                } else {
                    p.is_file() && config.is_excluded(p)
                }
            });
        if all_excluded {
            if !args.quiet {
                crate::say!(
                    "tunelint: every file named is excluded by the configuration; nothing to lint"
                );
            }
            write_empty_reports(&args, &cwd)?;
            return Ok(Status::Success);
        }
        // `--json-records-only`: the staged .json files were configuration, not data.
        if let Some(first) = not_records.first() {
            if !args.quiet {
                crate::say!(
                    "tunelint: no file named holds records ({} is neither an array of records nor JSON Lines of them); nothing to lint",
                    first.display()
                );
            }
            write_empty_reports(&args, &cwd)?;
            return Ok(Status::Success);
        }
        if excluded_files > 0 {
            let config_file = config
                .path()
                .map_or("the configuration".into(), |p| p.display().to_string());
            let these = the_data_files_there(excluded_files);
            bail!(
                "no dataset files to lint in {named}: {these} excluded by `exclude` in {config_file} (remove the pattern that matches, or pass --isolated to ignore the configuration)"
            );
        }
        // Data files kept out of git (`dvc add` writes a `.gitignore` for them) are skipped
        // by the walk as the repository's own tools skip them, hidden ones as ripgrep skips
        // them, linked folders are not followed: say so, not "no files".
        if let Some(why) = unwalked(
            &args.paths,
            &walked,
            &linked,
            command,
            args.ignore_files.respect(config.respect_gitignore),
        ) {
            bail!("no dataset files to lint in {named}: {why}");
        }
        bail!(
            "no dataset files to lint in {named}; tunelint looks for *.jsonl and *.ndjson files, plain or compressed (.gz, .zst), *.parquet tables and the .json files a dataset_info.json lists (name a file explicitly to lint it whatever its name)"
        );
    }
    // `--context dataset`: the rest of the named files' datasets, read after them (file ids
    // from `judged_files` on), and neither reported on nor counted (`dataset::Role`).
    let judged_files = found.len();
    // What the rest of a dataset is: its data files, as a walk finds them, without the
    // excluded ones.
    let context_exclusion = Exclusion {
        is_excluded: &is_excluded,
        is_included: &is_included,
        force: true,
        json_records_only: args.json_records_only,
        respect_ignore_files: args.ignore_files.respect(config.respect_gitignore),
    };
    let context: Vec<PathBuf> = match args.context {
        ContextScope::Files => Vec::new(),
        ContextScope::Dataset => {
            // Standard input named with --stdin-filename stands for that file: its dataset's
            // other files are read, and the file itself (what the buffer replaces) is not.
            let named: Vec<PathBuf> = found
                .iter()
                .filter_map(|f| match f {
                    Found::File(p) => Some(p.clone()),
                    Found::Stdin => args.stdin_filename.clone(),
                })
                .collect();
            let context = rest_of_datasets(&named, &config, &context_exclusion).map_err(|e| {
                anyhow::anyhow!("cannot read the rest of the dataset (--context dataset): {e}")
            })?;
            // A `[[datasets]]` file is found from the configuration's directory: shown
            // from the current one when it is under it, as a walk shows it.
            context
                .into_iter()
                .map(|p| match p.strip_prefix(&cwd) {
                    Ok(rel) if p.is_absolute() => rel.to_path_buf(),
                    _ => p,
                })
                .collect()
        }
    };
    let found: Vec<Found> = found
        .into_iter()
        .chain(context.into_iter().map(Found::File))
        .collect();
    let mut jobs = Vec::with_capacity(found.len());
    for f in &found {
        let (display, source, path) = input_of(f, "tunelint -", args.stdin_filename.as_deref())?;
        let mut settings = settings_of(&config, path, &overrides, &discovered.declared)?;
        settings.token_stats = args.token_stats;
        let mut job = Job::new(display, source, settings);
        if jobs.len() >= judged_files {
            job.read_as_context();
        }
        jobs.push(job);
    }
    // An input that cannot be read twice (standard input, a pipe, a device), is compressed or
    // is a Parquet table is copied (as text) to a temporary file as it is read, so that its
    // lines can be read again by offset without holding it in memory. Lines are read again
    // only for the snippets of `full`, the dataset rules and `stats` (records shared,
    // clusters, fingerprints): only then is the copy made. It costs about as much CPU as
    // decompressing a .jsonl.zst, on the thread that decompresses.
    // The html page of `check` shows the dataset's figures of `stats` too: their collector
    // rides along only then, so `check` costs no more in the other formats.
    let html_page = main_format(&args) == OutputFormat::Html;
    let facts: &[&'static crate::dataset::FactKind] = match mode {
        Mode::Check if html_page => &[&crate::stats::STATS],
        Mode::Check => &[],
        Mode::Stats => &[&crate::stats::STATS],
    };
    let mut spools = Vec::new();
    if main_format(&args) == OutputFormat::Full || engine::reads_records_again(&jobs, facts) {
        for job in &mut jobs {
            if let Some(spool) = job
                .spool_if_needed()
                .context("cannot create a temporary file in the temporary folder ($TMPDIR) for an input read once or compressed")?
            {
                spools.push(spool);
            }
        }
    }
    if !args.quiet
        && let Some(note) = jobs.iter().find_map(|j| estimated_tokens_note(&j.settings))
    {
        crate::say!("tunelint: note: {note}");
    }
    // With no file to lint, still validate the command-line selectors.
    if jobs.is_empty() {
        config
            .settings_for(Path::new("-"), &overrides)
            .map_err(config_error)?;
    }

    // Standard input named with --stdin-filename is that file of its dataset (an editor's
    // buffer of `test.jsonl` is compared with `train.jsonl`, D003).
    let paths: Vec<Option<PathBuf>> = found
        .iter()
        .map(|f| match f {
            Found::File(p) => Some(p.clone()),
            Found::Stdin => args.stdin_filename.clone(),
        })
        .collect();
    let mut groups = crate::splits::groups(&paths, &config.datasets, config.root());
    // A dataset's files are read as one file in path order (which copy of a duplicate is the
    // first): the files read as context (`--context dataset`, file ids after the named
    // ones) take their place among the named ones, so the hook judges a staged record as a
    // run over the whole dataset does.
    // The path is the file's from the project root, as SARIF names it, whatever its spelling
    // on the command line (absolute, `x/../`, from a subfolder).
    let root = project_root(&args, &cwd);
    let order: Vec<String> = jobs
        .iter()
        .map(|j| crate::report::sarif::project_path(&root, &cwd, &j.display))
        .collect();
    in_path_order(&mut groups, &order);
    let split_groups = groups.splits;
    // An evaluation split beside its training file is not trained on: D004 passes over it,
    // its tokens are not billed, and the composition against the target leaves it out. Alone
    // in the run, a validation or test file may be what is uploaded to train.
    let evaluation =
        |i: usize| crate::dataset::is_evaluation(&split_groups, i as crate::diagnostic::FileId);
    for (i, job) in jobs.iter_mut().enumerate() {
        job.settings.evaluation_split = evaluation(i);
    }
    // --diff-base: which records are new; the others are read as context only.
    // Standard input is compared as what it is, not as the file on disk it is named after
    // (`--stdin-filename`): git has no version of an editor's buffer, so it is refused.
    let changes = match &args.diff_base {
        Some(rev) => {
            let compared: Vec<Option<PathBuf>> = found
                .iter()
                .zip(&paths)
                .map(|(f, p)| match f {
                    Found::File(_) => p.clone(),
                    Found::Stdin => None,
                })
                .collect();
            let changes = crate::diffbase::changes(rev, &cwd, &compared, &groups.datasets)?;
            if !args.quiet {
                for note in &changes.notes {
                    crate::say!("tunelint: note: {note}");
                }
            }
            Some(changes)
        }
        None => None,
    };
    let new_records = |file, line| {
        changes
            .as_ref()
            .is_some_and(|c| c.is_new_record(file, line))
    };
    let mut judged = crate::diffbase::Judged::new(found.len());

    let files: Vec<FileInfo> = jobs
        .iter()
        .map(|j| FileInfo::new(j.display.clone(), j.source.clone(), j.reread()))
        .collect();
    let mut inputs = Inputs::default();
    for f in &found {
        match f {
            Found::File(p) => inputs.add(p),
            Found::Stdin => inputs.add_stdin(),
        }
    }
    // The file standard input stands for (`--stdin-filename`) is the user's dataset too.
    if let Some(name) = args.stdin_filename.as_deref()
        && crate::output::identity(name).is_some()
    {
        inputs.add(name);
    }
    add_read_besides_data(&mut inputs, &config, &discovered.registries);
    // The baseline read may be the one written (`--baseline F --write-baseline F` refreshes
    // it), but no other output's.
    if let Some(path) = &args.baseline {
        inputs.add_other(path, BASELINE);
    }
    let mut outputs = open_outputs(&args, &cwd, &files, &inputs)?;

    // A baseline: findings accepted as they are (read before the run, written after it).
    let baseline_counts = match &args.baseline {
        Some(path) => crate::baseline::read(path)?,
        None => Default::default(),
    };
    let is_dataset_rule = |rule: &str| {
        crate::registry::Code::from_code(rule)
            .is_some_and(|c| matches!(c.rule().runs_on, crate::rules::RunsOn::Dataset { .. }))
    };
    // The files of the run whose datasets it did not read whole (a shard named alone,
    // without --context dataset): a dataset rule's entry about them may be about a pair in
    // a file that was not read, so it is neither stale nor dropped. Looked for (a walk of
    // their folders, as --context dataset walks) only when the baseline has such entries.
    let partial_datasets: Vec<bool> = if baseline_counts.keys().any(|k| is_dataset_rule(&k.rule))
        || args.write_baseline.is_some()
    {
        let named: Vec<PathBuf> = paths.iter().flatten().cloned().collect();
        match rest_of_datasets(&named, &config, &context_exclusion) {
            Ok(rest) => read_partly(&paths, rest, &config),
            Err(_) => vec![true; paths.len()],
        }
    } else {
        vec![false; paths.len()]
    };
    // A baseline written from part of a dataset holds the part's duplicates, which are not
    // the whole's (a copy whose first is in a shard not read is a near copy of something
    // else, or nothing): a run over the whole dataset may not match it. Said, not done for
    // the user: `--context dataset` reads the rest, and fails on a shard that cannot be read.
    if let Some(path) = &args.write_baseline
        && let Some(first) = partial_datasets
            .iter()
            .position(|&partly| partly)
            .and_then(|i| files.get(i))
    {
        let others = partial_datasets.iter().filter(|&&p| p).count() - 1;
        crate::say!(
            "tunelint: warning: --write-baseline {}: {}{} {} read without the rest of {} dataset, so the duplicate and leak entries written are the part's, which a run over the whole dataset may not match; write the baseline over the whole dataset, or add --context dataset",
            path.display(),
            crate::report::shown_path(&first.display),
            if others > 0 {
                format!(
                    " and {}",
                    crate::wording::plural(others as u64, "other file")
                )
            } else {
                String::new()
            },
            if others > 0 { "are" } else { "is" },
            if others > 0 { "their" } else { "its" },
        );
    }
    let baseline_out = match &args.write_baseline {
        Some(path) => {
            inputs.check_but("--write-baseline", path, Some(BASELINE))?;
            let others = [
                ("--output-file", &args.output_file),
                ("--sarif-file", &args.sarif_file),
                ("--json-file", &args.json_file),
                ("--json-summary-file", &args.json_summary_file),
                ("--summary-file", &args.summary_file),
            ];
            let mut named: Vec<(&str, &Path)> = others
                .into_iter()
                .filter_map(|(option, p)| p.as_deref().map(|p| (option, p)))
                .collect();
            named.push(("--write-baseline", path.as_path()));
            crate::output::check_distinct(&named)?;
            Some(crate::baseline::create(path)?)
        }
        None => None,
    };
    let dir = |p: &Option<PathBuf>| p.as_deref().map(crate::baseline::dir_of);
    let baseline_dirs = (
        dir(&args.baseline)
            .or_else(|| dir(&args.write_baseline))
            .unwrap_or_else(|| PathBuf::from(".")),
        dir(&args.write_baseline)
            .or_else(|| dir(&args.baseline))
            .unwrap_or_else(|| PathBuf::from(".")),
    );
    let read_keys = crate::baseline::key_paths(&paths, &baseline_dirs.0);
    let matcher = (args.baseline.is_some() || args.write_baseline.is_some()).then(|| {
        crate::baseline::Matcher::new(
            baseline_counts,
            read_keys.clone(),
            crate::baseline::key_paths(&paths, &baseline_dirs.1),
            args.write_baseline.is_some(),
        )
    });
    let keep = |d: &crate::diagnostic::Diagnostic| matcher.as_ref().is_none_or(|m| m.keep(d));

    let threads = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let total_bytes: u64 = jobs
        .iter()
        .filter_map(|j| match &j.source {
            InputSource::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            _ => None,
        })
        .sum();
    let progress = Progress::default();
    // Findings printed to the terminal while the run goes on replace the progress line.
    let terminal = io::stdout().is_terminal() && args.output_file.is_none();
    let run = std::thread::scope(|scope| {
        if !args.quiet {
            scope.spawn(|| progress.show(total_bytes));
        }
        let run_options = engine::RunOptions {
            threads,
            progress: Some(&progress.read),
            splits: split_groups.clone(),
            datasets: groups.datasets.clone(),
            keep: matcher.is_some().then_some(&keep as _),
            facts: facts.to_vec(),
            new_records: changes.is_some().then_some(&new_records as _),
            occurrences: outputs.iter().any(|o| o.renderer.wants_occurrences()),
            ..engine::RunOptions::default()
        };
        let run = engine::run_with_facts(&jobs, &run_options, &mut |d| {
            // `stats` lists no finding; the html page shows a few of each rule all the same.
            if mode == Mode::Stats {
                for o in outputs
                    .iter_mut()
                    .filter(|o| o.error.is_none() && o.renderer.lists_findings_in_report())
                {
                    if let Err(e) = o.renderer.diagnostic(&mut o.out, d, &files) {
                        o.error = Some(e);
                    }
                }
                return;
            }
            if let Some(c) = &changes
                && !judged.note(c, d)
            {
                for o in outputs.iter_mut().filter(|o| o.error.is_none()) {
                    if let Err(e) = o.renderer.preexisting(&mut o.out, d, &files) {
                        o.error = Some(e);
                    }
                }
                return;
            }
            if terminal {
                progress.yield_to_output();
            }
            for o in outputs.iter_mut().filter(|o| o.error.is_none()) {
                if let Err(e) = o.renderer.diagnostic(&mut o.out, d, &files) {
                    o.error = Some(e);
                }
            }
        });
        progress.finish();
        run
    });
    let (mut summaries, facts) = match run {
        Ok(run) => run,
        // tunelint's copy of an input could not be written: said as that, not as the input
        // being unreadable.
        Err(e) if engine::SpoolError::of(&e).is_some() => {
            return Err(anyhow::Error::new(e));
        }
        Err(e) => {
            return Err(anyhow::Error::new(e)
                .context("cannot keep the findings in order (writing a temporary file failed)"));
        }
    };
    // The files read to their end: a baseline's entries about the others (a truncated
    // archive, a Git LFS pointer, a binary file) were not looked for, so they are not stale.
    let read_through: Vec<bool> = summaries
        .iter()
        .map(|s| {
            s.io_error.is_none()
                && s.count_code(crate::registry::Code::J006) == 0
                && s.count_code(crate::registry::Code::J007) == 0
        })
        .collect();

    // Evaluation splits are not billed (`evaluation`, above).
    for (i, s) in summaries.iter_mut().enumerate() {
        if let Some(t) = s.tokens.as_mut().filter(|_| evaluation(i)) {
            t.evaluation_split = true;
        }
    }
    let mut total = FileSummary::default();
    for s in &summaries[..judged_files] {
        total.add(s);
    }
    let context = (args.context == ContextScope::Dataset).then(|| crate::report::ContextRead {
        files: (summaries.len() - judged_files) as u64,
        examples: summaries[judged_files..].iter().map(|s| s.examples).sum(),
    });
    // --diff-base: the summaries show the changed records; the gates judge them unless
    // --gate-scope all.
    let gates_all = args.gate_scope == Some(crate::cli::GateScope::All);
    let all_total = total.clone();
    let diff = match &changes {
        Some(c) => {
            // The context files (`--context dataset`) stay out of the judged records, the
            // records read and the total: the context note counts them.
            let (diff, judged_summaries) = judged.finish(c, &summaries[..judged_files], gates_all);
            summaries.splice(..judged_files, judged_summaries);
            total = FileSummary::default();
            for s in &summaries[..judged_files] {
                total.add(s);
            }
            Some(diff)
        }
        None => None,
    };
    let gated = if gates_all { &all_total } else { &total };
    // An entry is stale only where the run linted its file, read through, with its rule on;
    // the others (the rest of a pre-commit hook's files, rules left out by --select, a file
    // that could not be read this time) are kept as they are.
    // A dataset rule's finding (a duplicate pair, a file's composition) also depends on the
    // other files read: none of its entries is stale when one of them was not read through.
    let all_read_through = read_through.iter().all(|&r| r);
    // So does one of a file whose dataset the run did not read whole (`partial_datasets`).
    let linted = |key: &crate::baseline::Key| {
        let code = crate::registry::Code::from_code(&key.rule);
        let dataset_rule = is_dataset_rule(&key.rule);
        read_keys.iter().enumerate().any(|(i, path)| {
            *path == key.path
                && read_through.get(i).copied().unwrap_or(false)
                && (!dataset_rule
                    || (all_read_through && !partial_datasets.get(i).copied().unwrap_or(true)))
                && jobs.get(i).is_some_and(|job| {
                    job.role == crate::dataset::Role::Judged
                        && code.is_some_and(|c| job.settings.enabled(c))
                })
        })
    };
    let carried = |path: &str| {
        if path == "-" || baseline_dirs.0 == baseline_dirs.1 {
            return Some(path.to_owned());
        }
        let full = baseline_dirs.0.join(path);
        crate::baseline::key_paths(&[Some(full)], &baseline_dirs.1).pop()
    };
    let baseline = matcher.map(|m| m.finish(&linted, &carried));
    let baseline_counts = baseline
        .as_ref()
        .filter(|_| args.baseline.is_some())
        .map(|b| crate::report::BaselineCounts {
            suppressed: if args.write_baseline.is_some() {
                0
            } else {
                b.suppressed
            },
            stale: b.stale.values().map(|&n| u64::from(n)).sum(),
        });
    let unreadable: Vec<(&FileInfo, &String)> = files
        .iter()
        .zip(&summaries)
        .filter_map(|(f, s)| s.io_error.as_ref().map(|e| (f, e)))
        .collect();
    let gate_outcomes = match mode {
        Mode::Check => {
            // With --diff-base, examples read but none changed: nothing new to judge.
            let unchanged_since = changes
                .as_ref()
                .filter(|_| !gates_all && all_total.examples > 0)
                .map(|c| c.rev.as_str());
            gates::evaluate(gated, unreadable.len(), &gates_config, unchanged_since)
        }
        Mode::Stats => Vec::new(),
    };
    // `stats` fails no gate; its html page and json say what `check` would decide, as
    // information.
    let check_gates = match mode {
        Mode::Stats => gates::evaluate(gated, unreadable.len(), &gates_config, None),
        _ => Vec::new(),
    };
    let failed = gate_outcomes.iter().any(|g| !g.passed);
    // `--quiet` with nothing reported: the failed gates' lines, for standard error.
    let nothing_reported = total.counts.iter().flatten().all(|&n| n == 0);
    let failed_gates: Vec<String> = gate_outcomes
        .iter()
        .filter(|g| !g.passed && nothing_reported)
        .map(|g| g.line())
        .collect();
    // The dataset's charts and tables, as `stats` draws them.
    let dataset_report = || {
        // The dataset of each file as the duplicate rules see them: its group's, or its own.
        let mut group_of = vec![None; judged_files];
        for (g, members) in groups.datasets.iter().enumerate() {
            for &f in members {
                if let Some(slot) = group_of.get_mut(f as usize) {
                    slot.get_or_insert(g);
                }
            }
        }
        let dataset_of = |f: usize| group_of[f].unwrap_or(groups.datasets.len() + f);
        let inputs: Vec<crate::stats::Input<'_>> = files[..judged_files]
            .iter()
            .zip(&facts)
            .enumerate()
            .map(|(i, (f, facts))| crate::stats::Input {
                display: &f.display,
                facts,
                dataset: dataset_of(i),
                evaluation: evaluation(i),
            })
            .collect();
        crate::stats::report(&inputs, &total)
    };
    let mut page = crate::report::PageExtras {
        gates: check_gates,
        ..Default::default()
    };
    let (charts, tables) = match mode {
        // The verdict's charts (composition, token lengths) for the markdown job summary
        // and html; the terminal report draws the composition (its tokens table has the
        // lengths).
        Mode::Check => {
            // The html page carries the dataset's report as well (PRODUCT.md §7).
            if html_page {
                (page.charts, page.tables) = dataset_report();
            }
            // The composition is B002's: of the training files, not the evaluation splits
            // it does not judge.
            let trained: Vec<&crate::dataset::FileFacts> = facts[..judged_files]
                .iter()
                .enumerate()
                .filter(|&(i, _)| !evaluation(i))
                .map(|(_, f)| f)
                .collect();
            match jobs.first() {
                Some(job) => (
                    crate::stats::verdict_charts(
                        &trained,
                        &job.settings.composition.targets,
                        &total,
                    ),
                    Vec::new(),
                ),
                None => (Vec::new(), Vec::new()),
            }
        }
        Mode::Stats => dataset_report(),
    };
    drop(facts);
    // Context files come after the judged ones: the summary lists only the judged.
    let summary = RunSummary {
        files: &files[..judged_files],
        summaries: &summaries[..judged_files],
        total,
        gates: gate_outcomes,
        diff,
        charts,
        tables,
        context,
        baseline: baseline_counts,
        page,
    };
    for o in outputs.iter_mut().filter(|o| o.error.is_none()) {
        if let Err(e) = o
            .renderer
            .finish(&mut o.out, &summary)
            .and_then(|_| o.out.flush())
        {
            o.error = Some(e);
        }
    }
    // A file that could not be written is an error (and the file keeps its old content);
    // the main output's closed pipe is not: `tunelint | head` stops reading, and the run's
    // status is still the gates' verdict.
    let mut failure = None;
    for o in outputs {
        let path = o.out.path().map(Path::to_path_buf);
        let result = match o.error {
            Some(e) => Err(e),
            None => o.out.commit(),
        };
        match (result, path) {
            (Ok(()), _) => {}
            (Err(e), Some(path)) => {
                failure.get_or_insert_with(|| {
                    anyhow::anyhow!(
                        "cannot write {}: {}",
                        path.display(),
                        crate::source::io_error_text(&e)
                    )
                });
            }
            (Err(e), None) => {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    failure.get_or_insert_with(|| {
                        anyhow::anyhow!(
                            "cannot write to standard output: {}",
                            crate::source::io_error_text(&e)
                        )
                    });
                }
            }
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    if let Some(outcome) = baseline {
        report_baseline(&args, outcome, baseline_out)?;
    }
    for (f, e) in &unreadable {
        // The path masked as in every other error (a key pasted into a folder's name).
        crate::say!(
            "tunelint: error: {}: could not be read: {e}",
            crate::wording::mask_secrets(&f.display)
        );
    }
    // `--quiet` keeps standard output to the diagnostics (the text formats leave the summary
    // out); a run that fails with no diagnostic to explain it (files without examples) still
    // says why, on standard error.
    if args.quiet
        && matches!(
            main_format(&args),
            OutputFormat::Full | OutputFormat::Concise
        )
    {
        for line in &failed_gates {
            crate::say!("tunelint: {line}");
        }
    }
    Ok(if !unreadable.is_empty() {
        Status::Error
    } else if failed && !args.exit_zero {
        Status::Failure
    } else {
        Status::Success
    })
}

/// Stale baseline entries listed one by one on standard error; the rest are counted. A
/// baseline written before a large clean-up can hold a hundred thousand of them, megabytes
/// of log that bury the report, and rewriting the baseline lists them all in its diff.
const STALE_LISTED: usize = 20;

/// Writes the new baseline (`--write-baseline`) and says on stderr what the baseline did:
/// how many findings it kept from the report, and which of its entries matched nothing.
fn report_baseline(
    args: &CheckArgs,
    outcome: crate::baseline::Outcome,
    out: Option<crate::output::OutputFile>,
) -> Result<()> {
    let plural = |n: u64, one: &str, many: &str| {
        format!(
            "{} {}",
            crate::wording::thousands(n),
            if n == 1 { one } else { many }
        )
    };
    if let (Some(path), false) = (&args.baseline, args.quiet) {
        let path = path.display();
        if outcome.suppressed > 0 && args.write_baseline.is_none() {
            crate::say!(
                "tunelint: baseline {path}: {} not reported (recorded in the baseline)",
                plural(outcome.suppressed, "finding", "findings")
            );
        }
        let stale: u64 = outcome.stale.values().map(|&n| u64::from(n)).sum();
        if stale > 0 {
            crate::say!(
                "tunelint: baseline {path}: {} no longer found (fixed or deleted); --write-baseline {path} drops {}:",
                plural(stale, "entry", "entries"),
                if stale == 1 { "it" } else { "them" }
            );
            for (key, n) in outcome.stale.iter().take(STALE_LISTED) {
                let times = if *n > 1 {
                    format!(" ({} times)", crate::wording::thousands(u64::from(*n)))
                } else {
                    String::new()
                };
                crate::say!(
                    "  {} {} {:016x}{times}",
                    crate::report::shown_path(&key.path),
                    key.rule,
                    key.fingerprint
                );
            }
            if outcome.stale.len() > STALE_LISTED {
                crate::say!(
                    "  and {} more (the diff of {path} after --write-baseline {path} lists every one)",
                    crate::wording::thousands((outcome.stale.len() - STALE_LISTED) as u64)
                );
            }
        }
    }
    if let (Some(out), Some(path)) = (out, &args.write_baseline) {
        let written: u64 = outcome.seen.values().map(|&n| u64::from(n)).sum();
        crate::baseline::write(out, &outcome.seen)?;
        if !args.quiet {
            crate::say!(
                "tunelint: wrote {} to the baseline {} (not reported)",
                plural(written, "finding", "findings"),
                path.display()
            );
        }
    }
    Ok(())
}

/// A renderer and where it writes.
struct Output {
    format: OutputFormat,
    renderer: Box<dyn Renderer>,
    out: Sink,
    /// The first write error; the renderer is not called again after it.
    error: Option<io::Error>,
}

/// The files of the datasets `named` belong to (their other shards and splits, the other
/// files of a `[[datasets]]` group) that are not among them, as `--context dataset` reads.
fn rest_of_datasets(
    named: &[PathBuf],
    config: &Config,
    exclusion: &Exclusion<'_>,
) -> Result<Vec<PathBuf>, discover::DiscoverError> {
    let mut walk_error = None;
    let rest = crate::splits::dataset_context(
        named,
        &config.datasets,
        config.root(),
        &mut |dir, depth| match discover::near(dir, depth, exclusion) {
            Ok(files) => files,
            Err(e) => {
                walk_error.get_or_insert(e);
                Vec::new()
            }
        },
        &mut |file| discover::declared_with(file, exclusion),
    );
    match walk_error {
        Some(e) => Err(e),
        None => Ok(rest),
    }
}

/// For each of the run's files (`paths`), whether a dataset or split group it belongs to
/// has a file of `rest` (files the run did not read).
fn read_partly(paths: &[Option<PathBuf>], rest: Vec<PathBuf>, config: &Config) -> Vec<bool> {
    let n = paths.len();
    let mut partly = vec![false; n];
    if rest.is_empty() {
        return partly;
    }
    let all: Vec<Option<PathBuf>> = paths
        .iter()
        .cloned()
        .chain(rest.into_iter().map(Some))
        .collect();
    let groups = crate::splits::groups(&all, &config.datasets, config.root());
    let members = groups.datasets.iter().map(|m| m.to_vec()).chain(
        groups
            .splits
            .iter()
            .map(|g| g.train.iter().chain(&g.eval).copied().collect()),
    );
    for members in members {
        if members.iter().any(|&f| f as usize >= n) {
            for &f in members.iter().filter(|&&f| (f as usize) < n) {
                partly[f as usize] = true;
            }
        }
    }
    partly
}

/// Orders the files of each dataset, and each split group's training files, by `order`
/// (each file's path), then file id.
fn in_path_order<K: Ord>(groups: &mut crate::splits::Groups, order: &[K]) {
    let key = |&f: &crate::diagnostic::FileId| (order.get(f as usize), f);
    for members in &mut groups.datasets {
        members.sort_by(|a, b| key(a).cmp(&key(b)));
    }
    for group in &mut groups.splits {
        group.train.sort_by(|a, b| key(a).cmp(&key(b)));
        group.eval.sort_by(|a, b| key(a).cmp(&key(b)));
    }
}

/// The folder paths are reported from in SARIF and annotations: `--project-root`, or the
/// root of the git checkout the run is in, or the current directory outside one.
fn project_root(args: &CheckArgs, cwd: &Path) -> PathBuf {
    args.project_root
        .clone()
        .or_else(|| repository_root(cwd))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The root of the git checkout `cwd` is in: the nearest folder, `cwd` or above, that holds
/// `.git` (a folder, or the file of a worktree or a submodule).
fn repository_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// What the file `--baseline` names is to a run, for [`Inputs`].
const BASELINE: &str = "the baseline";

/// The main output (`--format` to stdout or `--output-file`) first, then the extra files
/// (`--sarif-file`, `--json-file`, `--json-summary-file`, `--summary-file`), all opened
/// before linting starts so a wrong path fails at once.
/// A run that succeeds with nothing to lint (`--force-exclude` excluded every file named, or
/// `--json-records-only` was given no records) still writes the machine-read reports asked
/// for (`--format json` or `sarif`, `--sarif-file`, `--json-file`, `--json-summary-file`),
/// with no file in them: the
/// step after it (code scanning's upload, a `jq`) finds what it reads. The other formats
/// have the message on standard error.
fn write_empty_reports(args: &CheckArgs, cwd: &Path) -> Result<()> {
    let machine = |f: OutputFormat| matches!(f, OutputFormat::Json | OutputFormat::Sarif);
    if !machine(main_format(args))
        && args.sarif_file.is_none()
        && args.json_file.is_none()
        && args.json_summary_file.is_none()
    {
        return Ok(());
    }
    // The files named were not read, but no report may land on one of them.
    let mut inputs = Inputs::default();
    for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        inputs.add(path);
    }
    let summary = RunSummary {
        files: &[],
        summaries: &[],
        total: FileSummary::default(),
        gates: Vec::new(),
        diff: None,
        charts: Vec::new(),
        tables: Vec::new(),
        context: None,
        baseline: None,
        page: Default::default(),
    };
    for mut o in open_outputs(args, cwd, &[], &inputs)? {
        if machine(o.format) {
            o.renderer.finish(&mut o.out, &summary)?;
            o.out.flush()?;
            o.out.commit()?;
        }
    }
    Ok(())
}

fn open_outputs(
    args: &CheckArgs,
    cwd: &Path,
    files: &[FileInfo],
    inputs: &Inputs,
) -> Result<Vec<Output>> {
    let stdout_tty = io::stdout().is_terminal();
    let format = main_format(args);
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // NO_COLOR (no-color.org) turns colour off; CLICOLOR_FORCE or FORCE_COLOR
        // (force-color.org), set and not 0, turns it on where standard output is not a
        // terminal (a pager, CI logs), as in ruff and cargo.
        ColorChoice::Auto => {
            let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
            let forced = ["CLICOLOR_FORCE", "FORCE_COLOR"]
                .iter()
                .any(|name| set(name) && std::env::var_os(name).unwrap_or_default() != "0");
            args.output_file.is_none() && !set("NO_COLOR") && (stdout_tty || forced)
        }
    };
    let options = RenderOptions {
        color,
        quiet: args.quiet,
        statistics: args.statistics,
    };

    // Code scanning places a finding by its path from the repository's root: by default,
    // the root of the git checkout the run is in (a step with `working-directory: data`
    // still writes `data/train.jsonl`), or the current directory outside one.
    let root = project_root(args, cwd);
    if let Some(dir) = &args.project_root
        && !dir.is_dir()
    {
        bail!("--project-root {}: not a directory", dir.display());
    }
    let paths: Vec<String> = files
        .iter()
        .map(|f| sarif::project_path(&root, cwd, &f.display))
        .collect();
    let uris: Vec<String> = files
        .iter()
        .map(|f| sarif::project_uri(&root, cwd, f))
        .collect();
    let wants_paths =
        args.sarif_file.is_some() || matches!(format, OutputFormat::Sarif | OutputFormat::Github);
    if wants_paths && let Some(outside) = paths.iter().find(|p| p.starts_with("../")) {
        crate::say!(
            "tunelint: warning: {outside} is outside the project root {}; code scanning cannot show findings there (set --project-root to the repository root)",
            root.display()
        );
    }
    if wants_paths && files.iter().any(|f| f.display == "-") {
        crate::say!(
            "tunelint: warning: standard input has no path, so code scanning and annotations cannot place its findings; name it with --stdin-filename PATH"
        );
    }

    // A file in an Actions runner's temporary folder (a step's scratch report, read by a
    // later command) is emptied with the job and opened by nobody: not the place to send a
    // reader of the log.
    let runner_temp = std::env::var_os("RUNNER_TEMP").filter(|t| !t.is_empty());
    // A file the reader of the log can open: not one in the runner's temporary folder, nor
    // standard output (`--sarif-file -`), which is the log itself, nor a device or a pipe
    // (`/dev/stdout`, `/dev/null`).
    let readable = |p: &&PathBuf| {
        !crate::output::is_stdout(p)
            && !std::fs::metadata(p).is_ok_and(|m| !m.is_file())
            && runner_temp
                .as_ref()
                .is_none_or(|t| !p.starts_with(Path::new(t)))
    };
    let full_list = args
        .sarif_file
        .as_ref()
        .filter(readable)
        .or(args.json_file.as_ref().filter(readable))
        .map(|p| p.display().to_string());
    let renderer = |format: OutputFormat| -> Box<dyn Renderer> {
        match format {
            OutputFormat::Full => Box::new(Full::new(options)),
            OutputFormat::Concise => Box::new(Concise { options }),
            OutputFormat::Json => Box::new(Json::new()),
            OutputFormat::Sarif => Box::new(
                Sarif::new(paths.clone())
                    .with_uris(uris.clone())
                    .with_diff_base(args.diff_base.is_some()),
            ),
            OutputFormat::Github => {
                Box::new(Github::new(options, paths.clone(), full_list.clone()))
            }
            OutputFormat::Markdown => Box::new(Markdown::new(options.statistics)),
            OutputFormat::Html => Box::new(Html::new()),
        }
    };
    // `-` is standard output, where the report goes unless `-o FILE` sends it elsewhere: one
    // output at most may take it.
    if args.output_file.as_deref().is_none_or(output::is_stdout) {
        let extra = [
            ("--sarif-file", &args.sarif_file),
            ("--json-file", &args.json_file),
            ("--json-summary-file", &args.json_summary_file),
            ("--summary-file", &args.summary_file),
            ("--write-baseline", &args.write_baseline),
        ];
        if let Some((option, path)) = extra
            .iter()
            .find(|(_, p)| p.as_deref().is_some_and(output::is_standard_output))
        {
            let shown = path
                .as_deref()
                .map_or_else(|| "-".into(), |p| p.display().to_string());
            bail!(
                "{option} {shown} would write to standard output, where the report goes; give it a file, or send the report to one with -o FILE"
            );
        }
    }
    // No output may land on an input or on another output, however it is spelt.
    let named: Vec<(&str, &Path)> = [
        ("--output-file", &args.output_file),
        ("--sarif-file", &args.sarif_file),
        ("--json-file", &args.json_file),
        ("--json-summary-file", &args.json_summary_file),
        ("--summary-file", &args.summary_file),
    ]
    .into_iter()
    .filter_map(|(option, path)| path.as_deref().map(|p| (option, p)))
    .collect();
    for (option, path) in &named {
        inputs.check(option, path)?;
    }
    output::check_distinct(&named)?;

    let main_out = match &args.output_file {
        Some(path) => Sink::File(OutputFile::create(path)?),
        None => {
            inputs.check_stdout()?;
            Sink::Stdout(BufWriter::new(io::stdout().lock()))
        }
    };
    let mut outputs = vec![Output {
        format,
        renderer: renderer(format),
        out: main_out,
        error: None,
    }];
    for (path, format) in [
        (&args.sarif_file, OutputFormat::Sarif),
        (&args.json_file, OutputFormat::Json),
    ] {
        if let Some(path) = path {
            outputs.push(Output {
                format,
                renderer: renderer(format),
                out: Sink::File(OutputFile::create(path)?),
                error: None,
            });
        }
    }
    if let Some(path) = &args.json_summary_file {
        outputs.push(Output {
            format: OutputFormat::Json,
            renderer: Box::new(crate::report::json::JsonSummary),
            out: Sink::File(OutputFile::create(path)?),
            error: None,
        });
    }
    if let Some(path) = &args.summary_file {
        // $GITHUB_STEP_SUMMARY collects every step's summary: append, never truncate.
        outputs.push(Output {
            format: OutputFormat::Markdown,
            renderer: renderer(OutputFormat::Markdown),
            out: Sink::File(OutputFile::append(path)?),
            error: None,
        });
    }
    Ok(outputs)
}

/// Where an output goes: standard output, or a file committed at the end of the run.
enum Sink {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File(OutputFile),
}

impl Sink {
    /// The file written; `None` for standard output (`-` too: a reader that stops early is
    /// no error there).
    fn path(&self) -> Option<&Path> {
        match self {
            Sink::Stdout(_) => None,
            Sink::File(f) if output::is_stdout(f.path()) => None,
            Sink::File(f) => Some(f.path()),
        }
    }

    /// Puts a finished file in place (standard output is only flushed).
    fn commit(self) -> io::Result<()> {
        match self {
            Sink::Stdout(mut out) => out.flush(),
            Sink::File(f) => f.commit(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(data),
            Sink::File(f) => f.write(data),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// A configuration error: one line saying what and where, then the TOML line it is about.
/// The format of the main output: `--format`, else `github` in GitHub Actions, `full` on a
/// terminal, `concise` otherwise.
fn main_format(args: &CheckArgs) -> OutputFormat {
    let github_actions = std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    args.format.unwrap_or(if github_actions {
        OutputFormat::Github
    } else if io::stdout().is_terminal() && args.output_file.is_none() {
        OutputFormat::Full
    } else {
        OutputFormat::Concise
    })
}

/// An input as the engine reads it: its name as shown, its source, and the path its
/// settings are resolved for (`-` for standard input, or `stdin_name` given with
/// `--stdin-filename`; `pipe` tells how to fill it when it is closed).
fn input_of<'a>(
    f: &'a Found,
    pipe: &str,
    stdin_name: Option<&'a Path>,
) -> Result<(String, InputSource, &'a Path)> {
    Ok(match f {
        Found::File(p) => (
            // A file named `-` is not standard input: shown (and kept in a baseline) as `./-`.
            if p.as_os_str() == "-" {
                "./-".to_string()
            } else {
                p.display().to_string()
            },
            InputSource::File(p.clone()),
            p.as_path(),
        ),
        Found::Stdin => {
            if !stdin_is_open() {
                bail!("standard input is closed or /dev/null; pipe a JSONL file into `{pipe}`");
            }
            match stdin_name {
                Some(name) => (name.display().to_string(), InputSource::Stdin, name),
                None => ("-".to_string(), InputSource::Stdin, Path::new("-")),
            }
        }
    })
}

/// What a run reads besides the data, which no output may overwrite either: the
/// configuration, the dataset registries, the benchmark and tokenizer files it names.
fn add_read_besides_data(inputs: &mut Inputs, config: &Config, registries: &[PathBuf]) {
    if let Some(path) = config.path() {
        inputs.add_other(path, "the configuration");
    }
    for registry in registries {
        inputs.add_other(registry, "the dataset registry");
    }
    for bench in config.contamination.files() {
        inputs.add_other(bench, "a benchmark file");
    }
    for model in config.tokens.model.iter() {
        for file in model.files() {
            inputs.add_other(file, "a tokenizer file");
        }
    }
}

/// The settings of the file at `path`: the configuration's, and a file a LLaMA-Factory
/// dataset_info.json names is read as that entry declares.
fn settings_of(
    config: &Config,
    path: &Path,
    overrides: &CliOverrides,
    declared: &std::collections::BTreeMap<PathBuf, Arc<crate::declared::Declared>>,
) -> Result<crate::settings::Settings> {
    let mut settings = config.settings_for(path, overrides).map_err(config_error)?;
    // A registry spells its files from its own path; the run may spell one otherwise (a
    // context file shown from the current directory, a registry named by absolute path).
    let found = declared.get(path).or_else(|| {
        if declared.is_empty() {
            return None;
        }
        let file = std::fs::canonicalize(path).ok()?;
        declared
            .iter()
            .find(|(p, _)| std::fs::canonicalize(p).is_ok_and(|p| p == file))
            .map(|(_, d)| d)
    });
    if let Some(declared) = found {
        settings.declared = Some(Arc::clone(declared));
        settings.format = crate::settings::FormatChoice::LlamaFactory;
        settings.format_source = None;
    }
    Ok(settings)
}

fn config_error(e: config::ConfigError) -> anyhow::Error {
    match e.snippet() {
        Some(snippet) => anyhow::anyhow!("{e}\n{snippet}"),
        None => anyhow::anyhow!("{e}"),
    }
}

/// Whether standard input is open. Rust's runtime reopens a closed descriptor 0 as
/// `/dev/null` before `main`, so a closed standard input (`tunelint - <&-`) shows as
/// `/dev/null`, which is refused too: neither is a dataset piped in.
fn stdin_is_open() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let Ok(fd) = io::stdin().as_fd().try_clone_to_owned() else {
            return false;
        };
        use std::os::unix::fs::FileTypeExt;
        let is_null = |m: &std::fs::Metadata| m.file_type().is_char_device();
        match (
            std::fs::File::from(fd).metadata(),
            std::fs::metadata("/dev/null"),
        ) {
            (Ok(stdin), Ok(null)) => !(is_null(&stdin) && stdin.rdev() == null.rdev()),
            _ => true,
        }
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// A closed pipe (`tunelint | head`) is how the reader says "enough", not an error.
fn ignore_broken_pipe(e: io::Error) -> Result<()> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e.into())
    }
}

/// Why the token counts of a file are an estimate, when they are: its target trains with a
/// tokenizer tunelint does not have (the model's own, with no `[tokens] tokenizer`, or an
/// unpublished one), and something counts tokens (a T rule or the statistics).
fn estimated_tokens_note(settings: &crate::settings::Settings) -> Option<String> {
    use crate::target::Tokenizer;
    let target = settings.target?;
    let counts = settings.token_stats
        || [
            crate::registry::Code::T001,
            crate::registry::Code::T002,
            crate::registry::Code::T003,
        ]
        .iter()
        .any(|&c| settings.enabled(c));
    if !counts || settings.model.is_some() {
        return None;
    }
    let encoding = settings.encoding.as_str();
    match target.tokenizer.value {
        Tokenizer::O200kBase => None,
        Tokenizer::Unpublished { whose } => Some(format!(
            "{} trains with {whose} tokenizer, which is not published: token counts use {encoding} and are an estimate",
            target.title
        )),
        Tokenizer::Model { what } => Some(format!(
            "{} trains with {what}: token counts use {encoding} and are an estimate until `[tokens] tokenizer` points at the model's files",
            target.title
        )),
    }
}
