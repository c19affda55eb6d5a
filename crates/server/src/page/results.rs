//! `/find`: the results of a search as cards in distance order, with a map, paging, and a
//! way to widen a search that found nothing. The search is the JSON API's, asked with the
//! same parameters, so a page and `/v1/facilities` always agree.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use maud::html;

use super::form::{Field, Problem, SearchForm, Within};
use super::{PageRequest, cards, form_page, map, page, search_failed, switch_url};
use crate::Shared;
use crate::facilities::{Found, found};
use crate::params::Params;
use crate::workers::Lane;
use carefind::record::Shown;

pub(crate) async fn find(
    State(shared): State<Arc<Shared>>,
    PageRequest { pairs, lang, mount }: PageRequest,
) -> Response {
    let (form, mut problems) = SearchForm::parse(&pairs, lang, mount);
    if form.near.trim().is_empty() && problems.is_empty() {
        problems.push(Problem {
            field: Field::Near,
            detail: String::new(),
        });
    }
    if !problems.is_empty() {
        return form_page(&shared, &form, &problems, StatusCode::BAD_REQUEST);
    }
    let params = match Params::from_pairs(&form.api_pairs()) {
        Ok(params) => params,
        Err(error) => return search_failed(&shared, &form, error),
    };
    let shown = match params.shown(shared.availability()) {
        Ok(shown) => shown,
        Err(error) => return search_failed(&shared, &form, error),
    };
    let index = shared.locator.index();
    let worker = Arc::clone(&shared);
    let asked = form.clone();
    let answer = shared
        .compute(Lane::Quick, move |budget| {
            let found = found(&index, &params, shown.as_ref(), budget)?;
            Ok(render(&worker, &asked, &found, shown.as_ref()))
        })
        .await;
    answer.unwrap_or_else(|error| search_failed(&shared, &form, error))
}

/// The stage the step-down link starts from: the first stage among the levels asked for,
/// else detox.
fn pathway_from(form: &SearchForm) -> &'static str {
    form.care
        .iter()
        .flat_map(|care| care.split([',', ';']))
        .find_map(|care| match care.trim() {
            "detox" => Some("detox"),
            "hospital-inpatient" => Some("inpatient"),
            "residential" => Some("residential"),
            "php" => Some("php"),
            "iop" => Some("iop"),
            _ => None,
        })
        .unwrap_or("detox")
}

fn within_words(within: Within, text: &super::text::Text) -> String {
    match within {
        Within::Miles(miles) => format!("{miles} {}", text.miles),
        Within::Any => text.anywhere.to_lowercase(),
    }
}

fn render(shared: &Shared, form: &SearchForm, found: &Found, shown: Option<&Shown>) -> Response {
    let lang = form.lang;
    let text = lang.text();
    let now = Timestamp::now();
    let title = format!("{} {}", text.results_title, form.near.trim());
    let radius_m = match form.within {
        Within::Miles(miles) => Some(f64::from(miles) * 1609.344),
        Within::Any => None,
    };
    let markers: Vec<(usize, carefind::LatLon, f64)> = found
        .hits
        .iter()
        .enumerate()
        .map(|(i, hit)| {
            (
                form.start + i,
                hit.facility.location(),
                hit.distance_m.unwrap_or(0.0),
            )
        })
        .collect();
    let last = form.start + found.hits.len().saturating_sub(1);
    let pathway = {
        let mut pairs = vec![
            ("near", form.near.clone()),
            ("from", pathway_from(form).into()),
        ];
        if lang == super::Lang::Es {
            pairs.push(("lang", "es".into()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        form.mount.link(&format!("/pathway?{query}"))
    };
    let body = html! {
        h1 { (title) }
        p { a href=(form.url("/", form.within, None)) { (text.new_search) } }
        @if found.hits.is_empty() {
            div.alert role="status" {
                @if found.total == 0 {
                    @match form.within {
                        Within::Any => p { (text.nothing_at_all) },
                        within => p { (text.nothing_within) " " (within_words(within, text)) "." },
                    }
                } @else {
                    p { (text.showing) " 0 / " (found.total) }
                }
                @if let Some(wider) = form.within.wider().filter(|_| found.total == 0) {
                    p {
                        a href=(form.url("/find", wider, None)) {
                            @match wider {
                                Within::Any => (text.any_distance),
                                wider => { (text.widen_to) " " (within_words(wider, text)) },
                            }
                        }
                    }
                }
            }
        } @else {
            p.summary role="status" {
                @if found.total == 1 { (text.found_one) } @else { (found.total) " " (text.found_many) }
                @if let Within::Miles(_) = form.within { " " (text.within_of) " " (within_words(form.within, text)) }
                ". " (text.showing) " " (form.start) "–" (last) "."
            }
            @if let Some(origin) = found.origin {
                (map::render(origin, &markers, radius_m, text, shared.pages.tiles.as_deref().map(map::Tiles)))
            }
            ol.cards start=(form.start) {
                @for (i, hit) in found.hits.iter().enumerate() {
                    (cards::card(&form.mount, "r", form.start + i, hit, shown.and_then(|shown| shown.of(hit.facility)), lang, now))
                }
            }
            @if found.next_cursor.is_some() || form.after.is_some() {
                nav.pages aria-label=(text.next_page) {
                    @if let Some(cursor) = &found.next_cursor {
                        a href=(form.url("/find", form.within, Some((cursor, last + 1)))) rel="next" { (text.next_page) }
                    }
                    @if form.after.is_some() {
                        a href=(form.url("/find", form.within, None)) { (text.first_page) }
                    }
                }
            }
        }
        p { a href=(pathway) { (text.pathway_link) } }
    };
    page(
        shared,
        &form.mount,
        lang,
        &title,
        &switch_url("/find", form, None),
        body,
        false,
        StatusCode::OK,
    )
}
