//! The facilities a command searches: a native CSV file, stdin, or the embedded sample.

use std::io;

use carefind::Index;
use carefind::load::{LoadOptions, native};

use crate::failure::Failure;

/// Loads `--data FILE` (`-` for stdin), or the embedded sample with a notice on stderr.
pub fn load(data: Option<&str>) -> Result<Index, Failure> {
    let loaded = match data {
        None => {
            let index = Index::sample();
            eprintln!(
                "carefind: searching the embedded sample of {} fictitious facilities, not a real directory (use --data FILE)",
                index.len()
            );
            return Ok(index);
        }
        Some("-") => native::from_reader(io::stdin().lock(), "<stdin>", &LoadOptions::strict())?,
        Some(path) => native::from_path(path, &LoadOptions::strict())?,
    };
    Ok(Index::new(loaded.facilities)?)
}
