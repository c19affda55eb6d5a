//! The Open Referral HSDS 3.1 API under `/hsds`: services, service_at_locations (with
//! `postcode` and `proximity` answered from the same index as `/v1/facilities`),
//! organizations, taxonomies and their terms, paged as the specification says.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use carefind::hsds::{self, Ids, taxonomy};
use carefind::{CareLevel, Distance, FacilityRef, Filter, Index, Query, Set, Term};
use serde_json::{Value, json};

use crate::error::{ApiError, json_body};
use crate::params::{number, pairs, refuse_repeats};
use crate::{MAX_LIMIT, Shared};
use carefind_places as place;

/// Results a page holds unless `per_page` says otherwise.
const PER_PAGE: usize = 50;

/// Each facility's HSDS objects for one index, made the first time they are asked for,
/// and its ids, so that an id in a path finds its facility at once.
pub struct Prepared {
    /// The [`Index::generation`] they were made from (never its address, which a later
    /// index can reuse).
    generation: u64,
    objects: Vec<OnceLock<Objects>>,
    by_id: HashMap<String, (Kind, u32)>,
}

/// What an id names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Service,
    ServiceAtLocation,
    Organization,
}

/// A facility's objects as JSON text; the service's `"capacities":[]` sits at
/// `capacities`, for the bed counts of the moment to be put in its place.
struct Objects {
    service_at_location: String,
    capacities: usize,
    /// The service_at_location one-to-one, as a list holds it (no arrays, so no beds).
    list_item: String,
}

impl Prepared {
    pub fn of(index: &Index) -> Prepared {
        let mut by_id = HashMap::with_capacity(index.len() * 3);
        for (position, facility) in index.facilities().enumerate() {
            let ids = Ids::of(facility.id());
            by_id.insert(ids.service, (Kind::Service, position as u32));
            by_id.insert(
                ids.service_at_location,
                (Kind::ServiceAtLocation, position as u32),
            );
            by_id.insert(ids.organization, (Kind::Organization, position as u32));
        }
        Prepared {
            generation: index.generation(),
            objects: (0..index.len()).map(|_| OnceLock::new()).collect(),
            by_id,
        }
    }

    fn for_index(&self, index: &Index) -> bool {
        self.generation == index.generation()
    }

    fn objects(&self, position: usize, facility: FacilityRef<'_>) -> &Objects {
        self.objects[position].get_or_init(|| {
            let value = hsds::service_at_location(facility, &[], taxonomy::all());
            let text = serde_json::to_string(&value).expect("HSDS objects serialize");
            let capacities = text
                .find("\"capacities\":[]")
                .map_or(text.len(), |at| at + "\"capacities\":".len());
            let mut item = value;
            one_to_one(&mut item);
            Objects {
                service_at_location: text,
                capacities,
                list_item: serde_json::to_string(&item).expect("HSDS objects serialize"),
            }
        })
    }
}

/// The prepared objects of the current index, made anew after a reload.
fn prepared(shared: &Shared, index: &Arc<Index>) -> Arc<Prepared> {
    let current = shared.hsds.load_full();
    if current.for_index(index) {
        return current;
    }
    let fresh = Arc::new(Prepared::of(index));
    shared.hsds.store(Arc::clone(&fresh));
    fresh
}

/// The specification's lists take their parameters by `GET` or `POST` alike (the query
/// string either way); every answer may be read by a page of any origin, as the UK
/// profile requires of a public directory (nothing here is private: the places asked
/// about are in the request, never in an answer to anyone else).
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/hsds", get(root))
        .route("/hsds/", get(root))
        .route("/hsds/services", get(services).post(services))
        .route("/hsds/services/{id}", get(service))
        .route(
            "/hsds/service_at_locations",
            get(service_at_locations).post(service_at_locations),
        )
        .route("/hsds/service_at_locations/{id}", get(service_at_location))
        .route(
            "/hsds/organizations",
            get(organizations).post(organizations),
        )
        .route("/hsds/organizations/{id}", get(organization))
        .route("/hsds/taxonomies", get(taxonomies).post(taxonomies))
        .route("/hsds/taxonomies/{id}", get(taxonomy_one))
        .route(
            "/hsds/taxonomy_terms",
            get(taxonomy_terms).post(taxonomy_terms),
        )
        .route("/hsds/taxonomy_terms/{id}", get(taxonomy_term))
        .layer(axum::middleware::map_response(any_origin))
}

