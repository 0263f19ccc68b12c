"""Decisions per second with the etcd state store, for the suite's table.

The measurement itself is benchmarks.etcd_store, which also runs on its
own with more settings. Here it runs with its defaults: 1 and 4 scheduler
processes on the openb hosts, each making 1,000 decisions against one
private etcd server, with host_subset_size 1 and 10.
"""

from __future__ import annotations

import argparse

from benchmarks import core
from benchmarks import etcd_store

NAME = 'etcd'
DESCRIPTION = 'decisions per second with the etcd state store'

TARGET_PER_S = 500.0
TARGET_PROCESSES = 4


def run(context: core.Context) -> list[core.Row]:
    settings = argparse.Namespace()
    if context.quick:
        settings.decisions = 200
    results = etcd_store.run(settings)
    if results and 'skipped' in results[0]:
        raise core.Skip(results[0]['skipped'])

    rows = []
    for result in results:
        processes = result['processes']
        case = '%d process%s, host_subset_size %d, %d openb hosts' % (
            processes, '' if processes == 1 else 'es',
            result['host_subset_size'], result['hosts'])
        rate = result['decisions_per_s']
        target = ''
        met = None
        if processes == TARGET_PROCESSES:
            target = '>= %g /s' % TARGET_PER_S
            met = rate >= TARGET_PER_S
        rows.append(core.Row(
            NAME, case, rate, '/s', target=target, met=met,
            note='%d conflicts, %d claims resent; scheduler %.2f ms and '
                 'etcd %.2f ms of CPU per decision' % (
                     result['conflicts'], result['claims_retried'],
                     result['scheduler_cpu_ms'], result['etcd_cpu_ms']),
            extra=result))
    return rows
