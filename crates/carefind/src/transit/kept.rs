//! A timetable kept in a file once its feed is checked: [`Timetable::save`] writes it,
//! and [`Timetable::load`] reads it back (recognising it by its first bytes) far faster
//! than reading and checking the GTFS feed again.
//!
//! The layout: [`MAGIC`], the format [`VERSION`] (little-endian u32), the time zone's
//! name, the trip count, the stations, each station's change time and transfers, the
//! patterns (stops, services, times, mode) and the services (weekly calendar and
//! exceptions), then a CRC-32 of everything before it. Every number read back is checked
//! (station and service numbers in range, times a whole number of trips, the zone known),
//! so a damaged file is refused by name, never misread.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use jiff::civil::Date;

use super::feed::{GtfsError, Mode, Pattern, PatternStop, Service, Station, Timetable};
use crate::LatLon;

/// The first bytes of a kept timetable.
pub const MAGIC: &[u8; 8] = b"CFGTFS\r\n";
/// The version of the kept-timetable format this library reads and writes.
pub const VERSION: u32 = 1;

const MODES: [Mode; 6] = [
    Mode::Tram,
    Mode::Subway,
    Mode::Rail,
    Mode::Bus,
    Mode::Ferry,
    Mode::Other,
];

/// Appends numbers and texts in the file's byte order.
struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn len(&mut self, value: usize) {
        self.0.extend_from_slice(&(value as u64).to_le_bytes());
    }
    fn f64(&mut self, value: f64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn text(&mut self, value: &str) {
        self.len(value.len());
        self.0.extend_from_slice(value.as_bytes());
    }
    fn date(&mut self, date: Date) {
        self.0.extend_from_slice(&date.year().to_le_bytes());
        self.0.push(date.month() as u8);
        self.0.push(date.day() as u8);
    }
}

/// Reads numbers and texts back, every read checked against the end.
struct In<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> In<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| format!("ends early, at byte {}", self.at))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }
    fn u64(&mut self) -> Result<u64, String> {
        let mut buffer = [0u8; 8];
        buffer.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(buffer))
    }
    /// A count of items of at least `size` bytes each: never more than the bytes left
    /// could hold, so a damaged count cannot ask for a huge allocation.
    fn len(&mut self, size: usize) -> Result<usize, String> {
        let at = self.at;
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(size.max(1) as u64) > left {
            return Err(format!(
                "has a count of {n} at byte {at}, more than it holds"
            ));
        }
        Ok(n as usize)
    }
    fn f64(&mut self) -> Result<f64, String> {
        Ok(f64::from_bits(self.u64()?))
    }
    fn text(&mut self) -> Result<String, String> {
        let n = self.len(1)?;
        let at = self.at;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| format!("has a text at byte {at} that is not UTF-8"))
    }
    fn date(&mut self) -> Result<Date, String> {
        let at = self.at;
        let bytes = self.take(4)?;
        let year = i16::from_le_bytes([bytes[0], bytes[1]]);
        Date::new(year, bytes[2] as i8, bytes[3] as i8)
            .map_err(|_| format!("has a date at byte {at} that is not one"))
    }
}

