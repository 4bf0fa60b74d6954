//! 2-opt* (swap tails): routes `A` and `B` exchange their tails so that
//! `v` follows `u` — `A` keeps its head up to `u` and takes `B`'s tail from
//! `v`; `B` keeps its head before `v` and takes `A`'s tail after `u`. The
//! key inter-route move for time windows.

use smallvec::smallvec;

use super::{Piece, Position, Proposal, Proposals};

/// The proposals; `None` when `u` and `v` share a route.
pub fn proposals(
    u: Position,
    v: Position,
    route_len: impl Fn(usize) -> usize,
) -> Option<Proposals> {
    let (a, b) = (u.route, v.route);
    if a == b {
        return None;
    }
    let (la, lb) = (route_len(a), route_len(b));
    Some(smallvec![
        Proposal {
            target: a,
            pieces: smallvec![
                Piece::forward(a, 0, u.index + 1),
                Piece::forward(b, v.index, lb),
            ],
        },
        Proposal {
            target: b,
            pieces: smallvec![
                Piece::forward(b, 0, v.index),
                Piece::forward(a, u.index + 1, la),
            ],
        },
    ])
}
