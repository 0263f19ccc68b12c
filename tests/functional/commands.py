"""Paths of the console scripts and files that functional tests run."""

import os
import sys

from tests import fixtures as sora_fixtures

GENERATOR_CONF = os.path.join(sora_fixtures.REPO_ROOT, 'etc', 'sora',
                              'sora-config-generator.conf')


def script(name):
    """Return the path of a console script installed beside Python.

    tox installs sora and its dependencies into the virtualenv that runs
    the tests, so sora-scheduler and oslo.config's tools are there.
    """
    return os.path.join(os.path.dirname(sys.executable), name)
