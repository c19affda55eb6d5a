//! What people type into a search, as every front end takes it: filter words (`care=iop`,
//! `payment=medicaid`...) and ages (`72h`, `365d`). The command line's flags, the HTTP
//! API's parameters and Python's keywords all go through [`Filter::from_words`] and
//! [`parse_age`], so that one word means one thing everywhere.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

use crate::error::{Error, UnknownTerm};
use crate::filter::Filter;
use crate::hours::{Days, GettingIn, OpenNeed, When};
use crate::set::Set;

/// An age that cannot be read: the text as typed, and why.
///
/// ```
/// let error = carefind::words::parse_age("a year", None).unwrap_err();
/// assert_eq!(error.text, "a year");
/// assert!(error.to_string().contains("is not an age such as 72h"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgeError {
    /// The age as typed.
    pub text: String,
    /// Whether it had a number and a unit but was too long to count.
    pub too_long: bool,
}

impl fmt::Display for AgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.too_long {
            true => write!(f, "{:?} is too long", self.text),
            false => write!(
                f,
                "{:?} is not an age such as 72h, 3d or 1w (units: s, min, h, d, w, y)",
                self.text
            ),
        }
    }
}

impl std::error::Error for AgeError {}

/// An age such as `72h`, `3d`, `1w` or `90min`; a bare number is in `bare` units.
///
/// ```
/// use carefind::words::parse_age;
/// use jiff::SignedDuration;
/// assert_eq!(parse_age("72h", None), Ok(SignedDuration::from_hours(72)));
/// assert_eq!(parse_age("3", Some(SignedDuration::from_hours(24))), Ok(SignedDuration::from_hours(72)));
/// assert!(parse_age("3", None).is_err());
/// ```
pub fn parse_age(text: &str, bare: Option<SignedDuration>) -> Result<SignedDuration, AgeError> {
    let text = text.trim();
    let error = |too_long| AgeError {
        text: text.to_string(),
        too_long,
    };
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| error(false))?;
    let unit = match (unit.trim(), bare) {
        ("", Some(bare)) => bare,
        ("s", _) => SignedDuration::from_secs(1),
        ("min" | "m", _) => SignedDuration::from_mins(1),
        ("h", _) => SignedDuration::from_hours(1),
        ("d", _) => SignedDuration::from_hours(24),
        ("w", _) => SignedDuration::from_hours(24 * 7),
        ("y", _) => SignedDuration::from_hours(24 * 365),
        _ => return Err(error(false)),
    };
    unit.checked_mul(i32::try_from(number).map_err(|_| error(true))?)
        .ok_or_else(|| error(true))
}

/// Today's date in UTC.
///
/// ```
/// assert!(carefind::words::today().year() >= 2026);
/// ```
pub fn today() -> jiff::civil::Date {
    let days = Timestamp::now().as_second().div_euclid(24 * 3600);
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(jiff::civil::Date::MAX)
}

/// A filter word that cannot be read: the word's name (`care`, `verified_within`...) and
/// the problem, which each front end names in its own terms (a flag, a parameter).
///
/// ```
/// use carefind::Filter;
/// let error = Filter::from_words([("care", "iopp")]).unwrap_err();
/// assert_eq!(error.name, "care");
/// assert!(error.source.to_string().contains("did you mean \"iop\"?"));
/// ```
#[derive(Debug)]
pub struct WordError {
    /// The word's name, as [`Filter::WORDS`] lists it.
    pub name: String,
    /// What is wrong with its value.
    pub source: Box<Error>,
}

impl fmt::Display for WordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.source)
    }
}

impl std::error::Error for WordError {}

/// How many of [`Filter::WORDS`] (the first ones) take lists of terms.
const LISTS: usize = 10;

impl Filter {
    /// The names [`Filter::from_words`] takes: first the lists of terms, then the rest.
    pub const WORDS: [&'static str; 26] = [
        "care",
        "payment",
        "age",
        "population",
        "language",
        "medication",
        "kind",
        "asam",
        "accreditation",
        "licensed_by",
        "min_precision",
        "include_closed",
        "verified_within",
        "telehealth",
        "triage",
        "open_now",
        "open_at",
        "open_on",
        "evening",
        "weekend",
        "open_for",
        "walk_in",
        "walk_in_now",
        "same_day_medication",
        "no_counseling_requirement",
        "include_unknown",
    ];

