//! Builds the offline place tables this crate embeds, from the pinned `zipcodes` crate:
//!
//! - `zips.bin`: every ZIP code with coordinates, sorted, 12 bytes each (u32 code, i32
//!   latitude and i32 longitude in micro-degrees, little-endian), binary-searched in place;
//! - `cities.tsv`: `ST<TAB>City<TAB>lat<TAB>lon<TAB>zips` per city, at the centroid of its
//!   ZIP centroids, sorted by state and city;
//! - `states.tsv`: `ST<TAB>start<TAB>end`, each state's byte range in `cities.tsv`, so a
//!   lookup with a state reads only that state's cities.
//!
//! Done here because parsing the crate's compressed JSON costs about half a second, which
//! every `carefind find --near 10001` would otherwise pay.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let mut zips: Vec<(u32, i32, i32)> = Vec::new();
    let mut cities: BTreeMap<(String, String), (f64, f64, u32)> = BTreeMap::new();
    for z in zipcodes::database() {
        let (Ok(code), Ok(lat), Ok(lon)) = (
            z.zip_code.parse::<u32>(),
            z.lat.parse::<f64>(),
            z.long.parse::<f64>(),
        ) else {
            continue;
        };
        if (lat == 0.0 && lon == 0.0)
            || !(-90.0..=90.0).contains(&lat)
            || !(-180.0..=180.0).contains(&lon)
        {
            continue;
        }
        zips.push((code, (lat * 1e6).round() as i32, (lon * 1e6).round() as i32));
        let entry = cities
            .entry((z.state.clone(), z.city.clone()))
            .or_insert((0.0, 0.0, 0));
        entry.0 += lat;
        entry.1 += lon;
        entry.2 += 1;
    }
    zips.sort_unstable();
    zips.dedup_by_key(|z| z.0);
    let bytes: Vec<u8> = zips
        .iter()
        .flat_map(|(code, lat, lon)| {
            [code.to_le_bytes(), lat.to_le_bytes(), lon.to_le_bytes()].concat()
        })
        .collect();
    std::fs::write(out.join("zips.bin"), bytes).expect("write zips.bin");

    let mut tsv = String::new();
    let mut ranges: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for ((state, city), (lat, lon, count)) in &cities {
        let n = f64::from(*count);
        let start = tsv.len();
        writeln!(
            tsv,
            "{state}\t{city}\t{:.6}\t{:.6}\t{count}",
            lat / n,
            lon / n
        )
        .expect("write to string");
        let range = ranges.entry(state.as_str()).or_insert((start, start));
        range.1 = tsv.len();
    }
    std::fs::write(out.join("cities.tsv"), &tsv).expect("write cities.tsv");
    let states: String = ranges
        .iter()
        .map(|(state, (start, end))| format!("{state}\t{start}\t{end}\n"))
        .collect();
    std::fs::write(out.join("states.tsv"), states).expect("write states.tsv");
}
