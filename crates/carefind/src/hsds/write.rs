//! carefind facilities as HSDS objects.
//!
//! Each object is a typed struct borrowing the facility's text and carefind's taxonomy,
//! serialized straight to JSON: an export of a facility with nothing kept never builds a
//! `serde_json::Value` (building one per object was most of an export's time). The public
//! functions give `Value`s for the API and the data package, made from the same structs.
//!
//! An object nested in its parent does not repeat the parent's id (no `service_id` in a
//! service's phones, no `location_id` in a location's address, no `organization_id` in a
//! service that nests its organization), as the specification's own examples nest: the
//! data package's rows take those links from where each object is nested. The real 2022
//! directories' export is about a tenth smaller for it.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::kept;
use super::taxonomy::{self, Taxonomy, TaxonomyTerm};
use super::{ID_SCHEME, uuid_of};
use crate::age::{AgeGroup, AgeSet};
use crate::availability::Update;
use crate::facility_ref::FacilityRef;
use crate::set::Set;
use crate::status::Status;
use crate::vocabulary::Term;

/// The HSDS ids of one facility's objects: derived from its carefind id, so they are the
/// same in every export and a consumer can update rather than replace.
///
/// ```
/// use carefind::hsds::Ids;
///
/// let ids = Ids::of("S00001");
/// assert_eq!(ids, Ids::of("S00001"));
/// assert_ne!(ids.service, ids.location);
/// assert_eq!(ids.service.len(), 36); // a UUID
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ids {
    /// The `service_at_location`.
    pub service_at_location: String,
    /// The `service`.
    pub service: String,
    /// The `location`.
    pub location: String,
    /// The `organization`.
    pub organization: String,
}

impl Ids {
    /// The ids of the facility with carefind id `id`.
    pub fn of(id: &str) -> Ids {
        Uuids::of(id).strings()
    }
}

/// [`Ids`] as UUIDs, which serialize without an allocation each.
#[derive(Clone, Copy)]
struct Uuids {
    service_at_location: Uuid,
    service: Uuid,
    location: Uuid,
    organization: Uuid,
}

impl Uuids {
    fn of(id: &str) -> Uuids {
        Uuids {
            service_at_location: uuid_of("service_at_location", id),
            service: uuid_of("service", id),
            location: uuid_of("location", id),
            organization: uuid_of("organization", id),
        }
    }

    fn strings(&self) -> Ids {
        Ids {
            service_at_location: self.service_at_location.to_string(),
            service: self.service.to_string(),
            location: self.location.to_string(),
            organization: self.organization.to_string(),
        }
    }
}

/// The `status` HSDS gives a carefind status: `active`, `temporarily closed`, `defunct`.
pub(crate) fn status_name(status: Status) -> &'static str {
    match status {
        Status::Active => "active",
        Status::TemporarilyClosed => "temporarily closed",
        Status::Closed => "defunct",
    }
}

/// The ages an age set spans, as `minimum_age` and `maximum_age` (no maximum with seniors).
pub(crate) fn age_range(ages: AgeSet) -> (Option<u32>, Option<u32>) {
    let bounds = |group: AgeGroup| match group {
        AgeGroup::Children => (0, Some(17)),
        AgeGroup::YoungAdults => (18, Some(25)),
        AgeGroup::Adults => (26, Some(64)),
        AgeGroup::Seniors => (65, None),
    };
    let mut groups = ages.iter().map(bounds);
    let Some(first) = groups.next() else {
        return (None, None);
    };
    let (min, max) = groups.fold(first, |(min, max), (low, high)| {
        (min.min(low), max.zip(high).map(|(a, b)| a.max(b)))
    });
    (Some(min), max)
}

