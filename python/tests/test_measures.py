"""Access measures against independent computations on the same costs: 3SFCA against pysal's
`access`, the cost to the closest n and the cumulative measures against plain pandas, through
`carefind.accessibility` and through `carefind coverage --measure` (which finds the costs
itself, by great-circle distance). Levels measured as one against the least of their own
nearest distances. The command line needs $CAREFIND_BIN (or target/debug/carefind)."""

import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import carefind
from _resources import haversine, missing

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MILE = 1609.344


def cli(*args):
    binary = os.environ.get("CAREFIND_BIN", str(REPO / "target" / "debug" / "carefind"))
    if not Path(binary).exists():
        missing(f"no carefind binary at {binary} (set CAREFIND_BIN)")
    done = subprocess.run([binary, *args], capture_output=True, check=False)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout.decode()


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """300 origins around New York, the sample's open OTPs with random bed counts, and every
    origin-facility pair's great-circle metres."""
    facilities = carefind.Index.sample().facilities()
    otp = facilities[facilities["care"].str.split(";").map(lambda levels: "otp" in levels)]
    otp = otp[~otp["status"].isin(["closed", "temporarily-closed"])].copy()
    rng = np.random.default_rng(11)
    otp["beds"] = rng.integers(0, 40, len(otp)).astype(float)
    origins = pd.DataFrame({
        "id": [f"o{i}" for i in range(300)],
        "lat": rng.uniform(40.4, 41.2, 300),
        "lon": rng.uniform(-74.4, -73.5, 300),
        "pop": rng.integers(50, 5000, 300).astype(float),
    })
    directory = tmp_path_factory.mktemp("measures")
    origins.to_csv(directory / "origins.csv", index=False)
    otp.to_csv(directory / "otp.csv", index=False)
    costs = pd.DataFrame([
        (o, f, d)
        for o, a, b in zip(origins["id"], origins["lat"], origins["lon"])
        for f, d in zip(otp["id"], haversine(a, b, otp["lat"].to_numpy(), otp["lon"].to_numpy()))
    ], columns=["origin", "id", "cost"])
    return origins, otp, costs, directory


def per_origin(directory, measure, *flags):
    out = directory / f"{measure}.csv"
    cli("coverage", "--origins", str(directory / "origins.csv"), "--weight-col", "pop", "--care", "otp",
        "--data", str(directory / "otp.csv"), "--capacity-col", "beds", "--measure", measure,
        "--per-origin", str(out), "--format", "csv", *flags)
    return pd.read_csv(out).set_index("origin_id")[measure.replace("-", "_")]


def test_three_step_equals_pysal_access(setting):
    access = pytest.importorskip("access")
    from access import fca, weights

    origins, otp, costs, directory = setting
    catchment = 10 * MILE
    inside = costs[costs["cost"] < catchment].rename(columns={"id": "dest"}).reset_index(drop=True)
    demand = origins.set_index("id")[["pop"]].rename(columns={"pop": "demand"})
    demand.index.name = "geoid"
    supply = otp.set_index("id")[["beds"]].rename(columns={"beds": "supply"})
    supply.index.name = "geoid"
    for decay, weight_fn in [
        ("gaussian:3", weights.gaussian(3 * MILE)),
        ("step:3=1,6=0.68,10=0.22", weights.step_fn({3 * MILE: 1, 6 * MILE: 0.68, 10 * MILE: 0.22})),
    ]:
        expected = fca.three_stage_fca(demand, supply, inside.copy(), max_cost=catchment, demand_index=True,
                                       supply_index=True, weight_fn=weight_fn).dropna()
        assert len(expected) > 100
        ours = carefind.accessibility(costs, "3sfca", cost="cost", demand=origins.set_index("id")["pop"],
                                      supply=otp.set_index("id")["beds"], catchment=catchment,
                                      decay=f"{decay.split(':')[0]}:{_metres(decay.split(':')[1])}")
        np.testing.assert_allclose(ours.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-9)
        assert ours.drop(index=expected.index).isna().all()
        command = per_origin(directory, "3sfca", "--catchment", "10mi", "--decay", decay)
        np.testing.assert_allclose(command.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-9)
        assert command.drop(index=expected.index).isna().all()


