//! `/staff`: where facility staff keep their availability current, with no API client.
//!
//! Staff sign in with their update token through a form (never in an address), and get
//! a session cookie (`HttpOnly`, `SameSite=Strict`, `Secure` when the public URL is
//! `https`, for 30 minutes, its `Path` the staff pages' own). The page lists the
//! facilities the token may update with what the public pages show now, how old it is
//! and who sent it, the open problem reports about them, and one form per facility and
//! level. Every form carries the session's CSRF token; every write goes through the
//! same writer as `PUT /v1/facilities/{id}/availability` (answered once it is on disk)
//! and is checked by the same feed rules. A facility outside the token's scope is a 403
//! with no form.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use carefind::availability::Update;
use carefind::availability::feed::{self, Check, FeedFormat};
use carefind::availability::problems::{ProblemReport, Which};
use carefind::{CareLevel, FacilityRef};
use jiff::Timestamp;
use maud::{Markup, html};

use super::text::{self, Lang};
use super::trust_text::TrustText;
use super::{FormBody, PageRequest, cards, message_page, page_saying};
use crate::Shared;
use crate::connections::Peer;
use crate::mount::Mount;
use crate::session::{self, COOKIE, Session};
use crate::updates::Grant;

/// Facilities listed on one page at most (a token may hold many): the rest are reached
/// by id.
const MAX_LISTED: usize = 50;

/// A signed-in member of staff: the session and what its token may do.
struct Staff {
    session: Session,
    grant: Arc<Grant>,
    csrf: String,
}

/// Why a request is not a signed-in staff member's.
enum NotIn {
    /// The server takes no updates.
    Off,
    /// No session, or one that ended (or whose token was revoked).
    SignedOut,
}

fn staff_of(shared: &Shared, headers: &HeaderMap) -> Result<Staff, NotIn> {
    let (Some(keys), Some(tokens)) = (&shared.keys, &shared.tokens) else {
        return Err(NotIn::Off);
    };
    let session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| session::cookie(value, COOKIE))
        .and_then(|value| keys.session_of(value, Timestamp::now()))
        .ok_or(NotIn::SignedOut)?;
    // Looked up in the tokens of the moment: a token a reload removed has no session.
    let grant = tokens
        .load()
        .of_hash(&session.token_hash)
        .ok_or(NotIn::SignedOut)?;
    let csrf = keys.csrf(&session);
    Ok(Staff {
        session,
        grant,
        csrf,
    })
}

