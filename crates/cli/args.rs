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
    /// Turn directories (FindTreatment JSON, label CSV, geocoded CSV) into one carefind CSV.
    Import(ImportArgs),
    /// Check files and list every problem; exit 0 when clean, 2 otherwise.
    Validate(ValidateArgs),
    /// Count facilities by level of care, state, payment or language.
    Stats(StatsArgs),
    /// Write a dataset as a binary snapshot, which loads several times faster than CSV.
    Snapshot(SnapshotArgs),
    /// Serve the locator as a JSON HTTP API.
    Serve(ServeArgs),
    /// Step-down options near a place: each later stage of care, and IOPs with sober living nearby.
    Pathway(Box<PathwayArgs>),
    /// Distance from many origins to the nearest facility of each level, and population shares.
    Coverage(Box<CoverageArgs>),
    /// Live availability: import feeds into a store, show a facility's, export the current.
    #[command(subcommand)]
    Availability(AvailabilityCommand),
    /// Write a dataset in another format: Open Referral HSDS 3.1 (JSON or a data package).
    Export(ExportArgs),
    /// What changed between two releases of a directory: one row per change.
    Diff(DiffArgs),
    /// An accuracy audit: a stratified sample of listings to verify by phone, then its score.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Problem reports people sent from the facility pages: list, resolve, export.
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// Road networks from OpenStreetMap, for drive-time searches and coverage.
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Read and check a GTFS feed once and keep its timetable in a file that every --gtfs
    /// reads back in milliseconds.
    Timetable(TimetableArgs),
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

    /// A CSV of many origins: an id column (id, GEOID, zip...) and either lat,lon (latitude, Y...) or place ("-" for stdin)
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

    #[command(flatten)]
    pub attributes: AttributeArgs,

    #[command(flatten)]
    pub availability: AvailabilityArgs,

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

    /// One row per origin with the number of matching facilities (with --within) instead of
    /// the facilities
    #[arg(long)]
    pub count: bool,

    /// The columns to write, in order, for csv, tsv, json, ndjson and geojson (such as
    /// id,name,distance,phone)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub fields: Vec<String>,

    /// Rank by great-circle distance, by drive time on --network, or by public transit on
    /// --gtfs (then --within is a time: 30min, 1h, or bare minutes)
    #[arg(long, value_enum, default_value_t = By::Distance)]
    pub by: By,

    #[command(flatten)]
    pub drive: DriveArgs,

    #[command(flatten)]
    pub transit: TransitArgs,
}

/// A transit timetable and how riders walk: `find --by transit`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Transit (--by transit, or coverage with --gtfs)")]
pub struct TransitArgs {
    /// A GTFS feed (zip or folder): the timetable of the trips
    #[arg(long, value_name = "FEED")]
    pub gtfs: Option<PathBuf>,

    /// When to leave: 2026-09-15T07:30 in the feed's time zone (or with an offset or Z);
    /// a facility counts only if open at the arrival (those listing no hours are kept
    /// and labelled)
    #[arg(long, value_name = "TIME", conflicts_with = "arrive_by")]
    pub depart: Option<String>,

    /// Leave at every minute of this window from --depart (60min) and report the median
    /// time, and --percentile, over the departures, as r5 does
    #[arg(long, value_name = "TIME", requires = "depart")]
    pub window: Option<String>,

    /// The percentile of the journey times reported with --window (0-100)
    #[arg(long, value_name = "P", default_value_t = 75.0)]
    pub percentile: f64,

    /// Arrive by this time instead (2026-09-15T09:00): the latest departure, on the minute
    #[arg(long, value_name = "TIME")]
    pub arrive_by: Option<String>,

    /// Walking speed, km/h
    #[arg(long, value_name = "KMH", default_value_t = 4.8)]
    pub walk_speed: f64,

    /// How much longer a walk is than the straight line
    #[arg(long, value_name = "FACTOR", default_value_t = 1.3)]
    pub detour: f64,

    /// The longest walk to the first station, from the last, or all the way
    #[arg(long, value_name = "TIME", default_value = "20min")]
    pub max_walk: String,

    /// The most transfers in a journey
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_transfers: usize,
}

/// A road network and how points reach it: shared by `find` and `coverage`.
#[derive(Debug, Args)]
pub struct DriveArgs {
    /// A road network built by `carefind network build`
    #[arg(long, value_name = "FILE.net")]
    pub network: Option<PathBuf>,

    /// Points farther than this from every road are reported, not placed
    #[arg(long, value_name = "DIST", default_value = "1km")]
    pub max_snap: String,

    /// The speed of the straight-line legs between a point and its road, km/h
    #[arg(long, value_name = "KMH", default_value_t = 5.0)]
    pub access_speed: f64,
}

/// What `coverage` measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Measure {
    /// The nearest facility's distance or time, and the shares within each ring
    Nearest,
    /// Supply per person within a catchment (two-step floating catchment)
    #[value(name = "2sfca")]
    TwoStep,
    /// 2SFCA with a decay over the catchment
    #[value(name = "e2sfca")]
    EnhancedTwoStep,
    /// E2SFCA with each person's demand shared among the facilities within reach
    #[value(name = "3sfca")]
    ThreeStep,
    /// The cost of reaching the closest --n facilities (or --n of supply)
    Closest,
    /// The facilities (or supply) within --cutoff
    Cumulative,
    /// The median (or --summary mean) of the facilities within each cutoff of --interval
    CumulativeInterval,
}

impl Measure {
    /// The measure's name in rows and column headers.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Nearest => "nearest",
            Measure::TwoStep => "2sfca",
            Measure::EnhancedTwoStep => "e2sfca",
            Measure::ThreeStep => "3sfca",
            Measure::Closest => "closest",
            Measure::Cumulative => "cumulative",
            Measure::CumulativeInterval => "cumulative_interval",
        }
    }
}

