//! Groups of clients a facility has programs for.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A group of clients for whom a facility has a dedicated program.
    ///
    /// ```
    /// use carefind::Population;
    ///
    /// assert_eq!("VET".parse::<Population>().unwrap(), Population::Veterans);
    /// assert_eq!("LGBTQ+".parse::<Population>().unwrap(), Population::Lgbtq);
    /// ```
    pub enum Population: "population" {
        /// Veterans.
        Veterans = "veterans", "Veterans", codes ["VET"], aliases [];
        /// Active duty military.
        ActiveDuty = "active-duty", "Active duty military", codes ["ADM"], aliases [];
        /// Members of military families.
        MilitaryFamilies = "military-families", "Members of military families", codes ["MF"], aliases [];
        /// Adult women.
        Women = "women", "Adult women", codes ["WN"], aliases [];
        /// Pregnant or postpartum women.
        PregnantWomen = "pregnant-women", "Pregnant/postpartum women",
            codes ["PW"], aliases ["pregnant", "postpartum"];
        /// Adult men.
        Men = "men", "Adult men", codes ["MN"], aliases [];
        /// LGBTQ+ clients.
        Lgbtq = "lgbtq", "LGBTQ", codes ["GL"], aliases ["lgbtq+", "lgbt"];
        /// Criminal justice (other than DUI/DWI) and forensic clients.
        CriminalJustice = "criminal-justice", "Criminal justice/forensic clients",
            codes ["CJ"], aliases ["forensic"];
        /// Clients with co-occurring mental and substance use disorders.
        CoOccurring = "co-occurring", "Co-occurring mental and substance use disorders",
            codes ["CO", "SUMH"], aliases ["dual-diagnosis"];
        /// Clients with co-occurring pain and substance use disorders.
        CoOccurringPain = "co-occurring-pain", "Co-occurring pain and substance use disorders",
            codes ["COPSU"], aliases [];
        /// Clients with HIV or AIDS.
        HivAids = "hiv-aids", "Clients with HIV or AIDS", codes ["HV"], aliases ["hiv"];
        /// Clients who have experienced trauma.
        Trauma = "trauma", "Clients who have experienced trauma", codes ["TRMA"], aliases [];
        /// Clients who have experienced sexual abuse.
        SexualAbuse = "sexual-abuse", "Clients who have experienced sexual abuse", codes ["XA"], aliases [];
        /// Clients who have experienced intimate partner or domestic violence.
        DomesticViolence = "domestic-violence", "Intimate partner/domestic violence",
            codes ["DV"], aliases [];
        /// DUI/DWI clients.
        DuiDwi = "dui-dwi", "DUI/DWI clients", codes ["DU"], aliases ["dui", "dwi"];
        /// Deaf or hard of hearing clients.
        Deaf = "deaf", "Deaf or hard of hearing", codes [], aliases ["hard-of-hearing"];
    }
}

/// A set of client populations.
///
/// ```
/// use carefind::{Population, PopulationSet};
///
/// assert!("women;PW".parse::<PopulationSet>().unwrap().contains(Population::PregnantWomen));
/// ```
pub type PopulationSet = Set<Population>;
