//! What an index reads of each facility, by slot, and its trees.
//!
//! A store's facilities sit in id order (their positions); an index reads them in its own
//! spatial order (their slots), so that the facilities a query meets together sit together
//! in memory. [`Slots`] holds that order, each slot's location and sets, the counts the
//! planner reads, and the k-d trees over the slots. All of it is made from the store's
//! columns alone, so the store keeps it (made the first time an index needs it), and a
//! snapshot stores it: opening one then builds nothing, and a mapped file's index is its
//! own pages.

use std::sync::OnceLock;

use rayon::iter::{IntoParallelIterator, IntoParallelRefIterator, ParallelIterator};

use crate::care::{CareLevel, CareSet};
use crate::filter::Attributes;
use crate::sphere::Trig;
use crate::store::{Column, FacilityStore, Number, precision_of, status_of};
use crate::tree::{KdTree, spatial_order};

/// The trees: the tree of every facility, then one per level of care.
pub(crate) const TREES: usize = 1 + CareLevel::COUNT;

/// How many counts [`Slots`] keeps: facilities offering each level, then closed ones.
pub(crate) const COUNTS: usize = CareLevel::COUNT + 1;

/// An index's view of a store, by slot (see the module's documentation).
#[derive(Debug)]
pub(crate) struct Slots {
    /// The position in the store of the facility in each slot.
    pub(crate) order: Column<u32>,
    /// Each slot's location, with the trigonometry every distance to it needs.
    pub(crate) locations: Column<Trig>,
    /// Each slot's sets, which filters test.
    pub(crate) sets: Column<Packed>,
    /// How many facilities offer each level of care, then how many are closed.
    pub(crate) counts: [usize; COUNTS],
    /// The tree of every facility, then one per level, each built when first needed
    /// unless a snapshot brought it.
    pub(crate) trees: [OnceLock<KdTree>; TREES],
    /// Whether each tree of a snapshot checked as it is read was found whole (its blocks
    /// and values), the first time a search walked it.
    pub(crate) whole: [OnceLock<bool>; TREES],
}

impl Slots {
    /// Makes the slots of `store`: its spatial order, then each slot's location and sets
    /// gathered into that order. The trees are left to be built when first needed.
    pub(crate) fn of(store: &FacilityStore) -> Slots {
        // Computed in the store's order, then gathered: read by slot, a point's latitude
        // and longitude were two cache misses, a gathered `Trig` is one.
        let trig: Vec<Trig> = (0..store.len() as u32)
            .into_par_iter()
            .map(|position| Trig::of(store.location(position)))
            .collect();
        let units: Vec<[f64; 3]> = trig.par_iter().map(Trig::unit_vector).collect();
        let order = spatial_order(&units);
        drop(units);
        Slots::gathered(store, order, trig)
    }

    /// The slots of `store` in `order` (any permutation of its positions), for tests: any
    /// order answers exactly, if not as fast.
    #[cfg(test)]
    pub(crate) fn in_order(store: &FacilityStore, order: Vec<u32>) -> Slots {
        let trig = (0..store.len() as u32)
            .map(|position| Trig::of(store.location(position)))
            .collect();
        Slots::gathered(store, order, trig)
    }

    /// The slots of `store` in `order`, given each facility's `trig` by position.
    fn gathered(store: &FacilityStore, order: Vec<u32>, trig: Vec<Trig>) -> Slots {
        let locations: Vec<Trig> = order
            .par_iter()
            .map(|position| trig[*position as usize])
            .collect();
        drop(trig);
        let positions = 0..store.len() as u32;
        // Read in the store's order, then gathered: a facility's sets come from three
        // columns, and reading them by slot cost three cache misses a facility, not one.
        let by_position: Vec<Packed> = positions
            .into_par_iter()
            .map(|position| Packed::of(&store.attributes(position)))
            .collect();
        let sets: Vec<Packed> = order
            .par_iter()
            .map(|position| by_position[*position as usize])
            .collect();
        drop(by_position);
        let mut counts = [0; COUNTS];
        for set in &sets {
            let attributes = set.attributes();
            for level in attributes.care.iter() {
                counts[level as usize] += 1;
            }
            counts[CareLevel::COUNT] += usize::from(attributes.status.is_closed());
        }
        Slots {
            order: Column::Owned(order),
            locations: Column::Owned(locations),
            sets: Column::Owned(sets),
            counts,
            trees: Default::default(),
            whole: Default::default(),
        }
    }

