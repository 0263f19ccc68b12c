"""Several real scheduler processes sharing one real etcd server.

Each scheduler is a subprocess running tests/functional/etcd_worker.py,
which embeds a SchedulerManager on the etcd store.
"""

import base64
import collections
import http.client
import json
import os
import subprocess
import sys
import time

import fixtures

from sora.scheduler.host import Host
from sora.state.etcd import records
from tests.functional import etcd_base

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'etcd_worker.py')
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(WORKER)))


def _b64(text):
    return base64.b64encode(text.encode()).decode()


class Schedulers(fixtures.Fixture):
    """Scheduler subprocesses that start together and stop on request."""

    def __init__(self, count, endpoint, prefix, extra_args=()):
        super().__init__()
        self.count = count
        self.endpoint = endpoint
        self.prefix = prefix
        self.extra_args = list(extra_args)

    def _setUp(self):
        self.root = self.useFixture(fixtures.TempDir()).path
        self.go_file = os.path.join(self.root, 'go')
        self.stop_file = os.path.join(self.root, 'stop')
        self.outputs = [os.path.join(self.root, 'out-%d.jsonl' % index)
                        for index in range(self.count)]
        env = dict(os.environ, PYTHONPATH=REPO_ROOT)
        self.processes = []
        for output in self.outputs:
            process = subprocess.Popen(
                [sys.executable, WORKER, '--endpoint', self.endpoint,
                 '--prefix', self.prefix, '--output', output,
                 '--go-file', self.go_file, '--stop-file', self.stop_file]
                + self.extra_args,
                cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=open(output + '.stderr', 'wb'))
            self.processes.append(process)
            self.addCleanup(self._end, process)

    def _end(self, process):
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)

    def events(self, index):
        try:
            with open(self.outputs[index]) as out:
                return [json.loads(line) for line in out if line.strip()]
        except FileNotFoundError:
            return []

    def wait_for(self, condition, timeout=60.0, what='condition'):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            for index, process in enumerate(self.processes):
                if process.poll() not in (None, 0):
                    raise AssertionError(self._died(index))
            time.sleep(0.05)
        raise AssertionError('timed out waiting for %s' % what)

    def _died(self, index):
        with open(self.outputs[index] + '.stderr', errors='replace') as err:
            return 'scheduler %d exited with %s: %s' % (
                index, self.processes[index].returncode, err.read()[-3000:])

    def go(self):
        self.wait_for(lambda: all(self.events(i) for i in range(self.count)),
                      what='every scheduler to start')
        open(self.go_file, 'w').close()

    def stop_and_wait(self, timeout=60.0):
        open(self.stop_file, 'w').close()
        for index, process in enumerate(self.processes):
            process.wait(timeout=timeout)
            self.assertEqual(0, process.returncode, self._died(index))

    def assertEqual(self, expected, observed, message):
        if expected != observed:
            raise AssertionError(message)


