"""The ``resources`` filter: memory, CPUs and disk."""

from __future__ import annotations

import numpy as np

from sora.filters import base
from sora.scheduler import fit
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class ResourcesFilter(base.BaseFilter):
    """Keep hosts with enough free memory, CPUs and disk for one instance.

    Free means after the reserved amounts and the allocation ratios in
    ``[filter_scheduler]``, and after every claim. An instance is never
    larger than the physical host, whatever the ratio, and a host with no
    memory or no CPUs never passes.
    """

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        return fit.resources_mask(hosts, request)

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        return fit.resource_shortfall(host.table, host.row, request) is None

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        return (fit.resource_shortfall(host.table, host.row, request)
                or 'not enough resources')

    def count_rejections(self, hosts: HostTable, request: RequestSpec,
                         context: base.FilterContext,
                         rows: np.ndarray) -> dict[str, int]:
        return fit.resource_shortfall_counts(hosts, rows, request,
                                             'not enough resources')
