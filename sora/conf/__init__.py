"""sora's configuration options.

Each module owns one option group and provides ``register_opts(conf)`` and
``list_opts()``. Nothing is registered at import time, so two managers can
use two ``ConfigOpts`` objects in one process.
"""

from collections.abc import Callable
import math
from typing import TypeVar

from oslo_config import cfg

from sora.conf import etcd
from sora.conf import filter_scheduler
from sora.conf import inventory
from sora.conf import scheduler

MODULES = (scheduler, filter_scheduler, inventory, etcd)

# The option groups that sora owns, as section names in sora.conf.
OWNED_GROUPS = [module.GROUP.name for module in MODULES]

T = TypeVar('T')


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register every sora option on ``conf``; registering twice is safe.

    Each ConfigOpts gets its own copy of each group, so two managers never
    share an override (see sora.conf.groups).
    """
    for module in MODULES:
        module.register_opts(conf)


def config_files(conf: cfg.ConfigOpts) -> list[str]:
    """Return the configuration files ``conf`` was given, or an empty list.

    ``[DEFAULT] config_file`` exists only once ``conf`` has parsed a command
    line, and a library caller may pass a ConfigOpts that never did.
    """
    try:
        return list(conf.config_file or ())
    except cfg.NoSuchOptError:
        return []


def option_files(conf: cfg.ConfigOpts, group: str, name: str) -> list[str]:
    """Return the file that set an option, or every configuration file.

    The file is known when the value came from one, including a file found
    through ``--config-dir``. Otherwise the files ``conf`` read are returned,
    which is empty for a default or an override set in code.
    """
    try:
        location = conf.get_location(name, group)
    except (cfg.Error, ValueError):
        location = None
    if location is not None and location.detail:
        return [location.detail]
    return config_files(conf)


# The name of each numeric type in messages.
_NUMBER_KINDS = {int: 'an integer', float: 'a number'}


def _bound(value: object) -> str:
    """Return an option's bound as typed, never in exponent notation."""
    if isinstance(value, float) and value.is_integer():
        return '%d' % value
    return str(value)


def expected_values(opt: cfg.Opt) -> str:
    """Describe the values an option accepts, for error messages."""
    opt_type = opt.type
    choices = getattr(opt_type, 'choices', None)
    if choices:
        return 'one of %s' % ', '.join(str(c) for c in choices)
    kind = _NUMBER_KINDS.get(getattr(opt_type, 'num_type', None))
    if kind is None:
        return 'a %s' % getattr(opt_type, 'type_name', 'valid value')
    low = getattr(opt_type, 'min', None)
    high = getattr(opt_type, 'max', None)
    if low is not None and high is not None:
        return '%s from %s to %s' % (kind, _bound(low), _bound(high))
    if low is not None:
        return '%s of %s or more' % (kind, _bound(low))
    if high is not None:
        return '%s of %s or less' % (kind, _bound(high))
    return kind


def invalid_reason(opt: cfg.Opt, raw: object, error: Exception) -> str:
    """Say in plain words why oslo.config rejected ``raw`` for ``opt``.

    oslo.config's own text comes from Python, such as "could not convert
    string to float", or shows bounds in exponent notation. It is kept
    only for a type that sora cannot describe better.
    """
    expected = expected_values(opt)
    num_type = getattr(opt.type, 'num_type', None)
    if num_type in _NUMBER_KINDS:
        try:
            num_type(str(raw).strip())
        except ValueError:
            return 'not %s; expected %s' % (_NUMBER_KINDS[num_type],
                                            expected)
        return 'out of range; expected %s' % expected
    if getattr(opt.type, 'choices', None):
        return 'not an accepted value; expected %s' % expected
    return '%s; expected %s' % (str(error).split(' is not valid: ')[-1],
                                expected)


def register_plugin_opts(conf: cfg.ConfigOpts, plugin: type) -> None:
    """Register and check the options that a plugin class lists.

    ``plugin.list_opts()`` returns ``(group, options)`` pairs. A group given
    as an OptGroup is registered by name, because oslo.config would share
    one OptGroup object, and the overrides kept on it, between ConfigOpts.
    """
    list_opts = getattr(plugin, 'list_opts', None)
    if list_opts is None:
        return
    pairs = list_opts()
    for group, opts in pairs:
        conf.register_opts(opts, group=getattr(group, 'name', group))
    validate_opts(conf, pairs)


def validate_opts(conf: cfg.ConfigOpts,
                  opts: list[tuple[cfg.OptGroup | str, list[cfg.Opt]]]
                  ) -> None:
    """Read every option in ``opts`` so that a bad value fails now.

    oslo.config checks a value from a file only when it is first read. This
    reads them all at startup and raises ConfigError naming the option, the
    files and the problem, instead of failing in the middle of a decision.
    """
    # Imported here because sora.exception does not depend on options.
    from sora import exception

    for group, group_opts in opts:
        group_name = getattr(group, 'name', group)
        for opt in group_opts:
            try:
                value = getattr(conf[group_name], opt.dest)
            except (ValueError, cfg.Error) as error:
                value, source = _file_value(conf, group_name, opt)
                reason = invalid_reason(opt, value, error)
                raise exception.ConfigError(
                    group_name, opt.name, value, reason,
                    [source] if source else config_files(conf)
                ) from None

            # oslo.config accepts nan for a FloatOpt, because every
            # comparison with nan is false, and inf when it has no max.
            if isinstance(value, float) and not math.isfinite(value):
                raise exception.ConfigError(
                    group_name, opt.name, value, 'not a finite number; '
                    'expected %s' % expected_values(opt),
                    option_files(conf, group_name, opt.name))


def parsed_option(conf: cfg.ConfigOpts, group: str, name: str,
                  parse: Callable[[str, object], T]) -> T:
    """Return an option's value passed through a ``units`` parser.

    The parser's FieldError becomes a ConfigError naming the option and
    the file that set it.
    """
    # Imported here because sora.exception does not depend on options.
    from sora import exception
    from sora.scheduler import units

    value = conf[group][name]
    try:
        return parse(name, value)
    except units.FieldError as error:
        raise exception.ConfigError(group, name, value, error.reason,
                                    option_files(conf, group, name)) from None


def _file_value(conf: cfg.ConfigOpts, group: str,
                opt: cfg.Opt) -> tuple[object, str | None]:
    """Return the text an option was given in a file, and that file."""
    try:
        # NOTE: oslo.config 10.x has no public call that returns the raw
        # text of an option whose value fails to parse, so this reads its
        # parsed file namespace, which a later release may change.
        # After mutate_config_files, oslo.config reads mutable options from
        # a second namespace, so the raw text comes from there too.
        namespace = conf._namespace
        if opt.mutable and getattr(conf, '_mutable_ns', None) is not None:
            namespace = conf._mutable_ns
        values, location = namespace._get_file_value([(group, opt.dest)])
        return values[-1], getattr(location, 'detail', None)
    except Exception:  # the raw text only improves the message
        return '<unreadable>', None
