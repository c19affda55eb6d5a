//! A binary snapshot of a dataset, for services that must start fast.
//!
//! A snapshot is a [`FacilityStore`]'s columns as they are in memory, and the index of
//! them (what an index reads of each facility by slot, and its trees), so opening one is
//! reading the file (the text arena and the rest, on two threads when it is large) or
//! mapping it ([`map_path`]), checking it, and using its columns in place: no record is
//! decoded, no field allocated and no tree built.
//!
//! | bytes | what |
//! |---|---|
//! | 8 | the magic `CFSNAP\r\n` (the `\r\n` catches a text-mode copy) |
//! | 4 | the format version, little-endian (now 10) |
//! | 8 | the number of facilities |
//! | 8 | the payload's length in bytes |
//! | 4 | the CRC-32 of the head (the two tables that follow) |
//! | 4 per block | the table of checksums: the CRC-32 of each 64 KiB block of the payload, then zeros up to a multiple of 8 |
//! | 8 + 8 per column | the table of contents: how many columns, then each one's length in bytes |
//! | payload | the columns, back to back, each followed by zeros up to a multiple of 8 |
//!
//! The columns, all little-endian. The store's: the text arena (UTF-8: id, name, name2,
//! street, city, state, zip, phone, intake phone, website, source, hours, level hours,
//! time zone, walk-in intake and kept HSDS of each facility, back to back); where each of
//! those fields ends (u32); the services arena; where each service ends (u32); how many
//! services the facilities up to each one have (u32); latitudes and longitudes (f64); nine
//! attribute masks per facility (u64: care, payment, ages, populations, languages,
//! medications, kinds, mental-health types, credentials); precision, status and the
//! getting-in flags (a byte each); the day the listing was verified (i32 days from
//! 1970-01-01, `i32::MIN` for never). Then the index's, by slot (the trees' spatial
//! order): the position of the facility in each slot (u32); each slot's latitude,
//! longitude and the cosine and sine of its latitude (four f64); each slot's sets (seven
//! u64 masks, the verified day as an i32, the precision and status codes and two zero
//! bytes); how many facilities offer each of the twelve levels of care, then how many are
//! closed (u64); and thirteen k-d trees (every facility, then each level of care), each
//! as six columns: the split values of its inner nodes by node number (f64), their axes
//! (u8), the points' x, y and z (f64) and their slots (u32), in the tree's order. Every
//! column starts at a multiple of 8, so a file read into 8-byte words has every column
//! aligned. The lengths sit together at the start, so that opening a mapped file reads
//! one place of it, not one a column.
//!
//! A file read into memory ([`from_path`], [`from_slice`]) is checked whole: every block
//! against its checksum, then every length, offset and value, that the ids are sorted and
//! unique, that the slot order is a permutation, and each tree's shape, axes and slots.
//! A mapped or embedded one ([`map_path`], [`from_static`]) is checked as it is read (see
//! `checked.rs`): opening it checks the head and the lengths, each read checks the blocks
//! it touches, each tree is checked whole when first walked, and values are read so that
//! none can take a reader out of bounds. Either way a truncated, corrupted or
//! other-version file is a typed [`SnapshotError`] (or, for a damaged block met later, a
//! search's [`QueryError::Damaged`](crate::QueryError::Damaged)), never a panic or a
//! wrong dataset.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use crate::checked::{BLOCK, BlockSums, Checked, block_sums};
use crate::error::Error;
use crate::slots::{COUNTS, Slots, TREES};
use crate::store::{Block, Column, FacilityStore, Number, Text};
use crate::tree::KdTree;

/// The file's first bytes.
pub const MAGIC: &[u8; 8] = b"CFSNAP\r\n";
/// The version this library writes and reads.
pub const VERSION: u32 = 10;
const HEADER: usize = 8 + 4 + 8 + 8 + 4;

pub use crate::error::SnapshotError;

/// Writes `store` as a snapshot.
///
/// ```
/// use carefind::{Index, snapshot};
///
/// let index = Index::sample();
/// let mut bytes = Vec::new();
/// snapshot::to_writer(&mut bytes, index.store())?;
/// let store = snapshot::from_slice(&bytes)?;
/// assert!(store.iter().eq(index.facilities()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_writer(mut writer: impl Write, store: &FacilityStore) -> io::Result<()> {
    // A store read from a snapshot checked as it is read is checked whole first: new
    // checksums over a damaged block would make the damage look whole.
    if let Some(error) = store.verify().err() {
        return Err(io::Error::new(io::ErrorKind::InvalidData, error));
    }
    let mut columns: Vec<std::borrow::Cow<'_, [u8]>> = vec![
        std::borrow::Cow::Borrowed(store.text.as_bytes()),
        store.ends.to_le_bytes(),
        std::borrow::Cow::Borrowed(store.services_text.as_bytes()),
        store.service_ends.to_le_bytes(),
        store.services_end.to_le_bytes(),
        store.lat.to_le_bytes(),
        store.lon.to_le_bytes(),
        store.masks.to_le_bytes(),
        store.codes.to_le_bytes(),
        store.verified.to_le_bytes(),
    ];
    columns.extend(slot_columns(store.slots()));
    let mut sums = BlockSums::default();
    let mut length = 0u64;
    for column in &columns {
        sums.update(column);
        sums.update(&[0; 8][..padding(column.len())]);
        length += (column.len() + padding(column.len())) as u64;
    }
    let mut head: Vec<u8> = sums
        .finish()
        .iter()
        .flat_map(|crc| crc.to_le_bytes())
        .collect();
    head.extend(&[0; 8][..padding(head.len())]);
    head.extend((columns.len() as u64).to_le_bytes());
    for column in &columns {
        head.extend((column.len() as u64).to_le_bytes());
    }
    writer.write_all(MAGIC)?;
    writer.write_all(&VERSION.to_le_bytes())?;
    writer.write_all(&(store.len() as u64).to_le_bytes())?;
    writer.write_all(&length.to_le_bytes())?;
    writer.write_all(&crc32fast::hash(&head).to_le_bytes())?;
    writer.write_all(&head)?;
    for column in &columns {
        writer.write_all(column)?;
        writer.write_all(&[0; 8][..padding(column.len())])?;
    }
    writer.flush()
}

