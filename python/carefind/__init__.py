"""carefind: find addiction-treatment facilities near places, by level of care.

The Rust library's index, with exact great-circle distances (haversine on a sphere of
radius 6,371,008.8 m), filters by level of care, payment, ages, populations, languages,
medications and facility kind, and ties ordered by id, for analysts: batch queries over
numpy arrays run on every core with the GIL released and come back as DataFrames.

>>> import carefind
>>> index = carefind.Index.sample()
>>> near = index.nearest([40.75], [-73.99], k=3, care="iop")
>>> list(near.columns)
['origin', 'rank', 'id', 'distance_m']
"""

from __future__ import annotations

import json
import os
from collections import namedtuple
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _carefind

__version__ = _carefind.__version__
CarefindError = _carefind.CarefindError
CarefindIOError = _carefind.CarefindIOError

__all__ = [
    "CarefindError",
    "CarefindIOError",
    "Index",
    "Report",
    "Coverage",
    "Pathway",
    "Timetable",
    "Network",
    "travel_times",
    "accessibility",
    "inequality",
    "load",
    "detect",
    "coverage",
    "pathway",
    "distance_m",
    "to_geoparquet",
]

Words = Union[str, Iterable[str], None]

#: Origins answered per call to the library when a progress bar is shown.
_CHUNK = 50_000

_FILTERS = (
    "care", "payment", "age", "population", "language", "medication", "kind", "asam", "triage",
    "accreditation", "licensed_by",
)


def _filters(
    care: Words = None,
    payment: Words = None,
    age: Words = None,
    population: Words = None,
    language: Words = None,
    medication: Words = None,
    kind: Words = None,
    min_precision: Optional[str] = None,
    include_closed: bool = False,
    asam: Words = None,
    triage: Words = None,
    telehealth: bool = False,
    accreditation: Words = None,
    licensed_by: Words = None,
    open_now: bool = False,
    open_at: Optional[str] = None,
    open_on: Words = None,
    evening: bool = False,
    weekend: bool = False,
    open_for: Optional[str] = None,
    walk_in: bool = False,
    walk_in_now: bool = False,
    same_day_medication: bool = False,
    no_counseling_requirement: bool = False,
    include_unknown: bool = False,
    as_of: Optional[str] = None,
) -> dict:
    """The library's filter words: values within a filter are OR, filters are AND."""
    given = dict(
        care=care,
        payment=payment,
        age=age,
        population=population,
        language=language,
        medication=medication,
        kind=kind,
        asam=asam,
        triage=triage,
        accreditation=accreditation,
        licensed_by=licensed_by,
    )
    filters = {}
    for name, words in given.items():
        if words is None:
            continue
        if isinstance(words, str):
            text = words
        else:
            text = ",".join(str(word) for word in words)
        if text.strip():
            filters[name] = text
    if min_precision is not None:
        filters["min_precision"] = str(min_precision)
    if include_closed:
        filters["include_closed"] = "true"
    if telehealth:
        filters["telehealth"] = "true"
    flags = dict(
        open_now=open_now,
        evening=evening,
        weekend=weekend,
        walk_in=walk_in,
        walk_in_now=walk_in_now,
        same_day_medication=same_day_medication,
        no_counseling_requirement=no_counseling_requirement,
        include_unknown=include_unknown,
    )
    filters.update((name, "true") for name, on in flags.items() if on)
    for name, value in dict(open_at=open_at, open_for=open_for, as_of=as_of).items():
        if value is not None:
            filters[name] = str(value)
    if open_on is not None:
        filters["open_on"] = open_on if isinstance(open_on, str) else ",".join(open_on)
    return filters


def _distance(value: Union[str, float, int, None]) -> Optional[str]:
    """A distance as the library reads it: `"25mi"`, `"40km"`, or a number of metres."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return f"{float(value)!r}m"


def _floats(values: Any) -> np.ndarray:
    """A contiguous, aligned float64 array (what the library reads in place): arrays
    unpickled from a buffer, as Dask's workers get them, may be neither."""
    return np.require(np.asarray(values, dtype=np.float64).reshape(-1), requirements=["C", "A"])


def _coordinates(lat: Any, lon: Any) -> "tuple[np.ndarray, np.ndarray]":
    lat = _floats(lat)
    lon = _floats(lon)
    if lat.shape != lon.shape:
        raise ValueError(
            f"lat has {lat.shape[0]} values and lon {lon.shape[0]}: give one of each per origin"
        )
    return lat, lon


