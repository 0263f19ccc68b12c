"""Helpers for replay tests: inventories and traces written to temp files."""

import json
import os

import fixtures

from sora.replay import trace_reader
from sora.scheduler import manager as manager_mod
from tests import base

SORA_HEADER = 'arrival,departure,memory_mb,vcpus,disk_gb,gpus,gpu_milli,' \
    'gpu_models,name'


class ReplayTestCase(base.TestCase):
    """A test case whose hosts come from a JSON inventory in a temp dir."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.conf([])

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        return path

    def use_hosts(self, hosts):
        """Point [inventory] at a JSON file listing ``hosts`` (dicts)."""
        path = self.write('inventory.json', json.dumps({'hosts': hosts}))
        self.flags(group='inventory', source='file', path=path)
        return path

    def write_trace(self, rows, header=SORA_HEADER, name='trace.csv'):
        return self.write(name, '\n'.join([header] + list(rows)) + '\n')

    def read(self, rows, header=SORA_HEADER, **kwargs):
        return trace_reader.read_trace(self.write_trace(rows, header),
                                       **kwargs)

    def manager(self, driver='memory', seed=None):
        self.flags(group='scheduler', driver=driver, seed=seed)
        return manager_mod.SchedulerManager(self.conf)
