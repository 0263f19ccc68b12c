"""Tests for sora's options and the sample configuration file."""

import difflib
import os
import subprocess
import sys

import fixtures
from oslo_config import cfg

import sora.conf
from sora.conf import opts as conf_opts
from sora.conf import scheduler as scheduler_conf
from sora import exception
from sora.scheduler import pipeline
from tests import base
from tests import fixtures as sora_fixtures

GENERATOR_CONF = os.path.join('etc', 'sora', 'sora-config-generator.conf')
SAMPLE = os.path.join('etc', 'sora', 'sora.conf.sample')


class SchedulerOptionsTest(base.TestCase):

    def test_driver_defaults_to_memory(self):
        self.assertEqual('memory', self.conf.scheduler.driver)

    def test_driver_has_no_choices(self):
        # Third-party packages add policies, so the option must accept any
        # name and let the plugin loader check it.
        driver, = [opt for opt in scheduler_conf.OPTS if opt.name == 'driver']
        self.assertIsNone(driver.type.choices)

    def test_every_group_listed_for_generator(self):
        groups = [group.name for group, _opts in conf_opts.list_opts()]
        self.assertEqual(['scheduler', 'filter_scheduler', 'inventory',
                          'etcd'], groups)

    def test_confs_do_not_share_overrides(self):
        first = cfg.ConfigOpts()
        second = cfg.ConfigOpts()
        sora.conf.register_opts(first)
        sora.conf.register_opts(second)
        # Registering twice on one ConfigOpts is harmless.
        sora.conf.register_opts(second)

        first.set_override('driver', 'random', 'scheduler')
        second.set_override('path', '/tmp/second.json', 'inventory')

        self.assertEqual('random', first.scheduler.driver)
        self.assertEqual('memory', second.scheduler.driver)
        self.assertIsNone(first.inventory.path)
        self.assertEqual('/tmp/second.json', second.inventory.path)

    def test_module_registration_not_shared(self):
        for module in sora.conf.MODULES:
            first = cfg.ConfigOpts()
            second = cfg.ConfigOpts()
            module.register_opts(first)
            module.register_opts(second)
            group = module.GROUP.name
            opt = module.OPTS[0]
            first.set_override(opt.dest, opt.default, group)

            self.assertEqual('set_override',
                             first.get_location(opt.dest, group)
                             .location.name)
            self.assertEqual('opt_default',
                             second.get_location(opt.dest, group)
                             .location.name, group)

    def test_config_files_of_unparsed_conf(self):
        self.assertEqual([], sora.conf.config_files(cfg.ConfigOpts()))
        self.assertEqual([], sora.conf.option_files(self.conf, 'scheduler',
                                                    'driver'))


