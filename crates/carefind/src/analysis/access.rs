//! How much care per person is within reach: the two-step floating catchment area (2SFCA,
//! Luo and Wang 2003), its distance-decay form (E2SFCA, Luo and Qi 2009) and the
//! three-step form that shares each person's demand among the facilities they could
//! choose (3SFCA, Wan, Zou and Sternberg 2012), as pysal's `access` package computes them.
//!
//! For each facility `j`, its supply over the weighted demand in its catchment:
//! `R_j = S_j / Σ_i W(c_ij) P_i`; for each origin `i`, the weighted sum of the ratios of
//! the facilities in its catchment: `A_i = Σ_j W(c_ij) R_j`. A pair is in the catchment
//! when its cost is *below* the catchment (strictly, as in pysal). The costs are whatever
//! the caller measured: great-circle metres, drive seconds on a network, or minutes by
//! transit.
//!
//! 3SFCA adds a selection weight `G_ij = W(c_ij) / Σ_k W(c_ik)` over the facilities `k` in
//! origin `i`'s catchment, so a person near many facilities is not counted in full at each:
//! `R_j = S_j / Σ_i G_ij W(c_ij) P_i` and `A_i = Σ_j G_ij W(c_ij) R_j`.
//!
//! ```
//! use carefind::analysis::access::{Cost, Decay, two_step};
//!
//! // Two origins of 100 and 300 people, one facility of 2 beds reached by both.
//! let costs = [Cost { origin: 0, facility: 0, cost: 5.0 }, Cost { origin: 1, facility: 0, cost: 9.0 }];
//! let access = two_step(&costs, &[100.0, 300.0], &[2.0], 10.0, &Decay::None);
//! assert_eq!(access.ratio[0], Some(2.0 / 400.0));
//! assert_eq!(access.score, vec![Some(0.005), Some(0.005)]);
//! ```

use std::fmt;
use std::str::FromStr;

/// The cost of reaching one facility from one origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cost {
    /// The origin's number.
    pub origin: u32,
    /// The facility's number.
    pub facility: u32,
    /// Metres, seconds: the unit of the catchment.
    pub cost: f64,
}

/// How the weight of a pair falls with its cost.
#[derive(Clone, Debug, PartialEq)]
pub enum Decay {
    /// 1 everywhere in the catchment (plain 2SFCA).
    None,
    /// Steps: the weight of the first threshold at or above the cost, 0 beyond the last
    /// (pysal's `step_fn`).
    Step(Vec<(f64, f64)>),
    /// `exp(-c² / 2σ²)` (pysal's `gaussian`).
    Gaussian {
        /// The width, in the unit of the costs.
        sigma: f64,
    },
}

impl Decay {
    /// The weight of a pair of cost `cost`.
    ///
    /// ```
    /// use carefind::analysis::access::Decay;
    /// let step = Decay::Step(vec![(20.0, 1.0), (40.0, 0.68), (60.0, 0.22)]);
    /// assert_eq!((step.weight(20.0), step.weight(30.0), step.weight(70.0)), (1.0, 0.68, 0.0));
    /// assert!((Decay::Gaussian { sigma: 20.0 }.weight(20.0) - 0.6065306597126334).abs() < 1e-15);
    /// ```
    pub fn weight(&self, cost: f64) -> f64 {
        match self {
            Decay::None => 1.0,
            Decay::Step(steps) => steps
                .iter()
                .find(|(up_to, _)| cost <= *up_to)
                .map_or(0.0, |(_, weight)| *weight),
            Decay::Gaussian { sigma } => (-cost * cost / (2.0 * sigma * sigma)).exp(),
        }
    }

    /// The decay with its thresholds or width multiplied by `factor` (minutes to
    /// seconds, miles to metres).
    pub fn scaled(&self, factor: f64) -> Decay {
        match self {
            Decay::None => Decay::None,
            Decay::Step(steps) => {
                Decay::Step(steps.iter().map(|(t, w)| (t * factor, *w)).collect())
            }
            Decay::Gaussian { sigma } => Decay::Gaussian {
                sigma: sigma * factor,
            },
        }
    }
}

/// A decay that is not one: the text and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecayError(String);

impl fmt::Display for DecayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecayError {}

impl FromStr for Decay {
    type Err = DecayError;

