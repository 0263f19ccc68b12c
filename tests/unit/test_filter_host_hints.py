"""The host_hints filter: same_host and different_host."""

from sora.filters.host_hints import HostHintsFilter
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

SAME = 'not in the same_host hint'
DIFFERENT = 'in the different_host hint'

# Each case: the hints, then the expected reason for hosts a, b and c.
CASES = [
    ('no hints', {}, (None, None, None)),
    ('same_host keeps the named hosts',
     dict(same_host={'a', 'c'}), (None, SAME, None)),
    ('different_host removes the named hosts',
     dict(different_host={'b'}), (None, DIFFERENT, None)),
    # a is in both lists: different_host wins because it applies after.
    ('both hints',
     dict(same_host={'a', 'b'}, different_host={'a'}),
     (DIFFERENT, None, SAME)),
    ('unknown names are ignored',
     dict(different_host={'zz'}), (None, None, None)),
    ('same_host with only unknown names leaves no host',
     dict(same_host={'zz'}), (SAME, SAME, SAME)),
]


class HostHintsFilterTest(base.TestCase):

    def test_cases(self):
        hosts = placement.table(placement.host('a'), placement.host('b'),
                                placement.host('c'))
        for name, hints, reasons in CASES:
            placement.check_filter(
                self, HostHintsFilter(self.conf), hosts,
                RequestSpec.build(**hints),
                dict(zip(('a', 'b', 'c'), reasons)), case=name)
