//! HSDS as a tabular data package: `datapackage.json` and one CSV per object.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::read::{Converted, Found, HsdsLoaded, Place, Reader, convert};
use crate::availability::Availability;
use crate::error::Error;
use crate::facility_ref::FacilityRef;
use crate::load::LoadOptions;
use crate::staged::{StagedFile, commit_all};

/// One table of the data package: the object it holds, its file and its columns (the
/// scalar fields of HSDS 3.1's tabular schema, in its order).
#[derive(Clone, Copy, Debug)]
pub struct Table {
    /// The object's name (`service`).
    pub resource: &'static str,
    /// The file (`services.csv`).
    pub path: &'static str,
    /// The columns.
    pub columns: &'static [&'static str],
}

/// The tables carefind writes and reads, in the order of the specification.
///
/// ```
/// let services = carefind::hsds::TABLES.iter().find(|t| t.resource == "service").unwrap();
/// assert_eq!(services.path, "services.csv");
/// assert_eq!(services.columns[..4], ["id", "organization_id", "program_id", "name"]);
/// ```
pub const TABLES: &[Table] = &[
    Table {
        resource: "organization",
        path: "organizations.csv",
        columns: &[
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
            "parent_organization_id",
        ],
    },
    Table {
        resource: "service",
        path: "services.csv",
        columns: &[
            "id",
            "organization_id",
            "program_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "interpretation_services",
            "application_process",
            "fees_description",
            "wait_time",
            "fees",
            "accreditations",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "licenses",
            "alert",
            "last_modified",
        ],
    },
    Table {
        resource: "location",
        path: "locations.csv",
        columns: &[
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ],
    },
    Table {
        resource: "service_at_location",
        path: "service_at_location.csv",
        columns: &["id", "service_id", "location_id", "description"],
    },
    Table {
        resource: "address",
        path: "addresses.csv",
        columns: &[
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ],
    },
    Table {
        resource: "phone",
        path: "phones.csv",
        columns: &[
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
        ],
    },
    Table {
        resource: "language",
        path: "languages.csv",
        columns: &[
            "id",
            "service_id",
            "location_id",
            "phone_id",
            "name",
            "code",
            "note",
        ],
    },
    Table {
        resource: "cost_option",
        path: "cost_options.csv",
        columns: &[
            "id",
            "service_id",
            "valid_from",
            "valid_to",
            "option",
            "currency",
            "amount",
            "amount_description",
        ],
    },
    Table {
        resource: "schedule",
        path: "schedules.csv",
        columns: &[
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ],
    },
    Table {
        resource: "contact",
        path: "contacts.csv",
        columns: &[
            "id",
            "organization_id",
            "service_id",
            "service_at_location_id",
            "location_id",
            "name",
            "title",
            "department",
            "email",
        ],
    },
    Table {
        resource: "program",
        path: "programs.csv",
        columns: &[
            "id",
            "organization_id",
            "name",
            "alternate_name",
            "description",
        ],
    },
    Table {
        resource: "funding",
        path: "funding.csv",
        columns: &["id", "organization_id", "service_id", "source"],
    },
    Table {
        resource: "service_area",
        path: "service_areas.csv",
        columns: &[
            "id",
            "service_id",
            "service_at_location_id",
            "name",
            "description",
            "extent",
            "extent_type",
            "uri",
        ],
    },
    Table {
        resource: "required_document",
        path: "required_documents.csv",
        columns: &["id", "service_id", "document", "uri"],
    },
    Table {
        resource: "accessibility",
        path: "accessibility.csv",
        columns: &["id", "location_id", "description", "details", "url"],
    },
    Table {
        resource: "organization_identifier",
        path: "organization_identifiers.csv",
        columns: &[
            "id",
            "organization_id",
            "identifier_scheme",
            "identifier_type",
            "identifier",
        ],
    },
    Table {
        resource: "url",
        path: "url.csv",
        columns: &["id", "label", "url", "organization_id", "service_id"],
    },
    Table {
        resource: "service_capacity",
        path: "service_capacity.csv",
        columns: &[
            "id",
            "service_id",
            "unit_id",
            "available",
            "maximum",
            "description",
            "updated",
        ],
    },
    Table {
        resource: "unit",
        path: "units.csv",
        columns: &["id", "name", "scheme", "identifier", "uri"],
    },
    Table {
        resource: "attribute",
        path: "attributes.csv",
        columns: &[
            "id",
            "link_id",
            "taxonomy_term_id",
            "link_type",
            "link_entity",
            "value",
            "label",
        ],
    },
    Table {
        resource: "taxonomy_term",
        path: "taxonomy_terms.csv",
        columns: &[
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "language",
            "taxonomy_id",
            "term_uri",
        ],
    },
    Table {
        resource: "taxonomy",
        path: "taxonomies.csv",
        columns: &["id", "name", "description", "uri", "version"],
    },
];

