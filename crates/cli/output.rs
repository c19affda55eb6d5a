//! Results as text: an aligned table for people, CSV/TSV/JSON/NDJSON/GeoJSON for programs.
//!
//! Each origin's results render into a block of bytes on their own (so that batch work can
//! render on every core); `Output` writes the blocks in order with what goes around them.

use std::io::{self, Write};
use std::sync::Arc;

use carefind::availability::{Availability, Need, Update};
use carefind::{
    AgeSet, CareSet, Facility, Hit, KindSet, LanguageSet, MedicationSet, MhTypeSet, PaymentSet,
    PopulationSet, Precision, Status, Unit,
};
use serde::Serialize;

use crate::args::Format;

/// The CSV/TSV columns, after `origin_id` in batch mode: the rank, every column of the
/// native format, where the facility lies from the origin, then its availability.
fn columns() -> impl Iterator<Item = &'static str> {
    std::iter::once("rank")
        .chain(carefind::load::native::COLUMNS)
        .chain(["distance_m", "distance", "units", "bearing_deg"])
        .chain(AVAILABILITY_COLUMNS)
}

const AVAILABILITY_COLUMNS: [&str; 5] = [
    "accepting",
    "beds_available",
    "beds_total",
    "wait_days",
    "availability_updated",
];

/// The availability a search shows beside its results: the table it read, the levels it
/// wanted and its need (fresh reports only; see `Availability::shown`).
pub struct Shown {
    pub table: Arc<Availability>,
    pub care: CareSet,
    pub need: Need,
}

impl Shown {
    /// The report shown for `facility`, if a fresh one meets the need.
    pub fn of<'a>(&'a self, facility: &Facility) -> Option<&'a Update> {
        self.table.shown(facility, self.care, &self.need)
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

/// A report's measures as records show them; all empty (null) when there is none.
#[derive(Clone, Copy, Default, Serialize)]
struct AvailabilityPart {
    accepting: Option<bool>,
    beds_available: Option<u32>,
    beds_total: Option<u32>,
    wait_days: Option<u32>,
    availability_updated: Option<jiff::Timestamp>,
}

impl AvailabilityPart {
    fn of(report: Option<&Update>) -> Self {
        report.map_or_else(AvailabilityPart::default, |report| AvailabilityPart {
            accepting: report.accepting,
            beds_available: report.beds_available,
            beds_total: report.beds_total,
            wait_days: report.wait_days,
            availability_updated: Some(report.updated_at),
        })
    }

