"""Resident memory per host of a manager holding 100,000 hosts.

A fresh Python process builds the synthetic hosts, then a manager, and
reads its resident set size (RSS) before and after ``set_hosts``. The
difference divided by the number of hosts is the figure. A second process
measures the same step with tracemalloc, which numpy reports its arrays
to, so it counts what stays allocated without the allocator's slack. The
reference is the RSS that the list of ``Host`` records itself takes, one
Python object per host as a plain implementation would keep.
"""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks import core

NAME = 'memory'
DESCRIPTION = 'resident memory per host at 100,000 hosts'

HOSTS = 100000
TARGET_BYTES = 1024

PROBE = '''
import gc, json, sys, tracemalloc
import psutil
from benchmarks import decision, inventory
count, seed, traced = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == '1'
process = psutil.Process()
manager = decision.build_manager('memory', seed)
gc.collect()
empty = process.memory_info().rss
hosts = inventory.synthetic_hosts(count, seed)
gc.collect()
before = process.memory_info().rss
if traced:
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
manager.set_hosts(hosts)
gc.collect()
after = process.memory_info().rss
result = {'hosts_rss': before - empty, 'table_rss': after - before}
if traced:
    result['table_traced'] = tracemalloc.get_traced_memory()[0] - start
print(json.dumps(result))
'''


def probe(count: int, seed: int, traced: bool) -> dict:
    done = subprocess.run(
        [sys.executable, '-c', PROBE, str(count), str(seed),
         '1' if traced else '0'],
        capture_output=True, text=True, cwd=core.REPO_ROOT)
    if done.returncode:
        raise core.Skip('the memory probe failed: %s'
                        % done.stderr.strip().splitlines()[-1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(context: core.Context) -> list[core.Row]:
    count = HOSTS // 10 if context.quick else HOSTS
    plain = probe(count, context.seed, False)
    traced = probe(count, context.seed, True)
    per_host = plain['table_rss'] / count
    reference = plain['hosts_rss'] / count
    label = '%s hosts' % '{:,}'.format(count)
    return [
        core.Row(NAME, 'RSS delta of set_hosts, ' + label, per_host,
                 'bytes/host', reference, reference / per_host,
                 '<= %d bytes' % TARGET_BYTES, per_host <= TARGET_BYTES,
                 note='reference: RSS of the Host records'),
        core.Row(NAME, 'tracemalloc, ' + label,
                 traced['table_traced'] / count, 'bytes/host',
                 note='allocations that stay, numpy arrays included'),
    ]
