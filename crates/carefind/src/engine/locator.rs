//! A dataset that can be replaced while it is being queried.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::availability::Availability;
use crate::index::Index;

/// A handle to the current [`Index`], shared by every thread that answers queries, whose
/// dataset can be swapped at any time.
///
/// Reading takes no lock: [`Locator::index`] hands out an `Arc` of the index current at
/// that moment, and a query runs to the end on it, whatever is swapped in meanwhile. The
/// old index is freed when its last query ends.
///
/// ```
/// use std::sync::Arc;
/// use carefind::{CareLevel, Index, LatLon, Locator, Query};
///
/// let locator = Arc::new(Locator::new(Index::sample()));
/// let origin = LatLon::new(40.75, -73.99)?;
///
/// let before = locator.index(); // a query in flight holds this
/// let old = locator.replace(Index::new(vec![])?);
/// assert_eq!(before.search(&Query::nearest(origin, 3))?.len(), 3);
/// assert!(Arc::ptr_eq(&before, &old));
/// assert!(locator.index().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Availability is held beside the index the same way: an immutable
/// [`Availability`] table, replaced as a whole as updates arrive.
#[derive(Debug)]
pub struct Locator {
    current: ArcSwap<Index>,
    availability: ArcSwap<Availability>,
}

impl Locator {
    /// A locator over `index`.
    pub fn new(index: Index) -> Self {
        Locator {
            current: ArcSwap::from_pointee(index),
            availability: ArcSwap::from_pointee(Availability::new()),
        }
    }

    /// The current index; queries on it finish on it even if another is swapped in.
    pub fn index(&self) -> Arc<Index> {
        self.current.load_full()
    }

    /// Makes `index` current and returns the one it replaces. Build and
    /// [`warm_up`](Index::warm_up) the new index first, so no query waits for its trees.
    pub fn replace(&self, index: Index) -> Arc<Index> {
        self.current.swap(Arc::new(index))
    }

    /// The current availability table (empty until one is set); like the index, a query
    /// holding it sees one version to the end.
    ///
    /// ```
    /// use carefind::availability::{Availability, Update};
    /// use carefind::{Index, Locator};
    ///
    /// let locator = Locator::new(Index::sample());
    /// assert!(locator.availability().is_empty());
    /// let update = Update::new("anything", jiff::Timestamp::now());
    /// let next = locator.availability().with([update]).table;
    /// locator.replace_availability(next);
    /// assert_eq!(locator.availability().len(), 1);
    /// ```
    pub fn availability(&self) -> Arc<Availability> {
        self.availability.load_full()
    }

    /// Makes `table` the current availability and returns the one it replaces. Writers
    /// that apply updates concurrently must take turns (one writer thread, or a lock
    /// around read-apply-replace), or one's updates could replace the other's.
    pub fn replace_availability(&self, table: Availability) -> Arc<Availability> {
        self.availability.swap(Arc::new(table))
    }
}

impl From<Index> for Locator {
    fn from(index: Index) -> Self {
        Locator::new(index)
    }
}
