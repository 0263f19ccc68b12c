"""Placement cases where schedulers commonly go wrong, with the right result.

Every policy test loops over the policies installed with sora, read from
the real ``sora.scheduler`` entry points.
"""

import json
import os

import fixtures
import numpy as np

from sora.drivers import base as driver_base
from sora import exception
from sora import plugins
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base
from tests import plugin_sources


def _installed_policies():
    return plugins.PluginSource(plugins.SCHEDULER_NAMESPACE).names()


class FreeMemoryRecorder(driver_base.SchedulerDriver):
    """Record the free memory that each host reports to a per-host policy."""

    seen: dict = {}

    def score_host(self, host, request):
        FreeMemoryRecorder.seen[host.name] = host.free_memory_mb
        return 0.0


class CaseTestCase(base.TestCase):

    def _manager(self, hosts, sources=None, **scheduler_flags):
        if scheduler_flags:
            self.flags(group='scheduler', **scheduler_flags)
        manager = SchedulerManager(self.conf, load_inventory=False,
                                   sources=sources)
        manager.set_hosts(hosts)
        return manager

    def _place_kept(self, manager, requests):
        """Place each request and keep its claim; return hosts and errors."""
        placed, failures = [], []
        for request in requests:
            try:
                placed.append(manager.select_destinations(request)[0].host)
            except exception.NoValidHost as error:
                failures.append(error)
        return placed, failures


class ClaimsSeenByNextDecisionTest(CaseTestCase):

    def test_claims_seen_by_next_decision(self):
        manager = self._manager([Host('h1', memory_mb=71680,
                                      vcpus_milli=64000)])
        requests = [RequestSpec(memory_mb=32768) for _ in range(30)]

        placed, failures = self._place_kept(manager, requests)

        # 71680 // 32768 = 2
        self.assertEqual(['h1', 'h1'], placed)
        self.assertEqual(28, len(failures))
        for error in failures:
            self.assertEqual({'not enough memory_mb': 1}, error.reasons)
            self.assertIn('not enough memory', str(error))

    def test_every_resource_counts_kept_claims(self):
        # (host, request, instances that fit, reason once full)
        cases = [
            (Host('h', memory_mb=10000, vcpus_milli=1000),
             RequestSpec(memory_mb=3000), 3, 'not enough memory_mb'),
            (Host('h', memory_mb=1000, vcpus_milli=8000),
             RequestSpec(vcpus_milli=2500), 3, 'not enough vcpus'),
            (Host('h', memory_mb=1000, vcpus_milli=1000, disk_gb=100),
             RequestSpec(disk_gb=40), 2, 'not enough disk_gb'),
            (Host('h', memory_mb=1000, vcpus_milli=1000, gpus=4),
             RequestSpec(gpus=3), 1, 'fewer than 3 free GPU cards'),
            # Shares of 600: one per card, so two on a two-card host.
            (Host('h', memory_mb=1000, vcpus_milli=1000, gpus=2),
             RequestSpec(gpus=1, gpu_milli=600), 2,
             'no GPU card with 600/1000 free'),
        ]
        for host, request, fits, reason in cases:
            manager = self._manager([host])
            placed, failures = self._place_kept(manager, [request] * 6)
            self.assertEqual(fits, len(placed), request)
            self.assertEqual(6 - fits, len(failures), request)
            self.assertEqual({reason: 1}, failures[0].reasons, request)
            self.assertEqual(fits, len(manager.store.claims()))

    def test_claims_seen_within_one_request(self):
        manager = self._manager([Host('h1', memory_mb=71680,
                                      vcpus_milli=64000)])
        self.assertRaises(exception.NoValidHost, manager.select_destinations,
                          RequestSpec(memory_mb=32768, num_instances=3))
        self.assertEqual([], manager.store.claims())
        self.assertEqual(2, len(manager.select_destinations(
            RequestSpec(memory_mb=32768, num_instances=2))))


