//! A small map with no tiles: the results around the origin as an inline SVG, drawn in Web
//! Mercator (so that an operator's tile layer, when given, lies exactly under it), with
//! distance rings and numbered markers that match the cards.

use std::f64::consts::{FRAC_1_SQRT_2, PI};

use carefind::{EARTH_RADIUS_M, LatLon};
use maud::{Markup, html};

use super::text::Text;

const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 260.0;
const MARGIN: f64 = 18.0;
const METERS_PER_MILE: f64 = 1609.344;
/// Ring radii to choose from, in miles.
const NICE_MILES: [f64; 12] = [
    0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0,
];

/// A point on the Web Mercator world of 256 units at zoom 0.
fn world(point: LatLon) -> (f64, f64) {
    let lat = point.lat().clamp(-85.05, 85.05).to_radians();
    let x = (point.lon() + 180.0) / 360.0 * 256.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * 256.0;
    (x, y)
}

/// `(x, y)` relative to the origin's, the short way round the antimeridian.
fn offset(origin: (f64, f64), point: (f64, f64)) -> (f64, f64) {
    let mut dx = point.0 - origin.0;
    if dx > 128.0 {
        dx -= 256.0;
    } else if dx < -128.0 {
        dx += 256.0;
    }
    (dx, point.1 - origin.1)
}

/// A tile layer: a URL template with `{z}`, `{x}` and `{y}`.
pub struct Tiles<'a>(pub &'a str);

/// The map of `markers` (rank, point) around `origin`, with rings out to `radius_m`
/// (or to the farthest marker).
pub fn render(
    origin: LatLon,
    markers: &[(usize, LatLon, f64)],
    radius_m: Option<f64>,
    text: &Text,
    tiles: Option<Tiles>,
) -> Markup {
    let center = world(origin);
    // Meters per world unit at the origin's latitude.
    let meters_per_unit =
        2.0 * PI * EARTH_RADIUS_M * origin.lat().to_radians().cos().max(0.01) / 256.0;
    let farthest = markers.iter().map(|(_, _, d)| *d).fold(0.0, f64::max);
    let outer_m = match radius_m {
        Some(radius) if radius.is_finite() => radius.min(farthest.max(radius / 4.0)),
        _ => farthest,
    }
    .max(800.0);
    let outer_miles = outer_m / METERS_PER_MILE;
    let rings: Vec<f64> = {
        let largest = NICE_MILES
            .iter()
            .copied()
            .find(|m| *m >= outer_miles)
            .unwrap_or(*NICE_MILES.last().unwrap_or(&2500.0));
        NICE_MILES
            .iter()
            .copied()
            .filter(|m| *m <= largest && *m * 5.0 >= largest)
            .collect()
    };
    let largest_miles = rings.last().copied().unwrap_or(1.0);
    // World units to pixels: the largest ring fits the shorter half of the picture.
    let fit = (HEIGHT / 2.0 - MARGIN) / (largest_miles * METERS_PER_MILE / meters_per_unit);
    let (scale, zoom) = match &tiles {
        // Tiles come in whole zoom levels: the scale is the power of two below the fit.
        Some(_) => {
            let zoom = fit.log2().floor().clamp(0.0, 18.0);
            (2f64.powf(zoom), Some(zoom as u32))
        }
        None => (fit, None),
    };
    let place = |point: LatLon| {
        let (dx, dy) = offset(center, world(point));
        (WIDTH / 2.0 + dx * scale, HEIGHT / 2.0 + dy * scale)
    };
    let ring_px = |miles: f64| miles * METERS_PER_MILE / meters_per_unit * scale;
    let describe = format!(
        "{} {}",
        rings
            .iter()
            .map(|m| format!("{m}"))
            .collect::<Vec<_>>()
            .join(", "),
        text.miles
    );
    html! {
        div.map {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-labelledby="map-title map-desc" {
                title #map-title { (text.map_title) }
                desc #map-desc { (text.map_desc) " " (describe) }
                @if let (Some(Tiles(template)), Some(zoom)) = (&tiles, zoom) {
                    (tile_layer(template, center, zoom))
                }
                @for miles in &rings {
                    circle cx=(WIDTH / 2.0) cy=(HEIGHT / 2.0) r=(format!("{:.1}", ring_px(*miles))) fill="none" stroke="#6b7280" stroke-width="1" stroke-dasharray="4 3" {}
                    text x=(format!("{:.1}", WIDTH / 2.0 + ring_px(*miles) * FRAC_1_SQRT_2 + 3.0)) y=(format!("{:.1}", HEIGHT / 2.0 - ring_px(*miles) * FRAC_1_SQRT_2 - 3.0)) font-size="11" fill="#374151" stroke="#f3f5f8" stroke-width="3" paint-order="stroke" {
                        (miles) " " (text.miles)
                    }
                }
                g {
                    title { (text.map_you) }
                    path d=(format!("M{x} {y1}V{y2}M{x1} {y}H{x2}", x = WIDTH / 2.0, y = HEIGHT / 2.0, y1 = HEIGHT / 2.0 - 8.0, y2 = HEIGHT / 2.0 + 8.0, x1 = WIDTH / 2.0 - 8.0, x2 = WIDTH / 2.0 + 8.0)) stroke="#8a1c1c" stroke-width="3" {}
                }
                // The nearest last, so that it is drawn on top.
                @for (rank, point, _) in markers.iter().rev() {
                    @let (x, y) = place(*point);
                    @if (-20.0..WIDTH + 20.0).contains(&x) && (-20.0..HEIGHT + 20.0).contains(&y) {
                        g {
                            circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="9" fill="#0b3d91" stroke="#fff" stroke-width="1.5" {}
                            text x=(format!("{x:.1}")) y=(format!("{:.1}", y + 3.5)) font-size="10" font-weight="700" text-anchor="middle" fill="#fff" { (rank) }
                        }
                    }
                }
            }
        }
    }
}