/// The columns of `slots`, every tree built: the slot order, the locations, the sets, the
/// counts, then each tree's columns.
fn slot_columns(slots: &Slots) -> Vec<std::borrow::Cow<'_, [u8]>> {
    slots.build_trees();
    let counts: Vec<u64> = slots.counts.iter().map(|count| *count as u64).collect();
    let mut columns = vec![
        slots.order.to_le_bytes(),
        slots.locations.to_le_bytes(),
        slots.sets.to_le_bytes(),
        std::borrow::Cow::Owned(Column::Owned(counts).to_le_bytes().into_owned()),
    ];
    for which in 0..TREES {
        columns.extend(slots.tree(which).columns());
    }
    columns
}

fn padding(len: usize) -> usize {
    (8 - len % 8) % 8
}

/// Writes a snapshot file, whole or not at all (through a [`StagedFile`](crate::staged::StagedFile)).
///
/// ```no_run
/// use carefind::{Index, snapshot};
///
/// snapshot::to_path("facilities.snap", Index::sample().store())?;
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn to_path(path: impl AsRef<Path>, store: &FacilityStore) -> Result<(), Error> {
    let path = path.as_ref();
    let io_error = |source| Error::Io {
        file: path.display().to_string(),
        source,
    };
    let mut staged = crate::staged::StagedFile::new(path)?;
    to_writer(io::BufWriter::new(staged.file()), store).map_err(io_error)?;
    staged.commit()
}

/// Whether `bytes` start like a snapshot.
///
/// ```
/// assert!(!carefind::snapshot::is_snapshot(b"id,name,lat,lon,care\n"));
/// ```
pub fn is_snapshot(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Reads a snapshot file: the text arena straight into the string the store keeps, the
/// rest in one block of 8-byte words whose columns the store then uses in place; every
/// block is checked against its checksum, and every value, before it is used.
///
/// ```no_run
/// use carefind::{Index, snapshot};
///
/// let index = Index::from_store(snapshot::from_path("facilities.snap")?);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>) -> Result<FacilityStore, Error> {
    let path = path.as_ref();
    read_opened(&open(path)?, path)
}

/// Opens a snapshot file by mapping it into memory rather than reading it: nothing is
/// copied, the store's columns, text and trees are the file's own pages, and each 64 KiB
/// block of the file is checked against its checksum when a read first touches it. A
/// query on a million facilities reads (and checks) a few hundred kilobytes of the file.
/// A search that meets a damaged block fails with
/// [`QueryError::Damaged`](crate::QueryError::Damaged); a program about to read every
/// facility can check the whole first with [`FacilityStore::verify`]. Where the system
/// cannot map the file, reads it as [`from_path`] does.
///
/// The file must not be changed in place while the store lives: a mapping shows the file
/// as it is, and reading past a truncated end kills the process (`SIGBUS`). carefind only
/// ever writes a snapshot as a new file renamed over the old one ([`to_path`]), which
/// leaves a mapping of the old one whole. A long-running program reading files that
/// others may rewrite in place should use [`from_path`]; carefind's server does.
///
/// ```no_run
/// use carefind::{Index, snapshot};
///
/// let index = Index::from_store(snapshot::map_path("facilities.snap")?);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn map_path(path: impl AsRef<Path>) -> Result<FacilityStore, Error> {
    let path = path.as_ref();
    let opened = open(path)?;
    let Ok(mapped) = carefind_mapped::Mapped::open(&opened) else {
        return read_opened(&opened, path);
    };
    let len = mapped.bytes().len();
    from_block(Block::Mapped(Arc::new(mapped)), len).map_err(|error| Error::Snapshot {
        file: path.display().to_string(),
        error,
    })
}

fn open(path: &Path) -> Result<std::fs::File, Error> {
    std::fs::File::open(path).map_err(|source| Error::Io {
        file: path.display().to_string(),
        source,
    })
}

/// Reads the snapshot file `opened` (at `path`, for errors).
fn read_opened(opened: &std::fs::File, path: &Path) -> Result<FacilityStore, Error> {
    let file = path.display().to_string();
    let io_error = |source| Error::Io {
        file: file.clone(),
        source,
    };
    let size = opened.metadata().map_err(io_error)?.len();
    match read_file(opened, size, size >= PARALLEL_READ) {
        Ok(store) => Ok(store),
        Err(Failed::Io(source)) => Err(io_error(source)),
        Err(Failed::Snapshot(error)) => Err(Error::Snapshot { file, error }),
    }
}

