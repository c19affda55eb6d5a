//! Distances with units: parsing "25mi", "40km", "500m", "1200ft".

use std::fmt;
use std::str::FromStr;

use crate::error::DistanceError;

/// A unit of length for distances given and shown.
///
/// ```
/// use carefind::Unit;
///
/// assert_eq!("miles".parse::<Unit>().unwrap(), Unit::Miles);
/// assert_eq!(Unit::Miles.symbol(), "mi");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Metres.
    #[serde(rename = "m")]
    Meters,
    /// Kilometres.
    #[serde(rename = "km")]
    Kilometers,
    /// International miles (1,609.344 m).
    #[serde(rename = "mi")]
    Miles,
    /// International feet (0.3048 m).
    #[serde(rename = "ft")]
    Feet,
}

impl Unit {
    /// Every unit.
    ///
    /// ```
    /// use carefind::Unit;
    ///
    /// for unit in Unit::ALL {
    ///     assert_eq!(unit.symbol().parse::<Unit>().unwrap(), *unit);
    /// }
    /// ```
    pub const ALL: &'static [Unit] = &[Unit::Meters, Unit::Kilometers, Unit::Miles, Unit::Feet];

    /// The unit's symbol: `m`, `km`, `mi` or `ft`.
    ///
    /// ```
    /// use carefind::Unit;
    ///
    /// assert_eq!(Unit::Kilometers.symbol(), "km");
    /// ```
    pub const fn symbol(self) -> &'static str {
        match self {
            Unit::Meters => "m",
            Unit::Kilometers => "km",
            Unit::Miles => "mi",
            Unit::Feet => "ft",
        }
    }

    /// How many metres one unit is.
    ///
    /// ```
    /// use carefind::Unit;
    ///
    /// assert_eq!(Unit::Miles.meters(), 1609.344);
    /// ```
    pub const fn meters(self) -> f64 {
        match self {
            Unit::Meters => 1.0,
            Unit::Kilometers => 1000.0,
            Unit::Miles => 1609.344,
            Unit::Feet => 0.3048,
        }
    }

    fn spellings(self) -> &'static [&'static str] {
        match self {
            Unit::Meters => &["m", "meter", "meters", "metre", "metres"],
            Unit::Kilometers => &["km", "kilometer", "kilometers", "kilometre", "kilometres"],
            Unit::Miles => &["mi", "mile", "miles"],
            Unit::Feet => &["ft", "foot", "feet"],
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for Unit {
    type Err = DistanceError;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        let word = word.trim();
        Unit::ALL
            .iter()
            .copied()
            .find(|unit| {
                unit.spellings()
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(word))
            })
            .ok_or_else(|| DistanceError::Unit {
                value: word.to_string(),
                unit: word.to_string(),
            })
    }
}

/// A length along the ground, stored in metres.
///
/// Constructors take any number; a query checks that its distances are finite and not
/// negative. Parsing checks at once.
///
/// ```
/// use carefind::{Distance, Unit};
///
/// let d: Distance = "25mi".parse().unwrap();
/// assert_eq!(d.as_meters(), 40_233.6);
/// assert!((d.in_unit(Unit::Kilometers) - 40.2336).abs() < 1e-9);
/// assert_eq!("1200 ft".parse::<Distance>().unwrap(), Distance::from_feet(1200.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, serde::Serialize, serde::Deserialize)]
pub struct Distance {
    meters: f64,
}

impl Distance {
    /// A distance in metres.
    ///
    /// ```
    /// use carefind::Distance;
    ///
    /// assert_eq!(Distance::from_meters(500.0).as_meters(), 500.0);
    /// ```
    pub const fn from_meters(meters: f64) -> Self {
        Distance { meters }
    }

    /// A distance in kilometres.
    ///
    /// ```
    /// use carefind::Distance;
    ///
    /// assert_eq!(Distance::from_kilometers(2.5).as_meters(), 2500.0);
    /// ```
    pub fn from_kilometers(km: f64) -> Self {
        Distance::new(km, Unit::Kilometers)
    }

    /// A distance in miles.
    ///
    /// ```
    /// use carefind::Distance;
    ///
    /// assert_eq!(Distance::from_miles(1.0).as_meters(), 1609.344);
    /// ```
    pub fn from_miles(miles: f64) -> Self {
        Distance::new(miles, Unit::Miles)
    }

    /// A distance in feet.
    ///
    /// ```
    /// use carefind::Distance;
    ///
    /// assert_eq!(Distance::from_feet(1000.0).as_meters(), 304.8);
    /// ```
    pub fn from_feet(feet: f64) -> Self {
        Distance::new(feet, Unit::Feet)
    }

