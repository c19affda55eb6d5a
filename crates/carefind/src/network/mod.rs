//! Road networks and drive time: a directed graph of OpenStreetMap roads with travel times,
//! points snapped onto it, and exact searches on it.
//!
//! - [`build`] (feature `osm`) reads an `.osm.pbf` extract: the ways a car may drive
//!   ([`profile`]), one edge per pair of consecutive nodes with its haversine length and
//!   time, the largest strongly connected component kept and the rest reported.
//! - [`Network`] is the graph in compressed arrays, saved and loaded as a versioned,
//!   checksummed file ([`Network::save`], [`Network::load`]).
//! - [`snap`] places a point on the nearest road segment.
//! - [`drive`] answers the k facilities with the least drive time from a point (one
//!   bounded Dijkstra), every node's drive time to the nearest facility of a kind (one
//!   multi-source Dijkstra on the reversed graph), and plain Dijkstra for checking both.
//!
//! ```
//! use carefind::LatLon;
//! use carefind::network::NetworkBuilder;
//!
//! // Three nodes 1 km apart on a two-way road at 36 km/h (10 m/s): 100 s a leg.
//! let mut roads = NetworkBuilder::new();
//! let a = roads.node(1, LatLon::new(0.0, 0.0)?);
//! let b = roads.node(2, LatLon::new(0.0, 0.008_993_2)?);
//! let c = roads.node(3, LatLon::new(0.0, 0.017_986_4)?);
//! roads.road(a, b, 36.0, true);
//! roads.road(b, c, 36.0, true);
//! let (network, report) = roads.finish();
//! assert_eq!((network.node_count(), network.edge_count()), (3, 4));
//! assert_eq!(report.dropped_nodes, 0);
//! let times = network.dijkstra(0);
//! assert!((times[2] - 200.0).abs() < 0.01);
//! # Ok::<(), carefind::error::CoordinateError>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use crate::LatLon;

#[cfg(feature = "osm")]
pub mod build;
pub mod drive;
pub mod profile;
pub mod snap;

/// The first bytes of a network file.
pub const MAGIC: &[u8; 8] = b"CFNET\r\n\x1a";
/// The version of the network file format this library reads and writes.
pub const VERSION: u32 = 1;

/// A segment of a road in the snapping tree: its ends in a local plane, and its edge.
pub(crate) type Segment = GeomWithData<Line<[f64; 2]>, u32>;

/// A directed road graph: nodes with coordinates, edges with length and travel time, in
/// compressed sparse rows (the edges out of node `n` are `first_out[n]..first_out[n+1]`).
pub struct Network {
    lat: Vec<f64>,
    lon: Vec<f64>,
    first_out: Vec<u32>,
    head: Vec<u32>,
    tail: Vec<u32>,
    meters: Vec<f64>,
    seconds: Vec<f64>,
    /// The reversed graph: edges into node `n` are `first_in[n]..first_in[n+1]`, each the
    /// id of a forward edge.
    first_in: Vec<u32>,
    in_edges: Vec<u32>,
    /// The edge the other way along the same road, if the road is two-way.
    twin: Vec<u32>,
    /// Road segments, for snapping; built the first time a point is snapped.
    segments: OnceLock<(RTree<Segment>, f64)>,
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Network")
            .field("nodes", &self.node_count())
            .field("edges", &self.edge_count())
            .finish_non_exhaustive()
    }
}

/// No edge: the twin of a one-way edge.
pub(crate) const NONE: u32 = u32::MAX;

