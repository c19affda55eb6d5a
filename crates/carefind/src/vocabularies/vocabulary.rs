//! Closed vocabularies: terms with a canonical name, a label, FindTreatment codes and aliases.
//!
//! Every attribute with a fixed list of values (levels of care, payment, ages, populations,
//! languages, medications) is a [`Term`]. Terms parse case-insensitively from their canonical
//! name, any FindTreatment code, their label or an alias, and an unknown word gets an
//! [`UnknownTerm`] error that lists the valid names and suggests the closest one.

use crate::error::UnknownTerm;
use crate::set::Set;

/// A term of a closed vocabulary, such as [`CareLevel`](crate::CareLevel) or
/// [`Payment`](crate::Payment).
///
/// The trait is what [`Set`] and the parsers are generic over; each vocabulary also has the
/// same methods as inherent ones, so callers rarely need to import it.
///
/// ```
/// use carefind::{CareLevel, Term};
///
/// assert_eq!(CareLevel::parse("IOP").unwrap(), CareLevel::Iop);
/// assert_eq!(<CareLevel as Term>::KIND, "care level");
/// ```
pub trait Term:
    Copy + Eq + Ord + std::hash::Hash + std::fmt::Debug + Send + Sync + 'static
{
    /// What the vocabulary is called in messages, such as `"care level"`.
    const KIND: &'static str;
    /// Every term, in canonical order; a term's position is its bit in a [`Set`].
    const ALL: &'static [Self];
    /// Names that stand for several terms at once (the care groups); empty elsewhere.
    const GROUPS: &'static [Group<Self>] = &[];

    /// The term's position in [`Term::ALL`].
    fn index(self) -> usize;
    /// The canonical kebab-case name, used in the CSV format, the CLI and JSON.
    fn name(self) -> &'static str;
    /// A short human label.
    fn label(self) -> &'static str;
    /// The FindTreatment codes for this term (may be empty).
    fn codes(self) -> &'static [&'static str];
    /// Other accepted spellings.
    fn aliases(self) -> &'static [&'static str];

    /// Parses one word: a canonical name, a code, the label or an alias, in any case, with
    /// `_` or spaces in place of `-`.
    ///
    /// ```
    /// use carefind::{Payment, Term};
    ///
    /// assert_eq!(<Payment as Term>::parse_one("MD").unwrap(), Payment::Medicaid);
    /// assert_eq!(<Payment as Term>::parse_one("Sliding fee").unwrap(), Payment::SlidingFee);
    /// assert!(<Payment as Term>::parse_one("bitcoin").is_err());
    /// ```
    fn parse_one(word: &str) -> Result<Self, UnknownTerm> {
        let word = word.trim();
        canonical::<Self>(word)
            .or_else(|| spelled::<Self>(word))
            .ok_or_else(|| unknown::<Self>(word))
    }
}

/// A name for several terms at once, such as the care group `detox`.
///
/// ```
/// use carefind::{CareLevel, Term};
///
/// let detox = CareLevel::GROUPS.iter().find(|g| g.name == "detox").unwrap();
/// assert!(detox.members.contains(&CareLevel::ResidentialDetox));
/// ```
#[derive(Debug)]
pub struct Group<T: 'static> {
    /// The group's canonical name.
    pub name: &'static str,
    /// A short human label.
    pub label: &'static str,
    /// FindTreatment codes that name the whole group.
    pub codes: &'static [&'static str],
    /// The terms the group stands for.
    pub members: &'static [T],
}

/// `text` without leading and trailing white space, as [`str::trim`] gives it, but
/// without a look at the characters when both ends are plainly not space: a load trims
/// every field and list word, almost none of which has any, and `str::trim`'s Unicode scan
/// was a twentieth of a million-row load.
pub(crate) fn trim(text: &str) -> &str {
    // Bytes above space and below 0x80 are printable ASCII, never white space; anything
    // else (controls, space, the start of a multi-byte character) takes the full trim.
    let plain = |byte: &u8| (b'!'..0x80).contains(byte);
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if !(plain(first) && plain(last)) => text.trim(),
        _ => text,
    }
}

