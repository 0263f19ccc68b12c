"""The affinity filter: affinity, anti-affinity and max_per_host."""

from sora.filters.affinity import AffinityFilter
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

ANTI = 'holds a member of anti-affinity group g'
AFFINE = 'not a host of affinity group g'

# Each case: the request's group fields, the group members per host, and
# the expected reason for hosts a, b and c (None when the host passes).
CASES = [
    ('no group', {}, {'a': 3}, (None, None, None)),
    ('anti-affinity, empty group',
     dict(group='g', group_policy='anti-affinity'), {}, (None, None, None)),
    ('anti-affinity removes hosts with a member',
     dict(group='g', group_policy='anti-affinity'), {'a': 1, 'c': 2},
     (ANTI, None, ANTI)),
    # max_per_host 2: a holds 1 < 2 and passes, c holds 2 and does not.
    ('anti-affinity with max_per_host',
     dict(group='g', group_policy='anti-affinity', max_per_host=2),
     {'a': 1, 'c': 2},
     (None, None, 'holds max_per_host=2 members of group g')),
    ('affinity, first member goes anywhere',
     dict(group='g', group_policy='affinity'), {}, (None, None, None)),
    ('affinity keeps the hosts with members',
     dict(group='g', group_policy='affinity'), {'b': 1},
     (AFFINE, None, AFFINE)),
    # Members on a host that left the inventory do not pin the group.
    ('affinity ignores hosts that are gone',
     dict(group='g', group_policy='affinity'), {'gone': 2},
     (None, None, None)),
    ('affinity with a full host',
     dict(group='g', group_policy='affinity', max_per_host=2), {'b': 2},
     (AFFINE, 'holds max_per_host=2 members of group g', AFFINE)),
    ('group without policy, max_per_host only',
     dict(group='g', max_per_host=1), {'a': 1},
     ('holds max_per_host=1 members of group g', None, None)),
    ('max_per_host without group has no effect',
     dict(max_per_host=1), {'a': 5}, (None, None, None)),
]


class AffinityFilterTest(base.TestCase):

    def test_cases(self):
        hosts = placement.table(placement.host('a'), placement.host('b'),
                                placement.host('c'))
        for name, fields, members, reasons in CASES:
            placement.check_filter(
                self, AffinityFilter(self.conf), hosts,
                RequestSpec(**fields), dict(zip(('a', 'b', 'c'), reasons)),
                ctx=placement.context(members), case=name)
