//! Medications a facility uses or prescribes.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A medication a facility uses in treatment.
    ///
    /// ```
    /// use carefind::Medication;
    ///
    /// assert_eq!("vivitrol".parse::<Medication>().unwrap(), Medication::NaltrexoneXr);
    /// assert_eq!("BU".parse::<Medication>().unwrap(), Medication::Buprenorphine);
    /// ```
    pub enum Medication: "medication" {
        /// Methadone.
        Methadone = "methadone", "Methadone", codes ["MU", "METH", "MM"], aliases [];
        /// Buprenorphine.
        Buprenorphine = "buprenorphine", "Buprenorphine",
            codes ["BU", "UB", "BUM"], aliases [];
        /// Buprenorphine with naloxone.
        BuprenorphineNaloxone = "buprenorphine-naloxone", "Buprenorphine with naloxone",
            codes ["BWN"], aliases ["suboxone"];
        /// Buprenorphine, extended-release injectable.
        BuprenorphineXr = "buprenorphine-xr", "Buprenorphine (extended-release, injectable)",
            codes ["BERI"], aliases ["sublocade"];
        /// Buprenorphine sub-dermal implant.
        BuprenorphineImplant = "buprenorphine-implant", "Buprenorphine sub-dermal implant",
            codes ["BSDM"], aliases [];
        /// Naltrexone (oral).
        Naltrexone = "naltrexone", "Naltrexone (oral)", codes ["NU", "NXN", "UN"], aliases [];
        /// Naltrexone, extended-release injectable (Vivitrol).
        NaltrexoneXr = "naltrexone-xr", "Naltrexone (extended-release, injectable)",
            codes ["VTRL"], aliases ["vivitrol"];
        /// Acamprosate (Campral).
        Acamprosate = "acamprosate", "Acamprosate", codes ["ACM"], aliases ["campral"];
        /// Disulfiram.
        Disulfiram = "disulfiram", "Disulfiram", codes ["DSF"], aliases ["antabuse"];
        /// Lofexidine.
        Lofexidine = "lofexidine", "Lofexidine", codes ["LFXD"], aliases [];
        /// Clonidine.
        Clonidine = "clonidine", "Clonidine", codes ["CLND"], aliases [];
        /// Nicotine replacement.
        NicotineReplacement = "nicotine-replacement", "Nicotine replacement", codes ["NRT"], aliases [];
        /// Non-nicotine smoking or tobacco cessation medications.
        SmokingCessation = "smoking-cessation", "Non-nicotine smoking/tobacco cessation",
            codes ["NSC"], aliases [];
        /// Medications for HIV treatment.
        HivMedications = "hiv-medications", "Medications for HIV treatment", codes ["MHIV"], aliases [];
        /// Medications for hepatitis C treatment.
        HepatitisCMedications = "hepatitis-c-medications", "Medications for Hepatitis C treatment",
            codes ["MHCV"], aliases [];
        /// Medications for mental disorders.
        MentalHealthMedications = "mental-health-medications", "Medication for mental disorders",
            codes ["MPD", "MMD"], aliases [];
    }
}

/// A set of medications.
///
/// ```
/// use carefind::{Medication, MedicationSet};
///
/// let meds: MedicationSet = "methadone;BU".parse().unwrap();
/// assert!(meds.contains(Medication::Buprenorphine));
/// ```
pub type MedicationSet = Set<Medication>;
