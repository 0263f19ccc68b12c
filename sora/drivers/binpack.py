"""The ``binpack`` policy: the tightest fit wins."""

from __future__ import annotations

import numpy as np

from sora.drivers import base
from sora.drivers import usage
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class BinpackDriver(base.SchedulerDriver):
    """Choose the host that the request fills most tightly (best fit).

    For each resource the request needs (memory, CPUs, disk, GPU share),
    the policy takes what the host would have free after the placement and
    divides it by the largest capacity of that resource among all hosts.
    The score is minus the mean of those leftovers, so the host left with
    the least wins. Dividing by one number per resource cancels the units
    without favouring small hosts: hosts of different sizes are compared by
    their absolute leftover, as a best-fit bin packer does. With memory
    alone, the host with the least free memory that still fits wins.

    A request that asks for none of these resources scores 0 everywhere.
    Equal scores go to the host whose name sorts first, or to a random one
    of them with ``[filter_scheduler] shuffle_best_same_weighed_hosts``.
    """

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        leftovers = []
        for resource in usage.requested(request):
            largest = usage.capacity(hosts, resource).max(initial=0.0)
            if largest <= 0:
                # No host has any of it, so no host passed the filters for
                # this request; skipping keeps the scores finite.
                continue
            leftovers.append(
                usage.free_after(hosts, rows, request, resource) / largest)
        if not leftovers:
            return np.zeros(len(rows))
        return -np.mean(leftovers, axis=0)
