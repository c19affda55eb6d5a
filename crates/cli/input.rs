//! Reading the inputs of `import` and `validate`: the format detected or given, options
//! from the flags, a progress bar on a terminal for large files.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};

use carefind::CareSet;
use carefind::load::{self, Field, Format, LoadOptions, Loaded};

use crate::args::{Geocode, InputArgs, InputFormat};
use crate::failure::Failure;
use carefind_places as place;

/// Files larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_BYTES: u64 = 8 << 20;

/// The load options the flags ask for.
pub fn options(args: &InputArgs, lenient: bool) -> Result<LoadOptions, Failure> {
    let care: CareSet = args
        .care
        .join(",")
        .replace(',', ";")
        .parse()
        .map_err(|e| Failure::flag("--care", e))?;
    let mut options = if lenient {
        LoadOptions::lenient()
    } else {
        LoadOptions::strict()
    }
    .with_care(care)
    .with_kinds(
        carefind::Set::parse_list(&args.kinds.join(",")).map_err(|e| Failure::flag("--kind", e))?,
    );
    for mapping in &args.map {
        let (field, column) = mapping.split_once('=').ok_or_else(|| {
            Failure::flag(
                "--map",
                format!("{mapping:?} is not FIELD=COLUMN, such as lat=Y"),
            )
        })?;
        let field: Field = field.parse().map_err(|e| Failure::flag("--map", e))?;
        options = options.map_column(field, column.trim());
    }
    Ok(options)
}

/// Loads one input in `format` (detected when `Auto`).
pub fn load(path: &str, args: &InputArgs, options: &LoadOptions) -> Result<Loaded, Failure> {
    load_all(path, args, options).map(|(loaded, _)| loaded)
}

