//! One result as every machine format shows it: the API's JSON objects, and the rows the
//! `carefind` command writes as CSV, JSON or GeoJSON, so that both say the same.
//!
//! ```
//! use carefind::{Index, LatLon, Query, Unit};
//! use carefind::record::{Record, Reported};
//!
//! let index = Index::sample();
//! let hits = index.search(&Query::nearest(LatLon::new(40.75, -73.99)?, 1))?;
//! let record = Record::new(None, 1, &hits[0], Unit::Miles, Reported::default());
//! let json = serde_json::to_value(record)?;
//! assert_eq!(json["rank"], 1);
//! assert_eq!(json["units"], "mi");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::sync::Arc;

use crate::availability::{Availability, Need, Update};
use crate::{
    AgeSet, CareSet, FacilityRef, Hit, KindSet, LanguageSet, MedicationSet, MhTypeSet, PaymentSet,
    PopulationSet, Precision, Status, Unit,
};
use serde::Serialize;

pub mod pathway;

/// The CSV/TSV columns of [`Record::fields`], after `origin_id` in batch mode: the rank,
/// every column of the native format, the ASAM 4th-edition levels its levels of care map
/// to (derived), where the facility lies from the origin, then its availability and the
/// ways in reported.
///
/// ```
/// let columns: Vec<&str> = carefind::record::columns().collect();
/// assert_eq!(columns[..2], ["rank", "id"]);
/// assert_eq!(columns.last(), Some(&"ways_in_updated"));
/// ```
pub fn columns() -> impl Iterator<Item = &'static str> {
    std::iter::once("rank")
        .chain(
            crate::load::native::COLUMNS
                .into_iter()
                .filter(|c| *c != NOT_SHOWN),
        )
        .chain(["asam", "distance_m", "distance", "units", "bearing_deg"])
        .chain(AVAILABILITY_COLUMNS)
}

/// A CSV cell made safe to open in a spreadsheet: a cell that a spreadsheet would take
/// for a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// leading `'`, which spreadsheets show as text. Numbers (`-73.99`) are left as they are:
/// they are not formulas, and an analyst's columns must stay numeric.
///
/// Listings come from many hands; a name such as `=HYPERLINK("http://evil", "Call")`
/// in a download for a caller must stay a name.
///
/// ```
/// use carefind::record::spreadsheet_safe;
///
/// assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
/// assert_eq!(spreadsheet_safe("+1 212 555 0100"), "'+1 212 555 0100");
/// assert_eq!(spreadsheet_safe("-73.99"), "-73.99");
/// assert_eq!(spreadsheet_safe("Main St"), "Main St");
/// ```
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().map_or(true, |x| !x.is_finite()) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The native column a result leaves out: what an HSDS source said beyond carefind's
/// fields is for HSDS exports, not for people or analysts reading results.
///
/// ```
/// assert!(carefind::record::columns().all(|c| c != carefind::record::NOT_SHOWN));
/// ```
pub const NOT_SHOWN: &str = "hsds";

// The column `days_updated_of_30` names the number of days it counts.
const _: () = assert!(crate::availability::RECENT_DAYS == 30);

const AVAILABILITY_COLUMNS: [&str; 12] = [
    "accepting",
    "beds_available",
    "beds_total",
    "wait_days",
    "availability_updated",
    "last_updated",
    "days_updated_of_30",
    "reported_walk_in",
    "reported_same_day_medication",
    "reported_counseling_required",
    "reported_telehealth_intake",
    "ways_in_updated",
];

/// The availability a search shows beside its results: the table it read, the levels it
/// wanted and its need (fresh reports only; see `Availability::shown`).
///
/// ```
/// use std::sync::Arc;
/// use carefind::availability::{Availability, Need};
/// use carefind::{CareSet, Index};
/// use carefind::record::Shown;
///
/// let shown = Shown { table: Arc::new(Availability::new()), care: CareSet::EMPTY, need: Need::now() };
/// let index = Index::sample();
/// assert!(shown.of(index.facility(0).unwrap()).is_none());
/// ```
pub struct Shown {
    /// The availability table the search read.
    pub table: Arc<Availability>,
    /// The levels of care the search asked for (empty: any).
    pub care: CareSet,
    /// What the search needs of a report, and the instant it is judged at.
    pub need: Need,
}

impl Shown {
    /// The report shown for `facility`, if a fresh one meets the need.
    pub fn of<'a>(&'a self, facility: FacilityRef<'_>) -> Option<&'a Update> {
        self.table.shown(facility, self.care, &self.need)
    }

