"""Values echoed in error messages are shortened in one place."""

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base

# A message that echoes a shortened value stays well under this length.
SHORT_MESSAGE = 400


class ShownTest(base.TestCase):

    def test_short_values_are_their_repr(self):
        for value in ('claim-1', '', 42, -1.5, None, True, ['a', 'b'],
                      {'rack': 'r1'}):
            self.assertEqual(repr(value), exception.shown(value))

    def test_long_text_keeps_start_end_and_length(self):
        value = 'start-' + 'x' * 100000 + '-end'

        text = exception.shown(value)

        self.assertLessEqual(len(text), exception.MAX_SHOWN + 30)
        self.assertTrue(text.startswith("'start-"), text)
        self.assertIn("-end'", text)
        self.assertIn('...', text)
        self.assertTrue(text.endswith('(100010 characters)'), text)

    def test_text_at_the_limit_is_whole(self):
        value = 'y' * exception.MAX_SHOWN

        self.assertEqual(repr(value), exception.shown(value))

    def test_long_list_shows_first_items(self):
        text = exception.shown(list(range(100000)))

        self.assertTrue(text.startswith('[0, 1, 2'), text)
        self.assertIn('...', text)
        self.assertLess(len(text), 100)

    def test_huge_integer_shown_by_size(self):
        # str() of an int of more than 4300 digits raises ValueError.
        self.assertEqual('<an integer of 16610 bits>',
                         exception.shown(10 ** 5000))
        self.assertEqual('[<an integer of 16610 bits>]',
                         exception.shown([10 ** 5000]))


class LongValuesInErrorsTest(base.TestCase):
    """Each error that echoes a caller's value keeps its message short."""

    def setUp(self):
        super().setUp()
        self.conf([])
        self.manager = SchedulerManager(self.conf, load_inventory=False)
        self.manager.set_hosts([Host('h1', memory_mb=1024,
                                     vcpus_milli=1000)])
        self.long = 'c' * 100000

    def assert_short(self, error):
        message = str(error)
        self.assertLess(len(message), SHORT_MESSAGE, message[:500])
        self.assertIn('(100000 characters)', message)

    def test_release_of_long_claim_id(self):
        error = self.assertRaises(exception.ClaimNotFound,
                                  self.manager.release, self.long)

        self.assert_short(error)
        self.assertEqual(self.long, error.claim_id)

    def test_unknown_long_host_names(self):
        self.assert_short(self.assertRaises(
            exception.HostNotFound, self.manager.remove_host, self.long))
        self.assert_short(self.assertRaises(
            exception.HostNotFound, self.manager.report_usage, self.long))
        self.assert_short(self.assertRaises(
            exception.HostNotFound, self.manager.claim, self.long,
            RequestSpec.build(memory_mb=1)))

    def test_long_request_and_argument_values(self):
        self.assert_short(self.assertRaises(
            exception.InvalidRequest, RequestSpec.build,
            memory_mb=self.long))
        self.assert_short(exception.InvalidArgument('--plot', self.long,
                                                    'reason'))
        self.assert_short(exception.ConfigError('inventory', 'path',
                                                self.long, 'reason'))
        self.assert_short(exception.InvalidTrace('t.csv', 2, 'name',
                                                 self.long, 'reason'))


class LongValuesInReasonsTest(base.TestCase):
    """Filter reasons shorten the request values they name."""

    def setUp(self):
        super().setUp()
        self.conf([])
        self.manager = SchedulerManager(self.conf, load_inventory=False)
        self.manager.set_hosts([
            Host('h1', memory_mb=1024, vcpus_milli=1000, gpus=1,
                 gpu_model='T4'),
            Host('h2', memory_mb=1024, vcpus_milli=1000, gpus=1,
                 gpu_model='T4')])
        self.long = 'x' * 5000

    def assert_one_short_reason(self, **fields):
        error = self.assertRaises(exception.NoValidHost,
                                  self.manager.select_destinations,
                                  RequestSpec.build(**fields))

        self.assertLess(len(str(error)), SHORT_MESSAGE, str(error)[:500])
        self.assertEqual([2], list(error.reasons.values()))
        self.assertIn('(5000 characters)', str(error))
        return error

    def test_long_zone(self):
        self.assert_one_short_reason(availability_zone=self.long)

    def test_long_label_key_and_value(self):
        self.assert_one_short_reason(required_labels={'k': self.long})
        self.assert_one_short_reason(required_labels={self.long: 'v'})

    def test_long_gpu_model(self):
        self.assert_one_short_reason(gpus=1, gpu_models=self.long)

    def test_many_gpu_models_shown_as_one_text(self):
        models = ['m%04d' % number for number in range(1000)]

        error = self.assertRaises(
            exception.NoValidHost, self.manager.select_destinations,
            RequestSpec.build(gpus=1, gpu_models=models))

        self.assertLess(len(str(error)), SHORT_MESSAGE, str(error)[:500])
        self.assertEqual([2], list(error.reasons.values()))

    def test_long_group(self):
        self.manager.select_destinations(RequestSpec.build(
            group=self.long, group_policy='anti-affinity'))
        self.manager.select_destinations(RequestSpec.build(
            group=self.long, group_policy='anti-affinity'))

        self.assert_one_short_reason(group=self.long,
                                     group_policy='anti-affinity')

    def test_control_characters_in_zone_escaped(self):
        # The request is rejected before any host is filtered, and the
        # error shows the zone escaped.
        zone = 'az\n\x1b[31m\u202e'

        error = self.assertRaises(
            exception.InvalidRequest, RequestSpec.build,
            availability_zone=zone)

        self.assertNotIn('\x1b', str(error))
        self.assertNotIn('\n', str(error))
        self.assertNotIn('\u202e', str(error))
        self.assertIn(r"'az\n\x1b[31m\u202e'", str(error))

    def test_short_zone_unquoted(self):
        error = self.assertRaises(
            exception.NoValidHost, self.manager.select_destinations,
            RequestSpec.build(availability_zone='az2'))

        self.assertEqual({'not in zone az2': 2}, error.reasons)
