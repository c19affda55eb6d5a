//! `carefind import`: other formats into one carefind CSV, with the tally on stderr.

use carefind::load::Format;
use std::io;
use std::path::Path;

use carefind::load::LoadReport;
use carefind::merge::{self, MergeOptions, Merged};
use carefind::staged::StagedFile;
use carefind::{Distance, Unit};

use crate::args::ImportArgs;
use crate::failure::Failure;
use crate::find::Outcome;
use crate::input;

/// How many of each kind of note the tally on stderr lists; --report lists all.
const SHOWN: usize = 10;

pub fn run(args: &ImportArgs) -> Result<Outcome, Failure> {
    let options = input::options(&args.input, args.lenient)?;
    let verified = match &args.verified {
        None => None,
        Some(text) => Some(text.trim().parse::<jiff::civil::Date>().map_err(|_| {
            Failure::flag(
                "--verified",
                format!("{text:?} is not a date written YYYY-MM-DD"),
            )
        })?),
    };
    let within = Distance::parse(&args.merge_within, Some(Unit::Meters))
        .map_err(|e| Failure::flag("--merge-within", e))?;
    let mut sources = Vec::with_capacity(args.inputs.len());
    let mut capacities = Vec::new();
    let mut reports = Vec::with_capacity(args.inputs.len());
    for path in &args.inputs {
        let (mut loaded, beds) = input::load_all(path, &args.input, &options)?;
        capacities.extend(beds);
        // Unless told, a listing names its publisher (when the format has one) and the file:
        // pages show it as where the listings come from.
        let source = args.source.clone().unwrap_or_else(|| {
            let file = match path.as_str() {
                "-" => "<stdin>".to_string(),
                path => Path::new(path).file_name().map_or_else(
                    || path.to_string(),
                    |name| name.to_string_lossy().into_owned(),
                ),
            };
            match input::format_of(path, &args.input).and_then(Format::publisher) {
                Some(publisher) => format!("{publisher} ({file})"),
                None => file,
            }
        });
        for facility in &mut loaded.facilities {
            if facility.source.is_empty() {
                facility.source.clone_from(&source);
            }
            if facility.verified.is_none() {
                facility.verified = verified;
            }
        }
        tell(&loaded.report, args.report.is_some());
        tell_credentials(&loaded.facilities);
        reports.push(loaded.report.clone());
        sources.push(loaded);
    }
    let mut merge_options = MergeOptions::default();
    merge_options.within = within;
    let merged = merge::merge(sources, &merge_options);
    if args.inputs.len() > 1 {
        tell_merges(&merged, args.report.is_some());
    }
    // Every output is written in full before any replaces its target: a failure leaves
    // every target as it was.
    let mut staged = Vec::new();
    if let Some(path) = &args.report {
        let mut report = StagedFile::new(path)?;
        write_report(report.file(), path, &reports, &merged)?;
        staged.push(report);
    }
    if let Some(path) = &args.snapshot {
        let mut snapshot = StagedFile::new(path)?;
        let store = carefind::FacilityStore::new(merged.facilities.clone())?;
        carefind::snapshot::to_writer(io::BufWriter::new(snapshot.file()), &store)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        staged.push(snapshot);
    }
    if args.output == "-" {
        write_stdout(&merged)?;
    } else {
        let mut output = StagedFile::new(&args.output)?;
        carefind::save::to_writer(
            io::BufWriter::new(output.file()),
            &args.output,
            &merged.facilities,
        )?;
        staged.push(output);
    }
    carefind::staged::commit_all(staged)?;
    keep_capacities(&capacities, args.store.as_deref())?;
    if let Some(path) = &args.snapshot {
        eprintln!("carefind: wrote the snapshot {}", path.display());
    }
    eprintln!(
        "carefind: wrote {} facilities to {}",
        merged.facilities.len(),
        if args.output == "-" {
            "stdout"
        } else {
            &args.output
        }
    );
    Ok(if merged.facilities.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

/// Applies an HSDS input's bed counts to the store, or says they were left.
fn keep_capacities(
    capacities: &[carefind::availability::Update],
    store: Option<&str>,
) -> Result<(), Failure> {
    if capacities.is_empty() {
        return Ok(());
    }
    let Some(path) = store else {
        eprintln!(
            "carefind: {} bed counts (service_capacity) were not kept: give --store FILE to keep them",
            capacities.len()
        );
        return Ok(());
    };
    let mut store =
        crate::availability::open_store(path).map_err(|e| Failure::flag("--store", e))?;
    let tally = store
        .apply(capacities, jiff::Timestamp::now())
        .map_err(|e| Failure::flag("--store", e))?;
    eprintln!(
        "carefind: {} bed counts into {}: applied {}, stale {}",
        capacities.len(),
        carefind::availability::store::redact(path),
        tally.applied,
        tally.stale
    );
    Ok(())
}

/// Writes the dataset to stdout.
fn write_stdout(merged: &Merged) -> Result<(), Failure> {
    let stdout = io::stdout();
    match carefind::save::to_writer(
        io::BufWriter::new(stdout.lock()),
        "stdout",
        &merged.facilities,
    ) {
        Err(carefind::Error::Io { source, .. }) => Err(Failure::from(source)),
        other => other.map_err(Failure::from),
    }
}

/// Prints the first few of `total` lines, and how many more there are.
fn list(total: usize, lines: impl Iterator<Item = String>, with_report: bool) {
    for line in lines.take(SHOWN) {
        eprintln!("    {line}");
    }
    if total > SHOWN {
        let hint = if with_report {
            ""
        } else {
            "; --report FILE lists all"
        };
        eprintln!("    ... and {} more{hint}", total - SHOWN);
    }
}

/// The tally of one input, on stderr.
fn tell(report: &LoadReport, with_report: bool) {
    eprintln!("carefind: {report}");
    let rejected = report.rejected.iter().map(|row| format!("rejected: {row}"));
    list(report.rejected.len(), rejected, with_report);
    let repaired = report.repairs.iter().map(|r| format!("repaired: {r}"));
    list(report.repairs.len(), repaired, with_report);
    let unknown = report
        .unknown_labels
        .iter()
        .map(|(label, rows)| format!("unknown label, kept as a service: {label:?} ({rows} rows)"));
    list(report.unknown_labels.len(), unknown, with_report);
    if !report.placed.is_empty() {
        let placed: Vec<String> = report
            .placed
            .iter()
            .map(|(how, rows)| format!("{rows} {how}"))
            .collect();
        eprintln!("    placed: {}", placed.join(", "));
    }
    if !report.ignored_columns.is_empty() {
        eprintln!(
            "    columns not read: {}",
            report.ignored_columns.join(", ")
        );
    }
    let notes = report.notes.iter().map(|note| format!("not used: {note}"));
    list(report.notes.len(), notes, with_report);
}

/// How many of the loaded facilities hold each credential: the quality signals the input
/// carried, counted as `stats --by credential` counts them.
fn tell_credentials(facilities: &[carefind::Facility]) {
    let counts = carefind::analysis::counts::count(
        facilities.iter().map(carefind::FacilityRef::from),
        carefind::analysis::counts::By::Credential,
    );
    let held: Vec<String> = counts
        .iter()
        .filter(|count| count.count > 0 && count.key != "(none)")
        .map(|count| format!("{} {}", count.key, count.count))
        .collect();
    if !held.is_empty() {
        eprintln!("    credentials: {}", held.join(", "));
    }
}

fn tell_merges(merged: &Merged, with_report: bool) {
    eprintln!(
        "carefind: merged {} listings into facilities of earlier inputs; {} ids renamed",
        merged.merges.len(),
        merged.renamed.len()
    );
    let merges = merged.merges.iter().map(|merge| format!("merged: {merge}"));
    list(merged.merges.len(), merges, with_report);
    for renamed in &merged.renamed {
        eprintln!(
            "    renamed: {} {} is {} (the id was taken)",
            renamed.source, renamed.id, renamed.new_id
        );
    }
}

/// Every note of the import as CSV: kind,source,line,column,value,detail.
fn write_report(
    file: &mut std::fs::File,
    path: &Path,
    reports: &[LoadReport],
    merged: &Merged,
) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::usage(format!("{}: {e}", path.display()));
    let mut out = csv::Writer::from_writer(io::BufWriter::new(file));
    out.write_record(["kind", "source", "line", "column", "value", "detail"])
        .map_err(|e| fail(&e))?;
    let mut rows: Vec<[String; 6]> = Vec::new();
    for report in reports {
        let source = &report.source;
        for row in &report.rejected {
            rows.push([
                "rejected".into(),
                source.clone(),
                row.line.to_string(),
                row.column.clone().unwrap_or_default(),
                row.value.clone(),
                row.problem.to_string(),
            ]);
        }
        for repair in &report.repairs {
            rows.push([
                "repaired".into(),
                source.clone(),
                repair.line.to_string(),
                repair.column.clone(),
                repair.value.clone(),
                repair.what.to_string(),
            ]);
        }
        for (label, count) in &report.unknown_labels {
            rows.push([
                "unknown-label".into(),
                source.clone(),
                String::new(),
                String::new(),
                label.clone(),
                format!("{count} rows; kept as a service"),
            ]);
        }
    }
    for merge in &merged.merges {
        rows.push([
            "merged".into(),
            merge.source.clone(),
            String::new(),
            "id".into(),
            merge.merged.clone(),
            merge.to_string(),
        ]);
    }
    for renamed in &merged.renamed {
        rows.push([
            "renamed".into(),
            renamed.source.clone(),
            String::new(),
            "id".into(),
            renamed.id.clone(),
            format!("now {}", renamed.new_id),
        ]);
    }
    for row in rows {
        out.write_record(&row).map_err(|e| fail(&e))?;
    }
    out.flush().map_err(|e| fail(&e))
}
