//! `carefind availability compliance`: whether each facility kept its availability current.

use std::io::{self, Write};

use carefind::availability::compliance::{self, Report, Rule, Window};
use jiff::Timestamp;

use crate::args::{AvailabilityComplianceArgs, FeedFormatArg, RuleArg};
use crate::availability::{open_existing, store_failure};
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome;

/// The columns of the CSV, one row per facility.
const COLUMNS: [&str; 12] = [
    "id",
    "name",
    "state",
    "zone",
    "days",
    "days_updated",
    "longest_gap",
    "most_missed_in_a_month",
    "noncompliant",
    "last_update",
    "last_label",
    "rule",
];

pub fn run(args: &AvailabilityComplianceArgs) -> Result<Outcome, Failure> {
    let mut rule = match args.rule {
        RuleArg::Colorado => Rule::COLORADO,
    };
    if let Some(days) = args.max_gap_days {
        rule.max_gap_days = days;
    }
    if let Some(days) = args.max_missed_in_month {
        rule.max_missed_in_month = days;
    }
    let window = Window::asked(args.since, args.until, Timestamp::now())
        .map_err(|e| Failure::usage(format!("--since/--until: {e}")))?;
    let store = open_existing(&args.store.store)?;
    let index = dataset::load(args.data.as_deref())?;
    let report = compliance::report_of_store(&store, index.facilities(), &window, &rule)
        .map_err(store_failure)?;
    let mut out = io::stdout().lock();
    match args.format {
        FeedFormatArg::Json => {
            serde_json::to_writer_pretty(&mut out, &report).expect("reports serialize");
            writeln!(out)?;
        }
        FeedFormatArg::Ndjson => {
            for row in &report.facilities {
                serde_json::to_writer(&mut out, row).expect("rows serialize");
                writeln!(out)?;
            }
            summarize(&report);
        }
        FeedFormatArg::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record(COLUMNS).map_err(io::Error::from)?;
            let rule_name = format!(
                "{} or more days in a row, or {} in a month",
                rule.max_gap_days, rule.max_missed_in_month
            );
            for row in &report.facilities {
                let judged = &row.judged;
                writer
                    .write_record([
                        row.id.as_str(),
                        &carefind::record::spreadsheet_safe(&row.name),
                        &row.state,
                        &row.zone,
                        &judged.days.to_string(),
                        &judged.days_updated.to_string(),
                        &judged.longest_gap.to_string(),
                        &judged.most_missed_in_a_month.to_string(),
                        if judged.noncompliant { "yes" } else { "no" },
                        &row.last_update.map(|at| at.to_string()).unwrap_or_default(),
                        row.last_label.as_deref().unwrap_or_default(),
                        &rule_name,
                    ])
                    .map_err(io::Error::from)?;
            }
            writer.flush()?;
            summarize(&report);
        }
    }
    out.flush()?;
    Ok(if report.noncompliant() == 0 {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

/// The summaries by state and by label, on stderr.
fn summarize(report: &Report) {
    eprintln!(
        "carefind: {} to {}: {} of {} facilities noncompliant",
        report.since,
        report.until,
        report.noncompliant(),
        report.facilities.len()
    );
    for (title, summaries) in [("state", &report.by_state), ("label", &report.by_label)] {
        for summary in summaries {
            let share = if summary.days == 0 {
                0.0
            } else {
                100.0 * summary.days_updated as f64 / summary.days as f64
            };
            let key = if summary.key.is_empty() {
                "(none)"
            } else {
                &summary.key
            };
            eprintln!(
                "carefind: {title} {key}: {} facilities, {} noncompliant, updated on {share:.1} % of their days",
                summary.facilities, summary.noncompliant
            );
        }
    }
}
