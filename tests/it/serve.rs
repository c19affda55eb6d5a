//! The HTTP API: every endpoint answers what the library answers, every bad request is a
//! 4xx with a JSON body naming the parameter, responses match the OpenAPI document (these
//! call the router in-process); and `carefind serve` on 127.0.0.1 (an ephemeral port):
//! reloads under load drop nothing and mix nothing, the log holds no place, connections are
//! capped, and SIGTERM stops it cleanly.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use carefind::analysis::pathway::{PathwayQuery, Stage};
use carefind::{CareLevel, Filter, Index, LatLon, Payment, Query};
use carefind_server::Config;
use common::TempFile;
use common::app::App;
use common::server::{Server, request};
use serde_json::{Value, json};

use common::result_ids as ids;

#[test]
fn facilities_answer_like_the_library_and_page_with_next() {
    let server = App::sample();
    let index = Index::sample();
    let origin = LatLon::new(40.7506, -73.9972).unwrap(); // ZIP 10001's centroid in the table
    let (status, page) =
        server.get("/v1/facilities?near=40.7506,-73.9972&care=iop,php&payment=medicaid&limit=7");
    assert_eq!(status, 200, "{page}");
    let filter = Filter::new()
        .care([CareLevel::Iop, CareLevel::Php])
        .payment(Payment::Medicaid);
    let expected: Vec<String> = index
        .search(&Query::nearest(origin, 7).filter(filter.clone()))
        .unwrap()
        .iter()
        .map(|h| h.facility.id().to_string())
        .collect();
    assert_eq!(ids(&page), expected);
    let total = index
        .count(&Query::default().near(origin).filter(filter.clone()))
        .unwrap();
    assert_eq!(page["total"], total);

    // The next link continues exactly where the page ended.
    let next = page["next"].as_str().unwrap().to_string();
    assert!(next.starts_with("/v1/facilities?"), "{next}");
    let (_, second) = server.get(&next);
    let expected: Vec<String> = index
        .search(&Query::nearest(origin, 14).filter(filter))
        .unwrap()
        .iter()
        .skip(7)
        .map(|h| h.facility.id().to_string())
        .collect();
    assert_eq!(ids(&second), expected);

    // One facility by id, and an unknown id.
    let (status, one) = server.get(&format!("/v1/facilities/{}", expected[0]));
    assert_eq!(
        (status, one["id"].as_str()),
        (200, Some(expected[0].as_str()))
    );
    let (status, missing) = server.get("/v1/facilities/nope");
    assert_eq!((status, &missing["parameter"]), (404, &json!("id")));
}

#[test]
fn a_polygon_search_in_the_body_equals_the_library() {
    let server = App::sample();
    let ring = json!([
        [-74.1, 40.6],
        [-73.8, 40.6],
        [-73.8, 40.9],
        [-74.1, 40.9],
        [-74.1, 40.6]
    ]);
    let body = json!({"polygon": {"type": "Polygon", "coordinates": [ring]}, "care": ["otp"], "limit": 1000});
    let (status, page) = server.post(
        "/v1/facilities/search",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    assert_eq!(status, 200, "{page}");
    let polygon = geo::Polygon::new(
        geo::LineString::from(vec![
            (-74.1, 40.6),
            (-73.8, 40.6),
            (-73.8, 40.9),
            (-74.1, 40.9),
            (-74.1, 40.6),
        ]),
        vec![],
    );
    let index = Index::sample();
    let expected: Vec<String> = index
        .search(&Query::in_polygon(polygon).filter(Filter::new().care(CareLevel::Otp)))
        .unwrap()
        .iter()
        .map(|h| h.facility.id().to_string())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&page), expected);
}

