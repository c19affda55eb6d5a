//! `/pathway`: the step-down path as a page. From where a person is now (detox, say), the
//! nearest programs for each later stage in the order of the path, with the search's
//! filters carried from the results page, shown and editable, and the intensive programs
//! each with the sober-living homes near it.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use carefind::analysis::pathway::{Pair, Pathway, PathwayQuery, Stage, pathway};
use carefind::record::Shown;
use carefind::{Distance, Hit};
use jiff::Timestamp;
use maud::{Markup, html};

use super::form::{self, Field, Mode, Problem, SearchForm, Within};
use super::text::{self, Lang};
use super::{PageRequest, cards, facility_url, page, search_failed};
use crate::Shared;
use crate::error::ApiError;
use crate::params::Params;
use crate::workers::Lane;

/// Options per step, and program and home pairs.
const PER_STEP: usize = 3;
const PAIRS: usize = 3;

pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    PageRequest { pairs, lang, mount }: PageRequest,
) -> Response {
    let (mut asked, mut problems) = SearchForm::parse(&pairs, lang, mount);
    // The step-down page has no kinds of care of its own: each step is one.
    asked.care.clear();
    let from: Stage = match asked.from.as_str() {
        "" => Stage::Detox,
        word => word.parse().unwrap_or_else(|_| {
            problems.push(Problem::at(Field::General));
            Stage::Detox
        }),
    };
    asked.from = from.name().to_string();
    if asked.near.trim().is_empty() && problems.is_empty() {
        problems.push(Problem::at(Field::Near));
    }
    let origin = match carefind_places::resolve(&asked.near) {
        Ok(origin) => Some(origin),
        Err(error) => {
            if problems.is_empty() {
                problems.push(Problem::place(error));
            }
            None
        }
    };
    let (Some(origin), true) = (origin, problems.is_empty()) else {
        return form_again(&shared, &asked, &problems);
    };
    let params = asked
        .filter_pairs()
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect::<Vec<_>>();
    let (filter, shown) = match Params::from_pairs(&params).and_then(|params| {
        let shown = params.shown(shared.availability())?;
        let mut filter = params.filter()?;
        if let Some(shown) = &shown {
            filter = filter.available(shown.table.clone(), shown.need);
        }
        Ok((filter, shown))
    }) {
        Ok(found) => found,
        Err(error) => {
            let problem = Problem::of(&error);
            return form_again(&shared, &asked, &[problem]);
        }
    };
    let mut query = PathwayQuery::new(origin)
        .from(from)
        .filter(filter)
        .per_step(PER_STEP)
        .pairs(PAIRS);
    if let Within::Miles(miles) = asked.within {
        query = query.within(Distance::from_miles(f64::from(miles)));
    }
    let index = shared.locator.index();
    let worker = Arc::clone(&shared);
    let form = asked.clone();
    let answer = shared
        .compute(Lane::Quick, move |_| {
            let path = pathway(&index, &query).map_err(|e| ApiError::query(e, "query"))?;
            Ok(render(&worker, &form, &path, shown.as_ref()))
        })
        .await;
    answer.unwrap_or_else(|error| search_failed(&shared, &asked, error))
}

/// The form again, with what is wrong.
fn form_again(shared: &Shared, asked: &SearchForm, problems: &[Problem]) -> Response {
    let lang = asked.lang;
    let text = lang.text();
    let body = html! {
        h1 { (text.error_title) }
        (form::summary(asked, problems))
        (form::render(asked, problems, shared.availability().is_some(), None, Mode::Pathway))
    };
    page(
        shared,
        &asked.mount,
        lang,
        text.error_title,
        &switch(asked),
        body,
        true,
        StatusCode::BAD_REQUEST,
    )
}

/// The same page in the other language.
fn switch(asked: &SearchForm) -> String {
    let mut other = asked.clone();
    other.lang = asked.lang.other();
    let mut extra = vec![("from", asked.from.clone())];
    if other.lang == Lang::En {
        extra.push(("lang", "en".into()));
    }
    other.url_with("/pathway", asked.within, None, &extra)
}

