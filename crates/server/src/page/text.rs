//! Every word the pages say, in English and in Spanish (the language the directory's
//! users ask for most after English). A page takes one `Text` and never spells a string
//! itself, so a string missing in one language cannot compile.

use carefind::analysis::pathway::Stage;
use carefind::{AgeGroup, Asam, CareLevel, Credential, Language, Medication, Payment, Population};

/// The language of a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// `?lang=` first, then the first of `Accept-Language` that the pages speak.
    pub fn choose(asked: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = asked.and_then(Lang::parse) {
            return lang;
        }
        let mut ranked: Vec<(f32, Lang)> = accept_language
            .unwrap_or_default()
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((quality, Lang::parse(tag.split('-').next()?)?))
            })
            .collect();
        // Stable: among equal weights, the order the browser gave wins.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map_or(Lang::En, |(_, lang)| *lang)
    }

    pub(crate) fn parse(tag: &str) -> Option<Lang> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The BCP 47 code, for `lang=` and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The other language, which the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// The strings of this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }
}

/// A choice of care on the search form: one level, or a group of levels, with what it
/// means in plain words.
pub struct CareChoice {
    /// The value `care=` takes (a level's or a group's name).
    pub value: &'static str,
    /// The name, in English then Spanish.
    pub name: [&'static str; 2],
    /// The name inside a sentence ("IOP taking Medicaid near 10001").
    pub short: [&'static str; 2],
    /// What it is: where you live, how many hours, in English then Spanish.
    pub help: [&'static str; 2],
}

/// The levels of care as the form offers them, from the most care to the least.
pub const CARE_CHOICES: [CareChoice; 8] = [
    CareChoice {
        value: "detox",
        short: ["detox", "desintoxicación"],
        name: [
            "Detox (withdrawal management)",
            "Desintoxicación (manejo de la abstinencia)",
        ],
        help: [
            "Medical help to stop drinking or using safely, usually for a few days: in a hospital, in a residential unit, or as an outpatient.",
            "Ayuda médica para dejar de beber o consumir de forma segura, por lo general durante unos días: en un hospital, en una unidad residencial o de forma ambulatoria.",
        ],
    },
    CareChoice {
        value: "hospital-inpatient",
        short: ["hospital inpatient care", "hospitalización"],
        name: ["Hospital inpatient", "Hospitalización"],
        help: [
            "Care around the clock in a hospital, for serious medical or mental-health needs.",
            "Atención las 24 horas en un hospital, para necesidades médicas o de salud mental graves.",
        ],
    },
    CareChoice {
        value: "residential",
        short: ["residential treatment", "tratamiento residencial"],
        name: ["Residential", "Residencial"],
        help: [
            "You live at the program for weeks or months, with treatment and support every day.",
            "Usted vive en el programa durante semanas o meses, con tratamiento y apoyo todos los días.",
        ],
    },
    CareChoice {
        value: "php",
        short: ["PHP", "PHP"],
        name: [
            "Partial hospitalization (PHP)",
            "Hospitalización parcial (PHP)",
        ],
        help: [
            "Treatment for most of the day, 20 or more hours a week, and you sleep at home.",
            "Tratamiento durante la mayor parte del día, 20 horas o más a la semana, y usted duerme en casa.",
        ],
    },
    CareChoice {
        value: "iop",
        short: ["IOP", "IOP"],
        name: ["Intensive outpatient (IOP)", "Ambulatorio intensivo (IOP)"],
        help: [
            "About 9 to 20 hours a week (often 10 to 12: three hours a day, several days a week) while you live at home or in sober living. No detox.",
            "Entre 9 y 20 horas a la semana (a menudo de 10 a 12: tres horas al día, varios días a la semana) mientras vive en casa o en una vivienda de recuperación. Sin desintoxicación.",
        ],
    },
    CareChoice {
        value: "outpatient",
        short: ["outpatient treatment", "tratamiento ambulatorio"],
        name: ["Outpatient", "Ambulatorio"],
        help: [
            "Counselling or therapy, usually fewer than 9 hours a week, while you live at home.",
            "Consejería o terapia, por lo general menos de 9 horas a la semana, mientras vive en casa.",
        ],
    },
    CareChoice {
        value: "otp",
        short: [
            "opioid treatment programs",
            "programas de tratamiento de opioides",
        ],
        name: [
            "Opioid treatment program (OTP)",
            "Programa de tratamiento de opioides (OTP)",
        ],
        help: [
            "A clinic that gives methadone or buprenorphine for opioid addiction, often every day at first.",
            "Una clínica que da metadona o buprenorfina para la adicción a los opioides, a menudo todos los días al principio.",
        ],
    },
    CareChoice {
        value: "sober-living",
        short: ["sober living", "vivienda de recuperación"],
        name: ["Sober living", "Vivienda de recuperación"],
        help: [
            "A shared home free of alcohol and drugs for people in recovery, often while they attend IOP or outpatient care. A place to live, not treatment.",
            "Una casa compartida libre de alcohol y drogas para personas en recuperación, a menudo mientras asisten a IOP o a atención ambulatoria. Un lugar donde vivir, no un tratamiento.",
        ],
    },
];

/// A level of care in words.
pub fn care_level(level: CareLevel, lang: Lang) -> &'static str {
    use CareLevel::*;
    let [en, es] = match level {
        HospitalDetox => ["Detox in a hospital", "Desintoxicación en un hospital"],
        ResidentialDetox => ["Residential detox", "Desintoxicación residencial"],
        OutpatientDetox => ["Outpatient detox", "Desintoxicación ambulatoria"],
        HospitalInpatient => ["Hospital inpatient", "Hospitalización"],
        ResidentialShort => ["Short-term residential", "Residencial de corto plazo"],
        ResidentialLong => ["Long-term residential", "Residencial de largo plazo"],
        Php => [
            "Partial hospitalization (PHP)",
            "Hospitalización parcial (PHP)",
        ],
        Iop => ["Intensive outpatient (IOP)", "Ambulatorio intensivo (IOP)"],
        Outpatient => ["Outpatient", "Ambulatorio"],
        Otp => [
            "Opioid treatment program",
            "Programa de tratamiento de opioides",
        ],
        SoberLiving => ["Sober living", "Vivienda de recuperación"],
        Telehealth => ["Telehealth", "Telesalud"],
    };
    pick(lang, en, es)
}

/// A way to pay in words.
pub fn payment(payment: Payment, lang: Lang) -> &'static str {
    use Payment::*;
    let [en, es] = match payment {
        Medicaid => ["Medicaid", "Medicaid"],
        Medicare => ["Medicare", "Medicare"],
        PrivateInsurance => ["Private insurance", "Seguro médico privado"],
        Cash => ["Cash or self-pay", "Efectivo o pago propio"],
        SlidingFee => ["Sliding fee scale", "Tarifa según ingresos"],
        Free => ["Free care", "Atención gratuita"],
        Military => ["TRICARE (military)", "TRICARE (militar)"],
        StateFinanced => [
            "State-financed insurance",
            "Seguro financiado por el estado",
        ],
        IhsTribal => [
            "IHS, tribal or urban Indian funds",
            "Fondos IHS, tribales o indígenas urbanos",
        ],
        PaymentAssistance => ["Payment assistance", "Ayuda para el pago"],
        GovernmentFunding => ["Government funding", "Fondos del gobierno"],
    };
    pick(lang, en, es)
}

/// An age group in words.
pub fn age(age: AgeGroup, lang: Lang) -> &'static str {
    use AgeGroup::*;
    let [en, es] = match age {
        Children => ["Children and teens", "Niños y adolescentes"],
        YoungAdults => ["Young adults", "Adultos jóvenes"],
        Adults => ["Adults", "Adultos"],
        Seniors => ["Seniors", "Personas mayores"],
    };
    pick(lang, en, es)
}

