//! The committed sample is exactly what the generator makes, and obviously fictitious.

#[allow(dead_code)]
#[path = "../../examples/generate_sample.rs"]
mod generate_sample;

use carefind::{CareLevel, Index, save};

#[test]
fn the_committed_sample_is_what_the_generator_makes() {
    let mut regenerated = Vec::new();
    save::to_writer(&mut regenerated, "memory", &generate_sample::generate()).unwrap();
    let committed = carefind::sample::CSV;
    assert!(
        regenerated == committed.as_bytes(),
        "datasets/sample.csv differs from the generator's output: run `cargo run --example generate_sample`"
    );
}

#[test]
fn the_committed_availability_feed_is_what_the_generator_makes() {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(carefind::availability::feed::COLUMNS)
        .unwrap();
    for update in generate_sample::availability(&generate_sample::generate()) {
        writer
            .write_record(carefind::availability::feed::row(&update))
            .unwrap();
    }
    let regenerated = writer.into_inner().unwrap();
    let committed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/sample-availability.csv"
    ))
    .unwrap();
    assert!(
        regenerated == committed,
        "datasets/sample-availability.csv differs from the generator's output: run `cargo run --example generate_sample`"
    );
}

#[test]
fn the_sample_is_fictitious_and_of_the_promised_size() {
    assert!(carefind::sample::CSV.len() <= 3 * 1024 * 1024);
    let index = Index::sample();
    assert!((5_000..=20_000).contains(&index.len()), "{}", index.len());
    for f in index.facilities() {
        assert!(f.name().starts_with("Sample "), "{}", f.name());
        assert!(
            f.website().starts_with("https://example.org/"),
            "{}",
            f.website()
        );
        for phone in [f.phone(), f.intake_phone()]
            .into_iter()
            .filter(|p| !p.is_empty())
        {
            assert!(phone.contains("-555-01") && phone.len() == 12, "{phone}");
        }
    }
}

#[test]
fn the_sample_mixes_levels_like_the_real_directory() {
    let index = Index::sample();
    let share = |level: CareLevel| index.count_offering(level) as f64 / index.len() as f64;
    let detox = index
        .facilities()
        .filter(|f| f.care().intersects("detox".parse().unwrap()))
        .count() as f64
        / index.len() as f64;
    let most_common = CareLevel::ALL
        .iter()
        .max_by_key(|l| index.count_offering(**l))
        .unwrap();
    assert_eq!(*most_common, CareLevel::Outpatient);
    assert!((0.35..0.45).contains(&share(CareLevel::Iop)));
    assert!((0.15..0.25).contains(&detox));
    assert!((0.07..0.13).contains(&share(CareLevel::Otp)));
    assert!((0.07..0.13).contains(&share(CareLevel::SoberLiving)));
    assert!(share(CareLevel::HospitalInpatient) < 0.03);
}
