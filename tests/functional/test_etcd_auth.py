"""The etcd store against an etcd server with authentication enabled."""

import time

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.state.etcd import client as etcd_client
from sora.state.etcd import store as etcd_store
from tests import base
from tests import etcd_server

PASSWORD = 'pw-for-sora-test'


class EtcdAuthTest(base.TestCase):

    def setUp(self):
        super().setUp()
        if etcd_server.etcd_binary() is None:
            self.skipTest(etcd_server.ETCD_MISSING)
        # Tokens live one second, so a test can see one expire.
        self.etcd = self.useFixture(etcd_server.EtcdServer(
            ['--auth-token', 'simple', '--auth-token-ttl', '1']))
        for path, body in (
                ('/v3/auth/role/add', {'name': 'root'}),
                ('/v3/auth/user/add', {'name': 'root',
                                       'password': PASSWORD}),
                ('/v3/auth/user/grant', {'user': 'root', 'role': 'root'}),
                ('/v3/auth/enable', {})):
            self.etcd.request('POST', path, body)

    def new_store(self, password):
        connection = etcd_client.Connection(
            [self.etcd.endpoint], 0.5, 2.0, username='root',
            password=password)
        store = etcd_store.EtcdStore(connection, '/auth-test/')
        self.addCleanup(store.close)
        return store

    def test_claim_with_credentials(self):
        store = self.new_store(PASSWORD)
        store.load([Host('h1', memory_mb=1024, vcpus_milli=1000)])

        claim = store.claim('h1', RequestSpec(memory_mb=512))

        self.assertEqual([claim], store.claims())

    def test_expired_token_renewed(self):
        store = self.new_store(PASSWORD)
        store.load([Host('h1', memory_mb=1024, vcpus_milli=1000)])
        time.sleep(2.5)

        claim = store.claim('h1', RequestSpec(memory_mb=512))

        self.assertEqual([claim], store.claims())

    def test_wrong_password_rejected(self):
        error = self.assertRaises(exception.StoreUnavailable,
                                  self.new_store, 'wrong-password')

        self.assertIn(self.etcd.endpoint, str(error))
        self.assertIn('authentication failed', str(error))
        self.assertNotIn('wrong-password', str(error))

    def test_no_credentials_rejected(self):
        connection = etcd_client.Connection([self.etcd.endpoint], 0.5, 2.0)

        error = self.assertRaises(exception.StoreUnavailable,
                                  etcd_store.EtcdStore, connection,
                                  '/auth-test/')

        self.assertIn('etcd rejected the request', str(error))
