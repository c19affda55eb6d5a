//! Which column of a CSV holds what: detected from common header names, or named by the
//! user.

use std::fmt;
use std::str::FromStr;

use crate::credential::Credential;
use crate::error::{Error, UnknownTerm};
use crate::facility::Facility;
use crate::kind::FacilityKind;
use crate::load::labels::{Category, Labels, Resolved};
use crate::load::service_codes::service_code;
use crate::mh_type::MhType;
use crate::vocabulary::Term;
use crate::vocabulary::{edit_distance, same_word};

/// A field an importer reads from a column.
///
/// Parses from its name or any header name that is detected as it, ignoring case and
/// treating `_`, `-` and spaces alike.
///
/// ```
/// use carefind::load::Field;
///
/// assert_eq!("latitude".parse::<Field>().unwrap(), Field::Lat);
/// assert_eq!("Street1".parse::<Field>().unwrap(), Field::Street);
/// assert_eq!(Field::Lon.to_string(), "lon");
/// assert!("lattitude".parse::<Field>().unwrap_err().to_string().contains("did you mean \"lat\""));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// A stable id; derived from the name and address when no column holds one.
    Id,
    /// The facility's name (required).
    Name,
    /// A second name, such as a program within an organisation.
    Name2,
    /// The street address.
    Street,
    /// A second address line, joined to the street with `, `.
    Street2,
    /// The city.
    City,
    /// The state's two-letter code.
    State,
    /// The ZIP code.
    Zip,
    /// The main phone number.
    Phone,
    /// The intake phone number.
    IntakePhone,
    /// The website.
    Website,
    /// The latitude in degrees (required).
    Lat,
    /// The longitude in degrees (required).
    Lon,
    /// A `;`-separated list of FindTreatment service labels; several columns may hold them.
    Services,
    /// What the facility treats: `SU`, `MH`, `substance-use`... (a directory's name or a
    /// download's `type_facility`).
    Kind,
    /// How exactly the point places the facility: `zip` (or SAMHSA's `zip5`) for a ZIP
    /// centroid; anything else is a point of its own.
    Precision,
    /// SAMHSA's service codes, separated by spaces (and `*` between categories), as the
    /// National Directories' `service_code_info` lists them.
    ServiceCodes,
}

/// Each field with the header names taken for it (its own name first).
const NAMES: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &["id", "facility_id", "frid", "fid", "record_id"],
    ),
    (
        Field::Name,
        &[
            "name",
            "name1",
            "facility_name",
            "facility",
            "program_name",
            "provider_name",
        ],
    ),
    (Field::Name2, &["name2", "name_2", "dba", "alternate_name"]),
    (
        Field::Street,
        &[
            "street",
            "street1",
            "address",
            "address1",
            "address_1",
            "street_address",
            "addr",
        ],
    ),
    (
        Field::Street2,
        &["street2", "address2", "address_2", "suite"],
    ),
    (Field::City, &["city", "town"]),
    (
        Field::State,
        &["state", "st", "state_code", "usps", "state_abbr"],
    ),
    (
        Field::Zip,
        &[
            "zip",
            "zipcode",
            "zip_code",
            "postal",
            "postal_code",
            "postcode",
            "zip5",
        ],
    ),
    (
        Field::Phone,
        &["phone", "telephone", "phone1", "phone_number"],
    ),
    (Field::IntakePhone, &["intake_phone", "intake", "intake1"]),
    (
        Field::Website,
        &["website", "url", "web", "web_site", "homepage"],
    ),
    (Field::Lat, &["lat", "latitude", "y", "point_y"]),
    (
        Field::Lon,
        &["lon", "longitude", "lng", "long", "x", "point_x"],
    ),
    (
        Field::Services,
        &["services", "all_services", "labels", "service_labels"],
    ),
    (
        Field::Kind,
        &[
            "kinds",
            "kind",
            "type_facility",
            "directory",
            "facility_kind",
        ],
    ),
    (
        Field::Precision,
        &["precision", "coord_match", "location_precision"],
    ),
    (
        Field::ServiceCodes,
        &["service_code_info", "service_codes", "codes"],
    ),
];

