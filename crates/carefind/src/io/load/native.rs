//! The native carefind CSV format (see datasets/README.md).
//!
//! UTF-8 (a byte-order mark is skipped), a header row, columns in any order. Required:
//! `id,name,lat,lon,care`; optional: the rest of [`COLUMNS`]; others are ignored and named
//! in the report. Fields are trimmed. List fields are separated by `;` and take canonical
//! names, FindTreatment codes, labels, aliases or groups.

use super::cuts::{
    Cuts, PARALLEL_CHUNK, ends_record_at, quote_cuts, quote_end, record_cuts, record_ends,
};
use std::io::{self, Read as _};
use std::path::Path;

use csv::{ByteRecord, StringRecord};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::fields::Column;
use crate::load::guard::{
    InputProblem, MAX_COLUMNS, MAX_HEADER_BYTES, MAX_RECORD_BYTES, newlines, nul_line,
    problem_at_start,
};
use crate::load::records::{open, read_record, reader_builder};
use crate::load::tally::Tally;
use crate::load::{LoadOptions, Loaded, StoreLoaded};
use crate::set::Set;
use crate::sphere::LatLon;
use crate::store::Builder;
use crate::vocabulary::Term;

/// Every column of the format, in the order the writer uses.
///
/// ```
/// use carefind::load::native::{COLUMNS, REQUIRED};
///
/// assert!(REQUIRED.iter().all(|column| COLUMNS.contains(column)));
/// ```
pub const COLUMNS: [&str; 34] = crate::fields::NAMES;

/// The columns a file must have.
///
/// ```
/// use carefind::load::native::REQUIRED;
///
/// assert_eq!(REQUIRED.join(","), "id,name,lat,lon,care");
/// ```
pub const REQUIRED: [&str; 5] = ["id", "name", "lat", "lon", "care"];

/// Loads a native CSV file.
///
/// ```no_run
/// use carefind::load::{self, LoadOptions};
///
/// let loaded = load::native::from_path("facilities.csv", &LoadOptions::strict())?;
/// println!("{}", loaded.report);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Loaded, Error> {
    let (reader, source) = open(path.as_ref())?;
    from_reader(reader, &source, options)
}

/// Loads native CSV from any reader; `source` names it in errors and in the report.
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "\u{feff}id,lat,lon,name,care\r\nf1,40.7,-74.0,\"Hope, Inc.\",iop;otp\r\n";
/// let loaded = load::native::from_reader(csv.as_bytes(), "upload", &LoadOptions::strict()).unwrap();
/// assert_eq!(loaded.facilities[0].name, "Hope, Inc.");
/// assert_eq!(loaded.facilities[0].care.len(), 2);
/// ```
pub fn from_reader(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    let tally = Tally::new(source, options, Vec::new());
    Ok(load_blocks(reader, source, tally, threads(), BLOCK)?.finish())
}

/// Loads a native CSV file straight into a [`FacilityStore`](crate::FacilityStore): what
/// [`from_path`] reads, accounted for alike, but each facility is stored in the columns as
/// soon as it is parsed, so a large file never exists as records (about a third of the
/// memory, and faster).
///
/// ```no_run
/// use carefind::Index;
/// use carefind::load::{self, LoadOptions};
///
/// let loaded = load::native::store_from_path("facilities.csv", &LoadOptions::strict())?;
/// let index = Index::from_store(loaded.store);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn store_from_path(
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<StoreLoaded, Error> {
    let (reader, source) = open(path.as_ref())?;
    store_from_reader(reader, &source, options)
}

/// [`store_from_path`] from any reader; `source` names it in errors and in the report.
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "id,name,lat,lon,care\nb,B,3,4,\"detox;otp\"\na,A,1,2,iop\n";
/// let loaded = load::native::store_from_reader(csv.as_bytes(), "upload", &LoadOptions::strict())?;
/// assert_eq!(loaded.store.get(0).unwrap().name(), "A");
/// assert_eq!(loaded.report.loaded, 2);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn store_from_reader(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
) -> Result<StoreLoaded, Error> {
    let tally = Tally::new(source, options, Vec::new()).into_store();
    load_blocks(reader, source, tally, threads(), BLOCK)?.finish_store()
}