async fn any_origin(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

/// The patch of HSDS 3.1 the API meets: 3.1.1 made a page's `empty` required and a
/// capacity's `updated` a date-time, both of which carefind writes.
const API_VERSION: &str = "3.1.1";

/// The specification's OpenAPI description at the commit carefind is validated against
/// (a branch would move under it).
const OPENAPI_URL: &str = "https://raw.githubusercontent.com/openreferral/specification/abc731c8ac11825010e9d74a0ab61dcd48e880ec/schema/openapi.json";

async fn root() -> Response {
    json_body(&json!({
        "version": API_VERSION,
        "openapi_url": OPENAPI_URL,
    }))
}

/// What a list asks: its page, and the filters of `/service_at_locations`.
struct ListParams {
    page: usize,
    per_page: usize,
    postcode: Option<String>,
    proximity: Option<f64>,
    term: Option<String>,
    taxonomy: Option<String>,
    search: Option<String>,
    modified_after: Option<jiff::Timestamp>,
    ndjson: bool,
    /// Items fully nested (`full=true`) rather than one-to-one, as lists are by default.
    full: bool,
    /// Services as their id and `last_modified` only.
    minimal: bool,
    /// Organizations with their full services.
    full_service: bool,
    organization: Option<String>,
    /// Taxonomy terms without a parent.
    top_only: bool,
    parent: Option<String>,
}

/// `true` or `false`, named as the parameter it is.
fn flag(key: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(ApiError::bad(
            key,
            format!("{other:?} is not true or false"),
        )),
    }
}

/// The highest page number asked for: beyond any directory's last page, and the bound the
/// OpenAPI description declares.
const MAX_PAGE: usize = 1_000_000_000;

fn list_params(raw: Option<&str>, allowed: &[&str]) -> Result<ListParams, ApiError> {
    let pairs = pairs(raw)?;
    refuse_repeats(&pairs, allowed)?;
    let mut params = ListParams {
        page: 1,
        per_page: PER_PAGE,
        postcode: None,
        proximity: None,
        term: None,
        taxonomy: None,
        search: None,
        modified_after: None,
        ndjson: false,
        full: false,
        minimal: false,
        full_service: false,
        organization: None,
        top_only: false,
        parent: None,
    };
    for (key, value) in &pairs {
        if !allowed.contains(&key.as_str()) {
            return Err(ApiError::bad(
                key,
                format!(
                    "unknown parameter; this endpoint takes {}",
                    allowed.join(", ")
                ),
            ));
        }
        if value.is_empty() {
            return Err(ApiError::bad(
                key,
                "is empty: give a value or leave the parameter out",
            ));
        }
        match key.as_str() {
            "page" => {
                params.page = number("page", value)?;
                if params.page == 0 || params.page > MAX_PAGE {
                    return Err(ApiError::bad(
                        "page",
                        format!("pages are numbered from 1 to {MAX_PAGE}"),
                    ));
                }
            }
            "per_page" => {
                params.per_page = number("per_page", value)?;
                if params.per_page == 0 || params.per_page > MAX_LIMIT {
                    return Err(ApiError::bad(
                        "per_page",
                        format!("{value} is not from 1 to {MAX_LIMIT}"),
                    ));
                }
            }
            "postcode" => params.postcode = Some(value.clone()),
            "proximity" => {
                let metres: f64 = value.trim().parse().map_err(|_| {
                    ApiError::bad(
                        "proximity",
                        format!("{value:?} is not a distance in metres"),
                    )
                })?;
                if !(metres.is_finite() && metres >= 0.0) {
                    return Err(ApiError::bad(
                        "proximity",
                        format!("{value:?} is not a distance in metres"),
                    ));
                }
                params.proximity = Some(metres);
            }
            "taxonomy_term_id" => params.term = Some(value.clone()),
            "full" => params.full = flag(key, value)?,
            "minimal" => params.minimal = flag(key, value)?,
            "full_service" => params.full_service = flag(key, value)?,
            "top_only" => params.top_only = flag(key, value)?,
            "organization_id" => params.organization = Some(value.clone()),
            "parent_id" => params.parent = Some(value.clone()),
            "taxonomy_id" => params.taxonomy = Some(value.clone()),
            "search" => params.search = Some(value.to_lowercase()),
            "modified_after" => {
                let at = match value.parse::<jiff::Timestamp>() {
                    Ok(at) => Some(at),
                    Err(_) => value.parse::<jiff::civil::Date>().ok().map(midnight),
                };
                params.modified_after = Some(at.ok_or_else(|| {
                    ApiError::bad(
                        "modified_after",
                        format!("{value:?} is not a date-time (2024-01-31T00:00:00Z) or a date"),
                    )
                })?);
            }
            "format" => match value.as_str() {
                "json" => params.ndjson = false,
                "ndjson" => params.ndjson = true,
                other => {
                    return Err(ApiError::bad(
                        "format",
                        format!("{other:?}: json or ndjson"),
                    ));
                }
            },
            _ => {}
        }
    }
    if params.proximity.is_some() && params.postcode.is_none() {
        return Err(ApiError::bad(
            "proximity",
            "proximity is measured from a postcode; give postcode",
        ));
    }
    Ok(params)
}

