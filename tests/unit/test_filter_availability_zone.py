"""The availability_zone filter."""

from sora.filters.availability_zone import AvailabilityZoneFilter
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement


class AvailabilityZoneFilterTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.hosts = placement.table(
            placement.host('a', zone='az1'),
            placement.host('b', zone='az2'),
            placement.host('c'))
        self.host_filter = AvailabilityZoneFilter(self.conf)

    def test_zone_requested(self):
        placement.check_filter(
            self, self.host_filter, self.hosts,
            RequestSpec(availability_zone='az2'),
            {'a': 'not in zone az2', 'b': None, 'c': 'not in zone az2'})

    def test_unknown_zone_leaves_no_host(self):
        placement.check_filter(
            self, self.host_filter, self.hosts,
            RequestSpec(availability_zone='AZ2'),
            {'a': 'not in zone AZ2', 'b': 'not in zone AZ2',
             'c': 'not in zone AZ2'})

    def test_no_zone_passes_every_host(self):
        for zone in (None, ''):
            placement.check_filter(
                self, self.host_filter, self.hosts,
                RequestSpec(availability_zone=zone),
                {'a': None, 'b': None, 'c': None}, case=repr(zone))
