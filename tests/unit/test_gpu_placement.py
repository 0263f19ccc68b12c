"""Shared GPU cards and GPU models, under every installed policy."""

import testscenarios

from sora import exception
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

load_tests = testscenarios.load_tests_apply_scenarios

V100 = frozenset({'V100M16', 'V100M32'})


def share(milli):
    return RequestSpec(memory_mb=1024, vcpus_milli=1000, gpus=1,
                       gpu_milli=milli)


class SharedCardTest(base.TestCase):

    scenarios = placement.policy_scenarios()

    def setUp(self):
        super().setUp()
        self.manager = placement.manager(
            self, [placement.host('node', memory_mb=65536, vcpus=32,
                                  gpus=2, gpu_model='T4')],
            policy=self.policy)

    def test_shares_use_separate_cards(self):
        first, = self.manager.select_destinations(share(600))
        second, = self.manager.select_destinations(share(600))
        # 1000 - 600 = 400 left on each card, so 600 fits nowhere.
        self.assertEqual(1, len(first.claim.gpu_cards))
        self.assertNotEqual(first.claim.gpu_cards, second.claim.gpu_cards)
        error = self.assertRaises(exception.NoValidHost,
                                  self.manager.select_destinations,
                                  share(600))
        self.assertEqual({'no GPU card with 600/1000 free': 1},
                         error.reasons)

        # 400 fits exactly in what is left of either card.
        third, = self.manager.select_destinations(share(400))
        self.assertIn(third.claim.gpu_cards[0], (0, 1))

    def test_whole_cards_need_idle_cards(self):
        self.manager.select_destinations(share(100))
        error = self.assertRaises(
            exception.NoValidHost, self.manager.select_destinations,
            RequestSpec(memory_mb=1024, gpus=2))
        self.assertEqual({'fewer than 2 free GPU cards': 1}, error.reasons)

        # One card is still idle.
        selection, = self.manager.select_destinations(
            RequestSpec(memory_mb=1024, gpus=1))
        self.assertEqual(1, len(selection.claim.gpu_cards))


class GpuModelTest(base.TestCase):

    scenarios = placement.policy_scenarios()

    def setUp(self):
        super().setUp()
        hosts = [placement.host('a-t4', gpus=2, gpu_model='T4'),
                 placement.host('b-p100', gpus=2, gpu_model='P100'),
                 placement.host('c-v16', gpus=1, gpu_model='V100M16'),
                 placement.host('d-v32', gpus=1, gpu_model='V100M32'),
                 placement.host('e-cpu')]
        self.manager = placement.manager(self, hosts, policy=self.policy)

    def test_only_acceptable_models(self):
        request = RequestSpec(memory_mb=1024, gpus=1, gpu_models=V100)
        chosen = {s.host for s in self.manager.select_destinations(
            RequestSpec(memory_mb=1024, gpus=1, gpu_models=V100,
                        num_instances=2))}
        self.assertEqual({'c-v16', 'd-v32'}, chosen)
        error = self.assertRaises(exception.NoValidHost,
                                  self.manager.select_destinations, request)
        self.assertEqual({'GPU model not in V100M16|V100M32': 2,
                          'no GPU': 1, 'no free GPU card': 2},
                         error.reasons)

    def test_no_gpu_request_ignores_models(self):
        selections = self.manager.select_destinations(
            RequestSpec(memory_mb=1024, gpu_models=V100, num_instances=5,
                        group='g', group_policy='anti-affinity'))
        self.assertEqual(5, len({s.host for s in selections}))
