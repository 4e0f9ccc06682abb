//! Findings waiting for the dataset rules: kept in memory up to a budget, spilled to a
//! temporary file beyond it, and handed back in output order.
//!
//! Record findings arrive in order (the collector puts chunks back in input order), and each
//! dataset rule reports in order too, so nothing is ever sorted here: every producer writes
//! a *run* that is already sorted, and [`Store::drain`] merges the runs. Memory holds at
//! most the budget plus one decoding buffer per run, however many findings there are.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use crate::diagnostic::{Diagnostic, Location, Related, Span};
use crate::registry::Code;
use crate::rule::Level;

/// Bytes of findings held in memory before the largest run is written to disk.
pub const DEFAULT_BUDGET: usize = 64 << 20;

/// One sorted sequence of findings: what is on disk first, then what is in memory.
#[derive(Default)]
struct Run {
    /// Byte ranges in the spill file, in order.
    on_disk: Vec<(u64, u64)>,
    memory: Vec<Diagnostic>,
    memory_bytes: usize,
    last: Option<SortKey>,
}

type SortKey = (u32, u64, u32, Code, u32);

/// Every run of a pass, with one spill file shared by all of them.
pub struct Store {
    runs: Vec<Run>,
    budget: usize,
    held: usize,
    file: Option<BufWriter<tempfile::NamedTempFile>>,
    /// The spill file, removed if the run is interrupted (it holds findings, and so the
    /// data's text, in the temporary directory).
    pending: Option<crate::interrupt::Pending>,
    written: u64,
    /// Findings written to disk, for the benchmark and tests.
    pub spilled: u64,
}

/// Which run a producer writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunId(usize);

impl Store {
    pub fn new(budget: usize) -> Store {
        Store {
            runs: Vec::new(),
            budget,
            held: 0,
            file: None,
            pending: None,
            written: 0,
            spilled: 0,
        }
    }

    /// A new, empty run.
    pub fn run(&mut self) -> RunId {
        self.runs.push(Run::default());
        RunId(self.runs.len() - 1)
    }

    /// Appends `d` to `run`. A finding that would break the run's order starts a new run
    /// (the id given stays valid: it now names the newest run of its producer).
    pub fn push(&mut self, run: &mut RunId, d: Diagnostic) -> io::Result<()> {
        let key = d.sort_key();
        if self.runs[run.0].last.is_some_and(|last| key < last) {
            *run = self.run();
        }
        let r = &mut self.runs[run.0];
        r.last = Some(key);
        let size = weight(&d);
        r.memory_bytes += size;
        r.memory.push(d);
        self.held += size;
        if self.held > self.budget {
            self.spill_largest()?;
        }
        Ok(())
    }

    /// Writes the run holding the most memory to the spill file.
    fn spill_largest(&mut self) -> io::Result<()> {
        let Some(i) = (0..self.runs.len()).max_by_key(|&i| self.runs[i].memory_bytes) else {
            return Ok(());
        };
        if self.file.is_none() {
            let file = tempfile::NamedTempFile::new()?;
            self.pending = Some(crate::interrupt::Pending::new(file.path()));
            self.file = Some(BufWriter::new(file));
        }
        let file = self.file.as_mut().expect("just created");
        let run = &mut self.runs[i];
        let start = self.written;
        let mut buf = Vec::new();
        for d in run.memory.drain(..) {
            buf.clear();
            encode(&d, &mut buf);
            file.write_all(&buf)?;
            self.written += buf.len() as u64;
            self.spilled += 1;
        }
        run.on_disk.push((start, self.written));
        self.held -= run.memory_bytes;
        run.memory_bytes = 0;
        Ok(())
    }

    /// Every finding of every run, in output order.
    pub fn drain(mut self) -> io::Result<Merged> {
        let file = match self.file.take() {
            Some(mut w) => {
                w.flush()?;
                Some(w.into_inner().map_err(|e| e.into_error())?)
            }
            None => None,
        };
        let mut sources = Vec::new();
        for run in std::mem::take(&mut self.runs) {
            sources.push(Source {
                disk: run.on_disk.into_iter().collect(),
                reader: None,
                memory: run.memory.into_iter(),
            });
        }
        let mut merged = Merged {
            file,
            _pending: self.pending.take(),
            sources,
            heap: BinaryHeap::new(),
        };
        for i in 0..merged.sources.len() {
            merged.refill(i)?;
        }
        Ok(merged)
    }
}