#[test]
fn pathway_and_stats_answer_like_the_library() {
    let server = App::sample();
    let (status, doc) =
        server.get("/v1/pathway?near=39.9612,-82.9988&from=detox&payment=medicaid&limit=2&pairs=3");
    assert_eq!(status, 200, "{doc}");
    let index = Index::sample();
    let query = PathwayQuery::new(LatLon::new(39.9612, -82.9988).unwrap())
        .from(Stage::Detox)
        .filter(Filter::new().payment(Payment::Medicaid))
        .per_step(2)
        .pairs(3);
    let path = carefind::analysis::pathway::pathway(&index, &query).unwrap();
    for (step, expected) in doc["steps"].as_array().unwrap().iter().zip(&path.steps) {
        assert_eq!(step["stage"], expected.stage.name());
        let got: Vec<&str> = step["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = expected.options.iter().map(|h| h.facility.id()).collect();
        assert_eq!(got, want);
    }
    let got: Vec<&str> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["home"]["id"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = path.pairs.iter().map(|p| p.home.id()).collect();
    assert_eq!(got, want);

    let (status, stats) = server.get("/v1/stats?by=care");
    assert_eq!(status, 200);
    let iop = stats["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "iop")
        .unwrap();
    assert_eq!(iop["count"], index.count_offering(CareLevel::Iop));
    let (status, health) = server.get("/healthz");
    assert_eq!((status, health["facilities"].as_u64()), (200, Some(8000)));
}

#[test]
fn every_bad_request_is_a_4xx_naming_its_parameter() {
    let server = App::sample();
    let json = [("Content-Type", "application/json")];
    let cases: Vec<(u16, Value, &str)> = vec![
        {
            let (s, b) = server.get("/v1/facilities?near=10001&limit=1001");
            (s, b, "limit")
        },
        {
            let (s, b) = server.get("/v1/facilities?near=10001&limit=ten");
            (s, b, "limit")
        },
        {
            let (s, b) = server.get("/v1/facilities?near=99999");
            (s, b, "near")
        },
        {
            let (s, b) = server.get("/v1/facilities?care=iop");
            (s, b, "near")
        },
        {
            let (s, b) = server.get("/v1/facilities?near=10001&within=5parsecs");
            (s, b, "within")
        },
        {
            let (s, b) = server.get("/v1/facilities?near=10001&care=intensive");
            (s, b, "care")
        },
        {
            let (s, b) = server.get("/v1/facilities?near=10001&units=furlongs");
            (s, b, "units")
        },
        {
            let (s, b) = server.get("/v1/facilities?bbox=1,2,3");
            (s, b, "bbox")
        },
        {
            let (s, b) = server.get("/v1/facilities?near=10001&after=garbage");
            (s, b, "after")
        },
        {
            let (s, b) = server.get("/v1/facilities?near=10001&colour=blue");
            (s, b, "colour")
        },
        {
            let long = "x".repeat(9000);
            let (s, b) = server.get(&format!("/v1/facilities?near=10001&care={long}"));
            (s, b, "query")
        },
        {
            let (s, b) = server.post("/v1/facilities/search", &json, b"{\"near\": ");
            (s, b, "body")
        },
        {
            let (s, b) = server.post(
                "/v1/facilities/search",
                &json,
                br#"{"near": "10001", "limt": 3}"#,
            );
            (s, b, "limt")
        },
        {
            let (s, b) = server.post("/v1/facilities/search", &json, &vec![b' '; 1_100_000]);
            (s, b, "body")
        },
        {
            let ring: Vec<[f64; 2]> = (0..=10_001)
                .map(|i| {
                    let a = i as f64 / 10_001.0 * std::f64::consts::TAU;
                    [a.cos() - 74.0, a.sin() + 40.0]
                })
                .collect();
            let body = json!({"polygon": {"type": "Polygon", "coordinates": [ring]}});
            let (s, b) = server.post("/v1/facilities/search", &json, body.to_string().as_bytes());
            (s, b, "polygon")
        },
        {
            let (s, b) = server.get("/v1/pathway?near=10001&from=rehab");
            (s, b, "from")
        },
        {
            let (s, b) = server.get("/v1/pathway?from=detox");
            (s, b, "near")
        },
        {
            let (s, b) = server.get("/v1/stats?by=colour");
            (s, b, "by")
        },
    ];
    for (status, body, parameter) in &cases {
        assert!((400..500).contains(status), "{parameter}: {status} {body}");
        assert_eq!(body["parameter"], *parameter, "{body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{body}"
        );
    }
    let (status, body) = server.get("/v2/nothing");
    assert_eq!((status, body["status"].as_u64()), (404, Some(404)));
    let (status, body) = server.post("/v1/facilities", &[], b"");
    assert_eq!((status, body["status"].as_u64()), (405, Some(405)));
}

/// Checks `value` against an OpenAPI 3.0 schema (the subset the document uses).
pub(crate) fn conforms(
    value: &Value,
    schema: &Value,
    spec: &Value,
    at: &str,
) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return conforms(value, &spec["components"]["schemas"][name], spec, at);
    }
    if value.is_null() {
        return match schema["nullable"].as_bool() {
            Some(true) => Ok(()),
            _ => Err(format!("{at}: null where the schema does not allow it")),
        };
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        return choices
            .iter()
            .find(|choice| conforms(value, choice, spec, at).is_ok())
            .map(|_| ())
            .ok_or_else(|| format!("{at}: fits none of oneOf"));
    }
    let fits = match schema["type"].as_str() {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_u64() || value.is_i64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    };
    if !fits {
        return Err(format!("{at}: {value} is not {}", schema["type"]));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(object) = value.as_object() {
        for required in schema["required"].as_array().into_iter().flatten() {
            let key = required.as_str().unwrap();
            if !object.contains_key(key) {
                return Err(format!("{at}: no {key}"));
            }
        }
        for (key, item) in object {
            match schema["properties"].get(key) {
                Some(property) => conforms(item, property, spec, &format!("{at}.{key}"))?,
                None if schema["additionalProperties"] == json!(false) => {
                    return Err(format!("{at}: {key} is not in the schema"));
                }
                None => {}
            }
        }
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            conforms(item, &schema["items"], spec, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The OpenAPI document's facility is the library's record: the fields of
/// `carefind::fields::FIELDS` (but the kept HSDS) between the rank and the distance, then the availability,
/// in the same order, each required.
#[test]
fn the_openapi_facility_lists_exactly_the_fields_of_the_table() {
    let spec: Value = serde_json::from_str(carefind_server::OPENAPI).unwrap();
    let facility = &spec["components"]["schemas"]["Facility"];
    let properties: Vec<&str> = facility["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let columns: Vec<&str> = carefind::record::columns().collect();
    let mut sorted = properties.clone();
    sorted.sort_unstable();
    let mut expected = columns.clone();
    expected.sort_unstable();
    assert_eq!(sorted, expected, "the OpenAPI Facility's properties");
    let mut required: Vec<&str> = facility["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap())
        .collect();
    required.sort_unstable();
    assert_eq!(required, expected, "the OpenAPI Facility's required fields");
    let fields: Vec<&str> = carefind::fields::FIELDS
        .iter()
        .map(|f| f.name)
        .filter(|name| *name != carefind::record::NOT_SHOWN)
        .collect();
    assert_eq!(columns[1..=fields.len()], fields[..]);
}

#[test]
fn responses_match_the_openapi_document() {
    let server = App::with(Config::new().admin_token(Some("s3cret".into())));
    let (status, spec) = server.get("/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(spec["openapi"], "3.0.3");
    let schema = |path: &str, method: &str, status: &str| -> Value {
        let response = &spec["paths"][path][method]["responses"][status];
        let response = match response["$ref"].as_str() {
            Some(reference) => {
                &spec["components"]["responses"][reference.rsplit('/').next().unwrap()]
            }
            None => response,
        };
        response["content"]["application/json"]["schema"].clone()
    };
    let exchanges = [
        ("/healthz", "get", server.get("/healthz")),
        (
            "/v1/facilities",
            "get",
            server.get("/v1/facilities?near=10001&limit=3&within=50mi"),
        ),
        (
            "/v1/facilities",
            "get",
            server.get("/v1/facilities?near=10001&limit=5000"),
        ),
        (
            "/v1/facilities/search",
            "post",
            server.post(
                "/v1/facilities/search",
                &[("Content-Type", "application/json")],
                br#"{"bbox": "-74.1,40.6,-73.8,40.9", "care": "iop"}"#,
            ),
        ),
        (
            "/v1/facilities/{id}",
            "get",
            server.get("/v1/facilities/S00001"),
        ),
        (
            "/v1/facilities/{id}",
            "get",
            server.get("/v1/facilities/nope"),
        ),
        ("/v1/pathway", "get", server.get("/v1/pathway?near=43215")),
        ("/v1/stats", "get", server.get("/v1/stats?by=language")),
        (
            "/v1/admin/reload",
            "post",
            server.post(
                "/v1/admin/reload",
                &[("Authorization", "Bearer wrong")],
                b"",
            ),
        ),
    ];
    for (path, method, (status, body)) in exchanges {
        let schema = schema(path, method, &status.to_string());
        assert!(
            !schema.is_null(),
            "{method} {path} {status} is not documented"
        );
        conforms(&body, &schema, &spec, path)
            .unwrap_or_else(|e| panic!("{method} {path} {status}: {e}\n{body}"));
    }
    // Every documented path is served.
    let ids = carefind::hsds::Ids::of("S00001");
    let (_, terms) = server.get("/hsds/taxonomy_terms?per_page=1");
    for path in spec["paths"].as_object().unwrap().keys() {
        let id = match path.as_str() {
            "/hsds/services/{id}" => ids.service.clone(),
            "/hsds/service_at_locations/{id}" => ids.service_at_location.clone(),
            "/hsds/organizations/{id}" => ids.organization.clone(),
            "/hsds/taxonomies/{id}" => carefind::hsds::taxonomy::taxonomy_id("carefind-care-level"),
            "/hsds/taxonomy_terms/{id}" => terms["contents"][0]["id"].as_str().unwrap().into(),
            _ => "S00001".into(),
        };
        let concrete = path.replace("{id}", &id);
        let (status, _) = if path.contains("admin") || path.ends_with("search") {
            server.post(&concrete, &[("Content-Type", "application/json")], b"{}")
        } else {
            server.get(&concrete)
        };
        assert_ne!(status, 404, "{path}");
    }
}

fn dataset(prefix: &str, count: usize) -> Vec<u8> {
    let mut csv = b"id,name,lat,lon,care\n".to_vec();
    for i in 0..count {
        let (lat, lon) = (
            40.0 + (i % 50) as f64 * 0.01,
            -75.0 + (i / 50) as f64 * 0.01,
        );
        csv.extend(format!("{prefix}-{i:04},{prefix} {i},{lat},{lon},iop\n").bytes());
    }
    csv
}

#[test]
fn reloads_under_load_drop_nothing_and_mix_nothing() {
    let file = TempFile::new("data.csv", &dataset("a", 400));
    let server = Server::start(&["--data", file.path(), "--quiet"], Some("s3cret"));
    let (status, refused) =
        server.post("/v1/admin/reload", &[("Authorization", "Bearer nope")], b"");
    assert_eq!(
        (status, &refused["parameter"]),
        (401, &json!("authorization"))
    );

    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (address, stop, answered) = (
                server.address.clone(),
                Arc::clone(&stop),
                Arc::clone(&answered),
            );
            std::thread::spawn(move || {
                let mut prefixes = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let (status, page) = request(
                        &address,
                        "GET",
                        "/v1/facilities?near=40.2,-74.8&limit=50",
                        &[],
                        b"",
                    );
                    assert_eq!(status, 200, "{page}");
                    let ids = ids(&page);
                    assert_eq!(ids.len(), 50);
                    let prefix = &ids[0][..2];
                    assert!(
                        ids.iter().all(|id| id.starts_with(prefix)),
                        "a mixed answer: {ids:?}"
                    );
                    prefixes.push(prefix.to_string());
                    answered.fetch_add(1, Ordering::Relaxed);
                }
                prefixes
            })
        })
        .collect();
    let started = Instant::now();
    for round in 0..6 {
        std::thread::sleep(Duration::from_millis(150));
        let prefix = if round % 2 == 0 { "b" } else { "a" };
        std::fs::write(&file.0, dataset(prefix, 400 + round)).unwrap();
        let (status, body) = server.post(
            "/v1/admin/reload",
            &[("Authorization", "Bearer s3cret")],
            b"",
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["facilities"], 400 + round);
    }
    std::thread::sleep(Duration::from_millis(150));
    stop.store(true, Ordering::Relaxed);
    let seen: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    println!(
        "{} answers in {:?} across 6 reloads",
        answered.load(Ordering::Relaxed),
        started.elapsed()
    );
    assert!(seen.iter().any(|p| p == "a-") && seen.iter().any(|p| p == "b-"));

    // SIGHUP reloads too.
    std::fs::write(&file.0, dataset("c", 300)).unwrap();
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, page) = server.get("/v1/facilities?near=40.2,-74.8&limit=5");
        if ids(&page)[0].starts_with("c-") {
            break;
        }
        assert!(Instant::now() < deadline, "SIGHUP did not reload");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.get("/healthz").1["facilities"], 300);
}

#[test]
fn the_log_has_no_places_and_sigterm_stops_cleanly() {
    let mut server = Server::start(&[], None);
    let (status, _) = server.get("/v1/facilities?near=10001&care=otp");
    assert_eq!(status, 200);
    let (status, _) = server.get("/v1/pathway?near=Columbus,%20OH");
    assert_eq!(status, 200);
    std::thread::sleep(Duration::from_millis(200));
    let log = server.log.lock().unwrap().join("\n");
    assert!(log.contains("GET /v1/facilities 200 "), "{log}");
    assert!(log.contains("GET /v1/pathway 200 "), "{log}");
    for secret in ["10001", "Columbus", "near", "otp"] {
        assert!(!log.contains(secret), "the log holds {secret:?}: {log}");
    }
    server.terminate();
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .iter()
            .any(|line| line.contains("stopped"))
    );
}

// ---------------------------------------------------------------------------------------
// Hardening: no request can stall the service, and nothing it logs or reloads is unsafe.

/// A GeoJSON search body: a circle of `vertices` over most of the contiguous US.
fn big_polygon(vertices: usize) -> Vec<u8> {
    let mut ring: Vec<[f64; 2]> = (0..vertices)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / vertices as f64;
            [-98.0 + 25.0 * angle.cos(), 38.0 + 12.0 * angle.sin()]
        })
        .collect();
    ring.push(ring[0]);
    serde_json::to_vec(
        &json!({"polygon": {"type": "Polygon", "coordinates": [ring]}, "limit": 1000}),
    )
    .unwrap()
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

/// The status and head of one exchange, the connection given up after `wait`.
fn head_within(address: &str, raw: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(raw).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

#[test]
fn expensive_queries_are_bounded_and_admitted_while_healthz_answers() {
    // A search past its work bound is refused, naming what to narrow.
    let server = Server::start(&["--max-work", "1000000", "--quiet"], None);
    let (status, body) = server.post("/v1/facilities/search", &[JSON], &big_polygon(9_999));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["parameter"], "polygon");
    let (status, _) = server.get("/v1/facilities?near=10001&limit=5");
    assert_eq!(status, 200);
    drop(server);

    // With every heavy worker busy and no queue, a polygon search is answered 503 with
    // Retry-After at once, while /healthz and nearest questions are answered all along.
    let server = Server::start(&["--max-queue", "0", "--quiet"], None);
    let address = server.address.clone();
    let body = big_polygon(9_999);
    let head = format!(
        "POST /v1/facilities/search HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut raw = head.into_bytes();
    raw.extend(&body);
    let statuses: Vec<String> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..8)
            .map(|_| {
                let (address, raw) = (&address, &raw);
                scope.spawn(move || {
                    (0..3)
                        .map(|_| head_within(address, raw, Duration::from_secs(30)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for _ in 0..10 {
            let (status, body) = server.get("/healthz");
            assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
            // Nearest questions run in a lane of their own: never refused for the polygons.
            let (status, page) = server.get("/v1/facilities?near=10001&limit=5");
            assert_eq!((status, page["count"].as_u64()), (200, Some(5)), "{page}");
            std::thread::sleep(Duration::from_millis(20));
        }
        clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect()
    });
    let busy: Vec<&String> = statuses
        .iter()
        .filter(|r| r.starts_with("HTTP/1.1 503"))
        .collect();
    assert!(!busy.is_empty(), "no request was refused: {statuses:?}");
    assert!(
        busy.iter()
            .all(|r| r.to_ascii_lowercase().contains("retry-after: 1"))
    );
    let heads: Vec<&str> = statuses
        .iter()
        .map(|r| r.lines().next().unwrap_or(""))
        .collect();
    assert!(
        heads
            .iter()
            .all(|h| h.starts_with("HTTP/1.1 200") || h.starts_with("HTTP/1.1 503")),
        "{heads:?}"
    );
}

#[test]
fn a_query_past_the_request_deadline_stops_itself() {
    let server = Server::start(
        &["--timeout", "1", "--max-work", "1000000000000", "--quiet"],
        None,
    );
    // Several expensive searches at once queue past the one-second deadline.
    let body = big_polygon(9_999);
    let answers: Vec<(u16, Value)> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| server.post("/v1/facilities/search", &[JSON], &body)))
            .collect();
        clients.into_iter().map(|c| c.join().unwrap()).collect()
    });
    for (status, body) in &answers {
        assert!(*status == 200 || *status == 503, "{status} {body}");
    }
    let (status, _) = server.get("/v1/facilities?near=10001&limit=5");
    assert_eq!(status, 200);
}

#[test]
fn an_offset_past_every_facility_finds_nothing_at_once() {
    let server = App::sample();
    for offset in ["18446744073709551615", "4611686018427387904", "8000"] {
        let (status, page) = server.get(&format!("/v1/facilities?near=10001&offset={offset}"));
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["count"], 0);
        assert_eq!(page["total"], 8000);
    }
}