    /// A distance of `value` units.
    ///
    /// ```
    /// use carefind::{Distance, Unit};
    ///
    /// assert_eq!(Distance::new(3.0, Unit::Kilometers), Distance::from_kilometers(3.0));
    /// ```
    pub fn new(value: f64, unit: Unit) -> Self {
        Distance {
            meters: value * unit.meters(),
        }
    }

    /// The distance in metres.
    ///
    /// ```
    /// use carefind::Distance;
    ///
    /// assert_eq!(Distance::from_kilometers(1.0).as_meters(), 1000.0);
    /// ```
    pub const fn as_meters(self) -> f64 {
        self.meters
    }

    /// The distance in miles.
    ///
    /// ```
    /// use carefind::Distance;
    ///
    /// assert_eq!(Distance::from_meters(1609.344).as_miles(), 1.0);
    /// ```
    pub fn as_miles(self) -> f64 {
        self.in_unit(Unit::Miles)
    }

    /// The distance in kilometres.
    ///
    /// ```
    /// use carefind::Distance;
    ///
    /// assert_eq!(Distance::from_meters(2500.0).as_kilometers(), 2.5);
    /// ```
    pub fn as_kilometers(self) -> f64 {
        self.in_unit(Unit::Kilometers)
    }

    /// The distance expressed in `unit`.
    ///
    /// ```
    /// use carefind::{Distance, Unit};
    ///
    /// assert_eq!(Distance::from_miles(2.0).in_unit(Unit::Miles), 2.0);
    /// ```
    pub fn in_unit(self, unit: Unit) -> f64 {
        self.meters / unit.meters()
    }

    /// Parses `NUMBER[UNIT]`, with or without a space; a bare number takes `default_unit`,
    /// and is an error when there is none.
    ///
    /// ```
    /// use carefind::{Distance, Unit};
    ///
    /// assert_eq!(Distance::parse("10", Some(Unit::Miles)).unwrap(), Distance::from_miles(10.0));
    /// assert!(Distance::parse("10", None).is_err());
    /// assert!(Distance::parse("-3mi", None).is_err());
    /// ```
    pub fn parse(text: &str, default_unit: Option<Unit>) -> Result<Self, DistanceError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DistanceError::Empty);
        }
        let split = text
            .find(|c: char| c.is_ascii_alphabetic() && !matches!(c, 'e' | 'E'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number = number.trim();
        // "inf" and "nan" parse as floats; the alphabetic split keeps them out of `number`.
        let value: f64 = number
            .parse()
            .map_err(|_| DistanceError::Number(text.to_string()))?;
        if !(value.is_finite() && value >= 0.0) {
            return Err(DistanceError::Negative(text.to_string()));
        }
        let unit = match unit.trim() {
            "" => default_unit.ok_or_else(|| DistanceError::Unit {
                value: text.to_string(),
                unit: String::new(),
            })?,
            word => word.parse::<Unit>().map_err(|_| DistanceError::Unit {
                value: text.to_string(),
                unit: word.to_string(),
            })?,
        };
        let distance = Distance::new(value, unit);
        // A finite number of a large unit can still be past what metres hold (1e308mi).
        if !distance.as_meters().is_finite() {
            return Err(DistanceError::Negative(text.to_string()));
        }
        Ok(distance)
    }
}

impl FromStr for Distance {
    type Err = DistanceError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Distance::parse(text, None)
    }
}

/// Metres with the `m` symbol, which parses back.
impl fmt::Display for Distance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}m", self.meters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_spacing() {
        for (text, meters) in [
            ("25mi", 40_233.6),
            ("25 mi", 40_233.6),
            ("40km", 40_000.0),
            ("500m", 500.0),
            ("1200ft", 365.76),
            ("1.5 Miles", 2414.016),
            ("0km", 0.0),
            ("2e3m", 2000.0),
        ] {
            let parsed: Distance = text.parse().unwrap();
            assert!((parsed.as_meters() - meters).abs() < 1e-9, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_distance() {
        assert_eq!("".parse::<Distance>(), Err(DistanceError::Empty));
        assert!(matches!(
            "-3mi".parse::<Distance>(),
            Err(DistanceError::Negative(_))
        ));
        assert!(matches!(
            "5parsecs".parse::<Distance>(),
            Err(DistanceError::Unit { .. })
        ));
        assert!(matches!(
            "mi".parse::<Distance>(),
            Err(DistanceError::Number(_))
        ));
        assert!(matches!(
            "inf mi".parse::<Distance>(),
            Err(DistanceError::Number(_))
        ));
        assert!(matches!(
            "NaN".parse::<Distance>(),
            Err(DistanceError::Number(_))
        ));
        assert!(matches!(
            "1e999km".parse::<Distance>(),
            Err(DistanceError::Negative(_))
        ));
    }

    #[test]
    fn display_parses_back() {
        let d = Distance::from_miles(25.0);
        assert_eq!(d.to_string().parse::<Distance>().unwrap(), d);
    }
}
