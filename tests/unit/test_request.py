"""Tests for RequestSpec and RequestSpec.build."""

from sora import exception
from sora.scheduler.request import RequestSpec
from tests import base


class RequestSpecBuildTest(base.TestCase):

    def test_parses_loose_values(self):
        request = RequestSpec.build(memory_mb='2048', vcpus='0.5',
                                    disk_gb=10, gpus='1', gpu_milli='460',
                                    gpu_models=['T4', 'P100'])
        self.assertEqual(2048, request.memory_mb)
        self.assertEqual(500, request.vcpus_milli)
        self.assertEqual(10, request.disk_gb)
        self.assertEqual(1, request.gpus)
        self.assertEqual(460, request.gpu_milli)
        self.assertEqual(frozenset({'T4', 'P100'}), request.gpu_models)
        self.assertEqual(460, request.gpu_share_milli)

    def test_defaults(self):
        request = RequestSpec.build()
        self.assertEqual(0, request.memory_mb)
        self.assertEqual(0, request.vcpus_milli)
        self.assertEqual(1, request.num_instances)
        self.assertEqual(0, request.gpu_share_milli)
        self.assertTrue(request.request_id.startswith('req-'))

    def test_zero_memory_is_valid(self):
        self.assertEqual(0, RequestSpec.build(memory_mb=0).memory_mb)

    def test_whole_cards(self):
        request = RequestSpec.build(gpus=4)
        self.assertEqual(1000, request.gpu_milli)
        self.assertEqual(4000, request.gpu_share_milli)

    def test_invalid_values_name_the_field(self):
        cases = [
            ({'memory_mb': '-1'}, 'memory_mb', 'must not be negative'),
            ({'memory_mb': 'abc'}, 'memory_mb', 'expected a number'),
            ({'memory_mb': '1.5'}, 'memory_mb', 'fraction'),
            ({'vcpus': 'nan'}, 'vcpus', 'finite'),
            ({'vcpus': '0.0005'}, 'vcpus', 'three decimal places'),
            ({'disk_gb': ''}, 'disk_gb', 'empty value'),
            ({'gpus': 1, 'gpu_milli': 0}, 'gpu_milli', 'from 1 to 1000'),
            ({'gpus': 1, 'gpu_milli': 1001}, 'gpu_milli', 'from 1 to 1000'),
            ({'gpus': 2, 'gpu_milli': 500}, 'gpu_milli', 'only valid with'),
            ({'num_instances': 0}, 'num_instances', 'from 1 to 10000'),
            ({'num_instances': 10001}, 'num_instances', 'from 1 to 10000'),
            ({'group_policy': 'spread', 'group': 'g'}, 'group_policy',
             'anti-affinity'),
            ({'group_policy': 'affinity'}, 'group_policy',
             "group_policy='affinity': needs a group; set group"),
            ({'group_policy': 'anti-affinity', 'group': ''}, 'group',
             'expected a non-empty group name'),
            ({'max_per_host': 0}, 'max_per_host', '1 or more'),
        ]
        for kwargs, field, message in cases:
            error = self.assertRaises(exception.InvalidRequest,
                                      RequestSpec.build, **kwargs)
            self.assertEqual(field, error.field, kwargs)
            self.assertIn(message, str(error), kwargs)
            self.assertIn(field, str(error), kwargs)

    def test_direct_construction_checks_types(self):
        error = self.assertRaises(exception.InvalidRequest, RequestSpec,
                                  memory_mb='1024')
        self.assertEqual('memory_mb', error.field)
        self.assertIn('expected an integer', str(error))

    def test_single_string_is_one_name(self):
        request = RequestSpec.build(same_host='h1', different_host='h2',
                                    gpu_models='V100')
        self.assertEqual(frozenset({'h1'}), request.same_host)
        self.assertEqual(frozenset({'h2'}), request.different_host)
        self.assertEqual(frozenset({'V100'}), request.gpu_models)

    def test_lists_of_names_accepted(self):
        request = RequestSpec.build(different_host=['h1', 'h2'])
        self.assertEqual(frozenset({'h1', 'h2'}), request.different_host)

    def test_field_types_checked(self):
        cases = [
            ('required_labels', ['a']),
            ('required_labels', 'rack=r1'),
            ('required_labels', {'rack': 1}),
            ('same_host', 5),
            ('different_host', ['']),
            ('gpu_models', [7]),
            ('availability_zone', ['az1']),
            ('group', 3),
        ]
        for field, value in cases:
            error = self.assertRaises(exception.InvalidRequest,
                                      RequestSpec.build, **{field: value})
            self.assertEqual(field, error.field, field)

    def test_direct_construction_checks_set_fields(self):
        error = self.assertRaises(exception.InvalidRequest, RequestSpec,
                                  same_host='h1')
        self.assertEqual('same_host', error.field)
        self.assertIn('frozenset', str(error))

    def test_gpu_share_without_gpus_rejected(self):
        error = self.assertRaises(exception.InvalidRequest, RequestSpec.build,
                                  gpu_milli=500)
        self.assertEqual('gpu_milli', error.field)
        self.assertIn('gpus=1', str(error))
        self.assertEqual(0, RequestSpec.build(gpu_milli=1000).gpus)

    def test_amounts_above_the_maximum_rejected(self):
        for field, value in (('memory_mb', 10 ** 30), ('vcpus', 1e30),
                             ('disk_gb', '1e30'), ('gpus', 65),
                             ('gpus', 1000000)):
            error = self.assertRaises(exception.InvalidRequest,
                                      RequestSpec.build, **{field: value})
            self.assertEqual(field, error.field)
            self.assertIn('at most', str(error))
        error = self.assertRaises(exception.InvalidRequest, RequestSpec.build,
                                  gpus=1e30)
        self.assertIn('at most 64', str(error))
        error = self.assertRaises(exception.InvalidRequest, RequestSpec,
                                  memory_mb=2 ** 48 + 1)
        self.assertEqual('memory_mb', error.field)

    def test_enormous_integer_named_by_size(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build, memory_mb=10 ** 5000)
        self.assertEqual('memory_mb', error.field)
        self.assertIn('<an integer of 16610 bits>', str(error))

    def test_cpus_given_twice_rejected(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build, vcpus=2,
                                  vcpus_milli=500)

        self.assertEqual('vcpus_milli', error.field)
        self.assertIn('pass vcpus instead', str(error))

    def test_unknown_keyword_lists_fields(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build, bogus=1)

        self.assertEqual('bogus', error.field)
        self.assertEqual(1, error.value)
        self.assertIn('Invalid request field bogus=1: unknown field.',
                      str(error))
        for known in ('memory_mb', 'vcpus', 'gpu_models', 'num_instances',
                      'availability_zone', 'required_labels', 'request_id'):
            self.assertIn(known, str(error))

    def test_misspelt_keyword_gets_suggestion(self):
        error = self.assertRaises(exception.InvalidRequest,
                                  RequestSpec.build, memory_mib=1024,
                                  vcpus=1)

        self.assertEqual('memory_mib', error.field)
        self.assertIn('Did you mean memory_mb?', str(error))


