"""Tests for the number parsers in sora.scheduler.units."""

import decimal

from sora.scheduler import units
from tests import base


class ParseCountTest(base.TestCase):

    def test_accepts_numbers_and_text(self):
        cases = [
            (0, 0),
            (10000, 10000),
            ('10000', 10000),
            (' 9000 ', 9000),
            # A float or text with a zero fraction is still a whole number.
            (1000.0, 1000),
            ('1e3', 1000),
            (decimal.Decimal('7'), 7),
            ('007', 7),
            ('+5', 5),
            ('1_000', 1000),
            ('\u0661\u0662', 12),
        ]
        for value, expected in cases:
            self.assertEqual(expected, units.parse_count('memory_mb', value),
                             'value %r' % (value,))
            self.assertIs(int, type(units.parse_count('memory_mb', value)),
                          'value %r' % (value,))

    def test_plain_digits_match_decimal(self):
        # Plain ints and short digit strings skip the Decimal parse; the
        # result must be what the Decimal path returns.
        for text in ('0', '1', '42', ' 12 ', '\t8\n', str(units.MAX_AMOUNT),
                     '0' * 30 + '5'):
            self.assertEqual(int(decimal.Decimal(text.strip())),
                             units.parse_count('memory_mb', text), repr(text))
        self.assertEqual(units.MAX_AMOUNT,
                         units.parse_count('memory_mb', units.MAX_AMOUNT))

    def test_plain_digits_above_maximum(self):
        cases = [str(units.MAX_AMOUNT + 1), units.MAX_AMOUNT + 1,
                 '9' * 17, '9' * 30, '9' * 5000, 2 ** 70]
        for value in cases:
            error = self.assertRaises(units.FieldError, units.parse_count,
                                      'memory_mb', value)
            self.assertIn('must be at most', str(error))
        error = self.assertRaises(units.FieldError, units.parse_count,
                                  'gpus', '65', units.MAX_GPUS)
        self.assertIn('must be at most 64', str(error))

    def test_text_compares_as_number(self):
        # As text, "9000" sorts after "10000"; as numbers it is smaller.
        self.assertGreater(units.parse_count('m', '10000'),
                           units.parse_count('m', '9000'))

    def test_rejects_invalid_values(self):
        cases = [
            (-1, 'must not be negative'),
            ('-5', 'must not be negative'),
            ('abc', 'expected a number'),
            ('', 'empty value'),
            ('   ', 'empty value'),
            (None, 'expected a number'),
            (True, 'expected a number'),
            (float('nan'), 'finite'),
            ('NaN', 'finite'),
            (float('inf'), 'finite'),
            ('Infinity', 'finite'),
            (1.5, 'fraction'),
            ('2.25', 'fraction'),
            ([1], 'expected a number'),
        ]
        for value, message in cases:
            error = self.assertRaises(units.FieldError, units.parse_count,
                                      'memory_mb', value)
            self.assertEqual('memory_mb', error.field)
            self.assertIs(value, error.value)
            self.assertIn(message, str(error), 'value %r' % (value,))
            self.assertIn('memory_mb', str(error))

    def test_field_error_is_value_error(self):
        self.assertTrue(issubclass(units.FieldError, ValueError))


class ParseMilliTest(base.TestCase):

    def test_keeps_thousandths_exact(self):
        cases = [
            (0, 0),
            (1, 1000),
            ('0.5', 500),
            (0.25, 250),
            ('1.001', 1001),
            # 0.1 + 0.2 as a float is 0.30000000000000004; text keeps it exact.
            ('0.3', 300),
            ('16', 16000),
        ]
        for value, expected in cases:
            self.assertEqual(expected, units.parse_milli('vcpus', value),
                             'value %r' % (value,))

    def test_rejects_invalid_values(self):
        cases = [
            ('0.0001', 'three decimal places'),
            (-0.5, 'must not be negative'),
            ('x', 'expected a number'),
            ('', 'empty value'),
            (float('nan'), 'finite'),
        ]
        for value, message in cases:
            error = self.assertRaises(units.FieldError, units.parse_milli,
                                      'vcpus', value)
            self.assertEqual('vcpus', error.field)
            self.assertIn(message, str(error), 'value %r' % (value,))


class ParseRatioTest(base.TestCase):

    def test_accepts_fractions(self):
        self.assertEqual(1.5, units.parse_ratio('ram_allocation_ratio',
                                                '1.5'))
        self.assertEqual(0.0, units.parse_ratio('ram_allocation_ratio', 0))

    def test_rejects_negative_and_nan(self):
        for value in (-1, '-0.5', float('nan'), 'nan', ''):
            self.assertRaises(units.FieldError, units.parse_ratio,
                              'ram_allocation_ratio', value)


class ParseBoolTest(base.TestCase):

    def test_accepts_words(self):
        for value in (True, 'true', 'Yes', '1', 'on', ' TRUE '):
            self.assertIs(True, units.parse_bool('enabled', value))
        for value in (False, 'false', 'No', '0', 'off'):
            self.assertIs(False, units.parse_bool('enabled', value))

    def test_accepts_one_and_zero(self):
        self.assertIs(True, units.parse_bool('enabled', 1))
        self.assertIs(False, units.parse_bool('enabled', 0))

    def test_rejects_other_integers(self):
        for value in (2, -1, 10 ** 5000):
            error = self.assertRaises(units.FieldError, units.parse_bool,
                                      'enabled', value)
            self.assertIn('expected true or false', str(error))

    def test_rejects_other_text(self):
        error = self.assertRaises(units.FieldError, units.parse_bool,
                                  'enabled', 'maybe')
        self.assertEqual('enabled', error.field)
        self.assertIn('expected true or false', str(error))


class MaximumTest(base.TestCase):

    def test_count_above_the_maximum_rejected(self):
        for value in (2 ** 48 + 1, 10 ** 30, 1e30, '1e30',
                      '100000000000000000000000000000'):
            error = self.assertRaises(units.FieldError, units.parse_count,
                                      'memory_mb', value)
            self.assertEqual('memory_mb', error.field)
            self.assertIn('at most %d' % units.MAX_AMOUNT, str(error))
        self.assertEqual(2 ** 48, units.parse_count('memory_mb', 2 ** 48))

    def test_count_takes_its_own_maximum(self):
        self.assertEqual(64, units.parse_count('gpus', 64, units.MAX_GPUS))
        self.assertRaises(units.FieldError, units.parse_count, 'gpus', 65,
                          units.MAX_GPUS)

    def test_milli_above_the_maximum_rejected(self):
        self.assertEqual(2 ** 48, units.parse_milli('vcpus',
                                                    '281474976710.656'))
        for value in ('281474976710.657', 1e30, 10 ** 30):
            self.assertRaises(units.FieldError, units.parse_milli, 'vcpus',
                              value)

    def test_ratio_above_the_maximum_rejected(self):
        self.assertEqual(1000.0, units.parse_ratio('r', 1000))
        for value in (1000.001, 1e18, 1e30):
            error = self.assertRaises(units.FieldError, units.parse_ratio,
                                      'r', value)
            self.assertIn('at most 1000', str(error))

    def test_largest_amount_times_largest_ratio_fits_int64(self):
        self.assertLess(units.MAX_AMOUNT * units.MAX_RATIO, 2 ** 62)
