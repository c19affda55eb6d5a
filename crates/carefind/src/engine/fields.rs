//! The facility's fields, once: every other list of them (the native CSV's columns and
//! their positions, the store's text fields, the CSV a store is saved as) is made from
//! this table by the `facility_fields!` macro, as `vocabulary!` makes the terms of each
//! vocabulary; the tests hold the rest (the `Facility` struct's serialized keys, the API's
//! record and its OpenAPI schema) to it.
//!
//! ```
//! use carefind::fields::{FIELDS, Kind};
//!
//! let names: Vec<&str> = FIELDS.iter().map(|field| field.name).collect();
//! assert_eq!(names[..4], ["id", "name", "name2", "street"]);
//! assert_eq!(names, carefind::load::native::COLUMNS);
//! assert!(FIELDS.iter().any(|field| field.name == "care" && field.kind == Kind::Set));
//! ```

use crate::facility::Facility;

/// How a field holds its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Free text, empty when unknown.
    Text,
    /// Degrees of latitude or longitude.
    Coordinate,
    /// A set of terms of a vocabulary, written as canonical names joined with `;`.
    Set,
    /// A list of free-text items, joined with `;`.
    List,
    /// One term of a small closed list (precision, status).
    Term,
    /// A civil date, `YYYY-MM-DD`, empty when unknown.
    Date,
    /// Yes or no, empty when unknown (never read as no).
    Flag,
}

/// One field of a facility: its name (in the native CSV, the JSON of `Facility`, the
/// API's records), how it holds its value, and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The column and key name.
    pub name: &'static str,
    /// How it holds its value.
    pub kind: Kind,
    /// What it is, in one sentence.
    pub doc: &'static str,
}

/// Declares the fields: `name / Column: Kind "doc",` in the native CSV's order, each text
/// field with the store's variant for it (`=> Variant`, the order of the store's arena).
macro_rules! facility_fields {
    ($($name:ident / $column:ident: $kind:ident $(=> $text:ident)? $doc:literal,)*) => {
        /// Every field of a facility, in the order of the native CSV's columns.
        pub const FIELDS: [FieldSpec; [$(stringify!($name)),*].len()] = [$(
            FieldSpec { name: stringify!($name), kind: Kind::$kind, doc: $doc },
        )*];

        /// A field's place in [`FIELDS`] (and among the native CSV's columns).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(usize)]
        pub(crate) enum Column {
            $($column,)*
        }

        /// The text fields of a facility, in the order they sit in the store's arena.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Field {
            $($($text,)?)*
        }

        impl Field {
            /// Every text field, in the arena's order.
            pub(crate) const ALL: [Field; [$($(stringify!($text),)?)*].len()] = [$($(Field::$text,)?)*];

            /// The field of an owned facility.
            pub(crate) fn of(facility: &Facility, field: Field) -> &str {
                match field {
                    $($(Field::$text => &facility.$name,)?)*
                }
            }

            /// The field's name in [`FIELDS`].
            #[cfg(test)]
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $($(Field::$text => stringify!($name),)?)*
                }
            }
        }
    };
}

