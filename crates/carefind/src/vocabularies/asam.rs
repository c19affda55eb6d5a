//! The ASAM Criteria's levels of care, 4th edition (2023), and how carefind's levels of
//! care map to them.

use crate::care::{CareLevel, CareSet};
use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A level of care of the ASAM Criteria, 4th edition (2023), or its opioid treatment
    /// services. The 4th edition folds withdrawal management into levels 1.7, 2.7, 3.7 and
    /// 4, and is what states now adopt; the 3rd edition's spellings (`3.7-WM`, `4-WM`,
    /// `1-WM`) parse as the level that took them in.
    ///
    /// The directories never state an ASAM level: carefind derives them from a facility's
    /// levels of care through [`CareLevel::asam4`], so a level shown is one the facility's
    /// care *could* be, never one it was assessed at.
    ///
    /// ```
    /// use carefind::Asam;
    ///
    /// assert_eq!("2.1".parse::<Asam>().unwrap(), Asam::L2_1);
    /// assert_eq!("3.7-WM".parse::<Asam>().unwrap(), Asam::L3_7);
    /// assert_eq!(Asam::L2_5.label(), "High-intensity outpatient");
    /// ```
    pub enum Asam: "ASAM level" {
        /// Level 1.0: long-term remission monitoring.
        L1_0 = "1.0", "Long-term remission monitoring", codes [], aliases [];
        /// Level 1.5: outpatient therapy.
        L1_5 = "1.5", "Outpatient therapy", codes [], aliases ["1"];
        /// Level 1.7: medically managed outpatient, with withdrawal management.
        L1_7 = "1.7", "Medically managed outpatient", codes [], aliases ["1-WM"];
        /// Level 2.1: intensive outpatient (IOP).
        L2_1 = "2.1", "Intensive outpatient", codes [], aliases [];
        /// Level 2.5: high-intensity outpatient (the 3rd edition's partial hospitalization).
        L2_5 = "2.5", "High-intensity outpatient", codes [], aliases [];
        /// Level 2.7: medically managed intensive outpatient, with withdrawal management.
        L2_7 = "2.7", "Medically managed intensive outpatient", codes [], aliases ["2-WM"];
        /// Level 3.1: clinically managed low-intensity residential.
        L3_1 = "3.1", "Clinically managed low-intensity residential", codes [], aliases [];
        /// Level 3.5: clinically managed high-intensity residential.
        L3_5 = "3.5", "Clinically managed high-intensity residential", codes [],
            aliases ["3.3", "3.2-WM"];
        /// Level 3.7: medically managed residential, with withdrawal management.
        L3_7 = "3.7", "Medically managed residential", codes [], aliases ["3.7-WM"];
        /// Level 4: medically managed inpatient, with withdrawal management.
        L4 = "4", "Medically managed inpatient", codes [], aliases ["4.0", "4-WM"];
        /// Opioid treatment services: an OTP's medication and counselling, beside any level.
        Ots = "ots", "Opioid treatment services", codes [],
            aliases ["otp", "opioid-treatment-services"];
    }
}

/// A set of ASAM levels.
///
/// ```
/// use carefind::{Asam, AsamSet};
///
/// let residential: AsamSet = "3.5;3.7".parse().unwrap();
/// assert!(residential.contains(Asam::L3_7));
/// ```
pub type AsamSet = Set<Asam>;

/// Every row of the crosswalk from carefind's levels of care to the 4th edition's levels:
/// the table the documentation shows, tested row by row.
///
/// A row may name more than one level where the directories' category spans several
/// (short-term residential may be clinically or medically managed: 3.5 or 3.7); sober
/// living and telehealth have none (housing and a way of delivering care, not levels).
pub const CROSSWALK: [(CareLevel, &[Asam]); 12] = [
    (CareLevel::HospitalDetox, &[Asam::L4]),
    (CareLevel::ResidentialDetox, &[Asam::L3_7]),
    (CareLevel::OutpatientDetox, &[Asam::L1_7, Asam::L2_7]),
    (CareLevel::HospitalInpatient, &[Asam::L4]),
    (CareLevel::ResidentialShort, &[Asam::L3_5, Asam::L3_7]),
    (CareLevel::ResidentialLong, &[Asam::L3_1, Asam::L3_5]),
    (CareLevel::Php, &[Asam::L2_5]),
    (CareLevel::Iop, &[Asam::L2_1]),
    (CareLevel::Outpatient, &[Asam::L1_0, Asam::L1_5]),
    (CareLevel::Otp, &[Asam::Ots]),
    (CareLevel::SoberLiving, &[]),
    (CareLevel::Telehealth, &[]),
];

