"""Choose the policies to replay and build one manager for each."""

from __future__ import annotations

import copy

from oslo_config import cfg

from sora import exception
from sora import plugins
from sora.scheduler.manager import SchedulerManager

# The --compare value that stands for every installed policy.
ALL = 'all'


def installed_policies(source: plugins.PluginSource | None = None
                       ) -> list[str]:
    """Return the names of the installed policies, sorted."""
    source = source or plugins.PluginSource(plugins.SCHEDULER_NAMESPACE)
    return source.names()


def parse_policy_list(text: str,
                      source: plugins.PluginSource | None = None
                      ) -> list[str]:
    """Return the policies of a comma-separated list, in the given order.

    ``all`` stands for every installed policy. A name given twice is kept
    once. Unknown names are reported when their manager is built, with
    the installed names and the closest match.
    """
    names: list[str] = []
    for name in (part.strip() for part in text.split(',')):
        if not name:
            continue
        expanded = installed_policies(source) if name == ALL else [name]
        names.extend(n for n in expanded if n not in names)
    if not names:
        raise exception.ConfigError(
            'replay', 'compare', text, 'expected a comma-separated list of '
            'policy names, or %s' % ALL)
    return names


def options_for(conf: cfg.ConfigOpts, driver: str,
                seed: int | None) -> cfg.ConfigOpts:
    """Return a copy of ``conf`` with ``[scheduler] driver`` and ``seed``.

    The copy keeps every other option, from files and overrides alike, so
    each policy is replayed with the same filters, ratios and inventory.
    """
    options = copy.deepcopy(conf)
    options.set_override('driver', driver, group='scheduler')
    if seed is not None:
        options.set_override('seed', seed, group='scheduler')
    return options


def build_manager(conf: cfg.ConfigOpts, driver: str,
                  seed: int | None) -> SchedulerManager:
    """Build a manager for one policy on the configured inventory."""
    return SchedulerManager(options_for(conf, driver, seed),
                            load_inventory=True)
