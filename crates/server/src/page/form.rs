//! The search form: what a URL asks (`/find?near=10001&care=iop&payment=medicaid`), turned
//! into the API's parameters, and drawn again with a message beside each field at fault.

use crate::mount::Mount;
use carefind::{AgeGroup, FacilityKind, Language, Medication, Payment, Population};
use carefind_places::PlaceError;
use maud::{Markup, html};

use super::text::{self, CARE_CHOICES, Lang, Text};
use crate::error::ApiError;

/// The distances the form offers, in miles; `any` is the last choice.
pub const RINGS: [u32; 4] = [10, 25, 50, 100];
const DEFAULT_MILES: u32 = 25;
/// Results on one page.
pub const PER_PAGE: usize = 10;

/// The ways to pay the form offers as boxes (the rest are rare enough for the API).
const PAYMENTS: [Payment; 8] = [
    Payment::Medicaid,
    Payment::Medicare,
    Payment::PrivateInsurance,
    Payment::Cash,
    Payment::SlidingFee,
    Payment::Free,
    Payment::Military,
    Payment::IhsTribal,
];

/// How far to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Within {
    /// Within this many miles.
    Miles(u32),
    /// At any distance.
    Any,
}

impl Within {
    fn value(self) -> String {
        match self {
            Within::Miles(miles) => miles.to_string(),
            Within::Any => "any".into(),
        }
    }

    /// The next wider choice, if there is one.
    pub fn wider(self) -> Option<Within> {
        match self {
            Within::Any => None,
            Within::Miles(miles) => Some(
                RINGS
                    .iter()
                    .find(|ring| **ring > miles)
                    .map_or(Within::Any, |ring| Within::Miles(*ring)),
            ),
        }
    }
}

/// A field of the form, for the message beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Near,
    Care,
    Payment,
    Within,
    Age,
    Language,
    Population,
    Medication,
    Kind,
    /// When to leave, by transit.
    Depart,
    /// Not one field: the message goes above the form.
    General,
}

/// What is wrong with one field. The page says it in its own words, from the field and,
/// for a place, the typed error; the API's technical detail is not shown to people.
pub struct Problem {
    pub field: Field,
    /// Why the place was not found, as data: its candidates become links.
    pub place: Option<PlaceError>,
}

impl Problem {
    /// The problem of an API error, placed at the field of its parameter.
    pub fn of(error: &ApiError) -> Problem {
        let field = match error.parameter.as_deref() {
            Some("near") => Field::Near,
            Some("care") => Field::Care,
            Some("payment") => Field::Payment,
            Some("within") => Field::Within,
            Some("age") => Field::Age,
            Some("language") => Field::Language,
            Some("population") => Field::Population,
            Some("medication") => Field::Medication,
            Some("kind") => Field::Kind,
            Some("depart") => Field::Depart,
            _ => Field::General,
        };
        Problem::at(field)
    }

    /// A problem with `field`.
    pub fn at(field: Field) -> Problem {
        Problem { field, place: None }
    }

    /// The place could not be found, for this reason.
    pub fn place(error: PlaceError) -> Problem {
        Problem {
            field: Field::Near,
            place: Some(error),
        }
    }
}

/// The search a URL asks for.
#[derive(Clone, Debug)]
pub struct SearchForm {
    pub lang: Lang,
    /// Where the pages are mounted: every address the form writes is under it.
    pub mount: Mount,
    pub near: String,
    pub care: Vec<String>,
    pub payment: Vec<String>,
    pub within: Within,
    pub age: String,
    pub language: String,
    pub population: String,
    pub medication: String,
    pub kind: String,
    pub telehealth: bool,
    /// When and how a person can get in: open now, evenings, this weekend, walk-ins,
    /// medication on the first visit.
    pub open_now: bool,
    pub evening: bool,
    pub weekend: bool,
    pub walk_in: bool,
    pub same_day_medication: bool,
    pub accepting: bool,
    /// With `accepting` or a when/getting-in box: also list the programs whose data does
    /// not say.
    pub include_unknown: bool,
    /// By public transit (when the server has a timetable), leaving at `depart` (a wall
    /// time in the timetable's zone; empty for its default).
    pub by_transit: bool,
    pub depart: String,
    /// The stage the step-down page starts from (the pathway's form only).
    pub from: String,
    pub after: Option<String>,
    /// The rank of the first result on this page (pages after the first start later).
    pub start: usize,
}

