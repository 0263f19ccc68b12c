"""oslo.config's own tools on sora's options, and --config-dir on the CLI.

These run the real console scripts that the test environment installs:
oslo-config-generator, oslo-config-validator and sora-scheduler.
"""

import json
import os
import subprocess

import fixtures

from tests import base
from tests import fixtures as sora_fixtures
from tests.functional.commands import GENERATOR_CONF
from tests.functional.commands import script

SHIPPED_SAMPLE = os.path.join(sora_fixtures.REPO_ROOT, 'etc', 'sora',
                              'sora.conf.sample')


class ConfigToolsTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.tempdir = self.useFixture(fixtures.TempDir()).path

    def write(self, name, text):
        path = os.path.join(self.tempdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        return path

    def run_tool(self, *args):
        return subprocess.run(list(args), capture_output=True, text=True,
                              timeout=120, cwd=self.tempdir)


class ValidatorTest(ConfigToolsTestCase):

    def sample(self):
        """Return the shipped sample, or generate one if there is none."""
        if os.path.exists(SHIPPED_SAMPLE):
            return SHIPPED_SAMPLE
        path = os.path.join(self.tempdir, 'sora.conf.sample')
        result = self.run_tool(script('oslo-config-generator'),
                               '--config-file', GENERATOR_CONF,
                               '--output-file', path)
        self.assertEqual(0, result.returncode, result.stderr)
        return path

    def validate(self, path):
        return self.run_tool(script('oslo-config-validator'),
                             '--config-file', GENERATOR_CONF,
                             '--input-file', path)

    def test_sample_is_valid(self):
        result = self.validate(self.sample())

        self.assertEqual(0, result.returncode, result.stderr)

    def test_conf_with_values_is_valid(self):
        path = self.write('sora.conf', '[DEFAULT]\ndebug = true\n'
                          '[scheduler]\ndriver = random\nseed = 4\n'
                          '[filter_scheduler]\nhost_subset_size = 2\n'
                          '[inventory]\nsource = file\n')

        result = self.validate(path)

        self.assertEqual(0, result.returncode, result.stderr)

    def test_unknown_option_fails(self):
        path = self.write('sora.conf',
                          '[scheduler]\ndriver = random\ndriverr = x\n')

        result = self.validate(path)

        self.assertEqual(1, result.returncode)
        self.assertIn('scheduler/driverr is not part of the sample config',
                      result.stderr)

    def test_unknown_group_fails(self):
        path = self.write('sora.conf', '[schedulr]\ndriver = random\n')

        result = self.validate(path)

        self.assertEqual(1, result.returncode)
        self.assertIn('schedulr/driver', result.stderr)


class ConfigDirTest(ConfigToolsTestCase):
    """Files in sora.conf.d override sora.conf, the last file by name wins.

    The memory policy places on "big", the random policy with seed 5 on
    "small" first, so the chosen host shows which policy ran.
    """

    def setUp(self):
        super().setUp()
        inventory = self.write('hosts.json', json.dumps({'hosts': [
            {'name': 'big', 'memory_mb': 65536, 'vcpus': 16},
            {'name': 'small', 'memory_mb': 8192, 'vcpus': 16}]}))
        self.conf_file = self.write(
            'sora.conf', '[scheduler]\ndriver = memory\nseed = 5\n'
            '[inventory]\npath = %s\n' % inventory)
        self.conf_dir = os.path.join(self.tempdir, 'sora.conf.d')
        os.makedirs(self.conf_dir)

    def select(self):
        result = self.run_tool(script('sora-scheduler'),
                               '--config-file', self.conf_file,
                               '--config-dir', self.conf_dir,
                               'select', '--memory-mb', '1024',
                               '--format', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        return json.loads(result.stdout)

    def test_without_overrides(self):
        output = self.select()

        self.assertEqual('memory', output['policy'])
        self.assertEqual('big', output['selections'][0]['host'])

    def test_conf_dir_overrides_conf_file(self):
        self.write('sora.conf.d/10-policy.conf',
                   '[scheduler]\ndriver = random\n')

        self.assertEqual('random', self.select()['policy'])

    def test_later_file_in_conf_dir_wins(self):
        self.write('sora.conf.d/10-policy.conf',
                   '[scheduler]\ndriver = random\n')
        self.write('sora.conf.d/20-policy.conf',
                   '[scheduler]\ndriver = memory\n')

        self.assertEqual('memory', self.select()['policy'])

    def test_invalid_value_in_conf_dir_named(self):
        path = self.write('sora.conf.d/10-policy.conf',
                          '[scheduler]\ndriver = memroy\n')

        result = self.run_tool(script('sora-scheduler'),
                               '--config-file', self.conf_file,
                               '--config-dir', self.conf_dir,
                               'select', '--memory-mb', '1024')

        self.assertEqual(2, result.returncode)
        self.assertIn("'memroy'", result.stderr)
        self.assertIn(path, result.stderr)
        self.assertNotIn('Traceback', result.stderr)
