"""sora's own trace format: one workload a line, in a CSV with a header.

The header names these nine columns, in any order::

    arrival,departure,memory_mb,vcpus,disk_gb,gpus,gpu_milli,gpu_models,name

* ``arrival``: seconds from the start of the trace, from 0 to 10**12
  (about 31,700 years); fractions are allowed.
* ``departure``: seconds from the start of the trace, not before
  ``arrival``; empty means the workload never departs.
* ``memory_mb`` (MiB), ``disk_gb`` (GiB), ``gpus`` (whole cards): whole
  numbers of 0 or more.
* ``vcpus``: CPUs, with up to three decimal places (``0.5`` is half a CPU).
* ``gpu_milli``: with ``gpus = 1``, the share of one card in thousandths,
  from 1 to 1000; empty means whole cards. With ``gpus = 0`` only empty,
  0 and 1000 are accepted, because a share of no card means nothing.
* ``gpu_models``: acceptable GPU models separated by ``|``; empty means any.
  An empty name between separators, as in ``T4||P100``, is rejected.
* ``name``: the workload's name; empty means ``line-N``, N being the line.

For example::

    arrival,departure,memory_mb,vcpus,disk_gb,gpus,gpu_milli,gpu_models,name
    0,3600,4096,2,20,0,,,web-1
    10,,16384,8,0,1,500,T4|P100,notebook-1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sora.replay import fields
from sora.replay.workload import Workload
from sora.scheduler import units

NAME = 'sora'

COLUMNS = ('arrival', 'departure', 'memory_mb', 'vcpus', 'disk_gb', 'gpus',
           'gpu_milli', 'gpu_models', 'name')


def matches(header: Sequence[str]) -> bool:
    """Return whether a header row names exactly this format's columns."""
    return sorted(header) == sorted(COLUMNS)


def missing_columns(header: Sequence[str]) -> list[str]:
    """Return the columns that a header lacks."""
    return [column for column in COLUMNS if column not in header]


def parse_row(values: Mapping[str, str], position: int,
              line: int) -> Workload:
    """Build one workload; raise units.FieldError naming a bad field."""
    name = values['name'] or 'line-%d' % line
    arrival = fields.parse_time('arrival', values['arrival'])
    departure = fields.parse_departure('departure', values['departure'],
                                       arrival)
    gpus = units.parse_count('gpus', values['gpus'])
    gpu_milli = (units.parse_count('gpu_milli', values['gpu_milli'])
                 if values['gpu_milli'] else 1000)
    if not gpus and gpu_milli not in (0, 1000):
        raise units.FieldError('gpu_milli', values['gpu_milli'],
                               'a share of a card needs gpus=1; set gpus '
                               'to 1 or leave gpu_milli empty')

    request = fields.build_request(
        name,
        memory_mb=units.parse_count('memory_mb', values['memory_mb']),
        vcpus_milli=units.parse_milli('vcpus', values['vcpus']),
        disk_gb=units.parse_count('disk_gb', values['disk_gb']),
        gpus=gpus, gpu_milli=gpu_milli,
        gpu_models=fields.parse_models(values['gpu_models']))
    return Workload(name, arrival, departure, request, line)
