"""Wall time of ``sora-scheduler replay`` on the openb default trace.

Each installed policy replays the default pod list on the openb GPU nodes,
the hosts of the published results for this trace, in its own process.
The command line after ``--config-file`` comes from ``--replay-command``.

Two figures come from each run. The first is the wall time per policy
that the command reports, from the first event of the trace to the last.
The second is the whole process, which adds the steps that a command runs
once for any number of compared policies: starting Python, importing,
loading the plugins, and reading the hosts and the trace. The target
applies to the first, and the note of each row gives the second. A
replay command without ``--json`` output gives only the process figure.
"""

from __future__ import annotations

import json
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
            case = '%s, %s on %s' % (policy, PODS, NODES)
            replay_s = _policy_wall_time(done.stdout)
            if replay_s is None:
                rows.append(core.Row(
                    NAME, case + ', whole process', elapsed, 's',
                    note='no --json output to read the replay time from'))
                continue
            rows.append(core.Row(
                NAME, case, replay_s, 's', target='<= %g s' % TARGET_S,
                met=replay_s <= TARGET_S,
                note='whole process %.2f s: %.2f s more for start-up, '
                     'reading and output' % (elapsed, elapsed - replay_s),
                extra={'process_s': elapsed}))
    return rows


def _policy_wall_time(stdout: str) -> float | None:
    """Return the wall time the replay's JSON output gives, or None."""
    try:
        return float(json.loads(stdout)['policies'][0]['wall_time_s'])
    except (ValueError, KeyError, IndexError, TypeError):
        return None