impl Network {
    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.lat.len()
    }

    /// The number of directed edges.
    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    /// Where node `node` is.
    pub fn node_point(&self, node: u32) -> LatLon {
        LatLon::within_range(self.lat[node as usize], self.lon[node as usize])
    }

    /// Edge `edge`: its tail and head nodes, length in metres and time in seconds.
    pub fn edge(&self, edge: u32) -> (u32, u32, f64, f64) {
        let e = edge as usize;
        (self.tail[e], self.head[e], self.meters[e], self.seconds[e])
    }

    /// The edges out of `node`.
    pub fn edges_out(&self, node: u32) -> std::ops::Range<u32> {
        self.first_out[node as usize]..self.first_out[node as usize + 1]
    }

    pub(crate) fn edges_in(&self, node: u32) -> &[u32] {
        &self.in_edges
            [self.first_in[node as usize] as usize..self.first_in[node as usize + 1] as usize]
    }

    /// The edge the other way along the same road, when the road is two-way.
    pub fn twin_of(&self, edge: u32) -> Option<u32> {
        self.twin(edge)
    }

    pub(crate) fn twin(&self, edge: u32) -> Option<u32> {
        let twin = self.twin[edge as usize];
        (twin != NONE).then_some(twin)
    }

    /// Drive times in seconds from `source` to every node (infinite where unreachable):
    /// a plain Dijkstra over the whole graph, the reference the searches are checked
    /// against.
    pub fn dijkstra(&self, source: u32) -> Vec<f64> {
        let mut times = vec![f64::INFINITY; self.node_count()];
        let mut heap = drive::Heap::default();
        times[source as usize] = 0.0;
        heap.push(0.0, source);
        while let Some((time, node)) = heap.pop() {
            if time > times[node as usize] {
                continue;
            }
            for edge in self.edges_out(node) {
                let next = self.head[edge as usize];
                let through = time + self.seconds[edge as usize];
                if through < times[next as usize] {
                    times[next as usize] = through;
                    heap.push(through, next);
                }
            }
        }
        times
    }

    /// Writes the network: magic, version, counts, the arrays (little-endian), and a
    /// CRC-32 of everything before it.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), NetworkError> {
        let path = path.as_ref();
        let mut bytes = Vec::with_capacity(16 + self.node_count() * 20 + self.edge_count() * 20);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&VERSION.to_le_bytes());
        bytes.extend_from_slice(&(self.node_count() as u64).to_le_bytes());
        bytes.extend_from_slice(&(self.edge_count() as u64).to_le_bytes());
        for values in [&self.lat, &self.lon] {
            values
                .iter()
                .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        }
        for values in [&self.first_out, &self.head] {
            values
                .iter()
                .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        }
        for values in [&self.meters, &self.seconds] {
            values
                .iter()
                .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        }
        let checksum = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        let io = |error: io::Error| NetworkError::Io {
            file: path.display().to_string(),
            source: error,
        };
        let staged = |error: crate::Error| io(io::Error::other(error.to_string()));
        let mut file = crate::staged::StagedFile::new(path).map_err(staged)?;
        file.file().write_all(&bytes).map_err(io)?;
        file.commit().map_err(staged)
    }

    /// Reads a network written by [`Network::save`], after checking its magic, version,
    /// checksum and every index in it.
    pub fn load(path: impl AsRef<Path>) -> Result<Network, NetworkError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|source| NetworkError::Io {
                file: file.clone(),
                source,
            })?;
        Network::from_bytes(&bytes).map_err(|problem| NetworkError::Bad { file, problem })
    }

    /// A network from the bytes of a network file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Network, String> {
        if bytes.len() < 32 || &bytes[..8] != MAGIC {
            return Err(
                "not a carefind network file (build one with carefind network build)".into(),
            );
        }
        let (body, checksum) = bytes.split_at(bytes.len() - 4);
        let stored = u32::from_le_bytes(checksum.try_into().map_err(|_| "cut short")?);
        let version = u32::from_le_bytes(body[8..12].try_into().map_err(|_| "cut short")?);
        if version != VERSION {
            return Err(format!(
                "network format version {version}; this carefind reads version {VERSION}: build the network again"
            ));
        }
        if crc32fast::hash(body) != stored {
            return Err("damaged: the checksum does not match".into());
        }
        let count = |at: usize| {
            u64::from_le_bytes(body[at..at + 8].try_into().unwrap_or_default()) as usize
        };
        let (nodes, edges) = (count(12), count(20));
        let expected = 28usize
            .checked_add(nodes.checked_mul(16).ok_or("too many nodes")?)
            .and_then(|n| n.checked_add((nodes + 1).checked_mul(4)?))
            .and_then(|n| n.checked_add(edges.checked_mul(20)?))
            .ok_or("too large")?;
        if body.len() != expected || nodes >= NONE as usize || edges >= NONE as usize {
            return Err(format!(
                "damaged: {} bytes for {nodes} nodes and {edges} edges",
                body.len()
            ));
        }
        // The arrays in the order `save` writes them, each read from where the last ended.
        let mut reader = Arrays { body, at: 28 };
        let (lat, lon) = (reader.f64s(nodes), reader.f64s(nodes));
        let (first_out, head) = (reader.u32s(nodes + 1), reader.u32s(edges));
        let (meters, seconds) = (reader.f64s(edges), reader.f64s(edges));
        let ordered = first_out.first() == Some(&0)
            && first_out.last() == Some(&(edges as u32))
            && first_out.windows(2).all(|w| w[0] <= w[1]);
        if !ordered || head.iter().any(|h| *h as usize >= nodes) {
            return Err("damaged: an edge points outside the network".into());
        }
        let bad_point = lat
            .iter()
            .zip(&lon)
            .any(|(lat, lon)| LatLon::new(*lat, *lon).is_err());
        let bad_edge = meters
            .iter()
            .chain(&seconds)
            .any(|v| !(v.is_finite() && *v >= 0.0));
        if bad_point || bad_edge {
            return Err("damaged: a coordinate, length or time is out of range".into());
        }
        Ok(Network::from_rows(
            lat, lon, first_out, head, meters, seconds,
        ))
    }

    /// The network of forward rows, with the reversed rows and twins worked out.
    fn from_rows(
        lat: Vec<f64>,
        lon: Vec<f64>,
        first_out: Vec<u32>,
        head: Vec<u32>,
        meters: Vec<f64>,
        seconds: Vec<f64>,
    ) -> Network {
        let nodes = lat.len();
        let mut tail = vec![0u32; head.len()];
        for node in 0..nodes {
            for edge in first_out[node]..first_out[node + 1] {
                tail[edge as usize] = node as u32;
            }
        }
        let mut first_in = vec![0u32; nodes + 1];
        for h in &head {
            first_in[*h as usize + 1] += 1;
        }
        for n in 0..nodes {
            first_in[n + 1] += first_in[n];
        }
        let mut fill = first_in.clone();
        let mut in_edges = vec![0u32; head.len()];
        for (edge, h) in head.iter().enumerate() {
            in_edges[fill[*h as usize] as usize] = edge as u32;
            fill[*h as usize] += 1;
        }
        let mut twin = vec![NONE; head.len()];
        for edge in 0..head.len() {
            let (from, to) = (tail[edge], head[edge]);
            twin[edge] = (first_out[to as usize]..first_out[to as usize + 1])
                .find(|back| head[*back as usize] == from && meters[*back as usize] == meters[edge])
                .unwrap_or(NONE);
        }
        Network {
            lat,
            lon,
            first_out,
            head,
            tail,
            meters,
            seconds,
            first_in,
            in_edges,
            twin,
            segments: OnceLock::new(),
        }
    }

    /// Every edge as `tail,head,meters,seconds` rows with the nodes' coordinates, for
    /// checking with other tools.
    pub fn write_edges(&self, mut out: impl Write) -> io::Result<()> {
        writeln!(
            out,
            "tail,head,tail_lat,tail_lon,head_lat,head_lon,meters,seconds"
        )?;
        for edge in 0..self.edge_count() {
            let (t, h) = (self.tail[edge] as usize, self.head[edge] as usize);
            writeln!(
                out,
                "{t},{h},{},{},{},{},{},{}",
                self.lat[t],
                self.lon[t],
                self.lat[h],
                self.lon[h],
                self.meters[edge],
                self.seconds[edge]
            )?;
        }
        Ok(())
    }
}

