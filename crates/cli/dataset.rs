//! The facilities a command searches: a carefind CSV or snapshot file, stdin, or the
//! embedded sample.

use std::io::{self, BufRead, Read};

use carefind::load::{LoadOptions, native};
use carefind::{Facility, FacilityStore, Index, snapshot};

use crate::failure::Failure;

/// Loads `--data FILE` (`-` for stdin), or the embedded sample with a notice on stderr. A
/// snapshot file is mapped, not read: a command runs for moments, and carefind never
/// rewrites a snapshot in place (see `snapshot::map_path`). It is checked whole before the
/// command reads it (most read all of it).
pub fn load(data: Option<&str>) -> Result<Index, Failure> {
    load_with(data, Snapshots::Map)
}

/// [`load`] for a command whose every read of the facilities is a search (`find`): a
/// mapped snapshot is checked a block at a time as the searches read it, and a search
/// that meets damage fails, so a query on a million facilities reads and checks a few
/// hundred kilobytes of the file.
pub fn load_to_search(data: Option<&str>) -> Result<Index, Failure> {
    load_with(data, Snapshots::MapToSearch)
}

/// [`load`] for the server, which reads a snapshot file whole: it runs for months, and a
/// mapped file another program truncated in place would kill it.
pub fn load_to_serve(data: Option<&str>) -> Result<Index, Failure> {
    load_with(data, Snapshots::Read)
}

/// How a snapshot file is opened.
#[derive(Clone, Copy)]
enum Snapshots {
    /// Mapped, and checked whole.
    Map,
    /// Mapped, and checked as searches read it.
    MapToSearch,
    /// Read into memory (and so checked whole).
    Read,
}

fn load_with(data: Option<&str>, snapshots: Snapshots) -> Result<Index, Failure> {
    let Some(source) = data else {
        let index = Index::sample();
        eprintln!(
            "carefind: searching the embedded sample of {} fictitious facilities, not a real directory (use --data FILE)",
            index.len()
        );
        return Ok(index);
    };
    Ok(Index::from_store(match open(source, snapshots)? {
        Opened::Snapshot(store) => *store,
        // Parsed straight into the store's columns, never held as records.
        Opened::Csv(reader) => {
            native::store_from_reader(reader, name(source), &LoadOptions::strict())?.store
        }
    }))
}

/// The facilities of a carefind CSV or snapshot file, copied out.
pub fn facilities(source: &str) -> Result<Vec<Facility>, Failure> {
    Ok(match open(source, Snapshots::Map)? {
        Opened::Snapshot(store) => store.to_facilities(),
        Opened::Csv(reader) => {
            native::from_reader(reader, name(source), &LoadOptions::strict())?.facilities
        }
    })
}

/// A dataset file, opened: a snapshot is read (and used in place), CSV left to stream.
enum Opened {
    Snapshot(Box<FacilityStore>),
    Csv(Box<dyn BufRead>),
}

fn name(source: &str) -> &str {
    if source == "-" { "<stdin>" } else { source }
}

/// Opens a carefind CSV or snapshot file, or stdin (`-`), told apart by their first bytes.
fn open(source: &str, snapshots: Snapshots) -> Result<Opened, Failure> {
    if source == "-" {
        // CSV streams through the loader, which holds a bounded window of it.
        let mut reader = io::BufReader::with_capacity(1 << 16, io::stdin().lock());
        if snapshot::is_snapshot(reader.fill_buf()?) {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes)?;
            return snapshot::from_slice(&bytes)
                .map(|store| Opened::Snapshot(Box::new(store)))
                .map_err(|error| Failure::usage(format!("<stdin>: {error}")));
        }
        return Ok(Opened::Csv(Box::new(reader)));
    }
    let io_error = |error: io::Error| carefind::Error::Io {
        file: source.to_string(),
        source: error,
    };
    let file = std::fs::File::open(source).map_err(io_error)?;
    let mut reader = io::BufReader::with_capacity(1 << 16, file);
    if snapshot::is_snapshot(reader.fill_buf().map_err(io_error)?) {
        return Ok(Opened::Snapshot(Box::new(match snapshots {
            Snapshots::Map => {
                let store = snapshot::map_path(source)?;
                // A mapped file's blocks are checked as they are read; a command that
                // reads everything checks them all now, so that damage is an error
                // before any output rather than an empty field in it.
                store
                    .verify()
                    .map_err(|error| Failure::Message(format!("{source}: {error}")))?;
                store
            }
            Snapshots::MapToSearch => snapshot::map_path(source)?,
            // Read again in one block, into aligned words the store uses in place.
            Snapshots::Read => snapshot::from_path(source)?,
        })));
    }
    Ok(Opened::Csv(Box::new(reader)))
}
