//! Levels of care and their groups.

use crate::set::Set;
use crate::vocabulary::{Group, names_group, vocabulary};

vocabulary! {
    /// A level of care, from hospital detox down to a sober-living home.
    ///
    /// The canonical names are those of the native format (`datasets/README.md`); each
    /// level also parses from its FindTreatment codes, its label and a few common aliases,
    /// in any case.
    ///
    /// ```
    /// use carefind::CareLevel;
    ///
    /// let iop: CareLevel = "OIT".parse().unwrap();
    /// assert_eq!(iop, CareLevel::Iop);
    /// assert_eq!(iop.name(), "iop");
    /// assert_eq!(iop.asam(), Some("2.1"));
    /// assert!(CareLevel::Php.intensity() > iop.intensity());
    /// ```
    pub enum CareLevel: "care level", groups = GROUPS {
        /// Hospital inpatient detoxification (ASAM 4-WM).
        HospitalDetox = "hospital-detox", "Hospital inpatient detox",
            codes ["HID"], aliases ["Hospital inpatient detoxification"];
        /// Residential detoxification (ASAM 3.7-WM).
        ResidentialDetox = "residential-detox", "Residential detox",
            codes ["RD"], aliases ["Residential detoxification"];
        /// Outpatient detoxification (ASAM 1-WM / 2-WM).
        OutpatientDetox = "outpatient-detox", "Outpatient detox",
            codes ["OD"], aliases ["Outpatient detoxification", "ambulatory-detox"];
        /// Medically managed hospital inpatient treatment (ASAM 4).
        HospitalInpatient = "hospital-inpatient", "Hospital inpatient treatment",
            codes ["HIT"], aliases ["inpatient-hospital"];
        /// Short-term residential, about 30 days or less (ASAM 3.5).
        ResidentialShort = "residential-short", "Short-term residential",
            codes ["RS"], aliases [];
        /// Long-term residential (ASAM 3.1 / 3.5).
        ResidentialLong = "residential-long", "Long-term residential",
            codes ["RL"], aliases [];
        /// Partial hospitalization or day treatment (ASAM 2.5).
        Php = "php", "Partial hospitalization / day treatment",
            codes ["ODT", "PHDT", "PH"],
            aliases ["partial-hospitalization", "day-treatment",
                "Partial hospitalization/day treatment",
                "Outpatient day treatment or partial hospitalization"];
        /// Intensive outpatient: 9-20 hours a week, living at home or in sober living, no
        /// detox (ASAM 2.1).
        Iop = "iop", "Intensive outpatient",
            codes ["OIT"], aliases ["Intensive outpatient treatment"];
        /// Regular outpatient (ASAM 1).
        Outpatient = "outpatient", "Regular outpatient",
            codes ["ORT"], aliases ["Regular outpatient treatment"];
        /// Opioid treatment program: methadone, buprenorphine or naltrexone.
        Otp = "otp", "Opioid treatment program",
            codes ["OTP", "OMB"],
            aliases ["opioid-treatment-program", "methadone-clinic",
                "Outpatient methadone/buprenorphine or naltrexone treatment"];
        /// Sober-living home, halfway house or other recovery residence.
        SoberLiving = "sober-living", "Sober living / recovery residence",
            codes ["HH"],
            aliases ["sober-home", "halfway-house", "recovery-residence", "transitional-housing",
                "Transitional housing, halfway house, or sober home"];
        /// Care not bound to the address; never ranked by distance alone.
        Telehealth = "telehealth", "Telehealth",
            codes ["TELE", "CT"], aliases ["telemedicine", "Telemedicine/telehealth"];
    }
}

use CareLevel::*;

static GROUPS: &[Group<CareLevel>] = &[
    Group {
        name: "detox",
        label: "Detoxification",
        codes: &["DT"],
        members: &[HospitalDetox, ResidentialDetox, OutpatientDetox],
    },
    Group {
        name: "hospital",
        label: "Hospital inpatient/24-hour hospital inpatient",
        codes: &["HI"],
        members: &[HospitalDetox, HospitalInpatient],
    },
    Group {
        name: "residential",
        label: "Residential/24-hour residential",
        codes: &["RES"],
        members: &[ResidentialShort, ResidentialLong],
    },
    Group {
        name: "inpatient",
        label: "Inpatient rehab (hospital or residential)",
        codes: &[],
        members: &[HospitalInpatient, ResidentialShort, ResidentialLong],
    },
    Group {
        name: "outpatient-any",
        label: "Outpatient (any intensity)",
        codes: &["OP"],
        members: &[Php, Iop, Outpatient],
    },
];

/// A set of levels of care.
///
/// ```
/// use carefind::{CareLevel, CareSet};
///
/// let care: CareSet = "detox;iop".parse().unwrap();
/// assert_eq!(care.len(), 4);
/// assert!(care.contains(CareLevel::OutpatientDetox));
/// ```
pub type CareSet = Set<CareLevel>;

impl CareLevel {
    /// The number of levels.
    ///
    /// ```
    /// use carefind::CareLevel;
    ///
    /// assert_eq!(CareLevel::COUNT, 12);
    /// ```
    pub const COUNT: usize = Self::ALL.len();