    /// The filter that words name, as people type them: `care`, `payment`, `age`,
    /// `population`, `language`, `medication`, `kind`, `asam`, `accreditation` (any
    /// credential) and `licensed_by` (licenses only) take lists (`;` or `,` separated) of
    /// terms, groups, aliases or FindTreatment codes, any of which will do, or, written
    /// `all:methadone,buprenorphine`, all of which are needed ([`crate::AllOf`]; not for
    /// `asam`, which is derived); `triage` provisional
    /// levels (`1` to `4`, `ots`) that stand for their ASAM levels; `min_precision` a
    /// precision; `include_closed` and `telehealth` `true` or `false`; `verified_within`
    /// an age (a bare number is in days). Time: `open_now`, `evening` and `weekend` take
    /// `true` or `false`; `open_at` a time, `2026-12-07T18:30` (the wall time at each
    /// facility) or with an offset or `Z` (one instant); `open_on` days (`sa`, `mo-fr`);
    /// `open_for` an age (a bare number is in minutes), how long after the moment asked
    /// about (now, unless `open_at`) a facility must still be open. Getting in:
    /// `walk_in`, `walk_in_now`, `same_day_medication` and `no_counseling_requirement`
    /// (also spelled `no_counselling_requirement`) take `true` or `false`;
    /// `include_unknown=true` keeps the facilities whose listing does not say beside
    /// those that meet the time and getting-in words. Words of one name add up; an empty
    /// value is no filter. "Now" is the time of the call; [`Filter::from_words_at`] takes
    /// another.
    ///
    /// ```
    /// use carefind::{CareLevel, Filter, Index, LatLon, Query};
    ///
    /// let filter = Filter::from_words([("care", "iop"), ("payment", "medicaid")])?;
    /// let index = Index::sample();
    /// let hits = index.search(&Query::nearest(LatLon::new(40.75, -73.99)?, 3).filter(filter))?;
    /// assert!(hits.iter().all(|hit| hit.facility.care().contains(CareLevel::Iop)));
    /// assert!(Filter::from_words([("colour", "red")]).is_err());
    /// let all_three = Filter::from_words([("medication", "all:methadone,buprenorphine,naltrexone")])?;
    /// assert_eq!(all_three.all_of_sets().unwrap().medications.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_words<'a>(
        words: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Filter, WordError> {
        Filter::from_words_at(words, Timestamp::now())
    }

