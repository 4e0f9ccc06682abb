//! Which files to lint: the paths named on the command line, and every `*.jsonl` (or
//! `*.ndjson`, either of them compressed: `.gz`, `.zst`) and `*.parquet` under the
//! directories among them,
//! walked with the `ignore` crate (`.gitignore`, `.ignore` and hidden directories
//! respected, also outside a git repository), plus the files config `include` matches.
//! A walk never picks up a `.json` file by its name alone (`package.json`): a `.json` array
//! is linted when it is named on the command line or matched by `include`, or when a
//! LLaMA-Factory `dataset_info.json` (walked or named) lists it: the files such a registry
//! names are linted with what it declares about them (`crate::dataset_info`); another tool's
//! file of that name (Hugging Face's `save_to_disk`) names nothing, and is noted only when
//! named. A walk reads a symbolic link to a file and does not follow one to a folder; the
//! linked folders that hold data nothing else lints are returned, to be named. The result is
//! sorted and deduplicated (one path per file, the one through no link) so output never
//! depends on directory order, and a `..` after a folder is resolved as the system resolves
//! it.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

use crate::dataset_info::{self, DatasetInfo, DatasetInfoError, SkipReason};
use crate::declared::Declared;

/// One input found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Found {
    /// A file, with the path as it will be displayed.
    File(PathBuf),
    Stdin,
}