def _progress(total: int, enabled: Optional[bool]):
    """A tqdm bar for long batches, when tqdm is installed (or None)."""
    if enabled is False or (enabled is None and total < 4 * _CHUNK):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="origin")


class Report:
    """What a load read: `read == loaded + len(rejected)`, and every rejected row with
    its line, column, value and problem (as a DataFrame)."""

    def __init__(self, source: str, read: int, loaded: int, rejected: pd.DataFrame, text: str):
        self.source = source
        self.read = read
        self.loaded = loaded
        self.rejected = rejected
        self.ignored_columns: list = []
        self._text = text

    @classmethod
    def _of(cls, raw: "_carefind.Report") -> "Report":
        rejected = pd.DataFrame(
            {
                "line": np.asarray(raw.rejected_lines, dtype=np.int64),
                "column": raw.rejected_columns,
                "value": raw.rejected_values,
                "problem": raw.rejected_problems,
            }
        )
        report = cls(raw.source, raw.read, raw.loaded, rejected, raw.text)
        report.ignored_columns = list(raw.ignored_columns)
        return report

    def __repr__(self) -> str:
        return (
            f"Report(source={self.source!r}, read={self.read}, loaded={self.loaded}, "
            f"rejected={len(self.rejected)})"
        )

    def __str__(self) -> str:
        return self._text


