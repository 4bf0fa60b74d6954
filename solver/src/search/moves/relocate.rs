//! Relocate and Or-opt: move a chain of 1-3 consecutive visits starting at
//! `u` (possibly reversed) to just after visit `v`, in `v`'s route or
//! within the same route.

use smallvec::smallvec;

use super::{Piece, Position, Proposal, Proposals};

/// Proposals moving `len` visits from `u` to after `v`; `None` when the
/// move is degenerate (overlap, out of range).
pub fn proposals(
    u: Position,
    v: Position,
    len: usize,
    reversed: bool,
    route_len: impl Fn(usize) -> usize,
) -> Option<Proposals> {
    let (a, b) = (u.route, v.route);
    let la = route_len(a);
    if u.index + len > la {
        return None;
    }
    let chain = Piece {
        route: a,
        start: u.index,
        end: u.index + len,
        reversed,
    };
    if a != b {
        let lb = route_len(b);
        return Some(smallvec![
            Proposal {
                target: a,
                pieces: smallvec![
                    Piece::forward(a, 0, u.index),
                    Piece::forward(a, u.index + len, la),
                ],
            },
            Proposal {
                target: b,
                pieces: smallvec![
                    Piece::forward(b, 0, v.index + 1),
                    chain,
                    Piece::forward(b, v.index + 1, lb),
                ],
            },
        ]);
    }
    // Same route: v must lie outside the chain, and not just before it.
    if v.index >= u.index && v.index < u.index + len || v.index + 1 == u.index {
        return None;
    }
    let pieces = if v.index < u.index {
        smallvec![
            Piece::forward(a, 0, v.index + 1),
            chain,
            Piece::forward(a, v.index + 1, u.index),
            Piece::forward(a, u.index + len, la),
        ]
    } else {
        smallvec![
            Piece::forward(a, 0, u.index),
            Piece::forward(a, u.index + len, v.index + 1),
            chain,
            Piece::forward(a, v.index + 1, la),
        ]
    };
    Some(smallvec![Proposal { target: a, pieces }])
}

/// Moving the chain to the front of `v`'s route (after its start).
pub fn to_front(
    u: Position,
    target: usize,
    len: usize,
    reversed: bool,
    route_len: impl Fn(usize) -> usize,
) -> Option<Proposals> {
    let a = u.route;
    let la = route_len(a);
    if u.index + len > la || a == target {
        return None;
    }
    let chain = Piece {
        route: a,
        start: u.index,
        end: u.index + len,
        reversed,
    };
    Some(smallvec![
        Proposal {
            target: a,
            pieces: smallvec![
                Piece::forward(a, 0, u.index),
                Piece::forward(a, u.index + len, la),
            ],
        },
        Proposal {
            target,
            pieces: smallvec![chain, Piece::forward(target, 0, route_len(target))],
        },
    ])
}
