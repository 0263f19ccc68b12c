"""The keep-alive session that carries etcd3gw's requests."""

import socket
import threading

import requests

from sora.state.etcd import transport
from tests import base
from tests import etcd_server


class OneShotServer:
    """A loopback HTTP server that responds once per connection, then closes.

    It does not say it will close, so a client that keeps the connection
    finds it closed on its next request, as after an idle timeout.
    """

    def __init__(self, delay=0.0):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.delay = delay
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                data = b''
                while b'\r\n\r\n' not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                if self.delay:
                    self.stop.wait(self.delay)
                body = b'{"ok": true}'
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n'
                             b'\r\n%s' % (len(body), body))

    def close(self):
        self.stop.set()
        self.sock.close()


class KeepAliveSessionTest(base.TestCase):

    def server(self, **kwargs):
        server = OneShotServer(**kwargs)
        self.addCleanup(server.close)
        return server

    def test_closed_idle_connection_retried(self):
        server = self.server()
        session = transport.KeepAliveSession()
        url = 'http://127.0.0.1:%d/v3/kv/range' % server.port

        first = session.post(url, json={'key': 'eA=='}, timeout=(1, 1))
        second = session.post(url, json={'key': 'eA=='}, timeout=(1, 1))

        self.assertEqual({'ok': True}, first.json())
        self.assertEqual({'ok': True}, second.json())
        self.assertEqual(2, server.connections)

    def test_refused_connection_is_requests_error(self):
        session = transport.KeepAliveSession()
        url = 'http://127.0.0.1:%d/v3/kv/range' % etcd_server.free_port()

        error = self.assertRaises(requests.exceptions.ConnectionError,
                                  session.post, url, json={},
                                  timeout=(1, 1))

        self.assertIn(url, str(error))

    def test_slow_reply_is_timeout(self):
        server = self.server(delay=2.0)
        session = transport.KeepAliveSession()
        url = 'http://127.0.0.1:%d/v3/kv/range' % server.port

        error = self.assertRaises(requests.exceptions.Timeout, session.post,
                                  url, json={}, timeout=(1, 0.2))

        self.assertIn('timed out', str(error))
