//! The index: facilities stored once, and k-d trees of their 3D unit vectors.
//!
//! This file builds it and keeps what queries read. The queries themselves
//! (`Index::search`, `Index::search_into`, `Index::count`) are methods written in
//! `search.rs`, beside the plan that walks the trees.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::care::CareLevel;
use crate::error::Error;
use crate::facility::Facility;
use crate::facility_ref::FacilityRef;
use crate::slots::Slots;
use crate::store::{Facilities, FacilityStore};

/// An immutable spatial index of facilities, answering [`Query`](crate::Query) values.
///
/// Facilities are kept once, sorted by id, in a columnar [`FacilityStore`], and addressed
/// by their position (a `u32`), so ordering by position is ordering by id. Points go into
/// k-d trees as 3D unit vectors: one tree over every facility and one per level of care, each facility in the tree of each
/// level it offers. The straight-line (chord) distance between unit vectors grows with the
/// great-circle distance, so the trees prune exactly, with no special case at the
/// antimeridian or the poles.
///
/// Each tree is bulk loaded the first time a query needs it, so a one-off query (a command
/// line run) pays only for the trees it uses; [`Index::warm_up`] builds them all at once.
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
/// assert_eq!(hits[0].facility.id(), "b");
/// assert_eq!(index.count_offering(CareLevel::Iop), 1);
///
/// fn shared<T: Send + Sync>(_: &T) {}
/// shared(&index);
/// ```
pub struct Index {
    pub(crate) facilities: FacilityStore,
    /// Counts of unbounded queries by filter (see `Index::count`): a services's `total`
    /// for "nearest, anywhere" would otherwise cost a pass over every facility.
    pub(crate) totals: std::sync::Mutex<std::collections::HashMap<[u64; 21], usize>>,
    /// Which index this is, among every index this process has made (see
    /// [`Index::generation`]).
    generation: u64,
}

/// The generation of the next index made. Starts at 1 so that 0 can mean "none" to a
/// cache that has not been filled yet.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

impl Index {
    /// Builds an index (its trees are built when first needed): stores the facilities in
    /// a [`FacilityStore`], then indexes it.
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
    pub fn new(facilities: Vec<Facility>) -> Result<Index, Error> {
        Ok(Index::from_store(FacilityStore::new(facilities)?))
    }

    /// Indexes a store (read from a snapshot, say) as it is, with no copy of its records.
    /// A snapshot brings what the index reads by slot and its trees with it, so that
    /// indexing one builds nothing.
    ///
    /// ```
    /// use carefind::{Index, snapshot};
    ///
    /// let mut bytes = Vec::new();
    /// snapshot::to_writer(&mut bytes, Index::sample().store())?;
    /// let index = Index::from_store(snapshot::from_slice(&bytes)?);
    /// assert_eq!(index.len(), Index::sample().len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_store(facilities: FacilityStore) -> Index {
        // What queries read by slot is made now (unless a snapshot brought it), so that
        // the first query does not pay for it; the trees wait for the queries that need
        // them.
        facilities.slots();
        Index {
            facilities,
            totals: Default::default(),
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// A number this index alone has among every index made in this process: what
    /// anything derived from an index (prepared JSON, HSDS objects, counts) is kept under.
    ///
    /// An index's memory address is no such key: once an index is dropped, the next one
    /// can be allocated at the same address, and a cache keyed by address would then hand
    /// out another dataset's records. A generation is never reused.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let a = Index::sample();
    /// let first = a.generation();
    /// drop(a);
    /// let b = Index::sample();
    /// assert_ne!(b.generation(), first);
    /// ```
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// What queries read by slot, and the trees.
    pub(crate) fn slots(&self) -> &Slots {
        self.facilities.slots()
    }

    /// How many facilities are closed (searches leave them out by default).
    pub(crate) fn closed(&self) -> usize {
        self.slots().counts[CareLevel::COUNT]
    }

    /// Builds every tree now rather than on first use, for steady latency from the first
    /// query (a service warming up before it takes traffic).
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// index.warm_up();
    /// ```
    pub fn warm_up(&self) {
        self.slots().build_trees();
    }

    /// What the trees built (or read from a snapshot) so far hold: how many trees, how
    /// many entries in all (a facility is an entry in the tree of every facility and in
    /// the tree of each of its levels), and the bytes they take, in memory or in a mapped
    /// file.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::new(Index::sample().into_facilities())?;
    /// assert_eq!(index.tree_memory().entries, 0); // trees are built on first use
    /// index.warm_up();
    /// let memory = index.tree_memory();
    /// assert!(memory.entries > index.len());
    /// assert!(memory.bytes / memory.entries <= 48);
    /// // A snapshot, such as the embedded sample, brings its trees.
    /// assert_eq!(Index::sample().tree_memory(), memory);
    /// # Ok::<(), carefind::Error>(())
    /// ```
    pub fn tree_memory(&self) -> TreeMemory {
        let built = self.slots().trees.iter().filter_map(OnceLock::get);
        built.fold(TreeMemory::default(), |memory, tree| TreeMemory {
            trees: memory.trees + 1,
            entries: memory.entries + tree.len(),
            bytes: memory.bytes + tree.bytes(),
        })
    }

    /// The index of the embedded sample of fictitious facilities (feature `sample`, on by
    /// default). The sample is embedded as a snapshot, index and trees included, and used
    /// in place: each call checks it again, so keep the result.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// assert!(index.len() >= 5_000);
    /// ```
    #[cfg(feature = "sample")]
    pub fn sample() -> Index {
        Index::from_store(crate::sample::store())
    }

    /// Where a facility of this index sits in [`Index::facilities`] (its
    /// [`FacilityRef::position`]); `None` for a facility that is not one of the index's own.
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let hits = index.search(&Query::nearest(LatLon::new(40.0, -75.0)?, 3))?;
    /// let at = index.position_of(hits[0].facility).unwrap();
    /// assert_eq!(index.facility(at).unwrap().id(), hits[0].facility.id());
    /// let copy = hits[0].facility.to_facility();
    /// assert_eq!(index.position_of(copy.view()), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn position_of(&self, facility: FacilityRef<'_>) -> Option<usize> {
        facility
            .is_in(&self.facilities)
            .then(|| facility.position())
    }