/// Keeps one path per file when the same file is named two ways (relative and absolute,
/// through a symbolic link, or a hard link): linted twice, its records would be exact
/// duplicates of themselves. The kept spelling is the one that goes through no symbolic
/// link if there is one (a link to a data file, `latest.jsonl`, is the file a walk also
/// meets, and git stores the link as a link, on which code scanning can place no alert),
/// then a relative one, then the shortest.
/// But a file under two names that give it roles in a dataset (`train.jsonl` and
/// `validation.jsonl` linked to one blob, as the Hugging Face cache stores identical files;
/// two shards) is two files of the dataset, as a trainer loads them: both are linted, and
/// D003 or D001 says that they repeat each other. A name that gives no role (`latest.jsonl`)
/// adds none: it is dropped beside one that does.
fn one_spelling_per_file(found: &mut Vec<Found>) {
    use std::collections::hash_map::HashMap;
    let rank = |p: &Path| {
        (
            through_link(p),
            p.is_absolute(),
            p.components().count(),
            p.to_path_buf(),
        )
    };
    // The spellings of each file, by its identity, in `found`'s order.
    let mut by_file: HashMap<crate::output::Identity, Vec<usize>> = HashMap::new();
    for (i, f) in found.iter().enumerate() {
        let Found::File(path) = f else { continue };
        if let Some(id) = crate::output::identity(path) {
            by_file.entry(id).or_default().push(i);
        }
    }
    let mut drop = vec![false; found.len()];
    let path_of = |i: usize| match &found[i] {
        Found::File(p) => p.as_path(),
        Found::Stdin => Path::new("-"),
    };
    for spellings in by_file.values().filter(|s| s.len() > 1) {
        let role = |i: usize| {
            let path = path_of(i);
            path.file_name().filter(|_| crate::splits::has_role(path))
        };
        let any_role = spellings.iter().any(|&i| role(i).is_some());
        // The best spelling of each role (or of none, when no name gives one).
        let mut kept: Vec<usize> = Vec::new();
        for &i in spellings {
            if any_role && role(i).is_none() {
                drop[i] = true;
                continue;
            }
            match kept.iter_mut().find(|k| role(**k) == role(i)) {
                None => kept.push(i),
                Some(k) if rank(path_of(i)) < rank(path_of(*k)) => {
                    drop[*k] = true;
                    *k = i;
                }
                Some(_) => drop[i] = true,
            }
        }
    }
    let mut i = 0;
    found.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// Whether `path` goes through a symbolic link: the file, or a folder on its way as
/// written (`zz/train.jsonl` where `zz` leads to `data/real`).
fn through_link(path: &Path) -> bool {
    let mut prefix = PathBuf::new();
    path.components().any(|c| {
        prefix.push(c.as_os_str());
        matches!(c, Component::Normal(_))
            && std::fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// A path that could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DiscoverError {
    #[error("{0}: no such file or directory{hint}", hint = tilde_hint(.0))]
    Missing(String),
    /// A path that exists but cannot be used (a symlink loop, a directory without access).
    #[error("{path}: {reason}")]
    Unusable { path: String, reason: String },
    #[error("{path}: {reason}")]
    Walk { path: String, reason: String },
    #[error(transparent)]
    DatasetInfo(#[from] DatasetInfoError),
}

/// A hint for a path that starts with `~`: the shell expands it only where it is not quoted
/// (and never inside a configuration file or a hook's `args`).
fn tilde_hint(path: &str) -> &'static str {
    if path == "~" || path.starts_with("~/") {
        " (`~` is not expanded here: write the full path, or leave `~` unquoted in the shell)"
    } else if is_command(path) {
        // `tunelint -j2 stats data`: an option before the command makes `check` the command
        // and the command's name a path.
        " (a command comes first, before its options: `tunelint stats -j 2 data`, not `tunelint -j 2 stats data`)"
    } else {
        ""
    }
}

/// Whether `name` is one of the commands, which a path is taken for when an option comes
/// before them (only asked on the way to an error).
fn is_command(name: &str) -> bool {
    use clap::CommandFactory;
    crate::cli::Cli::command()
        .get_subcommands()
        .any(|c| c.get_name() == name && name != "help")
}

/// What discovery found: the inputs, what a `dataset_info.json` declares about some of them,
/// and notes about the datasets it names that are not linted.
#[derive(Debug, Default)]
pub struct Discovered {
    pub found: Vec<Found>,
    /// By path as in `found`: the entry of the first registry (in path order) naming it.
    pub declared: BTreeMap<PathBuf, Arc<Declared>>,
    /// One line per registry with datasets that are not linted, for the user.
    pub notes: Vec<String>,
    /// `.json` files named but skipped as holding no records (`json_records_only`).
    pub not_records: Vec<PathBuf>,
    /// The `dataset_info.json` registries read: inputs of the run, which no output may
    /// overwrite.
    pub registries: Vec<PathBuf>,
    /// Data files a walk found and configuration excluded, for saying why nothing is linted.
    pub excluded: usize,
    /// Symbolic links to folders that a walk met and did not follow, which hold data files
    /// not linted otherwise: for a note, or for saying why nothing is linted.
    pub linked: Vec<PathBuf>,
}

/// What discovery needs to know about exclusion.
pub struct Exclusion<'a> {
    /// True when a path is excluded by configuration.
    pub is_excluded: &'a dyn Fn(&Path) -> bool,
    /// True when configuration's `include` names a path that a walk lints besides the
    /// dataset names (a `.json` array, say); `exclude` still wins.
    pub is_included: &'a dyn Fn(&Path) -> bool,
    /// Apply exclusion to paths named explicitly too (pre-commit passes every file name).
    pub force: bool,
    /// Skip a `.json` file named explicitly that holds no records (neither an array of
    /// records nor JSON Lines of them), unless `include` names it (`--json-records-only`:
    /// pre-commit passes every staged `.json` file).
    pub json_records_only: bool,
    /// Whether a walk leaves out what `.gitignore`, `.ignore` and git's excludes ignore
    /// (`respect_gitignore`, `--no-respect-gitignore`; ruff's setting of the same name).
    pub respect_ignore_files: bool,
}

/// Lists the inputs for `paths` (which default to `.`).
pub fn discover(paths: &[PathBuf], exclusion: &Exclusion<'_>) -> Result<Discovered, DiscoverError> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut walked = Walked::default();
    let mut not_records = Vec::new();
    let mut excluded = 0;
    let mut stdin = false;
    // The data files named on their own (not found by walking a folder).
    let mut named: Vec<PathBuf> = Vec::new();
    // The `.json` files named that hold no records by their look (`json_records_only`),
    // linted only if a registry declares them.
    let mut unsure: Vec<PathBuf> = Vec::new();
    // The `dataset_info.json` files named: one that is not a registry is said to be so.
    let mut named_registries: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::Missing(path.display().to_string()),
            _ => DiscoverError::Unusable {
                path: path.display().to_string(),
                reason: crate::source::io_error_text(&e),
            },
        })?;
        if meta.is_dir() {
            excluded += walk(path, None, exclusion, &mut walked, false)?;
        } else if !(exclusion.force && (exclusion.is_excluded)(path)) {
            if dataset_info::is_registry(path) {
                walked.registries.push(clean(path));
                named_registries.push(clean(path));
            } else if exclusion.json_records_only
                && crate::source::is_json_name(path)
                && !(exclusion.is_included)(path)
                && !holds_records(path)
            {
                // Records under custom columns look like no records by their keys: a
                // `dataset_info.json` above may declare the file (told once it is read).
                if registry_above(path).is_some() {
                    unsure.push(clean(path));
                    walked.found.push(Found::File(clean(path)));
                    named.push(clean(path));
                } else {
                    not_records.push(clean(path));
                }
            } else {
                walked.found.push(Found::File(clean(path)));
                named.push(clean(path));
            }
        }
    }
    let Walked {
        mut found,
        mut registries,
        mut special,
        mut linked,
    } = walked;
    registries.sort();
    registries.dedup();
    let mut declared = BTreeMap::new();
    let mut notes = Vec::new();
    // The FIFOs, sockets and devices a registry names, skipped as a walk skips them: opening
    // a FIFO waits for a writer that may never come. One named on its own is read.
    let mut special_declared = Vec::new();
    let named_resolved: Vec<PathBuf> = named
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    // Another tool's `dataset_info.json` (Hugging Face's `save_to_disk`) is not a registry:
    // not read, not an input of the run, and named in a note only when it was named.
    let mut others = Vec::new();
    for registry in &registries {
        let read = match dataset_info::read(registry)? {
            DatasetInfo::Registry(read) => read,
            DatasetInfo::Other(other) => {
                others.push(registry.clone());
                if named_registries.contains(registry) {
                    notes.push(not_a_registry_note(registry, other));
                    if exclusion.json_records_only {
                        not_records.push(registry.clone());
                    }
                }
                continue;
            }
        };
        for entry in read.entries {
            for file in entry.files {
                // `data/../other/x.json` is `other/x.json`, as a walk or a user names it.
                let file = clean(&file);
                if (exclusion.is_excluded)(&file) {
                    continue;
                }
                if std::fs::metadata(&file).is_ok_and(|m| !m.is_file() && !m.is_dir())
                    && !std::fs::canonicalize(&file).is_ok_and(|f| named_resolved.contains(&f))
                {
                    if !special.contains(&file) && !special_declared.contains(&file) {
                        special_declared.push(file);
                    }
                    continue;
                }
                declared
                    .entry(file.clone())
                    .or_insert_with(|| entry.declared.clone());
                found.push(Found::File(file));
            }
        }
        if let Some(note) = skipped_note(registry, &read.skipped) {
            notes.push(note);
        }
    }
    registries.retain(|r| !others.contains(r));
    // A file named on its own (a pre-commit hook passes the staged files) is read as the
    // `dataset_info.json` of its folder, or of a folder above it, declares it: walking the
    // folder finds that registry, and naming the file alone must not lose its columns. Only
    // the named files are read this way; the registry's other datasets are not added.
    let mut nearby: Vec<PathBuf> = Vec::new();
    for file in &named {
        if !declared.contains_key(file)
            && let Some(registry) = registry_above(file)
            && !registries.contains(&registry)
            && !nearby.contains(&registry)
        {
            nearby.push(registry);
        }
    }
    if !nearby.is_empty() {
        let by_file: BTreeMap<PathBuf, &PathBuf> = named
            .iter()
            .filter_map(|p| Some((std::fs::canonicalize(p).ok()?, p)))
            .collect();
        for registry in &nearby {
            // [`registry_above`] passes over another tool's file.
            let DatasetInfo::Registry(read) = dataset_info::read(registry)? else {
                continue;
            };
            for entry in read.entries {
                for file in entry.files {
                    // The other files it declares are not linted, but `--context dataset`
                    // reads them (as [`near`] finds them): with their columns.
                    let key = match std::fs::canonicalize(&file)
                        .ok()
                        .and_then(|f| by_file.get(&f))
                    {
                        Some(named) => (*named).clone(),
                        None => clean(&file),
                    };
                    declared
                        .entry(key)
                        .or_insert_with(|| entry.declared.clone());
                }
            }
        }
    }
    registries.extend(nearby);
    if !unsure.is_empty() {
        let declared_files: Vec<PathBuf> = declared
            .keys()
            .filter_map(|f| std::fs::canonicalize(f).ok())
            .collect();
        for file in unsure {
            let is_declared = declared.contains_key(&file)
                || std::fs::canonicalize(&file).is_ok_and(|f| declared_files.contains(&f));
            if !is_declared {
                found.retain(|f| *f != Found::File(file.clone()));
                not_records.push(file);
            }
        }
    }
    special.sort();
    if let Some(note) = special_note(&special, "a folder's walk reads only regular files") {
        notes.push(note);
    }
    special_declared.sort();
    if let Some(note) = special_note(
        &special_declared,
        "the files a dataset_info.json names are read only when they are regular files",
    ) {
        notes.push(note);
    }
    found.sort();
    found.dedup();
    one_spelling_per_file(&mut found);
    // A linked folder whose data is all linted anyway (a link to a folder of the walk) is no
    // loss; one that leads elsewhere is named, not skipped without a word.
    linked.sort();
    linked.dedup();
    if !linked.is_empty() {
        let read: std::collections::HashSet<crate::output::Identity> = found
            .iter()
            .filter_map(|f| match f {
                Found::File(p) => crate::output::identity(p),
                Found::Stdin => None,
            })
            .collect();
        linked.retain(|dir| {
            !(exclusion.is_excluded)(dir) && holds_unread_data(dir, exclusion, &read)
        });
    }
    if stdin {
        found.push(Found::Stdin);
    }
    // A registry may name a file that was skipped by its look alone.
    not_records.retain(|p| !found.contains(&Found::File(p.clone())));
    Ok(Discovered {
        found,
        declared,
        notes,
        not_records,
        registries,
        excluded,
        linked,
    })
}

