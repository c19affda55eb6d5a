//! The columnar facility store: every facility of a dataset in a few flat arrays.
//!
//! A [`Facility`] owns about ten heap strings; a million of them are ten million
//! allocations and three times the bytes of the file they came from. The store keeps the
//! same facilities as columns instead: the text fields of every facility back to back in
//! one arena, with the offsets where each field ends; the services in a second arena; the
//! attribute sets as their bit masks; the coordinates in flat arrays. A facility is then
//! a position, and [`FacilityRef`] reads it in place.
//!
//! The columns are plain arrays of little-endian numbers, so a snapshot file is the store
//! itself: read in one block, checked (checksum, lengths, offsets, values), and used as it
//! is, with no record decoded (see [`snapshot`](crate::snapshot)).

use std::sync::Arc;

use rayon::slice::ParallelSliceMut;

use crate::checked::Checked;
use crate::error::Error;
use crate::error::SnapshotError;
use crate::facility::Facility;
use crate::facility_ref::FacilityRef;
use crate::fields::{Field, TEXT_FIELDS};
use crate::filter::{Attributes, days_of};
use crate::precision::Precision;
use crate::set::Set;
use crate::sphere::LatLon;
use crate::status::Status;

/// How many attribute masks each facility has: care, payment, ages, populations,
/// languages, medications, kinds, mental-health types.
pub(crate) const MASKS: usize = 9;

/// Bytes that columns may borrow: a snapshot read in one block (as 8-byte words, so that
/// every column in it is aligned), one mapped from its file (page-aligned), or one
/// embedded in the program.
///
/// A snapshot read into words was checked whole; a mapped or embedded one is `Checked`: its
/// blocks are checked as they are first read (see [`Checked`]).
#[derive(Clone, Debug)]
pub(crate) enum Block {
    Words(Arc<Vec<u64>>),
    Mapped(Arc<carefind_mapped::Mapped>),
    Static(&'static [u8]),
    Checked(Arc<Checked>),
}

impl Block {
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Block::Words(words) => bytemuck::cast_slice(words),
            Block::Mapped(mapped) => mapped.bytes(),
            Block::Static(bytes) => bytes,
            Block::Checked(checked) => checked.bytes(),
        }
    }
}

/// A number a column holds, stored little-endian.
pub(crate) trait Number: bytemuck::Pod {
    fn swap_from_le(self) -> Self;
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn swap_from_le(self) -> Self {
                <$t>::from_le_bytes(self.to_ne_bytes())
            }
        }
    )*};
}
numbers!(u8, u32, u64, i32, f64);

/// An arena of text: owned (kept as `str`, so that reading a field is slicing), or the
/// bytes of a mapped or embedded snapshot, whose blocks are checked as they are first read
/// and whose fields are checked to be UTF-8 as they are read (a field is short; the arena
/// of a million facilities is 200 MB).
#[derive(Clone, Debug)]
pub(crate) enum Text {
    Owned(String),
    Checked {
        block: Arc<Checked>,
        start: usize,
        len: usize,
    },
}

impl Text {
    /// The text at `span` (offsets in the arena): `None` where it is out of bounds, off a
    /// character boundary, or in a damaged block.
    // The owned case inline and the checked one not, as in `Column::check`: with both
    // inline, reading a field was a call, and writing 329,000 hits as CSV took 9 % longer.
    #[inline]
    pub(crate) fn get(&self, span: std::ops::Range<usize>) -> Option<&str> {
        match self {
            Text::Owned(text) => text.get(span),
            Text::Checked { .. } => self.get_checked(span),
        }
    }

    #[inline(never)]
    fn get_checked(&self, span: std::ops::Range<usize>) -> Option<&str> {
        let Text::Checked { block, start, len } = self else {
            return None;
        };
        if span.start > span.end || span.end > *len {
            return None;
        }
        let range = start + span.start..start + span.end;
        if !block.check(range.clone()) {
            return None;
        }
        std::str::from_utf8(block.bytes().get(range)?).ok()
    }

    /// The arena's bytes, checked or not.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Owned(text) => text.as_bytes(),
            Text::Checked { block, start, len } => {
                block.bytes().get(*start..start + len).unwrap_or_default()
            }
        }
    }

    /// The whole arena as text, every block of it checked: `None` when one is damaged or
    /// the arena is not UTF-8.
    pub(crate) fn whole(&self) -> Option<&str> {
        match self {
            Text::Owned(text) => Some(text),
            Text::Checked { block, start, len } => {
                if !block.check(*start..start + len) {
                    return None;
                }
                std::str::from_utf8(self.as_bytes()).ok()
            }
        }
    }

    /// The blocks it lies in, when they are checked as they are read.
    pub(crate) fn checked(&self) -> Option<&Checked> {
        match self {
            Text::Owned(_) => None,
            Text::Checked { block, .. } => Some(block),
        }
    }
}

/// A column of numbers, owned or borrowed from a [`Block`].
#[derive(Clone, Debug)]
pub(crate) enum Column<T> {
    Owned(Vec<T>),
    Borrowed {
        block: Block,
        start: usize,
        len: usize,
    },
}

impl<T: Number> Column<T> {
    /// The column of `len` numbers at byte `start` of `block`: borrowed where the bytes
    /// can be used as they are (aligned, on a little-endian machine), copied otherwise.
    /// The range must be within the block (the snapshot reader checks it first).
    pub(crate) fn in_block(block: &Block, start: usize, len: usize) -> Self {
        let size = std::mem::size_of::<T>();
        let bytes = block
            .bytes()
            .get(start..start + len * size)
            .unwrap_or_default();
        let usable =
            cfg!(target_endian = "little") && bytemuck::try_cast_slice::<u8, T>(bytes).is_ok();
        if usable {
            Column::Borrowed {
                block: block.clone(),
                start,
                len,
            }
        } else {
            Column::Owned(
                bytes
                    .chunks_exact(size)
                    .map(|chunk| bytemuck::pod_read_unaligned::<T>(chunk).swap_from_le())
                    .collect(),
            )
        }
    }

    /// Whether the values at `at` can be read: always, but in a snapshot checked as it is
    /// read, where the blocks they lie in must match their checksums (checked now, if no
    /// read has checked them before).
    #[inline]
    pub(crate) fn check(&self, at: std::ops::Range<usize>) -> bool {
        match self {
            Column::Borrowed {
                block: Block::Checked(checked),
                start,
                ..
            } => check_values::<T>(checked, *start, at),
            _ => true,
        }
    }

    /// Whether the column's blocks are checked as they are read.
    pub(crate) fn is_checked_on_read(&self) -> bool {
        matches!(
            self,
            Column::Borrowed {
                block: Block::Checked(_),
                ..
            }
        )
    }

    /// The value at `at`: `None` past the end or in a damaged block.
    #[inline]
    pub(crate) fn get(&self, at: usize) -> Option<T> {
        if !self.check(at..at + 1) {
            return None;
        }
        self.as_slice().get(at).copied()
    }

