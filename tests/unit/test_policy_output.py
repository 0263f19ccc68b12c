"""Tests that the manager rejects invalid policy output before claiming."""

import numpy as np

from sora.drivers import base as driver_base
from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base
from tests import plugin_sources


class NonCandidateRanker(driver_base.SchedulerDriver):
    """Return the host that the filters removed."""

    def rank_hosts(self, hosts, rows, request, limit):
        return [hosts.host(hosts.row('small'))]


class TextRanker(driver_base.SchedulerDriver):
    """Return a host name as a string instead of a list of hosts."""

    def rank_hosts(self, hosts, rows, request, limit):
        return 'big'


class NameListRanker(driver_base.SchedulerDriver):
    """Return host names instead of hosts."""

    def rank_hosts(self, hosts, rows, request, limit):
        return [hosts.names[int(row)] for row in rows]


class DuplicateRanker(driver_base.SchedulerDriver):
    """Return the same host twice."""

    def rank_hosts(self, hosts, rows, request, limit):
        return [hosts.host(int(rows[0]))] * 2


class EmptyRanker(driver_base.SchedulerDriver):
    """Return no host although some passed the filters."""

    def rank_hosts(self, hosts, rows, request, limit):
        return []


class NanScorer(driver_base.SchedulerDriver):
    """Score every host NaN."""

    def score_hosts(self, hosts, rows, request):
        return np.full(len(rows), np.nan)


class InfiniteScorer(driver_base.SchedulerDriver):
    """Score the first candidate infinite and the others finite."""

    def score_hosts(self, hosts, rows, request):
        scores = np.zeros(len(rows))
        scores[0] = -np.inf
        return scores


class HugeScorer(driver_base.SchedulerDriver):
    """Score with finite numbers whose sum overflows to infinity."""

    def score_hosts(self, hosts, rows, request):
        # big is the first candidate, mid the second.
        return np.array([1e308, 1.5e308])[:len(rows)]


class ShortScorer(driver_base.SchedulerDriver):
    """Return one score fewer than there are candidates."""

    def score_hosts(self, hosts, rows, request):
        return np.ones(len(rows) - 1)


class TextScorer(driver_base.SchedulerDriver):
    """Return words instead of scores."""

    def score_hosts(self, hosts, rows, request):
        return ['high'] * len(rows)


class BreaksOnSecondCall(driver_base.SchedulerDriver):
    """Rank correctly once, then return a host that is not a candidate."""

    def __init__(self, conf):
        super().__init__(conf)
        self.calls = 0

    def rank_hosts(self, hosts, rows, request, limit):
        self.calls += 1
        if self.calls == 1:
            return [hosts.host(int(rows[0]))]
        return [hosts.host(hosts.row('small'))]


class GoodRanker(driver_base.SchedulerDriver):
    """Return the candidates in reverse name order."""

    def rank_hosts(self, hosts, rows, request, limit):
        return [hosts.host(int(row)) for row in reversed(rows)][:limit]


class PolicyOutputTest(base.TestCase):

    def _manager(self, name, policy):
        self.flags(group='scheduler', driver=name)
        manager = SchedulerManager(
            self.conf, load_inventory=False,
            sources=plugin_sources.policy_sources({name: policy}))
        manager.set_hosts([
            Host('big', memory_mb=8192, vcpus_milli=4000),
            Host('mid', memory_mb=4096, vcpus_milli=4000),
            Host('small', memory_mb=512, vcpus_milli=4000)])
        return manager

    def _assert_rejected(self, name, policy, problem, num_instances=1):
        manager = self._manager(name, policy)
        free_before = manager.store.hosts.memory_mb_free.tolist()

        error = self.assertRaises(
            exception.PolicyError, manager.select_destinations,
            RequestSpec(memory_mb=1024, num_instances=num_instances))

        self.assertEqual(name, error.policy)
        self.assertIn(problem, error.problem)
        self.assertIn(repr(name), str(error))
        self.assertIn('Nothing was claimed', str(error))
        self.assertEqual([], manager.store.claims())
        self.assertEqual(free_before,
                         manager.store.hosts.memory_mb_free.tolist())

    def test_non_candidate_rejected(self):
        self._assert_rejected('non-candidate', NonCandidateRanker,
                              'host small did not pass the filters')

    def test_string_rejected(self):
        self._assert_rejected('text', TextRanker,
                              "expected a list of hosts, got 'big'")

    def test_host_names_rejected(self):
        self._assert_rejected('names', NameListRanker,
                              "'big' is not a host of this scheduler")

    def test_duplicate_host_rejected(self):
        self._assert_rejected('dup', DuplicateRanker, 'listed twice')

    def test_empty_ranking_rejected(self):
        self._assert_rejected('empty', EmptyRanker,
                              'no host was returned although 2 passed')

    def test_nan_score_rejected(self):
        self._assert_rejected('nan', NanScorer, 'NaN or infinite')

    def test_infinite_score_rejected(self):
        self._assert_rejected('inf', InfiniteScorer, 'NaN or infinite')

    def test_huge_finite_scores_used(self):
        manager = self._manager('huge', HugeScorer)
        selection, = manager.select_destinations(RequestSpec(memory_mb=1024))
        self.assertEqual('mid', selection.host)
        self.assertEqual(('big',), selection.alternates)

    def test_wrong_length_rejected(self):
        self._assert_rejected('short', ShortScorer,
                              'expected 2 scores, one per candidate')

    def test_text_scores_rejected(self):
        self._assert_rejected('words', TextScorer, 'are not numbers')

    def test_earlier_instances_released(self):
        # The first instance is placed and claimed, the second gets an
        # invalid ranking: the whole request fails and both are released.
        self._assert_rejected('second', BreaksOnSecondCall,
                              'did not pass the filters', num_instances=2)

    def test_valid_ranking_used(self):
        manager = self._manager('good', GoodRanker)
        selection, = manager.select_destinations(RequestSpec(memory_mb=1024))
        # small is filtered out, so the reverse order is mid, big.
        self.assertEqual('mid', selection.host)
        self.assertEqual(('big',), selection.alternates)

    def test_policy_without_hook_rejected(self):
        def define():
            class NoHook(driver_base.SchedulerDriver):
                pass
            return NoHook

        error = self.assertRaises(TypeError, define)
        self.assertIn('score_host, score_hosts or rank_hosts', str(error))


class RaisingScorer(driver_base.SchedulerDriver):
    """Fail in score_host, which the default score_hosts calls."""

    def score_host(self, host, request):
        raise RuntimeError('score table missing')


class RaisingColumnScorer(driver_base.SchedulerDriver):
    """Fail in score_hosts."""

    def score_hosts(self, hosts, rows, request):
        raise KeyError('gpu_model')


class RaisingRanker(driver_base.SchedulerDriver):
    """Fail in rank_hosts."""

    def rank_hosts(self, hosts, rows, request, limit):
        raise ZeroDivisionError('division by zero')


class RaisingPolicyTest(base.TestCase):
    """A policy that raises is reported by name, and nothing is claimed."""

    _manager = PolicyOutputTest._manager
    _assert_rejected = PolicyOutputTest._assert_rejected

    def test_score_host_raises(self):
        self._assert_rejected('raises', RaisingScorer,
                              'RuntimeError: score table missing')

    def test_score_hosts_raises(self):
        self._assert_rejected('raises', RaisingColumnScorer,
                              "score_hosts raised KeyError: 'gpu_model'")

    def test_rank_hosts_raises(self):
        self._assert_rejected('raises', RaisingRanker,
                              'rank_hosts raised ZeroDivisionError')