/// How `--measure cumulative-interval` sums up its cutoffs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SummaryArg {
    Median,
    Mean,
}

/// What `find` ranks by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum By {
    Distance,
    DriveTime,
    Transit,
}

/// `carefind network ...`
#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Build a road network from an OpenStreetMap extract (.osm.pbf): the roads a car may
    /// drive (or with --profile foot, the ways a person may walk), the largest strongly
    /// connected part, saved for fast loading.
    Build(NetworkBuildArgs),
    /// Write a network's edges as CSV (tail, head, coordinates, metres, seconds).
    Edges(NetworkFileArgs),
    /// Drive times from one node to every node, as CSV (node, seconds).
    Times(NetworkTimesArgs),
    /// The health amenities of an extract (clinics, doctors, hospitals) as a carefind CSV,
    /// to try drive time where no directory covers the extract.
    Amenities(NetworkAmenitiesArgs),
}

/// Which ways a network is built of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    Car,
    Foot,
}

/// The arguments of `carefind network build`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  carefind network build --osm helsinki.osm.pbf -o helsinki.net\n  carefind find --near 60.17,24.94 --network helsinki.net --by drive-time --within 15min\n\n  # Streets to walk to and from stations, for --by transit\n  carefind network build --osm nyc.osm.pbf --profile foot -o nyc-walk.net\n  carefind find --near 10027 --by transit --gtfs nyc_subway_gtfs.zip --network nyc-walk.net --depart 2026-09-15T07:30"
)]
pub struct NetworkBuildArgs {
    /// The OpenStreetMap extract
    #[arg(long, value_name = "REGION.osm.pbf")]
    pub osm: PathBuf,

    /// Where to write the network
    #[arg(short, long, value_name = "REGION.net")]
    pub output: PathBuf,

    /// The roads a car may drive, or the ways a person may walk (streets, footpaths,
    /// steps; both ways), for walking to and from stations with --by transit
    #[arg(long, value_enum, default_value_t = ProfileArg::Car)]
    pub profile: ProfileArg,
}

/// The arguments of `carefind network amenities`.
#[derive(Debug, Args)]
pub struct NetworkAmenitiesArgs {
    /// The OpenStreetMap extract
    #[arg(long, value_name = "REGION.osm.pbf")]
    pub osm: PathBuf,

    /// Where to write the facilities
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,
}

/// A network file alone.
#[derive(Debug, Args)]
pub struct NetworkFileArgs {
    /// The network
    pub network: PathBuf,
}

/// The arguments of `carefind network times`.
#[derive(Debug, Args)]
pub struct NetworkTimesArgs {
    /// The network
    pub network: PathBuf,

    /// The node to start from (a number from `network edges`)
    #[arg(long, value_name = "N")]
    pub from_node: u32,
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

impl Format {
    /// The format asked for, or a table for a person at a terminal and CSV for a pipe.
    pub fn chosen(given: Option<Format>, stdout: &impl std::io::IsTerminal) -> Format {
        given.unwrap_or(if stdout.is_terminal() {
            Format::Table
        } else {
            Format::Csv
        })
    }
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  # A FindTreatment API page, and a label CSV export, into carefind CSV
  carefind import findtreatment_listing_2019.json -o ft.csv
  carefind import --from findtreatment-labels ca_residential.csv -o ca.csv

  # Two geocoded directories stating their levels, merged into one dataset
  carefind import --lenient --care outpatient samhsa_sa_facilities_2021.csv -o sa.csv
  carefind import --lenient --care otp samhsa_otp_directory.csv -o otp.csv
  carefind import sa.csv otp.csv -o merged.csv --report merges.csv

  # Columns under other names
  carefind import --care sober-living --map name=Home --map lat=Y --map lon=X homes.csv -o homes.csv

The format is detected when --from is not given: .json is FindTreatment JSON; a CSV with
id,name,lat,lon,care is carefind CSV; one with a column ending in \"services\" is a label
CSV; any other is a geocoded list, which needs --care. Several inputs are merged: a facility
listed by a later input at the same name and address, or within --merge-within with a similar
name, is kept once with the levels and attributes of both. The tally goes to stderr.";

/// Input formats that `import` and `validate` read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Detect from the file name and header
    Auto,
    /// carefind CSV
    Native,
    /// The FindTreatment locator API's JSON (a listing page or an array of rows)
    FindtreatmentJson,
    /// CSV with FindTreatment service labels as text
    FindtreatmentLabels,
    /// CSV with a 0/1 column per service code: the locator's download, or SAMHSA's
    /// National Directories as CSV
    FindtreatmentExport,
    /// SAMHSA's National Directories as published (.xlsx), placed by --geocode zip or
    /// --coordinates FILE
    NationalDirectory,
    /// CSV of names, addresses and coordinates; --care says what care they offer
    Geocoded,
    /// Open Referral HSDS 3.1: a JSON document (service_at_location, service,
    /// organization, a list or a page of them) or a data package directory
    Hsds,
    /// A carefind snapshot file
    Snapshot,
}

/// How to read inputs: shared by `import` and `validate`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// The input format
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub from: InputFormat,

    /// Levels of care every facility of a geocoded or label input offers (comma-separated)
    #[arg(long, value_name = "LIST")]
    pub care: Vec<String>,

    /// Kinds every facility of the input has, besides what it says (substance-use,
    /// mental-health): a National Directory workbook does not say which directory it is
    #[arg(long = "kind", value_name = "LIST")]
    pub kinds: Vec<String>,

    /// Read FIELD from COLUMN (fields: id, name, name2, street, street2, city, state, zip,
    /// phone, intake_phone, website, lat, lon, services, kind, precision, service_codes)
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,