/// The error for `problem` at `line` of `source`.
fn input_error(source: &str, line: u64, problem: InputProblem) -> Error {
    Error::Input {
        file: source.to_string(),
        line,
        problem,
    }
}

/// Checks the start of an input for what makes it unreadable as CSV text: UTF-16, a NUL
/// byte in the header, or a header that does not end within [`MAX_HEADER_BYTES`].
fn check_start(start: &[u8], source: &str) -> Result<(), Error> {
    let head = &start[..start.len().min(MAX_HEADER_BYTES + 1)];
    if let Some(problem) = problem_at_start(head) {
        return Err(input_error(source, 1, problem));
    }
    if let Some(line) = nul_line(head, 0) {
        return Err(input_error(source, line, InputProblem::NulByte));
    }
    if head.len() > MAX_HEADER_BYTES && record_ends(head, 0).next().is_none() {
        return Err(input_error(source, 1, InputProblem::HeaderTooLong));
    }
    Ok(())
}

/// Bytes `from_reader` reads at a time; each block's records are parsed on every core.
const BLOCK: usize = 8 << 20;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// [`from_reader`] in blocks of `block_size` bytes, each parsed in up to `parts` parts.
///
/// A block ends at its last record end (see `parse_block`), so a quoted field with line
/// breaks is never cut; the rest of the block starts the next one.
fn load_blocks<'a>(
    mut reader: impl io::Read,
    source: &str,
    mut tally: Tally<'a>,
    parts: usize,
    block_size: usize,
) -> Result<Tally<'a>, Error> {
    let mut block = Vec::new();
    let mut eof = fill(&mut reader, &mut block, block_size, source)?;
    // The header, read whole: more input until a record follows it or the input ends.
    let (header, mut start) = loop {
        check_start(&block, source)?;
        let mut csv = reader_builder().from_reader(&block[..]);
        let mut record = ByteRecord::new();
        let header = read_header(&mut csv, &mut record, source);
        let end = usize::try_from(csv.position().byte()).unwrap_or(block.len());
        if eof || (header.is_ok() && end < block.len()) {
            break (header?, end.min(block.len()));
        }
        eof = fill(&mut reader, &mut block, block_size, source)?;
    };
    let mut lines_before = newlines(&block[..start]);
    tally.ignore_columns(header.ignored.clone());
    loop {
        if let Some(line) = nul_line(&block[start..], lines_before) {
            return Err(input_error(source, line, InputProblem::NulByte));
        }
        let end = parse_block(&block, start, eof, parts, lines_before, &header, &mut tally)?;
        lines_before += newlines(&block[start..end]);
        if eof {
            break;
        }
        block.drain(..end);
        start = 0;
        eof = fill(&mut reader, &mut block, block_size, source)?;
    }
    Ok(tally)
}

/// Parses and accounts for the whole records of `block[start..]` (all of it when `eof`),
/// and says where they end.
///
/// The cuts are first guessed from quotes, as `load_slice` guesses them, and checked by the
/// parse, the last part's end included unless the input ends there; a wrong guess (a
/// stray quote) falls back to csv-core's exact scan, which a million-row load spent a
/// twelfth of its time in when it was the only way.
fn parse_block(
    block: &[u8],
    start: usize,
    eof: bool,
    parts: usize,
    lines_before: u64,
    header: &Header,
    tally: &mut Tally<'_>,
) -> Result<usize, Error> {
    let guessed_end = if eof {
        block.len()
    } else {
        quote_end(block, start)
    };
    // The parse takes a part that ends where its bytes do for the input's end and checks
    // no further, so a guess must not end there unless the input does.
    if guessed_end > start && (eof || guessed_end < block.len()) {
        let guess = Cuts::Guessed(quote_cuts(&block[..guessed_end], start, parts));
        if parse_parts(block, guess, lines_before, header, tally)? {
            return Ok(guessed_end);
        }
    }
    let cuts = record_cuts(block, start, parts, eof);
    let end = cuts.last().map_or(start, |cut| cut.end);
    // A record that has not ended within the limit is refused before more is read.
    if !eof && end == start && block.len() - start > MAX_RECORD_BYTES {
        let line = lines_before + 1;
        return Err(input_error(tally.source(), line, InputProblem::RowTooLong));
    }
    if end > start {
        parse_parts(block, Cuts::Exact(cuts), lines_before, header, tally)?;
    }
    Ok(end)
}