impl Timetable {
    /// Keeps the timetable in a file, to be read back by [`Timetable::load`] without
    /// reading and checking the feed again. Written beside the target and renamed over
    /// it, so a reader never sees half a file.
    ///
    /// ```no_run
    /// use carefind::transit::Timetable;
    ///
    /// let timetable = Timetable::load("nyc_subway_gtfs.zip")?; // read and checked once
    /// timetable.save("nyc.timetable")?;
    /// let again = Timetable::load("nyc.timetable")?; // a few milliseconds
    /// assert_eq!(again.trip_count(), timetable.trip_count());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), GtfsError> {
        let path = path.as_ref();
        let mut out = Out(Vec::new());
        out.0.extend_from_slice(MAGIC);
        out.u32(VERSION);
        out.text(&self.zone_name);
        out.len(self.trips);
        out.len(self.stations.len());
        for station in &self.stations {
            out.text(&station.id);
            out.text(&station.name);
            out.f64(station.point.lat());
            out.f64(station.point.lon());
        }
        for (change, transfers) in self.change_s.iter().zip(&self.transfers) {
            out.u32(*change);
            out.len(transfers.len());
            for (station, seconds) in transfers {
                out.u32(*station);
                out.u32(*seconds);
            }
        }
        out.len(self.patterns.len());
        for pattern in &self.patterns {
            out.len(pattern.stops.len());
            for stop in &pattern.stops {
                out.u32(stop.station);
                out.u8(u8::from(stop.board) | (u8::from(stop.alight) << 1));
            }
            out.len(pattern.services.len());
            pattern.services.iter().for_each(|s| out.u32(*s));
            out.len(pattern.times.len());
            for [arrive, depart] in &pattern.times {
                out.u32(*arrive);
                out.u32(*depart);
            }
            let mode = pattern
                .mode
                .and_then(|m| MODES.iter().position(|x| *x == m));
            out.u8(mode.map_or(0, |m| m as u8 + 1));
        }
        out.len(self.services.len());
        for service in &self.services {
            match service.weekly {
                Some((days, first, last)) => {
                    out.u8(1);
                    out.u8(days);
                    out.date(first);
                    out.date(last);
                }
                None => out.u8(0),
            }
            let mut exceptions: Vec<(&Date, &bool)> = service.exceptions.iter().collect();
            exceptions.sort();
            out.len(exceptions.len());
            for (date, runs) in exceptions {
                out.date(*date);
                out.u8(u8::from(*runs));
            }
        }
        let checksum = crc32fast::hash(&out.0);
        out.u32(checksum);
        let failed = |error: String| GtfsError::new(path, format!("cannot be written: {error}"));
        let mut file = crate::staged::StagedFile::new(path).map_err(|e| failed(e.to_string()))?;
        file.file()
            .write_all(&out.0)
            .map_err(|e| failed(e.to_string()))?;
        file.commit().map_err(|e| failed(e.to_string()))
    }

    /// Whether `bytes` begin as a kept timetable does.
    pub(crate) fn is_kept(bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC)
    }

    /// The timetable kept in `bytes` (the whole file), checked; an error names what is
    /// wrong.
    pub(crate) fn from_kept(path: &Path, bytes: &[u8]) -> Result<Timetable, GtfsError> {
        Timetable::read_kept(bytes).map_err(|problem| {
            GtfsError::new(
                path,
                format!("is not a timetable this version can read: it {problem}"),
            )
        })
    }

    fn read_kept(bytes: &[u8]) -> Result<Timetable, String> {
        if bytes.len() < MAGIC.len() + 8 || !bytes.starts_with(MAGIC) {
            return Err("does not begin as a kept timetable".into());
        }
        let (body, tail) = bytes.split_at(bytes.len() - 4);
        let mut input = In {
            bytes: body,
            at: MAGIC.len(),
        };
        let version = input.u32()?;
        if version != VERSION {
            return Err(format!(
                "is of format version {version}, and this version reads {VERSION}: keep the feed again"
            ));
        }
        let expected = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
        if crc32fast::hash(body) != expected {
            return Err("fails its checksum: the file is damaged".into());
        }
        let zone_name = input.text()?;
        let zone = crate::hours::time_zone(&zone_name)
            .map_err(|e| format!("names time zone {zone_name:?}, which is not known: {e}"))?;
        let trips = input.u64()? as usize;
        let count = input.len(32)?;
        let mut stations = Vec::with_capacity(count);
        for _ in 0..count {
            let (id, name) = (input.text()?, input.text()?);
            let (lat, lon) = (input.f64()?, input.f64()?);
            let point = LatLon::new(lat, lon)
                .map_err(|e| format!("has station {id:?} at a place that is not one: {e}"))?;
            stations.push(Station { id, name, point });
        }
        let station = |number: u32| -> Result<u32, String> {
            match (number as usize) < count {
                true => Ok(number),
                false => Err(format!("names station {number} of {count}")),
            }
        };
        let mut change_s = Vec::with_capacity(count);
        let mut transfers = Vec::with_capacity(count);
        for _ in 0..count {
            change_s.push(input.u32()?);
            let n = input.len(8)?;
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                out.push((station(input.u32()?)?, input.u32()?));
            }
            transfers.push(out);
        }
        let n = input.len(25)?;
        let mut patterns = Vec::with_capacity(n);
        for _ in 0..n {
            let n = input.len(5)?;
            let mut stops = Vec::with_capacity(n);
            for _ in 0..n {
                let number = station(input.u32()?)?;
                let flags = input.u8()?;
                stops.push(PatternStop {
                    station: number,
                    board: flags & 1 != 0,
                    alight: flags & 2 != 0,
                });
            }
            let n = input.len(4)?;
            let mut services = Vec::with_capacity(n);
            for _ in 0..n {
                services.push(input.u32()?);
            }
            let n = input.len(8)?;
            let mut times = Vec::with_capacity(n);
            for _ in 0..n {
                times.push([input.u32()?, input.u32()?]);
            }
            if stops.is_empty() || times.len() != stops.len() * services.len() {
                return Err(format!(
                    "has a pattern of {} stops and {} trips with {} times",
                    stops.len(),
                    services.len(),
                    times.len()
                ));
            }
            let mode = match input.u8()? {
                0 => None,
                m => Some(
                    *MODES
                        .get(m as usize - 1)
                        .ok_or_else(|| format!("has a mode numbered {m}"))?,
                ),
            };
            patterns.push(Pattern {
                stops,
                services,
                times,
                mode,
            });
        }
        let n = input.len(1)?;
        let mut services = Vec::with_capacity(n);
        for _ in 0..n {
            let weekly = match input.u8()? {
                0 => None,
                _ => Some((input.u8()?, input.date()?, input.date()?)),
            };
            let n = input.len(5)?;
            let mut exceptions = HashMap::with_capacity(n);
            for _ in 0..n {
                exceptions.insert(input.date()?, input.u8()? != 0);
            }
            services.push(Service { weekly, exceptions });
        }
        let known = services.len();
        if let Some(bad) = patterns
            .iter()
            .flat_map(|p| &p.services)
            .find(|s| **s as usize >= known)
        {
            return Err(format!("names service {bad} of {known}"));
        }
        if input.at != body.len() {
            return Err(format!("has {} bytes past its end", body.len() - input.at));
        }
        Ok(Timetable {
            zone,
            zone_name,
            stations,
            change_s,
            transfers,
            patterns,
            services,
            trips,
        })
    }
}