    /// Place the rows of a National Directory workbook (which has no coordinates) at
    /// their ZIP code's centroid, from the offline ZIP table (precision zip)
    #[arg(long, value_enum, value_name = "HOW", conflicts_with = "coordinates")]
    pub geocode: Option<Geocode>,

    /// Place the rows of a National Directory workbook at the points of the same
    /// facilities in FILE (any input format), matched by name, street and ZIP, then by
    /// street and ZIP
    #[arg(long, value_name = "FILE")]
    pub coordinates: Option<String>,
}

/// How to place rows that have no coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Geocode {
    /// At the centroid of the row's ZIP code
    Zip,
}

/// The arguments of `carefind import`.
#[derive(Debug, Args)]
#[command(after_help = IMPORT_EXAMPLES)]
pub struct ImportArgs {
    /// Input files ("-" for stdin)
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    /// Where to write the carefind CSV ("-" for stdout)
    #[arg(short, long, value_name = "OUT.csv", default_value = "-")]
    pub output: String,

    /// Skip bad rows (each is reported) instead of stopping at the first
    #[arg(long)]
    pub lenient: bool,

    /// Listings of different inputs with similar names this close are one facility
    #[arg(long, value_name = "DIST", default_value = "50m")]
    pub merge_within: String,

    /// Write every rejection, repair, unknown label and merge to this CSV file
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Also write the dataset as a binary snapshot (for `carefind serve`)
    #[arg(long, value_name = "OUT.snap")]
    pub snapshot: Option<PathBuf>,

    /// Where the listings come from, for the source column of those that do not say
    /// (default: each input's file name)
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,

    /// The date the inputs' listings were confirmed (YYYY-MM-DD), for those that do not say
    #[arg(long, value_name = "DATE")]
    pub verified: Option<String>,

    /// Keep the bed counts an HSDS input gives (service_capacity) in this availability store
    /// (a file, sqlite:FILE or postgres://…)
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
}

/// The arguments of `carefind export`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  carefind export --data merged.csv --to hsds-json -o directory.json\n  carefind export --data merged.csv --to hsds-tabular -o hsds/ --store availability.db\n\nIds are UUIDs derived from the carefind ids, the same in every export. carefind's vocabularies\ngo out as HSDS taxonomies (carefind-care-level with the ASAM level of each term, payment,\nages, populations, languages, medications, kinds); with --store, beds as service_capacity."
)]
pub struct ExportArgs {
    /// A carefind CSV or snapshot file; without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// What to write
    #[arg(long, value_enum)]
    pub to: ExportFormat,

    /// Where: a file for hsds-json ("-" for stdout), a directory for hsds-tabular
    #[arg(short, long, value_name = "OUT")]
    pub output: String,

    /// Write the bed counts of this availability store as service_capacity (a file,
    /// sqlite:FILE or postgres://…)
    #[arg(long, value_name = "STORE", env = "CAREFIND_STORE")]
    pub store: Option<String>,
}

/// Formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A JSON array of HSDS service_at_location objects, everything nested
    HsdsJson,
    /// An HSDS tabular data package: datapackage.json and one CSV per object
    HsdsTabular,
}

/// The arguments of `carefind validate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  carefind validate merged.csv\n  carefind validate --from geocoded --care otp samhsa_otp_directory.csv"
)]
pub struct ValidateArgs {
    /// Files to check
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    /// List at most N problems per file (the totals count them all)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_problems: usize,
}

/// The arguments of `carefind stats`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  carefind stats\n  carefind stats --data merged.csv --by state --format csv"
)]
pub struct StatsArgs {
    /// A carefind CSV file ("-" for stdin); without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// What to count by: care, state, payment, language, age, population, medication, kind,
    /// mh-type, precision or status
    #[arg(long, value_name = "BY", default_value = "care", value_parser = str::parse::<carefind::analysis::counts::By>)]
    pub by: carefind::analysis::counts::By,

    /// Output format [default: table when stdout is a terminal, csv otherwise]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// Filters on what a facility offers besides its level of care: shared by `pathway` and
/// `coverage`.
#[derive(Clone, Debug, Args)]
pub struct AttributeArgs {
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

    /// What the facility treats, any of which will do (substance-use, mental-health)
    #[arg(long, value_name = "LIST")]
    pub kind: Vec<String>,

    /// ASAM 4th-edition levels, any of which will do (1.0, 1.5, 1.7, 2.1, 2.5, 2.7, 3.1,
    /// 3.5, 3.7, 4, ots; 3rd-edition spellings such as 3.7-WM too), as the levels of care
    /// map to them: derived, never stated by the directories
    #[arg(long, value_name = "LIST")]
    pub asam: Vec<String>,

    /// Credentials, any of which will do: accreditations (joint-commission, carf, coa, hfap,
    /// ncqa) or any other credential (samhsa-otp, dea, fqhc, ...)
    #[arg(long, value_name = "LIST")]
    pub accreditation: Vec<String>,

    /// Licenses, any of which will do (state-sud-agency, state-mental-health, state-health,
    /// hospital-licensing-authority): with --accreditation, a facility needs both
    #[arg(long, value_name = "LIST")]
    pub licensed_by: Vec<String>,

    /// A provisional triage level (1, 2, 3, 4 or ots, as CO-Triage-style tools give them):
    /// its ASAM levels, which stderr names
    #[arg(long, value_name = "LEVEL")]
    pub triage: Vec<String>,

    /// Leave out facilities placed less exactly: point leaves out those placed only at
    /// their ZIP centroid
    #[arg(long, value_name = "PRECISION")]
    pub min_precision: Option<String>,

    /// Show closed facilities (temporarily or for good) too; they are left out by default
    #[arg(long)]
    pub include_closed: bool,

