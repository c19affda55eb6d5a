//! FindTreatment service labels: what each one means for a facility's attributes.
//!
//! The locator writes services as human labels ("Intensive outpatient treatment",
//! "Sliding fee scale (fee is based on income and other factors)"), and the labels changed
//! over the years. [`Labels`] turns a facility's labels into levels of care, payment,
//! ages, populations, languages and medications; every other label is kept as a service,
//! and one that no table knows is also counted as unknown, so nothing is dropped silently.
//!
//! The tables cover every label in the FindTreatment code list and in the real 2019 API
//! page and 2025 California export (`../shared/datasets`); matching ignores case, runs of
//! white space and the `®` sign.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::age::AgeGroup;
use crate::care::{CareLevel, CareSet};
use crate::facility::Facility;
use crate::language::Language;
use crate::medication::Medication;
use crate::payment::Payment;
use crate::population::Population;

/// A setting named without its level ("Residential", "Outpatient").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setting {
    Hospital,
    Residential,
    Outpatient,
}

impl Setting {
    /// The levels that belong to the setting, detox included.
    fn levels(self) -> CareSet {
        use CareLevel::*;
        match self {
            Setting::Hospital => CareSet::from([HospitalDetox, HospitalInpatient]),
            Setting::Residential => {
                CareSet::from([ResidentialDetox, ResidentialShort, ResidentialLong])
            }
            Setting::Outpatient => CareSet::from([OutpatientDetox, Php, Iop, Outpatient, Otp]),
        }
    }

    /// What a bare setting stands for when no level of it is named: the treatment levels
    /// (a residential program is short- or long-term; the label does not say which).
    fn default_levels(self) -> CareSet {
        use CareLevel::*;
        match self {
            Setting::Hospital => CareSet::from(HospitalInpatient),
            Setting::Residential => CareSet::from([ResidentialShort, ResidentialLong]),
            Setting::Outpatient => CareSet::from(Outpatient),
        }
    }

    /// The detox level of the setting.
    fn detox(self) -> CareLevel {
        match self {
            Setting::Hospital => CareLevel::HospitalDetox,
            Setting::Residential => CareLevel::ResidentialDetox,
            Setting::Outpatient => CareLevel::OutpatientDetox,
        }
    }

    const ALL: [Setting; 3] = [Setting::Hospital, Setting::Residential, Setting::Outpatient];
}

/// What one label means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meaning {
    Care(CareLevel),
    Setting(Setting),
    /// "Detoxification": detox in whichever settings the facility has.
    Detox,
    Payment(Payment),
    Age(AgeGroup),
    Population(Population),
    Language(Language),
    Medication(Medication),
}

/// What the labels of one facility add up to: [`Labels::add`] takes them one by one, and
/// [`Labels::apply`] then settles the levels of care, which depend on all of them.
#[derive(Debug, Default)]
pub(crate) struct Labels {
    care: CareSet,
    settings: Vec<Setting>,
    detox: bool,
    services: Vec<String>,
    unknown: Vec<String>,
}

/// Where a label came from, which decides whether an unmapped label is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Category {
    /// A category whose labels map to attributes (service settings, payment, ages...), or
    /// no category at all (a label CSV): an unmapped label is unknown unless it is a known
    /// service.
    Mapped,
    /// A category of services (treatment approaches, ancillary services...): every label
    /// is a service.
    Services,
}

/// A label looked up once, to be added to many facilities (a code's label, say).
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    meaning: Option<Meaning>,
    /// The label as a service, when it means no attribute.
    service: String,
    /// Whether no table knows it.
    unknown: bool,
    label: String,
}

impl Resolved {
    /// Looks `label` up; `None` when it is empty.
    pub(crate) fn new(label: &str, category: Category) -> Option<Resolved> {
        let label = label.trim();
        if label.is_empty() {
            return None;
        }
        let key = normalize(label);
        let meaning = match category {
            Category::Services => None,
            Category::Mapped => meaning(&key),
        };
        Some(Resolved {
            meaning,
            // `;` separates services in the native format; a label must stay one.
            service: label.replace(';', ","),
            unknown: meaning.is_none() && category == Category::Mapped && !is_known_service(&key),
            label: label.to_string(),
        })
    }
}

