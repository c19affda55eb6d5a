//! carefind facilities as HSDS objects.

use serde_json::{Map, Value, json};

use super::kept;
use super::taxonomy::{self, Taxonomy};
use super::{ID_SCHEME, id_of};
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
        Ids {
            service_at_location: id_of("service_at_location", id),
            service: id_of("service", id),
            location: id_of("location", id),
            organization: id_of("organization", id),
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
fn attribute_id(owner: &str, term: &str) -> String {
    let parse = |id: &str| {
        uuid::Uuid::parse_str(id)
            .map(|u| u.into_bytes())
            .unwrap_or_default()
    };
    let (a, b) = (parse(owner), parse(term));
    let mut bytes = [0u8; 16];
    for i in 0..16 {
        bytes[i] = a[i] ^ b[(i + 7) % 16].rotate_left(3);
    }
    uuid::Uuid::new_v8(bytes).to_string()
}

/// One attribute linking `link_entity` to a term of `taxonomy`, with an optional value.
fn attribute(
    owner: &str,
    link_entity: &str,
    taxonomy: &Taxonomy,
    code: &str,
    name: &str,
    description: &str,
    value: Option<&str>,
) -> Value {
    let _ = link_entity;
    let term = taxonomy::term_json(taxonomy, code, name, description);
    let mut attribute = json!({
        "id": attribute_id(owner, term["id"].as_str().unwrap_or_default()),
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    });
    if let Some(value) = value {
        attribute["value"] = value.into();
    }
    attribute
}

/// The attributes of a set: one per term, each term from carefind's taxonomy.
fn set_attributes<T: Term>(owner: &str, taxonomy: &Taxonomy, set: Set<T>, out: &mut Vec<Value>) {
    for term in set.iter() {
        let defined = taxonomy.terms.iter().find(|t| t.code == term.name());
        let description = defined.map_or(term.label(), |t| t.description.as_str());
        out.push(attribute(
            owner,
            "service",
            taxonomy,
            term.name(),
            term.label(),
            description,
            None,
        ));
    }
}

/// The facility's `service` object, with its attributes, languages, phones, cost options,
/// capacities and organization nested.
pub fn service<'f>(
    facility: impl Into<FacilityRef<'f>>,
    reports: &[Update],
    taxonomies: &[Taxonomy],
) -> Value {
    service_object(facility.into(), reports, taxonomies, true)
}

/// The facility as a `service_at_location` without the service's attributes: what an
/// import compares a source's fields with (the attributes are never compared, and are
/// most of the cost).
pub(crate) fn without_attributes(facility: &crate::Facility) -> Value {
    let facility = FacilityRef::from(facility);
    let taxonomies = taxonomy::all();
    let ids = Ids::of(facility.id());
    json!({
        "id": ids.service_at_location,
        "service_id": ids.service,
        "location_id": ids.location,
        "service": service_object(facility, &[], taxonomies, false),
        "location": location(facility, taxonomies),
    })
}