def _metres(miles_text):
    """A decay's miles (a width, or step thresholds) in metres."""
    if "=" not in miles_text:
        return repr(float(miles_text) * MILE)
    steps = (step.split("=") for step in miles_text.split(","))
    return ",".join(f"{float(t) * MILE!r}={w}" for t, w in steps)


def test_closest_and_cumulative_equal_pandas(setting):
    origins, otp, costs, directory = setting
    beds = otp.set_index("id")["beds"]
    people = origins.set_index("id")["pop"]
    frame = costs.assign(beds=costs["id"].map(beds)).sort_values(["origin", "cost"], kind="stable")
    frame["reached"] = frame.groupby("origin")["beds"].cumsum()
    for n in (1, 25, 100):
        expected = frame[frame["reached"] >= n].groupby("origin")["cost"].min().reindex(people.index)
        ours = carefind.accessibility(costs, "closest", cost="cost", demand=people, supply=beds, n=n)
        np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), rtol=1e-12)
        command = per_origin(directory, "closest", "--n", str(n)) * MILE
        np.testing.assert_allclose(command.loc[people.index].to_numpy(), expected.to_numpy(), rtol=1e-9)

    def within(cutoff):
        return frame[frame["cost"] <= cutoff].groupby("origin")["beds"].sum().reindex(people.index, fill_value=0.0)

    expected = within(8 * MILE)
    ours = carefind.accessibility(costs, "cumulative", cost="cost", demand=people, supply=beds, cutoff=8 * MILE)
    np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy())
    command = per_origin(directory, "cumulative", "--cutoff", "8mi")
    np.testing.assert_allclose(command.loc[people.index].to_numpy(), expected.to_numpy())

    # The median (and mean) over the cutoffs 5, 6, ... 15 miles.
    over = pd.concat([within(c * MILE) for c in range(5, 16)], axis=1)
    for summary, expected in (("median", over.median(axis=1)), ("mean", over.mean(axis=1))):
        ours = carefind.accessibility(costs, "cumulative_interval", cost="cost", demand=people, supply=beds,
                                      interval=(5 * MILE, 15 * MILE, MILE), summary=summary)
        np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), rtol=1e-12)
        command = per_origin(directory, "cumulative-interval", "--interval", "5mi,15mi", "--summary", summary)
        np.testing.assert_allclose(command.loc[people.index].to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_levels_measured_as_one_are_the_least_of_their_distances(setting):
    origins, _, _, directory = setting
    nearest = {}
    for care, flags in (("otp", []), ("iop", []), ("otp,iop", ["--as-one"]), ("otp+iop", [])):
        out = directory / "nearest.csv"
        cli("coverage", "--origins", str(directory / "origins.csv"), "--care", care, *flags,
            "--per-origin", str(out), "--format", "csv")
        rows = pd.read_csv(out)
        assert rows["level"].nunique() == 1
        nearest[care] = rows.set_index("origin_id")["distance_m"]
    least = np.minimum(nearest["otp"], nearest["iop"])
    np.testing.assert_allclose(nearest["otp,iop"].loc[least.index], least, rtol=1e-12)
    pd.testing.assert_series_equal(nearest["otp+iop"], nearest["otp,iop"])


def test_bad_matrices_are_refused_by_name():
    costs = pd.DataFrame({"origin": ["a"], "id": ["x"], "minutes": [5.0]})
    with pytest.raises(carefind.CarefindError, match="needs decay"):
        carefind.accessibility(costs, "3sfca", catchment=30)
    with pytest.raises(carefind.CarefindError, match="needs cutoff"):
        carefind.accessibility(costs, "cumulative")
    with pytest.raises(carefind.CarefindError, match="is not one of"):
        carefind.accessibility(costs, "gravity")
    with pytest.raises(carefind.CarefindError, match="no column 'cost'"):
        carefind.accessibility(costs, "closest", cost="cost")
    with pytest.raises(carefind.CarefindError, match="not in demand"):
        carefind.accessibility(costs, "closest", demand=pd.Series({"b": 1.0}))
    with pytest.raises(carefind.CarefindError, match="pair 0: cost"):
        carefind.accessibility(costs.assign(minutes=-1.0), "closest")
    assert math.isnan(carefind.accessibility(costs, "closest", n=2)["a"])
