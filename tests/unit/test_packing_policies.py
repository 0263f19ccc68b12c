"""Tests for the binpack, spread and balanced policies, and every policy."""

import numpy as np
import testscenarios

from sora.drivers.balanced import BalancedDriver
from sora.drivers.binpack import BinpackDriver
from sora.drivers.spread import SpreadDriver
from sora import exception
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

load_tests = testscenarios.load_tests_apply_scenarios


def scores(driver, hosts, request):
    return driver.score_hosts(hosts, np.arange(len(hosts)), request)


def three_hosts():
    return placement.table(
        # a: 4096 MiB, 4 CPUs, nothing used.
        placement.host('a', memory_mb=4096, vcpus=4),
        # b: 16384 MiB with 12288 used, 16 CPUs with 14 used.
        placement.host('b', memory_mb=16384, vcpus=16,
                       memory_mb_used=12288, vcpus_milli_used=14000),
        # c: 8192 MiB, 8 CPUs, 2 GPU cards with 500 used on card 0.
        placement.host('c', memory_mb=8192, vcpus=8, gpus=2,
                       gpu_model='T4'))


class BinpackTest(base.TestCase):

    def test_best_fit_packs_tightly(self):
        manager = placement.manager(
            self, [placement.host('h1', memory_mb=4096),
                   placement.host('h2', memory_mb=4096)], policy='binpack')
        chosen = [manager.select_destinations(
            RequestSpec(memory_mb=size))[0].host
            for size in (2048, 3072, 1024)]

        # 2048: a tie broken by name. 3072: only h2 has room. 1024: h1
        # would keep 1024 free and h2 0, so h2 is the tighter fit.
        self.assertEqual(['h1', 'h2', 'h2'], chosen)
        table = manager.store.hosts
        self.assertEqual(2048, table.memory_mb_free[table.row('h1')])
        self.assertEqual(0, table.memory_mb_free[table.row('h2')])

    def test_scores(self):
        hosts = three_hosts()
        hosts.apply(hosts.row('c'), {}, [0], 500, 1)
        driver = BinpackDriver(self.conf)
        # Largest capacities: 16384 MiB, 16000 thousandths of a CPU, 2000
        # thousandths of GPU cards. Memory, CPUs and the GPU share always
        # count; a and b have no cards, so their GPU leftover is 0.
        # Memory only, 2048 MiB:
        # a (2048/16384 + 4000/16000 + 0/2000) / 3 = 0.125
        # b (2048/16384 + 2000/16000 + 0/2000) / 3 = 0.25 / 3
        # c (6144/16384 + 8000/16000 + 1500/2000) / 3 = 1.625 / 3
        np.testing.assert_allclose(
            [-0.125, -0.25 / 3, -1.625 / 3],
            scores(driver, hosts, RequestSpec(memory_mb=2048)))
        # Memory and 1 CPU:
        # a (0.125 + 3000/16000 + 0) / 3 = 0.3125 / 3
        # b (0.125 + 1000/16000 + 0) / 3 = 0.1875 / 3
        # c (0.375 + 7000/16000 + 0.75) / 3 = 1.5625 / 3
        np.testing.assert_allclose(
            [-0.3125 / 3, -0.1875 / 3, -1.5625 / 3],
            scores(driver, hosts,
                   RequestSpec(memory_mb=2048, vcpus_milli=1000)))
        # A GPU share of 300 on c: 1500 - 300 = 1200 left of 2000, with
        # 6144 MiB and 8000 CPU thousandths: (0.375 + 0.5 + 0.6) / 3.
        request = RequestSpec(memory_mb=2048, gpus=1, gpu_milli=300)
        self.assertAlmostEqual(
            -1.475 / 3, scores(driver, hosts, request)[hosts.row('c')])

    def test_disk_counts_only_when_requested(self):
        hosts = placement.table(
            placement.host('a', memory_mb=4096, vcpus=4, disk_gb=100),
            placement.host('b', memory_mb=4096, vcpus=4, disk_gb=400))
        driver = BinpackDriver(self.conf)
        # Without disk: a and b tie. With 50 GiB: a keeps 50/400 and b
        # 350/400, so a scores higher.
        no_disk = scores(driver, hosts, RequestSpec(memory_mb=1024))
        self.assertEqual(no_disk[0], no_disk[1])
        with_disk = scores(driver, hosts,
                           RequestSpec(memory_mb=1024, disk_gb=50))
        self.assertGreater(with_disk[0], with_disk[1])

    def test_empty_request_prefers_fullest_host(self):
        # (4096/16384 + 4000/16000) / 3, (4096/16384 + 2000/16000) / 3 and
        # (8192/16384 + 8000/16000 + 2000/2000) / 3, negated.
        np.testing.assert_allclose(
            [-0.5 / 3, -0.375 / 3, -2.0 / 3],
            scores(BinpackDriver(self.conf), three_hosts(), RequestSpec()))


