"""Tests for HostTable: rows, derived columns and GPU card choice."""

from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.host_table import HostTable
from tests import base


def _table(hosts, **settings):
    table = HostTable(CapacitySettings(**settings))
    table.replace_all(hosts)
    return table


class HostTableRowsTest(base.TestCase):

    def test_rows_sorted_by_name(self):
        table = _table([Host('c'), Host('a'), Host('b')])
        self.assertEqual(['a', 'b', 'c'], table.names)
        self.assertEqual(2, table.row('c'))
        self.assertIn('b', table)
        self.assertNotIn('d', table)
        self.assertEqual(3, len(table))

    def test_add_inserts_in_name_order(self):
        table = _table([Host('a', memory_mb=1), Host('c', memory_mb=3)])
        generation = table.generation

        row = table.add(Host('b', memory_mb=2, gpus=4))

        self.assertEqual(1, row)
        self.assertEqual(['a', 'b', 'c'], table.names)
        self.assertEqual([1, 2, 3], list(table.memory_mb_total))
        self.assertEqual([0, 4, 0], list(table.gpus_total))
        # The GPU column grew to four cards for every host.
        self.assertEqual((3, 4), table.gpu_used.shape)
        self.assertEqual(2, table.row('c'))
        self.assertGreater(table.generation, generation)

    def test_update_keeps_claims(self):
        table = _table([Host('a', memory_mb=4096)])
        table.apply(0, {'memory_mb': 1024}, [], 0, 1)
        generation = table.generation

        table.update(Host('a', memory_mb=8192, zone='az2'))

        # free = 8192 - 1024 claimed = 7168
        self.assertEqual(7168, table.memory_mb_free[0])
        self.assertEqual(1024, table.memory_mb_claimed[0])
        self.assertEqual('az2', table.host(0).zone)
        self.assertGreater(table.generation, generation)

    def test_remove_shifts_rows(self):
        table = _table([Host('a'), Host('b', memory_mb=5), Host('c')])
        table.remove('a')
        self.assertEqual(['b', 'c'], table.names)
        self.assertEqual(0, table.row('b'))
        self.assertEqual(5, table.memory_mb_total[0])
        self.assertRaises(KeyError, table.row, 'a')

    def test_replace_all_resets_claims(self):
        table = _table([Host('a', memory_mb=10)])
        table.apply(0, {'memory_mb': 4}, [], 0, 1)
        table.replace_all([Host('a', memory_mb=10), Host('b')])
        self.assertEqual([0, 0], list(table.memory_mb_claimed))
        self.assertEqual(['a', 'b'], table.names)

    def test_replace_all_empty(self):
        table = _table([Host('a')])
        table.replace_all([])
        self.assertEqual(0, len(table))
        self.assertEqual(0, len(table.memory_mb_free))

    def test_to_host_round_trips(self):
        host = Host('a', memory_mb=10, vcpus_milli=1500, disk_gb=3, gpus=2,
                    gpu_model='T4', zone='az1', labels={'k': 'v'},
                    enabled=False, memory_mb_used=1,
                    ram_allocation_ratio=2.0)
        table = _table([host])
        self.assertEqual(host, table.to_host(0))

    def test_columns_are_read_only(self):
        table = _table([Host('a', memory_mb=10)])
        self.assertRaises(ValueError, table.memory_mb_free.__setitem__, 0, 1)
        self.assertRaises(AttributeError, getattr, table, 'no_such_column')


