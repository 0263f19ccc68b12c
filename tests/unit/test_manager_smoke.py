"""A first end-to-end check of the manager on hosts built in the test."""

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base


class ManagerSmokeTest(base.TestCase):

    def test_claims_seen_by_next_decision(self):
        self.conf([])
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts([Host('h1', memory_mb=71680, vcpus_milli=8000)])

        placed = 0
        reasons = None
        for _ in range(30):
            try:
                manager.select_destinations(RequestSpec(memory_mb=32768))
                placed += 1
            except exception.NoValidHost as error:
                reasons = error.reasons

        self.assertEqual(2, placed)
        self.assertEqual({'not enough memory_mb': 1}, reasons)
