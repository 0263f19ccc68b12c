"""A small keep-alive HTTP session that etcd3gw sends its requests through.

etcd3gw accepts any session object with requests' ``post`` and ``get``
calls. A requests session spends most of a claim's client time preparing
each request (merging cookies, hooks and adapters) rather than sending it,
so sora hands etcd3gw this session instead. It keeps one HTTP/1.1
connection per endpoint open with http.client and reports failures as the
requests exceptions that etcd3gw already maps to its own errors.

The watch stream, which needs chunked streaming, still uses requests.
"""

from __future__ import annotations

import http.client
import json as json_module
import socket
import ssl
from typing import Any
import urllib.parse

import requests


class _Retry(Exception):
    """A kept-open connection was closed by the server before the reply."""


class Response:
    """The parts of a requests response that etcd3gw reads."""

    def __init__(self, status: int, reason: str, body: bytes) -> None:
        self.status_code = status
        self.reason = reason
        self.content = body

    @property
    def text(self) -> str:
        return self.content.decode('utf-8', errors='replace')

    def json(self) -> Any:
        return json_module.loads(self.content)


class KeepAliveSession:
    """POST and GET over one kept-open connection per host and port.

    Not safe for use by two threads at once; the store's lock serialises
    every request of one store.
    """

    def __init__(self, ca_file: str | None = None,
                 cert_file: str | None = None,
                 key_file: str | None = None) -> None:
        self.headers: dict[str, str] = {}
        self._connections: dict[tuple[str, str, int], Any] = {}
        self._ssl: ssl.SSLContext | None = None
        if ca_file or cert_file:
            self._ssl = ssl.create_default_context(cafile=ca_file)
            if cert_file:
                self._ssl.load_cert_chain(cert_file, key_file)

    def _connection(self, scheme: str, host: str, port: int,
                    timeout: Any) -> Any:
        key = (scheme, host, port)
        connection = self._connections.get(key)
        connect, read = (timeout if isinstance(timeout, tuple)
                         else (timeout, timeout))
        if connection is None:
            if scheme == 'https':
                connection = http.client.HTTPSConnection(
                    host, port, timeout=connect, context=self._ssl)
            else:
                connection = http.client.HTTPConnection(host, port,
                                                        timeout=connect)
            self._connections[key] = connection
        if connection.sock is None:
            connection.connect()
            connection.sock.setsockopt(socket.IPPROTO_TCP,
                                       socket.TCP_NODELAY, 1)
        connection.sock.settimeout(read)
        return connection

    def request(self, method: str, url: str, body: bytes | None,
                timeout: Any) -> Response:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == 'https' else 80)
        key = (parts.scheme, parts.hostname or '', port)
        headers = dict(self.headers)
        if body is not None:
            headers['Content-Type'] = 'application/json'
        # A kept-open connection that the server closed while idle fails
        # before any reply; that one failure is retried on a new connection.
        if key in self._connections:
            try:
                return self._send(key, method, url, body, headers, timeout,
                                  retry=True)
            except _Retry:
                pass
        return self._send(key, method, url, body, headers, timeout)

    def _send(self, key: tuple[str, str, int], method: str, url: str,
              body: bytes | None, headers: dict[str, str], timeout: Any,
              retry: bool = False) -> Response:
        """Send one request and map its failures for etcd3gw.

        With ``retry``, a connection closed before the reply raises _Retry.
        """
        path = urllib.parse.urlsplit(url).path
        try:
            connection = self._connection(key[0], key[1], key[2], timeout)
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            data = reply.read()
        except (TimeoutError, socket.timeout) as error:
            self._drop(key)
            raise requests.exceptions.Timeout(
                '%s timed out: %s' % (url, error)) from None
        except (ConnectionResetError, BrokenPipeError,
                http.client.RemoteDisconnected) as error:
            self._drop(key)
            if retry:
                raise _Retry() from None
            raise requests.exceptions.ConnectionError(
                '%s failed: %s: %s' % (url, type(error).__name__, error)
            ) from None
        except (OSError, http.client.HTTPException) as error:
            self._drop(key)
            raise requests.exceptions.ConnectionError(
                '%s failed: %s: %s' % (url, type(error).__name__, error)
            ) from None
        if reply.will_close:
            self._drop(key)
        return Response(reply.status, reply.reason, data)

    def _drop(self, key: tuple[str, str, int]) -> None:
        connection = self._connections.pop(key, None)
        if connection is not None:
            connection.close()

    def post(self, url: str, json: Any = None, data: Any = None,
             timeout: Any = None, **_ignored: Any) -> Response:
        if json is not None:
            data = json_module.dumps(json)
        if isinstance(data, str):
            data = data.encode('utf-8')
        return self.request('POST', url, data, timeout)

    def get(self, url: str, timeout: Any = None,
            **_ignored: Any) -> Response:
        return self.request('GET', url, None, timeout)

    def close(self) -> None:
        for key in list(self._connections):
            self._drop(key)
