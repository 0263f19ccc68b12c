"""Find and load sora's plugins through stevedore.

Every kind of plugin (policy, filter, weigher, inventory source) lives in its
own entry-point namespace under a short name that operators type in
sora.conf. Names are checked before anything is imported, so a typo or a
name declared twice is reported without importing any plugin, and an
unused broken plugin never stops the scheduler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import dataclasses
import importlib.metadata
import os
import sys
import threading

from oslo_log import log as logging
from stevedore import driver
from stevedore import extension

from sora import exception

LOG = logging.getLogger(__name__)

SCHEDULER_NAMESPACE = 'sora.scheduler'
FILTER_NAMESPACE = 'sora.scheduler.filters'
WEIGHER_NAMESPACE = 'sora.scheduler.weighers'
INVENTORY_NAMESPACE = 'sora.inventory'


@dataclasses.dataclass(frozen=True)
class PluginInfo:
    """One installed plugin, as ``sora-scheduler drivers`` lists it."""

    name: str
    entry_point: str
    distribution: str
    version: str
    plugin: type | None
    error: str | None

    @property
    def summary(self) -> str:
        """The first line of the plugin's docstring, or an empty string."""
        doc = (self.plugin.__doc__ or '') if self.plugin else ''
        lines = doc.strip().splitlines()
        return lines[0].strip() if lines else ''


_SCAN_LOCK = threading.Lock()
_SCAN: dict[str, object] = {'key': None, 'groups': {}}
# The name and version of each distribution object of the last scan, for
# _distribution.
_DISTRIBUTIONS: dict[object, tuple[str, str]] = {}


def _path_key() -> tuple:
    """Return sys.path with each folder's modification time.

    Installing or removing a distribution changes the mtime of the folder
    it lands in, so a changed key means the entry points must be read
    again.
    """
    key = []
    for folder in sys.path:
        try:
            key.append((folder, os.stat(folder or '.').st_mtime_ns))
        except OSError:
            key.append((folder, None))
    return tuple(key)


def _group(namespace: str) -> list[importlib.metadata.EntryPoint]:
    """Return the installed entry points of one namespace.

    Listing entry points reads the metadata of every installed
    distribution, which costs tens of milliseconds
    in a large environment. One read serves every namespace until sys.path
    or a folder on it changes.
    """
    key = _path_key()
    with _SCAN_LOCK:
        if _SCAN['key'] != key:
            groups: dict[str, list] = {}
            seen: set[str] = set()
            for dist in importlib.metadata.distributions():
                # A distribution found twice on sys.path, such as an
                # installed copy and the egg-info that pip leaves in the
                # source tree, counts once: the first wins, as in
                # importlib.metadata.entry_points(). Its normalised name
                # comes from the folder name, without reading metadata.
                # NOTE: _normalized_name is private to importlib.metadata
                # (Python 3.10 to 3.13); without it, PluginSource still
                # merges the copies by reading their metadata.
                name = getattr(dist, '_normalized_name', None)
                if name is not None:
                    if name in seen:
                        continue
                    seen.add(name)
                for entry in dist.entry_points:
                    groups.setdefault(entry.group, []).append(entry)
            _SCAN['key'] = key
            _SCAN['groups'] = groups
            _DISTRIBUTIONS.clear()
        return list(_SCAN['groups'].get(namespace, ()))  # type: ignore


def _distribution(entry: importlib.metadata.EntryPoint) -> tuple[str, str]:
    """Return the name and version of the package that declares ``entry``.

    Both come from the package's metadata file, which the email parser
    takes a millisecond or more to read. So each package is read once per
    scan of the entry points, and only when one of its plugins is loaded
    or listed or its plugin name is declared twice.
    """
    dist = getattr(entry, 'dist', None)
    if dist is None:
        return 'an unknown package', ''
    found = _DISTRIBUTIONS.get(dist)
    if found is None:
        metadata = dist.metadata
        found = (metadata['Name'], metadata['Version'])
        _DISTRIBUTIONS[dist] = found
    return found


