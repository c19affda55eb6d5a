//! A set of terms of one vocabulary, stored as a bitmask so a filter costs one AND.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr};

use crate::error::UnknownTerm;
use crate::vocabulary::{Term, parse_word};

/// A set of terms of one closed vocabulary, such as the levels of care a facility offers.
///
/// It is a 64-bit mask: copying, comparing and intersecting cost one machine word. It
/// iterates in canonical order, prints and serializes as canonical names, and parses from a
/// list separated by `;` or `,` whose words may be names, codes, labels, aliases or groups.
///
/// ```
/// use carefind::{CareLevel, CareSet};
///
/// let offered: CareSet = "iop;OTP;outpatient".parse().unwrap();
/// assert!(offered.contains(CareLevel::Otp));
/// assert_eq!(offered.to_string(), "iop;outpatient;otp");
///
/// let wanted: CareSet = "php,iop".parse().unwrap();
/// assert!(offered.intersects(wanted));
///
/// // A group stands for its members.
/// let detox: CareSet = "detox".parse().unwrap();
/// assert_eq!(detox.len(), 3);
/// ```
pub struct Set<T> {
    bits: u64,
    // fn() -> T keeps the set Send + Sync and Copy whatever T is.
    marker: PhantomData<fn() -> T>,
}

impl<T: Term> Set<T> {
    /// The empty set.
    ///
    /// ```
    /// use carefind::PaymentSet;
    ///
    /// assert!(PaymentSet::EMPTY.is_empty());
    /// ```
    pub const EMPTY: Self = Set {
        bits: 0,
        marker: PhantomData,
    };

    /// Every term of the vocabulary.
    ///
    /// ```
    /// use carefind::{CareLevel, CareSet};
    ///
    /// assert_eq!(CareSet::all().len(), CareLevel::ALL.len());
    /// ```
    pub fn all() -> Self {
        T::ALL.iter().copied().collect()
    }

    /// The raw mask: bit `i` stands for `T::ALL[i]`.
    ///
    /// ```
    /// use carefind::{Payment, PaymentSet};
    ///
    /// assert_eq!(PaymentSet::from(Payment::Medicaid).bits(), 1);
    /// ```
    pub const fn bits(self) -> u64 {
        self.bits
    }

    /// The set of a raw mask, or `None` when the mask has a bit no term stands for.
    ///
    /// ```
    /// use carefind::{Payment, PaymentSet};
    ///
    /// assert_eq!(PaymentSet::from_bits(1), Some(Payment::Medicaid.into()));
    /// assert_eq!(PaymentSet::from_bits(1 << 63), None);
    /// ```
    pub fn from_bits(bits: u64) -> Option<Self> {
        (bits & !Self::VALID == 0).then_some(Set {
            bits,
            marker: PhantomData,
        })
    }

    /// The bits some term stands for.
    const VALID: u64 = if T::ALL.len() >= 64 {
        u64::MAX
    } else {
        (1u64 << T::ALL.len()) - 1
    };

    /// The set of a raw mask's bits that some term stands for, the others dropped: one
    /// AND, for masks read where a branch per set would cost (an index's compact copy of
    /// a facility's sets, which was checked when written).
    pub(crate) const fn from_bits_truncate(bits: u64) -> Self {
        Set {
            bits: bits & Self::VALID,
            marker: PhantomData,
        }
    }

    /// Adds a term.
    ///
    /// ```
    /// use carefind::{AgeGroup, AgeSet};
    ///
    /// let mut ages = AgeSet::EMPTY;
    /// ages.insert(AgeGroup::Adults);
    /// assert!(ages.contains(AgeGroup::Adults));
    /// ```
    pub fn insert(&mut self, term: T) {
        self.bits |= bit(term);
    }

    /// Removes a term.
    ///
    /// ```
    /// use carefind::{CareLevel, CareSet};
    ///
    /// let mut care: CareSet = "iop;otp".parse().unwrap();
    /// care.remove(CareLevel::Otp);
    /// assert_eq!(care.to_string(), "iop");
    /// ```
    pub fn remove(&mut self, term: T) {
        self.bits &= !bit(term);
    }

