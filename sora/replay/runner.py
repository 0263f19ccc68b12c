"""Replay the events of a trace through one SchedulerManager.

Each arrival is placed with ``select_destinations``, so the decision takes
the configured filters, the policy and the store's claims, exactly as for
``sora-scheduler select``. Each departure releases the workload's claim
through the manager. A workload that finds no host is counted as unplaced
with its reason, unless retries are enabled:

With ``retries`` = N above 0, a workload that finds no host waits in a
queue. Once the departures of one moment have been processed, and before
the arrivals of that moment, every waiting workload is tried again, in
arrival order. Each try after the first uses up one of its N retries. A
workload is counted as unplaced, with the reason of its last try, when its
retries run out, when its own departure time comes while it still waits,
or when the trace ends. So a replay makes at most N extra decisions per
workload.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
import dataclasses
import time

import numpy as np

from sora import exception
from sora.replay import events as events_mod
from sora.replay import metrics
from sora.replay.workload import Workload
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.selection import Selection

# Called after each event with the manager, the event kind and the
# workload. Tests use it to check the host table between events.
Observer = Callable[[SchedulerManager, int, Workload], None]
# Called with the number of events processed so far.
ProgressCallback = Callable[[int], None]

DEFAULT_SAMPLES = 200


@dataclasses.dataclass
class RunResult:
    """The figures of one policy's replay of one trace.

    ``times`` and the three ``*_used`` arrays (floats) give the allocation
    held after each event. Amounts are CPUs in thousandths, memory in MiB and
    GPU share in thousandths of a card. ``capacity`` gives the same three
    resources summed over every host.
    """

    policy: str
    seed: int | None
    total: int
    placed: int
    placed_on_retry: int
    unplaced: int
    reasons: collections.Counter
    latencies: list[float]
    wall_time: float
    capacity: dict[str, int]
    times: np.ndarray
    vcpus_milli_used: np.ndarray
    memory_mb_used: np.ndarray
    gpu_milli_used: np.ndarray
    sample_times: np.ndarray
    fragmented_milli: np.ndarray
    last_arrival_fragmented_milli: int
    arrival_gpu_milli_used: np.ndarray


def dominant_reason(error: exception.NoValidHost) -> str:
    """Return the reason that rejected the most hosts.

    Among equal counts the first reason by name wins. An empty inventory
    has no reasons, and gets a note saying so.
    """
    if not error.reasons:
        return 'the inventory is empty'
    return sorted(error.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


class Replay:
    """One replay of a list of workloads on one manager's hosts.

    :param manager: the manager whose policy, filters and hosts decide; it
        should hold no claims yet.
    :param workloads: the workloads to place, in trace order.
    :param shapes: the typical GPU shapes that fragmentation is measured
        against (see sora.replay.metrics).
    :param samples: how many evenly spaced times fragmentation is sampled
        at, over the trace span.
    :param retries: how many times a workload that found no host is tried
        again; 0 disables retries.
    """

    def __init__(self, manager: SchedulerManager,
                 workloads: Sequence[Workload],
                 shapes: Sequence[metrics.Shape],
                 samples: int = DEFAULT_SAMPLES, retries: int = 0,
                 seed: int | None = None,
                 observer: Observer | None = None,
                 progress: ProgressCallback | None = None) -> None:
        self.manager = manager
        self.workloads = list(workloads)
        self.shapes = list(shapes)
        self.samples = samples
        self.retries = retries
        self.seed = seed
        self.observer = observer
        self.progress = progress

        self._selections: list[Selection | None] = [None] * len(workloads)
        self._pending: dict[int, int] = {}
        self._last_error: dict[int, str] = {}
        self._used = [0, 0, 0]
        self._latencies: list[float] = []
        self._reasons: collections.Counter = collections.Counter()
        self._placed = 0
        self._placed_on_retry = 0

    # -- decisions --------------------------------------------------------

    def _place(self, index: int) -> bool:
        request = self.workloads[index].request
        start = time.perf_counter()
        try:
            selections = self.manager.select_destinations(request)
        except exception.NoValidHost as error:
            self._latencies.append(time.perf_counter() - start)
            self._last_error[index] = dominant_reason(error)
            return False
        self._latencies.append(time.perf_counter() - start)

        selection = selections[0]
        self._selections[index] = selection
        claim = selection.claim
        self._used[0] += claim.vcpus_milli
        self._used[1] += claim.memory_mb
        self._used[2] += claim.gpu_milli * len(claim.gpu_cards)
        self._placed += 1
        return True

    def _release(self, index: int) -> bool:
        selection = self._selections[index]
        if selection is None:
            return False
        self._selections[index] = None
        self.manager.release(selection)
        claim = selection.claim
        self._used[0] -= claim.vcpus_milli
        self._used[1] -= claim.memory_mb
        self._used[2] -= claim.gpu_milli * len(claim.gpu_cards)
        return True

    def _give_up(self, index: int) -> None:
        self._reasons[self._last_error.pop(index)] += 1

    def _arrive(self, index: int) -> None:
        if self._place(index):
            return
        if self.retries:
            self._pending[index] = self.retries
        else:
            self._give_up(index)

    def _depart(self, index: int) -> bool:
        """Handle a departure; return whether it released a claim."""
        if index in self._pending:
            del self._pending[index]
            self._give_up(index)
            return False
        return self._release(index)

    def _retry_pending(self) -> None:
        for index in list(self._pending):
            if self._place(index):
                del self._pending[index]
                self._last_error.pop(index, None)
                self._placed_on_retry += 1
                continue
            self._pending[index] -= 1
            if not self._pending[index]:
                del self._pending[index]
                self._give_up(index)

    # -- the event loop ---------------------------------------------------

    def run(self) -> RunResult:
        """Process every event and return the figures of the replay."""
        events = events_mod.build_events(self.workloads)
        table = self.manager.store.hosts
        # Summed as Python integers: at the largest amount a host may
        # have (units.MAX_AMOUNT), an int64 sum overflows past about
        # 32,000 hosts.
        capacity = {'vcpus_milli': sum(table.vcpus_milli_capacity.tolist()),
                    'memory_mb': sum(table.memory_mb_capacity.tolist()),
                    'gpu_milli': sum(table.gpus_total.tolist()) * 1000}
        probes = self._probe_times(events)
        fragmented: list[int] = []
        last_arrival = max((w.arrival for w in self.workloads), default=0.0)
        last_arrival_fragmented = 0

        times: list[float] = []
        used_rows: list[tuple[int, int, int]] = []
        arrival_gpu: list[int] = []
        released = False
        probe = 0
        step = max(1, len(events) // 200)
        start = time.perf_counter()

        for done, (at, kind, index) in enumerate(events):
            while probe < len(probes) and probes[probe] < at:
                fragmented.append(self._fragmented())
                probe += 1
            if at > last_arrival and times and times[-1] <= last_arrival:
                last_arrival_fragmented = self._fragmented()

            if kind == events_mod.ARRIVAL:
                self._arrive(index)
                arrival_gpu.append(self._used[2])
            else:
                released = self._depart(index) or released
                if self._ends_departures(events, done):
                    if released and self._pending:
                        self._retry_pending()
                    released = False
            times.append(at)
            used_rows.append(tuple(self._used))

            if self.observer is not None:
                self.observer(self.manager, kind, self.workloads[index])
            if self.progress is not None and done % step == 0:
                self.progress(done)

        for index in list(self._pending):
            del self._pending[index]
            self._give_up(index)
        if not times or times[-1] <= last_arrival:
            last_arrival_fragmented = self._fragmented()
        while probe < len(probes):
            fragmented.append(self._fragmented())
            probe += 1
        wall_time = time.perf_counter() - start
        if self.progress is not None:
            self.progress(len(events))

        # Floats, like the capacity sums above, may exceed int64; the
        # figures made from them are shares of the capacity.
        used = np.array(used_rows, dtype=float).reshape(-1, 3)
        return RunResult(
            policy=self.manager.driver_name, seed=self.seed,
            total=len(self.workloads), placed=self._placed,
            placed_on_retry=self._placed_on_retry,
            unplaced=sum(self._reasons.values()), reasons=self._reasons,
            latencies=self._latencies, wall_time=wall_time,
            capacity=capacity, times=np.array(times, dtype=float),
            vcpus_milli_used=used[:, 0], memory_mb_used=used[:, 1],
            gpu_milli_used=used[:, 2], sample_times=np.array(probes),
            fragmented_milli=np.array(fragmented, dtype=np.int64),
            last_arrival_fragmented_milli=last_arrival_fragmented,
            arrival_gpu_milli_used=np.array(arrival_gpu, dtype=np.int64))

    @staticmethod
    def _ends_departures(events: list[tuple[float, int, int]],
                         position: int) -> bool:
        """Return whether the departure at ``position`` ends a batch.

        A batch of departures ends before an arrival, a later moment or
        the end of the events.
        """
        if position + 1 == len(events):
            return True
        at, kind, _index = events[position + 1]
        return at > events[position][0] or kind == events_mod.ARRIVAL

    def _probe_times(self, events: list[tuple[float, int, int]]
                     ) -> list[float]:
        if not events or self.samples < 1:
            return []
        return [float(t) for t in np.linspace(events[0][0], events[-1][0],
                                              self.samples)]

    def _fragmented(self) -> int:
        store = self.manager.store
        with store.lock:
            return metrics.fragmented_gpu_milli(store.hosts, self.shapes)
