"""Many threads placing requests on one manager at once."""

import collections
import threading

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base

THREADS = 8
REQUESTS_PER_THREAD = 2000
HOST_COUNT = 50
REQUEST_MB = 1024


def make_hosts():
    """Return 50 hosts that hold 160, 180, 200, 220 or 240 requests each.

    CPUs are plentiful, so memory alone limits each host.
    """
    return [Host('host-%02d' % i,
                 memory_mb=(160 + 20 * (i % 5)) * REQUEST_MB,
                 vcpus_milli=1000 * 1000)
            for i in range(HOST_COUNT)]


class ConcurrentDecisionsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.conf([])
        self.manager = SchedulerManager(self.conf, load_inventory=False)
        self.manager.set_hosts(make_hosts())
        self.errors = []
        self.overcommits = []

    def run_threads(self, target, count):
        done = threading.Event()

        def watch():
            # Checks every host between decisions until the workers end.
            table = self.manager.store.hosts
            while not done.is_set():
                with self.manager.store.lock:
                    for name in table.names:
                        row = table.row(name)
                        if (table.memory_mb_claimed[row]
                                > table.memory_mb_capacity[row]):
                            self.overcommits.append(name)
                done.wait(0.01)

        watcher = threading.Thread(target=watch)
        watcher.start()
        workers = [threading.Thread(target=target) for _ in range(count)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(240)
        done.set()
        watcher.join(30)
        self.assertFalse(any(w.is_alive() for w in workers))

    def check_no_overcommit(self):
        self.assertEqual([], self.errors)
        self.assertEqual([], self.overcommits)
        table = self.manager.store.hosts
        per_host = collections.Counter(
            c.host for c in self.manager.store.claims())
        for host in make_hosts():
            row = table.row(host.name)
            self.assertLessEqual(per_host[host.name] * REQUEST_MB,
                                 host.memory_mb, host.name)
            self.assertEqual(per_host[host.name] * REQUEST_MB,
                             table.memory_mb_claimed[row], host.name)
            self.assertGreaterEqual(table.memory_mb_free[row], 0, host.name)

    def test_successes_match_capacity(self):
        outcomes = collections.Counter()
        lock = threading.Lock()

        def place():
            placed = failed = 0
            try:
                for _ in range(REQUESTS_PER_THREAD):
                    try:
                        self.manager.select_destinations(
                            RequestSpec(memory_mb=REQUEST_MB))
                        placed += 1
                    except exception.NoValidHost:
                        failed += 1
            except Exception as error:
                self.errors.append(error)
            with lock:
                outcomes['placed'] += placed
                outcomes['failed'] += failed

        self.run_threads(place, THREADS)

        # 10 hosts each of 160, 180, 200, 220 and 240 slots: 10,000.
        capacity = sum(h.memory_mb // REQUEST_MB for h in make_hosts())
        self.assertEqual(10000, capacity)
        self.assertEqual(capacity, outcomes['placed'])
        self.assertEqual(THREADS * REQUESTS_PER_THREAD - capacity,
                         outcomes['failed'])
        self.assertEqual(capacity, len(self.manager.store.claims()))
        self.check_no_overcommit()

    def test_multi_instance_all_or_nothing(self):
        # 4,000 requests for 3 instances race for 10,000 slots; each one
        # ends with all 3 claims or none.
        def place():
            try:
                for _ in range(500):
                    try:
                        self.manager.select_destinations(RequestSpec(
                            memory_mb=REQUEST_MB, num_instances=3))
                    except exception.NoValidHost:
                        pass
            except Exception as error:
                self.errors.append(error)

        self.run_threads(place, THREADS)

        per_request = collections.Counter(
            c.request_id for c in self.manager.store.claims())
        self.assertEqual({3}, set(per_request.values()))
        # 10,000 slots hold 3,333 requests of 3; one slot stays free.
        self.assertEqual(3333, len(per_request))
        self.check_no_overcommit()

    def test_direct_claims_race(self):
        # Eight threads claim the same host directly; the store checks the
        # fit and records the claim in one step.
        self.manager.set_hosts([Host('only', memory_mb=100 * REQUEST_MB,
                                     vcpus_milli=1000 * 1000)])
        granted = collections.Counter()

        def claim():
            for _ in range(50):
                try:
                    self.manager.claim('only',
                                       RequestSpec(memory_mb=REQUEST_MB))
                    granted[threading.get_ident()] += 1
                except exception.ClaimFailed:
                    pass

        threads = [threading.Thread(target=claim) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        self.assertEqual(100, sum(granted.values()))
        self.assertEqual(100, len(self.manager.store.claims()))
