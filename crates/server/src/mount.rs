//! Where the router is mounted: the path before its own routes when a program nests it
//! (`Router::nest("/carefind", server.router())`), so that every link, form action and
//! `next` address it writes stays under the mount.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;

/// The prefix of a request's path that is not the router's own: empty at the root,
/// `/carefind` under `nest("/carefind", ..)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mount(Arc<str>);

impl Mount {
    /// The mount of a request: the original path (`OriginalUri`, which axum keeps)
    /// less the path the router sees once a `nest` has stripped its prefix.
    pub(crate) fn of(parts: &Parts) -> Mount {
        let seen = parts.uri.path();
        let original = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(seen, |uri| uri.0.path());
        let prefix = match original.strip_suffix(seen) {
            Some(prefix) => prefix,
            // A nested router's "/" answers its mount itself ("/carefind").
            None if seen == "/" => original.trim_end_matches('/'),
            None => "",
        };
        // A prefix is a path of the embedding program's own: never one that a browser
        // would read as another host ("//host").
        if prefix.starts_with("//") || !(prefix.is_empty() || prefix.starts_with('/')) {
            return Mount::default();
        }
        Mount(prefix.into())
    }

    /// `path` (which starts with `/`) under the mount. The root page with a query
    /// (`/?lang=es`) is the mount's own address with it (`/carefind?lang=es`): a nested
    /// router has no `/carefind/`.
    pub(crate) fn link(&self, path: &str) -> String {
        match path.strip_prefix('/') {
            Some(query) if query.is_empty() || query.starts_with('?') => {
                format!("{}{query}", self.home())
            }
            _ => format!("{}{path}", self.0),
        }
    }

    /// The mount's own address: `/` at the root, `/carefind` when nested.
    pub(crate) fn home(&self) -> &str {
        if self.0.is_empty() { "/" } else { &self.0 }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Mount {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Mount, Infallible> {
        Ok(Mount::of(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount(original: &str, seen: &str) -> Mount {
        let (mut parts, ()) = axum::http::Request::builder()
            .uri(seen)
            .body(())
            .unwrap()
            .into_parts();
        parts
            .extensions
            .insert(OriginalUri(original.parse().unwrap()));
        Mount::of(&parts)
    }

    #[test]
    fn the_mount_is_the_original_path_less_the_routers_own() {
        assert_eq!(mount("/find", "/find").link("/find"), "/find");
        assert_eq!(
            mount("/carefind/find", "/find").link("/find"),
            "/carefind/find"
        );
        assert_eq!(mount("/carefind", "/").home(), "/carefind");
        assert_eq!(mount("/", "/").home(), "/");
        assert_eq!(mount("/", "/").link("/?lang=es"), "/?lang=es");
        assert_eq!(
            mount("/carefind", "/").link("/?lang=es"),
            "/carefind?lang=es"
        );
        assert_eq!(mount("/carefind/find", "/find").link("/"), "/carefind");
        assert_eq!(
            mount("/a/b/v1/facilities", "/v1/facilities").link("/x"),
            "/a/b/x"
        );
        assert_eq!(mount("//evil.example/find", "/find"), Mount::default());
    }
}
