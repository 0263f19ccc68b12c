"""Workloads and traces: what a replay places, read from a file."""

from __future__ import annotations

import dataclasses

from sora.scheduler.request import RequestSpec


@dataclasses.dataclass(frozen=True)
class Workload:
    """One workload of a trace: a request with an arrival and a departure.

    Times are in seconds from the start of the trace. ``departure`` is None
    for a workload that never leaves. ``line`` is the line of the trace
    file that described it, for messages.
    """

    name: str
    arrival: float
    departure: float | None
    request: RequestSpec
    line: int = 0

    @property
    def gpu_share_milli(self) -> int:
        """Thousandths of GPU cards that the workload requests in total."""
        return self.request.gpu_share_milli


@dataclasses.dataclass
class Trace:
    """The workloads of a trace file, in file order.

    ``skipped`` contains one message per invalid line that was skipped, which
    only happens when the reader was asked to skip invalid lines.
    """

    path: str
    format: str
    workloads: list[Workload]
    skipped: list[str] = dataclasses.field(default_factory=list)
