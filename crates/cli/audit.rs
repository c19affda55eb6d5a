//! `carefind audit sample|score`: the listings to verify by phone, and how accurate they
//! were found.

use std::io::{self, Write};

use carefind::analysis::audit::{self, Estimate, Outcome, Scored, Stratify};
use carefind::record::spreadsheet_safe;

use crate::args::{AuditCommand, AuditSampleArgs, AuditScoreArgs, ScoreFormat, StrataArg};
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome as Found;

/// What the sample writes: the stratum, the listing's claims, then the verdicts to fill.
const SAMPLE_COLUMNS: [&str; 16] = [
    "stratum",
    "stratum_size",
    "id",
    "name",
    "phone",
    "intake_phone",
    "street",
    "city",
    "state",
    "zip",
    "care",
    "payment",
    "reached",
    "offers_level",
    "accepts_payment",
    "accepting",
];

/// The verdict columns `score` reads, each yes, no or empty.
const VERDICTS: [&str; 4] = ["reached", "offers_level", "accepts_payment", "accepting"];

pub fn run(command: &AuditCommand) -> Result<Found, Failure> {
    match command {
        AuditCommand::Sample(args) => sample(args),
        AuditCommand::Score(args) => score(args),
    }
}

fn sample(args: &AuditSampleArgs) -> Result<Found, Failure> {
    let index = dataset::load(args.data.as_deref())?;
    let stratify = match args.strata {
        StrataArg::State => Stratify::State,
        StrataArg::None => Stratify::None,
    };
    let drawn = audit::sample(index.facilities(), args.n, args.seed, stratify);
    let mut writer = csv::Writer::from_writer(io::stdout().lock());
    writer
        .write_record(SAMPLE_COLUMNS.iter().chain(&["notes"]))
        .map_err(io::Error::from)?;
    for row in &drawn {
        let f = row.facility;
        let claims = [
            stratify.of(f),
            row.stratum_size.to_string(),
            f.id().to_string(),
            f.name().to_string(),
            f.phone().to_string(),
            f.intake_phone().to_string(),
            f.street().to_string(),
            f.city().to_string(),
            f.state().to_string(),
            f.zip().to_string(),
            f.care().to_string(),
            f.payment().to_string(),
        ];
        writer
            .write_record(
                claims
                    .iter()
                    .map(|cell| spreadsheet_safe(cell).into_owned())
                    .chain(std::iter::repeat_n(String::new(), VERDICTS.len() + 1)),
            )
            .map_err(io::Error::from)?;
    }
    writer.flush()?;
    eprintln!(
        "carefind: drew {} of {} listings (seed {})",
        drawn.len(),
        index.len(),
        args.seed
    );
    Ok(if drawn.is_empty() {
        Found::NothingFound
    } else {
        Found::Found
    })
}

fn score(args: &AuditScoreArgs) -> Result<Found, Failure> {
    let name = &args.results;
    let fail = |what: String| Failure::usage(format!("{name}: {what}"));
    let mut reader = csv::Reader::from_path(name).map_err(|e| fail(e.to_string()))?;
    let header = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let column = |wanted: &str| {
        header
            .iter()
            .position(|c| c.trim() == wanted)
            .ok_or_else(|| fail(format!("the header has no {wanted} column")))
    };
    let stratum_at = column("stratum")?;
    let size_at = column("stratum_size")?;
    let verdict_at: Vec<usize> = VERDICTS.into_iter().map(column).collect::<Result<_, _>>()?;
    let mut outcomes = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| fail(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |at: usize| record.get(at).unwrap_or_default().trim();
        let stratum_size = cell(size_at).parse::<usize>().map_err(|_| {
            fail(format!(
                "line {line}: stratum_size {:?} is not a whole number",
                cell(size_at)
            ))
        })?;
        let mut verdicts = [None; 4];
        for (verdict, (at, field)) in verdicts.iter_mut().zip(verdict_at.iter().zip(VERDICTS)) {
            *verdict = match cell(*at) {
                "" => None,
                text => Some(carefind::hours::yes_no(text).ok_or_else(|| {
                    fail(format!(
                        "line {line}: {field} {text:?} is not yes, no or empty"
                    ))
                })?),
            };
        }
        outcomes.push(Outcome {
            stratum: cell(stratum_at).to_string(),
            stratum_size,
            reached: verdicts[0],
            offers_level: verdicts[1],
            accepts_payment: verdicts[2],
            accepting: verdicts[3],
        });
    }
    let scored = audit::score(&outcomes);
    let mut out = io::stdout().lock();
    match args.format {
        ScoreFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &scored).expect("scores serialize");
            writeln!(out)?;
        }
        ScoreFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer
                .write_record([
                    "stratum",
                    "stratum_size",
                    "verified",
                    "exact",
                    "exact_accuracy",
                    "exact_low",
                    "exact_high",
                    "functional",
                    "functional_accuracy",
                    "functional_low",
                    "functional_high",
                ])
                .map_err(io::Error::from)?;
            for s in &scored {
                let parts = |e: Option<Estimate>| {
                    e.map_or([String::new(), String::new(), String::new()], |e| {
                        [e.share, e.low, e.high].map(|x| format!("{x:.4}"))
                    })
                };
                let [ea, el, eh] = parts(s.exact_accuracy);
                let [fa, fl, fh] = parts(s.functional_accuracy);
                writer
                    .write_record([
                        s.stratum.clone(),
                        s.stratum_size.to_string(),
                        s.verified.to_string(),
                        s.exact.to_string(),
                        ea,
                        el,
                        eh,
                        s.functional.to_string(),
                        fa,
                        fl,
                        fh,
                    ])
                    .map_err(io::Error::from)?;
            }
            writer.flush()?;
        }
        ScoreFormat::Table => table(&mut out, &scored)?,
    }
    out.flush()?;
    Ok(if scored.last().is_some_and(|all| all.verified > 0) {
        Found::Found
    } else {
        Found::NothingFound
    })
}

/// The scores aligned for reading: percentages with their intervals.
fn table(out: &mut impl Write, scored: &[Scored]) -> io::Result<()> {
    let shown = |e: Option<Estimate>| {
        e.map_or_else(
            || "-".to_string(),
            |e| {
                format!(
                    "{:.1} % ({:.1}-{:.1})",
                    100.0 * e.share,
                    100.0 * e.low,
                    100.0 * e.high
                )
            },
        )
    };
    writeln!(
        out,
        "{:<12} {:>8} {:>8}  {:<22} {:<22}",
        "stratum", "listings", "verified", "exact (95 % CI)", "functional (95 % CI)"
    )?;
    for s in scored {
        writeln!(
            out,
            "{:<12} {:>8} {:>8}  {:<22} {:<22}",
            s.stratum,
            s.stratum_size,
            s.verified,
            shown(s.exact_accuracy),
            shown(s.functional_accuracy)
        )?;
    }
    Ok(())
}
