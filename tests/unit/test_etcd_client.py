"""Endpoint parsing and connection errors of the etcd client."""

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
