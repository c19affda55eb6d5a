//! Keeping listings true: the staff update page (sessions, scope, CSRF, revocation) and
//! problem reports from the facility pages, which keep nothing about who sent them.

use std::io::Read;

use carefind::availability::store::Store;
use carefind_server::{Config, Tokens};

use crate::common::app::App;
use crate::common::server::{Server, exchange_full};
use crate::common::{carefind, stderr, stdout};

fn sha256_hex(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `staff-secret` may update S00001 and S00002 (as `county-coordinator`), `other-secret`
/// S00003.
fn write_tokens(path: &std::path::Path, rows: &[(&str, &str, &str)]) {
    let mut text = String::from("token_sha256,facilities,label\n");
    for (token, scope, label) in rows {
        text.push_str(&format!("{},{scope},{label}\n", sha256_hex(token)));
    }
    std::fs::write(path, text).unwrap();
}

const STAFF: (&str, &str, &str) = ("staff-secret", "S00001;S00002", "county-coordinator");
const OTHER: (&str, &str, &str) = ("other-secret", "S00003", "");

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    serde_urlencoded::to_string(fields).unwrap().into_bytes()
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

/// The session cookie a sign-in set (`name=value`), and the whole header.
fn signed_in(app: &App, token: &str) -> (String, String) {
    let (status, headers, _) = app.send(
        "POST",
        "/staff/sign-in",
        &[FORM],
        &form(&[("token", token)]),
    );
    assert_eq!(status, 303);
    let set = headers["set-cookie"].to_str().unwrap().to_string();
    let pair = set.split(';').next().unwrap().to_string();
    (pair, set)
}

fn page(app: &App, path: &str, cookie: &str) -> (u16, String) {
    let (status, _, body) = app.send("GET", path, &[("Cookie", cookie)], b"");
    (status, String::from_utf8(body).unwrap())
}

fn csrf_of(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + 19;
    page[at..at + page[at..].find('"').unwrap()].to_string()
}

fn post(app: &App, path: &str, cookie: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let (status, headers, body) =
        app.send("POST", path, &[FORM, ("Cookie", cookie)], &form(fields));
    let location = headers
        .get("location")
        .map(|value| value.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, String::from_utf8(body).unwrap())
}

#[test]
fn staff_update_their_own_facilities_only_with_a_session_and_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("availability.db");
    let tokens = dir.path().join("tokens.csv");
    write_tokens(&tokens, &[STAFF, OTHER]);
    let app = App::with(
        Config::new()
            .store(Store::open(&path).unwrap())
            .tokens(Tokens::from_path(&tokens).unwrap())
            .admin_token(Some("admin-secret".into())),
    );
    let stored = |id: &str| Store::open(&path).unwrap().current_labelled_of(id).unwrap();

    // Signed out: the sign-in form, and no cookie.
    let (status, headers, body) = app.send("GET", "/staff", &[], b"");
    assert_eq!(status, 200);
    assert!(headers.get("set-cookie").is_none());
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("action=\"/staff/sign-in\"") && body.contains("type=\"password\""));
    let (status, headers, _) = app.send(
        "POST",
        "/staff/sign-in",
        &[FORM],
        &form(&[("token", "wrong")]),
    );
    assert_eq!(status, 401);
    assert!(headers.get("set-cookie").is_none());

    // Signed in: a cookie scripts cannot read, for this site's staff pages only.
    let (cookie, set) = signed_in(&app, "staff-secret");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/staff", "Max-Age=1800"] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(!set.contains("Secure"), "served over http: {set}");
    assert!(
        !cookie.contains("staff-secret"),
        "the token is not in the cookie"
    );
    let (status, dashboard) = page(&app, "/staff", &cookie);
    assert_eq!(status, 200);
    assert!(dashboard.contains("S00001") && dashboard.contains("S00002"));
    assert!(!dashboard.contains("S00003"), "another token's facility");
    assert!(dashboard.contains("county-coordinator"));
    let csrf = csrf_of(&dashboard);

    // An update, checked as a feed row is, kept with the token's label.
    let update = |cookie: &str, csrf: &str, id: &str, extra: &[(&str, &str)]| {
        let mut fields = vec![("csrf", csrf), ("id", id), ("care", ""), ("lang", "en")];
        fields.extend_from_slice(extra);
        post(&app, "/staff/update", cookie, &fields)
    };
    let (status, location, _) = update(
        &cookie,
        &csrf,
        "S00001",
        &[
            ("accepting", "no"),
            ("beds_available", "0"),
            ("beds_total", "12"),
            ("walk_in", "Mo-Fr 08:00-11:00"),
        ],
    );
    assert_eq!(
        (status, location.as_str()),
        (303, "/staff?facility=S00001&done=saved")
    );
    let kept = stored("S00001");
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].0.accepting,
            kept[0].0.beds_total,
            kept[0].1.as_deref()
        ),
        (Some(false), Some(12), Some("county-coordinator"))
    );
    let (_, public) = page(&app, "/facility/S00001", "");
    assert!(
        public.contains("Mo-Fr 08:00-11:00"),
        "the public page shows it"
    );
    let (_, record) = app.get("/v1/facilities/S00001");
    assert_eq!(record["reported_walk_in"], "Mo-Fr 08:00-11:00", "{record}");

    // A bad value is named, and nothing is written.
    let (status, _, body) = update(
        &cookie,
        &csrf,
        "S00002",
        &[("beds_available", "30"), ("beds_total", "10")],
    );
    assert_eq!(status, 422);
    assert!(
        body.contains("Beds open") && body.contains("value=\"30\""),
        "typed values come back"
    );
    assert!(stored("S00002").is_empty());

    // Another token's facility: 403 and no form, to see or to change.
    let (status, body) = page(&app, "/staff?facility=S00003", &cookie);
    assert_eq!(status, 403);
    assert!(!body.contains("/staff/update"));
    let (status, _, _) = update(&cookie, &csrf, "S00003", &[("accepting", "yes")]);
    assert_eq!(status, 403);
    assert!(stored("S00003").is_empty());

    // CSRF: no token, a wrong one, another session's, or a post from another site.
    let (other_cookie, _) = signed_in(&app, "staff-secret");
    let other_csrf = csrf_of(&page(&app, "/staff", &other_cookie).1);
    assert_ne!(other_csrf, csrf);
    for (cookie, csrf) in [
        (&cookie, ""),
        (&cookie, "forged"),
        (&cookie, other_csrf.as_str()),
        (&other_cookie, csrf.as_str()),
    ] {
        let (status, _, _) = update(cookie, csrf, "S00002", &[("accepting", "yes")]);
        assert_eq!(status, 403, "csrf {csrf:?}");
    }
    let (status, _, _) = app.send(
        "POST",
        "/staff/update",
        &[
            FORM,
            ("Cookie", &cookie),
            ("Origin", "http://evil.example"),
            ("Host", "test"),
        ],
        &form(&[("csrf", &csrf), ("id", "S00002"), ("accepting", "yes")]),
    );
    assert_eq!(status, 403, "another site's form");
    // No session at all: the sign-in form, and nothing written.
    let (status, _, body) = update(
        "carefind_staff=forged",
        &csrf,
        "S00002",
        &[("accepting", "yes")],
    );
    assert_eq!(status, 401);
    assert!(body.contains("/staff/sign-in"));
    assert!(stored("S00002").is_empty());

    // "Still accurate": the same values, as of now, in the history.
    let (status, location, _) = post(
        &app,
        "/staff/confirm",
        &cookie,
        &[
            ("csrf", &csrf),
            ("id", "S00001"),
            ("care", ""),
            ("lang", "en"),
        ],
    );
    assert_eq!(
        (status, location.as_str()),
        (303, "/staff?facility=S00001&done=confirmed")
    );
    let history = Store::open(&path).unwrap().history_of("S00001", 5).unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].update.updated_at > history[1].update.updated_at);
    let mut same = history[0].update.clone();
    same.updated_at = history[1].update.updated_at;
    assert_eq!(same, history[1].update);

    // Signing out ends the cookie.
    let (status, headers, _) = app.send(
        "POST",
        "/staff/sign-out",
        &[FORM, ("Cookie", &other_cookie)],
        &form(&[("csrf", &other_csrf)]),
    );
    assert_eq!(status, 303);
    assert!(
        headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );

    // A reload that removes the token ends its sessions.
    write_tokens(&tokens, &[OTHER]);
    let (status, _) = app.post(
        "/v1/admin/reload",
        &[("Authorization", "Bearer admin-secret")],
        b"",
    );
    assert_eq!(status, 200);
    let (status, body) = page(&app, "/staff", &cookie);
    assert_eq!(status, 200);
    assert!(
        body.contains("/staff/sign-in") && !body.contains("/staff/update"),
        "signed out"
    );
    let (status, _, _) = update(&cookie, &csrf, "S00001", &[("accepting", "yes")]);
    assert_eq!(status, 401);
}