    /// Everything a record shows of the table for `facility`: the report shown, the
    /// reports that state its ways in, and how it keeps its availability current.
    pub fn reported<'a>(&'a self, facility: FacilityRef<'_>) -> Reported<'a> {
        self.reported_for(facility, self.care)
    }

    /// [`Shown::reported`], for the levels `care`.
    pub fn reported_for<'a>(&'a self, facility: FacilityRef<'_>, care: CareSet) -> Reported<'a> {
        Reported {
            shown: self.table.shown(facility, care, &self.need),
            ways_in: self.table.getting_in(facility, care),
            kept: self.table.kept(facility, self.need.now),
        }
    }

    /// The same, for the levels `care`.
    pub fn for_levels(&self, care: CareSet) -> Shown {
        Shown {
            table: self.table.clone(),
            care,
            need: self.need,
        }
    }
}

/// What a record shows of an availability table for one facility (see
/// [`Shown::reported`]); nothing by default.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reported<'a> {
    /// The report shown: the best fresh one that meets the search's need.
    pub shown: Option<&'a Update>,
    /// The reports that state the facility's ways in over its listing.
    pub ways_in: crate::availability::Stated<'a>,
    /// How the facility keeps its availability current.
    pub kept: Option<crate::availability::Kept>,
}

impl<'a> Reported<'a> {
    /// What `shown` reports of `facility`; nothing when no table was read.
    pub fn of(shown: Option<&'a Shown>, facility: FacilityRef<'_>) -> Self {
        shown.map_or_else(Reported::default, |shown| shown.reported(facility))
    }

    /// Only `report` shown, no way in reported.
    pub fn report(report: Option<&'a Update>) -> Self {
        Reported {
            shown: report,
            ..Reported::default()
        }
    }
}

/// A report's measures as records show them, then the ways in reports state (apart from
/// the listing's own, in the native columns); all empty (null) when there is none.
///
/// ```
/// use carefind::record::{AvailabilityPart, Reported};
/// assert_eq!(AvailabilityPart::of(Reported::default()).short(), "");
/// ```
#[derive(Clone, Copy, Default, Serialize)]
pub struct AvailabilityPart<'a> {
    accepting: Option<bool>,
    beds_available: Option<u32>,
    beds_total: Option<u32>,
    wait_days: Option<u32>,
    availability_updated: Option<jiff::Timestamp>,
    /// When the latest update was true, fresh or not.
    last_updated: Option<jiff::Timestamp>,
    /// Of the last 30 days, those with an update.
    days_updated_of_30: Option<u32>,
    reported_walk_in: Option<&'a crate::hours::WalkIn>,
    reported_same_day_medication: Option<bool>,
    reported_counseling_required: Option<bool>,
    reported_telehealth_intake: Option<bool>,
    ways_in_updated: Option<jiff::Timestamp>,
}

impl<'a> AvailabilityPart<'a> {
    /// The measures of the report shown and the ways in reported.
    pub fn of(reported: Reported<'a>) -> Self {
        let ways = reported.ways_in;
        let mut part = reported
            .shown
            .map_or_else(AvailabilityPart::default, |report| AvailabilityPart {
                accepting: report.accepting,
                beds_available: report.beds_available,
                beds_total: report.beds_total,
                wait_days: report.wait_days,
                availability_updated: Some(report.updated_at),
                ..AvailabilityPart::default()
            });
        part.last_updated = reported.kept.map(|kept| kept.last);
        part.days_updated_of_30 = reported.kept.map(|kept| kept.days_updated);
        part.reported_walk_in = ways.walk_in();
        part.reported_same_day_medication =
            ways.same_day_medication.and_then(|r| r.same_day_medication);
        part.reported_counseling_required =
            ways.counseling_required.and_then(|r| r.counseling_required);
        part.reported_telehealth_intake = ways.telehealth_intake.and_then(|r| r.telehealth_intake);
        part.ways_in_updated = ways.updated_at();
        part
    }

    fn fields(&self) -> [String; AVAILABILITY_COLUMNS.len()] {
        let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        let flag = |flag: Option<bool>| crate::save::yes_no(flag).into_owned();
        let time = |at: Option<jiff::Timestamp>| at.map(|at| at.to_string()).unwrap_or_default();
        [
            flag(self.accepting),
            count(self.beds_available),
            count(self.beds_total),
            count(self.wait_days),
            time(self.availability_updated),
            time(self.last_updated),
            self.days_updated_of_30
                .map(|days| days.to_string())
                .unwrap_or_default(),
            self.reported_walk_in
                .map(ToString::to_string)
                .unwrap_or_default(),
            flag(self.reported_same_day_medication),
            flag(self.reported_counseling_required),
            flag(self.reported_telehealth_intake),
            time(self.ways_in_updated),
        ]
    }