    /// [`Filter::from_words`], with `now` as the present that `open_now`, `walk_in_now`
    /// and the coming days are judged at (a front end's `--as-of`).
    ///
    /// ```
    /// use carefind::Filter;
    ///
    /// let now = "2026-12-07T23:30:00Z".parse()?;
    /// let filter = Filter::from_words_at([("care", "iop"), ("evening", "true"), ("open_for", "30min")], now)?;
    /// let need = filter.open_need().unwrap();
    /// assert_eq!(need.when.len(), 2); // evenings, and open now for 30 minutes
    /// assert!(Filter::from_words_at([("open_at", "Monday")], now).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_words_at<'a>(
        words: impl IntoIterator<Item = (&'a str, &'a str)>,
        now: Timestamp,
    ) -> Result<Filter, WordError> {
        let mut filter = Filter::new();
        let mut lists: [String; LISTS] = Default::default();
        // The lists given as `all:...`: every one of their terms is needed.
        let mut all_lists: [String; LISTS] = Default::default();
        let mut open = OpenNeed::from(now);
        let mut moment = false;
        let mut getting_in = GettingIn::default();
        let mut include_unknown = false;
        for (name, value) in words {
            let name = match name {
                "no_counselling_requirement" => "no_counseling_requirement",
                name => name,
            };
            let wrong = |source: Error| WordError {
                name: name.to_string(),
                source: Box::new(source),
            };
            let value = value.trim();
            if let Some(at) = Filter::WORDS[..LISTS].iter().position(|word| *word == name) {
                let (list, value) = match value.strip_prefix("all:") {
                    // ASAM levels are worked out from the levels of care, never stated:
                    // "all of" them would ask what no listing says.
                    Some(_) if name == "asam" => {
                        return Err(wrong(Error::Value {
                            value: value.to_string(),
                            expected: "a list of ASAM levels: they are derived from the levels of care, so asam takes any of them, never all:",
                        }));
                    }
                    Some(rest) => (&mut all_lists[at], rest),
                    None => (&mut lists[at], value),
                };
                list.push(';');
                list.push_str(value);
                continue;
            }
            match name {
                "min_precision" if !value.is_empty() => {
                    filter =
                        filter.min_precision(value.parse().map_err(Error::from).map_err(wrong)?)
                }
                "include_closed"
                | "telehealth"
                | "open_now"
                | "evening"
                | "weekend"
                | "walk_in"
                | "walk_in_now"
                | "same_day_medication"
                | "no_counseling_requirement"
                | "include_unknown" => match value {
                    "true" => match name {
                        "telehealth" => filter = filter.telehealth(),
                        "include_closed" => filter = filter.include_closed(),
                        "open_now" => {
                            open = open.when(When::At(now));
                            moment = true;
                        }
                        "evening" => open = open.when(When::Evening),
                        "weekend" => open = open.when(When::On(Days::WEEKEND)),
                        "walk_in" => getting_in.walk_in = true,
                        "walk_in_now" => getting_in.walk_in_at = Some(now),
                        "same_day_medication" => getting_in.same_day_medication = true,
                        "no_counseling_requirement" => getting_in.no_counseling_requirement = true,
                        _ => include_unknown = true,
                    },
                    "false" | "" => {}
                    _ => {
                        return Err(wrong(Error::Term(Box::new(UnknownTerm {
                            kind: "true or false",
                            value: value.to_string(),
                            suggestion: None,
                            valid: vec!["true", "false"],
                        }))));
                    }
                },
                "open_at" if !value.is_empty() => {
                    open = open.when(parse_moment(value).map_err(wrong)?);
                    moment = true;
                }
                "open_on" if !value.is_empty() => {
                    let days: Days = value.parse().map_err(|e: crate::hours::DaysError| {
                        wrong(Error::Value {
                            value: e.text,
                            expected: "a day of the week such as sa, saturday or mo-fr",
                        })
                    })?;
                    open = open.when(When::On(days));
                }
                "open_for" if !value.is_empty() => {
                    let age = parse_age(value, Some(SignedDuration::from_mins(1)))
                        .map_err(|error| wrong(Error::Age(error)))?;
                    if age > SignedDuration::from_hours(24 * 7) {
                        return Err(wrong(Error::Age(AgeError {
                            text: value.to_string(),
                            too_long: true,
                        })));
                    }
                    open = open.open_for(age);
                }
                "open_at" | "open_on" | "open_for" => {}
                "verified_within" if !value.is_empty() => {
                    let age = parse_age(value, Some(SignedDuration::from_hours(24)))
                        .map_err(|error| wrong(Error::Age(error)))?;
                    let since = today()
                        .checked_sub(jiff::Span::new().days(age.as_hours() / 24))
                        .unwrap_or(jiff::civil::Date::MIN);
                    filter = filter.verified_since(since);
                }
                "triage" => {
                    for level in value
                        .split([',', ';'])
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                    {
                        let asam = crate::asam::triage(level).ok_or_else(|| {
                            wrong(Error::Term(Box::new(UnknownTerm {
                                kind: "triage level",
                                value: level.to_string(),
                                suggestion: None,
                                valid: vec!["1", "2", "3", "4", "ots"],
                            })))
                        })?;
                        filter = filter.asam(asam);
                    }
                }
                "min_precision" | "verified_within" => {}
                _ => {
                    return Err(wrong(Error::Term(Box::new(UnknownTerm {
                        kind: "filter",
                        value: name.to_string(),
                        suggestion: None,
                        valid: Filter::WORDS.to_vec(),
                    }))));
                }
            }
        }
        if open.open_for > SignedDuration::ZERO && !moment {
            open = open.when(When::At(now));
        }
        if include_unknown {
            open = open.or_unknown();
            getting_in.unknown = crate::availability::Unknown::Keep;
        }
        filter = filter.open(open).getting_in(getting_in);
        let list = |at: usize| lists[at].as_str();
        let term = |at: usize, error| WordError {
            name: Filter::WORDS[at].to_string(),
            source: Box::new(Error::Term(Box::new(error))),
        };
        let all = |at: usize| all_lists[at].as_str();
        let all_of = crate::AllOf {
            care: Set::parse_list(all(0)).map_err(|e| term(0, e))?,
            payment: Set::parse_list(all(1)).map_err(|e| term(1, e))?,
            ages: Set::parse_list(all(2)).map_err(|e| term(2, e))?,
            populations: Set::parse_list(all(3)).map_err(|e| term(3, e))?,
            languages: Set::parse_list(all(4)).map_err(|e| term(4, e))?,
            medications: Set::parse_list(all(5)).map_err(|e| term(5, e))?,
            kinds: Set::parse_list(all(6)).map_err(|e| term(6, e))?,
            credentials: Set::parse_list(all(8)).map_err(|e| term(8, e))?
                | licenses(all(9)).map_err(|e| term(9, e))?,
        };
        Ok(filter
            .all_of(all_of)
            .care(Set::parse_list(list(0)).map_err(|e| term(0, e))?)
            .payment(Set::parse_list(list(1)).map_err(|e| term(1, e))?)
            .ages(Set::parse_list(list(2)).map_err(|e| term(2, e))?)
            .populations(Set::parse_list(list(3)).map_err(|e| term(3, e))?)
            .languages(Set::parse_list(list(4)).map_err(|e| term(4, e))?)
            .medications(Set::parse_list(list(5)).map_err(|e| term(5, e))?)
            .kinds(Set::parse_list(list(6)).map_err(|e| term(6, e))?)
            .asam(Set::parse_list(list(7)).map_err(|e| term(7, e))?)
            .credentials(Set::parse_list(list(8)).map_err(|e| term(8, e))?)
            .licenses(licenses(list(9)).map_err(|e| term(9, e))?))
    }
}

