//! Drive time on a generated road network of 1,000,000 nodes (a 1000 × 1000 grid of
//! two-way streets, every tenth an arterial): loading the network file, snapping a point,
//! the nearest 10 of 2,000 facilities by drive time, and one multi-source pass (every node's
//! time to the nearest facility), beside the nearest-1 search one origin would need.
//!
//! ```text
//! cargo bench --bench network
//! ```

use std::hint::black_box;

use carefind::network::drive::{Access, DriveIndex};
use carefind::network::{Network, NetworkBuilder};
use carefind::{CareLevel, Facility, Filter, Index, LatLon};
use criterion::{Criterion, criterion_group, criterion_main};

const SIDE: usize = 1000;
const SPACING: f64 = 0.001;

fn grid() -> Network {
    let mut roads = NetworkBuilder::new();
    let point = |r: usize, c: usize| {
        LatLon::new(40.0 + r as f64 * SPACING, -100.0 + c as f64 * SPACING).expect("in range")
    };
    let node = |roads: &mut NetworkBuilder, r: usize, c: usize| {
        roads.node((r * SIDE + c) as i64, point(r, c))
    };
    for r in 0..SIDE {
        for c in 0..SIDE {
            let here = node(&mut roads, r, c);
            if c + 1 < SIDE {
                let east = node(&mut roads, r, c + 1);
                roads.road(
                    here,
                    east,
                    if r.is_multiple_of(10) { 60.0 } else { 30.0 },
                    true,
                );
            }
            if r + 1 < SIDE {
                let north = node(&mut roads, r + 1, c);
                roads.road(
                    here,
                    north,
                    if c.is_multiple_of(10) { 60.0 } else { 30.0 },
                    true,
                );
            }
        }
    }
    roads.finish().0
}

struct Random(u64);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn point(&mut self) -> LatLon {
        let extent = (SIDE - 1) as f64 * SPACING;
        LatLon::new(40.0 + self.next() * extent, -100.0 + self.next() * extent).expect("in range")
    }
}

fn network(c: &mut Criterion) {
    let network = grid();
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("grid.net");
    network.save(&file).expect("saved");
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let facilities: Vec<Facility> = (0..2000)
        .map(|i| {
            let mut f = Facility::new(format!("G{i:06}"), "grid", random.point());
            f.care = CareLevel::Outpatient.into();
            f
        })
        .collect();
    let index = Index::new(facilities).expect("an index");
    let drive = DriveIndex::new(&network, &index, Access::default());
    let filter = Filter::new();
    let mut group = c.benchmark_group("network/grid_1000000");
    group.sample_size(10);
    group.bench_function("load", |b| {
        b.iter(|| black_box(Network::load(&file).expect("loads")))
    });
    group.bench_function("times_to_nearest (one multi-source pass)", |b| {
        b.iter(|| black_box(drive.times_to_nearest(&filter)))
    });
    group.sample_size(50);
    group.bench_function("snap", |b| {
        b.iter(|| black_box(network.snap(random.point(), 1000.0)))
    });
    group.bench_function("nearest 10 by drive time", |b| {
        b.iter(|| black_box(drive.nearest(random.point(), 10, &filter, None)))
    });
    group.bench_function(
        "nearest 1 by drive time (a per-origin coverage search)",
        |b| b.iter(|| black_box(drive.nearest(random.point(), 1, &filter, None))),
    );
    group.finish();
}

/// The real Helsinki extract (../shared/osm or $CAREFIND_OSM): a whole-network Dijkstra,
/// the figure `python/bench/networkx_dijkstra.py` gives for networkx beside it.
fn helsinki(c: &mut Criterion) {
    let dir = std::env::var_os("CAREFIND_OSM")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/osm").into());
    let Ok((network, _)) = carefind::network::build::from_pbf(dir.join("helsinki.osm.pbf")) else {
        eprintln!(
            "skipped: helsinki.osm.pbf not in {} (set CAREFIND_OSM)",
            dir.display()
        );
        return;
    };
    let nodes = network.node_count() as u32;
    let mut source = 0u32;
    c.bench_function("network/helsinki/dijkstra from one node to all", |b| {
        b.iter(|| {
            source = (source + 97) % nodes;
            black_box(network.dijkstra(source))
        })
    });
}

criterion_group!(benches, network, helsinki);
criterion_main!(benches);
