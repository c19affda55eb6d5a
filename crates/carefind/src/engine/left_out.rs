//! What a search leaves out because the data does not say: unknown is not "no".

use serde::Serialize;

use crate::error::QueryError;
use crate::index::Index;
use crate::query::Query;

/// How many facilities a search left out only because the data does not say whether they
/// meet it, by reason: they match everything else it asks, and a person can call to ask.
///
/// A front end shows these beside the results ("12 programs near you have not reported
/// openings recently: call to ask"), never "nothing found". Each count is of facilities
/// inside the search's area and distance, whatever its page, cursor or limit.
///
/// ```
/// use std::sync::Arc;
/// use carefind::availability::{Availability, Need};
/// use carefind::{CareLevel, Distance, Filter, Index, LatLon, Query};
///
/// let index = Index::sample();
/// let origin = LatLon::new(40.75, -73.99)?;
/// let residential = Filter::new().care(CareLevel::ResidentialShort);
/// let nobody_reported = Arc::new(Availability::new());
/// let accepting = residential.clone().available(nobody_reported, Need::now().accepting());
/// let query = Query::within(origin, Distance::from_miles(25.0));
///
/// assert_eq!(index.count(&query.clone().filter(accepting.clone()))?, 0);
/// let left_out = index.left_out(&query.clone().filter(accepting))?;
/// assert_eq!(left_out.availability_unknown, index.count(&query.filter(residential))?);
/// assert!(left_out.availability_unknown > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct LeftOut {
    /// Left out by an availability filter (accepting, open beds, a longest wait) while no
    /// fresh report says either way.
    pub availability_unknown: usize,
    /// Left out by a time filter (open now, evenings...) while their hours are not listed.
    pub hours_unknown: usize,
    /// Left out by a getting-in filter (walk-in, same-day medication, no counseling
    /// requirement) while the listing does not say.
    pub getting_in_unknown: usize,
}

impl LeftOut {
    /// Every facility left out for want of data, whatever the reason (a facility left out
    /// for two reasons counts under each).
    ///
    /// ```
    /// assert_eq!(carefind::LeftOut::default().total(), 0);
    /// ```
    pub fn total(&self) -> usize {
        self.availability_unknown + self.hours_unknown + self.getting_in_unknown
    }

    /// Whether nothing was left out for want of data.
    ///
    /// ```
    /// assert!(carefind::LeftOut::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }
}

impl Index {
    /// What `query` leaves out because the data does not say (see [`LeftOut`]): counted
    /// over its whole area and distance, as [`Index::count`] counts its matches.
    pub fn left_out(&self, query: &Query) -> Result<LeftOut, QueryError> {
        let count = |filter: Option<crate::Filter>| match filter {
            Some(filter) => {
                let mut unknown = query.clone();
                unknown.filter = filter;
                self.count(&unknown)
            }
            None => Ok(0),
        };
        Ok(LeftOut {
            availability_unknown: count(query.filter.unknown_only())?,
            hours_unknown: count(query.filter.hours_unknown_only())?,
            getting_in_unknown: count(query.filter.getting_in_unknown_only())?,
        })
    }
}
