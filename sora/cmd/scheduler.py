"""The ``sora-scheduler`` command: place, list policies, replay a trace.

Exit status: 0 when a request is placed, 1 when no host is valid, 2 for a
usage or configuration error.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
import json
import os
import re
import sys

from oslo_config import cfg
from oslo_log import log as logging

from sora.cmd import arguments
from sora.cmd import select_request
from sora import conf as sora_conf
from sora import exception
from sora import plugins
from sora.replay import command as replay_command
from sora.scheduler import manager as manager_mod
from sora.scheduler.manager import SchedulerManager
from sora.scheduler import plugin_loading
from sora.state import inventory_load

LOG = logging.getLogger(__name__)

EXIT_PLACED = 0
EXIT_NO_VALID_HOST = 1
EXIT_USAGE = 2


def _add_commands(subparsers) -> None:
    arguments.use_command_parser(subparsers)
    select = subparsers.add_parser(
        'select', help='Place one request on the configured inventory.')
    select.add_argument('--memory-mb', default='0',
                        help='Memory per instance, in MiB.')
    select.add_argument('--vcpus', default='0',
                        help='CPUs per instance; fractions such as 0.5 are '
                             'allowed.')
    select.add_argument('--disk-gb', default='0',
                        help='Disk per instance, in GiB.')
    select.add_argument('--gpus', default=None,
                        help='Whole GPU cards per instance; 1 when only '
                             '--gpu-milli is given, otherwise 0.')
    select.add_argument('--gpu-milli', default=None, metavar='M',
                        help='Share of one GPU card per instance, in '
                             'thousandths from 1 to 1000; other instances '
                             'may share the card. Needs --gpus 1 or no '
                             '--gpus.')
    select.add_argument('--gpu-model', action='append', default=[],
                        metavar='MODEL',
                        help='Only place on hosts whose cards are of this '
                             'model; repeat to accept several models.')
    select.add_argument('--instances', default='1', metavar='N',
                        help='Number of instances to place, all or none.')
    select.add_argument('--group', default=None, metavar='NAME',
                        help='Server group of the instances; the instances '
                             'already placed in it count for '
                             '--group-policy.')
    select.add_argument('--group-policy', default=None,
                        choices=('affinity', 'anti-affinity'),
                        help='Place the group on one host (affinity) or on '
                             'distinct hosts (anti-affinity). Needs '
                             '--group.')
    select.add_argument('--availability-zone', default=None,
                        help='Only place on hosts of this zone.')
    select.add_argument('--label', action='append', default=[],
                        metavar='KEY=VALUE',
                        help='Only place on hosts that carry this label; '
                             'repeat for several labels, each key once.')
    select.add_argument('--format', choices=('text', 'json'),
                        default='text', help='Output format.')
    select.set_defaults(func=select_command)

    release = subparsers.add_parser(
        'release', help='Release claims that select made on a shared '
                        'state store.')
    release.add_argument('claim_ids', nargs='+', metavar='CLAIM_ID',
                         help='A claim id, as select prints it.')
    release.set_defaults(func=release_command)

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


# Options of the whole command that a user may also type after the
# subcommand; the value says whether the option takes an argument.
GLOBAL_OPTIONS = {'--debug': False, '-d': False, '--config-file': True,
                  '--config-dir': True}
COMMAND_NAMES = ('select', 'release', 'drivers', 'replay',
                 'load-inventory')


def hoist_global_options(argv: Sequence[str]) -> list[str]:
    """Return ``argv`` with the global options moved before the command.

    ``--debug``, ``--config-file`` and ``--config-dir`` typed after the
    subcommand are moved, so ``sora-scheduler select --debug`` works as
    well as ``sora-scheduler --debug select``.
    """
    args = list(argv)
    start = None
    index = 0
    while index < len(args):
        if args[index] in COMMAND_NAMES:
            start = index
            break
        if GLOBAL_OPTIONS.get(args[index]):
            # The next word is the option's value, even if it is 'select'.
            index += 1
        index += 1
    if start is None:
        return args

    moved: list[str] = []
    kept: list[str] = []
    tail = args[start + 1:]
    index = 0
    while index < len(tail):
        arg = tail[index]
        if arg == '--':
            kept.extend(tail[index:])
            break
        name = arg.split('=', 1)[0]
        takes_value = GLOBAL_OPTIONS.get(name)
        if takes_value is None:
            kept.append(arg)
        elif takes_value and '=' not in arg and index + 1 < len(tail):
            moved.extend(tail[index:index + 2])
            index += 1
        else:
            moved.append(arg)
        index += 1
    return args[:start] + moved + [args[start]] + kept


def check_config_dirs(conf: cfg.ConfigOpts) -> None:
    """Raise InvalidArgument when ``--config-dir`` names a file.

    oslo.config silently reads nothing from such a path.
    """
    dirs = conf.config_dir or []
    if isinstance(dirs, str):
        dirs = [dirs]
    for path in dirs:
        if os.path.exists(path) and not os.path.isdir(path):
            raise exception.InvalidArgument(
                '--config-dir', path,
                'it is not a directory; give the folder that holds the '
                '*.conf files, or pass a file with --config-file')


def _undecodable_file(args: Sequence[str]) -> str:
    """Return the configuration file that is not UTF-8, or a placeholder.

    oslo.config does not say which file it failed to decode.
    """
    paths = list(cfg.find_config_files('sora', 'sora-scheduler'))
    for index, arg in enumerate(args[:-1]):
        if arg == '--config-file':
            paths.append(args[index + 1])
        elif arg == '--config-dir' and os.path.isdir(args[index + 1]):
            folder = args[index + 1]
            paths.extend(os.path.join(folder, name)
                         for name in sorted(os.listdir(folder))
                         if name.endswith('.conf'))
    for path in paths:
        try:
            with open(path, encoding='utf-8') as stream:
                stream.read()
        except UnicodeDecodeError:
            return path
        except OSError:
            continue
    return '(unknown)'


def select_command(conf: cfg.ConfigOpts) -> int:
    args = conf.command
    request = select_request.build_request(args)
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
            if manager.store.shared:
                # Only a shared store keeps the claim after this command,
                # and release needs its id.
                print('claim: %s' % selection.claim.claim_id)
    return EXIT_PLACED


def release_command(conf: cfg.ConfigOpts) -> int:
    """Release the claims named on the command line, all or none."""
    ids = list(dict.fromkeys(conf.command.claim_ids))
    for claim_id in ids:
        arguments.require_text('CLAIM_ID', claim_id,
                               'a claim id as select prints it')
    manager = SchedulerManager(conf, load_inventory=False)
    if not manager.store.shared:
        raise exception.InvalidArgument(
            'CLAIM_ID', ' '.join(ids), 'the %s state store keeps claims only '
            'inside the process that made them, so none outlives select; '
            'set [scheduler] state_store to a shared store such as etcd'
            % conf.scheduler.state_store)

    # Every id is checked before the first release, so that a typo in one
    # of them releases nothing.
    existing = {claim.claim_id for claim in manager.store.claims()}
    unknown = [claim_id for claim_id in ids if claim_id not in existing]
    if unknown:
        raise exception.ClaimNotFound(*unknown)
    released: list[str] = []
    for claim_id in ids:
        try:
            claim = manager.release(claim_id)
        except exception.ClaimNotFound:
            # Another process released it between the check and now.
            raise exception.SoraException(
                'Claim %r was released by another process after every id '
                'was checked; the claims before it were released (%s) and '
                'the ones after it were not; run release again for those'
                % (claim_id, ', '.join(released) or 'none')) from None
        released.append(claim.claim_id)
        print('Released claim %s on host %s.' % (claim.claim_id, claim.host))
    return EXIT_PLACED


# reST inline markup that docstrings use: ``literal`` and :role:`text`.
_INLINE_MARKUP = re.compile(r'``(.+?)``|:[\w:.-]+:`(.+?)`')


def plain_summary(text: str) -> str:
    """Return a docstring summary without reST inline markup."""
    return _INLINE_MARKUP.sub(
        lambda match: match.group(1) or match.group(2), text)


def checked_policy(conf: cfg.ConfigOpts,
                   info: plugins.PluginInfo) -> plugins.PluginInfo:
    """Return ``info`` with an error when its policy cannot be built.

    A policy counts as loading when it imports, its class derives from
    SchedulerDriver and its constructor succeeds with the current options,
    as the manager would build it.
    """
    if info.error:
        return info
    try:
        plugin_loading.build_policy(conf, info,
                                    manager_mod.default_sources())
    except exception.PluginLoadFailed as error:
        return dataclasses.replace(info, error='%s: %s' % (
            type(error.cause).__name__, error.cause))
    except exception.SoraException as error:
        return dataclasses.replace(info, error=str(error))
    return info


def drivers_command(conf: cfg.ConfigOpts) -> int:
    infos = plugins.PluginSource(plugins.SCHEDULER_NAMESPACE).describe()
    rows = [('NAME', 'CLASS', 'PACKAGE', 'SUMMARY')]
    for info in infos:
        info = checked_policy(conf, info)
        package = ('%s %s' % (info.distribution, info.version)).strip()
        summary = (('BROKEN: %s' % info.error) if info.error
                   else plain_summary(info.summary))
        # Every cell comes from an installed package, whose docstrings and
        # errors may hold line breaks, escape sequences or pages of text.
        # Escaping and shortening each cell keeps every row one line.
        rows.append(tuple(exception.shown_name(cell) for cell in (
            info.name, info.entry_point, package, summary)))
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
    typed = sys.argv[1:] if argv is None else list(argv)
    args = hoist_global_options(typed)
    try:
        arguments.check_path_options(typed, COMMAND_NAMES)
        arguments.parse_command_line(conf, args, 'sora', 'sora-scheduler',
                                     COMMAND_NAMES)
        check_config_dirs(conf)
    except (cfg.Error, exception.SoraException) as error:
        print('sora-scheduler: error: %s' % error, file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError as error:
        print('sora-scheduler: error: configuration file %s is not UTF-8 '
              'text (%s); save it as UTF-8' % (_undecodable_file(args), error),
              file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print('sora-scheduler: error: cannot read configuration file %s: '
              '%s; give --config-file a readable file'
              % (error.filename, error.strerror or error), file=sys.stderr)
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
        status = conf.command.func(conf)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of stdout, such as head, exited before the output
        # ended; that is not an error of the command.
        _silence_stdout()
        return EXIT_PLACED
    except exception.SoraException as error:
        if conf.debug:
            LOG.exception('sora-scheduler failed')
        print('sora-scheduler: error: %s' % error, file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        if conf.debug:
            LOG.exception('sora-scheduler failed')
        print('sora-scheduler: internal error: %s: %s'
              % (type(error).__name__, error), file=sys.stderr)
        if not conf.debug:
            print('run with --debug for the traceback', file=sys.stderr)
        return EXIT_USAGE
    return status


def _silence_stdout() -> None:
    """Point stdout at devnull so the exit flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == '__main__':
    sys.exit(main())