/// A POST that a browser says came from another site (`Sec-Fetch-Site`, `Origin`) is
/// refused before anything else is read: the CSRF token is the rule, this a second
/// lock that also covers the sign-in form (which has no session yet).
fn cross_site(headers: &HeaderMap) -> bool {
    let said = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if said("sec-fetch-site").is_some_and(|site| site == "cross-site" || site == "same-site") {
        return true;
    }
    match (said("origin"), said("host")) {
        // What browsers send from a page whose policy is no-referrer, as every page here
        // is: it says nothing either way.
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_none_or(|(_, rest)| !rest.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

/// `/staff` in `lang`, with the query's `facility` and what was just done.
fn staff_url(mount: &Mount, lang: Lang, facility: Option<&str>, done: Option<&str>) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if lang == Lang::Es {
        pairs.push(("lang", "es"));
    }
    if let Some(id) = facility {
        pairs.push(("facility", id));
    }
    if let Some(done) = done {
        pairs.push(("done", done));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        mount.link("/staff")
    } else {
        mount.link(&format!("/staff?{query}"))
    }
}

fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The cookie that holds `value` (or, with `None`, the one that ends the session).
fn set_cookie(shared: &Shared, mount: &Mount, value: Option<&str>) -> HeaderValue {
    let secure = if shared.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let path = mount.link("/staff");
    let cookie = match value {
        Some(value) => format!(
            "{COOKIE}={value}; Path={path}; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            session::LIFETIME_MINUTES * 60
        ),
        None => format!("{COOKIE}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Strict{secure}"),
    };
    HeaderValue::from_str(&cookie).unwrap_or(HeaderValue::from_static(""))
}

/// A staff page: the common page, never cached, never indexed.
fn staff_page(
    shared: &Shared,
    mount: &Mount,
    lang: Lang,
    title: &str,
    main: Markup,
    status: StatusCode,
) -> Response {
    let switch = staff_url(mount, lang.other(), None, None);
    let privacy = lang.trust().staff_privacy;
    let mut response = page_saying(
        shared, mount, lang, title, &switch, main, false, status, privacy,
    );
    response
        .headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

fn sign_in_page(
    shared: &Shared,
    mount: &Mount,
    lang: Lang,
    message: Option<&str>,
    status: StatusCode,
) -> Response {
    let words = lang.trust();
    let body = html! {
        h1 { (words.staff_title) }
        @if let Some(message) = message { p.alert role="alert" { (message) } }
        p { (words.staff_intro) }
        form.staff-sign-in method="post" action=(mount.link("/staff/sign-in")) {
            input type="hidden" name="lang" value=(lang.code());
            label for="staff-token" { (words.token) }
            span.help #staff-token-help { (words.token_help) }
            input #staff-token type="password" name="token" required autocomplete="current-password"
                aria-describedby="staff-token-help";
            button type="submit" { (words.sign_in) }
        }
    };
    staff_page(shared, mount, lang, words.staff_title, body, status)
}

/// Why a staff request is refused with a page of its own.
#[derive(Clone, Copy)]
enum Refusal {
    /// The server takes no updates (404).
    Off,
    /// Not one of the token's facilities (403, and no form).
    Forbidden,
    /// A form without its session's CSRF token, or from another site (403).
    BadForm,
}

fn refused(shared: &Shared, mount: &Mount, lang: Lang, why: Refusal) -> Response {
    let words = lang.trust();
    let (title, message, status) = match why {
        Refusal::Off => (words.staff_title, words.staff_off, StatusCode::NOT_FOUND),
        Refusal::Forbidden => (
            words.forbidden_title,
            words.forbidden,
            StatusCode::FORBIDDEN,
        ),
        Refusal::BadForm => (words.bad_form_title, words.bad_form, StatusCode::FORBIDDEN),
    };
    message_page(shared, mount, lang, title, message, status)
}

/// `GET /staff`: the sign-in form, or the signed-in page.
pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    PageRequest { lang, mount, pairs }: PageRequest,
    headers: HeaderMap,
) -> Response {
    let staff = match staff_of(&shared, &headers) {
        Ok(staff) => staff,
        Err(NotIn::Off) => return refused(&shared, &mount, lang, Refusal::Off),
        Err(NotIn::SignedOut) => {
            return sign_in_page(&shared, &mount, lang, None, StatusCode::OK);
        }
    };
    let asked = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    };
    let done = match asked("done") {
        Some("saved") => Some(lang.trust().saved),
        Some("confirmed") => Some(lang.trust().confirmed),
        _ => None,
    };
    let focus = asked("facility").map(str::to_string);
    dashboard(
        &shared,
        &mount,
        lang,
        &staff,
        focus,
        Notice::from(done),
        None,
    )
    .await
}

/// What the page says at its top after a form.
enum Notice {
    None,
    Done(&'static str),
    Problems(Vec<String>),
}

impl From<Option<&'static str>> for Notice {
    fn from(done: Option<&'static str>) -> Notice {
        done.map_or(Notice::None, Notice::Done)
    }
}

/// What one facility's section shows: its current reports with their senders, its open
/// problem reports.
struct Listed {
    reports: Vec<(Update, Option<String>)>,
    problems: Vec<ProblemReport>,
}

/// The signed-in page: the facilities of the token (or the one asked for), each with its
/// forms. `typed` is a refused form's fields, shown again in the form they came from.
async fn dashboard(
    shared: &Arc<Shared>,
    mount: &Mount,
    lang: Lang,
    staff: &Staff,
    focus: Option<String>,
    notice: Notice,
    typed: Option<FormBody>,
) -> Response {
    let words = lang.trust();
    let index = shared.locator.index();
    // `None` when the token may update every facility.
    let own = staff.grant.facilities();
    let ids: Vec<String> = match (&focus, &own) {
        (Some(id), _) if !staff.grant.allows(id) => {
            return refused(shared, mount, lang, Refusal::Forbidden);
        }
        (Some(id), _) => vec![id.clone()],
        (None, Some(ids)) => ids.iter().map(|id| id.to_string()).collect(),
        (None, None) => Vec::new(),
    };
    let shown: Vec<String> = ids
        .into_iter()
        .filter(|id| index.get(id).is_some())
        .take(MAX_LISTED)
        .collect();
    let Some(writer) = &shared.writer else {
        return refused(shared, mount, lang, Refusal::Off);
    };
    // Read by the writer, in turn with the writes: what was just saved is there.
    let wanted = shown.clone();
    let listed = writer
        .run(move |store| {
            wanted
                .iter()
                .map(|id| {
                    Ok(Listed {
                        reports: store.current_labelled_of(id)?,
                        problems: store.problems(Which::Open, Some(id))?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(_) => {
            return message_page(
                shared,
                mount,
                lang,
                words.staff_title,
                lang.text().busy,
                StatusCode::SERVICE_UNAVAILABLE,
            );
        }
    };
    let now = Timestamp::now();
    let unknown_focus = focus.as_deref().filter(|id| index.get(id).is_none());
    let body = html! {
        h1 { (words.staff_title) }
        @match &notice {
            Notice::Done(said) => p.done role="status" { (said) },
            Notice::Problems(problems) => div.alert role="alert" {
                p { (words.not_saved) }
                ul { @for problem in problems { li { (problem) } } }
            },
            Notice::None => {},
        }
        p.session {
            (words.signed_in_until) " " (clock_utc(staff.session.expires)) " UTC."
            @if let Some(label) = &staff.grant.label {
                " " (words.signed_in_as) " " code { (label) } "."
            }
        }
        form.inline method="post" action=(mount.link("/staff/sign-out")) {
            input type="hidden" name="csrf" value=(staff.csrf);
            input type="hidden" name="lang" value=(lang.code());
            button type="submit" { (words.sign_out) }
        }
        @if own.is_none() || focus.is_some() {
            @if focus.is_none() { h2 { (words.find_facility) } }
            form.inline method="get" action=(mount.link("/staff")) {
                @if lang == Lang::Es { input type="hidden" name="lang" value="es"; }
                label for="staff-facility" { (words.facility_id) }
                input #staff-facility type="text" name="facility" value=[focus.as_deref()];
                button type="submit" { (words.show) }
            }
            @if own.is_none() && focus.is_none() {
                p { (words.every_facility_note) }
            }
        }
        @if unknown_focus.is_some() { p.alert role="alert" { (words.no_such_facility) } }
        @if focus.is_none() && !shown.is_empty() { h2 { (words.your_facilities) } }
        @for (n, (id, listed)) in shown.iter().zip(&listed).enumerate() {
            @if let Some(f) = index.get(id) {
                (facility_section(n, f, listed, staff, mount, lang, now, typed.as_ref()))
            }
        }
    };
    let status = match notice {
        Notice::Problems(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ if unknown_focus.is_some() => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    staff_page(shared, mount, lang, words.staff_title, body, status)
}

/// The form's label of a feed column, for the problems a refused form lists.
fn field_label<'w>(column: &'w str, words: &'w TrustText) -> &'w str {
    match column {
        "care" => words.level,
        "accepting" => words.accepting,
        "beds_available" => words.beds_available,
        "beds_total" => words.beds_total,
        "wait_days" => words.wait_days,
        "walk_in" => words.walk_in,
        "same_day_medication" => words.same_day_medication,
        "counseling_required" => words.counseling_required,
        "telehealth_intake" => words.telehealth_intake,
        other => other,
    }
}

/// `HH:MM` of `at` in UTC.
fn clock_utc(at: Timestamp) -> String {
    let time = jiff::tz::TimeZone::UTC.to_datetime(at);
    format!("{:02}:{:02}", time.hour(), time.minute())
}

#[allow(clippy::too_many_arguments)] // each is one part of the section
fn facility_section(
    n: usize,
    f: FacilityRef<'_>,
    listed: &Listed,
    staff: &Staff,
    mount: &Mount,
    lang: Lang,
    now: Timestamp,
    typed: Option<&FormBody>,
) -> Markup {
    let words = lang.trust();
    let typed_for =
        |care: &str| typed.filter(|form| form.field("id") == f.id() && form.field("care") == care);
    let reported_levels: Vec<Option<CareLevel>> = listed
        .reports
        .iter()
        .map(|(update, _)| update.care)
        .collect();
    let mut sections: Vec<Option<CareLevel>> = vec![None];
    sections.extend(reported_levels.iter().copied().filter(Option::is_some));
    html! {
        section.staff-facility aria-labelledby=(format!("f{n}")) {
            h2 #(format!("f{n}")) { a href=(super::facility_url(mount, f.id(), lang)) { (f.name()) } }
            p { (cards::address(f)) " · " code { (f.id()) } }
            h3 { (words.open_reports) }
            @if listed.problems.is_empty() {
                p { (words.no_open_reports) }
            } @else {
                ul.problems {
                    @for problem in &listed.problems {
                        li {
                            strong { (words.reason(problem.reason, lang)) }
                            " (" (words.report_received) " " (cards::ago(problem.received_at, now, lang)) ")"
                            @if !problem.details.is_empty() { br; q { (problem.details) } }
                        }
                    }
                }
            }
            @for care in &sections {
                @let current = listed.reports.iter().find(|(update, _)| update.care == *care);
                @let care_name = care.map_or("", CareLevel::name);
                @let key = format!("f{n}-{}", if care_name.is_empty() { "all" } else { care_name });
                h3 #(format!("{key}-title")) {
                    @match care { None => (words.whole_facility), Some(level) => (text::care_level(*level, lang)) }
                }
                @match current {
                    Some((update, label)) => (current_values(update, label.as_deref(), lang, now)),
                    None => p { (words.nothing_reported) },
                }
                form.staff-update method="post" action=(mount.link("/staff/update")) aria-labelledby=(format!("{key}-title")) {
                    (hidden(staff, f.id(), lang))
                    input type="hidden" name="care" value=(care_name);
                    (update_fields(&key, current.map(|(update, _)| update), typed_for(care_name), words))
                    p.help { (words.save_help) }
                    button type="submit" { (words.save) }
                }
                @if current.is_some() {
                    form.inline method="post" action=(mount.link("/staff/confirm")) {
                        (hidden(staff, f.id(), lang))
                        input type="hidden" name="care" value=(care_name);
                        button type="submit" aria-describedby=(format!("{key}-confirm-help")) { (words.still_accurate) }
                        " " span.help #(format!("{key}-confirm-help")) { (words.still_accurate_help) }
                    }
                }
            }
            @let unreported: Vec<CareLevel> = f.care().iter().filter(|level| !reported_levels.contains(&Some(*level))).collect();
            @if !unreported.is_empty() {
                @let key = format!("f{n}-level");
                details {
                    summary { (words.one_level) }
                    form.staff-update method="post" action=(mount.link("/staff/update")) {
                        (hidden(staff, f.id(), lang))
                        label for=(format!("{key}-care")) { (words.level) }
                        select #(format!("{key}-care")) name="care" {
                            @for level in &unreported {
                                option value=(level.name()) { (text::care_level(*level, lang)) }
                            }
                        }
                        (update_fields(&key, None, None, words))
                        button type="submit" { (words.save) }
                    }
                }
            }
        }
    }
}

fn hidden(staff: &Staff, id: &str, lang: Lang) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(staff.csrf);
        input type="hidden" name="lang" value=(lang.code());
        input type="hidden" name="id" value=(id);
    }
}

/// What the public pages show now, field by field, with its age and sender.
fn current_values(update: &Update, label: Option<&str>, lang: Lang, now: Timestamp) -> Markup {
    let words = lang.trust();
    let flag = |flag: Option<bool>| match flag {
        Some(true) => words.yes,
        Some(false) => words.no,
        None => words.not_stated,
    };
    let count = |n: Option<u32>| n.map_or(words.not_stated.to_string(), |n| n.to_string());
    html! {
        p {
            strong { (words.current) } " · " (cards::ago(update.updated_at, now, lang))
            @if let Some(label) = label { " " (words.by) " " code { (label) } }
        }
        dl.facts {
            dt { (words.accepting) } dd { (flag(update.accepting)) }
            dt { (words.beds_available) } dd { (count(update.beds_available)) }
            dt { (words.beds_total) } dd { (count(update.beds_total)) }
            dt { (words.wait_days) } dd { (count(update.wait_days)) }
            dt { (words.walk_in) } dd {
                @match &update.walk_in { Some(walk_in) => (walk_in.to_string()), None => (words.not_stated) }
            }
            dt { (words.same_day_medication) } dd { (flag(update.same_day_medication)) }
            dt { (words.counseling_required) } dd { (flag(update.counseling_required)) }
            dt { (words.telehealth_intake) } dd { (flag(update.telehealth_intake)) }
        }
    }
}

/// The fields of one update form, filled from what was typed (a refused form) or else
/// from the current report, so that saving unchanged keeps what is shown.
fn update_fields(
    key: &str,
    current: Option<&Update>,
    typed: Option<&FormBody>,
    words: &TrustText,
) -> Markup {
    // The current report as a feed row, once for all the fields.
    let row = current.map(feed::row);
    let value = |name: &str| -> String {
        if let Some(form) = typed {
            return form.field(name).to_string();
        }
        let at = feed::COLUMNS.iter().position(|column| *column == name);
        match (&row, at) {
            (Some(row), Some(at)) => row[at].clone(),
            _ => String::new(),
        }
    };
    let yes_no = |name: &'static str, label: &str| {
        let now = value(name);
        let id = format!("{key}-{name}");
        html! {
            div.field {
                label for=(id) { (label) }
                select #(id) name=(name) {
                    option value="" selected[now.is_empty()] { (words.not_stated) }
                    option value="yes" selected[now == "yes"] { (words.yes) }
                    option value="no" selected[now == "no"] { (words.no) }
                }
            }
        }
    };
    let number = |name: &'static str, label: &str| {
        let id = format!("{key}-{name}");
        html! {
            div.field {
                label for=(id) { (label) }
                input #(id) type="number" min="0" inputmode="numeric" name=(name) value=(value(name));
            }
        }
    };
    let walk_in = format!("{key}-walk_in");
    html! {
        (yes_no("accepting", words.accepting))
        (number("beds_available", words.beds_available))
        (number("beds_total", words.beds_total))
        (number("wait_days", words.wait_days))
        div.field {
            label for=(walk_in) { (words.walk_in) }
            span.help #(format!("{walk_in}-help")) { (words.walk_in_help) }
            input #(walk_in) type="text" name="walk_in" value=(value("walk_in"))
                aria-describedby=(format!("{walk_in}-help"));
        }
        (yes_no("same_day_medication", words.same_day_medication))
        (yes_no("counseling_required", words.counseling_required))
        (yes_no("telehealth_intake", words.telehealth_intake))
    }
}

/// `POST /staff/sign-in`: a token from the form; a session cookie when it is known.
pub(crate) async fn sign_in(
    State(shared): State<Arc<Shared>>,
    PageRequest { lang, mount, .. }: PageRequest,
    peer: Option<axum::Extension<Peer>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormBody::of(&body);
    let lang = form.lang(lang);
    let words = lang.trust();
    let (Some(keys), Some(tokens)) = (&shared.keys, &shared.tokens) else {
        return refused(&shared, &mount, lang, Refusal::Off);
    };
    if cross_site(&headers) {
        return refused(&shared, &mount, lang, Refusal::BadForm);
    }
    let client = peer.map(|axum::Extension(Peer(client))| client);
    if !shared.guards.sign_in(client, Instant::now()) {
        let mut response = sign_in_page(
            &shared,
            &mount,
            lang,
            Some(words.too_many_tries),
            StatusCode::TOO_MANY_REQUESTS,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(900));
        return response;
    }
    let token = form.field("token");
    let Some((hash, _)) = (!token.trim().is_empty())
        .then(|| tokens.load().of_token(token))
        .flatten()
    else {
        return sign_in_page(
            &shared,
            &mount,
            lang,
            Some(words.sign_in_failed),
            StatusCode::UNAUTHORIZED,
        );
    };
    let Some(session) = keys.start(hash, Timestamp::now()) else {
        return message_page(
            &shared,
            &mount,
            lang,
            words.staff_title,
            lang.text().busy,
            StatusCode::SERVICE_UNAVAILABLE,
        );
    };
    let mut response = see_other(&staff_url(&mount, lang, None, None));
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(&shared, &mount, Some(&keys.cookie_value(&session))),
    );
    response
}

