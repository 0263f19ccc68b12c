"""Choosing the state store with [scheduler] state_store."""

from sora import exception
from sora.scheduler.manager import SchedulerManager
from sora.state import loader
from sora.state import memory
from tests import base


class StateLoaderTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.conf([])

    def test_default_is_in_process_store(self):
        store = loader.load_store(self.conf)

        self.assertIsInstance(store, memory.InProcessStore)
        self.assertFalse(store.shared)

    def test_installed_stores(self):
        names = loader.plugins.PluginSource(loader.STATE_NAMESPACE).names()

        self.assertIn('memory', names)
        self.assertIn('etcd', names)

    def test_unknown_store_suggests_name(self):
        self.flags(group='scheduler', state_store='etdc')

        error = self.assertRaises(exception.PluginNotFound,
                                  loader.load_store, self.conf)

        self.assertEqual('state_store', error.option)
        self.assertEqual('etcd', error.suggestion)

    def test_bad_endpoint_fails_before_connecting(self):
        self.flags(group='scheduler', state_store='etcd')
        self.flags(group='etcd', endpoints=['localhost'])

        error = self.assertRaises(exception.ConfigError, loader.load_store,
                                  self.conf)

        self.assertEqual('endpoints', error.option)
        self.assertEqual('localhost', error.value)

    def test_root_prefix_rejected(self):
        self.flags(group='scheduler', state_store='etcd')
        self.flags(group='etcd', key_prefix='/')

        error = self.assertRaises(exception.ConfigError, loader.load_store,
                                  self.conf)

        self.assertEqual('key_prefix', error.option)

    def test_manager_without_store_uses_option(self):
        manager = SchedulerManager(self.conf, load_inventory=False)

        self.assertIsInstance(manager.store, memory.InProcessStore)


class EtcdOptionsTest(base.TestCase):

    def test_password_is_secret(self):
        from sora.conf import etcd as etcd_conf
        secret = {opt.name: opt.secret for opt in etcd_conf.OPTS}

        self.assertTrue(secret['password'])
        self.assertFalse(secret['username'])

    def test_every_option_has_possible_values(self):
        from sora.conf import etcd as etcd_conf
        for opt in etcd_conf.OPTS:
            self.assertIn('Possible values:', opt.help, opt.name)