/// A population served, in words.
pub fn population(population: Population, lang: Lang) -> &'static str {
    use Population::*;
    let [en, es] = match population {
        Veterans => ["Veterans", "Veteranos"],
        ActiveDuty => ["Active-duty military", "Militares en servicio activo"],
        MilitaryFamilies => ["Military families", "Familias de militares"],
        Women => ["Women", "Mujeres"],
        PregnantWomen => [
            "Pregnant or postpartum women",
            "Mujeres embarazadas o en posparto",
        ],
        Men => ["Men", "Hombres"],
        Lgbtq => ["LGBTQ", "LGBTQ"],
        CriminalJustice => [
            "Criminal justice clients",
            "Personas en el sistema judicial",
        ],
        CoOccurring => [
            "Mental health and substance use",
            "Salud mental y consumo de sustancias",
        ],
        CoOccurringPain => [
            "Chronic pain and substance use",
            "Dolor crónico y consumo de sustancias",
        ],
        HivAids => ["People with HIV or AIDS", "Personas con VIH o sida"],
        Trauma => ["Trauma survivors", "Sobrevivientes de trauma"],
        SexualAbuse => [
            "Survivors of sexual abuse",
            "Sobrevivientes de abuso sexual",
        ],
        DomesticViolence => [
            "Domestic violence survivors",
            "Sobrevivientes de violencia doméstica",
        ],
        DuiDwi => ["DUI/DWI", "DUI/DWI (conducir bajo los efectos)"],
        Deaf => [
            "Deaf or hard of hearing",
            "Personas sordas o con pérdida auditiva",
        ],
    };
    pick(lang, en, es)
}

/// A language care is offered in, named in the page's language.
pub fn language(language: Language, lang: Lang) -> &'static str {
    use Language::*;
    let [en, es] = match language {
        Spanish => ["Spanish", "Español"],
        SignLanguage => ["Sign language (ASL)", "Lengua de señas (ASL)"],
        NativeAmerican => [
            "American Indian or Alaska Native languages",
            "Lenguas indígenas de EE. UU. y Alaska",
        ],
        Other => ["Other languages", "Otros idiomas"],
        Arabic => ["Arabic", "Árabe"],
        Chinese => ["Chinese", "Chino"],
        Creole => ["Haitian Creole", "Criollo haitiano"],
        Farsi => ["Farsi", "Farsi"],
        French => ["French", "Francés"],
        German => ["German", "Alemán"],
        Greek => ["Greek", "Griego"],
        Hebrew => ["Hebrew", "Hebreo"],
        Hindi => ["Hindi", "Hindi"],
        Hmong => ["Hmong", "Hmong"],
        Italian => ["Italian", "Italiano"],
        Japanese => ["Japanese", "Japonés"],
        Korean => ["Korean", "Coreano"],
        Polish => ["Polish", "Polaco"],
        Portuguese => ["Portuguese", "Portugués"],
        Russian => ["Russian", "Ruso"],
        Tagalog => ["Tagalog", "Tagalo"],
        Vietnamese => ["Vietnamese", "Vietnamita"],
        Hopi => ["Hopi", "Hopi"],
        Lakota => ["Lakota", "Lakota"],
        Navajo => ["Navajo", "Navajo"],
        Ojibwa => ["Ojibwa", "Ojibwa"],
        Yupik => ["Yupik", "Yupik"],
    };
    pick(lang, en, es)
}

