"""Tests of the sora-scheduler command, run as a real subprocess."""

import io
import json
import os
import subprocess
from unittest import mock

import fixtures

from sora.cmd import scheduler
from sora import exception
from sora.scheduler.selection import Claim
from tests import base
from tests import cli


class CliTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.config = self.write('sora.conf', '')

    def write(self, name, text):
        path = os.path.join(self.folder, name)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        return path

    def run_cli(self, *args, config=None):
        return cli.run(args, config or self.config, cwd=self.folder)

    def assert_exit(self, code, result):
        self.assertEqual(code, result.returncode,
                         'stdout:\n%s\nstderr:\n%s'
                         % (result.stdout, result.stderr))

    def assert_no_traceback(self, result):
        self.assertNotIn('Traceback', result.stdout + result.stderr)

    def assert_one_line_error(self, result, *fragments):
        self.assert_exit(2, result)
        self.assert_no_traceback(result)
        lines = result.stderr.splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])


class SelectCommandTest(CliTestCase):

    def test_places_on_sample_inventory(self):
        result = self.run_cli('select', '--memory-mb', '2048', '--vcpus', '1')

        self.assert_exit(0, result)
        # The memory policy picks the sample host with the most free
        # memory, gpu-01 with 262144 MiB; the next two are the alternates.
        self.assertEqual('host: gpu-01\nalternates: gpu-02, compute-03\n',
                         result.stdout)

    def test_release_needs_shared_store(self):
        result = self.run_cli('release', 'claim-1')

        self.assert_exit(2, result)
        self.assertIn("'claim-1'", result.stderr)
        self.assertIn('state_store to a shared store such as etcd',
                      result.stderr)
        self.assert_no_traceback(result)

    def test_json_output(self):
        result = self.run_cli('select', '--memory-mb', '2048', '--vcpus',
                              '0.5', '--disk-gb', '10', '--format', 'json')

        self.assert_exit(0, result)
        output = json.loads(result.stdout)
        self.assertEqual('memory', output['policy'])
        selection, = output['selections']
        self.assertEqual('gpu-01', selection['host'])
        self.assertEqual(['gpu-02', 'compute-03'], selection['alternates'])
        self.assertTrue(selection['claim_id'])
        self.assertEqual([], selection['gpu_cards'])

    def test_gpus(self):
        result = self.run_cli('select', '--gpus', '2', '--format', 'json')
        self.assert_exit(0, result)
        selection, = json.loads(result.stdout)['selections']
        self.assertEqual('gpu-01', selection['host'])
        self.assertEqual([0, 1], selection['gpu_cards'])

    def test_fraction_of_cpu(self):
        config = self.write('small.conf', '[inventory]\npath = %s\n'
                            % self.write('one.json', json.dumps({'hosts': [
                                {'name': 'half', 'memory_mb': 100,
                                 'vcpus': 0.5}]})))
        result = self.run_cli('select', '--vcpus', '0.5', config=config)
        self.assert_exit(0, result)
        self.assertIn('host: half', result.stdout)

        result = self.run_cli('select', '--vcpus', '0.501', config=config)
        self.assert_exit(1, result)
        self.assertIn('vcpus larger than the host', result.stderr)

    def test_no_valid_host(self):
        result = self.run_cli('select', '--memory-mb', '1000000')

        self.assert_exit(1, result)
        self.assertEqual('', result.stdout)
        # The sample inventory has one disabled host, which the enabled
        # filter removes before the resources filter sees it.
        self.assertIn('No valid host was found. 0/8 hosts are available: '
                      '7 memory_mb larger than the host, 1 disabled.',
                      result.stderr)
        self.assert_no_traceback(result)

    def test_no_valid_host_json(self):
        result = self.run_cli('select', '--memory-mb', '1000000',
                              '--format', 'json')

        self.assert_exit(1, result)
        output = json.loads(result.stdout)
        self.assertEqual('NoValidHost', output['error'])
        self.assertEqual(8, output['total_hosts'])
        self.assertEqual({'memory_mb larger than the host': 7,
                          'disabled': 1}, output['reasons'])

    def test_empty_inventory(self):
        config = self.write('empty.conf', '[inventory]\npath = %s\n'
                            % self.write('empty.json', '{"hosts": []}'))
        result = self.run_cli('select', config=config)
        self.assert_exit(1, result)
        self.assertIn('the inventory is empty', result.stderr)

    def test_invalid_request(self):
        for flag, value in (('--memory-mb', 'lots'), ('--vcpus', '0.0001'),
                            ('--gpus', '-1'), ('--disk-gb', '1.5')):
            result = self.run_cli('select', flag, value)
            self.assert_exit(2, result)
            self.assertIn('Invalid value %r for %s' % (value, flag),
                          result.stderr)
            self.assert_no_traceback(result)

    def test_logs_kept_off_stdout(self):
        result = self.run_cli('--debug', 'select', '--format', 'json')
        self.assert_exit(0, result)
        json.loads(result.stdout)
        self.assertIn('Loaded scheduler policy memory', result.stderr)
        self.assertIn('placed on gpu-01 by policy memory', result.stderr)

    def test_config_dir(self):
        folder = os.path.join(self.folder, 'sora.conf.d')
        os.mkdir(folder)
        with open(os.path.join(folder, 'policy.conf'), 'w',
                  encoding='utf-8') as stream:
            stream.write('[scheduler]\ndriver = random\nseed = 1\n')
        result = self.run_cli('--config-dir', folder, 'select', '--format',
                              'json')
        self.assert_exit(0, result)
        self.assertEqual('random', json.loads(result.stdout)['policy'])


