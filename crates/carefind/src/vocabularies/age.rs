//! Age groups a facility serves.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// An age group a facility serves.
    ///
    /// ```
    /// use carefind::AgeGroup;
    ///
    /// assert_eq!("YAD".parse::<AgeGroup>().unwrap(), AgeGroup::YoungAdults);
    /// assert_eq!("youth".parse::<AgeGroup>().unwrap(), AgeGroup::Children);
    /// ```
    pub enum AgeGroup: "age group" {
        /// Children and adolescents (under 18).
        Children = "children", "Children/Adolescents",
            codes ["CHLD"], aliases ["adolescents", "youth", "teens"];
        /// Young adults (about 18 to 25).
        YoungAdults = "young-adults", "Young adults", codes ["YAD"], aliases [];
        /// Adults.
        Adults = "adults", "Adults", codes ["ADLT"], aliases [];
        /// Seniors or older adults.
        Seniors = "seniors", "Seniors", codes ["SNR"], aliases ["older-adults"];
    }
}

/// A set of age groups.
///
/// ```
/// use carefind::{AgeGroup, AgeSet};
///
/// assert!("adults;seniors".parse::<AgeSet>().unwrap().contains(AgeGroup::Seniors));
/// ```
pub type AgeSet = Set<AgeGroup>;
