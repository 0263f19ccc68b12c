"""Run the installed ``sora-scheduler`` command in a subprocess."""

import os
import subprocess
import sys
import sysconfig


def command() -> list:
    """Return the argv prefix that starts the installed console script.

    The script sits beside the test interpreter in its virtualenv. Where it
    is missing, the module is run with the same interpreter instead.
    """
    script = os.path.join(sysconfig.get_path('scripts'), 'sora-scheduler')
    if os.path.exists(script):
        return [script]
    return [sys.executable, '-m', 'sora.cmd.scheduler']


def run(args, config_file, pythonpath=None, cwd=None):
    """Run ``sora-scheduler --config-file CONFIG_FILE ARGS``.

    Passing the configuration file keeps the command from reading a
    sora.conf of the machine. ``pythonpath`` is a folder of extra
    distributions to put on PYTHONPATH. Returns the CompletedProcess with
    text stdout and stderr.
    """
    env = dict(os.environ)
    if pythonpath:
        env['PYTHONPATH'] = os.pathsep.join(
            [pythonpath] + [p for p in [env.get('PYTHONPATH')] if p])
    return subprocess.run(command() + ['--config-file', config_file]
                          + list(args), env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          check=False)
