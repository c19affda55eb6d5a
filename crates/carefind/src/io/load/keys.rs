//! How a listing is named and placed when listings from different sources are compared:
//! the keys derived ids are made of, and what `diff` pairs releases by.

/// Words directory names spell more than one way, and how a key spells them.
const SPELLINGS: [(&str, &str); 12] = [
    ("&", "and"),
    ("ctr", "center"),
    ("centre", "center"),
    ("svc", "services"),
    ("svcs", "services"),
    ("service", "services"),
    ("hosp", "hospital"),
    ("assn", "association"),
    ("assoc", "association"),
    ("dept", "department"),
    ("trtmt", "treatment"),
    ("st", "saint"),
];

/// Words that say nothing of which facility it is.
const IGNORED: [&str; 6] = ["the", "inc", "llc", "pc", "corp", "co"];

/// A name as listings are matched by it: lower case, words of letters and digits, common
/// abbreviations spelled out, and "the", "inc", "llc" and the like left out.
///
/// ```
/// use carefind::load::keys::name_key;
///
/// assert_eq!(name_key("The Hope Ctr., Inc."), name_key("HOPE CENTER"));
/// assert_ne!(name_key("Hope Center"), name_key("Hope House"));
/// ```
pub fn name_key(name: &str) -> String {
    let lower = name.to_lowercase().replace('&', " & ");
    let mut key = String::with_capacity(lower.len());
    for word in lower
        .split(|c: char| !(c.is_alphanumeric() || c == '&'))
        .filter(|word| !word.is_empty())
    {
        let word = SPELLINGS
            .iter()
            .find(|(from, _)| *from == word)
            .map_or(word, |(_, to)| to);
        if IGNORED.contains(&word) {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

/// Street types and directions, as a key spells them.
const STREET_WORDS: [(&str, &str); 20] = [
    ("street", "st"),
    ("avenue", "ave"),
    ("av", "ave"),
    ("road", "rd"),
    ("drive", "dr"),
    ("boulevard", "blvd"),
    ("lane", "ln"),
    ("place", "pl"),
    ("court", "ct"),
    ("parkway", "pkwy"),
    ("highway", "hwy"),
    ("square", "sq"),
    ("terrace", "ter"),
    ("circle", "cir"),
    ("turnpike", "tpke"),
    ("route", "rte"),
    ("north", "n"),
    ("south", "s"),
    ("east", "e"),
    ("west", "w"),
];

/// Words that start the part of a street line inside the building: a suite moves, the
/// facility does not.
const UNIT_WORDS: [&str; 11] = [
    "suite", "ste", "unit", "floor", "fl", "room", "rm", "building", "bldg", "apt", "po",
];

/// A street line as listings are matched by it: its first part (before a comma), lower
/// case, words of letters and digits, street types and directions abbreviated, and the
/// suite, floor or building left out.
///
/// ```
/// use carefind::load::keys::street_key;
///
/// assert_eq!(street_key("103 Commercial Street, 2nd Floor"), street_key("103 COMMERCIAL ST."));
/// assert_eq!(street_key("9 Forbes Road Suite 9-C"), "9 forbes rd");
/// assert_ne!(street_key("12 Main St"), street_key("14 Main St"));
/// ```
pub fn street_key(street: &str) -> String {
    let first = street.split(',').next().unwrap_or_default().to_lowercase();
    let mut key = String::with_capacity(first.len());
    for word in first
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .filter(|word| !word.is_empty())
    {
        if word.starts_with('#') || UNIT_WORDS.contains(&word) {
            break;
        }
        let word = STREET_WORDS
            .iter()
            .find(|(from, _)| *from == word)
            .map_or(word, |(_, to)| to);
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}
