"""Capacity after reserved amounts and allocation ratios, and what is free.

Besides each host's totals and usage, the host table keeps columns derived
from them. They are the usable amount (total less the reserved amount), the
capacity (usable times the allocation ratio, rounded down), the amount in
use, the free amount, and the largest request that fits (``*_fit``: the
free amount, but never more than the usable one). For GPUs it keeps the
number of idle cards, the largest free share of one card and the free
share of all cards.
The functions here compute those columns from the raw ones, for a slice of
hosts with array operations or for one host with Python numbers, and both
ways give the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
import math

import numpy as np

# Resources that have an allocation ratio and a reserved amount, with the
# name of the Host field that gives their total.
RESOURCES = ('memory_mb', 'vcpus_milli', 'disk_gb')

# A GPU card's whole share, in thousandths.
CARD_MILLI = 1000

# The integer type of every amount column.
INT = np.int64

Columns = dict[str, np.ndarray]


class CapacitySettings:
    """Allocation ratios and reserved amounts that apply to every host."""

    __slots__ = ('ratios', 'reserved')

    def __init__(self, ratios: Mapping[str, float] | None = None,
                 reserved: Mapping[str, int] | None = None) -> None:
        self.ratios = {r: 1.0 for r in RESOURCES}
        self.ratios.update(ratios or {})
        self.reserved = {r: 0 for r in RESOURCES}
        self.reserved.update(reserved or {})

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, CapacitySettings)
                and self.ratios == other.ratios
                and self.reserved == other.reserved)


def refresh_resource(cols: Columns, settings: CapacitySettings, name: str,
                     rows: slice | int) -> None:
    """Compute the derived columns of resource ``name`` for ``rows``."""
    if isinstance(rows, int):
        if _refresh_resource_row(cols, settings, name, rows):
            return
        rows = slice(rows, rows + 1)
    total = cols[name + '_total'][rows]
    ratio = cols[name + '_ratio'][rows]
    ratio = np.where(np.isnan(ratio), settings.ratios[name], ratio)
    usable = np.maximum(total - settings.reserved[name], 0)
    capacity = np.floor(usable * ratio).astype(INT)
    used = cols[name + '_external'][rows] + cols[name + '_claimed'][rows]
    free = capacity - used

    cols[name + '_used'][rows] = used
    cols[name + '_usable'][rows] = usable
    cols[name + '_capacity'][rows] = capacity
    cols[name + '_free'][rows] = free
    cols[name + '_fit'][rows] = np.minimum(free, usable)


def _refresh_resource_row(cols: Columns, settings: CapacitySettings,
                          name: str, row: int) -> bool:
    """Compute one host's derived columns of one resource in Python.

    numpy's overhead on a one-row slice is many times the arithmetic, so
    this does the arithmetic of the column form on Python numbers. An int64
    converts to float as numpy converts it, and the product is rounded down
    the same way. When the capacity is not a finite number, it returns
    False and changes nothing, so the caller falls back to the column form
    and keeps numpy's result for that host.
    """
    ratio = cols[name + '_ratio'].item(row)
    if math.isnan(ratio):
        ratio = float(settings.ratios[name])
    usable = max(cols[name + '_total'].item(row) - settings.reserved[name],
                 0)
    product = usable * ratio
    if not math.isfinite(product):
        return False
    capacity = math.floor(product)
    used = (cols[name + '_external'].item(row)
            + cols[name + '_claimed'].item(row))
    free = capacity - used

    cols[name + '_used'][row] = used
    cols[name + '_usable'][row] = usable
    cols[name + '_capacity'][row] = capacity
    cols[name + '_free'][row] = free
    cols[name + '_fit'][row] = min(free, usable)
    return True


def card_used(cols: Columns, row: int) -> list[int]:
    """Return the used share of each card of a host, as Python ints."""
    # One tolist() of the whole row costs less than slicing it first.
    used = cols['gpu_used'][row].tolist()
    del used[cols['gpus_total'].item(row):]
    return used


def refresh_gpus(cols: Columns, rows: slice | int) -> None:
    """Compute the GPU columns (idle cards, free shares) for ``rows``."""
    if isinstance(rows, int):
        _refresh_gpus_row(cols, rows)
        return
    used = cols['gpu_used'][rows]
    total = cols['gpus_total'][rows]
    present = np.arange(used.shape[1])[None, :] < total[:, None]
    free = np.where(present, CARD_MILLI - used, 0)

    cols['gpu_free_cards'][rows] = np.sum(present & (used == 0), axis=1)
    cols['gpu_max_free'][rows] = np.max(free, axis=1)
    cols['gpu_free_milli'][rows] = np.sum(free, axis=1)


def _refresh_gpus_row(cols: Columns, row: int) -> None:
    # The column form above for one host, on Python numbers. A card column
    # beyond the host's own cards counts as 0 free, as there.
    used = card_used(cols, row)
    free = [CARD_MILLI - value for value in used]
    if len(used) < cols['gpu_used'].shape[1]:
        free.append(0)

    cols['gpu_free_cards'][row] = used.count(0)
    cols['gpu_max_free'][row] = max(free)
    cols['gpu_free_milli'][row] = sum(free)
