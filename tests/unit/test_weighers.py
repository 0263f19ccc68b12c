"""Weighers, their normalisation, and the weighted policy."""

import fixtures
import numpy as np
from oslo_config import cfg

from sora import exception
from sora import plugins
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from sora.weighers import base as weigher_base
from sora.weighers.num_instances import NumInstancesWeigher
from sora.weighers import resources
from tests import base
from tests import placement


def three_hosts():
    hosts = placement.table(
        # a: 4096 MiB, 2 CPUs, 100 GiB, no GPU.
        placement.host('a', memory_mb=4096, vcpus=2, disk_gb=100),
        # b: 16384 MiB with 8192 used, 8 CPUs with 7.5 used, 50 GiB.
        placement.host('b', memory_mb=16384, vcpus=8, disk_gb=50,
                       memory_mb_used=8192, vcpus_milli_used=7500),
        # c: 8192 MiB, 4 CPUs, 0 GiB, 2 cards with 250 used on card 1.
        placement.host('c', memory_mb=8192, vcpus=4, gpus=2,
                       gpu_model='T4'))
    hosts.apply(hosts.row('c'), {}, [1], 250, 1)
    hosts.apply(hosts.row('c'), {}, [], 0, 1)
    hosts.apply(hosts.row('c'), {}, [], 0, 1)
    hosts.apply(hosts.row('b'), {}, [], 0, 1)
    return hosts


# Each weigher with the raw weights of hosts a, b and c, and the weights
# after scaling to the range 0 to 1: (value - min) / (max - min).
CASES = [
    # Free memory 4096, 8192, 8192: (4096 - 4096) / 4096 = 0, then 1, 1.
    (resources.RamWeigher, [4096, 8192, 8192], [0, 1, 1]),
    # Free CPUs 2000, 500, 4000 thousandths:
    # (2000 - 500) / 3500 = 0.4286, 0, 1.
    (resources.CpuWeigher, [2000, 500, 4000], [1500 / 3500, 0, 1]),
    # Free disk 100, 50, 0 GiB: 1, 0.5, 0.
    (resources.DiskWeigher, [100, 50, 0], [1, 0.5, 0]),
    # Free GPU share 0, 0, 2000 - 250 = 1750: 0, 0, 1.
    (resources.GpuWeigher, [0, 0, 1750], [0, 0, 1]),
    # Instances 0, 1, 3, negated: -0, -1, -3: (0 + 3) / 3 = 1, 2/3, 0.
    (NumInstancesWeigher, [0, -1, -3], [1, 2 / 3, 0]),
]


class WeigherTest(base.TestCase):

    def test_raw_and_normalised(self):
        hosts = three_hosts()
        rows = np.arange(3)
        for weigher_class, raw, scaled in CASES:
            weigher = weigher_class(self.conf)
            weights = weigher.weigh_hosts(hosts, rows, RequestSpec())
            np.testing.assert_allclose(raw, weights,
                                       err_msg=weigher_class.__name__)
            np.testing.assert_allclose(scaled,
                                       weigher_base.normalize(weights),
                                       err_msg=weigher_class.__name__)

    def test_per_host_weigh_matches(self):
        hosts = three_hosts()
        weigher = NumInstancesWeigher(self.conf)
        self.assertEqual(
            [weigher.weigh_host(hosts.host(row), RequestSpec())
             for row in range(3)],
            list(weigher.weigh_hosts(hosts, np.arange(3), RequestSpec())))

    def test_multiplier_from_options(self):
        self.flags(group='filter_scheduler', ram_weight_multiplier=-2.5)
        weigher = resources.RamWeigher(self.conf)
        weigher.name = 'ram'
        self.assertEqual(-2.5, weigher.multiplier())

    def test_multiplier_of_unregistered_option(self):
        weigher = resources.RamWeigher(self.conf)
        weigher.name = 'extra'
        self.assertEqual(1.0, weigher.multiplier())


class NormalizeTest(base.TestCase):

    def test_cases(self):
        cases = [
            ([], []),
            ([5], [0]),                      # one host: equal values give 0
            ([7, 7, 7], [0, 0, 0]),
            ([0, 0, 10], [0, 0, 1]),         # zero-capacity hosts
            ([-4, 0, 4], [0, 0.5, 1]),       # (0 + 4) / 8 = 0.5
            ([1e308, -1e308], [1, 0]),       # the span overflows a float
        ]
        for values, expected in cases:
            result = weigher_base.normalize(np.array(values, float))
            np.testing.assert_allclose(expected, result,
                                       err_msg=repr(values))
            self.assertTrue(np.isfinite(result).all(), values)