    /// Only listings verified this recently: 365d, 26w, 1y (a bare number is in days)
    #[arg(long, value_name = "AGE")]
    pub verified_within: Option<String>,

    /// Only facilities that also offer telehealth (by phone or video), whatever --care asks
    #[arg(long)]
    pub telehealth: bool,

    /// Only facilities open now (at --as-of, when given), each in its own time zone;
    /// those whose hours are not listed are left out, and stderr counts them
    #[arg(long, help_heading = "When and getting in")]
    pub open_now: bool,

    /// Only facilities open at TIME: 2026-12-07T18:30 is the wall time at each facility;
    /// with an offset (-05:00) or Z, one instant
    #[arg(long, value_name = "TIME", help_heading = "When and getting in")]
    pub open_at: Option<String>,

    /// Only facilities open at some time on the next of these days: sa, su, mo-fr
    #[arg(long, value_name = "DAYS", help_heading = "When and getting in")]
    pub open_on: Option<String>,

    /// Only facilities open in the evenings: at least 2 hours between 17:00 and 22:00 on
    /// at least three weekdays of the coming week (a level's own hours count for it)
    #[arg(long, help_heading = "When and getting in")]
    pub evening: bool,

    /// Only facilities open at some time on the coming Saturday or Sunday
    #[arg(long, help_heading = "When and getting in")]
    pub weekend: bool,

    /// Still open this long after --open-now or --open-at (alone: after now): 30min, 2h
    #[arg(long, value_name = "AGE", help_heading = "When and getting in")]
    pub open_for: Option<String>,

    /// Only facilities that take walk-ins (without an appointment)
    #[arg(long, help_heading = "When and getting in")]
    pub walk_in: bool,

    /// Only facilities taking walk-ins now (at --as-of, when given)
    #[arg(long, help_heading = "When and getting in")]
    pub walk_in_now: bool,

    /// Only facilities that can start medication for opioid use disorder at the first visit
    #[arg(long, help_heading = "When and getting in")]
    pub same_day_medication: bool,

    /// Only facilities that give medication without requiring counseling
    #[arg(
        long,
        alias = "no-counselling-requirement",
        help_heading = "When and getting in"
    )]
    pub no_counseling_requirement: bool,
}

/// Availability filters and columns: shared by `find` and `pathway`.
#[derive(Debug, Args)]
pub struct AvailabilityArgs {
    /// The availability store (an SQLite file written by `carefind availability import`,
    /// sqlite:FILE or postgres://…): needed by --accepting, --open-beds and --max-wait,
    /// and adds availability columns
    #[arg(long, value_name = "STORE", env = "CAREFIND_STORE")]
    pub store: Option<String>,

    /// Only facilities confirmed accepting new patients (for a wanted level, with --care)
    #[arg(long)]
    pub accepting: bool,

    /// Only facilities with at least N beds open
    #[arg(long, value_name = "N")]
    pub open_beds: Option<u32>,

    /// Only facilities whose wait is at most DAYS days
    #[arg(long, value_name = "DAYS")]
    pub max_wait: Option<u32>,

    /// Keep facilities the data says nothing of beside those that meet --accepting,
    /// --open-beds, --max-wait (no fresh report), the time filters (hours not listed) or
    /// the getting-in filters (not stated): the list to call and ask
    #[arg(long)]
    pub include_unknown: bool,

    /// Reports older than this count as unknown: 72h, 3d, 1w
    #[arg(long, value_name = "AGE", default_value = "72h")]
    pub fresh_within: String,

    /// Judge freshness, --open-now and the coming days at this time (RFC 3339) instead of
    /// now: for reproducible answers
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
}

const PATHWAY_EXAMPLES: &str = "\
Examples:
  # After detox near Columbus, every later stage taking Medicaid, and IOPs with sober living
  carefind pathway --near 43215 --from detox --payment medicaid

  # Straight from inpatient: sober-living homes within 5 miles of their program, as JSON
  carefind pathway --near 'Denver, CO' --from inpatient --pair-within 5mi --format json

Stages, most intensive first: detox, inpatient (hospital), residential, php, iop,
outpatient. The step-down path from --from is shown (every stage without it), nearest
first, each place once and substance-use treatment unless --kind says otherwise; detox
and hospital inpatient care both step down to residential;
the pairs are IOP or PHP programs with a sober-living home within --pair-within, ranked by
the whole trip: to the program, then from it to the home.";

/// The arguments of `carefind pathway`.
#[derive(Debug, Args)]
#[command(after_help = PATHWAY_EXAMPLES)]
pub struct PathwayArgs {
    /// Where the person is: LAT,LON, a ZIP code, or "City, ST"
    #[arg(long, value_name = "PLACE", allow_hyphen_values = true)]
    pub near: String,

    /// The stage the person is in or finishing: detox, inpatient, residential, php or iop
    #[arg(long, value_name = "STAGE")]
    pub from: Option<String>,

    /// Options per stage
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub limit: usize,

    /// Only options within this distance (a bare number is in --units)
    #[arg(long, value_name = "DIST", allow_hyphen_values = true)]
    pub within: Option<String>,

    /// How far a sober-living home may be from its IOP or PHP program
    #[arg(
        long,
        value_name = "DIST",
        default_value = "10mi",
        allow_hyphen_values = true
    )]
    pub pair_within: String,

    /// How many program and home pairs to show
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub pairs: usize,

    #[command(flatten)]
    pub attributes: AttributeArgs,

    #[command(flatten)]
    pub availability: AvailabilityArgs,

    #[command(flatten)]
    pub drive: DriveArgs,

    /// A carefind CSV file ("-" for stdin); without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// Unit for shown distances and for bare numbers
    #[arg(long, value_enum, default_value_t = UnitArg::Mi)]
    pub units: UnitArg,

    /// Output format [default: table when stdout is a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub format: Option<PathwayFormat>,
}

