//! Granular neighbourhoods: for each visit, its nearest visits.
//!
//! Used by string removal (which routes are "adjacent") and by recreate
//! (which routes are worth trying first). Memory is `n * k`, never `n^2`:
//! each row is selected with a partial sort, rows in parallel.

use rayon::prelude::*;

use crate::model::Problem;

/// The `k` nearest other visits of every visit, nearest first.
#[derive(Debug, Clone)]
pub struct Neighbours {
    k: usize,
    lists: Vec<u32>,
}

impl Neighbours {
    /// Builds lists of at most `k` neighbours, by travel distance.
    pub fn new(problem: &Problem, k: usize) -> Self {
        let n = problem.n_visits();
        let k = k.min(n.saturating_sub(1));
        let mut lists = vec![0u32; n * k];
        if k > 0 {
            lists.par_chunks_mut(k).enumerate().for_each(|(i, row)| {
                let from = problem.visits[i].location;
                let mut others: Vec<(f64, u32)> = (0..n)
                    .filter(|&j| j != i)
                    .map(|j| (problem.distance(from, problem.visits[j].location), j as u32))
                    .collect();
                others
                    .select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                others.truncate(k);
                others.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for (cell, (_, j)) in row.iter_mut().zip(others) {
                    *cell = j;
                }
            });
        }
        Self { k, lists }
    }

    /// The neighbours of `visit`, nearest first.
    pub fn of(&self, visit: usize) -> impl Iterator<Item = usize> + '_ {
        self.lists[visit * self.k..(visit + 1) * self.k]
            .iter()
            .map(|&j| j as usize)
    }
}
