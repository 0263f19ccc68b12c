"""Selections: tie-breaks, alternates and requests for many instances."""

import collections
import uuid

import numpy as np
import testscenarios

from sora import exception
from sora.scheduler.request import RequestSpec
from sora.scheduler import selection as selection_mod
from tests import base
from tests import placement

load_tests = testscenarios.load_tests_apply_scenarios

TEN_HOSTS = [placement.host('h%d' % i) for i in range(10)]


class TieBreakTest(base.TestCase):
    """With equal hosts, the default is repeatable and the options spread.

    The random policy is left out: it never produces ties.
    """

    scenarios = placement.policy_scenarios(exclude=('random',))

    def _winners(self, **filter_flags):
        self.flags(group='scheduler', seed=11)
        manager = placement.manager(self, TEN_HOSTS, policy=self.policy,
                                    **filter_flags)
        winners = collections.Counter()
        for _ in range(100):
            selection, = manager.select_destinations(
                RequestSpec(memory_mb=1))
            winners[selection.host] += 1
            manager.release(selection)
        return winners

    def test_default_always_picks_first_name(self):
        self.assertEqual({'h0': 100}, self._winners())

    def test_shuffle_spreads_ties(self):
        winners = self._winners(shuffle_best_same_weighed_hosts=True)
        self.assertGreaterEqual(len(winners), 5, winners)

    def test_subset_spreads_choices(self):
        winners = self._winners(host_subset_size=10)
        self.assertGreaterEqual(len(winners), 5, winners)


class ShuffleSeedTest(base.TestCase):

    def _picks(self, seed_after_start=None):
        self.flags(group='scheduler', seed=11)
        manager = placement.manager(self, TEN_HOSTS, policy='memory',
                                    shuffle_best_same_weighed_hosts=True,
                                    host_subset_size=3)
        if seed_after_start is not None:
            self.flags(group='scheduler', seed=seed_after_start)
        picks = []
        for _ in range(30):
            selection, = manager.select_destinations(
                RequestSpec(memory_mb=1))
            picks.append(selection.host)
            manager.release(selection)
        return picks

    def test_same_seed_same_picks(self):
        self.assertEqual(self._picks(), self._picks())

    def test_seed_read_at_startup(self):
        # The generator is made at the first shuffle, from the seed that
        # the manager read when it started.
        self.assertEqual(self._picks(), self._picks(seed_after_start=99))


class AlternatesTest(base.TestCase):

    scenarios = placement.policy_scenarios()

    def test_alternates_distinct(self):
        manager = placement.manager(self, TEN_HOSTS, policy=self.policy)
        for attempts, count in ((1, 0), (3, 2), (5, 4)):
            self.flags(group='scheduler', max_attempts=attempts)
            manager = placement.manager(self, TEN_HOSTS, policy=self.policy)
            selection, = manager.select_destinations(
                RequestSpec(memory_mb=1))
            alternates = selection.alternates
            self.assertEqual(count, len(alternates), attempts)
            self.assertEqual(count, len(set(alternates)), attempts)
            self.assertNotIn(selection.host, alternates)

    def test_alternates_passed_the_filters(self):
        hosts = [placement.host('a', memory_mb=1024),
                 placement.host('b', memory_mb=8192),
                 placement.host('c', memory_mb=8192)]
        manager = placement.manager(self, hosts, policy=self.policy)
        selection, = manager.select_destinations(RequestSpec(memory_mb=4096))
        self.assertEqual({'b', 'c'},
                         {selection.host} | set(selection.alternates))

    def test_alternates_claimable_without_filters(self):
        # With no filter enabled every host is ranked, including a drained
        # host with no memory and one too small for the request. Neither
        # can hold a claim, so neither is chosen or offered as alternate.
        # A policy that ranks them first leaves fewer alternates, because
        # only the max_attempts best hosts are ranked.
        hosts = [placement.host('drained', memory_mb=0),
                 placement.host('small', memory_mb=1024),
                 placement.host('b', memory_mb=8192),
                 placement.host('c', memory_mb=16384)]
        manager = placement.manager(self, hosts, policy=self.policy,
                                    enabled_filters=[])
        selection, = manager.select_destinations(RequestSpec(memory_mb=4096))
        self.assertIn(selection.host, {'b', 'c'})
        self.assertLessEqual(set(selection.alternates),
                             {'b', 'c'} - {selection.host})

    def test_alternates_follow_ranking_with_fit_filters(self):
        # With the resources and gpu filters enabled, every ranked host can
        # hold a claim, so the alternates are the next hosts of the ranking,
        # in order. Releasing the claim and claiming each alternate by name
        # must then succeed.
        self.flags(group='scheduler', max_attempts=4)
        manager = placement.manager(self, TEN_HOSTS, policy=self.policy)
        self.assertTrue(manager.pipeline.filters_check_claims)
        request = RequestSpec(memory_mb=1)
        selection, = manager.select_destinations(request)
        manager.release(selection)
        ranked = manager.pipeline.rank(
            manager.store.hosts, np.arange(len(TEN_HOSTS)), request, 4, None)
        if self.policy != 'random':
            self.assertEqual(
                [manager.store.hosts.names[row] for row in ranked[1:]],
                list(selection.alternates))
        for name in selection.alternates:
            manager.release(manager.claim(name, request))

    def test_alternates_checked_without_both_fit_filters(self):
        # The resources filter alone leaves GPU fit unchecked, so the
        # alternates are checked one by one and the host without a card
        # is never offered.
        hosts = [placement.host('gpu-a', gpus=1),
                 placement.host('gpu-b', gpus=1),
                 placement.host('no-gpu')]
        manager = placement.manager(self, hosts, policy=self.policy,
                                    enabled_filters=['enabled', 'resources'])
        self.assertFalse(manager.pipeline.filters_check_claims)
        selection, = manager.select_destinations(RequestSpec(gpus=1))
        self.assertIn(selection.host, {'gpu-a', 'gpu-b'})
        self.assertNotIn('no-gpu', selection.alternates)


