"""The contract of a host filter.

A filter removes the hosts that cannot hold a request. The manager runs the
enabled filters in order before any policy sees a host. A filter may work
one host at a time (``host_passes``) or on whole columns of the host table
(``filter_hosts``); the manager calls the per-host method only for hosts
that every earlier filter kept. A vectorised filter that the request does
not use returns ``all_pass(hosts)``, which the manager skips at no cost.
"""

from __future__ import annotations

import numpy as np
from oslo_config import cfg

from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

# Read-only all-true arrays by host count, shared by every filter. Each
# host table in the process needs one, and a table changes size only when
# hosts are added or removed, so a few entries are enough.
_ALL_PASS: dict[int, np.ndarray] = {}
_ALL_PASS_SIZES = 8


def all_pass(hosts: HostTable) -> np.ndarray:
    """Return a read-only boolean array that passes every host of ``hosts``.

    A filter returns it from ``filter_hosts`` when the request does not use
    the filter, for example a request without an availability zone. The
    pipeline recognises the array and skips combining it with the other
    filters' results, so an unused filter costs one call and no pass over
    the hosts. The same array is returned for every table of that size, so
    it must never be written to.
    """
    count = len(hosts)
    passes = _ALL_PASS.get(count)
    if passes is None:
        passes = np.ones(count, bool)
        passes.flags.writeable = False
        if len(_ALL_PASS) >= _ALL_PASS_SIZES:
            _ALL_PASS.clear()
        _ALL_PASS[count] = passes
    return passes


class BaseFilter:
    """Base class of every filter; it keeps no state between decisions."""

    # The name sora.conf uses for this filter; the loader sets it from the
    # entry point.
    name = ''

    # The parts of a claim's own check (sora.scheduler.fit.CLAIM_CHECKS)
    # that every host this filter passes is sure to meet. When the enabled
    # filters cover all of them, the manager offers the hosts ranked after
    # the chosen one as alternates without checking each again. A subclass
    # that changes what the filter passes must set this again.
    claim_checks: frozenset[str] = frozenset()

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        """Return the filter's own options as ``(group, options)`` pairs."""
        return []

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: FilterContext) -> bool:
        """Return whether one host can hold one instance of the request."""
        raise NotImplementedError(
            '%s must implement host_passes or filter_hosts'
            % type(self).__name__)

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        """Return a boolean array: which hosts pass this filter.

        ``candidates`` marks the hosts that earlier filters kept. The result
        is read only where ``candidates`` is true, so the default calls
        ``host_passes`` only for those hosts. The result may be a read-only
        column of the host table, or ``all_pass(hosts)`` when every host
        passes.
        """
        passes = np.zeros(len(hosts), bool)
        for row in np.flatnonzero(candidates):
            passes[row] = self.host_passes(hosts.host(int(row)), request,
                                           context)
        return passes

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: FilterContext) -> str:
        """Return why this filter rejects a host, as NoValidHost counts it.

        The text follows "N hosts are available: 2 ...", for example
        "not enough memory_mb".
        """
        return 'rejected by filter %s' % (self.name or type(self).__name__)

    def rejection_reasons(self, hosts: HostTable, rows: np.ndarray,
                          request: RequestSpec,
                          context: FilterContext) -> list[str]:
        """Return the rejection reason of each host in ``rows``, in order.

        ``rows`` lists hosts that this filter rejects. The default calls
        ``rejection_reason`` once per host; a filter that rejects many hosts
        in a large table can override this with array operations, and must
        then return the same text as ``rejection_reason`` for every host.
        """
        return [self.rejection_reason(hosts.host(int(row)), request, context)
                for row in rows]


class FilterContext:
    """What one decision knows besides the request and the host table.

    ``group_members`` maps a host name to the number of instances of the
    request's group that it holds, including instances placed earlier in
    the same request. ``now`` is the decision time in seconds since the
    epoch.
    """

    __slots__ = ('group_members', 'now')

    def __init__(self, group_members: dict[str, int] | None = None,
                 now: float = 0.0) -> None:
        self.group_members = group_members or {}
        self.now = now