    fn fields(&self) -> [String; 5] {
        let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        [
            match self.accepting {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            count(self.beds_available),
            count(self.beds_total),
            count(self.wait_days),
            self.availability_updated
                .map(|at| at.to_string())
                .unwrap_or_default(),
        ]
    }

    /// A few characters for the table: beds open, else accepting, else the wait.
    fn short(&self) -> String {
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
    facility: &'a Facility,
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
    lat: f64,
    lon: f64,
    care: CareSet,
    payment: PaymentSet,
    ages: AgeSet,
    populations: PopulationSet,
    languages: LanguageSet,
    medications: MedicationSet,
    services: &'a [String],
    kinds: KindSet,
    mh_types: MhTypeSet,
    precision: Precision,
    status: Status,
    verified: Option<jiff::civil::Date>,
    source: &'a str,
    distance_m: Option<f64>,
    distance: Option<f64>,
    units: &'static str,
    bearing_deg: Option<f64>,
    #[serde(flatten)]
    availability: AvailabilityPart,
}

impl<'a> Record<'a> {
    pub fn new(
        origin_id: Option<&'a str>,
        rank: usize,
        hit: &Hit<'a>,
        unit: Unit,
        availability: Option<&Update>,
    ) -> Self {
        let f = hit.facility;
        Record {
            facility: f,
            origin_id,
            rank,
            id: &f.id,
            name: &f.name,
            name2: &f.name2,
            street: &f.street,
            city: &f.city,
            state: &f.state,
            zip: &f.zip,
            phone: &f.phone,
            intake_phone: &f.intake_phone,
            website: &f.website,
            lat: f.location.lat(),
            lon: f.location.lon(),
            care: f.care,
            payment: f.payment,
            ages: f.ages,
            populations: f.populations,
            languages: f.languages,
            medications: f.medications,
            services: &f.services,
            kinds: f.kinds,
            mh_types: f.mh_types,
            precision: f.precision,
            status: f.status,
            verified: f.verified,
            source: &f.source,
            distance_m: hit.distance_m.map(|d| round(d, 3)),
            distance: hit.distance().map(|d| round(d.in_unit(unit), 3)),
            units: unit.symbol(),
            bearing_deg: hit.bearing_deg().map(|b| round(b, 1)),
            availability: AvailabilityPart::of(availability),
        }
    }

    fn fields(&self) -> Vec<String> {
        let number = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
        let mut fields = Vec::with_capacity(40);
        if let Some(origin_id) = self.origin_id {
            fields.push(origin_id.to_string());
        }
        fields.push(self.rank.to_string());
        // The native format's columns, as its writer writes them.
        fields.extend(carefind::save::row(self.facility));
        fields.extend([
            number(self.distance_m),
            number(self.distance),
            self.units.into(),
            number(self.bearing_deg),
        ]);
        fields.extend(self.availability.fields());
        fields
    }
}

/// What a record's JSON says of the query: the distance and bearing from the origin, and
/// the availability shown.
#[derive(Serialize)]
struct QueryPart {
    distance_m: Option<f64>,
    distance: Option<f64>,
    units: &'static str,
    bearing_deg: Option<f64>,
    #[serde(flatten)]
    availability: AvailabilityPart,
}

impl Record<'_> {
    /// The JSON of the facility's own fields as the record writes them, `"id":…` through
    /// `"services":[…]`: the same for every query, so a server prepares it once per
    /// facility and writes records with [`Record::write_prepared`].
    pub fn facility_json(facility: &Facility) -> String {
        let hit = Hit {
            facility,
            distance_m: None,
            origin: None,
        };
        let json = serde_json::to_string(&Record::new(None, 0, &hit, Unit::Miles, None))
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
        availability: Option<&Update>,
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
            availability: AvailabilityPart::of(availability),
        };
        let start = out.len();
        serde_json::to_writer(&mut *out, &query).expect("numbers serialize");
        out[start] = b',';
    }
}

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    geometry: Point,
    properties: &'a Record<'a>,
}

#[derive(Serialize)]
struct Point {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// How results are shown.
#[derive(Clone)]
pub struct Style {
    pub format: Format,
    pub unit: Unit,
    /// Batch mode: rows carry `origin_id`.
    pub batch: bool,
    /// Columns of the terminal, for the table.
    pub width: usize,
    /// The availability shown beside results (none without a store).
    pub availability: Option<Arc<Shown>>,
}

/// Items of JSON and GeoJSON blocks start with this separator; the first item written drops it.
const SEPARATOR: &[u8] = b",\n";

impl Style {
    /// Renders one origin's results (ranked from `first_rank`) into a block.
    pub fn render(&self, origin_id: Option<&str>, hits: &[Hit], first_rank: usize) -> Vec<u8> {
        let mut block = Vec::with_capacity(256 * hits.len() + 64);
        let records = hits.iter().enumerate().map(|(i, hit)| {
            let shown = self.availability.as_ref().and_then(|a| a.of(hit.facility));
            Record::new(
                origin_id,
                first_rank.saturating_add(i),
                hit,
                self.unit,
                shown,
            )
        });
        match self.format {
            Format::Table => self.table(&mut block, origin_id, hits, first_rank),
            Format::Csv | Format::Tsv => {
                let mut writer = self.delimited(&mut block);
                for record in records {
                    let fields = record.fields();
                    if self.format == Format::Tsv {
                        let clean: Vec<String> = fields
                            .iter()
                            .map(|f| f.replace(['\t', '\n', '\r'], " "))
                            .collect();
                        writer.write_record(&clean).expect("writing to memory");
                    } else {
                        writer.write_record(&fields).expect("writing to memory");
                    }
                }
                writer.flush().expect("writing to memory");
            }
            Format::Json | Format::Ndjson => {
                for record in records {
                    if self.format == Format::Json {
                        block.extend_from_slice(SEPARATOR);
                    }
                    serde_json::to_writer(&mut block, &record).expect("records serialize");
                    if self.format == Format::Ndjson {
                        block.push(b'\n');
                    }
                }
            }
            Format::Geojson => {
                for record in records {
                    block.extend_from_slice(SEPARATOR);
                    let feature = Feature {
                        kind: "Feature",
                        geometry: Point {
                            kind: "Point",
                            coordinates: [record.lon, record.lat],
                        },
                        properties: &record,
                    };
                    serde_json::to_writer(&mut block, &feature).expect("features serialize");
                }
            }
        }
        block
    }

