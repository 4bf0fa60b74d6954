//! A point on the Earth in degrees: the latitude and longitude ranges live
//! here and are checked once, where a point is read (plan requests, API
//! records and performer locations, re-route positions).

use std::ops::RangeInclusive;

/// A checked point: latitude in -90..=90, longitude in -180..=180.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLng {
    lat: f64,
    lng: f64,
}

impl LatLng {
    /// Valid latitudes.
    pub const LATITUDES: RangeInclusive<f64> = -90.0..=90.0;
    /// Valid longitudes.
    pub const LONGITUDES: RangeInclusive<f64> = -180.0..=180.0;

    /// The point, or why it is not one (naming the coordinate).
    pub fn new(lat: f64, lng: f64) -> Result<Self, String> {
        let (lats, lngs) = (Self::LATITUDES, Self::LONGITUDES);
        if !lats.contains(&lat) {
            return Err(format!(
                "latitude must be in {}..={}, got {lat}",
                lats.start(),
                lats.end()
            ));
        }
        if !lngs.contains(&lng) {
            return Err(format!(
                "longitude must be in {}..={}, got {lng}",
                lngs.start(),
                lngs.end()
            ));
        }
        Ok(Self { lat, lng })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lng(self) -> f64 {
        self.lng
    }

    /// `(lat, lng)`, as the geodesic travel model takes it.
    pub fn pair(self) -> (f64, f64) {
        (self.lat, self.lng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_and_named() {
        assert_eq!(LatLng::new(57.1, -2.1).map(LatLng::pair), Ok((57.1, -2.1)));
        assert_eq!(LatLng::new(90.0, 180.0).map(LatLng::lat), Ok(90.0));
        assert!(LatLng::new(90.5, 0.0).unwrap_err().starts_with("latitude"));
        assert!(LatLng::new(0.0, -180.5)
            .unwrap_err()
            .starts_with("longitude"));
        assert!(LatLng::new(f64::NAN, 0.0).is_err());
    }
}
