"""Reloading the policy, filters and settings of a running manager.

The tests write a real sora.conf, change it, and call oslo.config's
``mutate_config_files``, which is what a daemon does on SIGHUP.
"""

import gc
import io
import logging
import os
import threading
import weakref

import fixtures
import numpy as np
from oslo_log import formatters
from oslo_log import log as oslo_log
from stevedore import extension

from sora.drivers import base as driver_base
from sora.drivers.memory import MemoryDriver
from sora import exception
from sora import plugins
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base

# Hosts of different sizes, so the memory policy always picks big-1.
HOSTS = [Host('big-1', memory_mb=65536, vcpus_milli=16000),
         Host('mid-1', memory_mb=32768, vcpus_milli=16000),
         Host('mid-2', memory_mb=32768, vcpus_milli=16000),
         Host('small-1', memory_mb=16384, vcpus_milli=16000)]


def winners(manager, decisions=40):
    """Place and release ``decisions`` small requests; return the hosts."""
    chosen = []
    for _ in range(decisions):
        [selection] = manager.select_destinations(RequestSpec(memory_mb=512))
        chosen.append(selection.host)
        manager.release(selection)
    return chosen


class ReloadTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        self.conf_path = os.path.join(self.tempdir, 'sora.conf')
        self.log = self.useFixture(fixtures.FakeLogger(name='sora'))

    def write_conf(self, text):
        with open(self.conf_path, 'w', encoding='utf-8') as stream:
            stream.write(text)

    def start(self, text, **kwargs):
        self.write_conf(text)
        self.conf(['--config-file', self.conf_path])
        kwargs.setdefault('load_inventory', False)
        manager = SchedulerManager(self.conf, **kwargs)
        if not kwargs['load_inventory']:
            manager.set_hosts(HOSTS)
        return manager


class PolicyReloadTest(ReloadTestCase):

    def test_sighup_switches_policy(self):
        manager = self.start('[scheduler]\ndriver = memory\nseed = 7\n')
        self.assertEqual({'big-1'}, set(winners(manager)))

        self.write_conf('[scheduler]\ndriver = random\nseed = 7\n')
        self.conf.mutate_config_files()

        self.assertEqual('random', manager.driver_name)
        self.assertGreater(len(set(winners(manager))), 1)
        self.assertIn('Scheduler policy changed from memory to random',
                      self.log.output)

    def test_unknown_policy_keeps_old(self):
        manager = self.start('[scheduler]\ndriver = memory\n')
        old = manager.pipeline

        self.write_conf('[scheduler]\ndriver = memroy\n')
        self.conf.mutate_config_files()

        self.assertIs(old, manager.pipeline)
        self.assertEqual({'big-1'}, set(winners(manager, 5)))
        self.assertIn('Rejected the new configuration', self.log.output)
        self.assertIn("'memroy'", self.log.output)
        self.assertIn("Did you mean 'memory'?", self.log.output)

    def test_invalid_value_keeps_old(self):
        # oslo.config takes host_subset_size = 0 without complaint and
        # fails only when the option is read, so the manager must check.
        manager = self.start('[filter_scheduler]\nhost_subset_size = 2\n')

        self.write_conf('[filter_scheduler]\nhost_subset_size = 0\n'
                        '[scheduler]\ndriver = random\n')
        self.conf.mutate_config_files()

        self.assertEqual('memory', manager.driver_name)
        self.assertEqual(2, manager.pipeline.settings.host_subset_size)
        self.assertIn("Invalid value '0' for option [filter_scheduler] "
                      "host_subset_size (read from %s)" % self.conf_path,
                      self.log.output)
        self.assertIn('out of range; expected an integer of 1 or more',
                      self.log.output)
        self.assertEqual(5, len(winners(manager, 5)))

    def test_fixed_value_applies_after_rejection(self):
        manager = self.start('[scheduler]\ndriver = memory\n')
        self.write_conf('[scheduler]\ndriver = memroy\n')
        self.conf.mutate_config_files()

        self.write_conf('[scheduler]\ndriver = random\n')
        self.conf.mutate_config_files()

        self.assertEqual('random', manager.driver_name)

    def test_reload_raises_and_keeps_pipeline(self):
        manager = self.start('[scheduler]\ndriver = memory\n')
        old = manager.pipeline
        self.flags(group='scheduler', driver='nope')

        error = self.assertRaises(exception.PluginNotFound, manager.reload)

        self.assertEqual('nope', error.value)
        self.assertIs(old, manager.pipeline)

    def test_reload_without_mutate_hook(self):
        manager = self.start('')
        self.flags(group='scheduler', driver='random')

        manager.reload()

        self.assertEqual('random', manager.driver_name)

    def test_enabled_filters_reload(self):
        manager = self.start('[filter_scheduler]\n'
                             'enabled_filters = resources,gpu\n')

        self.write_conf('[filter_scheduler]\nenabled_filters = resources\n')
        self.conf.mutate_config_files()

        self.assertEqual(['resources'],
                         [f.name for f in manager.pipeline.filters])

    def test_unknown_filter_keeps_old(self):
        manager = self.start('')
        before = [f.name for f in manager.pipeline.filters]

        self.write_conf('[filter_scheduler]\n'
                        'enabled_filters = resources,nofilter\n')
        self.conf.mutate_config_files()

        self.assertEqual(before, [f.name for f in manager.pipeline.filters])
        self.assertNotEqual(['resources'], before)
        self.assertIn('nofilter', self.log.output)

    def test_host_subset_size_reload(self):
        manager = self.start('')

        self.write_conf('[filter_scheduler]\nhost_subset_size = 3\n'
                        '[scheduler]\nseed = 1\n')
        self.conf.mutate_config_files()

        self.assertEqual(3, manager.pipeline.settings.host_subset_size)
        # The three hosts with the most free memory now share the wins.
        self.assertEqual({'big-1', 'mid-1', 'mid-2'},
                         set(winners(manager, 60)))

    def test_allocation_ratio_reload(self):
        manager = self.start('')
        row = manager.store.hosts.row('small-1')

        self.write_conf('[filter_scheduler]\nram_allocation_ratio = 1.5\n')
        self.conf.mutate_config_files()

        # 16384 MiB x 1.5 = 24576 MiB of capacity.
        self.assertEqual(24576,
                         manager.store.hosts.memory_mb_capacity[row])

    def test_hook_does_not_keep_manager_alive(self):
        manager = self.start('')
        ref = weakref.ref(manager)
        del manager
        gc.collect()

        self.write_conf('[scheduler]\ndriver = random\n')
        self.conf.mutate_config_files()

        self.assertIsNone(ref())
        self.assertNotIn('Rejected', self.log.output)


