//! The facilities a command searches: a carefind CSV or snapshot file, stdin, or the
//! embedded sample.

use std::io::{self, BufRead, Read};

use carefind::load::{LoadOptions, native};
use carefind::{Facility, FacilityStore, Index, snapshot};

use crate::failure::Failure;

/// Loads `--data FILE` (`-` for stdin), or the embedded sample with a notice on stderr.
pub fn load(data: Option<&str>) -> Result<Index, Failure> {
    match data {
        None => {
            let index = Index::sample();
            eprintln!(
                "carefind: searching the embedded sample of {} fictitious facilities, not a real directory (use --data FILE)",
                index.len()
            );
            Ok(index)
        }
        Some(source) => Ok(match read(source)? {
            Dataset::Snapshot(store) => Index::from_store(*store),
            Dataset::Csv(facilities) => Index::new(facilities)?,
        }),
    }
}

/// The facilities of a carefind CSV or snapshot file, copied out.
pub fn facilities(source: &str) -> Result<Vec<Facility>, Failure> {
    Ok(match read(source)? {
        Dataset::Snapshot(store) => store.to_facilities(),
        Dataset::Csv(facilities) => facilities,
    })
}

/// A dataset as its file holds it: a snapshot is used in place, a CSV parsed into records.
enum Dataset {
    Snapshot(Box<FacilityStore>),
    Csv(Vec<Facility>),
}

/// Reads a carefind CSV or snapshot file (told apart by their first bytes), or stdin.
fn read(source: &str) -> Result<Dataset, Failure> {
    if source == "-" {
        // CSV streams through the loader, which holds a bounded window of it.
        let mut reader = io::BufReader::with_capacity(1 << 16, io::stdin().lock());
        if snapshot::is_snapshot(reader.fill_buf()?) {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes)?;
            return snapshot::from_slice(&bytes)
                .map(|store| Dataset::Snapshot(Box::new(store)))
                .map_err(|error| Failure::usage(format!("<stdin>: {error}")));
        }
        let loaded = native::from_reader(reader, "<stdin>", &LoadOptions::strict())?;
        return Ok(Dataset::Csv(loaded.facilities));
    }
    let io_error = |error: io::Error| carefind::Error::Io {
        file: source.to_string(),
        source: error,
    };
    let file = std::fs::File::open(source).map_err(io_error)?;
    let mut reader = io::BufReader::with_capacity(1 << 16, file);
    // Opened once: the first bytes say which reader to hand the stream to.
    if snapshot::is_snapshot(reader.fill_buf().map_err(io_error)?) {
        // Read again in one block, into aligned words the store uses in place.
        return Ok(Dataset::Snapshot(Box::new(snapshot::from_path(source)?)));
    }
    let loaded = native::from_reader(reader, source, &LoadOptions::strict())?;
    Ok(Dataset::Csv(loaded.facilities))
}
