"""The inflation protocol's workload, its curve and its seed ranges."""

import numpy as np

from sora.replay import inflation
from sora.replay.workload import Workload
from sora.scheduler.request import RequestSpec
from tests import base


def pod(name, gpus=0, gpu_milli=1000):
    return Workload(name, 0.0, 50.0, RequestSpec(gpus=gpus,
                                                 gpu_milli=gpu_milli))


# GPU shares: a 1000, b 500, c 0, d 2000: 3500 thousandths in all.
PODS = [pod('a', 1), pod('b', 1, 500), pod('c'), pod('d', 2)]


class BuildWorkloadsTest(base.TestCase):

    def test_extends_until_target_would_pass(self):
        # Capacity 2000 and target 3.0: the limit is 6000. The shuffled
        # list brings 3500; drawn pods follow while they keep the total at
        # 6000 or less, so at least one is drawn.
        workloads = inflation.build_workloads(PODS, 2000, 3.0, seed=1)

        total = sum(w.gpu_share_milli for w in workloads)
        self.assertEqual(sorted(p.name for p in PODS),
                         sorted(w.name for w in workloads[:4]))
        self.assertLessEqual(total, 6000)
        # The draw stops at a pod that would pass 6000, and no pod
        # requests more than 2000.
        self.assertGreater(total, 6000 - 2000)
        self.assertGreater(len(workloads), 4)
        self.assertTrue(all('~' in w.name for w in workloads[4:]))

    def test_arrivals_in_order_never_depart(self):
        workloads = inflation.build_workloads(PODS, 2000, 2.0, seed=1)

        self.assertEqual([float(i) for i in range(len(workloads))],
                         [w.arrival for w in workloads])
        self.assertEqual({None}, {w.departure for w in workloads})

    def test_list_cut_when_target_below_it(self):
        # Limit 0.5 * 2000 = 1000: a (1000) fits alone; b, d pass it.
        workloads = inflation.build_workloads(PODS, 2000, 0.5, seed=3)

        self.assertLessEqual(sum(w.gpu_share_milli for w in workloads), 1000)
        self.assertLess(len(workloads), 4)

    def test_same_seed_same_order(self):
        first = inflation.build_workloads(PODS * 10, 2000, 20.0, seed=42)
        again = inflation.build_workloads(PODS * 10, 2000, 20.0, seed=42)
        other = inflation.build_workloads(PODS * 10, 2000, 20.0, seed=43)

        self.assertEqual([w.name for w in first], [w.name for w in again])
        self.assertNotEqual([w.name for w in first],
                            [w.name for w in other])

    def test_pods_without_gpus_stop_after_list(self):
        workloads = inflation.build_workloads([pod('x'), pod('y')], 2000,
                                              1.3, seed=0)

        self.assertEqual(2, len(workloads))


class AllocationCurveTest(base.TestCase):

    def test_value_after_last_pod_at_or_below_percent(self):
        # Capacity 1000. Demand after each pod: 0.5%, 1.0%, 2.5%, 3.0%.
        # Allocation after each pod: 5, 10, 10, 20 thousandths.
        demand = np.array([0.5, 1.0, 2.5, 3.0])
        allocated = np.array([5, 10, 10, 20])

        curve = inflation.allocation_curve(demand, allocated, 1000, 4)

        # 1%: pods 1-2 -> 10 (1.0%); 2%: still pod 2 -> 1.0%;
        # 3%: pod 4 -> 2.0%; 4%: pod 4 -> 2.0%.
        np.testing.assert_allclose([1.0, 1.0, 2.0, 2.0], curve)

    def test_zero_before_first_gpu_pod(self):
        curve = inflation.allocation_curve(np.array([2.0]),
                                           np.array([20]), 1000, 2)

        np.testing.assert_allclose([0.0, 2.0], curve)


class ParseSeedsTest(base.TestCase):

    def test_forms(self):
        self.assertEqual([42], inflation.parse_seeds('42'))
        self.assertEqual(list(range(42, 52)), inflation.parse_seeds('42-51'))
        self.assertEqual([1, 5, 9, 10], inflation.parse_seeds('1,5,9-10,5'))

    def test_invalid(self):
        for text in ('', 'x', '5-2', '-3', '1-', '4.5'):
            self.assertRaises(ValueError, inflation.parse_seeds, text)