class PerHostWeigher(weigher_base.BaseWeigher):
    """A weigher written one host at a time: prefers short names."""

    def weigh_host(self, host, request):
        return -len(host.name)


class BrokenWeigher(weigher_base.BaseWeigher):
    """A weigher that returns NaN."""

    def weigh_hosts(self, hosts, rows, request):
        return np.full(len(rows), np.nan)


class SilencedWeigher(BrokenWeigher):
    """The broken weigher with a multiplier option that defaults to 0."""

    @classmethod
    def list_opts(cls):
        return [('filter_scheduler',
                 [cfg.FloatOpt('silenced_weight_multiplier', default=0.0)])]


class WeightedPolicyTest(base.TestCase):

    def _manager(self, hosts, weighers, **flags):
        return placement.manager(self, hosts, policy='weighted',
                                 weighers=list(weighers), **flags)

    def test_positive_spreads_negative_stacks(self):
        hosts = [placement.host('a', memory_mb=4096),
                 placement.host('b', memory_mb=8192)]
        spread = self._manager(hosts, ['ram'])
        self.assertEqual('b', spread.select_destinations(
            RequestSpec(memory_mb=1024))[0].host)

        stack = self._manager(hosts, ['ram'], ram_weight_multiplier=-1.0)
        self.assertEqual('a', stack.select_destinations(
            RequestSpec(memory_mb=1024))[0].host)

    def test_multipliers_set_the_share(self):
        # a has more free memory, b more free CPUs. Scaled: a ram 1, cpu 0;
        # b ram 0, cpu 1. With ram x1 and cpu x3, b scores 3 and a 1.
        hosts = [placement.host('a', memory_mb=16384, vcpus=2),
                 placement.host('b', memory_mb=4096, vcpus=16)]
        manager = self._manager(hosts, ['ram', 'cpu'],
                                cpu_weight_multiplier=3.0)
        np.testing.assert_allclose(
            [1.0, 3.0], manager.pipeline.driver.score_hosts(
                manager.store.hosts, np.arange(2), RequestSpec()))

    def _broken(self, name):
        source = placement.test_source(plugins.WEIGHER_NAMESPACE,
                                       broken=BrokenWeigher,
                                       silenced=SilencedWeigher)
        return placement.manager(
            self, [placement.host('a'), placement.host('b')],
            policy='weighted', weighers=[name],
            sources={plugins.WEIGHER_NAMESPACE: source})

    def test_zero_multiplier_skips_weigher(self):
        # The option that the weigher declares is registered on load.
        manager = self._broken('silenced')
        self.assertEqual(0.0,
                         self.conf.filter_scheduler.silenced_weight_multiplier)
        self.assertEqual('a', manager.select_destinations(
            RequestSpec(memory_mb=1))[0].host)

    def test_nan_weight_rejected(self):
        # Without a multiplier option the weigher counts with 1.0, and its
        # NaN is reported before anything is claimed.
        manager = self._broken('broken')
        error = self.assertRaises(exception.PolicyError,
                                  manager.select_destinations,
                                  RequestSpec(memory_mb=1))
        self.assertIn('weigher broken returned a NaN or infinite weight',
                      str(error))
        self.assertEqual([], manager.store.claims())

    def test_per_host_weigher_injected(self):
        source = placement.test_source(plugins.WEIGHER_NAMESPACE,
                                       short=PerHostWeigher)
        manager = placement.manager(
            self, [placement.host('aaa'), placement.host('bb'),
                   placement.host('c')],
            policy='weighted', weighers=['short'],
            sources={plugins.WEIGHER_NAMESPACE: source})
        self.assertEqual('c', manager.select_destinations(
            RequestSpec(memory_mb=1))[0].host)

    def test_no_weighers_ties_by_name(self):
        manager = self._manager([placement.host('b'), placement.host('a')],
                                [])
        self.assertEqual('a', manager.select_destinations(
            RequestSpec(memory_mb=1))[0].host)

    def flat_score_warnings(self, weighers, **flags):
        """Build the weighted policy; return its warnings about scores."""
        log = self.useFixture(fixtures.FakeLogger(name='sora.drivers'))
        self._manager([placement.host('a')], weighers, **flags)
        return [line for line in log.output.splitlines()
                if 'every host' in line]

    def test_empty_weighers_warned_at_load(self):
        [warning] = self.flat_score_warnings([])

        self.assertIn('The weighted policy scores every host 0, so only the '
                      'tie-break chooses, because [filter_scheduler] '
                      'weighers is empty', warning)
        self.assertIn('list weighers such as ram,cpu,disk,gpu', warning)

    def test_zero_multipliers_warned_at_load(self):
        [warning] = self.flat_score_warnings(
            ['ram', 'cpu'], ram_weight_multiplier=0.0,
            cpu_weight_multiplier=0.0)

        self.assertIn('The weighted policy scores every host 0, so only the '
                      'tie-break chooses, because every weigher of '
                      '[filter_scheduler] weighers (ram, cpu) has a '
                      'multiplier of 0', warning)
        self.assertIn('set [filter_scheduler] ram_weight_multiplier or '
                      '[filter_scheduler] cpu_weight_multiplier to a value '
                      'other than 0', warning)

    def test_one_nonzero_multiplier_not_warned(self):
        for multiplier in (1.0, -0.5):
            self.assertEqual([], self.flat_score_warnings(
                ['ram', 'cpu'], ram_weight_multiplier=0.0,
                cpu_weight_multiplier=multiplier))

    def test_weights_not_kept_between_decisions(self):
        # The same two hosts weighed twice give the same scores, whatever
        # other hosts a decision in between saw.
        manager = self._manager([placement.host('a', memory_mb=4096),
                                 placement.host('b', memory_mb=8192),
                                 placement.host('c', memory_mb=65536)],
                                ['ram'])
        driver = manager.pipeline.driver
        table = manager.store.hosts
        first = driver.score_hosts(table, np.array([0, 1]), RequestSpec())
        driver.score_hosts(table, np.array([0, 1, 2]), RequestSpec())
        np.testing.assert_array_equal(
            first, driver.score_hosts(table, np.array([0, 1]),
                                      RequestSpec()))


