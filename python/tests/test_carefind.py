"""The Python package against a numpy brute force, the `carefind` command, and itself on
Dask. Real-data tests read ../shared/datasets (or $CAREFIND_DATASETS) and skip with a
message where it is absent (fail, under $CAREFIND_REQUIRE_DATA); tests that compare with
the command need $CAREFIND_BIN."""

import io
import json
import math
import os
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import carefind
from _resources import haversine, missing

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


@pytest.fixture(scope="session")
def sample():
    return carefind.Index.sample()


@pytest.fixture(scope="session")
def table(sample):
    return sample.facilities()


def datasets():
    path = Path(os.environ.get("CAREFIND_DATASETS", REPO.parent / "shared" / "datasets"))
    if not (path / "samhsa_sa_facilities_2021.csv").exists():
        missing(f"the real datasets are not in {path} (set CAREFIND_DATASETS)")
    return path


def cli():
    binary = os.environ.get("CAREFIND_BIN", str(REPO / "target" / "debug" / "carefind"))
    if not Path(binary).exists():
        missing(f"no carefind binary at {binary} (set CAREFIND_BIN)")
    return binary


def run(*args, stdin=None):
    done = subprocess.run([cli(), *args], input=stdin, capture_output=True, check=False)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout.decode()



def shown(table):
    """Listings a search shows by default: closed ones (for good or for now) are hidden."""
    return ~table["status"].isin(["closed", "temporarily-closed"])


def offers(table, column, words):
    wanted = set(words)
    return table[column].fillna("").map(lambda cell: bool(wanted & set(filter(None, cell.split(";")))))


def brute_nearest(table, mask, lat, lon, k=None, within=None):
    rows = []
    candidates = table[mask]
    ids = candidates["id"].to_numpy()
    for origin, (a, b) in enumerate(zip(lat, lon)):
        d = haversine(a, b, candidates["lat"].to_numpy(), candidates["lon"].to_numpy())
        order = np.lexsort((ids, d))
        if within is not None:
            order = order[d[order] <= within]
        if k is not None:
            order = order[:k]
        for rank, i in enumerate(order, start=1):
            rows.append((origin, rank, ids[i], d[i]))
    return pd.DataFrame(rows, columns=["origin", "rank", "id", "distance_m"])