/// Little-endian arrays read one after another from a network file's checked body.
struct Arrays<'a> {
    body: &'a [u8],
    at: usize,
}

impl Arrays<'_> {
    fn take(&mut self, bytes: usize) -> &[u8] {
        let slice = &self.body[self.at..self.at + bytes];
        self.at += bytes;
        slice
    }

    fn f64s(&mut self, n: usize) -> Vec<f64> {
        self.take(8 * n)
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect()
    }

    fn u32s(&mut self, n: usize) -> Vec<u32> {
        self.take(4 * n)
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect()
    }
}

/// What building a network kept and dropped.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct BuildReport {
    /// The ways the network is of.
    pub profile: profile::Profile,
    /// Drivable (or walkable) ways read.
    pub ways: u64,
    /// Ways left out (not drivable by car or closed to cars; not walkable).
    pub ways_skipped: u64,
    /// Node references of drivable ways with no node in the file.
    pub missing_nodes: u64,
    /// Nodes and edges kept: the largest strongly connected component.
    pub nodes: u64,
    /// Directed edges kept.
    pub edges: u64,
    /// Nodes outside the largest strongly connected component, dropped.
    pub dropped_nodes: u64,
    /// Edges touching a dropped node.
    pub dropped_edges: u64,
    /// Strongly connected components dropped.
    pub dropped_components: u64,
}