enum Failed {
    Io(io::Error),
    Snapshot(SnapshotError),
}

impl From<SnapshotError> for Failed {
    fn from(error: SnapshotError) -> Self {
        Failed::Snapshot(error)
    }
}

/// Reads a file of `size` bytes: the header and the table of checksums, the text arena's
/// length, then the arena and the rest, and checks every block. A large file's two parts
/// are read on two threads (`parallel`: a third of opening a 1,000,000-facility snapshot
/// was the kernel copying it, on one core), and its blocks checked on the thread pool.
fn read_file(file: &std::fs::File, size: u64, parallel: bool) -> Result<FacilityStore, Failed> {
    let mut start = vec![0; HEADER.min(size as usize)];
    read_exact_at(file, &mut start, 0).map_err(Failed::Io)?;
    let header = header(&start, size)?;
    let truncated_head = SnapshotError::Truncated {
        expected: header.contents_at() as u64 + 8,
        found: size,
    };
    let mut word = [0; 8];
    if (header.contents_at() as u64).saturating_add(8) > size {
        return Err(truncated_head.into());
    }
    read_exact_at(file, &mut word, header.contents_at() as u64).map_err(Failed::Io)?;
    let head_len = header
        .head_len(u64::from_le_bytes(word), size)
        .ok_or(truncated_head)?;
    let mut head = vec![0; head_len];
    read_exact_at(file, &mut head, HEADER as u64).map_err(Failed::Io)?;
    let Layout {
        crcs,
        lengths,
        payload,
    } = header.layout(&head, size)?;
    let at_text = payload.start;
    let text_len = lengths
        .first()
        .copied()
        .filter(|len| len.saturating_add(padding(*len as usize) as u64) <= header.length)
        .ok_or_else(|| corrupt(at_text, "a column runs past the end"))?;
    let pad_len = padding(text_len as usize);
    let rest_len = (header.length - text_len - pad_len as u64) as usize;
    let truncated = |error: io::Error| match error.kind() {
        io::ErrorKind::UnexpectedEof => Failed::Snapshot(SnapshotError::Truncated {
            expected: payload.end as u64,
            found: size,
        }),
        _ => Failed::Io(error),
    };
    let at_rest = at_text as u64 + text_len;
    let read_text = || {
        let mut text = vec![0; text_len as usize];
        read_exact_at(file, &mut text, at_text as u64)?;
        Ok::<_, io::Error>(text)
    };
    // The arena's padding, then the other columns, in words.
    let read_rest = || {
        let mut pad = [0; 8];
        read_exact_at(file, &mut pad[..pad_len], at_rest)?;
        let mut words = vec![0u64; rest_len.div_ceil(8)];
        let rest = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..rest_len];
        read_exact_at(file, rest, at_rest + pad_len as u64)?;
        Ok::<_, io::Error>((pad, words))
    };
    let (text, rest) = if parallel {
        rayon::join(read_text, read_rest)
    } else {
        (read_text(), read_rest())
    };
    let (text, (pad, words)) = (text.map_err(truncated)?, rest.map_err(truncated)?);
    let rest = &bytemuck::cast_slice::<u64, u8>(&words)[..rest_len];
    if !parts_match(&[&text, &pad[..pad_len], rest], &crcs) {
        return Err(SnapshotError::Checksum.into());
    }
    let text = String::from_utf8(text).map_err(|_| corrupt(at_text, "text that is not UTF-8"))?;
    let mut columns = Columns {
        block: &Block::Words(Arc::new(words)),
        at: 0,
        end: rest_len,
        offset: at_text + text_len as usize + pad_len,
        lengths: lengths.into_iter().skip(1).collect::<Vec<_>>().into_iter(),
    };
    Ok(columns.store(Text::Owned(text), header.count)?)
}

/// Whether the payload made of `parts`, back to back, matches its checksums, one a
/// [`BLOCK`] (a block may span parts).
fn parts_match(parts: &[&[u8]], crcs: &[u32]) -> bool {
    use rayon::iter::{IntoParallelIterator, ParallelIterator};
    let total: usize = parts.iter().map(|part| part.len()).sum();
    crcs.len() == total.div_ceil(BLOCK)
        && (0..crcs.len()).into_par_iter().all(|block| {
            let (start, end) = (block * BLOCK, ((block + 1) * BLOCK).min(total));
            let mut hasher = crc32fast::Hasher::new();
            let mut at = 0;
            for part in parts {
                let (from, to) = (start.max(at), end.min(at + part.len()));
                if from < to {
                    hasher.update(&part[from - at..to - at]);
                }
                at += part.len();
            }
            hasher.finalize() == crcs[block]
        })
}

/// From this size a file is read on two threads.
const PARALLEL_READ: u64 = 8 << 20;

/// Reads `buffer.len()` bytes at `offset`, without moving the file's cursor, so that two
/// threads can read one file.
#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

/// Reads `buffer.len()` bytes at `offset` (which moves the file's cursor, but no reader
/// here relies on it).
#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buffer: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buffer.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buffer, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(read) => {
                buffer = &mut buffer[read..];
                offset += read as u64;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Reads a snapshot held in memory (copied once, into aligned words).