def random_origins(seed, n):
    rng = np.random.default_rng(seed)
    lat = rng.uniform(-90, 90, n)
    lon = rng.uniform(-180, 180, n)
    # The antimeridian, the poles, and the same point twice.
    special = [(0.0, 179.999), (0.0, -179.999), (89.9999, 10.0), (-90.0, 0.0), (90.0, 45.0), (40.75, -73.99), (40.75, -73.99)]
    lat[: len(special)] = [s[0] for s in special]
    lon[: len(special)] = [s[1] for s in special]
    # Most of the rest where the facilities are.
    us = slice(len(special), n // 2)
    lat[us] = rng.uniform(25, 49, n // 2 - len(special))
    lon[us] = rng.uniform(-124, -67, n // 2 - len(special))
    return lat, lon


def same(found, expected):
    assert found["origin"].tolist() == expected["origin"].tolist()
    assert found["rank"].tolist() == expected["rank"].tolist()
    assert found["id"].tolist() == expected["id"].tolist()
    np.testing.assert_allclose(found["distance_m"], expected["distance_m"], rtol=1e-12, atol=1e-6)


def test_the_sample_and_what_a_notebook_shows(sample):
    assert len(sample) == 8000
    assert repr(sample) == "<carefind.Index of 8,000 facilities>"
    assert carefind.Index.columns()[:4] == ["id", "name", "name2", "street"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearest_equals_a_numpy_brute_force(sample, table, seed):
    lat, lon = random_origins(seed, 60)
    found = sample.nearest(lat, lon, k=10)
    same(found, brute_nearest(table, shown(table), lat, lon, k=10))
    found = sample.nearest(lat, lon, k=7, care=["iop", "php"], payment="medicaid")
    mask = shown(table) & offers(table, "care", ["iop", "php"]) & offers(table, "payment", ["medicaid"])
    same(found, brute_nearest(table, mask, lat, lon, k=7))


def test_asam_triage_and_telehealth_filter_as_the_crosswalk_says(sample, table):
    lat, lon = random_origins(6, 30)
    # ASAM 3.7 is residential detox or short-term residential, by the crosswalk.
    found = sample.nearest(lat, lon, k=5, asam="3.7-WM")
    mask = shown(table) & offers(table, "care", ["residential-detox", "residential-short"])
    same(found, brute_nearest(table, mask, lat, lon, k=5))
    # Triage 2 is ASAM 2.1, 2.5 and 2.7: IOP, PHP and outpatient detox.
    found = sample.nearest(lat, lon, k=5, triage="2", payment="medicaid")
    mask = shown(table) & offers(table, "care", ["iop", "php", "outpatient-detox"]) & offers(table, "payment", ["medicaid"])
    same(found, brute_nearest(table, mask, lat, lon, k=5))
    # IOP that also offers telehealth, where care="iop,telehealth" means either.
    found = sample.nearest(lat, lon, k=5, care="iop", telehealth=True)
    mask = shown(table) & offers(table, "care", ["iop"]) & offers(table, "care", ["telehealth"])
    same(found, brute_nearest(table, mask, lat, lon, k=5))
    with pytest.raises(ValueError, match="triage"):
        sample.nearest(lat, lon, k=5, triage="5")


def test_credentials_filter_by_kind_as_the_directory_lists_them(sample, table):
    lat, lon = random_origins(7, 30)
    found = sample.nearest(lat, lon, k=5, care="iop", accreditation="carf,jc", licensed_by="state-sud-agency")
    mask = (
        shown(table)
        & offers(table, "care", ["iop"])
        & offers(table, "credentials", ["carf", "joint-commission"])
        & offers(table, "credentials", ["state-sud-agency"])
    )
    same(found, brute_nearest(table, mask, lat, lon, k=5))
    # An accreditor is not a licenser.
    with pytest.raises(ValueError, match="license"):
        sample.nearest(lat, lon, k=5, licensed_by="carf")


def test_within_and_counts_equal_the_brute_force(sample, table):
    lat, lon = random_origins(4, 40)
    radius = 25 * 1609.344
    found = sample.within(lat, lon, "25mi", care="otp")
    mask = shown(table) & offers(table, "care", ["otp"])
    same(found, brute_nearest(table, mask, lat, lon, within=radius))
    counts = sample.count_within(lat, lon, "25mi", care="otp")
    assert counts.dtype == np.int64
    expected = brute_nearest(table, mask, lat, lon, within=radius).groupby("origin").size()
    assert counts.tolist() == [int(expected.get(i, 0)) for i in range(len(lat))]
    # A number is metres.
    assert sample.count_within(lat, lon, radius, care="otp").tolist() == counts.tolist()


def test_answers_equal_the_command_line(sample, tmp_path):
    lat, lon = random_origins(5, 30)
    origins = pd.DataFrame({"id": [f"o{i}" for i in range(len(lat))], "lat": lat, "lon": lon})
    path = tmp_path / "origins.csv"
    origins.to_csv(path, index=False)
    text = run("find", "--origins", str(path), "--care", "detox", "--limit", "10", "--format", "csv")
    expected = pd.read_csv(io.StringIO(text), dtype={"id": str})
    found = sample.nearest(lat, lon, k=10, care="detox")
    assert found["id"].tolist() == expected["id"].tolist()
    assert [f"o{i}" for i in found["origin"]] == expected["origin_id"].tolist()
    assert np.round(found["distance_m"].to_numpy(), 3).tolist() == expected["distance_m"].tolist()


def test_a_polygon_equals_the_command_line(sample, tmp_path):
    ring = [[-74.1, 40.6], [-73.8, 40.6], [-73.8, 40.9], [-74.1, 40.9], [-74.1, 40.6]]
    polygon = {"type": "Polygon", "coordinates": [ring]}
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps(polygon))
    text = run("find", "--polygon", str(path), "--all", "--format", "csv")
    expected = pd.read_csv(io.StringIO(text), dtype={"id": str})["id"].tolist()
    assert expected
    assert sample.in_polygon(polygon)["id"].tolist() == expected
    shapely = pytest.importorskip("shapely.geometry")
    assert sample.in_polygon(shapely.Polygon(ring))["id"].tolist() == expected


def test_a_polygon_is_checked_as_the_command_line_checks_it(sample, tmp_path):
    open_ring = {"type": "Polygon", "coordinates": [[[-74.1, 40.6], [-73.8, 40.6], [-73.8, 40.9], [-74.1, 40.9]]]}
    path = tmp_path / "open.geojson"
    path.write_text(json.dumps(open_ring))
    done = subprocess.run([cli(), "find", "--polygon", str(path), "--all"], capture_output=True, text=True)
    assert done.returncode == 2 and "the exterior ring is not closed" in done.stderr, done.stderr
    with pytest.raises(carefind.CarefindError, match="the exterior ring is not closed"):
        sample.in_polygon(open_ring)


def test_results_carry_the_columns_asked_for_and_other_shapes(sample):
    rows = sample.nearest([40.75], [-73.99], k=3, columns=["name", "city"])
    assert list(rows.columns) == ["origin", "rank", "id", "distance_m", "name", "city"]
    one = sample.query(40.75, -73.99, k=2, care="iop")
    assert [r["rank"] for r in one] == [1, 2]
    pa = pytest.importorskip("pyarrow")
    arrow = sample.nearest([40.75], [-73.99], k=3, output="arrow")
    assert isinstance(arrow, pa.Table) and arrow.num_rows == 3


def test_bad_input_raises_naming_the_position_or_the_word(sample):
    with pytest.raises(ValueError, match="origin 2"):
        sample.nearest([1.0, 2.0, float("nan")], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="origin 1: latitude 91"):
        sample.nearest([0.0, 91.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="3 values and lon 2"):
        sample.nearest([0.0, 1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="iop"):
        sample.nearest([40.0], [-74.0], care="iopp")
    with pytest.raises(ValueError):
        sample.nearest(["forty"], [-74.0])
    with pytest.raises(ValueError, match="within"):
        sample.count_within([40.0], [-74.0], "far")
    with pytest.raises(ValueError, match="columns"):
        sample.nearest([40.0], [-74.0], columns=["nope"])
    with pytest.raises(OSError):
        carefind.Index.from_csv("/no/such/file.csv")


def test_arrays_that_are_not_aligned_or_contiguous_are_read(sample):
    lat, lon = random_origins(8, 20)
    buffer = bytearray(1 + 8 * len(lat))
    unaligned = np.frombuffer(buffer, dtype=np.float64, offset=1)
    unaligned[:] = lat
    assert not unaligned.flags.aligned
    strided = np.repeat(lon, 2)[::2]
    assert not strided.flags.c_contiguous
    pd.testing.assert_frame_equal(sample.nearest(unaligned, strided), sample.nearest(lat, lon))


def test_an_index_pickles_through_its_snapshot(sample):
    copy = pickle.loads(pickle.dumps(sample))
    assert len(copy) == len(sample)
    lat, lon = random_origins(6, 20)
    pd.testing.assert_frame_equal(copy.nearest(lat, lon), sample.nearest(lat, lon))


def test_frames_and_files_load_with_a_report(table, tmp_path):
    small = carefind.Index.from_frame(table.head(50))
    assert len(small) == 50
    path = tmp_path / "some.csv"
    broken = table.head(5).copy()
    broken.loc[2, "lat"] = 123.0
    broken.to_csv(path, index=False)
    with pytest.raises(ValueError, match="line 4"):
        carefind.Index.from_csv(str(path))
    index, report = carefind.load(str(path))
    assert (report.read, report.loaded, len(report.rejected)) == (5, 4, 1)
    assert report.rejected["line"].tolist() == [4]
    assert "123" in report.rejected["value"][0]
    snapshot = tmp_path / "some.snap"
    index.to_snapshot(str(snapshot))
    again, report = carefind.load(str(snapshot))
    assert len(again) == 4 and report.loaded == 4


def test_pathway_and_coverage_as_frames(sample):
    path = carefind.pathway(sample, 39.96, -83.0, start="detox", payment="medicaid")
    assert set(path.steps["stage"]) <= {"inpatient", "residential", "php", "iop", "outpatient"}
    assert (path.steps["distance_m"].diff().fillna(0) >= 0).any()
    origins = pd.DataFrame({"lat": [40.75, 41.88, 0.0], "lon": [-73.99, -87.63, 0.0], "pop": [10.0, 30.0, 5.0]})
    answer = carefind.coverage(sample, origins, weights="pop", care=["otp", "detox"], rings=[5, "40km"])
    assert answer.summary["target"].tolist() == ["otp", "otp", "detox", "detox"]
    nearest = answer.origins[answer.origins["target"] == "otp"]["distance_m"].to_numpy()
    within5 = origins["pop"][nearest <= 5 * 1609.344].sum() / origins["pop"].sum()
    assert answer.summary["share"].iloc[0] == pytest.approx(within5, rel=1e-12)


def test_geodataframes_when_geopandas_is_installed(sample, tmp_path):
    pytest.importorskip("geopandas")
    rows = sample.nearest([40.75], [-73.99], k=3, geo=True)
    assert rows.crs.to_epsg() == 4326 and len(rows) == 3
    carefind.to_geoparquet(sample.facilities().head(10), str(tmp_path / "f.parquet"))
    assert (tmp_path / "f.parquet").stat().st_size > 0


def test_zip_areas_nearest_ten_equal_the_command_line(tmp_path):
    data = datasets()
    real = tmp_path / "real.csv"
    run("import", "--lenient", "--care", "outpatient", str(data / "samhsa_sa_facilities_2021.csv"), "-o", str(real))
    index = carefind.Index.from_csv(str(real))
    zips = pd.read_csv(data / "zcta_population_2010.csv", dtype={"GEOID": str})
    assert len(zips) == 32_936
    found = index.nearest(zips["Y"], zips["X"], k=10)
    text = run(
        "find", "--data", str(real), "--origins", str(data / "zcta_population_2010.csv"),
        "--limit", "10", "--format", "csv",
    )
    expected = pd.read_csv(io.StringIO(text), dtype={"id": str, "origin_id": str}, usecols=["origin_id", "id", "distance_m"])
    assert len(found) == len(expected) == 329_360
    assert found["id"].tolist() == expected["id"].tolist()
    assert zips["GEOID"].to_numpy()[found["origin"]].tolist() == expected["origin_id"].tolist()
    assert np.round(found["distance_m"].to_numpy(), 3).tolist() == expected["distance_m"].tolist()


def test_nearest_otp_population_shares_equal_the_command_line(tmp_path):
    data = datasets()
    index, report = carefind.load(str(data / "samhsa_otp_directory.csv"), care="otp")
    assert report.loaded + len(report.rejected) == report.read
    zips = pd.read_csv(data / "zcta_population_2010.csv", dtype={"GEOID": str})
    answer = carefind.coverage(index, zips, weights="POP", care="otp", lat="Y", lon="X", id="GEOID")
    shares = [round(100 * s, 1) for s in answer.summary["share"]]
    assert shares == [70.7, 88.2, 95.8]
    otp = tmp_path / "otp.csv"
    run("import", "--lenient", "--care", "otp", str(data / "samhsa_otp_directory.csv"), "-o", str(otp))
    text = run(
        "coverage", "--origins", str(data / "zcta_population_2010.csv"), "--care", "otp",
        "--data", str(otp), "--format", "csv",
    )
    summary = pd.read_csv(io.StringIO(text))
    expected = [summary[f"share_within_{ring}mi"][0] for ring in (10, 25, 50)]
    assert np.round(answer.summary["share"].to_numpy(), 6).tolist() == expected


@pytest.fixture(scope="module")
def cluster_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_answers_equal_the_single_process_answers(sample, cluster_client):
    dd = pytest.importorskip("dask.dataframe")
    import carefind.dask

    lat, lon = random_origins(7, 500)
    origins = pd.DataFrame({"lat": lat, "lon": lon, "pop": np.arange(500, dtype=float)})
    origins.index = origins.index * 3 + 100  # labels that are not positions
    ddf = dd.from_pandas(origins, npartitions=4)
    found = carefind.dask.nearest(ddf, sample, k=5, care="iop").compute().reset_index(drop=True)
    expected = sample.nearest(lat, lon, k=5, care="iop")
    expected["origin"] = origins.index.to_numpy()[expected["origin"]]
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)
    counts = carefind.dask.count_within(ddf, sample, "25mi", care="otp").compute()
    assert counts.tolist() == sample.count_within(lat, lon, "25mi", care="otp").tolist()
    single = carefind.coverage(sample, origins, weights="pop", care=["otp", "iop"], rings=[10, 50])
    spread = carefind.dask.coverage(ddf, sample, weights="pop", care=["otp", "iop"], rings=[10, 50])
    assert spread.summary["target"].tolist() == single.summary["target"].tolist()
    np.testing.assert_allclose(spread.summary["share"], single.summary["share"], rtol=1e-12)
    np.testing.assert_allclose(spread.summary["weight"], single.summary["weight"], rtol=1e-12)


def test_dask_names_origins_by_their_key_across_partitions(sample, cluster_client, tmp_path):
    """dd.read_csv starts each partition's index at 0: the key column names origins, and
    a call without one refuses an index that is not known to be unique."""
    dd = pytest.importorskip("dask.dataframe")
    import carefind.dask

    lat, lon = random_origins(11, 3000)
    origins = pd.DataFrame({"key": [f"z{i:05d}" for i in range(3000)], "lat": lat, "lon": lon})
    origins.to_csv(tmp_path / "origins.csv", index=False)
    ddf = dd.read_csv(tmp_path / "origins.csv", blocksize=20_000)
    assert ddf.npartitions > 3
    found = carefind.dask.nearest(ddf, sample, k=3, id="key").compute()
    expected = sample.nearest(lat, lon, k=3)
    assert found["origin"].tolist() == origins["key"].to_numpy()[expected["origin"]].tolist()
    assert found["id"].tolist() == expected["id"].tolist()
    counts = carefind.dask.count_within(ddf, sample, "25mi", id="key").compute()
    assert counts.index.tolist() == origins["key"].tolist()
    with pytest.raises(ValueError, match="give id=COLUMN"):
        carefind.dask.nearest(ddf, sample, k=3)


def _runaway_quote_csv(path):
    """119 rows whose name on line 57 opens a quote that closes only on line 80."""
    lines = ["id,name,lat,lon,care"]
    for i in range(1, 120):
        name = {56: '"Fac 56 opened', 79: 'Fac 79 closed"'}.get(i, f"Fac {i}")
        lines.append(f"f{i},{name},40.{i:03d},-74,iop")
    path.write_text("\n".join(lines) + "\n")


def test_errors_carry_the_file_line_and_field(tmp_path):
    path = tmp_path / "bad.csv"
    rows = ["id,name,lat,lon,care"] + [f"f{i},Fac {i},40.{i:03d},-74,iop" for i in range(1, 60)]
    rows[56] = "f56,Fac 56,91.5,-74,iop"  # line 57
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(carefind.CarefindError) as raised:
        carefind.Index.from_csv(str(path))
    error = raised.value
    assert isinstance(error, ValueError)
    assert (error.file, error.line, error.field, error.column) == (str(path), 57, "lat", None)

    with pytest.raises(carefind.CarefindIOError) as raised:
        carefind.Index.from_csv(str(tmp_path / "missing.csv"))
    error = raised.value
    assert isinstance(error, OSError) and isinstance(error, carefind.CarefindError)
    assert error.errno == 2 and error.file == str(tmp_path / "missing.csv")
    # The cause is said once.
    assert str(error).count("No such file") == 1

    with pytest.raises(carefind.CarefindError) as raised:
        carefind.load(str(path), format="csv")
    assert "use native, snapshot" in str(raised.value)


def test_a_quote_left_open_is_reported_with_the_lines_it_swallowed(tmp_path):
    path = tmp_path / "quote.csv"
    _runaway_quote_csv(path)
    with pytest.raises(carefind.CarefindError) as raised:
        carefind.Index.from_csv(str(path))
    assert (raised.value.line, raised.value.field) == (57, "name")
    assert "to line 80" in str(raised.value)
    _, report = carefind.load(str(path))
    assert (report.read, report.loaded) == (96, 95)
    assert report.rejected["line"].tolist() == [57]


def _cli_counts(path, *flags):
    done = subprocess.run([cli(), "validate", str(path), *flags], capture_output=True, check=False)
    first = (done.stdout.decode() or done.stderr.decode()).splitlines()[0]
    return first


def test_the_command_and_python_detect_every_shared_file_alike():
    """Both detect through the library; each shared file loads the same in both."""
    data = datasets()
    hsds = Path(os.environ.get("CAREFIND_HSDS", REPO.parent / "shared" / "hsds"))
    files = sorted(p for p in data.iterdir() if p.suffix in (".csv", ".json", ".xlsx"))
    files += sorted((hsds / "examples").glob("*.json")) + [hsds / "examples" / "csv"]
    assert len(files) > 20
    directories = {"samhsa_su_directory_2022_geo.csv", "samhsa_mh_directory_2022_geo.csv"}
    for path in files:
        format = carefind.detect(str(path))
        if format == "national-directory":
            with pytest.raises(carefind.CarefindError, match="zip_centroids"):
                carefind.load(str(path))
            continue
        care = "otp" if format in ("geocoded",) else None
        try:
            _, report = carefind.load(str(path), care=care)
            python = f"{report.read} rows read, {report.loaded} loaded"
        except carefind.CarefindError as error:
            python = f"error: {error}"
        flags = ["--care", care] if care else []
        command = _cli_counts(path, *flags)
        if python.startswith("error"):
            assert "error" in command or "rows read" not in command, (path, python, command)
        else:
            assert python in command, (path, format, python, command)
        if path.name in directories:
            assert format == "findtreatment-export" and report.loaded > 8_000, (path, python)
