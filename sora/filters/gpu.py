"""The ``gpu`` filter: whole cards, shares of a card, and card models."""

from __future__ import annotations

import numpy as np

from sora.filters import base
from sora.scheduler import fit
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import CARD_MILLI
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

# The reason rejection_reason falls back on for a host that fits; the
# pipeline never asks for it, because it only explains rejected hosts.
FALLBACK_REASON = 'not enough GPU'


class GpuFilter(base.BaseFilter):
    """Keep hosts that can give the request its GPU cards.

    A request for whole cards needs that many cards with nothing on them. A
    request for a share of one card (``gpu_milli`` below 1000) needs one card
    with that much free; the share is tracked per card, so two shares of 600
    never land on the same card. When the request lists acceptable models,
    only hosts of those models pass. A request without GPUs passes every
    host.

    Reasons, from the first checked to the last: "no GPU" (the host has no
    card), "GPU model not in V100M16|V100M32", "fewer than 8 GPU cards" (the
    host has fewer cards in all), "no free GPU card" or "fewer than 8 free
    GPU cards" (too few cards with nothing on them), and "no GPU card with
    600/1000 free" for a share of one card.
    """

    claim_checks = frozenset({fit.GPUS_CHECK})

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        if not request.gpus:
            return base.all_pass(hosts)
        return fit.gpu_mask(hosts, request)

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        return fit.gpu_shortfall(host.table, host.row, request) is None

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        return (fit.gpu_shortfall(host.table, host.row, request)
                or FALLBACK_REASON)

    def rejection_reasons(self, hosts: HostTable, rows: np.ndarray,
                          request: RequestSpec,
                          context: base.FilterContext) -> list[str]:
        # Same precedence as fit.gpu_shortfall, written from the last check
        # to the first so that a later assignment overwrites an earlier one.
        rows = np.asarray(rows, dtype=np.intp)
        reasons = np.full(len(rows), FALLBACK_REASON, dtype=object)
        if not request.gpus:
            return reasons.tolist()

        if request.gpu_milli < CARD_MILLI:
            short = hosts.gpu_max_free[rows] < request.gpu_milli
            reasons[short] = 'no GPU card with %d/1000 free' % (
                request.gpu_milli)
        else:
            short = hosts.gpu_free_cards[rows] < request.gpus
            reasons[short] = ('no free GPU card' if request.gpus == 1 else
                              'fewer than %d free GPU cards' % request.gpus)

        total = hosts.gpus_total[rows]
        reasons[total < request.gpus] = (
            'fewer than %d GPU cards' % request.gpus)
        if request.gpu_models:
            codes = [code for code, model in enumerate(hosts.gpu_models)
                     if model in request.gpu_models]
            reasons[~np.isin(hosts.gpu_model[rows], codes)] = (
                fit.model_reason(request))
        reasons[total == 0] = 'no GPU'
        return reasons.tolist()
