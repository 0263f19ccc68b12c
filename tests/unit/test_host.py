"""Tests for Host and Host.from_mapping."""

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler import units
from tests import base


class HostFromMappingTest(base.TestCase):

    def test_parses_text_numbers(self):
        host = Host.from_mapping({
            'name': 'h1', 'memory_mb': '10000', 'vcpus': '2.5',
            'disk_gb': 100, 'gpus': '2', 'gpu_model': 'T4', 'zone': 'az1',
            'labels': {'rack': 'r1', 'ssd': 'true'}, 'enabled': 'false',
            'memory_mb_used': '512', 'vcpus_used': 0.5, 'disk_gb_used': '1',
            'ram_allocation_ratio': '1.5'})

        self.assertEqual('h1', host.name)
        self.assertEqual(10000, host.memory_mb)
        self.assertEqual(2500, host.vcpus_milli)
        self.assertEqual(100, host.disk_gb)
        self.assertEqual(2, host.gpus)
        self.assertEqual('T4', host.gpu_model)
        self.assertEqual('az1', host.zone)
        self.assertEqual({'rack': 'r1', 'ssd': 'true'}, host.labels)
        self.assertFalse(host.enabled)
        self.assertEqual(512, host.memory_mb_used)
        self.assertEqual(500, host.vcpus_milli_used)
        self.assertEqual(1, host.disk_gb_used)
        self.assertEqual(1.5, host.ram_allocation_ratio)
        self.assertIsNone(host.cpu_allocation_ratio)

    def test_defaults(self):
        host = Host.from_mapping({'name': 'h1'})
        self.assertEqual(Host('h1'), host)
        self.assertTrue(host.enabled)
        self.assertEqual(0, host.memory_mb)

    def test_vcpus_milli_accepted(self):
        host = Host.from_mapping({'name': 'h1', 'vcpus_milli': '1500'})
        self.assertEqual(1500, host.vcpus_milli)

    def test_vcpus_and_vcpus_milli_together_rejected(self):
        error = self.assertRaises(units.FieldError, Host.from_mapping,
                                  {'name': 'h1', 'vcpus': 1,
                                   'vcpus_milli': 1000})
        self.assertEqual('vcpus', error.field)
        self.assertIn('not both', str(error))

    def test_unknown_field_rejected(self):
        error = self.assertRaises(units.FieldError, Host.from_mapping,
                                  {'name': 'h1', 'memroy_mb': 1024})
        self.assertEqual('memroy_mb', error.field)
        self.assertIn('unknown field', str(error))
        self.assertIn('memory_mb', str(error))

    def test_invalid_values_name_the_field(self):
        cases = [
            ('memory_mb', -1, 'must not be negative'),
            ('memory_mb', 'lots', 'expected a number'),
            ('memory_mb', float('nan'), 'finite'),
            ('memory_mb', '', 'empty value'),
            ('memory_mb', 1024.5, 'fraction'),
            ('disk_gb', '1.5', 'fraction'),
            ('gpus', '-2', 'must not be negative'),
            ('vcpus', 'four', 'expected a number'),
            ('vcpus_used', -1, 'must not be negative'),
            ('ram_allocation_ratio', -1.0, 'must not be negative'),
            ('enabled', 'perhaps', 'expected true or false'),
            ('labels', ['a'], 'expected a mapping'),
            ('labels', {'ssd': True}, 'must be text'),
            ('labels', {'rack': 7}, 'must be text'),
            ('zone', ['az1'], 'expected text'),
            ('gpu_model', 7, 'expected text'),
            ('memory_mb', 1e30, 'at most'),
            ('memory_mb', 10 ** 29, 'at most'),
            ('memory_mb', 9223372036854775807, 'at most'),
            ('memory_mb_used', 1e30, 'at most'),
            ('disk_gb', '1e30', 'at most'),
            ('vcpus', 1e30, 'at most'),
            ('vcpus_milli', 2 ** 48 + 1, 'at most'),
            ('gpus', 65, 'at most 64'),
            ('gpus', 1e30, 'at most 64'),
            ('cpu_allocation_ratio', 'nan', 'finite'),
            ('ram_allocation_ratio', 1e30, 'at most'),
            ('disk_allocation_ratio', float('inf'), 'finite'),
        ]
        for field, value, message in cases:
            error = self.assertRaises(units.FieldError, Host.from_mapping,
                                      {'name': 'h1', field: value})
            self.assertEqual(field, error.field, 'field %s' % field)
            self.assertIn(message, str(error), 'field %s' % field)

    def test_largest_amounts_accepted(self):
        host = Host.from_mapping({'name': 'h1', 'memory_mb': 2 ** 48,
                                  'gpus': 64, 'ram_allocation_ratio': 1000})
        self.assertEqual(2 ** 48, host.memory_mb)
        self.assertEqual(64, host.gpus)
        self.assertEqual(1000.0, host.ram_allocation_ratio)

    def test_missing_or_empty_name_rejected(self):
        for data in ({}, {'name': ''}, {'name': '  '}, {'name': 5}):
            error = self.assertRaises(units.FieldError, Host.from_mapping,
                                      data)
            self.assertEqual('name', error.field)


class HostTest(base.TestCase):

    def test_rejects_non_integer_amounts(self):
        for field, value in (('memory_mb', 1.5), ('vcpus_milli', '1000'),
                             ('disk_gb', True), ('gpus', -1)):
            error = self.assertRaises(units.FieldError, Host, 'h1',
                                      **{field: value})
            self.assertEqual(field, error.field)

    def test_rejects_non_text_labels(self):
        error = self.assertRaises(units.FieldError, Host, 'h1',
                                  labels={'rack': 1})
        self.assertEqual('labels', error.field)

    def test_rejects_amounts_above_the_maximum(self):
        for field, value in (('memory_mb', 2 ** 48 + 1),
                             ('vcpus_milli_used', 10 ** 30),
                             ('gpus', 1000000)):
            error = self.assertRaises(units.FieldError, Host, 'h1',
                                      **{field: value})
            self.assertEqual(field, error.field)
            self.assertIn('at most', str(error))

    def test_rejects_ratios_above_the_maximum(self):
        for value in (1000.5, 1e18, float('nan'), float('inf'), '2'):
            error = self.assertRaises(units.FieldError, Host, 'h1',
                                      cpu_allocation_ratio=value)
            self.assertEqual('cpu_allocation_ratio', error.field)

    def test_rejects_bad_names(self):
        for name in ('a\nb', 'tab\there', ' h1', 'h1 ', 'h' * 256, 'x\x00'):
            error = self.assertRaises(units.FieldError, Host, name)
            self.assertEqual('name', error.field, repr(name))

    def test_non_text_name_shows_type(self):
        for name, kind in ((123, 'a number'), (b'h1', 'bytes')):
            error = self.assertRaises(units.FieldError, Host, name)
            self.assertEqual('name', error.field)
            self.assertEqual(name, error.value)
            self.assertIn('must be text, not %s' % kind, str(error))

    def test_names_are_case_sensitive(self):
        self.assertNotEqual(Host('Node1'), Host('node1'))
        self.assertEqual('h' * 255, Host('h' * 255).name)

    def test_field_error_is_a_sora_exception(self):
        error = self.assertRaises(exception.SoraException, Host, 'h1',
                                  memory_mb=-1)
        self.assertIsInstance(error, ValueError)
        self.assertIsInstance(error, exception.InvalidValue)
