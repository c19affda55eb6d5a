//! A table's reports laid out by the positions of one index's facilities.

use std::sync::Arc;

use arc_swap::ArcSwapOption;

use super::{Availability, Update};
use crate::index::Index;

/// A position with no reports.
const NONE: u32 = u32::MAX;

/// How many facilities a table may have changed since the layout it would be patched
/// from: beyond it, making a layout afresh costs less than patching.
const MOST_PATCHED: usize = 4096;

/// An [`Availability`] table's reports resolved to the positions of one index's
/// facilities, so that a search reads a candidate's reports at its position: two array
/// reads, where hashing its id into the table's shards cost as much as the rest of the
/// search. Made for a table and an index at the first search that reads both (see
/// [`Availability::by_position`]), patched from the table it was made from when that one
/// has a layout, and shared by every search after.
#[derive(Debug)]
pub(crate) struct ByPosition {
    /// The index the positions are of ([`Index::generation`]).
    generation: u64,
    /// The run in `runs` of the facility at each position, or [`NONE`]; empty when the
    /// table held no report of the index's facilities.
    run_of: Vec<u32>,
    /// Each facility's reports, shared with the layouts patched from this one.
    runs: Vec<Arc<[Update]>>,
}

/// What a table's layout can be patched from: the layout cell of a table it was made from,
/// and the facilities whose reports changed since.
#[derive(Debug)]
pub(super) struct Base {
    from: Arc<ArcSwapOption<ByPosition>>,
    changed: Vec<String>,
}

impl Base {
    /// The base of a table made from `table` by changing the reports of `changed`: the
    /// table's own layout cell when it has a layout, else what the table would have been
    /// patched from (with its changes added), or none when that is too far back.
    pub(super) fn after(table: &Availability, mut changed: Vec<String>) -> Option<Base> {
        if table.positions().load().is_some() {
            return Some(Base {
                from: Arc::clone(table.positions()),
                changed,
            });
        }
        let earlier = table.base().load_full()?;
        if earlier.changed.len() + changed.len() > MOST_PATCHED {
            return None;
        }
        changed.extend(earlier.changed.iter().cloned());
        Some(Base {
            from: Arc::clone(&earlier.from),
            changed,
        })
    }
}

impl ByPosition {
    /// The layout of `table` for `index`: patched from its base when that has a layout of
    /// `index`, else made afresh.
    pub(super) fn of(table: &Availability, index: &Index, base: Option<&Base>) -> ByPosition {
        let earlier = base.and_then(|base| {
            let from = base.from.load_full().filter(|from| from.is_of(index))?;
            Some((from, &base.changed))
        });
        match earlier {
            Some((from, changed)) => ByPosition::patched(&from, table, index, changed),
            None => ByPosition::made(table, index),
        }
    }

    /// Every facility's reports looked up by id (reports of ids the index does not hold
    /// are never asked for, and left out).
    fn made(table: &Availability, index: &Index) -> ByPosition {
        let mut layout = ByPosition {
            generation: index.generation(),
            run_of: Vec::new(),
            runs: Vec::new(),
        };
        for (id, reports) in table.held() {
            if let Some(facility) = index.get(id) {
                layout.set(facility.position(), reports, index.len());
            }
        }
        layout
    }

    /// `from`, a layout of an earlier table for the same index, with the reports of the
    /// `changed` facilities read again from `table`.
    fn patched(from: &ByPosition, table: &Availability, index: &Index, changed: &[String]) -> Self {
        let mut layout = ByPosition {
            generation: from.generation,
            run_of: from.run_of.clone(),
            runs: from.runs.clone(),
        };
        for id in changed {
            if let Some(facility) = index.get(id) {
                layout.set(facility.position(), table.reports(id), index.len());
            }
        }
        layout
    }