impl Field {
    /// The field's name, as `--map` takes it.
    ///
    /// ```
    /// use carefind::load::Field;
    ///
    /// assert_eq!(Field::IntakePhone.name(), "intake_phone");
    /// ```
    pub fn name(self) -> &'static str {
        self.header_names()[0]
    }

    /// The header names detected as this field, its name first.
    ///
    /// ```
    /// use carefind::load::Field;
    ///
    /// assert!(Field::Lat.header_names().contains(&"latitude"));
    /// ```
    pub fn header_names(self) -> &'static [&'static str] {
        NAMES
            .iter()
            .find(|(field, _)| *field == self)
            .map_or(&[], |(_, names)| names)
    }

    /// The field a header name is detected as; any header ending in "services" holds
    /// service labels.
    fn detect(header: &str) -> Option<Field> {
        let header = header.trim();
        NAMES
            .iter()
            .find(|(_, names)| names.iter().any(|name| same_word(header, name)))
            .map(|(field, _)| *field)
            .or_else(|| {
                let lower = header.to_ascii_lowercase();
                lower.ends_with("services").then_some(Field::Services)
            })
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Field {
    type Err = UnknownTerm;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        let word = word.trim();
        NAMES
            .iter()
            .find(|(_, names)| names.iter().any(|name| same_word(word, name)))
            .map(|(field, _)| *field)
            .ok_or_else(|| {
                let lower = word.to_ascii_lowercase();
                let lower = lower.as_str();
                let suggestion = NAMES
                    .iter()
                    .flat_map(|(field, names)| {
                        names
                            .iter()
                            .map(move |name| (field.name(), edit_distance(lower, name)))
                    })
                    .filter(|(_, distance)| *distance <= (lower.len() / 3).max(1))
                    .min_by_key(|(_, distance)| *distance)
                    .map(|(name, _)| name);
                UnknownTerm {
                    kind: "field",
                    value: word.to_string(),
                    suggestion,
                    valid: NAMES.iter().map(|(field, _)| field.name()).collect(),
                }
            })
    }
}

/// Where each field sits in a header.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    single: Vec<(Field, usize)>,
    /// The columns of service labels, in header order.
    pub(crate) services: Vec<usize>,
    /// The 0/1 columns of service codes, in header order (see [`Columns::find_codes`]).
    pub(crate) codes: Vec<CodeColumn>,
    /// The header's names, as written.
    pub(crate) names: Vec<String>,
}

impl Columns {
    /// Detects the columns of `names`, then applies the user's `mapped` columns over them.
    ///
    /// When no column is detected as the name but one is detected as the id, the id column
    /// holds the names: plain directories label their name column `ID`.
    pub(crate) fn find(
        names: Vec<String>,
        mapped: &[(Field, String)],
        source: &str,
    ) -> Result<Columns, Error> {
        let mut columns = Columns {
            names,
            ..Columns::default()
        };
        for (i, header) in columns.names.iter().enumerate() {
            match Field::detect(header) {
                Some(Field::Services) => columns.services.push(i),
                Some(field) if columns.position(field).is_none() => {
                    columns.single.push((field, i));
                }
                _ => {}
            }
        }
        if columns.position(Field::Name).is_none()
            && let Some(id) = columns.single.iter_mut().find(|(f, _)| *f == Field::Id)
        {
            id.0 = Field::Name;
        }
        let mut mapped_services = Vec::new();
        for (field, column) in mapped {
            let Some(i) = columns
                .names
                .iter()
                .position(|name| name.trim().eq_ignore_ascii_case(column.trim()))
            else {
                return Err(Error::NoSuchColumn {
                    file: source.to_string(),
                    column: column.clone(),
                    found: crate::error::shown_header(&columns.names),
                });
            };
            if *field == Field::Services {
                mapped_services.push(i);
                continue;
            }
            // The column now holds only `field`.
            columns.single.retain(|(f, at)| f != field && *at != i);
            columns.services.retain(|at| *at != i);
            columns.single.push((*field, i));
        }
        if !mapped_services.is_empty() {
            columns.services = mapped_services;
        }
        for required in [Field::Name, Field::Lat, Field::Lon] {
            if columns.position(required).is_none() {
                return Err(Error::UndetectedColumn {
                    file: source.to_string(),
                    field: required.name(),
                    looked_for: required.header_names().join(", "),
                    found: crate::error::shown_header(&columns.names),
                });
            }
        }
        Ok(columns)
    }

    /// The column holding `field`, if any.
    pub(crate) fn position(&self, field: Field) -> Option<usize> {
        self.single
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, i)| *i)
    }

    /// Takes every column that holds no field and is named by a SAMHSA service code as a
    /// 0/1 code column.
    pub(crate) fn find_codes(&mut self) {
        let free: Vec<usize> = self.free().collect();
        for i in free {
            if let Some(meaning) = CodeMeaning::of(&self.names[i]) {
                self.codes.push(CodeColumn { at: i, meaning });
            }
        }
    }

    /// Header columns that hold no field, service labels or codes.
    fn free(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.names.len()).filter(|i| {
            !self.single.iter().any(|(_, at)| at == i)
                && !self.services.contains(i)
                && !self.codes.iter().any(|code| code.at == *i)
        })
    }

    /// Header columns that hold no field.
    pub(crate) fn ignored(&self) -> Vec<String> {
        self.free().map(|i| self.names[i].clone()).collect()
    }
}

/// A 0/1 column named by a service code: its position, and what the code means.
#[derive(Clone, Debug)]
pub(crate) struct CodeColumn {
    pub(crate) at: usize,
    pub(crate) meaning: CodeMeaning,
}