#[test]
fn connections_are_capped_idle_ones_closed_and_sigterm_has_a_deadline() {
    let mut server = Server::start(
        &[
            "--max-connections",
            "4",
            "--max-per-client",
            "4",
            "--idle-timeout",
            "1",
            "--shutdown-grace",
            "1",
        ],
        None,
    );
    let address = server.address.clone();
    // Four connections that send nothing fill the cap; the fifth is told so and closed.
    let idle: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let refused = head_within(
        &address,
        b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.contains("too many open connections"), "{refused}");
    // Past the idle timeout they are closed, and the service takes new ones again.
    for mut stream in idle {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut byte = [0u8; 1];
        let closed =
            matches!(stream.read(&mut byte), Ok(0)) || matches!(stream.read(&mut byte), Ok(0));
        assert!(closed, "an idle connection was kept open");
    }
    let (status, _) = server.get("/healthz");
    assert_eq!(status, 200);
    // A client trickling its request head is cut off too.
    let mut trickle = TcpStream::connect(&address).unwrap();
    trickle
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let started = Instant::now();
    let mut cut = false;
    for piece in b"GET /healthz HTTP/1.1\r\nX-Slow: "
        .iter()
        .chain([b'a'; 40].iter())
    {
        if trickle.write_all(&[*piece]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut rest = Vec::new();
    cut |= trickle.read_to_end(&mut rest).is_ok();
    assert!(
        cut && started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    // SIGTERM with a partial request head open: stopped within the grace period.
    let mut partial = TcpStream::connect(&address).unwrap();
    partial.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let asked = Instant::now();
    server.terminate();
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
}

#[test]
fn a_reload_that_would_lose_most_facilities_is_refused_unless_forced() {
    let full = std::fs::read("datasets/sample.csv").unwrap();
    let data = TempFile::new("reload.csv", &full);
    let server = Server::start(&["--data", data.path(), "--quiet"], Some("secret"));
    let auth = ("Authorization", "Bearer secret");
    std::fs::write(&data.0, b"id,name,lat,lon,care\n").unwrap();
    let (status, body) = server.post("/v1/admin/reload", &[auth], b"");
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("the old data stays live"),
        "{body}"
    );
    assert_eq!(server.get("/healthz").1["facilities"], 8000);
    // A file that keeps most of them reloads; one that loses most needs force=true.
    let half: Vec<&[u8]> = full.split(|b| *b == b'\n').take(3_000).collect();
    std::fs::write(&data.0, half.join(&b'\n')).unwrap();
    let (status, _) = server.post("/v1/admin/reload", &[auth], b"");
    assert_eq!(status, 409);
    let (status, body) = server.post("/v1/admin/reload?force=true", &[auth], b"");
    assert_eq!((status, &body["facilities"]), (200, &json!(2999)));
}

/// The server reads a snapshot whole rather than mapping it (a one-off command maps): a
/// file truncated in place under it changes nothing, where a mapping would kill the
/// process at its next read of a page past the new end, and a reload of it is refused.
#[test]
fn a_served_snapshot_truncated_in_place_changes_nothing() {
    let snapshot = TempFile::new("served.snap", b"");
    let made = common::carefind(&[
        "snapshot",
        "--data",
        "datasets/sample.csv",
        "-o",
        snapshot.path(),
    ]);
    assert!(made.status.success(), "{}", common::stderr(&made));
    let server = Server::start(&["--data", snapshot.path(), "--quiet"], Some("secret"));
    let search = "/v1/facilities?near=10001&care=iop&limit=3";
    let before = server.get(search);
    assert_eq!(before.0, 200);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&snapshot.0)
        .unwrap()
        .set_len(100)
        .unwrap();
    assert_eq!(server.get(search), before);
    let (status, body) = server.post(
        "/v1/admin/reload",
        &[("Authorization", "Bearer secret")],
        b"",
    );
    assert!(status >= 400, "{status} {body}");
    assert_eq!(server.get(search), before);
    assert_eq!(server.get("/healthz").1["facilities"], 8000);
    // A one-off command maps the file, and so reads it as it is now.
    let cut = common::carefind(&["find", "--data", snapshot.path(), "--near", "10001"]);
    assert_eq!(cut.status.code(), Some(2), "{}", common::stderr(&cut));
    assert!(
        common::stderr(&cut).contains("served.snap"),
        "{}",
        common::stderr(&cut)
    );
}

#[test]
fn the_access_log_names_routes_never_the_paths_sent() {
    let server = Server::start(&[], None);
    for path in [
        "/v1/facilities/10001",
        "/v1/pathway/40.7506,-73.9972",
        "/v1/facilities%3Fnear%3D10001",
        "/v1/facilities?near=10001",
    ] {
        server.get(path);
    }
    std::thread::sleep(Duration::from_millis(300));
    let log = server.log.lock().unwrap().join("\n");
    assert!(log.contains("GET /v1/facilities/{id} 404 "), "{log}");
    assert!(log.contains("GET <unmatched> 404 "), "{log}");
    assert!(log.contains("GET /v1/facilities 200 "), "{log}");
    for secret in ["10001", "40.75", "near"] {
        assert!(!log.contains(secret), "the log holds {secret:?}: {log}");
    }
}

#[test]
fn odd_requests_get_json_errors_naming_the_parameter() {
    let server = Server::start(&["--quiet"], None);
    let (status, body) = server.get("/v1/facilities/%ff");
    assert_eq!(
        (status, body["parameter"].as_str()),
        (400, Some("id")),
        "{body}"
    );
    let (status, body) = server.post(
        "/v1/facilities/search",
        &[("Content-Type", "application/jsonx")],
        br#"{"near": "10001"}"#,
    );
    assert_eq!(status, 415, "{body}");
    let (status, _) = server.post(
        "/v1/facilities/search",
        &[("Content-Type", "application/geo+json; charset=utf-8")],
        br#"{"near": "10001"}"#,
    );
    assert_eq!(status, 200);
    let (status, page) = server.get("/v1/facilities?near=10001&kind=mental-health");
    assert_eq!((status, &page["total"]), (200, &json!(0)), "{page}");
    let (status, page) =
        server.get("/v1/facilities?near=10001&kind=substance-use&min_precision=point");
    assert_eq!((status, &page["total"]), (200, &json!(8000)), "{page}");
    let (status, body) = server.get("/v1/facilities?near=10001&min_precision=street");
    assert_eq!(
        (status, body["parameter"].as_str()),
        (400, Some("min_precision")),
        "{body}"
    );
    let (status, body) = server.get("/v1/facilities?near=10001&near=90210");
    assert_eq!(
        (status, body["parameter"].as_str()),
        (400, Some("near")),
        "{body}"
    );
    let polygon_refused = |body: &[u8], reason: &str| {
        let (status, body) = server.post("/v1/facilities/search", &[JSON], body);
        assert_eq!(
            (status, body["parameter"].as_str()),
            (400, Some("polygon")),
            "{body}"
        );
        assert!(body["error"].as_str().unwrap().contains(reason), "{body}");
    };
    let bow_tie = br#"{"polygon": {"type": "Polygon", "coordinates": [[[-75,40],[-73,41],[-73,40],[-75,41],[-75,40]]]}}"#;
    polygon_refused(bow_tie, "crosses itself");
    let open_ring = br#"{"polygon": {"type": "Polygon", "coordinates": [[[-75,40],[-73,40],[-73,41],[-75,41]]]}}"#;
    polygon_refused(open_ring, "is not closed");
    // A declared body too large is refused before any of it is read.
    let started = Instant::now();
    let head = head_within(
        &server.address,
        b"POST /v1/facilities/search HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn every_documented_query_parameter_is_one_the_server_takes() {
    let server = App::sample();
    let (_, spec) = server.get("/openapi.json");
    for path in ["/v1/facilities", "/v1/pathway"] {
        for parameter in spec["paths"][path]["get"]["parameters"].as_array().unwrap() {
            let name = parameter["name"].as_str().unwrap();
            if parameter["in"] != "query" {
                continue;
            }
            let (_, body) = server.get(&format!("{path}?near=10001&{name}=x"));
            let said = body["error"].as_str().unwrap_or_default();
            assert!(
                !said.contains("unknown parameter"),
                "{path} documents {name}, which the server refuses as unknown: {body}"
            );
        }
    }
}

#[test]
fn the_openapi_document_and_the_router_name_the_same_routes() {
    let server = App::sample();
    let spec: Value = serde_json::from_str(carefind_server::OPENAPI).unwrap();
    let mut documented = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            // /hsds is described too; its routes are checked apart, below.
            if !path.starts_with("/hsds") {
                documented.push((method.to_ascii_uppercase(), path.clone()));
            }
            // Each documented operation reaches a handler: neither the fallback's 404
            // nor a 405.
            let concrete = path.replace("{id}", "S00001");
            let (status, body) = server.json(&method.to_ascii_uppercase(), &concrete, &[], b"");
            let fallback = status == 404 && body["error"] == "no such endpoint; see /openapi.json";
            assert!(
                !fallback && status != 405,
                "{method} {path} is documented but not routed: {status} {body}"
            );
        }
    }
    // Each route the router declares (outside /hsds, which has its own specification) is
    // documented.
    let source = include_str!("../../crates/server/src/lib.rs");
    let router = source
        .split("pub fn router(server: Server)")
        .nth(1)
        .unwrap();
    let router = router.split(".merge(hsds::routes())").next().unwrap();
    let mut routed = Vec::new();
    for declaration in router.split(".route(\"").skip(1) {
        let (path, rest) = declaration.split_once('"').unwrap();
        let handler = rest.trim_start_matches(',').trim_start();
        let method = handler.split('(').next().unwrap().to_ascii_uppercase();
        routed.push((method, path.to_string()));
    }
    assert!(routed.len() >= 10, "{routed:?}");
    for route in &routed {
        assert!(
            documented.contains(route),
            "{route:?} is routed but not in openapi-v1.json"
        );
    }
    assert_eq!(
        routed.len(),
        documented.len(),
        "{routed:?} against {documented:?}"
    );
}

