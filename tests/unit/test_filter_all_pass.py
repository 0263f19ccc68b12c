"""Filters that a request does not use return the shared all-pass array."""

import numpy as np

from sora.filters import affinity
from sora.filters import availability_zone
from sora.filters import base as filter_base
from sora.filters import enabled
from sora.filters import gpu
from sora.filters import host_hints
from sora.filters import labels
from sora import plugins
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement


class AllPassFilter(filter_base.BaseFilter):
    """A plugin filter that never applies."""

    def filter_hosts(self, hosts, request, context, candidates):
        return filter_base.all_pass(hosts)


class AllPassTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.hosts = placement.table(
            placement.host('a', memory_mb=4096, zone='az1'),
            placement.host('b', memory_mb=1024, zone='az2',
                           labels={'rack': 'r1'}),
            placement.host('c', memory_mb=8192, enabled=False))

    def test_array_is_shared_and_read_only(self):
        passes = filter_base.all_pass(self.hosts)
        self.assertEqual([True, True, True], passes.tolist())
        self.assertIs(passes, filter_base.all_pass(self.hosts))
        self.assertFalse(passes.flags.writeable)
        self.assertEqual(5, len(filter_base.all_pass(range(5))))

    def test_unused_filters_return_it(self):
        request = RequestSpec(memory_mb=512)
        everyone = filter_base.all_pass(self.hosts)
        for plugin in (availability_zone.AvailabilityZoneFilter,
                       host_hints.HostHintsFilter, labels.LabelsFilter,
                       affinity.AffinityFilter, gpu.GpuFilter):
            passes = plugin(self.conf).filter_hosts(
                self.hosts, request, placement.context(),
                np.ones(3, bool))
            self.assertIs(everyone, passes, plugin.__name__)

    def test_used_filters_return_their_own_array(self):
        everyone = filter_base.all_pass(self.hosts)
        cases = [
            (availability_zone.AvailabilityZoneFilter,
             RequestSpec(availability_zone='az1'), [True, False, False]),
            (labels.LabelsFilter,
             RequestSpec(required_labels={'rack': 'r1'}),
             [False, True, False]),
            (host_hints.HostHintsFilter,
             RequestSpec(different_host=frozenset(['a'])),
             [False, True, True]),
            (enabled.EnabledFilter, RequestSpec(), [True, True, False]),
        ]
        for plugin, request, expected in cases:
            passes = plugin(self.conf).filter_hosts(
                self.hosts, request, placement.context(),
                np.ones(3, bool))
            self.assertIsNot(everyone, passes, plugin.__name__)
            self.assertEqual(expected, passes.tolist(), plugin.__name__)

    def test_pipeline_keeps_other_filters_result(self):
        source = placement.test_source(
            plugins.FILTER_NAMESPACE, all_pass=AllPassFilter,
            all_pass_too=AllPassFilter, enabled=enabled.EnabledFilter)
        manager = placement.manager(
            self, [], sources={plugins.FILTER_NAMESPACE: source},
            enabled_filters=['all_pass', 'enabled', 'all_pass_too'])
        mask = manager.pipeline.filter(self.hosts, RequestSpec(),
                                       placement.context())
        self.assertEqual([True, True, False], mask.tolist())
        self.assertEqual([True, True, True],
                         filter_base.all_pass(self.hosts).tolist())

    def test_only_all_pass_filters_keep_every_host(self):
        source = placement.test_source(plugins.FILTER_NAMESPACE,
                                       all_pass=AllPassFilter)
        manager = placement.manager(
            self, [], sources={plugins.FILTER_NAMESPACE: source},
            enabled_filters=['all_pass'])
        mask = manager.pipeline.filter(self.hosts, RequestSpec(),
                                       placement.context())
        self.assertEqual([True, True, True], mask.tolist())
        self.assertIsNot(filter_base.all_pass(self.hosts), mask)
