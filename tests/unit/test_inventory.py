"""Tests for the file, openb-csv and local inventory sources."""

import json
import logging
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
        self.assertEqual('hosts[0] and hosts[2]', error.location)
        self.assertEqual("Invalid inventory %s: hosts[0] and hosts[2] both "
                         "name host 'h1'; every host needs a unique name"
                         % path, str(error))

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
            ('memory_mb', 1e30, 'at most 281474976710656'),
            ('memory_mb', 100000000000000000000000000000, 'at most'),
            ('memory_mb', 9223372036854775807, 'at most'),
            ('vcpus', 1e30, 'at most'),
            ('memory_mb_used', 1e30, 'at most'),
            ('gpus', 1000000, 'at most 64'),
            ('gpus', 1e30, 'at most 64'),
            ('ram_allocation_ratio', 1e18, 'at most 1000'),
            ('zone', ['az1'], 'expected text'),
            ('gpu_model', 7, 'expected text'),
            ('labels', {'rack': 1}, 'must be text'),
            ('labels', {'ssd': True}, 'must be text'),
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

    def test_file_errors_read_naturally(self):
        missing = os.path.join(self.folder, 'missing.json')
        cases = [
            (missing, 'Invalid inventory %s: cannot be read (No such file or '
             'directory); check [inventory] path' % missing),
            (self._write('list.json', '[]'), 'Invalid inventory %s: expected '
             'an object with a "hosts" list at the top level, found an '
             'array'),
            (self._write('dict.json', '{"hosts": {}}'), 'Invalid inventory '
             '%s: expected an object with a "hosts" list at the top level, '
             'found an object without a "hosts" list'),
            (self._write('extra.json', '{"hosts": [], "extra": 1}'),
             "Invalid inventory %s: unknown top-level key 'extra'; the file "
             'may only contain "hosts"'),
            (self._write('broken.json', '{"hosts": [}'), 'Invalid inventory '
             '%s at line 1 column 12: not valid JSON: Expecting value; fix '
             'the syntax there'),
        ]
        for path, expected in cases:
            self.flags(group='inventory', path=path)
            error = self.assertRaises(exception.InvalidInventory,
                                      SchedulerManager, self.conf)
            if '%s' in expected:
                expected %= path
            self.assertEqual(expected, str(error))

    def test_relative_path_shown_absolute(self):
        self._write('extra.json', '{"hosts": [], "extra": 1}')
        self.addCleanup(os.chdir, os.getcwd())
        os.chdir(self.folder)
        self.flags(group='inventory', path='extra.json')
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertEqual(os.path.join(os.path.realpath(self.folder),
                                      'extra.json'),
                         os.path.realpath(error.source))
        self.assertTrue(os.path.isabs(error.source))

    def test_non_utf8_file_rejected(self):
        path = os.path.join(self.folder, 'latin.json')
        with open(path, 'wb') as stream:
            stream.write(b'\xff\xfe{"hosts": []}')
        self.flags(group='inventory', path=path)
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertIn('not UTF-8 text', str(error))
        self.assertIn('byte 0', str(error))

    def test_byte_order_mark_accepted(self):
        path = os.path.join(self.folder, 'bom.json')
        with open(path, 'wb') as stream:
            stream.write(b'\xef\xbb\xbf{"hosts": [{"name": "a"}]}')
        self.assertEqual(['a'], self._load('file', path).store.hosts.names)

    def test_huge_integer_literal_rejected(self):
        path = self._write('huge.json', '{"hosts": [{"name": "a", '
                           '"memory_mb": %s}]}' % ('9' * 5000))
        self.flags(group='inventory', path=path)
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertIn('not valid JSON', str(error))

    def test_empty_path_rejected(self):
        for path in ('', '  '):
            self.flags(group='inventory', path=path)
            error = self.assertRaises(exception.ConfigError,
                                      SchedulerManager, self.conf)
            self.assertEqual('path', error.option)
            self.assertIn('remove the option to use the sample inventory',
                          str(error))

    def test_load_logged_with_path(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.INFO, format='%(message)s'))
        SchedulerManager(self.conf)
        self.assertIn('Read 8 hosts from inventory source file (sample '
                      'inventory %s)' % file_inventory.sample_path(),
                      logs.output)

        path = self._write_json([{'name': 'a'}])
        self._load('file', path)
        self.assertIn('Read 1 hosts from inventory source file (%s)' % path,
                      logs.output)

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

    def test_numeric_host_name_named_with_value(self):
        for name, kind in ((123, 'a number'), (1.5, 'a number'),
                           (True, 'a boolean'), (['a'], 'a list'),
                           ({'a': 1}, 'an object')):
            path = self._write_json([{'name': 'good'}, {'name': name}])
            error = self.assertRaises(exception.InvalidInventory,
                                      self._load, 'file', path)
            self.assertEqual('hosts[1]', error.location, name)
            self.assertEqual('name', error.field, name)
            self.assertEqual(name, error.value)
            self.assertIn('a host name must be text, not %s; quote it'
                          % kind, str(error))
            self.assertIn('name=%r' % (name,), str(error))

    def test_repeated_key_rejected(self):
        path = self._write('inventory.json',
                           '{"hosts": [{"name": "a", "memory_mb": 1024, '
                           '"memory_mb": 2048}]}')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assertEqual('memory_mb', error.field)
        self.assertEqual([1024, 2048], error.value)
        self.assertIn('appears more than once', str(error))

    def test_repeated_top_level_key_rejected(self):
        path = self._write('inventory.json',
                           '{"hosts": [{"name": "a"}], "hosts": []}')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assertEqual('hosts', error.field)


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
            (',1000,1024,0,', 'sn', 'non-empty host name'),
            ('n2,1000,1e30,0,', 'memory_mib', 'at most'),
            ('n2,1e30,1024,0,', 'cpu_milli', 'at most'),
            ('n2,1000,1024,1000000,', 'gpu', 'at most 64'),
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

    def test_repeated_column_named(self):
        path = self._write('nodes.csv', 'sn,cpu_milli,memory_mib,gpu,gpu\n'
                           'n1,1000,1024,0,0\n')
        self.flags(group='inventory', source='openb-csv', path=path)

        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)

        self.assertEqual('header', error.field)
        self.assertIn('the column gpu appears more than once',
                      error.reason)

    def test_duplicate_names_name_both_lines(self):
        path = self._write('nodes.csv', CSV_HEADER + 'n1,1000,1024,0,\n'
                           'n2,1000,1024,0,\nn1,2000,2048,0,\n')
        self.flags(group='inventory', source='openb-csv', path=path)
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertEqual('n1', error.value)
        self.assertEqual('line 2 and line 4', error.location)
        self.assertIn("line 2 and line 4 both name host 'n1'", str(error))

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

    def test_non_utf8_file_rejected(self):
        path = os.path.join(self.folder, 'nodes.csv')
        with open(path, 'wb') as stream:
            stream.write(CSV_HEADER.encode() + b'n\xff1,1000,1024,0,\n')
        self.flags(group='inventory', source='openb-csv', path=path)
        error = self.assertRaises(exception.InvalidInventory,
                                  SchedulerManager, self.conf)
        self.assertIn('not UTF-8 text', str(error))

    def test_empty_path_rejected(self):
        self.flags(group='inventory', source='openb-csv', path='')
        error = self.assertRaises(exception.ConfigError, SchedulerManager,
                                  self.conf)
        self.assertEqual('path', error.option)
        self.assertIn('the path is empty', str(error))

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

    def test_path_ignored_with_warning(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora.inventory.local', level=logging.WARNING))
        self.flags(group='inventory', source='local', path='/tmp/hosts.json')

        manager = SchedulerManager(self.conf)

        self.assertEqual([socket.gethostname()], manager.store.hosts.names)
        self.assertIn('[inventory] path /tmp/hosts.json is ignored',
                      logs.output)

    def test_places_on_this_machine(self):
        self.flags(group='inventory', source='local')
        manager = SchedulerManager(self.conf)
        selection, = manager.select_destinations(RequestSpec(memory_mb=1))
        self.assertEqual(socket.gethostname(), selection.host)