    /// Makes `reports` those of the facility at `position`, of `len`.
    fn set(&mut self, position: usize, reports: &[Update], len: usize) {
        if reports.is_empty() {
            return;
        }
        if self.run_of.is_empty() {
            self.run_of = vec![NONE; len];
        }
        let Some(run) = self.run_of.get_mut(position) else {
            return;
        };
        match self.runs.get_mut(*run as usize) {
            Some(held) => *held = reports.into(),
            None => {
                // A table holds a report or a few a facility, never four billion runs.
                *run = u32::try_from(self.runs.len()).unwrap_or(NONE);
                self.runs.push(reports.into());
            }
        }
    }

    /// Whether these are the positions of `index`'s facilities.
    pub(super) fn is_of(&self, index: &Index) -> bool {
        self.generation == index.generation()
    }

    /// The reports of the facility at `position`.
    pub(crate) fn reports(&self, position: usize) -> &[Update] {
        match self.run_of.get(position) {
            Some(&run) => self.runs.get(run as usize).map_or(&[], |run| run),
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;

    use crate::availability::{Availability, Update};
    use crate::{CareLevel, Facility, Index, LatLon};

    fn index(facilities: usize) -> Index {
        Index::new(
            (0..facilities)
                .map(|i| {
                    let at = LatLon::new(40.0, -75.0 + i as f64 / 100.0).unwrap();
                    Facility::new(format!("f{i:02}"), "F", at)
                })
                .collect(),
        )
        .unwrap()
    }

    fn updates(reported: &[(usize, Option<usize>, i64)]) -> Vec<Update> {
        reported
            .iter()
            .map(|(id, care, second)| {
                let at = jiff::Timestamp::from_second(*second).unwrap();
                let mut update = Update::new(format!("f{id:02}"), at);
                update.care = care.and_then(|c| CareLevel::ALL.get(c).copied());
                update.beds_available = u32::try_from(*second).ok();
                update
            })
            .collect()
    }

    fn reported() -> impl Strategy<Value = Vec<(usize, Option<usize>, i64)>> {
        prop::collection::vec((0usize..60, prop::option::of(0usize..13), 0i64..100), 0..60)
    }

    proptest! {
        /// Every facility's reports by position are its reports by id, in a chain of
        /// tables each made from the one before, whose layouts are made (or not) in any
        /// order: afresh, patched from the table before, or from one further back.
        #[test]
        fn reports_by_position_are_reports_by_id(
            facilities in 0usize..40,
            batches in prop::collection::vec((reported(), any::<bool>()), 1..6),
        ) {
            let index = index(facilities);
            let mut table = Arc::new(Availability::new());
            for (batch, search) in batches {
                table = Arc::new(table.with(updates(&batch)).table);
                if !search {
                    continue;
                }
                let by_position = table.by_position(&index);
                for facility in index.facilities() {
                    prop_assert_eq!(by_position.reports(facility.position()), table.reports(facility.id()));
                }
                prop_assert!(by_position.reports(facilities).is_empty());
                prop_assert!(by_position.reports(usize::MAX).is_empty());
            }
            let by_position = table.by_position(&index);
            for facility in index.facilities() {
                prop_assert_eq!(by_position.reports(facility.position()), table.reports(facility.id()));
            }
        }
    }

    /// A table read with another index is laid out again for it, and a table made from
    /// one laid out for the first index is patched for neither.
    #[test]
    fn another_index_is_laid_out_again() {
        let (one, two) = (index(3), index(2));
        let table = Availability::new()
            .with(updates(&[(1, None, 3), (2, None, 4)]))
            .table;
        assert_eq!(
            table.by_position(&one).reports(2)[0].beds_available,
            Some(4)
        );
        assert_eq!(
            table.by_position(&two).reports(1)[0].beds_available,
            Some(3)
        );
        assert!(table.by_position(&two).reports(2).is_empty());
        let next = table.with(updates(&[(0, None, 5)])).table;
        assert_eq!(next.by_position(&one).reports(0)[0].beds_available, Some(5));
        assert_eq!(next.by_position(&one).reports(2)[0].beds_available, Some(4));
        assert_eq!(next.by_position(&two).reports(0)[0].beds_available, Some(5));
    }
}
