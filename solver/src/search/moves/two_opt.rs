//! Intra-route 2-opt: reverse the stretch after `u` up to `v`, so that `v`
//! follows `u` directly.

use smallvec::smallvec;

use super::{Piece, Position, Proposal, Proposals};

/// The proposal; `None` unless `u` comes before `v` in the same route.
pub fn proposals(
    u: Position,
    v: Position,
    route_len: impl Fn(usize) -> usize,
) -> Option<Proposals> {
    if u.route != v.route || v.index <= u.index + 1 {
        return None;
    }
    let a = u.route;
    Some(smallvec![Proposal {
        target: a,
        pieces: smallvec![
            Piece::forward(a, 0, u.index + 1),
            Piece {
                route: a,
                start: u.index + 1,
                end: v.index + 1,
                reversed: true,
            },
            Piece::forward(a, v.index + 1, route_len(a)),
        ],
    }])
}
