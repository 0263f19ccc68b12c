"""The gpu filter: whole cards, shares of one card, and card models."""

from sora.filters.gpu import GpuFilter
from sora.scheduler.request import RequestSpec
from tests import base
from tests import placement

V100 = frozenset({'V100M16', 'V100M32'})

# Each case: the host's cards and model, the share already used on each
# card in thousandths, the GPU part of the request, and the expected reason
# (None when the host passes).
CASES = [
    ('no GPU request passes a CPU host',
     0, '', [], dict(), None),
    ('no GPU request ignores models',
     2, 'T4', [], dict(gpu_models=V100), None),
    ('CPU host has no GPU',
     0, '', [], dict(gpus=1), 'no GPU'),
    ('CPU host has no GPU even with models',
     0, '', [], dict(gpus=1, gpu_models=V100), 'no GPU'),
    ('model outside the list',
     2, 'T4', [], dict(gpus=1, gpu_models=V100),
     'GPU model not in V100M16|V100M32'),
    ('model in the list',
     2, 'V100M32', [], dict(gpus=1, gpu_models=V100), None),
    # 2 cards in all, 4 asked.
    ('fewer cards than asked',
     2, 'T4', [], dict(gpus=4), 'fewer than 4 GPU cards'),
    # Card 0 carries 600, so one of 2 cards is idle.
    ('whole cards need idle cards',
     2, 'T4', [600, 0], dict(gpus=2), 'fewer than 2 free GPU cards'),
    ('one whole card needs one idle card',
     2, 'T4', [600, 600], dict(gpus=1), 'no free GPU card'),
    # 1000 - 600 = 400 free on each card.
    ('share larger than any free share',
     2, 'T4', [600, 600], dict(gpus=1, gpu_milli=600),
     'no GPU card with 600/1000 free'),
    ('share equal to a free share',
     2, 'T4', [600, 600], dict(gpus=1, gpu_milli=400), None),
    ('share on the idle card',
     2, 'T4', [600, 0], dict(gpus=1, gpu_milli=600), None),
    ('eight idle cards for eight',
     8, 'G2', [], dict(gpus=8), None),
]


class GpuFilterTest(base.TestCase):

    def _table(self, cards, model, used):
        hosts = placement.table(
            placement.host('h', gpus=cards, gpu_model=model))
        for card, share in enumerate(used):
            if share:
                hosts.apply(0, {}, [card], share, 1)
        return hosts

    def test_cases(self):
        for name, cards, model, used, wanted, reason in CASES:
            placement.check_filter(self, GpuFilter(self.conf),
                                   self._table(cards, model, used),
                                   RequestSpec(**wanted), {'h': reason},
                                   case=name)

    def test_reasons_of_many_hosts(self):
        hosts = placement.table(
            placement.host('cpu'),
            placement.host('t4', gpus=2, gpu_model='T4'),
            placement.host('v1', gpus=1, gpu_model='V100M16'),
            placement.host('v2', gpus=2, gpu_model='V100M32'),
            placement.host('v3', gpus=2, gpu_model='V100M32'))
        hosts.apply(hosts.row('v2'), {}, [0], 500, 1)
        hosts.apply(hosts.row('v3'), {}, [1], 300, 1)
        request = RequestSpec(gpus=2, gpu_models=V100)
        placement.check_filter(self, GpuFilter(self.conf), hosts, request, {
            'cpu': 'no GPU',
            't4': 'GPU model not in V100M16|V100M32',
            'v1': 'fewer than 2 GPU cards',
            'v2': 'fewer than 2 free GPU cards',
            'v3': 'fewer than 2 free GPU cards',
        })