impl SearchForm {
    /// The form of `pairs` (a query string's), with a problem for each value that is not
    /// one the form could have sent.
    pub fn parse(
        pairs: &[(String, String)],
        lang: Lang,
        mount: Mount,
    ) -> (SearchForm, Vec<Problem>) {
        let mut form = SearchForm {
            lang,
            mount,
            near: String::new(),
            care: Vec::new(),
            payment: Vec::new(),
            within: Within::Miles(DEFAULT_MILES),
            age: String::new(),
            language: String::new(),
            population: String::new(),
            medication: String::new(),
            kind: String::new(),
            telehealth: false,
            open_now: false,
            evening: false,
            weekend: false,
            walk_in: false,
            same_day_medication: false,
            accepting: false,
            include_unknown: false,
            by_transit: false,
            depart: String::new(),
            from: String::new(),
            after: None,
            start: 1,
        };
        let mut problems = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            match key.as_str() {
                "near" => form.near = value.to_string(),
                "care" if !value.is_empty() => form.care.push(value.to_string()),
                "payment" if !value.is_empty() => form.payment.push(value.to_string()),
                "within" => match value {
                    "any" => form.within = Within::Any,
                    miles => match miles.parse::<u32>() {
                        Ok(miles) if (1..=3000).contains(&miles) => {
                            form.within = Within::Miles(miles)
                        }
                        _ => problems.push(Problem::at(Field::Within)),
                    },
                },
                "age" => form.age = value.to_string(),
                "language" => form.language = value.to_string(),
                "population" => form.population = value.to_string(),
                "medication" => form.medication = value.to_string(),
                "kind" => form.kind = value.to_string(),
                "telehealth" => form.telehealth = yes(value),
                "open_now" => form.open_now = yes(value),
                "evening" => form.evening = yes(value),
                "weekend" => form.weekend = yes(value),
                "walk_in" => form.walk_in = yes(value),
                "same_day_medication" => form.same_day_medication = yes(value),
                "accepting" => form.accepting = yes(value),
                "include_unknown" => form.include_unknown = yes(value),
                "from" => form.from = value.to_string(),
                "by" => match value {
                    "transit" => form.by_transit = true,
                    "" | "distance" => form.by_transit = false,
                    _ => problems.push(Problem::at(Field::General)),
                },
                "depart" => form.depart = value.to_string(),
                "after" if !value.is_empty() => form.after = Some(value.to_string()),
                "start" => match value.parse::<usize>() {
                    Ok(start) if start >= 1 => form.start = start,
                    _ => problems.push(Problem::at(Field::General)),
                },
                "lang" | "care" | "payment" | "after" => {}
                _ => problems.push(Problem::at(Field::General)),
            }
        }
        (form, problems)
    }

    /// The filters of this search as the API names them, besides the place, the distance
    /// and the page: what the results, the printed list, the download and the step-down
    /// page all ask.
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        pairs.extend(self.care.iter().map(|c| ("care", c.clone())));
        pairs.extend(self.payment.iter().map(|p| ("payment", p.clone())));
        for (key, value) in [
            ("age", &self.age),
            ("language", &self.language),
            ("population", &self.population),
            ("medication", &self.medication),
            ("kind", &self.kind),
        ] {
            if !value.is_empty() {
                pairs.push((key, value.clone()));
            }
        }
        for (key, on) in [
            ("telehealth", self.telehealth),
            ("open_now", self.open_now),
            ("evening", self.evening),
            ("weekend", self.weekend),
            ("walk_in", self.walk_in),
            ("same_day_medication", self.same_day_medication),
            ("accepting", self.accepting),
            (
                "include_unknown",
                self.include_unknown && self.asks_unknowable(),
            ),
        ] {
            if on {
                pairs.push((key, "true".into()));
            }
        }
        pairs
    }

    /// Whether the search asks something a listing may not say (openings, hours, ways in).
    pub fn asks_unknowable(&self) -> bool {
        self.accepting
            || self.open_now
            || self.evening
            || self.weekend
            || self.walk_in
            || self.same_day_medication
    }

    /// The API's parameters for this search, `limit` results a page: the page asks
    /// exactly what `/v1/facilities` would be asked.
    pub fn api_pairs(&self, limit: usize) -> Vec<(String, String)> {
        let mut pairs = vec![("near".to_string(), self.near.clone())];
        pairs.extend(
            self.filter_pairs()
                .into_iter()
                // By transit, every program is judged open or not at the arrival.
                .filter(|(key, _)| !(self.by_transit && *key == "open_now"))
                .map(|(key, value)| (key.to_string(), value)),
        );
        if self.by_transit {
            pairs.push(("by".into(), "transit".into()));
            pairs.push(("depart".into(), self.depart.clone()));
        } else if let Within::Miles(miles) = self.within {
            pairs.push(("within".into(), format!("{miles}mi")));
        }
        if let Some(after) = &self.after {
            pairs.push(("after".into(), after.clone()));
        }
        pairs.push(("limit".into(), limit.to_string()));
        pairs
    }

    /// This search's address on `path` (under the mount), with `within` and the page
    /// (`after`, starting at rank `start`) as given.
    pub fn url(&self, path: &str, within: Within, after: Option<(&str, usize)>) -> String {
        self.url_with(path, within, after, &[])
    }

    /// [`SearchForm::url`] with `extra` pairs after the search's own.
    pub fn url_with(
        &self,
        path: &str,
        within: Within,
        after: Option<(&str, usize)>,
        extra: &[(&'static str, String)],
    ) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("near", self.near.clone())];
        pairs.extend(self.filter_pairs());
        pairs.push(("within", within.value()));
        if let Some((after, start)) = after {
            pairs.push(("after", after.to_string()));
            pairs.push(("start", start.to_string()));
        }
        if self.by_transit {
            pairs.push(("by", "transit".into()));
            pairs.push(("depart", self.depart.clone()));
        }
        pairs.extend(extra.iter().cloned());
        if self.lang == Lang::Es {
            pairs.push(("lang", "es".into()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        self.mount.link(&format!("{path}?{query}"))
    }
}

fn yes(value: &str) -> bool {
    matches!(value, "true" | "on" | "1" | "yes")
}

/// Which form: the search's, or the step-down page's (a stage to start from in place of
/// the kinds of care).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Search,
    Pathway,
}

impl Mode {
    fn action(self) -> &'static str {
        match self {
            Mode::Search => "/find",
            Mode::Pathway => "/pathway",
        }
    }
}

