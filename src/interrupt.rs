//! Temporary files removed when a run is interrupted.
//!
//! A run keeps temporary files while it works: an output being written beside its
//! destination (`.out.jsonl.XXXX.tunelint.tmp`, or `.tunelint.XXXX.tmp` beside a name too
//! long for that), standard input copied for `dedupe -`, and the copies of inputs read more
//! than once. Each removes itself when dropped, but Ctrl-C, a
//! `kill` or a closed terminal ends the process without dropping anything: the files were
//! left in the user's folder and, holding their data, in the temporary directory. Each such
//! file is registered here while it exists ([`Pending`]); on SIGINT, SIGTERM or SIGHUP a
//! watcher thread removes every registered file, then lets the signal take its default
//! action, so the process still ends as killed by that signal (exit status 130 for Ctrl-C in
//! a shell).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The registered files, by a number that identifies each registration.
static PENDING: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<(u64, PathBuf)>> {
    // A thread that panicked while holding the list left it whole: it is only pushed to and
    // removed from.
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A temporary file removed if the run is interrupted while this lives. Dropping it only
/// forgets the file (the owner removes it, or has renamed it into place).
#[must_use = "the file is forgotten as soon as this is dropped"]
pub struct Pending(u64);

impl Pending {
    pub fn new(path: &Path) -> Pending {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        pending().push((id, path.to_path_buf()));
        Pending(id)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        pending().retain(|(id, _)| *id != self.0);
    }
}

/// A temporary file that removes itself when dropped, and when the run is interrupted.
pub struct TempPath {
    // Dropped first: the file is removed, then forgotten.
    path: tempfile::TempPath,
    _pending: Pending,
}

impl TempPath {
    pub fn new(path: tempfile::TempPath) -> TempPath {
        let pending = Pending::new(&path);
        TempPath {
            path,
            _pending: pending,
        }
    }
}

impl std::ops::Deref for TempPath {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

/// Removes every registered file now, for a run that ends on an internal error. Does not
/// wait for the list: the thread that failed may hold it.
pub fn remove_pending() {
    let list = match PENDING.try_lock() {
        Ok(list) => list,
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return,
    };
    for (_, path) in list.iter() {
        let _ = std::fs::remove_file(path);
    }
}

/// Starts the watcher, once per process. Without signals to watch (not Unix), or when they
/// cannot be watched, an interrupt ends the run as before.
pub fn watch() {
    #[cfg(unix)]
    {
        use std::sync::Once;
        static STARTED: Once = Once::new();
        STARTED.call_once(|| {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("interrupt".into())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        for (_, path) in pending().iter() {
                            let _ = std::fs::remove_file(path);
                        }
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                        // The default action of these three ends the process; if it did not,
                        // end it as a shell reports an interrupt.
                        std::process::exit(128 + signal);
                    }
                });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_pending_while_its_guard_lives() {
        let path = Path::new("/nonexistent/a.tunelint.tmp");
        let guard = Pending::new(path);
        assert!(pending().iter().any(|(_, p)| p == path));
        drop(guard);
        assert!(!pending().iter().any(|(_, p)| p == path));
    }
}
