//! An accuracy audit made repeatable: a stratified random sample of listings for callers
//! to verify by phone, and the verified outcomes scored with Wilson intervals.
//!
//! Riley et al. (2024) phoned a sample of locator listings and found on average 56 % of
//! them exactly accurate. Two measures, as they defined them:
//!
//! - **exact accuracy**: every field checked is right (the phone reaches the facility, it
//!   offers the level listed, accepts the payment listed, and takes new patients as
//!   listed);
//! - **functional accuracy**: the phone reaches the facility and it offers the level: a
//!   person calling could get the care.
//!
//! A row the caller did not reach a verdict on (`reached` empty) is not counted. Each is
//! reported with a Wilson score 95 % interval, per stratum and overall; overall, strata
//! are weighted by their share of all listings (the sample drew them in proportion, but
//! rounding and unverified rows move the counts), with the interval taken at the weighted
//! estimate's effective sample size.
//!
//! ```
//! use carefind::analysis::audit::{Stratify, sample};
//! use carefind::Index;
//!
//! let index = Index::sample();
//! let drawn = sample(index.facilities(), 100, 42, Stratify::State);
//! assert_eq!(drawn.len(), 100);
//! // The same seed draws the same listings.
//! let again = sample(index.facilities(), 100, 42, Stratify::State);
//! assert!(drawn.iter().zip(&again).all(|(a, b)| a.facility.id() == b.facility.id()));
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::facility_ref::FacilityRef;

/// How listings are grouped before sampling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stratify {
    /// One group.
    None,
    /// By state.
    State,
}

impl Stratify {
    /// The stratum of `facility`.
    pub fn of(self, facility: FacilityRef<'_>) -> String {
        match self {
            Stratify::None => "all".to_string(),
            Stratify::State => facility.state().to_string(),
        }
    }
}

/// One listing drawn, with its stratum and how many listings the stratum has.
#[derive(Clone, Copy, Debug)]
pub struct Drawn<'a> {
    /// The listing.
    pub facility: FacilityRef<'a>,
    /// Its stratum's size among all listings.
    pub stratum_size: usize,
}

/// SplitMix64: fixed here (not a crate's generator, which may change between versions)
/// so that a seed draws the same sample in every carefind.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), without modulo bias.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }
}

/// A stratified random sample of `n` listings (all of them when there are fewer), drawn
/// with `seed`: strata get places in proportion to their size (largest remainders first,
/// ties to the larger stratum, then by name), and each stratum's are drawn without
/// replacement. Ordered by stratum, then as drawn.
pub fn sample<'a>(
    facilities: impl IntoIterator<Item = FacilityRef<'a>>,
    n: usize,
    seed: u64,
    stratify: Stratify,
) -> Vec<Drawn<'a>> {
    let mut strata: BTreeMap<String, Vec<FacilityRef<'a>>> = BTreeMap::new();
    for facility in facilities {
        strata
            .entry(stratify.of(facility))
            .or_default()
            .push(facility);
    }
    let total: usize = strata.values().map(Vec::len).sum();
    let n = n.min(total);
    if n == 0 {
        return Vec::new();
    }
    // Hamilton's method: whole shares, then the largest remainders.
    let mut places: Vec<(usize, u128, usize, &String)> = strata
        .iter()
        .map(|(key, members)| {
            let exact = members.len() as u128 * n as u128;
            let whole = (exact / total as u128) as usize;
            (whole, exact % total as u128, members.len(), key)
        })
        .collect();
    let left = n - places.iter().map(|p| p.0).sum::<usize>();
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by(|a, b| {
        let (a, b) = (&places[*a], &places[*b]);
        b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.3.cmp(b.3))
    });
    for at in order.into_iter().take(left) {
        places[at].0 += 1;
    }
    let takes: Vec<usize> = places.iter().map(|p| p.0).collect();
    let mut rng = SplitMix64(seed);
    let mut drawn = Vec::with_capacity(n);
    for (mut members, take) in strata.into_values().zip(takes) {
        let size = members.len();
        // A partial Fisher-Yates shuffle: the first `take` are a uniform sample.
        for i in 0..take {
            let j = i + rng.below(size - i);
            members.swap(i, j);
        }
        drawn.extend(members.into_iter().take(take).map(|facility| Drawn {
            facility,
            stratum_size: size,
        }));
    }
    drawn
}

