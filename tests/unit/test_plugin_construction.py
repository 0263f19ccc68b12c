"""Plugins whose class is wrong or whose constructor raises.

One real distribution, installed with pip into a temporary folder, declares
such a plugin in every namespace sora builds from. The command runs with
that folder on PYTHONPATH, and the reload test puts it on sys.path. No
entry point is mocked.
"""

import os
import sys

import fixtures

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from tests.unit import test_installed_policies as installed

FAULTY_SOURCE = '''
    from sora.drivers import base as driver_base
    from sora.filters import base as filter_base
    from sora.inventory import base as inventory_base


    class BoomPolicy(driver_base.SchedulerDriver):
        """A policy whose constructor raises."""

        def __init__(self, conf):
            raise RuntimeError('boom in init')

        def score_hosts(self, hosts, rows, request):
            return hosts.memory_mb_free[rows]


    class NotDriver:
        """A plain class that takes no arguments."""


    class BoomFilter(filter_base.BaseFilter):

        def __init__(self, conf):
            raise RuntimeError('filter boom')


    class PlainWeigher:
        pass


    class BoomSource(inventory_base.InventorySource):

        def __init__(self, conf):
            raise OSError('source boom')

        def read(self):
            return []


    class ClashPolicy(driver_base.SchedulerDriver):
        """A policy whose option clashes with one of sora's."""

        @classmethod
        def list_opts(cls):
            from oslo_config import cfg
            return [('scheduler', [cfg.IntOpt('driver')])]

        def score_hosts(self, hosts, rows, request):
            return hosts.memory_mb_free[rows]


    class ExitPolicy(driver_base.SchedulerDriver):
        """A policy that ends the process while it is built."""

        def __init__(self, conf):
            import sys
            sys.exit(7)

        def score_hosts(self, hosts, rows, request):
            return hosts.memory_mb_free[rows]


    class NoReadSource:

        def __init__(self, conf):
            self.conf = conf


    class ReadBoomSource(inventory_base.InventorySource):

        def read(self):
            raise ValueError('read boom')


    class PlainStore:

        @classmethod
        def from_conf(cls, conf):
            return cls()
'''


