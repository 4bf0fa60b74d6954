//! What every part of one search reads: the problem, its costs and
//! neighbour lists, the ruin parameters and the overall stop, bundled so
//! that the search's functions take one argument for them.

use super::neighbours::Neighbours;
use super::ruin::RuinParams;
use crate::model::{ArcCost, Objective, Problem};
use crate::params::Stop;

/// Everything a search phase reads.
pub struct SearchContext<'a> {
    /// The problem.
    pub problem: &'a Problem,
    /// Arc and vehicle costs.
    pub arcs: ArcCost,
    /// The objective.
    pub objective: &'a Objective,
    /// Nearest-visit lists.
    pub neighbours: Neighbours,
    /// Ruin parameters.
    pub ruin: RuinParams,
    /// The overall stop, checked inside long local searches.
    pub stop: Stop,
    /// Whether this is one region of a large day (its own schedule).
    pub regional: bool,
}
