"""Place every pod of the openb trace on its cluster, keeping every claim.

The test keeps its own account of what each node has given out, read from
the trace files with the csv module, and checks every decision against it.
No placement may take a node past its memory, its CPUs or the share of any
GPU card. Every NoValidHost must give, for each reason, exactly the number
of nodes for which that reason is true at that moment.
"""

import collections
import csv

import numpy as np

from sora import exception
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base

CARD_MILLI = 1000


class Cluster:
    """The test's own account of the nodes and what each has given out."""

    def __init__(self, path):
        with open(path, newline='', encoding='utf-8') as stream:
            nodes = sorted(csv.DictReader(stream), key=lambda n: n['sn'])
        self.names = [node['sn'] for node in nodes]
        self.rows = {name: row for row, name in enumerate(self.names)}
        self.cpu = np.array([int(n['cpu_milli']) for n in nodes])
        self.memory = np.array([int(n['memory_mib']) for n in nodes])
        self.gpus = np.array([int(n['gpu']) for n in nodes])
        self.model = [n['model'] for n in nodes]
        self.cpu_used = np.zeros(len(nodes), int)
        self.memory_used = np.zeros(len(nodes), int)
        self.card_used = np.zeros((len(nodes), max(self.gpus.max(), 1)), int)

    def reason(self, row, pod):
        """Return why a node cannot take a pod, in sora's words, or None.

        The checks run in the order of the enabled filters, resources then
        gpu, because NoValidHost counts a node under its first rejection.
        """
        if self.memory[row] <= 0 or self.cpu[row] <= 0:
            return 'no memory_mb or vcpus capacity'
        for label, total, used, amount in (
                ('memory_mb', self.memory, self.memory_used, pod.memory_mb),
                ('vcpus', self.cpu, self.cpu_used, pod.vcpus_milli)):
            if amount > total[row]:
                return '%s larger than the host' % label
            if amount > total[row] - used[row]:
                return 'not enough %s' % label
        if not pod.gpus:
            return None
        if self.gpus[row] == 0:
            return 'no GPU'
        if pod.gpu_models and self.model[row] not in pod.gpu_models:
            return 'GPU model not in %s' % '|'.join(sorted(pod.gpu_models))
        if self.gpus[row] < pod.gpus:
            return 'fewer than %d GPU cards' % pod.gpus
        cards = self.card_used[row, :self.gpus[row]]
        if pod.gpu_milli >= CARD_MILLI:
            if np.count_nonzero(cards == 0) < pod.gpus:
                if pod.gpus == 1:
                    return 'no free GPU card'
                return 'fewer than %d free GPU cards' % pod.gpus
        elif (CARD_MILLI - cards).max() < pod.gpu_milli:
            return 'no GPU card with %d/1000 free' % pod.gpu_milli
        return None

    def take(self, row, pod, cards):
        self.cpu_used[row] += pod.vcpus_milli
        self.memory_used[row] += pod.memory_mb
        for card in cards:
            self.card_used[row, card] += (pod.gpu_milli if pod.gpus == 1
                                          else CARD_MILLI)


def read_pods(path):
    """Return the pods as requests, in creation order."""
    with open(path, newline='', encoding='utf-8') as stream:
        rows = list(csv.DictReader(stream))
    # sorted() is stable, so pods created at the same second keep their
    # order in the file.
    rows.sort(key=lambda row: int(row['creation_time']))
    pods = []
    for row in rows:
        gpus = int(row['num_gpu'])
        spec = row.get('gpu_spec') or ''
        pods.append(RequestSpec(
            memory_mb=int(row['memory_mib']),
            vcpus_milli=int(row['cpu_milli']),
            gpus=gpus,
            gpu_milli=int(row['gpu_milli']) if gpus == 1 else CARD_MILLI,
            gpu_models=frozenset(m for m in spec.split('|') if m),
            request_id=row['name']))
    return pods


class OpenbTraceTest(base.TestCase):

    def test_default_pods_never_overfill_nodes(self):
        nodes_path = self.shared_data_path('openb-2023',
                                           'openb_node_list_all_node.csv')
        pods_path = self.shared_data_path('openb-2023',
                                          'openb_pod_list_default.csv')
        self.flags(group='inventory', source='openb-csv', path=nodes_path)
        manager = SchedulerManager(self.conf)
        cluster = Cluster(nodes_path)
        table = manager.store.hosts
        self.assertEqual(cluster.names, table.names)

        placed = failed = 0
        for pod in read_pods(pods_path):
            try:
                selection, = manager.select_destinations(pod)
            except exception.NoValidHost as error:
                failed += 1
                self._check_reasons(cluster, pod, error)
                continue

            placed += 1
            row = cluster.rows[selection.host]
            cards = selection.claim.gpu_cards
            self.assertIsNone(cluster.reason(row, pod), pod.request_id)
            self.assertEqual(pod.gpus, len(set(cards)), pod.request_id)
            cluster.take(row, pod, cards)
            self.assertLessEqual(cluster.memory_used[row],
                                 cluster.memory[row], pod.request_id)
            self.assertLessEqual(cluster.cpu_used[row], cluster.cpu[row],
                                 pod.request_id)
            for card in cards:
                self.assertLess(card, cluster.gpus[row], pod.request_id)
                self.assertLessEqual(cluster.card_used[row, card],
                                     CARD_MILLI, pod.request_id)

        self.assertGreater(placed, 0)
        self.assertEqual(8152, placed + failed)
        # After the whole trace, sora's columns match the test's account.
        self.assertEqual(cluster.memory_used.tolist(),
                         table.memory_mb_claimed.tolist())
        self.assertEqual(cluster.cpu_used.tolist(),
                         table.vcpus_milli_claimed.tolist())
        width = cluster.card_used.shape[1]
        self.assertEqual(cluster.card_used.tolist(),
                         table.gpu_used[:, :width].tolist())

    def _check_reasons(self, cluster, pod, error):
        expected = collections.Counter()
        for row in range(len(cluster.names)):
            reason = cluster.reason(row, pod)
            self.assertIsNotNone(
                reason, '%s was refused, but node %s has room for it'
                % (pod.request_id, cluster.names[row]))
            expected[reason] += 1
        self.assertEqual(len(cluster.names), error.total_hosts)
        self.assertEqual(dict(expected), error.reasons, pod.request_id)