/// The start of a day, UTC: a listing verified that day was modified then.
fn midnight(day: jiff::civil::Date) -> jiff::Timestamp {
    let days = i64::from((day - jiff::civil::date(1970, 1, 1)).get_days());
    jiff::Timestamp::from_second(days * 86_400).unwrap_or(jiff::Timestamp::MIN)
}

/// A page as the specification defines it.
fn page(total: usize, params: &ListParams, contents: Vec<Value>) -> Value {
    let total_pages = total.div_ceil(params.per_page);
    json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": contents.len(),
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

/// The filter a carefind term id stands for, or `None` for a term that is no filter.
fn term_filter(id: &str) -> Option<Filter> {
    let term = hsds::term(id)?;
    let code = term["code"].as_str()?;
    fn set<T: Term>(code: &str) -> Option<Set<T>> {
        T::parse_one(code).ok().map(Set::from)
    }
    let filter = Filter::new().include_closed();
    Some(match term["taxonomy"].as_str()? {
        taxonomy::CARE => filter.care(set::<CareLevel>(code)?),
        taxonomy::PAYMENT => filter.payment(set(code)?),
        taxonomy::AGE => filter.ages(set(code)?),
        taxonomy::POPULATION => filter.populations(set(code)?),
        taxonomy::LANGUAGE => filter.languages(set(code)?),
        taxonomy::MEDICATION => filter.medications(set(code)?),
        taxonomy::KIND => filter.kinds(set(code)?),
        taxonomy::MH_TYPE => {
            let types: Set<carefind::MhType> = set(code)?;
            filter.predicate(move |f| f.mh_types().intersects(types))
        }
        _ => return None,
    })
}

/// Whether `f`'s objects hold a term of the taxonomy named `name`, read from its fields
/// for the taxonomies whose terms mirror one field (an attribute per value); `None` for
/// those that need the objects themselves (the listing's facts).
fn has_term_of(name: &str, f: FacilityRef<'_>) -> Option<bool> {
    Some(match name {
        taxonomy::CARE => !f.care().is_empty(),
        taxonomy::PAYMENT => !f.payment().is_empty(),
        taxonomy::AGE => !f.ages().is_empty(),
        taxonomy::POPULATION => !f.populations().is_empty(),
        taxonomy::LANGUAGE => !f.languages().is_empty(),
        taxonomy::MEDICATION => !f.medications().is_empty(),
        taxonomy::KIND => !f.kinds().is_empty(),
        taxonomy::MH_TYPE => !f.mh_types().is_empty(),
        taxonomy::CREDENTIAL => !f.credentials().is_empty(),
        taxonomy::ASAM => !carefind::asam::of_care(f.care()).is_empty(),
        // Every location says how exactly its coordinates place it.
        taxonomy::PRECISION => true,
        _ => return None,
    })
}

/// The library query of a list's filters; every status is listed (HSDS carries it).
/// `taxonomy_id` keeps the facilities whose objects hold a term of that taxonomy (read
/// from the objects themselves, so it agrees with what the answer shows), and
/// `organization_id` the one facility of that organization.
fn query_of(
    params: &ListParams,
    index: &Arc<Index>,
    prepared: &Arc<Prepared>,
) -> Result<Query, ApiError> {
    // A term or taxonomy carefind does not have is held by no record: an empty page, as
    // an organization id that names none.
    let nothing = || Filter::new().include_closed().predicate(|_| false);
    let mut filter = match &params.term {
        None => Filter::new().include_closed(),
        Some(id) if hsds::term(id).is_none() => nothing(),
        Some(id) => term_filter(id).ok_or_else(|| {
            ApiError::bad("taxonomy_term_id", format!("{id:?} is not a carefind term that selects facilities (see /hsds/taxonomy_terms)"))
        })?,
    };
    let in_taxonomy = match &params.taxonomy {
        None => None,
        Some(id) => match taxonomy::all().iter().find(|t| t.id == *id) {
            Some(taxonomy) => Some((taxonomy.name, format!("\"taxonomy\":\"{}\"", taxonomy.name))),
            None => {
                filter = nothing();
                None
            }
        },
    };
    let organization = params.organization.clone();
    let search = params.search.clone();
    let since = params.modified_after;
    if search.is_some() || since.is_some() || in_taxonomy.is_some() || organization.is_some() {
        let previous = filter.clone();
        let (index, prepared) = (Arc::clone(index), Arc::clone(prepared));
        filter = filter.predicate(move |f| {
            previous.matches(f)
                && search.as_ref().is_none_or(|words| {
                    f.name().to_lowercase().contains(words)
                        || f.name2().to_lowercase().contains(words)
                        || f.services().any(|s| s.to_lowercase().contains(words))
                })
                && since.is_none_or(|since| f.verified().is_some_and(|day| midnight(day) >= since))
                && organization
                    .as_ref()
                    .is_none_or(|id| Ids::of(f.id()).organization == *id)
                && in_taxonomy.as_ref().is_none_or(|(name, needle)| {
                    has_term_of(name, f).unwrap_or_else(|| {
                        index.position_of(f).is_some_and(|position| {
                            prepared
                                .objects(position, f)
                                .service_at_location
                                .contains(needle.as_str())
                        })
                    })
                })
        });
    }
    let mut query = Query::default().filter(filter);
    if let Some(postcode) = &params.postcode {
        // A well-formed ZIP code that names no place is a place not found.
        let origin = place::zip_point(postcode).ok_or_else(|| {
            let status = if postcode.len() == 5 && postcode.bytes().all(|b| b.is_ascii_digit()) {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::BAD_REQUEST
            };
            ApiError::new(
                status,
                Some("postcode"),
                &format!("{postcode:?} is not a US ZIP code this server knows"),
            )
        })?;
        query = query.near(origin);
        if let Some(metres) = params.proximity {
            query = query.max_distance(Distance::from_meters(metres));
        }
    }
    Ok(query)
}

/// The service_at_location of `facility` as JSON text, with its bed counts now.
fn write_service_at_location(
    out: &mut Vec<u8>,
    objects: &Objects,
    facility: FacilityRef<'_>,
    shared: &Shared,
    taxonomies: &[taxonomy::Taxonomy],
) {
    let text = &objects.service_at_location;
    let reports = shared
        .writer
        .as_ref()
        .map(|_| shared.locator.availability());
    let beds: Vec<Value> = match &reports {
        Some(table) if !table.reports(facility.id()).is_empty() => {
            hsds::service_capacities(facility, table.reports(facility.id()), taxonomies)
        }
        _ => Vec::new(),
    };
    if beds.is_empty() || objects.capacities >= text.len() {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    out.extend_from_slice(&text.as_bytes()[..objects.capacities]);
    serde_json::to_writer(&mut *out, &beds).expect("values serialize");
    out.extend_from_slice(&text.as_bytes()[objects.capacities + 2..]);
}

async fn service_at_locations(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = list_params(
        raw.as_deref(),
        &[
            "postcode",
            "proximity",
            "taxonomy_term_id",
            "taxonomy_id",
            "organization_id",
            "search",
            "modified_after",
            "full",
            "page",
            "per_page",
            "format",
        ],
    )?;
    let index = shared.locator.index();
    let prepared = prepared(&shared, &index);
    let query = query_of(&params, &index, &prepared)?;
    let shared2 = Arc::clone(&shared);
    shared
        .compute(crate::workers::Lane::Quick, move |budget| {
            let query = query.budget(budget);
            let refused = |e| ApiError::query(e, "query");
            if params.ndjson {
                let hits = index.search(&query).map_err(refused)?;
                let mut body = Vec::with_capacity(hits.len() * 4096);
                for hit in &hits {
                    let position = index.position_of(hit.facility).unwrap_or(0);
                    write_item(&mut body, prepared.objects(position, hit.facility), hit.facility, &shared2, params.full);
                    body.push(b'\n');
                }
                return Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response());
            }
            let total = index.count(&query).map_err(refused)?;
            let paged = query.offset((params.page - 1).saturating_mul(params.per_page)).limit(params.per_page);
            let hits = index.search(&paged).map_err(refused)?;
            let mut body = Vec::with_capacity(hits.len() * 4096 + 256);
            let total_pages = total.div_ceil(params.per_page);
            body.extend_from_slice(
                format!(
                    "{{\"total_items\":{total},\"total_pages\":{total_pages},\"page_number\":{},\"size\":{},\"first_page\":{},\"last_page\":{},\"empty\":{},\"contents\":[",
                    params.page,
                    hits.len(),
                    params.page == 1,
                    params.page >= total_pages,
                    hits.is_empty()
                )
                .as_bytes(),
            );
            for (i, hit) in hits.iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                let position = index.position_of(hit.facility).unwrap_or(0);
                write_item(&mut body, prepared.objects(position, hit.facility), hit.facility, &shared2, params.full);
            }
            body.extend_from_slice(b"]}");
            Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
        })
        .await
}

