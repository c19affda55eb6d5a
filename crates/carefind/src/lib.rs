//! Find addiction-treatment facilities near a place, by level of care.
//!
//! carefind indexes facility records in R-trees of 3D unit vectors and answers nearest-k,
//! radius, bounding-box and polygon queries combined with attribute filters, with exact
//! great-circle (haversine) distances: correct across the antimeridian and at the poles,
//! checked against brute force by property tests.
//!
//! ```
//! use carefind::{CareLevel, Distance, Filter, Index, LatLon, Payment, Query};
//!
//! let index = Index::sample(); // or Index::new(facilities) from carefind::load
//! let origin = LatLon::new(40.7506, -73.9972).unwrap(); // ZIP 10001
//! let query = Query::nearest(origin, 5)
//!     .max_distance(Distance::from_miles(25.0))
//!     .filter(Filter::new().care(CareLevel::Iop).payment(Payment::Medicaid));
//! for hit in index.search(&query).unwrap() {
//!     let miles = hit.distance_m.unwrap() / 1609.344;
//!     println!("{miles:5.1} mi  {}  {}", hit.facility.name, hit.facility.care);
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

mod age;
pub mod analysis;
pub mod availability;
mod bbox;
mod care;
mod distance;
pub mod error;
mod facility;
mod filter;
pub mod hsds;
mod index;
mod kind;
mod language;
pub mod load;
mod locator;
mod medication;
pub mod merge;
mod mh_type;
pub mod network;
mod payment;
mod population;
mod precision;
mod query;
#[cfg(feature = "sample")]
pub mod sample;
pub mod save;
mod search;
mod set;
pub mod snapshot;
mod sphere;
pub mod staged;
mod status;
mod tree;
mod vocabulary;

pub use age::{AgeGroup, AgeSet};
pub use availability::feed::FeedError;
#[cfg(feature = "store")]
pub use availability::store::StoreError;
pub use availability::{Availability, UpdateError};
pub use bbox::BBox;
pub use care::{CareGroup, CareLevel, CareSet};
pub use distance::{Distance, Unit};
pub use error::{Error, QueryError, Result};
pub use facility::Facility;
pub use filter::Filter;
pub use index::{Index, TreeMemory};
pub use kind::{FacilityKind, KindSet};
pub use language::{Language, LanguageSet};
pub use locator::Locator;
pub use medication::{Medication, MedicationSet};
pub use mh_type::{MhType, MhTypeSet};
pub use payment::{Payment, PaymentSet};
pub use population::{Population, PopulationSet};
pub use precision::{Precision, PrecisionError};
pub use query::{Area, Budget, Cursor, Query};
pub use search::Hit;
pub use set::Set;
pub use sphere::{EARTH_RADIUS_M, LatLon};
pub use status::{Status, StatusError};
pub use vocabulary::{Group, Term};

// The READMEs' library examples compile and run as doc tests.
#[cfg(all(doctest, feature = "sample"))]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

#[cfg(all(doctest, feature = "sample"))]
#[doc = include_str!("../README.md")]
struct CrateReadmeExamples;
