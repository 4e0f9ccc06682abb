//! Compressed inputs (`.jsonl.gz`, `.jsonl.zst`): told by their first bytes, never by their
//! name alone (a `.jsonl` may be compressed, standard input has no name), and decompressed as
//! a stream, so memory holds one decoder window, never the whole text.
//!
//! gzip goes through flate2 with the pure-Rust zlib-rs backend, zstd through the C libzstd
//! (the `zstd` crate builds it from source; the pure-Rust decoder took three times its CPU,
//! which made a `.jsonl.zst` cost more than twice its plain text). A decoder's failure is
//! sticky: once a stream is found corrupt or truncated, every later read fails the same way,
//! so a reader that lints the lines decompressed before the failure cannot read past it by
//! retrying.

use std::io::{self, BufRead, BufReader, Read};

/// How an input's bytes are compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
}

/// The bytes every gzip member and every zstd frame starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Whether `head` starts with a zstd skippable frame (magic 0x184D2A50 to 0x184D2A5F, little
/// endian), as `pzstd`'s output does: the frames of data follow it.
fn is_skippable_frame(head: &[u8]) -> bool {
    matches!(head, [first, 0x2a, 0x4d, 0x18, ..] if first & 0xf0 == 0x50)
}
/// Bytes to read to tell a compressed input from a plain one.
pub const MAGIC_BYTES: usize = 4;

impl Compression {
    /// The compression whose magic number `head` starts with, if any. No JSON Lines text
    /// starts with these bytes (0x1f and 0x28 0xb5 are not the start of a UTF-8 record).
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&GZIP_MAGIC) {
            Some(Compression::Gzip)
        } else if head.starts_with(&ZSTD_MAGIC) || is_skippable_frame(head) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// The compression a file's name says it holds to `datasets`: `.gz` gzip, `.zst` zstd, the
    /// suffix by which it picks a decompressor. Lower case only: `datasets` loads plain text
    /// named `DATA.JSONL.GZ` as plain text (the reader tells compression by the bytes in
    /// every case).
    pub fn named(path: &std::path::Path) -> Option<Compression> {
        match path.extension()?.to_str()? {
            "gz" => Some(Compression::Gzip),
            "zst" => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// The file name suffix of this compression, dot included.
    pub fn suffix(self) -> &'static str {
        match self {
            Compression::Gzip => ".gz",
            Compression::Zstd => ".zst",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Why a compressed stream could not be decompressed: the `reason` is the decoder's.
#[derive(Debug, thiserror::Error)]
#[error("corrupt or truncated {} data ({reason})", compression.name())]
pub struct CorruptData {
    pub compression: Compression,
    pub reason: String,
}

/// The decompression failure behind an I/O error, if it is one.
pub fn corrupt_data(e: &io::Error) -> Option<&CorruptData> {
    e.get_ref()?.downcast_ref::<CorruptData>()
}

/// Reads the first bytes of `src`; returns a reader of its text (decompressed when those
/// bytes are a gzip or zstd magic number, as they were otherwise) and its compression.
pub fn decompressed<'a>(
    mut src: Box<dyn Read + 'a>,
) -> io::Result<(Box<dyn Read + 'a>, Option<Compression>)> {
    let mut head = Vec::with_capacity(MAGIC_BYTES);
    src.by_ref()
        .take(MAGIC_BYTES as u64)
        .read_to_end(&mut head)?;
    let compression = Compression::sniff(&head);
    let raw = BufReader::with_capacity(1 << 16, io::Cursor::new(head).chain(src));
    let text: Box<dyn Read + 'a> = match compression {
        None => Box::new(raw),
        Some(c @ Compression::Gzip) => Box::new(Sticky::new(c, GzipMembers::new(raw))),
        Some(c @ Compression::Zstd) => Box::new(Sticky::new(c, zstd_frames(raw)?)),
    };
    Ok((text, compression))
}

/// A gzip stream of one member or several (`cat a.gz b.gz`), as `gzip -d` reads it: zero
/// bytes after the last member (padding to a block) are ignored, and any other bytes there
/// are an error that says so, not a member header cut short.
struct GzipMembers<R: BufRead> {
    /// The member being read; `None` at the end.
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    fn new(source: R) -> Self {
        GzipMembers {
            member: Some(flate2::bufread::GzDecoder::new(source)),
        }
    }
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = &mut self.member else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member is done (its trailer checked): the next one, or the end.
            let Some(member) = self.member.take() else {
                return Ok(0);
            };
            let mut rest = member.into_inner();
            loop {
                let available = rest.fill_buf()?;
                if available.is_empty() {
                    return Ok(0);
                }
                let zeros = available.iter().take_while(|&&b| b == 0).count();
                if zeros == 0 {
                    break;
                }
                rest.consume(zeros);
            }
            if rest.fill_buf()?[0] != GZIP_MAGIC[0] {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "bytes that are not gzip after the end of the compressed data (trailing garbage, which `gzip -d` warns about and Python's gzip refuses)",
                ));
            }
            self.member = Some(flate2::bufread::GzDecoder::new(rest));
        }
    }
}