    /// `none`, `gaussian:SIGMA`, or `step:T1=W1,T2=W2,...` (thresholds ascending).
    ///
    /// ```
    /// use carefind::analysis::access::Decay;
    /// assert_eq!("step:10=1,20=0.68".parse::<Decay>().unwrap(), Decay::Step(vec![(10.0, 1.0), (20.0, 0.68)]));
    /// assert!("gaussian:0".parse::<Decay>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Decay, DecayError> {
        let bad = |why: &str| {
            DecayError(format!(
                "{text:?} {why}: use none, gaussian:SIGMA or step:10=1,20=0.68,30=0.22"
            ))
        };
        let text = text.trim();
        if text.eq_ignore_ascii_case("none") {
            return Ok(Decay::None);
        }
        if let Some(sigma) = text.strip_prefix("gaussian:") {
            let sigma: f64 = sigma.trim().parse().map_err(|_| bad("has no width"))?;
            if !(sigma > 0.0 && sigma.is_finite()) {
                return Err(bad("needs a width above 0"));
            }
            return Ok(Decay::Gaussian { sigma });
        }
        let steps = text
            .strip_prefix("step:")
            .ok_or_else(|| bad("is not a decay"))?;
        let mut parsed = Vec::new();
        for step in steps.split(',') {
            let (threshold, weight) = step
                .split_once('=')
                .ok_or_else(|| bad("has a step without =weight"))?;
            let threshold: f64 = threshold
                .trim()
                .parse()
                .map_err(|_| bad("has a threshold that is not a number"))?;
            let weight: f64 = weight
                .trim()
                .parse()
                .map_err(|_| bad("has a weight that is not a number"))?;
            if weight < 0.0 || !weight.is_finite() || !threshold.is_finite() {
                return Err(bad("has a negative weight"));
            }
            parsed.push((threshold, weight));
        }
        if parsed.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(bad("has thresholds out of order"));
        }
        Ok(Decay::Step(parsed))
    }
}

/// Access scores, and each facility's supply-to-demand ratio.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoStep {
    /// Each origin's score; `None` where no facility is in its catchment.
    pub score: Vec<Option<f64>>,
    /// Each facility's ratio; `None` where no demand is in its catchment.
    pub ratio: Vec<Option<f64>>,
}

/// The 2SFCA (E2SFCA with a decay) scores of `demand.len()` origins from
/// `supply.len()` facilities, over the `costs` measured between them.
pub fn two_step(
    costs: &[Cost],
    demand: &[f64],
    supply: &[f64],
    catchment: f64,
    decay: &Decay,
) -> TwoStep {
    let inside = within(costs, demand.len(), supply.len(), catchment, decay);
    floating_catchment(&inside, demand, supply)
}

/// The 3SFCA scores of `demand.len()` origins from `supply.len()` facilities: as
/// [`two_step`], with each pair's weight multiplied by its origin's selection weight
/// (the pair's share of the weights of every facility in the origin's catchment). An
/// origin whose pairs all weigh 0 selects nothing and has no score.
///
/// ```
/// use carefind::analysis::access::{Cost, Decay, three_step};
///
/// // Origin 0 (100 people) reaches both facilities; origin 1 (300) only facility 1.
/// let costs = [
///     Cost { origin: 0, facility: 0, cost: 1.0 },
///     Cost { origin: 0, facility: 1, cost: 1.0 },
///     Cost { origin: 1, facility: 1, cost: 1.0 },
/// ];
/// let access = three_step(&costs, &[100.0, 300.0], &[1.0, 1.0], 10.0, &Decay::None);
/// // Half of origin 0 chooses each facility: facility 0 serves 50 people, facility 1 350.
/// assert_eq!(access.ratio, vec![Some(1.0 / 50.0), Some(1.0 / 350.0)]);
/// assert_eq!(access.score[1], Some(1.0 / 350.0));
/// ```
pub fn three_step(
    costs: &[Cost],
    demand: &[f64],
    supply: &[f64],
    catchment: f64,
    decay: &Decay,
) -> TwoStep {
    let inside = within(costs, demand.len(), supply.len(), catchment, decay);
    let mut selected = vec![0.0; demand.len()];
    for (cost, weight) in &inside {
        selected[cost.origin as usize] += weight;
    }
    // Each pair's weight times its selection weight (every pair left weighs above 0, so
    // its origin's sum does too).
    let chosen: Vec<(Cost, f64)> = inside
        .into_iter()
        .map(|(cost, weight)| (cost, weight * weight / selected[cost.origin as usize]))
        .collect();
    floating_catchment(&chosen, demand, supply)
}

