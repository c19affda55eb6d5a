//! `carefind pathway`: the step-down options near a person, a block per stage.

use std::io::{self, IsTerminal, Write};

use carefind::analysis::pathway::{self, Pathway, PathwayQuery, Stage};
use carefind::{Distance, Unit};

use crate::args::{PathwayArgs, PathwayFormat};
use crate::failure::Failure;
use crate::find::{Outcome, attribute_filter};
use carefind::record::Shown;
use carefind::record::pathway::document;
use carefind_places as place;

use crate::dataset;
use crate::output::{Style, fit};

pub fn run(args: &PathwayArgs) -> Result<Outcome, Failure> {
    let unit: Unit = args.units.into();
    let distance = |flag: &str, text: &str| {
        Distance::parse(text, Some(unit)).map_err(|e| Failure::flag(flag, e))
    };
    let origin = place::resolve(&args.near).map_err(|e| Failure::flag("--near", e))?;
    let shown = crate::availability::shown(&args.availability, carefind::CareSet::EMPTY)?;
    let now = crate::availability::as_of(&args.availability)?;
    let attributes = attribute_filter(&args.attributes, now, args.availability.include_unknown)?;
    let filter = crate::availability::filter(attributes, shown.as_ref());
    let mut query = PathwayQuery::new(origin)
        .filter(filter)
        .per_step(args.limit)
        .pairs(args.pairs)
        .pair_within(distance("--pair-within", &args.pair_within)?);
    if let Some(from) = &args.from {
        let stage: Stage = from.parse().map_err(|e| Failure::flag("--from", e))?;
        if stage == Stage::Outpatient {
            return Err(Failure::flag(
                "--from",
                "outpatient is the last stage; start from detox, inpatient, residential, php or iop",
            ));
        }
        query = query.from(stage);
    }
    if let Some(within) = &args.within {
        query = query.within(distance("--within", within)?);
    }
    let index = dataset::load(args.data.as_deref())?;
    if args.drive.network.is_some() {
        return crate::drive::pathway(&args.drive, origin, &query, &index);
    }
    let path = pathway::pathway(&index, &query)?;
    let approximate = path.at_zip_centroids();
    if approximate > 0 {
        eprintln!(
            "carefind: {approximate} of the facilities below are placed only at their ZIP centroid, so their distances are approximate; --min-precision point leaves them out"
        );
    }

    let stdout = io::stdout();
    let format = args.format.unwrap_or(if stdout.is_terminal() {
        PathwayFormat::Table
    } else {
        PathwayFormat::Json
    });
    let width = terminal_size::terminal_size_of(&stdout).map_or(100, |(w, _)| usize::from(w.0));
    let mut out = io::BufWriter::new(stdout.lock());
    match format {
        PathwayFormat::Table => table(&mut out, &path, &query, unit, width, shown.as_deref())?,
        PathwayFormat::Json => {
            let document = document(&path, &query, unit, shown.as_deref());
            serde_json::to_writer_pretty(&mut out, &document).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    let found = path.steps.iter().any(|s| !s.options.is_empty()) || !path.pairs.is_empty();
    Ok(if found {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

fn table(
    out: &mut impl Write,
    path: &Pathway,
    query: &PathwayQuery,
    unit: Unit,
    width: usize,
    shown: Option<&Shown>,
) -> io::Result<()> {
    match query.from {
        Some(from) => writeln!(
            out,
            "After {from}, the nearest options of each later stage:"
        )?,
        None => writeln!(out, "The nearest options of every stage of care:")?,
    }
    for step in &path.steps {
        writeln!(out, "\n{} ({})", step.stage, step.stage.levels())?;
        let style = Style {
            format: crate::args::Format::Table,
            unit,
            batch: false,
            width,
            availability: shown
                .map(|shown| std::sync::Arc::new(shown.for_levels(step.stage.levels()))),
            fields: Vec::new(),
        };
        out.write_all(&style.render(None, &step.options, 1))?;
    }
    let within = query.pair_within.in_unit(unit);
    writeln!(
        out,
        "\nIOP or PHP with a sober-living home within {within} {}, by the whole trip",
        unit.symbol()
    )?;
    if path.pairs.is_empty() {
        return writeln!(out, "  (nothing found)");
    }
    let symbol = unit.symbol();
    let titles: [String; 7] = [
        "#".into(),
        format!("trip {symbol}"),
        "program".into(),
        format!("{symbol} away"),
        "sober-living home".into(),
        format!("{symbol} apart"),
        "home phone".into(),
    ];
    let in_unit = |m: f64| format!("{:.1}", Distance::from_meters(m).in_unit(unit));
    let rows: Vec<[String; 7]> = path
        .pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            [
                (i + 1).to_string(),
                in_unit(pair.trip_m),
                pair.program.facility.name().to_string(),
                in_unit(pair.program.distance_m.unwrap_or(0.0)),
                pair.home.name().to_string(),
                in_unit(pair.home_distance_m),
                pair.home.phone().to_string(),
            ]
        })
        .collect();
    let mut widths: [usize; 7] = std::array::from_fn(|c| {
        rows.iter()
            .map(|r| r[c].chars().count())
            .chain([titles[c].chars().count()])
            .max()
            .unwrap_or(0)
    });
    // The two names share what the numbers leave of the line, at least 16 each.
    let numbers: usize = [0, 1, 3, 5, 6].iter().map(|&c| widths[c]).sum();
    let room = width.saturating_sub(numbers + 2 + 2 * 6).max(32);
    if widths[2] + widths[4] > room {
        let half = room / 2;
        widths[2] = widths[2].min(half.max(room.saturating_sub(widths[4])).max(16));
        widths[4] = widths[4].min(room.saturating_sub(widths[2]).max(16));
    }
    for row in std::iter::once(&titles).chain(&rows) {
        let cell = |c: usize| fit(&row[c], widths[c]);
        let line = format!(
            "  {:>w0$}  {:>w1$}  {:<w2$}  {:>w3$}  {:<w4$}  {:>w5$}  {}",
            cell(0),
            cell(1),
            cell(2),
            cell(3),
            cell(4),
            cell(5),
            cell(6),
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4],
            w5 = widths[5],
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
