"""Tests for Host and Host.from_mapping."""

from sora.scheduler.host import Host
from sora.scheduler import units
from tests import base


class HostFromMappingTest(base.TestCase):

    def test_parses_text_numbers(self):
        host = Host.from_mapping({
            'name': 'h1', 'memory_mb': '10000', 'vcpus': '2.5',
            'disk_gb': 100, 'gpus': '2', 'gpu_model': 'T4', 'zone': 'az1',
            'labels': {'rack': 'r1', 'ssd': True}, 'enabled': 'false',
            'memory_mb_used': '512', 'vcpus_used': 0.5, 'disk_gb_used': '1',
            'ram_allocation_ratio': '1.5'})

        self.assertEqual('h1', host.name)
        self.assertEqual(10000, host.memory_mb)
        self.assertEqual(2500, host.vcpus_milli)
        self.assertEqual(100, host.disk_gb)
        self.assertEqual(2, host.gpus)
        self.assertEqual('T4', host.gpu_model)
        self.assertEqual('az1', host.zone)
        # Label values are kept as text.
        self.assertEqual({'rack': 'r1', 'ssd': 'True'}, host.labels)
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
        ]
        for field, value, message in cases:
            error = self.assertRaises(units.FieldError, Host.from_mapping,
                                      {'name': 'h1', field: value})
            self.assertEqual(field, error.field, 'field %s' % field)
            self.assertIn(message, str(error), 'field %s' % field)

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
