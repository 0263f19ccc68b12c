"""Register one option group on one ConfigOpts without sharing it."""

import copy

from oslo_config import cfg


def register_group(conf: cfg.ConfigOpts, group: cfg.OptGroup,
                   opts: list[cfg.Opt]) -> None:
    """Register ``opts`` in a private copy of ``group`` on ``conf``.

    ConfigOpts.register_group copies a group shallowly, and the group keeps
    its registered options and their overrides. Registering the module's
    own OptGroup on two ConfigOpts would therefore share one override
    between both, so each ConfigOpts gets a deep copy.
    """
    conf.register_group(copy.deepcopy(group))
    conf.register_opts(opts, group=group.name)