    /// The values, unchecked: for a caller that checks what it reads
    /// ([`Column::check`]), or that checked the whole.
    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Column::Owned(values) => values,
            Column::Borrowed { block, start, len } => block
                .bytes()
                .get(*start..start + len * std::mem::size_of::<T>())
                .and_then(|bytes| bytemuck::try_cast_slice(bytes).ok())
                .unwrap_or_default(),
        }
    }

    /// The column as little-endian bytes, as a snapshot stores it.
    pub(crate) fn to_le_bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        let values = self.as_slice();
        if cfg!(target_endian = "little") {
            std::borrow::Cow::Borrowed(bytemuck::cast_slice(values))
        } else {
            std::borrow::Cow::Owned(
                values
                    .iter()
                    .flat_map(|value| bytemuck::bytes_of(&value.swap_from_le()).to_vec())
                    .collect(),
            )
        }
    }
}

/// Whether the values `at` of a column of `T`s starting at byte `start` of `checked` lie
/// in whole blocks. Not inline, so that the test of a column in memory stays small.
#[inline(never)]
fn check_values<T>(checked: &Checked, start: usize, at: std::ops::Range<usize>) -> bool {
    let size = std::mem::size_of::<T>();
    checked.check(start + at.start * size..start + at.end * size)
}

/// Every facility of a dataset, sorted by id, in columns.
///
/// Build one from facilities with [`FacilityStore::new`], read one from a snapshot with
/// [`snapshot::from_slice`](crate::snapshot::from_slice), and index it with
/// [`Index::from_store`](crate::Index::from_store). Each facility is read in place through
/// a [`FacilityRef`]; [`FacilityRef::to_facility`] copies one out.
///
/// ```
/// use carefind::{Facility, FacilityStore, LatLon};
///
/// let here = LatLon::new(40.0, -75.0).unwrap();
/// let store = FacilityStore::new(vec![Facility::new("b", "Beta", here), Facility::new("a", "Alpha", here)])?;
/// assert_eq!(store.len(), 2);
/// assert_eq!(store.get(0).unwrap().name(), "Alpha"); // sorted by id
/// assert_eq!(store.find("b").unwrap().position(), 1);
/// # Ok::<(), carefind::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct FacilityStore {
    /// The text fields of every facility, back to back, in [`Field`] order.
    pub(crate) text: Text,
    /// Where each text field ends in `text`: facility `p`'s field `f` spans
    /// `ends[p * TEXT_FIELDS + f - 1] .. ends[p * TEXT_FIELDS + f]` (from 0 for the very first).
    pub(crate) ends: Column<u32>,
    /// Every service of every facility, back to back.
    pub(crate) services_text: Text,
    /// Where each service ends in `services_text`.
    pub(crate) service_ends: Column<u32>,
    /// How many services the facilities up to and including each one have, so that
    /// facility `p`'s services are those numbered `services_end[p - 1] .. services_end[p]`.
    pub(crate) services_end: Column<u32>,
    pub(crate) lat: Column<f64>,
    pub(crate) lon: Column<f64>,
    /// [`MASKS`] attribute masks per facility.
    pub(crate) masks: Column<u64>,
    /// Precision, status and the getting-in flags per facility, one byte each
    /// ([`CODES`]).
    pub(crate) codes: Column<u8>,
    /// Days from 1970-01-01 to the date the listing was verified; `i32::MIN` for never.
    pub(crate) verified: Column<i32>,
    /// The hours and walk-in intake, parsed the first time a search asks about them: not
    /// a column, but made from the columns and kept with them.
    pub(crate) schedules: Arc<std::sync::OnceLock<crate::hours::Schedules>>,
    /// What an index of this store reads by slot, and its trees (see
    /// [`Slots`](crate::slots::Slots)): also made from the columns when first needed,
    /// unless a snapshot brought them (sorting a million points and building their trees
    /// was most of opening one).
    pub(crate) slots: Arc<std::sync::OnceLock<crate::slots::Slots>>,
}

impl FacilityStore {
    /// Stores `facilities`, sorted by id.
    ///
    /// Fails when an id is empty or used twice, or when the facilities hold more than
    /// 4 GiB of text or `u32::MAX` services (the offsets are 32-bit).
    ///
    /// ```
    /// use carefind::{Facility, FacilityStore, LatLon};
    ///
    /// let here = LatLon::new(1.0, 2.0).unwrap();
    /// let twice = vec![Facility::new("x", "One", here), Facility::new("x", "Two", here)];
    /// let error = FacilityStore::new(twice).unwrap_err();
    /// assert!(error.to_string().contains("more than one facility"));
    /// ```
    pub fn new(mut facilities: Vec<Facility>) -> Result<FacilityStore, Error> {
        if u32::try_from(facilities.len()).is_err() {
            return Err(invalid(
                "",
                format!("a store holds at most {} facilities", u32::MAX),
            ));
        }
        sort_by_id(&mut facilities);
        check_ids(facilities.iter().map(|f| (f.id.as_str(), f.name.as_str())))?;
        let mut builder = Builder::with_capacity(&facilities);
        for facility in &facilities {
            builder.push(facility.view())?;
        }
        Ok(builder.finish())
    }