class Index:
    """An index of facilities: nearest, within a distance, counts, polygons, coverage and
    pathways, exact and on every core. Thread-safe, and picklable (through the library's
    binary snapshot), so it can be shipped to workers once."""

    def __init__(self, raw: "_carefind.Index"):
        self._raw = raw
        self._ids: Optional[np.ndarray] = None
        self._table: Optional[pd.DataFrame] = None

    # Loading -------------------------------------------------------------------------

    @classmethod
    def sample(cls) -> "Index":
        """The embedded sample of 8,000 fictitious facilities.

        >>> len(Index.sample())
        8000
        """
        return cls(_carefind.Index.sample())

    @classmethod
    def from_csv(cls, path: str, lenient: bool = False) -> "Index":
        """A carefind CSV (the native columns). Strict by default: the first bad row raises
        `ValueError` naming its file, line and column; `lenient=True` skips bad rows (see
        `carefind.load` for the report of what was skipped)."""
        raw, _ = _carefind.Index.from_csv(str(path), lenient)
        return cls(raw)

    @classmethod
    def from_snapshot(cls, path: str) -> "Index":
        """A binary snapshot written by `carefind snapshot` (or `Index.to_snapshot`)."""
        return cls(_carefind.Index.from_snapshot(str(path)))

    @classmethod
    def from_frame(cls, frame: Any, lenient: bool = False) -> "Index":
        """A pandas DataFrame or a pyarrow Table with the native columns (`id`, `name`,
        `lat`, `lon`, `care`, ...; see `Index.columns()`), read exactly as the CSV would be.

        >>> frame = Index.sample().facilities().head(3)
        >>> len(Index.from_frame(frame))
        3
        """
        if hasattr(frame, "to_pandas") and not isinstance(frame, pd.DataFrame):
            frame = frame.to_pandas()
        frame = pd.DataFrame(frame)
        text = frame.to_csv(index=False, lineterminator="\n")
        raw, _ = _carefind.Index.from_csv_bytes(text.encode("utf-8"), "<frame>", lenient)
        return cls(raw)

    def to_snapshot(self, path: str) -> None:
        """Writes the index as a binary snapshot (loads several times faster than CSV)."""
        with open(path, "wb") as out:
            out.write(self._raw.snapshot())

    @staticmethod
    def columns() -> list:
        """The native columns, in order."""
        return list(_carefind.Index.columns())

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"<carefind.Index of {len(self):,} facilities>"

    def __reduce__(self):
        return (Index._from_snapshot_bytes, (self._raw.snapshot(),))

    @staticmethod
    def _from_snapshot_bytes(data: bytes) -> "Index":
        return Index(_carefind.Index.from_snapshot_bytes(data))

    # The facilities --------------------------------------------------------------------

    def facilities(self, geo: bool = False) -> pd.DataFrame:
        """Every facility, one row each in id order, with the native columns (`lat` and
        `lon` as floats, the rest as text). With `geo=True`, a GeoDataFrame of points in
        EPSG:4326 (needs geopandas)."""
        if self._table is None:
            columns = self._raw.table()
            table = pd.DataFrame(dict(zip(_carefind.Index.columns(), columns)))
            lat, lon = self._raw.coordinates()
            table["lat"] = lat
            table["lon"] = lon
            self._table = table
        table = self._table.copy()
        return _geo(table) if geo else table

    def _id_array(self) -> np.ndarray:
        if self._ids is None:
            self._ids = self.facilities()["id"].to_numpy(dtype=object)
        return self._ids

    def _rows(
        self,
        origin: np.ndarray,
        rank: Optional[np.ndarray],
        position: np.ndarray,
        distance: Optional[np.ndarray],
        columns: Sequence[str],
        output: str,
        geo: bool,
    ):
        data: dict = {}
        if origin is not None:
            data["origin"] = origin
        if rank is not None:
            data["rank"] = rank
        data["id"] = np.take(self._id_array(), position)
        if distance is not None:
            data["distance_m"] = distance
        if columns or geo:
            table = self.facilities()
            for name in columns:
                if name not in table.columns:
                    raise ValueError(
                        f"columns: {name!r} is not a facility column; use {', '.join(table.columns)}"
                    )
                data[name] = table[name].to_numpy()[position]
            if geo:
                data["lat"] = table["lat"].to_numpy()[position]
                data["lon"] = table["lon"].to_numpy()[position]
        frame = pd.DataFrame(data)
        if geo:
            return _geo(frame)
        if output == "arrow":
            import pyarrow as pa

            return pa.Table.from_pandas(frame, preserve_index=False)
        if output != "pandas":
            raise ValueError(f"output: {output!r}: use 'pandas' or 'arrow'")
        return frame

    # Queries ---------------------------------------------------------------------------

    def nearest(
        self,
        lat: Any,
        lon: Any,
        k: Optional[int] = 10,
        *,
        within: Union[str, float, None] = None,
        care: Words = None,
        payment: Words = None,
        age: Words = None,
        population: Words = None,
        language: Words = None,
        medication: Words = None,
        kind: Words = None,
        min_precision: Optional[str] = None,
        include_closed: bool = False,
        asam: Words = None,
        triage: Words = None,
        telehealth: bool = False,
        accreditation: Words = None,
        licensed_by: Words = None,
        open_now: bool = False,
        open_at: Optional[str] = None,
        open_on: Words = None,
        evening: bool = False,
        weekend: bool = False,
        open_for: Optional[str] = None,
        walk_in: bool = False,
        walk_in_now: bool = False,
        same_day_medication: bool = False,
        no_counseling_requirement: bool = False,
        include_unknown: bool = False,
        as_of: Optional[str] = None,
        columns: Sequence[str] = (),
        output: str = "pandas",
        geo: bool = False,
        progress: Optional[bool] = None,
    ):
        """The `k` nearest matching facilities of each origin (within `within`, when
        given; every facility within it when `k` is None): one row per (origin, rank) with
        `origin` (the position in `lat`/`lon`), `rank` (from 1), `id`, `distance_m`, then
        the facility `columns` asked for. Ties are ordered by id, as everywhere in carefind.

        `within` is a text such as `"25mi"` or `"40km"`, or a number of metres. Filters
        take the library's words (`care="iop,php"` or `care=["iop", "php"]`, groups such as
        `"detox"`, and FindTreatment codes); `asam="2.1"` and `triage="2"` keep facilities
        whose levels of care map to those ASAM 4th-edition levels (derived, never stated),
        `telehealth=True` those that also offer telehealth, `accreditation="carf"` and
        `licensed_by="state-sud-agency"` those with those credentials. When: `open_now=True`,
        `open_at="2026-12-07T18:30"` (each facility's wall time; with an offset, one
        instant), `open_on="sa"`, `evening=True`, `weekend=True`, `open_for="30min"`, judged
        in each facility's time zone at `as_of` (RFC 3339; now when None); getting in:
        `walk_in`, `walk_in_now`, `same_day_medication`, `no_counseling_requirement`;
        `include_unknown=True` keeps facilities whose hours or ways in are not listed. An unknown word raises
        `ValueError` with the closest known one. Origins that are not valid coordinates (NaN, out of range) raise
        `ValueError` naming their position.

        >>> index = Index.sample()
        >>> rows = index.nearest([40.75, 34.05], [-73.99, -118.24], k=2, care="detox")
        >>> rows["origin"].tolist(), rows["rank"].tolist()
        ([0, 0, 1, 1], [1, 2, 1, 2])
        """
        lat, lon = _coordinates(lat, lon)
        filters = _filters(
            care, payment, age, population, language, medication, kind, min_precision, include_closed,
            asam, triage, telehealth, accreditation, licensed_by,
            open_now, open_at, open_on, evening, weekend, open_for, walk_in, walk_in_now,
            same_day_medication, no_counseling_requirement, include_unknown, as_of,
        )
        if k is not None and k < 0:
            raise ValueError(f"k: {k} is negative")
        limit = None if k is None else int(k)
        bar = _progress(len(lat), progress)
        if bar is None:
            parts = [self._raw.nearest(lat, lon, limit, _distance(within), filters)]
        else:
            parts = []
            for start in range(0, len(lat), _CHUNK):
                origin, rank, position, distance = self._raw.nearest(
                    lat[start : start + _CHUNK], lon[start : start + _CHUNK], limit, _distance(within), filters
                )
                parts.append((origin + start, rank, position, distance))
                bar.update(min(_CHUNK, len(lat) - start))
            bar.close()
        origin, rank, position, distance = (np.concatenate(column) for column in zip(*parts))
        return self._rows(origin, rank, position, distance, columns, output, geo)

    def within(self, lat: Any, lon: Any, within: Union[str, float], **options):
        """Every matching facility within `within` of each origin, nearest first (the
        rows of `nearest` with no `k`)."""
        return self.nearest(lat, lon, None, within=within, **options)

    def count_within(
        self,
        lat: Any,
        lon: Any,
        within: Union[str, float],
        *,
        care: Words = None,
        payment: Words = None,
        age: Words = None,
        population: Words = None,
        language: Words = None,
        medication: Words = None,
        kind: Words = None,
        min_precision: Optional[str] = None,
        include_closed: bool = False,
        asam: Words = None,
        triage: Words = None,
        telehealth: bool = False,
        accreditation: Words = None,
        licensed_by: Words = None,
        open_now: bool = False,
        open_at: Optional[str] = None,
        open_on: Words = None,
        evening: bool = False,
        weekend: bool = False,
        open_for: Optional[str] = None,
        walk_in: bool = False,
        walk_in_now: bool = False,
        same_day_medication: bool = False,
        no_counseling_requirement: bool = False,
        include_unknown: bool = False,
        as_of: Optional[str] = None,
    ) -> np.ndarray:
        """How many matching facilities lie within `within` of each origin, as an int64
        array.

        >>> Index.sample().count_within([40.75], [-73.99], "10mi", care="otp").shape
        (1,)
        """
        lat, lon = _coordinates(lat, lon)
        filters = _filters(
            care, payment, age, population, language, medication, kind, min_precision, include_closed,
            asam, triage, telehealth, accreditation, licensed_by,
            open_now, open_at, open_on, evening, weekend, open_for, walk_in, walk_in_now,
            same_day_medication, no_counseling_requirement, include_unknown, as_of,
        )
        return self._raw.count_within(lat, lon, _distance(within), filters)

    def in_polygon(
        self,
        polygon: Any,
        *,
        columns: Sequence[str] = (),
        output: str = "pandas",
        geo: bool = False,
        **filters: Any,
    ):
        """The matching facilities inside a polygon: a shapely Polygon, anything with
        `__geo_interface__`, a GeoJSON dict or text (a Polygon or a Feature holding one).
        Edges are great-circle arcs, holes are excluded. Rows are in id order."""
        if hasattr(polygon, "__geo_interface__"):
            polygon = polygon.__geo_interface__
        if not isinstance(polygon, str):
            polygon = json.dumps(polygon, default=_plain)
        position = self._raw.in_polygon(polygon, _filters(**filters))
        return self._rows(None, None, position, None, columns, output, geo)

    def query(self, lat: float, lon: float, k: Optional[int] = 10, **options) -> list:
        """One origin's answer as a list of dicts (rank, id, distance_m and the facility
        `columns` asked for)."""
        rows = self.nearest([lat], [lon], k, **options)
        return rows.drop(columns=["origin"]).to_dict("records")