/// Reads up to `more` bytes onto the end of `block`; true when the input has ended.
fn fill<R: io::Read>(
    reader: &mut R,
    block: &mut Vec<u8>,
    more: usize,
    source: &str,
) -> Result<bool, Error> {
    let wanted = more as u64;
    let read = io::Read::take(reader, wanted)
        .read_to_end(block)
        .map_err(|error| crate::load::guard::io_error(source, error))?;
    Ok((read as u64) < wanted)
}

/// Loads native CSV held in memory, parsing on every core when it is large; the result is
/// the same as [`from_reader`]'s, rejections, lines and first error included.
///
/// The input is cut at record boundaries (found by a scan that tracks quotes, far cheaper
/// than parsing), each part is parsed on its own thread, and the rows are then accounted
/// for in input order, where duplicate ids are found.
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "id,name,lat,lon,care\na,A,1,2,iop\nb,B,3,4,\"detox;otp\"\n";
/// let loaded = load::native::from_slice(csv.as_bytes(), "memory", &LoadOptions::strict()).unwrap();
/// assert_eq!(loaded.facilities.len(), 2);
/// ```
pub fn from_slice(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<Loaded, Error> {
    let tally = Tally::new(source, options, Vec::new());
    let parts = threads().min(bytes.len() / PARALLEL_CHUNK + 1);
    Ok(load_slice(bytes, source, tally, parts)?.finish())
}

/// [`from_slice`] in at most `parts` parts.
fn load_slice<'a>(
    bytes: &[u8],
    source: &str,
    mut tally: Tally<'a>,
    parts: usize,
) -> Result<Tally<'a>, Error> {
    check_start(bytes, source)?;
    if let Some(line) = nul_line(bytes, 0) {
        return Err(input_error(source, line, InputProblem::NulByte));
    }
    let mut csv = reader_builder().from_reader(bytes);
    let mut record = ByteRecord::new();
    let header = read_header(&mut csv, &mut record, source)?;
    let data_start = usize::try_from(csv.position().byte())
        .unwrap_or(bytes.len())
        .min(bytes.len());
    tally.ignore_columns(header.ignored.clone());
    let lines_before = newlines(&bytes[..data_start]);
    // Cuts guessed from quotes cost a tenth of csv-core's scan; the parse then checks them,
    // and only a wrong guess (a stray quote, say) pays for the scan.
    let guess = quote_cuts(bytes, data_start, parts);
    let checked = Cuts::Guessed(guess);
    if !parse_parts(bytes, checked, lines_before, &header, &mut tally)? {
        let exact = Cuts::Exact(record_cuts(bytes, data_start, parts, true));
        parse_parts(bytes, exact, lines_before, &header, &mut tally)?;
    }
    Ok(tally)
}

