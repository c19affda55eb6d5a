"""carefind on Dask: origins as a Dask DataFrame, the index broadcast once to every worker.

The index is a few MB, so the classic answer is a broadcast join: `client.scatter(index,
broadcast=True)` ships it (pickled through the library's binary snapshot) to each worker
once, and every partition is answered there with the same vectorised call the
single-process API makes. The answers are the single-process answers, row for row.

>>> import dask.dataframe as dd, pandas as pd, carefind, carefind.dask
>>> from dask.distributed import Client, LocalCluster
>>> with LocalCluster(n_workers=2, processes=True) as cluster, Client(cluster):   # doctest: +SKIP
...     origins = dd.from_pandas(pd.DataFrame({"lat": [40.75], "lon": [-73.99]}), npartitions=1)
...     carefind.dask.nearest(origins, carefind.Index.sample(), k=3).compute()
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from . import Index, _carefind

__all__ = ["broadcast", "nearest", "count_within", "coverage"]


def broadcast(index: Index, client: Any = None) -> Any:
    """The index scattered to every worker of `client` (the default client when None),
    as a future that `map_partitions` resolves on each worker without shipping it again.
    Without a distributed client, the index itself; an index already broadcast (a
    future) is passed on as it is."""
    if not isinstance(index, Index):
        return index
    if client is None:
        try:
            from distributed import default_client

            client = default_client()
        except (ImportError, ValueError):
            return index
    return client.scatter(index, broadcast=True, hash=False)


def _keys(origins: Any, id: Optional[str]) -> Any:
    """What names an origin in the answers: the column `id`, else the frame's index, which
    must then be known to be unique across partitions. `dd.read_csv` starts it again at 0
    in each partition, so its labels would name several origins each."""
    if id is not None:
        if id not in origins.columns:
            raise KeyError(f"id: the origins have no column {id!r}")
        return origins[id]
    if not origins.known_divisions:
        raise ValueError(
            "the origins' index is not known to be unique across partitions (dd.read_csv "
            "starts it at 0 in each): give id=COLUMN to name each origin, or set_index first"
        )
    return origins.index


def _labels(part: pd.DataFrame, id: Optional[str]) -> np.ndarray:
    return part[id].to_numpy() if id is not None else part.index.to_numpy()


def _nearest_partition(part: pd.DataFrame, index: Index, lat: str, lon: str, k, id, options: dict) -> pd.DataFrame:
    rows = index.nearest(part[lat].to_numpy(), part[lon].to_numpy(), k, progress=False, **options)
    # Origins are named by their key (a column, or the frame's index), not by positions
    # in a partition.
    rows["origin"] = _labels(part, id)[rows["origin"].to_numpy()]
    # Text as a string dtype: Dask cannot describe object columns to Parquet.
    for name in ["id", *options.get("columns", ())]:
        rows[name] = rows[name].astype("string")
    return rows


def nearest(
    origins: Any,
    index: Index,
    k: Optional[int] = 10,
    *,
    lat: str = "lat",
    lon: str = "lon",
    id: Optional[str] = None,
    client: Any = None,
    **options: Any,
):
    """`Index.nearest` over a Dask DataFrame of origins: a Dask DataFrame of rows, one
    partition per origin partition. `origin` is the origin's `id` column (such as a ZIP
    code), else its index label (an index known to be unique: see `_keys`)."""
    columns = list(options.get("columns", ()))
    keys = _keys(origins, id)
    meta = pd.DataFrame(
        {
            "origin": pd.Series([], dtype=keys.dtype),
            "rank": pd.Series([], dtype="int32"),
            "id": pd.Series([], dtype="string"),
            "distance_m": pd.Series([], dtype="float64"),
            **{name: pd.Series([], dtype="string") for name in columns},
        }
    )
    shared = broadcast(index, client)
    return origins.map_partitions(
        _nearest_partition, shared, lat, lon, k, id, options, meta=meta, align_dataframes=False
    )


def _count_partition(part: pd.DataFrame, index: Index, lat: str, lon: str, within, id, filters: dict) -> pd.Series:
    counts = index.count_within(part[lat].to_numpy(), part[lon].to_numpy(), within, **filters)
    return pd.Series(counts, index=pd.Index(_labels(part, id), name=id), name="count")


def count_within(
    origins: Any,
    index: Index,
    within: Any,
    *,
    lat: str = "lat",
    lon: str = "lon",
    id: Optional[str] = None,
    client: Any = None,
    **filters: Any,
):
    """`Index.count_within` over a Dask DataFrame: a Dask Series of counts, indexed by
    the origin's `id` column (else its index label)."""
    keys = _keys(origins, id)
    shared = broadcast(index, client)
    meta = pd.Series([], dtype="int64", name="count", index=pd.Index([], dtype=keys.dtype, name=id))
    return origins.map_partitions(
        _count_partition, shared, lat, lon, within, id, filters, meta=meta, align_dataframes=False
    )


