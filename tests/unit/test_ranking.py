"""Tests for ranking.best_rows: order and tie-break."""

import numpy as np

from sora.scheduler import ranking
from tests import base


class BestRowsTest(base.TestCase):

    def test_highest_score_first(self):
        rows = np.array([2, 5, 7, 9])
        scores = np.array([1.0, 4.0, 3.0, 2.0])
        self.assertEqual([5, 7, 9, 2], ranking.best_rows(scores, rows, 10))
        self.assertEqual([5, 7], ranking.best_rows(scores, rows, 2))

    def test_ties_go_to_first_row(self):
        # Rows follow host names, so the first row is the first name.
        rows = np.array([0, 1, 2, 3])
        scores = np.array([5.0, 7.0, 7.0, 7.0])
        self.assertEqual([1, 2, 3, 0], ranking.best_rows(scores, rows, 4))

    def test_empty(self):
        self.assertEqual([], ranking.best_rows(np.array([]),
                                               np.array([], int), 3))

    def test_input_scores_unchanged(self):
        scores = np.array([1.0, 2.0])
        ranking.best_rows(scores, np.array([0, 1]), 2)
        self.assertEqual([1.0, 2.0], list(scores))

    def test_random_ties_spread_and_repeat(self):
        rows = np.arange(10)
        scores = np.zeros(10)
        winners = [ranking.best_rows(scores, rows, 1,
                                     np.random.default_rng(seed))[0]
                   for seed in range(50)]
        self.assertGreaterEqual(len(set(winners)), 5)
        again = [ranking.best_rows(scores, rows, 1,
                                   np.random.default_rng(seed))[0]
                 for seed in range(50)]
        self.assertEqual(winners, again)

    def test_random_ties_keep_best_first(self):
        rows = np.arange(4)
        scores = np.array([1.0, 3.0, 3.0, 2.0])
        for seed in range(20):
            picked = ranking.best_rows(scores, rows, 4,
                                       np.random.default_rng(seed))
            self.assertEqual({1, 2}, set(picked[:2]))
            self.assertEqual([3, 0], picked[2:])


class TakeBestTest(base.TestCase):

    def test_known_first_gives_same_order(self):
        rows = np.array([0, 3, 4, 8, 9])
        scores = np.array([2.0, 9.0, 9.0, -1.0, 5.0])
        expected = ranking.take_best(scores.copy(), rows, 4)
        self.assertEqual([3, 4, 9, 0], expected)
        self.assertEqual(expected, ranking.take_best(
            scores.copy(), rows, 4, first=int(scores.argmax())))

    def test_known_first_with_shuffled_ties(self):
        rows = np.arange(6)
        scores = np.array([1.0, 7.0, 7.0, 7.0, 0.0, 7.0])
        for seed in range(20):
            expected = ranking.take_best(scores.copy(), rows, 3,
                                         np.random.default_rng(seed))
            given = ranking.take_best(scores.copy(), rows, 3,
                                      np.random.default_rng(seed), first=1)
            self.assertEqual(expected, given, seed)