    /// The ASAM level of care, as the criteria write it; `None` for telehealth.
    ///
    /// ```
    /// use carefind::CareLevel;
    ///
    /// assert_eq!(CareLevel::ResidentialDetox.asam(), Some("3.7-WM"));
    /// assert_eq!(CareLevel::Telehealth.asam(), None);
    /// ```
    pub const fn asam(self) -> Option<&'static str> {
        Some(match self {
            HospitalDetox => "4-WM",
            ResidentialDetox => "3.7-WM",
            OutpatientDetox => "1-WM / 2-WM",
            HospitalInpatient => "4",
            ResidentialShort => "3.5",
            ResidentialLong => "3.1 / 3.5",
            Php => "2.5",
            Iop => "2.1",
            Outpatient => "1",
            Otp => "OTP",
            SoberLiving => "recovery residence",
            Telehealth => return None,
        })
    }

    /// The intensity rank: higher is more intensive. A step down goes to a lower rank.
    ///
    /// Withdrawal management ranks just above the treatment of the same setting, since detox
    /// comes first there. Sober living is housing beside outpatient care, and telehealth
    /// ranks lowest.
    ///
    /// ```
    /// use carefind::CareLevel;
    ///
    /// let mut path = vec![CareLevel::Iop, CareLevel::ResidentialDetox, CareLevel::ResidentialShort];
    /// path.sort_by_key(|level| std::cmp::Reverse(level.intensity()));
    /// assert_eq!(path, [CareLevel::ResidentialDetox, CareLevel::ResidentialShort, CareLevel::Iop]);
    /// ```
    pub const fn intensity(self) -> u8 {
        match self {
            HospitalDetox => 11,
            HospitalInpatient => 10,
            ResidentialDetox => 9,
            ResidentialShort => 8,
            ResidentialLong => 7,
            Php => 6,
            Iop => 5,
            OutpatientDetox => 4,
            Otp => 3,
            Outpatient => 2,
            SoberLiving => 1,
            Telehealth => 0,
        }
    }
}

/// A name for several levels of care at once, such as `detox` or `inpatient`.
///
/// ```
/// use carefind::{CareGroup, CareLevel};
///
/// let group: CareGroup = "RES".parse().unwrap();
/// assert_eq!(group, CareGroup::Residential);
/// assert!(group.levels().contains(CareLevel::ResidentialShort));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CareGroup {
    /// The three detox levels (FindTreatment `DT`).
    Detox,
    /// Hospital detox and hospital inpatient treatment (`HI`).
    Hospital,
    /// Both residential treatment levels (`RES`).
    Residential,
    /// Hospital inpatient plus residential: what people mean by "inpatient rehab".
    Inpatient,
    /// PHP, IOP and regular outpatient (`OP`).
    OutpatientAny,
}

impl CareGroup {
    /// Every group.
    ///
    /// ```
    /// use carefind::CareGroup;
    ///
    /// let names: Vec<&str> = CareGroup::ALL.iter().map(|g| g.name()).collect();
    /// assert_eq!(names, ["detox", "hospital", "residential", "inpatient", "outpatient-any"]);
    /// ```
    pub const ALL: &'static [CareGroup] = &[
        CareGroup::Detox,
        CareGroup::Hospital,
        CareGroup::Residential,
        CareGroup::Inpatient,
        CareGroup::OutpatientAny,
    ];

    fn group(self) -> &'static Group<CareLevel> {
        &GROUPS[self as usize]
    }

    /// The canonical name.
    ///
    /// ```
    /// use carefind::CareGroup;
    ///
    /// assert_eq!(CareGroup::OutpatientAny.name(), "outpatient-any");
    /// ```
    pub fn name(self) -> &'static str {
        self.group().name
    }

    /// The levels the group stands for.
    ///
    /// ```
    /// use carefind::{CareGroup, CareLevel};
    ///
    /// assert_eq!(CareGroup::Detox.levels().len(), 3);
    /// ```
    pub fn levels(self) -> CareSet {
        self.group().members.iter().copied().collect()
    }
}

impl std::fmt::Display for CareGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for CareGroup {
    type Err = crate::error::UnknownTerm;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        GROUPS
            .iter()
            .position(|group| names_group(group, word.trim()))
            .map(|position| CareGroup::ALL[position])
            .ok_or_else(|| crate::error::UnknownTerm {
                kind: "care group",
                value: word.trim().to_string(),
                suggestion: None,
                valid: GROUPS.iter().map(|g| g.name).collect(),
            })
    }
}

impl From<CareGroup> for CareSet {
    fn from(group: CareGroup) -> CareSet {
        group.levels()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_in_enum_order() {
        for group in CareGroup::ALL {
            assert_eq!(group.group().name, group.name());
            assert_eq!(group.name().parse::<CareGroup>().unwrap(), *group);
        }
        assert_eq!(CareGroup::Inpatient.levels().len(), 3);
        assert!("iop".parse::<CareGroup>().is_err());
    }

    #[test]
    fn ranks_are_distinct() {
        let mut ranks: Vec<u8> = CareLevel::ALL.iter().map(|l| l.intensity()).collect();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks.len(), CareLevel::COUNT);
    }

    #[test]
    fn design_codes_parse() {
        for (code, name) in [
            ("HID", "hospital-detox"),
            ("ph", "php"),
            ("PHDT", "php"),
            ("OMB", "otp"),
            ("CT", "telehealth"),
            ("hh", "sober-living"),
        ] {
            assert_eq!(CareLevel::parse(code).unwrap().name(), name);
        }
        for (code, levels) in [
            ("DT", 3),
            ("HI", 2),
            ("RES", 2),
            ("OP", 3),
            ("inpatient", 3),
        ] {
            assert_eq!(CareSet::parse_list(code).unwrap().len(), levels, "{code}");
        }
    }
}