    /// Whether the set holds `term`.
    ///
    /// ```
    /// use carefind::{CareLevel, CareSet};
    ///
    /// let care: CareSet = "residential".parse().unwrap();
    /// assert!(care.contains(CareLevel::ResidentialLong));
    /// assert!(!care.contains(CareLevel::Iop));
    /// ```
    pub fn contains(self, term: T) -> bool {
        self.bits & bit(term) != 0
    }

    /// Whether the set is empty.
    ///
    /// ```
    /// use carefind::LanguageSet;
    ///
    /// assert!(LanguageSet::default().is_empty());
    /// ```
    pub const fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// How many terms the set holds.
    ///
    /// ```
    /// use carefind::CareSet;
    ///
    /// assert_eq!("inpatient".parse::<CareSet>().unwrap().len(), 3);
    /// ```
    pub const fn len(self) -> usize {
        self.bits.count_ones() as usize
    }

    /// Whether the set holds every term of `other`: the test of "all of".
    ///
    /// ```
    /// use carefind::MedicationSet;
    ///
    /// let offered: MedicationSet = "methadone;buprenorphine".parse().unwrap();
    /// assert!(offered.contains_all("methadone".parse().unwrap()));
    /// assert!(!offered.contains_all("methadone;naltrexone".parse().unwrap()));
    /// assert!(offered.contains_all(MedicationSet::EMPTY));
    /// ```
    pub const fn contains_all(self, other: Self) -> bool {
        self.bits & other.bits == other.bits
    }

    /// Whether the two sets share a term: the test a filter makes ("any of").
    ///
    /// ```
    /// use carefind::PaymentSet;
    ///
    /// let accepted: PaymentSet = "medicaid;cash".parse().unwrap();
    /// assert!(accepted.intersects("medicaid,medicare".parse().unwrap()));
    /// assert!(!accepted.intersects("medicare".parse().unwrap()));
    /// ```
    pub const fn intersects(self, other: Self) -> bool {
        self.bits & other.bits != 0
    }

    /// Whether every term of `self` is in `other`.
    ///
    /// ```
    /// use carefind::CareSet;
    ///
    /// let hospital: CareSet = "hospital".parse().unwrap();
    /// assert!(hospital.is_subset(CareSet::all()));
    /// ```
    pub const fn is_subset(self, other: Self) -> bool {
        self.bits & !other.bits == 0
    }

    /// The terms in canonical order.
    ///
    /// ```
    /// use carefind::{CareLevel, CareSet};
    ///
    /// let care: CareSet = "otp;iop".parse().unwrap();
    /// assert_eq!(care.iter().collect::<Vec<_>>(), [CareLevel::Iop, CareLevel::Otp]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = T> {
        T::ALL.iter().copied().filter(move |t| self.contains(*t))
    }

    /// The lowest term (in canonical order) of the set, if any.
    ///
    /// ```
    /// use carefind::{CareLevel, CareSet};
    ///
    /// assert_eq!("otp;iop".parse::<CareSet>().unwrap().first(), Some(CareLevel::Iop));
    /// ```
    pub fn first(self) -> Option<T> {
        (self.bits != 0).then(|| T::ALL[self.bits.trailing_zeros() as usize])
    }

    /// Parses a list separated by `;` or `,` (empty items are skipped); each word is a
    /// name, code, label, alias or group of the vocabulary.
    ///
    /// ```
    /// use carefind::CareSet;
    ///
    /// assert_eq!(CareSet::parse_list(" iop ; ; HH").unwrap().to_string(), "iop;sober-living");
    /// let error = CareSet::parse_list("iop;intensive").unwrap_err();
    /// assert_eq!(error.suggestion, Some("iop"));
    /// ```
    pub fn parse_list(list: &str) -> Result<Self, UnknownTerm> {
        crate::vocabulary::list_words(list)
            .try_fold(Self::EMPTY, |set, word| Ok(set | parse_word::<T>(word)?))
    }
}

