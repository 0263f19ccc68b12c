"""Read the configured inventory source and check the hosts it lists."""

from __future__ import annotations

from collections.abc import Iterable

from oslo_config import cfg

from sora import conf as sora_conf
from sora import exception
from sora import plugins
from sora.scheduler.host import Host


def check_unique(hosts: Iterable[Host | tuple[Host, str]],
                 source: str) -> None:
    """Raise InvalidInventory naming both places of a repeated host name."""
    seen: dict[str, str] = {}
    for position, item in enumerate(hosts):
        host, location = (item if isinstance(item, tuple)
                          else (item, 'position %d' % position))
        if host.name in seen:
            raise exception.InvalidInventory(
                source, '%s and %s' % (seen[host.name], location), 'name',
                host.name, 'host name appears twice; every host needs a '
                'unique name')
        seen[host.name] = location


def read_inventory(conf: cfg.ConfigOpts,
                   source: plugins.PluginSource) -> list[Host]:
    """Load the ``[inventory] source`` plugin and return its hosts."""
    name = conf.inventory.source
    info = source.load(name, 'inventory', 'source',
                       sora_conf.option_files(conf, 'inventory', 'source'))
    list_opts = getattr(info.plugin, 'list_opts', None)
    if list_opts is not None:
        for group, opts in list_opts():
            conf.register_opts(opts, group=group)
        sora_conf.validate_opts(conf, list_opts())
    located = info.plugin(conf).read()
    check_unique(located, name)
    return [host for host, _location in located]
