//! The same facility in two releases of a directory whose ids differ: directories are
//! republished yearly, with new ids or none, so matching by id alone reports a facility
//! that did not change as one removed and one added.
//!
//! Two listings are taken for one facility when they lie within a set distance and have
//! the same name as [`name_key`] reads it, or the same street address and phone number
//! ([`place_key`]). Each listing is paired at most once,
//! the nearest pairs first.
//!
//! ```
//! use carefind::analysis::same_facility::pairs;
//! use carefind::{Facility, LatLon};
//!
//! let old = Facility::new("2022-17", "Hope House, Inc.", LatLon::new(42.36, -71.06).unwrap());
//! let new = Facility::new("ma-88", "HOPE HOUSE INC", LatLon::new(42.3605, -71.06).unwrap());
//! let elsewhere = Facility::new("ma-89", "Hope House", LatLon::new(42.5, -71.06).unwrap());
//! let found = pairs(&[(&old).into()], &[(&elsewhere).into(), (&new).into()], 300.0);
//! assert_eq!(found.len(), 1);
//! assert_eq!((found[0].old, found[0].new), (0, 1));
//! ```

use std::collections::HashMap;

use super::duplicates::place_key;
use crate::facility_ref::FacilityRef;
pub use crate::load::keys::name_key;

/// Two listings found to be one facility.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    /// The position in the old listings.
    pub old: usize,
    /// The position in the new ones.
    pub new: usize,
    /// How far apart they lie, in metres.
    pub distance_m: f64,
    /// Whether the names matched (else the address and phone did).
    pub by_name: bool,
}

/// The listings of `old` and `new` that are one facility: within `within_m` metres and
/// with the same [`name_key`] or the same street address and phone; each in at most one
/// pair, the nearest first (ties by position). Ordered by old position.
pub fn pairs(old: &[FacilityRef<'_>], new: &[FacilityRef<'_>], within_m: f64) -> Vec<Pair> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_place: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, f) in new.iter().enumerate() {
        by_name.entry(name_key(f.name())).or_default().push(j);
        if let Some(key) = place_key(*f) {
            by_place.entry(key).or_default().push(j);
        }
    }
    let mut candidates: Vec<Pair> = Vec::new();
    for (i, f) in old.iter().enumerate() {
        let named = by_name.get(&name_key(f.name())).into_iter().flatten();
        let placed = place_key(*f)
            .and_then(|key| by_place.get(&key))
            .into_iter()
            .flatten();
        let mut seen: Vec<(usize, bool)> = named
            .map(|j| (*j, true))
            .chain(placed.map(|j| (*j, false)))
            .collect();
        // A listing matched both ways counts as matched by name.
        seen.sort_by_key(|(j, by_name)| (*j, !*by_name));
        seen.dedup_by_key(|(j, _)| *j);
        for (j, by_name) in seen {
            let distance_m = f.location().distance_m(new[j].location());
            if distance_m <= within_m {
                candidates.push(Pair {
                    old: i,
                    new: j,
                    distance_m,
                    by_name,
                });
            }
        }
    }
    candidates.sort_by(|a, b| {
        a.distance_m
            .total_cmp(&b.distance_m)
            .then(a.old.cmp(&b.old))
            .then(a.new.cmp(&b.new))
    });
    let (mut old_taken, mut new_taken) = (vec![false; old.len()], vec![false; new.len()]);
    let mut chosen: Vec<Pair> = candidates
        .into_iter()
        .filter(|pair| {
            let free = !old_taken[pair.old] && !new_taken[pair.new];
            if free {
                old_taken[pair.old] = true;
                new_taken[pair.new] = true;
            }
            free
        })
        .collect();
    chosen.sort_by_key(|pair| pair.old);
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Facility, LatLon};

    #[test]
    fn each_listing_is_paired_once_nearest_first_by_name_or_by_place() {
        let at = |id: &str, name: &str, lat: f64| {
            let mut f = Facility::new(id, name, LatLon::new(lat, -71.0).unwrap());
            f.street = format!("{id} Main St");
            f
        };
        let old = [at("1", "Hope House", 42.0), at("2", "Hope House", 42.001)];
        let mut renamed = at("x", "Recovery Partners", 42.0101);
        renamed.street = "3 Elm St".into();
        renamed.phone = "617-555-0100".into();
        let mut was = at("3", "Recovery Partners of MA", 42.0101);
        was.street = "3 Elm St.".into();
        was.phone = "(617) 555-0100".into();
        let old = [old[0].clone(), old[1].clone(), was];
        let new = [
            at("a", "HOPE HOUSE", 42.0009),
            at("b", "Hope House", 42.05),
            renamed,
        ];
        fn refs(list: &[Facility]) -> Vec<FacilityRef<'_>> {
            list.iter().map(FacilityRef::from).collect()
        }
        let found = pairs(&refs(&old), &refs(&new), 300.0);
        let shape: Vec<(usize, usize, bool)> =
            found.iter().map(|p| (p.old, p.new, p.by_name)).collect();
        // "a" is nearer the second Hope House (11 m) than the first (100 m); "b" is 5 km
        // away; the renamed one is found by its address and phone.
        assert_eq!(shape, [(1, 0, true), (2, 2, false)]);
    }
}
