//! A read-only memory map of a file ([`Mapped`]), and text in it checked once to be UTF-8
//! ([`MappedStr`]): what lets carefind open a snapshot without copying it. This crate
//! holds the only `unsafe` code of carefind; every other crate forbids it (but the Python
//! extension, whose PyO3 macros expand to unsafe code).
//!
//! # What a mapping asks of the file
//!
//! A mapping shows the file as it is, not as it was when mapped. Were another process to
//! change a mapped file in place, what was checked would no longer hold, and reading a
//! page past a truncated end raises `SIGBUS`. carefind never changes a file in place: it
//! writes a new file and renames it over the old one, which leaves an open mapping of the
//! old file whole. Programs that serve a file other programs may rewrite in place should
//! read it instead (carefind's server does).
//!
//! ```
//! use std::io::Write;
//!
//! let mut file = tempfile_in_target("mapped-doc");
//! file.write_all("caf\u{e9}".as_bytes()).unwrap();
//! let mapped = std::sync::Arc::new(carefind_mapped::Mapped::open(&file).unwrap());
//! assert_eq!(mapped.bytes().len(), 5);
//! let text = carefind_mapped::MappedStr::new(mapped.clone(), 0..5).unwrap();
//! assert_eq!(text.as_str(), "café");
//! assert!(carefind_mapped::MappedStr::new(mapped, 0..4).is_none());
//! # fn tempfile_in_target(name: &str) -> std::fs::File {
//! #     let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
//! #     let file = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&path).unwrap();
//! #     std::fs::remove_file(&path).unwrap();
//! #     file
//! # }
//! ```

#![deny(unsafe_op_in_unsafe_fn, missing_docs)]

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::sync::Arc;

/// A file mapped read-only into memory, for as long as this value lives.
pub struct Mapped {
    map: memmap2::Mmap,
}

impl Mapped {
    /// Maps the whole of `file` read-only. Fails where the system cannot map it (an empty
    /// file, a pipe): read it instead.
    pub fn open(file: &File) -> io::Result<Mapped> {
        // SAFETY: the map is only ever read, through `bytes` and `MappedStr`, and what it
        // shows must not change while it lives: carefind replaces files by renaming new
        // ones over them and never writes into one that may be mapped (the module's
        // documentation says what a caller must hold to).
        let map = unsafe { memmap2::Mmap::map(file) }?;
        Ok(Mapped { map })
    }

    /// The file's bytes.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }
}

impl fmt::Debug for Mapped {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Mapped")
            .field("len", &self.map.len())
            .finish()
    }
}

/// A range of a mapping checked to be UTF-8 when made, so that reading it as text costs
/// nothing afterwards.
#[derive(Clone)]
pub struct MappedStr {
    map: Arc<Mapped>,
    start: usize,
    end: usize,
}

impl MappedStr {
    /// The bytes of `range` as text: `None` when the range is outside the mapping or the
    /// bytes are not UTF-8.
    pub fn new(map: Arc<Mapped>, range: Range<usize>) -> Option<MappedStr> {
        if !is_utf8(map.bytes().get(range.clone())?) {
            return None;
        }
        Some(MappedStr {
            map,
            start: range.start,
            end: range.end,
        })
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        let bytes = &self.map.bytes()[self.start..self.end];
        // SAFETY: `new` checked that these bytes are UTF-8, and a mapping's bytes do not
        // change while it lives (see `Mapped::open`).
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

/// From this size, text is checked on two threads.
const PARALLEL_CHECK: usize = 8 << 20;

/// Whether `bytes` are UTF-8, a large text's halves on two threads (the text of a
/// 1,000,000-facility snapshot took 15 ms on one). The halves meet where a character
/// starts, so each is UTF-8 exactly when the whole is.
fn is_utf8(bytes: &[u8]) -> bool {
    if bytes.len() < PARALLEL_CHECK {
        return std::str::from_utf8(bytes).is_ok();
    }
    // A character is at most 4 bytes: one of the next 4 is not a continuation byte,
    // unless the text is not UTF-8 there anyway.
    let middle = (bytes.len() / 2..bytes.len() / 2 + 4)
        .find(|at| bytes[*at] & 0xC0 != 0x80)
        .unwrap_or(bytes.len() / 2);
    let (first, second) = bytes.split_at(middle);
    std::thread::scope(|scope| {
        let second = scope.spawn(|| std::str::from_utf8(second).is_ok());
        let first = std::str::from_utf8(first).is_ok();
        // A thread that panicked checked nothing.
        first && second.join().unwrap_or(false)
    })
}

impl fmt::Debug for MappedStr {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MappedStr")
            .field("start", &self.start)
            .field("len", &(self.end - self.start))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Split anywhere near the middle, a text is UTF-8 exactly when `from_utf8` says so.
    #[test]
    fn large_text_is_checked_as_a_whole() {
        let mut text = "é€😀a".repeat(PARALLEL_CHECK / 10 + 3).into_bytes();
        text.truncate(PARALLEL_CHECK + 97);
        for shift in 0..12 {
            let bytes = &text[shift..];
            assert_eq!(
                is_utf8(bytes),
                std::str::from_utf8(bytes).is_ok(),
                "{shift}"
            );
        }
        // A byte that is never UTF-8, at the edges and around the middle.
        let middle = text.len() / 2;
        for at in [
            0,
            middle - 3,
            middle - 1,
            middle,
            middle + 1,
            middle + 3,
            text.len() - 1,
        ] {
            let mut broken = text.clone();
            broken[at] = 0xFF;
            assert!(!is_utf8(&broken), "0xFF at {at}");
        }
    }
}
