//! Getting there by public transit on the pages, when the server has a timetable: the
//! form's choice and departure, and each result's journey, in both languages.

use carefind::availability::Judgement;
use carefind::jiff::Timestamp;
use carefind::transit::TransitHit;
use maud::{Markup, html};

use super::form::SearchForm;
use super::text::Lang;

/// What the server's timetable offers the form: the vehicle it is named by, the dates it
/// runs, and a departure to start from.
#[derive(Clone, Debug)]
pub struct Offer {
    /// The kind of vehicle most of its trips are ("subway", "bus"...).
    pub mode: &'static str,
    /// The first and last dates any trip runs.
    pub span: Option<(String, String)>,
    /// Now in the timetable's zone (`2026-09-15T07:30`), or the span's first morning
    /// when now is outside it.
    pub default_depart: String,
}

impl crate::transit::Transit {
    /// What the timetable offers the pages.
    pub(crate) fn offer(&self) -> Offer {
        let timetable = self.timetable();
        let span = timetable.service_span();
        let now = timetable.time_zone().to_datetime(Timestamp::now());
        let default = match span {
            Some((first, last)) if now.date() < first || now.date() > last => first.at(8, 0, 0, 0),
            _ => now,
        };
        Offer {
            mode: self.modes().first().copied().unwrap_or("transit"),
            span: span.map(|(first, last)| (first.to_string(), last.to_string())),
            default_depart: default.strftime("%Y-%m-%dT%H:%M").to_string(),
        }
    }
}

/// The vehicle, as a person says it in `lang`.
fn vehicle(mode: &str, lang: Lang) -> &'static str {
    let [en, es] = match mode {
        "subway" => ["subway", "metro"],
        "bus" => ["bus", "autobús"],
        "rail" => ["train", "tren"],
        "tram" => ["tram", "tranvía"],
        "ferry" => ["ferry", "ferry"],
        _ => ["public transit", "transporte público"],
    };
    match lang {
        Lang::En => en,
        Lang::Es => es,
    }
}

/// "By subway": how a person travels by the timetable's vehicle.
pub fn by(mode: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("By {}", vehicle(mode, lang)),
        Lang::Es => format!("En {}", vehicle(mode, lang)),
    }
}

/// The form's choice of how to get there and when to leave (the search form only).
pub fn fieldset(form: &SearchForm, offer: &Offer, invalid: bool, message: Markup) -> Markup {
    let lang = form.lang;
    let text = lang.text();
    let [legend, distance, soonest, help] = match lang {
        Lang::En => [
            "Getting there",
            "Any way: nearest first",
            "soonest first, up to 2 hours, counting programs open when you arrive",
            "The timetable runs",
        ],
        Lang::Es => [
            "Cómo llegar",
            "De cualquier forma: los más cercanos primero",
            "los que se alcanzan antes primero, hasta 2 horas, contando los abiertos a su llegada",
            "El horario funciona",
        ],
    };
    let span = offer.span.as_ref().map(|(first, last)| match lang {
        Lang::En => format!("{help} from {first} to {last}."),
        Lang::Es => format!("{help} del {first} al {last}."),
    });
    let depart = if form.depart.is_empty() {
        offer.default_depart.as_str()
    } else {
        form.depart.as_str()
    };
    html! {
        fieldset #getting-there {
            legend { (legend) }
            div.choice {
                input #by-distance type="radio" name="by" value="" checked[!form.by_transit];
                label for="by-distance" { (distance) }
            }
            div.choice {
                input #by-transit type="radio" name="by" value="transit" checked[form.by_transit];
                label for="by-transit" { (by(offer.mode, lang)) ": " (soonest) }
            }
            div.field.invalid[invalid] {
                label.field for="depart" { (text.depart) }
                @if let Some(span) = &span { p.help #depart-help { (span) } }
                (message)
                input #depart type="datetime-local" name="depart" value=(depart)
                    aria-describedby=[span.as_ref().map(|_| if invalid { "depart-help depart-error" } else { "depart-help" })]
                    aria-invalid=[invalid.then_some("true")];
            }
        }
    }
}

/// A result's journey: "23 min by subway · 1 transfer · 6 min on foot · arrive 07:53",
/// and whether the program is open then.
pub fn journey(
    hit: &TransitHit<'_>,
    mode: &str,
    zone: &carefind::jiff::tz::TimeZone,
    lang: Lang,
) -> Markup {
    let minutes = (hit.seconds / 60.0).round() as i64;
    let walk = (hit.walk_s / 60.0).round() as i64;
    let transfers = hit.rides.saturating_sub(1);
    let arrive = zone.to_datetime(hit.arrival).strftime("%H:%M").to_string();
    let (how, changes, on_foot, arrives) = match lang {
        Lang::En => (
            match hit.rides {
                0 => format!("{minutes} min on foot"),
                _ => format!("{minutes} min by {}", vehicle(mode, lang)),
            },
            match transfers {
                0 => None,
                1 => Some("1 transfer".to_string()),
                n => Some(format!("{n} transfers")),
            },
            (hit.rides > 0 && walk > 0).then(|| format!("{walk} min of it on foot")),
            format!("arrive {arrive}"),
        ),
        Lang::Es => (
            match hit.rides {
                0 => format!("{minutes} min a pie"),
                _ => format!("{minutes} min en {}", vehicle(mode, lang)),
            },
            match transfers {
                0 => None,
                1 => Some("1 transbordo".to_string()),
                n => Some(format!("{n} transbordos")),
            },
            (hit.rides > 0 && walk > 0).then(|| format!("{walk} min de ello a pie")),
            format!("llegada {arrive}"),
        ),
    };
    let open = match (hit.open, lang) {
        (Some(Judgement::Meets), Lang::En) => "open when you arrive",
        (Some(Judgement::Meets), Lang::Es) => "abierto a su llegada",
        (_, Lang::En) => "hours not listed: call before you go",
        (_, Lang::Es) => "horario no indicado: llame antes de ir",
    };
    html! {
        p.journey {
            strong { (how) }
            @if let Some(changes) = changes { " · " (changes) }
            @if let Some(on_foot) = on_foot { " · " (on_foot) }
            " · " (arrives) " · " (open)
        }
    }
}

/// What a search by transit found, as the results' summary says it.
pub fn found(count: usize, mode: &str, depart: &str, lang: Lang) -> String {
    let leaving = depart.replace('T', " ");
    match (lang, count) {
        (Lang::En, 1) => format!(
            "1 program reached by {} within 2 hours, leaving {leaving}.",
            vehicle(mode, lang)
        ),
        (Lang::En, n) => format!(
            "{n} programs reached by {} within 2 hours, leaving {leaving}; the soonest first.",
            vehicle(mode, lang)
        ),
        (Lang::Es, 1) => format!(
            "1 programa alcanzado en {} en 2 horas, saliendo {leaving}.",
            vehicle(mode, lang)
        ),
        (Lang::Es, n) => format!(
            "{n} programas alcanzados en {} en 2 horas, saliendo {leaving}; los primeros, los que se alcanzan antes.",
            vehicle(mode, lang)
        ),
    }
}

/// Nothing reached: what to try.
pub fn nothing(mode: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Nothing that matches is reached by {} within 2 hours at that time. Try another time, or search by distance.",
            vehicle(mode, lang)
        ),
        Lang::Es => format!(
            "Nada de lo que busca se alcanza en {} en 2 horas a esa hora. Pruebe otra hora, o busque por distancia.",
            vehicle(mode, lang)
        ),
    }
}