impl fmt::Display for BuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ways ({} other ways left out, {} node references missing); kept {} nodes and {} edges of the largest strongly connected component; dropped {} nodes and {} edges in {} smaller components",
            self.ways,
            match self.profile {
                profile::Profile::Car => "drivable",
                profile::Profile::Foot => "walkable",
            },
            self.ways_skipped,
            self.missing_nodes,
            self.nodes,
            self.edges,
            self.dropped_nodes,
            self.dropped_edges,
            self.dropped_components
        )
    }
}

/// Builds a [`Network`] from nodes and roads (the PBF reader uses it; tests and
/// generated networks can too). Keeps the largest strongly connected component.
#[derive(Default)]
pub struct NetworkBuilder {
    ids: HashMap<i64, u32>,
    points: Vec<LatLon>,
    /// (tail, head, metres, km/h)
    edges: Vec<(u32, u32, f64, f64)>,
    report: BuildReport,
}

impl NetworkBuilder {
    /// An empty builder.
    pub fn new() -> NetworkBuilder {
        NetworkBuilder::default()
    }

    /// The builder's number for the node with OpenStreetMap id `id` at `point` (the
    /// first point given for an id is kept).
    pub fn node(&mut self, id: i64, point: LatLon) -> u32 {
        let next = self.points.len() as u32;
        *self.ids.entry(id).or_insert_with(|| {
            self.points.push(point);
            next
        })
    }

    /// A road from `a` to `b` at `speed_kmh`, both ways when `two_way`; its length is the
    /// haversine distance between the two nodes.
    pub fn road(&mut self, a: u32, b: u32, speed_kmh: f64, two_way: bool) {
        if a == b || !(speed_kmh > 0.0 && speed_kmh.is_finite()) {
            return;
        }
        let meters = self.points[a as usize].distance_m(self.points[b as usize]);
        self.edges.push((a, b, meters, speed_kmh));
        if two_way {
            self.edges.push((b, a, meters, speed_kmh));
        }
    }

    #[cfg(feature = "osm")]
    pub(crate) fn report_mut(&mut self) -> &mut BuildReport {
        &mut self.report
    }

    /// The network of the largest strongly connected component, and the report.
    pub fn finish(mut self) -> (Network, BuildReport) {
        let nodes = self.points.len();
        self.edges
            .sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
        // The same road twice (two ways sharing nodes): the faster one.
        self.edges.dedup_by(|later, kept| {
            later.0 == kept.0 && later.1 == kept.1 && later.2 == kept.2 && {
                kept.3 = kept.3.max(later.3);
                true
            }
        });
        let component = largest_component(nodes, &self.edges);
        let mut renumber = vec![NONE; nodes];
        let mut kept = 0u32;
        let (mut lat, mut lon) = (Vec::new(), Vec::new());
        for node in 0..nodes {
            if component[node] {
                renumber[node] = kept;
                kept += 1;
                lat.push(self.points[node].lat());
                lon.push(self.points[node].lon());
            }
        }
        let mut first_out = vec![0u32; kept as usize + 1];
        let (mut head, mut meters, mut seconds) = (Vec::new(), Vec::new(), Vec::new());
        let mut dropped_edges = 0u64;
        for (a, b, m, kmh) in &self.edges {
            let (a, b) = (renumber[*a as usize], renumber[*b as usize]);
            if a == NONE || b == NONE {
                dropped_edges += 1;
                continue;
            }
            first_out[a as usize + 1] += 1;
            head.push(b);
            meters.push(*m);
            seconds.push(m / (kmh / 3.6));
        }
        for n in 0..kept as usize {
            first_out[n + 1] += first_out[n];
        }
        let mut report = self.report;
        report.nodes = u64::from(kept);
        report.edges = head.len() as u64;
        report.dropped_nodes = (nodes - kept as usize) as u64;
        report.dropped_edges = dropped_edges;
        report.dropped_components = count_components(nodes, &self.edges).saturating_sub(1);
        (
            Network::from_rows(lat, lon, first_out, head, meters, seconds),
            report,
        )
    }
}

