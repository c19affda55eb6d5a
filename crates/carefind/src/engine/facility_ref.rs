//! A facility read in place: from a store's columns, or from an owned record.

use serde::Serialize;

use crate::age::AgeSet;
use crate::care::CareSet;
use crate::credential::CredentialSet;
use crate::facility::Facility;
use crate::fields::Field;
use crate::kind::KindSet;
use crate::language::LanguageSet;
use crate::medication::MedicationSet;
use crate::mh_type::MhTypeSet;
use crate::payment::PaymentSet;
use crate::population::PopulationSet;
use crate::precision::Precision;
use crate::sphere::LatLon;
use crate::status::Status;
use crate::store::{FacilityStore, date_of_days};

/// A facility, borrowed: what a [`Hit`](crate::Hit) and an [`Index`](crate::Index) hand
/// out. It is two words, copied freely; each method reads one field where the facility is
/// stored, with no allocation. Every field of [`Facility`] has a method of the same name.
///
/// A `FacilityRef` also views an owned [`Facility`] ([`Facility::view`]), so that code
/// reading facilities (a filter's predicate, the HSDS writer) takes either.
///
/// Serialized, it is the same JSON as the [`Facility`] it views.
///
/// ```
/// use carefind::{CareLevel, Index, LatLon, Query};
///
/// let index = Index::sample();
/// let hits = index.search(&Query::nearest(LatLon::new(40.0, -75.0)?, 1))?;
/// let facility = hits[0].facility;
/// assert!(facility.name().starts_with("Sample "));
/// let owned = facility.to_facility();
/// assert_eq!(owned.name, facility.name());
/// assert_eq!(serde_json::to_value(facility)?, serde_json::to_value(&owned)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct FacilityRef<'a> {
    place: Place<'a>,
}

#[derive(Clone, Copy)]
enum Place<'a> {
    Stored {
        store: &'a FacilityStore,
        position: u32,
    },
    Owned(&'a Facility),
}

impl Facility {
    /// This facility as a [`FacilityRef`], for code that reads facilities wherever they are.
    ///
    /// ```
    /// use carefind::{Facility, LatLon};
    ///
    /// let facility = Facility::new("a", "Alpha", LatLon::new(0.0, 0.0).unwrap());
    /// assert_eq!(facility.view().name(), "Alpha");
    /// ```
    pub fn view(&self) -> FacilityRef<'_> {
        FacilityRef {
            place: Place::Owned(self),
        }
    }
}

macro_rules! text_fields {
    ($($(#[$doc:meta])* $name:ident => $field:ident,)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> &'a str {
            self.text(Field::$field)
        }
    )*};
}

macro_rules! set_fields {
    ($($(#[$doc:meta])* $name:ident: $set:ty = $mask:literal,)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> $set {
            match self.place {
                Place::Stored { store, position } => store.set(position, $mask),
                Place::Owned(facility) => facility.$name,
            }
        }
    )*};
}

impl<'a> FacilityRef<'a> {
    pub(crate) fn stored(store: &'a FacilityStore, position: u32) -> Self {
        FacilityRef {
            place: Place::Stored { store, position },
        }
    }

