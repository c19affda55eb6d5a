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
