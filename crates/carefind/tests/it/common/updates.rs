//! Availability updates for the store's tests, the same for every backend.

use carefind::CareLevel;
use carefind::availability::Update;
use jiff::Timestamp;

/// An update of `id` (at `care`, or the whole facility) with `beds` open, true `minute`
/// minutes into a fixed day.
pub fn update(id: &str, care: Option<CareLevel>, minute: i64, beds: u32) -> Update {
    let mut update = Update::new(
        id,
        Timestamp::from_second(1_780_000_000 + minute * 60).unwrap(),
    );
    update.care = care;
    update.beds_available = Some(beds);
    update
}

/// Updates from random rows (facility, level, minute, beds, ways in), every field a
/// report may state stated or not.
pub fn updates_of(rows: &[(usize, Option<usize>, i64, u32, usize)]) -> Vec<Update> {
    let levels = [CareLevel::Iop, CareLevel::Otp, CareLevel::SoberLiving];
    let walk_ins = [
        None,
        Some("yes"),
        Some("no"),
        Some("Mo-Fr 08:00-11:00; PH off"),
    ];
    rows.iter()
        .map(|(id, care, minute, beds, ways)| {
            let mut update = update(&format!("f{id}"), care.map(|c| levels[c]), *minute, *beds);
            update.walk_in = walk_ins[*ways].map(|text| text.parse().unwrap());
            update.same_day_medication = (*beds % 3 != 0).then_some(*beds % 2 == 0);
            update.counseling_required = (*ways % 2 == 1).then_some(*beds > 4);
            update.telehealth_intake = (*minute % 3 == 0).then_some(*ways == 0);
            update.accepting = (*beds % 4 != 0).then_some(*beds > 2);
            update.wait_days = (*ways == 2).then_some(*beds);
            update
        })
        .collect()
}