/// The field's message, in the page's language: what to do and, for a place, why it was
/// not found, with its candidates as links to the same search from each.
fn message(form: &SearchForm, mode: Mode, problems: &[Problem], field: Field, id: &str) -> Markup {
    let text = form.lang.text();
    html! {
        @for problem in problems.iter().filter(|p| p.field == field) {
            @match &problem.place {
                Some(error) => (place_message(form, mode, error, id)),
                None => p.error id=(id) { (field_hint(text, field)) },
            }
        }
    }
}

/// Why a place was not found, for people: the typed error's facts in the page's words.
fn place_message(form: &SearchForm, mode: Mode, error: &PlaceError, id: &str) -> Markup {
    let text = form.lang.text();
    let from = |place: &str| {
        let mut other = form.clone();
        other.near = place.to_string();
        other.after = None;
        let extra: Vec<(&'static str, String)> = match mode {
            Mode::Pathway if !form.from.is_empty() => vec![("from", form.from.clone())],
            _ => Vec::new(),
        };
        other.url_with(mode.action(), form.within, None, &extra)
    };
    let (said, places): (&str, &[String]) = match error {
        PlaceError::Unrecognized { .. } | PlaceError::Table { .. } => {
            (text.place_unrecognized, &[])
        }
        PlaceError::Coordinates { .. } => (text.place_coordinates, &[]),
        PlaceError::UnknownZip { nearest, .. } => (text.place_zip, nearest),
        PlaceError::UnknownCity { suggestions, .. } if suggestions.is_empty() => {
            (text.place_city_none, &[])
        }
        PlaceError::UnknownCity { suggestions, .. } => (text.place_city, suggestions),
        PlaceError::UnknownState { .. } => (text.place_state, &[]),
        PlaceError::Ambiguous { candidates, .. } => (text.place_ambiguous, candidates),
        // A new kind of place error: the general words.
        _ => (text.err_place, &[]),
    };
    html! {
        div.error id=(id) {
            p { (said) }
            @if !places.is_empty() {
                ul.candidates {
                    @for place in places { li { a href=(from(place)) { (place) } } }
                }
            }
        }
    }
}

fn field_hint(text: &Text, field: Field) -> &'static str {
    match field {
        Field::Near => text.err_place,
        Field::Care => text.err_care,
        Field::Payment => text.err_payment,
        Field::Within => text.err_within,
        Field::Age | Field::Language | Field::Population | Field::Medication | Field::Kind => {
            text.err_filter
        }
        Field::Depart => text.err_depart,
        Field::General => text.err_general,
    }
}