/// carefind's OpenAPI document describes `/hsds` too: every route of `hsds.rs` is in it,
/// and every parameter it documents for a list is taken (by GET and by POST).
#[test]
fn the_openapi_document_describes_the_hsds_routes_and_their_parameters() {
    let server = App::sample();
    let spec: Value = serde_json::from_str(carefind_server::OPENAPI).unwrap();
    let source = include_str!("../../crates/server/src/hsds.rs");
    let routes = source.split("pub fn routes()").nth(1).unwrap();
    let routes = routes.split(".layer(").next().unwrap();
    let mut routed = 0;
    for declaration in routes.split(".route(").skip(1) {
        let path = declaration.split('"').nth(1).unwrap();
        let handlers = declaration.split_once(',').unwrap().1;
        for method in ["get", "post"] {
            if handlers.contains(&format!("{method}(")) && path != "/hsds/" {
                assert!(
                    spec["paths"][path][method].is_object(),
                    "{method} {path} is routed but not documented"
                );
                routed += 1;
            }
        }
    }
    assert!(routed >= 16, "{routed}");
    let value_of = |parameter: &Value| -> String {
        match parameter["name"].as_str().unwrap() {
            "page" | "per_page" => "1".into(),
            "format" => "json".into(),
            "proximity" => "1000".into(),
            "postcode" => "10001".into(),
            "modified_after" => "2020-01-01".into(),
            "taxonomy_id" => carefind::hsds::taxonomy::taxonomy_id("carefind-care-level"),
            "taxonomy_term_id" => {
                let (_, terms) = server.get("/hsds/taxonomy_terms?search=intensive");
                terms["contents"][0]["id"].as_str().unwrap().to_string()
            }
            _ if parameter["schema"]["type"] == "boolean" => "true".into(),
            _ => "x".into(),
        }
    };
    for (path, operations) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/hsds/") || path.contains('{') {
            continue;
        }
        for (method, operation) in operations.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().unwrap() {
                let name = parameter["name"].as_str().unwrap();
                let mut query = format!("{name}={}", value_of(parameter));
                if name == "proximity" {
                    query.push_str("&postcode=10001");
                }
                let (status, body) = server.json(
                    &method.to_ascii_uppercase(),
                    &format!("{path}?{query}"),
                    &[],
                    b"",
                );
                assert_eq!(status, 200, "{method} {path}?{query}: {body}");
            }
        }
    }
}