    /// A few characters for a table: beds open, else accepting, else the wait.
    pub fn short(&self) -> String {
        match (self.beds_available, self.accepting, self.wait_days) {
            (Some(beds), _, _) => format!("{beds} bed{}", if beds == 1 { "" } else { "s" }),
            (None, Some(true), Some(wait)) => format!("yes, {wait}d"),
            (None, Some(true), None) => "yes".into(),
            (None, Some(false), _) => "no".into(),
            (None, None, Some(wait)) => format!("wait {wait}d"),
            (None, None, None) => String::new(),
        }
    }
}

/// One result as every machine format shows it.
#[derive(Serialize)]
pub struct Record<'a> {
    #[serde(skip)]
    facility: FacilityRef<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin_id: Option<&'a str>,
    rank: usize,
    id: &'a str,
    name: &'a str,
    name2: &'a str,
    street: &'a str,
    city: &'a str,
    state: &'a str,
    zip: &'a str,
    phone: &'a str,
    intake_phone: &'a str,
    website: &'a str,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    care: CareSet,
    payment: PaymentSet,
    ages: AgeSet,
    populations: PopulationSet,
    languages: LanguageSet,
    medications: MedicationSet,
    services: crate::Services<'a>,
    kinds: KindSet,
    mh_types: MhTypeSet,
    credentials: crate::CredentialSet,
    precision: Precision,
    status: Status,
    verified: Option<jiff::civil::Date>,
    source: &'a str,
    hours: &'a str,
    level_hours: &'a str,
    timezone: &'a str,
    walk_in: &'a str,
    same_day_medication: Option<bool>,
    counseling_required: Option<bool>,
    telehealth_intake: Option<bool>,
    /// Derived from `care` by the crosswalk, never stated by the data.
    asam: crate::AsamSet,
    distance_m: Option<f64>,
    distance: Option<f64>,
    units: &'static str,
    bearing_deg: Option<f64>,
    /// The availability report's measures, and the ways in reported.
    #[serde(flatten)]
    pub availability: AvailabilityPart<'a>,
}

impl<'a> Record<'a> {
    /// The record of `hit`, ranked `rank`, its distance in `unit`, with what the
    /// availability table reports of it; `origin_id` names the origin of a batch row.
    pub fn new(
        origin_id: Option<&'a str>,
        rank: usize,
        hit: &Hit<'a>,
        unit: Unit,
        reported: Reported<'a>,
    ) -> Self {
        let f = hit.facility;
        Record {
            facility: f,
            origin_id,
            rank,
            id: f.id(),
            name: f.name(),
            name2: f.name2(),
            street: f.street(),
            city: f.city(),
            state: f.state(),
            zip: f.zip(),
            phone: f.phone(),
            intake_phone: f.intake_phone(),
            website: f.website(),
            lat: f.location().lat(),
            lon: f.location().lon(),
            care: f.care(),
            payment: f.payment(),
            ages: f.ages(),
            populations: f.populations(),
            languages: f.languages(),
            medications: f.medications(),
            services: f.services(),
            kinds: f.kinds(),
            mh_types: f.mh_types(),
            credentials: f.credentials(),
            precision: f.precision(),
            status: f.status(),
            verified: f.verified(),
            source: f.source(),
            hours: f.hours(),
            level_hours: f.level_hours(),
            timezone: f.timezone(),
            walk_in: f.walk_in(),
            same_day_medication: f.same_day_medication(),
            counseling_required: f.counseling_required(),
            telehealth_intake: f.telehealth_intake(),
            asam: crate::asam::of_care(f.care()),
            distance_m: hit.distance_m.map(|d| round(d, 3)),
            distance: hit.distance().map(|d| round(d.in_unit(unit), 3)),
            units: unit.symbol(),
            bearing_deg: hit.bearing_deg().map(|b| round(b, 1)),
            availability: AvailabilityPart::of(reported),
        }
    }

    /// The record as CSV fields, in the order of [`columns`] (after `origin_id` when the
    /// record has one); text is borrowed from the index, so a batch of many rows
    /// allocates only for numbers and sets.
    pub fn fields(&self) -> Vec<Cow<'a, str>> {
        let number = |x: Option<f64>| x.map_or(Cow::Borrowed(""), |x| x.to_string().into());
        let mut fields = Vec::with_capacity(40);
        if let Some(origin_id) = self.origin_id {
            fields.push(Cow::Borrowed(origin_id));
        }
        fields.push(self.rank.to_string().into());
        // The native format's columns, as its writer writes them.
        fields.extend(
            crate::load::native::COLUMNS
                .into_iter()
                .zip(crate::save::fields(self.facility))
                .filter(|(column, _)| *column != NOT_SHOWN)
                .map(|(_, field)| field),
        );
        fields.push(self.asam.to_string().into());
        fields.extend([
            number(self.distance_m),
            number(self.distance),
            Cow::Borrowed(self.units),
            number(self.bearing_deg),
        ]);
        fields.extend(self.availability.fields().map(Cow::Owned));
        fields
    }
}