class NeverLargerThanHostTest(CaseTestCase):

    def test_memory_larger_than_host_with_ratio(self):
        self.flags(group='filter_scheduler', ram_allocation_ratio=2.0)
        manager = self._manager([Host('h1', memory_mb=512,
                                      vcpus_milli=1000)])
        error = self.assertRaises(exception.NoValidHost,
                                  manager.select_destinations,
                                  RequestSpec(memory_mb=1024))
        self.assertEqual({'memory_mb larger than the host': 1}, error.reasons)
        # Half of the overcommitted capacity still fits, twice.
        self.assertEqual(2, len(manager.select_destinations(
            RequestSpec(memory_mb=512, num_instances=2))))

    def test_cpus_larger_than_host_with_ratio(self):
        self.flags(group='filter_scheduler', cpu_allocation_ratio=2.0)
        manager = self._manager([Host('h1', memory_mb=512,
                                      vcpus_milli=1000)])
        error = self.assertRaises(exception.NoValidHost,
                                  manager.select_destinations,
                                  RequestSpec.build(vcpus=2))
        self.assertEqual({'vcpus larger than the host': 1}, error.reasons)
        self.assertEqual(2, len(manager.select_destinations(
            RequestSpec.build(vcpus=1, num_instances=2))))

    def test_host_ratio_larger_than_host(self):
        manager = self._manager([Host('h1', memory_mb=512, vcpus_milli=1000,
                                      disk_gb=10, disk_allocation_ratio=3.0,
                                      ram_allocation_ratio=4.0)])
        for request, reason in ((RequestSpec(memory_mb=513),
                                 'memory_mb larger than the host'),
                                (RequestSpec(disk_gb=11),
                                 'disk_gb larger than the host')):
            error = self.assertRaises(exception.NoValidHost,
                                      manager.select_destinations, request)
            self.assertEqual({reason: 1}, error.reasons)


class ReservedSubtractedOnceTest(CaseTestCase):

    def test_reserved_memory_subtracted_once(self):
        self.flags(group='filter_scheduler', reserved_host_memory_mb=2048)
        manager = self._manager([Host('h1', memory_mb=16384,
                                      vcpus_milli=1000)])

        # 16384 - 2048 = 14336
        self.assertRaises(exception.NoValidHost, manager.select_destinations,
                          RequestSpec(memory_mb=14337))
        selection, = manager.select_destinations(RequestSpec(memory_mb=14336))
        self.assertEqual('h1', selection.host)

    def test_policy_sees_free_after_reserved(self):
        self.flags(group='filter_scheduler', reserved_host_memory_mb=2048)
        FreeMemoryRecorder.seen = {}
        manager = self._manager(
            [Host('h1', memory_mb=16384, vcpus_milli=1000)],
            sources=plugin_sources.policy_sources(
                {'recorder': FreeMemoryRecorder}),
            driver='recorder')

        manager.select_destinations(RequestSpec(memory_mb=1))

        self.assertEqual({'h1': 14336}, FreeMemoryRecorder.seen)
        self.assertEqual(14336 - 1, manager.store.hosts.memory_mb_free[0])

    def test_column_free_after_reserved(self):
        self.flags(group='filter_scheduler', reserved_host_memory_mb=2048,
                   reserved_host_cpus=0.5)
        manager = self._manager([Host('h1', memory_mb=16384,
                                      vcpus_milli=2000)])
        table = manager.store.hosts
        self.assertEqual(14336, table.memory_mb_free[0])
        self.assertEqual(14336, table.host(0).free_memory_mb)
        self.assertEqual(1500, table.host(0).free_vcpus_milli)
        self.assertRaises(exception.NoValidHost, manager.select_destinations,
                          RequestSpec.build(vcpus='1.501'))
        manager.select_destinations(RequestSpec.build(vcpus='1.5'))


