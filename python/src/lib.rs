//! `carefind._carefind`: the Rust side of the Python package. It takes and gives plain
//! arrays and lists; `carefind/__init__.py` makes DataFrames of them and carries the
//! documentation. Batch work runs on every core with the GIL released.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use carefind::analysis::coverage::{self, CoverageQuery, Origin, Target};
use carefind::analysis::pathway::{self, PathwayQuery, Stage};
use carefind::load::{self, Format, LoadOptions, LoadReport, Loaded};
use carefind::{Distance, Filter, Index, LatLon, Query, Unit, snapshot};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyType};
use rayon::prelude::*;

mod measures;
mod travel;

/// The exception classes, defined in Python so that the I/O one can be both a
/// `CarefindError` (a `ValueError`) and an `OSError`, as `except OSError` expects of a
/// file that cannot be read. Made once, when the module is first imported.
const EXCEPTIONS: &std::ffi::CStr = cr#"
class CarefindError(ValueError):
    """An error of the carefind library: bad input, a bad query, an unreadable file.

    Where the library knows them, ``file`` names the file (or stream), ``line`` the line
    (the header is line 1), ``column`` the character column of a syntax error, and
    ``field`` the column (field) of the row at fault; each is None where unknown."""

    file = None
    line = None
    column = None
    field = None


class CarefindIOError(CarefindError, OSError):
    """A file that cannot be read or written: a CarefindError, and an OSError."""
"#;

static CLASSES: pyo3::sync::PyOnceLock<(Py<PyType>, Py<PyType>)> = pyo3::sync::PyOnceLock::new();

/// `CarefindError` and `CarefindIOError`.
fn classes(py: Python<'_>) -> PyResult<&(Py<PyType>, Py<PyType>)> {
    CLASSES.get_or_try_init(py, || {
        let module =
            PyModule::from_code(py, EXCEPTIONS, c"carefind/_errors.py", c"carefind._errors")?;
        let class = |name: &str| -> PyResult<Py<PyType>> {
            Ok(module.getattr(name)?.cast_into::<PyType>()?.unbind())
        };
        Ok((class("CarefindError")?, class("CarefindIOError")?))
    })
}

/// A library error as a `CarefindError` (a `CarefindIOError` for a file that cannot be
/// read), carrying the file, line, column and field the library knows, and the message
/// with every cause once.
fn error(error: carefind::Error) -> PyErr {
    Python::attach(|py| {
        let raised = || -> PyResult<PyErr> {
            let (plain, io) = classes(py)?;
            let message = carefind::error::chain(&error);
            let exception = match &error {
                carefind::Error::Io { source, file } => {
                    let exception = io.bind(py).call1((message,))?;
                    // Set rather than passed: the class's `__init__` is ValueError's,
                    // which leaves an OSError's fields unset.
                    exception.setattr("errno", source.raw_os_error())?;
                    exception.setattr("strerror", source.to_string())?;
                    exception.setattr("filename", file)?;
                    exception
                }
                _ => plain.bind(py).call1((message,))?,
            };
            exception.setattr("file", error.file())?;
            exception.setattr("line", error.line())?;
            exception.setattr("field", error.column())?;
            if let carefind::Error::Syntax { column, .. } = &error {
                exception.setattr("column", *column)?;
            }
            Ok(PyErr::from_value(exception))
        };
        raised().unwrap_or_else(|failed| failed)
    })
}

/// A `CarefindError` about an argument, such as a filter word that names no term.
fn value_error(message: impl std::fmt::Display) -> PyErr {
    Python::attach(|py| match classes(py) {
        Ok((plain, _)) => PyErr::from_type(plain.bind(py).clone(), message.to_string()),
        Err(failed) => failed,
    })
}

