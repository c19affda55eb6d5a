//! Accounting for every row of a load, whatever the format.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::{LoadOptions, LoadReport, Loaded, Mode, Repair, StoreLoaded};
use crate::store::{Builder, FacilityStore, Repeat};

/// Where a row's id came from, which decides what a repeated id means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdSource {
    /// The file gives ids: a repeat is two facilities under one id, an error.
    Given,
    /// The id was derived from the name, address, phone and point, and the row's whole
    /// content hashes to this: a repeat with the same content is the same facility listed
    /// twice, a duplicate row that is reported and skipped, never fatal; a repeat with
    /// other content is another program at the same place, and gets the id with `-2`
    /// (`-3`...) appended.
    Derived { content: u64 },
}

/// Accounts for every parsed row in input order: finds repeated ids, and either stops at
/// the first bad row (strict) or reports it (lenient).
pub(crate) struct Tally<'a> {
    source: &'a str,
    mode: Mode,
    report: LoadReport,
    sink: Sink,
    /// Each id loaded so far, by a hash of it: the line it was first on and where it went
    /// in the sink (where the id itself is, to tell a repeat from a collision).
    first_of_id: HashMap<u64, (u64, u32), BuildHasherDefault<Prehashed>>,
    /// The ids whose hash an earlier, different id already has (expected never).
    first_line_of_collided_id: HashMap<String, u64>,
    content_of_id: HashMap<String, u64>,
    unknown_labels: HashMap<String, u64>,
    /// The line of each facility in a store sink, in the order stored: a store's ids are
    /// checked when it is finished (`Builder::finish_sorted`), and these name the lines.
    stored_lines: Vec<u64>,
    /// Builders parsing threads filled and this tally has copied from, emptied, for the
    /// threads to fill again (see [`Builder::clear`]).
    spare_parts: Vec<Builder>,
}

/// Where loaded facilities go: into records, or straight into a store's columns (each
/// facility dropped as soon as it is stored, so a large load never holds them all).
enum Sink {
    Records(Vec<Facility>),
    Store(Box<Builder>),
}

impl Sink {
    fn len(&self) -> usize {
        match self {
            Sink::Records(facilities) => facilities.len(),
            Sink::Store(builder) => builder.len(),
        }
    }

    fn id(&self, at: u32) -> &[u8] {
        match self {
            Sink::Records(facilities) => facilities
                .get(at as usize)
                .map_or(&[][..], |f| f.id.as_bytes()),
            Sink::Store(builder) => builder.id(at),
        }
    }
}

impl<'a> Tally<'a> {
    pub(crate) fn new(
        source: &'a str,
        options: &LoadOptions,
        ignored_columns: Vec<String>,
    ) -> Self {
        Tally {
            source,
            mode: options.mode,
            report: LoadReport {
                source: source.to_string(),
                ignored_columns,
                ..LoadReport::default()
            },
            sink: Sink::Records(Vec::new()),
            first_of_id: HashMap::default(),
            first_line_of_collided_id: HashMap::new(),
            content_of_id: HashMap::new(),
            unknown_labels: HashMap::new(),
            stored_lines: Vec::new(),
            spare_parts: Vec::new(),
        }
    }