def _plain(value: Any):
    """JSON for the numpy numbers and tuples `__geo_interface__` may hold."""
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _geo(frame: pd.DataFrame):
    try:
        import geopandas
    except ImportError as missing:
        raise ImportError("geo=True needs geopandas: pip install geopandas") from missing
    points = geopandas.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    return geopandas.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def to_geoparquet(frame: pd.DataFrame, path: str) -> None:
    """Writes rows with `lat` and `lon` (a result with `geo=True`, or `facilities()`) as
    GeoParquet, through GeoPandas."""
    if not hasattr(frame, "geometry"):
        frame = _geo(frame)
    frame.to_parquet(path)


def load(
    path: str,
    format: str = "auto",
    *,
    lenient: bool = True,
    care: Optional[str] = None,
    zip_centroids: Optional[Mapping[str, "tuple[float, float]"]] = None,
) -> "tuple[Index, Report]":
    """An input in any of the library's formats, and its `Report` (read, loaded, and every
    rejected row as a DataFrame). Lenient by default: bad rows are reported, not raised.

    `format`: `native` (a carefind CSV), `snapshot`, `geocoded` (SAMHSA's locator points),
    `findtreatment` (the locator API's JSON), `findtreatment-export`, `labels`, `hsds` (a
    JSON document or a data package directory), `national-directory` (SAMHSA's .xlsx,
    placed at `zip_centroids`, a mapping of ZIP code to (lat, lon)), or `auto`: by the
    file's name and first bytes. `care` sets the levels of inputs that carry none.

    >>> import carefind, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> carefind.Index.sample().facilities().head(5).to_csv(path, index=False)
    >>> index, report = carefind.load(path)
    >>> report.read, report.loaded, len(report.rejected)
    (5, 5, 0)
    """
    path = str(path)
    if format == "auto":
        format = _carefind.detect(path)
    if format == "snapshot":
        index = Index.from_snapshot(path)
        rejected = pd.DataFrame({"line": [], "column": [], "value": [], "problem": []})
        text = f"{path}: {len(index)} facilities from a snapshot"
        return index, Report(path, len(index), len(index), rejected, text)
    centroids = None
    if zip_centroids is not None:
        centroids = {str(z).zfill(5): (float(a), float(b)) for z, (a, b) in zip_centroids.items()}
    raw, report = _carefind.load_file(path, format, lenient, care, centroids)
    return Index(raw), Report._of(report)


