//! `carefind reports list|resolve|export`: the problem reports people sent from the
//! facility pages, for the operator.

use std::io::{self, Write};

use carefind::availability::check_label;
use carefind::availability::problems::{self, ProblemReport, Which};
use carefind::availability::store::Resolved;
use carefind::record::spreadsheet_safe;
use jiff::Timestamp;

use crate::args::{FeedFormatArg, ReportsCommand, ReportsResolveArgs};
use crate::availability::{open_existing, store_failure};
use crate::failure::Failure;
use crate::find::Outcome;

pub fn run(command: &ReportsCommand) -> Result<Outcome, Failure> {
    match command {
        ReportsCommand::List(args) => {
            let which = if args.all { Which::All } else { Which::Open };
            let store = open_existing(&args.store.store)?;
            let reports = store
                .problems(which, args.facility.as_deref())
                .map_err(store_failure)?;
            write(&reports, args.format)
        }
        ReportsCommand::Export(args) => {
            let store = open_existing(&args.store.store)?;
            let reports = store.problems(Which::All, None).map_err(store_failure)?;
            write(&reports, args.format)
        }
        ReportsCommand::Resolve(args) => resolve(args),
    }
}

/// The reports in `format`; the counts per facility on stderr (in the document for
/// JSON). Exit 1 when there are none.
fn write(reports: &[ProblemReport], format: FeedFormatArg) -> Result<Outcome, Failure> {
    let counts = problems::counts(reports);
    let mut out = io::stdout().lock();
    match format {
        FeedFormatArg::Json => {
            let document = serde_json::json!({"reports": reports, "counts": counts});
            serde_json::to_writer_pretty(&mut out, &document).expect("reports serialize");
            writeln!(out)?;
        }
        FeedFormatArg::Ndjson => {
            for report in reports {
                serde_json::to_writer(&mut out, report).expect("reports serialize");
                writeln!(out)?;
            }
        }
        FeedFormatArg::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer
                .write_record(problems::COLUMNS)
                .map_err(io::Error::from)?;
            for report in reports {
                // The details are a stranger's words: a spreadsheet must not run them.
                let row = problems::row(report).map(|cell| spreadsheet_safe(&cell).into_owned());
                writer.write_record(&row).map_err(io::Error::from)?;
            }
            writer.flush()?;
        }
    }
    out.flush()?;
    if format != FeedFormatArg::Json {
        for count in &counts {
            eprintln!(
                "carefind: {}: {} open, {} resolved",
                count.id, count.open, count.resolved
            );
        }
    }
    Ok(if reports.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

fn resolve(args: &ReportsResolveArgs) -> Result<Outcome, Failure> {
    if let Some(label) = &args.label {
        check_label(label)
            .map_err(|problem| Failure::usage(format!("--label {label:?} {problem}")))?;
    }
    let note = problems::check_details(&args.note)
        .map_err(|problem| Failure::usage(format!("--note {problem}")))?;
    let mut store = open_existing(&args.store.store)?;
    let now = Timestamp::now();
    let report = match store
        .resolve_problem(args.number, &note, args.label.as_deref(), now)
        .map_err(store_failure)?
    {
        Resolved::Now(report) => report,
        Resolved::Already(report) => {
            let at = report
                .resolved
                .as_ref()
                .map(|r| r.at.to_string())
                .unwrap_or_default();
            return Err(Failure::usage(format!(
                "report {} was resolved at {at}; it keeps its first resolution",
                args.number
            )));
        }
        Resolved::Missing => {
            return Err(Failure::usage(format!(
                "no report has number {}",
                args.number
            )));
        }
    };
    eprintln!(
        "carefind: report {} ({}, {}) resolved",
        report.number, report.id, report.reason
    );
    if let Some(accepting) = &args.set_accepting {
        // The facility's own report again, as of now, with accepting changed: what it
        // stated of beds and ways in stays stated.
        let mut update = store
            .current_of(&report.id)
            .map_err(store_failure)?
            .into_iter()
            .find(|update| update.care.is_none())
            .unwrap_or_else(|| carefind::availability::Update::new(&report.id, now));
        update.accepting = Some(accepting == "yes");
        update.updated_at = now;
        store
            .apply_labelled(&[update], args.label.as_deref(), now)
            .map_err(store_failure)?;
        eprintln!(
            "carefind: {} reported as {} new patients",
            report.id,
            if accepting == "yes" {
                "accepting"
            } else {
                "not accepting"
            }
        );
    }
    Ok(Outcome::Found)
}