/// The table schema of every table carefind writes, derived from the specification's own
/// `datapackage.json` (a test derives it again from the specification and compares): each
/// column's type, format and constraints, the primary key, and the foreign keys between
/// the tables, so that a validator such as frictionless can find a package invalid.
const TABLE_SCHEMA: &str = include_str!("tabular_schema.json");

/// `resource`'s entry of [`TABLE_SCHEMA`] (name, path and schema).
fn spec_resource(resource: &str) -> &'static Value {
    static PARSED: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        serde_json::from_str(TABLE_SCHEMA).expect("the shipped table schema is JSON")
    });
    parsed["resources"]
        .as_array()
        .and_then(|resources| resources.iter().find(|r| r["name"] == resource))
        .unwrap_or(&Value::Null)
}

/// The columns of `resource` the specification requires.
fn required_columns(resource: &str) -> Vec<&'static str> {
    spec_resource(resource)["schema"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|field| field["constraints"]["required"] == true)
        .filter_map(|field| field["name"].as_str())
        .collect()
}

/// Whether the specification types `column` as a number, in whichever table has it (the
/// tables agree): such cells are read as numbers, the rest as strings.
fn is_number(column: &str) -> bool {
    static NUMBERS: std::sync::OnceLock<HashSet<&'static str>> = std::sync::OnceLock::new();
    NUMBERS
        .get_or_init(|| {
            TABLES
                .iter()
                .flat_map(|table| spec_resource(table.resource)["schema"]["fields"].as_array())
                .flatten()
                .filter(|field| field["type"] == "number")
                .filter_map(|field| field["name"].as_str())
                .collect()
        })
        .contains(column)
}

fn table(resource: &str) -> &'static Table {
    TABLES
        .iter()
        .find(|t| t.resource == resource)
        .expect("a known table")
}

/// Where an object's children go: in `parent`'s array `key`, rows of `child` whose column
/// `link` holds the parent's id. One row may link several parents (a phone of a service
/// and of its location), as the tables have it.
const NESTED: &[(&str, &str, &str, &str)] = &[
    (
        "service_at_location",
        "phones",
        "phone",
        "service_at_location_id",
    ),
    (
        "service_at_location",
        "contacts",
        "contact",
        "service_at_location_id",
    ),
    (
        "service_at_location",
        "schedules",
        "schedule",
        "service_at_location_id",
    ),
    (
        "service_at_location",
        "service_areas",
        "service_area",
        "service_at_location_id",
    ),
    ("service", "phones", "phone", "service_id"),
    ("service", "languages", "language", "service_id"),
    ("service", "cost_options", "cost_option", "service_id"),
    ("service", "schedules", "schedule", "service_id"),
    ("service", "contacts", "contact", "service_id"),
    ("service", "funding", "funding", "service_id"),
    ("service", "service_areas", "service_area", "service_id"),
    (
        "service",
        "required_documents",
        "required_document",
        "service_id",
    ),
    ("service", "additional_urls", "url", "service_id"),
    ("organization", "phones", "phone", "organization_id"),
    ("organization", "contacts", "contact", "organization_id"),
    ("organization", "funding", "funding", "organization_id"),
    ("organization", "programs", "program", "organization_id"),
    (
        "organization",
        "organization_identifiers",
        "organization_identifier",
        "organization_id",
    ),
    (
        "organization",
        "additional_websites",
        "url",
        "organization_id",
    ),
    ("location", "addresses", "address", "location_id"),
    ("location", "phones", "phone", "location_id"),
    ("location", "languages", "language", "location_id"),
    ("location", "schedules", "schedule", "location_id"),
    ("location", "contacts", "contact", "location_id"),
    ("location", "accessibility", "accessibility", "location_id"),
    ("contact", "phones", "phone", "contact_id"),
    ("phone", "languages", "language", "phone_id"),
];

/// A table's rows, and where each id's row is.
type TableRows = (Vec<Map<String, Value>>, HashMap<String, usize>);

/// A `service_at_location` row built with what it links to, or the key that points nowhere
/// (field, value, the kind of object it names).
type Built = Result<Value, (&'static str, String, &'static str)>;

/// Rows of every table, each kept once by id, in the order met.
#[derive(Default)]
struct Rows {
    tables: HashMap<&'static str, TableRows>,
}