/// The element a field's problem is shown beside, for the summary's links.
fn anchor(field: Field) -> &'static str {
    match field {
        Field::Near => "near",
        Field::Care => "care",
        Field::Payment => "payment",
        Field::Within => "within",
        Field::Age => "age",
        Field::Language => "language",
        Field::Population => "population",
        Field::Medication => "medication",
        Field::Kind => "kind",
        Field::Depart => "depart",
        Field::General => "general-error",
    }
}

fn label(text: &Text, field: Field) -> &'static str {
    match field {
        Field::Near => text.place,
        Field::Care => text.care,
        Field::Payment => text.payment,
        Field::Within => text.within,
        Field::Age => text.age,
        Field::Language => text.language,
        Field::Population => text.population,
        Field::Medication => text.medication,
        Field::Kind => text.kind,
        Field::Depart => text.depart,
        Field::General => text.err_general,
    }
}

fn has(problems: &[Problem], field: Field) -> bool {
    problems.iter().any(|p| p.field == field)
}

/// What the page says above a form with problems: each field at fault, linked to its
/// message, so that a person on a phone need not scroll to find it.
pub fn summary(form: &SearchForm, problems: &[Problem]) -> Markup {
    let text = form.lang.text();
    let mut fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
    fields.dedup();
    html! {
        @if !fields.is_empty() {
            div.alert.summary-box role="alert" aria-labelledby="problem-summary" {
                h2 #problem-summary { (text.problem_summary) }
                ul {
                    @for field in fields {
                        li { a href=(format!("#{}", anchor(field))) { (label(text, field)) } }
                    }
                }
            }
        }
    }
}

