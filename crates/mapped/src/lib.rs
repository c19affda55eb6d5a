//! A read-only memory map of a file ([`Mapped`]): what lets carefind open a snapshot without
//! copying it. This crate holds the only `unsafe` code of carefind; every other crate
//! forbids it (but the Python extension, whose PyO3 macros expand to unsafe code).
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
//! let mapped = carefind_mapped::Mapped::open(&file).unwrap();
//! assert_eq!(mapped.bytes(), "café".as_bytes());
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

/// A file mapped read-only into memory, for as long as this value lives.
pub struct Mapped {
    map: memmap2::Mmap,
}

impl Mapped {
    /// Maps the whole of `file` read-only. Fails where the system cannot map it (an empty
    /// file, a pipe): read it instead.
    pub fn open(file: &File) -> io::Result<Mapped> {
        // SAFETY: the map is only ever read, through `bytes`, and what it shows must not
        // change while it lives: carefind replaces files by renaming new ones over them
        // and never writes into one that may be mapped (the module's documentation says
        // what a caller must hold to).
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