    /// How many of the facilities are closed (temporarily or for good): searches leave
    /// them out unless their filter includes closed ones.
    ///
    /// ```
    /// assert_eq!(carefind::Index::sample().closed_count(), 0);
    /// ```
    pub fn closed_count(&self) -> usize {
        self.closed()
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
    /// let ids: Vec<&str> = index.facilities().map(|f| f.id()).collect();
    /// assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    /// ```
    pub fn facilities(&self) -> Facilities<'_> {
        self.facilities.iter()
    }

    /// The facility at `position` in id order.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// assert_eq!(index.facility(0), index.facilities().next());
    /// assert_eq!(index.facility(index.len()), None);
    /// ```
    pub fn facility(&self, position: usize) -> Option<FacilityRef<'_>> {
        self.facilities.get(position)
    }

    /// The store the index reads its facilities from.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// assert_eq!(index.store().len(), index.len());
    /// ```
    pub fn store(&self) -> &FacilityStore {
        &self.facilities
    }

    /// The facility with this id.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// let first = index.facility(0).unwrap();
    /// assert_eq!(index.get(first.id()), Some(first));
    /// assert_eq!(index.get("no such id"), None);
    /// ```
    pub fn get(&self, id: &str) -> Option<FacilityRef<'_>> {
        self.facilities.find(id)
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
        self.slots().counts[level as usize]
    }

    /// Copies the facilities out, sorted by id.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let facilities = Index::sample().into_facilities();
    /// assert!(!facilities.is_empty());
    /// ```
    pub fn into_facilities(self) -> Vec<Facility> {
        self.facilities.to_facilities()
    }

    /// Takes the store back out.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// assert_eq!(Index::sample().into_store().len(), Index::sample().len());
    /// ```
    pub fn into_store(self) -> FacilityStore {
        self.facilities
    }
}

/// The memory an index's trees hold, from [`Index::tree_memory`].
///
/// ```
/// use carefind::TreeMemory;
///
/// assert_eq!(TreeMemory::default().bytes, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TreeMemory {
    /// Trees built.
    pub trees: usize,
    /// Entries in all of them.
    pub entries: usize,
    /// Bytes they take.
    pub bytes: usize,
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
    use crate::sphere::LatLon;

    #[test]
    fn every_facility_sits_in_the_tree_of_each_of_its_levels() {
        let mut facility = Facility::new("a", "A", LatLon::new(0.0, 0.0).unwrap());
        facility.care = "detox;iop".parse().unwrap();
        let index = Index::new(vec![facility]).unwrap();
        let sizes: Vec<usize> = CareLevel::ALL
            .iter()
            .map(|level| index.slots().level_tree(*level).len())
            .collect();
        assert_eq!(sizes.iter().sum::<usize>(), 4);
        assert_eq!(index.slots().all_tree().len(), 1);
        assert_eq!(index.count_offering(CareLevel::Iop), 1);
    }
}
