//! How unequally an access measure falls on a population: the Gini coefficient, the Palma
//! ratio and Theil's T, each weighted by population, as access studies report them.
//!
//! The measure can be anything non-negative (a distance, a travel time, a 2SFCA score);
//! each origin counts by its weight, so an origin of weight 3 counts as three origins of
//! weight 1 (the tests check exactly that).
//!
//! ```
//! use carefind::analysis::inequality::inequality;
//!
//! // Three people with nothing, one with everything.
//! let values = [(0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (1.0, 1.0)];
//! let measured = inequality(&values)?;
//! assert!((measured.gini - 0.75).abs() < 1e-12);
//! assert!((measured.theil_t - 4f64.ln()).abs() < 1e-12);
//! # Ok::<(), carefind::analysis::inequality::InequalityError>(())
//! ```

/// A measure's inequality over a weighted population.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Inequality {
    /// The Gini coefficient: half the mean absolute difference between two people, over
    /// the mean (0 when all are equal, towards 1 when one holds everything).
    pub gini: f64,
    /// The Palma ratio: the share of the total held by the top 10 % of the population
    /// over the share held by the bottom 40 % (infinite when the bottom 40 % hold none).
    pub palma: f64,
    /// Theil's T: the mean of `(x / mean) ln(x / mean)` (0 when all are equal, ln N when
    /// one of N holds everything).
    pub theil_t: f64,
}

/// Values whose inequality cannot be measured.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InequalityError {
    /// A value or a weight is negative or not a number.
    #[error("value {position} ({value}, weight {weight}) is negative or not a number")]
    Invalid {
        /// Its position among the values.
        position: usize,
        /// The value.
        value: f64,
        /// Its weight.
        weight: f64,
    },
    /// The weights add up to nothing, or the values to nothing: there is no mean to
    /// compare with.
    #[error("the weights or the values add up to 0: inequality has no meaning")]
    Empty,
}

/// The Gini coefficient, Palma ratio and Theil's T of `values`, each `(value, weight)`.
pub fn inequality(values: &[(f64, f64)]) -> Result<Inequality, InequalityError> {
    for (position, &(value, weight)) in values.iter().enumerate() {
        if !(value >= 0.0 && value.is_finite() && weight >= 0.0 && weight.is_finite()) {
            return Err(InequalityError::Invalid {
                position,
                value,
                weight,
            });
        }
    }
    let mut sorted: Vec<(f64, f64)> = values.iter().copied().filter(|(_, w)| *w > 0.0).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let people: f64 = sorted.iter().map(|(_, w)| w).sum();
    let total: f64 = sorted.iter().map(|(x, w)| x * w).sum();
    if !(people > 0.0 && total > 0.0) {
        return Err(InequalityError::Empty);
    }
    let mean = total / people;
    // Sum over ordered pairs of w_i w_j |x_i - x_j|, in one pass over sorted values:
    // each value meets the weight below it with a plus and the weight above with a minus.
    let mut below = 0.0;
    let mut pairs = 0.0;
    for &(x, w) in &sorted {
        let above = people - below - w;
        pairs += 2.0 * w * x * (below - above);
        below += w;
    }
    let gini = pairs / (2.0 * people * people * mean);
    let theil_t = sorted
        .iter()
        .filter(|(x, _)| *x > 0.0)
        .map(|(x, w)| w * (x / mean) * (x / mean).ln())
        .sum::<f64>()
        / people;
    let bottom = lorenz(&sorted, people, total, 0.4);
    let top = 1.0 - lorenz(&sorted, people, total, 0.9);
    let palma = if bottom > 0.0 {
        top / bottom
    } else {
        f64::INFINITY
    };
    Ok(Inequality {
        gini,
        palma,
        theil_t,
    })
}

