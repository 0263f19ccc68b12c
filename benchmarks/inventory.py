"""Hosts and requests to measure on, and the plain reference decisions.

The synthetic inventory is built from a seed, so every run and every
machine measures the same hosts: mixed sizes, about a fifth with GPUs,
some with labels and zones, and usage outside sora from 0 to 95 %.
"""

from __future__ import annotations

import numpy as np

from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec

MEMORY_MB = (32768, 65536, 131072, 262144, 524288, 1048576)
VCPUS = (8, 16, 32, 64, 96, 128)
DISK_GB = (200, 500, 1000, 2000, 4000)
GPU_CARDS = (1, 2, 4, 8)
GPU_MODELS = ('A100', 'V100', 'T4')
ZONES = ('az1', 'az2', 'az3')


def synthetic_hosts(count: int, seed: int) -> list[Host]:
    """Return ``count`` hosts drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    memory = rng.choice(MEMORY_MB, count)
    vcpus = rng.choice(VCPUS, count) * 1000
    disk = rng.choice(DISK_GB, count)
    has_gpu = rng.random(count) < 0.2
    cards = np.where(has_gpu, rng.choice(GPU_CARDS, count), 0)
    models = rng.choice(GPU_MODELS, count)
    usage = rng.uniform(0.0, 0.95, (count, 3))
    zoned = rng.random(count) < 0.8
    zones = rng.choice(ZONES, count)
    racks = rng.integers(0, 40, count)
    labelled = rng.random(count)
    enabled = rng.random(count) < 0.98

    hosts = []
    for i in range(count):
        labels = {}
        if labelled[i] < 0.3:
            labels['rack'] = 'r%02d' % racks[i]
        if labelled[i] < 0.1:
            labels['ssd'] = 'true'
        hosts.append(Host(
            name='bench-%07d' % i,
            memory_mb=int(memory[i]), vcpus_milli=int(vcpus[i]),
            disk_gb=int(disk[i]),
            memory_mb_used=int(memory[i] * usage[i, 0]),
            vcpus_milli_used=int(vcpus[i] * usage[i, 1]),
            disk_gb_used=int(disk[i] * usage[i, 2]),
            gpus=int(cards[i]),
            gpu_model=str(models[i]) if cards[i] else '',
            zone=str(zones[i]) if zoned[i] else '',
            labels=labels, enabled=bool(enabled[i])))
    return hosts


def requests(count: int, seed: int) -> list[RequestSpec]:
    """Return a seeded mix of requests: mostly CPU-only, some with GPUs."""
    rng = np.random.default_rng(seed + 1)
    built = []
    for i in range(count):
        fields = {
            'memory_mb': int(rng.choice([512, 2048, 4096, 8192, 32768])),
            'vcpus_milli': int(rng.choice([500, 1000, 2000, 4000, 16000])),
            'disk_gb': int(rng.choice([0, 10, 40, 200])),
            'request_id': 'bench-%d' % i,
        }
        draw = rng.random()
        if draw < 0.1:
            fields['gpus'] = 1
            fields['gpu_milli'] = int(rng.choice([250, 500, 1000]))
        elif draw < 0.15:
            fields['gpus'] = int(rng.choice([2, 4]))
        built.append(RequestSpec(**fields))
    return built


class PlainReference:
    """The plain decision: keep the hosts that fit, take the most free memory.

    The state is copied out of a host table into Python lists (for the
    loop) and numpy arrays (for the one-line numpy version), so both
    decide on exactly the hosts sora decides on. Claims are not recorded,
    which matches the benchmark releasing every claim after its decision.
    """

    def __init__(self, table) -> None:
        self.count = len(table)
        capable = (table.memory_mb_total > 0) & (table.vcpus_milli_total > 0)
        self.columns = {
            'memory': np.where(capable, table.memory_mb_fit, -1),
            'vcpus': table.vcpus_milli_fit.copy(),
            'disk': table.disk_gb_fit.copy(),
            'free': table.memory_mb_free.copy(),
            'cards': table.gpu_free_cards.copy(),
            'share': table.gpu_max_free.copy(),
        }
        self.lists = {key: column.tolist()
                      for key, column in self.columns.items()}

    def loop(self, request: RequestSpec) -> int:
        """Return the chosen row with a plain Python loop, or -1."""
        memory = self.lists['memory']
        vcpus = self.lists['vcpus']
        disk = self.lists['disk']
        free = self.lists['free']
        if not request.gpus:
            gpu = None
        elif request.gpu_milli >= 1000:
            gpu, need = self.lists['cards'], request.gpus
        else:
            gpu, need = self.lists['share'], request.gpu_milli
        best, best_free = -1, None
        for row in range(self.count):
            if (memory[row] >= request.memory_mb
                    and vcpus[row] >= request.vcpus_milli
                    and disk[row] >= request.disk_gb
                    and (gpu is None or gpu[row] >= need)
                    and (best_free is None or free[row] > best_free)):
                best, best_free = row, free[row]
        return best

    def numpy(self, request: RequestSpec) -> int:
        """Return the chosen row with a few numpy calls, or -1."""
        columns = self.columns
        fits = columns['memory'] >= request.memory_mb
        fits &= columns['vcpus'] >= request.vcpus_milli
        fits &= columns['disk'] >= request.disk_gb
        if request.gpus and request.gpu_milli >= 1000:
            fits &= columns['cards'] >= request.gpus
        elif request.gpus:
            fits &= columns['share'] >= request.gpu_milli
        if not fits.any():
            return -1
        return int(np.argmax(np.where(fits, columns['free'],
                                      np.iinfo(np.int64).min)))