/// The strongly connected components (iterative Tarjan), as a component number per node.
fn components(nodes: usize, edges: &[(u32, u32, f64, f64)]) -> (Vec<u32>, u32) {
    let mut first = vec![0usize; nodes + 1];
    for e in edges {
        first[e.0 as usize + 1] += 1;
    }
    for n in 0..nodes {
        first[n + 1] += first[n];
    }
    // Edges are sorted by tail, so their heads are the rows in order.
    let heads: Vec<u32> = edges.iter().map(|e| e.1).collect();
    let (mut index, mut low) = (vec![u32::MAX; nodes], vec![0u32; nodes]);
    let mut on_stack = vec![false; nodes];
    let (mut stack, mut component) = (Vec::new(), vec![u32::MAX; nodes]);
    let (mut next_index, mut next_component) = (0u32, 0u32);
    let mut calls: Vec<(usize, usize)> = Vec::new();
    for root in 0..nodes {
        if index[root] != u32::MAX {
            continue;
        }
        calls.push((root, first[root]));
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut at)) = calls.last_mut() {
            if *at < first[node + 1] {
                let next = heads[*at] as usize;
                *at += 1;
                if index[next] == u32::MAX {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    calls.push((next, first[next]));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    (component, next_component)
}

fn count_components(nodes: usize, edges: &[(u32, u32, f64, f64)]) -> u64 {
    u64::from(components(nodes, edges).1)
}

fn largest_component(nodes: usize, edges: &[(u32, u32, f64, f64)]) -> Vec<bool> {
    let (component, count) = components(nodes, edges);
    let mut sizes = vec![0usize; count as usize];
    for c in &component {
        sizes[*c as usize] += 1;
    }
    // The largest; among equal sizes, the one holding the lowest node.
    let largest = (0..count as usize).max_by_key(|c| (sizes[*c], std::cmp::Reverse(*c)));
    component
        .iter()
        .map(|c| Some(*c as usize) == largest)
        .collect()
}

/// What went wrong with a network file or an extract.
#[derive(Debug)]
#[non_exhaustive]
pub enum NetworkError {
    /// A file could not be read or written.
    Io {
        /// The file.
        file: String,
        /// Why.
        source: io::Error,
    },
    /// A network file that is not one, of another version, or damaged.
    Bad {
        /// The file.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// An extract that is not OpenStreetMap PBF, or holds no drivable road.
    Extract {
        /// The file.
        file: String,
        /// What is wrong.
        problem: String,
    },
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkError::Io { file, source } => write!(f, "{file}: {source}"),
            NetworkError::Bad { file, problem } | NetworkError::Extract { file, problem } => {
                write!(f, "{file}: {problem}")
            }
        }
    }
}

/// The I/O error's words are in the message already, so it is not given again as a source.
impl std::error::Error for NetworkError {}

impl NetworkError {
    /// The file the error is about.
    ///
    /// ```
    /// let error = carefind::network::Network::load("/nonexistent.net").unwrap_err();
    /// assert_eq!(error.file(), Some("/nonexistent.net"));
    /// ```
    pub fn file(&self) -> Option<&str> {
        match self {
            NetworkError::Io { file, .. }
            | NetworkError::Bad { file, .. }
            | NetworkError::Extract { file, .. } => Some(file),
        }
    }
}
