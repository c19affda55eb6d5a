"""The 32,936 ZIP areas' 10 nearest facilities on a Dask LocalCluster(n_workers=2), written
as Parquet, with the index broadcast once to both workers. On a multi-machine cluster,
give `--scheduler tcp://host:8786` instead (every worker needs carefind installed).

    python python/examples/dask_zip_areas.py [--out nearest.parquet] [--scheduler ADDRESS]
"""

import argparse
import os
import time
from pathlib import Path

import dask.dataframe as dd
from distributed import Client, LocalCluster

import carefind
from carefind import dask as on_dask


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="nearest.parquet")
    parser.add_argument("--scheduler", default=None)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[2]
    data = Path(os.environ.get("CAREFIND_DATASETS", root.parent / "shared" / "datasets"))
    index, report = carefind.load(str(data / "samhsa_sa_facilities_2021.csv"), care="outpatient")
    print(f"{index!r}: {report.read} rows read, {len(report.rejected)} rejected")
    cluster = None if args.scheduler else LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    with Client(args.scheduler or cluster) as client:
        origins = dd.read_csv(str(data / "zcta_population_2010.csv"), dtype={"GEOID": str}, blocksize="256KB")
        origins = origins.set_index("GEOID", sorted=False)
        started = time.perf_counter()
        rows = on_dask.nearest(origins, index, k=10, lat="Y", lon="X", client=client, columns=["name", "state"])
        rows.to_parquet(args.out, write_index=False)
        print(f"{origins.npartitions} partitions, {len(dd.read_parquet(args.out)):,} rows "
              f"to {args.out} in {time.perf_counter() - started:.2f} s")
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
