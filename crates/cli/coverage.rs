//! `carefind coverage`: how far many origins are from the nearest facility of each level,
//! with population shares within rings, deserts, per-origin rows and a plot.

use std::io::{self, IsTerminal, Write};

use carefind::analysis::coverage::{self, Coverage, CoverageQuery, Origin, Summary, Target};
use carefind::{Distance, Unit};
use serde::Serialize;

use crate::args::{CoverageArgs, Format, Measure};
use crate::failure::Failure;
use crate::find::{Outcome, attribute_filter};
use crate::{dataset, origins, plot};

/// Deserts listed per level in the table and in JSON.
const DESERTS_SHOWN: usize = 5;
const DESERTS_IN_JSON: usize = 20;

pub fn run(args: &CoverageArgs) -> Result<Outcome, Failure> {
    let unit: Unit = args.units.into();
    let by_drive_time = args.drive.network.is_some();
    let by_transit = args.transit.gtfs.is_some();
    let rings = if args.measure != Measure::Nearest {
        Vec::new()
    } else if by_drive_time || by_transit {
        // Times, read by the drive-time path; checked here so mistakes fail fast.
        for ring in args.rings().split(',') {
            crate::drive::seconds("--rings", ring)?;
        }
        Vec::new()
    } else {
        args.rings()
            .split(',')
            .map(|ring| Distance::parse(ring, Some(unit)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Failure::flag("--rings", e))?
    };
    let mut targets = match args.care.is_empty() {
        true => Target::every_level(),
        false => args
            .care
            .iter()
            .flat_map(|list| list.split(','))
            .map(|word| word.parse::<Target>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Failure::flag("--care", e))?,
    };
    if args.as_one {
        targets = vec![Target::as_one(&targets)];
    }
    // By transit, whether a facility is open is judged at each arrival.
    let attributes = match by_transit {
        true => crate::transit::without_hours(&args.attributes, "--gtfs")?,
        false => args.attributes.clone(),
    };
    let query = CoverageQuery::default()
        .targets(targets)
        .rings(rings)
        .filter(attribute_filter(
            &attributes,
            jiff::Timestamp::now(),
            false,
        )?);
    if let Some(plot) = &args.plot {
        plot::check_extension(plot)?;
    }
    let columns = origins::Columns {
        id: args.id_col.as_deref(),
        lat: args.lat_col.as_deref(),
        lon: args.lon_col.as_deref(),
        weight: args.weight_col.as_deref(),
        flags: true,
    };
    let read = origins::read_columns(&args.origins, false, &columns)?;
    eprintln!(
        "carefind: {}: {} origins read, {} used, {} rejected",
        args.origins,
        read.read,
        read.origins.len(),
        read.rejected
    );
    let origins = read.origins;
    let index = dataset::load(args.data.as_deref())?;
    let format = Format::chosen(args.format, &io::stdout());
    if args.measure != Measure::Nearest || by_transit {
        return crate::access::run(
            args,
            &origins,
            &query.targets,
            &query.filter,
            &index,
            unit,
            format,
        );
    }
    if by_drive_time {
        if args.inequality {
            return Err(Failure::usage(
                "--inequality is given for distances and for 2sfca/e2sfca scores; not yet for drive-time rings",
            ));
        }
        return crate::drive::coverage(
            args,
            &origins,
            &query.targets,
            &query.filter,
            &index,
            format,
        );
    }

    let bar = (io::stderr().is_terminal() && origins.len() > 1000).then(|| {
        indicatif::ProgressBar::new(origins.len() as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "coverage {wide_bar} {pos}/{len} origins {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    });
    let answer = coverage::coverage_with_progress(&index, &origins, &query, &|done| {
        if let Some(bar) = &bar {
            bar.inc(done as u64);
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    for (target, summary) in answer.summaries.iter().enumerate() {
        let (count, weight) = answer.at_zip_centroids(&origins, target);
        if count > 0 {
            let share = if summary.weight > 0.0 {
                100.0 * weight / summary.weight
            } else {
                0.0
            };
            eprintln!(
                "carefind: {}: for {count} origins ({share:.1}% of the weight) the nearest facility is placed only at its ZIP centroid; --min-precision point leaves such facilities out",
                summary.target.name
            );
        }
    }
    if let Some(path) = &args.per_origin {
        per_origin(path, &origins, &answer, &query, unit)?;
    }
    if let Some(path) = &args.plot {
        plot::coverage(path, &origins, &answer, &query, unit)?;
        eprintln!("carefind: drew {}", path.display());
    }
    let stdout = io::stdout();
    let format = Format::chosen(args.format, &stdout);
    let mut out = io::BufWriter::new(stdout.lock());
    render(&mut out, format, &origins, &answer, unit, args.inequality)?;
    out.flush()?;
    Ok(if origins.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

fn in_unit(meters: Option<f64>, unit: Unit) -> Option<f64> {
    meters.map(|m| (Distance::from_meters(m).in_unit(unit) * 1000.0).round() / 1000.0)
}

fn ring_name(ring: Distance, unit: Unit) -> String {
    format!("{}{}", ring.in_unit(unit), unit.symbol())
}

/// A summary as the machine formats write it.
#[derive(Serialize)]
struct Row<'a> {
    level: &'a str,
    origins: usize,
    weight: f64,
    rings: Vec<RingRow>,
    median: Option<f64>,
    p90: Option<f64>,
    units: &'static str,
    deserts: usize,
    desert_weight: f64,
    heaviest_deserts: Vec<DesertRow<'a>>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    inequality: Option<Measured>,
}

/// The inequality of a measure over the weight, as the rows write it (`None` where it
/// has no meaning: no weight, or every value 0; the Palma ratio `None` when infinite).
#[derive(Clone, Copy, Default, Serialize)]
pub struct Measured {
    pub gini: Option<f64>,
    pub palma: Option<f64>,
    pub theil_t: Option<f64>,
}

impl Measured {
    /// The inequality of `(value, weight)` pairs.
    pub fn of(values: &[(f64, f64)]) -> Measured {
        let round = |x: f64| Some((x * 1e6).round() / 1e6).filter(|x| x.is_finite());
        match carefind::analysis::inequality::inequality(values) {
            Ok(measured) => Measured {
                gini: round(measured.gini),
                palma: round(measured.palma),
                theil_t: round(measured.theil_t),
            },
            Err(_) => Measured::default(),
        }
    }

    /// The three, as cells.
    pub fn cells(&self) -> [String; 3] {
        [self.gini, self.palma, self.theil_t].map(|x| x.map_or(String::new(), |x| x.to_string()))
    }

    /// The three, as fields of a row.
    pub fn insert(&self, row: &mut serde_json::Map<String, serde_json::Value>) {
        row.insert("gini".into(), serde_json::json!(self.gini));
        row.insert("palma".into(), serde_json::json!(self.palma));
        row.insert("theil_t".into(), serde_json::json!(self.theil_t));
    }
}

#[derive(Serialize)]
struct RingRow {
    ring: String,
    weight: f64,
    share: f64,
}

#[derive(Serialize)]
struct DesertRow<'a> {
    origin_id: &'a str,
    weight: f64,
    distance: Option<f64>,
}

fn row<'a>(
    summary: &'a Summary,
    origins: &'a [Origin],
    unit: Unit,
    inequality: Option<Measured>,
) -> Row<'a> {
    Row {
        inequality,
        level: &summary.target.name,
        origins: origins.len(),
        weight: summary.weight,
        rings: summary
            .rings
            .iter()
            .map(|r| RingRow {
                ring: ring_name(r.ring, unit),
                weight: r.weight,
                share: (r.share * 1e6).round() / 1e6,
            })
            .collect(),
        median: in_unit(summary.median_m, unit),
        p90: in_unit(summary.p90_m, unit),
        units: unit.symbol(),
        deserts: summary.deserts.len(),
        // (+ 0.0: an empty f64 sum is -0.0.)
        desert_weight: summary.deserts.iter().map(|d| d.weight).sum::<f64>() + 0.0,
        heaviest_deserts: summary
            .deserts
            .iter()
            .take(DESERTS_IN_JSON)
            .map(|d| DesertRow {
                origin_id: &origins[d.origin].id,
                weight: d.weight,
                distance: in_unit(d.distance_m, unit),
            })
            .collect(),
    }
}

fn render(
    out: &mut impl Write,
    format: Format,
    origins: &[Origin],
    answer: &Coverage,
    unit: Unit,
    inequality: bool,
) -> io::Result<()> {
    let rows: Vec<Row> = answer
        .summaries
        .iter()
        .enumerate()
        .map(|(target, summary)| {
            // The nearest distance of every origin that has one, with its weight.
            let measured = inequality.then(|| {
                let values: Vec<(f64, f64)> = answer
                    .nearest
                    .iter()
                    .zip(origins)
                    .filter_map(|(nearest, origin)| {
                        Some((nearest[target]?.distance_m, origin.weight))
                    })
                    .collect();
                Measured::of(&values)
            });
            row(summary, origins, unit, measured)
        })
        .collect();
    let number = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    match format {
        Format::Table => table(out, &rows, unit),
        Format::Csv | Format::Tsv => {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(if format == Format::Csv { b',' } else { b'\t' })
                .from_writer(out);
            let mut header = vec!["level".to_string(), "origins".into(), "weight".into()];
            if let Some(first) = rows.first() {
                header.extend(
                    first
                        .rings
                        .iter()
                        .map(|r| format!("share_within_{}", r.ring)),
                );
            }
            header.extend(["median", "p90", "units", "deserts", "desert_weight"].map(String::from));
            if inequality {
                header.extend(["gini", "palma", "theil_t"].map(String::from));
            }
            writer.write_record(&header)?;
            for row in &rows {
                let mut fields = vec![
                    row.level.to_string(),
                    row.origins.to_string(),
                    row.weight.to_string(),
                ];
                fields.extend(row.rings.iter().map(|r| r.share.to_string()));
                fields.extend([
                    number(row.median),
                    number(row.p90),
                    row.units.to_string(),
                    row.deserts.to_string(),
                    row.desert_weight.to_string(),
                ]);
                if let Some(measured) = &row.inequality {
                    fields.extend(measured.cells());
                }
                writer.write_record(&fields)?;
            }
            writer.flush()
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)
        }
        Format::Ndjson => {
            for row in &rows {
                serde_json::to_writer(&mut *out, row)?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Geojson => {
            // The deserts, as points to map: every origin beyond the largest ring.
            let features: Vec<serde_json::Value> = answer
                .summaries
                .iter()
                .flat_map(|summary| {
                    summary.deserts.iter().map(move |desert| {
                        let origin = &origins[desert.origin];
                        serde_json::json!({
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": [origin.location.lon(), origin.location.lat()]},
                            "properties": {
                                "level": summary.target.name,
                                "origin_id": origin.id,
                                "weight": desert.weight,
                                "distance": in_unit(desert.distance_m, unit),
                                "units": unit.symbol(),
                            },
                        })
                    })
                })
                .collect();
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({"type": "FeatureCollection", "features": features}),
            )?;
            writeln!(out)
        }
    }
}

fn table(out: &mut impl Write, rows: &[Row], unit: Unit) -> io::Result<()> {
    let symbol = unit.symbol();
    let level_width = rows.iter().map(|r| r.level.len()).max().unwrap_or(5).max(5);
    let rings: Vec<String> = rows
        .first()
        .map(|r| r.rings.iter().map(|r| format!("≤{}", r.ring)).collect())
        .unwrap_or_default();
    let mut header = format!("{:<level_width$}  {:>13}", "level", "weight");
    for ring in &rings {
        header.push_str(&format!("  {ring:>8}"));
    }
    header.push_str(&format!(
        "  {:>10}  {:>10}  {:>8}",
        format!("median {symbol}"),
        format!("p90 {symbol}"),
        "deserts"
    ));
    writeln!(out, "{header}")?;
    let distance = |d: Option<f64>| d.map_or("beyond".into(), |d| format!("{d:.1}"));
    for row in rows {
        let mut line = format!(
            "{:<level_width$}  {:>13}",
            row.level,
            format_weight(row.weight)
        );
        for ring in &row.rings {
            line.push_str(&format!("  {:>7.1}%", ring.share * 100.0));
        }
        line.push_str(&format!(
            "  {:>10}  {:>10}  {:>8}",
            distance(row.median),
            distance(row.p90),
            row.deserts
        ));
        writeln!(out, "{line}")?;
    }
    for row in rows {
        if let Some(measured) = &row.inequality {
            let [gini, palma, theil] = measured
                .cells()
                .map(|c| if c.is_empty() { "-".into() } else { c });
            writeln!(
                out,
                "{}: the distance's inequality over the weight: Gini {gini}, Palma {palma}, Theil T {theil}",
                row.level
            )?;
        }
    }
    let largest = rings
        .last()
        .map_or(String::new(), |r| r.trim_start_matches('≤').to_string());
    for row in rows.iter().filter(|r| r.deserts > 0) {
        let heaviest: Vec<String> = row
            .heaviest_deserts
            .iter()
            .take(DESERTS_SHOWN)
            .map(|d| {
                format!(
                    "{} ({}, {})",
                    d.origin_id,
                    format_weight(d.weight),
                    d.distance
                        .map_or("none".into(), |d| format!("{d:.0} {symbol}"))
                )
            })
            .collect();
        writeln!(
            out,
            "\n{}: {} origins beyond {largest} (weight {}); heaviest: {}",
            row.level,
            row.deserts,
            format_weight(row.desert_weight),
            heaviest.join(", ")
        )?;
    }
    Ok(())
}

/// A weight with thousands separators when it is a whole number.
fn format_weight(weight: f64) -> String {
    if weight.fract() != 0.0 || weight.abs() >= 1e15 {
        return format!("{weight:.1}");
    }
    let digits = format!("{}", weight as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// origin_id,level,facility_id,distance_m,distance,units for every origin and level.
fn per_origin(
    path: &std::path::Path,
    origins: &[Origin],
    answer: &Coverage,
    query: &CoverageQuery,
    unit: Unit,
) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::usage(format!("{}: {e}", path.display()));
    let mut writer = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
    writer
        .write_record([
            "origin_id",
            "level",
            "facility_id",
            "distance_m",
            "distance",
            "units",
        ])
        .map_err(|e| fail(&e))?;
    for (origin, row) in origins.iter().zip(&answer.nearest) {
        for (target, nearest) in query.targets.iter().zip(row) {
            let (id, meters) = match nearest {
                Some(n) => (n.facility.id(), Some(n.distance_m)),
                None => ("", None),
            };
            writer
                .write_record([
                    origin.id.as_str(),
                    &target.name,
                    id,
                    &meters.map_or(String::new(), |m| {
                        ((m * 1000.0).round() / 1000.0).to_string()
                    }),
                    &in_unit(meters, unit).map_or(String::new(), |d| d.to_string()),
                    unit.symbol(),
                ])
                .map_err(|e| fail(&e))?;
        }
    }
    writer.flush().map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_get_thousands_separators() {
        assert_eq!(format_weight(308_745_538.0), "308,745,538");
        assert_eq!(format_weight(999.0), "999");
        assert_eq!(format_weight(0.0), "0");
        assert_eq!(format_weight(2.5), "2.5");
    }
}
