//! The treatment locator's pages, for people rather than programs: a search form, results
//! as cards with a small map, a page per facility and the step-down path, in English and
//! Spanish, served from the same index as the API.
//!
//! Every page works without JavaScript (one small script adds "use my location"), makes
//! no request to anyone but this server, sets no cookie (the staff pages set one, for the
//! session of whoever signs in), and is sent with a
//! `Content-Security-Policy` that allows only this server, `Referrer-Policy: no-referrer`
//! (the place in the URL never reaches a facility's website) and `Cache-Control:
//! no-store`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};

use crate::Shared;
use crate::error::ApiError;
use crate::mount::Mount;
use crate::params::pairs;

mod cards;
mod facility;
mod form;
mod map;
mod report;
mod results;
mod staff;
mod steps;
mod text;
mod transit;
mod trust_text;

pub use text::Lang;

const STYLE: &str = include_str!("../../assets/style.css");
const LOCATE: &str = include_str!("../../assets/locate.js");
const ICON: &str = include_str!("../../assets/icon.svg");

/// What the pages show beyond the data: a banner over fictitious listings, and tiles under
/// the map when an operator gives a tile server.
#[derive(Clone, Debug, Default)]
pub struct Pages {
    /// The listings are the embedded sample: say so on every page.
    pub sample: bool,
    /// A tile URL template (`https://tiles.example/{z}/{x}/{y}.png`) for the map.
    pub tiles: Option<String>,
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/", get(search_page))
        .route("/find", get(results::find))
        .route("/find/print", get(results::print))
        .route("/find/csv", get(results::csv))
        .route("/facility/{id}", get(facility::show).post(report::receive))
        .route("/staff", get(staff::show))
        .route("/staff/sign-in", post(staff::sign_in))
        .route("/staff/sign-out", post(staff::sign_out))
        .route("/staff/update", post(staff::update))
        .route("/staff/confirm", post(staff::confirm))
        .route("/pathway", get(steps::show))
        .route("/static/style.css", get(style))
        .route("/static/locate.js", get(locate))
        .route("/static/icon.svg", get(icon))
        // Browsers ask for it whatever the page says.
        .route("/favicon.ico", get(icon))
}

/// The language a request asks for: `lang=` in its query, else its `Accept-Language`.
fn language(pairs: &[(String, String)], headers: &HeaderMap) -> Lang {
    let asked = pairs
        .iter()
        .find(|(key, _)| key == "lang")
        .map(|(_, value)| value.as_str());
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    Lang::choose(asked, accept)
}

/// A form's body (`application/x-www-form-urlencoded`): its fields, in order.
pub(crate) struct FormBody(Vec<(String, String)>);

impl FormBody {
    /// The fields of `body`; a body that does not parse has none.
    pub(crate) fn of(body: &[u8]) -> FormBody {
        FormBody(serde_urlencoded::from_bytes(body).unwrap_or_default())
    }

    /// The value of field `name` (empty when it is missing).
    pub(crate) fn field(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The language the form says it was in (a POST's address may not say), else `asked`.
    pub(crate) fn lang(&self, asked: Lang) -> Lang {
        Lang::parse(self.field("lang")).unwrap_or(asked)
    }
}

/// What a page request asks: its query string's pairs, in order, and its language. A query
/// string too long or malformed is answered with the form and its message, in the language
/// the headers ask for, before the handler runs.
pub(crate) struct PageRequest {
    pairs: Vec<(String, String)>,
    lang: Lang,
    mount: Mount,
}

impl FromRequestParts<Arc<Shared>> for PageRequest {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<PageRequest, Response> {
        let mount = Mount::of(parts);
        match pairs(parts.uri.query()) {
            Ok(pairs) => {
                let lang = language(&pairs, &parts.headers);
                Ok(PageRequest { pairs, lang, mount })
            }
            Err(error) => {
                let lang = language(&[], &parts.headers);
                let (form, _) = form::SearchForm::parse(&[], lang, mount);
                Err(form_page(
                    shared,
                    &form,
                    &[form::Problem::of(&error)],
                    error.status,
                ))
            }
        }
    }
}

async fn search_page(
    State(shared): State<Arc<Shared>>,
    PageRequest { pairs, lang, mount }: PageRequest,
) -> Response {
    // A search page may come back filled in, from a results page's "change the search".
    let (form, problems) = form::SearchForm::parse(&pairs, lang, mount);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    form_page(&shared, &form, &problems, status)
}

/// The search form, alone or with the problems of a search.
fn form_page(
    shared: &Shared,
    form: &form::SearchForm,
    problems: &[form::Problem],
    status: StatusCode,
) -> Response {
    let text = form.lang.text();
    let title = if problems.is_empty() {
        text.search_title
    } else {
        text.error_title
    };
    let body = html! {
        h1 { (title) }
        @if problems.is_empty() { p { (text.search_intro) } } @else { (form::summary(form, problems)) }
        (form::render(form, problems, shared.availability().is_some(), shared.transit.as_ref().map(|t| t.offer()).as_ref(), form::Mode::Search))
    };
    page(
        shared,
        &form.mount,
        form.lang,
        title,
        &switch_url("/", form, None),
        body,
        true,
        status,
    )
}

/// The address of the same page in the other language.
fn switch_url(path: &str, form: &form::SearchForm, extra: Option<&str>) -> String {
    let mut other = form.clone();
    other.lang = form.lang.other();
    let url = if form.near.is_empty() && path == "/" {
        form.mount.link(match other.lang {
            Lang::Es => "/?lang=es",
            Lang::En => "/?lang=en",
        })
    } else {
        let page = form.after.as_deref().map(|after| (after, form.start));
        let mut url = other.url(path, form.within, page);
        if other.lang == Lang::En {
            url.push_str("&lang=en");
        }
        url
    };
    match extra {
        Some(extra) => format!("{url}&{extra}"),
        None => url,
    }
}

/// A whole page: the crisis lines, the sample's banner, the language switch, `main`;
/// every address on it under `mount`.
#[allow(clippy::too_many_arguments)] // each is one part of the page
fn page(
    shared: &Shared,
    mount: &Mount,
    lang: Lang,
    title: &str,
    switch: &str,
    main: Markup,
    with_script: bool,
    status: StatusCode,
) -> Response {
    let privacy = lang.text().privacy;
    page_saying(
        shared,
        mount,
        lang,
        title,
        switch,
        main,
        with_script,
        status,
        privacy,
    )
}

/// [`page`] with another privacy note in its footer (the staff pages set a cookie).
#[allow(clippy::too_many_arguments)] // each is one part of the page
fn page_saying(
    shared: &Shared,
    mount: &Mount,
    lang: Lang,
    title: &str,
    switch: &str,
    main: Markup,
    with_script: bool,
    status: StatusCode,
    privacy: &str,
) -> Response {
    let text = lang.text();
    let home = mount.link(match lang {
        Lang::En => "/",
        Lang::Es => "/?lang=es",
    });
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · " (text.site) }
                link rel="stylesheet" href=(mount.link("/static/style.css"));
                link rel="icon" href=(mount.link("/static/icon.svg")) type="image/svg+xml";
            }
            body {
                a.skip href="#main" { (text.skip) }
                header {
                    div.top {
                        a.site href=(home) { (text.site) }
                        a href=(switch) lang=(lang.other().code()) hreflang=(lang.other().code()) { (text.switch_to) }
                    }
                    // Compact, so that a phone's first screen still shows the first result.
                    div.crisis {
                        p {
                            strong { (text.crisis_title) } " "
                            a href="tel:988" { (text.crisis_988_call) } " · "
                            a href="sms:988" { (text.crisis_988_text) }
                            " " span.note { (text.crisis_988) }
                        }
                        p {
                            (text.crisis_samhsa) " " a href="tel:+18006624357" { "1-800-662-4357" }
                            " · " (text.emergency)
                        }
                    }
                    @if shared.pages.sample {
                        p.banner role="note" { (text.sample_banner) }
                    }
                }
                main #main { (main) }
                footer { p { (privacy) } }
                @if with_script { script src=(mount.link("/static/locate.js")) defer {} }
            }
        }
    };
    html_response(shared, status, markup.into_string())
}

