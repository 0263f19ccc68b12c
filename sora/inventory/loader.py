"""Read the configured inventory source and check the hosts it lists."""

from __future__ import annotations

from collections.abc import Iterable

from oslo_config import cfg
from oslo_log import log as logging

from sora import conf as sora_conf
from sora import exception
from sora.inventory import base as inventory_base
from sora import plugins
from sora.scheduler.host import Host

LOG = logging.getLogger(__name__)


def check_unique(hosts: Iterable[Host | tuple[Host, str]],
                 source: str) -> None:
    """Raise DuplicateHost naming both places of a repeated host name."""
    seen: dict[str, str] = {}
    for position, item in enumerate(hosts):
        host, location = (item if isinstance(item, tuple)
                          else (item, 'position %d' % position))
        # The message names the host once, so drop it from the locations.
        location = location.removesuffix(
            inventory_base.located('', host.name))
        if host.name in seen:
            raise exception.DuplicateHost(source, seen[host.name], location,
                                          host.name)
        seen[host.name] = location


def read_inventory(conf: cfg.ConfigOpts,
                   source: plugins.PluginSource) -> list[Host]:
    """Load the ``[inventory] source`` plugin and return its hosts."""
    name = conf.inventory.source
    info = source.load(name, 'inventory', 'source',
                       sora_conf.option_files(conf, 'inventory', 'source'))
    namespace = source.namespace
    plugins.construct(namespace, info, sora_conf.register_plugin_opts, conf,
                      info.plugin)
    plugin = plugins.construct(namespace, info, info.plugin, conf)
    # A source from another package may not derive from InventorySource,
    # so only the method that is used is checked. Errors from reading
    # that are not sora's own name the plugin, like errors from building.
    read = getattr(plugin, 'read', None)
    if not callable(read):
        raise plugins.load_failure(namespace, info, TypeError(
            '%s has no read() method' % type(plugin).__name__))
    located = plugins.construct(namespace, info, read)
    origin = _origin(plugin) or name
    check_unique(located, origin)
    LOG.info('Read %d hosts from inventory source %s (%s)', len(located),
             name, exception.escaped(origin))
    return [host for host, _location in located]


def _origin(plugin: object) -> str | None:
    # A source from another package may not derive from InventorySource.
    origin = getattr(plugin, 'origin', None)
    return origin() if callable(origin) else None
