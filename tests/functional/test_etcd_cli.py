"""sora-scheduler load-inventory and select on the etcd store."""

import json
import os
import subprocess
import sys

import fixtures

from sora.scheduler.request import RequestSpec
from sora.state import inventory_load
from tests.functional import etcd_base


class LoadInventoryTest(etcd_base.EtcdTestCase):

    def setUp(self):
        super().setUp()
        root = self.useFixture(fixtures.TempDir()).path
        self.inventory = os.path.join(root, 'hosts.json')
        self.write_inventory([
            {'name': 'a1', 'memory_mb': 8192, 'vcpus': 4},
            {'name': 'a2', 'memory_mb': 4096, 'vcpus': 4}])
        self.config = os.path.join(root, 'sora.conf')
        with open(self.config, 'w') as conf:
            conf.write('[scheduler]\nstate_store = etcd\n'
                       '[inventory]\nsource = file\npath = %s\n'
                       '[etcd]\nendpoints = %s\nkey_prefix = %s\n'
                       % (self.inventory, self.etcd.endpoint, self.prefix))

    def write_inventory(self, hosts):
        with open(self.inventory, 'w') as out:
            json.dump({'hosts': hosts}, out)

    def run_cli(self, *args):
        return subprocess.run(
            [sys.executable, '-m', 'sora.cmd.scheduler', '--config-file',
             self.config] + list(args),
            capture_output=True, text=True, timeout=120,
            stdin=subprocess.DEVNULL)

    def test_load_then_select(self):
        loaded = self.run_cli('load-inventory')

        self.assertEqual(0, loaded.returncode, loaded.stderr)
        self.assertIn('Loaded 2 hosts from inventory source file into etcd '
                      'at %s under %s' % (self.etcd.endpoint, self.prefix),
                      loaded.stdout)

        placed = self.run_cli('select', '--memory-mb', '6000',
                              '--format', 'json')

        self.assertEqual(0, placed.returncode, placed.stderr)
        # NOTE: oslo.log writes INFO lines to stdout before the JSON.
        output = placed.stdout[placed.stdout.index('{\n'):]
        selection = json.loads(output)['selections'][0]
        self.assertEqual('a1', selection['host'])
        store = self.new_store()
        self.assertEqual([selection['claim_id']],
                         [c.claim_id for c in store.claims()])
        self.assertEqual(2192, store.hosts.memory_mb_free[0])

        # The claim is in etcd, so a second scheduler process finds a1 full.
        again = self.run_cli('select', '--memory-mb', '6000')
        self.assertEqual(1, again.returncode)
        self.assertIn('1 not enough memory_mb', again.stderr)

    def test_select_then_release(self):
        self.assertEqual(0, self.run_cli('load-inventory').returncode)
        placed = self.run_cli('select', '--memory-mb', '6000')
        self.assertEqual(0, placed.returncode, placed.stderr)
        claim_id = placed.stdout.split('claim: ')[1].split()[0]
        store = self.new_store()
        self.assertEqual([claim_id], [c.claim_id for c in store.claims()])

        # One unknown id among several releases none of them.
        mixed = self.run_cli('release', claim_id, 'no-such-claim',
                             'other-claim')
        self.assertEqual(2, mixed.returncode)
        # Each unknown id is named on its own, and the known one is absent.
        self.assertIn("Claims 'no-such-claim', 'other-claim' not found",
                      mixed.stderr)
        self.assertNotIn(claim_id, mixed.stderr)
        self.assertNotIn('Traceback', mixed.stderr)
        self.assertEqual([claim_id], [c.claim_id for c in store.claims()])

        released = self.run_cli('release', claim_id)
        self.assertEqual(0, released.returncode, released.stderr)
        self.assertIn('Released claim %s on host a1.' % claim_id,
                      released.stdout)
        self.assertEqual([], store.claims())
        store.refresh()
        self.assertEqual(8192, store.hosts.memory_mb_free[0])

        again = self.run_cli('release', claim_id)
        self.assertEqual(2, again.returncode)
        self.assertIn('not found', again.stderr)

    def test_reload_drops_claims_of_removed_host(self):
        self.flags(group='inventory', path=self.inventory)
        self.conf([])
        inventory_load.load_inventory(self.conf)
        store = self.new_store()
        claim = self.new_manager().claim('a2', RequestSpec(memory_mb=10))
        self.write_inventory([{'name': 'a1', 'memory_mb': 8192,
                               'vcpus': 4}])

        result = self.run_cli('load-inventory')

        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn(claim.claim_id, result.stderr)
        store.refresh()
        self.assertEqual(['a1'], store.hosts.names)
        self.assertEqual([], store.claims())

    def test_bad_inventory_writes_nothing(self):
        self.write_inventory([{'name': 'a1', 'memory_mb': -5}])

        result = self.run_cli('load-inventory')

        self.assertEqual(2, result.returncode)
        self.assertIn('memory_mb', result.stderr)
        self.assertNotIn('Traceback', result.stderr)
        self.assertEqual(0, len(self.new_store().hosts))

    def test_unreachable_etcd_is_named(self):
        self.etcd.kill()

        result = self.run_cli('load-inventory')

        self.assertEqual(2, result.returncode)
        self.assertIn(self.etcd.endpoint, result.stderr)
        self.assertNotIn('Traceback', result.stderr)