class SharedEtcdTest(etcd_base.EtcdTestCase):

    def history(self, prefix):
        """Return every value each key under ``prefix`` ever had.

        Read through a watch from revision 1, so no intermediate state is
        missed however fast the schedulers wrote.
        """
        end = bytearray(prefix.encode())
        end[-1] += 1
        kvs = self.etcd.request('POST', '/v3/kv/range', {
            'key': _b64(prefix), 'range_end': _b64(end.decode())})['kvs']
        last = max(int(kv['mod_revision']) for kv in kvs)
        body = json.dumps({'create_request': {
            'key': _b64(prefix), 'range_end': _b64(end.decode()),
            'start_revision': 1}})
        connection = http.client.HTTPConnection(
            '127.0.0.1', self.etcd.client_port, timeout=10)
        self.addCleanup(connection.close)
        connection.request('POST', '/v3/watch', body=body)
        response = connection.getresponse()
        values = collections.defaultdict(list)
        seen = 0
        while seen < last:
            line = response.readline()
            self.assertTrue(line, 'the watch stream ended early')
            result = json.loads(line)['result']
            for event in result.get('events', []):
                kv = event['kv']
                seen = max(seen, int(kv['mod_revision']))
                key = base64.b64decode(kv['key']).decode()
                value = base64.b64decode(kv.get('value', ''))
                values[key].append(None if event.get('type') == 'DELETE'
                                   else value)
        return values

    def check_usage_matches_claims(self, store, placed):
        claims = {c.claim_id: c for c in store.claims()}
        self.assertEqual(len(placed), len(claims))
        self.assertEqual(set(placed), set(claims))
        for claim_id, host in placed.items():
            self.assertEqual(host, claims[claim_id].host)
        for name in store.hosts.names:
            usage = self.usage_of(store, name)
            on_host = [c for c in claims.values() if c.host == name]
            self.assertEqual(len(on_host), usage.instances)
            self.assertEqual(sum(c.memory_mb for c in on_host),
                             usage.claimed['memory_mb'])

    def placed_claims(self, schedulers):
        placed = {}
        for index in range(schedulers.count):
            for event in schedulers.events(index):
                if event['event'] == 'placed':
                    self.assertNotIn(event['claim'], placed)
                    placed[event['claim']] = event['host']
        return placed

    def test_concurrent_schedulers_never_overcommit(self):
        store = self.new_store()
        hosts = [Host('node-%02d' % i, memory_mb=16384, vcpus_milli=64000)
                 for i in range(12)]
        store.load(hosts)
        schedulers = self.useFixture(Schedulers(
            3, self.etcd.endpoint, self.prefix,
            ['--memory-mb', '1024', '--until-full']))

        schedulers.go()
        for process in schedulers.processes:
            process.wait(timeout=120)
        schedulers.stop_and_wait()

        # 12 hosts of 16 slots each: every slot is taken exactly once.
        placed = self.placed_claims(schedulers)
        self.assertEqual(12 * 16, len(placed))
        per_scheduler = [sum(e['event'] == 'placed'
                             for e in schedulers.events(i))
                         for i in range(3)]
        self.assertTrue(all(per_scheduler), per_scheduler)
        self.check_usage_matches_claims(store, placed)

        # No usage record ever went past its host's memory.
        history = self.history(self.prefix + records.USAGE)
        self.assertEqual(12, len(history))
        for key, values in history.items():
            for value in filter(None, values):
                usage = records.Usage.decode(key, value)
                self.assertLessEqual(usage.claimed['memory_mb'], 16384, key)

        for claim_id in placed:
            store.release(claim_id)
        self.assertEqual([], store.claims())
        for name in store.hosts.names:
            usage = self.usage_of(store, name)
            self.assertEqual(0, usage.claimed['memory_mb'], name)
            self.assertEqual(0, usage.instances, name)

    def test_schedulers_survive_etcd_restart(self):
        store = self.new_store()
        store.load([Host('node-%02d' % i, memory_mb=1024 * 1024,
                         vcpus_milli=64000) for i in range(4)])
        store.close()
        schedulers = self.useFixture(Schedulers(
            2, self.etcd.endpoint, self.prefix,
            ['--memory-mb', '10', '--pause', '0.01']))

        def count(index, event, after=0):
            return sum(e['event'] == event
                       for e in schedulers.events(index)[after:])

        schedulers.go()
        schedulers.wait_for(lambda: all(count(i, 'placed') >= 5
                                        for i in range(2)),
                            what='placements before the outage')
        self.etcd.kill()
        schedulers.wait_for(lambda: all(count(i, 'error') >= 2
                                        for i in range(2)),
                            what='errors during the outage')
        marks = [len(schedulers.events(i)) for i in range(2)]
        self.etcd.start()
        schedulers.wait_for(lambda: all(count(i, 'placed', marks[i]) >= 5
                                        for i in range(2)),
                            what='placements after the restart')
        schedulers.stop_and_wait()

        for index in range(2):
            errors = [e for e in schedulers.events(index)
                      if e['event'] == 'error']
            for error in errors:
                self.assertEqual('StoreUnavailable', error['type'])
                self.assertIn(self.etcd.endpoint, error['message'])
        # Claims whose response was lost in the outage were released when
        # etcd came back, so etcd holds exactly the reported placements.
        store = self.new_store()
        self.check_usage_matches_claims(store,
                                        self.placed_claims(schedulers))