class ManyInstancesTest(base.TestCase):

    scenarios = placement.policy_scenarios()

    def test_each_instance_sees_earlier_claims(self):
        # 6144 + 6144 > 8192, so the two instances need two hosts.
        manager = placement.manager(
            self, [placement.host('a'), placement.host('b')],
            policy=self.policy)
        selections = manager.select_destinations(
            RequestSpec(memory_mb=6144, num_instances=2))
        self.assertEqual({'a', 'b'}, {s.host for s in selections})

    def test_all_or_nothing(self):
        # 5 x 3072 = 15360 would fit in 2 x 8192 = 16384 in bulk, but each
        # host takes only 2 instances, so only 4 of 5 fit.
        manager = placement.manager(
            self, [placement.host('a'), placement.host('b')],
            policy=self.policy)
        self.assertRaises(exception.NoValidHost,
                          manager.select_destinations,
                          RequestSpec(memory_mb=3072, num_instances=5))
        table = manager.store.hosts
        self.assertEqual([8192, 8192], list(table.memory_mb_free))
        self.assertEqual([], manager.store.claims())

    def test_anti_affinity_inside_one_request(self):
        hosts = [placement.host(n) for n in ('a', 'b', 'c')]
        manager = placement.manager(self, hosts, policy=self.policy)
        selections = manager.select_destinations(RequestSpec(
            memory_mb=1024, num_instances=3, group='web',
            group_policy='anti-affinity'))
        self.assertEqual(['a', 'b', 'c'],
                         sorted(s.host for s in selections))

    def test_anti_affinity_without_enough_hosts(self):
        manager = placement.manager(
            self, [placement.host('a'), placement.host('b')],
            policy=self.policy)
        error = self.assertRaises(
            exception.NoValidHost, manager.select_destinations,
            RequestSpec(memory_mb=1024, num_instances=3, group='web',
                        group_policy='anti-affinity'))
        self.assertEqual(
            {'holds a member of anti-affinity group web': 2}, error.reasons)
        self.assertEqual([], manager.store.claims())
        self.assertEqual({}, manager.store.group_members('web'))

    def test_affinity_inside_one_request(self):
        hosts = [placement.host(n) for n in ('a', 'b', 'c')]
        manager = placement.manager(self, hosts, policy=self.policy)
        selections = manager.select_destinations(RequestSpec(
            memory_mb=1024, num_instances=3, group='db',
            group_policy='affinity'))
        self.assertEqual(1, len({s.host for s in selections}))

    def test_max_per_host(self):
        hosts = [placement.host(n) for n in ('a', 'b')]
        manager = placement.manager(self, hosts, policy=self.policy)
        selections = manager.select_destinations(RequestSpec(
            memory_mb=1024, num_instances=4, group='web',
            group_policy='anti-affinity', max_per_host=2))
        self.assertEqual({'a': 2, 'b': 2},
                         collections.Counter(s.host for s in selections))


class ClaimIdTest(base.TestCase):

    def test_ids_are_version_4_uuids(self):
        ids = [selection_mod.new_claim_id() for _ in range(2000)]
        self.assertEqual(2000, len(set(ids)))
        for text in ids:
            parsed = uuid.UUID(text)
            self.assertEqual(4, parsed.version, text)
            self.assertEqual(uuid.RFC_4122, parsed.variant, text)
            self.assertEqual(str(parsed), text)

    def test_every_random_bit_varies(self):
        # 122 bits are random; the 6 version and variant bits are fixed.
        values = [uuid.UUID(selection_mod.new_claim_id()).int
                  for _ in range(200)]
        fixed = (0xF << 76) | (0x3 << 62)
        varying = 0
        for value in values:
            varying |= value ^ values[0]
        self.assertEqual((1 << 128) - 1 - fixed, varying)

    def test_store_claims_use_them(self):
        manager = placement.manager(self, TEN_HOSTS)
        selection, = manager.select_destinations(RequestSpec(memory_mb=1))
        self.assertEqual(4, uuid.UUID(selection.claim.claim_id).version)