/// The id of the attribute linking object `owner` to term `term`: both are UUIDs, mixed
/// into one of version 8 (a hash would cost a SHA-1 per attribute, a tenth of the export).
fn attribute_id(owner: Uuid, term: &str) -> Uuid {
    let a = owner.into_bytes();
    let b = Uuid::parse_str(term)
        .map(|u| u.into_bytes())
        .unwrap_or_default();
    let mut bytes = [0u8; 16];
    for i in 0..16 {
        bytes[i] = a[i] ^ b[(i + 7) % 16].rotate_left(3);
    }
    Uuid::new_v8(bytes)
}

/// Whether an export nests each attribute's `taxonomy_term` or names it by id alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Terms {
    /// Every attribute nests its term: one object stands alone (the API).
    Nested,
    /// By id alone, until [`Built::nest_first_uses`] nests the first use of each term in
    /// a document: each term is published once.
    ById,
}

/// One term of one of carefind's taxonomies, serialized as a `taxonomy_term` that names
/// its taxonomy (whose details `/taxonomies` and `taxonomies.csv` give once).
#[derive(Clone, Copy)]
struct TermRef<'a> {
    taxonomy: &'a Taxonomy,
    term: &'a TaxonomyTerm,
}

impl Serialize for TermRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut term = serializer.serialize_struct("taxonomy_term", 5)?;
        term.serialize_field("id", &self.term.id)?;
        term.serialize_field("code", self.term.code)?;
        term.serialize_field("name", self.term.name)?;
        term.serialize_field("description", &self.term.description)?;
        term.serialize_field("taxonomy", self.taxonomy.name)?;
        term.end()
    }
}

/// An `attribute`: its owner's link to one term, with an optional value.
struct Attribute<'a> {
    id: Uuid,
    term: TermRef<'a>,
    nested: bool,
    value: Option<Cow<'a, str>>,
}

impl<'a> Attribute<'a> {
    fn new(owner: Uuid, term: TermRef<'a>, terms: Terms, value: Option<Cow<'a, str>>) -> Self {
        Attribute {
            id: attribute_id(owner, &term.term.id),
            term,
            nested: terms == Terms::Nested,
            value,
        }
    }
}

impl Serialize for Attribute<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = 2 + usize::from(self.nested) + usize::from(self.value.is_some());
        let mut attribute = serializer.serialize_struct("attribute", fields)?;
        attribute.serialize_field("id", &self.id)?;
        attribute.serialize_field("taxonomy_term_id", &self.term.term.id)?;
        if self.nested {
            attribute.serialize_field("taxonomy_term", &self.term)?;
        }
        if let Some(value) = &self.value {
            attribute.serialize_field("value", value)?;
        }
        attribute.end()
    }
}

/// The taxonomy named `name` among `taxonomies` (carefind's, which have every name).
fn named<'a>(taxonomies: &'a [Taxonomy], name: &str) -> &'a Taxonomy {
    taxonomies
        .iter()
        .find(|t| t.name == name)
        .expect("a carefind taxonomy")
}

/// The attributes of a set: one per term. A vocabulary's taxonomy lists its terms in the
/// vocabulary's order, so a term's index finds it.
fn set_attributes<'a, T: Term>(
    owner: Uuid,
    taxonomy: &'a Taxonomy,
    set: Set<T>,
    terms: Terms,
    out: &mut Vec<Attribute<'a>>,
) {
    for value in set.iter() {
        let term = taxonomy
            .terms
            .get(value.index())
            .filter(|term| term.code == value.name())
            .or_else(|| taxonomy.terms.iter().find(|term| term.code == value.name()));
        if let Some(term) = term {
            out.push(Attribute::new(
                owner,
                TermRef { taxonomy, term },
                terms,
                None,
            ));
        }
    }
}

#[derive(Serialize)]
struct Phone<'a> {
    id: Uuid,
    number: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
struct Language {
    id: Uuid,
    name: &'static str,
    code: &'static str,
}

#[derive(Serialize)]
struct CostOption {
    id: Uuid,
    option: &'static str,
}

/// The unit every carefind capacity is counted in.
#[derive(Serialize)]
struct BedUnit {
    id: Uuid,
    name: &'static str,
    scheme: &'static str,
    identifier: &'static str,
}