#[test]
fn a_search_body_takes_exactly_the_documented_fields() {
    let server = App::sample();
    let spec: Value = serde_json::from_str(carefind_server::OPENAPI).unwrap();
    let mut documented: Vec<String> = spec["components"]["schemas"]["SearchRequest"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    // The server's own list, as serde says it when refusing a field it does not know.
    let (status, body) = server.post(
        "/v1/facilities/search",
        &[("Content-Type", "application/json")],
        br#"{"no_such_field": 1}"#,
    );
    assert_eq!(status, 400, "{body}");
    let said = body["error"].as_str().unwrap();
    let expected = said.split("expected one of ").nth(1).unwrap();
    let mut taken: Vec<String> = expected
        .split(", ")
        .map(|field| field.split('`').nth(1).unwrap().to_string())
        .collect();
    documented.sort();
    taken.sort();
    assert_eq!(documented, taken);
}

/// A compiled schema of the HSDS specification.
fn hsds_schema(dir: &std::path::Path, name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(dir.join("schema/compiled").join(name)).unwrap();
    common::hsds_validator(dir, &serde_json::from_str(&text).unwrap())
}

/// A compiled schema made strict as the specification's CI makes it
/// (`compiletojsonschema --set-additional-properties-false-everywhere`): no object may hold
/// a field its definition does not name.
fn strict_hsds_schema(dir: &std::path::Path, name: &str) -> jsonschema::Validator {
    fn close(value: &mut Value) {
        match value {
            Value::Object(object) => {
                if object.contains_key("properties") {
                    object.insert("additionalProperties".into(), Value::Bool(false));
                }
                object.values_mut().for_each(close);
            }
            Value::Array(items) => items.iter_mut().for_each(close),
            _ => {}
        }
    }
    let text = std::fs::read_to_string(dir.join("schema/compiled").join(name)).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    close(&mut schema);
    common::hsds_validator(dir, &schema)
}

fn valid(validator: &jsonschema::Validator, value: &Value, what: &str) {
    let errors = common::schema_errors(validator, value);
    assert!(errors.is_empty(), "{what}: {errors:?}");
}

#[test]
fn the_hsds_api_answers_pages_from_the_same_index() {
    hsds_api(false);
}

#[test]
#[ignore = "needs the HSDS schemas (../shared/hsds or CAREFIND_HSDS)"]
fn the_hsds_api_answers_valid_pages_from_the_same_index() {
    hsds_api(true);
}

/// The `/hsds` answers, checked against `/v1`, and (if `validate`) against the
/// specification's schemas.
fn hsds_api(validate: bool) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("a.db");
    let feed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/sample-availability.csv"
    );
    let imported = common::carefind(&[
        "availability",
        "import",
        feed,
        "--store",
        store.to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    let store = carefind::availability::store::Store::open(&store).unwrap();
    let server = App::with(Config::new().store(store));
    let (status, root) = server.get("/hsds/");
    assert_eq!((status, &root["version"]), (200, &json!("3.1.1")));
    assert!(
        root["openapi_url"].as_str().unwrap().contains("/abc731c8"),
        "pinned"
    );
    let (_, headers, _) = server.send("GET", "/hsds/services?per_page=1", &[], b"");
    assert_eq!(headers["access-control-allow-origin"], "*");

    // Proximity from a postcode: the same facilities as /v1/facilities, nearest first.
    let (status, page) =
        server.get("/hsds/service_at_locations?postcode=10001&proximity=20000&per_page=7");
    assert_eq!(status, 200, "{page}");
    let (_, v1) =
        server.get("/v1/facilities?near=10001&within=20km&limit=1000&include_closed=true");
    let expected: Vec<String> = ids(&v1)
        .iter()
        .map(|id| carefind::hsds::Ids::of(id).service_at_location)
        .collect();
    let got: Vec<&str> = page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, expected[..7]);
    assert_eq!(page["total_items"], expected.len());
    assert_eq!(page["total_pages"], expected.len().div_ceil(7));
    assert_eq!(
        (page["first_page"].clone(), page["size"].clone()),
        (json!(true), json!(7))
    );
    let (_, second) =
        server.get("/hsds/service_at_locations?postcode=10001&proximity=20000&per_page=7&page=2");
    assert_eq!(second["contents"][0]["id"], expected[7].as_str());
    // A term of carefind's taxonomy selects facilities, as care=iop does.
    let (_, terms) = server.get(&format!(
        "/hsds/taxonomy_terms?taxonomy_id={}&per_page=100",
        carefind::hsds::taxonomy::taxonomy_id("carefind-care-level")
    ));
    let iop = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "iop")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, by_term) = server.get(&format!(
        "/hsds/service_at_locations?postcode=10001&proximity=20000&taxonomy_term_id={iop}"
    ));
    let (_, v1_iop) =
        server.get("/v1/facilities?near=10001&within=20km&care=iop&include_closed=true");
    assert_eq!(by_term["total_items"], v1_iop["total"]);
    // Bed counts from the store, as service_capacity in beds.
    let (_, beds) = server.get("/hsds/service_at_locations?per_page=1000&full=true");
    let with_beds = beds["contents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["service"]["capacities"].as_array().unwrap().is_empty())
        .count();
    assert!(with_beds > 0);

    // A well-formed ZIP code that names no place is a place not found; a term or
    // taxonomy carefind does not have is held by nothing.
    let (status, body) = server.get("/hsds/service_at_locations?postcode=99999");
    assert_eq!(
        (status, body["parameter"].as_str()),
        (404, Some("postcode"))
    );
    for path in [
        "/hsds/service_at_locations?taxonomy_term_id=nope",
        "/hsds/services?taxonomy_id=nope",
    ] {
        let (status, body) = server.get(path);
        assert_eq!((status, &body["total_items"]), (200, &json!(0)), "{path}");
    }
    for (path, says) in [
        ("/hsds/service_at_locations?postcode=ABC", "postcode"),
        ("/hsds/service_at_locations?proximity=100", "proximity"),
        ("/hsds/service_at_locations?per_page=0", "per_page"),
        ("/hsds/service_at_locations?page=0", "page"),
        ("/hsds/service_at_locations?search=", "search"),
        ("/hsds/organizations/x?full_service=maybe", "full_service"),
        ("/hsds/service_at_locations?colour=red", "colour"),
    ] {
        let (status, body) = server.get(path);
        assert_eq!(
            (status, body["parameter"].as_str()),
            (400, Some(says)),
            "{path}: {body}"
        );
    }
    let (status, _) = server.get("/hsds/services/not-an-id");
    assert_eq!(status, 404);

    // Every parameter and method the specification's OpenAPI gives these lists is taken.
    let organization = carefind::hsds::Ids::of("S00001").organization;
    let care = carefind::hsds::taxonomy::taxonomy_id("carefind-care-level");
    for (path, wanted) in [
        (
            format!(
                "/hsds/services?organization_id={organization}&full=true&minimal=false&format=json&search=sample&taxonomy_id={care}&modified_after=2020-01-01"
            ),
            Some(1),
        ),
        ("/hsds/services?minimal=true&per_page=2".to_string(), None),
        (
            format!("/hsds/service_at_locations?organization_id={organization}&full=false"),
            Some(1),
        ),
        (
            format!(
                "/hsds/organizations?full_service=true&full=false&taxonomy_id={care}&per_page=2"
            ),
            None,
        ),
        (
            "/hsds/taxonomies?search=ways%20of%20paying&format=json".to_string(),
            Some(1),
        ),
        (
            format!("/hsds/taxonomy_terms?top_only=true&taxonomy_id={care}&search=residential"),
            None,
        ),
        (
            "/hsds/taxonomy_terms?parent_id=none-such".to_string(),
            Some(0),
        ),
    ] {
        for method in ["GET", "POST"] {
            let (status, body) = server.json(method, &path, &[], b"");
            assert_eq!(status, 200, "{method} {path}: {body}");
            if let Some(count) = wanted {
                assert_eq!(body["total_items"], count, "{method} {path}");
            }
        }
    }
    let (_, minimal) = server.get("/hsds/services?minimal=true&per_page=1");
    let keys: Vec<&String> = minimal["contents"][0].as_object().unwrap().keys().collect();
    // The id and when it changed, with what the specification's list item requires.
    assert_eq!(keys, ["id", "name", "status"]);
    let (status, _, ndjson) = server.send("GET", "/hsds/taxonomy_terms?format=ndjson", &[], b"");
    assert_eq!(status, 200);
    let (_, all_terms) = server.get("/hsds/taxonomy_terms?per_page=1000");
    assert_eq!(
        String::from_utf8(ndjson).unwrap().lines().count(),
        all_terms["total_items"].as_u64().unwrap() as usize
    );
    let (status, body) = server.get("/hsds/services?full=maybe");
    assert_eq!((status, body["parameter"].as_str()), (400, Some("full")));

    if !validate {
        return;
    }
    let hsds = common::hsds();
    let full = hsds_schema(&hsds, "service_at_location.json");
    let list_item = strict_hsds_schema(&hsds, "service_at_location_list.json");
    // List items are one-to-one, strictly valid; `full=true` ones are fully nested.
    for item in page["contents"].as_array().unwrap() {
        valid(&list_item, item, "service_at_location_list");
        assert!(item["service"]["name"].is_string() && item["location"]["latitude"].is_number());
    }
    for item in beds["contents"].as_array().unwrap() {
        valid(&full, item, "service_at_location");
    }
    let (_, services) = server.get("/hsds/services?per_page=3");
    let service_list = strict_hsds_schema(&hsds, "service_list.json");
    for item in services["contents"].as_array().unwrap() {
        valid(&service_list, item, "service_list");
    }
    let id = services["contents"][0]["id"].as_str().unwrap();
    let (_, one) = server.get(&format!("/hsds/services/{id}"));
    valid(&hsds_schema(&hsds, "service.json"), &one, "service");
    let (_, organizations) = server.get("/hsds/organizations?per_page=3");
    for item in organizations["contents"].as_array().unwrap() {
        valid(
            &strict_hsds_schema(&hsds, "organization_list.json"),
            item,
            "organization_list",
        );
    }
    let id = organizations["contents"][0]["id"].as_str().unwrap();
    let (_, organization) = server.get(&format!("/hsds/organizations/{id}"));
    valid(
        &hsds_schema(&hsds, "organization.json"),
        &organization,
        "organization",
    );
    assert!(organization["services"][0]["name"].as_str().is_some());
    // Terms and taxonomies, against their definitions inside the compiled schema.
    let text =
        std::fs::read_to_string(hsds.join("schema/compiled/service_at_location.json")).unwrap();
    let compiled: Value = serde_json::from_str(&text).unwrap();
    let term = &compiled["properties"]["service"]["properties"]["attributes"]["items"]["properties"]
        ["taxonomy_term"];
    let term_validator = common::hsds_validator(&hsds, term);
    let taxonomy_validator = common::hsds_validator(&hsds, &term["properties"]["taxonomy_detail"]);
    for item in terms["contents"].as_array().unwrap() {
        valid(&term_validator, item, "taxonomy_term");
    }
    let (_, taxonomies) = server.get("/hsds/taxonomies");
    assert!(taxonomies["total_items"].as_u64().unwrap() >= 10);
    for item in taxonomies["contents"].as_array().unwrap() {
        valid(&taxonomy_validator, item, "taxonomy");
    }
}

