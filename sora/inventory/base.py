"""The contract of an inventory source: a plugin that lists the hosts."""

from __future__ import annotations

import abc

from oslo_config import cfg

from sora.scheduler.host import Host


class InventorySource(abc.ABC):
    """Base class of inventory sources in the ``sora.inventory`` namespace.

    ``read`` returns every host or raises InvalidInventory; it never
    returns part of a source. The manager checks host names for duplicates
    itself, so a source only needs to report where each host came from.
    """

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        """Return the source's own options as ``(group, options)`` pairs."""
        return []

    @abc.abstractmethod
    def read(self) -> list[tuple[Host, str]]:
        """Return each host with its location, such as ``line 4``."""
