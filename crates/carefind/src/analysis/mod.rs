//! Questions about the continuum of care and its geography, answered over an [`Index`]:
//!
//! - [`pathway`](pathway::pathway): the step-down options near a person, from detox or
//!   any later stage down to outpatient, and the programs (IOP or PHP) with a sober-living
//!   home close by;
//! - [`coverage`](coverage::coverage): for many origins (ZIP centroids with population,
//!   say), the distance to the nearest facility of each level, and the weighted share
//!   within each ring, the median, and the treatment deserts;
//! - [`counts`](counts::count): how many facilities offer each level, take each payment,
//!   lie in each state;
//! - [`duplicates`]: listings of one place (same address and phone), to show once;
//! - [`same_facility`]: one facility in two releases whose ids differ;
//! - [`access`]: floating catchment accessibility (2SFCA, E2SFCA, 3SFCA) over any costs:
//!   distance, drive time or transit time;
//! - [`opportunities`]: the cost to the closest `n` facilities, and the facilities within
//!   a cutoff or over an interval of cutoffs;
//! - [`audit`]: a stratified sample of listings to verify by phone, and its accuracy scored;
//! - [`inequality`]: how unequally an access measure falls on a population (Gini, Palma,
//!   Theil T).
//!
//! [`Index`]: crate::Index

pub mod access;
pub mod audit;
pub mod counts;
pub mod coverage;
pub mod duplicates;
pub mod inequality;
pub mod opportunities;
pub mod pathway;
pub mod same_facility;

impl crate::Index {
    /// The step-down options near the query's origin: [`pathway::pathway`] as a method.
    ///
    /// ```
    /// use carefind::{Index, LatLon};
    /// use carefind::analysis::pathway::{PathwayQuery, Stage};
    ///
    /// let index = Index::sample();
    /// let path = index.pathway(&PathwayQuery::new(LatLon::new(39.96, -83.0)?).from(Stage::Detox))?;
    /// assert_eq!(path.steps[0].stage, Stage::Residential);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pathway(
        &self,
        query: &pathway::PathwayQuery,
    ) -> Result<pathway::Pathway<'_>, crate::QueryError> {
        pathway::pathway(self, query)
    }

    /// Coverage of `origins`: [`coverage::coverage`] as a method.
    ///
    /// ```
    /// use carefind::{CareLevel, Index, LatLon};
    /// use carefind::analysis::coverage::{CoverageQuery, Origin, Target};
    ///
    /// let index = Index::sample();
    /// let origins = vec![Origin::new("a", LatLon::new(40.7, -74.0)?, 1.0)];
    /// let query = CoverageQuery::default().targets(vec![Target::level(CareLevel::Iop)]);
    /// assert_eq!(index.coverage(&origins, &query)?.summaries.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn coverage(
        &self,
        origins: &[coverage::Origin],
        query: &coverage::CoverageQuery,
    ) -> Result<coverage::Coverage<'_>, crate::QueryError> {
        coverage::coverage(self, origins, query)
    }
}
