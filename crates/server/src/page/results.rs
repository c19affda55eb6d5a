//! `/find`: the results of a search as cards in distance order, with a map, paging, and a
//! way to widen a search that found nothing; `/find/print`, the whole list to print for a
//! caller; `/find/csv`, the same list to download. The search is the JSON API's, asked
//! with the same parameters, so a page and `/v1/facilities` always agree.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use carefind::analysis::duplicates::group;
use carefind::record::{Record, Reported, Shown, columns, spreadsheet_safe};
use carefind::{CareSet, Unit};
use jiff::Timestamp;
use maud::html;

use super::form::{Field, Problem, SearchForm, Within};
use super::text::{self, CARE_CHOICES, Lang};
use super::{PageRequest, cards, form_page, map, page, search_failed, switch_url};
use crate::facilities::{Found, found};
use crate::params::Params;
use crate::workers::Lane;
use crate::{MAX_LIMIT, Shared};

/// Results on one page of `/find`.
const PER_PAGE: usize = super::form::PER_PAGE;

/// What a results request turned into: the form, and the search to run or the response
/// that answers it already (the form again, with its problems).
fn prepare(
    shared: &Shared,
    request: PageRequest,
) -> Result<(SearchForm, Params, Option<Shown>), Box<Response>> {
    let PageRequest { pairs, lang, mount } = request;
    let (mut form, mut problems) = SearchForm::parse(&pairs, lang, mount);
    if form.by_transit {
        match &shared.transit {
            Some(transit) if form.depart.is_empty() => {
                form.depart = transit.offer().default_depart;
            }
            Some(_) => {}
            // A link from a server that had a timetable: search by distance instead.
            None => form.by_transit = false,
        }
    }
    if form.near.trim().is_empty() && problems.is_empty() {
        problems.push(Problem::at(Field::Near));
    }
    // The place first, so that its error reaches the page as data (candidates to link).
    if problems.is_empty()
        && let Err(error) = carefind_places::resolve(&form.near)
    {
        problems.push(Problem::place(error));
    }
    if !problems.is_empty() {
        return Err(Box::new(form_page(
            shared,
            &form,
            &problems,
            StatusCode::BAD_REQUEST,
        )));
    }
    let limit = PER_PAGE;
    let failed = |error| Box::new(search_failed(shared, &form, error));
    let params = Params::from_pairs(&form.api_pairs(limit)).map_err(failed)?;
    let shown = params.shown(shared.availability()).map_err(failed)?;
    Ok((form, params, shown))
}