    /// What the input is called in errors and in the report.
    pub(crate) fn source(&self) -> &'a str {
        self.source
    }

    /// Names the input's columns that the load ignores, for the report.
    pub(crate) fn ignore_columns(&mut self, columns: Vec<String>) {
        self.report.ignored_columns = columns;
    }

    /// A tally that stores what it loads in a [`FacilityStore`], for [`Tally::finish_store`].
    pub(crate) fn into_store(mut self) -> Self {
        self.sink = Sink::Store(Box::default());
        self
    }

    /// Accounts for one row whose id the file gave.
    pub(crate) fn take(
        &mut self,
        line: u64,
        parsed: Result<Facility, RowError>,
    ) -> Result<(), Error> {
        self.take_from(line, parsed, IdSource::Given)
    }

    /// Accounts for one row.
    pub(crate) fn take_from(
        &mut self,
        line: u64,
        parsed: Result<Facility, RowError>,
        ids: IdSource,
    ) -> Result<(), Error> {
        self.report.read += 1;
        if let (IdSource::Given, Sink::Store(builder)) = (ids, &mut self.sink) {
            return match parsed {
                Ok(facility) => {
                    builder.push(facility.view())?;
                    self.stored(&[line]);
                    Ok(())
                }
                Err(row) => self.reject(row),
            };
        }
        let checked = parsed.and_then(|mut facility| {
            if let IdSource::Derived { content } = ids {
                self.disambiguate(&mut facility, content);
            }
            match self.first_line_of(&facility.id, line) {
                Some(first_line) => Err(RowError {
                    line,
                    column: Some("id".into()),
                    value: facility.id,
                    problem: match ids {
                        IdSource::Given => Problem::DuplicateId { first_line },
                        IdSource::Derived { .. } => Problem::DuplicateRow { first_line },
                    },
                }),
                None => Ok(facility),
            }
        });
        match checked {
            Ok(facility) => {
                match &mut self.sink {
                    Sink::Records(facilities) => facilities.push(facility),
                    Sink::Store(builder) => builder.push(facility.view())?,
                }
                self.report.loaded += 1;
                Ok(())
            }
            Err(row) => self.reject(row),
        }
    }

    /// Accounts for rows whose ids the file gave and that a parsing thread already stored,
    /// one after another, as facilities `first..` of `part`, each row's line in `lines`:
    /// copied into this tally's store as one run. (Parsing into a store on each thread
    /// leaves this thread a copy of each column, not the building of records and their
    /// freeing, nor a copy a row.)
    pub(crate) fn take_stored(
        &mut self,
        lines: &[u64],
        part: &Builder,
        first: u32,
    ) -> Result<(), Error> {
        let Sink::Store(builder) = &mut self.sink else {
            // Records are checked as they come: each row goes through `take` as a record.
            return (first..).zip(lines).try_for_each(|(at, line)| {
                let mut one = Builder::default();
                one.append_from(part, at..at + 1)?;
                one.into_facilities()
                    .into_iter()
                    .try_for_each(|facility| self.take(*line, Ok(facility)))
            });
        };
        let count = lines.len() as u32;
        builder.append_from(part, first..first.saturating_add(count))?;
        self.report.read += u64::from(count);
        self.stored(lines);
        Ok(())
    }

    /// Notes that the store sink's next facilities came from `lines`; their ids are checked
    /// when the store is finished.
    fn stored(&mut self, lines: &[u64]) {
        self.stored_lines.extend_from_slice(lines);
        self.report.loaded += lines.len() as u64;
    }

    /// The rows a store sink holds under an id that an earlier row has, as rejections, in
    /// line order.
    fn repeated_rows(&self, repeats: Vec<Repeat>) -> Vec<RowError> {
        let line = |position: u32| self.stored_lines.get(position as usize).copied();
        let mut rows: Vec<RowError> = repeats
            .into_iter()
            .map(|repeat| RowError {
                line: line(repeat.position).unwrap_or_default(),
                column: Some("id".into()),
                value: repeat.id,
                problem: Problem::DuplicateId {
                    first_line: line(repeat.first).unwrap_or_default(),
                },
            })
            .collect();
        rows.sort_by_key(|row| row.line);
        rows
    }

    /// Takes rows that repeat an earlier id (from [`Tally::repeated_rows`]) off the rows
    /// loaded, and reports them.
    fn report_repeats(&mut self, repeated: Vec<RowError>) {
        self.report.loaded -= repeated.len() as u64;
        self.report.rejected.extend(repeated);
        // Stable: a line has one rejection at most, so this is the input's order.
        self.report.rejected.sort_by_key(|row| row.line);
    }

    /// Reports a row that is not loaded, or stops at it: at the first bad row of the
    /// input, which may be a repeated id in the store sink that is not checked yet.
    fn reject(&mut self, row: RowError) -> Result<(), Error> {
        if self.mode == Mode::Lenient || is_duplicate_row(&row) {
            self.report.rejected.push(row);
            return Ok(());
        }
        let repeated = match &self.sink {
            Sink::Store(builder) => self.repeated_rows(builder.repeats()).into_iter().next(),
            Sink::Records(_) => None,
        };
        let row = repeated
            .filter(|repeated| repeated.line < row.line)
            .unwrap_or(row);
        Err(Error::Row {
            file: self.source.to_string(),
            row,
        })
    }

    /// A builder for a parsing thread to store rows in for [`Tally::take_stored`]: one
    /// given back with [`Tally::give_back`] when there is one.
    pub(crate) fn part_builder(&mut self) -> Box<Builder> {
        Box::new(self.spare_parts.pop().unwrap_or_default())
    }

    /// Takes back a builder of [`Tally::part_builder`] whose rows are accounted for.
    pub(crate) fn give_back(&mut self, mut part: Box<Builder>) {
        part.clear();
        self.spare_parts.push(*part);
    }

    /// Whether loaded facilities go into a store, so that parsing threads may store
    /// rows for [`Tally::take_stored`].
    pub(crate) fn stores(&self) -> bool {
        matches!(self.sink, Sink::Store(_))
    }

    /// The line `id` was first loaded from, or `None` when it is new, in which case it is
    /// noted as loaded from `line` (the caller then loads it, as the sink's next facility).
    fn first_line_of(&mut self, id: &str, line: u64) -> Option<u64> {
        let next = u32::try_from(self.sink.len()).unwrap_or(u32::MAX);
        match self.first_of_id.entry(id_hash(id.as_bytes())) {
            Entry::Vacant(vacant) => {
                vacant.insert((line, next));
                None
            }
            Entry::Occupied(first) if self.sink.id(first.get().1) == id.as_bytes() => {
                Some(first.get().0)
            }
            Entry::Occupied(_) => match self.first_line_of_collided_id.get(id) {
                Some(first_line) => Some(*first_line),
                None => {
                    self.first_line_of_collided_id.insert(id.to_string(), line);
                    None
                }
            },
        }
    }

    /// Gives a derived id that another row with other content already has the first free
    /// `-N` suffix; leaves it when the content is the same, so the row is a duplicate.
    fn disambiguate(&mut self, facility: &mut Facility, content: u64) {
        let base = facility.id.clone();
        for n in 2.. {
            match self.content_of_id.get(&facility.id) {
                None => {
                    self.content_of_id.insert(facility.id.clone(), content);
                    return;
                }
                Some(&seen) if seen == content => return,
                Some(_) => facility.id = format!("{base}-{n}"),
            }
        }
    }

    /// Counts labels that no table knows.
    pub(crate) fn unknown_labels(&mut self, labels: Vec<String>) {
        for label in labels {
            *self.unknown_labels.entry(label).or_default() += 1;
        }
    }

    /// Counts `rows` more rows placed `how`.
    pub(crate) fn placed(&mut self, how: &str, rows: u64) {
        match self
            .report
            .placed
            .iter_mut()
            .find(|(known, _)| known == how)
        {
            Some((_, count)) => *count += rows,
            None => self.report.placed.push((how.to_string(), rows)),
        }
    }

    /// Notes a field that was repaired rather than rejected.
    pub(crate) fn repaired(&mut self, repair: Repair) {
        self.report.repairs.push(repair);
    }

    /// Rows loaded so far.
    pub(crate) fn loaded(&self) -> u64 {
        self.report.loaded
    }

    /// The facilities loaded, in input order, and the report.
    ///
    /// (A store sink is meant for [`Tally::finish_store`], which stops a strict load at a
    /// repeated id; here its repeats are left out and reported, whatever the mode.)
    pub(crate) fn finish(mut self) -> Loaded {
        let sink = std::mem::replace(&mut self.sink, Sink::Records(Vec::new()));
        let facilities = match sink {
            Sink::Records(facilities) => facilities,
            Sink::Store(builder) => {
                let repeats = builder.repeats();
                let mut repeated = vec![false; builder.len()];
                for repeat in &repeats {
                    repeated[repeat.position as usize] = true;
                }
                self.report_repeats(self.repeated_rows(repeats));
                let facilities = (*builder).into_facilities().into_iter();
                facilities
                    .zip(repeated)
                    .filter_map(|(facility, repeated)| (!repeated).then_some(facility))
                    .collect()
            }
        };
        let report = self.take_report();
        Loaded { facilities, report }
    }

    /// The facilities loaded, stored (sorted by id), and the report.
    pub(crate) fn finish_store(mut self) -> Result<StoreLoaded, Error> {
        let sink = std::mem::replace(&mut self.sink, Sink::Records(Vec::new()));
        let store = match sink {
            Sink::Records(facilities) => FacilityStore::new(facilities)?,
            Sink::Store(builder) => {
                let (store, repeats) = (*builder).finish_sorted()?;
                let repeated = self.repeated_rows(repeats);
                if let Some(row) = repeated.first().filter(|_| self.mode == Mode::Strict) {
                    let (file, row) = (self.source.to_string(), row.clone());
                    return Err(Error::Row { file, row });
                }
                self.report_repeats(repeated);
                store
            }
        };
        let report = self.take_report();
        Ok(StoreLoaded { store, report })
    }

    fn take_report(&mut self) -> LoadReport {
        let mut unknown: Vec<(String, u64)> = std::mem::take(&mut self.unknown_labels)
            .into_iter()
            .collect();
        unknown.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        self.report.unknown_labels = unknown;
        std::mem::take(&mut self.report)
    }
}

