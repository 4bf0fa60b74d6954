//! The one home of every default of the plan format: the value the solver
//! uses and the words the API documents (`doc` strings are built from the
//! same literal, so they cannot drift apart).

/// Defines a default as a value and its documentation line.
macro_rules! default_value {
    ($(#[$meta:meta])* $name:ident, $doc_name:ident: $ty:ty = $value:literal, $doc:literal) => {
        $(#[$meta])*
        #[allow(clippy::unnecessary_cast)]
        pub const $name: $ty = $value as $ty;
        #[doc = concat!("The API's description of [`", stringify!($name), "`].")]
        pub const $doc_name: &str = concat!($doc, " (default ", stringify!($value), ").");
    };
}

default_value!(
    /// Search budget in seconds of a request that does not set one.
    TIME_LIMIT_SECONDS, TIME_LIMIT_DOC: f64 = 5, "Search budget in seconds"
);
default_value!(
    /// Seed of the search's random choices.
    SEED, SEED_DOC: u64 = 1, "Seed of the search"
);
default_value!(
    /// Weight of one metre against one second of travel: travel time
    /// decides, distance only breaks ties.
    DISTANCE_WEIGHT, DISTANCE_WEIGHT_DOC: f64 = 0.001, "Weight of one metre against one second of travel"
);
default_value!(
    /// Detour factor of the geodesic travel model.
    DETOUR_FACTOR, DETOUR_FACTOR_DOC: f64 = 1.3, "Road over straight-line distance"
);
default_value!(
    /// Average speed of the geodesic travel model, km/h.
    SPEED_KMH, SPEED_KMH_DOC: f64 = 40, "Average speed in km/h"
);
default_value!(
    /// Re-route: cost of serving a visit with another driver than
    /// published: half an hour of driving.
    DRIVER_CHANGE, DRIVER_CHANGE_DOC: f64 = 1800, "Per visit served by another driver than published"
);
default_value!(
    /// Re-route: cost of a visit out of its published order.
    SEQUENCE_CHANGE, SEQUENCE_CHANGE_DOC: f64 = 300, "Per visit out of its published order"
);
default_value!(
    /// Re-route: cost of a start moved past the threshold from its ETA.
    ETA_SHIFT, ETA_SHIFT_DOC: f64 = 300, "Per visit starting more than etaThresholdSeconds from its eta"
);
default_value!(
    /// Re-route: ETA tolerance, seconds; shifts up to half an hour are not
    /// changes.
    ETA_THRESHOLD, ETA_THRESHOLD_DOC: f64 = 1800, "ETA shifts up to this are not changes"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_name_the_values() {
        assert_eq!(DRIVER_CHANGE, 1800.0);
        assert_eq!(
            DRIVER_CHANGE_DOC,
            "Per visit served by another driver than published (default 1800)."
        );
        assert_eq!(DISTANCE_WEIGHT, 0.001);
        assert!(DISTANCE_WEIGHT_DOC.ends_with("(default 0.001)."));
        assert_eq!(TIME_LIMIT_DOC, "Search budget in seconds (default 5).");
        assert_eq!(SEED, 1);
    }
}