class ConfigErrorTest(CliTestCase):

    def test_misspelt_driver(self):
        config = self.write('typo.conf', '[scheduler]\ndriver = memroy\n')

        result = self.run_cli('select', '--memory-mb', '1', config=config)

        self.assert_exit(2, result)
        self.assertEqual('', result.stdout)
        self.assertIn("Invalid value 'memroy' for option [scheduler] driver",
                      result.stderr)
        self.assertIn(config, result.stderr)
        self.assertIn('Installed: balanced, binpack, memory, random, spread, '
                      'weighted', result.stderr)
        self.assertIn("Did you mean 'memory'?", result.stderr)
        self.assert_no_traceback(result)

    def test_debug_shows_traceback(self):
        config = self.write('typo.conf', '[scheduler]\ndriver = memroy\n')
        result = self.run_cli('--debug', 'select', config=config)
        self.assert_exit(2, result)
        self.assertIn('Traceback', result.stderr)
        self.assertIn('PluginNotFound', result.stderr)

    def test_bad_option_value(self):
        config = self.write('bad.conf', '[scheduler]\nmax_attempts = x\n')
        result = self.run_cli('select', config=config)
        self.assert_exit(2, result)
        self.assertIn('[scheduler] max_attempts', result.stderr)
        self.assertIn(config, result.stderr)
        self.assertIn('expected an integer of 1 or more', result.stderr)
        self.assert_no_traceback(result)

    def test_bad_default_option_value(self):
        config = self.write('bad.conf', '[DEFAULT]\ndebug = perhaps\n')
        result = self.run_cli('select', config=config)
        self.assert_exit(2, result)
        self.assertIn('perhaps', result.stderr)
        self.assert_no_traceback(result)

    def test_bad_inventory(self):
        inventory = self.write('dup.json', json.dumps({'hosts': [
            {'name': 'h1'}, {'name': 'h1'}]}))
        config = self.write('dup.conf', '[inventory]\npath = %s\n'
                            % inventory)
        result = self.run_cli('select', config=config)
        self.assert_exit(2, result)
        self.assertIn("hosts[0] and hosts[1] both name host 'h1'",
                      result.stderr)
        self.assert_no_traceback(result)

    def test_non_utf8_inventory(self):
        inventory = os.path.join(self.folder, 'latin.json')
        with open(inventory, 'wb') as stream:
            stream.write(b'\xff\xfe{"hosts": []}')
        config = self.write('latin.conf', '[inventory]\npath = %s\n'
                            % inventory)
        result = self.run_cli('select', config=config)
        self.assert_exit(2, result)
        self.assertIn('not UTF-8 text', result.stderr)
        self.assert_no_traceback(result)

    def test_nan_reserved_cpus(self):
        config = self.write('nan.conf', '[filter_scheduler]\n'
                            'reserved_host_cpus = nan\n')
        result = self.run_cli('select', config=config)
        self.assert_exit(2, result)
        self.assertIn('[filter_scheduler] reserved_host_cpus', result.stderr)
        self.assertIn('not a finite number', result.stderr)
        self.assert_no_traceback(result)

    def test_missing_config_file(self):
        result = self.run_cli('select',
                              config=os.path.join(self.folder, 'none.conf'))
        self.assert_exit(2, result)
        self.assertIn('none.conf', result.stderr)
        self.assert_no_traceback(result)

    def test_usage_errors(self):
        # The top-level parser, which oslo.config builds, and each
        # subcommand's parser print one line without the usage block.
        for args, message in (((), 'no command given'),
                              (('slect',), "unknown command 'slect' (did "
                               "you mean select?)"),
                              (('--bogus', 'drivers'),
                               'unrecognized arguments: --bogus')):
            result = self.run_cli(*args)
            self.assert_one_line_error(result, message,
                                       'see sora-scheduler --help')
            self.assertNotIn('usage:', result.stderr)
        for args in (('select', '--bogus'), ('select', '--format', 'yaml')):
            result = self.run_cli(*args)
            self.assert_exit(2, result)
            self.assertNotIn('usage:', result.stderr)
            self.assertIn('see sora-scheduler select --help', result.stderr)
            self.assert_no_traceback(result)

    def test_help_exits_zero(self):
        result = self.run_cli('select', '--help')
        self.assert_exit(0, result)
        self.assertIn('--memory-mb', result.stdout)


