"""The ``labels`` filter: hosts that carry every required label."""

from __future__ import annotations

from collections.abc import Mapping
import threading
import weakref

import numpy as np
from oslo_config import cfg

from sora import exception
from sora.filters import base
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

# The most label pairs cached for one table generation. Requests rarely ask
# for more distinct pairs than this; past it the cache starts again empty.
MAX_CACHED_PAIRS = 1024


class LabelsFilter(base.BaseFilter):
    """Keep hosts whose labels include every ``required_labels`` pair.

    Each ``key=value`` pair of the request must appear among the host's
    labels with exactly that value. A request without required labels
    passes every host. The reason names the first missing pair in key
    order, for example "no label rack=r1".

    Labels change only when hosts change, so the filter caches which hosts
    carry each pair until the host table's ``generation`` moves. The cache
    holds host data only, never anything about a request.
    """

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        self._lock = threading.Lock()
        self._table: weakref.ref | None = None
        self._generation = -1
        self._masks: dict[tuple[str, str], np.ndarray] = {}

    def _pair_mask(self, hosts: HostTable, key: str,
                   value: str) -> np.ndarray:
        with self._lock:
            owner = self._table() if self._table is not None else None
            if owner is not hosts or self._generation != hosts.generation:
                self._table = weakref.ref(hosts)
                self._generation = hosts.generation
                self._masks = {}
            mask = self._masks.get((key, value))
            if mask is None:
                if len(self._masks) >= MAX_CACHED_PAIRS:
                    self._masks = {}
                mask = np.fromiter(
                    (labels.get(key) == value for labels in hosts.labels),
                    dtype=bool, count=len(hosts))
                mask.flags.writeable = False
                self._masks[(key, value)] = mask
            return mask

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        if not request.required_labels:
            return base.all_pass(hosts)
        passes = np.ones(len(hosts), bool)
        for key, value in request.required_labels.items():
            passes &= self._pair_mask(hosts, key, value)
        return passes

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        return self._missing(host.labels, request) is None

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        missing = self._missing(host.labels, request)
        if missing is None:
            return 'no required label'
        key, value = missing
        return 'no label %s=%s' % (exception.shown_name(key),
                                   exception.shown_name(value))

    def _missing(self, labels: Mapping[str, str], request: RequestSpec
                 ) -> tuple[str, str] | None:
        for key, value in sorted(request.required_labels.items()):
            if labels.get(key) != value:
                return key, value
        return None
