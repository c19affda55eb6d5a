//! `carefind find`: one query, or one per origin of a batch.

use std::io::{self, BufWriter, IsTerminal, Write};

use carefind::{Area, BBox, CareLevel, Distance, Filter, Index, Query, Set, Term, Unit};
use rayon::prelude::*;

use crate::args::{AttributeArgs, By, FindArgs, Format};
use crate::failure::Failure;
use crate::output::{Output, Style};
use carefind_places as place;

use crate::{dataset, origins};

/// Whether anything was found, for the exit code.
pub enum Outcome {
    Found,
    NothingFound,
}

pub fn run(args: &FindArgs) -> Result<Outcome, Failure> {
    // Check every argument before the data is loaded, so mistakes fail fast.
    let mut template = query(args)?;
    let shown = crate::availability::shown(&args.availability, template.filter.care)?;
    template.filter = crate::availability::filter(template.filter, shown.as_ref());
    let origins_source = match (&args.origins, args.near.as_deref()) {
        (Some(source), _) => Some(source.as_str()),
        (None, Some("-")) => Some("-"),
        _ => None,
    };
    let origin = match (origins_source, &args.near) {
        (None, Some(near)) => Some(place::resolve(near).map_err(|e| Failure::flag("--near", e))?),
        _ => None,
    };
    if origins_source.is_none() && origin.is_none() && matches!(template.area, Area::Everywhere) {
        return Err(Failure::usage(
            "nothing to search around: give --near PLACE, --origins FILE, --bbox or --polygon",
        ));
    }
    let index = dataset::load_to_search(args.data.as_deref())?;
    let outcome = answer(args, template, origin, origins_source, &index, shown)?;
    // Searches fail on damage they meet in a snapshot checked as it is read; this is for
    // anything else the answer read.
    match index.store().damage() {
        Some(error) => Err(Failure::Message(format!(
            "{}: {error}",
            args.data.as_deref().unwrap_or("the embedded sample")
        ))),
        None => Ok(outcome),
    }
}

/// Answers the query (or each origin's) on `index`.
fn answer(
    args: &FindArgs,
    template: Query,
    origin: Option<carefind::LatLon>,
    origins_source: Option<&str>,
    index: &Index,
    shown: Option<std::sync::Arc<carefind::record::Shown>>,
) -> Result<Outcome, Failure> {
    let stdout = io::stdout();
    let format = Format::chosen(args.format, &stdout);
    if args.by == By::DriveTime {
        return crate::drive::find(args, &template, origin, origins_source, index, format);
    }
    if args.by == By::Transit {
        return crate::transit::find(args, &template, origin, origins_source, index, format);
    }
    if args.count {
        return count(args, &template, origin, origins_source, index, format);
    }
    let style = Style {
        format: Format::chosen(args.format, &stdout),
        unit: args.units.into(),
        batch: origins_source.is_some(),
        width: terminal_size::terminal_size_of(&stdout)
            .map_or(100, |(width, _)| usize::from(width.0)),
        availability: shown,
        fields: fields(args, origins_source.is_some())?,
    };
    let out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match origins_source {
        Some(source) => batch(index, &template, style, source, args.strict, out),
        None => {
            let mut query = template;
            query.origin = origin;
            single(index, query, style, out)
        }
    }
}

/// The columns `--fields` chose, checked against the record's; empty for all.
fn fields(args: &FindArgs, batch: bool) -> Result<Vec<String>, Failure> {
    if args.fields.is_empty() {
        return Ok(Vec::new());
    }
    let mut all: Vec<&str> = Vec::new();
    if batch {
        all.push("origin_id");
    }
    all.extend(carefind::record::columns());
    crate::drive::chosen_fields(&all, &args.fields)
}

