//! The locator's pages, called in-process: the same search as the JSON API, both
//! languages, a message beside the field for every kind of bad input (never a 5xx), the
//! privacy headers, and the weight of a results page. `tests/browser/` drives the same
//! pages in a real Chromium, with axe-core.

use crate::common::app::App;

use carefind_server::{Config, Pages};

fn app() -> App {
    App::with(Config::new().pages(Pages {
        sample: true,
        tiles: None,
    }))
}

/// Status, headers and the page's text.
fn page(app: &App, path: &str, headers: &[(&str, &str)]) -> (u16, axum::http::HeaderMap, String) {
    let (status, headers, body) = app.send("GET", path, headers, b"");
    (status, headers, String::from_utf8(body).unwrap())
}

/// The facility ids of a results page's cards, in order.
fn card_ids(html: &str) -> Vec<String> {
    html.split("<li class=\"card\">")
        .skip(1)
        .map(|card| {
            let at = card.find("href=\"/facility/").unwrap() + "href=\"/facility/".len();
            card[at..].split(['"', '?']).next().unwrap().to_string()
        })
        .collect()
}

use crate::common::result_ids as api_ids;

#[test]
fn results_are_the_json_apis_answer_page_by_page() {
    let app = app();
    let (status, _, html) = page(
        &app,
        "/find?near=10001&care=iop&care=php&payment=medicaid&within=25",
        &[],
    );
    assert_eq!(status, 200);
    let (_, first) =
        app.get("/v1/facilities?near=10001&care=iop,php&payment=medicaid&within=25mi&limit=10");
    assert_eq!(card_ids(&html), api_ids(&first));
    assert!(
        html.contains(&format!("{} programs found", first["total"])),
        "{html}"
    );
    // The next page's link carries the cursor the API gives.
    let cursor = first["next_cursor"].as_str().unwrap();
    let next = html.split("rel=\"next\"").next().unwrap();
    let href = next
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.contains("start=11"), "{href}");
    let (_, _, second) = page(&app, &href, &[]);
    let (_, api_second) = app.get(&format!(
        "/v1/facilities?near=10001&care=iop,php&payment=medicaid&within=25mi&limit=10&after={}",
        cursor.replace('|', "%7C")
    ));
    assert_eq!(card_ids(&second), api_ids(&api_second));
    assert!(second.contains("<span class=\"marker\" aria-hidden=\"true\">11</span>"));
}

#[test]
fn every_page_is_private_and_carries_the_crisis_lines() {
    let app = app();
    for path in [
        "/",
        "/find?near=10001",
        "/facility/S00001",
        "/pathway?near=10001&from=detox",
        "/find?near=99999",
        "/facility/nope",
    ] {
        let (status, headers, html) = page(&app, path, &[]);
        assert!(status < 500, "{path}: {status}");
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("cache-control"), "no-store", "{path}");
        assert!(
            header("content-security-policy").starts_with("default-src 'none'"),
            "{path}"
        );
        assert!(headers.get("set-cookie").is_none(), "{path}");
        assert!(
            html.contains("href=\"tel:988\"") && html.contains("href=\"sms:988\""),
            "{path}"
        );
        assert!(html.contains("1-800-662-4357"), "{path}");
        assert!(html.contains("fictitious"), "{path}: the sample's banner");
        // Nothing is loaded from elsewhere: every src and stylesheet is this server's.
        for attribute in ["src=\"", "rel=\"stylesheet\" href=\""] {
            for value in html.split(attribute).skip(1) {
                assert!(value.starts_with('/'), "{path} loads {value:.40}");
            }
        }
    }
}

