"""Which hosts' usage changed, in order, for caches of per-host results.

A claim, a release or a report changes one host's usage. The host table
records the row of each such change here. A cache that computed something
for every host notes ``count`` at that time. Later it reads the rows
changed since then and computes again for those rows only.

Only the latest changes are kept. A cache that has fallen further behind
gets None and starts again from every host, which costs about what
catching up on that many changes would.
"""

from __future__ import annotations

import numpy as np

# At least this many changes are kept, and at least four per host.
MIN_KEPT = 4096


class UsageLog:
    """The rows of the latest usage changes of one host table."""

    __slots__ = ('_rows', '_start')

    def __init__(self) -> None:
        # _rows[0] is change number _start + 1.
        self._rows: list[int] = []
        self._start = 0

    @property
    def count(self) -> int:
        """The number of changes recorded so far."""
        return self._start + len(self._rows)

    def record(self, row: int, hosts: int) -> None:
        """Record a change to ``row`` of a table of ``hosts`` rows."""
        rows = self._rows
        rows.append(row)
        if len(rows) > max(MIN_KEPT, 4 * hosts):
            half = len(rows) // 2
            del rows[:half]
            self._start += half

    def rows_since(self, count: int) -> np.ndarray | None:
        """Return the rows changed after change ``count``, each once.

        ``count`` is a value that ``count`` had. Return None when those
        changes are no longer all kept.
        """
        if count < self._start:
            return None
        return np.array(list(set(self._rows[count - self._start:])),
                        dtype=np.intp)