pub(crate) async fn find(State(shared): State<Arc<Shared>>, request: PageRequest) -> Response {
    let (form, params, shown) = match prepare(&shared, request) {
        Ok(prepared) => prepared,
        Err(response) => return *response,
    };
    if form.by_transit {
        return by_transit(shared, form, params, shown).await;
    }
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

/// The results of a search by transit: the programs reached soonest, each with its
/// journey, the first page of them.
async fn by_transit(
    shared: Arc<Shared>,
    form: SearchForm,
    params: Params,
    shown: Option<Shown>,
) -> Response {
    let index = shared.locator.index();
    let worker = Arc::clone(&shared);
    let asked = form.clone();
    shared
        .compute(Lane::Heavy, move |_| {
            let transit = worker.transit.as_deref();
            let (hits, origin, _) =
                crate::transit::search(transit, &index, &params, shown.as_ref())?;
            Ok(render_transit(
                &worker,
                &asked,
                &hits,
                origin,
                shown.as_ref(),
            ))
        })
        .await
        .unwrap_or_else(|error| search_failed(&shared, &form, error))
}

fn render_transit(
    shared: &Shared,
    form: &SearchForm,
    reached: &[carefind::transit::TransitHit<'_>],
    origin: carefind::LatLon,
    shown: Option<&Shown>,
) -> Response {
    let lang = form.lang;
    let text = lang.text();
    let now = Timestamp::now();
    let title = searched(form);
    let Some(transit) = shared.transit.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mode = transit.offer().mode;
    let zone = transit.timetable().time_zone().clone();
    let shown_hits: Vec<(&carefind::transit::TransitHit<'_>, carefind::Hit<'_>)> = reached
        .iter()
        .take(PER_PAGE)
        .map(|reach| {
            let hit = carefind::Hit {
                facility: reach.facility,
                distance_m: Some(origin.distance_m(reach.facility.location())),
                origin: Some(origin),
            };
            (reach, hit)
        })
        .collect();
    let markers: Vec<(usize, carefind::LatLon, f64)> = shown_hits
        .iter()
        .enumerate()
        .map(|(i, (_, hit))| {
            (
                i + 1,
                hit.facility.location(),
                hit.distance_m.unwrap_or(0.0),
            )
        })
        .collect();
    let body = html! {
        h1 { (title) }
        @if reached.is_empty() {
            div.alert role="status" { p { (super::transit::nothing(mode, lang)) } }
        } @else {
            p.summary role="status" { (super::transit::found(reached.len(), mode, &form.depart, lang)) }
            ol.cards {
                @for (i, (reach, hit)) in shown_hits.iter().enumerate() {
                    (cards::card(&form.mount, "r", i + 1, hit, &[], shown, lang, now,
                        Some(super::transit::journey(reach, mode, &zone, lang))))
                }
            }
            details.map-box {
                summary { (text.show_map) }
                (map::render(origin, &markers, None, text, shared.pages.tiles.as_deref().map(map::Tiles)))
            }
            (cards::source_line(reached.iter().map(|hit| hit.facility), lang))
        }
        p.tools { a href=(form.url("/", form.within, None)) { (text.new_search) } }
    };
    results_page(shared, form, &title, body)
}

/// A results page (`/find`), its language switch keeping the search.
fn results_page(shared: &Shared, form: &SearchForm, title: &str, body: maud::Markup) -> Response {
    page(
        shared,
        &form.mount,
        form.lang,
        title,
        &switch_url("/find", form, None),
        body,
        false,
        StatusCode::OK,
    )
}

/// How a whole search is answered: the printed list or the download.
type Whole = fn(&Shared, &SearchForm, &Found, Option<&Shown>) -> Response;

/// The whole search, up to [`MAX_LIMIT`] results from the first, answered by `answer` in
/// the heavy lane: for the printed list and the download.
async fn whole(shared: Arc<Shared>, request: PageRequest, answer: Whole) -> Response {
    let (form, _, shown) = match prepare(&shared, request) {
        Ok(prepared) => prepared,
        Err(response) => return *response,
    };
    let mut first = form.clone();
    first.after = None;
    let params = match Params::from_pairs(&first.api_pairs(MAX_LIMIT)) {
        Ok(params) => params,
        Err(error) => return search_failed(&shared, &form, error),
    };
    let index = shared.locator.index();
    let worker = Arc::clone(&shared);
    let asked = form.clone();
    shared
        .compute(Lane::Heavy, move |budget| {
            let found = found(&index, &params, shown.as_ref(), budget)?;
            Ok(answer(&worker, &asked, &found, shown.as_ref()))
        })
        .await
        .unwrap_or_else(|error| search_failed(&shared, &form, error))
}

pub(crate) async fn print(State(shared): State<Arc<Shared>>, request: PageRequest) -> Response {
    whole(shared, request, render_print).await
}

pub(crate) async fn csv(State(shared): State<Arc<Shared>>, request: PageRequest) -> Response {
    whole(shared, request, |_, _, found, shown| {
        spreadsheet(found, shown)
    })
    .await
}

/// The results as CSV, in the command line's columns, every cell safe to open in a
/// spreadsheet.
fn spreadsheet(found: &Found, shown: Option<&Shown>) -> Response {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(1024 * found.hits.len() + 512));
    let mut written = writer.write_record(columns());
    for (i, hit) in found.hits.iter().enumerate() {
        let report = Reported::of(shown, hit.facility);
        let record = Record::new(None, i + 1, hit, Unit::Miles, report);
        let fields = record.fields();
        written = written.and_then(|()| {
            writer.write_record(
                fields
                    .iter()
                    .map(|field| spreadsheet_safe(field).into_owned()),
            )
        });
    }
    let body = match (written, writer.into_inner()) {
        (Ok(()), Ok(body)) => body,
        _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"treatment-programs.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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

pub(crate) fn within_words(within: Within, text: &super::text::Text) -> String {
    match within {
        Within::Miles(miles) => format!("{miles} {}", text.miles),
        Within::Any => text.anywhere.to_lowercase(),
    }
}

/// What was searched, as a heading: "IOP taking Medicaid near 10001".
pub(crate) fn searched(form: &SearchForm) -> String {
    let lang = form.lang;
    let text = lang.text();
    let or = format!(" {} ", text.or_word);
    let care: Vec<String> = form
        .care
        .iter()
        .flat_map(|care| care.split([',', ';']))
        .map(str::trim)
        .filter(|care| !care.is_empty())
        .map(
            |care| match CARE_CHOICES.iter().find(|choice| choice.value == care) {
                Some(choice) => choice.short[lang as usize].to_string(),
                None => care.parse::<CareSet>().map_or_else(
                    |_| care.to_string(),
                    |set| cards::levels(set, lang).to_lowercase(),
                ),
            },
        )
        .collect();
    let mut words = vec![if care.is_empty() {
        text.treatment.to_string()
    } else {
        capitalised(&care.join(&or))
    }];
    let names = |value: &str, name: &dyn Fn(&str) -> Option<&'static str>| {
        value
            .split([',', ';'])
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .map(|word| name(word).map_or_else(|| word.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(&or)
    };
    if !form.kind.is_empty() {
        let kind = names(&form.kind, &|word| match word.parse() {
            Ok(carefind::FacilityKind::SubstanceUse) => Some(text.kind_su),
            Ok(carefind::FacilityKind::MentalHealth) => Some(text.kind_mh),
            Err(_) => None,
        });
        words.push(format!("{} {}", text.of_word, kind.to_lowercase()));
    }
    let payment = form.payment.join(",");
    if !payment.is_empty() {
        let payment = names(&payment, &|word| {
            word.parse().ok().map(|p| text::payment(p, lang))
        });
        words.push(format!("{} {payment}", text.taking));
    }
    if !form.medication.is_empty() {
        let medication = names(&form.medication, &|word| {
            word.parse().ok().map(|m| text::medication(m, lang))
        });
        words.push(format!("{} {}", text.with_word, medication.to_lowercase()));
    }
    if form.telehealth {
        words.push(text.telehealth_short.into());
    }
    if !form.population.is_empty() {
        let population = names(&form.population, &|word| {
            word.parse().ok().map(|p| text::population(p, lang))
        });
        words.push(format!("{} {}", text.for_word, population.to_lowercase()));
    }
    if !form.age.is_empty() {
        let age = names(&form.age, &|word| {
            word.parse().ok().map(|a| text::age(a, lang))
        });
        words.push(format!("{} {}", text.for_word, age.to_lowercase()));
    }
    if !form.language.is_empty() {
        let language = names(&form.language, &|word| {
            word.parse().ok().map(|l| text::language(l, lang))
        });
        let language = match lang {
            Lang::En => language,
            Lang::Es => language.to_lowercase(),
        };
        words.push(format!("{} {language}", text.in_word));
    }
    match (form.accepting, form.include_unknown) {
        (true, false) => words.push(text.accepting_short.into()),
        (true, true) => words.push(text.accepting_or_unknown.into()),
        (false, _) => {}
    }
    words.push(format!("{} {}", text.near_word, form.near.trim()));
    words.join(" ")
}

fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The link to the step-down page for this search, every filter carried (its kinds of
/// care become the stage to start from).
fn pathway_url(form: &SearchForm) -> String {
    let mut form = form.clone();
    let from = pathway_from(&form);
    form.care.clear();
    form.url_with("/pathway", form.within, None, &[("from", from.into())])
}

fn render(shared: &Shared, form: &SearchForm, found: &Found, shown: Option<&Shown>) -> Response {
    let lang = form.lang;
    let text = lang.text();
    let now = Timestamp::now();
    let title = searched(form);
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
    let unknown = found.left_out.availability_unknown;
    let not_stated = found.left_out.total();
    // The same search, keeping the programs that have not reported: the list to call.
    let with_unknown = {
        let mut with = form.clone();
        with.include_unknown = true;
        with.after = None;
        with.url("/find", form.within, None)
    };
    let groups = group(&found.hits);
    let body = html! {
        h1 { (title) }
        @if found.hits.is_empty() {
            div.alert role="status" {
                @if unknown > 0 {
                    p { (text::none_reported(unknown, lang)) " " (text.unknown_note) }
                    p { a href=(with_unknown) { (text::show_programs(unknown, lang)) } }
                } @else if not_stated > 0 {
                    p { (text::none_stated(not_stated, lang)) " " (text.unknown_note) }
                    p { a href=(with_unknown) { (text::show_programs(not_stated, lang)) } }
                } @else if found.total == 0 {
                    @match form.within {
                        Within::Any => p { (text.nothing_at_all) },
                        within => p { (text.nothing_within) " " (within_words(within, text)) "." },
                    }
                } @else {
                    p { (text.showing) " 0 / " (found.total) }
                }
                // Farther away only when nothing near is even worth a call.
                @if let Some(wider) = form.within.wider().filter(|_| found.total == 0 && not_stated == 0) {
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
            p.tools { a href=(form.url("/", form.within, None)) { (text.new_search) } }
        } @else {
            p.summary role="status" {
                @if found.total == 1 { (text.found_one) } @else { (found.total) " " (text.found_many) }
                @if let Within::Miles(_) = form.within { " " (text.within_of) " " (within_words(form.within, text)) }
                ". " (text.showing) " " (form.start) "–" (last) "."
            }
            @for (count, said) in [
                (unknown, text::unknown_more(unknown, lang)),
                (found.left_out.hours_unknown, text::hours_unknown_more(found.left_out.hours_unknown, lang)),
                (found.left_out.getting_in_unknown, text::getting_in_unknown_more(found.left_out.getting_in_unknown, lang)),
            ] {
                @if count > 0 {
                    p.unknown-note { (said) " " a href=(with_unknown) { (text.show_unknown) } }
                }
            }
            ol.cards start=(form.start) {
                @for listings in &groups {
                    // A place's rank is its nearest listing's.
                    @let rank = form.start + found.hits.iter().position(|hit| hit.facility.id() == listings[0].facility.id()).unwrap_or(0);
                    (cards::card(&form.mount, "r", rank, &listings[0], &listings[1..], shown, lang, now, None))
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
            @if let Some(origin) = found.origin {
                details.map-box {
                    summary { (text.show_map) }
                    (map::render(origin, &markers, None, text, shared.pages.tiles.as_deref().map(map::Tiles)))
                }
            }
            ul.tools {
                li { a href=(form.url("/", form.within, None)) { (text.new_search) } }
                li { a href=(form.url("/find/print", form.within, None)) { (text.print_all) } }
                li { a href=(form.url("/find/csv", form.within, None)) download { (text.download_csv) } }
            }
            (cards::source_line(found.hits.iter().map(|hit| hit.facility), lang))
        }
        p { a href=(pathway_url(form)) { (text.pathway_link) } }
    };
    results_page(shared, form, &title, body)
}

/// The whole list for a caller: what was searched, when, from which data, the list's
/// address, and each program in a few lines.
fn render_print(
    shared: &Shared,
    form: &SearchForm,
    found: &Found,
    shown: Option<&Shown>,
) -> Response {
    let lang = form.lang;
    let text = lang.text();
    let now = Timestamp::now();
    let title = searched(form);
    let address = shared.public_link(&form.url("/find", form.within, None));
    let groups = group(&found.hits);
    let day = jiff::tz::Offset::UTC.to_datetime(now).date();
    let body = html! {
        h1 { (title) }
        p.print-meta {
            (text.printed_on) " " (day) ". "
            @if found.total == 1 { (text.found_one) } @else { (found.total) " " (text.found_many) }
            @if let Within::Miles(_) = form.within { " " (text.within_of) " " (within_words(form.within, text)) }
            "."
            @if found.hits.len() < found.total { " " (text.print_more) " " (found.hits.len()) "." }
        }
        p.print-meta { (text.list_address) ": " span.url { (address) } }
        (cards::source_line(found.hits.iter().map(|hit| hit.facility), lang))
        @for (count, said) in [
            (found.left_out.availability_unknown, text::unknown_more(found.left_out.availability_unknown, lang)),
            (found.left_out.hours_unknown, text::hours_unknown_more(found.left_out.hours_unknown, lang)),
            (found.left_out.getting_in_unknown, text::getting_in_unknown_more(found.left_out.getting_in_unknown, lang)),
        ] {
            @if count > 0 { p { (said) " " (text.unknown_note) } }
        }
        p.no-print { button #print type="button" hidden { (text.print_button) } " " a href=(form.url("/find", form.within, None)) { (text.new_search) } }
        ol.print-list {
            @for listings in &groups {
                @let f = listings[0].facility;
                li {
                    strong { (f.name()) }
                    @if let Some(meters) = listings[0].distance_m { " · " (cards::distance(meters, lang)) }
                    br;
                    (f.phone())
                    @if !f.intake_phone().is_empty() && f.intake_phone() != f.phone() { " · " (text.intake) " " (f.intake_phone()) }
                    br;
                    (cards::address(f))
                    br;
                    (cards::levels(f.care(), lang))
                    @if !f.payment().is_empty() {
                        br;
                        (text.pays) ": " (f.payment().iter().map(|p| text::payment(p, lang)).collect::<Vec<_>>().join(", "))
                    }
                    (cards::report_line(shown, f, lang, now))
                    @if listings.len() > 1 {
                        (text.also_listed) ": " (listings[1..].iter().map(|hit| hit.facility.name()).collect::<Vec<_>>().join(", "))
                    }
                }
            }
        }
    };
    page(
        shared,
        &form.mount,
        lang,
        &title,
        &switch_url("/find/print", form, None),
        body,
        true,
        StatusCode::OK,
    )
}