class MultiplierCheckTest(base.TestCase):
    """Bad multipliers and weigher names fail when the policy is built."""

    def start(self, text):
        path = self.useFixture(fixtures.TempDir()).path + '/sora.conf'
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        self.conf(['--config-file', path])
        return path

    def test_non_finite_multiplier_rejected(self):
        for value in ('nan', 'inf', '-inf'):
            path = self.start('[scheduler]\ndriver = weighted\n'
                              '[filter_scheduler]\n'
                              'ram_weight_multiplier = %s\n' % value)

            error = self.assertRaises(
                exception.ConfigError, SchedulerManager, self.conf,
                load_inventory=False)

            self.assertEqual('ram_weight_multiplier', error.option)
            self.assertEqual([path], error.config_files)
            self.assertIn('[filter_scheduler] ram_weight_multiplier',
                          str(error))
            self.assertIn('expected a number from -1000000 to 1000000',
                          str(error))

    def test_huge_multipliers_rejected_once(self):
        path = self.start('[scheduler]\ndriver = weighted\n'
                          '[filter_scheduler]\n'
                          'ram_weight_multiplier = 1e308\n'
                          'cpu_weight_multiplier = 1e308\n')

        error = self.assertRaises(exception.ConfigError, SchedulerManager,
                                  self.conf, load_inventory=False)

        self.assertEqual('ram_weight_multiplier', error.option)
        self.assertEqual([path], error.config_files)
        self.assertNotIsInstance(error, exception.PolicyError)
        self.assertIn('out of range', str(error))

    def test_unbounded_plugin_multiplier_checked(self):
        # A plugin may declare its multiplier without bounds, so the
        # weigher itself checks the value.
        self.conf.register_opts(
            [cfg.FloatOpt('huge_weight_multiplier', default=1e308)],
            group='filter_scheduler')
        weigher = PerHostWeigher(self.conf)
        weigher.name = 'huge'

        error = self.assertRaises(exception.ConfigError, weigher.multiplier)

        self.assertEqual('huge_weight_multiplier', error.option)
        self.assertIn('expected a number from -1000000 to 1000000',
                      str(error))

    def test_largest_multiplier_accepted(self):
        self.flags(group='filter_scheduler', ram_weight_multiplier=-1e6)
        weigher = resources.RamWeigher(self.conf)
        weigher.name = 'ram'

        self.assertEqual(-1e6, weigher.multiplier())

    def test_unknown_weigher_under_other_policy(self):
        path = self.start('[scheduler]\ndriver = memory\n'
                          '[filter_scheduler]\nweighers = ram,cpuu\n')

        error = self.assertRaises(exception.PluginNotFound,
                                  SchedulerManager, self.conf,
                                  load_inventory=False)

        self.assertEqual('weighers', error.option)
        self.assertEqual('cpuu', error.value)
        self.assertEqual([path], error.config_files)
        self.assertEqual('cpu', error.suggestion)
