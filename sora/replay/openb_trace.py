"""The openb pod list: a trace format of the openb GPU cluster trace.

The file is a CSV whose header names at least ``name``, ``cpu_milli``,
``memory_mib``, ``num_gpu`` and ``gpu_milli``. These optional columns are
read when present:

* ``gpu_spec``: acceptable GPU models separated by ``|``; empty means any.
* ``creation_time`` and ``deletion_time``: arrival and departure in seconds
  from the start of the trace; an empty ``deletion_time`` never departs.

Other columns (``qos``, ``pod_phase``, ``scheduled_time``) are ignored, so
every pod is replayed whatever phase production recorded for it. Without
``creation_time``, the pods arrive one per second in file order (the first
at 0) and never depart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sora.replay import fields
from sora.replay.workload import Workload
from sora.scheduler import units

NAME = 'openb'

REQUIRED = ('name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli')


def matches(header: Sequence[str]) -> bool:
    """Return whether a header row names the columns of this format."""
    return set(REQUIRED) <= set(header)


def missing_columns(header: Sequence[str]) -> list[str]:
    """Return the required columns that a header lacks."""
    return [column for column in REQUIRED if column not in header]


def parse_row(values: Mapping[str, str], position: int,
              line: int) -> Workload:
    """Build the workload of one pod; raise units.FieldError if invalid.

    ``position`` counts data rows from 0 and gives the arrival of a pod
    list without times.
    """
    name = values['name']
    if not name:
        raise units.FieldError('name', name, 'expected a pod name')
    gpus = units.parse_count('num_gpu', values['num_gpu'])
    gpu_milli = units.parse_count('gpu_milli', values['gpu_milli'])
    if not gpus:
        # A pod without cards records its share as 0; the share of such a
        # request is never read, so it keeps the default of a whole card.
        gpu_milli = 1000
    models = fields.parse_models(values.get('gpu_spec', ''), 'gpu_spec')

    if 'creation_time' in values:
        arrival = fields.parse_time('creation_time',
                                    values['creation_time'])
        departure = fields.parse_departure('deletion_time',
                                           values.get('deletion_time', ''),
                                           arrival)
    else:
        arrival, departure = float(position), None

    request = fields.build_request(
        name,
        memory_mb=units.parse_count('memory_mib', values['memory_mib']),
        vcpus_milli=units.parse_count('cpu_milli', values['cpu_milli']),
        gpus=gpus, gpu_milli=gpu_milli, gpu_models=models)
    return Workload(name, arrival, departure, request, line)
