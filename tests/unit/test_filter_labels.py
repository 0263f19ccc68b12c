"""The labels filter and its cache per host-table generation."""

from sora.filters.labels import LabelsFilter
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement


class LabelsFilterTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.hosts = placement.table(
            placement.host('a', labels={'rack': 'r1', 'ssd': 'true'}),
            placement.host('b', labels={'rack': 'r1'}),
            placement.host('c', labels={'rack': 'r2', 'ssd': 'true'}),
            placement.host('d'))
        self.host_filter = LabelsFilter(self.conf)

    def test_every_pair_required(self):
        # The reason names the first missing pair in key order: rack, ssd.
        placement.check_filter(
            self, self.host_filter, self.hosts,
            RequestSpec(required_labels={'ssd': 'true', 'rack': 'r1'}), {
                'a': None,
                'b': 'no label ssd=true',
                'c': 'no label rack=r1',
                'd': 'no label rack=r1',
            })

    def test_no_labels_pass_every_host(self):
        placement.check_filter(
            self, self.host_filter, self.hosts, RequestSpec(),
            {'a': None, 'b': None, 'c': None, 'd': None})

    def test_cache_follows_host_changes(self):
        request = RequestSpec(required_labels={'rack': 'r2'})
        placement.check_filter(
            self, self.host_filter, self.hosts, request,
            {'a': 'no label rack=r2', 'b': 'no label rack=r2', 'c': None,
             'd': 'no label rack=r2'})

        # Relabelling a host raises the table generation, so the cached
        # mask for rack=r2 is recomputed.
        self.hosts.update(placement.host('d', labels={'rack': 'r2'}))
        placement.check_filter(
            self, self.host_filter, self.hosts, request,
            {'a': 'no label rack=r2', 'b': 'no label rack=r2', 'c': None,
             'd': None})

    def test_cache_not_shared_between_tables(self):
        request = RequestSpec(required_labels={'rack': 'r1'})
        placement.check_filter(self, self.host_filter, self.hosts, request,
                               {'a': None, 'c': 'no label rack=r1'})

        # Another table at the same generation, with other labels.
        other = placement.table(
            placement.host('a', labels={'rack': 'r9'}),
            placement.host('b', labels={'rack': 'r1'}),
            placement.host('c', labels={'rack': 'r1'}),
            placement.host('d'))
        self.assertEqual(self.hosts.generation, other.generation)
        placement.check_filter(self, self.host_filter, other, request,
                               {'a': 'no label rack=r1', 'c': None})
