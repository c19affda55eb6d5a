//! Every query kind on three datasets, each beside a brute-force scan of the same data in the
//! same run, and kiddo's ImmutableKdTree over the same unit vectors as the peer.
//!
//! ```text
//! cargo bench --bench queries                        # all datasets
//! cargo bench --bench queries -- samhsa_14034        # one dataset (criterion filter)
//! ```
//!
//! Datasets: the real 14,034 SAMHSA points (from ../shared/datasets or $CAREFIND_DATASETS;
//! skipped with a message when absent), the embedded sample, and 2,000,000 synthetic points
//! over the contiguous US. The real and synthetic points get synthetic attributes from a
//! fixed seed: a 2% level (hospital-inpatient), a 30% level (iop), payment and language.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use carefind::{
    BBox, CareLevel, Distance, Facility, Filter, Index, Language, LatLon, Payment, Query,
};
use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use kiddo::{ImmutableKdTree, SquaredEuclidean};

/// xorshift64: fixed seeds, no dependency, the same numbers on every machine.
struct Random(u64);

impl Random {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn us_point(&mut self) -> LatLon {
        LatLon::new(25.0 + 24.0 * self.unit(), -124.0 + 57.0 * self.unit())
            .expect("inside the US box")
    }
}

/// Gives facilities the attributes the filtered benches ask for.
fn with_attributes(mut facilities: Vec<Facility>, seed: u64) -> Vec<Facility> {
    let mut random = Random(seed);
    for facility in &mut facilities {
        let mut care = vec![CareLevel::Outpatient];
        if random.unit() < 0.02 {
            care.push(CareLevel::HospitalInpatient);
        }
        if random.unit() < 0.30 {
            care.push(CareLevel::Iop);
        }
        facility.care = care.into_iter().collect();
        if random.unit() < 0.6 {
            facility.payment = Payment::Medicaid.into();
        }
        if random.unit() < 0.45 {
            facility.languages = Language::Spanish.into();
        }
    }
    facilities
}

fn samhsa() -> Option<Vec<Facility>> {
    let dir = std::env::var_os("CAREFIND_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets"));
    let path = dir.join("samhsa_sa_facilities_2021.csv");
    let Ok(mut reader) = csv::Reader::from_path(&path) else {
        eprintln!(
            "skipped: samhsa_14034: {} not found (set CAREFIND_DATASETS)",
            path.display()
        );
        return None;
    };
    let headers = reader.byte_headers().ok()?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name.as_bytes());
    let (lat, lon) = (column("latitude")?, column("longitude")?);
    let facilities = reader
        .byte_records()
        .enumerate()
        .filter_map(|(i, record)| {
            let record = record.ok()?;
            let number = |c: usize| {
                std::str::from_utf8(&record[c])
                    .ok()?
                    .trim()
                    .parse::<f64>()
                    .ok()
            };
            let location = LatLon::new(number(lat)?, number(lon)?).ok()?;
            Some(Facility::new(
                format!("sa{i:05}"),
                "SAMHSA facility",
                location,
            ))
        })
        .collect();
    Some(with_attributes(facilities, 0x5A))
}

fn synthetic(count: usize) -> Vec<Facility> {
    let mut random = Random(0x2000_0000);
    let facilities = (0..count)
        .map(|i| Facility::new(format!("s{i:07}"), "Synthetic", random.us_point()))
        .collect();
    with_attributes(facilities, 0x2B)
}

/// A county-sized polygon: 50 vertices on a wobbly circle of about 30 km around `centre`.
fn county(centre: LatLon) -> geo::Polygon<f64> {
    let ring: Vec<(f64, f64)> = (0..50)
        .map(|i| {
            let angle = std::f64::consts::TAU * f64::from(i) / 50.0;
            let radius = 0.27 * (1.0 + 0.15 * (3.0 * angle).sin());
            let lon = centre.lon() + radius * angle.cos() / centre.lat().to_radians().cos();
            (
                lon.clamp(-180.0, 180.0),
                (centre.lat() + radius * angle.sin()).clamp(-90.0, 90.0),
            )
        })
        .collect();
    geo::Polygon::new(geo::LineString::from(ring), vec![])
}

