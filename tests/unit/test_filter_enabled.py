"""The enabled filter: disabled hosts and hosts that stopped reporting."""

from sora.filters.enabled import EnabledFilter
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement


class EnabledFilterTest(base.TestCase):

    def _table(self):
        hosts = placement.table(
            placement.host('quiet'),
            placement.host('fresh'),
            placement.host('off', enabled=False),
            placement.host('off-quiet', enabled=False))
        # Decisions below run at t=1000 s.
        hosts.report(hosts.row('quiet'), None, at=1000 - 61)
        hosts.report(hosts.row('fresh'), None, at=1000 - 60)
        hosts.report(hosts.row('off'), None, at=1000)
        hosts.report(hosts.row('off-quiet'), None, at=0)
        return hosts

    def test_disabled_removed_by_default(self):
        # service_down_time defaults to 0, so silence never counts.
        placement.check_filter(
            self, EnabledFilter(self.conf), self._table(), RequestSpec(), {
                'quiet': None,
                'fresh': None,
                'off': 'disabled',
                'off-quiet': 'disabled',
            }, ctx=placement.context(now=1000))

    def test_silent_host_removed(self):
        # 1000 - 939 = 61 s > 60 s; 1000 - 940 = 60 s is not older.
        self.flags(group='filter_scheduler', service_down_time=60)
        placement.check_filter(
            self, EnabledFilter(self.conf), self._table(), RequestSpec(), {
                'quiet': 'not reporting for over 60 s',
                'fresh': None,
                'off': 'disabled',
                'off-quiet': 'disabled',
            }, ctx=placement.context(now=1000))
