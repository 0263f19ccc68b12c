"""The ``local`` inventory source: the machine sora runs on."""

from __future__ import annotations

import socket

from oslo_log import log as logging
import psutil

from sora.inventory import base
from sora.scheduler.host import Host

LOG = logging.getLogger(__name__)

MIB = 1024 * 1024
GIB = 1024 * MIB


class LocalInventory(base.InventorySource):
    """One host: this machine's memory, CPUs and root disk, read with psutil.

    Current usage is recorded as usage outside sora, so requests only get
    what the machine has free now. GPUs are not detected.
    """

    def read(self) -> list[tuple[Host, str]]:
        if self.conf.inventory.path:
            LOG.warning('[inventory] path %s is ignored: the local source '
                        'reads this machine; set [inventory] source to '
                        'file or openb-csv to read that file',
                        self.conf.inventory.path)
        memory = psutil.virtual_memory()
        disk = psutil.disk_usage('/')
        cpus = psutil.cpu_count(logical=True) or 1
        # NOTE: psutil reports the load of the last interval only, so CPU
        # usage is left at 0 rather than guessed from one sample.
        host = Host(
            name=socket.gethostname(),
            memory_mb=memory.total // MIB,
            memory_mb_used=(memory.total - memory.available) // MIB,
            vcpus_milli=cpus * 1000,
            disk_gb=disk.total // GIB,
            disk_gb_used=disk.used // GIB)
        return [(host, 'this machine')]
