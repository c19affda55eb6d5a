"""The ZIP batch, whole process: carefind's command line against a pandas + scikit-learn
BallTree script doing the same job (read the facilities and the 32,936 ZIP population
centroids, build, find each centroid's nearest 10, write one CSV row a match with the
facility's columns and the distance).

    python python/bench/zip_batch.py compare [--repeat 21] [--data real.csv]
    python python/bench/zip_batch.py peer FACILITIES ORIGINS OUT

`compare` runs `carefind find --data FACILITIES --origins ORIGINS --limit 10 --format csv`
and `peer` as separate processes, alternating which goes first in each pair so that neither
profits from the other's warm cache, and prints the medians and their ratio. The facilities
are carefind's own CSV (`carefind import samhsa_sa_facilities_2021.csv -o real.csv` writes
it); the peer reads the same file. Needs ../shared/datasets (or $CAREFIND_DATASETS), pandas
and scikit-learn; $CAREFIND_BIN names the binary (target/release/carefind by default).

The peer is pinned to one thread: `BallTree.query` is single-threaded, and the numeric
libraries' pools are held to one so that their start-up does not vary between runs.
`--jobs 2` runs the peer's query as `NearestNeighbors(n_jobs=2)` instead, on both cores.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

EARTH_RADIUS_M = 6_371_008.8


def peer(facilities_csv, origins_csv, out_csv, jobs):
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    import numpy as np
    import pandas as pd

    facilities = pd.read_csv(facilities_csv, dtype=str, keep_default_na=False)
    points = np.radians(facilities[["lat", "lon"]].astype(np.float64).to_numpy())
    origins = pd.read_csv(origins_csv, dtype={"GEOID": str})
    queries = np.radians(origins[["Y", "X"]].to_numpy(dtype=np.float64))
    k = 10
    if jobs == 1:
        from sklearn.neighbors import BallTree

        distances, positions = BallTree(points, metric="haversine").query(queries, k=k)
    else:
        from sklearn.neighbors import NearestNeighbors

        model = NearestNeighbors(n_neighbors=k, algorithm="ball_tree", metric="haversine", n_jobs=jobs)
        distances, positions = model.fit(points).kneighbors(queries)
    matches = facilities.iloc[positions.reshape(-1)].reset_index(drop=True)
    matches.insert(0, "rank", np.tile(np.arange(1, k + 1), len(origins)))
    matches.insert(0, "origin_id", np.repeat(origins["GEOID"].to_numpy(), k))
    matches["distance_m"] = np.round(distances.reshape(-1) * EARTH_RADIUS_M, 3)
    matches.to_csv(out_csv, index=False)


def seconds(command):
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def compare(args):
    here = Path(__file__).resolve().parents[2]
    data = Path(os.environ.get("CAREFIND_DATASETS", here.parent / "shared" / "datasets"))
    binary = os.environ.get("CAREFIND_BIN", str(here / "target" / "release" / "carefind"))
    origins = str(data / "zcta_population_2010.csv")
    ours = [binary, "find", "--data", args.data, "--origins", origins, "--limit", "10", "--format", "csv"]
    theirs = [sys.executable, __file__, "peer", args.data, origins, "-", "--jobs", str(args.jobs)]
    for command in (ours, theirs):
        seconds(command)
    times = {"carefind": [], "peer": []}
    for run in range(args.repeat):
        pair = [("carefind", ours), ("peer", theirs)]
        for name, command in pair if run % 2 == 0 else reversed(pair):
            times[name].append(seconds(command))
    carefind, pandas = (statistics.median(times[name]) for name in ("carefind", "peer"))
    print(f"carefind find --origins, whole process   {carefind * 1000:9.1f} ms (median of {args.repeat})")
    print(f"pandas + BallTree (--jobs {args.jobs}), whole process {pandas * 1000:9.1f} ms")
    print(f"peer / carefind = {pandas / carefind:.1f}x")


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    run_peer = commands.add_parser("peer")
    run_peer.add_argument("facilities")
    run_peer.add_argument("origins")
    run_peer.add_argument("out", help="a CSV path, or - for standard output")
    run_peer.add_argument("--jobs", type=int, default=1)
    run_compare = commands.add_parser("compare")
    run_compare.add_argument("--data", default="real.csv", help="carefind's CSV of the real facilities")
    run_compare.add_argument("--repeat", type=int, default=21)
    run_compare.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    if args.command == "peer":
        peer(args.facilities, args.origins, sys.stdout if args.out == "-" else args.out, args.jobs)
    else:
        compare(args)


if __name__ == "__main__":
    main()
