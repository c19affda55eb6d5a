//! Staff sessions: a signed cookie that says which token signed in and until when, and the
//! CSRF token every staff form carries.
//!
//! The cookie holds the token's SHA-256 (never the token), an expiry and a random nonce,
//! signed with HMAC-SHA-256 under a key kept in the availability store, so that every
//! server sharing the store accepts the sessions of the others. Nothing is kept about a
//! session on the server: the token's hash is looked up in the tokens of the moment on
//! every request, so a token removed from the tokens file ends its sessions at the reload
//! that removes it. The CSRF token is the same key's HMAC of the session's nonce: a form
//! made for one session is refused in any other.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use sha2::Sha256;

/// The cookie's name.
pub(crate) const COOKIE: &str = "carefind_staff";

/// How long a session lasts from sign-in.
pub(crate) const LIFETIME_MINUTES: i64 = 30;

/// The name of the key in the store.
pub(crate) const KEY_NAME: &str = "staff-sessions";

/// A signed-in staff session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    /// The SHA-256 of the token that signed in.
    pub(crate) token_hash: [u8; 32],
    /// When the session ends.
    pub(crate) expires: Timestamp,
    nonce: [u8; 16],
}

/// Signs and checks sessions with one key.
pub(crate) struct Keys {
    key: [u8; 32],
}

impl Keys {
    pub(crate) fn new(key: [u8; 32]) -> Keys {
        Keys { key }
    }

    fn mac(&self, parts: &[&[u8]]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// A new session for the token hashed to `token_hash`, from `now`; `None` when the
    /// system gives no random bytes.
    pub(crate) fn start(&self, token_hash: [u8; 32], now: Timestamp) -> Option<Session> {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).ok()?;
        let expires = now
            .checked_add(jiff::SignedDuration::from_mins(LIFETIME_MINUTES))
            .ok()?;
        Some(Session {
            token_hash,
            expires,
            nonce,
        })
    }

    /// The cookie's value for `session`.
    pub(crate) fn cookie_value(&self, session: &Session) -> String {
        let expires = session.expires.as_second().to_string();
        let tag = self
            .mac(&[
                b"session",
                expires.as_bytes(),
                &session.nonce,
                &session.token_hash,
            ])
            .finalize()
            .into_bytes();
        format!(
            "{expires}.{}.{}.{}",
            URL_SAFE_NO_PAD.encode(session.nonce),
            URL_SAFE_NO_PAD.encode(session.token_hash),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The session a cookie's value holds, if this key signed it and it has not ended at
    /// `now`.
    pub(crate) fn session_of(&self, value: &str, now: Timestamp) -> Option<Session> {
        let mut parts = value.split('.');
        let (expires, nonce, hash, tag) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let nonce: [u8; 16] = URL_SAFE_NO_PAD.decode(nonce).ok()?.try_into().ok()?;
        let token_hash: [u8; 32] = URL_SAFE_NO_PAD.decode(hash).ok()?.try_into().ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac(&[b"session", expires.as_bytes(), &nonce, &token_hash])
            .verify_slice(&tag)
            .ok()?;
        let expires = Timestamp::from_second(expires.parse().ok()?).ok()?;
        (now < expires).then_some(Session {
            token_hash,
            expires,
            nonce,
        })
    }

    /// The CSRF token of `session`'s forms.
    pub(crate) fn csrf(&self, session: &Session) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(&[b"csrf", &session.nonce]).finalize().into_bytes())
    }

    /// Whether `given` is `session`'s CSRF token (compared in constant time).
    pub(crate) fn csrf_holds(&self, session: &Session, given: &str) -> bool {
        URL_SAFE_NO_PAD.decode(given).is_ok_and(|tag| {
            self.mac(&[b"csrf", &session.nonce])
                .verify_slice(&tag)
                .is_ok()
        })
    }
}

/// The value of cookie `name` in a `Cookie` header.
pub(crate) fn cookie<'h>(header: &'h str, name: &str) -> Option<&'h str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value.trim_matches('"'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-06-01T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_session_reads_back_until_it_ends() {
        let keys = Keys::new([7; 32]);
        let session = keys.start([1; 32], now()).unwrap();
        let value = keys.cookie_value(&session);
        assert_eq!(keys.session_of(&value, now()), Some(session.clone()));
        let end = now()
            .checked_add(jiff::SignedDuration::from_mins(LIFETIME_MINUTES))
            .unwrap();
        assert_eq!(keys.session_of(&value, end), None, "ended");
        assert_eq!(
            Keys::new([8; 32]).session_of(&value, now()),
            None,
            "another key"
        );
    }

    #[test]
    fn a_changed_cookie_is_refused() {
        let keys = Keys::new([7; 32]);
        let session = keys.start([1; 32], now()).unwrap();
        let value = keys.cookie_value(&session);
        // A later expiry, another token's hash, a truncated tag, extra parts.
        let mut parts: Vec<String> = value.split('.').map(str::to_string).collect();
        let later = format!("{}", session.expires.as_second() + 3600);
        let forged = [
            format!("{later}.{}.{}.{}", parts[1], parts[2], parts[3]),
            format!(
                "{}.{}.{}.{}",
                parts[0],
                parts[1],
                URL_SAFE_NO_PAD.encode([2u8; 32]),
                parts[3]
            ),
            format!("{}.{}.{}.{}", parts[0], parts[1], parts[2], &parts[3][..10]),
            format!("{value}.x"),
            String::new(),
        ];
        for value in forged {
            assert_eq!(keys.session_of(&value, now()), None, "{value}");
        }
        parts.clear();
    }

    #[test]
    fn a_csrf_token_holds_for_its_own_session_only() {
        let keys = Keys::new([7; 32]);
        let one = keys.start([1; 32], now()).unwrap();
        let two = keys.start([1; 32], now()).unwrap();
        let token = keys.csrf(&one);
        assert!(keys.csrf_holds(&one, &token));
        assert!(!keys.csrf_holds(&two, &token));
        assert!(!keys.csrf_holds(&one, ""));
        assert!(!keys.csrf_holds(&one, "not base64!"));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let header = "a=1; carefind_staff=abc.def; b=2";
        assert_eq!(cookie(header, COOKIE), Some("abc.def"));
        assert_eq!(cookie(header, "c"), None);
    }
}