class DriversCommandTest(CliTestCase):

    def test_lists_builtin_policies(self):
        result = self.run_cli('drivers')

        self.assert_exit(0, result)
        lines = result.stdout.splitlines()
        self.assertEqual(['NAME', 'CLASS', 'PACKAGE', 'SUMMARY'],
                         lines[0].split())
        rows = {line.split()[0]: line for line in lines[1:]}
        self.assertIn('sora.drivers.memory:MemoryDriver', rows['memory'])
        self.assertIn('Choose the host with the most free memory.',
                      rows['memory'])
        self.assertIn('sora.drivers.random_choice:RandomDriver',
                      rows['random'])
        self.assertIn(' sora ', rows['random'])

    def test_works_with_misspelt_driver(self):
        config = self.write('typo.conf', '[scheduler]\ndriver = memroy\n')
        result = self.run_cli('drivers', config=config)
        self.assert_exit(0, result)
        self.assertIn('memory', result.stdout)


class CommandLineRobustnessTest(CliTestCase):
    """Bad files and arguments get one line and exit 2, never a traceback."""

    def test_config_file_is_a_directory(self):
        result = self.run_cli('select', config=self.folder)
        self.assert_one_line_error(result, self.folder, 'Is a directory')

    def test_config_file_not_utf8(self):
        path = os.path.join(self.folder, 'latin1.conf')
        with open(path, 'wb') as stream:
            stream.write('[scheduler]\n# r\xe9sum\xe9\n'.encode('latin-1'))
        result = self.run_cli('select', config=path)
        self.assert_one_line_error(result, path, 'not UTF-8')

    def test_config_dir_is_a_file(self):
        result = self.run_cli('--config-dir', self.config, 'select')
        self.assert_one_line_error(result, self.config, 'is not a directory')

    def test_global_options_after_the_command(self):
        typo = self.write('typo.conf', '[scheduler]\ndriver = memroy\n')
        result = self.run_cli('select', '--debug')
        self.assert_exit(0, result)
        self.assertIn('DEBUG', result.stderr)

        result = self.run_cli('select', '--config-file', typo,
                              '--memory-mb', '1')
        self.assert_exit(2, result)
        self.assertIn('memroy', result.stderr)

        folder = os.path.join(self.folder, 'conf.d')
        os.mkdir(folder)
        with open(os.path.join(folder, 'a.conf'), 'w') as stream:
            stream.write('[scheduler]\ndriver = memroy\n')
        result = self.run_cli('select', '--config-dir=%s' % folder)
        self.assert_exit(2, result)
        self.assertIn('memroy', result.stderr)

    def test_drivers_piped_to_a_closed_reader(self):
        # A reader that closes the pipe at once, as head -c 1 does.
        for _attempt in range(3):
            process = subprocess.Popen(
                cli.command() + ['--config-file', self.config, 'drivers'],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            process.stdout.close()
            stderr = process.stderr.read().decode()
            process.stderr.close()
            self.assertEqual(0, process.wait(timeout=120), stderr)
            self.assertNotIn('Traceback', stderr)
            self.assertNotIn('BrokenPipe', stderr)


class ReleaseRaceTest(CliTestCase):
    """Another process releases one of the claims during release."""

    def test_reports_what_was_released(self):
        # NOTE: the race between two processes cannot be timed in a test,
        # so the store is a stand-in whose second release finds the claim
        # gone, as etcd would after the other process's release.
        claims = {cid: Claim(cid, 'h1', 'r') for cid in ('c1', 'c2', 'c3')}
        store = mock.Mock(shared=True)
        store.claims.return_value = list(claims.values())
        manager = mock.Mock(store=store)

        def release(claim_id):
            if claim_id == 'c2':
                raise exception.ClaimNotFound(claim_id)
            return claims[claim_id]

        manager.release.side_effect = release
        stdout, stderr = io.StringIO(), io.StringIO()
        with mock.patch.object(scheduler, 'SchedulerManager',
                               return_value=manager), \
                mock.patch('sys.stdout', stdout), \
                mock.patch('sys.stderr', stderr):
            code = scheduler.main(['--config-file', self.config, 'release',
                                   'c1', 'c2', 'c3'])

        self.assertEqual(2, code)
        self.assertEqual('Released claim c1 on host h1.\n',
                         stdout.getvalue())
        self.assertIn("Claim 'c2' was released by another process",
                      stderr.getvalue())
        self.assertIn('(c1)', stderr.getvalue())
        self.assertNotIn('Nothing was changed', stderr.getvalue())
        self.assertEqual(['c1', 'c2'], [call.args[0] for call in
                                        manager.release.call_args_list])


class InternalErrorTest(CliTestCase):
    """An unexpected exception is one line and exit 2, not 1."""

    def run_failing(self, *args):
        # NOTE: no real command fails this way on purpose, so the command
        # is replaced by one that raises; main() itself runs unchanged.
        def broken(conf):
            raise AttributeError("'NoneType' object has no attribute 'rows'")

        stderr = io.StringIO()
        with mock.patch.object(scheduler, 'drivers_command', broken), \
                mock.patch('sys.stderr', stderr):
            code = scheduler.main(['--config-file', self.config] +
                                  list(args) + ['drivers'])
        return code, stderr.getvalue()

    def test_one_line_and_a_hint(self):
        code, stderr = self.run_failing()
        self.assertEqual(2, code)
        self.assertEqual(
            ["sora-scheduler: internal error: AttributeError: 'NoneType' "
             "object has no attribute 'rows'",
             'run with --debug for the traceback'], stderr.splitlines())

    def test_debug_shows_traceback(self):
        code, stderr = self.run_failing('--debug')
        self.assertEqual(2, code)
        self.assertIn('Traceback', stderr)
        self.assertIn('sora-scheduler: internal error: AttributeError',
                      stderr)


class SelectRequestFlagsTest(CliTestCase):
    """The select flags reach the request; placed on the sample hosts."""

    def select_json(self, *args):
        result = self.run_cli('select', '--format', 'json', *args)
        self.assert_exit(0, result)
        return json.loads(result.stdout)['selections']

    def test_instances(self):
        selections = self.select_json('--instances', '3', '--memory-mb',
                                      '1024')
        self.assertEqual(3, len(selections))

    def test_gpu_share_and_model(self):
        # Only gpu-02 has T4 cards; half a card implies --gpus 1.
        selection, = self.select_json('--gpu-milli', '500', '--gpu-model',
                                      'T4')
        self.assertEqual('gpu-02', selection['host'])
        self.assertEqual(1, len(selection['gpu_cards']))

    def test_gpu_model_repeatable(self):
        selection, = self.select_json('--gpus', '1', '--gpu-model', 'H100',
                                      '--gpu-model', 'A100')
        self.assertEqual('gpu-01', selection['host'])

    def test_unknown_gpu_model(self):
        result = self.run_cli('select', '--gpus', '1', '--gpu-model', 'H100')
        self.assert_exit(1, result)
        self.assertIn('GPU model not in H100', result.stderr)

    def test_group_policies(self):
        # These requests take no memory, so the memory policy keeps
        # choosing gpu-01 unless anti-affinity asks for distinct hosts.
        together = self.select_json('--instances', '2', '--group', 'g',
                                    '--group-policy', 'affinity')
        self.assertEqual(['gpu-01', 'gpu-01'],
                         [s['host'] for s in together])
        apart = self.select_json('--instances', '3', '--group', 'g',
                                 '--group-policy', 'anti-affinity')
        self.assertEqual(3, len({s['host'] for s in apart}))

    def test_invalid_flags(self):
        cases = [
            (('--instances', 'x'), "Invalid value 'x' for --instances"),
            (('--instances', '0'), "Invalid value '0' for --instances"),
            (('--gpus', '0', '--gpu-milli', '500'),
             'a share of a card needs --gpus 1'),
            (('--gpus', '2', '--gpu-milli', '500'),
             "Invalid value '500' for --gpu-milli"),
            (('--group-policy', 'affinity'),
             "Invalid value 'affinity' for --group-policy: needs --group "
             "NAME"),
            (('--memory-mb', '-5'), "Invalid value '-5' for --memory-mb"),
            (('--gpus', '1', '--gpu-model', ' '),
             "Invalid value ' ' for --gpu-model: expected a GPU model "
             "name"),
        ]
        for args, message in cases:
            result = self.run_cli('select', *args)
            self.assert_exit(2, result)
            self.assertIn(message, result.stderr)
            self.assert_no_traceback(result)


class HoistGlobalOptionsTest(base.TestCase):
    """Global options typed after the command move before it."""

    def test_cases(self):
        cases = [
            (['select', '--debug'], ['--debug', 'select']),
            (['select', '--memory-mb', '1', '--config-file', 'a.conf',
              '--config-dir=d', '-d'],
             ['--config-file', 'a.conf', '--config-dir=d', '-d', 'select',
              '--memory-mb', '1']),
            # A value that is also a command name is not the command.
            (['--config-file', 'select', 'drivers', '--debug'],
             ['--config-file', 'select', '--debug', 'drivers']),
            # Arguments after -- are left alone.
            (['replay', 'trace.csv', '--', '--debug'],
             ['replay', 'trace.csv', '--', '--debug']),
            (['--debug'], ['--debug']),
        ]
        for argv, expected in cases:
            self.assertEqual(expected, scheduler.hoist_global_options(argv),
                             argv)
