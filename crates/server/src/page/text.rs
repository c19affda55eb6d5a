//! Every word the pages say, in English and in Spanish (the language the directory's
//! users ask for most after English). A page takes one `Text` and never spells a string
//! itself, so a string missing in one language cannot compile.

use carefind::analysis::pathway::Stage;
use carefind::{AgeGroup, CareLevel, Language, Medication, Payment, Population};

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

    fn parse(tag: &str) -> Option<Lang> {
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
    /// What it is: where you live, how many hours, in English then Spanish.
    pub help: [&'static str; 2],
}

/// The levels of care as the form offers them, from the most care to the least.
pub const CARE_CHOICES: [CareChoice; 8] = [
    CareChoice {
        value: "detox",
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
        name: ["Hospital inpatient", "Hospitalización"],
        help: [
            "Care around the clock in a hospital, for serious medical or mental-health needs.",
            "Atención las 24 horas en un hospital, para necesidades médicas o de salud mental graves.",
        ],
    },
    CareChoice {
        value: "residential",
        name: ["Residential", "Residencial"],
        help: [
            "You live at the program for weeks or months, with treatment and support every day.",
            "Usted vive en el programa durante semanas o meses, con tratamiento y apoyo todos los días.",
        ],
    },
    CareChoice {
        value: "php",
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
        name: ["Intensive outpatient (IOP)", "Ambulatorio intensivo (IOP)"],
        help: [
            "About 9 to 20 hours a week (often 10 to 12: three hours a day, several days a week) while you live at home or in sober living. No detox.",
            "Entre 9 y 20 horas a la semana (a menudo de 10 a 12: tres horas al día, varios días a la semana) mientras vive en casa o en una vivienda de recuperación. Sin desintoxicación.",
        ],
    },
    CareChoice {
        value: "outpatient",
        name: ["Outpatient", "Ambulatorio"],
        help: [
            "Counselling or therapy, usually fewer than 9 hours a week, while you live at home.",
            "Consejería o terapia, por lo general menos de 9 horas a la semana, mientras vive en casa.",
        ],
    },
    CareChoice {
        value: "otp",
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
    pub crisis_samhsa_note: &'static str,
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
    pub results_title: &'static str,
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
    pub wait_days: &'static str,
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
    pub status_active: &'static str,
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
    pub home_nearby: &'static str,
    pub show_pathway: &'static str,
    pub error_title: &'static str,
    pub fix_below: &'static str,
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
    pub err_filter: &'static str,
    pub err_general: &'static str,
}

static EN: Text = Text {
    site: "Find addiction treatment",
    skip: "Skip to the main content",
    crisis_title: "Need help now?",
    crisis_988: "988 Suicide & Crisis Lifeline:",
    crisis_988_call: "call 988",
    crisis_988_text: "text 988",
    crisis_samhsa: "SAMHSA National Helpline:",
    crisis_samhsa_note: "free, confidential, 24 hours a day, 7 days a week, in English and Spanish.",
    emergency: "In an emergency, call 911.",
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
    results_title: "Treatment near",
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
    wait_days: "Wait (days):",
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
    status_active: "Open",
    status_temporarily_closed: "Temporarily closed",
    status_closed: "Closed",
    verified: "Listing verified on",
    source: "Listed in",
    not_listed: "Not listed",
    no_such_facility: "There is no facility with this address. It may have been removed from the directory.",
    pathway_title: "The next steps after",
    pathway_intro: "A common path steps down: detox, then residential, then intensive outpatient while living in sober living. These are the nearest programs for each later step.",
    pathway_link: "See the next steps of care",
    from_stage: "Starting from",
    next_step: "Next step:",
    nothing_for_step: "Nothing found nearby for this step.",
    pairs_title: "Intensive programs with sober living nearby",
    pairs_intro: "Each program is shown with the nearest sober-living home to it.",
    program: "Program",
    home_nearby: "Sober living nearby",
    show_pathway: "Show the next steps",
    error_title: "Please check the search",
    fix_below: "Something in the search needs fixing; see the message below.",
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
    err_filter: "Choose from the list.",
    err_general: "This search could not be done.",
};

static ES: Text = Text {
    site: "Encuentre tratamiento para adicciones",
    skip: "Saltar al contenido principal",
    crisis_title: "¿Necesita ayuda ahora?",
    crisis_988: "Línea 988 de Prevención del Suicidio y Crisis:",
    crisis_988_call: "llame al 988",
    crisis_988_text: "envíe un texto al 988",
    crisis_samhsa: "Línea Nacional de Ayuda de SAMHSA:",
    crisis_samhsa_note: "gratuita, confidencial, las 24 horas, los 7 días de la semana, en inglés y en español.",
    emergency: "En una emergencia, llame al 911.",
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
    results_title: "Tratamiento cerca de",
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
    wait_days: "Espera (días):",
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
    status_active: "Abierto",
    status_temporarily_closed: "Cerrado temporalmente",
    status_closed: "Cerrado",
    verified: "Información verificada el",
    source: "Fuente",
    not_listed: "No indicado",
    no_such_facility: "No hay ningún centro con esta dirección. Es posible que se haya retirado del directorio.",
    pathway_title: "Los próximos pasos después de",
    pathway_intro: "Un camino común va bajando de nivel: desintoxicación, luego residencial y después ambulatorio intensivo mientras vive en una vivienda de recuperación. Estos son los programas más cercanos para cada paso siguiente.",
    pathway_link: "Ver los próximos pasos de atención",
    from_stage: "A partir de",
    next_step: "Siguiente paso:",
    nothing_for_step: "No se encontró nada cerca para este paso.",
    pairs_title: "Programas intensivos con vivienda de recuperación cerca",
    pairs_intro: "Cada programa se muestra con la vivienda de recuperación más cercana.",
    program: "Programa",
    home_nearby: "Vivienda de recuperación cercana",
    show_pathway: "Mostrar los próximos pasos",
    error_title: "Revise la búsqueda",
    fix_below: "Hay algo que corregir en la búsqueda; vea el mensaje abajo.",
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
    err_filter: "Elija una opción de la lista.",
    err_general: "No se pudo hacer esta búsqueda.",
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