#[test]
fn spanish_from_the_parameter_or_the_browser() {
    let app = app();
    let (_, _, html) = page(&app, "/?lang=es", &[]);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"es\">"));
    assert!(html.contains("Ambulatorio intensivo (IOP)") && html.contains("Llame al 988"));
    let (_, _, html) = page(&app, "/", &[("Accept-Language", "es-US,es;q=0.9,en;q=0.8")]);
    assert!(html.contains("<html lang=\"es\">"));
    // The switch leads to the same search in the other language.
    let (_, _, html) = page(&app, "/find?near=10001&care=iop&lang=es", &[]);
    assert!(
        html.contains("href=\"/find?near=10001&amp;care=iop&amp;within=25&amp;lang=en\""),
        "{html:.2000}"
    );
    let (_, _, english) = page(
        &app,
        "/find?near=10001&care=iop",
        &[("Accept-Language", "es")],
    );
    assert!(english.contains("<html lang=\"es\">"));
    assert_eq!(card_ids(&html), card_ids(&english));
}

#[test]
fn bad_input_gives_the_form_again_with_the_message_beside_the_field() {
    let app = app();
    for (query, field, said) in [
        ("near=99999", "near-error", "We do not know this ZIP code"),
        (
            "near=Springfield",
            "near-error",
            "More than one place has this name",
        ),
        ("near=91,0", "near-error", "Coordinates are a latitude"),
        ("near=", "near-error", ""),
        ("care=iop", "near-error", ""),
        (
            "near=10001&care=iopp",
            "care-error",
            "kind of care is not one we know",
        ),
        (
            "near=10001&payment=medicaide",
            "payment-error",
            "way to pay is not one we know",
        ),
        ("near=10001&within=far", "within-error", "Choose a distance"),
        (
            "near=10001&age=toddlers",
            "age-error",
            "Choose from the list",
        ),
        (
            "near=10001&medication=aspirin",
            "medication-error",
            "Choose from the list",
        ),
        (
            "near=10001&after=garbage",
            "general-error",
            "could not be done",
        ),
        ("near=10001&start=0", "general-error", "could not be done"),
        ("near=10001&%00%ff=1", "general-error", "could not be done"),
        (
            "near=10001&accepting=true",
            "general-error",
            "could not be done",
        ),
    ] {
        let (status, _, html) = page(&app, &format!("/find?{query}"), &[]);
        assert_eq!(status, 400, "{query}");
        assert!(html.contains("<form class=\"search\""), "{query}");
        let message = html
            .split(&format!("id=\"{field}\""))
            .nth(1)
            .unwrap_or_else(|| panic!("{query}: no {field} in {html}"));
        let message = message.split("</p>").next().unwrap();
        assert!(message.contains(said), "{query}: {message}");
        // What was typed comes back, so the person fixes it rather than starting again.
        if query.starts_with("near=10001") {
            assert!(html.contains("value=\"10001\""), "{query}");
        }
    }
    let (status, _, html) = page(&app, &format!("/find?near={}", "9".repeat(9000)), &[]);
    assert_eq!(status, 414);
    assert!(html.contains("<form class=\"search\""));
    let (status, _, html) = page(&app, "/pathway?near=Atlantis", &[]);
    assert_eq!(status, 400);
    assert!(html.contains("id=\"near-error\""));
}

#[test]
fn nothing_found_offers_the_next_distance() {
    let app = app();
    let (status, _, html) = page(&app, "/find?near=0,0&within=10", &[]);
    assert_eq!(status, 200);
    assert!(html.contains("Nothing found within 10 miles."), "{html}");
    assert!(
        html.contains("href=\"/find?near=0%2C0&amp;within=25\""),
        "{html}"
    );
    let (_, _, html) = page(&app, "/find?near=0,0&within=100", &[]);
    assert!(html.contains("within=any"), "{html}");
    let (_, _, html) = page(
        &app,
        "/find?near=0,0&within=any&care=telehealth&language=ypk&population=deaf",
        &[],
    );
    assert!(html.contains("Nothing matches every choice"), "{html}");
}

