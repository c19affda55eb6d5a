//! What an HSDS source said that carefind has no field for, kept with the facility
//! ([`Facility::hsds`](crate::Facility::hsds)) and given back on export, so that a round
//! trip through carefind loses nothing HSDS can say: contacts, phones with their
//! extensions, every language and schedule, exact ages, the organization, programs,
//! funding, service areas, required documents, other taxonomies' attributes, capacities
//! in units other than beds.
//!
//! The kept text is a JSON object with up to four members, one per HSDS object a facility
//! is made of (`service_at_location`, `service`, `organization`, `location`), each holding
//! the source's fields of that object except those carefind reads exactly into its own
//! fields (names, status, coordinates, the URL) and the ids, which carefind derives from
//! its own id. On export a kept field takes the place of what carefind would derive (the
//! source's phones rather than carefind's two numbers, its schedules rather than weekly
//! hours), except attributes and capacities, which are added to carefind's: so a
//! facility edited by hand should have its `hsds` cleared where it no longer holds.

use serde_json::{Map, Value};

use super::write::Ids;
use crate::error::Problem;
use crate::facility::Facility;

/// The members the kept object may have, and the fields of each that carefind reads into
/// its own fields or derives, so never keeps.
const OBJECTS: [(&str, &[&str]); 4] = [
    (
        "service_at_location",
        &["id", "service_id", "location_id", "service", "location"],
    ),
    (
        "service",
        &[
            "id",
            "organization_id",
            "organization",
            "program_id",
            "service_at_locations",
            "name",
            "alternate_name",
            "url",
            "status",
            "assured_date",
        ],
    ),
    (
        "organization",
        // Its other services and locations are facilities of their own.
        &["id", "services", "locations", "parent_organization_id"],
    ),
    (
        "location",
        &[
            "id",
            "organization_id",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ],
    ),
];

/// The fields carefind always writes, whether or not a source said them: ids and links,
/// what HSDS requires, the objects and the items carefind adds to.
const NEVER_LEFT_OUT: [&str; 16] = [
    "id",
    "service_id",
    "location_id",
    "organization_id",
    "service",
    "location",
    "organization",
    "name",
    "description",
    "status",
    "location_type",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
    "attributes",
];

/// The fields whose kept items are added to what carefind writes rather than replacing it.
const ADDED: [&str; 2] = ["attributes", "capacities"];

/// What the source's objects say beyond carefind's fields, as the text of
/// [`Facility::hsds`](crate::Facility::hsds) for `facility` (read from them, its `hsds`
/// still empty): empty when nothing. A field equal to what carefind writes for the
/// facility is not kept, so carefind's own exports read back with nothing kept.
pub(crate) fn keep(
    service_at_location: &Value,
    service: Option<&Value>,
    organization: Option<&Value>,
    location: &Value,
    facility: &Facility,
) -> String {
    let derived = super::write::without_attributes(facility);
    let derived_service = derived.get("service");
    let mut kept = Map::new();
    for (name, source, ours) in [
        (
            "service_at_location",
            Some(service_at_location),
            Some(&derived),
        ),
        ("service", service, derived_service),
        (
            "organization",
            organization,
            derived_service.and_then(|s| s.get("organization")),
        ),
        ("location", Some(location), derived.get("location")),
    ] {
        let Some(Value::Object(source)) = source else {
            continue;
        };
        let ours = ours.and_then(Value::as_object);
        let used = OBJECTS
            .iter()
            .find(|(object, _)| *object == name)
            .map_or(&[][..], |(_, used)| *used);
        let mut own = Map::new();
        // The link from an item of one of this object's lists back to it: carefind does
        // not write it (the item is nested) and would rewrite it to its own id.
        let link = format!("{name}_id");
        let same_as_ours = |ours: &Value, theirs: &Value| match (ours, theirs) {
            (Value::Array(ours), Value::Array(theirs)) => {
                ours.len() == theirs.len()
                    && ours
                        .iter()
                        .zip(theirs)
                        .all(|(a, b)| same_but(a, b, Some(&link)))
            }
            (ours, theirs) => same(ours, theirs),
        };
        for (key, value) in source {
            if used.contains(&key.as_str()) || is_empty(value) {
                continue;
            }
            // Compared before anything is copied: almost every field of a carefind
            // export is what carefind writes.
            let ours = ours.and_then(|ours| ours.get(key));
            if ours.is_some_and(|ours| same_as_ours(ours, value)) {
                continue;
            }
            let value = match key.as_str() {
                "attributes" => others(value, |attribute| !is_carefinds(attribute)),
                "capacities" => others(value, |capacity| !in_beds(capacity)),
                _ => value.clone(),
            };
            if !is_empty(&value) && !ours.is_some_and(|ours| same_as_ours(ours, &value)) {
                own.insert(key.clone(), value);
            }
        }
        // What carefind would add that the source did not say (an alternate name made
        // from the organization's name, a description of the levels) is left out on
        // export: a kept null.
        for (key, value) in ours.into_iter().flatten() {
            if !NEVER_LEFT_OUT.contains(&key.as_str())
                && !is_empty(value)
                && source.get(key).is_none_or(is_empty)
            {
                own.insert(key.clone(), Value::Null);
            }
        }
        if !own.is_empty() {
            kept.insert(name.to_string(), Value::Object(own));
        }
    }
    if kept.is_empty() {
        String::new()
    } else {
        Value::Object(kept).to_string()
    }
}