/// A medication in words.
pub fn medication(medication: Medication, lang: Lang) -> &'static str {
    use Medication::*;
    let [en, es] = match medication {
        Methadone => ["Methadone", "Metadona"],
        Buprenorphine => ["Buprenorphine", "Buprenorfina"],
        BuprenorphineNaloxone => ["Buprenorphine with naloxone", "Buprenorfina con naloxona"],
        BuprenorphineXr => [
            "Buprenorphine, extended-release injection",
            "Buprenorfina inyectable de liberación prolongada",
        ],
        BuprenorphineImplant => ["Buprenorphine implant", "Implante de buprenorfina"],
        Naltrexone => ["Naltrexone (pills)", "Naltrexona (pastillas)"],
        NaltrexoneXr => [
            "Naltrexone, extended-release injection",
            "Naltrexona inyectable de liberación prolongada",
        ],
        Acamprosate => ["Acamprosate", "Acamprosato"],
        Disulfiram => ["Disulfiram", "Disulfiram"],
        Lofexidine => ["Lofexidine", "Lofexidina"],
        Clonidine => ["Clonidine", "Clonidina"],
        NicotineReplacement => ["Nicotine replacement", "Reemplazo de nicotina"],
        SmokingCessation => [
            "Quit-smoking medication without nicotine",
            "Medicamentos sin nicotina para dejar de fumar",
        ],
        HivMedications => ["HIV medication", "Medicamentos para el VIH"],
        HepatitisCMedications => ["Hepatitis C medication", "Medicamentos para la hepatitis C"],
        MentalHealthMedications => [
            "Mental-health medication",
            "Medicamentos para la salud mental",
        ],
    };
    pick(lang, en, es)
}

/// A stage of the step-down path in words.
pub fn stage(stage: Stage, lang: Lang) -> &'static str {
    let [en, es] = match stage {
        Stage::Detox => ["Detox", "Desintoxicación"],
        Stage::Inpatient => ["Hospital inpatient", "Hospitalización"],
        Stage::Residential => ["Residential", "Residencial"],
        Stage::Php => [
            "Partial hospitalization (PHP)",
            "Hospitalización parcial (PHP)",
        ],
        Stage::Iop => ["Intensive outpatient (IOP)", "Ambulatorio intensivo (IOP)"],
        Stage::Outpatient => ["Outpatient", "Ambulatorio"],
    };
    pick(lang, en, es)
}

/// A credential in words.
pub fn credential(credential: Credential, lang: Lang) -> &'static str {
    use Credential::*;
    let [en, es] = match credential {
        JointCommission => ["The Joint Commission", "The Joint Commission"],
        Carf => ["CARF", "CARF"],
        Coa => [
            "Council on Accreditation (COA)",
            "Council on Accreditation (COA)",
        ],
        Hfap => ["HFAP", "HFAP"],
        Ncqa => ["NCQA", "NCQA"],
        HospitalLicense => [
            "Hospital licensing authority",
            "Autoridad de licencias hospitalarias",
        ],
        StateSudAgency => [
            "State substance use treatment agency",
            "Agencia estatal de tratamiento del consumo de sustancias",
        ],
        StateMentalHealth => [
            "State mental health department",
            "Departamento estatal de salud mental",
        ],
        StateHealth => [
            "State department of health",
            "Departamento estatal de salud",
        ],
        SamhsaOtp => [
            "SAMHSA-certified opioid treatment program",
            "Programa de tratamiento de opioides certificado por SAMHSA",
        ],
        Dea => ["DEA registration", "Registro de la DEA"],
        Fqhc => [
            "Federally Qualified Health Center",
            "Centro de salud con calificación federal (FQHC)",
        ],
    };
    pick(lang, en, es)
}

/// An ASAM 4th-edition level in plain words, beside its number.
pub fn asam(level: Asam, lang: Lang) -> String {
    use Asam::*;
    let [en, es] = match level {
        L1_0 => [
            "long-term remission monitoring",
            "seguimiento de la remisión a largo plazo",
        ],
        L1_5 => ["outpatient therapy", "terapia ambulatoria"],
        L1_7 => [
            "medically managed outpatient",
            "ambulatorio con manejo médico",
        ],
        L2_1 => ["intensive outpatient", "ambulatorio intensivo"],
        L2_5 => [
            "high-intensity outpatient",
            "ambulatorio de alta intensidad",
        ],
        L2_7 => [
            "medically managed intensive outpatient",
            "ambulatorio intensivo con manejo médico",
        ],
        L3_1 => [
            "clinically managed low-intensity residential",
            "residencial de baja intensidad con manejo clínico",
        ],
        L3_5 => [
            "clinically managed high-intensity residential",
            "residencial de alta intensidad con manejo clínico",
        ],
        L3_7 => [
            "medically managed residential",
            "residencial con manejo médico",
        ],
        L4 => [
            "medically managed inpatient",
            "hospitalización con manejo médico",
        ],
        Ots => [
            "opioid treatment services",
            "servicios de tratamiento de opioides",
        ],
    };
    match level {
        Ots => pick(lang, en, es).to_string(),
        _ => format!("{} {}", level.name(), pick(lang, en, es)),
    }
}

/// "90 more programs match but have not reported openings recently."
pub fn unknown_more(count: usize, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => "1 more program matches but has not reported openings recently.".into(),
        (Lang::En, n) => {
            format!("{n} more programs match but have not reported openings recently.")
        }
        (Lang::Es, 1) => {
            "1 programa más coincide pero no ha informado sobre vacantes recientemente.".into()
        }
        (Lang::Es, n) => {
            format!(
                "{n} programas más coinciden pero no han informado sobre vacantes recientemente."
            )
        }
    }
}