/// The words of a list separated by `;` or `,`, trimmed, empty ones left out.
pub(crate) fn list_words(list: &str) -> impl Iterator<Item = &str> {
    // Both separators are ASCII, so each cut falls between characters; finding them as
    // bytes, not decoding characters to compare them with a set, took the nine list
    // fields of a million-row load from a sixteenth of it to a trifle.
    let mut start = 0;
    memchr::memchr2_iter(b';', b',', list.as_bytes())
        .chain(std::iter::once(list.len()))
        .map(move |end| {
            let word = list.get(start..end).unwrap_or_default();
            start = end + 1;
            trim(word)
        })
        .filter(|word| !word.is_empty())
}

/// Parses one trimmed word that may also name a group: the set of terms it stands for.
pub(crate) fn parse_word<T: Term>(word: &str) -> Result<Set<T>, UnknownTerm> {
    if let Some(term) = canonical::<T>(word) {
        return Ok(Set::from(term));
    }
    if let Some(group) = T::GROUPS.iter().find(|group| names_group(group, word)) {
        return Ok(group.members.iter().copied().collect());
    }
    spelled::<T>(word)
        .map(Set::from)
        .ok_or_else(|| unknown::<T>(word))
}

/// The term whose canonical name is exactly `word`: what the writer writes, so the common
/// case when loading, and checked first because it is a plain comparison.
fn canonical<T: Term>(word: &str) -> Option<T> {
    T::ALL.iter().copied().find(|term| term.name() == word)
}

/// The term with any spelling equal to `word`, ignoring case and `-`/`_`/space.
fn spelled<T: Term>(word: &str) -> Option<T> {
    T::ALL
        .iter()
        .copied()
        .find(|term| spellings(*term).any(|s| same_word(word, s)))
}

/// Whether `word` is the group's name, label or one of its codes.
pub(crate) fn names_group<T>(group: &Group<T>, word: &str) -> bool {
    same_word(word, group.name)
        || same_word(word, group.label)
        || group.codes.iter().any(|code| same_word(word, code))
}

fn spellings<T: Term>(term: T) -> impl Iterator<Item = &'static str> {
    [term.name(), term.label()]
        .into_iter()
        .chain(term.codes().iter().copied())
        .chain(term.aliases().iter().copied())
}

/// Compares a user's word with a known spelling, ignoring ASCII case and treating `_` and
/// spaces as `-`, without allocating (this runs for every list item of every loaded row).
pub(crate) fn same_word(word: &str, known: &str) -> bool {
    #[cfg(test)]
    inspected::add(word.len().min(known.len()) * usize::from(word.len() == known.len()));
    word.len() == known.len()
        && word
            .bytes()
            .zip(known.bytes())
            .all(|(a, b)| fold(a) == fold(b))
}

fn fold(byte: u8) -> u8 {
    match byte {
        b'_' | b' ' => b'-',
        other => other.to_ascii_lowercase(),
    }
}

fn folded(word: &str) -> String {
    word.bytes().map(|b| fold(b) as char).collect()
}

/// The longest word any vocabulary could mean: every name, code, label and alias is
/// shorter. A longer word is unknown without being compared with anything, so the cost of
/// refusing it does not grow with its length (a 1 MB "care level" took seconds of edit
/// distances to refuse).
pub const MAX_TERM_BYTES: usize = 64;

/// Builds the error for an unknown word, with the closest valid name as a suggestion
/// (none for a word longer than [`MAX_TERM_BYTES`], which is quoted cut short).
fn unknown<T: Term>(word: &str) -> UnknownTerm {
    let mut valid: Vec<&'static str> = T::ALL.iter().map(|t| t.name()).collect();
    valid.extend(T::GROUPS.iter().map(|g| g.name));
    let (value, suggestion) = if word.len() > MAX_TERM_BYTES {
        (crate::load::excerpt(word, MAX_TERM_BYTES).to_string(), None)
    } else {
        (word.to_string(), suggest::<T>(word))
    };
    UnknownTerm {
        kind: T::KIND,
        value,
        suggestion,
        valid,
    }
}

