"""Reading a changed inventory file again on reload."""

import json
import os

import fixtures

from sora.inventory.merge import merge_inventory
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base


def hosts(*specs):
    return [Host(name, memory_mb=memory, vcpus_milli=8000)
            for name, memory in specs]


class MergeInventoryTest(base.TestCase):
    """The three-way merge of old source, new source and current state."""

    def test_merge_cases(self):
        previous = hosts(('kept', 1024), ('changed', 1024), ('gone', 1024),
                         ('api-removed', 1024))
        current = hosts(('kept', 1024), ('changed', 2048), ('new', 1024),
                        ('api-removed', 1024))
        state = {h.name: h for h in hosts(
            ('kept', 1024), ('changed', 1024), ('gone', 1024),
            ('api-added', 512))}
        # The API disabled "kept"; the file did not change it.
        state['kept'] = Host('kept', memory_mb=1024, vcpus_milli=8000,
                             enabled=False)

        change = merge_inventory(previous, current, state)

        merged = {h.name: h for h in change.hosts}
        self.assertEqual(['api-added', 'changed', 'kept', 'new'],
                         sorted(merged))
        self.assertFalse(merged['kept'].enabled)
        self.assertEqual(2048, merged['changed'].memory_mb)
        self.assertEqual(['new'], change.added)
        self.assertEqual(['gone'], change.removed)
        self.assertEqual(['changed'], change.updated)

    def test_unchanged_source_is_no_change(self):
        listed = hosts(('a', 1024), ('b', 1024))

        change = merge_inventory(listed, list(reversed(listed)),
                                 {h.name: h for h in listed})

        self.assertFalse(change)


class InventoryReloadTest(base.TestCase):

    def setUp(self):
        super().setUp()
        tempdir = self.useFixture(fixtures.TempDir()).path
        self.inventory = os.path.join(tempdir, 'hosts.json')
        self.log = self.useFixture(fixtures.FakeLogger(name='sora'))
        self.write_inventory([
            {'name': 'a', 'memory_mb': 8192, 'vcpus': 4},
            {'name': 'b', 'memory_mb': 4096, 'vcpus': 4},
        ])
        self.conf([])
        self.flags(group='inventory', source='file', path=self.inventory)
        self.manager = SchedulerManager(self.conf)

    def write_inventory(self, entries):
        with open(self.inventory, 'w', encoding='utf-8') as stream:
            json.dump({'hosts': entries}, stream)

    def names(self):
        return list(self.manager.store.hosts.names)

    def test_changed_file_applied_on_mutate(self):
        on_a = self.manager.claim('a', RequestSpec(memory_mb=1024))
        on_b = self.manager.claim('b', RequestSpec(memory_mb=4096))

        self.write_inventory([
            {'name': 'a', 'memory_mb': 16384, 'vcpus': 4},
            {'name': 'c', 'memory_mb': 2048, 'vcpus': 2},
        ])
        self.conf.mutate_config_files()

        self.assertEqual(['a', 'c'], self.names())
        claims = self.manager.store.claims()
        self.assertEqual([on_a.claim_id], [c.claim_id for c in claims])
        table = self.manager.store.hosts
        # 16384 MiB on a, minus the 1024 MiB claim that was kept.
        self.assertEqual(15360, table.memory_mb_free[table.row('a')])
        self.assertIn('1 hosts added, 1 removed, 1 updated',
                      self.log.output)
        self.assertIn('Dropped claim %s: host b left the inventory'
                      % on_b.claim_id, self.log.output)

    def test_invalid_file_keeps_old_hosts(self):
        with open(self.inventory, 'w', encoding='utf-8') as stream:
            stream.write('{"hosts": [{"name": "a", "memory_mb": -1}]}')
        self.conf.mutate_config_files()

        self.assertEqual(['a', 'b'], self.names())
        self.assertIn('Rejected the new configuration', self.log.output)
        self.assertIn('memory_mb', self.log.output)
        [selection] = self.manager.select_destinations(
            RequestSpec(memory_mb=1024))
        self.assertEqual('a', selection.host)

    def test_duplicate_host_rejects_whole_file(self):
        self.write_inventory([
            {'name': 'a', 'memory_mb': 8192, 'vcpus': 4},
            {'name': 'c', 'memory_mb': 8192, 'vcpus': 4},
            {'name': 'c', 'memory_mb': 8192, 'vcpus': 4},
        ])
        self.conf.mutate_config_files()

        self.assertEqual(['a', 'b'], self.names())
        self.assertIn("'c'", self.log.output)
        self.assertIn('both name host', self.log.output)

    def test_bad_inventory_blocks_policy_change(self):
        # A reload is all or nothing: the valid new policy waits until the
        # inventory is fixed.
        self.flags(group='scheduler', driver='random')
        with open(self.inventory, 'w', encoding='utf-8') as stream:
            stream.write('not json')
        self.conf.mutate_config_files()

        self.assertEqual('memory', self.manager.driver_name)
        self.assertIn('not valid JSON', self.log.output)

    def test_unchanged_file_keeps_reports(self):
        self.manager.report_usage('b', memory_mb_used=1024, at=1000.0)

        self.conf.mutate_config_files()

        table = self.manager.store.hosts
        row = table.row('b')
        self.assertEqual(1000.0, table.last_report[row])
        self.assertEqual(1024, table.memory_mb_external[row])

    def test_changed_file_keeps_report_time(self):
        self.manager.report_usage('a', at=1000.0)

        self.write_inventory([
            {'name': 'a', 'memory_mb': 16384, 'vcpus': 4},
        ])
        self.conf.mutate_config_files()

        table = self.manager.store.hosts
        self.assertEqual(1000.0, table.last_report[table.row('a')])

    def test_api_hosts_survive_reload(self):
        self.manager.add_host(Host('api-1', memory_mb=1024,
                                   vcpus_milli=1000))
        self.write_inventory([
            {'name': 'a', 'memory_mb': 8192, 'vcpus': 4},
        ])

        self.conf.mutate_config_files()

        self.assertEqual(['a', 'api-1'], self.names())

    def test_hosts_set_by_caller_not_reread(self):
        self.conf([])
        manager = SchedulerManager(self.conf, load_inventory=False)
        manager.set_hosts(hosts(('x', 1024)))

        manager.reload()

        self.assertEqual(['x'], list(manager.store.hosts.names))