fn bed() -> BedUnit {
    BedUnit {
        id: uuid_of("unit", "bed"),
        name: "Bed",
        scheme: ID_SCHEME,
        identifier: "bed",
    }
}

#[derive(Serialize)]
struct Capacity<'a> {
    id: Uuid,
    unit: BedUnit,
    unit_id: Uuid,
    available: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum: Option<u32>,
    description: String,
    updated: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<Attribute<'a>>,
}

#[derive(Serialize)]
struct Organization<'a> {
    id: Uuid,
    name: &'a str,
    description: String,
    #[serde(skip_serializing_if = "is_empty")]
    website: &'a str,
}

#[derive(Serialize)]
struct Service<'a> {
    id: Uuid,
    name: &'a str,
    #[serde(skip_serializing_if = "is_empty")]
    alternate_name: &'a str,
    description: String,
    #[serde(skip_serializing_if = "is_empty")]
    url: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maximum_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assured_date: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    accreditations: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    licenses: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    schedules: Vec<Value>,
    phones: Vec<Phone<'a>>,
    languages: Vec<Language>,
    cost_options: Vec<CostOption>,
    capacities: Vec<Capacity<'a>>,
    attributes: Vec<Attribute<'a>>,
    organization: Organization<'a>,
}

#[derive(Serialize)]
struct Address<'a> {
    id: Uuid,
    address_1: &'a str,
    city: &'a str,
    state_province: &'a str,
    postal_code: &'a str,
    country: &'static str,
    address_type: &'static str,
}

#[derive(Serialize)]
struct Location<'a> {
    id: Uuid,
    location_type: &'static str,
    organization_id: Uuid,
    name: &'a str,
    latitude: f64,
    longitude: f64,
    external_identifier: &'a str,
    external_identifier_type: &'static str,
    attributes: Vec<Attribute<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addresses: Option<[Address<'a>; 1]>,
}

#[derive(Serialize)]
struct ServiceAtLocation<'a> {
    id: Uuid,
    service: Service<'a>,
    location: Location<'a>,
}

fn is_empty(text: &&str) -> bool {
    text.is_empty()
}

/// A sentence for people: the levels of care in words.
fn description(facility: FacilityRef<'_>) -> String {
    if facility.care().is_empty() {
        return "Levels of care not stated.".to_string();
    }
    let levels: Vec<&str> = facility.care().iter().map(|level| level.label()).collect();
    format!("Levels of care: {}.", levels.join(", "))
}

