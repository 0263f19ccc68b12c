"""Text fields of inventory hosts: zone, GPU model and labels.

These fields are matched exactly against requests, so a control character
or, in JSON, padding in one is a mistake in the file that would make the
host silently miss every request for that zone, model or label.
"""

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler import units
from tests.unit import test_inventory
from tests.unit import test_inventory_input

CONTROL_TEXT = test_inventory_input.CONTROL_TEXT
CSV_HEADER = test_inventory.CSV_HEADER


class HostTextFieldTest(test_inventory_input.InputFilesTestCase):

    def test_control_characters_rejected_by_host(self):
        cases = [
            ('zone', {'zone': CONTROL_TEXT}),
            ('gpu_model', {'gpu_model': 'A100\x1b[31m'}),
            ('labels', {'labels': {'rack': 'r1\n'}}),
            ('labels', {'labels': {'ra\x00ck': 'r1'}}),
            ('labels', {'labels': {'rack': '\u202er1'}}),
        ]
        for field, fields in cases:
            error = self.assertRaises(units.FieldError, Host, 'h1', **fields)
            self.assertEqual(field, error.field, fields)
            self.assertIn('remove the control characters or line breaks',
                          str(error))
            self.assert_escaped(str(error))

    def test_control_characters_in_json_file_rejected(self):
        cases = [
            ('zone', {'zone': CONTROL_TEXT}),
            ('gpu_model', {'gpu_model': 'A100\x1b[31m'}),
            ('labels', {'labels': {'rack': 'r1\n'}}),
        ]
        for field, fields in cases:
            path = self._write_json([{'name': 'h0'},
                                     dict({'name': 'h1'}, **fields)])

            error = self.assertRaises(exception.InvalidInventory, self._load,
                                      'file', path)

            self.assertEqual(field, error.field)
            self.assertEqual(path, error.source)
            self.assertEqual('hosts[1] (h1)', error.location)
            self.assertIn('remove the control characters', str(error))
            self.assert_escaped(str(error))

    def test_control_characters_in_openb_model_rejected(self):
        path = self._write('nodes.csv', CSV_HEADER + 'n1,1000,100,0,\n'
                           'n2,1000,100,1,"V100\x1b[31m"\n')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'openb-csv', path)

        self.assertEqual('model', error.field)
        self.assertEqual('line 3', error.location)
        self.assertIn(path, str(error))
        self.assertIn('remove the control characters', str(error))
        self.assert_escaped(str(error))

    def test_openb_error_names_csv_column(self):
        path = self._write('nodes.csv', CSV_HEADER + 'n\x1b1,1000,100,0,\n')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'openb-csv', path)

        self.assertEqual('sn', error.field)
        self.assertEqual('line 2', error.location)

    def test_printable_text_accepted(self):
        host = Host('h1', zone='az 1', gpu_model='NVIDIA A100-SXM4',
                    labels={'rack': 'r1 (east)', 'é': 'ü'})
        self.assertEqual('az 1', host.zone)
        self.assertEqual({'rack': 'r1 (east)', 'é': 'ü'}, host.labels)


class PaddedTextTest(test_inventory_input.InputFilesTestCase):
    """Whitespace around names: trimmed in a CSV, rejected in JSON."""

    def test_json_padding_rejected(self):
        cases = [
            ('name', {'name': 'h1 '}),
            ('zone', {'name': 'h1', 'zone': ' az1'}),
            ('gpu_model', {'name': 'h1', 'gpu_model': 'A100 '}),
            ('labels', {'name': 'h1', 'labels': {'rack ': 'r1'}}),
            ('labels', {'name': 'h1', 'labels': {'rack': ' r1'}}),
        ]
        for field, host in cases:
            path = self._write_json([host])

            error = self.assertRaises(exception.InvalidInventory, self._load,
                                      'file', path)

            self.assertEqual(field, error.field, host)
            self.assertIn('remove the leading or trailing whitespace',
                          str(error))

    def test_inner_spaces_kept(self):
        path = self._write_json([{'name': 'h1', 'zone': 'az 1',
                                  'labels': {'room': 'b 2'}}])

        manager = self._load('file', path)

        host = manager.store.hosts.to_host(0)
        self.assertEqual('az 1', host.zone)
        self.assertEqual({'room': 'b 2'}, host.labels)

    def test_csv_padding_trimmed(self):
        path = self._write('nodes.csv',
                           ' sn , cpu_milli ,memory_mib,gpu,model\n'
                           ' n1 , 1000 , 100 , 1 , V100 \n'
                           '"n2  ",2000,200,0,\n')

        manager = self._load('openb-csv', path)

        table = manager.store.hosts
        self.assertEqual(['n1', 'n2'], table.names)
        first = table.to_host(0)
        self.assertEqual('V100', first.gpu_model)
        self.assertEqual(1000, first.vcpus_milli)

    def test_csv_blank_name_rejected(self):
        path = self._write('nodes.csv', CSV_HEADER + '   ,1000,100,0,\n')

        error = self.assertRaises(exception.InvalidInventory, self._load,
                                  'openb-csv', path)

        self.assertEqual('sn', error.field)
        self.assertIn('non-empty host name', str(error))