/// What a service code says of a facility that has it.
#[derive(Clone, Debug)]
pub(crate) enum CodeMeaning {
    /// The locator's label for the service, looked up once.
    Label(Resolved),
    /// The facility treats this (codes `sa`, `mh`).
    Kind(FacilityKind),
    /// The facility is of this mental-health type (the "Facility Type" codes).
    MhType(MhType),
    /// The facility holds this credential (the "License/Certification/Accreditation"
    /// codes, mental health clinic aside, which stays a service).
    Credential(Credential),
}

impl CodeMeaning {
    /// Gives `facility` what the code says; labels go through `labels`.
    pub(crate) fn apply(&self, labels: &mut Labels, facility: &mut Facility) {
        match self {
            CodeMeaning::Label(resolved) => labels.add_resolved(resolved, facility),
            CodeMeaning::Kind(kind) => facility.kinds.insert(*kind),
            CodeMeaning::MhType(mh_type) => facility.mh_types.insert(*mh_type),
            CodeMeaning::Credential(credential) => facility.credentials.insert(*credential),
        }
    }

    /// The meaning of a code as a list writes it; a code no table knows is kept as a
    /// service named by the code, and reported like a label no table knows.
    pub(crate) fn of_listed(code: &str) -> Option<CodeMeaning> {
        CodeMeaning::of(code)
            .or_else(|| Resolved::new(code, Category::Mapped).map(CodeMeaning::Label))
    }

    /// The meaning of a SAMHSA service code, in any case; `None` for a code no table knows.
    pub(crate) fn of(code: &str) -> Option<CodeMeaning> {
        let (code, category, name) = service_code(code)?;
        let meaning = match (code, category) {
            ("sa" | "mh", _) => FacilityKind::parse_one(code).ok().map(CodeMeaning::Kind),
            (_, "FT") => MhType::parse_one(code).ok().map(CodeMeaning::MhType),
            (_, "LCA") => Credential::parse_one(code)
                .ok()
                .map(CodeMeaning::Credential),
            _ => None,
        };
        // "Detoxification" alone names no setting: the detox levels come from their own
        // codes (hid, rd, od), so that each level counts its column.
        let label = match (code, category) {
            ("dt", _) => Category::Services,
            (_, category) if MAPPED_CATEGORIES.contains(&category) => Category::Mapped,
            _ => Category::Services,
        };
        meaning.or_else(|| Resolved::new(name, label).map(CodeMeaning::Label))
    }
}

/// SAMHSA code categories whose services map to attributes: type of care, service setting,
/// opioid treatment, payment and its assistance, ages, gender, special programs, languages,
/// medications. The others (approaches, ancillary services, licensing...) are services.
const MAPPED_CATEGORIES: &[&str] = &[
    "TC", "SET", "OT", "PAY", "PYAS", "AGE", "GN", "SG", "OL", "SL", "PHR", "OM",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &str) -> Vec<String> {
        names.split(',').map(String::from).collect()
    }

    #[test]
    fn detects_the_real_directories() {
        let sa = Columns::find(
            header("name1,name2,street1,street2,city,state,zip,zip4,county,latitude,longitude"),
            &[],
            "sa",
        )
        .unwrap();
        assert_eq!(sa.position(Field::Name), Some(0));
        assert_eq!(sa.position(Field::Street2), Some(3));
        assert_eq!(sa.position(Field::Lon), Some(10));
        assert_eq!(sa.ignored(), ["zip4", "county"]);

        let otp = Columns::find(
            header("ID,ADDRESS,CITY,STATE,POSTAL,Latitude,Longitude"),
            &[],
            "otp",
        )
        .unwrap();
        assert_eq!(otp.position(Field::Name), Some(0), "ID holds the names");
        assert_eq!(otp.position(Field::Id), None);
        assert_eq!(otp.position(Field::Zip), Some(4));

        let labels = Columns::find(
            header("Name,City,State,ZIP,Phone,Address,Website,Latitude,Longitude,Residential Services,All Services"),
            &[],
            "ca",
        )
        .unwrap();
        assert_eq!(labels.services, [9, 10]);
        assert!(labels.ignored().is_empty());
    }

    #[test]
    fn mapped_columns_win_and_missing_ones_are_named() {
        let mapped = [
            (Field::Lat, "Y_coord".to_string()),
            (Field::Lon, "x_coord".to_string()),
        ];
        let columns = Columns::find(header("title,Y_coord,x_coord,name"), &mapped, "f").unwrap();
        assert_eq!(columns.position(Field::Lat), Some(1));
        assert_eq!(columns.position(Field::Lon), Some(2));

        let error = Columns::find(header("title,lat,lon"), &[], "f.csv").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("f.csv: no column for name (looked for name, name1"),
            "{error}"
        );
        let error = Columns::find(
            header("name,lat,lon"),
            &[(Field::Zip, "postcode".into())],
            "f",
        )
        .unwrap_err();
        assert!(matches!(error, Error::NoSuchColumn { .. }), "{error}");
    }
}