    /// The tree of every facility.
    pub(crate) fn all_tree(&self) -> &KdTree {
        self.trees[0].get_or_init(|| self.bulk_load(|_| true))
    }

    /// The tree of the facilities that offer `level`.
    pub(crate) fn level_tree(&self, level: CareLevel) -> &KdTree {
        self.trees[1 + level as usize].get_or_init(|| {
            let level = CareSet::from(level).bits();
            self.bulk_load(|set| set.masks[0] & level != 0)
        })
    }

    /// The tree `which` (0 for every facility, then one per level), built if need be.
    pub(crate) fn tree(&self, which: usize) -> &KdTree {
        match which.checked_sub(1).and_then(|at| CareLevel::ALL.get(at)) {
            Some(level) => self.level_tree(*level),
            None => self.all_tree(),
        }
    }

    /// Whether tree `which` (see [`Slots::tree`]) can be walked: always, but when it was
    /// read from a snapshot checked as it is read, it is checked whole (its blocks, axes
    /// and slots) the first time this is asked, and a damaged one cannot.
    pub(crate) fn is_whole(&self, which: usize) -> bool {
        let Some(whole) = self.whole.get(which) else {
            return false;
        };
        *whole.get_or_init(|| {
            let tree = self.tree(which);
            !self.is_checked_on_read()
                || (tree.check_blocks() && tree.check(self.locations.as_slice().len()).is_ok())
        })
    }

    /// Whether the slots were read from a snapshot that checks each block as it is first
    /// read: then what a search reads of a slot, it checks ([`Slots::check_slot`]).
    pub(crate) fn is_checked_on_read(&self) -> bool {
        self.order.is_checked_on_read()
    }

    /// Whether what a search reads of `slot` (its position, location and sets) lies in
    /// blocks that match their checksums.
    #[inline]
    pub(crate) fn check_slot(&self, slot: u32) -> bool {
        let at = slot as usize..slot as usize + 1;
        self.order.check(at.clone()) && self.locations.check(at.clone()) && self.sets.check(at)
    }

    /// Builds every tree not built yet, on the thread pool.
    pub(crate) fn build_trees(&self) {
        rayon::scope(|scope| {
            for which in 0..TREES {
                scope.spawn(move |_| {
                    self.tree(which);
                });
            }
        });
    }

    fn bulk_load(&self, keep: impl Fn(&Packed) -> bool) -> KdTree {
        let entries = self
            .sets
            .as_slice()
            .iter()
            .zip(self.locations.as_slice())
            .zip(0..)
            .filter(|((set, _), _)| keep(set))
            .map(|((_, location), slot)| (location.unit_vector(), slot))
            .collect();
        KdTree::new(entries)
    }

    /// Checks slots read from a file against the store they came with (`count`
    /// facilities): the lengths, the order a permutation of the positions, each tree's
    /// shape and slots, and the counts against the trees. What a query reads by slot is
    /// then always in bounds. The locations and sets themselves are covered by the file's
    /// checksum, and read so that no value can take a reader out of bounds (a set's
    /// unknown bits are dropped, an unknown code reads as the default).
    pub(crate) fn check(&self, count: usize) -> Result<(), &'static str> {
        self.check_lengths(count)?;
        if !is_permutation(self.order.as_slice(), count) {
            return Err("a slot order that is not one of the positions");
        }
        for tree in self.trees.iter().filter_map(OnceLock::get) {
            tree.check(count)?;
        }
        Ok(())
    }

    /// What [`Slots::check`] checks but the values: the lengths, each tree's shape and size
    /// against its count. What slots read as they are used must hold from the start.
    pub(crate) fn check_lengths(&self, count: usize) -> Result<(), &'static str> {
        let lengths = [
            self.order.as_slice().len(),
            self.locations.as_slice().len(),
            self.sets.as_slice().len(),
        ];
        if lengths != [count; 3] {
            return Err("per-slot columns whose lengths do not match the facilities");
        }
        for (which, tree) in self.trees.iter().enumerate() {
            let Some(tree) = tree.get() else { continue };
            tree.check_shape()?;
            let expected = match which {
                0 => count,
                level => self.counts[level - 1],
            };
            if tree.len() != expected {
                return Err("a tree whose size does not match its count");
            }
        }
        if self.counts[CareLevel::COUNT] > count {
            return Err("more closed facilities than facilities");
        }
        Ok(())
    }
}