/// A staff form's checks: a session, its CSRF token, a same-site request. `Err` is the
/// page to answer instead (a refusal, on a path that is not hot: not worth a box).
#[allow(clippy::result_large_err)]
fn checked(
    shared: &Shared,
    mount: &Mount,
    lang: Lang,
    headers: &HeaderMap,
    form: &FormBody,
) -> Result<Staff, Response> {
    let staff = match staff_of(shared, headers) {
        Ok(staff) => staff,
        Err(NotIn::Off) => return Err(refused(shared, mount, lang, Refusal::Off)),
        Err(NotIn::SignedOut) => {
            return Err(sign_in_page(
                shared,
                mount,
                lang,
                Some(lang.trust().expired),
                StatusCode::UNAUTHORIZED,
            ));
        }
    };
    let keys = shared
        .keys
        .as_ref()
        .ok_or_else(|| refused(shared, mount, lang, Refusal::Off))?;
    if cross_site(headers) || !keys.csrf_holds(&staff.session, form.field("csrf")) {
        return Err(refused(shared, mount, lang, Refusal::BadForm));
    }
    Ok(staff)
}

/// `POST /staff/sign-out`: ends the session in this browser.
pub(crate) async fn sign_out(
    State(shared): State<Arc<Shared>>,
    PageRequest { lang, mount, .. }: PageRequest,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = FormBody::of(&body);
    let lang = form.lang(lang);
    if let Err(refused) = checked(&shared, &mount, lang, &headers, &form) {
        return refused;
    }
    let mut response = see_other(&staff_url(&mount, lang, None, None));
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&shared, &mount, None));
    response
}