#[test]
fn staff_pages_are_off_without_tokens_and_public_pages_set_no_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::with(Config::new().store(Store::open(dir.path().join("a.db")).unwrap()));
    let (status, _, _) = app.send("GET", "/staff", &[], b"");
    assert_eq!(status, 404);
    let (status, headers, _) =
        app.send("POST", "/staff/sign-in", &[FORM], &form(&[("token", "x")]));
    assert_eq!(status, 404);
    assert!(headers.get("set-cookie").is_none());
    let (status, headers, _) = app.send("GET", "/facility/S00001", &[], b"");
    assert_eq!(status, 200);
    assert!(headers.get("set-cookie").is_none());
}

/// Behind TLS (an https public URL) the cookie is `Secure`; nested under a path, its
/// `Path` and every form's action are under it.
#[test]
fn the_cookie_follows_the_public_url_and_the_mount() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.csv");
    write_tokens(&tokens, &[STAFF]);
    let app = App::nested_with(
        "/carefind",
        Config::new()
            .public_url("https://find.example.org/carefind")
            .store(Store::open(dir.path().join("a.db")).unwrap())
            .tokens(Tokens::from_path(&tokens).unwrap()),
    );
    let (status, headers, _) = app.send(
        "POST",
        "/carefind/staff/sign-in",
        &[FORM],
        &form(&[("token", "staff-secret")]),
    );
    assert_eq!(status, 303);
    assert_eq!(headers["location"], "/carefind/staff");
    let set = headers["set-cookie"].to_str().unwrap();
    assert!(
        set.contains("; Secure") && set.contains("Path=/carefind/staff"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap();
    let (status, body) = page(&app, "/carefind/staff", cookie);
    assert_eq!(status, 200);
    assert!(body.contains("action=\"/carefind/staff/update\""));
    assert!(body.contains("action=\"/carefind/staff/sign-out\""));
}

/// Over a socket, so that the server knows the client: sign-ins are limited per client.
#[test]
fn sign_in_attempts_are_limited_per_client() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("a.db").display().to_string();
    let tokens = dir.path().join("tokens.csv");
    write_tokens(&tokens, &[STAFF]);
    let server = Server::start(
        &["--store", &store, "--tokens", tokens.to_str().unwrap()],
        None,
    );
    let try_once = |token: &str| {
        exchange_full(
            &server.address,
            "POST",
            "/staff/sign-in",
            &[FORM],
            &form(&[("token", token)]),
        )
        .0
    };
    for _ in 0..10 {
        assert_eq!(try_once("guess"), 401);
    }
    assert_eq!(try_once("guess"), 429);
    assert_eq!(
        try_once("staff-secret"),
        429,
        "even the right token, until the window ends"
    );
}