class RequestNameSetTest(base.TestCase):
    """The fields that take a set of names: gpu_models and host hints."""

    EXAMPLES = {'gpu_models': "gpu_models=['A100']",
                'same_host': "same_host=['host1']",
                'different_host': "different_host=['host1']"}

    def test_bytes_rejected_with_example(self):
        for field, example in self.EXAMPLES.items():
            for value in (b'ab', bytearray(b'ab'), memoryview(b'ab')):
                error = self.assertRaises(exception.InvalidRequest,
                                          RequestSpec.build,
                                          **{field: value})
                self.assertEqual(field, error.field)
                self.assertIs(value, error.value)
                self.assertIn('not bytes', str(error))
                self.assertIn(example, str(error))
                # The bytes are never shown as a set of integers.
                self.assertNotIn('97', str(error))

    def test_non_text_names_rejected_with_example(self):
        for field, example in self.EXAMPLES.items():
            for value in ([b'ab'], [7], ['ok', None], ('',), [['h1']],
                          {'h1': 'x'}, None, 5):
                error = self.assertRaises(exception.InvalidRequest,
                                          RequestSpec.build,
                                          **{field: value})
                self.assertEqual(field, error.field)
                self.assertIs(value, error.value)
                self.assertIn('expected a name or a list of names',
                              str(error))
                self.assertIn(example, str(error))

    def test_direct_construction_message_shows_example(self):
        for field, example in self.EXAMPLES.items():
            error = self.assertRaises(exception.InvalidRequest, RequestSpec,
                                      **{field: frozenset({b'ab'})})
            self.assertEqual(field, error.field)
            self.assertIn('frozenset', str(error))
            self.assertIn(example.replace('[', 'frozenset({').replace(
                ']', '})'), str(error))

    def test_names_of_any_iterable_accepted(self):
        for value in ('h1', ['h1'], ('h1',), {'h1'}, frozenset({'h1'}),
                      iter(['h1'])):
            request = RequestSpec.build(same_host=value)
            self.assertEqual(frozenset({'h1'}), request.same_host)


class RequestExactTextTest(base.TestCase):
    """Names that no host can have are rejected, not matched to nothing."""

    CASES = [
        ('availability_zone', {'availability_zone': ' az1'}),
        ('availability_zone', {'availability_zone': 'az1\n'}),
        ('gpu_models', {'gpu_models': ['A100 ']}),
        ('gpu_models', {'gpu_models': ['A\x1b[31m100']}),
        ('same_host', {'same_host': ['\thost1']}),
        ('different_host', {'different_host': ['host1\r']}),
        ('required_labels', {'required_labels': {'rack ': 'r1'}}),
        ('required_labels', {'required_labels': {'rack': 'r1\x00'}}),
    ]

    def test_padding_and_control_characters_rejected(self):
        for field, kwargs in self.CASES:
            error = self.assertRaises(exception.InvalidRequest,
                                      RequestSpec.build, **kwargs)
            self.assertEqual(field, error.field)
            self.assertIn('no host has', str(error))
            self.assertIn('remove the', str(error))

    def test_inner_spaces_accepted(self):
        request = RequestSpec.build(availability_zone='az 1',
                                    gpu_models=['Tesla T4'],
                                    required_labels={'rack': 'row 1'})
        self.assertEqual('az 1', request.availability_zone)
        self.assertEqual(frozenset({'Tesla T4'}), request.gpu_models)
        self.assertEqual({'rack': 'row 1'}, request.required_labels)
