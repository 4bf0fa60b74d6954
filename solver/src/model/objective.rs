//! What a solve minimises: the objective kind and the weights of travel,
//! shared by construction, search, the MILP backend and plan translation.

/// What the search minimises, after serving visits by priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ObjectiveKind {
    /// Total distance only (DIMACS convention).
    #[default]
    Distance,
    /// Vehicles first, then distance (classic Solomon tables).
    Hierarchical,
}

impl std::str::FromStr for ObjectiveKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "distance" => Ok(Self::Distance),
            "hierarchical" => Ok(Self::Hierarchical),
            other => Err(format!(
                "unknown objective '{other}': use distance or hierarchical"
            )),
        }
    }
}

/// Weights of the travel objective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// Distance-only or vehicles-first.
    pub kind: ObjectiveKind,
    /// Cost per used vehicle, on top of each vehicle's own fixed cost.
    pub vehicle_cost: f64,
    /// Weight of one unit of distance.
    pub distance_weight: f64,
    /// Weight of one unit of travel time.
    pub travel_time_weight: f64,
}

impl Default for Objective {
    fn default() -> Self {
        Self {
            kind: ObjectiveKind::Distance,
            vehicle_cost: 0.0,
            distance_weight: 1.0,
            travel_time_weight: 0.0,
        }
    }
}
