"""The ``weighted`` policy: weighers with multipliers, as in nova."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from oslo_config import cfg

from sora.drivers import base
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from sora.weighers import base as weigher_base


class WeightedDriver(base.SchedulerDriver):
    """Add up the weighers of ``[filter_scheduler] weighers``.

    Each weigher's raw weights are scaled to the range 0 to 1 within the
    decision and multiplied by its ``<name>_weight_multiplier``, and the
    host with the highest sum wins. Positive multipliers spread instances
    over the hosts with the most free resources, negative ones stack them.
    The multipliers are read when the policy is built, so a changed value
    applies from the next reload.

    Equal sums go to the host whose name sorts first, or to a random one of
    them with ``[filter_scheduler] shuffle_best_same_weighed_hosts``.
    """

    uses_weighers = True

    def __init__(self, conf: cfg.ConfigOpts, *,
                 weighers: Sequence[weigher_base.BaseWeigher]) -> None:
        super().__init__(conf)
        self.weighers = tuple((w, w.multiplier()) for w in weighers)

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        return weigher_base.combined_scores(self.weighers, hosts, rows,
                                            request, 'weighted')
