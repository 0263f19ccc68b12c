"""The ``gpu`` filter: whole cards, shares of a card, and card models."""

from __future__ import annotations

import numpy as np

from sora.filters import base
from sora.scheduler import fit
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class GpuFilter(base.BaseFilter):
    """Keep hosts that can give the request its GPU cards.

    A request for whole cards needs that many cards with nothing on them. A
    request for a share of one card (``gpu_milli`` below 1000) needs one card
    with that much free; the share is tracked per card, so two shares of 600
    never land on the same card. When the request lists acceptable models,
    only hosts of those models pass. A request without GPUs passes every
    host.
    """

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        return fit.gpu_mask(hosts, request)

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        return fit.gpu_shortfall(host.table, host.row, request) is None

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        return (fit.gpu_shortfall(host.table, host.row, request)
                or 'not enough GPU')

    def count_rejections(self, hosts: HostTable, request: RequestSpec,
                         context: base.FilterContext,
                         rows: np.ndarray) -> dict[str, int]:
        return fit.gpu_shortfall_counts(hosts, rows, request, 'not enough GPU')
