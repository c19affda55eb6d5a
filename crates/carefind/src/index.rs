//! The index: facilities stored once, and R-trees of their 3D unit vectors.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::care::CareLevel;
use crate::error::Error;
use crate::facility::Facility;
use crate::filter::Attributes;
use crate::sphere::LatLon;

/// A tree entry: a facility's unit vector and its position in the index.
pub(crate) type Entry = GeomWithData<[f64; 3], u32>;
pub(crate) type Tree = RTree<Entry>;

/// An immutable spatial index of facilities, answering [`Query`](crate::Query) values.
///
/// Facilities are kept once, sorted by id, and addressed by their position (a `u32`), so
/// ordering by position is ordering by id. Points go into R-trees as 3D unit vectors: one
/// tree over every facility and one per level of care, each facility in the tree of each
/// level it offers. The straight-line (chord) distance between unit vectors grows with the
/// great-circle distance, so the trees prune exactly, with no special case at the
/// antimeridian or the poles.
///
/// The index is `Send + Sync` and answers through `&self`: share it with an `Arc` and
/// replace the `Arc` to update.
///
/// ```
/// use carefind::{CareLevel, Facility, Index, LatLon, Query};
///
/// let mut a = Facility::new("a", "Alpha", LatLon::new(40.0, -75.0).unwrap());
/// a.care = "iop".parse().unwrap();
/// let mut b = Facility::new("b", "Beta", LatLon::new(40.5, -75.0).unwrap());
/// b.care = "otp".parse().unwrap();
/// let index = Index::new(vec![b, a]).unwrap();
///
/// let hits = index.search(&Query::nearest(LatLon::new(40.4, -75.0).unwrap(), 2)).unwrap();
/// assert_eq!(hits[0].facility.id, "b");
/// assert_eq!(index.count_offering(CareLevel::Iop), 1);
///
/// fn shared<T: Send + Sync>(_: &T) {}
/// shared(&index);
/// ```
pub struct Index {
    pub(crate) facilities: Vec<Facility>,
    pub(crate) locations: Vec<LatLon>,
    pub(crate) attributes: Vec<Attributes>,
    pub(crate) all: Tree,
    pub(crate) by_care: Vec<Tree>,
}

impl Index {
    /// Builds an index, bulk loading every tree.
    ///
    /// Fails when an id is empty or used twice, or when there are more than `u32::MAX`
    /// facilities.
    ///
    /// ```
    /// use carefind::{Facility, Index, LatLon};
    ///
    /// let here = LatLon::new(1.0, 2.0).unwrap();
    /// let twice = vec![Facility::new("x", "One", here), Facility::new("x", "Two", here)];
    /// assert!(Index::new(twice).is_err());
    /// ```
    pub fn new(mut facilities: Vec<Facility>) -> Result<Index, Error> {
        if u32::try_from(facilities.len()).is_err() {
            return Err(Error::InvalidFacility {
                id: String::new(),
                reason: format!("an index holds at most {} facilities", u32::MAX),
            });
        }
        facilities.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        if let Some(empty) = facilities.iter().find(|f| f.id.trim().is_empty()) {
            return Err(Error::InvalidFacility {
                id: empty.id.clone(),
                reason: format!("the facility named {:?} has an empty id", empty.name),
            });
        }
        if let Some(pair) = facilities.windows(2).find(|pair| pair[0].id == pair[1].id) {
            return Err(Error::InvalidFacility {
                id: pair[0].id.clone(),
                reason: "the id is used by more than one facility".into(),
            });
        }

        let locations: Vec<LatLon> = facilities.iter().map(|f| f.location).collect();
        let attributes: Vec<Attributes> = facilities.iter().map(Attributes::of).collect();
        let entries: Vec<Entry> = locations
            .iter()
            .enumerate()
            .map(|(position, location)| Entry::new(location.unit_vector(), position as u32))
            .collect();

        let mut per_level: Vec<Vec<Entry>> = vec![Vec::new(); CareLevel::COUNT];
        for entry in &entries {
            for level in attributes[entry.data as usize].care.iter() {
                per_level[level as usize].push(*entry);
            }
        }
        Ok(Index {
            facilities,
            locations,
            attributes,
            all: RTree::bulk_load(entries),
            by_care: per_level.into_iter().map(RTree::bulk_load).collect(),
        })
    }

    /// The index of the embedded sample of fictitious facilities (feature `sample`, on by
    /// default). It is parsed and built on each call; keep the result.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// assert!(index.len() >= 5_000);
    /// ```
    #[cfg(feature = "sample")]
    pub fn sample() -> Index {
        Index::new(crate::sample::facilities()).expect("the embedded sample has unique ids")
    }

    /// How many facilities the index holds.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// assert_eq!(Index::new(vec![]).unwrap().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.facilities.len()
    }

    /// Whether the index holds no facility.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// assert!(Index::new(vec![]).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.facilities.is_empty()
    }

    /// Every facility, sorted by id.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// assert!(index.facilities().windows(2).all(|pair| pair[0].id < pair[1].id));
    /// ```
    pub fn facilities(&self) -> &[Facility] {
        &self.facilities
    }

    /// The facility with this id.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// let first = &index.facilities()[0];
    /// assert_eq!(index.get(&first.id), Some(first));
    /// assert_eq!(index.get("no such id"), None);
    /// ```
    pub fn get(&self, id: &str) -> Option<&Facility> {
        self.facilities
            .binary_search_by(|f| f.id.as_str().cmp(id))
            .ok()
            .map(|position| &self.facilities[position])
    }

    /// How many facilities offer `level`.
    ///
    /// ```
    /// use carefind::{CareLevel, Index};
    ///
    /// let index = Index::sample();
    /// assert!(index.count_offering(CareLevel::HospitalInpatient) < index.count_offering(CareLevel::Outpatient));
    /// ```
    pub fn count_offering(&self, level: CareLevel) -> usize {
        self.by_care[level as usize].size()
    }

    /// Takes the facilities back out, sorted by id.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let facilities = Index::sample().into_facilities();
    /// assert!(!facilities.is_empty());
    /// ```
    pub fn into_facilities(self) -> Vec<Facility> {
        self.facilities
    }
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("facilities", &self.facilities.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_ids_are_refused() {
        let facility = Facility::new(" ", "Blank", LatLon::new(0.0, 0.0).unwrap());
        let error = Index::new(vec![facility]).unwrap_err().to_string();
        assert!(error.contains("empty id"), "{error}");
    }

    #[test]
    fn every_facility_sits_in_the_tree_of_each_of_its_levels() {
        let mut facility = Facility::new("a", "A", LatLon::new(0.0, 0.0).unwrap());
        facility.care = "detox;iop".parse().unwrap();
        let index = Index::new(vec![facility]).unwrap();
        let sizes: Vec<usize> = index.by_care.iter().map(|tree| tree.size()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 4);
        assert_eq!(index.all.size(), 1);
    }
}
