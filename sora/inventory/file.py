"""The ``file`` inventory source: a JSON file in sora's own format.

The file is UTF-8 text holding one object whose only key is ``hosts``, a
list. Each host is an object with these keys; only ``name`` is required:

``name``
    Unique host name: at most 255 printable characters, without leading or
    trailing whitespace. Names are case-sensitive.
``memory_mb``, ``disk_gb``
    Physical memory in MiB and disk in GiB, whole numbers.
``vcpus``
    Physical CPUs; fractions are kept exact to a thousandth. Or give
    ``vcpus_milli`` in thousandths instead.
``gpus``, ``gpu_model``
    Number of GPU cards, at most 64, and their model as text.
``zone``, ``labels``, ``enabled``
    Availability zone as text, a ``{"key": "value"}`` object whose keys and
    values are text (a number must be quoted), and whether the host takes
    new instances (default true).
``memory_mb_used``, ``vcpus_used``, ``disk_gb_used``
    Usage by things sora did not place.
``ram_allocation_ratio``, ``cpu_allocation_ratio``, ``disk_allocation_ratio``
    Ratios for this host, overriding ``[filter_scheduler]``; at most 1000.

Text is taken exactly as written. A name, zone, GPU model, label key or
label value with leading or trailing whitespace is rejected rather than
trimmed, because JSON quotes every string, so padding there is a typing
mistake.

Numbers may be given as JSON numbers or as text. Memory, disk and CPUs in
thousandths are at most 2**48 (281474976710656), so that capacity times a
ratio fits in a 64-bit integer. Unknown keys, at the top level or in a
host, are rejected, and so is a key given twice in one object.
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

# json parses nested arrays and objects by recursion, so a file nested
# deeper than Python's recursion limit (1000 by default) raises
# RecursionError. An inventory needs three levels.
NESTED_TOO_DEEP = ('not valid JSON for an inventory: arrays or objects are '
                   'nested deeper than Python can parse; an inventory '
                   'needs only {"hosts": [{...}]}')


def sample_path() -> str:
    """Return the path of the sample inventory that ships with sora."""
    return str(importlib.resources.files('sora.inventory') / SAMPLE)


class FileInventory(base.InventorySource):
    """Hosts listed in a JSON file in sora's inventory format.

    Without ``[inventory] path``, reads the small sample inventory that
    ships with sora. An empty path is an error, not the sample.
    """

    def origin(self) -> str:
        path = self.conf.inventory.path
        if path is None:
            return 'sample inventory %s' % sample_path()
        return os.path.abspath(path)

    def read(self) -> list[tuple[Host, str]]:
        path = self.conf.inventory.path
        if path is None:
            path = sample_path()
        base.check_path(self.conf)
        source = os.path.abspath(path)
        data = _load_json(source)

        if not isinstance(data, dict) or not isinstance(
                data.get('hosts'), list):
            raise exception.InvalidInventory(
                source, None, None, None, 'expected an object with a '
                '"hosts" list at the top level, found %s'
                % _describe(data))
        for key in data:
            if key != 'hosts':
                raise exception.InvalidInventory(
                    source, None, None, None, 'unknown top-level key %s; '
                    'the file may only contain "hosts"' % exception.shown(key))

        hosts = []
        for position, entry in enumerate(data['hosts']):
            location = 'hosts[%d]' % position
            if not isinstance(entry, dict):
                raise exception.InvalidInventory(
                    source, location, None, entry,
                    'expected an object for each host')
            if isinstance(entry.get('name'), str):
                location = base.located(location, entry['name'])
            try:
                hosts.append((Host.from_mapping(entry), location))
            except units.FieldError as error:
                raise exception.InvalidInventory(
                    source, location, error.field, error.value, error.reason
                ) from None
        return hosts


def _load_json(path: str) -> object:
    """Return the parsed file; raise InvalidInventory when it cannot be."""
    text = base.read_text(path)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _RepeatedKey as error:
        raise exception.InvalidInventory(
            path, None, error.key, error.values, 'the key appears more than '
            'once in one object, and only one value can apply; keep one'
        ) from None
    except json.JSONDecodeError as error:
        raise exception.InvalidInventory(
            path, 'line %d column %d' % (error.lineno, error.colno), None,
            None, 'not valid JSON: %s; fix the syntax there' % error.msg
        ) from None
    except ValueError:
        # json raises a plain ValueError for an integer of more than 4300
        # digits, which Python refuses to convert.
        raise exception.InvalidInventory(
            path, None, None, None, 'not valid JSON: a number has more than '
            '4300 digits; use a smaller value') from None
    except RecursionError:
        raise exception.InvalidInventory(
            path, None, None, None, NESTED_TOO_DEEP) from None


class _RepeatedKey(Exception):
    """A JSON object names the same key twice."""

    def __init__(self, key: str, values: list[object]) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """Build a JSON object; raise _RepeatedKey for a key given twice.

    json keeps the last of two values silently, so a host entry with two
    ``memory_mb`` keys would lose one without a word.
    """
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _RepeatedKey(key, [result[key], value])
        result[key] = value
    return result


def _describe(data: object) -> str:
    if isinstance(data, dict):
        return 'an object without a "hosts" list'
    kinds = {list: 'an array', str: 'a string', bool: 'a boolean',
             int: 'a number', float: 'a number', type(None): 'null'}
    return kinds.get(type(data), type(data).__name__)