class ValidateOptsTest(base.TestCase):

    def _parse(self, text):
        folder = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(folder, 'sora.conf')
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        self.conf(['--config-file', path])
        return path

    def test_bad_values_name_option_file_and_valid_values(self):
        cases = [
            ('scheduler', 'max_attempts', 'three',
             'expected an integer of 1 or more'),
            ('scheduler', 'max_attempts', '0',
             'expected an integer of 1 or more'),
            ('scheduler', 'seed', '-1', 'expected an integer of 0 or more'),
            ('filter_scheduler', 'ram_allocation_ratio', 'high',
             'expected a number from 0 to 1000'),
            ('filter_scheduler', 'cpu_allocation_ratio', 'inf',
             'expected a number from 0 to 1000'),
            ('filter_scheduler', 'ram_allocation_ratio', '1e18',
             'expected a number from 0 to 1000'),
            ('filter_scheduler', 'reserved_host_memory_mb', '1e23',
             'expected an integer from 0 to 281474976710656'),
            ('filter_scheduler', 'reserved_host_disk_gb',
             '100000000000000000000000',
             'expected an integer from 0 to 281474976710656'),
            ('filter_scheduler', 'shuffle_best_same_weighed_hosts', 'maybe',
             'expected a boolean value'),
        ]
        for group, option, value, expected in cases:
            path = self._parse('[%s]\n%s = %s\n' % (group, option, value))
            error = self.assertRaises(exception.ConfigError,
                                      sora.conf.validate_opts, self.conf,
                                      conf_opts.list_opts())
            self.assertEqual(group, error.group)
            self.assertEqual(option, error.option)
            self.assertEqual(value, error.value)
            self.assertEqual([path], error.config_files)
            message = str(error)
            self.assertIn('[%s] %s' % (group, option), message)
            self.assertIn(path, message)
            self.assertIn(expected, message)
            self.conf.reset()
            self.conf.clear()

    def test_messages_plain_words(self):
        cases = [
            ('filter_scheduler', 'ram_allocation_ratio', 'two',
             'not a number; expected a number from 0 to 1000'),
            ('filter_scheduler', 'reserved_host_memory_mb',
             '281474976710657', 'out of range; expected an integer from 0 '
             'to 281474976710656'),
            ('scheduler', 'max_attempts', '1.5',
             'not an integer; expected an integer of 1 or more'),
            ('filter_scheduler', 'ram_weight_multiplier', '1e308',
             'out of range; expected a number from -1000000 to 1000000'),
            ('filter_scheduler', 'num_instances_weight_multiplier', '-2e6',
             'out of range; expected a number from -1000000 to 1000000'),
        ]
        for group, option, value, expected in cases:
            self._parse('[%s]\n%s = %s\n' % (group, option, value))
            error = self.assertRaises(exception.ConfigError,
                                      sora.conf.validate_opts, self.conf,
                                      conf_opts.list_opts())
            message = str(error)
            self.assertIn(expected, message)
            self.assertNotIn('could not convert', message)
            self.assertNotIn('e+', message)
            self.assertNotIn('Should be', message)
            self.conf.reset()
            self.conf.clear()

    def test_nan_floats_rejected(self):
        for option in ('cpu_allocation_ratio', 'ram_allocation_ratio',
                       'disk_allocation_ratio', 'reserved_host_cpus'):
            path = self._parse('[filter_scheduler]\n%s = nan\n' % option)
            error = self.assertRaises(exception.ConfigError,
                                      sora.conf.validate_opts, self.conf,
                                      conf_opts.list_opts())
            self.assertEqual(option, error.option)
            self.assertEqual([path], error.config_files)
            self.assertIn('nan', str(error))
            self.assertIn('not a finite number', str(error))
            self.conf.reset()
            self.conf.clear()

    def test_valid_file_passes(self):
        self._parse('[scheduler]\nmax_attempts = 5\n')
        sora.conf.validate_opts(self.conf, conf_opts.list_opts())
        self.assertEqual(5, self.conf.scheduler.max_attempts)


class ReadSettingsTest(base.TestCase):
    """Capacity options read for a pipeline, through real files."""

    _parse = ValidateOptsTest._parse

    def test_reserved_cpus_kept_in_thousandths(self):
        self._parse('[filter_scheduler]\nreserved_host_cpus = 0.5\n')
        settings = pipeline.read_settings(self.conf)
        self.assertEqual(500, settings.capacity.reserved['vcpus_milli'])

    def test_reserved_cpus_with_four_decimals_rejected(self):
        path = self._parse('[filter_scheduler]\nreserved_host_cpus = 0.0001\n')
        error = self.assertRaises(exception.ConfigError,
                                  pipeline.read_settings, self.conf)
        self.assertEqual('reserved_host_cpus', error.option)
        self.assertEqual([path], error.config_files)
        self.assertIn('more than three decimal places', str(error))

    def test_nan_ratio_override_rejected(self):
        # oslo.config checks an override against max, but nan passes it.
        self.flags(group='filter_scheduler', cpu_allocation_ratio=float('nan'))
        error = self.assertRaises(exception.ConfigError,
                                  pipeline.read_settings, self.conf)
        self.assertEqual('cpu_allocation_ratio', error.option)
        self.assertIn('finite', str(error))

    def test_largest_ratio_accepted(self):
        self.flags(group='filter_scheduler', ram_allocation_ratio=1000.0)
        settings = pipeline.read_settings(self.conf)
        self.assertEqual(1000.0, settings.capacity.ratios['memory_mb'])


class SampleConfigTest(base.TestCase):

    def test_sample_is_current(self):
        """Run the real oslo-config-generator and compare with the sample."""
        output = os.path.join(self.useFixture(fixtures.TempDir()).path,
                              'sora.conf.sample')
        result = subprocess.run(
            [sys.executable, '-m', 'oslo_config.generator',
             '--config-file', GENERATOR_CONF, '--output-file', output],
            cwd=sora_fixtures.REPO_ROOT, capture_output=True, text=True,
            check=False)
        self.assertEqual(0, result.returncode, result.stderr)

        with open(output, encoding='utf-8') as stream:
            generated = stream.read().splitlines(keepends=True)
        with open(os.path.join(sora_fixtures.REPO_ROOT, SAMPLE),
                  encoding='utf-8') as stream:
            committed = stream.read().splitlines(keepends=True)

        diff = ''.join(difflib.unified_diff(committed, generated, SAMPLE,
                                            'generated'))
        if diff:
            self.fail('%s is stale: run "tox -e genconfig" and commit the '
                      'result.\n%s' % (SAMPLE, diff))