/// The data-named FIFOs, sockets and devices a walk (or a registry) skipped, in one line,
/// with `why`.
fn special_note(special: &[PathBuf], why: &str) -> Option<String> {
    let first = special.first()?;
    #[cfg(unix)]
    let (what, fifo) = {
        use std::os::unix::fs::FileTypeExt;
        match std::fs::metadata(first).map(|m| m.file_type()) {
            Ok(t) if t.is_fifo() => ("a FIFO", true),
            Ok(t) if t.is_socket() => ("a socket", false),
            Ok(t) if t.is_block_device() || t.is_char_device() => ("a device", false),
            _ => ("not a regular file", false),
        }
    };
    #[cfg(not(unix))]
    let (what, fifo) = ("not a regular file", false);
    let more = match special.len() {
        1 => String::new(),
        2 => " and 1 more that is not a regular file".into(),
        n => format!(
            " and {} more that are not regular files",
            crate::wording::thousands(n as u64 - 1)
        ),
    };
    // A FIFO named on the command line is read (a pipe of JSONL); a socket or a device is not.
    let advice = if fifo { "; name it to read it" } else { "" };
    Some(format!(
        "skipped {} ({what}){more}: {why}{advice}",
        first.display()
    ))
}

/// What a registry names that is not linted, in one line: datasets on a hub or behind a
/// loading script (never fetched) and local files of a type tunelint does not read.
fn skipped_note(registry: &Path, skipped: &[dataset_info::Skipped]) -> Option<String> {
    // Each kind of reason: how the first dataset of that kind is described, then the rest
    // of the sentence.
    type Kind = (
        fn(&SkipReason) -> Option<String>,
        &'static str,
        &'static str,
    );
    let kinds: [Kind; 2] = [
        (
            |r| match r {
                SkipReason::Remote(key) => Some(format!("has {key}")),
                _ => None,
            },
            "on a hub or behind a loading script, never fetched",
            "",
        ),
        (
            |r| match r {
                SkipReason::FileType(file) => Some(format!("is {}", crate::wording::quote(file))),
                _ => None,
            },
            "of a file type tunelint does not read",
            "; it reads .json, .jsonl and .parquet",
        ),
    ];
    let mut parts = Vec::new();
    for (describe, what, after) in kinds {
        let of_kind: Vec<(&dataset_info::Skipped, String)> = skipped
            .iter()
            .filter_map(|s| Some((s, describe(&s.reason)?)))
            .collect();
        if let Some((first, described)) = of_kind.first() {
            parts.push(format!(
                "{} {what} ({} {described}{}){after}",
                count(of_kind.len()),
                crate::wording::quote(&first.dataset),
                if of_kind.len() > 1 { ", ..." } else { "" }
            ));
        }
    }
    (!parts.is_empty()).then(|| format!("{}: not linted: {}", registry.display(), parts.join("; ")))
}

