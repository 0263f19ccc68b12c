"""One decision: filter the hosts, rank the ones that pass, claim the best.

The manager runs a decision under its store's lock, with the pipeline it
took for the whole request, and runs it again when a shared store reports
that another scheduler changed the chosen host first (ClaimConflict).
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping

import numpy as np
from oslo_log import log as logging

from sora import exception
from sora.filters.base import FilterContext
from sora.scheduler import fit
from sora.scheduler.host_table import HostTable
from sora.scheduler import pipeline as pipeline_mod
from sora.scheduler.request import RequestSpec
from sora.scheduler.selection import Selection
from sora.state import base as state_base

LOG = logging.getLogger(__name__)


def decide(store: state_base.StateStore, pipeline: pipeline_mod.Pipeline,
           request: RequestSpec, context: FilterContext,
           random: Callable[[], np.random.Generator]) -> Selection:
    """Place one instance of ``request`` and return its selection.

    ``random`` returns the generator for shuffled ties and subset draws;
    it is called only when the settings need one. Raise NoValidHost when
    no host passes the filters or no ranked host takes the claim, and
    ClaimConflict when the store lost the chosen host to another
    scheduler.
    """
    table = store.hosts
    if len(table) == 0:
        raise no_valid_host(table, pipeline, request, context)
    mask = pipeline.filter(table, request, context)
    # The mask is one-dimensional, so nonzero() gives its rows without the
    # reshaping that np.flatnonzero adds.
    rows = mask.nonzero()[0]
    if not len(rows):
        raise no_valid_host(table, pipeline, request, context)

    settings = pipeline.settings
    limit = max(settings.max_attempts, settings.host_subset_size)
    rng = (random() if settings.shuffle_ties
           or settings.host_subset_size > 1 else None)
    ranked = pipeline.rank(table, rows, request, limit, rng)
    chosen = ranked.pop(subset_pick(len(ranked), settings, rng))
    order = [chosen] + ranked
    names = [table.names[row] for row in order]

    # The store checks the fit again as it records the claim. The
    # in-process store cannot disagree with the filters, but a shared store
    # may have seen another scheduler's claim in between, so the
    # next-ranked hosts are tried before giving up.
    for position, name in enumerate(names):
        try:
            claim = store.claim(name, request)
        except exception.ClaimConflict:
            raise
        except exception.ClaimFailed as failure:
            LOG.debug('Claim on %s failed for request %s: %s', name,
                      request.request_id, failure.reason)
            continue

        if position == 0 and pipeline.filters_check_claims:
            # Only the chosen host changed since the filters ran, so the
            # hosts ranked after it still pass a claim's check.
            alternates = tuple(names[1:settings.max_attempts])
        else:
            alternates = _claimable(table, order[position + 1:], request,
                                    settings.max_attempts - 1)
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug('Request %s placed on %s by policy %s; alternates %s',
                      request.request_id, name, pipeline.driver_name,
                      ', '.join(alternates) or 'none')
        return Selection(name, claim, alternates)

    raise claims_failed(table, pipeline, request, context, rows, order)


def no_valid_host(table: HostTable, pipeline: pipeline_mod.Pipeline,
                  request: RequestSpec,
                  context: FilterContext) -> exception.NoValidHost:
    """Return NoValidHost with a count of hosts per reason, and log it."""
    return log_no_valid_host(table, pipeline.explain(table, request, context),
                             request)


def claims_failed(table: HostTable, pipeline: pipeline_mod.Pipeline,
                  request: RequestSpec, context: FilterContext,
                  candidates: np.ndarray,
                  tried: list[int]) -> exception.NoValidHost:
    """Return NoValidHost after every ranked host failed its claim.

    Every host is counted. A host that the filters rejected counts under
    the filter's reason, and one that passed them under the claim check's
    own reason (fit.shortfall). So with few or no filters enabled, the
    reasons still name the resource that is short. A host that passed the
    filters and fits, but whose claim failed anyway, counts as "claim
    failed", and one that was never tried as "not tried".
    """
    reasons = collections.Counter(pipeline.explain(table, request, context))
    tried_rows = set(tried)
    for row in candidates:
        reason = fit.shortfall(table, int(row), request)
        if reason is None:
            reason = 'claim failed' if row in tried_rows else 'not tried'
        reasons[reason] += 1
    return log_no_valid_host(table, reasons, request)


def log_no_valid_host(table: HostTable, reasons: Mapping[str, int],
                      request: RequestSpec) -> exception.NoValidHost:
    """Log NoValidHost's summary for ``reasons`` at info and return it.

    ``reasons`` maps each reason to its number of hosts. Every NoValidHost
    of a decision is built here, including the manager's after it lost
    every claim race, so each one is logged once and in the same words.
    """
    error = exception.NoValidHost(len(table), reasons, request.request_id)
    LOG.info('Request %s: %s', request.request_id, error.summary())
    return error


def _claimable(table: HostTable, rows: list[int], request: RequestSpec,
               count: int) -> tuple[str, ...]:
    """Return the names of up to ``count`` rows that could hold a claim.

    With few or no filters enabled, the policy may rank hosts that a claim
    always rejects, such as a drained host without memory. Such a host is
    no use as an alternate. Only a few rows are checked.
    """
    names: list[str] = []
    for row in rows:
        if len(names) >= count:
            break
        if fit.shortfall(table, row, request) is None:
            names.append(table.names[row])
    return tuple(names)


def subset_pick(count: int, settings: pipeline_mod.Settings,
                rng: np.random.Generator | None) -> int:
    """Return the position of the chosen host among the ranked ones.

    ``rng`` may be None when ``[filter_scheduler] host_subset_size`` is 1.
    """
    if settings.host_subset_size <= 1 or count <= 1:
        return 0
    return int(rng.integers(min(settings.host_subset_size, count)))


def selection_rng(seed: int | None) -> np.random.Generator:
    """Return the generator for subset draws and shuffled ties.

    The ``random`` policy seeds its own generator with ``[scheduler] seed``
    too. Mixing a constant into this one gives it a different stream, so
    that the two draws are not the same numbers.
    """
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng([seed, 1])
