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
        Some(path) if path.exists() => Some(
            carefind::availability::store::Store::open(path)
                .and_then(|store| store.load())
                .map_err(|e| Failure::flag("--store", e))?,
        ),
        Some(path) => {
            return Err(Failure::flag(
                "--store",
                format!("{}: no such file", path.display()),
            ));
        }
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