/// Whether `order` holds each of `0..count` once.
fn is_permutation(order: &[u32], count: usize) -> bool {
    let mut seen = vec![0u64; count.div_ceil(64)];
    order.len() == count
        && order.iter().all(|position| {
            let (word, bit) = (*position as usize / 64, 1 << (position % 64));
            match seen.get_mut(word) {
                Some(bits) if *bits & bit == 0 && (*position as usize) < count => {
                    *bits |= bit;
                    true
                }
                _ => false,
            }
        })
}

/// A facility's [`Attributes`] as plain numbers, 64 bytes with no padding, so that a
/// snapshot can hold them and a mapped one be read in place.
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct Packed {
    /// Care, payment, ages, populations, languages, medications and kinds.
    masks: [u64; 7],
    /// Days from 1970-01-01 to the date the listing was verified; `i32::MIN` for never.
    verified: i32,
    precision: u8,
    status: u8,
    unused: [u8; 2],
}

impl Packed {
    pub(crate) fn of(attributes: &Attributes) -> Packed {
        Packed {
            masks: [
                attributes.care.bits(),
                attributes.payment.bits(),
                attributes.ages.bits(),
                attributes.populations.bits(),
                attributes.languages.bits(),
                attributes.medications.bits(),
                attributes.kinds.bits(),
            ],
            verified: attributes.verified,
            precision: crate::store::precision_code(attributes.precision),
            status: crate::store::status_code(attributes.status),
            unused: [0; 2],
        }
    }

    /// The sets, each mask's unknown bits dropped and an unknown code read as the default,
    /// without a branch: this is read for every candidate a search meets.
    #[inline]
    pub(crate) fn attributes(&self) -> Attributes {
        use crate::set::Set;
        Attributes {
            care: Set::from_bits_truncate(self.masks[0]),
            payment: Set::from_bits_truncate(self.masks[1]),
            ages: Set::from_bits_truncate(self.masks[2]),
            populations: Set::from_bits_truncate(self.masks[3]),
            languages: Set::from_bits_truncate(self.masks[4]),
            medications: Set::from_bits_truncate(self.masks[5]),
            kinds: Set::from_bits_truncate(self.masks[6]),
            precision: precision_of(self.precision).unwrap_or_default(),
            status: status_of(self.status).unwrap_or_default(),
            verified: self.verified,
        }
    }
}

impl Number for Packed {
    fn swap_from_le(self) -> Self {
        Packed {
            masks: self.masks.map(u64::from_le),
            verified: i32::from_le(self.verified),
            ..self
        }
    }
}

impl Number for Trig {
    fn swap_from_le(self) -> Self {
        Trig::swap_from_le(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_sets_read_back_as_they_were() {
        let index = crate::Index::sample();
        for facility in index.facilities().take(500) {
            let attributes = Attributes::of(facility);
            let read = Packed::of(&attributes).attributes();
            assert_eq!(
                Packed::of(&read),
                Packed::of(&attributes),
                "{}",
                facility.id()
            );
        }
    }

    #[test]
    fn unknown_bits_and_codes_read_as_nothing() {
        let mut packed = Packed::of(&Attributes::default());
        packed.masks = [u64::MAX; 7];
        packed.precision = 200;
        packed.status = 200;
        let read = packed.attributes();
        assert_eq!(read.care, CareSet::all());
        assert_eq!(read.status, Default::default());
        assert_eq!(read.precision, Default::default());
    }

    #[test]
    fn a_slot_order_is_a_permutation_of_the_positions() {
        assert!(is_permutation(&[2, 0, 1], 3));
        assert!(is_permutation(&[], 0));
        assert!(!is_permutation(&[0, 0, 1], 3));
        assert!(!is_permutation(&[0, 1, 3], 3));
        assert!(!is_permutation(&[0, 1], 3));
        assert!(!is_permutation(&[0, 1, 2, 64], 4));
    }
}