/// A list's service_at_location: fully nested with `full`, else one-to-one as the
/// specification's list items are (the nested service, its organization and the location,
/// without the arrays).
fn write_item(
    out: &mut Vec<u8>,
    objects: &Objects,
    facility: FacilityRef<'_>,
    shared: &Shared,
    full: bool,
) {
    if full {
        return write_service_at_location(out, objects, facility, shared, taxonomy::all());
    }
    out.extend_from_slice(objects.list_item.as_bytes());
}

/// `value` with every array left out, at every depth: what a list item holds.
fn one_to_one(value: &mut Value) {
    if let Value::Object(object) = value {
        object.retain(|_, field| !field.is_array());
        for field in object.values_mut() {
            one_to_one(field);
        }
    }
}

/// The facility and its position that `id` names as `kind`, or 404.
fn find(
    shared: &Shared,
    id: &str,
    kind: Kind,
    what: &str,
) -> Result<(Arc<Index>, Arc<Prepared>, usize), ApiError> {
    let index = shared.locator.index();
    let prepared = prepared(shared, &index);
    match prepared.by_id.get(id) {
        Some((found, position)) if *found == kind => {
            Ok((index, Arc::clone(&prepared), *position as usize))
        }
        _ => Err(not_found(what, id)),
    }
}

