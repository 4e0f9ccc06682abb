//! Files tunelint writes (`-o`, `--json-file`, `--json-summary-file`, `--sarif-file`,
//! `--summary-file`, `dedupe -o`):
//! never one of the inputs, and written through a temporary file renamed into place, so a
//! dataset is never overwritten and a half-written report never replaces a whole one. `-`
//! is standard output, which one output at most may take.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An output that would destroy something, or cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{option} {output} is {what}; tunelint never writes over its input (choose another output path)"
    )]
    IsInput {
        option: String,
        output: String,
        what: String,
    },
    #[error(
        "{option} {output} is the same file as {other} {other_path}; give each output its own path"
    )]
    SameOutput {
        option: String,
        output: String,
        other: String,
        other_path: String,
    },
    #[error(
        "standard output is {what}; tunelint never writes over its input (send the output elsewhere, or write it with -o FILE)"
    )]
    StdoutIsInput { what: String },
    #[error("{option} and {other} both write to standard output; give one of them a file")]
    BothStdout { option: String, other: String },
    #[error("cannot write {path}: {reason}")]
    Io { path: String, reason: String },
}

/// Whether an output path is `-`: standard output, as for most command-line tools.
pub fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// One file a run reads: its path, identity, resolved path, and what it is to the run when
/// it is not data (`the configuration`).
type Read = (
    PathBuf,
    Option<Identity>,
    Option<PathBuf>,
    Option<&'static str>,
);

/// The files a run reads, by identity and by path, to check outputs against.
#[derive(Default)]
pub struct Inputs {
    files: Vec<Read>,
}

impl Inputs {
    /// Records `path` (a data file the run will read).
    pub fn add(&mut self, path: &Path) {
        let handle = identity(path);
        let resolved = std::fs::canonicalize(path).ok();
        self.files
            .push((path.to_path_buf(), handle, resolved, None));
    }

    /// Records `path`, a file the run reads that is not data: `what` says what it is to the
    /// run (`the configuration`, `the baseline`).
    pub fn add_other(&mut self, path: &Path, what: &'static str) {
        let handle = identity(path);
        let resolved = std::fs::canonicalize(path).ok();
        self.files
            .push((path.to_path_buf(), handle, resolved, Some(what)));
    }

    /// Records standard input, when the run reads it (`-`): redirected from a file
    /// (`tunelint -o data.jsonl - < data.jsonl`), that file is an input like any other.
    pub fn add_stdin(&mut self) {
        if let Some(id) = stdin_identity() {
            self.files
                .push((PathBuf::from("standard input"), Some(id), None, None));
        }
    }

    /// Fails when writing `output` would write over one of the inputs: the same file after
    /// resolving links (device and inode, so hard links and symlinks count), or the same path.
    pub fn check(&self, option: &str, output: &Path) -> Result<(), OutputError> {
        self.check_but(option, output, None)
    }

    /// [`Inputs::check`], but an output may be the file read as `role` (`the baseline`,
    /// which `--write-baseline` refreshes).
    pub fn check_but(
        &self,
        option: &str,
        output: &Path,
        role: Option<&str>,
    ) -> Result<(), OutputError> {
        if is_stdout(output) {
            return self.check_stdout();
        }
        let handle = identity(output);
        let resolved = resolve(output);
        let but = role;
        for (input, input_handle, input_resolved, role) in &self.files {
            if role.is_some() && *role == but {
                continue;
            }
            let same_file = matches!((&handle, input_handle), (Some(a), Some(b)) if a == b);
            let same_path = matches!((&resolved, input_resolved), (Some(a), Some(b)) if a == b);
            if same_file || same_path {
                let what = if let Some(role) = role {
                    if output == input {
                        format!("{role} this run reads")
                    } else {
                        format!(
                            "the same file as {role} this run reads, {}",
                            input.display()
                        )
                    }
                } else if input_resolved.is_none() && input == Path::new("standard input") {
                    "the file standard input is read from".to_string()
                } else if output == input {
                    "an input of this run".to_string()
                } else {
                    format!("the same file as the input {}", input.display())
                };
                return Err(OutputError::IsInput {
                    option: option.to_owned(),
                    output: output.display().to_string(),
                    what,
                });
            }
        }
        Ok(())
    }

