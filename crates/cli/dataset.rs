//! The facilities a command searches: a carefind CSV or snapshot file, stdin, or the
//! embedded sample.

use std::io::{self, Read};

use carefind::load::{LoadOptions, native};
use carefind::{Facility, Index, snapshot};

use crate::failure::Failure;

/// Loads `--data FILE` (`-` for stdin), or the embedded sample with a notice on stderr.
pub fn load(data: Option<&str>) -> Result<Index, Failure> {
    let facilities = match data {
        None => {
            let index = Index::sample();
            eprintln!(
                "carefind: searching the embedded sample of {} fictitious facilities, not a real directory (use --data FILE)",
                index.len()
            );
            return Ok(index);
        }
        Some(source) => facilities(source)?,
    };
    Ok(Index::new(facilities)?)
}

/// The facilities of a carefind CSV or snapshot file (told apart by their first bytes).
pub fn facilities(source: &str) -> Result<Vec<Facility>, Failure> {
    if source == "-" {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        if snapshot::is_snapshot(&bytes) {
            return snapshot::from_slice(&bytes)
                .map_err(|error| Failure::usage(format!("<stdin>: {error}")));
        }
        return Ok(native::from_slice(&bytes, "<stdin>", &LoadOptions::strict())?.facilities);
    }
    let mut start = [0u8; snapshot::MAGIC.len()];
    let is_snapshot = std::fs::File::open(source)
        .and_then(|mut file| file.read_exact(&mut start))
        .is_ok_and(|()| snapshot::is_snapshot(&start));
    if is_snapshot {
        Ok(snapshot::from_path(source)?)
    } else {
        Ok(native::from_path(source, &LoadOptions::strict())?.facilities)
    }
}
