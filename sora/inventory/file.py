"""The ``file`` inventory source: a JSON file in sora's own format.

The file holds one object with a ``hosts`` list. Each host is an object
with these keys; only ``name`` is required:

``name``
    Unique host name.
``memory_mb``, ``disk_gb``
    Physical memory in MiB and disk in GiB, whole numbers.
``vcpus``
    Physical CPUs; fractions are kept exact to a thousandth. Or give
    ``vcpus_milli`` in thousandths instead.
``gpus``, ``gpu_model``
    Number of GPU cards and their model.
``zone``, ``labels``, ``enabled``
    Availability zone, a ``{"key": "value"}`` object, and whether the host
    takes new instances (default true).
``memory_mb_used``, ``vcpus_used``, ``disk_gb_used``
    Usage by things sora did not place.
``ram_allocation_ratio``, ``cpu_allocation_ratio``, ``disk_allocation_ratio``
    Ratios for this host, overriding ``[filter_scheduler]``.

Numbers may be given as JSON numbers or as text.
"""

from __future__ import annotations

import importlib.resources
import json
import os

from sora import exception
from sora.inventory import base
from sora.scheduler.host import Host
from sora.scheduler import units

SAMPLE = 'sample_inventory.json'


def sample_path() -> str:
    """Return the path of the sample inventory that ships with sora."""
    return str(importlib.resources.files('sora.inventory') / SAMPLE)


class FileInventory(base.InventorySource):
    """Hosts listed in a JSON file in sora's inventory format.

    Without ``[inventory] path``, reads the small sample inventory that
    ships with sora.
    """

    def read(self) -> list[tuple[Host, str]]:
        path = self.conf.inventory.path or sample_path()
        try:
            with open(path, encoding='utf-8') as stream:
                data = json.load(stream)
        except OSError as error:
            raise exception.InvalidInventory(
                path, 'the file', None, path, 'cannot be read (%s); check '
                '[inventory] path' % error.strerror) from None
        except json.JSONDecodeError as error:
            raise exception.InvalidInventory(
                path, 'line %d column %d' % (error.lineno, error.colno), None,
                os.path.basename(path), 'not valid JSON: %s' % error.msg
            ) from None

        if not isinstance(data, dict) or not isinstance(
                data.get('hosts'), list):
            raise exception.InvalidInventory(
                path, 'the top level', 'hosts', type(data).__name__,
                'expected an object with a "hosts" list')

        hosts = []
        for position, entry in enumerate(data['hosts']):
            location = 'hosts[%d]' % position
            if not isinstance(entry, dict):
                raise exception.InvalidInventory(
                    path, location, None, entry, 'expected an object')
            if 'name' in entry:
                location += ' (%s)' % entry['name']
            try:
                hosts.append((Host.from_mapping(entry), location))
            except units.FieldError as error:
                raise exception.InvalidInventory(
                    path, location, error.field, error.value, error.reason
                ) from None
        return hosts