///
/// ```
/// use carefind::{Index, snapshot};
///
/// let mut bytes = Vec::new();
/// snapshot::to_writer(&mut bytes, Index::sample().store())?;
/// assert_eq!(snapshot::from_slice(&bytes)?.len(), Index::sample().len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_slice(bytes: &[u8]) -> Result<FacilityStore, SnapshotError> {
    let mut words = vec![0u64; bytes.len().div_ceil(8)];
    bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
    from_block(Block::Words(Arc::new(words)), bytes.len())
}

/// Reads a snapshot embedded in the program, in place when it is aligned to 8 bytes, and
/// checked a block at a time as it is read, as [`map_path`] checks a mapped file.
///
/// ```
/// use carefind::{Index, snapshot};
///
/// let mut bytes = Vec::new();
/// snapshot::to_writer(&mut bytes, Index::sample().store())?;
/// let embedded: &'static [u8] = Box::leak(bytes.into_boxed_slice());
/// assert_eq!(snapshot::from_static(embedded)?.len(), Index::sample().len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_static(bytes: &'static [u8]) -> Result<FacilityStore, SnapshotError> {
    from_block(Block::Static(bytes), bytes.len())
}

/// What the header says.
struct Header {
    count: u64,
    length: u64,
    head_crc: u32,
}

impl Header {
    /// How many blocks the payload has, so checksums in the table.
    fn blocks(&self) -> usize {
        usize::try_from(self.length.div_ceil(BLOCK as u64)).unwrap_or(usize::MAX)
    }

    /// Where the table of contents starts: after the table of checksums and its padding.
    fn contents_at(&self) -> usize {
        let table = self.blocks().saturating_mul(4);
        HEADER.saturating_add(table).saturating_add(padding(table))
    }

    /// The table of checksums and the table of contents, `head` being the file from the
    /// end of the header to the payload (`columns` long, its first word read).
    fn layout(&self, head: &[u8], size: u64) -> Result<Layout, SnapshotError> {
        if crc32fast::hash(head) != self.head_crc {
            return Err(SnapshotError::Checksum);
        }
        let crcs = head
            .chunks_exact(4)
            .take(self.blocks())
            .map(|crc| u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]))
            .collect();
        let lengths = head
            .get(self.contents_at() - HEADER + 8..)
            .unwrap_or_default()
            .chunks_exact(8)
            .map(|length| u64::from_le_bytes(length.try_into().unwrap_or_default()))
            .collect();
        let payload_at = HEADER + head.len();
        if (payload_at as u64).saturating_add(self.length) > size {
            return Err(SnapshotError::Truncated {
                expected: (payload_at as u64).saturating_add(self.length),
                found: size,
            });
        }
        Ok(Layout {
            crcs,
            lengths,
            payload: payload_at..payload_at + self.length as usize,
        })
    }

    /// How long the head (the two tables) is, given the number of columns the table of
    /// contents starts with: `None` when it cannot fit in a file of `size` bytes.
    fn head_len(&self, columns: u64, size: u64) -> Option<usize> {
        let contents = columns.checked_mul(8)?.checked_add(8)?;
        let end = (self.contents_at() as u64).checked_add(contents)?;
        (end <= size).then(|| end as usize - HEADER)
    }
}

/// Where the payload and each column lie, and the payload's checksums.
struct Layout {
    crcs: Vec<u32>,
    /// Each column's length in bytes, in order.
    lengths: Vec<u64>,
    payload: std::ops::Range<usize>,
}

/// Checks the start of a snapshot of `size` bytes: the magic and the version.
fn header(bytes: &[u8], size: u64) -> Result<Header, SnapshotError> {
    if !bytes.starts_with(MAGIC) {
        return Err(if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            SnapshotError::Truncated {
                expected: HEADER as u64,
                found: size,
            }
        } else {
            SnapshotError::NotASnapshot
        });
    }
    if bytes.len() < HEADER {
        return Err(SnapshotError::Truncated {
            expected: HEADER as u64,
            found: size,
        });
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    let long = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let version = word(8);
    if version != VERSION {
        return Err(SnapshotError::Version { found: version });
    }
    Ok(Header {
        count: long(12),
        length: long(20),
        head_crc: word(28),
    })
}

/// The head (the tables between the header and the payload) of the snapshot `bytes`.
fn head<'b>(header: &Header, bytes: &'b [u8]) -> Result<&'b [u8], SnapshotError> {
    let size = bytes.len() as u64;
    let truncated = SnapshotError::Truncated {
        expected: header.contents_at() as u64 + 8,
        found: size,
    };
    let at = header.contents_at();
    let columns = bytes
        .get(at..at.saturating_add(8))
        .ok_or(truncated.clone())?;
    let columns = u64::from_le_bytes(columns.try_into().unwrap_or_default());
    let len = header.head_len(columns, size).ok_or(truncated)?;
    Ok(&bytes[HEADER..HEADER + len])
}

fn corrupt(offset: usize, reason: &'static str) -> SnapshotError {
    SnapshotError::Corrupt { offset, reason }
}