/// "12 more programs match but do not list their hours."
pub fn hours_unknown_more(count: usize, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => "1 more program matches but does not list its hours.".into(),
        (Lang::En, n) => format!("{n} more programs match but do not list their hours."),
        (Lang::Es, 1) => "1 programa más coincide pero no indica su horario.".into(),
        (Lang::Es, n) => format!("{n} programas más coinciden pero no indican su horario."),
    }
}

/// "Availability updated on 29 of the last 30 days.": how reliably it is kept.
pub fn kept(days_updated: u32, days: u32, lang: Lang) -> String {
    match (lang, days_updated) {
        (Lang::En, 1) => format!("Availability updated on 1 of the last {days} days."),
        (Lang::En, n) => format!("Availability updated on {n} of the last {days} days."),
        (Lang::Es, 1) => format!("Disponibilidad actualizada 1 de los últimos {days} días."),
        (Lang::Es, n) => format!("Disponibilidad actualizada {n} de los últimos {days} días."),
    }
}

/// "8 more programs match but do not say how to get in (walk-ins, medication)."
pub fn getting_in_unknown_more(count: usize, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => {
            "1 more program matches but does not say whether it takes walk-ins or starts medication on the first visit.".into()
        }
        (Lang::En, n) => format!(
            "{n} more programs match but do not say whether they take walk-ins or start medication on the first visit."
        ),
        (Lang::Es, 1) => {
            "1 programa más coincide pero no indica si atiende sin cita o empieza medicamento en la primera visita.".into()
        }
        (Lang::Es, n) => format!(
            "{n} programas más coinciden pero no indican si atienden sin cita o empiezan medicamento en la primera visita."
        ),
    }
}

/// "14 programs match, but their listings do not say." (when none is known to).
pub fn none_stated(count: usize, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => "1 program matches, but its listing does not say.".into(),
        (Lang::En, n) => format!("{n} programs match, but their listings do not say."),
        (Lang::Es, 1) => "1 programa coincide, pero su ficha no lo indica.".into(),
        (Lang::Es, n) => format!("{n} programas coinciden, pero sus fichas no lo indican."),
    }
}

/// The name of a day of the week, Monday first.
pub fn weekday(day: jiff::civil::Weekday, lang: Lang) -> &'static str {
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const ES: [&str; 7] = [
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ];
    let at = day.to_monday_zero_offset() as usize;
    pick(lang, EN[at], ES[at])
}

/// "93 programs near you match, but none has reported openings recently."
pub fn none_reported(count: usize, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => "1 program matches, but it has not reported openings recently.".into(),
        (Lang::En, n) => format!("{n} programs match, but none has reported openings recently."),
        (Lang::Es, 1) => {
            "1 programa coincide, pero no ha informado sobre vacantes recientemente.".into()
        }
        (Lang::Es, n) => {
            format!(
                "{n} programas coinciden, pero ninguno ha informado sobre vacantes recientemente."
            )
        }
    }
}

/// "Show the 93 programs to call".
pub fn show_programs(count: usize, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => "Show the program to call".into(),
        (Lang::En, n) => format!("Show the {n} programs to call"),
        (Lang::Es, 1) => "Mostrar el programa para llamar".into(),
        (Lang::Es, n) => format!("Mostrar los {n} programas para llamar"),
    }
}

fn pick(lang: Lang, en: &'static str, es: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Es => es,
    }
}

