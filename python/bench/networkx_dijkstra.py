"""networkx's Dijkstra from one node to all on the Helsinki network carefind builds (the
same edges and times, read from `carefind network edges`), for the figure beside
carefind's `network/helsinki/dijkstra` criterion bench.

    carefind network build --osm ../shared/osm/helsinki.osm.pbf -o helsinki.net
    carefind network edges helsinki.net > helsinki-edges.csv
    python python/bench/networkx_dijkstra.py helsinki-edges.csv
"""

import statistics
import sys
import time

import networkx as nx
import pandas as pd

edges = pd.read_csv(sys.argv[1])
graph = nx.DiGraph()
for tail, head, seconds in zip(edges["tail"], edges["head"], edges["seconds"]):
    graph.add_edge(int(tail), int(head), weight=float(seconds))
nodes = graph.number_of_nodes()
times = []
for i in range(200):
    source = (97 * (i + 1)) % nodes
    started = time.perf_counter()
    nx.single_source_dijkstra_path_length(graph, source, weight="weight")
    times.append(time.perf_counter() - started)
print(f"{nodes} nodes, {graph.number_of_edges()} edges: networkx single-source Dijkstra, median of 200: {statistics.median(times) * 1e6:.0f} µs")
