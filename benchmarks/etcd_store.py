"""Decisions per second with the etcd state store, for 1 and 4 schedulers.

Each run starts a private etcd server on loopback ports (Debian's
etcd-server package), loads the openb node list into it under a fresh key
prefix, then starts N scheduler processes. Each process embeds a
SchedulerManager on the etcd store and places the same small request over
and over, each placement kept. The rate is all decisions of all processes
divided by the wall time from the first start to the last finish. Each
row also gives the CPU time per decision spent in the scheduler processes
and in etcd, which depend less than the rate on what else the machine runs,
the conflicts that made a manager decide again, and the claims that the
store sent again on a host's new usage without a new decision.

Run from the repository root: ``python -m benchmarks.etcd_store``. The
openb node list is read from $SORA_SHARED_DATA (or ../shared/data); the
benchmark is skipped when it or the etcd binary is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

NODE_LIST = os.path.join('openb-2023', 'openb_node_list_all_node.csv')
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--processes', type=int, nargs='+', default=[1, 4],
                        help='Scheduler process counts to measure.')
    parser.add_argument('--decisions', type=int, default=1000,
                        help='Decisions made by each process.')
    parser.add_argument('--subset-size', type=int, nargs='+',
                        default=[1, 10],
                        help='Values of [filter_scheduler] '
                             'host_subset_size to measure.')
    parser.add_argument('--data-dir', default=None,
                        help='Folder for the etcd data; /dev/shm keeps '
                             'it in memory, which takes the disk\'s '
                             'fsync time out of the measurement.')


def _node_list() -> str | None:
    root = os.environ.get('SORA_SHARED_DATA') or os.path.join(
        os.path.dirname(REPO_ROOT), 'shared', 'data')
    path = os.path.join(root, NODE_LIST)
    return path if os.path.exists(path) else None


def _conf(endpoint: str, prefix: str, subset: int, node_list: str):
    from oslo_config import cfg

    from sora import conf as sora_conf

    conf = cfg.ConfigOpts()
    sora_conf.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    conf.set_override('state_store', 'etcd', group='scheduler')
    conf.set_override('endpoints', [endpoint], group='etcd')
    conf.set_override('key_prefix', prefix, group='etcd')
    conf.set_override('host_subset_size', subset, group='filter_scheduler')
    conf.set_override('source', 'openb-csv', group='inventory')
    conf.set_override('path', node_list, group='inventory')
    return conf


def _cpu_seconds(pid: int) -> float:
    """Return the user and system CPU time a process has used so far."""
    with open('/proc/%d/stat' % pid) as stat:
        fields = stat.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def worker(args: argparse.Namespace) -> int:
    """Make ``args.decisions`` decisions and print one JSON line of times."""
    from oslo_log import log as logging

    from sora import exception
    from sora.scheduler.manager import SchedulerManager
    from sora.scheduler.request import RequestSpec

    logging.set_defaults(default_log_levels=['sora=WARNING'])
    conf = _conf(args.endpoint, args.prefix, args.subset, args.node_list)
    manager = SchedulerManager(conf, load_inventory=False)
    store = manager.store
    timings = {'refresh': 0.0, 'claim': 0.0, 'conflicts': 0}

    def timed(name, function):
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return function(*a, **kw)
            except exception.ClaimConflict:
                timings['conflicts'] += 1
                raise
            finally:
                timings[name] += time.perf_counter() - start
        return wrapper

    store.refresh = timed('refresh', store.refresh)
    store.claim = timed('claim', store.claim)
    request = RequestSpec(memory_mb=2048, vcpus_milli=1000)
    while not os.path.exists(args.go_file):
        time.sleep(0.005)

    started = time.time()
    cpu_started = time.process_time()
    times_started = os.times()
    failures = 0
    for _ in range(args.decisions):
        try:
            manager.select_destinations(request)
        except exception.NoValidHost:
            failures += 1
    finished = time.time()
    times = os.times()
    print(json.dumps({'started': started, 'finished': finished,
                      'cpu': time.process_time() - cpu_started,
                      'system_cpu': times.system - times_started.system,
                      'failures': failures,
                      'claims_retried': store.claims_retried, **timings}))
    store.close()
    return 0


def _measure(server, node_list: str, processes: int, decisions: int,
             subset: int, root: str) -> dict:
    from sora.state import inventory_load

    prefix = '/bench-%d-%d/' % (processes, subset)
    conf = _conf(server.endpoint, prefix, subset, node_list)
    hosts = inventory_load.load_inventory(conf).hosts

    go_file = os.path.join(root, 'go-%d-%d' % (processes, subset))
    command = [sys.executable, '-m', 'benchmarks.etcd_store', '--worker',
               '--endpoint', server.endpoint, '--prefix', prefix,
               '--subset', str(subset), '--node-list', node_list,
               '--go-file', go_file, '--decisions', str(decisions)]
    children = [subprocess.Popen(command, cwd=REPO_ROOT,
                                 stdout=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL)
                for _ in range(processes)]
    # Give every process time to import and read the hosts first.
    time.sleep(3.0 + processes)
    etcd_cpu = _cpu_seconds(server.process.pid)
    open(go_file, 'w').close()
    reports = []
    for child in children:
        output, _ = child.communicate(timeout=600)
        if child.returncode != 0:
            raise RuntimeError('benchmark worker exited with %d'
                               % child.returncode)
        reports.append(json.loads(output.decode().strip().splitlines()[-1]))
    etcd_cpu = _cpu_seconds(server.process.pid) - etcd_cpu

    total = processes * decisions
    seconds = (max(r['finished'] for r in reports)
               - min(r['started'] for r in reports))
    return {
        'benchmark': 'etcd_store',
        'etcd_data': os.path.dirname(os.path.dirname(server.data_dir)),
        'processes': processes,
        'host_subset_size': subset,
        'hosts': hosts,
        'decisions': total,
        'seconds': round(seconds, 3),
        'decisions_per_s': round(total / seconds, 1),
        'no_valid_host': sum(r['failures'] for r in reports),
        'conflicts': sum(r['conflicts'] for r in reports),
        'claims_retried': sum(r['claims_retried'] for r in reports),
        'refresh_ms_mean': round(1000 * sum(r['refresh'] for r in reports)
                                 / total, 3),
        'claim_ms_mean': round(1000 * sum(r['claim'] for r in reports)
                               / total, 3),
        'scheduler_cpu_ms': round(1000 * sum(r['cpu'] for r in reports)
                                  / total, 3),
        'scheduler_system_cpu_ms': round(
            1000 * sum(r['system_cpu'] for r in reports) / total, 3),
        'etcd_cpu_ms': round(1000 * etcd_cpu / total, 3),
    }


def run(args: argparse.Namespace | None = None) -> list[dict]:
    """Measure every (processes, subset size) pair; return one row each."""
    defaults = argparse.ArgumentParser()
    add_arguments(defaults)
    settings = defaults.parse_args([])
    for key, value in vars(args or argparse.Namespace()).items():
        setattr(settings, key, value)

    node_list = _node_list()
    if node_list is None:
        return [{'benchmark': 'etcd_store', 'skipped': '%s not found; set '
                 'SORA_SHARED_DATA to the trace folder' % NODE_LIST}]
    from tests import etcd_server
    if etcd_server.etcd_binary() is None:
        return [{'benchmark': 'etcd_store',
                 'skipped': etcd_server.ETCD_MISSING}]

    rows = []
    with tempfile.TemporaryDirectory() as root, \
            etcd_server.EtcdServer(parent_dir=settings.data_dir) as server:
        for subset in settings.subset_size:
            for processes in settings.processes:
                rows.append(_measure(server, node_list, processes,
                                     settings.decisions, subset, root))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument('--worker', action='store_true',
                        help=argparse.SUPPRESS)
    for name in ('--endpoint', '--prefix', '--node-list', '--go-file'):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument('--subset', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    for row in run(args):
        print(json.dumps(row))
    return 0


if __name__ == '__main__':
    sys.exit(main())
