//! Accounting for every row of a load, whatever the format.

use std::collections::HashMap;

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::{LoadOptions, LoadReport, Loaded, Mode, Repair};

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
    facilities: Vec<Facility>,
    first_line_of_id: HashMap<String, u64>,
    content_of_id: HashMap<String, u64>,
    unknown_labels: HashMap<String, u64>,
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
            facilities: Vec::new(),
            first_line_of_id: HashMap::new(),
            content_of_id: HashMap::new(),
            unknown_labels: HashMap::new(),
        }
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
        let checked = parsed.and_then(|mut facility| {
            if let IdSource::Derived { content } = ids {
                self.disambiguate(&mut facility, content);
            }
            match self.first_line_of_id.get(&facility.id) {
                Some(&first_line) => Err(RowError {
                    line,
                    column: Some("id".into()),
                    value: facility.id,
                    problem: match ids {
                        IdSource::Given => Problem::DuplicateId { first_line },
                        IdSource::Derived { .. } => Problem::DuplicateRow { first_line },
                    },
                }),
                None => {
                    self.first_line_of_id.insert(facility.id.clone(), line);
                    Ok(facility)
                }
            }
        });
        match checked {
            Ok(facility) => {
                self.facilities.push(facility);
                self.report.loaded += 1;
                Ok(())
            }
            Err(row) if self.mode == Mode::Lenient || is_duplicate_row(&row) => {
                self.report.rejected.push(row);
                Ok(())
            }
            Err(row) => Err(Error::Row {
                file: self.source.to_string(),
                row,
            }),
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

    pub(crate) fn finish(mut self) -> Loaded {
        let mut unknown: Vec<(String, u64)> = self.unknown_labels.into_iter().collect();
        unknown.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        self.report.unknown_labels = unknown;
        Loaded {
            facilities: self.facilities,
            report: self.report,
        }
    }
}

fn is_duplicate_row(row: &RowError) -> bool {
    matches!(row.problem, Problem::DuplicateRow { .. })
}