/// The service's attributes: a term of carefind's taxonomies for each value of the
/// facility's vocabularies, then the listing's facts as values of the listing's terms
/// (the free-text services among them, as the one list their directory gave).
fn service_attributes<'a>(
    facility: FacilityRef<'a>,
    owner: Uuid,
    taxonomies: &'a [Taxonomy],
    terms: Terms,
) -> Vec<Attribute<'a>> {
    let mut out = Vec::new();
    let by_name = |name| named(taxonomies, name);
    set_attributes(
        owner,
        by_name(taxonomy::CARE),
        facility.care(),
        terms,
        &mut out,
    );
    set_attributes(
        owner,
        by_name(taxonomy::PAYMENT),
        facility.payment(),
        terms,
        &mut out,
    );
    set_attributes(
        owner,
        by_name(taxonomy::AGE),
        facility.ages(),
        terms,
        &mut out,
    );
    let populations = facility.populations();
    set_attributes(
        owner,
        by_name(taxonomy::POPULATION),
        populations,
        terms,
        &mut out,
    );
    let languages = facility.languages();
    set_attributes(
        owner,
        by_name(taxonomy::LANGUAGE),
        languages,
        terms,
        &mut out,
    );
    let medications = facility.medications();
    set_attributes(
        owner,
        by_name(taxonomy::MEDICATION),
        medications,
        terms,
        &mut out,
    );
    set_attributes(
        owner,
        by_name(taxonomy::KIND),
        facility.kinds(),
        terms,
        &mut out,
    );
    set_attributes(
        owner,
        by_name(taxonomy::MH_TYPE),
        facility.mh_types(),
        terms,
        &mut out,
    );
    let credentials = facility.credentials();
    set_attributes(
        owner,
        by_name(taxonomy::CREDENTIAL),
        credentials,
        terms,
        &mut out,
    );
    let asam = crate::asam::of_care(facility.care());
    set_attributes(owner, by_name(taxonomy::ASAM), asam, terms, &mut out);

    let listing = by_name(taxonomy::LISTING);
    let yes_no = |flag: Option<bool>| flag.map(|yes| Cow::Borrowed(if yes { "yes" } else { "no" }));
    let timezone = Some(facility.timezone()).filter(|_| !facility.hours().is_empty());
    let services: Vec<&str> = facility.services().collect();
    for (code, value) in [
        ("source", Some(Cow::Borrowed(facility.source()))),
        ("walk-in", Some(Cow::Borrowed(facility.walk_in()))),
        (
            "same-day-medication",
            yes_no(facility.same_day_medication()),
        ),
        (
            "counseling-required",
            yes_no(facility.counseling_required()),
        ),
        ("telehealth-intake", yes_no(facility.telehealth_intake())),
        ("level-hours", Some(Cow::Borrowed(facility.level_hours()))),
        ("timezone", timezone.map(Cow::Borrowed)),
        (
            "services",
            Some(Cow::Owned(services.join(taxonomy::SERVICES_SEPARATOR))),
        ),
    ] {
        let Some(value) = value.filter(|value| !value.is_empty()) else {
            continue;
        };
        let Some(term) = listing.terms.iter().find(|term| term.code == code) else {
            continue;
        };
        let term = TermRef {
            taxonomy: listing,
            term,
        };
        out.push(Attribute::new(owner, term, terms, Some(value)));
    }
    out
}

fn phones(facility: FacilityRef<'_>) -> Vec<Phone<'_>> {
    [
        ("main", facility.phone()),
        ("intake", facility.intake_phone()),
    ]
    .into_iter()
    .filter(|(_, number)| !number.is_empty())
    .map(|(kind, number)| Phone {
        id: uuid_of("phone", &format!("{}/{kind}", facility.id())),
        number,
        kind: "voice",
        description: kind,
    })
    .collect()
}

/// Bed counts as `service_capacity` objects in the unit "bed", one per report that gives
/// them, the level (when the report is about one) as an attribute.
fn capacities<'a>(
    facility: FacilityRef<'_>,
    reports: &[Update],
    care: &'a Taxonomy,
    terms: Terms,
) -> Vec<Capacity<'a>> {
    reports
        .iter()
        .filter(|report| report.id == facility.id())
        .filter_map(|report| {
            let available = report.beds_available?;
            let key = format!("{}/{}", facility.id(), report.care.map_or("", |c| c.name()));
            let id = uuid_of("service_capacity", &key);
            let unit = bed();
            let attributes = report
                .care
                .and_then(|level| care.terms.iter().find(|t| t.code == level.name()))
                .map(|term| {
                    let term = TermRef {
                        taxonomy: care,
                        term,
                    };
                    Attribute::new(id, term, terms, None)
                })
                .into_iter()
                .collect();
            Some(Capacity {
                id,
                unit_id: unit.id,
                unit,
                available,
                maximum: report.beds_total,
                description: match report.care {
                    Some(level) => format!("{} beds", level.label()),
                    None => "Beds".to_string(),
                },
                updated: report.updated_at.to_string(),
                attributes,
            })
        })
        .collect()
}

fn organization<'a>(facility: FacilityRef<'a>, ids: &Uuids) -> Organization<'a> {
    let name = if facility.name2().is_empty() {
        facility.name()
    } else {
        facility.name2()
    };
    Organization {
        id: ids.organization,
        name,
        description: format!("The organization behind {}.", facility.name()),
        website: facility.website(),
    }
}

