"""Replaying small traces whose figures are worked out by hand."""

from sora.replay import events
from sora.replay import metrics
from sora.replay import report
from sora.replay import runner
from sora.scheduler.host import Host
from sora.scheduler import units
from tests.unit.replay import base

# h1 has 4 CPUs, 8192 MiB and two T4 cards; h2 has 4 CPUs, 4096 MiB and no
# card. Capacity: CPU 8000 thousandths, memory 12288 MiB, GPU 2000
# thousandths.
HOSTS = [{'name': 'h1', 'vcpus': 4, 'memory_mb': 8192, 'gpus': 2,
          'gpu_model': 'T4'},
         {'name': 'h2', 'vcpus': 4, 'memory_mb': 4096}]

# With the memory policy (most free memory, ties to the first name):
#   t=0   a arrives: only h1 has cards. a takes half of card 0.
#         used CPU 2000, memory 4096, GPU 500.
#   t=10  b arrives: h1 and h2 both have 4096 MiB free; h1 wins the tie.
#         used 3000 / 6144 / 500.
#   t=20  c arrives and fits nowhere: h1 has 2048 MiB free ("not enough
#         memory_mb") and h2 only has 4096 ("memory_mb larger than the
#         host"). One host each, so the first reason by name is counted.
#   t=50  b departs before d arrives: used 2000 / 4096 / 500. d needs two
#         idle cards: h1 has one ("fewer than 2 free GPU cards", counted,
#         first by name), h2 has no cards ("no GPU").
#   t=60  e takes the idle card 1 of h1: used 4000 / 6144 / 1500.
#   t=70  e departs: used 2000 / 4096 / 500.
#   t=100 a departs (and d, never placed): everything is free.
TRACE = ['0,100,4096,2,0,1,500,,a',
         '10,50,2048,1,0,0,,,b',
         '20,,8192,1,0,0,,,c',
         '50,100,1024,1,0,2,,,d',
         '60,70,2048,2,0,1,1000,T4,e']


class SmallTraceMixin:

    def replay(self, rows, hosts=HOSTS, samples=11, retries=0,
               driver='memory'):
        self.use_hosts(hosts)
        trace = self.read(rows)
        return runner.Replay(self.manager(driver), trace.workloads,
                             metrics.typical_shapes(trace.workloads),
                             samples=samples, retries=retries).run()


class SmallTraceTest(SmallTraceMixin, base.ReplayTestCase):

    def test_counts_and_reasons(self):
        result = self.replay(TRACE)

        self.assertEqual((5, 3, 2), (result.total, result.placed,
                                     result.unplaced))
        self.assertEqual({'memory_mb larger than the host': 1,
                          'fewer than 2 free GPU cards': 1},
                         dict(result.reasons))
        self.assertEqual(5, len(result.latencies))

    def test_allocation_after_each_event(self):
        result = self.replay(TRACE)

        self.assertEqual([0, 10, 20, 50, 50, 60, 70, 100, 100],
                         list(result.times))
        self.assertEqual([2000, 3000, 3000, 2000, 2000, 4000, 2000, 0, 0],
                         list(result.vcpus_milli_used))
        self.assertEqual([500, 500, 500, 500, 500, 1500, 500, 0, 0],
                         list(result.gpu_milli_used))
        self.assertEqual({'vcpus_milli': 8000, 'memory_mb': 12288,
                          'gpu_milli': 2000}, result.capacity)

    def test_time_weighted_mean_and_peak(self):
        summary = report.summarize(self.replay(TRACE))
        allocation = summary['allocation_percent']

        # CPU: (2000*10 + 3000*40 + 2000*10 + 4000*10 + 2000*30) / 100
        # = 2600 of 8000 = 32.5%.
        self.assertAlmostEqual(32.5, allocation['cpu']['mean'])
        # Memory: (4096*10 + 6144*40 + 4096*10 + 6144*10 + 4096*30) / 100
        # = 5120 of 12288.
        self.assertAlmostEqual(5120 * 100 / 12288,
                               allocation['memory']['mean'])
        # GPU: (500*60 + 1500*10 + 500*30) / 100 = 600 of 2000 = 30%.
        self.assertAlmostEqual(30.0, allocation['gpu']['mean'])
        self.assertAlmostEqual(50.0, allocation['cpu']['peak'])
        self.assertAlmostEqual(50.0, allocation['memory']['peak'])
        self.assertAlmostEqual(75.0, allocation['gpu']['peak'])

    def test_fragmentation_samples(self):
        result = self.replay(TRACE)

        # Typical shapes (all three GPU shapes, one workload each, are
        # needed to cover 90%): half a card with 2 CPUs and 4096 MiB, one
        # card with 2 CPUs and 2048 MiB, two cards with 1 CPU and 1024 MiB.
        # Samples at t = 0, 10, ..., 100 see the state after the events up
        # to that time:
        #   t=0: h1 has 2 CPUs free, so half a card fits on either card: 0.
        #   t=10..40: h1 has 1 CPU free; only the two-card shape needs so
        #     little, and h1 has one idle card: 500 + 1000 stranded.
        #   t=50: b left, 2 CPUs free again: 0.
        #   t=60: e uses the last 2 CPUs: card 0's free 500 is stranded.
        #   t=70..100: 0.
        self.assertEqual([0, 1500, 1500, 1500, 1500, 0, 500, 0, 0, 0, 0],
                         list(result.fragmented_milli))
        # The last arrival is e at t=60.
        self.assertEqual(500, result.last_arrival_fragmented_milli)
        summary = report.summarize(result)
        self.assertAlmostEqual(
            6500 / 11 / 2000 * 100,
            summary['gpu_fragmentation_percent']['mean'])
        self.assertAlmostEqual(
            25.0, summary['gpu_fragmentation_percent']['at_last_arrival'])

    def test_usage_zero_after_last_departure(self):
        self.use_hosts(HOSTS)
        trace = self.read(TRACE)
        manager = self.manager()
        runner.Replay(manager, trace.workloads, []).run()

        table = manager.store.hosts
        self.assertEqual([0, 0], list(table.vcpus_milli_used))
        self.assertEqual([0, 0], list(table.memory_mb_used))
        self.assertEqual(0, int(table.gpu_used.sum()))
        self.assertEqual([], manager.store.claims())