/// How `pathway` shows its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PathwayFormat {
    /// A block per stage, for people
    Table,
    /// One document, for programs
    Json,
}

const COVERAGE_EXAMPLES: &str = "\
Examples:
  # Share of the population within 10, 25 and 50 miles of an opioid treatment program
  carefind coverage --origins zcta_population_2010.csv --weight-col POP --care otp --data otp.csv

  # Every level, a map of the deserts, and each origin's nearest facility
  carefind coverage --origins zips.csv --plot coverage.png --per-origin nearest.csv

  # Within 10 miles of detox or residential care (as one), offering all three medications
  carefind coverage --origins zips.csv --care detox+residential --rings 10mi \
    --medication all:methadone,buprenorphine,naltrexone

  # OTPs reached by subway within 45 minutes, leaving at 7:30, and its inequality
  carefind coverage --origins tracts.csv --care otp --gtfs nyc_subway_gtfs.zip \
    --depart 2026-09-15T07:30 --measure cumulative --cutoff 45min --inequality

The origins file needs an id and latitude and longitude columns, found by common names
(id, GEOID, zcta; lat, latitude, Y, INTPTLAT; lon, longitude, X, INTPTLONG; weight, POP) or
named with the --*-col flags; without a weight column every origin counts once. Bad rows
are reported with their line and skipped. --care takes levels or groups (detox,
residential...), each measured on its own (join them with + or give --as-one to measure
them as one); by default every level but telehealth. Costs are great-circle distances,
drive times with --network, or transit times with --gtfs and --depart (a facility counts
when open at the arrival; those listing no hours are kept).";

/// The arguments of `carefind coverage`.
#[derive(Debug, Args)]
#[command(after_help = COVERAGE_EXAMPLES)]
pub struct CoverageArgs {
    /// A CSV of origins ("-" for stdin)
    #[arg(long, value_name = "FILE")]
    pub origins: String,

    /// The column of origin ids
    #[arg(long, value_name = "C")]
    pub id_col: Option<String>,

    /// The column of latitudes
    #[arg(long, value_name = "C")]
    pub lat_col: Option<String>,

    /// The column of longitudes
    #[arg(long, value_name = "C")]
    pub lon_col: Option<String>,

    /// The column of weights, such as population
    #[arg(long, value_name = "C")]
    pub weight_col: Option<String>,

    /// Levels or groups to measure, each on its own (comma-separated); join them with +
    /// to measure them as one (otp+oit: a facility offering either)
    #[arg(long, value_name = "LIST")]
    pub care: Vec<String>,

    /// Measure every --care level or group as one: a facility offering any of them
    #[arg(long)]
    pub as_one: bool,

    /// Ring distances (a bare number is in --units), or times with --network or --gtfs
    /// [default: 10mi,25mi,50mi, or 15min,30min,60min]
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub rings: Option<String>,

    #[command(flatten)]
    pub attributes: AttributeArgs,

    /// Write each origin's nearest facility of each level to this CSV
    #[arg(long, value_name = "OUT.csv")]
    pub per_origin: Option<PathBuf>,

    /// What to measure: the nearest facility's distance or time; supply per person
    /// within reach (floating catchments); the cost to the closest n; the facilities
    /// within a cutoff, or over an interval of cutoffs
    #[arg(long, value_enum, default_value_t = Measure::Nearest)]
    pub measure: Measure,

    /// With 2sfca/e2sfca/3sfca: the catchment, a distance (25mi) or with --network or
    /// --gtfs a time (30min); with closest, the farthest to look (all facilities without it)
    #[arg(long, value_name = "DIST|TIME")]
    pub catchment: Option<String>,

    /// With e2sfca/3sfca: gaussian:SIGMA or step:10=1,20=0.68,30=0.22 (in --units, or
    /// minutes with --network or --gtfs)
    #[arg(long, value_name = "DECAY")]
    pub decay: Option<String>,

    /// With closest: how many facilities (or, with --capacity-col, how much supply)
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    pub n: f64,

    /// With cumulative: the cutoff, a distance (10mi) or with --network or --gtfs a time
    /// (45min); a facility at the cutoff counts
    #[arg(long, value_name = "DIST|TIME")]
    pub cutoff: Option<String>,

    /// With cumulative-interval: FROM,TO or FROM,TO,STEP (20min,40min; the step is 1 of
    /// the unit of FROM unless given)
    #[arg(long, value_name = "FROM,TO[,STEP]")]
    pub interval: Option<String>,

    /// With cumulative-interval: the median or the mean over the cutoffs
    #[arg(long, value_enum, default_value_t = SummaryArg::Median)]
    pub summary: SummaryArg,

    /// With every measure but nearest: the column of the --data CSV holding each
    /// facility's supply (such as beds); 1 per facility without it
    #[arg(long, value_name = "C")]
    pub capacity_col: Option<String>,

    /// With every measure but nearest: also give the share of the weight whose value is
    /// below this
    #[arg(long, value_name = "VALUE")]
    pub below: Option<f64>,

    /// Also give how unequally the measure (the nearest distance, or the score) falls on
    /// the weight: the Gini coefficient, the Palma ratio and Theil's T
    #[arg(long)]
    pub inequality: bool,

    /// Draw a map of the origins by distance, and the ring shares (.svg or .png)
    #[arg(long, value_name = "OUT.svg|OUT.png")]
    pub plot: Option<PathBuf>,

    #[command(flatten)]
    pub drive: DriveArgs,

    #[command(flatten)]
    pub transit: TransitArgs,

    /// A carefind CSV file ("-" for stdin); without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// Unit for shown distances and for bare numbers
    #[arg(long, value_enum, default_value_t = UnitArg::Mi)]
    pub units: UnitArg,