/// Approximate bytes a finding holds in memory.
fn weight(d: &Diagnostic) -> usize {
    std::mem::size_of::<Diagnostic>()
        + d.message.len()
        + d.related
            .iter()
            .map(|r| std::mem::size_of::<Related>() + r.message.len())
            .sum::<usize>()
}

struct Source {
    disk: std::collections::VecDeque<(u64, u64)>,
    reader: Option<(BufReader<File>, u64)>,
    memory: std::vec::IntoIter<Diagnostic>,
}

/// The merge of every run, in output order.
pub struct Merged {
    // Dropped first: the file is removed, then forgotten.
    file: Option<tempfile::NamedTempFile>,
    _pending: Option<crate::interrupt::Pending>,
    sources: Vec<Source>,
    heap: BinaryHeap<Reverse<(SortKey, usize, HeapItem)>>,
}

/// A finding in the heap, ordered only by its key and source.
struct HeapItem(Diagnostic);

impl PartialEq for HeapItem {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for HeapItem {}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for HeapItem {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

impl Merged {
    /// Puts the next finding of source `i` in the heap.
    fn refill(&mut self, i: usize) -> io::Result<()> {
        if let Some(d) = self.next_of(i)? {
            self.heap.push(Reverse((d.sort_key(), i, HeapItem(d))));
        }
        Ok(())
    }

    fn next_of(&mut self, i: usize) -> io::Result<Option<Diagnostic>> {
        loop {
            let source = &mut self.sources[i];
            if let Some((reader, left)) = &mut source.reader {
                if *left > 0 {
                    let (d, used) = decode(reader)?;
                    *left -= used;
                    return Ok(Some(d));
                }
                source.reader = None;
            }
            match source.disk.pop_front() {
                Some((start, end)) => {
                    let file = self
                        .file
                        .as_ref()
                        .ok_or_else(|| io::Error::other("spill file missing"))?;
                    // A handle of its own: each source reads at its own position.
                    let mut f = file.reopen()?;
                    f.seek(SeekFrom::Start(start))?;
                    source.reader = Some((BufReader::new(f), end - start));
                }
                None => return Ok(source.memory.next()),
            }
        }
    }
}

impl Iterator for Merged {
    type Item = io::Result<Diagnostic>;

    fn next(&mut self) -> Option<io::Result<Diagnostic>> {
        let Reverse((_, i, HeapItem(d))) = self.heap.pop()?;
        if let Err(e) = self.refill(i) {
            return Some(Err(e));
        }
        Some(Ok(d))
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn encode(d: &Diagnostic, out: &mut Vec<u8>) {
    out.extend_from_slice(&(d.code as u16).to_le_bytes());
    out.push(d.level as u8);
    let l = &d.location;
    put_u32(out, l.file);
    put_u64(out, l.line);
    put_u32(out, l.column);
    put_u32(out, l.end_column);
    put_u64(out, l.line_offset);
    match l.span {
        Some(s) => {
            out.push(1);
            put_u32(out, s.start);
            put_u32(out, s.end);
        }
        None => out.push(0),
    }
    put_u64(out, d.fingerprint);
    out.push(u8::from(d.about_file));
    put_str(out, &d.message);
    put_u32(out, d.related.len() as u32);
    for r in &d.related {
        put_u32(out, r.file);
        put_u64(out, r.line);
        put_str(out, &r.message);
        put_u64(out, r.fingerprint);
    }
}

struct Reader<'a, R: Read> {
    inner: &'a mut R,
    used: u64,
}

impl<R: Read> Reader<'_, R> {
    fn bytes<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        let mut b = [0u8; N];
        self.inner.read_exact(&mut b)?;
        self.used += N as u64;
        Ok(b)
    }
    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.bytes::<1>()?[0])
    }
    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(self.bytes()?))
    }
    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.bytes()?))
    }
    fn string(&mut self) -> io::Result<String> {
        let len = self.u32()? as usize;
        let mut b = vec![0u8; len];
        self.inner.read_exact(&mut b)?;
        self.used += len as u64;
        String::from_utf8(b).map_err(|_| io::Error::other("spill file corrupt"))
    }
}