/// A `dataset_info.json` named that is not a LLaMA-Factory registry, in one line.
fn not_a_registry_note(path: &Path, other: dataset_info::Other) -> String {
    let path = path.display();
    match other.described() {
        Some(what) => {
            format!("{path} is {what}, not a LLaMA-Factory registry; not read as one")
        }
        None => format!(
            "{path} is not a LLaMA-Factory registry (no entry has \"file_name\", a hub's URL or \"script_url\"); not read as one"
        ),
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 dataset".to_string()
    } else {
        format!("{} datasets", crate::wording::thousands(n as u64))
    }
}

/// The dataset files a walk of `dir` finds at most `depth` directories down (1: `dir`'s own
/// files), as [`discover`] would: for `--context dataset`, the files beside a named one.
pub fn near(
    dir: &Path,
    depth: usize,
    exclusion: &Exclusion<'_>,
) -> Result<Vec<PathBuf>, DiscoverError> {
    // Context is the dataset's data files; a registry beside them declares nothing more here.
    let mut walked = Walked::default();
    // Under `--json-records-only` (the hook), a `.json` file of records is a data file when
    // named, so one beside a named file is context too (LLaMA-Factory's train.json and
    // test.json): its leaks and duplicates are judged as the run over both judges them.
    walk(
        dir,
        Some(depth),
        exclusion,
        &mut walked,
        exclusion.json_records_only,
    )?;
    let Walked {
        mut found,
        registries,
        ..
    } = walked;
    // A `dataset_info.json` found declares data files a walk does not take by their name
    // or look (`.json` files of records under custom columns), as a walk of the folder
    // lints them: they are the dataset's too. One that cannot be read adds nothing here
    // (linting the folder reports it).
    for registry in &registries {
        let Ok(DatasetInfo::Registry(read)) = dataset_info::read(registry) else {
            continue;
        };
        for file in read.entries.into_iter().flat_map(|e| e.files) {
            if clean(&file).starts_with(clean(dir))
                && file.is_file()
                && !(exclusion.is_excluded)(&file)
            {
                found.push(Found::File(clean(&file)));
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found
        .into_iter()
        .filter_map(|f| match f {
            Found::File(p) => Some(p),
            Found::Stdin => None,
        })
        .collect())
}

/// The data files under `dirs` that only ignore files (`.gitignore`, `.ignore`, git's
/// excludes) keep out of a walk, for the error when a walk finds nothing: at most 1,000,
/// in path order. Hidden folders stay skipped.
pub fn ignored_data_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in dirs {
        let walker = WalkBuilder::new(dir)
            .standard_filters(false)
            .hidden(true)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            if entry.file_type().is_some_and(|t| t.is_file()) && is_dataset_name(entry.path()) {
                found.push(clean(entry.path()));
                if found.len() >= 1_000 {
                    break;
                }
            }
        }
    }
    found.sort();
    found
}

/// How every walk of `dir` goes: hidden files and folders skipped, ignore files read when
/// `respect_ignore_files` (in a git repository or not), symbolic links not followed below
/// `dir` itself.
fn walker(dir: &Path, respect_ignore_files: bool) -> WalkBuilder {
    let respect = respect_ignore_files;
    let mut builder = WalkBuilder::new(dir);
    builder
        .hidden(true)
        .git_ignore(respect)
        .git_exclude(respect)
        .git_global(respect)
        .ignore(respect)
        .parents(respect)
        .require_git(false)
        .follow_links(false);
    builder
}

/// Whether the folder `dir` (a symbolic link a walk did not follow) holds a data file that
/// a walk of it would lint and that is not among `read`.
fn holds_unread_data(
    dir: &Path,
    exclusion: &Exclusion<'_>,
    read: &std::collections::HashSet<crate::output::Identity>,
) -> bool {
    walker(dir, exclusion.respect_ignore_files)
        .build()
        .flatten()
        .any(|entry| {
            let path = entry.path();
            (is_dataset_name(path) || (exclusion.is_included)(path))
                && !(exclusion.is_excluded)(path)
                && crate::output::identity(path).is_some_and(|id| !read.contains(&id))
        })
}

