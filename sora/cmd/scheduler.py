"""The ``sora-scheduler`` command: place, list policies, replay a trace.

Exit status: 0 when a request is placed, 1 when no host is valid, 2 for a
usage or configuration error.
"""

from __future__ import annotations

from collections.abc import Sequence
import json
import sys

from oslo_config import cfg
from oslo_log import log as logging

from sora import conf as sora_conf
from sora import exception
from sora import plugins
from sora.replay import command as replay_command
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from sora.state import inventory_load

LOG = logging.getLogger(__name__)

EXIT_PLACED = 0
EXIT_NO_VALID_HOST = 1
EXIT_USAGE = 2


def _add_commands(subparsers) -> None:
    select = subparsers.add_parser(
        'select', help='Place one request on the configured inventory.')
    select.add_argument('--memory-mb', default='0',
                        help='Memory per instance, in MiB.')
    select.add_argument('--vcpus', default='0',
                        help='CPUs per instance; fractions such as 0.5 are '
                             'allowed.')
    select.add_argument('--disk-gb', default='0',
                        help='Disk per instance, in GiB.')
    select.add_argument('--gpus', default='0',
                        help='Whole GPU cards per instance.')
    select.add_argument('--availability-zone', default=None,
                        help='Only place on hosts of this zone.')
    select.add_argument('--label', action='append', default=[],
                        metavar='KEY=VALUE',
                        help='Only place on hosts that carry this label; '
                             'repeat for several labels.')
    select.add_argument('--format', choices=('text', 'json'),
                        default='text', help='Output format.')
    select.set_defaults(func=select_command)

    drivers = subparsers.add_parser(
        'drivers', help='List the installed scheduling policies.')
    drivers.set_defaults(func=drivers_command)

    replay_command.add_parser(subparsers)
    load = subparsers.add_parser(
        'load-inventory', help='Write the hosts of [inventory] to the state '
                               'store of [scheduler] state_store.')
    load.set_defaults(func=inventory_load.load_inventory_command)


COMMAND = cfg.SubCommandOpt('command', title='Commands',
                            handler=_add_commands)


def parse_labels(pairs: Sequence[str]) -> dict[str, str]:
    """Return ``--label KEY=VALUE`` arguments as a mapping."""
    labels = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep or not key:
            raise exception.InvalidRequest(
                'label', pair, 'expected KEY=VALUE, for example rack=r1')
        labels[key] = value
    return labels


def select_command(conf: cfg.ConfigOpts) -> int:
    args = conf.command
    request = RequestSpec.build(memory_mb=args.memory_mb, vcpus=args.vcpus,
                                disk_gb=args.disk_gb, gpus=args.gpus,
                                availability_zone=args.availability_zone,
                                required_labels=parse_labels(args.label))
    manager = SchedulerManager(conf)
    try:
        selections = manager.select_destinations(request)
    except exception.NoValidHost as error:
        if args.format == 'json':
            print(json.dumps({'error': 'NoValidHost',
                              'total_hosts': error.total_hosts,
                              'reasons': error.reasons,
                              'message': str(error)}, indent=2))
        else:
            print(error, file=sys.stderr)
        return EXIT_NO_VALID_HOST

    if args.format == 'json':
        print(json.dumps({'policy': manager.driver_name,
                          'selections': [s.to_dict() for s in selections]},
                         indent=2))
    else:
        for selection in selections:
            print('host: %s' % selection.host)
            print('alternates: %s' % (', '.join(selection.alternates)
                                      or '(none)'))
    return EXIT_PLACED


def drivers_command(conf: cfg.ConfigOpts) -> int:
    infos = plugins.PluginSource(plugins.SCHEDULER_NAMESPACE).describe()
    rows = [('NAME', 'CLASS', 'PACKAGE', 'SUMMARY')]
    for info in infos:
        package = ('%s %s' % (info.distribution, info.version)).strip()
        summary = ('BROKEN: %s' % info.error) if info.error else info.summary
        rows.append((info.name, info.entry_point, package, summary))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print('  '.join(cell.ljust(width)
                        for cell, width in zip(row, widths)) + '  ' + row[3])
    return EXIT_PLACED


def main(argv: Sequence[str] | None = None) -> int:
    conf = cfg.ConfigOpts()
    logging.register_options(conf)
    # Logs go to stderr so that stdout carries only the command's output,
    # which callers of --format json parse.
    conf.set_default('use_stderr', True)
    sora_conf.register_opts(conf)
    conf.register_cli_opt(COMMAND)
    try:
        conf(list(sys.argv[1:] if argv is None else argv), project='sora',
             prog='sora-scheduler')
    except cfg.Error as error:
        print('sora-scheduler: error: %s' % error, file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as error:
        # argparse exits with 2 on a usage error and with 0 after --help.
        # oslo.config exits with 1 after printing which value of a
        # command-line option, or of one set in [DEFAULT], is invalid.
        if error.code in (0, None):
            raise
        return EXIT_USAGE

    try:
        logging.setup(conf, 'sora')
    except (cfg.Error, ValueError, OSError) as error:
        print('sora-scheduler: error: cannot set up logging: %s' % error,
              file=sys.stderr)
        return EXIT_USAGE

    try:
        return conf.command.func(conf)
    except exception.SoraException as error:
        if conf.debug:
            LOG.exception('sora-scheduler failed')
        print('sora-scheduler: error: %s' % error, file=sys.stderr)
        return EXIT_USAGE


if __name__ == '__main__':
    sys.exit(main())
