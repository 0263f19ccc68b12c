"""Run the benchmark suite: ``python -m benchmarks [options] [NAME ...]``.

Each name in MEASUREMENTS is a module of this package with ``NAME``,
``DESCRIPTION`` and ``run(context) -> list[Row]``. A module whose
components are not installed raises ``core.Skip`` (or fails to import), and
the suite prints one line saying why and goes on with the others.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time

from benchmarks import core
from benchmarks import report

# The measurements in the order they run. A new measurement is one module
# of this package plus one line here.
MEASUREMENTS = (
    'decision',
    'plugin_cost',
    'cold_start',
    'memory',
    'replay',
    'etcd',
)

DEFAULT_SIZES = (1000, 5000, 20000, 100000)
QUICK_SIZES = (1000, 5000)
DEFAULT_OUTPUT = os.path.join(core.REPO_ROOT, 'benchmarks', 'results.json')
DEFAULT_REPLAY = 'replay --json {trace}'
# Options that change where results go but not the figures, left out of
# the command that the results record.
OUTPUT_OPTIONS = ('--output', '--rst', '--plot')


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='python -m benchmarks',
        description='Measure sora beside a plain Python reference.')

    parser.add_argument(
        'names', nargs='*', metavar='NAME',
        help='measurements to run (default: all): %s'
             % ', '.join(MEASUREMENTS))
    parser.add_argument(
        '--output', default=DEFAULT_OUTPUT,
        help='JSON file for the results (default: %(default)s)')
    parser.add_argument(
        '--rst', metavar='PATH',
        help='also write the results as reStructuredText tables to PATH')
    parser.add_argument(
        '--plot', metavar='PATH',
        help='also draw decision latency against hosts to a PNG file '
             '(needs matplotlib, the "plot" extra)')

    parser.add_argument('--seed', type=int, default=42,
                        help='seed of the synthetic hosts and requests')
    parser.add_argument(
        '--sizes', type=lambda text: [int(v) for v in text.split(',')],
        help='comma-separated host counts for the decision measurement '
             '(default: %s)' % ','.join(map(str, DEFAULT_SIZES)))
    parser.add_argument(
        '--quick', action='store_true',
        help='fewer repetitions and sizes %s, to check that the suite runs'
             % ','.join(map(str, QUICK_SIZES)))
    parser.add_argument(
        '--replay-command', default=DEFAULT_REPLAY,
        help='arguments after "sora-scheduler --config-file FILE" that '
             'replay the openb default trace; {trace} is replaced by its '
             'path (default: %(default)s)')

    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in MEASUREMENTS]
    if unknown:
        parser.error('unknown measurement %s; choose from %s'
                     % (', '.join(unknown), ', '.join(MEASUREMENTS)))
    return args


def figure_options(argv: list[str]) -> list[str]:
    """Return the arguments without those that only name output files."""
    arguments = []
    skip_value = False
    for argument in argv:
        if skip_value:
            skip_value = False
            continue
        name = argument.split('=', 1)[0]
        if name in OUTPUT_OPTIONS:
            skip_value = '=' not in argument
            continue
        arguments.append(argument)
    return arguments


def run_one(name: str, context: core.Context) -> list[core.Row]:
    """Run one measurement, turning a missing component into a skip row."""
    try:
        module = importlib.import_module('benchmarks.' + name)
    except ImportError as error:
        return [core.Row(name, '(all)', float('nan'), '',
                         note='skipped: cannot import: %s' % error)]
    print('== %s: %s' % (name, module.DESCRIPTION), flush=True)
    started = time.perf_counter()
    try:
        rows = module.run(context)
    except core.Skip as reason:
        rows = [core.Row(name, '(all)', float('nan'), '',
                         note='skipped: %s' % reason)]
    print('   (%.1f s)' % (time.perf_counter() - started), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    context = core.Context(seed=args.seed, quick=args.quick, sizes=sizes,
                           replay_command=args.replay_command)
    machine = core.machine()
    command = 'python -m benchmarks ' + ' '.join(
        figure_options(sys.argv[1:] if argv is None else argv))

    rows: list[core.Row] = []
    for name in args.names or MEASUREMENTS:
        rows.extend(run_one(name, context))

    machine['load_average_1min_after'] = core.machine()['load_average_1min']
    print()
    print(report.text_table(rows))
    results = {'machine': machine, 'command': command.strip(),
               'quick': args.quick, 'seed': args.seed,
               'rows': [report.as_dict(row) for row in rows]}
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, 'w', encoding='utf-8') as stream:
        json.dump(results, stream, indent=2)
    print('\nResults written to %s' % args.output)
    if args.rst:
        with open(args.rst, 'w', encoding='utf-8') as stream:
            stream.write(report.rst(results))
        print('Tables written to %s' % args.rst)
    if args.plot:
        print(report.plot(rows, args.plot))
    missed = [row for row in rows if row.met is False]
    if missed:
        print('%d of %d targets missed' % (
            len(missed), sum(row.met is not None for row in rows)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