/// The fixed strings of the pages.
pub struct Text {
    pub site: &'static str,
    pub skip: &'static str,
    pub crisis_title: &'static str,
    pub crisis_988: &'static str,
    pub crisis_988_call: &'static str,
    pub crisis_988_text: &'static str,
    pub crisis_samhsa: &'static str,
    pub emergency: &'static str,
    pub sample_banner: &'static str,
    pub switch_to: &'static str,
    pub search_title: &'static str,
    pub search_intro: &'static str,
    pub place: &'static str,
    pub place_help: &'static str,
    pub use_location: &'static str,
    pub locating: &'static str,
    pub location_failed: &'static str,
    pub care: &'static str,
    pub care_help: &'static str,
    pub payment: &'static str,
    pub payment_help: &'static str,
    pub within: &'static str,
    pub anywhere: &'static str,
    pub more_filters: &'static str,
    pub age: &'static str,
    pub any_age: &'static str,
    pub language: &'static str,
    pub any_language: &'static str,
    pub population: &'static str,
    pub any_population: &'static str,
    pub accepting: &'static str,
    pub search: &'static str,
    pub new_search: &'static str,
    pub found_one: &'static str,
    pub found_many: &'static str,
    pub showing: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub nothing_within: &'static str,
    pub widen_to: &'static str,
    pub any_distance: &'static str,
    pub nothing_at_all: &'static str,
    pub away: &'static str,
    pub levels: &'static str,
    pub phone: &'static str,
    pub intake: &'static str,
    pub directions: &'static str,
    pub website: &'static str,
    pub pays: &'static str,
    pub serves: &'static str,
    pub accepting_now: &'static str,
    pub not_accepting: &'static str,
    pub beds_open_one: &'static str,
    pub beds_open_many: &'static str,
    pub reported: &'static str,
    pub minutes_ago: &'static str,
    pub hours_ago: &'static str,
    pub days_ago: &'static str,
    pub map_title: &'static str,
    pub map_you: &'static str,
    pub address: &'static str,
    pub ages: &'static str,
    pub languages: &'static str,
    pub medications: &'static str,
    pub services: &'static str,
    pub status: &'static str,
    pub status_temporarily_closed: &'static str,
    pub status_closed: &'static str,
    pub verified: &'static str,
    pub source: &'static str,
    pub not_listed: &'static str,
    pub no_such_facility: &'static str,
    pub pathway_title: &'static str,
    pub pathway_intro: &'static str,
    pub pathway_link: &'static str,
    pub from_stage: &'static str,
    pub next_step: &'static str,
    pub nothing_for_step: &'static str,
    pub pairs_title: &'static str,
    pub pairs_intro: &'static str,
    pub program: &'static str,
    pub show_pathway: &'static str,
    pub error_title: &'static str,
    pub not_found_title: &'static str,
    pub not_found: &'static str,
    pub busy: &'static str,
    pub privacy: &'static str,
    pub miles: &'static str,
    pub within_of: &'static str,
    pub map_desc: &'static str,
    pub err_place: &'static str,
    pub err_care: &'static str,
    pub err_payment: &'static str,
    pub err_within: &'static str,
    pub depart: &'static str,
    pub err_depart: &'static str,
    pub err_filter: &'static str,
    pub err_general: &'static str,
    pub unknown_note: &'static str,
    pub show_unknown: &'static str,
    pub no_report: &'static str,
    pub stale_report: &'static str,
    pub print_all: &'static str,
    pub download_csv: &'static str,
    pub print_button: &'static str,
    pub printed_on: &'static str,
    pub list_address: &'static str,
    pub print_more: &'static str,
    pub show_map: &'static str,
    pub care_meanings: &'static str,
    pub medication: &'static str,
    pub any_medication: &'static str,
    pub telehealth: &'static str,
    pub kind: &'static str,
    pub any_kind: &'static str,
    pub kind_su: &'static str,
    pub kind_mh: &'static str,
    pub source_intro: &'static str,
    pub verified_range: &'static str,
    pub confirm: &'static str,
    pub treatment: &'static str,
    pub near_word: &'static str,
    pub or_word: &'static str,
    pub taking: &'static str,
    pub with_word: &'static str,
    pub for_word: &'static str,
    pub in_word: &'static str,
    pub of_word: &'static str,
    pub accepting_short: &'static str,
    pub accredited_by: &'static str,
    pub licensed_by: &'static str,
    pub other_credentials: &'static str,
    pub asam_levels: &'static str,
    pub asam_derived: &'static str,
    pub applied: &'static str,
    pub accepting_or_unknown: &'static str,
    pub telehealth_short: &'static str,
    pub when_legend: &'static str,
    pub open_now: &'static str,
    pub evening: &'static str,
    pub weekend: &'static str,
    pub walk_in: &'static str,
    pub same_day: &'static str,
    pub badge_walk_in: &'static str,
    pub badge_same_day: &'static str,
    pub badge_no_counseling: &'static str,
    pub badge_telehealth_intake: &'static str,
    pub closed_now: &'static str,
    pub open_until: &'static str,
    pub hours: &'static str,
    pub hours_not_listed: &'static str,
    pub times_in: &'static str,
    pub today: &'static str,
    pub closed_day: &'static str,
    pub holidays_note: &'static str,
    pub walk_in_label: &'static str,
    pub same_day_label: &'static str,
    pub counseling_label: &'static str,
    pub telehealth_intake_label: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub not_stated: &'static str,
    pub walk_in_hours: &'static str,
    pub walk_in_while_open: &'static str,
    pub ways_in_reported: &'static str,
    pub level_hours: &'static str,
    pub problem_summary: &'static str,
    pub place_unrecognized: &'static str,
    pub place_coordinates: &'static str,
    pub place_zip: &'static str,
    pub place_city: &'static str,
    pub place_city_none: &'static str,
    pub place_state: &'static str,
    pub place_ambiguous: &'static str,
    pub directions_app: &'static str,
    pub directions_apple: &'static str,
    pub directions_web: &'static str,
    pub also_listed: &'static str,
    pub sober_near: &'static str,
    pub from_program: &'static str,
    pub no_wait: &'static str,
    pub wait_about: &'static str,
    pub day_one: &'static str,
    pub days: &'static str,
    pub just_now: &'static str,
    pub minute_one: &'static str,
    pub hour_one: &'static str,
    pub day_ago_one: &'static str,
}