    /// Fails when standard output, where a report or a dataset is about to go, is one of the
    /// inputs (`tunelint dedupe data.jsonl -o - >> data.jsonl`): appending to the file being
    /// read would change the dataset, and a copy of it would read its own output forever.
    pub fn check_stdout(&self) -> Result<(), OutputError> {
        let Some(out) = stdout_identity() else {
            return Ok(());
        };
        for (input, input_handle, _, role) in &self.files {
            if input_handle.as_ref() == Some(&out) {
                let what = match role {
                    Some(role) => {
                        format!("redirected to {role} this run reads, {}", input.display())
                    }
                    None if input == Path::new("standard input") => {
                        "the file standard input is read from".to_string()
                    }
                    None => format!("redirected to the input {}", input.display()),
                };
                return Err(OutputError::StdoutIsInput { what });
            }
        }
        Ok(())
    }
}

/// Checks that no two outputs name the same file: two writers would interleave.
pub fn check_distinct(outputs: &[(&str, &Path)]) -> Result<(), OutputError> {
    // `-`, or a name for the file or pipe standard output is (`/dev/stdout`): two of them
    // would interleave two documents in one stream.
    for (i, (option, path)) in outputs.iter().enumerate() {
        for (other, other_path) in &outputs[..i] {
            let (a, b) = (is_standard_output(path), is_standard_output(other_path));
            if a || b {
                if a && b {
                    return Err(OutputError::BothStdout {
                        option: format!("{option} {}", path.display()),
                        other: format!("{other} {}", other_path.display()),
                    });
                }
                continue;
            }
            let same = match (identity(path), identity(other_path)) {
                (Some(a), Some(b)) => a == b,
                _ => resolve(path).is_some() && resolve(path) == resolve(other_path),
            };
            if same {
                return Err(OutputError::SameOutput {
                    option: (*option).to_owned(),
                    output: path.display().to_string(),
                    other: (*other).to_owned(),
                    other_path: other_path.display().to_string(),
                });
            }
        }
    }
    Ok(())
}

/// What identifies a file whatever path names it: device and inode on Unix, kept without
/// holding the file open (a run over thousands of inputs must not run out of file
/// descriptors); elsewhere an open handle, the only identity the platform offers.
#[cfg(unix)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct Identity(u64, u64);
#[cfg(not(unix))]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct Identity(same_file::Handle);

/// The identity of the regular file at `path` (links followed). Nothing else is looked at
/// further: opening a named pipe would wait for its writer, and take the data the run is
/// about to read.
pub(crate) fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Identity(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        same_file::Handle::from_path(path).ok().map(Identity)
    }
}

/// What a standard stream (`io::stdin()`, `io::stdout()`) is: the file, pipe or device
/// behind it, by `fstat`.
#[cfg(unix)]
fn stream_metadata(stream: impl std::os::fd::AsFd) -> Option<std::fs::Metadata> {
    let fd = stream.as_fd().try_clone_to_owned().ok()?;
    File::from(fd).metadata().ok()
}

/// The identity of the regular file standard input is redirected from, if it is one.
#[cfg(unix)]
fn stdin_identity() -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let meta = stream_metadata(io::stdin()).filter(std::fs::Metadata::is_file)?;
    Some(Identity(meta.dev(), meta.ino()))
}
#[cfg(not(unix))]
fn stdin_identity() -> Option<Identity> {
    None
}

/// Drops from `found` the empty regular file standard output is redirected to: the report
/// of `tunelint check . > report.jsonl`, which the shell made before the walk found it. It
/// is the run's output, not data; a file with data in it (`>> data.jsonl`) is an input, and
/// [`Inputs::check_stdout`] refuses to write to it. Standard output is looked at once.
pub fn drop_fresh_standard_output(found: &mut Vec<crate::discover::Found>) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Some(out) = stream_metadata(io::stdout()).filter(|m| m.is_file() && m.len() == 0)
        else {
            return;
        };
        let out = Identity(out.dev(), out.ino());
        found.retain(|f| match f {
            crate::discover::Found::File(p) => identity(p).as_ref() != Some(&out),
            crate::discover::Found::Stdin => true,
        });
    }
    #[cfg(not(unix))]
    let _ = found;
}

