//! Reading the inputs of `import` and `validate`: the format detected or given, options
//! from the flags, a progress bar on a terminal for large files.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};

use carefind::CareSet;
use carefind::load::{self, Field, LoadOptions, Loaded};

use crate::args::{Geocode, InputArgs, InputFormat};
use crate::failure::Failure;
use carefind_server::place;

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
    let is_dir = path != "-" && std::path::Path::new(path).is_dir();
    if args.from == InputFormat::Hsds || args.from == InputFormat::Auto && is_dir {
        let read = carefind::hsds::from_path(path, options)?;
        return Ok((read.loaded, read.capacities));
    }
    let workbook = args.from == InputFormat::NationalDirectory
        || args.from == InputFormat::Auto && path.to_ascii_lowercase().ends_with(".xlsx");
    if workbook {
        return national_directory(path, args, options).map(|loaded| (loaded, Vec::new()));
    }
    let format = args.from;
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
    if format == InputFormat::Hsds {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
        if let Some(bar) = progress {
            bar.finish_and_clear();
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
        | InputFormat::Hsds => load::geocoded::from_reader(reader, &name, options),
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

/// Columns of level-of-care codes; a header with two of them is a code export.
const LEVEL_CODES: [&str; 8] = ["hi", "res", "op", "oit", "ort", "odt", "rs", "hid"];

/// Keys only HSDS documents have; a FindTreatment page has `rows` and `frid`.
const HSDS_KEYS: [&str; 6] = [
    "\"service_at_locations\"",
    "\"location_type\"",
    "\"taxonomy_term\"",
    "\"assured_date\"",
    "\"service_id\"",
    "\"location_id\"",
];

fn detect(name: &str, reader: &mut impl BufRead) -> Result<InputFormat, Failure> {
    let start = reader
        .fill_buf()
        .map_err(|e| Failure::usage(format!("{name}: {e}")))?;
    let text = String::from_utf8_lossy(start);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if name.to_ascii_lowercase().ends_with(".json")
        || text.starts_with('{')
        || text.starts_with('[')
    {
        let findtreatment = text.contains("\"frid\"") || text.contains("\"rows\"");
        let hsds = HSDS_KEYS.iter().any(|key| text.contains(key));
        return Ok(if hsds && !findtreatment {
            InputFormat::Hsds
        } else {
            InputFormat::FindtreatmentJson
        });
    }
    let header: Vec<String> = text
        .lines()
        .next()
        .unwrap_or_default()
        .split(',')
        .map(|column| column.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let has = |column: &str| header.iter().any(|c| c == column);
    Ok(if load::native::REQUIRED.iter().all(|column| has(column)) {
        InputFormat::Native
    } else if header.iter().any(|column| column.ends_with("services")) {
        InputFormat::FindtreatmentLabels
    } else if LEVEL_CODES.iter().filter(|code| has(code)).count() >= 2 {
        InputFormat::FindtreatmentExport
    } else {
        InputFormat::Geocoded
    })
}
