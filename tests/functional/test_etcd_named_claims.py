"""Claims on the etcd store: named hosts, stale schedulers, foreign keys."""

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.state.etcd import client as etcd_client
from tests.functional import etcd_base
from tests import oslo_log_capture


class NamedClaimTest(etcd_base.EtcdTestCase):

    def setUp(self):
        super().setUp()
        self.first = self.new_manager()
        self.first.set_hosts([
            Host('a', memory_mb=4096, vcpus_milli=4000),
            Host('b', memory_mb=4096, vcpus_milli=4000)])
        # The second scheduler reads the hosts once and then watches.
        self.second = self.new_manager()

    def test_host_disabled_by_another_scheduler(self):
        self.first.update_host(Host('b', memory_mb=4096, vcpus_milli=4000,
                                    enabled=False))

        error = self.assertRaises(exception.ClaimFailed, self.second.claim,
                                  'b', RequestSpec(memory_mb=10))

        self.assertEqual('disabled', error.reason)
        self.assertEqual([], self.first.store.claims())

    def test_anti_affinity_group_member_on_host(self):
        request = RequestSpec(memory_mb=10, group='g1',
                              group_policy='anti-affinity')
        self.first.claim('a', request)

        error = self.assertRaises(exception.ClaimFailed, self.second.claim,
                                  'a', request)

        self.assertIn('g1', error.reason)
        self.assertEqual(1, len(self.first.store.claims()))
        self.assertEqual('b', self.second.claim('b', request).host)

    def test_affinity_group_elsewhere(self):
        request = RequestSpec(memory_mb=10, group='g2',
                              group_policy='affinity')
        self.first.claim('a', request)

        self.assertRaises(exception.ClaimFailed, self.second.claim, 'b',
                          request)
        self.assertEqual('a', self.second.claim('a', request).host)


class ForeignClaimKeyTest(etcd_base.EtcdTestCase):

    def test_release_works_beside_a_foreign_key(self):
        manager = self.new_manager()
        manager.set_hosts([Host('a', memory_mb=4096, vcpus_milli=4000)])
        claim = manager.claim('a', RequestSpec(memory_mb=10))
        junk = manager.store.keys.claims + 'junk'
        manager.store.connection.txn(
            'writing a foreign key', [], [etcd_client.put(junk, 'not json')])

        self.assertEqual([claim.claim_id],
                         [c.claim_id for c in manager.store.claims()])
        manager.release(claim)
        self.assertEqual([], manager.store.claims())

    def test_foreign_key_warning_names_error_once(self):
        lines = self.useFixture(
            oslo_log_capture.OsloLogLines('sora.state.etcd.store'))
        manager = self.new_manager()
        junk = manager.store.keys.claims + 'junk'
        manager.store.connection.txn(
            'writing a foreign key', [], [etcd_client.put(junk, 'not json')])

        self.assertEqual([], manager.store.claims())

        warnings = lines.matching('Skipped key')
        self.assertEqual(1, len(warnings), lines.stream.getvalue())
        self.assertIn(junk, warnings[0])
        # oslo.log appends the exception being handled, which would
        # repeat the error's class and text.
        self.assertNotIn('sora.exception', warnings[0])
