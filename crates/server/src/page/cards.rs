//! A facility as a card: what a person needs to decide and to call, in words.

use carefind::availability::{Stated, Update};
use carefind::hours::WalkIn;
use carefind::record::{Reported, Shown};
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
    if care.is_empty() {
        // A directory that names no level (HSDS from a 211): unknown, not none.
        return lang.text().not_stated.to_string();
    }
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

/// Directions to the facility, the destination only, never where the person is: the
/// phone's maps app (`geo:`, which Android hands to the app the person chose), Apple Maps
/// (which iPhones open in the app), and a web map for everyone else.
pub fn directions(facility: FacilityRef<'_>) -> [(Directions, String); 3] {
    let (lat, lon) = (facility.location().lat(), facility.location().lon());
    let label: String = serde_urlencoded::to_string([("q", facility.name())])
        .unwrap_or_default()
        .trim_start_matches("q=")
        .replace('+', "%20");
    [
        (
            Directions::App,
            format!("geo:{lat:.5},{lon:.5}?q={lat:.5},{lon:.5}({label})"),
        ),
        (
            Directions::Apple,
            format!("https://maps.apple.com/?daddr={lat:.5},{lon:.5}&q={label}"),
        ),
        (
            Directions::Web,
            format!("https://www.openstreetmap.org/directions?route=%3B{lat:.5}%2C{lon:.5}"),
        ),
    ]
}

/// The ways [`directions`] offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directions {
    App,
    Apple,
    Web,
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

/// How long ago, in words: "just now", "1 minute ago", "3 hours ago", "5 days ago".
pub fn ago(then: Timestamp, now: Timestamp, lang: Lang) -> String {
    let text = lang.text();
    let minutes = (now.as_second() - then.as_second()).max(0) / 60;
    let (count, one, many) = if minutes < 120 {
        (minutes, text.minute_one, text.minutes_ago)
    } else if minutes < 48 * 60 {
        (minutes / 60, text.hour_one, text.hours_ago)
    } else {
        (minutes / (24 * 60), text.day_ago_one, text.days_ago)
    };
    match (count, lang) {
        (0, _) => text.just_now.into(),
        (1, _) => one.into(),
        (n, Lang::En) => format!("{n} {many}"),
        // "hace 3 horas": `reported` says "informado hace".
        (n, Lang::Es) => format!("hace {n} {many}"),
    }
}

/// "Accepting new patients · 3 beds open · Wait: about 2 days · reported 2 hours ago",
/// from a fresh report.
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
    match report.wait_days {
        Some(0) => said.push(text.no_wait.into()),
        Some(1) => said.push(format!("{} 1 {}", text.wait_about, text.day_one)),
        Some(days) => said.push(format!("{} {days} {}", text.wait_about, text.days)),
        None => {}
    }
    let reported = match lang {
        Lang::En => format!("{} {}", text.reported, ago(report.updated_at, now, lang)),
        Lang::Es => format!("informado {}", ago(report.updated_at, now, lang)),
    };
    let closed = report.accepting == Some(false);
    html! {
        p.availability.closed[closed] {
            (said.join(" · ")) @if !said.is_empty() { " · " } (reported)
        }
    }
}

/// What a page says of a facility's availability where the server keeps it: the fresh
/// report that counts, else that its last report is old, else that there is none. Never
/// nothing, so that no report is not read as no openings. Then how reliably the facility
/// keeps it current, when the table remembers its updates.
pub fn report_line(
    shown: Option<&Shown>,
    f: FacilityRef<'_>,
    lang: Lang,
    now: Timestamp,
) -> Markup {
    let text = lang.text();
    let Some(shown) = shown else {
        return html! {};
    };
    let line = if let Some(report) = shown.of(f) {
        availability(report, lang, now)
    } else {
        match shown.table.latest(f, shown.care) {
            Some(last) if !shown.need.is_fresh(last) => html! {
                p.availability.unknown { (text.stale_report) " " (ago(last.updated_at, now, lang)) "." }
            },
            _ => html! { p.availability.unknown { (text.no_report) } },
        }
    };
    let kept = shown.table.kept(f, now);
    html! {
        (line)
        @if let Some(kept) = kept {
            p.kept { (text::kept(kept.days_updated, carefind::availability::RECENT_DAYS, lang)) }
        }
    }
}

/// A result's card: its rank (the map's marker), name, distance, the ways to act on it
/// first (a person on a phone calls from here), then levels, availability, address, and
/// what it takes and whom it serves. `others` are more listings of the same place.
/// `key` makes the card's element ids unique on its page; `journey` is how to get there
/// by transit, shown under the name when the search was by transit.
#[allow(clippy::too_many_arguments)] // each is one part of the card
pub fn card(
    mount: &Mount,
    key: &str,
    rank: usize,
    hit: &Hit,
    others: &[Hit],
    shown: Option<&Shown>,
    lang: Lang,
    now: Timestamp,
    journey: Option<Markup>,
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
                @if let Some(journey) = journey { (journey) }
                // The call first: on a phone it is on the first screen with the name.
                (calls(f, lang))
                @if let Some(meters) = hit.distance_m {
                    p.distance { (distance(meters, lang)) " " (text.away) " · " (address(f)) }
                } @else {
                    p { (address(f)) }
                }
                (ways(f, lang))
                p { span.label { (text.levels) ": " } (levels(f.care(), lang)) }
                (report_line(shown, f, lang, now))
                (getting_in(f, Reported::of(shown, f).ways_in, lang, now))
                @if !others.is_empty() {
                    p.also {
                        span.label { (text.also_listed) ": " }
                        @for (i, other) in others.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(facility_url(mount, other.facility.id(), lang)) { (other.facility.name()) }
                        }
                    }
                }
                (badges(f, lang))
            }
        }
    }
}

