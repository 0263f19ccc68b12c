"""Empty, repeated and dependent command-line values, run through main()."""

import io
import os

import fixtures

from sora.cmd import arguments
from sora.cmd import scheduler
from sora import exception
from tests import base

ERROR = 'sora-scheduler: error: '


class CommandArgumentsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.config = os.path.join(self.folder, 'sora.conf')
        with open(self.config, 'w', encoding='utf-8'):
            pass
        self.trace = os.path.join(self.folder, 'trace.csv')
        with open(self.trace, 'w', encoding='utf-8') as stream:
            stream.write('name,cpu_milli,memory_mib,num_gpu,gpu_milli\n'
                         'pod-1,1000,1024,0,0\n')

    def main(self, *args):
        """Run main() with these arguments; return status, stdout, error."""
        stdout = io.StringIO()
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        status = scheduler.main(['--config-file', self.config] + list(args))
        errors = [line[len(ERROR):] for line in stderr.getvalue().splitlines()
                  if line.startswith(ERROR)]
        self.assertNotIn('Traceback', stderr.getvalue())
        return status, stdout.getvalue(), errors

    def assert_rejected(self, args, message):
        status, out, errors = self.main(*args)

        self.assertEqual(2, status, args)
        self.assertEqual('', out, args)
        self.assertEqual(1, len(errors), (args, errors))
        self.assertIn(message, errors[0], args)

    def test_group_policy_needs_group(self):
        for policy in ('affinity', 'anti-affinity'):
            self.assert_rejected(
                ('select', '--group-policy', policy),
                "Invalid value '%s' for --group-policy: needs --group NAME"
                % policy)

    def test_empty_select_values_rejected(self):
        for flag, fix in (('--availability-zone', 'a zone name'),
                          ('--group', 'the name of a server group')):
            for value in ('', '  '):
                self.assert_rejected(
                    ('select', flag, value),
                    'Invalid value %r for %s: the value is empty; give %s'
                    % (value, flag, fix))
        self.assert_rejected(
            ('select', '--group', '', '--group-policy', 'affinity'),
            "Invalid value '' for --group: the value is empty")

    def test_empty_replay_values_rejected(self):
        for args, message in (
                (('--plot', ''), "Invalid value '' for --plot"),
                (('--driver', ''), "Invalid value '' for --driver"),
                (('--plot', ' '), "Invalid value ' ' for --plot")):
            self.assert_rejected(('replay', self.trace) + args,
                                 message + ': the value is empty')
        self.assert_rejected(('replay', ''),
                             "Invalid value '' for TRACE: the value is empty;"
                             " give the path of a trace file")

    def test_empty_claim_id_rejected(self):
        self.assert_rejected(('release', 'claim-1', ''),
                             "Invalid value '' for CLAIM_ID: the value is "
                             "empty; give a claim id as select prints it")

    def test_empty_config_paths_rejected(self):
        for args, flag in (
                (('--config-file', '', 'select'), '--config-file'),
                (('--config-file=', 'select'), '--config-file'),
                (('select', '--config-dir', ' '), '--config-dir'),
                (('--config-dir=', 'drivers'), '--config-dir')):
            self.assert_rejected(args, 'for %s: the value is empty' % flag)

    def test_config_paths_without_value_rejected(self):
        for args, flag in (
                (('select', '--config-file'), '--config-file'),
                (('select', '--config-dir'), '--config-dir'),
                (('select', '--config-file', '--memory-mb', '1'),
                 '--config-file'),
                (('drivers', '--config-dir', '--debug'), '--config-dir'),
                (('--config-file',), '--config-file'),
                (('--config-file', 'select'), '--config-file'),
                (('--config-dir', 'drivers', '--debug'), '--config-dir')):
            self.assert_rejected(args, '%s needs a path' % flag)

    def test_path_named_like_command_accepted(self):
        # A folder named select is the value of --config-dir when another
        # command follows it.
        os.mkdir(os.path.join(self.folder, 'select'))
        self.addCleanup(os.chdir, os.getcwd())
        os.chdir(self.folder)

        status, out, errors = self.main('--config-dir', 'select', 'drivers')

        self.assertEqual(0, status, errors)
        self.assertIn('memory', out)

    def test_repeated_label_key_rejected(self):
        self.assert_rejected(
            ('select', '--label', 'rack=r1', '--label', 'ssd=true',
             '--label', 'rack=r2'),
            "Invalid value 'rack=r2' for --label: key 'rack' is given twice, "
            "in 'rack=r1' and 'rack=r2'")

    def test_label_without_key_names_flag(self):
        self.assert_rejected(('select', '--label', '=r1'),
                             "Invalid value '=r1' for --label: expected "
                             "KEY=VALUE")

    def test_replay_values_echoed_as_typed(self):
        for args, message in (
                (('--seeds', '1-3'), "Invalid value '1-3' for --seeds: only "
                 "valid with --protocol inflation"),
                (('--target-factor', '1.30'), "Invalid value '1.30' for "
                 "--target-factor: only valid with --protocol inflation"),
                (('--protocol', 'inflation', '--seeds', '3-1'),
                 "Invalid value '3-1' for --seeds: range '3-1' ends before "
                 "it starts"),
                (('--protocol', 'inflation', '--target-factor', '11'),
                 "Invalid value '11' for --target-factor: out of range"),
                (('--protocol', 'inflation', '--target-factor', 'x'),
                 "Invalid value 'x' for --target-factor: expected a number")):
            self.assert_rejected(('replay', self.trace) + args, message)

    def test_select_values_echoed_as_typed(self):
        for args, message in (
                (('--instances', '00'), "Invalid value '00' for --instances"),
                (('--gpus', '2', '--gpu-milli', '0500'),
                 "Invalid value '0500' for --gpu-milli")):
            self.assert_rejected(('select',) + args, message)

    def test_accepted_values_still_place(self):
        status, out, errors = self.main(
            'select', '--label', 'rack=r1', '--label', 'ssd=true',
            '--availability-zone', 'az1', '--group', 'g')

        self.assertEqual(0, status, errors)
        self.assertEqual([], errors)
        self.assertTrue(out.startswith('host: '), out)