    /// Output format [default: table when stdout is a terminal, csv otherwise]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

impl CoverageArgs {
    /// The rings given, or the default: distances, or times when the costs are times.
    pub fn rings(&self) -> &str {
        match &self.rings {
            Some(rings) => rings,
            None if self.drive.network.is_some() || self.transit.gtfs.is_some() => {
                "15min,30min,60min"
            }
            None => "10mi,25mi,50mi",
        }
    }
}

/// The arguments of `carefind timetable`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carefind timetable --gtfs nyc_subway_gtfs.zip -o nyc.timetable\n  carefind find --near 10027 --by transit --gtfs nyc.timetable --depart 2026-09-15T07:30"
)]
pub struct TimetableArgs {
    /// A GTFS feed (zip or folder)
    #[arg(long, value_name = "FEED")]
    pub gtfs: PathBuf,

    /// Where to keep the timetable
    #[arg(short, long, value_name = "OUT.timetable")]
    pub output: PathBuf,
}

/// The arguments of `carefind snapshot`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  carefind snapshot --data merged.csv -o merged.snap\n  carefind serve --data merged.snap"
)]
pub struct SnapshotArgs {
    /// A carefind CSV (or snapshot) file; without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// Where to write the snapshot
    #[arg(short, long, value_name = "OUT.snap")]
    pub output: PathBuf,
}

/// The arguments of `carefind serve`.
#[derive(Debug, Args)]
#[command(after_help = SERVE_HELP)]
pub struct ServeArgs {
    /// A carefind CSV or snapshot file, read again on reload; without it, the embedded sample
    #[arg(long, value_name = "FILE|SNAPSHOT")]
    pub data: Option<String>,

    /// The address to listen on (port 0 picks a free port)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,

    /// Seconds a request may take, waiting and working, before it is answered 503
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,

    /// Units of work one search may do (a facility tested, one more per polygon vertex);
    /// past it the request is answered 422
    #[arg(long, value_name = "UNITS", default_value_t = 200_000_000)]
    pub max_work: u64,

    /// Requests that may wait for a query worker when every one is busy; past it they are
    /// answered 503 with Retry-After
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_queue: usize,

    /// Open connections at most; past it new ones are answered 503 and closed
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_connections: usize,

    /// Open connections one client (an IPv4 address, an IPv6 /64) may hold; past it its
    /// new ones are answered 503 and closed [default: half of --max-connections]
    #[arg(long, value_name = "N")]
    pub max_per_client: Option<usize>,

    /// A proxy of your own (ADDRESS or ADDRESS/PREFIX; repeat for more) whose connections
    /// begin with a PROXY protocol v1 line naming the client, who is then counted
    #[arg(long = "trusted-proxy", value_name = "NETWORK")]
    pub trusted_proxies: Vec<String>,

    /// Seconds a client has to send a request's head, and an idle connection is kept open
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub idle_timeout: u64,

    /// Seconds to let requests in flight finish after SIGTERM before connections are dropped
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub shutdown_grace: u64,

    /// Refuse a reload that would lose more than this share of the facilities (0 to 1);
    /// POST /v1/admin/reload?force=true overrides it
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub reload_max_loss: f64,

    /// Do not write the access log to stderr
    #[arg(long)]
    pub quiet: bool,

    /// The availability store: an SQLite file (created on first use) or sqlite:FILE, or
    /// postgres://user@host/db shared by several servers (the password from PGPASSWORD or
    /// the file CAREFIND_STORE_PASSWORD_FILE names). Queries read it, and updates are
    /// written to it before they are acknowledged
    #[arg(long, value_name = "STORE", env = "CAREFIND_STORE")]
    pub store: Option<String>,

    /// Who may send availability updates: a CSV of token_sha256,facilities (* or ids
    /// separated by ;); without it, updates over HTTP are refused
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,

    /// The address people and clients reach this server at, for absolute links: /hsds and
    /// the pages' printed lists (default: http:// and --addr)
    #[arg(long, value_name = "URL", alias = "hsds-base-url")]
    pub public_url: Option<String>,

    /// A tile server for the pages' map, as a URL template such as
    /// https://tile.example.org/{z}/{x}/{y}.png (default: no tiles, and no request leaves
    /// this server)
    #[arg(long, value_name = "URL")]
    pub tiles: Option<String>,

    /// A GTFS timetable (zip or folder): searches may then ask by=transit, and the page
    /// offers travel by its vehicles
    #[arg(long, value_name = "FEED")]
    pub gtfs: Option<PathBuf>,
}

const SERVE_HELP: &str = "\
Endpoints (JSON): GET /v1/facilities?near=10001&care=iop&within=25mi, POST
/v1/facilities/search, GET /v1/facilities/{id}, GET /v1/pathway?near=..., GET /v1/stats,
GET /healthz, GET /openapi.json, POST /v1/admin/reload; with --store and --tokens, PUT
/v1/facilities/{id}/availability and POST /v1/availability (a feed), answered only once
the update is on disk.

Reload (the --data file read again, with no request dropped): POST /v1/admin/reload with
\"Authorization: Bearer $CAREFIND_ADMIN_TOKEN\" (refused when the variable is not set), or
send SIGHUP. SIGTERM or Ctrl-C stops after the requests in flight.

The access log on stderr has the method, the path without its query string, the status
and the latency: never a place, a ZIP code or coordinates.";

/// `carefind availability ...`
#[derive(Debug, Subcommand)]
pub enum AvailabilityCommand {
    /// Apply a feed (CSV, JSON or NDJSON) to the store, in one transaction.
    Import(AvailabilityImportArgs),
    /// A facility's current availability and its latest updates.
    Show(AvailabilityShowArgs),
    /// The current availability, in the feed's columns (an export is itself a valid feed).
    Export(AvailabilityExportArgs),
    /// Whether each facility kept its availability current: days updated, the longest
    /// gap, and noncompliance under a rule (Colorado's by default).
    Compliance(AvailabilityComplianceArgs),
}

