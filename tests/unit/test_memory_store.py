"""Tests for InProcessStore: claims, releases and host changes."""

import threading

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.state.memory import InProcessStore
from tests import base


def _snapshot(store):
    table = store.hosts
    return (list(table.names), table.memory_mb_free.tolist(),
            table.vcpus_milli_free.tolist(), table.gpu_used.tolist(),
            table.instances.tolist(),
            sorted(c.claim_id for c in store.claims()))


class InProcessStoreClaimTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.store = InProcessStore()
        self.store.load([Host('a', memory_mb=4096, vcpus_milli=4000, gpus=2),
                         Host('b', memory_mb=2048, vcpus_milli=2000)])

    def test_claim_records_usage(self):
        claim = self.store.claim('a', RequestSpec(
            memory_mb=1024, vcpus_milli=1500, gpus=1, gpu_milli=300,
            group='g', request_id='req-1'))

        self.assertEqual('a', claim.host)
        self.assertEqual('req-1', claim.request_id)
        self.assertEqual((0,), claim.gpu_cards)
        self.assertEqual(300, claim.gpu_milli)
        table = self.store.hosts
        self.assertEqual(3072, table.memory_mb_free[0])
        self.assertEqual(2500, table.vcpus_milli_free[0])
        self.assertEqual([700, 1000], list(table.card_free(0)))
        self.assertEqual([claim], self.store.claims('a'))
        self.assertEqual([], self.store.claims('b'))
        self.assertEqual({'a': 1}, self.store.group_members('g'))

    def test_release_restores_everything(self):
        before = _snapshot(self.store)
        claim = self.store.claim('a', RequestSpec(
            memory_mb=1024, gpus=2, group='g'))

        self.assertEqual(claim, self.store.release(claim.claim_id))

        self.assertEqual(before, _snapshot(self.store))
        self.assertEqual({}, self.store.group_members('g'))

    def test_claim_that_does_not_fit_changes_nothing(self):
        before = _snapshot(self.store)
        cases = [
            ('b', RequestSpec(memory_mb=2049), 'memory_mb larger than'),
            ('b', RequestSpec(gpus=1), 'no GPU'),
            ('a', RequestSpec(gpus=3), 'fewer than 3 GPU cards'),
        ]
        for host, request, reason in cases:
            error = self.assertRaises(exception.ClaimFailed,
                                      self.store.claim, host, request)
            self.assertEqual(host, error.host)
            self.assertIn(reason, error.reason)
            self.assertEqual(before, _snapshot(self.store))

    def test_claim_unknown_host(self):
        error = self.assertRaises(exception.HostNotFound, self.store.claim,
                                  'zzz', RequestSpec())
        self.assertEqual('zzz', error.host)

    def test_release_unknown_claim_changes_nothing(self):
        self.store.claim('a', RequestSpec(memory_mb=1))
        before = _snapshot(self.store)

        error = self.assertRaises(exception.ClaimNotFound,
                                  self.store.release, 'no-such-claim')

        self.assertEqual('no-such-claim', error.claim_id)
        self.assertIn('no-such-claim', str(error))
        self.assertEqual(before, _snapshot(self.store))

    def test_double_release_raises(self):
        claim = self.store.claim('a', RequestSpec(memory_mb=1))
        self.store.release(claim.claim_id)
        before = _snapshot(self.store)
        self.assertRaises(exception.ClaimNotFound, self.store.release,
                          claim.claim_id)
        self.assertEqual(before, _snapshot(self.store))

    def test_concurrent_claims_never_overfill(self):
        # 40 threads race for a host with room for 4 instances of 1024.
        self.store.load([Host('a', memory_mb=4096, vcpus_milli=1000)])
        results = []
        lock = threading.Lock()

        def claim():
            try:
                self.store.claim('a', RequestSpec(memory_mb=1024))
                outcome = 'claimed'
            except exception.ClaimFailed:
                outcome = 'failed'
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=claim) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertEqual(4, results.count('claimed'))
        self.assertEqual(36, results.count('failed'))
        self.assertEqual(0, self.store.hosts.memory_mb_free[0])


class InProcessStoreHostTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.store = InProcessStore()
        self.store.load([Host('a', memory_mb=4096, vcpus_milli=1000, gpus=2),
                         Host('b', memory_mb=4096, vcpus_milli=1000)])

    def test_remove_host_with_claims_rejected(self):
        first = self.store.claim('a', RequestSpec(memory_mb=1))
        second = self.store.claim('a', RequestSpec(memory_mb=1))
        before = _snapshot(self.store)

        error = self.assertRaises(exception.HostHasClaims,
                                  self.store.remove_host, 'a')

        self.assertEqual('a', error.host)
        self.assertEqual(sorted([first.claim_id, second.claim_id]),
                         error.claim_ids)
        self.assertIn(first.claim_id, str(error))
        self.assertIn(second.claim_id, str(error))
        self.assertIn('force=True', str(error))
        self.assertEqual(before, _snapshot(self.store))

    def test_remove_host_with_force_drops_claims(self):
        claim = self.store.claim('a', RequestSpec(memory_mb=1, group='g'))
        other = self.store.claim('b', RequestSpec(memory_mb=1))

        dropped = self.store.remove_host('a', force=True)

        self.assertEqual([claim], dropped)
        self.assertEqual(['b'], self.store.hosts.names)
        self.assertEqual([other], self.store.claims())
        self.assertEqual({}, self.store.group_members('g'))
        self.assertRaises(exception.ClaimNotFound, self.store.release,
                          claim.claim_id)

    def test_remove_host_without_claims(self):
        self.assertEqual([], self.store.remove_host('b'))
        self.assertEqual(['a'], self.store.hosts.names)

    def test_unknown_hosts(self):
        self.assertRaises(exception.HostNotFound, self.store.remove_host, 'z')
        self.assertRaises(exception.HostNotFound, self.store.update_host,
                          Host('z'))
        self.assertRaises(exception.HostNotFound, self.store.report, 'z')

    def test_add_existing_host(self):
        error = self.assertRaises(exception.HostExists, self.store.add_host,
                                  Host('a'))
        self.assertEqual('a', error.host)

    def test_add_then_claim(self):
        self.store.add_host(Host('0first', memory_mb=10, vcpus_milli=1))
        claim = self.store.claim('a', RequestSpec(memory_mb=100))
        self.assertEqual(3996, self.store.hosts.memory_mb_free[
            self.store.hosts.row('a')])
        self.store.release(claim.claim_id)
        self.assertEqual(4096, self.store.hosts.memory_mb_free[
            self.store.hosts.row('a')])

    def test_load_keeps_claims_on_remaining_hosts(self):
        kept = self.store.claim('a', RequestSpec(memory_mb=1000))
        gone = self.store.claim('b', RequestSpec(memory_mb=1000))

        dropped = self.store.load([Host('a', memory_mb=8192,
                                        vcpus_milli=1000, gpus=2)])

        self.assertEqual([gone], dropped)
        self.assertEqual([kept], self.store.claims())
        # 8192 - 1000 kept claim = 7192
        self.assertEqual(7192, self.store.hosts.memory_mb_free[0])

    def test_load_drops_claims_on_lost_cards(self):
        claim = self.store.claim('a', RequestSpec(gpus=2))
        dropped = self.store.load([Host('a', memory_mb=4096,
                                        vcpus_milli=1000, gpus=1)])
        self.assertEqual([claim], dropped)
        self.assertEqual([1000], list(self.store.hosts.card_free(0)))

    def test_report_usage(self):
        self.store.report('a', {'memory_mb': 96}, at=5.0)
        self.assertEqual(4000, self.store.hosts.memory_mb_free[0])
        self.assertEqual(5.0, self.store.hosts.last_report[0])


class InProcessStoreHostTypeTest(base.TestCase):

    def test_non_host_rejected_unchanged(self):
        store = InProcessStore()
        store.load([Host('a', memory_mb=10)])
        cases = [(store.add_host, {'name': 'b'}), (store.update_host, 'a'),
                 (store.load, [Host('b'), None])]
        for call, value in cases:
            error = self.assertRaises(exception.InvalidArgument, call,
                                      value)
            self.assertIn('expected a Host', str(error))
            self.assertEqual(['a'], store.hosts.names)