/// A 64-bit hash of an id, eight bytes at a time (ids are short and many; SipHash cost a
/// tenth of a million-row load), its bits mixed so that a hash table can use any of them.
fn id_hash(id: &[u8]) -> u64 {
    let mut hash = id.len() as u64;
    for chunk in id.chunks(8) {
        let mut word = [0; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    // splitmix64's finalizer.
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// A `Hasher` for keys that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8) | u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn is_duplicate_row(row: &RowError) -> bool {
    matches!(row.problem, Problem::DuplicateRow { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sphere::LatLon;

    /// Rows stored by a parsing thread: "a", "b", "a", "c", "b", on lines 2 to 6.
    fn part() -> Builder {
        let mut part = Builder::default();
        for id in ["a", "b", "a", "c", "b"] {
            let facility = Facility::new(id, id, LatLon::new(1.0, 2.0).unwrap());
            part.push(facility.view()).unwrap();
        }
        part
    }

    fn take_all(tally: &mut Tally<'_>, part: &Builder) -> Result<(), Error> {
        (0..5).try_for_each(|at| tally.take_stored(&[at as u64 + 2], part, at))
    }

    #[test]
    fn stored_rows_repeating_an_id_are_reported_whatever_the_sink() {
        let part = part();
        let lenient = LoadOptions::lenient();
        let repeats = |report: &LoadReport| -> Vec<(u64, u64)> {
            let first_line = |row: &RowError| match row.problem {
                Problem::DuplicateId { first_line } => first_line,
                _ => 0,
            };
            report
                .rejected
                .iter()
                .map(|row| (row.line, first_line(row)))
                .collect()
        };
        let mut records = Tally::new("in", &lenient, Vec::new());
        take_all(&mut records, &part).unwrap();
        let loaded = records.finish();
        let ids: Vec<&str> = loaded.facilities.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(repeats(&loaded.report), [(4, 2), (6, 3)]);

        let mut stored = Tally::new("in", &lenient, Vec::new()).into_store();
        take_all(&mut stored, &part).unwrap();
        let loaded = stored.finish_store().unwrap();
        assert_eq!(loaded.store.len(), 3);
        assert_eq!((loaded.report.read, loaded.report.loaded), (5, 3));
        assert_eq!(repeats(&loaded.report), [(4, 2), (6, 3)]);

        let mut unfinished = Tally::new("in", &lenient, Vec::new()).into_store();
        take_all(&mut unfinished, &part).unwrap();
        let loaded = unfinished.finish();
        assert_eq!(loaded.facilities.len(), 3);
        assert_eq!(repeats(&loaded.report), [(4, 2), (6, 3)]);
    }

    #[test]
    fn a_strict_load_into_a_store_stops_at_the_first_repeat() {
        let part = part();
        let strict = LoadOptions::strict();
        let mut stored = Tally::new("in", &strict, Vec::new()).into_store();
        take_all(&mut stored, &part).unwrap();
        let error = stored.finish_store().unwrap_err();
        assert_eq!(error.line(), Some(4), "{error}");
        // A bad row after a repeat stops the load at the repeat.
        let mut stored = Tally::new("in", &strict, Vec::new()).into_store();
        take_all(&mut stored, &part).unwrap();
        let bad = RowError {
            line: 7,
            column: Some("lat".into()),
            value: "95".into(),
            problem: Problem::InvalidUtf8,
        };
        let error = stored.take(7, Err(bad)).unwrap_err();
        assert_eq!(error.line(), Some(4), "{error}");
    }
}
