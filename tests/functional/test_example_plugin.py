"""The example plugin package, installed for real and used through sora.conf.

The package in examples/sora-example-policy is built and installed with pip
into a temporary folder, so its entry points are real installed metadata
and nothing is mocked. Commands run with that folder on PYTHONPATH, and the
in-process tests put it on sys.path.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import fixtures

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base
from tests import fixtures as sora_fixtures
from tests.functional.commands import GENERATOR_CONF
from tests.functional.commands import script

EXAMPLE = os.path.join(sora_fixtures.REPO_ROOT, 'examples',
                       'sora-example-policy')


class ExamplePluginTest(base.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = tempfile.mkdtemp(prefix='sora-example-')
        # Build from a copy, because pip writes build files beside the
        # sources. No index and no build isolation: everything the build
        # needs is already installed, so nothing is downloaded.
        source = os.path.join(cls.workdir, 'source')
        shutil.copytree(EXAMPLE, source)
        cls.target = os.path.join(cls.workdir, 'site')
        result = subprocess.run(
            [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
             '--no-index', '--no-build-isolation', '--target', cls.target,
             source],
            capture_output=True, text=True, timeout=300)
        if result.returncode:
            shutil.rmtree(cls.workdir)
            raise AssertionError('pip install of the example failed:\n%s'
                                 % result.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        self.inventory = self.write('hosts.json', json.dumps({'hosts': [
            {'name': 'big', 'memory_mb': 65536, 'vcpus': 16},
            {'name': 'fast', 'memory_mb': 16384, 'vcpus': 16,
             'labels': {'ssd': 'true'}}]}))

    def write(self, name, text):
        path = os.path.join(self.tempdir, name)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        return path

    def run_tool(self, *args):
        env = dict(os.environ, PYTHONPATH=self.target)
        return subprocess.run(list(args), capture_output=True, text=True,
                              timeout=120, env=env, cwd=self.tempdir)

    def use_installed_package(self):
        self.useFixture(fixtures.MonkeyPatch('sys.path',
                                             [self.target] + sys.path))
        self.addCleanup(self.forget_example_modules)

    @staticmethod
    def forget_example_modules():
        for name in list(sys.modules):
            if name.startswith('sora_example_policy'):
                del sys.modules[name]

    def test_policy_listed(self):
        result = self.run_tool(script('sora-scheduler'), 'drivers')

        self.assertEqual(0, result.returncode, result.stderr)
        [line] = [x for x in result.stdout.splitlines()
                  if x.startswith('preferred-label ')]
        self.assertIn('sora-example-policy 1.0.0', line)
        self.assertIn('Prefer hosts that carry the labels', line)

    def test_policy_selected_in_sora_conf(self):
        conf = self.write('sora.conf', '[scheduler]\n'
                          'driver = preferred-label\n'
                          '[preferred_label]\nlabels = ssd:true\n'
                          '[inventory]\npath = %s\n' % self.inventory)

        result = self.run_tool(script('sora-scheduler'), '--config-file',
                               conf, 'select', '--memory-mb', '1024',
                               '--format', 'json')

        self.assertEqual(0, result.returncode, result.stderr)
        output = json.loads(result.stdout)
        self.assertEqual('preferred-label', output['policy'])
        # "fast" has a quarter of the memory of "big" but the label.
        self.assertEqual('fast', output['selections'][0]['host'])

    def test_options_in_generated_sample(self):
        result = self.run_tool(script('oslo-config-generator'),
                               '--namespace', 'sora_example_policy')

        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('[preferred_label]', result.stdout)
        self.assertIn('#labels =', result.stdout)
        self.assertIn('[max_instances]', result.stdout)
        self.assertIn('#limit = 50', result.stdout)

    def test_validator_knows_plugin_options(self):
        conf = self.write('sora.conf', '[scheduler]\n'
                          'driver = preferred-label\n'
                          '[preferred_label]\nlabels = ssd:true\n')

        known = self.run_tool(script('oslo-config-validator'),
                              '--config-file', GENERATOR_CONF,
                              '--namespace', 'sora_example_policy',
                              '--input-file', conf)
        unknown = self.run_tool(script('oslo-config-validator'),
                                '--config-file', GENERATOR_CONF,
                                '--input-file', conf)

        self.assertEqual(0, known.returncode, known.stderr)
        self.assertEqual(1, unknown.returncode)
        self.assertIn('preferred_label/labels', unknown.stderr)

    def test_filter_and_policy_in_process(self):
        self.use_installed_package()
        self.conf([])
        self.flags(group='scheduler', driver='preferred-label')
        self.flags(group='filter_scheduler',
                   enabled_filters=['resources', 'max-instances'])
        manager = SchedulerManager(self.conf, load_inventory=False)
        self.flags(group='max_instances', limit=1)
        manager.reload()
        manager.set_hosts([Host('a', memory_mb=8192, vcpus_milli=4000),
                           Host('b', memory_mb=4096, vcpus_milli=4000)])

        first = manager.select_destinations(RequestSpec(memory_mb=1024))
        second = manager.select_destinations(RequestSpec(memory_mb=1024))
        error = self.assertRaises(exception.NoValidHost,
                                  manager.select_destinations,
                                  RequestSpec(memory_mb=1024))

        self.assertEqual(['a', 'b'], [first[0].host, second[0].host])
        self.assertEqual({'at the limit of 1 instances': 2}, error.reasons)
        self.assertEqual('sora-example-policy',
                         manager.pipeline.driver_info.distribution)