    /// How many facilities the store holds.
    ///
    /// ```
    /// assert_eq!(carefind::FacilityStore::new(vec![]).unwrap().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.lat.as_slice().len()
    }

    /// Whether the store holds no facility.
    ///
    /// ```
    /// assert!(carefind::FacilityStore::new(vec![]).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The facility at `position` (in id order), if there is one.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// let store = index.store();
    /// assert!(store.get(0).is_some() && store.get(store.len()).is_none());
    /// ```
    pub fn get(&self, position: usize) -> Option<FacilityRef<'_>> {
        (position < self.len()).then(|| FacilityRef::stored(self, position as u32))
    }

    /// The facility with this id, found by binary search.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// let first = index.store().get(0).unwrap();
    /// assert_eq!(index.store().find(first.id()), Some(first));
    /// assert_eq!(index.store().find("no such id"), None);
    /// ```
    pub fn find(&self, id: &str) -> Option<FacilityRef<'_>> {
        let position = self.partition_point(|other| other < id.as_bytes());
        (position < self.len() && self.field_bytes(position as u32, Field::Id) == id.as_bytes())
            .then(|| FacilityRef::stored(self, position as u32))
    }

    /// How many facilities come before the first whose id fails `before` (ids are sorted).
    pub(crate) fn partition_point(&self, before: impl Fn(&[u8]) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if before(self.field_bytes(middle as u32, Field::Id)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// Every facility, in id order.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// let ids: Vec<&str> = index.store().iter().map(|f| f.id()).collect();
    /// assert!(ids.is_sorted());
    /// ```
    pub fn iter(&self) -> Facilities<'_> {
        Facilities {
            store: self,
            next: 0,
            end: self.len() as u32,
        }
    }

    /// The bytes the store's columns hold (borrowed or owned).
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// assert!(index.store().bytes() < 400 * index.len());
    /// ```
    pub fn bytes(&self) -> usize {
        self.text.as_bytes().len()
            + 4 * self.ends.as_slice().len()
            + self.services_text.as_bytes().len()
            + 4 * self.service_ends.as_slice().len()
            + 4 * self.services_end.as_slice().len()
            + 16 * self.len()
            + 8 * self.masks.as_slice().len()
            + self.codes.as_slice().len()
            + 4 * self.verified.as_slice().len()
    }

    pub(crate) fn field_bytes(&self, position: u32, field: Field) -> &[u8] {
        self.field(position, field).as_bytes()
    }

    /// A text field: a slice of the arena (whose offsets were checked to fall on
    /// character boundaries when the store was built or read).
    pub(crate) fn field(&self, position: u32, field: Field) -> &str {
        let span = span(&self.ends, position as usize * TEXT_FIELDS + field as usize);
        self.text.get(span).unwrap_or_default()
    }

    /// The range of service numbers of the facility at `position`.
    pub(crate) fn service_range(&self, position: u32) -> std::ops::Range<usize> {
        span(&self.services_end, position as usize)
    }

    pub(crate) fn service(&self, number: usize) -> &str {
        let span = span(&self.service_ends, number);
        self.services_text.get(span).unwrap_or_default()
    }

    pub(crate) fn location(&self, position: u32) -> LatLon {
        let at = position as usize;
        let lat = self.lat.get(at).unwrap_or_default();
        let lon = self.lon.get(at).unwrap_or_default();
        // In range: checked when the store was built or read.
        LatLon::within_range(lat, lon)
    }

    /// Where a store read from a mapped or embedded snapshot, which checks each block of
    /// the file as it is first read, found one damaged: what it read there came back
    /// empty. `None` for a store that is whole, or held in memory.
    ///
    /// A search that meets a damaged block fails with
    /// [`QueryError::Damaged`](crate::QueryError::Damaged); a program that reads
    /// facilities otherwise can look here, or [`FacilityStore::verify`] the whole first.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// assert_eq!(Index::sample().store().damage(), None);
    /// ```
    pub fn damage(&self) -> Option<SnapshotError> {
        self.text.checked()?.damage().map(crate::checked::damaged)
    }

    /// Checks the whole of a store read from a mapped or embedded snapshot now, as reading
    /// a snapshot into memory does: every block against its checksum, then every value a
    /// reader relies on (offsets, ids in order, the index's order and trees). Such a store
    /// checks only what each read touches; this is for a program about to read all of it,
    /// or to trust it whole. A store built or read into memory was checked when made, and
    /// passes at once.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// assert_eq!(Index::sample().store().verify(), Ok(()));
    /// ```
    pub fn verify(&self) -> Result<(), SnapshotError> {
        // A store built in memory, or read into it, was checked whole when it was made.
        let Some(checked) = self.text.checked() else {
            return Ok(());
        };
        checked.check_all().map_err(crate::checked::damaged)?;
        let checked = self.check().and_then(|()| match self.slots.get() {
            Some(slots) => slots.check(self.len()),
            None => Ok(()),
        });
        checked.map_err(|reason| SnapshotError::Corrupt { offset: 0, reason })
    }

    /// Checks the blocks that hold what is read of the facility at `position` (in a
    /// snapshot checked as it is read; a store in memory holds no blocks): whether they
    /// are whole. Damage found is kept ([`FacilityStore::damage`]).
    pub(crate) fn check_facility(&self, position: u32) -> bool {
        let at = position as usize;
        let fields = at * TEXT_FIELDS..(at + 1) * TEXT_FIELDS;
        let services = span(&self.services_end, at);
        let text_whole = |text: &Text, ends: &Column<u32>, items: std::ops::Range<usize>| {
            let first = items.start.saturating_sub(1);
            ends.check(first..items.end) && {
                let start = slice_span(ends.as_slice(), items.start).start;
                let end = items.end.checked_sub(1).map_or(start, |last| {
                    slice_span(ends.as_slice(), last).end.max(start)
                });
                items.is_empty() || text.get(start..end).is_some()
            }
        };
        text_whole(&self.text, &self.ends, fields)
            && text_whole(&self.services_text, &self.service_ends, services)
            && self.lat.check(at..at + 1)
            && self.lon.check(at..at + 1)
            && self.masks.check(at * MASKS..(at + 1) * MASKS)
            && self.codes.check(at * CODES..(at + 1) * CODES)
            && self.verified.check(at..at + 1)
    }

    /// What an index of this store reads by slot: made the first time it is asked for,
    /// or read from a snapshot.
    pub(crate) fn slots(&self) -> &crate::slots::Slots {
        self.slots.get_or_init(|| crate::slots::Slots::of(self))
    }

    pub(crate) fn mask(&self, position: u32, which: usize) -> u64 {
        self.masks
            .get(position as usize * MASKS + which)
            .unwrap_or(0)
    }

    pub(crate) fn set<T: crate::vocabulary::Term>(&self, position: u32, which: usize) -> Set<T> {
        Set::from_bits(self.mask(position, which)).unwrap_or_default()
    }

    pub(crate) fn precision(&self, position: u32) -> Precision {
        precision_of(self.code(position, 0)).unwrap_or_default()
    }

    pub(crate) fn status(&self, position: u32) -> Status {
        status_of(self.code(position, 1)).unwrap_or_default()
    }

    /// Getting-in flag `which` (0: same-day medication, 1: counseling required, 2:
    /// telehealth intake), two bits each in the third code byte.
    pub(crate) fn flag(&self, position: u32, which: u32) -> Option<bool> {
        flag_of(self.code(position, 2), which)
    }

    /// The schedule (hours, walk-in intake, zone) of the facility at `position`; the
    /// store's schedules are made the first time one is asked for.
    pub(crate) fn schedule(&self, position: u32) -> Option<&crate::hours::Schedule> {
        self.schedules
            .get_or_init(|| crate::hours::Schedules::of(self))
            .get(position)
    }

    fn code(&self, position: u32, which: usize) -> u8 {
        self.codes
            .get(position as usize * CODES + which)
            .unwrap_or(0)
    }

    pub(crate) fn verified_days(&self, position: u32) -> i32 {
        self.verified.get(position as usize).unwrap_or(i32::MIN)
    }

    /// What filters read of the facility at `position`.
    pub(crate) fn attributes(&self, position: u32) -> Attributes {
        Attributes {
            care: self.set(position, 0),
            payment: self.set(position, 1),
            ages: self.set(position, 2),
            populations: self.set(position, 3),
            languages: self.set(position, 4),
            medications: self.set(position, 5),
            kinds: self.set(position, 6),
            precision: self.precision(position),
            status: self.status(position),
            verified: self.verified_days(position),
        }
    }

    /// Copies the facilities out, in id order.
    ///
    /// ```
    /// use carefind::Index;
    ///
    /// let index = Index::sample();
    /// let facilities = index.store().to_facilities();
    /// assert_eq!(facilities.len(), index.len());
    /// assert_eq!(facilities[0], index.store().get(0).unwrap());
    /// ```
    pub fn to_facilities(&self) -> Vec<Facility> {
        self.iter().map(|facility| facility.to_facility()).collect()
    }

    /// The store with its facilities in `order` (a permutation of the positions), built
    /// column by column, each old column dropped once its new one is made, so that the
    /// peak is one column more than the store (not two stores).
    fn permuted(self, order: &[u32]) -> FacilityStore {
        let FacilityStore {
            text,
            ends,
            services_text,
            service_ends,
            services_end,
            lat,
            lon,
            masks,
            codes,
            verified,
            schedules: _,
            slots: _,
        } = self;
        let (new_text, new_ends) = permute_arena(
            text.whole().unwrap_or_default(),
            ends.as_slice(),
            TEXT_FIELDS,
            order,
        );
        drop((text, ends));
        let (new_services_text, new_service_ends, new_services_end) = permute_lists(
            services_text.whole().unwrap_or_default(),
            service_ends.as_slice(),
            services_end.as_slice(),
            order,
        );
        drop((services_text, service_ends, services_end));
        FacilityStore {
            text: new_text,
            ends: new_ends,
            services_text: new_services_text,
            service_ends: new_service_ends,
            services_end: new_services_end,
            lat: gather(&lat, 1, order),
            lon: gather(&lon, 1, order),
            masks: gather(&masks, MASKS, order),
            codes: gather(&codes, CODES, order),
            verified: gather(&verified, 1, order),
            schedules: Arc::default(),
            slots: Arc::default(),
        }
    }

    /// Checks everything a reader of the columns relies on: matching lengths, offsets that
    /// rise, stay within their arena and fall on character boundaries, valid values, and
    /// ids non-empty and strictly increasing. A store that passes cannot make a
    /// [`FacilityRef`] read out of bounds or return a wrong value.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        self.check_lengths()?;
        let count = self.len();
        // The text's offsets are the largest check (a million facilities: 16 million
        // offsets), so they are checked beside the rest; errors come in the same order.
        let text = || check_ends(self.ends.as_slice(), whole(&self.text)?);
        let (text, rest) = if count >= PARALLEL_CHECK {
            rayon::join(text, || self.check_rest(count))
        } else {
            (text(), self.check_rest(count))
        };
        text.and(rest)
    }

    /// Checks that the columns' lengths match: what a store read as it is used must hold
    /// (each read of a value is bounded, and checks the blocks it reads).
    pub(crate) fn check_lengths(&self) -> Result<(), &'static str> {
        let count = self.len();
        if self.lon.as_slice().len() != count
            || self.ends.as_slice().len() != count * TEXT_FIELDS
            || self.services_end.as_slice().len() != count
            || self.masks.as_slice().len() != count * MASKS
            || self.codes.as_slice().len() != count * CODES
            || self.verified.as_slice().len() != count
        {
            return Err("columns of different lengths");
        }
        Ok(())
    }

    /// What [`FacilityStore::check`] checks besides the lengths and the text's offsets.
    fn check_rest(&self, count: usize) -> Result<(), &'static str> {
        check_ends(self.service_ends.as_slice(), whole(&self.services_text)?)?;
        let services_end = self.services_end.as_slice();
        if !services_end.is_sorted()
            || services_end.last().map_or(0, |last| *last as usize)
                != self.service_ends.as_slice().len()
        {
            return Err("service counts that do not add up");
        }
        for (lat, lon) in self.lat.as_slice().iter().zip(self.lon.as_slice()) {
            LatLon::new(*lat, *lon).map_err(|_| "a point off the globe")?;
        }
        for masks in self.masks.as_slice().chunks_exact(MASKS) {
            if !masks_known(masks) {
                return Err("an unknown attribute");
            }
        }
        for codes in self.codes.as_slice().chunks_exact(CODES) {
            precision_of(codes[0]).ok_or("an unknown precision")?;
            status_of(codes[1]).ok_or("an unknown status")?;
            if codes[2] >> 6 != 0 || (0..3).any(|which| codes[2] >> (2 * which) & 3 == 3) {
                return Err("an unknown getting-in flag");
            }
        }
        let dates = days_of(jiff::civil::Date::MIN)..=days_of(jiff::civil::Date::MAX);
        for days in self.verified.as_slice() {
            if *days != i32::MIN && !dates.contains(days) {
                return Err("a date out of range");
            }
        }
        let mut previous: Option<&[u8]> = None;
        for position in 0..count as u32 {
            let id = self.field_bytes(position, Field::Id);
            if id.trim_ascii().is_empty() || previous.is_some_and(|before| before >= id) {
                return Err("ids that are empty, repeated or out of order");
            }
            previous = Some(id);
        }
        Ok(())
    }
}

