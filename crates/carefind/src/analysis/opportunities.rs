//! How much care is within reach, and how far the first of it is, measured as R's
//! `accessibility` package measures them over a travel matrix: the cost to the closest
//! `n` opportunities (`cost_to_closest`), the opportunities within a cutoff
//! (`cumulative_cutoff`) and their median or mean over every cutoff of an interval
//! (`cumulative_interval`, which steadies a measure that jumps at an arbitrary cutoff).
//!
//! An opportunity is a facility's supply: 1 each, or its beds or slots. The costs are
//! whatever the caller measured ([`Cost`]: metres, drive seconds, transit seconds); a
//! pair is within a cutoff when its cost is *at or below* it, as in `accessibility`.
//!
//! ```
//! use carefind::analysis::access::Cost;
//! use carefind::analysis::opportunities::{closest, cumulative};
//!
//! let costs = [
//!     Cost { origin: 0, facility: 0, cost: 12.0 },
//!     Cost { origin: 0, facility: 1, cost: 30.0 },
//! ];
//! let supply = [1.0, 2.0];
//! assert_eq!(closest(&costs, 1, &supply, 2.0), vec![Some(30.0)]);
//! assert_eq!(cumulative(&costs, 1, &supply, 20.0), vec![1.0]);
//! ```

use std::fmt;

use crate::analysis::access::Cost;

/// For each of `origins` origins, the least cost at which the supply of the facilities
/// reached adds up to `n` (the cost of the `n`-th closest facility when each supplies 1);
/// `None` where the costs given never reach `n`. Pairs naming an origin or facility out
/// of range are ignored.
///
/// ```
/// use carefind::analysis::access::Cost;
/// use carefind::analysis::opportunities::closest;
///
/// let costs = [
///     Cost { origin: 0, facility: 0, cost: 5.0 },
///     Cost { origin: 0, facility: 1, cost: 3.0 },
///     Cost { origin: 1, facility: 0, cost: 8.0 },
/// ];
/// assert_eq!(closest(&costs, 2, &[1.0, 1.0], 1.0), vec![Some(3.0), Some(8.0)]);
/// assert_eq!(closest(&costs, 2, &[1.0, 1.0], 2.0), vec![Some(5.0), None]);
/// ```
pub fn closest(costs: &[Cost], origins: usize, supply: &[f64], n: f64) -> Vec<Option<f64>> {
    let mut by_origin = by_origin(costs, origins, supply.len());
    by_origin
        .iter_mut()
        .map(|pairs| {
            pairs.sort_by(|a, b| a.1.total_cmp(&b.1));
            let mut reached = 0.0;
            pairs
                .iter()
                .find(|(facility, _)| {
                    reached += supply[*facility as usize];
                    reached >= n
                })
                .map(|(_, cost)| *cost)
        })
        .collect()
}

/// For each of `origins` origins, the supply of the facilities whose cost is at most
/// `cutoff`.
///
/// ```
/// use carefind::analysis::access::Cost;
/// use carefind::analysis::opportunities::cumulative;
///
/// let costs = [Cost { origin: 1, facility: 0, cost: 20.0 }];
/// assert_eq!(cumulative(&costs, 2, &[3.0], 20.0), vec![0.0, 3.0]);
/// ```
pub fn cumulative(costs: &[Cost], origins: usize, supply: &[f64], cutoff: f64) -> Vec<f64> {
    let mut reached = vec![0.0; origins];
    for cost in in_range(costs, origins, supply.len()) {
        if cost.cost <= cutoff {
            reached[cost.origin as usize] += supply[cost.facility as usize];
        }
    }
    reached
}

/// How [`cumulative_interval`] sums up the measures of its cutoffs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Summary {
    /// The middle one (the mean of the middle two for an even count), as `accessibility`
    /// does by default.
    #[default]
    Median,
    /// The mean.
    Mean,
}

/// An interval that is not one.
#[derive(Clone, Debug, PartialEq)]
pub struct IntervalError {
    /// The interval's start.
    pub from: f64,
    /// Its end.
    pub to: f64,
    /// Its step.
    pub step: f64,
}

impl fmt::Display for IntervalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the interval from {} to {} by {} is not one: it needs 0 ≤ from < to, a step above 0 and at most 100,000 cutoffs",
            self.from, self.to, self.step
        )
    }
}

impl std::error::Error for IntervalError {}