/// The data files under `dirs` that only their hidden names keep out of a walk (a file's
/// or a folder's name that starts with a dot: `.data/train.jsonl`), for the error when a
/// walk finds nothing, each with the hidden file or folder on its way (`.data`), which a
/// user names to lint it: at most 1,000, in path order. Git's own folder is not looked into.
pub fn hidden_data_files(dirs: &[PathBuf], respect_ignore_files: bool) -> Vec<(PathBuf, PathBuf)> {
    let mut found = Vec::new();
    for dir in dirs {
        let walk = walker(dir, respect_ignore_files)
            .hidden(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walk.flatten() {
            let path = entry.path();
            if !entry.file_type().is_some_and(|t| t.is_file()) || !is_dataset_name(path) {
                continue;
            }
            if let Some(part) = hidden_part(dir, path) {
                found.push((clean(path), part));
                if found.len() >= 1_000 {
                    break;
                }
            }
        }
    }
    found.sort();
    found
}

/// The first hidden file or folder on the way from `dir` down to `path` (`dir/.data` for
/// `dir/.data/train.jsonl`), as a user would name it to lint what it holds.
fn hidden_part(dir: &Path, path: &Path) -> Option<PathBuf> {
    let below = path.strip_prefix(dir).ok()?;
    let mut part = dir.to_path_buf();
    for c in below.components() {
        part.push(c.as_os_str());
        if c.as_os_str().as_encoded_bytes().starts_with(b".") && matches!(c, Component::Normal(_)) {
            return Some(clean(&part));
        }
    }
    None
}

/// What walks find: the inputs, the `dataset_info.json` registries, and what they skip
/// that is to be named.
#[derive(Default)]
struct Walked {
    found: Vec<Found>,
    registries: Vec<PathBuf>,
    /// FIFOs, sockets and devices with a data file's name.
    special: Vec<PathBuf>,
    /// Symbolic links to folders, which a walk does not follow.
    linked: Vec<PathBuf>,
}

/// Adds what a walk of `dir` finds to `walked`; returns how many data files it found that
/// configuration excludes.
fn walk(
    dir: &Path,
    depth: Option<usize>,
    exclusion: &Exclusion<'_>,
    walked: &mut Walked,
    records_json: bool,
) -> Result<usize, DiscoverError> {
    let Walked {
        found,
        registries,
        special,
        linked,
    } = walked;
    let mut excluded = 0;
    let walker = walker(dir, exclusion.respect_ignore_files)
        .max_depth(depth)
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            // A folder (or a file) the walk cannot enter is an input that cannot be read,
            // reported as such with the others still linted: the reader meets the same
            // error opening it.
            Err(e) => match unreadable_path(&e) {
                Some(path) if !(exclusion.is_excluded)(path) => {
                    found.push(Found::File(clean(path)));
                    continue;
                }
                Some(_) => continue,
                None => {
                    return Err(DiscoverError::Walk {
                        path: dir.display().to_string(),
                        reason: walk_error_text(&e),
                    });
                }
            },
        };
        let path = entry.path();
        // A link to a folder is not followed (it may lead out of the repository, to a
        // store of data or a loop, as ripgrep and ruff do not follow one either), but it
        // is kept to be named if it holds data that is not linted otherwise.
        if entry.depth() > 0
            && entry.path_is_symlink()
            && std::fs::metadata(path).is_ok_and(|m| m.is_dir())
        {
            linked.push(clean(path));
            continue;
        }
        // A link is followed to what it names: a link to a FIFO, a socket or a device would
        // block the walk or read forever (as a FIFO found itself is skipped), and one to a
        // directory holds no records. A broken link is kept, to be reported unreadable.
        let is_file = entry.file_type().is_some_and(|t| {
            t.is_file() || (t.is_symlink() && std::fs::metadata(path).map_or(true, |m| m.is_file()))
        });
        if is_file && dataset_info::is_registry(path) && !(exclusion.is_excluded)(path) {
            registries.push(clean(path));
            continue;
        }
        let records =
            || records_json && is_file && crate::source::is_json_name(path) && holds_records(path);
        if !(is_dataset_name(path) || (exclusion.is_included)(path) || records()) {
            continue;
        }
        if !is_file {
            // A FIFO, socket or device with a data file's name is skipped, and named in a
            // note: it may be the data the user meant (named, it is read).
            if !entry.file_type().is_some_and(|t| t.is_dir())
                && std::fs::metadata(path).is_ok_and(|m| !m.is_dir())
                && !(exclusion.is_excluded)(path)
            {
                special.push(clean(path));
            }
            continue;
        }
        if (exclusion.is_excluded)(path) {
            excluded += 1;
            continue;
        }
        found.push(Found::File(clean(path)));
    }
    Ok(excluded)
}

/// `*.jsonl` and `*.ndjson`, plain or compressed (`*.jsonl.gz`, `*.jsonl.zst`), and
/// `*.parquet`, in any case (`TRAIN.JSONL.GZ`). The reader tells compression and Parquet by
/// the first bytes, not by this name.
fn is_dataset_name(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    {
        return true;
    }
    let is_lines = |p: &Path| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
    };
    let compressed = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz") || e.eq_ignore_ascii_case("zst"));
    if compressed {
        path.file_stem()
            .is_some_and(|stem| is_lines(Path::new(stem)))
    } else {
        is_lines(path)
    }
}

/// Whether a named `.json` file may hold records: an array whose first element may be a
/// record (`[{"messages": ...}, ...]`, LLaMA-Factory's layout), or JSON Lines, which
/// `datasets` loads from a `.json` name as well ([`json_lines_of_records`]). A configuration
/// file (`package.json`, `tsconfig.json`) is one object, pretty-printed or minified on one
/// line, and is not. A file that cannot be read is kept, so that reading it reports why.
fn holds_records(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return true;
    };
    // `*.json.gz` and `*.json.zst` are told by their text, as the reader reads them.
    let Ok((mut text, _)) = crate::source::decompressed(Box::new(file)) else {
        return true;
    };
    let mut head = Vec::with_capacity(HEAD);
    if (&mut text)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .is_err()
    {
        return true;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        // Blank for its first bytes: read it, and let the reader say what it is.
        return true;
    };
    match head[start] {
        b'[' => {}
        b'{' => {
            let rest = std::io::Cursor::new(&head[start..]).chain(std::io::BufReader::new(text));
            return json_lines_of_records(rest);
        }
        _ => return false,
    }
    let rest = &head[start + 1..];
    match rest.iter().position(|b| !b.is_ascii_whitespace()) {
        // An array of objects, the first of which may be a record; an empty array, or one of
        // strings, numbers or arrays, is something else's (`["en", "fr"]`, a fixture).
        Some(i) if rest[i] == b'{' => first_object_may_be_a_record(&rest[i..]),
        Some(_) => false,
        // Its first element is beyond the head: read it.
        None => head.len() == HEAD,
    }
}

