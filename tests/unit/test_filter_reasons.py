"""Vectorised rejection reasons agree with the per-host ones."""

import numpy as np

from sora.filters.gpu import GpuFilter
from sora.filters.resources import ResourcesFilter
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

MODELS = ('', 'T4', 'P100', 'V100M16', 'V100M32')


def random_table(rng, count):
    hosts = []
    for i in range(count):
        cards = int(rng.choice([0, 0, 1, 2, 4, 8]))
        hosts.append(Host(
            'h%03d' % i,
            memory_mb=int(rng.choice([0, 1024, 4096, 16384])),
            vcpus_milli=int(rng.choice([0, 1000, 4000, 16000])),
            disk_gb=int(rng.choice([0, 10, 100])),
            memory_mb_used=int(rng.integers(0, 8192)),
            vcpus_milli_used=int(rng.integers(0, 8000)),
            disk_gb_used=int(rng.integers(0, 50)),
            gpus=cards,
            gpu_model=str(rng.choice(MODELS[1:])) if cards else ''))
    table = placement.table(*hosts, ratios={'memory_mb': 1.5})
    for row in range(count):
        for card in range(int(table.gpus_total[row])):
            share = int(rng.choice([0, 0, 300, 600, 1000]))
            if share:
                table.apply(row, {}, [card], share, 1)
    return table


def random_request(rng):
    gpus = int(rng.choice([0, 1, 1, 2, 8]))
    milli = int(rng.choice([250, 500, 700, 1000])) if gpus == 1 else 1000
    models = frozenset(rng.choice(MODELS[1:], size=int(rng.integers(0, 3)),
                                  replace=False))
    return RequestSpec(memory_mb=int(rng.choice([0, 512, 2048, 8192])),
                       vcpus_milli=int(rng.choice([0, 500, 2000, 8000])),
                       disk_gb=int(rng.choice([0, 5, 60])),
                       gpus=gpus, gpu_milli=milli, gpu_models=models)


class VectorisedReasonsTest(base.TestCase):

    def test_same_reasons_as_per_host(self):
        rng = np.random.default_rng(7)
        table = random_table(rng, 200)
        ctx = placement.context()
        for host_filter in (ResourcesFilter(self.conf),
                            GpuFilter(self.conf)):
            seen = set()
            for _ in range(40):
                request = random_request(rng)
                passes = host_filter.filter_hosts(
                    table, request, ctx, np.ones(len(table), bool))
                rejected = np.flatnonzero(~passes)
                per_host = [host_filter.rejection_reason(
                    table.host(int(row)), request, ctx) for row in rejected]
                self.assertEqual(
                    per_host, host_filter.rejection_reasons(
                        table, rejected, request, ctx),
                    '%s on %r' % (type(host_filter).__name__, request))
                for row in range(len(table)):
                    self.assertEqual(
                        bool(passes[row]), host_filter.host_passes(
                            table.host(row), request, ctx))
                seen.update(per_host)
            # Most kinds of reason must come up for the check to count.
            # resources has 7: no capacity, and "larger" or "not enough"
            # for each of 3 resources. gpu has more, because the card and
            # share counts appear in the text.
            self.assertGreaterEqual(len(seen), 6, sorted(seen))
