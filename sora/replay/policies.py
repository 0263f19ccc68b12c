"""Choose the policies to replay and build one manager for each."""

from __future__ import annotations

from collections.abc import Callable
import copy
import difflib

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

    ``all`` stands for every installed policy. A name given twice, or an
    unknown name, raises InvalidArgument naming --compare.
    """
    return parse_policy_selection(text, source)[0]


def parse_policy_selection(text: str,
                           source: plugins.PluginSource | None = None
                           ) -> tuple[list[str], set[str]]:
    """Return the policies of a comma-separated list and the optional ones.

    The optional names are those that only ``all`` brought in. A replay
    skips such a policy when it fails to load, but stops on a policy that
    the list names. A policy named beside ``all`` is replayed once.

    :raises InvalidArgument: naming --compare, for an empty list, a name
        given twice or a policy that is not installed.
    """
    typed = [part.strip() for part in text.split(',') if part.strip()]
    repeated = [name for index, name in enumerate(typed)
                if name in typed[:index]]
    if repeated:
        # A repeated name is most often a typo for another policy, which
        # replaying each name once would hide.
        raise exception.InvalidArgument(
            '--compare', text, '%s listed more than once; list each policy '
            'once' % ', '.join(dict.fromkeys(
                exception.shown_name(name) for name in repeated)))

    names: list[str] = []
    named: set[str] = set()
    for name in typed:
        if name == ALL:
            expanded = installed_policies(source)
        else:
            expanded = [name]
            named.add(name)
        names.extend(n for n in expanded if n not in names)
    if not names:
        raise exception.InvalidArgument(
            '--compare', text, 'expected a comma-separated list of policy '
            'names, such as memory,binpack, or %s' % ALL)
    check_installed(names, '--compare', text, source)
    return names, set(names) - named


def check_installed(names: list[str], argument: str, text: str,
                    source: plugins.PluginSource | None = None) -> None:
    """Raise InvalidArgument, naming ``argument``, for an unknown policy."""
    installed = installed_policies(source)
    unknown = [name for name in names if name not in installed]
    if unknown:
        close = difflib.get_close_matches(unknown[0], installed, n=1)
        hint = " Did you mean %r?" % close[0] if close else ''
        raise exception.InvalidArgument(
            argument, text, 'no installed policy is named %s.%s Choose '
            'from %s' % (', '.join(map(exception.shown, unknown)), hint,
                         ', '.join(installed)))


def build_managers(conf: cfg.ConfigOpts, names: list[str],
                   optional: set[str], seed: int | None,
                   warn: Callable[[str], None]
                   ) -> list[SchedulerManager]:
    """Build one manager per policy, skipping optional ones that fail.

    ``warn`` receives one line per skipped policy, naming it and its
    error. A policy that is not optional raises its error.
    """
    managers = []
    for name in names:
        try:
            managers.append(build_manager(conf, name, seed))
        except (exception.PluginLoadFailed,
                exception.PluginConflict) as error:
            # A name that two packages declare cannot be loaded either.
            if name not in optional:
                raise
            warn('skipped policy %s, which failed to load: %s'
                 % (name, error))
    if not managers:
        raise exception.InvalidArgument(
            '--compare', ','.join(names), 'no policy could be loaded; fix '
            'or uninstall the broken packages, or name working policies')
    return managers


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