class ParserErrorTest(base.TestCase):
    """argparse errors of every subcommand, each on one line."""

    def setUp(self):
        super().setUp()
        folder = self.useFixture(fixtures.TempDir()).path
        self.config = os.path.join(folder, 'sora.conf')
        with open(self.config, 'w', encoding='utf-8'):
            pass
        self.trace = os.path.join(folder, 'trace.csv')
        with open(self.trace, 'w', encoding='utf-8') as stream:
            stream.write('name,cpu_milli,memory_mib,num_gpu,gpu_milli\n')

    def test_bad_flag_values_one_line(self):
        cases = [
            (['replay', 'TRACE', '--samples', '0'], 'replay',
             'invalid value for --samples: 0 is below the minimum of 1'),
            (['replay', 'TRACE', '--seed', '-1'], 'replay',
             'invalid value for --seed: -1 is below the minimum of 0'),
            (['replay', 'TRACE', '--retry', '-1'], 'replay',
             'invalid value for --retry: -1 is below the minimum of 0'),
            (['select', '--format', 'xml'], 'select',
             "invalid value 'xml' for --format: expected one of "),
            (['select', '--no-such-flag'], 'select',
             'unrecognized arguments: --no-such-flag'),
            (['replay'], 'replay',
             'the following arguments are required: TRACE'),
        ]
        for args, command, message in cases:
            args = [self.trace if arg == 'TRACE' else arg for arg in args]
            stderr = io.StringIO()
            self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))

            status = scheduler.main(['--config-file', self.config] + args)

            self.assertEqual(2, status, args)
            lines = stderr.getvalue().splitlines()
            self.assertEqual(1, len(lines), lines)
            prog = 'sora-scheduler %s' % command
            self.assertTrue(lines[0].startswith(prog + ': error: '), lines)
            self.assertIn(message, lines[0])
            self.assertTrue(lines[0].endswith('; see %s --help' % prog),
                            lines)
            self.assertNotIn('usage:', stderr.getvalue())

    def top_level_error(self, *args):
        """Run main() with these arguments; return its one error line."""
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))

        status = scheduler.main(['--config-file', self.config] + list(args))

        self.assertEqual(2, status, args)
        self.assertNotIn('usage:', stderr.getvalue())
        lines = stderr.getvalue().splitlines()
        self.assertEqual(1, len(lines), lines)
        self.assertTrue(lines[0].startswith('sora-scheduler: error: '),
                        lines)
        self.assertTrue(lines[0].endswith('; see sora-scheduler --help'),
                        lines)
        return lines[0]

    def test_missing_command_one_line(self):
        line = self.top_level_error('--debug')

        self.assertIn('no command given; expected one of select, release, '
                      'drivers, replay, load-inventory', line)

    def test_unknown_command_names_closest(self):
        for word, closest in (('slect', 'select'), ('driver', 'drivers'),
                              ('relase', 'release')):
            line = self.top_level_error(word, '--memory-mb', '1')

            self.assertIn("unknown command '%s' (did you mean %s?)"
                          % (word, closest), line)

    def test_unknown_command_without_close_match(self):
        line = self.top_level_error('frobnicate')

        self.assertIn("unknown command 'frobnicate'; expected one of "
                      "select, release, drivers, replay, load-inventory",
                      line)
        self.assertNotIn('did you mean', line)

    def test_bad_global_flag_one_line(self):
        line = self.top_level_error('--bogus', 'drivers')
        self.assertIn('unrecognized arguments: --bogus', line)

        line = self.top_level_error('--log-dir')
        self.assertIn('--log-dir/--logdir needs a value', line)

    def test_help_keeps_usage(self):
        stdout = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))

        error = self.assertRaises(SystemExit, scheduler.main, ['--help'])

        self.assertEqual(0, error.code)
        self.assertTrue(stdout.getvalue().startswith(
            'usage: sora-scheduler [-h]'), stdout.getvalue())
        self.assertIn('{select,release,drivers,replay,load-inventory}',
                      stdout.getvalue())


class SummaryMarkupTest(base.TestCase):

    def test_inline_markup_stripped(self):
        cases = [
            ('Add up the weighers of ``[filter_scheduler] weighers``.',
             'Add up the weighers of [filter_scheduler] weighers.'),
            ('Like :class:`sora.drivers.memory.MemoryDriver` but ``x``.',
             'Like sora.drivers.memory.MemoryDriver but x.'),
            ('No markup here.', 'No markup here.'),
        ]
        for text, expected in cases:
            self.assertEqual(expected, scheduler.plain_summary(text))


class ParsePairsTest(base.TestCase):

    def test_pairs_become_mapping(self):
        self.assertEqual({'rack': 'r1', 'ssd': '', 'a': 'b=c'},
                         arguments.parse_pairs(
                             '--label', ['rack=r1', 'ssd=', 'a=b=c'],
                             'rack=r1'))

    def test_same_key_twice_rejected_even_if_equal(self):
        error = self.assertRaises(exception.InvalidArgument,
                                  arguments.parse_pairs, '--label',
                                  ['rack=r1', 'rack=r1'], 'rack=r1')

        self.assertEqual('--label', error.argument)
        self.assertEqual('rack=r1', error.value)
        self.assertIn("key 'rack' is given twice", str(error))