/// About 1 degree of latitude by 1.3 of longitude around `centre`.
fn bbox_around(centre: LatLon) -> BBox {
    BBox::new(
        centre.lon() - 0.65,
        centre.lat() - 0.5,
        centre.lon() + 0.65,
        centre.lat() + 0.5,
    )
    .expect("in range")
}

/// The answer by a linear scan: every facility tested, distances by haversine, the first
/// `limit` by (distance, id). The same semantics as `Index::search`.
fn scan(facilities: &[Facility], query: &Query) -> usize {
    let origin = query.origin.expect("benches query from an origin");
    let max = query
        .max_distance
        .map_or(f64::INFINITY, Distance::as_meters);
    let mut hits: Vec<(f64, &str)> = facilities
        .iter()
        .filter(|f| query.filter.matches(*f))
        .filter(|f| match &query.area {
            carefind::Area::Everywhere => true,
            carefind::Area::Box(bbox) => bbox.contains(f.location),
            carefind::Area::Polygon(polygon) => {
                use geo::Contains;
                bbox_of(polygon).contains(f.location)
                    && polygon.contains(&geo::Point::new(f.location.lon(), f.location.lat()))
            }
        })
        .map(|f| (origin.distance_m(f.location), f.id.as_str()))
        .filter(|(d, _)| *d <= max)
        .collect();
    let limit = query.limit.unwrap_or(usize::MAX).min(hits.len());
    let order = |a: &(f64, &str), b: &(f64, &str)| a.0.total_cmp(&b.0).then(a.1.cmp(b.1));
    if limit < hits.len() {
        hits.select_nth_unstable_by(limit, order);
        hits.truncate(limit);
    }
    hits.sort_unstable_by(order);
    hits.len()
}

fn bbox_of(polygon: &geo::Polygon<f64>) -> BBox {
    use geo::BoundingRect;
    let rect = polygon.bounding_rect().expect("non-empty polygon");
    BBox::new(rect.min().x, rect.min().y, rect.max().x, rect.max().y).expect("in range")
}

fn unit_vector(point: LatLon) -> [f64; 3] {
    let (lat, lon) = (point.lat().to_radians(), point.lon().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

struct Dataset {
    name: String,
    facilities: Vec<Facility>,
    index: Index,
    kiddo: ImmutableKdTree<f64, 3>,
    origins: Vec<LatLon>,
}

impl Dataset {
    fn new(name: &str, facilities: Vec<Facility>) -> Self {
        let index = Index::new(facilities.clone()).expect("unique ids");
        index.warm_up();
        let vectors: Vec<[f64; 3]> = facilities.iter().map(|f| unit_vector(f.location)).collect();
        let mut random = Random(0x0123_4567_89AB_CDEF);
        Dataset {
            name: format!("{name}_{}", facilities.len()),
            kiddo: ImmutableKdTree::new_from_slice(&vectors)
                .expect("kiddo builds from finite points"),
            facilities,
            index,
            origins: (0..256).map(|_| random.us_point()).collect(),
        }
    }
}

/// Benchmarks `query(origin)` through the index and through a scan, cycling the origins.
fn pair(
    group: &mut BenchmarkGroup<WallTime>,
    set: &Dataset,
    name: &str,
    query: impl Fn(LatLon) -> Query,
) {
    let queries: Vec<Query> = set.origins.iter().map(|o| query(*o)).collect();
    let hits: usize = queries
        .iter()
        .map(|q| {
            set.index
                .count(q)
                .expect("valid query")
                .min(q.limit.unwrap_or(usize::MAX))
        })
        .sum();
    eprintln!(
        "{}/{name}: {:.1} results per query",
        set.name,
        hits as f64 / queries.len() as f64
    );
    let mut i = 0;
    // Into a reused buffer, as a service answering many queries would call it.
    let mut buffer = Vec::new();
    group.bench_function(name, |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            set.index
                .search_into(black_box(&queries[i]), &mut buffer)
                .expect("valid query");
            buffer.len()
        })
    });
    group.bench_function(format!("{name}/brute_force"), |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            scan(&set.facilities, black_box(&queries[i]))
        })
    });
}

