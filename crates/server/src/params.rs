//! The parameters of a search, from a query string or a JSON body, checked one by one so
//! that every error names the parameter at fault.

use carefind::{Area, BBox, Cursor, Distance, Filter, Locator, Query, Set, Unit};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::workers::Lane;
use crate::{DEFAULT_LIMIT, MAX_LIMIT, MAX_POLYGON_VERTICES, MAX_QUERY_BYTES, QUICK_LIMIT};
use axum::http::StatusCode;
use carefind::polygon;
use carefind::record::Shown;
use carefind_places as place;

/// What a search asks, from a query string or a JSON body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    pub(crate) near: Option<String>,
    pub(crate) within: Option<String>,
    pub(crate) limit: Option<usize>,
    pub(crate) offset: Option<usize>,
    pub(crate) after: Option<String>,
    #[serde(default)]
    pub(crate) care: Words,
    #[serde(default)]
    pub(crate) payment: Words,
    #[serde(default)]
    pub(crate) age: Words,
    #[serde(default)]
    pub(crate) population: Words,
    #[serde(default)]
    pub(crate) language: Words,
    #[serde(default)]
    pub(crate) medication: Words,
    #[serde(default)]
    pub(crate) kind: Words,
    #[serde(default)]
    pub(crate) asam: Words,
    #[serde(default)]
    pub(crate) triage: Words,
    #[serde(default)]
    pub(crate) accreditation: Words,
    #[serde(default)]
    pub(crate) licensed_by: Words,
    pub(crate) min_precision: Option<String>,
    pub(crate) include_closed: Option<bool>,
    pub(crate) verified_within: Option<String>,
    pub(crate) accepting: Option<bool>,
    pub(crate) include_unknown: Option<bool>,
    pub(crate) telehealth: Option<bool>,
    pub(crate) open_beds: Option<u32>,
    pub(crate) max_wait: Option<u32>,
    pub(crate) fresh_within: Option<String>,
    pub(crate) open_now: Option<bool>,
    pub(crate) open_at: Option<String>,
    pub(crate) open_on: Option<String>,
    pub(crate) evening: Option<bool>,
    pub(crate) weekend: Option<bool>,
    pub(crate) open_for: Option<String>,
    pub(crate) walk_in: Option<bool>,
    pub(crate) walk_in_now: Option<bool>,
    pub(crate) same_day_medication: Option<bool>,
    #[serde(alias = "no_counselling_requirement")]
    pub(crate) no_counseling_requirement: Option<bool>,
    pub(crate) bbox: Option<String>,
    /// GeoJSON (bodies only).
    pub(crate) polygon: Option<Value>,
    pub(crate) units: Option<String>,
    /// `distance` (the default) or `transit`.
    pub(crate) by: Option<String>,
    /// By transit: when to leave, or when to arrive by.
    pub(crate) depart: Option<String>,
    pub(crate) arrive_by: Option<String>,
    /// By transit: a departure every minute of this window, and the percentile reported.
    pub(crate) window: Option<String>,
    pub(crate) percentile: Option<f64>,
}

/// A list given as `"a,b"` or `["a", "b"]`.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub(crate) enum Words {
    #[default]
    None,
    Text(String),
    List(Vec<String>),
}

impl Words {
    fn joined(&self) -> String {
        match self {
            Words::None => String::new(),
            Words::Text(text) => text.clone(),
            Words::List(words) => words.join(","),
        }
    }

    fn push(&mut self, word: String) {
        *self = match std::mem::take(self) {
            Words::None => Words::Text(word),
            Words::Text(text) => Words::Text(format!("{text},{word}")),
            Words::List(mut words) => {
                words.push(word);
                Words::List(words)
            }
        };
    }
}

/// The pairs of a query string, refusing one that is too long.
pub(crate) fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_BYTES {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            Some("query"),
            &format!(
                "the query string is {} bytes; at most {MAX_QUERY_BYTES}",
                raw.len()
            ),
        ));
    }
    serde_urlencoded::from_str(raw).map_err(|e| ApiError::bad("query", e))
}

