"""Loading filters and weighers, and running them for every policy."""

import logging

import fixtures
import numpy as np

from sora.drivers import base as driver_base
from sora import exception
from sora.filters import base as filter_base
from sora import plugins
from sora.scheduler.request import RequestSpec
from sora.weighers import base as weigher_base
from tests import base
from tests import placement


class RecordingPolicy(driver_base.SchedulerDriver):
    """A third-party style policy that records the hosts it was shown."""

    seen = []

    def score_hosts(self, hosts, rows, request):
        RecordingPolicy.seen.append([hosts.names[int(r)] for r in rows])
        return np.zeros(len(rows))


HOSTS = [
    placement.host('big', memory_mb=8192, zone='az1'),
    placement.host('off', memory_mb=8192, zone='az1', enabled=False),
    placement.host('small', memory_mb=1024, zone='az1'),
    placement.host('west', memory_mb=4096, zone='az2'),
]


class FilterLoadingTest(base.TestCase):

    def test_unknown_filters_in_one_error(self):
        self.flags(group='filter_scheduler',
                   enabled_filters=['resorces', 'enabled', 'bogus'])
        self.conf([])
        error = self.assertRaises(exception.PluginNotFound,
                                  placement.manager, self, [],
                                  entry_points=True)
        self.assertEqual('resorces, bogus', error.value)
        self.assertEqual('enabled_filters', error.option)
        installed = ['affinity', 'availability_zone', 'enabled', 'gpu',
                     'host_hints', 'labels', 'resources']
        for name in installed:
            self.assertIn(name, error.installed)
        self.assertIn('[filter_scheduler] enabled_filters', str(error))
        self.assertIn('resorces, bogus', str(error))
        self.assertIn('Installed: %s' % ', '.join(installed), str(error))

    def test_repeated_names_rejected(self):
        for option, names in (('enabled_filters', ['gpu', 'enabled', 'gpu']),
                              ('weighers', ['ram', 'cpu', 'ram'])):
            self.flags(group='filter_scheduler', **{option: names})
            error = self.assertRaises(exception.ConfigError,
                                      placement.manager, self, [],
                                      policy='weighted')
            self.assertEqual(option, error.option)
            self.assertIn('%s listed more than once' % names[0], str(error))

    def test_unknown_weighers_in_one_error(self):
        self.flags(group='filter_scheduler', weighers=['ram', 'mem', 'gpus'])
        error = self.assertRaises(exception.PluginNotFound,
                                  placement.manager, self, [],
                                  policy='weighted', entry_points=True)
        self.assertEqual('mem, gpus', error.value)
        self.assertEqual('weighers', error.option)
        self.assertIn('Installed: cpu, disk, gpu, num_instances, ram',
                      str(error))

    def test_weighers_not_built_for_other_policies(self):
        # A policy without weighers never builds them, so a weigher that
        # fails to build does not stop it.
        source = placement.test_source(plugins.WEIGHER_NAMESPACE,
                                       unbuildable=UnbuildableWeigher)
        self.flags(group='filter_scheduler', weighers=['unbuildable'])
        manager = placement.manager(
            self, HOSTS, policy='binpack',
            sources={plugins.WEIGHER_NAMESPACE: source})
        self.assertEqual('binpack', manager.driver_name)

    def test_unknown_weigher_checked_for_every_policy(self):
        # A misspelt weigher fails at startup even under a policy that does
        # not use weighers, instead of after a reload to weighted.
        self.flags(group='filter_scheduler', weighers=['bogus'])
        error = self.assertRaises(exception.PluginNotFound,
                                  placement.manager, self, HOSTS,
                                  policy='binpack', entry_points=True)
        self.assertEqual('bogus', error.value)
        self.assertEqual('weighers', error.option)

    def test_default_filters_are_installed(self):
        installed = plugins.PluginSource(plugins.FILTER_NAMESPACE).names()
        self.conf([])
        self.assertEqual(sorted(installed),
                         sorted(self.conf.filter_scheduler.enabled_filters))