#[test]
fn a_facility_has_a_stable_page_with_every_field() {
    let app = app();
    let index = carefind::Index::sample();
    let facility = &index.facility(17).unwrap();
    let (status, _, html) = page(&app, &format!("/facility/{}", facility.id()), &[]);
    assert_eq!(status, 200);
    let escaped = |text: &str| text.replace('&', "&amp;");
    for value in [
        facility.name(),
        facility.street(),
        facility.city(),
        facility.phone(),
    ] {
        assert!(html.contains(&escaped(value)), "{value} missing");
    }
    for term in [
        "Address",
        "Care",
        "Payment",
        "Ages",
        "Languages",
        "Medications",
        "Services",
        "Listing verified on",
        "Listed in",
    ] {
        assert!(html.contains(&format!("<dt>{term}</dt>")), "{term}");
    }
    // The sample states no status: an open listing is not said to be open.
    assert!(!html.contains("<dt>Status</dt>"));
    assert!(html.contains("Call to confirm before you go"));
    let (status, _, html) = page(&app, "/facility/nope?lang=es", &[]);
    assert_eq!(status, 404);
    assert!(html.contains("No hay ningún centro"));
}

#[test]
fn the_step_down_page_shows_each_later_stage() {
    let app = app();
    let (status, _, html) = page(&app, "/pathway?near=Columbus,%20OH&from=detox", &[]);
    assert_eq!(status, 200);
    // The page searches within 25 miles unless told otherwise.
    let (_, doc) = app.get("/v1/pathway?near=Columbus,%20OH&from=detox&within=25mi");
    for step in doc["steps"].as_array().unwrap() {
        for option in step["options"].as_array().unwrap() {
            let id = option["id"].as_str().unwrap();
            assert!(html.contains(&format!("/facility/{id}")), "{id}");
        }
    }
    // The steps in the order of the step-down path, each once.
    let steps: Vec<&str> = html
        .split("Next step: ")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "Residential",
            "Partial hospitalization (PHP)",
            "Intensive outpatient (IOP)",
            "Outpatient"
        ]
    );
    // The sober-living pairs come with the IOP step, before outpatient.
    let pairs = html
        .find("Intensive programs with sober living nearby")
        .unwrap();
    assert!(pairs > html.find("Next step: Intensive outpatient").unwrap());
    assert!(pairs < html.find("Next step: Outpatient").unwrap());
}

#[test]
fn a_results_page_weighs_under_40_kb_and_other_paths_say_not_found() {
    let app = app();
    let (_, _, html) = page(&app, "/find?near=10001&care=outpatient&within=100", &[]);
    assert_eq!(card_ids(&html).len(), 10);
    assert!(html.len() < 40 * 1024, "{} bytes", html.len());
    let style = app.send("GET", "/static/style.css", &[], b"");
    assert_eq!(style.0, 200);
    assert!(
        html.len() + style.2.len() < 40 * 1024,
        "page and stylesheet"
    );
    let (status, _, html) = page(&app, "/no/such/page", &[("Accept", "text/html")]);
    assert_eq!(status, 404);
    assert!(html.contains("This page does not exist."));
    let (status, body) = app.get("/no/such/page");
    assert_eq!((status, body["status"].as_u64()), (404, Some(404)));
}

