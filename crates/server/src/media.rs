//! A request body's `Content-Type`, read strictly: a value that is not visible ASCII, or
//! that names a charset other than UTF-8, is refused (415), never taken for JSON.

use axum::http::{HeaderMap, StatusCode, header};

use crate::error::ApiError;

/// The media type of a request's body, lower case and without parameters (`None` when
/// the request names none), or 415 when the header cannot be what it claims: bytes that
/// are not visible ASCII, or `charset=` other than UTF-8 (JSON, NDJSON and carefind's
/// CSV feeds are UTF-8).
pub(crate) fn media_type(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(None);
    };
    let unsupported = |why: &str| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("content-type"),
            &format!("Content-Type {why}"),
        )
    };
    let text = value
        .to_str()
        .map_err(|_| unsupported("is not ASCII: name a media type such as application/json"))?;
    let mut parts = text.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    for parameter in parts {
        let Some((name, value)) = parameter.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset")
            && !value.eq_ignore_ascii_case("utf-8")
            && !value.eq_ignore_ascii_case("utf8")
        {
            return Err(unsupported(&format!("names charset {value:?}: send UTF-8")));
        }
    }
    Ok(Some(essence))
}

/// Whether a media type (as [`media_type`] gives it) is JSON: `application/json` or a
/// `+json` type (`application/jsonx` is not JSON).
pub(crate) fn is_json(essence: &str) -> bool {
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn of(value: &[u8]) -> Result<Option<String>, u16> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_bytes(value).unwrap(),
        );
        media_type(&headers).map_err(|error| error.status.as_u16())
    }

    #[test]
    fn content_types_are_read_strictly() {
        assert_eq!(
            of(b"Application/JSON; charset=UTF-8"),
            Ok(Some("application/json".into()))
        );
        assert_eq!(of(b"text/csv"), Ok(Some("text/csv".into())));
        assert_eq!(of(b"application/json; charset=latin1"), Err(415));
        assert_eq!(of("application/jsön".as_bytes()), Err(415));
        assert_eq!(media_type(&HeaderMap::new()).unwrap(), None);
        assert!(is_json("application/geo+json") && !is_json("application/jsonx"));
    }
}
