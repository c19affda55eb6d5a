//! The types of mental-health facility of SAMHSA's directory.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A type of mental-health facility, as SAMHSA's National Directory of Mental Health
    /// Treatment Facilities names it (its "Facility Type" codes).
    ///
    /// ```
    /// use carefind::MhType;
    ///
    /// assert_eq!("CMHC".parse::<MhType>().unwrap(), MhType::CommunityMentalHealthCenter);
    /// assert_eq!(MhType::ResidentialChildren.name(), "residential-children");
    /// ```
    pub enum MhType: "mental-health facility type" {
        /// Psychiatric hospital.
        PsychiatricHospital = "psychiatric-hospital", "Psychiatric hospital",
            codes ["PSY"], aliases [];
        /// State hospital.
        StateHospital = "state-hospital", "State hospital", codes ["SHP"], aliases [];
        /// Separate inpatient psychiatric unit of a general hospital.
        GeneralHospitalUnit = "general-hospital-unit",
            "Separate inpatient psychiatric unit of a general hospital",
            codes ["IPSY"], aliases [];
        /// Residential treatment center for children.
        ResidentialChildren = "residential-children",
            "Residential treatment center (RTC) for children", codes ["RTCC"], aliases [];
        /// Residential treatment center for adults.
        ResidentialAdults = "residential-adults",
            "Residential treatment center (RTC) for adults", codes ["RTCA"], aliases [];
        /// Other residential treatment facility.
        OtherResidential = "other-residential", "Other residential treatment facility",
            codes ["ORES"], aliases [];
        /// Partial hospitalization or day treatment facility.
        DayTreatment = "day-treatment-facility", "Partial hospitalization/day treatment facility",
            codes ["PH"], aliases [];
        /// Outpatient mental health facility.
        OutpatientClinic = "outpatient-clinic", "Outpatient mental health facility",
            codes ["OMH"], aliases [];
        /// Community mental health center.
        CommunityMentalHealthCenter = "community-mental-health-center",
            "Community mental health center", codes ["CMHC"], aliases ["cmhc"];
        /// Certified Community Behavioral Health Clinic.
        Ccbhc = "ccbhc", "Certified Community Behavioral Health Clinic",
            codes ["CBHC", "CCBHC"], aliases [];
        /// Multi-setting mental health facility.
        MultiSetting = "multi-setting", "Multi-setting mental health facility",
            codes ["MSMH"], aliases [];
        /// Veterans Affairs medical center or other VA healthcare facility.
        VeteransAffairs = "veterans-affairs", "Veterans Affairs healthcare facility",
            codes ["VAHC"], aliases ["va"];
    }
}

/// A set of mental-health facility types.
///
/// ```
/// use carefind::{MhType, MhTypeSet};
///
/// let types: MhTypeSet = "psychiatric-hospital;ccbhc".parse().unwrap();
/// assert!(types.contains(MhType::Ccbhc));
/// ```
pub type MhTypeSet = Set<MhType>;