#[test]
fn cards_say_who_is_accepting_and_how_long_ago_never_from_a_stale_report() {
    use carefind::availability::Update;
    use carefind::availability::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    // The two nearest IOP programs to ZIP 10001: one reported now, one a month ago.
    let (_, nearest) = App::sample().get("/v1/facilities?near=10001&care=iop&limit=2");
    let ids = api_ids(&nearest);
    let now = jiff::Timestamp::now();
    let mut fresh = Update::new(&ids[0], now - jiff::SignedDuration::from_mins(3));
    fresh.accepting = Some(true);
    fresh.beds_available = Some(3);
    let mut stale = Update::new(&ids[1], now - jiff::SignedDuration::from_hours(24 * 30));
    stale.accepting = Some(true);
    stale.beds_available = Some(9);
    let mut store = Store::open(&path).unwrap();
    store.apply(&[fresh, stale], now).unwrap();
    let app = App::with(Config::new().store(store));
    let (status, _, html) = page(&app, "/find?near=10001&care=iop", &[]);
    assert_eq!(status, 200);
    let cards: Vec<&str> = html.split("<li class=\"card\">").skip(1).collect();
    assert!(
        cards[0].contains("Accepting new patients · 3 beds open · reported 3 minutes ago"),
        "{}",
        cards[0]
    );
    assert!(
        !cards[1].contains("beds open"),
        "a stale report was shown: {}",
        cards[1]
    );
    // The form offers the filter, and it keeps only the fresh report.
    let (_, _, form) = page(&app, "/", &[]);
    assert!(form.contains("name=\"accepting\""));
    let (_, _, without) = page(&App::sample(), "/", &[]);
    assert!(!without.contains("name=\"accepting\""));
    let (_, _, accepting) = page(
        &app,
        "/find?near=10001&care=iop&accepting=true&within=any",
        &[],
    );
    assert_eq!(card_ids(&accepting), vec![ids[0].clone()]);
    let (_, _, spanish) = page(&app, "/find?near=10001&care=iop&lang=es", &[]);
    assert!(
        spanish
            .contains("Acepta pacientes nuevos · 3 camas disponibles · informado hace 3 minutos")
    );
}

/// Every address a page writes (links, the stylesheet, the script, form actions), with
/// `&amp;` read back as `&`; addresses that leave the server (tel:, sms:, https:) and
/// fragments are left out.
fn addresses(html: &str) -> Vec<(String, bool)> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\"", "action=\""] {
        for part in html.split(attribute).skip(1) {
            let value = part.split('"').next().unwrap().replace("&amp;", "&");
            let leaves = ["tel:", "sms:", "geo:", "https:", "http:", "#"]
                .iter()
                .any(|scheme| value.starts_with(scheme));
            if !leaves {
                found.push((value, attribute == "action=\""));
            }
        }
    }
    found
}

/// Follows every address the pages write, from the search page in both languages, a
/// results page and a step-down page, breadth first: each is under `prefix` and answers
/// 200 (a form's action asked with a place).
fn crawl(app: &App, prefix: &str) -> usize {
    let home = if prefix.is_empty() { "/" } else { prefix };
    let mut queue: std::collections::VecDeque<String> = [
        home.to_string(),
        format!("{home}?lang=es"),
        format!("{prefix}/find?near=10001&care=iop&within=100"),
        format!("{prefix}/pathway?near=10001&from=detox"),
    ]
    .into();
    let mut seen: std::collections::HashSet<String> = queue.iter().cloned().collect();
    let mut visited = 0;
    while let Some(path) = queue.pop_front() {
        let (status, headers, body) = page(app, &path, &[]);
        assert_eq!(status, 200, "{path}: {body:.300}");
        visited += 1;
        let is_html = headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html");
        if !is_html || visited > 120 {
            continue;
        }
        for (address, action) in addresses(&body) {
            assert!(
                address.starts_with(home) && !address.starts_with("//"),
                "{path} writes {address:?}, which is not under {home:?}"
            );
            let address = if action {
                format!("{address}?near=10001")
            } else {
                address
            };
            if seen.insert(address.clone()) {
                queue.push_back(address);
            }
        }
    }
    visited
}