fn render(shared: &Shared, asked: &SearchForm, path: &Pathway, shown: Option<&Shown>) -> Response {
    let lang = asked.lang;
    let text = lang.text();
    let now = Timestamp::now();
    let from = asked.from.parse::<Stage>().unwrap_or(Stage::Detox);
    let title = format!("{} {}", text.pathway_title, text::stage(from, lang));
    // The pairs go with the intensive step they belong to: IOP's, else PHP's, else last.
    let pairs_after = [Stage::Iop, Stage::Php]
        .into_iter()
        .find(|stage| path.steps.iter().any(|step| step.stage == *stage));
    let listed = path
        .steps
        .iter()
        .flat_map(|step| step.options.iter().map(|hit| hit.facility));
    let body = html! {
        h1 { (title) }
        p { (text.pathway_intro) }
        // The filters carried from the results, said in words, and the form to change them
        // behind one line, so that the steps come first.
        p.summary {
            span.label { (text.applied) ": " } (super::results::searched(asked))
            @if let Within::Miles(_) = asked.within { ", " (text.within_of) " " (super::results::within_words(asked.within, text)) }
        }
        details.change {
            summary { (text.new_search) }
            (form::render(asked, &[], shared.availability().is_some(), None, Mode::Pathway))
        }
        @for (step_number, step) in path.steps.iter().enumerate() {
            @let heading = format!("step-{step_number}");
            section aria-labelledby=(heading) {
                h2 #(heading) { (text.next_step) " " (text::stage(step.stage, lang)) }
                @if step.options.is_empty() {
                    p { (text.nothing_for_step) }
                } @else {
                    @let step_shown = shown.map(|shown| shown.for_levels(step.stage.levels()));
                    ol.cards {
                        @for (i, hit) in step.options.iter().enumerate() {
                            (cards::card(&asked.mount, &format!("s{step_number}-"), i + 1, hit, &[], step_shown.as_ref(), lang, now, None))
                        }
                    }
                }
                @if Some(step.stage) == pairs_after && !path.pairs.is_empty() {
                    (pairs(asked, &path.pairs, shown, now))
                }
            }
        }
        @if pairs_after.is_none() && !path.pairs.is_empty() {
            section { (pairs(asked, &path.pairs, shown, now)) }
        }
        (cards::source_line(listed, lang))
    };
    page(
        shared,
        &asked.mount,
        lang,
        &title,
        &switch(asked),
        body,
        true,
        StatusCode::OK,
    )
}

/// Intensive programs, each with the sober-living home near it, both with Call and
/// Directions.
fn pairs(asked: &SearchForm, pairs: &[Pair], shown: Option<&Shown>, now: Timestamp) -> Markup {
    let lang = asked.lang;
    let text = lang.text();
    let homes = shown.map(|shown| shown.for_levels(carefind::CareLevel::SoberLiving.into()));
    html! {
        h3 #pairs { (text.pairs_title) }
        p { (text.pairs_intro) }
        ol.cards aria-labelledby="pairs" {
            @for (i, pair) in pairs.iter().enumerate() {
                @let home = Hit { facility: pair.home, distance_m: Some(pair.home_distance_m), origin: None };
                li.card.pair {
                    (side(asked, text.program, &format!("pair-{i}-program"), &pair.program, shown, now, None))
                    (side(asked, text.sober_near, &format!("pair-{i}-home"), &home, homes.as_ref(), now, Some(text.from_program)))
                }
            }
        }
    }
}

/// One side of a pair: its label, name, distance, and the ways to act on it.
fn side(
    asked: &SearchForm,
    label: &str,
    id: &str,
    hit: &Hit,
    shown: Option<&Shown>,
    now: Timestamp,
    from: Option<&str>,
) -> Markup {
    let lang = asked.lang;
    let text = lang.text();
    let f = hit.facility;
    html! {
        div.side aria-labelledby=(id) {
            p {
                span.label { (label) ": " }
                a id=(id) href=(facility_url(&asked.mount, f.id(), lang)) { (f.name()) }
                @if let Some(meters) = hit.distance_m {
                    " (" (cards::distance(meters, lang)) " " @if let Some(from) = from { (from) } @else { (text.away) } ")"
                }
            }
            p { (cards::levels(f.care(), lang)) " · " (cards::address(f)) }
            (cards::report_line(shown, f, lang, now))
            (cards::actions(f, lang))
        }
    }
}
