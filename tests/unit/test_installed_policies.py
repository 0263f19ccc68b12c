"""Policies from real installed distributions, selected by sora.conf.

Each test builds a small distribution whose own setup.cfg declares a policy
in the ``sora.scheduler`` entry-point namespace, installs it with pip into a
temporary folder and runs ``sora-scheduler`` with that folder on PYTHONPATH.
No entry point is mocked.
"""

import json
import os

import fixtures

from tests import base
from tests import cli
from tests import distribution

SMALLEST_SOURCE = '''
    """A policy that packs: the least free memory that fits wins."""

    from sora.drivers import base


    class SmallestPolicy(base.SchedulerDriver):
        """Choose the host with the least free memory that fits."""

        def score_hosts(self, hosts, rows, request):
            return -hosts.memory_mb_free[rows]
'''

BROKEN_SOURCE = '''
    import sora_no_such_dependency


    class BrokenPolicy:
        pass
'''


class InstalledPolicyTestCase(base.TestCase):
    """Tests that share one installed distribution per class.

    Building and installing a distribution takes seconds, so each class
    installs its own once, in setUpClass, and removes it afterwards.
    """

    # Arguments of distribution.InstalledDistribution.
    DISTRIBUTION = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.distribution = distribution.InstalledDistribution(
            **cls.DISTRIBUTION)
        cls.distribution.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.distribution.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def run_cli(self, args, config_text=''):
        config = os.path.join(self.folder, 'sora.conf')
        with open(config, 'w', encoding='utf-8') as stream:
            stream.write(config_text)
        return cli.run(args, config, pythonpath=self.distribution.path)

    def write_trace(self):
        """Write a trace of one small workload and return its path."""
        path = os.path.join(self.folder, 'trace.csv')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write('arrival,departure,memory_mb,vcpus,disk_gb,gpus,'
                         'gpu_milli,gpu_models,name\n0,10,2048,1,0,0,,,a\n')
        return path

    def replay_all(self):
        """Replay that trace with every installed policy.

        Return the command's result and the policies it replayed.
        """
        result = self.run_cli(['replay', self.write_trace(), '--compare',
                               'all', '--json'])

        self.assertEqual(0, result.returncode, result.stderr)
        replayed = [s['policy'] for s in json.loads(result.stdout)['policies']]
        return result, replayed


class PolicyPackageTest(InstalledPolicyTestCase):
    """A package with a working policy and one whose import fails."""

    DISTRIBUTION = {
        'name': 'sora-test-policies',
        'modules': {'sora_test_smallest': SMALLEST_SOURCE,
                    'sora_test_broken': BROKEN_SOURCE},
        'entry_points': {'sora.scheduler': [
            'smallest = sora_test_smallest:SmallestPolicy',
            'broken = sora_test_broken:BrokenPolicy']},
    }

    def test_policy_selected_by_one_config_line(self):
        result = self.run_cli(['select', '--memory-mb', '2048', '--vcpus',
                               '1', '--format', 'json'],
                              '[scheduler]\ndriver = smallest\n')

        self.assertEqual(0, result.returncode, result.stderr)
        output = json.loads(result.stdout)
        self.assertEqual('smallest', output['policy'])
        # In the sample inventory, edge-01 has the least free memory
        # (8192 MiB) of the hosts with room for 2048 MiB and 1 CPU; the
        # built-in memory policy would choose gpu-01 instead.
        selection, = output['selections']
        self.assertEqual('edge-01', selection['host'])
        self.assertEqual(['compute-02', 'compute-04'],
                         selection['alternates'])
        self.assertIn('Loaded scheduler policy smallest '
                      '(sora_test_smallest:SmallestPolicy) from '
                      'sora-test-policies 1.0', result.stderr)

    def test_drivers_lists_working_and_broken(self):
        result = self.run_cli(['drivers'])

        self.assertEqual(0, result.returncode, result.stderr)
        rows = {line.split()[0]: line
                for line in result.stdout.splitlines()[1:]}
        self.assertIn('sora_test_smallest:SmallestPolicy', rows['smallest'])
        self.assertIn('sora-test-policies 1.0', rows['smallest'])
        self.assertIn('Choose the host with the least free memory that '
                      'fits.', rows['smallest'])
        self.assertNotIn('BROKEN', rows['memory'])
        self.assertNotIn('BROKEN', rows['random'])
        self.assertIn('sora-test-policies 1.0', rows['broken'])
        self.assertIn("BROKEN: ModuleNotFoundError: No module named "
                      "'sora_no_such_dependency'", rows['broken'])

    def test_selecting_broken_policy_fails_clearly(self):
        result = self.run_cli(['select'], '[scheduler]\ndriver = broken\n')

        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual('', result.stdout)
        self.assertIn("Failed to load plugin 'broken' "
                      "(broken = sora_test_broken:BrokenPolicy) in "
                      "namespace sora.scheduler, declared by "
                      "sora-test-policies", result.stderr)
        self.assertIn("ModuleNotFoundError: No module named "
                      "'sora_no_such_dependency'", result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_other_policies_still_work(self):
        result = self.run_cli(['select'])
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('host: gpu-01', result.stdout)

    def test_compare_all_skips_broken_policy(self):
        result, replayed = self.replay_all()

        self.assertIn('smallest', replayed)
        self.assertIn('memory', replayed)
        self.assertNotIn('broken', replayed)
        self.assertIn("sora-scheduler: warning: skipped policy broken, "
                      "which failed to load: Failed to load plugin 'broken'",
                      result.stderr)
        self.assertIn("No module named 'sora_no_such_dependency'",
                      result.stderr)

    def test_compare_named_broken_policy_fails(self):
        result = self.run_cli(['replay', self.write_trace(), '--compare',
                               'all,broken'])

        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual('', result.stdout)
        self.assertIn("Failed to load plugin 'broken'", result.stderr)
        self.assertNotIn('Traceback', result.stderr)


class ConflictingPolicyTest(InstalledPolicyTestCase):
    """A package that declares a policy name that sora already uses."""

    DISTRIBUTION = {
        'name': 'sora-test-conflict',
        'modules': {'sora_test_smallest': SMALLEST_SOURCE},
        'entry_points': {'sora.scheduler': [
            'memory = sora_test_smallest:SmallestPolicy']},
    }

    def test_name_declared_twice_names_both(self):
        result = self.run_cli(['select'])

        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("Plugin name 'memory' in namespace sora.scheduler is "
                      "declared by more than one package: sora, "
                      "sora-test-conflict.", result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_compare_all_skips_conflict(self):
        result, replayed = self.replay_all()

        self.assertNotIn('memory', replayed)
        self.assertIn('binpack', replayed)
        self.assertIn('skipped policy memory', result.stderr)
        self.assertIn('declared by more than one package', result.stderr)

    def test_drivers_shows_conflict(self):
        result = self.run_cli(['drivers'])

        self.assertEqual(0, result.returncode, result.stderr)
        memory_rows = [line for line in result.stdout.splitlines()
                       if line.startswith('memory ')]
        self.assertEqual(2, len(memory_rows))
        rows = {row.split()[2]: row for row in memory_rows}
        self.assertTrue(rows['sora'].endswith(
            'BROKEN: name also declared by sora-test-conflict'))
        self.assertTrue(rows['sora-test-conflict'].endswith(
            'BROKEN: name also declared by sora'))