impl Labels {
    /// Takes one label; `facility` receives the attributes it maps to.
    pub(crate) fn add(&mut self, label: &str, category: Category, facility: &mut Facility) {
        if let Some(resolved) = Resolved::new(label, category) {
            self.add_resolved(&resolved, facility);
        }
    }

    /// Takes one label looked up before.
    pub(crate) fn add_resolved(&mut self, resolved: &Resolved, facility: &mut Facility) {
        match resolved.meaning {
            Some(Meaning::Care(level)) => self.care.insert(level),
            Some(Meaning::Setting(setting)) => {
                if !self.settings.contains(&setting) {
                    self.settings.push(setting);
                }
            }
            Some(Meaning::Detox) => self.detox = true,
            Some(Meaning::Payment(term)) => facility.payment.insert(term),
            Some(Meaning::Age(term)) => facility.ages.insert(term),
            Some(Meaning::Population(term)) => facility.populations.insert(term),
            Some(Meaning::Language(term)) => facility.languages.insert(term),
            Some(Meaning::Medication(term)) => facility.medications.insert(term),
            None => {
                if resolved.unknown {
                    self.unknown.push(resolved.label.clone());
                }
                if !self.services.contains(&resolved.service) {
                    self.services.push(resolved.service.clone());
                }
            }
        }
    }

    /// Adds the levels of care the labels imply, and the services, to `facility`; returns
    /// the labels that no table knows (they are among the services too).
    pub(crate) fn apply(self, facility: &mut Facility) -> Vec<String> {
        let mut care = self.care;
        for setting in &self.settings {
            if !care.intersects(setting.levels()) {
                care = care | setting.default_levels();
            }
        }
        let detox_levels = CareSet::from([
            CareLevel::HospitalDetox,
            CareLevel::ResidentialDetox,
            CareLevel::OutpatientDetox,
        ]);
        if self.detox && !care.intersects(detox_levels) {
            let settings: Vec<Setting> = Setting::ALL
                .into_iter()
                .filter(|setting| {
                    self.settings.contains(setting) || care.intersects(setting.levels())
                })
                .collect();
            if settings.is_empty() {
                care = care | detox_levels;
            } else {
                care.extend(settings.into_iter().map(Setting::detox));
            }
        }
        facility.care = facility.care | care;
        for service in self.services {
            if !facility.services.contains(&service) {
                facility.services.push(service);
            }
        }
        self.unknown
    }
}

