//! Ages people type, such as `72h` or `365d`: how fresh a report must be, how recently a
//! listing was verified.

use carefind::Filter;
use jiff::{SignedDuration, Timestamp};

/// An age such as `72h`, `3d`, `1w` or `90min`; a bare number is in `bare` units.
///
/// ```
/// use carefind_server::age::parse_age;
/// use jiff::SignedDuration;
/// assert_eq!(parse_age("72h", None), Ok(SignedDuration::from_hours(72)));
/// assert_eq!(parse_age("3", Some(SignedDuration::from_hours(24))), Ok(SignedDuration::from_hours(72)));
/// assert!(parse_age("3", None).is_err());
/// ```
pub fn parse_age(text: &str, bare: Option<SignedDuration>) -> Result<SignedDuration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not an age such as 72h, 3d or 1w"))?;
    let unit = match (unit.trim(), bare) {
        ("", Some(bare)) => bare,
        ("s", _) => SignedDuration::from_secs(1),
        ("min" | "m", _) => SignedDuration::from_mins(1),
        ("h", _) => SignedDuration::from_hours(1),
        ("d", _) => SignedDuration::from_hours(24),
        ("w", _) => SignedDuration::from_hours(24 * 7),
        ("y", _) => SignedDuration::from_hours(24 * 365),
        _ => {
            return Err(format!(
                "{text:?} is not an age such as 72h, 3d or 1w (units: s, min, h, d, w, y)"
            ));
        }
    };
    unit.checked_mul(i32::try_from(number).map_err(|_| format!("{text:?} is too long"))?)
        .ok_or_else(|| format!("{text:?} is too long"))
}

/// Today's date in UTC.
///
/// ```
/// assert!(carefind_server::age::today().year() >= 2026);
/// ```
pub fn today() -> jiff::civil::Date {
    let days = Timestamp::now().as_second().div_euclid(24 * 3600);
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(days))
        .expect("today is a date")
}

/// `filter` with closed listings shown when `include_closed`, and only listings verified
/// within `verified_within` (an age; a bare number is in days) when given.
///
/// ```
/// use carefind::Filter;
/// use carefind_server::age::listing_filter;
/// assert!(listing_filter(Filter::new(), false, Some("365")).is_ok());
/// assert!(listing_filter(Filter::new(), false, Some("a year")).is_err());
/// ```
pub fn listing_filter(
    mut filter: Filter,
    include_closed: bool,
    verified_within: Option<&str>,
) -> Result<Filter, String> {
    if include_closed {
        filter = filter.include_closed();
    }
    if let Some(age) = verified_within {
        let age = parse_age(age, Some(SignedDuration::from_hours(24)))?;
        let days = age.as_hours() / 24;
        let since = today()
            .checked_sub(jiff::Span::new().days(days))
            .map_err(|e| e.to_string())?;
        filter = filter.verified_since(since);
    }
    Ok(filter)
}
