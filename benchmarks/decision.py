"""Decision latency of every installed policy, by number of hosts.

Each policy runs with the default filters (``[filter_scheduler]
enabled_filters``) and, for a policy that uses weighers, the default
``[filter_scheduler] weighers``. Every decision places one instance and its
claim is released right after, outside the timed part, so every decision
starts from the same state. The time covers ``select_destinations`` only:
filters, ranking and recording the claim.

The reference, the plain Python loop of ``benchmarks.inventory``, runs on
the same hosts and requests in rounds between the rounds of sora's
decisions, so that both see the same load on the machine.
"""

from __future__ import annotations

import csv
import time

from oslo_config import cfg

from benchmarks import core
from benchmarks import inventory
from sora import conf as sora_conf
from sora import exception
from sora import plugins
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec

NAME = 'decision'
DESCRIPTION = 'decision latency per policy at 1,000 to 100,000 hosts'

ROUNDS = 5
REQUESTS = 500
PODS = 'openb_pod_list_default.csv'
NODES = 'openb_node_list_all_node.csv'

# (hosts, policy) -> the p50 target in microseconds. Every case at 5,000
# hosts must also be at least MIN_RATIO times faster than the plain loop.
P50_TARGETS_US = {
    (5000, 'memory'): 100.0,
    (5000, 'binpack'): 100.0,
    (5000, 'spread'): 100.0,
    (5000, 'weighted'): 300.0,
    (100000, 'memory'): 2000.0,
}
RATIO_TARGET_HOSTS = 5000
MIN_RATIO = 2.5


