"""Weighers that score hosts by a free resource: memory, CPUs, disk, GPUs.

Each reads one column of the host table: the free amount after reserved
amounts, allocation ratios and every claim. With a positive multiplier the
host with the most free resource is preferred (spreading); with a negative
one, the host with the least (stacking).
"""

from __future__ import annotations

import numpy as np

from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from sora.weighers import base


class FreeColumnWeigher(base.BaseWeigher):
    """Weigh hosts by one column of the host table; subclasses name it."""

    column = ''

    def weigh_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        return getattr(hosts, self.column)[rows].astype(float)


class RamWeigher(FreeColumnWeigher):
    """Prefer hosts with more free memory (MiB)."""

    column = 'memory_mb_free'


class CpuWeigher(FreeColumnWeigher):
    """Prefer hosts with more free CPUs (thousandths of a CPU)."""

    column = 'vcpus_milli_free'


class DiskWeigher(FreeColumnWeigher):
    """Prefer hosts with more free disk (GiB)."""

    column = 'disk_gb_free'


class GpuWeigher(FreeColumnWeigher):
    """Prefer hosts with more free GPU share, summed over their cards.

    The share is in thousandths of a card; a host without GPUs has 0.
    """

    column = 'gpu_free_milli'
