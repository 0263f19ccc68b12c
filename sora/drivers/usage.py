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


def free_after(hosts: HostTable, rows: np.ndarray, request: RequestSpec,
               resource: str) -> np.ndarray:
    """Return what each candidate would have free after the placement."""
    if resource == 'gpu':
        free = hosts.gpu_free_milli[rows]
    else:
        free = getattr(hosts, resource + '_free')[rows]
    return free.astype(float) - amount(request, resource)


def used_fraction_after(hosts: HostTable, rows: np.ndarray,
                        request: RequestSpec, resource: str) -> np.ndarray:
    """Return the share of capacity each candidate would have in use.

    0 means empty and 1 means full; an over-committed host may exceed 1. A
    host without any capacity of the resource counts as full, so that the
    result is always finite.
    """
    total = capacity(hosts, resource)[rows]
    left = free_after(hosts, rows, request, resource)
    fraction = np.ones(len(rows))
    has = total > 0
    fraction[has] = 1.0 - left[has] / total[has]
    return fraction
