"""The READMEs' Python examples, run as written on the real data, and checked against what
their comments and text say they give. Only the Spark example is left out: it needs a
Spark session, which CI does not install."""

import contextlib
import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _resources import missing

REPO = Path(__file__).resolve().parents[2]


def blocks(readme):
    """The ```python blocks of `readme`, in order."""
    text = (REPO / readme).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A directory holding the files the examples name, as a user's would."""
    datasets = Path(os.environ.get("CAREFIND_DATASETS", REPO.parent / "shared" / "datasets"))
    for name in ["samhsa_su_directory_2022_geo.csv", "zcta_population_2010.csv"]:
        if not (datasets / name).is_file():
            missing(f"the README's examples read {name}: not in {datasets} (set CAREFIND_DATASETS)")
        (tmp_path / name).symlink_to(datasets / name)
    gtfs = Path(os.environ.get("CAREFIND_GTFS", REPO.parent / "shared" / "gtfs")) / "nyc_subway_gtfs.zip"
    if not gtfs.is_file():
        missing(f"the README's examples read {gtfs.name}: not in {gtfs.parent} (set CAREFIND_GTFS)")
    (tmp_path / gtfs.name).symlink_to(gtfs)
    # The error example's file: a bad latitude on line 57.
    lines = ["id,name,lat,lon,care"] + [f"f{i},Fac {i},40.{i:03d},-74,iop" for i in range(2, 120)]
    lines[56] = "f57,Fac 57,north,-74,iop"
    (tmp_path / "facilities.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(code, namespace, name):
    """Runs one example in `namespace`; what it prints."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, name, "exec"), namespace)
    return printed.getvalue()


def test_the_main_readmes_python_example_runs_as_written(workdir):
    [example] = blocks("README.md")
    namespace = {}
    run(example, namespace, "README.md")
    index, report, zips = namespace["index"], namespace["report"], namespace["zips"]
    # "12,024 of 12,176 rows", and every row loaded or reported.
    assert (report.read, report.loaded) == (12_176, 12_024)
    assert report.read == report.loaded + len(report.rejected)
    assert len(namespace["near"]) == 10 * len(zips)
    assert namespace["counts"].dtype == np.int64 and len(namespace["counts"]) == len(zips)
    assert namespace["cov"].summary.columns.tolist() == ["target", "ring_m", "weight", "share"]
    assert len(index) == report.loaded


def test_the_python_readmes_examples_run_as_written_and_give_what_they_say(workdir):
    examples = blocks("python/README.md")
    spark = [code for code in examples if "spark." in code]
    assert len(spark) == 1, "only the Spark example is left out"
    first, errors, scale_out = [code for code in examples if code not in spark]
    namespace = {}
    run(first, namespace, "python/README.md: the API")
    assert len(namespace["sample"]) == 8_000  # "8,000 fictitious facilities"
    report = namespace["report"]
    assert (report.read, report.loaded) == (12_176, 12_024)  # "12,024 of 12,176 rows"
    assert report.read == report.loaded + len(report.rejected)  # "every row loaded or reported"
    near = namespace["near"]
    assert near.columns.tolist() == ["origin", "rank", "id", "distance_m", "name", "city"]
    assert namespace["counts"].dtype == np.int64  # "numpy int64"
    assert isinstance(namespace["one"], list) and isinstance(namespace["one"][0], dict)
    assert namespace["cov"].summary.columns.tolist() == ["target", "ring_m", "weight", "share"]
    by_transit = namespace["by_transit"]
    assert by_transit.columns.tolist()[:3] == ["origin", "rank", "id"]
    assert {"minutes", "rides", "open_at_arrival", "percentile_minutes", "reached_share"} <= set(by_transit.columns)
    assert len(by_transit) > 0 and by_transit["rank"].max() <= 3
    # "OTPs within 45 min", of the 3 soonest: every NYC ZIP has a value, at most 3.
    otp_45 = namespace["otp_45"]
    nyc = namespace["nyc"]
    assert otp_45.index.tolist() == nyc["GEOID"].tolist()
    assert otp_45.between(0, 3).all() and (otp_45 > 0).any()
    reached = by_transit[by_transit["minutes"] <= 45].groupby("origin").size()
    assert otp_45[otp_45 > 0].astype(int).to_dict() == reached.to_dict()
    assert (workdir / "near.parquet").is_file()

    printed = run(errors, namespace, "python/README.md: errors")
    assert printed == "facilities.csv 57 lat\n"  # the comment beside the print

    pytest.importorskip("distributed")
    run(scale_out, namespace, "python/README.md: Dask")
    # The origins keep their GEOID, across partitions, and the answers are the
    # single-process ones row for row.
    zips = pd.read_csv("zcta_population_2010.csv", dtype={"GEOID": str})
    written = pd.read_parquet(workdir / "nearest-otp")
    index = namespace["index"]
    single = index.nearest(zips["Y"], zips["X"], k=10, care="otp")
    single["origin"] = zips["GEOID"].to_numpy()[single["origin"]]
    assert written["origin"].tolist() == single["origin"].tolist()
    assert written["id"].tolist() == single["id"].tolist()
    counts = namespace["counts"]
    assert counts.index.tolist() == zips["GEOID"].tolist()
    assert counts.tolist() == index.count_within(zips["Y"], zips["X"], "25mi").tolist()
    assert namespace["cov"].summary["share"].between(0, 1).all()
