"""Cached scores are the numbers the policy gives, after any host change."""

import random

import fixtures
import numpy as np
from oslo_config import cfg
import testscenarios

from sora.drivers.balanced import BalancedDriver
from sora.drivers import base as driver_base
from sora.drivers.binpack import BinpackDriver
from sora.drivers.spread import SpreadDriver
from sora import plugins
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.request import RequestSpec
from sora.scheduler import score_cache
from tests import base
from tests import placement

load_tests = testscenarios.load_tests_apply_scenarios

SHAPES = [
    RequestSpec(memory_mb=1024, vcpus_milli=500),
    RequestSpec(memory_mb=4096, vcpus_milli=2000, disk_gb=10),
    RequestSpec(memory_mb=2048, vcpus_milli=1000, gpus=1, gpu_milli=300),
    RequestSpec(memory_mb=2048, vcpus_milli=1000, gpus=2),
]


def random_host(rng, name):
    gpus = rng.choice([0, 0, 1, 2, 4, 8])
    return placement.host(
        name, memory_mb=rng.choice([0, 4096, 16384, 65536]),
        vcpus=rng.choice([0, 4, 16, 64]), disk_gb=rng.choice([0, 100]),
        gpus=gpus, gpu_model='T4' if gpus else '',
        memory_mb_used=rng.choice([0, 1024]))


class ScoreCacheTest(base.TestCase):

    scenarios = [(cls.__name__, {'driver_class': cls})
                 for cls in (BinpackDriver, SpreadDriver, BalancedDriver)]

    def setUp(self):
        super().setUp()
        self.rng = random.Random(7)
        self.table = placement.table(
            *[random_host(self.rng, 'h%02d' % i) for i in range(40)])
        self.driver = self.driver_class(cfg.ConfigOpts())
        self.cache = score_cache.ScoreCache()
        self.claims = []

    def assert_same_scores(self, request, rows=None):
        if rows is None:
            rows = np.arange(len(self.table))
        expected = self.driver.score_hosts(self.table, rows, request)
        cached = self.cache.scores(self.table, rows, request,
                                   self.driver.score_hosts)
        self.assertEqual(np.asarray(expected, float).tolist(),
                         cached.tolist())

    def claim_somewhere(self, request):
        row = self.rng.randrange(len(self.table))
        cards = self.table.gpu_cards_for(row, request.gpus,
                                         request.gpu_milli) or []
        amounts = {'memory_mb': request.memory_mb,
                   'vcpus_milli': request.vcpus_milli,
                   'disk_gb': request.disk_gb}
        gpu_milli = request.gpu_milli if cards else 0
        self.table.apply(row, amounts, cards, gpu_milli, 1)
        self.claims.append((self.table.names[row], amounts, cards,
                            gpu_milli))

    def release_one(self):
        name, amounts, cards, gpu_milli = self.claims.pop(
            self.rng.randrange(len(self.claims)))
        self.table.apply(self.table.row(name), amounts, cards, gpu_milli, -1)

    def test_scores_follow_claims_and_releases(self):
        for step in range(300):
            request = self.rng.choice(SHAPES)
            self.assert_same_scores(request)
            if self.claims and self.rng.random() < 0.4:
                self.release_one()
            else:
                self.claim_somewhere(request)

    def test_scores_follow_reports_and_usage(self):
        request = SHAPES[2]
        self.assert_same_scores(request)

        self.table.report(3, {'memory_mb': 2048, 'vcpus_milli': 3000})
        self.assert_same_scores(request)

        self.table.set_usage(5, {'memory_mb': 512}, {'vcpus_milli': 250},
                             [700, 1000], 2, 0.0)
        self.assert_same_scores(request)

    def test_scores_follow_host_changes(self):
        request = SHAPES[1]
        self.assert_same_scores(request)

        self.table.update(placement.host('h07', memory_mb=128, vcpus=1))
        self.assert_same_scores(request)

        self.table.add(placement.host('h07a', memory_mb=999999, vcpus=99))
        self.assert_same_scores(request)

        self.table.remove('h10')
        self.assert_same_scores(request)

        self.table.set_settings(CapacitySettings(
            ratios={'memory_mb': 1.5}, reserved={'vcpus_milli': 1000}))
        self.assert_same_scores(request)

        self.table.replace_all([random_host(self.rng, 'x%d' % i)
                                for i in range(5)])
        self.assert_same_scores(request)

    def test_candidates_are_a_subset(self):
        request = SHAPES[0]
        rows = np.array([1, 4, 9, 33])
        self.assert_same_scores(request)
        self.claim_somewhere(request)
        self.assert_same_scores(request, rows)

    def test_old_changes_rescore_every_host(self):
        request = SHAPES[0]
        self.assert_same_scores(request)
        before = self.cache.scores(self.table, np.arange(3), request,
                                   self.driver.score_hosts)

        # More changes than the table's usage log keeps, so the cache can
        # no longer tell which hosts changed.
        self.useFixture(fixtures.MonkeyPatch(
            'sora.scheduler.usage_log.MIN_KEPT', 16))
        for _ in range(400):
            self.claim_somewhere(request)
        self.assertIsNone(self.table.usage_log.rows_since(0))

        self.assert_same_scores(request)
        after = self.cache.scores(self.table, np.arange(3), request,
                                  self.driver.score_hosts)
        self.assertNotEqual(before.tolist(), after.tolist())


class ScoreCacheBoundsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.table = placement.table(
            *[placement.host('h%d' % i, memory_mb=1024 * (i + 1))
              for i in range(10)])
        self.calls = []

    def score(self, table, rows, request):
        self.calls.append(len(rows))
        return table.memory_mb_free.take(rows) - request.memory_mb

    def test_only_changed_hosts_are_scored_again(self):
        cache = score_cache.ScoreCache()
        request = RequestSpec(memory_mb=100)
        rows = np.arange(10)
        cache.scores(self.table, rows, request, self.score)
        self.table.apply(4, {'memory_mb': 10}, [], 0, 1)
        self.table.apply(4, {'memory_mb': 10}, [], 0, 1)
        self.table.apply(7, {'memory_mb': 10}, [], 0, 1)

        scores = cache.scores(self.table, rows, request, self.score)

        self.assertEqual([10, 2], self.calls)
        self.assertEqual(self.score(self.table, rows, request).tolist(),
                         scores.tolist())

    def score_memory(self, cache, *amounts):
        for memory_mb in amounts:
            cache.scores(self.table, np.arange(10),
                         RequestSpec(memory_mb=memory_mb), self.score)

    def score_candidates(self, cache, *amounts):
        for memory_mb in amounts:
            cache.scores(self.table, np.arange(3),
                         RequestSpec(memory_mb=memory_mb), self.score)

    def test_most_used_shapes_are_kept(self):
        cache = score_cache.ScoreCache(max_shapes=2)

        self.score_candidates(cache, 1, 2, 1, 3, 3, 2, 1)

        # 1 and 2 fill the cache and every host is scored for them; 1 is
        # then used again. 3 is scored on the candidates alone until it
        # has been asked for more often than 2, which then gives way and
        # is itself scored on the candidates.
        self.assertEqual([10, 10, 3, 10, 3], self.calls)
        self.assertEqual(2, len(cache))

    def test_counts_are_halved(self):
        self.useFixture(fixtures.MonkeyPatch(
            'sora.scheduler.score_cache.AGE_AFTER', 4))
        cache = score_cache.ScoreCache(max_shapes=1)

        self.score_candidates(cache, 1, 1, 1, 2, 2)

        # Without halving, 1 would keep its place after three uses.
        self.assertEqual([10, 3, 10], self.calls)

    def test_score_count_bounds_the_shapes(self):
        cache = score_cache.ScoreCache(max_scores=25)
        self.score_memory(cache, 1, 2, 3, 4)
        self.assertEqual(2, len(cache))

    def test_table_too_large_is_scored_directly(self):
        cache = score_cache.ScoreCache(max_scores=5)
        rows = np.array([2, 3])
        scores = cache.scores(self.table, rows, RequestSpec(memory_mb=1),
                              self.score)
        self.assertEqual([2], self.calls)
        self.assertEqual(0, len(cache))
        self.assertEqual(self.score(self.table, rows,
                                    RequestSpec(memory_mb=1)).tolist(),
                         scores.tolist())


class CountingPolicy(driver_base.SchedulerDriver):
    """Most free memory wins; records how many hosts each call scores."""

    scores_per_host = True
    scored = []

    def score_hosts(self, hosts, rows, request):
        self.scored.append(len(rows))
        return hosts.memory_mb_free.take(rows).astype(float)


class ManagerScoreCacheTest(base.TestCase):

    def manager(self, per_host):
        self.useFixture(fixtures.MonkeyPatch(
            __name__ + '.CountingPolicy.scores_per_host', per_host))
        self.useFixture(fixtures.MonkeyPatch(
            __name__ + '.CountingPolicy.scored', []))
        source = placement.test_source(plugins.SCHEDULER_NAMESPACE,
                                       counting=CountingPolicy)
        hosts = [placement.host('h%d' % i, memory_mb=4096 + i)
                 for i in range(20)]
        return placement.manager(
            self, hosts, policy='counting',
            sources={plugins.SCHEDULER_NAMESPACE: source})

    def test_second_decision_scores_the_claimed_host(self):
        manager = self.manager(per_host=True)
        request = RequestSpec(memory_mb=1024)

        first = manager.select_destinations(request)[0]
        second = manager.select_destinations(request)[0]

        self.assertEqual([20, 1], CountingPolicy.scored)
        self.assertEqual('h19', first.host)
        self.assertEqual('h18', second.host)

    def test_policy_without_the_flag_scores_every_candidate(self):
        manager = self.manager(per_host=False)
        request = RequestSpec(memory_mb=1024)

        manager.select_destinations(request)
        manager.select_destinations(request)

        self.assertEqual([20, 20], CountingPolicy.scored)
