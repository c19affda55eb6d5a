//! A compact binary snapshot of a dataset, for services that must start fast.
//!
//! The file is a header and the facilities, checked by a CRC-32:
//!
//! | bytes | what |
//! |---|---|
//! | 8 | the magic `CFSNAP\r\n` (the `\r\n` catches a text-mode copy) |
//! | 4 | the format version, little-endian (now 1) |
//! | 8 | the number of facilities |
//! | 8 | the payload's length in bytes |
//! | 4 | the CRC-32 of the payload |
//! | payload | a u32 count of chunks; per chunk its length in bytes (u64) and its number of facilities (u32); then the chunks |
//!
//! A chunk holds up to 2,048 facilities, each as ten strings (id, name, name2, street, city,
//! state, zip, phone, intake phone, website) of a u32 length and UTF-8 bytes; lat and lon
//! as f64; the six attribute sets as u64 masks; the services as a u32 count and strings.
//! Chunks are decoded on every core: decoding is allocating strings, and one core did it
//! only about three times as fast as parsing the CSV.
//!
//! Reading checks everything it reads, so a truncated, corrupted or other-version file is
//! a typed [`SnapshotError`], never a panic or a wrong dataset.

use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::error::Error;
use crate::facility::Facility;
use crate::precision::Precision;
use crate::set::Set;
use crate::sphere::LatLon;
use crate::status::Status;
use crate::vocabulary::Term;

/// The file's first bytes.
pub const MAGIC: &[u8; 8] = b"CFSNAP\r\n";
/// The version this library writes and reads.
pub const VERSION: u32 = 3;
const HEADER: usize = 8 + 4 + 8 + 8 + 4;
/// Facilities per chunk: small enough to share out, large enough to be worth a task.
const CHUNK: usize = 2048;

/// Why a snapshot cannot be read.
///
/// ```
/// use carefind::snapshot::{self, SnapshotError};
///
/// let error = snapshot::from_slice(b"id,name,lat,lon,care\n").unwrap_err();
/// assert_eq!(error, SnapshotError::NotASnapshot);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The file does not start with the magic bytes.
    #[error("not a carefind snapshot (it does not start with CFSNAP)")]
    NotASnapshot,
    /// Another version of the format.
    #[error(
        "snapshot format version {found}; this carefind reads version {VERSION}: write it again with `carefind snapshot`"
    )]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// The file ends early.
    #[error("the snapshot is truncated: {expected} bytes expected, {found} found")]
    Truncated {
        /// Bytes the header promises.
        expected: u64,
        /// Bytes there are.
        found: u64,
    },
    /// The payload does not match its checksum.
    #[error("the snapshot is corrupted: its checksum does not match")]
    Checksum,
    /// The payload passed the checksum but does not decode (written by something else).
    #[error("the snapshot is corrupted at byte {offset}: {reason}")]
    Corrupt {
        /// Where in the payload.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Writes `facilities` as a snapshot.
///
/// ```
/// use carefind::{Index, snapshot};
///
/// let index = Index::sample();
/// let mut bytes = Vec::new();
/// snapshot::to_writer(&mut bytes, index.facilities())?;
/// let facilities = snapshot::from_slice(&bytes)?;
/// assert_eq!(facilities, index.facilities());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_writer<'a>(
    mut writer: impl Write,
    facilities: impl IntoIterator<Item = &'a Facility>,
) -> io::Result<()> {
    let facilities: Vec<&Facility> = facilities.into_iter().collect();
    let count = facilities.len() as u64;
    let chunks: Vec<Vec<u8>> = facilities
        .chunks(CHUNK)
        .map(|chunk| {
            let mut bytes = Vec::new();
            for facility in chunk {
                encode(&mut bytes, facility);
            }
            bytes
        })
        .collect();
    let body: usize = chunks.iter().map(Vec::len).sum();
    let mut payload = Vec::with_capacity(4 + 12 * chunks.len() + body);
    payload.extend_from_slice(&(chunks.len() as u32).to_le_bytes());
    for (bytes, facilities) in chunks.iter().zip(facilities.chunks(CHUNK)) {
        payload.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        payload.extend_from_slice(&(facilities.len() as u32).to_le_bytes());
    }
    for bytes in &chunks {
        payload.extend_from_slice(bytes);
    }
    writer.write_all(MAGIC)?;
    writer.write_all(&VERSION.to_le_bytes())?;
    writer.write_all(&count.to_le_bytes())?;
    writer.write_all(&(payload.len() as u64).to_le_bytes())?;
    writer.write_all(&crc32fast::hash(&payload).to_le_bytes())?;
    writer.write_all(&payload)?;
    writer.flush()
}

