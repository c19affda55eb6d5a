//! Listings of one place: directories often list a facility twice (a program and its
//! parent, the substance-use and the mental-health directory), at the same street address
//! with the same phone number. A person should see the place once, with both names.

use crate::facility_ref::FacilityRef;
use crate::search::Hit;

/// What makes two listings one place: the street address with its city, state and
/// five-digit ZIP code (letters and digits only, in lower case) and the phone number's
/// ten digits (an extension aside). `None` for a listing without a street or a phone
/// number: such listings are never taken for one another.
///
/// ```
/// use carefind::{Facility, LatLon};
/// use carefind::analysis::duplicates::place_key;
///
/// let mut a = Facility::new("a", "A", LatLon::new(40.7, -74.0).unwrap());
/// a.street = "123 Main St.".into();
/// a.city = "New York".into();
/// a.state = "NY".into();
/// a.zip = "10001-1234".into();
/// a.phone = "(212) 555-0100 x12".into();
/// let mut b = a.clone();
/// b.street = "123 MAIN ST".into();
/// b.phone = "212-555-0100".into();
/// assert!(place_key(&a).is_some());
/// assert_eq!(place_key(&a), place_key(&b));
/// b.phone = String::new();
/// assert_eq!(place_key(&b), None);
/// ```
pub fn place_key<'f>(facility: impl Into<FacilityRef<'f>>) -> Option<String> {
    let facility = facility.into();
    let phone: String = facility
        .phone()
        .split(|c: char| c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let phone = match phone.len() {
        11 if phone.starts_with('1') => &phone[1..],
        10 => &phone[..],
        _ => return None,
    };
    let street = squeeze(facility.street());
    if street.is_empty() {
        return None;
    }
    let zip: String = facility.zip().chars().take(5).collect();
    Some(format!(
        "{street}|{}|{}|{zip}|{phone}",
        squeeze(facility.city()),
        squeeze(facility.state())
    ))
}

fn squeeze(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `hits` grouped by place ([`place_key`]), in the order of each place's first hit: a
/// group's first hit is the nearest of its listings (or the first, in the order given).
///
/// ```
/// use carefind::{Facility, Index, LatLon, Query};
/// use carefind::analysis::duplicates::group;
///
/// let mut a = Facility::new("a", "Clinic", LatLon::new(40.7, -74.0).unwrap());
/// a.street = "1 Main St".into();
/// a.phone = "212-555-0100".into();
/// let mut b = a.clone();
/// b.id = "b".into();
/// b.name = "Clinic (outpatient)".into();
/// let c = Facility::new("c", "Other", LatLon::new(40.8, -74.0).unwrap());
/// let index = Index::new(vec![a, b, c])?;
/// let hits = index.search(&Query::nearest(LatLon::new(40.7, -74.0)?, 3))?;
/// let groups = group(&hits);
/// assert_eq!(groups.len(), 2);
/// assert_eq!(groups[0].len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn group<'a>(hits: &[Hit<'a>]) -> Vec<Vec<Hit<'a>>> {
    let mut groups: Vec<Vec<Hit<'a>>> = Vec::with_capacity(hits.len());
    let mut keys: Vec<Option<String>> = Vec::with_capacity(hits.len());
    for hit in hits {
        let key = place_key(hit.facility);
        match key
            .as_ref()
            .and_then(|key| keys.iter().position(|k| k.as_ref() == Some(key)))
        {
            Some(at) => groups[at].push(*hit),
            None => {
                groups.push(vec![*hit]);
                keys.push(key);
            }
        }
    }
    groups
}

/// The `count` nearest distinct places from a nearest-first search, however it ranks
/// (straight line, drive time): `search(k)` answers the `k` nearest listings, and is
/// asked for more until `count` places are found or it has no more. Of several
/// listings of one place ([`place_key`]), the first is kept.
///
/// ```
/// use carefind::{Facility, Index, LatLon, Query};
/// use carefind::analysis::duplicates::nearest_places;
///
/// let mut a = Facility::new("a", "Clinic", LatLon::new(40.7, -74.0).unwrap());
/// a.street = "1 Main St".into();
/// a.phone = "212-555-0100".into();
/// let mut b = a.clone();
/// b.id = "b".into();
/// let c = Facility::new("c", "Other", LatLon::new(40.8, -74.0).unwrap());
/// let index = Index::new(vec![a, b, c])?;
/// let origin = LatLon::new(40.7, -74.0)?;
/// let places = nearest_places(2, |k| index.search(&Query::nearest(origin, k)), |hit| hit.facility)?;
/// let ids: Vec<&str> = places.iter().map(|hit| hit.facility.id()).collect();
/// assert_eq!(ids, ["a", "c"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn nearest_places<'f, T, E>(
    count: usize,
    mut search: impl FnMut(usize) -> Result<Vec<T>, E>,
    facility: impl Fn(&T) -> FacilityRef<'f>,
) -> Result<Vec<T>, E> {
    let mut k = count.saturating_mul(2).max(4);
    loop {
        let found = search(k)?;
        let exhausted = found.len() < k;
        let mut seen = std::collections::HashSet::new();
        let places: Vec<T> = found
            .into_iter()
            .filter(|item| place_key(facility(item)).is_none_or(|key| seen.insert(key)))
            .take(count)
            .collect();
        if places.len() >= count || exhausted {
            return Ok(places);
        }
        k = k.saturating_mul(4);
    }
}