/// The headers every page carries: only this server may be reached (tiles aside, when
/// the operator asked for them), no referrer leaves, nothing is cached.
fn html_response(shared: &Shared, status: StatusCode, body: String) -> Response {
    let images = match shared.pages.tiles.as_deref().and_then(origin_of) {
        Some(tiles) => format!("'self' {tiles}"),
        None => "'self'".into(),
    };
    let policy = format!(
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src {images}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("geolocation=(self), camera=(), microphone=()"),
    );
    response
}

/// `https://host[:port]` of a URL template, for the policy.
fn origin_of(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    let host = rest.split('/').next()?;
    (matches!(scheme, "https" | "http")
        && !host.is_empty()
        && !host.contains(['{', ' ', ';', '\'']))
    .then(|| format!("{scheme}://{host}"))
}

/// A page for an error that is not the form's: a facility that is not there, a busy
/// server.
fn message_page(
    shared: &Shared,
    mount: &Mount,
    lang: Lang,
    title: &str,
    message: &str,
    status: StatusCode,
) -> Response {
    let switch = mount.link(match lang.other() {
        Lang::Es => "/?lang=es",
        Lang::En => "/?lang=en",
    });
    let home = mount.link(match lang {
        Lang::En => "/",
        Lang::Es => "/?lang=es",
    });
    let body = html! {
        h1 { (title) }
        p.alert role="alert" { (message) }
        p { a href=(home) { (lang.text().search_title) } }
    };
    page(shared, mount, lang, title, &switch, body, false, status)
}

/// The page for an error a search's work ended with (busy, too much work): the form
/// again for what the person can change, a message for what they cannot.
fn search_failed(shared: &Shared, form: &form::SearchForm, error: ApiError) -> Response {
    let text = form.lang.text();
    if error.status.is_server_error() {
        let mut response = message_page(
            shared,
            &form.mount,
            form.lang,
            text.error_title,
            text.busy,
            error.status,
        );
        if let Some(seconds) = error.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        return response;
    }
    let status = if error.status.is_client_error() {
        error.status
    } else {
        StatusCode::BAD_REQUEST
    };
    form_page(shared, form, &[form::Problem::of(&error)], status)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

async fn locate() -> Response {
    asset("text/javascript; charset=utf-8", LOCATE)
}

async fn icon() -> Response {
    asset("image/svg+xml", ICON)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The page for a path no route serves.
pub(crate) fn not_found(shared: &Shared, mount: &Mount, headers: &HeaderMap) -> Response {
    let lang = language(&[], headers);
    let text = lang.text();
    message_page(
        shared,
        mount,
        lang,
        text.not_found_title,
        text.not_found,
        StatusCode::NOT_FOUND,
    )
}

/// A facility's page, by id.
fn facility_url(mount: &Mount, id: &str, lang: Lang) -> String {
    let id: String = serde_urlencoded::to_string([("", id)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .replace('+', "%20");
    match lang {
        Lang::En => mount.link(&format!("/facility/{id}")),
        Lang::Es => mount.link(&format!("/facility/{id}?lang=es")),
    }
}