/// For each of `origins` origins, the [`Summary`] over the cutoffs `from`, `from + step`,
/// … up to `to` (included when a step lands on it) of [`cumulative`].
///
/// ```
/// use carefind::analysis::access::Cost;
/// use carefind::analysis::opportunities::{Summary, cumulative_interval};
///
/// let costs = [
///     Cost { origin: 0, facility: 0, cost: 11.0 },
///     Cost { origin: 0, facility: 1, cost: 13.0 },
/// ];
/// // Cutoffs 10..=14: 0, 1, 1, 2, 2 facilities.
/// let median = cumulative_interval(&costs, 1, &[1.0, 1.0], (10.0, 14.0, 1.0), Summary::Median)?;
/// assert_eq!(median, vec![1.0]);
/// let mean = cumulative_interval(&costs, 1, &[1.0, 1.0], (10.0, 14.0, 1.0), Summary::Mean)?;
/// assert_eq!(mean, vec![1.2]);
/// # Ok::<(), carefind::analysis::opportunities::IntervalError>(())
/// ```
pub fn cumulative_interval(
    costs: &[Cost],
    origins: usize,
    supply: &[f64],
    (from, to, step): (f64, f64, f64),
    summary: Summary,
) -> Result<Vec<f64>, IntervalError> {
    let cutoffs = cutoffs(from, to, step).ok_or(IntervalError { from, to, step })?;
    let mut by_origin = by_origin(costs, origins, supply.len());
    Ok(by_origin
        .iter_mut()
        .map(|pairs| {
            pairs.sort_by(|a, b| a.1.total_cmp(&b.1));
            // One walk up the sorted pairs gives the supply within every cutoff in turn.
            let mut measures = Vec::with_capacity(cutoffs.len());
            let (mut next, mut reached) = (0, 0.0);
            for cutoff in &cutoffs {
                while let Some((facility, _)) = pairs.get(next).filter(|(_, c)| c <= cutoff) {
                    reached += supply[*facility as usize];
                    next += 1;
                }
                measures.push(reached);
            }
            summarize(&measures, summary)
        })
        .collect())
}

/// The cutoffs of an interval, from its start by its step, the end included when a step
/// lands on it (within rounding).
fn cutoffs(from: f64, to: f64, step: f64) -> Option<Vec<f64>> {
    let sane = from.is_finite() && to.is_finite() && step.is_finite();
    if !sane || from < 0.0 || to <= from || step <= 0.0 {
        return None;
    }
    let steps = ((to - from) / step + 1e-9).floor();
    if steps > 100_000.0 {
        return None;
    }
    Some(
        (0..=steps as usize)
            .map(|i| from + i as f64 * step)
            .collect(),
    )
}

/// The median or mean of measures in ascending order (a cumulative measure only grows).
fn summarize(ascending: &[f64], summary: Summary) -> f64 {
    let n = ascending.len();
    match summary {
        Summary::Mean => ascending.iter().sum::<f64>() / n as f64,
        Summary::Median if n % 2 == 1 => ascending[n / 2],
        Summary::Median => (ascending[n / 2 - 1] + ascending[n / 2]) / 2.0,
    }
}

/// The pairs naming an origin and facility in range.
fn in_range(costs: &[Cost], origins: usize, facilities: usize) -> impl Iterator<Item = &Cost> {
    costs
        .iter()
        .filter(move |c| (c.origin as usize) < origins && (c.facility as usize) < facilities)
}

/// Each origin's (facility, cost) pairs.
fn by_origin(costs: &[Cost], origins: usize, facilities: usize) -> Vec<Vec<(u32, f64)>> {
    let mut by_origin = vec![Vec::new(); origins];
    for cost in in_range(costs, origins, facilities) {
        by_origin[cost.origin as usize].push((cost.facility, cost.cost));
    }
    by_origin
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pairs() -> impl Strategy<Value = (Vec<Cost>, Vec<f64>)> {
        (1usize..6, 1usize..8).prop_flat_map(|(origins, facilities)| {
            (
                prop::collection::vec(
                    (0..origins as u32, 0..facilities as u32, 0u32..60).prop_map(
                        |(origin, facility, cost)| Cost {
                            origin,
                            facility,
                            cost: cost as f64,
                        },
                    ),
                    0..30,
                ),
                prop::collection::vec((0u32..4).prop_map(f64::from), facilities),
            )
        })
    }

    proptest! {
        /// Against the definitions read literally: the least cost c such that the supply
        /// at or below c is at least n; the interval's median of the cumulative measure.
        #[test]
        fn measures_equal_their_definitions((costs, supply) in pairs(), n in 1u32..5) {
            let origins = 6;
            let at = |origin: u32, cutoff: f64| -> f64 {
                costs.iter().filter(|c| c.origin == origin && c.cost <= cutoff)
                    .map(|c| supply[c.facility as usize]).sum()
            };
            let ours = closest(&costs, origins, &supply, n as f64);
            for origin in 0..origins as u32 {
                let expected = costs.iter().filter(|c| c.origin == origin)
                    .map(|c| c.cost)
                    .filter(|&c| at(origin, c) >= n as f64)
                    .min_by(f64::total_cmp);
                prop_assert_eq!(ours[origin as usize], expected);
                prop_assert_eq!(cumulative(&costs, origins, &supply, 30.0)[origin as usize], at(origin, 30.0));
                let mut all: Vec<f64> = (10..=41).map(|c| at(origin, c as f64)).collect();
                all.sort_by(f64::total_cmp);
                let median = (all[15] + all[16]) / 2.0;
                let interval = cumulative_interval(&costs, origins, &supply, (10.0, 41.0, 1.0), Summary::Median).unwrap();
                prop_assert_eq!(interval[origin as usize], median);
            }
        }
    }

    #[test]
    fn intervals_that_are_not_are_refused() {
        for (from, to, step) in [
            (10.0, 5.0, 1.0),
            (-1.0, 5.0, 1.0),
            (0.0, 5.0, 0.0),
            (0.0, 1e9, 1.0),
        ] {
            assert!(cumulative_interval(&[], 1, &[], (from, to, step), Summary::Mean).is_err());
        }
        assert_eq!(cutoffs(0.0, 0.3, 0.1).map(|c| c.len()), Some(4));
    }
}
