"""carefind against scikit-learn's BallTree(metric="haversine"), in one process, same run:
the nearest 10 of the real 14,034 SAMHSA facilities (14,030 once duplicates are dropped)
from each of the 32,936 ZIP population centroids, and the count within 25 miles; then the
same nearest-10 batch on a Dask LocalCluster(n_workers=2), for its overhead.

    python python/bench/balltree.py [--repeat 7]

Medians of `--repeat` runs after one warm-up, both structures built beforehand (query
time only). Needs ../shared/datasets (or $CAREFIND_DATASETS) and scikit-learn.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

import carefind

R = 6_371_008.8


def median_seconds(work, repeat):
    work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[2]
    data = Path(os.environ.get("CAREFIND_DATASETS", here.parent / "shared" / "datasets"))
    index, report = carefind.load(str(data / "samhsa_sa_facilities_2021.csv"), care="outpatient")
    zips = pd.read_csv(data / "zcta_population_2010.csv", dtype={"GEOID": str})
    lat = zips["Y"].to_numpy(dtype=np.float64)
    lon = zips["X"].to_numpy(dtype=np.float64)
    facilities = index.facilities()
    print(f"{len(index):,} facilities ({report.read:,} rows read), {len(zips):,} origins, {os.cpu_count()} cores")

    from sklearn.neighbors import BallTree

    tree = BallTree(np.radians(facilities[["lat", "lon"]].to_numpy()), metric="haversine")
    queries = np.radians(np.column_stack([lat, lon]))
    radius = 25 * 1609.344

    figures = {
        "nearest 10, BallTree.query": median_seconds(lambda: tree.query(queries, k=10), args.repeat),
        "nearest 10, carefind (arrays)": median_seconds(
            lambda: index._raw.nearest(lat, lon, 10, None, {}), args.repeat
        ),
        "nearest 10, carefind (DataFrame with ids)": median_seconds(
            lambda: index.nearest(lat, lon, k=10), args.repeat
        ),
        "count within 25 mi, BallTree.query_radius(count_only=True)": median_seconds(
            lambda: tree.query_radius(queries, r=radius / R, count_only=True), args.repeat
        ),
        "count within 25 mi, carefind": median_seconds(
            lambda: index.count_within(lat, lon, "25mi"), args.repeat
        ),
    }
    # The same answers, so that the race is fair: ids of the BallTree's neighbours.
    distances, positions = tree.query(queries[:100], k=10)
    ours = index.nearest(lat[:100], lon[:100], k=10)
    theirs = facilities["id"].to_numpy()[positions].reshape(-1)
    agree = np.mean(ours["id"].to_numpy() == theirs)
    counts_equal = np.array_equal(
        tree.query_radius(queries[:2000], r=radius / R, count_only=True),
        index.count_within(lat[:2000], lon[:2000], "25mi"),
    )

    import dask.dataframe as dd
    from carefind import dask as on_dask
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        origins = dd.from_pandas(pd.DataFrame({"lat": lat, "lon": lon}), npartitions=4)
        shared = on_dask.broadcast(index, client)
        figures["nearest 10, Dask LocalCluster(n_workers=2), 4 partitions"] = median_seconds(
            lambda: on_dask.nearest(origins, shared, k=10).compute(), args.repeat
        )

    for name, seconds in figures.items():
        print(f"{name:62} {seconds * 1000:9.1f} ms")
    print(f"nearest 10: BallTree / carefind (arrays) = {figures['nearest 10, BallTree.query'] / figures['nearest 10, carefind (arrays)']:.1f}x, "
          f"(DataFrame) = {figures['nearest 10, BallTree.query'] / figures['nearest 10, carefind (DataFrame with ids)']:.1f}x")
    print(f"count within 25 mi: BallTree / carefind = "
          f"{figures['count within 25 mi, BallTree.query_radius(count_only=True)'] / figures['count within 25 mi, carefind']:.1f}x")
    print(f"same neighbours as the BallTree for 100 origins: {agree:.1%} (ties may order differently); "
          f"same counts for 2,000 origins: {counts_equal}")


if __name__ == "__main__":
    main()