/// Whether text that starts with `{` is JSON Lines of records: its first line is one whole
/// JSON object with a key a record format reads ([`DATA_KEYS`], or a misspelling of a
/// conversation's key holding turns: [`is_data_key`]), and the next line that is not blank
/// starts an object. A
/// one-line configuration (`{"compilerOptions":{}}`, a minified `package.json`, a request
/// body) is one line; a log of objects has no record key; a pretty-printed object's first
/// line is not a whole object. The second line need not be a whole object: a dataset whose
/// second line is broken is one to lint, not to skip.
fn json_lines_of_records(mut text: impl std::io::BufRead) -> bool {
    let Some((first, whole)) = line_of(&mut text) else {
        return true;
    };
    if !whole {
        // A first line longer than the limit: read it, and let the reader say what it is.
        return true;
    }
    let Ok(object) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&first)
    else {
        return false;
    };
    // A key a record format is detected by, and a second object line: one object alone is
    // as likely a request body (`{"model": ..., "messages": [...]}`) or a minified
    // configuration with a `text` key, and lines of objects without such a key are a log.
    if !object.iter().any(|(key, value)| is_data_key(key, value)) {
        return false;
    }
    loop {
        match line_of(&mut text) {
            None => return false,
            Some((line, _)) if line.trim_ascii().is_empty() => continue,
            Some((line, _)) => return line.trim_ascii_start().starts_with(b"{"),
        }
    }
}

/// Whether `key` of the first line of a `.json` file makes it a record: one of
/// [`DATA_KEYS`], or a misspelling of a conversation's key (`mesages`) holding a
/// conversation, turns with a `role` or `from` (a log's `"message": "..."` or
/// `"message": [...]` of other objects, a request's `"inputs"`, is not a misspelt record).
fn is_data_key(key: &str, value: &serde_json::Value) -> bool {
    if DATA_KEYS.contains(&key) {
        return true;
    }
    let lower = key.to_lowercase();
    let turns = value
        .as_array()
        .and_then(|turns| turns.first())
        .is_some_and(|turn| {
            turn.as_object()
                .is_some_and(|t| t.contains_key("role") || t.contains_key("from"))
        });
    turns
        && CONVERSATION_KEYS
            .iter()
            .any(|k| strsim::jaro_winkler(&lower, k) >= 0.9)
}

/// The keys of [`DATA_KEYS`] that hold a list of turns.
const CONVERSATION_KEYS: &[&str] = &["messages", "conversations", "contents", "segments"];

/// The next line of `text`, up to [`LINE_LIMIT`] bytes, and whether it is whole (not cut
/// off by the limit); `None` at the end of the text (or when it cannot be read).
fn line_of(text: &mut impl std::io::BufRead) -> Option<(Vec<u8>, bool)> {
    use std::io::{BufRead, Read};
    let mut line = Vec::new();
    let read = text
        .by_ref()
        .take(LINE_LIMIT)
        .read_until(b'\n', &mut line)
        .ok()?;
    if read == 0 {
        return None;
    }
    let whole = line.ends_with(b"\n") || (read as u64) < LINE_LIMIT;
    Some((line, whole))
}

/// Bytes of one line of a named `.json` file read to tell JSON Lines of records from a
/// one-line configuration.
const LINE_LIMIT: u64 = 16 << 20;

/// Keys that make a one-object line a record, each the key a record format is detected by
/// (`crate::format::detect`): the one line of a JSON Lines file of one record. Only keys
/// that hold a record's data, so that a minified configuration (`"name"`, `"version"`,
/// `"schemaVersion"` of a container manifest) is not taken for one.
const DATA_KEYS: &[&str] = &[
    "messages",
    "conversations",
    "contents",
    "prompt",
    "chosen",
    "instruction",
    "text",
    "preferred_output",
    "input_ids",
    "segments",
];

/// Bytes of a named `.json` file looked at to tell records from other JSON.
const HEAD: usize = 64 << 10;

/// Keys of the record formats tunelint reads, for telling a `.json` array of records from
/// one of other objects (`[{"id": 1, "name": "x"}]`): a key like one of them (a typo
/// included) makes the array a dataset to lint.
const RECORD_KEYS: &[&str] = &[
    "messages",
    "conversations",
    "conversation",
    "contents",
    "systemInstruction",
    "schemaVersion",
    "input",
    "preferred_output",
    "non_preferred_output",
    "instruction",
    "output",
    "response",
    "prompt",
    "completion",
    "chosen",
    "rejected",
    "text",
    "question",
    "answer",
    "query",
    "history",
];

/// Whether the object `text` starts with (the first element of an array, perhaps cut off
/// by the head) may be a record: it is cut off, or one of its keys is like a record key.
fn first_object_may_be_a_record(text: &[u8]) -> bool {
    let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(serde_json::Value::Object(object))) => object.keys().any(|key| {
            RECORD_KEYS
                .iter()
                .any(|k| key == k || strsim::jaro_winkler(&key.to_lowercase(), k) >= 0.9)
        }),
        // Cut off by the head, or not JSON at all: the reader says what it is.
        _ => true,
    }
}

/// The path a walk error is about, when it is about one.
fn unreadable_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            unreadable_path(err)
        }
        _ => None,
    }
}

fn walk_error_text(e: &ignore::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

/// The `dataset_info.json` that declares `file`, the nearest in its folder or one of the
/// three above: a nearer registry of other datasets (`data/splits/dataset_info.json` naming
/// `other.json`) does not hide the one that names it. One that cannot be read is returned
/// too, for its reader to report. The folders are walked up from the path as written, and
/// past its first folder by `..`: a file named from inside the data folder (`test.json`,
/// `../data/test.json`) has the registry of the folder above as a file named from there has,
/// spelt from where the run is.
fn registry_above(file: &Path) -> Option<PathBuf> {
    let own = std::fs::canonicalize(file).ok();
    let mut dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    for _ in 0..4 {
        let candidate = if dir == Path::new(".") {
            PathBuf::from(dataset_info::FILE_NAME)
        } else {
            dir.join(dataset_info::FILE_NAME)
        };
        if candidate.is_file() {
            let declares = |read: &dataset_info::Registry| {
                read.entries
                    .iter()
                    .flat_map(|e| &e.files)
                    .any(|f| std::fs::canonicalize(f).ok() == own)
            };
            match dataset_info::read(&candidate) {
                Err(_) => return Some(candidate),
                Ok(DatasetInfo::Registry(read)) if own.is_some() && declares(&read) => {
                    return Some(candidate);
                }
                // Another tool's file (a `save_to_disk` folder's) declares nothing.
                Ok(_) => {}
            }
        }
        dir = folder_above(&dir)?;
    }
    None
}

/// The folder above `dir` as a user would write it: `data` → `.`, `.` → `..`, `..` →
/// `../..`; `None` above the root.
fn folder_above(dir: &Path) -> Option<PathBuf> {
    match dir.components().next_back()? {
        Component::Normal(_) => Some(match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }),
        Component::CurDir => Some(PathBuf::from("..")),
        Component::ParentDir => Some(dir.join("..")),
        Component::RootDir | Component::Prefix(_) => None,
    }
}