/// The store every `availability` command works on.
#[derive(Debug, Args)]
pub struct StoreArg {
    /// The availability store: an SQLite file (created on first import), sqlite:FILE, or
    /// postgres://user@host/db (the password from PGPASSWORD or the file
    /// CAREFIND_STORE_PASSWORD_FILE names)
    #[arg(long, value_name = "STORE", env = "CAREFIND_STORE")]
    pub store: String,
}

const AVAILABILITY_IMPORT_EXAMPLES: &str = "\
Examples:
  carefind availability import beds.csv --store availability.db --data merged.csv
  carefind availability import datasets/sample-availability.csv --store demo.db

A feed has the columns id, care, accepting, beds_available, beds_total, wait_days and
updated_at (only id and updated_at are required): care is one level (empty for the whole
facility), accepting is yes, no or empty, and updated_at is an RFC 3339 time. Every row is
checked against the directory (--data, or the embedded sample). By default a feed with any
bad row applies nothing and every problem is listed; --lenient applies the good rows. A
report older than the one held is kept in the history but does not replace it (stale).";

/// The arguments of `carefind availability import`.
#[derive(Debug, Args)]
#[command(after_help = AVAILABILITY_IMPORT_EXAMPLES)]
pub struct AvailabilityImportArgs {
    /// The feed ("-" for stdin)
    #[arg(value_name = "FEED")]
    pub feed: String,

    #[command(flatten)]
    pub store: StoreArg,

    /// The directory the ids are checked against; without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// The feed's format [default: from the extension, else from the content]
    #[arg(long, value_enum)]
    pub format: Option<FeedFormatArg>,

    /// Apply the good rows and report the bad, instead of applying nothing
    #[arg(long)]
    pub lenient: bool,

    /// List at most N problems (the tally counts them all)
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_problems: usize,

    /// Who sent the feed, kept with every update it applies (a role or a system, such as
    /// feed:state-registry; letters, digits and - _ . : /)
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,
}

const AVAILABILITY_COMPLIANCE_EXAMPLES: &str = "\
Examples:
  carefind availability compliance --store availability.db --data merged.csv
  carefind availability compliance --store demo.db --since 2026-05-01 --until 2026-05-31 --format json

One row per facility of the directory, those that never updated included: days in the
window, days with at least one update (in the facility's own time zone), the longest run of
days without one, the most days without one in a calendar month, whether the rule finds it
noncompliant, and its latest report with the label of who sent it. The colorado rule
(C.R.S. 27-60-104.5): 2 or more consecutive days, or 5 or more days in a month, without an
update; --max-gap-days and --max-missed-in-month change its two numbers. A summary by state
and by label goes to stderr (in the document with --format json). Exit 0 when every facility
complies, 1 when one does not.";

/// The arguments of `carefind availability compliance`.
#[derive(Debug, Args)]
#[command(after_help = AVAILABILITY_COMPLIANCE_EXAMPLES)]
pub struct AvailabilityComplianceArgs {
    #[command(flatten)]
    pub store: StoreArg,

    /// The directory whose facilities are judged; without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// The first day of the window [default: 30 days before --until]
    #[arg(long, value_name = "DATE")]
    pub since: Option<jiff::civil::Date>,

    /// The last day of the window [default: yesterday, in UTC]
    #[arg(long, value_name = "DATE")]
    pub until: Option<jiff::civil::Date>,

    /// The rule noncompliance is judged by
    #[arg(long, value_enum, default_value_t = RuleArg::Colorado)]
    pub rule: RuleArg,

    /// Consecutive days without an update that make a facility noncompliant [colorado: 2]
    #[arg(long, value_name = "DAYS")]
    pub max_gap_days: Option<u32>,

    /// Days without an update in a calendar month that make it noncompliant [colorado: 5]
    #[arg(long, value_name = "DAYS")]
    pub max_missed_in_month: Option<u32>,

    /// Output format
    #[arg(long, value_enum, default_value_t = FeedFormatArg::Csv)]
    pub format: FeedFormatArg,
}

/// The compliance rules carefind knows by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuleArg {
    /// Colorado's: 2 or more consecutive days, or 5 or more days in a month, without an update
    Colorado,
}

/// How a feed is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FeedFormatArg {
    Csv,
    Json,
    Ndjson,
}

/// The arguments of `carefind availability show`.
#[derive(Debug, Args)]
pub struct AvailabilityShowArgs {
    /// The facility's id
    #[arg(value_name = "ID")]
    pub id: String,

    #[command(flatten)]
    pub store: StoreArg,

    /// How many of the latest updates to list
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub history: usize,

    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

/// How `availability show` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

/// The arguments of `carefind availability export`.
#[derive(Debug, Args)]
pub struct AvailabilityExportArgs {
    #[command(flatten)]
    pub store: StoreArg,

    /// Output format
    #[arg(long, value_enum, default_value_t = FeedFormatArg::Csv)]
    pub format: FeedFormatArg,

    /// Where to write ("-" for stdout)
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: String,
}

const DIFF_EXAMPLES: &str = "\
Examples:
  carefind diff sa_2021.csv sa_2022.csv > changes.csv
  carefind diff old.snap new.csv --format json

One row per change: change (added, removed, new-id, moved, changed), id, field, old, new. A
listing removed and one added that are the same facility (within --match-within, 300 m, with
the same name, or the same address and phone) are one new-id row (old and new are the ids)
followed by what changed, not a removal and an addition. A facility
moved when its point is more than 100 m away (the field is location, old and new are the
points, and distance_m says how far); changed rows name one field each (name, phone,
address, website, a set such as care, status...). A summary by change and by state goes to
stderr. Exit 0 when identical, 1 when they differ, 2 on an error (as diff).";

/// `carefind reports` commands.
#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// The open reports (or all), with counts per facility on stderr.
    List(ReportsListArgs),
    /// Resolves a report, with a note; optionally marks the facility not accepting.
    Resolve(ReportsResolveArgs),
    /// Every report, open and resolved (`list --all`).
    Export(ReportsExportArgs),
}