/// The filter of `filters` (`care`, `payment`, `age`, `population`, `language`,
/// `medication`, `kind`: comma-separated words; `min_precision`; `include_closed`;
/// `verified_within`; `telehealth`), read by the library's `Filter::from_words`, as the command line and
/// the HTTP API read theirs.
///
/// `as_of` (RFC 3339) is the present that the time words (`open_now`, `evening`...) are
/// judged at; now when it is not given.
fn filter_of(filters: &HashMap<String, String>) -> PyResult<Filter> {
    let now = match filters.get("as_of") {
        None => jiff::Timestamp::now(),
        Some(text) => text.parse().map_err(|_| {
            value_error(format!(
                "as_of: {text:?} is not an RFC 3339 time such as 2026-06-01T12:00:00Z"
            ))
        })?,
    };
    Filter::from_words_at(
        filters
            .iter()
            .filter(|(name, _)| name.as_str() != "as_of")
            .map(|(name, words)| (name.as_str(), words.as_str())),
        now,
    )
    .map_err(value_error)
}

/// A distance from a number of metres or a text such as `25mi` (miles when bare).
fn distance_of(name: &str, text: &str) -> PyResult<Distance> {
    Distance::parse(text, Some(Unit::Miles)).map_err(|e| value_error(format!("{name}: {e}")))
}

/// The origins of two coordinate arrays, or the error naming the first bad one.
fn origins(lat: &[f64], lon: &[f64]) -> PyResult<Vec<LatLon>> {
    if lat.len() != lon.len() {
        return Err(value_error(format!(
            "lat has {} values and lon {}: give one of each per origin",
            lat.len(),
            lon.len()
        )));
    }
    lat.iter()
        .zip(lon)
        .enumerate()
        .map(|(i, (lat, lon))| {
            LatLon::new(*lat, *lon).map_err(|e| value_error(format!("origin {i}: {e}")))
        })
        .collect()
}

fn slice<'a>(name: &str, array: &'a PyReadonlyArray1<'_, f64>) -> PyResult<&'a [f64]> {
    array
        .as_slice()
        .map_err(|_| value_error(format!("{name}: give a contiguous float64 array")))
}

/// An index of facilities, shared by every query and safe to use from many threads.
#[pyclass(frozen, module = "carefind._carefind", name = "Index")]
struct PyIndex {
    index: Arc<Index>,
}

/// A load's tally: rows read, loaded and rejected, each rejected row with its line,
/// column, value and problem.
#[pyclass(frozen, module = "carefind._carefind", name = "Report", get_all)]
struct PyReport {
    source: String,
    read: u64,
    loaded: u64,
    rejected_lines: Vec<u64>,
    rejected_columns: Vec<Option<String>>,
    rejected_values: Vec<String>,
    rejected_problems: Vec<String>,
    ignored_columns: Vec<String>,
    text: String,
}

impl PyReport {
    fn of(report: &LoadReport) -> PyReport {
        PyReport {
            source: report.source.clone(),
            read: report.read,
            loaded: report.loaded,
            rejected_lines: report.rejected.iter().map(|r| r.line).collect(),
            rejected_columns: report.rejected.iter().map(|r| r.column.clone()).collect(),
            rejected_values: report.rejected.iter().map(|r| r.value.clone()).collect(),
            rejected_problems: report
                .rejected
                .iter()
                .map(|r| r.problem.to_string())
                .collect(),
            ignored_columns: report.ignored_columns.clone(),
            text: report.to_string(),
        }
    }
}

fn options(lenient: bool) -> LoadOptions {
    if lenient {
        LoadOptions::lenient()
    } else {
        LoadOptions::strict()
    }
}

fn indexed(loaded: Loaded) -> PyResult<(PyIndex, PyReport)> {
    let report = PyReport::of(&loaded.report);
    let index = Index::new(loaded.facilities).map_err(error)?;
    Ok((
        PyIndex {
            index: Arc::new(index),
        },
        report,
    ))
}

/// One page of hits per origin, flattened: origin, rank, facility position, distance.
type Rows = (Vec<i64>, Vec<i32>, Vec<i64>, Vec<f64>);