/// A decoder whose first error is returned again by every later read, worded as
/// [`CorruptData`].
struct Sticky<R> {
    compression: Compression,
    inner: R,
    failed: Option<String>,
}

impl<R> Sticky<R> {
    fn new(compression: Compression, inner: R) -> Self {
        Sticky {
            compression,
            inner,
            failed: None,
        }
    }

    fn error(&self, reason: String) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            CorruptData {
                compression: self.compression,
                reason,
            },
        )
    }
}

impl<R: Read> Read for Sticky<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(reason) = &self.failed {
            return Err(self.error(reason.clone()));
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let reason = decoder_reason(&e);
                    self.failed = Some(reason.clone());
                    return Err(self.error(reason));
                }
            }
        }
    }
}

/// A decoder's error, lowercase and without the operating system's error number: "corrupt
/// deflate stream", "unexpected end of file".
fn decoder_reason(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        return "the data ends early".into();
    }
    let text = super::io_error_text(e);
    let first = text.chars().next().map(|c| c.to_ascii_lowercase());
    first.map_or(text.clone(), |c| {
        c.to_string() + &text[text.chars().next().map_or(0, char::len_utf8)..]
    })
}

/// A zstd stream of one frame or several (`cat a.zst b.zst`, `pzstd`), skippable frames
/// skipped and each frame's checksum checked when it has one, all by libzstd's streaming
/// decoder. The window a frame may ask for is limited to 128 MiB (libzstd's default limit,
/// set here so that it is ours), so a hostile header cannot make it allocate more.
fn zstd_frames<'a, R: BufRead + 'a>(source: R) -> io::Result<Box<dyn Read + 'a>> {
    let mut decoder = zstd::stream::read::Decoder::with_buffer(source)?;
    decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
    Ok(Box::new(decoder))
}