impl Rows {
    fn add(&mut self, resource: &'static str, object: &Value, extra: &[(&str, &Value)]) {
        let Some(fields) = object.as_object() else {
            return;
        };
        let id = fields
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let (rows, seen) = self.tables.entry(resource).or_default();
        if let Some(at) = seen.get(&id) {
            // Met again under another parent: the row links that one too.
            for (key, value) in extra {
                rows[*at]
                    .entry((*key).to_string())
                    .or_insert_with(|| (*value).clone());
            }
            return;
        }
        seen.insert(id, rows.len());
        let mut row = Map::new();
        for column in table(resource).columns {
            if let Some(value) = fields
                .get(*column)
                .filter(|v| !v.is_array() && !v.is_object())
            {
                row.insert((*column).to_string(), value.clone());
            }
        }
        for (key, value) in extra {
            row.insert((*key).to_string(), (*value).clone());
        }
        rows.push(row);
    }

    fn attributes(&mut self, owner: &Value, entity: &str) {
        let owner_id = owner.get("id").cloned().unwrap_or(Value::Null);
        let entity = Value::from(entity);
        for attribute in owner
            .get("attributes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(term) = attribute.get("taxonomy_term") {
                self.add("taxonomy_term", term, &[]);
            }
            self.add(
                "attribute",
                attribute,
                &[
                    ("link_id", &owner_id),
                    ("link_type", &entity),
                    ("link_entity", &entity),
                ],
            );
        }
    }

    fn each<'v>(object: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
        object
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    }

    /// `object`'s row (linked to its parent by `link`), then its children's, at any depth.
    fn walk(&mut self, resource: &'static str, object: &Value, link: &[(&str, &Value)]) {
        self.add(resource, object, link);
        let id = object.get("id").cloned().unwrap_or(Value::Null);
        for (parent, key, child, column) in NESTED {
            if *parent == resource {
                for item in Rows::each(object, key) {
                    self.walk(child, item, &[(column, &id)]);
                }
            }
        }
    }

    /// The rows of a `service_at_location` as carefind nests it: the nested objects do not
    /// repeat their parents' ids, so each row's links are taken from where it is nested.
    fn service_at_location(&mut self, sal: &Value) {
        let service = &sal["service"];
        let location = &sal["location"];
        let id = |object: &Value| object.get("id").cloned().unwrap_or(Value::Null);
        let (service_id, location_id) = (id(service), id(location));
        self.walk(
            "service_at_location",
            sal,
            &[("service_id", &service_id), ("location_id", &location_id)],
        );
        let organization = service.get("organization");
        let organization_id = organization.map_or(Value::Null, id);
        let mut links = Vec::new();
        if let Some(organization) = organization {
            self.walk("organization", organization, &[]);
            links.push(("organization_id", &organization_id));
        }
        // A service's program is one object, linked from the service by program_id.
        if let Some(program) = service.get("program").filter(|p| p.get("id").is_some()) {
            self.walk("program", program, &[("organization_id", &organization_id)]);
            links.push(("program_id", &program["id"]));
        }
        self.walk("service", service, &links);
        for capacity in Rows::each(service, "capacities") {
            if let Some(unit) = capacity.get("unit") {
                self.add("unit", unit, &[]);
            }
            self.add("service_capacity", capacity, &[("service_id", &service_id)]);
            self.attributes(capacity, "service_capacity");
        }
        self.attributes(service, "service");
        self.walk("location", location, &[]);
        self.attributes(location, "location");
    }
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The tables of a package being written: one CSV writer per table, and the ids of the
/// rows written of the tables whose rows every facility shares (terms, units).
struct Tables<'s> {
    writers: Vec<csv::Writer<std::io::BufWriter<&'s mut std::fs::File>>>,
    shown: Vec<String>,
    required: Vec<Vec<&'static str>>,
    shared: HashMap<&'static str, HashSet<String>>,
}

/// The tables whose rows many facilities' objects name: written once, the first met.
const SHARED: [&str; 3] = ["taxonomy", "taxonomy_term", "unit"];

impl<'s> Tables<'s> {
    /// Writers on `files` (one per table of [`TABLES`], in order), each header written.
    fn new(dir: &Path, files: &'s mut [StagedFile]) -> Result<Self, Error> {
        let mut tables = Tables {
            writers: Vec::new(),
            shown: Vec::new(),
            required: Vec::new(),
            shared: HashMap::new(),
        };
        for (table, file) in TABLES.iter().zip(files) {
            tables
                .shown
                .push(dir.join(table.path).display().to_string());
            tables.required.push(required_columns(table.resource));
            tables
                .writers
                .push(csv::Writer::from_writer(std::io::BufWriter::new(
                    file.file(),
                )));
        }
        for (i, table) in TABLES.iter().enumerate() {
            let written = tables.writers[i].write_record(table.columns);
            written.map_err(|error| tables.error(i, error))?;
        }
        Ok(tables)
    }