facility_fields! {
    id / Id: Text => Id "A stable identifier, unique within a dataset.",
    name / Name: Text => Name "The facility's name.",
    name2 / Name2: Text => Name2 "A second name (a program or parent organisation), or empty.",
    street / Street: Text => Street "Street address.",
    city / City: Text => City "City.",
    state / State: Text => State "State or territory, as a two-letter USPS code.",
    zip / Zip: Text => Zip "ZIP code.",
    phone / Phone: Text => Phone "Main phone number.",
    intake_phone / IntakePhone: Text => IntakePhone "Intake phone number.",
    website / Website: Text => Website "Website.",
    lat / Lat: Coordinate "Latitude in degrees (WGS 84).",
    lon / Lon: Coordinate "Longitude in degrees (WGS 84).",
    care / Care: Set "Levels of care offered; empty when the source names none (level filters never match such a facility).",
    payment / Payment: Set "Ways of paying accepted.",
    ages / Ages: Set "Age groups served.",
    populations / Populations: Set "Client groups with dedicated programs.",
    languages / Languages: Set "Languages care is offered in.",
    medications / Medications: Set "Medications used in treatment.",
    services / Services: List "Other services, free text.",
    kinds / Kinds: Set "What the facility treats: substance use, mental health, or both.",
    mh_types / MhTypes: Set "The mental-health facility types it is.",
    credentials / Credentials: Set "Its accreditations, licenses, OTP certification, DEA registration and FQHC designation.",
    precision / Precision: Term "How exactly the point places it: its own address, or only its ZIP centroid.",
    status / Status: Term "Whether the facility is open.",
    verified / Verified: Date "When the listing was last confirmed, if known.",
    source / Source: Text => Source "Where the listing comes from (a directory and its release), free text.",
    hours / Hours: Text => Hours "Opening hours in the OpenStreetMap opening_hours syntax (Mo-Fr 08:00-20:00; PH off, PH being US federal holidays), in local time; empty when not listed.",
    level_hours / LevelHours: Text => LevelHours "Hours of single levels of care that differ from the facility's, as a JSON object ({\"iop\": \"Mo,We,Th 18:00-21:00\"}); empty when none.",
    timezone / Timezone: Text => Timezone "The IANA time zone its hours are in (America/Chicago); found from the coordinates when the source names none.",
    walk_in / WalkIn: Text => WalkIn "Walk-in intake: yes (while open), no, or its hours in the opening_hours syntax; empty when unknown.",
    same_day_medication / SameDayMedication: Flag "Whether medication for opioid use disorder can start at the first visit: yes, no, or empty when unknown.",
    counseling_required / CounselingRequired: Flag "Whether counseling is required to receive medication: yes, no, or empty when unknown.",
    telehealth_intake / TelehealthIntake: Flag "Whether intake can be done by phone or video: yes, no, or empty when unknown.",
    hsds / Hsds: Text => Hsds "What an Open Referral HSDS source said that carefind has no field for (contacts, phones with extensions, all its languages and schedules, exact ages, funding, programs, service areas, the organization), as a JSON object of HSDS objects ({\"service\": {\"contacts\": [...]}}), written back on HSDS export; empty otherwise.",
}

/// How many text fields each facility has in the store's arena.
pub(crate) const TEXT_FIELDS: usize = Field::ALL.len();

/// The names of [`FIELDS`], in order: the native CSV's columns.
pub(crate) const NAMES: [&str; FIELDS.len()] = {
    let mut names = [""; FIELDS.len()];
    let mut i = 0;
    while i < FIELDS.len() {
        names[i] = FIELDS[i].name;
        i += 1;
    }
    names
};

impl Column {
    /// The column's place in [`FIELDS`].
    pub(crate) const fn at(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Facility` is written by hand (its types, defaults and serde attributes): its
    /// serialized keys are the table's, in the table's order.
    #[test]
    fn the_facility_struct_serializes_the_fields_in_order() {
        let facility = Facility::new("a", "Alpha", crate::LatLon::new(1.0, 2.0).unwrap());
        let json = serde_json::to_string(&facility).unwrap();
        let mut at = 0;
        for field in FIELDS {
            let key = format!("\"{}\":", field.name);
            let found = json[at..]
                .find(&key)
                .unwrap_or_else(|| panic!("{} missing or out of order in {json}", field.name));
            at += found + key.len();
        }
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value.as_object().unwrap().len(), FIELDS.len(), "{json}");
    }

    #[test]
    fn text_fields_are_the_tables_text_fields_in_order() {
        let text: Vec<&str> = FIELDS
            .iter()
            .filter(|field| field.kind == Kind::Text)
            .map(|field| field.name)
            .collect();
        let arena: Vec<&str> = Field::ALL.iter().map(|field| field.name()).collect();
        assert_eq!(arena, text);
        assert_eq!(FIELDS[Column::Source.at()].name, "source");
        assert_eq!(FIELDS[Column::Lat.at()].name, "lat");
    }
}