/// Stores are equal when they hold equal facilities, however their columns are held.
impl PartialEq for FacilityStore {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// Item `at` of a list kept as where each item ends (the first starting at 0); empty
/// where the ends cannot be read.
#[inline]
fn span(ends: &Column<u32>, at: usize) -> std::ops::Range<usize> {
    let first = at.saturating_sub(1);
    if !ends.check(first..at + 1) {
        return 0..0;
    }
    slice_span(ends.as_slice(), at)
}

/// [`span`] in a slice of ends.
#[inline]
fn slice_span(ends: &[u32], at: usize) -> std::ops::Range<usize> {
    let start = match at.checked_sub(1) {
        Some(before) => ends.get(before).map_or(0, |end| *end as usize),
        None => 0,
    };
    start..ends.get(at).map_or(start, |end| *end as usize)
}

/// The `width` values of each facility of `column`, in `order`.
fn gather<T: Number>(column: &Column<T>, width: usize, order: &[u32]) -> Column<T> {
    let values = column.as_slice();
    let mut out = Vec::with_capacity(values.len());
    for position in order {
        let at = *position as usize * width;
        out.extend_from_slice(values.get(at..at + width).unwrap_or_default());
    }
    Column::Owned(out)
}

/// An arena of `fields` texts per facility, and where each text ends, in `order`. A
/// facility's texts are contiguous, so each moves as one slice.
fn permute_arena(text: &str, ends: &[u32], fields: usize, order: &[u32]) -> (Text, Column<u32>) {
    let mut new_text = String::with_capacity(text.len());
    let mut new_ends = Vec::with_capacity(ends.len());
    for position in order {
        let run = *position as usize * fields..(*position as usize + 1) * fields;
        // A subset of a store's texts fits where the store's did: this cannot fail.
        let _ = append_run(text, ends, run, &mut new_text, &mut new_ends);
    }
    (Text::Owned(new_text), Column::Owned(new_ends))
}

/// The services arena, where each service ends, and the running count of services per
/// facility, in `order`.
fn permute_lists(
    text: &str,
    ends: &[u32],
    counts: &[u32],
    order: &[u32],
) -> (Text, Column<u32>, Column<u32>) {
    let mut new_text = String::with_capacity(text.len());
    let mut new_ends = Vec::with_capacity(ends.len());
    let mut new_counts = Vec::with_capacity(counts.len());
    for position in order {
        let services = slice_span(counts, *position as usize);
        // A subset of a store's services fits where the store's did: this cannot fail.
        let _ = append_run(text, ends, services, &mut new_text, &mut new_ends);
        new_counts.push(new_ends.len() as u32);
    }
    (
        Text::Owned(new_text),
        Column::Owned(new_ends),
        Column::Owned(new_counts),
    )
}

/// Whether each of a facility's masks has only bits its vocabulary has terms for.
fn masks_known(masks: &[u64]) -> bool {
    use crate::{
        AgeSet, CareSet, CredentialSet, KindSet, LanguageSet, MedicationSet, MhTypeSet, PaymentSet,
        PopulationSet,
    };
    CareSet::from_bits(masks[0]).is_some()
        && PaymentSet::from_bits(masks[1]).is_some()
        && AgeSet::from_bits(masks[2]).is_some()
        && PopulationSet::from_bits(masks[3]).is_some()
        && LanguageSet::from_bits(masks[4]).is_some()
        && MedicationSet::from_bits(masks[5]).is_some()
        && KindSet::from_bits(masks[6]).is_some()
        && MhTypeSet::from_bits(masks[7]).is_some()
        && CredentialSet::from_bits(masks[8]).is_some()
}

/// A text arena, whole, for checking.
fn whole(text: &Text) -> Result<&str, &'static str> {
    text.whole()
        .ok_or("text that is not UTF-8, or in a damaged block")
}