/// Refuses a query string that gives one of `single` (parameters that take one value)
/// twice: which one was meant cannot be known.
pub(crate) fn refuse_repeats(pairs: &[(String, String)], single: &[&str]) -> Result<(), ApiError> {
    for name in single {
        if pairs.iter().filter(|(key, _)| key == name).count() > 1 {
            return Err(ApiError::bad(
                name,
                "given more than once; it takes one value",
            ));
        }
    }
    Ok(())
}

fn boolean(parameter: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        other => Err(ApiError::bad(
            parameter,
            format!("{other:?} is not true or false"),
        )),
    }
}

fn count(parameter: &str, value: &str) -> Result<u32, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::bad(
            parameter,
            format!("{value:?} is not a whole number from 0 to 4294967295"),
        )
    })
}

pub(crate) fn number(parameter: &str, value: &str) -> Result<usize, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::bad(
            parameter,
            format!("{value:?} is not a whole number of at least 0"),
        )
    })
}

impl Params {
    pub(crate) fn from_pairs(pairs: &[(String, String)]) -> Result<Params, ApiError> {
        let mut params = Params::default();
        // The filter words after the lists (Filter::WORDS, the library's) take one value.
        let single: Vec<&str> = [
            "near",
            "within",
            "limit",
            "offset",
            "after",
            "bbox",
            "units",
            "accepting",
            "open_beds",
            "max_wait",
            "fresh_within",
            "no_counselling_requirement",
            "by",
            "depart",
            "arrive_by",
            "window",
            "percentile",
        ]
        .into_iter()
        .chain(Filter::WORDS.into_iter().filter(|word| {
            !matches!(
                *word,
                "care"
                    | "payment"
                    | "age"
                    | "population"
                    | "language"
                    | "medication"
                    | "kind"
                    | "asam"
                    | "accreditation"
                    | "licensed_by"
                    | "triage"
            )
        }))
        .collect();
        refuse_repeats(pairs, &single)?;
        for (key, value) in pairs {
            let value = value.clone();
            match key.as_str() {
                "near" => params.near = Some(value),
                "within" => params.within = Some(value),
                "limit" => params.limit = Some(number("limit", &value)?),
                "offset" => params.offset = Some(number("offset", &value)?),
                "after" => params.after = Some(value),
                "care" => params.care.push(value),
                "payment" => params.payment.push(value),
                "age" => params.age.push(value),
                "population" => params.population.push(value),
                "language" => params.language.push(value),
                "medication" => params.medication.push(value),
                "kind" => params.kind.push(value),
                "asam" => params.asam.push(value),
                "triage" => params.triage.push(value),
                "accreditation" => params.accreditation.push(value),
                "licensed_by" => params.licensed_by.push(value),
                "min_precision" => params.min_precision = Some(value),
                "include_closed" => params.include_closed = Some(boolean(key, &value)?),
                "verified_within" => params.verified_within = Some(value),
                "accepting" => params.accepting = Some(boolean(key, &value)?),
                "include_unknown" => params.include_unknown = Some(boolean(key, &value)?),
                "telehealth" => params.telehealth = Some(boolean(key, &value)?),
                "open_beds" => params.open_beds = Some(count(key, &value)?),
                "max_wait" => params.max_wait = Some(count(key, &value)?),
                "fresh_within" => params.fresh_within = Some(value),
                "open_now" => params.open_now = Some(boolean(key, &value)?),
                "open_at" => params.open_at = Some(value),
                "open_on" => params.open_on = Some(value),
                "evening" => params.evening = Some(boolean(key, &value)?),
                "weekend" => params.weekend = Some(boolean(key, &value)?),
                "open_for" => params.open_for = Some(value),
                "walk_in" => params.walk_in = Some(boolean(key, &value)?),
                "walk_in_now" => params.walk_in_now = Some(boolean(key, &value)?),
                "same_day_medication" => params.same_day_medication = Some(boolean(key, &value)?),
                "no_counseling_requirement" | "no_counselling_requirement" => {
                    params.no_counseling_requirement = Some(boolean(key, &value)?)
                }
                "bbox" => params.bbox = Some(value),
                "units" => params.units = Some(value),
                "by" => params.by = Some(value),
                "depart" => params.depart = Some(value),
                "arrive_by" => params.arrive_by = Some(value),
                "window" => params.window = Some(value),
                "percentile" => {
                    params.percentile = Some(value.trim().parse().map_err(|_| {
                        ApiError::bad(key, format!("{value:?} is not a number from 0 to 100"))
                    })?)
                }
                "polygon" => {
                    return Err(ApiError::bad(
                        "polygon",
                        "send polygons in the body of POST /v1/facilities/search",
                    ));
                }
                other => return Err(ApiError::bad(other, "unknown parameter; see /openapi.json")),
            }
        }
        Ok(params)
    }

