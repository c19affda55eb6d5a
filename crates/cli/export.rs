//! `carefind export`: a dataset as Open Referral HSDS 3.1, JSON or a data package.

use std::io::{self, Write};
use std::path::Path;

use crate::args::{ExportArgs, ExportFormat};
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome;

pub fn run(args: &ExportArgs) -> Result<Outcome, Failure> {
    let index = dataset::load(args.data.as_deref())?;
    let availability = match &args.store {
        Some(spec) => match carefind::availability::store::file_of(spec) {
            Some(path) if !path.exists() => {
                return Err(Failure::flag(
                    "--store",
                    format!("{}: no such file", path.display()),
                ));
            }
            _ => Some(
                crate::availability::open_store(spec)
                    .and_then(|store| store.load())
                    .map_err(|e| Failure::flag("--store", e))?,
            ),
        },
        None => None,
    };
    match args.to {
        ExportFormat::HsdsJson => {
            let facilities = index.facilities();
            if args.output == "-" {
                let mut out = io::BufWriter::new(io::stdout().lock());
                carefind::hsds::write_json(&mut out, facilities, availability.as_ref())?;
                out.flush()?;
            } else {
                let mut staged = carefind::staged::StagedFile::new(Path::new(&args.output))?;
                let mut out = io::BufWriter::new(staged.file());
                carefind::hsds::write_json(&mut out, facilities, availability.as_ref())
                    .and_then(|()| out.flush())
                    .map_err(|e| Failure::usage(format!("{}: {e}", args.output)))?;
                drop(out);
                staged.commit()?;
            }
        }
        ExportFormat::HsdsTabular => {
            if args.output == "-" {
                return Err(Failure::flag(
                    "-o",
                    "a data package is a directory of files; name the directory",
                ));
            }
            carefind::hsds::to_tabular(&args.output, index.facilities(), availability.as_ref())?;
        }
    }
    eprintln!(
        "carefind: wrote {} facilities as HSDS {} to {}",
        index.len(),
        carefind::hsds::VERSION,
        if args.output == "-" {
            "stdout"
        } else {
            &args.output
        }
    );
    Ok(Outcome::Found)
}
