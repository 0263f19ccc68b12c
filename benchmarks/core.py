"""Result rows, timing helpers and the description of the machine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
import dataclasses
import os
import platform
import statistics
import time

SHARED_DATA_ENV = 'SORA_SHARED_DATA'
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPENB = 'openb-2023'


class Skip(Exception):
    """Raised by a measurement whose input or components are missing."""


@dataclasses.dataclass
class Row:
    """One figure: sora's value, the reference's, and the target if any.

    ``ratio`` is how many times better sora is than the reference (for
    times, reference / sora), and ``met`` is None when there is no target.
    """

    measurement: str
    case: str
    value: float
    unit: str
    reference: float | None = None
    ratio: float | None = None
    target: str = ''
    met: bool | None = None
    note: str = ''
    extra: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Context:
    """The options of one run and the path of the shared trace folder."""

    seed: int
    quick: bool
    sizes: Sequence[int]
    replay_command: str

    def shared_path(self, *parts: str) -> str:
        """Return a path under the shared trace folder, or raise Skip."""
        root = os.environ.get(SHARED_DATA_ENV) or os.path.join(
            os.path.dirname(REPO_ROOT), 'shared', 'data')
        path = os.path.join(root, *parts)
        if not os.path.exists(path):
            raise Skip('%s not found; set %s to the folder that holds the '
                       'openb trace' % (path, SHARED_DATA_ENV))
        return path


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which ``fraction`` of ``values`` lie."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_each(call: Callable[[int], object], count: int) -> list[float]:
    """Call ``call(i)`` for i in 0..count-1 and return each time, in s."""
    clock = time.perf_counter
    times = []
    for i in range(count):
        start = clock()
        call(i)
        times.append(clock() - start)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _cpu_model() -> str:
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as stream:
            for line in stream:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def _memory_gib() -> float | None:
    try:
        with open('/proc/meminfo', encoding='utf-8') as stream:
            for line in stream:
                if line.startswith('MemTotal:'):
                    return round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    return None


def _version(distribution: str) -> str:
    import importlib.metadata
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return 'not installed'


def machine() -> dict:
    """Describe the machine, the interpreter and the libraries."""
    load = os.getloadavg() if hasattr(os, 'getloadavg') else None
    return {
        'cores': os.cpu_count(),
        'cpu_model': _cpu_model(),
        'memory_gib': _memory_gib(),
        'load_average_1min': round(load[0], 2) if load else None,
        'python': platform.python_version(),
        'implementation': platform.python_implementation(),
        'platform': platform.platform(),
        'libraries': {name: _version(name) for name in (
            'sora', 'numpy', 'oslo.config', 'oslo.log', 'stevedore')},
    }
