"""The ``host_hints`` filter: the same_host and different_host hints."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sora.filters import base
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


def _listed(hosts: HostTable, names: Iterable[str]) -> np.ndarray:
    mask = np.zeros(len(hosts), bool)
    for name in names:
        if name in hosts:
            mask[hosts.row(name)] = True
    return mask


class HostHintsFilter(base.BaseFilter):
    """Keep hosts that the request's host-name hints allow.

    ``same_host`` lists host names: when it is not empty, only those hosts
    pass. ``different_host`` lists host names that never pass. Names that
    are not in the inventory are ignored, so a ``same_host`` hint that names
    only unknown hosts leaves no host.
    """

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        if not request.same_host and not request.different_host:
            return base.all_pass(hosts)
        passes = np.ones(len(hosts), bool)
        if request.same_host:
            passes &= _listed(hosts, request.same_host)
        if request.different_host:
            passes &= ~_listed(hosts, request.different_host)
        return passes

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        return self._reason(host, request) is None

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        return self._reason(host, request) or 'rejected by host hints'

    def _reason(self, host: HostState, request: RequestSpec) -> str | None:
        if request.same_host and host.name not in request.same_host:
            return 'not in the same_host hint'
        if host.name in request.different_host:
            return 'in the different_host hint'
        return None