/// The pairs inside the catchment with their decay weights, numbers in range. A pair
/// the decay weighs 0 carries nothing: kept, it would give its facility a demand of 0
/// and a ratio of infinity.
fn within(
    costs: &[Cost],
    origins: usize,
    facilities: usize,
    catchment: f64,
    decay: &Decay,
) -> Vec<(Cost, f64)> {
    costs
        .iter()
        .filter(|c| {
            c.cost < catchment
                && (c.origin as usize) < origins
                && (c.facility as usize) < facilities
        })
        .map(|c| (*c, decay.weight(c.cost)))
        .filter(|(_, weight)| *weight > 0.0)
        .collect()
}

/// The two steps over weighted pairs: each facility's supply over the weighted demand
/// that reaches it, then each origin's weighted sum of the ratios it reaches.
fn floating_catchment(pairs: &[(Cost, f64)], demand: &[f64], supply: &[f64]) -> TwoStep {
    let mut weighted_demand = vec![None; supply.len()];
    for (cost, weight) in pairs {
        let sum: &mut Option<f64> = &mut weighted_demand[cost.facility as usize];
        *sum = Some(sum.unwrap_or(0.0) + weight * demand[cost.origin as usize]);
    }
    let ratio: Vec<Option<f64>> = weighted_demand
        .iter()
        .zip(supply)
        .map(|(demand, supply)| demand.map(|demand| supply / demand))
        .collect();
    let mut score = vec![None; demand.len()];
    for (cost, weight) in pairs {
        if let Some(ratio) = ratio[cost.facility as usize] {
            let sum: &mut Option<f64> = &mut score[cost.origin as usize];
            *sum = Some(sum.unwrap_or(0.0) + weight * ratio);
        }
    }
    TwoStep { score, ratio }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// 3SFCA against Wan, Zou and Sternberg's formulas read literally, pair by pair.
        #[test]
        fn three_step_equals_its_formulas(
            raw in prop::collection::vec((0u32..4, 0u32..5, 0u32..40), 0..25),
            demand in prop::collection::vec(1u32..500, 4),
            supply in prop::collection::vec(0u32..5, 5),
        ) {
            let costs: Vec<Cost> = raw.iter().map(|&(origin, facility, cost)| Cost { origin, facility, cost: cost as f64 }).collect();
            let demand: Vec<f64> = demand.into_iter().map(f64::from).collect();
            let supply: Vec<f64> = supply.into_iter().map(f64::from).collect();
            let decay = Decay::Step(vec![(10.0, 1.0), (20.0, 0.5), (25.0, 0.0), (30.0, 0.25)]);
            let catchment = 30.0;
            let inside: Vec<&Cost> = costs.iter().filter(|c| c.cost < catchment).collect();
            let w = |c: &Cost| decay.weight(c.cost);
            let g = |c: &Cost| {
                let all: f64 = inside.iter().filter(|k| k.origin == c.origin).map(|k| w(k)).sum();
                if all > 0.0 { w(c) / all } else { 0.0 }
            };
            let ours = three_step(&costs, &demand, &supply, catchment, &decay);
            for j in 0..5u32 {
                let serves: Vec<&&Cost> = inside.iter().filter(|c| c.facility == j && g(c) > 0.0).collect();
                let weighted: f64 = serves.iter().map(|c| g(c) * w(c) * demand[c.origin as usize]).sum();
                let expected = (!serves.is_empty()).then(|| supply[j as usize] / weighted);
                match (ours.ratio[j as usize], expected) {
                    (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0)),
                    (a, b) => prop_assert_eq!(a, b),
                }
            }
            for i in 0..4u32 {
                let reaches: Vec<&&Cost> = inside.iter().filter(|c| c.origin == i && g(c) > 0.0).collect();
                let expected = (!reaches.is_empty()).then(|| reaches.iter().map(|c| g(c) * w(c) * ours.ratio[c.facility as usize].unwrap_or(0.0)).sum::<f64>());
                match (ours.score[i as usize], expected) {
                    (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0)),
                    (a, b) => prop_assert_eq!(a, b),
                }
            }
        }
    }
}
