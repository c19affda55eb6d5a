//! Live availability: which facilities can take a person now.
//!
//! A directory says where facilities are and what they offer; availability says whether
//! they are accepting new patients, how many beds are open and how long the wait is. It
//! changes daily, comes from the facilities themselves (feeds and updates over HTTP), and
//! is kept apart from the directory:
//!
//! - [`Update`] is one report, for a whole facility or one level of care;
//! - [`Availability`] is an immutable table of the current reports, swapped as a whole
//!   (as [`Locator`](crate::Locator) swaps the index), so queries never lock;
//! - [`Need`] is what a search asks of it (accepting, open beds, a longest wait), always of
//!   fresh reports: a report older than [`Need::fresh_within`] counts as unknown, never
//!   as yes;
//! - [`Stated`] says which reports state a facility's ways in (walk-in intake, same-day
//!   medication, a counseling requirement, telehealth intake), which staff keep current
//!   as they keep beds;
//! - [`feed`] reads feeds (CSV, JSON, NDJSON), checking every row;
//! - [`compliance`] says whether facilities keep their reports current (Colorado's
//!   rule, or another);
//! - [`problems`] are what people searching report wrong with a listing;
//! - `store` (with the `store` feature) keeps them durably in SQLite.
//!
//! ```
//! use std::sync::Arc;
//! use carefind::availability::{Availability, Need, Update};
//! use carefind::{CareLevel, Filter, Index, LatLon, Query};
//!
//! let index = Index::sample();
//! let origin = LatLon::new(40.7506, -73.9972)?;
//! let nearest_detox = Query::nearest(origin, 1).filter(Filter::new().care(CareLevel::ResidentialDetox));
//! let id = index.search(&nearest_detox)?[0].facility.id().to_string();
//!
//! let now: jiff::Timestamp = "2026-06-01T12:00:00Z".parse()?;
//! let mut update = Update::new(&id, "2026-06-01T08:00:00Z".parse()?);
//! update.beds_available = Some(2);
//! let table = Arc::new(Availability::new().with([update]).table);
//!
//! let with_open_beds = Filter::new()
//!     .care(CareLevel::ResidentialDetox)
//!     .available(table, Need::at(now).open_beds(1));
//! let hits = index.search(&Query::nearest(origin, 1).filter(with_open_beds))?;
//! assert_eq!(hits[0].facility.id(), id);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod by_position;
pub mod compliance;
pub mod feed;
mod getting_in;
mod kept;
mod need;
pub mod problems;
#[cfg(feature = "store")]
pub mod store;
mod table;
mod update;

pub(crate) use by_position::ByPosition;
pub use getting_in::Stated;
pub use kept::{Kept, RECENT_DAYS};
pub use need::{Judgement, Need, Unknown};
pub(crate) use table::judge;
pub use table::{Applied, Availability};
pub use update::{
    CLOCK_SKEW, MAX_BEDS, MAX_LABEL_BYTES, MAX_WAIT_DAYS, Update, UpdateError, check_label,
};
