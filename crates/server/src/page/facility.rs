//! `/facility/{id}`: a stable address for one facility, with every field it has.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use carefind::availability::Stated;
use carefind::hours::WalkIn;
use carefind::record::Reported;
use carefind::{CredentialKind, FacilityRef, Status};
use jiff::Timestamp;
use maud::{Markup, html};

use super::report::ReportForm;
use super::text::{self, Lang};
use super::{PageRequest, cards, message_page, page};
use crate::Shared;
use crate::mount::Mount;
use crate::params::Params;

/// The page of facility `id`, with the problem-report form in `report`'s state (when the
/// server keeps a store to put reports in).
pub(crate) fn page_of(
    shared: &Shared,
    mount: &Mount,
    id: &str,
    lang: Lang,
    report: &ReportForm,
    answer: StatusCode,
) -> Response {
    let text = lang.text();
    let index = shared.locator.index();
    let Some(f) = index.get(id) else {
        return no_such_facility(shared, mount, lang);
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
    let ways = Reported::of(shown.as_ref(), f).ways_in;
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
            dt { (text.hours) } dd { (hours(f, ways, lang)) }
            @for (label, said) in getting_in_facts(f, ways, lang) {
                dt { (label) } dd { (said) }
            }
            @if let Some(at) = ways.updated_at() {
                dt { (text.ways_in_reported) } dd { (cards::ago(at, Timestamp::now(), lang)) }
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
        @if shared.writer.is_some() {
            (super::report::form(&super::facility_url(mount, f.id(), lang), lang, report))
        }
    };
    let switch = super::facility_url(mount, f.id(), lang.other());
    let switch = if lang.other() == Lang::En {
        format!("{switch}?lang=en")
    } else {
        switch
    };
    page(shared, mount, lang, f.name(), &switch, body, false, answer)
}

pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, axum::extract::rejection::PathRejection>,
    PageRequest { lang, mount, pairs }: PageRequest,
) -> Response {
    // Back from a report that was kept.
    let report = if pairs
        .iter()
        .any(|(key, value)| key == "reported" && value == "1")
    {
        ReportForm::Sent
    } else {
        ReportForm::Blank
    };
    match id {
        Ok(Path(id)) => page_of(&shared, &mount, &id, lang, &report, StatusCode::OK),
        Err(_) => no_such_facility(&shared, &mount, lang),
    }
}

/// The 404 page of an id no facility has.
pub(crate) fn no_such_facility(shared: &Shared, mount: &Mount, lang: Lang) -> Response {
    let text = lang.text();
    message_page(
        shared,
        mount,
        lang,
        text.not_found_title,
        text.no_such_facility,
        StatusCode::NOT_FOUND,
    )
}

/// The week's hours from today, in the facility's own time zone, today marked; the
/// levels' own hours after them; or that they are not listed.
fn hours(f: FacilityRef<'_>, ways: Stated<'_>, lang: Lang) -> Markup {
    let text = lang.text();
    let now = Timestamp::now();
    let Some(week) = carefind::hours::week_of(f, now) else {
        return html! { (text.hours_not_listed) };
    };
    let stretch = |(open, close): (u16, u16)| {
        format!(
            "{}–{}",
            cards::clock((open / 60) as i8, (open % 60) as i8),
            cards::clock((close / 60 % 24) as i8, (close % 60) as i8)
        )
    };
    html! {
        (cards::getting_in(f, ways, lang, now))
        table.hours {
            caption { (text.times_in) " " (week.zone) "." }
            tbody {
                @for (i, day) in week.days.iter().enumerate() {
                    tr.today[i == 0] aria-current=[(i == 0).then_some("date")] {
                        th scope="row" {
                            (text::weekday(day.date.weekday(), lang))
                            @if i == 0 { " (" (text.today) ")" }
                        }
                        td {
                            @if day.open.is_empty() { (text.closed_day) }
                            @else { (day.open.iter().map(|s| stretch(*s)).collect::<Vec<_>>().join(", ")) }
                        }
                    }
                }
            }
        }
        @for (level, own) in carefind::hours::levels_of(f) {
            p { (text.level_hours) " " (text::care_level(level, lang)) ": " span lang="en" { (own.as_str()) } }
        }
        p.help { (text.holidays_note) }
    }
}

/// Walk-in intake, medication on the first visit, counseling and intake by phone, each
/// as the listing (or a later report) states it, or "not stated".
fn getting_in_facts(
    f: FacilityRef<'_>,
    ways: Stated<'_>,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    let text = lang.text();
    let said = |flag: Option<bool>| {
        match flag {
            Some(true) => text.yes,
            Some(false) => text.no,
            None => text.not_stated,
        }
        .to_string()
    };
    let walk_in = match ways.walk_in_of(f) {
        None => text.not_stated.to_string(),
        Some(WalkIn::Yes) => text.walk_in_while_open.to_string(),
        Some(WalkIn::No) => text.no.to_string(),
        Some(WalkIn::Hours(hours)) => format!("{} {hours}", text.walk_in_hours),
    };
    vec![
        (text.walk_in_label, walk_in),
        (text.same_day_label, said(ways.same_day_medication(f))),
        (text.counseling_label, said(ways.counseling_required(f))),
        (
            text.telehealth_intake_label,
            said(ways.telehealth_intake(f)),
        ),
    ]
}
