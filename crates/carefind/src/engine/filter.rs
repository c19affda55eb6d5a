//! Attribute filters: any of the wanted values within a group, all groups together.

use std::fmt;
use std::sync::Arc;

use crate::age::AgeSet;
use crate::all_of::AllOf;
use crate::asam::AsamSet;
use crate::availability::{Availability, ByPosition, Need};
use crate::care::CareSet;
use crate::credential::CredentialSet;
use crate::facility_ref::FacilityRef;
use crate::hours::{GettingIn, OpenNeed};
use crate::kind::KindSet;
use crate::language::LanguageSet;
use crate::medication::MedicationSet;
use crate::payment::PaymentSet;
use crate::population::PopulationSet;
use crate::precision::Precision;
use crate::set::Set;
use crate::status::Status;
use crate::vocabulary::Term;

type Predicate = Arc<dyn Fn(FacilityRef<'_>) -> bool + Send + Sync>;

/// Which facilities a query keeps.
///
/// Within a group a facility passes when it offers any of the wanted values (care in
/// {iop, php}); across groups every non-empty group must pass (care AND payment AND ...).
/// An empty group does not filter. Closed facilities (temporarily or for good) are left
/// out unless [`Filter::include_closed`] says otherwise. Availability, when asked for with
/// [`Filter::available`], and an optional predicate run last.
///
/// ```
/// use carefind::{CareLevel, Facility, Filter, LatLon, Payment};
///
/// let filter = Filter::new()
///     .care([CareLevel::Iop, CareLevel::Php])
///     .payment(Payment::Medicaid);
///
/// let mut facility = Facility::new("f", "F", LatLon::new(0.0, 0.0).unwrap());
/// facility.care = "iop;outpatient".parse().unwrap();
/// assert!(!filter.matches(&facility)); // no Medicaid yet
/// facility.payment = "medicaid".parse().unwrap();
/// assert!(filter.matches(&facility));
///
/// let open_late = filter.predicate(|f| f.services().any(|s| s == "evening hours"));
/// assert!(!open_late.matches(&facility));
/// ```
#[derive(Clone, Default)]
pub struct Filter {
    /// Levels of care, any of which will do.
    pub care: CareSet,
    /// Ways to pay, any of which will do.
    pub payment: PaymentSet,
    /// Age groups, any of which will do.
    pub ages: AgeSet,
    /// Client groups, any of which will do.
    pub populations: PopulationSet,
    /// Languages, any of which will do.
    pub languages: LanguageSet,
    /// Medications, any of which will do.
    pub medications: MedicationSet,
    /// Accepted facility kinds (any of).
    pub kinds: KindSet,
    /// ASAM 4th-edition levels, any of which will do, as the levels of care map to them
    /// ([`CROSSWALK`](crate::asam::CROSSWALK)): derived, never stated by the data.
    pub asam: AsamSet,
    /// Credentials (accreditations, or any credential), any of which will do.
    pub credentials: CredentialSet,
    /// Licenses, any of which will do: a group of its own, so that "accredited by CARF and
    /// licensed by the state" asks both.
    pub licenses: CredentialSet,
    /// Keep only facilities placed at least this exactly; `None` keeps every one.
    pub min_precision: Option<Precision>,
    /// Keep closed facilities too (searches leave them out by default).
    pub include_closed: bool,
    /// Keep only listings verified on or after this date; `None` keeps every one.
    pub verified_since: Option<jiff::civil::Date>,
    /// Keep only facilities that also offer telehealth, whatever levels they are kept for.
    pub telehealth: bool,
    availability: Option<(Arc<Availability>, Need)>,
    /// The table whose reports state ways in over the listing's.
    reported: Option<Arc<Availability>>,
    hours: Option<OpenNeed>,
    getting_in: GettingIn,
    predicate: Option<Predicate>,
    /// Sets to offer the whole of; boxed, so that a filter without them costs one test.
    all_of: Option<Box<AllOf>>,
}

impl Filter {
    /// A filter that keeps every open facility.
    ///
    /// ```
    /// use carefind::Filter;
    ///
    /// // Leaving out closed facilities is a filter too.
    /// assert!(!Filter::new().is_empty());
    /// assert!(Filter::new().include_closed().is_empty());
    /// ```
    pub fn new() -> Self {
        Filter::default()
    }

    /// Also accepts these levels of care (a level, an array of levels, a set or a group).
    ///
    /// ```
    /// use carefind::{CareGroup, Filter};
    ///
    /// assert_eq!(Filter::new().care(CareGroup::Detox).care.len(), 3);
    /// ```
    pub fn care(mut self, care: impl Into<CareSet>) -> Self {
        self.care = self.care | care.into();
        self
    }

    /// Also accepts these ways to pay.
    ///
    /// ```
    /// use carefind::{Filter, Payment};
    ///
    /// assert_eq!(Filter::new().payment([Payment::Medicaid, Payment::Free]).payment.len(), 2);
    /// ```
    pub fn payment(mut self, payment: impl Into<PaymentSet>) -> Self {
        self.payment = self.payment | payment.into();
        self
    }

    /// Also accepts these age groups.
    ///
    /// ```
    /// use carefind::{AgeGroup, Filter};
    ///
    /// assert!(Filter::new().ages(AgeGroup::Seniors).ages.contains(AgeGroup::Seniors));
    /// ```
    pub fn ages(mut self, ages: impl Into<AgeSet>) -> Self {
        self.ages = self.ages | ages.into();
        self
    }

    /// Also accepts these client groups.
    ///
    /// ```
    /// use carefind::{Filter, Population};
    ///
    /// assert!(!Filter::new().populations(Population::Veterans).is_empty());
    /// ```
    pub fn populations(mut self, populations: impl Into<PopulationSet>) -> Self {
        self.populations = self.populations | populations.into();
        self
    }

    /// Also accepts these languages.
    ///
    /// ```
    /// use carefind::{Filter, Language};
    ///
    /// assert!(Filter::new().languages(Language::Spanish).languages.contains(Language::Spanish));
    /// ```
    pub fn languages(mut self, languages: impl Into<LanguageSet>) -> Self {
        self.languages = self.languages | languages.into();
        self
    }

    /// Also accepts these medications.
    ///
    /// ```
    /// use carefind::{Filter, Medication};
    ///
    /// assert!(!Filter::new().medications(Medication::Methadone).is_empty());
    /// ```
    pub fn medications(mut self, medications: impl Into<MedicationSet>) -> Self {
        self.medications = self.medications | medications.into();
        self
    }

    /// Also accepts these facility kinds: substance use, mental health. A facility of both
    /// kinds matches either.
    ///
    /// ```
    /// use carefind::{FacilityKind, Filter};
    ///
    /// assert!(Filter::new().kinds(FacilityKind::MentalHealth).kinds.contains(FacilityKind::MentalHealth));
    /// ```
    pub fn kinds(mut self, kinds: impl Into<KindSet>) -> Self {
        self.kinds = self.kinds | kinds.into();
        self
    }

    /// Also accepts these ASAM 4th-edition levels: facilities whose levels of care map to
    /// any of them (see [`CROSSWALK`](crate::asam::CROSSWALK)). A group of its own: with
    /// [`Filter::care`], a facility needs both.
    ///
    /// ```
    /// use carefind::{Asam, Facility, Filter, LatLon};
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// facility.care = "residential-short".parse().unwrap();
    /// assert!(Filter::new().asam(Asam::L3_7).matches(&facility));
    /// assert!(!Filter::new().asam(Asam::L3_1).matches(&facility));
    /// ```
    pub fn asam(mut self, asam: impl Into<AsamSet>) -> Self {
        self.asam = self.asam | asam.into();
        self
    }

    /// Also accepts these credentials: accreditations, or any credential (see
    /// [`Credential`](crate::Credential)).
    ///
    /// ```
    /// use carefind::{Credential, Facility, Filter, LatLon};
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// let accredited = Filter::new().credentials([Credential::JointCommission, Credential::Carf]);
    /// assert!(!accredited.matches(&facility));
    /// facility.credentials = "carf".parse().unwrap();
    /// assert!(accredited.matches(&facility));
    /// ```
    pub fn credentials(mut self, credentials: impl Into<CredentialSet>) -> Self {
        self.credentials = self.credentials | credentials.into();
        self
    }

    /// Also accepts these licenses, as a group of its own: with
    /// [`Filter::credentials`], a facility needs one of each.
    ///
    /// ```
    /// use carefind::{Credential, Facility, Filter, LatLon};
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// facility.credentials = "carf".parse().unwrap();
    /// let both = Filter::new().credentials(Credential::Carf).licenses(Credential::StateSudAgency);
    /// assert!(!both.matches(&facility));
    /// facility.credentials = "carf;state-sud-agency".parse().unwrap();
    /// assert!(both.matches(&facility));
    /// ```
    pub fn licenses(mut self, licenses: impl Into<CredentialSet>) -> Self {
        self.licenses = self.licenses | licenses.into();
        self
    }

    /// Keeps only facilities placed at least as exactly as `precision`:
    /// `Precision::Point` leaves out those placed at their ZIP centroid only.
    ///
    /// ```
    /// use carefind::{Facility, Filter, LatLon, Precision};
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// facility.precision = Precision::Zip;
    /// assert!(!Filter::new().min_precision(Precision::Point).matches(&facility));
    /// assert!(Filter::new().min_precision(Precision::Zip).matches(&facility));
    /// ```
    pub fn min_precision(mut self, precision: Precision) -> Self {
        self.min_precision = Some(precision);
        self
    }

    /// Keeps closed facilities (temporarily or for good) too; searches leave them out
    /// unless this is set.
    ///
    /// ```
    /// use carefind::{Facility, Filter, LatLon, Status};
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// facility.status = Status::TemporarilyClosed;
    /// assert!(!Filter::new().matches(&facility));
    /// assert!(Filter::new().include_closed().matches(&facility));
    /// ```
    pub fn include_closed(mut self) -> Self {
        self.include_closed = true;
        self
    }

    /// Keeps only facilities that offer telehealth besides the levels asked for: "IOP,
    /// by video too", where adding telehealth to [`Filter::care`] would mean "IOP or
    /// telehealth".
    ///
    /// ```
    /// use carefind::{CareLevel, Facility, Filter, LatLon};
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// facility.care = "iop".parse().unwrap();
    /// let iop_by_video = Filter::new().care(CareLevel::Iop).telehealth();
    /// assert!(!iop_by_video.matches(&facility));
    /// facility.care = "iop;telehealth".parse().unwrap();
    /// assert!(iop_by_video.matches(&facility));
    /// ```
    pub fn telehealth(mut self) -> Self {
        self.telehealth = true;
        self
    }

    /// Keeps only listings verified on or after `date` (listings without a date fail).
    ///
    /// ```
    /// use carefind::{Facility, Filter, LatLon};
    /// use jiff::civil::date;
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// let recent = Filter::new().verified_since(date(2025, 1, 1));
    /// assert!(!recent.matches(&facility));
    /// facility.verified = Some(date(2025, 3, 9));
    /// assert!(recent.matches(&facility));
    /// ```
    pub fn verified_since(mut self, date: jiff::civil::Date) -> Self {
        self.verified_since = Some(date);
        self
    }

    /// Also requires availability: fresh reports in `table` that meet `need` (see
    /// [`Need`] for how levels of care count). A need that asks for nothing removes the
    /// requirement; either way, the ways in that `table`'s reports state override the
    /// listing's for [`Filter::getting_in`] (see
    /// [`Availability::getting_in`](crate::availability::Availability::getting_in)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use carefind::availability::{Availability, Need, Update};
    /// use carefind::{Facility, Filter, LatLon};
    ///
    /// let facility = Facility::new("f1", "F", LatLon::new(40.0, -83.0).unwrap());
    /// let now = "2026-06-01T12:00:00Z".parse().unwrap();
    /// let mut update = Update::new("f1", now);
    /// update.wait_days = Some(2);
    /// let table = Arc::new(Availability::new().with([update]).table);
    ///
    /// let within_a_week = Filter::new().available(table.clone(), Need::at(now).max_wait_days(7));
    /// assert!(within_a_week.matches(&facility));
    /// let tomorrow = Filter::new().available(table, Need::at(now).max_wait_days(1));
    /// assert!(!tomorrow.matches(&facility));
    /// ```
    pub fn available(mut self, table: Arc<Availability>, need: Need) -> Self {
        self.availability = need.asks_anything().then(|| (table.clone(), need));
        self.reported = Some(table);
        self
    }

    /// The availability table and need of [`Filter::available`], if any.
    ///
    /// ```
    /// assert!(carefind::Filter::new().availability().is_none());
    /// ```
    pub fn availability(&self) -> Option<(&Arc<Availability>, &Need)> {
        self.availability
            .as_ref()
            .map(|(table, need)| (table, need))
    }

    /// Also requires opening hours that meet `need`, judged in each facility's time zone
    /// on the hours that apply to the levels of care asked for (a level's own, or the
    /// facility's). Facilities whose hours are not listed are unknown: left out unless
    /// `need` keeps them. A need that asks nothing removes the requirement.
    ///
    /// ```
    /// use carefind::hours::{OpenNeed, When};
    /// use carefind::{Facility, Filter, LatLon};
    ///
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.75, -73.99).unwrap());
    /// facility.hours = "Mo-Fr 09:00-17:00".into();
    /// facility.timezone = "America/New_York".into();
    /// let monday = "2026-12-07T20:00:00Z".parse().unwrap(); // 15:00 in New York
    /// assert!(Filter::new().open(OpenNeed::at(monday)).matches(&facility));
    /// let evenings = Filter::new().open(OpenNeed::from(monday).when(When::Evening));
    /// assert!(!evenings.matches(&facility));
    /// facility.hours = "Mo-Th 09:00-21:00; Fr 09:00-17:00".into();
    /// assert!(evenings.matches(&facility));
    /// ```
    pub fn open(mut self, need: OpenNeed) -> Self {
        self.hours = need.asks_anything().then_some(need);
        self
    }

    /// Also needs every value of each of `all_of`'s sets ("all of" beside the sets'
    /// "any of"); added to what it needed before.
    ///
    /// ```
    /// use carefind::{AllOf, Filter, Index, Medication};
    ///
    /// let all_three = AllOf {
    ///     medications: [Medication::Methadone, Medication::Buprenorphine, Medication::Naltrexone].into(),
    ///     ..AllOf::default()
    /// };
    /// let index = Index::sample();
    /// let any = Filter::new().medications(all_three.medications);
    /// let all = Filter::new().all_of(all_three);
    /// let count = |f: &Filter| index.facilities().filter(|x| f.matches(*x)).count();
    /// assert!(count(&all) < count(&any));
    /// ```
    pub fn all_of(mut self, all_of: AllOf) -> Self {
        let merged = self.all_of.map_or(AllOf::default(), |known| *known) | all_of;
        self.all_of = (!merged.is_empty()).then(|| Box::new(merged));
        self
    }

    /// What [`Filter::all_of`] asks, if anything.
    pub fn all_of_sets(&self) -> Option<&AllOf> {
        self.all_of.as_deref()
    }

    /// The opening-hours need of [`Filter::open`], if any.
    pub fn open_need(&self) -> Option<&OpenNeed> {
        self.hours.as_ref()
    }

    /// The table whose reports state ways in over the listing's (set by
    /// [`Filter::available`]), if any.
    ///
    /// ```
    /// assert!(carefind::Filter::new().reports().is_none());
    /// ```
    pub fn reports(&self) -> Option<&Arc<Availability>> {
        self.reported.as_ref()
    }

    /// Also requires the ways in of `getting_in` (walk-in intake, same-day medication, no
    /// counseling requirement).
    pub fn getting_in(mut self, getting_in: GettingIn) -> Self {
        self.getting_in = getting_in;
        self
    }

    /// The ways in [`Filter::getting_in`] asks for.
    pub fn getting_in_need(&self) -> &GettingIn {
        &self.getting_in
    }

    /// The same filter keeping only the facilities its opening-hours need leaves out
    /// because their hours are not listed; `None` when it leaves none out for that reason.
    pub(crate) fn hours_unknown_only(&self) -> Option<Filter> {
        let need = self.hours.as_ref()?;
        (need.unknown == crate::availability::Unknown::Leave).then(|| {
            let mut filter = self.clone();
            filter.hours = Some(need.clone().only_unknown());
            filter
        })
    }

    /// The same filter keeping only the facilities it leaves out because their listing
    /// does not say how to get in; `None` when it leaves none out for that reason.
    pub(crate) fn getting_in_unknown_only(&self) -> Option<Filter> {
        (self.getting_in.asks_anything()
            && self.getting_in.unknown == crate::availability::Unknown::Leave)
            .then(|| {
                let mut filter = self.clone();
                filter.getting_in.unknown = crate::availability::Unknown::Only;
                filter
            })
    }

    /// The same filter, keeping only what it leaves out because the data does not say:
    /// facilities that pass every other test and whose availability is unknown. `None`
    /// when it leaves nothing out for that reason (it asks no availability, or keeps the
    /// unknown already).
    pub(crate) fn unknown_only(&self) -> Option<Filter> {
        let (table, need) = self.availability.as_ref()?;
        (need.unknown == crate::availability::Unknown::Leave).then(|| {
            let mut filter = self.clone();
            filter.availability = Some((table.clone(), need.only_unknown()));
            filter
        })
    }

    /// Also requires `keep` to return true; it runs after every other test. It replaces any
    /// earlier predicate.
    ///
    /// ```
    /// use carefind::{Facility, Filter, LatLon};
    ///
    /// let in_ohio = Filter::new().predicate(|f| f.state() == "OH");
    /// let mut facility = Facility::new("f", "F", LatLon::new(40.0, -83.0).unwrap());
    /// facility.state = "OH".into();
    /// assert!(in_ohio.matches(&facility));
    /// ```
    pub fn predicate(
        mut self,
        keep: impl Fn(FacilityRef<'_>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.predicate = Some(Arc::new(keep));
        self
    }

    /// Whether the filter keeps everything.
    ///
    /// ```
    /// use carefind::{CareLevel, Filter};
    ///
    /// assert!(!Filter::new().care(CareLevel::Otp).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.has_no_predicate() && self.wants_nothing_in_particular() && self.include_closed
    }

    fn wants_nothing_in_particular(&self) -> bool {
        self.care.is_empty() && self.wants_nothing_but_care()
    }

    fn wants_nothing_but_care(&self) -> bool {
        self.payment.is_empty()
            && self.ages.is_empty()
            && self.populations.is_empty()
            && self.languages.is_empty()
            && self.medications.is_empty()
            && self.kinds.is_empty()
            && self.asam.is_empty()
            && self.credentials.is_empty()
            && self.licenses.is_empty()
            && self.min_precision.is_none()
            && self.verified_since.is_none()
            && !self.telehealth
            && self.all_of.is_none()
    }

    /// Whether the filter keeps `facility`.
    ///
    /// ```
    /// use carefind::{CareLevel, Facility, Filter, LatLon};
    ///
    /// let facility = Facility::new("f", "F", LatLon::new(0.0, 0.0).unwrap());
    /// assert!(Filter::new().matches(&facility));
    /// assert!(!Filter::new().care(CareLevel::Iop).matches(&facility));
    /// ```
    ///
    /// It takes an owned facility or one read in place from an index:
    ///
    /// ```
    /// use carefind::{CareLevel, Filter, Index};
    ///
    /// let index = Index::sample();
    /// let iop = Filter::new().care(CareLevel::Iop);
    /// assert_eq!(index.facilities().filter(|f| iop.matches(*f)).count(), index.count_offering(CareLevel::Iop));
    /// ```
    pub fn matches<'f>(&self, facility: impl Into<FacilityRef<'f>>) -> bool {
        let facility = facility.into();
        self.matches_attributes(&Attributes::of(facility)) && self.matches_record(facility, None)
    }

    /// The bitmask part of the test, on the index's compact copy of the sets.
    pub(crate) fn matches_attributes(&self, offered: &Attributes) -> bool {
        any_of(self.care, offered.care)
            && any_of(self.payment, offered.payment)
            && any_of(self.ages, offered.ages)
            && any_of(self.populations, offered.populations)
            && any_of(self.languages, offered.languages)
            && any_of(self.medications, offered.medications)
            && any_of(self.kinds, offered.kinds)
            // A facility's ASAM levels are its levels of care's, so it has one of those
            // wanted exactly when it offers a level of care that maps to one.
            && (self.asam.is_empty() || offered.care.intersects(crate::asam::care_of(self.asam)))
            && self
                .min_precision
                .is_none_or(|least| offered.precision >= least)
            && (self.include_closed || !offered.status.is_closed())
            && self
                .verified_since
                .is_none_or(|since| offered.verified >= days_of(since))
            && (!self.telehealth || offered.care.contains(crate::CareLevel::Telehealth))
            && self
                .all_of
                .as_ref()
                .is_none_or(|all| all.matches_attributes(offered))
    }

    /// The filter's masks, as a key for counts that depend on nothing else.
    pub(crate) fn masks(&self) -> [u64; 21] {
        let precision = self.min_precision.map_or(0, |least| least as u64 + 1);
        let verified = self
            .verified_since
            .map_or(u64::MAX, |since| days_of(since) as u64);
        let own = [
            self.care.bits(),
            self.payment.bits(),
            self.ages.bits(),
            self.populations.bits(),
            self.languages.bits(),
            self.medications.bits(),
            self.kinds.bits(),
            self.asam.bits(),
            self.credentials.bits(),
            self.licenses.bits(),
            precision,
            u64::from(self.include_closed) | u64::from(self.telehealth) << 1,
            verified,
        ];
        let all = self.all_of.as_deref().copied().unwrap_or_default().masks();
        let mut key = [0; 21];
        key[..13].copy_from_slice(&own);
        key[13..].copy_from_slice(&all);
        key
    }

    /// Whether the filter asks for levels of care and nothing else (closed facilities
    /// aside: the index knows whether it has any).
    pub(crate) fn is_care_only(&self) -> bool {
        self.has_no_predicate() && self.wants_nothing_but_care()
    }

    /// Whether the filter is its masks alone.
    pub(crate) fn has_no_predicate(&self) -> bool {
        self.predicate.is_none()
            && self.availability.is_none()
            && self.hours.is_none()
            && !self.getting_in.asks_anything()
    }

    /// The part of the test that reads the record: credentials, availability, then the
    /// predicate. Credentials are read here rather than copied into [`Attributes`]: a
    /// ninth mask there took the array past a cache line a facility and slowed every
    /// search by 3-7 %, for a filter few searches ask. A search gives the availability
    /// table's reports by its index's positions (`by_position`), which find a facility's
    /// reports without hashing its id.
    pub(crate) fn matches_record(
        &self,
        facility: FacilityRef<'_>,
        by_position: Option<&ByPosition>,
    ) -> bool {
        let all_credentials = self
            .all_of
            .as_ref()
            .map_or(crate::CredentialSet::EMPTY, |all| all.credentials);
        let wants_credentials = !(self.credentials.is_empty()
            && self.licenses.is_empty()
            && all_credentials.is_empty());
        (!wants_credentials || {
            let held = facility.credentials();
            any_of(self.credentials, held)
                && any_of(self.licenses, held)
                && held.contains_all(all_credentials)
        }) && self.availability.as_ref().is_none_or(|(table, need)| {
            let reports = match by_position {
                Some(by_position) => by_position.reports(facility.position()),
                None => table.reports(facility.id()),
            };
            crate::availability::judge(reports, facility, self.care, need).kept_by(need)
        }) && self.hours.as_ref().is_none_or(|need| {
            let judged = match facility.schedule() {
                Some(schedule) => schedule.judge(facility.care(), self.care, need),
                None => crate::availability::Judgement::Unknown,
            };
            judged.kept(need.unknown)
        }) && (!self.getting_in.asks_anything()
            || self
                .getting_in
                .judge(facility, self.care, self.reported.as_deref())
                .kept(self.getting_in.unknown))
            && self.predicate.as_ref().is_none_or(|keep| keep(facility))
    }
}

