//! Results as text: an aligned table for people, CSV/TSV/JSON/NDJSON/GeoJSON for programs.
//!
//! Each origin's results render into a block of bytes on their own (so that batch work can
//! render on every core); `Output` writes the blocks in order with what goes around them.

use std::io::{self, Write};
use std::sync::Arc;

use carefind::record::{AvailabilityPart, Record, Reported, Shown, columns};
use carefind::{Hit, Unit};
use serde::Serialize;

use crate::args::Format;

#[derive(Serialize)]
struct Feature<'a, P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    geometry: Point,
    properties: &'a P,
}

#[derive(Serialize)]
struct Point {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
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
    /// The columns to write, in order (`--fields`); empty for every one.
    pub fields: Vec<String>,
}

/// Items of JSON and GeoJSON blocks start with this separator; the first item written drops it.
const SEPARATOR: &[u8] = b",\n";

impl Style {
    /// Renders one origin's results (ranked from `first_rank`) into a block.
    pub fn render(&self, origin_id: Option<&str>, hits: &[Hit], first_rank: usize) -> Vec<u8> {
        let mut block = Vec::with_capacity(256 * hits.len() + 64);
        let records = hits.iter().enumerate().map(|(i, hit)| {
            let shown = Reported::of(self.availability.as_deref(), hit.facility);
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
                let picked = self.picked();
                for record in records {
                    let mut fields = record.fields();
                    if let Some(picked) = &picked {
                        fields = picked
                            .iter()
                            .map(|at| std::mem::take(&mut fields[*at]))
                            .collect();
                    }
                    if self.format == Format::Tsv {
                        let clean: Vec<String> = fields
                            .iter()
                            .map(|f| f.replace(['\t', '\n', '\r'], " "))
                            .collect();
                        writer.write_record(&clean).expect("writing to memory");
                    } else {
                        let bytes = fields.iter().map(|field| field.as_bytes());
                        writer.write_record(bytes).expect("writing to memory");
                    }
                }
                writer.flush().expect("writing to memory");
            }
            Format::Json | Format::Ndjson => {
                for record in records {
                    if self.format == Format::Json {
                        block.extend_from_slice(SEPARATOR);
                    }
                    match self.fields.is_empty() {
                        true => serde_json::to_writer(&mut block, &record),
                        false => serde_json::to_writer(&mut block, &self.only(&record)),
                    }
                    .expect("records serialize");
                    if self.format == Format::Ndjson {
                        block.push(b'\n');
                    }
                }
            }
            Format::Geojson => {
                for record in records {
                    block.extend_from_slice(SEPARATOR);
                    let geometry = Point {
                        kind: "Point",
                        coordinates: [record.lon, record.lat],
                    };
                    match self.fields.is_empty() {
                        true => serde_json::to_writer(
                            &mut block,
                            &Feature {
                                kind: "Feature",
                                geometry,
                                properties: &record,
                            },
                        ),
                        false => serde_json::to_writer(
                            &mut block,
                            &Feature {
                                kind: "Feature",
                                geometry,
                                properties: &self.only(&record),
                            },
                        ),
                    }
                    .expect("features serialize");
                }
            }
        }
        block
    }

    /// The positions of the `--fields` columns among every column, in their order.
    fn picked(&self) -> Option<Vec<usize>> {
        if self.fields.is_empty() {
            return None;
        }
        let mut names: Vec<&str> = Vec::new();
        if self.batch {
            names.push("origin_id");
        }
        names.extend(columns());
        Some(
            self.fields
                .iter()
                .filter_map(|field| names.iter().position(|name| name == field))
                .collect(),
        )
    }

    /// The record's JSON with only the `--fields` keys, in their order.
    fn only(&self, record: &Record) -> crate::drive::InOrder {
        let mut all = match serde_json::to_value(record) {
            Ok(serde_json::Value::Object(all)) => all,
            _ => serde_json::Map::new(),
        };
        crate::drive::InOrder(
            self.fields
                .iter()
                .map(|field| {
                    let value = all.remove(field).unwrap_or(serde_json::Value::Null);
                    (field.clone(), value)
                })
                .collect(),
        )
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
        let chosen: Vec<&str> = self.fields.iter().map(String::as_str).collect();
        let names = if chosen.is_empty() { names } else { chosen };
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
            AvailabilityPart::of(Reported::of(self.availability.as_deref(), hit.facility)).short()
        };
        let rows: Vec<[String; 7]> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                let f = hit.facility;
                let distance = hit
                    .distance()
                    .map_or_else(|| "-".into(), |d| format!("{:.1}", d.in_unit(self.unit)));
                let place = match (f.city(), f.state()) {
                    ("", state) => state.to_string(),
                    (city, "") => city.to_string(),
                    (city, state) => format!("{city}, {state}"),
                };
                [
                    (first_rank.saturating_add(i)).to_string(),
                    distance,
                    f.name().to_string(),
                    f.care().to_string(),
                    place,
                    f.phone().to_string(),
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
}
