"""The ``max-instances`` filter: a cap on instances per host."""

from __future__ import annotations

import numpy as np
from oslo_config import cfg

from sora.filters import base
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

GROUP = 'max_instances'

OPTS = [
    cfg.IntOpt(
        'limit',
        default=50,
        min=1,
        mutable=True,
        help="""
The number of instances a host may hold, counting only sora's claims.

Possible values:

* An integer of 1 or more.

Related options:

* ``[filter_scheduler] enabled_filters``: add ``max-instances`` to use this
  filter.
"""),
]


class MaxInstancesFilter(base.BaseFilter):
    """Keep hosts that hold fewer than ``[max_instances] limit`` instances."""

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        return [(GROUP, OPTS)]

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        self.limit = conf[GROUP].limit

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        return hosts.instances < self.limit

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        return 'at the limit of %d instances' % self.limit