/// The canonical name most likely meant: first a word found inside a label or alias
/// ("intensive" → iop), then the smallest edit distance to any spelling, within reason.
fn suggest<T: Term>(word: &str) -> Option<&'static str> {
    #[cfg(test)]
    inspected::add(word.len());
    let word = folded(word.trim());
    if word.is_empty() {
        return None;
    }
    let named = T::ALL
        .iter()
        .map(|t| (t.name(), spellings(*t).collect::<Vec<_>>()))
        .chain(T::GROUPS.iter().map(|g| {
            let mut all = vec![g.name, g.label];
            all.extend(g.codes);
            (g.name, all)
        }))
        .collect::<Vec<_>>();
    if word.len() >= 3 {
        for (name, spellings) in &named {
            if spellings.iter().any(|s| folded(s).contains(&word)) {
                return Some(name);
            }
        }
    }
    let limit = (word.len() / 3).max(1);
    let word = word.as_str();
    named
        .iter()
        .flat_map(|(name, spellings)| {
            spellings
                .iter()
                .map(move |s| (name, edit_distance(word, &folded(s))))
        })
        .filter(|(_, d)| *d <= limit)
        .min_by_key(|(_, d)| *d)
        .map(|(name, _)| *name)
}

/// Levenshtein distance over bytes; inputs are short ASCII words.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Declares a closed vocabulary: the enum, its inherent accessors, [`Term`], `Display`,
/// `FromStr` and serde as the canonical name.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $kind:literal $(, groups = $groups:ident)? {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $canon:literal, $label:literal,
                    codes [$($code:literal),*], aliases [$($alias:literal),*];
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every term, in canonical order.
            ///
            #[doc = concat!("```\nuse carefind::", stringify!($name), ";\n")]
            #[doc = concat!("assert!(!", stringify!($name), "::ALL.is_empty());\n```")]
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The canonical kebab-case name.
            ///
            #[doc = concat!("```\nuse carefind::", stringify!($name), ";\n")]
            #[doc = concat!("for term in ", stringify!($name), "::ALL {")]
            #[doc = "    assert_eq!(term.name(), term.to_string());"]
            #[doc = "    assert!(!term.name().contains(' '));\n}\n```"]
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $canon,)+ }
            }

            /// A short human label.
            ///
            #[doc = concat!("```\nuse carefind::", stringify!($name), ";\n")]
            #[doc = concat!("for term in ", stringify!($name), "::ALL {")]
            #[doc = concat!("    assert_eq!(", stringify!($name), "::parse(term.label()).unwrap(), *term);\n}\n```")]
            pub const fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// The FindTreatment codes for this term (may be empty).
            ///
            #[doc = concat!("```\nuse carefind::", stringify!($name), ";\n")]
            #[doc = concat!("for term in ", stringify!($name), "::ALL {")]
            #[doc = "    for code in term.codes() {"]
            #[doc = concat!("        assert_eq!(", stringify!($name), "::parse(code).unwrap(), *term);\n    }\n}\n```")]
            pub const fn codes(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($code),*],)+ }
            }

            /// Parses a canonical name, code, label or alias, ignoring case.
            ///
            #[doc = concat!("```\nuse carefind::", stringify!($name), ";\n")]
            #[doc = concat!("let first = ", stringify!($name), "::ALL[0];")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::parse(&first.name().to_uppercase()).unwrap(), first);")]
            #[doc = concat!("assert!(", stringify!($name), "::parse(\"no such thing\").is_err());\n```")]
            pub fn parse(word: &str) -> Result<Self, $crate::error::UnknownTerm> {
                <Self as $crate::vocabulary::Term>::parse_one(word)
            }
        }

        impl $crate::vocabulary::Term for $name {
            const KIND: &'static str = $kind;
            const ALL: &'static [Self] = $name::ALL;
            $(const GROUPS: &'static [$crate::vocabulary::Group<Self>] = $groups;)?

            fn index(self) -> usize { self as usize }
            fn name(self) -> &'static str { $name::name(self) }
            fn label(self) -> &'static str { $name::label(self) }
            fn codes(self) -> &'static [&'static str] { $name::codes(self) }
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($alias),*],)+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::UnknownTerm;
            fn from_str(word: &str) -> Result<Self, Self::Err> {
                Self::parse(word)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&word).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AgeGroup, CareLevel, Language, Medication, Payment, Population};
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// Ends of every kind: ASCII and Unicode white space, controls, multi-byte
        /// characters, printable ASCII.
        #[test]
        fn trim_is_str_trim(text in "[ \t\n\x0b\x0c\r\u{85}\u{a0}\u{2003}\u{3000}\x01é😀a!~-]{0,8}") {
            prop_assert_eq!(trim(&text), text.trim());
        }

        #[test]
        fn list_words_split_at_both_separators(list in "[ ;,a\u{a0}é]{0,12}") {
            let expected: Vec<&str> =
                list.split([';', ',']).map(str::trim).filter(|w| !w.is_empty()).collect();
            prop_assert_eq!(list_words(&list).collect::<Vec<_>>(), expected);
        }
    }

    fn no_spelling_is_ambiguous<T: Term>() {
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut claim = |spelling: &str, owner: &str| {
            if let Some(previous) = seen.insert(folded(spelling), owner.to_string()) {
                assert_eq!(
                    previous,
                    owner,
                    "{} spelling {spelling:?} is ambiguous",
                    T::KIND
                );
            }
        };
        for term in T::ALL {
            for spelling in spellings(*term) {
                claim(spelling, term.name());
            }
        }
        for group in T::GROUPS {
            claim(group.name, group.name);
            claim(group.label, group.name);
            for code in group.codes {
                claim(code, group.name);
            }
        }
    }

    #[test]
    fn every_spelling_names_one_term() {
        no_spelling_is_ambiguous::<CareLevel>();
        no_spelling_is_ambiguous::<Payment>();
        no_spelling_is_ambiguous::<AgeGroup>();
        no_spelling_is_ambiguous::<Population>();
        no_spelling_is_ambiguous::<Language>();
        no_spelling_is_ambiguous::<Medication>();
    }

    #[test]
    fn every_spelling_parses_back_to_its_term() {
        for level in CareLevel::ALL {
            for spelling in spellings(*level) {
                assert_eq!(CareLevel::parse(spelling).unwrap(), *level, "{spelling}");
                assert_eq!(CareLevel::parse(&spelling.to_uppercase()).unwrap(), *level);
            }
        }
    }

    #[test]
    fn suggestions_find_the_intended_term() {
        let error = CareLevel::parse("intensive").unwrap_err();
        assert_eq!(error.suggestion, Some("iop"));
        assert_eq!(
            CareLevel::parse("sober-livng").unwrap_err().suggestion,
            Some("sober-living")
        );
        assert_eq!(
            Payment::parse("medicad").unwrap_err().suggestion,
            Some("medicaid")
        );
        assert_eq!(CareLevel::parse("zzzzzzzz").unwrap_err().suggestion, None);
        let message = error.to_string();
        assert!(message.contains("did you mean \"iop\""), "{message}");
        assert!(message.contains("outpatient-any"), "{message}");
    }

    #[test]
    fn a_long_word_is_refused_without_being_compared() {
        use crate::CareLevel;
        // The bytes the matchers look at, for a word of each length: the same for 1 KB
        // and 1 MB, since neither is compared with anything.
        let cost = |len: usize| {
            let word = "x".repeat(len);
            let before = inspected::total();
            let error = <CareLevel as Term>::parse_one(&word).unwrap_err();
            assert!(
                error.suggestion.is_none() && error.value.len() < 100,
                "{}",
                error.value
            );
            let error = parse_word::<CareLevel>(&word).unwrap_err();
            assert!(
                error.value.ends_with(&format!("({len} bytes in all)")),
                "{}",
                error.value
            );
            inspected::total() - before
        };
        assert_eq!(cost(1_000), cost(1_000_000));
        assert_eq!(cost(65), cost(1_000_000));
        // A word within the bound is matched, and may be suggested for.
        assert_eq!(
            <CareLevel as Term>::parse_one("iopp")
                .unwrap_err()
                .suggestion,
            Some("iop")
        );
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("iop", "iop"), 0);
    }
}

/// The bytes the matchers look at on this thread, counted in tests only: what shows that
/// refusing a long word costs the same whatever its length.
#[cfg(test)]
mod inspected {
    use std::cell::Cell;

    thread_local! {
        static BYTES: Cell<usize> = const { Cell::new(0) };
    }

    pub(super) fn add(bytes: usize) {
        BYTES.with(|count| count.set(count.get() + bytes));
    }

    pub(super) fn total() -> usize {
        BYTES.with(Cell::get)
    }
}
