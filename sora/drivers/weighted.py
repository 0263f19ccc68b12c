"""The ``weighted`` policy: weighers with multipliers, as in nova."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from oslo_config import cfg
from oslo_log import log as logging

from sora.drivers import base
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from sora.weighers import base as weigher_base

LOG = logging.getLogger(__name__)


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

    An empty ``weighers`` list, or a multiplier of 0 for every weigher,
    scores every host 0, so the tie-break alone chooses. As in nova, the
    policy still runs then, but it logs a warning when it is built, since
    such a list is almost always a mistake.
    """

    uses_weighers = True

    def __init__(self, conf: cfg.ConfigOpts, *,
                 weighers: Sequence[weigher_base.BaseWeigher]) -> None:
        super().__init__(conf)
        self.weighers = tuple((w, w.multiplier()) for w in weighers)
        _warn_if_scores_all_zero(self.weighers)

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        return weigher_base.combined_scores(self.weighers, hosts, rows,
                                            request, 'weighted')


def _warn_if_scores_all_zero(
        weighers: Sequence[tuple[weigher_base.BaseWeigher, float]]) -> None:
    """Log a warning when no weigher can change any score."""
    if not weighers:
        LOG.warning('The weighted policy scores every host 0, so only the '
                    'tie-break chooses, because [filter_scheduler] weighers '
                    'is empty; list weighers such as ram,cpu,disk,gpu, or '
                    'choose another [scheduler] driver')
    elif all(multiplier == 0 for _weigher, multiplier in weighers):
        names = [weigher.name for weigher, _multiplier in weighers]
        LOG.warning('The weighted policy scores every host 0, so only the '
                    'tie-break chooses, because every weigher of '
                    '[filter_scheduler] weighers (%s) has a multiplier of 0; '
                    'set %s to a value other than 0', ', '.join(names),
                    ' or '.join('[filter_scheduler] %s_weight_multiplier'
                                % name for name in names))