/// The tiles under the picture at `zoom`, as `<image>` elements.
fn tile_layer(template: &str, center: (f64, f64), zoom: u32) -> Markup {
    let scale = f64::from(1u32 << zoom);
    let tiles_across = 1u32 << zoom;
    // The picture's top-left corner in pixels of the zoomed world.
    let left = center.0 * scale - WIDTH / 2.0;
    let top = center.1 * scale - HEIGHT / 2.0;
    let first_x = (left / 256.0).floor() as i64;
    let first_y = (top / 256.0).floor().max(0.0) as i64;
    let last_x = ((left + WIDTH) / 256.0).floor() as i64;
    let last_y = (((top + HEIGHT) / 256.0).floor() as i64).min(i64::from(tiles_across) - 1);
    html! {
        @for ty in first_y..=last_y {
            @for tx in first_x..=last_x {
                @let wrapped = tx.rem_euclid(i64::from(tiles_across));
                @let href = template.replace("{z}", &zoom.to_string()).replace("{x}", &wrapped.to_string()).replace("{y}", &ty.to_string());
                image href=(href) x=(format!("{:.1}", tx as f64 * 256.0 - left)) y=(format!("{:.1}", ty as f64 * 256.0 - top)) width="256" height="256" {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_is_the_center_and_the_short_way_round_is_taken() {
        let origin = LatLon::new(0.0, 179.9).unwrap();
        let east = LatLon::new(0.0, -179.9).unwrap();
        let (dx, dy) = offset(world(origin), world(east));
        assert!(dx > 0.0 && dx < 0.2, "{dx}");
        assert!(dy.abs() < 1e-9);
    }

    #[test]
    fn markers_inside_the_largest_ring_are_drawn_inside_it() {
        let origin = LatLon::new(40.75, -73.99).unwrap();
        let near = LatLon::new(40.80, -73.95).unwrap();
        let text = super::super::text::Lang::En.text();
        let svg = render(origin, &[(1, near, 6_500.0)], Some(40_000.0), text, None).into_string();
        assert!(svg.contains(">1</text>"), "{svg}");
        assert!(svg.contains("5 miles"), "{svg}");
        assert!(!svg.contains("<image"));
        let tiled = render(
            origin,
            &[(1, near, 6_500.0)],
            Some(40_000.0),
            text,
            Some(Tiles("https://tiles.example/{z}/{x}/{y}.png")),
        )
        .into_string();
        assert!(
            tiled.contains("<image href=\"https://tiles.example/"),
            "{tiled}"
        );
    }
}
