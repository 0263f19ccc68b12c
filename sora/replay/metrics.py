"""Figures computed from a replay: allocation, fragmentation, latency.

Allocation of a resource is what sora's claims use, as a percentage of the
capacity of every host in the inventory. Capacity is counted after reserved
amounts and allocation ratios, and a GPU card counts 1000 thousandths.

The time-weighted mean allocation is the integral of the allocation over
the trace span, divided by the span. The span runs from the first event
(arrival or departure) to the last, and the allocation is constant between
two events. A trace whose events all happen at one time has a span of 0;
its mean is then the allocation after the last event.

GPU fragmentation is the free GPU share that none of the trace's typical
GPU requests can use, as a percentage of the GPU capacity. The typical
requests are the most common GPU shapes (card count and share of a card)
that together make up at least 90% of the workloads that ask for GPUs, each
with the least CPU and memory that a workload of that shape requests. A
card's free share counts as fragmented on an enabled host when no typical
shape fits on the host with that card:

* a shape asking for a share below a whole card fits when the card has at
  least that share free;
* a shape asking for whole cards fits when the card is idle and the host
  has at least as many idle cards as the shape requests;
* in both cases the host must also have the shape's CPU and memory free.

A trace without GPU workloads has no typical shapes, and its fragmentation
is 0.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
import dataclasses

import numpy as np

from sora.replay.workload import Workload
from sora.scheduler.host_table import CARD_MILLI
from sora.scheduler.host_table import HostTable

# Share of the GPU workloads that the typical shapes cover together.
TYPICAL_COVERAGE = 0.9


@dataclasses.dataclass(frozen=True)
class Shape:
    """A typical GPU request: card count, share and least CPU and memory."""

    gpus: int
    gpu_milli: int
    vcpus_milli: int
    memory_mb: int
    count: int


def typical_shapes(workloads: Sequence[Workload],
                   coverage: float = TYPICAL_COVERAGE) -> list[Shape]:
    """Return the most common GPU shapes covering ``coverage`` of the trace.

    Shapes are ordered by how many workloads ask for them, then by card
    count and share, so the choice is the same on every run.
    """
    counts: collections.Counter = collections.Counter()
    least: dict[tuple[int, int], tuple[int, int]] = {}
    for workload in workloads:
        request = workload.request
        if not request.gpus:
            continue
        key = (request.gpus, request.gpu_milli)
        counts[key] += 1
        cpu, memory = least.get(key, (request.vcpus_milli,
                                      request.memory_mb))
        least[key] = (min(cpu, request.vcpus_milli),
                      min(memory, request.memory_mb))

    total = sum(counts.values())
    shapes: list[Shape] = []
    covered = 0
    for key, count in sorted(counts.items(),
                             key=lambda item: (-item[1], item[0])):
        if total and covered >= coverage * total:
            break
        shapes.append(Shape(key[0], key[1], least[key][0], least[key][1],
                            count))
        covered += count
    return shapes


def fragmented_gpu_milli(table: HostTable, shapes: Sequence[Shape]) -> int:
    """Return the free GPU thousandths that no typical shape can use.

    The caller holds the lock of the store that owns ``table``. Without
    typical shapes (a trace without GPU workloads) nothing counts as
    fragmented, so the result is 0.
    """
    if not len(table) or not shapes:
        return 0
    used = table.gpu_used
    present = np.arange(used.shape[1])[None, :] < table.gpus_total[:, None]
    free = np.where(present, CARD_MILLI - used, 0)

    # A card is usable when a shape fits both its host and the card. A
    # share fits a card with that much free, and whole cards fit idle
    # cards on a host with enough of them. So each host needs only the
    # smallest share of a shape that fits it, and whether a whole-card
    # shape does. That is one pass per shape over the hosts, not the cards.
    smallest_share = np.full(len(table), CARD_MILLI + 1)
    whole_cards = np.zeros(len(table), bool)
    for shape in shapes:
        host_fits = ((table.vcpus_milli_fit >= shape.vcpus_milli)
                     & (table.memory_mb_fit >= shape.memory_mb))
        if shape.gpu_milli < CARD_MILLI:
            np.minimum(smallest_share,
                       np.where(host_fits, shape.gpu_milli, CARD_MILLI + 1),
                       out=smallest_share)
        else:
            whole_cards |= host_fits & (table.gpu_free_cards >= shape.gpus)

    usable = free >= smallest_share[:, None]
    usable |= whole_cards[:, None] & present & (free == CARD_MILLI)
    stranded = np.where(usable | ~table.enabled[:, None], 0, free)
    return int(stranded.sum())


def time_weighted_mean(times: np.ndarray, values: np.ndarray) -> float:
    """Return the mean of a step function over its span.

    ``values[i]`` applies from ``times[i]`` until ``times[i + 1]``, and the
    span runs from the first time to the last. A span of 0 gives the last
    value.
    """
    if not len(times):
        return 0.0
    span = float(times[-1] - times[0])
    if span <= 0:
        return float(values[-1])
    return float(np.sum(np.diff(times) * values[:-1]) / span)


def percentile_ms(latencies: Sequence[float], q: float) -> float:
    """Return the q-th percentile of latencies in seconds, in milliseconds.

    Percentiles use numpy's default linear interpolation; no sample gives 0.
    """
    if not len(latencies):
        return 0.0
    return float(np.percentile(np.asarray(latencies), q) * 1000.0)


def percent(part: float, whole: float) -> float:
    """Return ``part`` as a percentage of ``whole``, or 0 when it is 0."""
    return 100.0 * part / whole if whole else 0.0
