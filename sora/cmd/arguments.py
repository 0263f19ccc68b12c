"""Checks of command-line values that argparse and oslo.config let through.

argparse takes an empty string, or a key given twice, as a valid value.
For most flags of sora-scheduler such a value means nothing, so these
checks reject it with a message that names the flag and the fix.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Sequence
import contextlib
import difflib
import io
import re
import sys
import typing

from oslo_config import cfg

from sora import exception

# The global options whose value is a path, where an empty value would
# silently name the current folder, with an example of a value.
PATH_OPTIONS = {'--config-file': '/etc/sora/sora.conf',
                '--config-dir': '/etc/sora/sora.conf.d'}


class MissingPath(exception.SoraException):
    """--config-file or --config-dir is given without a path."""

    def __init__(self, argument: str, example: str) -> None:
        self.argument = argument
        self.example = example
        super().__init__('%s needs a path, as in %s %s; give one after the '
                         'option or leave the option out'
                         % (argument, argument, example))


# argparse's wording of a bad value, as Python 3.10 to 3.13 word it.
_BAD_CHOICE = re.compile(r'^argument (\S+): invalid choice: (.+?) '
                         r'\(choose from (.+)\)$')
_BAD_ARGUMENT = re.compile(r'^argument (\S+): (.+)$')
_NO_VALUE = re.compile(r'^argument (\S+): expected (?:one|at least one|\d+) '
                       r'arguments?$')

# The top-level errors about the command, where ``command`` is the dest of
# oslo.config's SubCommandOpt. argparse shows the typed word as a repr.
_NO_COMMAND = 'the following arguments are required: command'
_UNKNOWN_COMMAND = re.compile(
    r'^argument command: invalid choice: '
    r'(\'(?:[^\'\\]|\\.)*\'|"(?:[^"\\]|\\.)*")')


def one_line_error(prog: str, message: str) -> str:
    """Return an argparse error as one line that names the flag and help.

    ``message`` is what argparse passes to ArgumentParser.error, such as
    ``argument --samples: 0 is below the minimum of 1``.
    """
    choice = _BAD_CHOICE.match(message)
    argument = _BAD_ARGUMENT.match(message)
    no_value = _NO_VALUE.match(message)
    if no_value:
        text = '%s needs a value' % no_value.group(1)
    elif choice:
        flag, value, allowed = choice.groups()
        text = 'invalid value %s for %s: expected one of %s' % (
            value, flag, allowed)
    elif argument:
        text = 'invalid value for %s: %s' % argument.groups()
    else:
        text = message
    return '%s: error: %s; see %s --help' % (prog, text, prog)


def command_error(prog: str, message: str,
                  commands: Sequence[str]) -> str:
    """Return a top-level argparse error as one line.

    A missing or unknown command gets the valid commands, or the closest
    one, and every other error is worded as by one_line_error.
    """
    unknown = _UNKNOWN_COMMAND.match(message)
    if message == _NO_COMMAND:
        text = 'no command given; expected one of %s' % ', '.join(commands)
    elif unknown:
        word = ast.literal_eval(unknown.group(1))
        close = difflib.get_close_matches(word, commands, n=1)
        if close:
            text = 'unknown command %s (did you mean %s?)' % (
                exception.shown(word), close[0])
        else:
            text = 'unknown command %s; expected one of %s' % (
                exception.shown(word), ', '.join(commands))
    else:
        return one_line_error(prog, message)
    return '%s: error: %s; see %s --help' % (prog, text, prog)


def _one_line_usage(prog: str, output: str,
                    commands: Sequence[str]) -> str | None:
    """Return argparse's usage block and error as one line, else None."""
    lines = output.splitlines()
    prefix = '%s: error: ' % prog
    if not (lines and lines[0].startswith('usage: ')
            and lines[-1].startswith(prefix)):
        return None
    return command_error(prog, lines[-1][len(prefix):], commands) + '\n'


