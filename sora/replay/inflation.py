"""The inflation protocol: a published way to load a GPU cluster trace.

The protocol, as published with the openb trace:

* the pod list is shuffled with a seeded random generator;
* it is then extended by pods drawn uniformly, with replacement, from the
  original list, until the total GPU share requested would pass the
  target factor times the cluster's GPU capacity. The pod that would pass
  it is not added. When the shuffled list alone passes it, the list is cut
  the same way;
* pods arrive one after another and never depart; a pod that finds no
  host is dropped, with no retry.

The figure of merit is the GPU allocation (GPU thousandths held / GPU
thousandths in the cluster) as a function of the arrived GPU demand (GPU
thousandths requested by every pod so far, placed or not, as a percentage
of the capacity).
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses

import numpy as np

from sora import exception
from sora.replay.workload import Workload

NAME = 'inflation'
DEFAULT_TARGET = 1.3


def build_workloads(pods: Sequence[Workload], capacity_milli: int,
                    target: float, seed: int) -> list[Workload]:
    """Return the protocol's pods for one seed, one arrival per second.

    The n-th pod arrives at n seconds and never departs. Pods drawn again
    from the list get the name ``<name>~<n>`` so that names stay unique.
    """
    rng = np.random.default_rng(seed)
    limit = target * capacity_milli
    chosen: list[Workload] = []
    total = 0

    def add(pod: Workload, copy: bool) -> bool:
        nonlocal total
        share = pod.gpu_share_milli
        if total + share > limit:
            return False
        total += share
        position = len(chosen)
        name = '%s~%d' % (pod.name, position) if copy else pod.name
        chosen.append(dataclasses.replace(pod, name=name,
                                          arrival=float(position),
                                          departure=None))
        return True

    for index in rng.permutation(len(pods)):
        if not add(pods[int(index)], False):
            return chosen
    if not any(pod.gpu_share_milli for pod in pods):
        return chosen
    while add(pods[int(rng.integers(len(pods)))], True):
        pass
    return chosen


def arrived_demand_percent(workloads: Sequence[Workload],
                           capacity_milli: int) -> np.ndarray:
    """Return the arrived GPU demand after each pod, in % of capacity."""
    shares = np.array([w.gpu_share_milli for w in workloads], dtype=float)
    if not capacity_milli:
        return np.zeros(len(shares))
    return np.cumsum(shares) * 100.0 / capacity_milli


def allocation_curve(demand_percent: np.ndarray,
                     allocated_milli: np.ndarray, capacity_milli: int,
                     last_percent: int) -> np.ndarray:
    """Return the GPU allocation in % at each whole percent of demand.

    Entry p - 1 is the allocation right after the last pod whose arrived
    demand is at most p%, for p from 1 to ``last_percent``. Before the
    first pod with a GPU, the allocation is 0.
    """
    grid = np.arange(1, last_percent + 1, dtype=float)
    # A tolerance absorbs rounding in the cumulative sum, so that a pod that
    # brings the demand to exactly p% counts at p%.
    positions = np.searchsorted(demand_percent, grid + 1e-9, side='right')
    allocation = np.zeros(len(grid))
    if capacity_milli:
        reached = positions > 0
        allocation[reached] = (allocated_milli[positions[reached] - 1]
                               * 100.0 / capacity_milli)
    return allocation


# The maximum number of seeds that one run may list.
MAX_SEEDS = 1000


def parse_seeds(text: str) -> list[int]:
    """Return the seeds of ``42``, ``42-51`` or ``1,5,9``.

    Raise ValueError naming the part that is not a seed or a range.
    """
    seeds: list[int] = []
    for part in (p.strip() for p in text.split(',')):
        low, dash, high = part.partition('-')
        if not (low.isdigit() and (not dash or high.isdigit())):
            raise ValueError('%s is not a seed (such as 42) or a range of '
                             'seeds (such as 42-51)' % exception.shown(part))
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ValueError('range %s ends before it starts'
                             % exception.shown(part))
        if last - first + len(seeds) >= MAX_SEEDS:
            raise ValueError('%s gives more than %d seeds; each seed is a '
                             'whole replay, so choose fewer'
                             % (exception.shown(text), MAX_SEEDS))
        seeds.extend(s for s in range(first, last + 1) if s not in seeds)
    return seeds
