//! `carefind availability` (import, show, export) and the availability flags of `find` and
//! `pathway`.

use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;

use carefind::availability::feed::{self, Check, FeedFormat};
use carefind::availability::store::{HistoryEntry, Store, StoreErrorKind, file_of, redact};
use carefind::availability::{Need, Update};
use carefind::hours::WalkIn;
use carefind::record::Shown;
use carefind::words::parse_age;
use carefind::{CareSet, Filter};
use jiff::Timestamp;

use crate::args::{
    AvailabilityArgs, AvailabilityCommand, AvailabilityExportArgs, AvailabilityImportArgs,
    AvailabilityShowArgs, FeedFormatArg, ShowFormat,
};
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome;

pub fn run(command: &AvailabilityCommand) -> Result<Outcome, Failure> {
    match command {
        AvailabilityCommand::Import(args) => import(args),
        AvailabilityCommand::Show(args) => show(args),
        AvailabilityCommand::Export(args) => export(args),
        AvailabilityCommand::Compliance(args) => crate::compliance::run(args),
    }
}

/// The instant answers are judged at: `--as-of`, or now.
pub fn as_of(args: &AvailabilityArgs) -> Result<Timestamp, Failure> {
    match &args.as_of {
        None => Ok(Timestamp::now()),
        Some(text) => text.parse().map_err(|_| {
            Failure::flag(
                "--as-of",
                format!("{text:?} is not an RFC 3339 time such as 2026-06-01T12:00:00Z"),
            )
        }),
    }
}

/// The availability `find` and `pathway` show and filter by: `None` without a store.
/// With a need but no store, says which flag needs one.
pub fn shown(args: &AvailabilityArgs, care: CareSet) -> Result<Option<Arc<Shown>>, Failure> {
    let fresh_within =
        parse_age(&args.fresh_within, None).map_err(|e| Failure::flag("--fresh-within", e))?;
    let mut need = Need::at(as_of(args)?).fresh_within(fresh_within);
    if args.accepting {
        need = need.accepting();
    }
    if let Some(beds) = args.open_beds {
        need = need.open_beds(beds);
    }
    if let Some(days) = args.max_wait {
        need = need.max_wait_days(days);
    }
    if args.include_unknown {
        need = need.or_unknown();
    }
    let Some(path) = &args.store else {
        if need.asks_anything() {
            let flag = if args.accepting {
                "--accepting"
            } else if args.open_beds.is_some() {
                "--open-beds"
            } else {
                "--max-wait"
            };
            return Err(Failure::usage(format!(
                "{flag} needs availability: give --store FILE (or set CAREFIND_STORE)"
            )));
        }
        return Ok(None);
    };
    let table = Arc::new(open_existing(path)?.load().map_err(store_failure)?);
    Ok(Some(Arc::new(Shown { table, care, need })))
}

/// Adds the availability need of `shown` to `filter`.
pub fn filter(filter: Filter, shown: Option<&Arc<Shown>>) -> Filter {
    match shown {
        Some(shown) => filter.available(shown.table.clone(), shown.need),
        None => filter,
    }
}

/// A store that must exist already (queries never create one).
pub fn open_existing(spec: &str) -> Result<Store, Failure> {
    if let Some(path) = file_of(spec)
        && !path.exists()
    {
        return Err(Failure::usage(format!(
            "--store {}: no such file (create it with `carefind availability import FEED --store {}`)",
            path.display(),
            path.display()
        )));
    }
    open_store(spec).map_err(store_failure)
}

/// Opens the store `spec` names (an SQLite file is created on first use). A password
/// written into a URL on the command line is refused: every user of the machine can read
/// a process's arguments. It may come in `CAREFIND_STORE`, `PGPASSWORD` or the file
/// `CAREFIND_STORE_PASSWORD_FILE` names.
pub fn open_store(spec: &str) -> Result<Store, carefind::StoreError> {
    let from_environment = std::env::var("CAREFIND_STORE").is_ok_and(|given| given == spec);
    if redact(spec) != spec && !from_environment {
        return Err(carefind::StoreError::new(
            &redact(spec),
            StoreErrorKind::Spec(
                "a password in --store would be visible to every user of this machine; give it in PGPASSWORD or the file CAREFIND_STORE_PASSWORD_FILE names",
            ),
            None,
        ));
    }
    Store::connect(spec)
}