def _coverage_partition(part: pd.DataFrame, index: Index, id, options: dict) -> pd.DataFrame:
    from . import coverage as single

    frame = single(index, part, **options).origins
    # The single-process call names origins by position in the partition.
    positions = frame["origin"].to_numpy(dtype=np.int64)
    frame["origin"] = _labels(part, id)[positions]
    weights = options.get("weights")
    weight = part[weights].to_numpy(dtype=np.float64) if weights else np.ones(len(part))
    frame["weight"] = weight[positions]
    return frame


def coverage(
    origins: Any,
    index: Index,
    *,
    weights: Optional[str] = None,
    care: Any = None,
    rings: Sequence[Any] = (10, 25, 50),
    lat: str = "lat",
    lon: str = "lon",
    id: Optional[str] = None,
    client: Any = None,
    **filters: Any,
):
    """`carefind.coverage` over a Dask DataFrame: each origin's nearest facility per
    target is found on the workers; the shares within each ring are summed across
    partitions. Returns `Coverage(origins, summary)`: a Dask DataFrame (`origin` is the
    `id` column, else the index label) and, computed, the summary DataFrame the
    single-process call gives."""
    from . import Coverage

    keys = _keys(origins, id)
    options = dict(weights=weights, care=care, rings=list(rings), lat=lat, lon=lon, **filters)
    shared = broadcast(index, client)
    meta = pd.DataFrame(
        {
            "origin": pd.Series([], dtype=keys.dtype),
            "target": pd.Series([], dtype=object),
            "nearest_id": pd.Series([], dtype=object),
            "distance_m": pd.Series([], dtype="float64"),
            "weight": pd.Series([], dtype="float64"),
        }
    )
    per_origin = origins.map_partitions(_coverage_partition, shared, id, options, meta=meta, align_dataframes=False)
    ring_m = [_carefind.meters(f"{ring}mi" if isinstance(ring, (int, float)) else str(ring)) for ring in rings]
    sums = []
    for meters in ring_m:
        covered = per_origin["weight"].where(per_origin["distance_m"] <= meters, 0.0)
        sums.append(per_origin.assign(covered=covered).groupby("target")[["weight", "covered"]].sum())
    rows = []
    for ring, (meters, totals) in enumerate(zip(ring_m, _compute(sums))):
        for target, row in totals.iterrows():
            share = row["covered"] / row["weight"] if row["weight"] > 0 else 0.0
            rows.append((target, meters, row["covered"], share, ring))
    summary = pd.DataFrame(rows, columns=["target", "ring_m", "weight", "share", "_ring"])
    # The single-process order: targets as asked, rings as given.
    from . import coverage as single

    names = single(index, origins._meta, **options).summary["target"].drop_duplicates().tolist()
    order = {name: i for i, name in enumerate(names)}
    summary = summary.assign(_order=summary["target"].map(order)).sort_values(["_order", "_ring"], kind="stable")
    summary = summary.drop(columns=["_order", "_ring"]).reset_index(drop=True)
    return Coverage(per_origin.drop(columns=["weight"]), summary)


def _compute(collections: list) -> list:
    import dask

    return list(dask.compute(*collections))
