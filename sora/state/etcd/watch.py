"""A watch on the hosts and usage keys, read between decisions.

The store polls the stream under its lock before each decision. A read
that does not wait takes whatever the socket holds, and the events of each
message are returned undecoded, so the host table is never changed behind
a decision's back. No thread wakes for each change. With four schedulers
on one etcd (``python -m benchmarks.etcd_store``, a 2-core virtual machine,
Python 3.11), a reading thread took 0.4 to 0.7 ms of CPU per decision.
Reading between decisions instead cut each scheduler's CPU per decision
by about 0.45 ms (medians of six pairs of runs). When
the stream ends (etcd stopped, the watched revision was compacted, the
connection dropped), the poll records why, and the store reads everything
again.

NOTE: while a process makes no decisions, its changes wait in the socket's
buffer, and once that is full, in etcd, which holds back the watch until it
is read again. A watch held back past a compaction is canceled, and the
next decision reads every host again.
"""

from __future__ import annotations

import json
from typing import Any

from oslo_log import log as logging

from sora.state.etcd import client as etcd_client

LOG = logging.getLogger(__name__)


class Watch:
    """Streams every change under ``prefix`` from ``start_revision`` on.

    ``poll`` returns the list of events of each message as the gateway sent
    them: dicts whose ``kv`` contains the base64 key and value and the
    ``mod_revision``, with ``type`` DELETE for a deletion. They are decoded
    by the store, which decodes only the last change of each key.
    ``failure`` is None while the stream is open, and then gives the reason it
    stopped.
    """

    def __init__(self, connection: etcd_client.Connection, prefix: str,
                 start_revision: int) -> None:
        self.failure: str | None = None
        self._connection = connection
        self._prefix = prefix
        self._start_revision = start_revision
        self._stopped = False
        self._response: Any = None

    def start(self) -> None:
        """Open the stream, or raise StoreUnavailable."""
        self._response = self._connection.call(
            'opening a watch on %s' % self._prefix, self._open)

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

    def poll(self) -> list[list[dict]]:
        """Return the events of the messages received since the last poll.

        It does not wait for a message, because transport.Stream reads its
        socket in non-blocking mode. When the stream has ended or broken,
        set ``failure`` and return the events received before that.
        """
        batches: list[list[dict]] = []
        if self.failure is not None:
            return batches
        try:
            lines, ended = self._response.read_available()
            for line in lines:
                if not line.strip():
                    continue
                reason = self._handle(json.loads(line), batches)
                if reason:
                    self._fail(reason)
                    return batches
        except Exception as error:  # any end of the stream means a resync
            self._fail('the watch stream failed: %s: %s'
                       % (type(error).__name__, error))
            return batches
        if ended:
            self._fail('the watch stream was closed')
        return batches

    def _handle(self, message: dict, batches: list[list[dict]]
                ) -> str | None:
        if 'error' in message:
            return 'etcd ended the watch: %s' % message['error']
        result = message.get('result', {})
        if result.get('canceled') or result.get('compact_revision'):
            return 'etcd canceled the watch (compacted at revision %s)' % (
                result.get('compact_revision', 'unknown'))
        events = result.get('events')
        if events:
            batches.append(events)
        return None

    def _fail(self, reason: str) -> None:
        if not self._stopped:
            LOG.warning('etcd watch on %s stopped: %s; the scheduler will '
                        'read every host again', self._prefix, reason)
        self.failure = reason

    def stop(self) -> None:
        """Close the stream."""
        self._stopped = True
        if self.failure is None:
            self.failure = 'stopped'
        if self._response is not None:
            self._response.shutdown()
