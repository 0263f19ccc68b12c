"""Helpers that build host tables and managers for placement tests."""

import numpy
from stevedore import extension

from sora.filters.base import FilterContext
from sora import plugins
from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.host_table import HostTable
from sora.scheduler.manager import SchedulerManager


def installed_policies():
    """Return the names of the policies installed on this machine."""
    return plugins.PluginSource(plugins.SCHEDULER_NAMESPACE).names()


def policy_scenarios(exclude=()):
    """Return testscenarios scenarios, one per installed policy."""
    return [(name, {'policy': name}) for name in installed_policies()
            if name not in exclude]


def host(name, memory_mb=8192, vcpus=8, **fields):
    """Return a Host with whole CPUs, for short test tables."""
    return Host(name, memory_mb=memory_mb, vcpus_milli=vcpus * 1000,
                **fields)


def table(*hosts, ratios=None, reserved=None):
    """Return a HostTable holding ``hosts``."""
    result = HostTable(CapacitySettings(ratios, reserved))
    result.replace_all(hosts)
    return result


def context(members=None, now=0.0):
    return FilterContext(dict(members or {}), now)


_INSTALLED = {}


def installed_sources():
    """Return plugin sources holding every installed policy, filter, weigher.

    The plugins are the installed ones, found through their entry points by
    stevedore, but each namespace is read once per test process. Loading
    through ``PluginSource`` scans every installed distribution on each
    load, which costs about a second per manager, so tests that are about
    placement rather than loading use these.
    """
    if not _INSTALLED:
        for namespace in (plugins.SCHEDULER_NAMESPACE,
                          plugins.FILTER_NAMESPACE,
                          plugins.WEIGHER_NAMESPACE):
            _INSTALLED[namespace] = plugins.PluginSource(
                namespace, test_manager=extension.ExtensionManager(
                    namespace, invoke_on_load=False))
    return dict(_INSTALLED)


def manager(test, hosts, policy=None, sources=None, entry_points=False,
            **filter_flags):
    """Return a manager on ``hosts`` with options overridden for ``test``.

    ``filter_flags`` override ``[filter_scheduler]`` options; ``policy``
    sets ``[scheduler] driver``. Plugins come from ``installed_sources()``,
    or, with ``entry_points``, through the entry points as a daemon loads
    them; ``sources`` replaces the source of some namespaces.
    """
    merged = {} if entry_points else installed_sources()
    merged.update(sources or {})
    if policy is not None:
        test.flags(group='scheduler', driver=policy)
    if filter_flags:
        test.flags(group='filter_scheduler', **filter_flags)
    # The manager reads [DEFAULT] config_file, which exists only once the
    # options are parsed; parsing an empty command line keeps overrides.
    test.conf([])
    result = SchedulerManager(test.conf, load_inventory=False,
                              sources=merged)
    result.set_hosts(list(hosts))
    return result


def test_source(namespace, **plugins_by_name):
    """Return a PluginSource holding only the given plugin classes."""
    extensions = [extension.Extension(name, None, plugin, None)
                  for name, plugin in sorted(plugins_by_name.items())]
    return plugins.PluginSource(
        namespace,
        test_manager=extension.ExtensionManager.make_test_instance(
            extensions, namespace=namespace))


def check_filter(test, host_filter, hosts, request, expected, ctx=None,
                 case=''):
    """Check every filter entry point against ``expected``.

    ``expected`` maps each host name to None when the host passes, or to
    the rejection reason. The vectorised and per-host paths must agree on
    both the verdict and the reason. ``case`` names the case in failure
    messages.
    """
    ctx = ctx or context()
    candidates = numpy.ones(len(hosts), bool)
    vectorised = host_filter.filter_hosts(hosts, request, ctx, candidates)
    for name, reason in expected.items():
        row = hosts.row(name)
        state = hosts.host(row)
        test.assertEqual(reason is None, bool(vectorised[row]),
                         '%s: filter_hosts on %s' % (case, name))
        test.assertEqual(reason is None,
                         host_filter.host_passes(state, request, ctx),
                         '%s: host_passes on %s' % (case, name))
        if reason is not None:
            test.assertEqual(
                reason, host_filter.rejection_reason(state, request, ctx),
                '%s: rejection_reason on %s' % (case, name))

    rejected = [hosts.row(n) for n, r in expected.items() if r is not None]
    test.assertEqual(
        [expected[hosts.names[row]] for row in rejected],
        host_filter.rejection_reasons(hosts, numpy.array(rejected, int),
                                      request, ctx),
        '%s: rejection_reasons' % case)