    pub(crate) fn text(&self, field: Field) -> &'a str {
        match self.place {
            Place::Stored { store, position } => store.field(position, field),
            Place::Owned(facility) => Field::of(facility, field),
        }
    }

    /// Where the facility sits in its store or index, which is its place in id order; 0
    /// for a view of an owned [`Facility`].
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// let third = index.facility(2).unwrap();
    /// assert_eq!(third.position(), 2);
    /// ```
    pub fn position(&self) -> usize {
        match self.place {
            Place::Stored { position, .. } => position as usize,
            Place::Owned(_) => 0,
        }
    }

    /// Whether this is a facility of `store` (not of another store, nor an owned one).
    pub(crate) fn is_in(&self, store: &FacilityStore) -> bool {
        matches!(self.place, Place::Stored { store: own, .. } if std::ptr::eq(own, store))
    }

    text_fields! {
        /// A stable identifier, unique within a dataset.
        ///
        /// ```
        /// assert_eq!(carefind::Index::sample().facility(0).unwrap().id().is_empty(), false);
        /// ```
        id => Id,
        /// The facility's name.
        ///
        /// ```
        /// assert!(carefind::Index::sample().facility(0).unwrap().name().starts_with("Sample"));
        /// ```
        name => Name,
        /// A second name (a program or parent organisation), or empty.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().name2();
        /// ```
        name2 => Name2,
        /// Street address.
        ///
        /// ```
        /// assert!(!carefind::Index::sample().facility(0).unwrap().street().is_empty());
        /// ```
        street => Street,
        /// City.
        ///
        /// ```
        /// assert!(!carefind::Index::sample().facility(0).unwrap().city().is_empty());
        /// ```
        city => City,
        /// State or territory, as a two-letter USPS code.
        ///
        /// ```
        /// assert_eq!(carefind::Index::sample().facility(0).unwrap().state().len(), 2);
        /// ```
        state => State,
        /// ZIP code.
        ///
        /// ```
        /// assert_eq!(carefind::Index::sample().facility(0).unwrap().zip().len(), 5);
        /// ```
        zip => Zip,
        /// Main phone number.
        ///
        /// ```
        /// assert!(carefind::Index::sample().facility(0).unwrap().phone().contains("555"));
        /// ```
        phone => Phone,
        /// Intake phone number.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().intake_phone();
        /// ```
        intake_phone => IntakePhone,
        /// Website.
        ///
        /// ```
        /// assert!(carefind::Index::sample().facility(0).unwrap().website().contains("example.org"));
        /// ```
        website => Website,
        /// Where the listing comes from (a directory and its release), free text.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().source();
        /// ```
        source => Source,
        /// Opening hours in the opening_hours syntax, in local time; empty when not listed.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().hours();
        /// ```
        hours => Hours,
        /// Hours of single levels of care, as a JSON object; empty when none.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().level_hours();
        /// ```
        level_hours => LevelHours,
        /// What an HSDS source said that carefind has no field for, as a JSON object of
        /// HSDS objects; empty otherwise.
        ///
        /// ```
        /// assert!(carefind::Index::sample().facility(0).unwrap().hsds().is_empty());
        /// ```
        hsds => Hsds,
        /// The IANA time zone the hours are in.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().timezone();
        /// ```
        timezone => Timezone,
        /// Walk-in intake: `yes`, `no`, or its hours; empty when unknown.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().walk_in();
        /// ```
        walk_in => WalkIn,
    }

    set_fields! {
        /// Levels of care offered.
        ///
        /// ```
        /// assert!(!carefind::Index::sample().facility(0).unwrap().care().is_empty());
        /// ```
        care: CareSet = 0,
        /// Ways of paying accepted.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().payment();
        /// ```
        payment: PaymentSet = 1,
        /// Age groups served.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().ages();
        /// ```
        ages: AgeSet = 2,
        /// Client groups with dedicated programs.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().populations();
        /// ```
        populations: PopulationSet = 3,
        /// Languages care is offered in.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().languages();
        /// ```
        languages: LanguageSet = 4,
        /// Medications used in treatment.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().medications();
        /// ```
        medications: MedicationSet = 5,
        /// What the facility treats: substance use, mental health, or both.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().kinds();
        /// ```
        kinds: KindSet = 6,
        /// The mental-health facility types it is.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().mh_types();
        /// ```
        mh_types: MhTypeSet = 7,
        /// Its accreditations, licenses, certification, registration and designation.
        ///
        /// ```
        /// let _ = carefind::Index::sample().facility(0).unwrap().credentials();
        /// ```
        credentials: CredentialSet = 8,
    }

    /// Where the facility is.
    ///
    /// ```
    /// let place = carefind::Index::sample().facility(0).unwrap().location();
    /// assert!(place.lat() > 0.0);
    /// ```
    pub fn location(&self) -> LatLon {
        match self.place {
            Place::Stored { store, position } => store.location(position),
            Place::Owned(facility) => facility.location,
        }
    }

    /// Other services, free text.
    ///
    /// ```
    /// let index = carefind::Index::sample();
    /// let facility = index.facility(0).unwrap();
    /// assert_eq!(facility.services().len(), facility.to_facility().services.len());
    /// ```
    pub fn services(&self) -> Services<'a> {
        match self.place {
            Place::Stored { store, position } => Services {
                from: ServiceSource::Store(store),
                range: store.service_range(position),
            },
            Place::Owned(facility) => Services {
                from: ServiceSource::List(&facility.services),
                range: 0..facility.services.len(),
            },
        }
    }

    /// How exactly the location places it.
    ///
    /// ```
    /// use carefind::Precision;
    ///
    /// assert_eq!(carefind::Index::sample().facility(0).unwrap().precision(), Precision::Point);
    /// ```
    pub fn precision(&self) -> Precision {
        match self.place {
            Place::Stored { store, position } => store.precision(position),
            Place::Owned(facility) => facility.precision,
        }
    }

    /// The facility's hours and walk-in intake, parsed (once per dataset for a stored
    /// facility).
    pub(crate) fn schedule(&self) -> Option<std::borrow::Cow<'a, crate::hours::Schedule>> {
        match self.place {
            Place::Stored { store, position } => {
                store.schedule(position).map(std::borrow::Cow::Borrowed)
            }
            Place::Owned(_) => crate::hours::Schedule::of(*self).map(std::borrow::Cow::Owned),
        }
    }

    /// Whether medication for opioid use disorder can start at the first visit; `None`
    /// when the listing does not say.
    ///
    /// ```
    /// let _ = carefind::Index::sample().facility(0).unwrap().same_day_medication();
    /// ```
    pub fn same_day_medication(&self) -> Option<bool> {
        self.flag(0, |facility| facility.same_day_medication)
    }

    /// Whether counseling is required to receive medication; `None` when unknown.
    ///
    /// ```
    /// let _ = carefind::Index::sample().facility(0).unwrap().counseling_required();
    /// ```
    pub fn counseling_required(&self) -> Option<bool> {
        self.flag(1, |facility| facility.counseling_required)
    }

    /// Whether intake can be done by phone or video; `None` when unknown.
    ///
    /// ```
    /// let _ = carefind::Index::sample().facility(0).unwrap().telehealth_intake();
    /// ```
    pub fn telehealth_intake(&self) -> Option<bool> {
        self.flag(2, |facility| facility.telehealth_intake)
    }

    fn flag(&self, which: u32, owned: impl Fn(&Facility) -> Option<bool>) -> Option<bool> {
        match self.place {
            Place::Stored { store, position } => store.flag(position, which),
            Place::Owned(facility) => owned(facility),
        }
    }

    /// Whether the facility is open.
    ///
    /// ```
    /// assert!(!carefind::Index::sample().facility(0).unwrap().status().is_closed());
    /// ```
    pub fn status(&self) -> Status {
        match self.place {
            Place::Stored { store, position } => store.status(position),
            Place::Owned(facility) => facility.status,
        }
    }

    /// When the listing was last confirmed, if known.
    ///
    /// ```
    /// let _ = carefind::Index::sample().facility(0).unwrap().verified();
    /// ```
    pub fn verified(&self) -> Option<jiff::civil::Date> {
        match self.place {
            Place::Stored { store, position } => match store.verified_days(position) {
                i32::MIN => None,
                days => date_of_days(days),
            },
            Place::Owned(facility) => facility.verified,
        }
    }

    /// An owned copy.
    ///
    /// ```
    /// let index = carefind::Index::sample();
    /// let facility = index.facility(0).unwrap();
    /// assert_eq!(facility.to_facility(), facility);
    /// ```
    pub fn to_facility(&self) -> Facility {
        if let Place::Owned(facility) = self.place {
            return facility.clone();
        }
        Facility {
            id: self.id().into(),
            name: self.name().into(),
            name2: self.name2().into(),
            street: self.street().into(),
            city: self.city().into(),
            state: self.state().into(),
            zip: self.zip().into(),
            phone: self.phone().into(),
            intake_phone: self.intake_phone().into(),
            website: self.website().into(),
            location: self.location(),
            care: self.care(),
            payment: self.payment(),
            ages: self.ages(),
            populations: self.populations(),
            languages: self.languages(),
            medications: self.medications(),
            services: self.services().map(str::to_string).collect(),
            kinds: self.kinds(),
            mh_types: self.mh_types(),
            credentials: self.credentials(),
            precision: self.precision(),
            status: self.status(),
            verified: self.verified(),
            source: self.source().into(),
            hours: self.hours().into(),
            level_hours: self.level_hours().into(),
            timezone: self.timezone().into(),
            walk_in: self.walk_in().into(),
            same_day_medication: self.same_day_medication(),
            counseling_required: self.counseling_required(),
            telehealth_intake: self.telehealth_intake(),
            hsds: self.hsds().into(),
        }
    }

    /// The facility's fields, in [`Facility`]'s order, for comparing and printing.
    fn shape(&self) -> FacilityFields<'a> {
        FacilityFields {
            id: self.id(),
            name: self.name(),
            name2: self.name2(),
            street: self.street(),
            city: self.city(),
            state: self.state(),
            zip: self.zip(),
            phone: self.phone(),
            intake_phone: self.intake_phone(),
            website: self.website(),
            location: self.location(),
            care: self.care(),
            payment: self.payment(),
            ages: self.ages(),
            populations: self.populations(),
            languages: self.languages(),
            medications: self.medications(),
            services: self.services(),
            kinds: self.kinds(),
            mh_types: self.mh_types(),
            credentials: self.credentials(),
            precision: self.precision(),
            status: self.status(),
            verified: self.verified(),
            source: self.source(),
            hours: self.hours(),
            level_hours: self.level_hours(),
            timezone: self.timezone(),
            walk_in: self.walk_in(),
            same_day_medication: self.same_day_medication(),
            counseling_required: self.counseling_required(),
            telehealth_intake: self.telehealth_intake(),
            hsds: self.hsds(),
        }
    }
}