fn check_ends(ends: &[u32], text: &str) -> Result<(), &'static str> {
    if !ends.is_sorted() || ends.last().map_or(0, |last| *last as usize) != text.len() {
        return Err("offsets that do not rise to the end of their text");
    }
    if ends.iter().any(|end| !text.is_char_boundary(*end as usize)) {
        return Err("an offset inside a character");
    }
    Ok(())
}

/// From this many facilities a store's checks run on two threads.
const PARALLEL_CHECK: usize = 1 << 16;

/// Code bytes per facility: precision, status, getting-in flags.
pub(crate) const CODES: usize = 3;

/// Three yes/no/unknown flags in a byte, two bits each: 0 unknown, 1 no, 2 yes.
pub(crate) fn flags_code(flags: [Option<bool>; 3]) -> u8 {
    flags
        .iter()
        .enumerate()
        .map(|(which, flag)| match flag {
            None => 0,
            Some(false) => 1 << (2 * which),
            Some(true) => 2 << (2 * which),
        })
        .sum()
}

pub(crate) fn flag_of(code: u8, which: u32) -> Option<bool> {
    match code >> (2 * which) & 3 {
        1 => Some(false),
        2 => Some(true),
        _ => None,
    }
}

pub(crate) fn precision_of(code: u8) -> Option<Precision> {
    match code {
        0 => Some(Precision::Point),
        1 => Some(Precision::Zip),
        _ => None,
    }
}

pub(crate) fn precision_code(precision: Precision) -> u8 {
    match precision {
        Precision::Point => 0,
        Precision::Zip => 1,
    }
}

pub(crate) fn status_of(code: u8) -> Option<Status> {
    match code {
        0 => Some(Status::Active),
        1 => Some(Status::TemporarilyClosed),
        2 => Some(Status::Closed),
        _ => None,
    }
}

pub(crate) fn status_code(status: Status) -> u8 {
    match status {
        Status::Active => 0,
        Status::TemporarilyClosed => 1,
        Status::Closed => 2,
    }
}

pub(crate) fn date_of_days(days: i32) -> Option<jiff::civil::Date> {
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().try_days(days).ok()?)
        .ok()
}

fn invalid(id: &str, reason: String) -> Error {
    Error::InvalidFacility {
        id: id.to_string(),
        reason,
    }
}

/// Refuses an empty id, and an id used twice (the ids come sorted).
fn check_ids<'a>(mut ids: impl Iterator<Item = (&'a str, &'a str)>) -> Result<(), Error> {
    let mut previous: Option<&str> = None;
    ids.try_for_each(|(id, name)| {
        if id.trim().is_empty() {
            return Err(invalid(
                id,
                format!("the facility named {name:?} has an empty id"),
            ));
        }
        if previous == Some(id) {
            return Err(invalid(
                id,
                "the id is used by more than one facility".into(),
            ));
        }
        previous = Some(id);
        Ok(())
    })
}

/// Appends facilities to the columns, in the order given (a loader's input order), then
/// sorts them by id.
#[derive(Default, PartialEq)]
pub(crate) struct Builder {
    text: String,
    ends: Vec<u32>,
    services_text: String,
    service_ends: Vec<u32>,
    services_end: Vec<u32>,
    lat: Vec<f64>,
    lon: Vec<f64>,
    masks: Vec<u64>,
    codes: Vec<u8>,
    verified: Vec<i32>,
    /// Whether some id came not strictly after the one before it: only then does
    /// [`Builder::finish_sorted`] sort and look for repeats. Files usually come sorted, and
    /// comparing each id with the last one, still in cache, costs next to nothing, where
    /// finding it out afterwards reads every id again from the arena.
    out_of_order: bool,
    /// Whether some id is blank, which [`Builder::finish_sorted`] refuses.
    blank_id: bool,
}

impl Builder {
    fn with_capacity(facilities: &[Facility]) -> Self {
        let count = facilities.len();
        let text: usize = facilities
            .iter()
            .map(|f| {
                Field::ALL
                    .iter()
                    .map(|field| Field::of(f, *field).len())
                    .sum::<usize>()
            })
            .sum();
        let services: usize = facilities.iter().map(|f| f.services.len()).sum();
        Builder {
            text: String::with_capacity(text),
            ends: Vec::with_capacity(count * TEXT_FIELDS),
            services_text: String::new(),
            service_ends: Vec::with_capacity(services),
            services_end: Vec::with_capacity(count),
            lat: Vec::with_capacity(count),
            lon: Vec::with_capacity(count),
            masks: Vec::with_capacity(count * MASKS),
            codes: Vec::with_capacity(count * CODES),
            verified: Vec::with_capacity(count),
            out_of_order: false,
            blank_id: false,
        }
    }

    /// How many facilities are in.
    pub(crate) fn len(&self) -> usize {
        self.lat.len()
    }

