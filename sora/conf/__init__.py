"""sora's configuration options.

Each module owns one option group and provides ``register_opts(conf)`` and
``list_opts()``. Nothing is registered at import time, so two managers can
use two ``ConfigOpts`` objects in one process.
"""

from oslo_config import cfg

from sora.conf import etcd
from sora.conf import filter_scheduler
from sora.conf import inventory
from sora.conf import scheduler

MODULES = (scheduler, filter_scheduler, inventory, etcd)


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register every sora option on ``conf``; registering twice is safe."""
    for module in MODULES:
        module.register_opts(conf)


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
                getattr(conf[group_name], opt.dest)
            except (ValueError, cfg.Error) as error:
                value, source = _file_value(conf, group_name, opt)
                reason = str(error).split(' is not valid: ')[-1]
                raise exception.ConfigError(
                    group_name, opt.name, value, reason,
                    [source] if source else conf.config_file or ()
                ) from None


def _file_value(conf: cfg.ConfigOpts, group: str,
                opt: cfg.Opt) -> tuple[object, str | None]:
    """Return the text an option was given in a file, and that file."""
    try:
        # NOTE: oslo.config 10.x has no public call that returns the raw
        # text of an option whose value fails to parse, so this reads its
        # parsed file namespace, which a later release may change.
        values, location = conf._namespace._get_file_value(
            [(group, opt.dest)])
        return values[-1], getattr(location, 'detail', None)
    except Exception:  # the raw text only improves the message
        return '<unreadable>', None
