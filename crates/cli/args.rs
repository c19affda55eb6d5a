//! The command line, declared for clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find addiction-treatment facilities near a place, by level of care.
#[derive(Debug, Parser)]
#[command(
    name = "carefind",
    version,
    arg_required_else_help = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit codes: 0 when something was found, 1 when nothing matched, 2 on an error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find facilities near a place, in a box or in a polygon, with filters.
    Find(Box<FindArgs>),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    Man,
}

const FIND_EXAMPLES: &str = "\
Examples:
  # The 10 nearest intensive outpatient programs to ZIP 10001, within 25 miles
  carefind find --near 10001 --care iop --within 25mi

  # Detox or residential taking Medicaid near a city, as JSON
  carefind find --near 'Columbus, OH' --care detox,residential --payment medicaid --format json

  # Every sober-living home in a box (west,south,east,north), for QGIS
  carefind find --bbox -118.7,33.7,-117.9,34.3 --care sober-living --all --format geojson > homes.geojson

  # Nearest 3 opioid treatment programs from every origin in a CSV (id,lat,lon or id,place)
  carefind find --origins origins.csv --care otp --limit 3 > nearest_otp.csv

Places are LAT,LON (or \"LAT LON\"), a 5-digit ZIP code (ZIP+4 accepted) or \"City, ST\",
resolved offline. Levels of care: hospital-detox, residential-detox, outpatient-detox,
hospital-inpatient, residential-short, residential-long, php, iop, outpatient, otp,
sober-living, telehealth; groups: detox, hospital, residential, inpatient, outpatient-any;
FindTreatment codes (OIT, HH, DT...) work too.";

/// The arguments of `carefind find`.
#[derive(Debug, Args)]
#[command(after_help = FIND_EXAMPLES)]
pub struct FindArgs {
    /// Where to search from: LAT,LON, a ZIP code, or "City, ST" ("-" reads origins from stdin, like --origins -)
    #[arg(long, value_name = "PLACE", allow_hyphen_values = true)]
    pub near: Option<String>,

    /// A CSV of many origins: a column `id` and either `lat`,`lon` or `place` ("-" for stdin)
    #[arg(long, value_name = "FILE", conflicts_with = "near")]
    pub origins: Option<String>,

    /// Return at most N results (per origin)
    #[arg(
        long,
        value_name = "N",
        default_value_t = 10,
        allow_hyphen_values = true
    )]
    pub limit: usize,

    /// Return every match instead of --limit
    #[arg(long)]
    pub all: bool,

    /// Skip the first N results
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub offset: usize,

    /// Only facilities within this distance: 25mi, 40km, 500m, 1200ft (a bare number is in --units)
    #[arg(long, value_name = "DIST", allow_hyphen_values = true)]
    pub within: Option<String>,

    /// Only facilities in this box; MIN_LON > MAX_LON crosses the antimeridian
    #[arg(
        long,
        value_name = "MIN_LON,MIN_LAT,MAX_LON,MAX_LAT",
        allow_hyphen_values = true
    )]
    pub bbox: Option<String>,

    /// Only facilities in the polygon of a GeoJSON file (a Polygon, or a Feature holding one)
    #[arg(long, value_name = "FILE", conflicts_with = "bbox")]
    pub polygon: Option<PathBuf>,

    /// Levels of care, any of which will do: names, groups or FindTreatment codes, comma-separated
    #[arg(long, value_name = "LIST")]
    pub care: Vec<String>,

    /// Ways to pay, any of which will do (medicaid, medicare, private-insurance, cash, sliding-fee, ...)
    #[arg(long, value_name = "LIST")]
    pub payment: Vec<String>,

    /// Age groups, any of which will do (children, young-adults, adults, seniors)
    #[arg(long, value_name = "LIST")]
    pub age: Vec<String>,

    /// Client groups, any of which will do (veterans, women, pregnant-women, lgbtq, ...)
    #[arg(long, value_name = "LIST")]
    pub population: Vec<String>,

    /// Languages, any of which will do: ISO codes or names (es, asl, Spanish, ...)
    #[arg(long, value_name = "LIST")]
    pub language: Vec<String>,

    /// Medications, any of which will do (methadone, buprenorphine, naltrexone-xr, ...)
    #[arg(long, value_name = "LIST")]
    pub medication: Vec<String>,

    /// A carefind CSV file to search ("-" for stdin); without it, the embedded sample of fictitious facilities
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// Unit for shown distances and for a bare --within number
    #[arg(long, value_enum, default_value_t = UnitArg::Mi)]
    pub units: UnitArg,

    /// Output format [default: table when stdout is a terminal, csv otherwise]
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// With --origins: stop at the first bad origin instead of reporting and skipping it
    #[arg(long)]
    pub strict: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    Mi,
    Km,
    M,
    Ft,
}

impl From<UnitArg> for carefind::Unit {
    fn from(unit: UnitArg) -> Self {
        match unit {
            UnitArg::Mi => carefind::Unit::Miles,
            UnitArg::Km => carefind::Unit::Kilometers,
            UnitArg::M => carefind::Unit::Meters,
            UnitArg::Ft => carefind::Unit::Feet,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Tsv,
    Json,
    Ndjson,
    Geojson,
}