/// A report goes from the facility page to `carefind reports list`, is limited per
/// listing, can be resolved with a status change, and the store holds nothing of who sent
/// it: no address, no cookie, no place.
#[test]
fn a_problem_report_round_trips_and_keeps_nothing_personal() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("a.db").display().to_string();
    let mut server = Server::start(&["--store", &store], Some("admin-secret"));
    let personal = [
        ("Cookie", "session=cookie-value-4711"),
        ("X-Forwarded-For", "203.0.113.77"),
        ("Referer", "http://test/find?near=40.7128,-74.0060"),
    ];
    let send = |fields: &[(&str, &str)]| {
        let mut headers = vec![FORM];
        headers.extend_from_slice(&personal);
        exchange_full(
            &server.address,
            "POST",
            "/facility/S00001",
            &headers,
            &form(fields),
        )
    };
    let (status, head, _) = send(&[
        ("reason", "phone-does-not-work"),
        ("details", "rang out twice"),
        ("lang", "es"),
    ]);
    assert_eq!(status, 303, "{head}");
    assert!(
        head.contains("location: /facility/S00001?lang=es&reported=1#report"),
        "{head}"
    );
    assert!(!head.to_ascii_lowercase().contains("set-cookie"));
    let (_, thanks) = server.get_text("/facility/S00001?lang=es&reported=1");
    assert!(thanks.contains("Gracias"));

    // Refused: no reason, too long; nothing kept.
    let (status, _, body) = send(&[("reason", ""), ("details", "x")]);
    assert_eq!(status, 400);
    assert!(body.contains("role=\"alert\""));
    let long = "x".repeat(501);
    assert_eq!(send(&[("reason", "other"), ("details", &long)]).0, 400);
    // Per listing: five an hour.
    for _ in 0..4 {
        assert_eq!(send(&[("reason", "closed")]).0, 303);
    }
    assert_eq!(send(&[("reason", "closed")]).0, 429);

    let listed = carefind(&["reports", "list", "--store", &store]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let rows = stdout(&listed);
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(
        lines[0],
        "number,id,reason,details,received_at,resolved_at,resolution_note,resolved_by"
    );
    assert_eq!(lines.len(), 6, "{rows}");
    assert!(lines[1].starts_with("1,S00001,phone-does-not-work,rang out twice,"));
    assert!(stderr(&listed).contains("S00001: 5 open, 0 resolved"));

    let (status, body) = server.get("/v1/reports");
    assert_eq!(status, 401, "{body}");
    let (status, body) = crate::common::server::request(
        &server.address,
        "GET",
        "/v1/reports",
        &[("Authorization", "Bearer admin-secret")],
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(body["counts"][0]["open"], 5);
    assert_eq!(body["reports"][0]["details"], "rang out twice");

    // Nothing personal anywhere in the store's files, the WAL included.
    let mut bytes = Vec::new();
    for file in [store.clone(), format!("{store}-wal")] {
        if let Ok(mut file) = std::fs::File::open(&file) {
            file.read_to_end(&mut bytes).unwrap();
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("rang out twice"),
        "the scan reads the report itself"
    );
    for secret in [
        "203.0.113.77",
        "127.0.0.1",
        "cookie-value-4711",
        "40.7128",
        "74.006",
    ] {
        assert!(!text.contains(secret), "the store holds {secret}");
    }
    server.terminate();

    // Resolving keeps the first resolution, and can report the facility not accepting.
    let resolved = carefind(&[
        "reports",
        "resolve",
        "2",
        "--store",
        &store,
        "--note",
        "program closed",
        "--label",
        "county-coordinator",
        "--set-accepting",
        "no",
    ]);
    assert!(resolved.status.success(), "{}", stderr(&resolved));
    let again = carefind(&["reports", "resolve", "2", "--store", &store]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("keeps its first resolution"));
    let kept = Store::open(&store)
        .unwrap()
        .current_labelled_of("S00001")
        .unwrap();
    assert_eq!(
        (kept[0].0.accepting, kept[0].1.as_deref()),
        (Some(false), Some("county-coordinator"))
    );
    let exported = carefind(&["reports", "export", "--store", &store, "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&stdout(&exported)).unwrap();
    assert_eq!(document["reports"][1]["resolution_note"], "program closed");
    assert_eq!(document["counts"][0]["resolved"], 1);
    let open = carefind(&["reports", "list", "--store", &store, "--facility", "S00002"]);
    assert_eq!(open.status.code(), Some(1), "none: exit 1");
}