    /// Empties the builder and keeps its memory for the next facilities: a loader's thread
    /// fills one builder a block, and one made afresh for each block had the kernel zero
    /// its pages again as it grew (a third of a million-row load's system time).
    ///
    /// (A test holds a cleared builder equal to a new one, so that a column added later
    /// is not left out here.)
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.services_text.clear();
        for column in [
            &mut self.ends,
            &mut self.service_ends,
            &mut self.services_end,
        ] {
            column.clear();
        }
        self.lat.clear();
        self.lon.clear();
        self.masks.clear();
        self.codes.clear();
        self.verified.clear();
        self.out_of_order = false;
        self.blank_id = false;
    }

    /// The id of facility number `at`.
    pub(crate) fn id(&self, at: u32) -> &[u8] {
        let span = slice_span(&self.ends, at as usize * TEXT_FIELDS);
        self.text.as_bytes().get(span).unwrap_or_default()
    }

    /// The id of the facility pushed last.
    fn last_id(&self) -> Option<&[u8]> {
        let last = self.len().checked_sub(1)?;
        Some(self.id(last as u32))
    }

    /// Notes how `id`, about to be pushed, stands to the ids before it.
    fn note_id(&mut self, id: &str) {
        self.blank_id |= id.trim().is_empty();
        self.out_of_order |= self.last_id().is_some_and(|last| id.as_bytes() <= last);
    }

    /// Appends a facility; fails, leaving the builder to be dropped, when the store would
    /// outgrow its 32-bit offsets (4 GiB of text, `u32::MAX` services or facilities).
    pub(crate) fn push(&mut self, facility: FacilityRef<'_>) -> Result<(), Error> {
        let end_of = |len: usize| {
            u32::try_from(len).map_err(|_| {
                invalid(
                    facility.id(),
                    "a store holds at most 4 GiB of text, and u32::MAX services and facilities"
                        .into(),
                )
            })
        };
        end_of(self.len() + 1)?;
        self.note_id(facility.id());
        for field in Field::ALL {
            self.text.push_str(facility.text(field));
            self.ends.push(end_of(self.text.len())?);
        }
        for service in facility.services() {
            self.services_text.push_str(service);
            self.service_ends.push(end_of(self.services_text.len())?);
        }
        self.services_end.push(end_of(self.service_ends.len())?);
        let location = facility.location();
        self.lat.push(location.lat());
        self.lon.push(location.lon());
        self.masks.extend([
            facility.care().bits(),
            facility.payment().bits(),
            facility.ages().bits(),
            facility.populations().bits(),
            facility.languages().bits(),
            facility.medications().bits(),
            facility.kinds().bits(),
            facility.mh_types().bits(),
            facility.credentials().bits(),
        ]);
        self.codes.push(precision_code(facility.precision()));
        self.codes.push(status_code(facility.status()));
        self.codes.push(flags_code([
            facility.same_day_medication(),
            facility.counseling_required(),
            facility.telehealth_intake(),
        ]));
        self.verified
            .push(facility.verified().map_or(i32::MIN, days_of));
        Ok(())
    }

    /// Appends facilities `run` of `other` (a builder a loader filled on another thread),
    /// copying each column as one slice; fails as [`Builder::push`] does.
    pub(crate) fn append_from(
        &mut self,
        other: &Builder,
        run: std::ops::Range<u32>,
    ) -> Result<(), Error> {
        let (first, last) = (run.start as usize, (run.end as usize).min(other.len()));
        if first >= last {
            return Ok(());
        }
        let overflow = || {
            let id = String::from_utf8_lossy(other.id(run.start)).into_owned();
            let limits =
                "a store holds at most 4 GiB of text, and u32::MAX services and facilities";
            invalid(&id, limits.into())
        };
        if u32::try_from(self.len() + (last - first)).is_err() {
            return Err(overflow());
        }
        self.out_of_order |=
            other.out_of_order || self.last_id().is_some_and(|id| other.id(run.start) <= id);
        self.blank_id |= other.blank_id;
        let fields = first * TEXT_FIELDS..last * TEXT_FIELDS;
        append_run(
            &other.text,
            &other.ends,
            fields,
            &mut self.text,
            &mut self.ends,
        )
        .ok_or_else(overflow)?;
        // Each facility's services end where its services end in `service_ends`, so the
        // ends move by where the run's services start there and here.
        let services = slice_span(&other.services_end, first).start
            ..slice_span(&other.services_end, last - 1).end;
        let (from, to) = (services.start, self.service_ends.len());
        let (services_text, service_ends) = (&mut self.services_text, &mut self.service_ends);
        append_run(
            &other.services_text,
            &other.service_ends,
            services,
            services_text,
            service_ends,
        )
        .ok_or_else(overflow)?;
        u32::try_from(self.service_ends.len()).map_err(|_| overflow())?;
        let services_end = other.services_end.get(first..last).unwrap_or_default();
        self.services_end.extend(
            services_end
                .iter()
                .map(|end| ((*end as usize).saturating_sub(from) + to) as u32),
        );
        let facilities = first..last;
        extend_run(&mut self.lat, &other.lat, &facilities, 1);
        extend_run(&mut self.lon, &other.lon, &facilities, 1);
        extend_run(&mut self.masks, &other.masks, &facilities, MASKS);
        extend_run(&mut self.codes, &other.codes, &facilities, CODES);
        extend_run(&mut self.verified, &other.verified, &facilities, 1);
        Ok(())
    }

    /// The columns as a store, in the order the facilities came.
    fn finish(self) -> FacilityStore {
        FacilityStore {
            text: Text::Owned(self.text),
            ends: Column::Owned(self.ends),
            services_text: Text::Owned(self.services_text),
            service_ends: Column::Owned(self.service_ends),
            services_end: Column::Owned(self.services_end),
            lat: Column::Owned(self.lat),
            lon: Column::Owned(self.lon),
            masks: Column::Owned(self.masks),
            codes: Column::Owned(self.codes),
            verified: Column::Owned(self.verified),
            schedules: Arc::default(),
            slots: Arc::default(),
        }
    }

    /// The store, sorted by id (files usually come sorted, which is checked first), with
    /// the first facility pushed under each id and without the later ones, which are
    /// given back as repeats; its ids are checked as [`FacilityStore::new`] checks them.
    ///
    /// A loader checks its ids here, in one sort it needs anyway, rather than looking
    /// each one up in a table as it goes (a cache miss a row, on the one thread that keeps
    /// the rows in order).
    pub(crate) fn finish_sorted(self) -> Result<(FacilityStore, Vec<Repeat>), Error> {
        let blank_id = self.blank_id;
        if !(self.out_of_order || blank_id) {
            return Ok((self.finish(), Vec::new()));
        }
        let unsorted = self.finish();
        let id = |position: u32| unsorted.field_bytes(position, Field::Id);
        let (order, repeats) = id_order(unsorted.len() as u32, id);
        let store = match order {
            None => unsorted,
            Some(order) => unsorted.permuted(&order),
        };
        // Repeats are gone, so only a blank id is left to refuse.
        if blank_id {
            check_ids(store.iter().map(|f| (f.id(), f.name())))?;
        }
        Ok((store, repeats))
    }

    /// The facilities pushed so far under an id pushed before them, as
    /// [`Builder::finish_sorted`] would give them back.
    pub(crate) fn repeats(&self) -> Vec<Repeat> {
        id_order(self.len() as u32, |position| self.id(position)).1
    }

    /// The facilities back out, in the order they came.
    pub(crate) fn into_facilities(self) -> Vec<Facility> {
        self.finish().to_facilities()
    }
}