/// Equal values, numbers by value (a data package's CSV reads `18` back as `18.0`).
fn same(a: &Value, b: &Value) -> bool {
    same_but(a, b, None)
}

/// Equal values as [`same`] has them, but for an object's field `link` (at the top level
/// only), which either may lack.
fn same_but(a: &Value, b: &Value, link: Option<&str>) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            let compared = |o: &'_ Map<String, Value>| {
                o.keys().filter(|key| Some(key.as_str()) != link).count()
            };
            compared(a) == compared(b)
                && a.iter()
                    .filter(|(key, _)| Some(key.as_str()) != link)
                    .all(|(key, a)| b.get(key).is_some_and(|b| same(a, b)))
        }
        (a, b) => a == b,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}

/// The items of an array that `keep` keeps.
fn others(value: &Value, keep: impl Fn(&Value) -> bool) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().filter(|i| keep(i)).cloned().collect()),
        other => other.clone(),
    }
}

/// An attribute of one of carefind's taxonomies: read into carefind's fields and written
/// again from them.
fn is_carefinds(attribute: &Value) -> bool {
    fn text<'v>(object: Option<&'v Value>, key: &str) -> &'v str {
        object
            .and_then(|o| o.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
    let term = attribute.get("taxonomy_term");
    let taxonomy = match text(term, "taxonomy") {
        "" => text(term.and_then(|t| t.get("taxonomy_detail")), "name"),
        name => name,
    };
    taxonomy.starts_with("carefind-")
        || (term.is_none() && super::term(text(Some(attribute), "taxonomy_term_id")).is_some())
}

