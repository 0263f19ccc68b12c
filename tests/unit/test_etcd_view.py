"""The etcd store's local copy applies changes by revision."""

import base64

from sora.scheduler.host import Host
from sora.scheduler.host_table import HostTable
from sora.scheduler.selection import Claim
from sora.state.etcd import client as etcd_client
from sora.state.etcd import records
from sora.state.etcd import view as view_mod
from tests import base

KEYS = records.Keys('/p/')


def _host_kv(host, revision):
    return etcd_client.KeyValue(KEYS.host(host.name),
                                records.encode_host(host).encode(), revision)


def _usage_kv(name, usage, revision):
    return etcd_client.KeyValue(KEYS.usage(name), usage.encode().encode(),
                                revision)


def _event(key, value, revision):
    """Return a watch event as etcd's JSON gateway sends it."""
    item = {'key': base64.b64encode(key.encode()).decode(),
            'mod_revision': str(revision)}
    if value is None:
        return {'type': 'DELETE', 'kv': item}
    item['value'] = base64.b64encode(value).decode()
    return {'kv': item}


class ViewTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.table = HostTable()
        self.view = view_mod.View(self.table, KEYS)
        self.host = Host('h1', memory_mb=4096, vcpus_milli=4000)
        self.usage = records.Usage.for_host(self.host, 1.0)
        self.claimed = self.usage.add(Claim('c1', 'h1', 'r', memory_mb=1024),
                                      1)
        self.view.reset([_host_kv(self.host, 2),
                         _usage_kv('h1', self.usage, 2)], 2)

    def free(self):
        return int(self.table.memory_mb_free[self.table.row('h1')])

    def test_reset_fills_table(self):
        self.assertEqual(['h1'], self.table.names)
        self.assertEqual(4096, self.free())

    def test_newer_usage_applied(self):
        self.view.apply([(False, _usage_kv('h1', self.claimed, 5))])

        self.assertEqual(3072, self.free())
        self.assertEqual(1, self.table.instances[0])
        self.assertEqual(5, self.view.usage_of('h1')[0])

    def test_older_usage_ignored(self):
        self.view.record([(KEYS.usage('h1'), self.claimed.encode())], 9)

        # The watch delivers an older write after this process's own one.
        self.view.apply([(False, _usage_kv('h1', self.usage, 4))],
                        watched=True)

        self.assertEqual(3072, self.free())
        self.assertEqual(9, self.view.usage_of('h1')[0])

    def test_deleted_host_not_revived_by_late_write(self):
        self.view.record([(KEYS.host('h1'), None),
                          (KEYS.usage('h1'), None)], 10)
        self.assertEqual([], self.table.names)

        self.view.apply([(False, _host_kv(self.host, 6)),
                         (False, _usage_kv('h1', self.claimed, 6))],
                        watched=True)

        self.assertEqual([], self.table.names)

    def test_tombstone_forgotten_once_watch_passes(self):
        self.view.record([(KEYS.host('h1'), None)], 10)

        self.view.apply([(True, etcd_client.KeyValue(KEYS.host('h1'), b'',
                                                     10))], watched=True)
        self.view.apply([(False, _host_kv(self.host, 12)),
                         (False, _usage_kv('h1', self.claimed, 12))],
                        watched=True)

        self.assertEqual(['h1'], self.table.names)
        self.assertEqual(3072, self.free())

    def test_observe_marks_missing_key_deleted(self):
        self.view.observe([KEYS.host('h1'), KEYS.usage('h1')], [], 20)

        self.assertEqual([], self.table.names)
        self.assertEqual(0, self.view.host_revision('h1'))

    def test_host_change_keeps_usage(self):
        self.view.apply([(False, _usage_kv('h1', self.claimed, 5))])
        bigger = Host('h1', memory_mb=8192, vcpus_milli=4000)

        self.view.apply([(False, _host_kv(bigger, 7))])

        self.assertEqual(8192 - 1024, self.free())

    def test_claim_keys_ignored(self):
        generation = self.table.generation

        self.view.apply([(False, etcd_client.KeyValue(KEYS.claim('c1'),
                                                      b'{}', 30))])

        self.assertEqual(generation, self.table.generation)

    def test_foreign_watched_write_applied(self):
        self.view.apply_watched([_event(KEYS.usage('h1'),
                                        self.claimed.encode().encode(), 5)])

        self.assertEqual(3072, self.free())
        self.assertEqual(5, self.view.usage_of('h1')[0])
        self.assertEqual(5, self.view.watched_revision)

    def test_own_write_echo_skipped_undecoded(self):
        self.view.record([(KEYS.usage('h1'), self.claimed.encode())], 9)

        # The value is not valid base64, so decoding it would raise.
        echo = _event(KEYS.usage('h1'), b'', 9)
        echo['kv']['value'] = 'A'
        self.view.apply_watched([echo])

        self.assertEqual(3072, self.free())
        self.assertEqual(9, self.view.usage_of('h1')[0])
        self.assertEqual(9, self.view.watched_revision)

    def test_own_revisions_forgotten_once_watched(self):
        self.view.record([(KEYS.usage('h1'), self.claimed.encode())], 9)
        self.view.record([(KEYS.usage('h1'), self.usage.encode())], 11)

        self.view.apply_watched([_event(KEYS.usage('h1'), b'', 9)])

        self.assertEqual({11}, self.view._own_revisions)

    def test_own_delete_echo_clears_tombstone(self):
        self.view.record([(KEYS.host('h1'), None)], 10)

        self.view.apply_watched([_event(KEYS.host('h1'), None, 10)])
        self.view.apply_watched([
            _event(KEYS.host('h1'), records.encode_host(self.host).encode(),
                   12),
            _event(KEYS.usage('h1'), self.claimed.encode().encode(), 12)])

        self.assertEqual(['h1'], self.table.names)
        self.assertEqual(3072, self.free())

    def test_foreign_watched_delete_applied(self):
        self.view.apply_watched([_event(KEYS.host('h1'), None, 7),
                                 _event(KEYS.usage('h1'), None, 7)])

        self.assertEqual([], self.table.names)
        self.assertEqual(0, self.view.host_revision('h1'))