/// The identity of the regular file standard output is redirected to, if it is one.
#[cfg(unix)]
fn stdout_identity() -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let meta = stream_metadata(io::stdout()).filter(std::fs::Metadata::is_file)?;
    Some(Identity(meta.dev(), meta.ino()))
}
#[cfg(not(unix))]
fn stdout_identity() -> Option<Identity> {
    None
}

/// Whether `path` is standard output: `-`, or a name for the regular file or pipe standard
/// output is (`/dev/stdout`, `/proc/self/fd/1`, the file it is redirected to), where a second
/// writer would interleave its output with the report's. A terminal or `/dev/null` may be
/// shared.
pub fn is_standard_output(path: &Path) -> bool {
    if is_stdout(path) {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let Some(out) = stream_metadata(io::stdout()) else {
            return false;
        };
        if !(out.is_file() || out.file_type().is_fifo()) {
            return false;
        }
        std::fs::metadata(path).is_ok_and(|m| m.dev() == out.dev() && m.ino() == out.ino())
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Whether `path` is written as a folder's (`out/`), which a file's name never is.
fn names_a_folder(path: &Path) -> bool {
    let text = path.as_os_str().as_encoded_bytes();
    text.last()
        .is_some_and(|&b| b == b'/' || (cfg!(windows) && b == b'\\'))
}

/// The absolute path a write to `path` lands on: links resolved, and for a file that does
/// not exist yet, its resolved directory joined with its name. A link to a file that does
/// not exist yet lands on that file, as a shell's `>` creates it.
fn resolve(path: &Path) -> Option<PathBuf> {
    landing(path).ok()
}

/// Links a dangling chain may have before it is taken for a loop (Linux's own limit).
const MAX_LINKS: usize = 40;

/// [`resolve`], or why there is nowhere to write: the folder it would land in does not
/// exist (`Err(Some(folder))`), or the links loop or cannot be read (`Err(None)`).
fn landing(path: &Path) -> Result<PathBuf, Option<PathBuf>> {
    let mut path = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        if let Ok(p) = std::fs::canonicalize(&path) {
            return Ok(p);
        }
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            let name = path.file_name().ok_or(None)?;
            let dir = std::fs::canonicalize(&parent).map_err(|_| Some(parent.clone()))?;
            return Ok(dir.join(name));
        }
        // A link to what does not exist yet: follow it, relative to the link's folder.
        let target = std::fs::read_link(&path).map_err(|_| None)?;
        path = parent.join(target);
    }
    Err(None)
}

/// Bytes of the longest file name most file systems take (Linux's `NAME_MAX`).
const NAME_MAX: usize = 255;
/// Random characters in a temporary file's name (`tempfile`'s default).
const TEMP_RANDOM: usize = 6;

/// An output file being written. A regular file (or a new one) is written to a temporary
/// file beside it and renamed over it by [`OutputFile::commit`]; dropped uncommitted, the
/// temporary file is removed and the old file stays. A device or a pipe (`/dev/stdout`,
/// `/dev/null`, a FIFO) is written directly: renaming over it would replace the device node.
pub struct OutputFile {
    path: PathBuf,
    target: Target,
}

enum Target {
    Temp {
        file: io::BufWriter<tempfile::NamedTempFile>,
        /// Where the rename goes: `path` with its symlinks resolved, so a link stays a link
        /// (and one to a file not there yet makes that file).
        dest: PathBuf,
        /// The temporary file is removed if the run is interrupted.
        _pending: crate::interrupt::Pending,
    },
    Direct(io::BufWriter<File>),
    /// `-`.
    Stdout(io::BufWriter<io::Stdout>),
    /// Appended to `dest` at commit, in one write ($GITHUB_STEP_SUMMARY collects every
    /// step's summary: it is never truncated).
    Append {
        buf: Vec<u8>,
        dest: PathBuf,
    },
}