impl CareLevel {
    /// The ASAM 4th-edition levels this level of care may be (see [`CROSSWALK`]): derived,
    /// never stated by the data.
    ///
    /// ```
    /// use carefind::{Asam, CareLevel};
    ///
    /// assert_eq!(CareLevel::Iop.asam4().iter().collect::<Vec<_>>(), [Asam::L2_1]);
    /// assert!(CareLevel::SoberLiving.asam4().is_empty());
    /// ```
    pub fn asam4(self) -> AsamSet {
        CROSSWALK
            .iter()
            .find(|(level, _)| *level == self)
            .map(|(_, asam)| asam.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// The ASAM levels a set of levels of care may be: the union of each level's.
///
/// ```
/// use carefind::{Asam, CareSet};
/// use carefind::asam::of_care;
///
/// let care: CareSet = "iop;php".parse().unwrap();
/// assert_eq!(of_care(care), [Asam::L2_1, Asam::L2_5].into_iter().collect());
/// ```
pub fn of_care(care: CareSet) -> AsamSet {
    care.iter()
        .fold(AsamSet::EMPTY, |all, level| all | level.asam4())
}

/// The levels of care that may be any of `asam` (the inverse of the crosswalk).
///
/// ```
/// use carefind::{Asam, CareLevel};
/// use carefind::asam::care_of;
///
/// let care = care_of(Asam::L3_7.into());
/// assert!(care.contains(CareLevel::ResidentialDetox));
/// assert!(care.contains(CareLevel::ResidentialShort));
/// assert!(!care.contains(CareLevel::ResidentialLong));
/// ```
pub fn care_of(asam: AsamSet) -> CareSet {
    CROSSWALK
        .iter()
        .filter(|(_, levels)| levels.iter().any(|level| asam.contains(*level)))
        .map(|(level, _)| *level)
        .collect()
}

/// The ASAM levels of a provisional triage level, as CO-Triage-style tools give them:
/// `1`, `2`, `3` or `4`, or `ots` for opioid treatment services. `None` for anything else.
///
/// ```
/// use carefind::Asam;
/// use carefind::asam::triage;
///
/// assert_eq!(triage("2").unwrap().iter().collect::<Vec<_>>(), [Asam::L2_1, Asam::L2_5, Asam::L2_7]);
/// assert_eq!(triage("OTS").unwrap().iter().collect::<Vec<_>>(), [Asam::Ots]);
/// assert!(triage("5").is_none());
/// ```
pub fn triage(level: &str) -> Option<AsamSet> {
    let levels: &[Asam] = match level.trim().to_ascii_lowercase().as_str() {
        "1" => &[Asam::L1_0, Asam::L1_5, Asam::L1_7],
        "2" => &[Asam::L2_1, Asam::L2_5, Asam::L2_7],
        "3" => &[Asam::L3_1, Asam::L3_5, Asam::L3_7],
        "4" => &[Asam::L4],
        "ots" | "otp" => &[Asam::Ots],
        _ => return None,
    };
    Some(levels.iter().copied().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One assertion per row of the table in the documentation, written out: a change to
    /// the crosswalk must change this test and the table together.
    #[test]
    fn every_row_of_the_crosswalk() {
        let rows: [(&str, &str); 12] = [
            ("hospital-detox", "4"),
            ("residential-detox", "3.7"),
            ("outpatient-detox", "1.7;2.7"),
            ("hospital-inpatient", "4"),
            ("residential-short", "3.5;3.7"),
            ("residential-long", "3.1;3.5"),
            ("php", "2.5"),
            ("iop", "2.1"),
            ("outpatient", "1.0;1.5"),
            ("otp", "ots"),
            ("sober-living", ""),
            ("telehealth", ""),
        ];
        for (care, asam) in rows {
            let level: CareLevel = care.parse().unwrap();
            let want: AsamSet = asam.parse().unwrap();
            assert_eq!(level.asam4(), want, "{care}");
        }
        // Every level of care has a row.
        assert_eq!(rows.len(), CareLevel::ALL.len());
        // The inverse undoes it.
        for level in CareLevel::ALL {
            for asam in level.asam4().iter() {
                assert!(care_of(asam.into()).contains(*level));
            }
        }
    }
}
