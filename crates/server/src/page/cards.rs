//! A facility as a card: what a person needs to decide and to call, in words.

use carefind::availability::Update;
use carefind::{CareSet, FacilityRef, Hit, Unit};
use jiff::Timestamp;
use maud::{Markup, html};

use super::facility_url;
use super::text::{self, Lang};
use crate::mount::Mount;

/// A distance in the page's words: `2.3 miles`.
pub fn distance(meters: f64, lang: Lang) -> String {
    let miles = carefind::Distance::from_meters(meters).in_unit(Unit::Miles);
    let shown = if miles < 10.0 {
        format!("{miles:.1}")
    } else {
        format!("{miles:.0}")
    };
    format!("{shown} {}", lang.text().miles)
}

/// The levels of care a facility offers, in words, most care first.
pub fn levels(care: CareSet, lang: Lang) -> String {
    care.iter()
        .map(|level| text::care_level(level, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `tel:` for a US phone number as directories write it (`None` when it is not one), its
/// extension (`x8716`, `ext. 8716`, `extension 8716`) after a pause (`,`): phones dial
/// the number, wait, then send the extension, where most ignore `;ext=`.
pub fn tel(phone: &str) -> Option<String> {
    let at = phone
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(phone.len());
    let (number, rest) = phone.split_at(at);
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let number = match digits.len() {
        10 => format!("tel:+1{digits}"),
        11 if digits.starts_with('1') => format!("tel:+{digits}"),
        3 => format!("tel:{digits}"),
        _ => return None,
    };
    let word: String = rest
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let extension: String = rest[word.len()..]
        .trim_start_matches(['.', ':', ' ', '#'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match (word.as_str(), extension.is_empty()) {
        ("x" | "ext" | "extension", false) => Some(format!("{number},{extension}")),
        _ => Some(number),
    }
}

/// Directions to the facility: the destination only, never where the person is.
pub fn directions(facility: FacilityRef<'_>) -> String {
    format!(
        "https://www.openstreetmap.org/directions?route=%3B{:.5}%2C{:.5}",
        facility.location().lat(),
        facility.location().lon()
    )
}

/// A website as a link target: `https://` added when the directory left it out; `None`
/// for anything that is not a web address.
pub fn website(site: &str) -> Option<String> {
    let site = site.trim();
    if site.is_empty() || site.contains(char::is_whitespace) {
        return None;
    }
    let lower = site.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(site.to_string())
    } else if !site.contains(':') && site.contains('.') {
        Some(format!("https://{site}"))
    } else {
        None
    }
}

/// The street address on one line.
pub fn address(facility: FacilityRef<'_>) -> String {
    let mut parts: Vec<&str> = [facility.street(), facility.city()]
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .collect();
    let state_zip = format!("{} {}", facility.state(), facility.zip());
    if !state_zip.trim().is_empty() {
        parts.push(state_zip.trim());
    }
    parts.join(", ")
}

/// "Accepting new patients · 3 beds open · reported 2 hours ago", from a fresh report.
pub fn availability(report: &Update, lang: Lang, now: Timestamp) -> Markup {
    let text = lang.text();
    let mut said: Vec<String> = Vec::new();
    match report.accepting {
        Some(true) => said.push(text.accepting_now.into()),
        Some(false) => said.push(text.not_accepting.into()),
        None => {}
    }
    match report.beds_available {
        Some(1) => said.push(text.beds_open_one.into()),
        Some(beds) => said.push(format!("{beds} {}", text.beds_open_many)),
        None => {}
    }
    if let Some(days) = report.wait_days {
        said.push(format!("{} {days}", text.wait_days));
    }
    let minutes = (now.as_second() - report.updated_at.as_second()).max(0) / 60;
    let ago = if minutes < 120 {
        format!("{minutes} {}", text.minutes_ago)
    } else if minutes < 48 * 60 {
        format!("{} {}", minutes / 60, text.hours_ago)
    } else {
        format!("{} {}", minutes / (24 * 60), text.days_ago)
    };
    let closed = report.accepting == Some(false);
    html! {
        p.availability.closed[closed] {
            (said.join(" · ")) " · " (text.reported) " " (ago)
        }
    }
}

/// A result's card: its rank (the map's marker), name, distance, levels, availability,
/// address, the ways to act on it, and what it takes and whom it serves.
/// `key` makes the card's element ids unique on its page.
pub fn card(
    mount: &Mount,
    key: &str,
    rank: usize,
    hit: &Hit,
    report: Option<&Update>,
    lang: Lang,
    now: Timestamp,
) -> Markup {
    let text = lang.text();
    let f = hit.facility;
    let name_id = format!("{key}{rank}");
    html! {
        li.card {
            article aria-labelledby=(name_id) {
                h2 {
                    span.marker aria-hidden="true" { (rank) }
                    a id=(name_id) href=(facility_url(mount, f.id(), lang)) { (f.name()) }
                }
                @if !f.name2().is_empty() { p { (f.name2()) } }
                @if let Some(meters) = hit.distance_m {
                    p.distance { (distance(meters, lang)) " " (text.away) }
                }
                p { span.label { (text.levels) ": " } (levels(f.care(), lang)) }
                @if let Some(report) = report { (availability(report, lang, now)) }
                p { (address(f)) }
                (actions(f, lang))
                (badges(f, lang))
            }
        }
    }
}

/// Call, intake, directions and website links.
pub fn actions(f: FacilityRef<'_>, lang: Lang) -> Markup {
    let text = lang.text();
    html! {
        ul.actions {
            @if let Some(tel) = tel(f.phone()) {
                li { a href=(tel) { (text.phone) " " (f.phone()) } }
            }
            @if f.intake_phone() != f.phone() {
                @if let Some(tel) = tel(f.intake_phone()) {
                    li { a href=(tel) { (text.intake) " " (f.intake_phone()) } }
                }
            }
            li { a href=(directions(f)) rel="noreferrer" { (text.directions) span.vh { ": " (f.name()) } } }
            @if let Some(site) = website(f.website()) {
                li { a href=(site) rel="noopener noreferrer" { (text.website) span.vh { ": " (f.name()) } } }
            }
        }
    }
}

/// Payment and population badges.
pub fn badges(f: FacilityRef<'_>, lang: Lang) -> Markup {
    let text = lang.text();
    html! {
        @if !f.payment().is_empty() {
            p.label { (text.pays) }
            ul.badges {
                @for payment in f.payment().iter() { li { (text::payment(payment, lang)) } }
            }
        }
        @if !f.populations().is_empty() {
            p.label { (text.serves) }
            ul.badges {
                @for population in f.populations().iter() { li { (text::population(population, lang)) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_websites_and_distances_in_words() {
        assert_eq!(tel("(212) 555-0100").as_deref(), Some("tel:+12125550100"));
        assert_eq!(
            tel("1-800-662-4357 x12").as_deref(),
            Some("tel:+18006624357,12")
        );
        assert_eq!(
            tel("212-529-6320 x8716").as_deref(),
            Some("tel:+12125296320,8716")
        );
        assert_eq!(
            tel("(212) 529-6320 Ext. 8716").as_deref(),
            Some("tel:+12125296320,8716")
        );
        assert_eq!(
            tel("212-529-6320 extension 12").as_deref(),
            Some("tel:+12125296320,12")
        );
        assert_eq!(
            tel("212-529-6320 (main)").as_deref(),
            Some("tel:+12125296320")
        );
        assert_eq!(tel("call us"), None);
        assert_eq!(
            website("example.org").as_deref(),
            Some("https://example.org")
        );
        assert_eq!(website("javascript:alert(1)"), None);
        assert_eq!(
            website("http://a.example/x").as_deref(),
            Some("http://a.example/x")
        );
        assert_eq!(distance(3_700.0, Lang::En), "2.3 miles");
        assert_eq!(distance(40_000.0, Lang::Es), "25 millas");
    }
}