fn service_object(
    facility: FacilityRef<'_>,
    reports: &[Update],
    taxonomies: &[Taxonomy],
    with_attributes: bool,
) -> Value {
    let ids = Ids::of(facility.id());
    let by_name = |name: &str| {
        taxonomies
            .iter()
            .find(|t| t.name == name)
            .expect("a carefind taxonomy")
    };
    let mut attributes = Vec::new();
    if with_attributes {
        let owner = ids.service.as_str();
        set_attributes(
            owner,
            by_name(taxonomy::CARE),
            facility.care(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::PAYMENT),
            facility.payment(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::AGE),
            facility.ages(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::POPULATION),
            facility.populations(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::LANGUAGE),
            facility.languages(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::MEDICATION),
            facility.medications(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::KIND),
            facility.kinds(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::MH_TYPE),
            facility.mh_types(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::CREDENTIAL),
            facility.credentials(),
            &mut attributes,
        );
        set_attributes(
            owner,
            by_name(taxonomy::ASAM),
            crate::asam::of_care(facility.care()),
            &mut attributes,
        );
        let services = by_name(taxonomy::SERVICE);
        for text in facility.services() {
            attributes.push(attribute(
                owner, "service", services, text, text, text, None,
            ));
        }
        let listing = by_name(taxonomy::LISTING);
        let yes_no = |flag: Option<bool>| flag.map(|yes| if yes { "yes" } else { "no" });
        let timezone = Some(facility.timezone()).filter(|_| !facility.hours().is_empty());
        for (code, value) in [
            ("source", Some(facility.source())),
            ("walk-in", Some(facility.walk_in())),
            (
                "same-day-medication",
                yes_no(facility.same_day_medication()),
            ),
            (
                "counseling-required",
                yes_no(facility.counseling_required()),
            ),
            ("telehealth-intake", yes_no(facility.telehealth_intake())),
            ("level-hours", Some(facility.level_hours())),
            ("timezone", timezone),
        ] {
            let Some(value) = value.filter(|value| !value.is_empty()) else {
                continue;
            };
            let Some(term) = listing.terms.iter().find(|term| term.code == code) else {
                continue;
            };
            attributes.push(attribute(
                owner,
                "service",
                listing,
                code,
                term.name,
                &term.description,
                Some(value),
            ));
        }
    }

    let mut service = Map::new();
    service.insert("id".into(), ids.service.clone().into());
    service.insert("organization_id".into(), ids.organization.clone().into());
    service.insert("name".into(), facility.name().to_string().into());
    if !facility.name2().is_empty() {
        service.insert("alternate_name".into(), facility.name2().to_string().into());
    }
    service.insert("description".into(), description(facility).into());
    if !facility.website().is_empty() {
        service.insert("url".into(), facility.website().to_string().into());
    }
    service.insert("status".into(), status_name(facility.status()).into());
    let (minimum, maximum) = age_range(facility.ages());
    if let Some(minimum) = minimum {
        service.insert("minimum_age".into(), minimum.into());
    }
    if let Some(maximum) = maximum {
        service.insert("maximum_age".into(), maximum.into());
    }
    if let Some(verified) = facility.verified() {
        service.insert("assured_date".into(), verified.to_string().into());
    }
    // HSDS keeps these as free text: accreditations, and the licenses (with the OTP
    // certification, the DEA registration and the FQHC designation, which it has no field
    // for). The attributes below carry each as a term.
    let credentials = facility.credentials();
    let said = |keep: &dyn Fn(crate::Credential) -> bool| {
        credentials
            .iter()
            .filter(|credential| keep(*credential))
            .map(|credential| credential.label())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let accreditations = said(&|c| c.kind() == crate::CredentialKind::Accreditation);
    if !accreditations.is_empty() {
        service.insert("accreditations".into(), accreditations.into());
    }
    let licenses = said(&|c| c.kind() != crate::CredentialKind::Accreditation);
    if !licenses.is_empty() {
        service.insert("licenses".into(), licenses.into());
    }
    let schedules = super::schedules(facility, &ids.service);
    if !schedules.is_empty() {
        service.insert("schedules".into(), schedules.into());
    }
    service.insert("phones".into(), phones(facility, &ids).into());
    service.insert(
        "languages".into(),
        facility
            .languages()
            .iter()
            .map(|language| {
                json!({
                    "id": id_of("language", &format!("{}/{}", facility.id(), language.name())),
                    "service_id": ids.service,
                    "name": language.label(),
                    "code": language.name(),
                })
            })
            .collect::<Vec<_>>()
            .into(),
    );
    service.insert(
        "cost_options".into(),
        facility
            .payment()
            .iter()
            .map(|payment| {
                json!({
                    "id": id_of("cost_option", &format!("{}/{}", facility.id(), payment.name())),
                    "service_id": ids.service,
                    "option": payment.label(),
                })
            })
            .collect::<Vec<_>>()
            .into(),
    );
    service.insert(
        "capacities".into(),
        capacities(facility, reports, &ids, by_name(taxonomy::CARE)).into(),
    );
    service.insert("attributes".into(), attributes.into());
    let kept = kept::parse(facility.hsds());
    let mut organization = organization(facility, &ids);
    if let Value::Object(fields) = &mut organization {
        kept::restore(fields, kept.as_ref(), "organization", &ids);
    }
    service.insert("organization".into(), organization);
    kept::restore(&mut service, kept.as_ref(), "service", &ids);
    Value::Object(service)
}

/// A sentence for people: the levels of care in words.
fn description(facility: FacilityRef<'_>) -> String {
    if facility.care().is_empty() {
        return "Levels of care not stated.".to_string();
    }
    let levels: Vec<&str> = facility.care().iter().map(|level| level.label()).collect();
    format!("Levels of care: {}.", levels.join(", "))
}

fn phones(facility: FacilityRef<'_>, ids: &Ids) -> Vec<Value> {
    [
        ("main", facility.phone()),
        ("intake", facility.intake_phone()),
    ]
    .into_iter()
    .filter(|(_, number)| !number.is_empty())
    .map(|(kind, number)| {
        json!({
            "id": id_of("phone", &format!("{}/{kind}", facility.id())),
            "service_id": ids.service,
            "number": number,
            "type": "voice",
            "description": kind,
        })
    })
    .collect()
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
    let care = taxonomies
        .iter()
        .find(|t| t.name == taxonomy::CARE)
        .expect("a carefind taxonomy");
    capacities(facility, reports, &Ids::of(facility.id()), care)
}

/// Bed counts as `service_capacity` objects in the unit "bed", one per report that gives
/// them, the level (when the report is about one) as an attribute.
fn capacities(
    facility: FacilityRef<'_>,
    reports: &[Update],
    ids: &Ids,
    care: &Taxonomy,
) -> Vec<Value> {
    reports
        .iter()
        .filter(|report| report.id == facility.id())
        .filter_map(|report| {
            let available = report.beds_available?;
            let key = format!("{}/{}", facility.id(), report.care.map_or("", |c| c.name()));
            let id = id_of("service_capacity", &key);
            let mut capacity = json!({
                "id": id,
                "service_id": ids.service,
                "unit": bed_unit(),
                "unit_id": bed_unit()["id"],
                "available": available,
                "description": match report.care {
                    Some(level) => format!("{} beds", level.label()),
                    None => "Beds".to_string(),
                },
                "updated": report.updated_at.to_string(),
            });
            if let Some(total) = report.beds_total {
                capacity["maximum"] = total.into();
            }
            if let Some(level) = report.care {
                let description = care
                    .terms
                    .iter()
                    .find(|t| t.code == level.name())
                    .map_or(level.label(), |t| t.description.as_str());
                capacity["attributes"] = json!([attribute(
                    capacity["id"].as_str().unwrap_or_default(),
                    "service_capacity",
                    care,
                    level.name(),
                    level.label(),
                    description,
                    None,
                )]);
            }
            Some(capacity)
        })
        .collect()
}

/// The unit every carefind capacity is counted in.
pub fn bed_unit() -> Value {
    json!({
        "id": id_of("unit", "bed"),
        "name": "Bed",
        "scheme": ID_SCHEME,
        "identifier": "bed",
    })
}

fn organization(facility: FacilityRef<'_>, ids: &Ids) -> Value {
    let name = if facility.name2().is_empty() {
        facility.name()
    } else {
        facility.name2()
    };
    let mut organization = json!({
        "id": ids.organization,
        "name": name,
        "description": format!("The organization behind {}.", facility.name()),
    });
    if !facility.website().is_empty() {
        organization["website"] = facility.website().to_string().into();
    }
    organization
}

/// The facility's `location`: its point, address and precision.
pub fn location<'f>(facility: impl Into<FacilityRef<'f>>, taxonomies: &[Taxonomy]) -> Value {
    let facility = facility.into();
    let ids = Ids::of(facility.id());
    let precision = taxonomies
        .iter()
        .find(|t| t.name == taxonomy::PRECISION)
        .expect("a carefind taxonomy");
    let code = facility.precision().name();
    let term = precision
        .terms
        .iter()
        .find(|t| t.code == code)
        .expect("a precision term");
    let mut location = json!({
        "id": ids.location,
        "location_type": "physical",
        "organization_id": ids.organization,
        "name": facility.name(),
        "latitude": facility.location().lat(),
        "longitude": facility.location().lon(),
        "external_identifier": facility.id(),
        "external_identifier_type": ID_SCHEME,
        "attributes": [attribute(&ids.location, "location", precision, code, term.name, &term.description, None)],
    });
    // HSDS requires each of these of an address: without one of them, no address is
    // written rather than an invalid one (the location keeps its coordinates).
    if [
        facility.street(),
        facility.city(),
        facility.state(),
        facility.zip(),
    ]
    .iter()
    .all(|f| !f.is_empty())
    {
        location["addresses"] = json!([{
            "id": id_of("address", facility.id()),
            "location_id": ids.location,
            "address_1": facility.street(),
            "city": facility.city(),
            "state_province": facility.state(),
            "postal_code": facility.zip(),
            "country": "US",
            "address_type": "physical",
        }]);
    }
    if let Value::Object(fields) = &mut location {
        kept::restore(
            fields,
            kept::parse(facility.hsds()).as_ref(),
            "location",
            &ids,
        );
    }
    location
}

/// The facility as one `service_at_location`, its service and location nested, with the
/// capacities of `reports`.
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
    let facility = facility.into();
    let ids = Ids::of(facility.id());
    let mut object = json!({
        "id": ids.service_at_location,
        "service_id": ids.service,
        "location_id": ids.location,
        "service": service(facility, reports, taxonomies),
        "location": location(facility, taxonomies),
    });
    if let Value::Object(fields) = &mut object {
        let kept = kept::parse(facility.hsds());
        kept::restore(fields, kept.as_ref(), "service_at_location", &ids);
    }
    object
}
