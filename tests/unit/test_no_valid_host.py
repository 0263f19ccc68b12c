"""Why nothing fits: counts per reason in the error, the log and the CLI."""

import io
import json
import logging
import os

import fixtures

from sora.cmd import scheduler as cli
from sora import exception
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

SUMMARY = ('0/5 hosts are available: 2 not enough memory_mb, '
           '2 not in zone az2, 1 disabled')

# Two hosts in az2 whose memory is mostly used, two hosts in az1 with room,
# and one disabled host in az2 with room. The request asks for 4096 MiB in
# az2.
HOSTS = [
    dict(name='full-1', memory_mb=8192, memory_mb_used=6144, zone='az2'),
    dict(name='full-2', memory_mb=8192, memory_mb_used=8192, zone='az2'),
    dict(name='east-1', memory_mb=8192, zone='az1'),
    dict(name='east-2', memory_mb=8192, zone='az1'),
    dict(name='off', memory_mb=8192, zone='az2', enabled=False),
]


class NoValidHostTest(base.TestCase):

    def _manager(self):
        hosts = [placement.host(vcpus=8, **fields) for fields in HOSTS]
        return placement.manager(self, hosts)

    def test_counts_per_reason(self):
        error = self.assertRaises(
            exception.NoValidHost, self._manager().select_destinations,
            RequestSpec(memory_mb=4096, availability_zone='az2'))
        self.assertEqual(5, error.total_hosts)
        self.assertEqual({'not enough memory_mb': 2, 'not in zone az2': 2,
                          'disabled': 1}, error.reasons)
        self.assertIn(SUMMARY, str(error))

    def test_one_info_line(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='sora', level=logging.INFO))
        manager = self._manager()
        self.assertRaises(
            exception.NoValidHost, manager.select_destinations,
            RequestSpec(memory_mb=4096, availability_zone='az2',
                        request_id='req-az2'))
        lines = [line for line in logger.output.splitlines()
                 if 'req-az2' in line]
        self.assertEqual(1, len(lines), lines)
        self.assertIn(SUMMARY, lines[0])

    def test_first_filter_counts(self):
        # The disabled host also lacks memory, but "enabled" runs first.
        hosts = [placement.host('off', memory_mb=1024, enabled=False),
                 placement.host('small', memory_mb=1024)]
        error = self.assertRaises(
            exception.NoValidHost,
            placement.manager(self, hosts).select_destinations,
            RequestSpec(memory_mb=4096))
        self.assertEqual({'disabled': 1,
                          'memory_mb larger than the host': 1},
                         error.reasons)


class CommandLineTest(base.TestCase):

    def _run(self, *args):
        folder = self.useFixture(fixtures.TempDir()).path
        inventory = os.path.join(folder, 'hosts.json')
        with open(inventory, 'w') as stream:
            json.dump({'hosts': [dict(vcpus=8, **h) for h in HOSTS]},
                      stream)
        config = os.path.join(folder, 'sora.conf')
        with open(config, 'w') as stream:
            stream.write('[inventory]\nsource = file\npath = %s\n'
                         % inventory)

        stdout = self.useFixture(fixtures.MonkeyPatch(
            'sys.stdout', io.StringIO())).new_value
        stderr = self.useFixture(fixtures.MonkeyPatch(
            'sys.stderr', io.StringIO())).new_value
        status = cli.main(['--config-file', config, 'select'] + list(args))
        return status, stdout.getvalue(), stderr.getvalue()

    def test_says_why(self):
        status, _out, err = self._run('--memory-mb', '4096',
                                      '--availability-zone', 'az2')
        self.assertEqual(cli.EXIT_NO_VALID_HOST, status)
        self.assertIn(SUMMARY, err)

    def test_says_why_in_json(self):
        status, out, _err = self._run('--memory-mb', '4096',
                                      '--availability-zone', 'az2',
                                      '--format', 'json')
        self.assertEqual(cli.EXIT_NO_VALID_HOST, status)
        result = json.loads(out)
        self.assertEqual(5, result['total_hosts'])
        self.assertEqual({'not enough memory_mb': 2, 'not in zone az2': 2,
                          'disabled': 1}, result['reasons'])
        self.assertIn(SUMMARY, result['message'])

    def test_zone_and_label_place(self):
        status, out, _err = self._run('--memory-mb', '1024',
                                      '--availability-zone', 'az1',
                                      '--label', 'x=y')
        self.assertEqual(cli.EXIT_NO_VALID_HOST, status)

        status, out, _err = self._run('--memory-mb', '1024',
                                      '--availability-zone', 'az1')
        self.assertEqual(cli.EXIT_PLACED, status)
        self.assertIn('host: east-1', out)

    def test_bad_label(self):
        status, _out, err = self._run('--label', 'rack')
        self.assertEqual(cli.EXIT_USAGE, status)
        self.assertIn("Invalid value 'rack' for --label: expected "
                      "KEY=VALUE", err)
        self.assertNotIn('Traceback', err)


class ClaimsFailedTest(base.TestCase):
    """Without filters, the claim check's reasons explain a failure."""

    def test_every_host_counted_by_resource(self):
        self.flags(group='filter_scheduler', enabled_filters=[])
        hosts = [placement.host(vcpus=8, **fields) for fields in HOSTS]
        manager = placement.manager(self, hosts)

        error = self.assertRaises(
            exception.NoValidHost, manager.select_destinations,
            RequestSpec(memory_mb=99999999))

        self.assertEqual(5, error.total_hosts)
        self.assertEqual({'memory_mb larger than the host': 5},
                         error.reasons)

    def test_filtered_and_claimed_hosts_both_counted(self):
        self.flags(group='filter_scheduler', enabled_filters=['enabled'])
        hosts = [placement.host(vcpus=8, **fields) for fields in HOSTS]
        manager = placement.manager(self, hosts)

        error = self.assertRaises(
            exception.NoValidHost, manager.select_destinations,
            RequestSpec(memory_mb=4096, disk_gb=1))

        # full-1 and full-2 lack memory first; east-1 and east-2 fit in
        # memory but have no disk; "off" is disabled.
        self.assertEqual({'disabled': 1, 'not enough memory_mb': 2,
                          'disk_gb larger than the host': 2}, error.reasons)