#[test]
fn mounted_under_a_prefix_every_link_and_next_stays_under_it() {
    let nested = App::nested("/carefind");
    let visited = crawl(&nested, "/carefind");
    assert!(visited > 20, "only {visited} pages followed");

    // The JSON API's `next` is under the mount too, and answers the next page.
    let (status, first) = nested.get("/carefind/v1/facilities?near=10001&limit=2");
    assert_eq!(status, 200);
    let next = first["next"].as_str().unwrap();
    assert!(next.starts_with("/carefind/v1/facilities?"), "{next}");
    let (status, second) = nested.get(next);
    assert_eq!(status, 200);
    assert_eq!(second["results"].as_array().unwrap().len(), 2);
    assert_ne!(api_ids(&first), api_ids(&second));

    // So is the 404's hint, and the not-found page's links.
    let (status, missing) = nested.get("/carefind/v1/nothing");
    assert_eq!(status, 404);
    assert_eq!(
        missing["error"],
        "no such endpoint; see /carefind/openapi.json"
    );
    let (status, _, html) = page(&nested, "/carefind/nothing", &[("Accept", "text/html")]);
    assert_eq!(status, 404);
    assert!(
        addresses(&html)
            .iter()
            .all(|(a, _)| a.starts_with("/carefind")),
        "{html}"
    );

    // At the root, the same pages write root addresses.
    assert!(crawl(&app(), "") > 20);
}

/// A dataset of three listings near 10001: two of one place (same street and phone) and
/// one whose name and phone a spreadsheet would take for formulas.
fn listings() -> App {
    use carefind::{Facility, Index, LatLon, Locator};
    let at = |id: &str, name: &str, lat: f64| {
        let mut facility = Facility::new(id, name, LatLon::new(lat, -73.99).unwrap());
        facility.care = "iop;outpatient".parse().unwrap();
        facility.street = "1 West 25th Street".into();
        facility.city = "New York".into();
        facility.state = "NY".into();
        facility.zip = "10001".into();
        facility.phone = "212-555-0100 x12".into();
        facility.source = "SAMHSA National Directory (nd.xlsx)".into();
        facility.verified = Some(jiff::civil::date(2022, 4, 1));
        facility
    };
    let mut formula = at("c", "=HYPERLINK(\"http://evil.example\",\"Call\")", 40.76);
    formula.street = "@SUM(A1)".into();
    formula.phone = "+1 212 555 0199".into();
    let index = Index::new(vec![
        at("a", "Main Clinic", 40.75),
        at("b", "Main Clinic (outpatient)", 40.7501),
        formula,
    ])
    .unwrap();
    let locator = std::sync::Arc::new(Locator::new(index));
    App::on(carefind_server::Server::new(locator, Config::new().access_log(false)).unwrap())
}

#[test]
fn the_printed_list_and_the_download_hold_the_whole_search_safely() {
    let app = listings();
    // One place listed twice is one card naming both listings.
    let (status, _, html) = page(&app, "/find?near=10001&care=iop", &[]);
    assert_eq!(status, 200);
    assert_eq!(card_ids(&html), ["a", "c"]);
    assert!(html.contains("Also listed as"), "{html}");
    assert!(html.contains("href=\"/facility/b\""));
    // What was searched is the heading and the title; where the data comes from, and
    // its date, are said with the advice to call first.
    assert!(html.contains("<h1>IOP near 10001</h1>"), "{html}");
    assert!(html.contains("<title>IOP near 10001 · "));
    assert!(
        html.contains("Listings from SAMHSA National Directory (nd.xlsx), verified 2022-04-01.")
    );
    assert!(html.contains("Call to confirm before you go"));
    assert!(html.contains("href=\"tel:+12125550100,12\""));
    assert!(html.contains("href=\"geo:40.75000,-73.99000?q=40.75000,-73.99000(Main%20Clinic)\""));
    assert!(
        html.contains(
            "href=\"https://maps.apple.com/?daddr=40.75000,-73.99000&amp;q=Main%20Clinic\""
        )
    );
    assert!(
        !html.contains("saddr"),
        "directions never send a starting point"
    );

    let (status, _, print) = page(&app, "/find/print?near=10001&care=iop&lang=es", &[]);
    assert_eq!(status, 200);
    assert!(print.contains("<h1>IOP cerca de 10001</h1>"), "{print}");
    assert!(print.contains("Búsqueda del "));
    assert!(
        print.contains(
            "http://localhost:8080/find?near=10001&amp;care=iop&amp;within=25&amp;lang=es"
        )
    );
    assert_eq!(print.matches("<li><strong>").count(), 2, "{print}");
    assert!(print.contains("También aparece como: Main Clinic (outpatient)"));

    let (status, headers, csv) = page(&app, "/find/csv?near=10001&care=iop", &[]);
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    // Every listing, in the command line's columns.
    assert_eq!(rows.len(), 3);
    let columns: Vec<&str> = carefind::record::columns().collect();
    let column = |name: &str| columns.iter().position(|c| *c == name).unwrap();
    let c = rows.iter().find(|row| &row[column("id")] == "c").unwrap();
    assert_eq!(
        &c[column("name")],
        "'=HYPERLINK(\"http://evil.example\",\"Call\")"
    );
    assert_eq!(&c[column("street")], "'@SUM(A1)");
    assert_eq!(&c[column("phone")], "'+1 212 555 0199");
    // Numbers stay numbers.
    assert_eq!(&c[column("lon")], "-73.99");
}