#[pymethods]
impl PyIndex {
    /// The embedded sample of 8,000 fictitious facilities.
    #[staticmethod]
    fn sample() -> PyIndex {
        PyIndex {
            index: Arc::new(Index::sample()),
        }
    }

    /// A carefind CSV (the native columns), with its report.
    #[staticmethod]
    #[pyo3(signature = (path, lenient = false))]
    fn from_csv(py: Python<'_>, path: PathBuf, lenient: bool) -> PyResult<(PyIndex, PyReport)> {
        let loaded = py.detach(|| load::native::from_path(&path, &options(lenient)));
        indexed(loaded.map_err(error)?)
    }

    /// CSV bytes in the native columns (`source` names them in errors), with the report.
    #[staticmethod]
    #[pyo3(signature = (data, source, lenient = false))]
    fn from_csv_bytes(
        py: Python<'_>,
        data: &[u8],
        source: &str,
        lenient: bool,
    ) -> PyResult<(PyIndex, PyReport)> {
        let data = data.to_vec();
        let loaded = py.detach(|| load::native::from_slice(&data, source, &options(lenient)));
        indexed(loaded.map_err(error)?)
    }

    /// A binary snapshot file (`carefind snapshot`).
    #[staticmethod]
    fn from_snapshot(py: Python<'_>, path: PathBuf) -> PyResult<PyIndex> {
        let store = py.detach(|| snapshot::from_path(&path)).map_err(error)?;
        let index = Index::from_store(store);
        Ok(PyIndex {
            index: Arc::new(index),
        })
    }

    /// A snapshot's bytes (what `snapshot()` gives; pickling goes through them).
    #[staticmethod]
    fn from_snapshot_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PyIndex> {
        let data = data.to_vec();
        let store = py
            .detach(|| snapshot::from_slice(&data))
            .map_err(|e| value_error(format!("snapshot: {e}")))?;
        let index = Index::from_store(store);
        Ok(PyIndex {
            index: Arc::new(index),
        })
    }

