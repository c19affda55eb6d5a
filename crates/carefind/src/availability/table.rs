//! The current reports, as an immutable table.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use arc_swap::ArcSwapOption;

use super::by_position::{Base, ByPosition};
use super::{Judgement, Need, Update};
use crate::care::{CareLevel, CareSet};
use crate::facility_ref::FacilityRef;

/// Tables are cut into this many shards by a hash of the facility id, so that applying a
/// few updates copies a few shards, not the table.
const SHARDS: usize = 64;

/// A shard's map, hashed with FNV-1a: ids are short, and a search looks one up for every
/// candidate it tests, where SipHash cost more than the rest of the test.
type Shard = HashMap<String, Held, BuildHasherDefault<Fnv>>;

/// What a table holds of one facility: its current reports, and when its recent updates
/// were true (for [`Availability::kept`]).
#[derive(Clone, Debug, Default)]
struct Held {
    reports: Vec<Update>,
    /// Sorted, at most one in each quarter hour (see [`super::kept`]); shared, so that
    /// copying a shard for the next table copies no facility's times.
    times: Arc<Vec<jiff::Timestamp>>,
}

/// The current availability reports, at most one per facility and level of care (and one
/// for the whole facility): an immutable value, shared by every query that reads it.
///
/// [`Availability::with`] makes the next table from this one and some updates, the later
/// report winning by `updated_at` (an older one is counted as stale and left out); the
/// shards it does not touch are shared between the two, so applying one update costs
/// little more than the shard it lands in. Swap tables as a whole (an `ArcSwap`, or
/// [`Locator::replace_availability`](crate::Locator::replace_availability)) and a query
/// sees one consistent version from start to end.
///
/// ```
/// use carefind::availability::{Availability, Update};
///
/// let early = Update::new("f1", "2026-06-01T08:00:00Z".parse().unwrap());
/// let late = Update::new("f1", "2026-06-01T09:00:00Z".parse().unwrap());
/// let applied = Availability::new().with([late.clone(), early]);
/// assert_eq!((applied.applied, applied.stale), (1, 1));
/// assert_eq!(applied.table.reports("f1"), [late]);
/// ```
#[derive(Clone, Debug)]
pub struct Availability {
    shards: Vec<Arc<Shard>>,
    reports: usize,
    /// The reports laid out by the positions of the last index a search read this table
    /// with (see [`Availability::by_position`]); shared by the table's clones, which hold
    /// the same reports.
    positions: Arc<ArcSwapOption<ByPosition>>,
    /// What that layout can be patched from, until it is made.
    base: Arc<ArcSwapOption<Base>>,
}

/// The result of [`Availability::with`]: the new table, and how many updates it took.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The table with the updates applied.
    pub table: Availability,
    /// Updates that replaced a report or added one.
    pub applied: usize,
    /// Updates older than the report already held for their facility and level.
    pub stale: usize,
}

impl Default for Availability {
    fn default() -> Self {
        Availability::new()
    }
}

