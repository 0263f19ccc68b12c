"""Check whether a request fits on hosts, for both filters and claims.

A resource fits when the request is no larger than the host's ``*_fit``
column: the smaller of what is still free after reserved amounts and
allocation ratios, and what the host physically has after its reserved
amount. So an over-committed host can still take a small instance, but no
instance is ever larger than the physical host.
"""

from __future__ import annotations

import numpy as np

from sora import exception
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
# The two parts of the check that a claim makes on its host. A filter
# names the parts its passing hosts are sure to meet in claim_checks.
RESOURCES_CHECK = 'resources'
GPUS_CHECK = 'gpus'
CLAIM_CHECKS = frozenset({RESOURCES_CHECK, GPUS_CHECK})

_RESOURCE_COLUMNS = tuple((field, label, field + '_usable', field + '_fit')
                          for field, label in RESOURCE_FIELDS)


def resources_mask(table: HostTable, request: RequestSpec) -> np.ndarray:
    """Return which hosts have room for the request's memory, CPUs, disk."""
    mask = table.memory_mb_fit >= request.memory_mb
    mask &= table.vcpus_milli_fit >= request.vcpus_milli
    mask &= table.disk_gb_fit >= request.disk_gb
    # A host without memory or CPUs never passes. The fit is never above
    # total - reserved, so with a reserved amount of 0 or more, a fit of at
    # least a positive amount implies a positive total. The totals then
    # need a look only for an amount of 0, which saves two passes over
    # every host.
    reserved = table.settings.reserved
    if request.memory_mb <= 0 or reserved['memory_mb'] < 0:
        mask &= table.memory_mb_total > 0
    if request.vcpus_milli <= 0 or reserved['vcpus_milli'] < 0:
        mask &= table.vcpus_milli_total > 0
    return mask


def resource_shortfall(table: HostTable, row: int,
                       request: RequestSpec) -> str | None:
    """Return why a host lacks memory, CPUs or disk, or None if it fits."""
    # Every claim runs this for one host, so it reads Python numbers with
    # item(), which costs less than indexing a numpy array for a scalar.
    if (table.memory_mb_total.item(row) <= 0
            or table.vcpus_milli_total.item(row) <= 0):
        return 'no memory_mb or vcpus capacity'
    # A fit is never above the usable amount, so a request within every
    # fit is within every usable amount too. Only a host that falls short
    # needs the checks below, which name the first reason in order.
    if (request.memory_mb <= table.memory_mb_fit.item(row)
            and request.vcpus_milli <= table.vcpus_milli_fit.item(row)
            and request.disk_gb <= table.disk_gb_fit.item(row)):
        return None
    for field, label, usable_column, fit_column in _RESOURCE_COLUMNS:
        amount = getattr(request, field)
        if amount > getattr(table, usable_column).item(row):
            return '%s larger than the host' % label
        if amount > getattr(table, fit_column).item(row):
            return 'not enough %s' % label
    return None


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
        # A lookup by model code costs a few microseconds where np.isin
        # costs about a hundred on a thousand hosts.
        accepted = np.array([model in request.gpu_models
                             for model in table.gpu_models])
        mask &= accepted.take(table.gpu_model)
    return mask


def gpu_shortfall(table: HostTable, row: int,
                  request: RequestSpec) -> str | None:
    """Return why a host cannot take the request's GPUs, or None.

    The reason names the number of cards or the share the request needs,
    so that hosts rejected for the same shortfall share one reason.
    """
    if not request.gpus:
        return None
    cards = table.gpus_total.item(row)
    if cards == 0:
        return 'no GPU'
    if request.gpu_models:
        model = table.gpu_models[table.gpu_model.item(row)]
        if model not in request.gpu_models:
            return model_reason(request)
    if cards < request.gpus:
        return 'fewer than %d GPU cards' % request.gpus
    if table.gpu_cards_for(row, request.gpus, request.gpu_milli) is None:
        if request.gpu_milli < CARD_MILLI:
            return 'no GPU card with %d/1000 free' % request.gpu_milli
        if request.gpus == 1:
            return 'no free GPU card'
        return 'fewer than %d free GPU cards' % request.gpus
    return None


def model_reason(request: RequestSpec) -> str:
    """Return the reason for a host whose GPU model the request excludes.

    The models are joined with ``|`` in sorted order and shortened as one
    text, so that the reason stays one line however many models are listed.
    """
    models = '|'.join(sorted(request.gpu_models))
    return 'GPU model not in %s' % exception.shown_name(models)


def shortfall(table: HostTable, row: int,
              request: RequestSpec) -> str | None:
    """Return why a host cannot hold one instance of the request, or None."""
    return (resource_shortfall(table, row, request)
            or gpu_shortfall(table, row, request))


def claim_fit(table: HostTable, row: int,
              request: RequestSpec) -> tuple[str | None, list[int]]:
    """Return why one instance cannot go on a host, and the cards it takes.

    The first value is None when the instance fits, and the second then
    lists the cards that ``HostTable.gpu_cards_for`` chooses (none for a
    request without GPUs). Every claim calls this, so it chooses the cards
    once and works out a reason only for a host that falls short.
    """
    reason = resource_shortfall(table, row, request)
    if reason is not None or not request.gpus:
        return reason, []
    cards = None
    if (not request.gpu_models or table.gpu_models[
            table.gpu_model.item(row)] in request.gpu_models):
        cards = table.gpu_cards_for(row, request.gpus, request.gpu_milli)
    if cards is None:
        return gpu_shortfall(table, row, request), []
    return None, cards
