"""Tests for PluginSource, on injected and on installed plugins."""

import importlib.metadata
import os
import sys

import fixtures

from sora.drivers.memory import MemoryDriver
from sora.drivers.random_choice import RandomDriver
from sora import exception
from sora import plugins
from tests import base
from tests import plugin_sources


def record_metadata_reads(test):
    """Return the list of entry-point names whose metadata gets read."""
    read = []
    original = plugins._distribution

    def recording(entry):
        read.append(entry.name)
        return original(entry)

    test.useFixture(fixtures.MonkeyPatch('sora.plugins._distribution',
                                         recording))
    return read


class Documented:
    """First line of the summary.

    More detail that the listing leaves out.
    """


class Undocumented:
    pass


class InjectedPluginSourceTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.source = plugin_sources.fake_source(
            'sora.test', {'zeta': Undocumented, 'alpha': Documented})

    def test_names_sorted(self):
        self.assertEqual(['alpha', 'zeta'], self.source.names())

    def test_load_returns_plugin(self):
        info = self.source.load('alpha', 'scheduler', 'driver')
        self.assertEqual('alpha', info.name)
        self.assertIs(Documented, info.plugin)
        self.assertIsNone(info.error)
        self.assertEqual('First line of the summary.', info.summary)

    def test_unknown_name_suggests_closest(self):
        error = self.assertRaises(exception.PluginNotFound, self.source.load,
                                  'alpah', 'scheduler', 'driver',
                                  ['/etc/sora/sora.conf'])
        self.assertEqual('scheduler', error.group)
        self.assertEqual('driver', error.option)
        self.assertEqual('alpah', error.value)
        self.assertEqual(['alpha', 'zeta'], error.installed)
        self.assertEqual('alpha', error.suggestion)
        self.assertEqual(['/etc/sora/sora.conf'], error.config_files)
        message = str(error)
        self.assertIn('[scheduler] driver', message)
        self.assertIn("'alpah'", message)
        self.assertIn('Installed: alpha, zeta', message)
        self.assertIn("Did you mean 'alpha'?", message)
        self.assertIn('/etc/sora/sora.conf', message)

    def test_unknown_name_without_close_match(self):
        error = self.assertRaises(exception.PluginNotFound, self.source.load,
                                  'qqqqqqqq', 'scheduler', 'driver')
        self.assertIsNone(error.suggestion)
        self.assertIn('Install the package that provides it', str(error))

    def test_describe_lists_every_plugin(self):
        infos = self.source.describe()
        self.assertEqual(['alpha', 'zeta'], [i.name for i in infos])
        self.assertEqual('', infos[1].summary)

    def test_plugin_not_found_is_config_error(self):
        self.assertTrue(issubclass(exception.PluginNotFound,
                                   exception.ConfigError))


class InstalledPluginSourceTest(base.TestCase):
    """PluginSource on the entry points that sora itself installs."""

    def setUp(self):
        super().setUp()
        self.source = plugins.PluginSource(plugins.SCHEDULER_NAMESPACE)

    def test_builtin_policies_installed(self):
        names = self.source.names()
        self.assertIn('memory', names)
        self.assertIn('random', names)

    def test_load_names_class_and_package(self):
        info = self.source.load('memory', 'scheduler', 'driver')
        self.assertIs(MemoryDriver, info.plugin)
        self.assertEqual('sora.drivers.memory:MemoryDriver', info.entry_point)
        self.assertEqual('sora', info.distribution)
        self.assertEqual(importlib.metadata.version('sora'), info.version)

    def test_describe_has_summaries(self):
        infos = {i.name: i for i in self.source.describe()}
        self.assertIs(RandomDriver, infos['random'].plugin)
        self.assertIsNone(infos['random'].error)
        self.assertEqual('Choose the host with the most free memory.',
                         infos['memory'].summary)

    def test_unknown_name_lists_installed(self):
        error = self.assertRaises(exception.PluginNotFound, self.source.load,
                                  'memroy', 'scheduler', 'driver')
        self.assertEqual('memory', error.suggestion)
        self.assertIn('memory', error.installed)
        self.assertIn('random', error.installed)

    def test_names_read_no_package_metadata(self):
        # Parsing a package's metadata costs a millisecond or more, and
        # only the plugin that loads needs its package's name and version.
        read = record_metadata_reads(self)
        self.assertIn('memory', self.source.names())
        self.assertEqual([], read)
        self.source.load('memory', 'scheduler', 'driver')
        self.assertEqual(['memory'], read)


class SameDistributionTwiceTest(base.TestCase):
    """A distribution on sys.path twice, as pip leaves one in a checkout."""

    def _write_copy(self):
        folder = self.useFixture(fixtures.TempDir()).path
        info = os.path.join(folder, 'twice_dist-1.0.dist-info')
        os.mkdir(info)
        with open(os.path.join(info, 'METADATA'), 'w') as stream:
            stream.write('Metadata-Version: 2.1\nName: twice-dist\n'
                         'Version: 1.0\n')
        with open(os.path.join(info, 'entry_points.txt'), 'w') as stream:
            stream.write('[sora.test.twice]\nonly = sora.drivers.memory:'
                         'MemoryDriver\n')
        return folder

    def test_counted_once_without_metadata(self):
        folders = [self._write_copy(), self._write_copy()]
        self.useFixture(fixtures.MonkeyPatch('sys.path',
                                             folders + sys.path))
        read = record_metadata_reads(self)
        source = plugins.PluginSource('sora.test.twice')

        self.assertEqual(['only'], source.names())
        self.assertEqual([], read)
        self.assertIs(MemoryDriver, source.load('only', 'scheduler',
                                                'driver').plugin)
