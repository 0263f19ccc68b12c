"""Claims dropped by a new inventory are reported with their reason."""

import json
import os

import fixtures

from sora.inventory import merge
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from sora.state import inventory_load
from tests import base


class DroppedClaimsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.folder, 'inventory.json')
        self.write_hosts([
            {'name': 'gpu-1', 'memory_mb': 1024, 'vcpus': 8, 'gpus': 4},
            {'name': 'cpu-1', 'memory_mb': 4096, 'vcpus': 8}])
        self.flags(group='inventory', source='file', path=self.path)
        self.conf([])
        self.manager = SchedulerManager(self.conf)
        # Four one-card claims take cards 0 to 3 of gpu-1, and the memory
        # policy places 1024 MiB on cpu-1, the host with more free memory.
        self.cards = [self.place(gpus=1) for _ in range(4)]
        self.memory = self.place(memory_mb=1024)
        self.log = self.useFixture(fixtures.FakeLogger(level='WARNING'))

    def write_hosts(self, hosts):
        with open(self.path, 'w', encoding='utf-8') as stream:
            json.dump({'hosts': hosts}, stream)

    def place(self, **amounts):
        [selection] = self.manager.select_destinations(
            RequestSpec.build(**amounts))
        return selection.claim

    def shrink_inventory(self):
        self.write_hosts([{'name': 'gpu-1', 'memory_mb': 1024, 'vcpus': 8,
                           'gpus': 2}])

    def test_claims_on_placed_hosts(self):
        self.assertEqual([(0,), (1,), (2,), (3,)],
                         [claim.gpu_cards for claim in self.cards])
        self.assertEqual('cpu-1', self.memory.host)

    def test_load_logs_each_reason(self):
        self.shrink_inventory()

        dropped = self.manager.load_inventory()

        self.assertEqual({self.cards[2].claim_id, self.cards[3].claim_id,
                          self.memory.claim_id},
                         {claim.claim_id for claim in dropped})
        for card in (2, 3):
            self.assertIn('Dropped claim %s: GPU card %d it used is gone '
                          'from host gpu-1, which now has 2 card(s)'
                          % (self.cards[card].claim_id, card),
                          self.log.output)
        self.assertIn('Dropped claim %s: host cpu-1 left the inventory'
                      % self.memory.claim_id, self.log.output)
        self.assertNotIn('no longer in the inventory', self.log.output)

    def test_load_inventory_returns_reasons(self):
        self.shrink_inventory()

        result = inventory_load.load_inventory(self.conf,
                                               store=self.manager.store)

        self.assertEqual(
            {self.cards[2].claim_id: 'GPU card 2 it used is gone from host '
                                     'gpu-1, which now has 2 card(s)',
             self.cards[3].claim_id: 'GPU card 3 it used is gone from host '
                                     'gpu-1, which now has 2 card(s)',
             self.memory.claim_id: 'host cpu-1 left the inventory'},
            result.reasons)


class DropReasonTest(base.TestCase):

    def test_reason_per_case(self):
        claim = type('Claim', (), {'host': 'h1', 'gpu_cards': (1, 3)})()
        cases = [
            ({}, 'host h1 left the inventory'),
            ({'h1': Host('h1', gpus=1)},
             'GPU card 1, 3 it used is gone from host h1, which now has 1 '
             'card(s)'),
            ({'h1': Host('h1', gpus=2)},
             'GPU card 3 it used is gone from host h1, which now has 2 '
             'card(s)'),
        ]
        for hosts, reason in cases:
            self.assertEqual(reason, merge.drop_reason(claim, hosts))