impl Availability {
    /// An empty table.
    ///
    /// ```
    /// assert!(carefind::availability::Availability::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Availability {
            shards: (0..SHARDS).map(|_| Arc::default()).collect(),
            reports: 0,
            positions: Arc::default(),
            base: Arc::default(),
        }
    }

    /// A table with `updates` applied over this one's reports; this table is unchanged.
    /// Of two reports for the same facility and level, the one with the later
    /// `updated_at` wins; on a tie, the one applied last.
    pub fn with(&self, updates: impl IntoIterator<Item = Update>) -> Applied {
        let mut shards = self.shards.clone();
        let mut reports = self.reports;
        let (mut applied, mut stale) = (0, 0);
        // The facilities changed, for patching a layout: only when this table has one, or
        // can pass on what its own would be patched from (a table never searched with an
        // availability filter, such as a feed's, copies no id).
        let patchable = self.positions.load().is_some() || self.base.load().is_some();
        let mut changed = Vec::new();
        for update in updates {
            if patchable {
                changed.push(update.id.clone());
            }
            let shard = Arc::make_mut(&mut shards[shard_of(&update.id)]);
            let held = shard.entry(update.id.clone()).or_default();
            super::kept::remember(Arc::make_mut(&mut held.times), update.updated_at);
            let held = &mut held.reports;
            match held.iter_mut().find(|report| report.care == update.care) {
                Some(report) if report.updated_at > update.updated_at => stale += 1,
                Some(report) => {
                    *report = update;
                    applied += 1;
                }
                None => {
                    held.push(update);
                    reports += 1;
                    applied += 1;
                }
            }
        }
        Applied {
            table: Availability {
                shards,
                reports,
                positions: Arc::default(),
                base: Arc::new(ArcSwapOption::from(
                    Base::after(self, changed).map(Arc::new),
                )),
            },
            applied,
            stale,
        }
    }

    /// This table with `times` (a facility's id and when an update of it was true, such
    /// as a store's recent history) remembered for [`Availability::kept`]; the reports
    /// are unchanged.
    pub fn with_times<'a>(
        &self,
        times: impl IntoIterator<Item = (&'a str, jiff::Timestamp)>,
    ) -> Availability {
        let mut shards = self.shards.clone();
        for (id, at) in times {
            let shard = Arc::make_mut(&mut shards[shard_of(id)]);
            let held = match shard.get_mut(id) {
                Some(held) => held,
                None => shard.entry(id.to_string()).or_default(),
            };
            super::kept::remember(Arc::make_mut(&mut held.times), at);
        }
        // The same reports: the same layouts.
        Availability {
            shards,
            reports: self.reports,
            positions: Arc::clone(&self.positions),
            base: Arc::clone(&self.base),
        }
    }

    /// When facility `id`'s recent updates were true, oldest first, at most one in each
    /// quarter hour.
    pub fn times(&self, id: &str) -> &[jiff::Timestamp] {
        self.shards[shard_of(id)]
            .get(id)
            .map_or(&[], |held| held.times.as_slice())
    }

    /// The reports held for facility `id` (for the whole facility and for each level).
    ///
    /// ```
    /// assert!(carefind::availability::Availability::new().reports("f1").is_empty());
    /// ```
    pub fn reports(&self, id: &str) -> &[Update] {
        self.shards[shard_of(id)]
            .get(id)
            .map_or(&[], |held| held.reports.as_slice())
    }

    /// Each facility the table holds reports of, with its reports, in no order.
    pub(super) fn held(&self) -> impl Iterator<Item = (&str, &[Update])> {
        self.shards
            .iter()
            .flat_map(|shard| shard.iter())
            .filter(|(_, held)| !held.reports.is_empty())
            .map(|(id, held)| (id.as_str(), held.reports.as_slice()))
    }

    /// The reports laid out by the positions of `index`'s facilities: made at the first
    /// search of `index` that reads this table (patched from the layout of the table it
    /// was made from, when that has one), then kept with the table, and made again when a
    /// search reads it with another index.
    pub(crate) fn by_position(&self, index: &crate::Index) -> Arc<ByPosition> {
        if let Some(made) = self.positions.load_full().filter(|made| made.is_of(index)) {
            return made;
        }
        let base = self.base.load_full();
        let made = Arc::new(ByPosition::of(self, index, base.as_deref()));
        self.positions.store(Some(Arc::clone(&made)));
        // Made: the earlier layout need not be kept alive for this one.
        self.base.store(None);
        made
    }

    /// This table's layout cell (see [`Availability::by_position`]).
    pub(super) fn positions(&self) -> &Arc<ArcSwapOption<ByPosition>> {
        &self.positions
    }

    /// What this table's layout would be patched from.
    pub(super) fn base(&self) -> &Arc<ArcSwapOption<Base>> {
        &self.base
    }

    /// How many reports the table holds.
    ///
    /// ```
    /// use carefind::availability::{Availability, Update};
    ///
    /// let table = Availability::new().with([Update::new("a", jiff::Timestamp::UNIX_EPOCH)]).table;
    /// assert_eq!(table.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.reports
    }

    /// Whether the table holds no report.
    pub fn is_empty(&self) -> bool {
        self.reports == 0
    }

    /// Every report, ordered by facility id, then the whole facility before its levels.
    ///
    /// ```
    /// use carefind::availability::{Availability, Update};
    ///
    /// let at = jiff::Timestamp::UNIX_EPOCH;
    /// let table = Availability::new().with([Update::new("b", at), Update::new("a", at)]).table;
    /// let ids: Vec<&str> = table.iter().map(|u| u.id.as_str()).collect();
    /// assert_eq!(ids, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Update> {
        let mut all: Vec<&Update> = self
            .shards
            .iter()
            .flat_map(|s| s.values())
            .flat_map(|held| &held.reports)
            .collect();
        all.sort_by(|a, b| {
            (&a.id, a.care.map(|c| c as usize + 1)).cmp(&(&b.id, b.care.map(|c| c as usize + 1)))
        });
        all.into_iter()
    }

    /// The report a search shows for `facility` when it wants the levels `care` (empty:
    /// any) and has `need`: the best of its fresh reports that meet the need (accepting
    /// first, then the most beds open, then the latest), or `None` when none does.
    ///
    /// ```
    /// use carefind::availability::{Availability, Need, Update};
    /// use carefind::{CareLevel, CareSet, Facility, LatLon};
    ///
    /// let mut facility = Facility::new("f1", "F", LatLon::new(40.0, -75.0).unwrap());
    /// facility.care = "residential-detox;residential-short".parse().unwrap();
    /// let now: jiff::Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    /// let mut whole = Update::new("f1", now);
    /// whole.accepting = Some(false);
    /// let mut detox = Update::new("f1", now);
    /// detox.care = Some(CareLevel::ResidentialDetox);
    /// detox.accepting = Some(true);
    /// let table = Availability::new().with([whole, detox]).table;
    ///
    /// let need = Need::at(now).accepting();
    /// let wants_detox = CareSet::from(CareLevel::ResidentialDetox);
    /// assert!(table.shown(&facility, wants_detox, &need).is_some());
    /// // Residential has no report of its own; the whole facility's says no.
    /// let wants_residential = CareSet::from(CareLevel::ResidentialShort);
    /// assert!(table.shown(&facility, wants_residential, &need).is_none());
    /// ```
    pub fn shown<'f>(
        &self,
        facility: impl Into<FacilityRef<'f>>,
        care: CareSet,
        need: &Need,
    ) -> Option<&Update> {
        let facility = facility.into();
        let reports = self.reports(facility.id());
        if reports.is_empty() {
            return None;
        }
        let whole = reports
            .iter()
            .find(|report| report.care.is_none() && need.is_fresh(report));
        let of_level = |level: CareLevel| {
            reports
                .iter()
                .find(|report| report.care == Some(level) && need.is_fresh(report))
                .or(whole)
        };
        let candidates: Vec<&Update> = if care.is_empty() {
            reports
                .iter()
                .filter(|report| need.is_fresh(report))
                .collect()
        } else {
            (care & facility.care())
                .iter()
                .filter_map(of_level)
                .collect()
        };
        candidates
            .into_iter()
            .filter(|report| need.is_met_by(report))
            .max_by_key(|report| {
                (
                    report.accepting == Some(true),
                    report.beds_available,
                    report.updated_at,
                    std::cmp::Reverse(report.care.map(|c| c as usize)),
                )
            })
    }

    /// How `facility`'s fresh reports answer `need` for the levels `care` (see [`Need`]):
    /// whether one meets it (what [`Availability::shown`] decides, without choosing among
    /// the reports), none does, or the data does not say.
    ///
    /// ```
    /// use carefind::availability::{Availability, Judgement, Need, Update};
    /// use carefind::{CareLevel, CareSet, Facility, LatLon};
    ///
    /// let mut facility = Facility::new("f1", "F", LatLon::new(40.0, -75.0).unwrap());
    /// facility.care = "residential-detox;iop".parse().unwrap();
    /// let now: jiff::Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    /// let mut detox = Update::new("f1", now);
    /// detox.care = Some(CareLevel::ResidentialDetox);
    /// detox.accepting = Some(false);
    /// let table = Availability::new().with([detox]).table;
    /// let need = Need::at(now).accepting();
    ///
    /// let detox_only = CareSet::from(CareLevel::ResidentialDetox);
    /// assert_eq!(table.judge(&facility, detox_only, &need), Judgement::Fails);
    /// // IOP has no report: it may be taking people.
    /// assert_eq!(table.judge(&facility, facility.care, &need), Judgement::Unknown);
    /// ```
    pub fn judge<'f>(
        &self,
        facility: impl Into<FacilityRef<'f>>,
        care: CareSet,
        need: &Need,
    ) -> Judgement {
        let facility = facility.into();
        judge(self.reports(facility.id()), facility, care, need)
    }

    /// The latest report for `facility` at any age, for the levels `care` it offers (or
    /// the whole facility; any level when `care` is empty): what a page shows as "last
    /// reported 5 days ago" when no fresh report counts.
    ///
    /// ```
    /// use carefind::availability::{Availability, Update};
    /// use carefind::{CareSet, Facility, LatLon};
    ///
    /// let facility = Facility::new("f1", "F", LatLon::new(40.0, -75.0).unwrap());
    /// let old = Update::new("f1", "2026-01-01T00:00:00Z".parse().unwrap());
    /// let table = Availability::new().with([old.clone()]).table;
    /// assert_eq!(table.latest(&facility, CareSet::EMPTY), Some(&old));
    /// ```
    pub fn latest<'f>(
        &self,
        facility: impl Into<FacilityRef<'f>>,
        care: CareSet,
    ) -> Option<&Update> {
        let facility = facility.into();
        let wanted = care & facility.care();
        self.reports(facility.id())
            .iter()
            .filter(|report| {
                care.is_empty() || report.care.is_none_or(|level| wanted.contains(level))
            })
            .max_by_key(|report| report.updated_at)
    }
}