fn bit<T: Term>(term: T) -> u64 {
    1 << term.index()
}

// Derives would demand `T: Clone` and friends; the set is a plain mask whatever T is.
impl<T> Clone for Set<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Set<T> {}
impl<T> PartialEq for Set<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bits == other.bits
    }
}
impl<T> Eq for Set<T> {}
impl<T> std::hash::Hash for Set<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bits.hash(state);
    }
}
impl<T> Default for Set<T> {
    fn default() -> Self {
        Set {
            bits: 0,
            marker: PhantomData,
        }
    }
}

impl<T: Term> From<T> for Set<T> {
    fn from(term: T) -> Self {
        Set {
            bits: bit(term),
            marker: PhantomData,
        }
    }
}

impl<T: Term, const N: usize> From<[T; N]> for Set<T> {
    fn from(terms: [T; N]) -> Self {
        terms.into_iter().collect()
    }
}

impl<T: Term> FromIterator<T> for Set<T> {
    fn from_iter<I: IntoIterator<Item = T>>(terms: I) -> Self {
        let mut set = Self::EMPTY;
        set.extend(terms);
        set
    }
}

impl<T: Term> Extend<T> for Set<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, terms: I) {
        for term in terms {
            self.insert(term);
        }
    }
}

impl<T> BitOr for Set<T> {
    type Output = Self;
    fn bitor(self, other: Self) -> Self {
        Set {
            bits: self.bits | other.bits,
            marker: PhantomData,
        }
    }
}

impl<T> BitAnd for Set<T> {
    type Output = Self;
    fn bitand(self, other: Self) -> Self {
        Set {
            bits: self.bits & other.bits,
            marker: PhantomData,
        }
    }
}

impl<T: Term> fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(|t| t.name()))
            .finish()
    }
}

/// Canonical names joined by `;`, the native CSV spelling.
impl<T: Term> fmt::Display for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, term) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            f.write_str(term.name())?;
        }
        Ok(())
    }
}

impl<T: Term> std::str::FromStr for Set<T> {
    type Err = UnknownTerm;
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        Self::parse_list(list)
    }
}

/// Serializes as a sequence of canonical names.
impl<T: Term> serde::Serialize for Set<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(|t| t.name()))
    }
}

/// Deserializes from a sequence of words or from one `;`-separated string.
impl<'de, T: Term> serde::Deserialize<'de> for Set<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Words {
            List(Vec<String>),
            Joined(String),
        }
        let joined = match Words::deserialize(deserializer)? {
            Words::List(words) => words.join(";"),
            Words::Joined(list) => list,
        };
        Self::parse_list(&joined).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use crate::{CareLevel, CareSet, Payment, PaymentSet};

    #[test]
    fn every_vocabulary_fits_in_the_mask() {
        assert!(CareLevel::ALL.len() <= 64);
        assert!(crate::Language::ALL.len() <= 64);
        assert!(crate::Population::ALL.len() <= 64);
        assert!(crate::Medication::ALL.len() <= 64);
    }

    #[test]
    fn serde_round_trips_through_names() {
        let care: CareSet = "iop;otp".parse().unwrap();
        let json = serde_json::to_string(&care).unwrap();
        assert_eq!(json, r#"["iop","otp"]"#);
        assert_eq!(serde_json::from_str::<CareSet>(&json).unwrap(), care);
        assert_eq!(
            serde_json::from_str::<CareSet>(r#""OIT; OTP""#).unwrap(),
            care
        );
        assert!(serde_json::from_str::<PaymentSet>(r#"["gold"]"#).is_err());
    }

    #[test]
    fn operators_combine_masks() {
        let a = PaymentSet::from(Payment::Medicaid);
        let b = PaymentSet::from([Payment::Medicaid, Payment::Cash]);
        assert_eq!((a | b), b);
        assert_eq!((a & b), a);
        assert!(a.is_subset(b) && !b.is_subset(a));
        assert_eq!(b.first(), Some(Payment::Medicaid));
        assert_eq!(PaymentSet::EMPTY.first(), None);
    }
}
