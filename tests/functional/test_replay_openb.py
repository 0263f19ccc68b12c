"""Replays of the openb production trace with every installed policy.

The trace files are read from the shared data folder, and each test skips
itself when that folder is absent.
"""

import numpy as np

from sora.replay import inflation
from sora.replay import metrics
from sora.replay import policies
from sora.replay import protocol
from sora.replay import runner
from sora.replay import trace_reader
from tests import base

TRACE_DIR = 'openb-2023'


class CapacityChecker:
    """Observer that records every event after which a host is over capacity.

    It checks the whole host table after each event: memory, CPUs and disk
    within capacity, and each GPU card between 0 and 1000 thousandths used.
    """

    def __init__(self):
        self.violations = []
        self.events = 0

    def __call__(self, manager, kind, workload):
        self.events += 1
        table = manager.store.hosts
        for resource in ('memory_mb', 'vcpus_milli', 'disk_gb'):
            over = np.flatnonzero(getattr(table, resource + '_used')
                                  > getattr(table, resource + '_capacity'))
            if len(over):
                self.violations.append((workload.name, resource,
                                        [table.names[r] for r in over]))
        cards = table.gpu_used
        if (cards > 1000).any() or (cards < 0).any():
            self.violations.append((workload.name, 'gpu', None))


class OpenbTraceReplayTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.nodes = self.shared_data_path(TRACE_DIR,
                                           'openb_node_list_all_node.csv')
        self.pods = self.shared_data_path(TRACE_DIR,
                                          'openb_pod_list_default.csv')
        self.conf([])
        self.flags(group='inventory', source='openb-csv', path=self.nodes)

    def test_every_policy_stays_within_capacity(self):
        trace = trace_reader.read_trace(self.pods)
        shapes = metrics.typical_shapes(trace.workloads)
        names = policies.installed_policies()
        self.assertIn('memory', names)

        for name in names:
            manager = policies.build_manager(self.conf, name, 42)
            checker = CapacityChecker()

            result = runner.Replay(manager, trace.workloads, shapes,
                                   samples=20, observer=checker).run()

            self.assertEqual([], checker.violations, name)
            self.assertEqual(2 * len(trace.workloads), checker.events, name)
            self.assertEqual(len(trace.workloads),
                             result.placed + result.unplaced, name)
            self.assertEqual(len(trace.workloads), result.total, name)
            table = manager.store.hosts
            for resource in ('memory_mb', 'vcpus_milli', 'disk_gb'):
                self.assertEqual(0, int(getattr(
                    table, resource + '_claimed').sum()), name)
            self.assertEqual(0, int(table.gpu_used.sum()), name)
            self.assertEqual(0, int(table.instances.sum()), name)
            self.assertEqual([], manager.store.claims(), name)
            self.assertEqual(0, int(result.gpu_milli_used[-1]), name)


# Published GPU allocation at 130% arrived demand on the default pod list,
# the mean over seeds 42 to 51, from the simulator that accompanies the
# openb trace.
PUBLISHED_RANDOM = 87.47
PUBLISHED_BEST_FIT = 93.08
# The tests run two of the ten seeds to keep CI short. sora's allocation at
# 130% varies from seed to seed with a standard deviation of about 0.4
# points (measured over seeds 42 to 51), so a two-seed mean lies within
# about 0.3 points of the ten-seed mean. Replays are deterministic for a
# given seed, so the check cannot flip from run to run. The 1-point margin
# is the required agreement with the published figures.
SEEDS = [42, 43]
MARGIN = 1.0


class InflationProtocolTest(base.TestCase):

    def setUp(self):
        super().setUp()
        nodes = self.shared_data_path(TRACE_DIR,
                                      'openb_node_list_gpu_node.csv')
        self.pods = trace_reader.read_trace(self.shared_data_path(
            TRACE_DIR, 'openb_pod_list_default.csv')).workloads
        self.conf([])
        self.flags(group='inventory', source='openb-csv', path=nodes)

    def mean_at_target(self, policy):
        def make_manager(name, seed):
            return policies.build_manager(self.conf, name, seed)

        runs = protocol.run_policy(policy, self.pods, SEEDS,
                                   inflation.DEFAULT_TARGET, make_manager,
                                   samples=1)
        return float(runs.at_percent(runs.last_percent).mean())

    def test_random_matches_published(self):
        allocation = self.mean_at_target('random')

        self.assertLess(abs(allocation - PUBLISHED_RANDOM), MARGIN,
                        'random reached %.2f%%' % allocation)

    def test_binpack_reaches_published_best_fit(self):
        if 'binpack' not in policies.installed_policies():
            self.skipTest('the binpack policy is not installed')

        allocation = self.mean_at_target('binpack')

        self.assertGreaterEqual(allocation, PUBLISHED_BEST_FIT - MARGIN,
                                'binpack reached %.2f%%' % allocation)
