"""The ``num_instances`` weigher: hosts with fewer instances first."""

from __future__ import annotations

import numpy as np

from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from sora.weighers import base


class NumInstancesWeigher(base.BaseWeigher):
    """Prefer hosts that hold fewer instances placed by sora.

    The raw weight is minus the number of claims on the host, so a positive
    multiplier spreads instances by count and a negative one stacks them,
    like every other sora weigher. nova's weigher of the same name has the
    opposite sign.
    """

    def weigh_host(self, host: HostState, request: RequestSpec) -> float:
        return -float(host.instances)

    def weigh_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        return -hosts.instances[rows].astype(float)
