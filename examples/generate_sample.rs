//! Regenerates datasets/sample.csv, the embedded sample of fictitious facilities (and
//! datasets/sample.snap, its snapshot, which the library embeds), and
//! datasets/sample-availability.csv, a fictitious availability feed for it.
//!
//! ```text
//! cargo run --example generate_sample            # writes both into datasets/
//! cargo run --example generate_sample -- out.csv # writes the facilities elsewhere
//! cargo run --release --example generate_sample -- /tmp/1m.csv 1000000 # more rows, for benchmarks
//! ```
//!
//! The output depends only on SEED, COUNT and the ZIP table of the pinned `zipcodes`
//! crate: the generator has its own small random number generator, so no crate update can
//! change the file. A test regenerates both files and compares.
//!
//! The feed's reports are true at times up to four days before AS_OF (2026-06-01 12:00
//! UTC), so judged at that instant (`--as-of 2026-06-01T12:00:00Z`) about a quarter of
//! them are older than the default 72 hours and count as unknown.

use carefind::availability::{Update, feed};
use carefind::{CareLevel, Facility, LatLon, save};

const SEED: u64 = 0x5A3D_1E00_CA2E_F14D;
const COUNT: usize = 8_000;
/// The instant the fictitious feed is as of.
pub const AS_OF: &str = "2026-06-01T12:00:00Z";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/sample.csv").to_string());
    let count = match std::env::args().nth(2) {
        Some(count) => count.parse()?,
        None => COUNT,
    };
    let facilities = generate_n(count);
    save::to_path(&path, &facilities)?;
    eprintln!("wrote {} fictitious facilities to {path}", facilities.len());
    if std::env::args().nth(1).is_none() {
        // The embedded snapshot is of the CSV as read back, as the library will read it.
        let csv = std::fs::read(&path)?;
        let parsed = carefind::load::native::from_slice(
            &csv,
            &path,
            &carefind::load::LoadOptions::strict(),
        )?;
        let store = carefind::FacilityStore::new(parsed.facilities)?;
        let snapshot = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/sample.snap");
        carefind::snapshot::to_path(snapshot, &store)?;
        eprintln!("wrote the snapshot of the sample to {snapshot}");
        let feed = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/datasets/sample-availability.csv"
        );
        let mut writer = csv::Writer::from_path(feed)?;
        writer.write_record(feed::COLUMNS)?;
        let updates = availability(&facilities);
        for update in &updates {
            writer.write_record(feed::row(update))?;
        }
        writer.flush()?;
        eprintln!(
            "wrote {} fictitious availability reports to {feed}",
            updates.len()
        );
    }
    Ok(())
}

/// The levels a facility keeps beds for, reported level by level in the feed.
const BED_LEVELS: [CareLevel; 5] = [
    CareLevel::HospitalDetox,
    CareLevel::ResidentialDetox,
    CareLevel::ResidentialShort,
    CareLevel::ResidentialLong,
    CareLevel::SoberLiving,
];

/// The fictitious feed: for about a third of the facilities, a report for the whole
/// facility (accepting, wait; for a quarter of those, ways in as staff keep them) and one
/// per level with beds, true up to 96 hours before AS_OF. Drawn from streams of their
/// own, so the facilities stay as they were.
pub fn availability(facilities: &[Facility]) -> Vec<Update> {
    let as_of: jiff::Timestamp = AS_OF.parse().expect("a time");
    let mut rng = SplitMix64(SEED ^ 0xA7A1_1AB1_E000_0001);
    let mut ways = SplitMix64(SEED ^ 0x3A75_0F1A_0000_0002);
    let mut updates = Vec::new();
    for facility in facilities {
        if !rng.chance(0.35) {
            continue;
        }
        let at = |rng: &mut SplitMix64| {
            let seconds = rng.below(96 * 3600) as i64;
            as_of - jiff::SignedDuration::from_secs(seconds - seconds % 60)
        };
        let mut whole = Update::new(&facility.id, at(&mut rng));
        whole.accepting = Some(rng.chance(0.75));
        whole.wait_days = Some(if whole.accepting == Some(true) {
            rng.below(15)
        } else {
            14 + rng.below(60)
        } as u32);
        if ways.chance(0.25) {
            reported_ways_in(facility, &mut whole, &mut ways);
        }
        updates.push(whole);
        for level in BED_LEVELS
            .into_iter()
            .filter(|level| facility.care.contains(*level))
        {
            let total = 4 + rng.below(36) as u32;
            let mut beds = Update::new(&facility.id, at(&mut rng));
            beds.care = Some(level);
            beds.beds_total = Some(total);
            beds.beds_available = Some(
                if rng.chance(0.4) {
                    0
                } else {
                    1 + rng.below(total as usize) as u32
                }
                .min(total),
            );
            beds.accepting = Some(beds.beds_available > Some(0));
            updates.push(beds);
        }
    }
    updates
}

