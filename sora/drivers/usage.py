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

from collections.abc import Sequence

import numpy as np

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


def largest_capacity(hosts: HostTable, resource: str) -> float:
    """Return the largest capacity of ``resource`` among all hosts.

    The result equals ``capacity(hosts, resource).max(initial=0.0)``, so 0
    for an empty table, but it takes the maximum of the integer column
    before converting one number instead of converting every host.
    """
    if resource == 'gpu':
        return float(hosts.gpus_total.max(initial=0)) * float(CARD_MILLI)
    return float(getattr(hosts, resource + '_capacity').max(initial=0))


def _candidate_capacity(hosts: HostTable, rows: np.ndarray,
                        resource: str) -> np.ndarray:
    # The capacity of the candidates only: integers for memory, CPUs and
    # disk, floats for the GPU share, as capacity() computes them.
    if resource == 'gpu':
        return hosts.gpus_total[rows] * float(CARD_MILLI)
    return getattr(hosts, resource + '_capacity')[rows]


def free_after(hosts: HostTable, rows: np.ndarray, request: RequestSpec,
               resource: str) -> np.ndarray:
    """Return what each candidate would have free after the placement.

    The result is a new float array that the caller may change in place.
    """
    if resource == 'gpu':
        free = hosts.gpu_free_milli[rows]
    else:
        free = getattr(hosts, resource + '_free')[rows]
    # One pass that converts to float and subtracts, with the same result
    # as free.astype(float) - amount.
    return np.subtract(free, amount(request, resource), dtype=float)


def used_fraction_after(hosts: HostTable, rows: np.ndarray,
                        request: RequestSpec, resource: str) -> np.ndarray:
    """Return the share of capacity each candidate would have in use.

    0 means empty and 1 means full; an over-committed host may exceed 1. A
    host without any capacity of the resource counts as full, so that the
    result is always finite. The result is a new array that the caller may
    change in place.
    """
    total = _candidate_capacity(hosts, rows, resource)
    left = free_after(hosts, rows, request, resource)
    # left / total where the host has capacity and 0 elsewhere, so that
    # 1 - that is 1 (full) for a host without capacity.
    fraction = np.divide(left, total, out=np.zeros(len(rows)),
                         where=total > 0)
    return np.subtract(1.0, fraction, out=fraction)


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
