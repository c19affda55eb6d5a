//! Open Referral HSDS 3.1, the interchange format of directories of health and human
//! services: carefind's facilities written as HSDS (JSON, or a tabular data package of
//! CSVs) and HSDS documents read as facilities.
//!
//! A carefind facility is one `service` delivered at one `location` (a
//! `service_at_location`) by one `organization`. Ids are UUIDs derived from the carefind id
//! (version 5, in a namespace of carefind's own), so every export gives the same ids and a
//! consumer can update rather than replace; the carefind id itself travels as the
//! location's `external_identifier` (type `carefind`). carefind's vocabularies go out as
//! taxonomies ([`taxonomy`]): `carefind-care-level` (with the ASAM level in each term's
//! description), payment, ages, populations, languages, medications, facility kinds,
//! mental-health types, location precision, free-text services, and the listing's source
//! in an attribute's `value`. Availability goes out as `service_capacity` in the unit
//! "bed", the level as an attribute of the capacity.
//!
//! Reading takes a `service_at_location` (or a list, or a page with `contents`), a
//! `service` with its `service_at_locations`, an `organization` with its `services`, or a
//! data package directory. carefind's own terms map back exactly; other taxonomies' terms
//! are matched by label like FindTreatment's labels, kept as services and reported as
//! unknown when nothing matches. Every `service_at_location` is loaded or rejected with its
//! place and reason (a location without coordinates is never dropped silently), so
//! `read == loaded + rejected`.
//!
//! ```
//! use carefind::{Index, hsds, load::LoadOptions};
//!
//! let index = Index::sample();
//! let some: Vec<_> = index.facilities().take(3).map(|f| f.to_facility()).collect();
//! let document = hsds::to_json(&some, None);
//! let bytes = serde_json::to_vec(&document)?;
//! let read = hsds::from_slice(&bytes, "export.json", &LoadOptions::strict())?;
//! assert_eq!(read.loaded.facilities, some);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod kept;
mod read;
mod schedule;
mod tabular;
pub mod taxonomy;
mod write;

use serde_json::Value;
use uuid::Uuid;

use crate::availability::{Availability, Update};
use crate::facility_ref::FacilityRef;

pub(crate) use kept::check as check_kept;
pub use read::{HsdsLoaded, MAX_FIELD_BYTES, from_path, from_slice, from_tabular};
pub use schedule::schedules;
pub use tabular::{TABLES, Table, to_tabular};
pub use write::{Ids, bed_unit, location, service, service_at_location, service_capacities};

/// The version of HSDS carefind reads and writes.
pub const VERSION: &str = "3.1";

/// The scheme carefind's own identifiers are named by (`external_identifier_type`, the
/// unit's scheme).
pub const ID_SCHEME: &str = "carefind";

/// The namespace of carefind's HSDS ids (a version 5 UUID of "carefind.hsds" in the URL
/// namespace), fixed forever so ids stay stable.
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://carefind.invalid/hsds")
}

/// The stable id of the HSDS object of kind `kind` (`service`, `location`...) for `key`.
///
/// ```
/// let id = carefind::hsds::id_of("service", "S00001");
/// assert_eq!(id, carefind::hsds::id_of("service", "S00001"));
/// assert_eq!(id.len(), 36);
/// ```
pub fn id_of(kind: &str, key: &str) -> String {
    let name = format!("{kind}:{key}");
    Uuid::new_v5(&namespace(), name.as_bytes()).to_string()
}

/// The facilities as a JSON array of `service_at_location` objects, each with its service
/// (organization, attributes, languages, phones, cost options, capacities) and location
/// nested; the capacities come from `availability` when given.
pub fn to_json<'f, F: Into<FacilityRef<'f>>>(
    facilities: impl IntoIterator<Item = F>,
    availability: Option<&Availability>,
) -> Value {
    use rayon::prelude::*;
    let taxonomies = taxonomy::all();
    let facilities: Vec<FacilityRef<'f>> = facilities.into_iter().map(Into::into).collect();
    Value::Array(
        facilities
            .par_iter()
            .map(|facility| {
                let reports: &[Update] =
                    availability.map_or(&[], |table| table.reports(facility.id()));
                service_at_location(*facility, reports, taxonomies)
            })
            .collect(),
    )
}

/// Writes the facilities as [`to_json`] gives them, one `service_at_location` at a time
/// (each made on every core), never holding the whole document.
///
/// ```
/// let index = carefind::Index::sample();
/// let mut out = Vec::new();
/// carefind::hsds::write_json(&mut out, index.facilities().take(2), None).unwrap();
/// let document: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(document, carefind::hsds::to_json(index.facilities().take(2), None));
/// ```
pub fn write_json<'f, F: Into<FacilityRef<'f>>>(
    mut out: impl std::io::Write,
    facilities: impl IntoIterator<Item = F>,
    availability: Option<&Availability>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let taxonomies = taxonomy::all();
    out.write_all(b"[")?;
    let mut facilities = facilities.into_iter().map(Into::into).peekable();
    let mut chunk: Vec<FacilityRef<'f>> = Vec::with_capacity(4096);
    let mut chunk_number = 0;
    while facilities.peek().is_some() {
        chunk.clear();
        chunk.extend(facilities.by_ref().take(4096));
        let texts: Vec<String> = chunk
            .par_iter()
            .map(|facility| {
                let reports: &[Update] =
                    availability.map_or(&[], |table| table.reports(facility.id()));
                let object = service_at_location(*facility, reports, taxonomies);
                serde_json::to_string(&object).expect("HSDS objects serialize")
            })
            .collect();
        for (i, text) in texts.iter().enumerate() {
            if chunk_number > 0 || i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(text.as_bytes())?;
        }
        chunk_number += 1;
    }
    out.write_all(b"]\n")
}

/// The carefind term with HSDS id `id`, as a `taxonomy_term` object (made once).
///
/// ```
/// let id = carefind::hsds::taxonomy::term_id("carefind-care-level", "otp");
/// assert_eq!(carefind::hsds::term(&id).unwrap()["code"], "otp");
/// assert!(carefind::hsds::term("nope").is_none());
/// ```
pub fn term(id: &str) -> Option<&'static Value> {
    static TERMS: std::sync::OnceLock<std::collections::HashMap<String, Value>> =
        std::sync::OnceLock::new();
    TERMS
        .get_or_init(|| {
            taxonomy_terms()
                .into_iter()
                .map(|term| (term["id"].as_str().unwrap_or_default().to_string(), term))
                .collect()
        })
        .get(id)
}

/// Every term of carefind's closed taxonomies, as HSDS `taxonomy_term` objects.
///
/// ```
/// let terms = carefind::hsds::taxonomy_terms();
/// let iop = terms.iter().find(|t| t["code"] == "iop").unwrap();
/// assert_eq!(iop["taxonomy"], "carefind-care-level");
/// assert_eq!(iop["taxonomy_id"], carefind::hsds::taxonomy::taxonomy_id("carefind-care-level"));
/// assert!(iop["description"].as_str().unwrap().contains("ASAM level 2.1"));
/// ```
pub fn taxonomy_terms() -> Vec<Value> {
    taxonomy::all()
        .iter()
        .flat_map(|taxonomy| {
            taxonomy.terms.iter().map(move |term| {
                let mut json =
                    taxonomy::term_json(taxonomy, term.code, term.name, &term.description);
                json["taxonomy_id"] = taxonomy.id.clone().into();
                json
            })
        })
        .collect()
}