    fn error(&self, table: usize, error: csv::Error) -> Error {
        Error::Io {
            file: self.shown[table].clone(),
            source: std::io::Error::other(error),
        }
    }

    /// Writes `rows`, but a shared table's rows already written.
    fn write(&mut self, rows: &Rows) -> Result<(), Error> {
        for (i, table) in TABLES.iter().enumerate() {
            let Some((rows, _)) = rows.tables.get(table.resource) else {
                continue;
            };
            for row in rows {
                // A row without a value the specification requires would make the
                // package invalid: the object is left out (the JSON export does the same).
                if self.required[i]
                    .iter()
                    .any(|column| cell(row.get(*column)).is_empty())
                {
                    continue;
                }
                if SHARED.contains(&table.resource) {
                    let id = cell(row.get("id"));
                    if !self.shared.entry(table.resource).or_default().insert(id) {
                        continue;
                    }
                }
                let written = self.writers[i]
                    .write_record(table.columns.iter().map(|column| cell(row.get(*column))));
                written.map_err(|error| self.error(i, error))?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Error> {
        for i in 0..self.writers.len() {
            self.writers[i].flush().map_err(|error| Error::Io {
                file: self.shown[i].clone(),
                source: error,
            })?;
        }
        Ok(())
    }
}

/// Writes the facilities as a data package in `dir` (created if missing): one CSV per
/// table and `datapackage.json` describing them. Every closed term of carefind's
/// taxonomies is written, used or not. The files are written in full before any replaces
/// what was there.
///
/// The rows are written as each chunk of facilities is made, never holding the whole
/// package: a facility that keeps nothing from an HSDS source has ids of its own alone,
/// so its rows meet no other's. What a source's objects kept may be shared (a contact
/// of two services), so those facilities' rows are gathered and written last, a row met
/// under two parents linking both.
pub fn to_tabular<'f, F: Into<FacilityRef<'f>>>(
    dir: impl AsRef<Path>,
    facilities: impl IntoIterator<Item = F>,
    availability: Option<&Availability>,
) -> Result<(), Error> {
    use rayon::prelude::*;
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir).map_err(|error| Error::Io {
        file: dir.display().to_string(),
        source: error,
    })?;
    let mut staged = TABLES
        .iter()
        .map(|table| StagedFile::new(dir.join(table.path)))
        .collect::<Result<Vec<_>, _>>()?;
    {
        let mut out = Tables::new(dir, &mut staged)?;
        let mut rows = Rows::default();
        for taxonomy in super::taxonomy::all() {
            rows.add("taxonomy", &super::taxonomy::taxonomy_json(taxonomy), &[]);
        }
        for term in super::taxonomy_terms() {
            rows.add("taxonomy_term", &term, &[]);
        }
        out.write(&rows)?;
        let facilities: Vec<FacilityRef<'f>> = facilities.into_iter().map(Into::into).collect();
        let mut kept = Rows::default();
        let mut failed = None;
        let done = super::documents(&facilities, availability, |built| {
            let rows: Vec<Option<Rows>> = built
                .par_iter()
                .map(|built| {
                    (!built.keeps_hsds()).then(|| {
                        let mut rows = Rows::default();
                        rows.service_at_location(&built.to_value());
                        rows
                    })
                })
                .collect();
            for (built, rows) in built.iter().zip(rows) {
                let written = match rows {
                    Some(rows) => out.write(&rows),
                    None => {
                        kept.service_at_location(&built.to_value());
                        Ok(())
                    }
                };
                if let Err(error) = written {
                    failed = Some(error);
                    return Err(std::io::ErrorKind::Other.into());
                }
            }
            Ok(())
        });
        if let Some(error) = failed {
            return Err(error);
        }
        done.map_err(|error| Error::Io {
            file: dir.display().to_string(),
            source: error,
        })?;
        out.write(&kept)?;
        out.flush()?;
    }
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|table| {
            let mut resource = spec_resource(table.resource).clone();
            resource["profile"] = "tabular-data-resource".into();
            resource["format"] = "csv".into();
            resource["mediatype"] = "text/csv".into();
            resource["encoding"] = "utf-8".into();
            resource
        })
        .collect();
    let descriptor = json!({
        "name": "carefind-hsds",
        "title": "Treatment facilities (carefind export, HSDS 3.1)",
        "profile": "tabular-data-package",
        "version": super::VERSION,
        "resources": resources,
    });
    let path = dir.join("datapackage.json");
    let mut file = StagedFile::new(&path)?;
    serde_json::to_writer_pretty(std::io::BufWriter::new(file.file()), &descriptor).map_err(
        |error| Error::Io {
            file: path.display().to_string(),
            source: std::io::Error::other(error),
        },
    )?;
    staged.push(file);
    commit_all(staged)
}

/// A table read: every non-empty cell, trimmed, in one text; each cell its column and
/// where it ends; each row its line and first cell. A package's attribute table is half a
/// million rows: a `String` a cell took three times the file's size.
#[derive(Default)]
struct Read {
    header: Vec<String>,
    text: String,
    /// The column of each cell and the end of its text (it starts where the one before
    /// it ends).
    cells: Vec<(u32, u32)>,
    /// The line of each row and its first cell (its last is before the next row's first).
    rows: Vec<(u64, u32)>,
    path: String,
}

/// One row of a [`Read`] table.
#[derive(Clone, Copy)]
struct Row<'t> {
    table: &'t Read,
    at: usize,
}

