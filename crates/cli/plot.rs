//! `coverage --plot`: a map of the origins coloured by distance to the nearest facility of
//! the first level asked for, beside bars of the weighted share within each ring, as SVG or
//! PNG. Text is drawn in DejaVu Sans, embedded, so no system font or library is needed.

use std::path::Path;

use carefind::analysis::coverage::{Coverage, CoverageQuery, Origin};
use carefind::{Distance, Unit};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::failure::Failure;

/// The contiguous United States, in degrees: the map's frame. Alaska, Hawaii and the
/// territories fall outside it and are counted in the caption.
const LON: std::ops::Range<f64> = -125.0..-66.0;
const LAT: std::ops::Range<f64> = 24.0..50.0;

const WIDTH: u32 = 1200;
// With the caption and axes, the map's plot area comes out about 1.8 times as wide as
// high, as the frame is at 37°N with longitude degrees scaled by cos(37°).
const HEIGHT: u32 = 520;
const MAP_WIDTH: u32 = 820;

/// Ring classes, nearest first, then beyond the largest ring, then no facility at all.
const COLORS: [RGBColor; 5] = [
    RGBColor(26, 152, 80),
    RGBColor(166, 217, 106),
    RGBColor(253, 174, 97),
    RGBColor(215, 48, 39),
    RGBColor(90, 90, 90),
];

/// The plot's format from its file name.
pub fn check_extension(path: &Path) -> Result<(), Failure> {
    match extension(path).as_deref() {
        Some("svg" | "png") => Ok(()),
        _ => Err(Failure::flag(
            "--plot",
            format!("{}: name an .svg or a .png file", path.display()),
        )),
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

pub fn coverage(
    path: &Path,
    origins: &[Origin],
    answer: &Coverage,
    query: &CoverageQuery,
    unit: Unit,
) -> Result<(), Failure> {
    check_extension(path)?;
    // Registering twice only replaces the font; the bytes are valid TrueType.
    let _ =
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
    let fail = |e: &dyn std::fmt::Display| Failure::usage(format!("{}: {e}", path.display()));
    // plotters reports a file it cannot create as a dump of its error's innards: find out
    // first, and say it plainly.
    std::fs::File::create(path)
        .map_err(|e| Failure::flag("--plot", format!("cannot write {}: {e}", path.display())))?;
    if extension(path).as_deref() == Some("svg") {
        let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, origins, answer, query, unit).map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))
    } else {
        let root = BitMapBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, origins, answer, query, unit).map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))
    }
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    origins: &[Origin],
    answer: &Coverage,
    query: &CoverageQuery,
    unit: Unit,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (map_area, bars_area) = root.split_horizontally(MAP_WIDTH);
    if let Some(summary) = answer.summaries.first() {
        map(
            &map_area,
            origins,
            answer,
            query,
            unit,
            &summary.target.name,
        )?;
    }
    bars(&bars_area, answer, query, unit)
}

fn ring_label(ring: Distance, unit: Unit) -> String {
    format!("{} {}", ring.in_unit(unit), unit.symbol())
}

/// The origins in the frame, coloured by ring class, drawn far to near so the deserts
/// stay visible.
fn map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    origins: &[Origin],
    answer: &Coverage,
    query: &CoverageQuery,
    unit: Unit,
    level: &str,
) -> DrawResult<DB> {
    let rings: Vec<f64> = query.rings.iter().map(|r| r.as_meters()).collect();
    let class = |distance: Option<f64>| match distance {
        None => rings.len() + 1,
        Some(d) => rings.iter().position(|r| d <= *r).unwrap_or(rings.len()),
    };
    let mut classes: Vec<Vec<(f64, f64)>> = vec![Vec::new(); rings.len() + 2];
    let mut outside = 0;
    for (origin, row) in origins.iter().zip(&answer.nearest) {
        let (lon, lat) = (origin.location.lon(), origin.location.lat());
        if !LON.contains(&lon) || !LAT.contains(&lat) {
            outside += 1;
            continue;
        }
        classes[class(row[0].map(|n| n.distance_m))].push((lon, lat));
    }
    let caption = format!("Distance from each origin to the nearest {level}");
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(40)
        .build_cartesian_2d(LON, LAT)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("longitude (equirectangular)")
        .y_desc("latitude")
        .label_style(("sans-serif", 12))
        .draw()?;
    let mut names: Vec<String> = Vec::new();
    let mut lower = "0".to_string();
    for ring in &query.rings {
        let upper = ring_label(*ring, unit);
        names.push(format!("{lower} to {upper}"));
        lower = upper;
    }
    names.push(format!("beyond {lower}"));
    names.push("no facility".into());
    let colors: Vec<RGBColor> = (0..names.len())
        .map(|i| COLORS[(i * (COLORS.len() - 2) / rings.len().max(1)).min(COLORS.len() - 2)])
        .collect();
    for (i, name) in names.iter().enumerate().rev() {
        let color = if i == names.len() - 1 {
            COLORS[COLORS.len() - 1]
        } else if i == names.len() - 2 {
            COLORS[COLORS.len() - 2]
        } else {
            colors[i]
        };
        let style = color.filled();
        chart
            .draw_series(
                classes[i]
                    .iter()
                    .map(move |point| Circle::new(*point, 2, style)),
            )?
            .label(format!("{name} ({})", classes[i].len()))
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()?;
    if outside > 0 {
        area.draw(&Text::new(
            format!("{outside} origins outside the contiguous US (Alaska, Hawaii, territories) not shown"),
            (60, 36),
            ("sans-serif", 12),
        ))?;
    }
    Ok(())
}

/// Horizontal bars: for each level, the weighted share within each ring.
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &Coverage,
    query: &CoverageQuery,
    unit: Unit,
) -> DrawResult<DB> {
    let levels = answer.summaries.len().max(1);
    let per_level = query.rings.len() + 1;
    let mut chart = ChartBuilder::on(area)
        .caption("Share within each ring", ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..100.0, 0.0..(levels * per_level) as f64)?;
    let names: Vec<&str> = answer
        .summaries
        .iter()
        .map(|s| s.target.name.as_str())
        .collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("% of the weight")
        .x_labels(5)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(levels * per_level)
        .y_label_formatter(&|y| {
            let slot = *y as usize;
            let row = levels.saturating_sub(1 + slot / per_level);
            match (slot % per_level == per_level / 2, names.get(row)) {
                (true, Some(name)) => (*name).to_string(),
                _ => String::new(),
            }
        })
        .label_style(("sans-serif", 12))
        .draw()?;
    for (row, summary) in answer.summaries.iter().enumerate() {
        let base = (levels - 1 - row) * per_level;
        for (k, ring) in summary.rings.iter().enumerate() {
            let top = (base + per_level - 1 - k) as f64;
            let color =
                COLORS[(k * (COLORS.len() - 2) / query.rings.len().max(1)).min(COLORS.len() - 2)];
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, top - 0.9), (ring.share * 100.0, top - 0.1)],
                color.filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!(
                    "{:.1}% within {}",
                    ring.share * 100.0,
                    ring_label(ring.ring, unit)
                ),
                (2.0, top - 0.3),
                ("sans-serif", 13),
            )))?;
        }
    }
    Ok(())
}
