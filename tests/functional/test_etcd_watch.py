"""The watch on a private etcd server, polled without a thread."""

import base64
import time

from sora.state.etcd import client as etcd_client
from sora.state.etcd import watch as watch_mod
from tests.functional import etcd_base


def _b64(text):
    return base64.b64encode(text.encode()).decode()


class WatchTest(etcd_base.EtcdTestCase):

    def setUp(self):
        super().setUp()
        self.connection = etcd_client.Connection([self.etcd.endpoint], 0.5,
                                                 2.0)
        self.addCleanup(self.connection.close)

    def put(self, key, value):
        reply = self.etcd.request('POST', '/v3/kv/put',
                                  {'key': _b64(key), 'value': _b64(value)})
        return int(reply['header']['revision'])

    def revision(self):
        reply = self.etcd.request('POST', '/v3/kv/range',
                                  {'key': _b64(self.prefix)})
        return int(reply['header']['revision'])

    def start_watch(self, start_revision):
        watch = watch_mod.Watch(self.connection, self.prefix + 'state/',
                                start_revision)
        watch.start()
        self.addCleanup(watch.stop)
        return watch

    def poll_until(self, watch, condition):
        """Poll for up to 5 seconds; return every batch of events seen."""
        batches = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            batches += watch.poll()
            if condition(batches):
                break
            time.sleep(0.01)
        return batches

    def test_poll_without_changes_returns_at_once(self):
        watch = self.start_watch(self.revision() + 1)

        started = time.monotonic()
        batches = watch.poll()

        self.assertEqual([], batches)
        self.assertIsNone(watch.failure)
        # A poll reads only what has arrived; it never waits for etcd.
        self.assertLess(time.monotonic() - started, 0.5)

    def test_poll_returns_each_change_once(self):
        watch = self.start_watch(self.revision() + 1)
        first = self.put(self.prefix + 'state/usage/h1', '{"a":1}')
        second = self.put(self.prefix + 'state/usage/h2', '{"a":2}')
        self.put(self.prefix + 'claims/c1', '{}')

        batches = self.poll_until(watch, lambda seen: len(seen) >= 2)
        later = watch.poll()

        events = [event for batch in batches for event in batch]
        self.assertEqual([first, second],
                         [int(e['kv']['mod_revision']) for e in events])
        self.assertEqual([b'{"a":1}', b'{"a":2}'],
                         [base64.b64decode(e['kv']['value'])
                          for e in events])
        self.assertEqual([], later)
        self.assertIsNone(watch.failure)

    def test_compacted_start_revision_fails(self):
        for number in range(3):
            last = self.put(self.prefix + 'state/usage/h1', str(number))
        self.etcd.request('POST', '/v3/kv/compaction',
                          {'revision': str(last)})

        watch = self.start_watch(1)
        self.poll_until(watch, lambda seen: watch.failure is not None)

        self.assertIn('compacted at revision %d' % last, watch.failure)
        self.assertEqual([], watch.poll())

    def test_stopped_server_ends_watch(self):
        watch = self.start_watch(self.revision() + 1)

        self.etcd.kill()
        self.poll_until(watch, lambda seen: watch.failure is not None)

        self.assertIsNotNone(watch.failure)
        self.assertTrue(watch.failure.startswith('the watch stream'),
                        watch.failure)

    def test_stop_closes_stream(self):
        watch = self.start_watch(self.revision() + 1)

        watch.stop()
        self.put(self.prefix + 'state/usage/h1', '{}')

        self.assertEqual('stopped', watch.failure)
        self.assertEqual([], watch.poll())
