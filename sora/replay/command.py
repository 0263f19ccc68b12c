"""The ``sora-scheduler replay`` command."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging as std_logging
import math
import os
import sys

from oslo_config import cfg

from sora.cmd import arguments
from sora import exception
from sora.replay import inflation
from sora.replay import metrics
from sora.replay import plot
from sora.replay import policies
from sora.replay import progress
from sora.replay import protocol
from sora.replay import report
from sora.replay import runner
from sora.replay import trace_reader

# The seed used when neither --seed nor [scheduler] seed is given, so that
# a replay repeats by default.
DEFAULT_SEED = 42
# The maximum number of fragmentation samples: each is a pass over every
# host, and the samples are kept in memory.
MAX_SAMPLES = 100000
# Skipped-line messages that --json and the text output list in full.
SHOWN_SKIPPED = 10


def _count(minimum: int, maximum: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                '%s is not a whole number' % exception.shown(text)) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                '%d is below the minimum of %d' % (value, minimum))
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(
                '%d is above the maximum of %d' % (value, maximum))
        return value
    return parse


def _target_factor(text: str) -> float:
    """Return the --target-factor value; raise InvalidArgument if invalid."""
    try:
        value = float(text)
    except ValueError:
        raise exception.InvalidArgument(
            '--target-factor', text, 'expected a number, such as 1.3'
        ) from None
    if not 0 < value <= 10:
        raise exception.InvalidArgument(
            '--target-factor', text, 'out of range; expected a factor above '
            '0 and at most 10, such as 1.3')
    return value


def _parse_protocol_values(args) -> tuple[list[int] | None, float | None]:
    """Return the parsed --seeds and --target-factor, None when left out.

    Both are kept as typed until here, so that an error echoes the text
    the user typed rather than the parsed list or number.
    """
    seeds = factor = None
    try:
        if args.seeds is not None:
            seeds = inflation.parse_seeds(args.seeds)
    except ValueError as error:
        raise exception.InvalidArgument('--seeds', args.seeds,
                                        str(error)) from None
    if args.target_factor is not None:
        factor = _target_factor(args.target_factor)
    return seeds, factor


def add_parser(subparsers) -> None:
    """Add the ``replay`` subcommand and its arguments."""
    parser = subparsers.add_parser(
        'replay', help='Replay a workload trace and compare policies.')
    parser.add_argument('trace', metavar='TRACE',
                        help='The trace file: an openb pod list or a sora '
                             'trace CSV.')
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument('--driver', metavar='NAME',
                        help='Replay one policy (default: [scheduler] '
                             'driver).')
    chosen.add_argument('--compare', metavar='NAMES',
                        help='Replay several policies, comma-separated, or '
                             '"all" for every installed policy.')
    parser.add_argument('--trace-format', default=trace_reader.AUTO,
                        choices=[trace_reader.AUTO]
                        + sorted(trace_reader.FORMATS),
                        help='The trace format (default: detected from the '
                             'header).')

    parser.add_argument('--seed', type=_count(0),
                        help='Seed of the random policies and of the '
                             'protocol (default: [scheduler] seed, else '
                             '%d).' % DEFAULT_SEED)
    parser.add_argument('--retry', type=_count(0), default=0, metavar='N',
                        help='Try a workload that found no host again after '
                             'later departures, at most N times '
                             '(default: 0, no retry).')
    parser.add_argument('--skip-invalid', action='store_true',
                        help='Skip and count invalid trace lines instead of '
                             'stopping at the first.')

    parser.add_argument('--samples', type=_count(1, MAX_SAMPLES),
                        default=runner.DEFAULT_SAMPLES,
                        help='Times over the trace span at which GPU '
                             'fragmentation is measured (default: '
                             '%(default)s).')
    parser.add_argument('--json', action='store_true',
                        help='Print the figures as JSON.')
    parser.add_argument('--plot', metavar='FILE.png',
                        help='Draw the allocation to a PNG file (needs the '
                             'plot extra).')

    parser.add_argument('--protocol', choices=[inflation.NAME],
                        help='Run a published protocol instead of the '
                             'trace times: "inflation" shuffles and '
                             'extends the pod list.')
    parser.add_argument('--target-factor',
                        help='With --protocol inflation: GPU demand to '
                             'reach, as a multiple of GPU capacity '
                             '(default: %s).' % inflation.DEFAULT_TARGET)
    parser.add_argument('--seeds',
                        help='With --protocol inflation: seeds to run and '
                             'average, such as 42-51 or 1,5,9.')

    parser.set_defaults(func=run)


def run(conf: cfg.ConfigOpts) -> int:
    """Run the replay that the command line requests; return the status."""
    args = conf.command
    arguments.require_text('TRACE', args.trace, 'the path of a trace file')
    arguments.require_text('--driver', args.driver, 'a policy name')
    arguments.require_text('--plot', args.plot, 'the path of a PNG file')
    if args.protocol is None:
        for name, value in (('--seeds', args.seeds),
                            ('--target-factor', args.target_factor)):
            if value is not None:
                raise exception.InvalidArgument(
                    name, value, 'only valid with --protocol inflation')
    elif args.retry:
        raise exception.InvalidArgument(
            '--retry', args.retry, 'the inflation protocol drops a pod that '
            'finds no host; leave --retry out')
    seeds, factor = _parse_protocol_values(args)
    if args.plot:
        plot.require_matplotlib()
        _check_writable(args.plot)

    optional: set[str] = set()
    if args.compare is not None:
        names, optional = policies.parse_policy_selection(args.compare)
    elif args.driver is not None:
        names = [args.driver]
        policies.check_installed(names, '--driver', args.driver)
    else:
        names = [conf.scheduler.driver]
    seed = args.seed
    if seed is None:
        seed = (conf.scheduler.seed if conf.scheduler.seed is not None
                else DEFAULT_SEED)

    trace = trace_reader.read_trace(args.trace, args.trace_format,
                                    args.skip_invalid)
    with _quiet_decisions(conf):
        if args.protocol:
            return _run_protocol(conf, args, trace, names, optional,
                                 seeds or [seed], factor)
        return _run_trace(conf, args, trace, names, optional, seed)


@contextlib.contextmanager
def _quiet_decisions(conf: cfg.ConfigOpts):
    # The manager logs each request that finds no host at info level. A
    # replay counts them itself, so those lines are kept back unless
    # --debug is given.
    logger = std_logging.getLogger('sora.scheduler.manager')
    level = logger.level
    if not conf.debug:
        logger.setLevel(std_logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_writable(path: str) -> None:
    """Raise InvalidArgument unless ``path`` can take the figure.

    The folder must exist, the file must be creatable, and the extension
    must name a format that matplotlib's Agg backend writes.

    This runs before the replay, which may take minutes, so that a typo in
    --plot does not waste them.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise exception.InvalidArgument(
            '--plot', path, 'the folder %s does not exist; create it or '
            'choose another path' % exception.escaped(folder))
    if not os.access(folder, os.W_OK):
        raise exception.InvalidArgument(
            '--plot', path, 'the folder %s is not writable; choose another '
            'path' % exception.escaped(folder))
    if os.path.isdir(path):
        raise exception.InvalidArgument(
            '--plot', path, 'it is a folder; give a file name such as '
            'allocation.png')

    if os.path.lexists(path) and not os.path.isfile(path):
        # A pipe or a device would block or take the figure elsewhere, and
        # a broken symbolic link would create a file at its target.
        raise exception.InvalidArgument(
            '--plot', path, 'it exists and is not a regular file; choose '
            'another path')

    extension = os.path.splitext(path)[1].lstrip('.').lower()
    formats = [name for name in plot.supported_formats()
               if name not in plot.NEEDS_LATEX]
    if extension not in formats:
        raise exception.InvalidArgument(
            '--plot', path, 'the extension names no format that matplotlib '
            'writes; end the file name with one of %s'
            % ', '.join('.' + name for name in formats))

    # Opening for append creates the file without truncating one that is
    # there, and fails as saving would on a read-only file or a name that
    # is too long. A file created here is removed, so a replay that fails
    # later leaves nothing behind.
    existed = os.path.exists(path)
    try:
        with open(path, 'a'):
            pass
    except OSError as error:
        raise exception.InvalidArgument(
            '--plot', path, 'the file cannot be written (%s); choose '
            'another path' % error.strerror) from None
    if not existed:
        os.remove(path)