/// Every API answer, each carrying or answering a place, is `no-store`; the stylesheet
/// may be kept. A body whose Content-Type names another charset than UTF-8 is refused.
#[test]
fn api_answers_are_not_stored_and_content_types_are_read_strictly() {
    let server = App::sample();
    for path in [
        "/v1/facilities?near=10001&limit=1",
        "/v1/pathway?near=10001&from=detox",
        "/hsds/service_at_locations?postcode=10001&proximity=10000",
        "/v1/facilities?near=nowhere",
        "/healthz",
    ] {
        let (_, headers, _) = server.send("GET", path, &[], b"");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
    }
    let (_, headers, _) = server.send("GET", "/static/style.css", &[], b"");
    assert_eq!(headers["cache-control"], "public, max-age=3600");

    let body = br#"{"near": "10001"}"#;
    for (content_type, status) in [
        ("application/json; charset=utf-8", 200),
        ("application/json; charset=latin1", 415),
        ("text/plain", 415),
    ] {
        let (got, answer) = server.post(
            "/v1/facilities/search",
            &[("Content-Type", content_type)],
            body,
        );
        assert_eq!(got, status, "{content_type}: {answer}");
    }
}

/// A connection from `from` (any 127.x address is this host) to `address`.
fn connect_from(from: &str, address: &str) -> std::io::Result<TcpStream> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(format!("{from}:0").parse().unwrap())?;
            let stream = socket.connect(address.parse().unwrap()).await?;
            stream.into_std()
        })
        .and_then(|stream| {
            stream.set_nonblocking(false)?;
            Ok(stream)
        })
}