/// A moment as `open_at` takes it: with an offset (or `Z`), one instant; without, a wall
/// time at each facility. Seconds may be left out.
fn parse_moment(text: &str) -> Result<When, Error> {
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(When::At(at));
    }
    text.parse::<jiff::civil::DateTime>()
        .map(When::Local)
        .map_err(|_| Error::Value {
            value: text.to_string(),
            expected: "a time such as 2026-12-07T18:30 (each facility's wall time) or 2026-12-07T18:30-05:00",
        })
}

/// Licenses named by `list`: a credential of another kind is refused, so that "licensed
/// by CARF" (an accreditor) is a question corrected, not one answered wrongly.
fn licenses(list: &str) -> Result<crate::CredentialSet, UnknownTerm> {
    use crate::{Credential, CredentialKind};
    let set: crate::CredentialSet = Set::parse_list(list)?;
    match set
        .iter()
        .find(|credential| credential.kind() != CredentialKind::License)
    {
        None => Ok(set),
        Some(other) => Err(UnknownTerm {
            kind: "license",
            value: other.name().to_string(),
            suggestion: None,
            valid: Credential::of_kind(CredentialKind::License)
                .iter()
                .map(Credential::name)
                .collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CareSet, PaymentSet};

    #[test]
    fn words_build_the_filter_the_builder_does() {
        let words = Filter::from_words([
            ("care", "iop"),
            ("care", "php"),
            ("payment", "medicaid,medicare"),
            ("include_closed", "true"),
        ])
        .unwrap();
        let built = Filter::new()
            .care("iop,php".parse::<CareSet>().unwrap())
            .payment("medicaid,medicare".parse::<PaymentSet>().unwrap())
            .include_closed();
        assert_eq!(format!("{words:?}"), format!("{built:?}"));
        assert_eq!(
            format!(
                "{:?}",
                Filter::from_words([("care", ""), ("verified_within", "")]).unwrap()
            ),
            format!("{:?}", Filter::new())
        );
    }

    #[test]
    fn a_bad_word_names_itself() {
        for (name, value) in [
            ("care", "iopp"),
            ("min_precision", "exact"),
            ("include_closed", "yes"),
            ("verified_within", "a year"),
            ("colour", "red"),
        ] {
            let error = Filter::from_words([(name, value)]).unwrap_err();
            assert_eq!(error.name, name, "{error}");
        }
    }
}