/// A capacity counted in beds: read as availability and written from it.
pub(crate) fn in_beds(capacity: &Value) -> bool {
    let unit = capacity.get("unit");
    let text = |key: &str| {
        unit.and_then(|u| u.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    text("identifier").contains("bed") || text("name").contains("bed")
}

/// Checks the text of [`Facility::hsds`](crate::Facility::hsds): empty, or a JSON object
/// whose members are HSDS objects a facility is made of.
pub(crate) fn check(text: &str) -> Result<(), Problem> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let value: Map<String, Value> =
        serde_json::from_str(text).map_err(|error| Problem::Hsds(error.to_string()))?;
    for (key, member) in &value {
        if !OBJECTS.iter().any(|(name, _)| name == key) {
            return Err(Problem::Hsds(format!(
                "{key:?} is not one of service_at_location, service, organization, location"
            )));
        }
        if !member.is_object() {
            return Err(Problem::Hsds(format!("{key} is not an object")));
        }
    }
    Ok(())
}

/// The kept objects of a facility's `hsds` text (none when empty or, never for a loaded
/// facility, not an object).
pub(crate) fn parse(text: &str) -> Option<Map<String, Value>> {
    if text.is_empty() {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// Puts the kept fields of `name` (one of the four objects) into `object`, carefind's
/// own, their links rewritten to carefind's ids.
pub(crate) fn restore(
    object: &mut Map<String, Value>,
    kept: Option<&Map<String, Value>>,
    name: &str,
    ids: &Ids,
) {
    let Some(fields) = kept
        .and_then(|kept| kept.get(name))
        .and_then(Value::as_object)
    else {
        return;
    };
    for (key, value) in fields {
        if value.is_null() {
            object.remove(key);
            continue;
        }
        let mut value = value.clone();
        relink(&mut value, ids);
        if ADDED.contains(&key.as_str())
            && let (Some(Value::Array(ours)), Value::Array(theirs)) =
                (object.get_mut(key.as_str()), &mut value)
        {
            ours.append(theirs);
            continue;
        }
        object.insert(key.clone(), value);
    }
}

/// Rewrites every link to a parent object (`service_id` and the like), at any depth, to
/// carefind's id for it: carefind derives its objects' ids from its own id.
fn relink(value: &mut Value, ids: &Ids) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                let id = match key.as_str() {
                    "service_at_location_id" => Some(&ids.service_at_location),
                    "service_id" => Some(&ids.service),
                    "location_id" => Some(&ids.location),
                    "organization_id" => Some(&ids.organization),
                    _ => None,
                };
                match id {
                    Some(id) if field.is_string() => *field = Value::from(id.as_str()),
                    _ => relink(field, ids),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| relink(item, ids)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_what_carefind_has_no_field_for_and_no_more() {
        let sal = json!({"id": "sal", "service_id": "s", "location_id": "l", "description": "At the clinic"});
        let service = json!({
            "id": "s", "name": "Counselling", "status": "active", "url": "",
            "minimum_age": 12,
            "contacts": [{"id": "c", "service_id": "s", "name": "Ann"}],
            "attributes": [
                {"taxonomy_term": {"taxonomy": "carefind-care-level", "code": "iop"}},
                {"taxonomy_term": {"taxonomy": "airs", "code": "RX-8450"}}
            ],
            "capacities": [
                {"unit": {"name": "Bed"}, "available": 1},
                {"unit": {"name": "Kilogram"}, "available": 5}
            ],
            "languages": []
        });
        let location =
            json!({"id": "l", "latitude": 1.0, "longitude": 2.0, "transportation": "Bus 4"});
        let facility = Facility::new("f", "Counselling", crate::LatLon::new(1.0, 2.0).unwrap());
        let kept: Value =
            serde_json::from_str(&keep(&sal, Some(&service), None, &location, &facility)).unwrap();
        assert_eq!(
            kept,
            json!({
                "service_at_location": {"description": "At the clinic"},
                "service": {
                    "minimum_age": 12,
                    "contacts": [{"id": "c", "service_id": "s", "name": "Ann"}],
                    "attributes": [{"taxonomy_term": {"taxonomy": "airs", "code": "RX-8450"}}],
                    "capacities": [{"unit": {"name": "Kilogram"}, "available": 5}]
                },
                "location": {"transportation": "Bus 4"}
            })
        );
        check(&kept.to_string()).unwrap();
    }

    #[test]
    fn restores_with_carefinds_links_and_adds_attributes() {
        let kept = parse(
            &json!({"service": {
                "contacts": [{"id": "c", "service_id": "old", "phones": [{"contact_id": "c", "service_id": "old"}]}],
                "attributes": [{"id": "theirs"}],
                "minimum_age": 12
            }})
            .to_string(),
        );
        let ids = Ids::of("f1");
        let mut service =
            json!({"id": ids.service, "minimum_age": 0, "attributes": [{"id": "ours"}]});
        restore(
            service.as_object_mut().unwrap(),
            kept.as_ref(),
            "service",
            &ids,
        );
        assert_eq!(service["minimum_age"], 12);
        assert_eq!(
            service["attributes"],
            json!([{"id": "ours"}, {"id": "theirs"}])
        );
        assert_eq!(service["contacts"][0]["service_id"], ids.service.as_str());
        assert_eq!(
            service["contacts"][0]["phones"][0]["service_id"],
            ids.service.as_str()
        );
        assert_eq!(service["contacts"][0]["phones"][0]["contact_id"], "c");
    }

    #[test]
    fn checks_the_text() {
        assert!(check("").is_ok());
        assert!(check(r#"{"service": {"contacts": []}}"#).is_ok());
        for bad in ["[]", "{", r#"{"program": {}}"#, r#"{"service": 1}"#] {
            assert!(matches!(check(bad), Err(Problem::Hsds(_))), "{bad}");
        }
    }
}