    /// The index as snapshot bytes.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut bytes = Vec::new();
        snapshot::to_writer(&mut bytes, self.index.store())
            .map_err(|e| value_error(format!("snapshot: {e}")))?;
        Ok(PyBytes::new(py, &bytes))
    }

    fn __len__(&self) -> usize {
        self.index.len()
    }

    /// The native columns' names, in order.
    #[staticmethod]
    fn columns() -> Vec<&'static str> {
        load::native::COLUMNS.to_vec()
    }

    /// Every facility's fields as text, one list per native column, in the index's order
    /// (by id).
    fn table(&self, py: Python<'_>) -> Vec<Vec<String>> {
        let index = Arc::clone(&self.index);
        py.detach(move || {
            let mut columns: Vec<Vec<String>> = load::native::COLUMNS
                .iter()
                .map(|_| Vec::with_capacity(index.len()))
                .collect();
            for facility in index.facilities() {
                for (column, field) in columns.iter_mut().zip(carefind::save::row(facility)) {
                    column.push(field);
                }
            }
            columns
        })
    }

    /// Latitudes and longitudes, in the index's order.
    fn coordinates<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>) {
        let (lat, lon): (Vec<f64>, Vec<f64>) = self
            .index
            .facilities()
            .map(|f| (f.location().lat(), f.location().lon()))
            .unzip();
        (lat.into_pyarray(py), lon.into_pyarray(py))
    }

    /// The `k` nearest matching facilities (every one within `within` when `k` is
    /// `None`) of each origin, flattened: origin, rank, position, distance.
    #[pyo3(signature = (lat, lon, k, within, filters))]
    #[allow(clippy::type_complexity)]
    fn nearest<'py>(
        &self,
        py: Python<'py>,
        lat: PyReadonlyArray1<'py, f64>,
        lon: PyReadonlyArray1<'py, f64>,
        k: Option<usize>,
        within: Option<String>,
        filters: HashMap<String, String>,
    ) -> PyResult<(
        Bound<'py, PyArray1<i64>>,
        Bound<'py, PyArray1<i32>>,
        Bound<'py, PyArray1<i64>>,
        Bound<'py, PyArray1<f64>>,
    )> {
        let origins = origins(slice("lat", &lat)?, slice("lon", &lon)?)?;
        let mut template = Query::default().filter(filter_of(&filters)?);
        template.limit = k;
        if let Some(within) = &within {
            template = template.max_distance(distance_of("within", within)?);
        }
        if k.is_none() && within.is_none() {
            return Err(value_error("give k, within, or both"));
        }
        let index = Arc::clone(&self.index);
        let rows: PyResult<Rows> = py.detach(move || {
            let pages: Vec<Result<Vec<(i32, i64, f64)>, String>> = origins
                .par_iter()
                .map(|origin| {
                    let mut query = template.clone();
                    query.origin = Some(*origin);
                    let hits = index.search(&query).map_err(|e| e.to_string())?;
                    Ok(hits
                        .iter()
                        .enumerate()
                        .map(|(rank, hit)| {
                            (
                                rank as i32 + 1,
                                index.position_of(hit.facility).map_or(-1, |p| p as i64),
                                hit.distance_m.unwrap_or(f64::NAN),
                            )
                        })
                        .collect())
                })
                .collect();
            let total = pages.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum();
            let mut rows: Rows = (
                Vec::with_capacity(total),
                Vec::with_capacity(total),
                Vec::with_capacity(total),
                Vec::with_capacity(total),
            );
            for (origin, page) in pages.into_iter().enumerate() {
                for (rank, position, distance) in page.map_err(value_error)? {
                    rows.0.push(origin as i64);
                    rows.1.push(rank);
                    rows.2.push(position);
                    rows.3.push(distance);
                }
            }
            Ok(rows)
        });
        let (origin, rank, position, distance) = rows?;
        Ok((
            origin.into_pyarray(py),
            rank.into_pyarray(py),
            position.into_pyarray(py),
            distance.into_pyarray(py),
        ))
    }

    /// How many matching facilities lie within `within` of each origin.
    fn count_within<'py>(
        &self,
        py: Python<'py>,
        lat: PyReadonlyArray1<'py, f64>,
        lon: PyReadonlyArray1<'py, f64>,
        within: String,
        filters: HashMap<String, String>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let origins = origins(slice("lat", &lat)?, slice("lon", &lon)?)?;
        let template = Query::default()
            .filter(filter_of(&filters)?)
            .max_distance(distance_of("within", &within)?);
        let index = Arc::clone(&self.index);
        let counts: Result<Vec<i64>, String> = py.detach(move || {
            origins
                .par_iter()
                .map(|origin| {
                    let mut query = template.clone();
                    query.origin = Some(*origin);
                    index
                        .count(&query)
                        .map(|n| n as i64)
                        .map_err(|e| e.to_string())
                })
                .collect()
        });
        Ok(counts.map_err(value_error)?.into_pyarray(py))
    }

    /// The matching facilities inside a GeoJSON polygon, by id: positions.
    fn in_polygon<'py>(
        &self,
        py: Python<'py>,
        geojson: &str,
        filters: HashMap<String, String>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let polygon = polygon_of(geojson)?;
        let query = Query::in_polygon(polygon).filter(filter_of(&filters)?);
        let index = Arc::clone(&self.index);
        let positions: Result<Vec<i64>, String> = py.detach(move || {
            let hits = index.search(&query).map_err(|e| e.to_string())?;
            Ok(hits
                .iter()
                .map(|hit| index.position_of(hit.facility).map_or(-1, |p| p as i64))
                .collect())
        });
        Ok(positions.map_err(value_error)?.into_pyarray(py))
    }

    /// Coverage: for each target (a level or group), each origin's nearest matching
    /// facility (position, distance; -1 and NaN where none), and the weighted share within
    /// each ring.
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn coverage<'py>(
        &self,
        py: Python<'py>,
        lat: PyReadonlyArray1<'py, f64>,
        lon: PyReadonlyArray1<'py, f64>,
        weights: PyReadonlyArray1<'py, f64>,
        targets: Vec<String>,
        rings: Vec<String>,
        filters: HashMap<String, String>,
    ) -> PyResult<(
        Vec<String>,
        Vec<Bound<'py, PyArray1<i64>>>,
        Vec<Bound<'py, PyArray1<f64>>>,
        Vec<(String, f64, f64, f64)>,
    )> {
        let points = origins(slice("lat", &lat)?, slice("lon", &lon)?)?;
        let weights = slice("weights", &weights)?;
        if weights.len() != points.len() {
            return Err(value_error(format!(
                "weights has {} values for {} origins",
                weights.len(),
                points.len()
            )));
        }
        let origins: Vec<Origin> = points
            .iter()
            .zip(weights)
            .enumerate()
            .map(|(i, (point, weight))| Origin::new(i.to_string(), *point, *weight))
            .collect();
        let targets: Vec<Target> = if targets.is_empty() {
            Target::every_level()
        } else {
            targets
                .iter()
                .map(|t| t.parse().map_err(|e| value_error(format!("care: {e}"))))
                .collect::<PyResult<_>>()?
        };
        let rings: Vec<Distance> = rings
            .iter()
            .map(|ring| distance_of("rings", ring))
            .collect::<PyResult<_>>()?;
        let query = CoverageQuery::default()
            .targets(targets)
            .rings(rings)
            .filter(filter_of(&filters)?);
        let index = Arc::clone(&self.index);
        type Answer = (
            Vec<String>,
            Vec<Vec<i64>>,
            Vec<Vec<f64>>,
            Vec<(String, f64, f64, f64)>,
        );
        let answer: Result<Answer, String> = py.detach(move || {
            let covered =
                coverage::coverage(&index, &origins, &query).map_err(|e| e.to_string())?;
            let names: Vec<String> = covered
                .summaries
                .iter()
                .map(|s| s.target.name.clone())
                .collect();
            let mut positions = vec![Vec::with_capacity(origins.len()); names.len()];
            let mut distances = vec![Vec::with_capacity(origins.len()); names.len()];
            for per_origin in &covered.nearest {
                for (t, nearest) in per_origin.iter().enumerate() {
                    positions[t].push(nearest.map_or(-1, |n| {
                        index.position_of(n.facility).map_or(-1, |p| p as i64)
                    }));
                    distances[t].push(nearest.map_or(f64::NAN, |n| n.distance_m));
                }
            }
            let shares = covered
                .summaries
                .iter()
                .flat_map(|s| {
                    s.rings.iter().map(move |r| {
                        (s.target.name.clone(), r.ring.as_meters(), r.weight, r.share)
                    })
                })
                .collect();
            Ok((names, positions, distances, shares))
        });
        let (names, positions, distances, shares) = answer.map_err(value_error)?;
        Ok((
            names,
            positions.into_iter().map(|p| p.into_pyarray(py)).collect(),
            distances.into_iter().map(|d| d.into_pyarray(py)).collect(),
            shares,
        ))
    }

    /// The step-down pathway from one origin: `(stage, rank, position, distance)` per
    /// option, and `(rank, program, home, trip_m, home_m)` per pair.
    #[pyo3(signature = (lat, lon, start, per_step, pairs, within, pair_within, filters))]
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn pathway(
        &self,
        py: Python<'_>,
        lat: f64,
        lon: f64,
        start: Option<String>,
        per_step: usize,
        pairs: usize,
        within: Option<String>,
        pair_within: Option<String>,
        filters: HashMap<String, String>,
    ) -> PyResult<(
        Vec<(String, usize, i64, f64)>,
        Vec<(usize, i64, i64, f64, f64)>,
    )> {
        let origin = LatLon::new(lat, lon).map_err(value_error)?;
        let mut query = PathwayQuery::new(origin)
            .filter(filter_of(&filters)?)
            .per_step(per_step)
            .pairs(pairs);
        if let Some(start) = start {
            let stage: Stage = start
                .parse()
                .map_err(|e| value_error(format!("start: {e}")))?;
            query = query.from(stage);
        }
        if let Some(within) = within {
            query = query.within(distance_of("within", &within)?);
        }
        if let Some(pair_within) = pair_within {
            query = query.pair_within(distance_of("pair_within", &pair_within)?);
        }
        let index = Arc::clone(&self.index);
        type Answer = (
            Vec<(String, usize, i64, f64)>,
            Vec<(usize, i64, i64, f64, f64)>,
        );
        let answer: Result<Answer, String> = py.detach(move || {
            let path = pathway::pathway(&index, &query).map_err(|e| e.to_string())?;
            let position = |f| index.position_of(f).map_or(-1, |p| p as i64);
            let steps = path
                .steps
                .iter()
                .flat_map(|step| {
                    step.options.iter().enumerate().map(move |(i, hit)| {
                        (
                            step.stage.name().to_string(),
                            i + 1,
                            position(hit.facility),
                            hit.distance_m.unwrap_or(f64::NAN),
                        )
                    })
                })
                .collect();
            let pairs = path
                .pairs
                .iter()
                .enumerate()
                .map(|(i, pair)| {
                    (
                        i + 1,
                        position(pair.program.facility),
                        position(pair.home),
                        pair.trip_m,
                        pair.home_distance_m,
                    )
                })
                .collect();
            Ok((steps, pairs))
        });
        answer.map_err(value_error)
    }
}

