//! `carefind stats`: how many facilities offer each level of care, take each payment,
//! lie in each state...

use std::collections::BTreeMap;
use std::io::{self, Write};

use carefind::{Facility, Set, Term};
use serde::Serialize;

use crate::args::{Format, StatsArgs, StatsBy};
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome;

/// One line of the counts.
#[derive(Debug, PartialEq, Serialize)]
pub struct Count {
    by: &'static str,
    key: String,
    count: usize,
    /// The share of all facilities.
    share: f64,
}

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

pub fn count(facilities: &[Facility], by: StatsBy) -> Vec<Count> {
    let total = facilities.len();
    let (name, counts): (&'static str, Vec<(String, usize)>) = match by {
        StatsBy::Care => ("care", terms(facilities, |f| f.care)),
        StatsBy::Payment => ("payment", terms(facilities, |f| f.payment)),
        StatsBy::Language => ("language", terms(facilities, |f| f.languages)),
        StatsBy::Age => ("age", terms(facilities, |f| f.ages)),
        StatsBy::Population => ("population", terms(facilities, |f| f.populations)),
        StatsBy::Medication => ("medication", terms(facilities, |f| f.medications)),
        StatsBy::Kind => ("kind", terms(facilities, |f| f.kinds)),
        StatsBy::MhType => ("mh-type", terms(facilities, |f| f.mh_types)),
        StatsBy::Precision => {
            let zip = facilities
                .iter()
                .filter(|f| f.precision == carefind::Precision::Zip)
                .count();
            (
                "precision",
                vec![("point".into(), total - zip), ("zip".into(), zip)],
            )
        }
        StatsBy::Status => (
            "status",
            carefind::Status::ALL
                .iter()
                .map(|status| {
                    let count = facilities.iter().filter(|f| f.status == *status).count();
                    (status.to_string(), count)
                })
                .collect(),
        ),
        StatsBy::State => {
            let mut states: BTreeMap<String, usize> = BTreeMap::new();
            for facility in facilities {
                let state = match facility.state.trim() {
                    "" => "(none)".to_string(),
                    state => state.to_ascii_uppercase(),
                };
                *states.entry(state).or_default() += 1;
            }
            ("state", states.into_iter().collect())
        }
    };
    counts
        .into_iter()
        .map(|(key, count)| Count {
            by: name,
            key,
            count,
            share: if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            },
        })
        .collect()
}

/// Facilities per term, in the vocabulary's order, then those with none.
fn terms<T: Term>(
    facilities: &[Facility],
    set: impl Fn(&Facility) -> Set<T>,
) -> Vec<(String, usize)> {
    let mut per_term = vec![0; T::ALL.len()];
    let mut none = 0;
    for facility in facilities {
        let terms = set(facility);
        none += usize::from(terms.is_empty());
        for term in terms.iter() {
            per_term[term.index()] += 1;
        }
    }
    let mut counts: Vec<(String, usize)> = T::ALL
        .iter()
        .zip(per_term)
        .map(|(term, count)| (term.name().to_string(), count))
        .collect();
    if none > 0 {
        counts.push(("(none)".into(), none));
    }
    counts
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

    #[test]
    fn counts_follow_the_vocabulary_and_add_facilities_without_any() {
        let index = carefind::Index::sample();
        let counts = count(index.facilities(), StatsBy::Care);
        assert_eq!(
            counts.len(),
            carefind::CareLevel::ALL.len(),
            "every facility has care"
        );
        assert_eq!(counts[0].key, "hospital-detox");
        let iop = counts.iter().find(|c| c.key == "iop").unwrap();
        let expected = index
            .facilities()
            .iter()
            .filter(|f| f.care.contains(carefind::CareLevel::Iop))
            .count();
        assert_eq!(iop.count, expected);
        let languages = count(index.facilities(), StatsBy::Language);
        let none = languages.last().unwrap();
        assert_eq!(none.key, "(none)");
        assert_eq!(
            none.count,
            index
                .facilities()
                .iter()
                .filter(|f| f.languages.is_empty())
                .count()
        );
    }
}
