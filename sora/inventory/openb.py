"""The ``openb-csv`` inventory source: a node list of the openb trace.

The file is a CSV with the header ``sn,cpu_milli,memory_mib,gpu,model``:
node name, CPUs in thousandths, memory in MiB, GPU card count and GPU model
(empty for nodes without GPUs). Nodes have no disk, so their ``disk_gb`` is
0 and requests for disk never fit on them.
"""

from __future__ import annotations

import csv

from sora import exception
from sora.inventory import base
from sora.scheduler.host import Host
from sora.scheduler import units

COLUMNS = ('sn', 'cpu_milli', 'memory_mib', 'gpu', 'model')


class OpenbCsvInventory(base.InventorySource):
    """Hosts from an openb node list CSV (``sn,cpu_milli,memory_mib,...``)."""

    def read(self) -> list[tuple[Host, str]]:
        path = self.conf.inventory.path
        if not path:
            raise exception.ConfigError(
                'inventory', 'path', path, 'the openb-csv source needs the '
                'path of a node list CSV')
        try:
            with open(path, newline='', encoding='utf-8') as stream:
                return self._parse(path, stream)
        except OSError as error:
            raise exception.InvalidInventory(
                path, 'the file', None, path, 'cannot be read (%s); check '
                '[inventory] path' % error.strerror) from None

    def _parse(self, path: str, stream) -> list[tuple[Host, str]]:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise exception.InvalidInventory(
                path, 'line 1', 'header', header,
                'expected the columns %s' % ','.join(COLUMNS))
        hosts = []
        for row in reader:
            location = 'line %d' % reader.line_num
            if not row:
                continue
            if len(row) != len(COLUMNS):
                raise exception.InvalidInventory(
                    path, location, None, row, 'expected %d columns, got %d'
                    % (len(COLUMNS), len(row)))
            name, cpu_milli, memory, gpus, model = (v.strip() for v in row)
            try:
                host = Host(
                    name=name,
                    vcpus_milli=units.parse_count('cpu_milli', cpu_milli),
                    memory_mb=units.parse_count('memory_mib', memory),
                    gpus=units.parse_count('gpu', gpus, units.MAX_GPUS),
                    gpu_model=model)
            except units.FieldError as error:
                raise exception.InvalidInventory(
                    path, location, error.field, error.value, error.reason
                ) from None
            hosts.append((host, '%s (%s)' % (location, name)))
        return hosts
