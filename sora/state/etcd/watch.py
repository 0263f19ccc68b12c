"""A watch on the hosts and usage keys, read by a background thread.

The thread only parses the gateway's stream and queues each message's
events undecoded. The store applies the queued changes under its lock
before each decision, so the host table is never changed behind a
decision's back. When the stream ends (etcd stopped, the watched revision
was compacted, the connection dropped), the thread records why and exits,
and the store reads everything again.
"""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

from oslo_log import log as logging

from sora.state.etcd import client as etcd_client

LOG = logging.getLogger(__name__)


class Watch:
    """Streams every change under ``prefix`` from ``start_revision`` on.

    ``changes`` receives the list of events of each message as the gateway
    sent them: dicts whose ``kv`` contains the base64 key and value and the
    ``mod_revision``, with ``type`` DELETE for a deletion. They are decoded
    by the store, which decodes only the last change of each key.
    ``failure`` is None while the stream is open, and then gives the reason it
    stopped.
    """

    def __init__(self, connection: etcd_client.Connection, prefix: str,
                 start_revision: int) -> None:
        self.changes: queue.SimpleQueue = queue.SimpleQueue()
        self.failure: str | None = None
        self._connection = connection
        self._prefix = prefix
        self._start_revision = start_revision
        self._stopped = threading.Event()
        self._response: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Open the stream, or raise StoreUnavailable, then start reading."""
        self._response = self._connection.call(
            'opening a watch on %s' % self._prefix, self._open)
        self._thread = threading.Thread(
            target=self._read, name='sora-etcd-watch', daemon=True)
        self._thread.start()

    def _open(self, client: Any) -> Any:
        requests = self._connection._requests
        body = json.dumps({'create_request': {
            'key': etcd_client._b64(self._prefix),
            'range_end': etcd_client._b64(
                etcd_client.prefix_end(self._prefix)),
            'start_revision': self._start_revision}}).encode('utf-8')
        try:
            stream = self._connection.session.open_stream(
                client.get_url('/watch'), body,
                self._connection._connect_timeout)
        except requests.exceptions.RequestException as error:
            raise self._connection._errors.ConnectionFailedError(str(error))
        if stream.status_code != 200:
            text = stream.read_all()
            stream.shutdown()
            raise self._connection._errors.Etcd3Exception(text)
        return stream

    def _read(self) -> None:
        try:
            for line in self._response.iter_lines():
                if not line.strip():
                    continue
                message = json.loads(line)
                reason = self._handle(message)
                if reason:
                    self._fail(reason)
                    return
            self._fail('the watch stream was closed')
        except Exception as error:  # any end of the stream means a resync
            self._fail('the watch stream failed: %s: %s'
                       % (type(error).__name__, error))

    def _handle(self, message: dict) -> str | None:
        if 'error' in message:
            return 'etcd ended the watch: %s' % message['error']
        result = message.get('result', {})
        if result.get('canceled') or result.get('compact_revision'):
            return 'etcd canceled the watch (compacted at revision %s)' % (
                result.get('compact_revision', 'unknown'))
        events = result.get('events')
        if events:
            self.changes.put(events)
        return None

    def _fail(self, reason: str) -> None:
        if not self._stopped.is_set():
            LOG.warning('etcd watch on %s stopped: %s; the scheduler will '
                        'read every host again', self._prefix, reason)
        self.failure = reason

    def stop(self) -> None:
        """Close the stream; the thread exits on its own."""
        self._stopped.set()
        if self.failure is None:
            self.failure = 'stopped'
        if self._response is not None:
            self._response.shutdown()
