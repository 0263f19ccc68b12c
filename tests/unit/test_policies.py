"""Tests for the memory and random policies and their tie-breaks."""

import collections

from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base


def _hosts(count, memory_mb=4096):
    return [Host('h%02d' % i, memory_mb=memory_mb, vcpus_milli=4000)
            for i in range(count)]


class PolicyTestCase(base.TestCase):

    def _manager(self, hosts, **scheduler_flags):
        if scheduler_flags:
            self.flags(group='scheduler', **scheduler_flags)
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts(hosts)
        return manager

    def _winners(self, manager, count, request=None):
        """Place ``count`` requests, releasing each claim at once."""
        winners = []
        for _ in range(count):
            selection, = manager.select_destinations(
                request or RequestSpec(memory_mb=1))
            manager.release(selection)
            winners.append(selection.host)
        return winners


class MemoryPolicyTest(PolicyTestCase):

    def test_most_free_memory_wins(self):
        manager = self._manager([
            Host('a', memory_mb=4096, vcpus_milli=1000),
            Host('b', memory_mb=8192, vcpus_milli=1000, memory_mb_used=6144),
            Host('c', memory_mb=6144, vcpus_milli=1000)])
        # Free: a 4096, b 8192 - 6144 = 2048, c 6144.
        selection, = manager.select_destinations(RequestSpec(memory_mb=1))
        self.assertEqual('c', selection.host)
        self.assertEqual(('a', 'b'), selection.alternates)

    def test_spreads_by_memory_with_claims_kept(self):
        manager = self._manager([Host('a', memory_mb=4096, vcpus_milli=1000),
                                 Host('b', memory_mb=4096, vcpus_milli=1000)])
        hosts = [manager.select_destinations(
            RequestSpec(memory_mb=1024))[0].host for _ in range(4)]
        # Equal hosts: a wins by name, then b has more free, and so on.
        self.assertEqual(['a', 'b', 'a', 'b'], hosts)

    def test_ties_go_to_first_host_name(self):
        # Ten identical hosts, claims released after each decision: with
        # the default settings the host whose name sorts first always wins.
        manager = self._manager(_hosts(10))
        self.assertEqual(['h00'] * 100, self._winners(manager, 100))

    def test_ties_ignore_insertion_order(self):
        manager = self._manager(list(reversed(_hosts(5))))
        self.assertEqual('h00', self._winners(manager, 1)[0])

    def test_shuffled_ties_spread(self):
        self.flags(group='filter_scheduler',
                   shuffle_best_same_weighed_hosts=True)
        manager = self._manager(_hosts(10), seed=7)
        winners = self._winners(manager, 100)
        self.assertGreaterEqual(len(set(winners)), 5)

    def test_shuffled_ties_keep_the_best(self):
        self.flags(group='filter_scheduler',
                   shuffle_best_same_weighed_hosts=True)
        hosts = _hosts(4) + [Host('z', memory_mb=8192, vcpus_milli=4000)]
        manager = self._manager(hosts, seed=3)
        self.assertEqual({'z'}, set(self._winners(manager, 20)))

    def test_host_subset_size_spreads(self):
        self.flags(group='filter_scheduler', host_subset_size=3)
        hosts = [Host('h%d' % i, memory_mb=1000 * (i + 1), vcpus_milli=1000)
                 for i in range(6)]
        manager = self._manager(hosts, seed=11)
        winners = set(self._winners(manager, 60))
        # Only the three hosts with the most free memory are drawn from.
        self.assertEqual({'h3', 'h4', 'h5'}, winners)


class RandomPolicyTest(PolicyTestCase):

    def test_same_seed_same_choices(self):
        first = self._winners(self._manager(_hosts(10), driver='random',
                                            seed=42), 50)
        second = self._winners(self._manager(_hosts(10), driver='random',
                                             seed=42), 50)
        self.assertEqual(first, second)

    def test_other_seed_other_choices(self):
        first = self._winners(self._manager(_hosts(10), driver='random',
                                            seed=1), 50)
        second = self._winners(self._manager(_hosts(10), driver='random',
                                             seed=2), 50)
        self.assertNotEqual(first, second)

    def test_choice_is_uniform(self):
        # 10 hosts, 2000 decisions: each host expects 200 wins. Pearson's
        # chi-square statistic over the 10 counts has 9 degrees of
        # freedom, and a uniform draw exceeds 27.88 only one time in 1000.
        # The seed is fixed, so the result does not change between runs.
        manager = self._manager(_hosts(10), driver='random', seed=2024)
        counts = collections.Counter(self._winners(manager, 2000))
        expected = 2000 / 10
        chi_square = sum((counts['h%02d' % i] - expected) ** 2 / expected
                         for i in range(10))
        self.assertEqual(10, len(counts))
        self.assertLess(chi_square, 27.88, counts)

    def test_only_hosts_that_fit(self):
        hosts = _hosts(6) + [Host('small', memory_mb=512, vcpus_milli=4000)]
        manager = self._manager(hosts, driver='random', seed=5)
        winners = self._winners(manager, 200, RequestSpec(memory_mb=1024))
        self.assertNotIn('small', winners)
        self.assertEqual(6, len(set(winners)))
