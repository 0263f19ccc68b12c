"""The connection to etcd: endpoints, TLS, authentication and errors.

sora talks to etcd through etcd3gw, a client for the JSON gateway that
etcd 3.4 and later serve on the client port. Every request goes to the
endpoint that responded last. When it fails to connect or times out, the next
endpoint is tried, and when none responds the request fails with
StoreUnavailable naming the endpoints.

Writes are sent as transactions whose comparisons make a repeat harmless,
so trying a write again on another endpoint cannot apply it twice.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
import dataclasses
import json
from typing import Any, TypeVar

from oslo_config import cfg
from oslo_log import log as logging

from sora import exception
from sora.state.etcd import transport

LOG = logging.getLogger(__name__)

T = TypeVar('T')

# NOTE: etcd rejects a transaction with more than --max-txn-ops operations
# in one branch; 128 is its default. Batches stay below it.
MAX_TXN_OPS = 120

# One range request returns at most this many keys; larger ranges are read
# page by page at one revision.
PAGE_SIZE = 1000


def _b64(text: str) -> str:
    return base64.b64encode(text.encode('utf-8')).decode('ascii')


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


def prefix_end(prefix: str) -> str:
    """Return the first key after every key that starts with ``prefix``."""
    raw = bytearray(prefix.encode('utf-8'))
    raw[-1] += 1
    return raw.decode('utf-8', errors='surrogateescape')


def mod_equals(key: str, revision: int) -> dict:
    """Compare: the key was last written at ``revision`` (0: it is absent)."""
    return {'key': _b64(key), 'result': 'EQUAL', 'target': 'MOD',
            'mod_revision': str(revision)}


def put(key: str, value: str) -> dict:
    return {'request_put': {'key': _b64(key), 'value': _b64(value)}}


def delete(key: str) -> dict:
    return {'request_delete_range': {'key': _b64(key)}}


def read(key: str) -> dict:
    return {'request_range': {'key': _b64(key)}}


@dataclasses.dataclass(frozen=True)
class KeyValue:
    key: str
    value: bytes
    mod_revision: int


@dataclasses.dataclass(frozen=True)
class TxnResult:
    """The outcome of a transaction and the keys its branch read."""

    succeeded: bool
    revision: int
    kvs: list[KeyValue]


def _kv(item: dict) -> KeyValue:
    return KeyValue(_unb64(item['key']).decode('utf-8'),
                    _unb64(item.get('value', '')),
                    int(item.get('mod_revision', 0)))


def parse_endpoints(values: Sequence[str]) -> list[tuple[str, int]]:
    """Return (host, port) pairs; raise ConfigError for a bad entry."""
    if not values:
        raise exception.ConfigError(
            'etcd', 'endpoints', values, 'at least one host:port pair is '
            'needed, for example 127.0.0.1:2379')
    pairs = []
    for value in values:
        host, sep, port = value.strip().rpartition(':')
        if host.startswith('[') and host.endswith(']'):
            host = host[1:-1]
        if not sep or not host or '/' in host or not port.isdigit() \
                or not 0 < int(port) < 65536:
            raise exception.ConfigError(
                'etcd', 'endpoints', value, 'expected host:port with a port '
                'from 1 to 65535, for example 127.0.0.1:2379; write an IPv6 '
                'address in brackets, as [::1]:2379')
        pairs.append((host, int(port)))
    return pairs


class Connection:
    """Requests to one etcd cluster, with failover between its endpoints."""

    def __init__(self, endpoints: Sequence[str], connect_timeout: float,
                 request_timeout: float, ca_file: str | None = None,
                 cert_file: str | None = None, key_file: str | None = None,
                 username: str | None = None,
                 password: str | None = None) -> None:
        # Imported here so that sora works without the etcd extra as long
        # as this store is not chosen.
        try:
            import etcd3gw
            import requests
        except ImportError as error:
            raise exception.ConfigError(
                'scheduler', 'state_store', 'etcd', 'the etcd store needs '
                "the etcd3gw package (%s). Install it with pip install "
                "'sora[etcd]'" % error) from None
        if bool(cert_file) != bool(key_file):
            raise exception.ConfigError(
                'etcd', 'cert_file' if cert_file else 'key_file',
                cert_file or key_file, 'a client certificate needs both '
                '[etcd] cert_file and [etcd] key_file; set the other one')
        self._errors = etcd3gw.exceptions
        self._requests = requests
        self._pairs = parse_endpoints(endpoints)
        self._timeout = (connect_timeout, request_timeout)
        self._connect_timeout = connect_timeout
        self._protocol = 'https' if (ca_file or cert_file) else 'http'
        self._credentials = (username, password) if username else None
        self._token: str | None = None
        self._current = 0
        self.session = transport.KeepAliveSession(ca_file, cert_file,
                                                  key_file)
        errors = etcd3gw.exceptions
        # The exception that etcd3gw raises for each HTTP status. Any other
        # status but 200 raises Etcd3Exception.
        self._errors_by_status: dict[int, type] = {
            500: errors.InternalServerError,
            503: errors.ConnectionFailedError,
            408: errors.ConnectionTimeoutError,
            504: errors.ConnectionTimeoutError,
            412: errors.PreconditionFailedError}
        self._urls: dict[tuple[int, str], str] = {}
        self._clients = [
            etcd3gw.client(host=host, port=port, protocol=self._protocol,
                           timeout=self._timeout, session=self.session)
            for host, port in self._pairs]

    @classmethod
    def from_conf(cls, conf: cfg.ConfigOpts) -> Connection:
        group = conf.etcd
        return cls(group.endpoints, group.connect_timeout,
                   group.request_timeout, group.ca_file, group.cert_file,
                   group.key_file, group.username, group.password)

    @property
    def endpoints(self) -> list[str]:
        return ['%s:%d' % pair if ':' not in pair[0] else '[%s]:%d' % pair
                for pair in self._pairs]

    def close(self) -> None:
        self.session.close()

    # -- calls with failover ------------------------------------------------

    def call(self, action: str, request: Callable[[Any], T]) -> T:
        """Run ``request(client)`` on the first endpoint that responds.

        ``action`` describes what sora was doing, for the error message.
        """
        last_error = 'no endpoint was tried'
        count = len(self._clients)
        for step in range(count):
            index = (self._current + step) % count
            client = self._clients[index]
            try:
                result = self._authenticated(client, request)
            except (self._errors.ConnectionFailedError,
                    self._errors.ConnectionTimeoutError) as error:
                last_error = '%s: %s' % (type(error).__name__,
                                         error.detail_text or error)
                LOG.warning('etcd endpoint %s failed while %s: %s',
                            self.endpoints[index], action, last_error)
                continue
            except self._errors.Etcd3Exception as error:
                raise exception.StoreUnavailable(
                    'etcd', [self.endpoints[index]], action,
                    'etcd rejected the request: %s'
                    % (error.detail_text or error)) from None
            self._current = index
            return result
        raise exception.StoreUnavailable('etcd', self.endpoints, action,
                                         last_error)

    def _authenticated(self, client: Any, request: Callable[[Any], T]) -> T:
        if self._credentials and self._token is None:
            self._authenticate(client)
        try:
            return request(client)
        except self._errors.Etcd3Exception as error:
            text = str(error.detail_text or '')
            if not self._credentials or 'auth token' not in text:
                raise
        # The token expired; etcd gives out a new one for the same user.
        self._authenticate(client)
        return request(client)

    def _authenticate(self, client: Any) -> None:
        name, password = self._credentials or ('', '')
        self.session.headers.pop('Authorization', None)
        reply = client.post(client.get_url('/auth/authenticate'),
                            json={'name': name, 'password': password or ''})
        self._token = reply['token']
        self.session.headers['Authorization'] = self._token

    def base_url(self) -> str:
        """Return the v3 API address of the endpoint that responded last."""
        client = self._clients[self._current]
        return client.base_url + client.api_path

    def rotate(self) -> None:
        """Make the next endpoint the first one tried."""
        self._current = (self._current + 1) % len(self._clients)

    # -- requests -----------------------------------------------------------

    def _post(self, client: Any, path: str, body: bytes) -> Any:
        """POST ``body`` to a v3 API path and return the decoded reply.

        This does what etcd3gw's ``post`` does, with the same exceptions
        for the same failures, but without its per-call lookups of status
        names, which cost more CPU than encoding the request body.
        """
        url = self._urls.get((id(client), path))
        if url is None:
            url = self._urls[(id(client), path)] = client.get_url(path)
        try:
            reply = self.session.post(url, data=body, timeout=self._timeout)
        except self._requests.exceptions.Timeout as error:
            raise self._errors.ConnectionTimeoutError(str(error)) from None
        except self._requests.exceptions.ConnectionError as error:
            raise self._errors.ConnectionFailedError(str(error)) from None
        if reply.status_code != 200:
            error_class = self._errors_by_status.get(
                reply.status_code, self._errors.Etcd3Exception)
            raise error_class(reply.text, reply.reason)
        return reply.json()

    def range_prefix(self, prefix: str, action: str
                     ) -> tuple[list[KeyValue], int]:
        """Return every key under ``prefix`` and the revision read at."""
        kvs: list[KeyValue] = []
        start, end = prefix, prefix_end(prefix)
        revision = 0
        while True:
            payload = {'key': _b64(start), 'range_end': _b64(end),
                       'limit': PAGE_SIZE}
            if revision:
                payload['revision'] = revision
            body = json.dumps(payload).encode('utf-8')
            reply = self.call(action, lambda c: self._post(
                c, '/kv/range', body))
            revision = revision or int(reply['header']['revision'])
            page = [_kv(item) for item in reply.get('kvs', [])]
            kvs.extend(page)
            if not reply.get('more') or not page:
                return kvs, revision
            start = page[-1].key + '\0'

    def txn(self, action: str, compare: list[dict], success: list[dict],
            failure: list[dict] | None = None) -> TxnResult:
        """Run one transaction and return its outcome."""
        body = json.dumps({'compare': compare, 'success': success,
                           'failure': failure or []}).encode('utf-8')
        reply = self.call(action, lambda c: self._post(c, '/kv/txn', body))
        kvs = []
        for response in reply.get('responses', []):
            for item in response.get('response_range', {}).get('kvs', []):
                kvs.append(_kv(item))
        return TxnResult(bool(reply.get('succeeded')),
                         int(reply['header']['revision']), kvs)

    def read_keys(self, keys: Sequence[str], action: str) -> TxnResult:
        """Read several keys at one revision."""
        return self.txn(action, [], [read(key) for key in keys])