Coverage = namedtuple("Coverage", ["origins", "summary"])
Coverage.__doc__ = """Coverage's answer: `origins` (one row per origin and target: the
nearest matching facility's id and distance) and `summary` (per target and ring, the
weight and the weighted share within it)."""


def detect(path: str) -> str:
    """The format of the file or directory at `path`, by the same detection as the
    `carefind` command: a name `load` takes as `format` (`native`, `snapshot`,
    `findtreatment`, `findtreatment-export`, `labels`, `geocoded`, `hsds`,
    `national-directory`).

    >>> import carefind, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.csv")
    >>> carefind.Index.sample().facilities().head(2).to_csv(path, index=False)
    >>> carefind.detect(path)
    'native'
    """
    return _carefind.detect(str(path))


def coverage(
    index: Index,
    origins: pd.DataFrame,
    *,
    weights: Optional[str] = None,
    care: Union[str, Sequence[str], None] = None,
    rings: Sequence[Union[str, float]] = (10, 25, 50),
    lat: str = "lat",
    lon: str = "lon",
    id: Optional[str] = None,
    **filters: Any,
) -> Coverage:
    """Who lives how far from care: for each target (`care`: levels or groups, each a
    target of its own; every level when None), each origin's nearest matching facility,
    and the share of the weight (`weights`, a column such as population; 1 each when None)
    within each ring (`rings`: miles when bare numbers, or texts such as `"40km"`).

    >>> import pandas as pd
    >>> zips = pd.DataFrame({"lat": [40.75, 41.88], "lon": [-73.99, -87.63], "pop": [10, 30]})
    >>> answer = coverage(Index.sample(), zips, weights="pop", care=["otp"], rings=[5])
    >>> answer.summary.columns.tolist()
    ['target', 'ring_m', 'weight', 'share']
    """
    lats, lons = _coordinates(origins[lat], origins[lon])
    if weights is None:
        weight = np.ones(len(lats))
    else:
        weight = _floats(origins[weights])
    if care is None:
        targets: list = []
    elif isinstance(care, str):
        targets = [care]
    else:
        targets = list(care)
    ring_texts = [f"{ring}mi" if isinstance(ring, (int, float)) else str(ring) for ring in rings]
    names, positions, distances, shares = index._raw.coverage(
        lats, lons, weight, targets, ring_texts, _filters(**filters)
    )
    labels = origins[id].to_numpy() if id is not None else np.arange(len(lats))
    ids = index._id_array()
    frames = []
    for name, position, distance in zip(names, positions, distances):
        found = position >= 0
        nearest = np.full(len(position), None, dtype=object)
        nearest[found] = ids[position[found]]
        frames.append(
            pd.DataFrame(
                {"origin": labels, "target": name, "nearest_id": nearest, "distance_m": distance}
            )
        )
    per_origin = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    summary = pd.DataFrame(shares, columns=["target", "ring_m", "weight", "share"])
    return Coverage(per_origin, summary)


