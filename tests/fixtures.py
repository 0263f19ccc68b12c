"""Fixtures shared by the sora unit and functional tests."""

import os

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
from stevedore import _cache as stevedore_cache

import sora.conf

# Environment variable naming the folder of shared trace files.
SHARED_DATA_ENV = 'SORA_SHARED_DATA'

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shared_data_dir():
    """Return the folder that tests read shared trace files from.

    $SORA_SHARED_DATA takes precedence when it is set and not empty.
    Otherwise the folder is shared/data in the folder that contains the
    repository. The returned folder may not exist, so callers check.
    """
    configured = os.environ.get(SHARED_DATA_ENV)
    if configured:
        return os.path.abspath(configured)
    return os.path.join(os.path.dirname(REPO_ROOT), 'shared', 'data')


class EntryPointCacheFixture(fixtures.Fixture):
    """Fresh, empty stevedore entry-point caches for the fixture's lifetime.

    stevedore caches the entry points it finds at three levels: a JSON file
    under $XDG_CACHE_HOME/python-entrypoints, a dictionary in its module-level
    cache object, and ExtensionManager.ENTRY_POINT_CACHE. Any of them can
    return a plugin list from before a package was installed or changed.
    This fixture gives each level a fresh, empty state and restores the
    previous state at cleanup.

    Attribute ``cache_home`` is the temporary folder that XDG_CACHE_HOME
    points to.
    """

    def _setUp(self):
        self.cache_home = self.useFixture(fixtures.TempDir()).path
        self.useFixture(
            fixtures.EnvironmentVariable('XDG_CACHE_HOME', self.cache_home))

        # NOTE: stevedore (checked with 5.10) picks its cache folder once,
        # when stevedore._cache is first imported, so the variable above does
        # not reach a process that imported it earlier. Swapping in a new
        # cache object and emptying ENTRY_POINT_CACHE covers that case. Both
        # are stevedore internals, so recheck this fixture when upgrading
        # stevedore.
        cache = stevedore_cache.Cache(
            cache_dir=os.path.join(self.cache_home, 'python-entrypoints'))
        for name in ('get_group_all', 'get_group_named', 'get_single'):
            self.useFixture(fixtures.MonkeyPatch(
                'stevedore._cache.' + name, getattr(cache, name)))
        self.useFixture(fixtures.MonkeyPatch(
            'stevedore.extension.ExtensionManager.ENTRY_POINT_CACHE', {}))


class ConfFixture(fixtures.Fixture):
    """A private ConfigOpts with the sora options registered.

    No configuration file or command line is parsed, so every option starts
    at its default. Attribute ``conf`` is the ConfigOpts object and
    ``config_fixture`` is the oslo.config fixture that undoes overrides at
    cleanup.
    """

    def _setUp(self):
        self.conf = cfg.ConfigOpts()
        sora.conf.register_opts(self.conf)
        self.config_fixture = self.useFixture(config_fixture.Config(self.conf))

    def set_overrides(self, group=None, **overrides):
        """Override options until cleanup. A group of None means [DEFAULT]."""
        self.config_fixture.config(group=group, **overrides)