/// A checked form about one facility: the session's, with its CSRF token, for a facility
/// of the token's.
struct FacilityForm {
    staff: Staff,
    form: FormBody,
    lang: Lang,
    id: String,
}

#[allow(clippy::result_large_err)] // as `checked`
fn facility_form(
    shared: &Shared,
    mount: &Mount,
    asked: Lang,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<FacilityForm, Response> {
    let form = FormBody::of(body);
    let lang = form.lang(asked);
    let staff = checked(shared, mount, lang, headers, &form)?;
    let id = form.field("id").to_string();
    // An id the directory does not have is no facility of the token's either.
    if !staff.grant.allows(&id) || shared.locator.index().get(&id).is_none() {
        return Err(refused(shared, mount, lang, Refusal::Forbidden));
    }
    Ok(FacilityForm {
        staff,
        form,
        lang,
        id,
    })
}

/// `POST /staff/update`: one report for a facility (or one of its levels), read by the
/// feed's own rules and written by the writer.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    PageRequest { lang, mount, .. }: PageRequest,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let FacilityForm {
        staff,
        form,
        lang,
        id,
    } = match facility_form(&shared, &mount, lang, &headers, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    // One row of a CSV feed, so that a form is checked exactly as a feed is (and its
    // problems name the field).
    let now = Timestamp::now();
    let mut row: Vec<String> = feed::COLUMNS
        .iter()
        .map(|column| form.field(column).trim().to_string())
        .collect();
    if let Some(last) = row.last_mut() {
        *last = now.to_string();
    }
    let mut csv = csv::Writer::from_writer(Vec::new());
    let _ = csv.write_record(feed::COLUMNS);
    let _ = csv.write_record(&row);
    let bytes = csv.into_inner().unwrap_or_default();
    let known = |candidate: &str| candidate == id;
    let read = feed::read(&bytes, FeedFormat::Csv, &Check::at(now).known_ids(&known));
    let problems: Vec<String> = match &read {
        Ok(feed) => feed
            .problems
            .iter()
            .map(|p| format!("{}: {}", field_label(p.field, lang.trust()), p.problem))
            .collect(),
        Err(error) => vec![error.to_string()],
    };
    let update = read
        .ok()
        .and_then(|feed| feed.updates.into_iter().next())
        .filter(|_| problems.is_empty());
    let Some(update) = update else {
        return dashboard(
            &shared,
            &mount,
            lang,
            &staff,
            Some(id),
            Notice::Problems(problems),
            Some(form),
        )
        .await;
    };
    write(&shared, &mount, lang, &staff, id, update, "saved").await
}

