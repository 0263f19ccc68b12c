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
from sora.inventory import merge as inventory_merge
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
    #: Why each dropped claim was dropped, by claim id.
    reasons: dict[str, str] = dataclasses.field(default_factory=dict)


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
    by_name = {host.name: host for host in hosts}
    reasons = {claim.claim_id: inventory_merge.drop_reason(claim, by_name)
               for claim in dropped}
    for claim in dropped:
        LOG.warning('Dropped claim %s: %s', claim.claim_id,
                    reasons[claim.claim_id])
    return LoadResult(conf.inventory.source, where, len(hosts), dropped,
                      reasons)


def load_inventory_command(conf: cfg.ConfigOpts) -> int:
    """Run ``sora-scheduler load-inventory``; return the exit status."""
    result = load_inventory(conf)
    print('Loaded %d hosts from inventory source %s into %s.'
          % (result.hosts, result.source, result.store))
    for claim in result.dropped:
        print('Dropped claim %s: %s' % (claim.claim_id,
                                        result.reasons[claim.claim_id]),
              file=sys.stderr)
    return 0