fn not_found(what: &str, id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        Some("id"),
        &format!("no {what} has id {id:?}"),
    )
}

fn parsed(body: Vec<u8>) -> Value {
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}

async fn service_at_location(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    const WHAT: &str = "service_at_location";
    let (index, prepared, position) = find(&shared, &id, Kind::ServiceAtLocation, WHAT)?;
    let facility = index
        .facility(position)
        .ok_or_else(|| not_found(WHAT, &id))?;
    let mut body = Vec::new();
    write_service_at_location(
        &mut body,
        prepared.objects(position, facility),
        facility,
        &shared,
        taxonomy::all(),
    );
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A facility's service, fully nested, with its service_at_location.
fn service_object(
    shared: &Shared,
    prepared: &Prepared,
    position: usize,
    facility: FacilityRef<'_>,
) -> Value {
    let mut body = Vec::new();
    write_service_at_location(
        &mut body,
        prepared.objects(position, facility),
        facility,
        shared,
        taxonomy::all(),
    );
    let mut sal = parsed(body);
    let mut service = detach(&mut sal, "service");
    service["service_at_locations"] = json!([sal]);
    service
}

/// Takes the object nested under `key` out of `parent`, key and all.
fn detach(parent: &mut Value, key: &str) -> Value {
    parent
        .as_object_mut()
        .and_then(|object| object.remove(key))
        .unwrap_or(Value::Null)
}

async fn service(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    one(&shared, &id, Kind::Service)
}

/// One service or organization by id, fully nested.
fn one(shared: &Shared, id: &str, kind: Kind) -> Result<Response, ApiError> {
    let what = match kind {
        Kind::Organization => "organization",
        _ => "service",
    };
    let (index, prepared, position) = find(shared, id, kind, what)?;
    let facility = index
        .facility(position)
        .ok_or_else(|| not_found(what, id))?;
    Ok(json_body(&match kind {
        Kind::Organization => organization_object(shared, &prepared, position, facility),
        _ => service_object(shared, &prepared, position, facility),
    }))
}

async fn services(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_by_id(shared, raw, Kind::Service).await
}

async fn organizations(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_by_id(shared, raw, Kind::Organization).await
}

/// An organization with its one service.
fn organization_object(
    shared: &Shared,
    prepared: &Prepared,
    position: usize,
    facility: FacilityRef<'_>,
) -> Value {
    let mut service = service_object(shared, prepared, position, facility);
    let mut organization = detach(&mut service, "organization");
    organization["services"] = json!([service]);
    organization
}

async fn organization(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    // Its services are always given in full; the parameter is checked all the same.
    list_params(raw.as_deref(), &["full_service"])?;
    one(&shared, &id, Kind::Organization)
}

/// `/services` and `/organizations`: every facility in id order, a page at a time (or
/// all of them as NDJSON), one-to-one unless `full` (or `full_service`) asks for more.
async fn list_by_id(
    shared: Arc<Shared>,
    raw: Option<String>,
    kind: Kind,
) -> Result<Response, ApiError> {
    let allowed: &[&str] = match kind {
        Kind::Organization => &[
            "search",
            "full_service",
            "full",
            "taxonomy_term_id",
            "taxonomy_id",
            "page",
            "per_page",
            "format",
        ],
        _ => &[
            "search",
            "taxonomy_term_id",
            "taxonomy_id",
            "organization_id",
            "modified_after",
            "minimal",
            "full",
            "page",
            "per_page",
            "format",
        ],
    };
    let params = list_params(raw.as_deref(), allowed)?;
    let index = shared.locator.index();
    let prepared = prepared(&shared, &index);
    let query = query_of(&params, &index, &prepared)?;
    let shared2 = Arc::clone(&shared);
    shared
        .compute(crate::workers::Lane::Heavy, move |budget| {
            let query = query.budget(budget);
            let refused = |e| ApiError::query(e, "query");
            let total = index.count(&query).map_err(refused)?;
            let paged = if params.ndjson {
                query
            } else {
                query
                    .offset((params.page - 1).saturating_mul(params.per_page))
                    .limit(params.per_page)
            };
            let contents: Vec<Value> = index
                .search(&paged)
                .map_err(refused)?
                .iter()
                .map(|hit| {
                    let position = index.position_of(hit.facility).unwrap_or(0);
                    let mut item = match kind {
                        Kind::Organization => {
                            organization_object(&shared2, &prepared, position, hit.facility)
                        }
                        _ => service_object(&shared2, &prepared, position, hit.facility),
                    };
                    if params.minimal && kind == Kind::Service {
                        // The id and when it changed, as the parameter says, with what
                        // the list's item schema requires (name, status).
                        let mut minimal = json!({
                            "id": item["id"],
                            "name": item["name"],
                            "status": item["status"],
                        });
                        if let Some(modified) = item.get("last_modified").filter(|m| !m.is_null()) {
                            minimal["last_modified"] = modified.clone();
                        }
                        return minimal;
                    }
                    if !(params.full || params.full_service) {
                        one_to_one(&mut item);
                    }
                    item
                })
                .collect();
            Ok(answer(total, &params, contents))
        })
        .await
}

/// A list as a page, or every item on a line of its own (`format=ndjson`).
fn answer(total: usize, params: &ListParams, contents: Vec<Value>) -> Response {
    if !params.ndjson {
        return json_body(&page(total, params, contents));
    }
    let mut body = Vec::new();
    for item in &contents {
        serde_json::to_writer(&mut body, item).expect("values serialize");
        body.push(b'\n');
    }
    ([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response()
}

/// Whether `value`'s name or description holds the lowercased `words`.
fn says(value: &Value, words: &str) -> bool {
    ["name", "description"].iter().any(|key| {
        value[*key]
            .as_str()
            .is_some_and(|text| text.to_lowercase().contains(words))
    })
}

async fn taxonomies(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let params = list_params(raw.as_deref(), &["search", "page", "per_page", "format"])?;
    let all: Vec<Value> = taxonomy::all()
        .iter()
        .map(taxonomy::taxonomy_json)
        .filter(|t| params.search.as_ref().is_none_or(|words| says(t, words)))
        .collect();
    Ok(paged(all, &params))
}

async fn taxonomy_one(Path(id): Path<String>) -> Result<Response, ApiError> {
    taxonomy::all()
        .iter()
        .find(|t| t.id == id)
        .map(|t| json_body(&taxonomy::taxonomy_json(t)))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                Some("id"),
                &format!("no taxonomy has id {id:?}"),
            )
        })
}

