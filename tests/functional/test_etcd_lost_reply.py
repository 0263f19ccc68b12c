"""Claims whose transaction reached etcd but whose response was lost."""

import socket
import threading

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.state.etcd import client as etcd_client
from sora.state.etcd import store as etcd_store
from tests.functional import etcd_base


class LossyProxy:
    """A loopback TCP proxy to etcd that can lose transaction responses.

    While ``drop_txn_responses`` is above zero, each connection that sends
    a transaction gets no response: the proxy forwards the request to etcd,
    reads and discards etcd's response, and closes the connection.
    """

    def __init__(self, target_port):
        self.target_port = target_port
        self.drop_txn_responses = 0
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(('127.0.0.1',
                                               self.target_port))
            state = {'drop': False}
            threading.Thread(target=self.pump_requests,
                             args=(client, server, state),
                             daemon=True).start()
            threading.Thread(target=self.pump_responses,
                             args=(server, client, state),
                             daemon=True).start()

    def pump_requests(self, client, server, state):
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if b'/v3/kv/txn' in data:
                    with self.lock:
                        if self.drop_txn_responses > 0:
                            self.drop_txn_responses -= 1
                            state['drop'] = True
                server.sendall(data)
        except OSError:
            pass

    def pump_responses(self, server, client, state):
        try:
            while True:
                data = server.recv(65536)
                if not data:
                    break
                if state['drop']:
                    break
                client.sendall(data)
        except OSError:
            pass
        for sock in (client, server):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self):
        self.listener.close()


class LostResponseTest(etcd_base.EtcdTestCase):

    def setUp(self):
        super().setUp()
        self.proxy = LossyProxy(self.etcd.client_port)
        self.addCleanup(self.proxy.close)
        self.direct = self.new_store()
        self.direct.load([Host('h1', memory_mb=4096, vcpus_milli=4000)])
        connection = etcd_client.Connection(
            ['127.0.0.1:%d' % self.proxy.port], 0.5, 2.0)
        self.store = etcd_store.EtcdStore(connection, self.prefix)
        self.addCleanup(self.store.close)

    def test_retry_finds_applied_claim(self):
        # The first try is applied but its response is lost. The session
        # sends it again on a new connection, and the second try finds the
        # claim already there.
        self.proxy.drop_txn_responses = 1

        claim = self.store.claim('h1', RequestSpec(memory_mb=1024))

        self.assertEqual(0, self.proxy.drop_txn_responses)
        self.assertEqual([claim], self.direct.claims())
        self.assertEqual(3072, self.store.hosts.memory_mb_free[0])

    def test_unanswered_claim_released_later(self):
        # Neither try gets a response, so the caller is told that the
        # claim failed, although etcd applied the first one.
        self.proxy.drop_txn_responses = 2

        self.assertRaises(exception.StoreUnavailable, self.store.claim,
                          'h1', RequestSpec(memory_mb=1024))
        self.assertEqual(1, len(self.direct.claims()))

        self.store.refresh()

        self.assertEqual([], self.direct.claims())
        usage = self.usage_of(self.direct, 'h1')
        self.assertEqual(0, usage.claimed['memory_mb'])
        self.assertEqual(0, usage.instances)