    fn delimited<'w>(&self, block: &'w mut Vec<u8>) -> csv::Writer<&'w mut Vec<u8>> {
        let mut builder = csv::WriterBuilder::new();
        builder.has_headers(false);
        if self.format == Format::Tsv {
            builder.delimiter(b'\t').quote_style(csv::QuoteStyle::Never);
        }
        builder.from_writer(block)
    }

    fn header(&self) -> Vec<u8> {
        let mut names: Vec<&str> = Vec::new();
        if self.batch {
            names.push("origin_id");
        }
        names.extend(columns());
        let mut block = Vec::new();
        let mut writer = self.delimited(&mut block);
        writer.write_record(&names).expect("writing to memory");
        writer.flush().expect("writing to memory");
        drop(writer);
        block
    }

    /// Rank, distance, name, levels of care, city/state and phone, aligned and cut to fit
    /// the terminal.
    fn table(&self, block: &mut Vec<u8>, origin_id: Option<&str>, hits: &[Hit], first_rank: usize) {
        if let Some(origin_id) = origin_id {
            let _ = writeln!(block, "origin {origin_id}:");
        }
        if hits.is_empty() {
            let _ = writeln!(block, "  (nothing found)");
            return;
        }
        let distance_title = format!("{} {}", "dist", self.unit.symbol());
        let shown = |hit: &Hit| {
            let report = self.availability.as_ref().and_then(|a| a.of(hit.facility));
            AvailabilityPart::of(report).short()
        };
        let rows: Vec<[String; 7]> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                let f = hit.facility;
                let distance = hit
                    .distance()
                    .map_or_else(|| "-".into(), |d| format!("{:.1}", d.in_unit(self.unit)));
                let place = match (f.city.as_str(), f.state.as_str()) {
                    ("", state) => state.to_string(),
                    (city, "") => city.to_string(),
                    (city, state) => format!("{city}, {state}"),
                };
                [
                    (first_rank.saturating_add(i)).to_string(),
                    distance,
                    f.name.clone(),
                    f.care.to_string(),
                    place,
                    f.phone.clone(),
                    shown(hit),
                ]
            })
            .collect();
        let titles = [
            "#".to_string(),
            distance_title,
            "name".into(),
            "care".into(),
            "city".into(),
            "phone".into(),
            "open".into(),
        ];
        // The availability column shows only with a store.
        let columns = if self.availability.is_some() { 7 } else { 6 };
        let mut widths: [usize; 7] = std::array::from_fn(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([titles[c].chars().count()])
                .max()
                .unwrap_or(0)
        });
        // Name and care give way when the line would not fit: name keeps at least 20
        // characters, care at least 12.
        let fixed = widths[0]
            + widths[1]
            + widths[4]
            + widths[5]
            + if columns == 7 { widths[6] + 2 } else { 0 }
            + 2 * 5
            + 2;
        let room = self.width.saturating_sub(fixed).max(32);
        if widths[2] + widths[3] > room {
            let care = widths[3].min((room * 2 / 5).max(12));
            widths[2] = widths[2].min(room.saturating_sub(care).max(20));
            widths[3] = care.min(room.saturating_sub(widths[2]).max(12));
        }
        let mut line = |cells: &[String; 7]| {
            let mut text = String::from("  ");
            for (c, cell) in cells.iter().take(columns).enumerate() {
                let cell = fit(cell, widths[c]);
                let pad = widths[c] - cell.chars().count();
                if c <= 1 {
                    text.extend(std::iter::repeat_n(' ', pad));
                    text.push_str(&cell);
                } else {
                    text.push_str(&cell);
                    if c + 1 < columns {
                        text.extend(std::iter::repeat_n(' ', pad));
                    }
                }
                if c + 1 < columns {
                    text.push_str("  ");
                }
            }
            let _ = writeln!(block, "{}", text.trim_end());
        };
        line(&titles);
        for row in &rows {
            line(row);
        }
    }
}