/// The facility's `service`, with its attributes (when `attributes`), languages, phones,
/// cost options, capacities and organization nested.
fn service_of<'a>(
    facility: FacilityRef<'a>,
    reports: &[Update],
    taxonomies: &'a [Taxonomy],
    ids: &Uuids,
    attributes: Option<Terms>,
) -> Service<'a> {
    // HSDS keeps these as free text: accreditations, and the licenses (with the OTP
    // certification, the DEA registration and the FQHC designation, which it has no field
    // for). The attributes carry each as a term.
    let credentials = facility.credentials();
    let said = |keep: &dyn Fn(crate::Credential) -> bool| {
        credentials
            .iter()
            .filter(|credential| keep(*credential))
            .map(|credential| credential.label())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (minimum_age, maximum_age) = age_range(facility.ages());
    let id = facility.id();
    let terms = attributes.unwrap_or(Terms::ById);
    Service {
        id: ids.service,
        name: facility.name(),
        alternate_name: facility.name2(),
        description: description(facility),
        url: facility.website(),
        status: status_name(facility.status()),
        minimum_age,
        maximum_age,
        assured_date: facility.verified().map(|day| day.to_string()),
        accreditations: said(&|c| c.kind() == crate::CredentialKind::Accreditation),
        licenses: said(&|c| c.kind() != crate::CredentialKind::Accreditation),
        schedules: super::schedule::unlinked(facility),
        phones: phones(facility),
        languages: facility
            .languages()
            .iter()
            .map(|language| Language {
                id: uuid_of("language", &format!("{id}/{}", language.name())),
                name: language.label(),
                code: language.name(),
            })
            .collect(),
        cost_options: facility
            .payment()
            .iter()
            .map(|payment| CostOption {
                id: uuid_of("cost_option", &format!("{id}/{}", payment.name())),
                option: payment.label(),
            })
            .collect(),
        capacities: capacities(facility, reports, named(taxonomies, taxonomy::CARE), terms),
        attributes: match attributes {
            Some(terms) => service_attributes(facility, ids.service, taxonomies, terms),
            None => Vec::new(),
        },
        organization: organization(facility, ids),
    }
}

fn location_of<'a>(
    facility: FacilityRef<'a>,
    taxonomies: &'a [Taxonomy],
    ids: &Uuids,
    terms: Terms,
) -> Location<'a> {
    let precision = named(taxonomies, taxonomy::PRECISION);
    let code = facility.precision().name();
    let term = precision
        .terms
        .iter()
        .find(|t| t.code == code)
        .expect("a precision term");
    // HSDS requires each of these of an address: without one of them, no address is
    // written rather than an invalid one (the location keeps its coordinates).
    let (street, city, state, zip) = (
        facility.street(),
        facility.city(),
        facility.state(),
        facility.zip(),
    );
    let addresses = [street, city, state, zip]
        .iter()
        .all(|f| !f.is_empty())
        .then(|| {
            [Address {
                id: uuid_of("address", facility.id()),
                address_1: street,
                city,
                state_province: state,
                postal_code: zip,
                country: "US",
                address_type: "physical",
            }]
        });
    let term = TermRef {
        taxonomy: precision,
        term,
    };
    Location {
        id: ids.location,
        location_type: "physical",
        organization_id: ids.organization,
        name: facility.name(),
        latitude: facility.location().lat(),
        longitude: facility.location().lon(),
        external_identifier: facility.id(),
        external_identifier_type: ID_SCHEME,
        attributes: vec![Attribute::new(ids.location, term, terms, None)],
        addresses,
    }
}

/// One facility's `service_at_location`, typed, with what its `hsds` kept.
pub(crate) struct Built<'a> {
    object: ServiceAtLocation<'a>,
    hsds: &'a str,
    ids: Uuids,
}

