//! Questions about the continuum of care and its geography, answered over an [`Index`]:
//!
//! - [`pathway`](pathway::pathway): the step-down options near a person, from detox or
//!   any later stage down to outpatient, and the programs (IOP or PHP) with a sober-living
//!   home close by;
//! - [`coverage`](coverage::coverage): for many origins (ZIP centroids with population,
//!   say), the distance to the nearest facility of each level, and the weighted share
//!   within each ring, the median, and the treatment deserts.
//!
//! [`Index`]: crate::Index

pub mod coverage;
pub mod pathway;