pub fn store_failure(error: carefind::StoreError) -> Failure {
    Failure::usage(carefind::error::chain(&error))
}

fn import(args: &AvailabilityImportArgs) -> Result<Outcome, Failure> {
    let name = if args.feed == "-" {
        "<stdin>"
    } else {
        args.feed.as_str()
    };
    let mut bytes = Vec::new();
    let read = if args.feed == "-" {
        io::stdin().lock().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(&args.feed).and_then(|mut file| file.read_to_end(&mut bytes))
    };
    read.map_err(|e| Failure::usage(format!("{name}: {e}")))?;
    let format = match args.format {
        Some(FeedFormatArg::Csv) => FeedFormat::Csv,
        Some(FeedFormatArg::Json) => FeedFormat::Json,
        Some(FeedFormatArg::Ndjson) => FeedFormat::Ndjson,
        None => {
            FeedFormat::of_path(Path::new(&args.feed)).unwrap_or_else(|| FeedFormat::sniff(&bytes))
        }
    };
    if let Some(label) = &args.label {
        carefind::availability::check_label(label)
            .map_err(|problem| Failure::usage(format!("--label {label:?} {problem}")))?;
    }
    let index = dataset::load(args.data.as_deref())?;
    let known = |id: &str| index.get(id).is_some();
    let now = Timestamp::now();
    let feed = feed::read(&bytes, format, &Check::at(now).known_ids(&known))
        .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
    let rejected = feed.rejected();
    for problem in feed.problems.iter().take(args.max_problems) {
        eprintln!("carefind: {name}: {problem}");
    }
    if feed.problems.len() > args.max_problems {
        eprintln!(
            "carefind: {name}: ... and {} more problems",
            feed.problems.len() - args.max_problems
        );
    }
    if rejected > 0 && !args.lenient {
        eprintln!(
            "carefind: {name}: read {}, applied 0, stale 0, rejected {rejected}: nothing applied (--lenient applies the good rows)",
            feed.read
        );
        return Err(Failure::usage(format!(
            "{name}: {rejected} bad rows; the store is unchanged"
        )));
    }
    let mut store = open_store(&args.store.store).map_err(store_failure)?;
    let tally = store
        .apply_labelled(&feed.updates, args.label.as_deref(), now)
        .map_err(store_failure)?;
    eprintln!(
        "carefind: {name}: read {}, applied {}, stale {}, rejected {rejected}",
        feed.read, tally.applied, tally.stale
    );
    Ok(Outcome::Found)
}