# One host of 4096 MiB. w1 uses all of it from 0 to 10. w2 (5 to 20), w3 (6 to
# 30) and w4 (7 to 8) find it full when they arrive.
RETRY_HOSTS = [{'name': 'h1', 'vcpus': 8, 'memory_mb': 4096}]
RETRY_TRACE = ['0,10,4096,1,0,0,,,w1',
               '5,20,4096,1,0,0,,,w2',
               '6,30,4096,1,0,0,,,w3',
               '7,8,4096,1,0,0,,,w4']


class RetryTest(SmallTraceMixin, base.ReplayTestCase):

    def test_without_retry_only_first_placed(self):
        result = self.replay(RETRY_TRACE, RETRY_HOSTS)

        self.assertEqual((1, 3), (result.placed, result.unplaced))
        self.assertEqual(4, len(result.latencies))

    def test_retry_places_after_departure(self):
        result = self.replay(RETRY_TRACE, RETRY_HOSTS, retries=1)

        # w4 departs at 8 while it still waits: unplaced. At 10 w1 leaves
        # and the queue is retried in arrival order: w2 takes the host,
        # w3 fails its one retry and is counted. No departure frees room
        # again before w2 leaves, and the queue is empty by then.
        self.assertEqual((2, 1, 2), (result.placed, result.placed_on_retry,
                                     result.unplaced))
        self.assertEqual({'not enough memory_mb': 2}, dict(result.reasons))
        # 4 arrivals and 2 retries.
        self.assertEqual(6, len(result.latencies))
        self.assertEqual([4096, 4096, 4096, 4096, 4096, 4096, 0, 0],
                         list(result.memory_mb_used))

    def test_retries_bounded(self):
        hosts = [{'name': 'h1', 'vcpus': 8, 'memory_mb': 4096}]
        # w1 uses most of the host for the whole trace while small
        # workloads come and go, so every departure triggers a retry of
        # w2, which never fits: it gets 3 retries and is then dropped.
        # Decisions: 12 arrivals and 3 retries.
        rows = ['0,,3072,1,0,0,,,w1', '1,,4096,1,0,0,,,w2']
        rows += ['%d,%d,512,1,0,0,,,s%d' % (t, t + 1, t)
                 for t in range(2, 12)]
        result = self.replay(rows, hosts, retries=3)

        self.assertEqual(12 + 3, len(result.latencies))
        self.assertEqual({'not enough memory_mb': 1}, dict(result.reasons))