/// Reads the snapshot in `block[..len]`: checked whole now when it was read into words,
/// or a block at a time as it is read when it is mapped or embedded (see [`Checked`]).
fn from_block(block: Block, len: usize) -> Result<FacilityStore, SnapshotError> {
    let all = block.bytes();
    let bytes = &all[..len.min(all.len())];
    let header = header(bytes, bytes.len() as u64)?;
    let Layout {
        crcs,
        lengths,
        payload,
    } = header.layout(head(&header, bytes)?, bytes.len() as u64)?;
    let block = match block {
        Block::Words(_) => {
            if block_sums(&bytes[payload.clone()]) != crcs {
                return Err(SnapshotError::Checksum);
            }
            block
        }
        unread => Block::Checked(Arc::new(Checked::new(unread, payload.clone(), crcs))),
    };
    let mut columns = Columns {
        block: &block,
        at: payload.start,
        end: payload.end,
        offset: 0,
        lengths: lengths.into_iter(),
    };
    let text = columns.text()?;
    columns.store(text, header.count)
}

/// Walks the payload's columns in `block[at..end]`, checking each length; `offset` is
/// where the block starts in the file, for errors.
struct Columns<'b> {
    block: &'b Block,
    at: usize,
    end: usize,
    offset: usize,
    /// The lengths of the columns still to come, from the table of contents.
    lengths: std::vec::IntoIter<u64>,
}