const REPORTS_EXAMPLES: &str = "\
Examples:
  carefind reports list --store availability.db
  carefind reports resolve 12 --store availability.db --note \"called: number changed\" --label county-coordinator
  carefind reports resolve 13 --store availability.db --note \"program closed\" --set-accepting no
  carefind reports export --store availability.db --format json

A report is a facility, a reason (phone-does-not-work, closed, not-accepting, wrong-address,
wrong-services, other), up to 500 characters of the sender's words and the minute it
arrived; nothing about who sent it is kept. Resolving keeps the first resolution.";

/// The arguments of `carefind reports list`.
#[derive(Debug, Args)]
#[command(after_help = REPORTS_EXAMPLES)]
pub struct ReportsListArgs {
    #[command(flatten)]
    pub store: StoreArg,

    /// Resolved reports too
    #[arg(long)]
    pub all: bool,

    /// Only this facility's reports
    #[arg(long, value_name = "ID")]
    pub facility: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = FeedFormatArg::Csv)]
    pub format: FeedFormatArg,
}

/// The arguments of `carefind reports export`.
#[derive(Debug, Args)]
#[command(after_help = REPORTS_EXAMPLES)]
pub struct ReportsExportArgs {
    #[command(flatten)]
    pub store: StoreArg,

    /// Output format
    #[arg(long, value_enum, default_value_t = FeedFormatArg::Csv)]
    pub format: FeedFormatArg,
}

/// The arguments of `carefind reports resolve`.
#[derive(Debug, Args)]
#[command(after_help = REPORTS_EXAMPLES)]
pub struct ReportsResolveArgs {
    /// The report's number (the first column of `reports list`)
    #[arg(value_name = "NUMBER")]
    pub number: u64,

    #[command(flatten)]
    pub store: StoreArg,

    /// What was done
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,

    /// Who resolved it (a role, such as county-coordinator; letters, digits and - _ . : /)
    #[arg(long, value_name = "LABEL")]
    pub label: Option<String>,

    /// Also report the facility as accepting new patients or not, as of now, through the
    /// availability store (its other reported values are kept)
    #[arg(long, value_name = "YES|NO", value_parser = ["yes", "no"])]
    pub set_accepting: Option<String>,
}

/// `carefind audit` commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Draw a stratified random sample of listings, as a CSV for callers to work through.
    Sample(AuditSampleArgs),
    /// Score the verified sample: exact and functional accuracy with 95 % intervals.
    Score(AuditScoreArgs),
}

const AUDIT_EXAMPLES: &str = "\
Examples:
  carefind audit sample --data merged.csv --n 100 --seed 2026 > to_call.csv
  # ...callers fill in reached, offers_level, accepts_payment and accepting (yes/no)...
  carefind audit score to_call.csv

The sample gives each stratum (state, by default) places in proportion to its listings and
draws them at random without replacement; the same seed draws the same sample. Each row
carries what the listing claims (phone, levels, payment) and empty columns for the
verdicts: reached (the phone reaches the facility), offers_level, accepts_payment and
accepting (takes new patients as listed), each yes, no or empty (not checked). A row
without a verdict on reached is not counted.

Exact accuracy: every checked field is right. Functional accuracy: reached, and the level
offered (a person could get the care). Each comes with a Wilson 95 % interval, per stratum
and overall, overall weighted by the strata's sizes.";

/// The arguments of `carefind audit sample`.
#[derive(Debug, Args)]
#[command(after_help = AUDIT_EXAMPLES)]
pub struct AuditSampleArgs {
    /// The directory to sample; without it, the embedded sample
    #[arg(long, value_name = "FILE")]
    pub data: Option<String>,

    /// How many listings to draw
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub n: usize,

    /// The seed: the same seed draws the same sample
    #[arg(long, value_name = "S")]
    pub seed: u64,

    /// How to group listings before drawing
    #[arg(long, value_enum, default_value_t = StrataArg::State)]
    pub strata: StrataArg,
}

/// How `audit sample` groups listings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StrataArg {
    /// By state
    State,
    /// One group
    None,
}

/// The arguments of `carefind audit score`.
#[derive(Debug, Args)]
#[command(after_help = AUDIT_EXAMPLES)]
pub struct AuditScoreArgs {
    /// The sample with its verdicts filled in
    #[arg(value_name = "RESULTS")]
    pub results: String,

    /// Output format
    #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
}

/// How `audit score` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Table,
    Csv,
    Json,
}

/// The arguments of `carefind diff`.
#[derive(Debug, Args)]
#[command(after_help = DIFF_EXAMPLES)]
pub struct DiffArgs {
    /// The older release (carefind CSV or snapshot)
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The newer release (carefind CSV or snapshot)
    #[arg(value_name = "NEW")]
    pub new: String,

    /// A move farther than this is reported
    #[arg(long, value_name = "DIST", default_value = "100m")]
    pub moved_over: String,

    /// A listing removed and one added within this distance, with the same name or the
    /// same address and phone, are one facility with a new id (0 turns this off)
    #[arg(long, value_name = "DIST", default_value = "300m")]
    pub match_within: String,

    /// Output format [default: csv]
    #[arg(long, value_enum, default_value_t = DiffFormat::Csv)]
    pub format: DiffFormat,
}

/// How `diff` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Csv,
    Json,
    Ndjson,
}