/// Cuts `text` to `width` characters, ending with "…" when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Writes the blocks in order, with the header or the opening and closing of the document.
pub struct Output<W: Write> {
    style: Style,
    out: W,
    items: usize,
    blocks: usize,
}

impl<W: Write> Output<W> {
    pub fn begin(style: Style, mut out: W) -> io::Result<Self> {
        match style.format {
            Format::Csv | Format::Tsv => out.write_all(&style.header())?,
            Format::Json => out.write_all(b"[")?,
            Format::Geojson => out.write_all(br#"{"type":"FeatureCollection","features":["#)?,
            Format::Table | Format::Ndjson => {}
        }
        Ok(Output {
            style,
            out,
            items: 0,
            blocks: 0,
        })
    }

    /// Writes a rendered block holding `items` results.
    pub fn block(&mut self, block: &[u8], items: usize) -> io::Result<()> {
        let separated = matches!(self.style.format, Format::Json | Format::Geojson);
        if self.style.format == Format::Table && self.blocks > 0 {
            self.out.write_all(b"\n")?;
        }
        if separated && self.items == 0 && items > 0 {
            // The document's first item: drop the comma of its separator.
            self.out.write_all(&block[1..])?;
        } else {
            self.out.write_all(block)?;
        }
        self.items += items;
        self.blocks += 1;
        Ok(())
    }

    pub fn end(mut self) -> io::Result<()> {
        match self.style.format {
            Format::Json => self.out.write_all(b"\n]\n")?,
            Format::Geojson => self.out.write_all(b"\n]}\n")?,
            _ => {}
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }

    #[test]
    fn prepared_records_write_what_serde_writes() {
        let index = carefind::Index::sample();
        let origin = carefind::LatLon::new(40.0, -75.0).unwrap();
        let hits = index
            .search(&carefind::Query::nearest(origin, 300))
            .unwrap();
        let by_id = carefind::Query::in_box("-80,35,-70,45".parse().unwrap());
        let unmeasured = index.search(&by_id.limit(50)).unwrap();
        for (i, hit) in hits.iter().chain(&unmeasured).enumerate() {
            for unit in [Unit::Miles, Unit::Kilometers] {
                let mut report = Update::new(&hit.facility.id, jiff::Timestamp::UNIX_EPOCH);
                report.beds_available = Some(i as u32);
                let report = (i % 2 == 0).then_some(&report);
                let expected =
                    serde_json::to_vec(&Record::new(None, i + 1, hit, unit, report)).unwrap();
                let mut written = Vec::new();
                let prepared = Record::facility_json(hit.facility);
                Record::write_prepared(&mut written, i + 1, &prepared, hit, unit, report);
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    String::from_utf8(expected).unwrap()
                );
            }
        }
    }

    #[test]
    fn columns_match_the_record_fields() {
        let index = carefind::Index::sample();
        let origin = carefind::LatLon::new(40.0, -75.0).unwrap();
        let hits = index.search(&carefind::Query::nearest(origin, 1)).unwrap();
        let record = Record::new(None, 1, &hits[0], Unit::Miles, None);
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
