//! The facilities a command searches: a carefind CSV or snapshot file, stdin, or the
//! embedded sample.

use std::io::{self, BufRead, Read};

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
        // CSV streams through the loader, which holds a bounded window of it.
        let mut reader = io::BufReader::with_capacity(1 << 16, io::stdin().lock());
        if snapshot::is_snapshot(reader.fill_buf()?) {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes)?;
            return snapshot::from_slice(&bytes)
                .map_err(|error| Failure::usage(format!("<stdin>: {error}")));
        }
        return Ok(native::from_reader(reader, "<stdin>", &LoadOptions::strict())?.facilities);
    }
    let io_error = |error: io::Error| carefind::Error::Io {
        file: source.to_string(),
        source: error,
    };
    let file = std::fs::File::open(source).map_err(io_error)?;
    let mut reader = io::BufReader::with_capacity(1 << 16, file);
    // Opened once: the first bytes say which reader to hand the stream to.
    if snapshot::is_snapshot(reader.fill_buf().map_err(io_error)?) {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(io_error)?;
        let facilities =
            snapshot::from_slice(&bytes).map_err(|error| carefind::Error::Snapshot {
                file: source.to_string(),
                error,
            })?;
        return Ok(facilities);
    }
    Ok(native::from_reader(reader, source, &LoadOptions::strict())?.facilities)
}
