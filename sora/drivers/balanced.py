"""The ``balanced`` policy: the host whose resources stay most even wins."""

from __future__ import annotations

import numpy as np

from sora.drivers import usage
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class BalancedDriver(usage.CapacityPolicy):
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
        cpu, memory = (
            usage.used_fraction_after(hosts, rows, request, r,
                                      self._capacities)
            for r in ('vcpus_milli', 'memory_mb'))
        gpu, has_gpu = self._gpu_terms(hosts, rows, request)
        count = has_gpu + 2.0

        # The sums run in the order CPU, memory, GPU, so the scores are the
        # same numbers as a mean and a deviation over the stacked
        # fractions. On a host without cards the GPU terms are 0.0, and
        # adding 0.0 changes no sum here: the fractions are 1 - x, never
        # -0.0, and the squares are never negative.
        mean = np.add(cpu, memory)
        mean += gpu
        mean /= count

        squares = _square_deviation(cpu, mean)
        squares += _square_deviation(memory, mean)
        gpu_deviation = np.subtract(gpu, mean, out=gpu)
        gpu_deviation *= has_gpu
        squares += np.multiply(gpu_deviation, gpu_deviation,
                               out=gpu_deviation)
        squares /= count
        np.sqrt(squares, out=squares)
        return np.negative(squares, out=squares)

    def _gpu_terms(self, hosts: HostTable, rows: np.ndarray,
                   request: RequestSpec) -> tuple[np.ndarray, np.ndarray]:
        """Return the GPU fraction in use and 1.0 or 0.0 for having cards.

        The fraction is the GPU share in use after the placement on a host
        with cards, and 0.0 on a host without any, so that it adds nothing
        to the mean there. The terms are weighted with the second array
        instead of being selected with a mask, because masks that pick
        hosts at random cost several times a plain pass.
        """
        share, has_gpu = usage.left_share_after(hosts, rows, request, 'gpu',
                                                self._capacities)
        if has_gpu is None:
            has_gpu = np.ones(len(rows))
        # 1 - share with cards, as used_fraction_after computes it, and
        # 0 - 0 = 0 without.
        return np.subtract(has_gpu, share, out=share), has_gpu


def _square_deviation(fraction: np.ndarray, mean: np.ndarray) -> np.ndarray:
    deviation = np.subtract(fraction, mean)
    return np.multiply(deviation, deviation, out=deviation)
