//! Accreditation, licensing, certification, registration and designation: the quality
//! signals the directories publish.

use crate::set::Set;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// A credential a facility holds, as SAMHSA's directories list them (their
    /// "License/Certification/Accreditation" codes): the one public quality signal there
    /// is. Keep the kinds apart ([`Credential::kind`]): accreditors review quality, states
    /// license, SAMHSA certifies opioid treatment programs, the DEA registers, and FQHC is
    /// a federal designation.
    ///
    /// ```
    /// use carefind::{Credential, CredentialKind};
    ///
    /// assert_eq!("JC".parse::<Credential>().unwrap(), Credential::JointCommission);
    /// assert_eq!(Credential::Carf.kind(), CredentialKind::Accreditation);
    /// assert_eq!(Credential::StateSudAgency.kind(), CredentialKind::License);
    /// ```
    pub enum Credential: "credential" {
        /// Accredited by The Joint Commission.
        JointCommission = "joint-commission", "The Joint Commission",
            codes ["JC"], aliases ["jcaho"];
        /// Accredited by CARF, the Commission on Accreditation of Rehabilitation Facilities.
        Carf = "carf", "Commission on Accreditation of Rehabilitation Facilities (CARF)",
            codes ["CARF"], aliases [];
        /// Accredited by the Council on Accreditation.
        Coa = "coa", "Council on Accreditation (COA)", codes ["COA"], aliases [];
        /// Accredited by the Healthcare Facilities Accreditation Program.
        Hfap = "hfap", "Healthcare Facilities Accreditation Program (HFAP)",
            codes ["HFAP"], aliases [];
        /// Accredited by the National Committee for Quality Assurance.
        Ncqa = "ncqa", "National Committee for Quality Assurance (NCQA)",
            codes ["NCQA"], aliases [];
        /// Licensed by a hospital licensing authority.
        HospitalLicense = "hospital-licensing-authority", "Hospital licensing authority",
            codes ["HLA"], aliases [];
        /// Licensed or certified by the state substance use treatment agency.
        StateSudAgency = "state-sud-agency", "State substance use treatment agency",
            codes ["STAG"], aliases ["state-substance-use-agency"];
        /// Licensed by the state mental health department.
        StateMentalHealth = "state-mental-health", "State mental health department",
            codes ["STMH"], aliases [];
        /// Licensed by the state department of health.
        StateHealth = "state-health", "State department of health",
            codes ["STDH"], aliases [];
        /// Certified by SAMHSA as an opioid treatment program.
        SamhsaOtp = "samhsa-otp", "SAMHSA certification for opioid treatment program (OTP)",
            codes ["SOTP"], aliases [];
        /// Registered with the Drug Enforcement Administration.
        Dea = "dea", "Drug Enforcement Administration (DEA)", codes ["DEA"],
            aliases ["Drug Enforcement Agency (DEA)"];
        /// A Federally Qualified Health Center.
        Fqhc = "fqhc", "Federally Qualified Health Center", codes ["FQHC"], aliases [];
    }
}

/// A set of credentials.
///
/// ```
/// use carefind::{Credential, CredentialSet};
///
/// let reviewed: CredentialSet = "jc;carf".parse().unwrap();
/// assert!(reviewed.contains(Credential::Carf));
/// ```
pub type CredentialSet = Set<Credential>;

/// What kind of credential it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// An independent body reviewed its quality (JC, CARF, COA, HFAP, NCQA).
    Accreditation,
    /// A state or hospital authority licenses it.
    License,
    /// SAMHSA certifies it as an opioid treatment program.
    Certification,
    /// The DEA registers it to dispense controlled medications.
    Registration,
    /// A federal designation (FQHC).
    Designation,
}

impl Credential {
    /// What kind of credential it is.
    ///
    /// ```
    /// use carefind::{Credential, CredentialKind};
    ///
    /// assert_eq!(Credential::Dea.kind(), CredentialKind::Registration);
    /// ```
    pub const fn kind(self) -> CredentialKind {
        use Credential::*;
        match self {
            JointCommission | Carf | Coa | Hfap | Ncqa => CredentialKind::Accreditation,
            HospitalLicense | StateSudAgency | StateMentalHealth | StateHealth => {
                CredentialKind::License
            }
            SamhsaOtp => CredentialKind::Certification,
            Dea => CredentialKind::Registration,
            Fqhc => CredentialKind::Designation,
        }
    }

    /// The credentials of one kind.
    ///
    /// ```
    /// use carefind::{Credential, CredentialKind};
    ///
    /// assert_eq!(Credential::of_kind(CredentialKind::Accreditation).len(), 5);
    /// ```
    pub fn of_kind(kind: CredentialKind) -> CredentialSet {
        Credential::ALL
            .iter()
            .copied()
            .filter(|credential| credential.kind() == kind)
            .collect()
    }
}
