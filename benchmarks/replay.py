"""Wall time of ``sora-scheduler replay`` on the openb default trace.

Each installed policy replays the default pod list on the openb GPU nodes,
the hosts of the published results for this trace, in its own process.
The command line after ``--config-file`` comes from ``--replay-command``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time

from benchmarks import cold_start
from benchmarks import core
from sora import plugins

NAME = 'replay'
DESCRIPTION = 'sora-scheduler replay of the openb default trace per policy'

TARGET_S = 2.0
NODES = 'openb_node_list_gpu_node.csv'
PODS = 'openb_pod_list_default.csv'


def run(context: core.Context) -> list[core.Row]:
    nodes = context.shared_path(core.OPENB, NODES)
    pods = context.shared_path(core.OPENB, PODS)
    script = cold_start.command_path()
    probe = subprocess.run([script, 'replay', '--help'], capture_output=True,
                           text=True)
    if probe.returncode:
        raise core.Skip('sora-scheduler has no replay command here')

    rows = []
    arguments = shlex.split(context.replay_command.format(trace=pods))
    with tempfile.TemporaryDirectory() as folder:
        for policy in plugins.PluginSource(
                plugins.SCHEDULER_NAMESPACE).names():
            conf = os.path.join(folder, policy + '.conf')
            with open(conf, 'w', encoding='utf-8') as stream:
                stream.write('[scheduler]\ndriver = %s\nseed = %d\n\n'
                             '[inventory]\nsource = openb-csv\npath = %s\n'
                             % (policy, context.seed, nodes))
            start = time.perf_counter()
            done = subprocess.run([script, '--config-file', conf]
                                  + arguments, capture_output=True,
                                  text=True, cwd=folder)
            elapsed = time.perf_counter() - start
            if done.returncode:
                last = (done.stderr.strip().splitlines() or ['no output'])[-1]
                rows.append(core.Row(
                    NAME, policy, float('nan'), '',
                    note='skipped: exit %d: %s; check --replay-command'
                    % (done.returncode, last)))
                continue
            rows.append(core.Row(
                NAME, '%s, %s on %s' % (policy, PODS, NODES), elapsed,
                's', target='<= %g s' % TARGET_S, met=elapsed <= TARGET_S))
    return rows
