"""The ``resources`` filter: memory, CPUs and disk."""

from __future__ import annotations

import numpy as np

from sora.filters import base
from sora.scheduler import fit
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

# The reason rejection_reason falls back on for a host that fits; the
# pipeline never asks for it, because it only explains rejected hosts.
FALLBACK_REASON = 'not enough resources'


class ResourcesFilter(base.BaseFilter):
    """Keep hosts with enough free memory, CPUs and disk for one instance.

    Free means after the reserved amounts and the allocation ratios in
    ``[filter_scheduler]``, and after every claim. An instance is never
    larger than the physical host, whatever the ratio, and a host with no
    memory or no CPUs never passes.
    """

    claim_checks = frozenset({fit.RESOURCES_CHECK})

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
                or FALLBACK_REASON)

    def rejection_reasons(self, hosts: HostTable, rows: np.ndarray,
                          request: RequestSpec,
                          context: base.FilterContext) -> list[str]:
        # Same precedence as fit.resource_shortfall: a host without memory
        # or CPUs first, then each resource in order, and for one resource
        # "larger than the host" before "not enough". The checks are
        # written from the lowest precedence up, so a later assignment
        # overwrites an earlier one.
        rows = np.asarray(rows, dtype=np.intp)
        reasons = np.full(len(rows), FALLBACK_REASON, dtype=object)
        for field, label in reversed(fit.RESOURCE_FIELDS):
            amount = getattr(request, field)
            largest = getattr(hosts, field + '_fit')[rows]
            usable = getattr(hosts, field + '_usable')[rows]
            reasons[amount > largest] = 'not enough %s' % label
            reasons[amount > usable] = '%s larger than the host' % label

        empty = ((hosts.memory_mb_total[rows] <= 0)
                 | (hosts.vcpus_milli_total[rows] <= 0))
        reasons[empty] = 'no memory_mb or vcpus capacity'
        return reasons.tolist()
