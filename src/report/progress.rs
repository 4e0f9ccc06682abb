//! A progress line on stderr for long runs: shown only on a terminal, only after the first
//! second, and erased when the run ends, so short runs and CI logs never see it. Findings
//! printed to the same terminal while the run goes on take its place: the first one erases
//! the line and it is not drawn again.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The state a run shares with its progress line.
#[derive(Default)]
pub struct Progress {
    /// Bytes read so far.
    pub read: AtomicU64,
    done: AtomicBool,
    /// (yielded to findings, line on screen); drawing and erasing hold the lock.
    state: Mutex<(bool, bool)>,
}

impl Progress {
    /// Ends the progress line for good: the run is over.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
    }

    /// Erases the line and stops drawing it, before output goes to the same terminal.
    pub fn yield_to_output(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if !state.0 {
            state.0 = true;
            if state.1 {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
                state.1 = false;
            }
        }
    }

    /// Shows `bytes read of total` until [`Progress::finish`]. Call from a scoped thread.
    pub fn show(&self, total: u64) {
        if !std::io::stderr().is_terminal() {
            return;
        }
        let start = Instant::now();
        while !self.done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            if start.elapsed() < Duration::from_secs(1) {
                continue;
            }
            let n = self.read.load(Ordering::Relaxed);
            let line = if total > 0 {
                format!(
                    "tunelint: {} of {} read ({}%)",
                    mb(n),
                    mb(total),
                    (n * 100 / total).min(100)
                )
            } else {
                format!("tunelint: {} read", mb(n))
            };
            let Ok(mut state) = self.state.lock() else {
                return;
            };
            if state.0 {
                return;
            }
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
            state.1 = true;
        }
        if let Ok(mut state) = self.state.lock()
            && state.1
        {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            state.1 = false;
        }
    }
}

fn mb(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.1} GB", bytes as f64 / (1u64 << 30) as f64)
    } else {
        format!("{:.0} MB", bytes as f64 / (1u64 << 20) as f64)
    }
}
