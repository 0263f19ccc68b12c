"""Scores of every host per request shape, kept between decisions.

A policy that sets ``scores_per_host`` gives each host a score that depends
only on that host, on what changes with the host table's ``generation``, and
on the amounts in the request. Between two decisions only a few hosts
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

# At most this many request shapes are kept.
MAX_SHAPES = 256

# Counts of use are halved after this many requests.
AGE_AFTER = 10000

# At most this many shapes that were not kept are counted.
MAX_COUNTED = 4096


def request_shape(request: RequestSpec) -> tuple[int, ...]:
    """Return the amounts that a per-host score may depend on."""
    return (request.memory_mb, request.vcpus_milli, request.disk_gb,
            request.gpus, request.gpu_milli)


class _Entry:

    __slots__ = ('scores', 'changes', 'uses')

    def __init__(self, scores: np.ndarray, changes: int) -> None:
        self.scores = scores
        self.changes = changes
        self.uses = 1


class ScoreCache:
    """Every host's score per request shape, for one policy.

    The cache keeps nothing about a request beyond its shape, and it
    starts again whenever the table is replaced or its generation moves.
    The owner serialises calls, as it serialises decisions.

    When more shapes recur than fit, the cache keeps the most used ones.
    A shape that is not kept is scored on the candidates alone, as
    without a cache, because scoring every host for a shape that is then
    dropped would cost more than it saves. A shape takes the place of the
    least used one only once it has been asked for more often, and every
    count is halved from time to time, so that the kept shapes follow a
    change in the workload.
    """

    def __init__(self, max_scores: int = MAX_SCORES,
                 max_shapes: int = MAX_SHAPES) -> None:
        self._max_scores = max_scores
        self._max_shapes = max_shapes
        self._owner: weakref.ref | None = None
        self._generation = -1
        self._entries: dict[tuple[int, ...], _Entry] = {}
        # Requests for shapes that were not kept, counted to decide
        # which shape is worth a place.
        self._misses: collections.Counter = collections.Counter()
        self._requests = 0

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
        self._age()

        shape = request_shape(request)
        entry = self._entries.get(shape)
        if entry is None:
            if not self._admit(shape, len(table)):
                return np.asarray(score(table, rows, request), dtype=float)
            every = np.arange(len(table))
            entry = _Entry(np.array(score(table, every, request),
                                    dtype=float), table.usage_log.count)
            self._entries[shape] = entry
        else:
            changed = table.usage_log.rows_since(entry.changes)
            if changed is None:
                entry.scores = np.array(
                    score(table, np.arange(len(table)), request),
                    dtype=float)
            elif len(changed):
                entry.scores[changed] = score(table, changed, request)
            entry.changes = table.usage_log.count
            entry.uses += 1

        return entry.scores.take(rows)

    def _follow(self, table: HostTable) -> None:
        """Forget every shape when the table or its generation changed."""
        owner = self._owner() if self._owner is not None else None
        if owner is not table or self._generation != table.generation:
            self._entries.clear()
            self._owner = weakref.ref(table)
            self._generation = table.generation

    def _age(self) -> None:
        """Halve every count after a number of requests."""
        self._requests += 1
        if self._requests < AGE_AFTER:
            return
        self._requests = 0
        for entry in self._entries.values():
            entry.uses = max(1, entry.uses // 2)
        self._misses = collections.Counter(
            {shape: count // 2 for shape, count in self._misses.items()
             if count > 1})

    def _admit(self, shape: tuple[int, ...], hosts: int) -> bool:
        """Return whether to keep a new shape, making room if needed."""
        limit = min(self._max_shapes, max(1, self._max_scores // hosts))
        if len(self._entries) < limit:
            return True
        self._misses[shape] += 1
        if len(self._misses) > MAX_COUNTED:
            self._misses = collections.Counter(
                dict(self._misses.most_common(MAX_COUNTED // 2)))
        least = min(self._entries, key=lambda kept: self._entries[kept].uses)
        if self._misses[shape] <= self._entries[least].uses:
            return False
        del self._entries[least]
        del self._misses[shape]
        return True