impl<'a> Built<'a> {
    fn new(
        facility: FacilityRef<'a>,
        reports: &[Update],
        taxonomies: &'a [Taxonomy],
        terms: Terms,
    ) -> Self {
        let ids = Uuids::of(facility.id());
        Built {
            object: ServiceAtLocation {
                id: ids.service_at_location,
                service: service_of(facility, reports, taxonomies, &ids, Some(terms)),
                location: location_of(facility, taxonomies, &ids, terms),
            },
            hsds: facility.hsds(),
            ids,
        }
    }

    /// For a document: terms named by id, to be nested at their first use.
    pub(crate) fn for_document(
        facility: FacilityRef<'a>,
        reports: &[Update],
        taxonomies: &'a [Taxonomy],
    ) -> Self {
        Built::new(facility, reports, taxonomies, Terms::ById)
    }

    /// Nests the term of each attribute whose term `seen` does not hold yet, and adds it:
    /// called on a document's objects in order, each term is published once, where it is
    /// first used.
    pub(crate) fn nest_first_uses(&mut self, seen: &mut HashSet<*const TaxonomyTerm>) {
        let service = &mut self.object.service;
        let attributes = service
            .capacities
            .iter_mut()
            .flat_map(|capacity| capacity.attributes.iter_mut())
            .chain(service.attributes.iter_mut())
            .chain(self.object.location.attributes.iter_mut());
        for attribute in attributes {
            attribute.nested = seen.insert(attribute.term.term as *const TaxonomyTerm);
        }
    }

    /// Whether the facility keeps what an HSDS source said (its objects may then share
    /// ids with another facility's).
    pub(crate) fn keeps_hsds(&self) -> bool {
        !self.hsds.is_empty()
    }

    /// The object as a `Value`, with what the facility's `hsds` kept restored.
    pub(crate) fn to_value(&self) -> Value {
        let mut value = serde_json::to_value(&self.object).expect("HSDS objects serialize");
        restore(&mut value, self.hsds, &self.ids);
        value
    }

    /// The object as JSON text, straight from the typed struct when nothing is kept.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        if self.hsds.is_empty() {
            serde_json::to_writer(out, &self.object).expect("HSDS objects serialize");
        } else {
            serde_json::to_writer(out, &self.to_value()).expect("HSDS objects serialize");
        }
    }
}

/// Puts what `hsds` kept into a `service_at_location` carefind made.
fn restore(object: &mut Value, hsds: &str, ids: &Uuids) {
    let Some(kept) = kept::parse(hsds) else {
        return;
    };
    let ids = ids.strings();
    let kept = Some(&kept);
    let Value::Object(sal) = object else {
        return;
    };
    if let Some(Value::Object(service)) = sal.get_mut("service") {
        restore_service(service, kept, &ids);
    }
    if let Some(Value::Object(location)) = sal.get_mut("location") {
        kept::restore(location, kept, "location", &ids);
    }
    kept::restore(sal, kept, "service_at_location", &ids);
}

/// Puts what was kept of a service and its organization into carefind's `service`.
fn restore_service(service: &mut Map<String, Value>, kept: Option<&Map<String, Value>>, ids: &Ids) {
    if let Some(Value::Object(organization)) = service.get_mut("organization") {
        kept::restore(organization, kept, "organization", ids);
    }
    kept::restore(service, kept, "service", ids);
}

/// The facility's `service` object, with its attributes, languages, phones, cost options,
/// capacities and organization nested.
pub fn service<'f>(
    facility: impl Into<FacilityRef<'f>>,
    reports: &[Update],
    taxonomies: &[Taxonomy],
) -> Value {
    let facility = facility.into();
    let ids = Uuids::of(facility.id());
    let service = service_of(facility, reports, taxonomies, &ids, Some(Terms::Nested));
    let mut value = serde_json::to_value(service).expect("HSDS objects serialize");
    if let Value::Object(service) = &mut value {
        let kept = kept::parse(facility.hsds());
        restore_service(service, kept.as_ref(), &ids.strings());
    }
    value
}

