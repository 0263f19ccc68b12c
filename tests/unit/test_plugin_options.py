"""Plugins that declare their own option groups through ``list_opts``."""

import os

import fixtures
import numpy as np
from oslo_config import cfg
from stevedore import extension

from sora.drivers import base as driver_base
from sora import exception
from sora.filters import base as filter_base
from sora.inventory import base as inventory_base
from sora import plugins
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base


class LabelPolicy(driver_base.SchedulerDriver):
    """Hosts whose ``tier`` label equals ``[label_policy] tier`` win."""

    @classmethod
    def list_opts(cls):
        return [('label_policy', [
            cfg.StrOpt('tier', default='gold', mutable=True,
                       help='Preferred tier.')])]

    def __init__(self, conf):
        super().__init__(conf)
        self.tier = conf.label_policy.tier

    def score_hosts(self, hosts, rows, request):
        return np.array([hosts.labels[row].get('tier') == self.tier
                         for row in rows], float)


class ZoneFilter(filter_base.BaseFilter):
    """Keep only hosts in ``[zone_filter] zone``."""

    @classmethod
    def list_opts(cls):
        return [('zone_filter', [
            cfg.StrOpt('zone', default='az1', help='Zone to keep.')])]

    def host_passes(self, host, request, context):
        return host.zone == self.conf.zone_filter.zone


class CountInventory(inventory_base.InventorySource):
    """``[count_inventory] hosts`` identical hosts."""

    @classmethod
    def list_opts(cls):
        return [('count_inventory', [
            cfg.IntOpt('hosts', default=2, min=1, mutable=True,
                       help='Number of hosts.')])]

    def read(self):
        return [(Host('node-%d' % i, memory_mb=1024, vcpus_milli=1000),
                 'host %d' % i)
                for i in range(self.conf.count_inventory.hosts)]


def source(namespace, name, plugin):
    return plugins.PluginSource(
        namespace, extension.ExtensionManager.make_test_instance(
            [extension.Extension(name, None, plugin, None)]))


SOURCES = {
    plugins.SCHEDULER_NAMESPACE: source(plugins.SCHEDULER_NAMESPACE,
                                        'labels', LabelPolicy),
    plugins.FILTER_NAMESPACE: source(plugins.FILTER_NAMESPACE, 'zone',
                                     ZoneFilter),
    plugins.INVENTORY_NAMESPACE: source(plugins.INVENTORY_NAMESPACE,
                                        'count', CountInventory),
}


class PluginOptionsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        tempdir = self.useFixture(fixtures.TempDir()).path
        self.conf_path = os.path.join(tempdir, 'sora.conf')
        self.log = self.useFixture(fixtures.FakeLogger(name='sora'))

    def start(self, text):
        with open(self.conf_path, 'w', encoding='utf-8') as stream:
            stream.write('[scheduler]\ndriver = labels\n'
                         '[filter_scheduler]\nenabled_filters = zone\n'
                         '[inventory]\nsource = count\n' + text)
        self.conf(['--config-file', self.conf_path])
        return SchedulerManager(self.conf, sources=SOURCES)

    def test_options_registered_on_load(self):
        manager = self.start('[label_policy]\ntier = silver\n'
                             '[zone_filter]\nzone = az2\n'
                             '[count_inventory]\nhosts = 3\n')

        self.assertEqual('silver', self.conf.label_policy.tier)
        self.assertEqual('az2', self.conf.zone_filter.zone)
        self.assertEqual(['node-0', 'node-1', 'node-2'],
                         manager.store.hosts.names)

    def test_plugin_option_used_in_decisions(self):
        manager = self.start('[label_policy]\ntier = silver\n'
                             '[zone_filter]\nzone = az1\n')
        manager.set_hosts([
            Host('a', memory_mb=4096, vcpus_milli=1000, zone='az1',
                 labels={'tier': 'gold'}),
            Host('b', memory_mb=4096, vcpus_milli=1000, zone='az1',
                 labels={'tier': 'silver'}),
            Host('c', memory_mb=4096, vcpus_milli=1000, zone='az2',
                 labels={'tier': 'silver'})])

        [selection] = manager.select_destinations(RequestSpec(memory_mb=1))

        self.assertEqual('b', selection.host)

    def test_invalid_plugin_option_fails_at_start(self):
        error = self.assertRaises(exception.ConfigError, self.start,
                                  '[count_inventory]\nhosts = 0\n')

        self.assertEqual('count_inventory', error.group)
        self.assertEqual('hosts', error.option)
        self.assertEqual('0', error.value)

    def test_plugin_option_reloaded(self):
        manager = self.start('[label_policy]\ntier = gold\n')

        with open(self.conf_path, 'a', encoding='utf-8') as stream:
            stream.write('[count_inventory]\nhosts = 4\n')
        self.conf.mutate_config_files()

        self.assertEqual(4, len(manager.store.hosts))

    def test_invalid_plugin_option_on_reload_rejected(self):
        manager = self.start('')

        with open(self.conf_path, 'a', encoding='utf-8') as stream:
            stream.write('[count_inventory]\nhosts = none\n')
        self.conf.mutate_config_files()

        self.assertEqual(2, len(manager.store.hosts))
        self.assertIn("Invalid value 'none' for option [count_inventory] "
                      "hosts", self.log.output)