impl<'t> Row<'t> {
    /// The line the row starts on.
    fn line(self) -> u64 {
        self.table.rows[self.at].0
    }

    /// The value of column `name`, when not empty.
    fn get(self, name: &str) -> Option<&'t str> {
        self.iter()
            .find(|(column, _)| *column == name)
            .map(|(_, value)| value)
    }

    /// The non-empty cells, by column name.
    fn iter(self) -> impl Iterator<Item = (&'t str, &'t str)> {
        let table = self.table;
        let first = table.rows[self.at].1 as usize;
        let last = table
            .rows
            .get(self.at + 1)
            .map_or(table.cells.len(), |(_, next)| *next as usize);
        (first..last).map(move |cell| {
            let start = match cell {
                0 => 0,
                _ => table.cells[cell - 1].1 as usize,
            };
            let (column, end) = table.cells[cell];
            (
                table.header[column as usize].as_str(),
                &table.text[start..end as usize],
            )
        })
    }
}

impl Read {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn row(&self, at: usize) -> Row<'_> {
        Row { table: self, at }
    }

    fn each(&self) -> impl Iterator<Item = (usize, Row<'_>)> {
        (0..self.len()).map(|at| (at, self.row(at)))
    }

    fn by_id(&self, notes: &mut Vec<String>) -> HashMap<String, usize> {
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, row) in self.each() {
            let id = row.get("id").unwrap_or_default();
            if let Some(first) = index.get(id) {
                notes.push(format!(
                    "{} line {}: id {id:?} repeats line {}; the first is used",
                    self.path,
                    row.line(),
                    self.row(*first).line()
                ));
            } else {
                index.insert(id.to_string(), i);
            }
        }
        index
    }
}

fn read_table(dir: &Path, path: &str, source: &str) -> Result<Option<Read>, Error> {
    let file = dir.join(path);
    if !file.exists() {
        return Ok(None);
    }
    // The specification's own file names too: a link named service.csv may point anywhere.
    inside(dir, path).map_err(|why| Error::Hsds {
        file: source.to_string(),
        message: format!("{path} {why}"),
    })?;
    let shown = file.display().to_string();
    let bytes = std::fs::read(&file).map_err(|error| Error::Io {
        file: shown.clone(),
        source: error,
    })?;
    let too_big = || Error::Hsds {
        file: source.to_string(),
        message: format!("{path}: a table's cells may hold at most 4 GiB of text"),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(&bytes[..]);
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| Error::Hsds {
            file: source.to_string(),
            message: format!("{path}: {error}"),
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut table = Read {
        header,
        text: String::with_capacity(bytes.len()),
        cells: Vec::new(),
        rows: Vec::new(),
        path: shown,
    };
    // Lines are counted from the bytes (after a CRLF, the reader's own count lags one),
    // carried from one record to the next.
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                return Err(Error::Hsds {
                    file: source.to_string(),
                    message: format!("{path}: {error}"),
                });
            }
        }
        let at = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .clamp(counted_to, bytes.len());
        newlines += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count() as u64;
        counted_to = at;
        let skipped = u64::from(bytes.get(at) == Some(&b'\n'));
        let first = u32::try_from(table.cells.len()).map_err(|_| too_big())?;
        table.rows.push((1 + newlines + skipped, first));
        for (column, value) in record.iter().enumerate() {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            table.text.push_str(value);
            let end = u32::try_from(table.text.len()).map_err(|_| too_big())?;
            // A row has no more cells than the header has columns (the reader is not
            // flexible), so the column fits.
            table.cells.push((column as u32, end));
        }
    }
    // The text's unused capacity was never touched, so it holds no memory.
    Ok(Some(table))
}