fn show(args: &AvailabilityShowArgs) -> Result<Outcome, Failure> {
    let store = open_existing(&args.store.store)?;
    let current = store.current_of(&args.id).map_err(store_failure)?;
    let history = store
        .history_of(&args.id, args.history)
        .map_err(store_failure)?;
    let mut out = io::stdout().lock();
    match args.format {
        ShowFormat::Json => {
            let history: Vec<serde_json::Value> = history
                .iter()
                .map(|entry| {
                    let mut value = serde_json::to_value(&entry.update).expect("updates serialize");
                    value["received_at"] = entry.received_at.to_string().into();
                    value["applied"] = entry.applied.into();
                    value["label"] = entry.label.clone().into();
                    value
                })
                .collect();
            let document = serde_json::json!({
                "id": args.id,
                "current": current,
                "history": history,
            });
            serde_json::to_writer_pretty(&mut out, &document).expect("values serialize");
            writeln!(out)?;
        }
        ShowFormat::Table => {
            writeln!(out, "{}: current availability", args.id)?;
            if current.is_empty() {
                writeln!(out, "  (none reported)")?;
            }
            for update in &current {
                writeln!(out, "  {}", describe(update))?;
            }
            writeln!(out, "latest updates, newest first:")?;
            if history.is_empty() {
                writeln!(out, "  (none)")?;
            }
            for HistoryEntry {
                update,
                received_at,
                applied,
                label,
            } in &history
            {
                let stale = if *applied { "" } else { " (stale)" };
                let by = label
                    .as_deref()
                    .map(|label| format!(" from {label}"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  received {received_at}{by}{stale}: {}",
                    describe(update)
                )?;
            }
        }
    }
    out.flush()?;
    Ok(if current.is_empty() && history.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

/// One report as a line for people.
fn describe(update: &Update) -> String {
    let mut parts = vec![
        update
            .care
            .map_or_else(|| "whole facility".to_string(), |level| level.to_string()),
    ];
    match update.accepting {
        Some(true) => parts.push("accepting".into()),
        Some(false) => parts.push("not accepting".into()),
        None => {}
    }
    match (update.beds_available, update.beds_total) {
        (Some(open), Some(total)) => parts.push(format!("{open} of {total} beds open")),
        (Some(open), None) => parts.push(format!("{open} beds open")),
        (None, Some(total)) => parts.push(format!("{total} beds")),
        (None, None) => {}
    }
    if let Some(wait) = update.wait_days {
        parts.push(format!("wait {wait} days"));
    }
    match &update.walk_in {
        Some(WalkIn::Yes) => parts.push("walk-ins taken".into()),
        Some(WalkIn::No) => parts.push("no walk-ins".into()),
        Some(WalkIn::Hours(hours)) => parts.push(format!("walk-ins {hours}")),
        None => {}
    }
    for (stated, yes, no) in [
        (
            update.same_day_medication,
            "same-day medication",
            "no same-day medication",
        ),
        (
            update.counseling_required,
            "counseling required for medication",
            "no counseling requirement",
        ),
        (
            update.telehealth_intake,
            "telehealth intake",
            "no telehealth intake",
        ),
    ] {
        if let Some(stated) = stated {
            parts.push(if stated { yes } else { no }.into());
        }
    }
    parts.push(format!("as of {}", update.updated_at));
    parts.join(", ")
}

fn export(args: &AvailabilityExportArgs) -> Result<Outcome, Failure> {
    let store = open_existing(&args.store.store)?;
    let current = store.current_labelled().map_err(store_failure)?;
    // Who sent each report, after the feed's columns: an import ignores the column.
    let labelled = |update: &Update, label: &Option<String>| {
        let mut value = serde_json::to_value(update).expect("updates serialize");
        value["label"] = label.clone().into();
        value
    };
    let mut body = Vec::new();
    match args.format {
        FeedFormatArg::Csv => {
            let mut writer = csv::Writer::from_writer(&mut body);
            writer
                .write_record(feed::COLUMNS.iter().chain(&["label"]))
                .expect("writing to memory");
            for (update, label) in &current {
                writer
                    .write_record(
                        feed::row(update)
                            .iter()
                            .map(String::as_str)
                            .chain([label.as_deref().unwrap_or_default()]),
                    )
                    .expect("writing to memory");
            }
            writer.flush()?;
        }
        FeedFormatArg::Json => {
            let all: Vec<serde_json::Value> = current
                .iter()
                .map(|(update, label)| labelled(update, label))
                .collect();
            serde_json::to_writer(&mut body, &all).expect("updates serialize");
            body.push(b'\n');
        }
        FeedFormatArg::Ndjson => {
            for (update, label) in &current {
                serde_json::to_writer(&mut body, &labelled(update, label))
                    .expect("updates serialize");
                body.push(b'\n');
            }
        }
    }
    if args.output == "-" {
        io::stdout().lock().write_all(&body)?;
    } else {
        let mut staged = carefind::staged::StagedFile::new(Path::new(&args.output))?;
        staged
            .file()
            .write_all(&body)
            .map_err(|e| Failure::usage(format!("{}: {e}", args.output)))?;
        staged.commit()?;
    }
    eprintln!("carefind: exported {} reports", current.len());
    Ok(if current.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}