/// Loads one input, with the bed counts it gives (only HSDS does).
pub fn load_all(
    path: &str,
    args: &InputArgs,
    options: &LoadOptions,
) -> Result<(Loaded, Vec<carefind::availability::Update>), Failure> {
    // A file is detected whole here (a directory, a workbook, a snapshot are not read as
    // a stream); stdin, from its first bytes below.
    let format = match args.from {
        InputFormat::Auto if path != "-" => InputFormat::of(Format::detect_path(path)?),
        given => given,
    };
    if format == InputFormat::Hsds && path != "-" {
        let read = carefind::hsds::from_path(path, options)?;
        return Ok((read.loaded, read.capacities));
    }
    if format == InputFormat::NationalDirectory {
        return national_directory(path, args, options).map(|loaded| (loaded, Vec::new()));
    }
    if format == InputFormat::Snapshot && path != "-" {
        let store = carefind::snapshot::from_path(path)?;
        return Ok((snapshot_loaded(path, &store), Vec::new()));
    }
    let (name, size, reader): (String, u64, Box<dyn Read>) = if path == "-" {
        ("<stdin>".into(), 0, Box::new(io::stdin().lock()))
    } else {
        let file = File::open(path).map_err(|e| Failure::usage(format!("{path}: {e}")))?;
        let size = file.metadata().map_or(0, |m| m.len());
        (path.to_string(), size, Box::new(file))
    };
    let progress = (size > PROGRESS_BYTES && io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(name.clone());
        bar
    });
    let reader: Box<dyn Read> = match &progress {
        Some(bar) => Box::new(bar.wrap_read(reader)),
        None => reader,
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let format = match format {
        InputFormat::Auto => detect(&name, &mut reader)?,
        given => given,
    };
    if matches!(format, InputFormat::Hsds | InputFormat::Snapshot) {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        if format == InputFormat::Snapshot {
            let store = carefind::snapshot::from_slice(&bytes)
                .map_err(|error| Failure::usage(format!("{name}: {error}")))?;
            return Ok((snapshot_loaded(&name, &store), Vec::new()));
        }
        let read = carefind::hsds::from_slice(&bytes, &name, options)?;
        return Ok((read.loaded, read.capacities));
    }
    let loaded = match format {
        InputFormat::Native => load::native::from_reader(reader, &name, options),
        InputFormat::FindtreatmentJson => load::findtreatment::from_reader(reader, &name, options),
        InputFormat::FindtreatmentLabels => load::label_csv::from_reader(reader, &name, options),
        InputFormat::FindtreatmentExport => {
            load::findtreatment_export::from_reader(reader, &name, options)
        }
        InputFormat::Geocoded
        | InputFormat::Auto
        | InputFormat::NationalDirectory
        | InputFormat::Hsds
        | InputFormat::Snapshot => load::geocoded::from_reader(reader, &name, options),
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    loaded
        .map(|loaded| (loaded, Vec::new()))
        .map_err(|error| match error {
            carefind::Error::CareNotGiven { file } => Failure::usage(format!(
                "{file}: a geocoded list names no levels of care; say which its facilities offer with --care (such as --care otp)"
            )),
            other => Failure::from(other),
        })
}

/// The format of an input, from its name and first line, which stay in the reader.
/// A National Directory workbook, placed as --geocode or --coordinates says.
fn national_directory(
    path: &str,
    args: &InputArgs,
    options: &LoadOptions,
) -> Result<Loaded, Failure> {
    use load::national_directory::{self, Placement, Points};
    let centroid = |zip: &str| place::zip_point(zip);
    let points;
    let placement = match (&args.coordinates, args.geocode) {
        (Some(file), _) => {
            let plain = InputArgs {
                from: InputFormat::Auto,
                care: Vec::new(),
                kinds: Vec::new(),
                map: Vec::new(),
                geocode: None,
                coordinates: None,
            };
            let located = load(file, &plain, &LoadOptions::lenient())
                .map_err(|e| Failure::flag("--coordinates", e))?;
            points = Points::new(&located.facilities);
            Placement::Matched(&points)
        }
        (None, Some(Geocode::Zip)) => Placement::ZipCentroid(&centroid),
        (None, None) => {
            return Err(Failure::usage(format!(
                "{path}: a National Directory workbook has no coordinates; place its rows with --geocode zip (at their ZIP centroid) or --coordinates FILE (at the points of the same facilities in FILE)"
            )));
        }
    };
    Ok(national_directory::from_path(path, options, &placement)?)
}

/// A snapshot's facilities as a load that read and kept every one.
fn snapshot_loaded(source: &str, store: &carefind::FacilityStore) -> Loaded {
    let facilities = store.to_facilities();
    let count = facilities.len() as u64;
    let report = load::LoadReport {
        source: source.to_string(),
        read: count,
        loaded: count,
        ..Default::default()
    };
    Loaded { facilities, report }
}

/// The format of stdin, detected by the library from its first bytes, which stay in the
/// reader.
fn detect(name: &str, reader: &mut impl BufRead) -> Result<InputFormat, Failure> {
    let start = reader
        .fill_buf()
        .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
    Ok(InputFormat::of(Format::detect(name, start, false)))
}

/// The format `path` will be read as: the one given, or the one detected (`None` for
/// stdin, detected only as it is read).
pub fn format_of(path: &str, args: &InputArgs) -> Option<Format> {
    Some(match args.from {
        InputFormat::Auto if path == "-" => return None,
        InputFormat::Auto => Format::detect_path(path).ok()?,
        InputFormat::Native => Format::Native,
        InputFormat::FindtreatmentJson => Format::FindtreatmentJson,
        InputFormat::FindtreatmentLabels => Format::FindtreatmentLabels,
        InputFormat::FindtreatmentExport => Format::FindtreatmentExport,
        InputFormat::NationalDirectory => Format::NationalDirectory,
        InputFormat::Geocoded => Format::Geocoded,
        InputFormat::Hsds => Format::Hsds,
        InputFormat::Snapshot => Format::Snapshot,
    })
}

impl InputFormat {
    /// The flag's value for a format the library detected.
    fn of(format: Format) -> InputFormat {
        match format {
            Format::Native => InputFormat::Native,
            Format::FindtreatmentJson => InputFormat::FindtreatmentJson,
            Format::FindtreatmentLabels => InputFormat::FindtreatmentLabels,
            Format::FindtreatmentExport => InputFormat::FindtreatmentExport,
            Format::NationalDirectory => InputFormat::NationalDirectory,
            Format::Hsds => InputFormat::Hsds,
            Format::Snapshot => InputFormat::Snapshot,
            _ => InputFormat::Geocoded,
        }
    }
}