def parse_command_line(conf: cfg.ConfigOpts, args: Sequence[str],
                       project: str, prog: str,
                       commands: Sequence[str]) -> None:
    """Parse ``args`` into ``conf``, with a top-level usage error in one line.

    oslo.config builds the top-level parser itself, without a way to choose
    its class, and its usage errors print the whole usage block before the
    error. So the parser's output to stderr is held back, and a usage error
    in it is printed again as one line by command_error. Any other output
    on stderr, such as the one-line errors of the subcommand parsers, is
    printed unchanged. ``--help`` writes to stdout and is not affected.

    :raises SystemExit: as argparse and oslo.config raise it, with status 2
        for a usage error.
    """
    parser_output = io.StringIO()
    reworded = None
    try:
        with contextlib.redirect_stderr(parser_output):
            conf(args, project=project, prog=prog)
    except SystemExit as error:
        if error.code == 2:
            # NOTE: argparse writes a usage error as the usage block and
            # "PROG: error: MESSAGE" in Python 3.6 to 3.13, but does not
            # document that form. Output in another form is printed
            # unchanged, usage block included.
            reworded = _one_line_usage(prog, parser_output.getvalue(),
                                       commands)
        raise
    finally:
        sys.stderr.write(parser_output.getvalue() if reworded is None
                         else reworded)


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors take one line and exit with 2.

    Every subcommand of sora-scheduler is built with it, so a bad flag value
    prints the flag, the value and where to find help instead of the usage
    block.
    """

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, one_line_error(self.prog, message) + '\n')

    def parse_known_args(self, args=None, namespace=None):
        # Words left over belong to this subcommand, since the global
        # options were moved before it, so they are reported here in one
        # line instead of by the top-level parser with its usage block.
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error('unrecognized arguments: %s' % ' '.join(extras))
        return parsed, extras


def use_command_parser(subparsers: argparse._SubParsersAction) -> None:
    """Make ``subparsers`` build every subcommand with CommandParser.

    oslo.config creates the subparsers action itself, without a way to
    pass ``parser_class``.
    """
    # NOTE: _parser_class is private to argparse; it has kept this name
    # from Python 2.7 to 3.13.
    subparsers._parser_class = CommandParser


def require_text(flag: str, value: str | None, example: str) -> None:
    """Raise InvalidArgument when a flag or argument has an empty value.

    None, for a flag left out, passes. ``example`` completes "give ..."
    in the message, for instance ``a zone name such as az1``.
    """
    if value is not None and not value.strip():
        fix = 'give %s' % example
        if flag.startswith('-'):
            fix += ', or leave out %s' % flag
        raise exception.InvalidArgument(flag, value,
                                        'the value is empty; ' + fix)


def check_path_options(args: Sequence[str],
                       commands: Sequence[str] = ()) -> None:
    """Reject an empty or missing --config-file or --config-dir value.

    oslo.config reads an empty path as the current folder, so the error it
    raises names a folder the user never typed. A missing value, as in
    ``select --config-file``, would take the next word, which may be the
    command name. Check ``args`` as typed, before the global options are
    moved in front of the command.

    :raises InvalidArgument: for an empty value.
    :raises MissingPath: when the option is the last word, the next word
        is another option, which argparse would not take as a value, or
        the next word is one of ``commands`` and no command follows it.
    """
    for index, arg in enumerate(args):
        if arg == '--':
            break
        name, equals, value = arg.partition('=')
        if name not in PATH_OPTIONS:
            continue
        if not equals:
            following = args[index + 1] if index + 1 < len(args) else None
            if following is None or (following.startswith('-')
                                     and following != '-'):
                raise MissingPath(name, PATH_OPTIONS[name])
            # In "--config-file select", select is the path only when
            # another command follows, as in "--config-file select drivers".
            if following in commands and not any(
                    word in commands for word in args[index + 2:]):
                raise MissingPath(name, PATH_OPTIONS[name])
            value = following
        require_text(name, value, 'the path of a file'
                     if name == '--config-file' else 'the path of a folder')


def parse_pairs(flag: str, pairs: Sequence[str],
                example: str) -> dict[str, str]:
    """Return ``KEY=VALUE`` arguments of a repeatable flag as a mapping.

    A pair without ``=`` or without a key, and a key given twice, raise
    InvalidArgument naming the flag; the value may be empty.
    """
    result: dict[str, str] = {}
    first: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        if not sep or not key.strip():
            raise exception.InvalidArgument(
                flag, pair, 'expected KEY=VALUE, for example %s' % example)
        if key in result:
            raise exception.InvalidArgument(
                flag, pair, 'key %s is given twice, in %s and %s; give each '
                'key once' % (exception.shown(key),
                              exception.shown(first[key]),
                              exception.shown(pair)))
        result[key] = value
        first[key] = pair
    return result
