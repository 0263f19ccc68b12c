"""Vectorised rejection counts agree with the per-host reasons."""

import collections

import numpy as np

from sora.filters.base import FilterContext
from sora.filters import gpu
from sora.filters import resources
from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from tests import base


def mixed_table():
    """Hosts covering every reason: drained, small, full, other models."""
    table = HostTable(CapacitySettings(reserved={'memory_mb': 512}))
    rng = np.random.default_rng(3)
    hosts = [Host('drained', memory_mb=0, vcpus_milli=0)]
    for i in range(60):
        hosts.append(Host(
            'h%02d' % i, memory_mb=int(rng.choice([1024, 4096, 16384])),
            vcpus_milli=int(rng.choice([1000, 4000, 8000])),
            disk_gb=int(rng.choice([0, 100])),
            gpus=int(rng.choice([0, 1, 2, 8])),
            gpu_model=str(rng.choice(['T4', 'P100', 'G2'])),
            memory_mb_used=int(rng.choice([0, 1024, 3000])),
            vcpus_milli_used=int(rng.choice([0, 3000])),
            disk_gb_used=int(rng.choice([0, 80]))))
    table.replace_all(hosts)
    for row in range(len(table)):
        cards = int(table.gpus_total[row])
        if cards:
            used = rng.choice([0, 300, 500, 1000], size=cards)
            for card, milli in enumerate(used):
                if milli:
                    table.apply(row, {}, [card], int(milli), 1)
    return table


REQUESTS = [
    RequestSpec(memory_mb=2048, vcpus_milli=2000),
    RequestSpec(memory_mb=20000),
    RequestSpec(vcpus_milli=6000, disk_gb=50),
    RequestSpec(gpus=1, gpu_milli=600),
    RequestSpec(gpus=2),
    RequestSpec(gpus=8, gpu_models=frozenset({'G2'})),
    RequestSpec(gpus=1, gpu_milli=300, gpu_models=frozenset({'T4', 'X'})),
]


class RejectionCountsTest(base.TestCase):

    def test_counts_match_per_host_reasons(self):
        table = mixed_table()
        context = FilterContext()
        seen = set()
        for host_filter in (resources.ResourcesFilter(self.conf),
                            gpu.GpuFilter(self.conf)):
            for request in REQUESTS:
                passes = host_filter.filter_hosts(
                    table, request, context, np.ones(len(table), bool))
                rejected = np.flatnonzero(~passes)
                expected = collections.Counter(
                    host_filter.rejection_reason(table.host(int(row)),
                                                 request, context)
                    for row in rejected)

                counts = host_filter.count_rejections(table, request,
                                                      context, rejected)

                self.assertEqual(dict(expected), counts,
                                 '%s on %s' % (host_filter.name, request))
                seen.update(counts)

        # The table and requests reach every reason of both filters.
        self.assertEqual({
            'no memory_mb or vcpus capacity', 'memory_mb larger than the host',
            'not enough memory_mb', 'vcpus larger than the host',
            'not enough vcpus', 'disk_gb larger than the host',
            'not enough disk_gb', 'not enough GPU cards',
            'not enough free GPU cards', 'no GPU card with 600 free',
            'GPU model not in G2', 'GPU model not in T4|X',
            'no GPU card with 300 free'}, seen)