impl OutputFile {
    /// Starts writing `path`, replacing it at commit.
    pub fn create(path: &Path) -> Result<OutputFile, OutputError> {
        if is_stdout(path) {
            return Ok(OutputFile::stdout());
        }
        let io_error = |e: io::Error| OutputError::Io {
            path: path.display().to_string(),
            reason: io_error_text(&e),
        };
        // A name for standard output (`/dev/stdout`) is written as `-` is: replacing the file
        // standard output is redirected to would drop what `>>` appended to it before.
        if is_standard_output(path) {
            return Ok(OutputFile {
                path: path.to_path_buf(),
                target: Target::Stdout(io::BufWriter::new(io::stdout())),
            });
        }
        let meta = match std::fs::metadata(path) {
            Ok(meta) => Some(meta),
            // `notes.jsonl/`: a file named as a folder is not the file.
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => return Err(io_error(e)),
            Err(_) => None,
        };
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(io_error(io::Error::other("is a directory")));
        }
        if meta.is_none() && names_a_folder(path) {
            return Err(io_error(io::Error::other(
                "ends with a path separator, so it names a folder, which does not exist",
            )));
        }
        if meta.as_ref().is_some_and(|m| !m.is_file()) {
            let file = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .map_err(io_error)?;
            return Ok(OutputFile {
                path: path.to_path_buf(),
                target: Target::Direct(io::BufWriter::new(file)),
            });
        }
        let missing_folder = |dir: &Path| OutputError::Io {
            path: path.display().to_string(),
            reason: format!(
                "its folder {} does not exist (tunelint creates no folders)",
                dir.display()
            ),
        };
        let dest = landing(path).map_err(|missing| match missing {
            Some(dir) if !dir.exists() => missing_folder(&dir),
            // A loop of links, say: the system's own words for it.
            _ => io_error(
                std::fs::metadata(path)
                    .err()
                    .unwrap_or_else(|| io::Error::from(io::ErrorKind::NotFound)),
            ),
        })?;
        OutputFile::beside(path, dest, meta)
    }

    /// Starts writing `path` as [`OutputFile::create`] does, except that a symbolic link
    /// there is itself replaced at commit, not the file it names (`init --force`: a
    /// `tunelint.toml` linked to a configuration shared elsewhere is not written over).
    pub fn create_over_link(path: &Path) -> Result<OutputFile, OutputError> {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return OutputFile::create(path);
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = path.file_name().ok_or_else(|| OutputError::Io {
            path: path.display().to_string(),
            reason: "names no file".into(),
        })?;
        OutputFile::beside(path, dir.join(name), None)
    }

    /// A temporary file in `dest`'s folder, renamed to `dest` at commit; `meta` is what is
    /// there now, if anything (whose permissions the new file keeps).
    fn beside(
        path: &Path,
        dest: PathBuf,
        meta: Option<std::fs::Metadata>,
    ) -> Result<OutputFile, OutputError> {
        let dir = match dest.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = dest
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let temp_in = |prefix: &str, suffix: &str| {
            let mut builder = tempfile::Builder::new();
            builder
                .prefix(prefix)
                .suffix(suffix)
                .rand_bytes(TEMP_RANDOM);
            #[cfg(unix)]
            if meta.is_none() {
                // A new file gets the mode any new file gets (0666 less the umask), not the
                // temporary file's private 0600.
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
            builder.tempfile_in(dir)
        };
        // The temporary name says whose it is (`.report.json.XXXXXX.tunelint.tmp`), unless
        // that would pass the longest name a folder takes: then a short one of its own
        // (`.tunelint.XXXXXX.tmp`), so that any name the system allows can be written.
        let prefix = format!(".{name}.");
        let descriptive = prefix.len() + TEMP_RANDOM + ".tunelint.tmp".len() <= NAME_MAX;
        let temp = if descriptive {
            match temp_in(&prefix, ".tunelint.tmp") {
                // A file system with shorter names than most (eCryptfs: 143 bytes).
                Err(e) if e.kind() == io::ErrorKind::InvalidFilename => {
                    temp_in(".tunelint.", ".tmp")
                }
                made => made,
            }
        } else {
            temp_in(".tunelint.", ".tmp")
        };
        // The output is written beside its destination and renamed into place: a folder
        // that takes no new file (`/proc`, a read-only mount) is the reason, not the file.
        let temp = temp.map_err(|e| OutputError::Io {
            path: path.display().to_string(),
            reason: format!(
                "cannot create a file in its folder {} ({}); tunelint writes the output beside it and renames it into place",
                dir.display(),
                io_error_text(&e)
            ),
        })?;
        let pending = crate::interrupt::Pending::new(temp.path());
        if let Some(m) = &meta {
            // A replaced file keeps its permissions.
            let _ = temp.as_file().set_permissions(m.permissions());
        }
        Ok(OutputFile {
            path: path.to_path_buf(),
            target: Target::Temp {
                file: io::BufWriter::new(temp),
                dest,
                _pending: pending,
            },
        })
    }

    /// Standard output (`-`).
    fn stdout() -> OutputFile {
        OutputFile {
            path: PathBuf::from("-"),
            target: Target::Stdout(io::BufWriter::new(io::stdout())),
        }
    }

    /// Starts writing what will be appended to `path` at commit (created if missing).
    pub fn append(path: &Path) -> Result<OutputFile, OutputError> {
        if is_stdout(path) {
            return Ok(OutputFile::stdout());
        }
        // Fail now, before linting, when the file cannot be opened for appending.
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| OutputError::Io {
                path: path.display().to_string(),
                reason: io_error_text(&e),
            })?;
        Ok(OutputFile {
            path: path.to_path_buf(),
            target: Target::Append {
                buf: Vec::new(),
                dest: path.to_path_buf(),
            },
        })
    }

    /// The path as the user gave it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Finishes the file: renames the temporary file into place (or appends).
    pub fn commit(self) -> io::Result<()> {
        match self.target {
            Target::Temp { file, dest, .. } => {
                let temp = file.into_inner().map_err(|e| e.into_error())?;
                temp.as_file().sync_all()?;
                temp.persist(&dest).map_err(|e| e.error)?;
                Ok(())
            }
            Target::Direct(mut file) => file.flush(),
            Target::Stdout(mut out) => out.flush(),
            Target::Append { buf, dest } => {
                let mut file = OpenOptions::new()
                    .create(true)
                    .read(true)
                    .append(true)
                    .open(dest)?;
                // What is there already ends with a blank line before ours starts, so that
                // a Markdown summary's heading is not read as the end of a paragraph.
                let separator = blank_line_after(&mut file)?;
                let before = file.metadata()?.len();
                let mut all = Vec::with_capacity(separator.len() + buf.len());
                all.extend_from_slice(separator);
                all.extend_from_slice(&buf);
                // A write that fails part way (a full disk) is taken back: the summary is
                // appended whole or not at all, never half a heading.
                let written = file.write_all(&all).and_then(|()| file.sync_data());
                if written.is_err() {
                    let _ = file.set_len(before);
                }
                written
            }
        }
    }
}

