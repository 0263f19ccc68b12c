"""Cold start: ``sora-scheduler select`` from process start to exit.

The command places one request on the 1,523 hosts of the openb node list.
The reference is a plain Python process that reads the same CSV with the
csv module and picks the host with the most free memory that fits. Both
run several times after one untimed run that warms the file cache, and
the medians are compared.

The untimed run may write Python's bytecode cache, as installing a
package from a wheel does, even where PYTHONDONTWRITEBYTECODE is set (tox
sets it). Without that, every timed run of an editable install compiles
sora's modules again, which no installed scheduler does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks import core

NAME = 'cold_start'
DESCRIPTION = 'sora-scheduler select on the openb node list, start to exit'

TARGET_S = 0.4
NODES = 'openb_node_list_all_node.csv'
IMPORTS_SHOWN = 6

REFERENCE = '''
import csv, sys
best, best_free = None, -1
with open(sys.argv[1], newline='') as stream:
    for row in csv.DictReader(stream):
        memory, cpu = int(row['memory_mib']), int(row['cpu_milli'])
        if memory >= 1024 and cpu >= 1000 and memory > best_free:
            best, best_free = row['sn'], memory
print(best)
'''


def command_path() -> str:
    """Return the sora-scheduler script beside this interpreter."""
    beside = os.path.join(os.path.dirname(sys.executable), 'sora-scheduler')
    found = beside if os.path.exists(beside) else shutil.which(
        'sora-scheduler')
    if not found:
        raise core.Skip('the sora-scheduler command is not installed')
    return found


def timed_runs(argv: list[str], runs: int) -> list[float]:
    warm = dict(os.environ)
    warm.pop('PYTHONDONTWRITEBYTECODE', None)
    subprocess.run(argv, check=True, capture_output=True, env=warm)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def slowest_imports() -> str:
    """Return the top-level imports that cost the most, from -X importtime."""
    done = subprocess.run(
        [sys.executable, '-X', 'importtime', '-c',
         'import sora.cmd.scheduler'], capture_output=True, text=True,
        check=True)
    entries = []
    for line in done.stderr.splitlines():
        fields = line[len('import time:'):].split('|')
        if len(fields) != 3 or not fields[1].strip().isdigit():
            continue
        name = fields[2].rstrip()
        entries.append((len(name) - len(name.lstrip()),
                        name.strip().split('.')[0], int(fields[1])))

    # -X importtime prints a module after the modules it imports, so the
    # importer of a line is the next line with less indentation. A
    # package's cost is the cumulative time of its modules that another
    # package imported.
    costs: dict[str, int] = {}
    importers: list[tuple[int, str]] = []
    for indent, package, cumulative in reversed(entries):
        while importers and importers[-1][0] >= indent:
            importers.pop()
        if not importers or importers[-1][1] != package:
            costs[package] = costs.get(package, 0) + cumulative
        importers.append((indent, package))
    costs.pop('sora', None)
    top = sorted(costs.items(), key=lambda item: -item[1])[:IMPORTS_SHOWN]
    return ', '.join('%s %d ms' % (name, us // 1000) for name, us in top)


def run(context: core.Context) -> list[core.Row]:
    nodes = context.shared_path(core.OPENB, NODES)
    script = command_path()
    runs = 3 if context.quick else 9
    with tempfile.TemporaryDirectory() as folder:
        conf = os.path.join(folder, 'sora.conf')
        with open(conf, 'w', encoding='utf-8') as stream:
            stream.write('[inventory]\nsource = openb-csv\npath = %s\n'
                         % nodes)
        sora_times = timed_runs(
            [script, '--config-file', conf, 'select', '--memory-mb', '1024',
             '--vcpus', '1'], runs)
    plain_times = timed_runs([sys.executable, '-c', REFERENCE, nodes], runs)
    startup = timed_runs([sys.executable, '-c', 'pass'], runs)
    sora_s = core.median(sora_times)
    plain_s = core.median(plain_times)
    return [core.Row(
        NAME, 'sora-scheduler select, 1,523 openb hosts', sora_s, 's median',
        plain_s, plain_s / sora_s, '<= %g s' % TARGET_S, sora_s <= TARGET_S,
        note='python -c pass: %.3f s; imports: %s' % (
            core.median(startup), slowest_imports()),
        extra={'runs': runs, 'times': sora_times,
               'reference_times': plain_times})]
