//! Rate limits in memory: at most so many events per key in a window (problem reports per
//! listing, per client and in all; staff sign-ins per client and in all). Nothing of it
//! is stored or logged, and a restart forgets it.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys remembered at most; past this, windows that have ended are forgotten first,
/// then (under a flood of new keys) everything, so memory stays bounded.
const MAX_KEYS: usize = 100_000;

/// At most `max` events per key in each `window` (a fixed window per key, from its
/// first event).
pub(crate) struct Throttle<K> {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Eq + Hash> Throttle<K> {
    pub(crate) fn new(max: u32, window: Duration) -> Throttle<K> {
        Throttle {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether one more event of `key` is allowed at `now`; an allowed one is counted.
    pub(crate) fn allow(&self, key: K, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_KEYS && !seen.contains_key(&key) {
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
            if seen.len() >= MAX_KEYS {
                seen.clear();
            }
        }
        let (start, count) = seen.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        if *count >= self.max {
            return false;
        }
        *count += 1;
        true
    }

    /// Whether one more event of `key` would be allowed, counting nothing.
    pub(crate) fn would_allow(&self, key: &K, now: Instant) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(key).is_none_or(|(start, count)| {
            now.duration_since(*start) >= self.window || *count < self.max
        })
    }
}

/// The limits of the pages that write: problem reports per listing, per client and in
/// all (an hour each), and staff sign-ins per client and in all (a quarter of an hour).
pub(crate) struct Guards {
    report_listing: Throttle<String>,
    report_client: Throttle<IpAddr>,
    report_total: Throttle<()>,
    sign_in_client: Throttle<IpAddr>,
    sign_in_total: Throttle<()>,
}

impl Default for Guards {
    fn default() -> Guards {
        let hour = Duration::from_secs(3600);
        let quarter = Duration::from_secs(900);
        Guards {
            report_listing: Throttle::new(5, hour),
            report_client: Throttle::new(10, hour),
            report_total: Throttle::new(300, hour),
            sign_in_client: Throttle::new(10, quarter),
            sign_in_total: Throttle::new(200, quarter),
        }
    }
}

impl Guards {
    /// Whether a problem report about `id` from `client` (when the server knows it) may
    /// be taken now. It is counted in every limit only when all of them allow it, so a
    /// listing flooded with reports does not use up the total.
    pub(crate) fn report(&self, id: &str, client: Option<IpAddr>, now: Instant) -> bool {
        let id = id.to_string();
        let fits = self.report_listing.would_allow(&id, now)
            && client.is_none_or(|client| self.report_client.would_allow(&client, now))
            && self.report_total.would_allow(&(), now);
        fits && self.report_listing.allow(id, now)
            && client.is_none_or(|client| self.report_client.allow(client, now))
            && self.report_total.allow((), now)
    }

    /// Whether a sign-in attempt from `client` may be tried now (counted whether or not
    /// it then succeeds).
    pub(crate) fn sign_in(&self, client: Option<IpAddr>, now: Instant) -> bool {
        let fits = client.is_none_or(|client| self.sign_in_client.would_allow(&client, now))
            && self.sign_in_total.would_allow(&(), now);
        fits && client.is_none_or(|client| self.sign_in_client.allow(client, now))
            && self.sign_in_total.allow((), now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_share_per_window_and_no_more() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert!(throttle.allow("a", start));
        assert!(throttle.allow("a", start));
        assert!(!throttle.allow("a", start + Duration::from_secs(59)));
        assert!(throttle.allow("b", start), "another key has its own share");
        assert!(throttle.allow("a", start + Duration::from_secs(60)));
    }

    #[test]
    fn a_refusal_by_one_limit_counts_in_none() {
        let guards = Guards::default();
        let now = Instant::now();
        let client = Some(IpAddr::from([192, 0, 2, 1]));
        for _ in 0..5 {
            assert!(guards.report("f1", client, now));
        }
        // The listing's share is spent: the client's is not used up by refusals.
        for _ in 0..20 {
            assert!(!guards.report("f1", client, now));
        }
        for id in ["f2", "f3", "f4", "f5", "f6"] {
            assert!(guards.report(id, client, now), "{id}");
        }
        assert!(
            !guards.report("f7", client, now),
            "the client's share is spent"
        );
        assert!(guards.report("f7", Some(IpAddr::from([192, 0, 2, 2])), now));
        for _ in 0..10 {
            assert!(guards.sign_in(client, now));
        }
        assert!(!guards.sign_in(client, now));
        assert!(
            guards.sign_in(None, now),
            "a router mounted elsewhere has no client"
        );
    }
}
