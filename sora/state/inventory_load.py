"""Load the configured inventory into the configured state store.

This is how hosts get into a shared store: one command reads ``[inventory]``
and writes it to the store, and every scheduler using that store reads the
hosts from it. Running it again with a changed inventory writes only the
hosts that changed. ``sora-scheduler load-inventory`` runs it.
"""

from __future__ import annotations

import dataclasses
import sys

from oslo_config import cfg
from oslo_log import log as logging

from sora import conf as sora_conf
from sora.inventory import loader as inventory_loader
from sora import plugins
from sora.scheduler.selection import Claim
from sora.state import base
from sora.state import loader

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class LoadResult:
    """The result of a load: the number of hosts and the claims dropped."""

    source: str
    store: str
    hosts: int
    dropped: list[Claim]


def load_inventory(conf: cfg.ConfigOpts,
                   store: base.StateStore | None = None,
                   source: plugins.PluginSource | None = None) -> LoadResult:
    """Read ``[inventory]`` in full, then replace the hosts in the store.

    Without ``store``, the one named by ``[scheduler] state_store`` is
    built and closed again. Nothing is written when the inventory is
    invalid.
    """
    sora_conf.register_opts(conf)
    hosts = inventory_loader.read_inventory(
        conf, source or plugins.PluginSource(plugins.INVENTORY_NAMESPACE))
    own_store = store is None
    store = store or loader.load_store(conf)
    try:
        dropped = store.load(hosts)
        where = store.describe()
    finally:
        if own_store:
            store.close()
    for claim in dropped:
        LOG.warning('Dropped claim %s on host %s: the host is no longer in '
                    'the inventory or lost the GPU cards it used',
                    claim.claim_id, claim.host)
    return LoadResult(conf.inventory.source, where, len(hosts), dropped)


def load_inventory_command(conf: cfg.ConfigOpts) -> int:
    """Run ``sora-scheduler load-inventory``; return the exit status."""
    result = load_inventory(conf)
    print('Loaded %d hosts from inventory source %s into %s.'
          % (result.hosts, result.source, result.store))
    if result.dropped:
        print('Dropped %d claim(s) on hosts that left the inventory: %s'
              % (len(result.dropped),
                 ', '.join(c.claim_id for c in result.dropped)),
              file=sys.stderr)
    return 0
