"""Endpoint parsing and connection errors of the etcd client."""

import http.server
import threading

from sora import exception
from sora.state.etcd import client as etcd_client
from tests import base
from tests import etcd_server


class EndpointTest(base.TestCase):

    def test_valid_endpoints(self):
        self.assertEqual([('127.0.0.1', 2379), ('etcd-1', 4001),
                          ('::1', 2379)],
                         etcd_client.parse_endpoints(
                             ['127.0.0.1:2379', ' etcd-1:4001',
                              '[::1]:2379']))

    def test_invalid_endpoints(self):
        for value in ('127.0.0.1', 'host:0', 'host:70000', ':2379',
                      'http://host:2379', 'host:port'):
            error = self.assertRaises(exception.ConfigError,
                                      etcd_client.parse_endpoints, [value])
            self.assertEqual('endpoints', error.option)
            self.assertIn('host:port', str(error))

    def test_empty_endpoints(self):
        error = self.assertRaises(exception.ConfigError,
                                  etcd_client.parse_endpoints, [])

        self.assertIn('at least one', str(error))

    def test_cert_without_key(self):
        error = self.assertRaises(
            exception.ConfigError, etcd_client.Connection,
            ['127.0.0.1:2379'], 1.0, 1.0, cert_file='/tmp/cert.pem')

        self.assertEqual('cert_file', error.option)
        self.assertIn('key_file', str(error))

    def test_prefix_end(self):
        self.assertEqual('/sora0', etcd_client.prefix_end('/sora/'))


class UnreachableTest(base.TestCase):

    def test_every_endpoint_named(self):
        # Nothing listens on these loopback ports, so each connection is
        # refused at once.
        ports = [etcd_server.free_port(), etcd_server.free_port()]
        endpoints = ['127.0.0.1:%d' % port for port in ports]
        connection = etcd_client.Connection(endpoints, 0.5, 0.5)

        error = self.assertRaises(exception.StoreUnavailable,
                                  connection.range_prefix, '/sora/state/',
                                  'reading the hosts')

        self.assertEqual(endpoints, error.endpoints)
        for endpoint in endpoints:
            self.assertIn(endpoint, str(error))
        self.assertIn('reading the hosts', str(error))
        self.assertIn('ConnectionFailedError', error.cause)


class _StatusHandler(http.server.BaseHTTPRequestHandler):
    """Serve etcd3gw's version request, then reply to each POST as set."""

    protocol_version = 'HTTP/1.1'

    def do_GET(self):
        self._reply(200, b'{"etcdserver": "3.4.23", "etcdcluster": "3.4.0"}')

    def do_POST(self):
        self.rfile.read(int(self.headers['Content-Length']))
        self.server.posts += 1
        self._reply(*self.server.post_reply)

    def _reply(self, status, body):
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class StatusTest(base.TestCase):
    """HTTP statuses of the gateway map to the same errors as etcd3gw's.

    etcd cannot be made to return these statuses on demand, so a loopback
    HTTP server replaces it here.
    """

    def serve(self, status, body):
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                 _StatusHandler)
        server.post_reply = (status, body)
        server.posts = 0
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server, '127.0.0.1:%d' % server.server_address[1]

    def test_unavailable_status_tries_next_endpoint(self):
        failing, first = self.serve(503, b'{"error": "no leader"}')
        _working, second = self.serve(
            200, b'{"header": {"revision": "7"}, "succeeded": true}')
        connection = etcd_client.Connection([first, second], 0.5, 2.0)
        self.addCleanup(connection.close)

        result = connection.txn('claiming host h1', [], [])

        self.assertEqual(1, failing.posts)
        self.assertTrue(result.succeeded)
        self.assertEqual(7, result.revision)

    def test_rejected_request_names_endpoint(self):
        _server, endpoint = self.serve(400, b'{"error": "bad compare"}')
        connection = etcd_client.Connection([endpoint], 0.5, 2.0)
        self.addCleanup(connection.close)

        error = self.assertRaises(exception.StoreUnavailable, connection.txn,
                                  'claiming host h1', [], [])

        self.assertEqual([endpoint], error.endpoints)
        self.assertIn('etcd rejected the request', error.cause)
        self.assertIn('bad compare', error.cause)

    def test_gateway_timeout_status_is_timeout(self):
        _server, only = self.serve(504, b'{"error": "timed out"}')
        connection = etcd_client.Connection([only], 0.5, 2.0)
        self.addCleanup(connection.close)

        error = self.assertRaises(exception.StoreUnavailable, connection.txn,
                                  'claiming host h1', [], [])

        self.assertIn('ConnectionTimeoutError', error.cause)
