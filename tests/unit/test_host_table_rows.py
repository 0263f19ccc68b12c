"""Refreshing one row of the host table agrees with refreshing all rows."""

import numpy as np

from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.host_table import HostTable
from tests import base

DERIVED = ('used', 'usable', 'capacity', 'free', 'fit')


class RowRefreshTest(base.TestCase):

    def test_claims_keep_columns_consistent(self):
        settings = CapacitySettings(
            ratios={'memory_mb': 1.5, 'vcpus_milli': 4.0},
            reserved={'memory_mb': 1024, 'vcpus_milli': 500})
        table = HostTable(settings)
        table.replace_all([
            Host('a', memory_mb=8192, vcpus_milli=4000, gpus=4,
                 memory_mb_used=9000),
            Host('b', memory_mb=512, vcpus_milli=1000, gpus=8,
                 cpu_allocation_ratio=0.5),
            Host('c', memory_mb=3333, vcpus_milli=3333, disk_gb=10),
        ])
        rng = np.random.default_rng(11)
        for _ in range(200):
            row = int(rng.integers(3))
            cards = int(table.gpus_total[row])
            card = [int(rng.integers(cards))] if cards else []
            amounts = {'memory_mb': int(rng.integers(0, 700)),
                       'vcpus_milli': int(rng.integers(0, 900)),
                       'disk_gb': int(rng.integers(0, 3))}
            table.apply(row, amounts, card, int(rng.integers(1, 100)), 1)

        incremental = {name: getattr(table, name).copy()
                       for name in table._cols}
        table._refresh_all()

        for name, column in incremental.items():
            np.testing.assert_array_equal(getattr(table, name), column,
                                          err_msg=name)
        self.assertLess(int(table.memory_mb_free[0]), 0)


class GpuCardChoiceTest(base.TestCase):

    def test_choice_matches_rule(self):
        table = HostTable()
        table.replace_all([Host('g', memory_mb=1, vcpus_milli=1, gpus=8)])
        rng = np.random.default_rng(5)
        for _ in range(300):
            used = rng.choice([0, 0, 250, 500, 700, 1000], size=8)
            table._cols['gpu_used'][0, :] = used
            free = 1000 - used
            gpus = int(rng.integers(1, 9))
            share = int(rng.choice([100, 300, 500, 1000]))
            if share < 1000:
                gpus = 1

            cards = table.gpu_cards_for(0, gpus, share)

            if share == 1000:
                idle = [c for c in range(8) if free[c] == 1000]
                expected = idle[:gpus] if len(idle) >= gpus else None
            else:
                fits = [c for c in range(8) if free[c] >= share]
                # The least free share that fits, then the lowest card.
                expected = ([min(fits, key=lambda c: (free[c], c))]
                            if fits else None)
            self.assertEqual(expected, cards, (list(used), gpus, share))