/// What a caller found for one listing: each field yes, no or not checked (`None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The listing's stratum.
    pub stratum: String,
    /// How many listings the stratum has in all.
    pub stratum_size: usize,
    /// The phone reaches the facility.
    pub reached: Option<bool>,
    /// It offers the level of care listed.
    pub offers_level: Option<bool>,
    /// It accepts the payment listed.
    pub accepts_payment: Option<bool>,
    /// It takes new patients as listed.
    pub accepting: Option<bool>,
}

impl Outcome {
    /// Whether a verdict was reached (the call was made).
    pub fn verified(&self) -> bool {
        self.reached.is_some()
    }

    /// Every field checked is right (and the phone was checked).
    pub fn exact(&self) -> bool {
        self.reached == Some(true)
            && [self.offers_level, self.accepts_payment, self.accepting]
                .iter()
                .all(|field| *field != Some(false))
    }

    /// The phone reaches the facility and it offers the level.
    pub fn functional(&self) -> bool {
        self.reached == Some(true) && self.offers_level == Some(true)
    }
}

/// A proportion with its Wilson score 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// The share (0 to 1).
    pub share: f64,
    /// The interval's lower end.
    pub low: f64,
    /// Its upper end.
    pub high: f64,
}

/// The normal quantile of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval of `share` over `n` trials (`n` may be an effective,
/// fractional size), at the normal quantile `z`; `None` when `n` is not positive.
///
/// ```
/// use carefind::analysis::audit::{Z95, wilson};
///
/// // 56 of 100: the interval is not symmetric about the share.
/// let e = wilson(0.56, 100.0, Z95).unwrap();
/// assert!((e.low - 0.4622).abs() < 1e-4 && (e.high - 0.6532).abs() < 1e-4);
/// assert_eq!(wilson(0.0, 10.0, Z95).unwrap().low, 0.0);
/// ```
pub fn wilson(share: f64, n: f64, z: f64) -> Option<Estimate> {
    if n <= 0.0 || !(0.0..=1.0).contains(&share) {
        return None;
    }
    let z2 = z * z;
    let centre = (share + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (share * (1.0 - share) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Estimate {
        share,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// The two accuracies of one stratum, or of all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    /// The stratum ("all" for the weighted total).
    pub stratum: String,
    /// Listings in the stratum in all.
    pub stratum_size: usize,
    /// Rows with a verdict.
    pub verified: usize,
    /// Of those, exactly accurate.
    pub exact: usize,
    /// Of those, functionally accurate.
    pub functional: usize,
    /// Exact accuracy (weighted by strata overall); `None` with nothing verified.
    pub exact_accuracy: Option<Estimate>,
    /// Functional accuracy (weighted by strata overall).
    pub functional_accuracy: Option<Estimate>,
}

/// Scores `outcomes`: one line per stratum (in order of name), then the total weighted
/// by the strata's sizes (see the module's documentation).
pub fn score(outcomes: &[Outcome]) -> Vec<Scored> {
    let mut strata: BTreeMap<&str, (usize, Vec<&Outcome>)> = BTreeMap::new();
    for outcome in outcomes {
        let entry = strata
            .entry(outcome.stratum.as_str())
            .or_insert((outcome.stratum_size, Vec::new()));
        entry.0 = entry.0.max(outcome.stratum_size);
        entry.1.push(outcome);
    }
    let mut lines: Vec<Scored> = strata
        .iter()
        .map(|(stratum, (size, rows))| {
            let verified: Vec<&&Outcome> = rows.iter().filter(|o| o.verified()).collect();
            let exact = verified.iter().filter(|o| o.exact()).count();
            let functional = verified.iter().filter(|o| o.functional()).count();
            let n = verified.len() as f64;
            let estimate = |k: usize| wilson(k as f64 / n, n, Z95);
            Scored {
                stratum: stratum.to_string(),
                stratum_size: *size,
                verified: verified.len(),
                exact,
                functional,
                exact_accuracy: estimate(exact),
                functional_accuracy: estimate(functional),
            }
        })
        .collect();
    // Strata with nothing verified say nothing; the rest stand for all listings.
    let counted: Vec<&Scored> = lines.iter().filter(|s| s.verified > 0).collect();
    let weight_total: f64 = counted.iter().map(|s| s.stratum_size as f64).sum();
    let weighted = |k: fn(&Scored) -> usize| -> Option<Estimate> {
        if counted.is_empty() || weight_total <= 0.0 {
            return None;
        }
        let (mut share, mut variance) = (0.0, 0.0);
        for s in &counted {
            let w = s.stratum_size as f64 / weight_total;
            let n = s.verified as f64;
            let p = k(s) as f64 / n;
            share += w * p;
            variance += w * w * p * (1.0 - p) / n;
        }
        // The effective sample size: what a simple random sample with this variance
        // would have had (all the verified rows when every stratum is all yes or no).
        let total: f64 = counted.iter().map(|s| s.verified as f64).sum();
        let n_eff = if variance > 0.0 {
            share * (1.0 - share) / variance
        } else {
            total
        };
        wilson(share.clamp(0.0, 1.0), n_eff, Z95)
    };
    let total = Scored {
        stratum: "all".to_string(),
        stratum_size: lines.iter().map(|s| s.stratum_size).sum(),
        verified: lines.iter().map(|s| s.verified).sum(),
        exact: lines.iter().map(|s| s.exact).sum(),
        functional: lines.iter().map(|s| s.functional).sum(),
        exact_accuracy: weighted(|s| s.exact),
        functional_accuracy: weighted(|s| s.functional),
    };
    lines.push(total);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strata_get_places_in_proportion_and_every_draw_is_distinct() {
        let index = crate::Index::sample();
        let drawn = sample(index.facilities(), 250, 7, Stratify::State);
        assert_eq!(drawn.len(), 250);
        let mut ids: Vec<&str> = drawn.iter().map(|d| d.facility.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 250, "without replacement");
        let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for d in &drawn {
            let entry = per.entry(d.facility.state().to_string()).or_default();
            entry.0 += 1;
            entry.1 = d.stratum_size;
        }
        for (state, (taken, size)) in per {
            let exact = size as f64 * 250.0 / index.len() as f64;
            assert!(
                (taken as f64 - exact).abs() < 1.0,
                "{state}: {taken} of {size}"
            );
        }
        // Another seed draws other listings; more than there are draws them all.
        let other = sample(index.facilities(), 250, 8, Stratify::State);
        assert!(
            other
                .iter()
                .zip(&drawn)
                .any(|(a, b)| a.facility.id() != b.facility.id())
        );
        assert_eq!(
            sample(index.facilities(), 9_000, 1, Stratify::None).len(),
            8_000
        );
    }

    /// Two strata worked by hand.
    #[test]
    fn scores_equal_a_hand_computation() {
        let row = |stratum: &str, size, fields: [Option<bool>; 4]| Outcome {
            stratum: stratum.into(),
            stratum_size: size,
            reached: fields[0],
            offers_level: fields[1],
            accepts_payment: fields[2],
            accepting: fields[3],
        };
        let (y, n, u) = (Some(true), Some(false), None);
        let outcomes = [
            // A: 4 verified of 5; exact 2 (rows 1, 2), functional 3 (rows 1, 2, 3).
            row("A", 300, [y, y, y, y]),
            row("A", 300, [y, y, u, y]),
            row("A", 300, [y, y, n, y]),
            row("A", 300, [n, u, u, u]),
            row("A", 300, [u, u, u, u]),
            // B: 2 verified; exact 1, functional 1.
            row("B", 100, [y, y, y, u]),
            row("B", 100, [y, n, y, y]),
        ];
        let scored = score(&outcomes);
        let a = &scored[0];
        assert_eq!((a.verified, a.exact, a.functional), (4, 2, 3));
        assert_eq!(a.exact_accuracy.unwrap().share, 0.5);
        let b = &scored[1];
        assert_eq!((b.verified, b.exact, b.functional), (2, 1, 1));
        let all = &scored[2];
        // Weighted: 0.75 * 0.5 + 0.25 * 0.5 = 0.5 exact; 0.75 * 0.75 + 0.25 * 0.5 = 0.6875.
        let exact = all.exact_accuracy.unwrap();
        let functional = all.functional_accuracy.unwrap();
        assert!((exact.share - 0.5).abs() < 1e-12);
        assert!((functional.share - 0.6875).abs() < 1e-12);
        // Var = 0.75² · 0.25/4 + 0.25² · 0.25/2 = 0.04296875; n_eff = 0.25 / Var.
        let n_eff = 0.25 / 0.042_968_75;
        assert_eq!(Some(exact), wilson(0.5, n_eff, Z95));
        // Wilson at 0.5 of 4: centre 0.5, half-width by the formula.
        let z2 = Z95 * Z95;
        let half = Z95 / (1.0 + z2 / 4.0) * (0.25 / 4.0 + z2 / 64.0).sqrt();
        let a_exact = a.exact_accuracy.unwrap();
        assert!((a_exact.low - (0.5 - half)).abs() < 1e-12);
        assert!((a_exact.high - (0.5 + half)).abs() < 1e-12);
    }
}
