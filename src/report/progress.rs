//! A progress line on stderr for long runs: shown only on a terminal, only after the first
//! second, and erased when the run ends, so short runs and CI logs never see it.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Shows `bytes read of total` until `done` is set. Call from a scoped thread.
pub fn show(read: &AtomicU64, total: u64, done: &AtomicBool) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let start = Instant::now();
    let mut shown = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if start.elapsed() < Duration::from_secs(1) {
            continue;
        }
        let n = read.load(Ordering::Relaxed);
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
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        shown = true;
    }
    if shown {
        let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
    }
}

fn mb(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.1} GB", bytes as f64 / (1u64 << 30) as f64)
    } else {
        format!("{:.0} MB", bytes as f64 / (1u64 << 20) as f64)
    }
}