class SpreadTest(base.TestCase):

    def test_scores(self):
        hosts = three_hosts()
        hosts.apply(hosts.row('c'), {}, [0], 500, 1)
        driver = SpreadDriver(self.conf)
        # Used fractions after 2048 MiB and 1 CPU:
        # a memory 2048/4096 = 0.5, CPUs 1000/4000 = 0.25, mean 0.375
        # b memory 14336/16384 = 0.875, CPUs 15000/16000 = 0.9375,
        #   mean 0.90625
        # c memory 2048/8192 = 0.25, CPUs 1000/8000 = 0.125, mean 0.1875;
        #   its idle GPU share does not count for a CPU-only request.
        np.testing.assert_allclose(
            [-0.375, -0.90625, -0.1875],
            scores(driver, hosts,
                   RequestSpec(memory_mb=2048, vcpus_milli=1000)))
        # With a 300 share, c's GPU counts: (500 + 300) / 2000 = 0.4, so
        # the mean is (0.25 + 0.125 + 0.4) / 3.
        request = RequestSpec(memory_mb=2048, vcpus_milli=1000, gpus=1,
                              gpu_milli=300)
        self.assertAlmostEqual(
            -(0.25 + 0.125 + 0.4) / 3,
            scores(driver, hosts, request)[hosts.row('c')])


class BalancedTest(base.TestCase):

    def test_scores(self):
        driver = BalancedDriver(self.conf)
        # Used fractions after 2048 MiB and 1 CPU, and their population
        # standard deviation:
        # a CPUs 0.25, memory 0.5: std 0.125
        # b CPUs 0.9375, memory 0.875: std 0.03125
        # c CPUs 0.125, memory 0.25, GPU 0 (c has cards): mean 0.125,
        #   std sqrt((0 + 0.125^2 + 0.125^2) / 3)
        np.testing.assert_allclose(
            [-0.125, -0.03125, -np.sqrt(2 * 0.125 ** 2 / 3)],
            scores(driver, three_hosts(),
                   RequestSpec(memory_mb=2048, vcpus_milli=1000)))

    def test_prefers_the_even_host(self):
        manager = placement.manager(
            self, [placement.host('a', memory_mb=4096, vcpus=4),
                   placement.host('b', memory_mb=16384, vcpus=16,
                                  memory_mb_used=12288,
                                  vcpus_milli_used=14000)],
            policy='balanced')
        selection, = manager.select_destinations(
            RequestSpec(memory_mb=2048, vcpus_milli=1000))
        self.assertEqual('b', selection.host)


class EveryPolicyTest(base.TestCase):
    """Rules that hold for every installed policy."""

    scenarios = placement.policy_scenarios()

    def test_drained_host_never_chosen(self):
        hosts = [placement.host('a-drained', memory_mb=0, vcpus=0),
                 placement.host('b', memory_mb=4096),
                 placement.host('c', memory_mb=8192, gpus=2,
                                gpu_model='T4')]
        manager = placement.manager(self, hosts, policy=self.policy)
        for _ in range(5):
            selection, = manager.select_destinations(
                RequestSpec(memory_mb=0, vcpus_milli=100))
            self.assertNotEqual('a-drained', selection.host)

        # Scoring every host, the drained one included, stays finite.
        table = manager.store.hosts
        for request in (RequestSpec(), RequestSpec(memory_mb=512),
                        RequestSpec(vcpus_milli=500, gpus=1, gpu_milli=300)):
            result = manager.pipeline.driver.score_hosts(
                table, np.arange(len(table)), request)
            self.assertTrue(np.isfinite(result).all(), result)

    def test_one_host_decision(self):
        manager = placement.manager(self, [placement.host('only')],
                                    policy=self.policy)
        selection, = manager.select_destinations(RequestSpec(memory_mb=1))
        self.assertEqual('only', selection.host)
        self.assertEqual((), selection.alternates)

    def test_empty_inventory(self):
        manager = placement.manager(self, [], policy=self.policy)
        error = self.assertRaises(exception.NoValidHost,
                                  manager.select_destinations,
                                  RequestSpec(memory_mb=1))
        self.assertEqual(0, error.total_hosts)
        self.assertIn('the inventory is empty', str(error))