/// The polygon of a GeoJSON text, read by the library's one GeoJSON reader (the one
/// the command line and the HTTP API use, with its ring checks).
fn polygon_of(geojson: &str) -> PyResult<geo::Polygon<f64>> {
    carefind::polygon::from_geojson(geojson).map_err(|e| value_error(format!("polygon: {e}")))
}

/// An input in one of the library's formats, with its report. `format` is `native`,
/// `geocoded`, `findtreatment`, `findtreatment-export`, `labels`, `hsds` or
/// `national-directory` (placed at `zip_centroids`, a dict of ZIP to (lat, lon)).
#[pyfunction]
#[pyo3(signature = (path, format, lenient, care = None, zip_centroids = None))]
fn load_file(
    py: Python<'_>,
    path: PathBuf,
    format: &str,
    lenient: bool,
    care: Option<String>,
    zip_centroids: Option<HashMap<String, (f64, f64)>>,
) -> PyResult<(PyIndex, PyReport)> {
    let mut options = options(lenient);
    if let Some(care) = care {
        options = options.with_care(
            care.parse()
                .map_err(|e| value_error(format!("care: {e}")))?,
        );
    }
    let format: Format = format.parse().map_err(value_error)?;
    if format == Format::NationalDirectory && zip_centroids.is_none() {
        return Err(value_error(
            "a National Directory workbook has no coordinates: give zip_centroids (ZIP code to (lat, lon)) to place its rows",
        ));
    }
    let loaded = py.detach(move || -> Result<Loaded, PyErr> {
        let loaded = match format {
            Format::Native => load::native::from_path(&path, &options),
            Format::Geocoded => load::geocoded::from_path(&path, &options),
            Format::FindtreatmentJson => load::findtreatment::from_path(&path, &options),
            Format::FindtreatmentExport => load::findtreatment_export::from_path(&path, &options),
            Format::FindtreatmentLabels => load::label_csv::from_path(&path, &options),
            Format::Hsds => carefind::hsds::from_path(&path, &options).map(|h| h.loaded),
            Format::NationalDirectory => {
                let centroids = zip_centroids.unwrap_or_default();
                let lookup = |zip: &str| {
                    let five = zip.trim().get(..5)?;
                    let (lat, lon) = centroids.get(five)?;
                    LatLon::new(*lat, *lon).ok()
                };
                load::national_directory::from_path(
                    &path,
                    &options,
                    &load::national_directory::Placement::ZipCentroid(&lookup),
                )
            }
            other => {
                return Err(value_error(format!(
                    "format {other}: not a format load_file reads (open a snapshot with Index.from_snapshot)"
                )));
            }
        };
        loaded.map_err(error)
    })?;
    indexed(loaded)
}