/// Parses the records of each part on its own thread, then accounts for the rows in input
/// order, where duplicate ids are found and a strict load stops at its first bad row.
/// `lines_before` counts the lines before the first part.
///
/// Guessed cuts are checked before any row is accounted for: each part but the last must
/// end where csv-core, started at the part's last record, ends that record. Part by part,
/// from the first (which starts at a record), that proves every part starts at one. When a
/// check fails, or a part guessed fails to parse, nothing is accounted for and the result
/// is `false`.
fn parse_parts(
    bytes: &[u8],
    cuts: Cuts,
    lines_before: u64,
    header: &Header,
    tally: &mut Tally<'_>,
) -> Result<bool, Error> {
    let source = tally.source();
    let (parts, guessed) = match cuts {
        Cuts::Exact(parts) => (parts, false),
        Cuts::Guessed(parts) => (parts, true),
    };
    let Some(first) = parts.first().map(|part| part.start) else {
        return Ok(true);
    };
    // Each part's lines count from 1; add the newlines before it.
    let mut starts = Vec::with_capacity(parts.len());
    let mut lines = lines_before;
    let mut at = first;
    for part in &parts {
        lines += newlines(&bytes[at..part.start]);
        at = part.start;
        starts.push((part.clone(), lines));
    }
    // A load into a store gives each part a builder, one filled before when there is one.
    let builders: Vec<Option<Box<Builder>>> = match tally.stores() {
        true => starts.iter().map(|_| Some(tally.part_builder())).collect(),
        false => starts.iter().map(|_| None).collect(),
    };
    let parse = |((range, lines_before), builder): Parse| {
        let mut csv = reader_builder().from_reader(&bytes[range.clone()]);
        let mut record = ByteRecord::new();
        let mut rows = match builder {
            Some(builder) => Part::Stored(builder, Vec::new()),
            None => Part::Records(Vec::new()),
        };
        let mut last_start = range.start;
        // Each row is read into this one record, whose text keeps its memory from row to
        // row: allocating and freeing a record's twenty strings a row was a tenth of a
        // load into a store, which copies the record into its columns.
        let mut scratch = Facility::new("", "", LatLon::within_range(0.0, 0.0));
        while read_record(&mut csv, &mut record, source)? {
            let position = record.position();
            let line = lines_before + position.map_or(0, |position| position.line());
            if record.as_slice().len() > MAX_RECORD_BYTES {
                return Err(input_error(source, line, InputProblem::RowTooLong));
            }
            last_start = range.start + position.map_or(0, |position| position.byte() as usize);
            let parsed = header.read(&mut record, line, &mut scratch);
            match &mut rows {
                Part::Records(rows) => rows.push((line, parsed.map(|()| scratch.clone()))),
                Part::Stored(builder, rows) => {
                    let stored = match parsed {
                        Ok(()) => {
                            builder.push(scratch.view())?;
                            Ok(builder.len() as u32 - 1)
                        }
                        Err(row) => Err(row),
                    };
                    rows.push((line, stored));
                }
            }
        }
        let holds =
            !guessed || range.end == bytes.len() || ends_record_at(bytes, last_start, range.end);
        Ok::<_, Error>((rows, holds))
    };
    let parsed: Vec<Result<(Part, bool), Error>> = if starts.len() > 1 {
        starts.into_par_iter().zip(builders).map(parse).collect()
    } else {
        starts.into_iter().zip(builders).map(parse).collect()
    };
    if guessed
        && !parsed
            .iter()
            .all(|part| part.as_ref().is_ok_and(|(_, holds)| *holds))
    {
        return Ok(false);
    }
    for part in parsed {
        match part?.0 {
            Part::Records(rows) => {
                for (line, row) in rows {
                    tally.take(line, row)?;
                }
            }
            Part::Stored(builder, rows) => {
                // The rows stored one after another go in as one run.
                let (mut run, mut first) = (Vec::new(), 0);
                for (line, row) in rows {
                    match row {
                        Ok(at) => {
                            if run.is_empty() {
                                first = at;
                            }
                            run.push(line);
                        }
                        Err(row) => {
                            tally.take_stored(&run, &builder, first)?;
                            run.clear();
                            tally.take(line, Err(row))?;
                        }
                    }
                }
                tally.take_stored(&run, &builder, first)?;
                tally.give_back(builder);
            }
        }
    }
    Ok(true)
}

/// A part to parse: its bytes, the lines before it, and the builder to store its rows in
/// (none when the load makes records).
type Parse = ((std::ops::Range<usize>, u64), Option<Box<Builder>>);

/// What a part's rows parsed to, before duplicate ids are checked: each data row's line,
/// and its facility or why it has none. A load into a store has each thread store its
/// part's facilities as it parses them, and names each by its place in that store.
enum Part {
    Records(Vec<(u64, Result<Facility, RowError>)>),
    Stored(Box<Builder>, Vec<(u64, Result<u32, RowError>)>),
}

