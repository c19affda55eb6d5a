//! Which OpenStreetMap ways a car may drive, in which directions, and how fast; and which
//! ways a person may walk.
//!
//! The classes and default speeds are those of OSRM's car profile (`profiles/car.lua`,
//! `speeds.highway`), in km/h; a way's `maxspeed`, where it is a number (km/h, or
//! `mph`), replaces its class's default. Ways closed to cars (`access`, `vehicle`,
//! `motor_vehicle` or `motorcar` of `no`, `private`, `agricultural`, `forestry`,
//! `emergency` or `psv`), areas (`area=yes`) and classes a car does not use (footways,
//! cycleways, paths, tracks, steps, construction) are left out.

/// The default speed of each drivable `highway` class, km/h (OSRM car profile).
pub const SPEEDS_KMH: [(&str, f64); 14] = [
    ("motorway", 90.0),
    ("motorway_link", 45.0),
    ("trunk", 85.0),
    ("trunk_link", 40.0),
    ("primary", 65.0),
    ("primary_link", 30.0),
    ("secondary", 55.0),
    ("secondary_link", 25.0),
    ("tertiary", 40.0),
    ("tertiary_link", 20.0),
    ("unclassified", 25.0),
    ("residential", 25.0),
    ("living_street", 10.0),
    ("service", 15.0),
];

const CLOSED: [&str; 6] = [
    "no",
    "private",
    "agricultural",
    "forestry",
    "emergency",
    "psv",
];

/// The `highway` classes a person may walk by default (OSRM's foot profile, less the
/// motorways): streets, paths, steps, platforms.
pub const WALKABLE: [&str; 22] = [
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "road",
    "living_street",
    "service",
    "track",
    "path",
    "steps",
    "pedestrian",
    "footway",
    "platform",
    "pier",
    "corridor",
    "crossing",
];

/// Which ways a network is built of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// The roads a car may drive, at their speeds, in their directions.
    #[default]
    Car,
    /// The ways a person may walk, both ways, at 5 km/h (a walk's own speed is the
    /// searcher's to choose: transit walks use the metres).
    Foot,
}

/// Walking speed of foot networks' edges, km/h (OSRM's foot profile).
pub const WALK_KMH: f64 = 5.0;

/// Whether a person may walk a way: a [`WALKABLE`] class not closed to people on foot, or
/// any way (but a motorway) that says `foot=yes`, `designated` or `permissive`.
///
/// ```
/// use carefind::network::profile::walkable;
///
/// assert!(walkable([("highway", "footway")]));
/// assert!(walkable([("highway", "residential"), ("oneway", "yes")]));
/// assert!(walkable([("highway", "cycleway"), ("foot", "designated")]));
/// assert!(!walkable([("highway", "cycleway")]));
/// assert!(!walkable([("highway", "motorway"), ("foot", "yes")]));
/// assert!(!walkable([("highway", "service"), ("access", "private")]));
/// assert!(!walkable([("highway", "primary"), ("foot", "no")]));
/// ```
pub fn walkable<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    let (mut highway, mut foot, mut access, mut area) = (None, None, None, false);
    for (key, value) in tags {
        match key {
            "highway" => highway = Some(value),
            "foot" => foot = Some(value),
            "access" => access = Some(value),
            "area" => area = value == "yes",
            _ => {}
        }
    }
    let Some(highway) = highway else {
        return false;
    };
    if matches!(highway, "motorway" | "motorway_link") || area {
        return false;
    }
    match foot {
        Some("yes" | "designated" | "permissive") => return true,
        Some(value) if CLOSED.contains(&value) || value == "use_sidepath" => return false,
        _ => {}
    }
    if access.is_some_and(|a| CLOSED.contains(&a)) {
        return false;
    }
    WALKABLE.contains(&highway)
}

/// The directions a car may drive a way in, along the order of its nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    Both,
    /// Along the nodes' order only.
    Forward,
    /// Against it only (`oneway=-1`).
    Backward,
}

/// How a car may use a way: its speed and its directions; `None` when it may not.
///
/// ```
/// use carefind::network::profile::{Direction, drivable};
///
/// let tags = [("highway", "residential"), ("oneway", "-1")];
/// assert_eq!(drivable(tags), Some((25.0, Direction::Backward)));
/// assert_eq!(drivable([("highway", "primary"), ("maxspeed", "30 mph")]).map(|d| d.0.round()), Some(48.0));
/// assert_eq!(drivable([("highway", "footway")]), None);
/// assert_eq!(drivable([("highway", "service"), ("access", "private")]), None);
/// ```
pub fn drivable<'a>(
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<(f64, Direction)> {
    let (mut highway, mut maxspeed, mut oneway, mut roundabout) = (None, None, None, false);
    for (key, value) in tags {
        match key {
            "highway" => highway = Some(value),
            "maxspeed" => maxspeed = Some(value),
            "oneway" => oneway = Some(value),
            "junction" if matches!(value, "roundabout" | "circular") => roundabout = true,
            "access" | "vehicle" | "motor_vehicle" | "motorcar" if CLOSED.contains(&value) => {
                return None;
            }
            "area" if value == "yes" => return None,
            _ => {}
        }
    }
    let highway = highway?;
    let (_, default) = SPEEDS_KMH.iter().find(|(class, _)| *class == highway)?;
    let speed = maxspeed.and_then(parse_maxspeed).unwrap_or(*default);
    let direction = match oneway {
        Some("yes" | "true" | "1") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some("no" | "false" | "0") => Direction::Both,
        _ if roundabout || highway == "motorway" => Direction::Forward,
        _ => Direction::Both,
    };
    Some((speed, direction))
}

/// A `maxspeed` in km/h: `50`, `50 km/h`, `30 mph`; `None` for `none`, `signals`,
/// country codes (`FI:urban`) and anything else that is not a number.
pub fn parse_maxspeed(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, factor) = match text.strip_suffix("mph") {
        Some(number) => (number, 1.609_344),
        None => (
            text.strip_suffix("km/h")
                .or_else(|| text.strip_suffix("kmh"))
                .unwrap_or(text),
            1.0,
        ),
    };
    let speed: f64 = number.trim().parse().ok()?;
    (speed.is_finite() && speed > 0.0).then_some(speed * factor)
}
