"""The ``random`` policy: a uniform choice among the hosts that fit."""

from __future__ import annotations

import numpy as np
from oslo_config import cfg

from sora.drivers import base
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class RandomDriver(base.SchedulerDriver):
    """Choose uniformly at random among the hosts that fit.

    Each host gets a fresh random score per decision, so ties cannot occur.
    The generator is seeded from ``[scheduler] seed``: the same seed, hosts
    and requests give the same choices.
    """

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        self._rng = np.random.default_rng(conf.scheduler.seed)

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        return self._rng.random(len(rows))
