"""The ``balanced`` policy: the host whose resources stay most even wins."""

from __future__ import annotations

import numpy as np

from sora.drivers import base
from sora.drivers import usage
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class BalancedDriver(base.SchedulerDriver):
    """Choose the host whose resources would be used most evenly.

    After the placement, the policy takes the fraction of each host's
    capacity in use for CPUs, memory and, on hosts that have GPUs, the GPU
    share. The score is minus the standard deviation of those fractions,
    so a host whose CPUs and memory (and cards) fill at the same pace wins,
    as with Kubernetes' balanced allocation. Leaving no resource idle while
    another is full keeps room for instances of every shape. On a GPU host
    the idle cards count too, so CPU-only instances lean towards hosts
    without GPUs.

    Equal scores go to the host whose name sorts first, or to a random one
    of them with ``[filter_scheduler] shuffle_best_same_weighed_hosts``.
    """

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        fractions = np.array([
            usage.used_fraction_after(hosts, rows, request, r)
            for r in ('vcpus_milli', 'memory_mb', 'gpu')])
        counted = np.ones(fractions.shape, bool)
        counted[2] = hosts.gpus_total[rows] > 0

        count = counted.sum(axis=0)
        mean = np.where(counted, fractions, 0.0).sum(axis=0) / count
        deviation = np.where(counted, fractions - mean, 0.0)
        return -np.sqrt((deviation ** 2).sum(axis=0) / count)