/// 2^27 bytes: the largest window a zstd frame may ask of the decoder.
const ZSTD_WINDOW_LOG_MAX: u32 = 27;

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        zstd::encode_all(data, 1).unwrap()
    }

    fn text(bytes: Vec<u8>) -> (io::Result<Vec<u8>>, Option<Compression>) {
        let (mut r, c) = decompressed(Box::new(io::Cursor::new(bytes))).unwrap();
        let mut out = Vec::new();
        (r.read_to_end(&mut out).map(|_| out), c)
    }

    #[test]
    fn plain_text_passes_through() {
        let (out, c) = text(b"{}\n{}".to_vec());
        assert_eq!(out.unwrap(), b"{}\n{}");
        assert_eq!(c, None);
        let (out, _) = text(b"{".to_vec());
        assert_eq!(out.unwrap(), b"{");
    }

    #[test]
    fn several_gzip_members_and_zstd_frames_are_one_text() {
        let mut two = gzip(b"a\n");
        two.extend(gzip(b"b\n"));
        let (out, c) = text(two);
        assert_eq!(
            (out.unwrap(), c),
            (b"a\nb\n".to_vec(), Some(Compression::Gzip))
        );
        let mut two = zstd(b"a\n");
        // A skippable frame between the two.
        two.extend([0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 7, 7]);
        two.extend(zstd(b"b\n"));
        let (out, c) = text(two);
        assert_eq!(
            (out.unwrap(), c),
            (b"a\nb\n".to_vec(), Some(Compression::Zstd))
        );
    }

    /// `gzip -d` ignores zero bytes after the last member and warns about other bytes there;
    /// the other bytes are an error that names them, not "the data ends early".
    #[test]
    fn what_follows_the_last_gzip_member() {
        let mut padded = gzip(b"a\n");
        padded.extend([0; 700]);
        padded.extend(gzip(b"b\n"));
        padded.extend([0; 3]);
        assert_eq!(text(padded).0.unwrap(), b"a\nb\n");
        for garbage in [
            &b"garbage!!"[..],
            b"x",
            b"\x1fjunk that is long enough for a header",
        ] {
            let mut bytes = gzip(b"a\n");
            bytes.extend(garbage);
            let (mut r, _) = decompressed(Box::new(io::Cursor::new(bytes))).unwrap();
            let mut out = Vec::new();
            let e = r.read_to_end(&mut out).unwrap_err();
            assert_eq!(out, b"a\n", "the member before is read");
            let reason = &corrupt_data(&e).expect("a decompression error").reason;
            let expected = if garbage[0] == 0x1f {
                "invalid gzip header"
            } else {
                "bytes that are not gzip after the end"
            };
            assert!(reason.contains(expected), "{garbage:?}: {reason}");
        }
    }

    /// `pzstd` starts its output with a skippable frame: still zstd, not binary data.
    #[test]
    fn a_zstd_stream_may_start_with_a_skippable_frame() {
        let mut bytes = vec![0x5e, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4];
        bytes.extend(zstd(b"{}\n"));
        let (out, c) = text(bytes);
        assert_eq!(
            (out.unwrap(), c),
            (b"{}\n".to_vec(), Some(Compression::Zstd))
        );
    }

    #[test]
    fn a_frame_asking_for_a_window_over_128_mib_is_refused_before_allocating_it() {
        // A frame header asking for a 2 GiB window (descriptor 0xa8: 2^(10+21)), then one
        // raw block holding `{`; the same header asking for 128 MiB (0x88) is read.
        let frame = |window: u8| vec![0x28, 0xb5, 0x2f, 0xfd, 0x00, window, 0x09, 0, 0, b'{'];
        let (out, _) = text(frame(0xa8));
        let e = out.expect_err("a 2 GiB window");
        let corrupt = corrupt_data(&e).expect("a decompression error");
        assert_eq!(
            corrupt.reason,
            "frame requires too much memory for decoding"
        );
        let (out, _) = text(frame(0x88));
        assert_eq!(out.expect("a 128 MiB window"), b"{");
    }

    #[test]
    fn truncated_and_corrupt_streams_fail_and_stay_failed() {
        let data: Vec<u8> = (0..20_000)
            .flat_map(|i| format!("{{\"n\":{i}}}\n").into_bytes())
            .collect();
        for (bytes, c) in [
            (gzip(&data), Compression::Gzip),
            (zstd(&data), Compression::Zstd),
        ] {
            let cut = bytes[..bytes.len() / 2].to_vec();
            let (mut r, _) = decompressed(Box::new(io::Cursor::new(cut))).unwrap();
            let mut out = Vec::new();
            let e = r.read_to_end(&mut out).unwrap_err();
            let corrupt = corrupt_data(&e).expect("a decompression error");
            assert_eq!(corrupt.compression, c);
            // What was decompressed before the end is kept.
            assert!(data.starts_with(&out));
            assert!(c == Compression::Zstd || !out.is_empty());
            assert!(
                r.read(&mut [0; 16]).is_err(),
                "{c:?} reads past its failure"
            );

            let mut bad = bytes.clone();
            let mid = bad.len() / 2;
            bad[mid..mid + 64].iter_mut().for_each(|b| *b ^= 0x5a);
            let (out, _) = text(bad);
            assert!(
                out.is_err_and(|e| corrupt_data(&e).is_some()),
                "{c:?} corrupt"
            );
        }
    }
}
