//! Granular neighbourhoods: for each visit, its nearest visits.
//!
//! Used by string removal (which routes are "adjacent") and by recreate
//! (which routes are worth trying first). The lists are the model's
//! [`NearestVisits`](crate::model::NearestVisits), shared with the
//! construction.

/// The `k` nearest other visits of every visit, nearest first.
pub type Neighbours = crate::model::NearestVisits;