/// The format of the file or directory at `path`, by the library's detection (the one the
/// command line uses): its name, as `load_file` and `--from` take it.
#[pyfunction]
fn detect(path: PathBuf) -> PyResult<&'static str> {
    Format::detect_path(&path).map(Format::name).map_err(error)
}

/// Great-circle distances in metres, the library's haversine, element by element.
#[pyfunction]
fn distance_m<'py>(
    py: Python<'py>,
    lat1: PyReadonlyArray1<'py, f64>,
    lon1: PyReadonlyArray1<'py, f64>,
    lat2: PyReadonlyArray1<'py, f64>,
    lon2: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let a = origins(slice("lat1", &lat1)?, slice("lon1", &lon1)?)?;
    let b = origins(slice("lat2", &lat2)?, slice("lon2", &lon2)?)?;
    if a.len() != b.len() {
        return Err(value_error("give as many second points as first ones"));
    }
    let distances: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a.distance_m(*b)).collect();
    Ok(distances.into_pyarray(py))
}

/// The Gini coefficient, Palma ratio and Theil's T of `values` weighted by `weights`.
#[pyfunction]
fn inequality(
    values: PyReadonlyArray1<'_, f64>,
    weights: PyReadonlyArray1<'_, f64>,
) -> PyResult<(f64, f64, f64)> {
    let (values, weights) = (slice("values", &values)?, slice("weights", &weights)?);
    if values.len() != weights.len() {
        return Err(value_error(format!(
            "values has {} entries and weights {}: give one weight per value",
            values.len(),
            weights.len()
        )));
    }
    let pairs: Vec<(f64, f64)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .collect();
    let measured = carefind::analysis::inequality::inequality(&pairs).map_err(value_error)?;
    Ok((measured.gini, measured.palma, measured.theil_t))
}

