//! Access measures over a travel matrix: the library's floating catchments and
//! opportunity measures, for `carefind.accessibility`.

use carefind::analysis::access::{Cost, Decay, three_step, two_step};
use carefind::analysis::opportunities::{self, Summary};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::{slice, value_error};

/// The numbers of an int64 array.
fn integers<'a>(name: &str, array: &'a PyReadonlyArray1<'_, i64>) -> PyResult<&'a [i64]> {
    array
        .as_slice()
        .map_err(|_| value_error(format!("{name}: give a contiguous int64 array")))
}

/// One value per origin (NaN where it has none) of `measure` over the pairs
/// (`origin[i]`, `facility[i]`, `cost[i]`), numbered from 0 into `demand` and `supply`.
#[pyfunction]
#[pyo3(signature = (measure, origin, facility, cost, demand, supply, catchment=None, decay=None, n=1.0, cutoff=None, interval=None, summary="median"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn access_measure<'py>(
    py: Python<'py>,
    measure: &str,
    origin: PyReadonlyArray1<'py, i64>,
    facility: PyReadonlyArray1<'py, i64>,
    cost: PyReadonlyArray1<'py, f64>,
    demand: PyReadonlyArray1<'py, f64>,
    supply: PyReadonlyArray1<'py, f64>,
    catchment: Option<f64>,
    decay: Option<&str>,
    n: f64,
    cutoff: Option<f64>,
    interval: Option<(f64, f64, f64)>,
    summary: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let origin = integers("origin", &origin)?;
    let facility = integers("facility", &facility)?;
    let cost = slice("cost", &cost)?;
    let (demand, supply) = (slice("demand", &demand)?, slice("supply", &supply)?);
    if origin.len() != cost.len() || facility.len() != cost.len() {
        return Err(value_error(
            "origin, facility and cost: give one of each per pair",
        ));
    }
    let mut pairs = Vec::with_capacity(cost.len());
    for (i, ((&o, &f), &c)) in origin.iter().zip(facility).zip(cost).enumerate() {
        let (Ok(o), Ok(f)) = (u32::try_from(o), u32::try_from(f)) else {
            return Err(value_error(format!(
                "pair {i}: a negative origin or facility number"
            )));
        };
        if (o as usize) >= demand.len() || (f as usize) >= supply.len() {
            return Err(value_error(format!(
                "pair {i}: origin {o} or facility {f} is out of range"
            )));
        }
        if !(c >= 0.0 && c.is_finite()) {
            return Err(value_error(format!(
                "pair {i}: cost {c} is not a number of 0 or more"
            )));
        }
        pairs.push(Cost {
            origin: o,
            facility: f,
            cost: c,
        });
    }
    for (name, values) in [("demand", demand), ("supply", supply)] {
        if let Some(at) = values.iter().position(|v| !(*v >= 0.0 && v.is_finite())) {
            return Err(value_error(format!(
                "{name}: entry {at} is {}, not a number of 0 or more",
                values[at]
            )));
        }
    }
    let decay = match decay {
        Some(text) => text
            .parse::<Decay>()
            .map_err(|e| value_error(format!("decay: {e}")))?,
        None => Decay::None,
    };
    let needs = |what: Option<f64>, name: &str| {
        what.ok_or_else(|| value_error(format!("measure={measure:?} needs {name}=")))
    };
    let origins = demand.len();
    let values: Vec<Option<f64>> = match measure {
        "2sfca" | "e2sfca" | "3sfca" => {
            if measure != "2sfca" && decay == Decay::None {
                return Err(value_error(format!("measure={measure:?} needs decay=")));
            }
            let catchment = needs(catchment, "catchment")?;
            let answer = match measure {
                "3sfca" => three_step(&pairs, demand, supply, catchment, &decay),
                _ => two_step(&pairs, demand, supply, catchment, &decay),
            };
            answer.score
        }
        "closest" => {
            if !(n > 0.0 && n.is_finite()) {
                return Err(value_error(format!("n: {n} is not above 0")));
            }
            opportunities::closest(&pairs, origins, supply, n)
        }
        "cumulative" => {
            opportunities::cumulative(&pairs, origins, supply, needs(cutoff, "cutoff")?)
                .into_iter()
                .map(Some)
                .collect()
        }
        "cumulative_interval" => {
            let summary = match summary {
                "median" => Summary::Median,
                "mean" => Summary::Mean,
                other => {
                    return Err(value_error(format!(
                        "summary: {other:?} is not 'median' or 'mean'"
                    )));
                }
            };
            let interval = interval.ok_or_else(|| {
                value_error("measure='cumulative_interval' needs interval=(from, to, step)")
            })?;
            opportunities::cumulative_interval(&pairs, origins, supply, interval, summary)
                .map_err(|e| value_error(format!("interval: {e}")))?
                .into_iter()
                .map(Some)
                .collect()
        }
        other => {
            return Err(value_error(format!(
                "measure: {other:?} is not one of '2sfca', 'e2sfca', '3sfca', 'closest', 'cumulative', 'cumulative_interval'"
            )));
        }
    };
    Ok(values
        .into_iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect::<Vec<f64>>()
        .into_pyarray(py))
}