static EN: Text = Text {
    site: "Find addiction treatment",
    skip: "Skip to the main content",
    crisis_title: "Need help now?",
    crisis_988: "(988 Lifeline)",
    crisis_988_call: "Call 988",
    crisis_988_text: "Text 988",
    crisis_samhsa: "SAMHSA helpline:",
    emergency: "Emergency: 911",
    sample_banner: "Demonstration only: these listings are fictitious, not real facilities. Do not call them.",
    switch_to: "Español",
    search_title: "Find treatment near you",
    search_intro: "Search for drug and alcohol treatment by place and by the kind of care you need. Nothing you enter is stored.",
    place: "Where are you?",
    place_help: "A ZIP code (10001), a city and state (Columbus, OH), or coordinates (40.75, -73.99).",
    use_location: "Use my location",
    locating: "Finding your location…",
    location_failed: "Your location could not be found. Type a ZIP code or a city instead.",
    care: "Kind of care",
    care_help: "Choose any that fit; leave all empty to see every kind.",
    payment: "How will you pay?",
    payment_help: "Programs that take any of the ways you choose.",
    within: "Distance",
    anywhere: "Any distance",
    more_filters: "More filters",
    age: "Age group",
    any_age: "Any age",
    language: "Language spoken",
    any_language: "Any language",
    population: "Programs for",
    any_population: "Anyone",
    accepting: "Only programs reporting they accept new patients",
    search: "Search",
    new_search: "Change the search",
    found_one: "1 program found",
    found_many: "programs found",
    showing: "Showing",
    next_page: "Next results",
    first_page: "Back to the first results",
    nothing_within: "Nothing found within",
    widen_to: "Search within",
    any_distance: "Search at any distance",
    nothing_at_all: "Nothing matches every choice. Try fewer kinds of care or ways to pay.",
    away: "away",
    levels: "Care",
    phone: "Call",
    intake: "Intake",
    directions: "Directions",
    website: "Website",
    pays: "Payment",
    serves: "Programs for",
    accepting_now: "Accepting new patients",
    not_accepting: "Not accepting new patients",
    beds_open_one: "1 bed open",
    beds_open_many: "beds open",
    reported: "reported",
    minutes_ago: "minutes ago",
    hours_ago: "hours ago",
    days_ago: "days ago",
    map_title: "Map of the results",
    map_you: "Your search location",
    address: "Address",
    ages: "Ages",
    languages: "Languages",
    medications: "Medications",
    services: "Services",
    status: "Status",
    status_temporarily_closed: "Temporarily closed",
    status_closed: "Closed",
    verified: "Listing verified on",
    source: "Listed in",
    not_listed: "Not listed",
    no_such_facility: "There is no facility with this address. It may have been removed from the directory.",
    pathway_title: "The next steps after",
    pathway_intro: "A common path steps down: detox, then residential, then day treatment (PHP) or intensive outpatient (IOP) while living at home or in sober living, then outpatient. These are the nearest addiction treatment programs for each step after the one you choose, each with the filters below.",
    pathway_link: "See the next steps of care",
    from_stage: "Starting from",
    next_step: "Next step:",
    nothing_for_step: "Nothing found nearby for this step.",
    pairs_title: "Intensive programs with sober living nearby",
    pairs_intro: "Each program is shown with the nearest sober-living home to it.",
    program: "Program",
    show_pathway: "Show the next steps",
    error_title: "Please check the search",
    not_found_title: "Page not found",
    not_found: "This page does not exist.",
    busy: "The service is busy right now. Please try again in a moment.",
    privacy: "This page sets no cookies and sends nothing to anyone else. Your searches are not stored.",
    miles: "miles",
    within_of: "within",
    map_desc: "Numbered markers match the numbered results; the cross is your search location. Rings at",
    err_place: "We could not find this place.",
    err_care: "This kind of care is not one we know.",
    err_payment: "This way to pay is not one we know.",
    err_within: "Choose a distance from the list.",
    depart: "Leave at",
    err_depart: "Choose a day and time when the timetable runs.",
    err_filter: "Choose from the list.",
    err_general: "This search could not be done.",
    unknown_note: "That is not a no: call to ask whether they can take you.",
    show_unknown: "Show them, with any reporting openings",
    no_report: "No recent report of openings: call to ask.",
    stale_report: "Not reported recently: call to ask. Last report",
    print_all: "Print or save the whole list",
    download_csv: "Download as a spreadsheet (CSV)",
    print_button: "Print",
    printed_on: "Searched on",
    list_address: "This list online",
    print_more: "This list shows the first",
    show_map: "Show the map",
    care_meanings: "What the kinds of care mean",
    medication: "Medication for addiction",
    any_medication: "Any, or none",
    telehealth: "Also offers telehealth (by phone or video)",
    kind: "Treatment for",
    any_kind: "Substance use or mental health",
    kind_su: "Substance use",
    kind_mh: "Mental health",
    source_intro: "Listings from",
    verified_range: "verified",
    confirm: "Call to confirm before you go: programs change.",
    treatment: "Treatment",
    near_word: "near",
    or_word: "or",
    taking: "taking",
    with_word: "with",
    for_word: "for",
    in_word: "in",
    of_word: "for",
    accepting_short: "accepting new patients",
    accredited_by: "Accredited by",
    licensed_by: "Licensed by",
    other_credentials: "Certified, registered or designated",
    asam_levels: "ASAM levels (4th edition)",
    asam_derived: "Worked out from its kinds of care, not stated by the program.",
    applied: "Steps for",
    accepting_or_unknown: "accepting new patients or not reporting",
    telehealth_short: "with telehealth",
    when_legend: "When and how you can get in",
    open_now: "Open now",
    evening: "Open in the evenings (after 5 pm, three weekdays)",
    weekend: "Open this weekend",
    walk_in: "Takes walk-ins (no appointment needed)",
    same_day: "Can start medication for opioid use on the first visit",
    badge_walk_in: "Walk-ins welcome",
    badge_same_day: "Medication on the first visit",
    badge_no_counseling: "Medication without required counseling",
    badge_telehealth_intake: "Intake by phone or video",
    closed_now: "Closed now",
    open_until: "Open now, until",
    hours: "Hours",
    hours_not_listed: "Hours not listed: call to ask.",
    times_in: "Local times, time zone",
    today: "today",
    closed_day: "closed",
    holidays_note: "Federal holidays may differ.",
    walk_in_label: "Walk-in intake",
    same_day_label: "Medication for opioid use on the first visit",
    counseling_label: "Counseling required to get medication",
    telehealth_intake_label: "Intake by phone or video",
    yes: "Yes",
    no: "No",
    not_stated: "Not stated: call to ask.",
    walk_in_hours: "Yes, during",
    walk_in_while_open: "Yes, while open",
    ways_in_reported: "Walk-in and medication facts reported by the facility",
    level_hours: "Own hours of",
    problem_summary: "There is a problem with the search",
    place_unrecognized: "Type a ZIP code (10001), a city and state (Columbus, OH), or coordinates.",
    place_coordinates: "Coordinates are a latitude from -90 to 90, then a longitude from -180 to 180.",
    place_zip: "We do not know this ZIP code. Nearby codes:",
    place_city: "We could not find this city. Did you mean:",
    place_city_none: "We could not find this city. Add the state (Columbus, OH) or type a ZIP code.",
    place_state: "We do not know this state. Use its two-letter code (OH).",
    place_ambiguous: "More than one place has this name. Choose one:",
    directions_app: "Maps app",
    directions_apple: "Apple Maps",
    directions_web: "Web map",
    also_listed: "Also listed as",
    sober_near: "Sober living near this program",
    from_program: "from the program",
    no_wait: "No wait",
    wait_about: "Wait: about",
    day_one: "day",
    days: "days",
    just_now: "just now",
    minute_one: "1 minute ago",
    hour_one: "1 hour ago",
    day_ago_one: "1 day ago",
};

