//! Pathways and coverage equal brute-force computations on random data: random facility
//! sets (duplicate points, the antimeridian, the poles, a dense city), random filters,
//! origins on top of facilities, and weights of zero.

use crate::common;

use carefind::analysis::coverage::{self, CoverageQuery, Origin, Target};
use carefind::analysis::duplicates::place_key;
use carefind::analysis::pathway::{self, PathwayQuery, Stage};
use carefind::{CareLevel, CareSet, Distance, Facility, FacilityKind, Filter, Index, LatLon};
use common::random::{facilities, filters, origin, radius};
use proptest::prelude::*;

/// Facilities passing `filter` with any of `care`, by (distance, id).
fn scan<'a>(
    facilities: &'a [Facility],
    origin: LatLon,
    care: CareSet,
    filter: &Filter,
) -> Vec<(&'a Facility, f64)> {
    let mut filter = filter.clone();
    filter.care = care;
    let mut found: Vec<(&Facility, f64)> = facilities
        .iter()
        .filter(|f| filter.matches(f))
        .map(|f| (f, origin.distance_m(f.location)))
        .collect();
    found.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.id.cmp(&b.0.id)));
    found
}

fn stage() -> impl Strategy<Value = Option<Stage>> {
    prop_oneof![
        Just(None),
        prop::sample::select(Stage::ALL.to_vec()).prop_map(Some)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn pathway_equals_brute_force(
        facilities in facilities(),
        origin in origin(),
        filter in filters(),
        from in stage(),
        per_step in 0..5usize,
        pairs in 0..8usize,
        pair_within in radius(),
        within in prop::option::of(radius()),
    ) {
        let index = Index::new(facilities.clone()).unwrap();
        let mut query = PathwayQuery::new(origin)
            .filter(filter.clone())
            .per_step(per_step)
            .pairs(pairs)
            .pair_within(pair_within);
        query.from = from;
        query.within = within;
        let path = pathway::pathway(&index, &query).unwrap();

        let stages = from.map_or(Stage::ALL.to_vec(), Stage::after);
        prop_assert_eq!(path.steps.iter().map(|s| s.stage).collect::<Vec<_>>(), stages);
        let bound = within.map_or(f64::INFINITY, |d| d.as_meters());
        // Steps are substance-use treatment unless the filter names kinds; each place once.
        let mut step_filter = filter.clone();
        if step_filter.kinds.is_empty() {
            step_filter = step_filter.kinds(FacilityKind::SubstanceUse);
        }
        for step in &path.steps {
            let mut seen = std::collections::HashSet::new();
            let expected: Vec<(&str, f64)> = scan(&facilities, origin, step.stage.levels(), &step_filter)
                .into_iter()
                .filter(|(_, d)| *d <= bound)
                .filter(|(f, _)| place_key(*f).is_none_or(|key| seen.insert(key)))
                .take(per_step)
                .map(|(f, d)| (f.id.as_str(), d))
                .collect();
            let got: Vec<(&str, f64)> = step
                .options
                .iter()
                .map(|hit| (hit.facility.id(), hit.distance_m.unwrap()))
                .collect();
            prop_assert_eq!(got, expected);
        }

        let programs = scan(&facilities, origin, Stage::Php.levels() | Stage::Iop.levels(), &step_filter);
        let homes = scan(&facilities, origin, CareLevel::SoberLiving.into(), &filter);
        let mut expected: Vec<(f64, &str, &str)> = Vec::new();
        for (program, to_program) in programs.iter().filter(|(_, d)| *d <= bound) {
            for (home, _) in &homes {
                let apart = program.location.distance_m(home.location);
                if apart <= pair_within.as_meters() {
                    expected.push((to_program + apart, &program.id, &home.id));
                }
            }
        }
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)).then(a.2.cmp(b.2)));
        expected.truncate(pairs);
        let got: Vec<(f64, &str, &str)> = path
            .pairs
            .iter()
            .map(|p| (p.trip_m, p.program.facility.id(), p.home.id()))
            .collect();
        prop_assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            prop_assert_eq!((g.1, g.2), (e.1, e.2));
            prop_assert!((g.0 - e.0).abs() <= 1e-6, "{} vs {}", g.0, e.0);
        }
    }

    #[test]
    fn coverage_equals_brute_force(
        facilities in facilities(),
        places in prop::collection::vec((origin(), prop_oneof![Just(0.0), 0.0..1000.0f64], any::<Option<prop::sample::Index>>()), 0..40),
        filter in filters(),
        targets in prop::collection::vec(prop::sample::select(vec!["otp", "detox", "residential", "iop", "sober-living", "inpatient"]), 1..4),
        rings in prop::collection::vec(radius(), 1..4),
    ) {
        let index = Index::new(facilities.clone()).unwrap();
        // Some origins sit exactly on a facility.
        let origins: Vec<Origin> = places
            .iter()
            .enumerate()
            .map(|(i, (point, weight, on_top))| {
                let location = match on_top {
                    Some(pick) if !facilities.is_empty() => facilities[pick.index(facilities.len())].location,
                    _ => *point,
                };
                Origin::new(format!("o{i}"), location, *weight)
            })
            .collect();
        let targets: Vec<Target> = targets.iter().map(|t| t.parse().unwrap()).collect();
        let query = CoverageQuery::default()
            .targets(targets.clone())
            .rings(rings.clone())
            .filter(filter.clone());
        let answer = coverage::coverage(&index, &origins, &query).unwrap();

        let total: f64 = origins.iter().map(|o| o.weight).sum();
        for (t, target) in targets.iter().enumerate() {
            let nearest: Vec<Option<(&Facility, f64)>> = origins
                .iter()
                .map(|o| scan(&facilities, o.location, target.care, &filter).into_iter().next())
                .collect();
            for (o, expected) in nearest.iter().enumerate() {
                let got = answer.nearest[o][t].map(|n| (n.facility.id(), n.distance_m));
                prop_assert_eq!(got, expected.map(|(f, d)| (f.id.as_str(), d)));
            }
            let summary = &answer.summaries[t];
            prop_assert_eq!(&summary.target, target);
            for (ring, share) in rings.iter().zip(&summary.rings) {
                let weight: f64 = origins
                    .iter()
                    .zip(&nearest)
                    .filter(|(_, n)| n.is_some_and(|(_, d)| d <= ring.as_meters()))
                    .map(|(o, _)| o.weight)
                    .sum();
                prop_assert!((share.weight - weight).abs() <= 1e-6 * (1.0 + weight));
                let expected_share = if total > 0.0 { weight / total } else { 0.0 };
                prop_assert!((share.share - expected_share).abs() <= 1e-9);
            }
            // Weighted percentiles, by a different route: the least origin distance whose
            // cumulative weight reaches the fraction.
            let mut sorted: Vec<(f64, f64)> = origins
                .iter()
                .zip(&nearest)
                .map(|(o, n)| (n.map_or(f64::INFINITY, |(_, d)| d), o.weight))
                .collect();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (q, got) in [(0.5, summary.median_m), (0.9, summary.p90_m)] {
                let expected = (total > 0.0).then(|| {
                    (0..sorted.len())
                        .find(|&i| sorted[i].1 > 0.0 && sorted[..=i].iter().map(|s| s.1).sum::<f64>() >= q * total)
                        .map(|i| sorted[i].0)
                        .filter(|d| d.is_finite())
                }).flatten();
                prop_assert_eq!(got, expected);
            }
            let largest = rings.iter().map(|r| r.as_meters()).fold(f64::NEG_INFINITY, f64::max);
            let mut deserts: Vec<usize> = (0..origins.len())
                .filter(|&o| nearest[o].is_none_or(|(_, d)| d > largest))
                .collect();
            deserts.sort_by(|&a, &b| origins[b].weight.total_cmp(&origins[a].weight).then(a.cmp(&b)));
            prop_assert_eq!(summary.deserts.iter().map(|d| d.origin).collect::<Vec<_>>(), deserts);
        }
    }
}

#[test]
fn bad_weights_and_distances_are_typed_errors() {
    let index = Index::sample();
    let origin = LatLon::new(40.0, -75.0).unwrap();
    for weight in [-1.0, f64::NAN, f64::INFINITY] {
        let error = coverage::coverage(
            &index,
            &[Origin::new("z", origin, weight)],
            &CoverageQuery::default(),
        )
        .unwrap_err();
        assert!(
            error.to_string().starts_with("origin \"z\": weight"),
            "{error}"
        );
    }
    let query = PathwayQuery::new(origin).pair_within(Distance::from_miles(-1.0));
    assert!(pathway::pathway(&index, &query).is_err());
    let query = CoverageQuery::default().rings(vec![Distance::from_meters(f64::NAN)]);
    assert!(coverage::coverage(&index, &[], &query).is_err());
}