/// Reads one finding; returns it and the bytes it took.
fn decode<R: Read>(inner: &mut R) -> io::Result<(Diagnostic, u64)> {
    let corrupt = || io::Error::other("spill file corrupt");
    let mut r = Reader { inner, used: 0 };
    let code = u16::from_le_bytes(r.bytes()?);
    let code = *Code::ALL.get(code as usize).ok_or_else(corrupt)?;
    let level = match r.u8()? {
        0 => Level::Off,
        1 => Level::Info,
        2 => Level::Warning,
        3 => Level::Error,
        _ => return Err(corrupt()),
    };
    let file = r.u32()?;
    let line = r.u64()?;
    let column = r.u32()?;
    let end_column = r.u32()?;
    let line_offset = r.u64()?;
    let span = match r.u8()? {
        0 => None,
        _ => Some(Span::new(r.u32()?, r.u32()?)),
    };
    let fingerprint = r.u64()?;
    let about_file = r.u8()? != 0;
    let message = r.string()?;
    let n = r.u32()?;
    let mut related = Vec::with_capacity(n.min(64) as usize);
    for _ in 0..n {
        related.push(Related {
            file: r.u32()?,
            line: r.u64()?,
            message: r.string()?,
            fingerprint: r.u64()?,
        });
    }
    let d = Diagnostic {
        code,
        level,
        location: Location {
            file,
            line,
            column,
            end_column,
            line_offset,
            span,
        },
        message,
        related,
        fingerprint,
        about_file,
        occurrence: 0,
    };
    Ok((d, r.used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(file: u32, line: u64, code: Code, message: &str) -> Diagnostic {
        Diagnostic {
            code,
            level: Level::Warning,
            location: Location::line_start(file, line, line * 10),
            message: message.to_owned(),
            related: vec![Related {
                file,
                line: 1,
                message: "first".into(),
                fingerprint: 0,
            }],
            fingerprint: line,
            about_file: line.is_multiple_of(2),
            occurrence: 0,
        }
    }

    fn merged(store: Store) -> Vec<Diagnostic> {
        store
            .drain()
            .expect("drain")
            .collect::<io::Result<Vec<_>>>()
            .expect("read back")
    }

    #[test]
    fn runs_merge_in_output_order_in_memory_and_spilled() {
        for budget in [usize::MAX, 1, 300] {
            let mut store = Store::new(budget);
            let mut records = store.run();
            let mut dupes = store.run();
            let mut expected = Vec::new();
            for line in 1..=200u64 {
                let d = finding(
                    (line > 100) as u32,
                    line,
                    Code::S005,
                    &"x".repeat(line as usize),
                );
                expected.push(d.clone());
                store.push(&mut records, d).unwrap();
                if line % 3 == 0 {
                    let d = finding((line > 100) as u32, line, Code::D002, "near");
                    expected.push(d.clone());
                    store.push(&mut dupes, d).unwrap();
                }
            }
            expected.sort_by_key(|d| d.sort_key());
            let spilled = store.spilled;
            assert_eq!(merged(store), expected, "budget {budget}");
            assert_eq!(spilled > 0, budget < usize::MAX, "budget {budget}");
        }
    }

    #[test]
    fn a_finding_out_of_order_starts_a_new_run() {
        let mut store = Store::new(1);
        let mut run = store.run();
        for line in [5, 6, 2, 3, 9] {
            store
                .push(&mut run, finding(0, line, Code::C001, "m"))
                .unwrap();
        }
        let lines: Vec<u64> = merged(store).iter().map(|d| d.location.line).collect();
        assert_eq!(lines, [2, 3, 5, 6, 9]);
    }
}
