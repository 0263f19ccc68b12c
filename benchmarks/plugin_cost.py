"""Cost per host of each installed filter and weigher.

Each plugin runs alone on every host of a synthetic inventory, in its
vectorised form (``filter_hosts``, ``weigh_hosts``) and, where it has one,
its per-host form (``host_passes``, ``weigh_host``) through the base class
loop. The reference is the plain loop of ``benchmarks.inventory`` divided
by the number of hosts: what one host costs a whole plain-Python decision.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks import core
from benchmarks import decision
from benchmarks import inventory
from sora.filters import base as filter_base
from sora.filters.base import FilterContext
from sora import plugins
from sora.scheduler.request import RequestSpec

NAME = 'plugin_cost'
DESCRIPTION = 'cost per host of each filter and weigher'

HOSTS = 5000


def request_for(names: list[str]) -> RequestSpec:
    """Return a request that gives every built-in filter work to do."""
    return RequestSpec(
        memory_mb=4096, vcpus_milli=2000, disk_gb=40, gpus=1, gpu_milli=500,
        availability_zone='az1', required_labels={'rack': 'r01'},
        group='benchmark', group_policy='anti-affinity',
        different_host=frozenset(names[:3]), request_id='plugin-cost')


def per_host_us(call, hosts: int, repeat: int) -> float:
    """Return the median time of ``call()`` per host, in microseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return core.median(times) / hosts * 1e6


def run(context: core.Context) -> list[core.Row]:
    hosts = inventory.synthetic_hosts(HOSTS, context.seed)
    names = sorted(h.name for h in hosts)
    request = request_for(names)
    manager = decision.build_manager('memory', context.seed)
    manager.set_hosts(hosts)
    table = manager.store.hosts
    everyone = np.ones(len(table), bool)
    rows_all = np.arange(len(table))
    fast_repeat, slow_repeat = (20, 3) if context.quick else (200, 10)

    reference = inventory.PlainReference(table)
    loop_us = per_host_us(lambda: reference.loop(request), HOSTS,
                          slow_repeat * 2)
    rows = []

    for name in plugins.PluginSource(plugins.FILTER_NAMESPACE).names():
        info = plugins.PluginSource(plugins.FILTER_NAMESPACE).load(
            name, 'filter_scheduler', 'enabled_filters')
        host_filter = info.plugin(manager.conf)
        host_filter.name = name
        context_ = FilterContext({}, time.time())
        vector = per_host_us(lambda: host_filter.filter_hosts(
            table, request, context_, everyone), HOSTS, fast_repeat)
        rows.append(core.Row(
            NAME, 'filter %s (filter_hosts)' % name, vector * 1000,
            'ns/host', loop_us * 1000, loop_us / vector))
        if type(host_filter).host_passes is not \
                filter_base.BaseFilter.host_passes:
            single = per_host_us(lambda: filter_base.BaseFilter.filter_hosts(
                host_filter, table, request, context_, everyone), HOSTS,
                slow_repeat)
            rows.append(core.Row(
                NAME, 'filter %s (host_passes)' % name, single * 1000,
                'ns/host', loop_us * 1000, loop_us / single))

    source = plugins.PluginSource(plugins.WEIGHER_NAMESPACE)
    weigher_names = source.names()
    if not weigher_names:
        rows.append(core.Row(NAME, 'weighers', float('nan'), '',
                             note='skipped: no weigher is installed in '
                                  'the %s namespace' % source.namespace))
    for name in weigher_names:
        try:
            info = source.load(name, 'filter_scheduler', 'weighers')
            weigher = info.plugin(manager.conf)
            weigher.name = name
            vector = per_host_us(lambda: weigher.weigh_hosts(
                table, rows_all, request), HOSTS, fast_repeat)
        except Exception as error:  # a plugin of another package
            rows.append(core.Row(NAME, 'weigher %s' % name, float('nan'), '',
                                 note='skipped: %s: %s' % (
                                     type(error).__name__, error)))
            continue
        rows.append(core.Row(
            NAME, 'weigher %s (weigh_hosts)' % name, vector * 1000,
            'ns/host', loop_us * 1000, loop_us / vector))
    return rows