/// FNV-1a, as a `Hasher` for the shards' maps.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = FNV_OFFSET;
        }
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(FNV_PRIME);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// The shard of an id: FNV-1a, fixed so that a table's layout does not depend on the run.
fn shard_of(id: &str) -> usize {
    let hash = id.bytes().fold(FNV_OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
    });
    // The top bits: the maps inside a shard use the low ones.
    (hash >> 58) as usize % SHARDS
}

/// How `reports` (all of `facility`'s, from one table) answer `need` for the levels `care`:
/// [`Availability::judge`], for a search that found them by the facility's position.
pub(crate) fn judge(
    reports: &[Update],
    facility: FacilityRef<'_>,
    care: CareSet,
    need: &Need,
) -> Judgement {
    if !need.asks_anything() {
        return Judgement::Meets;
    }
    if reports.is_empty() {
        return Judgement::Unknown;
    }
    let since = need.fresh_since();
    if care.is_empty() {
        let mut fresh = reports.iter().filter(|report| report.updated_at >= since);
        let Some(first) = fresh.next() else {
            return Judgement::Unknown;
        };
        return match std::iter::once(first)
            .chain(fresh)
            .any(|report| need.meets_since(since, report))
        {
            true => Judgement::Meets,
            false => Judgement::Fails,
        };
    }
    let whole = reports
        .iter()
        .find(|report| report.care.is_none() && report.updated_at >= since);
    let mut unknown = false;
    for level in (care & facility.care()).iter() {
        match reports
            .iter()
            .find(|report| report.care == Some(level) && report.updated_at >= since)
            .or(whole)
        {
            Some(report) if need.meets_since(since, report) => return Judgement::Meets,
            Some(_) => {}
            None => unknown = true,
        }
    }
    match unknown {
        true => Judgement::Unknown,
        false => Judgement::Fails,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: &str, care: Option<CareLevel>, minute: i64) -> Update {
        let mut update = Update::new(id, jiff::Timestamp::from_second(minute * 60).unwrap());
        update.care = care;
        update.wait_days = Some(minute as u32);
        update
    }

    #[test]
    fn the_later_report_wins_whatever_the_order_and_the_old_table_is_unchanged() {
        let first = Availability::new().with([at("a", None, 5), at("b", None, 1)]);
        let second = first.table.with([
            at("a", None, 4),
            at("a", Some(CareLevel::Iop), 1),
            at("b", None, 1),
        ]);
        assert_eq!((second.applied, second.stale), (2, 1));
        assert_eq!(second.table.len(), 3);
        assert_eq!(second.table.reports("a")[0].wait_days, Some(5));
        assert_eq!(first.table.len(), 2);
        assert_eq!(first.table.reports("a").len(), 1);
    }
}
