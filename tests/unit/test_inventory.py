"""Tests for the file, openb-csv and local inventory sources."""

import json
import os
import socket

import fixtures
import psutil

from sora import exception
from sora.inventory import file as file_inventory
from sora.inventory.local import LocalInventory
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base

CSV_HEADER = 'sn,cpu_milli,memory_mib,gpu,model\n'


class InventoryTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def _write(self, name, text):
        path = os.path.join(self.folder, name)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        return path

    def _write_json(self, hosts):
        return self._write('inventory.json', json.dumps({'hosts': hosts}))

    def _load(self, source, path):
        self.flags(group='inventory', source=source, path=path)
        return SchedulerManager(self.conf)


class FileInventoryTest(InventoryTestCase):

    def test_sample_ships_with_sora(self):
        manager = SchedulerManager(self.conf)
        with open(file_inventory.sample_path(), encoding='utf-8') as stream:
            expected = sorted(h['name'] for h in json.load(stream)['hosts'])
        self.assertEqual(expected, manager.store.hosts.names)
        self.assertEqual(8, len(expected))

    def test_reads_every_field(self):
        path = self._write_json([
            {'name': 'a', 'memory_mb': '2048', 'vcpus': 1.5, 'gpus': 2,
             'gpu_model': 'T4', 'zone': 'az1', 'labels': {'ssd': 'true'},
             'memory_mb_used': 48, 'enabled': False}])
        manager = self._load('file', path)
        self.assertEqual(
            Host('a', memory_mb=2048, vcpus_milli=1500, gpus=2,
                 gpu_model='T4', zone='az1', labels={'ssd': 'true'},
                 memory_mb_used=48, enabled=False),
            manager.store.hosts.to_host(0))

    def test_duplicate_names_name_both_places(self):
        path = self._write_json([{'name': 'h1'}, {'name': 'h2'},
                                 {'name': 'h1'}])
        self.flags(group='inventory', path=path)
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertEqual('name', error.field)
        self.assertEqual('h1', error.value)
        self.assertEqual('hosts[0] (h1) and hosts[2] (h1)', error.location)
        self.assertIn('appears twice', str(error))

    def test_bad_values_name_host_and_field(self):
        cases = [
            ('memory_mb', -1, 'must not be negative'),
            ('memory_mb', 'lots', 'expected a number'),
            ('memory_mb', 'NaN', 'finite'),
            ('memory_mb', '', 'empty value'),
            ('memory_mb', 10.5, 'fraction'),
            ('gpus', 1.5, 'fraction'),
            ('vcpus', -2, 'must not be negative'),
            ('disk_gb', None, 'expected a number'),
            ('enabled', 'sometimes', 'expected true or false'),
        ]
        for field, value, reason in cases:
            path = self._write_json([{'name': 'good'},
                                     {'name': 'bad', field: value}])
            self.flags(group='inventory', path=path)
            error = self.assertRaises(exception.InvalidInventory,
                                      SchedulerManager, self.conf)
            self.assertEqual(path, error.source)
            self.assertEqual('hosts[1] (bad)', error.location, field)
            self.assertEqual(field, error.field)
            self.assertIn(reason, error.reason, field)
            self.assertIn('bad', str(error))
            self.assertIn(field, str(error))

    def test_json_nan_rejected(self):
        # Python's json module accepts the NaN literal, so it must be
        # caught as a value.
        path = self._write('nan.json',
                           '{"hosts": [{"name": "a", "memory_mb": NaN}]}')
        self.flags(group='inventory', path=path)
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertEqual('memory_mb', error.field)

    def test_unreadable_files(self):
        cases = [
            (os.path.join(self.folder, 'missing.json'), 'cannot be read'),
            (self._write('broken.json', '{"hosts": [}'), 'not valid JSON'),
            (self._write('list.json', '[]'), 'expected an object with a'),
            (self._write('entry.json', '{"hosts": [3]}'),
             'expected an object'),
        ]
        for path, reason in cases:
            self.flags(group='inventory', path=path)
            error = self.assertRaises(exception.InvalidInventory,
                                      SchedulerManager, self.conf)
            self.assertIn(reason, str(error))

    def test_invalid_inventory_changes_nothing(self):
        good = self._write_json([{'name': 'a', 'memory_mb': 100,
                                  'vcpus': 1}])
        manager = self._load('file', good)
        claim = manager.select_destinations(RequestSpec(memory_mb=10))[0]

        self._write_json([{'name': 'a', 'memory_mb': 100, 'vcpus': 1},
                          {'name': 'b', 'memory_mb': -5}])
        self.assertRaises(exception.InvalidInventory, manager.load_inventory)

        self.assertEqual(['a'], manager.store.hosts.names)
        self.assertEqual([claim.claim], manager.store.claims())
        self.assertEqual(90, manager.store.hosts.memory_mb_free[0])


