//! Swapping datasets under a running server: every answer must come whole from one
//! dataset that was current while the request ran. What the server prepares from an index
//! was once kept under the index's address, and a later index allocated at the same
//! address was answered with the first one's records (another facility's phone and
//! address), or with a 500 when it was larger.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use carefind::{Facility, Index, LatLon, Locator};
use carefind_server::{Config, Server};
use serde_json::Value;

use crate::common::app::App;

/// The datasets swapped in turn: each names its facilities after itself, puts them in
/// its own places and has its own size (smaller and larger than the one before it).
const DATASETS: [(&str, usize, f64); 3] = [
    ("alpha", 300, 0.0),
    ("bravo", 120, 0.003),
    ("charlie", 700, 0.007),
];

fn facilities(name: &str, count: usize, shift: f64) -> Vec<Facility> {
    (0..count)
        .map(|i| {
            let at = LatLon::new(
                40.70 + shift + (i % 30) as f64 * 0.004,
                -74.05 + shift + (i / 30) as f64 * 0.004,
            )
            .unwrap();
            let mut facility = Facility::new(format!("{name}-{i}"), format!("{name} {i}"), at);
            facility.phone = format!("{name}-phone-{i}");
            facility.care = "iop".parse().unwrap();
            facility
        })
        .collect()
}

/// Which dataset each facility name belongs to, with the phone it has there (names are
/// unique across the datasets; HSDS objects carry no carefind id).
fn truth() -> HashMap<String, (usize, String)> {
    let mut truth = HashMap::new();
    for (d, (name, count, shift)) in DATASETS.iter().enumerate() {
        for facility in facilities(name, *count, *shift) {
            truth.insert(facility.name.clone(), (d, facility.phone.clone()));
        }
    }
    truth
}

/// The one dataset every record of `records` belongs to, each record checked against it:
/// its phone (and id, where it has one) are that dataset's for its name.
fn dataset_of(
    records: &[Value],
    truth: &HashMap<String, (usize, String)>,
) -> Result<Option<usize>, String> {
    let mut seen = None;
    for record in records {
        let name = record["name"]
            .as_str()
            .ok_or(format!("no name in {record}"))?;
        let (dataset, phone) = truth.get(name).ok_or(format!("unknown name {name}"))?;
        let id_agrees = record["id"].is_null() || record["id"] == *name.replace(' ', "-");
        if record["phone"] != *phone.as_str() || !id_agrees {
            return Err(format!("{name} answered as {record}"));
        }
        if *seen.get_or_insert(*dataset) != *dataset {
            return Err(format!(
                "records of two datasets in one answer: {records:?}"
            ));
        }
    }
    Ok(seen)
}

/// Several threads ask while one thread swaps the three datasets thousands of times,
/// through `Locator::replace` (as an embedding program may) and `Server::replace` in turn,
/// dropping the old index each time so the next one can land at its address.
#[test]
fn swapping_datasets_never_answers_from_another() {
    let truth = truth();
    let locator = Arc::new(Locator::new(
        Index::new(facilities(DATASETS[0].0, DATASETS[0].1, DATASETS[0].2)).unwrap(),
    ));
    let server = Server::new(Arc::clone(&locator), Config::new().access_log(false)).unwrap();
    let app = App::on(server.clone());
    // How many swaps have finished: after swap `s`, dataset `s % 3` is current.
    let swaps = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let answers = AtomicUsize::new(0);
    const SWAPS: usize = 2_000;
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for swap in 1..=SWAPS {
                let next = swap % DATASETS.len();
                let (name, count, shift) = DATASETS[next];
                let index = Index::new(facilities(name, count, shift)).unwrap();
                // The old index is dropped here, at once when no request holds it.
                if swap % 2 == 0 {
                    drop(locator.replace(index));
                } else {
                    drop(server.replace(index));
                }
                swaps.store(swap, Ordering::SeqCst);
            }
            stop.store(true, Ordering::SeqCst);
        });
        let paths = [
            "/v1/facilities?near=40.75,-73.99&limit=5",
            "/hsds/service_at_locations?per_page=5&full=true",
        ];
        for client in 0..3 {
            let (app, truth, swaps, stop, answers) = (&app, &truth, &swaps, &stop, &answers);
            scope.spawn(move || {
                let mut asked = 0;
                while !stop.load(Ordering::SeqCst) || asked < 50 {
                    let path = paths[(client + asked) % paths.len()];
                    let swaps_before = swaps.load(Ordering::SeqCst);
                    let (status, page) = app.get(path);
                    let swaps_after = swaps.load(Ordering::SeqCst);
                    assert_eq!(status, 200, "{path}: {page}");
                    let records = hsds_or_v1_records(&page);
                    assert!(!records.is_empty(), "{path}: {page}");
                    let dataset = dataset_of(&records, truth)
                        .unwrap_or_else(|wrong| panic!("{path}: {wrong}"))
                        .unwrap();
                    // With no swap finished in between, the answer is from the dataset
                    // current when it began, or the next one if a swap was under way.
                    let before = swaps_before % DATASETS.len();
                    if swaps_after == swaps_before {
                        assert!(
                            dataset == before || dataset == (before + 1) % DATASETS.len(),
                            "{path}: dataset {dataset} answered while {before} was current"
                        );
                    }
                    asked += 1;
                    answers.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    assert!(answers.load(Ordering::Relaxed) >= 150);
}

/// The records of a `/v1/facilities` page, or the facilities of an `/hsds` page (each
/// `service_at_location`'s service, by its facility id, name and phone).
fn hsds_or_v1_records(page: &Value) -> Vec<Value> {
    if let Some(results) = page["results"].as_array() {
        return results.clone();
    }
    page["contents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            let service = &item["service"];
            serde_json::json!({
                "name": service["name"],
                "phone": service["phones"][0]["number"],
            })
        })
        .collect()
}

/// A program that embeds the server and gives its locator availability reports needs no
/// store: searches for open beds read them.
#[test]
fn availability_given_to_the_locator_is_searched_without_a_store() {
    let locator = Arc::new(Locator::new(
        Index::new(facilities("alpha", 50, 0.0)).unwrap(),
    ));
    let app = App::on(Server::new(Arc::clone(&locator), Config::new().access_log(false)).unwrap());
    let (status, refused) = app.get("/v1/facilities?near=40.75,-73.99&open_beds=1");
    assert_eq!(
        (status, refused["parameter"].as_str()),
        (400, Some("open_beds"))
    );
    let mut update = carefind::availability::Update::new("alpha-7", jiff::Timestamp::now());
    update.beds_available = Some(3);
    update.beds_total = Some(10);
    let table = locator.availability().with([update]).table;
    locator.replace_availability(table);
    let (status, page) = app.get("/v1/facilities?near=40.75,-73.99&open_beds=1");
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 1);
    assert_eq!(page["results"][0]["id"], "alpha-7");
    assert_eq!(page["results"][0]["beds_available"], 3);
}