/// Appends the texts that end at `ends[run]` (a run of `text`, back to back) to `to_text`,
/// and where each ends there to `to_ends`: how a facility's fields or services move from
/// one arena to another as one slice. `None`, appending nothing, when an end would not fit
/// in 32 bits (ends never decrease, so the last is the largest).
fn append_run(
    text: &str,
    ends: &[u32],
    run: std::ops::Range<usize>,
    to_text: &mut String,
    to_ends: &mut Vec<u32>,
) -> Option<()> {
    let start = slice_span(ends, run.start).start;
    let run_ends = ends.get(run).unwrap_or_default();
    let end = run_ends.last().map_or(start, |end| *end as usize);
    let shift = |end: &u32| (*end as usize).saturating_sub(start) + to_text.len();
    u32::try_from(run_ends.last().map_or(0, shift)).ok()?;
    to_ends.extend(run_ends.iter().map(|end| shift(end) as u32));
    to_text.push_str(text.get(start..end).unwrap_or_default());
    Some(())
}

/// Appends the `width` values of each of `facilities` in `from` to `to`.
fn extend_run<T: Copy>(
    to: &mut Vec<T>,
    from: &[T],
    facilities: &std::ops::Range<usize>,
    width: usize,
) {
    to.extend_from_slice(
        from.get(facilities.start * width..facilities.end * width)
            .unwrap_or_default(),
    );
}

/// A facility pushed under an id that an earlier one has: where each was pushed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Repeat {
    pub(crate) id: String,
    pub(crate) position: u32,
    pub(crate) first: u32,
}

/// The positions `0..count` by id, ties in position order, without the repeats of an id,
/// and those repeats; the order is `None` when it is `0..count` itself.
fn id_order<'a>(
    count: u32,
    id: impl Fn(u32) -> &'a [u8] + Sync,
) -> (Option<Vec<u32>>, Vec<Repeat>) {
    let sorted = (1..count).all(|position| id(position - 1) <= id(position));
    let mut keys: Vec<(u64, u32)> = if sorted {
        (0..count).map(|p| (0, p)).collect()
    } else {
        // By compact keys (the id's first eight bytes, then the position), which settle
        // most comparisons without reading the arena.
        let mut keys: Vec<(u64, u32)> = (0..count).map(|p| (id_prefix(id(p)), p)).collect();
        keys.par_sort_unstable_by(|a, b| {
            (a.0.cmp(&b.0))
                .then_with(|| id(a.1).cmp(id(b.1)))
                .then(a.1.cmp(&b.1))
        });
        keys
    };
    let mut repeats = Vec::new();
    // Ids whose first eight bytes differ differ: the arena, where the ids lie in scattered
    // order once sorted, is read only for ids that share them (or, sorted, for all).
    keys.dedup_by(|(later_prefix, later), (first_prefix, first)| {
        let repeated = later_prefix == first_prefix && id(*later) == id(*first);
        if repeated {
            repeats.push(Repeat {
                id: String::from_utf8_lossy(id(*later)).into_owned(),
                position: *later,
                first: *first,
            });
        }
        repeated
    });
    let order = match sorted && repeats.is_empty() {
        true => None,
        false => Some(keys.into_iter().map(|(_, position)| position).collect()),
    };
    (order, repeats)
}

/// An id's first eight bytes as a number that orders as the ids do.
fn id_prefix(id: &[u8]) -> u64 {
    let mut bytes = [0; 8];
    let len = id.len().min(8);
    bytes[..len].copy_from_slice(&id[..len]);
    u64::from_be_bytes(bytes)
}

/// Sorts facilities by id. Files usually come sorted, which is checked first; otherwise the
/// sort runs over compact keys (the id's first eight bytes, then the position) rather than
/// over records of several hundred bytes scattered in memory, and the records are then
/// moved once each, in place, by following the cycles of the order.
pub(crate) fn sort_by_id(facilities: &mut [Facility]) {
    if facilities.is_sorted_by(|a, b| a.id <= b.id) {
        return;
    }
    let mut order: Vec<(u64, u32)> = facilities
        .iter()
        .zip(0..)
        .map(|(facility, position)| (id_prefix(facility.id.as_bytes()), position))
        .collect();
    let id = |position: u32| facilities[position as usize].id.as_str();
    order.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id(a.1).cmp(id(b.1))));
    let mut source: Vec<u32> = order.into_iter().map(|(_, position)| position).collect();
    for start in 0..source.len() {
        let mut slot = start;
        loop {
            let from = source[slot] as usize;
            source[slot] = slot as u32;
            if from == start || from == slot {
                break;
            }
            facilities.swap(slot, from);
            slot = from;
        }
    }
}

/// The facilities of a [`FacilityStore`] (or an [`Index`](crate::Index)), in id order.
///
/// ```
/// use carefind::Index;
///
/// let index = Index::sample();
/// let mut facilities = index.facilities();
/// assert_eq!(facilities.len(), index.len());
/// assert_eq!(facilities.next().map(|f| f.position()), Some(0));
/// ```
#[derive(Clone, Debug)]
pub struct Facilities<'a> {
    store: &'a FacilityStore,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Facilities<'a> {
    type Item = FacilityRef<'a>;

    fn next(&mut self) -> Option<FacilityRef<'a>> {
        (self.next < self.end).then(|| {
            self.next += 1;
            FacilityRef::stored(self.store, self.next - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.end - self.next) as usize;
        (left, Some(left))
    }

    fn nth(&mut self, n: usize) -> Option<FacilityRef<'a>> {
        self.next = self
            .next
            .saturating_add(u32::try_from(n).unwrap_or(u32::MAX))
            .min(self.end);
        self.next()
    }
}

impl DoubleEndedIterator for Facilities<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        (self.next < self.end).then(|| {
            self.end -= 1;
            FacilityRef::stored(self.store, self.end)
        })
    }
}

impl ExactSizeIterator for Facilities<'_> {}

impl std::iter::FusedIterator for Facilities<'_> {}

impl<'a> IntoIterator for &'a FacilityStore {
    type Item = FacilityRef<'a>;
    type IntoIter = Facilities<'a>;

    fn into_iter(self) -> Facilities<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CareSet;

    #[test]
    fn facilities_are_sorted_by_id_whatever_the_input_order() {
        let ids = [
            "b",
            "a",
            "abcdefghij",
            "abcdefghi",
            "",
            "zz",
            "abcdefgh",
            "c",
            "a0",
        ];
        for rotation in 0..ids.len() {
            let mut facilities: Vec<Facility> = ids
                .iter()
                .cycle()
                .skip(rotation)
                .take(ids.len())
                .map(|id| Facility::new(*id, "F", LatLon::new(0.0, 0.0).unwrap()))
                .collect();
            sort_by_id(&mut facilities);
            let mut expected = ids.to_vec();
            expected.sort_unstable();
            let sorted: Vec<&str> = facilities.iter().map(|f| f.id.as_str()).collect();
            assert_eq!(sorted, expected);
        }
    }

    #[test]
    fn every_field_reads_back_as_stored() {
        let mut facility = Facility::new("ü-1", "Ünïcode", LatLon::new(-89.5, 179.9).unwrap());
        facility.services = vec!["".into(), "12-step".into(), "groups".into()];
        facility.care = "detox;iop".parse().unwrap();
        facility.precision = Precision::Zip;
        facility.status = Status::TemporarilyClosed;
        facility.verified = Some(jiff::civil::date(2024, 2, 29));
        facility.source = "test".into();
        let plain = Facility::new("a", "A", LatLon::new(0.0, 0.0).unwrap());
        let store = FacilityStore::new(vec![facility.clone(), plain.clone()]).unwrap();
        store.check().unwrap();
        assert_eq!(store.to_facilities(), [plain, facility]);
    }

