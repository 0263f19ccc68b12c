"""Adding, changing, reporting and removing hosts through the manager."""

import collections
import threading
import time

from sora import exception
from sora.scheduler import checks
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base


def check_claims_match_table(test, manager):
    """Assert that the table's claimed columns equal the sum of claims."""
    table = manager.store.hosts
    memory = collections.Counter()
    instances = collections.Counter()
    for claim in manager.store.claims():
        memory[claim.host] += claim.memory_mb
        instances[claim.host] += 1
    for row, name in enumerate(table.names):
        test.assertEqual(memory[name], table.memory_mb_claimed[row], name)
        test.assertEqual(instances[name], table.instances[row], name)
        test.assertGreaterEqual(table.memory_mb_free[row], 0, name)


class HostLifecycleTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.conf([])
        self.manager = SchedulerManager(self.conf, load_inventory=False)
        self.manager.set_hosts([
            Host('h1', memory_mb=8192, vcpus_milli=4000),
            Host('h2', memory_mb=4096, vcpus_milli=4000)])

    def test_added_host_gets_placements(self):
        self.manager.add_host(Host('h3', memory_mb=65536, vcpus_milli=4000))

        [selection] = self.manager.select_destinations(
            RequestSpec(memory_mb=16384))

        self.assertEqual('h3', selection.host)

    def test_add_existing_host_rejected(self):
        error = self.assertRaises(
            exception.HostExists, self.manager.add_host,
            Host('h1', memory_mb=1, vcpus_milli=1))

        self.assertEqual('h1', error.host)
        table = self.manager.store.hosts
        self.assertEqual(8192, table.memory_mb_total[table.row('h1')])

    def test_update_keeps_claims(self):
        claim = self.manager.claim('h1', RequestSpec(memory_mb=2048))

        self.manager.update_host(Host('h1', memory_mb=16384,
                                      vcpus_milli=4000, labels={'ssd': '1'},
                                      enabled=False))

        table = self.manager.store.hosts
        row = table.row('h1')
        self.assertEqual(16384 - 2048, table.memory_mb_free[row])
        self.assertEqual({'ssd': '1'}, table.labels[row])
        self.assertFalse(table.enabled[row])
        self.assertEqual([claim], self.manager.store.claims('h1'))

    def test_update_dropping_used_cards_rejected(self):
        self.manager.update_host(Host('h1', memory_mb=8192, vcpus_milli=4000,
                                      gpus=4))
        first = self.manager.claim('h1', RequestSpec(gpus=2))
        second = self.manager.claim('h1', RequestSpec(gpus=2))
        table = self.manager.store.hosts

        error = self.assertRaises(
            exception.CardsInUse, self.manager.update_host,
            Host('h1', memory_mb=8192, vcpus_milli=4000, gpus=2))

        self.assertEqual([second.claim_id], error.claim_ids)
        self.assertIn('would keep 2 GPU card(s)', str(error))
        self.assertEqual(4, table.gpus_total[table.row('h1')])
        self.assertEqual(sorted([first.claim_id, second.claim_id]),
                         sorted(c.claim_id
                                for c in self.manager.store.claims('h1')))

    def test_update_keeping_used_cards(self):
        self.manager.update_host(Host('h1', memory_mb=8192, vcpus_milli=4000,
                                      gpus=4))
        claim = self.manager.claim('h1', RequestSpec(gpus=2))

        self.manager.update_host(Host('h1', memory_mb=8192, vcpus_milli=4000,
                                      gpus=2))

        table = self.manager.store.hosts
        self.assertEqual(2, table.gpus_total[table.row('h1')])
        self.assertEqual([claim], self.manager.store.claims('h1'))

    def test_update_unknown_host_rejected(self):
        self.assertRaises(exception.HostNotFound, self.manager.update_host,
                          Host('nope', memory_mb=1, vcpus_milli=1))

    def test_report_usage_records_heartbeat(self):
        table = self.manager.store.hosts
        row = table.row('h2')

        self.manager.report_usage('h2', memory_mb_used=1024, at=1234.5)

        self.assertEqual(1234.5, table.last_report[row])
        self.assertEqual(4096 - 1024, table.memory_mb_free[row])

    def test_report_without_time_uses_now(self):
        table = self.manager.store.hosts
        self.manager.report_usage('h2', at=1.0)

        self.manager.report_usage('h2')

        self.assertGreater(table.last_report[table.row('h2')], 1.0)

    def test_report_invalid_usage_changes_nothing(self):
        table = self.manager.store.hosts
        row = table.row('h2')
        before = table.last_report[row]

        for bad in (-1, '10', True, 1.5):
            error = self.assertRaises(
                exception.InvalidRequest, self.manager.report_usage, 'h2',
                memory_mb_used=bad)
            self.assertEqual('memory_mb_used', error.field)

        self.assertEqual(before, table.last_report[row])
        self.assertEqual(0, table.memory_mb_external[row])

    def test_report_unknown_host_rejected(self):
        self.assertRaises(exception.HostNotFound, self.manager.report_usage,
                          'nope')

    def test_report_non_text_name_rejected(self):
        for name in (['a'], None, 5, b'h1', ''):
            error = self.assertRaises(
                exception.InvalidArgument, self.manager.report_usage, name,
                memory_mb_used=1)
            self.assertEqual('name', error.argument)
            self.assertIn('expected a host name as text', str(error))

    def test_report_time_within_clock_skew_accepted(self):
        table = self.manager.store.hosts
        ahead = time.time() + checks.MAX_CLOCK_SKEW / 2

        self.manager.report_usage('h2', at=ahead)

        self.assertEqual(ahead, table.last_report[table.row('h2')])

    def test_report_time_far_ahead_rejected(self):
        table = self.manager.store.hosts
        before = table.last_report[table.row('h2')]
        ahead = time.time() + checks.MAX_CLOCK_SKEW * 2

        error = self.assertRaises(exception.InvalidRequest,
                                  self.manager.report_usage, 'h2', at=ahead)

        self.assertEqual('at', error.field)
        self.assertIn('at most 300 s ahead is accepted', str(error))
        self.assertEqual(before, table.last_report[table.row('h2')])

    def test_report_time_too_large_for_float_rejected(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  self.manager.report_usage, 'h2',
                                  at=10 ** 400)

        self.assertEqual('at', error.field)
        self.assertIn('expected seconds since the epoch', str(error))

    def test_non_host_rejected_by_add_and_update(self):
        for method in (self.manager.add_host, self.manager.update_host):
            for value in ('h3', {'name': 'h3'}, None):
                error = self.assertRaises(exception.InvalidArgument, method,
                                          value)
                self.assertEqual('host', error.argument)
                self.assertIn('expected a Host', str(error))
        self.assertEqual(['h1', 'h2'], list(self.manager.store.hosts.names))

    def test_remove_host_with_claims_rejected(self):
        first = self.manager.claim('h1', RequestSpec(memory_mb=1024))
        second = self.manager.claim('h1', RequestSpec(memory_mb=1024))

        error = self.assertRaises(exception.HostHasClaims,
                                  self.manager.remove_host, 'h1')

        self.assertEqual(sorted([first.claim_id, second.claim_id]),
                         error.claim_ids)
        self.assertIn(first.claim_id, str(error))
        self.assertIn(second.claim_id, str(error))
        self.assertIn('force=True', str(error))
        self.assertIn('h1', self.manager.store.hosts)
        self.assertEqual(2, len(self.manager.store.claims('h1')))

    def test_remove_host_forced_drops_claims(self):
        claim = self.manager.claim('h1', RequestSpec(memory_mb=1024))

        dropped = self.manager.remove_host('h1', force=True)

        self.assertEqual([claim], dropped)
        self.assertNotIn('h1', self.manager.store.hosts)
        self.assertEqual([], self.manager.store.claims())
        self.assertRaises(exception.ClaimNotFound, self.manager.release,
                          claim)

    def test_remove_host_without_claims(self):
        self.assertEqual([], self.manager.remove_host('h2'))

        self.assertEqual(['h1'], self.manager.store.hosts.names)