/// Ways in a facility's staff report: walk-in intake (by hours at outpatient programs),
/// and for programs that give medication, whether it can start on the first visit and
/// whether counseling is required for it.
fn reported_ways_in(facility: &Facility, report: &mut Update, rng: &mut SplitMix64) {
    let outpatient = [CareLevel::Otp, CareLevel::Outpatient, CareLevel::Iop]
        .iter()
        .any(|level| facility.care.contains(*level));
    report.walk_in = Some(match (outpatient, rng.below(3)) {
        (true, 0) => {
            carefind::hours::WalkIn::Hours("Mo-Fr 08:00-11:00; PH off".parse().expect("hours"))
        }
        (_, 1) => carefind::hours::WalkIn::No,
        _ => carefind::hours::WalkIn::Yes,
    });
    if facility.care.contains(CareLevel::Otp) || !facility.medications.is_empty() {
        report.same_day_medication = Some(rng.chance(0.6));
        report.counseling_required = Some(rng.chance(0.3));
    }
    report.telehealth_intake = Some(rng.chance(0.5));
}

/// The sample's listings as of AS_OF: verified within the two years before, by the
/// fictitious directory that is their source. Drawn from a stream of its own.
fn listing(n: usize, facility: &mut Facility) {
    let mut rng = SplitMix64(SEED ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let as_of = jiff::civil::date(2026, 6, 1);
    facility.verified = Some(as_of - jiff::Span::new().days(rng.below(730) as i64));
    facility.source = "sample 2026-06".into();
    // Fictitious credentials, about as common as in the 2022 directory: most programs
    // licensed by the state agency, a third accredited by CARF, a quarter by The Joint
    // Commission; OTPs certified by SAMHSA and registered with the DEA.
    use carefind::Credential::*;
    for (chance, credential) in [
        (0.8, StateSudAgency),
        (0.32, Carf),
        (0.23, JointCommission),
        (0.09, Fqhc),
        (0.03, Coa),
    ] {
        if rng.chance(chance) {
            facility.credentials.insert(credential);
        }
    }
    if facility.care.contains(CareLevel::Otp) {
        facility.credentials.insert(SamhsaOtp);
        facility.credentials.insert(Dea);
    }
}

/// Fictitious hours and ways in: round-the-clock care open 24/7, the rest on weekday
/// hours (some late, some on Saturdays), about half the IOPs in the evenings (their own
/// hours), and one listing in seven with no hours at all, as in real directories. Walk-in
/// intake, medication at the first visit and counseling requirements are stated by some
/// listings only. Drawn from a stream of its own.
fn getting_in(n: usize, facility: &mut Facility) {
    use carefind::Medication;
    let mut rng = SplitMix64(SEED ^ 0xC0FF_EE00 ^ (n as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let care = facility.care;
    let round_the_clock = [
        CareLevel::HospitalDetox,
        CareLevel::ResidentialDetox,
        CareLevel::HospitalInpatient,
        CareLevel::ResidentialShort,
        CareLevel::ResidentialLong,
        CareLevel::SoberLiving,
    ];
    if !rng.chance(1.0 / 7.0) {
        facility.hours = if round_the_clock.iter().any(|level| care.contains(*level)) {
            "24/7".into()
        } else if care.contains(CareLevel::Otp) {
            "Mo-Fr 05:30-14:00; Sa-Su 07:00-11:00".into()
        } else {
            [
                "Mo-Fr 08:00-17:00; PH off",
                "Mo-Fr 09:00-20:00; Sa 09:00-13:00; PH off",
                "Mo-Th 08:00-21:00; Fr 08:00-17:00; PH off",
                "Mo-Fr 08:30-16:30; PH off",
            ][rng.below(4)]
            .into()
        };
        if care.contains(CareLevel::Iop) && rng.chance(0.5) {
            let evenings = [
                "Mo,We,Th 18:00-21:00; PH off",
                "Tu,We,Th 17:30-20:30; PH off",
                "Mo-Th 18:00-21:00; PH off",
            ][rng.below(3)];
            facility.level_hours = format!(r#"{{"iop":"{evenings}"}}"#);
        }
        facility.timezone = carefind::hours::zone_name_at(facility.location).into();
    }
    let outpatient = care.contains(CareLevel::Otp)
        || care.contains(CareLevel::Outpatient)
        || care.contains(CareLevel::Iop);
    if outpatient && !facility.hours.is_empty() {
        facility.walk_in = match rng.below(10) {
            0..=2 => "yes".into(),
            3 if care.contains(CareLevel::Otp) => "Mo-Fr 06:00-10:00".into(),
            3 => "Mo-Fr 08:00-11:00".into(),
            4..=5 => "no".into(),
            _ => String::new(),
        };
    }
    let opioid_medication = [
        Medication::Methadone,
        Medication::Buprenorphine,
        Medication::BuprenorphineNaloxone,
    ]
    .iter()
    .any(|medication| facility.medications.contains(*medication));
    if opioid_medication {
        facility.same_day_medication = [Some(true), Some(false), None][rng.below(3)];
        facility.counseling_required = [Some(true), Some(false), None, None][rng.below(4)];
    }
    if care.contains(CareLevel::Telehealth) {
        facility.telehealth_intake = [Some(true), Some(true), None][rng.below(3)];
    }
}

/// The sample's facilities, in id order.
pub fn generate() -> Vec<Facility> {
    generate_n(COUNT)
}

/// `count` facilities made the same way; the first ones are the sample's.
pub fn generate_n(count: usize) -> Vec<Facility> {
    let zips = zip_centroids();
    let mut rng = SplitMix64(SEED);
    (0..count)
        .map(|n| {
            let mut facility = facility(n, &zips[rng.below(zips.len())], &mut rng);
            listing(n, &mut facility);
            getting_in(n, &mut facility);
            facility
        })
        .collect()
}

struct Zip {
    zip: String,
    city: String,
    state: String,
    area_code: String,
    lat: f64,
    lon: f64,
}

/// Active standard ZIP codes of the states, DC and Puerto Rico, sorted by code.
fn zip_centroids() -> Vec<Zip> {
    let mut zips: Vec<Zip> = zipcodes::database()
        .iter()
        .filter(|z| z.active && z.zip_code_type == "STANDARD" && z.state.len() == 2)
        .filter(|z| {
            !["AS", "GU", "MP", "VI", "FM", "MH", "PW", "AA", "AE", "AP"]
                .contains(&z.state.as_str())
        })
        .filter_map(|z| {
            Some(Zip {
                zip: z.zip_code.clone(),
                city: z.city.clone(),
                state: z.state.clone(),
                area_code: z
                    .area_codes
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "800".into()),
                lat: z.lat.parse().ok()?,
                lon: z.long.parse().ok()?,
            })
        })
        .filter(|z| z.lat != 0.0 && LatLon::new(z.lat, z.lon).is_ok())
        .collect();
    zips.sort_by(|a, b| a.zip.cmp(&b.zip));
    zips
}

/// What kind of place a facility is; it decides the levels of care it offers.
fn care_levels(rng: &mut SplitMix64) -> (&'static str, Vec<&'static str>) {
    let mut care = Vec::new();
    let offer = |rng: &mut SplitMix64, p: f64, level: &'static str, care: &mut Vec<_>| {
        if rng.chance(p) {
            care.push(level);
        }
    };
    let roll = rng.unit();
    let kind = if roll < 0.08 {
        care.push("sober-living");
        "Sober Living House"
    } else if roll < 0.15 {
        care.push("otp");
        offer(rng, 0.5, "outpatient", &mut care);
        offer(rng, 0.3, "outpatient-detox", &mut care);
        offer(rng, 0.2, "iop", &mut care);
        "Opioid Treatment Program"
    } else if roll < 0.17 {
        care.extend(["hospital-detox", "hospital-inpatient"]);
        offer(rng, 0.4, "php", &mut care);
        offer(rng, 0.3, "iop", &mut care);
        "Hospital Behavioral Health Unit"
    } else if roll < 0.30 {
        care.push(if rng.chance(0.6) {
            "residential-short"
        } else {
            "residential-long"
        });
        offer(rng, 0.5, "residential-detox", &mut care);
        offer(rng, 0.3, "iop", &mut care);
        offer(rng, 0.2, "outpatient", &mut care);
        offer(rng, 0.15, "sober-living", &mut care);
        "Residential Recovery Center"
    } else {
        offer(rng, 0.9, "outpatient", &mut care);
        offer(rng, 0.5, "iop", &mut care);
        offer(rng, 0.15, "php", &mut care);
        offer(rng, 0.12, "outpatient-detox", &mut care);
        offer(rng, 0.04, "otp", &mut care);
        if care.is_empty() {
            care.push("iop");
        }
        [
            "Counseling Services",
            "Treatment Center",
            "Outpatient Clinic",
        ][rng.below(3)]
    };
    if kind != "Sober Living House" {
        offer(rng, 0.3, "telehealth", &mut care);
    }
    (kind, care)
}

fn facility(n: usize, zip: &Zip, rng: &mut SplitMix64) -> Facility {
    let id = format!("S{n:05}");
    // About 2 km around the ZIP centroid, rounded to 1e-5 degree (about 1 m).
    let lat = round5((zip.lat + (rng.unit() - 0.5) * 0.03).clamp(-90.0, 90.0));
    let lon = round5(
        (zip.lon + (rng.unit() - 0.5) * 0.03 / zip.lat.to_radians().cos()).clamp(-180.0, 180.0),
    );
    let location = LatLon::new(lat, lon).expect("jittered ZIP centroid is on the globe");
    let (kind, care) = care_levels(rng);
    let mut f = Facility::new(&id, format!("Sample {kind} {:04}", n % 10_000), location);
    if rng.chance(0.1) {
        f.name2 = format!("Sample Health Network {}", rng.below(40) + 1);
    }
    let streets = [
        "Sample Way",
        "Example Ave",
        "Placeholder Rd",
        "Fiction Blvd",
    ];
    f.street = format!(
        "{} {}",
        100 + rng.below(9900),
        streets[rng.below(streets.len())]
    );
    f.city = zip.city.clone();
    f.state = zip.state.clone();
    f.zip = zip.zip.clone();
    f.phone = format!("{}-555-01{:02}", zip.area_code, rng.below(100));
    if rng.chance(0.4) {
        f.intake_phone = format!("{}-555-01{:02}", zip.area_code, rng.below(100));
    }
    f.website = format!("https://example.org/{id}");
    f.care = care
        .join(";")
        .parse()
        .expect("generator uses canonical names");

    let sober_home = kind == "Sober Living House";
    let pay = |rng: &mut SplitMix64, p: f64, q: f64, name: &'static str| {
        rng.chance(if sober_home { q } else { p }).then_some(name)
    };
    let mut payment: Vec<&str> = [
        pay(rng, 0.65, 0.05, "medicaid"),
        pay(rng, 0.35, 0.0, "medicare"),
        pay(rng, 0.7, 0.05, "private-insurance"),
        pay(rng, 0.85, 0.95, "cash"),
        pay(rng, 0.45, 0.3, "sliding-fee"),
        pay(rng, 0.08, 0.05, "free"),
        pay(rng, 0.25, 0.0, "military"),
        pay(rng, 0.3, 0.05, "state-financed"),
        pay(rng, 0.04, 0.0, "ihs-tribal"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if payment.is_empty() {
        payment.push("cash");
    }
    f.payment = payment.join(";").parse().expect("canonical names");
    f.ages = pick(
        rng,
        &[
            (0.18, "children"),
            (0.6, "young-adults"),
            (0.95, "adults"),
            (0.55, "seniors"),
        ],
        "adults",
    );
    f.populations = pick(
        rng,
        &[
            (0.25, "veterans"),
            (0.3, "women"),
            (0.12, "pregnant-women"),
            (0.25, "men"),
            (0.15, "lgbtq"),
            (0.2, "criminal-justice"),
            (0.4, "co-occurring"),
            (0.2, "trauma"),
        ],
        "",
    );
    f.languages = pick(
        rng,
        &[
            (0.45, "es"),
            (0.25, "asl"),
            (0.03, "zh"),
            (0.03, "vi"),
            (0.02, "ru"),
            (0.02, "ko"),
            (0.02, "ar"),
            (0.02, "ht"),
            (0.02, "fr"),
            (0.01, "nv"),
        ],
        "",
    );
    let otp = f.care.contains(carefind::CareLevel::Otp);
    f.medications = if otp {
        pick(
            rng,
            &[
                (0.9, "methadone"),
                (0.8, "buprenorphine"),
                (0.4, "naltrexone"),
                (0.3, "naltrexone-xr"),
            ],
            "methadone",
        )
    } else {
        pick(
            rng,
            &[
                (0.3, "buprenorphine"),
                (0.2, "naltrexone"),
                (0.15, "naltrexone-xr"),
                (0.12, "acamprosate"),
                (0.08, "disulfiram"),
            ],
            "",
        )
    };
    let services = [
        "group counseling",
        "12-step facilitation",
        "relapse prevention",
        "case management",
        "peer support",
        "family counseling",
    ];
    f.services = (0..rng.below(3))
        .map(|_| services[rng.below(services.len())].to_string())
        .collect();
    f.services.sort();
    f.services.dedup();
    // Every sample facility treats substance use, as the directory it imitates lists.
    f.kinds = carefind::FacilityKind::SubstanceUse.into();
    f
}

/// Each name with its probability, joined and parsed; `fallback` when none is drawn.
fn pick<T: std::str::FromStr>(rng: &mut SplitMix64, choices: &[(f64, &str)], fallback: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    let mut names: Vec<&str> = choices
        .iter()
        .filter(|(p, _)| rng.chance(*p))
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() && !fallback.is_empty() {
        names.push(fallback);
    }
    names
        .join(";")
        .parse()
        .expect("generator uses canonical names")
}

fn round5(degrees: f64) -> f64 {
    (degrees * 1e5).round() / 1e5
}

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and fixed forever.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}
