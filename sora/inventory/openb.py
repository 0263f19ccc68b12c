"""The ``openb-csv`` inventory source: a node list of the openb trace.

The file is a CSV with the header ``sn,cpu_milli,memory_mib,gpu,model``:
node name, CPUs in thousandths, memory in MiB, GPU card count and GPU model
(empty for nodes without GPUs). Nodes have no disk, so their ``disk_gb`` is
0 and requests for disk never fit on them. The file is UTF-8 text.
Memory and CPUs in thousandths are at most 2**48 (281474976710656) and GPU
cards at most 64 per node.

Whitespace around each cell and each header column is trimmed, quoted or
not, because spreadsheets often pad cells when they export a CSV. So a
cell " n1 " names host ``n1``, and a cell of spaces alone is empty. The
``file`` source rejects such padding instead.
"""

from __future__ import annotations

import csv
import io
import os

from sora import conf as sora_conf
from sora import exception
from sora.inventory import base
from sora.scheduler.host import Host
from sora.scheduler import units

COLUMNS = ('sn', 'cpu_milli', 'memory_mib', 'gpu', 'model')

# The Host fields that a column of another name fills, so that an error
# names the column as the file's header does.
_COLUMN_OF_FIELD = {'name': 'sn', 'gpu_model': 'model'}


class OpenbCsvInventory(base.InventorySource):
    """Hosts from an openb node list CSV (``sn,cpu_milli,memory_mib,...``)."""

    def origin(self) -> str | None:
        path = self.conf.inventory.path
        return os.path.abspath(path) if path else None

    def read(self) -> list[tuple[Host, str]]:
        fix = 'the openb-csv source needs the path of a node list CSV'
        base.check_path(self.conf, fix)
        path = self.conf.inventory.path
        if path is None:
            raise exception.ConfigError(
                'inventory', 'path', path, fix + '; set [inventory] path',
                sora_conf.option_files(self.conf, 'inventory', 'path'))
        path = os.path.abspath(path)
        return self._parse(path, io.StringIO(base.read_text(path),
                                             newline=''))

    def _parse(self, path: str, stream) -> list[tuple[Host, str]]:
        reader = csv.reader(stream)
        header = next(reader, None)
        columns = [h.strip() for h in header or ()]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise exception.InvalidInventory(
                path, 'line 1', 'header', header, 'the column %s appears '
                'more than once; expected the columns %s'
                % (', '.join(repeated), ','.join(COLUMNS)))
        if header is None or tuple(columns) != COLUMNS:
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
                    path, location, None, ','.join(row), 'expected %d '
                    'columns, got %d; the header is %s'
                    % (len(COLUMNS), len(row), ','.join(COLUMNS)))
            name, cpu_milli, memory, gpus, model = (v.strip() for v in row)
            try:
                host = Host(
                    name=name,
                    vcpus_milli=units.parse_count('cpu_milli', cpu_milli),
                    memory_mb=units.parse_count('memory_mib', memory),
                    gpus=units.parse_count('gpu', gpus, units.MAX_GPUS),
                    gpu_model=model)
            except units.FieldError as error:
                column = _COLUMN_OF_FIELD.get(error.field, error.field)
                raise exception.InvalidInventory(
                    path, location, column, error.value, error.reason
                ) from None
            hosts.append((host, base.located(location, name)))
        return hosts