class LifecycleThreadsTest(base.TestCase):
    """Host changes from one thread while others place and release."""

    def test_changes_during_decisions(self):
        self.conf([])
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts([Host('base-%02d' % i, memory_mb=8192,
                                vcpus_milli=8000) for i in range(10)])
        errors = []
        outcomes = collections.Counter()
        stop = threading.Event()

        def decide():
            try:
                while not stop.is_set():
                    try:
                        [selection] = manager.select_destinations(
                            RequestSpec(memory_mb=512))
                    except exception.NoValidHost:
                        outcomes['no valid host'] += 1
                        continue
                    try:
                        manager.release(selection)
                        outcomes['released'] += 1
                    except exception.ClaimNotFound:
                        # The host was removed with force in between.
                        outcomes['dropped'] += 1
            except Exception as error:
                errors.append(error)

        def change_hosts():
            try:
                for i in range(300):
                    name = 'tmp-%d' % (i % 7)
                    if name not in manager.store.hosts:
                        manager.add_host(Host(name, memory_mb=65536,
                                              vcpus_milli=8000))
                    manager.report_usage(name, memory_mb_used=i % 1024)
                    manager.update_host(Host(name, memory_mb=32768 + i,
                                             vcpus_milli=8000,
                                             labels={'round': str(i)}))
                    try:
                        manager.remove_host(name)
                    except exception.HostHasClaims:
                        manager.remove_host(name, force=True)
            except Exception as error:
                errors.append(error)
            finally:
                stop.set()

        threads = [threading.Thread(target=decide) for _ in range(4)]
        threads.append(threading.Thread(target=change_hosts))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        self.assertEqual([], errors)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertGreater(outcomes['released'], 0)
        self.assertEqual(0, outcomes['no valid host'])
        self.assertEqual([], manager.store.claims())
        self.assertEqual(['base-%02d' % i for i in range(10)],
                         [n for n in manager.store.hosts.names
                          if n.startswith('base-')])
        check_claims_match_table(self, manager)
