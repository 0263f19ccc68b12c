"""The ``enabled`` filter: hosts that take new instances and are alive."""

from __future__ import annotations

import numpy as np
from oslo_config import cfg

from sora.filters import base
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

DISABLED = 'disabled'


class EnabledFilter(base.BaseFilter):
    """Keep hosts that are enabled and have reported recently.

    A host is removed when its inventory entry sets ``enabled`` to false.
    When ``[filter_scheduler] service_down_time`` is above 0, a host is
    also removed when its last report is older than that many seconds. A
    host that never reported counts from the time it was added or the
    inventory was loaded.
    """

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        self.down_time = conf.filter_scheduler.service_down_time

    def _alive(self, last_report: np.ndarray,
               context: base.FilterContext) -> np.ndarray:
        if self.down_time <= 0:
            return np.ones(len(last_report), bool)
        return context.now - last_report <= self.down_time

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        if self.down_time <= 0:
            return hosts.enabled
        return hosts.enabled & self._alive(hosts.last_report, context)

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        alive = self._alive(np.array([host.last_report]), context)[0]
        return host.enabled and bool(alive)

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        if not host.enabled:
            return DISABLED
        return self._down_reason()

    def rejection_reasons(self, hosts: HostTable, rows: np.ndarray,
                          request: RequestSpec,
                          context: base.FilterContext) -> list[str]:
        rows = np.asarray(rows, dtype=np.intp)
        down = self._down_reason()
        return [down if enabled else DISABLED
                for enabled in hosts.enabled[rows]]

    def _down_reason(self) -> str:
        # The reason names the configured limit rather than each host's own
        # silence, so that hosts that went quiet at different moments are
        # counted under one reason.
        return 'not reporting for over %d s' % self.down_time