/// Whatever a server answers on `stream` within two seconds.
fn answer(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One client holding idle connections gets no more than its share; everyone else is
/// served all along (the slow-client pattern: 40 idle connections from one address, 75
/// probes from another). Behind a trusted proxy the client its PROXY line names is
/// counted; an untrusted peer's PROXY line is not believed.
#[test]
fn one_client_cannot_hold_more_than_its_share_of_connections() {
    let server = Server::start(
        &[
            "--max-connections",
            "64",
            "--max-per-client",
            "16",
            "--idle-timeout",
            "30",
            "--trusted-proxy",
            "127.0.0.3/32",
        ],
        None,
    );
    let address = server.address.clone();
    let mut idle = Vec::new();
    let mut refused = 0;
    for _ in 0..40 {
        let mut stream = connect_from("127.0.0.1", &address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let mut first = [0u8; 12];
        match stream.read(&mut first) {
            Ok(n) if n > 0 => {
                let mut rest = answer(&mut stream);
                rest.insert_str(0, &String::from_utf8_lossy(&first[..n]));
                assert!(rest.starts_with("HTTP/1.1 503"), "{rest}");
                assert!(
                    rest.contains("as many connections as one client may"),
                    "{rest}"
                );
                let body = rest.split("\r\n\r\n").nth(1).unwrap();
                serde_json::from_str::<Value>(body).unwrap();
                refused += 1;
            }
            _ => idle.push(stream),
        }
    }
    assert_eq!((idle.len(), refused), (16, 24));
    for i in 0..75 {
        let mut probe = connect_from("127.0.0.2", &address).unwrap();
        probe
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .unwrap();
        let said = answer(&mut probe);
        assert!(said.starts_with("HTTP/1.1 200"), "probe {i}: {said}");
    }

    // Through the trusted proxy at 127.0.0.3: counted by the client it names.
    let proxied = |client: &str| {
        let mut stream = connect_from("127.0.0.3", &address).unwrap();
        stream
            .write_all(format!("PROXY TCP4 {client} 127.0.0.1 40000 80\r\n").as_bytes())
            .unwrap();
        stream
    };
    let held: Vec<TcpStream> = (0..16).map(|_| proxied("198.51.100.7")).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut over = proxied("198.51.100.7");
    assert!(answer(&mut over).contains("as many connections as one client may"));
    let mut other = proxied("203.0.113.9");
    other
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .unwrap();
    assert!(answer(&mut other).starts_with("HTTP/1.1 200"));
    // From a peer that is no trusted proxy, a PROXY line is not a request.
    let mut stranger = connect_from("127.0.0.4", &address).unwrap();
    stranger
        .write_all(b"PROXY TCP4 198.51.100.8 127.0.0.1 40000 80\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert!(answer(&mut stranger).starts_with("HTTP/1.1 400"));
    drop((held, idle));
}