Timetable = _carefind.Timetable
Timetable.__doc__ = """A GTFS timetable (a zip or a folder, or a file kept by
``carefind timetable``), read and checked once: ``Timetable.load(path)``; ``time_zone``, ``modes`` ("subway", "bus"...) and
``service_span`` (the first and last dates any trip runs). A bad feed raises
CarefindError with ``file``, ``line`` and ``field``."""
Network = _carefind.Network
Network.__doc__ = """A road network made by ``carefind network build``: ``Network.load(path)``."""


def _seconds(name: str, value: Union[str, float, int, None]) -> Optional[float]:
    """Seconds from a time such as "45min" (minutes when a bare number)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) * 60.0
    try:
        return _carefind.seconds(str(value))
    except CarefindError as error:
        raise CarefindError(f"{name}: {error}") from None


def _meters(name: str, value: Union[str, float, int]) -> float:
    """Metres, from a distance such as "1km" (metres when a bare number)."""
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return _carefind.meters(str(value))
    except CarefindError as error:
        raise CarefindError(f"{name}: {error}") from None


def travel_times(
    index: "Index",
    lat: Any,
    lon: Any,
    *,
    by: str = "transit",
    timetable: Optional["Timetable"] = None,
    depart: Optional[str] = None,
    window: Union[str, float, None] = None,
    percentile: float = 75.0,
    network: Optional["Network"] = None,
    k: Optional[int] = None,
    within: Union[str, float, None] = None,
    open_for: Union[str, float, None] = None,
    walk_speed: float = 4.8,
    detour: float = 1.3,
    max_walk: Union[str, float] = "20min",
    max_transfers: int = 4,
    max_snap: Union[str, float] = "1km",
    access_speed: float = 5.0,
    columns: Sequence[str] = (),
    **filters: Any,
) -> pd.DataFrame:
    """Travel times from each origin to the facilities reached soonest, one row per
    (origin, rank), as ``find --by transit`` and ``--by drive-time`` answer them.

    Minutes are exact (not rounded as the command line shows them).

    ``by="transit"`` needs a ``timetable`` and ``depart`` (``"2026-09-15T07:30"``, wall time in
    the feed's zone, or with an offset): columns ``origin``, ``rank``, ``id``, ``minutes``,
    ``rides``, ``transfers``, ``walk_minutes``, ``depart``, ``arrive``, ``open_at_arrival``
    ("yes", or "unknown" where the hours are not listed: a facility whose hours show it
    closed at the arrival, for ``open_for`` after, is not reached). With ``window``
    ("60min"), a departure every minute: ``minutes`` is the median, ``percentile_minutes``
    the ``percentile``, ``reached_share`` the share of departures that reach it. Walks are
    the straight line times ``detour`` at ``walk_speed`` km/h, at most ``max_walk`` a leg; with a
    ``network`` (``carefind network build --profile foot``), the streets' metres at
    ``walk_speed``, points reaching a street within ``max_snap`` at ``access_speed`` km/h.

    ``by="drive"`` needs a ``network``: columns ``origin``, ``rank``, ``id``, ``minutes``,
    ``drive_distance_m``; points reach the roads at ``access_speed`` km/h within
    ``max_snap``.

    ``k`` limits the facilities per origin; ``within`` is the longest journey (``"45min"``,
    minutes when a number); the filters are ``Index.nearest``'s words.

    >>> index = Index.sample()
    >>> travel_times(index, [40.75], [-73.99], by="bus")
    Traceback (most recent call last):
    ...
    carefind._errors.CarefindError: by: 'bus' is not 'transit' or 'drive'
    """
    lats, lons = _coordinates(lat, lon)
    if k is not None and k < 0:
        raise ValueError(f"k: {k} is negative")
    words = _filters(**filters)
    within_s = _seconds("within", within)
    if by == "transit":
        for fixed in ("open_now", "open_at", "walk_in_now"):
            if filters.get(fixed):
                raise CarefindError(
                    f"{fixed}: cannot be used with by='transit': whether a facility is open is "
                    "judged at each arrival (give open_for)"
                )
        if timetable is None or depart is None:
            raise CarefindError("by='transit' needs timetable= and depart=")
        minutes = _seconds("window", window)
        walk = _seconds("max_walk", max_walk)
        streets = None
        if network is not None:
            streets = (network, _meters("max_snap", max_snap), float(access_speed))
        (origin, rank, position, seconds, rides, walk_s, departs, arrives, open_, at_percentile,
         share) = _carefind.transit_times(
            index._raw, lats, lons, timetable, str(depart),
            None if minutes is None else max(1, round(minutes / 60.0)), float(percentile),
            None if k is None else int(k), within_s, _seconds("open_for", open_for) or 0.0,
            (float(walk_speed), float(detour), float(walk or 0.0)), int(max_transfers), words,
            streets,
        )
        frame = index._rows(origin, rank, position, None, columns, "pandas", False)
        frame["minutes"] = seconds / 60.0
        frame["rides"] = rides
        frame["transfers"] = np.maximum(rides - 1, 0)
        frame["walk_minutes"] = walk_s / 60.0
        frame["depart"] = departs
        frame["arrive"] = arrives
        frame["open_at_arrival"] = open_
        if window is not None:
            frame["percentile_minutes"] = at_percentile / 60.0
            frame["reached_share"] = share
        return frame
    if by == "drive":
        if network is None:
            raise CarefindError("by='drive' needs network=")
        origin, rank, position, seconds, meters = _carefind.drive_times(
            index._raw, lats, lons, network, None if k is None else int(k), within_s,
            _meters("max_snap", max_snap), float(access_speed), words,
        )
        frame = index._rows(origin, rank, position, None, columns, "pandas", False)
        frame["minutes"] = seconds / 60.0
        frame["drive_distance_m"] = meters
        return frame
    raise CarefindError(f"by: {by!r} is not 'transit' or 'drive'")


def inequality(values: Any, weights: Any = None) -> dict:
    """How unequally `values` (any non-negative access measure: distances, minutes,
    2SFCA scores) fall on a population, each value counting by its weight (1 each when
    None): ``{"gini": ..., "palma": ..., "theil_t": ...}``. The Palma ratio is the share of
    the total held by the top 10 % over the share held by the bottom 40 % (inf when they
    hold none). Negative values or weights, or all-zero ones, raise CarefindError.

    >>> inequality([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])["gini"]
    0.3
    """
    values = _floats(values)
    weight = np.ones(len(values)) if weights is None else _floats(weights)
    gini, palma, theil_t = _carefind.inequality(values, weight)
    return {"gini": round(gini, 12), "palma": palma, "theil_t": theil_t}


_MEASURES = ("2sfca", "e2sfca", "3sfca", "closest", "cumulative", "cumulative_interval")


def accessibility(
    costs: pd.DataFrame,
    measure: str,
    *,
    origin: str = "origin",
    id: str = "id",
    cost: str = "minutes",
    demand: Optional[pd.Series] = None,
    supply: Optional[pd.Series] = None,
    catchment: Optional[float] = None,
    decay: Optional[str] = None,
    n: float = 1,
    cutoff: Optional[float] = None,
    interval: Optional[Sequence[float]] = None,
    summary: str = "median",
) -> pd.Series:
    """An access measure for each origin over a travel matrix (one row per origin and
    facility reached, such as ``travel_times`` returns, or ``Index.within``'s distances
    with ``cost="distance_m"``), as R's ``accessibility`` and pysal's ``access`` compute
    them. Costs are in the unit of the ``cost`` column; so are ``catchment``, ``cutoff``,
    ``interval`` and the decay's widths.

    - ``"2sfca"``, ``"e2sfca"``, ``"3sfca"``: supply per person within ``catchment``
      (strictly below), e2sfca and 3sfca with a ``decay`` (``"gaussian:10"``,
      ``"step:10=1,20=0.68,30=0.22"``); 3SFCA shares each person's demand among the
      facilities they could choose. NaN where nothing is within the catchment.
    - ``"closest"``: the least cost at which the supply reached adds up to ``n`` (the
      ``n``-th closest facility's cost with 1 each); NaN where the matrix never reaches it.
    - ``"cumulative"``: the supply at or below ``cutoff``.
    - ``"cumulative_interval"``: the ``summary`` ("median" or "mean") of the cumulative
      measure at every cutoff of ``interval`` = (from, to) or (from, to, step), step 1.

    ``demand`` is each origin's population, indexed by origin (its index lists every
    origin, reached or not; 1 for each origin of the matrix when None); ``supply`` each
    facility's, indexed by id (1 each when None; 0 for ids it lacks). Returns a Series
    indexed by origin.

    >>> import pandas as pd
    >>> costs = pd.DataFrame({"origin": ["a", "a", "b"], "id": ["x", "y", "y"], "minutes": [10, 25, 40]})
    >>> accessibility(costs, "closest", n=2).tolist()
    [25.0, nan]
    >>> accessibility(costs, "cumulative", cutoff=30).tolist()
    [2.0, 0.0]
    """
    if measure not in _MEASURES:
        raise CarefindError(f"measure: {measure!r} is not one of {', '.join(_MEASURES)}")
    for column in (origin, id, cost):
        if column not in costs.columns:
            raise CarefindError(f"costs has no column {column!r} (it has {', '.join(map(str, costs.columns))})")
    if demand is None:
        labels = pd.Index(pd.unique(costs[origin]))
        people = np.ones(len(labels))
    else:
        labels = demand.index
        people = _floats(demand)
    origin_at = labels.get_indexer(costs[origin])
    if (origin_at < 0).any():
        missing = costs[origin][origin_at < 0].iloc[0]
        raise CarefindError(f"origin {missing!r} of costs is not in demand's index")
    facilities = pd.Index(pd.unique(costs[id]))
    facility_at = facilities.get_indexer(costs[id])
    if supply is None:
        supplied = np.ones(len(facilities))
    else:
        supplied = _floats(supply.reindex(facilities).fillna(0.0))
    if interval is not None:
        if len(interval) not in (2, 3):
            raise CarefindError(f"interval: {interval!r} is not (from, to) or (from, to, step)")
        interval = (float(interval[0]), float(interval[1]), float(interval[2]) if len(interval) == 3 else 1.0)
    values = _carefind.access_measure(
        measure,
        origin_at.astype(np.int64),
        facility_at.astype(np.int64),
        _floats(costs[cost]),
        people,
        supplied,
        None if catchment is None else float(catchment),
        decay,
        float(n),
        None if cutoff is None else float(cutoff),
        interval,
        summary,
    )
    return pd.Series(values, index=labels, name=measure)


Pathway = namedtuple("Pathway", ["steps", "pairs"])
Pathway.__doc__ = """The step-down answer: `steps` (each later stage's nearest options)
and `pairs` (IOP or PHP programs with the nearest sober-living home to each)."""


def pathway(
    index: Index,
    lat: float,
    lon: float,
    *,
    start: Optional[str] = "detox",
    per_step: int = 3,
    pairs: int = 5,
    within: Union[str, float, None] = None,
    pair_within: Union[str, float, None] = None,
    **filters: Any,
) -> Pathway:
    """The step-down path from where a person is now (`start`: detox, inpatient,
    residential, php or iop): the nearest options of each later stage, and the best
    program and sober-living pairs by total trip.

    >>> path = pathway(Index.sample(), 39.96, -83.0, start="detox")
    >>> path.steps.columns.tolist()
    ['stage', 'rank', 'id', 'distance_m']
    """
    steps, found_pairs = index._raw.pathway(
        float(lat),
        float(lon),
        start,
        int(per_step),
        int(pairs),
        _distance(within),
        _distance(pair_within),
        _filters(**filters),
    )
    ids = index._id_array()
    step_frame = pd.DataFrame(steps, columns=["stage", "rank", "position", "distance_m"])
    step_frame.insert(2, "id", ids[step_frame.pop("position").to_numpy(dtype=np.int64)])
    pair_frame = pd.DataFrame(found_pairs, columns=["rank", "program", "home", "trip_m", "home_m"])
    pair_frame["program"] = ids[pair_frame["program"].to_numpy(dtype=np.int64)]
    pair_frame["home"] = ids[pair_frame["home"].to_numpy(dtype=np.int64)]
    return Pathway(step_frame, pair_frame)


def distance_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle distances in metres, element by element: the library's haversine.

    >>> round(float(distance_m([0.0], [0.0], [0.0], [1.0])[0]))
    111195
    """
    lat1, lon1 = _coordinates(lat1, lon1)
    lat2, lon2 = _coordinates(lat2, lon2)
    return _carefind.distance_m(lat1, lon1, lat2, lon2)
