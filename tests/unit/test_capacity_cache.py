"""The capacity cache of the packing policies follows every host change."""

import numpy as np

from sora.drivers.balanced import BalancedDriver
from sora.drivers import usage
from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement


def hosts():
    return [
        # Two GPU hosts, one host without cards, and one over-committed.
        placement.host('a', memory_mb=4096, vcpus=4, gpus=2,
                       gpu_model='T4'),
        placement.host('b', memory_mb=8192, vcpus=8),
        placement.host('c', memory_mb=16384, vcpus=16, gpus=4,
                       gpu_model='T4', memory_mb_used=2048),
        placement.host('d', memory_mb=2048, vcpus=2,
                       memory_mb_used=4096),
    ]


class CapacityCacheTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.table = placement.table(*hosts())
        self.cache = usage.CapacityCache()

    def assert_fresh(self, resource):
        """Check the cached values against a computation from scratch."""
        entry = self.cache.get(self.table, resource)
        column = usage.capacity(self.table, resource)
        self.assertEqual(column.tolist(), entry.column.tolist(), resource)
        self.assertEqual(column.max(initial=0.0), entry.largest, resource)
        if (column > 0).all():
            self.assertIsNone(entry.present, resource)
        else:
            self.assertEqual((column > 0).tolist(),
                             (entry.present == 1.0).tolist(), resource)
            self.assertEqual(np.where(column > 0, column, 1.0).tolist(),
                             entry.divisor.tolist(), resource)
        return entry

    def test_values_match_capacity(self):
        for resource in usage.RESOURCES:
            self.assert_fresh(resource)
        gpu = self.cache.get(self.table, 'gpu')
        self.assertEqual([2000.0, 0.0, 4000.0, 0.0], gpu.column.tolist())
        self.assertEqual(4000.0, gpu.largest)
        self.assertEqual([1.0, 0.0, 1.0, 0.0], gpu.present.tolist())
        self.assertIsNone(self.cache.get(self.table, 'memory_mb').present)

    def test_claims_keep_cache(self):
        before = self.cache.get(self.table, 'memory_mb')
        self.table.apply(0, {'memory_mb': 1024}, [0], 1000, 1)
        self.assertIs(before, self.cache.get(self.table, 'memory_mb'))

    def test_settings_change_refreshes(self):
        before = self.cache.get(self.table, 'memory_mb')
        generation = self.table.generation

        self.table.set_settings(CapacitySettings(
            ratios={'memory_mb': 1.5}, reserved={'memory_mb': 2048}))

        self.assertGreater(self.table.generation, generation)
        entry = self.assert_fresh('memory_mb')
        self.assertIsNot(before, entry)
        # (2048 - 2048) * 1.5 = 0 for host d, so it has no capacity now.
        self.assertEqual([3072.0, 9216.0, 21504.0, 0.0],
                         entry.column.tolist())
        self.assertEqual([1.0, 1.0, 1.0, 0.0], entry.present.tolist())

    def test_same_settings_keep_cache(self):
        before = self.cache.get(self.table, 'memory_mb')
        self.table.set_settings(CapacitySettings())
        self.assertIs(before, self.cache.get(self.table, 'memory_mb'))

    def test_host_changes_refresh(self):
        self.cache.get(self.table, 'gpu')
        self.table.update(Host('b', memory_mb=8192, vcpus_milli=8000,
                               gpus=8, gpu_model='T4'))
        self.assertEqual(8000.0, self.assert_fresh('gpu').largest)

        self.table.add(Host('e', memory_mb=1024, vcpus_milli=1000))
        self.assertEqual(5, len(self.assert_fresh('gpu').column))

        self.table.remove('b')
        self.assertEqual(4000.0, self.assert_fresh('gpu').largest)

    def test_other_table_not_served(self):
        self.cache.get(self.table, 'memory_mb')
        other = placement.table(placement.host('x', memory_mb=1024))
        self.assertEqual(self.table.generation, other.generation)
        self.assertEqual([1024.0],
                         self.cache.get(other, 'memory_mb').column.tolist())


class FractionWithCacheTest(base.TestCase):

    def test_same_numbers_as_without_cache(self):
        table = placement.table(*hosts())
        table.apply(2, {'memory_mb': 3000}, [1], 1000, 1)
        cache = usage.CapacityCache()
        rows = np.arange(len(table))
        requests = [RequestSpec(memory_mb=512, vcpus_milli=500),
                    RequestSpec(memory_mb=1024, gpus=1, gpu_milli=300),
                    RequestSpec(gpus=2)]
        for request in requests:
            for resource in usage.RESOURCES:
                expected = usage.used_fraction_after(table, rows, request,
                                                     resource)
                cached = usage.used_fraction_after(table, rows, request,
                                                   resource, cache)
                # The same bits, not only close numbers.
                self.assertEqual(expected.tobytes(), cached.tobytes(),
                                 '%s %r' % (resource, request))

    def test_host_without_capacity_is_full(self):
        table = placement.table(*hosts())
        rows = np.arange(len(table))
        fraction = usage.used_fraction_after(
            table, rows, RequestSpec(gpus=1, gpu_milli=500), 'gpu',
            usage.CapacityCache())
        # a: 1 - (2000 - 500) / 2000; c: 1 - (4000 - 500) / 4000.
        self.assertEqual([0.25, 1.0, 0.125, 1.0], fraction.tolist())


def stacked_balanced(table, rows, request):
    """Return balanced's scores from the fractions stacked in one array."""
    fractions = np.array([
        usage.used_fraction_after(table, rows, request, resource)
        for resource in ('vcpus_milli', 'memory_mb', 'gpu')])
    counted = np.ones(fractions.shape, bool)
    counted[2] = table.gpus_total[rows] > 0
    count = counted.sum(axis=0)
    mean = np.where(counted, fractions, 0.0).sum(axis=0) / count
    deviation = np.where(counted, fractions - mean, 0.0)
    return -np.sqrt((deviation ** 2).sum(axis=0) / count)


class BalancedWithCacheTest(base.TestCase):

    def test_same_numbers_as_stacked_fractions(self):
        with_cards = [placement.host('g%d' % i, memory_mb=4096 * (i + 1),
                                     vcpus=4 * (i + 1), gpus=i + 1,
                                     gpu_model='T4', memory_mb_used=1000 * i)
                      for i in range(4)]
        tables = {
            'mixed': placement.table(*hosts()),
            'every host has cards': placement.table(*with_cards),
            'no host has cards': placement.table(
                *[h for h in hosts() if not h.gpus]),
        }
        requests = [RequestSpec(memory_mb=512, vcpus_milli=500),
                    RequestSpec(memory_mb=1024, vcpus_milli=250, gpus=1,
                                gpu_milli=300)]
        driver = BalancedDriver(self.conf)
        for label, table in tables.items():
            rows = np.arange(len(table))
            for request in requests:
                expected = stacked_balanced(table, rows, request)
                scores = driver.score_hosts(table, rows, request)
                self.assertEqual(expected.tobytes(), scores.tobytes(),
                                 '%s %r' % (label, request))