fn any_of<T: Term>(wanted: Set<T>, offered: Set<T>) -> bool {
    wanted.is_empty() || wanted.intersects(offered)
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filter")
            .field("care", &self.care)
            .field("payment", &self.payment)
            .field("ages", &self.ages)
            .field("populations", &self.populations)
            .field("languages", &self.languages)
            .field("medications", &self.medications)
            .field("kinds", &self.kinds)
            .field("asam", &self.asam)
            .field("credentials", &self.credentials)
            .field("licenses", &self.licenses)
            .field("min_precision", &self.min_precision)
            .field("include_closed", &self.include_closed)
            .field("verified_since", &self.verified_since)
            .field("telehealth", &self.telehealth)
            .field(
                "availability",
                &self.availability.as_ref().map(|(_, need)| need),
            )
            .field("hours", &self.hours)
            .field("getting_in", &self.getting_in)
            .field("reported", &self.reported.is_some())
            .field("predicate", &self.predicate.as_ref().map(|_| "<closure>"))
            .field("all_of", &self.all_of)
            .finish()
    }
}

/// A facility's sets, copied into a compact array so that filtering never touches the
/// (much larger) facility records.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Attributes {
    pub(crate) care: CareSet,
    pub(crate) payment: PaymentSet,
    pub(crate) ages: AgeSet,
    pub(crate) populations: PopulationSet,
    pub(crate) languages: LanguageSet,
    pub(crate) medications: MedicationSet,
    pub(crate) kinds: KindSet,
    pub(crate) precision: Precision,
    pub(crate) status: Status,
    /// Days from 1970-01-01 to the date the listing was verified; `i32::MIN` for never.
    pub(crate) verified: i32,
}

impl Attributes {
    pub(crate) fn of(facility: FacilityRef<'_>) -> Self {
        Attributes {
            care: facility.care(),
            payment: facility.payment(),
            ages: facility.ages(),
            populations: facility.populations(),
            languages: facility.languages(),
            medications: facility.medications(),
            kinds: facility.kinds(),
            precision: facility.precision(),
            status: facility.status(),
            verified: facility.verified().map_or(i32::MIN, days_of),
        }
    }
}

/// Days from 1970-01-01 to `date`.
pub(crate) fn days_of(date: jiff::civil::Date) -> i32 {
    (date - jiff::civil::date(1970, 1, 1)).get_days()
}
