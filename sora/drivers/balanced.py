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
        cpu, memory, gpu = (
            usage.used_fraction_after(hosts, rows, request, r)
            for r in ('vcpus_milli', 'memory_mb', 'gpu'))
        has_gpu = hosts.gpus_total[rows] > 0
        count = np.where(has_gpu, 3.0, 2.0)

        # The GPU term is added only where the host has cards. The sums
        # run in the order CPU, memory, GPU, so the scores are the same
        # numbers as a mean and a deviation over the stacked fractions.
        mean = np.add(cpu, memory)
        np.add(mean, gpu, out=mean, where=has_gpu)
        mean /= count

        squares = _square_deviation(cpu, mean)
        squares += _square_deviation(memory, mean)
        np.add(squares, _square_deviation(gpu, mean), out=squares,
               where=has_gpu)
        squares /= count
        np.sqrt(squares, out=squares)
        return np.negative(squares, out=squares)


def _square_deviation(fraction: np.ndarray, mean: np.ndarray) -> np.ndarray:
    deviation = np.subtract(fraction, mean)
    return np.multiply(deviation, deviation, out=deviation)
