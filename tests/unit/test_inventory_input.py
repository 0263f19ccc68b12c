"""Inventory and trace files with hostile or malformed text."""

import json

from sora import exception
from sora.replay import trace_reader
from sora.scheduler.request import RequestSpec
from sora.state.etcd import records
from tests.unit import test_inventory

# Text that must never reach a terminal raw: a line break, an ANSI colour
# escape, a NUL and U+202E (right-to-left override), which reverses how
# the rest of a line is displayed.
CONTROL_TEXT = 'a\nb\x1b[31mRED\x00\u202e'
RAW_CHARACTERS = ('\n', '\x1b', '\x00', '\u202e')

TRACE_HEADER = ('arrival,departure,memory_mb,vcpus,disk_gb,gpus,gpu_milli,'
                'gpu_models,name\n')


class InputFilesTestCase(test_inventory.InventoryTestCase):

    def assert_escaped(self, message):
        for character in RAW_CHARACTERS:
            self.assertNotIn(character, message)


class ControlCharactersTest(InputFilesTestCase):

    def test_host_name_escaped_in_location(self):
        path = self._write('inventory.json', json.dumps(
            {'hosts': [{'name': CONTROL_TEXT, 'memory_mb': 'lots'}]}))

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assert_escaped(str(error))
        self.assertIn('at hosts[0] (%r)' % CONTROL_TEXT, str(error))

    def test_long_host_name_shortened_in_location(self):
        name = 'n' * 255
        path = self._write('inventory.json', json.dumps(
            {'hosts': [{'name': name, 'memory_mb': 'lots'}]}))

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assertNotIn(name, str(error))
        self.assertIn('(255 characters)', str(error))

    def test_duplicate_long_names_named_once(self):
        name = 'n' * 255
        path = self._write('inventory.json', json.dumps(
            {'hosts': [{'name': name}, {'name': name}]}))

        error = self.assertRaises(exception.DuplicateHost, self._load,
                                  'file', path)

        self.assertEqual('hosts[0] and hosts[1]', error.location)

    def test_path_escaped(self):
        path = self._write('in\x1b[31mventory\n.json', '{')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assert_escaped(str(error))

    def test_trace_path_escaped(self):
        path = self._write('tr\x1b[31mace\n.csv', 'no,known,columns\n')

        error = self.assertRaises(exception.InvalidTrace,
                                  trace_reader.read_trace, path)

        self.assert_escaped(str(error))

    def test_trace_name_with_control_characters_rejected(self):
        for name in ('a\x1b[31mb', 'a\x00b', 'a\u202eb'):
            row = '0,,1,1,0,0,,,%s\n' % name
            path = self._write('trace.csv', TRACE_HEADER + row)

            error = self.assertRaises(exception.InvalidTrace,
                                      trace_reader.read_trace, path)

            self.assertEqual('name', error.field, repr(name))
            self.assertEqual(2, error.line)
            self.assert_escaped(str(error))


class DeepNestingTest(InputFilesTestCase):
    """JSON nested deeper than Python's recursion limit is invalid input."""

    def test_deep_inventory_at_startup(self):
        path = self._write('inventory.json', '[' * 100000)

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assertTrue(str(error).startswith('Invalid inventory %s: '
                                              % path), str(error))
        self.assertIn('nested deeper', str(error))
        self.assertNotIn('\n', str(error))

    def test_deep_objects_at_startup(self):
        path = self._write('inventory.json',
                           '{"hosts": [' + '{"a": ' * 100000)

        self.assertRaises(exception.InvalidInventory, self._load, 'file',
                          path)

    def test_deep_inventory_on_reload_and_load(self):
        path = self._write('inventory.json',
                           json.dumps({'hosts': [{'name': 'h1'}]}))
        manager = self._load('file', path)
        self._write('inventory.json', '[' * 100000)

        self.assertRaises(exception.InvalidInventory, manager.reload)
        self.assertRaises(exception.InvalidInventory,
                          manager.load_inventory)
        self.assertEqual(['h1'], list(manager.store.hosts.names))

    def test_deep_etcd_record(self):
        error = self.assertRaises(exception.InvalidInventory,
                                  records.decode_host, 'sora/hosts/h1',
                                  b'[' * 100000)

        self.assertIn('nested deeper', str(error))


class EchoedTextTest(InputFilesTestCase):

    def test_short_openb_row_shown_as_text(self):
        path = self._write('nodes.csv', 'sn,cpu_milli,memory_mib,gpu,model\n'
                           'n1,1000,100,1\n')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'openb-csv', path)

        self.assertIn("at line 2, 'n1,1000,100,1': expected 5 columns, "
                      "got 4", str(error))
        self.assertNotIn('[', str(error))

    def test_long_openb_row_shortened(self):
        row = 'n1,' + 'x' * 5000
        path = self._write('nodes.csv', 'sn,cpu_milli,memory_mib,gpu,model\n'
                           + row + '\n')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'openb-csv', path)

        self.assertLess(len(str(error)), 400, str(error)[:500])
        self.assertIn('(5003 characters)', str(error))

    def test_long_unknown_host_key_shortened(self):
        key = 'k' * 5000
        path = self._write('inventory.json', json.dumps(
            {'hosts': [{'name': 'h1', key: 1}]}))

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assertNotIn(key, str(error))
        self.assertIn('(5000 characters)', str(error))

    def test_long_unknown_request_keyword_shortened(self):
        keyword = 'x' * 5000

        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build, **{keyword: 1})

        self.assertEqual(keyword, error.field)
        self.assertNotIn(keyword, str(error))
        self.assertIn('(5000 characters)', str(error))
        self.assertLess(len(str(error)), 1000, str(error)[:1000])


class EmptyNamesTest(InputFilesTestCase):
    """An empty group, label key or GPU model is rejected everywhere."""

    def test_request_empty_group_rejected(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build, group='')

        self.assertEqual('group', error.field)

    def test_request_empty_label_key_rejected(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build,
                                  required_labels={'': 'b'})

        self.assertEqual('required_labels', error.field)
        self.assertIn('a label key must not be empty', str(error))

    def test_request_empty_gpu_model_rejected(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build, gpus=1,
                                  gpu_models=['T4', ''])

        self.assertEqual('gpu_models', error.field)

    def test_request_empty_zone_means_no_zone(self):
        self.assertEqual('', RequestSpec.build(
            availability_zone='').availability_zone)

    def test_inventory_empty_label_key_rejected(self):
        path = self._write('inventory.json', json.dumps(
            {'hosts': [{'name': 'h1', 'labels': {'': 'b'}}]}))

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'file', path)

        self.assertEqual('labels', error.field)
        self.assertIn('a label key must not be empty', str(error))

    def test_trace_empty_gpu_model_rejected(self):
        for models in ('|', 'T4||P100', 'T4|', '| T4'):
            path = self._write('trace.csv', TRACE_HEADER
                               + '0,,1,1,0,1,,%s,w1\n' % models)

            error = self.assertRaises(exception.InvalidTrace,
                                      trace_reader.read_trace, path)

            self.assertEqual('gpu_models', error.field, models)
            self.assertIn('a GPU model name is empty', str(error))

    def test_openb_trace_empty_gpu_spec_rejected(self):
        path = self._write('pods.csv', 'name,cpu_milli,memory_mib,num_gpu,'
                           'gpu_milli,gpu_spec\np1,1000,100,1,1000,T4||\n')

        error = self.assertRaises(exception.InvalidTrace,
                                  trace_reader.read_trace, path)

        self.assertEqual('gpu_spec', error.field)