/// The line breaks that end `file`'s text with a blank line: none for an empty file.
fn blank_line_after(file: &mut File) -> io::Result<&'static [u8]> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    let mut tail = [0u8; 2];
    let take = len.min(2) as usize;
    if take > 0 {
        file.seek(SeekFrom::Start(len - take as u64))?;
        file.read_exact(&mut tail[..take])?;
    }
    Ok(match &tail[..take] {
        [] | [b'\n', b'\n'] => b"",
        [.., b'\n'] => b"\n",
        _ => b"\n\n",
    })
}

impl Write for OutputFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match &mut self.target {
            Target::Temp { file, .. } => file.write(data),
            Target::Direct(file) => file.write(data),
            Target::Stdout(out) => out.write(data),
            Target::Append { buf, .. } => buf.write(data),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.target {
            Target::Temp { file, .. } => file.flush(),
            Target::Direct(file) => file.flush(),
            Target::Stdout(out) => out.flush(),
            Target::Append { .. } => Ok(()),
        }
    }
}

use crate::source::io_error_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_reached_by_any_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("t.jsonl");
        std::fs::write(&data, "{}\n").unwrap();
        let hard = dir.path().join("hard.jsonl");
        std::fs::hard_link(&data, &hard).unwrap();
        let mut inputs = Inputs::default();
        inputs.add(&data);
        assert!(inputs.check("-o", &data).is_err());
        assert!(inputs.check("-o", &hard).is_err());
        assert!(inputs.check("-o", &dir.path().join("./t.jsonl")).is_err());
        assert!(inputs.check("-o", &dir.path().join("other.txt")).is_ok());
    }

    #[test]
    fn an_uncommitted_output_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.txt");
        std::fs::write(&path, "old").unwrap();
        let mut out = OutputFile::create(&path).unwrap();
        out.write_all(b"new").unwrap();
        drop(out);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let mut out = OutputFile::create(&path).unwrap();
        out.write_all(b"new").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    /// A new output gets the mode any new file gets (0666 less the umask), not the private
    /// mode of the temporary file it was written as; a replaced one keeps its own.
    #[cfg(target_os = "linux")]
    #[test]
    fn outputs_get_the_mode_of_a_new_file_or_keep_their_own() {
        use std::os::unix::fs::PermissionsExt;
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|m| u32::from_str_radix(m.trim(), 8).ok())
            .expect("the kernel reports the umask");
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let new = dir.path().join("new.jsonl");
        let mut out = OutputFile::create(&new).unwrap();
        out.write_all(b"{}\n").unwrap();
        out.commit().unwrap();
        assert_eq!(mode(&new), 0o666 & !umask);
        let old = dir.path().join("old.jsonl");
        std::fs::write(&old, "").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
        let mut out = OutputFile::create(&old).unwrap();
        out.write_all(b"{}\n").unwrap();
        out.commit().unwrap();
        assert_eq!(mode(&old), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_output_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut out = OutputFile::create(&link).unwrap();
        out.write_all(b"new").unwrap();
        out.commit().unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    /// A link to a file that is not there yet is written through, as a shell's `>` writes
    /// it: the file is made where the link points (the temporary file beside it), and the
    /// link stays a link. Two outputs that land on one file are refused before either is
    /// written, whether or not the file exists yet.
    #[cfg(unix)]
    #[test]
    fn a_link_to_a_new_file_makes_that_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("reports")).unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("reports/out.txt", &link).unwrap();
        // A chain of links, the last one relative to its own folder.
        let chain = dir.path().join("reports/chain.txt");
        std::os::unix::fs::symlink("../link.txt", &chain).unwrap();
        let mut out = OutputFile::create(&chain).unwrap();
        out.write_all(b"new").unwrap();
        out.commit().unwrap();
        for l in [&link, &chain] {
            assert!(
                std::fs::symlink_metadata(l)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
        }
        let real = dir.path().join("reports/out.txt");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path().join("reports"))
                .unwrap()
                .count(),
            2
        );

        let alias = dir.path().join("y.out");
        std::os::unix::fs::symlink("x.out", &alias).unwrap();
        let x = dir.path().join("x.out");
        let outputs = [
            ("--json-file", alias.as_path()),
            ("--sarif-file", x.as_path()),
        ];
        let e = check_distinct(&outputs).expect_err("one file");
        assert!(matches!(e, OutputError::SameOutput { .. }), "{e}");
        std::fs::write(&x, "").unwrap();
        assert!(check_distinct(&outputs).is_err());
        assert!(
            check_distinct(&[("-o", alias.as_path()), ("--json-file", real.as_path())]).is_ok()
        );

        // A loop of links is nowhere to write, said in the system's words.
        let a = dir.path().join("a.txt");
        std::os::unix::fs::symlink("b.txt", &a).unwrap();
        std::os::unix::fs::symlink("a.txt", dir.path().join("b.txt")).unwrap();
        let e = OutputFile::create(&a).err().expect("a loop");
        assert!(e.to_string().contains("symbolic links"), "{e}");
        // A link into a folder that does not exist names that folder.
        let lost = dir.path().join("lost.txt");
        std::os::unix::fs::symlink("nowhere/out.txt", &lost).unwrap();
        let e = OutputFile::create(&lost).err().expect("no folder");
        assert!(e.to_string().contains("nowhere does not exist"), "{e}");
    }
}