/// Call, intake, directions and website links.
pub fn actions(f: FacilityRef<'_>, lang: Lang) -> Markup {
    html! { (calls(f, lang)) (ways(f, lang)) }
}

/// The call and intake links.
pub fn calls(f: FacilityRef<'_>, lang: Lang) -> Markup {
    let text = lang.text();
    let main = tel(f.phone());
    let intake = tel(f.intake_phone()).filter(|_| f.intake_phone() != f.phone());
    html! {
        @if main.is_some() || intake.is_some() {
            ul.actions {
                @if let Some(tel) = main {
                    li { a.call href=(tel) { (text.phone) " " (f.phone()) } }
                }
                @if let Some(tel) = intake {
                    li { a.call href=(tel) { (text.intake) " " (f.intake_phone()) } }
                }
            }
        }
    }
}

/// Directions and the website.
pub fn ways(f: FacilityRef<'_>, lang: Lang) -> Markup {
    let text = lang.text();
    html! {
        ul.actions {
            li.directions {
                span { (text.directions) span.vh { " " (f.name()) } ": " }
                @for (way, href) in directions(f) {
                    a href=(href) rel="noreferrer" {
                        (match way {
                            Directions::App => text.directions_app,
                            Directions::Apple => text.directions_apple,
                            Directions::Web => text.directions_web,
                        })
                    }
                    " "
                }
            }
            @if let Some(site) = website(f.website()) {
                li { a href=(site) rel="noopener noreferrer" { (text.website) span.vh { ": " (f.name()) } } }
            }
        }
    }
}

/// Where the listings come from and how old they are, and that a person should call
/// first: said on every page that shows listings. `facilities` are those on the page.
pub fn source_line<'f>(
    facilities: impl IntoIterator<Item = FacilityRef<'f>>,
    lang: Lang,
) -> Markup {
    let text = lang.text();
    let mut sources: Vec<&str> = Vec::new();
    let (mut oldest, mut newest) = (None, None);
    for f in facilities {
        // A merged listing names each of its sources, "a; b".
        for source in f.source().split("; ").map(str::trim) {
            if !source.is_empty() && !sources.contains(&source) {
                sources.push(source);
            }
        }
        if let Some(day) = f.verified() {
            oldest = Some(oldest.map_or(day, |d: jiff::civil::Date| d.min(day)));
            newest = Some(newest.map_or(day, |d: jiff::civil::Date| d.max(day)));
        }
    }
    let dates = match (oldest, newest) {
        (Some(a), Some(b)) if a == b => format!(", {} {a}", text.verified_range),
        (Some(a), Some(b)) => format!(", {} {a} – {b}", text.verified_range),
        _ => String::new(),
    };
    html! {
        p.source {
            @if !sources.is_empty() {
                (text.source_intro) " " (sources.join("; ")) (dates) ". "
            }
            strong { (text.confirm) }
        }
    }
}

/// Open now (until when) or closed now, in the facility's own time zone, when it lists
/// hours; and the ways in its listing states (or `ways`, reports that state them over
/// it), in plain words. Nothing is said of what neither states.
pub fn getting_in(f: FacilityRef<'_>, ways: Stated<'_>, lang: Lang, now: Timestamp) -> Markup {
    let text = lang.text();
    let week = carefind::hours::week_of(f, now);
    let walk_in = ways.walk_in_of(f);
    let badges: Vec<&str> = [
        (
            walk_in.is_some_and(|walk_in| walk_in != WalkIn::No),
            text.badge_walk_in,
        ),
        (
            ways.same_day_medication(f) == Some(true),
            text.badge_same_day,
        ),
        (
            ways.counseling_required(f) == Some(false),
            text.badge_no_counseling,
        ),
        (
            ways.telehealth_intake(f) == Some(true),
            text.badge_telehealth_intake,
        ),
    ]
    .into_iter()
    .filter_map(|(said, badge)| said.then_some(badge))
    .collect();
    html! {
        @if let Some(week) = &week {
            p.open-now {
                @match (week.open_now, week.open_until) {
                    (true, Some(until)) => { (text.open_until) " " (clock(until.hour(), until.minute())) },
                    (true, None) => (text.open_now),
                    (false, _) => (text.closed_now),
                }
            }
        }
        @if !badges.is_empty() {
            ul.badges.getting-in {
                @for badge in badges { li { (badge) } }
            }
        }
    }
}

/// A wall time as people read it: `18:30`.
pub fn clock(hour: i8, minute: i8) -> String {
    format!("{hour:02}:{minute:02}")
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
