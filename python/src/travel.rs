//! Travel time: by public transit on a GTFS timetable, and by car on a road network.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use carefind::availability::Judgement;
use carefind::network::Network;
use carefind::network::drive::{Access, DriveIndex};
use carefind::transit::{
    GtfsError, KeptPlacement, Streets, Timetable, TransitOptions, TransitQuery, Walking, Window,
};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::{PyIndex, classes, filter_of, origins, slice, value_error};

/// Seconds, from a time such as `45min`, `1h` or `90s` (minutes when bare), as the
/// command line and the HTTP API read `within`, `window` and `open_for`.
#[pyfunction]
pub(crate) fn seconds(text: &str) -> PyResult<f64> {
    carefind::words::parse_age(text, Some(jiff::SignedDuration::from_mins(1)))
        .map(|age| age.as_secs_f64())
        .map_err(|e| value_error(format!("{text:?}: {e}")))
}

/// A GTFS feed that cannot be used, as a `CarefindError` with its file, line and field.
fn gtfs_error(error: GtfsError) -> PyErr {
    Python::attach(|py| {
        let raised = || -> PyResult<PyErr> {
            let (plain, _) = classes(py)?;
            let exception = plain.bind(py).call1((error.to_string(),))?;
            exception.setattr("file", error.file())?;
            exception.setattr("line", error.line())?;
            exception.setattr("field", error.field())?;
            Ok(PyErr::from_value(exception))
        };
        raised().unwrap_or_else(|failed| failed)
    })
}

/// A GTFS timetable, read once and shared by every search.
#[pyclass(frozen, module = "carefind._carefind", name = "Timetable")]
pub(crate) struct PyTimetable {
    timetable: Arc<Timetable>,
    /// Where the facilities of the index last searched stand beside the stations.
    placement: KeptPlacement,
}

#[pymethods]
impl PyTimetable {
    /// Reads and checks a GTFS feed (a zip or a folder).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyTimetable> {
        let timetable = py
            .detach(move || Timetable::load(&path))
            .map_err(gtfs_error)?;
        Ok(PyTimetable {
            timetable: Arc::new(timetable),
            placement: KeptPlacement::default(),
        })
    }

    /// The agency's time zone, in which the feed's times are.
    #[getter]
    fn time_zone(&self) -> String {
        self.timetable.time_zone_name().to_string()
    }

    /// The kinds of vehicle of its routes, most trips first.
    #[getter]
    fn modes(&self) -> Vec<&'static str> {
        self.timetable
            .modes()
            .into_iter()
            .map(|m| m.as_str())
            .collect()
    }

    /// The first and last dates any trip runs on.
    #[getter]
    fn service_span(&self) -> Option<(String, String)> {
        self.timetable
            .service_span()
            .map(|(first, last)| (first.to_string(), last.to_string()))
    }

    /// The number of trips.
    fn __len__(&self) -> usize {
        self.timetable.trip_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "Timetable({} trips, {} stations, {})",
            self.timetable.trip_count(),
            self.timetable.stations().len(),
            self.timetable.time_zone_name()
        )
    }
}

/// A road network made by `carefind network build`.
#[pyclass(frozen, module = "carefind._carefind", name = "Network")]
pub(crate) struct PyNetwork {
    network: Arc<Network>,
}

#[pymethods]
impl PyNetwork {
    /// Reads a network file.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyNetwork> {
        let network = py
            .detach(move || Network::load(&path))
            .map_err(|e| value_error(e.to_string()))?;
        Ok(PyNetwork {
            network: Arc::new(network),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Network({} nodes, {} edges)",
            self.network.node_count(),
            self.network.edge_count()
        )
    }
}

/// The columns of transit journeys, one row per (origin, rank).
type TransitRows<'py> = (
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i32>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<i32>>,
    Bound<'py, PyArray1<f64>>,
    Vec<String>,
    Vec<String>,
    Vec<&'static str>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// The facilities reached soonest by transit from each origin: origin, rank, position,
