//! `/facility/{id}`: a stable address for one facility, with every field it has.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use carefind::{CredentialKind, Status};
use jiff::Timestamp;
use maud::html;

use super::text::{self, Lang};
use super::{PageRequest, cards, message_page, page};
use crate::Shared;
use crate::mount::Mount;
use crate::params::Params;

fn page_of(shared: &Shared, mount: &Mount, id: &str, lang: Lang) -> Response {
    let text = lang.text();
    let index = shared.locator.index();
    let Some(f) = index.get(id) else {
        return message_page(
            shared,
            mount,
            lang,
            text.not_found_title,
            text.no_such_facility,
            StatusCode::NOT_FOUND,
        );
    };
    let shown = Params::default()
        .shown(shared.availability())
        .ok()
        .flatten();
    let or_not_listed = |value: String| {
        if value.trim().is_empty() {
            text.not_listed.to_string()
        } else {
            value
        }
    };
    // A directory lists the facilities it believes open without saying so: only a
    // closure is something the data states.
    let status = match f.status() {
        Status::Active => None,
        Status::TemporarilyClosed => Some(text.status_temporarily_closed),
        Status::Closed => Some(text.status_closed),
    };
    let list = |items: Vec<&str>| or_not_listed(items.join(", "));
    let body = html! {
        h1 { (f.name()) }
        @if !f.name2().is_empty() { p { (f.name2()) } }
        @if let Some(status) = status { p.alert { (status) } }
        (cards::report_line(shown.as_ref(), f, lang, Timestamp::now()))
        (cards::actions(f, lang))
        (cards::source_line([f], lang))
        dl.facts {
            dt { (text.address) } dd { (or_not_listed(cards::address(f))) }
            dt { (text.phone) } dd {
                @match cards::tel(f.phone()) {
                    Some(tel) => a href=(tel) { (f.phone()) },
                    None => (or_not_listed(f.phone().to_string())),
                }
            }
            @if !f.intake_phone().is_empty() && f.intake_phone() != f.phone() {
                dt { (text.intake) } dd {
                    @match cards::tel(f.intake_phone()) {
                        Some(tel) => a href=(tel) { (f.intake_phone()) },
                        None => (f.intake_phone()),
                    }
                }
            }
            dt { (text.website) } dd {
                @match cards::website(f.website()) {
                    Some(site) => a href=(site) rel="noopener noreferrer" { (f.website()) },
                    None => (or_not_listed(f.website().to_string())),
                }
            }
            dt { (text.levels) } dd { (or_not_listed(cards::levels(f.care(), lang))) }
            @let asam = carefind::asam::of_care(f.care());
            @if !asam.is_empty() {
                dt { (text.asam_levels) }
                dd {
                    (asam.iter().map(|level| text::asam(level, lang)).collect::<Vec<_>>().join(", "))
                    br; span.help { (text.asam_derived) }
                }
            }
            dt { (text.pays) } dd { (list(f.payment().iter().map(|p| text::payment(p, lang)).collect())) }
            dt { (text.ages) } dd { (list(f.ages().iter().map(|a| text::age(a, lang)).collect())) }
            dt { (text.serves) } dd { (list(f.populations().iter().map(|p| text::population(p, lang)).collect())) }
            dt { (text.languages) } dd { (list(f.languages().iter().map(|l| text::language(l, lang)).collect())) }
            dt { (text.medications) } dd { (list(f.medications().iter().map(|m| text::medication(m, lang)).collect())) }
            // The directories say their services in English only.
            dt { (text.services) } dd lang=[f.services().next().map(|_| "en")] { (list(f.services().collect())) }
            @if let Some(status) = status { dt { (text.status) } dd { (status) } }
            // Accreditors, licensers and the rest apart: they say different things.
            @for (label, kinds) in [
                (text.accredited_by, &[CredentialKind::Accreditation][..]),
                (text.licensed_by, &[CredentialKind::License][..]),
                (text.other_credentials, &[CredentialKind::Certification, CredentialKind::Registration, CredentialKind::Designation][..]),
            ] {
                @let held: Vec<&str> = f.credentials().iter().filter(|c| kinds.contains(&c.kind())).map(|c| text::credential(c, lang)).collect();
                @if !held.is_empty() { dt { (label) } dd { (held.join(", ")) } }
            }
            dt { (text.verified) } dd {
                @match f.verified() { Some(date) => (date), None => (text.not_listed) }
            }
            dt { (text.source) } dd { (or_not_listed(f.source().to_string())) }
        }
    };
    let switch = super::facility_url(mount, f.id(), lang.other());
    let switch = if lang.other() == Lang::En {
        format!("{switch}?lang=en")
    } else {
        switch
    };
    page(
        shared,
        mount,
        lang,
        f.name(),
        &switch,
        body,
        false,
        StatusCode::OK,
    )
}

pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    PageRequest { lang, mount, .. }: PageRequest,
) -> Response {
    let text = lang.text();
    match id {
        Ok(Path(id)) => page_of(&shared, &mount, &id, lang),
        Err(_) => message_page(
            &shared,
            &mount,
            lang,
            text.not_found_title,
            text.no_such_facility,
            StatusCode::NOT_FOUND,
        ),
    }
}
