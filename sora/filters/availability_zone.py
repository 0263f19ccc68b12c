"""The ``availability_zone`` filter: hosts in the requested zone."""

from __future__ import annotations

import numpy as np

from sora import exception
from sora.filters import base
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class AvailabilityZoneFilter(base.BaseFilter):
    """Keep hosts whose zone is the request's ``availability_zone``.

    A request without an availability zone (None or an empty string)
    passes every host. Zone names
    are compared exactly, so ``az2`` and ``AZ2`` are different zones.
    """

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        zone = request.availability_zone
        if not zone:
            return base.all_pass(hosts)
        if zone not in hosts.zones:
            return np.zeros(len(hosts), bool)
        return hosts.zone == hosts.zones.index(zone)

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        return (not request.availability_zone
                or host.zone == request.availability_zone)

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        return self._reason(request)

    def rejection_reasons(self, hosts: HostTable, rows: np.ndarray,
                          request: RequestSpec,
                          context: base.FilterContext) -> list[str]:
        return [self._reason(request)] * len(rows)

    def _reason(self, request: RequestSpec) -> str:
        return 'not in zone %s' % exception.shown_name(
            request.availability_zone or '')
