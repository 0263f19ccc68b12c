"""Scores of every host per request shape, kept between decisions.

A policy that sets ``scores_per_host`` gives each host a score that depends
only on that host, on what changes with the host table's ``generation``, and
on the amounts the request asks for. Between two decisions only a few hosts
change: the one that took the last claim, and those whose instances ended.
So the manager keeps, per request shape, the score of every host, and before
each decision it scores again only the hosts whose usage changed since.
Requests of one shape recur all the time in a real cluster (the openb trace
has 162 shapes in 8,152 pods), so most decisions score a few hosts instead
of all of them.

The cached scores are the numbers the policy would return: every score is
computed by the policy's own ``score_hosts``, on fewer rows at a time, and
array arithmetic gives each element the same result whatever the length of
the array.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
import weakref

import numpy as np

from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

# A function that scores some rows of the table for a request and returns
# one float per row.
Scorer = Callable[[HostTable, np.ndarray, RequestSpec], np.ndarray]

# At most this many scores are kept over all shapes: 32 MiB of floats.
MAX_SCORES = 1 << 22

# At most this many request shapes are kept; the least recently used goes.
MAX_SHAPES = 256


def request_shape(request: RequestSpec) -> tuple[int, ...]:
    """Return the amounts that a per-host score may depend on."""
    return (request.memory_mb, request.vcpus_milli, request.disk_gb,
            request.gpus, request.gpu_milli)


class _Entry:

    __slots__ = ('scores', 'changes')

    def __init__(self, scores: np.ndarray, changes: int) -> None:
        self.scores = scores
        self.changes = changes


class ScoreCache:
    """Every host's score per request shape, for one policy.

    The cache holds nothing about a request beyond its shape, and it
    starts again whenever the table is replaced or its generation moves.
    The owner serialises calls, as it serialises decisions.
    """

    def __init__(self, max_scores: int = MAX_SCORES,
                 max_shapes: int = MAX_SHAPES) -> None:
        self._max_scores = max_scores
        self._max_shapes = max_shapes
        self._owner: weakref.ref | None = None
        self._generation = -1
        self._entries: collections.OrderedDict = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def scores(self, table: HostTable, rows: np.ndarray,
               request: RequestSpec, score: Scorer) -> np.ndarray:
        """Return the scores of ``rows``, as ``score`` would give them.

        The result is a new float array that the caller may change.
        """
        if len(table) > self._max_scores:
            # Too large to keep even one shape.
            return np.asarray(score(table, rows, request), dtype=float)
        self._follow(table)

        shape = request_shape(request)
        entry = self._entries.get(shape)
        if entry is None:
            every = np.arange(len(table))
            entry = _Entry(np.array(score(table, every, request),
                                    dtype=float), table.usage_log.count)
            self._keep(shape, entry, len(table))
        else:
            changed = table.usage_log.rows_since(entry.changes)
            if changed is None:
                entry.scores = np.array(
                    score(table, np.arange(len(table)), request),
                    dtype=float)
            elif len(changed):
                entry.scores[changed] = score(table, changed, request)
            entry.changes = table.usage_log.count
            self._entries.move_to_end(shape)

        return entry.scores.take(rows)

    def _follow(self, table: HostTable) -> None:
        """Forget every shape when the table or its generation changed."""
        owner = self._owner() if self._owner is not None else None
        if owner is not table or self._generation != table.generation:
            self._entries.clear()
            self._owner = weakref.ref(table)
            self._generation = table.generation

    def _keep(self, shape: tuple[int, ...], entry: _Entry,
              hosts: int) -> None:
        self._entries[shape] = entry
        limit = min(self._max_shapes, max(1, self._max_scores // hosts))
        while len(self._entries) > limit:
            self._entries.popitem(last=False)
