//! "Report a problem with this listing": the form on every facility page (when the server
//! keeps a store), and `POST /facility/{id}`, which keeps the report durably.
//!
//! A report is a reason and up to 500 characters. The form asks for no name or contact;
//! the server keeps no address of the sender, no cookie and no place (the facility page's
//! address holds none). Reports are limited per listing, per client and in all, in memory.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use carefind::availability::problems::{Reason, check_details};
use jiff::Timestamp;
use maud::{Markup, html};

use super::text::Lang;
use super::{FormBody, PageRequest, facility};
use crate::Shared;
use crate::connections::Peer;
use crate::mount::Mount;

/// The form's state on a facility page.
pub(crate) enum ReportForm {
    /// Empty, as first shown.
    Blank,
    /// The report was kept: say thank you and what happens next.
    Sent,
    /// The report was not taken: the message, and what was typed, to send again.
    Refused {
        message: &'static str,
        reason: Option<Reason>,
        details: String,
    },
}

/// The form, under the facility's facts.
pub(crate) fn form(action: &str, lang: Lang, state: &ReportForm) -> Markup {
    let words = lang.trust();
    let (chosen, typed) = match state {
        ReportForm::Refused {
            reason, details, ..
        } => (*reason, details.as_str()),
        _ => (None, ""),
    };
    html! {
        section.report aria-labelledby="report-title" #report {
            h2 #report-title { (words.report_title) }
            @match state {
                ReportForm::Sent => {
                    div role="status" {
                        p { strong { (words.report_thanks) } }
                        p { (words.report_next) }
                    }
                }
                ReportForm::Refused { message, .. } => {
                    p.alert role="alert" #report-problem { (message) }
                }
                ReportForm::Blank => {}
            }
            @if !matches!(state, ReportForm::Sent) {
                p { (words.report_intro) }
                form method="post" action=(action) {
                    input type="hidden" name="lang" value=(lang.code());
                    fieldset {
                        legend { (words.reason) }
                        @for reason in Reason::ALL {
                            div.choice {
                                input type="radio" name="reason" value=(reason.name())
                                    id=(format!("reason-{}", reason.name()))
                                    checked[chosen == Some(reason)] required;
                                label for=(format!("reason-{}", reason.name())) { (words.reason(reason, lang)) }
                            }
                        }
                    }
                    label for="report-details" { (words.details) }
                    span.help #report-details-help { (words.details_help) }
                    textarea #report-details name="details" maxlength="500" rows="4"
                        aria-describedby="report-details-help" { (typed) }
                    button type="submit" { (words.send_report) }
                }
            }
        }
    }
}

/// `POST /facility/{id}`: keeps a problem report and sends the person back to the
/// facility page, which thanks them; or shows the page again with what was wrong.
pub(crate) async fn receive(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    PageRequest { lang, mount, .. }: PageRequest,
    peer: Option<axum::Extension<Peer>>,
    body: Bytes,
) -> Response {
    let words = lang.trust();
    let (Ok(Path(id)), Some(writer)) = (id, shared.writer.as_ref()) else {
        return facility::no_such_facility(&shared, &mount, lang);
    };
    if shared.locator.index().get(&id).is_none() {
        return facility::no_such_facility(&shared, &mount, lang);
    }
    let form = FormBody::of(&body);
    let field = |name: &str| form.field(name);
    let lang = form.lang(lang);
    let reason = field("reason").parse::<Reason>().ok();
    let refuse = |message, status| {
        let state = ReportForm::Refused {
            message,
            reason,
            details: field("details").chars().take(2_000).collect(),
        };
        facility::page_of(&shared, &mount, &id, lang, &state, status)
    };
    let Some(reason) = reason else {
        return refuse(words.report_needs_reason, StatusCode::BAD_REQUEST);
    };
    let Ok(details) = check_details(field("details")) else {
        return refuse(words.report_too_long, StatusCode::BAD_REQUEST);
    };
    let client = peer.map(|axum::Extension(Peer(client))| client);
    if !shared.guards.report(&id, client, Instant::now()) {
        let mut response = refuse(words.report_limited, StatusCode::TOO_MANY_REQUESTS);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(3600));
        return response;
    }
    let kept = {
        let id = id.clone();
        writer
            .run(move |store| store.add_problem(&id, reason, &details, Timestamp::now()))
            .await
    };
    match kept {
        Ok(_) => {
            let back = format!("{}#report", sent_url(&mount, &id, lang));
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&back) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err(_) => refuse(words.report_not_kept, StatusCode::SERVICE_UNAVAILABLE),
    }
}

/// The facility page that thanks the person for a report.
fn sent_url(mount: &Mount, id: &str, lang: Lang) -> String {
    let page = super::facility_url(mount, id, lang);
    let joiner = if page.contains('?') { '&' } else { '?' };
    format!("{page}{joiner}reported=1")
}