/// Writes a snapshot file, whole or not at all (through a [`StagedFile`](crate::staged::StagedFile)).
///
/// ```no_run
/// use carefind::{Index, snapshot};
///
/// snapshot::to_path("facilities.snap", Index::sample().facilities())?;
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn to_path<'a>(
    path: impl AsRef<Path>,
    facilities: impl IntoIterator<Item = &'a Facility>,
) -> Result<(), Error> {
    let path = path.as_ref();
    let io_error = |source| Error::Io {
        file: path.display().to_string(),
        source,
    };
    let mut staged = crate::staged::StagedFile::new(path)?;
    to_writer(io::BufWriter::new(staged.file()), facilities).map_err(io_error)?;
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

/// Reads a snapshot file.
///
/// ```no_run
/// use carefind::{Index, snapshot};
///
/// let index = Index::new(snapshot::from_path("facilities.snap")?)?;
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>) -> Result<Vec<Facility>, Error> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        file: file.clone(),
        source,
    })?;
    from_slice(&bytes).map_err(|error| Error::Snapshot { file, error })
}

/// Reads a snapshot held in memory.
pub fn from_slice(bytes: &[u8]) -> Result<Vec<Facility>, SnapshotError> {
    if !bytes.starts_with(MAGIC) {
        return Err(if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            SnapshotError::Truncated {
                expected: HEADER as u64,
                found: bytes.len() as u64,
            }
        } else {
            SnapshotError::NotASnapshot
        });
    }
    if bytes.len() < HEADER {
        return Err(SnapshotError::Truncated {
            expected: HEADER as u64,
            found: bytes.len() as u64,
        });
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let long = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    let version = word(8);
    if version != VERSION {
        return Err(SnapshotError::Version { found: version });
    }
    let (count, length, checksum) = (long(12), long(20), word(28));
    let payload = &bytes[HEADER..];
    if (payload.len() as u64) < length {
        return Err(SnapshotError::Truncated {
            expected: HEADER as u64 + length,
            found: bytes.len() as u64,
        });
    }
    let payload = &payload[..length as usize];
    if crc32fast::hash(payload) != checksum {
        return Err(SnapshotError::Checksum);
    }
    let mut table = Reader {
        bytes: payload,
        at: 0,
    };
    let chunk_count = table.u32()? as usize;
    let mut chunks = Vec::with_capacity(chunk_count.min(payload.len() / 12));
    let mut start = 4usize.saturating_add(chunk_count.saturating_mul(12));
    let mut total: u64 = 0;
    for _ in 0..chunk_count {
        let length =
            usize::try_from(table.u64()?).map_err(|_| table.corrupt("a chunk too long"))?;
        let facilities = table.u32()?;
        let end = start
            .checked_add(length)
            .filter(|end| *end <= payload.len())
            .ok_or_else(|| table.corrupt("a chunk runs past the end"))?;
        chunks.push((start, end, facilities));
        total += u64::from(facilities);
        start = end;
    }
    if start != payload.len() || total != count {
        return Err(table.corrupt("the chunks do not add up to the payload"));
    }
    let decoded: Vec<Vec<Facility>> = chunks
        .par_iter()
        .map(|&(start, end, count)| {
            let mut reader = Reader {
                bytes: &payload[..end],
                at: start,
            };
            // Every facility takes more than 100 bytes, which bounds what a count may ask.
            let room = (end - start) / 100 + 1;
            let mut facilities = Vec::with_capacity((count as usize).min(room));
            for _ in 0..count {
                facilities.push(reader.facility()?);
            }
            if reader.at != end {
                return Err(reader.corrupt("bytes after the last facility of a chunk"));
            }
            Ok(facilities)
        })
        .collect::<Result<_, _>>()?;
    let mut facilities = Vec::with_capacity(total as usize);
    for chunk in decoded {
        facilities.extend(chunk);
    }
    Ok(facilities)
}

fn encode_text(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn encode(out: &mut Vec<u8>, facility: &Facility) {
    for field in [
        &facility.id,
        &facility.name,
        &facility.name2,
        &facility.street,
        &facility.city,
        &facility.state,
        &facility.zip,
        &facility.phone,
        &facility.intake_phone,
        &facility.website,
    ] {
        encode_text(out, field);
    }
    out.extend_from_slice(&facility.location.lat().to_le_bytes());
    out.extend_from_slice(&facility.location.lon().to_le_bytes());
    for bits in [
        facility.care.bits(),
        facility.payment.bits(),
        facility.ages.bits(),
        facility.populations.bits(),
        facility.languages.bits(),
        facility.medications.bits(),
        facility.kinds.bits(),
        facility.mh_types.bits(),
    ] {
        out.extend_from_slice(&bits.to_le_bytes());
    }
    out.push(match facility.precision {
        Precision::Point => 0,
        Precision::Zip => 1,
    });
    out.push(match facility.status {
        Status::Active => 0,
        Status::TemporarilyClosed => 1,
        Status::Closed => 2,
    });
    // Days since 1970-01-01, or i32::MIN for a listing never verified.
    let verified = facility.verified.map_or(i32::MIN, crate::filter::days_of);
    out.extend_from_slice(&verified.to_le_bytes());
    encode_text(out, &facility.source);
    out.extend_from_slice(&(facility.services.len() as u32).to_le_bytes());
    for service in &facility.services {
        out.extend_from_slice(&(service.len() as u32).to_le_bytes());
        out.extend_from_slice(service.as_bytes());
    }
}

fn date_of_days(days: i32) -> Option<jiff::civil::Date> {
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().try_days(days).ok()?)
        .ok()
}

