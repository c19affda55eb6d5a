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
/// namespace), fixed forever so ids stay stable. Made once: every id is a SHA-1 of it and
/// a name, and making it again for each one was half the cost of an id.
fn namespace() -> Uuid {
    static NAMESPACE: std::sync::LazyLock<Uuid> = std::sync::LazyLock::new(|| {
        Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://carefind.invalid/hsds")
    });
    *NAMESPACE
}

/// The stable id of the HSDS object of kind `kind` (`service`, `location`...) for `key`.
///
/// ```
/// let id = carefind::hsds::id_of("service", "S00001");
/// // Fixed forever; Python's `uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL,
/// // "https://carefind.invalid/hsds"), "service:S00001")` gives the same.
/// assert_eq!(id, "7e39609a-3b2c-58ae-884f-de71cf478fc9");
/// ```
pub fn id_of(kind: &str, key: &str) -> String {
    uuid_of(kind, key).to_string()
}

/// [`id_of`] as a UUID.
fn uuid_of(kind: &str, key: &str) -> Uuid {
    let name = format!("{kind}:{key}");
    Uuid::new_v5(&namespace(), name.as_bytes())
}

/// The facilities as a JSON array of `service_at_location` objects, each with its service
/// (organization, attributes, languages, phones, cost options, capacities) and location
/// nested; the capacities come from `availability` when given. Attributes name their
/// terms by id, and each term is nested once, at its first use: carefind's terms are
/// also at `/hsds/taxonomy_terms` and in a data package's `taxonomy_terms.csv`.
///
/// ```
/// let index = carefind::Index::sample();
/// let document = carefind::hsds::to_json(index.facilities(), None);
/// let terms = document.as_array().unwrap().iter()
///     .flat_map(|sal| sal["service"]["attributes"].as_array().unwrap())
///     .filter_map(|attribute| attribute.get("taxonomy_term"))
///     .map(|term| term["id"].as_str().unwrap())
///     .collect::<Vec<_>>();
/// let mut once = terms.clone();
/// once.sort();
/// once.dedup();
/// assert_eq!(terms.len(), once.len());
/// ```
pub fn to_json<'f, F: Into<FacilityRef<'f>>>(
    facilities: impl IntoIterator<Item = F>,
    availability: Option<&Availability>,
) -> Value {
    let facilities: Vec<FacilityRef<'f>> = facilities.into_iter().map(Into::into).collect();
    let mut items = Vec::with_capacity(facilities.len());
    documents(&facilities, availability, |built| {
        items.extend(built.iter().map(write::Built::to_value));
        Ok(())
    })
    .expect("building values does not fail");
    Value::Array(items)
}

/// Writes the facilities as [`to_json`] gives them, a few thousand `service_at_location`s
/// at a time, never holding the whole document: the objects are made and serialized on
/// every core while the text before them is written.
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
    let facilities: Vec<FacilityRef<'f>> = facilities.into_iter().map(Into::into).collect();
    out.write_all(b"[")?;
    std::thread::scope(|scope| {
        // One chunk's text in flight while the next is made: writing a document of a
        // hundred megabytes is a fifth of an export, on one core.
        let (texts, made) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let facilities = &facilities;
        scope.spawn(move || {
            documents(facilities, availability, |built| {
                let text = built
                    .par_chunks(64)
                    .map(|part| {
                        let mut text = Vec::with_capacity(part.len() * 8192);
                        for (i, built) in part.iter().enumerate() {
                            if i > 0 {
                                text.extend_from_slice(b",\n");
                            }
                            built.write(&mut text);
                        }
                        text
                    })
                    .collect();
                // The writer stopped on an error, which it returns.
                texts
                    .send(text)
                    .map_err(|_| std::io::ErrorKind::BrokenPipe.into())
            })
        });
        let mut first = true;
        for parts in made {
            for part in parts {
                if !first {
                    out.write_all(b",\n")?;
                }
                first = false;
                out.write_all(&part)?;
            }
        }
        out.write_all(b"]\n")
    })
}

/// The facilities' objects for one document, a chunk at a time in order: made on every
/// core, then each term nested at its first use in the document.
fn documents<'f>(
    facilities: &[FacilityRef<'f>],
    availability: Option<&Availability>,
    mut each: impl FnMut(&[write::Built<'f>]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let taxonomies = taxonomy::all();
    let mut seen = std::collections::HashSet::new();
    for chunk in facilities.chunks(4096) {
        let mut built: Vec<write::Built<'f>> = chunk
            .par_iter()
            .map(|facility| {
                let reports: &[Update] =
                    availability.map_or(&[], |table| table.reports(facility.id()));
                write::Built::for_document(*facility, reports, taxonomies)
            })
            .collect();
        for built in &mut built {
            built.nest_first_uses(&mut seen);
        }
        each(&built)?;
    }
    Ok(())
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