class UnbuildableWeigher(weigher_base.BaseWeigher):
    """A weigher that fails as soon as it is built."""

    def __init__(self, conf):
        raise RuntimeError('this weigher must not be built')


class FiltersBeforeAnyPolicyTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'tests.unit.test_pipeline_plugins.RecordingPolicy.seen', []))
        source = placement.test_source(plugins.SCHEDULER_NAMESPACE,
                                       recording=RecordingPolicy)
        self.manager = placement.manager(
            self, HOSTS, policy='recording',
            sources={plugins.SCHEDULER_NAMESPACE: source})

    def test_policy_sees_only_filtered_hosts(self):
        selection, = self.manager.select_destinations(
            RequestSpec(memory_mb=2048, availability_zone='az1'))
        self.assertEqual([['big']], RecordingPolicy.seen)
        self.assertEqual('big', selection.host)

    def test_policy_not_called_when_nothing_fits(self):
        self.assertRaises(exception.NoValidHost,
                          self.manager.select_destinations,
                          RequestSpec(memory_mb=16384))
        self.assertEqual([], RecordingPolicy.seen)


class OneValueFilter(filter_base.BaseFilter):
    """A broken filter that returns one value instead of one per host."""

    def filter_hosts(self, hosts, request, context, candidates):
        return np.array([True])


class FilterResultCheckTest(base.TestCase):

    def _manager(self):
        source = placement.test_source(plugins.FILTER_NAMESPACE,
                                       one_value=OneValueFilter)
        return placement.manager(
            self, HOSTS, sources={plugins.FILTER_NAMESPACE: source},
            enabled_filters=['one_value'])

    def test_wrong_length_raises_filter_error(self):
        manager = self._manager()
        error = self.assertRaises(exception.FilterError,
                                  manager.select_destinations,
                                  RequestSpec(memory_mb=1))
        self.assertEqual('one_value', error.filter)
        self.assertIn('expected one value per host, 4 in all, got shape '
                      '(1,)', str(error))
        self.assertIn('[filter_scheduler] enabled_filters', str(error))
        self.assertEqual([], manager.store.claims())

    def test_wrong_length_raises_with_debug_log(self):
        self.useFixture(fixtures.FakeLogger(name='sora',
                                            level=logging.DEBUG))
        manager = self._manager()
        self.assertRaises(exception.FilterError,
                          manager.select_destinations,
                          RequestSpec(memory_mb=1))
        self.assertEqual([], manager.store.claims())


class DecisionLogTest(base.TestCase):

    def test_filters_log_kept_and_removed(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.DEBUG))
        manager = placement.manager(self, HOSTS, policy='weighted')
        manager.select_destinations(
            RequestSpec(memory_mb=2048, availability_zone='az1',
                        request_id='req-1'))
        output = logger.output
        self.assertIn('Filter enabled kept 3 hosts and removed 1 for '
                      'request req-1', output)
        self.assertIn('Filter availability_zone kept 2 hosts and removed 1',
                      output)
        self.assertIn('Filter resources kept 1 hosts and removed 1', output)

    def test_weighers_log_raw_and_normalised(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.DEBUG))
        manager = placement.manager(self, HOSTS, policy='weighted')
        manager.select_destinations(RequestSpec(memory_mb=2048,
                                                request_id='req-2'))
        # Free memory 8192 and 4096 scale to 1 and 0; CPUs are equal.
        self.assertIn('Weigher ram (multiplier 1.0) for request req-2: '
                      'raw->normalised big 8192->1.000, west 4096->0.000',
                      logger.output)
        self.assertIn('Weigher cpu (multiplier 1.0) for request req-2: '
                      'raw->normalised big 8000->0.000, west 8000->0.000',
                      logger.output)

    def test_debug_off_logs_nothing(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.INFO))
        manager = placement.manager(self, HOSTS, policy='weighted')
        manager.select_destinations(RequestSpec(memory_mb=2048))
        self.assertNotIn('Filter', logger.output)
        self.assertNotIn('Weigher', logger.output)