/// `--context dataset`: the data files the `dataset_info.json` that declares `file` (the one
/// [`registry_above`] finds, as [`discover`] reads `file` with its declaration) declares,
/// wherever they sit: its own folder, a subfolder (`splits/train.json`), not only the folder
/// of `file` that [`near`] walks. Spelt as the registry spells them, so that they are read
/// with their declared columns. Nothing when no registry declares `file`, or one cannot be
/// read (linting the dataset reports it).
pub fn declared_with(file: &Path, exclusion: &Exclusion<'_>) -> Vec<PathBuf> {
    let Some(registry) = registry_above(file) else {
        return Vec::new();
    };
    let (Ok(DatasetInfo::Registry(read)), Ok(own)) =
        (dataset_info::read(&registry), std::fs::canonicalize(file))
    else {
        return Vec::new();
    };
    let files: Vec<PathBuf> = read.entries.into_iter().flat_map(|e| e.files).collect();
    if !files
        .iter()
        .any(|f| std::fs::canonicalize(f).is_ok_and(|f| f == own))
    {
        return Vec::new();
    }
    files
        .into_iter()
        .filter(|f| f.is_file() && !(exclusion.is_excluded)(f))
        .map(|f| within_current_dir(&f).unwrap_or_else(|| clean(&f)))
        .collect()
}

/// `../data/train.json` run from inside `data` → `train.json`: a registry found by `..`
/// spells its files from above the current folder, and a user would name one under it
/// from there. `None` for other paths.
fn within_current_dir(path: &Path) -> Option<PathBuf> {
    if !path.starts_with("..") {
        return None;
    }
    let here = std::fs::canonicalize(".").ok()?;
    let file = crate::splits::located(path)?;
    file.strip_prefix(&here).ok().map(Path::to_path_buf)
}

/// `./data/x.jsonl` → `data/x.jsonl`: paths are shown the way a user would type them. A
/// `..` after a folder is resolved as the system resolves it, through symbolic links:
/// `link/../x.jsonl`, where `link` leads to `real/deep`, is `real/x.jsonl`, the file read
/// (folding the `..` away by its letters named `x.jsonl`, another file), and a registry's
/// `data/../other/x.json` is `other/x.json`, as every output names it. Leading `..` stay:
/// they climb from the current folder as written.
fn clean(path: &Path) -> PathBuf {
    let path = path.strip_prefix(".").unwrap_or(path);
    let mut after_folder = false;
    let climbs_back = path.components().any(|c| match c {
        Component::Normal(_) => {
            after_folder = true;
            false
        }
        Component::ParentDir => after_folder,
        _ => false,
    });
    if !climbs_back {
        return path.to_path_buf();
    }
    resolved(path).unwrap_or_else(|| path.to_path_buf())
}