fn read_header<R: io::Read>(
    csv: &mut csv::Reader<R>,
    record: &mut ByteRecord,
    source: &str,
) -> Result<Header, Error> {
    if !read_record(csv, record, source)? {
        return Err(Error::EmptyFile {
            file: source.to_string(),
        });
    }
    Header::parse(record, source)
}

/// Where each known column sits in the file.
struct Header {
    positions: [Option<usize>; COLUMNS.len()],
    names: Vec<String>,
    ignored: Vec<String>,
}

impl Header {
    fn parse(record: &ByteRecord, source: &str) -> Result<Header, Error> {
        if record.len() > MAX_COLUMNS {
            return Err(input_error(source, 1, InputProblem::TooManyColumns));
        }
        let mut names = Vec::with_capacity(record.len());
        // csv-core has already skipped a UTF-8 byte-order mark.
        for raw in record.iter() {
            let name = std::str::from_utf8(raw).map_err(|_| Error::Row {
                file: source.to_string(),
                row: RowError {
                    line: 1,
                    column: None,
                    value: String::from_utf8_lossy(raw).into_owned(),
                    problem: Problem::InvalidUtf8,
                },
            })?;
            names.push(name.trim().to_ascii_lowercase());
        }
        let mut positions = [None; COLUMNS.len()];
        let mut ignored = Vec::new();
        let mut seen = std::collections::HashSet::with_capacity(names.len());
        for name in &names {
            if !seen.insert(name.as_str()) {
                return Err(Error::DuplicateColumn {
                    file: source.to_string(),
                    column: crate::load::excerpt(name, crate::error::QUOTED_BYTES),
                });
            }
        }
        for (i, name) in names.iter().enumerate() {
            match COLUMNS.iter().position(|column| column == name) {
                Some(column) => positions[column] = Some(i),
                None => ignored.push(name.clone()),
            }
        }
        if let Some(missing) = REQUIRED.iter().find(|r| !names.iter().any(|n| n == *r)) {
            return Err(Error::MissingColumn {
                file: source.to_string(),
                column: missing,
                found: crate::error::shown_header(&names),
            });
        }
        Ok(Header {
            positions,
            names,
            ignored,
        })
    }

    /// Parses a data row into `facility` (every field of it), checking its UTF-8 once for
    /// the whole record (per field, a tenth of the load went into the checks); `record`
    /// gets its buffer back for the next row.
    fn read(
        &self,
        record: &mut ByteRecord,
        line: u64,
        facility: &mut Facility,
    ) -> Result<(), RowError> {
        match StringRecord::from_byte_record(std::mem::take(record)) {
            Ok(text) => {
                let parsed = self.facility(&text, line, facility);
                *record = text.into_byte_record();
                parsed
            }
            Err(error) => {
                *record = error.into_byte_record();
                Err(self.invalid_utf8(record, line))
            }
        }
    }

    /// Names the first field that is not UTF-8.
    fn invalid_utf8(&self, record: &ByteRecord, line: u64) -> RowError {
        let bad = record
            .iter()
            .enumerate()
            .find(|(_, raw)| std::str::from_utf8(raw).is_err());
        RowError {
            line,
            column: bad.and_then(|(i, _)| self.names.get(i).cloned()),
            value: bad
                .map(|(_, raw)| String::from_utf8_lossy(raw).trim().to_string())
                .unwrap_or_default(),
            problem: Problem::InvalidUtf8,
        }
    }