/// Lower case, one space between words, no `®` or no-break spaces.
fn normalize(label: &str) -> String {
    let cleaned = label.replace(['\u{ae}', '\u{a0}'], " ").to_lowercase();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn meaning(key: &str) -> Option<Meaning> {
    static TABLE: OnceLock<HashMap<&'static str, Meaning>> = OnceLock::new();
    let table = TABLE.get_or_init(|| MEANINGS.iter().copied().collect());
    table
        .get(key)
        .copied()
        .or_else(|| language_named(key).map(Meaning::Language))
}

/// A language by its label ("Spanish", "Korean"); not by code, as a code is no label.
fn language_named(key: &str) -> Option<Language> {
    Language::ALL
        .iter()
        .copied()
        .find(|language| language.label().eq_ignore_ascii_case(key))
}

fn is_known_service(key: &str) -> bool {
    KNOWN_SERVICES.binary_search(&key).is_ok()
}

// Labels as `normalize` leaves them, sorted.
static MEANINGS: &[(&str, Meaning)] = &[
    ("acamprosate", Meaning::Medication(Medication::Acamprosate)),
    (
        "acamprosate (campral )",
        Meaning::Medication(Medication::Acamprosate),
    ),
    (
        "active duty military",
        Meaning::Population(Population::ActiveDuty),
    ),
    ("adolescents", Meaning::Age(AgeGroup::Children)),
    ("adult men", Meaning::Population(Population::Men)),
    ("adult women", Meaning::Population(Population::Women)),
    ("adults", Meaning::Age(AgeGroup::Adults)),
    ("any chinese language", Meaning::Language(Language::Chinese)),
    (
        "buprenorphine (extended-release, injectable)",
        Meaning::Medication(Medication::BuprenorphineXr),
    ),
    (
        "buprenorphine (extended-release, injectable, for example, sublocade )",
        Meaning::Medication(Medication::BuprenorphineXr),
    ),
    (
        "buprenorphine detoxification",
        Meaning::Medication(Medication::Buprenorphine),
    ),
    (
        "buprenorphine maintenance",
        Meaning::Medication(Medication::Buprenorphine),
    ),
    (
        "buprenorphine maintenance for predetermined time",
        Meaning::Medication(Medication::Buprenorphine),
    ),
    (
        "buprenorphine sub-dermal implant",
        Meaning::Medication(Medication::BuprenorphineImplant),
    ),
    (
        "buprenorphine used in treatment",
        Meaning::Medication(Medication::Buprenorphine),
    ),
    (
        "buprenorphine with naloxone",
        Meaning::Medication(Medication::BuprenorphineNaloxone),
    ),
    (
        "buprenorphine with naloxone (suboxone )",
        Meaning::Medication(Medication::BuprenorphineNaloxone),
    ),
    (
        "buprenorphine without naloxone",
        Meaning::Medication(Medication::Buprenorphine),
    ),
    ("cash or self-payment", Meaning::Payment(Payment::Cash)),
    ("children/adolescents", Meaning::Age(AgeGroup::Children)),
    (
        "clients referred from the court/judicial system",
        Meaning::Population(Population::CriminalJustice),
    ),
    (
        "clients who have experienced intimate partner violence, domestic violence",
        Meaning::Population(Population::DomesticViolence),
    ),
    (
        "clients who have experienced sexual abuse",
        Meaning::Population(Population::SexualAbuse),
    ),
    (
        "clients who have experienced trauma",
        Meaning::Population(Population::Trauma),
    ),
    (
        "clients with co-occurring mental and substance use disorders",
        Meaning::Population(Population::CoOccurring),
    ),
    (
        "clients with co-occurring pain and substance use disorders",
        Meaning::Population(Population::CoOccurringPain),
    ),
    (
        "clients with hiv or aids",
        Meaning::Population(Population::HivAids),
    ),
    ("clonidine", Meaning::Medication(Medication::Clonidine)),
    (
        "computerized treatment/telemedicine",
        Meaning::Care(CareLevel::Telehealth),
    ),
    (
        "criminal justice (other than dui/dwi)/forensic clients",
        Meaning::Population(Population::CriminalJustice),
    ),
    ("detoxification", Meaning::Detox),
    ("disulfiram", Meaning::Medication(Medication::Disulfiram)),
    (
        "disulfiram (antabuse )",
        Meaning::Medication(Medication::Disulfiram),
    ),
    ("dui/dwi clients", Meaning::Population(Population::DuiDwi)),
    (
        "extended-release, injectable naltrexone (vivitrol )",
        Meaning::Medication(Medication::NaltrexoneXr),
    ),
    (
        "federal military insurance (e.g., tricare)",
        Meaning::Payment(Payment::Military),
    ),
    (
        "federal military insurance (tricare)",
        Meaning::Payment(Payment::Military),
    ),
    (
        "federal, or any government funding for substance abuse programs",
        Meaning::Payment(Payment::GovernmentFunding),
    ),
    (
        "federal, or any government funding for substance use treatment programs",
        Meaning::Payment(Payment::GovernmentFunding),
    ),
    (
        "federally-certified (samhsa-certified) opioid treatment program",
        Meaning::Care(CareLevel::Otp),
    ),
    (
        "federally-certified opioid treatment program",
        Meaning::Care(CareLevel::Otp),
    ),
    ("free or no-cost care", Meaning::Payment(Payment::Free)),
    ("hospital inpatient", Meaning::Setting(Setting::Hospital)),
    (
        "hospital inpatient detoxification",
        Meaning::Care(CareLevel::HospitalDetox),
    ),
    (
        "hospital inpatient treatment",
        Meaning::Care(CareLevel::HospitalInpatient),
    ),
    (
        "hospital inpatient/24-hour hospital inpatient",
        Meaning::Setting(Setting::Hospital),
    ),
    (
        "ihs/tribal/urban (itu) funds",
        Meaning::Payment(Payment::IhsTribal),
    ),
    (
        "intensive outpatient treatment",
        Meaning::Care(CareLevel::Iop),
    ),
    (
        "lesbian, gay, bisexual, or transgender (lgbt) clients",
        Meaning::Population(Population::Lgbtq),
    ),
    (
        "lesbian, gay, bisexual, transgender, or queer/questioning (lgbtq)",
        Meaning::Population(Population::Lgbtq),
    ),
    (
        "lesbian, gay, bisexual, transgender, or queer/questioning (lgbtq) clients",
        Meaning::Population(Population::Lgbtq),
    ),
    ("lgbtq", Meaning::Population(Population::Lgbtq)),
    ("lofexidine", Meaning::Medication(Medication::Lofexidine)),
    (
        "lofexidine/clonidine detoxification",
        Meaning::Medication(Medication::Lofexidine),
    ),
    (
        "long-term residential",
        Meaning::Care(CareLevel::ResidentialLong),
    ),
    ("medicaid", Meaning::Payment(Payment::Medicaid)),
    ("medicare", Meaning::Payment(Payment::Medicare)),
    (
        "medication for mental disorders",
        Meaning::Medication(Medication::MentalHealthMedications),
    ),
    (
        "medications for hepatitis c treatment",
        Meaning::Medication(Medication::HepatitisCMedications),
    ),
    (
        "medications for hiv treatment",
        Meaning::Medication(Medication::HivMedications),
    ),
    (
        "medications for psychiatric disorders",
        Meaning::Medication(Medication::MentalHealthMedications),
    ),
    (
        "members of military families",
        Meaning::Population(Population::MilitaryFamilies),
    ),
    ("methadone", Meaning::Medication(Medication::Methadone)),
    (
        "methadone detoxification",
        Meaning::Medication(Medication::Methadone),
    ),
    (
        "methadone maintenance",
        Meaning::Medication(Medication::Methadone),
    ),
    (
        "methadone maintenance for predetermined time",
        Meaning::Medication(Medication::Methadone),
    ),
    (
        "methadone used in treatment",
        Meaning::Medication(Medication::Methadone),
    ),
    (
        "military families",
        Meaning::Population(Population::MilitaryFamilies),
    ),
    (
        "military insurance (e.g., tricare)",
        Meaning::Payment(Payment::Military),
    ),
    (
        "naltrexone (extended-release, injectable)",
        Meaning::Medication(Medication::NaltrexoneXr),
    ),
    (
        "naltrexone (oral)",
        Meaning::Medication(Medication::Naltrexone),
    ),
    (
        "naltrexone used in treatment",
        Meaning::Medication(Medication::Naltrexone),
    ),
    (
        "nicotine replacement",
        Meaning::Medication(Medication::NicotineReplacement),
    ),
    (
        "nicotine replacement therapy",
        Meaning::Medication(Medication::NicotineReplacement),
    ),
    ("no payment accepted", Meaning::Payment(Payment::Free)),
    (
        "non-nicotine smoking/tobacco cessation",
        Meaning::Medication(Medication::SmokingCessation),
    ),
    (
        "non-nicotine smoking/tobacco cessation medications",
        Meaning::Medication(Medication::SmokingCessation),
    ),
    (
        "other languages (excluding spanish)",
        Meaning::Language(Language::Other),
    ),
    ("outpatient", Meaning::Setting(Setting::Outpatient)),
    (
        "outpatient day treatment or partial hospitalization",
        Meaning::Care(CareLevel::Php),
    ),
    (
        "outpatient detoxification",
        Meaning::Care(CareLevel::OutpatientDetox),
    ),
    (
        "outpatient methadone/buprenorphine or naltrexone treatment",
        Meaning::Care(CareLevel::Otp),
    ),
    (
        "partial hospitalization/day treatment",
        Meaning::Care(CareLevel::Php),
    ),
    (
        "payment assistance (check with facility for details)",
        Meaning::Payment(Payment::PaymentAssistance),
    ),
    (
        "payment assistance (check with facility)",
        Meaning::Payment(Payment::PaymentAssistance),
    ),
    (
        "persons who have experienced intimate partner violence, domestic violence",
        Meaning::Population(Population::DomesticViolence),
    ),
    (
        "persons who have experienced sexual abuse",
        Meaning::Population(Population::SexualAbuse),
    ),
    (
        "persons who have experienced trauma",
        Meaning::Population(Population::Trauma),
    ),
    (
        "persons with co-occurring mental and substance use disorders",
        Meaning::Population(Population::CoOccurring),
    ),
    (
        "persons with hiv or aids",
        Meaning::Population(Population::HivAids),
    ),
    (
        "pregnant/postpartum women",
        Meaning::Population(Population::PregnantWomen),
    ),
    (
        "prescribes buprenorphine",
        Meaning::Medication(Medication::Buprenorphine),
    ),
    (
        "prescribes naltrexone",
        Meaning::Medication(Medication::Naltrexone),
    ),
    (
        "prescribes/administers buprenorphine",
        Meaning::Medication(Medication::Buprenorphine),
    ),
    (
        "prescribes/administers naltrexone",
        Meaning::Medication(Medication::Naltrexone),
    ),
    (
        "private health insurance",
        Meaning::Payment(Payment::PrivateInsurance),
    ),
    (
        "regular outpatient treatment",
        Meaning::Care(CareLevel::Outpatient),
    ),
    (
        "relapse prevention from naltrexone",
        Meaning::Medication(Medication::Naltrexone),
    ),
    (
        "relapse prevention with naltrexone",
        Meaning::Medication(Medication::Naltrexone),
    ),
    ("residential", Meaning::Setting(Setting::Residential)),
    (
        "residential detoxification",
        Meaning::Care(CareLevel::ResidentialDetox),
    ),
    (
        "residential/24-hour residential",
        Meaning::Setting(Setting::Residential),
    ),
    (
        "samhsa certification for opioid treatment program (otp)",
        Meaning::Care(CareLevel::Otp),
    ),
    (
        "samhsa-certified opioid treatment program",
        Meaning::Care(CareLevel::Otp),
    ),
    ("seniors", Meaning::Age(AgeGroup::Seniors)),
    ("seniors (65 or older)", Meaning::Age(AgeGroup::Seniors)),
    ("seniors or older adults", Meaning::Age(AgeGroup::Seniors)),
    (
        "services for the deaf and hard of hearing",
        Meaning::Language(Language::SignLanguage),
    ),
    (
        "short-term residential",
        Meaning::Care(CareLevel::ResidentialShort),
    ),
    (
        "sign language services for the deaf and hard of hearing",
        Meaning::Language(Language::SignLanguage),
    ),
    ("sliding fee scale", Meaning::Payment(Payment::SlidingFee)),
    (
        "sliding fee scale (fee is based on income and other factors)",
        Meaning::Payment(Payment::SlidingFee),
    ),
    (
        "specially designed program for dui/dwi clients",
        Meaning::Population(Population::DuiDwi),
    ),
    (
        "state-financed health insurance plan other than medicaid",
        Meaning::Payment(Payment::StateFinanced),
    ),
    (
        "telemedicine/telehealth",
        Meaning::Care(CareLevel::Telehealth),
    ),
    (
        "telemedicine/telehealth therapy",
        Meaning::Care(CareLevel::Telehealth),
    ),
    (
        "transitional age young adults",
        Meaning::Age(AgeGroup::YoungAdults),
    ),
    (
        "transitional housing, halfway house, or sober home",
        Meaning::Care(CareLevel::SoberLiving),
    ),
    (
        "treatment for co-occurring substance use plus either serious mental health illness in adults/serious emotional disturbance in children",
        Meaning::Population(Population::CoOccurring),
    ),
    ("veterans", Meaning::Population(Population::Veterans)),
    ("young adults", Meaning::Age(AgeGroup::YoungAdults)),
    ("youth (under 18)", Meaning::Age(AgeGroup::Children)),
];

static KNOWN_SERVICES: &[&str] = &[
    "12-step facilitation",
    "accepts clients on opioid medication",
    "accepts clients using mat but prescribed elsewhere",
    "accepts clients using medication assisted treatment for alcohol use disorder but prescribed elsewhere",
    "activity therapy",
    "acupuncture",
    "aftercare/continuing care",
    "alcohol detoxification",
    "all clients in opioid treatment program",
    "anger management",
    "antipsychotics used in treatment of smi",
    "aripiprazole",
    "asenapine",
    "assertive community treatment",
    "assistance with obtaining social services",
    "behavior modification",
    "benzodiazepines detoxification",
    "breath analyzer or blood alcohol testing",
    "breathalyzer or blood alcohol testing",
    "brexpiprazole",
    "brief intervention",
    "cariprazine",
    "case management",
    "case management service",
    "child care for clients' children",
    "children/adolescents with serious emotional disturbance (sed)",
    "chlorpromazine",
    "chronic disease/illness management",
    "clozapine",
    "cocaine detoxification",
    "cognitive behavioral therapy",
    "commission on accreditation of rehabilitation facilities",
    "commission on accreditation of rehabilitation facilities (carf)",
    "community mental health block grants",
    "community mental health center",
    "community reinforcement plus vouchers",
    "community service block grants",
    "complete medical history/physical exam",
    "comprehensive mental health assessment",
    "comprehensive substance use assessment",
    "consumer-run (peer-support) services",
    "contingency management/motivational incentives",
    "council on accreditation (coa)",
    "county or local government funds",
    "couples/family therapy",
    "court-ordered outpatient treatment",
    "crisis intervention team",
    "dialectical behavior therapy",
    "diet and exercise counseling",
    "discharge planning",
    "do not use medication for opioid addiction",
    "does not treat alcohol use disorder",
    "does not treat opioid addiction",
    "does not treat opioid use disorders",
    "does not use mat for opioid use disorders",
    "does not use medication assisted treatment for alcohol use disorder",
    "domestic violence services, including family or partner",
    "domestic violence services-family or partner",
    "droperidol",
    "drug and alcohol oral fluid testing",
    "drug enforcement agency (dea)",
    "drug or alcohol urine screening",
    "early intervention for hiv",
    "education services",
    "electroconvulsive therapy",
    "employment counseling or training",
    "family counseling",
    "family counseling offered",
    "family psychoeducation",
    "federal government",
    "federal grants",
    "federally qualified health center",
    "female",
    "fluphenazine",
    "general hospital (including va hospital)",
    "group counseling",
    "group counseling offered",
    "group therapy",
    "haloperidol",
    "health education services other than hiv/aids or hepatitis",
    "hepatitis a (hav) vaccination",
    "hepatitis b (hbv) vaccination",
    "hepatitis education, counseling, or support",
    "hiv or aids education, counseling, or support",
    "hiv testing",
    "hospital licensing authority",
    "housing services",
    "iioperidone",
    "illness management and recovery",
    "in-network prescribing entity",
    "indian health services",
    "individual counseling",
    "individual counseling offered",
    "individual psychotherapy",
    "integrated dual disorders treatment",
    "integrated primary care services",
    "intensive case management",
    "interim services for clients",
    "local, county, or community government",
    "lofexidine or clonidine detoxification",
    "loxapine",
    "lurasidone",
    "maintenance service with medically supervised withdrawal after stabilization",
    "male",
    "marital/couples counseling",
    "marital/couples counseling offered",
    "matrix model",
    "medication routinely used during detoxification",
    "medications for pre-exposure to prophylaxis",
    "mental health services",
    "mental health treatment",
    "mentoring/peer support",
    "metabolic syndrome monitoring",
    "methadone and buprenorphine clients only",
    "methamphetamines detoxification",
    "motivational interviewing",
    "naloxone and overdose education",
    "national committee for quality assurance (ncqa)",
    "no formal relationship with prescribing entity",
    "olanzapine",
    "olanzapine/fluoxetine combination",
    "opioids detoxification",
    "other contracted prescribing entity",
    "other state funds",
    "outcome follow-up after discharge",
    "outpatient mental health facility",
    "outreach to persons in the community",
    "paliperidone",
    "perphenazine",
    "persons 18 and older with serious mental illness (smi)",
    "persons experiencing first-episode psychosis",
    "persons with alzheimer's or dementia",
    "persons with eating disorders",
    "persons with post-traumatic stress disorder (ptsd)",
    "persons with serious mental illness (smi)",
    "persons with traumatic brain injury (tbi)",
    "pimozide",
    "private for-profit organization",
    "private non-profit organization",
    "private or community foundation",
    "prochlorperazine",
    "professional interventionist/educational consultant",
    "psychiatric emergency walk-in services",
    "psychiatric hospital",
    "psychiatric hospital or psychiatric unit of a general hospital",
    "psychosocial rehabilitation services",
    "psychotropic medication",
    "quetiapine",
    "rational emotive behavioral therapy",
    "recovery coach",
    "regional/district or county, local or municipal government",
    "relapse prevention",
    "residential beds for clients' children",
    "residential treatment center (rtc) for adults",
    "residential treatment center (rtc) for children",
    "risperidone",
    "samhsa funding/block grants",
    "screening for hepatitis b",
    "screening for hepatitis c",
    "screening for mental disorders",
    "screening for mental health disorders",
    "screening for substance use",
    "screening for tobacco use",
    "self-help groups",
    "smoking not permitted",
    "smoking permitted in designated area",
    "smoking/tobacco cessation counseling",
    "smoking/vaping/tobacco cessation counseling",
    "social skills development",
    "state corrections or juvenile justice funds",
    "state department of health",
    "state education agency funds",
    "state education funds",
    "state government",
    "state mental health agency (or equivalent) funds",
    "state mental health department",
    "state substance abuse agency",
    "state substance use treatment agency",
    "state welfare or child and family services funds",
    "std testing",
    "substance abuse education",
    "substance use counseling approach",
    "substance use disorder counseling",
    "substance use disorder education",
    "substance use treatment",
    "suicide prevention services",
    "supported housing",
    "tb screening",
    "testing for hepatitis b (hbv)",
    "testing for hepatitis c (hcv)",
    "the joint commission",
    "thioridazine",
    "thiothixene",
    "this facility administers/prescribes medication for alcohol use disorder",
    "transportation assistance",
    "trauma therapy",
    "trauma-related counseling",
    "treatment for gambling disorder",
    "treatment for internet use disorder",
    "treatment for non-substance use addiction disorder",
    "treatment for other addiction disorder",
    "tribal government",
    "trifluoperazine",
    "u.s. department of va funds",
    "use methadone/buprenorphine for pain management or emergency dosing",
    "vaping not permitted",
    "vaping permitted in designated area",
    "vaping permitted without restriction",
    "vocational training or educational support (for example, high school coursework, ged preparation, etc.)",
    "ziprasidone",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sphere::LatLon;
    use CareLevel::*;

    fn care_of(labels: &[&str]) -> (Vec<CareLevel>, Vec<String>) {
        let mut facility = Facility::new("x", "X", LatLon::new(0.0, 0.0).unwrap());
        let mut taken = Labels::default();
        for label in labels {
            taken.add(label, Category::Mapped, &mut facility);
        }
        let unknown = taken.apply(&mut facility);
        (facility.care.iter().collect(), unknown)
    }

    #[test]
    fn tables_are_sorted_normalized_and_disjoint() {
        assert!(KNOWN_SERVICES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(MEANINGS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (label, _) in MEANINGS {
            assert_eq!(normalize(label), *label);
            assert!(
                !is_known_service(label),
                "{label} is both mapped and a service"
            );
        }
        for label in KNOWN_SERVICES {
            assert_eq!(normalize(label), *label);
        }
    }

    #[test]
    fn a_bare_setting_stands_for_its_treatment_levels_only_when_none_is_named() {
        assert_eq!(
            care_of(&["Residential"]).0,
            [ResidentialShort, ResidentialLong]
        );
        assert_eq!(
            care_of(&["Residential/24-hour residential", "Long-term residential"]).0,
            [ResidentialLong]
        );
        assert_eq!(
            care_of(&["Outpatient", "Intensive outpatient treatment"]).0,
            [Iop]
        );
        assert_eq!(care_of(&["Outpatient"]).0, [Outpatient]);
        assert_eq!(care_of(&["Hospital inpatient"]).0, [HospitalInpatient]);
    }

    #[test]
    fn detoxification_follows_the_settings() {
        assert_eq!(
            care_of(&["Detoxification", "Residential", "Outpatient"]).0,
            [
                ResidentialDetox,
                OutpatientDetox,
                ResidentialShort,
                ResidentialLong,
                Outpatient
            ]
        );
        assert_eq!(
            care_of(&["Detoxification", "Hospital inpatient detoxification"]).0,
            [HospitalDetox]
        );
        assert_eq!(
            care_of(&["Detoxification"]).0,
            [HospitalDetox, ResidentialDetox, OutpatientDetox]
        );
    }

    #[test]
    fn label_variants_across_years_map_alike() {
        for (old, new) in [
            (
                "Partial hospitalization/day treatment",
                "Outpatient day treatment or partial hospitalization",
            ),
            (
                "Computerized treatment/telemedicine",
                "Telemedicine/telehealth",
            ),
        ] {
            assert_eq!(care_of(&[old]).0, care_of(&[new]).0);
            assert!(!care_of(&[old]).0.is_empty());
        }
        let mut facility = Facility::new("x", "X", LatLon::new(0.0, 0.0).unwrap());
        let mut labels = Labels::default();
        for label in [
            "Buprenorphine with naloxone  (Suboxone®)",
            "SLIDING FEE SCALE (fee is based on income and other factors)",
            "Korean",
            "Seniors or older adults",
        ] {
            labels.add(label, Category::Mapped, &mut facility);
        }
        assert!(labels.apply(&mut facility).is_empty());
        assert!(
            facility
                .medications
                .contains(Medication::BuprenorphineNaloxone)
        );
        assert!(facility.payment.contains(Payment::SlidingFee));
        assert!(facility.languages.contains(Language::Korean));
        assert!(facility.ages.contains(AgeGroup::Seniors));
    }

    #[test]
    fn unknown_labels_are_kept_and_named_but_service_categories_are_never_unknown() {
        let (care, unknown) = care_of(&["Outpatient", "Equine; therapy", "Matrix Model"]);
        assert_eq!(care, [Outpatient]);
        assert_eq!(unknown, ["Equine; therapy"]);

        let mut facility = Facility::new("x", "X", LatLon::new(0.0, 0.0).unwrap());
        let mut labels = Labels::default();
        labels.add("Equine therapy", Category::Services, &mut facility);
        labels.add("Medicaid", Category::Services, &mut facility);
        assert!(labels.apply(&mut facility).is_empty());
        assert_eq!(facility.services, ["Equine therapy", "Medicaid"]);
        assert!(facility.payment.is_empty());
    }
}
