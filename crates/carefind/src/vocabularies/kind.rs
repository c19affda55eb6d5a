//! What a facility treats: substance use, mental health, or both.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// The kind of treatment a facility gives, as SAMHSA's two directories divide them: a
    /// facility in both has both kinds. A person looking for co-occurring care asks for
    /// both kinds and the `co-occurring` population.
    ///
    /// ```
    /// use carefind::FacilityKind;
    ///
    /// assert_eq!("MH".parse::<FacilityKind>().unwrap(), FacilityKind::MentalHealth);
    /// assert_eq!(FacilityKind::SubstanceUse.name(), "substance-use");
    /// ```
    pub enum FacilityKind: "facility kind" {
        /// Substance use treatment (SAMHSA's code SA; the locator's SU).
        SubstanceUse = "substance-use", "Substance use treatment",
            codes ["SA", "SU"], aliases ["addiction", "substance-use-treatment"];
        /// Mental health treatment (SAMHSA's code MH).
        MentalHealth = "mental-health", "Mental health treatment",
            codes ["MH"], aliases ["mental-health-treatment"];
    }
}

/// A set of facility kinds.
///
/// ```
/// use carefind::{FacilityKind, KindSet};
///
/// let both: KindSet = "substance-use;mental-health".parse().unwrap();
/// assert!(both.contains(FacilityKind::MentalHealth));
/// ```
pub type KindSet = Set<FacilityKind>;
