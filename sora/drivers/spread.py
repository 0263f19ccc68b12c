"""The ``spread`` policy: the least allocated host wins."""

from __future__ import annotations

import numpy as np

from sora.drivers import usage
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class SpreadDriver(usage.CapacityPolicy):
    """Choose the host with the lowest share of its capacity in use.

    For memory and CPUs, and for the GPU share when the request needs
    GPUs, the policy takes the fraction of each host's capacity that would
    be in use after the placement. The score is minus the mean of those
    fractions, so the least allocated host wins and instances spread evenly
    over hosts of any size. The GPU share counts only for GPU requests, so
    that idle cards do not draw CPU-only instances onto GPU hosts. A host
    with no capacity of a resource counts as full in it.

    Equal scores go to the host whose name sorts first, or to a random one
    of them with ``[filter_scheduler] shuffle_best_same_weighed_hosts``.
    """

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        resources = ['memory_mb', 'vcpus_milli']
        if request.gpus:
            resources.append('gpu')
        fractions = [usage.used_fraction_after(hosts, rows, request, r,
                                               self._capacities)
                     for r in resources]
        scores = usage.mean_of(fractions)
        return np.negative(scores, out=scores)
