"""Run the inflation protocol for several policies and seeds, and report it.

See sora.replay.inflation for the protocol itself. Each policy and seed
gets its own manager, built from the configured options with ``[scheduler]
driver`` and ``seed`` replaced, so the random policy draws from the same
seed as the workload.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import dataclasses

import numpy as np

from sora.replay import inflation
from sora.replay import metrics
from sora.replay import report
from sora.replay.runner import Replay
from sora.replay.runner import RunResult
from sora.replay.workload import Workload
from sora.scheduler.manager import SchedulerManager

# Builds the manager of one policy and seed.
ManagerFactory = Callable[[str, int], SchedulerManager]
# Returns a progress callback for a label and an event count, or None.
ProgressFactory = Callable[[str, int], Callable[[int], None] | None]


@dataclasses.dataclass
class PolicyRuns:
    """The protocol's runs of one policy, one per seed."""

    policy: str
    seeds: list[int]
    target: float
    capacity_milli: int
    runs: list[RunResult] = dataclasses.field(default_factory=list)
    curves: list[np.ndarray] = dataclasses.field(default_factory=list)

    @property
    def last_percent(self) -> int:
        return int(round(self.target * 100))

    def mean_curve(self) -> np.ndarray:
        return np.mean(self.curves, axis=0)

    def at_percent(self, percent: int) -> np.ndarray:
        """Return the allocation at ``percent`` demand, one value a seed."""
        return np.array([curve[percent - 1] for curve in self.curves])


def run_policy(policy: str, pods: Sequence[Workload], seeds: Sequence[int],
               target: float, make_manager: ManagerFactory,
               samples: int = 0,
               progress: ProgressFactory | None = None) -> PolicyRuns:
    """Replay the protocol's workload of each seed with one policy."""
    if not seeds:
        raise ValueError('run_policy needs at least one seed')
    shapes = metrics.typical_shapes(pods)
    runs = PolicyRuns(policy, list(seeds), target, 0)
    for seed in seeds:
        manager = make_manager(policy, seed)
        # Every seed reads the same inventory, so the capacity is the same.
        capacity = int(manager.store.hosts.gpus_total.sum()) * 1000
        runs.capacity_milli = capacity
        workloads = inflation.build_workloads(pods, capacity, target, seed)
        callback = (progress('%s seed %d' % (policy, seed), len(workloads))
                    if progress else None)
        result = Replay(manager, workloads, shapes, samples=samples,
                        seed=seed, progress=callback).run()
        if callback is not None and hasattr(callback, 'finish'):
            callback.finish()
        demand = inflation.arrived_demand_percent(workloads, capacity)
        runs.runs.append(result)
        runs.curves.append(inflation.allocation_curve(
            demand, result.arrival_gpu_milli_used, capacity,
            runs.last_percent))
    return runs


def summarize(runs: PolicyRuns) -> dict:
    """Return the figures of one policy's runs as plain numbers."""
    at_100 = runs.at_percent(100) if runs.last_percent >= 100 else None
    at_target = runs.at_percent(runs.last_percent)
    latencies = [value for run in runs.runs for value in run.latencies]
    return {
        'policy': runs.policy,
        'seeds': runs.seeds,
        'target_percent': runs.last_percent,
        'gpu_capacity_milli': runs.capacity_milli,
        'per_seed': [{
            'seed': run.seed,
            'pods': run.total,
            'placed': run.placed,
            'unplaced': run.unplaced,
            'at_100': None if at_100 is None else float(at_100[i]),
            'at_target': float(at_target[i]),
        } for i, run in enumerate(runs.runs)],
        'mean_at_100': None if at_100 is None else float(at_100.mean()),
        'mean_at_target': float(at_target.mean()),
        'std_at_target': float(at_target.std()),
        'gpu_allocation_percent': [float(v) for v in runs.mean_curve()],
        'decision_latency_ms': {
            'decisions': len(latencies),
            'p50': metrics.percentile_ms(latencies, 50),
            'p99': metrics.percentile_ms(latencies, 99),
        },
        'wall_time_s': float(sum(run.wall_time for run in runs.runs)),
    }


def format_tables(summaries: Sequence[dict]) -> str:
    """Return the summary table and the allocation at each whole percent."""
    def each(getter, fmt='%.2f'):
        return [('-' if getter(s) is None else fmt % getter(s))
                for s in summaries]

    def mean_of(key):
        return lambda s: float(np.mean([p[key] for p in s['per_seed']]))

    target = summaries[0]['target_percent']
    header = ['policy'] + [s['policy'] for s in summaries]
    rows = [
        ('seeds', each(lambda s: len(s['seeds']), '%d')),
        ('pods per seed (mean)', each(mean_of('pods'), '%.1f')),
        ('placed (mean)', each(mean_of('placed'), '%.1f')),
        ('unplaced (mean)', each(mean_of('unplaced'), '%.1f')),
        ('GPU allocation at 100% demand (%)',
         each(lambda s: s['mean_at_100'])),
        ('GPU allocation at %d%% demand (%%)' % target,
         each(lambda s: s['mean_at_target'])),
        ('  standard deviation over seeds',
         each(lambda s: s['std_at_target'])),
        ('decision latency p50 (ms)',
         each(lambda s: s['decision_latency_ms']['p50'], '%.3f')),
        ('decision latency p99 (ms)',
         each(lambda s: s['decision_latency_ms']['p99'], '%.3f')),
        ('wall time, all seeds (s)', each(lambda s: s['wall_time_s'])),
    ]
    curve_rows = [('%d' % percent,
                   each(lambda s: s['gpu_allocation_percent'][percent - 1]))
                  for percent in range(1, target + 1)]
    return (report.format_grid(header, rows) + '\n\n'
            + 'GPU allocation (%) at each whole percent of arrived GPU '
            'demand, mean over seeds:\n'
            + report.format_grid(['demand (%)'] + header[1:], curve_rows))
