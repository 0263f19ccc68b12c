"""The keep-alive session that carries etcd3gw's requests."""

import socket
import threading
import time

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


class ScriptedServer:
    """A loopback server that sends fixed bytes once the request arrives."""

    def __init__(self, reply):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        self.request = b''
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            while b'\r\n\r\n' not in self.request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                self.request += chunk
            self.send(conn)

    def send(self, conn):
        for part in self.reply:
            conn.sendall(part)
        conn.shutdown(socket.SHUT_WR)
        conn.recv(1)

    def close(self):
        self.sock.close()


class SteppedServer(ScriptedServer):
    """A loopback server that sends a reply in two parts.

    The first part goes out once the request arrives, and the second once
    ``send_next`` is set. The connection stays open until ``close``.
    """

    def __init__(self, reply):
        self.send_next = threading.Event()
        self.closed = threading.Event()
        super().__init__(reply)

    def send(self, conn):
        conn.sendall(self.reply[0])
        self.send_next.wait(5)
        conn.sendall(self.reply[1])
        self.closed.wait(5)

    def close(self):
        self.send_next.set()
        self.closed.set()
        super().close()


class KeepAliveSessionTest(base.TestCase):

    def scripted(self, *reply):
        server = ScriptedServer(reply)
        self.addCleanup(server.close)
        return server, 'http://127.0.0.1:%d/v3/kv/txn' % server.port

    def test_chunked_body_joined(self):
        server, url = self.scripted(
            b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
            b'5\r\n{"a":\r\n', b'3;ext=1\r\n 1}\r\n0\r\n\r\n')
        session = transport.KeepAliveSession()
        session.headers['Authorization'] = 'token-1'

        reply = session.post(url, data='{}', timeout=(1, 1))

        self.assertEqual({'a': 1}, reply.json())
        self.assertIn(b'POST /v3/kv/txn HTTP/1.1\r\n', server.request)
        self.assertIn(b'Content-Length: 2\r\n', server.request)
        self.assertIn(b'Authorization: token-1\r\n', server.request)

    def test_body_without_length_read_to_close(self):
        _server, url = self.scripted(b'HTTP/1.1 404 Not Found\r\n\r\n',
                                     b'missing')
        session = transport.KeepAliveSession()

        reply = session.post(url, json={}, timeout=(1, 1))

        self.assertEqual(404, reply.status_code)
        self.assertEqual('Not Found', reply.reason)
        self.assertEqual('missing', reply.text)
        self.assertEqual({}, session._connections)

    def test_invalid_status_line_is_requests_error(self):
        _server, url = self.scripted(b'SSH-2.0-OpenSSH\r\n\r\n')
        session = transport.KeepAliveSession()

        error = self.assertRaises(requests.exceptions.ConnectionError,
                                  session.post, url, json={},
                                  timeout=(1, 1))

        self.assertIn('invalid status line', str(error))

    def test_short_body_is_requests_error(self):
        _server, url = self.scripted(
            b'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}')
        session = transport.KeepAliveSession()

        error = self.assertRaises(requests.exceptions.ConnectionError,
                                  session.post, url, json={},
                                  timeout=(1, 1))

        self.assertIn('after 2 of 10 bytes', str(error))

    def read_stream(self, stream):
        """Call read_available until the body ends; return every line."""
        lines = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            new, ended = stream.read_available()
            lines += new
            if ended:
                return lines
            time.sleep(0.01)
        self.fail('the stream did not end; lines so far: %r' % lines)

    def test_stream_lines_across_chunks(self):
        # One line split over two chunks, then two lines in one chunk.
        _server, url = self.scripted(
            b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
            b'4\r\n{"a"\r\n', b'4\r\n:1}\n\r\n',
            b'f\r\n{"b":2}\n{"c":3}\r\n', b'0\r\n\r\n')
        session = transport.KeepAliveSession()

        stream = session.open_stream(url, b'{}', 1)
        self.addCleanup(stream.shutdown)

        self.assertEqual(200, stream.status_code)
        self.assertEqual([b'{"a":1}', b'{"b":2}', b'{"c":3}'],
                         self.read_stream(stream))

    def test_stream_read_without_waiting(self):
        server = SteppedServer([
            b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
            b'8\r\n{"a":1}\n\r\n8\r\n{"b":',
            b'2}\n\r\n'])
        self.addCleanup(server.close)
        session = transport.KeepAliveSession()
        stream = session.open_stream(
            'http://127.0.0.1:%d/v3/watch' % server.port, b'{}', 1)
        self.addCleanup(stream.shutdown)

        # The first line came with the headers. The second is incomplete,
        # and the server sends the rest only once send_next is set.
        started = time.monotonic()
        first = stream.read_available()
        second = stream.read_available()
        waited = time.monotonic() - started
        server.send_next.set()
        deadline = time.monotonic() + 5
        third: tuple = ([], False)
        while not third[0] and time.monotonic() < deadline:
            time.sleep(0.01)
            third = stream.read_available()

        self.assertEqual(([b'{"a":1}'], False), first)
        self.assertEqual(([], False), second)
        self.assertLess(waited, 0.5)
        self.assertEqual(([b'{"b":2}'], False), third)

    def test_stream_cut_mid_body_raises(self):
        _server, url = self.scripted(
            b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
            b'4\r\n{}\n\n\r\n')
        session = transport.KeepAliveSession()
        stream = session.open_stream(url, b'{}', 1)
        self.addCleanup(stream.shutdown)

        error = self.assertRaises(transport.ProtocolError, self.read_stream,
                                  stream)
        self.assertIn('closed before the last chunk', str(error))

    def test_stream_to_refused_port_is_requests_error(self):
        session = transport.KeepAliveSession()
        url = 'http://127.0.0.1:%d/v3/watch' % etcd_server.free_port()

        self.assertRaises(requests.exceptions.ConnectionError,
                          session.open_stream, url, b'{}', 1)

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