/// What a record's JSON says of the query: the distance and bearing from the origin, and
/// the availability shown.
#[derive(Serialize)]
struct QueryPart<'a> {
    distance_m: Option<f64>,
    distance: Option<f64>,
    units: &'static str,
    bearing_deg: Option<f64>,
    #[serde(flatten)]
    availability: AvailabilityPart<'a>,
}

impl Record<'_> {
    /// The JSON of the facility's own fields as the record writes them, `"id":…` through
    /// `"services":[…]`: the same for every query, so a server prepares it once per
    /// facility and writes records with [`Record::write_prepared`].
    pub fn facility_json(facility: FacilityRef<'_>) -> String {
        let hit = Hit {
            facility,
            distance_m: None,
            origin: None,
        };
        let json = serde_json::to_string(&Record::new(
            None,
            0,
            &hit,
            Unit::Miles,
            Reported::default(),
        ))
        .expect("records serialize");
        let start = json.find(",\"id\":").map_or(0, |at| at + 1);
        let end = json.rfind(",\"distance_m\":").unwrap_or(json.len());
        json[start..end].to_string()
    }

    /// Writes the JSON [`Record::new`] would serialize to, from the facility's prepared part.
    pub fn write_prepared(
        out: &mut Vec<u8>,
        rank: usize,
        facility_json: &str,
        hit: &Hit,
        unit: Unit,
        reported: Reported<'_>,
    ) {
        out.extend_from_slice(b"{\"rank\":");
        out.extend_from_slice(rank.to_string().as_bytes());
        out.push(b',');
        out.extend_from_slice(facility_json.as_bytes());
        let query = QueryPart {
            distance_m: hit.distance_m.map(|d| round(d, 3)),
            distance: hit.distance().map(|d| round(d.in_unit(unit), 3)),
            units: unit.symbol(),
            bearing_deg: hit.bearing_deg().map(|b| round(b, 1)),
            availability: AvailabilityPart::of(reported),
        };
        let start = out.len();
        serde_json::to_writer(&mut *out, &query).expect("numbers serialize");
        out[start] = b',';
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_records_write_what_serde_writes() {
        let index = crate::Index::sample();
        let origin = crate::LatLon::new(40.0, -75.0).unwrap();
        let hits = index.search(&crate::Query::nearest(origin, 300)).unwrap();
        let by_id = crate::Query::in_box("-80,35,-70,45".parse().unwrap());
        let unmeasured = index.search(&by_id.limit(50)).unwrap();
        for (i, hit) in hits.iter().chain(&unmeasured).enumerate() {
            for unit in [Unit::Miles, Unit::Kilometers] {
                let mut report = Update::new(hit.facility.id(), jiff::Timestamp::UNIX_EPOCH);
                report.beds_available = Some(i as u32);
                report.walk_in = (i % 3 == 0).then_some(crate::hours::WalkIn::Yes);
                report.same_day_medication = (i % 5 == 0).then_some(true);
                let table = crate::availability::Availability::new()
                    .with([report.clone()])
                    .table;
                let shown = Shown {
                    table: std::sync::Arc::new(table),
                    care: crate::CareSet::EMPTY,
                    need: crate::availability::Need::at(jiff::Timestamp::UNIX_EPOCH),
                };
                let reported = match i % 2 {
                    0 => shown.reported(hit.facility),
                    _ => Reported::default(),
                };
                let expected =
                    serde_json::to_vec(&Record::new(None, i + 1, hit, unit, reported)).unwrap();
                let mut written = Vec::new();
                let prepared = Record::facility_json(hit.facility);
                Record::write_prepared(&mut written, i + 1, &prepared, hit, unit, reported);
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    String::from_utf8(expected).unwrap()
                );
            }
        }
    }

    #[test]
    fn columns_match_the_record_fields() {
        let index = crate::Index::sample();
        let origin = crate::LatLon::new(40.0, -75.0).unwrap();
        let hits = index.search(&crate::Query::nearest(origin, 1)).unwrap();
        let record = Record::new(None, 1, &hits[0], Unit::Miles, Reported::default());
        assert_eq!(record.fields().len(), columns().count());
        let json = serde_json::to_value(&record).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut columns: Vec<&str> = columns().collect();
        keys.sort_unstable();
        columns.sort_unstable();
        assert_eq!(keys, columns);
    }
}