/// The form, filled in with `form`, each problem beside its field.
pub fn render(
    form: &SearchForm,
    problems: &[Problem],
    availability: bool,
    transit: Option<&super::transit::Offer>,
    mode: Mode,
) -> Markup {
    let lang = form.lang;
    let text = lang.text();
    let near_invalid = has(problems, Field::Near);
    let select = |field: Field,
                  id: &'static str,
                  label: &'static str,
                  any: &'static str,
                  current: &str,
                  options: Vec<(&'static str, &'static str)>| {
        let invalid = has(problems, field);
        let error_id = format!("{id}-error");
        html! {
            div.field.invalid[invalid] {
                label.field for=(id) { (label) }
                (message(form, mode, problems, field, &error_id))
                select id=(id) name=(id) aria-describedby=[invalid.then_some(&error_id)] aria-invalid=[invalid.then_some("true")] {
                    option value="" selected[current.is_empty()] { (any) }
                    @for (value, name) in options {
                        option value=(value) selected[current == value] { (name) }
                    }
                }
            }
        }
    };
    let more_open = [&form.age, &form.language, &form.population, &form.kind]
        .iter()
        .any(|value| !value.is_empty())
        || form.telehealth
        || [Field::Age, Field::Language, Field::Population, Field::Kind]
            .iter()
            .any(|field| has(problems, *field));
    html! {
        @if has(problems, Field::General) {
            div.alert #general-error { (message(form, mode, problems, Field::General, "general-error-text")) }
        }
        form.search action=(form.mount.link(mode.action())) method="get" {
            @if lang == Lang::Es { input type="hidden" name="lang" value="es"; }
            div.field.invalid[near_invalid] {
                label.field for="near" { (text.place) }
                p.help id="near-help" { (text.place_help) }
                (message(form, mode, problems, Field::Near, "near-error"))
                input #near type="text" name="near" value=(form.near) required autocomplete="postal-code"
                    aria-describedby=(if near_invalid { "near-help near-error" } else { "near-help" })
                    aria-invalid=[near_invalid.then_some("true")];
                button.secondary #locate type="button" hidden data-locating=(text.locating) data-failed=(text.location_failed) { (text.use_location) }
                p #locate-status role="status" {}
            }
            @match mode {
                Mode::Search => (care_choices(form, problems, mode)),
                Mode::Pathway => div.field {
                    label.field for="from" { (text.from_stage) }
                    select #from name="from" {
                        @for stage in carefind::analysis::pathway::Stage::ALL.into_iter().filter(|s| *s != carefind::analysis::pathway::Stage::Outpatient) {
                            option value=(stage.name()) selected[stage.name() == form.from] { (text::stage(stage, lang)) }
                        }
                    }
                },
            }
            fieldset #payment aria-describedby="payment-help" {
                legend { (text.payment) }
                p.help #payment-help { (text.payment_help) }
                (message(form, mode, problems, Field::Payment, "payment-error"))
                div.payments {
                    @for payment in PAYMENTS {
                        @let id = format!("payment-{}", payment.name());
                        div.choice {
                            input type="checkbox" id=(id) name="payment" value=(payment.name())
                                checked[form.payment.iter().any(|p| p == payment.name())];
                            label for=(id) { (text::payment(payment, lang)) }
                        }
                    }
                }
            }
            (select(Field::Medication, "medication", text.medication, text.any_medication, &form.medication,
                Medication::ALL.iter().map(|m| (m.name(), text::medication(*m, lang))).collect()))
            fieldset #when {
                legend { (text.when_legend) }
                div.payments {
                    @for (name, label, on) in [
                        ("open_now", text.open_now, form.open_now),
                        ("evening", text.evening, form.evening),
                        ("weekend", text.weekend, form.weekend),
                        ("walk_in", text.walk_in, form.walk_in),
                        ("same_day_medication", text.same_day, form.same_day_medication),
                    ] {
                        div.choice {
                            input type="checkbox" id=(name) name=(name) value="true" checked[on];
                            label for=(name) { (label) }
                        }
                    }
                    @if availability {
                        div.choice {
                            input #accepting type="checkbox" name="accepting" value="true" checked[form.accepting];
                            label for="accepting" { (text.accepting) }
                        }
                    }
                }
            }
            @if form.include_unknown && form.asks_unknowable() {
                input type="hidden" name="include_unknown" value="true";
            }
            @if let Some(offer) = transit.filter(|_| mode == Mode::Search) {
                (super::transit::fieldset(form, offer, has(problems, Field::Depart),
                    message(form, mode, problems, Field::Depart, "depart-error")))
            }
            div.field.invalid[has(problems, Field::Within)] {
                label.field for="within" { (text.within) }
                (message(form, mode, problems, Field::Within, "within-error"))
                select #within name="within" {
                    @for miles in RINGS {
                        option value=(miles) selected[form.within == Within::Miles(miles)] { (miles) " " (text.miles) }
                    }
                    option value="any" selected[form.within == Within::Any] { (text.anywhere) }
                }
            }
            details open[more_open] {
                summary { (text.more_filters) }
                div.choice {
                    input #telehealth type="checkbox" name="telehealth" value="true" checked[form.telehealth];
                    label for="telehealth" { (text.telehealth) }
                }
                (select(Field::Kind, "kind", text.kind, text.any_kind, &form.kind,
                    FacilityKind::ALL.iter().map(|k| (k.name(), match k {
                        FacilityKind::SubstanceUse => text.kind_su,
                        FacilityKind::MentalHealth => text.kind_mh,
                    })).collect()))
                (select(Field::Age, "age", text.age, text.any_age, &form.age,
                    AgeGroup::ALL.iter().map(|a| (a.name(), text::age(*a, lang))).collect()))
                (select(Field::Language, "language", text.language, text.any_language, &form.language,
                    Language::ALL.iter().map(|l| (l.name(), text::language(*l, lang))).collect()))
                (select(Field::Population, "population", text.population, text.any_population, &form.population,
                    Population::ALL.iter().map(|p| (p.name(), text::population(*p, lang))).collect()))
            }
            div { button type="submit" { (match mode { Mode::Search => text.search, Mode::Pathway => text.show_pathway }) } }
        }
    }
}

/// The kinds of care as boxes, what each means behind one disclosure (read to screen
/// readers with its box all the same).
fn care_choices(form: &SearchForm, problems: &[Problem], mode: Mode) -> Markup {
    let lang = form.lang;
    let text = lang.text();
    html! {
        fieldset #care aria-describedby="care-help" {
            legend { (text.care) }
            p.help #care-help { (text.care_help) }
            (message(form, mode, problems, Field::Care, "care-error"))
            div.payments {
                @for choice in &CARE_CHOICES {
                    @let id = format!("care-{}", choice.value);
                    div.choice {
                        input type="checkbox" id=(id) name="care" value=(choice.value)
                            checked[form.care.iter().any(|c| c == choice.value)] aria-describedby=(format!("{id}-help"));
                        label for=(id) { (choice.name[lang as usize]) }
                    }
                }
            }
            details.meanings {
                summary { (text.care_meanings) }
                dl {
                    @for choice in &CARE_CHOICES {
                        dt { (choice.name[lang as usize]) }
                        dd id=(format!("care-{}-help", choice.value)) { (choice.help[lang as usize]) }
                    }
                }
            }
        }
    }
}