class BlockingDriver(MemoryDriver):
    """The memory policy, but it waits for the test before it scores."""

    scoring = threading.Event()
    proceed = threading.Event()

    def score_hosts(self, hosts, rows, request):
        type(self).scoring.set()
        type(self).proceed.wait(30)
        return super().score_hosts(hosts, rows, request)


class SmallestDriver(driver_base.SchedulerDriver):
    """The host with the least free memory wins."""

    def score_hosts(self, hosts, rows, request):
        return -np.asarray(hosts.memory_mb_free[rows], float)


class InFlightReloadTest(ReloadTestCase):

    def setUp(self):
        super().setUp()
        BlockingDriver.scoring = threading.Event()
        BlockingDriver.proceed = threading.Event()
        self.addCleanup(BlockingDriver.proceed.set)
        test_manager = extension.ExtensionManager.make_test_instance([
            extension.Extension('blocking', None, BlockingDriver, None),
            extension.Extension('smallest', None, SmallestDriver, None)])
        self.sources = {plugins.SCHEDULER_NAMESPACE: plugins.PluginSource(
            plugins.SCHEDULER_NAMESPACE, test_manager)}

    def test_decision_in_flight_keeps_old_policy(self):
        manager = self.start('[scheduler]\ndriver = blocking\n',
                             sources=self.sources)
        results = {}

        def decide(key):
            [selection] = manager.select_destinations(
                RequestSpec(memory_mb=512))
            results[key] = selection.host

        first = threading.Thread(target=decide, args=('first',))
        first.start()
        self.assertTrue(BlockingDriver.scoring.wait(30))

        self.write_conf('[scheduler]\ndriver = smallest\n')
        reloader = threading.Thread(target=self.conf.mutate_config_files)
        reloader.start()
        reloader.join(0.5)
        # The new pipeline cannot be swapped in while the decision holds
        # the store lock.
        self.assertTrue(reloader.is_alive())
        self.assertEqual('blocking', manager.driver_name)

        BlockingDriver.proceed.set()
        first.join(30)
        reloader.join(30)
        decide('second')

        self.assertEqual('big-1', results['first'])
        self.assertEqual('small-1', results['second'])
        self.assertEqual('smallest', manager.driver_name)


class NestingDriver(MemoryDriver):
    """The memory policy; building it runs ``on_build`` once if set."""

    on_build = None

    def __init__(self, conf):
        super().__init__(conf)
        callback, type(self).on_build = type(self).on_build, None
        if callback is not None:
            callback()


