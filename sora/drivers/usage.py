"""Free amounts and used fractions of hosts after one more instance.

The packing and balancing policies all compare hosts by their state after
the placement under consideration, per resource: memory, CPUs, disk and the
GPU share. These helpers compute those columns for the candidate rows, so
that each policy only states how it combines them.

Capacities are after reserved amounts and allocation ratios. The GPU share
is counted in thousandths of a card: a host with 8 cards has a capacity of
8000, and a request for one card with a 600 share takes 600.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
import weakref

import numpy as np
from oslo_config import cfg

from sora.drivers import base

from sora.scheduler.host_table import CARD_MILLI
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

# Every resource a policy can weigh, in a fixed order.
RESOURCES = ('memory_mb', 'vcpus_milli', 'disk_gb', 'gpu')


def amount(request: RequestSpec, resource: str) -> int:
    """Return how much of ``resource`` one instance of the request takes."""
    if resource == 'gpu':
        return request.gpu_share_milli
    return getattr(request, resource)


def requested(request: RequestSpec) -> list[str]:
    """Return the resources of which the request needs a non-zero amount."""
    return [r for r in RESOURCES if amount(request, r) > 0]


def capacity(hosts: HostTable, resource: str) -> np.ndarray:
    """Return every host's capacity of ``resource``, as floats."""
    if resource == 'gpu':
        return hosts.gpus_total * float(CARD_MILLI)
    return getattr(hosts, resource + '_capacity').astype(float)


class Capacities:
    """One resource's capacity over every host, with what policies derive.

    ``column`` is ``capacity(hosts, resource)``, read-only, and ``largest``
    its maximum (0.0 for an empty table). When some host has no capacity,
    ``present`` is 1.0 where a host has some and 0.0 elsewhere, and
    ``divisor`` is the capacity with 1.0 in place of 0, so that a policy
    can divide by it without a mask. Both are None when every host has
    capacity.
    """

    __slots__ = ('column', 'largest', 'present', 'divisor')

    def __init__(self, column: np.ndarray) -> None:
        column.flags.writeable = False
        self.column = column
        self.largest = float(column.max(initial=0.0))
        positive = column > 0
        self.present: np.ndarray | None = None
        self.divisor: np.ndarray | None = None
        if not positive.all():
            self.present = positive.astype(float)
            self.divisor = np.where(positive, column, 1.0)
            self.present.flags.writeable = False
            self.divisor.flags.writeable = False


class CapacityCache:
    """Every host's capacities as floats, kept until the hosts change.

    Capacities change only when hosts are added, removed or described
    again, or when the allocation ratios or reserved amounts change, and
    the host table's ``generation`` moves with each of these but never
    with a claim. A policy that keeps one cache and passes it to the
    helpers below converts each capacity column, takes its maximum and
    looks for hosts without capacity once per generation instead of once
    per decision. The cache holds host data only, never anything about a
    request.
    """

    def __init__(self) -> None:
        # (weak reference to the table, its generation, resource ->
        # Capacities). Replaced as a whole, so a reader never sees a
        # half-updated state.
        self._state: tuple = (None, -1, {})

    def get(self, hosts: HostTable, resource: str) -> Capacities:
        """Return the capacities of ``resource`` for the current hosts."""
        owner, generation, entries = self._state
        if (owner is None or owner() is not hosts
                or generation != hosts.generation):
            entries = {}
            self._state = (weakref.ref(hosts), hosts.generation, entries)
        entry = entries.get(resource)
        if entry is None:
            entry = Capacities(capacity(hosts, resource))
            entries[resource] = entry
        return entry


def largest_capacity(hosts: HostTable, resource: str,
                     cache: CapacityCache | None = None) -> float:
    """Return the largest capacity of ``resource`` among all hosts.

    The result equals ``capacity(hosts, resource).max(initial=0.0)``, so 0
    for an empty table. Without a cache it takes the maximum of the
    integer column, which converts one number instead of every host.
    """
    if cache is not None:
        return cache.get(hosts, resource).largest
    if resource == 'gpu':
        return float(hosts.gpus_total.max(initial=0)) * float(CARD_MILLI)
    return float(getattr(hosts, resource + '_capacity').max(initial=0))