class EventOrderTest(base.ReplayTestCase):

    def test_departures_before_arrivals_at_same_time(self):
        trace = self.read(['0,5,1,1,0,0,,,a', '5,9,1,1,0,0,,,b',
                           '5,5,1,1,0,0,,,c'])

        order = [(t, kind, trace.workloads[i].name)
                 for t, kind, i in events.build_events(trace.workloads)]

        self.assertEqual([(0, events.ARRIVAL, 'a'),
                          (5, events.DEPARTURE, 'a'),
                          (5, events.ARRIVAL, 'b'),
                          (5, events.ARRIVAL, 'c'),
                          (5, events.INSTANT_DEPARTURE, 'c'),
                          (9, events.DEPARTURE, 'b')], order)

    def test_departure_frees_room_at_same_time(self):
        self.use_hosts([{'name': 'h1', 'vcpus': 1, 'memory_mb': 100}])
        trace = self.read(['0,5,100,1,0,0,,,a', '5,,100,1,0,0,,,b'])

        result = runner.Replay(self.manager(), trace.workloads, []).run()

        self.assertEqual((2, 0), (result.placed, result.unplaced))


class ReproducibleTest(base.ReplayTestCase):

    def test_same_seed_same_figures(self):
        # 30 hosts of mixed sizes and 400 workloads drawn from a fixed
        # generator, so the random policy has real choices to make.
        hosts = [{'name': 'h%02d' % i, 'vcpus': 8 + 8 * (i % 3),
                  'memory_mb': 16384 * (1 + i % 2), 'gpus': 4 * (i % 2),
                  'gpu_model': 'T4' if i % 2 else ''} for i in range(30)]
        self.use_hosts(hosts)
        rows = []
        for i in range(400):
            # A share of a card is only valid with one card (odd i).
            share = (i * 37) % 1000 + 1 if i % 3 and i % 2 else 1000
            rows.append('%d,%d,%d,%d,0,%d,%d,,w%d' % (
                i, i + 40 + (i * 13) % 90, 3072 * (1 + i % 7), 1 + i % 4,
                i % 2, share, i))
        trace = self.read(rows)
        shapes = metrics.typical_shapes(trace.workloads)

        def figures(seed):
            result = runner.Replay(self.manager('random', seed),
                                   trace.workloads, shapes,
                                   samples=50).run()
            summary = report.summarize(result)
            del summary['decision_latency_ms']['p50']
            del summary['decision_latency_ms']['p99']
            del summary['wall_time_s']
            return summary, list(result.gpu_milli_used), list(
                result.fragmented_milli)

        first = figures(7)
        self.assertEqual(first, figures(7))
        self.assertGreater(first[0]['unplaced'], 0)


class FragmentationTest(base.ReplayTestCase):

    def test_no_gpu_workloads_reports_zero(self):
        self.use_hosts(HOSTS)
        trace = self.read(['0,10,1024,1,0,0,,,cpu-only'])
        manager = self.manager()

        result = runner.Replay(manager, trace.workloads,
                               metrics.typical_shapes(trace.workloads),
                               samples=3).run()

        self.assertEqual([], metrics.typical_shapes(trace.workloads))
        self.assertEqual([0, 0, 0], list(result.fragmented_milli))
        self.assertEqual(0, result.last_arrival_fragmented_milli)

    def test_typical_shapes_cover_ninety_percent(self):
        # 6 whole cards, 3 halves, 1 quarter: the first two shapes cover
        # 9 of 10 GPU workloads, which reaches 90%, so the quarter is left
        # out. CPU and memory are the least of each shape.
        rows = ['%d,,%d,%d,0,1,,,w%d' % (i, 1024 * (i + 1), 1 + i, i)
                for i in range(6)]
        rows += ['%d,,2048,2,0,1,500,,h%d' % (i, i) for i in range(3)]
        rows += ['9,,512,1,0,1,250,,q', '10,,512,1,0,0,,,cpu']
        trace = self.read(rows)

        shapes = metrics.typical_shapes(trace.workloads)

        self.assertEqual([metrics.Shape(1, 1000, 1000, 1024, 6),
                          metrics.Shape(1, 500, 2000, 2048, 3)], shapes)


class LargeCapacityTest(base.ReplayTestCase):

    def test_capacity_sums_beyond_int64(self):
        # 40,000 hosts of the largest memory a host may have add up to
        # about 1.1e19 MiB, past the int64 maximum of about 9.2e18, where
        # a numpy sum wraps around to a negative capacity.
        count = 40000
        manager = self.manager()
        manager.set_hosts([Host('h%05d' % i, memory_mb=units.MAX_AMOUNT,
                                vcpus_milli=1000) for i in range(count)])
        trace = self.read(['0,10,%d,1,0,0,,,big' % units.MAX_AMOUNT])
        result = runner.Replay(manager, trace.workloads, [],
                               samples=2).run()

        self.assertEqual(count * units.MAX_AMOUNT,
                         result.capacity['memory_mb'])
        self.assertGreater(result.capacity['memory_mb'], 2 ** 63)
        peak = report.summarize(result)['allocation_percent']['memory']
        self.assertAlmostEqual(100.0 / count, peak['peak'])
