"""Tests for the fit arithmetic shared by the filters and the claims."""

import numpy as np

from sora.scheduler import fit
from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from tests import base


def _table(hosts, **settings):
    table = HostTable(CapacitySettings(**settings))
    table.replace_all(hosts)
    return table


class ResourceFitTest(base.TestCase):

    def _check(self, table, request, fits, reason=None):
        """Check the vectorised mask and the per-host reason agree."""
        mask = fit.resources_mask(table, request)
        self.assertEqual(fits, bool(mask[0]))
        self.assertEqual(reason, fit.resource_shortfall(table, 0, request))
        self.assertEqual(reason, fit.shortfall(table, 0, request))

    def test_overcommit_from_overcommitted_host(self):
        table = _table([Host('a', memory_mb=2048, memory_mb_used=3072,
                             vcpus_milli=1000)],
                       ratios={'memory_mb': 2.0})
        # free = 2048 * 2.0 - 3072 = 1024
        self._check(table, RequestSpec(memory_mb=1024), True)
        self._check(table, RequestSpec(memory_mb=1025), False,
                    'not enough memory_mb')

    def test_never_larger_than_physical_host(self):
        table = _table([Host('a', memory_mb=512, vcpus_milli=1000)],
                       ratios={'memory_mb': 2.0, 'vcpus_milli': 2.0})
        # Capacity is 1024 MiB and 2 CPUs, but one instance gets at most
        # the 512 MiB and the 1 CPU that the host has.
        self._check(table, RequestSpec(memory_mb=512), True)
        self._check(table, RequestSpec(memory_mb=1024), False,
                    'memory_mb larger than the host')
        self._check(table, RequestSpec(vcpus_milli=1000), True)
        self._check(table, RequestSpec(vcpus_milli=2000), False,
                    'vcpus larger than the host')

    def test_reserved_subtracted_once(self):
        table = _table([Host('a', memory_mb=16384, vcpus_milli=1000)],
                       reserved={'memory_mb': 2048})
        # 16384 - 2048 = 14336
        self._check(table, RequestSpec(memory_mb=14336), True)
        self._check(table, RequestSpec(memory_mb=14337), False,
                    'memory_mb larger than the host')

    def test_disk(self):
        table = _table([Host('a', memory_mb=1, vcpus_milli=1, disk_gb=10,
                             disk_gb_used=4)])
        self._check(table, RequestSpec(disk_gb=6), True)
        self._check(table, RequestSpec(disk_gb=7), False,
                    'not enough disk_gb')

    def test_zero_capacity_host_never_fits(self):
        table = _table([Host('drained')])
        for request in (RequestSpec(), RequestSpec(memory_mb=0)):
            self._check(table, request, False,
                        'no memory_mb or vcpus capacity')

    def test_zero_memory_request_fits(self):
        table = _table([Host('a', memory_mb=1024, vcpus_milli=1000,
                             memory_mb_used=1024)])
        self._check(table, RequestSpec(memory_mb=0, vcpus_milli=500), True)

    def test_mask_covers_every_host(self):
        table = _table([Host('a', memory_mb=100, vcpus_milli=1),
                        Host('b', memory_mb=200, vcpus_milli=1),
                        Host('c')])
        mask = fit.resources_mask(table, RequestSpec(memory_mb=150))
        self.assertEqual([False, True, False], list(mask))


class GpuFitTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.table = _table([
            Host('cpu', memory_mb=1, vcpus_milli=1),
            Host('t4', memory_mb=1, vcpus_milli=1, gpus=2, gpu_model='T4'),
            Host('v16', memory_mb=1, vcpus_milli=1, gpus=8,
                 gpu_model='V100M16'),
            Host('v32', memory_mb=1, vcpus_milli=1, gpus=8,
                 gpu_model='V100M32'),
        ])

    def _mask(self, request):
        return dict(zip(self.table.names,
                        fit.gpu_mask(self.table, request).tolist()))

    def test_no_gpu_request_ignores_models(self):
        request = RequestSpec(gpu_models=frozenset({'V100M16'}))
        self.assertEqual({'cpu': True, 't4': True, 'v16': True, 'v32': True},
                         self._mask(request))
        for row in range(len(self.table)):
            self.assertIsNone(fit.gpu_shortfall(self.table, row, request))

    def test_models_restrict_hosts(self):
        request = RequestSpec(gpus=1,
                              gpu_models=frozenset({'V100M16', 'V100M32'}))
        self.assertEqual({'cpu': False, 't4': False, 'v16': True,
                          'v32': True}, self._mask(request))
        self.assertEqual('GPU model not in V100M16|V100M32',
                         fit.gpu_shortfall(self.table, 1, request))

    def test_card_counts(self):
        request = RequestSpec(gpus=4)
        self.assertEqual({'cpu': False, 't4': False, 'v16': True,
                          'v32': True}, self._mask(request))
        self.assertEqual('fewer than 4 GPU cards',
                         fit.gpu_shortfall(self.table, 1, request))

    def test_busy_cards(self):
        row = self.table.row('t4')
        self.table.apply(row, {}, [0], 600, 1)
        self.table.apply(row, {}, [1], 600, 1)
        self.assertEqual('no free GPU card', fit.gpu_shortfall(
            self.table, row, RequestSpec(gpus=1)))
        self.assertEqual('no GPU card with 500/1000 free', fit.gpu_shortfall(
            self.table, row, RequestSpec(gpus=1, gpu_milli=500)))
        self.assertIsNone(fit.gpu_shortfall(
            self.table, row, RequestSpec(gpus=1, gpu_milli=400)))
        self.assertFalse(self._mask(RequestSpec(gpus=1, gpu_milli=500))['t4'])
        self.assertTrue(self._mask(RequestSpec(gpus=1, gpu_milli=400))['t4'])

    def test_mask_matches_shortfall(self):
        # Each host passes the mask exactly when it has no shortfall.
        requests = [RequestSpec(gpus=g) for g in (1, 2, 8, 9)] + [
            RequestSpec(gpus=1, gpu_milli=m) for m in (1, 500, 1000)]
        for request in requests:
            mask = fit.gpu_mask(self.table, request)
            for row in range(len(self.table)):
                self.assertEqual(
                    bool(mask[row]),
                    fit.gpu_shortfall(self.table, row, request) is None,
                    (request.gpus, request.gpu_milli, row))
        self.assertIsInstance(mask, np.ndarray)


class ClaimFitTest(base.TestCase):
    """claim_fit gives shortfall's verdict and gpu_cards_for's cards."""

    def setUp(self):
        super().setUp()
        self.table = _table([
            Host('cpu', memory_mb=4096, vcpus_milli=4000),
            Host('t4', memory_mb=4096, vcpus_milli=4000, gpus=2,
                 gpu_model='T4'),
            Host('v100', memory_mb=4096, vcpus_milli=4000, gpus=4,
                 gpu_model='V100'),
        ])
        # Some use on the cards, so that shares and whole cards differ.
        self.table.apply(self.table.row('t4'), {}, [0], 700, 1)
        self.table.apply(self.table.row('v100'), {}, [1], 200, 1)
        self.table.apply(self.table.row('v100'), {}, [2], 1000, 1)

    def test_agrees_with_shortfall_and_card_choice(self):
        requests = [RequestSpec(memory_mb=m, gpus=g, gpu_milli=s,
                                gpu_models=frozenset(models))
                    for m in (1, 8192)
                    for g, s in ((0, 1000), (1, 300), (1, 800), (1, 1000),
                                 (2, 1000), (3, 1000))
                    for models in ((), ('V100',))]
        for request in requests:
            for row in range(len(self.table)):
                reason, cards = fit.claim_fit(self.table, row, request)
                label = (request, self.table.names[row])
                self.assertEqual(fit.shortfall(self.table, row, request),
                                 reason, label)
                expected = ([] if reason else self.table.gpu_cards_for(
                    row, request.gpus, request.gpu_milli))
                self.assertEqual(expected, cards, label)

    def test_share_goes_to_fullest_card_that_fits(self):
        row = self.table.row('v100')
        # Card 1 has 800 free and cards 0 and 3 have 1000: a share of 300
        # packs onto card 1, and one of 900 takes the lowest idle card.
        self.assertEqual((None, [1]), fit.claim_fit(
            self.table, row, RequestSpec(gpus=1, gpu_milli=300)))
        self.assertEqual((None, [0]), fit.claim_fit(
            self.table, row, RequestSpec(gpus=1, gpu_milli=900)))
        self.assertEqual((None, [0, 3]), fit.claim_fit(
            self.table, row, RequestSpec(gpus=2)))

    def test_model_checked_before_cards(self):
        request = RequestSpec(gpus=1, gpu_milli=100,
                              gpu_models=frozenset({'V100'}))
        self.assertEqual(('GPU model not in V100', []), fit.claim_fit(
            self.table, self.table.row('t4'), request))
