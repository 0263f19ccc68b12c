"""Check whether a request fits on hosts, for both filters and claims.

A resource fits when the request is no larger than the host's ``*_fit``
column: the smaller of what is still free after reserved amounts and
allocation ratios, and what the host physically has after its reserved
amount. So an over-committed host can still take a small instance, but no
instance is ever larger than the physical host.
"""

from __future__ import annotations

import numpy as np

from sora.scheduler.host_table import CARD_MILLI
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

# Request fields and the host table column each one is checked against,
# in the order their reasons are reported.
RESOURCE_FIELDS = (
    ('memory_mb', 'memory_mb'),
    ('vcpus_milli', 'vcpus'),
    ('disk_gb', 'disk_gb'),
)


def resources_mask(table: HostTable, request: RequestSpec) -> np.ndarray:
    """Return which hosts have room for the request's memory, CPUs, disk."""
    mask = (table.memory_mb_total > 0) & (table.vcpus_milli_total > 0)
    for field, _label in RESOURCE_FIELDS:
        amount = getattr(request, field)
        mask &= getattr(table, field + '_fit') >= amount
    return mask


def resource_shortfall(table: HostTable, row: int,
                       request: RequestSpec) -> str | None:
    """Return why a host lacks memory, CPUs or disk, or None if it fits."""
    if table.memory_mb_total[row] <= 0 or table.vcpus_milli_total[row] <= 0:
        return 'no memory_mb or vcpus capacity'
    for field, label in RESOURCE_FIELDS:
        amount = getattr(request, field)
        if amount > getattr(table, field + '_usable')[row]:
            return '%s larger than the host' % label
        if amount > getattr(table, field + '_fit')[row]:
            return 'not enough %s' % label
    return None


def resource_shortfall_counts(table: HostTable, rows: np.ndarray,
                              request: RequestSpec,
                              fits: str) -> dict[str, int]:
    """Count hosts per reason that ``resource_shortfall`` would give.

    The same reasons as calling ``resource_shortfall`` on each of ``rows``,
    computed on whole columns. Rows that fit are counted under ``fits``.
    """
    labels = ['no memory_mb or vcpus capacity']
    conditions = [(table.memory_mb_total[rows] <= 0)
                  | (table.vcpus_milli_total[rows] <= 0)]
    for field, label in RESOURCE_FIELDS:
        amount = getattr(request, field)
        labels += ['%s larger than the host' % label, 'not enough %s' % label]
        conditions += [getattr(table, field + '_usable')[rows] < amount,
                       getattr(table, field + '_fit')[rows] < amount]
    return _count_first(labels, conditions, fits)


def _count_first(labels: list[str], conditions: list[np.ndarray],
                 fits: str) -> dict[str, int]:
    """Count rows under the first label whose condition is true for them.

    Rows for which no condition is true are counted under ``fits``.
    """
    labels = labels + [fits]
    codes = np.select(conditions, np.arange(len(labels) - 1),
                      len(labels) - 1)
    tally = np.bincount(codes.astype(np.intp), minlength=len(labels))
    counts: dict[str, int] = {}
    for label, number in zip(labels, tally):
        if number:
            counts[label] = counts.get(label, 0) + int(number)
    return counts


def gpu_mask(table: HostTable, request: RequestSpec) -> np.ndarray:
    """Return which hosts have the GPU cards or share the request needs.

    With acceptable models given, only hosts of those models pass. A request
    without GPUs passes every host, whatever its model.
    """
    if not request.gpus:
        return np.ones(len(table), bool)
    if request.gpu_milli >= CARD_MILLI:
        mask = table.gpu_free_cards >= request.gpus
    else:
        mask = table.gpu_max_free >= request.gpu_milli
    if request.gpu_models:
        codes = [code for code, model in enumerate(table.gpu_models)
                 if model in request.gpu_models]
        mask &= np.isin(table.gpu_model, codes)
    return mask


def gpu_shortfall(table: HostTable, row: int,
                  request: RequestSpec) -> str | None:
    """Return why a host cannot take the request's GPUs, or None."""
    if not request.gpus:
        return None
    if request.gpu_models:
        model = table.gpu_models[table.gpu_model[row]]
        if model not in request.gpu_models:
            return 'GPU model not in %s' % '|'.join(
                sorted(request.gpu_models))
    if table.gpus_total[row] < request.gpus:
        return 'not enough GPU cards'
    if table.gpu_cards_for(row, request.gpus, request.gpu_milli) is None:
        if request.gpu_milli >= CARD_MILLI:
            return 'not enough free GPU cards'
        return 'no GPU card with %d free' % request.gpu_milli
    return None


def gpu_shortfall_counts(table: HostTable, rows: np.ndarray,
                         request: RequestSpec, fits: str) -> dict[str, int]:
    """Count hosts per reason that ``gpu_shortfall`` would give.

    The same reasons as calling ``gpu_shortfall`` on each of ``rows``,
    computed on whole columns. Rows that fit are counted under ``fits``.
    """
    if not request.gpus:
        return {fits: len(rows)} if len(rows) else {}
    labels = []
    conditions = []
    if request.gpu_models:
        labels.append('GPU model not in %s'
                      % '|'.join(sorted(request.gpu_models)))
        codes = [code for code, model in enumerate(table.gpu_models)
                 if model in request.gpu_models]
        conditions.append(~np.isin(table.gpu_model[rows], codes))
    labels.append('not enough GPU cards')
    conditions.append(table.gpus_total[rows] < request.gpus)
    if request.gpu_milli >= CARD_MILLI:
        labels.append('not enough free GPU cards')
        conditions.append(table.gpu_free_cards[rows] < request.gpus)
    else:
        labels.append('no GPU card with %d free' % request.gpu_milli)
        conditions.append(table.gpu_max_free[rows] < request.gpu_milli)
    return _count_first(labels, conditions, fits)


def shortfall(table: HostTable, row: int,
              request: RequestSpec) -> str | None:
    """Return why a host cannot hold one instance of the request, or None."""
    return (resource_shortfall(table, row, request)
            or gpu_shortfall(table, row, request))
