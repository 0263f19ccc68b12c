"""Print the results as a table, and write them as reStructuredText or PNG."""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
import math

from benchmarks import core


def _number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '-'
    if abs(value) >= 1000:
        return '{:,.0f}'.format(value)
    return '{:.{}f}'.format(value, digits)


def _ratio(value: float | None) -> str:
    if value is None:
        return '-'
    return '%.1fx' % value if value >= 1 else '%.2gx' % value


def _met(row: core.Row) -> str:
    return {None: '', True: 'yes', False: 'NO'}[row.met]


def as_dict(row: core.Row) -> dict:
    data = dataclasses.asdict(row)
    if isinstance(row.value, float) and math.isnan(row.value):
        data['value'] = None
    return data


def _grid(header: Sequence[str], lines: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column)
              for column in zip(header, *lines)]
    out = ['  '.join(str(cell).ljust(width)
                     for cell, width in zip(header, widths)).rstrip()]
    for line in lines:
        out.append('  '.join(str(cell).ljust(width)
                             for cell, width in zip(line, widths)).rstrip())
    return out


def _cells(row: core.Row) -> list[str]:
    return [row.measurement, row.case,
            '%s %s' % (_number(row.value), row.unit),
            _number(row.reference),
            _ratio(row.ratio),
            row.target, _met(row), row.note]


HEADER = ('measurement', 'case', 'sora', 'reference', 'ratio', 'target',
          'met', 'note')


def text_table(rows: Sequence[core.Row]) -> str:
    """Return every row as one plain-text table."""
    return '\n'.join(_grid(HEADER, [_cells(row) for row in rows]))


def _rst_table(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """Return a reStructuredText simple table."""
    widths = [max(len(str(cell)) for cell in column) or 1
              for column in zip(header, *lines)]
    rule = '  '.join('=' * width for width in widths)

    def line(cells: Sequence[str]) -> str:
        return '  '.join(str(cell).ljust(width) or '..'
                         for cell, width in zip(cells, widths)).rstrip()

    body = [line(cells if any(cells) else ['..']) for cells in lines]
    return '\n'.join([rule, line(header), rule] + body + [rule]) + '\n'


def _fill(cells: Sequence[str]) -> list[str]:
    # An empty cell in the first column would end the table row; a dash
    # keeps every row complete.
    return [cell if cell else '-' for cell in cells]


def decision_rows(rows: Sequence[dict]) -> list[dict]:
    return [row for row in rows
            if row['measurement'] == 'decision' and row['value'] is not None]


def growth_table(rows: Sequence[dict]) -> str:
    """Return p50 per size for each policy and for both references."""
    synthetic = [row for row in decision_rows(rows)
                 if row['extra'].get('inventory') == 'synthetic']
    sizes = sorted({row['extra']['hosts'] for row in synthetic})
    policies = sorted({row['extra']['policy'] for row in synthetic})
    header = ['hosts', 'plain loop', 'numpy'] + policies
    lines = []
    for size in sizes:
        at_size = [row for row in synthetic if row['extra']['hosts'] == size]
        loops = [row['reference'] for row in at_size]
        numpys = [row['extra']['numpy_reference_us'] for row in at_size]
        cells = ['{:,}'.format(size), _number(sorted(loops)[len(loops) // 2]),
                 _number(sorted(numpys)[len(numpys) // 2])]
        by_policy = {row['extra']['policy']: row['value'] for row in at_size}
        cells += [_number(by_policy.get(policy)) for policy in policies]
        lines.append(_fill(cells))
    return _rst_table(header, lines)


def rst(results: dict) -> str:
    """Return the machine, the decision tables and the other figures."""
    machine = results['machine']
    rows = results['rows']
    libraries = ', '.join('%s %s' % item
                          for item in machine['libraries'].items())
    parts = [
        'Measured with ``%s``%s.\n\n' % (
            results['command'], ' (quick mode)' if results['quick'] else ''),
        '* Machine: %s cores, %s, %s GiB of memory; 1-minute load average '
        '%s before the run and %s after it.\n' % (
            machine['cores'], machine['cpu_model'], machine['memory_gib'],
            machine['load_average_1min'],
            machine.get('load_average_1min_after')),
        '* Python %s (%s) on %s.\n' % (machine['python'],
                                       machine['implementation'],
                                       machine['platform']),
        '* Libraries: %s.\n\n' % libraries,
        'Decision latency, in microseconds:\n\n',
    ]
    header = ['case', 'p50', 'p99', 'decisions/s', 'plain loop p50',
              'numpy p50', 'x faster than loop', 'target', 'met']
    lines = []
    for row in decision_rows(rows):
        extra = row['extra']
        lines.append(_fill([
            row['case'], _number(row['value']), _number(extra['p99_us']),
            _number(extra['decisions_per_second'], 0),
            _number(row['reference']), _number(extra['numpy_reference_us']),
            '%.1f' % row['ratio'], row['target'],
            {None: '', True: 'yes', False: 'no'}[row['met']]]))
    parts.append(_rst_table(header, lines))
    parts.append('\nMedian decision latency (p50, microseconds) against the '
                 'number of synthetic hosts:\n\n')
    parts.append(growth_table(rows))

    others = [row for row in rows if row['measurement'] != 'decision'
              and row['value'] is not None]
    parts.append('\nOther measurements:\n\n')
    parts.append(_rst_table(
        ['measurement', 'case', 'sora', 'reference', 'ratio', 'target',
         'met', 'note'],
        [_fill([row['measurement'], row['case'],
                '%s %s' % (_number(row['value'], 2), row['unit']),
                _number(row['reference'], 2),
                _ratio(row['ratio']),
                row['target'],
                {None: '', True: 'yes', False: 'no'}[row['met']],
                row['note']]) for row in others]))
    skipped = [row for row in rows if row['value'] is None]
    if skipped:
        parts.append('\nSkipped in this run:\n\n')
        for row in skipped:
            parts.append('* %s, %s: %s\n' % (row['measurement'], row['case'],
                                             row['note']))
    return ''.join(parts)


def plot(rows: Sequence[core.Row], path: str) -> str:
    """Draw p50 against hosts per policy; return a line saying what it did."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        from matplotlib import pyplot
    except ImportError:
        return 'No plot: matplotlib is not installed (the "plot" extra).'
    data = [as_dict(row) for row in rows]
    synthetic = [row for row in decision_rows(data)
                 if row['extra'].get('inventory') == 'synthetic']
    figure, axes = pyplot.subplots(figsize=(7, 4.5))
    for policy in sorted({row['extra']['policy'] for row in synthetic}):
        points = sorted((row['extra']['hosts'], row['value'])
                        for row in synthetic
                        if row['extra']['policy'] == policy)
        axes.plot(*zip(*points), marker='o', label=policy)
    loop = {}
    for row in synthetic:
        loop.setdefault(row['extra']['hosts'], row['reference'])
    axes.plot(*zip(*sorted(loop.items())), linestyle='--', color='black',
              label='plain loop')
    axes.set_xscale('log')
    axes.set_yscale('log')
    axes.set_xlabel('hosts')
    axes.set_ylabel('p50 decision latency (us)')
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    return 'Plot written to %s' % path