/// A distance in metres, from a text such as `25mi` or `40km` (miles when bare).
#[pyfunction]
fn meters(text: &str) -> PyResult<f64> {
    Ok(distance_of("distance", text)?.as_meters())
}

#[pymodule]
fn _carefind(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyIndex>()?;
    module.add_class::<PyReport>()?;
    module.add_class::<travel::PyTimetable>()?;
    module.add_class::<travel::PyNetwork>()?;
    module.add_function(wrap_pyfunction!(travel::transit_times, module)?)?;
    module.add_function(wrap_pyfunction!(travel::drive_times, module)?)?;
    module.add_function(wrap_pyfunction!(travel::seconds, module)?)?;
    module.add_function(wrap_pyfunction!(load_file, module)?)?;
    module.add_function(wrap_pyfunction!(detect, module)?)?;
    module.add_function(wrap_pyfunction!(distance_m, module)?)?;
    module.add_function(wrap_pyfunction!(meters, module)?)?;
    module.add_function(wrap_pyfunction!(inequality, module)?)?;
    module.add_function(wrap_pyfunction!(measures::access_measure, module)?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let (plain, io) = classes(module.py())?;
    module.add("CarefindError", plain.clone_ref(module.py()))?;
    module.add("CarefindIOError", io.clone_ref(module.py()))?;
    Ok(())
}
