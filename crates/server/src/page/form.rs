//! The search form: what a URL asks (`/find?near=10001&care=iop&payment=medicaid`), turned
//! into the API's parameters, and drawn again with a message beside each field at fault.

use crate::mount::Mount;
use carefind::{AgeGroup, Language, Payment, Population};
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
    /// Not one field: the message goes above the form.
    General,
}

/// What is wrong with one field.
pub struct Problem {
    pub field: Field,
    /// The library's or the parser's words (in English).
    pub detail: String,
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
            _ => Field::General,
        };
        Problem {
            field,
            detail: error.message.clone(),
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
    pub accepting: bool,
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
            accepting: false,
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
                        _ => problems.push(Problem {
                            field: Field::Within,
                            detail: format!("{miles:?} is not a distance in miles from 1 to 3000"),
                        }),
                    },
                },
                "age" => form.age = value.to_string(),
                "language" => form.language = value.to_string(),
                "population" => form.population = value.to_string(),
                "accepting" => form.accepting = matches!(value, "true" | "on" | "1" | "yes"),
                "after" if !value.is_empty() => form.after = Some(value.to_string()),
                "start" => match value.parse::<usize>() {
                    Ok(start) if start >= 1 => form.start = start,
                    _ => problems.push(Problem {
                        field: Field::General,
                        detail: format!("start {value:?} is not a rank of 1 or more"),
                    }),
                },
                "lang" | "care" | "payment" | "after" => {}
                other => problems.push(Problem {
                    field: Field::General,
                    detail: format!("the address has a part this page does not know: {other:?}"),
                }),
            }
        }
        (form, problems)
    }

    /// The API's parameters for this search: the page asks exactly what `/v1/facilities`
    /// would be asked.
    pub fn api_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![("near".to_string(), self.near.clone())];
        for care in &self.care {
            pairs.push(("care".into(), care.clone()));
        }
        for payment in &self.payment {
            pairs.push(("payment".into(), payment.clone()));
        }
        if let Within::Miles(miles) = self.within {
            pairs.push(("within".into(), format!("{miles}mi")));
        }
        for (key, value) in [
            ("age", &self.age),
            ("language", &self.language),
            ("population", &self.population),
        ] {
            if !value.is_empty() {
                pairs.push((key.into(), value.clone()));
            }
        }
        if self.accepting {
            pairs.push(("accepting".into(), "true".into()));
        }
        if let Some(after) = &self.after {
            pairs.push(("after".into(), after.clone()));
        }
        pairs.push(("limit".into(), PER_PAGE.to_string()));
        pairs
    }

    /// This search's address on `path` (under the mount), with `within` and the page (`after`, starting at
    /// rank `start`) as given.
    pub fn url(&self, path: &str, within: Within, after: Option<(&str, usize)>) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("near", self.near.clone())];
        pairs.extend(self.care.iter().map(|c| ("care", c.clone())));
        pairs.extend(self.payment.iter().map(|p| ("payment", p.clone())));
        pairs.push(("within", within.value()));
        for (key, value) in [
            ("age", &self.age),
            ("language", &self.language),
            ("population", &self.population),
        ] {
            if !value.is_empty() {
                pairs.push((key, value.clone()));
            }
        }
        if self.accepting {
            pairs.push(("accepting", "true".into()));
        }
        if let Some((after, start)) = after {
            pairs.push(("after", after.to_string()));
            pairs.push(("start", start.to_string()));
        }
        if self.lang == Lang::Es {
            pairs.push(("lang", "es".into()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        self.mount.link(&format!("{path}?{query}"))
    }
}

/// The field's message: what to do, in the page's language, then the detail (in English,
/// marked as such on a Spanish page).
fn message(problems: &[Problem], field: Field, id: &str, lang: Lang) -> Markup {
    let text = lang.text();
    html! {
        @for problem in problems.iter().filter(|p| p.field == field) {
            p.error id=(id) {
                (field_hint(text, field)) " "
                @if lang == Lang::En { (problem.detail) } @else { span lang="en" { (problem.detail) } }
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
        Field::Age | Field::Language | Field::Population => text.err_filter,
        Field::General => text.err_general,
    }
}

fn has(problems: &[Problem], field: Field) -> bool {
    problems.iter().any(|p| p.field == field)
}

/// The form, filled in with `form`, each problem beside its field.
pub fn render(form: &SearchForm, problems: &[Problem], availability: bool) -> Markup {
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
                (message(problems, field, &error_id, lang))
                select id=(id) name=(id) aria-describedby=[invalid.then_some(&error_id)] aria-invalid=[invalid.then_some("true")] {
                    option value="" selected[current.is_empty()] { (any) }
                    @for (value, name) in options {
                        option value=(value) selected[current == value] { (name) }
                    }
                }
            }
        }
    };
    html! {
        @if has(problems, Field::General) {
            div.alert role="alert" { (message(problems, Field::General, "general-error", lang)) }
        }
        form.search action=(form.mount.link("/find")) method="get" {
            @if lang == Lang::Es { input type="hidden" name="lang" value="es"; }
            div.field.invalid[near_invalid] {
                label.field for="near" { (text.place) }
                p.help id="near-help" { (text.place_help) }
                (message(problems, Field::Near, "near-error", lang))
                input #near type="text" name="near" value=(form.near) required autocomplete="postal-code"
                    aria-describedby=(if near_invalid { "near-help near-error" } else { "near-help" })
                    aria-invalid=[near_invalid.then_some("true")];
                button.secondary #locate type="button" hidden data-locating=(text.locating) data-failed=(text.location_failed) { (text.use_location) }
                p #locate-status role="status" {}
            }
            fieldset aria-describedby="care-help" {
                legend { (text.care) }
                p.help #care-help { (text.care_help) }
                (message(problems, Field::Care, "care-error", lang))
                @for choice in &CARE_CHOICES {
                    @let id = format!("care-{}", choice.value);
                    @let help = format!("{id}-help");
                    div.choice {
                        input type="checkbox" id=(id) name="care" value=(choice.value)
                            checked[form.care.iter().any(|c| c == choice.value)] aria-describedby=(help);
                        label for=(id) { (choice.name[lang as usize]) }
                        p.help id=(help) { (choice.help[lang as usize]) }
                    }
                }
            }
            fieldset aria-describedby="payment-help" {
                legend { (text.payment) }
                p.help #payment-help { (text.payment_help) }
                (message(problems, Field::Payment, "payment-error", lang))
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
            div.field.invalid[has(problems, Field::Within)] {
                label.field for="within" { (text.within) }
                (message(problems, Field::Within, "within-error", lang))
                select #within name="within" {
                    @for miles in RINGS {
                        option value=(miles) selected[form.within == Within::Miles(miles)] { (miles) " " (text.miles) }
                    }
                    option value="any" selected[form.within == Within::Any] { (text.anywhere) }
                }
            }
            details open[has(problems, Field::Age) || has(problems, Field::Language) || has(problems, Field::Population) || !form.age.is_empty() || !form.language.is_empty() || !form.population.is_empty() || form.accepting] {
                summary { (text.more_filters) }
                (select(Field::Age, "age", text.age, text.any_age, &form.age,
                    AgeGroup::ALL.iter().map(|a| (a.name(), text::age(*a, lang))).collect()))
                (select(Field::Language, "language", text.language, text.any_language, &form.language,
                    Language::ALL.iter().map(|l| (l.name(), text::language(*l, lang))).collect()))
                (select(Field::Population, "population", text.population, text.any_population, &form.population,
                    Population::ALL.iter().map(|p| (p.name(), text::population(*p, lang))).collect()))
                @if availability {
                    div.choice {
                        input #accepting type="checkbox" name="accepting" value="true" checked[form.accepting];
                        label for="accepting" { (text.accepting) }
                    }
                }
            }
            div { button type="submit" { (text.search) } }
        }
    }
}