class FaultyPluginTest(installed.InstalledPolicyTestCase):
    """Plugins that import fine but cannot be built."""

    DISTRIBUTION = {
        'name': 'sora-test-faulty',
        'modules': {'sora_test_faulty': FAULTY_SOURCE},
        'entry_points': {
            'sora.scheduler': ['boom = sora_test_faulty:BoomPolicy',
                               'notdriver = sora_test_faulty:NotDriver',
                               'clash = sora_test_faulty:ClashPolicy',
                               'exits = sora_test_faulty:ExitPolicy'],
            'sora.scheduler.filters': [
                'boomfilter = sora_test_faulty:BoomFilter'],
            'sora.scheduler.weighers': [
                'plain = sora_test_faulty:PlainWeigher'],
            'sora.inventory': [
                'boomsource = sora_test_faulty:BoomSource',
                'noread = sora_test_faulty:NoReadSource',
                'readboom = sora_test_faulty:ReadBoomSource'],
            'sora.state': ['plainstore = sora_test_faulty:PlainStore'],
        },
    }

    def assert_load_failed(self, config_text, name, namespace, cause):
        result = self.run_cli(['select'], config_text)

        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual('', result.stdout)
        self.assertIn("Failed to load plugin %r (%s = sora_test_faulty:"
                      % (name, name), result.stderr)
        self.assertIn('in namespace %s, declared by sora-test-faulty: '
                      % namespace, result.stderr)
        self.assertIn(cause, result.stderr)
        self.assertNotIn('internal error', result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_policy_constructor_error_wrapped(self):
        self.assert_load_failed('[scheduler]\ndriver = boom\n', 'boom',
                                'sora.scheduler',
                                'RuntimeError: boom in init')

    def test_policy_class_checked_before_call(self):
        self.assert_load_failed(
            '[scheduler]\ndriver = notdriver\n', 'notdriver',
            'sora.scheduler', 'TypeError: NotDriver is not a subclass of '
            'sora.drivers.base.SchedulerDriver')

    def test_policy_option_clash_wrapped(self):
        self.assert_load_failed('[scheduler]\ndriver = clash\n', 'clash',
                                'sora.scheduler',
                                'DuplicateOptError: duplicate option: driver')

    def test_policy_exit_wrapped(self):
        self.assert_load_failed('[scheduler]\ndriver = exits\n', 'exits',
                                'sora.scheduler', 'SystemExit: 7')

    def test_inventory_without_read_wrapped(self):
        self.assert_load_failed('[inventory]\nsource = noread\n', 'noread',
                                'sora.inventory', 'TypeError: NoReadSource '
                                'has no read() method')

    def test_inventory_read_error_wrapped(self):
        self.assert_load_failed('[inventory]\nsource = readboom\n',
                                'readboom', 'sora.inventory',
                                'ValueError: read boom')

    def test_filter_constructor_error_wrapped(self):
        self.assert_load_failed(
            '[filter_scheduler]\nenabled_filters = resources,boomfilter\n',
            'boomfilter', 'sora.scheduler.filters',
            'RuntimeError: filter boom')

    def test_weigher_class_checked(self):
        self.assert_load_failed(
            '[scheduler]\ndriver = weighted\n'
            '[filter_scheduler]\nweighers = ram,plain\n', 'plain',
            'sora.scheduler.weighers', 'TypeError: PlainWeigher is not a '
            'subclass of sora.weighers.base.BaseWeigher')

    def test_inventory_constructor_error_wrapped(self):
        self.assert_load_failed('[inventory]\nsource = boomsource\n',
                                'boomsource', 'sora.inventory',
                                'OSError: source boom')

    def test_state_store_class_checked(self):
        self.assert_load_failed(
            '[scheduler]\nstate_store = plainstore\n', 'plainstore',
            'sora.state', 'TypeError: PlainStore is not a subclass of '
            'sora.state.base.StateStore')

    def test_drivers_lists_unbuildable_as_broken(self):
        result = self.run_cli(['drivers'])

        self.assertEqual(0, result.returncode, result.stderr)
        rows = {line.split()[0]: line
                for line in result.stdout.splitlines()[1:]}
        self.assertTrue(rows['boom'].endswith(
            'BROKEN: RuntimeError: boom in init'), rows['boom'])
        self.assertTrue(rows['notdriver'].endswith(
            'BROKEN: TypeError: NotDriver is not a subclass of '
            'sora.drivers.base.SchedulerDriver'), rows['notdriver'])
        self.assertIn('BROKEN: DuplicateOptError', rows['clash'])
        self.assertIn('BROKEN: SystemExit: 7', rows['exits'])
        self.assertNotIn('BROKEN', rows['memory'])
        self.assertNotIn('BROKEN', rows['weighted'])
        self.assertTrue(rows['weighted'].endswith(
            'Add up the weighers of [filter_scheduler] weighers.'))
        self.assertNotIn('``', result.stdout)

    def test_compare_all_skips_unbuildable(self):
        result, replayed = self.replay_all()

        self.assertIn('memory', replayed)
        self.assertNotIn('boom', replayed)
        self.assertNotIn('notdriver', replayed)
        self.assertIn("sora-scheduler: warning: skipped policy boom, which "
                      "failed to load: Failed to load plugin 'boom'",
                      result.stderr)
        self.assertIn('RuntimeError: boom in init', result.stderr)
        self.assertIn('skipped policy notdriver', result.stderr)
        self.assertIn('skipped policy clash', result.stderr)
        self.assertIn('skipped policy exits', result.stderr)

    def test_reload_keeps_old_pipeline(self):
        self.useFixture(fixtures.MonkeyPatch(
            'sys.path', [self.distribution.path] + sys.path))
        self.addCleanup(sys.modules.pop, 'sora_test_faulty', None)
        path = os.path.join(self.folder, 'sora.conf')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write('[scheduler]\ndriver = memory\n')
        self.conf(['--config-file', path])
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts([Host('host-1', memory_mb=4096)])
        old = manager.pipeline

        for name in ('boom', 'notdriver'):
            with open(path, 'w', encoding='utf-8') as stream:
                stream.write('[scheduler]\ndriver = %s\n' % name)
            self.conf.reload_config_files()

            error = self.assertRaises(exception.SoraException,
                                      manager.reload)
            self.assertIsInstance(error, exception.PluginLoadFailed)
            self.assertEqual(name, error.name)
            self.assertEqual('sora-test-faulty', error.distribution)
            self.assertIs(old, manager.pipeline)
            self.assertEqual('memory', manager.driver_name)
