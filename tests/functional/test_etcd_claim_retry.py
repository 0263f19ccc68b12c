"""A conflicted claim sent again by the etcd store, against a real etcd."""

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from tests.functional import etcd_base


class ClaimRetryTest(etcd_base.EtcdTestCase):

    def setUp(self):
        super().setUp()
        self.fresh = self.new_store()
        self.fresh.load([Host('h1', memory_mb=4096, vcpus_milli=4000)])
        # Created after the load and never refreshed, so its copy of h1
        # keeps the revision of the load.
        self.stale = self.new_store()

    def test_claim_sent_again_when_still_fits(self):
        first = self.fresh.claim('h1', RequestSpec(memory_mb=1024))

        second = self.stale.claim('h1', RequestSpec(memory_mb=1024))

        self.assertEqual(1, self.stale.claims_retried)
        self.assertEqual('h1', second.host)
        claims = {c.claim_id for c in self.fresh.claims()}
        self.assertEqual({first.claim_id, second.claim_id}, claims)
        usage = self.usage_of(self.fresh, 'h1')
        self.assertEqual(2048, usage.claimed['memory_mb'])
        self.assertEqual(2, usage.instances)
        self.assertEqual(2048, self.stale.hosts.memory_mb_free[0])

    def test_conflict_when_no_longer_fits(self):
        self.fresh.claim('h1', RequestSpec(memory_mb=3072))

        self.assertRaises(exception.ClaimConflict, self.stale.claim, 'h1',
                          RequestSpec(memory_mb=2048))

        self.assertEqual(0, self.stale.claims_retried)
        self.assertEqual(1, len(self.fresh.claims()))
        self.assertEqual(1024, self.stale.hosts.memory_mb_free[0])

    def test_group_claim_not_sent_again(self):
        # Another member of the group may now be on the host, which the
        # filters must see, so only a new decision may claim again.
        self.fresh.claim('h1', RequestSpec(memory_mb=1024, group='web'))

        self.assertRaises(exception.ClaimConflict, self.stale.claim, 'h1',
                          RequestSpec(memory_mb=1024, group='web'))

        self.assertEqual(0, self.stale.claims_retried)
        self.assertEqual(1, len(self.fresh.claims()))

    def test_changed_host_not_claimed_again(self):
        # A new description may fail filters that the store does not run.
        self.fresh.update_host(Host('h1', memory_mb=8192, vcpus_milli=4000,
                                    labels={'state': 'draining'}))

        self.assertRaises(exception.ClaimConflict, self.stale.claim, 'h1',
                          RequestSpec(memory_mb=1024))

        self.assertEqual(0, self.stale.claims_retried)
        self.assertEqual([], self.fresh.claims())
        self.assertEqual(8192, self.stale.hosts.memory_mb_total[0])

    def test_no_retry_when_retries_are_zero(self):
        stale = self.new_store(retries=0)
        self.fresh.claim('h1', RequestSpec(memory_mb=1024))

        self.assertRaises(exception.ClaimConflict, stale.claim, 'h1',
                          RequestSpec(memory_mb=1024))

        self.assertEqual(1, len(self.fresh.claims()))
