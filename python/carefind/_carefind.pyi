"""Type stubs of the Rust extension. The documented API is `carefind` (see __init__.py);
these are the arrays and lists it is built on."""

from typing import Optional, final

import numpy as np
import numpy.typing as npt

__version__: str
__all__ = [
    "Index",
    "Report",
    "load_file",
    "detect",
    "distance_m",
    "meters",
    "seconds",
    "inequality",
    "access_measure",
    "Timetable",
    "Network",
    "transit_times",
    "drive_times",
    "__version__",
    "CarefindError",
    "CarefindIOError",
]

class CarefindError(ValueError):
    """An error of the carefind library; each attribute is None where unknown."""

    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    field: Optional[str]

class CarefindIOError(CarefindError, OSError):
    """A file that cannot be read or written."""

@final
class Report:
    source: str
    read: int
    loaded: int
    rejected_lines: list[int]
    rejected_columns: list[Optional[str]]
    rejected_values: list[str]
    rejected_problems: list[str]
    ignored_columns: list[str]
    text: str

@final
class Index:
    @staticmethod
    def sample() -> Index: ...
    @staticmethod
    def from_csv(path: str, lenient: bool = False) -> tuple[Index, Report]: ...
    @staticmethod
    def from_csv_bytes(data: bytes, source: str, lenient: bool = False) -> tuple[Index, Report]: ...
    @staticmethod
    def from_snapshot(path: str) -> Index: ...
    @staticmethod
    def from_snapshot_bytes(data: bytes) -> Index: ...
    def snapshot(self) -> bytes: ...
    def __len__(self) -> int: ...
    @staticmethod
    def columns() -> list[str]: ...
    def table(self) -> list[list[str]]: ...
    def coordinates(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
    def nearest(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
        k: Optional[int],
        within: Optional[str],
        filters: dict[str, str],
    ) -> tuple[
        npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.float64]
    ]: ...
    def count_within(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
        within: str,
        filters: dict[str, str],
    ) -> npt.NDArray[np.int64]: ...
    def in_polygon(self, geojson: str, filters: dict[str, str]) -> npt.NDArray[np.int64]: ...
    def coverage(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
        weights: npt.NDArray[np.float64],
        targets: list[str],
        rings: list[str],
        filters: dict[str, str],
    ) -> tuple[
        list[str],
        list[npt.NDArray[np.int64]],
        list[npt.NDArray[np.float64]],
        list[tuple[str, float, float, float]],
    ]: ...
    def pathway(
        self,
        lat: float,
        lon: float,
        start: Optional[str],
        per_step: int,
        pairs: int,
        within: Optional[str],
        pair_within: Optional[str],
        filters: dict[str, str],
    ) -> tuple[list[tuple[str, int, int, float]], list[tuple[int, int, int, float, float]]]: ...

def load_file(
    path: str,
    format: str,
    lenient: bool,
    care: Optional[str] = None,
    zip_centroids: Optional[dict[str, tuple[float, float]]] = None,
) -> tuple[Index, Report]: ...
def detect(path: str) -> str: ...
def distance_m(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]: ...
def meters(text: str) -> float: ...

@final
class Timetable:
    @staticmethod
    def load(path: str) -> Timetable: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def modes(self) -> list[str]: ...
    @property
    def service_span(self) -> Optional[tuple[str, str]]: ...
    def __len__(self) -> int: ...

@final
class Network:
    @staticmethod
    def load(path: str) -> Network: ...

def seconds(text: str) -> float: ...
def transit_times(
    index: Index,
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    timetable: Timetable,
    depart: str,
    window: Optional[int],
    percentile: float,
    k: Optional[int],
    within_s: Optional[float],
    open_for_s: float,
    walking: tuple[float, float, float],
    max_transfers: int,
    filters: dict[str, str],
    streets: Optional[tuple[Network, float, float]] = None,
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.int32],
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    npt.NDArray[np.int32],
    npt.NDArray[np.float64],
    list[str],
    list[str],
    list[str],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]: ...
def drive_times(
    index: Index,
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    network: Network,
    k: Optional[int],
    within_s: Optional[float],
    max_snap_m: float,
    access_kmh: float,
    filters: dict[str, str],
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.int32],
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]: ...
def access_measure(
    measure: str,
    origin: npt.NDArray[np.int64],
    facility: npt.NDArray[np.int64],
    cost: npt.NDArray[np.float64],
    demand: npt.NDArray[np.float64],
    supply: npt.NDArray[np.float64],
    catchment: Optional[float] = None,
    decay: Optional[str] = None,
    n: float = 1.0,
    cutoff: Optional[float] = None,
    interval: Optional[tuple[float, float, float]] = None,
    summary: str = "median",
) -> npt.NDArray[np.float64]: ...
def inequality(
    values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> tuple[float, float, float]: ...