/// The files of a package: from its descriptor, or the specification's names when the
/// descriptor is absent or not JSON (said in a note).
fn paths(
    dir: &Path,
    source: &str,
    notes: &mut Vec<String>,
) -> Result<HashMap<String, String>, Error> {
    let mut paths: HashMap<String, String> = TABLES
        .iter()
        .map(|t| (t.resource.to_string(), t.path.to_string()))
        .collect();
    let descriptor = dir.join("datapackage.json");
    let Ok(text) = std::fs::read_to_string(&descriptor) else {
        notes.push(
            "no datapackage.json: the tables were read by the specification's file names".into(),
        );
        return Ok(paths);
    };
    let Ok(document) = serde_json::from_str::<Value>(&text) else {
        notes.push(format!(
            "datapackage.json is not JSON (it starts {:?}): the tables were read by the specification's file names",
            crate::load::excerpt(text.trim(), 40)
        ));
        return Ok(paths);
    };
    for resource in document
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(path)) = (
            resource.get("name").and_then(Value::as_str),
            resource.get("path").and_then(Value::as_str),
        ) else {
            continue;
        };
        if let Err(why) = inside(dir, path) {
            return Err(Error::Hsds {
                file: source.to_string(),
                message: format!(
                    "datapackage.json names the resource {name:?} at {path:?}, which {why}"
                ),
            });
        }
        paths.insert(name.to_string(), path.to_string());
    }
    Ok(paths)
}

/// Whether a resource's `path` is a file inside the package `dir`, as the Data Package
/// specification requires of a local path: relative, with no `..`, and, links followed,
/// still inside the package (a link that stays inside is fine). Otherwise why not, to
/// follow "which ...". Nothing outside the package is opened, so no error can show what
/// a file elsewhere holds.
fn inside(dir: &Path, path: &str) -> Result<(), &'static str> {
    use std::path::Component;

    if path.contains("://") {
        return Err("is a URL: carefind reads only the package's own files");
    }
    let relative = Path::new(path);
    if relative.has_root() || relative.is_absolute() {
        return Err("is absolute: a package's paths are relative to its datapackage.json");
    }
    if relative
        .components()
        .any(|part| part == Component::ParentDir)
    {
        return Err("leaves the package (\"..\")");
    }
    let (Ok(root), Ok(file)) = (dir.canonicalize(), dir.join(relative).canonicalize()) else {
        return Err("is not in the package");
    };
    if !file.starts_with(&root) {
        return Err("is a link that leaves the package");
    }
    if !file.is_file() {
        return Err("is not a file in the package");
    }
    Ok(())
}