async fn taxonomy_terms(RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let params = list_params(
        raw.as_deref(),
        &[
            "search",
            "taxonomy_id",
            "top_only",
            "parent_id",
            "page",
            "per_page",
            "format",
        ],
    )?;
    let all: Vec<Value> = hsds::taxonomy_terms()
        .into_iter()
        .filter(|term| {
            let parent = term["parent_id"].as_str().filter(|id| !id.is_empty());
            params
                .taxonomy
                .as_ref()
                .is_none_or(|id| term["taxonomy_id"] == id.as_str())
                && params.search.as_ref().is_none_or(|words| says(term, words))
                && (!params.top_only || parent.is_none())
                && params
                    .parent
                    .as_ref()
                    .is_none_or(|id| parent == Some(id.as_str()))
        })
        .collect();
    Ok(paged(all, &params))
}

async fn taxonomy_term(Path(id): Path<String>) -> Result<Response, ApiError> {
    hsds::taxonomy_terms()
        .into_iter()
        .find(|t| t["id"] == id.as_str())
        .map(|t| json_body(&t))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                Some("id"),
                &format!("no taxonomy term has id {id:?}"),
            )
        })
}

fn paged(all: Vec<Value>, params: &ListParams) -> Response {
    let total = all.len();
    if params.ndjson {
        return answer(total, params, all);
    }
    let contents = all
        .into_iter()
        .skip((params.page - 1).saturating_mul(params.per_page))
        .take(params.per_page)
        .collect();
    answer(total, params, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the fields say of a facility's terms is what its objects hold.
    #[test]
    fn a_taxonomy_read_from_the_fields_agrees_with_the_objects() {
        let index = Index::sample();
        let prepared = Prepared::of(&index);
        let mut checked = 0;
        for (position, f) in index.facilities().enumerate().step_by(20) {
            let text = &prepared.objects(position, f).service_at_location;
            for t in taxonomy::all() {
                if let Some(held) = has_term_of(t.name, f) {
                    let needle = format!("\"taxonomy\":\"{}\"", t.name);
                    assert_eq!(held, text.contains(&needle), "{} {}", f.id(), t.name);
                    checked += 1;
                }
            }
        }
        assert!(checked > 4_000, "{checked}");
    }
}
