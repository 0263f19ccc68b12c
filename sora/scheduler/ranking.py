"""Order candidate hosts by score, with a defined tie-break."""

from __future__ import annotations

import numpy as np

# The score that marks a row as already taken.
_TAKEN = -np.inf


def best_rows(scores: np.ndarray, rows: np.ndarray, limit: int,
              rng: np.random.Generator | None = None) -> list[int]:
    """Return up to ``limit`` rows, highest score first.

    ``rows`` must be in ascending order. Since the host table is sorted by
    name, equal scores then go to the host whose name sorts first. With
    ``rng``, equal scores go to a host drawn at random among them instead.
    Each pass is one scan of the scores, so the cost is ``limit`` scans and
    never a full sort.
    """
    return take_best(np.array(scores, dtype=float), rows, limit, rng)


def take_best(scores: np.ndarray, rows: np.ndarray, limit: int,
              rng: np.random.Generator | None = None,
              first: int | None = None) -> list[int]:
    """Do what best_rows does, overwriting ``scores`` in place.

    ``scores`` must be a float array that the caller owns. The caller saves
    the copy that best_rows makes. ``first``, when given, is
    ``scores.argmax()``, which a caller that already computed it passes so
    that the first pass over the scores is not made twice.
    """
    picked: list[int] = []
    for _ in range(min(limit, len(rows))):
        if first is None:
            best = scores.argmax()
        else:
            best, first = first, None
        if rng is not None:
            tied = np.flatnonzero(scores == scores[best])
            if len(tied) > 1:
                best = tied[rng.integers(len(tied))]
        # item() returns a Python int without a numpy scalar in between.
        picked.append(rows.item(best))
        scores[best] = _TAKEN
    return picked