impl Columns<'_> {
    fn corrupt(&self, reason: &'static str) -> SnapshotError {
        corrupt(self.offset + self.at, reason)
    }

    /// The columns after the text arena, as a store with `text`.
    fn store(&mut self, text: Text, count: u64) -> Result<FacilityStore, SnapshotError> {
        let store = FacilityStore {
            text,
            ends: self.next()?,
            services_text: self.text()?,
            service_ends: self.next()?,
            services_end: self.next()?,
            lat: self.next()?,
            lon: self.next()?,
            masks: self.next()?,
            codes: self.next()?,
            verified: self.next()?,
            schedules: Arc::default(),
            slots: Arc::default(),
        };
        let slots = Slots {
            order: self.next()?,
            locations: self.next()?,
            sets: self.next()?,
            counts: self.counts()?,
            trees: Default::default(),
            whole: Default::default(),
        };
        for tree in &slots.trees {
            let (splits, axes) = (self.next()?, self.next()?);
            let points = [self.next()?, self.next()?, self.next()?];
            let _ = tree.set(KdTree::from_columns(splits, axes, points, self.next()?));
        }
        if self.at != self.end || self.lengths.len() != 0 {
            return Err(self.corrupt("bytes after the last column"));
        }
        if store.len() as u64 != count {
            return Err(self.corrupt("a count that does not match the columns"));
        }
        // A file checked as it is read is checked now only for what makes it a store:
        // every read of a value is bounded, and checks its blocks.
        let checked = if matches!(self.block, Block::Checked(_)) {
            store
                .check_lengths()
                .and_then(|()| slots.check_lengths(store.len()))
        } else {
            store.check().and_then(|()| slots.check(store.len()))
        };
        checked.map_err(|reason| corrupt(HEADER, reason))?;
        let _ = store.slots.set(slots);
        Ok(store)
    }

    /// The counts column: how many facilities offer each level of care, then how many are
    /// closed.
    fn counts(&mut self) -> Result<[usize; COUNTS], SnapshotError> {
        let column: Column<u64> = self.next()?;
        if !column.check(0..column.as_slice().len()) {
            return Err(crate::checked::damaged(self.offset + self.at));
        }
        let mut counts = [0; COUNTS];
        match column.as_slice() {
            read if read.len() == COUNTS => {
                for (count, read) in counts.iter_mut().zip(read) {
                    *count = usize::try_from(*read)
                        .map_err(|_| self.corrupt("a count larger than memory"))?;
                }
                Ok(counts)
            }
            _ => Err(self.corrupt("a column of counts of the wrong length")),
        }
    }

    /// A text column: borrowed when the block is embedded in the program, copied otherwise.
    fn text(&mut self) -> Result<Text, SnapshotError> {
        let at = self.at;
        let (start, len) = self.span(1)?;
        if let Block::Checked(checked) = self.block {
            // Each field is checked to be UTF-8 as it is read.
            return Ok(Text::Checked {
                block: checked.clone(),
                start,
                len,
            });
        }
        let bytes = self
            .block
            .bytes()
            .get(start..start + len)
            .unwrap_or_default();
        let text = std::str::from_utf8(bytes)
            .map_err(|_| corrupt(self.offset + at, "text that is not UTF-8"))?;
        Ok(Text::Owned(text.to_string()))
    }

    fn next<T: Number>(&mut self) -> Result<Column<T>, SnapshotError> {
        let size = std::mem::size_of::<T>();
        let (start, len) = self.span(size)?;
        Ok(Column::in_block(self.block, start, len / size))
    }

    /// The next column's bytes (where they start and how many), a whole number of
    /// `size`-byte values; moves past them and their padding.
    fn span(&mut self, size: usize) -> Result<(usize, usize), SnapshotError> {
        let length = self
            .lengths
            .next()
            .ok_or_else(|| self.corrupt("fewer columns than a store has"))?;
        let start = self.at;
        let padded = usize::try_from(length)
            .ok()
            .and_then(|length| length.checked_add(padding(length)))
            .and_then(|padded| start.checked_add(padded))
            .filter(|end| *end <= self.end)
            .ok_or_else(|| self.corrupt("a column runs past the end"))?;
        let length = length as usize;
        if !length.is_multiple_of(size) {
            return Err(self.corrupt("a column of part of a number"));
        }
        self.at = padded;
        Ok((start, length))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Facility;

    fn sample_bytes() -> Vec<u8> {
        let index = crate::Index::sample();
        let facilities = index.facilities().take(50).map(|f| f.to_facility());
        let mut bytes = Vec::new();
        to_writer(
            &mut bytes,
            &FacilityStore::new(facilities.collect()).unwrap(),
        )
        .unwrap();
        bytes
    }

    #[test]
    fn kinds_mental_health_types_and_precision_round_trip() {
        use crate::{FacilityKind, MhType, Precision};
        let mut facility: Facility = crate::Index::sample().facility(0).unwrap().to_facility();
        facility.kinds = [FacilityKind::SubstanceUse, FacilityKind::MentalHealth]
            .into_iter()
            .collect();
        facility.mh_types = MhType::Ccbhc.into();
        facility.precision = Precision::Zip;
        facility.services = vec!["a".into(), "".into(), "ü".into()];
        let mut bytes = Vec::new();
        to_writer(
            &mut bytes,
            &FacilityStore::new(vec![facility.clone()]).unwrap(),
        )
        .unwrap();
        assert_eq!(from_slice(&bytes).unwrap().to_facilities(), [facility]);
    }

    #[test]
    fn a_payload_read_in_parts_matches_the_checksums_of_its_blocks() {
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let bytes: Vec<u8> = (0..3 * BLOCK + 13)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let crcs = block_sums(&bytes);
        for cuts in [
            [0, 0, 0],
            [8, BLOCK, BLOCK + 3],
            [8, 2 * BLOCK + 1, 3 * BLOCK + 13],
        ] {
            let parts = [
                &bytes[..cuts[0]],
                &bytes[cuts[0]..cuts[1]],
                &bytes[cuts[1]..cuts[2]],
                &bytes[cuts[2]..],
            ];
            assert!(parts_match(&parts, &crcs), "{cuts:?}");
            let mut bad = bytes.clone();
            bad[cuts[1].max(1) - 1] ^= 4;
            let parts = [&bad[..cuts[1]], &bad[cuts[1]..]];
            assert!(!parts_match(&parts, &crcs), "{cuts:?}");
        }
        assert!(!parts_match(&[&bytes[1..]], &crcs));
    }

    #[test]
    fn columns_are_used_in_place() {
        let bytes = sample_bytes();
        let store = from_slice(&bytes).unwrap();
        assert!(matches!(store.masks, Column::Borrowed { .. }) == cfg!(target_endian = "little"));
        let embedded = from_static(Box::leak(bytes.into_boxed_slice())).unwrap();
        assert!(matches!(embedded.text, Text::Checked { .. }));
    }

    #[test]
    fn a_file_reads_as_its_bytes_do_and_damage_to_it_is_an_error() {
        let bytes = sample_bytes();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.snap");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(from_path(&path).unwrap(), from_slice(&bytes).unwrap());
        // Read on one thread and on two (a large file's way), with the same answers.
        let read = |parallel: bool| {
            let opened = std::fs::File::open(&path).unwrap();
            let size = opened.metadata().unwrap().len();
            match read_file(&opened, size, parallel) {
                Ok(store) => Ok(store),
                Err(Failed::Snapshot(error)) => Err(Some(error)),
                Err(Failed::Io(_)) => Err(None),
            }
        };
        // Mapped, each store dropped before the file is written again.
        let mapped = || match map_path(&path) {
            Ok(store) => Ok(store),
            Err(Error::Snapshot { error, .. }) => Err(Some(error)),
            Err(_) => Err(None),
        };
        assert_eq!(read(true).unwrap(), from_slice(&bytes).unwrap());
        assert!(read(true).unwrap().slots.get().is_some());
        let store = mapped().unwrap();
        assert_eq!(store, from_slice(&bytes).unwrap());
        assert!(matches!(store.text, Text::Checked { .. }));
        assert!(matches!(store.masks, Column::Borrowed { .. }) == cfg!(target_endian = "little"));
        drop(store);
        for cut in (0..bytes.len()).step_by(211) {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(from_path(&path).is_err(), "cut at {cut}");
            assert_eq!(read(true).err(), read(false).err(), "cut at {cut}");
            assert!(read(true).is_err(), "cut at {cut}");
            assert_eq!(
                mapped().err(),
                Some(from_slice(&bytes[..cut]).err()),
                "cut at {cut}"
            );
        }
        for at in (0..bytes.len()).step_by(193) {
            let mut bad = bytes.clone();
            bad[at] ^= 0x21;
            std::fs::write(&path, &bad).unwrap();
            assert!(from_path(&path).is_err(), "flipped byte {at}");
            assert_eq!(read(true).err(), read(false).err(), "flipped byte {at}");
            assert_eq!(
                read(true).err(),
                Some(Some(from_slice(&bad).unwrap_err())),
                "flipped byte {at}"
            );
            // Mapped, the file is checked as it is read: the flip is an error on opening
            // (in the header, the table or a column's length), or else for the first read
            // of its block, which in a file this small is every read.
            match mapped() {
                Err(error) => assert!(error.is_some(), "flipped byte {at}"),
                Ok(store) => {
                    let index = crate::Index::from_store(store);
                    let near = crate::Query::nearest(crate::LatLon::new(40.0, -75.0).unwrap(), 3);
                    assert!(
                        matches!(index.search(&near), Err(crate::QueryError::Damaged(_))),
                        "flipped byte {at}"
                    );
                    assert!(index.store().damage().is_some(), "flipped byte {at}");
                    assert!(index.store().verify().is_err(), "flipped byte {at}");
                }
            }
        }
    }

    #[test]
    fn a_mapped_file_checks_the_blocks_a_search_reads_and_no_others() {
        use crate::{Index, LatLon, Query, QueryError};
        let store = Index::sample().into_store();
        let mut bytes = Vec::new();
        to_writer(&mut bytes, &store).unwrap();
        // Damage the name of the facility nearest Chicago.
        let chicago = Query::nearest(LatLon::new(41.88, -87.63).unwrap(), 1);
        let index = Index::from_store(store);
        let name = index.search(&chicago).unwrap()[0]
            .facility
            .name()
            .to_string();
        let at = bytes
            .windows(name.len())
            .position(|window| window == name.as_bytes())
            .unwrap();
        bytes[at] ^= 0x21;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.snap");
        std::fs::write(&path, &bytes).unwrap();
        assert!(
            from_path(&path).is_err(),
            "read whole, the damage is found at once"
        );
        let damaged = Index::from_store(map_path(&path).unwrap());
        // Searches that read other blocks answer as the whole file does.
        let mut answered = 0;
        for (lat, lon) in [
            (21.3, -157.8),
            (47.6, -122.3),
            (25.8, -80.2),
            (61.2, -149.9),
        ] {
            let query = Query::nearest(LatLon::new(lat, lon).unwrap(), 1);
            if let Ok(hits) = damaged.search(&query) {
                assert_eq!(hits, index.search(&query).unwrap());
                answered += 1;
            }
        }
        assert!(answered > 0);
        assert_eq!(damaged.store().damage(), None);
        let error = damaged.search(&chicago).unwrap_err();
        let QueryError::Damaged(SnapshotError::Corrupt { offset, .. }) = error else {
            panic!("{error:?}");
        };
        assert!(offset <= at && at < offset + BLOCK, "{offset} {at}");
        assert!(damaged.store().damage().is_some());
        assert!(damaged.store().verify().is_err());
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_an_error() {
        let bytes = sample_bytes();
        assert_eq!(from_slice(&bytes).unwrap().len(), 50);
        for cut in (0..bytes.len()).step_by(97) {
            assert!(from_slice(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in (0..bytes.len()).step_by(89) {
            let mut bad = bytes.clone();
            bad[at] ^= 0x40;
            assert!(from_slice(&bad).is_err(), "flipped byte {at}");
        }
    }

    /// A file whose payload passes its checksum: what a writer other than this one could
    /// produce.
    fn forge(columns: &[&[u8]], count: u64) -> Vec<u8> {
        let mut payload = Vec::new();
        for column in columns {
            payload.extend(*column);
            payload.extend(&[0; 8][..padding(column.len())]);
        }
        let mut head: Vec<u8> = block_sums(&payload)
            .iter()
            .flat_map(|crc| crc.to_le_bytes())
            .collect();
        head.extend(&[0; 8][..padding(head.len())]);
        head.extend((columns.len() as u64).to_le_bytes());
        for column in columns {
            head.extend((column.len() as u64).to_le_bytes());
        }
        let mut forged = MAGIC.to_vec();
        forged.extend(VERSION.to_le_bytes());
        forged.extend(count.to_le_bytes());
        forged.extend((payload.len() as u64).to_le_bytes());
        forged.extend(crc32fast::hash(&head).to_le_bytes());
        forged.extend(&head);
        forged.extend(&payload);
        forged
    }

    #[test]
    fn a_snapshot_keeps_the_slots_and_trees_and_any_order_answers_exactly() {
        use crate::{Index, LatLon, Query};
        let store = crate::Index::sample().into_store();
        let facilities = store.to_facilities();
        let mut bytes = Vec::new();
        to_writer(&mut bytes, &store).unwrap();
        let read = from_slice(&bytes).unwrap();
        let (kept, made) = (read.slots.get().unwrap(), store.slots());
        assert_eq!(kept.order.as_slice(), made.order.as_slice());
        assert_eq!(kept.locations.as_slice(), made.locations.as_slice());
        assert_eq!(kept.sets.as_slice(), made.sets.as_slice());
        assert_eq!(kept.counts, made.counts);
        assert!(
            kept.trees.iter().all(|tree| tree.get().is_some()),
            "read, not built"
        );
        for which in 0..TREES {
            assert_eq!(kept.tree(which).columns(), made.tree(which).columns());
        }
        // An order no sort would make (ids backwards): the trees hold other points, the
        // answers are the same.
        let odd = FacilityStore::new(facilities.clone()).unwrap();
        let backwards: Vec<u32> = (0..odd.len() as u32).rev().collect();
        let _ = odd.slots.set(Slots::in_order(&odd, backwards.clone()));
        let mut bytes = Vec::new();
        to_writer(&mut bytes, &odd).unwrap();
        let odd = Index::from_store(from_slice(&bytes).unwrap());
        assert_eq!(odd.slots().order.as_slice(), backwards);
        let usual = Index::new(facilities).unwrap();
        for (lat, lon) in [(40.7, -74.0), (-33.9, 151.2), (64.8, -147.7), (0.0, 180.0)] {
            let query = Query::nearest(LatLon::new(lat, lon).unwrap(), 25);
            let ids = |index: &Index| -> Vec<String> {
                let hits = index.search(&query).unwrap();
                hits.iter()
                    .map(|hit| hit.facility.id().to_string())
                    .collect()
            };
            assert_eq!(ids(&odd), ids(&usual), "near {lat},{lon}");
        }
    }

    #[test]
    fn the_version_error_names_the_version_read() {
        let message = SnapshotError::Version { found: 1 }.to_string();
        assert!(
            message.contains(&format!("reads version {VERSION}:")),
            "{message}"
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let bytes = sample_bytes();
        let mut other = bytes.clone();
        other[8] = 1;
        assert_eq!(from_slice(&other), Err(SnapshotError::Version { found: 1 }));
        assert!(matches!(
            from_slice(&bytes[..40]),
            Err(SnapshotError::Truncated { .. })
        ));
        assert!(matches!(
            from_slice(&bytes[..5]),
            Err(SnapshotError::Truncated { .. })
        ));
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(from_slice(&flipped), Err(SnapshotError::Checksum));
        assert!(matches!(
            from_slice(&forge(&[], 0)[..HEADER]),
            Err(SnapshotError::Truncated { .. })
        ));
        assert!(matches!(
            from_slice(&forge(&[], 0)),
            Err(SnapshotError::Corrupt {
                reason: "fewer columns than a store has",
                ..
            })
        ));
    }

    #[test]
    fn a_valid_checksum_over_invalid_columns_is_refused() {
        let id_ends: Vec<u8> = std::iter::once(1u32)
            .chain([2; crate::fields::TEXT_FIELDS - 1])
            .flat_map(|end| end.to_le_bytes())
            .collect();
        // Valid slots for the one facility, from a store that holds it.
        let mut held = Facility::new("a", "N", crate::LatLon::new(1.0, 0.0).unwrap());
        held.care = crate::CareSet::from_bits(1).unwrap();
        let held = FacilityStore::new(vec![held]).unwrap();
        let slots: Vec<Vec<u8>> = slot_columns(held.slots())
            .into_iter()
            .map(std::borrow::Cow::into_owned)
            .collect();
        let forged = |text: &'static [u8], lat: f64, mask: u64, flags: u8, order: &[u8]| {
            let mask = [mask, 0, 0, 0, 0, 0, 0, 0, 0]
                .iter()
                .flat_map(|m| m.to_le_bytes())
                .collect::<Vec<u8>>();
            let (lat, lon, verified) = (
                lat.to_le_bytes(),
                0f64.to_le_bytes(),
                i32::MIN.to_le_bytes(),
            );
            let codes = [0, 0, flags];
            let mut columns: Vec<&[u8]> = vec![
                text, &id_ends, b"", b"", &[0; 4], &lat, &lon, &mask, &codes, &verified, order,
            ];
            columns.extend(slots[1..].iter().map(Vec::as_slice));
            forge(&columns, 1)
        };
        let with_flags = |text, lat, mask, flags| forged(text, lat, mask, flags, &slots[0]);
        let one = |text, lat, mask| with_flags(text, lat, mask, 0);
        assert_eq!(
            from_slice(&one(b"aN", 1.0, 1)).unwrap().to_facilities()[0].name,
            "N"
        );
        let reason = |bytes: Vec<u8>| {
            // Embedded (or mapped), the file is checked as it is read, and values only as
            // they are used: what is read of it is bounded, and nothing panics.
            if let Ok(store) = from_static(Box::leak(bytes.clone().into_boxed_slice())) {
                let index = crate::Index::from_store(store);
                let near = crate::Query::nearest(crate::LatLon::new(1.0, 0.0).unwrap(), 5);
                if let Ok(hits) = index.search(&near) {
                    let _: Vec<Facility> =
                        hits.iter().map(|hit| hit.facility.to_facility()).collect();
                }
                let _: Vec<Facility> = index.facilities().map(|f| f.to_facility()).collect();
                assert!(index.store().verify().is_err());
            }
            match from_slice(&bytes) {
                Err(SnapshotError::Corrupt { reason, .. }) => reason,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(reason(one(b"aN", 91.0, 1)), "a point off the globe");
        assert_eq!(reason(one(b"aN", 1.0, 1 << 63)), "an unknown attribute");
        assert_eq!(
            reason(with_flags(b"aN", 1.0, 1, 0b11)),
            "an unknown getting-in flag"
        );
        assert_eq!(reason(one(b"a\xff", 1.0, 1)), "text that is not UTF-8");
        assert_eq!(
            reason(one(b" N", 1.0, 1)),
            "ids that are empty, repeated or out of order"
        );
        assert_eq!(
            reason(forged(b"aN", 1.0, 1, 0, &1u32.to_le_bytes())),
            "a slot order that is not one of the positions"
        );
        let mut wrong_count = one(b"aN", 1.0, 1);
        wrong_count[12] = 2;
        assert_eq!(
            reason(wrong_count),
            "a count that does not match the columns"
        );
    }
}
