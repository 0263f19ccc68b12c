"""Every installed policy places the openb production trace within capacity.

The hosts are the 1,523 nodes of openb_node_list_all_node.csv, read by the
``openb-csv`` inventory source. The pods of openb_pod_list_default.csv
arrive in creation order and are never released. Afterwards the test adds
up the claims itself, from the CSV files, and checks that no host and no
GPU card holds more than its capacity.
"""

import collections
import csv
import logging

import fixtures
import testscenarios

from sora import exception
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

load_tests = testscenarios.load_tests_apply_scenarios

TRACE = 'openb-2023'
NODES = 'openb_node_list_all_node.csv'
PODS = 'openb_pod_list_default.csv'

# This pod list leaves every gpu_spec empty, so the test adds a model
# constraint of its own to every tenth GPU pod to exercise the gpu filter's
# model check at the trace's scale.
CONSTRAINED_MODELS = frozenset({'V100M16', 'V100M32'})
CONSTRAIN_EVERY = 10


def read_nodes(path):
    with open(path, newline='') as stream:
        return {row['sn']: row for row in csv.DictReader(stream)}


def read_requests(path):
    with open(path, newline='') as stream:
        pods = list(csv.DictReader(stream))
    # sorted() is stable, so pods created at the same second keep the
    # order of the file.
    pods.sort(key=lambda pod: int(pod['creation_time']))

    requests = []
    gpu_pods = 0
    for pod in pods:
        gpus = int(pod['num_gpu'])
        models = frozenset(m for m in pod['gpu_spec'].split('|') if m)
        if gpus:
            gpu_pods += 1
            if not models and gpu_pods % CONSTRAIN_EVERY == 0:
                models = CONSTRAINED_MODELS
        requests.append(RequestSpec(
            memory_mb=int(pod['memory_mib']),
            vcpus_milli=int(pod['cpu_milli']),
            gpus=gpus,
            gpu_milli=int(pod['gpu_milli']) if gpus == 1 else 1000,
            gpu_models=models,
            request_id=pod['name']))
    return requests


class OpenbTraceTest(base.TestCase):

    scenarios = placement.policy_scenarios()

    def test_trace_within_capacity(self):
        nodes_path = self.shared_data_path(TRACE, NODES)
        requests = read_requests(self.shared_data_path(TRACE, PODS))
        nodes = read_nodes(nodes_path)
        self.flags(group='scheduler', driver=self.policy, seed=3)
        self.flags(group='inventory', source='openb-csv', path=nodes_path)
        self.conf([])
        # oslotest captures every level by default. The decisions' debug
        # lines would make up most of the run time and memory here, and
        # other tests cover them, so sora logs from INFO up.
        self.useFixture(fixtures.FakeLogger(name='sora', level=logging.INFO))
        manager = SchedulerManager(self.conf,
                                   sources=placement.installed_sources())

        placed = {}
        for request in requests:
            try:
                selection, = manager.select_destinations(request)
            except exception.NoValidHost as error:
                # Each host is counted under exactly one reason.
                self.assertEqual(len(nodes), error.total_hosts)
                self.assertEqual(len(nodes), sum(error.reasons.values()),
                                 error.reasons)
                continue
            placed[request.request_id] = (request, selection.claim)

        self.assertGreater(len(placed), len(requests) // 2)
        self.assertEqual(len(placed), len(manager.store.claims()))
        self._check_capacity(nodes, placed.values())

    def _check_capacity(self, nodes, placements):
        memory = collections.Counter()
        cpus = collections.Counter()
        cards = collections.Counter()
        constrained = 0
        for request, claim in placements:
            node = nodes[claim.host]
            memory[claim.host] += request.memory_mb
            cpus[claim.host] += request.vcpus_milli
            self.assertEqual(request.gpus, len(claim.gpu_cards),
                             request.request_id)
            self.assertEqual(len(claim.gpu_cards), len(set(claim.gpu_cards)))
            for card in claim.gpu_cards:
                self.assertLess(card, int(node['gpu']), request.request_id)
                cards[claim.host, card] += (
                    request.gpu_milli if request.gpus == 1 else 1000)
            if request.gpus and request.gpu_models:
                constrained += 1
                self.assertIn(node['model'], request.gpu_models,
                              request.request_id)

        self.assertGreater(constrained, 0)
        for host, used in memory.items():
            self.assertLessEqual(used, int(nodes[host]['memory_mib']), host)
        for host, used in cpus.items():
            self.assertLessEqual(used, int(nodes[host]['cpu_milli']), host)
        for (host, card), used in cards.items():
            self.assertLessEqual(used, 1000, '%s card %d' % (host, card))
