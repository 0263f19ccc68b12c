"""Summaries of replays: one dictionary per policy, and the text table.

The dictionaries are what ``--json`` prints; the table shows the same
figures with a column per policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from sora.replay import metrics
from sora.replay.runner import RunResult

TOP_REASONS = 3

# (label, resource key in RunResult.capacity, RunResult attribute)
RESOURCES = (('cpu', 'vcpus_milli', 'vcpus_milli_used'),
             ('memory', 'memory_mb', 'memory_mb_used'),
             ('gpu', 'gpu_milli', 'gpu_milli_used'))


def summarize(result: RunResult) -> dict:
    """Return the figures of one replay as plain numbers and text."""
    allocation = {}
    for label, key, attribute in RESOURCES:
        used = getattr(result, attribute)
        capacity = result.capacity[key]
        allocation[label] = {
            'mean': metrics.percent(
                metrics.time_weighted_mean(result.times, used), capacity),
            'peak': metrics.percent(float(used.max()) if len(used) else 0.0,
                                    capacity),
        }
    gpu_capacity = result.capacity['gpu_milli']
    fragmented = result.fragmented_milli
    reasons = sorted(result.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        'policy': result.policy,
        'seed': result.seed,
        'workloads': result.total,
        'placed': result.placed,
        'placed_on_retry': result.placed_on_retry,
        'unplaced': result.unplaced,
        'unplaced_reasons': dict(reasons),
        'allocation_percent': allocation,
        'gpu_fragmentation_percent': {
            'mean': metrics.percent(
                float(fragmented.mean()) if len(fragmented) else 0.0,
                gpu_capacity),
            'at_last_arrival': metrics.percent(
                result.last_arrival_fragmented_milli, gpu_capacity),
        },
        'decision_latency_ms': {
            'decisions': len(result.latencies),
            'p50': metrics.percentile_ms(result.latencies, 50),
            'p99': metrics.percentile_ms(result.latencies, 99),
        },
        'wall_time_s': result.wall_time,
    }


def _rows(summaries: Sequence[dict]) -> list[tuple[str, list[str]]]:
    def each(getter, fmt='%.2f'):
        return [fmt % getter(s) for s in summaries]

    rows = [('workloads', each(lambda s: s['workloads'], '%d')),
            ('placed', each(lambda s: s['placed'], '%d')),
            ('  of which on retry',
             each(lambda s: s['placed_on_retry'], '%d')),
            ('unplaced', each(lambda s: s['unplaced'], '%d'))]
    for label, title in (('cpu', 'CPU'), ('memory', 'memory'),
                         ('gpu', 'GPU')):
        for figure in ('mean', 'peak'):
            rows.append(('%s allocation %s (%%)' % (title, figure),
                         each(lambda s: s['allocation_percent'][label]
                              [figure])))
    rows += [
        ('GPU fragmentation mean (%)',
         each(lambda s: s['gpu_fragmentation_percent']['mean'])),
        ('GPU fragmentation at last arrival (%)',
         each(lambda s: s['gpu_fragmentation_percent']['at_last_arrival'])),
        ('decision latency p50 (ms)',
         each(lambda s: s['decision_latency_ms']['p50'], '%.3f')),
        ('decision latency p99 (ms)',
         each(lambda s: s['decision_latency_ms']['p99'], '%.3f')),
        ('wall time (s)', each(lambda s: s['wall_time_s'])),
    ]
    return rows


def format_grid(header: Sequence[str],
                rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Lay out a table: a left column of labels, right-aligned values."""
    lines = [(header[0], list(header[1:]))] + [(r[0], list(r[1]))
                                               for r in rows]
    label_width = max(len(label) for label, _ in lines)
    widths = [max(len(values[i]) for _, values in lines)
              for i in range(len(header) - 1)]
    text = []
    for label, values in lines:
        cells = [v.rjust(w) for v, w in zip(values, widths)]
        text.append('  '.join([label.ljust(label_width)] + cells).rstrip())
    return '\n'.join(text)


def format_table(summaries: Sequence[dict]) -> str:
    """Return the figures of several replays, a column per policy."""
    header = ['policy'] + [s['policy'] for s in summaries]
    text = format_grid(header, _rows(summaries))
    reason_lines = []
    for summary in summaries:
        reasons = list(summary['unplaced_reasons'].items())[:TOP_REASONS]
        if reasons:
            reason_lines.append('  %s: %s' % (summary['policy'], '; '.join(
                '%d %s' % (count, reason) for reason, count in reasons)))
    if reason_lines:
        text += ('\n\nTop reasons for unplaced workloads (the reason that '
                 'rejected the most hosts):\n' + '\n'.join(reason_lines))
    return text