/// The facility as a `service_at_location` without the service's attributes: what an
/// import compares a source's fields with (the attributes are never compared, and are
/// most of the cost).
pub(crate) fn without_attributes(facility: &crate::Facility) -> Value {
    let facility = FacilityRef::from(facility);
    let taxonomies = taxonomy::all();
    let ids = Uuids::of(facility.id());
    let object = ServiceAtLocation {
        id: ids.service_at_location,
        service: service_of(facility, &[], taxonomies, &ids, None),
        location: location_of(facility, taxonomies, &ids, Terms::Nested),
    };
    serde_json::to_value(&object).expect("HSDS objects serialize")
}

/// The bed counts of `reports` (the facility's) as its service's `service_capacity`
/// objects, as [`service`] nests them.
///
/// ```
/// use carefind::availability::Update;
/// use carefind::{Facility, LatLon, hsds};
///
/// let facility = Facility::new("f1", "F", LatLon::new(40.0, -75.0).unwrap());
/// let mut beds = Update::new("f1", "2026-06-01T08:00:00Z".parse().unwrap());
/// beds.beds_available = Some(2);
/// let capacities = hsds::service_capacities(&facility, &[beds], hsds::taxonomy::all());
/// assert_eq!(capacities[0]["available"], 2);
/// assert_eq!(capacities[0]["unit"]["name"], "Bed");
/// ```
pub fn service_capacities<'f>(
    facility: impl Into<FacilityRef<'f>>,
    reports: &[Update],
    taxonomies: &[Taxonomy],
) -> Vec<Value> {
    let facility = facility.into();
    let care = named(taxonomies, taxonomy::CARE);
    capacities(facility, reports, care, Terms::Nested)
        .iter()
        .map(|capacity| serde_json::to_value(capacity).expect("HSDS objects serialize"))
        .collect()
}

/// The unit every carefind capacity is counted in.
pub fn bed_unit() -> Value {
    serde_json::to_value(bed()).expect("HSDS objects serialize")
}

/// The facility's `location`: its point, address and precision.
pub fn location<'f>(facility: impl Into<FacilityRef<'f>>, taxonomies: &[Taxonomy]) -> Value {
    let facility = facility.into();
    let ids = Uuids::of(facility.id());
    let mut location = serde_json::to_value(location_of(facility, taxonomies, &ids, Terms::Nested))
        .expect("HSDS objects serialize");
    if let Value::Object(fields) = &mut location {
        let kept = kept::parse(facility.hsds());
        kept::restore(fields, kept.as_ref(), "location", &ids.strings());
    }
    location
}

/// The facility as one `service_at_location`, its service and location nested (every
/// attribute with its term), with the capacities of `reports`.
///
/// ```
/// use carefind::{Facility, LatLon, hsds};
///
/// let mut facility = Facility::new("f1", "Harbor Recovery", LatLon::new(41.3, -72.9).unwrap());
/// facility.care = "iop;residential-detox".parse().unwrap();
/// let taxonomies = hsds::taxonomy::taxonomies();
/// let object = hsds::service_at_location(&facility, &[], &taxonomies);
/// assert_eq!(object["service"]["name"], "Harbor Recovery");
/// assert_eq!(object["location"]["latitude"], 41.3);
/// let care: Vec<&str> = object["service"]["attributes"].as_array().unwrap().iter()
///     .filter(|a| a["taxonomy_term"]["taxonomy"] == "carefind-care-level")
///     .map(|a| a["taxonomy_term"]["code"].as_str().unwrap())
///     .collect();
/// assert_eq!(care, ["residential-detox", "iop"]);
/// ```
pub fn service_at_location<'f>(
    facility: impl Into<FacilityRef<'f>>,
    reports: &[Update],
    taxonomies: &[Taxonomy],
) -> Value {
    Built::new(facility.into(), reports, taxonomies, Terms::Nested).to_value()
}
