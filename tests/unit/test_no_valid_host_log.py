"""decision.log_no_valid_host: the one place a NoValidHost is logged."""

import logging

import fixtures

from sora import exception
from sora.scheduler import decision
from sora.scheduler.host import Host
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from tests import base


class LogNoValidHostTest(base.TestCase):

    def test_error_and_info_line(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.INFO,
            format='%(levelname)s %(name)s %(message)s'))
        table = HostTable()
        table.replace_all([Host('h1'), Host('h2'), Host('h3')])
        request = RequestSpec(request_id='req-7')

        error = decision.log_no_valid_host(table, {'contention': 2,
                                                   'disabled': 1}, request)

        self.assertIsInstance(error, exception.NoValidHost)
        self.assertEqual(3, error.total_hosts)
        self.assertEqual({'contention': 2, 'disabled': 1}, error.reasons)
        self.assertEqual('req-7', error.request_id)
        self.assertEqual(
            'INFO sora.scheduler.decision Request req-7: No valid host was '
            'found. 0/3 hosts are available: 2 contention, 1 disabled.\n',
            logs.output)
