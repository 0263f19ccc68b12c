"""The order in which a replay processes arrivals and departures."""

from __future__ import annotations

from collections.abc import Sequence

from sora.replay.workload import Workload

DEPARTURE = 0
ARRIVAL = 1
# The departure of a workload that leaves at the moment it arrives. It sorts
# after the arrivals of that moment, so that it follows its own arrival.
INSTANT_DEPARTURE = 2


def build_events(workloads: Sequence[Workload]
                 ) -> list[tuple[float, int, int]]:
    """Return ``(time, kind, workload index)`` events in replay order.

    Events are sorted by time. At equal times, departures come first, so
    the resources they free are available to the arrivals of that moment.
    Arrivals at equal times keep the order of the trace, and so do
    departures. A workload whose departure equals its arrival departs right
    after the arrivals of that moment, because it cannot leave before it
    arrives.
    """
    events = []
    for index, workload in enumerate(workloads):
        events.append((workload.arrival, ARRIVAL, index))
        if workload.departure is None:
            continue
        kind = (INSTANT_DEPARTURE if workload.departure == workload.arrival
                else DEPARTURE)
        events.append((workload.departure, kind, index))
    events.sort()
    return events