class NestedReloadTest(ReloadTestCase):
    """A reload that starts while the same thread is in one.

    This happens when SIGHUP arrives while the main thread reloads. The
    test starts the inner reload from inside the outer one's policy
    constructor.
    """

    def test_newer_reload_wins_without_deadlock(self):
        test_manager = extension.ExtensionManager.make_test_instance([
            extension.Extension('memory', None, MemoryDriver, None),
            extension.Extension('nesting', None, NestingDriver, None),
            extension.Extension('smallest', None, SmallestDriver, None)])
        sources = {plugins.SCHEDULER_NAMESPACE: plugins.PluginSource(
            plugins.SCHEDULER_NAMESPACE, test_manager)}
        manager = self.start('', sources=sources)
        self.addCleanup(setattr, NestingDriver, 'on_build', None)

        def inner_reload():
            self.flags(group='scheduler', driver='smallest')
            manager.reload()

        NestingDriver.on_build = inner_reload
        self.flags(group='scheduler', driver='nesting')
        outer = threading.Thread(target=manager.reload)
        outer.start()
        outer.join(30)

        self.assertFalse(outer.is_alive())
        self.assertEqual('smallest', manager.driver_name)
        self.assertIn('A newer reload finished first', self.log.output)


class OverflowingDriver(MemoryDriver):
    """The memory policy; building it fails with a plain OverflowError."""

    def __init__(self, conf):
        super().__init__(conf)
        raise OverflowError('Python int too large to convert to C long')


class UnexpectedErrorReloadTest(ReloadTestCase):
    """A reload whose policy constructor raises an error not sora's own."""

    def test_error_named_without_traceback(self):
        test_manager = extension.ExtensionManager.make_test_instance([
            extension.Extension('memory', None, MemoryDriver, None),
            extension.Extension('overflowing', None, OverflowingDriver,
                                None)])
        sources = {plugins.SCHEDULER_NAMESPACE: plugins.PluginSource(
            plugins.SCHEDULER_NAMESPACE, test_manager)}
        manager = self.start('[scheduler]\ndriver = memory\n',
                             sources=sources)

        self.write_conf('[scheduler]\ndriver = overflowing\n')
        self.conf.mutate_config_files()

        self.assertEqual('memory', manager.driver_name)
        self.assertIn('Rejected the new configuration; the scheduler keeps '
                      "policy memory and its hosts: Failed to load plugin "
                      "'overflowing'", self.log.output)
        self.assertIn('OverflowError: Python int too large to convert to C '
                      'long', self.log.output)
        self.assertNotIn('plugin failed', self.log.output)
        self.assertNotIn('Traceback', self.log.output)


class RejectedReloadLogTest(ReloadTestCase):
    """The error line of a rejected reload, formatted as oslo.log does."""

    def setUp(self):
        super().setUp()
        oslo_log.register_options(self.conf)
        self.stream = io.StringIO()
        handler = logging.StreamHandler(self.stream)
        handler.setFormatter(formatters.ContextFormatter(config=self.conf,
                                                         project='sora'))
        logger = logging.getLogger('sora.scheduler.reload_hook')
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)

    def rejected_line(self):
        lines = [line for line in self.stream.getvalue().splitlines()
                 if 'Rejected the new configuration' in line]
        self.assertEqual(1, len(lines), self.stream.getvalue())
        return lines[0]

    def test_sora_error_named_once(self):
        manager = self.start('[scheduler]\ndriver = memory\n')

        self.write_conf('[scheduler]\ndriver = memroy\n')
        self.conf.mutate_config_files()

        self.assertEqual('memory', manager.driver_name)
        line = self.rejected_line()
        self.assertEqual(1, line.count("Invalid value 'memroy'"), line)
        self.assertNotIn('sora.exception', line)
        self.assertTrue(line.endswith("Did you mean 'memory'?"), line)

    def test_unexpected_error_named_once(self):
        manager = self.start('[scheduler]\ndriver = memory\n')
        # A configuration file cannot easily cause an error that is not
        # sora's own, because plugin errors are wrapped in PluginLoadFailed,
        # so reload is replaced by a mock that raises one.
        self.useFixture(fixtures.MockPatchObject(
            manager, 'reload', side_effect=RuntimeError('disk on fire')))

        self.conf.mutate_config_files()

        line = self.rejected_line()
        self.assertEqual(1, line.count('disk on fire'), line)
        self.assertIn('RuntimeError: disk on fire; the scheduler keeps '
                      'policy memory and its hosts', line)
