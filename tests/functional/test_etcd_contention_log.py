"""The NoValidHost of a request that lost every claim race is logged once."""

import logging

import fixtures

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from tests.functional import etcd_base


class ContentionLogTest(etcd_base.EtcdTestCase):

    def test_contention_summary_logged_once(self):
        fresh = self.new_store()
        fresh.load([Host('h1', memory_mb=4096, vcpus_milli=4000)])
        stale = self.new_manager(claim_retries=0)
        # The manager's store never reads the other store's claim, so its
        # claim always conflicts.
        stale.store.refresh = lambda hosts=None: None
        fresh.claim('h1', RequestSpec(memory_mb=1024))
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora.scheduler', level=logging.INFO,
            format='%(levelname)s %(message)s'))

        self.assertRaises(exception.NoValidHost, stale.select_destinations,
                          RequestSpec(memory_mb=1024, request_id='req-5'))

        self.assertEqual(
            'INFO Request req-5: No valid host was found. 0/1 hosts are '
            'available: 1 contention.\n', logs.output)
