"""Tests for SchedulerManager: configuration, logging and host lifecycle."""

import importlib.metadata
import json
import logging
import os
import time

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base


def _write_inventory(folder, name, hosts):
    path = os.path.join(folder, name)
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump({'hosts': hosts}, stream)
    return path


def _write_conf(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, 'w', encoding='utf-8') as stream:
        stream.write(text)
    return path


class ManagerConfigTest(base.TestCase):

    def test_defaults_to_global_conf(self):
        # Overrides on the global CONF are removed when the test ends.
        global_conf = self.useFixture(config_fixture.Config(cfg.CONF))
        manager = SchedulerManager(load_inventory=False)
        self.assertIs(cfg.CONF, manager.conf)
        self.assertEqual('memory', manager.driver_name)

        global_conf.config(group='scheduler', driver='random')
        self.assertEqual('random', SchedulerManager(
            load_inventory=False).driver_name)

    def test_unparsed_conf_accepted(self):
        # A ConfigOpts that never parsed a command line has no
        # [DEFAULT] config_file option; the manager must not need it.
        conf = cfg.ConfigOpts()
        manager = SchedulerManager(conf)
        selection, = manager.select_destinations(
            RequestSpec.build(memory_mb=2048, vcpus=1))
        self.assertEqual('gpu-01', selection.host)

    def test_two_managers_two_confs(self):
        folder = self.useFixture(fixtures.TempDir()).path
        first_path = _write_inventory(folder, 'first.json', [
            {'name': 'a1', 'memory_mb': 1024, 'vcpus': 1},
            {'name': 'a2', 'memory_mb': 2048, 'vcpus': 1}])
        second_path = _write_inventory(folder, 'second.json', [
            {'name': 'b1', 'memory_mb': 4096, 'vcpus': 1}])

        first_conf = cfg.ConfigOpts()
        second_conf = cfg.ConfigOpts()
        first = SchedulerManager(first_conf, load_inventory=False)
        second = SchedulerManager(second_conf, load_inventory=False)
        first_conf.set_override('path', first_path, 'inventory')
        second_conf.set_override('path', second_path, 'inventory')
        second_conf.set_override('max_attempts', 1, 'scheduler')
        first.load_inventory()
        second.load_inventory()

        self.assertEqual(['a1', 'a2'], first.store.hosts.names)
        self.assertEqual(['b1'], second.store.hosts.names)
        one, = first.select_destinations(RequestSpec(memory_mb=1000))
        two, = second.select_destinations(RequestSpec(memory_mb=1000))
        self.assertEqual('a2', one.host)
        self.assertEqual(('a1',), one.alternates)
        self.assertEqual('b1', two.host)
        self.assertEqual((), two.alternates)
        self.assertEqual([one.claim], first.store.claims())
        self.assertEqual([two.claim], second.store.claims())
        self.assertIsNot(first.store, second.store)

    def test_bad_option_fails_at_startup(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path = _write_conf(folder, 'sora.conf',
                           '[filter_scheduler]\nhost_subset_size = none\n')
        self.conf(['--config-file', path])

        error = self.assertRaises(exception.ConfigError, SchedulerManager,
                                  self.conf, load_inventory=False)

        self.assertEqual('filter_scheduler', error.group)
        self.assertEqual('host_subset_size', error.option)
        self.assertEqual('none', error.value)
        self.assertEqual([path], error.config_files)
        self.assertIn('[filter_scheduler] host_subset_size', str(error))
        self.assertIn(path, str(error))
        self.assertIn('expected an integer of 1 or more', str(error))

    def test_misspelt_driver_in_conf_file(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path = _write_conf(folder, 'sora.conf',
                           '[scheduler]\ndriver = memroy\n')
        self.conf(['--config-file', path])

        error = self.assertRaises(exception.PluginNotFound, SchedulerManager,
                                  self.conf, load_inventory=False)

        self.assertEqual('scheduler', error.group)
        self.assertEqual('driver', error.option)
        self.assertEqual('memroy', error.value)
        self.assertEqual('memory', error.suggestion)
        self.assertIn('memory', error.installed)
        self.assertIn('random', error.installed)
        self.assertEqual([path], error.config_files)
        self.assertIn("Did you mean 'memory'?", str(error))

    def test_config_dir_file_named(self):
        folder = self.useFixture(fixtures.TempDir()).path
        path = _write_conf(folder, 'driver.conf',
                           '[scheduler]\ndriver = ranodm\n')
        self.conf(['--config-dir', folder])

        error = self.assertRaises(exception.PluginNotFound, SchedulerManager,
                                  self.conf, load_inventory=False)

        self.assertEqual([path], error.config_files)
        self.assertEqual('random', error.suggestion)


class ManagerLoggingTest(base.TestCase):

    def test_startup_names_policy(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.INFO, format='%(message)s'))
        SchedulerManager(self.conf, load_inventory=False)

        version = importlib.metadata.version('sora')
        self.assertIn('Loaded scheduler policy memory '
                      '(sora.drivers.memory:MemoryDriver) from sora %s'
                      % version, logs.output)

    def test_decision_logged_at_debug(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.DEBUG, format='%(message)s'))
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts([Host('a', memory_mb=10, vcpus_milli=1),
                           Host('b', memory_mb=20, vcpus_milli=1)])

        manager.select_destinations(RequestSpec(memory_mb=5,
                                                request_id='req-7'))

        self.assertIn('Request req-7 placed on b by policy memory; '
                      'alternates a', logs.output)

    def test_decision_silent_at_info(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.INFO, format='%(message)s'))
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts([Host('a', memory_mb=10, vcpus_milli=1)])

        manager.select_destinations(RequestSpec(request_id='req-8'))

        self.assertNotIn('req-8', logs.output)

    def test_no_valid_host_summary_at_info(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.INFO, format='%(message)s'))
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts([Host('a', memory_mb=10, vcpus_milli=1)])

        self.assertRaises(exception.NoValidHost, manager.select_destinations,
                          RequestSpec(memory_mb=11, request_id='req-9'))

        self.assertIn('Request req-9: No valid host was found. 0/1 hosts '
                      'are available: 1 memory_mb larger than the host.',
                      logs.output)


class ManagerHostLifecycleTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.manager = SchedulerManager(self.conf, load_inventory=False)
        self.manager.set_hosts([Host('a', memory_mb=1000, vcpus_milli=1000)])

    def test_add_update_remove(self):
        self.manager.add_host(Host('b', memory_mb=2000, vcpus_milli=1000))
        self.assertEqual('b', self.manager.select_destinations(
            RequestSpec(memory_mb=1))[0].host)

        self.manager.update_host(Host('b', memory_mb=2000, vcpus_milli=1000,
                                      memory_mb_used=1990))
        selection, = self.manager.select_destinations(
            RequestSpec(memory_mb=20))
        self.assertEqual('a', selection.host)

        self.assertRaises(exception.HostHasClaims, self.manager.remove_host,
                          'a')
        self.assertEqual([selection.claim],
                         self.manager.remove_host('a', force=True))

    def test_release_accepts_selection_claim_or_id(self):
        placed = [self.manager.select_destinations(
            RequestSpec(memory_mb=100))[0] for _ in range(3)]
        self.manager.release(placed[0])
        self.manager.release(placed[1].claim)
        self.manager.release(placed[2].claim.claim_id)
        self.assertEqual([], self.manager.store.claims())
        self.assertEqual(1000, self.manager.store.hosts.memory_mb_free[0])

    def test_claim_alternate(self):
        self.manager.add_host(Host('b', memory_mb=1000, vcpus_milli=1000))
        selection, = self.manager.select_destinations(
            RequestSpec(memory_mb=600))
        self.manager.release(selection)
        claim = self.manager.claim(selection.alternates[0],
                                   RequestSpec(memory_mb=600))
        self.assertEqual('b', claim.host)

    def test_claim_rejects_disabled_host(self):
        self.manager.add_host(Host('b', memory_mb=1000, vcpus_milli=1000,
                                   enabled=False))
        error = self.assertRaises(exception.ClaimFailed, self.manager.claim,
                                  'b', RequestSpec(memory_mb=10))
        self.assertEqual('disabled', error.reason)
        self.assertEqual([], self.manager.store.claims())

    def test_claim_rejects_other_zone(self):
        self.manager.add_host(Host('b', memory_mb=1000, vcpus_milli=1000,
                                   zone='az2'))
        request = RequestSpec(memory_mb=10, availability_zone='az1')
        error = self.assertRaises(exception.ClaimFailed, self.manager.claim,
                                  'b', request)
        self.assertEqual('not in zone az1', error.reason)
        self.assertEqual([], self.manager.store.claims())
        claim = self.manager.claim(
            'b', RequestSpec(memory_mb=10, availability_zone='az2'))
        self.assertEqual('b', claim.host)

    def test_claim_rejects_anti_affinity_member_host(self):
        request = RequestSpec(memory_mb=10, group='g1',
                              group_policy='anti-affinity')
        self.manager.claim('a', request)
        error = self.assertRaises(exception.ClaimFailed, self.manager.claim,
                                  'a', request)
        self.assertIn('g1', error.reason)
        self.assertEqual(1, len(self.manager.store.claims()))

    def test_wrong_argument_types_rejected(self):
        request = RequestSpec(memory_mb=10)
        calls = [
            ('host', self.manager.claim, (['a'], request)),
            ('host', self.manager.claim, ('', request)),
            ('claim', self.manager.release, (None,)),
            ('claim', self.manager.release, (123,)),
            ('name', self.manager.remove_host, (['a'],)),
            ('force', self.manager.remove_host, ('a', 'no')),
            ('hosts', self.manager.set_hosts, (None,)),
            ('hosts', self.manager.set_hosts, ([None],)),
            ('hosts', self.manager.set_hosts, ('ab',)),
        ]
        for argument, call, args in calls:
            error = self.assertRaises(exception.InvalidArgument, call, *args)
            self.assertEqual(argument, error.argument, (call, args))
        error = self.assertRaises(exception.InvalidRequest,
                                  self.manager.claim, 'a', None)
        self.assertEqual('request', error.field)
        # Nothing changed: the host and its free memory are as before.
        self.assertEqual(['a'], self.manager.store.hosts.names)
        self.assertEqual([], self.manager.store.claims())

    def test_report_usage_validates(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  self.manager.report_usage, 'a',
                                  memory_mb_used=-1)
        self.assertEqual('memory_mb_used', error.field)
        self.manager.report_usage('a', memory_mb_used=400)
        self.assertEqual(600, self.manager.store.hosts.memory_mb_free[0])

    def test_report_usage_rejects_bad_times_and_huge_usage(self):
        for value in (float('nan'), float('inf'), 'x', True):
            error = self.assertRaises(exception.InvalidRequest,
                                      self.manager.report_usage, 'a',
                                      at=value)
            self.assertEqual('at', error.field)
        last_report = self.manager.store.hosts.last_report[0]
        for value in (-1e300, -1, -0.5):
            error = self.assertRaises(exception.InvalidRequest,
                                      self.manager.report_usage, 'a',
                                      memory_mb_used=400, at=value)
            self.assertEqual('at', error.field)
            self.assertIn('at=%r: expected seconds since the epoch from 0'
                          % value, str(error))
        for value in (time.time() + 3600, 1e12 + 1, 1e300):
            error = self.assertRaises(exception.InvalidRequest,
                                      self.manager.report_usage, 'a',
                                      memory_mb_used=400, at=value)
            self.assertEqual('at', error.field)
            self.assertIn('at=%r: the time is' % value, str(error))
            self.assertIn("ahead of this machine's clock", str(error))
        # Nothing was recorded by the rejected reports.
        self.assertEqual(last_report, self.manager.store.hosts.last_report[0])
        self.assertEqual(1000, self.manager.store.hosts.memory_mb_free[0])
        self.manager.report_usage('a', at=0)
        self.assertEqual(0, self.manager.store.hosts.last_report[0])
        error = self.assertRaises(exception.InvalidRequest,
                                  self.manager.report_usage, 'a',
                                  memory_mb_used=10 ** 30)
        self.assertEqual('memory_mb_used', error.field)
        self.manager.report_usage('a', memory_mb_used=400, at=5)
        self.assertEqual(600, self.manager.store.hosts.memory_mb_free[0])

    def test_select_destinations_needs_a_request_spec(self):
        for value in (None, {'memory_mb': 1}):
            error = self.assertRaises(exception.InvalidRequest,
                                      self.manager.select_destinations,
                                      value)
            self.assertEqual('request', error.field)

    def test_set_hosts_rejects_duplicates(self):
        error = self.assertRaises(
            exception.InvalidInventory, self.manager.set_hosts,
            [Host('x'), Host('y'), Host('x')])
        self.assertEqual('x', error.value)
        self.assertIn('position 0 and position 2', str(error))
        self.assertEqual(['a'], self.manager.store.hosts.names)

    def test_all_or_nothing(self):
        self.manager.set_hosts([Host('a', memory_mb=8192, vcpus_milli=1000),
                                Host('b', memory_mb=8192, vcpus_milli=1000)])
        self.assertRaises(exception.NoValidHost,
                          self.manager.select_destinations,
                          RequestSpec(memory_mb=3072, num_instances=5))
        self.assertEqual([8192, 8192],
                         self.manager.store.hosts.memory_mb_free.tolist())
        self.assertEqual([], self.manager.store.claims())