/// With a timetable, the search form offers getting there by its vehicle, and a search by
/// transit lists the programs reached soonest, each with its journey, as `/v1/facilities`
/// answers `by=transit`; in Spanish too; a departure the timetable does not run is a
/// message beside the field, not a 5xx.
#[test]
#[ignore = "needs ../shared/gtfs"]
fn a_search_by_subway_lists_the_apis_transit_answer_with_journeys() {
    let timetable =
        carefind::transit::Timetable::load(carefind_testkit::gtfs("nyc_subway_gtfs.zip")).unwrap();
    let app = App::with(
        Config::new()
            .pages(Pages {
                sample: true,
                tiles: None,
            })
            .transit(std::sync::Arc::new(timetable)),
    );
    let (status, _, home) = page(&app, "/", &[]);
    assert_eq!(status, 200);
    assert!(home.contains("<fieldset id=\"getting-there\">"), "{home}");
    assert!(home.contains("By subway"));
    assert!(home.contains("The timetable runs from 2026-05-26 to 2026-10-31."));
    let (_, _, plain) = page(&self::app(), "/", &[]);
    assert!(!plain.contains("getting-there"), "no timetable, no choice");

    let search = "near=10001&care=outpatient&by=transit&depart=2026-09-15T07%3A30";
    let (status, _, html) = page(&app, &format!("/find?{search}"), &[]);
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("reached by subway within 2 hours, leaving 2026-09-15 07:30"),
        "{html}"
    );
    let (_, api) = app.get(&format!("/v1/facilities?{search}&limit=10"));
    assert_eq!(card_ids(&html), api_ids(&api));
    assert_eq!(
        html.matches("<p class=\"journey\">").count(),
        card_ids(&html).len()
    );
    let first = &api["transit"][0];
    let minutes = first["minutes"].as_f64().unwrap().round() as i64;
    let how = match first["rides"].as_u64().unwrap() {
        0 => format!("{minutes} min on foot"),
        _ => format!("{minutes} min by subway"),
    };
    assert!(html.contains(&format!("<strong>{how}</strong>")), "{how}");

    let (status, _, es) = page(&app, &format!("/find?{search}&lang=es"), &[]);
    assert_eq!(status, 200);
    assert!(es.contains("alcanzados en metro en 2 horas"), "{es}");
    assert!(es.contains("min en metro") || es.contains("min a pie"));

    let (status, _, refused) = page(
        &app,
        "/find?near=10001&by=transit&depart=2027-01-05T07%3A30",
        &[],
    );
    assert_eq!(status, 400);
    assert!(refused.contains("id=\"depart-error\""), "{refused}");
    assert!(refused.contains("Choose a day and time when the timetable runs."));
    assert!(refused.contains("href=\"#depart\""));
}
