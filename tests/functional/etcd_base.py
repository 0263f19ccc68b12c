"""Base class for tests that run against a private etcd server."""

import itertools

from sora.scheduler.manager import SchedulerManager
from sora.state.etcd import client as etcd_client
from sora.state.etcd import store as etcd_store
from tests import base
from tests import etcd_server

_prefixes = itertools.count()


class EtcdTestCase(base.TestCase):
    """Starts one etcd server per test; skips when etcd is not installed.

    ``self.etcd`` is the server fixture. ``new_store()`` and
    ``new_manager()`` connect to it under this test's key prefix.
    """

    def setUp(self):
        super().setUp()
        if etcd_server.etcd_binary() is None:
            self.skipTest(etcd_server.ETCD_MISSING)
        self.etcd = self.useFixture(etcd_server.EtcdServer())
        self.prefix = '/sora-test-%d/' % next(_prefixes)
        self.flags(group='scheduler', state_store='etcd')
        self.flags(group='etcd', endpoints=[self.etcd.endpoint],
                   key_prefix=self.prefix, request_timeout=2.0,
                   connect_timeout=0.5)

    def new_store(self, retries=5):
        connection = etcd_client.Connection([self.etcd.endpoint], 0.5, 2.0)
        store = etcd_store.EtcdStore(connection, self.prefix, retries)
        self.addCleanup(store.close)
        return store

    def new_manager(self, **flags):
        if flags:
            self.flags(group='scheduler', **flags)
        self.conf([])
        manager = SchedulerManager(self.conf, load_inventory=False)
        self.addCleanup(manager.store.close)
        return manager

    def usage_of(self, store, name):
        store.refresh([name])
        return store.view.usage_of(name)[1]