class OpenbCsvInventoryTest(InventoryTestCase):

    def test_reads_nodes(self):
        path = self._write('nodes.csv', CSV_HEADER +
                           'n1,32000,262144,0,\n'
                           'n2,96000,786432,8,G2\n')
        manager = self._load('openb-csv', path)
        table = manager.store.hosts
        self.assertEqual(['n1', 'n2'], table.names)
        self.assertEqual(Host('n2', vcpus_milli=96000, memory_mb=786432,
                              gpus=8, gpu_model='G2'), table.to_host(1))
        self.assertEqual(0, table.disk_gb_total[0])

    def test_bad_values_name_line_and_field(self):
        cases = [
            ('n2,-1,1024,0,', 'cpu_milli', 'must not be negative'),
            ('n2,abc,1024,0,', 'cpu_milli', 'expected a number'),
            ('n2,1000,nan,0,', 'memory_mib', 'finite'),
            ('n2,1000,,0,', 'memory_mib', 'empty value'),
            ('n2,1000,1024,1.5,T4', 'gpu', 'fraction'),
            (',1000,1024,0,', 'name', 'non-empty host name'),
        ]
        for row, field, reason in cases:
            path = self._write('nodes.csv', CSV_HEADER + 'n1,1000,1024,0,\n'
                               + row + '\n')
            self.flags(group='inventory', source='openb-csv', path=path)
            error = self.assertRaises(exception.InvalidInventory,
                                      SchedulerManager, self.conf)
            self.assertEqual('line 3', error.location, row)
            self.assertEqual(field, error.field, row)
            self.assertIn(reason, error.reason, row)
            self.assertIn('line 3', str(error))

    def test_duplicate_names_name_both_lines(self):
        path = self._write('nodes.csv', CSV_HEADER + 'n1,1000,1024,0,\n'
                           'n2,1000,1024,0,\nn1,2000,2048,0,\n')
        self.flags(group='inventory', source='openb-csv', path=path)
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertEqual('n1', error.value)
        self.assertEqual('line 2 (n1) and line 4 (n1)', error.location)

    def test_bad_header_and_rows(self):
        cases = [
            ('name,cpu,mem\n', 'expected the columns'),
            ('', 'expected the columns'),
            (CSV_HEADER + 'n1,1000,1024\n', 'expected 5 columns, got 3'),
        ]
        for text, reason in cases:
            path = self._write('nodes.csv', text)
            self.flags(group='inventory', source='openb-csv', path=path)
            error = self.assertRaises(exception.InvalidInventory,
                                      SchedulerManager, self.conf)
            self.assertIn(reason, str(error))

    def test_path_required(self):
        self.flags(group='inventory', source='openb-csv')
        error = self.assertRaises(exception.ConfigError, SchedulerManager,
                                  self.conf)
        self.assertEqual('path', error.option)
        self.assertIn('[inventory] path', str(error))

    def test_trace_node_list(self):
        path = self.shared_data_path('openb-2023',
                                     'openb_node_list_all_node.csv')
        manager = self._load('openb-csv', path)
        table = manager.store.hosts
        self.assertEqual(1523, len(table))
        self.assertIn('G2', table.gpu_models)


class LocalInventoryTest(base.TestCase):

    def test_reads_this_machine(self):
        located = LocalInventory(self.conf).read()

        self.assertEqual(1, len(located))
        host, location = located[0]
        self.assertEqual(socket.gethostname(), host.name)
        self.assertEqual('this machine', location)
        mib = 1024 * 1024
        self.assertEqual(psutil.virtual_memory().total // mib,
                         host.memory_mb)
        self.assertEqual(psutil.cpu_count(logical=True) * 1000,
                         host.vcpus_milli)
        self.assertEqual(psutil.disk_usage('/').total // (1024 * mib),
                         host.disk_gb)
        self.assertLessEqual(host.memory_mb_used, host.memory_mb)
        self.assertGreater(host.memory_mb, 0)

    def test_places_on_this_machine(self):
        self.flags(group='inventory', source='local')
        manager = SchedulerManager(self.conf)
        selection, = manager.select_destinations(RequestSpec(memory_mb=1))
        self.assertEqual(socket.gethostname(), selection.host)