def decisions_for(hosts: int, quick: bool) -> tuple[int, int]:
    """Return how many sora decisions and plain-loop decisions to time."""
    if hosts <= 5000:
        counts = (2000, 100)
    elif hosts <= 20000:
        counts = (600, 30)
    else:
        counts = (150, 10)
    if quick:
        return max(counts[0] // 10, ROUNDS), max(counts[1] // 5, ROUNDS)
    return counts


def build_manager(policy: str, seed: int) -> SchedulerManager:
    """Return a manager with ``policy`` and every other option at default."""
    conf = cfg.ConfigOpts()
    sora_conf.register_opts(conf)
    conf([], project='sora-benchmark', default_config_files=[],
         default_config_dirs=[])
    conf.set_override('driver', policy, group='scheduler')
    conf.set_override('seed', seed, group='scheduler')
    return SchedulerManager(conf, load_inventory=False)


def describe_policy(manager: SchedulerManager) -> str:
    """Return the policy name, with its weighers when it uses some."""
    weighers = getattr(manager.pipeline.driver, 'weighers', None)
    if not weighers:
        return manager.driver_name
    names = [getattr(item[0] if isinstance(item, tuple) else item, 'name', '?')
             for item in weighers]
    return '%s (%d weighers: %s)' % (manager.driver_name, len(names),
                                     ', '.join(names))


def measure(manager: SchedulerManager, requests: list[RequestSpec],
            count: int, reference_count: int) -> dict:
    """Time ``count`` decisions and the references, in interleaved rounds."""
    reference = inventory.PlainReference(manager.store.hosts)
    clock = time.perf_counter
    times: list[float] = []
    loop_times: list[float] = []
    numpy_times: list[float] = []
    failures = 0
    position = 0

    def place(request: RequestSpec) -> None:
        nonlocal failures
        start = clock()
        try:
            placed = manager.select_destinations(request)
        except exception.NoValidHost:
            placed = []
            failures += 1
        times.append(clock() - start)
        for selection in placed:
            manager.release(selection)

    for request in requests[:20]:
        place(request)
    times.clear()
    failures = 0

    for _ in range(ROUNDS):
        for _ in range(count // ROUNDS):
            place(requests[position % len(requests)])
            position += 1
        for i in range(reference_count // ROUNDS):
            request = requests[(position + i) % len(requests)]
            loop_times += core.time_each(
                lambda _: reference.loop(request), 1)
            numpy_times += core.time_each(
                lambda _: reference.numpy(request), 1)

    return {
        'p50': core.percentile(times, 0.5),
        'p99': core.percentile(times, 0.99),
        'per_second': len(times) / sum(times),
        'loop_p50': core.percentile(loop_times, 0.5),
        'numpy_p50': core.percentile(numpy_times, 0.5),
        'decisions': len(times),
        'failures': failures,
    }


def result_row(case: str, hosts: int, policy: str, figures: dict) -> core.Row:
    """Turn the figures of one policy and size into a row with targets."""
    p50_us = figures['p50'] * 1e6
    ratio = figures['loop_p50'] / figures['p50']
    checks = []
    target = []
    limit = P50_TARGETS_US.get((hosts, policy))
    if limit is not None:
        target.append('p50 <= %g us' % limit)
        checks.append(p50_us <= limit)
    if hosts == RATIO_TARGET_HOSTS:
        target.append('>= %gx' % MIN_RATIO)
        checks.append(ratio >= MIN_RATIO)
    note = ''
    if figures['failures']:
        note = '%d of %d found no host' % (figures['failures'],
                                           figures['decisions'])
    return core.Row(
        measurement=NAME, case=case, value=p50_us, unit='us p50',
        reference=figures['loop_p50'] * 1e6, ratio=ratio,
        target=', '.join(target), met=all(checks) if checks else None,
        note=note,
        extra={'hosts': hosts, 'policy': policy,
               'p99_us': figures['p99'] * 1e6,
               'decisions_per_second': figures['per_second'],
               'numpy_reference_us': figures['numpy_p50'] * 1e6,
               'decisions': figures['decisions']})


def openb_inputs(context: core.Context) -> tuple[list, list[RequestSpec]]:
    """Return the openb hosts and requests for the first pods of the trace."""
    from sora.inventory import openb

    nodes = context.shared_path(core.OPENB, NODES)
    pods = context.shared_path(core.OPENB, PODS)
    conf = cfg.ConfigOpts()
    sora_conf.register_opts(conf)
    conf([], project='sora-benchmark', default_config_files=[],
         default_config_dirs=[])
    conf.set_override('path', nodes, group='inventory')
    hosts = [host for host, _ in openb.OpenbCsvInventory(conf).read()]

    built = []
    with open(pods, newline='', encoding='utf-8') as stream:
        for row in csv.DictReader(stream):
            gpus = int(row['num_gpu'])
            share = int(row['gpu_milli'])
            built.append(RequestSpec(
                memory_mb=int(row['memory_mib']),
                vcpus_milli=int(row['cpu_milli']),
                gpus=gpus,
                gpu_milli=share if gpus == 1 and 0 < share < 1000 else 1000,
                gpu_models=frozenset(m for m in row['gpu_spec'].split('|')
                                     if m),
                request_id=row['name']))
            if len(built) == REQUESTS:
                break
    return hosts, built


def run(context: core.Context) -> list[core.Row]:
    policies = plugins.PluginSource(plugins.SCHEDULER_NAMESPACE).names()
    requests = inventory.requests(REQUESTS, context.seed)
    rows = []
    inputs = []
    for hosts in context.sizes:
        inputs.append(('%d hosts' % hosts, hosts,
                       inventory.synthetic_hosts(hosts, context.seed),
                       requests))
    try:
        openb_hosts, openb_requests = openb_inputs(context)
        inputs.append(('openb, %d hosts' % len(openb_hosts),
                       len(openb_hosts), openb_hosts, openb_requests))
    except core.Skip as reason:
        rows.append(core.Row(NAME, 'openb hosts', float('nan'), '',
                             note='skipped: %s' % reason))

    for label, count, hosts, reqs in inputs:
        decisions, reference_decisions = decisions_for(count, context.quick)
        for policy in policies:
            manager = build_manager(policy, context.seed)
            manager.set_hosts(hosts)
            figures = measure(manager, reqs, decisions, reference_decisions)
            case = '%s, %s' % (describe_policy(manager), label)
            # The openb inventory is not one of the sizes that have
            # targets, so its rows carry none.
            size = count if not label.startswith('openb') else 0
            rows.append(result_row(case, size, policy, figures))
            rows[-1].extra['hosts'] = count
            rows[-1].extra['inventory'] = 'openb' if size == 0 else \
                'synthetic'
            del manager
    return rows