def plural(count: int, noun: str) -> str:
    """Return ``count`` and ``noun``, with an s unless the count is 1."""
    return '%d %s%s' % (count, noun, '' if count == 1 else 's')


def finite_json(value: object) -> object:
    """Return ``value`` with every NaN or infinite number made None.

    Strict JSON has no NaN or Infinity, so the output stays readable by
    every parser.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(item) for item in value]
    return value


def _print_json(data: dict) -> None:
    print(json.dumps(finite_json(data), indent=2, allow_nan=False))


def _progress(label: str, total: int):
    return progress.ProgressBar.for_stream(sys.stderr, label, total)


def _skipped_note(trace) -> list[str]:
    if not trace.skipped:
        return []
    lines = ['Skipped %s:' % plural(len(trace.skipped),
                                    'invalid trace line')]
    lines += ['  ' + message for message in trace.skipped[:SHOWN_SKIPPED]]
    if len(trace.skipped) > SHOWN_SKIPPED:
        lines.append('  ... and %d more'
                     % (len(trace.skipped) - SHOWN_SKIPPED))
    return lines


def _warn(message: str) -> None:
    print('sora-scheduler: warning: %s' % message, file=sys.stderr)


def _run_trace(conf, args, trace, names, optional, seed) -> int:
    # Every manager is built before the first replay, so that a misspelt
    # policy is reported at once.
    managers = policies.build_managers(conf, names, optional, seed, _warn)
    shapes = metrics.typical_shapes(trace.workloads)
    events = sum(1 + (w.departure is not None) for w in trace.workloads)
    results = []
    for manager in managers:
        bar = _progress('replay %s' % manager.driver_name, events)
        results.append(runner.Replay(
            manager, trace.workloads, shapes, samples=args.samples,
            retries=args.retry, seed=seed, progress=bar).run())
        if bar is not None:
            bar.finish()

    summaries = [report.summarize(result) for result in results]
    hosts = len(managers[0].store.hosts) if managers else 0
    if args.json:
        _print_json({
            'trace': trace.path, 'format': trace.format,
            'workloads': len(trace.workloads),
            'skipped_lines': len(trace.skipped),
            'skipped': trace.skipped[:SHOWN_SKIPPED],
            'hosts': hosts, 'seed': seed, 'retries': args.retry,
            'policies': summaries})
    else:
        print('Replayed %s (%s format, %s) on %s, seed %d, retries %d.'
              % (exception.escaped(trace.path), trace.format,
                 plural(len(trace.workloads), 'workload'),
                 plural(hosts, 'host'), seed, args.retry))
        for line in _skipped_note(trace):
            print(line)
        print()
        print(report.format_table(summaries))
    if args.plot:
        plot.plot_allocation(args.plot, results, trace.path)
    return 0


def _run_protocol(conf, args, trace, names, optional, seeds,
                  factor) -> int:
    # Build the first manager of every policy up front, so that a misspelt
    # policy is reported before any replay.
    names = [manager.driver_name for manager in policies.build_managers(
        conf, names, optional, seeds[0], _warn)]

    def make_manager(policy: str, run_seed: int):
        return policies.build_manager(conf, policy, run_seed)

    target = factor or inflation.DEFAULT_TARGET
    all_runs = [protocol.run_policy(name, trace.workloads, seeds,
                                    target, make_manager,
                                    samples=args.samples,
                                    progress=_progress)
                for name in names]
    summaries = [protocol.summarize(runs) for runs in all_runs]
    if args.json:
        _print_json({
            'protocol': inflation.NAME, 'trace': trace.path,
            'format': trace.format, 'pods': len(trace.workloads),
            'skipped_lines': len(trace.skipped),
            'skipped': trace.skipped[:SHOWN_SKIPPED],
            'target_factor': target, 'seeds': seeds,
            'policies': summaries})
    else:
        print('Inflation protocol on %s (%s), target %.2f x GPU '
              'capacity, %s %s.' % (trace.path,
                                    plural(len(trace.workloads), 'pod'),
                                    target,
                                    'seed' if len(seeds) == 1 else 'seeds',
                                    ', '.join(map(str, seeds))))
        for line in _skipped_note(trace):
            print(line)
        print()
        print(protocol.format_tables(summaries))
    if args.plot:
        plot.plot_inflation(args.plot,
                            {r.policy: r.mean_curve() for r in all_runs},
                            seeds, trace.path)
    return 0
