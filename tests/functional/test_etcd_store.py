"""The etcd store against a real etcd server, in one process."""

import time

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.state.etcd import store as etcd_store
from tests.functional import etcd_base


def _hosts():
    return [Host('h1', memory_mb=4096, vcpus_milli=4000, gpus=2),
            Host('h2', memory_mb=4096, vcpus_milli=4000)]


class EtcdStoreTest(etcd_base.EtcdTestCase):

    def test_manager_loads_configured_store(self):
        manager = self.new_manager()

        self.assertIsInstance(manager.store, etcd_store.EtcdStore)
        self.assertEqual(0, len(manager.store.hosts))

    def test_restarted_store_sees_hosts_and_claims(self):
        first = self.new_store()
        first.load(_hosts())
        claim = first.claim('h1', RequestSpec(memory_mb=1024, gpus=1))
        first.close()

        second = self.new_store()

        self.assertEqual(['h1', 'h2'], second.hosts.names)
        row = second.hosts.row('h1')
        self.assertEqual(3072, second.hosts.memory_mb_free[row])
        self.assertEqual(1, second.hosts.instances[row])
        self.assertEqual(1, second.hosts.gpu_free_cards[row])
        self.assertEqual([claim], second.claims())

    def test_other_store_sees_claim_after_refresh(self):
        first = self.new_store()
        first.load(_hosts())
        second = self.new_store()

        first.claim('h2', RequestSpec(memory_mb=1000))
        second.refresh()
        # The watch delivers the change shortly after the claim.
        for _ in range(100):
            if second.hosts.memory_mb_free[second.hosts.row('h2')] == 3096:
                break
            time.sleep(0.02)
            second.refresh()

        self.assertEqual(3096,
                         second.hosts.memory_mb_free[second.hosts.row('h2')])

    def test_stale_store_cannot_overcommit(self):
        fresh = self.new_store()
        fresh.load([Host('h1', memory_mb=4096, vcpus_milli=4000)])
        stale = self.new_store()
        fresh.claim('h1', RequestSpec(memory_mb=3072))

        # The stale store has not applied the watch yet, so its table still
        # shows 4096 MiB free; etcd rejects the claim on the old revision.
        self.assertEqual(4096, stale.hosts.memory_mb_free[0])
        self.assertRaises(exception.ClaimConflict, stale.claim, 'h1',
                          RequestSpec(memory_mb=3072))

        # The failed claim read the host again, so the next check is exact.
        self.assertEqual(1024, stale.hosts.memory_mb_free[0])
        error = self.assertRaises(exception.ClaimFailed, stale.claim, 'h1',
                                  RequestSpec(memory_mb=3072))
        self.assertEqual('not enough memory_mb', error.reason)
        self.assertEqual(1, len(fresh.claims()))

    def test_stale_manager_decides_again(self):
        fresh = self.new_store()
        fresh.load([Host('h1', memory_mb=4096, vcpus_milli=4000),
                    Host('h2', memory_mb=3072, vcpus_milli=4000)])
        stale = self.new_manager()
        stale.store.refresh = lambda hosts=None: None
        fresh.claim('h1', RequestSpec(memory_mb=3072))

        # The stale manager picks h1 (most free memory in its old view),
        # loses the race, reads h1 again and places on h2.
        selection = stale.select_destinations(RequestSpec(memory_mb=2048))[0]

        self.assertEqual('h2', selection.host)
        self.assertEqual(2, len(fresh.claims()))

    def test_contention_after_retries_run_out(self):
        fresh = self.new_store()
        fresh.load([Host('h1', memory_mb=4096, vcpus_milli=4000)])
        stale = self.new_manager(claim_retries=0)
        stale.store.refresh = lambda hosts=None: None
        fresh.claim('h1', RequestSpec(memory_mb=1024))

        error = self.assertRaises(exception.NoValidHost,
                                  stale.select_destinations,
                                  RequestSpec(memory_mb=1024))

        self.assertEqual({'contention': 1}, error.reasons)
        self.assertEqual(1, len(fresh.claims()))

    def test_release_twice_changes_nothing(self):
        store = self.new_store()
        store.load(_hosts())
        claim = store.claim('h1', RequestSpec(memory_mb=1024))
        store.release(claim.claim_id)
        revision = store.view.usage_of('h1')[0]

        error = self.assertRaises(exception.ClaimNotFound, store.release,
                                  claim.claim_id)

        self.assertIn(claim.claim_id, str(error))
        self.assertEqual(revision, store.view.usage_of('h1')[0])
        self.assertEqual(0, self.usage_of(store, 'h1').claimed['memory_mb'])

    def test_release_unknown_claim(self):
        store = self.new_store()
        store.load(_hosts())

        error = self.assertRaises(exception.ClaimNotFound, store.release,
                                  'no-such-claim')

        self.assertEqual('no-such-claim', error.claim_id)

    def test_release_by_other_store(self):
        first = self.new_store()
        first.load(_hosts())
        second = self.new_store()
        claim = first.claim('h1', RequestSpec(memory_mb=1024, gpus=1))

        released = second.release(claim.claim_id)

        self.assertEqual(claim, released)
        usage = self.usage_of(first, 'h1')
        self.assertEqual(0, usage.claimed['memory_mb'])
        self.assertEqual([0, 0], usage.gpu_used)
        self.assertEqual(0, usage.instances)

    def test_group_members_shared(self):
        first = self.new_store()
        first.load(_hosts())
        second = self.new_store()
        first.claim('h1', RequestSpec(memory_mb=10, group='web'))
        claim = first.claim('h2', RequestSpec(memory_mb=10, group='web'))

        second.refresh(['h1'])
        second.release(claim.claim_id)

        self.assertEqual({'h1': 1}, second.group_members('web'))

    def test_load_keeps_unchanged_hosts(self):
        store = self.new_store()
        store.load(_hosts())
        claim = store.claim('h2', RequestSpec(memory_mb=1024))
        h2_revision = store.view.host_revision('h2')

        dropped = store.load([Host('h2', memory_mb=4096, vcpus_milli=4000),
                              Host('h3', memory_mb=1, vcpus_milli=1)])

        self.assertEqual([], dropped)
        self.assertEqual(['h2', 'h3'], store.hosts.names)
        self.assertEqual(h2_revision, store.view.host_revision('h2'))
        self.assertEqual([claim], store.claims())

    def test_load_drops_claims_of_removed_hosts(self):
        store = self.new_store()
        store.load(_hosts())
        gone = store.claim('h1', RequestSpec(memory_mb=1024))
        card = store.claim('h1', RequestSpec(gpus=1))
        card2 = store.claim('h1', RequestSpec(gpus=1))

        dropped = store.load([Host('h1', memory_mb=4096, vcpus_milli=4000,
                                   gpus=1)])

        self.assertEqual([card2], dropped)
        self.assertEqual(sorted([gone, card], key=lambda c: c.claim_id),
                         sorted(store.claims(), key=lambda c: c.claim_id))
        dropped = store.load([])
        self.assertEqual(2, len(dropped))
        self.assertEqual([], store.claims())

    def test_update_dropping_used_cards_rejected(self):
        store = self.new_store()
        store.load(_hosts())
        kept = store.claim('h1', RequestSpec(gpus=1))
        used = store.claim('h1', RequestSpec(gpus=1))

        error = self.assertRaises(
            exception.CardsInUse, store.update_host,
            Host('h1', memory_mb=4096, vcpus_milli=4000, gpus=1))

        self.assertEqual([used.claim_id], error.claim_ids)
        self.assertEqual(2, self.new_store().hosts.to_host(0).gpus)
        self.assertEqual(sorted([kept.claim_id, used.claim_id]),
                         sorted(c.claim_id for c in store.claims('h1')))

    def test_remove_host_with_claims(self):
        store = self.new_store()
        store.load(_hosts())
        claim = store.claim('h1', RequestSpec(memory_mb=1024))

        error = self.assertRaises(exception.HostHasClaims,
                                  store.remove_host, 'h1')
        self.assertEqual([claim.claim_id], error.claim_ids)
        self.assertEqual([claim], store.remove_host('h1', force=True))
        self.assertEqual(['h2'], store.hosts.names)

    def test_add_update_report(self):
        first = self.new_store()
        second = self.new_store()
        first.add_host(Host('h9', memory_mb=2048, vcpus_milli=1000))

        self.assertRaises(exception.HostExists, second.add_host,
                          Host('h9', memory_mb=1))
        second.update_host(Host('h9', memory_mb=8192, vcpus_milli=1000))
        second.report('h9', {'memory_mb': 1000}, at=5.0)
        first.refresh(['h9'])

        row = first.hosts.row('h9')
        self.assertEqual(8192, first.hosts.memory_mb_total[row])
        self.assertEqual(7192, first.hosts.memory_mb_free[row])
        self.assertEqual(5.0, first.hosts.last_report[row])
        self.assertRaises(exception.HostNotFound, first.update_host,
                          Host('nope', memory_mb=1))
        self.assertRaises(exception.HostNotFound, first.report, 'nope')

    def test_unreachable_endpoint_is_named(self):
        store = self.new_store()
        store.load(_hosts())
        self.etcd.kill()

        error = self.assertRaises(exception.StoreUnavailable, store.claim,
                                  'h1', RequestSpec(memory_mb=1024))

        self.assertIn(self.etcd.endpoint, str(error))
        self.assertIn('claiming host h1', str(error))
