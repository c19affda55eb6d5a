//! Find addiction-treatment facilities near a place, by level of care.
//!
//! carefind indexes facility records in k-d trees of 3D unit vectors and answers nearest-k,
//! radius, bounding-box and polygon queries combined with attribute filters, with exact
//! great-circle (haversine) distances: correct across the antimeridian and at the poles,
//! checked against brute force by property tests.
//!
//! ```
//! use carefind::{CareLevel, Distance, Filter, Index, LatLon, Payment, Query, Unit};
//!
//! let index = Index::sample(); // or Index::new(facilities) from carefind::load
//! let origin = LatLon::new(40.7506, -73.9972).unwrap(); // ZIP 10001
//! let query = Query::nearest(origin, 5)
//!     .max_distance(Distance::from_miles(25.0))
//!     .filter(Filter::new().care(CareLevel::Iop).payment(Payment::Medicaid));
//! for hit in index.search(&query).unwrap() {
//!     let miles = hit.distance().map_or(0.0, |d| d.in_unit(Unit::Miles));
//!     println!("{miles:5.1} mi  {}  {}", hit.facility.name(), hit.facility.care());
//! }
//! ```
//!
//! The pieces, one concept per module: [`Facility`] records with typed [`Set`]s of
//! [`CareLevel`], [`Payment`], [`AgeGroup`], [`Population`], [`Language`] and
//! [`Medication`]; [`LatLon`] and [`Distance`]; the [`Index`] and its [`Query`] with a
//! [`Filter`], giving [`Hit`]s; the loaders of every input format in [`load`], [`merge`] to
//! combine sources, and the writer in [`save`]; step-down pathways and population coverage
//! in [`analysis`].
//!
//! The library never prints and never panics on input; every error is a typed value that
//! names what was wrong and where.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

// The tiers, each using only the ones above it (ARCHITECTURE.md tells the reading order).

/// Tier 1: closed vocabularies of terms and their sets.
mod vocabularies {
    pub(crate) mod age;
    pub mod asam;
    pub(crate) mod care;
    pub(crate) mod credential;
    pub(crate) mod kind;
    pub(crate) mod language;
    pub(crate) mod medication;
    pub(crate) mod mh_type;
    pub(crate) mod payment;
    pub(crate) mod population;
    pub(crate) mod precision;
    pub(crate) mod set;
    pub(crate) mod status;
    pub(crate) mod vocabulary;
}

/// Tier 2: points, distances and boxes on the sphere.
mod geometry {
    pub(crate) mod bbox;
    pub(crate) mod distance;
    pub(crate) mod sphere;
}

/// Tier 3: the record, the index, and the queries it answers.
mod engine {
    pub(crate) mod all_of;
    pub(crate) mod facility;
    pub(crate) mod facility_ref;
    pub mod fields;
    pub(crate) mod filter;
    pub(crate) mod index;
    pub(crate) mod left_out;
    pub(crate) mod locator;
    pub(crate) mod query;
    pub(crate) mod search;
    pub(crate) mod slots;
    pub(crate) mod store;
    pub(crate) mod tree;
    pub mod words;
}

/// Tier 4: reading, writing and combining datasets.
mod io {
    pub(crate) mod checked;
    pub mod load;
    pub mod merge;
    pub mod polygon;
    pub mod record;
    #[cfg(feature = "sample")]
    pub mod sample;
    pub mod save;
    pub mod snapshot;
    pub mod staged;
}

pub mod analysis;
pub mod availability;
pub mod error;
pub mod hours;
pub mod hsds;
pub mod network;
#[cfg(feature = "transit")]
pub mod transit;
pub use engine::{fields, words};

#[cfg(feature = "sample")]
pub use io::sample;
pub use io::{load, merge, polygon, record, save, snapshot, staged};

/// The `geo` crate, whose polygons search areas take ([`Area::Polygon`]): a program
/// builds them with this version, with no dependency of its own to keep in step.
pub use geo;
/// The `jiff` crate, whose timestamps and dates availability reports and verification
/// dates use.
pub use jiff;

// The modules' own paths inside the crate (`crate::care`, `crate::sphere`...).
use engine::{
    all_of, facility, facility_ref, filter, index, left_out, locator, query, search, slots, store,
    tree,
};
use geometry::{bbox, distance, sphere};
use io::checked;
use vocabularies::{
    age, care, credential, kind, language, medication, mh_type, payment, population, precision,
    set, status, vocabulary,
};

pub use age::{AgeGroup, AgeSet};
pub use all_of::AllOf;
pub use asam::{Asam, AsamSet};
pub use availability::feed::FeedError;
#[cfg(feature = "store")]
pub use availability::store::StoreError;
pub use availability::{Availability, UpdateError};
pub use bbox::BBox;
pub use care::{CareGroup, CareLevel, CareSet};
pub use credential::{Credential, CredentialKind, CredentialSet};
pub use distance::{Distance, Unit};
pub use error::{
    CoordinateError, DistanceError, Error, Problem, QueryError, Result, RowError, UnknownTerm,
};
pub use facility::Facility;
pub use facility_ref::{FacilityRef, Services};
pub use filter::Filter;
pub use index::{Index, TreeMemory};
pub use kind::{FacilityKind, KindSet};
pub use language::{Language, LanguageSet};
pub use left_out::LeftOut;
pub use locator::Locator;
pub use medication::{Medication, MedicationSet};
pub use mh_type::{MhType, MhTypeSet};
pub use network::NetworkError;
pub use payment::{Payment, PaymentSet};
pub use population::{Population, PopulationSet};
pub use precision::{Precision, PrecisionError};
pub use query::{Area, Budget, Cursor, Query};
pub use search::Hit;
pub use set::Set;
pub use snapshot::SnapshotError;
pub use sphere::{EARTH_RADIUS_M, LatLon};
pub use status::{Status, StatusError};
pub use store::{Facilities, FacilityStore};
pub use vocabularies::asam;
pub use vocabulary::{Group, Term};

// The READMEs' library examples compile and run as doc tests.
#[cfg(all(doctest, feature = "sample"))]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

#[cfg(all(doctest, feature = "sample"))]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;
