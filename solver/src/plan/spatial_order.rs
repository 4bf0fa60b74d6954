//! Numbers a plan's locations so that places close on the ground get
//! close numbers, using the H3 grid (h3o): sorting by the index of each
//! location's fine H3 cell groups every cell with its siblings, then with
//! its parent's siblings, and so on up the hierarchy.
//!
//! Why: the search looks up travel between a visit and its nearest
//! neighbours millions of times. In request order those lookups land all
//! over a table of tens of megabytes, and waiting for memory was a third
//! of a move's evaluation; numbered by place, a neighbourhood's entries
//! share cache lines.

use h3o::{LatLng, Resolution};

/// Resolution of the cells that decide the order (edges of about 65 m):
/// fine enough that nearly every location has a cell of its own.
const ORDER_RESOLUTION: Resolution = Resolution::Ten;

/// The new number of each location: `renumber[old] = new`. Locations
/// without valid coordinates go last, in their original order.
pub fn renumber_by_place(coords: &[(f64, f64)]) -> Vec<usize> {
    let key = |&(lat, lng): &(f64, f64)| {
        LatLng::new(lat, lng)
            .map(|p| u64::from(p.to_cell(ORDER_RESOLUTION)))
            .unwrap_or(u64::MAX)
    };
    let keys: Vec<u64> = coords.iter().map(key).collect();
    let mut order: Vec<usize> = (0..coords.len()).collect();
    order.sort_by_key(|&i| (keys[i], i));
    let mut renumber = vec![0; coords.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new;
    }
    renumber
}

/// `items` rearranged so that item `old` lands at `renumber[old]`.
pub fn permute<T: Copy + Default>(items: &[T], renumber: &[usize]) -> Vec<T> {
    let mut out = vec![T::default(); items.len()];
    for (old, &item) in items.iter().enumerate() {
        out[renumber[old]] = item;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_is_a_permutation_that_keeps_neighbours_together() {
        // Two clusters far apart, interleaved in the input.
        let paris = (48.8566, 2.3522);
        let lyon = (45.7640, 4.8357);
        let coords: Vec<(f64, f64)> = (0..20)
            .map(|i| {
                let base = if i % 2 == 0 { paris } else { lyon };
                (base.0 + 0.001 * i as f64, base.1)
            })
            .collect();
        let renumber = renumber_by_place(&coords);
        let mut seen = renumber.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
        // Each cluster occupies one contiguous block of numbers.
        let mut paris_numbers: Vec<usize> = (0..20).step_by(2).map(|i| renumber[i]).collect();
        paris_numbers.sort_unstable();
        let span = paris_numbers[9] - paris_numbers[0];
        assert_eq!(span, 9, "{paris_numbers:?}");
        let moved = permute(&coords, &renumber);
        for (old, &c) in coords.iter().enumerate() {
            assert_eq!(moved[renumber[old]], c);
        }
    }

    #[test]
    fn invalid_coordinates_go_last() {
        let coords = vec![(f64::NAN, 0.0), (10.0, 10.0), (10.001, 10.0)];
        assert_eq!(renumber_by_place(&coords)[0], 2);
    }
}