    pub(crate) fn unit(&self) -> Result<Unit, ApiError> {
        unit(self.units.as_deref())
    }

    /// The lane a search runs in: an area to scan or a long page may walk much of the
    /// index; a nearest page or a radius with a short page walks a few tree nodes.
    pub(crate) fn lane(&self) -> Lane {
        let long_page = self.limit.unwrap_or(DEFAULT_LIMIT) > QUICK_LIMIT;
        let transit = self.by.as_deref() == Some("transit");
        if self.polygon.is_some() || self.bbox.is_some() || long_page || transit {
            Lane::Heavy
        } else {
            Lane::Quick
        }
    }

    /// The availability shown and filtered by, with the table of `locator` (`None` when
    /// the server keeps no availability).
    pub(crate) fn shown(&self, locator: Option<&Locator>) -> Result<Option<Shown>, ApiError> {
        let fresh_within = match &self.fresh_within {
            None => carefind::availability::Need::FRESH_WITHIN,
            Some(age) => carefind::words::parse_age(age, None)
                .map_err(|e| ApiError::bad("fresh_within", e))?,
        };
        let mut need = carefind::availability::Need::now().fresh_within(fresh_within);
        if self.accepting == Some(true) {
            need = need.accepting();
        }
        if let Some(beds) = self.open_beds {
            need = need.open_beds(beds);
        }
        if let Some(days) = self.max_wait {
            need = need.max_wait_days(days);
        }
        if self.include_unknown == Some(true) {
            need = need.or_unknown();
        }
        let Some(locator) = locator else {
            if need.asks_anything() {
                let parameter = if self.accepting == Some(true) {
                    "accepting"
                } else if self.open_beds.is_some() {
                    "open_beds"
                } else {
                    "max_wait"
                };
                return Err(ApiError::bad(
                    parameter,
                    "this server has no availability: no store, and no reports in its locator",
                ));
            }
            return Ok(None);
        };
        Ok(Some(Shown {
            table: locator.availability(),
            care: Set::parse_list(&self.care.joined()).unwrap_or_default(),
            need,
        }))
    }

    /// Whether the search is by transit (`by=transit`) rather than by distance.
    pub(crate) fn by_transit(&self) -> Result<bool, ApiError> {
        match self.by.as_deref().map(str::trim) {
            None | Some("distance") => {
                for (name, given) in [
                    ("depart", self.depart.is_some()),
                    ("arrive_by", self.arrive_by.is_some()),
                    ("window", self.window.is_some()),
                    ("percentile", self.percentile.is_some()),
                ] {
                    if given {
                        return Err(ApiError::bad(name, "goes with by=transit"));
                    }
                }
                Ok(false)
            }
            Some("transit") => Ok(true),
            Some(other) => Err(ApiError::bad(
                "by",
                format!("{other:?} is not distance or transit"),
            )),
        }
    }

    /// The filter, with the hours left to each arrival: by transit, `open_for` is how
    /// long a facility must stay open after the arrival, and the parameters that fix a
    /// moment of their own (`open_now`, `open_at`, `walk_in_now`) are refused; the coming
    /// week's days and evenings keep their meaning.
    pub(crate) fn filter_without_hours(&self) -> Result<Filter, ApiError> {
        for (name, given) in [
            ("open_now", self.open_now == Some(true)),
            ("open_at", self.open_at.is_some()),
            ("walk_in_now", self.walk_in_now == Some(true)),
        ] {
            if given {
                return Err(ApiError::bad(
                    name,
                    "cannot be used with by=transit: whether a facility is open is judged at each arrival (give open_for)",
                ));
            }
        }
        self.filter_with(false)
    }

    pub(crate) fn filter(&self) -> Result<Filter, ApiError> {
        self.filter_with(true)
    }