def free_after(hosts: HostTable, rows: np.ndarray, request: RequestSpec,
               resource: str) -> np.ndarray:
    """Return what each candidate would have free after the placement.

    The result is a new float array that the caller may change in place.
    """
    if resource == 'gpu':
        free = hosts.gpu_free_milli.take(rows)
    else:
        free = getattr(hosts, resource + '_free').take(rows)
    left = free.astype(float)
    needed = amount(request, resource)
    if needed:
        # Skipped for 0, since an integer converted to float is never
        # -0.0, and subtracting 0 would change nothing.
        left -= needed
    return left


def used_fraction_after(hosts: HostTable, rows: np.ndarray,
                        request: RequestSpec, resource: str,
                        cache: CapacityCache | None = None) -> np.ndarray:
    """Return the share of capacity each candidate would have in use.

    0 means empty and 1 means full; an over-committed host may exceed 1. A
    host without any capacity of the resource counts as full, so that the
    result is always finite. The result is a new array that the caller may
    change in place.
    """
    if cache is not None:
        # A host without capacity gets 1 - 0 = 1 (full).
        share, _present = left_share_after(hosts, rows, request, resource,
                                           cache)
        return np.subtract(1.0, share, out=share)

    left = free_after(hosts, rows, request, resource)
    if resource == 'gpu':
        total = hosts.gpus_total.take(rows) * float(CARD_MILLI)
    else:
        total = getattr(hosts, resource + '_capacity').take(rows)
    # left / total where the host has capacity and 0 elsewhere, so that a
    # host without capacity gets 1 - 0 = 1 (full).
    fraction = np.divide(left, total, out=np.zeros(len(rows)),
                         where=total > 0)
    return np.subtract(1.0, fraction, out=fraction)


def left_share_after(hosts: HostTable, rows: np.ndarray,
                     request: RequestSpec, resource: str,
                     cache: CapacityCache
                     ) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the share of capacity each candidate would have left.

    The first array is what a candidate would have free after the
    placement divided by its capacity, and 0 for a host without capacity;
    the caller may change it in place. The second is
    ``Capacities.present`` for the candidates (1.0 for a host with
    capacity, 0.0 for one without), or None when every host has capacity.
    """
    left = free_after(hosts, rows, request, resource)
    capacities = cache.get(hosts, resource)
    if capacities.present is None:
        return np.divide(left, capacities.column.take(rows), out=left), None
    # Multiplying by 1.0 and dividing by the capacity gives the numbers of
    # a division masked to the hosts with capacity, which costs several
    # times as much when the mask picks hosts at random. A host without
    # capacity gets 0 / 1.
    present = capacities.present.take(rows)
    if resource != 'gpu' or amount(request, resource):
        # A host without cards has no free GPU share, so for a request
        # without GPUs its left share is already 0 and this is skipped.
        left *= present
    left /= capacities.divisor.take(rows)  # type: ignore[operator]
    return left, present


def mean_of(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Return the element-wise mean of one or more float arrays.

    The arrays are added in order and the sum is divided by their count,
    which is the arithmetic of ``np.mean(columns, axis=0)`` and so gives
    the same numbers, without copying the arrays into one 2-D array first.
    """
    if len(columns) == 1:
        total = np.array(columns[0], dtype=float)
    else:
        total = np.add(columns[0], columns[1], dtype=float)
    for column in columns[2:]:
        total += column
    total /= len(columns)
    return total


class CapacityPolicy(base.SchedulerDriver):
    """Base of the policies that compare hosts after the placement.

    Such a policy states how it combines the helpers above for each
    resource. It keeps one CapacityCache for them, and since each host's
    score depends only on that host and the request's amounts, it sets
    ``scores_per_host`` so that the manager keeps scores between
    decisions.
    """

    scores_per_host = True

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        self._capacities = CapacityCache()

    @abc.abstractmethod
    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        """Return one score per row in ``rows``; higher is better."""