/// The share of the total held by the poorest `share` of the population (the Lorenz
/// curve), an origin straddling the cut counting for the part of its weight below it.
fn lorenz(sorted: &[(f64, f64)], people: f64, total: f64, share: f64) -> f64 {
    let cut = share * people;
    let mut counted = 0.0;
    let mut held = 0.0;
    for &(x, w) in sorted {
        let part = w.min(cut - counted);
        if part <= 0.0 {
            break;
        }
        held += x * part;
        counted += part;
    }
    held / total
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain double sum the one-pass Gini must equal.
    fn gini_by_pairs(values: &[(f64, f64)]) -> f64 {
        let people: f64 = values.iter().map(|(_, w)| w).sum();
        let mean = values.iter().map(|(x, w)| x * w).sum::<f64>() / people;
        let mut sum = 0.0;
        for (xi, wi) in values {
            for (xj, wj) in values {
                sum += wi * wj * (xi - xj).abs();
            }
        }
        sum / (2.0 * people * people * mean)
    }

    #[test]
    fn hand_worked_cases() {
        let equal = inequality(&[(5.0, 2.0), (5.0, 7.0)]).unwrap();
        assert_eq!((equal.gini, equal.theil_t), (0.0, 0.0));
        assert!((equal.palma - 0.25).abs() < 1e-12, "{}", equal.palma); // 10 % over 40 %
        // 1, 2, ..., 10: the bottom four hold 10 of 55, the top one 10: Palma 1.
        let ten: Vec<(f64, f64)> = (1..=10).map(|x| (f64::from(x), 1.0)).collect();
        let measured = inequality(&ten).unwrap();
        assert!((measured.palma - 1.0).abs() < 1e-12);
        // Gini of 1..=n is (n - 1) / (3 n): 0.3 for n = 10.
        assert!((measured.gini - 0.3).abs() < 1e-12);
        // Everything held by one of five: Theil ln 5, Gini 4/5, Palma infinite.
        let one = [(0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (3.0, 1.0)];
        let measured = inequality(&one).unwrap();
        assert!((measured.theil_t - 5f64.ln()).abs() < 1e-12);
        assert!((measured.gini - 0.8).abs() < 1e-12);
        assert!(measured.palma.is_infinite());
    }

    #[test]
    fn bad_values_are_refused_by_position() {
        assert_eq!(
            inequality(&[(1.0, 1.0), (-1.0, 1.0)]),
            Err(InequalityError::Invalid {
                position: 1,
                value: -1.0,
                weight: 1.0
            })
        );
        assert_eq!(inequality(&[(1.0, 0.0)]), Err(InequalityError::Empty));
        assert_eq!(inequality(&[(0.0, 3.0)]), Err(InequalityError::Empty));
        assert!(inequality(&[(f64::NAN, 1.0)]).is_err());
    }

    proptest! {
        /// The one-pass Gini equals the double sum, and a weight of k is k copies of
        /// weight 1 for all three measures.
        #[test]
        fn weights_are_copies_and_the_gini_is_the_double_sum(
            values in prop::collection::vec((0u32..50, 1u32..5), 1..30)
        ) {
            let weighted: Vec<(f64, f64)> =
                values.iter().map(|&(x, w)| (f64::from(x), f64::from(w))).collect();
            let copies: Vec<(f64, f64)> = values
                .iter()
                .flat_map(|&(x, w)| std::iter::repeat_n((f64::from(x), 1.0), w as usize))
                .collect();
            match (inequality(&weighted), inequality(&copies)) {
                (Ok(a), Ok(b)) => {
                    prop_assert!((a.gini - b.gini).abs() < 1e-9);
                    prop_assert!((a.theil_t - b.theil_t).abs() < 1e-9);
                    prop_assert!(a.palma == b.palma || (a.palma - b.palma).abs() < 1e-9 * a.palma.max(1.0));
                    prop_assert!((a.gini - gini_by_pairs(&weighted)).abs() < 1e-9);
                    prop_assert!((0.0..1.0).contains(&a.gini));
                    prop_assert!(a.theil_t >= -1e-12);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{:?} against {:?}", a, b),
            }
        }
    }
}