/// Reads a data package directory: every `service_at_location` row loaded or rejected,
/// every other row that points nowhere noted.
pub(crate) fn read_dir(dir: &Path, options: &LoadOptions) -> Result<HsdsLoaded, Error> {
    let source = dir.display().to_string();
    let mut notes = Vec::new();
    let paths = paths(dir, &source, &mut notes)?;
    let load = |resource: &str| -> Result<Option<Read>, Error> {
        match paths.get(resource) {
            Some(path) => read_table(dir, path, &source),
            None => Ok(None),
        }
    };
    let Some(places) = load("service_at_location")? else {
        return Err(Error::Hsds {
            file: source,
            message:
                "the package has no service_at_location.csv: nothing links services to locations"
                    .into(),
        });
    };
    let empty = Read::default;
    let services = load("service")?.unwrap_or_else(empty);
    let locations = load("location")?.unwrap_or_else(empty);
    let organizations = load("organization")?.unwrap_or_else(empty);
    let terms = load("taxonomy_term")?.unwrap_or_else(empty);
    let taxonomies = load("taxonomy")?.unwrap_or_else(empty);
    let units = load("unit")?.unwrap_or_else(empty);
    let service_ids = services.by_id(&mut notes);
    let location_ids = locations.by_id(&mut notes);
    let organization_ids = organizations.by_id(&mut notes);
    let term_ids = terms.by_id(&mut notes);
    let taxonomy_ids = taxonomies.by_id(&mut notes);
    let unit_ids = units.by_id(&mut notes);

    let object = |row: Row| -> Value {
        Value::Object(
            row.iter()
                .map(|(key, value)| {
                    // Whole numbers stay whole (an extension 100 is not 100.0).
                    let value = match is_number(key) {
                        true => value
                            .parse::<i64>()
                            .map(Value::from)
                            .or_else(|_| value.parse::<f64>().map(Value::from))
                            .unwrap_or_else(|_| value.into()),
                        false => Value::from(value),
                    };
                    (key.to_string(), value)
                })
                .collect(),
        )
    };
    // Children of services, locations and capacities: rows by the id they point to,
    // made objects only when their facility is (a package's attributes as objects all at
    // once took gigabytes).
    let mut children: HashMap<(&'static str, String), Vec<usize>> = HashMap::new();
    let mut link = |table: &Read,
                    resource: &'static str,
                    key: &str,
                    targets: &[(&'static str, &HashMap<String, usize>)],
                    notes: &mut Vec<String>| {
        for (at, row) in table.each() {
            let target = row.get(key).unwrap_or_default();
            match targets.iter().find(|(_, ids)| ids.contains_key(target)) {
                Some(_) => children
                    .entry((resource, target.to_string()))
                    .or_default()
                    .push(at),
                None => notes.push(format!(
                    "{} line {}: the {resource}'s {key} {target:?} points to no {}; the row was not used",
                    table.path,
                    row.line(),
                    targets.iter().map(|(kind, _)| *kind).collect::<Vec<_>>().join(" or ")
                )),
            }
        }
    };
    let capacities = load("service_capacity")?.unwrap_or_else(empty);
    let capacity_ids = capacities.by_id(&mut notes);
    let term_object = |id: &str| -> Option<Value> {
        let row = terms.row(*term_ids.get(id)?);
        let mut term = object(row);
        if let Some(taxonomy) = row.get("taxonomy_id").and_then(|t| taxonomy_ids.get(t)) {
            let detail = object(taxonomies.row(*taxonomy));
            if term.get("taxonomy").is_none() {
                term["taxonomy"] = detail["name"].clone();
            }
            term["taxonomy_detail"] = detail;
        }
        Some(term)
    };
    let attributes = load("attribute")?.unwrap_or_else(empty);
    link(
        &attributes,
        "attribute",
        "link_id",
        &[
            ("service", &service_ids),
            ("location", &location_ids),
            ("service_capacity", &capacity_ids),
        ],
        &mut notes,
    );
    // carefind's own terms are read by id; another's is nested from its row.
    let attribute = |row: Row| {
        let mut attribute = object(row);
        if let Some(term) = row
            .get("taxonomy_term_id")
            .filter(|id| super::term(id).is_none())
            .and_then(&term_object)
        {
            attribute["taxonomy_term"] = term;
        }
        attribute
    };
    // Every other child table, by the parent each row links (a row may link several).
    let mut tables: HashMap<&'static str, Read> = HashMap::new();
    for (_, _, child, _) in NESTED {
        if !tables.contains_key(child)
            && let Some(table) = load(child)?
        {
            tables.insert(child, table);
        }
    }
    let places_ids = places.by_id(&mut notes);
    let mut parent_ids: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    parent_ids.insert("service_at_location", places_ids);
    parent_ids.insert("service", service_ids.clone());
    parent_ids.insert("organization", organization_ids.clone());
    parent_ids.insert("location", location_ids.clone());
    for child in ["contact", "phone"] {
        if let Some(table) = tables.get(child) {
            parent_ids.insert(child, table.by_id(&mut notes));
        }
    }
    let mut nested: HashMap<(&str, &str, String), Vec<usize>> = HashMap::new();
    for (parent, _, child, column) in NESTED {
        let Some(table) = tables.get(child) else {
            continue;
        };
        let ids = parent_ids.get(parent);
        for (at, row) in table.each() {
            let Some(target) = row.get(column) else {
                continue;
            };
            if ids.is_some_and(|ids| ids.contains_key(target)) {
                nested
                    .entry((child, column, target.to_string()))
                    .or_default()
                    .push(at);
            } else {
                notes.push(format!(
                    "{} line {}: the {child}'s {column} {target:?} points to no {parent}; the row was not used there",
                    table.path,
                    row.line()
                ));
            }
        }
    }
    let programs = tables
        .get("program")
        .map(|table| (table, table.by_id(&mut Vec::new())));
    /// Puts `resource`'s children (and theirs) into `object`, whose id is `id`.
    fn nest(
        resource: &str,
        id: &str,
        object: &mut Value,
        tables: &HashMap<&'static str, Read>,
        nested: &HashMap<(&str, &str, String), Vec<usize>>,
        build: &dyn Fn(Row) -> Value,
    ) {
        for (parent, key, child, column) in NESTED {
            if *parent != resource {
                continue;
            }
            let (Some(rows), Some(table)) = (
                nested.get(&(*child, *column, id.to_string())),
                tables.get(child),
            ) else {
                continue;
            };
            let items: Vec<Value> = rows
                .iter()
                .map(|at| {
                    let row = table.row(*at);
                    let mut item = build(row);
                    let child_id = row.get("id").unwrap_or_default();
                    nest(child, child_id, &mut item, tables, nested, build);
                    item
                })
                .collect();
            object[*key] = items.into();
        }
    }
    link(
        &capacities,
        "service_capacity",
        "service_id",
        &[("service", &service_ids)],
        &mut notes,
    );
    let capacity = |row: Row| {
        let mut capacity = object(row);
        if let Some(unit) = row.get("unit_id").and_then(|id| unit_ids.get(id)) {
            capacity["unit"] = object(units.row(*unit));
        }
        capacity
    };
    let of = |resource: &'static str, target: &str| -> Vec<Value> {
        let (table, build): (&Read, &dyn Fn(Row) -> Value) = match resource {
            "attribute" => (&attributes, &attribute),
            _ => (&capacities, &capacity),
        };
        children
            .get(&(resource, target.to_string()))
            .into_iter()
            .flatten()
            .map(|at| build(table.row(*at)))
            .collect()
    };

    let mut reader = Reader::new(&source, options);
    for note in notes {
        reader.note(note);
    }
    // One service_at_location with what it links to, or the key that points nowhere.
    let assemble = |row: Row| -> Built {
        let mut sal = object(row);
        let id = row.get("id").unwrap_or_default();
        nest(
            "service_at_location",
            id,
            &mut sal,
            &tables,
            &nested,
            &object,
        );
        let service_id = row.get("service_id").unwrap_or_default();
        let location_id = row.get("location_id").unwrap_or_default();
        let Some(at) = service_ids.get(service_id) else {
            return Err(("service_id", service_id.to_string(), "service"));
        };
        let service_row = services.row(*at);
        let mut service = object(service_row);
        if let Some(org) = service_row
            .get("organization_id")
            .and_then(|id| organization_ids.get(id))
        {
            service["organization"] = object(organizations.row(*org));
        }
        service["attributes"] = of("attribute", service_id).into();
        nest(
            "service",
            service_id,
            &mut service,
            &tables,
            &nested,
            &object,
        );
        if let Some(organization) = service.get_mut("organization") {
            let id = organization["id"].as_str().unwrap_or_default().to_string();
            nest("organization", &id, organization, &tables, &nested, &object);
        }
        let program = service_row.get("program_id").and_then(|id| {
            let (table, ids) = programs.as_ref()?;
            Some(object(table.row(*ids.get(id)?)))
        });
        if let Some(program) = program {
            service["program"] = program;
        }
        let capacities: Vec<Value> = of("service_capacity", service_id)
            .into_iter()
            .map(|mut capacity| {
                let id = capacity["id"].as_str().unwrap_or_default().to_string();
                capacity["attributes"] = of("attribute", &id).into();
                capacity
            })
            .collect();
        service["capacities"] = capacities.into();
        sal["service"] = service;
        let Some(at) = location_ids.get(location_id) else {
            return Err(("location_id", location_id.to_string(), "location"));
        };
        let mut location = object(locations.row(*at));
        location["attributes"] = of("attribute", location_id).into();
        nest(
            "location",
            location_id,
            &mut location,
            &tables,
            &nested,
            &object,
        );
        sal["location"] = location;
        Ok(sal)
    };
    // Made and converted on every core a chunk at a time, accounted for in order.
    for start in (0..places.len()).step_by(2048) {
        use rayon::prelude::*;
        let chunk = start..places.len().min(start + 2048);
        let converted: Vec<Result<Converted, (u64, crate::error::RowError)>> = chunk
            .into_par_iter()
            .map(|at| places.row(at))
            .map(|row| (row.line(), row))
            .map(|(line, row)| match assemble(row) {
                Ok(sal) => Ok(convert(
                    &Found {
                        object: std::borrow::Cow::Borrowed(&sal),
                        place: Place::Line(line),
                        service: None,
                        organization: None,
                    },
                    options,
                )),
                Err((field, value, object)) => Err((
                    line,
                    crate::error::RowError {
                        line,
                        column: Some(field.into()),
                        value,
                        problem: crate::error::Problem::NoSuchObject(object),
                    },
                )),
            })
            .collect();
        for converted in converted {
            match converted {
                Ok(converted) => reader.account(converted)?,
                Err((line, error)) => reader.reject(line, error)?,
            }
        }
    }
    Ok(reader.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped schema describes exactly the columns written, in their order.
    #[test]
    fn the_table_schema_names_every_column_written() {
        for table in TABLES {
            let resource = spec_resource(table.resource);
            assert_eq!(resource["path"], table.path, "{}", table.resource);
            let names: Vec<&str> = resource["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|field| field["name"].as_str().unwrap())
                .collect();
            assert_eq!(names, table.columns, "{}", table.resource);
            assert!(required_columns(table.resource).contains(&"id"));
        }
        for column in [
            "latitude",
            "minimum_age",
            "extension",
            "available",
            "timezone",
        ] {
            assert!(is_number(column), "{column}");
        }
        assert!(!is_number("postal_code") && !is_number("id"));
    }
}