class PluginSource:
    """The plugins of one entry-point namespace.

    ``test_manager`` replaces the installed entry points with a manager
    built by stevedore's ``ExtensionManager.make_test_instance``. Unit
    tests use it so that they never depend on what happens to be installed.
    """

    def __init__(self, namespace: str,
                 test_manager: extension.ExtensionManager | None = None
                 ) -> None:
        self.namespace = namespace
        self._extensions = (None if test_manager is None
                            else {e.name: e for e in test_manager})

    def _entry_points(self) -> dict[str, list[importlib.metadata.EntryPoint]]:
        found: dict[str, list[importlib.metadata.EntryPoint]] = {}
        for entry in _group(self.namespace):
            same_name = found.setdefault(entry.name, [])
            # The same distribution can be seen twice on sys.path, for
            # example installed and in the source tree; count it once.
            # Package names are read only for a name declared twice.
            if same_name and _distribution(entry)[0] in {
                    _distribution(e)[0] for e in same_name}:
                continue
            same_name.append(entry)
        return found

    def names(self) -> list[str]:
        """Return the sorted names of the installed plugins."""
        if self._extensions is not None:
            return sorted(self._extensions)
        return sorted(self._entry_points())

    def load(self, name: str, group: str, option: str,
             config_files: Iterable[str] = ()) -> PluginInfo:
        """Import the plugin called ``name``, and only it, and describe it.

        Raise PluginNotFound for an unknown name, PluginConflict for a name
        that two packages declare, and PluginLoadFailed when the import
        fails.
        """
        if self._extensions is not None:
            if name not in self._extensions:
                raise exception.PluginNotFound(
                    group, option, name, self.namespace, self._extensions,
                    config_files)
            return PluginInfo(name, repr(self._extensions[name].plugin),
                              'test', '', self._extensions[name].plugin,
                              None)

        entries = self._entry_points()
        if name not in entries:
            raise exception.PluginNotFound(group, option, name,
                                           self.namespace, entries,
                                           config_files)
        if len(entries[name]) > 1:
            raise exception.PluginConflict(
                self.namespace, name,
                [_distribution(e)[0] for e in entries[name]])

        entry = entries[name][0]

        def failed(_manager: object, _entry: object, error: Exception):
            raise exception.PluginLoadFailed(
                self.namespace, name, '%s = %s' % (entry.name, entry.value),
                _distribution(entry)[0], error) from error

        manager = driver.DriverManager(
            self.namespace, name, invoke_on_load=False,
            on_load_failure_callback=failed, verify_requirements=False)
        dist, version = _distribution(entry)
        return PluginInfo(name, entry.value, dist, version, manager.driver,
                          None)

    def describe(self) -> list[PluginInfo]:
        """Return every installed plugin, loading each to check it.

        A plugin that fails to import is listed with its error instead of
        stopping the listing.
        """
        if self._extensions is not None:
            return [PluginInfo(name, repr(ext.plugin), 'test', '',
                               ext.plugin, None)
                    for name, ext in sorted(self._extensions.items())]
        infos = []
        for name, entries in sorted(self._entry_points().items()):
            for entry in entries:
                dist, version = _distribution(entry)
                try:
                    plugin, error = entry.load(), None
                except Exception as failure:  # any import error is reported
                    plugin = None
                    error = '%s: %s' % (type(failure).__name__, failure)
                if len(entries) > 1:
                    error = 'name also declared by %s' % ', '.join(
                        _distribution(e)[0] for e in entries if e is not entry)
                infos.append(PluginInfo(name, entry.value, dist, version,
                                        plugin, error))
        return infos


def load_failure(namespace: str, info: PluginInfo,
                 cause: BaseException) -> exception.PluginLoadFailed:
    """Return the PluginLoadFailed that names ``info`` and ``cause``."""
    return exception.PluginLoadFailed(
        namespace, info.name, '%s = %s' % (info.name, info.entry_point),
        info.distribution, cause)


def check_class(namespace: str, info: PluginInfo, base: type) -> None:
    """Raise PluginLoadFailed unless the plugin is a subclass of ``base``.

    The check comes before the plugin is called, so that a plain class or
    a function never runs with arguments it was not written for.
    """
    plugin = info.plugin
    if isinstance(plugin, type) and issubclass(plugin, base):
        return
    raise load_failure(namespace, info, TypeError(
        '%s is not a subclass of %s.%s' % (
            getattr(plugin, '__qualname__', repr(plugin)),
            base.__module__, base.__qualname__)))


def construct(namespace: str, info: PluginInfo, factory: Callable,
              *args: object, **kwargs: object):
    """Build a plugin by calling ``factory``, wrapping what it raises.

    A SoraException, such as a ConfigError for one of the plugin's
    options, passes unchanged. Any other Exception, or SystemExit, becomes a
    PluginLoadFailed naming the entry point and its package, with the
    traceback logged at debug level.
    """
    try:
        return factory(*args, **kwargs)
    except exception.SoraException:
        raise
    except (Exception, SystemExit) as error:
        # SystemExit too: a plugin that calls sys.exit() while it is built
        # would otherwise end the scheduler without a word.
        LOG.debug('Plugin %s in namespace %s failed to build', info.name,
                  namespace, exc_info=True)
        raise load_failure(namespace, info, error) from error
