//! A road network from an OpenStreetMap extract (`.osm.pbf`), read twice: the drivable
//! ways first, then the coordinates of the nodes they use.

use std::collections::HashMap;
use std::path::Path;

use osmpbf::{Element, ElementReader};

use super::profile::{Direction, Profile, WALK_KMH, drivable, walkable};
use super::{BuildReport, Network, NetworkBuilder, NetworkError};
use crate::{CareLevel, Facility, LatLon};

/// A drivable way: its nodes, speed and directions.
struct Way {
    nodes: Vec<i64>,
    speed_kmh: f64,
    direction: Direction,
}

/// Builds the car network of the extract at `path`: the ways of [`super::profile`], an
/// edge between each pair of consecutive nodes, the largest strongly connected component.
///
/// ```no_run
/// let (network, report) = carefind::network::build::from_pbf("helsinki.osm.pbf")?;
/// println!("{report}");
/// network.save("helsinki.net")?;
/// # Ok::<(), carefind::network::NetworkError>(())
/// ```
pub fn from_pbf(path: impl AsRef<Path>) -> Result<(Network, BuildReport), NetworkError> {
    with_profile(path, Profile::Car)
}

/// Builds the network of `profile` from the extract at `path`: for [`Profile::Foot`], the
/// [`walkable`] ways, both ways at [`WALK_KMH`], the largest connected part.
///
/// ```no_run
/// use carefind::network::profile::Profile;
/// let (network, _) = carefind::network::build::with_profile("helsinki.osm.pbf", Profile::Foot)?;
/// network.save("helsinki-walk.net")?;
/// # Ok::<(), carefind::network::NetworkError>(())
/// ```
pub fn with_profile(
    path: impl AsRef<Path>,
    profile: Profile,
) -> Result<(Network, BuildReport), NetworkError> {
    let path = path.as_ref();
    let nothing = match profile {
        Profile::Car => "no road a car may drive: is this the right extract?",
        Profile::Foot => "no way a person may walk: is this the right extract?",
    };
    let file = path.display().to_string();
    let extract = |problem: String| NetworkError::Extract {
        file: file.clone(),
        problem,
    };
    let reader = |path: &Path| {
        ElementReader::from_path(path).map_err(|e| match e.kind() {
            osmpbf::ErrorKind::Io(_) => NetworkError::Io {
                file: file.clone(),
                source: std::io::Error::other(e.to_string()),
            },
            _ => extract(format!("not an OpenStreetMap PBF file: {e}")),
        })
    };
    let mut ways = Vec::new();
    let mut skipped = 0u64;
    reader(path)?
        .for_each(|element| {
            if let Element::Way(way) = element {
                let usable = match profile {
                    Profile::Car => drivable(way.tags()),
                    Profile::Foot => walkable(way.tags()).then_some((WALK_KMH, Direction::Both)),
                };
                match usable {
                    Some((speed_kmh, direction)) => ways.push(Way {
                        nodes: way.refs().collect(),
                        speed_kmh,
                        direction,
                    }),
                    None => skipped += 1,
                }
            }
        })
        .map_err(|e| extract(format!("not an OpenStreetMap PBF file: {e}")))?;
    if ways.is_empty() {
        return Err(extract(nothing.into()));
    }
    let mut wanted: Vec<i64> = ways.iter().flat_map(|w| w.nodes.iter().copied()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut points: HashMap<i64, LatLon> = HashMap::with_capacity(wanted.len());
    let mut keep = |id: i64, lat: f64, lon: f64| {
        if wanted.binary_search(&id).is_ok()
            && let Ok(point) = LatLon::new(lat, lon)
        {
            points.insert(id, point);
        }
    };
    reader(path)?
        .for_each(|element| match element {
            Element::Node(node) => keep(node.id(), node.lat(), node.lon()),
            Element::DenseNode(node) => keep(node.id(), node.lat(), node.lon()),
            _ => {}
        })
        .map_err(|e| extract(format!("not an OpenStreetMap PBF file: {e}")))?;
    let mut builder = NetworkBuilder::new();
    let mut missing = 0u64;
    for way in &ways {
        let mut previous: Option<u32> = None;
        for id in &way.nodes {
            let Some(point) = points.get(id) else {
                missing += 1;
                // A missing node breaks the way there rather than joining across it.
                previous = None;
                continue;
            };
            let node = builder.node(*id, *point);
            if let Some(before) = previous {
                match way.direction {
                    Direction::Both => builder.road(before, node, way.speed_kmh, true),
                    Direction::Forward => builder.road(before, node, way.speed_kmh, false),
                    Direction::Backward => builder.road(node, before, way.speed_kmh, false),
                }
            }
            previous = Some(node);
        }
    }
    let report = builder.report_mut();
    report.profile = profile;
    report.ways = ways.len() as u64;
    report.ways_skipped = skipped;
    report.missing_nodes = missing;
    let (network, report) = builder.finish();
    if network.node_count() == 0 {
        return Err(extract(nothing.into()));
    }
    Ok((network, report))
}

/// The health amenities mapped as nodes in an extract (`amenity` of `clinic`, `doctors`
/// or `hospital`), as facilities: id `osm-node-ID`, the `name` tag (or the amenity), the
/// `addr:*` tags, outpatient care (hospital inpatient for hospitals). For trying drive
/// time where no directory covers the extract.
///
/// ```no_run
/// let facilities = carefind::network::build::health_amenities("helsinki.osm.pbf")?;
/// # Ok::<(), carefind::network::NetworkError>(())
/// ```
pub fn health_amenities(path: impl AsRef<Path>) -> Result<Vec<Facility>, NetworkError> {
    let path = path.as_ref();
    let file = path.display().to_string();
    let problem = |e: osmpbf::Error| NetworkError::Extract {
        file: file.clone(),
        problem: format!("not an OpenStreetMap PBF file: {e}"),
    };
    let mut facilities = Vec::new();
    let mut take = |id: i64, lat: f64, lon: f64, tags: Vec<(&str, &str)>| {
        let tag = |key: &str| {
            tags.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        };
        let Some(amenity) =
            tag("amenity").filter(|a| matches!(a.as_str(), "clinic" | "doctors" | "hospital"))
        else {
            return;
        };
        let Ok(point) = LatLon::new(lat, lon) else {
            return;
        };
        let name = tag("name").unwrap_or_else(|| amenity.clone());
        let mut facility = Facility::new(format!("osm-node-{id}"), name, point);
        facility.street = [tag("addr:street"), tag("addr:housenumber")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        facility.city = tag("addr:city").unwrap_or_default();
        facility.zip = tag("addr:postcode").unwrap_or_default();
        facility.phone = tag("phone").unwrap_or_default();
        facility.care = if amenity == "hospital" {
            CareLevel::HospitalInpatient.into()
        } else {
            CareLevel::Outpatient.into()
        };
        facility.source = "OpenStreetMap".into();
        facilities.push(facility);
    };
    ElementReader::from_path(path)
        .map_err(problem)?
        .for_each(|element| match element {
            Element::Node(node) => take(node.id(), node.lat(), node.lon(), node.tags().collect()),
            Element::DenseNode(node) => {
                take(node.id(), node.lat(), node.lon(), node.tags().collect())
            }
            _ => {}
        })
        .map_err(problem)?;
    facilities.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(facilities)
}
