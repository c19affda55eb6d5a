//! `carefind validate`: every problem of every file, with totals by kind.

use std::collections::BTreeMap;
use std::io::{self, Write};

use carefind::error::Problem;
use carefind::load::LoadReport;

use crate::args::ValidateArgs;
use crate::failure::Failure;
use crate::find::Outcome;
use crate::input;

pub fn run(args: &ValidateArgs) -> Result<Outcome, Failure> {
    let options = input::options(&args.input, true)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0;
    for path in &args.files {
        match input::load(path, &args.input, &options) {
            Ok(loaded) => {
                show(&mut out, &loaded.report, args.max_problems)?;
                failed += usize::from(!loaded.report.is_clean());
            }
            // The file cannot be read at all: a missing column, JSON that does not parse.
            Err(Failure::Message(message)) => {
                writeln!(out, "{message}")?;
                failed += 1;
            }
            Err(other) => return Err(other),
        }
    }
    out.flush()?;
    match failed {
        0 => Ok(Outcome::Found),
        n => Err(Failure::usage(format!(
            "{n} of {} files have problems",
            args.files.len()
        ))),
    }
}

fn show(out: &mut impl Write, report: &LoadReport, max_problems: usize) -> io::Result<()> {
    if report.is_clean() {
        writeln!(out, "{report}: clean")?;
    } else {
        writeln!(out, "{report}")?;
    }
    for row in report.rejected.iter().take(max_problems) {
        writeln!(out, "  {row}")?;
    }
    if report.rejected.len() > max_problems {
        writeln!(
            out,
            "  ... and {} more (--max-problems N lists more)",
            report.rejected.len() - max_problems
        )?;
    }
    if !report.rejected.is_empty() {
        let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &report.rejected {
            *totals.entry(kind(&row.problem)).or_default() += 1;
        }
        let totals: Vec<String> = totals
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        writeln!(out, "  totals: {}", totals.join(", "))?;
    }
    for repair in &report.repairs {
        writeln!(out, "  note: {repair}")?;
    }
    for (label, rows) in &report.unknown_labels {
        writeln!(
            out,
            "  note: unknown label {label:?} in {rows} rows, kept as a service"
        )?;
    }
    Ok(())
}

/// A problem's kind, for the totals.
fn kind(problem: &Problem) -> &'static str {
    match problem {
        Problem::Empty => "empty field",
        Problem::NotANumber => "not a number",
        Problem::Coordinate(_) => "coordinate out of range",
        Problem::DuplicateId { .. } => "repeated id",
        Problem::DuplicateRow { .. } => "duplicate row",
        Problem::NoCareLevel => "no level of care",
        Problem::Unknown(_) => "unknown term",
        Problem::InvalidUtf8 => "invalid UTF-8",
        Problem::FieldCount { .. } => "wrong field count",
        Problem::RunawayQuote { .. } => "unclosed quote",
        Problem::WrongType(_) => "wrong type",
        _ => "other",
    }
}