class NumbersAsNumbersTest(CaseTestCase):

    def test_text_memory_compares_as_number(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(folder, 'inventory.json')
        with open(path, 'w', encoding='utf-8') as stream:
            json.dump({'hosts': [
                {'name': 'b', 'memory_mb': '9000', 'vcpus': '4'},
                {'name': 'a', 'memory_mb': '10000', 'vcpus': '4'}]}, stream)
        self.flags(group='inventory', path=path)

        manager = SchedulerManager(self.conf)

        # As text, "9000" > "10000"; the policy must pick the 10000 host.
        selection, = manager.select_destinations(RequestSpec(memory_mb=1))
        self.assertEqual('a', selection.host)
        self.assertEqual(('b',), selection.alternates)

    def test_text_numbers_in_csv(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(folder, 'nodes.csv')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write('sn,cpu_milli,memory_mib,gpu,model\n'
                         'n1,32000,9000,0,\n'
                         'n2,32000,10000,0,\n')
        self.flags(group='inventory', source='openb-csv', path=path)
        manager = SchedulerManager(self.conf)
        self.assertEqual('n2', manager.select_destinations(
            RequestSpec(memory_mb=1))[0].host)


class ZeroCapacityTest(CaseTestCase):

    def _hosts(self):
        return [Host('drained', memory_mb=0, vcpus_milli=0),
                Host('n1', memory_mb=4096, vcpus_milli=4000),
                Host('n2', memory_mb=8192, vcpus_milli=2000, gpus=1),
                Host('n3', memory_mb=1024, vcpus_milli=1000)]

    def test_drained_host_never_chosen(self):
        requests = [RequestSpec(), RequestSpec(memory_mb=0),
                    RequestSpec(memory_mb=512, vcpus_milli=500)]
        for name in _installed_policies():
            manager = self._manager(self._hosts(), driver=name, seed=1)
            for _ in range(20):
                for request in requests:
                    selection, = manager.select_destinations(request)
                    self.assertNotEqual('drained', selection.host, name)
                    self.assertNotIn('drained', selection.alternates, name)
                    manager.release(selection)

    def test_only_drained_host_reported(self):
        for name in _installed_policies():
            manager = self._manager([Host('drained')], driver=name)
            error = self.assertRaises(exception.NoValidHost,
                                      manager.select_destinations,
                                      RequestSpec(memory_mb=0))
            self.assertEqual({'no memory_mb or vcpus capacity': 1},
                             error.reasons, name)

    def test_policies_score_zero_capacity_hosts(self):
        # Bypass the filters: every policy must score a drained host, and a
        # host with everything claimed, with finite numbers.
        for name in _installed_policies():
            manager = self._manager(self._hosts(), driver=name)
            table = manager.store.hosts
            table.apply(table.row('n3'), {'memory_mb': 1024,
                                          'vcpus_milli': 1000}, [], 0, 1)
            rows = np.arange(len(table))
            driver = manager.pipeline.driver
            if manager.pipeline._custom_rank:
                ranked = driver.rank_hosts(table, rows, RequestSpec(), 4)
                self.assertLessEqual(len(ranked), 4, name)
            else:
                scores = np.asarray(driver.score_hosts(table, rows,
                                                       RequestSpec()),
                                    dtype=float)
                self.assertEqual((len(rows),), scores.shape, name)
                self.assertTrue(np.isfinite(scores).all(), (name, scores))

    def test_zero_memory_request_placed(self):
        for name in _installed_policies():
            manager = self._manager(self._hosts(), driver=name, seed=3)
            selection, = manager.select_destinations(
                RequestSpec.build(memory_mb=0, vcpus='0.5'))
            self.assertEqual(0, selection.claim.memory_mb)
            self.assertNotEqual('drained', selection.host)


class EmptyInventoryTest(CaseTestCase):

    def test_empty_inventory_reported(self):
        for name in _installed_policies():
            manager = self._manager([], driver=name)
            error = self.assertRaises(exception.NoValidHost,
                                      manager.select_destinations,
                                      RequestSpec(memory_mb=1))
            self.assertEqual(0, error.total_hosts)
            self.assertEqual({}, error.reasons)
            self.assertIn('the inventory is empty', str(error))
            self.assertNotIn('filter', str(error))

    def test_empty_inventory_file(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(folder, 'empty.json')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write('{"hosts": []}')
        self.flags(group='inventory', path=path)
        manager = SchedulerManager(self.conf)
        error = self.assertRaises(exception.NoValidHost,
                                  manager.select_destinations, RequestSpec())
        self.assertIn('the inventory is empty', str(error))

    def test_policies_accept_no_candidates(self):
        for name in _installed_policies():
            manager = self._manager([], driver=name)
            table = manager.store.hosts
            rows = np.array([], dtype=np.int64)
            driver = manager.pipeline.driver
            if manager.pipeline._custom_rank:
                self.assertEqual(0, len(driver.rank_hosts(
                    table, rows, RequestSpec(), 3)), name)
            else:
                scores = driver.score_hosts(table, rows, RequestSpec())
                self.assertEqual(0, len(scores), name)

    def test_every_host_filtered_is_not_empty_inventory(self):
        manager = self._manager([Host('h1', memory_mb=10, vcpus_milli=1)])
        error = self.assertRaises(exception.NoValidHost,
                                  manager.select_destinations,
                                  RequestSpec(memory_mb=11))
        self.assertNotIn('inventory is empty', str(error))
        self.assertEqual(1, error.total_hosts)


class NoValidHostSummaryTest(CaseTestCase):

    def test_counts_each_host_once(self):
        manager = self._manager([
            Host('m1', memory_mb=100, vcpus_milli=1000),
            Host('m2', memory_mb=100, vcpus_milli=1000, memory_mb_used=90),
            Host('c1', memory_mb=9000, vcpus_milli=100),
            Host('g1', memory_mb=9000, vcpus_milli=1000),
            Host('z', memory_mb=0, vcpus_milli=0)])
        error = self.assertRaises(exception.NoValidHost,
                                  manager.select_destinations,
                                  RequestSpec(memory_mb=50, vcpus_milli=500,
                                              gpus=1))
        self.assertEqual(5, error.total_hosts)
        self.assertEqual({'not enough memory_mb': 1,
                          'vcpus larger than the host': 1,
                          'no GPU': 2,
                          'no memory_mb or vcpus capacity': 1},
                         error.reasons)
        self.assertEqual(5, sum(error.reasons.values()))
        self.assertTrue(str(error).startswith(
            'No valid host was found. 0/5 hosts are available: '
            '2 no GPU, '))