static ES: Text = Text {
    site: "Encuentre tratamiento para adicciones",
    skip: "Saltar al contenido principal",
    crisis_title: "¿Necesita ayuda ahora?",
    crisis_988: "(Línea 988)",
    crisis_988_call: "Llame al 988",
    crisis_988_text: "Texto al 988",
    crisis_samhsa: "Línea de SAMHSA:",
    emergency: "Emergencia: 911",
    sample_banner: "Solo una demostración: estos centros son ficticios, no reales. No los llame.",
    switch_to: "English",
    search_title: "Encuentre tratamiento cerca de usted",
    search_intro: "Busque tratamiento para el consumo de drogas y alcohol por lugar y por el tipo de atención que necesita. No se guarda nada de lo que escriba.",
    place: "¿Dónde está usted?",
    place_help: "Un código postal (10001), una ciudad y estado (Columbus, OH) o coordenadas (40.75, -73.99).",
    use_location: "Usar mi ubicación",
    locating: "Buscando su ubicación…",
    location_failed: "No se pudo encontrar su ubicación. Escriba un código postal o una ciudad.",
    care: "Tipo de atención",
    care_help: "Elija los que correspondan; déjelos todos vacíos para ver todos los tipos.",
    payment: "¿Cómo va a pagar?",
    payment_help: "Programas que aceptan cualquiera de las formas que elija.",
    within: "Distancia",
    anywhere: "Cualquier distancia",
    more_filters: "Más filtros",
    age: "Grupo de edad",
    any_age: "Cualquier edad",
    language: "Idioma",
    any_language: "Cualquier idioma",
    population: "Programas para",
    any_population: "Cualquier persona",
    accepting: "Solo programas que informan que aceptan pacientes nuevos",
    search: "Buscar",
    new_search: "Cambiar la búsqueda",
    found_one: "Se encontró 1 programa",
    found_many: "programas encontrados",
    showing: "Se muestran",
    next_page: "Más resultados",
    first_page: "Volver a los primeros resultados",
    nothing_within: "No se encontró nada a menos de",
    widen_to: "Buscar a menos de",
    any_distance: "Buscar a cualquier distancia",
    nothing_at_all: "Nada coincide con todas sus opciones. Pruebe con menos tipos de atención o formas de pago.",
    away: "de distancia",
    levels: "Atención",
    phone: "Llamar",
    intake: "Admisión",
    directions: "Cómo llegar",
    website: "Sitio web",
    pays: "Pago",
    serves: "Programas para",
    accepting_now: "Acepta pacientes nuevos",
    not_accepting: "No acepta pacientes nuevos",
    beds_open_one: "1 cama disponible",
    beds_open_many: "camas disponibles",
    reported: "informado hace",
    minutes_ago: "minutos",
    hours_ago: "horas",
    days_ago: "días",
    map_title: "Mapa de los resultados",
    map_you: "El lugar de su búsqueda",
    address: "Dirección",
    ages: "Edades",
    languages: "Idiomas",
    medications: "Medicamentos",
    services: "Servicios",
    status: "Estado",
    status_temporarily_closed: "Cerrado temporalmente",
    status_closed: "Cerrado",
    verified: "Información verificada el",
    source: "Fuente",
    not_listed: "No indicado",
    no_such_facility: "No hay ningún centro con esta dirección. Es posible que se haya retirado del directorio.",
    pathway_title: "Los próximos pasos después de",
    pathway_intro: "Un camino común va bajando de nivel: desintoxicación, luego residencial, después tratamiento de día (PHP) o ambulatorio intensivo (IOP) mientras vive en casa o en una vivienda de recuperación, y luego ambulatorio. Estos son los programas de tratamiento de adicciones más cercanos para cada paso después del que elija, con los filtros de abajo.",
    pathway_link: "Ver los próximos pasos de atención",
    from_stage: "A partir de",
    next_step: "Siguiente paso:",
    nothing_for_step: "No se encontró nada cerca para este paso.",
    pairs_title: "Programas intensivos con vivienda de recuperación cerca",
    pairs_intro: "Cada programa se muestra con la vivienda de recuperación más cercana.",
    program: "Programa",
    show_pathway: "Mostrar los próximos pasos",
    error_title: "Revise la búsqueda",
    not_found_title: "Página no encontrada",
    not_found: "Esta página no existe.",
    busy: "El servicio está ocupado en este momento. Inténtelo de nuevo en un momento.",
    privacy: "Esta página no usa cookies ni envía nada a nadie más. Sus búsquedas no se guardan.",
    miles: "millas",
    within_of: "a menos de",
    map_desc: "Los marcadores numerados corresponden a los resultados numerados; la cruz es el lugar de su búsqueda. Anillos a",
    err_place: "No pudimos encontrar este lugar.",
    err_care: "No conocemos este tipo de atención.",
    err_payment: "No conocemos esta forma de pago.",
    err_within: "Elija una distancia de la lista.",
    depart: "Salida",
    err_depart: "Elija un día y una hora en que funcione el horario.",
    err_filter: "Elija una opción de la lista.",
    err_general: "No se pudo hacer esta búsqueda.",
    unknown_note: "Eso no es un no: llame para preguntar si pueden atenderle.",
    show_unknown: "Mostrarlos, junto con los que informan vacantes",
    no_report: "Sin informe reciente de vacantes: llame para preguntar.",
    stale_report: "Sin informe reciente: llame para preguntar. Último informe",
    print_all: "Imprimir o guardar la lista completa",
    download_csv: "Descargar como hoja de cálculo (CSV)",
    print_button: "Imprimir",
    printed_on: "Búsqueda del",
    list_address: "Esta lista en línea",
    print_more: "Esta lista muestra los primeros",
    show_map: "Mostrar el mapa",
    care_meanings: "Qué significa cada tipo de atención",
    medication: "Medicamento para la adicción",
    any_medication: "Cualquiera, o ninguno",
    telehealth: "También ofrece telesalud (por teléfono o video)",
    kind: "Tratamiento de",
    any_kind: "Consumo de sustancias o salud mental",
    kind_su: "Consumo de sustancias",
    kind_mh: "Salud mental",
    source_intro: "Información de",
    verified_range: "verificada",
    confirm: "Llame para confirmar antes de ir: los programas cambian.",
    treatment: "Tratamiento",
    near_word: "cerca de",
    or_word: "o",
    taking: "que acepta",
    with_word: "con",
    for_word: "para",
    in_word: "en",
    of_word: "de",
    accepting_short: "que acepta pacientes nuevos",
    accredited_by: "Acreditado por",
    licensed_by: "Con licencia de",
    other_credentials: "Certificado, registrado o designado",
    asam_levels: "Niveles ASAM (4.ª edición)",
    asam_derived: "Deducidos de sus tipos de atención, no indicados por el programa.",
    applied: "Pasos para",
    accepting_or_unknown: "que acepta pacientes nuevos o sin informe",
    telehealth_short: "con telesalud",
    when_legend: "Cuándo y cómo puede ir",
    open_now: "Abierto ahora",
    evening: "Abierto por la tarde (después de las 5 pm, tres días entre semana)",
    weekend: "Abierto este fin de semana",
    walk_in: "Atiende sin cita",
    same_day: "Puede empezar medicamento para opioides en la primera visita",
    badge_walk_in: "Atiende sin cita",
    badge_same_day: "Medicamento en la primera visita",
    badge_no_counseling: "Medicamento sin consejería obligatoria",
    badge_telehealth_intake: "Admisión por teléfono o video",
    closed_now: "Cerrado ahora",
    open_until: "Abierto ahora, hasta las",
    hours: "Horario",
    hours_not_listed: "Horario no indicado: llame para preguntar.",
    times_in: "Hora local, zona horaria",
    today: "hoy",
    closed_day: "cerrado",
    holidays_note: "Los días feriados federales pueden ser distintos.",
    walk_in_label: "Admisión sin cita",
    same_day_label: "Medicamento para opioides en la primera visita",
    counseling_label: "Consejería obligatoria para recibir medicamento",
    telehealth_intake_label: "Admisión por teléfono o video",
    yes: "Sí",
    no: "No",
    not_stated: "No indicado: llame para preguntar.",
    walk_in_hours: "Sí, en el horario",
    walk_in_while_open: "Sí, mientras está abierto",
    ways_in_reported: "Datos de ingreso y medicación informados por el centro",
    level_hours: "Horario propio de",
    problem_summary: "Hay un problema con la búsqueda",
    place_unrecognized: "Escriba un código postal (10001), una ciudad y estado (Columbus, OH) o coordenadas.",
    place_coordinates: "Las coordenadas son una latitud de -90 a 90 y luego una longitud de -180 a 180.",
    place_zip: "No conocemos este código postal. Códigos cercanos:",
    place_city: "No encontramos esta ciudad. ¿Quiso decir:",
    place_city_none: "No encontramos esta ciudad. Agregue el estado (Columbus, OH) o escriba un código postal.",
    place_state: "No conocemos este estado. Use su código de dos letras (OH).",
    place_ambiguous: "Hay más de un lugar con este nombre. Elija uno:",
    directions_app: "App de mapas",
    directions_apple: "Apple Maps",
    directions_web: "Mapa web",
    also_listed: "También aparece como",
    sober_near: "Vivienda de recuperación cerca de este programa",
    from_program: "del programa",
    no_wait: "Sin espera",
    wait_about: "Espera: unos",
    day_one: "día",
    days: "días",
    just_now: "hace un momento",
    minute_one: "hace 1 minuto",
    hour_one: "hace 1 hora",
    day_ago_one: "hace 1 día",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_asked_for_or_negotiated() {
        assert_eq!(Lang::choose(Some("es"), Some("en")), Lang::Es);
        assert_eq!(Lang::choose(Some("xx"), Some("es-MX,en;q=0.5")), Lang::Es);
        assert_eq!(Lang::choose(None, Some("fr,en;q=0.4,es;q=0.8")), Lang::Es);
        assert_eq!(Lang::choose(None, Some("de")), Lang::En);
        assert_eq!(Lang::choose(None, None), Lang::En);
    }

    #[test]
    fn every_choice_of_care_is_a_care_word_the_library_reads() {
        for choice in &CARE_CHOICES {
            assert!(
                choice.value.parse::<carefind::CareSet>().is_ok(),
                "{}",
                choice.value
            );
        }
    }
}