/// seconds (the median over a window), rides, seconds walked, departure and arrival
/// (RFC 3339 with the feed's offset), open at the arrival (yes, no, unknown), and over a
/// window the percentile's seconds and the share of departures that reach it (NaN
/// otherwise).
#[pyfunction]
#[pyo3(signature = (index, lat, lon, timetable, depart, window, percentile, k, within_s, open_for_s, walking, max_transfers, filters, streets=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn transit_times<'py>(
    py: Python<'py>,
    index: &PyIndex,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    timetable: &PyTimetable,
    depart: String,
    window: Option<u32>,
    percentile: f64,
    k: Option<usize>,
    within_s: Option<f64>,
    open_for_s: f64,
    walking: (f64, f64, f64),
    max_transfers: usize,
    filters: HashMap<String, String>,
    streets: Option<(PyRef<'py, PyNetwork>, f64, f64)>,
) -> PyResult<TransitRows<'py>> {
    let origins = origins(slice("lat", &lat)?, slice("lon", &lon)?)?;
    let filter = filter_of(&filters)?;
    let (speed_kmh, detour, max_s) = walking;
    if !(speed_kmh > 0.0 && detour > 0.0 && max_s >= 0.0) {
        return Err(value_error(
            "walk_speed and detour must be above 0, max_walk at least 0",
        ));
    }
    if !(0.0..=100.0).contains(&percentile) {
        return Err(value_error(format!(
            "percentile: {percentile} is not from 0 to 100"
        )));
    }
    let feed = Arc::clone(&timetable.timetable);
    let at = feed
        .moment(&depart)
        .map_err(|e| value_error(format!("depart: {e}")))?;
    let day = feed
        .day(feed.time_zone().to_datetime(at).date())
        .map_err(|e| value_error(format!("depart: {e}")))?;
    let options = TransitOptions {
        walking: Walking {
            speed_kmh,
            detour,
            max_s,
        },
        max_rides: max_transfers.saturating_add(1),
        max_s: within_s.unwrap_or(TransitOptions::default().max_s),
        open_for: Some(jiff::SignedDuration::from_secs(open_for_s as i64)),
    };
    let streets = streets.map(|(network, max_snap_m, access_kmh)| {
        Streets::new(Arc::clone(&network.network), max_snap_m, access_kmh)
    });
    let search = timetable
        .placement
        .index_on(&feed, &index.index, options.walking, streets);
    let zone = feed.time_zone().clone();
    let wall = |at: jiff::Timestamp| at.display_with_offset(zone.to_offset(at)).to_string();
    let answers: Vec<_> = py.detach(|| {
        origins
            .par_iter()
            .map(|origin| {
                let query = TransitQuery {
                    origin: *origin,
                    limit: k.unwrap_or(usize::MAX),
                    filter: &filter,
                    options: options.clone(),
                };
                match window {
                    Some(minutes) => search.window(
                        &day,
                        &query,
                        at,
                        Window {
                            minutes,
                            percentile,
                        },
                    ),
                    None => search.nearest(&day, &query, at),
                }
            })
            .collect()
    });
    let mut rows = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (origin, hits) in answers.iter().enumerate() {
        for (rank, hit) in hits.iter().enumerate() {
            rows.0.push(origin as i64);
            rows.1.push(rank as i32 + 1);
            rows.2.push(hit.facility.position() as i64);
            rows.3.push(hit.seconds);
            rows.4.push(i32::from(hit.rides));
            rows.5.push(hit.walk_s);
            rows.6.push(wall(hit.departure));
            rows.7.push(wall(hit.arrival));
            rows.8.push(match hit.open {
                Some(Judgement::Meets) => "yes",
                Some(Judgement::Fails) => "no",
                _ => "unknown",
            });
            rows.9.push(hit.percentile_s.unwrap_or(f64::NAN));
            rows.10.push(hit.reached_share.unwrap_or(f64::NAN));
        }
    }
    Ok((
        rows.0.into_pyarray(py),
        rows.1.into_pyarray(py),
        rows.2.into_pyarray(py),
        rows.3.into_pyarray(py),
        rows.4.into_pyarray(py),
        rows.5.into_pyarray(py),
        rows.6,
        rows.7,
        rows.8,
        rows.9.into_pyarray(py),
        rows.10.into_pyarray(py),
    ))
}

/// The columns of drive times: origin, rank, position, seconds, metres driven.
type DriveRows<'py> = (
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i32>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// One origin's facilities by drive time (position, seconds, metres), or why it has none.
type Driven = Result<Vec<(i64, f64, f64)>, String>;

/// The `k` facilities with the least drive time from each origin (every one within
/// `within_s` when `k` is None). An origin too far from every road raises, naming it.
#[pyfunction]
#[pyo3(signature = (index, lat, lon, network, k, within_s, max_snap_m, access_kmh, filters))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn drive_times<'py>(
    py: Python<'py>,
    index: &PyIndex,
    lat: PyReadonlyArray1<'py, f64>,
    lon: PyReadonlyArray1<'py, f64>,
    network: &PyNetwork,
    k: Option<usize>,
    within_s: Option<f64>,
    max_snap_m: f64,
    access_kmh: f64,
    filters: HashMap<String, String>,
) -> PyResult<DriveRows<'py>> {
    let origins = origins(slice("lat", &lat)?, slice("lon", &lon)?)?;
    let filter = filter_of(&filters)?;
    if !(access_kmh > 0.0 && max_snap_m >= 0.0) {
        return Err(value_error(
            "access_speed must be above 0 and max_snap at least 0",
        ));
    }
    let access = Access {
        max_snap_m,
        speed_kmh: access_kmh,
    };
    let network = Arc::clone(&network.network);
    let drive = DriveIndex::new(&network, &index.index, access);
    let answers: Vec<Driven> = py.detach(|| {
        origins
            .par_iter()
            .enumerate()
            .map(|(i, origin)| {
                drive
                    .nearest(*origin, k.unwrap_or(usize::MAX), &filter, within_s)
                    .map(|hits| {
                        hits.iter()
                            .map(|hit| (hit.facility.position() as i64, hit.seconds, hit.drive_m))
                            .collect()
                    })
                    .map_err(|e| format!("origin {i}: {e}"))
            })
            .collect()
    });
    let mut rows = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (origin, answer) in answers.into_iter().enumerate() {
        for (rank, (position, seconds, meters)) in
            answer.map_err(value_error)?.into_iter().enumerate()
        {
            rows.0.push(origin as i64);
            rows.1.push(rank as i32 + 1);
            rows.2.push(position);
            rows.3.push(seconds);
            rows.4.push(meters);
        }
    }
    Ok((
        rows.0.into_pyarray(py),
        rows.1.into_pyarray(py),
        rows.2.into_pyarray(py),
        rows.3.into_pyarray(py),
        rows.4.into_pyarray(py),
    ))
}
