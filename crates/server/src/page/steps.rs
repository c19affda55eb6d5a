//! `/pathway`: the step-down path as a page. From where a person is now (detox, say),
//! the nearest programs for each later stage, and intensive programs with sober living
//! nearby.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use carefind::analysis::pathway::{PathwayQuery, Stage, pathway};
use jiff::Timestamp;
use maud::{Markup, html};

use super::text::{self, Lang};
use super::{PageRequest, cards, facility_url, page};
use crate::Shared;
use crate::error::ApiError;
use crate::mount::Mount;
use crate::params::Params;
use crate::workers::Lane;
use carefind_places as place;

/// What the step-down page asks.
struct Asked {
    lang: Lang,
    mount: Mount,
    near: String,
    from: Stage,
    payment: Vec<String>,
}

impl Asked {
    fn url(&self, lang: Lang) -> String {
        let mut pairs = vec![
            ("near", self.near.clone()),
            ("from", self.from.name().into()),
        ];
        pairs.extend(self.payment.iter().map(|p| ("payment", p.clone())));
        pairs.push(("lang", lang.code().into()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        self.mount.link(&format!("/pathway?{query}"))
    }
}

pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    PageRequest { pairs, lang, mount }: PageRequest,
) -> Response {
    let mut asked = Asked {
        lang,
        mount: mount.clone(),
        near: String::new(),
        from: Stage::Detox,
        payment: Vec::new(),
    };
    let mut problem: Option<(&'static str, String)> = None;
    for (key, value) in &pairs {
        match key.as_str() {
            "near" => asked.near = value.trim().to_string(),
            "from" => match value.parse() {
                Ok(stage) => asked.from = stage,
                Err(error) => problem = Some(("from", format!("{error}"))),
            },
            "payment" if !value.trim().is_empty() => asked.payment.push(value.trim().into()),
            "payment" | "lang" => {}
            other => {
                problem = Some((
                    "general",
                    format!("the address has a part this page does not know: {other:?}"),
                ))
            }
        }
    }
    if problem.is_none() && asked.near.is_empty() {
        problem = Some(("near", String::new()));
    }
    let origin = match (&problem, place::resolve(&asked.near)) {
        (None, Ok(origin)) => Some(origin),
        (None, Err(error)) => {
            problem = Some(("near", error.to_string()));
            None
        }
        _ => None,
    };
    let filter = Params::from_pairs(
        &asked
            .payment
            .iter()
            .map(|p| ("payment".to_string(), p.clone()))
            .collect::<Vec<_>>(),
    )
    .and_then(|params| params.filter());
    let filter = match filter {
        Ok(filter) => filter,
        Err(error) => {
            problem.get_or_insert(("payment", error.message));
            carefind::Filter::new()
        }
    };
    let (Some(origin), None) = (origin, &problem) else {
        let body = html! {
            h1 { (lang.text().error_title) }
            (form(&asked, problem.as_ref()))
        };
        return page(
            &shared,
            &asked.mount,
            lang,
            lang.text().error_title,
            &asked.url(lang.other()),
            body,
            false,
            StatusCode::BAD_REQUEST,
        );
    };
    let query = PathwayQuery::new(origin)
        .from(asked.from)
        .filter(filter)
        .per_step(3)
        .pairs(3);
    let index = shared.locator.index();
    let worker = Arc::clone(&shared);
    let answer = shared
        .compute(Lane::Quick, move |_| {
            let path = pathway(&index, &query).map_err(|e| ApiError::query(e, "query"))?;
            Ok(render(&worker, &asked, &path))
        })
        .await;
    answer.unwrap_or_else(|error| {
        super::message_page(
            &shared,
            &mount,
            lang,
            lang.text().error_title,
            lang.text().busy,
            error.status,
        )
    })
}

/// The small form at the top: the place, and the stage to start from.
fn form(asked: &Asked, problem: Option<&(&'static str, String)>) -> Markup {
    let lang = asked.lang;
    let text = lang.text();
    let near_problem = problem.filter(|(field, _)| *field == "near");
    let other_problem = problem.filter(|(field, _)| *field != "near");
    html! {
        @if let Some((_, detail)) = other_problem {
            p.alert role="alert" { (text.err_general) " " span lang="en" { (detail) } }
        }
        form.search action=(asked.mount.link("/pathway")) method="get" {
            @if lang == Lang::Es { input type="hidden" name="lang" value="es"; }
            @for payment in &asked.payment { input type="hidden" name="payment" value=(payment); }
            div.field.invalid[near_problem.is_some()] {
                label.field for="near" { (text.place) }
                p.help #near-help { (text.place_help) }
                @if let Some((_, detail)) = near_problem {
                    p.error #near-error { (text.err_place) " " span lang="en" { (detail) } }
                }
                input #near type="text" name="near" value=(asked.near) required
                    aria-describedby=(if near_problem.is_some() { "near-help near-error" } else { "near-help" })
                    aria-invalid=[near_problem.map(|_| "true")];
            }
            div.field {
                label.field for="from" { (text.from_stage) }
                select #from name="from" {
                    @for stage in Stage::ALL.into_iter().filter(|s| *s != Stage::Outpatient) {
                        option value=(stage.name()) selected[stage == asked.from] { (text::stage(stage, lang)) }
                    }
                }
            }
            div { button type="submit" { (text.show_pathway) } }
        }
    }
}

fn render(shared: &Shared, asked: &Asked, path: &carefind::analysis::pathway::Pathway) -> Response {
    let lang = asked.lang;
    let text = lang.text();
    let now = Timestamp::now();
    let title = format!("{} {}", text.pathway_title, text::stage(asked.from, lang));
    let body = html! {
        h1 { (title) }
        p { (text.pathway_intro) }
        (form(asked, None))
        @for (step_number, step) in path.steps.iter().enumerate() {
            @let heading = format!("step-{step_number}");
            section aria-labelledby=(heading) {
                h2 #(heading) { (text.next_step) " " (text::stage(step.stage, lang)) }
                @if step.options.is_empty() {
                    p { (text.nothing_for_step) }
                } @else {
                    ol.cards {
                        @for (i, hit) in step.options.iter().enumerate() {
                            (cards::card(&asked.mount, &format!("s{step_number}-"), i + 1, hit, None, lang, now))
                        }
                    }
                }
            }
        }
        @if !path.pairs.is_empty() {
            section aria-labelledby="pairs" {
                h2 #pairs { (text.pairs_title) }
                p { (text.pairs_intro) }
                ol.cards {
                    @for (i, pair) in path.pairs.iter().enumerate() {
                        li.card {
                            p {
                                span.label { (text.program) ": " }
                                a href=(facility_url(&asked.mount, pair.program.facility.id(), lang)) { (pair.program.facility.name()) }
                                @if let Some(meters) = pair.program.distance_m {
                                    " (" (cards::distance(meters, lang)) " " (text.away) ")"
                                }
                            }
                            p { (cards::levels(pair.program.facility.care(), lang)) }
                            p {
                                span.label { (text.home_nearby) ": " }
                                a href=(facility_url(&asked.mount, pair.home.id(), lang)) aria-describedby=(format!("pair-{i}")) { (pair.home.name()) }
                                span id=(format!("pair-{i}")) { " (" (cards::distance(pair.home_distance_m, lang)) ")" }
                            }
                        }
                    }
                }
            }
        }
    };
    page(
        shared,
        &asked.mount,
        lang,
        &title,
        &asked.url(lang.other()),
        body,
        false,
        StatusCode::OK,
    )
}