/// `POST /staff/confirm`: "still accurate", the current report again as of now.
pub(crate) async fn confirm(
    State(shared): State<Arc<Shared>>,
    PageRequest { lang, mount, .. }: PageRequest,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let FacilityForm {
        staff,
        form,
        lang,
        id,
    } = match facility_form(&shared, &mount, lang, &headers, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let care: Option<CareLevel> = match form.field("care") {
        "" => None,
        name => match name.parse() {
            Ok(level) => Some(level),
            Err(_) => return refused(&shared, &mount, lang, Refusal::BadForm),
        },
    };
    let current = shared
        .locator
        .availability()
        .reports(&id)
        .iter()
        .find(|report| report.care == care)
        .cloned();
    let Some(mut update) = current else {
        let problems = vec![lang.trust().nothing_to_confirm.to_string()];
        return dashboard(
            &shared,
            &mount,
            lang,
            &staff,
            Some(id),
            Notice::Problems(problems),
            None,
        )
        .await;
    };
    update.updated_at = Timestamp::now();
    write(&shared, &mount, lang, &staff, id, update, "confirmed").await
}

/// Commits `update` with the token's label, then shows the facility with `done` said;
/// a write the store refused is said as such (nothing was saved).
async fn write(
    shared: &Arc<Shared>,
    mount: &Mount,
    lang: Lang,
    staff: &Staff,
    id: String,
    update: Update,
    done: &str,
) -> Response {
    let Some(writer) = &shared.writer else {
        return refused(shared, mount, lang, Refusal::Off);
    };
    match writer.commit(vec![update], staff.grant.label.clone()).await {
        Ok(_) => see_other(&staff_url(mount, lang, Some(&id), Some(done))),
        Err(error) => {
            let problems = vec![error.message.clone()];
            dashboard(
                shared,
                mount,
                lang,
                staff,
                Some(id),
                Notice::Problems(problems),
                None,
            )
            .await
        }
    }
}
