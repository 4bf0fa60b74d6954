//! Swap: exchange a chain of `len_u` visits starting at `u` with a chain of
//! `len_v` visits starting at `v` in another route (1-1, 2-1, 1-2, 2-2).

use smallvec::smallvec;

use super::{Piece, Position, Proposal, Proposals};

/// Proposals of the exchange; `None` when degenerate.
pub fn proposals(
    u: Position,
    v: Position,
    len_u: usize,
    len_v: usize,
    route_len: impl Fn(usize) -> usize,
) -> Option<Proposals> {
    let (a, b) = (u.route, v.route);
    if a == b {
        return None;
    }
    let (la, lb) = (route_len(a), route_len(b));
    if u.index + len_u > la || v.index + len_v > lb {
        return None;
    }
    Some(smallvec![
        Proposal {
            target: a,
            pieces: smallvec![
                Piece::forward(a, 0, u.index),
                Piece::forward(b, v.index, v.index + len_v),
                Piece::forward(a, u.index + len_u, la),
            ],
        },
        Proposal {
            target: b,
            pieces: smallvec![
                Piece::forward(b, 0, v.index),
                Piece::forward(a, u.index, u.index + len_u),
                Piece::forward(b, v.index + len_v, lb),
            ],
        },
    ])
}