/// [`Facility`]'s serialized form, borrowed.
#[derive(Debug, PartialEq, Serialize)]
struct FacilityFields<'a> {
    id: &'a str,
    name: &'a str,
    name2: &'a str,
    street: &'a str,
    city: &'a str,
    state: &'a str,
    zip: &'a str,
    phone: &'a str,
    intake_phone: &'a str,
    website: &'a str,
    #[serde(flatten)]
    location: LatLon,
    care: CareSet,
    payment: PaymentSet,
    ages: AgeSet,
    populations: PopulationSet,
    languages: LanguageSet,
    medications: MedicationSet,
    services: Services<'a>,
    kinds: KindSet,
    mh_types: MhTypeSet,
    credentials: CredentialSet,
    precision: Precision,
    status: Status,
    verified: Option<jiff::civil::Date>,
    source: &'a str,
    hours: &'a str,
    level_hours: &'a str,
    timezone: &'a str,
    walk_in: &'a str,
    same_day_medication: Option<bool>,
    counseling_required: Option<bool>,
    telehealth_intake: Option<bool>,
    hsds: &'a str,
}

impl Serialize for FacilityRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.shape().serialize(serializer)
    }
}

impl std::fmt::Debug for FacilityRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.shape().fmt(f)
    }
}

impl PartialEq for FacilityRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.shape() == other.shape()
    }
}