class HostTableArithmeticTest(base.TestCase):

    def test_derived_columns(self):
        table = _table(
            [Host('a', memory_mb=16384, memory_mb_used=1024,
                  vcpus_milli=4000, disk_gb=100)],
            ratios={'memory_mb': 1.5, 'vcpus_milli': 4.0},
            reserved={'memory_mb': 2048, 'vcpus_milli': 500})
        table.apply(0, {'memory_mb': 4096, 'vcpus_milli': 1000}, [], 0, 1)

        # usable   = 16384 - 2048 reserved         = 14336
        # capacity = 14336 * 1.5                    = 21504
        # used     = 1024 external + 4096 claimed   = 5120
        # free     = 21504 - 5120                   = 16384
        # fit      = min(free 16384, usable 14336)  = 14336
        self.assertEqual(14336, table.memory_mb_usable[0])
        self.assertEqual(21504, table.memory_mb_capacity[0])
        self.assertEqual(5120, table.memory_mb_used[0])
        self.assertEqual(16384, table.memory_mb_free[0])
        self.assertEqual(14336, table.memory_mb_fit[0])

        # CPUs in thousandths: usable 4000 - 500 = 3500, capacity
        # 3500 * 4.0 = 14000, free 14000 - 1000 = 13000, fit 3500.
        self.assertEqual(3500, table.vcpus_milli_usable[0])
        self.assertEqual(14000, table.vcpus_milli_capacity[0])
        self.assertEqual(13000, table.vcpus_milli_free[0])
        self.assertEqual(3500, table.vcpus_milli_fit[0])

        # Disk: no ratio or reserve, so everything is free and fits.
        self.assertEqual(100, table.disk_gb_fit[0])

    def test_host_ratio_wins_over_setting(self):
        table = _table([Host('a', memory_mb=1000, ram_allocation_ratio=3.0),
                        Host('b', memory_mb=1000)],
                       ratios={'memory_mb': 2.0})
        # a: 1000 * 3.0 = 3000; b: 1000 * 2.0 = 2000
        self.assertEqual([3000, 2000], list(table.memory_mb_capacity))

    def test_overcommitted_host_has_negative_free(self):
        table = _table([Host('a', memory_mb=1000, memory_mb_used=1500)])
        # free = 1000 - 1500 = -500, and fit follows it below zero.
        self.assertEqual(-500, table.memory_mb_free[0])
        self.assertEqual(-500, table.memory_mb_fit[0])

    def test_reserved_larger_than_host(self):
        table = _table([Host('a', memory_mb=1024)],
                       reserved={'memory_mb': 2048})
        # usable = max(1024 - 2048, 0) = 0
        self.assertEqual(0, table.memory_mb_usable[0])
        self.assertEqual(0, table.memory_mb_fit[0])

    def test_capacity_rounds_down(self):
        table = _table([Host('a', vcpus_milli=1001)],
                       ratios={'vcpus_milli': 1.5})
        # 1001 * 1.5 = 1501.5, rounded down so capacity is never overstated.
        self.assertEqual(1501, table.vcpus_milli_capacity[0])

    def test_set_settings_recomputes(self):
        table = _table([Host('a', memory_mb=1000)])
        table.set_settings(CapacitySettings(reserved={'memory_mb': 100}))
        self.assertEqual(900, table.memory_mb_free[0])

    def test_report_sets_external_usage(self):
        table = _table([Host('a', memory_mb=1000)])
        table.report(0, {'memory_mb': 300}, at=12.5)
        self.assertEqual(700, table.memory_mb_free[0])
        self.assertEqual(12.5, table.last_report[0])

    def test_apply_and_remove_claim(self):
        table = _table([Host('a', memory_mb=1000, gpus=2)])
        table.apply(0, {'memory_mb': 100}, [1], 400, 1)
        self.assertEqual(900, table.memory_mb_free[0])
        self.assertEqual([1000, 600], list(table.card_free(0)))
        self.assertEqual(1, table.instances[0])

        table.apply(0, {'memory_mb': 100}, [1], 400, -1)
        self.assertEqual(1000, table.memory_mb_free[0])
        self.assertEqual([1000, 1000], list(table.card_free(0)))
        self.assertEqual(0, table.instances[0])

    def test_gpu_columns(self):
        table = _table([Host('a', gpus=3), Host('b')])
        table.apply(0, {}, [0], 600, 1)
        table.apply(0, {}, [2], 1000, 1)
        # Cards of a: 400, 1000 and 0 free.
        self.assertEqual(1, table.gpu_free_cards[0])
        self.assertEqual(1000, table.gpu_max_free[0])
        self.assertEqual(1400, table.gpu_free_milli[0])
        # A host without cards has nothing free, even though the column is
        # three cards wide.
        self.assertEqual(0, table.gpu_free_cards[1])
        self.assertEqual(0, table.gpu_max_free[1])
        self.assertEqual(0, table.gpu_free_milli[1])


class GpuCardChoiceTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.table = _table([Host('a', gpus=4)])

    def _use(self, card, milli):
        self.table.apply(0, {}, [card], milli, 1)

    def test_no_gpus(self):
        self.assertEqual([], self.table.gpu_cards_for(0, 0, 1000))

    def test_whole_cards_take_lowest_idle(self):
        self._use(0, 100)
        self.assertEqual([1, 2], self.table.gpu_cards_for(0, 2, 1000))
        self.assertEqual([1, 2, 3], self.table.gpu_cards_for(0, 3, 1000))
        self.assertIsNone(self.table.gpu_cards_for(0, 4, 1000))

    def test_share_packs_onto_fullest_card(self):
        self._use(0, 300)
        self._use(2, 700)
        # Free shares: 700, 1000, 300, 1000. A 200 share goes to card 2,
        # the card with the least free share that still fits it.
        self.assertEqual([2], self.table.gpu_cards_for(0, 1, 200))
        # A 500 share does not fit on card 2, so card 0 (700 free) wins.
        self.assertEqual([0], self.table.gpu_cards_for(0, 1, 500))

    def test_share_tie_takes_lowest_card(self):
        self.assertEqual([0], self.table.gpu_cards_for(0, 1, 600))

    def test_shares_of_600_use_different_cards(self):
        table = _table([Host('a', gpus=2)])
        first = table.gpu_cards_for(0, 1, 600)
        table.apply(0, {}, first, 600, 1)
        second = table.gpu_cards_for(0, 1, 600)
        table.apply(0, {}, second, 600, 1)

        self.assertEqual([0], first)
        self.assertEqual([1], second)
        self.assertIsNone(table.gpu_cards_for(0, 1, 600))
        self.assertEqual([0], table.gpu_cards_for(0, 1, 400))
        self.assertIsNone(table.gpu_cards_for(0, 2, 1000))

    def test_whole_card_needs_idle_card(self):
        self._use(0, 1)
        self._use(1, 1)
        self._use(2, 1)
        self._use(3, 1)
        self.assertIsNone(self.table.gpu_cards_for(0, 1, 1000))
        self.assertEqual([0], self.table.gpu_cards_for(0, 1, 999))
