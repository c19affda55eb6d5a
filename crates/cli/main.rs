//! The `carefind` command: a thin shell over the carefind library.

#![forbid(unsafe_code)]

mod access;
mod args;
mod audit;
mod availability;
mod compliance;
mod coverage;
mod dataset;
mod diff;
mod drive;
mod export;
mod failure;
mod find;
mod import;
mod input;
mod origins;
mod output;
mod pathway;
mod plot;
mod reports;
mod serve;
mod stats;
mod transit;
mod validate;

use std::io;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, error::ErrorKind};

use crate::args::{Cli, Command};
use crate::failure::Failure;
use crate::find::Outcome;

/// mimalloc: with glibc's allocator, malloc and free were a quarter of an HSDS import, a
/// whole directory's small objects allocated on one thread and freed on another.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_failure(error),
    };
    let result = match cli.command {
        Command::Find(args) => find::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Snapshot(args) => snapshot(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Pathway(args) => pathway::run(&args),
        Command::Coverage(args) => coverage::run(&args),
        Command::Availability(command) => availability::run(&command),
        Command::Diff(args) => diff::run(&args),
        Command::Audit(command) => audit::run(&command),
        Command::Reports(command) => reports::run(&command),
        Command::Network(command) => drive::run(&command),
        Command::Timetable(args) => transit::keep(&args),
        Command::Export(args) => export::run(&args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "carefind", &mut io::stdout());
            Ok(Outcome::Found)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut io::stdout())
            .map(|()| Outcome::Found)
            .map_err(Failure::from),
    };
    match result {
        Ok(Outcome::Found) | Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Ok(Outcome::NothingFound) => ExitCode::from(1),
        Err(failure) => {
            eprintln!("carefind: error: {failure}");
            ExitCode::from(2)
        }
    }
}

/// `carefind snapshot`: a dataset as a binary snapshot.
fn snapshot(args: &args::SnapshotArgs) -> Result<Outcome, Failure> {
    let index = dataset::load(args.data.as_deref())?;
    carefind::snapshot::to_path(&args.output, index.store())?;
    eprintln!(
        "carefind: wrote {} facilities to {}",
        index.len(),
        args.output.display()
    );
    Ok(Outcome::Found)
}

/// Help and version print as clap writes them; a usage error becomes one line.
fn clap_failure(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::from(2)
        }
        _ => {
            let text = error.render().to_string();
            let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
            let first = lines
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            let tip = lines
                .find_map(|line| line.strip_prefix("tip: "))
                .map(|tip| format!("; {tip}"));
            eprintln!(
                "carefind: error: {first}{} (see carefind --help)",
                tip.unwrap_or_default()
            );
            ExitCode::from(2)
        }
    }
}