impl PartialEq<Facility> for FacilityRef<'_> {
    fn eq(&self, other: &Facility) -> bool {
        self.shape() == other.view().shape()
    }
}

impl PartialEq<FacilityRef<'_>> for Facility {
    fn eq(&self, other: &FacilityRef<'_>) -> bool {
        other == self
    }
}

impl<'a> From<&'a Facility> for FacilityRef<'a> {
    fn from(facility: &'a Facility) -> Self {
        facility.view()
    }
}

/// So that a filter reads the items of `facilities.iter().filter(|f| ...)` as they come.
impl<'a> From<&&'a Facility> for FacilityRef<'a> {
    fn from(facility: &&'a Facility) -> Self {
        facility.view()
    }
}

impl<'a> From<&FacilityRef<'a>> for FacilityRef<'a> {
    fn from(facility: &FacilityRef<'a>) -> Self {
        *facility
    }
}

/// A facility's services, from [`FacilityRef::services`].
///
/// ```
/// use carefind::{Facility, LatLon};
///
/// let mut facility = Facility::new("a", "A", LatLon::new(0.0, 0.0).unwrap());
/// facility.services = vec!["12-step".into(), "groups".into()];
/// let services: Vec<&str> = facility.view().services().collect();
/// assert_eq!(services, ["12-step", "groups"]);
/// ```
#[derive(Clone)]
pub struct Services<'a> {
    from: ServiceSource<'a>,
    range: std::ops::Range<usize>,
}

#[derive(Clone, Copy)]
enum ServiceSource<'a> {
    Store(&'a FacilityStore),
    List(&'a [String]),
}

impl<'a> Iterator for Services<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let number = self.range.next()?;
        Some(match self.from {
            ServiceSource::Store(store) => store.service(number),
            ServiceSource::List(list) => list.get(number).map_or("", String::as_str),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for Services<'_> {}

impl std::fmt::Debug for Services<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl PartialEq for Services<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.clone().eq(other.clone())
    }
}

impl Serialize for Services<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.clone())
    }
}