    /// The filter of the words, with `open_for` among them or not.
    fn filter_with(&self, open_for: bool) -> Result<Filter, ApiError> {
        let yes = |flag: Option<bool>| flag.unwrap_or(false).to_string();
        let words = [
            ("care", self.care.joined()),
            ("payment", self.payment.joined()),
            ("age", self.age.joined()),
            ("population", self.population.joined()),
            ("language", self.language.joined()),
            ("medication", self.medication.joined()),
            ("kind", self.kind.joined()),
            ("asam", self.asam.joined()),
            ("triage", self.triage.joined()),
            ("accreditation", self.accreditation.joined()),
            ("licensed_by", self.licensed_by.joined()),
            (
                "min_precision",
                self.min_precision.clone().unwrap_or_default(),
            ),
            ("include_closed", yes(self.include_closed)),
            ("telehealth", yes(self.telehealth)),
            (
                "verified_within",
                self.verified_within.clone().unwrap_or_default(),
            ),
            ("open_now", yes(self.open_now)),
            ("open_at", self.open_at.clone().unwrap_or_default()),
            ("open_on", self.open_on.clone().unwrap_or_default()),
            ("evening", yes(self.evening)),
            ("weekend", yes(self.weekend)),
            (
                "open_for",
                self.open_for
                    .clone()
                    .filter(|_| open_for)
                    .unwrap_or_default(),
            ),
            ("walk_in", yes(self.walk_in)),
            ("walk_in_now", yes(self.walk_in_now)),
            ("same_day_medication", yes(self.same_day_medication)),
            (
                "no_counseling_requirement",
                yes(self.no_counseling_requirement),
            ),
            ("include_unknown", yes(self.include_unknown)),
        ];
        Filter::from_words(words.iter().map(|(name, value)| (*name, value.as_str())))
            .map_err(|error| ApiError::bad(&error.name, error.source))
    }

    /// The library query, and the page size asked for.
    pub(crate) fn query(&self, shown: Option<&Shown>) -> Result<(Query, usize), ApiError> {
        let unit = self.unit()?;
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit > MAX_LIMIT {
            return Err(ApiError::bad(
                "limit",
                format!("{limit} is more than {MAX_LIMIT}; page with next"),
            ));
        }
        let mut filter = self.filter()?;
        if let Some(shown) = shown {
            filter = filter.available(shown.table.clone(), shown.need);
        }
        let mut query = Query::default()
            .filter(filter)
            .offset(self.offset.unwrap_or(0));
        query.limit = Some(limit);
        if let Some(near) = &self.near {
            query.origin = Some(place::resolve(near).map_err(|e| ApiError::bad("near", e))?);
        }
        if let Some(within) = &self.within {
            let distance =
                Distance::parse(within, Some(unit)).map_err(|e| ApiError::bad("within", e))?;
            query = query.max_distance(distance);
        }
        if let Some(bbox) = &self.bbox {
            query.area = Area::Box(bbox.parse::<BBox>().map_err(|e| ApiError::bad("bbox", e))?);
        }
        if let Some(polygon) = &self.polygon {
            if self.bbox.is_some() {
                return Err(ApiError::bad("polygon", "give bbox or polygon, not both"));
            }
            let polygon = polygon::from_geojson(&polygon.to_string())
                .map_err(|e| ApiError::bad("polygon", e))?;
            let vertices = geo::CoordsIter::coords_count(&polygon);
            if vertices > MAX_POLYGON_VERTICES {
                return Err(ApiError::bad(
                    "polygon",
                    format!("{vertices} vertices; at most {MAX_POLYGON_VERTICES}"),
                ));
            }
            query.area = Area::Polygon(polygon);
        }
        if let Some(after) = &self.after {
            query = query.after(
                after
                    .parse::<Cursor>()
                    .map_err(|e| ApiError::bad("after", e))?,
            );
        }
        if query.origin.is_none() && matches!(query.area, Area::Everywhere) {
            return Err(ApiError::bad(
                "near",
                "give near (a place), bbox or polygon",
            ));
        }
        Ok((query, limit))
    }
}

/// The `units` parameter, parsed as `Distance` parses units (mi by default).
pub(crate) fn unit(units: Option<&str>) -> Result<Unit, ApiError> {
    units
        .map_or(Ok(Unit::Miles), str::parse)
        .map_err(|e| ApiError::bad("units", e))
}