    #[test]
    fn a_store_built_in_any_order_is_the_store_sorted_by_id() {
        let facilities: Vec<Facility> = [("c", 2), ("a", 0), ("d", 3), ("b", 1)]
            .into_iter()
            .map(|(id, services)| {
                let mut facility =
                    Facility::new(id, id.to_uppercase(), LatLon::new(1.0, 2.0).unwrap());
                facility.services = (0..services).map(|n| format!("{id}{n}")).collect();
                facility.care = CareSet::from_bits(services as u64 + 1).unwrap();
                facility
            })
            .collect();
        let mut builder = Builder::default();
        for facility in &facilities {
            builder.push(facility.view()).unwrap();
        }
        let (sorted, repeats) = builder.finish_sorted().unwrap();
        assert!(repeats.is_empty());
        sorted.check().unwrap();
        assert_eq!(sorted, FacilityStore::new(facilities).unwrap());
        let ids: Vec<&str> = sorted.iter().map(|f| f.id()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(
            sorted.get(3).unwrap().services().collect::<Vec<_>>(),
            ["d0", "d1", "d2"]
        );
    }

    /// The sample's first `count` facilities (at least 10), with empty and non-ASCII
    /// services, none, and a closed one placed by ZIP code among them.
    fn varied_facilities(count: usize) -> Vec<Facility> {
        let index = crate::Index::sample();
        let mut facilities: Vec<Facility> = index
            .facilities()
            .take(count)
            .map(|f| f.to_facility())
            .collect();
        facilities[3].services = vec!["".into(), "ü".into(), "".into()];
        facilities[7].services.clear();
        facilities[9].status = Status::Closed;
        facilities[9].precision = Precision::Zip;
        facilities
    }

    #[test]
    fn a_facility_copied_from_another_builder_is_the_facility_pushed() {
        let facilities = varied_facilities(40);
        let mut parts = [Builder::default(), Builder::default()];
        for (n, facility) in facilities.iter().enumerate() {
            parts[n % 2].push(facility.view()).unwrap();
        }
        // Interleaved back into input order, every other one from each part.
        let mut copied = Builder::default();
        for n in 0..facilities.len() {
            let at = (n / 2) as u32;
            copied.append_from(&parts[n % 2], at..at + 1).unwrap();
        }
        assert_eq!(copied.into_facilities(), facilities);
    }

    #[test]
    fn runs_copied_from_other_builders_are_the_facilities_pushed() {
        let mut facilities = varied_facilities(60);
        facilities[20].services.clear();
        // Runs of every length, empty ones too, each from a part that holds other
        // facilities before and after it: one part, cleared and filled again, as a
        // loader's thread uses it.
        let runs = [0, 1, 2, 0, 3, 5, 1, 8, 13, 21, 6];
        assert_eq!(runs.iter().sum::<usize>(), facilities.len());
        let mut copied = Builder::default();
        let mut part = Builder::default();
        let mut start = 0;
        for (n, length) in runs.into_iter().enumerate() {
            part.clear();
            assert!(part == Builder::default(), "a cleared builder is a new one");
            let before = n % 3;
            for facility in facilities.iter().cycle().skip(start + 7).take(before) {
                part.push(facility.view()).unwrap();
            }
            for facility in &facilities[start..start + length] {
                part.push(facility.view()).unwrap();
            }
            part.push(facilities[0].view()).unwrap();
            let first = before as u32;
            copied
                .append_from(&part, first..first + length as u32)
                .unwrap();
            start += length;
        }
        assert_eq!(copied.len(), facilities.len());
        assert_eq!(copied.into_facilities(), facilities);
    }

    #[test]
    fn ids_out_of_order_or_blank_are_noted_as_they_come() {
        let here = LatLon::new(1.0, 2.0).unwrap();
        let builder = |ids: &[&str]| {
            let mut builder = Builder::default();
            for id in ids {
                builder.push(Facility::new(*id, "F", here).view()).unwrap();
            }
            builder
        };
        let sorted = builder(&["a", "ab", "b"]);
        assert!(!sorted.out_of_order && !sorted.blank_id);
        assert!(builder(&["a", "b", "b"]).out_of_order);
        assert!(builder(&["b", "a"]).out_of_order);
        assert!(builder(&["a", "\u{a0}"]).blank_id);
        // A run after the ids already in: in order only when it starts after the last.
        let mut joined = builder(&["a", "b"]);
        joined
            .append_from(&builder(&["a", "c", "d"]), 1..3)
            .unwrap();
        assert!(!joined.out_of_order);
        joined.append_from(&builder(&["c"]), 0..1).unwrap();
        assert!(joined.out_of_order);
        let error = builder(&["a", " "]).finish_sorted().unwrap_err();
        assert!(error.to_string().contains("empty id"), "{error}");
    }

    #[test]
    fn the_first_facility_pushed_under_an_id_is_kept_and_the_rest_given_back() {
        let pushed = ["b", "a", "b", "c", "a", "b"];
        for sorted_input in [false, true] {
            let mut ids = pushed.to_vec();
            if sorted_input {
                ids.sort_unstable();
            }
            let mut builder = Builder::default();
            for (n, id) in ids.iter().enumerate() {
                let name = format!("{id}{n}");
                let facility = Facility::new(*id, name, LatLon::new(0.0, 0.0).unwrap());
                builder.push(facility.view()).unwrap();
            }
            let mut expected: Vec<Repeat> = Vec::new();
            for (n, id) in ids.iter().enumerate() {
                if let Some(first) = ids[..n].iter().position(|earlier| earlier == id) {
                    let (position, first) = (n as u32, first as u32);
                    expected.push(Repeat {
                        id: id.to_string(),
                        position,
                        first,
                    });
                }
            }
            let mut repeats = builder.repeats();
            repeats.sort_by_key(|repeat| repeat.position);
            assert_eq!(repeats, expected);
            let (store, mut repeats) = builder.finish_sorted().unwrap();
            repeats.sort_by_key(|repeat| repeat.position);
            assert_eq!(repeats, expected);
            let kept: Vec<String> = store.iter().map(|f| f.name().to_string()).collect();
            let first_of = |id: &str| ids.iter().position(|other| *other == id).unwrap();
            let expected_names: Vec<String> = ["a", "b", "c"]
                .iter()
                .map(|id| format!("{id}{}", first_of(id)))
                .collect();
            assert_eq!(kept, expected_names);
        }
    }

    #[test]
    fn empty_ids_are_refused() {
        let facility = Facility::new(" ", "Blank", LatLon::new(0.0, 0.0).unwrap());
        let error = FacilityStore::new(vec![facility]).unwrap_err().to_string();
        assert!(error.contains("empty id"), "{error}");
    }
}
