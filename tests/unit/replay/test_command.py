"""The ``sora-scheduler replay`` command, run through its main()."""

import io
import json
import os
import sys

import fixtures

from sora.cmd import scheduler
from sora.replay import command as replay_command
from sora.replay import policies
from sora.replay import progress
from tests.unit.replay import base

HOSTS = [{'name': 'h1', 'vcpus': 8, 'memory_mb': 8192, 'gpus': 2},
         {'name': 'h2', 'vcpus': 8, 'memory_mb': 8192}]
TRACE = ['0,10,4096,2,0,1,500,,a', '1,,4096,2,0,0,,,b',
         '2,5,9000,1,0,0,,,too-big', '3,8,1024,1,0,1,1000,,c']


class ReplayCommandTest(base.ReplayTestCase):

    def setUp(self):
        super().setUp()
        inventory = self.use_hosts(HOSTS)
        self.config = self.write('sora.conf', '[inventory]\nsource = file\n'
                                 'path = %s\n' % inventory)
        self.trace = self.write_trace(TRACE)

    def main(self, *args):
        stdout = io.StringIO()
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        status = scheduler.main(['--config-file', self.config, 'replay']
                                + list(args))
        return status, stdout.getvalue(), stderr.getvalue()

    def test_compare_all_has_column_per_policy(self):
        status, out, err = self.main(self.trace, '--compare', 'all')

        self.assertEqual(0, status, err)
        header = [line for line in out.splitlines()
                  if line.startswith('policy ')][0]
        self.assertEqual(['policy'] + policies.installed_policies(),
                         header.split())
        self.assertIn('unplaced', out)
        self.assertIn('1 memory_mb larger than the host', out)

    def test_json_figures(self):
        status, out, err = self.main(self.trace, '--driver', 'memory',
                                     '--json')

        self.assertEqual(0, status, err)
        data = json.loads(out)
        self.assertEqual(4, data['workloads'])
        self.assertEqual(2, data['hosts'])
        summary = data['policies'][0]
        self.assertEqual('memory', summary['policy'])
        self.assertEqual((3, 1), (summary['placed'], summary['unplaced']))
        self.assertEqual({'memory_mb larger than the host': 1},
                         summary['unplaced_reasons'])
        self.assertEqual(4, summary['decision_latency_ms']['decisions'])
        self.assertEqual({'cpu', 'memory', 'gpu'},
                         set(summary['allocation_percent']))

    def test_malformed_line_exits_2_naming_it(self):
        bad = self.write_trace(TRACE + ['4,,lots,1,0,0,,,bad'],
                               name='bad.csv')

        status, out, err = self.main(bad)

        self.assertEqual(2, status)
        self.assertIn('%s, line 6, field memory_mb=' % bad, err)
        self.assertNotIn('Traceback', err)
        self.assertEqual('', out)

    def test_skip_invalid_reports_count(self):
        bad = self.write_trace(TRACE + ['4,,lots,1,0,0,,,bad'],
                               name='bad.csv')

        status, out, err = self.main(bad, '--skip-invalid', '--json')

        self.assertEqual(0, status, err)
        data = json.loads(out)
        self.assertEqual(1, data['skipped_lines'])
        self.assertEqual(4, data['workloads'])
        self.assertIn('line 6', data['skipped'][0])

    def test_unknown_policy_suggests_name(self):
        status, _out, err = self.main(self.trace, '--compare',
                                      'memory,randmo')

        self.assertEqual(2, status)
        self.assertIn("'randmo'", err)
        self.assertIn("Did you mean 'random'?", err)

    def test_unknown_driver_named_as_option(self):
        for value in ('randmo', 'binpack,memory', ''):
            status, out, err = self.main(self.trace, '--driver', value)

            self.assertEqual(2, status, value)
            self.assertIn('for --driver', err, value)
            self.assertNotIn('[scheduler] driver', err, value)
            self.assertEqual('', out, value)

    def test_empty_compare_rejected(self):
        for value in ('', ' , '):
            status, out, err = self.main(self.trace, '--compare', value)

            self.assertEqual(2, status)
            self.assertIn("Invalid value %r for --compare" % value, err)
            self.assertEqual('', out)

    def test_repeated_compare_policy_rejected(self):
        for value, repeated in (('memory,memory', 'memory'),
                                ('random, spread,random,spread',
                                 'random, spread'),
                                ('all,all', 'all')):
            status, out, err = self.main(self.trace, '--compare', value)

            self.assertEqual(2, status, value)
            self.assertIn("Invalid value %r for --compare: %s listed more "
                          "than once; list each policy once"
                          % (value, repeated), err)
            self.assertEqual('', out, value)

    def test_compare_all_with_named_policy(self):
        # A policy named beside all is replayed once, and it must load.
        status, out, err = self.main(self.trace, '--compare', 'all,memory')

        self.assertEqual(0, status, err)
        header = [line for line in out.splitlines()
                  if line.startswith('policy ')]
        self.assertEqual(1, header[0].split().count('memory'), out)

    def test_singular_counts(self):
        self.use_hosts(HOSTS[:1])
        one = self.write_trace(['0,,1024,1,0,0,,,a', '1,,x,1,0,0,,,bad'],
                               name='one.csv')

        status, out, err = self.main(one, '--skip-invalid')

        self.assertEqual(0, status, err)
        self.assertIn('(sora format, 1 workload) on 1 host, seed', out)
        self.assertIn('Skipped 1 invalid trace line:', out)

    def test_plot_format_checked_before_replay(self):
        for name in ('out.txt', 'out', 'out.png.bak'):
            path = os.path.join(self.tmp, name)

            status, out, err = self.main(self.trace, '--plot', path)

            self.assertEqual(2, status, name)
            self.assertIn('the extension names no format', err)
            self.assertIn('.png', err)
            self.assertEqual('', out)
            self.assertFalse(os.path.exists(path), name)

    def test_unwritable_plot_file_checked_before_replay(self):
        # The tests may run as root, which can write any file, so the
        # file cannot be written because its name is too long instead.
        path = os.path.join(self.tmp, 'x' * 300 + '.png')

        status, out, err = self.main(self.trace, '--plot', path)

        self.assertEqual(2, status)
        self.assertIn('the file cannot be written (File name too long)', err)
        self.assertEqual('', out)

    def test_plot_check_keeps_existing_file(self):
        path = os.path.join(self.tmp, 'old.png')
        with open(path, 'w') as stream:
            stream.write('old')

        missing_trace = os.path.join(self.tmp, 'missing.csv')

        status, _out, err = self.main(missing_trace, '--plot', path)

        self.assertEqual(2, status, err)
        self.assertIn('cannot be read', err)
        with open(path) as stream:
            self.assertEqual('old', stream.read())

    def test_control_characters_in_paths_escaped(self):
        trace = os.path.join(self.tmp, 'tr\x1b[31m.csv')
        with open(self.trace, 'rb') as source, open(trace, 'wb') as copy:
            copy.write(source.read())
        plot = os.path.join(self.tmp, 'no\x1b[2Jdir', 'out.png')

        status, out, err = self.main(trace)
        self.assertEqual(0, status, err)
        self.assertIn("Replayed '%s'" % trace.replace('\x1b', '\\x1b'),
                      out)

        status, out, err = self.main(trace, '--plot', plot)
        self.assertEqual(2, status)
        self.assertIn('does not exist', err)
        self.assertNotIn('\x1b', out + err)

    def test_plot_special_files_rejected(self):
        pipe = os.path.join(self.tmp, 'pipe.png')
        os.mkfifo(pipe)
        dangling = os.path.join(self.tmp, 'link.png')
        target = os.path.join(self.tmp, 'target.png')
        os.symlink(target, dangling)

        for path in (pipe, dangling):
            status, out, err = self.main(self.trace, '--plot', path)

            self.assertEqual(2, status, path)
            self.assertIn('exists and is not a regular file', err)
            self.assertEqual('', out)
        self.assertTrue(os.path.islink(dangling))
        self.assertFalse(os.path.exists(target))

    def test_plot_format_needing_latex_rejected(self):
        path = os.path.join(self.tmp, 'out.pgf')

        status, out, err = self.main(self.trace, '--plot', path)

        self.assertEqual(2, status)
        self.assertIn('the extension names no format', err)
        self.assertEqual('', out)

    def test_plot_folder_checked_before_replay(self):
        png = os.path.join(self.tmp, 'missing', 'out.png')

        status, out, err = self.main(self.trace, '--plot', png)

        self.assertEqual(2, status)
        self.assertIn('does not exist', err)
        self.assertIn(png, err)
        self.assertEqual('', out)

    def test_json_has_no_infinity(self):
        data = {'mean': float('inf'), 'rows': [1.5, float('nan')],
                'nested': {'low': float('-inf')}}

        self.assertEqual({'mean': None, 'rows': [1.5, None],
                          'nested': {'low': None}},
                         replay_command.finite_json(data))

    def test_seeds_need_protocol(self):
        status, _out, err = self.main(self.trace, '--seeds', '1-2')

        self.assertEqual(2, status)
        self.assertIn('--seeds', err)
        self.assertIn('only valid with --protocol inflation', err)

    def test_huge_counts_rejected_before_replay(self):
        for args, message in (
                (('--samples', '99999999999'), 'above the maximum of 100000'),
                (('--protocol', 'inflation', '--seeds', '1-100000000'),
                 'more than 1000 seeds')):
            status, out, err = self.main(self.trace, *args)

            self.assertEqual(2, status, args)
            self.assertIn(message, err, args)
            self.assertNotIn('Traceback', err, args)
            self.assertEqual('', out, args)

    def test_plot_without_matplotlib_names_extra(self):
        # A fake: matplotlib cannot be uninstalled for one test, so a None
        # entry in sys.modules makes its import fail as if it were absent.
        self.useFixture(fixtures.MonkeyPatch(
            'sys.modules', dict(sys.modules, matplotlib=None)))
        png = os.path.join(self.tmp, 'out.png')

        status, out, err = self.main(self.trace, '--plot', png)

        self.assertEqual(2, status)
        self.assertIn("pip install 'sora[plot]'", err)
        self.assertEqual('', out)
        self.assertFalse(os.path.exists(png))

    def test_plot_writes_png(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("matplotlib is not installed; install the 'plot' "
                          "extra to run this test")
        png = os.path.join(self.tmp, 'out.png')

        status, _out, err = self.main(self.trace, '--compare',
                                      'memory,random', '--plot', png)

        self.assertEqual(0, status, err)
        with open(png, 'rb') as stream:
            self.assertEqual(b'\x89PNG', stream.read(4))

    def test_protocol_table_per_percent(self):
        status, out, err = self.main(self.trace, '--protocol', 'inflation',
                                     '--seeds', '1-2', '--target-factor',
                                     '0.5', '--json')

        self.assertEqual(0, status, err)
        data = json.loads(out)
        self.assertEqual([1, 2], data['seeds'])
        summary = data['policies'][0]
        self.assertEqual(50, len(summary['gpu_allocation_percent']))
        self.assertEqual(2, len(summary['per_seed']))
        self.assertIsNone(summary['mean_at_100'])


class FakeTerminal(io.StringIO):
    """A stream that reports being a terminal, as stderr on a console."""

    def isatty(self):
        return True


class ProgressBarTest(base.ReplayTestCase):

    def test_drawn_on_terminal(self):
        stream = FakeTerminal()
        bar = progress.ProgressBar.for_stream(stream, 'replay memory', 200)

        bar(50)
        bar.finish()

        text = stream.getvalue()
        self.assertIn('\rreplay memory [#######', text)
        self.assertIn(' 25% 50/200', text)
        self.assertTrue(text.endswith('100% 200/200\n'))

    def test_none_off_terminal(self):
        self.assertIsNone(progress.ProgressBar.for_stream(
            io.StringIO(), 'replay memory', 200))
