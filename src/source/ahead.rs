//! Reading ahead on a thread of its own: a decompressed stream or a Parquet table's rows are
//! made there, a few blocks ahead of the reader thread that splits them into lines, so
//! decompressing or decoding overlaps with linting instead of holding the reader up.
//!
//! The thread owns its source and ends when the source does, when the reader is dropped, or
//! at an error: the error is handed over after the bytes read before it, and the thread keeps
//! offering it (a sticky decoder fails the same way again), so every later read fails alike.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender};

/// Bytes handed over at a time.
const BLOCK_BYTES: usize = 256 * 1024;
/// Blocks made ahead of the reader, at most: 4 MiB. With four blocks the decoder, the reader
/// and the workers took turns on two cores more than they overlapped (a `.jsonl.zst` file
/// 0.83× faster with 16, no faster with 64; bench/README.md, Compressed inputs).
const BLOCKS_AHEAD: usize = 16;

/// What the thread makes, read by the reader thread.
pub struct ReadAhead<'a> {
    blocks: Receiver<io::Result<Vec<u8>>>,
    buf: Vec<u8>,
    pos: usize,
    /// Bytes of the input the thread has counted (the file's, before decompressing), and how
    /// many of them `progress` was told about.
    counted: Arc<AtomicU64>,
    told: u64,
    progress: Option<&'a AtomicU64>,
}

impl<'a> ReadAhead<'a> {
    /// Runs `make` on a new thread and reads what it returns there. `counted` is what the
    /// source counts its input's bytes into; they go to `progress` as the blocks are read.
    pub fn spawn<F>(
        make: F,
        counted: Arc<AtomicU64>,
        progress: Option<&'a AtomicU64>,
    ) -> io::Result<ReadAhead<'a>>
    where
        F: FnOnce() -> io::Result<Box<dyn Read>> + Send + 'static,
    {
        let (send, blocks) = crossbeam_channel::bounded(BLOCKS_AHEAD);
        std::thread::Builder::new()
            .name("tunelint-read-ahead".into())
            .spawn(move || match make() {
                Ok(src) => run(src, &send),
                Err(e) => {
                    let _ = send.send(Err(e));
                }
            })?;
        Ok(ReadAhead {
            blocks,
            buf: Vec::new(),
            pos: 0,
            counted,
            told: 0,
            progress,
        })
    }

    fn tell_progress(&mut self) {
        let now = self.counted.load(Ordering::Relaxed);
        if let Some(p) = self.progress {
            p.fetch_add(now.saturating_sub(self.told), Ordering::Relaxed);
        }
        self.told = self.told.max(now);
    }
}

/// The thread: blocks of `src` until its end, an error, or the reader is gone.
fn run(mut src: Box<dyn Read>, send: &Sender<io::Result<Vec<u8>>>) {
    loop {
        let mut block = vec![0; BLOCK_BYTES];
        let mut n = 0;
        let mut failure = None;
        while n < BLOCK_BYTES {
            match src.read(&mut block[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        block.truncate(n);
        if n > 0 && send.send(Ok(block)).is_err() {
            return;
        }
        let stop = match failure {
            // Offered until the reader stops asking: a sticky source fails alike again.
            Some(e) => send.send(Err(e)).is_err(),
            None => n < BLOCK_BYTES,
        };
        if stop {
            return;
        }
    }
}

impl Read for ReadAhead<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.pos == self.buf.len() {
            match self.blocks.recv() {
                // The thread ended: the end of the input.
                Err(_) => {
                    self.tell_progress();
                    return Ok(0);
                }
                Ok(Err(e)) => {
                    self.tell_progress();
                    return Err(e);
                }
                Ok(Ok(block)) => {
                    self.buf = block;
                    self.pos = 0;
                    self.tell_progress();
                }
            }
        }
        let take = (self.buf.len() - self.pos).min(out.len());
        out[..take].copy_from_slice(&self.buf[self.pos..self.pos + take]);
        self.pos += take;
        Ok(take)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that gives `good` bytes, then fails the same way every time.
    struct FailsAfter {
        good: usize,
        given: usize,
    }

    impl Read for FailsAfter {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.given >= self.good {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "broken"));
            }
            let n = out.len().min(self.good - self.given).min(1000);
            out[..n].fill(b'x');
            self.given += n;
            Ok(n)
        }
    }

    #[test]
    fn every_byte_arrives_in_order_and_the_end_is_the_end() {
        let data: Vec<u8> = (0..BLOCK_BYTES * 3 + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        let copy = data.clone();
        let counted = Arc::new(AtomicU64::new(0));
        let progress = AtomicU64::new(0);
        let c = counted.clone();
        let mut ahead = ReadAhead::spawn(
            move || {
                c.store(copy.len() as u64, Ordering::Relaxed);
                Ok(Box::new(io::Cursor::new(copy)) as Box<dyn Read>)
            },
            counted,
            Some(&progress),
        )
        .expect("a thread");
        let mut out = Vec::new();
        ahead.read_to_end(&mut out).expect("read");
        assert_eq!(out, data);
        assert_eq!(ahead.read(&mut [0; 8]).expect("end"), 0);
        assert_eq!(progress.load(Ordering::Relaxed), data.len() as u64);
    }

    #[test]
    fn the_bytes_before_an_error_come_first_and_the_error_stays() {
        let mut ahead = ReadAhead::spawn(
            || {
                Ok(Box::new(FailsAfter {
                    good: 5000,
                    given: 0,
                }) as Box<dyn Read>)
            },
            Arc::new(AtomicU64::new(0)),
            None,
        )
        .expect("a thread");
        let mut out = Vec::new();
        let e = ahead.read_to_end(&mut out).expect_err("it fails");
        assert_eq!(out.len(), 5000);
        assert_eq!(e.to_string(), "broken");
        let again = ahead.read(&mut [0; 8]).expect_err("again");
        assert_eq!(again.to_string(), "broken");
    }

    #[test]
    fn a_source_that_cannot_be_made_is_the_first_read_error() {
        let mut ahead = ReadAhead::spawn(
            || Err(io::Error::other("no such table")),
            Arc::new(AtomicU64::new(0)),
            None,
        )
        .expect("a thread");
        let e = ahead.read(&mut [0; 8]).expect_err("fails");
        assert_eq!(e.to_string(), "no such table");
    }
}