    fn facility(
        &self,
        record: &StringRecord,
        line: u64,
        facility: &mut Facility,
    ) -> Result<(), RowError> {
        // One search of the whole record rules out a line end in any field (searching
        // field by field was a call a field, a twentieth of a load).
        let fields = record.iter().map(str::as_bytes);
        let runaway = match record.as_slice().contains('\n') {
            true => super::guard::runaway_quote(fields, self.names.len(), b','),
            false => None,
        };
        if let Some((at, swallowed)) = runaway {
            return Err(RowError {
                line,
                column: self.names.get(at).cloned(),
                value: crate::error::excerpt(&record[at], 60),
                problem: Problem::RunawayQuote {
                    last_line: line + swallowed,
                    swallowed,
                },
            });
        }
        if record.len() != self.names.len() {
            return Err(RowError {
                line,
                column: None,
                value: String::new(),
                problem: Problem::FieldCount {
                    expected: self.names.len(),
                    found: record.len(),
                },
            });
        }
        let row = Row {
            header: self,
            record,
            line,
        };
        facility.location = row.location()?;
        set(&mut facility.id, row.required(Column::Id.at())?);
        set(&mut facility.name, row.required(Column::Name.at())?);
        for (column, field) in [
            (Column::Name2.at(), &mut facility.name2),
            (Column::Street.at(), &mut facility.street),
            (Column::City.at(), &mut facility.city),
            (Column::State.at(), &mut facility.state),
            (Column::Zip.at(), &mut facility.zip),
            (Column::Phone.at(), &mut facility.phone),
            (Column::IntakePhone.at(), &mut facility.intake_phone),
            (Column::Website.at(), &mut facility.website),
        ] {
            set(field, row.text(column));
        }
        // Empty when the source names no level (an HSDS directory of services): such a
        // facility is found by place and every other filter, never by a level filter.
        facility.care = row.list(Column::Care.at())?;
        facility.payment = row.list(Column::Payment.at())?;
        facility.ages = row.list(Column::Ages.at())?;
        facility.populations = row.list(Column::Populations.at())?;
        facility.languages = row.list(Column::Languages.at())?;
        facility.medications = row.list(Column::Medications.at())?;
        let services = row.text(Column::Services.at()).split(';');
        let services = services
            .map(crate::vocabulary::trim)
            .filter(|service| !service.is_empty());
        let mut count = 0;
        for service in services {
            match facility.services.get_mut(count) {
                Some(kept) => set(kept, service),
                None => facility.services.push(service.to_string()),
            }
            count += 1;
        }
        facility.services.truncate(count);
        facility.kinds = row.list(Column::Kinds.at())?;
        facility.mh_types = row.list(Column::MhTypes.at())?;
        facility.credentials = row.list(Column::Credentials.at())?;
        facility.precision = row
            .text(Column::Precision.at())
            .parse()
            .map_err(|error| row.error(Column::Precision.at(), Problem::Precision(error)))?;
        facility.status = row
            .text(Column::Status.at())
            .parse()
            .map_err(|error| row.error(Column::Status.at(), Problem::Status(error)))?;
        facility.verified = match row.text(Column::Verified.at()) {
            "" => None,
            text => Some(
                crate::status::parse_date(text)
                    .ok_or_else(|| row.error(Column::Verified.at(), Problem::Date))?,
            ),
        };
        for (column, field) in [
            (Column::Source.at(), &mut facility.source),
            (Column::Hours.at(), &mut facility.hours),
            (Column::LevelHours.at(), &mut facility.level_hours),
            (Column::Hsds.at(), &mut facility.hsds),
            (Column::Timezone.at(), &mut facility.timezone),
            (Column::WalkIn.at(), &mut facility.walk_in),
        ] {
            set(field, row.text(column));
        }
        facility.same_day_medication = row.flag(Column::SameDayMedication.at())?;
        facility.counseling_required = row.flag(Column::CounselingRequired.at())?;
        facility.telehealth_intake = row.flag(Column::TelehealthIntake.at())?;
        crate::hsds::check_kept(&facility.hsds)
            .map_err(|problem| row.error(Column::Hsds.at(), problem))?;
        crate::hours::check(facility).map_err(|(name, problem)| {
            let column = COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
            row.error(column, problem)
        })?;
        Ok(())
    }
}

/// Sets `field` to `text` in the memory it has.
fn set(field: &mut String, text: &str) {
    field.clear();
    field.push_str(text);
}

/// One data row, read through the header.
struct Row<'a> {
    header: &'a Header,
    record: &'a StringRecord,
    line: u64,
}