fn run(c: &mut Criterion, set: &Dataset) {
    let mut group = c.benchmark_group(&set.name);
    if set.facilities.len() > 100_000 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(4));
    }
    let rare = Filter::new().care(CareLevel::HospitalInpatient);
    let common = Filter::new().care(CareLevel::Iop);
    let three = Filter::new()
        .care(CareLevel::Iop)
        .payment(Payment::Medicaid)
        .languages(Language::Spanish);

    pair(&mut group, set, "nearest10", |o| Query::nearest(o, 10));
    // The same through `search`, which allocates the answer's Vec.
    let nearest: Vec<Query> = set.origins.iter().map(|o| Query::nearest(*o, 10)).collect();
    let mut i = 0;
    group.bench_function("nearest10/search", |b| {
        b.iter(|| {
            i = (i + 1) % nearest.len();
            set.index
                .search(black_box(&nearest[i]))
                .expect("valid query")
                .len()
        })
    });
    pair(&mut group, set, "within50km", |o| {
        Query::within(o, Distance::from_kilometers(50.0))
    });
    pair(&mut group, set, "nearest10_within25mi", |o| {
        Query::nearest(o, 10).max_distance(Distance::from_miles(25.0))
    });
    pair(&mut group, set, "box_1x1.3deg", |o| {
        Query::in_box(bbox_around(o)).near(o)
    });
    pair(&mut group, set, "polygon_50_vertices", |o| {
        Query::in_polygon(county(o)).near(o)
    });
    pair(&mut group, set, "nearest10_rare_2pct", |o| {
        Query::nearest(o, 10).filter(rare.clone())
    });
    pair(&mut group, set, "nearest10_common_30pct", |o| {
        Query::nearest(o, 10).filter(common.clone())
    });
    pair(&mut group, set, "nearest10_three_groups", |o| {
        Query::nearest(o, 10).filter(three.clone())
    });

    // The peer: kiddo over the same unit vectors, no filters, no haversine.
    let vectors: Vec<[f64; 3]> = set.origins.iter().map(|o| unit_vector(*o)).collect();
    let ten = NonZeroUsize::new(10).expect("non-zero");
    let chord_50km = {
        let chord = 2.0 * (50_000.0 / carefind::EARTH_RADIUS_M / 2.0).sin();
        chord * chord
    };
    let mut i = 0;
    group.bench_function("nearest10/kiddo", |b| {
        b.iter(|| {
            i = (i + 1) % vectors.len();
            set.kiddo
                .query(black_box(&vectors[i]))
                .nearest_n::<SquaredEuclidean<f64>>(ten)
                .execute()
                .len()
        })
    });
    group.bench_function("within50km/kiddo", |b| {
        b.iter(|| {
            i = (i + 1) % vectors.len();
            set.kiddo
                .query(black_box(&vectors[i]))
                .within::<SquaredEuclidean<f64>>(chord_50km)
                .execute()
                .len()
        })
    });
    group.finish();
}

fn queries(c: &mut Criterion) {
    if let Some(real) = samhsa() {
        run(c, &Dataset::new("samhsa", real));
    }
    run(
        c,
        &Dataset::new("sample", Index::sample().into_facilities()),
    );
    run(c, &Dataset::new("synthetic", synthetic(2_000_000)));
}

criterion_group!(benches, queries);
criterion_main!(benches);