/// Reads the payload, checking every length and value.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn corrupt(&self, reason: &'static str) -> SnapshotError {
        SnapshotError::Corrupt {
            offset: self.at,
            reason,
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.corrupt("a field runs past the end"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn u32(&mut self) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn text(&mut self) -> Result<String, SnapshotError> {
        let length = self.u32()? as usize;
        let bytes = self.take(length)?;
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| self.corrupt("text that is not UTF-8"))
    }

    fn set<T: Term>(&mut self) -> Result<Set<T>, SnapshotError> {
        let bits = self.u64()?;
        Set::from_bits(bits).ok_or_else(|| self.corrupt("an unknown attribute"))
    }

    fn facility(&mut self) -> Result<Facility, SnapshotError> {
        let mut texts: [String; 10] = Default::default();
        for text in &mut texts {
            *text = self.text()?;
        }
        let lat = f64::from_bits(self.u64()?);
        let lon = f64::from_bits(self.u64()?);
        let location = LatLon::new(lat, lon).map_err(|_| self.corrupt("a point off the globe"))?;
        let [
            id,
            name,
            name2,
            street,
            city,
            state,
            zip,
            phone,
            intake_phone,
            website,
        ] = texts;
        let mut facility = Facility::new(id, name, location);
        (
            facility.name2,
            facility.street,
            facility.city,
            facility.state,
        ) = (name2, street, city, state);
        (
            facility.zip,
            facility.phone,
            facility.intake_phone,
            facility.website,
        ) = (zip, phone, intake_phone, website);
        facility.care = self.set()?;
        facility.payment = self.set()?;
        facility.ages = self.set()?;
        facility.populations = self.set()?;
        facility.languages = self.set()?;
        facility.medications = self.set()?;
        facility.kinds = self.set()?;
        facility.mh_types = self.set()?;
        facility.precision = match self.u8()? {
            0 => Precision::Point,
            1 => Precision::Zip,
            _ => return Err(self.corrupt("an unknown precision")),
        };
        facility.status = match self.u8()? {
            0 => Status::Active,
            1 => Status::TemporarilyClosed,
            2 => Status::Closed,
            _ => return Err(self.corrupt("an unknown status")),
        };
        facility.verified = match self.u32()? as i32 {
            i32::MIN => None,
            days => Some(date_of_days(days).ok_or_else(|| self.corrupt("a date out of range"))?),
        };
        facility.source = self.text()?;
        let services = self.u32()? as usize;
        facility.services = Vec::with_capacity(services.min(self.bytes.len() - self.at));
        for _ in 0..services {
            facility.services.push(self.text()?);
        }
        Ok(facility)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_bytes() -> Vec<u8> {
        let mut bytes = Vec::new();
        to_writer(
            &mut bytes,
            crate::Index::sample().facilities().iter().take(50),
        )
        .unwrap();
        bytes
    }

    #[test]
    fn kinds_mental_health_types_and_precision_round_trip() {
        use crate::{FacilityKind, MhType};
        let mut facility = crate::Index::sample().facilities()[0].clone();
        facility.kinds = [FacilityKind::SubstanceUse, FacilityKind::MentalHealth]
            .into_iter()
            .collect();
        facility.mh_types = MhType::Ccbhc.into();
        facility.precision = Precision::Zip;
        let mut bytes = Vec::new();
        to_writer(&mut bytes, [&facility]).unwrap();
        assert_eq!(from_slice(&bytes).unwrap(), [facility]);
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
        // A payload that passes its checksum but claims a huge string.
        let mut payload = 1_000_000u32.to_le_bytes().to_vec();
        payload.extend(b"abc");
        let mut forged = MAGIC.to_vec();
        forged.extend(VERSION.to_le_bytes());
        forged.extend(1u64.to_le_bytes());
        forged.extend((payload.len() as u64).to_le_bytes());
        forged.extend(crc32fast::hash(&payload).to_le_bytes());
        forged.extend(&payload);
        assert!(matches!(
            from_slice(&forged),
            Err(SnapshotError::Corrupt { .. })
        ));
    }
}