impl Row<'_> {
    fn error(&self, column: usize, problem: Problem) -> RowError {
        RowError {
            line: self.line,
            column: Some(COLUMNS[column].to_string()),
            value: self.text(column).to_string(),
            problem,
        }
    }

    /// The trimmed text of a column, empty when the file lacks it.
    fn text(&self, column: usize) -> &str {
        self.header.positions[column]
            .and_then(|position| self.record.get(position))
            .map(crate::vocabulary::trim)
            .unwrap_or_default()
    }

    fn required(&self, column: usize) -> Result<&str, RowError> {
        match self.text(column) {
            "" => Err(self.error(column, Problem::Empty)),
            text => Ok(text),
        }
    }

    fn number(&self, column: usize) -> Result<f64, RowError> {
        self.required(column)?
            .parse()
            .map_err(|_| self.error(column, Problem::NotANumber))
    }

    fn location(&self) -> Result<LatLon, RowError> {
        let (lat, lon) = (
            self.number(Column::Lat.at())?,
            self.number(Column::Lon.at())?,
        );
        LatLon::new(lat, lon).map_err(|error| {
            let column = match error {
                crate::error::CoordinateError::Latitude(_) => Column::Lat.at(),
                crate::error::CoordinateError::Longitude(_) => Column::Lon.at(),
            };
            self.error(column, Problem::Coordinate(error))
        })
    }

    /// A yes/no field: empty is unknown.
    fn flag(&self, column: usize) -> Result<Option<bool>, RowError> {
        match self.text(column) {
            "" => Ok(None),
            text => crate::hours::yes_no(text)
                .map(Some)
                .ok_or_else(|| self.error(column, Problem::YesNo)),
        }
    }

    fn list<T: Term>(&self, column: usize) -> Result<Set<T>, RowError> {
        Set::parse_list(self.text(column))
            .map_err(|error| self.error(column, Problem::Unknown(Box::new(error))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadReport;
    use proptest::prelude::*;

    /// Rows good and bad: quoted fields with commas, quotes and line breaks, CRLF, repeated
    /// ids, bad coordinates, unknown levels, short rows.
    fn row() -> impl Strategy<Value = String> {
        prop_oneof![
            (0..30u32, -90.0..90.0f64, -180.0..180.0f64)
                .prop_map(|(id, lat, lon)| format!("f{id},Name {id},{lat},{lon},iop")),
            (0..30u32).prop_map(|id| format!(
                "q{id},\"Hope, \"\"Inc\"\"\nUnit {id}\",1,2,\"otp;\r\nHH\""
            )),
            (0..30u32).prop_map(|id| format!("b{id},Bad,95,0,iop")),
            (0..30u32).prop_map(|id| format!("u{id},Unknown,1,1,spa")),
            (0..30u32).prop_map(|id| format!("s{id},Stray 5\" tall,1,2,iop")),
            Just("short,row".to_string()),
            Just(String::new()),
        ]
    }

    fn outcome(result: Result<Loaded, Error>) -> Result<(Vec<Facility>, LoadReport), String> {
        result
            .map(|loaded| (loaded.facilities, loaded.report))
            .map_err(|error| error.to_string())
    }

    fn tally(options: &LoadOptions) -> Tally<'static> {
        Tally::new("in", options, Vec::new())
    }

    /// The reference: one record after another on one thread.
    fn stream(bytes: &[u8], options: &LoadOptions) -> Result<Loaded, Error> {
        let mut csv = reader_builder().from_reader(bytes);
        let mut record = ByteRecord::new();
        let header = read_header(&mut csv, &mut record, "in")?;
        let mut tally = Tally::new("in", options, header.ignored.clone());
        while read_record(&mut csv, &mut record, "in")? {
            let line = record.position().map_or(0, |position| position.line());
            let mut facility = Facility::new("", "", LatLon::within_range(0.0, 0.0));
            let parsed = header.read(&mut record, line, &mut facility);
            tally.take(line, parsed.map(|()| facility))?;
        }
        Ok(tally.finish())
    }

    proptest! {
        #[test]
        fn parts_and_blocks_parse_like_one_stream(
            rows in prop::collection::vec(row(), 0..60),
            crlf: bool,
            parts in 1..6usize,
            block_size in 1..200usize,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let csv = format!("id,name,lat,lon,care{end}{}", rows.join(end));
            for options in [LoadOptions::strict(), LoadOptions::lenient()] {
                let streamed = outcome(stream(csv.as_bytes(), &options));
                let split = load_slice(csv.as_bytes(), "in", tally(&options), parts);
                prop_assert_eq!(&outcome(split.map(Tally::finish)), &streamed);
                let blocks = load_blocks(csv.as_bytes(), "in", tally(&options), parts, block_size);
                prop_assert_eq!(&outcome(blocks.map(Tally::finish)), &streamed);
                // Into a store: the same rows and report, the facilities sorted by id.
                let into_store = tally(&options).into_store();
                let stored = load_blocks(csv.as_bytes(), "in", into_store, parts, block_size)
                    .and_then(Tally::finish_store)
                    .map(|loaded| (loaded.store.to_facilities(), loaded.report))
                    .map_err(|error| error.to_string());
                let sorted = streamed.clone().map(|(mut facilities, report)| {
                    facilities.sort_by(|a, b| a.id.cmp(&b.id));
                    (facilities, report)
                });
                prop_assert_eq!(&stored, &sorted);
            }
        }
    }

    #[test]
    fn a_wrong_guess_at_the_cuts_is_caught_and_the_parse_redone() {
        // The stray quote makes a count of quotes take the padding for a quoted field, and
        // the line break inside "x..." for the end of a record.
        let mut csv = String::from("id,name,lat,lon,care\na,Stray 5\" tall,1,2,iop\n");
        for i in 0..20 {
            csv += &format!("p{i},Padding,1,2,iop\n");
        }
        csv += "b,\"x\ny\",1,2,iop\nc,C,1,2,iop\n";
        let start = csv.find('\n').unwrap() + 1;
        let inside = csv.find("x\n").unwrap() + 2;
        assert_eq!(quote_cuts(csv.as_bytes(), start, 2)[1].start, inside);
        for options in [LoadOptions::strict(), LoadOptions::lenient()] {
            let split =
                outcome(load_slice(csv.as_bytes(), "in", tally(&options), 2).map(Tally::finish));
            assert_eq!(split, outcome(stream(csv.as_bytes(), &options)));
            assert_eq!(split.unwrap().0.len(), 23);
        }
    }

    #[test]
    fn a_block_ending_inside_a_quoted_field_is_never_taken_for_whole_records() {
        // After the stray quote a count of quotes sees the line break inside "a...b" as a
        // record end; blocks of every size, one of which ends just after it, parse as one
        // stream does.
        let csv =
            "id,name,lat,lon,care\ns,Stray 5\" tall,1,2,iop\nq,\"a\nb\",1,2,iop\nz,Z,1,2,iop\n";
        for options in [LoadOptions::strict(), LoadOptions::lenient()] {
            let streamed = outcome(stream(csv.as_bytes(), &options));
            for block_size in 1..csv.len() + 2 {
                for parts in 1..3 {
                    let blocks =
                        load_blocks(csv.as_bytes(), "in", tally(&options), parts, block_size);
                    assert_eq!(outcome(blocks.map(Tally::finish)), streamed, "{block_size}");
                }
            }
        }
    }

    #[test]
    fn cuts_fall_between_records_as_the_parser_reads_them() {
        // A quoted field with a line break, and a stray quote inside an unquoted field that
        // a count of quotes would take for an opening one.
        let bytes = b"h\na\n\"x\ny\"\nb 5\" tall\nc\nd\n";
        for parts in 1..8 {
            let cuts = record_cuts(bytes, 2, parts, true);
            assert_eq!(cuts.first().unwrap().start, 2);
            assert_eq!(cuts.last().unwrap().end, bytes.len());
            for pair in cuts.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
            for cut in &cuts {
                assert!([2, 4, 10, 20, 22].contains(&cut.start), "{cuts:?}");
            }
        }
        // An unfinished last record is left for the next block.
        let cuts = record_cuts(b"a\nb,\"open\n", 0, 1, false);
        assert_eq!(cuts, vec![0..2]);
    }
}
