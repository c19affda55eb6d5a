//! `carefind stats`: how many facilities offer each level of care, take each payment,
//! lie in each state...

use std::io::{self, Write};

use carefind::analysis::counts::{Count, count};

use crate::args::{Format, StatsArgs};
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome;

pub fn run(args: &StatsArgs) -> Result<Outcome, Failure> {
    let index = dataset::load(args.data.as_deref())?;
    let counts = count(index.facilities(), args.by);
    let stdout = io::stdout();
    let format = Format::chosen(args.format, &stdout);
    let mut out = io::BufWriter::new(stdout.lock());
    render(&mut out, &counts, format, index.len())?;
    out.flush()?;
    Ok(if index.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

fn render(out: &mut impl Write, counts: &[Count], format: Format, total: usize) -> io::Result<()> {
    match format {
        Format::Table => {
            let width = counts.iter().map(|c| c.key.len()).max().unwrap_or(0).max(5);
            let by = counts.first().map_or("key", |c| c.by);
            writeln!(out, "{by:<width$}  {:>8}  {:>6}", "count", "share")?;
            for c in counts {
                writeln!(
                    out,
                    "{:<width$}  {:>8}  {:>5.1}%",
                    c.key,
                    c.count,
                    c.share * 100.0
                )?;
            }
            writeln!(
                out,
                "{:<width$}  {total:>8}  (facilities; one can count under several)",
                "total"
            )
        }
        Format::Csv | Format::Tsv => {
            let delimiter = if format == Format::Csv { b',' } else { b'\t' };
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(out);
            for c in counts {
                writer.serialize(c).map_err(io::Error::other)?;
            }
            writer.flush()
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, counts)?;
            writeln!(out)
        }
        Format::Ndjson => {
            for c in counts {
                serde_json::to_writer(&mut *out, c)?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Geojson => {
            // Counts have no place: features without geometry, as GeoJSON allows.
            let features: Vec<serde_json::Value> = counts
                .iter()
                .map(|c| serde_json::json!({"type": "Feature", "geometry": null, "properties": c}))
                .collect();
            let collection = serde_json::json!({"type": "FeatureCollection", "features": features});
            serde_json::to_writer(&mut *out, &collection)?;
            writeln!(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carefind::analysis::counts::By;

    #[test]
    fn counts_follow_the_vocabulary_and_add_facilities_without_any() {
        let index = carefind::Index::sample();
        let counts = count(index.facilities(), By::Care);
        assert_eq!(
            counts.len(),
            carefind::CareLevel::ALL.len(),
            "every facility has care"
        );
        assert_eq!(counts[0].key, "hospital-detox");
        let iop = counts.iter().find(|c| c.key == "iop").unwrap();
        let expected = index
            .facilities()
            .filter(|f| f.care().contains(carefind::CareLevel::Iop))
            .count();
        assert_eq!(iop.count, expected);
        let languages = count(index.facilities(), By::Language);
        let none = languages.last().unwrap();
        assert_eq!(none.key, "(none)");
        assert_eq!(
            none.count,
            index
                .facilities()
                .filter(|f| f.languages().is_empty())
                .count()
        );
    }
}
