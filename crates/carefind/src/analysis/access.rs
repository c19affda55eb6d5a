//! How much care per person is within reach: the two-step floating catchment area (2SFCA,
//! Luo and Wang 2003) and its distance-decay form (E2SFCA, Luo and Qi 2009), as pysal's
//! `access` package computes them.
//!
//! For each facility `j`, its supply over the weighted demand in its catchment:
//! `R_j = S_j / Σ_i W(c_ij) P_i`; for each origin `i`, the weighted sum of the ratios of
//! the facilities in its catchment: `A_i = Σ_j W(c_ij) R_j`. A pair is in the catchment
//! when its cost is *below* the catchment (strictly, as in pysal). The costs are whatever
//! the caller measured: great-circle metres, or drive seconds on a network.
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
    let inside: Vec<(Cost, f64)> = costs
        .iter()
        .filter(|c| {
            c.cost < catchment
                && (c.origin as usize) < demand.len()
                && (c.facility as usize) < supply.len()
        })
        .map(|c| (*c, decay.weight(c.cost)))
        .collect();
    let mut weighted_demand = vec![None; supply.len()];
    for (cost, weight) in &inside {
        let sum: &mut Option<f64> = &mut weighted_demand[cost.facility as usize];
        *sum = Some(sum.unwrap_or(0.0) + weight * demand[cost.origin as usize]);
    }
    let ratio: Vec<Option<f64>> = weighted_demand
        .iter()
        .zip(supply)
        .map(|(demand, supply)| demand.map(|demand| supply / demand))
        .collect();
    let mut score = vec![None; demand.len()];
    for (cost, weight) in &inside {
        if let Some(ratio) = ratio[cost.facility as usize] {
            let sum: &mut Option<f64> = &mut score[cost.origin as usize];
            *sum = Some(sum.unwrap_or(0.0) + weight * ratio);
        }
    }
    TwoStep { score, ratio }
}