/// `--count`: one row per origin with the number of matching facilities.
fn count(
    args: &FindArgs,
    template: &Query,
    origin: Option<carefind::LatLon>,
    origins_source: Option<&str>,
    index: &Index,
    format: Format,
) -> Result<Outcome, Failure> {
    if args.within.is_none() && matches!(template.area, Area::Everywhere) {
        return Err(Failure::usage(
            "--count needs --within (or --bbox or --polygon): otherwise every facility counts",
        ));
    }
    let origins: Vec<(String, Option<carefind::LatLon>)> = match (origins_source, origin) {
        (Some(source), _) => origins::read(source, args.strict)?
            .origins
            .into_iter()
            .map(|o| (o.id, Some(o.location)))
            .collect(),
        (None, origin) => vec![(String::new(), origin)],
    };
    let mut counting = template.clone();
    (counting.limit, counting.offset) = (None, 0);
    let counts: Vec<Result<usize, carefind::QueryError>> = origins
        .par_iter()
        .map(|(_, origin)| {
            let mut query = counting.clone();
            query.origin = *origin;
            index.count(&query)
        })
        .collect();
    let fields = crate::drive::chosen_fields(&["origin_id", "count"], &args.fields)?;
    let mut rows = Vec::with_capacity(origins.len());
    let mut found = false;
    for ((id, _), count) in origins.iter().zip(counts) {
        let count = count?;
        found |= count > 0;
        rows.push(serde_json::Map::from_iter([
            ("origin_id".to_string(), serde_json::json!(id)),
            ("count".to_string(), serde_json::json!(count)),
        ]));
    }
    crate::drive::print_rows(format, &fields, &rows)?;
    Ok(if found {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

/// The query every origin shares: area, distance, filter, paging.
fn query(args: &FindArgs) -> Result<Query, Failure> {
    let unit: Unit = args.units.into();
    let mut query = Query::default().filter(filter(args)?).offset(args.offset);
    query.limit = (!args.all).then_some(args.limit);
    // With --by drive-time, --within is a time, read there.
    if let Some(within) = args.within.as_ref().filter(|_| args.by == By::Distance) {
        let distance =
            Distance::parse(within, Some(unit)).map_err(|e| Failure::flag("--within", e))?;
        query = query.max_distance(distance);
    }
    if let Some(bbox) = &args.bbox {
        query.area = Area::Box(
            bbox.parse::<BBox>()
                .map_err(|e| Failure::flag("--bbox", e))?,
        );
    }
    if let Some(path) = &args.polygon {
        query.area = Area::Polygon(polygon(path)?);
    }
    Ok(query)
}

fn filter(args: &FindArgs) -> Result<Filter, Failure> {
    let now = crate::availability::as_of(&args.availability)?;
    let include_unknown = args.availability.include_unknown;
    let attributes = match args.by {
        // By transit, hours are judged at each arrival, --open-for with them.
        By::Transit => crate::transit::without_hours(&args.attributes, "--by transit")?,
        _ => args.attributes.clone(),
    };
    Ok(attribute_filter(&attributes, now, include_unknown)?
        .care(set::<CareLevel>("--care", &args.care)?))
}

/// Tells on stderr how many closed facilities the answer left out, when it left out any.
pub fn tell_hidden(index: &Index, query: &Query) {
    if query.filter.include_closed || index.closed_count() == 0 {
        return;
    }
    let mut with_closed = query.clone();
    with_closed.filter = with_closed.filter.include_closed();
    let Ok(hits) = index.search(&with_closed) else {
        return;
    };
    let hidden = hits
        .iter()
        .take(query.limit.unwrap_or(usize::MAX))
        .filter(|hit| hit.facility.status().is_closed())
        .count();
    if hidden > 0 {
        eprintln!(
            "carefind: left out {hidden} closed facilit{} among these results (--include-closed shows them)",
            if hidden == 1 { "y" } else { "ies" }
        );
    }
}

/// Tells on stderr how many facilities the answer left out only because the data does not
/// say (no fresh availability report): unknown is not "no".
pub fn tell_left_out(index: &Index, query: &Query) {
    let Ok(left_out) = index.left_out(query) else {
        return;
    };
    let plural = |count: usize| if count == 1 { "y" } else { "ies" };
    for (count, why) in [
        (
            left_out.availability_unknown,
            "have no recent availability report",
        ),
        (left_out.hours_unknown, "list no opening hours"),
        (
            left_out.getting_in_unknown,
            "do not say how to get in (walk-in, medication, counseling)",
        ),
    ] {
        if count > 0 {
            eprintln!(
                "carefind: {count} more facilit{} match but {why}: call to ask (--include-unknown lists them)",
                plural(count)
            );
        }
    }
}

fn set<T: Term>(flag: &str, lists: &[String]) -> Result<Set<T>, Failure> {
    Set::parse_list(&lists.join(",")).map_err(|e| Failure::flag(flag, e))
}

/// The filter of --payment, --age, --population, --language, --medication, --kind,
/// --asam, --triage, --accreditation, --licensed-by, --min-precision, --include-closed, --verified-within and --telehealth, read by the library's
/// `Filter::from_words` as the HTTP API and Python read theirs.
/// `now` is what --open-now and the coming days are judged at; `include_unknown` keeps
/// the facilities whose hours or ways in are not listed.
pub fn attribute_filter(
    args: &AttributeArgs,
    now: jiff::Timestamp,
    include_unknown: bool,
) -> Result<Filter, Failure> {
    let words = [
        ("payment", args.payment.join(",")),
        ("age", args.age.join(",")),
        ("population", args.population.join(",")),
        ("language", args.language.join(",")),
        ("medication", args.medication.join(",")),
        ("kind", args.kind.join(",")),
        ("asam", args.asam.join(",")),
        ("accreditation", args.accreditation.join(",")),
        ("licensed_by", args.licensed_by.join(",")),
        ("triage", args.triage.join(",")),
        (
            "min_precision",
            args.min_precision.clone().unwrap_or_default(),
        ),
        ("include_closed", args.include_closed.to_string()),
        (
            "verified_within",
            args.verified_within.clone().unwrap_or_default(),
        ),
        ("telehealth", args.telehealth.to_string()),
        ("open_now", args.open_now.to_string()),
        ("open_at", args.open_at.clone().unwrap_or_default()),
        ("open_on", args.open_on.clone().unwrap_or_default()),
        ("evening", args.evening.to_string()),
        ("weekend", args.weekend.to_string()),
        ("open_for", args.open_for.clone().unwrap_or_default()),
        ("walk_in", args.walk_in.to_string()),
        ("walk_in_now", args.walk_in_now.to_string()),
        ("same_day_medication", args.same_day_medication.to_string()),
        (
            "no_counseling_requirement",
            args.no_counseling_requirement.to_string(),
        ),
        ("include_unknown", include_unknown.to_string()),
    ];
    let words = words.iter().map(|(name, value)| (*name, value.as_str()));
    let filter = Filter::from_words_at(words, now).map_err(|error| {
        Failure::flag(&format!("--{}", error.name.replace('_', "-")), error.source)
    })?;
    if !args.triage.is_empty() {
        // Say what the provisional level was taken to mean.
        let care = carefind::asam::care_of(filter.asam);
        eprintln!(
            "carefind: --triage {}: ASAM {} (levels of care: {care})",
            args.triage.join(","),
            filter
                .asam
                .iter()
                .map(|level| level.name())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    Ok(filter)
}

/// The polygon of a GeoJSON file.
fn polygon(path: &std::path::Path) -> Result<geo::Polygon<f64>, Failure> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("--polygon {name}: {e}")))?;
    carefind::polygon::from_geojson(&text)
        .map_err(|e| Failure::usage(format!("--polygon {name}: {e}")))
}

fn single(index: &Index, query: Query, style: Style, out: impl Write) -> Result<Outcome, Failure> {
    let hits = index.search(&query)?;
    tell_hidden(index, &query);
    tell_left_out(index, &query);
    let first_rank = query.offset.saturating_add(1);
    let mut output = Output::begin(style.clone(), out)?;
    output.block(&style.render(None, &hits, first_rank), hits.len())?;
    output.end()?;
    Ok(if hits.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

/// Origins are answered in chunks, each spread over every core, and written in input order.
fn batch(
    index: &Index,
    template: &Query,
    style: Style,
    source: &str,
    strict: bool,
    out: impl Write,
) -> Result<Outcome, Failure> {
    let origins = origins::read(source, strict)?;
    let progress = (io::stderr().is_terminal() && origins.origins.len() > 1_000).then(|| {
        let bar = indicatif::ProgressBar::new(origins.origins.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} origins ({eta} left)")
                .expect("valid template"),
        );
        bar
    });
    let mut output = Output::begin(style.clone(), out)?;
    let mut found = 0;
    for chunk in origins.origins.chunks(2_048) {
        let blocks: Vec<Result<(Vec<u8>, usize), Failure>> = chunk
            .par_iter()
            .with_min_len(64)
            .map(|origin| {
                let mut query = template.clone();
                query.origin = Some(origin.location);
                let hits = index.search(&query)?;
                Ok((
                    style.render(Some(&origin.id), &hits, query.offset.saturating_add(1)),
                    hits.len(),
                ))
            })
            .collect();
        for block in blocks {
            let (bytes, count) = block?;
            output.block(&bytes, count)?;
            found += count;
        }
        if let Some(bar) = &progress {
            bar.inc(chunk.len() as u64);
        }
    }
    output.end()?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    eprintln!(
        "carefind: origins: {} read, {} answered, {} rejected",
        origins.read,
        origins.origins.len(),
        origins.rejected
    );
    Ok(if found > 0 {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}
