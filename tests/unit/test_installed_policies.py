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

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def write(self, name, text):
        path = os.path.join(self.folder, name)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        return path

    def install(self, name, module, source, lines):
        return self.useFixture(distribution.InstalledDistribution(
            name, module, source, {'sora.scheduler': lines})).path


class ThirdPartyPolicyTest(InstalledPolicyTestCase):

    def test_policy_selected_by_one_config_line(self):
        path = self.install('sora-test-smallest', 'sora_test_smallest',
                            SMALLEST_SOURCE,
                            ['smallest = sora_test_smallest:SmallestPolicy'])
        config = self.write('sora.conf', '[scheduler]\ndriver = smallest\n')

        result = cli.run(['select', '--memory-mb', '2048', '--vcpus', '1',
                          '--format', 'json'], config, pythonpath=path)

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
                      'sora-test-smallest 1.0', result.stderr)

    def test_policy_listed_by_drivers(self):
        path = self.install('sora-test-smallest', 'sora_test_smallest',
                            SMALLEST_SOURCE,
                            ['smallest = sora_test_smallest:SmallestPolicy'])
        result = cli.run(['drivers'], self.write('sora.conf', ''),
                         pythonpath=path)
        self.assertEqual(0, result.returncode, result.stderr)
        row, = [line for line in result.stdout.splitlines()
                if line.startswith('smallest ')]
        self.assertIn('sora_test_smallest:SmallestPolicy', row)
        self.assertIn('sora-test-smallest 1.0', row)
        self.assertIn('Choose the host with the least free memory that fits.',
                      row)


class BrokenPolicyTest(InstalledPolicyTestCase):

    def setUp(self):
        super().setUp()
        self.path = self.install('sora-test-broken', 'sora_test_broken',
                                 BROKEN_SOURCE,
                                 ['broken = sora_test_broken:BrokenPolicy'])

    def test_selecting_broken_policy_fails_clearly(self):
        config = self.write('sora.conf', '[scheduler]\ndriver = broken\n')

        result = cli.run(['select'], config, pythonpath=self.path)

        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual('', result.stdout)
        self.assertIn("Failed to load plugin 'broken' "
                      "(broken = sora_test_broken:BrokenPolicy) in "
                      "namespace sora.scheduler, declared by "
                      "sora-test-broken", result.stderr)
        self.assertIn("ModuleNotFoundError: No module named "
                      "'sora_no_such_dependency'", result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_drivers_lists_broken_policy(self):
        result = cli.run(['drivers'], self.write('sora.conf', ''),
                         pythonpath=self.path)

        self.assertEqual(0, result.returncode, result.stderr)
        rows = {line.split()[0]: line
                for line in result.stdout.splitlines()[1:]}
        self.assertIn('memory', rows)
        self.assertIn('random', rows)
        self.assertNotIn('BROKEN', rows['memory'])
        self.assertIn('sora-test-broken 1.0', rows['broken'])
        self.assertIn("BROKEN: ModuleNotFoundError: No module named "
                      "'sora_no_such_dependency'", rows['broken'])

    def test_other_policies_still_work(self):
        result = cli.run(['select'], self.write('sora.conf', ''),
                         pythonpath=self.path)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('host: gpu-01', result.stdout)


class ConflictingPolicyTest(InstalledPolicyTestCase):

    def setUp(self):
        super().setUp()
        self.path = self.install('sora-test-conflict', 'sora_test_conflict',
                                 SMALLEST_SOURCE.replace(
                                     'sora_test_smallest',
                                     'sora_test_conflict'),
                                 ['memory = sora_test_conflict:'
                                  'SmallestPolicy'])

    def test_name_declared_twice_names_both(self):
        result = cli.run(['select'], self.write('sora.conf', ''),
                         pythonpath=self.path)

        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("Plugin name 'memory' in namespace sora.scheduler is "
                      "declared by more than one package: sora, "
                      "sora-test-conflict.", result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_drivers_shows_conflict(self):
        result = cli.run(['drivers'], self.write('sora.conf', ''),
                         pythonpath=self.path)
        self.assertEqual(0, result.returncode, result.stderr)
        memory_rows = [line for line in result.stdout.splitlines()
                       if line.startswith('memory ')]
        self.assertEqual(2, len(memory_rows))
        rows = {row.split()[2]: row for row in memory_rows}
        self.assertTrue(rows['sora'].endswith(
            'BROKEN: name also declared by sora-test-conflict'))
        self.assertTrue(rows['sora-test-conflict'].endswith(
            'BROKEN: name also declared by sora'))
