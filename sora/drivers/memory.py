"""The ``memory`` policy: the most free memory wins."""

from __future__ import annotations

import numpy as np

from sora.drivers import base
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class MemoryDriver(base.SchedulerDriver):
    """Choose the host with the most free memory.

    Free memory is counted after reserved memory and the allocation ratio,
    and after every claim, so the policy spreads instances by memory. Hosts
    with equal free memory are ranked by name.
    """

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        return hosts.memory_mb_free[rows]