/// `path` with its folder resolved (links, `.` and `..`) and its own name kept (a file
/// that is a link stays one), relative to the current folder unless it is absolute; `None`
/// when its folder cannot be resolved (the reader then reports the path as written).
fn resolved(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let real = std::fs::canonicalize(folder).ok()?.join(name);
    if path.is_absolute() {
        return Some(real);
    }
    let here = std::fs::canonicalize(".").ok()?;
    // Relative to the current folder, climbing out of it with `..` where the file is not
    // under it.
    let real: Vec<Component<'_>> = real.components().collect();
    let here: Vec<Component<'_>> = here.components().collect();
    let common = real.iter().zip(&here).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..here.len() {
        out.push("..");
    }
    for c in &real[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A missing path named as a command gets the hint; other names do not.
    #[test]
    fn a_missing_path_named_as_a_command_gets_the_hint() {
        let hint = "a command comes first, before its options";
        for command in [
            "check", "rules", "explain", "stats", "dedupe", "sample", "init",
        ] {
            let message = DiscoverError::Missing(command.into()).to_string();
            assert!(message.contains(hint), "{message}");
        }
        for path in ["help", "data", "train.jsonl"] {
            let message = DiscoverError::Missing(path.into()).to_string();
            assert!(!message.contains(hint), "{message}");
        }
    }

    #[test]
    fn dataset_names_plain_and_compressed_in_any_case() {
        for name in [
            "a.jsonl",
            "A.JSONL",
            "b.ndjson",
            "d/train.jsonl.gz",
            "train.JSONL.GZ",
            "train.jsonl.zst",
            "x.ndjson.Zst",
            "x.ndjson.gz",
            "train-00000-of-00001.parquet",
            "TRAIN.PARQUET",
        ] {
            assert!(is_dataset_name(Path::new(name)), "{name}");
        }
        for name in [
            "a.json",
            "a.gz",
            "a.zst",
            "jsonl.gz",
            "a.jsonl.bz2",
            "a.jsonl.gz.part",
            "a.txt.gz",
            ".gz",
            "a.parquet.gz",
        ] {
            assert!(!is_dataset_name(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn json_records_only_keeps_arrays_and_skips_other_json() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let paths = vec![
            write("package.json", b"{\"name\": \"x\"}"),
            write("train.json", b"\xEF\xBB\xBF\n  [{\"messages\": []}]"),
            write("blank.json", b"  \n"),
            write(
                "DATA.JSON",
                b"[{\"instruction\": \"Hi\", \"output\": \"Hello\"}]",
            ),
            write("tsconfig.json", b"// comment\n{}"),
            write("empty.json", b"[]"),
            write("words.json", b" [\"en\", \"fr\"]"),
            write("fixtures.json", b"[{\"id\": 1, \"name\": \"x\"}]"),
            write("typo.json", b"[{\"mesages\": []}]"),
            write("broken.json", b"[{\"messages\": [}"),
            write("x.jsonl", b"{\"a\": 1}\n"),
            // Compressed, told by their text as the reader reads them.
            write("pkg.json.gz", &gzip(b"{\"name\": \"x\"}")),
            write("empty.JSON.gz", &gzip(b"[]")),
            write("data.json.gz", &gzip(b"[{\"messages\": []}]")),
            // JSON Lines saved as .json, which `datasets` loads as it loads a .jsonl file: a
            // record format's key on the first line, and a second line that is an object.
            write(
                "jsonl.json",
                b"{\"messages\": [{\"role\": \"bot\"}]}\n{\"messages\": []}\n",
            ),
            write(
                "pairs.json",
                b"\xEF\xBB\xBF{\"prompt\": \"a\", \"completion\": \"b\"}\r\n{\"prompt\": \"c\"}\r\n",
            ),
            write("spaced.json", b"{\"text\": \"a\"}\n\n   \n{\"text\": \"b\"}\n"),
            write(
                "lines.json.gz",
                &gzip(b"{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"c\"}\n"),
            ),
            // One object on one line, even with a record's key, is a request body or a
            // configuration; lines of objects without one are a log.
            write("one.json", b"\xEF\xBB\xBF {\"text\": \"a whole record\"}"),
            write("log.json", b"{\"id\": 1, \"q\": \"a\"}\r\n{\"id\": 2}\r\n"),
            // One object on one line is a minified configuration, without a record's key.
            write("tsmin.json", b"{\"compilerOptions\":{\"strict\":true}}\n"),
            write(
                "pkgmin.json",
                b"{\"name\":\"x\",\"version\":\"1.0.0\",\"type\":\"module\",\"description\":\"d\",\"main\":\"i.js\",\"files\":[\"a\"],\"scripts\":{\"test\":\"t\"}}",
            ),
            write("manifest.json", b"{\"schemaVersion\":2,\"mediaType\":\"m\"}\n"),
            // A pretty-printed object, records key or not, is one object, not lines of them.
            write("pretty.json", b"{\n  \"messages\": []\n}\n{\"id\": 2}\n"),
            write("junk.json", b"{\"id\": 1} and more\n{\"id\": 2}\n"),
            // A Git LFS pointer may stand for any `.json` (a tokenizer, a lock file).
            write(
                "tokenizer.json",
                b"version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n",
            ),
            // A dataset whose second line is broken, or whose first record misspells its
            // key, is linted: those are the files that most need it.
            write(
                "cut.json",
                b"{\"messages\": []}\n{\"messages\": [{\"role\": \"user\", \"content\": \"Ho\n{\"messages\": []}\n",
            ),
            write(
                "misspelt.json",
                b"{\"mesages\": [{\"role\": \"user\"}]}\n{\"messages\": []}\n",
            ),
            // A log's `message` holds a string, a request's `inputs` a prompt, a log's
            // `content` a list of other objects: not misspelt records.
            write(
                "requests.json",
                b"{\"inputs\": [\"Hi\"], \"parameters\": {}}\n{\"inputs\": [\"Yo\"]}\n",
            ),
            write(
                "telemetry.json",
                b"{\"message\": [{\"span\": 1}]}\n{\"message\": [{\"span\": 2}]}\n",
            ),
            // A log's `message` holds a string: not a misspelt `messages`.
            write(
                "events.json",
                b"{\"level\": \"info\", \"message\": \"up\"}\n{\"level\": \"info\", \"message\": \"down\"}\n",
            ),
        ];
        let no = |_: &Path| false;
        let run = |records_only: bool| {
            discover(
                &paths,
                &Exclusion {
                    is_excluded: &no,
                    is_included: &no,
                    force: false,
                    json_records_only: records_only,
                    respect_ignore_files: true,
                },
            )
            .unwrap()
        };
        let names = |found: &[Found]| -> Vec<String> {
            found
                .iter()
                .map(|f| match f {
                    Found::File(p) => p.file_name().unwrap().to_string_lossy().into_owned(),
                    Found::Stdin => "-".into(),
                })
                .collect()
        };
        let only = run(true);
        assert_eq!(
            names(&only.found),
            [
                "DATA.JSON",
                "blank.json",
                "broken.json",
                "cut.json",
                "data.json.gz",
                "jsonl.json",
                "lines.json.gz",
                "misspelt.json",
                "pairs.json",
                "spaced.json",
                "train.json",
                "typo.json",
                "x.jsonl"
            ]
        );
        let skipped: Vec<String> = only
            .not_records
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            skipped,
            [
                "package.json",
                "tsconfig.json",
                "empty.json",
                "words.json",
                "fixtures.json",
                "pkg.json.gz",
                "empty.JSON.gz",
                "one.json",
                "log.json",
                "tsmin.json",
                "pkgmin.json",
                "manifest.json",
                "pretty.json",
                "junk.json",
                "tokenizer.json",
                "requests.json",
                "telemetry.json",
                "events.json"
            ]
        );
        // Without the option a named file is always read.
        assert_eq!(run(false).found.len(), 31);
    }

    fn gzip(text: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }
}
