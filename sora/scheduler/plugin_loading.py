"""Build the plugins of a pipeline: the policy, its weighers, the filters.

Each class is checked against the base class of its kind before it is
called, and an error from a constructor names the plugin and its package.
"""

from __future__ import annotations

from oslo_config import cfg

from sora import conf as sora_conf
from sora.drivers import base as driver_base
from sora import exception
from sora.filters import base as filter_base
from sora import plugins
from sora.weighers import base as weigher_base


def _register_plugin_opts(conf: cfg.ConfigOpts, namespace: str,
                          info: plugins.PluginInfo) -> None:
    # list_opts is the plugin's code too, so what it raises, such as an
    # option that clashes with one of sora's, names the plugin.
    plugins.construct(namespace, info, sora_conf.register_plugin_opts, conf,
                      info.plugin)


def _check_listed(conf: cfg.ConfigOpts, source: plugins.PluginSource,
                  option: str) -> list[str]:
    """Return the names of ``[filter_scheduler] option``, all installed.

    Raise one PluginNotFound naming every unknown name, and ConfigError
    for a name listed twice, which would run a filter twice or count a
    weigher double. Nothing is imported, so a policy that does not use the
    list can check it too.
    """
    names = conf.filter_scheduler[option]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise exception.ConfigError(
            'filter_scheduler', option, ','.join(names),
            '%s listed more than once; list each name once'
            % ', '.join(repeated),
            sora_conf.option_files(conf, 'filter_scheduler', option))
    installed = source.names()
    unknown = [n for n in names if n not in installed]
    if unknown:
        raise exception.PluginNotFound(
            'filter_scheduler', option, ', '.join(unknown), source.namespace,
            installed,
            sora_conf.option_files(conf, 'filter_scheduler', option))
    return list(names)


def load_listed(conf: cfg.ConfigOpts, source: plugins.PluginSource,
                option: str) -> list:
    """Build, in order, the plugins named by ``[filter_scheduler] option``.

    Every unknown name is reported in one PluginNotFound, before anything
    is imported.
    """
    names = _check_listed(conf, source, option)
    files = sora_conf.option_files(conf, 'filter_scheduler', option)
    base = _LISTED_BASES[source.namespace]
    built = []
    for name in names:
        info = source.load(name, 'filter_scheduler', option, files)
        plugins.check_class(source.namespace, info, base)
        _register_plugin_opts(conf, source.namespace, info)
        plugin = plugins.construct(source.namespace, info, info.plugin, conf)
        plugin.name = name
        built.append(plugin)
    return built


# The class that every plugin of a listed namespace must derive from.
_LISTED_BASES = {plugins.FILTER_NAMESPACE: filter_base.BaseFilter,
                 plugins.WEIGHER_NAMESPACE: weigher_base.BaseWeigher}


def build_policy(conf: cfg.ConfigOpts, info: plugins.PluginInfo,
                 sources: dict[str, plugins.PluginSource]
                 ) -> driver_base.SchedulerDriver:
    """Build the policy that ``info`` describes, with its weighers.

    Raise PluginLoadFailed when the class is not a SchedulerDriver or its
    constructor fails, and a SoraException naming the option and value on
    any other problem.
    """
    namespace = plugins.SCHEDULER_NAMESPACE
    plugins.check_class(namespace, info, driver_base.SchedulerDriver)
    _register_plugin_opts(conf, namespace, info)
    if getattr(info.plugin, 'uses_weighers', False):
        weighers = load_listed(conf, sources[plugins.WEIGHER_NAMESPACE],
                               'weighers')
        return plugins.construct(namespace, info, info.plugin, conf,
                                 weighers=weighers)

    # The names are checked even when this policy ignores them, so that a
    # misspelt weigher fails now and not after a reload that switches to
    # the weighted policy.
    _check_listed(conf, sources[plugins.WEIGHER_NAMESPACE], 'weighers')
    return plugins.construct(namespace, info, info.plugin, conf)
